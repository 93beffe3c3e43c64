"""Backup systems for the survival sweep: a battery and a generator, and the site they carry.

In the spirit of pvlib's ``PVSystem`` and REopt's ``simulate_outages(d, p)``: a
:class:`BackupSystem` is one small frozen record of everything the sweep needs to
know about the equipment (units in the field names, validated on construction),
and :class:`SurvivalInputs` adds the 8,760-hour critical load and PV of a site.
The engine builds both from its own records — a city's
:class:`~resilience.records.Facility` (:meth:`BackupSystem.from_facility`,
:func:`facility_survival_inputs`) or a V2H :class:`~resilience.records.Household`
(:meth:`BackupSystem.from_household`, :func:`household_survival_inputs`) — so the
layers above only choose which one to sweep.

A survival sweep needs one load and PV value for each of the 8,760 start hours:
they are built over :data:`REFERENCE_YEAR` from 1 January 00:00 local standard
time, which is the start-hour calendar the sweep documents (start ``s`` is hour
``s`` of a non-leap year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from numbers import Real

import numpy as np
import pandas as pd

from resilience.citydata import load_city
from resilience.errors import KizunaInputError
from resilience.facilities import BATTERY_CHARGE_EFFICIENCY, BATTERY_DISCHARGE_EFFICIENCY, generator_burn_l_per_h
from resilience.loads import facility_load_kw, household_load_kw
from resilience.records import (
    MAX_FUEL_INTERCEPT_L_PER_H,
    MAX_FUEL_LITRES,
    MAX_FUEL_SLOPE_L_PER_KWH,
    MAX_POWER_KW,
    MAX_STORAGE_KWH,
    City,
    Facility,
    Household,
    SurvivalSetup,
)
from resilience.result_cache import shared_result_cache
from resilience.solar import pv_ac_kw_per_kwp
from resilience.survival import (
    DEFAULT_FUEL_INTERCEPT_L_PER_H_PER_KW,
    HOURS_PER_YEAR,
    SurvivalResult,
    _number,
    _series,
    survival_sweep,
)
from resilience.timeindex import hourly_index
from resilience.v2h import household_car

#: Year whose hours stand for "every hour of a year" in a sweep: not a leap year, and the year the PV
#: model's typical clear-sky index is calibrated on (resilience.solar).
REFERENCE_YEAR = 2019


@dataclass(frozen=True, eq=False, kw_only=True)
class BackupSystem:
    """A battery and a generator with their state at the outage start: the system :func:`survival_sweep` runs.

    Every field has the default "none of it" (no battery, no generator), so a
    system names only what it has. All values are checked when the record is
    built; the fields then hold floats (``initial_soc`` a float or a read-only
    array of 8,760) and ``fuel_intercept_l_per_h`` its resolved value.

    Every amount has an upper input limit far beyond any real site (docs/model.md, "Input limits"):
    :data:`~resilience.records.MAX_STORAGE_KWH` for the battery, :data:`~resilience.records.MAX_POWER_KW`
    for its inverter and the generator, :data:`~resilience.records.MAX_FUEL_LITRES`,
    :data:`~resilience.records.MAX_FUEL_SLOPE_L_PER_KWH` and
    :data:`~resilience.records.MAX_FUEL_INTERCEPT_L_PER_H` for the fuel; a value must be a number
    (not true/false or text).

    Attributes
    ----------
    battery_kwh : float, default 0
        Usable storage capacity [kWh].
    battery_kw : float, default 0
        Inverter power limit for charge and discharge, on the AC side [kW].
    initial_soc : float or sequence of float, length 8760, default 1.0
        State of charge at the outage start [fraction of ``battery_kwh``, 0–1],
        one value or one per start hour of the year (e.g. a normal-operation
        SOC series). Default: full (*assumption*: a backup battery is held
        full; the hand cases of docs/model.md §9). A value below ``soc_min`` is
        allowed: the battery then cannot discharge until it is charged above
        the floor.
    soc_min : float, default 0
        Floor below which the battery is not discharged [fraction of
        ``battery_kwh``, 0–1]. Default 0 as in REopt; a V2H car keeps its
        mobility reserve (0.3, docs/model.md §5).
    charge_efficiency, discharge_efficiency : float, default 1.0
        η_ch on energy going into storage, η_dis on energy taken out
        [fraction, 0 < η ≤ 1]. Default lossless (docs/model.md §9). REopt puts
        its whole round-trip efficiency (default 0.829) on charge; V2H uses
        0.9 / 0.88 (docs/model.md §5).
    generator_kw : float, default 0
        Generator rating G [kW].
    fuel_litres : float, default 0
        Fuel available for the whole outage, no resupply [L].
    fuel_slope_l_per_kwh : float, default 0.262
        Fuel curve slope m [L/kWh] (docs/model.md §7, fitted to [S61]: a 1 MW
        set burns 138 L/h at half load and 269 L/h at full load).
    fuel_intercept_l_per_h : float, optional
        Absolute idle burn b of the generator [L/h] (not per kW). Default:
        0.007 L/h per kW rated × ``generator_kw`` (docs/model.md §7, [S61]).
    generator_min_turndown : float, default 0
        Lowest output of a running generator [fraction of G, 0–1]. Default 0
        (*assumption*: in an emergency the set is run at any load; REopt's
        default is 0.3).

    Raises
    ------
    KizunaInputError
        Naming every bad value and what is allowed, e.g.
        ``battery_kwh = -5: must be ≥ 0``.

    Examples
    --------
    The battery of docs/model.md §9, and a facility's equipment:

    >>> BackupSystem(battery_kwh=200.0, battery_kw=50.0).battery_kwh
    200.0
    >>> BackupSystem(generator_kw=100.0).fuel_intercept_l_per_h
    0.7000000000000001
    """

    battery_kwh: float = 0.0
    battery_kw: float = 0.0
    initial_soc: float | np.ndarray = 1.0
    soc_min: float = 0.0
    charge_efficiency: float = 1.0
    discharge_efficiency: float = 1.0
    generator_kw: float = 0.0
    fuel_litres: float = 0.0
    fuel_slope_l_per_kwh: float = 0.262
    fuel_intercept_l_per_h: float | None = None
    generator_min_turndown: float = 0.0

    def __post_init__(self):
        problems: list[str] = []
        checked = {
            "battery_kwh": _number("battery_kwh", self.battery_kwh, problems, limit=MAX_STORAGE_KWH),
            "battery_kw": _number("battery_kw", self.battery_kw, problems, limit=MAX_POWER_KW),
        }
        soc = self.initial_soc
        if isinstance(soc, Real) and not isinstance(soc, bool):
            checked["initial_soc"] = _number("initial_soc", soc, problems, high=1.0)
        else:
            series = _series("initial_soc", soc, problems, upper=1.0)
            if series is not None:
                series = series.copy()
                series.setflags(write=False)
            checked["initial_soc"] = series
        checked["soc_min"] = _number("soc_min", self.soc_min, problems, high=1.0)
        for name in ("charge_efficiency", "discharge_efficiency"):
            checked[name] = _number(name, getattr(self, name), problems, high=1.0, low_open=True)
        for name, limit in (("generator_kw", MAX_POWER_KW), ("fuel_litres", MAX_FUEL_LITRES),
                            ("fuel_slope_l_per_kwh", MAX_FUEL_SLOPE_L_PER_KWH)):
            checked[name] = _number(name, getattr(self, name), problems, limit=limit)
        if self.fuel_intercept_l_per_h is None:
            # The default idle burn of a valid rating (a bad rating is reported above, not computed with).
            rating = checked["generator_kw"] if 0 <= checked["generator_kw"] <= MAX_POWER_KW else 0.0
            checked["fuel_intercept_l_per_h"] = float(generator_burn_l_per_h(
                0.0, rating, 0.0, DEFAULT_FUEL_INTERCEPT_L_PER_H_PER_KW))
        else:
            checked["fuel_intercept_l_per_h"] = _number("fuel_intercept_l_per_h", self.fuel_intercept_l_per_h,
                                                        problems, limit=MAX_FUEL_INTERCEPT_L_PER_H)
        checked["generator_min_turndown"] = _number("generator_min_turndown", self.generator_min_turndown,
                                                    problems, high=1.0)
        if problems:
            raise KizunaInputError(problems)
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}=<{np.size(getattr(self, f.name))} values>" if isinstance(getattr(self, f.name), np.ndarray)
            else f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"BackupSystem({shown})"

    @property
    def soc_floor_kwh(self) -> float:
        """Energy below which the battery is not discharged [kWh]: ``soc_min × battery_kwh``."""
        return self.soc_min * self.battery_kwh

    @property
    def turndown_kw(self) -> float:
        """Lowest output of the running generator [kW]: ``generator_min_turndown × generator_kw``."""
        return self.generator_min_turndown * self.generator_kw

    def kernel_params(self) -> tuple[float, ...]:
        """The compiled hourly step's system tuple (absolute units: kWh, kW, L/kWh, L/h).

        ``(battery_kwh, battery_kw, soc_floor_kwh, charge_efficiency, discharge_efficiency, generator_kw,
        fuel_slope_l_per_kwh, fuel_intercept_l_per_h, turndown_kw)``.
        """
        return (self.battery_kwh, self.battery_kw, self.soc_floor_kwh, self.charge_efficiency,
                self.discharge_efficiency, self.generator_kw, self.fuel_slope_l_per_kwh,
                self.fuel_intercept_l_per_h, self.turndown_kw)

    @classmethod
    def from_facility(cls, facility: Facility) -> BackupSystem:
        """A facility's battery and generator at the outage start.

        The tank holds ``fuel_litres`` (the fill at outage start) with no resupply, the battery starts full
        (as in the city run) with the stationary-battery efficiencies of :mod:`resilience.facilities`, and the
        idle burn is the facility's per-kW intercept × its rating
        (:func:`resilience.facilities.generator_burn_l_per_h` at zero output).

        Parameters
        ----------
        facility : resilience.records.Facility

        Returns
        -------
        BackupSystem
        """
        idle_l_per_h = generator_burn_l_per_h(0.0, facility.generator_kw, facility.fuel_slope_l_per_kwh,
                                              facility.fuel_intercept_l_per_h_per_kw)
        return cls(
            battery_kwh=facility.battery_kwh,
            battery_kw=facility.battery_kw,
            initial_soc=1.0,
            soc_min=0.0,
            charge_efficiency=BATTERY_CHARGE_EFFICIENCY,
            discharge_efficiency=BATTERY_DISCHARGE_EFFICIENCY,
            generator_kw=facility.generator_kw,
            fuel_litres=facility.fuel_litres,
            fuel_slope_l_per_kwh=facility.fuel_slope_l_per_kwh,
            fuel_intercept_l_per_h=float(idle_l_per_h),
            generator_min_turndown=facility.generator_min_turndown,
        )

    @classmethod
    def from_household(cls, household: Household, city: City) -> BackupSystem:
        """A V2H household's car as the battery and, for a PHEV with petrol, its engine as the generator.

        The car is a battery of ``C × ceiling`` kWh with ``ceiling = max(SOC_max, SOC0)``, so PV recharges it up
        to the fleet's ``soc_max`` as in the V2H estimate; it starts at ``SOC0 / ceiling`` and stops at
        ``reserve / ceiling`` (at most 1), at the V2H unit's kW, with the fleet's efficiencies. A PHEV's petrol
        is a generator of ``v2h_kw`` burning ``1 / (kWh per litre)`` L/kWh with no idle burn and no turndown, at
        the car's own engine yield (:func:`resilience.v2h.household_car`); the sweep runs it before the battery
        (the V2H estimate uses it after), which changes only how PV surplus is stored.

        Parameters
        ----------
        household : resilience.records.Household
        city : resilience.records.City
            The household's city: its fleet gives the efficiencies, ``soc_max`` and the engine yield of a PHEV
            without its own figure.

        Returns
        -------
        BackupSystem

        Examples
        --------
        A PHEV of C = 11.5 kWh at SOC0 = 0.8 with the fleet's SOC_max = 0.9: 11.5 × 0.9 kWh, starting at 0.8 / 0.9.

        >>> from resilience.citydata import load_city
        >>> car = BackupSystem.from_household(
        ...     Household(vehicle_id="mitsubishi-outlander-phev-2019", soc_start=0.8), load_city("saitama"))
        >>> round(car.battery_kwh, 2), round(car.initial_soc, 4)
        (10.35, 0.8889)
        """
        fleet = city.fleet
        car = household_car(household, city)
        ceiling = max(fleet.soc_max, household.soc_start)
        engine = car.petrol_litres > 0 and car.engine_kwh_per_litre > 0
        return cls(
            battery_kwh=car.battery_kwh * ceiling,
            battery_kw=household.v2h_kw,
            initial_soc=household.soc_start / ceiling if ceiling > 0 else 0.0,
            soc_min=min(household.reserve_soc / ceiling, 1.0) if ceiling > 0 else 0.0,
            charge_efficiency=fleet.charge_efficiency,
            discharge_efficiency=fleet.discharge_efficiency,
            generator_kw=household.v2h_kw if engine else 0.0,
            fuel_litres=car.petrol_litres if engine else 0.0,
            fuel_slope_l_per_kwh=1.0 / car.engine_kwh_per_litre if engine else 0.0,
            fuel_intercept_l_per_h=0.0,
            generator_min_turndown=0.0,
        )


@dataclass(frozen=True, eq=False)
class SurvivalInputs:
    """What one survival sweep carries: a site's year of critical load and PV, and its backup system.

    Attributes
    ----------
    label : str
        The facility's name or the household's car.
    critical_load_kw : numpy.ndarray, shape (8760,)
        Load in each hour of :data:`REFERENCE_YEAR` [kW].
    pv_kw : numpy.ndarray, shape (8760,)
        PV AC output in each hour [kW].
    system : BackupSystem
        Battery and generator.
    """

    label: str
    critical_load_kw: np.ndarray = field(repr=False)
    pv_kw: np.ndarray = field(repr=False)
    system: BackupSystem

    @property
    def annual_load_kwh(self) -> float:
        """Energy of the reference year's load [kWh]."""
        return float(np.sum(self.critical_load_kw))


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
    """Sweep inputs of one facility: its critical load shape and PV over the reference year, and its equipment.

    The equipment is :meth:`BackupSystem.from_facility`.
    """
    facility = find_facility(city, facility_id)
    index = reference_year_index(city.timezone)
    load = facility_load_kw(np.array([facility.critical_load_kw]), [facility.type], index)[:, 0]
    pv = _pv_kw(facility.pv_kwp, city, facility.latitude, facility.longitude, weather, index)
    return SurvivalInputs(label=facility.name, critical_load_kw=load, pv_kw=pv,
                          system=BackupSystem.from_facility(facility))


def household_survival_inputs(household: Household) -> SurvivalInputs:
    """Sweep inputs of the V2H household: its load and home PV over the reference year, its car and engine.

    The load is the essential budget or the city's household load on the city's load shape; the system is
    :meth:`BackupSystem.from_household`.
    """
    city = load_city(household.city_id)
    car = household_car(household, city)
    index = reference_year_index(city.timezone)
    kwh_per_day = household.essential_kwh_per_day if household.load_mode == "essential" else city.household_kwh_per_day
    load = household_load_kw(kwh_per_day, city.load_shape, index)
    pv = _pv_kw(household.pv_kwp, city, city.latitude, city.longitude, household.weather, index)
    return SurvivalInputs(label=car.label, critical_load_kw=load, pv_kw=pv,
                          system=BackupSystem.from_household(household, city))


def survival_inputs(setup: SurvivalSetup) -> SurvivalInputs:
    """The sweep inputs of a Survival-page setup (facility or household)."""
    if setup.source == "household":
        return household_survival_inputs(setup.household)
    city = load_city(setup.household.city_id)
    return facility_survival_inputs(city, setup.facility_id, setup.household.weather)


def run_survival(inputs: SurvivalInputs, max_duration_h: int) -> SurvivalResult:
    """:func:`resilience.survival_sweep` over the inputs, up to ``max_duration_h`` hours.

    Computed once per load, PV, system and horizon for the whole server (:mod:`resilience.result_cache`): the
    Survival page's background worker sweeps, the page's CSV downloads find the same result.
    """
    key = {"critical_load_kw": inputs.critical_load_kw, "pv_kw": inputs.pv_kw, "system": inputs.system,
           "max_duration_h": int(max_duration_h)}
    return shared_result_cache().get_or_compute(
        "survival_sweep", key,
        lambda: survival_sweep(inputs.critical_load_kw, inputs.pv_kw, inputs.system,
                               max_duration_h=int(max_duration_h)))
