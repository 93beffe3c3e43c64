"""The EV and PHEV catalogue: battery sizes, V2H support and carmakers' backup claims.

Read from ``data/vehicles/ev_models.csv`` (built from Open EV Data plus three
Japanese-only rows; see ``data/sources/PROVENANCE.md`` §5 and
``data/vehicles/build_catalogue.py``).
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from resilience.errors import KizunaInputError

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "vehicles" / "ev_models.csv"
#: Open EV Data's licence requires this credit wherever the data is shown.
ATTRIBUTION = "Open EV Data (https://github.com/KilowattApp/open-ev-data)"

_NUMERIC = ["release_year", "battery_kwh", "consumption_kwh_per_100km", "ac_max_kw", "ac_phases", "dc_max_kw",
            "usable_kwh"]
_BOOLEAN = ["dc_chademo_in_source", "v2h_jp_capable"]


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
        One row per vehicle (35). Main columns: ``brand``, ``model``,
        ``variant``, ``powertrain`` (BEV or PHEV), ``battery_kwh`` and its
        ``battery_kwh_basis``, ``usable_kwh`` [kWh] with ``usable_kwh_status``
        (sourced or estimated) and ``usable_kwh_method``,
        ``consumption_kwh_per_100km``, ``v2h_jp_status`` / ``v2h_jp_capable``,
        ``supply_days_claim`` and ``supply_days_claim_source`` (FACTS C2; empty
        where no claim matches). A copy: changing it does not change the cache.

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
