"""The bibliography of ``docs/sources.md``: source ids ([S1], [S2], …), what each stands for, and which a text cites.

Every published figure in Kizuna is cited as ``[S12]`` or ``[S4, S12]``; the ids are defined in
``docs/sources.md`` (S80 and above for the vehicle catalogue). The file is part of the repository,
so the app, the reports and the tests read the same list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES_DOC = ROOT / "docs" / "sources.md"
#: Sources of the vehicle catalogue (ids S80 and above), kept in a file of their own.
#: A citation: one or more ids in square brackets, e.g. "[S7]" or "[S4, S12]".
CITATION = re.compile(r"\[(S\d+(?:\s*,\s*S\d+)*)\]")
#: The heading of an entry, e.g. "### S7 — Japan Policy Forum: …".
_HEADING = re.compile(r"^#{2,4}\s*(S\d+)\s*[—–:.-]+\s*(.+?)\s*$")
_FIELD = re.compile(r"^[-*]\s+\**(Publisher|Title|Date|URL|Quality|Supports)\**\s*:\s*\**\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One entry of the bibliography.

    Attributes
    ----------
    id : str
        ``"S7"``.
    heading : str
        The entry's short title (its heading without the id).
    publisher, title, date, url, quality, supports : str
        The entry's fields as written ("" when missing).
    """

    id: str
    heading: str
    publisher: str = ""
    title: str = ""
    date: str = ""
    url: str = ""
    quality: str = ""
    supports: str = ""

    @property
    def number(self) -> int:
        return int(self.id[1:])


def parse_sources(text: str) -> dict[str, Source]:
    """The entries of a bibliography in the format of ``docs/sources.md``, by id.

    An entry is a heading ``### S<n> — <short title>`` followed by ``- Field: value`` lines
    (Publisher, Title, Date, URL, Quality, Supports); an indented line continues the field above it.
    """
    entries: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    field = None
    for line in text.splitlines():
        heading = _HEADING.match(line.strip())
        if heading:
            current = {"id": heading.group(1), "heading": heading.group(2)}
            entries[heading.group(1)] = current
            field = None
            continue
        if line.startswith("#"):
            current, field = None, None
            continue
        if current is None:
            continue
        match = _FIELD.match(line.strip())
        if match and not line.startswith((" ", "\t")):
            field = match.group(1).lower()
            current[field] = match.group(2).strip()
        elif field and line.startswith((" ", "\t")) and line.strip():
            current[field] = f"{current[field]} {line.strip()}".strip()
        elif not line.strip():
            field = None
    return {key: Source(**value) for key, value in entries.items()}


@lru_cache(maxsize=1)
def load_sources() -> dict[str, Source]:
    """Every source id defined in ``docs/sources.md``."""
    sources: dict[str, Source] = {}
    sources.update(parse_sources(SOURCES_DOC.read_text(encoding="utf-8")))
    return sources


def cited_ids(*texts: str) -> list[str]:
    """The source ids cited in the texts, each once, in numerical order ("S2" before "S10")."""
    ids = {part.strip() for text in texts for group in CITATION.findall(text or "") for part in group.split(",")}
    return sorted(ids, key=lambda source_id: int(source_id[1:]))
