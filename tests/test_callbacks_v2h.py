"""The V2H household estimator: its callback called directly, its links, figures and hand-checked numbers."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from unittest import mock

import dash
import numpy as np
import pytest
from dash import no_update
from dash._callback import GLOBAL_CALLBACK_LIST, GLOBAL_CALLBACK_MAP, GLOBAL_INLINE_SCRIPTS
from dash.background_callback.managers import BaseBackgroundCallbackManager
from hypothesis import given
from hypothesis import strategies as st

from components import ids
from components.household_controls import disable_essential_budget, vehicle_options
from presentation.household_state import household_from_query, household_query
from presentation.text import TEXT
from presentation.v2h_figures import backup_figure, claim_comparison
from resilience.citydata import load_city
from resilience.records import Household
from resilience.v2h import HouseholdBackup, claim_days_at, household_backup, v2h_backup
from resilience.vehicles import vehicle, vehicle_catalogue

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUTS = {
    "city_id": "saitama", "vehicle_id": "nissan-leaf-40", "soc_percent": 100, "reserve_percent": 30, "v2h_kw": 6,
    "load_mode": "essential", "essential_kwh_per_day": 3, "pv_kwp": 0, "petrol_litres": 0, "weather": "typical",
    "date": "2011-03-11", "hour": 14, "horizon_h": 336,
}
OUTPUTS = ("hours", "days", "formula", "days_formula", "claim", "figure", "method", "error", "error_hidden", "state")


def load_page_isolated(name: str):
    """Import ``pages/<name>.py`` for direct calls without registering its page or callbacks with Dash.

    Dash Pages imports the pages itself when an app is built; a second registration would
    leave duplicate callbacks for the next app (e.g. the browser tests' live server).
    """
    saved_list, saved_map = list(GLOBAL_CALLBACK_LIST), dict(GLOBAL_CALLBACK_MAP)
    saved_scripts = list(GLOBAL_INLINE_SCRIPTS)
    saved_functions = list(BaseBackgroundCallbackManager.functions)
    saved_registries = [dict(manager.func_registry) for manager in BaseBackgroundCallbackManager.managers]
    spec = importlib.util.spec_from_file_location(f"kizuna_test_page_{name}", REPO_ROOT / "pages" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    try:
        with mock.patch.object(dash, "register_page", lambda *args, **kwargs: None):
            spec.loader.exec_module(module)
    finally:
        GLOBAL_CALLBACK_LIST[:] = saved_list
        GLOBAL_CALLBACK_MAP.clear()
        GLOBAL_CALLBACK_MAP.update(saved_map)
        GLOBAL_INLINE_SCRIPTS[:] = saved_scripts
        BaseBackgroundCallbackManager.functions[:] = saved_functions
        for manager, registry in zip(BaseBackgroundCallbackManager.managers, saved_registries, strict=False):
            manager.func_registry.clear()
            manager.func_registry.update(registry)
    return module


@pytest.fixture(scope="module")
def v2h_page():
    return load_page_isolated("v2h")


def components_by_id(root) -> dict:
    """Every component with an id under ``root`` (the layout a page function returned)."""
    return {node.id: node for node in root._traverse() if getattr(node, "id", None)}


def estimate(v2h_page, **changes) -> dict:
    return dict(zip(OUTPUTS, v2h_page.update_estimate(**{**DEFAULT_INPUTS, **changes}), strict=True))


def hours_of(out: dict) -> float:
    return float(out["hours"].split()[0].replace(",", ""))


# ----------------------------------------------------------------------------------------------------------------------
# The callback
# ----------------------------------------------------------------------------------------------------------------------


def test_default_leaf_fills_every_output_with_the_formula_numbers(v2h_page):
    out = estimate(v2h_page)

    # LEAF 40 kWh: 38 kWh usable in the catalogue; 38 × (1.0 − 0.3) × 0.88 = 23.408 kWh; ÷ 3 kWh/day = 7.80 days.
    assert out["formula"].endswith("38.0 kWh × (1.00 − 0.30) × 0.88 = 23.41 kWh")
    assert out["days_formula"].endswith("23.41 kWh ÷ 3.00 kWh/day = 7.80 days")
    assert 180 < hours_of(out) < 190
    assert out["days"] == TEXT["v2h.days"].format(days=hours_of(out) / 24)
    assert out["error_hidden"] is True and out["error"] == []
    assert out["state"]["query"] == "?city=saitama&car=nissan-leaf-40&start=2011-03-11T14:00"
    assert out["state"]["household"]["soc_start"] == 1.0
    claim_text = " ".join(str(child.children) for child in out["claim"])
    assert "Nissan says: 一般家庭で使用する電力の2~4日分" in claim_text
    assert "Read as: 2–4 days at 12 kWh/day, from the battery alone." in claim_text
    # The claim's basis: a full 38 kWh, no reserve, no losses: 38 × (1 − 0) × 1 = 38 kWh ÷ 12 kWh/day = 3.17 days,
    # inside Nissan's 2–4 days.
    assert "Kizuna on the claim's basis: 3.17 days at 12 kWh/day" in claim_text
    assert "38.0 kWh × (1.00 − 0.00) × 1.00 = 38.00 kWh ÷ 12 kWh/day" in claim_text
    assert "That is within the claim." in claim_text
    # Beside it, the planning basis: the page's own hourly estimate (30 % reserve, η 0.88, 3 kWh/day).
    assert f"Kizuna's planning basis: {hours_of(out) / 24:.2f} days" in claim_text
    assert "reserve 30 %, η = 0.88, 3.00 kWh/day" in claim_text
    assert "Saitama City" in out["method"]


def test_fuller_battery_and_lower_reserve_give_more_hours(v2h_page):
    full = hours_of(estimate(v2h_page, soc_percent=100))
    assert hours_of(estimate(v2h_page, soc_percent=60)) < full
    assert hours_of(estimate(v2h_page, reserve_percent=10)) > full
    assert hours_of(estimate(v2h_page, vehicle_id="nissan-leaf-e-plus-62")) > full


def test_empty_car_gives_no_backup_and_says_so(v2h_page):
    out = estimate(v2h_page, soc_percent=30, reserve_percent=30)
    assert hours_of(out) == 0.0
    assert out["formula"].endswith("= 0.00 kWh")


def test_bad_inputs_show_a_banner_and_keep_the_last_result(v2h_page):
    out = estimate(v2h_page, essential_kwh_per_day=None, v2h_kw=0)
    assert out["error_hidden"] is False
    assert all(out[name] is no_update for name in OUTPUTS if not name.startswith("error"))
    messages = [item.children for item in out["error"][1].children]
    assert "household: v2h_kw = 0: must be > 0" in messages
    assert any(message.startswith("household: essential_kwh_per_day = None") for message in messages)
    assert out["error"][0].children == TEXT["v2h.error_title"]


@pytest.mark.parametrize(("date", "hour"), [("11/03/2011", 14), ("2011-03-11", None), ("2011-03-11", 24)])
def test_unreadable_start_is_reported_not_raised(v2h_page, date, hour):
    out = estimate(v2h_page, date=date, hour=hour)
    assert out["error_hidden"] is False
    assert out["hours"] is no_update


def test_car_without_claim_says_there_is_none(v2h_page):
    out = estimate(v2h_page, vehicle_id="tesla-model-3-rwd")
    assert [child.children for child in out["claim"]] == [TEXT["v2h.claim_none"]]


def test_phev_engine_adds_hours_and_a_trace(v2h_page):
    without = estimate(v2h_page, vehicle_id="mitsubishi-outlander-phev-2019", load_mode="full", petrol_litres=0)
    with_petrol = estimate(v2h_page, vehicle_id="mitsubishi-outlander-phev-2019", load_mode="full", petrol_litres=20)
    assert hours_of(with_petrol) > hours_of(without)
    names = [trace.name for trace in with_petrol["figure"].data]
    assert TEXT["v2h.trace_engine"] in names
    assert TEXT["v2h.trace_engine"] not in [trace.name for trace in without["figure"].data]


def test_a_phev_burns_its_petrol_at_its_own_engine_figure(v2h_page):
    # Prius PHV 2017: 0.76 kWh/L in the catalogue. At the city's 11.4 kWh/day the 20 L (15.2 kWh) are burnt well
    # within the 14 days, so the engine trace carries exactly 20 × 0.76 kWh (the old single figure: 44 kWh).
    out = estimate(v2h_page, vehicle_id="toyota-prius-phv-2017", load_mode="full", petrol_litres=20)
    engine = next(trace for trace in out["figure"].data if trace.name == TEXT["v2h.trace_engine"])
    assert np.sum(np.asarray(engine.y, dtype=float)) == pytest.approx(20 * 0.76, rel=1e-9)
    assert "this PHEV's engine makes 0.76 kWh per litre" in out["method"]
    claim_text = " ".join(str(child.children) for child in out["claim"])
    assert "Kizuna on the claim's basis: 4.00 days at 10 kWh/day" in claim_text
    assert "7.3 kWh × (1.00 − 0.00) × 1.00 = 7.30 kWh from the battery + 43 L × 0.76 kWh/L = 32.68 kWh" in claim_text
    assert "This car's engine: 0.76 kWh per litre of petrol (derived); tank 43 L (sourced)" in claim_text


def test_petrol_is_ignored_for_a_battery_electric_car(v2h_page):
    assert hours_of(estimate(v2h_page, petrol_litres=50)) == hours_of(estimate(v2h_page, petrol_litres=0))


def test_enough_pv_lasts_the_whole_horizon(v2h_page):
    out = estimate(v2h_page, pv_kwp=5, horizon_h=168, weather="clear", date="2019-05-01", hour=0)
    assert out["hours"] == TEXT["v2h.hours_whole"].format(hours=168)


def test_full_load_uses_the_city_normal_consumption(v2h_page):
    out = estimate(v2h_page, load_mode="full")
    assert "÷ 11.40 kWh/day" in out["days_formula"]  # Saitama: 11.4 kWh/day (FACTS B1)


def test_essential_budget_is_disabled_in_full_load_mode(v2h_page):
    assert disable_essential_budget("full") is True
    assert disable_essential_budget("essential") is False


# ----------------------------------------------------------------------------------------------------------------------
# Hand-checked numbers
# ----------------------------------------------------------------------------------------------------------------------


def test_facts_g_worked_example_days_at_the_claim_basis():
    # FACTS G: 40 kWh from full to a 30 % reserve at 88 % → 24.64 kWh → 2.05 days at 12 kWh/day, 8.21 at 3.
    city = load_city("saitama")
    result = v2h_backup(Household(vehicle_id=None, battery_kwh=40.0), city, start=dt.datetime(2011, 3, 11, 14),
                        duration_h=48)
    backup = HouseholdBackup(estimate=result, city=city, vehicle=vehicle("nissan-leaf-40"), battery_kwh=40.0,
                             discharge_efficiency=0.88, petrol_litres=0.0, start=dt.datetime(2011, 3, 11, 14))
    assert claim_days_at(backup, 12) == pytest.approx(24.64 / 12)
    assert round(claim_days_at(backup, 12), 2) == 2.05
    assert round(claim_days_at(backup, 3), 2) == 8.21


def test_claim_numbers_come_from_the_catalogue_columns_not_the_quote():
    backup = household_backup(Household(vehicle_id="nissan-sakura"))
    comparison = claim_comparison(backup, reserve_soc=0.3)
    claim = comparison.check.claim
    assert comparison.brand == "Nissan" and claim.kwh_per_day == 10.0 and claim.days == claim.days_high == 2.0
    assert claim.includes_engine is False
    # Sakura on the claim's basis: 16.7 kWh usable (estimated) × (1 − 0) × 1 ÷ 10 kWh/day = 1.67 days,
    # 16.5 % short of Nissan's 2 days.
    assert comparison.check.kizuna_days == pytest.approx(16.7 / 10, rel=1e-9)
    assert comparison.check.claim_ratio == pytest.approx(1.67 / 2, rel=1e-9)
    assert comparison.basis == "Kizuna on the claim's basis: 1.67 days at 10 kWh/day"
    assert comparison.verdict.endswith("% less than the claim.")
    # The planning basis is the household's own estimate.
    assert comparison.planning == f"Kizuna's planning basis: {backup.estimate.days_of_backup:.2f} days"


def test_household_backup_is_v2h_backup_of_the_record_for_a_battery_electric_car():
    household = Household(vehicle_id="nissan-leaf-e-plus-62", pv_kwp=3.0)
    city = load_city(household.city_id)
    ours, theirs = v2h_backup(household, city), household_backup(household)
    assert ours.hours_of_backup == theirs.estimate.hours_of_backup
    assert theirs.battery_kwh == 62.0 and theirs.start == ours.hourly.index[0].to_pydatetime().replace(tzinfo=None)
    np.testing.assert_array_equal(ours.hourly.to_numpy(), theirs.estimate.hourly.to_numpy())


def test_flat_load_hours_match_the_energy_formula():
    # With a flat load, no PV and a 6 kW unit the car runs out after E ÷ (kWh/day ÷ 24) hours.
    city = load_city("saitama")
    result = v2h_backup(Household(vehicle_id=None, battery_kwh=38.0, essential_kwh_per_day=3.0), city,
                        start=dt.datetime(2011, 3, 11, 14), duration_h=336, flat_load=True)
    assert result.hours_of_backup == pytest.approx(38.0 * 0.7 * 0.88 / (3.0 / 24), rel=1e-9)


# ----------------------------------------------------------------------------------------------------------------------
# Figure and options
# ----------------------------------------------------------------------------------------------------------------------


def test_chart_stacks_served_and_unserved_to_the_load():
    backup = household_backup(Household(pv_kwp=3.0, load_mode="full"))
    figure = backup_figure(backup, reserve_soc=0.3)
    stacked = [trace for trace in figure.data if trace.stackgroup == "served"]
    total = np.sum([np.asarray(trace.y, dtype=float) for trace in stacked], axis=0)
    load = next(trace for trace in figure.data if trace.name == TEXT["v2h.trace_load"])
    np.testing.assert_allclose(total, np.asarray(load.y, dtype=float), atol=1e-9)
    soc = next(trace for trace in figure.data if trace.name == TEXT["v2h.trace_soc"])
    assert soc.yaxis == "y2"
    assert min(soc.y) >= 0 and max(soc.y) <= 100
    assert figure.layout.yaxis2.range == (0, 100)
    assert figure.layout.xaxis.title.text == "Local time (Asia/Tokyo)"


def test_vehicle_options_label_brand_model_variant_and_usable_kwh():
    options = vehicle_options(vehicle_catalogue())
    assert len(options) == len(vehicle_catalogue())
    leaf = next(option for option in options if option["value"] == "nissan-leaf-40")
    assert leaf["label"] == "Nissan Leaf 40 kWh · 38 kWh usable"
    outlander = next(option for option in options if option["value"] == "mitsubishi-outlander-phev-2019")
    assert "(PHEV)" in outlander["label"]


# ----------------------------------------------------------------------------------------------------------------------
# Links
# ----------------------------------------------------------------------------------------------------------------------


@given(
    soc=st.integers(0, 20).map(lambda k: k / 20),
    reserve=st.integers(0, 20).map(lambda k: k / 20),
    kw=st.sampled_from([0.5, 3.0, 6.0, 9.9]),
    essential=st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2)),
    pv=st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)),
    load_mode=st.sampled_from(["essential", "full"]),
    weather=st.sampled_from(["clear", "typical", "overcast"]),
    hour=st.integers(0, 23),
    horizon=st.sampled_from([24, 72, 336, 720]),
)
def test_household_link_round_trips(soc, reserve, kw, essential, pv, load_mode, weather, hour, horizon):
    household = Household(soc_start=soc, reserve_soc=reserve, v2h_kw=kw, essential_kwh_per_day=essential,
                          pv_kwp=pv, load_mode=load_mode, weather=weather, start=dt.datetime(2019, 9, 9, hour),
                          duration_h=horizon)
    decoded, problems = household_from_query(household_query(household))
    assert problems == []
    assert decoded == household


def test_link_with_bad_values_falls_back_and_lists_each_problem():
    household, problems = household_from_query("?city=tokyo&car=leaf&soc=2&kw=abc&ess=1.5&h=8760&pv=3")
    assert household == Household(essential_kwh_per_day=1.5)
    assert len(problems) == 4
    assert problems[0].startswith("Link parameter soc=2: household: soc_start = '2': must be ≤ 1")
    assert any(problem.startswith("Link parameter city=tokyo") for problem in problems)
    # The planner's own parameters (h, pv = its PV multiplier) are not the household's and are ignored.
    assert not any("h=8760" in problem or "pv=3" in problem for problem in problems)


def test_layout_sets_the_controls_from_the_link(v2h_page):
    root = v2h_page.layout(city="berlin", car="vw-id-3-pro", soc="0.55", kwp="4", start="2026-01-03T06:00", bogus="1")
    found = components_by_id(root)
    assert found[ids.V2H_CITY].value == "berlin"
    assert found[ids.V2H_VEHICLE].value == "vw-id-3-pro"
    assert found[ids.V2H_SOC].value == 55
    assert found[ids.V2H_PV_KWP].value == 4.0
    assert found[ids.V2H_DATE].date == "2026-01-03"
    assert found[ids.V2H_HOUR].value == 6
    assert found[ids.V2H_ERROR].hidden is True


def test_layout_lists_unusable_link_values(v2h_page):
    root = v2h_page.layout(soc="1.5")
    text = str(root)
    assert TEXT["v2h.link_problems_title"] in text
    assert "soc_start = &#x27;1.5&#x27;" in text or "soc_start = '1.5'" in text
