"""Fuzzing the importer: whatever a city folder holds, reading it ends in a city or in listed problems.

Hypothesis (``derandomize=True``: the same cases on every run) breaks a copy of the bundled Saitama folder
one to three times: wrong, renamed, repeated or missing columns; cells of the wrong type; huge, negative,
infinite or NaN numbers; empty, missing, cut or binary files; repeated rows (duplicated ids); deep or odd
JSON in place of the district boundaries. Each case must

- make ``validate_path`` list problems without its catch-all "reading failed" (an unexpected exception),
- make ``load_city`` return a City exactly when there are no problems, and raise nothing but
  ``KizunaInputError`` otherwise,
- make ``python -m resilience validate`` (in-process) exit 2 with at most 52 short lines (0 and one line
  for a city that is still valid),
- finish within 10 s (a hang detector: ``signal.alarm``, not a performance check).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resilience.citydata import CITIES_DIR, load_city
from resilience.cli import main as cli_main
from resilience.errors import KizunaInputError
from resilience.importing import MAX_PROBLEM_CHARS, MAX_PROBLEMS_LISTED, validate_path

#: Generous bound for one reading of a case [s]: a hang detector, not a performance check.
HANG_SECONDS = 10
CSV_FILES = ("city.csv", "districts.csv", "facilities.csv", "fleet_mix.csv", "provenance.csv")
ALL_FILES = (*CSV_FILES, "districts.geojson")
SAITAMA = CITIES_DIR / "saitama"


class Hang(BaseException):
    """Raised by the alarm; a BaseException, so no ``except Exception`` in the importer can swallow it."""


@contextlib.contextmanager
def no_hang(seconds: int = HANG_SECONDS):
    def alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------------------------
# What a broken cell, file or boundary may hold
# --------------------------------------------------------------------------------------------

_ODD_CELLS = ["", " ", "-1", "0", "-0", "1e308", "-1e308", "1e400", "inf", "-inf", "nan", "NaN", "1e-320",
              "99999999999999999999999", "1" * 5_000, "0x10", "1,5", "１２", "٣", "1_000", "+5", "5.", ".5", "1e9",
              "TRUE", "None", "null", "'", '"', ",", "\n", "a\nb", "\x00", "\ufeff", "x" * 300, "120 kW", "=1+1",
              "11101", "nishi-hospitals", "nissan-leaf-40", "BEV", "PHEV", "hospital", "sourced", "Asia/Tokyo"]
CELLS = st.one_of(
    st.sampled_from(_ODD_CELLS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.text(max_size=20),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _deep(depth: int, kind: str) -> str:
    return "[" * depth + "]" * depth if kind == "array" else '{"a":' * depth + "1" + "}" * depth


@st.composite
def mutations(draw) -> tuple:
    """One way to break the folder, as plain data (shown by Hypothesis when a case fails)."""
    kind = draw(st.sampled_from(["cell", "cell", "cell", "city", "column", "row", "file", "geometry"]))
    if kind == "cell":
        return ("cell", draw(st.sampled_from(CSV_FILES)), draw(st.integers(0, 80)), draw(st.integers(0, 20)),
                draw(CELLS))
    if kind == "city":
        return ("city", draw(st.integers(1, 40)), draw(CELLS))
    if kind == "column":
        return ("column", draw(st.sampled_from(CSV_FILES)), draw(st.integers(0, 20)),
                draw(st.sampled_from(["drop", "rename", "repeat", "blank"])), draw(CELLS))
    if kind == "row":
        return ("row", draw(st.sampled_from(CSV_FILES)), draw(st.integers(0, 80)),
                draw(st.sampled_from(["repeat", "drop", "shorten", "lengthen"])), draw(st.integers(1, 300)))
    if kind == "file":
        return ("file", draw(st.sampled_from(ALL_FILES)), draw(st.sampled_from(["empty", "delete", "cut", "binary"])),
                draw(st.integers(0, 10_000)))
    how = draw(st.sampled_from(["deep-array", "deep-object", "json", "coordinates", "properties"]))
    depth = draw(st.sampled_from([9, 33, 1_000, 100_000]))
    return ("geometry", how, depth, json.dumps(draw(JSON_VALUES)))


# --------------------------------------------------------------------------------------------
# Applying a mutation
# --------------------------------------------------------------------------------------------


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _table(folder: Path, name: str) -> list[list[str]] | None:
    path = folder / name
    if not path.is_file():
        return None
    try:
        return _rows(path)
    except (UnicodeDecodeError, csv.Error):  # already broken by an earlier mutation
        return None


def _change_cell(rows: list[list[str]], row: int, column: int, value: str) -> None:
    target = rows[row % len(rows)]
    if target:
        target[column % len(target)] = value


def _change_column(rows: list[list[str]], column: int, how: str, value: str) -> None:
    index = column % max(1, len(rows[0]))
    if how == "rename":
        if rows[0]:
            rows[0][index] = value
        return
    for row in rows:
        if index >= len(row):
            continue
        if how == "drop":
            del row[index]
        elif how == "repeat":
            row.insert(index, row[index])
        else:
            row[index] = ""


def _change_row(rows: list[list[str]], row: int, how: str, count: int) -> None:
    index = row % len(rows)
    if how == "repeat":  # duplicated ids
        rows[index + 1:index + 1] = [list(rows[index])] * count
    elif how == "drop":
        del rows[index]
    elif how == "shorten":
        rows[index] = rows[index][: count % (len(rows[index]) + 1)]
    else:
        rows[index] = rows[index] + ["x"] * (count % 30)


_ROW_CHANGES = {"cell": _change_cell, "column": _change_column, "row": _change_row}


def _mutate_file(folder: Path, name: str, how: str, size: int) -> None:
    path = folder / name
    if how == "delete":
        path.unlink(missing_ok=True)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "cut" and path.exists():
        data = path.read_bytes()
        path.write_bytes(data[: size % (len(data) + 1)])
    elif how == "binary":
        path.write_bytes(bytes(range(256)) * (size // 256 + 1))


def _mutate_geometry(folder: Path, how: str, depth: int, value: str) -> None:
    path = folder / "districts.geojson"
    if how in ("deep-array", "deep-object"):
        path.write_text(_deep(depth, how.split("-")[1]), encoding="utf-8")
        return
    if how == "json":
        path.write_text(value, encoding="utf-8")
        return
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
        feature = collection["features"][depth % len(collection["features"])]
    except (ValueError, KeyError, TypeError, ZeroDivisionError, OSError):
        return  # already broken
    if how == "coordinates":
        feature["geometry"]["coordinates"] = json.loads(value)
    else:
        feature["properties"] = json.loads(value)
    path.write_text(json.dumps(collection), encoding="utf-8")


def apply(folder: Path, mutation: tuple) -> None:
    """Break ``folder`` as ``mutation`` says."""
    kind = mutation[0]
    if kind == "file":
        _mutate_file(folder, *mutation[1:])
    elif kind == "geometry":
        _mutate_geometry(folder, *mutation[1:])
    elif kind == "city":
        rows = _table(folder, "city.csv")
        if rows and len(rows) > 1:
            rows[mutation[1] % (len(rows) - 1) + 1][1:2] = [mutation[2]]
            _write(folder / "city.csv", rows)
    else:
        rows = _table(folder, mutation[1])
        if rows:
            _ROW_CHANGES[kind](rows, *mutation[2:])
            _write(folder / mutation[1], rows)


# --------------------------------------------------------------------------------------------
# The property
# --------------------------------------------------------------------------------------------


def _cli(path: Path) -> tuple[int, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    with no_hang(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli_main(["validate", str(path)])
    return status, (out.getvalue() + err.getvalue()).splitlines()


def check_city_folder(folder: Path) -> None:
    """The property every folder must have (see the module docstring)."""
    with no_hang():
        problems = [str(p) for p in validate_path(folder)]
    assert not [p for p in problems if "reading failed" in p], problems  # an unexpected exception inside
    with no_hang():
        try:
            load_city(folder)
            loaded = True
        except KizunaInputError as exc:
            loaded = False
            assert 1 <= len(exc.problems) <= MAX_PROBLEMS_LISTED + 1
    assert loaded == (not problems), problems
    status, lines = _cli(folder)
    assert status == (2 if problems else 0), lines
    assert 1 <= len(lines) <= MAX_PROBLEMS_LISTED + 2
    assert all(len(line) <= MAX_PROBLEM_CHARS for line in lines)


def _broken_copy_checked(changes: list[tuple]) -> None:
    with tempfile.TemporaryDirectory(prefix="kizuna-fuzz-") as scratch:
        folder = Path(shutil.copytree(SAITAMA, Path(scratch) / "saitama"))
        for change in changes:
            apply(folder, change)
        check_city_folder(folder)


_FUZZ = {"derandomize": True, "database": None, "deadline": None,
         "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
CHANGES = st.lists(mutations(), min_size=1, max_size=3)


@settings(max_examples=30, **_FUZZ)
@given(CHANGES)
def test_a_broken_city_folder_ends_in_a_city_or_in_listed_problems(changes):
    """30 cases (about 2 s) in the fast tier."""
    _broken_copy_checked(changes)


@pytest.mark.slow
@settings(max_examples=200, **_FUZZ)
@given(CHANGES)
def test_200_broken_city_folders_end_in_a_city_or_in_listed_problems(changes):
    """200 cases, about 10 s on a loaded 2-core machine."""
    _broken_copy_checked(changes)


def test_the_unbroken_city_passes_the_same_property(tmp_path):
    check_city_folder(Path(shutil.copytree(SAITAMA, tmp_path / "saitama")))
