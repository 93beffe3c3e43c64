"""The survival sweep: how long a backup system carries a load, for an outage starting at every hour.

This is NREL REopt's "outage simulator" measure (docs/model.md §9). For each of the
8,760 start hours of a year the state is reset (full fuel allowance, battery at
``initial_soc[s]``) and the system is dispatched hour by hour, PV first, then
the generator, then the battery, until an hour's load cannot be met. The year
wraps: an outage starting at hour 8,750 continues into hour 0.

Start index ``s`` is hour ``s`` of a non-leap year beginning 1 January 00:00
(hour of day ``s % 24``, month from the cumulative day counts of 2023). Leap
years are given as 8,760 hours (drop 29 February, as REopt does); for local
times with daylight saving the hour of day is the standard-time hour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numba import njit

from resilience.errors import KizunaInputError
from resilience.records import MAX_HOURS, MAX_POWER_KW, shown
from resilience.storage import UNMET_TOLERANCE_KWH

if TYPE_CHECKING:
    from resilience.systems import BackupSystem

HOURS_PER_YEAR = 8760
#: Unmet energy in an hour above which the run ends [kWh] (docs/model.md §9; REopt rounds to 5 decimals).
#: Generator idle burn per kW rated when ``fuel_intercept_l_per_h`` is not given [L/h/kW]
#: (docs/model.md §7, fitted to [S61]).
DEFAULT_FUEL_INTERCEPT_L_PER_H_PER_KW = 0.007
#: Outage durations at which ``by_month`` and ``by_hour_of_day`` rows give the survival probability [h]:
#: one day, three days (the Japanese 72-hour target [S64]) and one week (the default horizon of docs/model.md §0).
SUMMARY_DURATIONS_H = (24, 72, 168)

_DAYS_PER_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: First start hour of each month.
_MONTH_STARTS = np.concatenate(([0], np.cumsum(_DAYS_PER_MONTH)[:-1] * 24))
#: Month (1–12) of every start hour of a non-leap year.
MONTH_OF_START = np.repeat(np.arange(1, 13), np.array(_DAYS_PER_MONTH) * 24)
#: Hour of day (0–23) of every start hour.
HOUR_OF_DAY_OF_START = np.arange(HOURS_PER_YEAR) % 24


# ----------------------------------------------------------------------------------------------------------------------
# Compiled dispatch
# ----------------------------------------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _min(a, b):  # pragma: no cover - compiled
    # A plain select (unlike the builtin's NaN handling) lets LLVM vectorise the sweep.
    return a if a < b else b


@njit(cache=True, inline="always")
def _max(a, b):  # pragma: no cover - compiled
    return a if a > b else b


@njit(cache=True, error_model="numpy", inline="always")
def _dispatch_hour(net_kw, soc_kwh, fuel_litres, params):  # pragma: no cover - compiled
    """One hour of the dispatch of docs/model.md §9; returns the new state and the hour's flows.

    ``params`` is ``(battery_kwh, battery_kw, soc_floor_kwh, charge_efficiency,
    discharge_efficiency, generator_kw, slope_l_per_kwh, intercept_l_per_h,
    turndown_kw)``. Returns ``(soc_kwh, fuel_litres, generator_to_load_kw,
    generator_output_kw, burned_litres, stored_kwh, discharged_kw,
    unserved_kw)``. Written with selects, not branches, so that the sweep's
    loop over starts vectorises.
    """
    (battery_kwh, battery_kw, soc_floor_kwh, charge_efficiency, discharge_efficiency, generator_kw,
     slope_l_per_kwh, intercept_l_per_h, turndown_kw) = params
    load = _max(net_kw, 0.0)
    pv_surplus = _max(-net_kw, 0.0)

    # The generator starts only for a load to serve and only while the tank holds more than its idle burn.
    running = (load > 0.0) & (generator_kw > 0.0) & (fuel_litres > intercept_l_per_h)
    wanted = _min(load, generator_kw)
    # Below its minimum turndown a set still produces turndown × G if the fuel allows; the surplus
    # charges the battery as far as room and inverter allow and the rest is spilled (REopt's rule).
    full_output = _max(wanted, turndown_kw)
    full_burn = slope_l_per_kwh * full_output + intercept_l_per_h
    # Otherwise the tank runs dry this hour and the output is what the fuel left affords.
    affordable = (fuel_litres - intercept_l_per_h) / slope_l_per_kwh
    enough = full_burn <= fuel_litres
    generator_output = (full_output if enough else affordable) if running else 0.0
    generator_to_load = (wanted if enough else _min(wanted, affordable)) if running else 0.0
    burned = (full_burn if enough else fuel_litres) if running else 0.0
    fuel_litres = fuel_litres - burned

    charge_input = pv_surplus + (generator_output - generator_to_load)
    room = battery_kwh - soc_kwh
    stored = _max(_min(_min(room, battery_kw * charge_efficiency), charge_input * charge_efficiency), 0.0)
    soc_kwh = soc_kwh + stored

    rest = load - generator_to_load
    deliverable = _max(_min(battery_kw, (soc_kwh - soc_floor_kwh) * discharge_efficiency), 0.0)
    discharged = _min(rest, deliverable)
    # Rounding must not take the battery below its floor (or below an initial SOC that was under it).
    soc_kwh = _max(soc_kwh - discharged / discharge_efficiency, _min(soc_kwh, soc_floor_kwh))
    return soc_kwh, fuel_litres, generator_to_load, generator_output, burned, stored, discharged, rest - discharged


@njit(cache=True, error_model="numpy", nogil=True)
def _sweep(net_kw, initial_soc_kwh, fuel_litres, params, max_duration_h):  # pragma: no cover - compiled
    # All starts advance in lockstep, one outage hour at a time: the starts are independent, so the loop
    # over them vectorises, whereas one start's hours form a chain of dependent operations. Failed starts
    # stay in the arrays (their result frozen) until half of them have failed; then the survivors are
    # compacted. Each hour's loads are first gathered into a contiguous buffer, which keeps the dispatch
    # loop free of indirect loads.
    n_hours = net_kw.size
    net_twice = np.concatenate((net_kw, net_kw))
    hours_survived = np.full(n_hours, max_duration_h, dtype=np.int64)
    starts = np.arange(n_hours)
    soc = initial_soc_kwh.copy()
    fuel = np.full(n_hours, fuel_litres)
    survived = np.full(n_hours, max_duration_h, dtype=np.int64)
    net_now = np.empty(n_hours)
    n_active = n_hours
    step = 0
    while step < max_duration_h and n_active > 0:
        n_alive = n_active
        while step < max_duration_h and 2 * n_alive > n_active:
            offset = step % n_hours
            if n_active == n_hours:  # nothing compacted yet: start j sits at position j
                net_now[:] = net_twice[offset : offset + n_hours]
            else:
                for j in range(n_active):
                    net_now[j] = net_twice[starts[j] + offset]
            n_alive = 0
            for j in range(n_active):
                soc[j], fuel[j], _, _, _, _, _, unserved = _dispatch_hour(net_now[j], soc[j], fuel[j], params)
                survived_j = _min(survived[j], step if unserved > UNMET_TOLERANCE_KWH else max_duration_h)
                survived[j] = survived_j
                n_alive += survived_j == max_duration_h
            step += 1
        kept = 0
        for j in range(n_active):
            if survived[j] == max_duration_h:
                starts[kept] = starts[j]
                soc[kept] = soc[j]
                fuel[kept] = fuel[j]
                survived[kept] = max_duration_h
                kept += 1
            else:
                hours_survived[starts[j]] = survived[j]
        n_active = kept
    return hours_survived


@njit(cache=True, error_model="numpy", nogil=True)
def _trace(net_kw, start, initial_soc_kwh, fuel_litres, params, max_duration_h):  # pragma: no cover - compiled
    n_hours = net_kw.size
    out = np.zeros((max_duration_h, 9))
    soc = initial_soc_kwh
    fuel = fuel_litres
    hour = start
    n_steps = max_duration_h
    for step in range(max_duration_h):
        soc, fuel, to_load, output, burned, stored, discharged, unserved = _dispatch_hour(
            net_kw[hour], soc, fuel, params)
        out[step, 0] = hour
        out[step, 1] = to_load
        out[step, 2] = output
        out[step, 3] = burned
        out[step, 4] = stored
        out[step, 5] = discharged
        out[step, 6] = unserved
        out[step, 7] = soc
        out[step, 8] = fuel
        if unserved > UNMET_TOLERANCE_KWH:
            n_steps = step + 1
            break
        hour += 1
        if hour == n_hours:
            hour = 0
    return out[:n_steps]


# ----------------------------------------------------------------------------------------------------------------------
# Result
# ----------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SurvivalResult:
    """Hours survived by an outage starting at every hour of the year.

    Attributes
    ----------
    hours_survived : numpy.ndarray of int, shape (8760,)
        ``r[s]``: whole hours fully served for an outage starting at hour ``s``
        of the year; at most ``max_duration_h``. Read-only.
    max_duration_h : int
        Horizon of the sweep [h].
    """

    hours_survived: np.ndarray
    max_duration_h: int

    def survival_probability(self) -> np.ndarray:
        """``P(r ≥ k)`` for ``k = 1 … max_duration_h``, over all start hours (non-increasing)."""
        return _survival_probability(self.hours_survived, self.max_duration_h)

    def to_frame(self) -> pd.DataFrame:
        """One row per start hour: ``month``, ``hour_of_day`` and ``hours_survived``.

        Indexed by ``start_hour`` (0–8759).
        """
        return pd.DataFrame(
            {"month": MONTH_OF_START, "hour_of_day": HOUR_OF_DAY_OF_START, "hours_survived": self.hours_survived},
            index=pd.RangeIndex(HOURS_PER_YEAR, name="start_hour"),
        )

    def to_dict(self) -> dict:
        """JSON-compatible summary (the contract for the UI and reports).

        Returns
        -------
        dict
            ``hours_survived`` (list of 8,760 ints), ``max_duration_h``,
            ``min_h``, ``mean_h``, ``max_h``, ``survival_probability`` (list:
            ``P(r ≥ k)`` for ``k = 1 … max_duration_h``),
            ``summary_durations_h`` (:data:`SUMMARY_DURATIONS_H`), and
            ``by_month`` (12 rows, ``month`` 1–12) and ``by_hour_of_day`` (24
            rows, ``hour`` 0–23). Each row holds ``starts`` (start hours in the
            group), ``min_h``, ``mean_h``, ``max_h`` and ``p_24h``, ``p_72h``,
            ``p_168h``: the share of the group's starts that survive at least
            that long; ``None`` where the duration exceeds ``max_duration_h``
            (the sweep cannot tell).
        """
        r = self.hours_survived
        return {
            "hours_survived": r.tolist(),
            "max_duration_h": int(self.max_duration_h),
            "min_h": int(r.min()),
            "mean_h": float(r.mean()),
            "max_h": int(r.max()),
            "survival_probability": self.survival_probability().tolist(),
            "summary_durations_h": list(SUMMARY_DURATIONS_H),
            "by_month": [
                {"month": month, **self._group_summary(group)}
                for month, group in enumerate(np.split(r, _MONTH_STARTS[1:]), start=1)
            ],
            "by_hour_of_day": [
                {"hour": hour, **self._group_summary(group)} for hour, group in enumerate(r.reshape(-1, 24).T)
            ],
        }

    def _group_summary(self, r: np.ndarray) -> dict:
        row = {"starts": int(r.size), "min_h": int(r.min()), "mean_h": float(r.mean()), "max_h": int(r.max())}
        for duration in SUMMARY_DURATIONS_H:
            row[f"p_{duration}h"] = float(np.mean(r >= duration)) if duration <= self.max_duration_h else None
        return row


def _survival_probability(hours_survived: np.ndarray, max_duration_h: int) -> np.ndarray:
    counts = np.bincount(hours_survived, minlength=max_duration_h + 1)
    at_least = np.cumsum(counts[::-1])[::-1]  # at_least[k] = #starts with r ≥ k
    return at_least[1 : max_duration_h + 1] / hours_survived.size


# ----------------------------------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------------------------------


def _fmt(value) -> str:
    if isinstance(value, Real) and not isinstance(value, bool) and not (
            isinstance(value, Integral) and abs(int(value)).bit_length() > 128):
        return f"{value:g}"
    return shown(value)  # text, true/false, lists … and integers too long to show whole


def _not_a_number(value) -> str:
    if isinstance(value, bool):
        return "must be a number, not true/false"
    if isinstance(value, str | bytes):
        return "must be a number, not text"
    return "must be a number"


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def _series(name: str, values, problems: list[str], *, upper: float | None = None,
            limit: float | None = None) -> np.ndarray | None:
    """An 8,760-value float array, or ``None`` after noting what is wrong with it.

    ``upper`` is the top of the allowed range (1 for a fraction, said as "between 0 and 1"), ``limit`` an input
    limit above which a value is absurd (docs/model.md, "Input limits"). A list's length and element types are
    checked before it is converted, so a list of ten million values or of true/false and text is refused at once.
    """
    index = getattr(values, "index", None)
    if isinstance(index, pd.DatetimeIndex) and index.tz is None:
        problems.append(f"{name} has a naive time index: must be tz-aware")
        return None
    problem = _element_problem(name, values, upper, limit)
    if problem is not None:
        problems.append(problem)
        return None
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError, OverflowError):
        problems.append(f"{name}: must be a sequence of numbers")
        return None
    if array.ndim != 1:
        problems.append(f"{name} has shape {array.shape}: must be one-dimensional with {HOURS_PER_YEAR} values")
        return None
    if array.size != HOURS_PER_YEAR:
        problems.append(f"{name} has {array.size} values: must have {HOURS_PER_YEAR}")
        return None
    allowed = "must be between 0 and 1" if upper is not None else "must be ≥ 0"
    bad = ~np.isfinite(array)
    what = "must be a finite number"
    if not bad.any():
        bad = (array < 0) | (array > upper) if upper is not None else array < 0
        what = allowed
    if not bad.any() and limit is not None:
        bad = array > limit
        what = f"must be ≤ {limit:g}"
    if bad.any():
        where = np.flatnonzero(bad)
        more = f" (and {where.size - 1} more)" if where.size > 1 else ""
        problems.append(f"{name}[{where[0]}] = {array[where[0]]:g}: {what}{more}")
        return None
    return array


def _element_problem(name: str, values, upper: float | None, limit: float | None) -> str | None:
    """What is wrong with a list's length or element types, or an array's dtype, before converting it."""
    if isinstance(values, list | tuple):
        if len(values) != HOURS_PER_YEAR:
            return f"{name} has {len(values)} values: must have {HOURS_PER_YEAR}"
        if not all(_is_number(value) for value in values):
            return f"{name}: must be a sequence of numbers"
        huge = next((i for i, value in enumerate(values)
                     if isinstance(value, Integral) and abs(int(value)).bit_length() > 1000), None)
        if huge is not None:  # beyond a float, so beyond any limit
            top = "must be between 0 and 1" if upper is not None else f"must be ≤ {limit:g}"
            return f"{name}[{huge}] = {_fmt(values[huge])}: {top}"
        return None
    kind = getattr(getattr(values, "dtype", None), "kind", "f")
    if kind in "iuf" or (kind == "O" and all(_is_number(value) for value in np.ravel(values))):
        return None
    return f"{name}: must be a sequence of numbers"  # an array of true/false, text or other objects


def _number(name: str, value, problems: list[str], *, low: float = 0.0, high: float | None = None,
            low_open: bool = False, limit: float | None = None) -> float:
    """``value`` as a float, after noting what is wrong with it.

    ``high`` is the top of the allowed range (1 for a fraction, said with the range), ``limit`` an input limit
    above which a value is absurd (docs/model.md, "Input limits"; said as "must be ≤ limit").
    """
    if low_open:
        allowed = f"must be > {low:g} and ≤ {high:g}"
    elif high is not None:
        allowed = f"must be between {low:g} and {high:g}"
    else:
        allowed = f"must be ≥ {low:g}"
    if not _is_number(value):
        problems.append(f"{name} = {_fmt(value)}: {_not_a_number(value)}")
        return math.nan
    try:
        number = float(value)
    except OverflowError:  # an integer beyond a float
        beyond = allowed if value < 0 or limit is None else f"must be ≤ {limit:g}"
        problems.append(f"{name} = {_fmt(value)}: {beyond}")
        return math.nan
    too_low = number <= low if low_open else number < low
    if not math.isfinite(number) or too_low or (high is not None and number > high):
        problems.append(f"{name} = {_fmt(number)}: {allowed}")
    elif limit is not None and number > limit:
        problems.append(f"{name} = {_fmt(number)}: must be ≤ {limit:g}")
    return number


# ----------------------------------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------------------------------


def _prepare(critical_load_kw, pv_kw, system: BackupSystem, max_duration_h) -> dict:
    """Validate the load, the PV and the horizon at once and return the compiled kernels' arguments.

    The system validated itself when it was built (:class:`resilience.systems.BackupSystem`).
    """
    from resilience.systems import BackupSystem

    problems: list[str] = []
    load = _series("critical_load_kw", critical_load_kw, problems, limit=MAX_POWER_KW)
    pv = np.zeros(HOURS_PER_YEAR) if pv_kw is None else _series("pv_kw", pv_kw, problems, limit=MAX_POWER_KW)
    if not isinstance(system, BackupSystem):
        problems.append(f"system = {shown(system)}: must be a BackupSystem (resilience.systems)")
    if isinstance(max_duration_h, bool) or not isinstance(max_duration_h, Integral) or max_duration_h < 1:
        problems.append(f"max_duration_h = {_fmt(max_duration_h)}: must be an integer ≥ 1")
    elif max_duration_h > MAX_HOURS:  # one row of the probability curve per hour, one sweep step per hour
        problems.append(f"max_duration_h = {_fmt(max_duration_h)}: must be ≤ {MAX_HOURS} (a year)")
    if problems:
        raise KizunaInputError(problems)
    return {
        "net_kw": np.ascontiguousarray(load - pv),
        "initial_soc_kwh": np.ascontiguousarray(np.broadcast_to(system.initial_soc, HOURS_PER_YEAR)
                                                * system.battery_kwh),
        "fuel_litres": system.fuel_litres,
        "params": system.kernel_params(),
        "max_duration_h": int(max_duration_h),
    }


def survival_sweep(critical_load_kw, pv_kw, system: BackupSystem, *,
                   max_duration_h: int = HOURS_PER_YEAR) -> SurvivalResult:
    """Hours a load is carried through an outage starting at each of the 8,760 hours of a year.

    For every start hour ``s`` the state is reset (``system.fuel_litres`` in
    the tank, ``system.initial_soc[s] × system.battery_kwh`` in the battery)
    and each hour, with ``net = load − PV`` (docs/model.md §9):

    1. if ``net < 0`` the surplus charges the battery by
       ``min(room, battery_kw × η_ch, −net × η_ch)``;
    2. otherwise the generator serves ``min(net, G, (fuel − b) / m)`` (nothing
       when ``fuel ≤ b``) and burns ``m × P + b`` litres
       (:func:`resilience.facilities.generator_burn_l_per_h`), where ``P`` is its
       output: at least ``generator_min_turndown × G`` while the fuel allows,
       the part above the load charging the battery (same limits as PV) and
       the rest spilled;
    3. the battery covers the rest, up to ``battery_kw`` and down to
       ``soc_min × battery_kwh``, drawing ``rest / η_dis`` from storage;
    4. if more than ``1e-5`` kWh is left unmet the run ends; ``r[s]`` is the
       number of whole hours fully served before it, at most ``max_duration_h``.

    The year wraps around (a start at hour 8,750 continues into hour 0). With
    ``charge_efficiency`` = REopt's round-trip efficiency,
    ``discharge_efficiency = 1`` and ``soc_min = 0`` this reproduces REopt's
    Python outage simulator at every start, except in three corners where
    Kizuna follows docs/model.md §9: (i) in an hour where the load exceeds ``G`` and
    the fuel is short of ``m × load + b`` REopt leaves the generator off,
    Kizuna runs it at ``min(G, (fuel − b) / m)`` (as REopt's Julia port does);
    (ii) a net load of exactly 0 does not start the generator (REopt runs it
    at its turndown); (iii) in the hour the tank runs dry below the turndown,
    the output above the load charges the battery within its room and
    ``battery_kw × charge_efficiency`` (REopt stores all of it, with no
    efficiency or limit).

    Parameters
    ----------
    critical_load_kw : sequence of float, length 8760
        Load to carry in each hour of the year [kW, 0 to
        :data:`~resilience.records.MAX_POWER_KW`]. A pandas Series with a
        naive DatetimeIndex is rejected, and so are true/false and text.
    pv_kw : sequence of float, length 8760, or None
        PV AC output in each hour [kW, 0 to :data:`~resilience.records.MAX_POWER_KW`];
        None for no PV.
    system : resilience.systems.BackupSystem
        The battery and the generator with their state at the outage start
        (built by hand, or by :meth:`~resilience.systems.BackupSystem.from_facility`
        and :meth:`~resilience.systems.BackupSystem.from_household`).
    max_duration_h : int, default 8760
        Horizon: a start that survives this many hours scores this value [h],
        1 to 8,760 (:data:`~resilience.records.MAX_HOURS`).

    Returns
    -------
    SurvivalResult

    Raises
    ------
    KizunaInputError
        Naming every bad argument, its value and what is allowed, e.g.
        ``critical_load_kw has 100 values: must have 8760``. (A bad system
        value is reported when the :class:`~resilience.systems.BackupSystem`
        is built.)

    Notes
    -----
    Compiled with numba (cached on disk next to this module; the first call in
    a fresh environment compiles for about 2–3 s). All starts advance together
    hour by hour in one vectorised loop. No numba threads are used and the
    compiled loop releases the GIL, so several web-server threads can sweep
    at once.

    Examples
    --------
    >>> from resilience.systems import BackupSystem
    >>> result = survival_sweep([50.0] * 8760, None, BackupSystem(battery_kwh=200.0, battery_kw=50.0))
    >>> result.to_dict()["min_h"]
    4
    """
    args = _prepare(critical_load_kw, pv_kw, system, max_duration_h)
    hours = _sweep(args["net_kw"], args["initial_soc_kwh"], args["fuel_litres"], args["params"],
                   args["max_duration_h"])
    hours.setflags(write=False)
    return SurvivalResult(hours_survived=hours, max_duration_h=args["max_duration_h"])


def survival_trace(critical_load_kw, pv_kw, system: BackupSystem, *, start_hour: int,
                   max_duration_h: int = HOURS_PER_YEAR) -> pd.DataFrame:
    """Hour-by-hour dispatch of the single outage of :func:`survival_sweep` that starts at ``start_hour``.

    Same arguments and dispatch as :func:`survival_sweep` (the same compiled
    hourly step), for inspection and for checking the energy balance.

    Parameters
    ----------
    critical_load_kw, pv_kw, system, max_duration_h
        As in :func:`survival_sweep`.
    start_hour : int
        Start hour of the outage (0–8759).

    Returns
    -------
    pandas.DataFrame
        One row per simulated hour (index ``outage_hour`` from 0), up to and
        including the first hour with unmet load (its index equals the
        sweep's ``hours_survived[start_hour]``), or ``max_duration_h`` rows.
        Columns: ``hour_of_year``; ``load_kw``, ``pv_kw``, ``pv_to_load_kw``,
        ``generator_to_load_kw``, ``battery_to_load_kw`` (AC), ``served_kw``
        (sum of the three), ``unserved_kw``; ``generator_output_kw`` (with
        turndown surplus), ``burned_litres``, ``stored_kwh`` (energy added to
        storage after η_ch); ``soc_kwh`` and ``fuel_litres`` at the end of the
        hour. kW over one hour equal kWh.
    """
    args = _prepare(critical_load_kw, pv_kw, system, max_duration_h)
    if isinstance(start_hour, bool) or not isinstance(start_hour, Integral) or not 0 <= start_hour < HOURS_PER_YEAR:
        raise KizunaInputError(f"start_hour = {_fmt(start_hour)}: must be an integer from 0 to {HOURS_PER_YEAR - 1}")
    rows = _trace(args["net_kw"], int(start_hour), args["initial_soc_kwh"][start_hour], args["fuel_litres"],
                  args["params"], args["max_duration_h"])
    hour_of_year = rows[:, 0].astype(np.int64)
    load = np.asarray(critical_load_kw, dtype=float)[hour_of_year]
    pv = np.zeros_like(load) if pv_kw is None else np.asarray(pv_kw, dtype=float)[hour_of_year]
    pv_to_load = np.minimum(load, pv)
    frame = pd.DataFrame(
        {
            "hour_of_year": hour_of_year,
            "load_kw": load,
            "pv_kw": pv,
            "pv_to_load_kw": pv_to_load,
            "generator_to_load_kw": rows[:, 1],
            "battery_to_load_kw": rows[:, 5],
            "served_kw": pv_to_load + rows[:, 1] + rows[:, 5],
            "unserved_kw": rows[:, 6],
            "generator_output_kw": rows[:, 2],
            "burned_litres": rows[:, 3],
            "stored_kwh": rows[:, 4],
            "soc_kwh": rows[:, 7],
            "fuel_litres": rows[:, 8],
        },
        index=pd.RangeIndex(len(rows), name="outage_hour"),
    )
    return frame
