"""Backup power for one household from its electric car (V2H), its PV and, for a PHEV, its engine."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from resilience.citydata import load_city
from resilience.errors import KizunaInputError
from resilience.loads import household_load_kw
from resilience.records import City, EVFleet, Household
from resilience.result_cache import shared_result_cache
from resilience.scenarios import PRESETS
from resilience.solar import pv_ac_kw_per_kwp
from resilience.storage import UNMET_TOLERANCE_KWH, dispatch_storage
from resilience.timeindex import hourly_index
from resilience.vehicles import SupplyClaim, engine_kwh_per_litre, phev_engine, supply_claim, vehicle

#: The city fleet's default ``phev_kwh_per_litre`` [kWh/L]: what a PHEV without its own catalogue figure, or a bare
#: ``battery_kwh``, gets in a city that keeps the default (:func:`household_car` reads the city's own value).
FALLBACK_ENGINE_KWH_PER_LITRE: float = EVFleet.model_fields["phev_kwh_per_litre"].default
#: The carmakers' basis for "days of household supply": the car starts full, keeps nothing for driving and no
#: conversion loss is counted (Mitsubishi's figures leave out the V2H unit's losses; Toyota's is the energy at
#: the car's own outlets). State of charge at the start, reserve [fractions] and discharge efficiency [fraction].
CLAIM_BASIS_SOC_START = 1.0
CLAIM_BASIS_RESERVE_SOC = 0.0
CLAIM_BASIS_DISCHARGE_EFFICIENCY = 1.0


def usable_energy_kwh(battery_kwh, soc_start, reserve_soc, discharge_efficiency):
    """Energy a car can deliver to the home before it reaches its mobility reserve.

    ``E = C × max(SOC0 − SOC_reserve, 0) × η_dis`` (docs/model.md §5).

    Parameters
    ----------
    battery_kwh : float or array
        Usable battery capacity C [kWh].
    soc_start, reserve_soc : float or array
        State of charge at the start and the reserve kept for driving [fraction].
    discharge_efficiency : float or array
        Battery-to-home efficiency η_dis of car and V2H unit [fraction].

    Returns
    -------
    float or array
        Deliverable energy [kWh].

    Examples
    --------
    The LEAF example of docs/model.md §5: 40 kWh from full to a 30 % reserve at 88 %.

    >>> round(float(usable_energy_kwh(40, 1.0, 0.3, 0.88)), 2)
    24.64
    """
    return np.asarray(battery_kwh) * np.maximum(np.asarray(soc_start) - reserve_soc, 0.0) * discharge_efficiency


@dataclass(frozen=True)
class V2HEstimate:
    """Result of :func:`v2h_backup` for one household.

    Attributes
    ----------
    usable_kwh : float
        Energy the car can deliver at the start [kWh] (no PV, no engine).
    kwh_per_day : float
        The household's daily load in the chosen mode [kWh/day].
    days_of_backup_energy : float
        ``usable_kwh / kwh_per_day``: the figure carmakers quote [days].
    hours_of_backup : float
        Hours the hourly simulation (with PV and the engine) serves the whole
        load, including the served share of the first short hour [h]; equal
        to the horizon when it never runs short.
    lasts_whole_horizon : bool
        True when the load is served in every hour of the horizon.
    hourly : pandas.DataFrame
        Indexed by local time: ``load_kw``, ``pv_kw``, ``served_pv_kw``,
        ``served_car_kw``, ``served_engine_kw``, ``unserved_kw``, ``soc``.
    engine_kwh_per_litre : float
        Engine yield used [kWh/L] (0 for a BEV).
    petrol_litres : float
        Petrol the engine could burn [L] (0 for a BEV).
    """

    usable_kwh: float
    kwh_per_day: float
    days_of_backup_energy: float
    hours_of_backup: float
    lasts_whole_horizon: bool
    hourly: pd.DataFrame = field(repr=False)
    engine_kwh_per_litre: float = 0.0
    petrol_litres: float = 0.0

    @property
    def engine_kwh(self) -> float:
        """Electricity the engine can make from its petrol [kWh]: ``petrol_litres × engine_kwh_per_litre``."""
        return self.petrol_litres * self.engine_kwh_per_litre

    @property
    def days_of_backup(self) -> float:
        """Hours of backup expressed in days [days]."""
        return self.hours_of_backup / 24.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible summary (the hourly table is left out)."""
        return {
            "usable_kwh": round(self.usable_kwh, 4),
            "kwh_per_day": round(self.kwh_per_day, 4),
            "days_of_backup_energy": round(self.days_of_backup_energy, 4),
            "hours_of_backup": round(self.hours_of_backup, 4),
            "days_of_backup": round(self.days_of_backup, 4),
            "lasts_whole_horizon": self.lasts_whole_horizon,
            "engine_kwh_per_litre": round(self.engine_kwh_per_litre, 4),
            "petrol_litres": round(self.petrol_litres, 4),
        }


def hours_fully_served(load_kw: np.ndarray, served_kw: np.ndarray) -> np.ndarray:
    """Hours served in full before the first short hour, plus that hour's served share.

    Parameters
    ----------
    load_kw, served_kw : arrays of shape (n_hours, ...)
        Load and served load in each hour [kW = kWh per hour].

    Returns
    -------
    array of shape (...)
        Hours of backup [h]; ``n_hours`` where no hour falls short.
    """
    short = (load_kw - served_kw) > UNMET_TOLERANCE_KWH
    n_hours = short.shape[0]
    first = np.where(short.any(axis=0), short.argmax(axis=0), n_hours)
    clipped = np.minimum(first, n_hours - 1)
    load_at = np.take_along_axis(load_kw, clipped[None, ...], axis=0)[0]
    served_at = np.take_along_axis(served_kw, clipped[None, ...], axis=0)[0]
    share = np.divide(served_at, load_at, out=np.zeros_like(served_at, dtype=float), where=load_at > 0)
    return np.where(first < n_hours, first + share, float(n_hours))


@dataclass(frozen=True)
class HouseholdCar:
    """A household's car as the models use it.

    Attributes
    ----------
    label : str
        "brand model variant" of a catalogue car, or its capacity for a bare ``battery_kwh``.
    battery_kwh : float
        Usable battery capacity C [kWh].
    engine_kwh_per_litre : float
        Engine yield [kWh/L]; 0 for a battery-electric car.
    petrol_litres : float
        Petrol the engine may burn [L]: the household's, 0 for a battery-electric car of the catalogue.
    vehicle : pandas.Series or None
        The car's catalogue row (``brand``, ``model``, ``usable_kwh``, claims …); None for a bare ``battery_kwh``.
    """

    label: str
    battery_kwh: float
    engine_kwh_per_litre: float
    petrol_litres: float
    vehicle: pd.Series | None = field(default=None, repr=False)


def household_engine_kwh_per_litre(vehicle_id: str, city: City) -> float:
    """Electricity a litre of the car's petrol gives [kWh/L], as the city model uses it.

    The PHEV's own figure from its carmaker's claim (:func:`resilience.vehicles.engine_kwh_per_litre`, e.g.
    0.76 kWh/L for a Prius PHV 2017), the city fleet's ``phev_kwh_per_litre`` for a PHEV without one, 0 for a BEV.
    """
    return engine_kwh_per_litre(vehicle_id, city.fleet.phev_kwh_per_litre)


def household_car(household: Household, city: City) -> HouseholdCar:
    """The household's car: capacity from the catalogue (or ``battery_kwh``), engine yield and petrol.

    The engine yield is the household's ``engine_kwh_per_litre`` when given, else
    :func:`household_engine_kwh_per_litre` for a catalogue car, else (a bare ``battery_kwh``) the city fleet's
    ``phev_kwh_per_litre``. A battery-electric car of the catalogue burns no petrol.

    Raises
    ------
    KizunaInputError
        For a vehicle that is not in the catalogue.
    """
    if household.vehicle_id is None:
        kwh_per_litre = (city.fleet.phev_kwh_per_litre if household.engine_kwh_per_litre is None
                         else household.engine_kwh_per_litre)
        return HouseholdCar(label=f"{household.battery_kwh:g} kWh car", battery_kwh=float(household.battery_kwh),
                            engine_kwh_per_litre=float(kwh_per_litre), petrol_litres=household.petrol_litres)
    car = vehicle(household.vehicle_id)
    kwh_per_litre = (household_engine_kwh_per_litre(household.vehicle_id, city)
                     if household.engine_kwh_per_litre is None else household.engine_kwh_per_litre)
    return HouseholdCar(
        label=f"{car['brand']} {car['model']} {car['variant']}".strip(),
        battery_kwh=float(car["usable_kwh"]),
        engine_kwh_per_litre=float(kwh_per_litre),
        petrol_litres=household.petrol_litres if car["powertrain"] == "PHEV" else 0.0,
        vehicle=car,
    )


def default_start(city: City) -> dt.datetime:
    """Start of the first outage preset of the city's country (the Tōhoku quake for Japan)."""
    for preset in PRESETS.values():
        if preset.country == city.country:
            return preset.start
    return next(iter(PRESETS.values())).start


def v2h_backup(household: Household, city: City, *, start: dt.datetime | None = None, duration_h: int | None = None,
               flat_load: bool = False) -> V2HEstimate:
    """Estimate how long one household runs on its car in a grid outage (docs/model.md §5).

    Each hour PV serves the load first and its surplus recharges the car up to
    the fleet's ``soc_max``; the car covers the rest down to the household's
    ``reserve_soc``, limited by its ``v2h_kw``; a PHEV's engine covers what is
    still missing from ``petrol_litres`` at its engine yield
    (:func:`household_car`).

    Parameters
    ----------
    household : resilience.records.Household
        The car (a catalogue vehicle or a bare ``battery_kwh``), its state of
        charge at the start and reserve [fractions], the V2H unit's power
        limit [kW], the load mode and essential budget [kWh/day], rooftop PV
        [kWp], petrol [L] and the PV weather.
    city : resilience.records.City
        Gives the location and time zone (PV, daylight), the normal daily load,
        the load shape, and in its fleet the car-to-home and PV-to-car
        efficiencies (0.88 and 0.9, assumptions of docs/model.md §5), the PV
        recharging limit ``soc_max`` and the engine yield of a PHEV without
        its own figure.
    start : datetime.datetime, optional
        Local start of the outage (naive, the city's time zone). Default: the
        household's ``start``, else :func:`default_start`.
    duration_h : int, optional
        Horizon of the hourly simulation [h], 1–8760. Default: the household's
        ``duration_h``.
    flat_load : bool
        Spread the daily load evenly over the hours instead of using the
        city's load shape (for hand checks and carmaker-style figures).

    Returns
    -------
    V2HEstimate

    Raises
    ------
    KizunaInputError
        For an unknown vehicle or a horizon outside 1–8760 h (the household
        record checked its own values).
    """
    car = household_car(household, city)
    start = start or household.start or default_start(city)
    duration_h = household.duration_h if duration_h is None else duration_h
    if isinstance(duration_h, bool) or not isinstance(duration_h, Integral) or not 1 <= duration_h <= 8760:
        raise KizunaInputError(f"v2h: duration_h = {duration_h!r}: must be between 1 and 8760")
    fleet = city.fleet

    index = hourly_index(start, int(duration_h), city.timezone)
    load_mode = household.load_mode
    kwh_per_day = household.essential_kwh_per_day if load_mode == "essential" else city.household_kwh_per_day
    if flat_load:
        load = np.full(len(index), kwh_per_day / 24.0)
    else:
        load = household_load_kw(kwh_per_day, city.load_shape, index)
    pv = household.pv_kwp * pv_ac_kw_per_kwp(
        city.latitude, city.longitude, city.altitude_m, city.timezone, index,
        weather=household.weather, typical_clear_sky_index=city.pv_typical_clear_sky_index,
    )
    served_pv, served_car, served_engine, soc = dispatch_storage(
        load, pv[:, None], np.ones((len(index), 1), dtype=bool),
        np.array([car.battery_kwh]), np.array([household.soc_start]), np.array([household.reserve_soc]),
        soc_max=fleet.soc_max, power_kw=household.v2h_kw,
        discharge_efficiency=fleet.discharge_efficiency, charge_efficiency=fleet.charge_efficiency,
        engine_kwh0=np.array([car.petrol_litres * car.engine_kwh_per_litre]),
    )
    served = served_pv[:, 0, 0] + served_car[:, 0, 0] + served_engine[:, 0, 0]
    hourly = pd.DataFrame(
        {
            "load_kw": load,
            "pv_kw": pv,
            "served_pv_kw": served_pv[:, 0, 0],
            "served_car_kw": served_car[:, 0, 0],
            "served_engine_kw": served_engine[:, 0, 0],
            "unserved_kw": np.maximum(load - served, 0.0),
            "soc": soc[:, 0, 0],
        },
        index=index,
    )
    hours = float(hours_fully_served(load[:, None], served[:, None])[0])
    usable = float(usable_energy_kwh(car.battery_kwh, household.soc_start, household.reserve_soc,
                                     fleet.discharge_efficiency))
    return V2HEstimate(
        usable_kwh=usable,
        kwh_per_day=float(kwh_per_day),
        days_of_backup_energy=usable / kwh_per_day if kwh_per_day > 0 else float("inf"),
        hours_of_backup=hours,
        lasts_whole_horizon=hours >= len(index),
        hourly=hourly,
        engine_kwh_per_litre=car.engine_kwh_per_litre,
        petrol_litres=float(car.petrol_litres) if car.engine_kwh_per_litre > 0 else 0.0,
    )


@dataclass(frozen=True)
class HouseholdBackup:
    """The V2H estimate of a household with the figures the V2H page explains it with.

    Attributes
    ----------
    estimate : V2HEstimate
        Hours and days of backup and the hourly dispatch.
    city : resilience.records.City
    vehicle : pandas.Series or None
        The car's catalogue row (``brand``, ``model``, ``usable_kwh``, claims …); None for a bare ``battery_kwh``.
    battery_kwh : float
        Usable battery capacity C [kWh].
    discharge_efficiency : float
        η of car plus V2H unit [fraction] (the city fleet's value).
    petrol_litres : float
        Petrol the engine may burn [L]: the input for a PHEV, 0 for a BEV.
    start : datetime.datetime
        Local outage start used.
    """

    estimate: V2HEstimate
    city: City
    vehicle: pd.Series | None = field(repr=False)
    battery_kwh: float
    discharge_efficiency: float
    petrol_litres: float
    start: dt.datetime


def household_backup(household: Household) -> HouseholdBackup:
    """:func:`v2h_backup` for the household in its own city, computed once for the whole server.

    The city fleet's efficiencies and SOC limit, the household's inputs, and the car's own PHEV engine
    yield (:func:`household_engine_kwh_per_litre`); a BEV's petrol is ignored. The result is kept in
    :func:`resilience.result_cache.shared_result_cache`, keyed on the household and the city's data.

    Raises
    ------
    KizunaInputError
        For an unknown city or vehicle.
    """
    city = load_city(household.city_id)
    return shared_result_cache().get_or_compute("household_backup", {"household": household, "city": city},
                                                lambda: _household_backup(household, city))


def _household_backup(household: Household, city: City) -> HouseholdBackup:
    car = household_car(household, city)
    start = household.start or default_start(city)
    estimate = v2h_backup(household, city, start=start)
    return HouseholdBackup(estimate=estimate, city=city, vehicle=car.vehicle, battery_kwh=car.battery_kwh,
                           discharge_efficiency=city.fleet.discharge_efficiency, petrol_litres=car.petrol_litres,
                           start=start)


def claim_days_at(backup: HouseholdBackup, kwh_per_day: float) -> float:
    """Days the car's usable energy lasts at a carmaker's daily use [days]: ``E ÷ kWh/day``.

    This is the carmakers' basis (no PV, no engine, no load shape); ``E = C × (SOC0 − reserve) × η``
    (:func:`usable_energy_kwh`).
    """
    if not kwh_per_day > 0:
        raise KizunaInputError(f"claim: kwh_per_day = {kwh_per_day!r}: must be > 0")
    return backup.estimate.usable_kwh / kwh_per_day


def claim_basis_city(city: City) -> City:
    """The city with the claim basis's lossless car-to-home path (:data:`CLAIM_BASIS_DISCHARGE_EFFICIENCY`)."""
    fleet = city.fleet.model_copy(update={"discharge_efficiency": CLAIM_BASIS_DISCHARGE_EFFICIENCY})
    return city.model_copy(update={"fleet": fleet})


@dataclass(frozen=True)
class ClaimCheck:
    """A carmaker's days-of-supply claim beside what Kizuna's model gives on the claim's own basis.

    The claim's basis: the claim's daily load spread evenly over the day, no PV, the car full with no mobility
    reserve and no conversion losses (:data:`CLAIM_BASIS_SOC_START`, :data:`CLAIM_BASIS_RESERVE_SOC`,
    :data:`CLAIM_BASIS_DISCHARGE_EFFICIENCY`), and — when the claim counts the engine — a full tank burnt at the
    car's own engine yield. Kizuna's hourly model is run on that basis.

    Attributes
    ----------
    claim : resilience.vehicles.SupplyClaim
    battery_kwh : float
        Usable battery capacity of the car [kWh].
    battery_energy_kwh : float
        Energy the battery gives on the claim's basis [kWh]: ``battery_kwh × (1 − 0) × 1``.
    engine_kwh_per_litre : float
        The car's engine yield [kWh/L]; 0 when the claim is for the battery alone.
    fuel_tank_litres : float
        The full tank burnt [L]; 0 when the claim is for the battery alone.
    estimate : V2HEstimate
        The hourly run on the claim's basis.
    """

    claim: SupplyClaim
    battery_kwh: float
    battery_energy_kwh: float
    engine_kwh_per_litre: float
    fuel_tank_litres: float
    estimate: V2HEstimate = field(repr=False)

    @property
    def engine_energy_kwh(self) -> float:
        """Electricity from the full tank [kWh]: ``fuel_tank_litres × engine_kwh_per_litre``."""
        return self.fuel_tank_litres * self.engine_kwh_per_litre

    @property
    def total_energy_kwh(self) -> float:
        """Battery plus engine energy on the claim's basis [kWh]."""
        return self.battery_energy_kwh + self.engine_energy_kwh

    @property
    def kizuna_days(self) -> float:
        """Days Kizuna's hourly model serves the claim's load on the claim's basis [days]."""
        return self.estimate.days_of_backup

    @property
    def claim_ratio(self) -> float:
        """Kizuna's days ÷ the nearer end of the claimed range; 1 inside the range [-].

        Above 1 the car lasts longer in Kizuna's model than the carmaker claims, below 1 shorter.
        """
        if self.claim.days <= self.kizuna_days <= self.claim.days_high:
            return 1.0
        nearer = self.claim.days if self.kizuna_days < self.claim.days else self.claim.days_high
        return self.kizuna_days / nearer


def claim_check(vehicle_id: str, *, city: City, start: dt.datetime) -> ClaimCheck | None:
    """Kizuna's model on the carmaker's basis for the car's days-of-supply claim; None when there is no claim.

    Parameters
    ----------
    vehicle_id : str
        A vehicle of the catalogue.
    city : City
        Gives the time zone of the hourly run (the claim's basis has no PV and a flat load, so nothing else of
        the city matters) and the V2H unit's power limit.
    start : datetime.datetime
        Local start of the run.

    Returns
    -------
    ClaimCheck or None

    Examples
    --------
    The 2021 Outlander PHEV: 16.7 kWh usable + 56 L × 1.84 kWh/L = 119.74 kWh at 10 kWh/day.

    >>> from resilience.citydata import load_city
    >>> check = claim_check("mitsubishi-outlander-phev-2021", city=load_city("saitama"),
    ...                     start=dt.datetime(2019, 9, 9, 5))
    >>> round(check.kizuna_days, 3), check.claim.days
    (11.974, 12.0)
    """
    claim = supply_claim(vehicle_id)
    if claim is None:
        return None
    battery_kwh = float(vehicle(vehicle_id)["usable_kwh"])
    engine = phev_engine(vehicle_id) if claim.includes_engine else None
    kwh_per_litre = engine.engine_kwh_per_litre if engine is not None else 0.0
    tank_litres = engine.fuel_tank_litres if engine is not None else 0.0
    battery_energy = float(usable_energy_kwh(battery_kwh, CLAIM_BASIS_SOC_START, CLAIM_BASIS_RESERVE_SOC,
                                             CLAIM_BASIS_DISCHARGE_EFFICIENCY))
    expected_days = (battery_energy + tank_litres * kwh_per_litre) / claim.kwh_per_day
    duration_h = int(min(8760, math.ceil(expected_days * 24) + 24))
    household = Household(
        city_id=city.id, vehicle_id=vehicle_id, soc_start=CLAIM_BASIS_SOC_START,
        reserve_soc=CLAIM_BASIS_RESERVE_SOC, v2h_kw=city.fleet.v2h_kw, load_mode="essential",
        essential_kwh_per_day=claim.kwh_per_day, pv_kwp=0.0, petrol_litres=tank_litres,
        engine_kwh_per_litre=kwh_per_litre,
    )
    estimate = v2h_backup(household, claim_basis_city(city), start=start, duration_h=duration_h, flat_load=True)
    return ClaimCheck(claim=claim, battery_kwh=battery_kwh, battery_energy_kwh=battery_energy,
                      engine_kwh_per_litre=kwh_per_litre, fuel_tank_litres=tank_litres, estimate=estimate)
