"""Compare: the planned scenario (A) beside one or two what-ifs (B, C) on the same axes.

B and C apply a quick what-if (10 % V2H adoption, doubled diesel, …) on top of A; the
table gives every headline figure and its difference to A.
"""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import Input, Output, callback, dcc, html, no_update

from components import ids
from components.banners import problem_items
from components.page_link import (
    PageControls,
    open_page,
    page_stores,
    register_page_callback,
    state_store_id,
    view_control_id,
    view_value,
)
from components.results_cache import simulation
from components.scenario_controls import PICKER_NAMES, error_banner, scenario_header, scenario_picker
from presentation.chart_config import chart_config
from presentation.compare_variants import COMPARE_VARIANTS, NO_VARIANT, apply_variant
from presentation.figures import comparison_figures
from presentation.kpi_content import ComparisonRow, kpi_comparison_rows
from presentation.scenario_state import checked_state
from presentation.text import TEXT
from resilience.errors import KizunaInputError

PAGE = ids.PAGE_COMPARE
LOADING_DELAY_MS = 300
VERDICT_CLASSES = {1: "delta delta-better", -1: "delta delta-worse", 0: "delta"}

dash.register_page(
    __name__,
    path="/compare",
    name=TEXT["nav.compare"],
    title=TEXT["compare.page_title"],
    description=TEXT["compare.intro"],
    order=3,
)

CHART_CONFIG = chart_config("kizuna-compare")
CHARTS = (
    (ids.COMPARE_WITHOUT_POWER, "compare.chart_without"),
    (ids.COMPARE_UNSERVED, "compare.chart_unserved"),
    (ids.COMPARE_DIESEL, "compare.chart_diesel"),
    (ids.COMPARE_V2H, "compare.chart_v2h"),
)
#: The outputs of :func:`show_comparison`, by name (the charts under their graph's id).
RESULT_OUTPUTS = {
    "summary": Output(ids.COMPARE_SUMMARY, "children"),
    "table": Output(ids.COMPARE_TABLE, "children"),
    **{graph_id: Output(graph_id, "figure") for graph_id, _ in CHARTS},
    "error": Output(ids.COMPARE_ERROR, "children"),
    "error_hidden": Output(ids.COMPARE_ERROR, "hidden"),
}


def layout(**query: str) -> html.Div:
    """The comparison for the scenario and what-ifs of the link; values it cannot use are listed in its banner."""
    link = open_page(query)
    return html.Div(
        className="compare",
        children=[
            *page_stores(PAGE, link),
            html.H1(TEXT["compare.title"], className="page-title"),
            html.P(TEXT["compare.intro"], className="page-intro"),
            html.Section(className="card scenario-card", children=[
                scenario_picker(PAGE, link.state),
                html.Div(className="compare-variants", children=[
                    _variant_dropdown(ids.VIEW_COMPARE_B, "compare.label_b", view_value(link.view, ids.VIEW_COMPARE_B)),
                    _variant_dropdown(ids.VIEW_COMPARE_C, "compare.label_c", view_value(link.view, ids.VIEW_COMPARE_C)),
                ]),
                html.P(id=ids.COMPARE_SUMMARY, className="card-summary"),
            ]),
            error_banner(PAGE, link.problems),
            html.Div(id=ids.COMPARE_ERROR, className="error-banner", role="alert", hidden=True),
            html.Section(className="card", children=[
                html.H2(TEXT["compare.table_title"], className="card-title"),
                dcc.Loading(html.Div(id=ids.COMPARE_TABLE, className="table-scroll"), delay_show=LOADING_DELAY_MS),
            ]),
            html.Div(className="chart-grid", children=[
                html.Section(className="card", children=[
                    html.H2(TEXT[title_key], className="card-title"),
                    dcc.Loading(dcc.Graph(id=graph_id, config=CHART_CONFIG), delay_show=LOADING_DELAY_MS),
                ])
                for graph_id, title_key in CHARTS
            ]),
        ],
    )


def _variant_dropdown(name: str, label_key: str, value: str) -> html.Div:
    control_id = view_control_id(PAGE, name)
    return html.Div(className="field", children=[
        html.Label(TEXT[label_key], className="field-label",
                   htmlFor=json.dumps(control_id, sort_keys=True, separators=(",", ":"))),
        dcc.Dropdown(id=control_id, value=value, clearable=False, searchable=False,
                     options=[{"label": TEXT[v.label_key], "value": key} for key, v in COMPARE_VARIANTS.items()]),
    ])


register_page_callback(PageControls(PAGE, PICKER_NAMES, view_names=(ids.VIEW_COMPARE_B, ids.VIEW_COMPARE_C)))


@callback(
    output=RESULT_OUTPUTS,
    inputs={"state": Input(state_store_id(PAGE), "data"),
            "view": {"compare": (Input(view_control_id(PAGE, ids.VIEW_COMPARE_B), "value"),
                                 Input(view_control_id(PAGE, ids.VIEW_COMPARE_C), "value"))}},
)
def show_comparison(state: dict | None, view: dict | None) -> dict[str, Any]:
    """The table of differences and the four charts for A and the chosen what-ifs."""
    if state is None or view is None:
        return dict.fromkeys(RESULT_OUTPUTS, no_update)
    try:
        state = checked_state(state)
        labels, letters, states = [TEXT["compare.scenario_a"]], [], [state]
        for letter, variant_id in zip(("b", "c"), view["compare"], strict=True):
            if variant_id == NO_VARIANT:
                continue
            labels.append(TEXT[f"compare.scenario_{letter}"].format(variant=TEXT[COMPARE_VARIANTS[variant_id].label_key]))
            letters.append(TEXT[f"compare.letter_{letter}"])
            states.append({"city": state["city"], "scenario": apply_variant(state["scenario"], variant_id)})
        results = [simulation(s) for s in states]
    except KizunaInputError as error:
        banner = problem_items(TEXT["error.heading"], error.problems)
        return {**dict.fromkeys(RESULT_OUTPUTS, no_update), "error": banner, "error_hidden": False}

    figures = comparison_figures(labels, results)
    charts = {graph_id: figure for (graph_id, _), figure in zip(CHARTS, figures, strict=True)}
    return {"summary": scenario_header(state), "table": _table(labels, letters, kpi_comparison_rows(results)), **charts,
            "error": [], "error_hidden": True}


def _table(labels: list[str], letters: list[str], rows: list[ComparisonRow]) -> html.Table:
    deltas = [TEXT["compare.col_delta"].format(b=letter) for letter in letters]
    header = [TEXT["compare.kpi"], *labels, *deltas]
    return html.Table(className="compare-table", children=[
        html.Thead(html.Tr([html.Th(cell, scope="col") for cell in header])),
        html.Tbody([
            html.Tr([
                html.Th(row.label, scope="row"),
                *[html.Td(value) for value in row.values],
                *[html.Td(delta, className=VERDICT_CLASSES[verdict])
                  for delta, verdict in zip(row.deltas, row.verdicts, strict=True)],
            ])
            for row in rows
        ]),
    ])
