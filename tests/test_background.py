"""The background-callback manager: diskcache by default, Celery with Redis when REDIS_URL is set.

The survival sweep's job function is run through each manager's own job wrapper (in this
process), so what crosses the process boundary — progress and results — is checked for
both: diskcache pickles it, Celery sends it as JSON.

``test_survival_runs_on_a_celery_worker`` starts ``redis-server``, a Celery worker and the
app in subprocesses and drives the Survival page in Chromium. It runs only with
``KIZUNA_CELERY_TESTS=1`` (it needs Debian's ``redis-server`` and
``requirements-celery.txt``); then a missing piece skips it, or fails it under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dash import DiskcacheManager

from components import background
from components.background import background_cache_dir, background_callback_manager, worker_celery_app
from presentation.text import TEXT
from resilience.result_cache import CACHE_DIR_ENV, DEFAULT_CACHE_DIR, REDIS_URL_ENV, redis_url
from tests.test_callbacks_v2h import load_page_isolated

REPO_ROOT = Path(__file__).resolve().parents[1]
SWEEP_ARGS = [1, "saitama", "household", None, "nissan-leaf-40", 100, 30, 6, "full", 3, 4, 0, "typical", 168]
CELERY_TESTS_ENV = "KIZUNA_CELERY_TESTS"
REDIS_PORT = 6399


@pytest.fixture(scope="module")
def survival_page():
    return load_page_isolated("survival")


@pytest.fixture(autouse=True)
def fresh_celery_apps():
    background.celery_app.cache_clear()
    yield
    background.celery_app.cache_clear()


def test_default_is_diskcache_in_the_configured_folder(tmp_path):
    manager = background_callback_manager({CACHE_DIR_ENV: str(tmp_path / "jobs")})
    assert isinstance(manager, DiskcacheManager)
    assert Path(manager.handle.directory) == tmp_path / "jobs" / "background-callbacks"
    assert (tmp_path / "jobs" / "background-callbacks").is_dir()


def test_default_cache_folder_is_gitignored():
    assert DEFAULT_CACHE_DIR == REPO_ROOT / ".cache"
    assert background_cache_dir({}) == REPO_ROOT / ".cache" / "background-callbacks"
    ignored = (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".cache/" in ignored


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), ("   ", None),
                                                  (" redis://h:1/0 ", "redis://h:1/0")])
def test_redis_url_is_read_only_when_set(value, expected):
    environ = {} if value is None else {REDIS_URL_ENV: value}
    assert redis_url(environ) == expected


def test_diskcache_job_stores_progress_and_a_picklable_result(tmp_path, survival_page):
    manager = background_callback_manager({CACHE_DIR_ENV: str(tmp_path)})
    job = manager.make_job_fn(survival_page.run_sweep, progress=True)
    job("job-1", "job-1-progress", SWEEP_ARGS, {})
    result = manager.handle.get("job-1")
    assert result[1].startswith("Shortest ")
    assert result[7] is True  # error banner hidden
    assert list(manager.handle.get("job-1-progress")) == ["3", "3", TEXT["survival.stage_figures"]]


def test_celery_manager_when_redis_url_is_set():
    pytest.importorskip("celery")
    from dash import CeleryManager

    url = "redis://127.0.0.1:6399/0"
    manager = background_callback_manager({REDIS_URL_ENV: url})
    assert isinstance(manager, CeleryManager)
    assert manager.handle.conf.broker_url == url
    assert manager.handle is background.celery_app(url)  # the worker registers tasks on this same object


def test_celery_job_result_survives_json(survival_page):
    celery = pytest.importorskip("celery")
    from dash import CeleryManager

    app = celery.Celery("kizuna-test", broker="memory://", backend="cache+memory://")
    manager = CeleryManager(app)
    job = manager.make_job_fn(survival_page.run_sweep, progress=True, key="survival-test")
    job("job-2", "job-2-progress", SWEEP_ARGS, {})  # a task called directly runs in this process
    result = json.loads(app.backend.get("job-2"))
    assert result[1].startswith("Shortest ")
    assert result[3]["data"][0]["type"] == "scatter"
    assert json.loads(app.backend.get("job-2-progress")) == ["3", "3", TEXT["survival.stage_figures"]]


def test_missing_celery_is_explained(monkeypatch):
    monkeypatch.setitem(sys.modules, "celery", None)
    with pytest.raises(ImportError, match="requirements-celery.txt"):
        background_callback_manager({REDIS_URL_ENV: "redis://127.0.0.1:6399/0"})


def test_worker_needs_redis_url(monkeypatch):
    monkeypatch.delenv(REDIS_URL_ENV, raising=False)
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        worker_celery_app(lambda: pytest.fail("the app must not be built without REDIS_URL"))


def test_worker_builds_the_app_before_serving_its_celery_app(monkeypatch):
    pytest.importorskip("celery")
    url = "redis://127.0.0.1:6399/1"
    monkeypatch.setenv(REDIS_URL_ENV, url)
    built = []
    app = worker_celery_app(lambda: built.append(True))
    assert built == [True]
    assert app is background.celery_app(url)


# ----------------------------------------------------------------------------------------------------------------------
# End to end with Redis and a Celery worker (opt-in)
# ----------------------------------------------------------------------------------------------------------------------


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s} s")


@pytest.fixture
def celery_stack(tmp_path):
    """Redis on 127.0.0.1:6399, a Celery worker and the app (REDIS_URL set), each a subprocess; yields the app URL."""
    if os.environ.get(CELERY_TESTS_ENV) != "1":
        pytest.skip(f"set {CELERY_TESTS_ENV}=1 to run the Redis + Celery end-to-end test")
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        _unavailable("redis-server is missing: sudo apt-get install -y redis-server")
    celery_bin = Path(sys.executable).with_name("celery")
    if not celery_bin.exists():
        _unavailable("Celery is missing: pip install -r requirements-celery.txt")
    env = {**os.environ, REDIS_URL_ENV: f"redis://127.0.0.1:{REDIS_PORT}/0", "HOST": "127.0.0.1"}
    app_port = _free_port()
    processes = []
    try:
        processes.append(subprocess.Popen(
            [redis_server, "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_for_port(REDIS_PORT, 10)
        worker_log = (tmp_path / "worker.log").open("w")
        processes.append(subprocess.Popen(
            [str(celery_bin), "-A", "app:celery_app", "worker", "--pool=solo", "--loglevel=info"],
            cwd=REPO_ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT))
        processes.append(subprocess.Popen(
            [sys.executable, "app.py"], cwd=REPO_ROOT, env={**env, "PORT": str(app_port)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_for_port(app_port, 30)
        yield f"http://127.0.0.1:{app_port}", tmp_path / "worker.log"
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_survival_runs_on_a_celery_worker(celery_stack, page, console_errors, outside_requests):
    from playwright.sync_api import expect

    from components import ids

    base_url, worker_log = celery_stack
    page.goto(base_url + "/survival?source=household&kwp=4&load=full&max_h=168")
    summary = page.locator(f"#{ids.SURVIVAL_SUMMARY}")
    expect(summary).to_contain_text("Shortest", timeout=60_000)
    page.locator(f"#{ids.SURVIVAL_RUN}").click()
    expect(page.locator(f"#{ids.SURVIVAL_RUN}")).to_be_enabled(timeout=60_000)
    expect(summary).to_contain_text("longest 168 h")
    assert "succeeded" in worker_log.read_text(encoding="utf-8")
    assert console_errors == []
    assert outside_requests == []
