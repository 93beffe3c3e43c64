"""The headline figures of a simulation as cards, each explaining its formula on hover.

The formulas are those of ``docs/model.md`` §8; the card's
``title`` attribute carries them, so pointing at (or focusing) a card tells how its
number was computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from presentation.text import TEXT
from resilience.citysim import Result
from resilience.timeindex import HOURS_PER_DAY

#: A backup of at least the horizon (less this) is shown as "the whole horizon".
_HORIZON_TOLERANCE_DAYS = 1e-6


@dataclass(frozen=True)
class KpiCard:
    """One card: a big value, a line of detail and the explanation shown on hover.

    Attributes
    ----------
    key : str
        Stable name, also the card's CSS class ``kpi-<key>``.
    title, value, detail, explanation : str
    """

    key: str
    title: str
    value: str
    detail: str
    explanation: str


def kpi_cards(result: Result) -> list[KpiCard]:
    """The six headline cards of a run: critical autonomy, households without power at the
    start and at the peak, V2H households covered, diesel hours and petrol days.

    Parameters
    ----------
    result : resilience.citysim.Result

    Returns
    -------
    list of KpiCard
    """
    k = result.kpis
    horizon = k.horizon_h
    households = sum(d.households for d in result.city.districts)
    peak_time = result.index[k.households_without_power_peak_hour].strftime("%d %b %H:%M")

    if k.critical_autonomy_h is None:
        autonomy = TEXT["kpi.not_reached"].format(horizon=horizon)
    else:
        autonomy = TEXT["kpi.hours"].format(hours=k.critical_autonomy_h)
    by_type = "; ".join(
        TEXT["kpi.by_type_pair"].format(type=TEXT[f"facility_type.{kind}"], first=_hours_or_never(hours),
                                        half=_hours_or_never(k.critical_half_short_by_type_h.get(kind)))
        for kind, hours in k.critical_autonomy_by_type_h.items()
    )
    inadequate_items = ", ".join(
        TEXT["kpi.inadequate_item"].format(sites=count, type=TEXT[f"facility_type.{kind}"].lower())
        for kind, count in k.sites_without_adequate_backup_by_type.items()
    )
    inadequate_explain = (TEXT["kpi.inadequate_explain"].format(list=inadequate_items) if inadequate_items
                          else TEXT["kpi.inadequate_explain_none"])
    if k.sites_without_adequate_backup == 1:
        inadequate_detail = TEXT["kpi.inadequate_count_one"]
    elif k.sites_without_adequate_backup:
        inadequate_detail = TEXT["kpi.inadequate_count"].format(sites=k.sites_without_adequate_backup)
    else:
        inadequate_detail = TEXT["kpi.inadequate_none"]

    return [
        KpiCard(
            key="autonomy",
            title=TEXT["kpi.autonomy_title"],
            value=autonomy,
            detail=TEXT["kpi.autonomy_detail"].format(served=k.critical_energy_served_pct,
                                                      inadequate=inadequate_detail),
            explanation=TEXT["kpi.autonomy_explain"].format(
                by_type=by_type or TEXT["kpi.no_facilities"], inadequate=inadequate_explain,
                kept_grid=k.sites_kept_by_grid_restoration, kept_own=k.sites_kept_by_own_backup,
            ),
        ),
        KpiCard(
            key="without-power-start",
            title=TEXT["kpi.without_start_title"],
            value=f"{k.households_without_power_start:,.0f}",
            detail=TEXT["kpi.share_of_households"].format(share=_share(k.households_without_power_start, households)),
            explanation=TEXT["kpi.without_explain"],
        ),
        KpiCard(
            key="without-power-peak",
            title=TEXT["kpi.without_peak_title"],
            value=f"{k.households_without_power_peak:,.0f}",
            detail=TEXT["kpi.peak_detail"].format(hour=k.households_without_power_peak_hour, time=peak_time,
                                                  lost=k.household_hours_lost),
            explanation=TEXT["kpi.without_peak_explain"],
        ),
        KpiCard(
            key="v2h",
            title=TEXT["kpi.v2h_title"],
            value=f"{k.v2h_households_covered:,.0f}",
            detail=_v2h_detail(k),
            explanation=TEXT["kpi.v2h_explain"].format(
                days_for_covered="" if k.v2h_days_for_covered is None
                else TEXT["kpi.v2h_days_for_covered"].format(days=k.v2h_days_for_covered)),
        ),
        KpiCard(
            key="diesel",
            title=TEXT["kpi.diesel_title"],
            value=_hours_or_unlimited(k.diesel_tank_hours_first),
            detail=TEXT["kpi.diesel_detail"].format(
                median=_hours_or_unlimited(k.diesel_tank_hours_median),
                with_deliveries=_hours_or_never(k.diesel_first_shortfall_with_deliveries_h),
                depot=TEXT["kpi.diesel_no_deliveries"] if k.depot_days_of_deliveries is None
                else TEXT["kpi.diesel_depot_days"].format(days=k.depot_days_of_deliveries),
                start=k.diesel_litres_start, end=k.diesel_litres_end, horizon=horizon,
            ),
            explanation=TEXT["kpi.diesel_explain"],
        ),
        KpiCard(
            key="petrol",
            title=TEXT["kpi.petrol_title"],
            value=TEXT["kpi.days"].format(days=k.petrol_days_of_supply_start),
            detail=TEXT["kpi.petrol_detail"].format(low=k.petrol_days_of_supply_min,
                                                    stations=100.0 * k.stations_operating_share_min),
            explanation=TEXT["kpi.petrol_explain"],
        ),
    ]


def _share(count: float, total: float) -> float:
    return 100.0 * count / total if total > 0 else 0.0


def _days(days: float, horizon_h: int) -> str:
    horizon_days = horizon_h / HOURS_PER_DAY
    if days >= horizon_days - _HORIZON_TOLERANCE_DAYS:
        return TEXT["kpi.days_whole_horizon"].format(days=horizon_days)
    return TEXT["kpi.days"].format(days=days)


def _v2h_detail(k) -> str:
    if k.v2h_households > 0 and k.v2h_households_covered <= 0:
        return TEXT["kpi.v2h_none_covered"].format(units=k.v2h_households)
    if k.v2h_households_covered <= 0 or k.v2h_backup_days_median is None:
        return TEXT["kpi.v2h_none"]
    horizon = k.horizon_h

    def group(days: float | None) -> str:
        return TEXT["kpi.v2h_no_group"] if days is None else _days(days, horizon)

    return TEXT["kpi.v2h_detail"].format(
        median=_days(k.v2h_backup_days_median, horizon), p10=group(k.v2h_backup_days_p10),
        with_pv=group(k.v2h_backup_days_median_with_pv), without_pv=group(k.v2h_backup_days_median_without_pv),
        units=k.v2h_households, mwh=k.v2h_mwh_available,
    )


def _hours_or_unlimited(hours: float | None) -> str:
    """Hours of a site's own tank; ``None`` when no site the outage reaches has a generator."""
    if hours is None or hours == float("inf"):
        return TEXT["kpi.unlimited"]
    return TEXT["kpi.hours"].format(hours=round(hours))


def _hours_or_never(hours: int | None) -> str:
    return TEXT["kpi.never"] if hours is None else TEXT["kpi.hours"].format(hours=hours)


@dataclass(frozen=True)
class ComparedKpi:
    """A row of the Compare page's table: how to read one figure from ``CityKPIs`` and print it.

    Attributes
    ----------
    label_key : str
        Key of the row label (with unit) in :data:`presentation.text.TEXT`.
    attribute : str
        Attribute of :class:`resilience.kpis.CityKPIs`.
    number_format : str
        Python format of the value and of the differences.
    higher_is_better : bool
        Whether a rise is an improvement (colours the differences).
    """

    label_key: str
    attribute: str
    number_format: str
    higher_is_better: bool
    none_key: str = "compare.not_reached"


COMPARED_KPIS: tuple[ComparedKpi, ...] = (
    ComparedKpi("compare.kpi_autonomy", "critical_autonomy_h", ",.0f", True),
    ComparedKpi("compare.kpi_inadequate", "sites_without_adequate_backup", ",.0f", False),
    ComparedKpi("compare.kpi_served", "critical_energy_served_pct", ",.2f", True),
    ComparedKpi("compare.kpi_without_start", "households_without_power_start", ",.0f", False),
    ComparedKpi("compare.kpi_without_peak", "households_without_power_peak", ",.0f", False),
    ComparedKpi("compare.kpi_hours_lost", "household_hours_lost", ",.0f", False),
    ComparedKpi("compare.kpi_v2h_units", "v2h_households", ",.0f", True),
    ComparedKpi("compare.kpi_v2h_covered", "v2h_households_covered", ",.0f", True),
    ComparedKpi("compare.kpi_v2h_days", "v2h_backup_days_median", ",.2f", True, "compare.no_v2h"),
    ComparedKpi("compare.kpi_v2h_mwh", "v2h_mwh_available", ",.2f", True),
    ComparedKpi("compare.kpi_diesel_hours", "diesel_tank_hours_first", ",.1f", True, "compare.no_generators"),
    ComparedKpi("compare.kpi_diesel_with_deliveries", "diesel_first_shortfall_with_deliveries_h", ",.0f", True),
    ComparedKpi("compare.kpi_diesel_end", "diesel_litres_end", ",.0f", True),
    ComparedKpi("compare.kpi_petrol_days", "petrol_days_of_supply_start", ",.2f", True),
    ComparedKpi("compare.kpi_petrol_min", "petrol_days_of_supply_min", ",.2f", True),
)


@dataclass(frozen=True)
class ComparisonRow:
    """One printed row of the Compare table.

    Attributes
    ----------
    label : str
    values : list of str
        Each scenario's value, A first.
    deltas : list of str
        Each later scenario minus A ("±0" when equal at the printed precision, "–" when
        either is not reached within the run).
    verdicts : list of int
        Per difference: 1 an improvement, -1 a deterioration, 0 no change or not comparable.
    """

    label: str
    values: list[str]
    deltas: list[str]
    verdicts: list[int]


def kpi_comparison_rows(results: list[Result]) -> list[ComparisonRow]:
    """The Compare table: per figure, each scenario's value and each later scenario minus the first.

    Parameters
    ----------
    results : list of Result
        Scenario A first, then B (and C).

    Returns
    -------
    list of ComparisonRow
        One per :data:`COMPARED_KPIS`; a figure not reached within the run prints as
        "not reached".
    """
    rows = []
    for row in COMPARED_KPIS:
        values = [getattr(result.kpis, row.attribute) for result in results]
        deltas, verdicts = [], []
        for value in values[1:]:
            delta = _difference(value, values[0], row.number_format)
            deltas.append(_compared_delta(delta, row.number_format))
            sign = 0 if delta is None or delta == 0 else (1 if delta > 0 else -1)
            verdicts.append(sign if row.higher_is_better else -sign)
        rows.append(ComparisonRow(TEXT[row.label_key],
                                  [_compared_value(v, row.number_format, row.none_key) for v in values],
                                  deltas, verdicts))
    return rows


def _compared_value(value: float | None, number_format: str, none_key: str = "compare.not_reached") -> str:
    if value is None:
        return TEXT[none_key]
    if value == float("inf"):
        return TEXT["kpi.unlimited"]
    return format(value, number_format)


def _difference(value: float | None, reference: float | None, number_format: str) -> float | None:
    """``value − reference`` rounded to the printed precision; None when either is not a finite number."""
    if value is None or reference is None or float("inf") in (value, reference):
        return None
    return float(format(value - reference, number_format.replace(",", "")))


def _compared_delta(delta: float | None, number_format: str) -> str:
    if delta is None:
        return "–"
    if delta == 0:
        return "±0"
    return format(delta, "+" + number_format)
