"""Citations a reader can follow: every source id exists in docs/sources.md, no text cites the team's notes.

Kizuna's sources are cited as ``[S7]`` (or ``[S4, S12]``) and listed in ``docs/sources.md``
(S80 and above for the vehicle catalogue). The team's working notes (FACTS,
MODEL, STACK-NOTES) are not part of the repository, so no text a user, a council or a
contributor reads may cite them; forums and anonymous boards are never cited in council material.
"""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from presentation.text import TEXT
from reports.sources import CITATION, SOURCES_DOC, cited_ids, load_sources, parse_sources
from resilience.records import Scenario
from resilience.scenarios import PRESETS

ROOT = Path(__file__).resolve().parent.parent
#: A citation of the team's working notes, which are not in the repository.
NOTES_CITATION = re.compile(r"\b(?:FACTS|MODEL)\b|STACK[- ]?NOTES")
#: Forums and anonymous boards, never a source for council material.
FORUM = re.compile(r"(?<![\w/])[25]ch\b|[25]ちゃんねる|PriusChat|掲示板", re.IGNORECASE)
QUALITY_TAGS = {"official", "paper", "press", "secondary"}
#: Folders never scanned for citations (tools, caches, test output).
SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", "node_modules", ".pytest_cache", ".ruff_cache",
             ".hypothesis", "output"}
TEXT_SUFFIXES = {".py", ".md", ".csv", ".j2", ".html", ".css", ".txt", ".toml", ".yml", ".yaml", ".json"}
MAX_SCAN_BYTES = 2_000_000
PLACEHOLDER_IMAGES = ("supply", "households", "map", "household_0", "household_1")


def user_facing_documents() -> list[Path]:
    """Documentation and data notes a user reads: docs/*.md, the data READMEs, PROVENANCE and provenance CSVs."""
    paths = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", ROOT / "data" / "README.md",
             ROOT / "data" / "shapes" / "README.md", ROOT / "data" / "sources" / "PROVENANCE.md",
             *sorted((ROOT / "data" / "cities").glob("*/provenance.csv"))]
    return [path for path in paths if path.exists()]


def repository_text_files() -> list[Path]:
    """The repository's source, documentation and data text files (no tool folders, caches or large files)."""
    files = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIP_DIRS]
        for name in names:
            path = Path(folder) / name
            if path.suffix in TEXT_SUFFIXES and path.stat().st_size <= MAX_SCAN_BYTES:
                files.append(path)
    return files


class _TextOnly(HTMLParser):
    """The text of an HTML page without its <style> and <script> blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(page: str) -> str:
    parser = _TextOnly()
    parser.feed(page)
    return html.unescape(" ".join(" ".join(parser.parts).split()))


@pytest.fixture(scope="module")
def reports():
    """The briefing of each bundled city's own event and its HTML (placeholder images: no Chromium needed)."""
    from reports.briefing import build_briefing
    from reports.render import render_html

    built = {}
    for city_id, preset in (("saitama", "tohoku-2011"), ("berlin", "berlin-southwest-2026")):
        briefing = build_briefing(city_id, Scenario(preset=preset, duration_h=72))
        page = render_html(briefing, {name: "data:image/png;base64," for name in PLACEHOLDER_IMAGES})
        built[city_id] = (briefing, page)
    return built


# --------------------------------------------------------------------------------------------
# The bibliography itself
# --------------------------------------------------------------------------------------------


def test_every_bibliography_entry_has_publisher_title_date_url_quality_and_use():
    sources = parse_sources(SOURCES_DOC.read_text(encoding="utf-8"))
    headings = re.findall(r"^#{2,4}\s*(S\d+)\b", SOURCES_DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(headings) == len(set(headings)) == len(sources) >= 40, "duplicate or unparsed entries"
    for source in sources.values():
        assert source.number >= 1, source.id
        assert source.heading and source.publisher and source.title and source.supports, source.id
        assert re.search(r"\b(19|20)\d\d\b", source.date), f"{source.id}: no date (a year at least): {source.date!r}"
        urls = [part.strip() for part in source.url.split(";")]
        assert urls and all(re.fullmatch(r"https?://[^\s…]+", url) for url in urls), f"{source.id}: {source.url!r}"
        assert "..." not in source.url and "…" not in source.url, f"{source.id}: truncated URL"
        assert source.quality in QUALITY_TAGS, f"{source.id}: quality {source.quality!r}"


def test_the_derivations_section_points_to_model_sections():
    text = SOURCES_DOC.read_text(encoding="utf-8")
    assert "## Kizuna's own derivations and assumptions" in text
    derivations = text.split("## Kizuna's own derivations and assumptions", 1)[1]
    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+(?:–\d+)?)\.", model, re.MULTILINE))
    cited = re.findall(r"\(§(\d+(?:–\d+)?)", derivations)
    assert cited, "no docs/model.md section named"
    assert set(cited) <= sections, f"sections not in docs/model.md: {set(cited) - sections}"


def test_source_ids_are_unique_and_numbered_in_order():
    text = SOURCES_DOC.read_text(encoding="utf-8")
    ids = re.findall(r"^### (S\d+) —", text, flags=re.MULTILINE)
    assert len(ids) == len(set(ids))
    assert [int(i[1:]) for i in ids] == sorted(int(i[1:]) for i in ids)


def test_citations_are_found_and_ordered():
    assert cited_ids("a [S12] b [S4, S12] c [S2]; not a citation: S3, x[3]") == ["S2", "S4", "S12"]
    assert CITATION.findall("[S1][S10, S11]") == ["S1", "S10, S11"]


# --------------------------------------------------------------------------------------------
# Every citation can be followed
# --------------------------------------------------------------------------------------------


def test_every_source_id_cited_in_the_repository_is_listed():
    listed = set(load_sources())
    missing = {}
    for path in repository_text_files():
        ids = set(cited_ids(path.read_text(encoding="utf-8", errors="replace")))
        if ids - listed:
            missing[str(path.relative_to(ROOT))] = sorted(ids - listed, key=lambda s: int(s[1:]))
    assert not missing, f"cited but not in docs/sources.md: {missing}"


def test_ui_strings_cite_no_working_notes():
    offending = {key: value for key, value in TEXT.items() if NOTES_CITATION.search(value)}
    assert not offending


@pytest.mark.parametrize("path", user_facing_documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_documentation_and_data_notes_cite_no_working_notes(path):
    text = path.read_text(encoding="utf-8")
    hits = [line.strip() for line in text.splitlines() if NOTES_CITATION.search(line)]
    assert not hits, hits[:5]


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_city_provenance_cites_sources_not_notes_or_forums(city_id):
    provenance = pd.read_csv(ROOT / "data" / "cities" / city_id / "provenance.csv", keep_default_na=False)
    methods = provenance["source_or_method"].tolist()
    assert not [m for m in methods if NOTES_CITATION.search(m) or FORUM.search(m)]
    assert cited_ids(*methods), "the provenance cites no source id"


@pytest.mark.parametrize("preset_id", list(PRESETS))
def test_preset_notes_cite_listed_sources_and_no_forum(preset_id):
    preset = PRESETS[preset_id]
    notes = (preset.source_note, preset.curve_note, preset.fuel_note)
    for note in notes:
        assert not NOTES_CITATION.search(note), note
        assert not FORUM.search(note), note
        assert "slip" not in note, "a developer's remark, not a note for the reader"
    if preset.kind != "custom":
        assert cited_ids(preset.source_note), f"{preset_id}: its source note cites no source id"
    assert set(cited_ids(*notes)) <= set(load_sources())


def test_saitama_station_backup_share_is_an_estimate():
    provenance = pd.read_csv(ROOT / "data" / "cities" / "saitama" / "provenance.csv", keep_default_na=False)
    row = provenance[(provenance["table"] == "districts") & (provenance["column"] == "stations_backup_share")]
    assert row["status"].tolist() == ["estimated"]
    method = row["source_or_method"].iloc[0]
    assert "52.2 %" in method and "national" in method and "[S68]" in method


# --------------------------------------------------------------------------------------------
# The report a council reads
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_report_cites_no_working_notes_forums_or_field_names(reports, city_id):
    briefing, page = reports[city_id]
    text = html_text(page)
    assert not NOTES_CITATION.findall(text)
    assert not FORUM.findall(text)
    assert "slip" not in text
    # Figures are named by their labels, not by the data's field names.
    for row in briefing.estimated.rows + briefing.sourced.rows:
        assert not re.match(r"^(city|districts|facilities|fleet_mix|geometry)\.", row[0]), row[0]
    assert "city.fleet.soc_clip_low" not in text
    assert TEXT["field.city.fleet.soc_clip_low"] in text


@pytest.mark.parametrize("city_id", ["saitama", "berlin"])
def test_report_lists_every_source_it_cites_with_its_title(reports, city_id):
    briefing, page = reports[city_id]
    body, listing = html_text(page).split("8. Sources cited", 1)
    cited = cited_ids(body)
    assert cited, "the report cites no source"
    assert [source.id for source in briefing.sources] == cited
    bibliography = load_sources()
    for source in briefing.sources:
        assert source.heading == bibliography[source.id].heading
        assert f"[{source.id}]" in listing and source.heading in listing and source.url in listing
