"""simulate() on a small synthetic city: balances, bounds, monotonic laws and hand-checked KPIs."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resilience import simulate
from resilience.households import share_of_cars_at_home
from resilience.loads import household_load_kw
from resilience.records import City, DieselSupply, District, EVFleet, Facility, PetrolSupply, Scenario
from resilience.timeindex import hourly_index


def district(i, **kw):
    base = dict(id=f"d{i}", name=f"District {i}", households=1000, population=2100, home_parking_share=0.5,
                bev_count=50, phev_count=10, v2h_units=20, pv_kwp=450.0, pv_self_sustaining_share=0.8,
                filling_stations=3, stations_backup_share=0.5, rolling_group=i)
    base.update(kw)
    return District(**base)


def make_city(districts=None, facilities=None, **fleet_kw):
    fleet = dict(bev_mix={"nissan-leaf-40": 1.0}, phev_mix={"mitsubishi-outlander-phev-2019": 1.0})
    fleet.update(fleet_kw)
    if facilities is None:
        facilities = (
            Facility(id="hosp", name="Hospital", type="hospital", district_id="d1", latitude=35.9, longitude=139.6,
                     critical_load_kw=300, generator_kw=400, tank_litres=6000, fuel_litres=6000),
            Facility(id="shel", name="Shelters, 3 sites", type="shelter", district_id="d2", latitude=35.9,
                     longitude=139.6, sites=3, critical_load_kw=30, generator_kw=0, pv_kwp=20,
                     battery_kwh=40, battery_kw=20),
        )
    return City(
        id="testville", name="Testville", country="JP", timezone="Asia/Tokyo", latitude=35.86, longitude=139.65,
        altitude_m=10, household_kwh_per_day=11.4, load_shape="tepco_2010", home_pv_kwp_per_system=4.5,
        pv_outlet_kw=1.5, pv_typical_clear_sky_index=0.6,
        districts=districts or (district(1), district(2)), facilities=facilities,
        diesel=DieselSupply(depot_litres=5000, first_delivery_h=24, delivery_litres_per_day=2400),
        petrol=PetrolSupply(stock_litres_per_station=20000),
        fleet=EVFleet(**fleet),
    )


START = dt.datetime(2011, 3, 11, 14)


def custom(**kw):
    base = dict(preset="custom", start=START, duration_h=96, custom_outage_h=48, custom_restoration_h=24)
    base.update(kw)
    return Scenario(**base)


def test_household_energy_balance_and_counts():
    result = simulate(make_city(), custom())
    d = result.districts
    total = d.grid_kwh + d.pv_kwh + d.v2h_kwh + d.unserved_kwh
    np.testing.assert_allclose(total, d.demand_kwh, rtol=1e-12, atol=1e-9)
    assert (d.unserved_kwh >= 0).all()
    assert (d.households_without_power <= d.households_off_grid + 1e-9).all()
    assert (d.households_off_grid <= d.households + 1e-9).all()
    f = result.facilities
    np.testing.assert_allclose(f.grid_kwh + f.pv_kwh + f.generator_kwh + f.battery_kwh + f.unserved_kwh,
                               f.demand_kwh, atol=1e-9)
    c = result.city_hourly
    np.testing.assert_allclose(c[["grid_kwh", "pv_kwh", "v2h_kwh", "generator_kwh", "battery_kwh",
                                  "unserved_kwh"]].sum(axis=1), c.demand_kwh, rtol=1e-12)


def test_tables_are_tidy_with_unit_suffixes():
    result = simulate(make_city(), custom(duration_h=24))
    assert len(result.districts) == 24 * 2 and len(result.facilities) == 24 * 2
    assert str(result.districts.time.dt.tz) == "Asia/Tokyo"
    assert {"served_kwh", "fuel_litres"} & set(result.facilities.columns) == {"fuel_litres"}
    # Riskiest first: the shelter (short) before the hospital.
    assert list(result.facility_summary.facility_id) == ["shel", "hosp"]


def test_grid_up_everything_served_and_nobody_without_power():
    result = simulate(make_city(), custom(custom_outage_h=0, custom_restoration_h=0, duration_h=24))
    assert result.kpis.households_without_power_peak == 0
    assert result.kpis.critical_autonomy_h is None
    assert result.city_hourly.unserved_kwh.sum() == pytest.approx(0.0, abs=1e-9)


def test_v2h_backup_hours_match_the_cumulative_load_by_hand():
    # One vehicle model, every car full (sd 0): usable = 38 kWh × (1.0 − 0.3) × 0.88 = 23.408 kWh.
    city = make_city(soc_mean=1.0, soc_sd=0.0, v2h_households_with_pv_share=0.0, phev_mix={})
    city = city.model_copy(update={"districts": (district(1, phev_count=0), district(2, phev_count=0))})
    scenario = custom(duration_h=400, custom_outage_h=400, custom_restoration_h=0)
    result = simulate(city, scenario)
    load = household_load_kw(3.0, "tepco_2010", hourly_index(START, 400, "Asia/Tokyo"))
    cumulative = np.cumsum(load)
    whole = int(np.searchsorted(cumulative, 23.408, side="right"))
    by_hand = whole + (23.408 - cumulative[whole - 1]) / load[whole]
    assert result.kpis.v2h_backup_days_median * 24 == pytest.approx(by_hand, abs=1e-9)
    assert result.kpis.v2h_mwh_available == pytest.approx(40 * share_of_cars_at_home(START) * 23.408 / 1000)
    assert result.kpis.v2h_households_covered == pytest.approx(40 * share_of_cars_at_home(START))


def test_share_of_cars_at_home():
    assert share_of_cars_at_home(dt.datetime(2011, 3, 11, 14)) == 0.6  # Friday afternoon
    assert share_of_cars_at_home(dt.datetime(2011, 3, 12, 14)) == 0.75  # Saturday
    assert share_of_cars_at_home(dt.datetime(2011, 3, 11, 22)) == 0.9


@settings(max_examples=15, deadline=None)
@given(low=st.floats(0, 0.5), extra=st.floats(0, 0.5), essential=st.floats(0.5, 12))
def test_more_v2h_adoption_never_means_more_households_without_power(low, extra, essential):
    city = make_city()
    base = custom(essential_kwh_per_day=essential)
    lost = [simulate(city, base.model_copy(update={"v2h_adoption_share": a})).kpis.household_hours_lost
            for a in (low, low + extra)]
    assert lost[1] <= lost[0] + 1e-6


@settings(max_examples=10, deadline=None)
@given(multiplier=st.floats(1, 4))
def test_more_diesel_never_shortens_critical_autonomy(multiplier):
    city = make_city()
    hours = [simulate(city, custom(duration_h=240, custom_outage_h=240,
                                   diesel_stock_multiplier=m)).kpis.critical_autonomy_by_type_h["hospital"]
             for m in (1.0, multiplier)]
    hours = [240 if h is None else h for h in hours]
    assert hours[1] >= hours[0]


def test_hospital_diesel_hand_check():
    # 300 kW at 0.262 L/kWh + 0.007 L/h/kW × 400 kW = 81.4 L/h; 6000 L last 73.7 h without resupply.
    city = make_city()
    city = city.model_copy(update={"diesel": DieselSupply(depot_litres=0)})
    result = simulate(city, custom(duration_h=120, custom_outage_h=120))
    assert result.kpis.critical_autonomy_by_type_h["hospital"] == 73
    assert result.kpis.diesel_tank_hours_first == pytest.approx(6000 / 81.4)
