"""Filling stations in an outage: which can pump, how much they sell, how long stock lasts (MODEL §6)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from resilience.records import PetrolSupply


@dataclass(frozen=True)
class PetrolResult:
    """Hourly petrol state per district; every array has shape (n_hours, n_districts).

    Attributes
    ----------
    stations_operating : array
        Stations able to pump (grid or backup power) [count, fractional].
    stock_litres : array
        Stock held by the district's stations at the end of the hour [L].
    sold_litres, wanted_litres : array
        Petrol sold and petrol drivers came for in the hour [L].
    days_of_supply : array
        Stock at the end of the hour divided by the daily demand [days].
    litres_per_vehicle_bought : array of shape (n_hours,)
        City-wide petrol bought per vehicle in each hour [L]; it feeds PHEV
        engine recharge.
    """

    stations_operating: np.ndarray
    stock_litres: np.ndarray
    sold_litres: np.ndarray
    wanted_litres: np.ndarray
    days_of_supply: np.ndarray
    litres_per_vehicle_bought: np.ndarray


@njit(cache=True)
def _stock_walk(stock0, wanted, accessible_share, resupply):  # pragma: no cover - compiled
    n_hours, n_districts = wanted.shape
    stock = np.empty((n_hours, n_districts))
    sold = np.empty((n_hours, n_districts))
    level = stock0.copy()
    for t in range(n_hours):
        for d in range(n_districts):
            level[d] += resupply[t, d]
            s = min(wanted[t, d], level[d] * accessible_share[t, d])
            level[d] -= s
            sold[t, d] = s
            stock[t, d] = level[d]
    return stock, sold


def simulate_petrol(
    supply: PetrolSupply,
    stations: np.ndarray,
    backup_share: np.ndarray,
    households: np.ndarray,
    grid_share: np.ndarray,
    *,
    ration_litres: float | None = None,
) -> PetrolResult:
    """Walk the petrol stock of each district's filling stations hour by hour.

    A station pumps in hour ``t`` if its district has grid supply or the
    station has backup power, so the operating share is
    ``g + (1 − g) × backup_share``. Drivers want
    ``vehicles × min(demand per day, ration) / 24`` litres an hour (one
    rationed visit a day at most) and buy it at the operating stations, whose
    share of the district's stock is all they can reach. Deliveries restart
    after ``resupply_delay_h`` at ``resupply_share_of_normal`` of the normal
    rate (FACTS A1.5: one third of normal in Tōhoku, 2011).

    Parameters
    ----------
    supply : PetrolSupply
        Stock, demand, ration and resupply parameters.
    stations, backup_share, households : arrays of shape (n_districts,)
        Filling stations, the share of them with backup power [fraction] and
        households, per district.
    grid_share : array of shape (n_hours, n_districts)
        Share of customers with grid supply [fraction].
    ration_litres : float, optional
        Overrides ``supply.ration_litres_per_visit`` [L].

    Returns
    -------
    PetrolResult
    """
    ration = supply.ration_litres_per_visit if ration_litres is None else ration_litres
    stations = np.asarray(stations, dtype=float)
    grid_share = np.asarray(grid_share, dtype=float)
    n_hours = grid_share.shape[0]
    operating_share = grid_share + (1.0 - grid_share) * np.asarray(backup_share, dtype=float)
    vehicles = np.asarray(households, dtype=float) * supply.vehicles_per_household
    litres_per_vehicle_hour = min(supply.demand_litres_per_vehicle_per_day, ration) / 24.0
    wanted = np.broadcast_to(vehicles * litres_per_vehicle_hour, grid_share.shape).copy()
    hours = np.arange(n_hours)[:, None]
    delivery_per_hour = (
        stations * supply.normal_delivery_litres_per_station_per_day * supply.resupply_share_of_normal / 24.0
    )
    resupply = np.where(hours >= supply.resupply_delay_h, delivery_per_hour, 0.0)
    stock0 = stations * supply.stock_litres_per_station
    stock, sold = _stock_walk(stock0, wanted, operating_share, resupply)
    daily_demand = wanted * 24.0
    days = np.divide(stock, daily_demand, out=np.full_like(stock, np.inf), where=daily_demand > 0)
    total_vehicles = vehicles.sum()
    per_vehicle = sold.sum(axis=1) / total_vehicles if total_vehicles > 0 else np.zeros(n_hours)
    return PetrolResult(
        stations_operating=stations * operating_share,
        stock_litres=stock,
        sold_litres=sold,
        wanted_litres=wanted,
        days_of_supply=days,
        litres_per_vehicle_bought=per_vehicle,
    )
