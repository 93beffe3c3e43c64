"""The lines that sum up a scenario on a page and in the download bar (no Dash here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from presentation.hit_area import hit_area_line
from presentation.scenario_state import effective_start, state_scenario
from presentation.text import TEXT
from resilience.citydata import load_city
from resilience.scenarios import PRESETS

#: Bundled cities a real event hit besides its preset's ``home_city``: the Kanto rolling blackouts cut
#: Saitama's wards, which lay in sub-groups of all five groups [S18].
EVENT_HIT_CITIES: dict[str, frozenset[str]] = {"kanto-rolling-2011": frozenset({"saitama"})}


def scenario_summary(state: Mapping[str, Any]) -> str:
    """One line naming the city, the outage, its local start and the hours simulated."""
    scenario = state_scenario(state)
    return TEXT["scenario.summary"].format(
        city=load_city(state["city"]).name,
        preset=PRESETS[scenario.preset].title,
        start=effective_start(scenario).strftime("%a %d %b %Y %H:%M"),
        hours=scenario.duration_h,
    )


def header_lines(state: Mapping[str, Any], *, notes: bool = False) -> list[tuple[str, str]]:
    """``(text, CSS class)`` of the lines that sum up a scenario: city, outage and hours; where it hits;
    whether the event is played on a city it did not hit; optionally its sources.

    Raises
    ------
    KizunaInputError
        For districts the city does not have (as the simulation does).
    """
    lines = [(scenario_summary(state), "summary-main"), (hit_area_line(state), "summary-hit")]
    elsewhere = event_elsewhere_line(state)
    if elsewhere is not None:
        lines.append((elsewhere, "summary-hit summary-elsewhere"))
    if notes:
        lines.extend((note, "summary-note") for note in scenario_notes(state))
    return lines


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
