"""Filling stations in an outage: which can pump, what they sell, how long stock lasts (docs/model.md §6).

The petrol balance holds with no outage: stations are resupplied at the rate
their customers buy, so stock and days of supply stay flat. Only the event
disturbs it, in two ways:

- **power**: a station without grid or backup power cannot pump. Its stock is
  out of reach (not gone) until its power returns, and it takes no deliveries.
- **supply**: the event's own supply shock (2011: tankers delivered one third
  of normal for about two weeks) scales the city's tanker capacity.

Each district's stations are kept in three pools so that a station sells only
its own stock: those with backup power, those without backup that have grid
in the hour, and those without backup or grid. When grid returns to a share of
the district the matching share of the dark pool's stock moves to the powered
pool; when it goes (rolling blackouts) the matching share moves back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from resilience.records import PetrolSupply
from resilience.timeindex import HOURS_PER_DAY

#: Outside a supply shock tankers can bring this much of the normal demand (assumption): 20 % more
#: than is sold, so stations rebuild their stock within about two weeks after a shock, as the 2011
#: backlog cleared in the fourth week [S8]. It changes nothing in a steady state, where stations only
#: reorder what they sold.
TANKER_CAPACITY_OF_NORMAL = 1.2


@dataclass(frozen=True)
class PetrolResult:
    """Hourly petrol state per district; every array has shape (n_hours, n_districts) unless stated.

    Attributes
    ----------
    stations_operating : array
        Stations able to pump (grid or backup power) [count, fractional].
    stock_litres : array
        Stock held by all the district's stations at the end of the hour,
        reachable or not [L].
    reachable_stock_litres : array
        Stock held by the stations able to pump at the end of the hour [L].
    sold_litres, wanted_litres, delivered_litres : array
        Petrol sold, petrol drivers came for and petrol delivered in the hour [L].
    days_of_supply : array
        Reachable stock ÷ the district's normal daily demand [days] (``inf``
        where the district has no demand).
    normal_daily_litres : array of shape (n_districts,)
        Normal daily demand of the district's cars, which normal deliveries
        match [L/day].
    supply_share : array of shape (n_hours,)
        Tanker capacity as a share of normal deliveries in each hour (1 =
        normal) [fraction].
    litres_per_vehicle_bought : array of shape (n_hours,)
        City-wide petrol bought per vehicle in each hour [L]; it feeds PHEV
        engine recharge.
    """

    stations_operating: np.ndarray
    stock_litres: np.ndarray
    reachable_stock_litres: np.ndarray
    sold_litres: np.ndarray
    wanted_litres: np.ndarray
    delivered_litres: np.ndarray
    days_of_supply: np.ndarray
    normal_daily_litres: np.ndarray
    supply_share: np.ndarray
    litres_per_vehicle_bought: np.ndarray


@njit(cache=True)
def _station_pools_walk(backup_stock0, plain_stock0, grid_share, wanted, tanker_litres):  # pragma: no cover
    """Hour loop over the three station pools of every district (see the module docstring)."""
    n_hours, n_districts = wanted.shape
    backup = backup_stock0.copy()
    powered = np.zeros(n_districts)
    dark = plain_stock0.copy()
    previous_share = np.zeros(n_districts)
    stock = np.empty((n_hours, n_districts))
    reachable = np.empty((n_hours, n_districts))
    sold = np.empty((n_hours, n_districts))
    delivered = np.zeros((n_hours, n_districts))
    backup_room = np.zeros(n_districts)
    powered_room = np.zeros(n_districts)
    for t in range(n_hours):
        for d in range(n_districts):
            # Stations without backup follow their district's grid share, each with its own stock.
            share = grid_share[t, d]
            before = previous_share[d]
            if share > before:
                moved = dark[d] * (share - before) / (1.0 - before)
                dark[d] -= moved
                powered[d] += moved
            elif share < before:
                moved = powered[d] * (before - share) / before
                powered[d] -= moved
                dark[d] += moved
            previous_share[d] = share
            # Drivers buy at the stations that can pump, from those stations' own stock.
            open_stock = backup[d] + powered[d]
            s = min(wanted[t, d], open_stock)
            if s > 0.0:
                from_backup = s * backup[d] / open_stock
                backup[d] -= from_backup
                powered[d] -= s - from_backup
            sold[t, d] = s
            backup_room[d] = max(backup_stock0[d] - backup[d], 0.0)
            powered_room[d] = max(plain_stock0[d] * share - powered[d], 0.0)
        # Tankers refill the stations that can pump up to their normal stock, in proportion to what each misses.
        total_room = backup_room.sum() + powered_room.sum()
        if total_room > 0.0 and tanker_litres[t] > 0.0:
            scale = min(1.0, tanker_litres[t] / total_room)
            for d in range(n_districts):
                backup[d] += backup_room[d] * scale
                powered[d] += powered_room[d] * scale
                delivered[t, d] = (backup_room[d] + powered_room[d]) * scale
        for d in range(n_districts):
            stock[t, d] = backup[d] + powered[d] + dark[d]
            reachable[t, d] = backup[d] + powered[d]
    return stock, reachable, sold, delivered


def supply_share_of_normal(n_hours: int, shock_share: float | None, shock_h: float | None) -> np.ndarray:
    """Tanker capacity as a share of normal deliveries, hour by hour [fraction].

    Parameters
    ----------
    n_hours : int
    shock_share : float or None
        Deliveries during the event's supply shock as a share of normal
        (2011: one third) [fraction]; ``None``: no shock.
    shock_h : float or None
        Length of the shock from hour 0 [h] (2011: 14 days); afterwards
        deliveries are back to normal.

    Returns
    -------
    numpy.ndarray, shape (n_hours,)
    """
    share = np.ones(n_hours)
    if shock_share is not None and shock_h is not None:
        share[np.arange(n_hours) < shock_h] = shock_share
    return share


def simulate_petrol(
    supply: PetrolSupply,
    stations: np.ndarray,
    backup_share: np.ndarray,
    households: np.ndarray,
    grid_share: np.ndarray,
    *,
    ration_litres: float | None = None,
    supply_share: np.ndarray | None = None,
) -> PetrolResult:
    """Walk the petrol stock of each district's filling stations hour by hour.

    Drivers want ``vehicles × min(normal demand per day, ration) / 24`` litres
    an hour (at most one rationed visit a day). They buy at the stations that
    can pump (grid or backup power), each selling only its own stock. Tankers
    bring up to the city's normal daily demand ÷ 24 × ``supply_share`` litres
    an hour during a supply shock, and up to :data:`TANKER_CAPACITY_OF_NORMAL`
    × that outside one, refilling the stations that can pump up to their
    normal stock, in proportion to what each is missing. With grid everywhere
    and no shock this is a steady state: deliveries equal sales.

    Parameters
    ----------
    supply : PetrolSupply
        Normal stock per station, vehicles per household, normal demand and ration.
    stations, backup_share, households : arrays of shape (n_districts,)
        Filling stations, the share of them with backup power [fraction] and
        households, per district.
    grid_share : array of shape (n_hours, n_districts)
        Share of customers with grid supply [fraction].
    ration_litres : float, optional
        Overrides ``supply.ration_litres_per_visit`` [L per car and day].
    supply_share : array of shape (n_hours,), optional
        Tanker capacity as a share of normal (:func:`supply_share_of_normal`);
        default 1 in every hour [fraction].

    Returns
    -------
    PetrolResult
    """
    ration = supply.ration_litres_per_visit if ration_litres is None else ration_litres
    stations = np.asarray(stations, dtype=float)
    backup_share = np.asarray(backup_share, dtype=float)
    grid_share = np.clip(np.asarray(grid_share, dtype=float), 0.0, 1.0)
    n_hours = grid_share.shape[0]
    supply_share = np.ones(n_hours) if supply_share is None else np.asarray(supply_share, dtype=float)
    vehicles = np.asarray(households, dtype=float) * supply.vehicles_per_household
    normal_daily_litres = vehicles * supply.demand_litres_per_vehicle_per_day
    litres_per_vehicle_hour = min(supply.demand_litres_per_vehicle_per_day, ration) / HOURS_PER_DAY
    wanted = np.broadcast_to(vehicles * litres_per_vehicle_hour, grid_share.shape).copy()
    capacity_share = np.where(supply_share >= 1.0, TANKER_CAPACITY_OF_NORMAL, supply_share)
    tanker_litres = normal_daily_litres.sum() / HOURS_PER_DAY * capacity_share
    stock0 = stations * supply.stock_litres_per_station
    stock, reachable, sold, delivered = _station_pools_walk(
        stock0 * backup_share, stock0 * (1.0 - backup_share), np.ascontiguousarray(grid_share), wanted,
        np.ascontiguousarray(tanker_litres),
    )
    with np.errstate(over="ignore"):  # a vanishing demand gives an infinite number of days, as it should
        days = np.divide(reachable, normal_daily_litres[None, :], out=np.full_like(reachable, np.inf),
                         where=normal_daily_litres[None, :] > 0)
    total_vehicles = vehicles.sum()
    per_vehicle = sold.sum(axis=1) / total_vehicles if total_vehicles > 0 else np.zeros(n_hours)
    operating_share = grid_share + (1.0 - grid_share) * backup_share[None, :]
    return PetrolResult(
        stations_operating=stations[None, :] * operating_share,
        stock_litres=stock,
        reachable_stock_litres=reachable,
        sold_litres=sold,
        wanted_litres=wanted,
        delivered_litres=delivered,
        days_of_supply=days,
        normal_daily_litres=normal_daily_litres,
        supply_share=supply_share,
        litres_per_vehicle_bought=per_vehicle,
    )
