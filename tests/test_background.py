"""The background-callback manager: diskcache by default, Celery with Redis when REDIS_URL is set.

The survival sweep's job function is run through each manager's own job wrapper (in this
process), so what crosses the process boundary — progress and results — is checked for
both: diskcache pickles it, Celery sends it as JSON.

``test_survival_runs_on_a_celery_worker`` starts ``redis-server``, two Celery workers and the
app in subprocesses (:func:`celery_stack`, which ``tests/test_background_concurrency.py`` uses
too) and drives the Survival page in Chromium. It runs only with ``KIZUNA_CELERY_TESTS=1`` (it
needs Debian's ``redis-server`` and ``requirements-celery.txt``); then a missing piece skips it,
or fails it under ``CI=true``.

Kizuna's managers (:mod:`components.background`) are checked without servers: a key per
request, a lost job reported, a folder that cannot be written replaced, Redis away named at once.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import diskcache
import pytest
from dash import DiskcacheManager

from components import background
from components.background import (
    LOST_JOB_MARKER,
    BackgroundJobsUnavailable,
    KizunaDiskcacheManager,
    background_cache_dir,
    background_callback_manager,
    computed_once,
    failure_message,
    worker_celery_app,
)
from presentation.text import TEXT
from resilience.result_cache import CACHE_DIR_ENV, DEFAULT_CACHE_DIR, REDIS_URL_ENV, redis_url
from tests.test_callbacks_v2h import load_page_isolated

REPO_ROOT = Path(__file__).resolve().parents[1]
SWEEP_ARGS = [1, "saitama", "household", None, "nissan-leaf-40", 100, 30, 6, "full", 3, 4, 0, "typical", 168]
CELERY_TESTS_ENV = "KIZUNA_CELERY_TESTS"
#: A port nothing listens on: Redis "down".
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture(scope="module")
def survival_page():
    return load_page_isolated("survival")


@pytest.fixture(autouse=True)
def fresh_celery_apps(monkeypatch):
    monkeypatch.setitem(background._ROLE, "worker", False)  # worker_celery_app sets it for the process
    background.celery_app.cache_clear()
    yield
    background.celery_app.cache_clear()


def test_default_is_diskcache_in_the_configured_folder(tmp_path):
    manager = background_callback_manager({CACHE_DIR_ENV: str(tmp_path / "jobs")})
    assert isinstance(manager, KizunaDiskcacheManager) and isinstance(manager, DiskcacheManager)
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
# Kizuna's managers: a job per request, lost jobs, folders that cannot be written, Redis away
# ----------------------------------------------------------------------------------------------------------------------


def run_sweep_source():
    """A function with source, as Dash keys jobs on a callback's source and arguments."""


def test_identical_requests_get_their_own_result_key(tmp_path):
    manager = background_callback_manager({CACHE_DIR_ENV: str(tmp_path)})
    keys = {manager.build_cache_key(run_sweep_source, SWEEP_ARGS, [], None) for _ in range(10)}
    assert len(keys) == 10


@pytest.mark.parametrize("problem", ["a file in the way", "a full disk"])
def test_a_folder_that_cannot_be_written_is_named_once_and_jobs_go_elsewhere(tmp_path, monkeypatch, caplog, problem):
    monkeypatch.setattr(background, "fallback_cache_dir", lambda: tmp_path / "fallback")
    configured = tmp_path / "cache"
    if problem == "a file in the way":
        configured.write_text("not a folder")
    else:
        real_set = diskcache.Cache.set

        def full(cache, key, *args, **kwargs):
            if str(configured) in cache.directory:
                raise sqlite3.OperationalError("database or disk is full")
            return real_set(cache, key, *args, **kwargs)

        monkeypatch.setattr(diskcache.Cache, "set", full)
    with caplog.at_level(logging.ERROR, logger=background.__name__):
        manager = background_callback_manager({CACHE_DIR_ENV: str(configured)})
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 1
    assert CACHE_DIR_ENV in lines[0] and str(configured / "background-callbacks") in lines[0]
    assert Path(manager.handle.directory) == tmp_path / "fallback"


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_whose_process_died_without_a_result_is_reported_lost(tmp_path):
    manager = background_callback_manager({CACHE_DIR_ENV: str(tmp_path)})
    job = str(dead_pid())
    manager._put(f"kizuna-job-queued:{job}", repr(time.time() - 1))
    result = manager.get_result("key-of-a-lost-job", job)
    assert result == {"background_callback_error": {"msg": LOST_JOB_MARKER, "tb": ""}}
    assert failure_message(RuntimeError(f"An error occurred inside a background callback: {result}")) == \
        TEXT["background.lost"]


def test_a_cancelled_job_is_not_reported_lost(tmp_path):
    manager = background_callback_manager({CACHE_DIR_ENV: str(tmp_path)})
    job = str(dead_pid())
    manager._put(f"kizuna-job-queued:{job}", repr(time.time() - 1))
    manager.terminate_job(job)  # the Cancel button
    assert manager.get_result("key-of-a-cancelled-job", job) is manager.UNDEFINED


def test_a_running_job_is_alive_while_it_beats_and_lost_when_it_stops(tmp_path, monkeypatch):
    manager = background_callback_manager({CACHE_DIR_ENV: str(tmp_path)})
    job = str(os.getpid())  # a process that exists
    now = time.time()
    manager._put(f"kizuna-job-queued:{job}", repr(now - 100))
    assert not manager.job_running(job)  # queued 100 s ago and never beat: it never started
    manager._put(f"kizuna-job-alive:{job}", repr(now - 1))
    assert manager.job_running(job)
    manager._put(f"kizuna-job-alive:{job}", repr(now - background.HEARTBEAT_TIMEOUT_S - 1))
    assert not manager.job_running(job)
    manager._put(f"kizuna-job-queued:{job}", repr(now))  # a new job of a reused id: the old beat is not its own
    assert manager.job_running(job)
    manager._put(f"kizuna-job-queued:{job}", repr(now - background.JOB_TIME_LIMIT_S - 1))
    manager._put(f"kizuna-job-alive:{job}", repr(now))
    assert not manager.job_running(job)  # beating, but running for longer than any job takes: hung


def test_the_job_function_beats_while_it_runs(tmp_path):
    manager = background_callback_manager({CACHE_DIR_ENV: str(tmp_path)})
    seen = []
    job = manager.make_job_fn(lambda: seen.append(manager.handle.get(f"kizuna-job-alive:{os.getpid()}")),
                              progress=False)
    job("job-3", "job-3-progress", [], {})
    assert seen and float(seen[0]) > time.time() - 10


def test_failures_have_the_users_words():
    assert failure_message(BackgroundJobsUnavailable("Redis: ConnectionError")) == TEXT["background.unreachable"]
    assert failure_message(ValueError("a bug")) == TEXT["background.failed"]


def test_identical_computations_at_once_compute_once():
    computed, results = [], []
    inputs = {"test": uuid.uuid4().hex}

    def slow():
        computed.append(1)
        time.sleep(0.5)
        return "result"

    threads = [threading.Thread(target=lambda: results.append(computed_once("test-once", inputs, slow)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["result"] * 4
    assert len(computed) == 1


def test_redis_away_is_named_within_seconds():
    pytest.importorskip("celery")
    manager = background_callback_manager({REDIS_URL_ENV: CLOSED_PORT_URL})
    task = manager.make_job_fn(run_sweep_source, progress=False, key="kizuna-test-task")
    calls = {"start a job": lambda: manager.call_job_fn("key", task, [], {}),
             "read its progress": lambda: manager.get_progress("key"),
             "read its result": lambda: manager.get_result("key", "job")}
    for what, call in calls.items():
        start = time.monotonic()
        with pytest.raises(BackgroundJobsUnavailable):
            call()
        assert time.monotonic() - start < 5, what  # Celery's default retries held a request for 19 s


def test_the_web_side_gives_up_fast_and_a_worker_waits(monkeypatch):
    pytest.importorskip("celery")
    web = background._celery_conf(CLOSED_PORT_URL, worker=False)
    assert web["result_backend_transport_options"]["retry_policy"]["max_retries"] <= 1
    assert web["task_publish_retry_policy"]["max_retries"] <= 1
    assert web["redis_socket_connect_timeout"] <= 2 and web["broker_connection_timeout"] <= 2
    worker = background._celery_conf(CLOSED_PORT_URL, worker=True)
    assert worker["broker_connection_max_retries"] is None
    assert "result_backend_transport_options" not in worker


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


@dataclass
class CeleryStack:
    """Redis, Celery workers and the app (``REDIS_URL`` set), each a subprocess; Redis and workers can be stopped."""

    base_url: str
    worker_log: Path
    redis_command: list[str]
    worker_command: list[str]
    env: dict[str, str]
    redis_port: int
    workers: int = 2
    processes: dict[str, list[subprocess.Popen]] = field(default_factory=dict)

    def start_redis(self) -> None:
        self.processes["redis"] = [subprocess.Popen(self.redis_command, stdout=subprocess.DEVNULL,
                                                    stderr=subprocess.DEVNULL)]
        _wait_for_port(self.redis_port, 10)

    def stop_redis(self) -> None:
        _stop(self.processes.pop("redis", []))

    def start_workers(self) -> None:
        log = self.worker_log.open("a")
        self.processes["workers"] = [
            subprocess.Popen([*self.worker_command, "-n", f"kizuna-test-{index}@%h"], cwd=REPO_ROOT, env=self.env,
                             stdout=log, stderr=subprocess.STDOUT)
            for index in range(self.workers)]

    def stop_workers(self) -> None:
        _stop(self.processes.pop("workers", []), kill=True)


def _stop(processes: list[subprocess.Popen], kill: bool = False) -> None:
    for process in processes:
        process.kill() if kill else process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def celery_stack(tmp_path):
    """Redis on a free port of 127.0.0.1, two Celery workers and the app (REDIS_URL set), each a subprocess."""
    if os.environ.get(CELERY_TESTS_ENV) != "1":
        pytest.skip(f"set {CELERY_TESTS_ENV}=1 to run the Redis + Celery end-to-end test")
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        _unavailable("redis-server is missing: sudo apt-get install -y redis-server")
    celery_bin = Path(sys.executable).with_name("celery")
    if not celery_bin.exists():
        _unavailable("Celery is missing: pip install -r requirements-celery.txt")
    redis_port, app_port = _free_port(), _free_port()
    env = {**os.environ, REDIS_URL_ENV: f"redis://127.0.0.1:{redis_port}/0", "HOST": "127.0.0.1"}
    stack = CeleryStack(
        base_url=f"http://127.0.0.1:{app_port}", worker_log=tmp_path / "worker.log", env=env, redis_port=redis_port,
        redis_command=[redis_server, "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "",
                       "--appendonly", "no"],
        worker_command=[str(celery_bin), "-A", "app:celery_app", "worker", "--pool=solo", "--loglevel=info"])
    try:
        stack.start_redis()
        stack.start_workers()
        stack.processes["app"] = [subprocess.Popen(
            [sys.executable, "app.py"], cwd=REPO_ROOT, env={**env, "PORT": str(app_port)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        _wait_for_port(app_port, 60)
        yield stack
    finally:
        for name in ("app", "workers", "redis"):
            _stop(stack.processes.pop(name, []))


def test_survival_runs_on_a_celery_worker(celery_stack, page, console_errors, outside_requests):
    from playwright.sync_api import expect

    from components import ids

    base_url, worker_log = celery_stack.base_url, celery_stack.worker_log
    page.goto(base_url + "/survival?source=household&kwp=4&load=full&max_h=168")
    summary = page.locator(f"#{ids.SURVIVAL_SUMMARY}")
    expect(summary).to_contain_text("Shortest", timeout=60_000)
    page.locator(f"#{ids.SURVIVAL_RUN}").click()
    expect(page.locator(f"#{ids.SURVIVAL_RUN}")).to_be_enabled(timeout=60_000)
    expect(summary).to_contain_text("longest 168 h")
    assert "succeeded" in worker_log.read_text(encoding="utf-8")
    assert console_errors == []
    assert outside_requests == []


# ----------------------------------------------------------------------------------------------------------------------
# The Survival page's watchdog: a browser that stopped hearing from its job
# ----------------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_sweep_whose_server_stops_answering_ends_its_running_state(page, live_server):
    from playwright.sync_api import expect

    from components import ids
    from pages.survival import STALL_S
    from tests.browser.harness import wait_for_dash

    page.goto(live_server + "/survival?max_h=8760")
    wait_for_dash(page)
    expect(page.locator(f"#{ids.SURVIVAL_SUMMARY}")).to_contain_text("Shortest", timeout=60_000)
    # The server "restarts" while the job runs: every poll of a background job fails from now on, so
    # dash-renderer stops polling with the Run button still disabled and the progress bar showing.
    page.route("**/_dash-update-component?*cacheKey=*", lambda route: route.abort("connectionrefused"))
    page.locator(f"#{ids.SURVIVAL_RUN}").click()
    expect(page.locator(f"#{ids.SURVIVAL_PROGRESS_BOX}")).to_be_visible()
    banner = page.locator(f"#{ids.SURVIVAL_ERROR}")
    expect(banner).to_contain_text(TEXT["background.stalled"].format(seconds=STALL_S), timeout=(STALL_S + 30) * 1000)
    expect(page.locator(f"#{ids.SURVIVAL_RUN}")).to_be_enabled()
    expect(page.locator(f"#{ids.SURVIVAL_CANCEL}")).to_be_disabled()
    expect(page.locator(f"#{ids.SURVIVAL_PROGRESS_BOX}")).to_be_hidden()
