"""Server-side cache of simulation results, keyed by the city and the scenario's JSON.

The browser only ever holds the small scenario state; the hourly tables stay here. A
result depends on nothing but its inputs, so one cache serves every user. Callers must
treat the returned tables as read-only: they are shared.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from resilience.citydata import load_city
from resilience.citysim import Result, simulate
from resilience.records import Scenario

CACHE_SIZE = 32


def scenario_key(scenario: Mapping[str, Any]) -> str:
    """Canonical JSON of a scenario dict: equal scenarios give equal keys."""
    return json.dumps(Scenario.from_dict(dict(scenario)).to_dict(), sort_keys=True, separators=(",", ":"))


def simulation(state: Mapping[str, Any]) -> Result:
    """The simulation of a shared state, computed once per (city, scenario).

    Parameters
    ----------
    state : mapping
        ``{"city": id, "scenario": Scenario.to_dict()}``.

    Returns
    -------
    resilience.citysim.Result
        Shared between callers: do not modify its tables.

    Raises
    ------
    KizunaInputError
        For an unknown city or a scenario the engine rejects.
    """
    city_id = state["city"]
    result = _simulate_cached(city_id, scenario_key(state["scenario"]))
    if result.city is not load_city(city_id):
        # The city's files changed since this result was cached (load_city re-reads them).
        _simulate_cached.cache_clear()
        result = _simulate_cached(city_id, scenario_key(state["scenario"]))
    return result


def clear() -> None:
    """Forget every cached result (tests and benchmarks use it to time a cold run)."""
    _simulate_cached.cache_clear()


@lru_cache(maxsize=CACHE_SIZE)
def _simulate_cached(city_id: str, scenario_json: str) -> Result:
    scenario = Scenario.from_dict(json.loads(scenario_json))
    return simulate(load_city(city_id), scenario)
