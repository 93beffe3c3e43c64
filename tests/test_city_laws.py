"""Laws the city run must obey, on the bundled cities and on random what-ifs.

Each law names the review item it pins: the old code broke every one of them.
"""

from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resilience.citydata import load_city
from resilience.citysim import simulate
from resilience.kpis import SHORTFALL_SHARE_OF_LOAD
from resilience.records import Scenario

NO_OUTAGE = dict(preset="custom", custom_outage_h=0, custom_restoration_h=0)


@pytest.fixture(scope="module")
def saitama():
    return load_city("saitama")


@pytest.fixture(scope="module")
def berlin():
    return load_city("berlin")


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_with_no_outage_nothing_changes(city_id):
    result = simulate(load_city(city_id), Scenario(duration_h=240, **NO_OUTAGE))
    run = result.facilities_run
    assert run.unserved_kwh.sum() == 0.0 and run.burned_litres.sum() == 0.0 and run.delivered_litres.sum() == 0.0
    assert result.households.unserved_kwh.sum() == pytest.approx(0.0, abs=1e-6)
    assert result.kpis.households_without_power_peak == 0.0
    assert result.kpis.diesel_litres_end == result.kpis.diesel_litres_start
    stock = result.petrol.stock_litres.sum(axis=1)
    assert np.ptp(stock) == pytest.approx(0.0, abs=1e-6 * stock[0])
    assert result.kpis.critical_sites_hit == 0 and result.kpis.critical_autonomy_h is None


def served_by_facility(result) -> np.ndarray:
    run = result.facilities_run
    return run.demand_kwh.sum(axis=0) - run.unserved_kwh.sum(axis=0)


@pytest.mark.parametrize("city_id,preset", [("saitama", "tohoku-2011"), ("saitama", "kanto-rolling-2011"),
                                            ("berlin", "berlin-southwest-2026"), ("berlin", "berlin-koepenick-2019")])
@pytest.mark.parametrize("priority", [False, True])
def test_more_diesel_never_lowers_any_facilitys_served_energy(city_id, preset, priority):
    # Review item 11: doubling diesel lowered minami-telecom's served share from 23.7 % to 16.3 % (Tōhoku):
    # hospitals with bigger tanks took more of each hour's deliveries. Deliveries now top a site up to a day
    # of running only when it is off the grid, so fuller tanks ask the depot for less, never more.
    city = load_city(city_id)
    served = [served_by_facility(simulate(city, Scenario(preset=preset, priority_restoration=priority,
                                                         diesel_stock_multiplier=m))) for m in (1.0, 2.0, 5.0)]
    assert (served[1] >= served[0] - 1e-6).all()
    assert (served[2] >= served[1] - 1e-6).all()


@cache
def bundled(city_id: str):
    return load_city(city_id)


@settings(max_examples=12, deadline=None)
@given(low=st.floats(0, 3), extra=st.floats(0, 3), delay=st.floats(0, 96))
def test_more_diesel_never_lowers_total_or_hospital_service(low, extra, delay):
    def served(multiplier):
        result = simulate(bundled("saitama"), Scenario(preset="tohoku-2011", duration_h=240,
                                                       diesel_stock_multiplier=multiplier,
                                                       diesel_resupply_delay_h=delay))
        return served_by_facility(result), np.array([f.type == "hospital" for f in result.city.facilities])

    (less, hospitals), (more, _) = served(low), served(low + extra)
    assert more.sum() >= less.sum() - 1e-6
    assert (more[hospitals] >= less[hospitals] - 1e-6).all()


def test_the_documented_exception_a_low_priority_site_can_lose_a_little():
    # With a shared depot handed out by priority, a site of the lowest priority can lose a little when
    # the city holds slightly more diesel: its fuller tank skips a top-up that the depot, dry an hour
    # later, can no longer give. Only a rule blind to need (fixed shares per site) avoids this, and it
    # serves less in total. Here: Minuma's ward office loses 75 kWh (0.4 %) while the city gains.
    def run(multiplier):
        return simulate(bundled("saitama"), Scenario(preset="tohoku-2011", duration_h=240,
                                                     diesel_stock_multiplier=multiplier,
                                                     diesel_resupply_delay_h=13.0))

    base, more = run(1.0), run(1.015625)
    ids = [f.id for f in base.city.facilities]
    served_base, served_more = served_by_facility(base), served_by_facility(more)
    office = ids.index("minuma-offices")
    assert served_more[office] == pytest.approx(served_base[office] - 75.0, abs=1.0)
    assert served_more.sum() > served_base.sum()
    lower = [ids[i] for i in np.where(served_more < served_base - 1e-6)[0]]
    assert all(next(f for f in base.city.facilities if f.id == i).type == "city_hall" for i in lower)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=st.floats(0, 3), extra=st.floats(0, 3))
def test_more_pv_never_lowers_any_households_served_energy(berlin, low, extra):
    def served(multiplier):
        households = simulate(berlin, Scenario(preset="berlin-southwest-2026", v2h_adoption_share=0.5,
                                               pv_multiplier=multiplier)).households
        return households.demand_kwh.sum(axis=0) - households.unserved_kwh.sum(axis=0)

    assert (served(low + extra) >= served(low) - 1e-6).all()


def test_pv_multiplier_reaches_every_home_pv(saitama, berlin):
    # Review item 6: with every EV household on V2H, PV × 0 gave the same V2H energy as × 1 (19,275 kWh),
    # and Berlin served 128,578 kWh of household PV with PV at zero.
    for city, preset in ((saitama, "tohoku-2011"), (berlin, "berlin-southwest-2026")):
        runs = {m: simulate(city, Scenario(preset=preset, v2h_adoption_share=1.0, pv_multiplier=m)).households
                for m in (0.0, 1.0)}
        assert runs[0.0].pv_kwh.sum() == 0.0
        assert runs[1.0].pv_kwh.sum() > 0.0
        assert runs[1.0].v2h_kwh.sum() + runs[1.0].pv_kwh.sum() > runs[0.0].v2h_kwh.sum()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=st.floats(0, 0.5), extra=st.floats(0, 0.5))
def test_more_v2h_adoption_never_lowers_any_districts_served_energy(saitama, low, extra):
    def served(share):
        households = simulate(saitama, Scenario(preset="tohoku-2011", duration_h=120,
                                                v2h_adoption_share=share)).households
        return households.demand_kwh.sum(axis=0) - households.unserved_kwh.sum(axis=0)

    assert (served(low + extra) >= served(low) - 1e-6).all()


def test_no_v2h_household_gives_no_figure_rather_than_nan(saitama):
    # Review item 7: adoption 0 printed "median nan d … nan d".
    k = simulate(saitama, Scenario(preset="tohoku-2011", v2h_adoption_share=0.0)).kpis
    assert k.v2h_households == 0.0
    assert k.v2h_backup_days_median is None and k.v2h_backup_days_p10 is None
    assert k.v2h_days_for_covered is None
    assert "nan" not in str(k.to_dict()).lower()


def test_v2h_backup_is_reported_for_homes_with_and_without_pv(saitama):
    k = simulate(saitama, Scenario(preset="tohoku-2011", v2h_adoption_share=0.3, weather="overcast",
                                   essential_kwh_per_day=6.0)).kpis
    assert k.v2h_backup_days_median_with_pv is not None and k.v2h_backup_days_median_without_pv is not None
    assert k.v2h_backup_days_median_with_pv >= k.v2h_backup_days_median_without_pv


def test_critical_autonomy_leaves_out_sites_without_adequate_backup(saitama):
    # Review item 4: "critical autonomy 0 h" by construction, because the bundled shelters have 3 kW sets
    # for 10 kW loads. They are now counted apart, and the headline moves with the diesel.
    k1 = simulate(saitama, Scenario(preset="tohoku-2011")).kpis
    k5 = simulate(saitama, Scenario(preset="tohoku-2011", diesel_stock_multiplier=5.0)).kpis
    assert k1.sites_without_adequate_backup_by_type["shelter"] == 258
    assert k1.critical_autonomy_h is not None and k1.critical_autonomy_h > 0
    assert k5.critical_autonomy_h is None or k5.critical_autonomy_h > k1.critical_autonomy_h
    assert "shelter" not in {f.split("-")[-1] for f in k1.facilities_without_adequate_backup} - {"shelters"}


def test_no_knife_edge_from_tanks_that_hold_exactly_until_the_first_delivery(berlin):
    # Review item 4: on Köpenick 2019 the hospitals' tanks hold exactly 24 h and the first delivery comes at
    # hour 24: short by 0.11 kWh of 1,282 kWh at hour 23 ("hospitals 23 h"), "never" with × 1.0001.
    figures = [simulate(berlin, Scenario(preset="berlin-koepenick-2019", diesel_stock_multiplier=m)).kpis
               for m in (1.0, 1.0001, 0.9999)]
    hospitals = [k.critical_autonomy_by_type_h.get("hospital") for k in figures]
    assert hospitals[0] == hospitals[1] == hospitals[2]
    assert SHORTFALL_SHARE_OF_LOAD == 0.005


def test_sites_kept_by_grid_restoration_are_told_apart(saitama):
    # Review item 5: in Tōhoku the hospitals held only because the assumed restoration order put them back
    # at hours 14 and 22, while the PDF credited diesel deliveries.
    cautious = simulate(saitama, Scenario(preset="tohoku-2011")).kpis
    priority = simulate(saitama, Scenario(preset="tohoku-2011", priority_restoration=True)).kpis
    assert cautious.sites_kept_by_grid_restoration == 0
    assert priority.sites_kept_by_grid_restoration > 0
    summary = simulate(saitama, Scenario(preset="tohoku-2011", priority_restoration=True)).facility_summary
    hospitals = summary[(summary["type"] == "hospital") & summary["hit"]]
    assert set(hospitals["kept_up_by"]) <= {"grid restoration", "own backup", "—"}


def test_diesel_in_stock_has_one_definition(saitama):
    # Review item 10: the city CSV counted every facility's tank, the KPIs only the hit area.
    result = simulate(saitama, Scenario(preset="chiba-faxai-2019", affected_district_ids=("11107", "11108"),
                                        diesel_stock_multiplier=2.0))
    assert result.city_hourly["diesel_litres"].iloc[0] <= result.kpis.diesel_litres_start + 1e-6
    hit = result.facilities_hit
    run = result.facilities_run
    expected_end = run.fuel_litres[-1][hit].sum() + run.depot_litres[-1]
    assert result.city_hourly["diesel_litres"].iloc[-1] == pytest.approx(expected_end)
    assert result.kpis.diesel_litres_end == pytest.approx(expected_end)


def test_diesel_figures_are_per_site_not_the_depot_over_the_few_sites_hit(berlin):
    # Review item 3: Berlin south-west 2026 showed 960 h of "diesel autonomy" (the city depot ÷ the burn of
    # the few sites hit) while the sites' own tanks last about 24 h.
    k = simulate(berlin, Scenario(preset="berlin-southwest-2026")).kpis
    assert 20 <= k.diesel_tank_hours_first <= 30
    assert k.depot_days_of_deliveries == pytest.approx(3.0)


def test_no_covered_household_gives_no_backup_figure(saitama, berlin):
    # A 100 % reserve leaves every car with nothing to give: no figure, not 14 days (Saitama) or 0 (Berlin).
    for city, preset in ((saitama, "tohoku-2011"), (berlin, "berlin-southwest-2026")):
        k = simulate(city, Scenario(preset=preset, reserve_soc=1.0)).kpis
        assert k.v2h_households > 0 and k.v2h_households_covered == 0
        assert k.v2h_backup_days_median is None and k.v2h_backup_days_p10 is None
        assert k.v2h_backup_days_median_with_pv is None and k.v2h_backup_days_median_without_pv is None
