"""The shared-state callbacks of the app shell, called directly, and the control logic behind them."""

from __future__ import annotations

import json
from contextvars import copy_context

import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

import app as kizuna_app
from components import ids
from components import scenario_controls as sc
from components.scenario_controls import (
    COMPARE_VARIANTS,
    apply_variant,
    control_values,
    default_state,
    friendly_problems,
    state_from_controls,
    sync_controls,
)
from components.url_state import default_view
from presentation.text import TEXT
from resilience.errors import KizunaInputError
from resilience.records import Scenario

PAGE = ids.PAGE_PLANNER


def control(name: str, page: str = PAGE) -> dict:
    return {"type": ids.SCENARIO_CONTROL, "page": page, "name": name}


def prop_id(component_id, prop: str) -> str:
    text = component_id if isinstance(component_id, str) else json.dumps(component_id, sort_keys=True,
                                                                         separators=(",", ":"))
    return f"{text}.{prop}"


def run_callback(function, *args, triggered=None, inputs_list=(), outputs_list=()):
    """Call a callback as Dash would: with ``ctx`` telling what triggered it and which ids matched."""
    def call():
        triggered_inputs = [] if triggered is None else [{"prop_id": prop_id(*triggered), "value": None}]
        context_value.set(AttributeDict(triggered_inputs=triggered_inputs, inputs_list=list(inputs_list),
                                        outputs_list=list(outputs_list)))
        return function(*args)

    return copy_context().run(call)


def sync_scenario(state, values: dict, *, triggered=None, ready=True, reset_clicks=None, page=PAGE):
    """Run app.sync_scenario for one page showing the controls in ``values``."""
    names = list(values)
    controls = [{"id": control(n, page), "property": "value", "value": values[n]} for n in names]
    disable = [[{"id": control(n, page), "property": "disabled"}] if n in names else []
               for n in kizuna_app._DISABLEABLE]
    resets = [{"id": {"type": ids.SCENARIO_RESET, "page": page}, "property": "n_clicks", "value": reset_clicks}]
    outputs = [{"id": ids.SCENARIO_STORE, "property": "data"}, [c | {"property": "value"} for c in controls],
               *disable, [{"id": {"type": ids.SCENARIO_ERROR, "page": page}, "property": "children"}],
               [{"id": {"type": ids.SCENARIO_ERROR, "page": page}, "property": "hidden"}],
               [{"id": {"type": ids.SCENARIO_READY, "page": page}, "property": "data"}],
               [c | {"property": "options"} for c in controls if c["id"]["name"] == sc.DISTRICTS],
               [{"id": {"type": ids.SCENARIO_HIT_HINT, "page": page}, "property": "children"}]]
    inputs = [{"id": ids.SCENARIO_STORE, "property": "data", "value": state}, controls, resets]
    return run_callback(kizuna_app.sync_scenario, state, [values[n] for n in names], [reset_clicks], [ready],
                        triggered=triggered, inputs_list=inputs, outputs_list=outputs)


# --------------------------------------------------------------------------------------------
# URL ⇄ stores
# --------------------------------------------------------------------------------------------


def test_read_url_sets_the_state_from_a_link() -> None:
    state, view, banner, hidden = kizuna_app.read_url("?city=berlin&v2h=0.1", "/planner", None, None)
    assert state["city"] == "berlin"
    assert state["scenario"]["v2h_adoption_share"] == 0.1
    assert view == default_view()
    assert (banner, hidden) == ([], True)


def test_read_url_lists_the_problems_of_a_bad_link() -> None:
    state, _view, banner, hidden = kizuna_app.read_url("?ev=-3", "/overview", None, None)
    assert state == default_state()
    assert hidden is False
    assert "Link parameter ev=-3: scenario: ev_stock_multiplier = -3.0: must be ≥ 0" in str(banner)


def test_moving_between_pages_keeps_the_state() -> None:
    current = default_state("berlin")
    assert kizuna_app.read_url("", "/compare", current, default_view()) == (no_update, no_update, [], True)
    # A page of another engineer uses its own query string: it never changes the shared state.
    assert kizuna_app.read_url("?vehicle=leaf", "/v2h", current, default_view())[0] is no_update


def test_a_link_equal_to_the_state_changes_nothing() -> None:
    current = default_state("saitama")
    assert kizuna_app.read_url("?city=saitama&preset=tohoku-2011", "/planner", current, default_view())[:2] == (
        no_update, no_update)


def test_write_query_encodes_the_stores() -> None:
    state = {"city": "saitama", "scenario": Scenario(preset="tohoku-2011", duration_h=336,
                                                     diesel_stock_multiplier=2).to_dict()}
    assert kizuna_app.write_query(state, None) == "?city=saitama&preset=tohoku-2011&diesel=2"
    assert kizuna_app.write_query(None, None) is no_update


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


def test_friendly_problems_keep_unknown_messages() -> None:
    assert friendly_problems(["scenario: pv_multiplier = 200.0: must be ≤ 100", "something else"]) == [
        "Rooftop PV (× today's kWp) = 200: must be ≤ 100", "something else"]


def test_sync_controls_mount_reset_and_errors() -> None:
    berlin = default_state("berlin")
    mounted = sync_controls(berlin, {sc.CITY: "saitama"}, changed=sc.CITY, ready=False)
    assert mounted.state is None and mounted.values[sc.CITY] == "berlin"
    changed = dict(berlin["scenario"], diesel_stock_multiplier=3.0)
    reset = sync_controls({"city": "berlin", "scenario": changed}, {}, changed=None, reset=True)
    assert reset.state == berlin
    bad = sync_controls(berlin, control_values(berlin) | {sc.DURATION: None}, changed=sc.DURATION)
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
# The sync callback itself, as Dash calls it
# --------------------------------------------------------------------------------------------


def test_sync_on_a_page_without_controls_changes_nothing() -> None:
    out = run_callback(kizuna_app.sync_scenario, default_state(), [], [], [],
                       triggered=(ids.SCENARIO_STORE, "data"),
                       inputs_list=[{}, [], []],
                       outputs_list=[{}, [], *([[]] * len(kizuna_app._DISABLEABLE)), [], [], [], [], []])
    assert out == (no_update, [], *([[]] * len(kizuna_app._DISABLEABLE)), [], [], [], [], [])


def test_sync_mount_sets_controls_from_the_store() -> None:
    state = default_state("berlin")
    values = {sc.CITY: "saitama", sc.PRESET: "tohoku-2011", sc.CUSTOM_OUTAGE: 24.0}
    out = sync_scenario(state, values, triggered=(control(sc.CITY), "value"), ready=False)
    store, shown, disabled_outage = out[:3]
    banner, hidden, ready, _lists, _hint = out[2 + len(kizuna_app._DISABLEABLE):]
    assert store is no_update
    assert shown == ["berlin", "berlin-southwest-2026", 24.0]
    assert disabled_outage == [True]  # not the custom preset
    assert (banner, hidden, ready) == ([[]], [True], [True])


def test_sync_user_change_updates_the_store_only() -> None:
    state = default_state("saitama")
    values = control_values(state) | {sc.DIESEL_MULTIPLIER: 2.5}
    out = sync_scenario(state, values, triggered=(control(sc.DIESEL_MULTIPLIER), "value"))
    assert out[0]["scenario"]["diesel_stock_multiplier"] == 2.5
    assert all(value is no_update for value in out[1])


def test_sync_bad_value_shows_banner_and_keeps_store() -> None:
    state = default_state("saitama")
    values = control_values(state) | {sc.CUSTOM_OUTAGE: -5}
    out = sync_scenario(state, values, triggered=(control(sc.CUSTOM_OUTAGE), "value"))
    assert out[0] is no_update
    assert out[-4] == [False]
    assert "Full outage [h] = -5: must be ≥ 0" in str(out[-5])


def test_sync_reset_restores_the_city_defaults() -> None:
    changed = {"city": "berlin", "scenario": dict(default_state("berlin")["scenario"], pv_multiplier=4.0)}
    values = control_values(changed)
    out = sync_scenario(changed, values, triggered=({"type": ids.SCENARIO_RESET, "page": PAGE}, "n_clicks"),
                        reset_clicks=1)
    assert out[0] == default_state("berlin")
    assert dict(zip(values, out[1], strict=True))[sc.PV_MULTIPLIER] == 1.0


def test_sync_view_reads_and_writes_the_compare_choice() -> None:
    names = [ids.VIEW_COMPARE_B, ids.VIEW_COMPARE_C]
    view_ids = [{"id": {"type": ids.VIEW_CONTROL, "page": ids.PAGE_COMPARE, "name": n}, "property": "value"}
                for n in names]
    mount = run_callback(kizuna_app.sync_view, default_view(), ["none", "none"], [False],
                         triggered=(view_ids[0]["id"], "value"), inputs_list=[{}, view_ids])
    assert mount == (no_update, ["v2h-10", "diesel-x2"], [True])
    change = run_callback(kizuna_app.sync_view, default_view(), ["v2h-10", "pv-x3"], [True],
                          triggered=(view_ids[1]["id"], "value"), inputs_list=[{}, view_ids])
    assert change[0] == {"map": "without-power", "compare": ["v2h-10", "pv-x3"]}


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
    out = sync_scenario(state, control_values(state) | {sc.DISTRICTS: ["06", "11101"]},
                        triggered=(control(sc.DISTRICTS), "value"))
    assert out[0] is no_update
    assert "Districts hit: Berlin has no district '11101'" in str(out[-5])


@pytest.mark.parametrize(("changed", "value"), [(sc.PRESET, "berlin-koepenick-2019"), (sc.CITY, "saitama")])
def test_a_new_preset_or_city_goes_back_to_its_own_area(changed: str, value: str) -> None:
    state = with_districts(default_state("berlin"), "01", "02")
    new = state_from_controls(control_values(state) | {changed: value}, state, changed)
    assert new["scenario"]["affected_district_ids"] is None


def test_reset_forgets_the_chosen_districts() -> None:
    state = with_districts(default_state("berlin"), "01")
    out = sync_scenario(state, control_values(state), reset_clicks=1,
                        triggered=({"type": ids.SCENARIO_RESET, "page": PAGE}, "n_clicks"))
    assert out[0] == default_state("berlin")
    assert dict(zip(control_values(state), out[1], strict=True))[sc.DISTRICTS] == []


def test_mounting_on_berlin_lists_its_districts_and_says_what_empty_means() -> None:
    state = default_state("berlin")
    values = control_values(default_state("saitama"))
    out = sync_scenario(state, values, triggered=(control(sc.CITY), "value"), ready=False)
    (options,), (hint,) = out[-2], out[-1]
    assert [o["label"] for o in options][:3] == ["Mitte", "Friedrichshain-Kreuzberg", "Pankow"]
    assert len(options) == 12
    assert hint == "Empty = the real event's own area — Steglitz-Zehlendorf: 45,400 of 165,379 households."
    # A user change leaves options and hint alone.
    change = sync_scenario(state, control_values(state) | {sc.DISTRICTS: ["01"]},
                           triggered=(control(sc.DISTRICTS), "value"))
    assert change[0]["scenario"]["affected_district_ids"] == ["01"]
    assert change[-2] == [no_update] and change[-1] == [no_update]


def test_the_whole_city_button_chooses_every_district() -> None:
    options = [{"label": "Mitte", "value": "01"}, {"label": "Pankow", "value": "03"}]
    assert kizuna_app.choose_whole_city(1, options) == ["01", "03"]
    assert kizuna_app.choose_whole_city(None, options) is no_update


def test_controls_that_change_nothing_are_greyed_and_say_why() -> None:
    # Review item 8: the EV stock slider did nothing with installed V2H units and was neither greyed nor explained.
    values = control_values(default_state("saitama"))
    assert sc.disabled_controls(values)[sc.EV_MULTIPLIER]  # installed units by default
    assert not sc.disabled_controls(values | {sc.V2H_MODE: sc.V2H_ADOPTION_SHARE})[sc.EV_MULTIPLIER]
    assert sc.disabled_controls(values | {sc.LOAD_MODE: "full"})[sc.ESSENTIAL]
    assert sc.disabled_controls(values | {sc.DIESEL_MULTIPLIER: 0})[sc.RESUPPLY_DELAY]
    assert not sc.disabled_controls(values)[sc.RESUPPLY_DELAY]
    shared_hint = {sc.CUSTOM_RESTORATION: sc.CUSTOM_OUTAGE}  # one hint under the pair of fields
    for name in kizuna_app._DISABLEABLE:
        assert f"control.{shared_hint.get(name, name)}_hint" in TEXT, f"{name} is greyed out but says nowhere why"


def test_the_ration_slider_spans_values_that_bind() -> None:
    # Review item 8: the slider started at 5 L while a car's demand was 5 L a day, so it never bound.
    from dash import dcc

    from resilience.citydata import load_city

    def sliders(component):
        if isinstance(component, dcc.Slider):
            yield component
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list) else [children] if children is not None else []:
            yield from sliders(child)

    ration = next(s for s in sliders(sc.planner_controls(ids.PAGE_PLANNER)) if s.id["name"] == sc.PETROL_RATION)
    for city_id in ("saitama", "berlin"):
        demand = load_city(city_id).petrol.demand_litres_per_vehicle_per_day
        assert ration.min < demand < ration.max  # the lower part of the range binds, the hint says where
