"""Kizuna: the Dash app.

``create_app()`` builds the app; pages are the modules in ``pages/`` that call
``dash.register_page`` (Dash Pages), and the top bar lists them in their ``order``.
Run ``python app.py`` to serve it on ``$HOST:$PORT`` (default 127.0.0.1:8050).
"""

from __future__ import annotations

import os
from pathlib import Path

import dash
from dash import Dash, dcc, html

from components import ids
from components.text import TEXT

APP_ROOT = Path(__file__).resolve().parent
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050


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
    )
    app.layout = _layout
    return app


def _layout() -> html.Div:
    return html.Div(
        className="app-shell",
        children=[
            _top_bar(),
            html.Main(dash.page_container, id=ids.PAGE_CONTENT, className="page"),
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


def main() -> None:
    """Serve the app; ``HOST`` and ``PORT`` come from the environment, debug is off."""
    host = os.environ.get("HOST", DEFAULT_HOST)
    port = int(os.environ.get("PORT", DEFAULT_PORT))
    create_app().run(host=host, port=port, debug=False)


if __name__ == "__main__":
    main()
