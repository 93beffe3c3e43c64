"""Reading a city's files within limits: regular files, CSV text, workbook parts and GeoJSON.

The reading limits (``MAX_FILE_BYTES``, ``MAX_TABLE_ROWS`` …, documented in
``data/README.md``) keep a user's files from hanging or exhausting the process:
only regular files are opened (never a named pipe, a device or a link out of
the city folder), each file, table, workbook part and GeoJSON has a size cap,
and each refusal happens before the input is parsed where its size can be known
first.

:func:`_source` gives the tables of a city folder or workbook as written
(:class:`_RawTable`) and its district geometry, which :func:`_check_geometry`
checks.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from resilience.import_format import (
    GEOMETRY_COLUMNS,
    GEOMETRY_FILE,
    GEOMETRY_TABLE,
    OPTIONAL_TABLES,
    TABLES,
    FieldSpec,
    _as_text,
    _is_blank,
    table_file,
)
from resilience.import_problems import Problem, _Collector, _shown

# Reading limits. Each is far above what a real city needs, and low enough that a wrong or hostile file is
# refused in well under a second on a small server instead of hanging or filling its memory.

#: Largest file read [bytes]: 50 MB. Berlin's largest file (districts.geojson) is 0.3 MB; a 100,000-row
#: facilities.csv is about 20 MB and 1,000,000 boundary points about 40 MB of GeoJSON.
MAX_FILE_BYTES = 50_000_000
#: Most data rows in one table (below its header): 100,000. Every hospital, clinic, shelter, school and
#: pumping station of Tokyo listed one by one is about 20,000 rows; a city has tens of districts.
MAX_TABLE_ROWS = 100_000
#: Most columns in one table: the widest table (facilities) has 19.
MAX_TABLE_COLUMNS = 100
#: Longest line of a CSV file [bytes]: 1 MB. A facilities row is about 200 bytes, a long source note a few kB.
MAX_LINE_BYTES = 1_000_000
#: Deepest nesting of arrays and objects in GeoJSON: a FeatureCollection of MultiPolygons nests 8 deep.
#: (Python's JSON reader fails near 1,000 levels; a wrong file is refused long before.)
MAX_JSON_DEPTH = 32
#: Most boundary points of all districts together: 1,000,000. Saitama has 1,873 and Berlin 14,622; a map
#: with more draws too slowly in a browser anyway (simplify it, e.g. with mapshaper or QGIS).
MAX_GEOMETRY_POSITIONS = 1_000_000
#: Largest unpacked part of an .xlsx workbook [bytes]: 100 MB. A sheet of 100,000 facility rows written by
#: Kizuna's exporter unpacks to about 86 MB; a "zip bomb" that unpacks to gigabytes is refused unread.
MAX_XLSX_PART_BYTES = 100_000_000
#: Largest unpacked workbook, all parts together [bytes]: 200 MB (a full facilities and provenance sheet).
MAX_XLSX_UNPACKED_BYTES = 200_000_000
#: Most parts (files) inside an .xlsx workbook: a city workbook has about 15.
MAX_XLSX_PARTS = 1_000


# --------------------------------------------------------------------------------------------
# Raw tables from a folder or a workbook
# --------------------------------------------------------------------------------------------


@dataclass
class _RawTable:
    """Cells as written: a header and (row number, {column: raw value}) rows."""

    file: str
    sheet: str | None
    header: list[str]
    header_row: int
    rows: list[tuple[int, dict[str, Any]]]

    def problem(self, row: int | None = None, column: str | None = None, value: Any = None,
                expected: str = "") -> Problem:
        shown = None if value is None else _shown(value)
        return Problem(self.file, self.sheet, row, column, shown, expected)

    def note(self, row: int | None, record: str | None, message: str) -> Problem:
        """A problem told as a sentence (a rule across columns), e.g. for ``record`` ``"district '11107'"``."""
        return Problem(self.file, self.sheet, row, record=record, message=message)


def _refuse(out: _Collector, file: str, message: str, sheet: str | None = None, row: int | None = None) -> None:
    """Add a reading refusal: the file (and sheet, row) and a sentence naming the limit."""
    out.add(Problem(file, sheet, row, message=message))


def _megabytes(size: int) -> str:
    """A size in bytes as people read it, e.g. ``'61.2 MB'`` (1 MB = 1,000,000 bytes)."""
    if size >= 1e12:
        return f"{size / 1e6:.3g} MB"
    text = f"{size / 1e6:,.1f}"
    return f"{text.removesuffix('.0')} MB"


def _width(cells: Sequence[Any]) -> int:
    """Cells up to the last non-blank one."""
    for index in range(len(cells) - 1, -1, -1):
        if not _is_blank(cells[index]):
            return index + 1
    return 0


def _rows_to_table(file: str, sheet: str | None, rows: Iterable[tuple[int, Sequence[Any]]],
                   out: _Collector) -> _RawTable | None:
    """Header detection and row shaping shared by CSV and Excel."""
    header: list[str] | None = None
    header_row = 0
    body: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows:
        width = _width(cells)
        if not width:
            continue
        if width > MAX_TABLE_COLUMNS:
            _refuse(out, file, f"{width:,} columns, but a city table may have at most {MAX_TABLE_COLUMNS}",
                    sheet, number)
            return None
        if header is None:
            header = [_as_text(c) if not _is_blank(c) else "" for c in cells[:width]]
            header_row = number
            continue
        extra = [c for c in cells[len(header):] if not _is_blank(c)]
        if extra:
            out.add(Problem(file, sheet, number, None, None,
                            f"{len(header)} values as in the header row, found {len(header) + len(extra)}"))
        padded = list(cells[: len(header)]) + [None] * max(0, len(header) - len(cells))
        body.append((number, {name: padded[i] for i, name in enumerate(header) if name}))
    if header is None:
        out.add(Problem(file, sheet, None, None, None, "a header row and data rows: the table is empty"))
        return None
    return _RawTable(file, sheet, header, header_row, body)


def _decode_csv(file: str, data: bytes, out: _Collector) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        out.add(Problem(file, None, line, None, f"byte 0x{data[exc.start]:02x}",
                        "UTF-8 text: the file is in another encoding (e.g. Shift_JIS or Windows-1252); "
                        "save it as UTF-8 (in Excel: 'CSV UTF-8')"))
        return None


def _file_kind(mode: int) -> str:
    """What a path that is not a regular file is, in a user's words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _outside(path: Path, folder: Path) -> Path | None:
    """Where ``path`` leads if it is a link out of ``folder`` (None if it is no link, or stays inside)."""
    if not path.is_symlink():
        return None
    target = Path(os.path.realpath(path))
    return None if target.is_relative_to(Path(os.path.realpath(folder))) else target


def _read_file(path: Path, shown: str, out: _Collector, folder: Path | None = None) -> bytes | None:
    """The bytes of a regular file of at most ``MAX_FILE_BYTES``, else a problem and None.

    Never blocks and never reads without end: a named pipe, a device, a socket,
    a folder, or (with ``folder``) a link to anything outside the city folder is
    refused from its metadata before it is opened, and a file is read only up to
    one byte past the cap.

    Parameters
    ----------
    path : Path
        The file.
    shown : str
        Its name in messages.
    out : _Collector
        Receives the problem.
    folder : Path, optional
        The city folder the file must stay in (links are followed only inside it).
    """

    def too_big(size: str) -> str:
        return f"{size}, but a city file may be at most {_megabytes(MAX_FILE_BYTES)} ({MAX_FILE_BYTES:,} bytes)"

    try:
        target = _outside(path, folder) if folder is not None else None
        if target is not None:
            _refuse(out, shown, f"a link to {target}, outside the city folder; copy the file into the folder")
            return None
        info = os.stat(path)  # follows a link, opens nothing
        if not stat.S_ISREG(info.st_mode):
            _refuse(out, shown, f"{_file_kind(info.st_mode)}, not a regular file; save the table as a file")
            return None
        if info.st_size > MAX_FILE_BYTES:
            _refuse(out, shown, too_big(f"{_megabytes(info.st_size)} ({info.st_size:,} bytes)"))
            return None
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(path, flags), "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode  # the path may have been swapped since os.stat
            if not stat.S_ISREG(mode):
                _refuse(out, shown, f"{_file_kind(mode)}, not a regular file; save the table as a file")
                return None
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        out.add(Problem(shown, expected=f"a readable file: {exc.strerror or exc}"))
        return None
    if len(data) > MAX_FILE_BYTES:
        _refuse(out, shown, too_big(f"more than {_megabytes(MAX_FILE_BYTES)}"))
        return None
    return data


def _rows_limit_problem(rows: int | None) -> str:
    """The sentence for a table of ``rows`` rows (its header included; None: more than can be read)."""
    found = f"{rows:,}" if rows is not None else f"more than {MAX_TABLE_ROWS + 1:,}"
    return f"{found} rows, but a city table may have at most {MAX_TABLE_ROWS:,} rows below its header"


def _read_csv(path: Path, out: _Collector, folder: Path | None = None) -> _RawTable | None:
    data = _read_file(path, path.name, out, folder)
    if data is None:
        return None
    if not data.strip():
        out.add(Problem(path.name, expected="a header row and data rows: the file is empty"))
        return None
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines > MAX_TABLE_ROWS + 1:
        _refuse(out, path.name, _rows_limit_problem(lines))
        return None
    lengths = [len(line) for line in data.split(b"\n")]
    longest = max(range(len(lengths)), key=lengths.__getitem__)
    if lengths[longest] > MAX_LINE_BYTES:
        _refuse(out, path.name, f"{_megabytes(lengths[longest])} long, but a row of a CSV file may be at most "
                                f"{_megabytes(MAX_LINE_BYTES)}", row=longest + 1)
        return None
    text = _decode_csv(path.name, data, out)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # Rows as a spreadsheet numbers them: a cell with a line break does not shift the rows below it.
        rows = list(enumerate(reader, start=1))
    except csv.Error as exc:
        out.add(Problem(path.name, None, reader.line_num, None, None, f"valid CSV: {exc}"))
        return None
    return _rows_to_table(path.name, None, rows, out)


_BRACKETS = np.frombuffer(b"[]{}", dtype=np.uint8)
#: Bytes scanned at a time by :func:`_json_shape` (keeps its memory small for a 50 MB file).
_SCAN_CHUNK_BYTES = 8_000_000


def _json_shape(data: bytes) -> tuple[int, int]:
    """Nesting depth and innermost arrays of JSON text, counted without parsing it.

    Brackets inside strings do not count. The scan takes linear time whatever
    the text (about 0.3 s for 50 MB) and a few chunks of memory.

    Parameters
    ----------
    data : bytes
        JSON text (UTF-8).

    Returns
    -------
    depth : int
        Deepest nesting of arrays and objects.
    positions : int
        Arrays with no array or object inside: in GeoJSON the coordinate
        positions (points), plus any such array among the properties.

    Examples
    --------
    >>> _json_shape(b'{"coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]], "note": "]]] [[[["}')
    (4, 4)
    """
    # Without its escape pairs (\\ and \"), a string is a quote, anything but a quote, a quote: a character is
    # inside a string when an odd number of quotes comes before it.
    bare = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    inside = depth = deepest = positions = previous = 0
    for start in range(0, len(bare), _SCAN_CHUNK_BYTES):
        codes = np.frombuffer(bare, dtype=np.uint8, count=min(_SCAN_CHUNK_BYTES, len(bare) - start), offset=start)
        quotes = np.cumsum(codes == ord('"'), dtype=np.uint8)  # wraps at 256: only its parity is used
        marks = codes[np.isin(codes, _BRACKETS) & ((quotes + inside) % 2 == 0)]
        inside = (inside + int(quotes[-1])) % 2
        if not len(marks):
            continue
        opens = (marks == ord("[")) | (marks == ord("{"))
        running = np.cumsum(opens.astype(np.int32) * 2 - 1, dtype=np.int32) + depth
        deepest, depth = max(deepest, int(running.max())), int(running[-1])
        positions += int(np.count_nonzero((marks[:-1] == ord("[")) & (marks[1:] == ord("]"))))
        positions += int(previous == ord("[") and marks[0] == ord("]"))
        previous = int(marks[-1])
    return deepest, positions


def _json_limit_problem(data: bytes, what: str, points_before: int = 0) -> tuple[str | None, int]:
    """Check JSON text against ``MAX_JSON_DEPTH`` and ``MAX_GEOMETRY_POSITIONS`` before it is parsed.

    Parameters
    ----------
    data : bytes
        The JSON text.
    what : str
        What it is, for the message (e.g. ``'the GeoJSON'``).
    points_before : int
        Boundary points of the districts read before this text.

    Returns
    -------
    (message or None, points)
        The refusal, if any, and the points in this text.
    """
    depth, points = _json_shape(data)
    if depth > MAX_JSON_DEPTH:
        return (f"{what} nests {depth:,} levels deep, but Kizuna reads GeoJSON nested at most {MAX_JSON_DEPTH} "
                "levels (district boundaries need 8)"), points
    if points_before + points > MAX_GEOMETRY_POSITIONS:
        return (f"about {points_before + points:,} boundary points, but the districts may have at most "
                f"{MAX_GEOMETRY_POSITIONS:,} together; simplify the boundaries (e.g. with mapshaper or QGIS)"), points
    return None, points


def _geojson_error(exc: ValueError | RecursionError) -> str:
    """The reason a GeoJSON text does not parse, in a user's words."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (column {exc.colno})"
    if isinstance(exc, RecursionError):
        return f"nested too deeply (Kizuna reads at most {MAX_JSON_DEPTH} levels)"
    return f"a number cannot be read ({str(exc).split(';')[0]})"


class _FolderSource:
    """Tables from a folder of CSV files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.name = folder.name

    def table(self, table: str, out: _Collector) -> _RawTable | None:
        path = self.folder / table_file(table)
        if not os.path.lexists(path):
            if table not in OPTIONAL_TABLES:
                out.add(Problem(path.name, expected=f"a file {path.name} in the folder {self.folder}: it is missing"))
            return None
        return _read_csv(path, out, self.folder)

    def geometry(self, out: _Collector) -> tuple[dict | None, str, str | None]:
        path = self.folder / GEOMETRY_FILE
        if not os.path.lexists(path):
            out.add(Problem(GEOMETRY_FILE,
                            expected=f"a file {GEOMETRY_FILE} in the folder {self.folder}: it is missing"))
            return None, GEOMETRY_FILE, None
        data = _read_file(path, GEOMETRY_FILE, out, self.folder)
        if data is None:
            return None, GEOMETRY_FILE, None
        if not data.strip():
            out.add(Problem(GEOMETRY_FILE, expected="a GeoJSON FeatureCollection: the file is empty"))
            return None, GEOMETRY_FILE, None
        text = _decode_csv(GEOMETRY_FILE, data, out)
        if text is None:
            return None, GEOMETRY_FILE, None
        refusal, _ = _json_limit_problem(data, "the GeoJSON")
        if refusal:
            _refuse(out, GEOMETRY_FILE, refusal)
            return None, GEOMETRY_FILE, None
        try:
            return json.loads(text), GEOMETRY_FILE, None
        except (ValueError, RecursionError) as exc:  # a JSONDecodeError, a number of over 4,300 digits, or (not
            # reached after the depth check above) a nesting too deep for Python
            out.add(Problem(GEOMETRY_FILE, None, getattr(exc, "lineno", None), None, None,
                            f"valid GeoJSON: {_geojson_error(exc)}"))
            return None, GEOMETRY_FILE, None


class _WorkbookSource:
    """Tables from the sheets of one .xlsx workbook.

    The workbook's parts are checked for their unpacked size before openpyxl
    reads them, and only the sheets of the tables are read, each at most
    ``MAX_TABLE_ROWS`` rows below its header.
    """

    def __init__(self, path: Path, out: _Collector):
        self.name = path.name
        self.sheet_names: list[str] = []
        self.sheets: dict[str, list[tuple[int, tuple]] | None] | None = None
        data = _read_file(path, path.name, out)
        if data is not None and self._unpacks_safely(data, out):
            self._read_sheets(data, out)

    def _cannot_open(self, out: _Collector, exc: BaseException) -> None:
        out.add(Problem(self.name, expected=f"an Excel workbook (.xlsx): the file cannot be opened ({exc})"))

    def _unpacks_safely(self, data: bytes, out: _Collector) -> bool:
        """Check the unpacked size of every part from the zip directory, before anything is unpacked."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts = archive.infolist()
        except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
            self._cannot_open(out, exc)
            return False
        if len(parts) > MAX_XLSX_PARTS:
            _refuse(out, self.name, f"{len(parts):,} parts inside, but a city workbook may have at most "
                                    f"{MAX_XLSX_PARTS:,}")
            return False
        largest = max(parts, key=lambda part: part.file_size, default=None)
        if largest is not None and largest.file_size > MAX_XLSX_PART_BYTES:
            kind = " (a sheet)" if largest.filename.startswith("xl/worksheets/") else ""
            _refuse(out, self.name, f"its part {largest.filename}{kind} unpacks to {_megabytes(largest.file_size)}, "
                                    f"but a part of a city workbook may unpack to at most "
                                    f"{_megabytes(MAX_XLSX_PART_BYTES)} ({MAX_TABLE_ROWS:,} facility rows take "
                                    "about 86 MB)")
            return False
        total = sum(part.file_size for part in parts)
        if total > MAX_XLSX_UNPACKED_BYTES:
            _refuse(out, self.name, f"unpacks to {_megabytes(total)}, but a city workbook may unpack to at most "
                                    f"{_megabytes(MAX_XLSX_UNPACKED_BYTES)}")
            return False
        return True

    def _read_sheets(self, data: bytes, out: _Collector) -> None:
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - a damaged workbook can make openpyxl raise anything
            self._cannot_open(out, exc)
            return
        try:
            self.sheet_names = list(workbook.sheetnames)
            self.sheets = {name: self._sheet_rows(workbook[name], out)
                           for name in (*TABLES, GEOMETRY_TABLE) if name in self.sheet_names}
        except Exception as exc:  # noqa: BLE001 - as above, while the rows are read
            self.sheets = None
            out.add(Problem(self.name, expected=f"an Excel workbook (.xlsx): the file cannot be read "
                                                f"({type(exc).__name__}: {exc})"))
        finally:
            workbook.close()

    def _sheet_rows(self, sheet: Any, out: _Collector) -> list[tuple[int, tuple]] | None:
        """A sheet's rows (row number, values), or None (and a problem) past ``MAX_TABLE_ROWS``."""
        declared = sheet.max_row  # from the sheet's <dimension>, read before its rows
        if isinstance(declared, int) and declared > MAX_TABLE_ROWS + 1:
            _refuse(out, self.name, _rows_limit_problem(declared), sheet.title)
            return None
        # Read the rows that are there: a wrong <dimension> neither cuts rows off nor pads every row to 16,384 cells.
        sheet.reset_dimensions()
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_TABLE_ROWS + 1:
                _refuse(out, self.name, _rows_limit_problem(None), sheet.title)
                return None
            rows.append((number, row))
        return rows

    def _sheet(self, name: str, required: bool, out: _Collector) -> list[tuple[int, tuple]] | None:
        if self.sheets is None:
            return None
        if name not in self.sheet_names:
            if required:
                present = ", ".join(self.sheet_names) or "none"
                out.add(Problem(self.name, name, None, None, None,
                                f"a sheet named '{name}' (one sheet per table: city, districts, facilities, "
                                f"fleet_mix, geometry); the workbook has: {present}"))
            return None
        return self.sheets.get(name)

    def table(self, table: str, out: _Collector) -> _RawTable | None:
        rows = self._sheet(table, table not in OPTIONAL_TABLES, out)
        if rows is None:
            return None
        return _rows_to_table(self.name, table, rows, out)

    def geometry(self, out: _Collector) -> tuple[dict | None, str, str | None]:
        rows = self._sheet(GEOMETRY_TABLE, True, out)
        if rows is None:
            return None, self.name, GEOMETRY_TABLE
        raw = _rows_to_table(self.name, GEOMETRY_TABLE, rows, out)
        if raw is None or not _has_columns(raw, GEOMETRY_COLUMNS, out):
            return None, self.name, GEOMETRY_TABLE
        pieces: dict[str, list[str]] = {}
        first_row: dict[str, int] = {}
        previous = None
        for number, cells in raw.rows:
            district = _as_text(cells["district_id"]) if not _is_blank(cells["district_id"]) else ""
            if not district:
                out.add(raw.problem(number, "district_id", None, "a district id; the cell is empty"))
                continue
            if district in pieces and district != previous:
                out.add(raw.problem(number, "district_id", district,
                                    f"a district id used once (or on consecutive rows for a long geometry): "
                                    f"already used in row {first_row[district]}"))
                continue
            pieces.setdefault(district, []).append("" if _is_blank(cells["geometry"]) else str(cells["geometry"]))
            first_row.setdefault(district, number)
            previous = district
        features = []
        points = 0
        for district, parts in pieces.items():
            text = "".join(parts).strip()
            refusal, found = _json_limit_problem(text.encode("utf-8"), f"the geometry of district '{district}'",
                                                 points)
            if refusal:
                _refuse(out, self.name, refusal, GEOMETRY_TABLE, first_row[district])
                return None, self.name, GEOMETRY_TABLE
            points += found
            try:
                geometry = json.loads(text)
            except (ValueError, RecursionError) as exc:  # as in _FolderSource.geometry
                message = exc.msg if isinstance(exc, json.JSONDecodeError) else _geojson_error(exc)
                out.add(raw.problem(first_row[district], "geometry", None,
                                    f"a GeoJSON geometry as text for district '{district}': {message}"))
                continue
            features.append({"type": "Feature", "properties": {"district_id": district}, "geometry": geometry,
                             "_row": first_row[district]})
        return {"type": "FeatureCollection", "features": features}, self.name, GEOMETRY_TABLE


def _has_columns(raw: _RawTable, specs: Sequence[FieldSpec], out: _Collector) -> bool:
    """Check the header: required columns present, no unknown or repeated names."""
    known = {s.name for s in specs}
    ok = True
    seen: set[str] = set()
    for name in raw.header:
        if not name:
            continue
        if name in seen:
            out.add(raw.problem(raw.header_row, name, None, "each column name once in the header row"))
            ok = False
        seen.add(name)
        if name not in known:
            out.add(raw.problem(raw.header_row, name, None,
                                "a known column (" + ", ".join(s.name for s in specs) + "); check the spelling"))
    for spec in specs:
        if spec.required and spec.name not in seen:
            out.add(raw.problem(None, spec.name, None,
                                f"a required column '{spec.name}' ({spec.description}); the header row has none"))
            ok = False
    return ok


def _source(path: Path, out: _Collector):
    if not path.exists():
        out.add(Problem(str(path), expected="a city folder or an .xlsx workbook: no such file or folder"))
        return None
    if path.is_dir():
        return _FolderSource(path)
    if path.suffix.lower() == ".xlsx":
        source = _WorkbookSource(path, out)
        return source if source.sheets is not None else None
    out.add(Problem(path.name, expected="a city folder of CSV files or an .xlsx workbook "
                                        "(an .xls or .ods file must be saved as .xlsx first)"))
    return None


# --------------------------------------------------------------------------------------------
# The districts' geometry, as read from a GeoJSON file or a workbook's geometry sheet
# --------------------------------------------------------------------------------------------


def _check_geometry(collection: Any, file: str, sheet: str | None, district_ids: list[str],
                    out: _Collector) -> dict | None:
    """Check the district polygons; return a clean FeatureCollection (``district_id`` only)."""

    def problem(row, column, value, expected):
        out.add(Problem(file, sheet, row, column, None if value is None else _shown(value), expected))

    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        problem(None, None, None, "a GeoJSON FeatureCollection with one feature per district")
        return None
    if len(collection["features"]) > MAX_TABLE_ROWS:
        _refuse(out, file, f"{len(collection['features']):,} features, but a city may have at most "
                           f"{MAX_TABLE_ROWS:,} districts", sheet)
        return None
    clean = []
    seen: dict[str, int] = {}
    known = set(district_ids)
    for index, feature in enumerate(collection["features"], start=1):
        row = feature.pop("_row", index) if isinstance(feature, dict) else index
        row = row if type(row) is int else index  # noqa: E721 - a file's own "_row" (any JSON) is not a row number
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            problem(row, None, None, "a GeoJSON Feature with properties")
            continue
        district = feature["properties"].get("district_id")
        if not isinstance(district, str) or not district.strip():
            problem(row, "district_id", district, "a district_id property written as text (e.g. \"01\")")
            continue
        if district in seen:
            problem(row, "district_id", district, f"one feature per district: already in row {seen[district]}")
            continue
        seen[district] = row
        if known and district not in known:
            problem(row, "district_id", district, "a district id of the districts table")
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            problem(row, "geometry", kind or "none", f"a Polygon or MultiPolygon for district '{district}'")
            continue
        error = _polygon_error(geometry)
        if error:
            problem(row, "geometry", None, f"valid {kind} coordinates for district '{district}': {error}")
            continue
        clean.append({"type": "Feature", "properties": {"district_id": district}, "geometry": geometry})
    for district in district_ids:
        if district not in seen:
            problem(None, "district_id", district, f"a geometry for district '{district}': none found")
    return {"type": "FeatureCollection", "features": clean}


def _polygon_error(geometry: dict) -> str | None:
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return "no coordinates"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return "a polygon must be a list of rings"
        for ring in polygon:
            try:
                points = np.asarray(ring, dtype=float)
            except (TypeError, ValueError):
                return "a ring must be a list of [longitude, latitude] pairs"
            if points.ndim != 2 or points.shape[1] < 2 or not np.isfinite(points).all():
                return "a ring must be a list of [longitude, latitude] pairs"
            if len(points) < 4 or not np.array_equal(points[0, :2], points[-1, :2]):
                return "a ring needs at least 4 points and must end where it starts"
            if (np.abs(points[:, 0]) > 180).any() or (np.abs(points[:, 1]) > 90).any():
                return "longitude/latitude out of range: coordinates must be WGS 84 degrees"
    return None
