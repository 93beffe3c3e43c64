"""The one codec between a page's values and its link's query string.

Every page keeps what it shows in its link, under short readable parameter names
(``?city=saitama&preset=tohoku-2011&h=72``). A *link model* is a pydantic model whose
fields are those parameters: the field name is the record's own (``duration_h``), its
alias the parameter (``h``), and every field defaults to ``None``, meaning "not in the
link". So

* :func:`write_link` is ``model_dump(by_alias=True, exclude_defaults=True)`` with every
  value written as short text (:func:`format_value`: ``0.1``, ``2``, ``1``/``0`` for a
  switch, ``06,09`` for a list, ``2011-03-12T09:00`` for a time), and
* :func:`read_link` validates the text of each parameter on its own; a parameter that
  cannot be read becomes one problem (its reason), the others still apply.

The link models only turn text into values and back: what a value may be (≥ 0, a known
preset, …) is checked by the engine's records afterwards, by the caller, so that a link
and a form report the same rules with the same words.

Parameters of the scenario pages are in :class:`ScenarioLink`; those of the V2H and
Survival pages are built from their parameter tables with :func:`record_link`
(:mod:`presentation.household_state`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationError, create_model

from presentation.compare_variants import COMPARE_VARIANTS, DEFAULT_COMPARE
from presentation.figures import MAP_METRICS
from presentation.text import TEXT

#: Characters left readable in a link (a time's colon, the comma of a list).
SAFE_CHARACTERS = ":,"


def format_value(value: Any) -> str:
    """A value as link text: the shortest exact number, ``1``/``0``, comma-joined ids, an ISO time."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple | list):
        return ",".join(str(item) for item in value)
    if isinstance(value, dt.datetime):
        timespec = "minutes" if value.second == 0 and value.microsecond == 0 else "auto"
        return value.isoformat(timespec=timespec)
    if isinstance(value, float):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    return str(value)


# --------------------------------------------------------------------------------------------
# Text → value, one reader per kind of parameter (values that are not text pass unchanged)
# --------------------------------------------------------------------------------------------


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _number(value: Any) -> Any:
    text = _stripped(value)
    if not isinstance(text, str):
        return text
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(TEXT["url.problem_number"]) from None
    if not math.isfinite(number):  # "inf", "nan", "1e400" and 400-digit numbers
        raise ValueError(TEXT["url.problem_finite"])
    return number


def _whole_number(value: Any) -> Any:
    number = _number(value)
    return int(number) if isinstance(number, float) and number == int(number) else number


def _switch(value: Any) -> Any:
    text = _stripped(value)
    if not isinstance(text, str):
        return text
    if text == "":
        return None
    if text not in ("0", "1"):
        raise ValueError(TEXT["url.problem_switch"])
    return text == "1"


def _names(value: Any) -> Any:
    text = _stripped(value)
    if not isinstance(text, str):
        return tuple(text) if isinstance(text, list) else text
    if text == "":
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _local_time(value: Any) -> Any:
    text = _stripped(value)
    if not isinstance(text, str):
        return text
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(TEXT["url.problem_start"].format(reason=error)) from None


def _map_metric(value: Any) -> Any:
    text = _stripped(value)
    if text not in MAP_METRICS:
        raise ValueError(TEXT["url.problem_choice"].format(choices=", ".join(MAP_METRICS)))
    return text


def _compared(value: Any) -> Any:
    variants = [part.strip() for part in value.split(",")] if isinstance(value, str) else list(value)
    if len(variants) != len(DEFAULT_COMPARE) or not all(v in COMPARE_VARIANTS for v in variants):
        raise ValueError(TEXT["url.problem_compare"].format(count=len(DEFAULT_COMPARE),
                                                            choices=", ".join(COMPARE_VARIANTS)))
    return tuple(variants)


def _kind(reader) -> Any:
    return Annotated[Any, BeforeValidator(reader), PlainSerializer(format_value, return_type=str,
                                                                    when_used="unless-none")]


#: Text as it stands (stripped), for values a record checks itself.
Text = _kind(_stripped)
Number = _kind(_number)
WholeNumber = _kind(_whole_number)
Switch = _kind(_switch)
Names = _kind(_names)
LocalTime = _kind(_local_time)
MapMetric = _kind(_map_metric)
Compared = _kind(_compared)


class LinkModel(BaseModel):
    """Base of the link models: fields under their parameter names, ``None`` = not in the link."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True)


class ScenarioLink(LinkModel):
    """The parameters of the scenario pages (Overview, Planner, Compare, About), in the order written.

    ``city`` and ``preset`` are always written; every other scenario value only when it
    differs from its preset's default, the view options (``map``, ``compare``) only when
    they differ from the pages' defaults.
    """

    city: Text = Field(default=None, alias="city")
    preset: Text = Field(default=None, alias="preset")
    affected_district_ids: Names = Field(default=None, alias="districts")
    start: LocalTime = Field(default=None, alias="start")
    duration_h: WholeNumber = Field(default=None, alias="h")
    custom_outage_h: Number = Field(default=None, alias="outage")
    custom_restoration_h: Number = Field(default=None, alias="restore")
    priority_restoration: Switch = Field(default=None, alias="priority")
    ev_stock_multiplier: Number = Field(default=None, alias="ev")
    v2h_adoption_share: Number = Field(default=None, alias="v2h")
    reserve_soc: Number = Field(default=None, alias="reserve")
    essential_kwh_per_day: Number = Field(default=None, alias="ess")
    load_mode: Text = Field(default=None, alias="load")
    diesel_stock_multiplier: Number = Field(default=None, alias="diesel")
    diesel_resupply_delay_h: Number = Field(default=None, alias="resupply")
    petrol_ration_litres: Number = Field(default=None, alias="ration")
    pv_multiplier: Number = Field(default=None, alias="pv")
    weather: Text = Field(default=None, alias="weather")
    map_metric: MapMetric = Field(default=None, alias="map")
    compare: Compared = Field(default=None, alias="compare")


def record_link(name: str, params: Mapping[str, str]) -> type[LinkModel]:
    """A link model of text parameters (``param → record field``) whose record checks the values itself."""
    fields: dict[str, Any] = {field_name: (Text, Field(default=None, alias=param))
                              for param, field_name in params.items()}
    return create_model(name, __base__=LinkModel, **fields)


def parameters(model: type[LinkModel]) -> dict[str, str]:
    """Parameter → field name of a link model, in the order its links list them."""
    return {spec.alias or name: name for name, spec in model.model_fields.items()}


# --------------------------------------------------------------------------------------------
# Encoding and decoding
# --------------------------------------------------------------------------------------------


def write_link(link: LinkModel) -> str:
    """The query string (with its ``?``) of a link model: the fields it holds, as short text.

    The caller puts in the model only what the link should say (e.g. the values that differ
    from their defaults); the fields left at ``None`` are not written.
    """
    pairs = link.model_dump(by_alias=True, exclude_defaults=True).items()
    return "?" + urlencode(list(pairs), safe=SAFE_CHARACTERS)


@dataclass(frozen=True)
class LinkReading:
    """What a query string says through a link model.

    Attributes
    ----------
    values : dict
        Field name → value, for every parameter that could be read (in the model's order).
    problems : dict
        Parameter → why its text could not be read.
    texts : dict
        Parameter → its text as given, for every known parameter.
    unknown : list of str
        Parameters the model does not know, in the order given.
    """

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


def is_query(value: Any) -> bool:
    """Whether ``value`` is a page's query as Kizuna writes it: a text beginning with ``?``.

    >>> is_query("?city=berlin"), is_query(""), is_query(-1)
    (True, False, False)
    """
    return isinstance(value, str) and value.startswith("?")


def parse_query(query: str | Mapping[str, Any] | None) -> dict[str, str]:
    """Parameter → text of a query string (with or without ``?``) or of already parsed parameters."""
    if query is None:
        return {}
    if isinstance(query, str):
        return dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))
    return {str(key): _last(value) for key, value in query.items()}


def read_link(model: type[LinkModel], query: str | Mapping[str, Any] | None) -> LinkReading:
    """Read a query string through a link model, one parameter at a time.

    A parameter whose text cannot be read is left out with its reason; the others are
    read as if it were not there.
    """
    known = parameters(model)
    given = parse_query(query)
    texts = {param: text for param, text in given.items() if param in known}
    readable = dict(texts)
    problems: dict[str, str] = {}
    while True:
        try:
            link = model.model_validate(readable)
            break
        except ValidationError as exc:
            for error in exc.errors():
                param = str(error["loc"][0])
                problems[param] = _reason(error)
                readable.pop(param, None)
    values = {name: getattr(link, name) for name in model.model_fields if name in link.model_fields_set}
    return LinkReading(values=values, problems=problems, texts=texts,
                       unknown=[param for param in given if param not in known])


def _reason(error: Mapping[str, Any]) -> str:
    cause = (error.get("ctx") or {}).get("error")
    return str(cause) if cause is not None else str(error["msg"])


def _last(value: Any) -> str:
    # Dash passes a parameter given twice as a list; the last one counts, as in parse_qsl's dict.
    return str(value[-1]) if isinstance(value, list | tuple) and value else str(value)
