"""The V2H household archetype and the survival-sweep inputs built from it or from a facility.

The V2H page and the Survival page describe one household with a car as a
:class:`Household` record (validated like the engine's records, so bad input
raises :class:`~resilience.errors.KizunaInputError` with one line per problem).
This module turns it, or one of a city's facilities, into the arguments of
:func:`resilience.v2h_backup` and :func:`resilience.survival_sweep`; it holds no
physics of its own beyond choosing those arguments.

A survival sweep needs one load and PV value for each of the 8,760 start hours:
they are built over :data:`REFERENCE_YEAR` from 1 January 00:00 local standard
time, which is the start-hour calendar the sweep documents (start ``s`` is hour
``s`` of a non-leap year).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from presentation.text import TEXT
from resilience.citydata import list_cities, load_city
from resilience.errors import KizunaInputError
from resilience.facilities import BATTERY_CHARGE_EFFICIENCY, BATTERY_DISCHARGE_EFFICIENCY
from resilience.loads import facility_load_kw, household_load_kw
from resilience.records import City, EVFleet, Facility, LoadMode, Record, Weather
from resilience.scenarios import PRESETS
from resilience.solar import pv_ac_kw_per_kwp
from resilience.survival import HOURS_PER_YEAR, SurvivalResult, survival_sweep
from resilience.timeindex import hourly_index
from resilience.v2h import V2HEstimate, v2h_backup
from resilience.vehicles import engine_kwh_per_litre, vehicle

#: Year whose hours stand for "every hour of a year" in a sweep: not a leap year, and the year the PV
#: model's typical clear-sky index is calibrated on (resilience.solar).
REFERENCE_YEAR = 2019
DEFAULT_CITY_ID = "saitama"
DEFAULT_VEHICLE_ID = "nissan-leaf-40"
_FLEET_DEFAULTS = {name: spec.default for name, spec in EVFleet.model_fields.items()}
#: Outage horizons offered on the V2H page [h].
V2H_HORIZONS_H = (72, 168, 336, 720)
#: Sweep horizons offered on the Survival page [h]: a day, the 72-hour target, a week, two weeks, a month,
#: a quarter and the whole year.
SURVIVAL_HORIZONS_H = (24, 72, 168, 336, 720, 2190, 8760)


def default_city_id() -> str:
    """Saitama when it is bundled, else the first bundled city."""
    cities = list_cities()
    return DEFAULT_CITY_ID if DEFAULT_CITY_ID in cities else cities[0]


def default_start(city: City) -> dt.datetime:
    """Start of the first outage preset of the city's country (the Tōhoku quake for Japan)."""
    for preset in PRESETS.values():
        if preset.country == city.country:
            return preset.start
    return next(iter(PRESETS.values())).start


class Household(Record):
    """One household backed up by its car through a V2H unit, with optional rooftop PV.

    Fractions are 0–1; ``start`` is a naive local time in the city's zone.
    """

    city_id: str = Field(default=DEFAULT_CITY_ID, min_length=1)
    vehicle_id: str = Field(default=DEFAULT_VEHICLE_ID, min_length=1)
    soc_start: float = Field(default=1.0, ge=0, le=1, description="state of charge at the outage start (0–1)")
    reserve_soc: float = Field(default=_FLEET_DEFAULTS["reserve_soc"], ge=0, le=1,
                               description="mobility reserve the car keeps (0–1)")
    v2h_kw: float = Field(default=_FLEET_DEFAULTS["v2h_kw"], gt=0, le=50)
    load_mode: LoadMode = "essential"
    essential_kwh_per_day: float = Field(default=3.0, ge=0, le=100)
    pv_kwp: float = Field(default=0.0, ge=0, le=100)
    petrol_litres: float = Field(default=0.0, ge=0, le=200, description="petrol a PHEV can burn; ignored for a BEV")
    weather: Weather = "typical"
    start: dt.datetime | None = Field(default=None, description="outage start; None = the country's first preset")
    duration_h: int = Field(default=336, ge=24, le=720, description="horizon of the V2H estimate")

    @model_validator(mode="after")
    def _start_is_naive(self):
        if self.start is not None and self.start.tzinfo is not None:
            raise ValueError("household: start must be a local time without a time zone (the city's zone applies)")
        return self


class SurvivalSetup(Record):
    """What the Survival page sweeps: a facility of the city or the V2H household, and the horizon."""

    source: Literal["facility", "household"] = "facility"
    facility_id: str | None = None
    max_duration_h: int = Field(default=720, ge=1, le=HOURS_PER_YEAR)
    household: Household = Household()


def household_from_controls(
    *, city_id: Any, vehicle_id: Any, soc_percent: Any, reserve_percent: Any, v2h_kw: Any, load_mode: Any,
    essential_kwh_per_day: Any, pv_kwp: Any, petrol_litres: Any, weather: Any, start: dt.datetime | None = None,
    duration_h: Any = None,
) -> Household:
    """The household described by the page controls (percentages for the two states of charge).

    Empty controls arrive as ``None`` and are reported like any other bad value.

    Raises
    ------
    KizunaInputError
        One line per bad control, e.g. ``household: v2h_kw = 0: must be > 0``.
    """
    def fraction(percent: Any) -> Any:
        return percent / 100 if isinstance(percent, int | float) and not isinstance(percent, bool) else percent

    data = {
        "city_id": city_id, "vehicle_id": vehicle_id, "soc_start": fraction(soc_percent),
        "reserve_soc": fraction(reserve_percent), "v2h_kw": v2h_kw, "load_mode": load_mode,
        "essential_kwh_per_day": essential_kwh_per_day, "pv_kwp": pv_kwp, "petrol_litres": petrol_litres,
        "weather": weather, "start": start,
    }
    if duration_h is not None:
        data["duration_h"] = duration_h
    return Household.from_dict(data)


# ----------------------------------------------------------------------------------------------------------------------
# Links: the records in the URL's query string
# ----------------------------------------------------------------------------------------------------------------------

#: Query parameter → Household field. ``city``, ``reserve``, ``ess``, ``load``, ``weather`` and ``start`` mean what
#: they mean in the planner's links (components.url_state), so a scenario's values carry over.
HOUSEHOLD_PARAMS: dict[str, str] = {
    "city": "city_id",
    "car": "vehicle_id",
    "soc": "soc_start",
    "reserve": "reserve_soc",
    "kw": "v2h_kw",
    "load": "load_mode",
    "ess": "essential_kwh_per_day",
    "kwp": "pv_kwp",
    "petrol": "petrol_litres",
    "weather": "weather",
    "start": "start",
    "horizon": "duration_h",
}
#: Query parameter → SurvivalSetup field (the household's parameters come on top, without start and horizon).
SETUP_PARAMS: dict[str, str] = {"source": "source", "facility": "facility_id", "max_h": "max_duration_h"}
_SETUP_HOUSEHOLD_PARAMS = {param: name for param, name in HOUSEHOLD_PARAMS.items() if param not in ("start", "horizon")}


def _format_param(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, float):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    return str(value)


def _pairs(record: Record, params: dict[str, str], always: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(param, text)`` for the fields in ``always`` and every field that differs from its default."""
    defaults = type(record)()
    return [(param, _format_param(getattr(record, name))) for param, name in params.items()
            if getattr(record, name) is not None
            and (param in always or getattr(record, name) != getattr(defaults, name))]


def household_query(household: Household) -> str:
    """The query string (with ``?``) of a household: city and car always, other values when not default.

    Examples
    --------
    >>> household_query(Household(soc_start=0.8))
    '?city=saitama&car=nissan-leaf-40&soc=0.8'
    """
    return "?" + urlencode(_pairs(household, HOUSEHOLD_PARAMS, ("city", "car")), safe=":")


def setup_query(setup: SurvivalSetup) -> str:
    """The query string of a Survival-page setup: its own parameters, then the household's."""
    pairs = _pairs(setup, SETUP_PARAMS, ("source",))
    pairs += _pairs(setup.household, _SETUP_HOUSEHOLD_PARAMS, ("city",))
    return "?" + urlencode(pairs, safe=":")


def _checked_fields(raw: dict[str, str], params: dict[str, str], record: type[Record],
                    problems: list[str]) -> dict[str, Any]:
    """Fields of ``record`` read from query parameters, each checked alone; a bad one becomes a problem."""
    fields: dict[str, Any] = {}
    for param, name in params.items():
        text = raw.get(param, "").strip()
        if not text:
            continue
        try:
            value = record(**{name: text}).to_dict()[name]
        except KizunaInputError as error:
            problems.extend(TEXT["household.link_problem"].format(param=param, value=text, problem=message)
                            for message in error.problems)
            continue
        fields[name] = value
    return fields


def _known_ids(fields: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """Drop a city or car id that does not exist, reporting it."""
    from resilience.vehicles import vehicle_catalogue

    checks = (("city", "city_id", list_cities()), ("car", "vehicle_id", list(vehicle_catalogue().index)))
    for param, name, known in checks:
        if name in fields and fields[name] not in known:
            problems.append(TEXT["household.link_problem"].format(param=param, value=fields[name],
                                                     problem=TEXT[f"household.link_unknown_{param}"]))
            del fields[name]
    return fields


def household_from_query(query: str | dict[str, str] | None) -> tuple[Household, list[str]]:
    """The household a link describes, and a message for each value that was replaced by its default.

    Parameters
    ----------
    query : str or dict or None
        The query string (with or without ``?``) or its parsed parameters; unknown
        parameters (e.g. the planner's) are ignored.
    """
    raw = _parse_query(query)
    problems: list[str] = []
    fields = _known_ids(_checked_fields(raw, HOUSEHOLD_PARAMS, Household, problems), problems)
    if "city_id" not in fields:
        fields["city_id"] = default_city_id()
    return Household.from_dict(fields), problems


def setup_from_query(query: str | dict[str, str] | None) -> tuple[SurvivalSetup, list[str]]:
    """The Survival-page setup a link describes, and a message for each value replaced by its default."""
    raw = _parse_query(query)
    problems: list[str] = []
    household = _known_ids(_checked_fields(raw, _SETUP_HOUSEHOLD_PARAMS, Household, problems), problems)
    if "city_id" not in household:
        household["city_id"] = default_city_id()
    fields = _checked_fields(raw, SETUP_PARAMS, SurvivalSetup, problems)
    city = load_city(household["city_id"])
    if "facility_id" in fields and fields["facility_id"] not in {f.id for f in city.facilities}:
        problems.append(TEXT["household.link_problem"].format(param="facility", value=fields["facility_id"],
                                                 problem=TEXT["household.link_unknown_facility"].format(city=city.name)))
        del fields["facility_id"]
    return SurvivalSetup.from_dict({**fields, "household": household}), problems


def _parse_query(query: str | dict[str, str] | None) -> dict[str, str]:
    if query is None:
        return {}
    if isinstance(query, str):
        return dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))
    return {str(key): str(value) for key, value in query.items()}


# ----------------------------------------------------------------------------------------------------------------------
# V2H estimate
# ----------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdBackup:
    """The V2H estimate of a household with the figures the page explains it with.

    Attributes
    ----------
    estimate : resilience.v2h.V2HEstimate
        Hours and days of backup and the hourly dispatch.
    city : resilience.records.City
    vehicle : pandas.Series
        The car's catalogue row (``brand``, ``model``, ``usable_kwh``, claims …).
    battery_kwh : float
        Usable battery capacity C [kWh] from the catalogue.
    discharge_efficiency : float
        η of car plus V2H unit [fraction] (the city fleet's value).
    petrol_litres : float
        Petrol the engine may burn [L]: the input for a PHEV, 0 for a BEV.
    start : datetime.datetime
        Local outage start used.
    """

    estimate: V2HEstimate
    city: City
    vehicle: pd.Series = field(repr=False)
    battery_kwh: float
    discharge_efficiency: float
    petrol_litres: float
    start: dt.datetime


def household_backup(household: Household) -> HouseholdBackup:
    """Run :func:`resilience.v2h_backup` for the household (cached on the record's JSON).

    The city fleet's efficiencies and SOC limit, the household's inputs, and the car's own PHEV engine
    yield (:func:`household_engine_kwh_per_litre`); a BEV's petrol is ignored.

    Raises
    ------
    KizunaInputError
        For an unknown city or vehicle, or a value ``v2h_backup`` rejects.
    """
    return _household_backup_cached(json.dumps(household.to_dict(), sort_keys=True))


@lru_cache(maxsize=32)
def _household_backup_cached(household_json: str) -> HouseholdBackup:
    household = Household.from_dict(json.loads(household_json))
    city = load_city(household.city_id)
    car = vehicle(household.vehicle_id)
    fleet = city.fleet
    petrol = household.petrol_litres if car["powertrain"] == "PHEV" else 0.0
    start = household.start or default_start(city)
    estimate = v2h_backup(
        city=city, start=start, vehicle_id=household.vehicle_id, soc_start=household.soc_start,
        reserve_soc=household.reserve_soc, v2h_kw=household.v2h_kw,
        discharge_efficiency=fleet.discharge_efficiency, charge_efficiency=fleet.charge_efficiency,
        soc_max=fleet.soc_max, load_mode=household.load_mode, essential_kwh_per_day=household.essential_kwh_per_day,
        pv_kwp=household.pv_kwp, weather=household.weather, petrol_litres=petrol,
        engine_kwh_per_litre=household_engine_kwh_per_litre(household.vehicle_id, city),
        duration_h=household.duration_h,
    )
    return HouseholdBackup(estimate=estimate, city=city, vehicle=car, battery_kwh=float(car["usable_kwh"]),
                           discharge_efficiency=fleet.discharge_efficiency, petrol_litres=petrol, start=start)


def household_engine_kwh_per_litre(vehicle_id: str, city: City) -> float:
    """Electricity a litre of the car's petrol gives [kWh/L], as the city model uses it.

    The PHEV's own figure from its carmaker's claim (:func:`resilience.vehicles.engine_kwh_per_litre`, e.g.
    0.76 kWh/L for a Prius PHV 2017), the city fleet's ``phev_kwh_per_litre`` for a PHEV without one, 0 for a BEV.
    """
    return engine_kwh_per_litre(vehicle_id, city.fleet.phev_kwh_per_litre)


def claim_days_at(backup: HouseholdBackup, kwh_per_day: float) -> float:
    """Days the car's usable energy lasts at a carmaker's daily use [days]: ``E ÷ kWh/day``.

    This is the carmakers' basis (no PV, no engine, no load shape); ``E = C × (SOC0 − reserve) × η``
    (:func:`resilience.v2h.usable_energy_kwh`).
    """
    if not kwh_per_day > 0:
        raise KizunaInputError(f"claim: kwh_per_day = {kwh_per_day!r}: must be > 0")
    return backup.estimate.usable_kwh / kwh_per_day


# ----------------------------------------------------------------------------------------------------------------------
# Survival-sweep inputs
# ----------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurvivalInputs:
    """Keyword arguments of :func:`resilience.survival_sweep` for one system, and what it is.

    Attributes
    ----------
    label : str
        The facility's name or the household's car.
    sweep_kwargs : dict
        ``critical_load_kw`` and ``pv_kw`` (8,760 values each, kW) and the
        storage and generator parameters; everything but ``max_duration_h``.
    """

    label: str
    sweep_kwargs: dict[str, Any] = field(repr=False)

    @property
    def annual_load_kwh(self) -> float:
        """Energy of the reference year's load [kWh]."""
        return float(np.sum(self.sweep_kwargs["critical_load_kw"]))


def reference_year_index(timezone: str) -> pd.DatetimeIndex:
    """The 8,760 hours of :data:`REFERENCE_YEAR` from 1 January 00:00 local time, one absolute hour apart.

    Hour ``s`` of this index is start hour ``s`` of :func:`resilience.survival_sweep` (with daylight saving the
    local clock shifts, the sweep's hour of day stays standard time).
    """
    return hourly_index(dt.datetime(REFERENCE_YEAR, 1, 1), HOURS_PER_YEAR, timezone)


def _pv_kw(kwp: float, city: City, latitude: float, longitude: float, weather: str,
           index: pd.DatetimeIndex) -> np.ndarray:
    """AC output of ``kwp`` of PV in each hour [kW]; pvlib is skipped when there is no PV."""
    if kwp == 0:
        return np.zeros(len(index))
    return kwp * pv_ac_kw_per_kwp(latitude, longitude, city.altitude_m, city.timezone, index, weather=weather,
                                  typical_clear_sky_index=city.pv_typical_clear_sky_index)


def find_facility(city: City, facility_id: str | None) -> Facility:
    """The city's facility with this id; the first one when ``facility_id`` is None."""
    if not city.facilities:
        raise KizunaInputError(f"city '{city.id}': has no critical facilities to sweep")
    if facility_id is None:
        return city.facilities[0]
    for facility in city.facilities:
        if facility.id == facility_id:
            return facility
    raise KizunaInputError(f"city '{city.id}': no facility '{facility_id}'")


def facility_survival_inputs(city: City, facility_id: str | None, weather: str = "typical") -> SurvivalInputs:
    """Sweep inputs of one facility: its critical load shape, PV, generator, fuel and battery.

    The tank holds ``fuel_litres`` (the fill at outage start) with no resupply, the battery starts full (as in the
    city run) with the stationary-battery efficiencies of :mod:`resilience.facilities`.
    """
    facility = find_facility(city, facility_id)
    index = reference_year_index(city.timezone)
    load = facility_load_kw(np.array([facility.critical_load_kw]), [facility.type], index)[:, 0]
    pv = _pv_kw(facility.pv_kwp, city, facility.latitude, facility.longitude, weather, index)
    return SurvivalInputs(
        label=facility.name,
        sweep_kwargs={
            "critical_load_kw": load,
            "pv_kw": pv,
            "battery_kwh": facility.battery_kwh,
            "battery_kw": facility.battery_kw,
            "initial_soc": 1.0,
            "soc_min": 0.0,
            "charge_efficiency": BATTERY_CHARGE_EFFICIENCY,
            "discharge_efficiency": BATTERY_DISCHARGE_EFFICIENCY,
            "generator_kw": facility.generator_kw,
            "fuel_litres": facility.fuel_litres,
            "fuel_slope_l_per_kwh": facility.fuel_slope_l_per_kwh,
            "fuel_intercept_l_per_h": facility.fuel_intercept_l_per_h_per_kw * facility.generator_kw,
            "generator_min_turndown": facility.generator_min_turndown,
        },
    )


def household_survival_inputs(household: Household) -> SurvivalInputs:
    """Sweep inputs of the V2H household: its load, home PV, the car as the battery and a PHEV's engine.

    The car is a battery of ``C × ceiling`` kWh with ``ceiling = max(SOC_max, SOC0)``, so PV recharges it up to
    the fleet's ``soc_max`` as in the V2H estimate; it starts at ``SOC0`` and stops at the reserve, at the V2H
    unit's kW, with the fleet's efficiencies. A PHEV's petrol is a generator of ``v2h_kw`` burning
    ``1 / kWh per litre`` L/kWh with no idle burn, at the car's own engine yield
    (:func:`household_engine_kwh_per_litre`); the sweep runs it before the battery (the V2H estimate uses it
    after), which changes only how PV surplus is stored.
    """
    city = load_city(household.city_id)
    car = vehicle(household.vehicle_id)
    fleet = city.fleet
    index = reference_year_index(city.timezone)
    kwh_per_day = household.essential_kwh_per_day if household.load_mode == "essential" else city.household_kwh_per_day
    load = household_load_kw(kwh_per_day, city.load_shape, index)
    pv = _pv_kw(household.pv_kwp, city, city.latitude, city.longitude, household.weather, index)
    capacity_kwh = float(car["usable_kwh"])
    ceiling = max(fleet.soc_max, household.soc_start)
    petrol = household.petrol_litres if car["powertrain"] == "PHEV" else 0.0
    kwh_per_litre = household_engine_kwh_per_litre(household.vehicle_id, city)
    engine = petrol > 0 and kwh_per_litre > 0
    return SurvivalInputs(
        label=f"{car['brand']} {car['model']} {car['variant']}".strip(),
        sweep_kwargs={
            "critical_load_kw": load,
            "pv_kw": pv,
            "battery_kwh": capacity_kwh * ceiling,
            "battery_kw": household.v2h_kw,
            "initial_soc": household.soc_start / ceiling if ceiling > 0 else 0.0,
            "soc_min": min(household.reserve_soc / ceiling, 1.0) if ceiling > 0 else 0.0,
            "charge_efficiency": fleet.charge_efficiency,
            "discharge_efficiency": fleet.discharge_efficiency,
            "generator_kw": household.v2h_kw if engine else 0.0,
            "fuel_litres": petrol if engine else 0.0,
            "fuel_slope_l_per_kwh": 1.0 / kwh_per_litre if engine else 0.0,
            "fuel_intercept_l_per_h": 0.0,
            "generator_min_turndown": 0.0,
        },
    )


def survival_inputs(setup: SurvivalSetup) -> SurvivalInputs:
    """The sweep inputs of a Survival-page setup (facility or household)."""
    if setup.source == "household":
        return household_survival_inputs(setup.household)
    city = load_city(setup.household.city_id)
    return facility_survival_inputs(city, setup.facility_id, setup.household.weather)


def run_survival(inputs: SurvivalInputs, max_duration_h: int) -> SurvivalResult:
    """:func:`resilience.survival_sweep` over the inputs, up to ``max_duration_h`` hours."""
    return survival_sweep(**inputs.sweep_kwargs, max_duration_h=int(max_duration_h))
