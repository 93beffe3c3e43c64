"""Figures and result text of the V2H household estimator (no Dash: also used by the PDF).

Everything here only formats what the engine computed
(:func:`resilience.v2h.household_backup`, :func:`resilience.v2h.claim_check`): the hourly chart
(served load by source, with the car's state of charge on a second axis), the
usable-energy formula with its numbers filled in, and the carmaker's claim set
beside Kizuna's model on the claim's own basis and on Kizuna's planning basis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from presentation.chart_config import chart_config
from presentation.district_map import FONT_FAMILY
from presentation.text import TEXT
from resilience.v2h import (
    CLAIM_BASIS_DISCHARGE_EFFICIENCY,
    CLAIM_BASIS_RESERVE_SOC,
    CLAIM_BASIS_SOC_START,
    ClaimCheck,
    HouseholdBackup,
    claim_check,
)
from resilience.vehicles import PhevEngine, phev_engine

GRAPH_HEIGHT_PX = 400
GRAPH_CONFIG = chart_config("kizuna-v2h-backup")
COLORS = {
    "pv": "#e0a526",
    "car": "#2b7a78",
    "engine": "#7a6f9b",
    "unserved": "#c8473f",
    "load": "#1f2328",
    "soc": "#1f5fa8",
    "reserve": "#59636e",
}
def vehicle_name(car: pd.Series) -> str:
    """"Nissan Leaf 40 kWh": brand, model and variant of a catalogue row."""
    return " ".join(part for part in (car["brand"], car["model"], car["variant"]) if part)


def usable_energy_formula(backup: HouseholdBackup, soc_start: float, reserve_soc: float) -> str:
    """``E = C × (SOC₀ − reserve) × η`` with the household's numbers filled in."""
    return TEXT["v2h.formula"].format(
        capacity_kwh=backup.battery_kwh, soc_start=soc_start, reserve_soc=reserve_soc,
        efficiency=backup.discharge_efficiency, usable_kwh=backup.estimate.usable_kwh,
    )


def energy_days_formula(backup: HouseholdBackup) -> str:
    """``days = E ÷ daily load`` with the numbers filled in (the flat, carmaker-style figure)."""
    estimate = backup.estimate
    if estimate.kwh_per_day <= 0:
        return TEXT["v2h.days_formula_no_load"]
    return TEXT["v2h.days_formula"].format(
        usable_kwh=estimate.usable_kwh, kwh_per_day=estimate.kwh_per_day, days=estimate.days_of_backup_energy
    )


def backup_headline(backup: HouseholdBackup) -> tuple[str, str]:
    """The big numbers: hours of backup and the same in days (or "whole horizon")."""
    estimate = backup.estimate
    hours = len(estimate.hourly)
    if estimate.lasts_whole_horizon:
        return (TEXT["v2h.hours_whole"].format(hours=hours), TEXT["v2h.days_whole"].format(days=hours / 24))
    return (TEXT["v2h.hours"].format(hours=estimate.hours_of_backup),
            TEXT["v2h.days"].format(days=estimate.days_of_backup))


@dataclass(frozen=True)
class ClaimComparison:
    """A carmaker's "days of household supply" claim beside Kizuna's model on two bases, as display lines.

    Attributes
    ----------
    brand, claim, source : str
        Who claims it, the claim as quoted in the catalogue and where it was published.
    check : resilience.v2h.ClaimCheck
        Kizuna's hourly model on the claim's basis (its daily load, no reserve, no losses).
    says, read_as : str
        The quote, and the claim as numbers (days, kWh/day, battery alone or with a full tank).
    basis, basis_how, verdict : str
        Kizuna's days on the claim's basis, the arithmetic behind them and how they compare with the claim.
    planning, planning_how : str
        Kizuna's planning basis (the household's reserve, η, load, PV and petrol) and what it assumes.
    """

    brand: str
    claim: str
    source: str
    check: ClaimCheck
    says: str
    read_as: str
    basis: str
    basis_how: str
    verdict: str
    planning: str
    planning_how: str


def _claim_days_text(check: ClaimCheck) -> str:
    claim = check.claim
    if claim.days_high > claim.days:
        return TEXT["v2h.claim_days_range"].format(days=claim.days, days_high=claim.days_high)
    return TEXT["v2h.claim_days_one"].format(days=claim.days)


def _verdict(check: ClaimCheck) -> str:
    ratio = check.claim_ratio
    if round(abs(ratio - 1.0) * 100) == 0:
        return TEXT["v2h.claim_within"]
    key = "v2h.claim_above" if ratio > 1 else "v2h.claim_below"
    return TEXT[key].format(percent=abs(ratio - 1.0) * 100)


def _planning_days(backup: HouseholdBackup) -> str:
    estimate = backup.estimate
    if estimate.lasts_whole_horizon:
        return TEXT["v2h.claim_planning_whole"].format(days=len(estimate.hourly) / 24)
    return TEXT["v2h.claim_planning_days"].format(days=estimate.days_of_backup)


def claim_comparison(backup: HouseholdBackup, reserve_soc: float) -> ClaimComparison | None:
    """The catalogue's claim for the household's car, Kizuna on its basis and on the planning basis.

    None when no claim for the car is on record. The numbers come from the catalogue's claim columns, from
    :func:`resilience.v2h.claim_check` and from the household's estimate; this function only formats them.

    Parameters
    ----------
    backup : HouseholdBackup
        The household's estimate (the planning basis), e.g. from :func:`resilience.v2h.household_backup`.
    reserve_soc : float
        The household's mobility reserve [fraction], for the planning basis's description.
    """
    check = claim_check(str(backup.vehicle.name), city=backup.city, start=backup.start)
    if check is None:
        return None
    claim = check.claim
    scope = TEXT["v2h.claim_scope_engine" if claim.includes_engine else "v2h.claim_scope_battery"]
    numbers = {
        "battery_kwh": check.battery_kwh, "soc_start": CLAIM_BASIS_SOC_START, "reserve_soc": CLAIM_BASIS_RESERVE_SOC,
        "efficiency": CLAIM_BASIS_DISCHARGE_EFFICIENCY, "battery_energy_kwh": check.battery_energy_kwh,
        "tank_litres": check.fuel_tank_litres, "kwh_per_litre": check.engine_kwh_per_litre,
        "engine_energy_kwh": check.engine_energy_kwh, "total_kwh": check.total_energy_kwh,
        "kwh_per_day": claim.kwh_per_day,
    }
    how_key = "v2h.claim_basis_engine" if check.fuel_tank_litres > 0 else "v2h.claim_basis_battery"
    estimate = backup.estimate
    return ClaimComparison(
        brand=claim.brand, claim=claim.text, source=claim.source, check=check,
        says=TEXT["v2h.claim_says"].format(brand=claim.brand, claim=claim.text),
        read_as=TEXT["v2h.claim_read_as"].format(days=_claim_days_text(check), kwh_per_day=claim.kwh_per_day,
                                                       scope=scope),
        basis=TEXT["v2h.claim_basis"].format(days=check.kizuna_days, kwh_per_day=claim.kwh_per_day),
        basis_how=TEXT[how_key].format(**numbers),
        verdict=_verdict(check),
        planning=TEXT["v2h.claim_planning"].format(days=_planning_days(backup)),
        planning_how=TEXT["v2h.claim_planning_how"].format(
            reserve_percent=reserve_soc * 100,
            efficiency=backup.discharge_efficiency, kwh_per_day=estimate.kwh_per_day,
            petrol_litres=estimate.petrol_litres),
    )


def engine_figures_text(vehicle_id: str) -> str | None:
    """"This car's engine: … kWh per litre …" for a PHEV with its own figures; None otherwise."""
    engine: PhevEngine | None = phev_engine(vehicle_id)
    if engine is None:
        return None
    return TEXT["v2h.engine_figures"].format(
        kwh_per_litre=engine.engine_kwh_per_litre, kwh_status=engine.engine_kwh_per_litre_status,
        tank_litres=engine.fuel_tank_litres, tank_status=engine.fuel_tank_litres_status,
        full_tank_kwh=engine.full_tank_kwh,
    )


def _local_times(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    # Plotly draws wall-clock times; dropping the zone keeps the city's local clock on the axis.
    return index.tz_localize(None)


def backup_figure(backup: HouseholdBackup, reserve_soc: float) -> go.Figure:
    """Hourly load served by PV, the car and a PHEV engine (stacked), the load, and the car's SOC.

    Parameters
    ----------
    backup : HouseholdBackup
        The estimate; its ``hourly`` table gives kW per hour (= kWh in the hour) and SOC (0–1).
    reserve_soc : float
        The mobility reserve, drawn as a dashed line on the SOC axis [fraction].

    Returns
    -------
    plotly.graph_objects.Figure
        kW on the left axis, SOC in % on the right axis, local time on x.
    """
    hourly = backup.estimate.hourly
    times = _local_times(hourly.index)
    time_format = "%a %d %b %H:00"
    figure = go.Figure()
    sources = [
        ("served_pv_kw", "pv", TEXT["v2h.trace_pv"], TEXT["v2h.hover_pv"]),
        ("served_car_kw", "car", TEXT["v2h.trace_car"], TEXT["v2h.hover_car"]),
        ("served_engine_kw", "engine", TEXT["v2h.trace_engine"], TEXT["v2h.hover_engine"]),
        ("unserved_kw", "unserved", TEXT["v2h.trace_unserved"], TEXT["v2h.hover_unserved"]),
    ]
    for column, color, name, hover in sources:
        values = hourly[column].to_numpy()
        if column in ("served_engine_kw", "served_pv_kw") and not np.any(values > 0):
            continue
        figure.add_trace(go.Scatter(
            x=times, y=values, name=name, stackgroup="served", line={"width": 0.5, "color": COLORS[color],
                                                                      "shape": "hv"},
            fillcolor=COLORS[color], hovertemplate=f"{hover}<extra></extra>",
        ))
    figure.add_trace(go.Scatter(
        x=times, y=hourly["load_kw"], name=TEXT["v2h.trace_load"], mode="lines",
        line={"color": COLORS["load"], "width": 1.5, "dash": "dot", "shape": "hv"},
        hovertemplate=f"{TEXT['v2h.hover_load']}<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        x=times, y=hourly["soc"] * 100, name=TEXT["v2h.trace_soc"], mode="lines", yaxis="y2",
        line={"color": COLORS["soc"], "width": 2.5},
        hovertemplate=f"{TEXT['v2h.hover_soc']}<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        x=[times[0], times[-1]], y=[reserve_soc * 100] * 2, name=TEXT["v2h.trace_reserve"], mode="lines",
        yaxis="y2", line={"color": COLORS["reserve"], "width": 1.5, "dash": "dash"},
        hovertemplate=f"{TEXT['v2h.hover_reserve']}<extra></extra>",
    ))
    estimate = backup.estimate
    if not estimate.lasts_whole_horizon:
        end = times[0] + pd.Timedelta(hours=estimate.hours_of_backup)
        figure.add_shape(type="line", x0=end, x1=end, y0=0, y1=1, yref="paper",
                         line={"color": COLORS["unserved"], "width": 1.5})
        figure.add_annotation(x=end, y=1, yref="paper", yanchor="bottom", showarrow=False, xanchor="left",
                              text=TEXT["v2h.annotation_end"].format(hours=estimate.hours_of_backup),
                              font={"color": COLORS["unserved"], "size": 12})
    figure.update_layout(
        height=GRAPH_HEIGHT_PX,
        margin={"l": 60, "r": 60, "t": 60, "b": 50},
        font={"family": FONT_FAMILY, "size": 13},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        hovermode="x unified",
        legend={"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom", "traceorder": "normal"},
        xaxis={"title": {"text": TEXT["v2h.axis_time"].format(timezone=backup.city.timezone)},
               "hoverformat": time_format, "showgrid": True, "gridcolor": "#eef1f4"},
        yaxis={"title": {"text": TEXT["v2h.axis_kw"]}, "rangemode": "tozero", "gridcolor": "#eef1f4"},
        yaxis2={"title": {"text": TEXT["v2h.axis_soc"]}, "overlaying": "y", "side": "right", "range": [0, 100],
                "tickmode": "linear", "tick0": 0, "dtick": 25, "showgrid": False, "ticksuffix": " %"},
    )
    return figure
