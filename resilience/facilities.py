"""Critical facilities in an outage: grid, PV, generator and battery, with diesel resupply (docs/model.md §7)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from resilience.records import FACILITY_PRIORITY, DieselSupply, Facility
from resilience.timeindex import HOURS_PER_DAY

#: Battery efficiencies of facility storage (assumption: a stationary Li-ion system, ≈ 90 % round trip).
BATTERY_CHARGE_EFFICIENCY = 0.95
BATTERY_DISCHARGE_EFFICIENCY = 0.95

FLOWS = ("grid_kwh", "pv_kwh", "generator_kwh", "battery_kwh", "unserved_kwh")

#: A depot delivery tops a site's tank up to this many hours of running at its critical load
#: (assumption: tankers bring a day's fuel per run, so a site with fuel left does not draw on the
#: depot before it needs to and more diesel at one site never takes deliveries from another).
REFILL_TARGET_H = 24.0

#: A site's backup is adequate when its generator can carry at least this share of its mean
#: critical load (assumption). Below it the site falls short from the first hour by design.
ADEQUATE_BACKUP_SHARE = 0.8


def generator_burn_l_per_h(output_kw, generator_kw, fuel_slope_l_per_kwh, fuel_intercept_l_per_h_per_kw):
    """Diesel a generator burns in an hour at an output [L/h] (docs/model.md §7).

    ``m × P + b`` with ``m`` the slope [L/kWh], ``P`` the output [kW] and
    ``b = fuel_intercept_l_per_h_per_kw × G`` the idle burn of a set of ``G`` kW
    rating; zero for a site without a generator.

    Parameters
    ----------
    output_kw : float or array
        Electrical output, at most ``generator_kw`` [kW].
    generator_kw : float or array
        Rating [kW].
    fuel_slope_l_per_kwh : float or array
        ``m`` [L/kWh].
    fuel_intercept_l_per_h_per_kw : float or array
        Idle burn per kW of rating [L/h/kW].

    Returns
    -------
    float or numpy.ndarray
        [L/h]

    Examples
    --------
    A 100-kW set carrying a 40-kW hospital load at 0.262 L/kWh with 0.007 L/h idle burn per kW:
    ``0.262 × 40 + 0.007 × 100``.

    >>> round(float(generator_burn_l_per_h(40.0, 100.0, 0.262, 0.007)), 2)
    11.18

    The output cannot exceed the rating, and a site without a generator burns nothing:

    >>> round(float(generator_burn_l_per_h(150.0, 100.0, 0.262, 0.007)), 2)
    26.9
    >>> float(generator_burn_l_per_h(0.0, 0.0, 0.262, 0.007))
    0.0
    """
    generator_kw = np.asarray(generator_kw, dtype=float)
    output = np.minimum(np.asarray(output_kw, dtype=float), generator_kw)
    burn = fuel_slope_l_per_kwh * output + np.asarray(fuel_intercept_l_per_h_per_kw) * generator_kw
    return np.where(generator_kw > 0, burn, 0.0)


def burn_at_critical_load_l_per_h(facilities: tuple[Facility, ...]) -> np.ndarray:
    """Each facility's generator burn while carrying its mean critical load (or all it can) [L/h]."""
    return generator_burn_l_per_h(
        np.array([f.critical_load_kw for f in facilities], dtype=float),
        np.array([f.generator_kw for f in facilities], dtype=float),
        np.array([f.fuel_slope_l_per_kwh for f in facilities], dtype=float),
        np.array([f.fuel_intercept_l_per_h_per_kw for f in facilities], dtype=float),
    )


def own_tank_hours(facilities: tuple[Facility, ...], diesel_multiplier: float = 1.0) -> np.ndarray:
    """Hours each facility's own tank runs its generator at its mean critical load [h].

    ``fuel_litres × multiplier ÷ burn at critical load``; ``nan`` for a site without a generator.
    """
    burn = burn_at_critical_load_l_per_h(facilities)
    fuel = np.array([f.fuel_litres for f in facilities], dtype=float) * diesel_multiplier
    return np.divide(fuel, burn, out=np.full(len(facilities), np.nan), where=burn > 0)


def has_adequate_backup(facilities: tuple[Facility, ...]) -> np.ndarray:
    """Whether each site's generator can carry :data:`ADEQUATE_BACKUP_SHARE` of its mean critical load.

    Sites with no generator, or a set far below their load (e.g. a 3 kW set for a
    10 kW shelter), fall short by design; they are counted and named apart
    rather than setting the city's critical autonomy.
    """
    load = np.array([f.critical_load_kw for f in facilities], dtype=float)
    generator = np.array([f.generator_kw for f in facilities], dtype=float)
    return (load <= 0) | (generator >= ADEQUATE_BACKUP_SHARE * load)


@dataclass(frozen=True)
class FacilityRun:
    """Hourly dispatch of every facility; arrays have shape (n_hours, n_facilities) unless stated.

    Attributes
    ----------
    demand_kwh, grid_kwh, pv_kwh, generator_kwh, battery_kwh, unserved_kwh : array
        Critical load and how it was met in each hour [kWh]; ``battery_kwh`` is
        discharge to the load. ``grid_kwh + pv_kwh + generator_kwh +
        battery_kwh + unserved_kwh == demand_kwh`` in every hour.
    fuel_litres : array
        Diesel in the tank at the end of the hour [L].
    burned_litres, delivered_litres : array
        Diesel burned and delivered in the hour [L].
    soc_kwh : array
        Battery energy at the end of the hour [kWh].
    depot_litres : array of shape (n_hours,)
        Diesel left in the city depot at the end of the hour [L].
    """

    demand_kwh: np.ndarray
    grid_kwh: np.ndarray
    pv_kwh: np.ndarray
    generator_kwh: np.ndarray
    battery_kwh: np.ndarray
    unserved_kwh: np.ndarray
    fuel_litres: np.ndarray
    burned_litres: np.ndarray
    delivered_litres: np.ndarray
    soc_kwh: np.ndarray
    depot_litres: np.ndarray


@njit(cache=True)
def _dispatch_facilities(load, pv, grid_up, gen_kw, slope, intercept, turndown, battery_kwh, battery_kw,
                         eta_ch, eta_dis, fuel0, tank, refill_target, burn_at_load, priority, depot0,
                         first_delivery_h, delivery_per_hour):  # pragma: no cover - compiled
    n_hours, n_fac = load.shape
    grid = np.zeros((n_hours, n_fac))
    from_pv = np.zeros((n_hours, n_fac))
    from_gen = np.zeros((n_hours, n_fac))
    from_bat = np.zeros((n_hours, n_fac))
    unserved = np.zeros((n_hours, n_fac))
    fuel_out = np.zeros((n_hours, n_fac))
    burned = np.zeros((n_hours, n_fac))
    delivered = np.zeros((n_hours, n_fac))
    soc_out = np.zeros((n_hours, n_fac))
    depot_out = np.zeros(n_hours)
    fuel = fuel0.copy()
    soc = battery_kwh.copy()
    depot = depot0
    key = np.empty(n_fac)
    for t in range(n_hours):
        if t >= first_delivery_h and depot > 0.0:
            # Sites running on their own power this hour are topped up to a day of running, by type
            # priority, the site with the fewest hours of fuel left first (docs/model.md §1 and §7).
            budget = min(delivery_per_hour, depot)
            for f in range(n_fac):
                hours_left = fuel[f] / burn_at_load[f] if burn_at_load[f] > 0.0 else 1e9
                key[f] = priority[f] * 1e10 + min(hours_left, 1e9)
            order = np.argsort(key)
            # First an hour of running for every site in need, then the top-up to a day: so one site's
            # refill never leaves another dry in the same hour while the hour's deliveries would cover both.
            for first_pass in (True, False):
                for f in order:
                    if budget <= 0.0:
                        break
                    if grid_up[t, f]:
                        continue
                    target = refill_target[f]
                    if first_pass and gen_kw[f] > 0.0:
                        target = min(target, slope[f] * min(load[t, f], gen_kw[f]) + intercept[f])
                    room = target - fuel[f]
                    if room > 0.0:
                        given = min(room, budget)
                        fuel[f] += given
                        budget -= given
                        depot -= given
                        delivered[t, f] += given
        for f in range(n_fac):
            need = load[t, f]
            room = battery_kwh[f] - soc[f]
            if grid_up[t, f]:
                grid[t, f] = need
                soc[f] += min(battery_kw[f] * eta_ch, room)
            else:
                used_pv = min(need, pv[t, f])
                rest = need - used_pv
                surplus = pv[t, f] - used_pv
                if surplus > 0.0 and room > 0.0:
                    soc[f] += min(surplus * eta_ch, battery_kw[f] * eta_ch, room)
                power = 0.0
                if rest > 0.0 and gen_kw[f] > 0.0 and fuel[f] > intercept[f]:
                    power = min(rest, gen_kw[f])
                    if slope[f] > 0.0:
                        power = min(power, (fuel[f] - intercept[f]) / slope[f])
                    floor = turndown[f] * gen_kw[f]
                    if power < floor:
                        affordable = (fuel[f] - intercept[f]) / slope[f] if slope[f] > 0.0 else floor
                        produced = min(floor, affordable)
                        spare = produced - power
                        soc[f] += min(spare * eta_ch, battery_kwh[f] - soc[f])
                        burn = slope[f] * produced + intercept[f]
                    else:
                        burn = slope[f] * power + intercept[f]
                    fuel[f] = max(fuel[f] - burn, 0.0)
                    burned[t, f] = burn
                    rest -= power
                discharge = 0.0
                if rest > 0.0 and soc[f] > 0.0:
                    discharge = min(rest, battery_kw[f], soc[f] * eta_dis)
                    soc[f] -= discharge / eta_dis
                    rest -= discharge
                from_pv[t, f] = used_pv
                from_gen[t, f] = power
                from_bat[t, f] = discharge
                unserved[t, f] = rest
            fuel_out[t, f] = fuel[f]
            soc_out[t, f] = soc[f]
        depot_out[t] = depot
    return grid, from_pv, from_gen, from_bat, unserved, fuel_out, burned, delivered, soc_out, depot_out


def dispatch_facilities(
    facilities: tuple[Facility, ...],
    load_kw: np.ndarray,
    pv_kw: np.ndarray,
    grid_up: np.ndarray,
    diesel: DieselSupply,
    *,
    diesel_multiplier: float = 1.0,
    resupply_delay_h: float | None = None,
) -> FacilityRun:
    """Dispatch every facility hour by hour and hand out depot diesel by priority.

    Each hour, a facility with grid takes its load from the grid and
    recharges its battery. Without grid, PV serves first and its surplus
    charges the battery; then the generator runs, delivering
    ``min(rest, G, (fuel − b) / m)`` and burning ``m × P + b`` litres
    (``b = fuel_intercept_l_per_h_per_kw × G``); below its minimum turndown it
    still produces ``turndown × G`` and the surplus charges the battery; then
    the battery covers what is left. From ``first_delivery_h`` on the depot
    hands out up to ``delivery_litres_per_day / 24`` litres an hour to the
    sites without grid in that hour, topping each up to
    :data:`REFILL_TARGET_H` hours of running at its critical load (or its
    tank): hospitals first, then water, telecom, shelters, city hall and
    others, and within a type the site with the fewest hours of fuel left first.

    Parameters
    ----------
    facilities : tuple of Facility
    load_kw, pv_kw : arrays of shape (n_hours, n_facilities)
        Critical load and PV output [kW].
    grid_up : bool array of shape (n_hours, n_facilities)
    diesel : DieselSupply
    diesel_multiplier : float
        Scales all diesel held in the city at the start: tanks (capacity and
        fill) and the depot stock. 2 means "double the diesel stock".
    resupply_delay_h : float, optional
        Overrides ``diesel.first_delivery_h`` [h].

    Returns
    -------
    FacilityRun
    """
    n_hours = load_kw.shape[0]
    n_fac = len(facilities)
    if n_fac == 0:
        empty = np.zeros((n_hours, 0))
        depot = np.full(n_hours, diesel.depot_litres * diesel_multiplier)
        return FacilityRun(*(empty,) * 10, depot_litres=depot)

    def column(name):
        return np.array([getattr(f, name) for f in facilities], dtype=float)

    gen_kw = column("generator_kw")
    tank = column("tank_litres") * diesel_multiplier
    burn_at_load = burn_at_critical_load_l_per_h(facilities)
    refill_target = np.minimum(tank, REFILL_TARGET_H * burn_at_load)
    fuel0 = column("fuel_litres") * diesel_multiplier
    priority = np.array([FACILITY_PRIORITY[f.type] for f in facilities], dtype=float)
    delay = diesel.first_delivery_h if resupply_delay_h is None else resupply_delay_h
    outputs = _dispatch_facilities(
        np.ascontiguousarray(load_kw, dtype=float), np.ascontiguousarray(pv_kw, dtype=float),
        np.ascontiguousarray(grid_up, dtype=np.bool_),
        gen_kw, column("fuel_slope_l_per_kwh"), column("fuel_intercept_l_per_h_per_kw") * gen_kw,
        column("generator_min_turndown"), column("battery_kwh"), column("battery_kw"),
        BATTERY_CHARGE_EFFICIENCY, BATTERY_DISCHARGE_EFFICIENCY, fuel0, tank, refill_target, burn_at_load, priority,
        float(diesel.depot_litres * diesel_multiplier), float(delay),
        float(diesel.delivery_litres_per_day / HOURS_PER_DAY),
    )
    grid, pv, gen, bat, unserved, fuel, burned, delivered, soc, depot = outputs
    return FacilityRun(
        demand_kwh=np.asarray(load_kw, dtype=float), grid_kwh=grid, pv_kwh=pv, generator_kwh=gen,
        battery_kwh=bat, unserved_kwh=unserved, fuel_litres=fuel, burned_litres=burned,
        delivered_litres=delivered, soc_kwh=soc, depot_litres=depot,
    )
