"""Outage scenarios: preset curves, rolling blackouts, time indexes and facility grid status."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from resilience.errors import KizunaInputError
from resilience.records import PRESET_IDS, City, DieselSupply, District, EVFleet, PetrolSupply, Scenario
from resilience.scenarios import (
    PRESETS,
    demand_factor,
    facility_grid_up,
    grid_share,
    outage_index,
    restored_share,
    rolling_outage,
)

RESTORATION = [p for p in PRESETS.values() if p.kind == "restoration"]


def district(i: int, rolling_group: int | None = None) -> District:
    return District(
        id=f"d{i}", name=f"District {i}", households=1000, population=2000, home_parking_share=0.5,
        bev_count=10, phev_count=5, v2h_units=2, pv_kwp=100.0, pv_self_sustaining_share=0.5,
        filling_stations=3, stations_backup_share=0.3, rolling_group=rolling_group,
    )


def make_city(n_districts: int = 5, timezone: str = "Asia/Tokyo", groups=None) -> City:
    groups = groups or [None] * n_districts
    return City(
        id="test", name="Test", country="JP", timezone=timezone, latitude=35.86, longitude=139.65,
        altitude_m=12.0, household_kwh_per_day=11.4, load_shape="tepco_2010",
        districts=tuple(district(i, g) for i, g in enumerate(groups)),
        diesel=DieselSupply(depot_litres=1000.0), petrol=PetrolSupply(stock_litres_per_station=10_000.0),
        fleet=EVFleet(bev_mix={}, phev_mix={}),
    )


# --- the preset table ------------------------------------------------------------------------------------------

def test_presets_cover_every_preset_id_with_notes():
    assert tuple(PRESETS) == PRESET_IDS
    for preset in PRESETS.values():
        assert preset.source_note and preset.curve_note and preset.fuel_note and preset.title
        assert preset.default_duration_h >= 24
        assert preset.start.minute == 0


@pytest.mark.parametrize("preset", RESTORATION, ids=lambda p: p.id)
def test_curve_passes_exactly_through_its_source_points(preset):
    hours, shares = np.array(preset.restoration_points_h).T
    np.testing.assert_array_equal(restored_share(preset, hours), shares)


@pytest.mark.parametrize(
    ("preset_id", "hours_to_percent"),
    [
        # FACTS A1.2 (baseline 4.86 M)
        ("tohoku-2011", {21: 16, 30: 56, 54: 73, 79: 83, 103: 87, 121: 89}),
        # FACTS §G / A2: 11 % at 13 h, 33 % at 24 h, 51 % at 33 h, 99 % at 49 h
        ("hokkaido-2018", {13: 11, 24: 33, 30: 49, 33: 51, 49: 99}),
        # FACTS A3 derived against the 640k peak
        ("chiba-faxai-2019", {56.5: 32, 101: 69, 137: 78, 170: 86, 226.5: 93, 247.5: 95}),
        ("berlin-koepenick-2019", {27: 0, 28: 50, 31: 100}),
        ("berlin-johannisthal-2025", {8: 30, 27: 60, 57: 73, 60: 100}),
        ("berlin-southwest-2026", {30: 23, 54: 34, 78: 38, 101: 56, 112: 100}),
    ],
)
def test_curves_match_the_rounded_percentages_of_facts(preset_id, hours_to_percent):
    hours = np.array(list(hours_to_percent), dtype=float)
    percent = np.round(100 * restored_share(PRESETS[preset_id], hours))
    np.testing.assert_array_equal(percent, list(hours_to_percent.values()))


def test_tohoku_point_by_hand():
    # 833,051 still out of 4,861,246 at 79 h
    assert restored_share("tohoku-2011", [79.0])[0] == pytest.approx(1 - 833_051 / 4_861_246, abs=1e-15)


@pytest.mark.parametrize("preset", RESTORATION, ids=lambda p: p.id)
def test_every_restoration_preset_starts_fully_out_and_ends_fully_restored(preset):
    assert restored_share(preset, [0.0])[0] == 0.0
    end = preset.full_restoration_h
    assert restored_share(preset, [end, end + 1, 10 * end]).tolist() == [1.0, 1.0, 1.0]
    assert restored_share(preset, [end - 0.5])[0] < 1.0


@pytest.mark.parametrize("preset", RESTORATION, ids=lambda p: p.id)
@given(hours=st.lists(st.floats(min_value=-10, max_value=3000, allow_nan=False), min_size=2, max_size=50))
def test_restoration_never_goes_backwards_and_stays_within_0_and_1(preset, hours):
    ordered = np.sort(np.array(hours))
    share = restored_share(preset, ordered)
    assert np.all(np.diff(share) >= 0)
    assert np.all((share >= 0) & (share <= 1))


def test_koepenick_step_at_28_hours_in_hourly_values():
    share = grid_share(Scenario(preset="berlin-koepenick-2019", duration_h=48), make_city(1, "Europe/Berlin"))
    assert share[:28, 0].tolist() == [0.0] * 28
    np.testing.assert_allclose(share[28:32, 0], [0.5, 2 / 3, 5 / 6, 1.0], rtol=1e-15)


# --- custom ----------------------------------------------------------------------------------------------------

def test_custom_full_outage_then_linear_restoration_by_hand():
    scenario = Scenario(preset="custom", custom_outage_h=10, custom_restoration_h=4)
    got = restored_share(scenario, [0, 9, 10, 11, 12, 14, 20])
    np.testing.assert_allclose(got, [0, 0, 0, 0.25, 0.5, 1, 1])


def test_custom_with_no_restoration_time_is_a_step():
    scenario = Scenario(preset="custom", custom_outage_h=5, custom_restoration_h=0)
    assert restored_share(scenario, [0, 4, 5, 6]).tolist() == [0, 0, 1, 1]


def test_custom_grid_share_reads_the_curve_at_the_start_of_each_hour():
    scenario = Scenario(preset="custom", custom_outage_h=2, custom_restoration_h=4, duration_h=8)
    share = grid_share(scenario, make_city(3))
    assert share.shape == (8, 3)
    np.testing.assert_allclose(share[:, 1], [0, 0, 0, 0.25, 0.5, 0.75, 1, 1])
    assert np.all(share == share[:, :1])


# --- rolling blackouts -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rolling():
    city = make_city(5)
    scenario = Scenario(preset="kanto-rolling-2011", duration_h=20 * 24)
    index = outage_index(scenario, city.timezone)
    return index, grid_share(scenario, city, index)


def test_rolling_preset_starts_on_14_march_at_midnight(rolling):
    index, _ = rolling
    assert index[0] == pd.Timestamp("2011-03-14 00:00", tz="Asia/Tokyo")


def test_rolling_first_day_only_group_5_as_executed(rolling):
    _, share = rolling
    first_day = share[:24]
    assert np.all(first_day[:, :4] == 1)
    assert np.flatnonzero(first_day[:, 4] == 0).tolist() == [17, 18]


def test_rolling_15_march_reproduces_the_real_windows(rolling):
    _, share = rolling
    day = share[24:48]
    out_hours = {f"G{g + 1}": np.flatnonzero(day[:, g] == 0).tolist() for g in range(5)}
    # 15 Mar: G3 6:20–10:00, G4 9:20–13:00, G5 12:20–16:00, G1 15:20–19:00, G2 18:20–22:00
    assert out_hours == {
        "G3": [7, 8, 9], "G4": [10, 11, 12], "G5": [13, 14, 15], "G1": [16, 17, 18], "G2": [19, 20, 21],
    }


def test_rolling_each_group_out_three_hours_a_day_within_the_window_and_rotating(rolling):
    _, share = rolling
    days = share.reshape(20, 24, 5)
    programme = days[1:15]
    assert np.all((programme == 0).sum(axis=1) == 3)
    assert np.all(programme[:, :7] == 1) and np.all(programme[:, 22:] == 1)
    first_out_hour = (programme == 0).argmax(axis=1)
    assert np.all(np.diff(first_out_hour, axis=0) != 0)
    assert np.all(days[15:] == 1)
    assert set(np.unique(share)) == {0.0, 1.0}


def test_rolling_groups_from_districts_override_round_robin():
    city = make_city(2, groups=[5, 5])
    share = grid_share(Scenario(preset="kanto-rolling-2011", duration_h=24), city)
    assert np.flatnonzero(share[:, 0] == 0).tolist() == [17, 18]
    np.testing.assert_array_equal(share[:, 0], share[:, 1])


def test_rolling_outage_follows_local_clock_hours_of_the_city():
    index = pd.date_range("2011-03-15 00:00", periods=24, freq="h", tz="Europe/Berlin")
    day_before = index[0] - pd.Timedelta(days=1)
    out = rolling_outage(index.insert(0, day_before)[:25], np.array([3]))
    assert np.flatnonzero(out[1:, 0]).tolist() == [7, 8, 9]


def test_rolling_has_no_single_curve():
    with pytest.raises(KizunaInputError, match="rolling"):
        restored_share("kanto-rolling-2011", [1.0])


# --- time index ------------------------------------------------------------------------------------------------

def test_outage_index_starts_at_the_preset_start_in_the_city_zone():
    scenario = Scenario(preset="tohoku-2011", duration_h=168)
    tokyo = outage_index(scenario, "Asia/Tokyo")
    berlin = outage_index(scenario, "Europe/Berlin")
    assert len(tokyo) == len(berlin) == 168
    assert tokyo[0] == pd.Timestamp("2011-03-11 14:00", tz="Asia/Tokyo")
    assert berlin[0] == pd.Timestamp("2011-03-11 14:00", tz="Europe/Berlin")
    assert str(tokyo.tz) == "Asia/Tokyo" and str(berlin.tz) == "Europe/Berlin"


def test_scenario_start_overrides_preset_and_is_floored_to_the_hour():
    scenario = Scenario(preset="hokkaido-2018", start=dt.datetime(2024, 7, 1, 9, 45), duration_h=5)
    index = outage_index(scenario, "Asia/Tokyo")
    assert index[0] == pd.Timestamp("2024-07-01 09:00", tz="Asia/Tokyo")


def test_index_stays_hourly_across_spring_forward():
    scenario = Scenario(preset="custom", start=dt.datetime(2026, 3, 28, 12), duration_h=48)
    index = outage_index(scenario, "Europe/Berlin")
    assert np.all(np.diff(index.as_unit("ns").asi8) == 3_600_000_000_000)
    on_29_march = index[index.day == 29]
    assert len(on_29_march) == 23 and 2 not in on_29_march.hour  # the clocks skip 02:00 on 29 March 2026


def test_start_in_the_spring_forward_gap_moves_to_the_next_existing_hour():
    scenario = Scenario(preset="custom", start=dt.datetime(2026, 3, 29, 2, 30), duration_h=3)
    index = outage_index(scenario, "Europe/Berlin")
    assert index[0] == pd.Timestamp("2026-03-29 03:00+02:00")


def test_start_in_the_repeated_autumn_hour_takes_its_first_occurrence():
    scenario = Scenario(preset="custom", start=dt.datetime(2025, 10, 26, 2), duration_h=3)
    index = outage_index(scenario, "Europe/Berlin")
    assert index[0] == pd.Timestamp("2025-10-26 02:00+02:00")
    assert index[1] == pd.Timestamp("2025-10-26 02:00+01:00")


def test_grid_share_shape_and_hour_zero_out_for_every_preset():
    city = make_city(4)
    for preset_id in PRESET_IDS:
        share = grid_share(Scenario(preset=preset_id, duration_h=72), city)
        assert share.shape == (72, 4)
        assert np.all((share >= 0) & (share <= 1))
        if preset_id != "kanto-rolling-2011":
            assert np.all(share[0] == 0)


def test_naive_index_is_rejected():
    naive = pd.date_range("2011-03-11 14:00", periods=3, freq="h")
    with pytest.raises(KizunaInputError, match="time zone"):
        grid_share(Scenario(), make_city(1), naive)
    with pytest.raises(KizunaInputError, match="time zone"):
        demand_factor(Scenario(), naive)


# --- demand factor ---------------------------------------------------------------------------------------------

def test_kanto_demand_factor_is_the_daily_area_ratio():
    scenario = Scenario(preset="kanto-rolling-2011", duration_h=48)
    factor = demand_factor(scenario, outage_index(scenario, "Asia/Tokyo"))
    # tepco_area_demand_ratio_mar_apr_2011.csv: 14 Mar 0.7508, 15 Mar 0.8007
    assert factor[:24].tolist() == [0.7508] * 24
    assert factor[24:].tolist() == [0.8007] * 24


def test_kanto_demand_factor_is_one_past_the_table():
    scenario = Scenario(preset="kanto-rolling-2011", duration_h=60 * 24)
    factor = demand_factor(scenario, outage_index(scenario, "Asia/Tokyo"))
    assert factor[47 * 24] == 0.933  # 30 April
    assert np.all(factor[48 * 24:] == 1.0)


def test_demand_factor_is_one_for_other_presets():
    scenario = Scenario(preset="tohoku-2011", duration_h=30)
    assert np.all(demand_factor(scenario, outage_index(scenario, "Asia/Tokyo")) == 1.0)


# --- facilities ------------------------------------------------------------------------------------------------

def test_facility_grid_up_by_hand():
    share = np.array([[0.0, 0.0], [0.1, 0.5], [0.3, 1.0]])
    district_index = np.array([0, 0, 1, 1])
    quantile = np.array([0.1, 0.0, 0.5, 1.0])
    expected = np.array([
        [False, False, False, False],  # everybody out at hour 0, even a quantile of 0
        [True, True, True, False],
        [True, True, True, True],
    ])
    np.testing.assert_array_equal(facility_grid_up(share, district_index, quantile), expected)


def test_facility_follows_its_district_under_rolling_blackouts(rolling):
    _, share = rolling
    up = facility_grid_up(share, np.array([4]), np.array([0.1]))
    np.testing.assert_array_equal(up[:, 0], share[:, 4] == 1)


@given(
    share=st.lists(st.floats(0, 1), min_size=1, max_size=30),
    quantile=st.floats(0, 1),
)
def test_facility_up_is_monotone_in_share(share, quantile):
    ordered = np.sort(np.array(share))[:, None]
    up = facility_grid_up(ordered, np.array([0]), np.array([quantile]))[:, 0]
    assert np.all(np.diff(up.astype(int)) >= 0)
