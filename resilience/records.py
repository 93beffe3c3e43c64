"""Typed, immutable and serialisable input records of the resilience engine.

Every record validates itself on construction and raises
:class:`~resilience.errors.KizunaInputError` naming the record, the field, the
value and what is allowed. Units are in the field names (``_kw``, ``_kwh``,
``_litres``, ``_h``) or, for fractions, in the docstrings (0–1).
Defaults and their sources are listed in ``docs/model.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from resilience.errors import KizunaInputError, Problem

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
}


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "value_error" and "error" in (error.get("ctx") or {}):
        return str(error["ctx"]["error"])  # a field validator's own sentence, without pydantic's "Value error, "
    template = _CONSTRAINT_TEXT.get(error["type"])
    if template is None:
        return error["msg"][0].lower() + error["msg"][1:]
    ctx = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in (error.get("ctx") or {}).items()}
    return template.format(**ctx)


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
            if isinstance(child, (list, tuple)) and parts and isinstance(parts[0], int):
                index = parts.pop(0)
                if index < len(child):
                    item = child[index]
                    label = _label(str(part).rstrip("s").replace("facilitie", "facility"), item)
                    if label == str(part).rstrip("s"):
                        label = f"{label} #{index + 1}"
                    node = item
                    field_parts = []
                    continue
            if isinstance(child, dict):
                label = _label(str(part), child)
                node = child
                field_parts = []
                continue
        field_parts.append(str(part))
        field_parts.extend(str(p) for p in parts)
        break
    return label, ".".join(field_parts) or "value"


class Record(BaseModel):
    """Base of every input record: immutable, no unknown fields, friendly errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __init__(self, **data: Any):
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise self._friendly(exc, data) from None

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        """Build the record from plain data (e.g. parsed JSON), with friendly errors."""
        if not isinstance(data, dict):
            raise KizunaInputError(f"{cls.__name__.lower()}: expected an object, got {type(data).__name__}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data that :meth:`from_dict` turns back into this record."""
        return self.model_dump(mode="json")

    @classmethod
    def _friendly(cls, exc: ValidationError, data: dict[str, Any]) -> KizunaInputError:
        kind = cls.__name__.lower()
        details = []
        for error in exc.errors():
            if error["type"] in ("value_error", "assertion_error") and not error["loc"]:
                message = str(error.get("ctx", {}).get("error", error["msg"]))
                details.append(Problem(record=kind, field=None, value=None, rule=message, message=message))
                continue
            label, field = _locate(kind, data, tuple(error["loc"]))
            missing = error["type"] == "missing"
            value = None if missing else error.get("input")
            rule = _describe(error)
            shown = value.isoformat() if isinstance(value, dt.datetime) else value  # a date as people write it
            message = f"{label}: {field} = {'missing' if missing else repr(shown)}: {rule}"
            details.append(Problem(record=label, field=field, value=value, rule=rule, message=message))
        return KizunaInputError([problem.message for problem in details], details)


class District(Record):
    """A ward (区) or Bezirk: the unit at which the grid is restored."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    households: int = Field(ge=0)
    population: int = Field(ge=0)
    home_parking_share: float = Field(ge=0, le=1, description="share of households that can park at home (0–1)")
    bev_count: int = Field(ge=0)
    phev_count: int = Field(ge=0)
    v2h_units: int = Field(ge=0, description="V2H units installed (each serves one household)")
    pv_kwp: float = Field(ge=0, description="rooftop PV on homes, kWp")
    pv_self_sustaining_share: float = Field(
        ge=0, le=1, description="share of home PV systems that can run an outlet in an outage (0–1)"
    )
    filling_stations: int = Field(ge=0)
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
    sites: int = Field(default=1, ge=1, description="sites aggregated in this row; kW, kWh and litres are totals")
    critical_load_kw: float = Field(ge=0, description="daily mean of the critical load; the type's shape applies")
    generator_kw: float = Field(default=0.0, ge=0)
    tank_litres: float = Field(default=0.0, ge=0, description="diesel tank capacity")
    fuel_litres: float = Field(default=0.0, ge=0, description="diesel in the tank at outage start")
    fuel_slope_l_per_kwh: float = Field(default=0.262, ge=0)
    fuel_intercept_l_per_h_per_kw: float = Field(default=0.007, ge=0, description="idle burn per kW rated, L/h/kW")
    generator_min_turndown: float = Field(default=0.0, ge=0, le=1, description="lowest output as a share of kW (0–1)")
    battery_kwh: float = Field(default=0.0, ge=0)
    battery_kw: float = Field(default=0.0, ge=0)
    pv_kwp: float = Field(default=0.0, ge=0)
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

    depot_litres: float = Field(ge=0)
    first_delivery_h: float = Field(default=24.0, ge=0, description="hours from outage start to the first delivery")
    delivery_litres_per_day: float = Field(default=0.0, ge=0, description="litres the depot hands out per day")


class PetrolSupply(Record):
    """Filling stations' normal stock and their customers' normal demand (docs/model.md §6).

    Normal deliveries equal normal demand (stations are resupplied at the rate
    they sell), so nothing here describes an event: an event's supply shock and
    ration come from its preset or the planner.
    """

    stock_litres_per_station: float = Field(ge=0, description="normal petrol stock of a filling station, L")
    vehicles_per_household: float = Field(default=1.0, ge=0, description="cars that buy petrol, per household")
    demand_litres_per_vehicle_per_day: float = Field(
        default=2.5, ge=0, description="normal petrol bought per car and day, L/day"
    )
    ration_litres_per_visit: float = Field(
        default=10.0, gt=0, description="most petrol a car may buy per visit (one visit a day at most), L"
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
    v2h_kw: float = Field(default=6.0, gt=0)
    phev_kwh_per_litre: float = Field(default=2.2, ge=0)
    phev_tank_litres_at_start: float = Field(default=20.0, ge=0)
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
    altitude_m: float
    household_kwh_per_day: float = Field(gt=0, description="normal household use, kWh/day")
    load_shape: Literal["tepco_2010", "bdew_h25"]
    home_pv_kwp_per_system: float = Field(default=4.5, gt=0, description="average home PV system size, kWp")
    pv_outlet_kw: float = Field(default=0.0, ge=0, description="self-sustaining PV outlet limit per home, kW")
    pv_typical_clear_sky_index: float = Field(default=0.6, gt=0, le=1)
    districts: tuple[District, ...] = Field(min_length=1)
    facilities: tuple[Facility, ...] = ()
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
    duration_h: int = Field(default=168, ge=1, le=8760)
    custom_outage_h: float = Field(default=24.0, ge=0, description="custom preset: full outage length, h")
    custom_restoration_h: float = Field(default=12.0, ge=0, description="custom preset: linear restoration, h")
    affected_district_ids: tuple[str, ...] | None = Field(
        default=None,
        description="districts the outage hits; None = the preset's own districts on its home city, else all",
    )
    ev_stock_multiplier: float = Field(default=1.0, ge=0, le=100)
    v2h_adoption_share: float | None = Field(default=None, ge=0, le=1, description="share of EV households with V2H")
    reserve_soc: float | None = Field(default=None, ge=0, le=1)
    essential_kwh_per_day: float = Field(default=3.0, ge=0)
    load_mode: LoadMode = "essential"
    priority_restoration: bool = Field(
        default=False,
        description="critical sites get grid back ahead of the households around them (each type's restoration "
                    "quantile); off: only once their whole district is back (the cautious reading)",
    )
    diesel_stock_multiplier: float = Field(default=1.0, ge=0, le=100)
    diesel_resupply_delay_h: float | None = Field(default=None, ge=0)
    petrol_ration_litres: float | None = Field(default=None, gt=0)
    pv_multiplier: float = Field(default=1.0, ge=0, le=100)
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
    battery_kwh: float | None = Field(default=None, ge=0,
                                      description="usable capacity of a car not in the catalogue, kWh")
    soc_start: float = Field(default=1.0, ge=0, le=1, description="state of charge at the outage start (0–1)")
    reserve_soc: float = Field(default=_FLEET_DEFAULTS["reserve_soc"], ge=0, le=1,
                               description="mobility reserve the car keeps (0–1)")
    v2h_kw: float = Field(default=_FLEET_DEFAULTS["v2h_kw"], gt=0, le=50)
    load_mode: LoadMode = "essential"
    essential_kwh_per_day: float = Field(default=3.0, ge=0, le=100)
    pv_kwp: float = Field(default=0.0, ge=0, le=100)
    petrol_litres: float = Field(default=0.0, ge=0, le=200, description="petrol a PHEV can burn; ignored for a BEV")
    engine_kwh_per_litre: float | None = Field(
        default=None, ge=0,
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
    max_duration_h: int = Field(default=720, ge=1, le=8760)
    household: Household = Household()
