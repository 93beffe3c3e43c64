"""Backup-system records: built by hand, from a facility and from a V2H household, and the burn formula."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resilience.citydata import load_city
from resilience.errors import KizunaInputError
from resilience.facilities import BATTERY_CHARGE_EFFICIENCY, BATTERY_DISCHARGE_EFFICIENCY, generator_burn_l_per_h
from resilience.records import Facility, Household
from resilience.survival import HOURS_PER_YEAR, survival_sweep, survival_trace
from resilience.systems import BackupSystem, facility_survival_inputs, household_survival_inputs
from resilience.vehicles import vehicle

N = HOURS_PER_YEAR
SAITAMA = load_city("saitama")


def facility(**fields) -> Facility:
    base = dict(id="h1", name="Hospital", type="hospital", district_id="11101", latitude=35.9, longitude=139.6,
                critical_load_kw=120.0)
    return Facility(**{**base, **fields})


# ----------------------------------------------------------------------------------------------------------------------
# The record
# ----------------------------------------------------------------------------------------------------------------------


def test_defaults_are_no_battery_and_no_generator():
    system = BackupSystem()
    assert (system.battery_kwh, system.battery_kw, system.generator_kw, system.fuel_litres) == (0.0, 0.0, 0.0, 0.0)
    assert (system.initial_soc, system.soc_min, system.fuel_intercept_l_per_h) == (1.0, 0.0, 0.0)
    assert system.kernel_params() == (0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.262, 0.0, 0.0)


def test_kernel_params_are_in_absolute_units():
    # Floor 0.2 × 150 = 30 kWh; turndown 0.3 × 90 = 27 kW; default idle burn 0.007 × 90 = 0.63 L/h.
    system = BackupSystem(battery_kwh=150.0, battery_kw=50.0, soc_min=0.2, charge_efficiency=0.9,
                          discharge_efficiency=0.88, generator_kw=90.0, fuel_litres=400.0, generator_min_turndown=0.3)
    assert system.kernel_params() == pytest.approx((150.0, 50.0, 30.0, 0.9, 0.88, 90.0, 0.262, 0.63, 27.0))


def test_a_per_start_soc_series_is_kept_read_only():
    soc = np.linspace(0.0, 1.0, N)
    system = BackupSystem(battery_kwh=10.0, initial_soc=soc)
    soc[0] = 0.5  # the record holds its own copy
    assert system.initial_soc[0] == 0.0
    with pytest.raises(ValueError):
        system.initial_soc[0] = 1.0
    with pytest.raises(AttributeError):
        system.battery_kwh = 5.0  # type: ignore[misc]
    assert "initial_soc=<8760 values>" in repr(system)


def test_a_short_soc_series_is_named():
    with pytest.raises(KizunaInputError) as caught:
        BackupSystem(initial_soc=[0.5] * 10)
    assert caught.value.problems == ["initial_soc has 10 values: must have 8760"]


# ----------------------------------------------------------------------------------------------------------------------
# From a facility
# ----------------------------------------------------------------------------------------------------------------------


def test_from_facility_by_hand():
    # A 200 kW set at 0.25 L/kWh with 0.01 L/h per kW idle burn: b = 0.01 × 200 = 2 L/h; 1,500 of 2,000 L filled.
    site = facility(generator_kw=200.0, tank_litres=2000.0, fuel_litres=1500.0, fuel_slope_l_per_kwh=0.25,
                    fuel_intercept_l_per_h_per_kw=0.01, generator_min_turndown=0.3, battery_kwh=80.0,
                    battery_kw=40.0)
    system = BackupSystem.from_facility(site)
    assert (system.battery_kwh, system.battery_kw, system.initial_soc, system.soc_min) == (80.0, 40.0, 1.0, 0.0)
    assert (system.charge_efficiency, system.discharge_efficiency) == (0.95, 0.95)
    assert (system.charge_efficiency, system.discharge_efficiency) == (BATTERY_CHARGE_EFFICIENCY,
                                                                       BATTERY_DISCHARGE_EFFICIENCY)
    assert (system.generator_kw, system.fuel_litres, system.fuel_slope_l_per_kwh) == (200.0, 1500.0, 0.25)
    assert system.fuel_intercept_l_per_h == 2.0
    assert system.generator_min_turndown == 0.3 and system.turndown_kw == pytest.approx(60.0)


def test_from_facility_without_a_generator_has_no_idle_burn():
    system = BackupSystem.from_facility(facility(battery_kwh=50.0, battery_kw=25.0))
    assert (system.generator_kw, system.fuel_litres, system.fuel_intercept_l_per_h) == (0.0, 0.0, 0.0)


def test_facility_inputs_carry_the_facilitys_system_and_a_year_of_load():
    site = SAITAMA.facilities[0]
    inputs = facility_survival_inputs(SAITAMA, site.id)
    assert inputs.label == site.name and len(inputs.critical_load_kw) == N and len(inputs.pv_kw) == N
    assert inputs.system.kernel_params() == BackupSystem.from_facility(site).kernel_params()
    # The facility type's shape keeps the daily mean: the year's energy is 8,760 × the mean critical load.
    assert inputs.annual_load_kwh == pytest.approx(N * site.critical_load_kw, rel=0.01)


# ----------------------------------------------------------------------------------------------------------------------
# From a household
# ----------------------------------------------------------------------------------------------------------------------


def test_from_household_phev_by_hand():
    # Outlander PHEV 2019: C = 11.5 kWh usable; Saitama's fleet: SOC_max 0.9, η 0.9 / 0.88. SOC0 0.8 < 0.9, so the
    # ceiling is 0.9: battery 11.5 × 0.9 = 10.35 kWh, starting at 0.8 / 0.9, floor 0.3 / 0.9. The engine: 20 L as
    # a 6 kW generator burning 1 / yield L/kWh with no idle burn.
    phev = "mitsubishi-outlander-phev-2019"
    capacity = float(vehicle(phev)["usable_kwh"])
    assert capacity == 11.5
    household = Household(vehicle_id=phev, soc_start=0.8, reserve_soc=0.3, v2h_kw=6.0, petrol_litres=20.0)
    system = BackupSystem.from_household(household, SAITAMA)
    yield_kwh_per_litre = float(vehicle(phev)["engine_kwh_per_litre"])
    assert system.battery_kwh == pytest.approx(11.5 * 0.9)
    assert system.initial_soc == pytest.approx(0.8 / 0.9)
    assert system.soc_min == pytest.approx(0.3 / 0.9)
    assert (system.battery_kw, system.charge_efficiency, system.discharge_efficiency) == (6.0, 0.9, 0.88)
    assert (system.generator_kw, system.fuel_litres) == (6.0, 20.0)
    assert system.fuel_slope_l_per_kwh == pytest.approx(1.0 / yield_kwh_per_litre)
    assert (system.fuel_intercept_l_per_h, system.generator_min_turndown) == (0.0, 0.0)
    # Stored at the start: C × SOC0 = 9.2 kWh; above the floor: C × (SOC0 − reserve) = 5.75 kWh.
    assert system.initial_soc * system.battery_kwh == pytest.approx(11.5 * 0.8)
    assert (system.initial_soc - system.soc_min) * system.battery_kwh == pytest.approx(11.5 * 0.5)


def test_from_household_above_soc_max_the_ceiling_is_the_start():
    # SOC0 0.95 > SOC_max 0.9: the battery is C × 0.95 and starts full; a BEV's petrol makes no generator.
    household = Household(vehicle_id="nissan-leaf-40", soc_start=0.95, reserve_soc=0.19, petrol_litres=30.0)
    system = BackupSystem.from_household(household, SAITAMA)
    assert system.battery_kwh == pytest.approx(38.0 * 0.95)
    assert system.initial_soc == 1.0
    assert system.soc_min == pytest.approx(0.2)
    assert (system.generator_kw, system.fuel_litres, system.fuel_slope_l_per_kwh) == (0.0, 0.0, 0.0)


def test_from_household_with_a_bare_battery_burns_petrol_at_the_fleets_yield():
    household = Household(vehicle_id=None, battery_kwh=40.0, soc_start=0.7, petrol_litres=10.0, v2h_kw=4.0)
    system = BackupSystem.from_household(household, SAITAMA)
    assert system.battery_kwh == pytest.approx(40.0 * 0.9) and system.initial_soc == pytest.approx(0.7 / 0.9)
    assert (system.generator_kw, system.fuel_litres) == (4.0, 10.0)
    assert system.fuel_slope_l_per_kwh == pytest.approx(1.0 / SAITAMA.fleet.phev_kwh_per_litre)


def test_household_inputs_use_the_record_of_the_household():
    household = Household(vehicle_id="mitsubishi-outlander-phev-2019", petrol_litres=20.0)
    inputs = household_survival_inputs(household)
    assert inputs.system.kernel_params() == BackupSystem.from_household(household, SAITAMA).kernel_params()
    assert inputs.annual_load_kwh == pytest.approx(3.0 * 365, rel=1e-9)  # the essential 3 kWh/day
    assert inputs.label.startswith("Mitsubishi Outlander")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(capacity_kwh=st.integers(5, 80), extra_kwh=st.integers(1, 60), soc_percent=st.integers(30, 100),
       reserve_percent=st.integers(0, 30), pv_kw=st.sampled_from([0.0, 1.0, 3.0]), seed=st.integers(0, 1000))
def test_a_bigger_car_battery_never_lowers_hours_survived(capacity_kwh, extra_kwh, soc_percent, reserve_percent,
                                                          pv_kw, seed):
    # Same fractions of a bigger battery: more energy above the reserve and more room for PV, so no start ends
    # sooner (the initial SOC is above the reserve, so the ceiling leaves it above the floor).
    rng = np.random.default_rng(seed)
    hour_of_day = np.arange(N) % 24
    load = np.round(rng.uniform(0.1, 1.5, N), 2)
    pv = np.round(pv_kw * np.clip(np.sin(np.pi * (hour_of_day - 6) / 12), 0, None), 2)

    def hours(capacity: float) -> np.ndarray:
        household = Household(vehicle_id=None, battery_kwh=capacity, soc_start=soc_percent / 100,
                              reserve_soc=reserve_percent / 100)
        system = BackupSystem.from_household(household, SAITAMA)
        return survival_sweep(load, pv, system, max_duration_h=200).hours_survived

    assert np.all(hours(float(capacity_kwh + extra_kwh)) >= hours(float(capacity_kwh)))


# ----------------------------------------------------------------------------------------------------------------------
# One burn formula
# ----------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("turndown", [0.0, 0.4])
def test_the_compiled_kernel_burns_what_generator_burn_l_per_h_says(turndown):
    # The numba kernel keeps an inline copy of m × P + b (it cannot call a numpy function): every hour it runs the
    # set on a full tank, its burn is resilience.facilities.generator_burn_l_per_h at its output.
    rng = np.random.default_rng(4)
    load = rng.uniform(5.0, 95.0, N)  # within the 100 kW rating: no hour falls short
    site = facility(generator_kw=100.0, tank_litres=5000.0, fuel_litres=5000.0, fuel_slope_l_per_kwh=0.27,
                    fuel_intercept_l_per_h_per_kw=0.009, generator_min_turndown=turndown)
    system = BackupSystem.from_facility(site)
    trace = survival_trace(load, None, system, start_hour=100, max_duration_h=48)
    running = trace["generator_output_kw"] > 0
    assert running.sum() > 24
    expected = generator_burn_l_per_h(trace.loc[running, "generator_output_kw"].to_numpy(), site.generator_kw,
                                      site.fuel_slope_l_per_kwh, site.fuel_intercept_l_per_h_per_kw)
    np.testing.assert_allclose(trace.loc[running, "burned_litres"].to_numpy(), expected, rtol=1e-12, atol=1e-12)
