"""Form controls of one household (car, charge, reserve, V2H power, load, PV, petrol, weather).

Shared by the V2H and Survival pages; each page passes its own component IDs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from dash import Input, Output, callback, dcc, html

from presentation.text import TEXT
from presentation.v2h_figures import vehicle_name
from resilience.records import Household

# Form controls, buttons and banners use the classes of assets/dashboard.css (.field, .field-label, .number-input,
# .button, .error-banner …) so these pages look like the planner; only the page grid is set here.
RADIO_LABEL_STYLE = {"display": "flex", "gap": "0.4rem", "alignItems": "center"}
PERCENT_MARKS = (0, 25, 50, 75, 100)
# Page frame shared by the V2H and Survival pages: controls on the left, results on the right.
GRID_STYLE = {"display": "grid", "gridTemplateColumns": "minmax(300px, 360px) minmax(0, 1fr)", "gap": "1.25rem",
              "alignItems": "start"}
STACK_STYLE = {"display": "flex", "flexDirection": "column", "gap": "1.25rem", "minWidth": 0}
BANNER_STYLE = {"marginBottom": "1.25rem"}
#: Clientside callback body: put the store's ``query`` in the address bar. ``replaceState`` fires no event that
#: Dash Pages' router listens to, so the link follows the inputs without rebuilding the page.
REPLACE_URL_QUERY_JS = """
function (state) {
    if (state && typeof state.query === "string" && window.location.search !== state.query) {
        window.history.replaceState(window.history.state, "",
            window.location.pathname + state.query + window.location.hash);
    }
    return window.dash_clientside.no_update;
}
"""


@dataclass(frozen=True)
class HouseholdControlIds:
    """Component IDs of one page's household controls (from :mod:`components.ids`)."""

    vehicle: str
    soc: str
    reserve: str
    kw: str
    load_mode: str
    essential_kwh: str
    pv_kwp: str
    petrol: str
    weather: str


def labelled(label: str, control, control_id: str, hint: str | None = None) -> html.Div:
    """A control under its ``<label for=…>``, with an optional hint line."""
    children = [html.Label(label, htmlFor=control_id, className="field-label"), control]
    if hint:
        children.append(html.Span(hint, className="field-hint"))
    return html.Div(children, className="field")


def radio_group(legend: str, control_id: str, options: list[dict], value: str) -> html.Fieldset:
    """Native radio buttons in a ``<fieldset>`` whose ``<legend>`` names the group."""
    return html.Fieldset(
        [html.Legend(legend, className="field-label"),
         dcc.RadioItems(id=control_id, options=options, value=value, className="radio-column",
                        labelStyle=RADIO_LABEL_STYLE)],
        className="field",
    )


def percent_slider(control_id: str, fraction: float) -> dcc.Slider:
    """0–100 % in steps of 5 (arrow keys move it), set to ``fraction`` × 100."""
    return dcc.Slider(
        id=control_id, min=0, max=100, step=5, value=round(fraction * 100),
        marks={mark: TEXT["household.percent_mark"].format(value=mark) for mark in PERCENT_MARKS},
        tooltip={"placement": "bottom", "always_visible": False}, updatemode="mouseup", className="control-slider",
    )


def number_input(control_id: str, value: float, *, step: float) -> dcc.Input:
    """A native number field that reports its value on Enter or when it loses focus.

    It has no ``min``/``max``: Dash would turn a value outside them into ``None``, and the
    error banner could then only say "not a number" instead of naming the limit.
    """
    return dcc.Input(id=control_id, type="number", value=value, step=step, debounce=True,
                     className="number-input")


def weather_options() -> list[dict[str, str]]:
    """Radio options for the PV weather (clear, typical, overcast)."""
    return [{"label": TEXT[f"household.weather_{w}"], "value": w} for w in ("clear", "typical", "overcast")]


def household_controls(control_ids: HouseholdControlIds, household: Household,
                       catalogue: pd.DataFrame) -> list:
    """The car, charge, reserve, V2H power, load, PV, petrol and weather controls, set to ``household``."""
    return [
        labelled(TEXT["household.label_vehicle"],
                 dcc.Dropdown(id=control_ids.vehicle, options=vehicle_options(catalogue),
                              value=household.vehicle_id, clearable=False, searchable=True),
                 control_ids.vehicle),
        labelled(TEXT["household.label_soc"], percent_slider(control_ids.soc, household.soc_start), control_ids.soc),
        labelled(TEXT["household.label_reserve"], percent_slider(control_ids.reserve, household.reserve_soc),
                 control_ids.reserve),
        labelled(TEXT["household.label_kw"],
                 number_input(control_ids.kw, household.v2h_kw, step=0.5), control_ids.kw),
        radio_group(TEXT["household.label_load_mode"], control_ids.load_mode,
                    [{"label": TEXT["household.load_essential"], "value": "essential"},
                     {"label": TEXT["household.load_full"], "value": "full"}], household.load_mode),
        labelled(TEXT["household.label_essential_kwh"],
                 number_input(control_ids.essential_kwh, household.essential_kwh_per_day, step=0.1),
                 control_ids.essential_kwh, TEXT["household.hint_essential"]),
        labelled(TEXT["household.label_pv"],
                 number_input(control_ids.pv_kwp, household.pv_kwp, step=0.5), control_ids.pv_kwp),
        labelled(TEXT["household.label_petrol"],
                 number_input(control_ids.petrol, household.petrol_litres, step=1),
                 control_ids.petrol, TEXT["household.hint_petrol"]),
        radio_group(TEXT["household.label_weather"], control_ids.weather, weather_options(), household.weather),
    ]


def vehicle_options(catalogue: pd.DataFrame) -> list[dict[str, str]]:
    """Dropdown options for the catalogue: label "brand model variant · usable kWh", value the vehicle id."""
    options = []
    for vehicle_id, row in catalogue.iterrows():
        name = vehicle_name(row)
        kind = TEXT["v2h.vehicle_phev"] if row["powertrain"] == "PHEV" else ""
        label = TEXT["v2h.vehicle_option"].format(name=name, kind=kind, usable_kwh=row["usable_kwh"])
        options.append({"label": label, "value": str(vehicle_id)})
    return options


def disable_essential_budget(load_mode) -> bool:
    """The essential budget applies only to the essential load mode."""
    return load_mode != "essential"


def register_essential_budget_toggle(control_ids: HouseholdControlIds) -> None:
    """Grey out the page's essential-budget field whenever its load mode is not "essential"."""
    callback(Output(control_ids.essential_kwh, "disabled"),
             Input(control_ids.load_mode, "value"))(disable_essential_budget)
