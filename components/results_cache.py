"""The city simulation of a page's scenario state, through the server's shared result cache.

The browser only ever holds the small scenario state; the hourly tables stay on the
server, in :func:`resilience.result_cache.shared_result_cache` (Redis or a disk
folder every process shares, with a small memory in each process). A result depends
on nothing but its inputs, so one cache serves every user and every process: the
Overview's web worker, the Planner's and the CSV download all reuse one run. Callers
must treat the returned tables as read-only: they are shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from presentation.scenario_state import checked_state
from resilience.citydata import load_bundled_city
from resilience.citysim import Result, simulate
from resilience.records import Scenario
from resilience.result_cache import shared_result_cache


def simulation(state: Mapping[str, Any]) -> Result:
    """The simulation of a shared state, computed once per (city, scenario) for the whole server.

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
        For a state that is not one (:func:`presentation.scenario_state.checked_state`): a city that is
        not bundled, a scenario the engine rejects.
    """
    state = checked_state(state)
    city = load_bundled_city(state["city"])
    scenario = Scenario.from_dict(state["scenario"])
    # The key holds the city's data itself, so a city whose files changed is simulated again.
    return shared_result_cache().get_or_compute("simulate", {"city": city, "scenario": scenario},
                                                lambda: simulate(city, scenario))


def clear() -> None:
    """Forget every cached result (tests and benchmarks use it to time a cold run)."""
    shared_result_cache().clear()
