"""Which households an outage hits, in words: the Planner's "Districts hit" choice and the hit-area line.

An outage hits the districts the planner chose, else the real event's own area when
a preset plays on its home city (Berlin's January 2026 outage: 45,400 households in
Steglitz-Zehlendorf), else the whole city. The engine decides which
(:func:`resilience.scenarios.hit_share`); this module only counts and names:
households hit = Σ over districts of hit share × households.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from presentation.text import TEXT
from resilience.citydata import load_city
from resilience.errors import KizunaInputError
from resilience.records import City, Scenario
from resilience.scenarios import PRESETS, hit_share

#: Up to this many districts hit are named; more are named by the districts spared, if fewer.
MAX_NAMED_DISTRICTS = 4

HitSource = Literal["chosen", "event", "city"]


@dataclass(frozen=True)
class HitDistrict:
    """A district the outage hits.

    Attributes
    ----------
    district_id, name : str
    households_hit : float
        Hit share × the district's households [households].
    households : int
        All households of the district.
    """

    district_id: str
    name: str
    households_hit: float
    households: int


@dataclass(frozen=True)
class HitArea:
    """The hit area of a scenario on a city.

    Attributes
    ----------
    source : {"chosen", "event", "city"}
        The planner's districts, the real event's own area, or the whole city.
    districts : tuple of HitDistrict
        The districts with a hit share above 0, in the city's order.
    spared_names : tuple of str
        Names of the districts the outage does not touch, in the city's order.
    city_district_count : int
    city_households : int
    rolling : bool
        The outage cuts the hit area in rotating groups (Kanto 2011).
    """

    source: HitSource
    districts: tuple[HitDistrict, ...]
    spared_names: tuple[str, ...]
    city_district_count: int
    city_households: int
    rolling: bool

    @property
    def households_hit(self) -> float:
        """Σ hit share × households [households]."""
        return sum(d.households_hit for d in self.districts)

    @property
    def whole_city(self) -> bool:
        """Every household of every district is hit."""
        return len(self.districts) == self.city_district_count and all(
            d.households_hit == d.households for d in self.districts)


def hit_area(city: City, scenario: Scenario) -> HitArea:
    """The districts and households ``scenario`` hits on ``city``.

    Raises
    ------
    KizunaInputError
        For a chosen district the city does not have, or an empty choice.
    """
    shares = hit_share(scenario, city)
    preset = PRESETS[scenario.preset]
    if scenario.affected_district_ids is not None:
        source: HitSource = "chosen"
    elif preset.home_city == city.id and preset.home_households_hit:
        source = "event"
    else:
        source = "city"
    districts = tuple(
        HitDistrict(d.id, d.name, float(share) * d.households, d.households)
        for d, share in zip(city.districts, shares, strict=True) if share > 0
    )
    spared = tuple(d.name for d, share in zip(city.districts, shares, strict=True) if share <= 0)
    return HitArea(source=source, districts=districts, spared_names=spared, city_district_count=len(city.districts),
                   city_households=sum(d.households for d in city.districts), rolling=preset.kind == "rolling")


def hit_area_line(state: Mapping[str, Any]) -> str:
    """One line saying where the outage of a shared state hits and how many households.

    E.g. ``"Hit: Steglitz-Zehlendorf — 45,400 households (the real event's area)"``.

    Raises
    ------
    KizunaInputError
        As :func:`hit_area`.
    """
    area = hit_area(load_city(state["city"]), Scenario.from_dict(dict(state["scenario"])))
    note = TEXT[f"hit.note_{area.source}"] + (TEXT["hit.note_rolling"] if area.rolling else "")
    return TEXT["hit.line"].format(area=_area_words(area), households=area.households_hit, note=note)


def default_area_hint(city_id: str, preset_id: str) -> str:
    """What an empty "Districts hit" choice means for this city and preset.

    E.g. ``"Empty: the real event's own area — Steglitz-Zehlendorf: 45,400 of 165,379
    households."`` or ``"Empty: the whole city — 656,951 households."``.
    """
    area = hit_area(load_city(city_id), Scenario(preset=preset_id))
    if area.source == "event":
        parts = "; ".join(TEXT["hit.district_share"].format(name=d.name, hit=d.households_hit, of=d.households)
                          for d in area.districts)
        return TEXT["hit.hint_event"].format(area=parts)
    return TEXT["hit.hint_city"].format(households=area.households_hit)


def district_options(city_id: str) -> list[dict[str, str]]:
    """Dropdown options for the city's districts: labelled by name, in the order of the city data."""
    return [{"label": d.name, "value": d.id} for d in load_city(city_id).districts]


def chosen_districts(city: City, selection: Iterable[str] | None) -> tuple[str, ...] | None:
    """The "Districts hit" selection as ``Scenario.affected_district_ids``.

    Parameters
    ----------
    city : City
    selection : iterable of str or None
        District ids as the dropdown gives them (any order, maybe repeated).

    Returns
    -------
    tuple of str or None
        The ids once each, in the city's order; None for an empty selection (the
        preset's own area).

    Raises
    ------
    KizunaInputError
        Naming a district the city does not have.
    """
    chosen = set(selection or ())
    known = [d.id for d in city.districts]
    unknown = sorted(chosen.difference(known))
    if unknown:
        raise KizunaInputError(TEXT["control.problem_districts"].format(
            district=unknown[0], city=city.name, districts=", ".join(known)))
    return tuple(d for d in known if d in chosen) or None


def _area_words(area: HitArea) -> str:
    """The whole city, the districts hit by name, or "all districts but …" when that list is shorter."""
    if area.whole_city:
        return TEXT["hit.whole_city"]
    names = [d.name for d in area.districts]
    if not area.spared_names or len(names) <= max(MAX_NAMED_DISTRICTS, len(area.spared_names)):
        return ", ".join(names)
    return TEXT["hit.all_but"].format(count=len(names), total=area.city_district_count,
                                      spared=", ".join(area.spared_names))
