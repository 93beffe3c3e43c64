"""Import of a user's own city: one precise message per kind of mistake, never a traceback.

Each case exports Saitama to a temporary folder (or workbook) and corrupts one thing.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from resilience.citydata import export_city, load_city
from resilience.errors import KizunaInputError
from resilience.importing import COLUMNS, Problem, main_validate, read_city_tables, summary, validate_path
from resilience.records import MAX_COUNT, MAX_POWER_KW


@pytest.fixture
def folder(tmp_path) -> Path:
    """Saitama exported as a folder of CSVs."""
    return export_city("saitama", tmp_path / "saitama", "csv")


@pytest.fixture
def workbook(tmp_path) -> Path:
    """Saitama exported as one workbook."""
    return export_city("saitama", tmp_path / "saitama.xlsx", "xlsx")


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set a cell; ``row`` counts the header as row 1, as the messages do."""
    rows = _read(path)
    rows[row - 1][rows[0].index(column)] = value
    _write(path, rows)


def _messages(path: Path) -> list[str]:
    return [str(p) for p in validate_path(path)]


def _snapshot(path: Path) -> dict[str, tuple[bytes, int]]:
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    return {f.name: (f.read_bytes(), f.stat().st_mtime_ns) for f in files}


def test_exported_city_is_valid(folder, workbook):
    assert validate_path(folder) == []
    assert validate_path(workbook) == []


def test_problem_reads_as_one_line():
    problem = Problem("facilities.csv", None, 7, "fuel_litres", "-5", "a number ≥ 0")
    assert str(problem) == "facilities.csv row 7, column fuel_litres: value -5: expected a number ≥ 0"
    assert str(Problem("city.xlsx", "facilities", expected="a sheet")) == "city.xlsx sheet facilities: expected a sheet"


def test_negative_fuel(folder):
    _set_cell(folder / "facilities.csv", 7, "fuel_litres", "-5")
    assert _messages(folder) == ["facilities.csv row 7, column fuel_litres: value -5: "
                                 "expected a number from 0 to 1,000,000,000"]


def test_missing_column(folder):
    rows = _read(folder / "facilities.csv")
    drop = rows[0].index("critical_load_kw")
    _write(folder / "facilities.csv", [r[:drop] + r[drop + 1:] for r in rows])
    assert _messages(folder) == [
        "facilities.csv, column critical_load_kw: expected a required column 'critical_load_kw' "
        "(load that must be served in an outage); the header row has none"]


def test_optional_column_may_be_left_out(folder):
    rows = _read(folder / "facilities.csv")
    drop = rows[0].index("restoration_quantile")
    _write(folder / "facilities.csv", [r[:drop] + r[drop + 1:] for r in rows])
    assert validate_path(folder) == []


def test_unknown_column_is_reported(folder):
    rows = _read(folder / "districts.csv")
    rows[0][rows[0].index("bev_count")] = "bev_cnt"
    _write(folder / "districts.csv", rows)
    messages = _messages(folder)
    assert messages[0].startswith("districts.csv row 1, column bev_cnt: expected a known column (id, name, ")
    assert "districts.csv, column bev_count: expected a required column 'bev_count'" in messages[1]
    assert len(messages) == 2


def test_wrong_unit_in_city_csv(folder):
    rows = _read(folder / "city.csv")
    row = next(i for i, r in enumerate(rows) if r[0] == "household_kwh_per_day")
    rows[row][2] = "kWh/yr"
    _write(folder / "city.csv", rows)
    assert _messages(folder) == [
        f"city.csv row {row + 1}, column household_kwh_per_day: expected the unit kWh/day, found unit 'kWh/yr': "
        "convert the value to kWh/day"]


def test_unit_spellings_are_accepted(folder):
    rows = _read(folder / "city.csv")
    for row in rows:
        if row[2] == "L":
            row[2] = "litres"
    _write(folder / "city.csv", rows)
    assert validate_path(folder) == []


def test_wrong_type_with_a_unit_in_the_cell(folder):
    _set_cell(folder / "facilities.csv", 3, "critical_load_kw", "120 kW")
    assert _messages(folder) == [
        "facilities.csv row 3, column critical_load_kw: value '120 kW': expected a number ≥ 0 "
        "(write the number only: the unit is given by the column or key)"]


def test_wrong_type_text_for_a_whole_number(folder):
    _set_cell(folder / "districts.csv", 2, "households", "12.5")
    _set_cell(folder / "districts.csv", 3, "population", "many")
    assert _messages(folder) == [
        "districts.csv row 2, column households: value 12.5: expected a whole number ≥ 0",
        "districts.csv row 3, column population: value 'many': expected a whole number ≥ 0"]


def test_negative_stock(folder):
    _set_cell(folder / "districts.csv", 2, "bev_count", "-3")
    assert _messages(folder) == ["districts.csv row 2, column bev_count: value -3: expected a whole number ≥ 0"]


def test_share_above_one(folder):
    _set_cell(folder / "districts.csv", 4, "home_parking_share", "45")
    assert _messages(folder) == ["districts.csv row 4, column home_parking_share: value 45: "
                                 "expected a number from 0 to 1"]


def test_unknown_district_id(folder):
    _set_cell(folder / "facilities.csv", 7, "district_id", "11199")
    assert _messages(folder) == [
        "facilities.csv row 7, column district_id: value 11199: expected one of the district ids in districts: "
        "11101, 11102, 11103, 11104, 11105, 11106, 11107, 11108, 11109, 11110"]


def test_duplicate_id(folder):
    _set_cell(folder / "facilities.csv", 4, "id", "nishi-hospitals")
    assert _messages(folder) == ["facilities.csv row 4, column id: value 'nishi-hospitals': "
                                 "expected a unique id: already used in row 2"]


def test_duplicate_district_id_also_breaks_the_geometry_match(folder):
    _set_cell(folder / "districts.csv", 3, "id", "11101")
    messages = _messages(folder)
    assert messages[0] == "districts.csv row 3, column id: value 11101: expected a unique id: already used in row 2"
    assert "districts.geojson row 2, column district_id: value 11102: expected a district id of the districts table" \
        in messages


def test_geometry_that_is_not_a_polygon(folder):
    path = folder / "districts.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][2]["geometry"] = {"type": "Point", "coordinates": [139.62, 35.91]}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _messages(folder) == ["districts.geojson row 3, column geometry: value 'Point': "
                                 "expected a Polygon or MultiPolygon for district '11103'"]


def test_geometry_ring_that_does_not_close(folder):
    path = folder / "districts.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][1]["geometry"]["coordinates"][0].pop()
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _messages(folder) == ["districts.geojson row 2, column geometry: expected valid Polygon coordinates for "
                                 "district '11102': a ring needs at least 4 points and must end where it starts"]


def test_district_without_geometry(folder):
    path = folder / "districts.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["features"][9]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _messages(folder) == ["districts.geojson, column district_id: value 11110: "
                                 "expected a geometry for district '11110': none found"]


def test_non_utf8_csv(folder):
    path = folder / "districts.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("shift_jis"))
    assert _messages(folder) == [
        "districts.csv row 2: value byte 0x90: expected UTF-8 text: the file is in another encoding "
        "(e.g. Shift_JIS or Windows-1252); save it as UTF-8 (in Excel: 'CSV UTF-8')"]


def test_empty_file(folder):
    (folder / "facilities.csv").write_bytes(b"")
    assert _messages(folder) == ["facilities.csv: expected a header row and data rows: the file is empty"]


def test_header_only_districts_file(folder):
    rows = _read(folder / "districts.csv")
    _write(folder / "districts.csv", rows[:1])
    messages = _messages(folder)
    assert messages[0] == "districts.csv: expected at least one district row"
    assert "expected one of the district ids" not in " ".join(messages)  # no cascade of facility errors


def test_missing_file(folder):
    (folder / "fleet_mix.csv").unlink()
    assert _messages(folder) == [f"fleet_mix.csv: expected a file fleet_mix.csv in the folder {folder}: it is missing"]


def test_excel_sheet_missing(workbook):
    book = openpyxl.load_workbook(workbook)
    del book["facilities"]
    book.save(workbook)
    assert _messages(workbook) == [
        "saitama.xlsx sheet facilities: expected a sheet named 'facilities' (one sheet per table: city, districts, "
        "facilities, fleet_mix, geometry); the workbook has: README, city, districts, fleet_mix, geometry, provenance"]


def test_excel_cell_problem_names_sheet_and_row(workbook):
    book = openpyxl.load_workbook(workbook)
    sheet = book["facilities"]
    column = [c.value for c in sheet[1]].index("fuel_litres") + 1
    sheet.cell(row=7, column=column, value=-5)
    book.save(workbook)
    assert _messages(workbook) == ["saitama.xlsx sheet facilities row 7, column fuel_litres: value -5: "
                                   "expected a number from 0 to 1,000,000,000"]


def test_unreadable_workbook(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a zip file")
    assert _messages(path) == ["broken.xlsx: expected an Excel workbook (.xlsx): the file cannot be opened "
                               "(File is not a zip file)"]


def test_path_not_found(tmp_path):
    missing = tmp_path / "nowhere"
    assert _messages(missing) == [f"{missing}: expected a city folder or an .xlsx workbook: no such file or folder"]


def test_other_file_types_are_refused(tmp_path):
    path = tmp_path / "city.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert _messages(path) == ["city.xls: expected a city folder of CSV files or an .xlsx workbook "
                               "(an .xls or .ods file must be saved as .xlsx first)"]


def test_fuel_above_tank(folder):
    _set_cell(folder / "facilities.csv", 2, "fuel_litres", "99999999")
    messages = _messages(folder)
    assert messages == ["facilities.csv row 2, column fuel_litres: value 99999999: expected a number ≤ tank_litres "
                        "(11351.6): fuel fits the tank"]


def test_fleet_mix_problems(folder):
    rows = _read(folder / "fleet_mix.csv")
    rows[1][0] = "nissan-leaf-4"
    rows[2][2] = "0.5"
    _write(folder / "fleet_mix.csv", rows)
    messages = _messages(folder)
    assert messages[0].startswith("fleet_mix.csv row 2, column vehicle_id: value 'nissan-leaf-4': expected a "
                                  "vehicle_id of data/vehicles/ev_models.csv (did you mean nissan-leaf-40, ")
    assert messages[1] == ("fleet_mix.csv, column share: value 1.4: "
                           "expected the BEV shares to sum to 1 (they sum to 1.4)")


def test_fleet_mix_needs_a_row_for_each_powertrain_in_stock(folder):
    rows = _read(folder / "fleet_mix.csv")
    _write(folder / "fleet_mix.csv", [r for r in rows if r[1] != "PHEV"])
    assert _messages(folder) == ["fleet_mix.csv, column powertrain: expected at least one PHEV row: "
                                 "the districts have 2,900 PHEVs"]


def test_unknown_and_repeated_city_keys(folder):
    rows = _read(folder / "city.csv")
    rows.append(["household_kwh_per_yr", "4000", "kWh/yr", ""])
    rows.append(["pv_outlet_kw", "1.5", "kW", ""])
    _write(folder / "city.csv", rows)
    messages = _messages(folder)
    assert messages[0].startswith(f"city.csv row {len(rows) - 1}, column key: value 'household_kwh_per_yr': "
                                  "expected a known key (id, name, country,")
    assert messages[1].startswith(f"city.csv row {len(rows)}, column pv_outlet_kw: expected each key once: "
                                  "already given in row")


def test_missing_required_city_key(folder):
    rows = [r for r in _read(folder / "city.csv") if r[0] != "timezone"]
    _write(folder / "city.csv", rows)
    assert _messages(folder) == ["city.csv, column timezone: expected a row with the required key 'timezone' "
                                 "(IANA time zone, e.g. Asia/Tokyo or Europe/Berlin)"]


def test_bad_time_zone_comes_from_the_record_check(folder):
    rows = _read(folder / "city.csv")
    next(r for r in rows if r[0] == "timezone")[1] = "Asia/Saitama"
    _write(folder / "city.csv", rows)
    assert _messages(folder) == ["saitama: expected city 'saitama': timezone = 'Asia/Saitama': "
                                 "must be an IANA time zone"]


def test_provenance_must_refer_to_real_columns_and_rows(folder):
    rows = _read(folder / "provenance.csv")
    rows.append(["districts", "bev_cnt", "", "sourced", "typo"])
    rows.append(["facilities", "sites", "nowhere-hospitals", "estimated", "typo"])
    rows.append(["districts", "population", "", "guessed", "typo"])
    _write(folder / "provenance.csv", rows)
    n = len(rows)
    assert _messages(folder) == [
        f"provenance.csv row {n}, column status: value 'guessed': expected one of sourced, estimated",
        f"provenance.csv row {n - 2}, column column: value 'bev_cnt': expected a column of the districts table",
        f"provenance.csv row {n - 1}, column row_id: value 'nowhere-hospitals': "
        "expected an id of a row of the facilities table (or blank)"]


def test_provenance_is_optional(folder):
    (folder / "provenance.csv").unlink()
    assert validate_path(folder) == []


def test_every_problem_is_reported_at_once(folder):
    _set_cell(folder / "facilities.csv", 7, "fuel_litres", "-5")
    _set_cell(folder / "facilities.csv", 12, "district_id", "99999")
    _set_cell(folder / "districts.csv", 5, "phev_count", "-1")
    (folder / "fleet_mix.csv").write_bytes(b"")
    messages = _messages(folder)
    assert len(messages) == 4
    assert {m.split(",")[0].split(":")[0] for m in messages} == {
        "districts.csv row 5", "facilities.csv row 7", "facilities.csv row 12", "fleet_mix.csv"}


def test_validation_never_changes_the_files(folder, workbook):
    _set_cell(folder / "facilities.csv", 7, "fuel_litres", "-5")
    for path in (folder, workbook):
        before = _snapshot(path)
        validate_path(path)
        read_city_tables(workbook)
        assert _snapshot(path) == before


def test_load_city_raises_every_problem(folder):
    _set_cell(folder / "facilities.csv", 7, "fuel_litres", "-5")
    _set_cell(folder / "districts.csv", 2, "bev_count", "-3")
    with pytest.raises(KizunaInputError) as caught:
        load_city(folder)
    assert caught.value.problems == [
        "districts.csv row 2, column bev_count: value -3: expected a whole number ≥ 0",
        "facilities.csv row 7, column fuel_litres: value -5: expected a number from 0 to 1,000,000,000"]


def test_summary_of_a_bundled_city():
    assert summary("saitama") == "saitama: 10 districts, 1,354,457 people, 656,951 households, 50 facilities — valid"
    assert summary(load_city("berlin")).startswith("berlin: 12 districts, 3,897,145 people, 2,200,000 households")


def test_main_validate_prints_the_summary_and_exits_0(folder, capsys):
    assert main_validate([str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out == "saitama: 10 districts, 1,354,457 people, 656,951 households, 50 facilities — valid\n"
    assert err == ""


def test_main_validate_prints_every_problem_and_exits_2(folder, capsys):
    _set_cell(folder / "facilities.csv", 7, "fuel_litres", "-5")
    _set_cell(folder / "districts.csv", 2, "bev_count", "-3")
    assert main_validate([str(folder)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "districts.csv row 2, column bev_count: value -3: expected a whole number ≥ 0",
        "facilities.csv row 7, column fuel_litres: value -5: expected a number from 0 to 1,000,000,000",
        f"2 problems in {folder}"]


def test_main_validate_usage(capsys):
    assert main_validate([]) == 2
    assert "usage: python -m resilience validate PATH" in capsys.readouterr().err


_NUMBER_SPEC = next(s for s in COLUMNS["facilities"] if s.name == "critical_load_kw")
_WHOLE_SPEC = next(s for s in COLUMNS["districts"] if s.name == "bev_count")
_SHARE_SPEC = next(s for s in COLUMNS["districts"] if s.name == "home_parking_share")


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_number_cell_is_accepted_exactly_when_it_is_finite_and_in_range(value):
    for raw in (value, repr(value)):
        parsed, expected = _NUMBER_SPEC.parse(raw)
        if math.isfinite(value) and 0 <= value <= MAX_POWER_KW:
            assert (parsed, expected) == (value, None)
        else:
            assert parsed is None and expected.startswith("a number from 0 to 10,000,000")


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_a_whole_number_cell_round_trips(value):
    parsed, expected = _WHOLE_SPEC.parse(str(value))
    allowed = "a whole number from 0 to 100,000,000"
    assert (parsed, expected) == ((value, None) if 0 <= value <= MAX_COUNT else (None, allowed))
    assert _WHOLE_SPEC.parse(f"{value}.5")[1] == allowed


@given(st.floats(min_value=-2, max_value=3))
def test_a_share_is_accepted_exactly_from_0_to_1(value):
    parsed, expected = _SHARE_SPEC.parse(repr(value))
    assert (expected is None) == (0 <= value <= 1)
