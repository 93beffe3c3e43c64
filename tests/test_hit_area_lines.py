"""The hit area in words: the line every scenario summary shows and the Planner's "Districts hit" helpers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from presentation.hit_area import chosen_districts, default_area_hint, district_options, hit_area, hit_area_line
from presentation.scenario_state import preset_scenario
from resilience.citydata import load_city
from resilience.errors import KizunaInputError
from resilience.records import PRESET_IDS, Scenario
from resilience.scenarios import grid_share

BERLIN = load_city("berlin")
SAITAMA = load_city("saitama")
HOUSEHOLDS = {d.id: d.households for city in (BERLIN, SAITAMA) for d in city.districts}


def state_of(city: str, preset: str, **fields) -> dict:
    return {"city": city, "scenario": preset_scenario(preset, **fields).to_dict()}


def test_a_berlin_event_on_berlin_names_its_own_area() -> None:
    assert hit_area_line(state_of("berlin", "berlin-southwest-2026")) == (
        "Hit: Steglitz-Zehlendorf — 45,400 households (the real event's area)")
    assert default_area_hint("berlin", "berlin-southwest-2026") == (
        "Empty = the real event's own area — Steglitz-Zehlendorf: 45,400 of 165,379 households.")
    assert default_area_hint("berlin", "berlin-koepenick-2019") == (
        "Empty = the real event's own area — Treptow-Köpenick: 31,500 of 172,366 households.")


def test_an_event_played_elsewhere_hits_the_whole_city() -> None:
    assert hit_area_line(state_of("saitama", "tohoku-2011")) == "Hit: the whole city — 656,951 households"
    assert default_area_hint("berlin", "tohoku-2011") == "Empty = the whole city — 2,200,000 households."
    assert hit_area_line(state_of("saitama", "kanto-rolling-2011")).endswith(", cut in rotating groups")


def test_chosen_districts_are_named_and_their_households_added() -> None:
    line = hit_area_line(state_of("berlin", "tohoku-2011", affected_district_ids=("09", "06")))
    total = HOUSEHOLDS["06"] + HOUSEHOLDS["09"]  # 165,379 + 172,366
    assert line == f"Hit: Steglitz-Zehlendorf, Treptow-Köpenick — {total:,} households (chosen in the Planner)"
    assert total == 337_745


def test_a_long_choice_names_the_districts_spared() -> None:
    all_but_two = tuple(d.id for d in BERLIN.districts[:10])
    line = hit_area_line(state_of("berlin", "tohoku-2011", affected_district_ids=all_but_two))
    spared = sum(d.households for d in BERLIN.districts[10:])
    assert line == (f"Hit: 10 of 12 districts, all but Lichtenberg, Reinickendorf — {2_200_000 - spared:,} households"
                    " (chosen in the Planner)")
    every = tuple(d.id for d in BERLIN.districts)
    assert hit_area_line(state_of("berlin", "berlin-southwest-2026", affected_district_ids=every)).startswith(
        "Hit: the whole city — 2,200,000 households")


def test_a_district_the_city_lacks_is_an_input_error() -> None:
    with pytest.raises(KizunaInputError, match="affected_district_ids has '99'"):
        hit_area_line(state_of("berlin", "tohoku-2011", affected_district_ids=("99",)))


@given(preset=st.sampled_from([p for p in PRESET_IDS if p != "kanto-rolling-2011"]),
       city_id=st.sampled_from(["berlin", "saitama"]), data=st.data())
def test_households_hit_are_the_households_off_the_grid_in_hour_0(preset, city_id, data) -> None:
    # Every outage but the rolling one starts with its whole area cut: the count in the
    # line is the engine's households off the grid at the start, Σ (1 − g_d(0)) × households.
    city = load_city(city_id)
    ids = [d.id for d in city.districts]
    chosen = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(ids), min_size=1, unique=True).map(tuple)))
    scenario = Scenario(preset=preset, duration_h=1, affected_district_ids=chosen)
    off_grid = ((1.0 - grid_share(scenario, city)[0]) * [d.households for d in city.districts]).sum()
    area = hit_area(city, scenario)
    assert area.households_hit == pytest.approx(off_grid)
    assert {d.district_id for d in area.districts} == (set(chosen) if chosen else {
        d.id for d, off in zip(city.districts, 1.0 - grid_share(scenario, city)[0], strict=True) if off > 0})
    assert area.households_hit <= area.city_households


def test_options_follow_the_city_data() -> None:
    assert district_options("berlin")[:2] == [{"label": "Mitte", "value": "01"},
                                              {"label": "Friedrichshain-Kreuzberg", "value": "02"}]
    assert [o["value"] for o in district_options("saitama")] == [d.id for d in SAITAMA.districts]


def test_the_choice_is_stored_once_each_in_city_order() -> None:
    assert chosen_districts(BERLIN, ["09", "06", "09"]) == ("06", "09")
    assert chosen_districts(BERLIN, []) is None
    assert chosen_districts(BERLIN, None) is None
    with pytest.raises(KizunaInputError) as error:
        chosen_districts(BERLIN, ["06", "11101"])
    assert error.value.problems == [
        "Districts hit: Berlin has no district '11101'; its districts are "
        "01, 02, 03, 04, 05, 06, 07, 08, 09, 10, 11, 12"]


def test_a_whole_area_event_line_matches_the_engine_for_its_district() -> None:
    scenario = Scenario(preset="berlin-southwest-2026", duration_h=1)
    shares = 1.0 - grid_share(scenario, BERLIN)[0]
    steglitz = [d.id for d in BERLIN.districts].index("06")
    assert np.count_nonzero(shares) == 1
    assert shares[steglitz] * HOUSEHOLDS["06"] == pytest.approx(45_400)
