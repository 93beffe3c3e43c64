"""Rooftop PV per kWp from pvlib's clear-sky model, offline (MODEL §4)."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resilience import solar
from resilience.errors import KizunaInputError
from resilience.solar import (
    annual_yield_kwh_per_kwp,
    calibrate_typical_clear_sky_index,
    clear_sky_irradiance,
    pv_ac_kw_per_kwp,
    pv_ac_kw_per_kwp_from_weather,
    read_tmy_file,
)
from resilience.timeindex import hourly_index

SAITAMA = (35.8617, 139.6455, 12.0, "Asia/Tokyo")  # city hall, 浦和区常盤
BERLIN = (52.52, 13.405, 34.0, "Europe/Berlin")
TYPICAL = 0.55
GREENSBORO_TMY3 = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"


def month_index(site, start=dt.datetime(2011, 3, 11, 14), hours=720):
    return hourly_index(start, hours, site[3])


@pytest.mark.parametrize(("site", "expected_kwh_m2"), [(SAITAMA, 8.0), (BERLIN, 7.8)])
def test_clear_sky_ghi_on_21_june_matches_the_stack_check(site, expected_kwh_m2):
    day = clear_sky_irradiance(*site, hourly_index(dt.datetime(2024, 6, 21), 24, site[3]))
    assert day["ghi"].sum() / 1000 == pytest.approx(expected_kwh_m2, abs=0.05)
    assert day["ghi"].iloc[:3].sum() == 0.0


@pytest.mark.parametrize("site", [SAITAMA, BERLIN], ids=["saitama", "berlin"])
@pytest.mark.parametrize("weather", ["clear", "typical", "overcast"])
def test_output_is_zero_at_night_never_negative_and_within_the_inverter_limit(site, weather):
    index = month_index(site)
    ac = pv_ac_kw_per_kwp(*site, index, weather, TYPICAL)
    sun = clear_sky_irradiance(*site, index)["ghi"].to_numpy()
    assert np.all(ac[sun == 0] == 0)
    assert np.all(ac >= 0) and np.all(ac <= 1.0)
    assert ac.max() > 0


def test_inverter_clips_at_its_ac_rating():
    index = month_index(SAITAMA, dt.datetime(2024, 5, 1))
    ac = pv_ac_kw_per_kwp(*SAITAMA, index, "clear", dc_ac_ratio=2.0)
    assert ac.max() == pytest.approx(0.5, abs=1e-9)
    assert np.all(ac <= 0.5 + 1e-12)


@pytest.mark.parametrize("site", [SAITAMA, BERLIN], ids=["saitama", "berlin"])
def test_overcast_below_typical_below_clear_every_hour(site):
    index = month_index(site)
    clear = pv_ac_kw_per_kwp(*site, index, "clear")
    typical = pv_ac_kw_per_kwp(*site, index, "typical", TYPICAL)
    overcast = pv_ac_kw_per_kwp(*site, index, "overcast")
    assert np.all(overcast <= typical) and np.all(typical <= clear)
    daylight = clear > 0.01
    assert np.all(overcast[daylight] < typical[daylight]) and np.all(typical[daylight] < clear[daylight])


@settings(max_examples=25)
@given(low=st.floats(0.01, 1.0), high=st.floats(0.01, 1.0))
def test_more_sun_never_gives_less_power(low, high):
    low, high = sorted((low, high))
    index = month_index(SAITAMA, dt.datetime(2024, 8, 1), 72)
    assert np.all(
        pv_ac_kw_per_kwp(*SAITAMA, index, "typical", low) <= pv_ac_kw_per_kwp(*SAITAMA, index, "typical", high)
    )


def test_clear_june_day_energy_is_plausible_by_hand():
    # POA 7.3 kWh/m² on 21 June (STACK check) × (1 − 14.08 % losses) × ~0.9 (heat, inverter) ≈ 5.6 kWh/kWp
    day = pv_ac_kw_per_kwp(*SAITAMA, hourly_index(dt.datetime(2024, 6, 21), 24, "Asia/Tokyo"), "clear")
    poa = clear_sky_irradiance(*SAITAMA, hourly_index(dt.datetime(2024, 6, 21), 24, "Asia/Tokyo"))["poa_global"]
    assert poa.sum() / 1000 == pytest.approx(7.32, abs=0.05)
    assert 5.0 < day.sum() < 6.2


@pytest.mark.parametrize(("site", "target"), [(SAITAMA, 1000.0), (BERLIN, 900.0)], ids=["saitama", "berlin"])
def test_calibration_reproduces_the_target_yield(site, target):
    k = calibrate_typical_clear_sky_index(*site, target)
    assert 0.3 < k < 0.9
    year = hourly_index(dt.datetime(2019, 1, 1), 8760, site[3])
    hourly_total = pv_ac_kw_per_kwp(*site, year, "typical", k).sum()
    assert hourly_total == pytest.approx(target, rel=0.005)
    assert annual_yield_kwh_per_kwp(*site, k) == pytest.approx(target, rel=1e-6)


def test_calibration_rejects_a_target_above_clear_sky():
    with pytest.raises(KizunaInputError, match="above the clear-sky yield"):
        calibrate_typical_clear_sky_index(*BERLIN, 5000.0)


def test_runs_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    solar._pv_cached.cache_clear()
    solar._clear_sky_samples.cache_clear()
    index = hourly_index(dt.datetime(2026, 1, 3, 6), 120, "Europe/Berlin")
    ac = pv_ac_kw_per_kwp(52.45, 13.25, 45.0, "Europe/Berlin", index, "typical", 0.6)
    assert ac.sum() > 0
    weather = read_tmy_file(GREENSBORO_TMY3)
    assert len(weather) == 8760
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)


def test_warm_call_returns_a_fresh_copy():
    index = month_index(BERLIN)
    first = pv_ac_kw_per_kwp(*BERLIN, index, "clear")
    first[:] = -1.0
    assert np.all(pv_ac_kw_per_kwp(*BERLIN, index, "clear") >= 0)


def test_index_in_another_zone_is_converted_to_the_site():
    index = month_index(SAITAMA, dt.datetime(2024, 6, 1), 48)
    in_utc = index.tz_convert("UTC")
    np.testing.assert_allclose(pv_ac_kw_per_kwp(*SAITAMA, in_utc, "clear"), pv_ac_kw_per_kwp(*SAITAMA, index, "clear"))


def test_monthly_ambient_temperatures_change_output_the_right_way():
    index = month_index(SAITAMA, dt.datetime(2024, 1, 10), 48)
    cold = pv_ac_kw_per_kwp(*SAITAMA, index, "clear", temp_air_c=[0.0] * 12)
    warm = pv_ac_kw_per_kwp(*SAITAMA, index, "clear", temp_air_c=[0.0] + [35.0] * 11)
    hot = pv_ac_kw_per_kwp(*SAITAMA, index, "clear", temp_air_c=35.0)
    np.testing.assert_array_equal(cold, warm)  # only January's value is used
    assert hot.sum() < cold.sum()


def test_tmy_file_replaces_the_clear_sky_model():
    weather = read_tmy_file(GREENSBORO_TMY3)
    _, meta = pvlib.iotools.read_tmy3(GREENSBORO_TMY3, map_variables=True)
    site = (meta["latitude"], meta["longitude"], meta["altitude"], "America/New_York")
    year = hourly_index(dt.datetime(2020, 1, 1), 366 * 24, site[3])
    ac = pv_ac_kw_per_kwp_from_weather(weather, *site, year)
    clear = pv_ac_kw_per_kwp(*site, year, "clear")
    assert np.all(ac >= 0) and ac.max() <= 1.0
    assert 1000 < ac.sum() < 0.9 * clear.sum()  # real weather yields less than clear sky all year
    night = pd.Series(ac, index=year).groupby(year.hour).max()
    assert night.loc[[0, 1, 2, 3, 22, 23]].max() == 0.0


def test_bad_inputs_are_rejected():
    index = month_index(SAITAMA, hours=24)
    naive = index.tz_localize(None)
    with pytest.raises(KizunaInputError, match="time zone"):
        pv_ac_kw_per_kwp(*SAITAMA, naive, "clear")
    with pytest.raises(KizunaInputError, match="weather"):
        pv_ac_kw_per_kwp(*SAITAMA, index, "sunny")
    with pytest.raises(KizunaInputError, match="typical_clear_sky_index"):
        pv_ac_kw_per_kwp(*SAITAMA, index, "typical")
    with pytest.raises(KizunaInputError, match="temp_air_c"):
        pv_ac_kw_per_kwp(*SAITAMA, index, "clear", temp_air_c=[20.0, 21.0])
    with pytest.raises(KizunaInputError, match="URL"):
        read_tmy_file("https://example.org/tmy.csv")
