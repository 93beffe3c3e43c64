"""Facility dispatch and diesel resupply, against cases worked on paper."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resilience.facilities import dispatch_facilities, generator_burn_l_per_h
from resilience.kpis import first_shortfall_hour
from resilience.records import DieselSupply, Facility


def facility(fid="h1", ftype="hospital", **kw):
    base = dict(id=fid, name=fid, type=ftype, district_id="d1", latitude=35.9, longitude=139.6,
                critical_load_kw=40.0, generator_kw=100.0, tank_litres=50.0, fuel_litres=50.0,
                fuel_slope_l_per_kwh=0.25, fuel_intercept_l_per_h_per_kw=0.0)
    base.update(kw)
    return Facility(**base)


def run(facilities, hours, depot=0.0, first_h=0.0, per_day=0.0, grid_up=None, pv=None):
    n = len(facilities)
    load = np.tile([f.critical_load_kw for f in facilities], (hours, 1))
    pv = np.zeros((hours, n)) if pv is None else pv
    grid_up = np.zeros((hours, n), dtype=bool) if grid_up is None else grid_up
    diesel = DieselSupply(depot_litres=depot, first_delivery_h=first_h, delivery_litres_per_day=per_day)
    return dispatch_facilities(tuple(facilities), load, pv, grid_up, diesel)


def test_fuel_resupply_worked_on_paper():
    # 40 kW at 0.25 L/kWh burns 10 L/h; a full 50-L tank lasts 5 h. From hour 3 the depot sends
    # 240 L/day = 10 L/h until its 30 L are gone (hours 3, 4, 5): 80 L in all → 8 h, short from hour 8.
    alone = run([facility()], 12)
    assert first_shortfall_hour(alone.unserved_kwh, alone.demand_kwh).tolist() == [5]
    resupplied = run([facility()], 12, depot=30.0, first_h=3, per_day=240.0)
    assert first_shortfall_hour(resupplied.unserved_kwh, resupplied.demand_kwh).tolist() == [8]
    assert resupplied.delivered_litres[:, 0].tolist() == [0, 0, 0, 10, 10, 10, 0, 0, 0, 0, 0, 0]
    assert resupplied.fuel_litres[:, 0].tolist()[:8] == pytest.approx([40, 30, 20, 20, 20, 20, 10, 0])
    assert resupplied.depot_litres[-1] == 0.0


def test_hospital_gets_diesel_before_a_fuller_shelter_and_an_emptier_one():
    hospital = facility("h", "hospital", fuel_litres=40.0)
    shelter = facility("s", "shelter", fuel_litres=10.0)
    result = run([shelter, hospital], 1, depot=100.0, first_h=0, per_day=24 * 15.0)
    # 15 L this hour: the hospital's 10 L of room first, the rest to the shelter.
    assert result.delivered_litres[0].tolist() == [5.0, 10.0]


def test_grid_serves_everything_and_recharges_the_battery():
    f = facility(battery_kwh=100.0, battery_kw=10.0, fuel_litres=0.0)
    result = run([f], 3, grid_up=np.ones((3, 1), dtype=bool))
    assert result.grid_kwh[:, 0].tolist() == [40.0, 40.0, 40.0]
    assert result.burned_litres.sum() == 0.0


def test_turndown_surplus_charges_the_battery():
    f = facility(critical_load_kw=20.0, generator_min_turndown=0.5, battery_kwh=100.0, battery_kw=50.0)
    result = run([f], 1)
    # The set must run at 50 kW: 20 kW to the load, 30 kW into the battery at 95 %.
    assert result.generator_kwh[0, 0] == 20.0
    assert result.burned_litres[0, 0] == pytest.approx(0.25 * 50)
    assert result.soc_kwh[0, 0] == pytest.approx(100.0)  # starts full: the surplus is spilled


@settings(max_examples=60)
@given(
    load=st.floats(0, 500), gen=st.floats(0, 500), fuel=st.floats(0, 500), battery=st.floats(0, 500),
    pv_peak=st.floats(0, 500), depot=st.floats(0, 1000), turndown=st.floats(0, 1), grid_hours=st.integers(0, 48),
)
def test_energy_balance_and_bounds(load, gen, fuel, battery, pv_peak, depot, turndown, grid_hours):
    hours = 48
    f = facility(critical_load_kw=load, generator_kw=gen, tank_litres=500.0, fuel_litres=fuel,
                 battery_kwh=battery, battery_kw=battery / 2, generator_min_turndown=turndown,
                 fuel_intercept_l_per_h_per_kw=0.007, fuel_slope_l_per_kwh=0.262)
    pv = pv_peak * np.clip(np.sin(np.arange(hours) * np.pi / 12), 0, None)[:, None]
    grid_up = (np.arange(hours) < grid_hours)[:, None]
    r = run([f], hours, depot=depot, first_h=6, per_day=240.0, grid_up=grid_up, pv=pv)
    total = r.grid_kwh + r.pv_kwh + r.generator_kwh + r.battery_kwh + r.unserved_kwh
    np.testing.assert_allclose(total, r.demand_kwh, atol=1e-9)
    assert (r.fuel_litres >= 0).all() and (r.fuel_litres <= 500.0 + 1e-9).all()
    assert (r.soc_kwh >= -1e-9).all() and (r.soc_kwh <= battery + 1e-9).all()
    assert (r.unserved_kwh >= -1e-12).all() and (r.depot_litres >= -1e-9).all()
    assert r.delivered_litres.sum() == pytest.approx(depot - r.depot_litres[-1])


@settings(max_examples=40)
@given(fuel=st.floats(0, 400), more=st.floats(0, 400), battery=st.floats(0, 300))
def test_more_fuel_never_shortens_autonomy(fuel, more, battery):
    def autonomy(litres):
        f = facility(tank_litres=1000.0, fuel_litres=litres, battery_kwh=battery, battery_kw=battery,
                     fuel_intercept_l_per_h_per_kw=0.007)
        dispatched = run([f], 96)
        hit = first_shortfall_hour(dispatched.unserved_kwh, dispatched.demand_kwh)[0]
        return 96 if hit < 0 else hit

    assert autonomy(fuel + more) >= autonomy(fuel)


@pytest.mark.parametrize(("load", "turndown"), [(40.0, 0.0), (80.0, 0.0), (20.0, 0.5), (150.0, 0.0)])
def test_the_compiled_dispatch_burns_what_generator_burn_l_per_h_says(load, turndown):
    # The numba kernel writes the burn inline (it cannot call numpy code); it must agree with the one formula.
    f = facility(critical_load_kw=load, generator_min_turndown=turndown, tank_litres=500.0, fuel_litres=500.0,
                 fuel_slope_l_per_kwh=0.262, fuel_intercept_l_per_h_per_kw=0.007)
    result = run([f], 3)
    output_kw = max(min(load, f.generator_kw), turndown * f.generator_kw)
    expected = float(generator_burn_l_per_h(output_kw, f.generator_kw, 0.262, 0.007))
    assert result.burned_litres[:, 0] == pytest.approx([expected] * 3)
