"""The import format of a city: its tables and files, every column and ``city.csv`` key, and how a cell is read.

:class:`FieldSpec` is one column (or key) and the values it allows, its type and
range taken from :mod:`resilience.records` so that each range is defined once;
``CITY_KEYS``, ``COLUMNS`` and ``GEOMETRY_COLUMNS`` list them. ``data/README.md``
documents the same format for people; :mod:`resilience.importing` reads and
checks a city in it.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import annotated_types
from pydantic.fields import FieldInfo

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
        low = f"{self.ge:,.10g}" if self.ge is not None else None
        high = f"{self.le:,.10g}" if self.le is not None else None
        if low is not None and high is not None:
            return f"{noun} from {low} to {high}"
        bounds = []
        if self.ge is not None:
            bounds.append(f"≥ {self.ge:,.10g}")
        if self.gt is not None:
            bounds.append(f"> {self.gt:,.10g}")
        if self.le is not None:
            bounds.append(f"≤ {self.le:,.10g}")
        if self.lt is not None:
            bounds.append(f"< {self.lt:,.10g}")
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
# Raw cells, as a CSV file or a workbook holds them: blank, text or a number
# --------------------------------------------------------------------------------------------


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
