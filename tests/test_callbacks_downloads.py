"""The download bar, scenario files and the Survival/V2H downloads: callbacks called directly."""

from __future__ import annotations

import base64
import io
import json
from contextvars import copy_context

import numpy as np
import pandas as pd
import pytest
from dash import Dash, no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict
from hypothesis import given
from hypothesis import strategies as st

from components import ids
from components.results_cache import simulation
from components.scenario_controls import default_state
from presentation.text import TEXT
from reports.scenario_files import SCHEMA_VERSION, dump, load
from resilience.citydata import list_cities, load_city
from resilience.errors import KizunaInputError
from resilience.records import PRESET_IDS, Household, Scenario, SurvivalSetup
from resilience.survival import HOURS_PER_YEAR
from resilience.systems import run_survival, survival_inputs
from resilience.v2h import household_backup
from wiring import downloads

#: Column names of an export that carry no unit: identifiers, labels, flags and counts named by what they count.
UNITLESS_COLUMNS = {"time", "district_id", "facility_id", "type", "grid_up", "households", "households_off_grid",
                    "households_powered_by_backup", "households_without_power", "stations_operating"}
UNIT_SUFFIXES = ("_kwh", "_litres", "_h", "_days", "_fraction", "_pct", "_kw")
SHORT_STATE = {"city": "saitama", "scenario": {**default_state("saitama")["scenario"], "duration_h": 48}}


def triggered_by(component_id: str, function, *args):
    """Call a callback as if ``component_id`` had been clicked (``ctx.triggered_id`` set)."""

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{component_id}.n_clicks", "value": 1}]))
        return function(*args)

    return copy_context().run(call)


def press(button: str, state: dict | None, prepared_by: str = "") -> tuple:
    clicks = [1 if name == button else 0 for name in downloads.SCENARIO_DOWNLOADS]
    return triggered_by(button, downloads.download_for_scenario, *clicks, state, prepared_by)


def content_bytes(data: dict) -> bytes:
    return base64.b64decode(data["content"]) if data["base64"] else data["content"].encode("utf-8")


def data_url(payload: bytes, mime: str = "application/json") -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def text_of(children) -> str:
    """The visible text of Dash components (banner children)."""
    if children is None:
        return ""
    if isinstance(children, str | int | float):
        return str(children)
    if isinstance(children, list | tuple):
        return " ".join(text_of(child) for child in children)
    return text_of(getattr(children, "children", None))


# --------------------------------------------------------------------------------------------
# The bar: reports and data of the shared scenario
# --------------------------------------------------------------------------------------------


def test_file_names_start_with_city_and_preset() -> None:
    assert downloads.file_stem(default_state("saitama")) == "kizuna-saitama-tohoku-2011"
    assert downloads.file_stem(default_state("berlin")) == "kizuna-berlin-berlin-southwest-2026"


def test_the_bar_names_the_scenario() -> None:
    line, title = downloads.show_scenario(default_state("saitama"))
    assert line == title == "Scenario: Saitama City · Tōhoku earthquake 2011 · from Fri 11 Mar 2011 14:00 for 336 h"
    assert downloads.show_scenario(None) == (no_update, no_update)


@pytest.mark.report
def test_pdf_briefing_is_a_pdf_named_after_the_scenario() -> None:
    data, banner, hidden = press(ids.DOWNLOAD_PDF, default_state("saitama"), "Crisis desk")
    assert data["filename"] == "kizuna-saitama-tohoku-2011.pdf" and data["type"] == "application/pdf"
    assert content_bytes(data).startswith(b"%PDF")
    assert banner is no_update and hidden is no_update


@pytest.mark.report
def test_html_report_carries_the_prepared_by_name() -> None:
    data, _, _ = press(ids.DOWNLOAD_HTML, SHORT_STATE, "  Crisis desk Urawa  ")
    page = content_bytes(data).decode("utf-8")
    assert data["filename"] == "kizuna-saitama-tohoku-2011.html"
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "Crisis desk Urawa" in page and "Saitama" in page


@pytest.mark.parametrize(("button", "table", "rows_per_hour"), [
    (ids.DOWNLOAD_CSV_DISTRICTS, "districts", len(load_city("saitama").districts)),
    (ids.DOWNLOAD_CSV_FACILITIES, "facilities", len(load_city("saitama").facilities)),
    (ids.DOWNLOAD_CSV_CITY, "city", 1),
])
def test_hourly_csv_has_unit_suffixed_columns_and_one_row_per_hour_and_item(button, table, rows_per_hour) -> None:
    data, _, _ = press(button, SHORT_STATE)
    assert data["filename"] == f"kizuna-saitama-tohoku-2011-{table}-hourly.csv"
    frame = pd.read_csv(io.StringIO(content_bytes(data).decode("utf-8")))
    assert list(frame.columns[:2]) == ["time", "hours_since_start_h"]
    assert not [c for c in frame.columns if c not in UNITLESS_COLUMNS and not c.endswith(UNIT_SUFFIXES)]
    assert len(frame) == 48 * rows_per_hour
    assert frame["time"].iloc[0] == "2011-03-11T14:00:00+09:00"
    assert frame["hours_since_start_h"].max() == 47


def test_city_csv_matches_the_cached_run() -> None:
    data, _, _ = press(ids.DOWNLOAD_CSV_CITY, SHORT_STATE)
    frame = pd.read_csv(io.StringIO(content_bytes(data).decode("utf-8")))
    result = simulation(SHORT_STATE)
    np.testing.assert_array_equal(frame["demand_kwh"], result.city_hourly["demand_kwh"])
    np.testing.assert_array_equal(frame["households_without_power"], result.city_hourly["households_without_power"])


@pytest.mark.report
def test_excel_workbook_reads_back_with_the_kpis() -> None:
    data, _, _ = press(ids.DOWNLOAD_XLSX, SHORT_STATE)
    assert data["filename"] == "kizuna-saitama-tohoku-2011.xlsx"
    sheets = pd.read_excel(io.BytesIO(content_bytes(data)), sheet_name=None)
    assert list(sheets)[:2] == ["parameters", "kpis"]
    assert len(sheets["city_hourly"]) == 48
    kpis = dict(zip(sheets["kpis"]["kpi"], sheets["kpis"]["value"], strict=True))
    expected = simulation(SHORT_STATE).kpis.to_dict()
    assert kpis["households_without_power_start"] == expected["households_without_power_start"]
    assert kpis["diesel_litres_start"] == pytest.approx(expected["diesel_litres_start"])


def test_a_state_the_engine_rejects_gives_its_message_and_no_file() -> None:
    bad = {"city": "saitama", "scenario": {**SHORT_STATE["scenario"], "duration_h": 0}}
    data, banner, hidden = press(ids.DOWNLOAD_CSV_CITY, bad)
    assert data is no_update and hidden is False
    assert TEXT["download.error_heading"] in text_of(banner)
    assert "duration_h = 0: must be ≥ 1" in text_of(banner)


def test_no_button_or_no_state_downloads_nothing() -> None:
    assert triggered_by("elsewhere", downloads.download_for_scenario, *[0] * 6, SHORT_STATE, "") == (no_update,) * 3
    assert press(ids.DOWNLOAD_PDF, None) == (no_update,) * 3


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(Exception, match="kind = 'docx'"):
        downloads.scenario_download("docx", SHORT_STATE)


# --------------------------------------------------------------------------------------------
# Scenario files
# --------------------------------------------------------------------------------------------


def test_save_scenario_writes_a_versioned_file_that_loads_back() -> None:
    state = {"city": "berlin", "scenario": {**default_state("berlin")["scenario"], "pv_multiplier": 3.0}}
    data, banner, hidden = downloads.save_scenario_file(1, state)
    assert data["filename"] == "kizuna-berlin-berlin-southwest-2026.kizuna.json"
    document = json.loads(content_bytes(data))
    assert document["kind"] == "kizuna-scenario" and document["schema_version"] == SCHEMA_VERSION
    city_id, scenario = load(content_bytes(data))
    assert {"city": city_id, "scenario": scenario.to_dict()} == state
    assert (banner, hidden) == (no_update, no_update)
    assert downloads.save_scenario_file(0, state) == (no_update,) * 3


def test_loading_a_good_file_returns_its_state_and_clears_the_banner() -> None:
    saved = {"city": "berlin", "scenario": {**default_state("berlin")["scenario"], "diesel_stock_multiplier": 2.0}}
    contents = data_url(dump("berlin", Scenario.from_dict(saved["scenario"])).encode("utf-8"))
    new_state, banner, hidden, emptied = downloads.load_scenario_file(contents, "plan.kizuna.json",
                                                                      default_state("saitama"))
    assert new_state == saved
    assert (banner, hidden, emptied) == ([], True, None)


def test_loading_the_scenario_already_shown_changes_no_state() -> None:
    state = default_state("saitama")
    contents = data_url(dump("saitama", Scenario.from_dict(state["scenario"])).encode("utf-8"))
    assert downloads.load_scenario_file(contents, "same.json", state) == (no_update, [], True, None)


def _file(**changes) -> bytes:
    document = json.loads(dump("saitama", Scenario.from_dict(default_state("saitama")["scenario"])))
    document.update(changes)
    return json.dumps(document).encode("utf-8")


@pytest.mark.parametrize(("payload", "message"), [
    (b'{"kind": "kizuna-scenario", "schema_version": 1,',
     "scenario file: not valid JSON (line 1, column 49: Expecting property name"),
    (b"", "scenario file: the file is empty"),
    (b"[1, 2]", "scenario file: expected a JSON object, got a list"),
    (b'{"kind": "photo"}', "kind = 'photo': not a Kizuna scenario file"),
    (_file(schema_version=SCHEMA_VERSION + 1), f"version {SCHEMA_VERSION + 1} is newer than this Kizuna reads"),
    (_file(schema_version=0), "version 0 is older than this Kizuna reads (1) and cannot be converted"),
    (_file(city="osaka"), "city = 'osaka': must be one of"),
    (_file(scenario={"duration_h": 0}), "scenario file: scenario: duration_h = 0: must be ≥ 1"),
    ("\xff\xfe".encode("latin-1"), "scenario file: not UTF-8 text"),
])
def test_a_bad_file_names_its_problem_and_leaves_the_state_alone(payload: bytes, message: str) -> None:
    state = default_state("saitama")
    before = json.dumps(state, sort_keys=True)
    new_state, banner, hidden, emptied = downloads.load_scenario_file(data_url(payload), "broken.json", state)
    assert new_state is no_update and hidden is False and emptied is None
    text = text_of(banner)
    assert "broken.json could not be opened; the scenario on screen is unchanged" in text
    assert message in text
    assert json.dumps(state, sort_keys=True) == before


def test_an_upload_that_is_not_base64_is_named() -> None:
    _, banner, hidden, _ = downloads.load_scenario_file("data:application/json;base64,@@@", None, None)
    assert hidden is False
    assert "The file could not be opened" in text_of(banner)
    assert "the upload could not be read" in text_of(banner)


def test_no_upload_changes_nothing() -> None:
    assert downloads.load_scenario_file(None, None, default_state()) == (no_update,) * 4


@given(
    city=st.sampled_from(list_cities()),
    preset=st.sampled_from(PRESET_IDS),
    duration_h=st.integers(1, 8760),
    ev=st.floats(0, 100, allow_nan=False),
    pv=st.floats(0, 100, allow_nan=False),
    reserve=st.none() | st.floats(0, 1, allow_nan=False),
    weather=st.sampled_from(["clear", "typical", "overcast"]),
    load_mode=st.sampled_from(["essential", "full"]),
)
def test_save_then_load_restores_any_scenario_exactly(city, preset, duration_h, ev, pv, reserve, weather,
                                                      load_mode) -> None:
    scenario = Scenario(preset=preset, duration_h=duration_h, ev_stock_multiplier=ev, pv_multiplier=pv,
                        reserve_soc=reserve, weather=weather, load_mode=load_mode)
    state = {"city": city, "scenario": scenario.to_dict()}
    saved, _, _ = downloads.save_scenario_file(1, state)
    loaded, _, hidden, _ = downloads.load_scenario_file(data_url(content_bytes(saved)), saved["filename"], None)
    assert loaded == state and hidden is True


# --------------------------------------------------------------------------------------------
# Survival and V2H pages
# --------------------------------------------------------------------------------------------


def test_the_swept_setup_is_the_one_in_the_page_store_when_run_is_pressed() -> None:
    setup = SurvivalSetup(max_duration_h=72).to_dict()
    assert downloads.remember_swept_setup(1, {"setup": setup, "query": "?"}) == setup
    assert downloads.remember_swept_setup(0, None) is no_update


def test_sweep_csv_per_start_matches_the_sweep() -> None:
    setup = SurvivalSetup(max_duration_h=168).to_dict()
    data, status = triggered_by(ids.SURVIVAL_DOWNLOAD_STARTS, downloads.download_sweep, 1, 0, setup)
    assert status == ""
    first_facility = load_city("saitama").facilities[0].id
    assert data["filename"] == f"kizuna-survival-saitama-{first_facility}-168h-starts.csv"
    frame = pd.read_csv(io.StringIO(content_bytes(data).decode("utf-8")))
    assert list(frame.columns) == ["start_hour", "month", "hour_of_day", "hours_survived_h", "max_duration_h"]
    assert len(frame) == HOURS_PER_YEAR
    direct = run_survival(survival_inputs(SurvivalSetup.from_dict(setup)), 168)
    np.testing.assert_array_equal(frame["hours_survived_h"], direct.hours_survived)
    assert frame["hours_survived_h"].between(0, 168).all()


def test_sweep_probability_curve_falls_with_duration() -> None:
    setup = SurvivalSetup(source="household", max_duration_h=72,
                          household=Household(pv_kwp=4.0)).to_dict()
    data, _ = triggered_by(ids.SURVIVAL_DOWNLOAD_CURVE, downloads.download_sweep, 0, 1, setup)
    assert data["filename"] == "kizuna-survival-saitama-nissan-leaf-40-72h-probability.csv"
    frame = pd.read_csv(io.StringIO(content_bytes(data).decode("utf-8")))
    assert list(frame.columns) == ["duration_h", "probability_fraction", "starts_surviving"]
    assert list(frame["duration_h"]) == list(range(1, 73))
    assert (np.diff(frame["probability_fraction"]) <= 0).all()
    assert frame["probability_fraction"].between(0, 1).all()


def test_a_sweep_of_a_facility_the_city_lacks_names_it() -> None:
    setup = SurvivalSetup(facility_id="no-such-hospital").to_dict()
    data, status = triggered_by(ids.SURVIVAL_DOWNLOAD_STARTS, downloads.download_sweep, 1, 0, setup)
    assert data is no_update and "no facility 'no-such-hospital'" in status


def test_v2h_hourly_csv_is_the_estimate_on_screen() -> None:
    household = Household(pv_kwp=3.0, duration_h=72)
    data, status = downloads.download_v2h_hourly(1, {"household": household.to_dict(), "query": "?"})
    assert status == ""
    assert data["filename"] == "kizuna-v2h-saitama-nissan-leaf-40-hourly.csv"
    frame = pd.read_csv(io.StringIO(content_bytes(data).decode("utf-8")))
    assert list(frame.columns) == ["time", "hours_since_start_h", "load_kw", "pv_kw", "served_pv_kw", "served_car_kw",
                                   "served_engine_kw", "unserved_kw", "soc_fraction"]
    assert len(frame) == 72 and frame["time"].iloc[0] == "2011-03-11T14:00:00+09:00"
    hourly = household_backup(household).estimate.hourly
    np.testing.assert_array_equal(frame["soc_fraction"], hourly["soc"])
    # Every hour's load is served by PV, the car or the engine, or counted as not served.
    served = frame[["served_pv_kw", "served_car_kw", "served_engine_kw", "unserved_kw"]].sum(axis=1)
    np.testing.assert_allclose(served, frame["load_kw"], rtol=1e-9, atol=1e-12)


def test_v2h_hourly_csv_keeps_the_offset_across_daylight_saving() -> None:
    import datetime as dt

    household = Household(city_id="berlin", start=dt.datetime(2025, 10, 25, 12), duration_h=72)
    data, _ = downloads.download_v2h_hourly(1, {"household": household.to_dict()})
    times = pd.read_csv(io.StringIO(content_bytes(data).decode("utf-8")))["time"]
    assert times.str.endswith("+02:00").any() and times.str.endswith("+01:00").any()
    assert times.is_unique


def test_v2h_hourly_frame_refuses_a_naive_index() -> None:
    naive = pd.DataFrame({"load_kw": [1.0]}, index=pd.DatetimeIndex(["2011-03-11 14:00"]))
    with pytest.raises(Exception, match="no time zone"):
        downloads.v2h_hourly_frame(naive)


def test_no_v2h_estimate_downloads_nothing() -> None:
    assert downloads.download_v2h_hourly(1, None) == (no_update, no_update)
    assert downloads.download_v2h_hourly(0, {"household": Household().to_dict()}) == (no_update, no_update)


def test_register_callbacks_wires_every_download() -> None:
    app = Dash(__name__)
    downloads.register_callbacks(app)
    outputs = " ".join(app.callback_map)
    for output in (ids.DOWNLOAD_FILE, ids.SCENARIO_FILE_DOWNLOAD, ids.URL, ids.SURVIVAL_DOWNLOAD_FILE,
                   ids.V2H_DOWNLOAD_FILE, ids.SURVIVAL_SWEPT, ids.DOWNLOAD_SCENARIO):
        assert output in outputs


@pytest.mark.report
def test_a_forked_download_job_draws_charts_after_the_parent_started_its_image_server() -> None:
    # A download job is a process forked from the web server: it must not wait for the parent's kaleido thread.
    import multiprocess
    import plotly.graph_objects as go

    from reports import images

    images.figure_png(go.Figure())  # the parent's image server runs

    def draw(queue) -> None:
        queue.put(len(images.figure_png(go.Figure(data=[go.Bar(y=[1, 2])]))))

    queue = multiprocess.Queue()
    child = multiprocess.Process(target=draw, args=(queue,))
    child.start()
    child.join(60)
    hung = child.is_alive()
    if hung:
        child.kill()
    assert not hung
    assert queue.get(timeout=5) > 1000


def test_a_second_request_for_the_same_file_reuses_the_first() -> None:
    calls = []
    real = downloads._make_download

    def counted(*args):
        calls.append(args[0])
        return real(*args)

    state = {"city": "saitama", "scenario": {**SHORT_STATE["scenario"], "duration_h": 24}}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(downloads, "_make_download", counted)
        first = downloads.scenario_download("csv-city", state)
        second = downloads.scenario_download("csv-city", state)
        other = downloads.scenario_download("csv-city", state, "Crisis desk")
    assert first == second == other  # a CSV carries no name
    assert calls == ["csv-city", "csv-city"]  # the name is part of the key: made again for it


def test_the_download_runs_as_a_background_job_with_progress_on_the_menu_button() -> None:
    app = Dash(__name__)
    downloads.register_callbacks(app)
    spec = next(callback for output, callback in app.callback_map.items()
                if output.startswith(f"..{ids.DOWNLOAD_FILE}.data."))
    assert spec["background"]["progress"][0].component_id == downloads.DOWNLOAD_MENU_BUTTON
    assert {each["id"] for each in spec["inputs"]} == downloads.BACKGROUND_DOWNLOADS
    answered_at_once = next(callback for output, callback in app.callback_map.items()
                            if output.startswith(f"..{ids.DOWNLOAD_FILE}.data@"))
    assert not answered_at_once.get("background")
    assert {each["id"] for each in answered_at_once["inputs"]} == {
        ids.DOWNLOAD_CSV_CITY, ids.DOWNLOAD_CSV_DISTRICTS, ids.DOWNLOAD_CSV_FACILITIES, ids.DOWNLOAD_PDF,
        ids.DOWNLOAD_HTML}
    reported = []
    clicks = [1 if button == ids.DOWNLOAD_CSV_CITY else 0 for button in downloads.SCENARIO_DOWNLOADS]
    state = {"city": "saitama", "scenario": {**SHORT_STATE["scenario"], "duration_h": 12}}
    out = copy_context().run(_pressed, ids.DOWNLOAD_CSV_CITY, clicks, state, reported)
    assert out[0]["filename"].endswith("-city-hourly.csv")
    assert reported == [TEXT["download.progress_simulating"],
                        TEXT["download.progress_building"].format(kind=TEXT["download.csv_city"])]
    assert downloads.download_failed(RuntimeError("boom"))[2] is False


def _pressed(button, clicks, state, reported):
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{button}.n_clicks", "value": 1}]))
    return downloads.download_for_scenario(*clicks, state, "", set_progress=reported.append)


@pytest.mark.parametrize("city_id", ["/etc", "..", "data/cities/saitama"])
def test_a_download_from_a_store_naming_a_path_is_refused_before_the_disk_is_read(city_id, monkeypatch):
    from resilience import citydata
    from resilience.records import Household, SurvivalSetup
    from wiring.downloads import sweep_of, v2h_hourly_download

    monkeypatch.setattr(citydata, "city_path", lambda city: pytest.fail(f"looked on disk for {city!r}"))
    household = Household(city_id=city_id).to_dict()
    with pytest.raises(KizunaInputError, match="unknown city"):
        v2h_hourly_download({"household": household})
    setup = SurvivalSetup(household=Household(city_id=city_id), source="household").to_dict()
    with pytest.raises(KizunaInputError, match="unknown city"):
        sweep_of(setup)
