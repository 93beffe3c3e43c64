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

Two kinds of guard keep a user's files from hanging or exhausting the process
and keep impossible cities out of the engine (both documented in
``data/README.md``):

- **reading limits** (``MAX_FILE_BYTES``, ``MAX_TABLE_ROWS`` …): only regular
  files are opened (never a named pipe, a device or a link out of the city
  folder), each file, table, workbook part and GeoJSON has a size cap, and each
  refusal happens before the input is parsed where its size can be known first;
- **plausibility bounds** (``BOUNDS``) and cross-field rules (V2H units ≤
  households ≤ population, a facility near its district): a value the records
  accept but no real city has, such as 1e308 kW or an altitude of 10⁹ m.

At most ``MAX_PROBLEMS_LISTED`` problems are listed; the rest are counted.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import stat
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

# Reading limits. Each is far above what a real city needs, and low enough that a wrong or hostile file is
# refused in well under a second on a small server instead of hanging or filling its memory.

#: Largest file read [bytes]: 50 MB. Berlin's largest file (districts.geojson) is 0.3 MB; a 100,000-row
#: facilities.csv is about 20 MB and 1,000,000 boundary points about 40 MB of GeoJSON.
MAX_FILE_BYTES = 50_000_000
#: Most data rows in one table (below its header): 100,000. Every hospital, clinic, shelter, school and
#: pumping station of Tokyo listed one by one is about 20,000 rows; a city has tens of districts.
MAX_TABLE_ROWS = 100_000
#: Most columns in one table: the widest table (facilities) has 19.
MAX_TABLE_COLUMNS = 100
#: Longest line of a CSV file [bytes]: 1 MB. A facilities row is about 200 bytes, a long source note a few kB.
MAX_LINE_BYTES = 1_000_000
#: Deepest nesting of arrays and objects in GeoJSON: a FeatureCollection of MultiPolygons nests 8 deep.
#: (Python's JSON reader fails near 1,000 levels; a wrong file is refused long before.)
MAX_JSON_DEPTH = 32
#: Most boundary points of all districts together: 1,000,000. Saitama has 1,873 and Berlin 14,622; a map
#: with more draws too slowly in a browser anyway (simplify it, e.g. with mapshaper or QGIS).
MAX_GEOMETRY_POSITIONS = 1_000_000
#: Largest unpacked part of an .xlsx workbook [bytes]: 100 MB. A sheet of 100,000 facility rows written by
#: Kizuna's exporter unpacks to about 86 MB; a "zip bomb" that unpacks to gigabytes is refused unread.
MAX_XLSX_PART_BYTES = 100_000_000
#: Largest unpacked workbook, all parts together [bytes]: 200 MB (a full facilities and provenance sheet).
MAX_XLSX_UNPACKED_BYTES = 200_000_000
#: Most parts (files) inside an .xlsx workbook: a city workbook has about 15.
MAX_XLSX_PARTS = 1_000
#: Most problems listed at once; the others are counted ("… and 999,950 more problems").
MAX_PROBLEMS_LISTED = 50
#: Longest value shown in a problem [characters]; longer cells are cut with "…".
MAX_SHOWN_CHARS = 80
#: Longest problem line [characters].
MAX_PROBLEM_CHARS = 500


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
# Plausibility bounds: what the records accept (≥ 0, finite) but no real city has. Each bound is
# written once, here, with its reason; data/README.md lists them for people.
# --------------------------------------------------------------------------------------------

#: Altitude of a city centre [m]: the Dead Sea shore (−430 m) is the lowest land, La Rinconada (5,100 m) the
#: highest town; 9,000 m is above Everest.
ALTITUDE_RANGE_M = (-500.0, 9_000.0)
#: Households in one district: Tokyo's 23 wards together have about 5.4 million.
MAX_DISTRICT_HOUSEHOLDS = 10_000_000
#: Residents of one district: Chongqing, the most populous municipality on Earth, has about 32 million.
MAX_DISTRICT_POPULATION = 40_000_000
#: BEVs, or PHEVs, in one district: Tokyo has about 3 million cars of all kinds.
MAX_DISTRICT_VEHICLES = 10_000_000
#: Filling stations in one district: Japan has about 27,000 in all, Germany about 14,000.
MAX_DISTRICT_STATIONS = 10_000
#: Rooftop PV of one district [kWp]: 100 GWp is about Germany's whole PV fleet.
MAX_DISTRICT_PV_KWP = 100_000_000.0
#: Sites in one facility row: more than any city's shelters (Saitama has 258, Tokyo about 3,000).
MAX_FACILITY_SITES = 10_000
#: Power of one site [kW] (critical load, generator, battery, PV): 100 MW, more than the largest hospitals and
#: data centres draw. An aggregate row may hold ``sites`` times this.
MAX_SITE_KW = 100_000.0
#: Battery energy of one site [kWh]: 1 GWh, as much as the largest grid batteries.
MAX_SITE_BATTERY_KWH = 1_000_000.0
#: Diesel tank of one site [L]: a month at full load of a 100 MW generator (100,000 kW × 0.262 L/kWh × 720 h
#: ≈ 18.9 million L). The fuel in it is bounded by the tank.
MAX_SITE_TANK_LITRES = 20_000_000.0
#: Generator fuel per kWh delivered [L/kWh]: a litre of diesel holds about 10 kWh, so 1 L/kWh is a set that
#: turns only 10 % of it into electricity (the default is 0.262).
MAX_FUEL_SLOPE_L_PER_KWH = 1.0
#: Generator idle burn per kW rated [L/h per kW]: 14 times the default 0.007.
MAX_FUEL_INTERCEPT_L_PER_H_PER_KW = 0.1
#: Diesel the city can hand out, and its delivery per day [L, L/day]: 100 million L, 180 times Saitama's
#: 560,200 L and more than a large refinery's tank farm.
MAX_CITY_DIESEL_LITRES = 100_000_000.0
#: Hours to the first diesel delivery [h]: a year, the longest outage Kizuna simulates.
MAX_FIRST_DELIVERY_H = 8_760.0
#: Normal petrol stock of one filling station [L]: large motorway stations hold about 100,000 L.
MAX_STATION_PETROL_LITRES = 200_000.0
#: Cars per household that need petrol.
MAX_VEHICLES_PER_HOUSEHOLD = 10.0
#: Petrol of one car [L, L/day]: its tank at the start, its daily purchase, its ration per visit; 200 L is more
#: than the tank of any car or van (the household page allows the same 200 L).
MAX_CAR_PETROL_LITRES = 200.0
#: Electricity use of an average household [kWh/day]: about 7 times a US household's 29 kWh/day.
MAX_HOUSEHOLD_KWH_PER_DAY = 200.0
#: A home PV system [kWp]; home systems are below 30 kWp (Germany's home tariff ends there).
MAX_HOME_PV_KWP = 100.0
#: Power of a V2H unit [kW]: the household page allows the same 50 kW; sold units give 6–10 kW.
MAX_V2H_KW = 50.0
#: Electricity a PHEV engine makes per litre of petrol [kWh/L]: a litre of petrol holds about 8.9 kWh.
MAX_PHEV_KWH_PER_LITRE = 8.9
#: How far a facility may lie outside its district's boundary box [km]: a water works serving a district may
#: stand outside it, but 50 km catches swapped latitude and longitude, a lost minus sign and a blank (0, 0).
MAX_FACILITY_DISTANCE_KM = 50.0
#: How far the city centre (the sun position) may lie from the districts' boundary box [km].
MAX_CENTRE_DISTANCE_KM = 100.0
#: Mean radius of the Earth [km], for distances in those checks.
EARTH_RADIUS_KM = 6_371.0


@dataclass(frozen=True)
class Bound:
    """The plausible range of one column or ``city.csv`` key.

    Attributes
    ----------
    high : float
        Largest plausible value [the column's unit]; per site when ``per_site``.
    unit : str
        Unit shown in messages ('' for counts).
    why : str
        Why no real city exceeds it, shown in the message.
    low : float or None
        Smallest plausible value, where the records' own lower bound is not enough.
    per_site : bool
        Whether ``high`` applies to the value divided by the row's ``sites``.
    """

    high: float
    unit: str
    why: str
    low: float | None = None
    per_site: bool = False

    def violation(self, name: str, value: float, sites: int = 1) -> str | None:
        """The message for ``value`` out of range, or None.

        Parameters
        ----------
        name : str
            Column or key, e.g. ``'critical_load_kw'``.
        value : float
            The value [the column's unit]; a total over ``sites`` when ``per_site``.
        sites : int
            Sites of the facility row (≥ 1).

        Examples
        --------
        >>> BOUNDS["city"]["altitude_m"].violation("altitude_m", 1e9)
        'altitude_m = 1,000,000,000 m is outside -500 to 9,000 m: from the Dead Sea shore to above the highest town'
        >>> BOUNDS["city"]["altitude_m"].violation("altitude_m", 12.0) is None
        True
        """
        unit = f" {self.unit}" if self.unit else ""
        if self.low is not None and not self.low <= value <= self.high:
            return (f"{name} = {_amount(value)}{unit} is outside {_amount(self.low)} to {_amount(self.high)}{unit}: "
                    f"{self.why}")
        per = value / sites if self.per_site and sites > 1 else value
        if per <= self.high:
            return None
        if self.per_site:
            over = f" over {sites:,} sites" if sites > 1 else ""
            return f"{name} = {_amount(value)}{unit}{over} is more than {_amount(self.high)}{unit} per site: {self.why}"
        return f"{name} = {_amount(value)}{unit} is more than {_amount(self.high)}{unit}: {self.why}"


_UNIT_HINT = "; check the unit"
#: The plausibility bound of each column (tables ``districts`` and ``facilities``) and ``city.csv`` key.
BOUNDS: dict[str, dict[str, Bound]] = {
    "city": {
        "altitude_m": Bound(ALTITUDE_RANGE_M[1], "m", "from the Dead Sea shore to above the highest town",
                            low=ALTITUDE_RANGE_M[0]),
        "household_kwh_per_day": Bound(MAX_HOUSEHOLD_KWH_PER_DAY, "kWh/day",
                                       "7 times a US household's use" + _UNIT_HINT + " (kWh per day, not per year)"),
        "home_pv_kwp_per_system": Bound(MAX_HOME_PV_KWP, "kWp", "home PV systems are below 30 kWp" + _UNIT_HINT),
        "diesel.depot_litres": Bound(MAX_CITY_DIESEL_LITRES, "L", "more than a large refinery's tank farm"
                                     + _UNIT_HINT),
        "diesel.delivery_litres_per_day": Bound(MAX_CITY_DIESEL_LITRES, "L/day",
                                                "more than a large refinery's tank farm" + _UNIT_HINT),
        "diesel.first_delivery_h": Bound(MAX_FIRST_DELIVERY_H, "h", "a year, the longest outage Kizuna simulates"),
        "petrol.stock_litres_per_station": Bound(MAX_STATION_PETROL_LITRES, "L",
                                                 "large motorway stations hold about 100,000 L" + _UNIT_HINT),
        "petrol.vehicles_per_household": Bound(MAX_VEHICLES_PER_HOUSEHOLD, "vehicles/household",
                                               "cars per household, not in the whole city"),
        "petrol.demand_litres_per_vehicle_per_day": Bound(MAX_CAR_PETROL_LITRES, "L/day",
                                                          "more than any car's tank, every day"),
        "petrol.ration_litres_per_visit": Bound(MAX_CAR_PETROL_LITRES, "L", "more than any car's tank"),
        "fleet.v2h_kw": Bound(MAX_V2H_KW, "kW", "V2H units give 6–10 kW" + _UNIT_HINT),
        "fleet.phev_kwh_per_litre": Bound(MAX_PHEV_KWH_PER_LITRE, "kWh/L",
                                          "a litre of petrol holds about 8.9 kWh in all"),
        "fleet.phev_tank_litres_at_start": Bound(MAX_CAR_PETROL_LITRES, "L", "more than any car's tank"),
    },
    "districts": {
        "households": Bound(MAX_DISTRICT_HOUSEHOLDS, "", "more than Tokyo's 23 wards together (about 5.4 million)"),
        "population": Bound(MAX_DISTRICT_POPULATION, "", "more than the most populous municipality on Earth"),
        "bev_count": Bound(MAX_DISTRICT_VEHICLES, "", "more than all the cars of Tokyo"),
        "phev_count": Bound(MAX_DISTRICT_VEHICLES, "", "more than all the cars of Tokyo"),
        "filling_stations": Bound(MAX_DISTRICT_STATIONS, "", "Japan has about 27,000 in all, Germany 14,000"),
        "pv_kwp": Bound(MAX_DISTRICT_PV_KWP, "kWp", "about Germany's whole PV fleet" + _UNIT_HINT + " (kWp, not Wp)"),
    },
    "facilities": {
        "sites": Bound(MAX_FACILITY_SITES, "", "more sites than any city's shelters"),
        "critical_load_kw": Bound(MAX_SITE_KW, "kW", "more than the largest hospitals and data centres draw"
                                  + _UNIT_HINT + " (kW, not W)", per_site=True),
        "generator_kw": Bound(MAX_SITE_KW, "kW", "100 MW is a power station" + _UNIT_HINT + " (kW, not W)",
                              per_site=True),
        "battery_kw": Bound(MAX_SITE_KW, "kW", "100 MW is a grid battery" + _UNIT_HINT + " (kW, not W)",
                            per_site=True),
        "battery_kwh": Bound(MAX_SITE_BATTERY_KWH, "kWh", "as much as the largest grid batteries" + _UNIT_HINT
                             + " (kWh, not Wh)", per_site=True),
        "pv_kwp": Bound(MAX_SITE_KW, "kWp", "100 MWp is a solar farm" + _UNIT_HINT + " (kWp, not Wp)",
                        per_site=True),
        "tank_litres": Bound(MAX_SITE_TANK_LITRES, "L", "a month of a 100 MW generator at full load"
                             + _UNIT_HINT + " (litres, not millilitres)", per_site=True),
        "fuel_slope_l_per_kwh": Bound(MAX_FUEL_SLOPE_L_PER_KWH, "L/kWh",
                                      "a litre of diesel holds about 10 kWh (the default is 0.262)"),
        "fuel_intercept_l_per_h_per_kw": Bound(MAX_FUEL_INTERCEPT_L_PER_H_PER_KW, "L/h per kW",
                                               "14 times the default 0.007"),
    },
}


# --------------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------------


#: Characters that end a line (str.splitlines): a problem is always one line, whatever a cell holds.
_LINE_BREAKS = {ord(c): "\\n" for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def _one_line(text: str, limit: int = MAX_PROBLEM_CHARS) -> str:
    """``text`` on one line (line breaks shown as ``\\n``) and at most ``limit`` characters."""
    text = text.translate(_LINE_BREAKS)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One problem in a user's city data, located as precisely as possible.

    ``str(problem)`` is one line, e.g.
    ``facilities.csv row 7, column fuel_litres: value -5: expected a number ≥ 0``,
    or, for a rule across columns or a reading limit, the place and a sentence:
    ``districts.csv row 5, district '11107': v2h_units = 5,000 is more than its
    households (3,200); each V2H unit serves one household``.
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
    record : str or None
        The row's record, e.g. ``"district '11107'"`` (with ``message``).
    message : str or None
        A whole sentence naming the column, the value and the rule; replaces
        ``value … expected …``.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str = ""
    record: str | None = None
    message: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f" sheet {self.sheet}"
        if self.row is not None:
            where += f" row {self.row}"
        if self.message is not None:
            if self.record:
                where += f", {self.record}"
            return _one_line(f"{where}: {self.message}")
        if self.column:
            where += f", column {self.column}"
        text = where
        if self.value is not None:
            text += f": value {self.value}"
        return _one_line(f"{text}: expected {self.expected}")


@dataclass(frozen=True)
class MoreProblems(Problem):
    """Stands for the problems beyond the first ``MAX_PROBLEMS_LISTED``: only their number is kept.

    Attributes
    ----------
    count : int
        Problems not listed.
    """

    count: int = 0

    def __str__(self) -> str:
        plural = "s" if self.count != 1 else ""
        return (f"… and {self.count:,} more problem{plural} (only the first {MAX_PROBLEMS_LISTED} are listed; "
                "fix these and validate again)")


def problem_count(problems: Sequence[Problem]) -> int:
    """How many problems ``problems`` stands for, those beyond the listed ones included."""
    return sum(p.count if isinstance(p, MoreProblems) else 1 for p in problems)


def _number_text(number: float) -> str:
    """A number as a person wrote it: 5 rather than 5.0, all its digits otherwise."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


def _amount(number: float) -> str:
    """A number for a sentence: thousands separated, huge ones in powers of ten.

    Examples
    --------
    >>> _amount(5000), _amount(1199.5), _amount(1e308), _amount(10**300), _amount(-500.0)
    ('5,000', '1,199.5', '1e+308', '1e+300', '-500')
    """
    if abs(number) >= 1e15:
        return f"{float(number):.3g}"
    if isinstance(number, int) or float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,}"


def _shown(raw: Any) -> str:
    """A raw cell as a problem shows it: numbers bare, text in quotes, long text cut."""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, (int, float)):
        return _number_text(raw)
    text = str(raw)
    if len(text) > MAX_SHOWN_CHARS:
        return f"'{text[: MAX_SHOWN_CHARS - 1]}…' ({len(text):,} characters)"
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

    def note(self, row: int | None, record: str | None, message: str) -> Problem:
        """A problem told as a sentence (a rule across columns), e.g. for ``record`` ``"district '11107'"``."""
        return Problem(self.file, self.sheet, row, record=record, message=message)


class _Collector:
    """Collects problems; every check adds to it rather than stopping.

    Only the first ``MAX_PROBLEMS_LISTED`` are kept; the others are counted.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.more = 0

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS_LISTED:
            self.problems.append(problem)
        else:
            self.more += 1

    @property
    def full(self) -> bool:
        """Whether a further problem would only be counted (so a costly hint need not be computed)."""
        return len(self.problems) >= MAX_PROBLEMS_LISTED

    def listed(self) -> list[Problem]:
        """The kept problems, then a :class:`MoreProblems` for the others, if any."""
        if not self.more:
            return list(self.problems)
        return [*self.problems, MoreProblems(self.problems[-1].file, count=self.more)]


def _refuse(out: _Collector, file: str, message: str, sheet: str | None = None, row: int | None = None) -> None:
    """Add a reading refusal: the file (and sheet, row) and a sentence naming the limit."""
    out.add(Problem(file, sheet, row, message=message))


def _megabytes(size: int) -> str:
    """A size in bytes as people read it, e.g. ``'61.2 MB'`` (1 MB = 1,000,000 bytes)."""
    if size >= 1e12:
        return f"{size / 1e6:.3g} MB"
    text = f"{size / 1e6:,.1f}"
    return f"{text.removesuffix('.0')} MB"


def _width(cells: Sequence[Any]) -> int:
    """Cells up to the last non-blank one."""
    for index in range(len(cells) - 1, -1, -1):
        if not _is_blank(cells[index]):
            return index + 1
    return 0


def _rows_to_table(file: str, sheet: str | None, rows: Iterable[tuple[int, Sequence[Any]]],
                   out: _Collector) -> _RawTable | None:
    """Header detection and row shaping shared by CSV and Excel."""
    header: list[str] | None = None
    header_row = 0
    body: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows:
        width = _width(cells)
        if not width:
            continue
        if width > MAX_TABLE_COLUMNS:
            _refuse(out, file, f"{width:,} columns, but a city table may have at most {MAX_TABLE_COLUMNS}",
                    sheet, number)
            return None
        if header is None:
            header = [_as_text(c) if not _is_blank(c) else "" for c in cells[:width]]
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


def _file_kind(mode: int) -> str:
    """What a path that is not a regular file is, in a user's words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _outside(path: Path, folder: Path) -> Path | None:
    """Where ``path`` leads if it is a link out of ``folder`` (None if it is no link, or stays inside)."""
    if not path.is_symlink():
        return None
    target = Path(os.path.realpath(path))
    return None if target.is_relative_to(Path(os.path.realpath(folder))) else target


def _read_file(path: Path, shown: str, out: _Collector, folder: Path | None = None) -> bytes | None:
    """The bytes of a regular file of at most ``MAX_FILE_BYTES``, else a problem and None.

    Never blocks and never reads without end: a named pipe, a device, a socket,
    a folder, or (with ``folder``) a link to anything outside the city folder is
    refused from its metadata before it is opened, and a file is read only up to
    one byte past the cap.

    Parameters
    ----------
    path : Path
        The file.
    shown : str
        Its name in messages.
    out : _Collector
        Receives the problem.
    folder : Path, optional
        The city folder the file must stay in (links are followed only inside it).
    """

    def too_big(size: str) -> str:
        return f"{size}, but a city file may be at most {_megabytes(MAX_FILE_BYTES)} ({MAX_FILE_BYTES:,} bytes)"

    try:
        target = _outside(path, folder) if folder is not None else None
        if target is not None:
            _refuse(out, shown, f"a link to {target}, outside the city folder; copy the file into the folder")
            return None
        info = os.stat(path)  # follows a link, opens nothing
        if not stat.S_ISREG(info.st_mode):
            _refuse(out, shown, f"{_file_kind(info.st_mode)}, not a regular file; save the table as a file")
            return None
        if info.st_size > MAX_FILE_BYTES:
            _refuse(out, shown, too_big(f"{_megabytes(info.st_size)} ({info.st_size:,} bytes)"))
            return None
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(path, flags), "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode  # the path may have been swapped since os.stat
            if not stat.S_ISREG(mode):
                _refuse(out, shown, f"{_file_kind(mode)}, not a regular file; save the table as a file")
                return None
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        out.add(Problem(shown, expected=f"a readable file: {exc.strerror or exc}"))
        return None
    if len(data) > MAX_FILE_BYTES:
        _refuse(out, shown, too_big(f"more than {_megabytes(MAX_FILE_BYTES)}"))
        return None
    return data


def _rows_limit_problem(rows: int | None) -> str:
    """The sentence for a table of ``rows`` rows (its header included; None: more than can be read)."""
    found = f"{rows:,}" if rows is not None else f"more than {MAX_TABLE_ROWS + 1:,}"
    return f"{found} rows, but a city table may have at most {MAX_TABLE_ROWS:,} rows below its header"


def _read_csv(path: Path, out: _Collector, folder: Path | None = None) -> _RawTable | None:
    data = _read_file(path, path.name, out, folder)
    if data is None:
        return None
    if not data.strip():
        out.add(Problem(path.name, expected="a header row and data rows: the file is empty"))
        return None
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines > MAX_TABLE_ROWS + 1:
        _refuse(out, path.name, _rows_limit_problem(lines))
        return None
    lengths = [len(line) for line in data.split(b"\n")]
    longest = max(range(len(lengths)), key=lengths.__getitem__)
    if lengths[longest] > MAX_LINE_BYTES:
        _refuse(out, path.name, f"{_megabytes(lengths[longest])} long, but a row of a CSV file may be at most "
                                f"{_megabytes(MAX_LINE_BYTES)}", row=longest + 1)
        return None
    text = _decode_csv(path.name, data, out)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # Rows as a spreadsheet numbers them: a cell with a line break does not shift the rows below it.
        rows = list(enumerate(reader, start=1))
    except csv.Error as exc:
        out.add(Problem(path.name, None, reader.line_num, None, None, f"valid CSV: {exc}"))
        return None
    return _rows_to_table(path.name, None, rows, out)


_BRACKETS = np.frombuffer(b"[]{}", dtype=np.uint8)
#: Bytes scanned at a time by :func:`_json_shape` (keeps its memory small for a 50 MB file).
_SCAN_CHUNK_BYTES = 8_000_000


def _json_shape(data: bytes) -> tuple[int, int]:
    """Nesting depth and innermost arrays of JSON text, counted without parsing it.

    Brackets inside strings do not count. The scan takes linear time whatever
    the text (about 0.3 s for 50 MB) and a few chunks of memory.

    Parameters
    ----------
    data : bytes
        JSON text (UTF-8).

    Returns
    -------
    depth : int
        Deepest nesting of arrays and objects.
    positions : int
        Arrays with no array or object inside: in GeoJSON the coordinate
        positions (points), plus any such array among the properties.

    Examples
    --------
    >>> _json_shape(b'{"coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]], "note": "]]] [[[["}')
    (4, 4)
    """
    # Without its escape pairs (\\ and \"), a string is a quote, anything but a quote, a quote: a character is
    # inside a string when an odd number of quotes comes before it.
    bare = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    inside = depth = deepest = positions = previous = 0
    for start in range(0, len(bare), _SCAN_CHUNK_BYTES):
        codes = np.frombuffer(bare, dtype=np.uint8, count=min(_SCAN_CHUNK_BYTES, len(bare) - start), offset=start)
        quotes = np.cumsum(codes == ord('"'), dtype=np.uint8)  # wraps at 256: only its parity is used
        marks = codes[np.isin(codes, _BRACKETS) & ((quotes + inside) % 2 == 0)]
        inside = (inside + int(quotes[-1])) % 2
        if not len(marks):
            continue
        opens = (marks == ord("[")) | (marks == ord("{"))
        running = np.cumsum(opens.astype(np.int32) * 2 - 1, dtype=np.int32) + depth
        deepest, depth = max(deepest, int(running.max())), int(running[-1])
        positions += int(np.count_nonzero((marks[:-1] == ord("[")) & (marks[1:] == ord("]"))))
        positions += int(previous == ord("[") and marks[0] == ord("]"))
        previous = int(marks[-1])
    return deepest, positions


def _json_limit_problem(data: bytes, what: str, points_before: int = 0) -> tuple[str | None, int]:
    """Check JSON text against ``MAX_JSON_DEPTH`` and ``MAX_GEOMETRY_POSITIONS`` before it is parsed.

    Parameters
    ----------
    data : bytes
        The JSON text.
    what : str
        What it is, for the message (e.g. ``'the GeoJSON'``).
    points_before : int
        Boundary points of the districts read before this text.

    Returns
    -------
    (message or None, points)
        The refusal, if any, and the points in this text.
    """
    depth, points = _json_shape(data)
    if depth > MAX_JSON_DEPTH:
        return (f"{what} nests {depth:,} levels deep, but Kizuna reads GeoJSON nested at most {MAX_JSON_DEPTH} "
                "levels (district boundaries need 8)"), points
    if points_before + points > MAX_GEOMETRY_POSITIONS:
        return (f"about {points_before + points:,} boundary points, but the districts may have at most "
                f"{MAX_GEOMETRY_POSITIONS:,} together; simplify the boundaries (e.g. with mapshaper or QGIS)"), points
    return None, points


def _geojson_error(exc: ValueError | RecursionError) -> str:
    """The reason a GeoJSON text does not parse, in a user's words."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (column {exc.colno})"
    if isinstance(exc, RecursionError):
        return f"nested too deeply (Kizuna reads at most {MAX_JSON_DEPTH} levels)"
    return f"a number cannot be read ({str(exc).split(';')[0]})"


class _FolderSource:
    """Tables from a folder of CSV files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.name = folder.name

    def table(self, table: str, out: _Collector) -> _RawTable | None:
        path = self.folder / table_file(table)
        if not os.path.lexists(path):
            if table not in OPTIONAL_TABLES:
                out.add(Problem(path.name, expected=f"a file {path.name} in the folder {self.folder}: it is missing"))
            return None
        return _read_csv(path, out, self.folder)

    def geometry(self, out: _Collector) -> tuple[dict | None, str, str | None]:
        path = self.folder / GEOMETRY_FILE
        if not os.path.lexists(path):
            out.add(Problem(GEOMETRY_FILE,
                            expected=f"a file {GEOMETRY_FILE} in the folder {self.folder}: it is missing"))
            return None, GEOMETRY_FILE, None
        data = _read_file(path, GEOMETRY_FILE, out, self.folder)
        if data is None:
            return None, GEOMETRY_FILE, None
        if not data.strip():
            out.add(Problem(GEOMETRY_FILE, expected="a GeoJSON FeatureCollection: the file is empty"))
            return None, GEOMETRY_FILE, None
        text = _decode_csv(GEOMETRY_FILE, data, out)
        if text is None:
            return None, GEOMETRY_FILE, None
        refusal, _ = _json_limit_problem(data, "the GeoJSON")
        if refusal:
            _refuse(out, GEOMETRY_FILE, refusal)
            return None, GEOMETRY_FILE, None
        try:
            return json.loads(text), GEOMETRY_FILE, None
        except (ValueError, RecursionError) as exc:  # a JSONDecodeError, a number of over 4,300 digits, or (not
            # reached after the depth check above) a nesting too deep for Python
            out.add(Problem(GEOMETRY_FILE, None, getattr(exc, "lineno", None), None, None,
                            f"valid GeoJSON: {_geojson_error(exc)}"))
            return None, GEOMETRY_FILE, None


class _WorkbookSource:
    """Tables from the sheets of one .xlsx workbook.

    The workbook's parts are checked for their unpacked size before openpyxl
    reads them, and only the sheets of the tables are read, each at most
    ``MAX_TABLE_ROWS`` rows below its header.
    """

    def __init__(self, path: Path, out: _Collector):
        self.name = path.name
        self.sheet_names: list[str] = []
        self.sheets: dict[str, list[tuple[int, tuple]] | None] | None = None
        data = _read_file(path, path.name, out)
        if data is not None and self._unpacks_safely(data, out):
            self._read_sheets(data, out)

    def _cannot_open(self, out: _Collector, exc: BaseException) -> None:
        out.add(Problem(self.name, expected=f"an Excel workbook (.xlsx): the file cannot be opened ({exc})"))

    def _unpacks_safely(self, data: bytes, out: _Collector) -> bool:
        """Check the unpacked size of every part from the zip directory, before anything is unpacked."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts = archive.infolist()
        except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
            self._cannot_open(out, exc)
            return False
        if len(parts) > MAX_XLSX_PARTS:
            _refuse(out, self.name, f"{len(parts):,} parts inside, but a city workbook may have at most "
                                    f"{MAX_XLSX_PARTS:,}")
            return False
        largest = max(parts, key=lambda part: part.file_size, default=None)
        if largest is not None and largest.file_size > MAX_XLSX_PART_BYTES:
            kind = " (a sheet)" if largest.filename.startswith("xl/worksheets/") else ""
            _refuse(out, self.name, f"its part {largest.filename}{kind} unpacks to {_megabytes(largest.file_size)}, "
                                    f"but a part of a city workbook may unpack to at most "
                                    f"{_megabytes(MAX_XLSX_PART_BYTES)} ({MAX_TABLE_ROWS:,} facility rows take "
                                    "about 86 MB)")
            return False
        total = sum(part.file_size for part in parts)
        if total > MAX_XLSX_UNPACKED_BYTES:
            _refuse(out, self.name, f"unpacks to {_megabytes(total)}, but a city workbook may unpack to at most "
                                    f"{_megabytes(MAX_XLSX_UNPACKED_BYTES)}")
            return False
        return True

    def _read_sheets(self, data: bytes, out: _Collector) -> None:
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - a damaged workbook can make openpyxl raise anything
            self._cannot_open(out, exc)
            return
        try:
            self.sheet_names = list(workbook.sheetnames)
            self.sheets = {name: self._sheet_rows(workbook[name], out)
                           for name in (*TABLES, GEOMETRY_TABLE) if name in self.sheet_names}
        except Exception as exc:  # noqa: BLE001 - as above, while the rows are read
            self.sheets = None
            out.add(Problem(self.name, expected=f"an Excel workbook (.xlsx): the file cannot be read "
                                                f"({type(exc).__name__}: {exc})"))
        finally:
            workbook.close()

    def _sheet_rows(self, sheet: Any, out: _Collector) -> list[tuple[int, tuple]] | None:
        """A sheet's rows (row number, values), or None (and a problem) past ``MAX_TABLE_ROWS``."""
        declared = sheet.max_row  # from the sheet's <dimension>, read before its rows
        if isinstance(declared, int) and declared > MAX_TABLE_ROWS + 1:
            _refuse(out, self.name, _rows_limit_problem(declared), sheet.title)
            return None
        # Read the rows that are there: a wrong <dimension> neither cuts rows off nor pads every row to 16,384 cells.
        sheet.reset_dimensions()
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_TABLE_ROWS + 1:
                _refuse(out, self.name, _rows_limit_problem(None), sheet.title)
                return None
            rows.append((number, row))
        return rows

    def _sheet(self, name: str, required: bool, out: _Collector) -> list[tuple[int, tuple]] | None:
        if self.sheets is None:
            return None
        if name not in self.sheet_names:
            if required:
                present = ", ".join(self.sheet_names) or "none"
                out.add(Problem(self.name, name, None, None, None,
                                f"a sheet named '{name}' (one sheet per table: city, districts, facilities, "
                                f"fleet_mix, geometry); the workbook has: {present}"))
            return None
        return self.sheets.get(name)

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
        points = 0
        for district, parts in pieces.items():
            text = "".join(parts).strip()
            refusal, found = _json_limit_problem(text.encode("utf-8"), f"the geometry of district '{district}'",
                                                 points)
            if refusal:
                _refuse(out, self.name, refusal, GEOMETRY_TABLE, first_row[district])
                return None, self.name, GEOMETRY_TABLE
            points += found
            try:
                geometry = json.loads(text)
            except (ValueError, RecursionError) as exc:  # as in _FolderSource.geometry
                message = exc.msg if isinstance(exc, json.JSONDecodeError) else _geojson_error(exc)
                out.add(raw.problem(first_row[district], "geometry", None,
                                    f"a GeoJSON geometry as text for district '{district}': {message}"))
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


def _city_values(raw: _RawTable, out: _Collector) -> tuple[dict[str, Any], dict[str, int]]:
    """Every key's value (defaults filled in), and the row of each key given with a valid value and unit."""
    specs = {s.name: s for s in CITY_KEYS}
    values: dict[str, Any] = {}
    seen: dict[str, int] = {}
    valid: dict[str, int] = {}
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
        unit_ok = _is_blank(unit) or _normal_unit(str(unit)) == _normal_unit(spec.unit)
        if not unit_ok:
            wanted = f"the unit {spec.unit}" if spec.unit else "no unit (leave it blank)"
            out.add(raw.problem(number, key, None,
                                f"{wanted}, found unit '{_as_text(unit)}': convert the value to {spec.unit or 'text'}"))
        value, expected = spec.parse(cells.get("value"))
        if expected is not None:
            suffix = f" ({spec.unit})" if spec.unit else ""
            out.add(raw.problem(number, key, cells.get("value"), expected + suffix))
        elif unit_ok:
            valid[key] = number
        values[key] = value
    for spec in CITY_KEYS:
        if spec.name not in seen:
            if spec.required:
                out.add(raw.problem(None, spec.name, None,
                                    f"a row with the required key '{spec.name}' ({spec.description})"))
            values[spec.name] = spec.default
    return values, valid


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

            # The hint compares the id with every model: only for a problem that is listed, on a short id.
            hint = close_matches(vehicle_id) if not out.full and len(vehicle_id) <= MAX_SHOWN_CHARS else None
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
    if len(collection["features"]) > MAX_TABLE_ROWS:
        _refuse(out, file, f"{len(collection['features']):,} features, but a city may have at most "
                           f"{MAX_TABLE_ROWS:,} districts", sheet)
        return None
    clean = []
    seen: dict[str, int] = {}
    known = set(district_ids)
    for index, feature in enumerate(collection["features"], start=1):
        row = feature.pop("_row", index) if isinstance(feature, dict) else index
        row = row if type(row) is int else index  # noqa: E721 - a file's own "_row" (any JSON) is not a row number
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


def _record(kind: str, row: dict) -> str | None:
    """A row's record for messages, e.g. ``"district '11107'"`` (None without an id)."""
    ident = row.get("id")
    if ident is None:
        return None
    shown = ident if len(ident) <= MAX_SHOWN_CHARS else ident[: MAX_SHOWN_CHARS - 1] + "…"
    return f"{kind} '{shown}'"


_RECORD_KIND = {"districts": "district", "facilities": "facility"}


def _check_bounds(raw: _RawTable, rows: list[tuple[int, dict]], table: str, out: _Collector) -> None:
    """Every value of ``table`` (districts or facilities) within its plausibility bound (:data:`BOUNDS`)."""
    for number, row in rows:
        sites = row.get("sites")
        sites = sites if isinstance(sites, int) and sites >= 1 else 1
        for column, bound in BOUNDS[table].items():
            value = row.get(column)
            message = None if value is None else bound.violation(column, value, sites)
            if message:
                out.add(raw.note(number, _record(_RECORD_KIND[table], row), message))


def _check_district_counts(raw: _RawTable, rows: list[tuple[int, dict]], out: _Collector) -> None:
    """V2H units ≤ households ≤ population, in each district (so also in the whole city)."""
    for number, row in rows:
        households, people, units = row.get("households"), row.get("population"), row.get("v2h_units")
        if units is not None and households is not None and units > households:
            out.add(raw.note(number, _record("district", row),
                             f"v2h_units = {_amount(units)} is more than its households ({_amount(households)}); "
                             "each V2H unit serves one household"))
        if households is not None and people is not None and households > people:
            out.add(raw.note(number, _record("district", row),
                             f"households = {_amount(households)} is more than its population "
                             f"({_amount(people)} people); a household has at least one person"))


def _check_city(raw: _RawTable, values: dict[str, Any], rows: dict[str, int], out: _Collector) -> None:
    """``city.csv``: each key given within its plausibility bound, a home PV outlet within its PV system."""
    for key, bound in BOUNDS["city"].items():
        message = bound.violation(key, values[key]) if key in rows else None
        if message:
            out.add(raw.note(rows[key], None, message))
    outlet, system = values.get("pv_outlet_kw"), values.get("home_pv_kwp_per_system")
    if "pv_outlet_kw" in rows and outlet is not None and system is not None and outlet > system:
        out.add(raw.note(rows["pv_outlet_kw"], None,
                         f"pv_outlet_kw = {_amount(outlet)} kW is more than home_pv_kwp_per_system "
                         f"({_amount(system)} kWp); a PV system gives at most its peak power without the grid"))


def _district_boxes(geometry: dict) -> dict[str, tuple[float, float, float, float]]:
    """Each district's boundary box (west, east, south, north) [degrees], from checked geometry."""
    boxes = {}
    for feature in geometry["features"]:
        shape = feature["geometry"]
        polygons = [shape["coordinates"]] if shape["type"] == "Polygon" else shape["coordinates"]
        points = np.concatenate([np.asarray(ring, dtype=float)[:, :2] for polygon in polygons for ring in polygon])
        boxes[feature["properties"]["district_id"]] = (points[:, 0].min(), points[:, 0].max(),
                                                       points[:, 1].min(), points[:, 1].max())
    return boxes


def _km_outside(box: tuple[float, float, float, float], latitude: float, longitude: float) -> float:
    """How far a point lies outside a boundary box [km] (0 inside it).

    Parameters
    ----------
    box : (west, east, south, north)
        Longitudes and latitudes [degrees].
    latitude, longitude : float
        The point [degrees].

    Returns
    -------
    float
        Great-circle distance [km] from the point to the box's nearest corner or
        edge point in latitude and longitude (exact enough for a plausibility
        check); a box across the 180° meridian is not supported.

    Examples
    --------
    >>> round(_km_outside((139.54, 139.76, 35.83, 36.0), 35.9, 139.65))
    0
    >>> round(_km_outside((139.54, 139.76, 35.83, 36.0), 34.83, 139.65))  # a degree south
    111
    """
    west, east, south, north = box
    near_lat, near_lon = min(max(latitude, south), north), min(max(longitude, west), east)
    phi1, phi2 = math.radians(latitude), math.radians(near_lat)
    half = (math.sin((phi2 - phi1) / 2) ** 2
            + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(near_lon - longitude) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half)))


def _check_places(raws: dict[str, _RawTable | None], typed: dict[str, list[tuple[int, dict]]],
                  city: tuple[dict[str, Any], dict[str, int]], geometry: dict, out: _Collector) -> None:
    """Each facility near its district, the city centre near the districts (catches swapped or zero coordinates)."""
    boxes = _district_boxes(geometry)
    if not boxes:
        return
    fix = "check for swapped latitude and longitude, a lost minus sign or a blank location (0, 0)"
    for number, row in typed.get("facilities", []):
        district, latitude, longitude = row.get("district_id"), row.get("latitude"), row.get("longitude")
        if district not in boxes or latitude is None or longitude is None:
            continue
        km = _km_outside(boxes[district], latitude, longitude)
        if km > MAX_FACILITY_DISTANCE_KM:
            out.add(raws["facilities"].note(
                number, _record("facility", row),
                f"latitude, longitude = {_amount(latitude)}, {_amount(longitude)} is {km:,.0f} km outside its "
                f"district '{district}' (its boundary in the geometry); a facility may be at most "
                f"{MAX_FACILITY_DISTANCE_KM:g} km outside its district: {fix}"))
    values, rows = city
    if "latitude" not in rows or "longitude" not in rows:
        return
    whole = tuple(f(box[i] for box in boxes.values()) for i, f in enumerate((min, max, min, max)))
    km = _km_outside(whole, values["latitude"], values["longitude"])
    if km > MAX_CENTRE_DISTANCE_KM:
        out.add(raws["city"].note(
            rows["latitude"], None,
            f"latitude, longitude = {_amount(values['latitude'])}, {_amount(values['longitude'])} is {km:,.0f} km "
            f"from the districts; the city centre may be at most {MAX_CENTRE_DISTANCE_KM:g} km from them: {fix}"))


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


def _check_tables(raws: dict[str, _RawTable | None], typed: dict[str, list[tuple[int, dict]]],
                  out: _Collector) -> list[str]:
    """The checks within and across the tables; returns the district ids."""
    district_ids: list[str] = []
    if "districts" in typed:
        _unique_ids(raws["districts"], typed["districts"], "id", out)
        district_ids = list(dict.fromkeys(r["id"] for _, r in typed["districts"] if r["id"] is not None))
        if not typed["districts"]:
            out.add(raws["districts"].problem(None, None, None, "at least one district row"))
        _check_bounds(raws["districts"], typed["districts"], "districts", out)
        _check_district_counts(raws["districts"], typed["districts"], out)
    if "facilities" in typed:
        _unique_ids(raws["facilities"], typed["facilities"], "id", out)
        _check_facilities(raws["facilities"], typed["facilities"], set(district_ids), out)
        _check_bounds(raws["facilities"], typed["facilities"], "facilities", out)
    if "fleet_mix" in typed:
        _unique_ids(raws["fleet_mix"], typed["fleet_mix"], "vehicle_id", out)
        _check_fleet_mix(raws["fleet_mix"], typed["fleet_mix"], typed.get("districts"), out)
    return district_ids


def _check_provenance_table(raws: dict[str, _RawTable | None], typed: dict[str, list[tuple[int, dict]]],
                            district_ids: list[str], out: _Collector) -> None:
    columns = {t: {s.name for s in COLUMNS[t]} for t in ("districts", "facilities", "fleet_mix")}
    columns["city"] = {s.name for s in CITY_KEYS}
    columns[GEOMETRY_TABLE] = {"geometry"}
    # Only tables that were read can be checked against; a missing table is reported already.
    ids = {t: {r[ROW_ID_COLUMN[t]] for _, r in typed[t]} for t in ("districts", "facilities", "fleet_mix")
           if t in typed}
    if "districts" in typed:
        ids[GEOMETRY_TABLE] = set(district_ids)
    _check_provenance(raws["provenance"], typed["provenance"], columns, ids, out)


def _read(path: Path) -> tuple[CityTables | None, City | None, list[Problem]]:
    """Read and check a city: its tables and City, or None, None and the problems (at most the first
    ``MAX_PROBLEMS_LISTED``, then a :class:`MoreProblems`)."""
    out = _Collector()
    source = _source(path, out)
    if source is None:
        return None, None, out.listed()
    raws = {table: source.table(table, out) for table in TABLES}
    typed: dict[str, list[tuple[int, dict]]] = {}
    for table in ("districts", "facilities", "fleet_mix", "provenance"):
        raw = raws[table]
        if raw is not None and _has_columns(raw, COLUMNS[table], out):
            typed[table] = _typed_rows(raw, COLUMNS[table], out)
    city: tuple[dict[str, Any], dict[str, int]] = ({}, {})
    if raws["city"] is not None and _has_columns(raws["city"], COLUMNS["city"], out):
        city = _city_values(raws["city"], out)
        _check_city(raws["city"], *city, out)

    district_ids = _check_tables(raws, typed, out)
    collection, geo_file, geo_sheet = source.geometry(out)
    geometry = _check_geometry(collection, geo_file, geo_sheet, district_ids, out) if collection is not None else None
    if geometry is not None:
        _check_places(raws, typed, city, geometry, out)
    if "provenance" in typed:
        _check_provenance_table(raws, typed, district_ids, out)

    if out.problems:
        return None, None, out.listed()
    tables = CityTables(
        city=city[0],
        districts=[r for _, r in typed["districts"]],
        facilities=[r for _, r in typed["facilities"]],
        fleet_mix=[r for _, r in typed["fleet_mix"]],
        geometry=geometry,
        provenance=[r for _, r in typed.get("provenance", [])],
    )
    try:
        return tables, build_city(tables), []
    except KizunaInputError as exc:
        for message in exc.problems:
            out.add(Problem(source.name, expected=message))
        return None, None, out.listed()


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
        With one line per problem (every problem found, not just the first;
        beyond ``MAX_PROBLEMS_LISTED`` a last line counts the others).
    """
    tables, _, problems = _read(Path(path))
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
        In reading order: files, then columns, then rows; at most
        ``MAX_PROBLEMS_LISTED``, then a :class:`MoreProblems` that counts the
        others (see :func:`problem_count`).
    """
    return _validate(Path(path))[1]


def _validate(path: Path) -> tuple[City | None, list[Problem]]:
    """The city, or every problem (:func:`validate_path`); never raises for bad input."""
    try:
        _, city, problems = _read(path)
    except Exception as exc:  # noqa: BLE001 - the user must get a message, never a traceback
        return None, [Problem(path.name, expected=f"a readable city: reading failed ({type(exc).__name__}: {exc})")]
    return city, problems


def summary(city: City | str | Path) -> str:
    """One line about a valid city, e.g.
    ``saitama: 10 districts, 1,354,457 people, 656,951 households, 50 facilities — valid``.
    """
    if not isinstance(city, City):
        from resilience.citydata import load_city

        city = load_city(city)
    people = sum(d.population for d in city.districts)
    households = sum(d.households for d in city.districts)
    return _one_line(f"{city.id}: {len(city.districts)} districts, {people:,} people, {households:,} households, "
                     f"{len(city.facilities)} facilities — valid")


def main_validate(argv: Sequence[str] | None = None) -> int:
    """``python -m resilience validate PATH``: 0 and a summary, or 2 and every problem on stderr."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m resilience validate PATH (a city folder or .xlsx workbook)", file=sys.stderr)
        return 2
    city, problems = _validate(Path(args[0]))
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        count = problem_count(problems)
        print(f"{count:,} problem{'s' if count != 1 else ''} in {args[0]}", file=sys.stderr)
        return 2
    print(summary(city))
    return 0
