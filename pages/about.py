"""About & data: sources, licences and attributions, the model's assumptions, and which figures are estimates."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import dash
import dash_ag_grid as dag
from dash import Input, Output, callback, dcc, html, no_update

from components import ids
from components.page_link import open_page, page_stores, state_store_id
from components.scenario_controls import error_banner
from presentation.scenario_state import checked_state
from presentation.text import TEXT
from reports.sources import SOURCES_DOC
from resilience.citydata import load_city, load_provenance
from resilience.errors import KizunaInputError
from resilience.vehicles import ATTRIBUTION

MODEL_DOC = Path(__file__).resolve().parent.parent / "docs" / "model.md"
SOURCE_ROWS = 9
#: Source row whose credit is the vehicle catalogue's own attribution line.
VEHICLE_SOURCE_ROW = 6
PROVENANCE_HEIGHT_PX = 460
PAGE = ids.PAGE_ABOUT

dash.register_page(
    __name__,
    path="/about",
    name=TEXT["nav.about"],
    title=TEXT["about.page_title"],
    description=TEXT["about.intro"],
    order=90,
)


def layout(**query: str) -> html.Div:
    """Sources and assumptions; the provenance table is that of the city in the link (which the page keeps,
    like the scenario pages, so the top bar carries it on)."""
    link = open_page(query)
    return html.Div(
        className="about",
        children=[
            *page_stores(PAGE, link),
            html.H1(TEXT["about.title"], className="page-title"),
            html.P(TEXT["about.intro"], className="page-intro"),
            error_banner(PAGE, link.problems),
            html.Section(className="card", children=[
                html.H2(TEXT["about.sources_title"], className="card-title"),
                html.Div(className="table-scroll", children=[_sources_table()]),
                html.P(TEXT["about.tepco_note"], className="card-note"),
            ]),
            html.Section(className="card", children=[
                html.H2(id=ids.ABOUT_PROVENANCE_TITLE, className="card-title"),
                html.P(id=ids.ABOUT_PROVENANCE_SUMMARY, className="card-summary"),
                dag.AgGrid(
                    id=ids.ABOUT_PROVENANCE,
                    columnDefs=_provenance_columns(),
                    rowData=[],
                    defaultColDef={"sortable": True, "filter": True, "floatingFilter": True, "resizable": True,
                                   "wrapText": True, "autoHeight": True},
                    dashGridOptions={"tooltipShowDelay": 300, "animateRows": False},
                    style={"height": f"{PROVENANCE_HEIGHT_PX}px", "width": "100%"},
                    className="provenance-grid",
                ),
            ]),
            html.Section(className="card", children=[
                html.H2(TEXT["about.assumptions_title"], className="card-title"),
                html.P(TEXT["about.assumptions_intro"], className="card-note"),
                *[
                    html.Details(className="model-doc", children=[
                        html.Summary(title),
                        dcc.Markdown(body, className="markdown"),
                    ])
                    for title, body in model_sections()
                ],
                html.Details(className="model-doc sources-doc", children=[
                    html.Summary(TEXT["about.sources_doc_title"]),
                    dcc.Markdown(sources_markdown(), className="markdown"),
                ]),
            ]),
        ],
    )


def _sources_table() -> html.Table:
    header = [TEXT["about.col_data"], TEXT["about.col_licence"], TEXT["about.col_credit"]]
    rows = []
    for n in range(1, SOURCE_ROWS + 1):
        credit = ATTRIBUTION if n == VEHICLE_SOURCE_ROW else TEXT[f"about.source_{n}_credit"]
        rows.append(html.Tr([
            html.Th(TEXT[f"about.source_{n}_data"], scope="row"),
            html.Td(TEXT[f"about.source_{n}_licence"]),
            html.Td(credit, lang="ja" if n in (1, 2) else None),
        ]))
    return html.Table(id=ids.ABOUT_SOURCES, className="sources-table", children=[
        html.Thead(html.Tr([html.Th(cell, scope="col") for cell in header])),
        html.Tbody(rows),
    ])


def _provenance_columns() -> list[dict]:
    return [
        {"field": "table", "headerName": TEXT["about.col_table"], "minWidth": 100, "flex": 1},
        {"field": "column", "headerName": TEXT["about.col_column"], "minWidth": 170, "flex": 1.4},
        {"field": "row_id", "headerName": TEXT["about.col_row"], "minWidth": 110, "flex": 1},
        {"field": "status_label", "headerName": TEXT["about.col_status"], "minWidth": 120, "flex": 1,
         "wrapText": False, "autoHeight": False,
         "cellClassRules": {"badge-sourced": "params.data.status == 'sourced'",
                            "badge-estimated": "params.data.status == 'estimated'"}},
        {"field": "source_or_method", "headerName": TEXT["about.col_source"], "minWidth": 380, "flex": 4,
         "tooltipField": "source_or_method"},
    ]


def provenance_rows(city_id: str) -> list[dict]:
    """The city's provenance entries as grid rows, with a readable status label."""
    table = load_provenance(city_id)
    table = table.astype(object).where(table.notna(), None)
    rows = table.to_dict("records")
    for row in rows:
        row["row_id"] = row["row_id"] if row["row_id"] not in (None, "") else TEXT["about.all_rows"]
        row["status_label"] = TEXT[f"about.status_{row['status']}"]
    return rows


@callback(
    output={"title": Output(ids.ABOUT_PROVENANCE_TITLE, "children"),
            "summary": Output(ids.ABOUT_PROVENANCE_SUMMARY, "children"),
            "rows": Output(ids.ABOUT_PROVENANCE, "rowData")},
    inputs={"state": Input(state_store_id(PAGE), "data")},
)
def show_provenance(state: dict | None) -> dict:
    """Which values of the page's city are sourced and which estimated."""
    if state is None:
        return {"title": no_update, "summary": no_update, "rows": no_update}
    try:
        state = checked_state(state)
    except KizunaInputError as error:
        return {"title": TEXT["error.heading"], "summary": " ".join(error.problems), "rows": []}
    rows = provenance_rows(state["city"])
    sourced = sum(row["status"] == "sourced" for row in rows)
    summary = TEXT["about.provenance_summary"].format(sourced=sourced, estimated=len(rows) - sourced, total=len(rows))
    return {"title": TEXT["about.provenance_title"].format(city=load_city(state["city"]).name), "summary": summary,
            "rows": rows}


@cache
def sources_markdown() -> str:
    """The bibliography the model, the presets, the vehicles and the city data cite: docs/sources.md."""
    return SOURCES_DOC.read_text(encoding="utf-8")


@cache
def model_sections() -> tuple[tuple[str, str], ...]:
    """``docs/model.md`` cut at its ``## `` headings: (heading, Markdown body) per section."""
    sections: list[tuple[str, list[str]]] = []
    for line in MODEL_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            sections.append((line[3:].replace("`", "").strip(), []))
        elif sections:
            sections[-1][1].append(line)
    return tuple((title, "\n".join(lines).strip()) for title, lines in sections)
