"""Many people at once: every background job delivers its own result, over the real callback endpoints.

Ten clients open the Survival page with the same setup at the same moment (everyone opening the default
page) and each posts the sweep's background callback, then polls the way dash-renderer does: the same POST
again with the signed ``cacheKey`` and ``job`` and every input and state value set to null, every 500 ms,
until the answer carries a ``response``. Before issue #14, all ten requests shared one result key and the
first client to collect the result deleted it: 1 to 4 of 10 got it under diskcache, 1 or 2 under Celery.

The diskcache tests use the session's in-process live server (``tests/conftest.py``); the Celery tests
(``KIZUNA_CELERY_TESTS=1``) start Redis, two Celery workers and the app as subprocesses, and also stop and
restart Redis under them.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests

from components import ids
from presentation.text import TEXT
from tests.test_background import celery_stack  # noqa: F401 - the fixture, shared with the browser test
from wiring.downloads import BACKGROUND_DOWNLOADS, SCENARIO_DOWNLOADS

pytestmark = pytest.mark.subprocess  # the jobs run in processes forked from the server

CLIENTS = 10
POLL_S = 0.5
JOB_TIMEOUT_S = 120
SWEEP_CONTROLS = [
    (ids.SURVIVAL_CITY, "saitama"), (ids.SURVIVAL_SOURCE, "facility"), (ids.SURVIVAL_FACILITY, "nishi-hospitals"),
    (ids.SURVIVAL_VEHICLE, "nissan-leaf-40"), (ids.SURVIVAL_SOC, 100), (ids.SURVIVAL_RESERVE, 30),
    (ids.SURVIVAL_KW, 6), (ids.SURVIVAL_LOAD_MODE, "essential"), (ids.SURVIVAL_ESSENTIAL_KWH, 3),
    (ids.SURVIVAL_PV_KWP, 0), (ids.SURVIVAL_PETROL, 0), (ids.SURVIVAL_WEATHER, "typical"),
    (ids.SURVIVAL_MAX_DURATION, 720),
]


@dataclass
class Outcome:
    """How one client's job ended: "result" (a response), "no-update" (204), "error" (any other status)."""

    kind: str
    response: dict
    seconds: float
    polls: int = 0


def page_end_id(session: requests.Session, base_url: str, path: str = "/survival") -> str:
    """The signed per-page-load token dash-renderer echoes as ``endId`` (from the page's ``_dash-config``)."""
    page = session.get(base_url + path, timeout=30).text
    config = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(config.group(1))["end_id"]


def callback_spec(base_url: str, first_output: str) -> dict:
    """The app's callback whose output starts with ``first_output`` (``id.property``)."""
    callbacks = requests.get(base_url + "/_dash-dependencies", timeout=30).json()
    return next(spec for spec in callbacks if spec["output"].startswith(f"..{first_output}"))


def outputs_of(spec: dict) -> list[dict]:
    outputs = []
    for output in spec["output"].strip(".").split("..."):
        component, prop = output.rsplit(".", 1)
        outputs.append({"id": component, "property": prop.split("@")[0]})
    return outputs


def run_job(base_url: str, spec: dict, inputs: list[dict], state: list[dict], changed: list[str],
            path: str = "/survival") -> Outcome:
    """One page load's background callback: post it, then poll like dash-renderer until it answers."""
    session = requests.Session()
    end_id = page_end_id(session, base_url, path)
    body = {"output": spec["output"], "outputs": outputs_of(spec), "inputs": inputs, "state": state,
            "changedPropIds": changed}
    start = time.monotonic()
    first = session.post(base_url + "/_dash-update-component", params={"endId": end_id}, json=body, timeout=60)
    if first.status_code != 200:
        return Outcome("error", {"status": first.status_code, "text": first.text[:300]}, time.monotonic() - start)
    handles = first.json()
    if "response" in handles:  # answered at once (e.g. the workers cannot be reached)
        return Outcome("result", handles, time.monotonic() - start)
    poll = json.loads(json.dumps(body))
    for entry in poll["inputs"] + poll["state"]:
        entry["value"] = None
    params = {"endId": end_id, "cacheKey": handles["cacheKey"], "job": handles["job"]}
    polls = 0
    while time.monotonic() - start < JOB_TIMEOUT_S:
        time.sleep(POLL_S)
        polls += 1
        answer = session.post(base_url + "/_dash-update-component", params=params, json=poll, timeout=60)
        if answer.status_code == 204:
            return Outcome("no-update", {}, time.monotonic() - start, polls)
        if answer.status_code != 200:
            return Outcome("error", {"status": answer.status_code, "text": answer.text[:300]},
                           time.monotonic() - start, polls)
        if "response" in answer.json():
            return Outcome("result", answer.json(), time.monotonic() - start, polls)
    return Outcome("timeout", {}, time.monotonic() - start, polls)


def at_once(job: Callable[[], Outcome], clients: int) -> list[Outcome]:
    """Run ``job`` in ``clients`` threads released together."""
    outcomes: list[Outcome | None] = [None] * clients
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        barrier.wait()
        outcomes[index] = job()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOB_TIMEOUT_S + 60)
    return [outcome for outcome in outcomes if outcome is not None]


def sweep_job(base_url: str, controls: list[tuple[str, object]] = SWEEP_CONTROLS) -> Callable[[], Outcome]:
    """The Survival page's sweep as it runs on page load (the Run button's 0 clicks, no changed prop)."""
    spec = callback_spec(base_url, f"{ids.SURVIVAL_SUBJECT}.children")
    inputs = [{"id": ids.SURVIVAL_RUN, "property": "n_clicks", "value": 0}]
    state = [{"id": component, "property": "value", "value": value} for component, value in controls]
    return lambda: run_job(base_url, spec, inputs, state, [])


def summary_of(outcome: Outcome) -> str:
    return outcome.response.get("response", {}).get(ids.SURVIVAL_SUMMARY, {}).get("children", "")


def banner_text(outcome: Outcome, banner_id: str) -> str:
    return json.dumps(outcome.response.get("response", {}).get(banner_id, {}), ensure_ascii=False)


def download_job(base_url: str, kind: str, href: str) -> Callable[[], Outcome]:
    """The Download menu's button for ``kind`` pressed for the scenario ``href`` (the top bar's Overview link)."""
    spec = callback_spec(base_url, f"{ids.DOWNLOAD_FILE}.data.")  # the background job's (the CSVs' has "@")
    button = next(button for button, its_kind in SCENARIO_DOWNLOADS.items() if its_kind == kind)
    inputs = [{"id": each, "property": "n_clicks", "value": int(each == button)} for each in SCENARIO_DOWNLOADS
              if each in BACKGROUND_DOWNLOADS]
    state = [{"id": ids.NAV_OVERVIEW, "property": "href", "value": href},
             {"id": ids.DOWNLOAD_PREPARED_BY, "property": "value", "value": ""}]
    return lambda: run_job(base_url, spec, inputs, state, [f"{button}.n_clicks"], path="/overview")


def assert_every_client_got_the_sweep(outcomes: list[Outcome]) -> None:
    kinds = [outcome.kind for outcome in outcomes]
    assert kinds == ["result"] * CLIENTS, kinds
    summaries = {summary_of(outcome) for outcome in outcomes}
    assert len(summaries) == 1 and summaries.pop().startswith("Shortest "), summaries


# ----------------------------------------------------------------------------------------------------------------------
# Diskcache (the default): jobs are processes forked from the web server
# ----------------------------------------------------------------------------------------------------------------------


def test_ten_identical_sweeps_at_once_each_get_the_result(live_server: str) -> None:
    assert_every_client_got_the_sweep(at_once(sweep_job(live_server), CLIENTS))


def test_ten_identical_sweeps_of_an_uncached_setup_each_get_the_result(live_server: str) -> None:
    controls = [(component, 336 if component == ids.SURVIVAL_MAX_DURATION else value)
                for component, value in SWEEP_CONTROLS]
    controls = [(component, "nishi-water" if component == ids.SURVIVAL_FACILITY else value)
                for component, value in controls]
    assert_every_client_got_the_sweep(at_once(sweep_job(live_server, controls), CLIENTS))


def test_a_bad_input_still_answers_every_client_with_its_banner(live_server: str) -> None:
    controls = [(component, "no-such-site" if component == ids.SURVIVAL_FACILITY else value)
                for component, value in SWEEP_CONTROLS]
    outcomes = at_once(sweep_job(live_server, controls), 3)
    assert [outcome.kind for outcome in outcomes] == ["result"] * 3
    assert all("no-such-site" in banner_text(outcome, ids.SURVIVAL_ERROR) for outcome in outcomes)


@pytest.mark.report
def test_identical_workbook_requests_at_once_get_one_file(live_server: str) -> None:
    job = download_job(live_server, "xlsx", "/overview?city=berlin&duration_h=48")
    outcomes = at_once(job, 3)
    files = [outcome.response["response"][ids.DOWNLOAD_FILE]["data"] for outcome in outcomes]
    assert {data["filename"] for data in files} == {"kizuna-berlin-berlin-southwest-2026.xlsx"}
    assert len({data["content"] for data in files}) == 1  # one build, shared (its run date is in the file)
    again = job()
    assert again.response["response"][ids.DOWNLOAD_FILE]["data"]["content"] == files[0]["content"]
    assert again.polls <= 2  # the cached file: answered at the first poll or the second


# ----------------------------------------------------------------------------------------------------------------------
# Celery with Redis (opt-in: KIZUNA_CELERY_TESTS=1)
# ----------------------------------------------------------------------------------------------------------------------


def test_ten_identical_sweeps_on_celery_each_get_the_result(celery_stack) -> None:  # noqa: F811
    assert_every_client_got_the_sweep(at_once(sweep_job(celery_stack.base_url), CLIENTS))


def test_redis_down_is_a_banner_fast_and_workers_recover_after_it_restarts(celery_stack) -> None:  # noqa: F811
    base_url = celery_stack.base_url
    sweep = sweep_job(base_url)
    scenario = callback_spec(base_url, f"{ids.DOWNLOAD_SCENARIO}.children")
    assert sweep().kind == "result"  # the stack works, and the page's signing secret is read from Redis

    celery_stack.stop_redis()
    outcomes = at_once(sweep, 4)
    assert [outcome.kind for outcome in outcomes] == ["result"] * 4
    for outcome in outcomes:
        assert TEXT["background.unreachable"] in banner_text(outcome, ids.SURVIVAL_ERROR)
        assert outcome.seconds < 10  # was 19 s a request (Celery's 20 retries), holding a web worker
    start = time.monotonic()
    unrelated = requests.post(base_url + "/_dash-update-component", timeout=30, json={
        "output": scenario["output"], "outputs": outputs_of(scenario), "changedPropIds": [f"{ids.NAV_OVERVIEW}.href"],
        "inputs": [{"id": ids.NAV_OVERVIEW, "property": "href", "value": "/overview?city=berlin"}]})
    assert unrelated.status_code == 200
    assert time.monotonic() - start < 5

    celery_stack.start_redis()
    deadline = time.monotonic() + 90  # a worker retries its connection every few seconds
    outcome = sweep()
    while summary_of(outcome) == "" and time.monotonic() < deadline:
        time.sleep(2)
        outcome = sweep()
    assert summary_of(outcome).startswith("Shortest "), outcome
    assert_every_client_got_the_sweep(at_once(sweep, CLIENTS))


def test_a_job_whose_worker_was_killed_is_reported_lost(celery_stack) -> None:  # noqa: F811
    celery_stack.stop_workers()
    try:
        outcome = download_job(celery_stack.base_url, "xlsx", "/overview?city=saitama&diesel=2")()
    finally:
        celery_stack.start_workers()
    assert outcome.kind == "result"
    assert TEXT["background.lost"] in banner_text(outcome, ids.URL_ERROR)
    assert 55 < outcome.seconds < 90  # nobody took it from the queue for CELERY_QUEUE_PATIENCE_S (60 s)
