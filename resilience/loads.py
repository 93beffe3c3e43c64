"""Hourly electricity demand of households and critical facilities (docs/model.md §2–4, Loads).

Households are given in kWh per day and spread over the hours by a relative
shape; facilities are given as a critical load in kW and shaped by their type.

Household shapes (tables in ``data/shapes/``, see its README):

- ``"tepco_2010"``: TEPCO service-area demand of 2010, month × {weekday,
  weekend} × hour (an area shape used as a proxy: no numeric Japanese household
  shape was found);
- ``"bdew_h25"``: the BDEW 2025 household standard load profile H25, month ×
  {working day, Saturday, Sunday} × hour, from the quarter-hour table shipped
  by ``demandlib`` 0.2.2.

Each (month, day type) row is normalised to a mean of 1 over its 24 hours, so
a whole local day sums to 24 and ``kWh in an hour = kWh_per_day / 24 × shape``.
On the 23- and 25-hour days of a daylight-saving change the day's values are
rescaled so the day still sums to 24 (the household still uses its kWh per
day). Public holidays are treated as their weekday.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from resilience.errors import KizunaInputError
from resilience.records import FACILITY_TYPES
from resilience.timeindex import index_from_key, index_key, local_fields, require_tz_aware

__all__ = [
    "DAY_WEIGHT_HIGH",
    "DAY_WEIGHT_LOW",
    "DAY_WEIGHTED_HOURS",
    "LOAD_SHAPES",
    "facility_load_kw",
    "facility_shape",
    "household_load_kw",
    "household_shape",
    "shape_table",
]

SHAPES_DIR = Path(__file__).resolve().parents[1] / "data" / "shapes"
LOAD_SHAPES: tuple[str, ...] = ("tepco_2010", "bdew_h25")

#: Local hours (start inclusive, end exclusive) when shelters and city halls draw more (assumption).
DAY_WEIGHTED_HOURS = (7, 22)
#: Relative load of a day-weighted facility in those hours, and outside them; (15 × 1.3 + 9 × 0.5) / 24 = 1.
DAY_WEIGHT_HIGH = 1.3
DAY_WEIGHT_LOW = 0.5
_FLAT_TYPES = frozenset({"hospital", "water", "telecom", "other"})
_DAY_WEIGHTED_TYPES = frozenset({"shelter", "city_hall"})

_BDEW_MONTHS = {
    "Januar": 1, "Februar": 2, "März": 3, "April": 4, "Mai": 5, "Juni": 6,
    "Juli": 7, "August": 8, "September": 9, "Oktober": 10, "November": 11, "Dezember": 12,
}
#: Column of each day type in the H25 table: working day, Saturday, Sunday/holiday.
_BDEW_DAYTYPES = ("WT", "SA", "FT")
_TEPCO_DAYTYPES = ("weekday", "weekend")


def _normalised(table: np.ndarray) -> np.ndarray:
    table = table / table.mean(axis=-1, keepdims=True)
    table.setflags(write=False)
    return table


@cache
def shape_table(load_shape: str) -> np.ndarray:
    """Relative hourly load by month, day type and hour, each row with mean 1.

    Parameters
    ----------
    load_shape : {"tepco_2010", "bdew_h25"}

    Returns
    -------
    numpy.ndarray, shape (12, n_daytypes, 24)
        ``[month − 1, daytype, hour]``. Day types: ``tepco_2010`` (weekday
        Mon–Fri, weekend); ``bdew_h25`` (working day Mon–Fri, Saturday, Sunday).
        Read-only.
    """
    if load_shape == "tepco_2010":
        frame = pd.read_csv(SHAPES_DIR / "tepco_area_load_shape_2010.csv")
        frame["daytype_index"] = frame["daytype"].map({name: i for i, name in enumerate(_TEPCO_DAYTYPES)})
        frame = frame.sort_values(["month", "daytype_index", "hour"])
        values = frame["demand_relative_to_annual_mean"].to_numpy(dtype=float)
        return _normalised(values.reshape(12, len(_TEPCO_DAYTYPES), 24))
    if load_shape == "bdew_h25":
        frame = pd.read_csv(SHAPES_DIR / "bdew_h25.csv", header=[0, 1], encoding="utf-8")
        quarter_hour_kwh = np.empty((12, len(_BDEW_DAYTYPES), 96))
        for (month_name, daytype), column in frame.items():
            if month_name in _BDEW_MONTHS:
                quarter_hour_kwh[_BDEW_MONTHS[month_name] - 1, _BDEW_DAYTYPES.index(daytype)] = column.to_numpy(float)
        return _normalised(quarter_hour_kwh.reshape(12, len(_BDEW_DAYTYPES), 24, 4).sum(axis=-1))
    raise KizunaInputError(f"load_shape = {load_shape!r}: must be one of {list(LOAD_SHAPES)}")


def _daytype(load_shape: str, weekday: np.ndarray) -> np.ndarray:
    if load_shape == "tepco_2010":
        return (weekday >= 5).astype(np.int64)
    return np.select([weekday <= 4, weekday == 5], [0, 1], default=2)


def _table_values(load_shape: str, index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    month, weekday, hour, date = local_fields(index)
    return shape_table(load_shape)[month - 1, _daytype(load_shape, weekday), hour], date


def _dst_day_factor(load_shape: str, index: pd.DatetimeIndex, date: np.ndarray) -> np.ndarray:
    """Factor that makes every local day of ``index`` sum to 24, also on 23- and 25-hour days."""
    first_day, last_day = pd.Timestamp(date.min()), pd.Timestamp(date.max()) + pd.Timedelta(days=1)
    zone = index.tz
    whole_days = pd.date_range(
        first_day.tz_localize(zone, nonexistent="shift_forward", ambiguous=True),
        last_day.tz_localize(zone, nonexistent="shift_forward", ambiguous=True),
        freq="h", inclusive="left",
    )
    values, whole_date = _table_values(load_shape, whole_days)
    day_number = (whole_date - whole_date[0]).astype(np.int64)
    hours_per_day = np.bincount(day_number)
    factor = np.where(hours_per_day == 24, 1.0, 24.0 / np.bincount(day_number, weights=values))
    return factor[(date - whole_date[0]).astype(np.int64)]


@lru_cache(maxsize=64)
def _household_shape_cached(load_shape: str, key: tuple) -> np.ndarray:
    index = index_from_key(key)
    values, date = _table_values(load_shape, index)
    shape = values * _dst_day_factor(load_shape, index, date)
    shape.setflags(write=False)
    return shape


def household_shape(load_shape: str, index: pd.DatetimeIndex) -> np.ndarray:
    """Relative hourly household load; every whole local day sums to 24.

    Parameters
    ----------
    load_shape : {"tepco_2010", "bdew_h25"}
        The table to use (a :class:`~resilience.records.City` field).
    index : pandas.DatetimeIndex
        tz-aware hour starts; the local month, weekday and hour pick the value.

    Returns
    -------
    numpy.ndarray, shape (n_hours,)
        Dimensionless; mean 1 over every 24-hour local day.

    Raises
    ------
    KizunaInputError
        If the index is naive or the shape unknown.
    """
    require_tz_aware(index)
    shape_table(load_shape)  # fail fast on an unknown name
    if len(index) == 0:
        return np.zeros(0)
    return _household_shape_cached(load_shape, index_key(index)).copy()


def household_load_kw(kwh_per_day: float, load_shape: str, index: pd.DatetimeIndex) -> np.ndarray:
    """Load of one household in each hour [kW, equal to kWh in that hour].

    ``P(t) = kwh_per_day / 24 × shape(t)``.

    Parameters
    ----------
    kwh_per_day : float
        Daily energy [kWh/day], e.g. 11.4 (Japan, [S41]) or an essential
        budget of 1.5–3 (docs/model.md §5).
    load_shape : {"tepco_2010", "bdew_h25"}
    index : pandas.DatetimeIndex
        tz-aware hour starts.

    Returns
    -------
    numpy.ndarray, shape (n_hours,)
    """
    if not np.isfinite(kwh_per_day) or kwh_per_day < 0:
        raise KizunaInputError(f"kwh_per_day = {kwh_per_day}: must be a number ≥ 0")
    return kwh_per_day / 24.0 * household_shape(load_shape, index)


def _day_weighted(index: pd.DatetimeIndex) -> np.ndarray:
    hour = local_fields(index)[2]
    first, end = DAY_WEIGHTED_HOURS
    return np.where((hour >= first) & (hour < end), DAY_WEIGHT_HIGH, DAY_WEIGHT_LOW)


def facility_shape(facility_type: str, index: pd.DatetimeIndex) -> np.ndarray:
    """Relative hourly load of a critical facility by type; mean 1 over a 24-hour day.

    Hospitals, water works, telecom sites and "other" draw their critical load
    around the clock (shape 1). Shelters and city halls are day-weighted
    (assumption): 1.3 from 07:00 to 22:00 local time, 0.5 overnight. The shape
    scales a power, so a 23- or 25-hour daylight-saving day simply has one hour
    less or more.

    Parameters
    ----------
    facility_type : str
        One of :data:`resilience.records.FACILITY_TYPES`.
    index : pandas.DatetimeIndex
        tz-aware hour starts.

    Returns
    -------
    numpy.ndarray, shape (n_hours,)
    """
    require_tz_aware(index)
    if facility_type in _FLAT_TYPES:
        return np.ones(len(index))
    if facility_type in _DAY_WEIGHTED_TYPES:
        return _day_weighted(index)
    raise KizunaInputError(f"facility type = {facility_type!r}: must be one of {list(FACILITY_TYPES)}")


def facility_load_kw(
    critical_load_kw: np.ndarray, facility_types: Sequence[str], index: pd.DatetimeIndex
) -> np.ndarray:
    """Critical load of every facility in every hour [kW].

    Parameters
    ----------
    critical_load_kw : array, shape (n_facilities,)
        Critical load of each facility (all its sites) [kW].
    facility_types : sequence of str, length n_facilities
        Type of each facility.
    index : pandas.DatetimeIndex
        tz-aware hour starts.

    Returns
    -------
    numpy.ndarray, shape (n_hours, n_facilities)
        ``critical_load_kw × facility_shape(type)``.
    """
    require_tz_aware(index)
    critical_load_kw = np.asarray(critical_load_kw, dtype=float)
    types = list(facility_types)
    if critical_load_kw.shape != (len(types),):
        raise KizunaInputError(
            f"facility loads: {critical_load_kw.shape} critical loads for {len(types)} facility types"
        )
    unknown = sorted(set(types) - _FLAT_TYPES - _DAY_WEIGHTED_TYPES)
    if unknown:
        raise KizunaInputError(f"facility type = {unknown[0]!r}: must be one of {list(FACILITY_TYPES)}")
    day_weighted = np.array([t in _DAY_WEIGHTED_TYPES for t in types], dtype=bool)
    shapes = np.where(day_weighted[None, :], _day_weighted(index)[:, None], 1.0)
    return shapes * critical_load_kw[None, :]
