"""Timings of the resilience engine. Prints figures; asserts nothing.

Run from the repository root, either way:

    .venv/bin/python benchmarks/bench_engine.py
    .venv/bin/python -m benchmarks.bench_engine

Survival sweep (MODEL §7): Kizuna's compiled sweep against the pure-Python
reference simulator (``benchmarks/python_reference.py``, one Python iteration per
start and hour, the loop structure of REopt's Python outage simulator) on the
same inputs: (a) a realistic hospital (8,760-h load with the Kanto daily shape,
rooftop PV, a battery, a generator with 5,000 L) where most starts fail within a
week, and (b) the same with effectively unlimited fuel, where every start
survives the whole year. Printed per case: Kizuna's median time after a warm-up
call (21 calls), the reference's median (a warm-up and 3 runs for (a); one run
for (b), which takes about half a minute and has nothing to warm up), the
speed-up and the number of start hours whose hours survived differ (must be 0).
numba's compile time is measured separately in fresh processes.

Optional comparison with NREL REopt's own Python simulator (not run in CI; REopt's
code is not part of Kizuna): download ``resilience_stats/outage_simulator_LF.py``
from https://github.com/NREL/REopt_API yourself and point ``REOPT_SIMULATOR`` at it:

    REOPT_SIMULATOR=/path/to/outage_simulator_LF.py .venv/bin/python benchmarks/bench_engine.py

The file is loaded with importlib and timed like the reference (a warm-up and 3
runs for (a), one run for (b)) through its keyword entry point:
``simulate_outages(...)`` where the file has one (the current file, whose
``simulate_outage`` is the per-start Celery task), else ``simulate_outage(...)``
(older versions); either returns a dict whose ``resilience_by_timestep`` is
compared. REopt's conventions when calling it: fuel in any volume unit
consistent with ``m`` (per kWh) and ``b`` (per hour: an absolute intercept in the
code, whatever its docstring says about rated capacity), so litres are passed;
the whole round-trip efficiency on charge, none on discharge, no SOC floor;
``fuel_available == 1e9`` (its optimiser's "unlimited") is capped to 660 by older
versions, so case (b) passes 1e7 L; the newest version has no minimum turndown
(both cases use none); one older version scores a start that survives the year
as 8,759 h, so the comparison caps both sides at 8,759 h. A file that
``import``s celery loads with a stand-in module when celery is not installed
(only the serial path runs).
Starts where REopt's answer differs are expected only in the three corners
where Kizuna follows MODEL §7 (``docs/model-survival.md``); both cases keep the
generator at or above the peak load, so none should differ.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make ``resilience`` and ``benchmarks`` importable
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks.python_reference import python_survival_sweep  # noqa: E402
from resilience.cli import survival_arguments  # noqa: E402
from resilience.survival import HOURS_PER_YEAR, survival_sweep  # noqa: E402

SAITAMA = dict(latitude=35.8617, longitude=139.6455, tz="Asia/Tokyo", altitude=12.0)
#: REopt's default battery round trip, applied on charge (its convention).
ROUND_TRIP = 0.829
#: Fuel curve of both cases: MODEL §7's slope, no idle burn, no minimum turndown.
FUEL_CURVE = dict(fuel_slope_l_per_kwh=0.262, fuel_intercept_l_per_h=0.0, generator_min_turndown=0.0)
#: The value REopt's optimiser uses for "unlimited" fuel, which older simulators replace by 660.
REOPT_UNLIMITED_FUEL = 1e9


def timed(call, runs: int, *, warm_up: bool = True) -> tuple[float, object]:
    """Median wall time of ``runs`` calls [s] (after one warm-up call unless told not to) and the last result."""
    if warm_up:
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def median_seconds(call, repeat: int) -> float:
    """Median wall time of ``repeat`` calls after one warm-up call [s]."""
    return timed(call, repeat)[0]


def hospital_year(mean_load_kw: float = 150.0, pv_kwp: float = 100.0, seed: int = 2011):
    """A hospital's critical load with the Kanto daily and seasonal shape, and rooftop PV in Saitama (2023).

    Load: ``mean_load_kw`` × the TEPCO-area shape (month × weekday/weekend × hour,
    ``data/sources/tepco_area_load_shape_2010.csv``). PV: pvlib's clear-sky GHI
    (Ineichen) × a random daily clear-sky index (0.2–1) × 0.8 performance ratio.
    """
    import pvlib

    index = pd.date_range("2023-01-01", periods=HOURS_PER_YEAR, freq="h", tz=SAITAMA["tz"])
    shape = pd.read_csv(REPO_ROOT / "data" / "sources" / "tepco_area_load_shape_2010.csv")
    daytype = np.where(index.day_of_week >= 5, "weekend", "weekday")
    keys = pd.MultiIndex.from_arrays([index.month, daytype, index.hour])
    table = shape.set_index(["month", "daytype", "hour"])["demand_relative_to_annual_mean"]
    load = mean_load_kw * table.reindex(keys).to_numpy()

    site = pvlib.location.Location(**SAITAMA)
    ghi = site.get_clearsky(index, model="ineichen")["ghi"].to_numpy()
    rng = np.random.default_rng(seed)
    clearness = np.repeat(rng.uniform(0.2, 1.0, HOURS_PER_YEAR // 24), 24)
    pv = pv_kwp * ghi / 1000.0 * clearness * 0.8
    initial_soc = rng.uniform(0.5, 1.0, HOURS_PER_YEAR)
    return load, pv, initial_soc


def survival_cases() -> dict[str, dict]:
    """The two benchmark systems as the keys of a ``python -m resilience survival`` file (REopt's battery conventions).

    :func:`resilience.cli.survival_arguments` turns one into the sweep's arguments.
    """
    load, pv, initial_soc = hospital_year()
    # The set is at least the peak load, which keeps REopt's simulator out of the corners where it differs.
    generator_kw = float(np.ceil(load.max() / 10) * 10)
    common = dict(critical_load_kw=load, pv_kw=pv, initial_soc=initial_soc, battery_kwh=400.0, battery_kw=100.0,
                  generator_kw=generator_kw, charge_efficiency=ROUND_TRIP, discharge_efficiency=1.0, soc_min=0.0,
                  **FUEL_CURVE)
    return {
        "(a) realistic: limited fuel": dict(common, fuel_litres=5000.0),
        "(b) every start survives the year": dict(common, fuel_litres=1e7),
    }


def kizuna_sweep(case: dict):
    load, pv, system, horizon = survival_arguments(case, "case")
    return survival_sweep(load, pv, system, **horizon)


def reference_sweep(case: dict) -> np.ndarray:
    load, pv, system, horizon = survival_arguments(case, "case")
    return np.array(python_survival_sweep(load, pv, system, **horizon))


# ----------------------------------------------------------------------------------------------------------------------
# Optional: REopt's own simulator, from a file the user downloaded
# ----------------------------------------------------------------------------------------------------------------------


def _celery_stand_in() -> types.ModuleType:
    """Just enough of celery for REopt's module to import; only its serial path is called."""

    def shared_task(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda function: function

    def unavailable(*args, **kwargs):
        raise RuntimeError("celery is not installed: only REopt's serial path (celery_eager=True) can run")

    module = types.ModuleType("celery")
    module.shared_task, module.group, module.chord = shared_task, unavailable, unavailable
    return module


def load_reopt_simulator(path: str | os.PathLike) -> Callable[..., dict]:
    """REopt's keyword entry point from its ``outage_simulator_LF.py`` at ``path``.

    Returns ``simulate_outages`` where the file defines it, else ``simulate_outage``.
    """
    spec = importlib.util.spec_from_file_location("reopt_outage_simulator_lf", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"REOPT_SIMULATOR = {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    stand_in = None
    if importlib.util.find_spec("celery") is None:
        stand_in = sys.modules.setdefault("celery", _celery_stand_in())
    try:
        spec.loader.exec_module(module)
    finally:
        if stand_in is not None and sys.modules.get("celery") is stand_in:
            del sys.modules["celery"]
    simulator = getattr(module, "simulate_outages", None) or getattr(module, "simulate_outage", None)
    if simulator is None:
        raise ImportError(f"REOPT_SIMULATOR = {path}: defines neither simulate_outages nor simulate_outage")
    return simulator


def reopt_sweep(simulator: Callable[..., dict], case: dict) -> np.ndarray:
    """Hours survived at every start by REopt's simulator on ``case`` (litres for gallons, b per hour)."""
    if case["fuel_litres"] == REOPT_UNLIMITED_FUEL:
        raise ValueError("REopt's simulator caps fuel_available = 1e9 to 660: pass another value")
    arguments = dict(
        batt_kwh=case["battery_kwh"], batt_kw=case["battery_kw"], pv_kw_ac_hourly=case["pv_kw"].tolist(),
        init_soc=case["initial_soc"].tolist(), critical_loads_kw=case["critical_load_kw"].tolist(),
        batt_roundtrip_efficiency=case["charge_efficiency"], diesel_kw=case["generator_kw"],
        fuel_available=case["fuel_litres"], b=case["fuel_intercept_l_per_h"], m=case["fuel_slope_l_per_kwh"],
        diesel_min_turndown=case["generator_min_turndown"],
    )
    accepted = inspect.signature(simulator).parameters
    if "diesel_min_turndown" not in accepted and case["generator_min_turndown"] > 0:
        raise ValueError("this REopt version has no minimum turndown: use a case without one")
    result = simulator(**{name: value for name, value in arguments.items() if name in accepted})
    return np.asarray(result["resilience_by_timestep"], dtype=float)


def differing_starts(kizuna_r: np.ndarray, reopt_r: np.ndarray) -> np.ndarray:
    """Start hours where the two disagree, with both capped at 8,759 h (one REopt version's whole-year score)."""
    cap = HOURS_PER_YEAR - 1
    return np.flatnonzero(np.minimum(kizuna_r, cap) != np.minimum(reopt_r, cap))


# ----------------------------------------------------------------------------------------------------------------------
# Survival sweep benchmark
# ----------------------------------------------------------------------------------------------------------------------


_FIRST_CALL = """
import time
start = time.perf_counter()
from resilience.survival import survival_sweep
from resilience.systems import BackupSystem
survival_sweep([50.0] * 8760, None, BackupSystem(battery_kwh=200.0, battery_kw=50.0, generator_kw=50.0,
                                                 fuel_litres=400.0))
print(time.perf_counter() - start)
"""


def first_call_seconds() -> tuple[float, float]:
    """Import + first sweep in a fresh process: with an empty numba cache (compile), then from that cache [s]."""
    with tempfile.TemporaryDirectory() as cache_dir:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, PYTHONPATH=str(REPO_ROOT))

        def run() -> float:
            done = subprocess.run([sys.executable, "-c", _FIRST_CALL], env=env, cwd=REPO_ROOT, check=True,
                                  capture_output=True, text=True)
            return float(done.stdout.strip())

        return run(), run()


def bench_survival(reference_repeat: int = 3) -> dict[str, dict[str, float]]:
    """Time Kizuna's sweep, the pure-Python reference and (if ``REOPT_SIMULATOR`` is set) REopt; print the figures."""
    cold, cached = first_call_seconds()
    print("survival sweep — first call in a fresh process (import + compile + run):")
    print(f"  numba cache empty: {cold:.2f} s; from the on-disk cache: {cached:.2f} s")
    reopt_path = os.environ.get("REOPT_SIMULATOR")
    reopt = load_reopt_simulator(reopt_path) if reopt_path else None
    figures = {}
    for name, case in survival_cases().items():
        kizuna_s = median_seconds(lambda case=case: kizuna_sweep(case), repeat=21)
        result = kizuna_sweep(case)
        to_dict_s = median_seconds(result.to_dict, repeat=21)
        r = result.hours_survived
        survives_all = name.startswith("(b)")
        runs = 1 if survives_all else reference_repeat
        reference_s, reference_r = timed(lambda case=case: reference_sweep(case), runs, warm_up=not survives_all)
        differing = int(np.sum(reference_r != r))
        row = dict(kizuna_s=kizuna_s, to_dict_s=to_dict_s, reference_s=reference_s,
                   speedup=reference_s / kizuna_s, differing_starts=differing)
        print(f"survival sweep {name}: r min/mean/max = {r.min()}/{r.mean():.1f}/{r.max()} h, "
              f"P(r ≥ 168 h) = {np.mean(r >= 168):.3f}")
        print(f"  Kizuna median {1e3 * kizuna_s:.2f} ms (+ to_dict {1e3 * to_dict_s:.2f} ms); "
              f"pure-Python reference {reference_s:.2f} s (median of {runs}); "
              f"speed-up {reference_s / kizuna_s:.0f}×; starts that differ: {differing}")
        if reopt is not None:
            reopt_s, reopt_r = timed(lambda case=case: reopt_sweep(reopt, case), runs, warm_up=not survives_all)
            differ = differing_starts(r, reopt_r)
            row.update(reopt_s=reopt_s, reopt_speedup=reopt_s / kizuna_s, reopt_differing_starts=int(differ.size))
            shown = ", ".join(str(s) for s in differ[:10]) + (" …" if differ.size > 10 else "")
            print(f"  REopt Python simulator ({reopt_path}) {reopt_s:.2f} s (median of {runs}); "
                  f"speed-up {reopt_s / kizuna_s:.0f}×; starts that differ from REopt: {differ.size}"
                  + (f" ({shown})" if differ.size else ""))
        figures[name] = row
    return figures


def bench_simulate(runs: int = 21, hours: int = 720) -> dict[str, dict[str, float]]:
    """Median time of ``simulate`` for the bundled cities over ``hours`` after a warm-up.

    Each run changes the V2H adoption slightly, as a planner's slider would, so
    nothing but the PV and load shapes (cached by time index) is reused.
    """
    from resilience.citydata import load_city
    from resilience.citysim import simulate
    from resilience.records import Scenario

    figures = {}
    print(f"simulate, {hours} h, median of {runs} runs after a warm-up:")
    for city_id, preset in (("saitama", "tohoku-2011"), ("saitama", "kanto-rolling-2011"),
                            ("berlin", "berlin-southwest-2026")):
        city = load_city(city_id)
        scenarios = [Scenario(preset=preset, duration_h=hours, v2h_adoption_share=0.01 * i) for i in range(runs)]
        simulate(city, scenarios[0])
        queue = iter(scenarios)
        seconds, result = timed(lambda c=city, q=queue: simulate(c, next(q)), runs, warm_up=False)
        start = time.perf_counter()
        for table in ("districts", "facilities", "city_hourly", "facility_summary"):
            getattr(result, table)
        tables_s = time.perf_counter() - start
        name = f"{city_id} / {preset}"
        figures[name] = {"simulate_s": seconds, "tables_s": tables_s}
        print(f"  {name:<34} {len(city.districts)} districts, {len(city.facilities)} facilities: "
              f"{seconds * 1e3:6.1f} ms; tidy tables {tables_s * 1e3:5.1f} ms")
    return figures


def main() -> None:
    bench_survival()
    bench_simulate()


if __name__ == "__main__":
    main()
