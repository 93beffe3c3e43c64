"""Data exports of a run: tidy hourly CSV, an Excel workbook, and the survival sweep as CSV.

Every column name carries its unit (``_kwh``, ``_litres``, ``_h``, ``_fraction``,
``_pct``) or counts something named in it (``households…``, ``stations_operating``).
Times: the CSV files write ISO 8601 local time with its UTC offset
(``2011-03-11T14:00:00+09:00``), so the hours around a daylight-saving change stay
distinct; Excel cannot store a time zone, so the workbook writes the local wall
clock (``time_local``) and the offset (``utc_offset``) in two columns.
Numbers are written unrounded: the CSV text reads back to exactly the computed doubles;
the workbook holds 16 significant digits (openpyxl's number format; Excel itself keeps 15).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from reports.version import kizuna_version
from resilience.citysim import Result, petrol_ration_litres
from resilience.errors import KizunaInputError
from resilience.kpis import CityKPIs
from resilience.records import Scenario
from resilience.scenarios import PRESETS, scenario_start
from resilience.survival import HOUR_OF_DAY_OF_START, HOURS_PER_YEAR, MONTH_OF_START, SurvivalResult

HourlyTable = Literal["city", "districts", "facilities"]
HOURLY_TABLES: tuple[str, ...] = HourlyTable.__args__
#: Result columns renamed so that every name says its unit.
RENAMED_COLUMNS = {
    "hour": "hours_since_start_h",
    "grid_share": "grid_share_fraction",
}
EXCEL_MAX_ROWS = 1_048_576
_UNSET_NOTE = "not set: the city's data or the preset's value applies"
#: The only cells of an export left empty, by sheet (CSV: the table of the same name) and column, and what
#: an empty cell there means; every other number is written (never "nan" or "inf"). The workbook lists
#: them on its last sheet, ``empty_cells``.
EMPTY_CELLS: dict[tuple[str, str], str] = {
    ("parameters", "value"): "the scenario field is not set: the city's data or the preset's value applies",
    ("parameters", "note"): "nothing to note",
    ("kpis", "note"): "nothing to note: the value is a number",
    ("kpis", "value"): "the KPI has no number in this run (not reached, no V2H household covered, no generator, "
                       "no deliveries): its note says which",
    ("district_summary", "petrol_days_of_supply_start"): "the district sells no petrol",
    ("district_summary", "petrol_days_of_supply_min"): "the district sells no petrol",
    ("facility_summary", "first_shortfall_h"): "the facility is never short within the run",
    ("facility_summary", "own_tank_h"): "the facility has no generator",
}
_HEADER_FONT = Font(bold=True)
#: A spreadsheet reads a cell that begins with one of these as a formula (``=HYPERLINK(…)``, ``+1+cmd|…``).
#: Text cells of an export that begin with one are written with a leading apostrophe in CSV (shown as
#: text by Excel and LibreOffice) and as plain text cells in the workbook: a facility or district name
#: from an imported city can then never run as a formula on a council officer's machine.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def hourly_table(result: Result, table: HourlyTable = "districts") -> pd.DataFrame:
    """One hourly table of a run, tidy, with unit-suffixed columns and a tz-aware ``time`` column.

    Parameters
    ----------
    result : resilience.citysim.Result
    table : {"districts", "facilities", "city"}
        One row per (hour, district), per (hour, facility), or per hour (city totals).

    Returns
    -------
    pandas.DataFrame
        ``time`` (tz-aware local start of the hour), ``hours_since_start_h`` and the
        table's columns; see :class:`resilience.citysim.Result`.
    """
    if table == "districts":
        frame = result.districts
    elif table == "facilities":
        frame = result.facilities
    elif table == "city":
        frame = result.city_hourly.reset_index()
    else:
        raise KizunaInputError(f"export: table = {table!r}: must be one of {', '.join(HOURLY_TABLES)}")
    return frame.rename(columns=RENAMED_COLUMNS)


def district_summary(result: Result) -> pd.DataFrame:
    """One row per district: households, the worst hour, household-hours lost, V2H and petrol.

    Returns
    -------
    pandas.DataFrame
        ``district_id``, ``name``, ``households``, ``households_without_power_peak``,
        ``household_hours_lost`` [household-hours], ``v2h_households``,
        ``v2h_households_at_home``, ``petrol_days_of_supply_start`` and
        ``petrol_days_of_supply_min`` [days] (NaN, an empty cell in the exports, where the district
        sells no petrol).
    """
    n_hours, n_districts = result.grid_share.shape
    without = result.households.households_without_power.reshape(n_hours, n_districts)
    petrol_days = np.asarray(result.petrol.days_of_supply, dtype=float).reshape(n_hours, n_districts)
    finite = np.where(np.isfinite(petrol_days), petrol_days, np.nan)
    with np.errstate(all="ignore"):
        petrol_min = np.nanmin(np.where(np.isnan(finite).all(axis=0), np.inf, finite), axis=0)
    return pd.DataFrame(
        {
            "district_id": [d.id for d in result.city.districts],
            "name": [d.name for d in result.city.districts],
            "households": [d.households for d in result.city.districts],
            "households_without_power_peak": without.max(axis=0),
            "household_hours_lost": without.sum(axis=0),
            "v2h_households": result.households.v2h_households,
            "v2h_households_at_home": result.households.v2h_households_at_home,
            "petrol_days_of_supply_start": finite[0],
            "petrol_days_of_supply_min": np.where(np.isinf(petrol_min), np.nan, petrol_min),
        }
    )


def kpi_table(result: Result) -> pd.DataFrame:
    """The run's KPIs as ``kpi``, ``value``, ``note`` rows (``CityKPIs.to_dict()``; by-type autonomy flattened).

    A KPI without a number in this run (``None``: not reached, no V2H household covered, no
    generator, no deliveries) has an empty ``value`` and a ``note`` saying why; other notes are empty.
    """
    rows = []
    for key, value in result.kpis.to_dict().items():
        if isinstance(value, dict):
            rows.extend((f"{key}.{kind}", hours) for kind, hours in value.items())
        else:
            rows.append((key, value))
    return pd.DataFrame({
        "kpi": [kpi for kpi, _ in rows],
        "value": pd.Series([value for _, value in rows], dtype=object),  # None stays None: an empty cell
        "note": ["" if value is not None else _empty_kpi_note(kpi, result.kpis) for kpi, value in rows],
    })


#: What an empty ``value`` of the kpis sheet means, by KPI name (prefix before a ".").
_EMPTY_KPI_NOTES = {
    "v2h_backup_days_median": "empty: no V2H household is covered",
    "v2h_backup_days_p10": "empty: no V2H household is covered",
    "v2h_backup_days_median_with_pv": "empty: no covered V2H household has home PV",
    "v2h_backup_days_median_without_pv": "empty: every covered V2H household has home PV",
    "v2h_days_for_covered": "empty: no V2H household is covered",
    "diesel_tank_hours_first": "empty: no site the outage reaches has a generator",
    "diesel_tank_hours_median": "empty: no site the outage reaches has a generator",
    "depot_days_of_deliveries": "empty: the depot makes no deliveries",
}


def _empty_kpi_note(kpi: str, kpis: CityKPIs) -> str:
    name = kpi.split(".")[0]
    if name.startswith("v2h_backup_days") and kpis.v2h_backup_days_median is None:
        name = "v2h_backup_days_median"  # no household covered at all, rather than none in one group
    return _EMPTY_KPI_NOTES.get(name, f"empty: not reached within the run ({kpis.horizon_h:,} h)")


def scenario_parameters(city_id: str, scenario: Scenario, *, run_date: dt.datetime | None = None,
                        result: Result | None = None) -> pd.DataFrame:
    """What produced a run: city, scenario fields, the values they resolve to, date and version.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``value``, ``note`` rows: ``city_id``, ``run_date``,
        ``kizuna_version``, every :class:`~resilience.records.Scenario` field as saved
        (``None``, noted as not set, means the city's data or the preset's value), then
        the values that applied: start, petrol ration, time zone, first diesel delivery.
    """
    run_date = run_date or dt.datetime.now().astimezone()
    rows: list[tuple[str, Any]] = [
        ("city_id", city_id),
        ("city_name", result.city.name if result is not None else ""),
        ("run_date", run_date.isoformat(timespec="seconds")),
        ("kizuna_version", kizuna_version()),
        ("preset_title", PRESETS[scenario.preset].title),
    ]
    rows += [(f"scenario.{name}", value) for name, value in scenario.to_dict().items()]
    rows += [
        ("effective.start_local", scenario_start(scenario).isoformat(timespec="minutes")),
        ("effective.petrol_ration_litres", petrol_ration_litres(scenario)),
    ]
    if result is not None:
        rows += [("effective.timezone", result.city.timezone),
                 ("effective.diesel_first_delivery_h", scenario.diesel_resupply_delay_h
                  if scenario.diesel_resupply_delay_h is not None else result.city.diesel.first_delivery_h)]
    notes = [_UNSET_NOTE if value is None else "" for _, value in rows]
    return pd.DataFrame([(*row, note) for row, note in zip(rows, notes, strict=True)],
                        columns=["parameter", "value", "note"])


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV text, the one way every export writes CSV.

    Text cells that a spreadsheet would run as a formula (:data:`FORMULA_START`) get a
    leading apostrophe; numbers are written unrounded.

    Examples
    --------
    >>> print(csv_text(pd.DataFrame({"name": ["=HYPERLINK(1)", "Urawa"], "kw": [-5.0, 2.5]})), end="")
    name,kw
    '=HYPERLINK(1),-5.0
    Urawa,2.5
    """
    return _formula_safe(frame).to_csv(index=False, lineterminator="\n")


def _formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    text_columns = [name for name in frame.columns
                    if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name].dtype)]
    if not text_columns:
        return frame
    safe = frame.copy()
    for name in text_columns:
        safe[name] = safe[name].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return safe


def hourly_csv(result: Result, table: HourlyTable = "districts") -> str:
    """An hourly table of a run as CSV text (see :func:`hourly_table`).

    ``time`` is written as ISO 8601 with the UTC offset; floats in their shortest
    exact form.
    """
    frame = hourly_table(result, table).copy()
    frame["time"] = _iso_times(frame["time"])
    return csv_text(frame)


def district_summary_csv(result: Result) -> str:
    """:func:`district_summary` as CSV text."""
    return csv_text(district_summary(result))


def facility_summary_csv(result: Result) -> str:
    """``Result.facility_summary`` as CSV text (``first_shortfall_h`` empty where never short, ``own_tank_h``
    where the facility has no generator: :data:`EMPTY_CELLS`)."""
    return csv_text(result.facility_summary)


def survival_frame(sweep: SurvivalResult | Mapping[str, Any]) -> pd.DataFrame:
    """Hours survived for every start hour, with the start's month and local hour of day.

    Parameters
    ----------
    sweep : resilience.survival.SurvivalResult or dict
        The sweep, or its ``to_dict()`` (as a dashboard keeps it in a store).

    Returns
    -------
    pandas.DataFrame
        ``start_hour`` (0–8759, hour of a non-leap year from 1 January 00:00 local
        standard time), ``month`` (1–12), ``hour_of_day`` (0–23), ``hours_survived_h``
        and ``max_duration_h`` (the sweep's horizon: a value equal to it means "at
        least that long").
    """
    hours, horizon = _sweep_hours(sweep)
    return pd.DataFrame({
        "start_hour": np.arange(HOURS_PER_YEAR),
        "month": MONTH_OF_START,
        "hour_of_day": HOUR_OF_DAY_OF_START,
        "hours_survived_h": hours,
        "max_duration_h": horizon,
    })


def survival_probability_frame(sweep: SurvivalResult | Mapping[str, Any]) -> pd.DataFrame:
    """``P(r ≥ k)`` for ``k = 1 … max_duration_h``: ``duration_h``, ``probability_fraction``, ``starts_surviving``."""
    hours, horizon = _sweep_hours(sweep)
    probability = SurvivalResult(hours, horizon).survival_probability()
    return pd.DataFrame({
        "duration_h": np.arange(1, horizon + 1),
        "probability_fraction": probability,
        "starts_surviving": np.rint(probability * HOURS_PER_YEAR).astype(int),
    })


def survival_csv(sweep: SurvivalResult | Mapping[str, Any]) -> str:
    """:func:`survival_frame` as CSV text: one row per start hour (8,760 rows)."""
    return csv_text(survival_frame(sweep))


def survival_probability_csv(sweep: SurvivalResult | Mapping[str, Any]) -> str:
    """:func:`survival_probability_frame` as CSV text: the probability curve."""
    return csv_text(survival_probability_frame(sweep))


def _sweep_hours(sweep: SurvivalResult | Mapping[str, Any]) -> tuple[np.ndarray, int]:
    if isinstance(sweep, SurvivalResult):
        return np.asarray(sweep.hours_survived, dtype=int), int(sweep.max_duration_h)
    if not isinstance(sweep, Mapping) or "hours_survived" not in sweep or "max_duration_h" not in sweep:
        raise KizunaInputError("survival export: expected a SurvivalResult or its to_dict() "
                               "(with hours_survived and max_duration_h)")
    hours = np.asarray(sweep["hours_survived"], dtype=int)
    if hours.shape != (HOURS_PER_YEAR,):
        raise KizunaInputError(f"survival export: hours_survived has {hours.size} values: must be {HOURS_PER_YEAR}")
    return hours, int(sweep["max_duration_h"])


def _iso_times(times: pd.Series) -> pd.Series:
    if getattr(times.dt, "tz", None) is None:
        raise KizunaInputError("export: the time column has no time zone")
    text = times.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    return text.str[:-2] + ":" + text.str[-2:]


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def workbook_sheets(result: Result, *, city_id: str | None = None,
                    run_date: dt.datetime | None = None) -> dict[str, pd.DataFrame]:
    """The tables the workbook holds, by sheet name, in sheet order.

    ``parameters`` (city, run date, Kizuna version, scenario fields), ``kpis``,
    ``district_summary``, ``facility_summary``, ``city_hourly``, ``districts_hourly``,
    ``facilities_hourly`` and ``empty_cells`` (:data:`EMPTY_CELLS`: the columns that may hold
    empty cells and what an empty cell means). Hourly sheets carry ``time_local`` (naive wall
    clock) and ``utc_offset`` instead of the tz-aware ``time``.
    """
    sheets = {
        "parameters": scenario_parameters(city_id or result.city.id, result.scenario, run_date=run_date,
                                          result=result),
        "kpis": kpi_table(result),
        "district_summary": district_summary(result),
        "facility_summary": result.facility_summary,
    }
    for table in ("city", "districts", "facilities"):
        sheets[f"{table}_hourly"] = _excel_times(hourly_table(result, table))
    sheets["empty_cells"] = pd.DataFrame([(sheet, column, meaning) for (sheet, column), meaning in EMPTY_CELLS.items()],
                                         columns=["sheet", "column", "an_empty_cell_means"])
    return sheets


def workbook(result: Result, *, city_id: str | None = None, run_date: dt.datetime | None = None) -> bytes:
    """The run as an Excel workbook (``.xlsx`` bytes), one sheet per table of :func:`workbook_sheets`.

    Raises
    ------
    KizunaInputError
        When a table has more rows than a sheet can hold (1,048,576).
    """
    book = Workbook(write_only=True)
    for name, frame in workbook_sheets(result, city_id=city_id, run_date=run_date).items():
        if len(frame) + 1 > EXCEL_MAX_ROWS:
            raise KizunaInputError(f"export: sheet {name} has {len(frame):,} rows: more than Excel holds; "
                                   f"export it as CSV")
        sheet = book.create_sheet(name)
        header = []
        for column in frame.columns:
            title = WriteOnlyCell(sheet, value=str(column))
            title.font = _HEADER_FONT
            header.append(title)
        sheet.append(header)
        sheet.freeze_panes = "A2"
        for row in _excel_rows(frame):
            sheet.append([_excel_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _excel_times(frame: pd.DataFrame) -> pd.DataFrame:
    times = frame["time"]
    offset = times.dt.strftime("%z")
    local = frame.drop(columns="time")
    local.insert(0, "utc_offset", (offset.str[:-2] + ":" + offset.str[-2:]).to_numpy())
    local.insert(0, "time_local", times.dt.tz_localize(None).to_numpy())
    return local


def _excel_rows(frame: pd.DataFrame):
    """Rows of plain Python values: NaN, NA and ±inf as empty cells, numpy scalars as numbers."""
    columns = []
    for name in frame.columns:
        values = frame[name].astype(object).to_numpy()
        columns.append([_excel_value(v) for v in values])
    return zip(*columns, strict=True) if columns else iter(())


def _excel_cell(sheet: Any, value: Any) -> Any:
    """Text that looks like a formula as a text cell (openpyxl would store ``=…`` as a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _excel_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dict | list | tuple):
        return str(value)
    return value
