"""The critical facilities of a run as a sortable, filterable table (dash-ag-grid)."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import pandas as pd

from components.text import TEXT
from resilience.citysim import Result

TABLE_HEIGHT_PX = 420
#: Status → CSS class of its badge (see assets/style.css).
STATUS_CLASSES = {"ok": "status-ok", "recovered": "status-recovered", "short": "status-short"}


#: ``Result.facility_summary["kept_up_by"]`` → the TEXT key suffix of its label.
KEPT_UP_BY_KEYS = {"grid restoration": "grid", "own backup": "own", "no outage": "no_outage", "—": "short"}

def facility_rows(result: Result) -> list[dict[str, Any]]:
    """One JSON-ready row per facility: status, first shortfall, fuel left and energy served.

    Parameters
    ----------
    result : resilience.citysim.Result

    Returns
    -------
    list of dict
        Keys ``facility_id, name, type, district, sites, critical_load_kw, status,
        status_label, first_shortfall_h, first_shortfall_time, fuel_litres_end,
        fuel_hours_left, energy_served_pct``; ``first_shortfall_h`` and its time are
        None for a facility never short within the horizon.
    """
    summary = result.facility_summary
    districts = {d.id: d.name for d in result.city.districts}
    first = summary["first_shortfall_h"]
    times = [
        None if pd.isna(hour) else result.index[int(hour)].strftime("%d %b %H:%M") for hour in first
    ]
    frame = pd.DataFrame({
        "facility_id": summary["facility_id"],
        "name": summary["name"],
        "type": [TEXT[f"facility_type.{kind}"] for kind in summary["type"]],
        "district": [districts[d] for d in summary["district_id"]],
        "sites": summary["sites"].astype(int),
        "critical_load_kw": summary["critical_load_kw"].round(1),
        "status": summary["status"],
        "status_label": [TEXT[f"status.{s}"] for s in summary["status"]],
        "first_shortfall_h": [None if pd.isna(hour) else int(hour) for hour in first],
        "first_shortfall_time": times,
        "backup_label": [TEXT["facility.backup_no_outage"] if not hit else TEXT["facility.backup_adequate"]
                         if adequate else TEXT["facility.backup_inadequate"]
                         for hit, adequate in zip(summary["hit"], summary["adequate_backup"], strict=True)],
        "kept_up_by_label": [TEXT[f"facility.kept_up_by.{KEPT_UP_BY_KEYS[kept]}"] for kept in summary["kept_up_by"]],
        "own_tank_h": summary["own_tank_h"].round(1),
        "fuel_litres_end": summary["fuel_litres_end"].round(0),
        "fuel_hours_left": summary["fuel_hours_left"].round(1),
        "energy_served_pct": summary["energy_served_pct"].round(1),
    })
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def column_defs() -> list[dict[str, Any]]:
    """AG Grid columns: text columns filter by text, numbers by number; status as a coloured badge."""
    number = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    never = TEXT["facility.never"]
    shortfall = TEXT["facility.first_shortfall_value"]
    return [
        {"field": "name", "headerName": TEXT["facility.name"], "minWidth": 190, "flex": 2.4, "tooltipField": "name"},
        {"field": "type", "headerName": TEXT["facility.type"], "minWidth": 95, "flex": 1},
        {"field": "district", "headerName": TEXT["facility.district"], "minWidth": 95, "flex": 1},
        {"field": "status_label", "headerName": TEXT["facility.status"], "minWidth": 128, "flex": 1,
         "cellClassRules": {cls: f"params.data.status == '{status}'" for status, cls in STATUS_CLASSES.items()},
         "headerTooltip": TEXT["facility.status_explain"]},
        {"field": "first_shortfall_h", "headerName": TEXT["facility.first_shortfall"], "minWidth": 150, "flex": 1.4,
         **number, "headerTooltip": TEXT["facility.first_shortfall_explain"],
         "valueFormatter": {"function": f"params.value == null ? '{never}' : '{shortfall}'"
                                        ".replace('{hours}', params.value)"
                                        ".replace('{time}', params.data.first_shortfall_time)"}},
        {"field": "backup_label", "headerName": TEXT["facility.backup"], "minWidth": 110, "flex": 1,
         "headerTooltip": TEXT["facility.backup_explain"]},
        {"field": "kept_up_by_label", "headerName": TEXT["facility.kept_up_by"], "minWidth": 120, "flex": 1.1,
         "headerTooltip": TEXT["facility.kept_up_by_explain"]},
        {"field": "own_tank_h", "headerName": TEXT["facility.own_tank_h"], "minWidth": 95, "flex": 1,
         **number, "headerTooltip": TEXT["facility.own_tank_h_explain"]},
        {"field": "fuel_hours_left", "headerName": TEXT["facility.fuel_hours_left"], "minWidth": 95, "flex": 1,
         **number, "headerTooltip": TEXT["facility.fuel_hours_left_explain"]},
        {"field": "fuel_litres_end", "headerName": TEXT["facility.fuel_litres_end"], "minWidth": 100, "flex": 1,
         **number, "valueFormatter": {"function": "d3.format(',.0f')(params.value)"}},
        {"field": "critical_load_kw", "headerName": TEXT["facility.critical_load_kw"], "minWidth": 100, "flex": 1,
         **number, "valueFormatter": {"function": "d3.format(',.0f')(params.value)"}},
        {"field": "energy_served_pct", "headerName": TEXT["facility.energy_served_pct"], "minWidth": 100, "flex": 1,
         **number},
    ]


def facility_grid(grid_id: str) -> dag.AgGrid:
    """An empty facility grid; a callback fills ``rowData`` with :func:`facility_rows`."""
    return dag.AgGrid(
        id=grid_id,
        columnDefs=column_defs(),
        rowData=[],
        getRowId="params.data.facility_id",
        defaultColDef={"sortable": True, "filter": True, "floatingFilter": True, "resizable": True,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={"tooltipShowDelay": 300, "animateRows": False, "domLayout": "normal"},
        style={"height": f"{TABLE_HEIGHT_PX}px", "width": "100%"},
        className="facility-grid",
    )
