"""A plain-Python survival sweep: the test oracle and the pure-Python baseline for ``resilience.survival``.

This is an independent reference implementation of the survival sweep of
MODEL §7, written from MODEL §7 and the hand cases of §9, not from
:mod:`resilience.survival` and not from any other program's code. It keeps
the obvious shape of such a simulator, one Python iteration per (start hour,
outage hour) on plain lists and floats, with no numpy in the loop, so that

- ``tests/test_survival.py`` can check the compiled sweep against it at every
  start hour, and
- ``benchmarks/bench_engine.py`` can time it as the "pure-Python simulator"
  baseline. NREL REopt's Python outage simulator has the same loop structure,
  one start after another and one hour after another.

It follows the semantics Kizuna documents (MODEL §7, ``docs/model-survival.md``),
including the three places where REopt's Python simulator differs:

- a net load of exactly 0 kW does not start the generator;
- when the load exceeds the generator's rating *and* the fuel left cannot pay
  for a full hour, the generator still delivers ``min(net, G, (fuel − b) / m)``;
- in the hour the tank runs dry below the minimum turndown, the output above
  the load charges the battery like any other surplus, within the room left and
  ``battery_kw × η_ch``, the rest spilled (REopt adds all of it to storage).

It validates nothing: give it what :func:`resilience.survival.survival_sweep`
accepts (8,760 hourly values and a :class:`resilience.systems.BackupSystem`,
which checked its own values).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from resilience.systems import BackupSystem

HOURS_PER_YEAR = 8760
#: Unmet energy in an hour above which an outage run ends [kWh] (MODEL §7).
UNMET_TOLERANCE_KWH = 1e-5


def python_survival_sweep(
    critical_load_kw: Sequence[float],
    pv_kw: Sequence[float] | None,
    system: BackupSystem,
    *,
    max_duration_h: int = HOURS_PER_YEAR,
) -> list[int]:
    """Hours survived by an outage starting at each of the 8,760 hours of a year, one hour at a time.

    Same arguments and meaning as :func:`resilience.survival.survival_sweep`.
    Of the system record only its fields are read (the record's own checks
    and its resolved default idle burn apply); everything else is computed
    here in plain Python.

    Parameters
    ----------
    critical_load_kw : sequence of float, length 8760
        Load to carry in each hour of the year [kW].
    pv_kw : sequence of float, length 8760, or None
        PV AC output in each hour [kW]; None for no PV.
    system : resilience.systems.BackupSystem
        ``battery_kwh`` [kWh], ``battery_kw`` [kW], ``initial_soc`` and
        ``soc_min`` [fractions of ``battery_kwh``; the first one value or one
        per start hour], ``charge_efficiency`` and ``discharge_efficiency``,
        ``generator_kw`` G [kW], ``fuel_litres`` [L],
        ``fuel_slope_l_per_kwh`` m [L/kWh], ``fuel_intercept_l_per_h`` b
        [L/h] and ``generator_min_turndown`` [fraction of G].
    max_duration_h : int, default 8760
        Horizon [h]: a start that survives this long scores this value.

    Returns
    -------
    list of int
        ``r[s]``, the whole hours fully served for the outage starting at hour
        ``s`` of the year, for ``s = 0 … 8759``.
    """
    loads_kw = [float(x) for x in critical_load_kw]
    pv_values_kw = [0.0] * len(loads_kw) if pv_kw is None else [float(x) for x in pv_kw]
    net_kw = [load - pv for load, pv in zip(loads_kw, pv_values_kw, strict=True)]
    n_hours = len(net_kw)
    initial_soc = system.initial_soc
    if isinstance(initial_soc, int | float):
        initial_soc = [float(initial_soc)] * n_hours
    battery_kwh = float(system.battery_kwh)
    return [
        hours_survived_from(net_kw, start, float(initial_soc[start]) * battery_kwh, float(system.fuel_litres),
                            max_duration_h, system)
        for start in range(n_hours)
    ]


def hours_survived_from(
    net_kw: list[float],
    start: int,
    soc_kwh: float,
    fuel_left_litres: float,
    max_duration_h: int,
    system: BackupSystem,
) -> int:
    """Whole hours one outage starting at hour ``start`` is fully served (at most ``max_duration_h``).

    ``net_kw`` is load minus PV for every hour of the year [kW]; ``soc_kwh``
    and ``fuel_left_litres`` are the stored energy and the fuel at the start.
    """
    battery_kwh = float(system.battery_kwh)
    battery_kw = float(system.battery_kw)
    soc_floor_kwh = system.soc_min * battery_kwh
    charge_efficiency = float(system.charge_efficiency)
    discharge_efficiency = float(system.discharge_efficiency)
    generator_kw = float(system.generator_kw)
    slope_l_per_kwh = float(system.fuel_slope_l_per_kwh)
    intercept_l_per_h = float(system.fuel_intercept_l_per_h)
    turndown_kw = system.generator_min_turndown * generator_kw
    n_hours = len(net_kw)
    for outage_hour in range(max_duration_h):
        net = net_kw[(start + outage_hour) % n_hours]
        charge_kw = 0.0  # power offered to the battery this hour (PV or generator surplus)
        if net < 0.0:
            charge_kw = -net
            rest_kw = 0.0
        elif net == 0.0:
            rest_kw = 0.0  # nothing to serve: the generator stays off
        else:
            generator_to_load_kw = 0.0
            if generator_kw > 0.0 and fuel_left_litres > intercept_l_per_h:
                wanted_kw = min(net, generator_kw)
                output_kw = max(wanted_kw, turndown_kw)
                burn_litres = slope_l_per_kwh * output_kw + intercept_l_per_h
                if burn_litres <= fuel_left_litres:
                    fuel_left_litres -= burn_litres
                else:
                    # The tank runs dry within the hour: the set makes what the fuel left pays for.
                    output_kw = (fuel_left_litres - intercept_l_per_h) / slope_l_per_kwh
                    fuel_left_litres = 0.0
                generator_to_load_kw = min(wanted_kw, output_kw)
                charge_kw = output_kw - generator_to_load_kw
            rest_kw = net - generator_to_load_kw

        if charge_kw > 0.0:
            room_kwh = battery_kwh - soc_kwh
            stored_kwh = min(room_kwh, battery_kw * charge_efficiency, charge_kw * charge_efficiency)
            if stored_kwh > 0.0:
                soc_kwh += stored_kwh

        if rest_kw > 0.0:
            available_kw = min(battery_kw, (soc_kwh - soc_floor_kwh) * discharge_efficiency)
            discharged_kw = min(rest_kw, available_kw) if available_kw > 0.0 else 0.0
            if discharged_kw > 0.0:
                soc_kwh = max(soc_kwh - discharged_kw / discharge_efficiency, soc_floor_kwh)
            if rest_kw - discharged_kw > UNMET_TOLERANCE_KWH:
                return outage_hour
    return max_duration_h
