"""A scenario page's link and its own callback, called as plain functions, and the control logic behind them."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from dash import dcc, html, no_update
from dash._callback import GLOBAL_CALLBACK_LIST, GLOBAL_CALLBACK_MAP

import app as kizuna_app
from components import ids
from components import scenario_controls as sc
from components.page_link import PageControls, callback_args, open_page, update_page, view_control_id
from components.url_state import default_view, encode_query, link_states, scenario_page_href
from presentation.compare_variants import COMPARE_VARIANTS, apply_variant
from presentation.scenario_state import (
    DISABLEABLE,
    change_controls,
    control_problems,
    control_values,
    default_state,
    state_from_controls,
)
from presentation.text import TEXT
from resilience.errors import KizunaInputError
from resilience.records import Scenario

PAGE = ids.PAGE_PLANNER
PLANNER = PageControls(PAGE, sc.PLANNER_NAMES, full_form=True)
OVERVIEW = PageControls(ids.PAGE_OVERVIEW, sc.PICKER_NAMES, view_names=(ids.VIEW_MAP_METRIC,))
COMPARE = PageControls(ids.PAGE_COMPARE, sc.PICKER_NAMES, view_names=(ids.VIEW_COMPARE_B, ids.VIEW_COMPARE_C))
NAV_PATHS = {"nav-home": "/", "nav-overview": "/overview", "nav-planner": "/planner", "nav-compare": "/compare",
             "nav-v2h": "/v2h", "nav-survival": "/survival", "nav-about": "/about"}


@pytest.fixture(scope="module")
def pages():
    """The page modules, imported the way Dash imports them, without leaving their callbacks
    registered for an app another test starts later."""
    saved_list, saved_map = list(GLOBAL_CALLBACK_LIST), dict(GLOBAL_CALLBACK_MAP)
    kizuna_app.create_app()
    modules = {name: importlib.import_module(f"pages.{name}") for name in ("overview", "planner", "compare", "about")}
    GLOBAL_CALLBACK_LIST[:] = saved_list
    GLOBAL_CALLBACK_MAP.clear()
    GLOBAL_CALLBACK_MAP.update(saved_map)
    return modules


def control(name: str, page: str = PAGE) -> dict:
    return {"type": ids.SCENARIO_CONTROL, "page": page, "name": name}


def change(state: dict, values: dict, trigger: Any, controls: PageControls = PLANNER, **buttons) -> dict:
    """Run the page's callback function for one change, as the page's callback does."""
    return update_page(controls, trigger, state=state, query=encode_query(state, default_view()),
                       values={name: values.get(name) for name in controls.names}, **buttons)


def components(tree: Any):
    """Every component of a layout, depth first."""
    yield tree
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from components(child)


def by_id(layout, component_id) -> Any:
    return next(c for c in components(layout) if getattr(c, "id", None) == component_id)


# --------------------------------------------------------------------------------------------
# A page opens on its link
# --------------------------------------------------------------------------------------------


def test_a_link_sets_the_state_of_the_page() -> None:
    link = open_page({"city": "berlin", "v2h": "0.1"})
    assert link.state["city"] == "berlin"
    assert link.state["scenario"]["v2h_adoption_share"] == 0.1
    assert link.view == default_view()
    assert link.problems == []
    assert link.query == "?city=berlin&preset=berlin-southwest-2026&v2h=0.1"


def test_a_bad_link_lists_its_problems_in_the_page_banner(pages) -> None:
    link = open_page("?ev=-3")
    assert link.state == default_state()
    assert "Link parameter ev=-3: must be ≥ 0" in link.problems
    for name in ("overview", "planner", "compare", "about"):
        page = ids.PAGE_ABOUT if name == "about" else getattr(ids, f"PAGE_{name.upper()}")
        banner = by_id(pages[name].layout(ev="-3"), sc.error_banner_id(page))
        assert banner.hidden is False
        assert "Link parameter ev=-3: must be ≥ 0" in str(banner.children)
        assert TEXT["url.heading"] in str(banner.children)
        assert by_id(pages[name].layout(), sc.error_banner_id(page)).hidden is True


@pytest.mark.parametrize(("query", "fragment"), [
    ({"h": "inf"}, "h=inf: not a finite number"),
    ({"h": "-inf"}, "h=-inf: not a finite number"),
    ({"pv": "1e400"}, "pv=1e400: not a finite number"),
    ({"diesel": "9" * 5000}, "not a finite number"),
    ({"outage": "nan"}, "outage=nan: not a finite number"),
    ({"start": "9999-12-31T23:00"}, "Link parameter start=9999-12-31T23:00: must be in the years 1900–2100"),
    ({"start": "0001-01-01T00:00"}, "must be in the years 1900–2100"),
])
def test_a_link_with_an_impossible_number_or_year_opens_the_page_with_a_banner(pages, query, fragment) -> None:
    # Before: the layout raised (OverflowError, OutOfBoundsDatetime later) and the browser showed a blank page.
    link = open_page(query)
    assert link.state == default_state()
    assert any(fragment in problem for problem in link.problems), link.problems
    for name in ("overview", "planner", "compare", "about"):
        page = ids.PAGE_ABOUT if name == "about" else getattr(ids, f"PAGE_{name.upper()}")
        banner = by_id(pages[name].layout(**query), sc.error_banner_id(page))
        assert banner.hidden is False and fragment in str(banner.children)


def test_a_link_equal_to_the_defaults_is_written_back_unchanged() -> None:
    link = open_page("?city=saitama&preset=tohoku-2011")
    assert link.state == default_state("saitama")
    assert link.query == "?city=saitama&preset=tohoku-2011"


def test_every_page_builds_its_controls_from_its_link(pages) -> None:
    planner = pages["planner"].layout(city="berlin", pv="4", preset="custom")
    assert by_id(planner, control(sc.CITY)).value == "berlin"
    assert by_id(planner, control(sc.PV_MULTIPLIER)).value == 4.0
    assert by_id(planner, control(sc.CUSTOM_OUTAGE)).disabled is False  # the custom preset uses it
    assert by_id(pages["planner"].layout(), control(sc.CUSTOM_OUTAGE)).disabled is True
    assert [o["value"] for o in by_id(planner, control(sc.DISTRICTS)).options][:2] == ["01", "02"]
    stores = {c.id["type"]: c.data for c in components(planner) if isinstance(c, dcc.Store)}
    assert stores[ids.PAGE_STATE]["scenario"]["pv_multiplier"] == 4.0
    assert stores[ids.PAGE_QUERY] == "?city=berlin&preset=custom&pv=4"

    overview = pages["overview"].layout(city="berlin", map="restored")
    assert by_id(overview, control(sc.CITY, ids.PAGE_OVERVIEW)).value == "berlin"
    assert by_id(overview, control(sc.PRESET, ids.PAGE_OVERVIEW)).value == "berlin-southwest-2026"
    assert by_id(overview, view_control_id(ids.PAGE_OVERVIEW, ids.VIEW_MAP_METRIC)).value == "restored"
    assert by_id(overview, ids.OVERVIEW_PLANNER_LINK).href == "/planner?city=berlin&preset=berlin-southwest-2026" \
                                                              "&map=restored"

    compare = pages["compare"].layout(compare="v2h-30,pv-x3")
    assert by_id(compare, view_control_id(ids.PAGE_COMPARE, ids.VIEW_COMPARE_B)).value == "v2h-30"
    assert by_id(compare, view_control_id(ids.PAGE_COMPARE, ids.VIEW_COMPARE_C)).value == "pv-x3"
    assert by_id(pages["compare"].layout(), view_control_id(ids.PAGE_COMPARE, ids.VIEW_COMPARE_C)).value == \
        "diesel-x2"
    about = {c.id["type"]: c.data for c in components(pages["about"].layout(city="berlin"))
             if isinstance(c, dcc.Store)}
    assert about[ids.PAGE_STATE] == default_state("berlin")


def test_the_page_callback_has_named_outputs_and_inputs() -> None:
    args = callback_args(PLANNER)
    assert set(args["output"]) == {"state", "query", "banner", "banner_hidden", "values", "disabled", "districts",
                                   "hint"}
    assert set(args["output"]["values"]) == set(sc.PLANNER_NAMES)
    assert set(args["output"]["disabled"]) == set(DISABLEABLE)
    assert set(args["inputs"]) == {"values", "reset", "whole_city"}
    assert set(callback_args(COMPARE)["inputs"]["view"]) == {ids.VIEW_COMPARE_B, ids.VIEW_COMPARE_C}
    assert "disabled" not in callback_args(OVERVIEW)["output"]


# --------------------------------------------------------------------------------------------
# The top bar carries the page's query; the download bar reads it
# --------------------------------------------------------------------------------------------


def test_the_top_bar_links_carry_the_scenario_page_query() -> None:
    query = "?city=berlin&preset=berlin-southwest-2026&diesel=3"
    hrefs = kizuna_app.carried_links([query], NAV_PATHS)
    assert hrefs == {"nav-home": "/", "nav-overview": "/overview" + query, "nav-planner": "/planner" + query,
                     "nav-compare": "/compare" + query, "nav-v2h": "/v2h?city=berlin",
                     "nav-survival": "/survival?city=berlin", "nav-about": "/about" + query}


def test_pages_without_a_scenario_leave_the_links_alone() -> None:
    # The V2H and Survival pages keep their own query: the links keep the last scenario.
    carried = kizuna_app.carried_links(["?city=berlin&preset=berlin-southwest-2026"], NAV_PATHS)
    assert kizuna_app.carried_links([], NAV_PATHS, carried) == carried
    assert kizuna_app.carried_links(None, NAV_PATHS) == NAV_PATHS  # the first page: the bare paths


def test_the_top_bar_link_gives_the_scenario_back() -> None:
    state = {"city": "berlin", "scenario": dict(default_state("berlin")["scenario"], diesel_stock_multiplier=3.0)}
    carried = link_states("/overview" + encode_query(state, {"map": "restored", "compare": ["none", "none"]}))
    assert carried.state == state and carried.view["map"] == "restored"
    assert link_states("/overview").state == default_state("saitama")
    assert link_states(None).state == default_state("saitama")
    assert scenario_page_href("/planner", state, None) == "/planner?city=berlin&preset=berlin-southwest-2026&diesel=3"
    assert scenario_page_href("/v2h", state, None).startswith("/overview?city=berlin")


# --------------------------------------------------------------------------------------------
# Controls ⇄ state
# --------------------------------------------------------------------------------------------


def test_controls_show_city_values_for_none() -> None:
    values = control_values(default_state("saitama"))
    assert values[sc.RESERVE] == 30  # the fleet's reserve SOC 0.3, in %
    assert values[sc.RESUPPLY_DELAY] == 24.0  # the city's first diesel delivery
    assert values[sc.PETROL_RATION] == 10.0
    assert values[sc.START_DATE] == "2011-03-11" and values[sc.START_HOUR] == 14
    assert values[sc.V2H_MODE] == sc.V2H_INSTALLED


def test_controls_round_trip_to_the_same_state() -> None:
    state = default_state("berlin")
    assert state_from_controls(control_values(state), state) == state


def test_values_equal_to_city_data_are_stored_as_none() -> None:
    state = default_state("saitama")
    values = control_values(state) | {sc.RESERVE: 50, sc.V2H_MODE: sc.V2H_ADOPTION_SHARE, sc.V2H_ADOPTION: 10}
    scenario = state_from_controls(values, state, sc.RESERVE)["scenario"]
    assert scenario["reserve_soc"] == 0.5
    assert scenario["v2h_adoption_share"] == 0.1
    assert scenario["diesel_resupply_delay_h"] is None and scenario["petrol_ration_litres"] is None


def test_a_new_preset_restarts_at_its_real_start_and_horizon() -> None:
    state = default_state("saitama")
    values = control_values(state) | {sc.PRESET: "hokkaido-2018", sc.START_DATE: "2020-01-01"}
    scenario = state_from_controls(values, state, sc.PRESET)["scenario"]
    assert (scenario["preset"], scenario["start"], scenario["duration_h"]) == ("hokkaido-2018", None, 96)


def test_a_city_of_another_country_switches_to_its_own_outage() -> None:
    state = default_state("saitama")
    new = state_from_controls({sc.CITY: "berlin", sc.PRESET: "tohoku-2011"}, state, sc.CITY)
    assert new == default_state("berlin")
    custom = {"city": "saitama", "scenario": Scenario(preset="custom").to_dict()}
    assert state_from_controls({sc.CITY: "berlin"}, custom, sc.CITY)["scenario"]["preset"] == "custom"


def test_impossible_values_name_the_control() -> None:
    state = default_state("saitama")
    values = control_values(state) | {sc.START_DATE: "2011-02-30", sc.ESSENTIAL: -5, sc.START_HOUR: 25}
    with pytest.raises(KizunaInputError) as error:
        state_from_controls(values, state, sc.ESSENTIAL)
    assert error.value.problems == [
        "Start date '2011-02-30': not a date in the form YYYY-MM-DD (day is out of range for month)",
        "Start hour '25': must be a whole hour from 0 to 23",
        "Essential load [kWh/day per household] = -5: must be ≥ 0",
    ]


def test_engine_problems_are_named_by_their_control_through_their_field() -> None:
    with pytest.raises(KizunaInputError) as error:
        Scenario(pv_multiplier=200.0)
    (detail,) = error.value.details
    assert (detail.record, detail.field, detail.value, detail.rule) == ("scenario", "pv_multiplier", 200.0,
                                                                        "must be ≤ 100")
    assert detail.message == error.value.problems[0] == "scenario: pv_multiplier = 200.0: must be ≤ 100"
    assert control_problems(error.value) == ["Rooftop PV (× today's kWp) = 200: must be ≤ 100"]
    # A message without structured details passes unchanged, and so does a problem of the whole record.
    assert control_problems(KizunaInputError("something else")) == ["something else"]
    with pytest.raises(KizunaInputError) as whole:
        Scenario(start="2011-03-11T14:00+09:00")
    assert whole.value.details[0].field is None
    assert control_problems(whole.value) == whole.value.problems == [
        "scenario: start must be a local time without a time zone (the city's zone applies)"]


def test_change_controls_reset_and_errors() -> None:
    berlin = default_state("berlin")
    assert change_controls(berlin, {sc.CITY: "saitama"}, changed=None) == change_controls(berlin, {}, changed=None)
    assert change_controls(berlin, {}, changed=None).state is None
    changed = dict(berlin["scenario"], diesel_stock_multiplier=3.0)
    reset = change_controls({"city": "berlin", "scenario": changed}, {}, changed=None, reset=True)
    assert reset.state == berlin and reset.values[sc.CITY] == "berlin"
    bad = change_controls(berlin, control_values(berlin) | {sc.DURATION: None}, changed=sc.DURATION)
    assert bad.state is None and bad.values is None
    assert bad.problems == ["Hours to simulate = None: input should be a valid integer"]


def test_variants_apply_on_top_of_the_scenario() -> None:
    scenario = Scenario(diesel_stock_multiplier=60.0, v2h_adoption_share=0.5).to_dict()
    assert apply_variant(scenario, "v2h-10")["v2h_adoption_share"] == 0.1
    assert apply_variant(scenario, "diesel-x2")["diesel_stock_multiplier"] == 100.0  # capped at the maximum
    assert apply_variant(scenario, "none") == scenario
    with pytest.raises(KizunaInputError, match="compare variant 'x'"):
        apply_variant(scenario, "x")
    assert set(COMPARE_VARIANTS) >= {"none", "v2h-10", "diesel-x2"}


# --------------------------------------------------------------------------------------------
# The page's callback, as plain functions
# --------------------------------------------------------------------------------------------


def test_no_trigger_changes_nothing() -> None:
    out = change(default_state(), control_values(default_state()), None)
    assert out["state"] is no_update and out["query"] is no_update
    assert all(value is no_update for value in out["values"].values())
    assert out["districts"] is no_update and out["hint"] is no_update


def test_a_user_change_updates_the_state_and_the_query_only() -> None:
    state = default_state("saitama")
    values = control_values(state) | {sc.DIESEL_MULTIPLIER: 2.5}
    out = change(state, values, control(sc.DIESEL_MULTIPLIER))
    assert out["state"]["scenario"]["diesel_stock_multiplier"] == 2.5
    assert out["query"] == "?city=saitama&preset=tohoku-2011&diesel=2.5"
    assert all(value is no_update for value in out["values"].values())
    assert (out["banner"], out["banner_hidden"]) == ([], True)


def test_the_query_is_that_of_the_state() -> None:
    state = {"city": "saitama", "scenario": Scenario(preset="tohoku-2011", duration_h=336,
                                                     diesel_stock_multiplier=2).to_dict()}
    assert encode_query(state, None) == "?city=saitama&preset=tohoku-2011&diesel=2"
    out = change(default_state("saitama"), control_values(state), control(sc.DIESEL_MULTIPLIER))
    assert out["query"] == "?city=saitama&preset=tohoku-2011&diesel=2"


def test_a_bad_value_shows_the_banner_and_keeps_the_state_and_query() -> None:
    state = default_state("saitama")
    values = control_values(state) | {sc.CUSTOM_OUTAGE: -5}
    out = change(state, values, control(sc.CUSTOM_OUTAGE))
    assert out["state"] is no_update and out["query"] is no_update
    assert out["banner_hidden"] is False
    assert "Full outage [h] = -5: must be ≥ 0" in str(out["banner"])
    assert TEXT["error.heading"] in str(out["banner"])


def test_a_new_city_sets_every_control_with_its_districts() -> None:
    state = default_state("saitama")
    out = change(state, control_values(state) | {sc.CITY: "berlin"}, control(sc.CITY))
    assert out["state"] == default_state("berlin")
    assert out["values"][sc.CITY] == "berlin" and out["values"][sc.PRESET] == "berlin-southwest-2026"
    assert out["disabled"][sc.CUSTOM_OUTAGE] is True  # not the custom preset
    assert [o["label"] for o in out["districts"]][:3] == ["Mitte", "Friedrichshain-Kreuzberg", "Pankow"]
    assert len(out["districts"]) == 12
    assert out["hint"] == "Empty = the real event's own area — Steglitz-Zehlendorf: 45,400 of 165,379 households."
    # A change of another control leaves options and hint alone.
    berlin = default_state("berlin")
    other = change(berlin, control_values(berlin) | {sc.DISTRICTS: ["01"]}, control(sc.DISTRICTS))
    assert other["state"]["scenario"]["affected_district_ids"] == ["01"]
    assert other["districts"] is no_update and other["hint"] is no_update


def test_the_picker_pages_keep_their_view_in_the_query() -> None:
    state = default_state("berlin")
    picker = {sc.CITY: "berlin", sc.PRESET: "berlin-southwest-2026"}
    compared = update_page(COMPARE, view_control_id(ids.PAGE_COMPARE, ids.VIEW_COMPARE_C), state=state,
                           query=encode_query(state), values=picker,
                           view={ids.VIEW_COMPARE_B: "v2h-10", ids.VIEW_COMPARE_C: "pv-x3"})
    assert compared["state"] is no_update
    assert compared["query"] == "?city=berlin&preset=berlin-southwest-2026&compare=v2h-10,pv-x3"
    mapped = update_page(OVERVIEW, view_control_id(ids.PAGE_OVERVIEW, ids.VIEW_MAP_METRIC), state=state,
                         query=encode_query(state), values=picker, view={ids.VIEW_MAP_METRIC: "restored"})
    assert mapped["query"] == "?city=berlin&preset=berlin-southwest-2026&map=restored"
    # A new city keeps the view.
    moved = update_page(OVERVIEW, control(sc.CITY, ids.PAGE_OVERVIEW), state=state, query=mapped["query"],
                        values={sc.CITY: "saitama", sc.PRESET: "berlin-southwest-2026"},
                        view={ids.VIEW_MAP_METRIC: "restored"})
    assert moved["query"] == "?city=saitama&preset=tohoku-2011&map=restored"
    assert moved["values"] == {sc.CITY: "saitama", sc.PRESET: "tohoku-2011"}


def test_reset_restores_the_city_defaults() -> None:
    changed = {"city": "berlin", "scenario": dict(default_state("berlin")["scenario"], pv_multiplier=4.0)}
    out = change(changed, control_values(changed), {"type": ids.SCENARIO_RESET, "page": PAGE}, reset=1)
    assert out["state"] == default_state("berlin")
    assert out["values"][sc.PV_MULTIPLIER] == 1.0
    assert out["query"] == "?city=berlin&preset=berlin-southwest-2026"


# --------------------------------------------------------------------------------------------
# Districts hit
# --------------------------------------------------------------------------------------------


def with_districts(state: dict, *district_ids: str) -> dict:
    return {"city": state["city"], "scenario": dict(state["scenario"], affected_district_ids=list(district_ids))}


def test_choosing_districts_stores_them_in_city_order() -> None:
    state = default_state("berlin")
    values = control_values(state) | {sc.DISTRICTS: ["09", "06"]}
    assert control_values(state)[sc.DISTRICTS] == []
    new = state_from_controls(values, state, sc.DISTRICTS)
    assert new["scenario"]["affected_district_ids"] == ["06", "09"]
    assert control_values(new)[sc.DISTRICTS] == ["06", "09"]
    cleared = state_from_controls(control_values(new) | {sc.DISTRICTS: []}, new, sc.DISTRICTS)
    assert cleared == state  # an empty choice is the preset's own area again


def test_an_unknown_district_is_named_in_the_banner() -> None:
    state = default_state("berlin")
    out = change(state, control_values(state) | {sc.DISTRICTS: ["06", "11101"]}, control(sc.DISTRICTS))
    assert out["state"] is no_update
    assert "Districts hit: Berlin has no district '11101'" in str(out["banner"])


@pytest.mark.parametrize(("changed", "value"), [(sc.PRESET, "berlin-koepenick-2019"), (sc.CITY, "saitama")])
def test_a_new_preset_or_city_goes_back_to_its_own_area(changed: str, value: str) -> None:
    state = with_districts(default_state("berlin"), "01", "02")
    new = state_from_controls(control_values(state) | {changed: value}, state, changed)
    assert new["scenario"]["affected_district_ids"] is None


def test_reset_forgets_the_chosen_districts() -> None:
    state = with_districts(default_state("berlin"), "01")
    out = change(state, control_values(state), {"type": ids.SCENARIO_RESET, "page": PAGE}, reset=1)
    assert out["state"] == default_state("berlin")
    assert out["values"][sc.DISTRICTS] == []


def test_the_whole_city_button_chooses_every_district() -> None:
    state = default_state("berlin")
    out = change(state, control_values(state), {"type": ids.SCENARIO_WHOLE_CITY, "page": PAGE}, whole_city=1)
    every = [f"{i:02d}" for i in range(1, 13)]
    assert out["values"][sc.DISTRICTS] == every
    assert out["state"]["scenario"]["affected_district_ids"] == every
    assert "districts=01,02,03,04,05,06,07,08,09,10,11,12" in out["query"]
    unclicked = change(state, control_values(state), {"type": ids.SCENARIO_WHOLE_CITY, "page": PAGE},
                       whole_city=None)
    assert unclicked["state"] is no_update and unclicked["values"][sc.DISTRICTS] is no_update


def test_controls_that_change_nothing_are_greyed_and_say_why() -> None:
    # Review item 8: the EV stock slider did nothing with installed V2H units and was neither greyed nor explained.
    values = control_values(default_state("saitama"))
    assert sc.disabled_controls(values)[sc.EV_MULTIPLIER]  # installed units by default
    assert not sc.disabled_controls(values | {sc.V2H_MODE: sc.V2H_ADOPTION_SHARE})[sc.EV_MULTIPLIER]
    assert sc.disabled_controls(values | {sc.LOAD_MODE: "full"})[sc.ESSENTIAL]
    assert sc.disabled_controls(values | {sc.DIESEL_MULTIPLIER: 0})[sc.RESUPPLY_DELAY]
    assert not sc.disabled_controls(values)[sc.RESUPPLY_DELAY]
    shared_hint = {sc.CUSTOM_RESTORATION: sc.CUSTOM_OUTAGE}  # one hint under the pair of fields
    for name in DISABLEABLE:
        assert f"control.{shared_hint.get(name, name)}_hint" in TEXT, f"{name} is greyed out but says nowhere why"
    out = change(default_state("saitama"), values | {sc.LOAD_MODE: "full"}, control(sc.LOAD_MODE))
    assert out["disabled"][sc.ESSENTIAL] is True and out["disabled"][sc.EV_MULTIPLIER] is True


def test_the_ration_slider_spans_values_that_bind() -> None:
    # Review item 8: the slider started at 5 L while a car's demand was 5 L a day, so it never bound.
    from resilience.citydata import load_city

    ration = next(c for c in components(sc.planner_controls(ids.PAGE_PLANNER))
                  if isinstance(c, dcc.Slider) and c.id["name"] == sc.PETROL_RATION)
    for city_id in ("saitama", "berlin"):
        demand = load_city(city_id).petrol.demand_litres_per_vehicle_per_day
        assert ration.min < demand < ration.max  # the lower part of the range binds, the hint says where


def test_the_error_banner_lists_each_problem() -> None:
    banner = sc.error_banner(PAGE, ["a", "b"], "error.heading")
    assert banner.hidden is False and isinstance(banner.children[1], html.Ul)
    assert [item.children for item in banner.children[1].children] == ["a", "b"]


# --------------------------------------------------------------------------------------------
# The download bar works on the scenario the top bar carries
# --------------------------------------------------------------------------------------------


def test_the_download_bar_names_and_loads_through_the_top_bar_link() -> None:
    import base64

    from reports.scenario_files import dump
    from wiring import downloads

    line, title = downloads.show_carried_scenario("/overview?city=saitama&preset=tohoku-2011")
    assert line == title == "Scenario: Saitama City · Tōhoku earthquake 2011 · from Fri 11 Mar 2011 14:00 for 336 h"
    assert downloads.show_carried_scenario("/overview") == (line, title)  # no query yet: the default scenario

    saved = {"city": "berlin", "scenario": {**default_state("berlin")["scenario"], "diesel_stock_multiplier": 2.0}}
    text = dump("berlin", Scenario.from_dict(saved["scenario"])).encode("utf-8")
    contents = "data:application/json;base64," + base64.b64encode(text).decode("ascii")
    carried = "/overview?city=saitama&preset=tohoku-2011&map=restored"
    href, banner, hidden, emptied = downloads.load_carried_scenario(contents, "plan.kizuna.json", carried, "/planner")
    assert href == "/planner?city=berlin&preset=berlin-southwest-2026&diesel=2&map=restored"
    assert (banner, hidden, emptied) == ([], True, None)
    href, _, _, _ = downloads.load_carried_scenario(contents, "plan.kizuna.json", carried, "/v2h")
    assert href.startswith("/overview?city=berlin")
    same = "/overview" + encode_query(saved)
    assert downloads.load_carried_scenario(contents, "same.json", same, "/overview")[0] is no_update
    broken, banner, hidden, _ = downloads.load_carried_scenario("data:application/json;base64,@@@", "x.json",
                                                                carried, "/overview")
    assert broken is no_update and hidden is False
    saved_file, _, _ = downloads.save_carried_scenario(1, "/overview" + encode_query(saved))
    assert saved_file["filename"] == "kizuna-berlin-berlin-southwest-2026.kizuna.json"


def test_a_share_the_control_shows_in_percent_is_named_in_percent():
    from presentation.scenario_state import control_problems
    from resilience.errors import KizunaInputError
    from resilience.records import Scenario

    with pytest.raises(KizunaInputError) as error:
        Scenario(v2h_adoption_share=5.0)
    assert control_problems(error.value) == [f"{TEXT['control.v2h_adoption_pct']} = 500: must be ≤ 100"]
    with pytest.raises(KizunaInputError) as error:
        Scenario(reserve_soc=-0.25)
    assert control_problems(error.value) == [f"{TEXT['control.reserve_soc_pct']} = -25: must be ≥ 0"]
