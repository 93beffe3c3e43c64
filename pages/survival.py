"""Survival analysis: the 8,760-start outage sweep of a facility or a V2H household, run as a background job."""

from __future__ import annotations

import json

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from components import ids
from components.background import failure_message, one_at_a_time
from components.banners import problem_items
from components.household_controls import (
    BANNER_STYLE,
    GRID_STYLE,
    REPLACE_URL_QUERY_JS,
    STACK_STYLE,
    HouseholdControlIds,
    household_controls,
    labelled,
    radio_group,
    register_essential_budget_toggle,
)
from presentation.household_state import (
    SURVIVAL_HORIZONS_H,
    city_options,
    household_from_controls,
    setup_from_query,
    setup_query,
)
from presentation.survival_figures import (
    GRAPH_CONFIG,
    duration_shares,
    heatmap_figure,
    probability_figure,
    summary_text,
)
from presentation.text import TEXT
from resilience.citydata import load_bundled_city
from resilience.errors import KizunaInputError
from resilience.records import City, SurvivalSetup
from resilience.systems import REFERENCE_YEAR, find_facility, run_survival, survival_inputs
from resilience.v2h import household_engine_kwh_per_litre
from resilience.vehicles import vehicle_catalogue
from wiring.downloads import survival_downloads

dash.register_page(
    __name__,
    path="/survival",
    name=TEXT["nav.survival"],
    title=TEXT["survival.page_title"],
    description=TEXT["survival.intro"],
    order=50,
)

CONTROL_IDS = HouseholdControlIds(
    vehicle=ids.SURVIVAL_VEHICLE, soc=ids.SURVIVAL_SOC, reserve=ids.SURVIVAL_RESERVE, kw=ids.SURVIVAL_KW,
    load_mode=ids.SURVIVAL_LOAD_MODE, essential_kwh=ids.SURVIVAL_ESSENTIAL_KWH, pv_kwp=ids.SURVIVAL_PV_KWP,
    petrol=ids.SURVIVAL_PETROL, weather=ids.SURVIVAL_WEATHER,
)
PROGRESS_STAGES = 3
#: While a sweep runs, the page checks every WATCHDOG_TICK_MS that its progress still moves; with no news for
#: STALL_S (the server restarted while the browser polled, or the connection was lost) it ends the running
#: state with a banner. The server reports a job lost sooner (components/background.py: 30 s without a
#: heartbeat, 60 s in Celery's queue); this catches the browser that stopped asking.
WATCHDOG_TICK_MS = 5_000
STALL_S = 90
WATCHDOG_INTERVAL = "survival-watchdog"
WATCHDOG_MEMO = "survival-watchdog-memo"
#: The stylesheet has no disabled look for .button: a button that cannot be pressed is dimmed here.
ENABLED_BUTTON_STYLE: dict = {}
DISABLED_BUTTON_STYLE = {"opacity": 0.45, "cursor": "not-allowed"}
SUMMARY_STYLE = {"margin": "0 0 0.4rem", "fontSize": "1.2rem", "fontWeight": 700, "fontVariantNumeric": "tabular-nums",
                 "color": "var(--color-accent-strong)"}


def facility_options(city: City) -> list[dict[str, str]]:
    """Dropdown options: one per facility of the city, labelled by its name."""
    return [{"label": facility.name, "value": facility.id} for facility in city.facilities]


def facility_facts(city: City, facility_id: str | None) -> str:
    """One line with the facility's critical load and backup equipment."""
    facility = find_facility(city, facility_id)
    return TEXT["survival.facility_facts"].format(
        load_kw=facility.critical_load_kw, type=facility.type.replace("_", " "), generator_kw=facility.generator_kw,
        fuel_litres=facility.fuel_litres, battery_kwh=facility.battery_kwh, pv_kwp=facility.pv_kwp,
    )


def _controls(setup: SurvivalSetup) -> html.Section:
    household = setup.household
    city = load_bundled_city(household.city_id)
    facility_id = setup.facility_id or (city.facilities[0].id if city.facilities else None)
    duration = dcc.Dropdown(
        id=ids.SURVIVAL_MAX_DURATION, value=setup.max_duration_h, clearable=False, searchable=False,
        options=[{"label": TEXT[f"survival.duration_{h}"], "value": h} for h in SURVIVAL_HORIZONS_H],
    )
    household_box = household_controls(CONTROL_IDS, household, vehicle_catalogue())
    weather = household_box.pop()  # PV weather applies to facilities too, so it sits outside the household box
    return html.Section(className="card", children=[
        html.H2(TEXT["survival.controls_title"], className="card-title"),
        labelled(TEXT["household.label_city"],
                 dcc.Dropdown(id=ids.SURVIVAL_CITY, options=city_options(), value=household.city_id,
                              clearable=False, searchable=False),
                 ids.SURVIVAL_CITY),
        radio_group(TEXT["survival.label_source"], ids.SURVIVAL_SOURCE,
                    [{"label": TEXT["survival.source_facility"], "value": "facility"},
                     {"label": TEXT["survival.source_household"], "value": "household"}], setup.source),
        html.Div(id=ids.SURVIVAL_FACILITY_BOX, hidden=setup.source != "facility", children=[
            labelled(TEXT["survival.label_facility"],
                     dcc.Dropdown(id=ids.SURVIVAL_FACILITY, options=facility_options(city), value=facility_id,
                                  clearable=False, searchable=True),
                     ids.SURVIVAL_FACILITY),
            html.P(facility_facts(city, facility_id) if facility_id else "", id=ids.SURVIVAL_FACILITY_FACTS,
                   className="field-hint",
                   style={"marginTop": "-0.5rem", "marginBottom": "0.9rem"}),
        ]),
        html.Div(id=ids.SURVIVAL_HOUSEHOLD_BOX, hidden=setup.source != "household", children=household_box),
        weather,
        labelled(TEXT["survival.label_max_duration"], duration, ids.SURVIVAL_MAX_DURATION),
        html.Div(style={"display": "flex", "gap": "0.5rem", "flexWrap": "wrap"}, children=[
            html.Button(TEXT["survival.run"], id=ids.SURVIVAL_RUN, n_clicks=0, type="button", className="button",
                        style=ENABLED_BUTTON_STYLE),
            html.Button(TEXT["survival.cancel"], id=ids.SURVIVAL_CANCEL, n_clicks=0, type="button", disabled=True,
                        className="button button-secondary", style=DISABLED_BUTTON_STYLE),
        ]),
        html.Div(id=ids.SURVIVAL_PROGRESS_BOX, hidden=True, style={"marginTop": "0.9rem"}, children=[
            html.Label(TEXT["survival.progress_label"], htmlFor=ids.SURVIVAL_PROGRESS, className="field-label"),
            html.Progress(id=ids.SURVIVAL_PROGRESS, value="0", max=str(PROGRESS_STAGES),
                          style={"display": "block", "width": "100%", "height": "0.9rem"}),
            html.P(id=ids.SURVIVAL_PROGRESS_LABEL, className="field-hint"),
        ]),
        dcc.Interval(id=WATCHDOG_INTERVAL, interval=WATCHDOG_TICK_MS),
        dcc.Store(id=WATCHDOG_MEMO),
    ])


def _results() -> html.Div:
    return html.Div(style=STACK_STYLE, children=[
        html.Section(className="card", children=[
            html.H2(TEXT["survival.probability_title"], className="card-title"),
            html.P(TEXT["survival.not_run"], id=ids.SURVIVAL_SUBJECT, className="card-note"),
            html.P(id=ids.SURVIVAL_SUMMARY, style=SUMMARY_STYLE),
            html.Ul(id=ids.SURVIVAL_SHARES, style={"margin": "0 0 0.5rem", "paddingLeft": "1.2rem"}),
            html.P(TEXT["survival.three_answers"], className="card-note survival-three-answers"),
            dcc.Graph(id=ids.SURVIVAL_PROBABILITY_GRAPH, config=GRAPH_CONFIG, figure=_empty_figure()),
            survival_downloads(),
        ]),
        html.Section(className="card", children=[
            html.H2(TEXT["survival.heatmap_title"], className="card-title"),
            dcc.Graph(id=ids.SURVIVAL_HEATMAP_GRAPH, config=GRAPH_CONFIG, figure=_empty_figure()),
            html.Div(className="source-caption", children=[
                html.P(id=ids.SURVIVAL_METHOD),
                html.P(TEXT["survival.source_facilities"]),
                html.P(TEXT["survival.source_vehicles"]),
            ]),
        ]),
    ])


def _empty_figure() -> dict:
    # Axes hidden until the first sweep: an empty Plotly grid would look like a result of zero.
    return {"data": [], "layout": {"height": 120, "xaxis": {"visible": False}, "yaxis": {"visible": False},
                                   "margin": {"l": 0, "r": 0, "t": 0, "b": 0}}}


def layout(**query: str) -> html.Div:
    setup, link_problems = setup_from_query(query)
    link_banner = (html.Div(problem_items(TEXT["v2h.link_problems_title"], link_problems), role="alert",
                            className="error-banner", style=BANNER_STYLE) if link_problems else None)
    return html.Div(className="survival", children=[
        html.H1(TEXT["survival.title"], className="page-title"),
        html.P(TEXT["survival.intro"], className="page-intro"),
        link_banner,
        html.Div(id=ids.SURVIVAL_ERROR, role="alert", hidden=True, className="error-banner",
                 style=BANNER_STYLE),
        dcc.Store(id=ids.SURVIVAL_STATE, data=state_of(setup)),
        dcc.Store(id=ids.SURVIVAL_URL_SYNC),
        html.Div(style=GRID_STYLE, children=[_controls(setup), _results()]),
    ])


def state_of(setup: SurvivalSetup) -> dict:
    """What the page keeps in its store: the setup's plain data and its link."""
    return {"setup": setup.to_dict(), "query": setup_query(setup)}


def setup_from_controls(city_id, source, facility_id, vehicle_id, soc_percent, reserve_percent, v2h_kw, load_mode,
                        essential_kwh_per_day, pv_kwp, petrol_litres, weather, max_duration_h) -> SurvivalSetup:
    """The setup the controls describe.

    Raises
    ------
    KizunaInputError
        One line per bad control.
    """
    household = household_from_controls(
        city_id=city_id, vehicle_id=vehicle_id, soc_percent=soc_percent, reserve_percent=reserve_percent,
        v2h_kw=v2h_kw, load_mode=load_mode, essential_kwh_per_day=essential_kwh_per_day, pv_kwp=pv_kwp,
        petrol_litres=petrol_litres, weather=weather,
    )
    return SurvivalSetup.from_dict({"source": source, "facility_id": facility_id, "max_duration_h": max_duration_h,
                                    "household": household.to_dict()})


CONTROL_STATES = [
    State(ids.SURVIVAL_CITY, "value"),
    State(ids.SURVIVAL_SOURCE, "value"),
    State(ids.SURVIVAL_FACILITY, "value"),
    State(ids.SURVIVAL_VEHICLE, "value"),
    State(ids.SURVIVAL_SOC, "value"),
    State(ids.SURVIVAL_RESERVE, "value"),
    State(ids.SURVIVAL_KW, "value"),
    State(ids.SURVIVAL_LOAD_MODE, "value"),
    State(ids.SURVIVAL_ESSENTIAL_KWH, "value"),
    State(ids.SURVIVAL_PV_KWP, "value"),
    State(ids.SURVIVAL_PETROL, "value"),
    State(ids.SURVIVAL_WEATHER, "value"),
    State(ids.SURVIVAL_MAX_DURATION, "value"),
]


@callback(
    Output(ids.SURVIVAL_FACILITY, "options"),
    Output(ids.SURVIVAL_FACILITY, "value"),
    Input(ids.SURVIVAL_CITY, "value"),
    State(ids.SURVIVAL_FACILITY, "value"),
    prevent_initial_call=True,
)
def update_facility_choices(city_id, facility_id):
    """The new city's facilities; the chosen one stays if the city has it, else the first."""
    city = load_bundled_city(city_id)
    options = facility_options(city)
    known = {option["value"] for option in options}
    return options, facility_id if facility_id in known else (options[0]["value"] if options else None)


@callback(
    Output(ids.SURVIVAL_FACILITY_FACTS, "children"),
    Input(ids.SURVIVAL_CITY, "value"),
    Input(ids.SURVIVAL_FACILITY, "value"),
)
def show_facility_facts(city_id, facility_id):
    """The chosen facility's load and equipment, or nothing while the choice does not fit the city."""
    try:
        return facility_facts(load_bundled_city(city_id), facility_id)
    except KizunaInputError:
        return ""


@callback(
    Output(ids.SURVIVAL_FACILITY_BOX, "hidden"),
    Output(ids.SURVIVAL_HOUSEHOLD_BOX, "hidden"),
    Input(ids.SURVIVAL_SOURCE, "value"),
)
def show_source_controls(source):
    """Show the facility choice or the household controls, whichever is swept."""
    return source != "facility", source != "household"


@callback(
    Output(ids.SURVIVAL_STATE, "data"),
    [Input(state.component_id, state.component_property) for state in CONTROL_STATES],
    prevent_initial_call=True,
)
def remember_setup(*controls):
    """Keep the setup (and its link) in the page's store whenever a control changes to a valid value."""
    try:
        return state_of(setup_from_controls(*controls))
    except KizunaInputError:
        return no_update


def sweep_failed(error: Exception) -> tuple:
    """The sweep's outputs when its job could not deliver (workers away, job lost or failed): a banner, nothing else."""
    return (*([no_update] * 6), problem_items(TEXT["background.title"], [failure_message(error)]), False)


@callback(
    Output(ids.SURVIVAL_SUBJECT, "children"),
    Output(ids.SURVIVAL_SUMMARY, "children"),
    Output(ids.SURVIVAL_SHARES, "children"),
    Output(ids.SURVIVAL_PROBABILITY_GRAPH, "figure"),
    Output(ids.SURVIVAL_HEATMAP_GRAPH, "figure"),
    Output(ids.SURVIVAL_METHOD, "children"),
    Output(ids.SURVIVAL_ERROR, "children"),
    Output(ids.SURVIVAL_ERROR, "hidden"),
    Input(ids.SURVIVAL_RUN, "n_clicks"),
    *CONTROL_STATES,
    background=True,
    progress=[
        Output(ids.SURVIVAL_PROGRESS, "value"),
        Output(ids.SURVIVAL_PROGRESS, "max"),
        Output(ids.SURVIVAL_PROGRESS_LABEL, "children"),
    ],
    progress_default=["0", str(PROGRESS_STAGES), ""],
    running=[
        (Output(ids.SURVIVAL_RUN, "disabled"), True, False),
        (Output(ids.SURVIVAL_CANCEL, "disabled"), False, True),
        (Output(ids.SURVIVAL_RUN, "style"), DISABLED_BUTTON_STYLE, ENABLED_BUTTON_STYLE),
        (Output(ids.SURVIVAL_CANCEL, "style"), ENABLED_BUTTON_STYLE, DISABLED_BUTTON_STYLE),
        (Output(ids.SURVIVAL_PROGRESS_BOX, "hidden"), False, True),
    ],
    cancel=[Input(ids.SURVIVAL_CANCEL, "n_clicks")],
    interval=500,
    on_error=sweep_failed,
)
def run_sweep(set_progress, _n_clicks, *controls):
    """Build the year's load and PV, sweep the 8,760 starts and draw the figures, reporting each stage.

    Runs on page load (so a link restores its results) and on every press of Run. Every request is its own
    job (components/background.py); identical sweeps running at once are computed once and shared.
    """
    set_progress(("1", str(PROGRESS_STAGES), TEXT["survival.stage_inputs"]))
    try:
        setup = setup_from_controls(*controls)
        city = load_bundled_city(setup.household.city_id)  # the browser's city id: a bundled city, never a path
        inputs = survival_inputs(setup)
        set_progress(("2", str(PROGRESS_STAGES), TEXT["survival.stage_sweep"]))
        with one_at_a_time("survival_sweep_setup", setup.to_dict()):
            result = run_survival(inputs, setup.max_duration_h)
    except KizunaInputError as error:
        banner = problem_items(TEXT["survival.error_title"], error.problems)
        return (*([no_update] * 6), banner, False)
    set_progress(("3", str(PROGRESS_STAGES), TEXT["survival.stage_figures"]))
    subject = TEXT["survival.subject"].format(label=inputs.label, year=REFERENCE_YEAR,
                                              horizon_h=setup.max_duration_h)
    shares = [html.Li(line) for line in duration_shares(result)]
    # A PHEV's engine yield is the chosen car's own (its carmaker's claim); a BEV shows the city fleet's figure.
    kwh_per_litre = household_engine_kwh_per_litre(setup.household.vehicle_id, city)
    engine = (TEXT["survival.engine_phev"].format(kwh_per_litre=kwh_per_litre) if kwh_per_litre > 0
              else TEXT["v2h.engine_none"])
    method = TEXT["survival.method"].format(year=REFERENCE_YEAR, engine=engine)
    return (subject, summary_text(result), shares, probability_figure(result), heatmap_figure(result), method,
            [], True)


#: The watchdog (see STALL_S): remembers the progress shown and since when; ends a stalled running state.
WATCHDOG_JS = """
function (_ticks, value, label, boxHidden, memo) {
    const noUpdate = window.dash_clientside.no_update;
    const now = Date.now();
    const seen = JSON.stringify([value, label]);
    const quiet = Array(7).fill(noUpdate);
    if (boxHidden !== false) {
        return [memo === null ? noUpdate : null, ...quiet];
    }
    if (!memo || memo.seen !== seen) {
        return [{seen: seen, since: now}, ...quiet];
    }
    if (now - memo.since < __STALL_MS__) {
        return [noUpdate, ...quiet];
    }
    return [null, true, false, __ENABLED__, true, __DISABLED__, __BANNER__, false];
}
"""


def _watchdog_js() -> str:
    banner = [{"namespace": "dash_html_components", "type": "Strong", "props": {"children": TEXT["background.title"]}},
              {"namespace": "dash_html_components", "type": "Ul", "props": {"children": [
                  {"namespace": "dash_html_components", "type": "Li",
                   "props": {"children": TEXT["background.stalled"].format(seconds=STALL_S)}}]}}]
    constants = {"__STALL_MS__": STALL_S * 1000, "__ENABLED__": ENABLED_BUTTON_STYLE,
                 "__DISABLED__": DISABLED_BUTTON_STYLE, "__BANNER__": banner}
    script = WATCHDOG_JS
    for name, value in constants.items():
        script = script.replace(name, json.dumps(value, ensure_ascii=False))
    return script


clientside_callback(
    _watchdog_js(),
    Output(WATCHDOG_MEMO, "data"),
    Output(ids.SURVIVAL_PROGRESS_BOX, "hidden", allow_duplicate=True),
    Output(ids.SURVIVAL_RUN, "disabled", allow_duplicate=True),
    Output(ids.SURVIVAL_RUN, "style", allow_duplicate=True),
    Output(ids.SURVIVAL_CANCEL, "disabled", allow_duplicate=True),
    Output(ids.SURVIVAL_CANCEL, "style", allow_duplicate=True),
    Output(ids.SURVIVAL_ERROR, "children", allow_duplicate=True),
    Output(ids.SURVIVAL_ERROR, "hidden", allow_duplicate=True),
    Input(WATCHDOG_INTERVAL, "n_intervals"),
    State(ids.SURVIVAL_PROGRESS, "value"),
    State(ids.SURVIVAL_PROGRESS_LABEL, "children"),
    State(ids.SURVIVAL_PROGRESS_BOX, "hidden"),
    State(WATCHDOG_MEMO, "data"),
    prevent_initial_call=True,
)


register_essential_budget_toggle(CONTROL_IDS)

clientside_callback(
    REPLACE_URL_QUERY_JS,
    Output(ids.SURVIVAL_URL_SYNC, "data"),
    Input(ids.SURVIVAL_STATE, "data"),
)
