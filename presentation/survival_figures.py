"""Figures and summary text of the survival sweep (Survival page).

They only present a :class:`resilience.survival.SurvivalResult`: the share of
the 8,760 outage starts that a system carries for at least ``k`` hours, and the
mean hours carried by the month and local hour of day the outage starts in,
using the start-hour calendar the sweep documents (``MONTH_OF_START``,
``HOUR_OF_DAY_OF_START``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from presentation.chart_config import chart_config
from presentation.district_map import FONT_FAMILY, SEQUENTIAL_COLORSCALE
from presentation.text import TEXT
from resilience.survival import (
    HOUR_OF_DAY_OF_START,
    HOURS_PER_YEAR,
    MONTH_OF_START,
    SUMMARY_DURATIONS_H,
    SurvivalResult,
)
from resilience.timeindex import HOURS_PER_DAY

PROBABILITY_HEIGHT_PX = 360
HEATMAP_HEIGHT_PX = 420
LINE_COLOR = "#2b7a78"
MARKER_COLOR = "#c8473f"
GRAPH_CONFIG = chart_config("kizuna-survival")
MONTHS = 12


def _base_layout(height: int) -> dict:
    return {
        "height": height,
        "margin": {"l": 70, "r": 30, "t": 30, "b": 55},
        "font": {"family": FONT_FAMILY, "size": 13},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }


def month_hour_table(hours_survived: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean hours survived and number of starts for each (start month, start hour of day).

    Parameters
    ----------
    hours_survived : array of int, shape (8760,)
        ``r[s]`` of the sweep, start ``s`` being hour ``s`` of a non-leap year.

    Returns
    -------
    mean_h : numpy.ndarray, shape (12, 24)
        ``[month − 1, hour]``: mean of ``r`` over the starts in that month at that hour [h].
    starts : numpy.ndarray of int, shape (12, 24)
        Number of starts in each cell (the month's days).
    """
    hours = np.asarray(hours_survived, dtype=float)
    if hours.shape != (HOURS_PER_YEAR,):
        raise ValueError(f"hours_survived has shape {hours.shape}: must be ({HOURS_PER_YEAR},)")
    cell = (MONTH_OF_START - 1) * HOURS_PER_DAY + HOUR_OF_DAY_OF_START
    starts = np.bincount(cell, minlength=MONTHS * HOURS_PER_DAY)
    total = np.bincount(cell, weights=hours, minlength=MONTHS * HOURS_PER_DAY)
    return (total / starts).reshape(MONTHS, HOURS_PER_DAY), starts.reshape(MONTHS, HOURS_PER_DAY)


def probability_figure(result: SurvivalResult) -> go.Figure:
    """``P(r ≥ k)`` in % against the outage duration ``k`` = 1 … horizon, with the 24/72/168 h marks."""
    probability = result.survival_probability() * 100
    durations = np.arange(1, result.max_duration_h + 1)
    figure = go.Figure(go.Scatter(
        x=durations, y=probability, mode="lines", line={"color": LINE_COLOR, "width": 2.5, "shape": "hv"},
        name=TEXT["survival.trace_probability"], hovertemplate=f"{TEXT['survival.hover_probability']}<extra></extra>",
    ))
    marks = [d for d in SUMMARY_DURATIONS_H if d <= result.max_duration_h]
    if marks:
        figure.add_trace(go.Scatter(
            x=marks, y=[probability[d - 1] for d in marks], mode="markers",
            marker={"color": MARKER_COLOR, "size": 9}, name=TEXT["survival.trace_marks"],
            hovertemplate=f"{TEXT['survival.hover_probability']}<extra></extra>",
        ))
    figure.update_layout(
        **_base_layout(PROBABILITY_HEIGHT_PX),
        showlegend=False,
        xaxis={"title": {"text": TEXT["survival.axis_duration"]}, "range": [0, result.max_duration_h * 1.02],
               "gridcolor": "#eef1f4", "zeroline": False},
        yaxis={"title": {"text": TEXT["survival.axis_probability"]}, "range": [0, 105], "ticksuffix": " %",
               "gridcolor": "#eef1f4"},
    )
    return figure


def heatmap_figure(result: SurvivalResult) -> go.Figure:
    """Mean hours survived by start month (rows, January on top) and local start hour (columns)."""
    mean_h, starts = month_hour_table(result.hours_survived)
    month_names = [TEXT[f"survival.month_{m}"] for m in range(1, MONTHS + 1)]
    figure = go.Figure(go.Heatmap(
        z=mean_h, x=list(range(HOURS_PER_DAY)), y=month_names, customdata=starts,
        # The scale ends at the longest cell mean, not at the horizon, so that differences between cells show.
        colorscale=SEQUENTIAL_COLORSCALE, zmin=0, zmax=max(float(mean_h.max()), 1.0),
        colorbar={"title": {"text": TEXT["survival.colorbar"]}, "ticksuffix": " h"},
        hovertemplate=f"{TEXT['survival.hover_heatmap']}<extra></extra>", xgap=1, ygap=1,
    ))
    figure.update_layout(
        **_base_layout(HEATMAP_HEIGHT_PX),
        xaxis={"title": {"text": TEXT["survival.axis_hour"]}, "dtick": 3, "ticksuffix": ":00", "tickangle": 0},
        yaxis={"autorange": "reversed"},
    )
    return figure


def summary_text(result: SurvivalResult) -> str:
    """"Shortest … · mean … · longest …" hours over the 8,760 starts (each capped at the horizon)."""
    r = result.hours_survived
    return TEXT["survival.summary"].format(min_h=int(r.min()), mean_h=float(r.mean()), max_h=int(r.max()))


def duration_shares(result: SurvivalResult) -> list[str]:
    """One line per summary duration within the horizon: the share of starts carried at least that long."""
    probability = result.survival_probability()
    return [TEXT["survival.share_line"].format(duration_h=d, share=probability[d - 1] * 100)
            for d in SUMMARY_DURATIONS_H if d <= result.max_duration_h]
