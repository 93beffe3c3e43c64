"""Which households an outage hits: the whole city, the real event's own area, or the planner's districts."""

import numpy as np
import pytest

from resilience import KizunaInputError, Scenario, simulate
from resilience.citydata import load_city
from resilience.scenarios import grid_share, hit_share, restored_in_hit_area

BERLIN = load_city("berlin")
SAITAMA = load_city("saitama")


def test_a_berlin_event_on_berlin_hits_only_its_own_households():
    scenario = Scenario(preset="berlin-southwest-2026", duration_h=24)
    shares = hit_share(scenario, BERLIN)
    steglitz = [d.id for d in BERLIN.districts].index("06")
    assert shares[steglitz] == pytest.approx(45_400 / BERLIN.districts[steglitz].households)
    assert np.delete(shares, steglitz).tolist() == [0.0] * 11
    g = grid_share(scenario, BERLIN)
    off_at_start = ((1 - g[0]) * [d.households for d in BERLIN.districts]).sum()
    assert off_at_start == pytest.approx(45_400)


def test_the_same_event_on_another_city_hits_every_household():
    scenario = Scenario(preset="berlin-southwest-2026", duration_h=24)
    assert hit_share(scenario, SAITAMA).tolist() == [1.0] * 10
    assert grid_share(scenario, SAITAMA)[0].tolist() == [0.0] * 10


def test_the_planner_can_choose_the_districts():
    scenario = Scenario(preset="tohoku-2011", duration_h=48, affected_district_ids=("11101", "11103"))
    g = grid_share(scenario, SAITAMA)
    hit = [d.id in ("11101", "11103") for d in SAITAMA.districts]
    assert (g[:, np.logical_not(hit)] == 1.0).all()
    assert (g[0, hit] == 0.0).all()
    result = simulate(SAITAMA, scenario)
    unhit_facilities = result.facilities[~result.facilities.district_id.isin(["11101", "11103"])]
    assert unhit_facilities.grid_up.all()
    assert restored_in_hit_area(scenario, SAITAMA)[:, np.logical_not(hit)].min() == 1.0


@pytest.mark.parametrize(
    ("districts", "fragment"),
    [(("99999",), "affected_district_ids has '99999'"), ((), "affected_district_ids is empty")],
)
def test_bad_district_choices_are_named(districts, fragment):
    with pytest.raises(KizunaInputError, match=fragment):
        simulate(SAITAMA, Scenario(preset="tohoku-2011", duration_h=24, affected_district_ids=districts))


def test_city_wide_v2h_and_diesel_figures_count_only_what_the_outage_reaches():
    whole = simulate(BERLIN, Scenario(preset="tohoku-2011", duration_h=48)).kpis
    one = simulate(BERLIN, Scenario(preset="tohoku-2011", duration_h=48, affected_district_ids=("06",))).kpis
    steglitz = next(d for d in BERLIN.districts if d.id == "06")
    assert one.v2h_households == pytest.approx(min(steglitz.v2h_units, steglitz.bev_count + steglitz.phev_count))
    assert one.v2h_households < whole.v2h_households
    assert one.v2h_mwh_available < whole.v2h_mwh_available
    tanks_06 = sum(f.fuel_litres for f in BERLIN.facilities if f.district_id == "06")
    assert one.diesel_litres_start == pytest.approx(tanks_06 + BERLIN.diesel.depot_litres)
