"""Compare: the planned scenario (A) beside one or two what-ifs (B, C) on the same axes.

B and C apply a quick what-if (10 % V2H adoption, doubled diesel, …) on top of A; the
table gives every headline figure and its difference to A.
"""

from __future__ import annotations

import json

import dash
from dash import Input, Output, callback, dcc, html, no_update

from components import ids
from components.results_cache import simulation
from components.scenario_controls import (
    COMPARE_VARIANTS,
    DEFAULT_COMPARE,
    NO_VARIANT,
    apply_variant,
    error_banner,
    problem_list,
    scenario_header,
    scenario_picker,
)
from presentation.figures import KWH_PER_MWH, comparison_figure, critical_unserved_kwh
from presentation.kpi_content import ComparisonRow, kpi_comparison_rows
from presentation.text import TEXT
from resilience.errors import KizunaInputError

PAGE = ids.PAGE_COMPARE
LOADING_DELAY_MS = 300
LITRES_PER_THOUSAND = 1000.0
VERDICT_CLASSES = {1: "delta delta-better", -1: "delta delta-worse", 0: "delta"}

dash.register_page(
    __name__,
    path="/compare",
    name=TEXT["nav.compare"],
    title=TEXT["compare.page_title"],
    description=TEXT["compare.intro"],
    order=3,
)

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["sendChartToCloud", "select2d", "lasso2d"]}
CHARTS = (
    (ids.COMPARE_WITHOUT_POWER, "compare.chart_without"),
    (ids.COMPARE_UNSERVED, "compare.chart_unserved"),
    (ids.COMPARE_DIESEL, "compare.chart_diesel"),
    (ids.COMPARE_V2H, "compare.chart_v2h"),
)


def layout(**_query: str) -> html.Div:
    return html.Div(
        className="compare",
        children=[
            html.H1(TEXT["compare.title"], className="page-title"),
            html.P(TEXT["compare.intro"], className="page-intro"),
            html.Section(className="card scenario-card", children=[
                scenario_picker(PAGE),
                html.Div(className="compare-variants", children=[
                    _variant_dropdown(ids.VIEW_COMPARE_B, "compare.label_b", DEFAULT_COMPARE[0]),
                    _variant_dropdown(ids.VIEW_COMPARE_C, "compare.label_c", DEFAULT_COMPARE[1]),
                    dcc.Store(id={"type": ids.VIEW_READY, "page": PAGE}, data=False),
                ]),
                html.P(id=ids.COMPARE_SUMMARY, className="card-summary"),
            ]),
            error_banner(PAGE),
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
    control_id = {"type": ids.VIEW_CONTROL, "page": PAGE, "name": name}
    return html.Div(className="field", children=[
        html.Label(TEXT[label_key], className="field-label",
                   htmlFor=json.dumps(control_id, sort_keys=True, separators=(",", ":"))),
        dcc.Dropdown(id=control_id, value=value, clearable=False, searchable=False,
                     options=[{"label": TEXT[v.label_key], "value": key} for key, v in COMPARE_VARIANTS.items()]),
    ])


@callback(
    Output(ids.COMPARE_SUMMARY, "children"),
    Output(ids.COMPARE_TABLE, "children"),
    *[Output(graph_id, "figure") for graph_id, _ in CHARTS],
    Output(ids.COMPARE_ERROR, "children"),
    Output(ids.COMPARE_ERROR, "hidden"),
    Input(ids.SCENARIO_STORE, "data"),
    Input(ids.VIEW_STORE, "data"),
)
def show_comparison(state: dict | None, view: dict | None) -> tuple:
    """The table of differences and the four charts for A and the chosen what-ifs."""
    if state is None or view is None:
        return (no_update,) * (len(CHARTS) + 4)
    labels = [TEXT["compare.scenario_a"]]
    states = [state]
    try:
        for key, variant_id in zip(("compare.scenario_b", "compare.scenario_c"), view["compare"], strict=True):
            if variant_id == NO_VARIANT:
                continue
            labels.append(TEXT[key].format(variant=TEXT[COMPARE_VARIANTS[variant_id].label_key]))
            states.append({"city": state["city"], "scenario": apply_variant(state["scenario"], variant_id)})
        results = [simulation(s) for s in states]
    except KizunaInputError as error:
        return (no_update,) * (len(CHARTS) + 2) + (problem_list(error.problems), False)

    hourly = [r.city_hourly for r in results]
    figures = [
        comparison_figure({lab: h["households_without_power"] for lab, h in zip(labels, hourly, strict=True)},
                          y_title=TEXT["chart.households"]),
        comparison_figure(
            {lab: critical_unserved_kwh(r) / KWH_PER_MWH for lab, r in zip(labels, results, strict=True)},
            y_title=TEXT["chart.mw"], number_format=",.2f"),
        comparison_figure(
            {lab: h["diesel_litres"] / LITRES_PER_THOUSAND for lab, h in zip(labels, hourly, strict=True)},
            y_title=TEXT["chart.thousand_litres"], number_format=",.1f"),
        comparison_figure({lab: h["v2h_kwh"] / KWH_PER_MWH for lab, h in zip(labels, hourly, strict=True)},
                          y_title=TEXT["chart.mw"], number_format=",.3f"),
    ]
    return (scenario_header(state), _table(labels, kpi_comparison_rows(results)), *figures, [], True)


def _table(labels: list[str], rows: list[ComparisonRow]) -> html.Table:
    deltas = [TEXT["compare.col_delta"].format(b=label.split(" ")[0]) for label in labels[1:]]
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
