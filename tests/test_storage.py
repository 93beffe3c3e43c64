"""The PV + car battery + engine kernel behind V2H households."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from resilience.storage import dispatch_storage
from resilience.v2h import hours_fully_served, usable_energy_kwh


def run(load, pv=None, *, capacity=40.0, soc0=1.0, reserve=0.3, soc_max=0.9, power=6.0,
        eta_dis=0.88, eta_ch=0.9, active=None, engine_kwh0=0.0):
    load = np.asarray(load, dtype=float)
    pv = np.zeros((len(load), 1)) if pv is None else np.asarray(pv, dtype=float).reshape(-1, 1)
    active = np.ones((len(load), 1), dtype=bool) if active is None else np.asarray(active).reshape(-1, 1)
    out = dispatch_storage(load, pv, active, np.array([capacity]), np.array([soc0]), np.array([reserve]),
                           soc_max=soc_max, power_kw=power, discharge_efficiency=eta_dis,
                           charge_efficiency=eta_ch, engine_kwh0=np.array([engine_kwh0]))
    return [a[:, 0, 0] for a in out]


def test_leaf_example_energy_and_hours():
    # FACTS G: 40 kWh × (1.0 − 0.3) × 0.88 = 24.64 kWh → 8.21 days at 3 kWh/day.
    assert usable_energy_kwh(40, 1.0, 0.3, 0.88) == pytest.approx(24.64, abs=1e-12)
    load = np.full(24 * 10, 3.0 / 24)
    pv_served, car, engine, soc = run(load)
    hours = hours_fully_served(load[:, None], (pv_served + car + engine)[:, None])[0]
    assert hours == pytest.approx(24.64 / 0.125, abs=1e-9)  # 197.12 h
    assert hours / 24 == pytest.approx(8.2133, abs=1e-4)
    assert car.sum() == pytest.approx(24.64, abs=1e-9)
    assert soc[-1] == pytest.approx(0.3, abs=1e-12)


def test_power_limit_caps_each_hour():
    _, car, _, _ = run([10.0, 10.0], power=6.0)
    assert car.tolist() == pytest.approx([6.0, 6.0])


def test_inactive_hours_keep_the_state():
    load = np.ones(4)
    active = np.array([True, False, False, True])
    _, car, _, soc = run(load, active=active, capacity=10.0, soc0=1.0, reserve=0.0, eta_dis=1.0)
    assert car.tolist() == [1.0, 0.0, 0.0, 1.0]
    assert soc.tolist() == pytest.approx([0.9, 0.9, 0.9, 0.8])


def test_pv_surplus_recharges_up_to_soc_max_only():
    pv_served, car, _, soc = run([0.0, 0.0, 0.0], pv=[20.0, 20.0, 20.0], capacity=10.0, soc0=0.5,
                                 soc_max=0.9, power=6.0, eta_ch=1.0)
    assert soc.tolist() == pytest.approx([0.9, 0.9, 0.9])


def test_engine_covers_after_the_battery_hits_reserve():
    load = np.full(5, 2.0)
    _, car, engine, _ = run(load, capacity=10.0, soc0=0.5, reserve=0.3, eta_dis=1.0, engine_kwh0=4.0)
    assert car.tolist() == pytest.approx([2.0, 0.0, 0.0, 0.0, 0.0])
    assert engine.tolist() == pytest.approx([0.0, 2.0, 2.0, 0.0, 0.0])


@given(
    load=st.lists(st.floats(0, 8), min_size=1, max_size=72),
    pv_scale=st.floats(0, 10),
    capacity=st.one_of(st.just(0.0), st.floats(0.01, 100)),
    soc0=st.floats(0, 1),
    reserve_share=st.floats(0, 1),
    extra=st.floats(0, 50),
)
def test_balance_bounds_and_more_battery_never_hurts(load, pv_scale, capacity, soc0, reserve_share, extra):
    # The law needs the car to start at or above its reserve: below it, a bigger battery's reserve
    # (a share of its kWh) takes more PV to refill before the car can serve, so it can serve later.
    reserve = soc0 * reserve_share
    load = np.array(load)
    pv = pv_scale * np.abs(np.sin(np.arange(len(load)) / 3.0))
    served_pv, car, engine, soc = run(load, pv, capacity=capacity, soc0=soc0, reserve=reserve)
    served = served_pv + car + engine
    assert np.all(served <= load + 1e-9)
    assert np.all(served_pv <= pv + 1e-9)
    assert np.all((soc >= -1e-12) & (soc <= max(soc0, 0.9) + 1e-12))
    hours = hours_fully_served(load[:, None], served[:, None])[0]
    bigger = run(load, pv, capacity=capacity + extra, soc0=soc0, reserve=reserve)
    hours_bigger = hours_fully_served(load[:, None], sum(bigger[:3])[:, None])[0]
    assert hours_bigger >= hours - 1e-9


def test_below_its_reserve_a_bigger_battery_can_serve_later():
    # Documented exception (docs/model.md §5): both cars start empty with a 50 % reserve; PV refills
    # 0.25 kWh of the small car's reserve but not the 0.75 kWh of the big one's, so only the small one serves.
    load, pv = [0.0, 0.0, 1.0], [0.0, 0.3, 0.0]
    small = run(load, pv, capacity=0.5, soc0=0.0, reserve=0.5, eta_ch=1.0, eta_dis=1.0)
    big = run(load, pv, capacity=1.5, soc0=0.0, reserve=0.5, eta_ch=1.0, eta_dis=1.0)
    assert small[1][2] == pytest.approx(0.05)
    assert big[1][2] == 0.0
