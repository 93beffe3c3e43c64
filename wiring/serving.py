"""How the app's Flask server answers: compression, a request size limit, security headers, a health URL.

:func:`configure_serving` is called by ``app.create_app()``, so the development server
(``make run``), the tests and gunicorn (``make serve``, ``gunicorn.conf.py``) all serve
the same responses:

- **Compression** (flask-compress): a client that sends ``Accept-Encoding: br`` or ``gzip``
  gets HTML, JavaScript, CSS and JSON compressed, which turns the first page's 8.6 MB of
  JavaScript into about a quarter of that. Dash's bundles never change while the server
  runs, so each is compressed once per process and kept (:class:`BundleCache`);
  callback answers are compressed afresh each time.
- **A request size limit**, :data:`MAX_REQUEST_BYTES`: larger requests are answered
  ``413`` before their body is read.
- **Security headers** on every response (:func:`security_headers`): a
  Content-Security-Policy that lets the page run only the app's own scripts and Dash's
  inline scripts by their hashes (``app.csp_hashes()``), and forbids framing,
  MIME sniffing and sending the page's address to other sites.
- ``GET /healthz`` (:data:`HEALTH_PATH`) answers ``{"status": "ok"}`` without touching the
  engine, for a load balancer or a monitor.

:func:`warm_up` prepares a fresh process (numba kernels, Dash's first-request set-up, the
compressed bundles); ``gunicorn.conf.py`` runs it before the workers are forked.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

import flask
from dash import Dash
from flask_compress import Compress

from resilience.warmup import warm_engine

log = logging.getLogger(__name__)

#: Largest request body the server reads [bytes]. The only uploads are scenario files (about 1 kB, sent
#: base64-encoded inside a callback request) and the largest callback request the pages send is about 9 kB,
#: so 2 MB leaves a wide margin while a client can no longer make a worker read (and hold) hundreds of MB.
MAX_REQUEST_BYTES = 2 * 1024 * 1024
#: Encodings offered, best first, when the client accepts several. Brotli is smaller and faster than gzip at
#: the levels used; every browser accepts gzip.
COMPRESS_ALGORITHMS = ("br", "gzip")
#: Encodings for streamed responses (files of ``assets/``): flask-compress streams no gzip.
COMPRESS_STREAMING_ALGORITHMS = ("br", "deflate")
#: Brotli quality 0–11: 5 makes Plotly's 4.8 MB bundle 1.3 MB in about 0.2 s, once per process (gzip -6: 1.5 MB, 0.4 s).
BROTLI_QUALITY = 5
#: gzip level 1–9.
GZIP_LEVEL = 6
#: Dash's JavaScript bundles: their URL names the package version, so their bytes never change in a process.
COMPONENT_SUITES_PREFIX = "/_dash-component-suites/"
HEALTH_PATH = "/healthz"
#: Environment variable with the key that signs background-job handles (the same on every web machine).
SECRET_KEY_ENV = "KIZUNA_SECRET_KEY"

#: Content-Security-Policy without the hashes of Dash's inline scripts (added by :func:`content_security_policy`).
#: Checked in Chromium on every page (tests/browser/test_csp.py): ``style-src 'unsafe-inline'`` because Dash's
#: renderer, its core components, Plotly and AG Grid write ``<style>`` elements and ``style`` attributes at run
#: time; ``img-src data: blob:`` for AG Grid's icons and Plotly's "Download plot as a PNG" (it draws the chart
#: as an image from a ``blob:`` URL). No ``'unsafe-eval'``: nothing the pages use evaluates strings.
CSP_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:", "blob:"),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
#: Headers set on every response besides the Content-Security-Policy.
STATIC_SECURITY_HEADERS: dict[str, str] = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_SCRIPT_SRC = re.compile(r'<script src="(' + re.escape(COMPONENT_SUITES_PREFIX) + r'[^"]+)"')


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """The Content-Security-Policy header's value, allowing the inline scripts with ``script_hashes``.

    Examples
    --------
    >>> policy = content_security_policy(["'sha256-abc='"])
    >>> "script-src 'self' 'sha256-abc='" in policy and "frame-ancestors 'none'" in policy
    True
    """
    hashes = tuple(dict.fromkeys(script_hashes))  # two clientside callbacks may share a script
    directives = {**CSP_DIRECTIVES, "script-src": (*CSP_DIRECTIVES["script-src"], *hashes)}
    return "; ".join(" ".join((name, *sources)) for name, sources in directives.items())


def security_headers(script_hashes: Iterable[str] = ()) -> dict[str, str]:
    """Every security header of a response: the CSP and :data:`STATIC_SECURITY_HEADERS`."""
    return {"Content-Security-Policy": content_security_policy(script_hashes), **STATIC_SECURITY_HEADERS}


class BundleCache:
    """flask-compress's cache of compressed bodies, kept only for Dash's bundles (see :func:`bundle_cache_key`).

    Every other response (pages, callback answers) has an empty key and is compressed each time.
    """

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._bodies.get(key) if _cacheable(key) else None

    def set(self, key: str, value: bytes) -> None:
        if _cacheable(key):
            with self._lock:
                self._bodies[key] = value

    def __len__(self) -> int:
        return len(self._bodies)


def _cacheable(key: str) -> bool:
    # flask-compress's key is "<algorithm>;<bundle_cache_key(request)>".
    return not key.endswith(";")


def bundle_cache_key(request: flask.Request) -> str:
    """The path of a GET for one of Dash's bundles; ``""`` (not cached) for anything else."""
    if request.method == "GET" and request.path.startswith(COMPONENT_SUITES_PREFIX):
        return request.path
    return ""


def configure_serving(app: Dash) -> None:
    """Compression, the size limit, the security headers and ``/healthz`` on ``app.server``.

    Call it after every callback of the app is registered (the CSP hashes Dash's inline scripts, which
    include the clientside callbacks).
    """
    server = app.server
    server.config.update(
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        COMPRESS_ALGORITHM=list(COMPRESS_ALGORITHMS),
        COMPRESS_ALGORITHM_STREAMING=list(COMPRESS_STREAMING_ALGORITHMS),
        COMPRESS_BR_LEVEL=BROTLI_QUALITY,
        COMPRESS_LEVEL=GZIP_LEVEL,
        COMPRESS_CACHE_BACKEND=BundleCache,
        COMPRESS_CACHE_KEY=bundle_cache_key,
    )
    Compress(server)
    # Dash signs a background job's handles with the server's secret key; with one key for every process
    # (web workers on several machines) a job started through one worker is collected through any other.
    server.secret_key = os.environ.get(SECRET_KEY_ENV) or server.secret_key
    # First of all the request hooks: nothing may read a body over the limit (the callback guard reads every one).
    server.before_request_funcs.setdefault(None, []).insert(0, _refuse_large_requests)

    def add_security_headers(response: flask.Response) -> flask.Response:
        # Hashed on every response (a few microseconds): Dash moves a clientside callback's script into the app
        # when the page is first served, so a policy computed once could miss one.
        response.headers.update(security_headers(app.csp_hashes()))
        return response

    server.after_request(add_security_headers)
    server.add_url_rule(HEALTH_PATH, "kizuna_health", _health)


def _refuse_large_requests() -> None:
    length = flask.request.content_length
    if length is not None and length > MAX_REQUEST_BYTES:
        flask.abort(413)


def _health() -> flask.Response:
    return flask.jsonify(status="ok")


def warm_up(server: flask.Flask, encodings: Iterable[str] = COMPRESS_ALGORITHMS) -> Mapping[str, Any]:
    """Prepare a fresh process before it serves: the engine's kernels, Dash's set-up, the compressed bundles.

    Runs :func:`resilience.warmup.warm_engine`, then asks the server for its first page (Dash does its
    first-request set-up then) and for every bundle that page loads in each of ``encodings``, so that
    they are compressed and kept in :class:`BundleCache`. ``gunicorn.conf.py`` calls this in the master
    process, whose memory the workers inherit.

    Returns
    -------
    dict
        ``engine_s`` and ``bundles_s``, the seconds each part took [s], and ``bundles``, how many bundles
        were fetched.
    """
    engine_s = warm_engine()
    started = time.perf_counter()
    client = server.test_client()
    page = client.get("/")
    bundles = _SCRIPT_SRC.findall(page.get_data(as_text=True))
    for url in bundles:
        for encoding in encodings:
            client.get(url, headers={"Accept-Encoding": encoding}).close()
    bundles_s = time.perf_counter() - started
    log.info("warmed up: engine %.1f s, %d bundles compressed in %.1f s", engine_s, len(bundles), bundles_s)
    return {"engine_s": engine_s, "bundles_s": bundles_s, "bundles": len(bundles)}
