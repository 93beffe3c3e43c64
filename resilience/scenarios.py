"""Outage scenarios: the real events Kizuna can replay and the grid supply they leave (docs/model.md §2–4).

A scenario says, for every hour ``t`` of the horizon and every district ``d``,
which share ``g_d(t)`` of the district's customers has grid supply. Three kinds:

- **restoration presets** (Tōhoku 2011, Hokkaido 2018, Chiba/Faxai 2019 and
  three Berlin events): a piecewise-linear curve of the share of customers
  restored against hours since the outage began, through points taken from the
  sources listed in ``docs/sources.md``; every district follows the same curve;
- **rolling blackouts** (Kanto, 14–28 March 2011): each district belongs to one
  of five groups, and each group is cut for three whole hours a day in a window
  that rotates from day to day;
- **custom**: full outage for ``L`` hours, then linear restoration over ``R``.

Conventions
-----------
- Hour 0 is the hour the outage starts. Event starts are floored to the hour
  (Tōhoku 14:46 → 14:00); the source points keep their "hours since start",
  so each point moves up to 59 minutes earlier in clock time.
- ``g_d(t)`` is the curve evaluated at the *start* of hour ``t``: hour 0 is
  fully out, and on a rising curve an hour gets the share restored at its
  beginning, a slight under-estimate (at most one hour's rise) that is the
  cautious side for planning.
- A preset can be played on any city. Its local start date and hour are kept
  as wall-clock time in the city's time zone (Tōhoku on Berlin starts
  2011-03-11 14:00 in Berlin), so season, daylight and load shape are those of
  the event's calendar, not the event's instant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from resilience.errors import KizunaInputError
from resilience.records import PRESET_IDS, City, Scenario
from resilience.timeindex import HOUR_NS, hourly_index, local_fields, require_tz_aware

__all__ = [
    "PRESETS",
    "Preset",
    "demand_factor",
    "facility_grid_up",
    "grid_share",
    "hourly_index",
    "outage_index",
    "restored_share",
    "rolling_outage",
    "scenario_start",
]

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

PresetKind = Literal["restoration", "rolling", "custom"]


@dataclass(frozen=True)
class Preset:
    """A real outage event (or the custom template) that a scenario can replay.

    Attributes
    ----------
    id : str
        One of :data:`resilience.records.PRESET_IDS`.
    title : str
        Short English title for the UI.
    country : {"JP", "DE"} or None
        Where the event happened (None for the custom template).
    start : datetime.datetime
        Naive local start of the event, floored to the hour.
    timezone : str
        Time zone of the event's local clock.
    kind : {"restoration", "rolling", "custom"}
        How :func:`grid_share` builds ``g_d(t)``.
    restoration_points_h : tuple of (float, float)
        ``(hours since start, share of customers restored 0–1)``; strictly
        increasing hours, non-decreasing shares, from ``(0, 0)`` to a share of 1.
        Empty for the rolling and custom kinds.
    default_duration_h : int
        Horizon the UI proposes for the preset [h].
    source_note : str
        The sources of the curve, cited by their ids in ``docs/sources.md``.
    curve_note : str
        How the points were derived and what was assumed.
    fuel_note : str
        Fuel situation of the event, with source ids.
    affected_customers : int or None
        Customers (households) cut at the peak: the base of the shares.
    petrol_ration_litres : float or None
        Petrol ration per car and visit during the event [L].
    petrol_resupply_share_of_normal : float or None
        The event's supply shock: petrol deliveries as a share of normal (0–1) ...
    petrol_resupply_reduced_h : float or None
        ... for this many hours from the start, then normal again [h].
    stations_closed_share : float or None
        Share of filling stations that could not sell in the real event (0–1): a
        historical observation to compare with, not a model input.
    home_city : str or None
        Bundled city where the event happened, if Kizuna ships it.
    home_households_hit : tuple of (str, int)
        ``(district id, households cut)`` of the real event in ``home_city``;
        played on its home city the preset cuts only these households by
        default. Empty: the whole city.
    """

    id: str
    title: str
    country: Literal["JP", "DE"] | None
    start: dt.datetime
    timezone: str
    kind: PresetKind
    restoration_points_h: tuple[tuple[float, float], ...]
    default_duration_h: int
    source_note: str
    curve_note: str
    fuel_note: str
    affected_customers: int | None = None
    petrol_ration_litres: float | None = None
    petrol_resupply_share_of_normal: float | None = None
    petrol_resupply_reduced_h: float | None = None
    stations_closed_share: float | None = None
    home_city: str | None = None
    home_households_hit: tuple[tuple[str, int], ...] = ()

    def __post_init__(self):
        if self.start.tzinfo is not None or (self.start.minute, self.start.second) != (0, 0):
            raise ValueError(f"preset '{self.id}': start must be naive and on the hour")
        if self.kind != "restoration":
            if self.restoration_points_h:
                raise ValueError(f"preset '{self.id}': only restoration presets carry points")
            return
        hours, shares = (np.array(v, dtype=float) for v in zip(*self.restoration_points_h, strict=True))
        if (hours[0], shares[0]) != (0.0, 0.0) or shares[-1] != 1.0:
            raise ValueError(f"preset '{self.id}': the curve must run from (0 h, 0) to a share of 1")
        if np.any(np.diff(hours) <= 0) or np.any(np.diff(shares) < 0) or np.any((shares < 0) | (shares > 1)):
            raise ValueError(f"preset '{self.id}': hours must increase and shares rise within 0–1")

    @property
    def full_restoration_h(self) -> float | None:
        """Hour at which the curve first reaches 1 (None for rolling and custom)."""
        for hours, share in self.restoration_points_h:
            if share >= 1.0:
                return hours
        return None


def _restored(baseline: float, out: float) -> float:
    """Share restored when ``out`` of ``baseline`` customers are still without power."""
    return 1.0 - out / baseline


_TOHOKU_BASE = 4_861_246
_HOKKAIDO_BASE = 2_950_000
_CHIBA_BASE = 640_000
_JOHANNISTHAL_BASE = 50_000
_SOUTHWEST_BASE = 45_400

_PRESET_LIST = (
    Preset(
        id="tohoku-2011",
        title="Tōhoku earthquake 2011",
        country="JP",
        start=dt.datetime(2011, 3, 11, 14),
        timezone="Asia/Tokyo",
        kind="restoration",
        restoration_points_h=(
            (0, 0.0),
            (21, _restored(_TOHOKU_BASE, 4_100_000)),
            (30, _restored(_TOHOKU_BASE, 2_140_000)),
            (54, _restored(_TOHOKU_BASE, 1_310_000)),
            (79, _restored(_TOHOKU_BASE, 833_051)),
            (103, _restored(_TOHOKU_BASE, 613_639)),
            (121, _restored(_TOHOKU_BASE, 538_521)),
            (221, _restored(_TOHOKU_BASE, 243_953)),
            (741, _restored(_TOHOKU_BASE, 157_000)),
            (1329, 0.99),
            (2372, 1.0),
        ),
        default_duration_h=336,
        source_note=(
            "Tohoku Electric Power's final outage report (18 Jun 2011) [S1] and press release of 21 Mar 2011 "
            "[S2]; its bulletins of 14–15 Mar, known from a private copy [S5]; press counts from The Japan "
            "Times/Kyodo [S3], 家電Watch [S4] and ITmedia [S6]; 99 % restored on 6 May from a secondary English "
            "summary [S7]."
        ),
        curve_note=(
            "Share restored = 1 − out ÷ 4,861,246 (the cumulative count [S1]); hours from 14:46 on 11 Mar "
            "(start floored to 14:00); 'night' readings taken as 21:00. Full restoration at 2,372 h = 18 Jun 11:03 "
            "[S1]. The 7 Apr aftershock's re-outage is left out."
        ),
        fuel_note=(
            "Petrol and diesel deliveries into Tōhoku about one third of normal for two weeks [S8]; 40 % of "
            "Tōhoku's filling stations could not open [S9]; rationing of 10 L per car [S10]; the shortage eased "
            "from about 21 Mar [S12]; about 90 % of stations open again after a month [S9]."
        ),
        affected_customers=_TOHOKU_BASE,
        petrol_ration_litres=10.0,
        petrol_resupply_share_of_normal=1 / 3,
        petrol_resupply_reduced_h=14 * 24,
        stations_closed_share=0.4,
    ),
    Preset(
        id="kanto-rolling-2011",
        title="Kanto rolling blackouts 2011",
        country="JP",
        start=dt.datetime(2011, 3, 14, 0),
        timezone="Asia/Tokyo",
        kind="rolling",
        restoration_points_h=(),
        default_duration_h=15 * 24,
        source_note=(
            "TEPCO press releases of 13 and 25 Mar 2011 [S13, S14]; the windows of 14 Mar from マイナビ [S15] and "
            "of 15 Mar from a copy of TEPCO's schedule [S16]; households affected from 毎日新聞, 16 Mar 2011 [S17]; "
            "Saitama's sub-groups [S18]."
        ),
        curve_note=(
            "Five groups. 14 Mar as executed: only group 5, 17:00–19:00. From 15 Mar every day to 28 Mar: five "
            "3-hour slots 07–10, 10–13, 13–16, 16–19, 19–22 h (the windows 6:20–10:00 … 18:20–22:00 [S15] rounded to "
            "the three whole hours nearest their centre); slot s on day k hosts group (s + 2k) mod 5 + 1, which "
            "reproduces 15 Mar (G3, G4, G5, G1, G2) [S16]. All plans are taken as executed (the real count of days "
            "is unconfirmed, commonly 10); hospitals and water works are cut like everyone else (no exemption "
            "source). The quake-day outage in Saitama (< 1 day, 11–12 Mar [S3]) is not part of this preset."
        ),
        fuel_note=(
            "Rationing of about 10 L per car and visit, as across eastern Japan [S10, S11]. The same refinery and "
            "depot outage as in Tōhoku cut deliveries: one third of normal for the two weeks from 11 Mar [S8], "
            "i.e. to 25 Mar, 11 days into this preset."
        ),
        petrol_ration_litres=10.0,
        petrol_resupply_share_of_normal=1 / 3,
        petrol_resupply_reduced_h=11 * 24,
    ),
    Preset(
        id="hokkaido-2018",
        title="Hokkaido blackout 2018",
        country="JP",
        start=dt.datetime(2018, 9, 6, 3),
        timezone="Asia/Tokyo",
        kind="restoration",
        restoration_points_h=(
            (0, 0.0),
            (13, 329_000 / _HOKKAIDO_BASE),
            (24, 964_000 / _HOKKAIDO_BASE),
            (27, 1_310_000 / _HOKKAIDO_BASE),
            (30, 1_455_000 / _HOKKAIDO_BASE),
            (33, 1_513_000 / _HOKKAIDO_BASE),
            (49, 2_928_000 / _HOKKAIDO_BASE),
            (72, 1.0),
        ),
        default_duration_h=96,
        source_note=(
            "Households restored per METI and Hokkaido Electric as cited by Wikipedia (6–8 Sep 2018) [S19] and "
            "朝日新聞 (METI, 7 Sep 06:00) [S20]."
        ),
        curve_note=(
            "Share = restored ÷ 2,950,000 (all Hokkaido households); hours from the 03:08 quake (start 03:00). "
            "The last 0.75 % (epicentre area) is assumed back at 72 h: no source gives the hour; 自治体通信 "
            "gives about 2 days for the event [S21]."
        ),
        fuel_note="Stations inoperable until power returned (except those with generators) [S22].",
        affected_customers=_HOKKAIDO_BASE,
    ),
    Preset(
        id="chiba-faxai-2019",
        title="Typhoon Faxai, Chiba 2019",
        country="JP",
        start=dt.datetime(2019, 9, 9, 5),
        timezone="Asia/Tokyo",
        kind="restoration",
        restoration_points_h=(
            (0, 0.0),
            (56.5, _restored(_CHIBA_BASE, 436_100)),
            (101, _restored(_CHIBA_BASE, 198_600)),
            (137, _restored(_CHIBA_BASE, 143_100)),
            (170, _restored(_CHIBA_BASE, 90_300)),
            (180, _restored(_CHIBA_BASE, 74_200)),
            (226.5, _restored(_CHIBA_BASE, 42_200)),
            (247.5, _restored(_CHIBA_BASE, 29_700)),
            (280, 0.99),
            (392, _restored(_CHIBA_BASE, 146)),
            (432, 1.0),
        ),
        default_duration_h=480,
        source_note=(
            "Chiba households out per NHK [S23] and The Japan Times [S25] (11–25 Sep 2019) against NHK World's "
            "640,000 peak [S24]; 99 % at about 280 h from 東洋経済 [S26]."
        ),
        curve_note=(
            "Share = 1 − out ÷ 640,000; hours from landfall, 05:00 on 9 Sep. The first count comes at 56.5 h "
            "(32 %); before it the curve rises linearly from 0 at t0 (no earlier count was found). Full "
            "restoration assumed at 432 h = 27 Sep 05:00 (146 households were still out on 25 Sep; municipalities "
            "were promised 'by 27 Sep')."
        ),
        fuel_note="Stations closed by the outage, with queues (reported in general terms; no fuel figures found).",
        affected_customers=_CHIBA_BASE,
    ),
    Preset(
        id="berlin-koepenick-2019",
        title="Berlin-Köpenick 2019",
        country="DE",
        start=dt.datetime(2019, 2, 19, 14),
        timezone="Europe/Berlin",
        kind="restoration",
        restoration_points_h=((0, 0.0), (27, 0.0), (28, 0.5), (31, 1.0)),
        default_duration_h=48,
        source_note=(
            "Tagesspiegel (start 14:10, 19 Feb 2019) [S27], dpa via RT DE ('ab 18:30 die Hälfte', full by about "
            "21:30) [S29], B.Z. [S30] and Deutschlandfunk Nova (about 31 h) [S31]; 31,500 households [S28]."
        ),
        curve_note=(
            "Nobody restored until 28 h, half at 28 h, all at 31 h. The jump at 28 h is drawn as a one-hour ramp "
            "from 27 h, which gives the same hourly values as a step (shares are read at the start of each hour)."
        ),
        fuel_note="Not applicable (no fuel shortage reported).",
        affected_customers=31_500,
        home_city="berlin",
        home_households_hit=(("09", 31_500),),  # 31,500 households [S28]
    ),
    Preset(
        id="berlin-johannisthal-2025",
        title="Berlin-Johannisthal 2025",
        country="DE",
        start=dt.datetime(2025, 9, 9, 3),
        timezone="Europe/Berlin",
        kind="restoration",
        restoration_points_h=(
            (0, 0.0),
            (8, 15_000 / _JOHANNISTHAL_BASE),
            (27, _restored(_JOHANNISTHAL_BASE, 20_000)),
            (57, _restored(_JOHANNISTHAL_BASE, 13_700)),
            (60, 1.0),
        ),
        default_duration_h=72,
        source_note=(
            "dpa-AFX (9 Sep 2025) [S32], ZDF (about 50,000 customers) [S33], Epoch Times/AFP (10 Sep) [S34], "
            "MZ/dpa (11 Sep) [S35] and Berliner Zeitung ('nach rund 60 Stunden') [S36]."
        ),
        curve_note=(
            "Share against Stromnetz Berlin's ~50,000 customers; hours from about 03:30 on 9 Sep (start 03:00). "
            "Linear from 0 at t0 to the 8-h switching point."
        ),
        fuel_note="Not applicable.",
        affected_customers=_JOHANNISTHAL_BASE,
        home_city="berlin",
        home_households_hit=(("09", 43_000),),  # ~43,000 households (Feuerwehr, [S33])
    ),
    Preset(
        id="berlin-southwest-2026",
        title="Berlin south-west 2026",
        country="DE",
        start=dt.datetime(2026, 1, 3, 6),
        timezone="Europe/Berlin",
        kind="restoration",
        restoration_points_h=(
            (0, 0.0),
            (30, _restored(_SOUTHWEST_BASE, 35_000)),
            (54, _restored(_SOUTHWEST_BASE, 30_000)),
            (78, _restored(_SOUTHWEST_BASE, 28_000)),
            (101, _restored(_SOUTHWEST_BASE, 19_900)),
            (105, 0.999),
            (112, 1.0),
        ),
        default_duration_h=120,
        source_note=(
            "Stromnetz Berlin counts via dpa: Volksstimme (3–4 Jan 2026) [S37], Deutsche Wirtschafts Nachrichten "
            "and Schwarzwälder Bote (5–6 Jan) and cash.ch (7 Jan) [S38]; TRT/Reuters (7 Jan) [S39]."
        ),
        curve_note=(
            "Share = 1 − out ÷ 45,400 households; hours from 06:00 on 3 Jan; daily counts read at 12:00. "
            "Restart began at 101 h (7 Jan 11:00); 99.9 % were back 'hours' after it, taken as 4 h (105 h, "
            "assumption); the last 0.1 % at the official all-clear, 112 h (22:00). Linear from 0 at t0 to the 30-h "
            "point."
        ),
        fuel_note="Emergency generators refuelled by the Bundeswehr (18,000 L of diesel, care homes first) [S40].",
        affected_customers=_SOUTHWEST_BASE,
        home_city="berlin",
        home_households_hit=(("06", 45_400),),  # 45,400 households [S37]
    ),
    Preset(
        id="custom",
        title="Custom outage",
        country=None,
        start=dt.datetime(2025, 1, 15, 18),
        timezone="Asia/Tokyo",
        kind="custom",
        restoration_points_h=(),
        default_duration_h=168,
        source_note="Planner's own scenario.",
        curve_note=(
            "Full outage for L = custom_outage_h hours, then linear restoration to 1 over R = custom_restoration_h "
            "hours. Default start (assumption): a winter weekday at 18:00, near the evening peak."
        ),
        fuel_note="Set by the planner.",
    ),
)

#: Every preset by id, in the order of :data:`resilience.records.PRESET_IDS`.
PRESETS: dict[str, Preset] = {p.id: p for p in sorted(_PRESET_LIST, key=lambda p: PRESET_IDS.index(p.id))}
if tuple(PRESETS) != PRESET_IDS:
    raise RuntimeError(f"presets {tuple(PRESETS)} do not match records.PRESET_IDS {PRESET_IDS}")

#: Rolling blackouts: hour-of-day of the five daily 3-hour slots (from 15 Mar 2011), start inclusive.
ROLLING_SLOT_START_HOURS = (7, 10, 13, 16, 19)
ROLLING_SLOT_LENGTH_H = 3
ROLLING_GROUPS = 5
#: Groups move this many slots a day: 15 Mar 2011 had G3 in the first slot after G1 on the plan of 14 Mar.
ROLLING_ROTATION_PER_DAY = 2
#: 14 Mar 2011 as executed: group → (first hour, end hour) of its outage.
ROLLING_FIRST_DAY = {5: (17, 19)}
#: Days with rolling blackouts, counting the start day (14–28 Mar 2011).
ROLLING_PROGRAMME_DAYS = 15
#: The first calendar day of the Kanto programme, for the area-demand table.
KANTO_PROGRAMME_FIRST_DAY = np.datetime64("2011-03-14", "D")


def _preset_of(item: Preset | Scenario | str) -> Preset:
    if isinstance(item, Preset):
        return item
    preset_id = item.preset if isinstance(item, Scenario) else item
    try:
        return PRESETS[preset_id]
    except KeyError:
        raise KizunaInputError(f"preset = {preset_id!r}: must be one of {list(PRESETS)}") from None


def scenario_start(scenario: Scenario) -> dt.datetime:
    """Naive local start of a scenario: its own ``start`` or its preset's, floored to the hour."""
    start = scenario.start if scenario.start is not None else PRESETS[scenario.preset].start
    return start.replace(minute=0, second=0, microsecond=0)


def restored_share(preset_or_scenario: Preset | Scenario | str, hours) -> np.ndarray:
    """Share of customers restored after ``hours`` of outage (0–1).

    Restoration presets interpolate their points linearly (``numpy.interp``);
    the custom preset is ``clip((t − L) / R, 0, 1)`` with ``L`` =
    ``custom_outage_h`` and ``R`` = ``custom_restoration_h`` of the scenario
    (the :class:`~resilience.records.Scenario` defaults when a bare preset is
    given); with ``R = 0`` it is a step to 1 at ``t = L``. Hours before 0 give 0
    and hours past the last point give 1.

    Parameters
    ----------
    preset_or_scenario : Preset, Scenario or str
        The event; a preset id is accepted too.
    hours : array_like
        Hours since the outage started [h].

    Returns
    -------
    numpy.ndarray
        Share restored, same shape as ``hours``.

    Raises
    ------
    KizunaInputError
        For the rolling-blackout preset, which has no single curve
        (use :func:`grid_share`).
    """
    preset = _preset_of(preset_or_scenario)
    t = np.asarray(hours, dtype=float)
    if preset.kind == "restoration":
        xp, fp = (np.array(v, dtype=float) for v in zip(*preset.restoration_points_h, strict=True))
        return np.interp(t, xp, fp, left=0.0, right=1.0)
    if preset.kind == "custom":
        scenario = preset_or_scenario if isinstance(preset_or_scenario, Scenario) else Scenario(preset="custom")
        outage_h, restoration_h = scenario.custom_outage_h, scenario.custom_restoration_h
        if restoration_h == 0:
            return (t >= outage_h).astype(float)
        return np.clip((t - outage_h) / restoration_h, 0.0, 1.0)
    raise KizunaInputError(
        f"preset '{preset.id}': rolling blackouts have no single restoration curve: use grid_share() per district"
    )


def outage_index(scenario: Scenario, timezone: str) -> pd.DatetimeIndex:
    """Hourly local index of a scenario in the city's time zone.

    The start (the scenario's own, else the preset's) is read as wall-clock
    time in ``timezone``, floored to the hour; daylight-saving gaps move it
    forward to the next existing hour and repeated hours take the first
    (summer-time) occurrence (see :func:`resilience.timeindex.localize_start`).

    Parameters
    ----------
    scenario : Scenario
        Gives the start and ``duration_h``.
    timezone : str
        The city's IANA time zone.

    Returns
    -------
    pandas.DatetimeIndex
        ``scenario.duration_h`` tz-aware hour starts, one absolute hour apart.
    """
    return hourly_index(scenario_start(scenario), scenario.duration_h, timezone)


def _hours_since_first(index: pd.DatetimeIndex) -> np.ndarray:
    values = index.as_unit("ns").asi8
    return (values - values[0]) / HOUR_NS


def _days_since_first(index: pd.DatetimeIndex) -> np.ndarray:
    """Local calendar days since the local day of the first timestamp."""
    date = local_fields(index)[3]
    return (date - date[0]).astype(np.int64)


def rolling_groups(city: City) -> np.ndarray:
    """Rolling-blackout group (1–5) of each district: its own, else round-robin by position."""
    groups = [d.rolling_group if d.rolling_group is not None else i % ROLLING_GROUPS + 1
              for i, d in enumerate(city.districts)]
    return np.array(groups, dtype=np.int64)


def rolling_outage(index: pd.DatetimeIndex, groups: np.ndarray) -> np.ndarray:
    """Whether each group is cut in each hour of the Kanto 2011 rolling-blackout plan.

    Day 0 is the local day of ``index[0]`` and plays 14 March 2011 as executed
    (group 5 only, 17:00–19:00); days 1–14 play the rotating plan of five
    3-hour slots (07, 10, 13, 16 and 19 h), slot ``s`` hosting group
    ``(s + 2k) mod 5 + 1`` on day ``k``; from day 15 nobody is cut.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        tz-aware hour starts; local clock hours decide the slots.
    groups : array of int, shape (n_groups_or_districts,)
        Group 1–5 of each column.

    Returns
    -------
    numpy.ndarray of bool, shape (n_hours, len(groups))
        True where the column is out.
    """
    require_tz_aware(index)
    groups = np.asarray(groups, dtype=np.int64)
    hour = local_fields(index)[2]
    day = _days_since_first(index)
    in_programme = (day >= 1) & (day < ROLLING_PROGRAMME_DAYS)
    slot = (hour - ROLLING_SLOT_START_HOURS[0]) // ROLLING_SLOT_LENGTH_H
    in_slot = (hour >= ROLLING_SLOT_START_HOURS[0]) & (slot < len(ROLLING_SLOT_START_HOURS))
    group_cut = np.where(
        in_programme & in_slot, (slot + ROLLING_ROTATION_PER_DAY * day) % ROLLING_GROUPS + 1, 0
    )
    out = group_cut[:, None] == groups[None, :]
    for group, (first_hour, end_hour) in ROLLING_FIRST_DAY.items():
        first_day = (day == 0) & (hour >= first_hour) & (hour < end_hour)
        out |= first_day[:, None] & (groups[None, :] == group)
    return out


def hit_share(scenario: Scenario, city: City) -> np.ndarray:
    """Share of each district's households the outage hits (0–1, shape (n_districts,)).

    - ``scenario.affected_district_ids`` given: 1 for those districts, 0 for the others;
    - else, a preset played on its home city: the real event's households in
      each district it hit (e.g. 45,400 households in Steglitz-Zehlendorf for
      Berlin's January 2026 outage) ÷ the district's households, at most 1;
    - else every household of the city.

    Raises
    ------
    KizunaInputError
        For a district id the city does not have, or an empty selection.
    """
    ids = [d.id for d in city.districts]
    chosen = scenario.affected_district_ids
    if chosen is not None:
        unknown = [d for d in chosen if d not in ids]
        if unknown:
            raise KizunaInputError(
                f"scenario: affected_district_ids has '{unknown[0]}': must be districts of {city.id} "
                f"({', '.join(ids)})"
            )
        if not chosen:
            raise KizunaInputError("scenario: affected_district_ids is empty: choose at least one district")
        return np.isin(ids, list(chosen)).astype(float)
    preset = PRESETS[scenario.preset]
    if preset.home_city == city.id and preset.home_households_hit:
        hit = dict(preset.home_households_hit)
        return np.array([min(1.0, hit.get(d.id, 0) / d.households) if d.households else 0.0
                         for d in city.districts])
    return np.ones(len(ids))


def restored_in_hit_area(scenario: Scenario, city: City, index: pd.DatetimeIndex | None = None) -> np.ndarray:
    """Share restored of the customers the outage hit, per district and hour (0–1, (n_hours, n_districts)).

    The preset's curve (or, for rolling blackouts, 0 while a district's group
    is cut and 1 otherwise) in the districts the outage hits, read at the start
    of each hour; 1 in districts it does not hit. Critical facilities of a hit
    district are taken to be inside the hit area (the cautious reading).
    """
    index = outage_index(scenario, city.timezone) if index is None else require_tz_aware(index)
    hit = hit_share(scenario, city) > 0
    if PRESETS[scenario.preset].kind == "rolling":
        restored = np.where(rolling_outage(index, rolling_groups(city)), 0.0, 1.0)
    else:
        restored = np.repeat(restored_share(scenario, _hours_since_first(index))[:, None], len(hit), axis=1)
    return np.where(hit[None, :], restored, 1.0)


def grid_share(scenario: Scenario, city: City, index: pd.DatetimeIndex | None = None) -> np.ndarray:
    """``g_d(t)``: share of each district's customers with grid supply in each hour (docs/model.md §2–4).

    Parameters
    ----------
    scenario : Scenario
        The outage.
    city : City
        Gives the districts (and their rolling groups) and the time zone.
    index : pandas.DatetimeIndex, optional
        tz-aware hour starts; ``index[0]`` is hour 0 of the outage. Default
        :func:`outage_index` of the scenario in the city's zone.

    Returns
    -------
    numpy.ndarray, shape (n_hours, n_districts)
        Shares 0–1: ``g = 1 − h × (1 − r)`` with ``h`` the share of the
        district's households the outage hits (:func:`hit_share`) and ``r`` the
        share of them restored (:func:`restored_in_hit_area`): the preset's
        curve read at the start of each hour, or 0/1 by rolling group.
    """
    hit = hit_share(scenario, city)
    return 1.0 - hit[None, :] * (1.0 - restored_in_hit_area(scenario, city, index))


@lru_cache(maxsize=1)
def _kanto_demand_ratio() -> tuple[np.ndarray, np.ndarray]:
    table = pd.read_csv(DATA_DIR / "sources" / "tepco_area_demand_ratio_mar_apr_2011.csv")
    dates = table["date_2011"].to_numpy().astype("datetime64[D]")
    ratios = table["daily_energy_ratio_vs_same_weekday_2010"].to_numpy(dtype=float)
    dates.setflags(write=False)
    ratios.setflags(write=False)
    return dates, ratios


def demand_factor(scenario: Scenario, index: pd.DatetimeIndex) -> np.ndarray:
    """Scaling of grid demand during the event (1 = normal).

    For ``kanto-rolling-2011`` it is the TEPCO-area daily energy ratio against
    the same weekday of 2010 (``data/sources/tepco_area_demand_ratio_mar_apr_2011.csv``,
    0.75 on 14 March, about 0.8–0.9 afterwards): local day ``k`` of the index
    takes the ratio of 14 March 2011 + ``k`` days, and 1 past 30 April 2011.
    It is an area-wide cut (industry included) used as a proxy. Every other
    preset gives 1.

    Parameters
    ----------
    scenario : Scenario
        The outage.
    index : pandas.DatetimeIndex
        tz-aware hour starts; ``index[0]`` is day 0.

    Returns
    -------
    numpy.ndarray, shape (n_hours,)
    """
    require_tz_aware(index)
    if scenario.preset != "kanto-rolling-2011":
        return np.ones(len(index))
    dates, ratios = _kanto_demand_ratio()
    wanted = KANTO_PROGRAMME_FIRST_DAY + _days_since_first(index)
    position = np.clip(np.searchsorted(dates, wanted), 0, len(dates) - 1)
    return np.where(dates[position] == wanted, ratios[position], 1.0)


def facility_grid_up(share: np.ndarray, district_index: np.ndarray, quantile: np.ndarray) -> np.ndarray:
    """Whether each facility has grid supply in each hour (docs/model.md §2–4).

    A facility is back when its district's restored share reaches the
    facility's restoration quantile, and only once some customers are back:
    ``up = (g > 0) & (g ≥ q)``. So a quantile of 0 means "among the very first
    restored" rather than "never out", and a quantile of 1 waits for the whole
    district. Under rolling blackouts ``g`` is 0 or 1, so a facility is out
    exactly when its district's group is cut.

    Parameters
    ----------
    share : array, shape (n_hours, n_districts)
        ``g_d(t)`` from :func:`grid_share`.
    district_index : int array, shape (n_facilities,)
        Column of each facility's district in ``share``.
    quantile : array, shape (n_facilities,)
        Restoration quantile of each facility (0–1).

    Returns
    -------
    numpy.ndarray of bool, shape (n_hours, n_facilities)
    """
    share = np.asarray(share, dtype=float)
    district_share = share[:, np.asarray(district_index, dtype=np.int64)]
    return (district_share > 0.0) & (district_share >= np.asarray(quantile, dtype=float)[None, :])
