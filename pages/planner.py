"""Planner: every scenario control on the left, the KPI cards and key charts following on the right.

The page opens on the scenario of its link (``layout(**query)``); its own callback turns a
changed control into the page's new state and link (:mod:`components.page_link`), and
:func:`show_results` draws the result of the page's state.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, callback, dcc, html, no_update

from components import ids
from components.banners import problem_items
from components.kpi_cards import kpi_card_row
from components.page_link import PageControls, open_page, page_stores, register_page_callback, state_store_id
from components.results_cache import simulation
from components.scenario_controls import PLANNER_NAMES, error_banner, planner_controls, scenario_header
from presentation.chart_config import chart_config
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

CHART_CONFIG = chart_config("kizuna-planner")


def layout(**query: str) -> html.Div:
    """The planner set to the scenario of its link; values it cannot use are listed in its banner."""
    link = open_page(query)
    return html.Div(
        className="planner",
        children=[
            *page_stores(PAGE, link),
            html.H1(TEXT["planner.title"], className="page-title"),
            html.P(TEXT["planner.intro"], className="page-intro"),
            html.Div(
                className="planner-layout",
                children=[
                    html.Aside(className="card planner-aside", children=[planner_controls(PAGE, link.state)]),
                    html.Div(
                        className="planner-results",
                        children=[
                            error_banner(PAGE, link.problems),
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


register_page_callback(PageControls(PAGE, PLANNER_NAMES, full_form=True))


RESULT_OUTPUTS = {
    "summary": Output(ids.PLANNER_SUMMARY, "children"),
    "kpis": Output(ids.PLANNER_KPIS, "children"),
    "supply": Output(ids.PLANNER_SUPPLY, "figure"),
    "households": Output(ids.PLANNER_HOUSEHOLDS, "figure"),
}


@callback(output=RESULT_OUTPUTS, inputs={"state": Input(state_store_id(PAGE), "data")})
def show_results(state: dict | None) -> dict[str, Any]:
    """The scenario line, KPI cards and the two charts of the page's scenario."""
    if state is None:
        return dict.fromkeys(RESULT_OUTPUTS, no_update)
    try:
        result = simulation(state)
    except KizunaInputError as error:
        banner = html.Div(problem_items(TEXT["error.heading"], error.problems), className="error-banner", role="alert")
        return {**dict.fromkeys(RESULT_OUTPUTS, no_update), "kpis": banner}
    return {
        "summary": scenario_header(state),
        "kpis": kpi_card_row(kpi_cards(result)),
        "supply": supply_figure(result.city_hourly),
        "households": households_figure(result.city_hourly),
    }
