"""V2H household estimator: how long one car keeps one home running, beside the carmaker's claim."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
from dash import Input, Output, callback, clientside_callback, dcc, html, no_update

from components import ids
from components.banners import problem_items
from components.household_controls import (
    BANNER_STYLE,
    GRID_STYLE,
    REPLACE_URL_QUERY_JS,
    STACK_STYLE,
    HouseholdControlIds,
    household_controls,
    labelled,
    register_essential_budget_toggle,
)
from presentation.household_state import (
    V2H_HORIZONS_H,
    city_options,
    household_from_controls,
    household_from_query,
    household_query,
)
from presentation.text import TEXT
from presentation.v2h_figures import (
    GRAPH_CONFIG,
    backup_figure,
    backup_headline,
    claim_comparison,
    energy_days_formula,
    engine_figures_text,
    usable_energy_formula,
)
from resilience.citydata import load_bundled_city
from resilience.errors import KizunaInputError
from resilience.records import Household
from resilience.v2h import default_start, household_backup
from resilience.vehicles import vehicle_catalogue
from wiring.downloads import v2h_downloads

dash.register_page(
    __name__,
    path="/v2h",
    name=TEXT["nav.v2h"],
    title=TEXT["v2h.page_title"],
    description=TEXT["v2h.intro"],
    order=40,
)

CONTROL_IDS = HouseholdControlIds(
    vehicle=ids.V2H_VEHICLE, soc=ids.V2H_SOC, reserve=ids.V2H_RESERVE, kw=ids.V2H_KW, load_mode=ids.V2H_LOAD_MODE,
    essential_kwh=ids.V2H_ESSENTIAL_KWH, pv_kwp=ids.V2H_PV_KWP, petrol=ids.V2H_PETROL, weather=ids.V2H_WEATHER,
)
BIG_NUMBER_STYLE = {"margin": "0.25rem 0 0", "fontSize": "1.9rem", "fontWeight": 700, "lineHeight": 1.15,
                    "fontVariantNumeric": "tabular-nums", "color": "var(--color-accent-strong)"}
DAYS_STYLE = {"margin": "0 0 0.75rem", "fontSize": "1.15rem", "fontWeight": 600}
FORMULA_STYLE = {"margin": "0.25rem 0", "fontFamily": "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
                 "fontSize": "0.86rem", "lineHeight": 1.45, "overflowWrap": "anywhere"}
CLAIM_BOX_STYLE = {"padding": "0.9rem 1rem", "background": "var(--color-page)", "borderRadius": "var(--radius)",
                   "border": "1px solid var(--color-border)"}
RESULT_GRID_STYLE = {"display": "grid", "gridTemplateColumns": "repeat(auto-fit, minmax(300px, 1fr))",
                     "gap": "1.25rem"}
DATE_ROW_STYLE = {"display": "grid", "gridTemplateColumns": "1fr 6.5rem", "gap": "0.5rem", "alignItems": "end"}


def _start_controls(start: dt.datetime) -> html.Div:
    date_picker = dcc.DatePickerSingle(id=ids.V2H_DATE, date=start.date().isoformat(), display_format="YYYY-MM-DD",
                                       first_day_of_week=1, clearable=False)
    hour = dcc.Dropdown(id=ids.V2H_HOUR, value=start.hour, clearable=False, searchable=False,
                        options=[{"label": TEXT["v2h.hour_option"].format(hour=h), "value": h} for h in range(24)])
    return html.Div(style=DATE_ROW_STYLE, children=[
        labelled(TEXT["v2h.label_date"], date_picker, ids.V2H_DATE),
        labelled(TEXT["v2h.label_hour"], hour, ids.V2H_HOUR),
    ])


def _controls(household: Household) -> html.Section:
    city = load_bundled_city(household.city_id)
    start = household.start or default_start(city)
    horizon = dcc.Dropdown(
        id=ids.V2H_HORIZON, value=household.duration_h, clearable=False, searchable=False,
        options=[{"label": TEXT["v2h.horizon_option"].format(days=h / 24, hours=h), "value": h}
                 for h in V2H_HORIZONS_H],
    )
    return html.Section(className="card", children=[
        html.H2(TEXT["v2h.controls_title"], className="card-title"),
        labelled(TEXT["household.label_city"],
                 dcc.Dropdown(id=ids.V2H_CITY, options=city_options(), value=household.city_id, clearable=False,
                              searchable=False),
                 ids.V2H_CITY),
        *household_controls(CONTROL_IDS, household, vehicle_catalogue()),
        _start_controls(start),
        labelled(TEXT["v2h.label_horizon"], horizon, ids.V2H_HORIZON),
    ])


def _results() -> html.Div:
    estimate = html.Div(children=[
        html.H2(TEXT["v2h.result_title"], className="card-title"),
        html.P(id=ids.V2H_HOURS, style=BIG_NUMBER_STYLE),
        html.P(id=ids.V2H_DAYS, style=DAYS_STYLE),
        html.H3(TEXT["v2h.formula_title"], className="field-label"),
        html.P(id=ids.V2H_FORMULA, style=FORMULA_STYLE),
        html.P(id=ids.V2H_DAYS_FORMULA, style=FORMULA_STYLE),
        html.P(TEXT["v2h.hours_explained"], className="field-hint"),
    ])
    claim = html.Div(style=CLAIM_BOX_STYLE, children=[
        html.H2(TEXT["v2h.claim_title"], className="card-title"),
        html.Div(id=ids.V2H_CLAIM),
    ])
    return html.Div(style=STACK_STYLE, children=[
        html.Section(className="card", children=[
            dcc.Loading(type="dot", delay_show=300, children=html.Div(style=RESULT_GRID_STYLE,
                                                                      children=[estimate, claim])),
        ]),
        html.Section(className="card", children=[
            html.H2(TEXT["v2h.chart_title"], className="card-title"),
            dcc.Loading(type="graph", delay_show=300, children=dcc.Graph(id=ids.V2H_GRAPH, config=GRAPH_CONFIG)),
            v2h_downloads(),
            html.Div(className="source-caption", children=[
                html.P(id=ids.V2H_METHOD),
                html.P(TEXT["v2h.source_vehicles"]),
            ]),
        ]),
    ])


def layout(**query: str) -> html.Div:
    household, link_problems = household_from_query(query)
    link_banner = (html.Div(problem_items(TEXT["v2h.link_problems_title"], link_problems), role="alert",
                            className="error-banner", style=BANNER_STYLE) if link_problems else None)
    return html.Div(className="v2h", children=[
        html.H1(TEXT["v2h.title"], className="page-title"),
        html.P(TEXT["v2h.intro"], className="page-intro"),
        link_banner,
        html.Div(id=ids.V2H_ERROR, role="alert", hidden=True, className="error-banner",
                 style=BANNER_STYLE),
        dcc.Store(id=ids.V2H_STATE),
        dcc.Store(id=ids.V2H_URL_SYNC),
        html.Div(style=GRID_STYLE, children=[_controls(household), _results()]),
    ])


def start_from_controls(date: Any, hour: Any) -> dt.datetime | None:
    """The naive local outage start from the date picker's ``YYYY-MM-DD`` and the hour dropdown.

    Raises
    ------
    KizunaInputError
        For a date or an hour that cannot be read.
    """
    problems = []
    day = None
    if date:
        try:
            day = dt.date.fromisoformat(str(date)[:10])
        except ValueError:
            problems.append(TEXT["v2h.problem_date"].format(value=date))
    if not (isinstance(hour, int) and not isinstance(hour, bool) and 0 <= hour <= 23):
        problems.append(TEXT["v2h.problem_hour"].format(value=hour))
    if problems:
        raise KizunaInputError(problems)
    return None if day is None else dt.datetime.combine(day, dt.time(hour))


@callback(
    Output(ids.V2H_HOURS, "children"),
    Output(ids.V2H_DAYS, "children"),
    Output(ids.V2H_FORMULA, "children"),
    Output(ids.V2H_DAYS_FORMULA, "children"),
    Output(ids.V2H_CLAIM, "children"),
    Output(ids.V2H_GRAPH, "figure"),
    Output(ids.V2H_METHOD, "children"),
    Output(ids.V2H_ERROR, "children"),
    Output(ids.V2H_ERROR, "hidden"),
    Output(ids.V2H_STATE, "data"),
    Input(ids.V2H_CITY, "value"),
    Input(ids.V2H_VEHICLE, "value"),
    Input(ids.V2H_SOC, "value"),
    Input(ids.V2H_RESERVE, "value"),
    Input(ids.V2H_KW, "value"),
    Input(ids.V2H_LOAD_MODE, "value"),
    Input(ids.V2H_ESSENTIAL_KWH, "value"),
    Input(ids.V2H_PV_KWP, "value"),
    Input(ids.V2H_PETROL, "value"),
    Input(ids.V2H_WEATHER, "value"),
    Input(ids.V2H_DATE, "date"),
    Input(ids.V2H_HOUR, "value"),
    Input(ids.V2H_HORIZON, "value"),
)
def update_estimate(city_id, vehicle_id, soc_percent, reserve_percent, v2h_kw, load_mode, essential_kwh_per_day,
                    pv_kwp, petrol_litres, weather, date, hour, horizon_h):
    """Estimate the household's backup from the controls; on bad input keep the last result and list the problems."""
    try:
        household = household_from_controls(
            city_id=city_id, vehicle_id=vehicle_id, soc_percent=soc_percent, reserve_percent=reserve_percent,
            v2h_kw=v2h_kw, load_mode=load_mode, essential_kwh_per_day=essential_kwh_per_day, pv_kwp=pv_kwp,
            petrol_litres=petrol_litres, weather=weather, start=start_from_controls(date, hour), duration_h=horizon_h,
        )
        backup = household_backup(household)
    except KizunaInputError as error:
        banner = problem_items(TEXT["v2h.error_title"], error.problems)
        return (*([no_update] * 7), banner, False, no_update)
    hours, days = backup_headline(backup)
    city = backup.city
    kwh_per_litre = backup.estimate.engine_kwh_per_litre
    engine = (TEXT["v2h.engine_phev"].format(kwh_per_litre=kwh_per_litre) if kwh_per_litre > 0
              else TEXT["v2h.engine_none"])
    method = TEXT["v2h.source_model"].format(
        efficiency=backup.discharge_efficiency, soc_max=city.fleet.soc_max,
        charge_efficiency=city.fleet.charge_efficiency, engine=engine,
        load_shape=city.load_shape, city=city.name,
    )
    state = {"household": household.to_dict(), "query": household_query(household)}
    return (hours, days, usable_energy_formula(backup, household.soc_start, household.reserve_soc),
            energy_days_formula(backup), claim_children(backup, household.reserve_soc),
            backup_figure(backup, household.reserve_soc), method, [], True, state)


CLAIM_FIGURE_STYLE = {"margin": 0, "fontWeight": 700, "fontSize": "1.1rem", "color": "var(--color-accent-strong)"}


def claim_children(backup, reserve_soc: float) -> list:
    """The carmaker's claim, Kizuna on the claim's basis beside Kizuna's planning basis, and the claim's source."""
    comparison = claim_comparison(backup, reserve_soc)
    engine = engine_figures_text(str(backup.vehicle.name))
    engine_line = [html.P(engine, className="field-hint")] if engine else []
    if comparison is None:
        return [html.P(TEXT["v2h.claim_none"], style={"margin": 0}), *engine_line]
    return [
        html.P(comparison.says, style={"margin": "0 0 0.25rem", "fontWeight": 600}),
        html.P(comparison.read_as, className="field-hint"),
        html.P(comparison.basis, style=CLAIM_FIGURE_STYLE),
        html.P([comparison.basis_how, " ", comparison.verdict], className="field-hint"),
        html.P(comparison.planning, style=CLAIM_FIGURE_STYLE),
        html.P(comparison.planning_how, className="field-hint"),
        *engine_line,
        html.P(TEXT["v2h.claim_note"], className="field-hint"),
        html.P(TEXT["v2h.claim_source"].format(source=comparison.source), className="field-hint"),
    ]


register_essential_budget_toggle(CONTROL_IDS)

clientside_callback(
    REPLACE_URL_QUERY_JS,
    Output(ids.V2H_URL_SYNC, "data"),
    Input(ids.V2H_STATE, "data"),
)
