"""The bundled cities' PV constant reproduces the annual yields of FACTS F through the path simulate() uses."""

import datetime as dt

import pytest

from resilience.citydata import load_city
from resilience.solar import pv_ac_kw_per_kwp
from resilience.timeindex import hourly_index


@pytest.mark.parametrize(("city_id", "target_kwh_per_kwp"), [("saitama", 1000.0), ("berlin", 900.0)])
def test_typical_weather_gives_the_sourced_annual_yield(city_id, target_kwh_per_kwp):
    city = load_city(city_id)
    year = hourly_index(dt.datetime(2019, 1, 1), 8760, city.timezone)
    kw_per_kwp = pv_ac_kw_per_kwp(city.latitude, city.longitude, city.altitude_m, city.timezone, year,
                                  weather="typical", typical_clear_sky_index=city.pv_typical_clear_sky_index)
    assert kw_per_kwp.sum() == pytest.approx(target_kwh_per_kwp, rel=0.005)
