"""Server time of the dashboard's callbacks, called directly, for Saitama and Berlin.

Run: ``make bench`` or ``PYTHONPATH=. .venv/bin/python benchmarks/bench_callbacks.py``.
Prints the median milliseconds per callback (and the size of what it sends); asserts
nothing. "Cold" calls see a scenario the results cache has not seen, as after moving a
planner slider; "warm" calls reuse a cached simulation (another page, the map's hour).
"""

from __future__ import annotations

import importlib
import json
import statistics
import time
from contextvars import copy_context

import plotly
from dash._callback_context import context_value
from dash._utils import AttributeDict

import app as kizuna_app
from components import ids
from components import scenario_controls as sc
from components.page_link import PageControls, update_page
from components.results_cache import clear, simulation
from components.url_state import default_view, encode_query
from presentation.scenario_state import control_values, default_state

REPEAT = 15
#: A planner change is these callbacks in turn: the page's controls → its state and link → the top bar and
#: the results.
PLANNER_CHAIN = ("planner controls", "top-bar links", "planner.show_results")
PLANNER = PageControls(ids.PAGE_PLANNER, sc.PLANNER_NAMES, full_form=True)
NAV_PATHS = {"nav-overview": "/overview", "nav-planner": "/planner", "nav-compare": "/compare",
             "nav-v2h": "/v2h", "nav-survival": "/survival", "nav-about": "/about", "nav-home": "/"}


def median_ms(call, repeat: int = REPEAT, before=None) -> float:
    times = []
    for i in range(repeat):
        if before is not None:
            before(i)
        start = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def payload_kb(value) -> float:
    return len(json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder)) / 1024


def in_context(function, *args, triggered: str):
    """Call a callback that reads ``ctx.triggered_id`` (the Overview's map) as Dash would."""
    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": triggered, "value": None}]))
        return function(*args)

    return copy_context().run(call)


def planner_change(state: dict, diesel: float) -> dict:
    """The planner's own callback when its diesel slider moves (components.page_link.update_page)."""
    values = control_values(state) | {sc.DIESEL_MULTIPLIER: diesel}
    return update_page(PLANNER, sc.control_id(ids.PAGE_PLANNER, sc.DIESEL_MULTIPLIER), state=state,
                       query=encode_query(state), values=values)


def bench_city(city: str, pages: dict) -> None:
    """Print the timings of every callback for one bundled city."""
    overview, planner, compare, about = (pages[name] for name in ("overview", "planner", "compare", "about"))
    metric_id = {"type": ids.VIEW_CONTROL, "page": ids.PAGE_OVERVIEW, "name": ids.VIEW_MAP_METRIC}
    metric_trigger = json.dumps(metric_id, sort_keys=True, separators=(",", ":")) + ".value"
    hour_trigger = ids.OVERVIEW_MAP_HOUR + ".value"
    base = default_state(city)
    simulation(base)  # compile and cache what the first request of a server would
    diesel = [1.0 + 0.25 * (i + 1) for i in range(REPEAT)]
    states = [{"city": city, "scenario": {**base["scenario"], "diesel_stock_multiplier": d}} for d in diesel]
    view = default_view()
    print(f"== {city}: {base['scenario']['preset']}, {base['scenario']['duration_h']} h, "
          f"median of {REPEAT} calls (ms; payload KB)")

    queries = [planner_change(base, d)["query"] for d in diesel]
    timings = {
        "planner controls": median_ms(lambda i: planner_change(base, diesel[i])),
        "top-bar links": median_ms(lambda i: kizuna_app.carried_links([queries[i]], NAV_PATHS)),
        "planner.show_results": median_ms(lambda i: planner.show_results(states[i]), before=lambda _i: clear()),
    }
    cold_sim = median_ms(lambda i: simulation(states[i]), before=lambda _i: clear())
    planner_kb = payload_kb(planner.show_results(states[0]))
    for name, ms in timings.items():
        print(f"  {name:<34} {ms:7.1f} ms")
    print(f"  {'  of which simulate() (cold)':<34} {cold_sim:7.1f} ms")
    print(f"  {'planner change, server total':<34} {sum(timings[n] for n in PLANNER_CHAIN):7.1f} ms"
          f"   ({planner_kb:.0f} KB of results)")
    month = [{"city": city, "scenario": {**s["scenario"], "duration_h": 720}} for s in states]
    print(f"  {'planner.show_results, 720-h run':<34} "
          f"{median_ms(lambda i: planner.show_results(month[i]), before=lambda _i: clear()):7.1f} ms")

    def show_map(i: int, metric: str, drawn: str | None, trigger: str):
        return in_context(overview.show_map, states[i], metric, i, drawn, triggered=trigger)

    rows = [
        ("overview.show_results (cold)", median_ms(lambda i: overview.show_results(states[i], 0),
                                                   before=lambda _i: clear()), None),
        ("overview.show_results (warm)", median_ms(lambda i: overview.show_results(states[i], 0)), None),
        ("overview.show_map, new city", median_ms(lambda i: show_map(i, "without-power", None, metric_trigger)),
         payload_kb(show_map(0, "without-power", None, metric_trigger)["figure"])),
        ("overview.show_map, new metric", median_ms(lambda i: show_map(i, "restored", city, metric_trigger)),
         payload_kb(show_map(0, "restored", city, metric_trigger)["figure"])),
        ("overview.show_map, hour (Patch)", median_ms(lambda i: show_map(i, "without-power", city, hour_trigger)),
         payload_kb(show_map(5, "without-power", city, hour_trigger)["figure"])),
        ("compare.show_comparison (3 cold)", median_ms(lambda i: compare.show_comparison(states[i], view),
                                                       before=lambda _i: clear()), None),
        ("about.show_provenance", median_ms(lambda i: about.show_provenance(states[i])), None),
    ]
    for name, ms, kb in rows:
        size = "" if kb is None else f"   ({kb:.2f} KB)"
        print(f"  {name:<34} {ms:7.1f} ms{size}")


def main() -> None:
    from app import create_app

    create_app()
    pages = {name: importlib.import_module(f"pages.{name}") for name in ("overview", "planner", "compare", "about")}
    for city in ("saitama", "berlin"):
        bench_city(city, pages)


if __name__ == "__main__":
    main()
