"""The small change (a ``dash.Patch``) that moves the district map to another hour or metric."""

from __future__ import annotations

import numpy as np
from dash import Patch

from presentation.figures import MAP_METRICS, district_metric, metric_style
from resilience.citysim import Result


def district_map_patch(result: Result, metric_id: str, hour: int, *, restyle: bool = False) -> Patch:
    """The change that moves a :func:`district_map_figure` of the same city to another hour.

    Parameters
    ----------
    result : Result
        The simulation to show (of the city the figure was drawn for).
    metric_id : str
        A key of :data:`MAP_METRICS`.
    hour : int
        Hour since the outage began (clipped to the run).
    restyle : bool
        Also send the colour range, colour-bar title and hover text: needed after a new
        metric or a new scenario, not when only the hour moves.

    Returns
    -------
    dash.Patch
        Assignments to ``data[0]`` only: a few hundred bytes instead of the district outlines.
    """
    metric = MAP_METRICS[metric_id]
    matrix = district_metric(result, metric_id)
    hour = int(np.clip(hour, 0, matrix.shape[0] - 1))
    patch = Patch()
    patch["data"][0]["z"] = matrix[hour].tolist()
    if restyle:
        for key, value in metric_style(metric, matrix).items():
            patch["data"][0][key] = value
    return patch
