"""Hour-by-hour dispatch of a load against PV, a car battery and a petrol engine.

This kernel is shared by the single-household V2H estimator
(:mod:`resilience.v2h`) and the city's household cohorts
(:mod:`resilience.households`). It is compiled with numba because the state of
charge of hour ``t`` depends on hour ``t - 1`` through the capacity limits,
which no closed numpy form captures once PV can recharge the car.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: A load left unmet by less than this (kWh) counts as served (docs/model.md §0).
UNMET_TOLERANCE_KWH = 1e-5


@njit(cache=True)
def _dispatch(load_kw, pv_kw, active, capacity_kwh, soc0, reserve_soc, soc_max, power_kw,
              discharge_efficiency, charge_efficiency, engine_kwh0, engine_kwh_added):  # pragma: no cover - compiled
    n_hours, n_units = pv_kw.shape
    n_patterns = active.shape[1]
    served_pv = np.zeros((n_hours, n_units, n_patterns))
    served_car = np.zeros((n_hours, n_units, n_patterns))
    served_engine = np.zeros((n_hours, n_units, n_patterns))
    soc = np.zeros((n_hours, n_units, n_patterns))
    for p in range(n_patterns):
        for u in range(n_units):
            stored = capacity_kwh[u] * soc0[u]
            floor = capacity_kwh[u] * reserve_soc[u]
            ceiling = capacity_kwh[u] * soc_max
            engine_left = engine_kwh0[u]
            for t in range(n_hours):
                engine_left += engine_kwh_added[t, u]
                if active[t, p]:
                    load = load_kw[t]
                    from_pv = min(load, pv_kw[t, u])
                    rest = load - from_pv
                    surplus = pv_kw[t, u] - from_pv
                    if surplus > 0.0 and stored < ceiling:
                        stored += min(surplus * charge_efficiency, power_kw, ceiling - stored)
                    available = max(stored - floor, 0.0) * discharge_efficiency
                    from_car = min(rest, power_kw, available)
                    stored -= from_car / discharge_efficiency
                    rest -= from_car
                    from_engine = min(rest, power_kw - from_car, engine_left)
                    engine_left -= from_engine
                    served_pv[t, u, p] = from_pv
                    served_car[t, u, p] = from_car
                    served_engine[t, u, p] = from_engine
                soc[t, u, p] = stored / capacity_kwh[u] if capacity_kwh[u] > 0 else 0.0
    return served_pv, served_car, served_engine, soc


def dispatch_storage(load_kw, pv_kw, active, capacity_kwh, soc0, reserve_soc, *, soc_max, power_kw,
                     discharge_efficiency, charge_efficiency, engine_kwh0=None, engine_kwh_added=None):
    """Serve one household's load from PV, then the car battery, then a petrol engine.

    Parameters
    ----------
    load_kw : array of shape (n_hours,)
        Load of one household [kW], equal to its kWh in the hour.
    pv_kw : array of shape (n_hours, n_units)
        PV output available to each unit [kW].
    active : bool array of shape (n_hours, n_patterns)
        Hours in which the household is off the grid and draws on its backup;
        each column is one outage pattern, and the state evolves only in
        active hours.
    capacity_kwh, soc0, reserve_soc : arrays of shape (n_units,)
        Usable battery energy [kWh], state of charge at outage start and the
        mobility reserve below which the car is not discharged [fractions].
    soc_max : float
        PV recharges the car up to this state of charge [fraction].
    power_kw : float
        Power limit of the V2H unit, shared by discharge, PV charging and the
        engine path [kW].
    discharge_efficiency, charge_efficiency : float
        Battery-to-home and PV-to-battery efficiencies [fraction].
    engine_kwh0 : array of shape (n_units,), optional
        Electricity a PHEV engine can make from the petrol in its tank [kWh].
    engine_kwh_added : array of shape (n_hours, n_units), optional
        Electricity from petrol bought during the outage, added in each hour [kWh].

    Returns
    -------
    served_pv_kw, served_car_kw, served_engine_kw, soc : arrays of shape (n_hours, n_units, n_patterns)
        Load served by each source in each hour [kW] and the state of charge
        at the end of each hour [fraction of capacity]. Inactive hours serve
        nothing and keep the state.
    """
    load_kw = np.ascontiguousarray(load_kw, dtype=float)
    pv_kw = np.ascontiguousarray(pv_kw, dtype=float)
    active = np.ascontiguousarray(active, dtype=np.bool_)
    n_hours, n_units = pv_kw.shape
    if engine_kwh0 is None:
        engine_kwh0 = np.zeros(n_units)
    if engine_kwh_added is None:
        engine_kwh_added = np.zeros((n_hours, n_units))
    return _dispatch(
        load_kw, pv_kw, active,
        np.ascontiguousarray(capacity_kwh, dtype=float), np.ascontiguousarray(soc0, dtype=float),
        np.ascontiguousarray(reserve_soc, dtype=float), float(soc_max), float(power_kw),
        float(discharge_efficiency), float(charge_efficiency),
        np.ascontiguousarray(engine_kwh0, dtype=float), np.ascontiguousarray(engine_kwh_added, dtype=float),
    )
