"""v2h_backup: one household on its car, against the LEAF example and physical laws."""

import datetime as dt

import numpy as np
import pytest

from resilience import Household, KizunaInputError, v2h_backup
from resilience.citydata import load_city

SAITAMA = load_city("saitama")
START = dt.datetime(2011, 3, 11, 14)
HORIZON_H = 720


def estimate(flat_load: bool = False, **fields):
    """:func:`v2h_backup` in Saitama from START over 720 h for the household with these fields."""
    return v2h_backup(Household(**fields), SAITAMA, start=START, duration_h=HORIZON_H, flat_load=flat_load)


def leaf(flat_load: bool = True, **kw):
    base = dict(vehicle_id=None, battery_kwh=40.0, soc_start=1.0, reserve_soc=0.3)
    base.update(kw)
    return estimate(flat_load, **base)


def test_leaf_example_exactly():
    # FACTS G / MODEL §5: 40 × (1.0 − 0.3) × 0.88 = 24.64 kWh → 8.21 days at 3 kWh/day, 2.05 at 12 kWh/day.
    essential = leaf(essential_kwh_per_day=3.0)
    assert essential.usable_kwh == pytest.approx(24.64, abs=1e-12)
    assert essential.days_of_backup_energy == pytest.approx(24.64 / 3.0)
    assert round(essential.days_of_backup_energy, 2) == 8.21
    assert essential.hours_of_backup == pytest.approx(197.12, abs=1e-9)
    assert round(leaf(essential_kwh_per_day=12.0).days_of_backup_energy, 2) == 2.05


def test_hourly_table_balances_and_soc_stays_in_bounds():
    estimate = leaf(pv_kwp=4.5, flat_load=False)
    h = estimate.hourly
    served = h.served_pv_kw + h.served_car_kw + h.served_engine_kw
    np.testing.assert_allclose(served + h.unserved_kw, h.load_kw, atol=1e-12)
    assert (h.soc >= 0.3 - 1e-12).all() and (h.soc <= 1.0 + 1e-12).all()
    assert str(h.index.tz) == "Asia/Tokyo" and len(h) == 720


def test_pv_and_a_phev_engine_only_lengthen_the_backup():
    base = leaf(flat_load=False).hours_of_backup
    assert leaf(flat_load=False, pv_kwp=4.5).hours_of_backup >= base
    assert leaf(flat_load=False, petrol_litres=20.0).hours_of_backup == pytest.approx(
        base + 20.0 * 2.2 / 0.125, abs=2.0)  # 44 kWh of engine output at ~3 kWh/day


def test_vehicle_from_the_catalogue():
    by_id = estimate(vehicle_id="nissan-leaf-40")
    assert by_id.usable_kwh == pytest.approx(38.0 * (1.0 - 0.3) * 0.88)


def test_a_phev_from_the_catalogue_burns_petrol_at_its_own_engine_figure():
    # Prius PHV 2017: 0.76 kWh/L (catalogue). 20 L → 15.2 kWh of engine output at a flat 3 kWh/day (0.125 kW):
    # 121.6 more hours than the battery alone. At the old single 2.2 kWh/L it would have been 352 hours.
    def prius(**kw):
        return estimate(True, vehicle_id="toyota-prius-phv-2017", **kw)

    base = prius().hours_of_backup
    with_petrol = prius(petrol_litres=20.0)
    assert with_petrol.engine_kwh_per_litre == 0.76 and with_petrol.engine_kwh == pytest.approx(15.2)
    assert with_petrol.hours_of_backup == pytest.approx(base + 20.0 * 0.76 / 0.125, rel=1e-9)
    assert prius(petrol_litres=20.0, engine_kwh_per_litre=2.2).hours_of_backup == pytest.approx(
        base + 20.0 * 2.2 / 0.125, rel=1e-9)  # an explicit figure still wins


def test_a_battery_electric_car_from_the_catalogue_ignores_petrol():
    leaf = dict(vehicle_id="nissan-leaf-40")
    with_petrol = estimate(True, **leaf, petrol_litres=50.0)
    assert with_petrol.engine_kwh_per_litre == 0.0 and with_petrol.petrol_litres == 0.0
    assert with_petrol.hours_of_backup == estimate(True, **leaf).hours_of_backup


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"battery_kwh": -5.0}, "battery_kwh = -5.0"),
        ({"soc_start": 1.5}, "soc_start = 1.5"),
        ({"load_mode": "half"}, "load_mode = 'half'"),
        ({"battery_kwh": None}, "exactly one of battery_kwh and vehicle_id"),
        ({"battery_kwh": None, "vehicle_id": "nissan-leef"}, "nissan-leef"),
        ({"vehicle_id": "nissan-leaf-40"}, "exactly one of battery_kwh and vehicle_id"),
    ],
)
def test_bad_input_names_the_field(kwargs, fragment):
    with pytest.raises(KizunaInputError, match=fragment):
        leaf(**kwargs)


def test_the_horizon_is_checked():
    with pytest.raises(KizunaInputError, match="duration_h = 0: must be between 1 and 8760"):
        v2h_backup(Household(), SAITAMA, start=START, duration_h=0)


def test_start_and_horizon_default_to_the_households():
    household = Household(start=START, duration_h=48)
    assert v2h_backup(household, SAITAMA).hourly.index[0].to_pydatetime().replace(tzinfo=None) == START
    assert len(v2h_backup(household, SAITAMA).hourly) == 48
