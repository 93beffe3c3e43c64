"""Backup power for one household from its electric car (V2H), its PV and, for a PHEV, its engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from resilience.errors import KizunaInputError
from resilience.loads import household_load_kw
from resilience.records import City
from resilience.solar import pv_ac_kw_per_kwp
from resilience.storage import UNMET_TOLERANCE_KWH, dispatch_storage
from resilience.timeindex import hourly_index
from resilience.vehicles import vehicle


def usable_energy_kwh(battery_kwh, soc_start, reserve_soc, discharge_efficiency):
    """Energy a car can deliver to the home before it reaches its mobility reserve.

    ``E = C × max(SOC0 − SOC_reserve, 0) × η_dis`` (MODEL §5).

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
    The LEAF example of FACTS G: 40 kWh from full to a 30 % reserve at 88 %.

    >>> round(usable_energy_kwh(40, 1.0, 0.3, 0.88), 2)
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
    """

    usable_kwh: float
    kwh_per_day: float
    days_of_backup_energy: float
    hours_of_backup: float
    lasts_whole_horizon: bool
    hourly: pd.DataFrame = field(repr=False)

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


def v2h_backup(
    *,
    city: City,
    start: dt.datetime,
    battery_kwh: float | None = None,
    vehicle_id: str | None = None,
    soc_start: float = 1.0,
    reserve_soc: float = 0.3,
    v2h_kw: float = 6.0,
    discharge_efficiency: float = 0.88,
    charge_efficiency: float = 0.9,
    soc_max: float = 0.9,
    load_mode: str = "essential",
    essential_kwh_per_day: float = 3.0,
    pv_kwp: float = 0.0,
    weather: str = "typical",
    petrol_litres: float = 0.0,
    engine_kwh_per_litre: float = 2.2,
    duration_h: int = 720,
    flat_load: bool = False,
) -> V2HEstimate:
    """Estimate how long one household runs on its car in a grid outage (MODEL §5).

    Each hour PV serves the load first and its surplus recharges the car up to
    ``soc_max``; the car covers the rest down to ``reserve_soc``, limited by
    ``v2h_kw``; a PHEV's engine covers what is still missing from
    ``petrol_litres`` at ``engine_kwh_per_litre``.

    Parameters
    ----------
    city : City
        Gives the location and time zone (PV, daylight), the normal daily load
        and the load shape.
    start : datetime.datetime
        Local start of the outage (naive, the city's time zone).
    battery_kwh : float, optional
        Usable battery capacity of the car [kWh].
    vehicle_id : str, optional
        A vehicle of the catalogue (:func:`resilience.vehicles.vehicle_catalogue`);
        its usable kWh is used. Give exactly one of ``battery_kwh`` and
        ``vehicle_id``.
    soc_start, reserve_soc, soc_max : float
        State of charge at the start, the mobility reserve, and the limit of
        PV recharging [fractions]. Defaults: 1.0, 0.3 (MODEL §5), 0.9.
    v2h_kw : float
        Power limit of the V2H unit [kW]; 6 kW (FACTS C1).
    discharge_efficiency, charge_efficiency : float
        0.88 (FACTS G, derived) and 0.9 (MODEL §5).
    load_mode : {"essential", "full"}
        Essential budget or the city's normal household load.
    essential_kwh_per_day : float
        Essential budget [kWh/day]; 3.0 comfort, 1.5 minimum (FACTS B3).
    pv_kwp : float
        Rooftop PV of the home [kWp], 0 for none.
    weather : {"clear", "typical", "overcast"}
        Clear-sky index applied to PV (MODEL §4).
    petrol_litres : float
        Petrol a PHEV can burn for electricity [L]; 0 for a BEV.
    engine_kwh_per_litre : float
        PHEV engine yield [kWh/L]; 2.2 (MODEL §5, assumption).
    duration_h : int
        Horizon of the hourly simulation [h].
    flat_load : bool
        Spread the daily load evenly over the hours instead of using the
        city's load shape (for hand checks and carmaker-style figures).

    Returns
    -------
    V2HEstimate
    """
    if (battery_kwh is None) == (vehicle_id is None):
        raise KizunaInputError("v2h: give exactly one of battery_kwh and vehicle_id")
    if vehicle_id is not None:
        battery_kwh = float(vehicle(vehicle_id)["usable_kwh"])
    checks = {
        "battery_kwh": (battery_kwh, 0, None),
        "soc_start": (soc_start, 0, 1),
        "reserve_soc": (reserve_soc, 0, 1),
        "soc_max": (soc_max, 0, 1),
        "v2h_kw": (v2h_kw, 0, None),
        "discharge_efficiency": (discharge_efficiency, 1e-9, 1),
        "charge_efficiency": (charge_efficiency, 1e-9, 1),
        "essential_kwh_per_day": (essential_kwh_per_day, 0, None),
        "pv_kwp": (pv_kwp, 0, None),
        "petrol_litres": (petrol_litres, 0, None),
        "engine_kwh_per_litre": (engine_kwh_per_litre, 0, None),
        "duration_h": (duration_h, 1, 8760),
    }
    problems = []
    for name, (value, low, high) in checks.items():
        if not np.isfinite(value) or value < low or (high is not None and value > high):
            allowed = f"between {low:g} and {high:g}" if high is not None else f"≥ {low:g}"
            problems.append(f"v2h: {name} = {value!r}: must be {allowed}")
    if load_mode not in ("essential", "full"):
        problems.append(f"v2h: load_mode = {load_mode!r}: must be 'essential' or 'full'")
    if problems:
        raise KizunaInputError(problems)

    index = hourly_index(start, int(duration_h), city.timezone)
    kwh_per_day = essential_kwh_per_day if load_mode == "essential" else city.household_kwh_per_day
    if flat_load:
        load = np.full(len(index), kwh_per_day / 24.0)
    else:
        load = household_load_kw(kwh_per_day, city.load_shape, index)
    pv = pv_kwp * pv_ac_kw_per_kwp(
        city.latitude, city.longitude, city.altitude_m, city.timezone, index,
        weather=weather, typical_clear_sky_index=city.pv_typical_clear_sky_index,
    )
    served_pv, served_car, served_engine, soc = dispatch_storage(
        load, pv[:, None], np.ones((len(index), 1), dtype=bool),
        np.array([battery_kwh]), np.array([soc_start]), np.array([reserve_soc]),
        soc_max=soc_max, power_kw=v2h_kw,
        discharge_efficiency=discharge_efficiency, charge_efficiency=charge_efficiency,
        engine_kwh0=np.array([petrol_litres * engine_kwh_per_litre]),
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
    usable = float(usable_energy_kwh(battery_kwh, soc_start, reserve_soc, discharge_efficiency))
    return V2HEstimate(
        usable_kwh=usable,
        kwh_per_day=float(kwh_per_day),
        days_of_backup_energy=usable / kwh_per_day if kwh_per_day > 0 else float("inf"),
        hours_of_backup=hours,
        lasts_whole_horizon=hours >= len(index),
        hourly=hourly,
    )
