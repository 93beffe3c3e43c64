"""Timings and calibration constants of resilience.scenarios, .loads and .solar.

Run: ``.venv/bin/python -m benchmarks.scenarios_loads_pv``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import time

from resilience import loads, solar
from resilience.records import City, DieselSupply, District, EVFleet, PetrolSupply, Scenario
from resilience.scenarios import grid_share, outage_index
from resilience.timeindex import hourly_index

SAITAMA = (35.8617, 139.6455, 12.0, "Asia/Tokyo")
BERLIN = (52.52, 13.405, 34.0, "Europe/Berlin")


def best_ms(call, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1e3 * min(times)


def ten_district_city() -> City:
    districts = tuple(
        District(id=f"d{i}", name=f"D{i}", households=50_000, population=100_000, home_parking_share=0.5,
                 bev_count=500, phev_count=300, v2h_units=50, pv_kwp=5_000.0, pv_self_sustaining_share=0.5,
                 filling_stations=20, stations_backup_share=0.5)
        for i in range(10)
    )
    return City(id="bench", name="Bench", country="JP", timezone="Asia/Tokyo", latitude=35.86, longitude=139.65,
                altitude_m=12.0, household_kwh_per_day=11.4, load_shape="tepco_2010", districts=districts,
                diesel=DieselSupply(depot_litres=1e5), petrol=PetrolSupply(stock_litres_per_station=2e4),
                fleet=EVFleet(bev_mix={}, phev_mix={}))


def main() -> None:
    for name, site in (("Saitama", SAITAMA), ("Berlin", BERLIN)):
        index = hourly_index(dt.datetime(2011, 3, 11, 14), 720, site[3])
        solar._pv_cached.cache_clear()
        solar._clear_sky_samples.cache_clear()
        start = time.perf_counter()
        solar.pv_ac_kw_per_kwp(*site, index, "typical", 0.55)
        cold = 1e3 * (time.perf_counter() - start)
        warm = best_ms(lambda: solar.pv_ac_kw_per_kwp(*site, index, "typical", 0.55))  # noqa: B023
        other_weather = min(
            best_ms(lambda k=k: solar.pv_ac_kw_per_kwp(*site, index, "typical", k), repeat=1)  # noqa: B023
            for k in (0.31, 0.32, 0.33, 0.34, 0.35)
        )
        print(f"pv_ac_kw_per_kwp {name} 720 h: cold {cold:.1f} ms, warm {warm:.3f} ms, "
              f"new clear-sky index (irradiance cached) {other_weather:.2f} ms")

    city = ten_district_city()
    for preset in ("tohoku-2011", "kanto-rolling-2011"):
        scenario = Scenario(preset=preset, duration_h=720)
        index = outage_index(scenario, city.timezone)
        print(f"grid_share {preset} 10 districts x 720 h: {best_ms(lambda: grid_share(scenario, city, index)):.3f} ms"  # noqa: B023
              f" (with outage_index: {best_ms(lambda: grid_share(scenario, city)):.3f} ms)")  # noqa: B023

    for load_shape, zone in (("tepco_2010", "Asia/Tokyo"), ("bdew_h25", "Europe/Berlin")):
        for hours in (720, 8760):
            index = hourly_index(dt.datetime(2026, 1, 1), hours, zone)
            loads._household_shape_cached.cache_clear()
            start = time.perf_counter()
            loads.household_shape(load_shape, index)
            cold = 1e3 * (time.perf_counter() - start)
            warm = best_ms(lambda: loads.household_shape(load_shape, index))  # noqa: B023
            print(f"household_shape {load_shape} {hours} h: cold {cold:.2f} ms, warm {warm:.3f} ms")

    for name, site, target in (("Saitama", SAITAMA, 1000.0), ("Berlin", BERLIN, 900.0)):
        solar._clear_sky_samples.cache_clear()
        start = time.perf_counter()
        k = solar.calibrate_typical_clear_sky_index(*site, target)
        seconds = time.perf_counter() - start
        clear = solar.annual_yield_kwh_per_kwp(*site, 1.0)
        print(f"typical clear-sky index {name} ({target:.0f} kWh/kWp/yr): {k:.4f} "
              f"[clear-sky yield {clear:.0f} kWh/kWp/yr; calibration {seconds:.2f} s]")


if __name__ == "__main__":
    main()
