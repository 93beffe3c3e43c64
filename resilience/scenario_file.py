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
keeps what it shows when a load fails. Besides the record's own rules, a
file is refused when a number field holds ``true``/``false`` (JSON would
otherwise read it as 1 or 0), a non-finite number (``NaN``, ``Infinity``) or a
start outside :data:`SUPPORTED_START_YEARS`.

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
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from resilience.citydata import list_cities
from resilience.errors import KizunaInputError
from resilience.records import SUPPORTED_START_YEARS, Scenario

__all__ = [
    "FILE_LABEL",
    "KIND",
    "MIGRATIONS",
    "OPTIONAL_KEYS",
    "REQUIRED_KEYS",
    "SCHEMA_VERSION",
    "SUPPORTED_START_YEARS",
    "dumps",
    "loads",
    "read",
    "start_year_problem",
]

KIND = "kizuna-scenario"
SCHEMA_VERSION = 1
#: ``version → function`` turning a file of that version into one of the next version.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
REQUIRED_KEYS = ("kind", "schema_version", "city", "scenario")
OPTIONAL_KEYS = ("saved_with",)
FILE_LABEL = "scenario file"
#: First and last year a scenario may start in. The engine's hourly clock (pandas
#: timestamps) ends in 1677 and 2262; this range keeps a full 8,760-hour run well inside.


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
        not a Kizuna scenario file (``kind``), a missing, unreadable, newer or older
        ``schema_version``, an unknown or missing key, an unknown city, or a field of
        the scenario that is unknown or out of range (the engine's own message,
        e.g. ``scenario: duration_h = 0: must be ≥ 1``), true/false or a non-finite
        number for a number, or a start outside :data:`SUPPORTED_START_YEARS`.
    """
    document = _parse(text, label)
    version = _version(document, label)
    for old in range(version, SCHEMA_VERSION):
        document = MIGRATIONS[old](document)
    _check_keys(document, label)
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
    file = Path(path)
    label = f"{FILE_LABEL} {str(path)!r}"
    if file.is_dir():
        raise KizunaInputError(f"{label}: is a folder, not a file")
    if not file.is_file():
        raise KizunaInputError(f"{label}: no such file")
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise KizunaInputError(f"{label}: cannot be read ({exc.strerror})") from None
    return loads(content, label=label)


def start_year_problem(start: dt.datetime) -> str | None:
    """What is wrong with a scenario's start year, or None if it is in :data:`SUPPORTED_START_YEARS`."""
    first, last = SUPPORTED_START_YEARS
    if first <= start.year <= last:
        return None
    return f"must be in the years {first}–{last}"


def _scenario(fields: dict[str, Any], label: str) -> Scenario:
    problems = {name: problem for name, value in fields.items()
                if (problem := _json_number_problem(name, value)) is not None}
    scenario = None
    try:
        scenario = Scenario.from_dict({name: value for name, value in fields.items() if name not in problems})
    except KizunaInputError as error:
        messages = [f"scenario: {name} = {_shown(fields[name])}: {problem}" for name, problem in problems.items()]
        raise KizunaInputError([f"{label}: {message}" for message in messages + error.problems]) from None
    if scenario.start is not None and (problem := start_year_problem(scenario.start)) is not None:
        problems["start"] = problem
    if problems:
        raise KizunaInputError([f"{label}: scenario: {name} = {_shown(fields[name])}: {problem}"
                                for name, problem in problems.items()])
    return scenario


def _json_number_problem(name: str, value: Any) -> str | None:
    """JSON's true/false and NaN/Infinity, which the record would take as numbers."""
    field = Scenario.model_fields.get(name)
    if field is None or not _is_number_field(field.annotation):
        return None
    if isinstance(value, bool):
        return "must be a number, not true/false"
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    return None


def _is_number_field(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_number_field(arg) for arg in typing.get_args(annotation))
    return annotation in (int, float)


def _shown(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool | float) else repr(value)


def _parse(text: str | bytes, label: str) -> dict[str, Any]:
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise KizunaInputError(f"{label}: not UTF-8 text; is this a Kizuna scenario file?") from None
    if not isinstance(text, str):
        raise KizunaInputError(f"{label}: expected text, got {type(text).__name__}")
    if not text.strip():
        raise KizunaInputError(f"{label}: the file is empty")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KizunaInputError(f"{label}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(document, dict):
        raise KizunaInputError(f"{label}: expected a JSON object, got {_json_type(document)}")
    if document.get("kind") != KIND:
        found = "no 'kind'" if "kind" not in document else f"kind = {document['kind']!r}"
        raise KizunaInputError(f"{label}: {found}: not a Kizuna scenario file (kind must be '{KIND}')")
    return document


def _version(document: dict[str, Any], label: str) -> int:
    if "schema_version" not in document:
        raise KizunaInputError(f"{label}: schema_version is missing")
    version = document["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise KizunaInputError(f"{label}: schema_version = {version!r}: must be a whole number")
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
            f"{label}: unknown key '{unknown[0]}': allowed keys are {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}"
        )
    missing = [key for key in REQUIRED_KEYS if key not in document]
    if missing:
        raise KizunaInputError(f"{label}: {missing[0]} is missing")


def _city(city_id: Any, label: str) -> str:
    cities = list_cities()
    if not isinstance(city_id, str) or city_id not in cities:
        raise KizunaInputError(f"{label}: city = {city_id!r}: must be one of {', '.join(cities)}")
    return city_id


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)
