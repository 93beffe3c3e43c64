"""Kizuna beside the real events: the tables of docs/validation.md.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/validation_figures.py``. For each event it prints the
doc's table — what happened (with the source ids of docs/sources.md) beside what Kizuna gives — with
every Kizuna figure computed here by ``simulate(load_city(city), Scenario(preset=...))`` at the preset's
proposed horizon, and with ``priority_restoration=True`` where the restoration order matters. Paste the
output into docs/validation.md after a change to the engine, the presets or the city data. No timings.

A fact marked † is reported but has no entry in docs/sources.md yet; it is context, not a test.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from resilience.citydata import load_city
from resilience.citysim import Result, simulate
from resilience.records import Scenario
from resilience.scenarios import PRESETS, rolling_groups

Row = tuple[str, str, str]


@cache
def run(city_id: str, preset: str, priority: bool = False, **fields) -> Result:
    """One run of a preset at its proposed horizon (unless ``duration_h`` is given)."""
    duration = fields.pop("duration_h", PRESETS[preset].default_duration_h)
    scenario = Scenario(preset=preset, duration_h=duration, priority_restoration=priority, **fields)
    return simulate(load_city(city_id), scenario)


def no_outage(city_id: str, duration_h: int) -> Result:
    """The city with the grid up in every hour and normal deliveries: the steady state."""
    return simulate(load_city(city_id), Scenario(preset="custom", custom_outage_h=0, custom_restoration_h=0,
                                                 duration_h=duration_h))


# --------------------------------------------------------------------------------------------
# Figures read from one run
# --------------------------------------------------------------------------------------------


def restored_of_hit(result: Result) -> np.ndarray:
    """Share of the households the outage hits that have grid again, per hour [fraction]."""
    off = result.households.households_off_grid.sum(axis=1)
    return 1.0 - off / off.max()


def petrol_days(result: Result) -> np.ndarray:
    """Petrol at the stations able to pump ÷ the city's normal daily demand, per hour [days]."""
    return result.petrol.reachable_stock_litres.sum(axis=1) / result.petrol.normal_daily_litres.sum()


def rows_of(result: Result, facility_type: str) -> list[int]:
    """Columns of the facilities of one type that the outage reaches."""
    return [i for i, f in enumerate(result.city.facilities) if f.type == facility_type and result.facilities_hit[i]]


def sites(result: Result, columns: list[int]) -> int:
    return int(sum(result.city.facilities[i].sites for i in columns))


def first_grid_hour(result: Result, columns: list[int]) -> int | None:
    """First hour after hour 0 in which every one of these facilities has grid again."""
    up = result.grid_up[1:, columns].all(axis=1)
    return int(np.argmax(up)) + 1 if up.any() else None


def lowest_fill(result: Result, columns: list[int]) -> float:
    """Lowest tank fill of these facilities over the run [fraction of the tank]."""
    tanks = np.array([result.city.facilities[i].tank_litres for i in columns])
    return float((result.facilities_run.fuel_litres[:, columns] / tanks).min())


def burned_delivered(result: Result) -> tuple[float, float]:
    """Diesel burned by, and delivered to, the sites the outage reaches over the run [L]."""
    hit = result.facilities_hit
    run_ = result.facilities_run
    return float(run_.burned_litres[:, hit].sum()), float(run_.delivered_litres[:, hit].sum())


def clock(result: Result, hour: int) -> str:
    return f"{result.index[hour]:%d %b %H:%M}"


def pct(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f} %"


def span(low, high) -> str:
    """``"3"`` when both ends agree, else ``"2–3"``."""
    return f"{low}" if f"{low}" == f"{high}" else f"{low}–{high}"


def by_type_hour(result: Result, facility_type: str) -> str:
    hour = result.kpis.critical_autonomy_by_type_h.get(facility_type)
    return "never short" if hour is None else f"short from hour {hour}"


# --------------------------------------------------------------------------------------------
# The tables
# --------------------------------------------------------------------------------------------


def kanto() -> list[Row]:
    r = run("saitama", "kanto-rolling-2011", duration_h=16 * 24)
    horizon = PRESETS["kanto-rolling-2011"].default_duration_h
    cut = r.grid_share < 1.0
    day = np.arange(len(cut)) // 24
    per_day = np.array([cut[day == d].sum(axis=0) for d in range(16)])
    groups = rolling_groups(r.city)
    programme = per_day[1:15]
    days = petrol_days(r)[:horizon]
    steady = petrol_days(no_outage("saitama", horizon))
    k = r.kpis
    lowest = int(days.argmin())
    hospitals = rows_of(r, "hospital")
    shelters = rows_of(r, "shelter")
    households = sum(d.households for d in r.city.districts)
    lost = r.households.households_without_power.sum(axis=1)[:horizon]
    supply = r.city.petrol
    return [
        ("Area", "Five groups cut in rotation across the TEPCO area; Saitama lay in sub-groups of all five "
                 "[S13, S14, S18]; about 5 million households cut on 15 Mar [S17]",
         f"All {len(r.city.districts)} wards, {households:,} households, in groups "
         f"{', '.join(f'{g} ({(groups == g).sum()} wards)' for g in sorted(set(groups.tolist())))}"),
        ("Cut per group and day", "About 3 h within a 3 h 40 min window [S13, S15]; 14 Mar: only group 5, "
                                  "from 17:00 [S15]",
         f"{span(programme.min(), programme.max())} h for every ward on each of days 1–14 (15–28 Mar); 14 Mar: "
         f"{per_day[0].max()} h (17–19 h) for the group-5 wards only; {per_day[15].max()} h from day 15"),
        ("Days with cuts", "Plans for 14–28 Mar; how many days were actually executed is not in the sources",
         "All 15 planned days played as executed (an upper bound)"),
        ("Households without power", "No count for Saitama City in the sources",
         f"At most {k.households_without_power_peak:,.0f} at once ({clock(r, k.households_without_power_peak_hour)}"
         f", one group's wards); {lost.sum() / households:.1f} h per household over the 15 days"),
        ("Hospitals, water, telecom, town halls", "No exemption of hospitals or water works found in the sources",
         f"Cut like everyone; all {k.sites_kept_by_grid_restoration} sites with a generator ride through every "
         f"3-h cut ({k.critical_sites_hit - k.sites_without_adequate_backup} with adequate backup, and "
         f"{k.sites_without_adequate_backup_by_type.get('telecom', 0)} telecom sites whose batteries carry the "
         f"half their generator cannot); the {sites(r, hospitals)} hospital sites are never short"),
        ("Shelters", "Not reported",
         f"{sites(r, shelters)} shelters without a generator lose power at each of their group's cuts (first "
         f"at hour {k.critical_autonomy_by_type_h['shelter']})"),
        ("Petrol ration", "10 L per car and visit [S10, S11]",
         f"10 L; it does not bind: a car normally buys {supply.demand_litres_per_vehicle_per_day:g} L a day "
         f"(Saitama's estimate)"),
        ("Petrol deliveries", "One third of normal for two weeks from 11 Mar, measured for Tōhoku [S8]",
         "One third of normal to 25 Mar (hour 264), then normal"),
        ("Petrol at the stations able to pump",
         "Rationing and sold-out stations beyond Tōhoku within two days [S11]; the shortage eased from about "
         "21 Mar [S12]; the backlog cleared in the fourth week [S8]",
         f"{days[0]:.2f} days at the start, below 1 day from {clock(r, int(np.argmax(days < 1)))}, lowest "
         f"{days.min():.3f} days ({clock(r, lowest)}), {days[-1]:.2f} days on 28 Mar 23:00"),
        ("Same city, no outage, normal deliveries", "—",
         f"{span(f'{steady.min():.2f}', f'{steady.max():.2f}')} days in every hour (the steady state)"),
        ("Filling stations open", "40 % of Tōhoku's stations could not open [S9] (Tōhoku, not Saitama)",
         f"Lowest share able to pump {pct(k.stations_operating_share_min)} (a cut group's stations without "
         f"backup)"),
        ("Queues", "About 3 h in Tōhoku [S10]", "Not modelled"),
    ]


def southwest() -> list[Row]:
    r, p = run("berlin", "berlin-southwest-2026"), run("berlin", "berlin-southwest-2026", True)
    restored = restored_of_hit(r)
    hospitals = rows_of(r, "hospital")
    burned, delivered = burned_delivered(r)
    burned_p, delivered_p = burned_delivered(p)
    district = r.city.district("06")
    k = r.kpis
    points = (30, 54, 78, 101, 105, 112)
    telecom = rows_of(r, "telecom")
    return [
        ("Households hit", "45,400 households and 2,200 businesses [S37]",
         f"45,400 in Steglitz-Zehlendorf ({pct(45_400 / district.households)} of its {district.households:,}); "
         f"{k.households_without_power_start:,.0f} without power at hour 0; businesses not modelled"),
        ("Restoration", "35,000 households still out at 30 h, 30,000 at 54 h, 28,000 at 78 h, 19,900 at 101 h "
                        "[S37, S38]; restart at 11:00 on 7 Jan (101 h) [S38]; over that evening (112 h), after "
                        "about four days [S39]; 99.9 % back 'hours' after the restart †",
         "Share of the hit households back: " + ", ".join(f"{pct(restored[h])} at {h} h" for h in points)),
        ("Duration", "About four days, the longest outage in Berlin since the Second World War [S39]",
         f"{k.household_hours_lost / 45_400:.1f} h without power per hit household on average"),
        ("Hospitals", "Hospitals in the area bridged by temporary grid links; their diesel would have lasted "
                      "several days †",
         f"{sites(r, hospitals)} hospital sites of the district all taken as hit, never short. Cautious: on "
         f"generators until hour {first_grid_hour(r, hospitals)}, the 24-h tank [S63] empty at the first depot "
         f"delivery (hour 24), lowest fill {pct(lowest_fill(r, hospitals), 0)}. Priority: grid back at hour "
         f"{first_grid_hour(p, hospitals)}, lowest fill {pct(lowest_fill(p, hospitals), 0)}"),
        ("Diesel brought in", "The Bundeswehr supplied 18,000 L, care homes first; its tanker refuelled 36 "
                              "generators [S40]",
         f"Depot deliveries to the {sites(r, list(np.flatnonzero(r.facilities_hit)))} hit sites: "
         f"{delivered:,.0f} L cautious, {delivered_p:,.0f} L priority (burned {burned:,.0f} L and "
         f"{burned_p:,.0f} L)"),
        ("Care homes", "74 in the area, 64 reconnected by day 3 †", "Not modelled (no care-home type)"),
        ("Telecom", "Not reported",
         f"The district's telecom site (generator for half its load) {by_type_hour(r, 'telecom')}"
         if telecom else "No telecom site"),
        ("Critical autonomy", "—",
         "No site with adequate backup short within 120 h, cautious or priority; "
         f"critical energy served {k.critical_energy_served_pct:.1f} % / {p.kpis.critical_energy_served_pct:.1f} %"),
        ("Filling stations", "Not reported",
         f"Lowest share able to pump {pct(k.stations_operating_share_min)}; petrol "
         f"{k.petrol_days_of_supply_min:.2f} days at the stations able to pump, flat"),
    ]


def koepenick() -> list[Row]:
    r, p = run("berlin", "berlin-koepenick-2019"), run("berlin", "berlin-koepenick-2019", True)
    late = run("berlin", "berlin-koepenick-2019", diesel_resupply_delay_h=25.0)
    restored = restored_of_hit(r)
    hospitals = rows_of(r, "hospital")
    burned, delivered = burned_delivered(r)
    district = r.city.district("09")
    k = r.kpis
    back = int(np.argmax(restored >= 1.0))
    return [
        ("Households hit", "31,500 households and 2,000 businesses [S28] (dpa: about 31,000 [S27])",
         f"31,500 in Treptow-Köpenick ({pct(31_500 / district.households)} of its {district.households:,}); "
         f"{k.households_without_power_start:,.0f} without power at hour 0"),
        ("Restoration", "Half of the households from about 18:30 on 20 Feb (28 h), full supply by about "
                        "21:00–21:30, after almost 31 h [S28, S29, S30, S31]",
         f"{pct(restored[27], 0)} back at 27 h, {pct(restored[28], 0)} at 28 h, {pct(restored[back], 0)} from "
         f"hour {back} ({clock(r, back)})"),
        ("Hospitals", "Krankenhaus Köpenick lay in the area †",
         f"{sites(r, hospitals)} hospital sites of the district all taken as hit, never short: 24-h tank "
         f"[S63] plus the depot from hour 24 (lowest fill {pct(lowest_fill(r, hospitals), 0)}); with the first "
         f"delivery at 25 h instead: {by_type_hour(late, 'hospital')}. Priority: grid back at hour "
         f"{first_grid_hour(p, hospitals)}"),
        ("Emergency calls", "110 and 112 could not be reached †",
         f"The district's telecom site (generator for half its load) {by_type_hour(r, 'telecom')}"),
        ("District heat", "About 5,000 households without heat or hot water †", "Not modelled"),
        ("Diesel", "No fuel shortage reported",
         f"Burned {burned:,.0f} L by the hit sites, {delivered:,.0f} L delivered by the depot"),
        ("Filling stations", "Not reported",
         f"Lowest share able to pump {pct(k.stations_operating_share_min)}; petrol "
         f"{k.petrol_days_of_supply_min:.2f} days, flat"),
    ]


def hokkaido() -> list[Row]:
    r, p = run("saitama", "hokkaido-2018"), run("saitama", "hokkaido-2018", True)
    restored = restored_of_hit(r)
    hospitals = rows_of(r, "hospital")
    burned, delivered = burned_delivered(r)
    burned_p, delivered_p = burned_delivered(p)
    k = r.kpis
    households = sum(d.households for d in r.city.districts)
    points = (13, 24, 27, 30, 33, 48, 49, 72)
    tank_h = r.facility_summary.set_index("facility_id")["own_tank_h"]
    long_tanks = [i for i in hospitals if tank_h[r.city.facilities[i].id] >= 48]
    return [
        ("Households hit", "All 2.95 million households of Hokkaido [S19]",
         f"All {households:,} households of Saitama City; {k.households_without_power_start:,.0f} without power "
         f"at hour 0 (03:00)"),
        ("Restoration", "11 % restored at 13 h, 33 % at 24 h, 44 % at 27 h, 49 % at 30 h, 51 % at 33 h, 99 % at "
                        "49 h [S19, S20]; about 2 days in all [S21]",
         "Same curve on every ward: " + ", ".join(f"{pct(restored[h])} at {h} h" for h in points)
         + " (the last 0.75 % at 72 h is assumed)"),
        ("Hospitals", "Hokkaido's 34 disaster base hospitals lost the grid and ran on their own generators †",
         f"Saitama's {sites(r, hospitals)} hospital sites never short. Cautious: on generators until hour "
         f"{first_grid_hour(r, hospitals)}; {len(hospitals) - len(long_tanks)} ward aggregates with 24-h tanks "
         f"need the depot from hour 24, {len(long_tanks)} with a disaster base hospital hold 72 h [S62, S73]. "
         f"Priority: grid back at hour {first_grid_hour(p, hospitals)}"),
        ("Filling stations", "Most Sapporo stations could not pump until power returned; those with their own "
                             "generators had long queues [S22]",
         f"{pct(k.stations_operating_share_min)} able to pump while the grid is out (the resident-base share "
         f"[S68]); petrol {k.petrol_days_of_supply_start:.2f} days at the stations able to pump"),
        ("Shelters and telecom", "Not reported",
         f"{k.sites_without_adequate_backup_by_type.get('shelter', 0)} shelters without a generator "
         f"{by_type_hour(r, 'shelter').replace('short from hour 0', 'dark from hour 0')}; "
         f"{k.sites_without_adequate_backup_by_type.get('telecom', 0)} telecom sites {by_type_hour(r, 'telecom')}"),
        ("Diesel", "Not reported",
         f"Depot deliveries {delivered:,.0f} L cautious (its full rate from hour 24), {delivered_p:,.0f} L "
         f"priority; burned {burned:,.0f} L and {burned_p:,.0f} L"),
        ("Critical energy served", "—",
         f"{k.critical_energy_served_pct:.1f} % cautious, {p.kpis.critical_energy_served_pct:.1f} % priority "
         f"(the shortfall is the sites without adequate backup)"),
    ]


def tohoku() -> list[Row]:
    r, p = run("saitama", "tohoku-2011"), run("saitama", "tohoku-2011", True)
    restored = restored_of_hit(r)
    hospitals = rows_of(r, "hospital")
    k = r.kpis
    last = len(restored) - 1
    return [
        ("Restoration", "Tohoku Electric: 4.86 million households cut; 99 % back on 6 May (1,329 h) [S1, S7]",
         f"On every Saitama ward: {pct(restored[30])} back at 30 h, {pct(restored[121])} at 121 h, "
         f"{pct(restored[last])} at {last} h (end of the run)"),
        ("Filling stations", "40 % of Tōhoku's stations could not open [S9]; 10 L ration [S10]",
         f"{pct(1 - k.stations_operating_share_min)} unable to pump at the start (no backup power [S68]); petrol "
         f"{k.petrol_days_of_supply_start:.2f} days at the start, lowest {k.petrol_days_of_supply_min:.3f} days"),
        ("Critical sites", "—",
         f"Cautious: first site with adequate backup short at hour {k.critical_autonomy_h}, hospitals "
         f"{by_type_hour(r, 'hospital')}. Priority: hospitals back at hour {first_grid_hour(p, hospitals)}, "
         f"critical autonomy {'not reached' if p.kpis.critical_autonomy_h is None else p.kpis.critical_autonomy_h}"
         f" within {p.kpis.horizon_h} h"),
    ]


TABLES = (
    ("(a) Kanto rolling blackouts 2011, on Saitama City", kanto),
    ("(b) Berlin south-west 2026, on Berlin", southwest),
    ("(c) Berlin-Köpenick 2019, on Berlin", koepenick),
    ("(d) Hokkaido blackout 2018, played on Saitama City (an event that did not hit it)", hokkaido),
    ("(e) Tōhoku 2011, played on Saitama City (an event that did not hit it)", tohoku),
)


def main() -> None:
    for title, table in TABLES:
        print(f"### {title}\n")
        print("| | What happened | What Kizuna gives |")
        print("|---|---|---|")
        for label, history, kizuna in table():
            print(f"| {label} | {history} | {kizuna} |")
        print()


if __name__ == "__main__":
    main()
