"""The scenario a page shows, and the control values that edit it (no Dash here).

A page's scenario is one JSON-serialisable dict, ``{"city": <city id>, "scenario":
Scenario.to_dict()}`` (a *state*), which the page builds from its link
(:mod:`components.url_state`) and keeps in its own store. This module knows the
defaults (each city opens on an outage of its own country, each preset on its proposed
horizon), turns a state into control values and control values back into a validated
state. It holds no model logic: every number is checked by
:class:`resilience.records.Scenario`, and a problem the engine finds is shown under the
control's label by looking its field up (:func:`control_problems`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from presentation.formatting import quoted
from presentation.hit_area import chosen_districts
from presentation.text import TEXT
from resilience.citydata import bundled_city_id, list_cities, load_city
from resilience.errors import KizunaInputError, Problem
from resilience.records import PRESET_IDS, City, Scenario
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
#: Controls greyed out when they have no effect (the others cannot be disabled).
DISABLEABLE: tuple[str, ...] = (CUSTOM_OUTAGE, CUSTOM_RESTORATION, V2H_ADOPTION, EV_MULTIPLIER, ESSENTIAL,
                                RESUPPLY_DELAY)
#: Changing one of these starts the outage afresh: its real start and proposed horizon.
RESTARTING_CONTROLS = frozenset({CITY, PRESET})

#: Scenario field → the control label used in messages.
FIELD_LABEL_KEYS = {
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
#: Scenario fields kept as a share 0–1 whose control shows per cent.
PERCENT_FIELDS = frozenset({"v2h_adoption_share", "reserve_soc"})
#: Controls whose value is the scenario field as it stands.
_DIRECT_CONTROLS = (PRESET, DURATION, CUSTOM_OUTAGE, CUSTOM_RESTORATION, EV_MULTIPLIER, ESSENTIAL, LOAD_MODE,
                    DIESEL_MULTIPLIER, PV_MULTIPLIER, WEATHER)
#: Controls that show the city's own value for ``None``: control → (scenario field, the city's value).
_CITY_VALUE_CONTROLS: dict[str, tuple[str, Callable[[City], float]]] = {
    RESUPPLY_DELAY: ("diesel_resupply_delay_h", lambda city: city.diesel.first_delivery_h),
    PETROL_RATION: ("petrol_ration_litres", lambda city: city.petrol.ration_litres_per_visit),
}


# --------------------------------------------------------------------------------------------
# Defaults and the state
# --------------------------------------------------------------------------------------------


def default_preset(city_id: str) -> str:
    """The preset a city opens on: the largest real outage of its country."""
    return DEFAULT_PRESET_BY_COUNTRY.get(load_city(city_id).country, PRESET_IDS[0])


def preset_scenario(preset_id: str, **overrides: Any) -> Scenario:
    """A scenario of ``preset_id`` at its real start, over the horizon its preset proposes."""
    return Scenario(preset=preset_id, duration_h=PRESETS[preset_id].default_duration_h, **overrides)


def default_state(city_id: str = DEFAULT_CITY_ID) -> dict[str, Any]:
    """The state a city opens on: its default preset with every other value at its default."""
    return {"city": city_id, "scenario": preset_scenario(default_preset(city_id)).to_dict()}


def checked_state(state: Any) -> dict[str, Any]:
    """``state`` as a valid page state, or a :class:`KizunaInputError` saying what is wrong with it.

    A page's state comes back from the browser with every request; the server takes
    nothing in it on trust: the city must be a bundled one (never a path) and the
    scenario one the engine accepts.

    Returns
    -------
    dict
        ``{"city": id, "scenario": dict}`` with the scenario as the engine normalises it.
    """
    if not isinstance(state, Mapping) or set(state) != {CITY, "scenario"} or not isinstance(state["scenario"], Mapping):
        raise KizunaInputError(TEXT["control.problem_state"])
    city_id = bundled_city_id(state[CITY])
    return {CITY: city_id, "scenario": Scenario.from_dict(dict(state["scenario"])).to_dict()}


def state_scenario(state: Mapping[str, Any]) -> Scenario:
    """The :class:`~resilience.records.Scenario` of a state (raises ``KizunaInputError``)."""
    return Scenario.from_dict(dict(state["scenario"]))


def effective_start(scenario: Scenario) -> dt.datetime:
    """The scenario's local start: its own, else its preset's real start."""
    return scenario.start if scenario.start is not None else PRESETS[scenario.preset].start


# --------------------------------------------------------------------------------------------
# State → control values
# --------------------------------------------------------------------------------------------


def control_values(state: Mapping[str, Any]) -> dict[str, Any]:
    """The value of every control for a state.

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


# --------------------------------------------------------------------------------------------
# Control values → state
# --------------------------------------------------------------------------------------------


def state_from_controls(
    values: Mapping[str, Any], previous: Mapping[str, Any], changed: str | None = None
) -> dict[str, Any]:
    """The state that the controls on screen describe.

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
        The state before the change (valid).
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
    fields = dict(previous["scenario"])
    if changed in RESTARTING_CONTROLS:
        return _restarted(city_id, values.get(PRESET, fields["preset"]), fields, changed)
    fields.update({name: values[name] for name in _DIRECT_CONTROLS if name in values})
    updates, problems = _read_controls(values, fields, load_city(city_id))
    state = None
    try:
        state = _validated(city_id, {**fields, **updates})
    except KizunaInputError as error:
        problems = problems + control_problems(error)
    if problems or state is None:
        raise KizunaInputError(problems)
    return state


def control_problems(error: KizunaInputError) -> list[str]:
    """The engine's messages with each scenario field named by its control's label.

    ``scenario: essential_kwh_per_day = -5.0`` becomes ``Essential load [kWh/day per
    household] = -5: must be ≥ 0``; a message without structured details passes unchanged.
    """
    if len(error.details) != len(error.problems):
        return list(error.problems)
    return [control_problem(problem) for problem in error.details]


def control_problem(problem: Problem) -> str:
    """One engine problem under its control's label and in its unit (the engine's message for a field no control has).

    A share the control shows in per cent is said in per cent: ``V2H adoption [% of EV households] = 500:
    must be ≤ 100``, not ``v2h_adoption_share = 5.0: must be ≤ 1``.
    """
    label_key = FIELD_LABEL_KEYS.get(problem.field or "") if problem.record == "scenario" else None
    if label_key is None:
        return problem.message
    value, rule = problem.value, problem.rule
    if problem.field in PERCENT_FIELDS and _is_plain_number(value):
        value = _percent(value)
        if problem.limit is not None:
            sign, bound = problem.limit
            rule = TEXT["control.problem_bound"].format(sign=sign, bound=_percent(bound))
    shown = quoted(repr(value))
    if isinstance(value, float) and shown.endswith(".0"):
        shown = shown[:-2]
    return f"{TEXT[label_key]} = {shown}: {rule}"


def _is_plain_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class ControlChange:
    """What one change of a page's controls does.

    Attributes
    ----------
    state : dict or None
        The new state, or None when it stays as it is.
    values : dict or None
        Control values to show, or None to leave the controls as the user set them.
    problems : list of str
        Messages for the page's error banner (empty: no banner).
    """

    state: dict[str, Any] | None
    values: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)


def change_controls(
    state: Mapping[str, Any], values: Mapping[str, Any], *, changed: str | None, reset: bool = False
) -> ControlChange:
    """Decide what one change of the controls on a page does to its state and to its controls.

    Parameters
    ----------
    state : mapping
        The page's state before the change.
    values : mapping
        Control name → value of the controls on the page.
    changed : str or None
        The control the user changed (None: nothing to do).
    reset : bool
        The page's reset button was pressed: back to the city's defaults.
    """
    if reset:
        fresh = default_state(state["city"])
        return ControlChange(fresh, control_values(fresh))
    if changed is None:
        return ControlChange(None, None)
    try:
        new_state = state_from_controls(values, state, changed)
    except KizunaInputError as error:
        return ControlChange(None, None, error.problems)
    shown = control_values(new_state) if changed in RESTARTING_CONTROLS else None
    return ControlChange(None if new_state == state else new_state, shown)


# --------------------------------------------------------------------------------------------
# Reading one group of controls each (a reader returns scenario fields or raises KizunaInputError)
# --------------------------------------------------------------------------------------------


def _restarted(city_id: str, preset_id: str, fields: dict[str, Any], changed: str) -> dict[str, Any]:
    if changed == CITY and preset_id != "custom" and PRESETS[preset_id].country != load_city(city_id).country:
        preset_id = default_preset(city_id)
    return _validated(city_id, {**fields, "preset": preset_id, "start": None, "affected_district_ids": None,
                                "duration_h": PRESETS[preset_id].default_duration_h})


def _read_controls(values: Mapping[str, Any], fields: Mapping[str, Any], city: City) -> tuple[dict, list[str]]:
    """Scenario fields read from the controls, and the problems of those that could not be read."""
    updates: dict[str, Any] = {}
    problems: list[str] = []
    for reader in _READERS:
        try:
            updates.update(reader(values, fields, city))
        except KizunaInputError as error:
            problems.extend(error.problems)
    return updates, problems


def _read_districts(values: Mapping[str, Any], _fields: Mapping[str, Any], city: City) -> dict[str, Any]:
    if DISTRICTS not in values:
        return {}
    return {"affected_district_ids": chosen_districts(city, values[DISTRICTS])}


def _read_start(values: Mapping[str, Any], fields: Mapping[str, Any], _city: City) -> dict[str, Any]:
    if START_DATE not in values and START_HOUR not in values:
        return {}
    current = effective_start(Scenario(preset=fields["preset"], start=fields.get("start")))
    date_text = values.get(START_DATE, current.strftime(START_DATE_FORMAT))
    hour = values.get(START_HOUR, current.hour)
    problems = [problem for problem in (_date_problem(date_text), _hour_problem(hour)) if problem]
    if problems:
        raise KizunaInputError(problems)
    start = dt.datetime.strptime(str(date_text).strip(), START_DATE_FORMAT).replace(hour=int(float(hour)))
    return {"start": None if start == PRESETS[fields["preset"]].start else start.isoformat()}


def _read_v2h(values: Mapping[str, Any], fields: Mapping[str, Any], _city: City) -> dict[str, Any]:
    if V2H_MODE not in values and V2H_ADOPTION not in values:
        return {}
    mode = values.get(V2H_MODE, V2H_INSTALLED if fields["v2h_adoption_share"] is None else V2H_ADOPTION_SHARE)
    if mode == V2H_INSTALLED:
        return {"v2h_adoption_share": None}
    return {"v2h_adoption_share": _fraction(values.get(V2H_ADOPTION, 0.0), V2H_ADOPTION)}


def _read_priority(values: Mapping[str, Any], _fields: Mapping[str, Any], _city: City) -> dict[str, Any]:
    if PRIORITY_RESTORATION not in values:
        return {}
    return {"priority_restoration": values[PRIORITY_RESTORATION] == RESTORATION_PRIORITY}


def _read_reserve(values: Mapping[str, Any], _fields: Mapping[str, Any], city: City) -> dict[str, Any]:
    if RESERVE not in values:
        return {}
    return {"reserve_soc": _none_if_default(_fraction(values[RESERVE], RESERVE), city.fleet.reserve_soc)}


def _read_city_values(values: Mapping[str, Any], _fields: Mapping[str, Any], city: City) -> dict[str, Any]:
    return {name: _none_if_default(values[control], city_value(city))
            for control, (name, city_value) in _CITY_VALUE_CONTROLS.items() if control in values}


_READERS = (_read_districts, _read_start, _read_v2h, _read_priority, _read_reserve, _read_city_values)


def _date_problem(date_text: Any) -> str | None:
    try:
        dt.datetime.strptime(str(date_text or "").strip(), START_DATE_FORMAT)
    except ValueError as error:
        return TEXT["control.problem_date"].format(value=date_text or "", reason=error)
    return None


def _hour_problem(hour: Any) -> str | None:
    if hour is not None and _is_number(str(hour)) and float(hour) == int(float(hour)) and 0 <= float(hour) <= 23:
        return None
    return TEXT["control.problem_hour"].format(value="" if hour is None else hour)


def _fraction(percent: Any, name: str) -> float:
    if percent is None or not _is_number(str(percent)):
        raise KizunaInputError(TEXT["control.problem_number"].format(label=TEXT[f"control.{name}"]))
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
