"""The EV and PHEV catalogue: battery sizes, V2H support, PHEV engines and carmakers' backup claims.

Read from ``data/vehicles/ev_models.csv`` (built from Open EV Data plus Japanese-only
rows from V2H charger makers' lists and carmaker figures; see
``data/sources/PROVENANCE.md`` §5 and ``data/vehicles/build_catalogue.py``; the
carmaker figures' sources are listed in ``docs/sources.md``).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from resilience.errors import KizunaInputError

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "vehicles" / "ev_models.csv"
#: Open EV Data's licence requires this credit wherever the data is shown.
ATTRIBUTION = "Open EV Data (https://github.com/KilowattApp/open-ev-data)"

_NUMERIC = ["release_year", "battery_kwh", "consumption_kwh_per_100km", "ac_max_kw", "ac_phases", "dc_max_kw",
            "usable_kwh", "claim_days", "claim_days_high", "claim_kwh_per_day", "fuel_tank_litres",
            "engine_kwh_per_litre"]
_BOOLEAN = ["dc_chademo_in_source", "v2h_jp_capable", "claim_includes_engine"]


@lru_cache(maxsize=1)
def _read_catalogue() -> pd.DataFrame:
    table = pd.read_csv(CATALOGUE_PATH, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in _NUMERIC:
        table[column] = pd.to_numeric(table[column].replace("", None))
    for column in _BOOLEAN:
        table[column] = table[column].eq("True")
    table = table.set_index("vehicle_id")
    if not table.index.is_unique:
        raise KizunaInputError(f"{CATALOGUE_PATH.name}: vehicle_id must be unique")
    return table


def vehicle_catalogue() -> pd.DataFrame:
    """All vehicles of the catalogue, indexed by ``vehicle_id``.

    Returns
    -------
    pandas.DataFrame
        One row per vehicle (38). A copy: changing it does not change the cache.
        Its columns:

        - ``brand``, ``model``, ``variant``, ``powertrain`` (BEV or PHEV).
        - ``battery_kwh`` [kWh] and its ``battery_kwh_basis`` (usable or total).
        - ``usable_kwh`` [kWh]: usable battery energy, with ``usable_kwh_status``
          (sourced or estimated) and ``usable_kwh_method``.
        - ``consumption_kwh_per_100km`` [kWh/100 km], ``v2h_jp_status`` / ``v2h_jp_capable``.
        - ``supply_days_claim`` and ``supply_days_claim_source``: the carmaker's
          "days of household supply" claim as quoted and where (empty where
          there is none), and the same claim as numbers: ``claim_days`` [days]
          (the low end of a range), ``claim_days_high`` [days],
          ``claim_kwh_per_day`` [kWh/day], ``claim_includes_engine`` (True: full
          battery and full tank; False: battery only) and
          ``claim_numbers_method``. NaN / False / '' without a claim.
        - For every PHEV (NaN / '' for a BEV): ``engine_kwh_per_litre`` [kWh/L],
          the electricity the engine generates per litre of petrol for external
          supply (at the car, before a V2H unit's losses), with
          ``engine_kwh_per_litre_status`` (derived or estimated) and
          ``engine_kwh_per_litre_method``; ``fuel_tank_litres`` [L] with
          ``fuel_tank_litres_status`` (sourced or estimated) and
          ``fuel_tank_litres_source``.

    Examples
    --------
    >>> vehicle_catalogue().loc["nissan-leaf-40", "usable_kwh"]
    np.float64(38.0)
    """
    return _read_catalogue().copy()


def close_matches(vehicle_id: str, n: int = 3) -> str:
    """Up to ``n`` catalogue ids that look like ``vehicle_id``, comma-separated ('' if none)."""
    ids = list(_read_catalogue().index)
    matches = difflib.get_close_matches(vehicle_id.lower(), ids, n=n, cutoff=0.6)
    if not matches:
        matches = [i for i in ids if vehicle_id.lower() in i][:n]
    return ", ".join(matches)


def vehicle(vehicle_id: str) -> pd.Series:
    """One vehicle of the catalogue.

    Parameters
    ----------
    vehicle_id : str
        A ``vehicle_id`` such as ``'nissan-leaf-40'``.

    Returns
    -------
    pandas.Series
        The vehicle's row (see :func:`vehicle_catalogue`), named by its id.

    Raises
    ------
    KizunaInputError
        For an unknown id, naming the closest ids.
    """
    catalogue = _read_catalogue()
    if vehicle_id in catalogue.index:
        return catalogue.loc[vehicle_id].copy()
    hint = close_matches(str(vehicle_id))
    suggestion = f"did you mean {hint}?" if hint else f"ids look like {', '.join(catalogue.index[:3])}"
    raise KizunaInputError(f"unknown vehicle '{vehicle_id}': {suggestion} "
                           f"(the catalogue, data/vehicles/ev_models.csv, has {len(catalogue)} vehicles)")


# ----------------------------------------------------------------------------------------------------------------------
# PHEV engines and carmakers' claims
# ----------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhevEngine:
    """What a plug-in hybrid's engine adds in an outage (the catalogue's engine columns).

    Attributes
    ----------
    vehicle_id : str
    engine_kwh_per_litre : float
        Electricity the engine generates for external supply per litre of petrol [kWh/L], at the car (before a
        V2H unit's losses).
    engine_kwh_per_litre_status : str
        ``derived`` (from the carmaker's full-tank claim and sourced figures) or ``estimated`` (an assumption
        enters; the method says which).
    engine_kwh_per_litre_method : str
        How the figure was obtained, with the numbers and the sources' ids.
    fuel_tank_litres : float
        Fuel tank capacity [L].
    fuel_tank_litres_status : str
        ``sourced`` or ``estimated``.
    fuel_tank_litres_source : str
        The source's id, or the estimate's method.
    """

    vehicle_id: str
    engine_kwh_per_litre: float
    engine_kwh_per_litre_status: str
    engine_kwh_per_litre_method: str
    fuel_tank_litres: float
    fuel_tank_litres_status: str
    fuel_tank_litres_source: str

    @property
    def full_tank_kwh(self) -> float:
        """Electricity from a full tank [kWh]: ``fuel_tank_litres × engine_kwh_per_litre``.

        Examples
        --------
        >>> phev_engine("mitsubishi-outlander-phev-2013").full_tank_kwh
        90.0
        """
        return self.fuel_tank_litres * self.engine_kwh_per_litre


@dataclass(frozen=True)
class SupplyClaim:
    """A carmaker's "days of household supply" claim for one car, as quoted and as numbers.

    Attributes
    ----------
    vehicle_id, brand : str
    text : str
        The claim as quoted in the catalogue.
    source : str
        Where it was published, with the sources' ids.
    days : float
        The days claimed [days]; the low end when the claim is a range.
    days_high : float
        The high end of the range [days]; equal to ``days`` for a single figure.
    kwh_per_day : float
        The household's daily use the claim assumes [kWh/day].
    includes_engine : bool
        True when the claim counts a full battery and a full tank (a PHEV's engine), False for the battery alone.
    numbers_method : str
        How the numbers were read from the quote (stated, or taken from the carmaker's other claims).
    """

    vehicle_id: str
    brand: str
    text: str
    source: str
    days: float
    days_high: float
    kwh_per_day: float
    includes_engine: bool
    numbers_method: str


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def phev_engine(vehicle_id: str) -> PhevEngine | None:
    """The engine figures of a PHEV; None for a BEV or a PHEV without its own figures.

    Raises
    ------
    KizunaInputError
        For an unknown id.

    Examples
    --------
    >>> engine = phev_engine("toyota-prius-phv-2017")
    >>> engine.engine_kwh_per_litre, engine.fuel_tank_litres
    (0.76, 43.0)
    """
    car = vehicle(vehicle_id)
    if car["powertrain"] != "PHEV" or not car["engine_kwh_per_litre"] > 0:
        return None
    return PhevEngine(
        vehicle_id=vehicle_id,
        engine_kwh_per_litre=float(car["engine_kwh_per_litre"]),
        engine_kwh_per_litre_status=_text(car["engine_kwh_per_litre_status"]),
        engine_kwh_per_litre_method=_text(car["engine_kwh_per_litre_method"]),
        fuel_tank_litres=float(car["fuel_tank_litres"]),
        fuel_tank_litres_status=_text(car["fuel_tank_litres_status"]),
        fuel_tank_litres_source=_text(car["fuel_tank_litres_source"]),
    )


def engine_kwh_per_litre(vehicle_id: str, fallback_kwh_per_litre: float) -> float:
    """Electricity a litre of petrol gives through this car's engine [kWh/L].

    The car's own figure for a PHEV that has one, ``fallback_kwh_per_litre`` for a PHEV without, 0 for a BEV.
    This is what a model of many households (e.g. the city's cohorts) should use per vehicle model, with the
    city fleet's ``phev_kwh_per_litre`` as the fallback.

    Parameters
    ----------
    vehicle_id : str
    fallback_kwh_per_litre : float
        Engine yield assumed for a PHEV without its own figure [kWh/L].

    Examples
    --------
    >>> engine_kwh_per_litre("mitsubishi-outlander-phev-2021", 2.2), engine_kwh_per_litre("nissan-leaf-40", 2.2)
    (1.84, 0.0)
    """
    car = vehicle(vehicle_id)
    if car["powertrain"] != "PHEV":
        return 0.0
    engine = phev_engine(vehicle_id)
    return engine.engine_kwh_per_litre if engine is not None else float(fallback_kwh_per_litre)


def fuel_tank_litres(vehicle_id: str) -> float | None:
    """Fuel tank capacity of a PHEV [L]; None for a BEV or a PHEV without a recorded tank.

    Examples
    --------
    >>> fuel_tank_litres("mitsubishi-outlander-phev-2021")
    56.0
    """
    engine = phev_engine(vehicle_id)
    return engine.fuel_tank_litres if engine is not None else None


def supply_claim(vehicle_id: str) -> SupplyClaim | None:
    """The carmaker's days-of-supply claim for the car, with its numbers; None when there is none.

    Examples
    --------
    >>> claim = supply_claim("mitsubishi-outlander-phev-2021")
    >>> claim.days, claim.kwh_per_day, claim.includes_engine
    (12.0, 10.0, True)
    """
    car = vehicle(vehicle_id)
    if not _text(car["supply_days_claim"]).strip() or not car["claim_days"] > 0:
        return None
    return SupplyClaim(
        vehicle_id=vehicle_id,
        brand=str(car["brand"]),
        text=_text(car["supply_days_claim"]).strip(),
        source=_text(car["supply_days_claim_source"]),
        days=float(car["claim_days"]),
        days_high=float(car["claim_days_high"]),
        kwh_per_day=float(car["claim_kwh_per_day"]),
        includes_engine=bool(car["claim_includes_engine"]),
        numbers_method=_text(car["claim_numbers_method"]),
    )
