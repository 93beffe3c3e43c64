"""What a chart's toolbar offers (``dcc.Graph(config=...)``): one definition for every page."""

from __future__ import annotations

#: Plotly's "Share chart" sends the data to Plotly Cloud; box and lasso selection do nothing in Kizuna.
_REMOVED_BUTTONS = ("sendChartToCloud", "select2d", "lasso2d")
#: A map neither pans nor zooms: the districts are the whole picture.
_REMOVED_MAP_BUTTONS = ("pan2d", "zoomInGeo", "zoomOutGeo", "resetGeo", "hoverClosestGeo")


def chart_config(filename: str, *, is_map: bool = False) -> dict:
    """A chart's toolbar: a PNG download (twice the screen's resolution) named ``filename``, nothing that uploads.

    Examples
    --------
    >>> chart_config("kizuna-overview-supply")["toImageButtonOptions"]
    {'format': 'png', 'scale': 2, 'filename': 'kizuna-overview-supply'}
    """
    removed = _REMOVED_BUTTONS + (_REMOVED_MAP_BUTTONS if is_map else ())
    config = {"displaylogo": False, "modeBarButtonsToRemove": list(removed),
              "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename}}
    if is_map:
        config["scrollZoom"] = False
    return config
