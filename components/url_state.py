"""The shared state in the URL's query string, and back.

A link such as ``/planner?city=saitama&preset=tohoku-2011&districts=11101,11103&v2h=0.1``
holds the whole view: the city, the scenario (only the values that differ from the
preset's defaults, under short readable names; ``districts`` lists the districts hit,
comma-separated, and is absent for the preset's own area) and the view options (the
map's metric, the scenarios compared). :func:`decode_query` reads such a link back; a value it cannot use
is reported with a specific message and replaced by its default, and the rest of the
link still applies.

States are plain JSON data: the scenario state ``{"city": id, "scenario":
Scenario.to_dict()}`` and the view state ``{"map": metric, "compare": [variant, variant]}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from components.scenario_controls import (
    COMPARE_VARIANTS,
    DEFAULT_CITY_ID,
    DEFAULT_COMPARE,
    default_preset,
    preset_scenario,
)
from presentation.figures import DEFAULT_MAP_METRIC, MAP_METRICS
from presentation.text import TEXT
from resilience.citydata import load_city
from resilience.errors import KizunaInputError
from resilience.records import Scenario
from resilience.scenarios import hit_share

CITY_PARAM = "city"
MAP_PARAM = "map"
COMPARE_PARAM = "compare"
#: Query parameter → Scenario field, in the order they are written.
SCENARIO_PARAMS: dict[str, str] = {
    "preset": "preset",
    "districts": "affected_district_ids",
    "start": "start",
    "h": "duration_h",
    "outage": "custom_outage_h",
    "restore": "custom_restoration_h",
    "priority": "priority_restoration",
    "ev": "ev_stock_multiplier",
    "v2h": "v2h_adoption_share",
    "reserve": "reserve_soc",
    "ess": "essential_kwh_per_day",
    "load": "load_mode",
    "diesel": "diesel_stock_multiplier",
    "resupply": "diesel_resupply_delay_h",
    "ration": "petrol_ration_litres",
    "pv": "pv_multiplier",
    "weather": "weather",
}
_TEXT_FIELDS = frozenset({"preset", "load_mode", "weather"})
_INTEGER_FIELDS = frozenset({"duration_h"})
_LIST_FIELDS = frozenset({"affected_district_ids"})
_BOOL_FIELDS = frozenset({"priority_restoration"})
#: Characters left readable in a link (the start's colon, the comma of a list).
_SAFE = ":,"


def default_view() -> dict[str, Any]:
    """The view options a link without them opens on."""
    return {MAP_PARAM: DEFAULT_MAP_METRIC, COMPARE_PARAM: list(DEFAULT_COMPARE)}


@dataclass(frozen=True)
class DecodedQuery:
    """What a query string says, after falling back to defaults for what it got wrong.

    Attributes
    ----------
    state : dict
        The scenario state, ``{"city": id, "scenario": dict}``, always valid.
    view : dict
        The view options, always valid.
    problems : list of str
        One message per value that was replaced by its default.
    """

    state: dict[str, Any]
    view: dict[str, Any]
    problems: list[str] = field(default_factory=list)


def encode_query(state: Mapping[str, Any], view: Mapping[str, Any] | None = None) -> str:
    """The query string (with its leading ``?``) that :func:`decode_query` turns back into the states.

    The city and the preset are always written; every other scenario value only when
    it differs from the preset's default (see
    :func:`components.scenario_controls.preset_scenario`), and view options only when
    they differ from :func:`default_view`.

    Parameters
    ----------
    state : mapping
        ``{"city": id, "scenario": Scenario.to_dict()}``.
    view : mapping, optional
        ``{"map": metric, "compare": [variant, ...]}``.

    Returns
    -------
    str
        E.g. ``"?city=saitama&preset=tohoku-2011&v2h=0.1"``.
    """
    scenario = Scenario.from_dict(dict(state["scenario"]))
    defaults = preset_scenario(scenario.preset)
    pairs: list[tuple[str, str]] = [(CITY_PARAM, state["city"])]
    for param, name in SCENARIO_PARAMS.items():
        value = getattr(scenario, name)
        if name == "preset" or value != getattr(defaults, name):
            pairs.append((param, _format(value)))
    if view:
        reference = default_view()
        if view.get(MAP_PARAM, reference[MAP_PARAM]) != reference[MAP_PARAM]:
            pairs.append((MAP_PARAM, view[MAP_PARAM]))
        compare = list(view.get(COMPARE_PARAM, reference[COMPARE_PARAM]))
        if compare != reference[COMPARE_PARAM]:
            pairs.append((COMPARE_PARAM, ",".join(compare)))
    return "?" + urlencode(pairs, safe=_SAFE)


def decode_query(search: str | None, cities: Sequence[str]) -> DecodedQuery:
    """Read the states from a query string, replacing each unusable value by its default.

    Parameters
    ----------
    search : str or None
        The query string, with or without its leading ``?``.
    cities : sequence of str
        The city ids that exist.

    Returns
    -------
    DecodedQuery
        Valid states and a message for every value that was dropped, e.g.
        ``"Link parameter v2h=1.5: V2H adoption [% of EV households] = 1.5: must be ≤ 1
        — the default is used instead."``
    """
    params = dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=True))
    problems: list[str] = []

    city_id = params.pop(CITY_PARAM, DEFAULT_CITY_ID)
    if city_id not in cities:
        problems.append(_problem(CITY_PARAM, city_id, TEXT["url.problem_city"].format(cities=", ".join(cities))))
        city_id = DEFAULT_CITY_ID if DEFAULT_CITY_ID in cities else cities[0]

    preset_id = default_preset(city_id)
    if "preset" in params:
        raw = params.pop("preset")
        try:
            preset_id = Scenario(preset=raw).preset
        except KizunaInputError as error:
            problems.extend(_problem("preset", raw, message) for message in error.problems)
    fields = preset_scenario(preset_id).to_dict()
    for param, name in SCENARIO_PARAMS.items():
        if param not in params or name == "preset":
            continue
        raw = params.pop(param)
        try:
            value = _parse(name, raw)
            checked = Scenario(preset=preset_id, **{name: value})
            if name in _LIST_FIELDS:
                hit_share(checked, load_city(city_id))  # raises for a district the city does not have
        except (KizunaInputError, ValueError) as error:
            messages = error.problems if isinstance(error, KizunaInputError) else [str(error)]
            problems.extend(_problem(param, raw, message) for message in messages)
            continue
        fields[name] = checked.to_dict()[name]

    view = default_view()
    if MAP_PARAM in params:
        raw = params.pop(MAP_PARAM)
        if raw in MAP_METRICS:
            view[MAP_PARAM] = raw
        else:
            problems.append(_problem(MAP_PARAM, raw, TEXT["url.problem_choice"].format(choices=", ".join(MAP_METRICS))))
    if COMPARE_PARAM in params:
        raw = params.pop(COMPARE_PARAM)
        variants = [part.strip() for part in raw.split(",")]
        if len(variants) == len(DEFAULT_COMPARE) and all(v in COMPARE_VARIANTS for v in variants):
            view[COMPARE_PARAM] = variants
        else:
            problems.append(_problem(COMPARE_PARAM, raw, TEXT["url.problem_compare"].format(
                count=len(DEFAULT_COMPARE), choices=", ".join(COMPARE_VARIANTS))))
    problems.extend(TEXT["url.problem_unknown"].format(param=param) for param in params)

    state = {"city": city_id, "scenario": Scenario.from_dict(fields).to_dict()}
    return DecodedQuery(state=state, view=view, problems=problems)


def _parse(name: str, raw: str) -> Any:
    """A query value as the Scenario field expects it; ValueError with a reason if it cannot be."""
    text = raw.strip()
    if name in _TEXT_FIELDS:
        return text
    if name == "start":
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError as error:
            raise ValueError(TEXT["url.problem_start"].format(reason=error)) from None
    if text == "":
        return None
    if name in _LIST_FIELDS:
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if name in _BOOL_FIELDS:
        if text not in ("0", "1"):
            raise ValueError(TEXT["url.problem_switch"])
        return text == "1"
    try:
        number = float(text)
    except ValueError:
        raise ValueError(TEXT["url.problem_number"]) from None
    if name in _INTEGER_FIELDS and number == int(number):
        return int(number)
    return number


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, dt.datetime):
        timespec = "minutes" if value.second == 0 and value.microsecond == 0 else "auto"
        return value.isoformat(timespec=timespec)
    if isinstance(value, float):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    return str(value)


def _problem(param: str, raw: str, message: str) -> str:
    return TEXT["url.problem"].format(param=param, value=raw, problem=message)
