"""A PHEV's engine runs at its own kWh per litre everywhere a household is modelled, as in the city model.

The Toyota Prius PHV 2017 makes 0.76 kWh from a litre of petrol (derived from Toyota's claim: about 4 days of
10 kWh/day from a full battery and a full 43 L tank), not the city fleet's single 2.2 kWh/L. Before, the V2H
estimate, the Survival sweep and the ``v2h`` command gave such a household 43 L × 2.2 = 94.6 kWh from its tank
(about 8.7 days at normal use); now 43 L × 0.76 = 32.7 kWh (about 3.2 days).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from resilience.citydata import load_city
from resilience.cli import main
from resilience.records import Household
from resilience.systems import REFERENCE_YEAR, household_survival_inputs, run_survival
from resilience.v2h import household_backup, household_engine_kwh_per_litre, usable_energy_kwh
from tests.test_callbacks_survival import CONTROLS, OUTPUTS
from tests.test_callbacks_v2h import load_page_isolated

PRIUS = "toyota-prius-phv-2017"
PRIUS_KWH_PER_LITRE = 0.76
PRIUS_TANK_L = 43.0
FLEET_KWH_PER_LITRE = 2.2
#: Normal use off the grid, a full tank, a month: the tank runs dry well within the horizon.
HOUSEHOLD = Household(vehicle_id=PRIUS, petrol_litres=PRIUS_TANK_L, load_mode="full", duration_h=720)


def test_the_prius_has_its_own_engine_figure_and_the_city_fleet_another():
    city = load_city("saitama")
    assert city.fleet.phev_kwh_per_litre == FLEET_KWH_PER_LITRE
    assert household_engine_kwh_per_litre(PRIUS, city) == PRIUS_KWH_PER_LITRE
    assert household_engine_kwh_per_litre("nissan-leaf-40", city) == 0.0  # a BEV burns no petrol


def test_v2h_estimate_burns_the_prius_tank_at_0_76_kwh_per_litre():
    backup = household_backup(HOUSEHOLD)
    estimate = backup.estimate
    assert estimate.engine_kwh_per_litre == PRIUS_KWH_PER_LITRE
    assert backup.petrol_litres == estimate.petrol_litres == PRIUS_TANK_L
    # The whole tank is burnt within the month: 43 L × 0.76 kWh/L = 32.68 kWh (at 2.2 kWh/L it was 94.6 kWh).
    assert estimate.hourly["served_engine_kw"].sum() == pytest.approx(PRIUS_TANK_L * PRIUS_KWH_PER_LITRE, rel=1e-9)
    # Battery (7.3 kWh × (1.0 − 0.3) × 0.88) plus the tank's 32.68 kWh at 11.4 kWh/day: about 3.3 days, not 8.7.
    usable = usable_energy_kwh(7.3, 1.0, HOUSEHOLD.reserve_soc, backup.discharge_efficiency)
    energy_days = (usable + PRIUS_TANK_L * PRIUS_KWH_PER_LITRE) / estimate.kwh_per_day
    assert energy_days == pytest.approx(3.26, abs=0.01)
    assert estimate.days_of_backup == pytest.approx(energy_days, abs=0.1)
    assert estimate.days_of_backup < (usable + PRIUS_TANK_L * FLEET_KWH_PER_LITRE) / estimate.kwh_per_day / 2


def test_the_v2h_page_and_the_report_share_one_estimate():
    from reports import briefing

    assert load_page_isolated("v2h").household_backup is briefing.household_backup is household_backup
    assert household_backup(HOUSEHOLD) is household_backup(HOUSEHOLD)  # one cached estimate per household


def test_survival_sweep_burns_the_prius_tank_at_0_76_kwh_per_litre():
    system = household_survival_inputs(HOUSEHOLD).system
    assert system.fuel_slope_l_per_kwh == pytest.approx(1.0 / PRIUS_KWH_PER_LITRE)
    assert system.fuel_litres == PRIUS_TANK_L and system.generator_kw == HOUSEHOLD.v2h_kw
    # The start the V2H estimate plays (11 March 14:00 of the reference year) lasts the same whole hours.
    start = dt.datetime(REFERENCE_YEAR, 3, 11, 14)
    swept = run_survival(household_survival_inputs(HOUSEHOLD), 720).hours_survived
    estimate = household_backup(HOUSEHOLD.model_copy(update={"start": start})).estimate
    start_hour = int((start - dt.datetime(REFERENCE_YEAR, 1, 1)) / dt.timedelta(hours=1))
    assert abs(int(swept[start_hour]) - int(estimate.hours_of_backup)) <= 1
    assert swept.max() < 4 * 24  # at 2.2 kWh/L every start lasted more than 8 days


def test_survival_page_method_names_the_cars_own_figure():
    page = load_page_isolated("survival")
    controls = {**CONTROLS, "source": "household", "vehicle_id": PRIUS, "petrol_litres": PRIUS_TANK_L,
                "load_mode": "full", "max_duration_h": 168}
    out = dict(zip(OUTPUTS, page.run_sweep(lambda _progress: None, 1, *controls.values()), strict=True))
    assert out["error_hidden"] is True
    assert "a generator at 0.76 kWh per litre" in out["method"]
    leaf = dict(zip(OUTPUTS, page.run_sweep(lambda _progress: None, 1, *CONTROLS.values()), strict=True))
    assert "a battery-electric car has no engine" in leaf["method"]  # no engine figure shown for a BEV
    assert "kWh per litre" not in leaf["method"].split("no engine")[0].split("maximum;")[-1]


def run_cli(capsys, *argv: str) -> dict:
    assert main(["v2h", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_v2h_command_uses_the_cars_own_figure(capsys):
    common = ("--petrol-litres", "43", "--load", "full", "--hours", "720")
    prius = run_cli(capsys, "--vehicle", PRIUS, *common)
    assert prius["engine_kwh_per_litre"] == PRIUS_KWH_PER_LITRE and prius["battery_kwh"] == 7.3
    assert prius["days_of_backup"] == pytest.approx(household_backup(HOUSEHOLD).estimate.days_of_backup, abs=1e-3)
    # A bare battery has no car to ask: the city fleet's figure.
    bare = run_cli(capsys, "--battery-kwh", "7.3", *common)
    assert bare["engine_kwh_per_litre"] == FLEET_KWH_PER_LITRE
    assert bare["days_of_backup"] > 2 * prius["days_of_backup"]
    # A BEV's petrol is ignored.
    leaf = run_cli(capsys, "--vehicle", "nissan-leaf-40", *common)
    assert leaf["engine_kwh_per_litre"] == 0.0 and leaf["petrol_litres"] == 0.0
