"""City data: the bundled cities, loading a user's city, exporting it and the Excel template.

A city is a folder of CSV files plus ``districts.geojson`` or one ``.xlsx``
workbook with a sheet per table (the import format of ``data/README.md``; it is
read and checked by :mod:`resilience.importing`). Bundled cities live in
``data/cities/<id>/``.

Command line::

    python -m resilience.citydata template [PATH]           # the Excel template
    python -m resilience.citydata export CITY OUT [--format csv|xlsx]
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from resilience.errors import KizunaInputError
from resilience.importing import (
    CITY_KEYS,
    COLUMNS,
    GEOMETRY_CHUNK_CHARS,
    GEOMETRY_COLUMNS,
    GEOMETRY_FILE,
    GEOMETRY_TABLE,
    README_SHEET,
    CityTables,
    FieldSpec,
    build_city,
    read_city_tables,
    table_file,
)
from resilience.records import City

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CITIES_DIR = DATA_DIR / "cities"
TEMPLATE_PATH = DATA_DIR / "templates" / "kizuna_city_template.xlsx"
PROVENANCE_COLUMNS = [spec.name for spec in COLUMNS["provenance"]]
_TABLE_ORDER = ("city", "districts", "facilities", "fleet_mix", GEOMETRY_TABLE, "provenance")


def list_cities() -> list[str]:
    """Ids of the bundled cities, sorted (e.g. ``['berlin', 'saitama']``)."""
    return sorted(p.name for p in CITIES_DIR.iterdir() if (p / "city.csv").is_file())


def bundled_city_id(city_id: Any) -> str:
    """``city_id`` if it names a bundled city, else a :class:`KizunaInputError`.

    The dashboard takes a city only by bundled id: whatever a browser sends (a
    path such as ``/etc`` or ``..``, a number, a list) is refused before anything
    on disk is looked at.
    """
    bundled = list_cities()
    if not isinstance(city_id, str) or city_id not in bundled:
        shown = city_id if isinstance(city_id, str) and len(city_id) <= 40 else type(city_id).__name__
        raise KizunaInputError(f"unknown city '{shown}': the bundled cities are {', '.join(bundled)}")
    return city_id


def load_bundled_city(city_id: Any) -> City:
    """The bundled city ``city_id`` (see :func:`bundled_city_id`); never a path."""
    return load_city(CITIES_DIR / bundled_city_id(city_id))


def city_path(city: str | Path) -> Path:
    """The folder or workbook of a city given by bundled id or by path.

    A string without a path separator and without a file suffix names a
    bundled city if there is one by that name, else an existing folder or
    file; anything else is a path.

    Raises
    ------
    KizunaInputError
        For an unknown bundled id, listing the bundled ones.
    """
    if isinstance(city, str) and "/" not in city and "\\" not in city and not Path(city).suffix:
        if (CITIES_DIR / city / "city.csv").is_file():
            return CITIES_DIR / city
        if not Path(city).exists():
            raise KizunaInputError(f"unknown city '{city}': bundled cities are {', '.join(list_cities())}")
    return Path(city).expanduser().resolve()


def _stamp(path: Path) -> tuple:
    """What identifies this version of a city on disk: file names, sizes and mtimes."""
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    return tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.is_file())


@lru_cache(maxsize=16)
def _tables_cached(path: str, stamp: tuple) -> CityTables:
    return read_city_tables(path)


def load_tables(city: str | Path) -> CityTables:
    """The checked, typed tables of a city (cached on path and file times).

    Returns a deep copy, so a caller cannot change the cache. See
    :class:`resilience.importing.CityTables`.
    """
    path = city_path(city)
    if not path.exists():
        raise KizunaInputError(f"{city}: no such city folder or workbook")
    return copy.deepcopy(_tables_cached(str(path), _stamp(path)))


@lru_cache(maxsize=16)
def _city_cached(path: str, stamp: tuple) -> City:
    return build_city(_tables_cached(path, stamp))


def load_city(city: str | Path) -> City:
    """Load and validate a city.

    Parameters
    ----------
    city : str or Path
        A bundled id (``'saitama'``, ``'berlin'``; see :func:`list_cities`) or
        the path of a city folder or ``.xlsx`` workbook.

    Returns
    -------
    resilience.records.City
        The validated city (immutable; cached on path and file times).

    Raises
    ------
    KizunaInputError
        For an unknown id, or with every problem of the data, one per line.
    """
    path = city_path(city)
    if not path.exists():
        raise KizunaInputError(f"{city}: no such city folder or workbook")
    return _city_cached(str(path), _stamp(path))


def load_districts_geojson(city: str | Path) -> dict[str, Any]:
    """The district polygons as a GeoJSON FeatureCollection.

    Each feature's properties hold ``district_id``, ``name`` and, where the
    districts table gives it, ``name_local``. Coordinates are lon/lat degrees.
    """
    tables = load_tables(city)
    names = {d["id"]: d for d in tables.districts}
    for feature in tables.geometry["features"]:
        district = names[feature["properties"]["district_id"]]
        feature["properties"]["name"] = district["name"]
        if district.get("name_local"):
            feature["properties"]["name_local"] = district["name_local"]
    return tables.geometry


def load_provenance(city: str | Path) -> pd.DataFrame:
    """Where every value comes from.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column``, ``row_id`` (None = the whole column),
        ``status`` (``sourced`` or ``estimated``) and ``source_or_method``.
        Empty for a city that has no provenance table.
    """
    return pd.DataFrame(load_tables(city).provenance, columns=PROVENANCE_COLUMNS)


# --------------------------------------------------------------------------------------------
# Export and template
# --------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A value as a spreadsheet cell: None blank, numpy scalars as Python numbers."""
    if value is None:
        return ""
    return value.item() if hasattr(value, "item") else value


def _text(value: Any) -> str:
    """A value as CSV text; floats in their shortest exact form, so they read back identical."""
    value = _cell(value)
    return repr(float(value)) if isinstance(value, float) else str(value)


def _table_rows(tables: CityTables, table: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one table in the import format."""
    if table == "city":
        header = ["key", "value", "unit", "description"]
        return header, [[s.name, _cell(tables.city.get(s.name)), s.unit, s.description] for s in CITY_KEYS]
    if table == GEOMETRY_TABLE:
        rows = []
        for feature in tables.geometry["features"]:
            text = json.dumps(feature["geometry"], separators=(",", ":"))
            for start in range(0, len(text), GEOMETRY_CHUNK_CHARS):
                rows.append([feature["properties"]["district_id"], text[start:start + GEOMETRY_CHUNK_CHARS]])
        return [s.name for s in GEOMETRY_COLUMNS], rows
    records = getattr(tables, table)
    specs = [s for s in COLUMNS[table] if s.name != "name_local" or any(r.get("name_local") for r in records)]
    return [s.name for s in specs], [[_cell(r.get(s.name)) for s in specs] for r in records]


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[_text(v) for v in row] for row in rows])


def _geojson_for_file(tables: CityTables) -> dict[str, Any]:
    names = {d["id"]: d for d in tables.districts}
    features = []
    for feature in tables.geometry["features"]:
        district = names[feature["properties"]["district_id"]]
        properties = {"district_id": district["id"], "name": district["name"]}
        if district.get("name_local"):
            properties["name_local"] = district["name_local"]
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


def _readme_rows() -> list[list[str]]:
    """The README sheet: what each table and column means."""
    rows = [
        ["Kizuna city workbook", "", "", "", ""],
        ["One sheet per table; the first row of each sheet holds the column names. Rows count the header "
         "as row 1. Numbers use a decimal point and no thousands separators. Format id cells as text "
         "(Berlin's 01 is not 1). Blank optional cells take the default. See data/README.md.", "", "", "", ""],
        ["", "", "", "", ""],
        ["table", "column or key", "unit", "required", "meaning / allowed values"],
    ]
    descriptions = {
        "city": "city parameters as key / value / unit rows",
        "districts": "one row per ward / Bezirk",
        "facilities": "one row per critical facility or named aggregate of sites",
        "fleet_mix": "which vehicle models make up the BEV and PHEV stock",
        GEOMETRY_TABLE: "one row per district: its polygon as GeoJSON text (long ones continue on the next rows)",
        "provenance": "optional: sourced or estimated, for every column (blank row_id) or one row",
    }

    def spec_row(table: str, spec: FieldSpec) -> list[str]:
        allowed = spec.expected() if spec.kind != "text" else ""
        default = "" if spec.required or spec.default is None else f" (default {spec.default:g})" \
            if isinstance(spec.default, float) else ""
        meaning = "; ".join(p for p in (spec.description, allowed) if p) + default
        return [table, spec.name, spec.unit, "yes" if spec.required else "no", meaning]

    for table in _TABLE_ORDER:
        rows.append([table, "", "", "", descriptions[table]])
        if table == "city":
            rows.append([table, "(columns)", "", "", "key, value, unit, description (free text)"])
            rows.extend(spec_row(table, spec) for spec in CITY_KEYS)
        elif table == GEOMETRY_TABLE:
            rows.extend(spec_row(table, spec) for spec in GEOMETRY_COLUMNS)
        else:
            rows.extend(spec_row(table, spec) for spec in COLUMNS[table])
    return rows


def _write_workbook(path: Path, sheets: dict[str, tuple[list[str], list[list[Any]]]]) -> None:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    readme = workbook.create_sheet(README_SHEET)
    for row in _readme_rows():
        readme.append(row)
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 14
    readme.column_dimensions["B"].width = 44
    readme.column_dimensions["E"].width = 100
    for name, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column_cells in sheet.iter_cols(min_row=2):
            for cell in column_cells:
                if isinstance(cell.value, str):
                    # Ids such as Berlin's "01" must stay text when a user edits and saves the sheet,
                    # and text that starts with "=" is text, not a formula.
                    cell.number_format = "@"
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    workbook.save(path)


def export_tables(tables: CityTables, out: Path, fmt: Literal["csv", "xlsx"] = "csv") -> Path:
    """Write typed tables in the import format (see :func:`export_city`)."""
    out = Path(out)
    tables_out = {t: _table_rows(tables, t) for t in _TABLE_ORDER}
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        for table, (header, rows) in tables_out.items():
            if table == GEOMETRY_TABLE:
                text = json.dumps(_geojson_for_file(tables), ensure_ascii=False, separators=(",", ":"))
                (out / GEOMETRY_FILE).write_text(text + "\n", encoding="utf-8")
            elif table != "provenance" or rows:
                _write_csv(out / table_file(table), header, rows)
    elif fmt == "xlsx":
        # The importer recognises a workbook by its suffix, so an export always gets one.
        out = out if out.suffix.lower() == ".xlsx" else out.with_name(out.name + ".xlsx")
        out.parent.mkdir(parents=True, exist_ok=True)
        _write_workbook(out, {t: v for t, v in tables_out.items() if t != "provenance" or v[1]})
    else:
        raise KizunaInputError(f"export format '{fmt}': must be csv or xlsx")
    return out


def export_city(city: str | Path, out: Path, fmt: Literal["csv", "xlsx"] = "csv") -> Path:
    """Write a city in the import format.

    Parameters
    ----------
    city : str or Path
        Bundled id or path of a city folder or workbook.
    out : Path
        For ``'csv'`` a folder (created if needed) that receives ``city.csv``,
        ``districts.csv``, ``facilities.csv``, ``fleet_mix.csv``,
        ``districts.geojson`` and ``provenance.csv``; for ``'xlsx'`` the
        workbook's path (sheets ``README``, ``city``, ``districts``,
        ``facilities``, ``fleet_mix``, ``geometry``, ``provenance``).
    fmt : {'csv', 'xlsx'}

    Returns
    -------
    Path
        ``out``. Loading it gives a city equal to the original.
    """
    return export_tables(load_tables(city), out, fmt)


def _example_tables() -> CityTables:
    """A one-district example city: the rows shown in the template."""
    city = {spec.name: spec.default for spec in CITY_KEYS}
    city.update({
        "id": "example-town", "name": "Example Town", "country": "JP", "timezone": "Asia/Tokyo",
        "latitude": 35.86, "longitude": 139.65, "altitude_m": 12.0, "household_kwh_per_day": 11.4,
        "load_shape": "tepco_2010", "home_pv_kwp_per_system": 4.5, "pv_outlet_kw": 1.5,
        "pv_typical_clear_sky_index": 0.6, "diesel.depot_litres": 20000.0, "petrol.stock_litres_per_station": 10000.0,
    })
    district = {spec.name: spec.default for spec in COLUMNS["districts"]}
    district.update({
        "id": "d01", "name": "Central", "name_local": "中央", "households": 50000, "population": 100000,
        "home_parking_share": 0.4, "bev_count": 200, "phev_count": 250, "v2h_units": 20, "pv_kwp": 9000.0,
        "pv_self_sustaining_share": 0.95, "filling_stations": 20, "stations_backup_share": 0.5, "rolling_group": 1,
    })
    facility = {spec.name: spec.default for spec in COLUMNS["facilities"]}
    facility.update({
        "id": "d01-hospitals", "name": "Central hospitals (3 sites)", "name_local": "中央区の病院",
        "type": "hospital", "district_id": "d01", "latitude": 35.865, "longitude": 139.655, "sites": 3,
        "critical_load_kw": 600.0, "generator_kw": 600.0, "tank_litres": 11620.8, "fuel_litres": 11620.8,
    })
    square = [[139.64, 35.85], [139.67, 35.85], [139.67, 35.88], [139.64, 35.88], [139.64, 35.85]]
    provenance = [
        {"table": "districts", "column": "population", "row_id": None, "status": "sourced",
         "source_or_method": "resident register, 1 Jan 2025, https://example.org/stats"},
        {"table": "districts", "column": "bev_count", "row_id": "d01", "status": "estimated",
         "source_or_method": "national BEV stock × the district's share of households"},
    ]
    return CityTables(
        city=city, districts=[district], facilities=[facility],
        fleet_mix=[{"vehicle_id": "nissan-leaf-40", "powertrain": "BEV", "share": 1.0},
                   {"vehicle_id": "mitsubishi-outlander-phev-2019", "powertrain": "PHEV", "share": 1.0}],
        geometry={"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"district_id": "d01"},
             "geometry": {"type": "Polygon", "coordinates": [square]}}]},
        provenance=provenance,
    )


def write_template(path: str | Path = TEMPLATE_PATH) -> Path:
    """Write the Excel template a city fills in: a README sheet and one example row per table.

    The template itself is a valid one-district city, so a user can check the
    format with ``python -m resilience validate`` before filling it in.
    """
    return export_tables(_example_tables(), Path(path), "xlsx")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m resilience.citydata template [PATH]`` or ``export CITY OUT [--format csv|xlsx]``."""
    parser = argparse.ArgumentParser(prog="python -m resilience.citydata")
    commands = parser.add_subparsers(dest="command", required=True)
    template = commands.add_parser("template", help="write the Excel template")
    template.add_argument("path", nargs="?", default=str(TEMPLATE_PATH))
    export = commands.add_parser("export", help="export a city in the import format")
    export.add_argument("city")
    export.add_argument("out")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args(argv)
    try:
        if args.command == "template":
            print(write_template(args.path))
        else:
            print(export_city(args.city, Path(args.out), args.format))
    except KizunaInputError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
