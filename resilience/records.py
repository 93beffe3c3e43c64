"""Typed, immutable and serialisable input records of the resilience engine.

Every record validates itself on construction and raises
:class:`~resilience.errors.KizunaInputError` naming the record, the field, the
value and what is allowed. Units are in the field names (``_kw``, ``_kwh``,
``_litres``, ``_h``) or, for fractions, in the docstrings (0–1).
Defaults and their sources are listed in ``docs/model.md``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import math
import re
import reprlib
import types
import typing
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from resilience.errors import KizunaInputError, Problem

# ----------------------------------------------------------------------------------------------------------------------
# Input limits (docs/model.md §11, "Input limits"). Each bound keeps a value the engine multiplies, sums over a year or
# sizes an array with finite and its run short; each is far beyond any real city, site, car or outage.
# ----------------------------------------------------------------------------------------------------------------------

#: Hours in a year: the longest run, horizon, outage, restoration or delay [h]. A city run and a survival sweep
#: allocate one row per hour, so a longer horizon costs memory and time (a year-long sweep already runs 8,760 hours
#: from each of 8,760 starts) and the engine's year-long calendars end there.
MAX_HOURS = 8760
#: Power of one site or aggregate of sites: critical load, generator, inverter, PV [kW]. 10 GW is several times the
#: largest power station; a bigger value only overflows sums of a year's hours.
MAX_POWER_KW = 1e7
#: Stored energy of one site or aggregate: a battery [kWh]. 10 GWh, above the largest battery plants (~3 GWh).
MAX_STORAGE_KWH = 1e7
#: Fuel of a tank, a depot or a day's deliveries [L]. A billion litres (1 million m³) is as much as the largest tank
#: farms hold; a 10 GW generator would burn it for over two weeks, so a larger tank only means "unlimited".
MAX_FUEL_LITRES = 1e9
#: Generator fuel-curve slope [L/kWh]: diesel holds about 10 kWh/L, so 10 L/kWh is an engine of 1 % efficiency
#: (real sets burn 0.25–0.4 L/kWh, docs/model.md §7).
MAX_FUEL_SLOPE_L_PER_KWH = 10.0
#: Idle burn per kW rated [L/h/kW]: 1 L/h for each kW is a hundred times the fitted 0.007 (docs/model.md §7).
MAX_FUEL_INTERCEPT_L_PER_H_PER_KW = 1.0
#: Absolute idle burn of a generator [L/h]: :data:`MAX_FUEL_INTERCEPT_L_PER_H_PER_KW` × :data:`MAX_POWER_KW`, so
#: every facility's generator is a valid backup system (:class:`resilience.systems.BackupSystem`).
MAX_FUEL_INTERCEPT_L_PER_H = MAX_FUEL_INTERCEPT_L_PER_H_PER_KW * MAX_POWER_KW
#: Households, people, cars, V2H units or filling stations in one district [-]: 100 million, more than any country's
#: largest city; the engine turns counts into floats and sums them.
MAX_COUNT = 100_000_000
#: Sites aggregated in one facility row [-].
MAX_SITES = 100_000
#: Districts of a city [-]. A year-long city run holds about 22 MB and 0.2 s per district (measured on Berlin's 12),
#: so 100 districts stay within a few GB.
MAX_DISTRICTS = 100
#: Critical facilities (or aggregate rows) of a city [-]; each adds a column to the hourly facility tables.
MAX_FACILITIES = 1000
#: Usable battery of one car [kWh]: 1 MWh, five times the largest car battery on sale (~200 kWh), covers buses.
MAX_CAR_BATTERY_KWH = 1000.0
#: V2H unit or home outlet power [kW]: 50 kW, above any home connection.
MAX_HOME_KW = 50.0
#: A household's daily use [kWh/day]: 100, about ten times a Japanese or German household's normal use.
MAX_HOUSEHOLD_KWH_PER_DAY = 100.0
#: Rooftop PV of one home [kWp].
MAX_HOME_PV_KWP = 100.0
#: Petrol in or bought for one car [L]: 200 L, above the largest car tanks.
MAX_TANK_LITRES = 200.0
#: Electricity a litre of petrol gives [kWh/L]: petrol holds about 9 kWh/L, so 10 is beyond any engine.
MAX_ENGINE_KWH_PER_LITRE = 10.0
#: Cars per household [-]: more than any household parks.
MAX_CARS_PER_HOUSEHOLD = 20.0
#: Multipliers of the city's data (EV stock, diesel stock, PV) [-]: five times the planner's largest slider (20×).
MAX_MULTIPLIER = 100.0

FacilityType = Literal["hospital", "water", "telecom", "shelter", "city_hall", "other"]
FACILITY_TYPES: tuple[str, ...] = FacilityType.__args__
#: Diesel deliveries go to facilities in this order (docs/model.md §1).
FACILITY_PRIORITY: dict[str, int] = {t: i for i, t in enumerate(FACILITY_TYPES)}
#: Restored share of a district at which a facility of the type gets grid back (docs/model.md §2–4, assumption).
DEFAULT_RESTORATION_QUANTILE: dict[str, float] = {
    "hospital": 0.1,
    "water": 0.2,
    "telecom": 0.3,
    "shelter": 0.5,
    "city_hall": 0.5,
    "other": 0.5,
}

PresetId = Literal[
    "tohoku-2011",
    "kanto-rolling-2011",
    "hokkaido-2018",
    "chiba-faxai-2019",
    "berlin-koepenick-2019",
    "berlin-johannisthal-2025",
    "berlin-southwest-2026",
    "custom",
]
PRESET_IDS: tuple[str, ...] = PresetId.__args__
Weather = Literal["clear", "typical", "overcast"]
LoadMode = Literal["essential", "full"]

_CONSTRAINT_TEXT = {
    "greater_than_equal": "must be ≥ {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be ≤ {le}",
    "less_than": "must be < {lt}",
    "literal_error": "must be one of {expected}",
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "finite_number": "must be a finite number",
    "too_long": "must have at most {max_length} entries",
}


def _bound_text(value: Any) -> Any:
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**6):
        return f"{value:g}"
    return value


#: pydantic's bound constraints → how a rule writes them.
_LIMIT_SIGNS = {"greater_than_equal": ("ge", "≥"), "greater_than": ("gt", ">"), "less_than_equal": ("le", "≤"),
                "less_than": ("lt", "<")}


def _limit(error: dict[str, Any]) -> tuple[str, float] | None:
    """The bound a value broke, e.g. ``("≤", 1.0)``; None for any other kind of problem."""
    if error["type"] not in _LIMIT_SIGNS:
        return None
    key, sign = _LIMIT_SIGNS[error["type"]]
    bound = (error.get("ctx") or {}).get(key)
    return (sign, float(bound)) if isinstance(bound, int | float) else None


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "value_error" and "error" in (error.get("ctx") or {}):
        return str(error["ctx"]["error"])  # a field validator's own sentence, without pydantic's "Value error, "
    template = _CONSTRAINT_TEXT.get(error["type"])
    if template is None:
        return error["msg"][0].lower() + error["msg"][1:]
    ctx = {k: _bound_text(v) for k, v in (error.get("ctx") or {}).items()}
    return template.format(**ctx)


class _ShortRepr(reprlib.Repr):
    """``repr`` cut to a readable length: a message never echoes a huge or deeply nested value whole."""

    def __init__(self):
        super().__init__()
        self.maxlevel = 3
        self.maxstring = self.maxother = 60
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = 6
        self.maxlong = 40

    def repr_int(self, x: int, level: int) -> str:
        if abs(x).bit_length() > 128:  # also beyond Python's 4,300-digit limit for turning an int into text
            return f"<a {_digits(x)}-digit number>"
        return super().repr_int(x, level)


def _digits(number: int) -> int:
    try:
        return len(str(abs(number)))
    except ValueError:
        return int(abs(number).bit_length() * math.log10(2)) + 1


_SHORT_REPR = _ShortRepr()


def shown(value: Any) -> str:
    """A value as a message shows it: its ``repr`` (a date as people write it), cut to a readable length."""
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    return _SHORT_REPR.repr(value)


def _label(kind: str, data: Any) -> str:
    if isinstance(data, dict) and data.get("id") is not None:
        return f"{kind} '{data['id']}'"
    return kind


def _locate(kind: str, data: Any, loc: tuple) -> tuple[str, str]:
    """Walk ``loc`` through the input to name the innermost record and the field."""
    label = _label(kind, data)
    node = data
    parts = list(loc)
    field_parts: list[str] = []
    while parts:
        part = parts.pop(0)
        if isinstance(node, dict) and part in node:
            child = node[part]
            if (isinstance(child, (list, tuple)) and len(parts) > 1 and isinstance(parts[0], int)
                    and parts[0] < len(child) and isinstance(child[parts[0]], dict)):
                index = parts.pop(0)
                item = child[index]
                label = _label(str(part).rstrip("s").replace("facilitie", "facility"), item)
                if label == str(part).rstrip("s"):
                    label = f"{label} #{index + 1}"
                node = item
                field_parts = []
                continue
            if isinstance(child, dict) and parts:
                label = _label(str(part), child)
                node = child
                field_parts = []
                continue
        field_parts.append(str(part))
        field_parts.extend(str(p) for p in parts)
        break
    return label, ".".join(field_parts) or "value"


#: A decimal number as text (what a link or a form holds): no words such as "inf" or "nan", no "_" or "0x".
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _field_kind(annotation: Any) -> str | None:
    """What strict type checks a field needs: "int", "float", "switch", "time", "ids", "mix", or None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = {_field_kind(arg) for arg in typing.get_args(annotation) if arg is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if annotation is bool:
        return "switch"
    if annotation in (int, float):
        return annotation.__name__
    if annotation is dt.datetime:
        return "time"
    if typing.get_origin(annotation) is tuple and typing.get_args(annotation) == (str, Ellipsis):
        return "ids"
    if typing.get_origin(annotation) is dict and typing.get_args(annotation) == (str, float):
        return "mix"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_from_text(text: str, kind: str) -> int | float:
    """A field's number from link or form text (the rules then apply to the number)."""
    stripped = text.strip()
    if not _DECIMAL.fullmatch(stripped):
        if stripped.lower().lstrip("+-") in ("inf", "infinity", "nan"):
            raise PydanticCustomError("finite_number", "must be a finite number")
        raise PydanticCustomError("number_text", "must be a number")
    number = float(stripped)
    if not math.isfinite(number):  # 1e400, a 400-digit number
        raise PydanticCustomError("finite_number", "must be a finite number")
    return int(number) if kind == "int" and number == int(number) else number


def _strict(kind: str, value: Any, text: bool) -> Any:
    """The value if it has the field's own type (JSON's: a number for a number, text for text), else an error."""
    if kind in ("int", "float"):
        if isinstance(value, str) and text:
            return _number_from_text(value, kind)
        if isinstance(value, bool):
            raise PydanticCustomError("number_type", "must be a number, not true/false")
        if isinstance(value, str | bytes):
            raise PydanticCustomError("number_type", "must be a number, not text")
        if kind == "float" and isinstance(value, int) and abs(value).bit_length() > 1000:
            raise PydanticCustomError("finite_number", "must be a finite number")  # beyond a float (~1.8e308)
    elif kind == "switch":
        if text and value in ("1", "0"):
            return value == "1"
        if not isinstance(value, bool):
            raise PydanticCustomError("switch_type", "must be true or false")
    elif kind == "time":
        if not isinstance(value, str | dt.datetime):  # a number would be read as seconds since 1970 (UTC)
            raise PydanticCustomError("time_type", "must be a date and time as text, e.g. 2011-03-11T14:00")
    elif kind == "ids":
        if text and isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
            raise PydanticCustomError("ids_type", "must be a list of ids, each as text")
    elif kind == "mix" and isinstance(value, dict) and not all(_is_number(share) for share in value.values()):
        raise PydanticCustomError("mix_type", "must map each id to a number")
    return value


#: True while :meth:`Record.from_text` builds a record (pydantic calls the records' own ``__init__``, which has no
#: validation context, so the flag travels in a context variable).
_READING_TEXT: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_text", default=False)


@cache
def _field_kinds(record: type[BaseModel]) -> dict[str, str]:
    kinds = {name: _field_kind(spec.annotation) for name, spec in record.model_fields.items()}
    return {name: kind for name, kind in kinds.items() if kind is not None}


class Record(BaseModel):
    """Base of every input record: immutable, no unknown fields, strict and finite numbers, friendly errors.

    Strict as JSON is: a number field takes an int or a float (an int for a float is fine), never
    true/false or text (not even ``"5"``), and never inf or NaN; a true/false field takes only
    true/false; a date and time is a ``datetime`` or ISO text (never a number); a list of ids is a
    list of text. So a link, a scenario file and the command line meet the same rules. Text as a
    link or a form holds it goes through :meth:`from_text`, which reads numbers from decimal text first.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def __init__(self, **data: Any):
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise self._friendly(exc, data) from None

    @field_validator("*", mode="before")
    @classmethod
    def _strict_types(cls, value: Any, info: ValidationInfo) -> Any:  # noqa: D102
        kind = _field_kinds(cls).get(info.field_name)
        if kind is None or value is None:
            return value
        return _strict(kind, value, _READING_TEXT.get())

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        """Build the record from plain data (e.g. parsed JSON), with friendly errors."""
        if not isinstance(data, dict):
            raise KizunaInputError(f"{cls.__name__.lower()}: expected an object, got {type(data).__name__}")
        return cls(**data)

    @classmethod
    def from_text(cls, data: dict[str, Any]):
        """Build the record from text as a link or a form holds it, with the same rules and messages.

        A number field's text is read as a decimal number first (``" 0.8 "`` → 0.8, ``"72"`` → 72; not
        ``"inf"``, ``"nan"``, ``"1e400"``, ``"0x10"`` or words), a true/false field's ``"1"``/``"0"``
        and a list of ids from comma-separated text; values that are not text are checked as in
        :meth:`from_dict`. A message shows the text as given, e.g.
        ``household: soc_start = '2': must be ≤ 1``.
        """
        if not isinstance(data, dict):
            raise KizunaInputError(f"{cls.__name__.lower()}: expected an object, got {type(data).__name__}")
        token = _READING_TEXT.set(True)
        try:
            return cls(**data)
        finally:
            _READING_TEXT.reset(token)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data that :meth:`from_dict` turns back into this record."""
        return self.model_dump(mode="json")

    @classmethod
    def _friendly(cls, exc: ValidationError, data: dict[str, Any]) -> KizunaInputError:
        kind = cls.__name__.lower()
        text = _READING_TEXT.get()
        details = []
        for error in exc.errors():
            if error["type"] in ("value_error", "assertion_error") and not error["loc"]:
                message = str(error.get("ctx", {}).get("error", error["msg"]))
                details.append(Problem(record=kind, field=None, value=None, rule=message, message=message))
                continue
            label, field = _locate(kind, data, tuple(error["loc"]))
            missing = error["type"] == "missing"
            value = None if missing else error.get("input")
            if text and len(error["loc"]) == 1 and isinstance(data.get(error["loc"][0]), str):
                value = data[error["loc"][0]]  # the text as given, not the number read from it
            rule = _describe(error)
            message = f"{label}: {field} = {'missing' if missing else shown(value)}: {rule}"
            details.append(Problem(record=label, field=field, value=value, rule=rule, message=message,
                                   limit=_limit(error)))
        return KizunaInputError([problem.message for problem in details], details)


class District(Record):
    """A ward (区) or Bezirk: the unit at which the grid is restored."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    households: int = Field(ge=0, le=MAX_COUNT)
    population: int = Field(ge=0, le=MAX_COUNT)
    home_parking_share: float = Field(ge=0, le=1, description="share of households that can park at home (0–1)")
    bev_count: int = Field(ge=0, le=MAX_COUNT)
    phev_count: int = Field(ge=0, le=MAX_COUNT)
    v2h_units: int = Field(ge=0, le=MAX_COUNT, description="V2H units installed (each serves one household)")
    pv_kwp: float = Field(ge=0, le=MAX_POWER_KW, description="rooftop PV on homes, kWp")
    pv_self_sustaining_share: float = Field(
        ge=0, le=1, description="share of home PV systems that can run an outlet in an outage (0–1)"
    )
    filling_stations: int = Field(ge=0, le=MAX_COUNT)
    stations_backup_share: float = Field(ge=0, le=1, description="share of filling stations with backup power (0–1)")
    rolling_group: int | None = Field(default=None, ge=1, le=5, description="rolling-blackout group 1–5")


class Facility(Record):
    """A critical facility (or a named aggregate of sites) with its backup power."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    type: FacilityType
    district_id: str
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    sites: int = Field(default=1, ge=1, le=MAX_SITES,
                       description="sites aggregated in this row; kW, kWh and litres are totals")
    critical_load_kw: float = Field(ge=0, le=MAX_POWER_KW,
                                    description="daily mean of the critical load; the type's shape applies")
    generator_kw: float = Field(default=0.0, ge=0, le=MAX_POWER_KW)
    tank_litres: float = Field(default=0.0, ge=0, le=MAX_FUEL_LITRES, description="diesel tank capacity")
    fuel_litres: float = Field(default=0.0, ge=0, le=MAX_FUEL_LITRES, description="diesel in the tank at outage start")
    fuel_slope_l_per_kwh: float = Field(default=0.262, ge=0, le=MAX_FUEL_SLOPE_L_PER_KWH)
    fuel_intercept_l_per_h_per_kw: float = Field(default=0.007, ge=0, le=MAX_FUEL_INTERCEPT_L_PER_H_PER_KW,
                                                 description="idle burn per kW rated, L/h/kW")
    generator_min_turndown: float = Field(default=0.0, ge=0, le=1, description="lowest output as a share of kW (0–1)")
    battery_kwh: float = Field(default=0.0, ge=0, le=MAX_STORAGE_KWH)
    battery_kw: float = Field(default=0.0, ge=0, le=MAX_POWER_KW)
    pv_kwp: float = Field(default=0.0, ge=0, le=MAX_POWER_KW)
    restoration_quantile: float | None = Field(
        default=None, ge=0, le=1, description="district restored share at which this site gets grid back"
    )

    @model_validator(mode="after")
    def _fuel_fits_tank(self):
        if self.fuel_litres > self.tank_litres:
            raise ValueError(
                f"facility '{self.id}': fuel_litres = {self.fuel_litres:g}: "
                f"must be ≤ tank_litres ({self.tank_litres:g})"
            )
        return self

    @property
    def grid_quantile(self) -> float:
        """Restored share at which the facility is back on the grid."""
        if self.restoration_quantile is not None:
            return self.restoration_quantile
        return DEFAULT_RESTORATION_QUANTILE[self.type]


class DieselSupply(Record):
    """The city's diesel depot and its resupply (docs/model.md §1)."""

    depot_litres: float = Field(ge=0, le=MAX_FUEL_LITRES)
    first_delivery_h: float = Field(default=24.0, ge=0, le=MAX_HOURS,
                                    description="hours from outage start to the first delivery")
    delivery_litres_per_day: float = Field(default=0.0, ge=0, le=MAX_FUEL_LITRES,
                                           description="litres the depot hands out per day")


class PetrolSupply(Record):
    """Filling stations' normal stock and their customers' normal demand (docs/model.md §6).

    Normal deliveries equal normal demand (stations are resupplied at the rate
    they sell), so nothing here describes an event: an event's supply shock and
    ration come from its preset or the planner.
    """

    stock_litres_per_station: float = Field(ge=0, le=MAX_FUEL_LITRES,
                                            description="normal petrol stock of a filling station, L")
    vehicles_per_household: float = Field(default=1.0, ge=0, le=MAX_CARS_PER_HOUSEHOLD,
                                          description="cars that buy petrol, per household")
    demand_litres_per_vehicle_per_day: float = Field(
        default=2.5, ge=0, le=MAX_TANK_LITRES, description="normal petrol bought per car and day, L/day"
    )
    ration_litres_per_visit: float = Field(
        default=10.0, gt=0, le=MAX_TANK_LITRES,
        description="most petrol a car may buy per visit (one visit a day at most), L",
    )


class EVFleet(Record):
    """How the city's EVs behave in an outage (docs/model.md §5; each default is an assumption or cited there)."""

    bev_mix: dict[str, float] = Field(description="vehicle id → share of BEVs")
    phev_mix: dict[str, float] = Field(description="vehicle id → share of PHEVs")
    soc_mean: float = Field(default=0.6, ge=0, le=1)
    soc_sd: float = Field(default=0.2, ge=0, le=1)
    soc_clip_low: float = Field(default=0.1, ge=0, le=1)
    soc_clip_high: float = Field(default=1.0, ge=0, le=1)
    reserve_soc: float = Field(default=0.3, ge=0, le=1)
    soc_max: float = Field(default=0.9, ge=0, le=1, description="PV recharges the car up to this SOC")
    discharge_efficiency: float = Field(default=0.88, gt=0, le=1)
    charge_efficiency: float = Field(default=0.9, gt=0, le=1)
    v2h_kw: float = Field(default=6.0, gt=0, le=MAX_HOME_KW)
    phev_kwh_per_litre: float = Field(default=2.2, ge=0, le=MAX_ENGINE_KWH_PER_LITRE)
    phev_tank_litres_at_start: float = Field(default=20.0, ge=0, le=MAX_TANK_LITRES)
    v2h_households_with_pv_share: float = Field(default=0.5, ge=0, le=1)

    @model_validator(mode="after")
    def _mixes_sum_to_one(self):
        for name, mix in (("bev_mix", self.bev_mix), ("phev_mix", self.phev_mix)):
            if mix and abs(sum(mix.values()) - 1.0) > 1e-6:
                raise ValueError(f"evfleet: {name} shares sum to {sum(mix.values()):g}: must sum to 1")
            bad = [k for k, v in mix.items() if v < 0]
            if bad:
                raise ValueError(f"evfleet: {name}['{bad[0]}'] = {mix[bad[0]]:g}: must be ≥ 0")
        return self


class City(Record):
    """A city's whole inventory: districts, facilities, fuel and EV fleet."""

    id: str = Field(min_length=1)
    name: str
    country: Literal["JP", "DE"]
    timezone: str
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    altitude_m: float = Field(ge=-500, le=9000, description="height above sea level, m (the Dead Sea to Everest)")
    household_kwh_per_day: float = Field(gt=0, le=MAX_HOUSEHOLD_KWH_PER_DAY,
                                         description="normal household use, kWh/day")
    load_shape: Literal["tepco_2010", "bdew_h25"]
    home_pv_kwp_per_system: float = Field(default=4.5, gt=0, le=MAX_HOME_PV_KWP,
                                          description="average home PV system size, kWp")
    pv_outlet_kw: float = Field(default=0.0, ge=0, le=MAX_HOME_KW,
                                description="self-sustaining PV outlet limit per home, kW")
    pv_typical_clear_sky_index: float = Field(default=0.6, gt=0, le=1)
    districts: tuple[District, ...] = Field(min_length=1, max_length=MAX_DISTRICTS)
    facilities: tuple[Facility, ...] = Field(default=(), max_length=MAX_FACILITIES)
    diesel: DieselSupply
    petrol: PetrolSupply
    fleet: EVFleet

    @model_validator(mode="after")
    def _consistent(self):
        problems = []
        for kind, items in (("district", self.districts), ("facility", self.facilities)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    problems.append(f"{kind} '{item.id}': id is used twice: ids must be unique")
                seen.add(item.id)
        district_ids = {d.id for d in self.districts}
        for facility in self.facilities:
            if facility.district_id not in district_ids:
                problems.append(
                    f"facility '{facility.id}': district_id = '{facility.district_id}': "
                    f"must be one of {sorted(district_ids)}"
                )
        try:
            import zoneinfo

            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(f"city '{self.id}': timezone = '{self.timezone}': must be an IANA time zone")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def district(self, district_id: str) -> District:
        """The district with this id."""
        for d in self.districts:
            if d.id == district_id:
                return d
        raise KizunaInputError(f"city '{self.id}': no district '{district_id}'")


#: Years an outage may start in: hourly time indexes of pandas cover them with a year-long run to spare.
SUPPORTED_START_YEARS = (1900, 2100)


def _start_in_supported_years(start: dt.datetime | None) -> dt.datetime | None:
    first, last = SUPPORTED_START_YEARS
    if start is not None and not first <= start.year <= last:
        raise ValueError(f"must be in the years {first}–{last}")
    return start


#: A local outage start, or None for the preset's (checked against :data:`SUPPORTED_START_YEARS`).
OutageStart = Annotated[dt.datetime | None, AfterValidator(_start_in_supported_years)]


class Scenario(Record):
    """One outage 'what if': the preset and every planner override.

    ``None`` means "use the city's data or the preset's value".
    """

    preset: PresetId = "tohoku-2011"
    start: OutageStart = Field(default=None, description="local start (naive, in the city's time zone)")
    duration_h: int = Field(default=168, ge=1, le=MAX_HOURS)
    custom_outage_h: float = Field(default=24.0, ge=0, le=MAX_HOURS, description="custom preset: full outage length, h")
    custom_restoration_h: float = Field(default=12.0, ge=0, le=MAX_HOURS,
                                        description="custom preset: linear restoration, h")
    affected_district_ids: tuple[str, ...] | None = Field(
        default=None, max_length=MAX_DISTRICTS,
        description="districts the outage hits; None = the preset's own districts on its home city, else all",
    )
    ev_stock_multiplier: float = Field(default=1.0, ge=0, le=MAX_MULTIPLIER)
    v2h_adoption_share: float | None = Field(default=None, ge=0, le=1, description="share of EV households with V2H")
    reserve_soc: float | None = Field(default=None, ge=0, le=1)
    essential_kwh_per_day: float = Field(default=3.0, ge=0, le=MAX_HOUSEHOLD_KWH_PER_DAY)
    load_mode: LoadMode = "essential"
    priority_restoration: bool = Field(
        default=False,
        description="critical sites get grid back ahead of the households around them (each type's restoration "
                    "quantile); off: only once their whole district is back (the cautious reading)",
    )
    diesel_stock_multiplier: float = Field(default=1.0, ge=0, le=MAX_MULTIPLIER)
    diesel_resupply_delay_h: float | None = Field(default=None, ge=0, le=MAX_HOURS)
    petrol_ration_litres: float | None = Field(default=None, gt=0, le=MAX_TANK_LITRES)
    pv_multiplier: float = Field(default=1.0, ge=0, le=MAX_MULTIPLIER)
    weather: Weather = "typical"

    @model_validator(mode="after")
    def _start_is_naive_hour(self):
        if self.start is not None and self.start.tzinfo is not None:
            raise ValueError("scenario: start must be a local time without a time zone (the city's zone applies)")
        return self


#: The city and the car a :class:`Household` has unless told otherwise.
DEFAULT_CITY_ID = "saitama"
DEFAULT_VEHICLE_ID = "nissan-leaf-40"
_FLEET_DEFAULTS = {name: spec.default for name, spec in EVFleet.model_fields.items()}


class Household(Record):
    """One household backed up by its car through a V2H unit, with optional rooftop PV.

    The car is a vehicle of the catalogue (``vehicle_id``) or, for a car that is not in it, a bare usable
    capacity (``battery_kwh`` with ``vehicle_id=None``). The efficiencies and the PV recharging limit are the
    city fleet's (:class:`EVFleet`). Fractions are 0–1; ``start`` is a naive local time in the city's zone.
    """

    city_id: str = Field(default=DEFAULT_CITY_ID, min_length=1)
    vehicle_id: str | None = Field(default=DEFAULT_VEHICLE_ID, min_length=1,
                                   description="a vehicle of the catalogue; None for a bare battery_kwh")
    battery_kwh: float | None = Field(default=None, ge=0, le=MAX_CAR_BATTERY_KWH,
                                      description="usable capacity of a car not in the catalogue, kWh")
    soc_start: float = Field(default=1.0, ge=0, le=1, description="state of charge at the outage start (0–1)")
    reserve_soc: float = Field(default=_FLEET_DEFAULTS["reserve_soc"], ge=0, le=1,
                               description="mobility reserve the car keeps (0–1)")
    v2h_kw: float = Field(default=_FLEET_DEFAULTS["v2h_kw"], gt=0, le=MAX_HOME_KW)
    load_mode: LoadMode = "essential"
    essential_kwh_per_day: float = Field(default=3.0, ge=0, le=MAX_HOUSEHOLD_KWH_PER_DAY)
    pv_kwp: float = Field(default=0.0, ge=0, le=MAX_HOME_PV_KWP)
    petrol_litres: float = Field(default=0.0, ge=0, le=MAX_TANK_LITRES,
                                 description="petrol a PHEV can burn; ignored for a BEV")
    engine_kwh_per_litre: float | None = Field(
        default=None, ge=0, le=MAX_ENGINE_KWH_PER_LITRE,
        description="electricity per litre of petrol, kWh/L; None = the car's own figure (the fleet's for a "
                    "PHEV without one or a bare battery_kwh, 0 for a BEV)",
    )
    weather: Weather = "typical"
    start: OutageStart = Field(default=None, description="outage start; None = the country's first preset")
    duration_h: int = Field(default=336, ge=24, le=720, description="horizon of the V2H estimate")

    @model_validator(mode="after")
    def _one_car_and_a_naive_start(self):
        if (self.vehicle_id is None) == (self.battery_kwh is None):
            raise ValueError("household: give exactly one of battery_kwh and vehicle_id")
        if self.start is not None and self.start.tzinfo is not None:
            raise ValueError("household: start must be a local time without a time zone (the city's zone applies)")
        return self


class SurvivalSetup(Record):
    """What the Survival page sweeps: a facility of the city or the V2H household, and the horizon [h]."""

    source: Literal["facility", "household"] = "facility"
    facility_id: str | None = None
    max_duration_h: int = Field(default=720, ge=1, le=MAX_HOURS)
    household: Household = Household()
