"""The Survival page: its callbacks called directly (the background one with a fake set_progress), its inputs,
figures and links, checked against hand-computed sweeps."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from dash import no_update

from components import ids
from presentation.household_state import setup_from_query, setup_query
from presentation.survival_figures import heatmap_figure, month_hour_table, probability_figure, summary_text
from presentation.text import TEXT
from resilience.citydata import load_city
from resilience.records import Household, SurvivalSetup
from resilience.survival import HOURS_PER_YEAR, SurvivalResult
from resilience.systems import (
    REFERENCE_YEAR,
    facility_survival_inputs,
    household_survival_inputs,
    reference_year_index,
    run_survival,
)
from resilience.v2h import v2h_backup
from tests.test_callbacks_v2h import components_by_id, load_page_isolated

CONTROLS = {
    "city_id": "saitama", "source": "facility", "facility_id": None, "vehicle_id": "nissan-leaf-40", "soc_percent": 100,
    "reserve_percent": 30, "v2h_kw": 6, "load_mode": "essential", "essential_kwh_per_day": 3, "pv_kwp": 0,
    "petrol_litres": 0, "weather": "typical", "max_duration_h": 720,
}
OUTPUTS = ("subject", "summary", "shares", "probability", "heatmap", "method", "error", "error_hidden")


@pytest.fixture(scope="module")
def survival_page():
    return load_page_isolated("survival")


def run(page, **changes) -> tuple[dict, list]:
    """Call the background callback as Dash would, collecting what it reports through set_progress."""
    reported: list = []
    controls = {**CONTROLS, **changes}
    out = page.run_sweep(reported.append, 1, *controls.values())
    return dict(zip(OUTPUTS, out, strict=True)), reported


def first_facility(city_id: str = "saitama"):
    return load_city(city_id).facilities[0]


# ----------------------------------------------------------------------------------------------------------------------
# The background callback
# ----------------------------------------------------------------------------------------------------------------------


def test_sweep_reports_three_stages_then_returns_figures_and_summary(survival_page):
    out, reported = run(survival_page)
    assert reported == [
        ("1", "3", TEXT["survival.stage_inputs"]),
        ("2", "3", TEXT["survival.stage_sweep"]),
        ("3", "3", TEXT["survival.stage_figures"]),
    ]
    assert out["error_hidden"] is True
    assert out["subject"].startswith(first_facility().name)
    assert out["summary"].startswith("Shortest ")
    assert [item.children for item in out["shares"]][0].startswith("Carried at least 24 h:")
    assert len(out["probability"].data[0].x) == 720
    assert np.asarray(out["heatmap"].data[0].z).shape == (12, 24)
    assert str(REFERENCE_YEAR) in out["method"]


def test_generator_only_facility_lasts_its_fuel_divided_by_the_hourly_burn(survival_page):
    # Hand check (MODEL §7): a flat load on a generator alone burns m × P + b litres every hour, from every start.
    facility = first_facility()
    assert facility.type == "hospital" and facility.battery_kwh == 0 and facility.pv_kwp == 0
    burn = facility.fuel_slope_l_per_kwh * facility.critical_load_kw \
        + facility.fuel_intercept_l_per_h_per_kw * facility.generator_kw
    expected = int(facility.fuel_litres // burn)
    out, _ = run(survival_page, facility_id=facility.id)
    assert out["summary"] == TEXT["survival.summary"].format(min_h=expected, mean_h=float(expected), max_h=expected)


def test_bad_household_input_is_a_banner_and_the_sweep_is_not_run(survival_page):
    out, reported = run(survival_page, source="household", v2h_kw=None, soc_percent=140)
    assert out["error_hidden"] is False
    assert all(out[name] is no_update for name in OUTPUTS[:6])
    messages = [item.children for item in out["error"][1].children]
    assert "household: soc_start = 1.4: must be ≤ 1" in messages
    assert len(reported) == 1  # stage 1 only: nothing was swept


def test_unknown_facility_is_a_banner(survival_page):
    out, _ = run(survival_page, facility_id="no-such-site")
    assert out["error_hidden"] is False
    assert "no facility 'no-such-site'" in str(out["error"])


def test_household_sweep_at_one_start_equals_the_v2h_estimate(survival_page):
    # Same car, load shape, efficiencies and no PV: the sweep's start on 11 March 2019 14:00 must last exactly the
    # whole hours the V2H estimator gives for an outage starting then.
    household = Household()
    result = run_survival(household_survival_inputs(household), 720)
    start = dt.datetime(REFERENCE_YEAR, 3, 11, 14)
    start_hour = int((start - dt.datetime(REFERENCE_YEAR, 1, 1)) / dt.timedelta(hours=1))
    city = load_city("saitama")
    car = Household(vehicle_id=None, battery_kwh=38.0, soc_start=1.0, reserve_soc=0.3)
    assert city.fleet.discharge_efficiency == 0.88
    estimate = v2h_backup(car, city, start=start, duration_h=720)
    assert result.hours_survived[start_hour] == int(estimate.hours_of_backup)


def test_more_pv_never_shortens_a_household_survival():
    dark = run_survival(household_survival_inputs(Household(load_mode="full")), 720).hours_survived
    sunny = run_survival(household_survival_inputs(Household(load_mode="full", pv_kwp=4)), 720).hours_survived
    assert np.all(sunny >= dark) and sunny.mean() > dark.mean()


def test_phev_petrol_extends_the_household_survival():
    base = Household(vehicle_id="mitsubishi-outlander-phev-2019", load_mode="full")
    without = run_survival(household_survival_inputs(base), 720).hours_survived
    with_petrol = run_survival(household_survival_inputs(base.model_copy(update={"petrol_litres": 20.0})),
                               720).hours_survived
    assert with_petrol.min() > without.max()


# ----------------------------------------------------------------------------------------------------------------------
# Inputs of the sweep
# ----------------------------------------------------------------------------------------------------------------------


def test_reference_year_is_the_sweep_calendar():
    index = reference_year_index("Europe/Berlin")
    assert len(index) == HOURS_PER_YEAR and str(index.tz) == "Europe/Berlin"
    assert index[0].tz_localize(None) == dt.datetime(REFERENCE_YEAR, 1, 1)
    # One absolute hour apart: after the spring change the local clock runs an hour ahead of the start index.
    assert index[24 * 100].hour == 1


def test_facility_inputs_carry_its_equipment():
    city = load_city("saitama")
    telecom = next(f for f in city.facilities if f.battery_kwh > 0)
    inputs = facility_survival_inputs(city, telecom.id)
    system = inputs.system
    assert system.battery_kwh == telecom.battery_kwh and system.generator_kw == telecom.generator_kw
    assert system.fuel_intercept_l_per_h == pytest.approx(telecom.fuel_intercept_l_per_h_per_kw
                                                          * telecom.generator_kw)
    np.testing.assert_allclose(inputs.critical_load_kw, telecom.critical_load_kw)  # telecom: flat shape
    shelter = next(f for f in city.facilities if f.type == "shelter")
    load = facility_survival_inputs(city, shelter.id).critical_load_kw
    assert load.mean() == pytest.approx(shelter.critical_load_kw)  # day-weighted shape, mean 1


def test_household_inputs_scale_the_car_so_pv_stops_at_soc_max():
    household = Household(soc_start=0.6, reserve_soc=0.3, pv_kwp=3.0, essential_kwh_per_day=2.4)
    inputs = household_survival_inputs(household)
    system = inputs.system
    soc_max = load_city("saitama").fleet.soc_max
    assert system.battery_kwh == pytest.approx(38.0 * soc_max)
    assert system.initial_soc * system.battery_kwh == pytest.approx(38.0 * 0.6)
    assert system.soc_min * system.battery_kwh == pytest.approx(38.0 * 0.3)
    assert inputs.critical_load_kw.sum() == pytest.approx(2.4 * 365, rel=1e-9)
    assert system.generator_kw == 0.0 and inputs.pv_kw.max() > 0


# ----------------------------------------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------------------------------------


def test_month_hour_table_by_hand():
    # r[s] = s: January at 00:00 holds starts 0, 24, …, 720, whose mean is 360.
    mean_h, starts = month_hour_table(np.arange(HOURS_PER_YEAR))
    assert mean_h[0, 0] == 360.0
    assert mean_h[0, 23] == 383.0
    assert list(starts[:, 0]) == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert mean_h[11, 0] == np.mean(np.arange(334 * 24, 365 * 24, 24))


def test_probability_and_heatmap_figures_show_the_result():
    hours = np.zeros(HOURS_PER_YEAR, dtype=np.int64)
    hours[: HOURS_PER_YEAR // 2] = 48
    hours[HOURS_PER_YEAR // 2:] = 12
    result = SurvivalResult(hours_survived=hours, max_duration_h=72)
    line = probability_figure(result).data[0]
    assert list(line.x) == list(range(1, 73))
    assert line.y[11] == 100.0 and line.y[12] == 50.0 and line.y[48] == 0.0
    heat = heatmap_figure(result).data[0]
    assert heat.z[0][0] == 48.0 and heat.z[11][0] == 12.0
    assert summary_text(result) == "Shortest 12 h · mean 30.0 h · longest 48 h"


# ----------------------------------------------------------------------------------------------------------------------
# The small callbacks and the link
# ----------------------------------------------------------------------------------------------------------------------


def test_facility_choices_follow_the_city(survival_page):
    options, value = survival_page.update_facility_choices("berlin", first_facility().id)
    berlin = load_city("berlin")
    assert [option["value"] for option in options] == [f.id for f in berlin.facilities]
    assert value == berlin.facilities[0].id
    _, kept = survival_page.update_facility_choices("saitama", "kita-water")
    assert kept == "kita-water"


def test_source_switches_the_visible_controls(survival_page):
    assert survival_page.show_source_controls("facility") == (False, True)
    assert survival_page.show_source_controls("household") == (True, False)


def test_facility_facts_and_unknown_facility(survival_page):
    facts = survival_page.show_facility_facts("saitama", first_facility().id)
    assert facts.startswith(f"Critical load {first_facility().critical_load_kw:,.0f} kW (hospital)")
    assert survival_page.show_facility_facts("berlin", first_facility().id) == ""


def test_remember_setup_keeps_valid_setups_with_their_link(survival_page):
    state = survival_page.remember_setup(*{**CONTROLS, "source": "household", "pv_kwp": 4}.values())
    assert state["query"] == "?source=household&city=saitama&kwp=4"
    assert state["setup"]["household"]["pv_kwp"] == 4.0
    assert survival_page.remember_setup(*{**CONTROLS, "v2h_kw": -1}.values()) is no_update


def test_setup_link_round_trips_and_reports_bad_values():
    setup = SurvivalSetup(source="household", facility_id="kita-water", max_duration_h=8760,
                          household=Household(city_id="saitama", pv_kwp=4, weather="clear"))
    decoded, problems = setup_from_query(setup_query(setup))
    assert decoded == setup and problems == []
    decoded, problems = setup_from_query("?facility=nope&max_h=99999&source=car")
    assert decoded == SurvivalSetup()
    assert len(problems) == 3


def test_layout_restores_the_link(survival_page):
    root = survival_page.layout(source="household", kwp="4", max_h="168")
    found = components_by_id(root)
    assert found[ids.SURVIVAL_SOURCE].value == "household"
    assert found[ids.SURVIVAL_HOUSEHOLD_BOX].hidden is False
    assert found[ids.SURVIVAL_FACILITY_BOX].hidden is True
    assert found[ids.SURVIVAL_PV_KWP].value == 4.0
    assert found[ids.SURVIVAL_MAX_DURATION].value == 168
    assert found[ids.SURVIVAL_CANCEL].disabled is True
    assert found[ids.SURVIVAL_STATE].data["query"] == "?source=household&max_h=168&city=saitama&kwp=4"


def test_result_says_which_of_the_three_answers_it_is(survival_page):
    # The facility table (grid restoration or own backup), the diesel card (own-tank hours) and this sweep
    # (REopt's measure: own equipment and fuel, no deliveries, no grid) answer different questions.
    root = survival_page.layout()
    card = next(node for node in root._traverse()
                if getattr(node, "children", None) and isinstance(node.children, list)
                and any(getattr(child, "id", None) == ids.SURVIVAL_SUMMARY for child in node.children))
    order = [getattr(child, "id", None) or child.children for child in card.children]
    line = TEXT["survival.three_answers"]
    assert order.index(line) == order.index(ids.SURVIVAL_SHARES) + 1  # right under the result
    for words in ("facility table", "grid restoration", "diesel card", "own tank", "REopt", "no deliveries",
                  "no grid"):
        assert words in line


# ----------------------------------------------------------------------------------------------------------------------
# When the job cannot deliver (components/background.py)
# ----------------------------------------------------------------------------------------------------------------------


def test_a_job_that_cannot_deliver_is_a_banner_in_the_users_words(survival_page):
    from components.background import LOST_JOB_MARKER, BackgroundJobsUnavailable

    for error, words in ((BackgroundJobsUnavailable("Redis redis://127.0.0.1:6379/0: ConnectionError"),
                          TEXT["background.unreachable"]),
                         (RuntimeError(f"An error occurred inside a background callback: {LOST_JOB_MARKER}"),
                          TEXT["background.lost"])):
        out = dict(zip(OUTPUTS, survival_page.sweep_failed(error), strict=True))
        assert all(out[name] is no_update for name in OUTPUTS[:6])
        assert out["error_hidden"] is False
        assert words in str(out["error"])


def test_a_city_that_is_not_bundled_is_refused_before_anything_is_read(survival_page):
    out, reported = run(survival_page, city_id="../../etc")
    assert out["error_hidden"] is False
    assert "unknown city '../../etc'" in str(out["error"])
    assert len(reported) == 1


def test_the_watchdog_script_has_every_value_filled_in(survival_page):
    script = survival_page._watchdog_js()
    assert "__" not in script
    assert f"{survival_page.STALL_S * 1000}" in script
    assert TEXT["background.stalled"].format(seconds=survival_page.STALL_S) in script
