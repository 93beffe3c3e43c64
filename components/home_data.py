"""Reading of the data shown on the home page (Saitama City wards).

This is the only place the home page touches files; the city loader of a later issue
replaces it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

DATA_SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"
SAITAMA_WARDS_GEOJSON = DATA_SOURCES / "saitama_wards_simplified.geojson"
SAITAMA_WARDS_TABLE = DATA_SOURCES / "saitama_wards_population_households.csv"


@cache
def saitama_wards_geojson() -> dict:
    """Boundaries of Saitama City's 10 wards (GeoJSON, lon/lat degrees), keyed by ``ward_code``."""
    with SAITAMA_WARDS_GEOJSON.open(encoding="utf-8") as f:
        return json.load(f)


def saitama_wards_table() -> pd.DataFrame:
    """Households and population of each ward on 2025-09-01, indexed by ``ward_code`` (str).

    Returns
    -------
    pandas.DataFrame
        Columns ``ward_en``, ``ward_ja``, ``households_2025_09_01``, ``population_2025_09_01``
        (both counts, int).
    """
    table = pd.read_csv(SAITAMA_WARDS_TABLE, dtype={"ward_code": str}, encoding="utf-8")
    return table.set_index("ward_code")[["ward_en", "ward_ja", "households_2025_09_01", "population_2025_09_01"]]
