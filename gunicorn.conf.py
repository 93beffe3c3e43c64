"""gunicorn settings for Kizuna: ``make serve``, or ``.venv/bin/gunicorn -c gunicorn.conf.py`` in this folder.

Every setting below can be changed by an environment variable (docs/deploy.md lists them):

========================  ==========================================================  ==========================
variable                  what                                                        default
========================  ==========================================================  ==========================
``HOST``, ``PORT``        address to listen on                                        127.0.0.1, 8050
``WEB_CONCURRENCY``       worker processes                                            :func:`default_workers`
``KIZUNA_THREADS``        threads per worker (each serves one request at a time)     4
``KIZUNA_TIMEOUT``        seconds a worker may be silent before it is restarted       120
``KIZUNA_MAX_REQUESTS``   requests after which a worker is replaced (0: never)        5000
``KIZUNA_PRELOAD``        ``0`` loads the app in each worker instead of the master    1
``KIZUNA_WARM_UP``        ``0`` skips the warm-up (:func:`wiring.serving.warm_up`)     1
========================  ==========================================================  ==========================

The app is loaded and warmed once in the master process (``preload_app``): the engine's numba
kernels are loaded (or compiled), Dash does its first-request set-up and the JavaScript bundles
are compressed (:func:`wiring.serving.warm_up`), and then the workers are forked from it. So the
first page after a restart does not wait for compilation, and a worker that replaces a recycled
one (``max_requests``) starts warm too. An upgrade of the code therefore needs a restart of the
master (``systemctl restart kizuna-web``), not only ``kill -HUP``.
"""

from __future__ import annotations

import contextlib
import os

#: Threads per worker when KIZUNA_THREADS is not set.
DEFAULT_THREADS = 4
#: Most workers the default picks: each holds its own copy of the results it has used (and, once it has
#: made a PDF, a Chromium for kaleido), so memory, not the CPU count, bounds them on a large machine.
MAX_DEFAULT_WORKERS = 8


def _int_env(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as problem:
        raise ValueError(f"{name}={value!r}: expected a whole number") from problem
    if number < minimum:
        raise ValueError(f"{name}={value!r}: expected a whole number >= {minimum}")
    return number


def _switch_env(name: str) -> bool:
    return os.environ.get(name, "1").strip().lower() not in {"0", "false", "no", "off"}


def default_workers(cpus: int | None = None) -> int:
    """Worker processes for ``cpus`` cores: one per core plus one (a worker waiting on the disk or on
    kaleido does not leave a core idle), at most :data:`MAX_DEFAULT_WORKERS`."""
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(2, min(MAX_DEFAULT_WORKERS, cpus + 1))


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


wsgi_app = "wsgi:application"
bind = [_bind_address(os.environ.get("HOST", "").strip() or "127.0.0.1", _int_env("PORT", 8050, minimum=1))]
workers = _int_env("WEB_CONCURRENCY", default_workers(), minimum=1)
worker_class = "gthread"
threads = _int_env("KIZUNA_THREADS", DEFAULT_THREADS, minimum=1)
preload_app = _switch_env("KIZUNA_PRELOAD")
#: Warm the app before it serves (see the module's docstring); off only to measure what it saves.
warm_up = _switch_env("KIZUNA_WARM_UP")
#: A worker silent this long is killed and replaced. Requests run in threads, so a long PDF does not count.
timeout = _int_env("KIZUNA_TIMEOUT", 120, minimum=1)
#: Seconds a stopping or replaced worker is given to finish its requests (a PDF took up to a minute under load).
graceful_timeout = 60
keepalive = 5
#: Replace a worker after this many requests (± 10 %, so they do not all restart at once) to bound the memory
#: a long-running process accumulates (its results in memory, kaleido's Chromium); 0 never replaces them.
#: A new visitor alone makes about 30 requests (the page's scripts) and 25 users about 40 a second: at 1000 every
#: worker was replaced about once a minute, losing its results in memory and, on its next PDF, 2 s to a new Chromium.
max_requests = _int_env("KIZUNA_MAX_REQUESTS", 5000, minimum=0)
max_requests_jitter = max_requests // 10
# The heartbeat files live in memory rather than on a disk that may stall (the gunicorn docs' advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("KIZUNA_LOG_LEVEL", "info")
proc_name = "kizuna"
# gunicorn >= 25 opens a control socket at one fixed path per user: a second server (a test, a benchmark) on
# the same machine would take it over. Kizuna is managed by signals (systemd) instead.
control_socket_disable = True


def when_ready(server) -> None:
    """In the master, before the first worker is forked: warm the preloaded app once for all workers."""
    if server.cfg.preload_app and warm_up:
        _warm(server.app.wsgi(), server.log)


def post_worker_init(worker) -> None:
    """Without preloading, each worker warms its own copy of the app."""
    if not worker.cfg.preload_app and warm_up:
        _warm(worker.wsgi, worker.log)


def worker_exit(server, worker) -> None:
    """A worker that stops takes its child processes with it (kaleido's Chromium, a background job).

    kaleido's Chromium is closed through kaleido first: killed from outside, kaleido's own clean-up at exit
    would wait for it for ever, and the master would wait ``graceful_timeout`` before killing the worker.
    """
    import sys
    import threading

    import psutil

    kaleido = sys.modules.get("kaleido")
    if kaleido is not None:
        closing = threading.Thread(target=kaleido.stop_sync_server, kwargs={"silence_warnings": True}, daemon=True)
        closing.start()
        closing.join(timeout=10)
    children = psutil.Process().children(recursive=True)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _gone, alive = psutil.wait_procs(children, timeout=3)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


def _warm(application, log) -> None:
    from wiring.serving import warm_up

    done = warm_up(application)
    log.info("Kizuna warmed up: engine %.1f s, %d JavaScript bundles compressed in %.1f s",
             done["engine_s"], done["bundles"], done["bundles_s"])
