"""Plotly figures of a simulation: supply by source, households, district maps, comparisons.

Every builder takes tables of :class:`resilience.citysim.Result` and returns a figure;
none computes physics. Times are shown as the city's local wall clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from presentation.district_map import FONT_FAMILY, district_choropleth
from presentation.text import TEXT
from resilience.citysim import Result

KWH_PER_MWH = 1000.0
LITRES_PER_THOUSAND = 1000.0
MS_PER_DAY = 86_400_000
CHART_HEIGHT_PX = 420
SMALL_CHART_HEIGHT_PX = 300
MAP_HEIGHT_PX = 520
#: District names on the map: small enough for Berlin's long Bezirk names not to collide.
MAP_LABEL_SIZE = 10.5
MAP_LABEL_WRAP_CHARS = 12

#: Supply sources in stacking order (bottom first): city_hourly column → (text key, colour).
SOURCES: dict[str, tuple[str, str]] = {
    "grid_kwh": ("source.grid", "#8fa1b3"),
    "pv_kwh": ("source.pv", "#e8a800"),
    "v2h_kwh": ("source.v2h", "#2b7a78"),
    "generator_kwh": ("source.generator", "#9a5b2e"),
    "battery_kwh": ("source.battery", "#7b61a8"),
}
BACKUP_SOURCES = ("pv_kwh", "v2h_kwh", "generator_kwh", "battery_kwh")
UNSERVED_COLOUR = "#d1242f"
DEMAND_COLOUR = "#1f2328"
#: Line colours of the compared scenarios A, B, C.
SCENARIO_COLOURS = ("#1f2328", "#2b7a78", "#c2410c")
SCENARIO_DASHES = ("solid", "dash", "dot")


@dataclass(frozen=True)
class MapMetric:
    """A district value the Overview map can be coloured by.

    Attributes
    ----------
    label_key, explain_key : str
        Keys in :data:`presentation.text.TEXT` of its label (with unit) and its explanation.
    column : str
        Column of ``Result.districts``.
    scale : float
        Factor applied to the column (e.g. 100 for a share shown in %).
    cumulative : bool
        Sum over the hours up to the selected one (energy served so far).
    number_format : str
        d3 format of the value in the hover text.
    """

    label_key: str
    explain_key: str
    column: str
    scale: float = 1.0
    cumulative: bool = False
    number_format: str = ",.0f"


MAP_METRICS: dict[str, MapMetric] = {
    "without-power": MapMetric("metric.without_power", "metric.without_power_explain", "households_without_power"),
    "restored": MapMetric("metric.restored", "metric.restored_explain", "grid_share", scale=100.0,
                          number_format=".1f"),
    "backup": MapMetric("metric.backup", "metric.backup_explain", "households_powered_by_backup"),
    "v2h-energy": MapMetric("metric.v2h_energy", "metric.v2h_energy_explain", "v2h_kwh", scale=1 / KWH_PER_MWH,
                            cumulative=True, number_format=",.2f"),
    "petrol-days": MapMetric("metric.petrol_days", "metric.petrol_days_explain", "petrol_supply_days",
                             number_format=".1f"),
}
DEFAULT_MAP_METRIC = "without-power"


def local_times(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The city's wall-clock times (time zone dropped), as the charts show them."""
    return index.tz_localize(None)


# --------------------------------------------------------------------------------------------
# District map
# --------------------------------------------------------------------------------------------


def district_metric(result: Result, metric_id: str) -> np.ndarray:
    """The metric of every district in every hour, shape (n_hours, n_districts), in display units."""
    metric = MAP_METRICS[metric_id]
    n_hours, n_districts = result.grid_share.shape
    values = result.districts[metric.column].to_numpy(dtype=float).reshape(n_hours, n_districts) * metric.scale
    if metric.cumulative:
        values = np.cumsum(values, axis=0)
    return np.where(np.isfinite(values), values, np.nan)


def district_map_figure(geojson: dict, result: Result, metric_id: str, hour: int) -> go.Figure:
    """Districts coloured by a metric at one hour, on a colour scale fixed over the whole run.

    Parameters
    ----------
    geojson : dict
        The city's districts (features carry ``district_id`` and ``name``).
    result : Result
        The simulation.
    metric_id : str
        A key of :data:`MAP_METRICS`.
    hour : int
        Hour since the outage began (clipped to the run).

    Returns
    -------
    plotly.graph_objects.Figure
        The choropleth of :func:`presentation.district_map.district_choropleth`. Another
        hour, metric or scenario of the same city only changes the first trace's
        colours and labels (see :func:`district_map_patch`).
    """
    metric = MAP_METRICS[metric_id]
    matrix = district_metric(result, metric_id)
    hour = int(np.clip(hour, 0, matrix.shape[0] - 1))
    district_ids = [d.id for d in result.city.districts]
    names = {d.id: d.name for d in result.city.districts}
    values = pd.Series(matrix[hour], index=district_ids)
    hover = pd.DataFrame({TEXT["map.hover_district"]: [names[i] for i in district_ids]}, index=district_ids)
    fig = district_choropleth(geojson, values, id_property="district_id", label=TEXT[metric.label_key], hover=hover,
                              name_property="name")
    fig.update_traces(selector={"type": "choropleth"}, **metric_style(metric, matrix))
    fig.update_traces(selector={"type": "scattergeo"}, textfont_size=MAP_LABEL_SIZE)
    for trace in fig.select_traces(selector={"type": "scattergeo"}):
        trace.text = [_wrapped_name(name) for name in trace.text]
    fig.update_layout(height=MAP_HEIGHT_PX, uirevision="district-map")
    return fig


def _wrapped_name(name: str) -> str:
    """A long double-barrelled name on two lines (Charlottenburg-<br>Wilmersdorf), so neighbours do not collide."""
    return name.replace("-", "-<br>", 1) if len(name) > MAP_LABEL_WRAP_CHARS else name


def metric_style(metric: MapMetric, matrix: np.ndarray) -> dict:
    label = TEXT[metric.label_key]
    low, high = _finite_range(matrix)
    return {
        "zmin": low,
        "zmax": high,
        "name": label,
        "hovertemplate": f"%{{customdata[0]}}<br>{label}: %{{z:{metric.number_format}}}<extra></extra>",
        "colorbar": {"title": {"text": label, "side": "top"}, "tickformat": "~s" if high >= 1e4 else "",
                     "thickness": 14, "len": 0.75, "outlinewidth": 0, "x": 1.0, "xanchor": "left"},
    }


def _finite_range(matrix: np.ndarray) -> tuple[float, float]:
    finite = matrix[np.isfinite(matrix)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low, low + 1.0)


# --------------------------------------------------------------------------------------------
# Time series
# --------------------------------------------------------------------------------------------


def supply_figure(city_hourly: pd.DataFrame) -> go.Figure:
    """Demand served by source, stacked, with unserved demand in red on top and demand as a line.

    The lower panel repeats the backup sources alone (PV, V2H, generators, batteries),
    which the grid would otherwise dwarf.

    Parameters
    ----------
    city_hourly : pandas.DataFrame
        ``Result.city_hourly``: energy per hour [kWh], indexed by tz-aware time.

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels sharing the time axis, in MW (MWh per hour).
    """
    times = local_times(city_hourly.index)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.07, row_heights=[0.62, 0.38])
    for column, (key, colour) in SOURCES.items():
        fig.add_trace(_area(times, city_hourly[column], TEXT[key], colour, "all", legend=True), row=1, col=1)
    fig.add_trace(_area(times, city_hourly["unserved_kwh"], TEXT["source.unserved"], UNSERVED_COLOUR, "all",
                        legend=True), row=1, col=1)
    fig.add_trace(go.Scatter(x=times, y=city_hourly["demand_kwh"] / KWH_PER_MWH, name=TEXT["source.demand"],
                             mode="lines", line={"color": DEMAND_COLOUR, "width": 1.6, "dash": "dot"},
                             hovertemplate=TEXT["chart.hover_mw"]), row=1, col=1)
    for column in BACKUP_SOURCES:
        key, colour = SOURCES[column]
        fig.add_trace(_area(times, city_hourly[column], TEXT[key], colour, "backup", legend=False), row=2, col=1)
    fig.update_yaxes(title_text=TEXT["chart.supply_all"], rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=TEXT["chart.supply_backup"], rangemode="tozero", row=2, col=1)
    _style(fig, CHART_HEIGHT_PX + 100)
    return fig


def _area(times, kwh: pd.Series, name: str, colour: str, group: str, *, legend: bool) -> go.Scatter:
    return go.Scatter(
        x=times, y=kwh.to_numpy(dtype=float) / KWH_PER_MWH, name=name, stackgroup=group, mode="lines",
        line={"width": 0.5, "color": colour}, fillcolor=colour, legendgroup=name, showlegend=legend,
        hovertemplate=TEXT["chart.hover_mw"],
    )


def households_figure(city_hourly: pd.DataFrame) -> go.Figure:
    """Households off the grid and, of those, without power (no backup covers them), per hour."""
    times = local_times(city_hourly.index)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=times, y=city_hourly["households_off_grid"], name=TEXT["chart.households_off_grid"],
                             mode="lines", line={"color": "#8fa1b3", "width": 2}, hovertemplate="%{y:,.0f}"))
    fig.add_trace(go.Scatter(x=times, y=city_hourly["households_without_power"],
                             name=TEXT["chart.households_without_power"], mode="lines",
                             line={"color": UNSERVED_COLOUR, "width": 2}, fill="tozeroy",
                             fillcolor="rgba(209, 36, 47, 0.12)", hovertemplate="%{y:,.0f}"))
    fig.update_yaxes(title_text=TEXT["chart.households"], rangemode="tozero", tickformat="~s")
    _style(fig, SMALL_CHART_HEIGHT_PX)
    return fig


def comparison_figure(series: Mapping[str, pd.Series], *, y_title: str, number_format: str = ",.0f") -> go.Figure:
    """One line per scenario on the same axes.

    Parameters
    ----------
    series : mapping
        Scenario label → values indexed by tz-aware time (at most three).
    y_title : str
        Axis title with unit.
    number_format : str
        d3 format of the hover values.
    """
    fig = go.Figure()
    for position, (label, values) in enumerate(series.items()):
        fig.add_trace(go.Scatter(
            x=local_times(values.index), y=values.to_numpy(dtype=float), name=label, mode="lines",
            line={"color": SCENARIO_COLOURS[position % 3], "dash": SCENARIO_DASHES[position % 3], "width": 2.2},
            hovertemplate=f"%{{y:{number_format}}}",
        ))
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    _style(fig, SMALL_CHART_HEIGHT_PX)
    return fig


def comparison_figures(labels: Sequence[str], results: Sequence[Result]) -> list[go.Figure]:
    """The Compare page's four charts of the same scenarios, in display units.

    Households without power; critical facilities' unmet energy per hour [MWh/h, shown as MW]; diesel held
    at the sites [thousand litres]; V2H energy served per hour [MW].
    """
    hourly = [result.city_hourly for result in results]
    return [
        comparison_figure({label: h["households_without_power"] for label, h in zip(labels, hourly, strict=True)},
                          y_title=TEXT["chart.households"]),
        comparison_figure({label: critical_unserved_kwh(r) / KWH_PER_MWH for label, r in zip(labels, results,
                                                                                              strict=True)},
                          y_title=TEXT["chart.mw"], number_format=",.2f"),
        comparison_figure({label: h["diesel_litres"] / LITRES_PER_THOUSAND for label, h in zip(labels, hourly,
                                                                                                strict=True)},
                          y_title=TEXT["chart.thousand_litres"], number_format=",.1f"),
        comparison_figure({label: h["v2h_kwh"] / KWH_PER_MWH for label, h in zip(labels, hourly, strict=True)},
                          y_title=TEXT["chart.mw"], number_format=",.3f"),
    ]


def _style(fig: go.Figure, height: int) -> None:
    fig.update_layout(
        height=height,
        margin={"l": 64, "r": 16, "t": 36, "b": 40},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="#ffffff",
        font={"family": FONT_FAMILY, "color": "#1f2328", "size": 13},
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        hoverlabel={"bgcolor": "#ffffff", "bordercolor": "#c9d1d9", "font": {"color": "#1f2328"}},
        uirevision="keep",
    )
    fig.update_xaxes(
        showgrid=True, gridcolor="#eef1f4", hoverformat="%a %d %b %Y, %H:%M", linecolor="#d8dee4",
        # Ticks closer than a day show their hour, so two ticks never read the same.
        tickformatstops=[{"dtickrange": [None, MS_PER_DAY - 1], "value": "%H:%M\n%d %b"},
                         {"dtickrange": [MS_PER_DAY, None], "value": "%d %b"}],
    )
    fig.update_yaxes(showgrid=True, gridcolor="#eef1f4", zeroline=False, linecolor="#d8dee4")


def critical_unserved_kwh(result: Result) -> pd.Series:
    """Critical facilities' unmet energy per hour [kWh], indexed by time."""
    return pd.Series(result.facilities_run.unserved_kwh.sum(axis=1), index=result.index)
