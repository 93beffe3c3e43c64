"""Every server callback, posted values no control can produce: never a 500, never a hang, never silence.

The requests are built from the app itself (:mod:`tests.callback_requests`): for each
callback, the values its page opens with; then one value at a time — and, for a store's
dict, one field at a time — is replaced by something hostile. The server must answer
200/204 (the callback handled it, e.g. with a banner) or 400 (the request guard refused
it, :mod:`wiring.callback_guard`), within 10 s. A page state naming a path or an
impossible scenario must come back as a banner that names the problem.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.callback_requests import CallbackRequest, callback_requests, unplaced_callbacks

#: Longest a single refused or handled request may take before it counts as a hang.
HANG_S = 10.0
_DEEP: list = []
for _ in range(300):
    _DEEP = [_DEEP]
HOSTILE_VALUES: list[Any] = [
    None, "", "/etc", "..", "/proc/self", "../../etc/passwd", 0, -1, 1e308, -1e308, 10**30, True, False, [], {},
    [1, 2], {"a": 1}, "<script>alert(1)</script>", "x" * 10_000, _DEEP, "NaN", "inf", "1e400",
    "0001-01-01T00:00", "9999-12-31T23:00",
]
#: The quick tier posts this many of the cases, drawn with a fixed seed; the slow tier posts them all.
SAMPLED_CASES = 600


@pytest.fixture(scope="module")
def app():
    from app import create_app

    app = create_app()
    app.server.test_client().get("/")  # Dash sets up its callbacks on the first request
    return app


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="module")
def requests_by_output(app) -> dict[str, CallbackRequest]:
    found = {}
    for request in callback_requests(app):
        if "download-file" in request.output:
            # The Download menu builds what was clicked: post the cheap CSV, not the PDF.
            _click_only(request, "download-csv-districts")
        found[request.output] = request
    return found


def _click_only(request: CallbackRequest, button: str) -> None:
    for entry in request.body["inputs"]:
        if isinstance(entry, dict) and entry["id"] == button:
            entry["value"] = 1
            request.body["changedPropIds"] = [f"{button}.n_clicks"]


def _cases(requests: dict[str, CallbackRequest]) -> Iterator[tuple[CallbackRequest, dict[str, Any], str]]:
    for request in requests.values():
        for slot in request.slots:
            original = request.value(slot)
            for value in HOSTILE_VALUES:
                yield request, request.with_value(slot, value), f"{slot} = {json.dumps(value)[:40]}"
            for key, inner in (original.items() if isinstance(original, dict) else ()):
                for value in HOSTILE_VALUES:
                    yield request, request.with_value(slot, {**original, key: value}), f"{slot}.{key}"
                for key2 in (inner if isinstance(inner, dict) else ()):
                    for value in HOSTILE_VALUES:
                        changed = {**original, key: {**inner, key2: value}}
                        yield request, request.with_value(slot, changed), f"{slot}.{key}.{key2}"


def _post(client, body: dict[str, Any]):
    started = time.perf_counter()
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    return response, time.perf_counter() - started


def _failures(client, cases) -> list[str]:
    failures = []
    for request, body, what in cases:
        response, seconds = _post(client, body)
        if response.status_code not in (200, 204, 400) or seconds > HANG_S:
            where = f"{request.path} {request.output[:50]} {what}"
            failures.append(f"{where}: HTTP {response.status_code}, {seconds:.1f} s")
        elif response.status_code == 400:
            assert json.loads(response.data)["message"], "a refusal says why"
    return failures


def test_every_server_callback_has_a_request(app, requests_by_output):
    server_callbacks = {output for output, callback in app.callback_map.items() if "callback" in callback}
    assert set(requests_by_output) == server_callbacks


def test_every_callback_reads_and_writes_components_of_one_page(app):
    """What Dash's browser-side check did (the app suppresses it: it cost 266 kB per page view)."""
    assert app.config.suppress_callback_exceptions
    assert unplaced_callbacks(app) == []


def test_a_callback_reading_a_component_no_page_has_is_found(app, monkeypatch):
    monkeypatch.setitem(app.callback_map, "kpi-title.children",
                        {"inputs": [{"id": "no-such-control", "property": "value"}], "state": []})
    assert unplaced_callbacks(app) == ["kpi-title.children"]


def test_the_requests_a_page_opens_with_are_answered(client, requests_by_output):
    for request in requests_by_output.values():
        response, _ = _post(client, request.body)
        assert response.status_code in (200, 204), (request.output, response.data[:200])


def test_a_sample_of_hostile_values_is_refused_or_handled(client, requests_by_output):
    cases = list(_cases(requests_by_output))
    sample = random.Random(20261203).sample(cases, min(SAMPLED_CASES, len(cases)))
    assert _failures(client, sample) == []


@pytest.mark.slow
def test_every_hostile_value_is_refused_or_handled(client, requests_by_output):
    cases = list(_cases(requests_by_output))
    assert len(cases) > 5_000
    assert _failures(client, cases) == []


# --------------------------------------------------------------------------------------------
# A page state naming a path or an impossible scenario: a banner that names the problem
# --------------------------------------------------------------------------------------------

def _planner_results(requests_by_output) -> CallbackRequest:
    return next(r for output, r in requests_by_output.items() if output.startswith("..planner-summary.children"))


@pytest.mark.parametrize("city", ["/etc", "..", "/proc/self", "saitama/../..", 5, None])
def test_a_state_naming_a_path_or_no_city_shows_a_banner(client, requests_by_output, city):
    request = _planner_results(requests_by_output)
    slot = request.slots[0]
    state = request.value(slot)
    response, _ = _post(client, request.with_value(slot, {**state, "city": city}))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "unknown city" in text and "berlin, saitama" in text
    assert "/etc/" not in text and "Traceback" not in text


@pytest.mark.parametrize(("field", "value", "named"), [
    ("duration_h", 1e308, "duration_h"),
    ("start", "0001-01-01T00:00", "start"),
    ("v2h_adoption_share", 5.0, "v2h_adoption_share"),
    ("preset", "../../etc", "preset"),
])
def test_an_impossible_scenario_in_the_state_shows_a_banner_naming_it(client, requests_by_output, field, value, named):
    request = _planner_results(requests_by_output)
    slot = request.slots[0]
    state = request.value(slot)
    hostile = {**state, "scenario": {**state["scenario"], field: value}}
    response, _ = _post(client, request.with_value(slot, hostile))
    assert response.status_code == 200
    kpis = json.loads(response.data)["response"]["planner-kpis"]["children"]
    assert named in json.dumps(kpis)


def test_a_value_outside_a_sliders_range_is_refused_naming_the_control(client, requests_by_output):
    request = next(r for output, r in requests_by_output.items() if output.startswith('..{"page":"planner"'))
    body = request.body
    slider = next(position for position, entry in enumerate(body["inputs"])
                  if isinstance(entry, dict) and "reserve" in json.dumps(entry["id"]))
    response, _ = _post(client, request.with_value(("inputs", slider, None), 1e308))
    assert response.status_code == 400
    message = json.loads(response.data)["message"]
    assert "reserve" in message and "must be within" in message


@pytest.mark.parametrize(("body", "said"), [
    ("not json", "not JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested"),
    (json.dumps({"output": "no-such-output.children", "inputs": [], "state": []}), "names no callback"),
    (json.dumps([1, 2, 3]), "not a callback request"),
])
def test_a_request_that_is_not_a_callback_request_is_refused(client, body, said):
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 400
    assert said in json.loads(response.data)["message"]
