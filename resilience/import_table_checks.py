"""The checks of each table against the import format: cells, ids, keys and references.

:func:`_typed_rows` turns a table's cells into values with their
:class:`~resilience.import_format.FieldSpec`; the other checks find repeated
ids, ``city.csv`` keys and units, facilities in unknown districts, fuel beyond
the tank, fleet mixes that do not match the catalogue or sum to 1, and
provenance rows that name no column or row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from resilience.import_bounds import BOUNDS
from resilience.import_format import (
    CITY_KEYS,
    MIX_SUM_TOLERANCE,
    POWERTRAINS,
    FieldSpec,
    _as_text,
    _is_blank,
    _normal_unit,
)
from resilience.import_problems import MAX_SHOWN_CHARS, _Collector, _number_text
from resilience.import_reading import _RawTable


def _below_plausible(spec: FieldSpec, table: str) -> FieldSpec:
    """The column's type and lower bound only, where a plausibility bound checks its top (import_bounds.BOUNDS).

    The plausibility message names the unit to check ("kW, not W"); the engine's far wider limit would
    otherwise speak first, for a value a thousand times too large, without that hint.
    """
    bound = BOUNDS.get(table, {}).get(spec.name)
    if bound is None:
        return spec
    if bound.low is not None:
        return replace(spec, ge=None, gt=None, le=None, lt=None)
    return replace(spec, le=None, lt=None)


def _typed_rows(raw: _RawTable, specs: Sequence[FieldSpec], out: _Collector, table: str = "") -> list[tuple[int, dict]]:
    typed = []
    present = set(raw.header)
    specs = [_below_plausible(spec, table) for spec in specs]
    for number, cells in raw.rows:
        row: dict[str, Any] = {}
        for spec in specs:
            if spec.name not in present:
                row[spec.name] = spec.default
                continue
            value, expected = spec.parse(cells.get(spec.name))
            if expected is not None:
                out.add(raw.problem(number, spec.name, cells.get(spec.name), expected))
            row[spec.name] = value
        typed.append((number, row))
    return typed


def _unique_ids(raw: _RawTable, rows: list[tuple[int, dict]], column: str, out: _Collector) -> None:
    first: dict[str, int] = {}
    for number, row in rows:
        value = row.get(column)
        if value is None:
            continue
        if value in first:
            out.add(raw.problem(number, column, value, f"a unique {column}: already used in row {first[value]}"))
        else:
            first[value] = number


def _city_values(raw: _RawTable, out: _Collector) -> tuple[dict[str, Any], dict[str, int]]:
    """Every key's value (defaults filled in), and the row of each key given with a valid value and unit."""
    specs = {s.name: s for s in CITY_KEYS}
    values: dict[str, Any] = {}
    seen: dict[str, int] = {}
    valid: dict[str, int] = {}
    for number, cells in raw.rows:
        key = _as_text(cells.get("key")) if not _is_blank(cells.get("key")) else ""
        if not key:
            out.add(raw.problem(number, "key", None, "a key; the cell is empty"))
            continue
        spec = specs.get(key)
        if spec is None:
            out.add(raw.problem(number, "key", key, "a known key (" + ", ".join(specs) + "); check the spelling"))
            continue
        if key in seen:
            out.add(raw.problem(number, key, None, f"each key once: already given in row {seen[key]}"))
            continue
        seen[key] = number
        unit = cells.get("unit")
        unit_ok = _is_blank(unit) or _normal_unit(str(unit)) == _normal_unit(spec.unit)
        if not unit_ok:
            wanted = f"the unit {spec.unit}" if spec.unit else "no unit (leave it blank)"
            out.add(raw.problem(number, key, None,
                                f"{wanted}, found unit '{_as_text(unit)}': convert the value to {spec.unit or 'text'}"))
        value, expected = _below_plausible(spec, "city").parse(cells.get("value"))
        if expected is not None:
            suffix = f" ({spec.unit})" if spec.unit else ""
            out.add(raw.problem(number, key, cells.get("value"), expected + suffix))
        elif unit_ok:
            valid[key] = number
        values[key] = value
    for spec in CITY_KEYS:
        if spec.name not in seen:
            if spec.required:
                out.add(raw.problem(None, spec.name, None,
                                    f"a row with the required key '{spec.name}' ({spec.description})"))
            values[spec.name] = spec.default
    return values, valid


def _check_facilities(raw: _RawTable, rows: list[tuple[int, dict]], district_ids: set[str], out: _Collector) -> None:
    listed = ", ".join(sorted(district_ids)[:12]) + (", …" if len(district_ids) > 12 else "")
    for number, row in rows:
        district = row.get("district_id")
        if district is not None and district_ids and district not in district_ids:
            out.add(raw.problem(number, "district_id", district, f"one of the district ids in districts: {listed}"))
        fuel, tank = row.get("fuel_litres"), row.get("tank_litres")
        if fuel is not None and tank is not None and fuel > tank:
            out.add(raw.problem(number, "fuel_litres", fuel,
                                f"a number ≤ tank_litres ({_number_text(tank)}): fuel fits the tank"))


def _check_fleet_mix(raw: _RawTable, rows: list[tuple[int, dict]], districts: list[tuple[int, dict]] | None,
                     out: _Collector) -> None:
    from resilience.vehicles import vehicle_catalogue

    catalogue = vehicle_catalogue()
    totals = dict.fromkeys(POWERTRAINS, 0.0)
    counted = dict.fromkeys(POWERTRAINS, 0)
    for number, row in rows:
        vehicle_id, powertrain, share = row["vehicle_id"], row["powertrain"], row["share"]
        if vehicle_id is not None and vehicle_id not in catalogue.index:
            from resilience.vehicles import close_matches

            # The hint compares the id with every model: only for a problem that is listed, on a short id.
            hint = close_matches(vehicle_id) if not out.full and len(vehicle_id) <= MAX_SHOWN_CHARS else None
            out.add(raw.problem(number, "vehicle_id", vehicle_id,
                                "a vehicle_id of data/vehicles/ev_models.csv" + (f" (did you mean {hint}?)" if hint
                                                                                 else "")))
        elif vehicle_id is not None and powertrain is not None:
            actual = catalogue.loc[vehicle_id, "powertrain"]
            if actual != powertrain:
                out.add(raw.problem(number, "powertrain", powertrain, f"{actual}: the catalogue lists {vehicle_id} "
                                                                      f"as {actual}"))
        if powertrain in totals and share is not None:
            totals[powertrain] += share
            counted[powertrain] += 1
    for powertrain in POWERTRAINS:
        stock = sum((d.get(f"{powertrain.lower()}_count") or 0) for _, d in districts or [])
        if stock and not counted[powertrain]:
            out.add(raw.problem(None, "powertrain", None, f"at least one {powertrain} row: the districts have "
                                                          f"{stock:,} {powertrain}s"))
        if counted[powertrain] and abs(totals[powertrain] - 1.0) > MIX_SUM_TOLERANCE:
            total = _number_text(round(totals[powertrain], 9))
            out.add(raw.problem(None, "share", total, f"the {powertrain} shares to sum to 1 (they sum to {total})"))


def _check_provenance(raw: _RawTable, rows: list[tuple[int, dict]], columns: dict[str, set[str]],
                      ids: dict[str, set[str]], out: _Collector) -> None:
    for number, row in rows:
        table, column, row_id = row["table"], row["column"], row["row_id"]
        if table is None or column is None:
            continue
        if column not in columns.get(table, set()):
            out.add(raw.problem(number, "column", column, f"a column of the {table} table"))
        if row_id is not None and table in ids and row_id not in ids[table]:
            out.add(raw.problem(number, "row_id", row_id, f"an id of a row of the {table} table (or blank)"))
