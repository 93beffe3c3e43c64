"""The dashboard's charts as static PNG images (kaleido), for the PDF and the standalone HTML report.

The figures are built by the dashboard's own builders (:mod:`presentation.figures`,
:mod:`presentation.v2h_figures`); this module only renders them. Kaleido drives
Chromium (it finds ``/usr/bin/chromium`` by itself); starting Chromium takes about
2 s, so one kaleido server is started per process (:func:`start_image_server`) and
every image after that takes a fraction of a second.

The server's page loads no MathJax (it would come from a CDN) and registers empty
base-map topologies (``assets/plotly_geo_offline.js``, the dashboard's own
fix), because a Plotly geo subplot downloads a world map from a CDN before it draws
even when the base map is hidden: offline, the district maps would fail.
"""

from __future__ import annotations

import base64
import threading
from pathlib import Path

import kaleido
import plotly.graph_objects as go
from kaleido import PageGenerator

from presentation.figures import district_map_figure, households_figure, supply_figure
from presentation.v2h_figures import backup_figure
from reports.briefing import Briefing
from resilience.citydata import load_districts_geojson

#: Width the charts are laid out at [px]: about the printed width at 96 dpi, so fonts keep their dashboard size.
IMAGE_WIDTH_PX = 760
#: Pixel density of the PNGs: 2 × keeps lines and text sharp in print.
IMAGE_SCALE = 2
GEO_OFFLINE_SCRIPT = Path(__file__).resolve().parents[1] / "assets" / "plotly_geo_offline.js"
MAP_METRIC = "without-power"
#: The district map is laid out larger than the other charts and printed at the same width, so that the
#: district names (long in Berlin) overlap less.
MAP_SIZE_PX = (900, 620)

_server_lock = threading.Lock()
_server_started = False
# kaleido's sync server pairs each request with "the next result in its queue": two threads rendering at once
# (e.g. two Dash downloads) could swap their images, so renders go one at a time.
_render_lock = threading.Lock()


def start_image_server() -> None:
    """Start kaleido's image server for this process (once; later calls do nothing).

    It must be the first kaleido server of the process: a server started elsewhere
    without :data:`GEO_OFFLINE_SCRIPT` cannot draw the district maps offline.
    """
    global _server_started
    with _server_lock:
        if _server_started:
            return
        if not GEO_OFFLINE_SCRIPT.is_file():
            raise FileNotFoundError(f"{GEO_OFFLINE_SCRIPT}: needed to draw district maps offline")
        page = PageGenerator(mathjax=False, others=[GEO_OFFLINE_SCRIPT.as_uri()])
        kaleido.start_sync_server(page_generator=page, silence_warnings=True)
        _server_started = True


def figure_png(figure: go.Figure, *, width: int | None = None, height: int | None = None,
               scale: float = IMAGE_SCALE) -> bytes:
    """Render a figure to PNG bytes.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
    width, height : int, optional
        Layout size [px]; default the figure's own ``layout.width`` and ``layout.height``,
        else :data:`IMAGE_WIDTH_PX` and 450.
    scale : float
        Pixel density: the PNG is ``width × scale`` pixels wide.
    """
    start_image_server()
    width = width or figure.layout.width or IMAGE_WIDTH_PX
    height = height or figure.layout.height or 450
    with _render_lock:
        return kaleido.calc_fig_sync(figure, opts={"format": "png", "width": width, "height": height,
                                                   "scale": scale})


def data_uri(png: bytes) -> str:
    """A PNG as a ``data:`` URI, so that the HTML report needs no other file."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def report_figures(briefing: Briefing) -> dict[str, go.Figure]:
    """The charts of a briefing, by name, built with the dashboard's builders.

    ``supply`` (demand served by source), ``households`` (off the grid and without
    power), ``map`` (households without power per district at the city's worst hour,
    on the colour scale of the whole run) and ``household_0``, ``household_1`` … (the
    reference households' V2H backup).
    """
    result = briefing.result
    figures = {
        "supply": supply_figure(result.city_hourly),
        "households": households_figure(result.city_hourly),
        "map": district_map_figure(load_districts_geojson(briefing.city_id), result, MAP_METRIC,
                                   result.kpis.households_without_power_peak_hour),
    }
    figures["map"].update_layout(width=MAP_SIZE_PX[0], height=MAP_SIZE_PX[1])
    for position, household in enumerate(briefing.households):
        figures[f"household_{position}"] = backup_figure(household.backup, household.household.reserve_soc)
    for figure in figures.values():
        # Print has no hover and no toolbar: a white page background keeps the PNG legible anywhere.
        figure.update_layout(paper_bgcolor="#ffffff")
    return figures


def report_images(briefing: Briefing) -> dict[str, str]:
    """:func:`report_figures` rendered as PNG ``data:`` URIs, by name."""
    return {name: data_uri(figure_png(figure)) for name, figure in report_figures(briefing).items()}
