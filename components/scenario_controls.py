"""The scenario the pages share, and the controls that edit it.

The shared state is one JSON-serialisable dict, ``{"city": <city id>, "scenario":
Scenario.to_dict()}``, kept in a ``dcc.Store`` and mirrored in the URL
(:mod:`components.url_state`). This module knows the defaults (each city opens on an
outage of its own country, each preset on its proposed horizon), turns the state into
control values and control values back into a validated state, and builds the control
widgets. It holds no model logic: every number is checked by
:class:`resilience.records.Scenario`.

Controls carry pattern-matching ids ``{"type": ids.SCENARIO_CONTROL, "page": page,
"name": name}`` so that one callback serves every page that shows some of them, and a
page without them raises no "nonexistent object" error.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from components import ids
from presentation.hit_area import chosen_districts, default_area_hint, district_options, hit_area_line
from presentation.text import TEXT
from resilience.citydata import list_cities, load_city
from resilience.errors import KizunaInputError
from resilience.records import PRESET_IDS, Scenario
from resilience.scenarios import PRESETS

DEFAULT_CITY_ID = "saitama"
#: The outage a city opens on: the largest real event of its country.
DEFAULT_PRESET_BY_COUNTRY = {"JP": "tohoku-2011", "DE": "berlin-southwest-2026"}
START_DATE_FORMAT = "%Y-%m-%d"

# Control names: the ``name`` key of a control's id.
CITY = "city"
PRESET = "preset"
DISTRICTS = "affected_district_ids"
START_DATE = "start_date"
START_HOUR = "start_hour"
DURATION = "duration_h"
CUSTOM_OUTAGE = "custom_outage_h"
CUSTOM_RESTORATION = "custom_restoration_h"
PRIORITY_RESTORATION = "priority_restoration"
EV_MULTIPLIER = "ev_stock_multiplier"
V2H_MODE = "v2h_mode"
V2H_ADOPTION = "v2h_adoption_pct"
RESERVE = "reserve_soc_pct"
ESSENTIAL = "essential_kwh_per_day"
LOAD_MODE = "load_mode"
DIESEL_MULTIPLIER = "diesel_stock_multiplier"
RESUPPLY_DELAY = "diesel_resupply_delay_h"
PETROL_RATION = "petrol_ration_litres"
PV_MULTIPLIER = "pv_multiplier"
WEATHER = "weather"

RESTORATION_CAUTIOUS = "cautious"
RESTORATION_PRIORITY = "priority"
V2H_INSTALLED = "installed"
V2H_ADOPTION_SHARE = "adoption"

#: Every control, in the order the planner shows them.
CONTROL_NAMES: tuple[str, ...] = (
    CITY, PRESET, DISTRICTS, START_DATE, START_HOUR, DURATION, CUSTOM_OUTAGE, CUSTOM_RESTORATION,
    PRIORITY_RESTORATION, EV_MULTIPLIER, V2H_MODE, V2H_ADOPTION, RESERVE, ESSENTIAL, LOAD_MODE,
    DIESEL_MULTIPLIER, RESUPPLY_DELAY, PETROL_RATION, PV_MULTIPLIER, WEATHER,
)
#: Changing one of these starts the outage afresh: its real start and proposed horizon.
_RESTARTING_CONTROLS = frozenset({CITY, PRESET})

#: Scenario field → the control label used in messages.
_FIELD_LABEL_KEYS = {
    "preset": "control.preset",
    "affected_district_ids": "control.affected_district_ids",
    "start": "control.start_date",
    "duration_h": "control.duration_h",
    "custom_outage_h": "control.custom_outage_h",
    "custom_restoration_h": "control.custom_restoration_h",
    "priority_restoration": "control.priority_restoration",
    "ev_stock_multiplier": "control.ev_stock_multiplier",
    "v2h_adoption_share": "control.v2h_adoption_pct",
    "reserve_soc": "control.reserve_soc_pct",
    "essential_kwh_per_day": "control.essential_kwh_per_day",
    "load_mode": "control.load_mode",
    "diesel_stock_multiplier": "control.diesel_stock_multiplier",
    "diesel_resupply_delay_h": "control.diesel_resupply_delay_h",
    "petrol_ration_litres": "control.petrol_ration_litres",
    "pv_multiplier": "control.pv_multiplier",
    "weather": "control.weather",
}
_SCENARIO_PROBLEM = re.compile(r"^scenario: (?P<field>\w+) = (?P<value>.*?): (?P<rule>.*)$")


# --------------------------------------------------------------------------------------------
# Defaults and the shared state
# --------------------------------------------------------------------------------------------


def default_preset(city_id: str) -> str:
    """The preset a city opens on: the largest real outage of its country."""
    return DEFAULT_PRESET_BY_COUNTRY.get(load_city(city_id).country, PRESET_IDS[0])


def preset_scenario(preset_id: str, **overrides: Any) -> Scenario:
    """A scenario of ``preset_id`` at its real start, over the horizon its preset proposes."""
    return Scenario(preset=preset_id, duration_h=PRESETS[preset_id].default_duration_h, **overrides)


def default_state(city_id: str = DEFAULT_CITY_ID) -> dict[str, Any]:
    """The shared state a city opens on: its default preset with every other value at its default."""
    return {"city": city_id, "scenario": preset_scenario(default_preset(city_id)).to_dict()}


def state_scenario(state: Mapping[str, Any]) -> Scenario:
    """The :class:`~resilience.records.Scenario` of a shared state (raises ``KizunaInputError``)."""
    return Scenario.from_dict(dict(state["scenario"]))


def effective_start(scenario: Scenario) -> dt.datetime:
    """The scenario's local start: its own, else its preset's real start."""
    return scenario.start if scenario.start is not None else PRESETS[scenario.preset].start


# --------------------------------------------------------------------------------------------
# State ⇄ control values
# --------------------------------------------------------------------------------------------


def control_values(state: Mapping[str, Any]) -> dict[str, Any]:
    """The value of every control for a shared state.

    ``None`` in the scenario ("use the city's data") is shown as the city's own value,
    so a slider always sits somewhere meaningful.

    Parameters
    ----------
    state : mapping
        ``{"city": id, "scenario": dict}``, valid.

    Returns
    -------
    dict
        Control name → value, for every name of :data:`CONTROL_NAMES`.
    """
    city = load_city(state["city"])
    scenario = state_scenario(state)
    start = effective_start(scenario)
    adoption = scenario.v2h_adoption_share
    return {
        CITY: state["city"],
        PRESET: scenario.preset,
        DISTRICTS: list(scenario.affected_district_ids or ()),
        START_DATE: start.strftime(START_DATE_FORMAT),
        START_HOUR: start.hour,
        DURATION: scenario.duration_h,
        CUSTOM_OUTAGE: scenario.custom_outage_h,
        CUSTOM_RESTORATION: scenario.custom_restoration_h,
        PRIORITY_RESTORATION: RESTORATION_PRIORITY if scenario.priority_restoration else RESTORATION_CAUTIOUS,
        EV_MULTIPLIER: scenario.ev_stock_multiplier,
        V2H_MODE: V2H_INSTALLED if adoption is None else V2H_ADOPTION_SHARE,
        V2H_ADOPTION: _percent(adoption if adoption is not None else 0.0),
        RESERVE: _percent(scenario.reserve_soc if scenario.reserve_soc is not None else city.fleet.reserve_soc),
        ESSENTIAL: scenario.essential_kwh_per_day,
        LOAD_MODE: scenario.load_mode,
        DIESEL_MULTIPLIER: scenario.diesel_stock_multiplier,
        RESUPPLY_DELAY: _or_default(scenario.diesel_resupply_delay_h, city.diesel.first_delivery_h),
        PETROL_RATION: _or_default(scenario.petrol_ration_litres, city.petrol.ration_litres_per_visit),
        PV_MULTIPLIER: scenario.pv_multiplier,
        WEATHER: scenario.weather,
    }


def disabled_controls(values: Mapping[str, Any]) -> dict[str, bool]:
    """Which controls have no effect for the current values (and are greyed out)."""
    custom = values.get(PRESET) == "custom"
    return {
        name: (name in (CUSTOM_OUTAGE, CUSTOM_RESTORATION) and not custom)
        or (name in (V2H_ADOPTION, EV_MULTIPLIER) and values.get(V2H_MODE) != V2H_ADOPTION_SHARE)
        or (name == ESSENTIAL and values.get(LOAD_MODE) == "full")
        or (name == RESUPPLY_DELAY and _is_zero(values.get(DIESEL_MULTIPLIER)))
        for name in CONTROL_NAMES
    }


def state_from_controls(
    values: Mapping[str, Any], previous: Mapping[str, Any], changed: str | None = None
) -> dict[str, Any]:
    """The shared state that the controls on screen describe.

    Controls that are not on the page keep the previous state's value. Changing the
    city or the preset starts the outage afresh: the preset's real start, proposed
    horizon and own hit area (a city of another country also switches to its own
    default preset, unless the preset is the custom one). A value equal to the city's own data is stored as
    ``None``, which keeps links short and follows the city if its data change.

    Parameters
    ----------
    values : mapping
        Control name → value, for the controls on the page.
    previous : mapping
        The shared state before the change (valid).
    changed : str, optional
        Name of the control the user changed.

    Returns
    -------
    dict
        The new state, ``{"city": id, "scenario": dict}``.

    Raises
    ------
    KizunaInputError
        With one message per bad value, naming the control as the user sees it.
    """
    city_id = values.get(CITY, previous["city"])
    if city_id not in list_cities():
        raise KizunaInputError(TEXT["control.problem_city"].format(city=city_id, cities=", ".join(list_cities())))
    city = load_city(city_id)
    fields = dict(previous["scenario"])
    if changed in _RESTARTING_CONTROLS:
        preset_id = values.get(PRESET, fields["preset"])
        if changed == CITY and preset_id != "custom" and PRESETS[preset_id].country != city.country:
            preset_id = default_preset(city_id)
        fields.update(preset=preset_id, start=None, duration_h=PRESETS[preset_id].default_duration_h,
                      affected_district_ids=None)
        return _validated(city_id, fields)

    problems: list[str] = []
    fields.update(_direct_fields(values))
    if DISTRICTS in values:
        try:
            fields["affected_district_ids"] = chosen_districts(city, values[DISTRICTS])
        except KizunaInputError as error:
            problems.extend(error.problems)
    if START_DATE in values or START_HOUR in values:
        start = _start_from_controls(values, fields, problems)
        if start is not None:
            fields["start"] = None if start == PRESETS[fields["preset"]].start else start.isoformat()
    if V2H_MODE in values or V2H_ADOPTION in values:
        mode = values.get(V2H_MODE, V2H_INSTALLED if fields["v2h_adoption_share"] is None else V2H_ADOPTION_SHARE)
        fields["v2h_adoption_share"] = (
            None if mode == V2H_INSTALLED else _fraction(values.get(V2H_ADOPTION, 0.0), V2H_ADOPTION, problems)
        )
    if PRIORITY_RESTORATION in values:
        fields["priority_restoration"] = values[PRIORITY_RESTORATION] == RESTORATION_PRIORITY
    if RESERVE in values:
        fields["reserve_soc"] = _none_if_default(_fraction(values[RESERVE], RESERVE, problems), city.fleet.reserve_soc)
    if RESUPPLY_DELAY in values:
        fields["diesel_resupply_delay_h"] = _none_if_default(values[RESUPPLY_DELAY], city.diesel.first_delivery_h)
    if PETROL_RATION in values:
        fields["petrol_ration_litres"] = _none_if_default(
            values[PETROL_RATION], city.petrol.ration_litres_per_visit
        )
    try:
        state = _validated(city_id, fields)
    except KizunaInputError as error:
        problems.extend(friendly_problems(error.problems))
    if problems:
        raise KizunaInputError(problems)
    return state


def friendly_problems(problems: list[str]) -> list[str]:
    """Engine messages with the scenario field replaced by the control's label.

    ``"scenario: essential_kwh_per_day = -5.0: must be ≥ 0"`` becomes
    ``"Essential load [kWh/day] = -5: must be ≥ 0"``; other messages pass unchanged.
    """
    friendly = []
    for problem in problems:
        match = _SCENARIO_PROBLEM.match(problem)
        if match and match["field"] in _FIELD_LABEL_KEYS:
            value = match["value"]
            if value.endswith(".0") and _is_number(value):
                value = value[:-2]
            friendly.append(f"{TEXT[_FIELD_LABEL_KEYS[match['field']]]} = {value}: {match['rule']}")
        else:
            friendly.append(problem)
    return friendly


@dataclass(frozen=True)
class SyncResult:
    """What the scenario-control callback sends back.

    Attributes
    ----------
    state : dict or None
        The new shared state, or None to leave the store as it is.
    values : dict or None
        New control values, or None to leave the controls as the user set them.
    problems : list of str
        Messages for the page's error banner (empty: no banner).
    """

    state: dict[str, Any] | None
    values: dict[str, Any] | None
    problems: list[str]


def sync_controls(
    state: Mapping[str, Any] | None,
    values: Mapping[str, Any],
    *,
    changed: str | None,
    reset: bool = False,
    ready: bool = True,
) -> SyncResult:
    """Decide what one change does to the shared state and to the controls on the page.

    Parameters
    ----------
    state : mapping or None
        The shared state in the store (None before the URL has been read).
    values : mapping
        Control name → value of the controls on the page.
    changed : str or None
        The control the user changed; None when the store changed.
    reset : bool
        The page's reset button was pressed: back to the city's defaults.
    ready : bool
        False while the page's controls still hold their layout values (just mounted):
        they are then set from the store whatever triggered the call.

    Returns
    -------
    SyncResult
    """
    current = dict(state) if state else default_state()
    if reset:
        fresh = default_state(current["city"])
        return SyncResult(fresh, control_values(fresh), [])
    if changed is None or not ready:
        return SyncResult(None, control_values(current), [])
    try:
        new_state = state_from_controls(values, current, changed)
    except KizunaInputError as error:
        return SyncResult(None, None, error.problems)
    shown = control_values(new_state) if changed in _RESTARTING_CONTROLS else None
    return SyncResult(None if new_state == current else new_state, shown, [])


def scenario_summary(state: Mapping[str, Any]) -> str:
    """One line naming the city, the outage, its local start and the hours simulated."""
    scenario = state_scenario(state)
    return TEXT["scenario.summary"].format(
        city=load_city(state["city"]).name,
        preset=PRESETS[scenario.preset].title,
        start=effective_start(scenario).strftime("%a %d %b %Y %H:%M"),
        hours=scenario.duration_h,
    )


def scenario_header(state: Mapping[str, Any], *, notes: bool = False) -> list[html.Span]:
    """The lines that sum up a scenario on a page: city, outage and hours; where it hits; whether the event
    is played on a city it did not hit; optionally its sources.

    Raises
    ------
    KizunaInputError
        For districts the city does not have (as the simulation does).
    """
    lines = [html.Span(scenario_summary(state), className="summary-main"),
             html.Span(hit_area_line(state), className="summary-hit")]
    elsewhere = event_elsewhere_line(state)
    if elsewhere is not None:
        lines.append(html.Span(elsewhere, className="summary-hit summary-elsewhere"))
    if notes:
        lines.extend(html.Span(note, className="summary-note") for note in scenario_notes(state))
    return lines


#: Bundled cities a real event hit besides its preset's ``home_city``: the Kanto rolling blackouts cut
#: Saitama's wards, which lay in sub-groups of all five groups [S18].
EVENT_HIT_CITIES: dict[str, frozenset[str]] = {"kanto-rolling-2011": frozenset({"saitama"})}


def event_elsewhere_line(state: Mapping[str, Any]) -> str | None:
    """The line saying that the outage is a real event played on a city it did not hit, else ``None``.

    E.g. ``"Not Saitama City's own outage: Tōhoku earthquake 2011 plays Tohoku Electric's restoration
    curve on Saitama City's districts."``; the event's country is named when it is not the city's.
    ``None`` for the custom outage and for an event on a city it hit (its preset's ``home_city``, or
    :data:`EVENT_HIT_CITIES`).
    """
    preset = PRESETS[state_scenario(state).preset]
    city = load_city(state["city"])
    if preset.country is None or city.id == preset.home_city or city.id in EVENT_HIT_CITIES.get(preset.id, ()):
        return None
    fields = {"event": preset.title, "city": city.name, "curve": TEXT[f"scenario.curve.{preset.id}"]}
    if preset.country != city.country:
        return TEXT["scenario.elsewhere_abroad"].format(country=TEXT[f"scenario.country.{preset.country}"],
                                                        **fields)
    return TEXT["scenario.elsewhere"].format(**fields)


def scenario_notes(state: Mapping[str, Any]) -> list[str]:
    """Where the outage curve comes from and the fuel situation of the real event."""
    preset = PRESETS[state_scenario(state).preset]
    return [TEXT["scenario.source"].format(source=preset.source_note),
            TEXT["scenario.fuel"].format(fuel=preset.fuel_note)]


# --------------------------------------------------------------------------------------------
# Variants for the Compare page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """A what-if applied on top of the shared scenario (Compare page).

    Attributes
    ----------
    label_key : str
        Key of its label in :data:`presentation.text.TEXT`.
    set_fields : dict
        Scenario fields set to a value.
    scale_fields : dict
        Scenario fields multiplied by a factor (capped at the field's maximum).
    """

    label_key: str
    set_fields: Mapping[str, Any]
    scale_fields: Mapping[str, float]


NO_VARIANT = "none"
#: Quick what-ifs of the Compare page, in the order of its dropdowns.
COMPARE_VARIANTS: dict[str, Variant] = {
    NO_VARIANT: Variant("compare.variant_none", {}, {}),
    "v2h-10": Variant("compare.variant_v2h_10", {"v2h_adoption_share": 0.10}, {}),
    "v2h-30": Variant("compare.variant_v2h_30", {"v2h_adoption_share": 0.30}, {}),
    "ev-x10": Variant("compare.variant_ev_x10", {}, {"ev_stock_multiplier": 10.0}),
    "diesel-x2": Variant("compare.variant_diesel_x2", {}, {"diesel_stock_multiplier": 2.0}),
    "resupply-none": Variant("compare.variant_resupply_none", {"diesel_resupply_delay_h": 8760.0}, {}),
    "pv-x3": Variant("compare.variant_pv_x3", {}, {"pv_multiplier": 3.0}),
    "essential-min": Variant("compare.variant_essential_min", {"essential_kwh_per_day": 1.5}, {}),
    "overcast": Variant("compare.variant_overcast", {"weather": "overcast"}, {}),
}
#: The Compare page opens on: 10 % V2H adoption, and the diesel stock doubled.
DEFAULT_COMPARE: tuple[str, str] = ("v2h-10", "diesel-x2")
_FIELD_MAXIMUM = {"ev_stock_multiplier": 100.0, "diesel_stock_multiplier": 100.0, "pv_multiplier": 100.0}


def apply_variant(scenario: Mapping[str, Any], variant_id: str) -> dict[str, Any]:
    """The scenario dict with a Compare variant applied (a new, validated dict).

    Raises
    ------
    KizunaInputError
        For an unknown variant id.
    """
    if variant_id not in COMPARE_VARIANTS:
        raise KizunaInputError(f"compare variant '{variant_id}': must be one of {', '.join(COMPARE_VARIANTS)}")
    variant = COMPARE_VARIANTS[variant_id]
    fields = dict(scenario)
    fields.update(variant.set_fields)
    for name, factor in variant.scale_fields.items():
        fields[name] = min(fields[name] * factor, _FIELD_MAXIMUM[name])
    return Scenario.from_dict(fields).to_dict()


# --------------------------------------------------------------------------------------------
# Widgets
# --------------------------------------------------------------------------------------------


def control_id(page: str, name: str) -> dict[str, str]:
    """Pattern-matching id of control ``name`` on ``page``."""
    return {"type": ids.SCENARIO_CONTROL, "page": page, "name": name}


def city_options() -> list[dict[str, str]]:
    """Dropdown options for the bundled cities, labelled with their display names."""
    return [{"label": load_city(city_id).name, "value": city_id} for city_id in list_cities()]


def preset_options() -> list[dict[str, str]]:
    """Dropdown options for every preset, labelled with title and year."""
    return [{"label": preset.title, "value": preset_id} for preset_id, preset in PRESETS.items()]


def scenario_picker(page: str) -> html.Div:
    """City and outage pickers: the short form of the controls, for the Overview and Compare pages."""
    return html.Div(
        className="scenario-picker",
        children=[
            _field(page, CITY, dcc.Dropdown(id=control_id(page, CITY), options=city_options(),
                                            value=DEFAULT_CITY_ID, clearable=False, searchable=False)),
            _field(page, PRESET, dcc.Dropdown(id=control_id(page, PRESET), options=preset_options(),
                                              value=default_preset(DEFAULT_CITY_ID), clearable=False,
                                              searchable=False)),
            *sync_stores(page),
        ],
    )


def planner_controls(page: str) -> html.Div:
    """Every scenario control, grouped as the planner shows them, with a reset button."""
    values = control_values(default_state())
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
            *sync_stores(page),
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


def sync_stores(page: str) -> list[dcc.Store]:
    """The page's "controls set from the store" flag, which the sync callback needs."""
    return [dcc.Store(id={"type": ids.SCENARIO_READY, "page": page}, data=False)]


def error_banner(page: str) -> html.Div:
    """Where a page shows the problems of a bad value (empty and hidden while all is well)."""
    return html.Div(id={"type": ids.SCENARIO_ERROR, "page": page}, className="error-banner", role="alert",
                    hidden=True)


def problem_list(problems: list[str], heading_key: str = "error.heading") -> list:
    """Children of an error banner: a heading and one line per problem."""
    if not problems:
        return []
    return [html.Strong(TEXT[heading_key]), html.Ul([html.Li(problem) for problem in problems])]


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
                        marks=marks, updatemode="mouseup",
                        className="control-slider")
    return _field(page, name, slider)


def _marks(values: tuple[float, ...], text_key: str, scale: float = 1.0) -> dict[float, str]:
    return {value: TEXT[text_key].format(value=value * scale) for value in values}


def _number(page: str, name: str, values: Mapping[str, Any]) -> html.Div:
    return _field(page, name, dcc.Input(id=control_id(page, name), type="number", value=values[name],
                                        debounce=True, className="number-input"))


def _dom_id(page: str, name: str) -> str:
    """The DOM id Dash gives a pattern-matching id (keys sorted, compact JSON)."""
    return json.dumps(control_id(page, name), sort_keys=True, separators=(",", ":"))


def _direct_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Controls whose value is the scenario field as it stands."""
    direct = (PRESET, DURATION, CUSTOM_OUTAGE, CUSTOM_RESTORATION, EV_MULTIPLIER, ESSENTIAL, LOAD_MODE,
              DIESEL_MULTIPLIER, PV_MULTIPLIER, WEATHER)
    return {name: values[name] for name in direct if name in values}


def _start_from_controls(values: Mapping[str, Any], fields: dict, problems: list[str]) -> dt.datetime | None:
    current = effective_start(Scenario(preset=fields["preset"], start=fields.get("start")))
    date_text = values.get(START_DATE, current.strftime(START_DATE_FORMAT))
    hour = values.get(START_HOUR, current.hour)
    date = None
    try:
        date = dt.datetime.strptime(str(date_text or "").strip(), START_DATE_FORMAT)
    except ValueError as error:
        problems.append(TEXT["control.problem_date"].format(value=date_text or "", reason=error))
    if hour is None or not _is_number(str(hour)) or float(hour) != int(float(hour)) or not 0 <= float(hour) <= 23:
        problems.append(TEXT["control.problem_hour"].format(value="" if hour is None else hour))
        return None
    return None if date is None else date.replace(hour=int(float(hour)))


def _fraction(percent: Any, name: str, problems: list[str]) -> float | None:
    if percent is None or not _is_number(str(percent)):
        problems.append(TEXT["control.problem_number"].format(label=TEXT[f"control.{name}"]))
        return None
    return round(float(percent) / 100.0, 6)


def _none_if_default(value: Any, default: float) -> Any:
    if value is None or value == "":
        return None
    return None if _is_number(str(value)) and float(value) == default else value


def _is_zero(value: Any) -> bool:
    return value is not None and _is_number(str(value)) and float(value) == 0.0


def _or_default(value: float | None, default: float) -> float:
    return default if value is None else value


def _percent(fraction: float) -> float:
    percent = round(fraction * 100.0, 4)
    return int(percent) if percent == int(percent) else percent


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _validated(city_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"city": city_id, "scenario": Scenario.from_dict(fields).to_dict()}

