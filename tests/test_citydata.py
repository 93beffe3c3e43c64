"""The bundled cities, the loader, export and the template."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from resilience.citydata import (
    CITIES_DIR,
    TEMPLATE_PATH,
    export_city,
    list_cities,
    load_city,
    load_districts_geojson,
    load_provenance,
    load_tables,
    write_template,
)
from resilience.errors import KizunaInputError
from resilience.importing import CITY_KEYS, FieldSpec, validate_path
from resilience.records import FACILITY_TYPES

SOURCES = Path(__file__).parents[1] / "data" / "sources"
FULL_LOAD_L_PER_KWH = 0.262 + 0.007  # MODEL §7 defaults at full load


def _source_rows(name: str) -> list[dict]:
    with (SOURCES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _contains(geometry: dict, lon: float, lat: float) -> bool:
    """Even-odd ray casting (test's own point-in-polygon)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    inside = False
    for polygon in polygons:
        for ring in polygon:
            points = np.asarray(ring, dtype=float)
            x0, y0, x1, y1 = points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1]
            crosses = (y0 > lat) != (y1 > lat)
            with np.errstate(divide="ignore", invalid="ignore"):
                x_at = x0 + (lat - y0) * (x1 - x0) / (y1 - y0)
            inside ^= bool(np.count_nonzero(crosses & (lon < x_at)) % 2)
    return inside


def test_bundled_cities_are_listed():
    assert list_cities() == ["berlin", "saitama"]


def test_saitama_matches_the_register_of_1_september_2025():
    city = load_city("saitama")
    assert [d.id for d in city.districts] == [f"111{n:02d}" for n in range(1, 11)]
    assert sum(d.population for d in city.districts) == 1_354_457
    assert sum(d.households for d in city.districts) == 656_951
    source = {r["ward_code"]: r for r in _source_rows("saitama_wards_population_households.csv")}
    for district in city.districts:
        assert district.population == int(source[district.id]["population_2025_09_01"])
        assert district.households == int(source[district.id]["households_2025_09_01"])
        assert district.name == source[district.id]["ward_en"]


def test_berlin_matches_the_register_of_31_december_2024():
    city = load_city("berlin")
    assert [d.id for d in city.districts] == [f"{n:02d}" for n in range(1, 13)]
    assert sum(d.population for d in city.districts) == 3_897_145
    # Households: microcensus shares scaled to the AfS total of "mehr als 2,2 Millionen" (marked estimated).
    assert sum(d.households for d in city.districts) == 2_200_000
    provenance = load_provenance("berlin")
    households = provenance[(provenance["table"] == "districts") & (provenance["column"] == "households")]
    assert list(households["status"]) == ["estimated"]


def test_berlin_home_parking_share_is_the_microcensus_ratio_and_estimated_where_the_cell_is_slash():
    city = load_city("berlin")
    assert city.district("03").home_parking_share == round(15 / 206, 3)  # Pankow, given
    assert city.district("01").home_parking_share == round((195 - 188) / 195, 3)  # Mitte, "/" in the source
    provenance = load_provenance("berlin")
    rows = provenance[(provenance["column"] == "home_parking_share") & provenance["row_id"].notna()]
    assert sorted(rows["row_id"]) == ["01", "02", "04", "11"]
    assert set(rows["status"]) == {"estimated"}


@pytest.mark.parametrize("city_id, n_districts", [("saitama", 10), ("berlin", 12)])
def test_every_district_has_each_of_the_five_facility_types(city_id, n_districts):
    city = load_city(city_id)
    assert len(city.facilities) == 5 * n_districts
    for district in city.districts:
        types = sorted(f.type for f in city.facilities if f.district_id == district.id)
        assert types == sorted(t for t in FACILITY_TYPES if t != "other")


def test_saitama_shelters_total_the_258_designated_sites():
    city = load_city("saitama")
    assert sum(f.sites for f in city.facilities if f.type == "shelter") == 258
    urawa = next(f for f in city.facilities if f.id == "urawa-shelters")
    assert f"({urawa.sites} sites)" in urawa.name


def test_fuel_rules_of_facts_d2_and_d3():
    saitama = {f.id: f for f in load_city("saitama").facilities}
    omiya = saitama["omiya-hospitals"]  # disaster base hospital ward: about 3 days of fuel
    assert omiya.generator_kw == omiya.critical_load_kw
    assert omiya.tank_litres == pytest.approx(omiya.generator_kw * FULL_LOAD_L_PER_KWH * 72, abs=0.06)
    office = saitama["urawa-offices"]  # municipal HQ: 72 h of its (day-weighted) load
    assert office.critical_load_kw == 550.0  # ward office 150 kW + City Hall 400 kW
    assert office.generator_kw == pytest.approx(1.3 * 550.0)  # rated for the daytime peak
    assert office.tank_litres == pytest.approx(72 * (0.262 * 550.0 + 0.007 * office.generator_kw), abs=0.06)
    berlin = {f.id: f for f in load_city("berlin").facilities}
    water = berlin["b05-water"]  # BWB: 36 h
    assert water.tank_litres == pytest.approx(water.generator_kw * FULL_LOAD_L_PER_KWH * 36, abs=0.06)
    hospital = berlin["b05-hospitals"]  # at least 24 h
    assert hospital.tank_litres == pytest.approx(hospital.generator_kw * FULL_LOAD_L_PER_KWH * 24, abs=0.06)
    assert berlin["b01-leuchttuerme"].generator_kw == 0.0  # Mitte: no Notstrom (2022)


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_physical_invariants_of_the_bundled_facilities(city_id):
    for facility in load_city(city_id).facilities:
        assert 0 <= facility.fuel_litres <= facility.tank_litres
        assert facility.generator_kw <= 1.3 * facility.critical_load_kw + 0.1  # at most the daytime peak
        assert facility.critical_load_kw > 0


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_district_stocks_are_consistent(city_id):
    for district in load_city(city_id).districts:
        assert district.v2h_units <= district.bev_count + district.phev_count
        assert district.households <= district.population
        assert 0 < district.home_parking_share < 1


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_geometry_ids_match_district_ids_and_are_polygons(city_id):
    geojson = load_districts_geojson(city_id)
    assert geojson["type"] == "FeatureCollection"
    ids = [f["properties"]["district_id"] for f in geojson["features"]]
    assert ids == [d.id for d in load_city(city_id).districts]
    assert {f["geometry"]["type"] for f in geojson["features"]} <= {"Polygon", "MultiPolygon"}
    assert all(f["properties"]["name"] for f in geojson["features"])


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_every_facility_lies_inside_its_district(city_id):
    geometry = {f["properties"]["district_id"]: f["geometry"] for f in load_districts_geojson(city_id)["features"]}
    for facility in load_city(city_id).facilities:
        assert _contains(geometry[facility.district_id], facility.longitude, facility.latitude), facility.id


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_every_column_of_every_table_has_a_provenance_row(city_id):
    folder = CITIES_DIR / city_id
    provenance = load_provenance(city_id)
    whole = provenance[provenance["row_id"].isna()]
    covered = set(zip(whole["table"], whole["column"], strict=True))
    for table in ("districts", "facilities", "fleet_mix"):
        with (folder / f"{table}.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        missing = [c for c in header if (table, c) not in covered]
        assert not missing, f"{table}: {missing}"
    assert not [s.name for s in CITY_KEYS if ("city", s.name) not in covered]
    assert ("geometry", "geometry") in covered
    assert set(provenance["status"]) == {"sourced", "estimated"}
    assert (provenance["source_or_method"].str.strip() != "").all()
    assert not whole.duplicated(["table", "column"]).any()


def test_provenance_rows_for_single_rows_refer_to_existing_rows():
    tables = load_tables("saitama")
    provenance = load_provenance("saitama")
    ids = {f["id"] for f in tables.facilities}
    rows = provenance[provenance["row_id"].notna()]
    assert len(rows) == 3
    assert set(rows["row_id"]) <= ids


def test_unknown_city_lists_the_bundled_ones():
    with pytest.raises(KizunaInputError) as caught:
        load_city("tokyo")
    assert str(caught.value) == "unknown city 'tokyo': bundled cities are berlin, saitama"


def test_a_folder_name_in_the_working_directory_is_a_path(tmp_path, monkeypatch):
    shutil.copytree(CITIES_DIR / "saitama", tmp_path / "mycity")
    monkeypatch.chdir(tmp_path)
    assert load_city("mycity") == load_city("saitama")


def test_missing_city_path_is_an_input_error(tmp_path):
    with pytest.raises(KizunaInputError, match="no such city folder or workbook"):
        load_city(tmp_path / "nowhere")


def test_fleet_mix_refers_to_the_catalogue_and_sums_to_one():
    for city_id in list_cities():
        fleet = load_city(city_id).fleet
        assert sum(fleet.bev_mix.values()) == pytest.approx(1.0)
        assert sum(fleet.phev_mix.values()) == pytest.approx(1.0)
    assert load_city("saitama").fleet.bev_mix["nissan-leaf-40"] == 0.3


def test_city_parameters_follow_facts():
    saitama, berlin = load_city("saitama"), load_city("berlin")
    assert (saitama.household_kwh_per_day, saitama.pv_outlet_kw, saitama.load_shape) == (11.4, 1.5, "tepco_2010")
    assert (berlin.household_kwh_per_day, berlin.pv_outlet_kw, berlin.load_shape) == (6.8, 0.0, "bdew_h25")
    assert saitama.petrol.ration_litres_per_visit == 10.0
    # Normal demand per car is what the stations normally sell: 45 GL ÷ 27,009 stations ÷ 365 × 295 ÷ 525,561 cars.
    assert saitama.petrol.demand_litres_per_vehicle_per_day == pytest.approx(2.56)
    assert saitama.timezone == "Asia/Tokyo" and berlin.timezone == "Europe/Berlin"
    assert saitama.districts[0].stations_backup_share == 0.522


def test_load_city_is_cached_and_sees_edits(tmp_path):
    folder = tmp_path / "mycity"
    shutil.copytree(CITIES_DIR / "saitama", folder)
    first = load_city(folder)
    assert load_city(folder) is first
    city_csv = folder / "city.csv"
    text = city_csv.read_text(encoding="utf-8").replace("Saitama City", "Saitama Test")
    city_csv.write_text(text, encoding="utf-8")
    stat = city_csv.stat()
    os.utime(city_csv, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_city(folder).name == "Saitama Test"


def test_load_tables_returns_a_copy():
    tables = load_tables("saitama")
    tables.districts[0]["population"] = 0
    tables.geometry["features"].clear()
    assert load_tables("saitama").districts[0]["population"] == 95818
    assert len(load_districts_geojson("saitama")["features"]) == 10


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_and_reload_gives_the_same_city(tmp_path, city_id, fmt):
    out = tmp_path / (f"{city_id}.xlsx" if fmt == "xlsx" else city_id)
    export_city(city_id, out, fmt)
    assert validate_path(out) == []
    assert load_city(out) == load_city(city_id)
    assert load_districts_geojson(out) == load_districts_geojson(city_id)
    assert load_provenance(out).equals(load_provenance(city_id))


def test_long_geometries_continue_on_the_next_rows_of_the_geometry_sheet(tmp_path):
    out = export_city("berlin", tmp_path / "berlin.xlsx", "xlsx")
    workbook = openpyxl.load_workbook(out, read_only=True)
    rows = list(workbook["geometry"].iter_rows(min_row=2, values_only=True))
    workbook.close()
    assert len(rows) > 12  # Pankow and Treptow-Köpenick exceed one Excel cell
    assert max(len(r[1]) for r in rows) <= 32_767
    assert [r[0] for r in rows].count("09") == 2


def test_export_to_an_unknown_format_is_refused(tmp_path):
    with pytest.raises(KizunaInputError, match="export format 'json': must be csv or xlsx"):
        export_city("saitama", tmp_path / "x", "json")


def test_template_is_a_valid_example_city_with_a_readme(tmp_path):
    path = write_template(tmp_path / "template.xlsx")
    assert validate_path(path) == []
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["README", "city", "districts", "facilities", "fleet_mix", "geometry", "provenance"]
    readme = [row[1] for row in workbook["README"].iter_rows(values_only=True)]
    workbook.close()
    for spec in CITY_KEYS:
        assert spec.name in readme
    assert "fuel_litres" in readme and "home_parking_share" in readme
    assert load_city(path).districts[0].id == "d01"


def test_committed_template_matches_a_fresh_one(tmp_path):
    fresh = write_template(tmp_path / "template.xlsx")

    def cells(path: Path) -> dict:
        workbook = openpyxl.load_workbook(path, read_only=True)
        content = {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
        workbook.close()
        return content

    assert cells(TEMPLATE_PATH) == cells(fresh)


def test_readme_documents_every_column_and_key():
    readme = (CITIES_DIR.parent / "README.md").read_text(encoding="utf-8")
    from resilience.importing import COLUMNS, GEOMETRY_COLUMNS

    specs: list[FieldSpec] = [*CITY_KEYS, *GEOMETRY_COLUMNS] + [s for t in COLUMNS.values() for s in t]
    missing = [s.name for s in specs if f"`{s.name}`" not in readme]
    assert not missing


def test_bundled_geojson_files_carry_district_id():
    for city_id in list_cities():
        data = json.loads((CITIES_DIR / city_id / "districts.geojson").read_text(encoding="utf-8"))
        assert all("district_id" in f["properties"] for f in data["features"])
