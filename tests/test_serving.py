"""How the server answers (wiring/serving.py): security headers, the size limit, compression, gunicorn's settings.

The Flask test client checks the headers on a page, a JavaScript bundle, a callback answer and an error;
the Content-Security-Policy against the inline scripts the page really carries; the 413 of a request over
:data:`wiring.serving.MAX_REQUEST_BYTES`; and that the first page's JavaScript is sent compressed when the
client asks. ``gunicorn.conf.py`` is imported with a patched environment. One test (marker ``subprocess``)
starts gunicorn itself and talks to it over loopback.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import ModuleType

import brotli
import pytest

from wiring import serving

REPO_ROOT = Path(__file__).resolve().parents[1]
GUNICORN_CONF = REPO_ROOT / "gunicorn.conf.py"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")
SCRIPT_SRC = re.compile(r'<script src="(/_dash-component-suites/[^"]+)"')
INLINE_SCRIPT = re.compile(r"<script(?: [^>]*)?>(.*?)</script>", re.S)
#: The smallest callback of the app shell: the download bar names the scenario of the Overview link.
SCENARIO_NAME_OUTPUT = "download-scenario.children"


@pytest.fixture(scope="module")
def dash_app():
    from app import create_app

    return create_app()


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.fixture(scope="module")
def first_page(client) -> str:
    return client.get("/overview").get_data(as_text=True)


def callback_body(dash_app) -> dict:
    """What the browser posts for the download bar's scenario name when the Overview link is ``/overview``."""
    output = next(key for key in dash_app.callback_map if SCENARIO_NAME_OUTPUT in key)
    outputs = [dict(zip(("id", "property"), part.split("."), strict=True)) for part in output.strip(".").split("...")]
    return {"output": output, "outputs": outputs,
            "inputs": [{"id": "nav-overview", "property": "href", "value": "/overview"}],
            "changedPropIds": ["nav-overview.href"], "parsedChangedPropsIds": ["nav-overview.href"]}


def assert_security_headers(response) -> None:
    for name in SECURITY_HEADERS:
        assert name in response.headers, f"{name} missing on {response.request.path}"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy and "https:" not in policy and "http:" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


# --------------------------------------------------------------------------------------------
# Security headers
# --------------------------------------------------------------------------------------------


def test_a_page_a_bundle_a_callback_and_an_error_carry_the_security_headers(client, dash_app, first_page) -> None:
    assert_security_headers(client.get("/overview"))
    bundle = client.get(SCRIPT_SRC.findall(first_page)[0])
    assert bundle.status_code == 200
    assert_security_headers(bundle)
    answer = client.post("/_dash-update-component", json=callback_body(dash_app))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert "Saitama" in answer.get_data(as_text=True)
    assert_security_headers(answer)
    assert_security_headers(client.get("/_dash-component-suites/dash/no-such-file.js"))


def test_the_policy_allows_exactly_the_inline_scripts_the_page_carries(client, first_page) -> None:
    policy = client.get("/overview").headers["Content-Security-Policy"]
    allowed = set(re.search(r"script-src ([^;]+)", policy).group(1).split())
    # Dash's index has an Internet Explorer warning inside an HTML comment (<!--[if IE]>): never run.
    page = re.sub(r"<!--.*?-->", "", first_page, flags=re.S)
    inline = [body for body in INLINE_SCRIPT.findall(page) if body.strip()]
    executable = [m.group(1) for m in INLINE_SCRIPT.finditer(page)
                  if m.group(1).strip() and 'type="application/json"' not in m.group(0)]
    assert len(executable) >= 2  # Dash's renderer and the clientside callbacks
    for script in executable:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, script[:80]
    assert len(inline) > len(executable)  # the _dash-config JSON is not a script and needs no hash


def test_debug_and_dev_tools_are_off_for_the_wsgi_server() -> None:
    import wsgi

    assert wsgi.application.debug is False
    page = wsgi.application.test_client().get("/").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page).group(1))
    assert config["ui"] is False and config["props_check"] is False


def test_the_health_url_answers_without_the_engine(client) -> None:
    response = client.get(serving.HEALTH_PATH)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert_security_headers(response)


# --------------------------------------------------------------------------------------------
# Request size limit
# --------------------------------------------------------------------------------------------


def test_a_request_over_the_size_limit_is_refused_with_413(client) -> None:
    too_large = b"x" * (serving.MAX_REQUEST_BYTES + 1)
    response = client.post("/_dash-update-component", data=too_large, content_type="application/json")
    assert response.status_code == 413
    assert_security_headers(response)
    # Refused by its Content-Length, on any path, before anything reads the body.
    assert client.post("/", data=too_large).status_code == 413


def test_a_request_under_the_limit_is_read(client, dash_app) -> None:
    body = callback_body(dash_app)
    body["padding"] = "x" * (serving.MAX_REQUEST_BYTES // 2)  # Dash ignores keys it does not know
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code != 413


# --------------------------------------------------------------------------------------------
# Compression
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_the_first_page_and_its_javascript_are_compressed_when_the_client_asks(
    client, first_page, encoding, decompress
) -> None:
    page = client.get("/overview", headers={"Accept-Encoding": encoding})
    assert page.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in page.headers["Vary"]
    plain_bytes = sent_bytes = 0
    for url in SCRIPT_SRC.findall(first_page):
        plain = client.get(url).data
        sent = client.get(url, headers={"Accept-Encoding": encoding})
        if len(plain) >= 500:
            assert sent.headers["Content-Encoding"] == encoding, url
            assert decompress(sent.data) == plain
        plain_bytes += len(plain)
        sent_bytes += len(sent.data)
    ratio = sent_bytes / plain_bytes
    print(f"first page's JavaScript bundles, {encoding}: {sent_bytes:,} of {plain_bytes:,} bytes (ratio {ratio:.2f})")
    assert ratio < 1


def test_nothing_is_compressed_for_a_client_that_does_not_ask(client, first_page) -> None:
    assert "Content-Encoding" not in client.get("/overview").headers
    assert "Content-Encoding" not in client.get(SCRIPT_SRC.findall(first_page)[0]).headers
    identity = client.get("/overview", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity.headers


def test_only_dash_bundles_are_kept_compressed() -> None:
    cache = serving.BundleCache()
    cache.set("br;/_dash-component-suites/dash/x.js", b"1")
    cache.set("br;", b"a callback answer")
    assert cache.get("br;/_dash-component-suites/dash/x.js") == b"1"
    assert cache.get("br;") is None
    assert len(cache) == 1


# --------------------------------------------------------------------------------------------
# gunicorn.conf.py
# --------------------------------------------------------------------------------------------


def load_gunicorn_conf(monkeypatch: pytest.MonkeyPatch, **environ: str) -> ModuleType:
    for name in ("HOST", "PORT", "WEB_CONCURRENCY", "KIZUNA_THREADS", "KIZUNA_TIMEOUT", "KIZUNA_MAX_REQUESTS",
                 "KIZUNA_PRELOAD", "KIZUNA_WARM_UP"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("kizuna_gunicorn_conf", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_conf_reads_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = load_gunicorn_conf(monkeypatch, HOST="0.0.0.0", PORT="9000", WEB_CONCURRENCY="7", KIZUNA_THREADS="3",
                              KIZUNA_TIMEOUT="60", KIZUNA_MAX_REQUESTS="500", KIZUNA_PRELOAD="0",
                              KIZUNA_WARM_UP="off")
    assert conf.bind == ["0.0.0.0:9000"]
    assert (conf.workers, conf.threads, conf.timeout) == (7, 3, 60)
    assert (conf.max_requests, conf.max_requests_jitter) == (500, 50)
    assert conf.preload_app is False and conf.warm_up is False
    assert conf.wsgi_app == "wsgi:application"
    assert conf.worker_class == "gthread"


def test_gunicorn_conf_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = load_gunicorn_conf(monkeypatch)
    assert conf.bind == ["127.0.0.1:8050"]
    assert conf.workers == conf.default_workers() >= 2
    assert conf.threads == conf.DEFAULT_THREADS
    assert conf.preload_app is True and conf.warm_up is True
    assert conf.max_requests > 0 and 0 < conf.max_requests_jitter < conf.max_requests
    assert [conf.default_workers(n) for n in (1, 2, 4, 64)] == [2, 3, 5, conf.MAX_DEFAULT_WORKERS]
    assert load_gunicorn_conf(monkeypatch, HOST="::1").bind == ["[::1]:8050"]


@pytest.mark.parametrize(("name", "value"), [("WEB_CONCURRENCY", "many"), ("KIZUNA_THREADS", "0"), ("PORT", "-1")])
def test_gunicorn_conf_refuses_a_bad_number(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        load_gunicorn_conf(monkeypatch, **{name: value})


# --------------------------------------------------------------------------------------------
# gunicorn itself
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
        return response.status, dict(response.headers), response.read()


@pytest.mark.subprocess
def test_gunicorn_serves_the_app(dash_app, tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1", "KIZUNA_THREADS": "2",
           "PYTHONPATH": str(REPO_ROOT)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as output:
        server = subprocess.Popen([str(gunicorn), "-c", str(GUNICORN_CONF)], cwd=REPO_ROOT, env=env,
                                  stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, headers, _page = _get(base + "/")
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, f"gunicorn did not serve / within 120 s:\n{log.read_text()[-3000:]}"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        request = urllib.request.Request(base + "/_dash-update-component", method="POST",
                                         data=json.dumps(callback_body(dash_app)).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback only
            assert answer.status == 200
            assert "Saitama" in answer.read().decode()
        assert "Kizuna warmed up" in log.read_text()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    assert server.returncode == 0, log.read_text()[-3000:]
