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
accepts (8,760 hourly values, fractions in 0–1, non-negative sizes).
"""

from __future__ import annotations

from collections.abc import Sequence

HOURS_PER_YEAR = 8760
#: Unmet energy in an hour above which an outage run ends [kWh] (MODEL §7).
UNMET_TOLERANCE_KWH = 1e-5
#: Idle burn per kW rated when no intercept is given [L/h/kW] (MODEL §7, FACTS D1).
DEFAULT_FUEL_INTERCEPT_L_PER_H_PER_KW = 0.007


def python_survival_sweep(
    *,
    critical_load_kw: Sequence[float],
    pv_kw: Sequence[float] | None = None,
    battery_kwh: float = 0.0,
    battery_kw: float = 0.0,
    initial_soc: float | Sequence[float] = 1.0,
    soc_min: float = 0.0,
    charge_efficiency: float = 1.0,
    discharge_efficiency: float = 1.0,
    generator_kw: float = 0.0,
    fuel_litres: float = 0.0,
    fuel_slope_l_per_kwh: float = 0.262,
    fuel_intercept_l_per_h: float | None = None,
    generator_min_turndown: float = 0.0,
    max_duration_h: int = HOURS_PER_YEAR,
) -> list[int]:
    """Hours survived by an outage starting at each of the 8,760 hours of a year, one hour at a time.

    Same arguments, defaults and meaning as
    :func:`resilience.survival.survival_sweep`.

    Parameters
    ----------
    critical_load_kw : sequence of float, length 8760
        Load to carry in each hour of the year [kW].
    pv_kw : sequence of float, length 8760, optional
        PV AC output in each hour [kW]. Default: no PV.
    battery_kwh, battery_kw : float, default 0
        Usable storage capacity [kWh] and inverter limit, charge and discharge [kW].
    initial_soc : float or sequence of float, length 8760, default 1.0
        State of charge at the outage start, a fraction of ``battery_kwh``;
        one value or one per start hour.
    soc_min : float, default 0
        Floor of the state of charge, a fraction of ``battery_kwh``.
    charge_efficiency, discharge_efficiency : float, default 1.0
        η_ch on energy going into storage, η_dis on energy taken out.
    generator_kw : float, default 0
        Generator rating G [kW].
    fuel_litres : float, default 0
        Diesel for the whole outage [L].
    fuel_slope_l_per_kwh : float, default 0.262
        Fuel curve slope m [L/kWh].
    fuel_intercept_l_per_h : float, optional
        Idle burn b [L/h]. Default: 0.007 L/h per kW rated × ``generator_kw``.
    generator_min_turndown : float, default 0
        Lowest output of a running generator, a fraction of G.
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
    if isinstance(initial_soc, int | float):
        initial_soc = [float(initial_soc)] * n_hours
    intercept_l_per_h = (DEFAULT_FUEL_INTERCEPT_L_PER_H_PER_KW * generator_kw if fuel_intercept_l_per_h is None
                         else float(fuel_intercept_l_per_h))
    system = dict(
        battery_kwh=float(battery_kwh),
        battery_kw=float(battery_kw),
        soc_floor_kwh=soc_min * battery_kwh,
        charge_efficiency=float(charge_efficiency),
        discharge_efficiency=float(discharge_efficiency),
        generator_kw=float(generator_kw),
        slope_l_per_kwh=float(fuel_slope_l_per_kwh),
        intercept_l_per_h=intercept_l_per_h,
        turndown_kw=generator_min_turndown * generator_kw,
    )
    return [
        hours_survived_from(net_kw, start, initial_soc[start] * battery_kwh, float(fuel_litres), max_duration_h,
                            **system)
        for start in range(n_hours)
    ]


def hours_survived_from(
    net_kw: list[float],
    start: int,
    soc_kwh: float,
    fuel_left_litres: float,
    max_duration_h: int,
    *,
    battery_kwh: float,
    battery_kw: float,
    soc_floor_kwh: float,
    charge_efficiency: float,
    discharge_efficiency: float,
    generator_kw: float,
    slope_l_per_kwh: float,
    intercept_l_per_h: float,
    turndown_kw: float,
) -> int:
    """Whole hours one outage starting at hour ``start`` is fully served (at most ``max_duration_h``).

    ``net_kw`` is load minus PV for every hour of the year [kW]; ``soc_kwh``
    and ``fuel_left_litres`` are the stored energy and the fuel at the start;
    the keyword arguments are the system in absolute units (kWh, kW, L/kWh,
    L/h), with the SOC floor and the minimum turndown already in kWh and kW.
    """
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
