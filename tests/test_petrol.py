"""Filling-station stock in an outage, against a case worked on paper."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from resilience.petrol import simulate_petrol
from resilience.records import PetrolSupply


def supply(**kw):
    base = dict(stock_litres_per_station=1000.0, demand_litres_per_vehicle_per_day=24.0,
                ration_litres_per_visit=12.0, normal_delivery_litres_per_station_per_day=240.0,
                resupply_delay_h=2.0, resupply_share_of_normal=0.5, vehicles_per_household=1.0)
    base.update(kw)
    return PetrolSupply(**base)


def test_worked_case():
    # 10 stations × 1000 L; half have backup power; 100 vehicles want min(24, 12) = 12 L/day = 50 L/h.
    # From hour 2, deliveries of 10 × 240 × 0.5 / 24 = 50 L/h balance the sales.
    r = simulate_petrol(supply(), [10], [0.5], [100], np.zeros((4, 1)))
    assert r.stations_operating[:, 0].tolist() == [5.0] * 4
    assert r.sold_litres[:, 0].tolist() == [50.0] * 4
    assert r.stock_litres[:, 0].tolist() == [9950.0, 9900.0, 9900.0, 9900.0]
    assert r.days_of_supply[0, 0] == pytest.approx(9950.0 / 1200.0)
    assert r.litres_per_vehicle_bought.tolist() == [0.5] * 4


def test_no_power_means_no_sales():
    r = simulate_petrol(supply(), [10], [0.0], [100], np.zeros((3, 1)))
    assert r.sold_litres.sum() == 0.0
    assert r.stock_litres[-1, 0] == 10000.0 + 2 * 0.0 + 50.0  # resupply from hour 2 still arrives


@given(stock=st.floats(0, 2000), demand=st.floats(0, 100), ration=st.floats(0.1, 50),
       backup=st.floats(0, 1), grid=st.floats(0, 1))
def test_stock_never_negative_and_ration_caps_sales(stock, demand, ration, backup, grid):
    r = simulate_petrol(supply(stock_litres_per_station=stock, demand_litres_per_vehicle_per_day=demand,
                               ration_litres_per_visit=ration), [3], [backup], [500],
                        np.full((48, 1), grid))
    assert (r.stock_litres >= -1e-9).all()
    assert (r.sold_litres <= 500 * ration / 24.0 + 1e-9).all()
