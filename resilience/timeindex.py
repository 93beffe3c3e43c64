"""Hourly, time-zone-aware time indexes: building them, checking them, and keying caches on them.

Every hourly series of the engine is indexed by the local start of each hour
(``Asia/Tokyo``, ``Europe/Berlin``, …). Steps are one hour of absolute (UTC)
time, so across a daylight-saving change the local clock shows 23 or 25 hours
in a calendar day while the steps stay equally spaced.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from resilience.errors import KizunaInputError

HOURS_PER_DAY = 24
HOUR_NS = 3_600_000_000_000


def require_tz_aware(index: pd.DatetimeIndex, what: str = "time index") -> pd.DatetimeIndex:
    """Check that ``index`` is a time-zone-aware :class:`pandas.DatetimeIndex`.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        The index to check.
    what : str, default "time index"
        Name used in the error message.

    Returns
    -------
    pandas.DatetimeIndex
        ``index`` itself.

    Raises
    ------
    KizunaInputError
        If ``index`` is not a DatetimeIndex or has no time zone.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise KizunaInputError(f"{what}: expected a pandas DatetimeIndex, got {type(index).__name__}")
    if index.tz is None:
        raise KizunaInputError(
            f"{what}: the index has no time zone: localise it first, e.g. index.tz_localize('Asia/Tokyo')"
        )
    return index


def localize_start(start: dt.datetime, timezone: str) -> pd.Timestamp:
    """Turn a naive local start into a tz-aware timestamp at the start of its hour.

    The start is floored to the hour (the engine works in whole hours). Wall-clock
    times that daylight saving makes impossible or ambiguous are resolved
    deterministically rather than rejected:

    - a time in the spring-forward gap (e.g. 02:30 on the last Sunday of March
      in Berlin, which the clocks skip) moves forward to the first existing
      instant, 03:00 summer time;
    - a time in the autumn fall-back hour (02:00–02:59, shown twice) is taken as
      its first occurrence, in summer time.

    Parameters
    ----------
    start : datetime.datetime
        Naive local wall-clock time.
    timezone : str
        IANA time zone, e.g. ``"Europe/Berlin"``.

    Returns
    -------
    pandas.Timestamp
        tz-aware start of the hour.

    Raises
    ------
    KizunaInputError
        If ``start`` already has a time zone or ``timezone`` is unknown.
    """
    if start.tzinfo is not None:
        raise KizunaInputError(
            f"start = {start.isoformat()}: must be a local time without a time zone (the city's zone applies)"
        )
    floored = pd.Timestamp(start).floor("h")
    try:
        return floored.tz_localize(timezone, ambiguous=True, nonexistent="shift_forward")
    except Exception as exc:  # pytz/zoneinfo raise different types for an unknown zone
        raise KizunaInputError(f"timezone = {timezone!r}: must be an IANA time zone ({exc})") from None


def hourly_index(start: dt.datetime, periods: int, timezone: str) -> pd.DatetimeIndex:
    """Hourly tz-aware index: the local start of each of ``periods`` hours from ``start``.

    Parameters
    ----------
    start : datetime.datetime
        Naive local start, floored to the hour; see :func:`localize_start` for
        daylight-saving gaps and repeats.
    periods : int
        Number of hours, ≥ 1.
    timezone : str
        IANA time zone of the local clock.

    Returns
    -------
    pandas.DatetimeIndex
        ``periods`` timestamps one absolute hour apart, in ``timezone``.
    """
    if int(periods) < 1:
        raise KizunaInputError(f"periods = {periods}: must be ≥ 1")
    first = localize_start(start, timezone)
    return pd.date_range(first, periods=int(periods), freq="h", name="time")


def index_key(index: pd.DatetimeIndex) -> tuple:
    """A small hashable key that identifies a tz-aware index, for caches.

    A regular hourly index is keyed by its zone, first instant and length; any
    other index by its zone and raw nanosecond values.
    """
    require_tz_aware(index)
    values = index.as_unit("ns").asi8  # pandas 3 defaults to microseconds; key on one unit
    zone = str(index.tz)
    if len(values) and (len(values) == 1 or np.all(np.diff(values) == HOUR_NS)):
        return (zone, "hourly", int(values[0]), len(values))
    return (zone, "values", values.tobytes())


def index_from_key(key: tuple) -> pd.DatetimeIndex:
    """Rebuild the index that :func:`index_key` described (in nanoseconds)."""
    zone = key[0]
    if key[1] == "hourly":
        first = pd.Timestamp(key[2], unit="ns", tz="UTC").tz_convert(zone)
        return pd.date_range(first, periods=key[3], freq="h", name="time")
    values = np.frombuffer(key[2], dtype=np.int64)
    return pd.DatetimeIndex(values.astype("datetime64[ns]"), name="time").tz_localize("UTC").tz_convert(zone)


def local_fields(index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Local month (1–12), weekday (Mon = 0), hour of day (0–23) and local date of each timestamp.

    Returns
    -------
    month, weekday, hour : int arrays of shape (n,)
    date : datetime64[D] array of shape (n,)
        The local calendar day.
    """
    require_tz_aware(index)
    local = index.tz_localize(None)
    return (
        np.asarray(local.month, dtype=np.int64),
        np.asarray(local.day_of_week, dtype=np.int64),
        np.asarray(local.hour, dtype=np.int64),
        local.to_numpy().astype("datetime64[D]"),
    )
