"""What the shared result cache saves: a city simulation computed, found on disk, found in memory.

Prints, for Saitama (Tōhoku 2011) and Berlin (south-west 2026), 720 h each, the median time of
``components.results_cache.simulation`` when the result is computed (cold), found in the shared
store by another process (here: a fresh cache object on the same folder, as a second web worker,
a background worker or a download would), and found in this process's memory.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_result_cache.py``
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

REPEATS = 5
CASES = (("saitama", "tohoku-2011"), ("berlin", "berlin-southwest-2026"))


def _median_ms(run, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KIZUNA_CACHE_DIR"] = folder
        from components import results_cache
        from resilience import result_cache
        from resilience.records import Scenario

        print(f"{'city':8} {'preset':24} {'computed':>10} {'shared':>10} {'memory':>10}   (median of {REPEATS}, ms)")
        for city, preset in CASES:
            state = {"city": city, "scenario": Scenario(preset=preset, duration_h=720).to_dict()}
            results_cache.simulation(state)  # load the city, compile numba once

            def cold(state=state):
                result_cache.shared_result_cache().clear()
                results_cache.simulation(state)

            def shared(state=state):
                result_cache.shared_result_cache.cache_clear()  # a new process: empty memory, same folder
                results_cache.simulation(state)
                assert result_cache.shared_result_cache().last_source == "shared"

            def memory(state=state):
                results_cache.simulation(state)
                assert result_cache.shared_result_cache().last_source == "memory"

            computed_ms = _median_ms(cold)
            results_cache.simulation(state)
            shared_ms = _median_ms(shared)
            memory_ms = _median_ms(memory)
            print(f"{city:8} {preset:24} {computed_ms:10.1f} {shared_ms:10.1f} {memory_ms:10.2f}")


if __name__ == "__main__":
    main()
