"""Filling-station stock in an outage: hand-worked cases and the laws of the petrol balance."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resilience.citydata import load_city
from resilience.citysim import simulate
from resilience.petrol import simulate_petrol, supply_share_of_normal
from resilience.records import PetrolSupply, Scenario


def supply(**kw):
    base = dict(stock_litres_per_station=1000.0, demand_litres_per_vehicle_per_day=24.0,
                ration_litres_per_visit=30.0, vehicles_per_household=1.0)
    base.update(kw)
    return PetrolSupply(**base)


def test_with_no_outage_stock_is_flat_and_deliveries_match_sales():
    # 10 stations × 1000 L; 100 cars × 24 L/day = 100 L/h sold, and tankers bring back 100 L/h.
    r = simulate_petrol(supply(), [10], [0.5], [100], np.ones((48, 1)))
    assert r.sold_litres[:, 0].tolist() == [100.0] * 48
    assert r.delivered_litres[:, 0].tolist() == pytest.approx([100.0] * 48)
    assert r.stock_litres[:, 0] == pytest.approx(np.full(48, 10_000.0))
    assert r.days_of_supply[:, 0] == pytest.approx(np.full(48, 10_000.0 / 2400.0))


def test_stations_with_backup_sell_only_their_own_stock():
    # Whole district dark for 48 h, no deliveries: 2 of 10 stations have backup and hold 2 × 1000 L.
    # Old model: each hour sold min(wanted, whole stock × 0.2), i.e. 100 L/h for 48 h = 4,800 L.
    r = simulate_petrol(supply(), [10], [0.2], [100], np.zeros((48, 1)), supply_share=np.zeros(48))
    assert r.sold_litres.sum() == pytest.approx(2000.0)
    assert r.sold_litres[:20, 0] == pytest.approx(np.full(20, 100.0))
    assert r.sold_litres[20:, 0] == pytest.approx(np.zeros(28))
    assert r.stock_litres[-1, 0] == pytest.approx(8000.0)  # the dark stations' stock is out of reach, not gone
    assert r.reachable_stock_litres[-1, 0] == pytest.approx(0.0)


def test_stock_out_of_reach_comes_back_with_the_grid():
    grid = np.array([[0.0], [0.0], [1.0]])
    r = simulate_petrol(supply(), [10], [0.0], [100], grid, supply_share=np.zeros(3))
    assert r.sold_litres[:, 0].tolist() == [0.0, 0.0, 100.0]
    assert r.reachable_stock_litres[:, 0].tolist() == [0.0, 0.0, 9900.0]


def test_rolling_blackout_moves_stock_with_the_stations():
    # Half the district loses power in hour 1: half the powered stock goes dark with its stations.
    grid = np.array([[1.0], [0.5], [1.0]])
    r = simulate_petrol(supply(), [10], [0.0], [100], grid, supply_share=np.zeros(3))
    assert r.reachable_stock_litres[0, 0] == pytest.approx(9900.0)
    assert r.reachable_stock_litres[1, 0] == pytest.approx(9900.0 / 2 - 100.0)
    assert r.stock_litres[2, 0] == pytest.approx(10_000.0 - 300.0)


def test_the_supply_shock_of_2011_is_one_third_for_two_weeks():
    share = supply_share_of_normal(24 * 20, 1 / 3, 14 * 24)
    assert share[: 14 * 24] == pytest.approx(np.full(14 * 24, 1 / 3))
    assert share[14 * 24:] == pytest.approx(np.ones(6 * 24))
    assert supply_share_of_normal(5, None, None).tolist() == [1.0] * 5


def test_a_ration_below_normal_demand_binds():
    r = simulate_petrol(supply(ration_litres_per_visit=12.0), [10], [1.0], [100], np.ones((4, 1)))
    assert r.sold_litres[:, 0].tolist() == [50.0] * 4


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_a_city_with_no_outage_keeps_its_days_of_supply(city_id):
    # Item 1 of the model-truth review: petrol ran dry by hour 59 (Berlin 46) with no outage at all.
    city = load_city(city_id)
    result = simulate(city, Scenario(preset="custom", custom_outage_h=0, custom_restoration_h=0, duration_h=720))
    stock = result.petrol.stock_litres.sum(axis=1)
    assert stock == pytest.approx(np.full(720, stock[0]))
    assert result.kpis.petrol_days_of_supply_min == pytest.approx(result.kpis.petrol_days_of_supply_start)
    assert result.kpis.petrol_days_of_supply_min > 2.0


def test_berlin_southwest_2026_leaves_most_stations_pumping():
    # 2 % of Berlin's households were hit: the city's petrol days barely move.
    result = simulate(load_city("berlin"), Scenario(preset="berlin-southwest-2026"))
    k = result.kpis
    assert k.petrol_days_of_supply_min > 0.9 * k.petrol_days_of_supply_start
    assert k.stations_operating_share_min > 0.95


@settings(max_examples=60, deadline=None)
@given(stock=st.floats(0, 5000), demand=st.floats(0, 100), ration=st.floats(0.1, 50),
       backup=st.floats(0, 1), supply_share=st.floats(0, 1),
       grid=st.lists(st.floats(0, 1), min_size=1, max_size=60))
def test_stock_stays_within_bounds_and_sales_within_reach(stock, demand, ration, backup, supply_share, grid):
    grid_share = np.array(grid)[:, None]
    r = simulate_petrol(supply(stock_litres_per_station=stock, demand_litres_per_vehicle_per_day=demand,
                               ration_litres_per_visit=ration), [3], [backup], [500], grid_share,
                        supply_share=np.full(len(grid), supply_share))
    assert (r.stock_litres >= -1e-6).all()
    assert (r.stock_litres <= 3 * stock + 1e-6).all()  # refilled up to the normal stock, never beyond
    assert (r.reachable_stock_litres <= r.stock_litres + 1e-6).all()
    assert (r.sold_litres <= 500 * min(demand, ration) / 24.0 + 1e-9).all()
    # Nothing is sold that the pumping stations did not hold: sales ≤ what was in reach plus deliveries.
    reach_before = np.concatenate([[0.0], r.reachable_stock_litres[:-1, 0]])
    newly_powered = np.maximum(np.diff(np.concatenate([[0.0], grid])), 0) * 3 * stock * (1 - backup)
    backup_stock = 3 * stock * backup
    assert r.sold_litres.sum() <= backup_stock + 3 * stock * (1 - backup) + r.delivered_litres.sum() + 1e-6
    assert (r.sold_litres[:, 0] <= reach_before + newly_powered + (np.arange(len(grid)) == 0) * backup_stock
             + 1e-6).all()


@settings(max_examples=40, deadline=None)
@given(stock=st.floats(1, 5000), demand=st.floats(0, 100), backup=st.floats(0, 1), hours=st.integers(1, 100))
def test_no_outage_is_a_steady_state(stock, demand, backup, hours):
    r = simulate_petrol(supply(stock_litres_per_station=stock, demand_litres_per_vehicle_per_day=demand),
                        [4], [backup], [300], np.ones((hours, 1)))
    assert r.stock_litres[:, 0] == pytest.approx(np.full(hours, 4 * stock))


def test_stations_rebuild_their_stock_after_the_supply_shock():
    # 2011: one third of normal for two weeks, then the backlog cleared in the fourth week [S8]. After the
    # shock tankers bring 20 % more than is sold: 0.2 × 2,400 L = 480 L/day back into stock.
    hours = 24 * 40
    share = supply_share_of_normal(hours, 1 / 3, 14 * 24)
    r = simulate_petrol(supply(), [10], [1.0], [100], np.ones((hours, 1)), supply_share=share)
    stock = r.stock_litres[:, 0]
    assert stock[14 * 24 - 1] < 0.1 * 10_000.0          # run down by the shock
    assert stock[21 * 24 - 1] == pytest.approx(stock[14 * 24 - 1] + 7 * 480.0, abs=100.0)  # ± an hour of sales
    assert stock[-1] == pytest.approx(10_000.0)         # back to its normal stock, and no further
    assert (np.diff(stock[14 * 24:]) >= -1e-9).all()
    assert (r.delivered_litres[14 * 24:, 0] <= 1.2 * 100.0 + 1e-9).all()
