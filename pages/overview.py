"""Overview: the chosen outage on the chosen city, for city staff.

KPI cards, a district map over the outage hours (a slider or Play moves it; only the
colours are sent, as a ``Patch``), demand served by source, and the critical
facilities in a sortable, filterable table.
"""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from components import ids
from components.banners import problem_items
from components.facility_table import facility_grid
from components.kpi_cards import kpi_card_row
from components.map_patch import district_map_patch
from components.page_link import (
    PageControls,
    open_page,
    page_stores,
    query_store_id,
    register_page_callback,
    state_store_id,
    view_control_id,
    view_value,
)
from components.results_cache import simulation
from components.scenario_controls import PICKER_NAMES, error_banner, scenario_header, scenario_picker
from presentation.chart_config import chart_config
from presentation.facility_rows import facility_rows
from presentation.figures import MAP_METRICS, district_map_figure, supply_figure
from presentation.kpi_content import kpi_cards
from presentation.text import TEXT
from presentation.url_codec import is_query
from resilience.citydata import load_districts_geojson
from resilience.errors import KizunaInputError

PAGE = ids.PAGE_OVERVIEW
LOADING_DELAY_MS = 250
PLAY_INTERVAL_MS = 600
#: Playing the map takes about this many steps, whatever the length of the run.
PLAY_STEPS = 48

dash.register_page(
    __name__,
    path="/overview",
    name=TEXT["nav.overview"],
    title=TEXT["overview.page_title"],
    description=TEXT["overview.intro"],
    order=1,
)

CHART_CONFIG = chart_config("kizuna-overview")
MAP_CONFIG = chart_config("kizuna-overview-map", is_map=True)


def layout(**query: str) -> html.Div:
    """The Overview of the scenario in its link; values it cannot use are listed in its banner."""
    link = open_page(query)
    return html.Div(
        className="overview",
        children=[
            *page_stores(PAGE, link),
            html.Div(className="page-head", children=[
                html.Div([
                    html.H1(TEXT["overview.title"], className="page-title"),
                    html.P(TEXT["overview.intro"], className="page-intro"),
                ]),
                dcc.Link(TEXT["overview.planner_link"], href="/planner" + link.query, id=ids.OVERVIEW_PLANNER_LINK,
                         className="button button-secondary"),
            ]),
            html.Section(className="card scenario-card", children=[
                scenario_picker(PAGE, link.state),
                html.P(id=ids.OVERVIEW_SUMMARY, className="card-summary"),
            ]),
            error_banner(PAGE, link.problems),
            dcc.Loading(html.Div(id=ids.OVERVIEW_KPIS, className="kpi-row"), delay_show=LOADING_DELAY_MS),
            html.Section(className="card map-card", children=[
                html.H2(TEXT["overview.map_title"], className="card-title"),
                html.Fieldset(className="map-metrics", children=[
                    html.Legend(TEXT["overview.map_metric"]),
                    dcc.RadioItems(
                        id=view_control_id(PAGE, ids.VIEW_MAP_METRIC),
                        options=[{"label": html.Span(TEXT[m.label_key], title=TEXT[m.explain_key]),
                                  "value": metric_id} for metric_id, m in MAP_METRICS.items()],
                        value=view_value(link.view, ids.VIEW_MAP_METRIC),
                        className="radio-row",
                    ),
                ]),
                dcc.Store(id=ids.OVERVIEW_MAP_CITY, data=None),
                dcc.Loading(
                    dcc.Graph(id=ids.OVERVIEW_MAP, config=MAP_CONFIG, className="district-map"),
                    delay_show=LOADING_DELAY_MS,
                    target_components={ids.OVERVIEW_MAP: "figure"},
                ),
                html.Div(className="map-time", children=[
                    html.Button(TEXT["overview.play"], id=ids.OVERVIEW_MAP_PLAY, type="button",
                                className="button button-secondary play-button"),
                    html.Div(className="field map-hour", children=[
                        html.Label(TEXT["overview.map_hour"], htmlFor=ids.OVERVIEW_MAP_HOUR, className="field-label"),
                        dcc.Slider(id=ids.OVERVIEW_MAP_HOUR, min=0, max=167, step=1, value=0,
                                   updatemode="drag", className="control-slider"),
                    ]),
                    dcc.Interval(id=ids.OVERVIEW_MAP_TIMER, interval=PLAY_INTERVAL_MS, disabled=True),
                ]),
                html.P(id=ids.OVERVIEW_MAP_NOW, className="map-now", **{"aria-live": "polite"}),
            ]),
            html.Section(className="card", children=[
                html.H2(TEXT["overview.supply_title"], className="card-title"),
                dcc.Loading(dcc.Graph(id=ids.OVERVIEW_SUPPLY, config=CHART_CONFIG), delay_show=LOADING_DELAY_MS),
            ]),
            html.Section(className="card", children=[
                html.H2(TEXT["overview.facilities_title"], className="card-title"),
                html.P(TEXT["overview.facilities_intro"], className="card-note"),
                facility_grid(ids.OVERVIEW_FACILITIES),
            ]),
            html.Div(className="source-caption", children=[
                html.P(TEXT["overview.source_boundaries"]),
            ]),
        ],
    )


register_page_callback(PageControls(PAGE, PICKER_NAMES, view_names=(ids.VIEW_MAP_METRIC,)))


@callback(
    output={"href": Output(ids.OVERVIEW_PLANNER_LINK, "href")},
    inputs={"query": Input(query_store_id(PAGE), "data")},
)
def planner_link(query: str | None) -> dict[str, str]:
    """The "Open the planner" button carries the page's scenario, like the top bar."""
    return {"href": "/planner" + (query if is_query(query) else "")}


RESULT_OUTPUTS = {
    "summary": Output(ids.OVERVIEW_SUMMARY, "children"),
    "kpis": Output(ids.OVERVIEW_KPIS, "children"),
    "supply": Output(ids.OVERVIEW_SUPPLY, "figure"),
    "facilities": Output(ids.OVERVIEW_FACILITIES, "rowData"),
    "hour_max": Output(ids.OVERVIEW_MAP_HOUR, "max"),
    "hour_marks": Output(ids.OVERVIEW_MAP_HOUR, "marks"),
    "hour": Output(ids.OVERVIEW_MAP_HOUR, "value"),
}
MAP_OUTPUTS = {
    "figure": Output(ids.OVERVIEW_MAP, "figure"),
    "now": Output(ids.OVERVIEW_MAP_NOW, "children"),
    "drawn_city": Output(ids.OVERVIEW_MAP_CITY, "data"),
}


@callback(
    output=RESULT_OUTPUTS,
    inputs={"state": Input(state_store_id(PAGE), "data")},
    state={"hour": State(ids.OVERVIEW_MAP_HOUR, "value")},
)
def show_results(state: dict | None, hour: int | None) -> dict[str, Any]:
    """KPI cards, supply chart, facility rows and the hour slider's range for the page's scenario."""
    if state is None:
        return dict.fromkeys(RESULT_OUTPUTS, no_update)
    try:
        result = simulation(state)
    except KizunaInputError as error:
        banner = html.Div(problem_items(TEXT["error.heading"], error.problems), className="error-banner", role="alert")
        return {**dict.fromkeys(RESULT_OUTPUTS, no_update), "kpis": banner, "facilities": []}
    last = len(result.index) - 1
    return {
        "summary": scenario_header(state, notes=True),
        "kpis": kpi_card_row(kpi_cards(result)),
        "supply": supply_figure(result.city_hourly),
        "facilities": facility_rows(result),
        "hour_max": last,
        "hour_marks": _hour_marks(last),
        "hour": min(hour or 0, last),
    }


@callback(
    output=MAP_OUTPUTS,
    inputs={"state": Input(state_store_id(PAGE), "data"),
            "metric_id": Input(view_control_id(PAGE, ids.VIEW_MAP_METRIC), "value"),
            "hour": Input(ids.OVERVIEW_MAP_HOUR, "value")},
    state={"drawn_city": State(ids.OVERVIEW_MAP_CITY, "data")},
)
def show_map(state: dict | None, metric_id: str | None, hour: int | None, drawn_city: str | None
             ) -> dict[str, Any]:
    """The district map at the chosen hour.

    The outlines travel once per city: another hour, metric or scenario of the city
    already drawn only sends the new colours (a ``Patch``).
    """
    if state is None or metric_id not in MAP_METRICS:
        return dict.fromkeys(MAP_OUTPUTS, no_update)
    try:
        result = simulation(state)
    except KizunaInputError:
        return dict.fromkeys(MAP_OUTPUTS, no_update)
    hour = min(int(hour or 0), len(result.index) - 1)
    if drawn_city != state["city"]:
        figure: Any = district_map_figure(load_districts_geojson(state["city"]), result, metric_id, hour)
    else:
        figure = district_map_patch(result, metric_id, hour, restyle=ctx.triggered_id != ids.OVERVIEW_MAP_HOUR)
    return {"figure": figure, "now": _now_text(result, hour), "drawn_city": state["city"]}


def _now_text(result, hour: int) -> str:
    hourly = result.city_hourly.iloc[hour]
    households = sum(d.households for d in result.city.districts)
    restored = 100.0 * (1.0 - hourly["households_off_grid"] / households) if households else 100.0
    return TEXT["overview.map_now"].format(hour=hour, time=result.index[hour].strftime("%a %d %b %H:%M"),
                                           without=hourly["households_without_power"], restored=restored)


def _hour_marks(last: int) -> dict[int, str]:
    step = 24 if last <= 24 * 8 else 24 * 7 if last > 24 * 40 else 48
    marks = {h: TEXT["mark.hours"].format(value=h) for h in range(0, last + 1, step)}
    marks[last] = TEXT["mark.hours"].format(value=last)
    return marks


# Play: the browser steps the slider by itself; only the map's colours travel.
clientside_callback(
    """
    function(n_clicks, disabled) {
        const playing = disabled === false;
        return [playing, playing ? __PLAY_LABEL__ : __PAUSE_LABEL__];
    }
    """.replace("__PLAY_LABEL__", json.dumps(TEXT["overview.play"]))
    .replace("__PAUSE_LABEL__", json.dumps(TEXT["overview.pause"])),
    Output(ids.OVERVIEW_MAP_TIMER, "disabled"),
    Output(ids.OVERVIEW_MAP_PLAY, "children"),
    Input(ids.OVERVIEW_MAP_PLAY, "n_clicks"),
    State(ids.OVERVIEW_MAP_TIMER, "disabled"),
    prevent_initial_call=True,
)

clientside_callback(
    """
    function(n_intervals, hour, last) {
        const step = Math.max(1, Math.round(last / __PLAY_STEPS__));
        const next = (hour || 0) + step;
        return next > last ? 0 : next;
    }
    """.replace("__PLAY_STEPS__", str(PLAY_STEPS)),
    Output(ids.OVERVIEW_MAP_HOUR, "value", allow_duplicate=True),
    Input(ids.OVERVIEW_MAP_TIMER, "n_intervals"),
    State(ids.OVERVIEW_MAP_HOUR, "value"),
    State(ids.OVERVIEW_MAP_HOUR, "max"),
    prevent_initial_call=True,
)
