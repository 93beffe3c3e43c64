"""Household and facility load shapes (MODEL §3)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from resilience.errors import KizunaInputError
from resilience.loads import facility_load_kw, facility_shape, household_load_kw, household_shape, shape_table
from resilience.records import FACILITY_TYPES
from resilience.timeindex import hourly_index

SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"
ZONES = {"tepco_2010": "Asia/Tokyo", "bdew_h25": "Europe/Berlin"}

# FACTS B4: BDEW H25 working-day hourly ratios to the daily mean (rounded to 2 decimals).
H25_JANUARY_WORKING_DAY = [0.72, 0.62, 0.59, 0.58, 0.61, 0.69, 0.89, 0.97, 0.91, 0.88, 0.89, 0.97,
                           1.02, 1.01, 0.98, 1.02, 1.16, 1.45, 1.61, 1.60, 1.46, 1.30, 1.15, 0.92]
H25_JULY_WORKING_DAY = [0.80, 0.69, 0.65, 0.63, 0.66, 0.72, 0.85, 0.93, 0.92, 0.93, 0.95, 1.04,
                        1.08, 1.04, 1.01, 1.02, 1.09, 1.23, 1.38, 1.43, 1.39, 1.33, 1.24, 1.00]


def daily_sums(values: np.ndarray, index: pd.DatetimeIndex) -> pd.DataFrame:
    frame = pd.DataFrame({"value": values, "day": index.tz_localize(None).normalize()})
    return frame.groupby("day")["value"].agg(["sum", "count", "mean"])


@pytest.mark.parametrize("load_shape", ["tepco_2010", "bdew_h25"])
@pytest.mark.parametrize("timezone", ["Asia/Tokyo", "Europe/Berlin"])
def test_every_day_of_a_year_sums_to_24_and_24_hour_days_average_1(load_shape, timezone):
    index = hourly_index(dt.datetime(2026, 1, 1), 365 * 24 + 2, timezone)
    days = daily_sums(household_shape(load_shape, index), index)
    whole = days.iloc[:-1]  # the last day is cut short by the horizon
    np.testing.assert_allclose(whole["sum"], 24.0, atol=1e-9)
    np.testing.assert_allclose(whole.loc[whole["count"] == 24, "mean"], 1.0, atol=1e-9)


def test_daylight_saving_days_keep_the_daily_energy():
    index = hourly_index(dt.datetime(2026, 1, 1), 365 * 24, "Europe/Berlin")
    days = daily_sums(household_shape("bdew_h25", index), index)
    assert days.loc["2026-03-29", "count"] == 23 and days.loc["2026-10-25", "count"] == 25
    assert days.loc["2026-03-29", "sum"] == pytest.approx(24.0, abs=1e-12)
    assert days.loc["2026-10-25", "sum"] == pytest.approx(24.0, abs=1e-12)


def test_tepco_lookup_by_hand_on_the_afternoon_of_the_quake():
    with open(SOURCES / "tepco_area_load_shape_2010.csv", newline="") as file:
        rows = [r for r in csv.DictReader(file) if r["month"] == "3"]
    weekday = {int(r["hour"]): float(r["demand_relative_to_annual_mean"]) for r in rows if r["daytype"] == "weekday"}
    weekend = {int(r["hour"]): float(r["demand_relative_to_annual_mean"]) for r in rows if r["daytype"] == "weekend"}
    friday = hourly_index(dt.datetime(2011, 3, 11, 14), 1, "Asia/Tokyo")  # Friday 14:00 JST
    saturday = hourly_index(dt.datetime(2011, 3, 12, 14), 1, "Asia/Tokyo")
    assert household_shape("tepco_2010", friday)[0] == pytest.approx(weekday[14] / np.mean(list(weekday.values())))
    assert household_shape("tepco_2010", saturday)[0] == pytest.approx(weekend[14] / np.mean(list(weekend.values())))


def test_bdew_working_days_match_the_facts_ratios():
    january = household_shape("bdew_h25", hourly_index(dt.datetime(2026, 1, 14), 24, "Europe/Berlin"))  # Wednesday
    july = household_shape("bdew_h25", hourly_index(dt.datetime(2026, 7, 15), 24, "Europe/Berlin"))
    np.testing.assert_allclose(january, H25_JANUARY_WORKING_DAY, atol=0.005 + 1e-12)
    np.testing.assert_allclose(july, H25_JULY_WORKING_DAY, atol=0.005 + 1e-12)


def test_bdew_winter_evening_peak_is_sharper_than_summer():
    table = shape_table("bdew_h25")
    assert table[0, 0].max() > table[6, 0].max()
    assert table[0, 0].argmax() == 18 and table[6, 0].argmax() == 19


def test_bdew_weekend_days_have_their_own_shapes():
    table = shape_table("bdew_h25")
    saturday = household_shape("bdew_h25", hourly_index(dt.datetime(2026, 1, 17), 24, "Europe/Berlin"))
    sunday = household_shape("bdew_h25", hourly_index(dt.datetime(2026, 1, 18), 24, "Europe/Berlin"))
    np.testing.assert_array_equal(saturday, table[0, 1])
    np.testing.assert_array_equal(sunday, table[0, 2])
    assert not np.allclose(saturday, table[0, 0])


def test_household_load_spreads_the_daily_energy():
    index = hourly_index(dt.datetime(2011, 3, 11, 0), 72, "Asia/Tokyo")
    load = household_load_kw(11.4, "tepco_2010", index)
    np.testing.assert_allclose(load.reshape(3, 24).sum(axis=1), 11.4)
    assert load[14] == pytest.approx(11.4 / 24 * household_shape("tepco_2010", index)[14])


def test_cached_shape_cannot_be_changed_by_a_caller():
    index = hourly_index(dt.datetime(2026, 1, 1), 24, "Europe/Berlin")
    first = household_shape("bdew_h25", index)
    first[:] = -1
    assert np.all(household_shape("bdew_h25", index) > 0)


@given(
    start=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 12, 31)),
    days=st.integers(min_value=2, max_value=40),
    load_shape=st.sampled_from(["tepco_2010", "bdew_h25"]),
    timezone=st.sampled_from(["Asia/Tokyo", "Europe/Berlin"]),
)
def test_whole_local_days_always_sum_to_24(start, days, load_shape, timezone):
    index = hourly_index(start, days * 24, timezone)
    shape = household_shape(load_shape, index)
    assert np.all(shape > 0)
    sums = daily_sums(shape, index)
    np.testing.assert_allclose(sums["sum"].iloc[1:-1], 24.0, atol=1e-9)


@pytest.mark.parametrize("facility_type", FACILITY_TYPES)
def test_facility_daily_energy_is_critical_kw_times_24(facility_type):
    index = hourly_index(dt.datetime(2026, 6, 1), 24 * 7, "Asia/Tokyo")
    load = facility_load_kw(np.array([250.0]), [facility_type], index)
    np.testing.assert_allclose(load[:, 0].reshape(7, 24).sum(axis=1), 250.0 * 24)
    np.testing.assert_allclose(load[:, 0], 250.0 * facility_shape(facility_type, index))


def test_day_weighted_facilities_by_hand():
    index = hourly_index(dt.datetime(2026, 6, 1), 24, "Europe/Berlin")
    shelter = facility_shape("shelter", index)
    assert shelter[3] == 0.5 and shelter[6] == 0.5 and shelter[7] == 1.3 and shelter[21] == 1.3 and shelter[22] == 0.5
    assert facility_shape("hospital", index).tolist() == [1.0] * 24


def test_facility_loads_are_one_column_per_facility():
    index = hourly_index(dt.datetime(2026, 6, 1), 48, "Asia/Tokyo")
    kw = np.array([100.0, 40.0, 10.0])
    load = facility_load_kw(kw, ["hospital", "city_hall", "water"], index)
    assert load.shape == (48, 3)
    np.testing.assert_array_equal(load[:, 1], 40.0 * facility_shape("city_hall", index))
    assert np.all(load[:, 0] == 100.0) and np.all(load[:, 2] == 10.0)


def test_naive_index_and_unknown_names_are_rejected():
    naive = pd.date_range("2026-01-01", periods=24, freq="h")
    aware = naive.tz_localize("Asia/Tokyo")
    for call in (
        lambda: household_shape("tepco_2010", naive),
        lambda: facility_shape("hospital", naive),
        lambda: facility_load_kw(np.array([1.0]), ["hospital"], naive),
    ):
        with pytest.raises(KizunaInputError, match="time zone"):
            call()
    with pytest.raises(KizunaInputError, match="load_shape"):
        household_shape("h0", aware)
    with pytest.raises(KizunaInputError, match="facility type"):
        facility_load_kw(np.array([1.0]), ["school"], aware)
    with pytest.raises(KizunaInputError, match="critical loads"):
        facility_load_kw(np.array([1.0, 2.0]), ["hospital"], aware)
    with pytest.raises(KizunaInputError, match="kwh_per_day"):
        household_load_kw(-1.0, "tepco_2010", aware)
