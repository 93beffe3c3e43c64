"""The home page's data: a bundled city's districts, read through the one city loader."""

from __future__ import annotations

import pandas as pd

from resilience.citydata import load_districts_geojson, load_tables

HOME_CITY = "saitama"


def districts_geojson(city_id: str = HOME_CITY) -> dict:
    """District boundaries (GeoJSON, lon/lat degrees); each feature carries ``district_id``."""
    return load_districts_geojson(city_id)


def districts_table(city_id: str = HOME_CITY) -> pd.DataFrame:
    """Name, local name, households and population of each district, indexed by ``district_id``.

    For Saitama: the Basic Resident Register of 2025-09-01 (see the city's ``provenance.csv``).
    """
    rows = load_tables(city_id).districts
    table = pd.DataFrame(rows, columns=["id", "name", "name_local", "households", "population"])
    return table.rename(columns={"id": "district_id"}).set_index("district_id")
