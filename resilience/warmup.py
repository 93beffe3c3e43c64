"""Warm a fresh server process: compile the engine's numba kernels and read the bundled cities once.

A process that has just started has compiled nothing: the first page that simulates
would spend its wait loading (or, without numba's disk cache in ``resilience/__pycache__``,
compiling) the hour loops of the facilities, the household batteries, the petrol
stations and the survival sweep, and reading the city's files. :func:`warm_engine` does
it up front. ``gunicorn.conf.py`` calls it once in the master process before the
workers are forked (``preload_app``), so every worker, and every worker started later
to replace a recycled one, starts warm.

Nothing computed here is kept as a result: the runs go around the shared result cache
(:mod:`resilience.result_cache`), so no store is opened and no result is written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import numpy as np

from resilience.citydata import list_cities, load_city
from resilience.citysim import simulate
from resilience.records import Household, Scenario
from resilience.survival import survival_sweep, survival_trace
from resilience.systems import BackupSystem
from resilience.v2h import v2h_backup

log = logging.getLogger(__name__)

#: Hours of the small runs that make numba compile (or load) every kernel [h].
WARM_RUN_H = 24
HOURS_PER_YEAR = 8760


def warm_engine(cities: Iterable[str] | None = None) -> float:
    """Compile the engine's kernels and load ``cities`` (default: every bundled city) into memory.

    Parameters
    ----------
    cities : iterable of str, optional
        Ids of the cities to read and simulate for a day; default :func:`resilience.citydata.list_cities`.

    Returns
    -------
    float
        Seconds it took [s].
    """
    started = time.perf_counter()
    for city_id in list_cities() if cities is None else cities:
        city = load_city(city_id)
        simulate(city, Scenario(duration_h=WARM_RUN_H))
        v2h_backup(Household(city_id=city_id), city, duration_h=WARM_RUN_H)
    load = np.full(HOURS_PER_YEAR, 10.0)
    system = BackupSystem(battery_kwh=20.0, battery_kw=10.0)
    survival_sweep(load, np.zeros(HOURS_PER_YEAR), system, max_duration_h=WARM_RUN_H)
    survival_trace(load, np.zeros(HOURS_PER_YEAR), system, start_hour=0, max_duration_h=WARM_RUN_H)
    seconds = time.perf_counter() - started
    log.info("engine warmed in %.1f s", seconds)
    return seconds
