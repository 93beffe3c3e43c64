"""Read and check a city's data: a folder of CSV files or one Excel workbook.

The import format (documented for people in ``data/README.md``):

- a **folder** with ``city.csv`` (key, value, unit), ``districts.csv``,
  ``facilities.csv``, ``fleet_mix.csv``, ``districts.geojson`` and, optionally,
  ``provenance.csv``; or
- a **workbook** (``.xlsx``) with one sheet per table, named ``city``,
  ``districts``, ``facilities``, ``fleet_mix``, ``geometry`` and, optionally,
  ``provenance``. The ``geometry`` sheet has one row per district: its
  ``district_id`` and its GeoJSON geometry as text; a geometry longer than an
  Excel cell continues on the next rows with the same ``district_id``.

:func:`validate_path` reports every problem at once as :class:`Problem` items;
:func:`read_city_tables` returns the checked, typed tables that
:func:`build_city` turns into a :class:`resilience.records.City`. The user's
files are only ever opened for reading.

Two kinds of guard keep a user's files from hanging or exhausting the process
and keep impossible cities out of the engine (both documented in
``data/README.md``):

- **reading limits** (``MAX_FILE_BYTES``, ``MAX_TABLE_ROWS`` …): only regular
  files are opened (never a named pipe, a device or a link out of the city
  folder), each file, table, workbook part and GeoJSON has a size cap, and each
  refusal happens before the input is parsed where its size can be known first;
- **plausibility bounds** (``BOUNDS``) and cross-field rules (V2H units ≤
  households ≤ population, a facility near its district): a value the records
  accept but no real city has, such as 1e308 kW or an altitude of 10⁹ m.

At most ``MAX_PROBLEMS_LISTED`` problems are listed; the rest are counted.

The parts live in modules of their own and their public names are importable
from here: :mod:`resilience.import_format` (tables, columns and keys),
:mod:`resilience.import_problems` (problems and their text),
:mod:`resilience.import_reading` (reading limits and the folder and workbook
sources), :mod:`resilience.import_table_checks` (each table against the format)
and :mod:`resilience.import_bounds` (plausibility bounds, rules across fields).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resilience.errors import KizunaInputError
from resilience.import_bounds import (
    ALTITUDE_RANGE_M,
    BOUNDS,
    EARTH_RADIUS_KM,
    MAX_CAR_PETROL_LITRES,
    MAX_CENTRE_DISTANCE_KM,
    MAX_CITY_DIESEL_LITRES,
    MAX_DISTRICT_HOUSEHOLDS,
    MAX_DISTRICT_POPULATION,
    MAX_DISTRICT_PV_KWP,
    MAX_DISTRICT_STATIONS,
    MAX_DISTRICT_VEHICLES,
    MAX_FACILITY_DISTANCE_KM,
    MAX_FACILITY_SITES,
    MAX_FIRST_DELIVERY_H,
    MAX_PHEV_KWH_PER_LITRE,
    MAX_SITE_BATTERY_KWH,
    MAX_SITE_KW,
    MAX_SITE_TANK_LITRES,
    MAX_STATION_PETROL_LITRES,
    MAX_V2H_KW,
    MAX_VEHICLES_PER_HOUSEHOLD,
    PLAUSIBLE_FUEL_INTERCEPT_L_PER_H_PER_KW,
    PLAUSIBLE_FUEL_SLOPE_L_PER_KWH,
    Bound,
    _check_bounds,
    _check_city,
    _check_district_counts,
    _check_places,
)
from resilience.import_format import (
    CITY_KEYS,
    COLUMNS,
    GEOMETRY_CHUNK_CHARS,
    GEOMETRY_COLUMNS,
    GEOMETRY_FILE,
    GEOMETRY_TABLE,
    MIX_SUM_TOLERANCE,
    OPTIONAL_TABLES,
    POWERTRAINS,
    PROVENANCE_STATUSES,
    README_SHEET,
    ROW_ID_COLUMN,
    TABLES,
    FieldSpec,
    table_file,
)
from resilience.import_problems import (
    MAX_PROBLEM_CHARS,
    MAX_PROBLEMS_LISTED,
    MAX_SHOWN_CHARS,
    MoreProblems,
    Problem,
    _Collector,
    _one_line,
    problem_count,
)
from resilience.import_problems import _amount as _amount  # tests check data/README.md's bounds with it
from resilience.import_reading import (
    MAX_FILE_BYTES,
    MAX_GEOMETRY_POSITIONS,
    MAX_JSON_DEPTH,
    MAX_LINE_BYTES,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_PARTS,
    MAX_XLSX_UNPACKED_BYTES,
    _check_geometry,
    _has_columns,
    _RawTable,
    _source,
)
from resilience.import_table_checks import (
    _check_facilities,
    _check_fleet_mix,
    _check_provenance,
    _city_values,
    _typed_rows,
    _unique_ids,
)
from resilience.records import (
    MAX_HOME_PV_KWP,
    MAX_HOUSEHOLD_KWH_PER_DAY,
    City,
    DieselSupply,
    District,
    EVFleet,
    Facility,
    PetrolSupply,
)

__all__ = [
    # The import format (resilience.import_format)
    "TABLES", "OPTIONAL_TABLES", "GEOMETRY_TABLE", "GEOMETRY_FILE", "README_SHEET", "GEOMETRY_CHUNK_CHARS",
    "PROVENANCE_STATUSES", "POWERTRAINS", "MIX_SUM_TOLERANCE", "table_file", "FieldSpec", "CITY_KEYS", "COLUMNS",
    "GEOMETRY_COLUMNS", "ROW_ID_COLUMN",
    # Reading limits (resilience.import_reading)
    "MAX_FILE_BYTES", "MAX_TABLE_ROWS", "MAX_TABLE_COLUMNS", "MAX_LINE_BYTES", "MAX_JSON_DEPTH",
    "MAX_GEOMETRY_POSITIONS", "MAX_XLSX_PART_BYTES", "MAX_XLSX_UNPACKED_BYTES", "MAX_XLSX_PARTS",
    # Problems (resilience.import_problems)
    "MAX_PROBLEMS_LISTED", "MAX_SHOWN_CHARS", "MAX_PROBLEM_CHARS", "Problem", "MoreProblems", "problem_count",
    # Plausibility bounds (resilience.import_bounds)
    "ALTITUDE_RANGE_M", "MAX_DISTRICT_HOUSEHOLDS", "MAX_DISTRICT_POPULATION", "MAX_DISTRICT_VEHICLES",
    "MAX_DISTRICT_STATIONS", "MAX_DISTRICT_PV_KWP", "MAX_FACILITY_SITES", "MAX_SITE_KW", "MAX_SITE_BATTERY_KWH",
    "MAX_SITE_TANK_LITRES", "PLAUSIBLE_FUEL_SLOPE_L_PER_KWH", "PLAUSIBLE_FUEL_INTERCEPT_L_PER_H_PER_KW",
    "MAX_CITY_DIESEL_LITRES",
    "MAX_FIRST_DELIVERY_H", "MAX_STATION_PETROL_LITRES", "MAX_VEHICLES_PER_HOUSEHOLD", "MAX_CAR_PETROL_LITRES",
    "MAX_HOUSEHOLD_KWH_PER_DAY", "MAX_HOME_PV_KWP", "MAX_V2H_KW", "MAX_PHEV_KWH_PER_LITRE",
    "MAX_FACILITY_DISTANCE_KM", "MAX_CENTRE_DISTANCE_KM", "EARTH_RADIUS_KM", "Bound", "BOUNDS",
    # Reading a city (this module)
    "CityTables", "read_city_tables", "build_city", "validate_path", "summary", "main_validate",
]


# --------------------------------------------------------------------------------------------
# Typed tables and the checks across them
# --------------------------------------------------------------------------------------------


@dataclass
class CityTables:
    """A city's checked, typed tables: what :func:`build_city` and the exporters use.

    Attributes
    ----------
    city : dict
        ``city.csv`` key → value (every key, defaults filled in).
    districts, facilities, fleet_mix, provenance : list of dict
        One dict per row, every column of the schema (blank → default/None).
    geometry : dict
        GeoJSON FeatureCollection, one feature per district, ``district_id`` in
        its properties.
    """

    city: dict[str, Any]
    districts: list[dict[str, Any]]
    facilities: list[dict[str, Any]]
    fleet_mix: list[dict[str, Any]]
    geometry: dict[str, Any]
    provenance: list[dict[str, Any]] = field(default_factory=list)


def _check_tables(raws: dict[str, _RawTable | None], typed: dict[str, list[tuple[int, dict]]],
                  out: _Collector) -> list[str]:
    """The checks within and across the tables; returns the district ids."""
    district_ids: list[str] = []
    if "districts" in typed:
        _unique_ids(raws["districts"], typed["districts"], "id", out)
        district_ids = list(dict.fromkeys(r["id"] for _, r in typed["districts"] if r["id"] is not None))
        if not typed["districts"]:
            out.add(raws["districts"].problem(None, None, None, "at least one district row"))
        _check_bounds(raws["districts"], typed["districts"], "districts", out)
        _check_district_counts(raws["districts"], typed["districts"], out)
    if "facilities" in typed:
        _unique_ids(raws["facilities"], typed["facilities"], "id", out)
        _check_facilities(raws["facilities"], typed["facilities"], set(district_ids), out)
        _check_bounds(raws["facilities"], typed["facilities"], "facilities", out)
    if "fleet_mix" in typed:
        _unique_ids(raws["fleet_mix"], typed["fleet_mix"], "vehicle_id", out)
        _check_fleet_mix(raws["fleet_mix"], typed["fleet_mix"], typed.get("districts"), out)
    return district_ids


def _check_provenance_table(raws: dict[str, _RawTable | None], typed: dict[str, list[tuple[int, dict]]],
                            district_ids: list[str], out: _Collector) -> None:
    columns = {t: {s.name for s in COLUMNS[t]} for t in ("districts", "facilities", "fleet_mix")}
    columns["city"] = {s.name for s in CITY_KEYS}
    columns[GEOMETRY_TABLE] = {"geometry"}
    # Only tables that were read can be checked against; a missing table is reported already.
    ids = {t: {r[ROW_ID_COLUMN[t]] for _, r in typed[t]} for t in ("districts", "facilities", "fleet_mix")
           if t in typed}
    if "districts" in typed:
        ids[GEOMETRY_TABLE] = set(district_ids)
    _check_provenance(raws["provenance"], typed["provenance"], columns, ids, out)


def _read(path: Path) -> tuple[CityTables | None, City | None, list[Problem]]:
    """Read and check a city: its tables and City, or None, None and the problems (at most the first
    ``MAX_PROBLEMS_LISTED``, then a :class:`MoreProblems`)."""
    out = _Collector()
    source = _source(path, out)
    if source is None:
        return None, None, out.listed()
    raws = {table: source.table(table, out) for table in TABLES}
    typed: dict[str, list[tuple[int, dict]]] = {}
    for table in ("districts", "facilities", "fleet_mix", "provenance"):
        raw = raws[table]
        if raw is not None and _has_columns(raw, COLUMNS[table], out):
            typed[table] = _typed_rows(raw, COLUMNS[table], out, table)
    city: tuple[dict[str, Any], dict[str, int]] = ({}, {})
    if raws["city"] is not None and _has_columns(raws["city"], COLUMNS["city"], out):
        city = _city_values(raws["city"], out)
        _check_city(raws["city"], *city, out)

    district_ids = _check_tables(raws, typed, out)
    collection, geo_file, geo_sheet = source.geometry(out)
    geometry = _check_geometry(collection, geo_file, geo_sheet, district_ids, out) if collection is not None else None
    if geometry is not None:
        _check_places(raws, typed, city, geometry, out)
    if "provenance" in typed:
        _check_provenance_table(raws, typed, district_ids, out)

    if out.problems:
        return None, None, out.listed()
    tables = CityTables(
        city=city[0],
        districts=[r for _, r in typed["districts"]],
        facilities=[r for _, r in typed["facilities"]],
        fleet_mix=[r for _, r in typed["fleet_mix"]],
        geometry=geometry,
        provenance=[r for _, r in typed.get("provenance", [])],
    )
    try:
        return tables, build_city(tables), []
    except KizunaInputError as exc:
        for message in exc.problems:
            out.add(Problem(source.name, expected=message))
        return None, None, out.listed()


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def read_city_tables(path: str | Path) -> CityTables:
    """Read and check a city folder or workbook.

    Parameters
    ----------
    path : str or Path
        A folder of CSV files or an ``.xlsx`` workbook in the import format.

    Returns
    -------
    CityTables
        The typed tables.

    Raises
    ------
    KizunaInputError
        With one line per problem (every problem found, not just the first;
        beyond ``MAX_PROBLEMS_LISTED`` a last line counts the others).
    """
    tables, _, problems = _read(Path(path))
    if problems:
        raise KizunaInputError([str(p) for p in problems])
    return tables


def build_city(tables: CityTables) -> City:
    """Turn checked tables into a :class:`resilience.records.City`."""
    scalars = {k: v for k, v in tables.city.items() if "." not in k}
    nested: dict[str, dict[str, Any]] = {"diesel": {}, "petrol": {}, "fleet": {}}
    for key, value in tables.city.items():
        if "." in key:
            group, name = key.split(".", 1)
            nested[group][name] = value
    drop_none = {"rolling_group", "restoration_quantile"}

    def record(row: dict, model: type) -> dict:
        return {k: v for k, v in row.items() if k in model.model_fields and not (v is None and k in drop_none)}

    mixes = {"BEV": {}, "PHEV": {}}
    for row in tables.fleet_mix:
        mixes[row["powertrain"]][row["vehicle_id"]] = row["share"]
    fleet = {k: v for k, v in nested["fleet"].items() if v is not None}
    return City(
        **{k: v for k, v in scalars.items() if v is not None},
        districts=tuple(District(**record(r, District)) for r in tables.districts),
        facilities=tuple(Facility(**record(r, Facility)) for r in tables.facilities),
        diesel=DieselSupply(**{k: v for k, v in nested["diesel"].items() if v is not None}),
        petrol=PetrolSupply(**{k: v for k, v in nested["petrol"].items() if v is not None}),
        fleet=EVFleet(bev_mix=mixes["BEV"], phev_mix=mixes["PHEV"], **fleet),
    )


def validate_path(path: str | Path) -> list[Problem]:
    """Every problem in a city folder or workbook (an empty list when it is valid).

    Never raises for bad input and never modifies the files (they are opened
    read-only).

    Parameters
    ----------
    path : str or Path
        A folder of CSV files or an ``.xlsx`` workbook.

    Returns
    -------
    list of Problem
        In reading order: files, then columns, then rows; at most
        ``MAX_PROBLEMS_LISTED``, then a :class:`MoreProblems` that counts the
        others (see :func:`problem_count`).
    """
    return _validate(Path(path))[1]


def _validate(path: Path) -> tuple[City | None, list[Problem]]:
    """The city, or every problem (:func:`validate_path`); never raises for bad input."""
    try:
        _, city, problems = _read(path)
    except Exception as exc:  # noqa: BLE001 - the user must get a message, never a traceback
        return None, [Problem(path.name, expected=f"a readable city: reading failed ({type(exc).__name__}: {exc})")]
    return city, problems


def summary(city: City | str | Path) -> str:
    """One line about a valid city, e.g.
    ``saitama: 10 districts, 1,354,457 people, 656,951 households, 50 facilities — valid``.
    """
    if not isinstance(city, City):
        from resilience.citydata import load_city

        city = load_city(city)
    people = sum(d.population for d in city.districts)
    households = sum(d.households for d in city.districts)
    return _one_line(f"{city.id}: {len(city.districts)} districts, {people:,} people, {households:,} households, "
                     f"{len(city.facilities)} facilities — valid")


def main_validate(argv: Sequence[str] | None = None) -> int:
    """``python -m resilience validate PATH``: 0 and a summary, or 2 and every problem on stderr."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m resilience validate PATH (a city folder or .xlsx workbook)", file=sys.stderr)
        return 2
    city, problems = _validate(Path(args[0]))
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        count = problem_count(problems)
        print(f"{count:,} problem{'s' if count != 1 else ''} in {args[0]}", file=sys.stderr)
        return 2
    print(summary(city))
    return 0
