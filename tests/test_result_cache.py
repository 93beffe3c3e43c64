"""The result cache shared by the server's processes (resilience/result_cache.py)."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from resilience import result_cache
from resilience.records import Scenario
from resilience.result_cache import ResultCache, cache_key, open_result_cache

REPO_ROOT = Path(__file__).resolve().parents[1]


class _Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"value": np.arange(3.0), "call": self.calls}


def test_a_result_is_computed_once_and_found_by_another_process_on_the_same_folder(tmp_path):
    env = {"KIZUNA_CACHE_DIR": str(tmp_path)}
    first, second = open_result_cache(env), open_result_cache(env)  # two processes' caches on one folder
    compute = _Counter()
    assert first.get_or_compute("test", {"x": 1}, compute)["call"] == 1
    assert first.last_source == "computed"
    assert first.get_or_compute("test", {"x": 1}, compute)["call"] == 1
    assert first.last_source == "memory"
    found = second.get_or_compute("test", {"x": 1}, compute)
    assert second.last_source == "shared" and compute.calls == 1
    np.testing.assert_array_equal(found["value"], [0.0, 1.0, 2.0])
    assert second.get_or_compute("test", {"x": 2}, compute)["call"] == 2


def test_keys_follow_every_input_and_the_engine_code(monkeypatch):
    scenario = Scenario(preset="tohoku-2011")
    key = cache_key("simulate", {"city": "saitama", "scenario": scenario})
    assert key == cache_key("simulate", {"scenario": Scenario(preset="tohoku-2011"), "city": "saitama"})
    assert key != cache_key("simulate", {"city": "saitama", "scenario": Scenario(preset="tohoku-2011", duration_h=48)})
    assert cache_key("sweep", {"load": np.ones(4)}) != cache_key("sweep", {"load": np.ones(5)})
    assert cache_key("sweep", {"load": np.ones(4)}) != cache_key("sweep", {"load": np.full(4, 2.0)})
    monkeypatch.setattr(result_cache, "code_fingerprint", lambda: "another version of the engine")
    assert cache_key("simulate", {"city": "saitama", "scenario": scenario}) != key


def test_a_folder_that_cannot_be_a_cache_still_gives_every_result(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="resilience.result_cache"):
        cache = open_result_cache({"KIZUNA_CACHE_DIR": str(blocker)})
    assert cache.description == "this process only"
    assert "cannot open" in caplog.text
    assert cache.get_or_compute("test", 1, _Counter())["call"] == 1


class _BrokenStore:
    def get(self, key):
        raise OSError("disk I/O error")

    def set(self, key, blob):
        raise OSError("No space left on device")

    def clear(self):
        raise OSError("read-only file system")


def test_a_store_that_fails_costs_time_never_a_result(caplog):
    cache, compute = ResultCache(_BrokenStore(), "broken"), _Counter()
    with caplog.at_level(logging.WARNING, logger="resilience.result_cache"):
        assert cache.get_or_compute("test", 1, compute)["call"] == 1
        cache.clear()
    assert cache.last_source == "computed"
    assert "could not read" in caplog.text and "could not store" in caplog.text and "could not clear" in caplog.text


def test_the_memory_in_front_keeps_only_the_latest_results(tmp_path, monkeypatch):
    monkeypatch.setattr(result_cache, "PROCESS_ENTRIES", 2)
    cache, compute = open_result_cache({"KIZUNA_CACHE_DIR": str(tmp_path)}), _Counter()
    for x in (1, 2, 3):
        cache.get_or_compute("test", x, compute)
    cache.get_or_compute("test", 1, compute)
    assert cache.last_source == "shared"  # evicted from memory, still on disk
    cache.clear()
    cache.get_or_compute("test", 1, compute)
    assert cache.last_source == "computed" and compute.calls == 4


@pytest.mark.subprocess
def test_two_server_processes_share_a_city_simulation(tmp_path):
    """The web process computes Saitama's Tōhoku month; a second process (a worker, a download) finds it."""
    script = (
        "import json\n"
        "from components.results_cache import simulation\n"
        "from resilience.result_cache import shared_result_cache\n"
        "from resilience.records import Scenario\n"
        "result = simulation({'city': 'saitama', 'scenario': Scenario(preset='tohoku-2011').to_dict()})\n"
        "print(json.dumps({'source': shared_result_cache().last_source,\n"
        "                  'lost': float(result.city_hourly['unserved_kwh'].sum())}))\n"
    )
    env = {"KIZUNA_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                      cwd=REPO_ROOT, env=env, timeout=300).stdout) for _ in range(2)]
    assert [run["source"] for run in runs] == ["computed", "shared"]
    assert runs[0]["lost"] == runs[1]["lost"] > 0


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is missing (Debian package redis-server; .ci/run installs it)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly",
                                "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_with_redis_url_set_the_results_are_shared_through_redis(redis_url):
    pytest.importorskip("redis", reason="the Redis client comes with requirements-celery.txt")
    first, second = open_result_cache({"REDIS_URL": redis_url}), open_result_cache({"REDIS_URL": redis_url})
    assert first.description.startswith("Redis")
    compute = _Counter()
    first.get_or_compute("test", "x", compute)
    assert second.get_or_compute("test", "x", compute)["call"] == 1 and second.last_source == "shared"
    second.clear()
    assert first.get_or_compute("test", "y", compute)["call"] == 2


@pytest.mark.subprocess
def test_the_survival_download_finds_the_sweep_the_background_worker_made():
    """A background worker (another process) sweeps a facility; the page's CSV download reuses that sweep."""
    from resilience.result_cache import shared_result_cache
    from wiring.downloads import sweep_of

    setup = {"source": "facility", "max_duration_h": 173}  # a horizon no other test sweeps
    script = (
        "import json\n"
        "from resilience.records import SurvivalSetup\n"
        "from resilience.result_cache import shared_result_cache\n"
        "from resilience.systems import run_survival, survival_inputs\n"
        f"setup = SurvivalSetup.from_dict({setup!r})\n"
        "result = run_survival(survival_inputs(setup), setup.max_duration_h)\n"
        "print(json.dumps({'source': shared_result_cache().last_source, 'min_h': result.to_dict()['min_h']}))\n"
    )
    worker = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                       cwd=REPO_ROOT, timeout=300).stdout)
    assert worker["source"] == "computed"
    download = sweep_of(setup)
    assert shared_result_cache().last_source == "shared"
    assert download.to_dict()["min_h"] == worker["min_h"]
