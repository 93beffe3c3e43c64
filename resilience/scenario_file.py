"""The saved scenario file: a small JSON document that names its kind and schema version.

A file looks like::

    {
      "kind": "kizuna-scenario",
      "schema_version": 1,
      "city": "saitama",
      "scenario": {"preset": "tohoku-2011", "duration_h": 168, ...},
      "saved_with": "Kizuna 0.1.0"
    }

``scenario`` holds every field of :class:`resilience.records.Scenario`
(``Scenario.to_dict()``), so a file says exactly what was on screen even if a
later Kizuna changes a default. This module is the one place that writes
(:func:`dumps`) and reads (:func:`loads`, :func:`read`) the format; the
dashboard's "Save scenario" / "Load scenario" (``reports.scenario_files``) and
``python -m resilience simulate --scenario-file`` both go through it.

Reading never changes anything: it returns the city id and a new
:class:`~resilience.records.Scenario` or raises
:class:`~resilience.errors.KizunaInputError` naming what is wrong, so a caller
keeps what it shows when a load fails. The record's own rules apply
(:class:`~resilience.records.Record`: a JSON number for a number, never
``true``/``false``, ``"5"``, ``NaN`` or ``Infinity``; text for text; every
value within its limit, docs/model.md "Input limits"); besides them a file is
refused before it is decoded when it is larger than :data:`MAX_FILE_BYTES`, when
it nests deeper than Python's JSON reader goes or holds a number too long for
Python's int parser, and when its ``saved_with`` is not short text.

Versions
--------
1
    The first version (Kizuna 0.1). A file of a newer version is refused (this
    Kizuna cannot know what its new fields mean); an older version would be
    migrated by :data:`MIGRATIONS`, which is empty because no older version
    exists, so any version below 1 is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resilience.citydata import list_cities
from resilience.errors import KizunaInputError, Problem
from resilience.records import SUPPORTED_START_YEARS, Scenario, shown

__all__ = [
    "FILE_LABEL",
    "KIND",
    "MAX_FILE_BYTES",
    "MAX_SAVED_WITH_CHARS",
    "MIGRATIONS",
    "OPTIONAL_KEYS",
    "REQUIRED_KEYS",
    "SCHEMA_VERSION",
    "SUPPORTED_START_YEARS",
    "JsonLimit",
    "dumps",
    "loads",
    "parse_json",
    "read",
    "read_json_file",
    "start_year_problem",
]

KIND = "kizuna-scenario"
SCHEMA_VERSION = 1
#: ``version → function`` turning a file of that version into one of the next version.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
REQUIRED_KEYS = ("kind", "schema_version", "city", "scenario")
OPTIONAL_KEYS = ("saved_with",)
FILE_LABEL = "scenario file"
#: Largest scenario file read [bytes]: a saved scenario is about 1 kB, so 1 MB leaves room for any
#: hand-edited file and refuses a wrong upload before it is decoded.
MAX_FILE_BYTES = 1_000_000
#: Longest ``saved_with`` [characters], e.g. "Kizuna 0.1.0".
MAX_SAVED_WITH_CHARS = 200


@dataclass(frozen=True)
class JsonLimit:
    """How large a JSON input may be, and how its messages say so.

    Attributes
    ----------
    max_bytes : int
        Largest content read [bytes]; a larger one is refused before it is decoded.
    what : str
        The kind of input, e.g. ``"a scenario file"``.
    typical : str
        What such an input usually weighs, e.g. ``"a saved scenario is about 1 kB"``.
    not_utf8 : str
        What to do about content that is not UTF-8.
    """

    max_bytes: int
    what: str
    typical: str
    not_utf8: str = "save it as UTF-8"


SCENARIO_FILE_LIMIT = JsonLimit(MAX_FILE_BYTES, "a scenario file", "a saved scenario is about 1 kB",
                                "is this a Kizuna scenario file?")


def dumps(city_id: str, scenario: Scenario, *, saved_with: str | None = None) -> str:
    """The scenario file of a city and scenario, as JSON text.

    Parameters
    ----------
    city_id : str
        A bundled city id (see :func:`resilience.citydata.list_cities`).
    scenario : resilience.records.Scenario
    saved_with : str, optional
        What wrote the file, e.g. ``"Kizuna 0.1.0"`` (left out when None).

    Returns
    -------
    str
        Indented UTF-8 JSON (non-ASCII characters kept as written), ending with a newline.
    """
    if not isinstance(scenario, Scenario):
        raise KizunaInputError(f"{FILE_LABEL}: scenario must be a Scenario record, got {type(scenario).__name__}")
    document = {"kind": KIND, "schema_version": SCHEMA_VERSION, "city": city_id, "scenario": scenario.to_dict()}
    if saved_with is not None:
        document["saved_with"] = saved_with
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def loads(text: str | bytes, *, label: str = FILE_LABEL) -> tuple[str, Scenario]:
    """Read a scenario file's content.

    Parameters
    ----------
    text : str or bytes
        The file's content (bytes are decoded as UTF-8, e.g. from an upload).
    label : str, default "scenario file"
        How messages name the file, e.g. ``"scenario file my.kizuna.json"``.

    Returns
    -------
    city_id : str
    scenario : resilience.records.Scenario

    Raises
    ------
    KizunaInputError
        With a message that names the problem: not UTF-8, not JSON, not an object,
        larger than :data:`MAX_FILE_BYTES`, nested too deeply or with a number too long
        to read, not a Kizuna scenario file (``kind``), a missing, unreadable, newer or
        older ``schema_version``, an unknown or missing key, an unknown city, a
        ``saved_with`` that is not short text, or a field of the scenario that is
        unknown, of the wrong type or out of range (the engine's own message, e.g.
        ``scenario: duration_h = 0: must be ≥ 1``, ``scenario: duration_h = true: must
        be a number, not true/false``), or a start outside :data:`SUPPORTED_START_YEARS`.
    """
    document = _parse(text, label)
    version = _version(document, label)
    for old in range(version, SCHEMA_VERSION):
        document = MIGRATIONS[old](document)
    _check_keys(document, label)
    if "saved_with" in document:
        _check_saved_with(document["saved_with"], label)
    city_id = _city(document["city"], label)
    fields = document["scenario"]
    if not isinstance(fields, dict):
        raise KizunaInputError(f"{label}: scenario must be an object of scenario fields, got {_json_type(fields)}")
    return city_id, _scenario(fields, label)


def read(path: str | Path) -> tuple[str, Scenario]:
    """Read a scenario file from disk: :func:`loads` of its bytes, naming the file in every message.

    Raises
    ------
    KizunaInputError
        If there is no such file, it cannot be read, or :func:`loads` refuses it.
    """
    label = f"{FILE_LABEL} {str(path)!r}"
    return loads(_read_bytes(Path(path), label, SCENARIO_FILE_LIMIT), label=label)


def read_json_file(path: str | Path, label: str, limit: JsonLimit) -> Any:
    """The JSON value in a file, read only up to ``limit.max_bytes`` (:func:`parse_json` of its bytes).

    Raises
    ------
    KizunaInputError
        If there is no such file, it cannot be read or :func:`parse_json` refuses it.
    """
    return parse_json(_read_bytes(Path(path), label, limit), label, limit)


def _read_bytes(file: Path, label: str, limit: JsonLimit) -> bytes:
    """A file's bytes, at most ``limit.max_bytes + 1`` of them: a huge file (or /dev/zero) is never read whole."""
    try:
        if file.is_dir():
            raise KizunaInputError(f"{label}: is a folder, not a file")
        if not file.is_file():
            raise KizunaInputError(f"{label}: no such file")
        with file.open("rb") as handle:
            content = handle.read(limit.max_bytes + 1)
            size = max(len(content), file.stat().st_size)
    except OSError as exc:
        raise KizunaInputError(f"{label}: cannot be read ({exc.strerror})") from None
    if size > limit.max_bytes:
        raise KizunaInputError(_too_large(label, size, limit))
    return content


def _too_large(label: str, size: int, limit: JsonLimit) -> str:
    return (f"{label}: {size / 1e6:.1f} MB is too large for {limit.what} "
            f"(at most {limit.max_bytes / 1e6:g} MB; {limit.typical})")


class _NumberTooLong(ValueError):
    """A JSON integer beyond Python's int parser (``sys.get_int_max_str_digits()`` digits)."""


def _json_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > sys.get_int_max_str_digits() > 0:
        raise _NumberTooLong(f"a number with {digits} digits (at most {sys.get_int_max_str_digits()})")
    return int(text)


def parse_json(content: str | bytes, label: str, limit: JsonLimit) -> Any:
    """One JSON value from text or UTF-8 bytes, refused with one sentence when it cannot be read.

    The size is checked before anything is decoded; JSON's ``NaN``, ``Infinity`` and a number
    beyond a float (``1e400``) read as floats that the records then refuse by name.

    Parameters
    ----------
    content : str or bytes
        The text, or its UTF-8 bytes (a byte-order mark is skipped).
    label : str
        How messages name the input, e.g. ``"scenario file"``.
    limit : JsonLimit
        Largest size and the words of the messages.

    Raises
    ------
    KizunaInputError
        Larger than ``limit.max_bytes``, not UTF-8, empty, not JSON, nested deeper than
        Python's JSON reader goes or holding an integer too long for Python to read.
    """
    if not isinstance(content, str | bytes | bytearray):
        raise KizunaInputError(f"{label}: expected text, got {type(content).__name__}")
    if len(content) > limit.max_bytes:
        raise KizunaInputError(_too_large(label, len(content), limit))
    if isinstance(content, bytes | bytearray):
        try:
            content = bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise KizunaInputError(f"{label}: not UTF-8 text; {limit.not_utf8}") from None
    if not content.strip():
        raise KizunaInputError(f"{label}: the file is empty")
    try:
        return json.loads(content, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise KizunaInputError(f"{label}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise KizunaInputError(
            f"{label}: not valid JSON: nested more than {sys.getrecursionlimit():,} levels deep") from None
    except _NumberTooLong as exc:
        raise KizunaInputError(f"{label}: not valid JSON: {exc}") from None


def start_year_problem(start: dt.datetime) -> str | None:
    """What is wrong with a scenario's start year, or None if it is in :data:`SUPPORTED_START_YEARS`."""
    first, last = SUPPORTED_START_YEARS
    if first <= start.year <= last:
        return None
    return f"must be in the years {first}–{last}"


def _scenario(fields: dict[str, Any], label: str) -> Scenario:
    try:
        return Scenario.from_dict(fields)
    except KizunaInputError as error:
        if len(error.details) != len(error.problems):
            raise KizunaInputError([f"{label}: {problem}" for problem in error.problems]) from None
        raise KizunaInputError([f"{label}: {_as_in_the_file(problem)}" for problem in error.details]) from None


def _as_in_the_file(problem: Problem) -> str:
    """A record's message with true/false, null, NaN and Infinity written as the file writes them."""
    value = problem.value
    json_word = isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value))
    if problem.field is None or not json_word:
        return problem.message
    return f"{problem.record}: {problem.field} = {_shown(value)}: {problem.rule}"


def _check_saved_with(saved_with: Any, label: str) -> None:
    if not isinstance(saved_with, str) or len(saved_with) > MAX_SAVED_WITH_CHARS:
        raise KizunaInputError(
            f"{label}: saved_with = {_shown(saved_with)}: must be text of at most {MAX_SAVED_WITH_CHARS} "
            f"characters, e.g. 'Kizuna 0.1.0'"
        )


def _shown(value: Any) -> str:
    """A value as the file writes it: true/false, null, NaN and Infinity in JSON's words, else its short repr."""
    if value is None or isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
        return json.dumps(value)
    return shown(value)


def _parse(text: str | bytes, label: str) -> dict[str, Any]:
    document = parse_json(text, label, SCENARIO_FILE_LIMIT)
    if not isinstance(document, dict):
        raise KizunaInputError(f"{label}: expected a JSON object, got {_json_type(document)}")
    if document.get("kind") != KIND:
        found = "no 'kind'" if "kind" not in document else f"kind = {shown(document['kind'])}"
        raise KizunaInputError(f"{label}: {found}: not a Kizuna scenario file (kind must be '{KIND}')")
    return document


def _version(document: dict[str, Any], label: str) -> int:
    if "schema_version" not in document:
        raise KizunaInputError(f"{label}: schema_version is missing")
    version = document["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise KizunaInputError(f"{label}: schema_version = {_shown(version)}: must be a whole number")
    if version > SCHEMA_VERSION:
        raise KizunaInputError(
            f"{label} version {version} is newer than this Kizuna reads ({SCHEMA_VERSION}): "
            f"open it with a newer Kizuna"
        )
    if version < SCHEMA_VERSION and version not in MIGRATIONS:
        raise KizunaInputError(
            f"{label} version {version} is older than this Kizuna reads ({SCHEMA_VERSION}) "
            f"and cannot be converted: set the scenario up again and save it"
        )
    return version


def _check_keys(document: dict[str, Any], label: str) -> None:
    unknown = sorted(set(document) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise KizunaInputError(
            f"{label}: unknown key {shown(unknown[0])}: allowed keys are {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}"
        )
    missing = [key for key in REQUIRED_KEYS if key not in document]
    if missing:
        raise KizunaInputError(f"{label}: {missing[0]} is missing")


def _city(city_id: Any, label: str) -> str:
    cities = list_cities()
    if not isinstance(city_id, str) or city_id not in cities:
        raise KizunaInputError(f"{label}: city = {shown(city_id)}: must be one of {', '.join(cities)}")
    return city_id


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)
