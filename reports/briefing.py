"""What a briefing says: its tables and the sentences of its executive summary, from one run.

Every number printed here is read from :class:`resilience.citysim.Result` (its KPIs,
``facility_summary`` and hourly tables), from the reference households'
:func:`resilience.v2h_backup` estimates, or from the city's provenance table, and is
printed in the format of the dashboard's KPI cards (:mod:`presentation.formatting`), so a
reader can find each figure of the summary again in a card or a table.
The figures (images) are built by :mod:`reports.images`; the page layout lives in
``reports/templates``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from presentation import formatting as fmt
from presentation.facility_rows import facility_rows
from presentation.kpi_content import KpiCard, kpi_cards
from presentation.text import TEXT
from presentation.v2h_figures import backup_headline, usable_energy_formula, vehicle_name
from reports.exports import district_summary
from reports.sources import Source, cited_ids, load_sources
from reports.version import kizuna_version
from resilience.citydata import load_city, load_districts_geojson, load_provenance
from resilience.citysim import Result, simulate
from resilience.kpis import CityKPIs
from resilience.records import DEFAULT_VEHICLE_ID, FACILITY_TYPES, City, Household, Scenario
from resilience.scenarios import PRESETS, scenario_start
from resilience.timeindex import HOURS_PER_DAY
from resilience.v2h import HouseholdBackup, household_backup

#: Reference households of the V2H section: (label, state of charge at the start, with rooftop PV).
REFERENCE_SOC = 0.6
#: The V2H estimate of a household is simulated for at least a day and at most 30 days (its page's range).
HOUSEHOLD_HORIZON_H = (24, 720)
#: Facility types as they read inside a sentence.
TYPE_PHRASES = {
    "hospital": "hospitals",
    "water": "water supply",
    "telecom": "telecom",
    "shelter": "shelters",
    "city_hall": "city halls",
    "other": "other facilities",
}
#: Types whose phrase takes a singular verb ("water supply holds", "hospitals hold").
SINGULAR_TYPES = frozenset({"water", "telecom"})
TIME_FORMAT = "%d %b %H:%M"
START_FORMAT = "%a %d %b %Y, %H:%M"
MODEL_DOC = "docs/model.md"
SOURCES_DOC = "docs/sources.md"


@dataclass(frozen=True)
class Table:
    """A table as the template prints it: header, rows of text, which columns are numbers.

    Attributes
    ----------
    columns : list of str
    rows : list of list of str
    numeric : list of bool
        Right-align these columns.
    row_classes : list of str
        A CSS class per row ("" for none), e.g. ``"total"`` or ``"status-short"``.
    """

    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    row_classes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReferenceHousehold:
    """A household of the V2H section and its estimate (via :func:`resilience.v2h_backup`).

    Attributes
    ----------
    label : str
    household : resilience.records.Household
    backup : resilience.v2h.HouseholdBackup
    formula : str
        ``E = C × (SOC₀ − reserve) × η`` with its numbers.
    """

    label: str
    household: Household
    backup: HouseholdBackup = field(repr=False)
    formula: str


@dataclass(frozen=True)
class Briefing:
    """Everything a report prints, already formatted (the template only lays it out).

    The ``result`` and ``households`` attributes carry what the figures are drawn from.
    """

    city_id: str
    city_name: str
    title: str
    preset_title: str
    scenario_line: str
    event_source: str
    event_curve: str
    event_fuel: str
    run_date: str
    run_date_iso: str
    prepared_by: str
    version: str
    summary: list[str]
    cards: list[KpiCard]
    districts: Table
    facilities: Table
    facility_counts: str
    v2h_city: list[tuple[str, str]]
    household_table: Table
    households: list[ReferenceHousehold]
    parameters: Table
    estimated: Table
    sourced: Table
    methodology: list[str]
    result: Result = field(repr=False)
    peak_hour_time: str = ""
    sources: list[Source] = field(default_factory=list)


def build_briefing(city_id: str, scenario: Scenario, *, prepared_by: str = "",
                   run_date: dt.datetime | None = None, result: Result | None = None) -> Briefing:
    """Assemble the briefing of a scenario played on a bundled city.

    Parameters
    ----------
    city_id : str
        A bundled city (``"saitama"``, ``"berlin"``).
    scenario : resilience.records.Scenario
    prepared_by : str
        Name printed on the title page (may be empty).
    run_date : datetime.datetime, optional
        When the run was made (default: now, local time of this machine).
    result : resilience.citysim.Result, optional
        The run, if the caller has it already (e.g. the dashboard's cached result); it
        must be of this city and scenario.

    Returns
    -------
    Briefing

    Raises
    ------
    KizunaInputError
        For an unknown city or a scenario the engine rejects.
    """
    city = load_city(city_id)
    result = result if result is not None else simulate(city, scenario)
    run_date = run_date or dt.datetime.now().astimezone()
    preset = PRESETS[scenario.preset]
    start = scenario_start(scenario)
    households = reference_households(result)
    provenance = load_provenance(city_id)
    estimated = provenance_table(provenance, "estimated", city)
    sourced = provenance_table(provenance, "sourced", city)
    notes = methodology(result)
    cited = [preset.source_note, preset.curve_note, preset.fuel_note, *notes,
             *(cell for table in (estimated, sourced) for row in table.rows for cell in row)]
    return Briefing(
        city_id=city_id,
        city_name=city.name,
        title=f"{preset.title} on {city.name}",
        preset_title=preset.title,
        scenario_line=(f"Outage from {start.strftime(START_FORMAT)} ({city.timezone}), "
                       f"{fmt.duration(scenario.duration_h)} simulated"),
        event_source=preset.source_note,
        event_curve=preset.curve_note,
        event_fuel=preset.fuel_note,
        run_date=run_date.strftime("%d %B %Y, %H:%M %Z").strip(),
        run_date_iso=run_date.isoformat(timespec="seconds"),
        prepared_by=prepared_by.strip(),
        version=kizuna_version(),
        summary=summary_sentences(result),
        cards=kpi_cards(result),
        districts=district_table(result, load_districts_geojson(city_id)),
        facilities=facility_table(result),
        facility_counts=_facility_counts(result),
        v2h_city=v2h_city_rows(result),
        household_table=household_table(households),
        households=households,
        parameters=parameter_table(scenario, result),
        estimated=estimated,
        sourced=sourced,
        methodology=notes,
        result=result,
        peak_hour_time=result.index[result.kpis.households_without_power_peak_hour].strftime(TIME_FORMAT),
        sources=cited_sources(*cited),
    )


# --------------------------------------------------------------------------------------------
# Executive summary
# --------------------------------------------------------------------------------------------


def summary_sentences(result: Result) -> list[str]:
    """The key findings as sentences with numbers, one paragraph per topic.

    Topics: households without power and restoration; the worst hour and the
    household-hours lost; critical facilities (the first one short and each type);
    diesel; V2H; petrol. Each number is a KPI of ``result.kpis`` (or a row of
    ``result.facility_summary``) printed as the dashboard prints it.
    """
    return [
        _households_sentence(result),
        _peak_sentence(result),
        _facilities_sentence(result),
        _diesel_sentence(result),
        _v2h_sentence(result),
        _petrol_sentence(result.kpis),
    ]


def _households_sentence(result: Result) -> str:
    k = result.kpis
    total = sum(d.households for d in result.city.districts)
    preset = PRESETS[result.scenario.preset]
    start_share = 100.0 * k.households_without_power_start / total if total else 0.0
    scenario = result.scenario
    outage = (f"a custom outage ({fmt.decimal(scenario.custom_outage_h, 0)} h without grid, then "
              f"{fmt.decimal(scenario.custom_restoration_h, 0)} h of restoration)" if scenario.preset == "custom"
              else f"the {preset.title} outage")
    return (
        f"In {outage} played on {result.city.name}, {fmt.count(k.households_without_power_start)} "
        f"of {fmt.count(total)} households ({fmt.percent(start_share)}) are without power at the start "
        f"({result.index[0].strftime(TIME_FORMAT)}); {fmt.share(k.share_restored_end)} of households are back on "
        f"the grid after {fmt.duration(k.horizon_h)}."
    )


def _peak_sentence(result: Result) -> str:
    k = result.kpis
    peak_hour = k.households_without_power_peak_hour
    when = ("at the start" if peak_hour == 0
            else f"in hour {peak_hour} ({result.index[peak_hour].strftime(TIME_FORMAT)})")
    return (
        f"The number of households without power is highest {when}, at "
        f"{fmt.count(k.households_without_power_peak)}; over the run "
        f"{fmt.count(k.household_hours_lost)} household-hours without power add up."
    )


def _facilities_sentence(result: Result) -> str:
    k = result.kpis
    summary = result.facility_summary
    if summary.empty:
        return "The city's data lists no critical facilities."
    hit = summary[summary["hit"]]
    if hit.empty:
        return "The outage reaches no critical facility: all keep the grid."
    by_type = k.critical_autonomy_by_type_h
    short_types = sorted((h, t) for t, h in by_type.items() if h is not None)
    holding_types = [t for t in FACILITY_TYPES if t in by_type and by_type[t] is None]
    holding = [TYPE_PHRASES[t] for t in holding_types]
    served = f"Critical facilities receive {fmt.percent(k.critical_energy_served_pct)} of their energy over the run."
    parts = []
    if k.sites_without_adequate_backup:
        listed = _join([f"{_sites(n)} ({TYPE_PHRASES[t]})"
                        for t, n in k.sites_without_adequate_backup_by_type.items()])
        verb = "has" if k.sites_without_adequate_backup == 1 else "have"
        parts.append(f"In the area hit, {listed} {verb} no adequate backup (no generator, or one below 80 % of the "
                     f"load) and fall short as soon as they lose the grid; they are not counted in the figures below.")
    if k.critical_autonomy_h is None:
        every = "Every other" if k.sites_without_adequate_backup else "Every"
        parts.append(f"{every} critical site the outage reaches keeps its load served for the whole run "
                     f"({fmt.count(k.horizon_h)} h).")
    else:
        first_rows = hit[(hit["first_shortfall_h"] == k.critical_autonomy_h) & hit["adequate_backup"]]
        name = first_rows["name"].iloc[0]
        at = f"hour {k.critical_autonomy_h} ({result.index[k.critical_autonomy_h].strftime(TIME_FORMAT)})"
        if len(first_rows) > 1:
            parts.append(f"Among sites with adequate backup, {len(first_rows)} run short first, at {at}, "
                         f"among them {name}.")
        else:
            parts.append(f"Among sites with adequate backup, the first to run short is {name}, at {at}.")
        typed = [f"{TYPE_PHRASES[t]} at hour {h}" for h, t in short_types]
        if typed:
            parts.append(f"By type, the first shortfall comes for {_join(typed)}.")
        if holding:
            verb = "holds" if len(holding) == 1 and holding_types[0] in SINGULAR_TYPES else "hold"
            parts.append(f"{_capital(_join(holding))} {verb} for the whole run ({fmt.count(k.horizon_h)} h).")
    kept = []
    if k.sites_kept_by_grid_restoration:
        n = k.sites_kept_by_grid_restoration
        kept.append(f"{_sites(n)} {'holds' if n == 1 else 'hold'} only because the grid comes back before "
                    f"{'its' if n == 1 else 'their'} own backup runs out")
    if k.sites_kept_by_own_backup:
        n = k.sites_kept_by_own_backup
        kept.append(f"{_sites(n)} {'holds' if n == 1 else 'hold'} on {'its' if n == 1 else 'their'} own backup"
                    f"{_resupply_phrase(result)}")
    if kept:
        parts.append(_capital(_join(kept)) + ".")
    restoration = ("critical sites get the grid back ahead of the households around them (priority restoration)"
                   if result.scenario.priority_restoration
                   else "critical sites get the grid back only once their whole district is restored (the cautious "
                        "reading; priority restoration is off)")
    parts.append(f"In this run {restoration}.")
    parts.append(served)
    return " ".join(parts)


def _sites(count: int) -> str:
    return f"{fmt.count(count)} site" if count == 1 else f"{fmt.count(count)} sites"


def _resupply_phrase(result: Result) -> str:
    """", on diesel with depot deliveries from hour 24 (140,000 L a day)" or an empty string."""
    if not any(f.generator_kw > 0 for f in result.city.facilities):
        return ""
    diesel = result.city.diesel
    delay = result.scenario.diesel_resupply_delay_h
    delay = diesel.first_delivery_h if delay is None else delay
    if diesel.delivery_litres_per_day <= 0 or diesel.depot_litres * result.scenario.diesel_stock_multiplier <= 0:
        return ", with no diesel deliveries from the depot"
    return (f", with diesel deliveries from the city depot from hour {fmt.count(delay)} "
            f"(up to {fmt.count(diesel.delivery_litres_per_day)} L a day)")


def _diesel_sentence(result: Result) -> str:
    k = result.kpis
    stock = (f"Diesel in stock — the tanks of the sites the outage reaches plus the city depot — is "
             f"{fmt.count(k.diesel_litres_start)} L at the start and {fmt.count(k.diesel_litres_end)} L after "
             f"{fmt.count(k.horizon_h)} h.")
    if k.diesel_tank_hours_first is None:
        return f"No critical site the outage reaches has a generator. {stock}"
    deliveries = "" if k.depot_days_of_deliveries is None else " and the depot delivered at its rate"
    with_deliveries = ("no site with adequate backup would fall short within the run"
                       if k.diesel_first_shortfall_with_deliveries_h is None
                       else f"the first site with adequate backup would fall short at hour "
                            f"{fmt.count(k.diesel_first_shortfall_with_deliveries_h)}")
    depot = ("The depot makes no deliveries." if k.depot_days_of_deliveries is None
             else f"The depot holds {fmt.days(k.depot_days_of_deliveries)} of deliveries at its rate.")
    return (
        f"On its own tank, the first site runs dry after {fmt.hours(k.diesel_tank_hours_first)} at its critical "
        f"load and the median site after {fmt.hours(k.diesel_tank_hours_median)}. If the grid never came back"
        f"{deliveries}, {with_deliveries}. {depot} {stock}"
    )


def _v2h_sentence(result: Result) -> str:
    k = result.kpis
    if k.v2h_households <= 0:
        return "No household has a V2H unit in this scenario."
    scenario = result.scenario
    reserve = scenario.reserve_soc if scenario.reserve_soc is not None else result.city.fleet.reserve_soc
    load = (f"{fmt.decimal(scenario.essential_kwh_per_day)} kWh/day essential load"
            if scenario.load_mode == "essential" else f"normal load ({fmt.decimal(result.city.household_kwh_per_day)} "
                                                      f"kWh/day)")
    text = (
        f"{fmt.count(k.v2h_households)} households have a V2H unit; {fmt.count(k.v2h_households_covered)} of them "
        f"have their car at home above the {fmt.share(reserve, 0)} mobility reserve at the start, holding "
        f"{fmt.decimal(k.v2h_mwh_available)} MWh"
    )
    if k.v2h_households_covered <= 0 or k.v2h_backup_days_median is None:
        return text + "."
    text += ("." if k.v2h_days_for_covered is None
             else f": {fmt.decimal(k.v2h_days_for_covered)} days of their {load}.")
    text += (f" If the outage did not end, half of the covered households would keep their load served for "
             f"{_backup_days(k.v2h_backup_days_median, k)} (with home PV "
             f"{_backup_days(k.v2h_backup_days_median_with_pv, k, 'no covered household has PV')}, without "
             f"{_backup_days(k.v2h_backup_days_median_without_pv, k, 'every covered household has PV')}), and one "
             f"in ten would run short within {_backup_days(k.v2h_backup_days_p10, k)}.")
    return text


def _backup_days(days: float | None, k: CityKPIs, missing: str = "no covered V2H household") -> str:
    """Days of V2H backup as the V2H card prints them; ``missing`` (words, never "nan") for ``None``."""
    if days is None:
        return missing
    horizon_days = k.horizon_h / HOURS_PER_DAY
    if days >= horizon_days - 1e-6:
        return f"the whole run ({fmt.days(horizon_days)})"
    return fmt.days(days)


def _petrol_sentence(k: CityKPIs) -> str:
    return (
        f"Filling stations hold {fmt.days(k.petrol_days_of_supply_start)} of petrol demand at the start and "
        f"{fmt.days(k.petrol_days_of_supply_min)} at the lowest; at worst "
        f"{fmt.percent(100.0 * k.stations_operating_share_min, 0)} of the stations can pump."
    )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def district_table(result: Result, geojson: dict | None = None) -> Table:
    """Per district: households, peak without power, household-hours lost, V2H households, petrol days.

    The last row is the city: its households, its own worst hour (not the sum of the
    districts' worst hours), and the city-wide KPIs.
    """
    summary = district_summary(result)
    local_names = _local_names(geojson)
    with_local = any(local_names.get(i) for i in summary["district_id"])
    columns = ["District", *(["Local name"] if with_local else []), "Households", "Peak without power",
               "Household-hours lost", "V2H households", "Petrol days at start", "Petrol days, lowest"]
    rows = []
    for item in summary.itertuples(index=False):
        rows.append([
            item.name, *([local_names.get(item.district_id, "")] if with_local else []),
            fmt.count(item.households), fmt.count(item.households_without_power_peak),
            fmt.count(item.household_hours_lost), fmt.count(item.v2h_households),
            fmt.cell(item.petrol_days_of_supply_start, 1), fmt.cell(item.petrol_days_of_supply_min, 1),
        ])
    k = result.kpis
    rows.append([
        "Whole city", *([""] if with_local else []), fmt.count(summary["households"].sum()),
        fmt.count(k.households_without_power_peak), fmt.count(k.household_hours_lost), fmt.count(k.v2h_households),
        fmt.cell(k.petrol_days_of_supply_start, 1), fmt.cell(k.petrol_days_of_supply_min, 1),
    ])
    numeric = [False] * (2 if with_local else 1) + [True] * 6
    return Table(columns, rows, numeric, [""] * (len(rows) - 1) + ["total"])


def _local_names(geojson: dict | None) -> dict[str, str]:
    if not geojson:
        return {}
    names = {}
    for feature in geojson.get("features", []):
        properties = feature.get("properties") or {}
        if properties.get("name_local"):
            names[str(properties.get("district_id"))] = str(properties["name_local"])
    return names


def facility_table(result: Result) -> Table:
    """The dashboard's facility rows (:func:`components.facility_table.facility_rows`) as a printed table.

    In the engine's risk order (``Result.facility_summary``): facilities that fall short first, the
    earliest shortfall first, then the lowest share of energy served.
    """
    columns = [TEXT["facility.name"], TEXT["facility.type"], TEXT["facility.district"], TEXT["facility.status"],
               "First shortfall [h]", "First shortfall at", TEXT["facility.backup"], TEXT["facility.kept_up_by"],
               TEXT["facility.fuel_hours_left"], TEXT["facility.energy_served_pct"]]
    rows, classes = [], []
    for row in facility_rows(result):
        never = row["first_shortfall_h"] is None
        rows.append([
            row["name"], row["type"], row["district"], row["status_label"],
            TEXT["facility.never"] if never else fmt.count(row["first_shortfall_h"]),
            "" if never else row["first_shortfall_time"],
            row["backup_label"], row["kept_up_by_label"],
            fmt.cell(row["fuel_hours_left"], 1), fmt.cell(row["energy_served_pct"], 1),
        ])
        classes.append(f"status-{row['status']}")
    return Table(columns, rows, [False] * 4 + [True, False, False, False, True, True], classes)


def _facility_counts(result: Result) -> str:
    status = result.facility_summary["status"]
    return (f"{len(status)} facilities (rows may aggregate several sites): {int((status == 'ok').sum())} never short, "
            f"{int((status == 'recovered').sum())} short for a while and served again by the end, "
            f"{int((status == 'short').sum())} still short at the end.")


def v2h_city_rows(result: Result) -> list[tuple[str, str]]:
    """City-wide V2H figures as (label, value) pairs, printed like the V2H card."""
    k = result.kpis
    scenario = result.scenario
    adoption = ("installed units (city data)" if scenario.v2h_adoption_share is None
                else f"{fmt.share(scenario.v2h_adoption_share)} of EV households")
    return [
        ("V2H units (households with a V2H unit)", fmt.count(k.v2h_households)),
        ("Covered: car at home above the reserve at the start", fmt.count(k.v2h_households_covered)),
        ("Energy the covered cars can deliver", f"{fmt.decimal(k.v2h_mwh_available)} MWh"),
        ("That energy lasts the covered households", "no covered V2H household" if k.v2h_days_for_covered is None
         else fmt.days(k.v2h_days_for_covered)),
        ("Backup per covered household, median", _backup_days(k.v2h_backup_days_median, k)),
        ("Backup per covered household, 10th percentile", _backup_days(k.v2h_backup_days_p10, k)),
        ("EV stock", f"× {fmt.decimal(scenario.ev_stock_multiplier, 2)} today's"),
        ("V2H units from", adoption),
    ]


def reference_households(result: Result) -> list[ReferenceHousehold]:
    """A Nissan LEAF 40 kWh at 60 % state of charge without and with the city's typical rooftop PV.

    Each is estimated by :func:`resilience.v2h.household_backup` (which calls
    :func:`resilience.v2h_backup` with the city fleet's efficiencies, as the V2H page
    does) for the scenario's start, weather, load mode and reserve.
    """
    scenario = result.scenario
    city = result.city
    reserve = scenario.reserve_soc if scenario.reserve_soc is not None else city.fleet.reserve_soc
    low, high = HOUSEHOLD_HORIZON_H
    base = {
        "city_id": city.id, "vehicle_id": DEFAULT_VEHICLE_ID, "soc_start": REFERENCE_SOC, "reserve_soc": reserve,
        "v2h_kw": city.fleet.v2h_kw, "load_mode": scenario.load_mode,
        "essential_kwh_per_day": scenario.essential_kwh_per_day, "weather": scenario.weather,
        "start": scenario_start(scenario), "duration_h": int(np.clip(scenario.duration_h, low, high)),
    }
    pv_kwp = city.home_pv_kwp_per_system
    households = []
    for pv in (0.0, pv_kwp):
        household = Household(**base, pv_kwp=pv)
        backup = household_backup(household)
        car = vehicle_name(backup.vehicle)
        label = f"{car} at {fmt.share(REFERENCE_SOC, 0)}" + (f" + {fmt.decimal(pv)} kWp PV" if pv else ", no PV")
        households.append(ReferenceHousehold(label, household, backup,
                                             usable_energy_formula(backup, REFERENCE_SOC, reserve)))
    return households


def household_table(households: list[ReferenceHousehold]) -> Table:
    """One row per reference household: usable energy, daily load, energy-only days, simulated backup."""
    columns = ["Household", "Usable energy E [kWh]", "Load [kWh/day]", "E ÷ load [days]", "Simulated backup",
               "Simulated [days]"]
    rows = []
    for item in households:
        estimate = item.backup.estimate
        hours_text, days_text = backup_headline(item.backup)
        rows.append([
            item.label, fmt.decimal(estimate.usable_kwh, 2), fmt.decimal(estimate.kwh_per_day, 2),
            fmt.decimal(estimate.days_of_backup_energy, 2), hours_text, days_text,
        ])
    return Table(columns, rows, [False, True, True, True, False, False])


def parameter_table(scenario: Scenario, result: Result) -> Table:
    """The scenario's settings with the dashboard's control labels; unset ones say what applies."""
    city = result.city
    fleet = city.fleet
    ration = scenario.petrol_ration_litres
    preset_ration = PRESETS[scenario.preset].petrol_ration_litres
    delay = scenario.diesel_resupply_delay_h

    rows = [
        (TEXT["control.city"], city.name),
        (TEXT["control.preset"], PRESETS[scenario.preset].title),
        ("Start (local time)", scenario_start(scenario).strftime(START_FORMAT)
         + ("" if scenario.start is not None else " (the event's)")),
        (TEXT["control.duration_h"], fmt.count(scenario.duration_h)),
        (TEXT["control.ev_stock_multiplier"], fmt.decimal(scenario.ev_stock_multiplier, 2)),
        (TEXT["control.v2h_mode"], TEXT["control.v2h_mode_installed"] if scenario.v2h_adoption_share is None
         else f"{fmt.share(scenario.v2h_adoption_share)} of EV households"),
        (TEXT["control.reserve_soc_pct"], fmt.share(scenario.reserve_soc if scenario.reserve_soc is not None
                                                    else fleet.reserve_soc, 0)
         + ("" if scenario.reserve_soc is not None else " (city fleet)")),
        (TEXT["control.load_mode"], TEXT[f"control.load_mode_{scenario.load_mode}"]),
        (TEXT["control.essential_kwh_per_day"], fmt.decimal(scenario.essential_kwh_per_day, 1)),
        (TEXT["control.diesel_stock_multiplier"], fmt.decimal(scenario.diesel_stock_multiplier, 2)),
        (TEXT["control.diesel_resupply_delay_h"], fmt.count(delay) if delay is not None
         else f"{fmt.count(city.diesel.first_delivery_h)} (city data)"),
        (TEXT["control.petrol_ration_litres"], fmt.decimal(ration, 1) if ration is not None
         else (f"{fmt.decimal(preset_ration, 1)} (the event's)" if preset_ration is not None
               else f"{fmt.decimal(city.petrol.ration_litres_per_visit, 1)} (city data)")),
        (TEXT["control.pv_multiplier"], fmt.decimal(scenario.pv_multiplier, 2)),
        (TEXT["control.weather"], TEXT[f"control.weather_{scenario.weather}"]),
    ]
    if scenario.preset == "custom":
        rows[4:4] = [(TEXT["control.custom_outage_h"], fmt.decimal(scenario.custom_outage_h, 1)),
                     (TEXT["control.custom_restoration_h"], fmt.decimal(scenario.custom_restoration_h, 1))]
    return Table(["Setting", "Value"], [list(r) for r in rows], [False, False])


def provenance_table(provenance: pd.DataFrame, status: str, city: City | None = None) -> Table:
    """The city's provenance rows of one status (``estimated`` or ``sourced``): what, where from or how.

    Each figure is named by its label (:func:`field_label`), and a row about one facility or
    district by that facility's or district's name, never by the data's internal field names.
    """
    names = {} if city is None else {**{d.id: d.name for d in city.districts},
                                     **{f.id: f.name for f in city.facilities}}
    rows = []
    for item in provenance[provenance["status"] == status].itertuples(index=False):
        what = field_label(item.table, item.column)
        row_id = item.row_id if isinstance(item.row_id, str) and item.row_id else ""
        if row_id:
            what += f": {names.get(row_id, row_id)}"
        rows.append([what, str(item.source_or_method)])
    return Table(["Figure", "Source or method"], rows, [False, False])


def field_label(table: str, column: str) -> str:
    """A city-data field as a reader knows it, e.g. ("city", "fleet.soc_clip_low") → "Cars' state of charge …".

    From ``TEXT["field.<table>.<column>"]``; a field without a label is spelled out from its name.
    """
    key = f"field.{table}.{column}"
    if key in TEXT:
        return TEXT[key]
    words = column.replace(".", ": ").replace("_", " ")
    return words[:1].upper() + words[1:]


def cited_sources(*texts: str) -> list[Source]:
    """The sources the texts cite ([S1], [S4, S12] …), in numerical order, with their entries in ``docs/sources.md``."""
    bibliography = load_sources()
    listed = []
    for source_id in cited_ids(*texts):
        entry = bibliography.get(source_id)
        listed.append(entry if entry is not None else Source(source_id, f"not listed in {SOURCES_DOC}"))
    return listed


def methodology(result: Result) -> list[str]:
    """A few sentences on how the numbers are computed, pointing to ``docs/model.md``."""
    city = result.city
    return [
        f"Kizuna steps through the outage hour by hour for every district of {city.name}. A restoration curve "
        "from the real event (or the planner's custom outage) gives the share of each district's customers with "
        "grid supply in every hour; households off the grid fall back to an essential load budget.",
        "Households with a V2H unit run on their car down to a mobility reserve (usable energy "
        "E = C × (SOC₀ − reserve) × η), at most the unit's power per hour; rooftop PV (pvlib, clear-sky "
        "irradiance scaled to the city's typical yield) serves first and recharges the car, and a PHEV's engine "
        "adds petrol-based energy. Households whose whole outage-mode load is met count as powered.",
        "Each critical facility is dispatched grid → PV → generator → battery. Generators burn m × P + b litres "
        "an hour (m = 0.262 L/kWh, b = 0.007 L/h per kW rated, fitted to a published fuel chart [S61]); the city "
        "depot delivers diesel by priority "
        "(hospitals first, lowest tank first). Filling stations pump while their district has grid or they "
        "have backup power, rationed per visit.",
        f"Every formula and default is documented in {MODEL_DOC} of the Kizuna repository, and every source in "
        f"{SOURCES_DOC}; the sources cited in this briefing by their ids are listed in section 8. The estimated "
        "inputs of this city are listed above and can be replaced with local data.",
    ]
