"""Readers for real hourly demand years a user downloads: TEPCO でんき予報 and OPSD time series.

Neither file is shipped with Kizuna (TEPCO's terms allow personal use only);
a user who has one can load it here and compare it with the bundled shapes.
Both readers return a tz-aware hourly :class:`pandas.Series` in **kW**.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from resilience.errors import KizunaInputError

TEPCO_TIMEZONE = "Asia/Tokyo"
OPSD_TIMEZONE = "Europe/Berlin"
#: Units found in TEPCO's header, in kW.
_TEPCO_UNITS_KW = {"万kW": 10_000.0, "MW": 1_000.0, "kW": 1.0}
_KW_PER_MW = 1_000.0


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise KizunaInputError(f"{path}: no such file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KizunaInputError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise KizunaInputError(f"{path.name}: the file is empty")
    return data


def _complete_hours(series: pd.Series, name: str) -> pd.Series:
    """Check that the series has every hour exactly once, and give it an hourly frequency."""
    duplicated = series.index.duplicated()
    if duplicated.any():
        raise KizunaInputError(f"{name}: hour {series.index[duplicated][0]} appears twice")
    series = series.sort_index()
    expected = pd.date_range(series.index[0], series.index[-1], freq="h")
    if len(expected) != len(series):
        missing = expected.difference(series.index)
        raise KizunaInputError(f"{name}: {len(missing)} hour(s) missing, the first at {missing[0]}; "
                               "expected one row for every hour")
    series.index = expected
    return series


def read_tepco_juyo_csv(path: str | Path) -> pd.Series:
    """Read TEPCO's でんき予報 yearly file ``juyo-YYYY.csv``.

    The file is Shift_JIS (CP932): a title line such as
    ``2011/12/31 23:55 UPDATE``, possibly a blank line, the header
    ``DATE,TIME,実績(万kW)`` and one row per hour, e.g. ``2011/3/11,14:00,3872``.
    Values are in 万kW (10,000 kW).

    Parameters
    ----------
    path : str or Path
        The downloaded CSV.

    Returns
    -------
    pandas.Series
        Hourly demand [kW] named ``demand_kw``, indexed by the hour's start in
        ``Asia/Tokyo`` (Japan has no daylight-saving time), frequency ``'h'``.

    Raises
    ------
    KizunaInputError
        If the file is missing, empty, not Shift_JIS/UTF-8 text, has no
        ``DATE,TIME,実績`` header, or has a bad date, time or number (the
        message names the line), or hours are missing or repeated.
    """
    path = Path(path)
    data = _read_bytes(path)
    # UTF-8 first: Shift_JIS text almost never decodes as UTF-8, while the reverse often "succeeds".
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise KizunaInputError(f"{path.name}: not Shift_JIS (CP932) or UTF-8 text; is it TEPCO's juyo CSV?")
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.replace(" ", "").upper().startswith("DATE,TIME,")),
                     None)
    if header_at is None:
        raise KizunaInputError(f"{path.name}: no header row 'DATE,TIME,実績(万kW)' found; is it TEPCO's juyo CSV?")
    header = next(csv.reader([lines[header_at]]))
    column = next((i for i, name in enumerate(header) if "実績" in name), None)
    if column is None:
        raise KizunaInputError(f"{path.name} line {header_at + 1}: no 実績 (actual demand) column in the header "
                               f"{','.join(header)}")
    unit = re.search(r"[(（]\s*([^)）]+?)\s*[)）]", header[column])
    if unit is None or unit.group(1) not in _TEPCO_UNITS_KW:
        raise KizunaInputError(f"{path.name} line {header_at + 1}: unit of '{header[column]}' not recognised; "
                               f"expected one of {', '.join(_TEPCO_UNITS_KW)}")
    kw_per_unit = _TEPCO_UNITS_KW[unit.group(1)]
    stamps, values = [], []
    for number, row in enumerate(csv.reader(lines[header_at + 1:]), start=header_at + 2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) <= column:
            raise KizunaInputError(f"{path.name} line {number}: expected {len(header)} values, found {len(row)}")
        stamp = pd.to_datetime(f"{row[0].strip()} {row[1].strip()}", format="%Y/%m/%d %H:%M", errors="coerce")
        if pd.isna(stamp):
            raise KizunaInputError(f"{path.name} line {number}: date/time '{row[0]},{row[1]}' is not like "
                                   "2011/3/11,14:00")
        try:
            value = float(row[column])
        except ValueError:
            raise KizunaInputError(f"{path.name} line {number}: demand '{row[column]}' is not a number") from None
        if not np.isfinite(value) or value < 0:
            raise KizunaInputError(f"{path.name} line {number}: demand {row[column]}: expected a number ≥ 0")
        stamps.append(stamp)
        values.append(value * kw_per_unit)
    if not values:
        raise KizunaInputError(f"{path.name}: the header is there but no data rows follow")
    index = pd.DatetimeIndex(stamps).tz_localize(TEPCO_TIMEZONE)
    return _complete_hours(pd.Series(values, index=index, name="demand_kw"), path.name)


def read_opsd_csv(path: str | Path, column: str = "DE_50hertz_load_actual_entsoe_transparency") -> pd.Series:
    """Read an Open Power System Data time-series CSV (60-minute, single index).

    Parameters
    ----------
    path : str or Path
        An OPSD ``time_series_60min_singleindex`` file or a filter of it with a
        ``utc_timestamp`` column (ISO 8601, UTC, e.g. ``2019-01-01T00:00:00Z``).
    column : str
        The load column [MW]. The default is the 50Hertz control area, the
        closest open proxy for Berlin (``data/sources/PROVENANCE.md`` §2).

    Returns
    -------
    pandas.Series
        Hourly load [kW] named ``demand_kw``, indexed by the hour's start in
        ``Europe/Berlin`` (so a spring day has 23 hours and an autumn day 25),
        frequency ``'h'``.

    Raises
    ------
    KizunaInputError
        If the file is missing or empty, lacks ``utc_timestamp`` or ``column``
        (the message lists the load columns present), has a bad timestamp or a
        blank or negative value (naming the line), or hours are missing or
        repeated.
    """
    path = Path(path)
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KizunaInputError(f"{path.name}: not UTF-8 text; OPSD files are UTF-8") from None
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise KizunaInputError(f"{path.name}: not a readable CSV ({exc})") from None
    if "utc_timestamp" not in table.columns:
        raise KizunaInputError(f"{path.name}: no 'utc_timestamp' column; is it an OPSD time-series file?")
    if column not in table.columns:
        loads = [c for c in table.columns if c.endswith("_load_actual_entsoe_transparency")]
        raise KizunaInputError(f"{path.name}: no column '{column}'; load columns in the file: "
                               f"{', '.join(loads) or 'none'}")
    if table.empty:
        raise KizunaInputError(f"{path.name}: the header is there but no data rows follow")
    stamps = pd.to_datetime(table["utc_timestamp"], format="ISO8601", utc=True, errors="coerce")
    bad = stamps.isna().to_numpy()
    if bad.any():
        first = int(np.argmax(bad))
        raise KizunaInputError(f"{path.name} line {first + 2}: utc_timestamp '{table['utc_timestamp'].iloc[first]}' "
                               "is not like 2019-01-01T00:00:00Z")
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        first = int(np.argmax(bad))
        raise KizunaInputError(f"{path.name} line {first + 2}: {column} = '{table[column].iloc[first]}': "
                               "expected a number ≥ 0 (MW); fill or remove gaps first")
    index = pd.DatetimeIndex(stamps).tz_convert(OPSD_TIMEZONE)
    return _complete_hours(pd.Series(values * _KW_PER_MW, index=index, name="demand_kw"), path.name)
