"""Save and load a scenario as a small JSON file that names its kind and schema version.

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
later Kizuna changes a default. :func:`load` never changes anything: it returns
the city id and a new :class:`~resilience.records.Scenario` or raises
:class:`~resilience.errors.KizunaInputError` with one message naming what is
wrong, so a caller keeps what it shows when a load fails.

Versions
--------
1
    The first version (Kizuna 0.1). A file of a newer version is refused (this
    Kizuna cannot know what its new fields mean); an older version would be
    migrated by :data:`MIGRATIONS`, which is empty because no older version
    exists, so any version below 1 is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from reports.version import kizuna_version
from resilience.citydata import list_cities
from resilience.errors import KizunaInputError
from resilience.records import Scenario

KIND = "kizuna-scenario"
SCHEMA_VERSION = 1
#: ``version → function`` turning a file of that version into one of the next version.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
REQUIRED_KEYS = ("kind", "schema_version", "city", "scenario")
OPTIONAL_KEYS = ("saved_with",)
FILE_LABEL = "scenario file"
SUGGESTED_SUFFIX = ".kizuna.json"


def dump(city_id: str, scenario: Scenario) -> str:
    """The scenario file of a city and scenario, as JSON text.

    Parameters
    ----------
    city_id : str
        A bundled city id (see :func:`resilience.citydata.list_cities`).
    scenario : resilience.records.Scenario

    Returns
    -------
    str
        Indented UTF-8 JSON (non-ASCII characters kept as written), ending with a newline.
    """
    if not isinstance(scenario, Scenario):
        raise KizunaInputError(f"{FILE_LABEL}: scenario must be a Scenario record, got {type(scenario).__name__}")
    document = {
        "kind": KIND,
        "schema_version": SCHEMA_VERSION,
        "city": city_id,
        "scenario": scenario.to_dict(),
        "saved_with": f"Kizuna {kizuna_version()}",
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def load(text: str | bytes) -> tuple[str, Scenario]:
    """Read a scenario file.

    Parameters
    ----------
    text : str or bytes
        The file's content (bytes are decoded as UTF-8, e.g. from an upload).

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
        e.g. ``scenario: duration_h = 0: must be ≥ 1``).
    """
    document = _parse(text)
    version = _version(document)
    for old in range(version, SCHEMA_VERSION):
        document = MIGRATIONS[old](document)
    _check_keys(document)
    city_id = _city(document["city"])
    fields = document["scenario"]
    if not isinstance(fields, dict):
        raise KizunaInputError(f"{FILE_LABEL}: scenario must be an object of scenario fields, "
                               f"got {_json_type(fields)}")
    try:
        scenario = Scenario.from_dict(fields)
    except KizunaInputError as error:
        raise KizunaInputError([f"{FILE_LABEL}: {problem}" for problem in error.problems]) from None
    return city_id, scenario


def _parse(text: str | bytes) -> dict[str, Any]:
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise KizunaInputError(f"{FILE_LABEL}: not UTF-8 text; is this a Kizuna scenario file?") from None
    if not isinstance(text, str):
        raise KizunaInputError(f"{FILE_LABEL}: expected text, got {type(text).__name__}")
    if not text.strip():
        raise KizunaInputError(f"{FILE_LABEL}: the file is empty")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KizunaInputError(
            f"{FILE_LABEL}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(document, dict):
        raise KizunaInputError(f"{FILE_LABEL}: expected a JSON object, got {_json_type(document)}")
    if document.get("kind") != KIND:
        found = "no 'kind'" if "kind" not in document else f"kind = {document['kind']!r}"
        raise KizunaInputError(f"{FILE_LABEL}: {found}: not a Kizuna scenario file (kind must be '{KIND}')")
    return document


def _version(document: dict[str, Any]) -> int:
    if "schema_version" not in document:
        raise KizunaInputError(f"{FILE_LABEL}: schema_version is missing")
    version = document["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise KizunaInputError(f"{FILE_LABEL}: schema_version = {version!r}: must be a whole number")
    if version > SCHEMA_VERSION:
        raise KizunaInputError(
            f"{FILE_LABEL} version {version} is newer than this Kizuna reads ({SCHEMA_VERSION}): "
            f"open it with a newer Kizuna"
        )
    if version < SCHEMA_VERSION and version not in MIGRATIONS:
        raise KizunaInputError(
            f"{FILE_LABEL} version {version} is older than this Kizuna reads ({SCHEMA_VERSION}) "
            f"and cannot be converted: set the scenario up again and save it"
        )
    return version


def _check_keys(document: dict[str, Any]) -> None:
    unknown = sorted(set(document) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise KizunaInputError(
            f"{FILE_LABEL}: unknown key '{unknown[0]}': allowed keys are {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}"
        )
    missing = [key for key in REQUIRED_KEYS if key not in document]
    if missing:
        raise KizunaInputError(f"{FILE_LABEL}: {missing[0]} is missing")


def _city(city_id: Any) -> str:
    cities = list_cities()
    if not isinstance(city_id, str) or city_id not in cities:
        raise KizunaInputError(f"{FILE_LABEL}: city = {city_id!r}: must be one of {', '.join(cities)}")
    return city_id


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)
