"""The shared state in the link: short readable queries, exact round trips, and specific fallbacks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.url_state import DecodedQuery, decode_query, default_view, encode_query
from presentation.compare_variants import COMPARE_VARIANTS
from presentation.scenario_state import default_state, preset_scenario
from resilience.citydata import load_city
from resilience.records import MAX_HOURS, PRESET_IDS, Scenario

CITIES = ["berlin", "saitama"]


def state_of(city: str = "saitama", **fields) -> dict:
    return {"city": city, "scenario": preset_scenario(fields.pop("preset", "tohoku-2011"), **fields).to_dict()}


def test_default_state_writes_only_city_and_preset() -> None:
    assert encode_query(default_state("saitama"), default_view()) == "?city=saitama&preset=tohoku-2011"
    assert encode_query(default_state("berlin")) == "?city=berlin&preset=berlin-southwest-2026"


def test_changed_values_appear_under_short_names() -> None:
    state = state_of(v2h_adoption_share=0.1, diesel_stock_multiplier=2.0, start=dt.datetime(2011, 3, 12, 9))
    query = encode_query(state, {"map": "restored", "compare": ["pv-x3", "none"]})
    assert query == (
        "?city=saitama&preset=tohoku-2011&start=2011-03-12T09:00&v2h=0.1&diesel=2&map=restored&compare=pv-x3,none"
    )


def test_a_preset_defaults_to_its_own_horizon() -> None:
    # Chiba proposes 480 h: no 'h' in its link, and reading the link gives 480 h back.
    state = state_of(preset="chiba-faxai-2019")
    assert "h=" not in encode_query(state).replace("?", "&").replace("&preset", "")
    assert decode_query("?preset=chiba-faxai-2019", CITIES).state["scenario"]["duration_h"] == 480


def test_a_city_without_preset_opens_on_its_own_country_event() -> None:
    decoded = decode_query("city=berlin", CITIES)
    assert decoded.state["scenario"]["preset"] == "berlin-southwest-2026"
    assert decoded.problems == []


def test_empty_query_gives_the_default_state() -> None:
    decoded = decode_query("", CITIES)
    assert decoded == DecodedQuery(default_state("saitama"), default_view(), [])


def test_bad_values_fall_back_one_by_one_and_say_why() -> None:
    decoded = decode_query("?city=saitama&v2h=1.5&diesel=2&ess=abc&start=2011-02-30T14:00&h=0", CITIES)
    scenario = decoded.state["scenario"]
    # The good value survives; each bad one is back at its default.
    assert scenario["diesel_stock_multiplier"] == 2.0
    assert scenario["v2h_adoption_share"] is None
    assert scenario["essential_kwh_per_day"] == 3.0
    assert scenario["start"] is None
    assert scenario["duration_h"] == 336
    assert decoded.problems == [
        "Link parameter start=2011-02-30T14:00: not a date and hour like 2011-03-11T14:00 "
        "(day is out of range for month)",
        "Link parameter h=0: must be ≥ 1",
        "Link parameter v2h=1.5: must be ≤ 1",
        "Link parameter ess=abc: not a number",
    ]


def test_unknown_city_preset_view_and_parameter_are_reported() -> None:
    decoded = decode_query("?city=osaka&preset=kobe-1995&map=rainbow&compare=v2h-10&zoom=3", CITIES)
    assert decoded.state["city"] == "saitama"
    assert decoded.state["scenario"]["preset"] == "tohoku-2011"
    assert decoded.view == default_view()
    assert [p.split(":")[0] for p in decoded.problems] == [
        "Link parameter city=osaka",
        "Link parameter preset=kobe-1995",
        "Link parameter map=rainbow",
        "Link parameter compare=v2h-10",
        "Link parameter zoom is not known and was ignored",
    ]
    assert "no such city; the bundled cities are berlin, saitama" in decoded.problems[0]


def test_a_time_zone_in_the_start_is_refused() -> None:
    decoded = decode_query("?start=2011-03-11T14:00%2B09:00", CITIES)
    assert decoded.state["scenario"]["start"] is None
    assert "without a time zone" in decoded.problems[0]


def test_a_blank_optional_value_means_the_city_data() -> None:
    decoded = decode_query("?resupply=&ration=", CITIES)
    assert decoded.problems == []
    assert decoded.state["scenario"]["diesel_resupply_delay_h"] is None
    assert decoded.state["scenario"]["petrol_ration_litres"] is None


scenarios = st.builds(
    Scenario,
    preset=st.sampled_from(PRESET_IDS),
    start=st.one_of(st.none(), st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2040, 1, 1))
                    .map(lambda t: t.replace(second=0, microsecond=0))),
    duration_h=st.integers(1, 8760),
    custom_outage_h=st.floats(0, MAX_HOURS),
    custom_restoration_h=st.floats(0, MAX_HOURS),
    ev_stock_multiplier=st.floats(0, 100),
    v2h_adoption_share=st.one_of(st.none(), st.floats(0, 1)),
    reserve_soc=st.one_of(st.none(), st.floats(0, 1)),
    essential_kwh_per_day=st.floats(0, 50),
    load_mode=st.sampled_from(["essential", "full"]),
    diesel_stock_multiplier=st.floats(0, 100),
    diesel_resupply_delay_h=st.one_of(st.none(), st.floats(0, MAX_HOURS)),
    petrol_ration_litres=st.one_of(st.none(), st.floats(0.01, 200)),
    pv_multiplier=st.floats(0, 100),
    weather=st.sampled_from(["clear", "typical", "overcast"]),
)
views = st.fixed_dictionaries({
    "map": st.sampled_from(["without-power", "restored", "backup", "v2h-energy", "petrol-days"]),
    "compare": st.lists(st.sampled_from(list(COMPARE_VARIANTS)), min_size=2, max_size=2),
})


@given(city=st.sampled_from(CITIES), scenario=scenarios, view=views)
def test_every_valid_state_survives_the_round_trip(city: str, scenario: Scenario, view: dict) -> None:
    state = {"city": city, "scenario": scenario.to_dict()}
    decoded = decode_query(encode_query(state, view), CITIES)
    assert decoded.problems == []
    assert decoded.state == state
    assert decoded.view == view


@pytest.mark.parametrize("search", ["?city=berlin&preset=custom&outage=48&restore=0", "city=saitama&weather=clear"])
def test_decoding_then_encoding_keeps_a_minimal_link(search: str) -> None:
    decoded = decode_query(search, CITIES)
    assert encode_query(decoded.state, decoded.view) == "?" + search.lstrip("?").replace(
        "city=saitama&weather", "city=saitama&preset=tohoku-2011&weather")


# --------------------------------------------------------------------------------------------
# The districts hit
# --------------------------------------------------------------------------------------------

BERLIN_IDS = "01, 02, 03, 04, 05, 06, 07, 08, 09, 10, 11, 12"


def test_chosen_districts_are_written_comma_separated() -> None:
    state = state_of("berlin", affected_district_ids=("06", "09"))
    assert encode_query(state) == "?city=berlin&preset=tohoku-2011&districts=06,09"
    decoded = decode_query("?city=berlin&preset=tohoku-2011&districts=06,09", CITIES)
    assert decoded.problems == []
    assert decoded.state == state
    assert decoded.state["scenario"]["affected_district_ids"] == ["06", "09"]


def test_the_preset_own_area_writes_no_districts() -> None:
    assert "districts" not in encode_query(state_of("berlin", preset="berlin-southwest-2026"))
    decoded = decode_query("?city=berlin&districts=", CITIES)
    assert decoded.problems == []
    assert decoded.state["scenario"]["affected_district_ids"] is None


def test_a_district_the_city_lacks_is_named_and_the_rest_of_the_link_applies() -> None:
    decoded = decode_query("?city=berlin&preset=tohoku-2011&districts=06,99&diesel=2", CITIES)
    assert decoded.problems == [
        f"Link parameter districts=06,99: scenario: affected_district_ids has '99': must be districts of berlin "
        f"({BERLIN_IDS})"
    ]
    assert decoded.state["scenario"]["affected_district_ids"] is None
    assert decoded.state["scenario"]["diesel_stock_multiplier"] == 2.0
    assert decoded.state["scenario"]["preset"] == "tohoku-2011"
    assert decoded.state["city"] == "berlin"


def test_districts_of_the_other_city_are_refused() -> None:
    # Saitama's ward codes are not Berlin's Bezirke.
    decoded = decode_query("?city=berlin&districts=11101", CITIES)
    assert decoded.problems[0].startswith("Link parameter districts=11101: scenario: affected_district_ids has '11101'")
    assert decode_query("?city=saitama&districts=11101", CITIES).problems == []


def test_a_list_of_only_commas_is_an_empty_choice() -> None:
    decoded = decode_query("?city=saitama&districts=,", CITIES)
    assert decoded.problems == [
        "Link parameter districts=,: scenario: affected_district_ids is empty: choose at least one district"]
    assert decoded.state["scenario"]["affected_district_ids"] is None


CITY_DISTRICTS = {city: [d.id for d in load_city(city).districts] for city in CITIES}


@given(data=st.data(), city=st.sampled_from(CITIES), preset=st.sampled_from(PRESET_IDS))
def test_every_choice_of_districts_survives_the_round_trip(data, city: str, preset: str) -> None:
    chosen = data.draw(st.lists(st.sampled_from(CITY_DISTRICTS[city]), min_size=1, max_size=15))
    state = state_of(city, preset=preset, affected_district_ids=tuple(chosen))
    query = encode_query(state)
    assert "districts=" + ",".join(chosen) in query
    decoded = decode_query(query, CITIES)
    assert decoded.problems == []
    assert decoded.state == state
