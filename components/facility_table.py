"""The critical facilities of a run as a sortable, filterable table (dash-ag-grid)."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag

from presentation.facility_rows import STATUS_CLASSES
from presentation.text import TEXT

TABLE_HEIGHT_PX = 420


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
