"""CSV and Excel exports read back to the numbers of the run; survival exports by hand."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from openpyxl import load_workbook

from reports import exports
from resilience import simulate, survival_sweep
from resilience.citydata import load_city
from resilience.errors import KizunaInputError
from resilience.records import Scenario
from resilience.survival import HOURS_PER_YEAR, SurvivalResult
from resilience.systems import BackupSystem

RUN_DATE = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
UNIT_SUFFIXES = ("_kwh", "_kw", "_litres", "_h", "_days", "_fraction", "_pct")
#: Columns that name or count things rather than measure them.
UNITLESS = {
    "time", "time_local", "utc_offset", "district_id", "facility_id", "type", "name", "status", "grid_up",
    "households", "households_off_grid", "households_powered_by_backup", "households_without_power",
    "stations_operating", "sites",
}


@pytest.fixture(scope="module")
def saitama():
    return simulate(load_city("saitama"), Scenario(duration_h=72))


@pytest.fixture(scope="module")
def berlin_autumn():
    """A Berlin run across the end of daylight saving time (26 Oct 2025, 03:00 CEST → 02:00 CET)."""
    scenario = Scenario(preset="custom", start=dt.datetime(2025, 10, 25, 12), duration_h=48, custom_outage_h=30)
    return simulate(load_city("berlin"), scenario)


def source_table(result, table):
    return {"districts": result.districts, "facilities": result.facilities,
            "city": result.city_hourly.reset_index()}[table]


@pytest.mark.parametrize("table", exports.HOURLY_TABLES)
def test_hourly_csv_reads_back_to_the_same_numbers(saitama, table):
    frame = pd.read_csv(io.StringIO(exports.hourly_csv(saitama, table)), dtype={"district_id": str})
    source = source_table(saitama, table)
    assert len(frame) == len(source)
    for column in source.columns:
        if column == "time":
            parsed = pd.to_datetime(frame["time"], utc=True)
            assert (parsed.to_numpy() == source["time"].dt.tz_convert("UTC").to_numpy()).all()
            continue
        written = frame[exports.RENAMED_COLUMNS.get(column, column)]
        if pd.api.types.is_float_dtype(source[column]):
            # Shortest round-trip float text: exactly the computed doubles.
            np.testing.assert_array_equal(written.to_numpy(dtype=float), source[column].to_numpy(dtype=float))
        else:
            assert written.astype(str).tolist() == source[column].astype(str).tolist(), column


@pytest.mark.parametrize("table", exports.HOURLY_TABLES)
def test_every_column_name_carries_its_unit_or_counts_something(saitama, table):
    for column in exports.hourly_table(saitama, table).columns:
        assert column in UNITLESS or column.endswith(UNIT_SUFFIXES), column


def test_times_stay_distinct_across_the_end_of_daylight_saving(berlin_autumn):
    frame = pd.read_csv(io.StringIO(exports.hourly_csv(berlin_autumn, "city")))
    assert frame["time"].is_unique
    assert frame["time"].str.endswith("+02:00").any() and frame["time"].str.endswith("+01:00").any()
    assert "2025-10-26T02:00:00+02:00" in set(frame["time"]) and "2025-10-26T02:00:00+01:00" in set(frame["time"])
    sheets = exports.workbook_sheets(berlin_autumn, run_date=RUN_DATE)
    city = sheets["city_hourly"]
    assert city["time_local"].duplicated().sum() == 1  # the repeated wall-clock hour 02:00 …
    assert not city[["time_local", "utc_offset"]].duplicated().any()  # … told apart by its offset


@pytest.mark.report
def test_workbook_reads_back_to_the_same_numbers(saitama):
    book = exports.workbook(saitama, city_id="saitama", run_date=RUN_DATE)
    sheets = exports.workbook_sheets(saitama, city_id="saitama", run_date=RUN_DATE)
    read = pd.read_excel(io.BytesIO(book), sheet_name=None)
    assert list(read) == list(sheets)
    for name, source in sheets.items():
        back = read[name]
        assert list(back.columns) == list(source.columns), name
        assert len(back) == len(source), name
        for column in source.columns:
            values = source[column]
            if pd.api.types.is_float_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
                expected = values.to_numpy(dtype=float)
                expected = np.where(np.isfinite(expected), expected, np.nan)
                # openpyxl writes 16 significant digits ("%.16g"); Excel itself keeps 15.
                np.testing.assert_allclose(back[column].to_numpy(dtype=float), expected, rtol=1e-15, atol=0,
                                           err_msg=f"{name}.{column}")
    hourly = read["districts_hourly"]
    np.testing.assert_allclose(hourly["households_without_power"].to_numpy(),
                               saitama.districts["households_without_power"].to_numpy(), rtol=1e-15, atol=0)
    assert (pd.to_datetime(hourly["time_local"]).to_numpy()
            == saitama.districts["time"].dt.tz_localize(None).to_numpy()).all()


@pytest.mark.report
def test_workbook_parameters_name_city_run_date_version_and_every_scenario_field(saitama):
    book = load_workbook(io.BytesIO(exports.workbook(saitama, city_id="saitama", run_date=RUN_DATE)), read_only=True)
    rows = {row[0]: row[1] for row in book["parameters"].iter_rows(min_row=2, values_only=True)}
    assert rows["city_id"] == "saitama"
    assert rows["run_date"] == "2026-11-23T09:30:00+09:00"
    assert re.fullmatch(r"\d+\.\d+\.\d+", rows["kizuna_version"])
    for field, value in saitama.scenario.to_dict().items():
        assert f"scenario.{field}" in rows
        assert rows[f"scenario.{field}"] == value
    assert rows["effective.start_local"] == "2011-03-11T14:00"
    assert rows["effective.petrol_ration_litres"] == 10


def test_kpi_sheet_holds_every_kpi(saitama):
    table = exports.kpi_table(saitama)
    kpis = saitama.kpis.to_dict()
    assert set(table["kpi"]) >= {k for k, v in kpis.items() if not isinstance(v, dict)}
    assert table.set_index("kpi").loc["household_hours_lost", "value"] == kpis["household_hours_lost"]
    assert table.set_index("kpi").loc["critical_autonomy_by_type_h.shelter", "value"] == 0


def test_district_summary_adds_up_to_the_city_kpis(saitama):
    summary = exports.district_summary(saitama)
    k = saitama.kpis
    assert summary["household_hours_lost"].sum() == pytest.approx(k.household_hours_lost, rel=1e-12)
    assert summary["v2h_households"].sum() == pytest.approx(k.v2h_households)
    assert (summary["households_without_power_peak"] <= summary["households"] + 1e-9).all()
    assert summary["households_without_power_peak"].sum() >= k.households_without_power_peak - 1e-6


def test_unknown_table_is_refused(saitama):
    with pytest.raises(KizunaInputError, match="table = 'weather': must be one of city, districts, facilities"):
        exports.hourly_csv(saitama, "weather")


# --------------------------------------------------------------------------------------------
# Survival sweep
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def battery_sweep():
    """MODEL §9: 50 kW constant load, 200 kWh / 50 kW battery starting full: 4 h from every start."""
    return survival_sweep([50.0] * HOURS_PER_YEAR, None, BackupSystem(battery_kwh=200.0, battery_kw=50.0),
                          max_duration_h=24)


def test_survival_csv_by_hand(battery_sweep):
    frame = pd.read_csv(io.StringIO(exports.survival_csv(battery_sweep)))
    assert list(frame.columns) == ["start_hour", "month", "hour_of_day", "hours_survived_h", "max_duration_h"]
    assert len(frame) == HOURS_PER_YEAR
    assert (frame["hours_survived_h"] == 4).all()
    assert (frame["max_duration_h"] == 24).all()
    assert frame["hour_of_day"].tolist() == list(range(24)) * 365
    assert frame.groupby("month").size().tolist() == [d * 24 for d in (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)]


def test_survival_probability_csv_by_hand(battery_sweep):
    frame = pd.read_csv(io.StringIO(exports.survival_probability_csv(battery_sweep)))
    assert frame["duration_h"].tolist() == list(range(1, 25))
    assert frame["probability_fraction"].tolist() == [1.0] * 4 + [0.0] * 20
    assert frame["starts_surviving"].tolist() == [HOURS_PER_YEAR] * 4 + [0] * 20


def test_survival_exports_accept_the_dashboards_dict(battery_sweep):
    as_dict = battery_sweep.to_dict()
    assert exports.survival_csv(as_dict) == exports.survival_csv(battery_sweep)
    assert exports.survival_probability_csv(as_dict) == exports.survival_probability_csv(battery_sweep)
    with pytest.raises(KizunaInputError, match="hours_survived has 3 values: must be 8760"):
        exports.survival_csv({"hours_survived": [1, 2, 3], "max_duration_h": 24})
    with pytest.raises(KizunaInputError, match="expected a SurvivalResult"):
        exports.survival_csv({"mean_h": 3})


@settings(max_examples=30, deadline=None)
@given(horizon=st.integers(1, 200), data=st.data())
def test_probability_curve_counts_the_starts_that_survive(horizon, data):
    hours = data.draw(hnp.arrays(np.int64, HOURS_PER_YEAR, elements=st.integers(0, horizon)))
    frame = exports.survival_probability_frame(SurvivalResult(hours, horizon))
    assert len(frame) == horizon
    expected = [(hours >= k).sum() for k in range(1, horizon + 1)]
    assert frame["starts_surviving"].tolist() == expected
    assert (np.diff(frame["probability_fraction"].to_numpy()) <= 0).all()


# --------------------------------------------------------------------------------------------
# Formula injection: a name from an imported city never runs as a spreadsheet formula
# --------------------------------------------------------------------------------------------

HOSTILE_NAMES = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


@pytest.fixture(scope="module")
def hostile_run():
    """Saitama with its first four facilities renamed to formulas, as an imported city could name them."""
    city = load_city("saitama")
    first = city.facilities[:len(HOSTILE_NAMES)]
    renamed = [facility.model_copy(update={"name": name}) for facility, name in zip(first, HOSTILE_NAMES, strict=True)]
    city = city.model_copy(update={"facilities": renamed + list(city.facilities[len(renamed):])})
    return simulate(city, Scenario(duration_h=24))


def test_csv_writes_formula_like_names_as_text(hostile_run):
    frame = pd.read_csv(io.StringIO(exports.facility_summary_csv(hostile_run)))
    assert {"'" + name for name in HOSTILE_NAMES} <= set(frame["name"])
    # Numbers, negative ones included, are written as numbers.
    numeric = hostile_run.facility_summary.select_dtypes("number").columns
    assert all(pd.api.types.is_numeric_dtype(frame[column]) for column in numeric)


def test_workbook_stores_formula_like_names_as_text_cells(hostile_run):
    sheet = load_workbook(io.BytesIO(exports.workbook(hostile_run, run_date=RUN_DATE)))["facility_summary"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("name") + 1
    cells = [sheet.cell(row=row, column=column) for row in range(2, sheet.max_row + 1)]
    cells = [cell for cell in cells if cell.value in HOSTILE_NAMES]
    assert sorted(cell.value for cell in cells) == sorted(HOSTILE_NAMES)
    assert {cell.data_type for cell in cells} == {"s"}
