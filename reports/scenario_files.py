"""Save and load a scenario as a small JSON file that names its kind and schema version.

The format, its versions and its checks live in the engine,
:mod:`resilience.scenario_file`, so that ``python -m resilience simulate
--scenario-file`` reads a file without the reports package; this module is the
dashboard's side: :func:`dump` stamps the file with this Kizuna's version and
:func:`load` reads an upload (the format is described there).

``scenario`` holds every field of :class:`resilience.records.Scenario`
(``Scenario.to_dict()``). :func:`load` never changes anything: it returns the
city id and a new :class:`~resilience.records.Scenario` or raises
:class:`~resilience.errors.KizunaInputError` with one message naming what is
wrong, so a caller keeps what it shows when a load fails. A file larger than
:data:`MAX_FILE_BYTES` is refused before it is decoded; an upload's base64 text
longer than :data:`MAX_UPLOAD_CHARS` holds such a file, so a caller can refuse it
before decoding the base64 too.
"""

from __future__ import annotations

from reports.version import kizuna_version
from resilience.records import Scenario
from resilience.scenario_file import (
    FILE_LABEL,
    KIND,
    MAX_FILE_BYTES,
    MIGRATIONS,
    OPTIONAL_KEYS,
    REQUIRED_KEYS,
    SCHEMA_VERSION,
    dumps,
    loads,
)

__all__ = ["FILE_LABEL", "KIND", "MAX_FILE_BYTES", "MAX_UPLOAD_CHARS", "MIGRATIONS", "OPTIONAL_KEYS",
           "REQUIRED_KEYS", "SCHEMA_VERSION", "SUGGESTED_SUFFIX", "dump", "load"]

SUGGESTED_SUFFIX = ".kizuna.json"
#: Longest base64 text of an upload that can hold a scenario file of :data:`MAX_FILE_BYTES` (4 characters per 3
#: bytes) [characters]: a ``dcc.Upload``'s data URL with a longer payload is too large without decoding it.
MAX_UPLOAD_CHARS = 4 * -(-MAX_FILE_BYTES // 3)


def dump(city_id: str, scenario: Scenario) -> str:
    """The scenario file of a city and scenario, as JSON text, saved with this Kizuna's version.

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
    return dumps(city_id, scenario, saved_with=f"Kizuna {kizuna_version()}")


def load(text: str | bytes) -> tuple[str, Scenario]:
    """Read a scenario file (bytes are decoded as UTF-8): :func:`resilience.scenario_file.loads`, which
    returns ``(city_id, Scenario)`` or raises :class:`~resilience.errors.KizunaInputError` naming the problem
    in one sentence (also for a file over :data:`MAX_FILE_BYTES`, nested too deeply, with a number too long to
    read, true/false or text for a number, or a ``saved_with`` that is not short text).
    """
    return loads(text)
