"""The widgets that edit a page's scenario: city and outage pickers, the planner's controls, banners.

What the controls mean lives in :mod:`presentation.scenario_state` (control values ⇄ state,
no Dash) and the lines that sum a scenario up in :mod:`presentation.scenario_text`; this
module only builds the Dash components, each set from the page's state (which the page
reads from its link in ``layout(**query)``).

Controls carry pattern-matching ids ``{"type": ids.SCENARIO_CONTROL, "page": page,
"name": name}``; the page's own callback (:mod:`components.page_link`) names them one by one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dash import dcc, html

from components import ids
from components.banners import problem_items
from presentation.hit_area import default_area_hint, district_options
from presentation.household_state import city_options
from presentation.scenario_state import (
    CITY,
    CUSTOM_OUTAGE,
    CUSTOM_RESTORATION,
    DIESEL_MULTIPLIER,
    DISTRICTS,
    DURATION,
    ESSENTIAL,
    EV_MULTIPLIER,
    LOAD_MODE,
    PETROL_RATION,
    PRESET,
    PRIORITY_RESTORATION,
    PV_MULTIPLIER,
    RESERVE,
    RESTORATION_CAUTIOUS,
    RESTORATION_PRIORITY,
    RESUPPLY_DELAY,
    START_DATE,
    START_HOUR,
    V2H_ADOPTION,
    V2H_ADOPTION_SHARE,
    V2H_INSTALLED,
    V2H_MODE,
    WEATHER,
    control_values,
    default_state,
    disabled_controls,
)
from presentation.scenario_text import header_lines
from presentation.text import TEXT
from resilience.scenarios import PRESETS

#: The names of the city and outage pickers (Overview, Compare).
PICKER_NAMES: tuple[str, ...] = (CITY, PRESET)
#: Every control of the planner, in the order it shows them.
PLANNER_NAMES: tuple[str, ...] = (
    CITY, PRESET, DISTRICTS, START_DATE, START_HOUR, DURATION, CUSTOM_OUTAGE, CUSTOM_RESTORATION,
    PRIORITY_RESTORATION, EV_MULTIPLIER, V2H_MODE, V2H_ADOPTION, RESERVE, ESSENTIAL, LOAD_MODE,
    DIESEL_MULTIPLIER, RESUPPLY_DELAY, PETROL_RATION, PV_MULTIPLIER, WEATHER,
)
__all__ = ["CITY", "CUSTOM_OUTAGE", "CUSTOM_RESTORATION", "DIESEL_MULTIPLIER", "DISTRICTS", "DURATION",
           "ESSENTIAL", "EV_MULTIPLIER", "LOAD_MODE", "PETROL_RATION", "PICKER_NAMES", "PLANNER_NAMES", "PRESET",
           "PRIORITY_RESTORATION", "PV_MULTIPLIER", "RESERVE", "RESUPPLY_DELAY", "START_DATE", "START_HOUR",
           "V2H_ADOPTION", "V2H_ADOPTION_SHARE", "V2H_INSTALLED", "V2H_MODE", "WEATHER",
           "control_id", "control_values", "default_state", "disabled_controls", "districts_field",
           "dropdown_labels", "error_banner", "planner_controls", "preset_options",
           "scenario_header", "scenario_picker"]


def scenario_header(state: Mapping[str, Any], *, notes: bool = False) -> list[html.Span]:
    """The lines that sum up a scenario on a page (:func:`presentation.scenario_text.header_lines`).

    Raises
    ------
    KizunaInputError
        For districts the city does not have (as the simulation does).
    """
    return [html.Span(text, className=class_name) for text, class_name in header_lines(state, notes=notes)]


def control_id(page: str, name: str) -> dict[str, str]:
    """Pattern-matching id of control ``name`` on ``page``."""
    return {"type": ids.SCENARIO_CONTROL, "page": page, "name": name}


def preset_options() -> list[dict[str, str]]:
    """Dropdown options for every preset, labelled with title and year."""
    return [{"label": preset.title, "value": preset_id} for preset_id, preset in PRESETS.items()]


def scenario_picker(page: str, state: Mapping[str, Any] | None = None) -> html.Div:
    """City and outage pickers, set to the page's state: the short form of the controls (Overview, Compare)."""
    values = control_values(state or default_state())
    return html.Div(
        className="scenario-picker",
        children=[
            _field(page, CITY, dcc.Dropdown(id=control_id(page, CITY), options=city_options(),
                                            value=values[CITY], clearable=False, searchable=False)),
            _field(page, PRESET, dcc.Dropdown(id=control_id(page, PRESET), options=preset_options(),
                                              value=values[PRESET], clearable=False, searchable=False)),
        ],
    )


def planner_controls(page: str, state: Mapping[str, Any] | None = None) -> html.Div:
    """Every scenario control, grouped as the planner shows them and set to the page's state, with a reset
    button; the controls that do nothing for these values are greyed out."""
    values = control_values(state or default_state())
    return html.Div(
        className="planner-controls",
        children=[
            _group("planner.group_outage", [
                _field(page, CITY, dcc.Dropdown(id=control_id(page, CITY), options=city_options(),
                                                value=values[CITY], clearable=False, searchable=False)),
                _field(page, PRESET, dcc.Dropdown(id=control_id(page, PRESET), options=preset_options(),
                                                  value=values[PRESET], clearable=False, searchable=False)),
                districts_field(page, values),
                html.Div(className="field-row", children=[
                    _field(page, START_DATE, dcc.Input(id=control_id(page, START_DATE), type="text",
                                                       value=values[START_DATE], debounce=True,
                                                       placeholder="YYYY-MM-DD", className="text-input")),
                    _field(page, START_HOUR, dcc.Input(id=control_id(page, START_HOUR), type="number",
                                                       value=values[START_HOUR], step=1, debounce=True,
                                                       className="number-input")),
                ]),
                _slider(page, DURATION, values, minimum=12, maximum=720, step=12,
                        marks=_marks((24, 168, 336, 720), "mark.days", scale=1 / 24)),
                html.Div(className="field-row", children=[
                    _number(page, CUSTOM_OUTAGE, values),
                    _number(page, CUSTOM_RESTORATION, values),
                ]),
                _field(page, PRIORITY_RESTORATION, dcc.RadioItems(
                    id=control_id(page, PRIORITY_RESTORATION), value=values[PRIORITY_RESTORATION],
                    className="radio-row",
                    options=[{"label": TEXT["control.priority_restoration_off"], "value": RESTORATION_CAUTIOUS},
                             {"label": TEXT["control.priority_restoration_on"], "value": RESTORATION_PRIORITY}])),
            ]),
            _group("planner.group_homes", [
                _slider(page, EV_MULTIPLIER, values, minimum=0, maximum=20, step=0.5,
                        marks=_marks((1, 5, 10, 20), "mark.times")),
                _field(page, V2H_MODE, dcc.RadioItems(
                    id=control_id(page, V2H_MODE), value=values[V2H_MODE], className="radio-row",
                    options=[{"label": TEXT["control.v2h_mode_installed"], "value": V2H_INSTALLED},
                             {"label": TEXT["control.v2h_mode_adoption"], "value": V2H_ADOPTION_SHARE}])),
                _slider(page, V2H_ADOPTION, values, minimum=0, maximum=100, step=1,
                        marks=_marks((0, 25, 50, 100), "mark.percent")),
                _slider(page, RESERVE, values, minimum=0, maximum=90, step=5,
                        marks=_marks((0, 30, 60, 90), "mark.percent")),
                _slider(page, ESSENTIAL, values, minimum=0.5, maximum=12, step=0.5,
                        marks=_marks((1.5, 3, 6, 12), "mark.plain")),
                _field(page, LOAD_MODE, dcc.RadioItems(
                    id=control_id(page, LOAD_MODE), value=values[LOAD_MODE], className="radio-row",
                    options=[{"label": TEXT["control.load_mode_essential"], "value": "essential"},
                             {"label": TEXT["control.load_mode_full"], "value": "full"}])),
                _slider(page, PV_MULTIPLIER, values, minimum=0, maximum=10, step=0.5,
                        marks=_marks((0, 1, 5, 10), "mark.times")),
                _field(page, WEATHER, dcc.RadioItems(
                    id=control_id(page, WEATHER), value=values[WEATHER], className="radio-row",
                    options=[{"label": TEXT[f"control.weather_{w}"], "value": w}
                             for w in ("clear", "typical", "overcast")])),
            ]),
            _group("planner.group_fuel", [
                _slider(page, DIESEL_MULTIPLIER, values, minimum=0, maximum=5, step=0.25,
                        marks=_marks((0, 1, 2, 5), "mark.times")),
                _number(page, RESUPPLY_DELAY, values),
                _slider(page, PETROL_RATION, values, minimum=0.5, maximum=10, step=0.5,
                        marks=_marks((1, 2.5, 5, 10), "mark.litres")),
            ]),
            html.Button(TEXT["planner.reset"], id={"type": ids.SCENARIO_RESET, "page": page},
                        className="button button-secondary", type="button"),
        ],
    )


def districts_field(page: str, values: Mapping[str, Any]) -> html.Div:
    """The "Districts hit" multi-select, a "Whole city" button and what an empty choice means.

    The options and the explanation follow the city and the preset (the sync callback
    sets them with the control values). The choice is sent when the list closes, so
    picking several districts runs one simulation.
    """
    label = html.Label(TEXT[f"control.{DISTRICTS}"], htmlFor=_dom_id(page, DISTRICTS), className="field-label")
    whole_city = html.Button(TEXT["control.whole_city"], id={"type": ids.SCENARIO_WHOLE_CITY, "page": page},
                             type="button", className="button button-secondary button-small")
    dropdown = dcc.Dropdown(id=control_id(page, DISTRICTS), options=district_options(values[CITY]),
                            value=values[DISTRICTS], multi=True, clearable=True, searchable=True, debounce=True,
                            closeOnSelect=False, placeholder=TEXT[f"control.{DISTRICTS}_placeholder"],
                            labels=dropdown_labels())
    hint = html.Span(default_area_hint(values[CITY], values[PRESET]),
                     id={"type": ids.SCENARIO_HIT_HINT, "page": page}, className="field-hint")
    return html.Div(className=f"field field-{DISTRICTS}", children=[
        html.Div(className="field-label-row", children=[label, whole_city]), dropdown, hint,
    ])


def dropdown_labels() -> dict[str, str]:
    """The texts a Dash 4 dropdown shows (select all, search, …), from :data:`presentation.text.TEXT`."""
    keys = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
            "no_options_found")
    return {key: TEXT[f"dropdown.{key}"] for key in keys}


def error_banner(page: str, problems: list[str] | None = None, heading_key: str = "url.heading") -> html.Div:
    """Where a page shows the problems of a bad value: those of its link when it opens, then those of its
    controls (empty and hidden while all is well)."""
    return html.Div(problem_items(TEXT[heading_key], problems or []), id=error_banner_id(page),
                    className="error-banner", role="alert", hidden=not problems)


def error_banner_id(page: str) -> dict[str, str]:
    """Pattern-matching id of the page's error banner."""
    return {"type": ids.SCENARIO_ERROR, "page": page}


def _group(title_key: str, children: list) -> html.Fieldset:
    return html.Fieldset(className="control-group", children=[html.Legend(TEXT[title_key]), *children])


def _field(page: str, name: str, control) -> html.Div | html.Fieldset:
    hint_key = f"control.{name}_hint"
    hint = [html.Span(TEXT[hint_key], className="field-hint")] if hint_key in TEXT else []
    if isinstance(control, dcc.RadioItems):
        # A group of radio buttons is named by a legend; a <label> can only name one control.
        legend = html.Legend(TEXT[f"control.{name}"], className="field-label")
        return html.Fieldset(className=f"field field-choice field-{name}", children=[legend, control, *hint])
    label = html.Label(TEXT[f"control.{name}"], htmlFor=_dom_id(page, name), className="field-label")
    return html.Div(className=f"field field-{name}", children=[label, control, *hint])


def _slider(page: str, name: str, values: Mapping[str, Any], *, minimum: float, maximum: float, step: float,
            marks: dict) -> html.Div:
    slider = dcc.Slider(id=control_id(page, name), min=minimum, max=maximum, step=step, value=values[name],
                        marks=marks, updatemode="mouseup", disabled=disabled_controls(values)[name],
                        className="control-slider")
    return _field(page, name, slider)


def _marks(values: tuple[float, ...], text_key: str, scale: float = 1.0) -> dict[float, str]:
    return {value: TEXT[text_key].format(value=value * scale) for value in values}


def _number(page: str, name: str, values: Mapping[str, Any]) -> html.Div:
    return _field(page, name, dcc.Input(id=control_id(page, name), type="number", value=values[name],
                                        debounce=True, disabled=disabled_controls(values)[name],
                                        className="number-input"))


def _dom_id(page: str, name: str) -> str:
    """The DOM id Dash gives a pattern-matching id (keys sorted, compact JSON)."""
    return json.dumps(control_id(page, name), sort_keys=True, separators=(",", ":"))


