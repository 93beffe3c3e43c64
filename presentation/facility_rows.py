"""The critical facilities of a run as table rows (shown by the dashboard's grid and the PDF)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from presentation.text import TEXT
from resilience.citysim import Result

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
