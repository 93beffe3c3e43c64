"""Kizuna: the Dash app.

``create_app()`` builds the app; pages are the modules in ``pages/`` that call
``dash.register_page`` (Dash Pages), and the top bar lists them in their ``order``.
Run ``python app.py`` to serve it on ``$HOST:$PORT`` (default 127.0.0.1:8050).

The shell around the pages holds the state they share: the scenario (city + outage +
planner overrides) and the view options, each in a ``dcc.Store``, mirrored in the
query string of the Overview, Planner, Compare and About pages so that a copied link
restores the same view (:mod:`components.url_state`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dash
from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update

# A Celery worker imports this module with the project folder on sys.path and then takes the folder
# off again before the pages load: import every top-level package the pages use while it is there.
import reports  # noqa: F401
from components import ids
from components import scenario_controls as controls
from components.background import background_callback_manager, worker_celery_app
from components.scenario_controls import problem_list, sync_controls
from components.url_state import COMPARE_PARAM, MAP_PARAM, decode_query, default_view, encode_query
from presentation.hit_area import default_area_hint, district_options
from presentation.text import TEXT
from resilience.citydata import list_cities
from wiring.downloads import download_bar
from wiring.downloads import register_callbacks as register_download_callbacks

APP_ROOT = Path(__file__).resolve().parent
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
#: Pages whose link carries the shared scenario in its query string.
SCENARIO_PATHS = ("/overview", "/planner", "/compare", "/about")
#: Controls greyed out when they have no effect (the others cannot be disabled).
_DISABLEABLE = (controls.CUSTOM_OUTAGE, controls.CUSTOM_RESTORATION, controls.V2H_ADOPTION, controls.EV_MULTIPLIER,
                controls.ESSENTIAL, controls.RESUPPLY_DELAY)
#: View-control name → where its value lives in the view state.
_VIEW_SLOTS = {ids.VIEW_MAP_METRIC: (MAP_PARAM, None), ids.VIEW_COMPARE_B: (COMPARE_PARAM, 0),
               ids.VIEW_COMPARE_C: (COMPARE_PARAM, 1)}


def create_app() -> Dash:
    """Build the Kizuna Dash app, with every page in ``pages/`` registered.

    Every script and stylesheet is served by the app itself (``serve_locally``, CSS in
    ``assets/``), so the app works with no internet connection.

    Returns
    -------
    dash.Dash
        The app; ``app.server`` is its Flask (WSGI) server.
    """
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(APP_ROOT / "pages"),
        assets_folder=str(APP_ROOT / "assets"),
        serve_locally=True,
        title=TEXT["app.name"],
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        background_callback_manager=background_callback_manager(),
    )
    app.layout = _layout
    _register_state_callbacks(app)
    register_download_callbacks(app)
    return app


def _layout() -> html.Div:
    return html.Div(
        className="app-shell",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SCENARIO_STORE, storage_type="memory"),
            dcc.Store(id=ids.VIEW_STORE, storage_type="memory"),
            dcc.Store(id=ids.URL_QUERY, storage_type="memory"),
            dcc.Store(id=ids.URL_WRITTEN, storage_type="memory"),
            _top_bar(),
            download_bar(),
            html.Main(
                id=ids.PAGE_CONTENT,
                className="page",
                children=[
                    html.Div(id=ids.URL_ERROR, className="error-banner", role="alert", hidden=True),
                    dash.page_container,
                ],
            ),
            html.Footer(TEXT["app.footer"], className="app-footer"),
        ],
    )


def _top_bar() -> html.Header:
    pages = sorted(dash.page_registry.values(), key=lambda page: (page["order"], page["path"]))
    return html.Header(
        id=ids.TOP_BAR,
        className="top-bar",
        children=[
            dcc.Link(
                [
                    html.Span(TEXT["app.name"], className="brand-name"),
                    html.Span(TEXT["app.tagline"], className="brand-tagline"),
                ],
                href="/",
                className="brand",
            ),
            html.Nav(
                id=ids.NAV,
                className="top-nav",
                children=[dcc.Link(page["name"], href=page["relative_path"], className="nav-link") for page in pages],
            ),
        ],
    )


# --------------------------------------------------------------------------------------------
# Shared state: URL ⇄ stores ⇄ controls
# --------------------------------------------------------------------------------------------


def read_url(search: str | None, pathname: str | None, state: dict | None, view: dict | None) -> tuple:
    """Stores and error banner for the URL the browser shows.

    A query string on a scenario page sets the state (unusable values fall back to their
    defaults and are listed in the banner). Without one — after following a link of
    the top bar — the state is kept, so moving between pages never loses the scenario.

    Returns
    -------
    tuple
        ``(scenario state, view state, banner children, banner hidden)``; ``no_update``
        where nothing changes.
    """
    on_scenario_page = pathname in SCENARIO_PATHS
    query = (search or "").lstrip("?")
    if state is not None and not (on_scenario_page and query):
        return no_update, no_update, [], True
    decoded = decode_query(query if on_scenario_page else "", list_cities())
    new_state = no_update if decoded.state == state else decoded.state
    new_view = no_update if decoded.view == view else decoded.view
    return new_state, new_view, problem_list(decoded.problems, "url.heading"), not decoded.problems


def write_query(state: dict | None, view: dict | None) -> Any:
    """The query string of the shared state (written into the address bar by a clientside callback)."""
    if state is None:
        return no_update
    return encode_query(state, view or default_view())


def sync_scenario(state: dict | None, values: list, resets: list, ready: list) -> tuple:
    """The scenario controls of the page on screen and the shared state, kept in step.

    Called with the controls present on the page (pattern-matching ids): none on pages
    without scenario controls, where it changes nothing. Whenever the controls are set
    from the state, the "Districts hit" list also gets the city's districts as options
    and the line saying what an empty choice means.

    Returns
    -------
    tuple
        ``(state, control values, disabled flags per disableable control, banner children,
        banner hidden, ready flags, district options, empty-choice hints)``.
    """
    control_ids = [item["id"] for item in ctx.inputs_list[1]]
    disable_ids = [[item["id"] for item in ctx.outputs_list[2 + k]] for k in range(len(_DISABLEABLE))]
    n_banners, n_ready = len(ctx.outputs_list[2 + len(_DISABLEABLE)]), len(ready)
    n_district_lists, n_hints = len(ctx.outputs_list[-2]), len(ctx.outputs_list[-1])
    if not control_ids:
        return (no_update, [], *([[]] * len(_DISABLEABLE)), [no_update] * n_banners, [no_update] * n_banners,
                [no_update] * n_ready, [no_update] * n_district_lists, [no_update] * n_hints)

    by_name = {control_id["name"]: value for control_id, value in zip(control_ids, values, strict=True)}
    trigger = ctx.triggered_id
    changed = trigger["name"] if isinstance(trigger, dict) and trigger.get("type") == ids.SCENARIO_CONTROL else None
    reset = isinstance(trigger, dict) and trigger.get("type") == ids.SCENARIO_RESET and any(resets)
    result = sync_controls(state, by_name, changed=changed, reset=reset, ready=all(ready))

    shown = result.values
    value_out = [shown[i["name"]] if shown else no_update for i in control_ids]
    effective = {**by_name, **(shown or {})}
    disabled = controls.disabled_controls(effective)
    disabled_out = [[disabled[i["name"]] for i in group] for group in disable_ids]
    banner = problem_list(result.problems)
    options = district_options(shown[controls.CITY]) if shown else no_update
    hint = default_area_hint(shown[controls.CITY], shown[controls.PRESET]) if shown else no_update
    return (
        result.state if result.state is not None else no_update,
        value_out,
        *disabled_out,
        [banner] * n_banners,
        [not result.problems] * n_banners,
        [True] * n_ready,
        [options] * n_district_lists,
        [hint] * n_hints,
    )


def choose_whole_city(n_clicks: int | None, options: list[dict] | None) -> Any:
    """The "Whole city" button: every district of the list chosen (the sync callback then stores them)."""
    if not n_clicks or not options:
        return no_update
    return [option["value"] for option in options]


def sync_view(view: dict | None, values: list, ready: list) -> tuple:
    """The view controls (map metric, compared what-ifs) and the view store, kept in step.

    Returns
    -------
    tuple
        ``(view state, control values, ready flags)``.
    """
    control_ids = [item["id"] for item in ctx.inputs_list[1]]
    if not control_ids:
        return no_update, [], [no_update] * len(ready)
    current = json.loads(json.dumps(view)) if view else default_view()
    trigger = ctx.triggered_id
    user_change = isinstance(trigger, dict) and trigger.get("type") == ids.VIEW_CONTROL and all(ready)
    if not user_change:
        return no_update, [_view_value(current, i["name"]) for i in control_ids], [True] * len(ready)
    for control_id, value in zip(control_ids, values, strict=True):
        key, position = _VIEW_SLOTS[control_id["name"]]
        if value is None:
            continue
        if position is None:
            current[key] = value
        else:
            current[key][position] = value
    return (no_update if current == view else current), [no_update] * len(control_ids), [True] * len(ready)


def _view_value(view: dict, name: str) -> Any:
    key, position = _VIEW_SLOTS[name]
    return view[key] if position is None else view[key][position]


def _register_state_callbacks(app: Dash) -> None:
    app.callback(
        Output(ids.SCENARIO_STORE, "data"),
        Output(ids.VIEW_STORE, "data"),
        Output(ids.URL_ERROR, "children"),
        Output(ids.URL_ERROR, "hidden"),
        Input(ids.URL, "search"),
        Input(ids.URL, "pathname"),
        State(ids.SCENARIO_STORE, "data"),
        State(ids.VIEW_STORE, "data"),
    )(read_url)
    app.callback(
        Output(ids.URL_QUERY, "data"),
        Input(ids.SCENARIO_STORE, "data"),
        Input(ids.VIEW_STORE, "data"),
    )(write_query)
    # replaceState rather than dcc.Location: a changed `search` would make Dash Pages rebuild the page.
    app.clientside_callback(
        """
        function(query, pathname) {
            const paths = __SCENARIO_PATHS__;
            if (!query || !paths.includes(pathname)) { return window.dash_clientside.no_update; }
            if (window.location.search !== query) {
                window.history.replaceState(window.history.state, "", pathname + query + window.location.hash);
            }
            return query;
        }
        """.replace("__SCENARIO_PATHS__", json.dumps(list(SCENARIO_PATHS))),
        Output(ids.URL_WRITTEN, "data"),
        Input(ids.URL_QUERY, "data"),
        Input(ids.URL, "pathname"),
    )
    control = {"type": ids.SCENARIO_CONTROL, "page": ALL, "name": ALL}
    app.callback(
        Output(ids.SCENARIO_STORE, "data", allow_duplicate=True),
        Output(control, "value"),
        *[Output({"type": ids.SCENARIO_CONTROL, "page": ALL, "name": name}, "disabled") for name in _DISABLEABLE],
        Output({"type": ids.SCENARIO_ERROR, "page": ALL}, "children"),
        Output({"type": ids.SCENARIO_ERROR, "page": ALL}, "hidden"),
        Output({"type": ids.SCENARIO_READY, "page": ALL}, "data"),
        Output({"type": ids.SCENARIO_CONTROL, "page": ALL, "name": controls.DISTRICTS}, "options"),
        Output({"type": ids.SCENARIO_HIT_HINT, "page": ALL}, "children"),
        Input(ids.SCENARIO_STORE, "data"),
        Input(control, "value"),
        Input({"type": ids.SCENARIO_RESET, "page": ALL}, "n_clicks"),
        State({"type": ids.SCENARIO_READY, "page": ALL}, "data"),
        prevent_initial_call="initial_duplicate",
    )(sync_scenario)
    app.callback(
        Output({"type": ids.SCENARIO_CONTROL, "page": MATCH, "name": controls.DISTRICTS}, "value",
               allow_duplicate=True),
        Input({"type": ids.SCENARIO_WHOLE_CITY, "page": MATCH}, "n_clicks"),
        State({"type": ids.SCENARIO_CONTROL, "page": MATCH, "name": controls.DISTRICTS}, "options"),
        prevent_initial_call=True,
    )(choose_whole_city)
    view_control = {"type": ids.VIEW_CONTROL, "page": ALL, "name": ALL}
    app.callback(
        Output(ids.VIEW_STORE, "data", allow_duplicate=True),
        Output(view_control, "value"),
        Output({"type": ids.VIEW_READY, "page": ALL}, "data"),
        Input(ids.VIEW_STORE, "data"),
        Input(view_control, "value"),
        State({"type": ids.VIEW_READY, "page": ALL}, "data"),
        prevent_initial_call="initial_duplicate",
    )(sync_view)


def __getattr__(name: str) -> Any:
    # `celery -A app:celery_app worker` asks for this; build it only then (needs REDIS_URL).
    if name == "celery_app":
        return worker_celery_app(create_app)
    raise AttributeError(f"module 'app' has no attribute {name!r}")


def main() -> None:
    """Serve the app; ``HOST`` and ``PORT`` come from the environment, debug is off."""
    host = os.environ.get("HOST", DEFAULT_HOST)
    port = int(os.environ.get("PORT", DEFAULT_PORT))
    create_app().run(host=host, port=port, debug=False)


if __name__ == "__main__":
    main()
