"""The page callbacks of Overview, Planner, Compare and About, called directly on the bundled cities."""

from __future__ import annotations

import importlib
import json
from contextvars import copy_context
from operator import itemgetter

import numpy as np
import pytest
from dash import Patch
from dash._callback import GLOBAL_CALLBACK_LIST, GLOBAL_CALLBACK_MAP
from dash._callback_context import context_value
from dash._utils import AttributeDict

from components import ids
from components.results_cache import simulation
from components.scenario_controls import default_state
from presentation.facility_rows import facility_rows
from presentation.figures import MAP_METRICS, district_metric
from presentation.kpi_content import COMPARED_KPIS, kpi_cards, kpi_comparison_rows
from resilience.citydata import load_city, load_provenance

SOURCE_TRACES = 5  # grid, PV, V2H, generators, batteries
#: The named outputs of the results callbacks, in the order the tests read them.
OVERVIEW = itemgetter("summary", "kpis", "supply", "facilities", "hour_max", "hour_marks", "hour")
MAP = itemgetter("figure", "now", "drawn_city")
PLANNER = itemgetter("summary", "kpis", "supply", "households")
COMPARE = itemgetter("summary", "table", ids.COMPARE_WITHOUT_POWER, ids.COMPARE_UNSERVED, ids.COMPARE_DIESEL,
                     ids.COMPARE_V2H, "error", "error_hidden")
ABOUT = itemgetter("title", "summary", "rows")


@pytest.fixture(scope="module")
def pages():
    """The page modules, imported the way Dash imports them, without leaving their callbacks
    registered for an app another test starts later."""
    saved_list, saved_map = list(GLOBAL_CALLBACK_LIST), dict(GLOBAL_CALLBACK_MAP)
    from app import create_app

    create_app()
    modules = {name: importlib.import_module(f"pages.{name}") for name in ("overview", "planner", "compare", "about")}
    GLOBAL_CALLBACK_LIST[:] = saved_list
    GLOBAL_CALLBACK_MAP.clear()
    GLOBAL_CALLBACK_MAP.update(saved_map)
    return modules


def triggered_by(component_id, prop: str, function, *args):
    text = component_id if isinstance(component_id, str) else json.dumps(component_id, sort_keys=True,
                                                                         separators=(",", ":"))

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{text}.{prop}", "value": None}]))
        return function(*args)

    return copy_context().run(call)


def with_fields(state: dict, **fields) -> dict:
    return {"city": state["city"], "scenario": {**state["scenario"], **fields}}


@pytest.mark.parametrize("city", ["saitama", "berlin"])
def test_overview_results_for_the_default_scenario(pages, city: str) -> None:
    state = default_state(city)
    summary, cards, supply, rows, last, marks, hour = OVERVIEW(pages["overview"].show_results(state, None))
    result = simulation(state)
    assert str(summary[0].children).startswith(f"{load_city(city).name} · ")
    assert [card.className for card in cards] == [
        "kpi-card kpi-autonomy", "kpi-card kpi-without-power-start", "kpi-card kpi-without-power-peak",
        "kpi-card kpi-v2h", "kpi-card kpi-diesel", "kpi-card kpi-petrol"]
    assert len(rows) == len(load_city(city).facilities)
    assert last == state["scenario"]["duration_h"] - 1 and marks[last] == f"{last} h" and hour == 0
    # Stacked sources plus unserved energy add up to demand in every hour (MW).
    stacked = sum(np.asarray(trace.y) for trace in supply.data[:SOURCE_TRACES + 1])
    np.testing.assert_allclose(stacked, np.asarray(supply.data[SOURCE_TRACES + 1].y), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(supply.data[SOURCE_TRACES + 1].y, result.city_hourly["demand_kwh"] / 1000.0)


def test_overview_keeps_the_hour_within_a_shorter_run(pages) -> None:
    state = with_fields(default_state("saitama"), duration_h=24)
    assert pages["overview"].show_results(state, 200)["hour"] == 23


def test_overview_shows_an_engine_error_as_a_banner(pages) -> None:
    out = pages["overview"].show_results({"city": "atlantis", "scenario": default_state()["scenario"]}, 0)
    assert "unknown city 'atlantis'" in str(out["kpis"])


def test_map_draws_outlines_once_then_patches_colours(pages) -> None:
    state = default_state("saitama")
    show_map = pages["overview"].show_map
    metric = {"type": ids.VIEW_CONTROL, "page": ids.PAGE_OVERVIEW, "name": ids.VIEW_MAP_METRIC}
    figure, now, drawn = MAP(triggered_by(metric, "value", show_map, state, "without-power", 3, None))
    result = simulation(state)
    at_hour_3 = result.districts[result.districts.hour == 3]
    assert drawn == "saitama"
    np.testing.assert_allclose(figure.data[0].z, at_hour_3["households_without_power"])
    assert list(figure.data[0].locations) == list(at_hour_3["district_id"])
    # The colour scale spans the whole run, so colours compare across hours.
    assert figure.data[0].zmax == pytest.approx(result.districts["households_without_power"].max())
    total = at_hour_3["households_without_power"].sum()
    assert now.startswith(f"Hour 3 · Fri 11 Mar 17:00 · {total:,.0f} households without power")

    patch, _, _ = MAP(triggered_by(ids.OVERVIEW_MAP_HOUR, "value", show_map, state, "without-power", 10, "saitama"))
    assert isinstance(patch, Patch)
    (operation,) = patch.to_plotly_json()["operations"]
    assert operation["location"] == ["data", 0, "z"]
    np.testing.assert_allclose(operation["params"]["value"],
                               result.districts[result.districts.hour == 10]["households_without_power"])

    restyle, _, _ = MAP(triggered_by(metric, "value", show_map, state, "restored", 10, "saitama"))
    assigned = {op["location"][-1]: op["params"]["value"] for op in restyle.to_plotly_json()["operations"]}
    assert (assigned["zmin"], assigned["zmax"]) == (0.0, pytest.approx(100.0 * result.grid_share.max()))
    assert assigned["colorbar"]["title"]["text"] == "Grid restored [%]"

    page_state = {"type": ids.PAGE_STATE, "page": ids.PAGE_OVERVIEW}
    other_city, _, drawn = MAP(triggered_by(page_state, "data", show_map, default_state("berlin"), "restored",
                                            0, "saitama"))
    assert drawn == "berlin" and not isinstance(other_city, Patch)


@pytest.mark.parametrize("metric_id", list(MAP_METRICS))
def test_every_map_metric_is_finite_or_blank_and_in_range(metric_id: str) -> None:
    matrix = district_metric(simulation(default_state("berlin")), metric_id)
    finite = matrix[np.isfinite(matrix)]
    assert finite.size > 0 and (finite >= 0).all()
    if metric_id == "restored":
        assert finite.max() <= 100.0
    if metric_id == "v2h-energy":
        assert (np.diff(matrix, axis=0) >= -1e-12).all()  # energy served so far never falls


def test_planner_doubling_diesel_doubles_the_first_own_tank_hours(pages) -> None:
    state = default_state("saitama")
    _summary, cards, supply, households = PLANNER(pages["planner"].show_results(state))
    _summary, doubled_cards, _supply, _households = PLANNER(pages["planner"].show_results(
        with_fields(state, diesel_stock_multiplier=2.0)))
    kpis, doubled = simulation(state).kpis, simulation(with_fields(state, diesel_stock_multiplier=2.0)).kpis
    # A site's own tank lasts fuel ÷ the burn at critical load: twice the diesel, twice the hours.
    assert doubled.diesel_tank_hours_first == pytest.approx(2 * kpis.diesel_tank_hours_first)
    assert cards[4].children[1].children == f"{round(kpis.diesel_tank_hours_first):,} h"
    assert doubled_cards[4].children[1].children == f"{round(doubled.diesel_tank_hours_first):,} h"
    assert len(supply.data) == SOURCE_TRACES + 2 + 4
    assert [trace.name for trace in households.data] == ["Off the grid", "Without power (no backup)"]


def test_kpi_cards_explain_their_formula() -> None:
    cards = kpi_cards(simulation(default_state("saitama")))
    assert "E = C × max(SOC₀ − SOC_reserve, 0) × η_dis" in cards[3].explanation
    assert "m × min(load, G) + b" in cards[4].explanation
    assert all(card.explanation for card in cards)


def test_compare_default_what_ifs(pages) -> None:
    state = default_state("saitama")
    view = {"map": "without-power", "compare": ["v2h-10", "diesel-x2"]}
    summary, table, without, unserved, diesel, v2h, banner, hidden = COMPARE(
        pages["compare"].show_comparison(state, view))
    assert (banner, hidden) == ([], True)
    assert [trace.name for trace in without.data] == [
        "A · as planned", "B · 10 % V2H adoption", "C · Doubled diesel stock"]
    body = table.children[1].children
    assert len(body) == len(COMPARED_KPIS)
    diesel_row = next(row for row in body if row.children[0].children == "First own tank dry [h]")
    a, b, c, b_minus_a, c_minus_a = (cell.children for cell in diesel_row.children[1:])
    assert b == a and b_minus_a == "±0"
    assert float(c.replace(",", "")) == pytest.approx(2 * float(a.replace(",", "")), abs=0.11)
    assert c_minus_a.startswith("+") and diesel_row.children[5].className == "delta delta-better"


def test_compare_with_no_what_if_draws_only_a(pages) -> None:
    view = {"map": "without-power", "compare": ["none", "none"]}
    out = COMPARE(pages["compare"].show_comparison(default_state("berlin"), view))
    assert all(len(figure.data) == 1 for figure in out[2:6])
    assert len(out[1].children[0].children.children) == 2  # header: figure, A


def test_comparison_rows_say_which_way_is_better() -> None:
    base = simulation(default_state("saitama"))
    more_v2h = simulation(with_fields(default_state("saitama"), v2h_adoption_share=0.3))
    rows = {row.label: row for row in kpi_comparison_rows([base, more_v2h])}
    assert rows["V2H households"].verdicts == [1]
    lost = rows["Household-hours lost"]
    assert lost.verdicts == [1] and lost.deltas[0].startswith("-")  # fewer hours lost is better


def test_about_counts_sourced_and_estimated(pages) -> None:
    title, summary, rows = ABOUT(pages["about"].show_provenance(default_state("berlin")))
    table = load_provenance("berlin")
    assert title == "Which figures are estimates — Berlin"
    assert len(rows) == len(table)
    sourced = int((table["status"] == "sourced").sum())
    assert summary.startswith(f"{sourced} values sourced, {len(table) - sourced} estimated")
    assert {row["status_label"] for row in rows} <= {"sourced", "estimated"}


def test_facility_rows_never_short_means_no_shortfall_time() -> None:
    result = simulation(default_state("saitama"))
    for row in facility_rows(result):
        assert (row["first_shortfall_h"] is None) == (row["status"] == "ok")
        assert (row["first_shortfall_time"] is None) == (row["first_shortfall_h"] is None)
    json.dumps(facility_rows(result))  # rowData must be plain JSON


def test_planner_two_districts_hit_only_they_lose_the_grid(pages) -> None:
    base = default_state("saitama")
    chosen = ["11101", "11103"]  # Nishi and Omiya
    state = with_fields(base, affected_district_ids=chosen)
    summary, cards, _supply, _households = PLANNER(pages["planner"].show_results(state))
    _base_summary, base_cards, _s, _h = PLANNER(pages["planner"].show_results(base))

    start = simulation(state).districts.query("hour == 0").set_index("district_id")
    unhit = start.drop(index=chosen)
    assert (unhit["grid_share"] == 1.0).all() and (unhit["households_without_power"] == 0).all()
    # Without power at the start = the chosen districts' households less those on backup.
    households = {d.id: d.households for d in load_city("saitama").districts}
    expected = sum(households[d] - start.loc[d, "households_powered_by_backup"] for d in chosen)
    assert expected == pytest.approx(simulation(state).kpis.households_without_power_start)
    assert cards[1].children[1].children == f"{expected:,.0f}"
    assert cards[1].children[1].children != base_cards[1].children[1].children
    assert summary[1].children == (
        f"Hit: Nishi, Omiya — {households['11101'] + households['11103']:,} households (chosen in the Planner)")


def test_every_page_header_states_the_hit_area(pages) -> None:
    state = default_state("berlin")
    line = "Hit: Steglitz-Zehlendorf — 45,400 households (the real event's area)"
    overview = pages["overview"].show_results(state, 0)["summary"]
    planner = pages["planner"].show_results(state)["summary"]
    compare = pages["compare"].show_comparison(state, {"map": "without-power", "compare": ["none", "none"]})["summary"]
    for header in (overview, planner, compare):
        assert header[1].children == line and header[1].className == "summary-hit"


def test_a_stored_bad_district_shows_the_engine_message(pages) -> None:
    out = pages["planner"].show_results(with_fields(default_state("berlin"), affected_district_ids=["99"]))
    assert "affected_district_ids has '99'" in str(out["kpis"])
