"""Rooftop PV output per kWp from pvlib's clear-sky model, offline (docs/model.md §2–4, PV).

The chain, per sample time:

1. ``pvlib.location.Location(lat, lon, tz, altitude)`` → solar position and
   Ineichen clear-sky GHI/DNI/DHI with pvlib's bundled Linke turbidity;
2. every component × the clear-sky index ``k`` of the weather (``clear`` 1.0,
   ``typical`` a per-city constant calibrated to the annual yield of [S59] or Berlin's,
   ``overcast`` 0.25);
3. plane-of-array irradiance, isotropic sky, ground albedo 0.25
   (``irradiance.get_total_irradiance``);
4. cell temperature, SAPM close-mount glass/glass, ambient 20 °C unless given,
   wind 1 m/s (``temperature.sapm_cell``);
5. PVWatts DC with γ = −0.004 /°C (``pvsystem.pvwatts_dc``) less the PVWatts
   default system losses of 14.08 % (``pvsystem.pvwatts_losses``: soiling,
   shading, mismatch, wiring, connections, LID, nameplate, availability);
6. PVWatts inverter, η_nom = 0.96 (``inverter.pvwatts``), sized so that its AC
   limit is 1 kW per kWp ÷ ``dc_ac_ratio``.

Each hour is the mean of four samples at the middle of its quarter-hours, so
sunrise and sunset hours are not judged from one instant. No
``pvlib.iotools.get_*`` function is ever called; a user's own TMY file can be
read with :func:`read_tmy_file` and used with :func:`pv_ac_kw_per_kwp_from_weather`.

Results are cached on hashable arguments (the index enters as a small key), so
a dashboard that recomputes the same horizon pays for pvlib once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
from scipy.optimize import brentq

from resilience.errors import KizunaInputError
from resilience.timeindex import HOUR_NS, hourly_index, index_from_key, index_key, require_tz_aware

__all__ = [
    "DC_LOSS_FRACTION",
    "WEATHER_CLEAR_SKY_INDEX",
    "annual_yield_kwh_per_kwp",
    "calibrate_typical_clear_sky_index",
    "clear_sky_irradiance",
    "pv_ac_kw_per_kwp",
    "pv_ac_kw_per_kwp_from_weather",
    "read_tmy_file",
]

#: Clear-sky index of the fixed weather choices (docs/model.md §2–4, PV); "typical" comes from the city.
WEATHER_CLEAR_SKY_INDEX = {"clear": 1.0, "overcast": 0.25}
SAMPLES_PER_HOUR = 4
GAMMA_PDC_PER_C = -0.004
ETA_INV_NOM = 0.96
ALBEDO = 0.25
WIND_SPEED_M_S = 1.0
DEFAULT_TEMP_AIR_C = 20.0
#: PVWatts v5 default system losses (NREL TP-6A20-62641), as a fraction.
DC_LOSS_FRACTION = float(pvlib.pvsystem.pvwatts_losses()) / 100.0
_SAPM = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["close_mount_glass_glass"]


def _sample_times(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Middle of each quarter-hour of each hour, flattened hour-major."""
    offsets_ns = ((np.arange(SAMPLES_PER_HOUR) + 0.5) * HOUR_NS / SAMPLES_PER_HOUR).astype(np.int64)
    starts = index.as_unit("ns").asi8
    values = (starts[:, None] + offsets_ns[None, :]).ravel()
    return pd.DatetimeIndex(values.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(index.tz)


@lru_cache(maxsize=32)
def _clear_sky_samples(
    latitude: float, longitude: float, altitude_m: float, key: tuple, surface_tilt: float, surface_azimuth: float
) -> dict[str, np.ndarray]:
    """Clear-sky GHI/DNI/DHI and plane-of-array irradiance at every sample [W/m²], shape (n_hours, samples)."""
    index = index_from_key(key)
    times = _sample_times(index)
    site = pvlib.location.Location(latitude, longitude, tz=str(index.tz), altitude=altitude_m)
    position = site.get_solarposition(times)
    sky = site.get_clearsky(times, model="ineichen", solar_position=position)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt, surface_azimuth, position["apparent_zenith"], position["azimuth"],
        sky["dni"], sky["ghi"], sky["dhi"], albedo=ALBEDO, model="isotropic",
    )
    shape = (len(index), SAMPLES_PER_HOUR)
    arrays = {
        "ghi": sky["ghi"].to_numpy(float),
        "dni": sky["dni"].to_numpy(float),
        "dhi": sky["dhi"].to_numpy(float),
        "poa_global": np.nan_to_num(poa["poa_global"].to_numpy(float)),
    }
    for name, values in arrays.items():
        arrays[name] = np.clip(values, 0.0, None).reshape(shape)
        arrays[name].setflags(write=False)
    return arrays


def _temp_air_per_hour(temp_air_c, index: pd.DatetimeIndex) -> np.ndarray:
    values = np.atleast_1d(np.asarray(temp_air_c, dtype=float))
    if values.size == 1:
        return np.full(len(index), values[0])
    if values.size == 12:
        return values[np.asarray(index.month) - 1]
    raise KizunaInputError(f"temp_air_c: {values.size} values: give one value or 12 monthly values [°C]")


def _ac_from_poa(poa_w_m2, temp_air_c, wind_m_s, dc_ac_ratio, dc_loss_fraction) -> np.ndarray:
    """AC output per kWp [kW] for plane-of-array irradiance [W/m²] (any shape; temperatures broadcast)."""
    temp_cell = pvlib.temperature.sapm_cell(poa_w_m2, temp_air_c, wind_m_s, _SAPM["a"], _SAPM["b"], _SAPM["deltaT"])
    dc_kw = pvlib.pvsystem.pvwatts_dc(poa_w_m2, temp_cell, 1.0, GAMMA_PDC_PER_C) * (1.0 - dc_loss_fraction)
    inverter_dc_limit_kw = (1.0 / dc_ac_ratio) / ETA_INV_NOM
    return np.clip(pvlib.inverter.pvwatts(dc_kw, inverter_dc_limit_kw, eta_inv_nom=ETA_INV_NOM), 0.0, None)


def _clear_sky_index(weather: str, typical_clear_sky_index: float | None) -> float:
    if weather == "typical":
        if typical_clear_sky_index is None:
            raise KizunaInputError("weather = 'typical': needs the city's typical_clear_sky_index")
        if not 0.0 < typical_clear_sky_index <= 1.0:
            raise KizunaInputError(f"typical_clear_sky_index = {typical_clear_sky_index}: must be > 0 and ≤ 1")
        return float(typical_clear_sky_index)
    if weather in WEATHER_CLEAR_SKY_INDEX:
        return WEATHER_CLEAR_SKY_INDEX[weather]
    raise KizunaInputError(f"weather = {weather!r}: must be one of ['clear', 'typical', 'overcast']")


def _check_options(dc_ac_ratio: float, dc_loss_fraction: float) -> None:
    if not dc_ac_ratio > 0:
        raise KizunaInputError(f"dc_ac_ratio = {dc_ac_ratio}: must be > 0")
    if not 0.0 <= dc_loss_fraction < 1.0:
        raise KizunaInputError(f"dc_loss_fraction = {dc_loss_fraction}: must be ≥ 0 and < 1")


@lru_cache(maxsize=128)
def _pv_cached(latitude, longitude, altitude_m, key, clear_sky_index, surface_tilt, surface_azimuth,
               temp_air_c, dc_ac_ratio, dc_loss_fraction) -> np.ndarray:
    samples = _clear_sky_samples(latitude, longitude, altitude_m, key, surface_tilt, surface_azimuth)
    temp_air = _temp_air_per_hour(temp_air_c, index_from_key(key))
    ac = _ac_from_poa(clear_sky_index * samples["poa_global"], temp_air[:, None], WIND_SPEED_M_S,
                      dc_ac_ratio, dc_loss_fraction)
    hourly = ac.mean(axis=1)
    hourly.setflags(write=False)
    return hourly


def _checked_site(latitude, longitude, altitude_m, timezone, index) -> tuple:
    require_tz_aware(index, "PV time index")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180 and np.isfinite(altitude_m)):
        raise KizunaInputError(
            f"PV site ({latitude}, {longitude}, {altitude_m} m): latitude −90…90, longitude −180…180"
        )
    if timezone is not None and str(index.tz) != str(timezone):
        index = index.tz_convert(timezone)
    return float(latitude), float(longitude), float(altitude_m), index


def pv_ac_kw_per_kwp(
    latitude: float,
    longitude: float,
    altitude_m: float,
    timezone: str,
    index: pd.DatetimeIndex,
    weather: str = "typical",
    typical_clear_sky_index: float | None = None,
    surface_tilt: float = 30.0,
    surface_azimuth: float = 180.0,
    *,
    temp_air_c: float | Sequence[float] = DEFAULT_TEMP_AIR_C,
    dc_ac_ratio: float = 1.0,
    dc_loss_fraction: float = DC_LOSS_FRACTION,
) -> np.ndarray:
    """Mean AC output in each hour per kWp of PV [kW/kWp].

    Parameters
    ----------
    latitude, longitude : float
        Site [degrees north, east].
    altitude_m : float
        Site altitude [m]; give the real one (pvlib's lookup grid is coarse).
    timezone : str
        IANA zone of the site; the index is converted to it if it differs.
    index : pandas.DatetimeIndex
        tz-aware hour starts.
    weather : {"typical", "clear", "overcast"}, default "typical"
        Clear-sky index 1.0 for clear, 0.25 for overcast, and
        ``typical_clear_sky_index`` for typical.
    typical_clear_sky_index : float, optional
        The city's calibrated constant (see
        :func:`calibrate_typical_clear_sky_index`); required for "typical".
    surface_tilt, surface_azimuth : float, default 30 and 180
        Roof tilt from horizontal and azimuth clockwise from north [degrees].
    temp_air_c : float or 12 floats, default 20
        Ambient temperature, constant or by local month [°C] (assumption).
    dc_ac_ratio : float, default 1.0
        kWp of modules per kW of inverter AC rating.
    dc_loss_fraction : float, default 0.1408
        DC system losses (PVWatts default).

    Returns
    -------
    numpy.ndarray, shape (n_hours,)
        kW AC per kWp (= kWh per kWp in the hour); 0 at night, never above
        ``1 / dc_ac_ratio``.
    """
    lat, lon, alt, index = _checked_site(latitude, longitude, altitude_m, timezone, index)
    _check_options(dc_ac_ratio, dc_loss_fraction)
    k = _clear_sky_index(weather, typical_clear_sky_index)
    if len(index) == 0:
        return np.zeros(0)
    temps = tuple(np.atleast_1d(np.asarray(temp_air_c, dtype=float)).tolist())
    return _pv_cached(lat, lon, alt, index_key(index), k, float(surface_tilt), float(surface_azimuth),
                      temps, float(dc_ac_ratio), float(dc_loss_fraction)).copy()


def clear_sky_irradiance(
    latitude: float, longitude: float, altitude_m: float, timezone: str, index: pd.DatetimeIndex,
    surface_tilt: float = 30.0, surface_azimuth: float = 180.0,
) -> pd.DataFrame:
    """Hourly mean clear-sky irradiance (Ineichen) on the horizontal and on the roof [W/m²].

    Returns
    -------
    pandas.DataFrame
        Columns ``ghi``, ``dni``, ``dhi``, ``poa_global`` indexed by ``index``;
        a column's sum over a day is the day's irradiation in Wh/m².
    """
    lat, lon, alt, index = _checked_site(latitude, longitude, altitude_m, timezone, index)
    samples = _clear_sky_samples(lat, lon, alt, index_key(index), float(surface_tilt), float(surface_azimuth))
    return pd.DataFrame({name: values.mean(axis=1) for name, values in samples.items()}, index=index)


def _year_index(year: int, timezone: str) -> pd.DatetimeIndex:
    first = dt.datetime(year, 1, 1)
    hours = (dt.datetime(year + 1, 1, 1) - first) // dt.timedelta(hours=1)
    return hourly_index(first, hours, timezone)


def annual_yield_kwh_per_kwp(
    latitude: float, longitude: float, altitude_m: float, timezone: str, clear_sky_index: float,
    year: int = 2019, surface_tilt: float = 30.0, surface_azimuth: float = 180.0, *,
    temp_air_c: float | Sequence[float] = DEFAULT_TEMP_AIR_C, dc_ac_ratio: float = 1.0,
    dc_loss_fraction: float = DC_LOSS_FRACTION,
) -> float:
    """AC energy of one kWp over a calendar year at a constant clear-sky index [kWh/kWp/yr]."""
    lat, lon, alt, index = _checked_site(latitude, longitude, altitude_m, timezone, _year_index(year, timezone))
    _check_options(dc_ac_ratio, dc_loss_fraction)
    samples = _clear_sky_samples(lat, lon, alt, index_key(index), float(surface_tilt), float(surface_azimuth))
    temp_air = _temp_air_per_hour(temp_air_c, index)[:, None]
    ac = _ac_from_poa(clear_sky_index * samples["poa_global"], temp_air, WIND_SPEED_M_S, dc_ac_ratio, dc_loss_fraction)
    return float(ac.mean(axis=1).sum())


def calibrate_typical_clear_sky_index(
    latitude: float, longitude: float, altitude_m: float, timezone: str, target_kwh_per_kwp_year: float,
    year: int = 2019, surface_tilt: float = 30.0, surface_azimuth: float = 180.0, *,
    temp_air_c: float | Sequence[float] = DEFAULT_TEMP_AIR_C, dc_ac_ratio: float = 1.0,
    dc_loss_fraction: float = DC_LOSS_FRACTION,
) -> float:
    """The constant clear-sky index whose annual AC yield equals a target.

    The yield rises monotonically with the index (more irradiance; the
    temperature loss and the inverter limit only flatten the rise), so the root
    is unique and found with :func:`scipy.optimize.brentq` on (0, 1].

    Parameters
    ----------
    latitude, longitude, altitude_m, timezone
        The site, as for :func:`pv_ac_kw_per_kwp`.
    target_kwh_per_kwp_year : float
        Annual AC yield to match, e.g. 1,000 for Japan and 900 for Berlin (docs/sources.md: [S59] and the derivations).
    year : int, default 2019
        Calendar year of the hourly clear-sky series.
    surface_tilt, surface_azimuth, temp_air_c, dc_ac_ratio, dc_loss_fraction
        As for :func:`pv_ac_kw_per_kwp`; use the same values there.

    Returns
    -------
    float
        Clear-sky index in (0, 1].

    Raises
    ------
    KizunaInputError
        If the target is not positive or exceeds the clear-sky yield.
    """
    if not target_kwh_per_kwp_year > 0:
        raise KizunaInputError(f"target_kwh_per_kwp_year = {target_kwh_per_kwp_year}: must be > 0")

    def excess(k: float) -> float:
        return annual_yield_kwh_per_kwp(
            latitude, longitude, altitude_m, timezone, k, year, surface_tilt, surface_azimuth,
            temp_air_c=temp_air_c, dc_ac_ratio=dc_ac_ratio, dc_loss_fraction=dc_loss_fraction,
        ) - target_kwh_per_kwp_year

    clear_excess = excess(1.0)
    if clear_excess < 0:
        raise KizunaInputError(
            f"target_kwh_per_kwp_year = {target_kwh_per_kwp_year:g}: above the clear-sky yield "
            f"{clear_excess + target_kwh_per_kwp_year:.0f} kWh/kWp of this site"
        )
    return float(brentq(excess, 1e-6, 1.0, xtol=1e-9, rtol=1e-12))


def read_tmy_file(path: str | Path) -> pd.DataFrame:
    """Read a local TMY3 (``.csv``) or EnergyPlus (``.epw``) weather file with pvlib's readers.

    Only local files: URLs are refused, so nothing is fetched.

    Returns
    -------
    pandas.DataFrame
        Hourly rows with ``ghi``, ``dni``, ``dhi`` [W/m²], ``temp_air`` [°C]
        and ``wind_speed`` [m/s], indexed by the file's own (fixed-offset)
        timestamps, which label the *end* of each hour.
    """
    text = str(path)
    if "://" in text:
        raise KizunaInputError(f"TMY file {text!r}: give a local file, not a URL")
    file = Path(text)
    if not file.is_file():
        raise KizunaInputError(f"TMY file {text!r}: no such file")
    if file.suffix.lower() == ".epw":
        data, _ = pvlib.iotools.read_epw(file)
    else:
        data, _ = pvlib.iotools.read_tmy3(file, map_variables=True)
    return data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].astype(float)


def pv_ac_kw_per_kwp_from_weather(
    weather: pd.DataFrame, latitude: float, longitude: float, altitude_m: float, timezone: str,
    index: pd.DatetimeIndex, surface_tilt: float = 30.0, surface_azimuth: float = 180.0, *,
    dc_ac_ratio: float = 1.0, dc_loss_fraction: float = DC_LOSS_FRACTION,
) -> np.ndarray:
    """Hourly AC output per kWp from a typical-year weather table (replaces the clear-sky model).

    Each hour of ``index`` takes the weather row of the same day of the year
    and hour of day in the file's own (standard-time) clock; 29 February takes
    28 February. TMY rows label the end of their hour, so row ``i`` is the
    hour starting ``i`` hours after 1 January 00:00. The sun is placed at the
    middle of the hour.

    Parameters
    ----------
    weather : pandas.DataFrame
        From :func:`read_tmy_file`: ``ghi``, ``dni``, ``dhi``, ``temp_air``,
        ``wind_speed``, tz-aware hour-ending index.
    latitude, longitude, altitude_m, timezone, index, surface_tilt, surface_azimuth, dc_ac_ratio, dc_loss_fraction
        As for :func:`pv_ac_kw_per_kwp`.

    Returns
    -------
    numpy.ndarray, shape (n_hours,)
    """
    lat, lon, alt, index = _checked_site(latitude, longitude, altitude_m, timezone, index)
    _check_options(dc_ac_ratio, dc_loss_fraction)
    if not isinstance(weather.index, pd.DatetimeIndex) or weather.index.tz is None:
        raise KizunaInputError("weather: needs a tz-aware DatetimeIndex (use read_tmy_file)")
    if len(weather) != 8760:
        raise KizunaInputError(f"weather: {len(weather)} rows: a typical year has 8,760 hourly rows")
    # Rows run from the hour ending at 01:00 on 1 January to the one ending at 24:00 on 31 December, whatever
    # years the months were drawn from, so row i is hour i of a non-leap year.
    local = index.tz_convert(weather.index.tz).tz_localize(None)
    day_of_year = np.asarray(local.day_of_year) - 1
    leap_after_february = np.asarray(local.is_leap_year) & (day_of_year >= 59)
    position = np.minimum(day_of_year - leap_after_february, 364) * 24 + np.asarray(local.hour)
    picked = weather.iloc[position]
    middle = index + pd.Timedelta(minutes=30)
    site = pvlib.location.Location(lat, lon, tz=str(index.tz), altitude=alt)
    sun = site.get_solarposition(middle)
    poa = pvlib.irradiance.get_total_irradiance(
        float(surface_tilt), float(surface_azimuth), sun["apparent_zenith"].to_numpy(), sun["azimuth"].to_numpy(),
        picked["dni"].to_numpy(), picked["ghi"].to_numpy(), picked["dhi"].to_numpy(), albedo=ALBEDO,
        model="isotropic",
    )
    poa_global = np.clip(np.nan_to_num(np.asarray(poa["poa_global"], dtype=float)), 0.0, None)
    return _ac_from_poa(poa_global, picked["temp_air"].to_numpy(), picked["wind_speed"].to_numpy(),
                        dc_ac_ratio, dc_loss_fraction)
