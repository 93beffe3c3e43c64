"""Read and check a city's data: a folder of CSV files or one Excel workbook.

The import format (documented for people in ``data/README.md``):

- a **folder** with ``city.csv`` (key, value, unit), ``districts.csv``,
  ``facilities.csv``, ``fleet_mix.csv``, ``districts.geojson`` and, optionally,
  ``provenance.csv``; or
- a **workbook** (``.xlsx``) with one sheet per table, named ``city``,
  ``districts``, ``facilities``, ``fleet_mix``, ``geometry`` and, optionally,
  ``provenance``. The ``geometry`` sheet has one row per district: its
  ``district_id`` and its GeoJSON geometry as text; a geometry longer than an
  Excel cell continues on the next rows with the same ``district_id``.

:func:`validate_path` reports every problem at once as :class:`Problem` items;
:func:`read_city_tables` returns the checked, typed tables that
:func:`build_city` turns into a :class:`resilience.records.City`. The user's
files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
import types
import typing
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import annotated_types
import numpy as np
from pydantic.fields import FieldInfo

from resilience.errors import KizunaInputError
from resilience.records import City, DieselSupply, District, EVFleet, Facility, PetrolSupply

TABLES: tuple[str, ...] = ("city", "districts", "facilities", "fleet_mix", "provenance")
OPTIONAL_TABLES: frozenset[str] = frozenset({"provenance"})
GEOMETRY_TABLE = "geometry"
GEOMETRY_FILE = "districts.geojson"
README_SHEET = "README"
#: Excel holds at most 32,767 characters in a cell; longer geometries continue on the next rows.
GEOMETRY_CHUNK_CHARS = 32_000
PROVENANCE_STATUSES: tuple[str, ...] = ("sourced", "estimated")
POWERTRAINS: tuple[str, ...] = ("BEV", "PHEV")
#: Allowed absolute error of a fleet mix's sum of shares (as in :class:`resilience.records.EVFleet`).
MIX_SUM_TOLERANCE = 1e-6


def table_file(table: str) -> str:
    """File name of ``table`` in a city folder, e.g. ``'districts.csv'``."""
    return GEOMETRY_FILE if table == GEOMETRY_TABLE else f"{table}.csv"


# --------------------------------------------------------------------------------------------
# The schema: every column and key, with its type and range taken from resilience.records.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One column of a table (or one key of ``city.csv``) and the values it allows.

    Attributes
    ----------
    name : str
        Column name or ``city.csv`` key.
    kind : {'text', 'whole', 'number', 'choice'}
        Text, whole number, decimal number or one of ``choices``.
    required : bool
        Whether the column (or key) must be present and filled.
    default : object
        Value used for a blank cell or a missing optional column.
    unit : str
        Unit of the value ('' for text and codes).
    description : str
        What the value means, for the README and the template.
    choices : tuple of str
        Allowed values when ``kind == 'choice'``.
    ge, gt, le, lt : float or None
        Bounds (≥, >, ≤, <).
    """

    name: str
    kind: str
    required: bool
    default: Any
    unit: str
    description: str
    choices: tuple[str, ...] = ()
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def expected(self) -> str:
        """Plain-language description of an allowed value, e.g. ``'a number ≥ 0'``."""
        if self.kind == "text":
            return "a non-empty text"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        noun = "a whole number" if self.kind == "whole" else "a number"
        low = f"{self.ge:g}" if self.ge is not None else None
        high = f"{self.le:g}" if self.le is not None else None
        if low is not None and high is not None:
            return f"{noun} from {low} to {high}"
        bounds = []
        if self.ge is not None:
            bounds.append(f"≥ {self.ge:g}")
        if self.gt is not None:
            bounds.append(f"> {self.gt:g}")
        if self.le is not None:
            bounds.append(f"≤ {self.le:g}")
        if self.lt is not None:
            bounds.append(f"< {self.lt:g}")
        return " ".join([noun, " and ".join(bounds)]).strip()

    def parse(self, raw: Any) -> tuple[Any, str | None]:
        """Convert a raw cell to its value.

        Returns
        -------
        (value, None) when the cell is valid, ``(None, expected)`` otherwise. A
        blank cell gives the default (or a problem if the field is required).
        """
        if _is_blank(raw):
            if self.required:
                return None, f"{self.expected()}; the cell is empty"
            return self.default, None
        if self.kind in ("text", "choice"):
            text = _as_text(raw)
            if self.kind == "choice" and text not in self.choices:
                return None, self.expected()
            return text, None
        number = _as_number(raw)
        if number is None:
            hint = ""
            if isinstance(raw, str) and _leading_number(raw) is not None:
                hint = " (write the number only: the unit is given by the column or key)"
            return None, self.expected() + hint
        if self.kind == "whole":
            if number != math.floor(number):
                return None, self.expected()
            number = int(number)
        if not self._in_range(number):
            return None, self.expected()
        return number, None

    def _in_range(self, number: float) -> bool:
        return not (
            (self.ge is not None and number < self.ge)
            or (self.gt is not None and number <= self.gt)
            or (self.le is not None and number > self.le)
            or (self.lt is not None and number >= self.lt)
        )


def _spec(name: str, info: FieldInfo, unit: str, description: str = "") -> FieldSpec:
    """A :class:`FieldSpec` from a pydantic field, so ranges are defined once (in records.py)."""
    annotation = info.annotation
    optional = False
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(members) < len(typing.get_args(annotation))
        annotation = members[0]
    choices: tuple[str, ...] = ()
    if typing.get_origin(annotation) is typing.Literal:
        kind, choices = "choice", tuple(typing.get_args(annotation))
    elif annotation is int:
        kind = "whole"
    elif annotation is float:
        kind = "number"
    else:
        kind = "text"
    bounds: dict[str, float] = {}
    for item in info.metadata:
        for key, cls in (("ge", annotated_types.Ge), ("gt", annotated_types.Gt),
                         ("le", annotated_types.Le), ("lt", annotated_types.Lt)):
            if isinstance(item, cls):
                bounds[key] = getattr(item, key)
    required = info.is_required() and not optional
    default = None if info.is_required() else info.default
    return FieldSpec(name=name, kind=kind, required=required, default=default, unit=unit,
                     description=description or info.description or "", choices=choices, **bounds)


def _model_specs(model: type, docs: dict[str, tuple[str, str]], prefix: str = "",
                 skip: Iterable[str] = ()) -> list[FieldSpec]:
    specs = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        unit, description = docs[name]
        specs.append(_spec(prefix + name, info, unit, description))
    return specs


# Units and meanings of every field (the ranges come from resilience.records).
_CITY_DOCS = {
    "id": ("", "short id of the city, lower case, e.g. saitama"),
    "name": ("", "display name, e.g. Saitama City"),
    "country": ("", "JP or DE: selects country rules (PV outlet, hospital rules)"),
    "timezone": ("", "IANA time zone, e.g. Asia/Tokyo or Europe/Berlin"),
    "latitude": ("degrees", "latitude of the city centre, for the sun position (WGS 84)"),
    "longitude": ("degrees", "longitude of the city centre (WGS 84)"),
    "altitude_m": ("m", "altitude of the city centre above sea level"),
    "household_kwh_per_day": ("kWh/day", "normal electricity use of an average household"),
    "load_shape": ("", "hourly household load shape: tepco_2010 (Japan) or bdew_h25 (Germany)"),
    "home_pv_kwp_per_system": ("kWp", "average size of a home PV system"),
    "pv_outlet_kw": ("kW", "power a home PV system can give without the grid (Japan 1.5, Germany 0)"),
    "pv_typical_clear_sky_index": ("fraction", "clear-sky index of 'typical' weather (0–1)"),
}
_DIESEL_DOCS = {
    "depot_litres": ("L", "diesel the city can hand out to critical facilities (depot, fuel agreements)"),
    "first_delivery_h": ("h", "hours from the outage start to the first delivery"),
    "delivery_litres_per_day": ("L/day", "litres the depot can deliver per day"),
}
_PETROL_DOCS = {
    "stock_litres_per_station": ("L", "normal petrol stock of a filling station"),
    "vehicles_per_household": ("vehicles/household", "cars that need petrol, per household"),
    "demand_litres_per_vehicle_per_day": ("L/day", "normal petrol bought per car and day (normal deliveries match it)"),
    "ration_litres_per_visit": ("L", "most petrol per car and visit, one visit a day (2011 Japan: 10 L)"),
}
_FLEET_DOCS = {
    "soc_mean": ("fraction", "mean state of charge of the cars at the outage start"),
    "soc_sd": ("fraction", "standard deviation of that state of charge"),
    "soc_clip_low": ("fraction", "lowest state of charge at the start"),
    "soc_clip_high": ("fraction", "highest state of charge at the start"),
    "reserve_soc": ("fraction", "state of charge kept for driving (evacuation, hospital)"),
    "soc_max": ("fraction", "PV recharges the car up to this state of charge"),
    "discharge_efficiency": ("fraction", "car battery to home efficiency of car and V2H unit"),
    "charge_efficiency": ("fraction", "PV to car battery efficiency"),
    "v2h_kw": ("kW", "power limit of a V2H unit"),
    "phev_kwh_per_litre": ("kWh/L", "electricity a PHEV engine makes from a litre of petrol"),
    "phev_tank_litres_at_start": ("L", "petrol in a PHEV's tank at the outage start"),
    "v2h_households_with_pv_share": ("fraction", "share of V2H households that also have PV"),
}
_DISTRICT_DOCS = {
    "id": ("", "district id, e.g. the ward code 11101 or the Bezirk number 01; unique"),
    "name": ("", "display name"),
    "households": ("households", "private households"),
    "population": ("persons", "residents"),
    "home_parking_share": ("fraction", "share of households that can park a car at home (0–1)"),
    "bev_count": ("vehicles", "battery-electric cars registered in the district"),
    "phev_count": ("vehicles", "plug-in hybrid cars registered in the district"),
    "v2h_units": ("units", "V2H units installed (each serves one household)"),
    "pv_kwp": ("kWp", "rooftop PV on homes"),
    "pv_self_sustaining_share": ("fraction", "share of home PV systems that can power an outlet without grid"),
    "filling_stations": ("stations", "filling stations in the district"),
    "stations_backup_share": ("fraction", "share of filling stations with backup power (0–1)"),
    "rolling_group": ("", "rolling-blackout group 1–5 (blank: none)"),
}
_FACILITY_DOCS = {
    "id": ("", "facility id, unique, e.g. urawa-hospitals"),
    "name": ("", "display name; an aggregate says so, e.g. 'Urawa ward shelters (26 sites)'"),
    "type": ("", "hospital, water, telecom, shelter, city_hall or other (diesel priority order)"),
    "district_id": ("", "id of the district (districts.csv) the facility is in"),
    "latitude": ("degrees", "latitude (WGS 84)"),
    "longitude": ("degrees", "longitude (WGS 84)"),
    "sites": ("sites", "sites aggregated in this row; kW, kWh and litres are totals over them"),
    "critical_load_kw": ("kW", "load that must be served in an outage"),
    "generator_kw": ("kW", "rated power of the backup generators"),
    "tank_litres": ("L", "diesel tank capacity"),
    "fuel_litres": ("L", "diesel in the tank at the outage start (≤ tank_litres)"),
    "fuel_slope_l_per_kwh": ("L/kWh", "generator fuel per kWh delivered"),
    "fuel_intercept_l_per_h_per_kw": ("L/h per kW", "generator idle burn per kW rated"),
    "generator_min_turndown": ("fraction", "lowest generator output as a share of its rating"),
    "battery_kwh": ("kWh", "battery energy"),
    "battery_kw": ("kW", "battery power"),
    "pv_kwp": ("kWp", "PV on the facility"),
    "restoration_quantile": ("fraction", "restored share of the district at which the site gets grid back "
                                         "(blank: default by type)"),
}

#: Display-only columns: read, shown by the app and exported, but not part of the model.
_DISPLAY_COLUMNS = {
    "districts": [FieldSpec("name_local", "text", False, None, "", "name in the local language and script")],
    "facilities": [FieldSpec("name_local", "text", False, None, "", "name in the local language and script")],
}

_CITY_SCALARS = [n for n in City.model_fields if n not in ("districts", "facilities", "diesel", "petrol", "fleet")]

CITY_KEYS: tuple[FieldSpec, ...] = tuple(
    [_spec(n, City.model_fields[n], *_CITY_DOCS[n]) for n in _CITY_SCALARS]
    + _model_specs(DieselSupply, _DIESEL_DOCS, "diesel.")
    + _model_specs(PetrolSupply, _PETROL_DOCS, "petrol.")
    + _model_specs(EVFleet, _FLEET_DOCS, "fleet.", skip=("bev_mix", "phev_mix"))
)

COLUMNS: dict[str, tuple[FieldSpec, ...]] = {
    "city": (
        FieldSpec("key", "text", True, None, "", "the parameter's name (see the list of keys)"),
        FieldSpec("value", "text", False, None, "", "its value"),
        FieldSpec("unit", "text", False, None, "", "its unit; blank means the documented unit"),
        FieldSpec("description", "text", False, None, "", "free text, ignored"),
    ),
    "districts": tuple(_model_specs(District, _DISTRICT_DOCS)[:2] + _DISPLAY_COLUMNS["districts"]
                       + _model_specs(District, _DISTRICT_DOCS)[2:]),
    "facilities": tuple(_model_specs(Facility, _FACILITY_DOCS)[:2] + _DISPLAY_COLUMNS["facilities"]
                        + _model_specs(Facility, _FACILITY_DOCS)[2:]),
    "fleet_mix": (
        FieldSpec("vehicle_id", "text", True, None, "", "a vehicle_id of data/vehicles/ev_models.csv"),
        FieldSpec("powertrain", "choice", True, None, "", "BEV or PHEV (as in the catalogue)", choices=POWERTRAINS),
        FieldSpec("share", "number", True, None, "fraction", "share of the city's cars of that powertrain; "
                                                             "each powertrain's shares sum to 1", ge=0, le=1),
    ),
    "provenance": (
        FieldSpec("table", "choice", True, None, "", "city, districts, facilities, fleet_mix or geometry",
                  choices=(*TABLES[:4], GEOMETRY_TABLE)),
        FieldSpec("column", "text", True, None, "", "column name (for city: the key)"),
        FieldSpec("row_id", "text", False, None, "", "id of one row (blank: the whole column)"),
        FieldSpec("status", "choice", True, None, "", "sourced or estimated", choices=PROVENANCE_STATUSES),
        FieldSpec("source_or_method", "text", True, None, "", "the source (sourced) or the method (estimated)"),
    ),
}
GEOMETRY_COLUMNS: tuple[FieldSpec, ...] = (
    FieldSpec("district_id", "text", True, None, "", "district id (districts.csv)"),
    FieldSpec("geometry", "text", True, None, "", "GeoJSON Polygon or MultiPolygon, lon/lat in degrees (WGS 84)"),
)
#: Key column of each table (the row_id of provenance rows).
ROW_ID_COLUMN = {"districts": "id", "facilities": "id", "fleet_mix": "vehicle_id", "geometry": "district_id"}
_UNIT_ALIASES = {"l": "L", "litre": "L", "litres": "L", "liter": "L", "liters": "L", "deg": "degrees",
                 "°": "degrees", "hours": "h", "hour": "h", "-": "fraction", "share": "fraction"}


def _normal_unit(unit: str) -> str:
    text = " ".join(unit.split())
    return _UNIT_ALIASES.get(text.lower(), text).lower()


# --------------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem in a user's city data, located as precisely as possible.

    ``str(problem)`` is one line, e.g.
    ``facilities.csv row 7, column fuel_litres: value -5: expected a number ≥ 0``.
    Rows count the header as row 1, as a spreadsheet shows them; in
    ``districts.geojson`` the row is the feature's number (1 = first).

    Attributes
    ----------
    file : str
        File name (or the path given, when it cannot be found).
    sheet : str or None
        Sheet of a workbook.
    row : int or None
        Row (line) number.
    column : str or None
        Column name; for ``city.csv`` the key.
    value : str or None
        The offending value as written.
    expected : str
        What is allowed, and how to fix it.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f" sheet {self.sheet}"
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        text = where
        if self.value is not None:
            text += f": value {self.value}"
        return f"{text}: expected {self.expected}"


def _number_text(number: float) -> str:
    """A number as a person wrote it: 5 rather than 5.0, all its digits otherwise."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


def _shown(raw: Any) -> str:
    """A raw cell as a problem shows it: numbers bare, text in quotes."""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, (int, float)):
        return _number_text(raw)
    text = str(raw)
    return text if _as_number(text) is not None else f"'{text}'"


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _as_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _as_number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        number = float(raw)
    else:
        try:
            number = float(str(raw).strip())
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def _leading_number(text: str) -> float | None:
    head = text.strip().split()
    return _as_number(head[0]) if head else None


# --------------------------------------------------------------------------------------------
# Raw tables from a folder or a workbook
# --------------------------------------------------------------------------------------------


@dataclass
class _RawTable:
    """Cells as written: a header and (row number, {column: raw value}) rows."""

    file: str
    sheet: str | None
    header: list[str]
    header_row: int
    rows: list[tuple[int, dict[str, Any]]]

    def problem(self, row: int | None = None, column: str | None = None, value: Any = None,
                expected: str = "") -> Problem:
        shown = None if value is None else _shown(value)
        return Problem(self.file, self.sheet, row, column, shown, expected)


class _Collector:
    """Collects problems; every check adds to it rather than stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)


def _rows_to_table(file: str, sheet: str | None, rows: Iterable[tuple[int, Sequence[Any]]],
                   out: _Collector) -> _RawTable | None:
    """Header detection and row shaping shared by CSV and Excel."""
    header: list[str] | None = None
    header_row = 0
    body: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows:
        if all(_is_blank(c) for c in cells):
            continue
        if header is None:
            header = [_as_text(c) if not _is_blank(c) else "" for c in cells]
            while header and not header[-1]:
                header.pop()
            header_row = number
            continue
        extra = [c for c in cells[len(header):] if not _is_blank(c)]
        if extra:
            out.add(Problem(file, sheet, number, None, None,
                            f"{len(header)} values as in the header row, found {len(header) + len(extra)}"))
        padded = list(cells[: len(header)]) + [None] * max(0, len(header) - len(cells))
        body.append((number, {name: padded[i] for i, name in enumerate(header) if name}))
    if header is None:
        out.add(Problem(file, sheet, None, None, None, "a header row and data rows: the table is empty"))
        return None
    return _RawTable(file, sheet, header, header_row, body)


def _decode_csv(file: str, data: bytes, out: _Collector) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        out.add(Problem(file, None, line, None, f"byte 0x{data[exc.start]:02x}",
                        "UTF-8 text: the file is in another encoding (e.g. Shift_JIS or Windows-1252); "
                        "save it as UTF-8 (in Excel: 'CSV UTF-8')"))
        return None


def _read_bytes(path: Path, shown: str, out: _Collector) -> bytes | None:
    try:
        with path.open("rb") as handle:
            return handle.read()
    except OSError as exc:
        out.add(Problem(shown, expected=f"a readable file: {exc.strerror or exc}"))
        return None


def _read_csv(path: Path, out: _Collector) -> _RawTable | None:
    data = _read_bytes(path, path.name, out)
    if data is None:
        return None
    if not data.strip():
        out.add(Problem(path.name, expected="a header row and data rows: the file is empty"))
        return None
    text = _decode_csv(path.name, data, out)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        out.add(Problem(path.name, None, reader.line_num, None, None, f"valid CSV: {exc}"))
        return None
    return _rows_to_table(path.name, None, rows, out)


class _FolderSource:
    """Tables from a folder of CSV files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.name = folder.name

    def table(self, table: str, out: _Collector) -> _RawTable | None:
        path = self.folder / table_file(table)
        if not path.exists():
            if table not in OPTIONAL_TABLES:
                out.add(Problem(path.name, expected=f"a file {path.name} in the folder {self.folder}: it is missing"))
            return None
        return _read_csv(path, out)

    def geometry(self, out: _Collector) -> tuple[dict | None, str, str | None]:
        path = self.folder / GEOMETRY_FILE
        if not path.exists():
            out.add(Problem(GEOMETRY_FILE,
                            expected=f"a file {GEOMETRY_FILE} in the folder {self.folder}: it is missing"))
            return None, GEOMETRY_FILE, None
        data = _read_bytes(path, GEOMETRY_FILE, out)
        if data is None:
            return None, GEOMETRY_FILE, None
        if not data.strip():
            out.add(Problem(GEOMETRY_FILE, expected="a GeoJSON FeatureCollection: the file is empty"))
            return None, GEOMETRY_FILE, None
        text = _decode_csv(GEOMETRY_FILE, data, out)
        if text is None:
            return None, GEOMETRY_FILE, None
        try:
            return json.loads(text), GEOMETRY_FILE, None
        except json.JSONDecodeError as exc:
            out.add(Problem(GEOMETRY_FILE, None, exc.lineno, None, None,
                            f"valid GeoJSON: {exc.msg} at column {exc.colno}"))
            return None, GEOMETRY_FILE, None


class _WorkbookSource:
    """Tables from the sheets of one .xlsx workbook."""

    def __init__(self, path: Path, out: _Collector):
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        self.name = path.name
        self.sheets: dict[str, list[tuple[int, tuple]]] | None = None
        try:
            with path.open("rb") as handle:
                workbook = openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True, data_only=True)
        except OSError as exc:
            out.add(Problem(path.name, expected=f"a readable file: {exc.strerror or exc}"))
            return
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
            out.add(Problem(path.name, expected=f"an Excel workbook (.xlsx): the file cannot be opened ({exc})"))
            return
        try:
            self.sheets = {
                ws.title: [(i, row) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
                for ws in workbook.worksheets
            }
        finally:
            workbook.close()

    def _sheet(self, name: str, required: bool, out: _Collector) -> list[tuple[int, tuple]] | None:
        if self.sheets is None:
            return None
        if name not in self.sheets:
            if required:
                present = ", ".join(self.sheets) or "none"
                out.add(Problem(self.name, name, None, None, None,
                                f"a sheet named '{name}' (one sheet per table: city, districts, facilities, "
                                f"fleet_mix, geometry); the workbook has: {present}"))
            return None
        return self.sheets[name]

    def table(self, table: str, out: _Collector) -> _RawTable | None:
        rows = self._sheet(table, table not in OPTIONAL_TABLES, out)
        if rows is None:
            return None
        return _rows_to_table(self.name, table, rows, out)

    def geometry(self, out: _Collector) -> tuple[dict | None, str, str | None]:
        rows = self._sheet(GEOMETRY_TABLE, True, out)
        if rows is None:
            return None, self.name, GEOMETRY_TABLE
        raw = _rows_to_table(self.name, GEOMETRY_TABLE, rows, out)
        if raw is None or not _has_columns(raw, GEOMETRY_COLUMNS, out):
            return None, self.name, GEOMETRY_TABLE
        pieces: dict[str, list[str]] = {}
        first_row: dict[str, int] = {}
        previous = None
        for number, cells in raw.rows:
            district = _as_text(cells["district_id"]) if not _is_blank(cells["district_id"]) else ""
            if not district:
                out.add(raw.problem(number, "district_id", None, "a district id; the cell is empty"))
                continue
            if district in pieces and district != previous:
                out.add(raw.problem(number, "district_id", district,
                                    f"a district id used once (or on consecutive rows for a long geometry): "
                                    f"already used in row {first_row[district]}"))
                continue
            pieces.setdefault(district, []).append("" if _is_blank(cells["geometry"]) else str(cells["geometry"]))
            first_row.setdefault(district, number)
            previous = district
        features = []
        for district, parts in pieces.items():
            text = "".join(parts).strip()
            try:
                geometry = json.loads(text)
            except json.JSONDecodeError as exc:
                out.add(raw.problem(first_row[district], "geometry", None,
                                    f"a GeoJSON geometry as text for district '{district}': {exc.msg}"))
                continue
            features.append({"type": "Feature", "properties": {"district_id": district}, "geometry": geometry,
                             "_row": first_row[district]})
        return {"type": "FeatureCollection", "features": features}, self.name, GEOMETRY_TABLE


def _has_columns(raw: _RawTable, specs: Sequence[FieldSpec], out: _Collector) -> bool:
    """Check the header: required columns present, no unknown or repeated names."""
    known = {s.name for s in specs}
    ok = True
    seen: set[str] = set()
    for name in raw.header:
        if not name:
            continue
        if name in seen:
            out.add(raw.problem(raw.header_row, name, None, "each column name once in the header row"))
            ok = False
        seen.add(name)
        if name not in known:
            out.add(raw.problem(raw.header_row, name, None,
                                "a known column (" + ", ".join(s.name for s in specs) + "); check the spelling"))
    for spec in specs:
        if spec.required and spec.name not in seen:
            out.add(raw.problem(None, spec.name, None,
                                f"a required column '{spec.name}' ({spec.description}); the header row has none"))
            ok = False
    return ok


# --------------------------------------------------------------------------------------------
# Typed tables and the checks across them
# --------------------------------------------------------------------------------------------


@dataclass
class CityTables:
    """A city's checked, typed tables: what :func:`build_city` and the exporters use.

    Attributes
    ----------
    city : dict
        ``city.csv`` key → value (every key, defaults filled in).
    districts, facilities, fleet_mix, provenance : list of dict
        One dict per row, every column of the schema (blank → default/None).
    geometry : dict
        GeoJSON FeatureCollection, one feature per district, ``district_id`` in
        its properties.
    """

    city: dict[str, Any]
    districts: list[dict[str, Any]]
    facilities: list[dict[str, Any]]
    fleet_mix: list[dict[str, Any]]
    geometry: dict[str, Any]
    provenance: list[dict[str, Any]] = field(default_factory=list)


def _typed_rows(raw: _RawTable, specs: Sequence[FieldSpec], out: _Collector) -> list[tuple[int, dict]]:
    typed = []
    present = set(raw.header)
    for number, cells in raw.rows:
        row: dict[str, Any] = {}
        for spec in specs:
            if spec.name not in present:
                row[spec.name] = spec.default
                continue
            value, expected = spec.parse(cells.get(spec.name))
            if expected is not None:
                out.add(raw.problem(number, spec.name, cells.get(spec.name), expected))
            row[spec.name] = value
        typed.append((number, row))
    return typed


def _unique_ids(raw: _RawTable, rows: list[tuple[int, dict]], column: str, out: _Collector) -> None:
    first: dict[str, int] = {}
    for number, row in rows:
        value = row.get(column)
        if value is None:
            continue
        if value in first:
            out.add(raw.problem(number, column, value, f"a unique {column}: already used in row {first[value]}"))
        else:
            first[value] = number


def _city_values(raw: _RawTable, out: _Collector) -> dict[str, Any]:
    specs = {s.name: s for s in CITY_KEYS}
    values: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for number, cells in raw.rows:
        key = _as_text(cells.get("key")) if not _is_blank(cells.get("key")) else ""
        if not key:
            out.add(raw.problem(number, "key", None, "a key; the cell is empty"))
            continue
        spec = specs.get(key)
        if spec is None:
            out.add(raw.problem(number, "key", key, "a known key (" + ", ".join(specs) + "); check the spelling"))
            continue
        if key in seen:
            out.add(raw.problem(number, key, None, f"each key once: already given in row {seen[key]}"))
            continue
        seen[key] = number
        unit = cells.get("unit")
        if not _is_blank(unit) and _normal_unit(str(unit)) != _normal_unit(spec.unit):
            wanted = f"the unit {spec.unit}" if spec.unit else "no unit (leave it blank)"
            out.add(raw.problem(number, key, None,
                                f"{wanted}, found unit '{_as_text(unit)}': convert the value to {spec.unit or 'text'}"))
        value, expected = spec.parse(cells.get("value"))
        if expected is not None:
            suffix = f" ({spec.unit})" if spec.unit else ""
            out.add(raw.problem(number, key, cells.get("value"), expected + suffix))
        values[key] = value
    for spec in CITY_KEYS:
        if spec.name not in seen:
            if spec.required:
                out.add(raw.problem(None, spec.name, None,
                                    f"a row with the required key '{spec.name}' ({spec.description})"))
            values[spec.name] = spec.default
    return values


def _check_facilities(raw: _RawTable, rows: list[tuple[int, dict]], district_ids: set[str], out: _Collector) -> None:
    listed = ", ".join(sorted(district_ids)[:12]) + (", …" if len(district_ids) > 12 else "")
    for number, row in rows:
        district = row.get("district_id")
        if district is not None and district_ids and district not in district_ids:
            out.add(raw.problem(number, "district_id", district, f"one of the district ids in districts: {listed}"))
        fuel, tank = row.get("fuel_litres"), row.get("tank_litres")
        if fuel is not None and tank is not None and fuel > tank:
            out.add(raw.problem(number, "fuel_litres", fuel,
                                f"a number ≤ tank_litres ({_number_text(tank)}): fuel fits the tank"))


def _check_fleet_mix(raw: _RawTable, rows: list[tuple[int, dict]], districts: list[tuple[int, dict]] | None,
                     out: _Collector) -> None:
    from resilience.vehicles import vehicle_catalogue

    catalogue = vehicle_catalogue()
    totals = dict.fromkeys(POWERTRAINS, 0.0)
    counted = dict.fromkeys(POWERTRAINS, 0)
    for number, row in rows:
        vehicle_id, powertrain, share = row["vehicle_id"], row["powertrain"], row["share"]
        if vehicle_id is not None and vehicle_id not in catalogue.index:
            from resilience.vehicles import close_matches

            hint = close_matches(vehicle_id)
            out.add(raw.problem(number, "vehicle_id", vehicle_id,
                                "a vehicle_id of data/vehicles/ev_models.csv" + (f" (did you mean {hint}?)" if hint
                                                                                 else "")))
        elif vehicle_id is not None and powertrain is not None:
            actual = catalogue.loc[vehicle_id, "powertrain"]
            if actual != powertrain:
                out.add(raw.problem(number, "powertrain", powertrain, f"{actual}: the catalogue lists {vehicle_id} "
                                                                      f"as {actual}"))
        if powertrain in totals and share is not None:
            totals[powertrain] += share
            counted[powertrain] += 1
    for powertrain in POWERTRAINS:
        stock = sum((d.get(f"{powertrain.lower()}_count") or 0) for _, d in districts or [])
        if stock and not counted[powertrain]:
            out.add(raw.problem(None, "powertrain", None, f"at least one {powertrain} row: the districts have "
                                                          f"{stock:,} {powertrain}s"))
        if counted[powertrain] and abs(totals[powertrain] - 1.0) > MIX_SUM_TOLERANCE:
            total = _number_text(round(totals[powertrain], 9))
            out.add(raw.problem(None, "share", total, f"the {powertrain} shares to sum to 1 (they sum to {total})"))


def _check_geometry(collection: Any, file: str, sheet: str | None, district_ids: list[str],
                    out: _Collector) -> dict | None:
    """Check the district polygons; return a clean FeatureCollection (``district_id`` only)."""

    def problem(row, column, value, expected):
        out.add(Problem(file, sheet, row, column, None if value is None else _shown(value), expected))

    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        problem(None, None, None, "a GeoJSON FeatureCollection with one feature per district")
        return None
    clean = []
    seen: dict[str, int] = {}
    known = set(district_ids)
    for index, feature in enumerate(collection["features"], start=1):
        row = feature.pop("_row", index) if isinstance(feature, dict) else index
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            problem(row, None, None, "a GeoJSON Feature with properties")
            continue
        district = feature["properties"].get("district_id")
        if not isinstance(district, str) or not district.strip():
            problem(row, "district_id", district, "a district_id property written as text (e.g. \"01\")")
            continue
        if district in seen:
            problem(row, "district_id", district, f"one feature per district: already in row {seen[district]}")
            continue
        seen[district] = row
        if known and district not in known:
            problem(row, "district_id", district, "a district id of the districts table")
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            problem(row, "geometry", kind or "none", f"a Polygon or MultiPolygon for district '{district}'")
            continue
        error = _polygon_error(geometry)
        if error:
            problem(row, "geometry", None, f"valid {kind} coordinates for district '{district}': {error}")
            continue
        clean.append({"type": "Feature", "properties": {"district_id": district}, "geometry": geometry})
    for district in district_ids:
        if district not in seen:
            problem(None, "district_id", district, f"a geometry for district '{district}': none found")
    return {"type": "FeatureCollection", "features": clean}


def _polygon_error(geometry: dict) -> str | None:
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return "no coordinates"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return "a polygon must be a list of rings"
        for ring in polygon:
            try:
                points = np.asarray(ring, dtype=float)
            except (TypeError, ValueError):
                return "a ring must be a list of [longitude, latitude] pairs"
            if points.ndim != 2 or points.shape[1] < 2 or not np.isfinite(points).all():
                return "a ring must be a list of [longitude, latitude] pairs"
            if len(points) < 4 or not np.array_equal(points[0, :2], points[-1, :2]):
                return "a ring needs at least 4 points and must end where it starts"
            if (np.abs(points[:, 0]) > 180).any() or (np.abs(points[:, 1]) > 90).any():
                return "longitude/latitude out of range: coordinates must be WGS 84 degrees"
    return None


def _check_provenance(raw: _RawTable, rows: list[tuple[int, dict]], columns: dict[str, set[str]],
                      ids: dict[str, set[str]], out: _Collector) -> None:
    for number, row in rows:
        table, column, row_id = row["table"], row["column"], row["row_id"]
        if table is None or column is None:
            continue
        if column not in columns.get(table, set()):
            out.add(raw.problem(number, "column", column, f"a column of the {table} table"))
        if row_id is not None and table in ids and row_id not in ids[table]:
            out.add(raw.problem(number, "row_id", row_id, f"an id of a row of the {table} table (or blank)"))


def _source(path: Path, out: _Collector):
    if not path.exists():
        out.add(Problem(str(path), expected="a city folder or an .xlsx workbook: no such file or folder"))
        return None
    if path.is_dir():
        return _FolderSource(path)
    if path.suffix.lower() == ".xlsx":
        source = _WorkbookSource(path, out)
        return source if source.sheets is not None else None
    out.add(Problem(path.name, expected="a city folder of CSV files or an .xlsx workbook "
                                        "(an .xls or .ods file must be saved as .xlsx first)"))
    return None


def _read(path: Path) -> tuple[CityTables | None, list[Problem]]:
    out = _Collector()
    source = _source(path, out)
    if source is None:
        return None, out.problems
    raws = {table: source.table(table, out) for table in TABLES}
    typed: dict[str, list[tuple[int, dict]]] = {}
    for table in ("districts", "facilities", "fleet_mix", "provenance"):
        raw = raws[table]
        if raw is not None and _has_columns(raw, COLUMNS[table], out):
            typed[table] = _typed_rows(raw, COLUMNS[table], out)
    city_values: dict[str, Any] = {}
    if raws["city"] is not None and _has_columns(raws["city"], COLUMNS["city"], out):
        city_values = _city_values(raws["city"], out)

    district_ids: list[str] = []
    if "districts" in typed:
        _unique_ids(raws["districts"], typed["districts"], "id", out)
        district_ids = list(dict.fromkeys(r["id"] for _, r in typed["districts"] if r["id"] is not None))
        if not typed["districts"]:
            out.add(raws["districts"].problem(None, None, None, "at least one district row"))
    if "facilities" in typed:
        _unique_ids(raws["facilities"], typed["facilities"], "id", out)
        _check_facilities(raws["facilities"], typed["facilities"], set(district_ids), out)
    if "fleet_mix" in typed:
        _unique_ids(raws["fleet_mix"], typed["fleet_mix"], "vehicle_id", out)
        _check_fleet_mix(raws["fleet_mix"], typed["fleet_mix"], typed.get("districts"), out)

    collection, geo_file, geo_sheet = source.geometry(out)
    geometry = _check_geometry(collection, geo_file, geo_sheet, district_ids, out) if collection is not None else None

    if "provenance" in typed:
        columns = {t: {s.name for s in COLUMNS[t]} for t in ("districts", "facilities", "fleet_mix")}
        columns["city"] = {s.name for s in CITY_KEYS}
        columns[GEOMETRY_TABLE] = {"geometry"}
        # Only tables that were read can be checked against; a missing table is reported already.
        ids = {t: {r[ROW_ID_COLUMN[t]] for _, r in typed[t]} for t in ("districts", "facilities", "fleet_mix")
               if t in typed}
        if "districts" in typed:
            ids[GEOMETRY_TABLE] = set(district_ids)
        _check_provenance(raws["provenance"], typed["provenance"], columns, ids, out)

    if out.problems:
        return None, out.problems
    tables = CityTables(
        city=city_values,
        districts=[r for _, r in typed["districts"]],
        facilities=[r for _, r in typed["facilities"]],
        fleet_mix=[r for _, r in typed["fleet_mix"]],
        geometry=geometry,
        provenance=[r for _, r in typed.get("provenance", [])],
    )
    try:
        build_city(tables)
    except KizunaInputError as exc:
        return None, [Problem(source.name, expected=message) for message in exc.problems]
    return tables, []


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def read_city_tables(path: str | Path) -> CityTables:
    """Read and check a city folder or workbook.

    Parameters
    ----------
    path : str or Path
        A folder of CSV files or an ``.xlsx`` workbook in the import format.

    Returns
    -------
    CityTables
        The typed tables.

    Raises
    ------
    KizunaInputError
        With one line per problem (every problem found, not just the first).
    """
    tables, problems = _read(Path(path))
    if problems:
        raise KizunaInputError([str(p) for p in problems])
    return tables


def build_city(tables: CityTables) -> City:
    """Turn checked tables into a :class:`resilience.records.City`."""
    scalars = {k: v for k, v in tables.city.items() if "." not in k}
    nested: dict[str, dict[str, Any]] = {"diesel": {}, "petrol": {}, "fleet": {}}
    for key, value in tables.city.items():
        if "." in key:
            group, name = key.split(".", 1)
            nested[group][name] = value
    drop_none = {"rolling_group", "restoration_quantile"}

    def record(row: dict, model: type) -> dict:
        return {k: v for k, v in row.items() if k in model.model_fields and not (v is None and k in drop_none)}

    mixes = {"BEV": {}, "PHEV": {}}
    for row in tables.fleet_mix:
        mixes[row["powertrain"]][row["vehicle_id"]] = row["share"]
    fleet = {k: v for k, v in nested["fleet"].items() if v is not None}
    return City(
        **{k: v for k, v in scalars.items() if v is not None},
        districts=tuple(District(**record(r, District)) for r in tables.districts),
        facilities=tuple(Facility(**record(r, Facility)) for r in tables.facilities),
        diesel=DieselSupply(**{k: v for k, v in nested["diesel"].items() if v is not None}),
        petrol=PetrolSupply(**{k: v for k, v in nested["petrol"].items() if v is not None}),
        fleet=EVFleet(bev_mix=mixes["BEV"], phev_mix=mixes["PHEV"], **fleet),
    )


def validate_path(path: str | Path) -> list[Problem]:
    """Every problem in a city folder or workbook (an empty list when it is valid).

    Never raises for bad input and never modifies the files (they are opened
    read-only).

    Parameters
    ----------
    path : str or Path
        A folder of CSV files or an ``.xlsx`` workbook.

    Returns
    -------
    list of Problem
        In reading order: files, then columns, then rows.
    """
    try:
        return _read(Path(path))[1]
    except Exception as exc:  # noqa: BLE001 - the user must get a message, never a traceback
        return [Problem(Path(path).name, expected=f"a readable city: reading failed ({type(exc).__name__}: {exc})")]


def summary(city: City | str | Path) -> str:
    """One line about a valid city, e.g.
    ``saitama: 10 districts, 1,354,457 people, 656,951 households, 50 facilities — valid``.
    """
    if not isinstance(city, City):
        from resilience.citydata import load_city

        city = load_city(city)
    people = sum(d.population for d in city.districts)
    households = sum(d.households for d in city.districts)
    return (f"{city.id}: {len(city.districts)} districts, {people:,} people, {households:,} households, "
            f"{len(city.facilities)} facilities — valid")


def main_validate(argv: Sequence[str] | None = None) -> int:
    """``python -m resilience validate PATH``: 0 and a summary, or 2 and every problem on stderr."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m resilience validate PATH (a city folder or .xlsx workbook)", file=sys.stderr)
        return 2
    problems = validate_path(args[0])
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {args[0]}", file=sys.stderr)
        return 2
    try:
        print(summary(Path(args[0])))
    except KizunaInputError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    return 0
