"""The V2H household and Survival-page setup as the pages show them: defaults, control values and links.

The records themselves (:class:`~resilience.records.Household`,
:class:`~resilience.records.SurvivalSetup`) and what is computed from them (the V2H
estimate, :func:`resilience.v2h.household_backup`; the survival-sweep inputs,
:mod:`resilience.systems`) belong to the engine. This module holds the pages'
choices (horizons offered, the default city) and the controls' and the links'
translation into records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from presentation.formatting import quoted
from presentation.text import TEXT
from presentation.url_codec import LinkModel, parameters, read_link, record_link, write_link
from resilience.citydata import list_cities, load_bundled_city, load_city
from resilience.errors import KizunaInputError
from resilience.records import DEFAULT_CITY_ID, Household, Record, SurvivalSetup

#: Outage horizons offered on the V2H page [h].
V2H_HORIZONS_H = (72, 168, 336, 720)
#: Sweep horizons offered on the Survival page [h]: a day, the 72-hour target, a week, two weeks, a month,
#: a quarter and the whole year.
SURVIVAL_HORIZONS_H = (24, 72, 168, 336, 720, 2190, 8760)


def default_city_id() -> str:
    """Saitama when it is bundled, else the first bundled city."""
    cities = list_cities()
    return DEFAULT_CITY_ID if DEFAULT_CITY_ID in cities else cities[0]


def city_options() -> list[dict[str, str]]:
    """Dropdown options for the bundled cities, labelled with their display names."""
    return [{"label": load_city(city_id).name, "value": city_id} for city_id in list_cities()]


def household_from_controls(
    *, city_id: Any, vehicle_id: Any, soc_percent: Any, reserve_percent: Any, v2h_kw: Any, load_mode: Any,
    essential_kwh_per_day: Any, pv_kwp: Any, petrol_litres: Any, weather: Any, start: dt.datetime | None = None,
    duration_h: Any = None,
) -> Household:
    """The household described by the page controls (percentages for the two states of charge).

    Empty controls arrive as ``None`` and are reported like any other bad value.

    Raises
    ------
    KizunaInputError
        One line per bad control, e.g. ``household: v2h_kw = 0: must be > 0``.
    """
    def fraction(percent: Any) -> Any:
        return percent / 100 if isinstance(percent, int | float) and not isinstance(percent, bool) else percent

    data = {
        "city_id": city_id, "vehicle_id": vehicle_id, "soc_start": fraction(soc_percent),
        "reserve_soc": fraction(reserve_percent), "v2h_kw": v2h_kw, "load_mode": load_mode,
        "essential_kwh_per_day": essential_kwh_per_day, "pv_kwp": pv_kwp, "petrol_litres": petrol_litres,
        "weather": weather, "start": start,
    }
    if duration_h is not None:
        data["duration_h"] = duration_h
    return Household.from_dict(data)


# ----------------------------------------------------------------------------------------------------------------------
# Links: the records in the URL's query string
# ----------------------------------------------------------------------------------------------------------------------

#: Query parameter → Household field. ``city``, ``reserve``, ``ess``, ``load``, ``weather`` and ``start`` mean what
#: they mean in the planner's links (components.url_state), so a scenario's values carry over.
HOUSEHOLD_PARAMS: dict[str, str] = {
    "city": "city_id",
    "car": "vehicle_id",
    "soc": "soc_start",
    "reserve": "reserve_soc",
    "kw": "v2h_kw",
    "load": "load_mode",
    "ess": "essential_kwh_per_day",
    "kwp": "pv_kwp",
    "petrol": "petrol_litres",
    "weather": "weather",
    "start": "start",
    "horizon": "duration_h",
}
#: Query parameter → SurvivalSetup field (the household's parameters come on top, without start and horizon).
SETUP_PARAMS: dict[str, str] = {"source": "source", "facility": "facility_id", "max_h": "max_duration_h"}
_SETUP_HOUSEHOLD_PARAMS = {param: name for param, name in HOUSEHOLD_PARAMS.items() if param not in ("start", "horizon")}


#: The link models of the pages' parameter tables (:mod:`presentation.url_codec`, the codec of every page's link).
_HOUSEHOLD_LINK = record_link("HouseholdLink", HOUSEHOLD_PARAMS)
_SWEPT_HOUSEHOLD_LINK = record_link("SweptHouseholdLink", _SETUP_HOUSEHOLD_PARAMS)
_SETUP_LINK = record_link("SetupLink", SETUP_PARAMS)


def _link(model: type[LinkModel], record: Record, always: tuple[str, ...]) -> LinkModel:
    """The link of a record: the fields in ``always`` and every field that differs from its default."""
    defaults = type(record)()
    return model(**{name: getattr(record, name) for name in parameters(model).values()
                    if getattr(record, name) is not None
                    and (name in always or getattr(record, name) != getattr(defaults, name))})


def household_query(household: Household) -> str:
    """The query string (with ``?``) of a household: city and car always, other values when not default.

    Examples
    --------
    >>> household_query(Household(soc_start=0.8))
    '?city=saitama&car=nissan-leaf-40&soc=0.8'
    """
    return write_link(_link(_HOUSEHOLD_LINK, household, ("city_id", "vehicle_id")))


def setup_query(setup: SurvivalSetup) -> str:
    """The query string of a Survival-page setup: its own parameters, then the household's."""
    own = write_link(_link(_SETUP_LINK, setup, ("source",)))
    household = write_link(_link(_SWEPT_HOUSEHOLD_LINK, setup.household, ("city_id",))).lstrip("?")
    return own + ("&" + household if household else "")


def _record_fields(model: type[LinkModel], record: type[Record], query: str | dict[str, str] | None
                   ) -> tuple[dict[str, Any], list[str]]:
    """Fields of ``record`` read from a link, each checked alone by the record, and a problem for each bad one."""
    param_of = {name: param for param, name in parameters(model).items()}
    fields: dict[str, Any] = {}
    problems: list[str] = []
    for name, text in read_link(model, query).values.items():
        if not text:
            continue
        try:
            fields[name] = record.from_text({name: text}).to_dict()[name]
        except KizunaInputError as error:
            problems.extend(_link_problem(param_of[name], text, message) for message in error.problems)
    return fields, problems


def _known_ids(fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The fields without a city or car id that does not exist, and a problem for each one dropped."""
    from resilience.vehicles import vehicle_catalogue

    checks = (("city", "city_id", list_cities()), ("car", "vehicle_id", list(vehicle_catalogue().index)))
    unknown = [(param, name) for param, name, known in checks if name in fields and fields[name] not in known]
    problems = [_link_problem(param, fields[name], TEXT[f"household.link_unknown_{param}"]) for param, name in unknown]
    return {key: value for key, value in fields.items() if key not in {name for _, name in unknown}}, problems


def _known_facility(fields: dict[str, Any], city_id: str) -> tuple[dict[str, Any], list[str]]:
    """The fields without a facility the city does not have, and a problem if one was dropped."""
    city = load_bundled_city(city_id)
    if "facility_id" not in fields or fields["facility_id"] in {f.id for f in city.facilities}:
        return fields, []
    problem = _link_problem("facility", fields["facility_id"],
                            TEXT["household.link_unknown_facility"].format(city=city.name))
    return {key: value for key, value in fields.items() if key != "facility_id"}, [problem]


def _link_problem(param: str, value: Any, problem: str) -> str:
    return TEXT["household.link_problem"].format(param=param, value=quoted(value), problem=problem)


def household_from_query(query: str | dict[str, str] | None) -> tuple[Household, list[str]]:
    """The household a link describes, and a message for each value that was replaced by its default.

    Parameters
    ----------
    query : str or dict or None
        The query string (with or without ``?``) or its parsed parameters; unknown
        parameters (e.g. the planner's) are ignored.
    """
    fields, problems = _record_fields(_HOUSEHOLD_LINK, Household, query)
    fields, unknown = _known_ids(fields)
    fields.setdefault("city_id", default_city_id())
    return Household.from_dict(fields), problems + unknown


def setup_from_query(query: str | dict[str, str] | None) -> tuple[SurvivalSetup, list[str]]:
    """The Survival-page setup a link describes, and a message for each value replaced by its default."""
    household, household_problems = _record_fields(_SWEPT_HOUSEHOLD_LINK, Household, query)
    household, unknown = _known_ids(household)
    household.setdefault("city_id", default_city_id())
    fields, setup_problems = _record_fields(_SETUP_LINK, SurvivalSetup, query)
    fields, facility_problems = _known_facility(fields, household["city_id"])
    problems = household_problems + unknown + setup_problems + facility_problems
    return SurvivalSetup.from_dict({**fields, "household": household}), problems
