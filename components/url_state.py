"""The scenario pages' links: a state and view options in the query string, and back.

A link such as ``/planner?city=saitama&preset=tohoku-2011&districts=11101,11103&v2h=0.1``
holds the whole view: the city, the scenario (only the values that differ from the
preset's defaults, under short readable names; ``districts`` lists the districts hit,
comma-separated, and is absent for the preset's own area) and the view options (the
map's metric, the scenarios compared). :func:`decode_query` reads such a link back; a value it cannot use
is reported with a specific message and replaced by its default, and the rest of the
link still applies. The parameters and their text are those of
:class:`presentation.url_codec.ScenarioLink`, the codec every page's link goes through.

States are plain JSON data: the scenario state ``{"city": id, "scenario":
Scenario.to_dict()}`` and the view state ``{"map": metric, "compare": [variant, variant]}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from presentation.compare_variants import DEFAULT_COMPARE
from presentation.figures import DEFAULT_MAP_METRIC
from presentation.formatting import quoted
from presentation.scenario_state import DEFAULT_CITY_ID, default_preset, preset_scenario
from presentation.text import TEXT
from presentation.url_codec import LinkReading, ScenarioLink, parameters, read_link, write_link
from resilience.citydata import list_cities, load_city
from resilience.errors import KizunaInputError
from resilience.records import Scenario
from resilience.scenarios import hit_share

#: The pages that read a scenario from their link (all the same parameters).
SCENARIO_PAGE_PATHS = ("/overview", "/planner", "/compare", "/about")
CITY_PARAM = "city"
MAP_PARAM = "map"
COMPARE_PARAM = "compare"
#: Link parameter → field of the link model (view fields: ``map_metric``, ``compare``).
_LINK_FIELDS = parameters(ScenarioLink)
#: Query parameter → Scenario field, in the order they are written.
SCENARIO_PARAMS: dict[str, str] = {param: name for param, name in _LINK_FIELDS.items()
                                   if name in Scenario.model_fields}
#: The view's keys → their link model fields.
_VIEW_FIELDS = {MAP_PARAM: "map_metric", COMPARE_PARAM: "compare"}


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
    :func:`presentation.scenario_state.preset_scenario`), and view options only when
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
    changed = {name: getattr(scenario, name) for name in SCENARIO_PARAMS.values()
               if getattr(scenario, name) != getattr(defaults, name)}
    reference = default_view()
    view_fields = {_VIEW_FIELDS[key]: tuple(value) if isinstance(value, list) else value
                   for key, value in (view or {}).items() if key in _VIEW_FIELDS and value != reference[key]}
    return write_link(ScenarioLink(**changed, city=state["city"], preset=scenario.preset, **view_fields))


def decode_query(search: str | Mapping[str, Any] | None, cities: Sequence[str]) -> DecodedQuery:
    """Read the states from a query string, replacing each unusable value by its default.

    Parameters
    ----------
    search : str, mapping or None
        The query string, with or without its leading ``?``, or its parameters (as Dash
        passes them to a page's ``layout``).
    cities : sequence of str
        The city ids that exist.

    Returns
    -------
    DecodedQuery
        Valid states and a message for every value that was dropped, e.g.
        ``"Link parameter v2h=1.5: must be ≤ 1"``.
    """
    reading = read_link(ScenarioLink, search)
    city_id, city_problems = _city(reading, cities)
    preset_id, preset_problems = _preset(reading, city_id)
    fields, field_problems = _scenario_fields(reading, preset_id, city_id)
    view, view_problems = _view(reading)
    unknown = [TEXT["url.problem_unknown"].format(param=param) for param in reading.unknown]
    state = {"city": city_id, "scenario": Scenario.from_dict(fields).to_dict()}
    return DecodedQuery(state=state, view=view,
                        problems=[*city_problems, *preset_problems, *field_problems, *view_problems, *unknown])


def _city(reading: LinkReading, cities: Sequence[str]) -> tuple[str, list[str]]:
    city_id = reading.values.get("city", DEFAULT_CITY_ID)
    if city_id in cities:
        return city_id, []
    problem = TEXT["url.problem_city"].format(cities=", ".join(cities))
    return (DEFAULT_CITY_ID if DEFAULT_CITY_ID in cities else cities[0]), [_problem(CITY_PARAM, city_id, problem)]


def _preset(reading: LinkReading, city_id: str) -> tuple[str, list[str]]:
    if "preset" not in reading.values:
        return default_preset(city_id), []
    try:
        return Scenario(preset=reading.values["preset"]).preset, []
    except KizunaInputError as error:
        return default_preset(city_id), [_problem("preset", reading.texts["preset"], m) for m in error.problems]


def _scenario_fields(reading: LinkReading, preset_id: str, city_id: str) -> tuple[dict[str, Any], list[str]]:
    """The preset's scenario with every value of the link that the engine accepts, and the others' problems."""
    fields = preset_scenario(preset_id).to_dict()
    problems: list[str] = []
    for param, name in SCENARIO_PARAMS.items():
        if name == "preset" or param not in reading.texts:
            continue
        try:
            fields[name] = _checked(reading, param, name, preset_id, city_id)
        except (KizunaInputError, ValueError) as error:
            problems.extend(_problem(param, reading.texts[param], message) for message in _rules(error))
    return fields, problems


def _rules(error: Exception) -> list[str]:
    """What the link's value breaks, without the engine's record and field names (the link names its parameter)."""
    if not isinstance(error, KizunaInputError):
        return [str(error)]
    if len(error.details) == len(error.problems):
        return [detail.rule for detail in error.details]
    return list(error.problems)


def _checked(reading: LinkReading, param: str, name: str, preset_id: str, city_id: str) -> Any:
    """One scenario value of the link as the engine stores it (ValueError or KizunaInputError if unusable)."""
    if param in reading.problems:
        raise ValueError(reading.problems[param])
    checked = Scenario(preset=preset_id, **{name: reading.values[name]})
    if name == "affected_district_ids":
        hit_share(checked, load_city(city_id))  # raises for a district the city does not have
    return checked.to_dict()[name]


def _view(reading: LinkReading) -> tuple[dict[str, Any], list[str]]:
    view = default_view()
    problems = []
    for key, name in _VIEW_FIELDS.items():
        if key in reading.problems:
            problems.append(_problem(key, reading.texts[key], reading.problems[key]))
        elif name in reading.values:
            value = reading.values[name]
            view[key] = list(value) if isinstance(value, tuple) else value
    return view, problems


def _problem(param: str, raw: str, message: str) -> str:
    return TEXT["url.problem"].format(param=param, value=quoted(raw), problem=message)


def link_states(href: str | None) -> DecodedQuery:
    """The states a scenario page's link (e.g. a top-bar link's ``href``) carries; the defaults without one."""
    return decode_query(urlsplit(href or "").query, list_cities())


def scenario_page_href(pathname: str | None, state: Mapping[str, Any], view: Mapping[str, Any] | None) -> str:
    """The link that opens ``state`` on the scenario page ``pathname`` (the Overview from any other page)."""
    path = pathname if pathname in SCENARIO_PAGE_PATHS else SCENARIO_PAGE_PATHS[0]
    return path + encode_query(state, view)
