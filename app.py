"""Kizuna: the Dash app.

``create_app()`` builds the app; pages are the modules in ``pages/`` that call
``dash.register_page`` (Dash Pages), and the top bar lists them in their ``order``.
Run ``python app.py`` to serve it on ``$HOST:$PORT`` (default 127.0.0.1:8050).

Every page keeps its own state in its link: it builds its controls from its query in
``layout(**query)`` and its own callback writes a changed control back into its query
(:mod:`components.page_link`). The shell around the pages only passes that query on:
into the address bar (``replaceState``, so the page is not rebuilt) and into the top-bar
links, so that moving from the Planner to the Overview keeps the scenario.

What the top-bar links carry (:func:`carried_links`): the Overview, Planner, Compare and
About links the whole query of the scenario page on screen (they read the same
parameters); the V2H and Survival links only its ``city`` (their other parameters
describe a household, not a scenario); the Home link nothing. On a page without a
scenario (Home, V2H, Survival) the links keep what they carried, so a scenario survives
a visit to those pages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import dash
from dash import ALL, Dash, Input, Output, State, dcc, html

# A Celery worker imports this module with the project folder on sys.path and then takes the folder
# off again before the pages load: import every top-level package the pages use while it is there.
import reports  # noqa: F401
from components import ids
from components.background import background_callback_manager, worker_celery_app
from components.url_state import SCENARIO_PAGE_PATHS
from presentation.text import TEXT
from presentation.url_codec import is_query, parse_query
from wiring import callback_guard
from wiring.downloads import download_bar
from wiring.downloads import register_callbacks as register_download_callbacks
from wiring.serving import configure_serving

APP_ROOT = Path(__file__).resolve().parent
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
#: Pages whose link takes only the city of a scenario page's query.
CITY_ONLY_PATHS = ("/v2h", "/survival")
#: Put the query of the scenario page on screen in the address bar. ``replaceState`` fires no event that
#: Dash Pages' router listens to, so the page is not rebuilt.
REPLACE_QUERY_JS = """
function (queries) {
    const query = (queries || []).find((q) => typeof q === "string" && q.length > 0);
    if (query && window.location.search !== query) {
        window.history.replaceState(window.history.state, "",
            window.location.pathname + query + window.location.hash);
    }
    return window.dash_clientside.no_update;
}
"""


def create_app() -> Dash:
    """Build the Kizuna Dash app, with every page in ``pages/`` registered.

    Every script and stylesheet is served by the app itself (``serve_locally``, CSS in
    ``assets/``), so the app works with no internet connection. Compression, the request
    size limit and the security headers are set by :func:`wiring.serving.configure_serving`;
    ``wsgi.py`` builds the app for gunicorn (``make serve``).

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
        # Otherwise every page view carries the layouts of all pages (266 kB of 276 kB, 20 ms of server time)
        # for the browser to check the callbacks against. tests/test_callback_fuzz.py checks instead, on the
        # server, that every input and state of every callback is on a page.
        suppress_callback_exceptions=True,
    )
    app.layout = _layout
    _register_link_callbacks(app)
    register_download_callbacks(app)
    callback_guard.install(app)
    configure_serving(app)  # compression, the request size limit, the security headers, /healthz
    return app


def _layout() -> html.Div:
    return html.Div(
        className="app-shell",
        children=[
            # A callback that sets the location (loading a scenario file) opens that link afresh: the page's
            # controls are built from it. (Dash Pages' router would not see a query that equals the one the page
            # opened on, since the page's own changes only replace the address bar's.)
            dcc.Location(id=ids.URL, refresh=True),
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


def nav_pages() -> list[dict[str, Any]]:
    """The registered pages in the top bar's order."""
    return sorted(dash.page_registry.values(), key=lambda page: (page["order"], page["path"]))


def nav_link_id(page: Mapping[str, Any]) -> str:
    """Id of a page's top-bar link: ``nav-`` and the page module's name (``nav-overview``)."""
    return ids.NAV_LINK_PREFIX + page["module"].rsplit(".", 1)[-1]


def _top_bar() -> html.Header:
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
                children=[dcc.Link(page["name"], href=page["relative_path"], id=nav_link_id(page),
                                   className="nav-link") for page in nav_pages()],
            ),
        ],
    )


# --------------------------------------------------------------------------------------------
# The page's link → the address bar and the top bar
# --------------------------------------------------------------------------------------------


def carried_links(queries: list[str | None] | None, paths: Mapping[str, str],
                  hrefs: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """The href of every top-bar link for the query of the page on screen.

    Parameters
    ----------
    queries : list of str or None
        The query stores of the page on screen: one on a scenario page, none elsewhere.
    paths : mapping
        Link id → the page's path.
    hrefs : mapping, optional
        Link id → its href now.

    Returns
    -------
    dict
        Link id → href: the whole query for a scenario page, ``?city=…`` for the V2H and
        Survival pages, the bare path for Home; on a page without a scenario every link
        keeps its href (the last scenario; what it is now is sent again, so that what
        follows the links — the download bar — is told on the first page too).
    """
    query = next((q for q in queries or () if is_query(q)), None)
    if query is None:
        return {link: (hrefs or {}).get(link) or path for link, path in paths.items()}
    city = parse_query(query).get("city")
    return {link: _carried_href(path, query, city) for link, path in paths.items()}


def _carried_href(path: str, query: str, city: str | None) -> str:
    if path in SCENARIO_PAGE_PATHS:
        return path + query
    if path in CITY_ONLY_PATHS and city:
        return path + "?" + urlencode({"city": city})
    return path


def _register_link_callbacks(app: Dash) -> None:
    page_queries = Input({"type": ids.PAGE_QUERY, "page": ALL}, "data")
    app.clientside_callback(REPLACE_QUERY_JS, Output(ids.URL_WRITTEN, "data"), page_queries)
    paths = {nav_link_id(page): page["path"] for page in nav_pages()}

    def carry_the_query(queries: list[str | None], hrefs: dict[str, str | None]) -> dict[str, Any]:
        return carried_links(queries, paths, hrefs)

    app.callback(
        output={link: Output(link, "href") for link in paths},
        inputs={"queries": page_queries},
        state={"hrefs": {link: State(link, "href") for link in paths}},
    )(carry_the_query)


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
