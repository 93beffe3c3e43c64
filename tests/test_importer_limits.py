"""The importer's guards, one hand case each: rules across columns, plausibility bounds and reading limits.

Each case copies Saitama (``data/cities/saitama``) to a temporary folder, breaks one thing and checks the
exact message. Cases that could hang or fill the memory before the fix (a named pipe, a link to /dev/zero, a
zip bomb, a 100,001-row table) run under :func:`no_hang`, which fails the test after 10 s instead of waiting.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import signal
import socket
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from resilience import import_reading, importing
from resilience.citydata import CITIES_DIR, export_city, load_city
from resilience.cli import main as cli_main
from resilience.errors import KizunaInputError
from resilience.importing import (
    MAX_PROBLEMS_LISTED,
    MAX_TABLE_ROWS,
    MoreProblems,
    problem_count,
    validate_path,
)

#: Generous bound for one case [s]: a hang detector, not a performance check.
HANG_SECONDS = 10


class Hang(BaseException):
    """Raised by the alarm; a BaseException, so no ``except Exception`` in the importer can swallow it."""


@contextlib.contextmanager
def no_hang(seconds: int = HANG_SECONDS):
    """Fail (instead of waiting for ever) if the block takes longer than ``seconds``."""

    def alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def city(tmp_path) -> Path:
    """A copy of the bundled Saitama folder."""
    return Path(shutil.copytree(CITIES_DIR / "saitama", tmp_path / "saitama"))


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _set(folder: Path, table: str, row: int | str, **values: str) -> None:
    """Set cells: ``row`` counts the header as row 1; in ``city.csv`` it is the key and ``value`` the value."""
    path = folder / f"{table}.csv"
    rows = _rows(path)
    if table == "city":
        next(r for r in rows if r[0] == row)[1] = values["value"]
    else:
        for column, value in values.items():
            rows[row - 1][rows[0].index(column)] = value
    _write(path, rows)


def _messages(path: Path) -> list[str]:
    with no_hang():
        return [str(p) for p in validate_path(path)]


def _cli(path: Path) -> tuple[int, list[str]]:
    """``python -m resilience validate PATH`` in-process: exit status and every output line."""
    out, err = io.StringIO(), io.StringIO()
    with no_hang(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli_main(["validate", str(path)])
    return status, (out.getvalue() + err.getvalue()).splitlines()


# --------------------------------------------------------------------------------------------
# Rules across columns and plausibility bounds
# --------------------------------------------------------------------------------------------

#: (table, row or key, cells, the expected message); each is a city the records accepted before.
IMPOSSIBLE = {
    "v2h units above households": (
        "districts", 2, {"households": "3200", "v2h_units": "5000"},
        "districts.csv row 2, district '11101': v2h_units = 5,000 is more than its households (3,200); "
        "each V2H unit serves one household"),
    "households above population": (
        "districts", 4, {"households": "200000", "population": "100000"},
        "districts.csv row 4, district '11103': households = 200,000 is more than its population "
        "(100,000 people); a household has at least one person"),
    "households 1e300": (
        "districts", 2, {"households": "1e300", "population": "2e300"},
        ("districts.csv row 2, district '11101': households = 1e+300 is more than 10,000,000: more than "
         "Tokyo's 23 wards together (about 5.4 million)",
         "districts.csv row 2, district '11101': population = 2e+300 is more than 40,000,000: more than the most "
         "populous municipality on Earth")),
    "bev count 1e12": (
        "districts", 3, {"bev_count": "1000000000000"},
        "districts.csv row 3, district '11102': bev_count = 1,000,000,000,000 is more than 10,000,000: "
        "more than all the cars of Tokyo"),
    "district pv in Wp": (
        "districts", 2, {"pv_kwp": "1.2e11"},
        "districts.csv row 2, district '11101': pv_kwp = 120,000,000,000 kWp is more than 100,000,000 kWp: "
        "about Germany's whole PV fleet; check the unit (kWp, not Wp)"),
    "critical load 1e308": (
        "facilities", 2, {"critical_load_kw": "1e308"},
        "facilities.csv row 2, facility 'nishi-hospitals': critical_load_kw = 1e+308 kW over 4 sites is more "
        "than 100,000 kW per site: more than the largest hospitals and data centres draw; check the unit "
        "(kW, not W)"),
    "generator in W": (
        "facilities", 7, {"sites": "1", "generator_kw": "300000000"},
        "facilities.csv row 7, facility 'kita-hospitals': generator_kw = 300,000,000 kW is more than 100,000 kW per "
        "site: 100 MW is a power station; check the unit (kW, not W)"),
    "tank in millilitres": (
        "facilities", 2, {"tank_litres": "1e11"},
        "facilities.csv row 2, facility 'nishi-hospitals': tank_litres = 100,000,000,000 L over 4 sites is more than "
        "20,000,000 L per site: a month of a 100 MW generator at full load; check the unit (litres, not "
        "millilitres)"),
    "sites 1e9": (
        "facilities", 2, {"sites": "1000000000"},
        "facilities.csv row 2, facility 'nishi-hospitals': sites = 1,000,000,000 is more than 10,000: more "
        "sites than any city's shelters"),
    "fuel slope": (
        "facilities", 2, {"fuel_slope_l_per_kwh": "262"},
        "facilities.csv row 2, facility 'nishi-hospitals': fuel_slope_l_per_kwh = 262 L/kWh is more than 1 "
        "L/kWh: a litre of diesel holds about 10 kWh (the default is 0.262)"),
    "facility at 0, 0": (
        "facilities", 2, {"latitude": "0", "longitude": "0"},
        "facilities.csv row 2, facility 'nishi-hospitals': latitude, longitude = 0, 0 is 14,240 km outside "
        "its district '11101' (its boundary in the geometry); a facility may be at most 50 km outside its "
        "district: check for swapped latitude and longitude, a lost minus sign or a blank location (0, 0)"),
    "altitude 1e9 m": (
        "city", "altitude_m", {"value": "1e9"},
        "city.csv row 8: altitude_m = 1,000,000,000 m is outside -500 to 9,000 m: from the Dead Sea shore to "
        "above the highest town"),
    "altitude below the Dead Sea": (
        "city", "altitude_m", {"value": "-600"},
        "city.csv row 8: altitude_m = -600 m is outside -500 to 9,000 m: from the Dead Sea shore to above the "
        "highest town"),
    "city centre with its minus sign lost": (
        "city", "longitude", {"value": "-139.6547"},
        "city.csv row 6: latitude, longitude = 35.9077, -139.6547 is 7,042 km from the districts; the city "
        "centre may be at most 100 km from them: check for swapped latitude and longitude, a lost minus sign "
        "or a blank location (0, 0)"),
    "household use per year": (
        "city", "household_kwh_per_day", {"value": "4161"},
        "city.csv row 9: household_kwh_per_day = 4,161 kWh/day is more than 100 kWh/day: 3.4 times a US "
        "household's use; check the unit (kWh per day, not per year)"),
    "pv outlet above the PV system": (
        "city", "pv_outlet_kw", {"value": "6"},
        "city.csv row 12: pv_outlet_kw = 6 kW is more than home_pv_kwp_per_system (4.5 kWp); a PV system gives "
        "at most its peak power without the grid"),
    "diesel depot 1e300": (
        "city", "diesel.depot_litres", {"value": "1e300"},
        "city.csv row 14: diesel.depot_litres = 1e+300 L is more than 100,000,000 L: more than a large "
        "refinery's tank farm; check the unit"),
    "first delivery after a year": (
        "city", "diesel.first_delivery_h", {"value": "10000"},
        "city.csv row 15: diesel.first_delivery_h = 10,000 h is more than 8,760 h: a year, the longest outage "
        "Kizuna simulates"),
    "v2h unit in W": (
        "city", "fleet.v2h_kw", {"value": "6000"},
        "city.csv row 29: fleet.v2h_kw = 6,000 kW is more than 50 kW: V2H units give 6–10 kW; check the unit"),
    "PHEV beyond the energy of petrol": (
        "city", "fleet.phev_kwh_per_litre", {"value": "12"},
        "city.csv row 30: fleet.phev_kwh_per_litre = 12 kWh/L is more than 8.9 kWh/L: a litre of petrol holds "
        "about 8.9 kWh in all"),
}


@pytest.mark.parametrize("case", list(IMPOSSIBLE))
def test_an_impossible_city_is_refused_with_one_message(city, case):
    table, row, cells, expected = IMPOSSIBLE[case]
    expected = [expected] if isinstance(expected, str) else list(expected)
    _set(city, table, row, **cells)
    assert _messages(city) == expected
    with pytest.raises(KizunaInputError) as caught:
        load_city(city)
    assert caught.value.problems == expected


def test_every_plausibility_bound_is_broken_by_a_thousandfold_value(city):
    """Each bound of BOUNDS refuses 1,000 × its limit (a W-for-kW slip), naming its column."""
    for table, bounds in importing.BOUNDS.items():
        for column, bound in bounds.items():
            folder = Path(shutil.copytree(city, city.with_name(f"{table}-{column}")))
            too_much = repr(bound.high * 1000 * (10_000 if bound.per_site else 1))
            if table == "city":
                _set(folder, "city", column, value=too_much)
            else:
                _set(folder, table, 2, **{column: too_much, **({"fuel_litres": "0"} if column == "tank_litres"
                                                               else {})})
            messages = _messages(folder)
            assert any(f"{column} = " in m and ("is more than" in m or "is outside" in m) for m in messages), \
                (column, messages)


def test_values_at_the_bounds_are_accepted(city):
    _set(city, "city", "altitude_m", value="-500")
    _set(city, "districts", 2, households="95818", v2h_units="95818")  # one unit per household, as many as people
    _set(city, "districts", 3, households="50000", population="50000")
    _set(city, "facilities", 2, sites="4", critical_load_kw="400000", generator_kw="400000")  # 100 MW per site
    assert _messages(city) == []
    _set(city, "city", "altitude_m", value="9000")
    _set(city, "city", "pv_outlet_kw", value="4.5")
    assert _messages(city) == []


def test_a_value_with_a_wrong_unit_gets_only_the_unit_message(city):
    rows = _rows(city / "city.csv")
    row = next(r for r in rows if r[0] == "household_kwh_per_day")
    row[1], row[2] = "4161", "kWh/yr"
    _write(city / "city.csv", rows)
    assert _messages(city) == [
        "city.csv row 9, column household_kwh_per_day: expected the unit kWh/day, found unit 'kWh/yr': convert "
        "the value to kWh/day"]


def test_a_workbook_message_names_the_sheet(tmp_path):
    path = export_city("saitama", tmp_path / "saitama.xlsx", "xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["districts"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("v2h_units") + 1, value=100_000)
    book.save(path)
    assert _messages(path) == ["saitama.xlsx sheet districts row 2, district '11101': v2h_units = 100,000 is more "
                               "than its households (45,124); each V2H unit serves one household"]


def test_the_bundled_cities_and_the_template_pass_every_bound():
    from resilience.citydata import TEMPLATE_PATH

    for path in (CITIES_DIR / "saitama", CITIES_DIR / "berlin", TEMPLATE_PATH):
        assert _messages(path) == []


# --------------------------------------------------------------------------------------------
# Reading limits: kinds of file
# --------------------------------------------------------------------------------------------


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(city):
    (city / "districts.csv").unlink()
    os.mkfifo(city / "districts.csv")
    assert _messages(city)[0] == "districts.csv: a named pipe (FIFO), not a regular file; save the table as a file"


def test_a_named_pipe_given_as_the_workbook_is_refused(tmp_path):
    os.mkfifo(tmp_path / "city.xlsx")
    assert _messages(tmp_path / "city.xlsx") == [
        "city.xlsx: a named pipe (FIFO), not a regular file; save the table as a file"]


def test_a_link_to_dev_zero_is_refused_unread(city):
    (city / "districts.csv").unlink()
    (city / "districts.csv").symlink_to("/dev/zero")
    assert _messages(city)[0] == "districts.csv: a link to /dev/zero, outside the city folder; copy the file into " \
                                 "the folder"


def test_a_link_to_a_file_outside_the_folder_is_refused(city, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    shutil.move(city / "fleet_mix.csv", outside)
    (city / "fleet_mix.csv").symlink_to(outside)
    assert _messages(city) == [f"fleet_mix.csv: a link to {outside.resolve()}, outside the city folder; copy the "
                               "file into the folder"]


def test_a_link_inside_the_folder_is_followed(city):
    (city / "versions").mkdir()
    shutil.move(city / "fleet_mix.csv", city / "versions" / "fleet_mix-2025.csv")
    (city / "fleet_mix.csv").symlink_to(Path("versions") / "fleet_mix-2025.csv")
    assert _messages(city) == []


def test_a_link_inside_the_folder_to_a_pipe_is_refused(city):
    os.mkfifo(city / "pipe")
    (city / "provenance.csv").unlink()
    (city / "provenance.csv").symlink_to(city / "pipe")
    assert _messages(city) == ["provenance.csv: a named pipe (FIFO), not a regular file; save the table as a file"]


def test_a_folder_in_place_of_a_table_is_refused(city):
    (city / "fleet_mix.csv").unlink()
    (city / "fleet_mix.csv").mkdir()
    assert _messages(city) == ["fleet_mix.csv: a folder, not a regular file; save the table as a file"]


def test_a_socket_in_place_of_a_table_is_refused(tmp_path):
    short = Path(shutil.copytree(CITIES_DIR / "saitama", tmp_path / "s"))
    (short / "fleet_mix.csv").unlink()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(short / "fleet_mix.csv"))
    except OSError:
        pytest.skip("the temporary path is too long for a socket")
    try:
        assert _messages(short) == ["fleet_mix.csv: a socket, not a regular file; save the table as a file"]
    finally:
        server.close()


# --------------------------------------------------------------------------------------------
# Reading limits: sizes
# --------------------------------------------------------------------------------------------


def test_a_file_over_50_mb_is_refused_before_it_is_read(city):
    with (city / "provenance.csv").open("r+b") as handle:  # sparse: no disk space used
        handle.truncate(importing.MAX_FILE_BYTES + 1)
    assert _messages(city) == ["provenance.csv: 50 MB (50,000,001 bytes), but a city file may be at most 50 MB "
                               "(50,000,000 bytes)"]


def test_a_table_over_100000_rows_is_refused_before_it_is_parsed(city):
    with (city / "fleet_mix.csv").open("w", encoding="utf-8") as handle:
        handle.write("vehicle_id,powertrain,share\n" + "nissan-leaf-40,BEV,0.5\n" * (MAX_TABLE_ROWS + 1))
    start = time.perf_counter()
    assert _messages(city) == [
        "fleet_mix.csv: 100,002 rows, but a city table may have at most 100,000 rows below its header"]
    assert time.perf_counter() - start < HANG_SECONDS


def test_a_line_over_1_mb_is_refused(city):
    rows = _rows(city / "provenance.csv")
    rows[3][4] = "x" * 1_100_000
    _write(city / "provenance.csv", rows)
    assert _messages(city) == ["provenance.csv row 4: 1.1 MB long, but a row of a CSV file may be at most 1 MB"]


def test_a_table_over_100_columns_is_refused(city):
    rows = _rows(city / "districts.csv")
    rows[0] += [f"extra{i}" for i in range(200)]
    _write(city / "districts.csv", rows)
    assert _messages(city)[0] == "districts.csv row 1: 214 columns, but a city table may have at most 100"


def test_many_problems_are_listed_up_to_50_and_counted(city):
    with (city / "fleet_mix.csv").open("w", encoding="utf-8") as handle:
        handle.write("vehicle_id,powertrain,share\n" + "no-such-car,BEV,2\n" * 2_000)
    problems = validate_path(city)
    assert len(problems) == MAX_PROBLEMS_LISTED + 1
    assert isinstance(problems[-1], MoreProblems)
    total = problem_count(problems)
    assert total > 4_000  # an unknown car and a share above 1 in each row
    assert str(problems[-1]) == (f"… and {total - MAX_PROBLEMS_LISTED:,} more problems (only the first 50 are listed; "
                                 "fix these and validate again)")
    status, lines = _cli(city)
    assert status == 2
    assert len(lines) == MAX_PROBLEMS_LISTED + 2
    assert lines[-1] == f"{total:,} problems in {city}"
    with pytest.raises(KizunaInputError) as caught:
        load_city(city)
    assert len(caught.value.problems) == MAX_PROBLEMS_LISTED + 1


def test_a_problem_is_one_short_line_whatever_the_cell_holds(city):
    _set(city, "districts", 2, name_local="first line\nsecond line", households="x" * 10_000)
    _set(city, "districts", 3, id="a\nb\rc\u2028d")
    messages = _messages(city)
    assert "districts.csv row 2, column households: value '" + "x" * 79 + "…' (10,000 characters): expected a " \
           "whole number ≥ 0" in messages
    status, lines = _cli(city)
    assert status == 2 and len(lines) == len(messages) + 1
    assert all(len(line) <= importing.MAX_PROBLEM_CHARS for line in lines)
    assert any("a\\nb\\nc\\nd" in line for line in lines)


# --------------------------------------------------------------------------------------------
# GeoJSON
# --------------------------------------------------------------------------------------------


def test_deeply_nested_geojson_is_refused_before_it_is_parsed(city):
    (city / "districts.geojson").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert _messages(city) == ["districts.geojson: the GeoJSON nests 100,000 levels deep, but Kizuna reads GeoJSON "
                               "nested at most 32 levels (district boundaries need 8)"]


def test_brackets_inside_text_do_not_count_as_nesting(city):
    path = city / "districts.geojson"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"district_id":', '"note":"' + "[{" * 5_000 + '\\"","district_id":', 1),
                    encoding="utf-8")
    assert _messages(city) == []


def test_closing_brackets_inside_text_do_not_hide_nesting(city):
    (city / "districts.geojson").write_text('{"note": "' + "]" * 50 + '", "a": ' + "[" * 40 + "]" * 40 + "}",
                                            encoding="utf-8")
    assert _messages(city) == ["districts.geojson: the GeoJSON nests 41 levels deep, but Kizuna reads GeoJSON nested "
                               "at most 32 levels (district boundaries need 8)"]


def test_a_text_of_escaped_quotes_is_scanned_in_linear_time(city):
    """5 million escaped quotes in an unclosed string: a string-matching regex would take hours."""
    (city / "districts.geojson").write_bytes(b'{"note": "' + b'\\"' * 5_000_000)
    start = time.perf_counter()
    assert _messages(city) == ["districts.geojson row 1: expected valid GeoJSON: Unterminated string starting at "
                               "(column 10)"]
    assert time.perf_counter() - start < HANG_SECONDS


def test_too_many_boundary_points_are_refused_before_they_are_parsed(city, monkeypatch):
    monkeypatch.setattr(import_reading, "MAX_GEOMETRY_POSITIONS", 1_000)  # Saitama has 1,873
    assert _messages(city) == ["districts.geojson: about 1,873 boundary points, but the districts may have at most "
                               "1,000 together; simplify the boundaries (e.g. with mapshaper or QGIS)"]


def test_a_number_too_long_for_python_is_a_geojson_problem(city):
    path = city / "districts.geojson"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"district_id":', '"n":' + "1" * 5_000 + ',"district_id":', 1), encoding="utf-8")
    messages = _messages(city)
    assert messages[0].startswith("districts.geojson: expected valid GeoJSON: a number cannot be read (Exceeds the "
                                  "limit (4300 digits)")


def test_a_feature_collection_of_more_features_than_districts_allowed(city, monkeypatch):
    monkeypatch.setattr(import_reading, "MAX_TABLE_ROWS", 5)
    (city / "districts.csv").write_text((city / "districts.csv").read_text(encoding="utf-8").splitlines()[0] + "\n",
                                        encoding="utf-8")
    messages = _messages(city)
    assert "districts.geojson: 10 features, but a city may have at most 5 districts" in messages


# --------------------------------------------------------------------------------------------
# Workbooks
# --------------------------------------------------------------------------------------------


def _rewrite_workbook(source: Path, target: Path, change: dict[str, bytes | None] | None = None,
                      sheet_padding: tuple[str, int] | None = None) -> Path:
    """Copy a workbook, replacing parts (``None`` drops one) or padding one part with spaces.

    ``sheet_padding`` = (part name, megabytes): that part gets that many MB of spaces inside its
    ``<sheetData>``, written in 1 MB pieces: valid XML that deflates about 1,000 to 1.
    """
    change = change or {}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            data = change.get(info.filename, zin.read(info.filename))
            if data is None:
                continue
            if sheet_padding and info.filename == sheet_padding[0]:
                head, tail = data.split(b"<sheetData>", 1)
                with zout.open(info.filename, "w", force_zip64=True) as member:
                    member.write(head + b"<sheetData>")
                    for _ in range(sheet_padding[1]):
                        member.write(b" " * 1_000_000)
                    member.write(tail)
            else:
                zout.writestr(info.filename, data)
    return target


@pytest.fixture(scope="module")
def saitama_workbook(tmp_path_factory) -> Path:
    return export_city("saitama", tmp_path_factory.mktemp("workbook") / "saitama.xlsx", "xlsx")


def _part(workbook: Path, sheet: str) -> str:
    """The zip part of a sheet, e.g. ``'xl/worksheets/sheet4.xml'`` (the exporter writes README first)."""
    order = ["README", "city", "districts", "facilities", "fleet_mix", "geometry", "provenance"]
    return f"xl/worksheets/sheet{order.index(sheet) + 1}.xml"


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(saitama_workbook, tmp_path, monkeypatch):
    bomb = _rewrite_workbook(saitama_workbook, tmp_path / "bomb.xlsx",
                             sheet_padding=(_part(saitama_workbook, "README"), 101))
    assert bomb.stat().st_size < 500_000  # 101 MB of sheet in under 0.5 MB

    def unpacked(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open the zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", unpacked)  # refused from the zip directory alone
    assert _messages(bomb) == ["bomb.xlsx: its part xl/worksheets/sheet1.xml (a sheet) unpacks to 101 MB, but a part "
                               "of a city workbook may unpack to at most 100 MB (100,000 facility rows take about "
                               "86 MB)"]


def test_a_workbook_that_unpacks_to_too_much_in_all_is_refused(saitama_workbook, monkeypatch):
    monkeypatch.setattr(import_reading, "MAX_XLSX_UNPACKED_BYTES", 100_000)
    assert _messages(saitama_workbook)[0].startswith("saitama.xlsx: unpacks to 0.2 MB, but a city workbook may "
                                                     "unpack to at most 0.1 MB")


def test_a_workbook_of_too_many_parts_is_refused(tmp_path):
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(importing.MAX_XLSX_PARTS + 1):
            archive.writestr(f"xl/media/image{i}.png", b"")
    assert _messages(path) == ["parts.xlsx: 1,001 parts inside, but a city workbook may have at most 1,000"]


def test_a_sheet_that_says_it_has_330001_rows_is_refused_unread(saitama_workbook, tmp_path):
    part = _part(saitama_workbook, "facilities")
    with zipfile.ZipFile(saitama_workbook) as archive:
        xml = archive.read(part)
    big = _rewrite_workbook(saitama_workbook, tmp_path / "big.xlsx",
                            {part: xml.replace(b'<dimension ref="A1:S51" />', b'<dimension ref="A1:S330001" />')})
    assert _messages(big) == ["big.xlsx sheet facilities: 330,001 rows, but a city table may have at most 100,000 "
                              "rows below its header"]


def test_a_sheet_without_its_size_is_read_only_up_to_the_row_limit(saitama_workbook, tmp_path, monkeypatch):
    monkeypatch.setattr(import_reading, "MAX_TABLE_ROWS", 40)  # Saitama has 50 facility rows
    part = _part(saitama_workbook, "facilities")
    with zipfile.ZipFile(saitama_workbook) as archive:
        xml = archive.read(part)
    unsized = _rewrite_workbook(saitama_workbook, tmp_path / "unsized.xlsx",
                                {part: xml.replace(b'<dimension ref="A1:S51" />', b"")})
    assert _messages(unsized) == [
        "unsized.xlsx sheet facilities: more than 41 rows, but a city table may have at most 40 rows below its header",
        "unsized.xlsx sheet provenance: 72 rows, but a city table may have at most 40 rows below its header"]


def test_a_sheet_whose_size_is_too_small_is_read_whole(saitama_workbook, tmp_path):
    """openpyxl stops at the <dimension> a sheet states; the importer reads every row that is there."""
    part = _part(saitama_workbook, "facilities")
    with zipfile.ZipFile(saitama_workbook) as archive:
        xml = archive.read(part)
    wrong = _rewrite_workbook(saitama_workbook, tmp_path / "wrong.xlsx",
                              {part: xml.replace(b'<dimension ref="A1:S51" />', b'<dimension ref="A1:B2" />')})
    assert _messages(wrong) == []
    assert len(load_city(wrong).facilities) == 50


#: A sheet whose size (<dimension>) reads, but whose rows do not.
DAMAGED_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 b'<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is>')


def test_the_sheets_of_other_tables_are_not_read(saitama_workbook, tmp_path):
    """A README or notes sheet is ignored: even one whose rows are damaged does not stop the city."""
    part = _part(saitama_workbook, "README")
    broken = _rewrite_workbook(saitama_workbook, tmp_path / "notes.xlsx", {part: DAMAGED_SHEET})
    assert _messages(broken) == []


def test_a_damaged_sheet_is_a_problem_not_a_crash(saitama_workbook, tmp_path):
    part = _part(saitama_workbook, "districts")
    broken = _rewrite_workbook(saitama_workbook, tmp_path / "broken.xlsx", {part: DAMAGED_SHEET})
    messages = _messages(broken)
    assert len(messages) == 1
    assert messages[0].startswith("broken.xlsx: expected an Excel workbook (.xlsx): the file cannot be read "
                                  "(ParseError: ")


def test_the_readme_lists_every_bound_and_limit():
    """data/README.md §9 documents each bound and limit with the value the code uses."""
    readme = (CITIES_DIR.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 9. Limits and plausibility bounds"):readme.index("## 10.")]
    for bounds in importing.BOUNDS.values():
        for column, bound in bounds.items():
            assert f"`{column}`" in section, column
            assert importing._amount(bound.high) in section, (column, bound.high)
    for limit in (importing.MAX_TABLE_ROWS, importing.MAX_TABLE_COLUMNS, importing.MAX_JSON_DEPTH,
                  importing.MAX_GEOMETRY_POSITIONS, importing.MAX_XLSX_PARTS, importing.MAX_PROBLEMS_LISTED):
        assert f"{limit:,}" in section, limit
    for size in (importing.MAX_FILE_BYTES, importing.MAX_LINE_BYTES, importing.MAX_XLSX_PART_BYTES,
                 importing.MAX_XLSX_UNPACKED_BYTES):
        assert f"| {size // 1_000_000:,} MB |" in section, size
    for km in (importing.MAX_FACILITY_DISTANCE_KM, importing.MAX_CENTRE_DISTANCE_KM):
        assert f"**{km:g} km**" in section, km
