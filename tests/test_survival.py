"""The survival sweep (MODEL §7, §9) against hand-computed cases, a plain-Python reference and physical laws."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.python_reference import python_survival_sweep
from resilience.errors import KizunaInputError
from resilience.survival import (
    HOURS_PER_YEAR,
    SUMMARY_DURATIONS_H,
    SurvivalResult,
    survival_sweep,
    survival_trace,
)
from resilience.systems import BackupSystem

N = HOURS_PER_YEAR
FLAT_50 = np.full(N, 50.0)
#: MODEL §9: 378.54 L of diesel (100 US gal), m = 0.076 gal/kWh in L/kWh.
HAND_FUEL_LITRES = 378.54
HAND_SLOPE = 0.28769

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def synthetic_year(seed: int, *, peak_load_kw: float = 60.0, pv_kwp: float = 60.0):
    """A load with a daily and seasonal shape, PV with random clearness, and a per-start SOC series."""
    rng = np.random.default_rng(seed)
    hour = np.arange(N)
    hour_of_day = hour % 24
    season = 1.0 + 0.15 * np.cos(2 * np.pi * hour / N)
    daily = 0.65 + 0.35 * np.sin(np.pi * np.clip(hour_of_day - 7, 0, 14) / 14)
    load = peak_load_kw * season * daily * rng.uniform(0.8, 1.0, N)
    daylight = np.clip(np.sin(np.pi * (hour_of_day - 6) / 12), 0, None)
    summer = 0.75 + 0.25 * np.sin(2 * np.pi * (hour - 2000) / N)
    clearness = np.repeat(rng.uniform(0.15, 1.0, N // 24), 24)
    pv = pv_kwp * daylight * summer * clearness
    initial_soc = rng.uniform(0.3, 1.0, N)
    return load, pv, initial_soc


def split(critical_load_kw, pv_kw=None, max_duration_h=N, **system):
    """A flat case (load, PV, horizon and the system's fields) as ``(load, pv, BackupSystem, horizon)``."""
    return critical_load_kw, pv_kw, BackupSystem(**system), max_duration_h


def sweep_of(**kwargs) -> SurvivalResult:
    """:func:`survival_sweep` of a flat case."""
    load, pv, system, horizon = split(**kwargs)
    return survival_sweep(load, pv, system, max_duration_h=horizon)


def trace_of(start_hour: int, **kwargs):
    """:func:`survival_trace` of a flat case."""
    load, pv, system, horizon = split(**kwargs)
    return survival_trace(load, pv, system, start_hour=start_hour, max_duration_h=horizon)


def reference(**kwargs) -> np.ndarray:
    """Hours survived at every start by the plain-Python reference simulator (``benchmarks/python_reference.py``)."""
    load, pv, system, horizon = split(**kwargs)
    return np.array(python_survival_sweep(load, pv, system, max_duration_h=horizon))


# ---------------------------------------------------------------------------------------------------------------------
# MODEL §9 and other hand-computed cases
# ---------------------------------------------------------------------------------------------------------------------


def test_model_9_battery_only_survives_4_h_from_every_start():
    result = survival_sweep(FLAT_50, None, BackupSystem(battery_kwh=200.0, battery_kw=50.0))
    assert np.all(result.hours_survived == 4)


def test_model_9_generator_and_battery_survive_30_h_from_every_start():
    system = BackupSystem(battery_kwh=200.0, battery_kw=50.0, generator_kw=50.0, fuel_litres=HAND_FUEL_LITRES,
                          fuel_slope_l_per_kwh=HAND_SLOPE, fuel_intercept_l_per_h=0.0)
    result = survival_sweep(FLAT_50, None, system)
    assert np.all(result.hours_survived == 30)


def test_model_9_generator_only_survives_26_h_from_every_start():
    result = survival_sweep(FLAT_50, None, BackupSystem(generator_kw=50.0, fuel_litres=HAND_FUEL_LITRES,
                                                        fuel_slope_l_per_kwh=HAND_SLOPE, fuel_intercept_l_per_h=0.0))
    assert np.all(result.hours_survived == 26)


def test_model_9_trace_shows_the_partial_27th_hour_topped_up_by_the_battery():
    system = BackupSystem(battery_kwh=200.0, battery_kw=50.0, generator_kw=50.0, fuel_litres=HAND_FUEL_LITRES,
                          fuel_slope_l_per_kwh=HAND_SLOPE, fuel_intercept_l_per_h=0.0)
    trace = survival_trace(FLAT_50, None, system, start_hour=8750)
    left_after_26_h = HAND_FUEL_LITRES - 26 * 50.0 * HAND_SLOPE  # 4.543 L
    assert len(trace) == 31  # 30 full hours, then the failing hour
    assert np.all(trace["generator_to_load_kw"].iloc[:26] == 50.0)
    assert trace["generator_to_load_kw"].iloc[26] == pytest.approx(left_after_26_h / HAND_SLOPE)
    assert trace["battery_to_load_kw"].iloc[26] == pytest.approx(50.0 - left_after_26_h / HAND_SLOPE)
    assert trace["fuel_litres"].iloc[26] == 0.0
    assert trace["unserved_kw"].iloc[:30].max() == 0.0
    assert trace["unserved_kw"].iloc[30] == pytest.approx(50.0 - left_after_26_h / HAND_SLOPE)
    assert list(trace["hour_of_year"].iloc[[0, 9, 10]]) == [8750, 8759, 0]


def test_initial_soc_per_start_sets_the_stored_energy():
    fractions = (np.arange(N) % 5) / 4  # 0, 0.25, 0.5, 0.75, 1
    result = survival_sweep(FLAT_50, None, BackupSystem(battery_kwh=200.0, battery_kw=50.0, initial_soc=fractions))
    np.testing.assert_array_equal(result.hours_survived, np.arange(N) % 5)


def test_soc_floor_and_discharge_efficiency_limit_the_usable_energy():
    # (1.0 − 0.2) × 100 kWh × 0.8 = 64 kWh at 10 kW: 6 whole hours.
    result = survival_sweep(np.full(N, 10.0), None, BackupSystem(battery_kwh=100.0, battery_kw=20.0, soc_min=0.2,
                                                                discharge_efficiency=0.8))
    assert np.all(result.hours_survived == 6)


def test_initial_soc_below_the_floor_cannot_discharge():
    result = survival_sweep(np.full(N, 10.0), None, BackupSystem(battery_kwh=100.0, battery_kw=20.0, soc_min=0.3,
                                                                initial_soc=0.2))
    assert np.all(result.hours_survived == 0)


def test_pv_surplus_charges_the_battery_through_the_charge_efficiency_and_inverter_limit():
    load = np.full(N, 10.0)
    pv = np.zeros(N)
    pv[0] = 40.0  # 30 kW surplus, inverter 12 kW: 12 × 0.5 = 6 kWh stored
    trace = survival_trace(load, pv, BackupSystem(battery_kwh=100.0, battery_kw=12.0, initial_soc=0.0,
                                                  charge_efficiency=0.5), start_hour=0)
    assert trace["stored_kwh"].iloc[0] == 6.0
    assert trace["soc_kwh"].iloc[0] == 6.0
    assert len(trace) == 2  # 6 kWh cannot carry the next 10 kWh hour
    assert trace["battery_to_load_kw"].iloc[1] == 6.0


def test_turndown_surplus_charges_the_battery_within_its_limits_and_burns_for_the_full_output():
    system = BackupSystem(battery_kwh=100.0, battery_kw=15.0, initial_soc=0.0, generator_kw=100.0, fuel_litres=1000.0,
                          fuel_slope_l_per_kwh=0.25, fuel_intercept_l_per_h=0.5, generator_min_turndown=0.3)
    trace = survival_trace(np.full(N, 10.0), None, system, start_hour=0, max_duration_h=3)
    # 30 kW output for a 10 kW load: 20 kW surplus, inverter takes 15 kW, 5 kW are spilled.
    assert list(trace["generator_output_kw"]) == [30.0, 30.0, 30.0]
    assert list(trace["generator_to_load_kw"]) == [10.0, 10.0, 10.0]
    assert list(trace["stored_kwh"]) == [15.0, 15.0, 15.0]
    assert list(trace["burned_litres"]) == [0.25 * 30 + 0.5] * 3
    assert trace["fuel_litres"].iloc[-1] == pytest.approx(1000.0 - 3 * 8.0)


def test_when_the_tank_runs_dry_below_turndown_the_output_above_the_load_is_stored():
    # 5 L at 0.25 L/kWh afford 20 kWh: 10 to the load, 10 into the battery.
    system = BackupSystem(battery_kwh=100.0, battery_kw=50.0, initial_soc=0.0, generator_kw=100.0, fuel_litres=5.0,
                          fuel_slope_l_per_kwh=0.25, fuel_intercept_l_per_h=0.0, generator_min_turndown=0.3)
    trace = survival_trace(np.full(N, 10.0), None, system, start_hour=0)
    assert trace["generator_output_kw"].iloc[0] == 20.0
    assert trace["stored_kwh"].iloc[0] == 10.0
    assert trace["fuel_litres"].iloc[0] == 0.0
    assert len(trace) == 3  # hour 1 from the battery, hour 2 fails


def test_idle_burn_defaults_to_0_007_l_per_h_per_kw_rated():
    # 135 L for a 50 kW load on a 100 kW set: 0.262 × 50 + 0.7 = 13.8 L/h → 9 h; without idle burn 13.1 L/h → 10 h.
    common = dict(generator_kw=100.0, fuel_litres=135.0)
    assert BackupSystem(**common).fuel_intercept_l_per_h == pytest.approx(0.7)
    assert np.all(survival_sweep(FLAT_50, None, BackupSystem(**common)).hours_survived == 9)
    assert np.all(survival_sweep(FLAT_50, None, BackupSystem(**common, fuel_intercept_l_per_h=0.0)).hours_survived
                  == 10)


def test_generator_stays_off_while_the_tank_holds_no_more_than_its_idle_burn():
    result = survival_sweep(FLAT_50, None, BackupSystem(generator_kw=100.0, fuel_litres=2.0,
                                                        fuel_intercept_l_per_h=2.0))
    assert np.all(result.hours_survived == 0)


def test_outages_near_the_year_end_wrap_into_january():
    load = np.full(N, 10.0)
    load[:5] = 0.0  # the first five hours of the year need nothing
    result = survival_sweep(load, None, BackupSystem(battery_kwh=20.0, battery_kw=10.0))
    r = result.hours_survived
    # 8758: two battery hours, five free hours, then empty; 8759: one hour, five free, one more.
    assert (r[8757], r[8758], r[8759], r[0], r[5]) == (2, 7, 7, 7, 2)


def test_a_run_that_outlasts_the_horizon_scores_the_horizon():
    system = BackupSystem(generator_kw=60.0, fuel_litres=1e9)
    result = survival_sweep(FLAT_50, None, system)
    assert np.all(result.hours_survived == N)
    # A horizon beyond a year is an input limit (docs/model.md, "Input limits"): a million hours took 8 s, ten million
    # over a minute, with one probability per hour in the result.
    with pytest.raises(KizunaInputError, match=r"max_duration_h = 17525: must be ≤ 8760 \(a year\)"):
        survival_sweep(FLAT_50, None, system, max_duration_h=2 * N + 5)


# ---------------------------------------------------------------------------------------------------------------------
# The plain-Python reference simulator as an oracle
# ---------------------------------------------------------------------------------------------------------------------


def oracle_year(seed: int):
    """:func:`synthetic_year` on a 0.5 kW grid, with PV equal to the load at 11:00 every day (a net load of 0)."""
    load, pv, initial_soc = synthetic_year(seed)
    load, pv = np.round(2 * load) / 2, np.round(2 * pv) / 2
    balanced = np.arange(11, N, 24)
    pv[balanced] = load[balanced]
    return load, pv, initial_soc


ORACLE_DEFAULTS = dict(charge_efficiency=0.85, max_duration_h=240)
ORACLE_CASES = {
    "pv-and-battery": dict(battery_kwh=300.0, battery_kw=80.0),
    "generator-limited-fuel-battery-pv": dict(battery_kwh=150.0, battery_kw=60.0, generator_kw=90.0,
                                              fuel_litres=400.0, fuel_intercept_l_per_h=0.63),
    "generator-with-turndown-no-battery": dict(generator_kw=90.0, fuel_litres=350.0, fuel_intercept_l_per_h=0.63,
                                               generator_min_turndown=0.3),
    "small-generator-turndown-battery-ample-fuel": dict(battery_kwh=120.0, battery_kw=40.0, generator_kw=50.0,
                                                        fuel_litres=20000.0, fuel_intercept_l_per_h=0.35,
                                                        generator_min_turndown=0.3),
    # Corner (i): a set below the peak load that runs short of fuel.
    "small-generator-short-fuel-battery": dict(battery_kwh=200.0, battery_kw=60.0, generator_kw=45.0,
                                               fuel_litres=250.0, fuel_intercept_l_per_h=0.3),
    # Corners (ii) and (iii): a high turndown, hours of zero net load, a tank that runs dry below the turndown
    # with a battery to take the surplus; V2H-like losses and SOC floor (MODEL §5).
    "turndown-dry-tank-battery-v2h-losses": dict(battery_kwh=150.0, battery_kw=50.0, soc_min=0.2,
                                                 charge_efficiency=0.9, discharge_efficiency=0.88,
                                                 generator_kw=100.0, fuel_litres=150.0,
                                                 fuel_intercept_l_per_h=0.7, generator_min_turndown=0.5),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", ORACLE_CASES, ids=list(ORACLE_CASES))
@pytest.mark.parametrize("seed", [7, 2026])
def test_agrees_with_the_python_reference_at_every_start(case, seed):
    load, pv, initial_soc = oracle_year(seed)
    system = dict(ORACLE_DEFAULTS, critical_load_kw=load, pv_kw=pv,
                  initial_soc=np.maximum(initial_soc, ORACLE_CASES[case].get("soc_min", 0.0)), **ORACLE_CASES[case])
    expected = reference(**system)
    assert expected.min() < expected.max()  # a case with something to compare
    np.testing.assert_array_equal(sweep_of(**system).hours_survived, expected)


def test_agrees_with_the_python_reference_over_the_whole_year_horizon():
    load, pv, initial_soc = synthetic_year(11, pv_kwp=20.0)
    system = dict(critical_load_kw=load, pv_kw=pv, initial_soc=initial_soc, charge_efficiency=0.9, battery_kwh=60.0,
                  battery_kw=30.0, generator_kw=80.0, fuel_litres=60.0, fuel_intercept_l_per_h=0.56)
    np.testing.assert_array_equal(sweep_of(**system).hours_survived, reference(**system))


def test_the_reference_reproduces_the_model_9_hand_cases():
    battery = dict(battery_kwh=200.0, battery_kw=50.0)
    generator = dict(generator_kw=50.0, fuel_litres=HAND_FUEL_LITRES, fuel_slope_l_per_kwh=HAND_SLOPE,
                     fuel_intercept_l_per_h=0.0)
    assert set(reference(critical_load_kw=FLAT_50, max_duration_h=40, **battery)) == {4}
    assert set(reference(critical_load_kw=FLAT_50, max_duration_h=40, **battery, **generator)) == {30}
    assert set(reference(critical_load_kw=FLAT_50, max_duration_h=40, **generator)) == {26}


# Where Kizuna differs from REopt's Python simulator (MODEL §7 wins); both the sweep and the reference must give
# MODEL's hand-computed answer.


def test_corner_generator_short_of_both_capacity_and_fuel_runs_on_the_fuel_left():
    # 60 kW load on a 50 kW set with 40 L at 0.25 L/kWh; battery 200 kWh / 100 kW.
    # Hours 0–2: the set gives 50 kW (12.5 L/h), the battery 10 kWh: 2.5 L and 170 kWh left.
    # Hour 3: MODEL runs the set on the 2.5 L (10 kWh), the battery gives 50 (120 left), then 60 and 60 in
    # hours 4 and 5: hour 6 fails, 6 h. (REopt needs 0.25 × 60 = 15 L > 2.5 L with 60 > 50 kW and leaves the set
    # off: the battery gives 60 in hours 3 and 4, hour 5 fails: 5 h.)
    system = dict(critical_load_kw=np.full(N, 60.0), battery_kwh=200.0, battery_kw=100.0, generator_kw=50.0,
                  fuel_litres=40.0, fuel_slope_l_per_kwh=0.25, fuel_intercept_l_per_h=0.0)
    assert np.all(sweep_of(**system).hours_survived == 6)
    assert np.all(reference(**system, max_duration_h=10) == 6)


def test_corner_a_net_load_of_exactly_zero_does_not_start_the_generator():
    # 50 kW load, 50 kW of PV in hour 0 only; a 100 kW set at a turndown of 1.0 burns 0.262 × 100 + 0.5 = 26.7 L
    # an hour. Kept off in hour 0, it carries hour 1 (3.3 L left), and hour 2 gets (3.3 − 0.5) / 0.262 = 10.7 kW:
    # 2 h. (REopt starts the set in hour 0 and burns the 26.7 L there: 1 h.)
    load = np.full(N, 50.0)
    pv = np.zeros(N)
    pv[0] = 50.0
    system = dict(critical_load_kw=load, pv_kw=pv, generator_kw=100.0, fuel_litres=30.0, fuel_slope_l_per_kwh=0.262,
                  fuel_intercept_l_per_h=0.5, generator_min_turndown=1.0)
    assert sweep_of(**system).hours_survived[0] == 2
    assert reference(**system, max_duration_h=5)[0] == 2


def test_corner_a_tank_running_dry_below_the_turndown_charges_the_battery_within_its_limits():
    # 10 kW load, 100 kW set at a turndown of 0.3 with 5 L at 0.25 L/kWh: hour 0 makes 20 kWh, 10 to the load and
    # 10 offered to the empty battery. Lossless: 10 kWh stored, hour 1 runs on the battery, hour 2 fails: 2 h.
    # With η_ch = 0.8 only 8 kWh are stored and hour 1 fails: 1 h. (REopt adds the whole 10 kWh to storage, with
    # no efficiency, inverter or capacity limit: 2 h in both cases.)
    system = dict(critical_load_kw=np.full(N, 10.0), battery_kwh=100.0, battery_kw=50.0, initial_soc=0.0,
                  generator_kw=100.0, fuel_litres=5.0, fuel_slope_l_per_kwh=0.25, fuel_intercept_l_per_h=0.0,
                  generator_min_turndown=0.3)
    assert np.all(sweep_of(**system).hours_survived == 2)
    assert np.all(reference(**system, max_duration_h=5) == 2)
    assert np.all(sweep_of(**system, charge_efficiency=0.8).hours_survived == 1)
    assert np.all(reference(**system, charge_efficiency=0.8, max_duration_h=5) == 1)


# ---------------------------------------------------------------------------------------------------------------------
# Laws that hold for all inputs
# ---------------------------------------------------------------------------------------------------------------------


@st.composite
def systems(draw, *, turndown=None):
    """A synthetic year and a backup system; whole-kW and whole-litre sizes keep clear of the 1e-5 kWh edge."""
    seed = draw(st.integers(0, 10_000))
    load, pv, soc = synthetic_year(seed, pv_kwp=draw(st.sampled_from([0.0, 20.0, 80.0])))
    soc_min = draw(st.sampled_from([0.0, 0.1, 0.3]))
    return dict(
        critical_load_kw=np.round(load),
        pv_kw=np.round(pv),
        battery_kwh=float(draw(st.integers(0, 300))),
        battery_kw=float(draw(st.integers(0, 80))),
        initial_soc=np.maximum(soc, soc_min),
        soc_min=soc_min,
        charge_efficiency=draw(st.sampled_from([0.85, 0.95, 1.0])),
        discharge_efficiency=draw(st.sampled_from([0.9, 1.0])),
        generator_kw=float(draw(st.integers(0, 80))),
        fuel_litres=float(draw(st.integers(0, 600))),
        fuel_intercept_l_per_h=draw(st.sampled_from([0.0, 0.5])),
        generator_min_turndown=draw(st.sampled_from([0.0, 0.3])) if turndown is None else turndown,
        max_duration_h=draw(st.sampled_from([48, 400])),
    )


def sweep(**kwargs) -> np.ndarray:
    return sweep_of(**kwargs).hours_survived


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(systems())
def test_agrees_with_the_python_reference_for_any_system(system):
    # A short horizon keeps the plain-Python loop quick; whole-kW inputs make hours of zero net load common.
    system = dict(system, max_duration_h=min(system["max_duration_h"], 72))
    np.testing.assert_array_equal(sweep(**system), reference(**system))


@PROPERTY_SETTINGS
@given(systems(), st.integers(1, 500))
def test_more_fuel_never_shortens_survival(system, extra_litres):
    more = dict(system, fuel_litres=system["fuel_litres"] + extra_litres)
    assert np.all(sweep(**more) >= sweep(**system))


@PROPERTY_SETTINGS
@given(systems(), st.integers(1, 200))
def test_more_battery_energy_with_the_same_inverter_never_shortens_survival(system, extra_kwh):
    # Holds because the initial SOC is at least the floor: more kWh at the same fractions means more
    # energy above the floor and more room. (Below the floor a bigger battery needs more to get back.)
    more = dict(system, battery_kwh=system["battery_kwh"] + extra_kwh)
    assert np.all(sweep(**more) >= sweep(**system))


@PROPERTY_SETTINGS
@given(systems(), st.integers(1, 50))
def test_a_bigger_inverter_with_the_same_energy_never_shortens_survival(system, extra_kw):
    more = dict(system, battery_kw=system["battery_kw"] + extra_kw)
    assert np.all(sweep(**more) >= sweep(**system))


@PROPERTY_SETTINGS
@given(systems(turndown=0.0), st.integers(1, 40))
def test_more_pv_never_shortens_survival_without_a_minimum_turndown(system, extra_kwp):
    pv_shape = synthetic_year(0, pv_kwp=1.0)[1]
    more = dict(system, pv_kw=system["pv_kw"] + np.round(extra_kwp * pv_shape))
    assert np.all(sweep(**more) >= sweep(**system))


def test_with_a_minimum_turndown_more_pv_can_shorten_survival():
    # Not a bug of the sweep: below its turndown the set charges the battery with its surplus, so an hour
    # the set covers can leave more stored energy than an hour a little PV surplus covers.
    # Hour 0: 10 kW load. Without PV the 100 kW set runs at 50 kW and stores 40 kWh (SOC 50 → 90);
    # with 11 kW of PV only 1 kWh is stored (51). Then 110 kW an hour: the set gives 100, the battery 10.
    load = np.full(N, 110.0)
    load[0] = 10.0
    pv = np.zeros(N)
    pv[0] = 11.0
    common = dict(critical_load_kw=load, battery_kwh=100.0, battery_kw=50.0, initial_soc=0.5, generator_kw=100.0,
                  fuel_litres=1e6, generator_min_turndown=0.5, max_duration_h=48)
    assert sweep(**common)[0] == 10
    assert sweep(**common, pv_kw=pv)[0] == 6


@PROPERTY_SETTINGS
@given(systems(), st.integers(1, 60))
def test_a_shorter_horizon_only_truncates(system, horizon):
    horizon = min(horizon, system["max_duration_h"])
    full = sweep(**system)
    np.testing.assert_array_equal(sweep(**dict(system, max_duration_h=horizon)), np.minimum(full, horizon))
    assert full.max() <= system["max_duration_h"]


@PROPERTY_SETTINGS
@given(systems(), st.integers(0, N - 1))
def test_trace_closes_the_energy_balance_and_stays_within_bounds(system, start):
    trace = trace_of(start, **system)
    r = sweep(**system)[start]
    assert len(trace) == min(r + 1, system["max_duration_h"])
    assert (trace["unserved_kw"].iloc[:r] <= 1e-5).all()
    if r < system["max_duration_h"]:
        assert trace["unserved_kw"].iloc[r] > 1e-5
    np.testing.assert_allclose(trace["served_kw"] + trace["unserved_kw"], trace["load_kw"], atol=1e-9)
    assert (trace["unserved_kw"] >= 0).all() and (trace["served_kw"] >= 0).all()
    assert (trace["soc_kwh"] >= -1e-9).all() and (trace["soc_kwh"] <= system["battery_kwh"] + 1e-9).all()
    assert (trace["fuel_litres"] >= 0).all()
    assert (trace["generator_to_load_kw"] <= system["generator_kw"] + 1e-9).all()
    assert (trace["battery_to_load_kw"] <= system["battery_kw"] + 1e-9).all()
    assert (trace["generator_output_kw"] >= trace["generator_to_load_kw"] - 1e-12).all()
    # Fuel and stored energy move only by what the hour's flows say.
    fuel_before = np.concatenate(([system["fuel_litres"]], trace["fuel_litres"].to_numpy()[:-1]))
    np.testing.assert_allclose(fuel_before - trace["burned_litres"], trace["fuel_litres"], atol=1e-9)
    soc_before = np.concatenate(([system["initial_soc"][start] * system["battery_kwh"]],
                                 trace["soc_kwh"].to_numpy()[:-1]))
    expected_soc = soc_before + trace["stored_kwh"] - trace["battery_to_load_kw"] / system["discharge_efficiency"]
    np.testing.assert_allclose(trace["soc_kwh"], expected_soc, atol=1e-9)


# ---------------------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------------------

NAIVE_LOAD = pd.Series(FLAT_50, index=pd.date_range("2023-01-01", periods=N, freq="h"))
NAN_PV = np.zeros(N)
NAN_PV[17] = np.nan
NEGATIVE_LOAD = FLAT_50.copy()
NEGATIVE_LOAD[[3, 9]] = -2.0
HIGH_SOC = np.ones(N)
HIGH_SOC[5] = 1.2


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"battery_kwh": -5}, "battery_kwh = -5: must be ≥ 0"),
        ({"battery_kw": float("nan")}, "battery_kw = nan: must be ≥ 0"),
        ({"critical_load_kw": np.ones(100)}, "critical_load_kw has 100 values: must have 8760"),
        ({"critical_load_kw": NEGATIVE_LOAD}, "critical_load_kw[3] = -2: must be ≥ 0 (and 1 more)"),
        ({"critical_load_kw": NAIVE_LOAD}, "critical_load_kw has a naive time index: must be tz-aware"),
        ({"critical_load_kw": np.ones((2, N))},
         "critical_load_kw has shape (2, 8760): must be one-dimensional with 8760 values"),
        ({"critical_load_kw": ["a"] * N}, "critical_load_kw: must be a sequence of numbers"),
        ({"pv_kw": NAN_PV}, "pv_kw[17] = nan: must be a finite number"),
        ({"pv_kw": np.zeros(8784)}, "pv_kw has 8784 values: must have 8760"),
        ({"initial_soc": 1.5}, "initial_soc = 1.5: must be between 0 and 1"),
        ({"initial_soc": HIGH_SOC}, "initial_soc[5] = 1.2: must be between 0 and 1"),
        ({"soc_min": -0.1}, "soc_min = -0.1: must be between 0 and 1"),
        ({"charge_efficiency": 0}, "charge_efficiency = 0: must be > 0 and ≤ 1"),
        ({"discharge_efficiency": 1.2}, "discharge_efficiency = 1.2: must be > 0 and ≤ 1"),
        ({"generator_kw": -1.0}, "generator_kw = -1: must be ≥ 0"),
        ({"fuel_litres": float("inf")}, "fuel_litres = inf: must be ≥ 0"),
        ({"fuel_slope_l_per_kwh": -0.2}, "fuel_slope_l_per_kwh = -0.2: must be ≥ 0"),
        ({"fuel_intercept_l_per_h": -1}, "fuel_intercept_l_per_h = -1: must be ≥ 0"),
        ({"generator_min_turndown": 1.5}, "generator_min_turndown = 1.5: must be between 0 and 1"),
        ({"max_duration_h": 0}, "max_duration_h = 0: must be an integer ≥ 1"),
        ({"max_duration_h": 2.5}, "max_duration_h = 2.5: must be an integer ≥ 1"),
        ({"battery_kwh": "big"}, "battery_kwh = 'big': must be a number, not text"),
    ],
)
def test_each_bad_argument_gets_one_specific_message(override, message):
    # A bad system value is reported when the BackupSystem is built, a bad series or horizon by the sweep.
    with pytest.raises(KizunaInputError) as caught:
        sweep_of(**{"critical_load_kw": FLAT_50, **override})
    assert caught.value.problems == [message]


def test_every_bad_argument_is_reported_at_once():
    with pytest.raises(KizunaInputError) as caught:
        BackupSystem(battery_kwh=-1, charge_efficiency=0, generator_min_turndown=1.5)
    assert caught.value.problems == [
        "battery_kwh = -1: must be ≥ 0",
        "charge_efficiency = 0: must be > 0 and ≤ 1",
        "generator_min_turndown = 1.5: must be between 0 and 1",
    ]
    with pytest.raises(KizunaInputError) as caught:
        survival_sweep(np.ones(10), NAN_PV, BackupSystem(), max_duration_h=0)
    assert caught.value.problems == [
        "critical_load_kw has 10 values: must have 8760",
        "pv_kw[17] = nan: must be a finite number",
        "max_duration_h = 0: must be an integer ≥ 1",
    ]


def test_the_sweep_takes_a_backup_system_and_a_keyword_horizon():
    with pytest.raises(TypeError):
        survival_sweep(FLAT_50)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        survival_sweep(FLAT_50, None, BackupSystem(), 24)  # type: ignore[misc]
    with pytest.raises(TypeError):
        BackupSystem(200.0)  # type: ignore[misc]
    with pytest.raises(KizunaInputError, match=r"system = \{'battery_kwh': 200.0\}: must be a BackupSystem"):
        survival_sweep(FLAT_50, None, {"battery_kwh": 200.0})  # type: ignore[arg-type]


def test_trace_rejects_a_start_outside_the_year():
    with pytest.raises(KizunaInputError, match=r"start_hour = 8760: must be an integer from 0 to 8759"):
        survival_trace(FLAT_50, None, BackupSystem(), start_hour=N)


def test_a_tz_aware_series_is_accepted():
    load = pd.Series(FLAT_50, index=pd.date_range("2023-01-01", periods=N, freq="h", tz="Asia/Tokyo"))
    assert np.all(survival_sweep(load, None, BackupSystem(battery_kwh=100.0, battery_kw=50.0)).hours_survived == 2)


# ---------------------------------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_result() -> SurvivalResult:
    load, pv, soc = synthetic_year(3)
    system = BackupSystem(battery_kwh=200.0, battery_kw=60.0, initial_soc=soc, generator_kw=70.0, fuel_litres=300.0)
    return survival_sweep(load, pv, system, max_duration_h=100)


def test_to_dict_has_the_documented_shape_and_is_json(mixed_result):
    summary = json.loads(json.dumps(mixed_result.to_dict()))
    r = np.array(summary["hours_survived"])
    assert len(r) == N and all(isinstance(h, int) for h in summary["hours_survived"])
    assert (summary["min_h"], summary["max_h"]) == (r.min(), r.max())
    assert summary["mean_h"] == pytest.approx(r.mean())
    assert summary["max_duration_h"] == 100
    assert summary["summary_durations_h"] == list(SUMMARY_DURATIONS_H)
    assert [row["month"] for row in summary["by_month"]] == list(range(1, 13))
    assert [row["starts"] for row in summary["by_month"]] == [d * 24 for d in (31, 28, 31, 30, 31, 30, 31, 31,
                                                                                30, 31, 30, 31)]
    assert [row["hour"] for row in summary["by_hour_of_day"]] == list(range(24))
    assert all(row["starts"] == 365 for row in summary["by_hour_of_day"])


def test_survival_probability_counts_starts_and_never_increases(mixed_result):
    summary = mixed_result.to_dict()
    probability = np.array(summary["survival_probability"])
    r = mixed_result.hours_survived
    assert len(probability) == 100
    assert np.all(np.diff(probability) <= 0)
    for k in (1, 24, 50, 100):
        assert probability[k - 1] == np.mean(r >= k)


def test_group_rows_match_a_groupby_and_leave_durations_beyond_the_horizon_empty(mixed_result):
    summary = mixed_result.to_dict()
    frame = mixed_result.to_frame()
    by_month = frame.groupby("month")["hours_survived"]
    january = summary["by_month"][0]
    assert january["min_h"] == by_month.min()[1] and january["max_h"] == by_month.max()[1]
    assert january["mean_h"] == pytest.approx(by_month.mean()[1])
    assert january["p_24h"] == pytest.approx((frame.loc[frame.month == 1, "hours_survived"] >= 24).mean())
    assert january["p_168h"] is None  # the horizon is 100 h
    at_noon = summary["by_hour_of_day"][12]
    assert at_noon["p_72h"] == pytest.approx((frame.loc[frame.hour_of_day == 12, "hours_survived"] >= 72).mean())
    assert frame.loc[31 * 24, "month"] == 2 and frame.loc[8759, "month"] == 12 and frame.loc[8759, "hour_of_day"] == 23


def test_result_is_immutable(mixed_result):
    with pytest.raises(ValueError):
        mixed_result.hours_survived[0] = 1
    with pytest.raises(AttributeError):
        mixed_result.max_duration_h = 5  # type: ignore[misc]
