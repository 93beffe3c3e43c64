"""Home page: Saitama City's wards coloured by registered households."""

from __future__ import annotations

import dash
from dash import dcc, html

from components import ids
from presentation.chart_config import chart_config
from presentation.district_map import district_choropleth
from presentation.home_data import districts_geojson, districts_table
from presentation.text import TEXT

dash.register_page(
    __name__,
    path="/",
    name=TEXT["nav.home"],
    title=TEXT["home.page_title"],
    description=TEXT["home.intro"],
    order=0,
)

GRAPH_CONFIG = chart_config("saitama-households-by-ward", is_map=True)


def layout(**_query: str) -> html.Div:
    wards = districts_table()
    households = wards["households"]
    hover = wards[["name", "name_local", "population"]].rename(
        columns={
            "name": TEXT["home.hover_ward_en"],
            "name_local": TEXT["home.hover_ward_ja"],
            "population": TEXT["home.hover_population"],
        }
    )
    figure = district_choropleth(
        districts_geojson(),
        households,
        id_property="district_id",
        label=TEXT["home.map_label"],
        hover=hover,
        name_property="name",
    )
    summary = TEXT["home.summary"].format(
        wards=len(wards),
        households=int(households.sum()),
        population=int(wards["population"].sum()),
    )
    return html.Div(
        className="home",
        children=[
            html.H1(TEXT["home.title"], className="page-title"),
            html.P(TEXT["home.intro"], className="page-intro"),
            html.Div(
                className="home-actions",
                children=[
                    dcc.Link(TEXT["home.open_overview"], href="/overview", className="button"),
                    dcc.Link(TEXT["home.open_planner"], href="/planner", className="button button-secondary"),
                ],
            ),
            html.Section(
                className="card",
                children=[
                    html.P(summary, id=ids.HOME_SUMMARY, className="card-summary"),
                    dcc.Graph(id=ids.HOME_MAP, figure=figure, config=GRAPH_CONFIG, className="district-map"),
                    html.Div(
                        className="source-caption",
                        children=[
                            html.P(TEXT["home.source_boundaries"]),
                            html.P(TEXT["home.source_statistics"]),
                        ],
                    ),
                ],
            ),
        ],
    )
