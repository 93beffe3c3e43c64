"""No "nan", "inf" or "None" on any screen, CSV, Excel sheet or PDF, for edge scenarios on both bundled cities.

The engine returns ``None`` for a figure that has no number in a run (no V2H household covered, no
generator, not reached within the run …); every place that prints a figure must say so in words.

Rules checked here:

* **Text** (KPI cards, Compare rows, the page callbacks' outputs, the report): no word ``nan`` or
  ``inf`` in any case (so also "+nan", "-inf", "NaN", "Inf"), and no ``None`` (Python's literal
  leaking into a sentence). The English word "none" in lower case is allowed: sourced notes say
  e.g. "Mitte had none in 2022". "Information" or "influence" do not match (word boundaries).
* **CSV and Excel cells**: a cell never reads "nan", "inf", "-inf", "NaN" or "None"; a cell is
  empty only in the columns of :data:`reports.exports.EMPTY_CELLS`, which the workbook itself
  lists on its ``empty_cells`` sheet with what an empty cell means (and the ``kpis`` sheet says
  per row, in ``note``, why its ``value`` is empty).
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dash.development.base_component import Component
from openpyxl import load_workbook
from plotly.basedatatypes import BaseFigure

from components import ids
from components.results_cache import simulation
from presentation.compare_variants import DEFAULT_COMPARE, NO_VARIANT
from presentation.kpi_content import kpi_cards, kpi_comparison_rows
from presentation.scenario_state import default_state, preset_scenario, state_scenario
from presentation.text import TEXT
from reports import exports
from reports.briefing import build_briefing
from reports.render import render_html
from resilience.scenarios import PRESETS
from tests import test_callbacks_pages as page_tests

CITIES = ("saitama", "berlin")
#: Scenario fields changed from each city's default scenario (its own preset).
EDGES = {
    "no-v2h": {"v2h_adoption_share": 0.0},
    "no-pv": {"pv_multiplier": 0.0},
    "no-diesel": {"diesel_stock_multiplier": 0.0},
    "no-evs": {"ev_stock_multiplier": 0.0},
    "no-car-above-reserve": {"reserve_soc": 1.0},
    "custom-no-outage": {"preset": "custom", "custom_outage_h": 0.0, "custom_restoration_h": 0.0},
    "custom-720h": {"preset": "custom", "custom_outage_h": 720.0, "custom_restoration_h": 0.0, "duration_h": 720},
}
PRESET_IDS = tuple(p for p in PRESETS if p != "custom")
#: nan/inf in any case; Python's None literal (the English "none" is allowed).
BAD_WORD = re.compile(r"\b(?i:nan|inf)\b|\bNone\b")
#: What a number never prints as in a CSV or Excel cell.
BAD_CELLS = {"nan", "NaN", "inf", "-inf", "+inf", "Inf", "-Inf", "None", "<NA>", "NaT"}
#: The PDF is typeset for a few scenarios only (seconds each).
PDF_CASES = (("saitama", "no-v2h"), ("berlin", "custom-no-outage"))

pages = page_tests.pages  # the page modules, imported as Dash imports them (module-scoped fixture)


def edge_state(city: str, edge: str) -> dict:
    base = default_state(city)
    return {"city": city, "scenario": {**base["scenario"], **EDGES[edge]}}


def preset_state(city: str, preset: str) -> dict:
    return {"city": city, "scenario": preset_scenario(preset).to_dict()}


SCENARIOS = {
    **{f"{city}-default": default_state(city) for city in CITIES},
    **{f"{city}-{edge}": edge_state(city, edge) for city in CITIES for edge in EDGES},
    **{f"{city}-{preset}": preset_state(city, preset) for city in CITIES for preset in PRESET_IDS},
}
EDGE_SCENARIOS = [f"{city}-{edge}" for city in CITIES for edge in ("default", *EDGES)]


def bad_words(texts) -> list[str]:
    """Each text with a bad word, cut to the word and its surroundings."""
    found = []
    for text in texts:
        for match in BAD_WORD.finditer(text):
            found.append(text[max(0, match.start() - 60):match.end() + 30])
    return found


def strings(node) -> list[str]:
    """Every string a callback output shows: Dash components' props, figure titles, names and labels."""
    if node is None or isinstance(node, bool | int | float):
        return []
    if isinstance(node, str):
        return [node]
    if isinstance(node, Component):
        return [text for prop in node._prop_names for text in strings(getattr(node, prop, None))]
    if isinstance(node, BaseFigure):
        return figure_strings(node)
    if isinstance(node, dict):
        return [text for value in node.values() for text in strings(value)]
    if isinstance(node, np.ndarray):
        return strings(node.tolist()) if node.dtype.kind in "OUS" else []
    if isinstance(node, list | tuple):
        return [text for value in node for text in strings(value)]
    return []


def figure_strings(figure) -> list[str]:
    """The strings of a figure's layout and traces, leaving out a map's outlines (GeoJSON)."""
    traces = [{k: v for k, v in trace.to_plotly_json().items() if k != "geojson"} for trace in figure.data]
    return strings(figure.layout.to_plotly_json()) + strings(traces)


def test_the_rule_catches_nan_and_inf_but_not_words_that_contain_them():
    for text in ("median nan d … nan d", "+nan", "-inf h", "NaN", "Inf d", "None d", "x None"):
        assert BAD_WORD.search(text), text
    for text in ("Information", "influence", "infrastructure", "Nantes", "financing", "Mitte had none in 2022",
                 "none", "∞"):
        assert not BAD_WORD.search(text), text


# --------------------------------------------------------------------------------------------
# Screens
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCENARIOS)
def test_kpi_cards_and_compare_rows_say_words_not_nan(name):
    state = SCENARIOS[name]
    result = simulation(state)
    cards = kpi_cards(result)
    assert not bad_words(text for card in cards for text in (card.title, card.value, card.detail,
                                                             card.explanation))
    base = simulation(default_state(state["city"]))
    for results in ([result, base], [base, result], [result]):
        rows = kpi_comparison_rows(results)
        assert not bad_words(text for row in rows for text in (row.label, *row.values, *row.deltas))


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
def test_overview_planner_and_compare_outputs_say_words_not_nan(pages, name):
    state = SCENARIOS[name]
    texts = strings(pages["overview"].show_results(state, 0))
    drawn = page_tests.triggered_by(
        {"type": ids.PAGE_STATE, "page": ids.PAGE_OVERVIEW}, "data", pages["overview"].show_map, state,
        "without-power", 0, None)
    figure, now = drawn["figure"], drawn["now"]
    texts += figure_strings(figure) + [now]
    texts += strings(pages["planner"].show_results(state))
    for pair in (list(DEFAULT_COMPARE), [NO_VARIANT, NO_VARIANT]):
        texts += strings(pages["compare"].show_comparison(state, {"map": "without-power", "compare": pair}))
    assert texts and not bad_words(texts), bad_words(texts)[:5]


def test_v2h_card_with_units_but_no_car_above_the_reserve_says_so():
    v2h = next(card for card in kpi_cards(simulation(SCENARIOS["saitama-no-car-above-reserve"])) if card.key == "v2h")
    assert v2h.value == "0" and v2h.detail.startswith("none of the ") and v2h.detail.endswith("above the reserve")


def test_the_reviewed_v2h_card_says_words():
    """/planner?…&v2h=0 printed "median nan d … nan d"; now the card says there is nothing to cover."""
    state = SCENARIOS["saitama-no-v2h"]
    v2h = next(card for card in kpi_cards(simulation(state)) if card.key == "v2h")
    assert (v2h.value, v2h.detail) == ("0", TEXT["kpi.v2h_none"])
    rows = {row.label: row for row in kpi_comparison_rows([simulation(state), simulation(default_state("saitama"))])}
    v2h_days = rows[TEXT["compare.kpi_v2h_days"]]
    assert v2h_days.values[0] == TEXT["compare.no_v2h"] and v2h_days.deltas == ["–"]


# --------------------------------------------------------------------------------------------
# CSV and Excel
# --------------------------------------------------------------------------------------------


def column_problems(table: str, column: str, values: pd.Series) -> list[str]:
    """A cell that prints a non-number, or an empty cell outside :data:`EMPTY_CELLS`, in one column.

    Missing values (None, NaN, NA) and ±inf count as empty: the workbook writes them as empty cells.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        empty = ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        printed = pd.Series([], dtype=str)
    else:
        empty = values.isna().to_numpy().copy()
        printed = values[~empty].astype(str).str.strip()
        empty[~empty] = (printed == "").to_numpy()
    problems = [f"{table}.{column} = {cell!r}" for cell in sorted(set(printed[printed.isin(BAD_CELLS)]))]
    if empty.any() and (table, column) not in exports.EMPTY_CELLS:
        problems.append(f"{table}.{column} is empty in {int(empty.sum())} rows")
    return problems


def csv_problems(table: str, text: str) -> list[str]:
    """:func:`column_problems` of a CSV text's cells, read as text ("nan" stays "nan", "" stays empty)."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    return [p for column in frame.columns for p in column_problems(table, column, frame[column])]


@pytest.mark.report
@pytest.mark.parametrize("name", SCENARIOS)
def test_exports_write_numbers_or_documented_empty_cells(name):
    """Summary CSVs and the workbook's sheets for every scenario; the hourly tables (engine arrays, large)
    for the edge scenarios."""
    result = simulation(SCENARIOS[name])
    problems = csv_problems("district_summary", exports.district_summary_csv(result))
    problems += csv_problems("facility_summary", exports.facility_summary_csv(result))
    if name in EDGE_SCENARIOS:
        problems += [p for table in exports.HOURLY_TABLES
                     for p in csv_problems(f"{table}_hourly", exports.hourly_csv(result, table))]
        sheets = exports.workbook_sheets(result)
    else:
        sheets = {"parameters": exports.scenario_parameters(result.city.id, result.scenario, result=result),
                  "kpis": exports.kpi_table(result), "district_summary": exports.district_summary(result),
                  "facility_summary": result.facility_summary}
    problems += [p for sheet, frame in sheets.items() for column in frame.columns
                 for p in column_problems(sheet, str(column), frame[column])]
    assert not problems, problems
    # The kpis sheet says, row by row, why a value is empty.
    kpis = sheets["kpis"]
    empty = kpis["value"].isna()
    assert kpis.loc[empty, "note"].str.startswith("empty: ").all()
    assert (kpis.loc[~empty, "note"] == "").all()


@pytest.mark.report
@pytest.mark.parametrize("name", ["saitama-no-v2h", "berlin-custom-no-outage"])
def test_the_workbook_file_lists_what_an_empty_cell_means(name):
    state = {"city": SCENARIOS[name]["city"], "scenario": {**SCENARIOS[name]["scenario"], "duration_h": 48}}
    book = load_workbook(io.BytesIO(exports.workbook(simulation(state))), read_only=True)
    listed = {(sheet, column): meaning for sheet, column, meaning in
              book["empty_cells"].iter_rows(min_row=2, values_only=True)}
    assert listed == exports.EMPTY_CELLS
    problems = []
    for sheet in book.sheetnames:
        header, *rows = list(book[sheet].iter_rows(values_only=True))
        frame = pd.DataFrame(rows, columns=[str(c) for c in header], dtype=object)
        problems += [p for column in frame.columns for p in column_problems(sheet, column, frame[column])]
    assert not problems, problems
    notes = {kpi: note for kpi, value, note in book["kpis"].iter_rows(min_row=2, values_only=True) if value is None}
    if name == "saitama-no-v2h":
        assert notes["v2h_backup_days_median"] == "empty: no V2H household is covered"
        assert notes["v2h_backup_days_median_with_pv"] == "empty: no V2H household is covered"
    else:
        assert notes["diesel_tank_hours_first"] == "empty: no site the outage reaches has a generator"


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


class _BlankImages(dict):
    """Stands in for the report's PNGs: the text is what is checked here, not the pictures."""

    def __missing__(self, key):
        return "data:image/png;base64,"


def report_text(page: str) -> str:
    body = re.sub(r"<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    return " ".join(html.unescape(body).split())


@pytest.mark.report
@pytest.mark.parametrize("name", EDGE_SCENARIOS)
def test_report_text_says_words_not_nan(name):
    from reports.images import report_figures

    state = SCENARIOS[name]
    briefing = build_briefing(state["city"], state_scenario(state), result=simulation(state))
    text = report_text(render_html(briefing, _BlankImages()))
    figures = [text for figure in report_figures(briefing).values() for text in figure_strings(figure)]
    assert not bad_words([text, *figures]), bad_words([text, *figures])[:5]


@pytest.fixture(scope="module")
def poppler():
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists() or not shutil.which("pdftotext"):
        pytest.skip("the PDF needs Chromium (images) and poppler-utils: "
                    "sudo apt-get install chromium poppler-utils")


@pytest.mark.report
@pytest.mark.parametrize(("city", "edge"), PDF_CASES)
def test_pdf_text_says_words_not_nan(poppler, tmp_path, city, edge):
    from reports.render import build_pdf

    state = edge_state(city, edge)
    path = tmp_path / "briefing.pdf"
    path.write_bytes(build_pdf(city, state_scenario(state), result=simulation(state)))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    text = " ".join(text.split())
    assert "Backup per covered household" in text
    assert not bad_words([text]), bad_words([text])[:5]
