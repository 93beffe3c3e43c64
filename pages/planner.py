"""Planner: every scenario control on the left, the KPI cards and key charts following on the right.

The controls edit the shared scenario (the app's scenario store, mirrored in the
page's link); this page only draws the result of the stored scenario.
"""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html, no_update

from components import ids
from components.kpi_cards import kpi_card_row
from components.results_cache import simulation
from components.scenario_controls import error_banner, planner_controls, problem_list, scenario_header
from presentation.figures import households_figure, supply_figure
from presentation.kpi_content import kpi_cards
from presentation.text import TEXT
from resilience.errors import KizunaInputError

PAGE = ids.PAGE_PLANNER
LOADING_DELAY_MS = 300

dash.register_page(
    __name__,
    path="/planner",
    name=TEXT["nav.planner"],
    title=TEXT["planner.page_title"],
    description=TEXT["planner.intro"],
    order=2,
)

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["sendChartToCloud", "select2d", "lasso2d"]}


def layout(**_query: str) -> html.Div:
    return html.Div(
        className="planner",
        children=[
            html.H1(TEXT["planner.title"], className="page-title"),
            html.P(TEXT["planner.intro"], className="page-intro"),
            html.Div(
                className="planner-layout",
                children=[
                    html.Aside(className="card planner-aside", children=[planner_controls(PAGE)]),
                    html.Div(
                        className="planner-results",
                        children=[
                            error_banner(PAGE),
                            html.P(id=ids.PLANNER_SUMMARY, className="card-summary planner-summary"),
                            dcc.Loading(html.Div(id=ids.PLANNER_KPIS, className="kpi-row kpi-row-3"),
                                        delay_show=LOADING_DELAY_MS),
                            html.Section(className="card", children=[
                                dcc.Graph(id=ids.PLANNER_SUPPLY, config=CHART_CONFIG),
                            ]),
                            html.Section(className="card", children=[
                                html.H2(TEXT["chart.households_title"], className="card-title"),
                                dcc.Graph(id=ids.PLANNER_HOUSEHOLDS, config=CHART_CONFIG),
                            ]),
                        ],
                    ),
                ],
            ),
        ],
    )


@callback(
    Output(ids.PLANNER_SUMMARY, "children"),
    Output(ids.PLANNER_KPIS, "children"),
    Output(ids.PLANNER_SUPPLY, "figure"),
    Output(ids.PLANNER_HOUSEHOLDS, "figure"),
    Input(ids.SCENARIO_STORE, "data"),
)
def show_results(state: dict | None) -> tuple:
    """The scenario line, KPI cards and the two charts of the shared scenario."""
    if state is None:
        return (no_update,) * 4
    try:
        result = simulation(state)
    except KizunaInputError as error:
        return no_update, html.Div(problem_list(error.problems), className="error-banner", role="alert"), \
            no_update, no_update
    return (
        scenario_header(state),
        kpi_card_row(kpi_cards(result)),
        supply_figure(result.city_hourly),
        households_figure(result.city_hourly),
    )
