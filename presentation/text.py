"""User-facing strings of the app, keyed by where they appear.

All text shown to a user lives here so that a translation can be added as a second
mapping with the same keys. Strings with ``{placeholders}`` are filled with
:meth:`str.format` by the page that shows them.
"""

from types import MappingProxyType

TEXT = MappingProxyType(
    {
        "app.name": "Kizuna",
        "app.tagline": "Energy security in grid outages",
        "app.footer": "Kizuna — open-source planning dashboard for EVs, diesel and rooftop PV in grid outages.",
        "nav.home": "Home",
        "home.page_title": "Kizuna — Saitama City households by ward",
        "home.title": "Saitama City — households by ward",
        "home.intro": (
            "Registered households in each of Saitama City's wards on 1 September 2025. "
            "Households are where EVs can back up homes through V2H, so this is the scale "
            "every later estimate starts from. Hover over a ward for its figures."
        ),
        "home.summary": "{wards} wards · {households:,} households · {population:,} residents",
        "home.map_label": "Households",
        "home.hover_ward_en": "Ward",
        "home.hover_ward_ja": "区名",
        "home.hover_population": "Population",
        "home.source_boundaries": (
            "Boundaries: 出典：国土数値情報（行政区域データ）（国土交通省）（N03-21）を加工して作成 — "
            "MLIT National Land Numerical Information, Administrative Areas (N03, 2021), CC BY 4.0, "
            "simplified by Kizuna."
        ),
        "home.source_statistics": (
            "Households and population: Saitama City, 令和7年9月1日現在の人口・世帯数 "
            "(Basic Resident Register, 1 September 2025)."
        ),
        # Dashboard core: shared scenario, Overview, Planner, Compare, About (pages/overview.py …)
        "nav.overview": "Overview",
        "nav.planner": "Planner",
        "nav.compare": "Compare",
        "nav.about": "About & data",
        "home.open_overview": "Open the outage overview",
        "home.open_planner": "Plan a scenario",
        "error.heading": "Check these values (the results shown are from the last valid ones):",
        "url.heading": "Some values of this link could not be used; their defaults are shown instead:",
        "url.problem": "Link parameter {param}={value}: {problem}",
        "url.problem_city": "no such city; the bundled cities are {cities}",
        "url.problem_choice": "must be one of {choices}",
        "url.problem_compare": "must be {count} comma-separated what-ifs from {choices}",
        "url.problem_unknown": "Link parameter {param} is not known and was ignored",
        "url.problem_start": "not a date and hour like 2011-03-11T14:00 ({reason})",
        "url.problem_number": "not a number",
        "url.problem_finite": "not a finite number",
        "mark.hours": "{value:g} h",
        "mark.days": "{value:g} d",
        "mark.times": "×{value:g}",
        "mark.percent": "{value:g} %",
        "mark.plain": "{value:g}",
        "mark.litres": "{value:g} L",
        "control.city": "City",
        "control.preset": "Outage",
        "control.start_date": "Start date",
        "control.start_date_hint": "YYYY-MM-DD, local time",
        "control.start_hour": "Hour (0–23)",
        "control.duration_h": "Hours to simulate",
        "control.custom_outage_h": "Full outage [h]",
        "control.custom_restoration_h": "Restoration [h]",
        "control.custom_outage_h_hint": "Custom outage only: hours with no grid, then a linear restoration.",
        "control.ev_stock_multiplier": "EV stock (× today's)",
        "control.ev_stock_multiplier_hint": (
            "Applies with 'Adoption share': installed V2H units do not grow with the EV stock."
        ),
        "control.priority_restoration": "Critical sites back on the grid",
        "control.priority_restoration_off": "With their whole district (cautious)",
        "control.priority_restoration_on": "First (priority restoration)",
        "control.priority_restoration_hint": (
            "Priority: hospitals once 10 % of their district is back, water 20 %, telecom 30 %, others 50 % "
            "(an assumption; utilities do not publish their order)."
        ),
        "url.problem_switch": "use 1 (on) or 0 (off)",
        "control.v2h_mode": "V2H units",
        "control.v2h_mode_installed": "Installed today",
        "control.v2h_mode_adoption": "Adoption share",
        "control.v2h_adoption_pct": "V2H adoption [% of EV households]",
        "control.v2h_adoption_pct_hint": (
            "Capped at the EV households that can park at home. Greyed out with 'Installed today'."
        ),
        "control.reserve_soc_pct": "Mobility reserve kept in the car [% SOC]",
        "control.essential_kwh_per_day": "Essential load [kWh/day per household]",
        "control.essential_kwh_per_day_hint": (
            "1.5 = minimum; 3.0 = comfort (Kizuna's estimate from appliance ratings, docs/model.md §5). "
            "Greyed out with 'Normal use'."
        ),
        "control.load_mode": "Household load off the grid",
        "control.load_mode_essential": "Essential budget",
        "control.load_mode_full": "Normal use",
        "control.diesel_stock_multiplier": "Diesel stock (× today's tanks and depot)",
        "control.diesel_resupply_delay_h": "Diesel resupply after [h]",
        "control.diesel_resupply_delay_h_hint": (
            "Hours until the depot delivers; empty = the city's data. Greyed out with no diesel stock (× 0)."
        ),
        "control.petrol_ration_litres": "Petrol ration per car and visit [L]",
        "control.petrol_ration_litres_hint": (
            "One visit a day at most. It limits sales only below what a car normally buys a day "
            "(the city's petrol data, About & data)."
        ),
        "control.pv_multiplier": "Rooftop PV (× today's kWp)",
        "control.weather": "Weather for PV",
        "control.weather_hint": "No effect with no rooftop PV (× 0).",
        "control.weather_clear": "Clear",
        "control.weather_typical": "Typical",
        "control.weather_overcast": "Overcast",
        "control.problem_bound": "must be {sign} {bound}",
        "control.problem_state": "The page's scenario could not be read; open the page again from the top bar",
        "control.problem_city": "City '{city}' is not bundled; choose one of {cities}",
        "control.problem_date": "Start date '{value}': not a date in the form YYYY-MM-DD ({reason})",
        "control.problem_hour": "Start hour '{value}': must be a whole hour from 0 to 23",
        "control.problem_number": "{label}: a number is required",
        "control.affected_district_ids": "Districts hit",
        "control.affected_district_ids_placeholder": "The outage's own area",
        "control.whole_city": "Whole city",
        "control.problem_districts": (
            "Districts hit: {city} has no district '{district}'; its districts are {districts}"
        ),
        "dropdown.select_all": "Select all",
        "dropdown.deselect_all": "Deselect all",
        "dropdown.selected_count": "{num_selected} selected",
        "dropdown.search": "Search",
        "dropdown.clear_search": "Clear search",
        "dropdown.clear_selection": "Clear selection",
        "dropdown.no_options_found": "No options found",
        "hit.line": "Hit: {area} — {households:,.0f} households{note}",
        "hit.note_chosen": " (chosen in the Planner)",
        "hit.note_event": " (the real event's area)",
        "hit.note_city": "",
        "hit.note_rolling": ", cut in rotating groups",
        "hit.whole_city": "the whole city",
        "hit.all_but": "{count} of {total} districts, all but {spared}",
        "hit.district_share": "{name}: {hit:,.0f} of {of:,} households",
        "hit.hint_event": "Empty = the real event's own area — {area}.",
        "hit.hint_city": "Empty = the whole city — {households:,.0f} households.",
        "scenario.summary": "{city} · {preset} · from {start} for {hours:,} h",
        "scenario.source": "Outage curve: {source}",
        "scenario.fuel": "Fuel situation in the real event: {fuel}",
        # An event played on a city it did not hit (scenario_controls.event_elsewhere_line)
        "scenario.elsewhere": "Not {city}'s own outage: {event} plays {curve} on {city}'s districts.",
        "scenario.elsewhere_abroad": (
            "Not {city}'s own outage: {event} ({country}) plays {curve} on {city}'s districts."
        ),
        "scenario.country.JP": "Japan",
        "scenario.country.DE": "Germany",
        "scenario.curve.tohoku-2011": "Tohoku Electric's restoration curve",
        "scenario.curve.kanto-rolling-2011": "TEPCO's rolling-blackout rotation",
        "scenario.curve.hokkaido-2018": "Hokkaido Electric's restoration curve",
        "scenario.curve.chiba-faxai-2019": "TEPCO's restoration curve for Chiba",
        "scenario.curve.berlin-koepenick-2019": "Stromnetz Berlin's restoration curve for Köpenick",
        "scenario.curve.berlin-johannisthal-2025": "Stromnetz Berlin's restoration curve for Johannisthal",
        "scenario.curve.berlin-southwest-2026": "Stromnetz Berlin's restoration curve for the south-west",
        "kpi.hours": "{hours:,} h",
        "kpi.days": "{days:,.1f} d",
        "kpi.days_whole_horizon": "≥ {days:,.1f} d (whole run)",
        "kpi.not_reached": "> {horizon:,} h",
        "kpi.never": "not within the run",
        "kpi.unlimited": "no generators",
        "kpi.by_type_line": "{type}: {hours}",
        "kpi.no_facilities": "no facilities",
        "kpi.autonomy_title": "Critical autonomy",
        "kpi.autonomy_detail": "{served:.1f} % of critical energy served · {inadequate}",
        "kpi.inadequate_none": "every site hit has adequate backup",
        "kpi.inadequate_count": "{sites:,} sites without adequate backup",
        "kpi.inadequate_count_one": "1 site without adequate backup",
        "kpi.inadequate_explain": "Sites without adequate backup by design, not counted in the headline: {list}.",
        "kpi.inadequate_explain_none": "Every site the outage reaches has adequate backup.",
        "kpi.inadequate_item": "{sites:,} {type}",
        "kpi.by_type_pair": "{type}: {first} / {half}",
        "kpi.autonomy_explain": (
            "Whole hours from the outage start until the first critical site the outage reaches, among those with "
            "adequate backup (a generator for at least 80 % of the load), falls short: more than 0.5 % of an "
            "hour's load unmet (18 s, about a generator's start-up). A site is on the grid again when its whole "
            "district is restored, or, with 'Priority restoration' on, once its district's restored share reaches "
            "its type's quantile. Without "
            "grid, PV serves first, then the generator (P = min(rest, G, (fuel − b) ÷ m), burning m·P + b litres), "
            "then the battery. '> horizon' means no such site fell short within the run. Critical energy served "
            "= 100 × (1 − Σ unserved ÷ Σ demand). {inadequate} Kept up to the end: {kept_grid:,} sites by grid "
            "restoration, {kept_own:,} on their own backup and deliveries. By type, first site / half the sites "
            "short — {by_type}."
        ),
        "kpi.without_start_title": "Households without power at the start",
        "kpi.share_of_households": "{share:.1f} % of all households",
        "kpi.without_explain": (
            "Households without power = off-grid households Σ H_d × (1 − g_d(t)) minus those whose whole "
            "outage-mode load is met by a V2H car, a PHEV engine or a PV outlet, at hour 0 of the outage."
        ),
        "kpi.without_peak_title": "Households without power at the peak",
        "kpi.peak_detail": "hour {hour} ({time}) · {lost:,.0f} household-hours lost",
        "kpi.without_peak_explain": (
            "The largest hourly count of households without power (off-grid minus powered by backup) and the hour "
            "it occurs. Household-hours lost = the sum over every hour of households without power."
        ),
        "kpi.v2h_title": "Households covered by V2H",
        "kpi.v2h_detail": (
            "median {median} of backup (with home PV {with_pv}, without {without_pv}) · 10 % below {p10} · "
            "of {units:,.0f} units · {mwh:,.1f} MWh"
        ),
        "kpi.v2h_none": "no V2H households in the area the outage hits",
        "kpi.v2h_none_covered": "none of the {units:,.0f} V2H households has its car at home above the reserve",
        "kpi.v2h_no_group": "none",
        "kpi.v2h_days_for_covered": (
            "The usable MWh last the covered households {days:,.1f} days at their outage-mode load."
        ),
        "kpi.v2h_explain": (
            "V2H households = installed units (or adoption × EVs), capped at households that can park at home; "
            "covered = those whose car is at home and above its mobility reserve at the start. Usable energy per "
            "car E = C × max(SOC₀ − SOC_reserve, 0) × η_dis (η_dis = 0.88). Days of backup = whole hours fully "
            "served before the first short hour plus the served share of that hour, ÷ 24, for an outage that never "
            "ends (capped at the run); median and 10th percentile, and the median apart for homes with and without "
            "PV (the share of V2H homes with PV is an estimate: see About & data). {days_for_covered}"
        ),
        "kpi.diesel_title": "Diesel: first own tank dry",
        "kpi.diesel_detail": (
            "median site {median} · first shortfall with deliveries {with_deliveries} · depot {depot} · "
            "{start:,.0f} L in stock → {end:,.0f} L after {horizon:,} h"
        ),
        "kpi.diesel_depot_days": "{days:,.1f} d of deliveries",
        "kpi.diesel_no_deliveries": "no deliveries",
        "kpi.diesel_explain": (
            "Per site the outage reaches that has a generator: hours its own tank runs the generator at the site's "
            "critical load, fuel × diesel multiplier ÷ (m × min(load, G) + b), with m = 0.262 L/kWh and b = 0.007 "
            "L/h per kW rated; the card shows the first site to run dry and the median site. 'First shortfall with "
            "deliveries' plays the same sites with the grid never coming back and the depot delivering at its rate "
            "(each site topped up to a day of running, hospitals first). Depot = its stock ÷ its delivery rate. "
            "Diesel in stock = the tanks of the sites the outage reaches + the depot: the same definition in every "
            "table, chart and export."
        ),
        "kpi.petrol_title": "Petrol supply",
        "kpi.petrol_detail": "lowest {low:,.1f} d · at worst {stations:.0f} % of stations pumping",
        "kpi.petrol_explain": (
            "Days of supply = petrol at the stations able to pump ÷ the city's normal daily demand (cars × normal "
            "litres per car and day), at the start and the lowest over the run. Normal deliveries equal normal "
            "demand, so with no outage the figure stays flat. A station pumps when its district has grid or it has "
            "backup power, and sells only its own stock; the event's supply shock (2011: one third of normal "
            "deliveries for two weeks) limits the tankers that refill the stations able to pump."
        ),
        "facility_type.hospital": "Hospitals",
        "facility_type.water": "Water",
        "facility_type.telecom": "Telecom",
        "facility_type.shelter": "Shelters",
        "facility_type.city_hall": "City hall",
        "facility_type.other": "Other",
        # City-data fields by name (the PDF briefing's lists of estimated and sourced figures)
        "field.city.id": "City code",
        "field.city.name": "City name",
        "field.city.country": "Country",
        "field.city.timezone": "Time zone",
        "field.city.latitude": "City centre, latitude",
        "field.city.longitude": "City centre, longitude",
        "field.city.altitude_m": "City altitude [m]",
        "field.city.household_kwh_per_day": "Household electricity use, normal [kWh/day]",
        "field.city.load_shape": "Hourly load shape of households",
        "field.city.home_pv_kwp_per_system": "Size of a home PV system [kWp]",
        "field.city.pv_outlet_kw": "Home PV outlet that works without the grid [kW]",
        "field.city.pv_typical_clear_sky_index": "PV in typical weather (clear-sky index)",
        "field.city.diesel.depot_litres": "Diesel in the city depot [L]",
        "field.city.diesel.first_delivery_h": "First diesel delivery from the depot after [h]",
        "field.city.diesel.delivery_litres_per_day": "Diesel deliveries from the depot [L/day]",
        "field.city.petrol.stock_litres_per_station": "Petrol stock per filling station [L]",
        "field.city.petrol.vehicles_per_household": "Cars per household",
        "field.city.petrol.demand_litres_per_vehicle_per_day": "Petrol bought per car [L/day]",
        "field.city.petrol.ration_litres_per_visit": "Petrol ration per car and visit [L]",
        "field.city.petrol.normal_delivery_litres_per_station_per_day": (
            "Normal petrol deliveries per station [L/day]"
        ),
        "field.city.petrol.resupply_delay_h": "Petrol resupply after [h]",
        "field.city.petrol.resupply_share_of_normal": "Petrol resupply [share of normal]",
        "field.city.fleet.soc_mean": "Cars' state of charge at the start, mean",
        "field.city.fleet.soc_sd": "Cars' state of charge at the start, spread (standard deviation)",
        "field.city.fleet.soc_clip_low": "Cars' state of charge at the start, lowest",
        "field.city.fleet.soc_clip_high": "Cars' state of charge at the start, highest",
        "field.city.fleet.reserve_soc": "Mobility reserve kept in the car [share of the battery]",
        "field.city.fleet.soc_max": "Highest state of charge rooftop PV recharges a car to",
        "field.city.fleet.discharge_efficiency": "Car-to-home efficiency",
        "field.city.fleet.charge_efficiency": "PV-to-car charging efficiency",
        "field.city.fleet.v2h_kw": "Power of a V2H unit [kW]",
        "field.city.fleet.phev_kwh_per_litre": "PHEV engine output [kWh per litre of petrol]",
        "field.city.fleet.phev_tank_litres_at_start": "Petrol in a PHEV's tank at the start [L]",
        "field.city.fleet.v2h_households_with_pv_share": "Share of V2H households that also have rooftop PV",
        "field.districts.id": "District code",
        "field.districts.name": "District name",
        "field.districts.name_local": "District name in the local script",
        "field.districts.households": "Households per district",
        "field.districts.population": "Residents per district",
        "field.districts.home_parking_share": "Share of households that can park at home",
        "field.districts.bev_count": "Battery-electric cars per district",
        "field.districts.phev_count": "Plug-in hybrid cars per district",
        "field.districts.v2h_units": "V2H units installed per district",
        "field.districts.pv_kwp": "Rooftop PV on homes per district [kWp]",
        "field.districts.pv_self_sustaining_share": "Share of home PV with an outlet that works without the grid",
        "field.districts.filling_stations": "Filling stations per district",
        "field.districts.stations_backup_share": "Share of filling stations with backup power",
        "field.districts.rolling_group": "Rolling-blackout group",
        "field.facilities.id": "Facility code",
        "field.facilities.name": "Facility name",
        "field.facilities.name_local": "Facility name in the local script",
        "field.facilities.type": "Facility type",
        "field.facilities.district_id": "District of the facility",
        "field.facilities.latitude": "Facility location, latitude",
        "field.facilities.longitude": "Facility location, longitude",
        "field.facilities.sites": "Sites per facility row",
        "field.facilities.critical_load_kw": "Critical load [kW]",
        "field.facilities.generator_kw": "Generator rating [kW]",
        "field.facilities.tank_litres": "Diesel tank size [L]",
        "field.facilities.fuel_litres": "Diesel in the tank at the start [L]",
        "field.facilities.fuel_slope_l_per_kwh": "Generator fuel use per kWh [L/kWh]",
        "field.facilities.fuel_intercept_l_per_h_per_kw": "Generator idle fuel use [L/h per kW rated]",
        "field.facilities.generator_min_turndown": "Generator minimum output [share of its rating]",
        "field.facilities.battery_kwh": "Facility battery [kWh]",
        "field.facilities.battery_kw": "Facility battery power [kW]",
        "field.facilities.pv_kwp": "Facility PV [kWp]",
        "field.facilities.restoration_quantile": "Share of its district restored before a facility gets grid back",
        "field.fleet_mix.vehicle_id": "Car models in the city's fleet",
        "field.fleet_mix.powertrain": "Powertrain of each car model (BEV or PHEV)",
        "field.fleet_mix.share": "Share of each car model in the fleet",
        "field.geometry.geometry": "District boundaries",
        "status.ok": "OK",
        "status.recovered": "Recovered",
        "status.short": "Short",
        "facility.name": "Facility",
        "facility.type": "Type",
        "facility.district": "District",
        "facility.status": "Status",
        "facility.status_explain": (
            "OK: never short. Recovered: had unmet load but is served in the last hour. Short: unmet load in the "
            "last hour."
        ),
        "facility.first_shortfall": "First shortfall",
        "facility.first_shortfall_explain": (
            "Whole hours fully served before the first hour with unmet load, and that hour's local time."
        ),
        "facility.never": "never",
        "facility.first_shortfall_value": "{hours} h · {time}",
        "facility.backup": "Backup",
        "facility.backup_explain": (
            "Adequate: a generator for at least 80 % of the mean critical load. Below the load: none, or a smaller "
            "set; such a site falls short as soon as it loses the grid and is not counted in critical autonomy."
        ),
        "facility.backup_adequate": "adequate",
        "facility.backup_inadequate": "below the load",
        "facility.backup_no_outage": "not hit",
        "facility.kept_up_by": "Kept up by",
        "facility.kept_up_by_explain": (
            "For a site never short: grid restoration (it would fall short if the grid never came back) or its own "
            "backup and deliveries."
        ),
        "facility.kept_up_by.grid": "grid restoration",
        "facility.kept_up_by.own": "own backup",
        "facility.kept_up_by.no_outage": "no outage",
        "facility.kept_up_by.short": "—",
        "facility.own_tank_h": "Own tank [h]",
        "facility.own_tank_h_explain": (
            "Hours the site's own tank at the start runs its generator at the critical load: fuel × diesel "
            "multiplier ÷ (m × min(load, G) + b). Empty without a generator."
        ),
        "facility.fuel_hours_left": "Fuel left [h]",
        "facility.fuel_hours_left_explain": (
            "Diesel in the tank at the end ÷ the burn at critical load, m × min(load, G) + b."
        ),
        "facility.fuel_litres_end": "Diesel left [L]",
        "facility.critical_load_kw": "Critical load [kW]",
        "facility.energy_served_pct": "Energy served [%]",
        "source.grid": "Grid",
        "source.pv": "PV",
        "source.v2h": "V2H (cars)",
        "source.generator": "Generators",
        "source.battery": "Batteries",
        "source.unserved": "Not served",
        "source.demand": "Demand",
        "chart.supply_all": "All sources [MW]",
        "chart.supply_backup": "Backup only [MW]",
        "chart.mw": "MW",
        "chart.hover_mw": "%{y:,.2f} MW",
        "chart.households": "Households",
        "chart.thousand_litres": "Thousand litres",
        "chart.households_title": "Households off the grid and without power",
        "chart.households_off_grid": "Off the grid",
        "chart.households_without_power": "Without power (no backup)",
        "map.hover_district": "District",
        "metric.without_power": "Households without power",
        "metric.without_power_explain": "Off-grid households minus those powered by V2H, PHEV or a PV outlet.",
        "metric.restored": "Grid restored [%]",
        "metric.restored_explain": "Share of the district's customers with grid supply, g_d(t) × 100.",
        "metric.backup": "Households on backup power",
        "metric.backup_explain": "Off-grid households whose whole load is met by V2H, a PHEV engine or a PV outlet.",
        "metric.v2h_energy": "V2H energy served so far [MWh]",
        "metric.v2h_energy_explain": "Energy the district's V2H cars have delivered to homes since the outage began.",
        "metric.petrol_days": "Petrol days of supply",
        "metric.petrol_days_explain": "Petrol stock at the district's stations ÷ its daily demand.",
        "overview.page_title": "Kizuna — overview",
        "overview.title": "Overview",
        "overview.intro": (
            "Who has power, for how long, and what runs out first, for the chosen city and outage. Point at a "
            "figure to see how it is computed; change the outage in the Planner."
        ),
        "overview.map_title": "Districts over the outage",
        "overview.map_metric": "Colour districts by",
        "overview.map_hour": "Hour of the outage",
        "overview.play": "Play",
        "overview.pause": "Pause",
        "overview.map_now": "Hour {hour} · {time} · {without:,.0f} households without power, {restored:.1f} % restored",
        "overview.supply_title": "Demand and supply, hour by hour",
        "overview.facilities_title": "Critical facilities",
        "overview.facilities_intro": (
            "Sort or filter any column. Rows are single sites or named groups of sites (kW and litres are totals)."
        ),
        "overview.planner_link": "Change the scenario in the Planner",
        "overview.source_boundaries": (
            "Boundaries: Saitama — 出典：国土数値情報（行政区域データ）（国土交通省）（N03-21）を加工して作成 "
            "(MLIT N03, CC BY 4.0); Berlin — Amt für Statistik Berlin-Brandenburg (CC BY). "
            "Loads: derived from TEPCO area demand 2010–2011; BDEW H25; ENTSO-E / Open Power System Data (CC BY 4.0)."
        ),
        "planner.page_title": "Kizuna — planner",
        "planner.title": "Planner",
        "planner.intro": (
            "Change the outage and the city's means and watch the figures follow. Every change is kept in the "
            "page's link, so copying the address shares exactly this scenario."
        ),
        "planner.group_outage": "Outage",
        "planner.group_homes": "Homes: EVs, V2H, load and PV",
        "planner.group_fuel": "Fuel",
        "planner.reset": "Reset to the city's defaults",
        "planner.results_title": "Results",
        "compare.page_title": "Kizuna — compare scenarios",
        "compare.title": "Compare scenarios",
        "compare.intro": (
            "Scenario A is the one chosen in the Planner; B and C apply one what-if on top of it. All three are "
            "drawn on the same axes, and the table gives the differences."
        ),
        "compare.label_a": "A: as planned",
        "compare.label_b": "What-if B",
        "compare.label_c": "What-if C",
        "compare.scenario_a": "A · as planned",
        "compare.scenario_b": "B · {variant}",
        "compare.letter_b": "B",
        "compare.letter_c": "C",
        "compare.scenario_c": "C · {variant}",
        "compare.variant_none": "(none)",
        "compare.variant_v2h_10": "10 % V2H adoption",
        "compare.variant_v2h_30": "30 % V2H adoption",
        "compare.variant_ev_x10": "10 × the EV stock",
        "compare.variant_diesel_x2": "Doubled diesel stock",
        "compare.variant_resupply_none": "No diesel deliveries",
        "compare.variant_pv_x3": "3 × rooftop PV",
        "compare.variant_essential_min": "Minimum essential load (1.5 kWh/day)",
        "compare.variant_overcast": "Overcast weather",
        "compare.table_title": "Key figures",
        "compare.kpi": "Figure",
        "compare.col_delta": "{b} − A",
        "compare.chart_without": "Households without power",
        "compare.chart_unserved": "Critical energy not served [MWh/h]",
        "compare.chart_diesel": "Diesel in stock [thousand L]",
        "compare.chart_v2h": "V2H energy to homes [MWh/h]",
        "compare.kpi_autonomy": "Critical autonomy [h]",
        "compare.kpi_served": "Critical energy served [%]",
        "compare.kpi_without_start": "Households without power at the start",
        "compare.kpi_without_peak": "Households without power at the peak",
        "compare.kpi_hours_lost": "Household-hours lost",
        "compare.kpi_v2h_units": "V2H households",
        "compare.kpi_v2h_covered": "Households covered by V2H",
        "compare.kpi_v2h_days": "V2H backup, median [days]",
        "compare.kpi_v2h_mwh": "V2H energy available [MWh]",
        "compare.kpi_diesel_hours": "First own tank dry [h]",
        "compare.kpi_diesel_with_deliveries": "First shortfall with deliveries, no grid [h]",
        "compare.kpi_inadequate": "Sites without adequate backup",
        "compare.no_v2h": "no V2H households",
        "compare.no_generators": "no generators",
        "compare.no_deliveries": "no deliveries",
        "compare.kpi_diesel_end": "Diesel in stock after the run (hit area + depot) [L]",
        "compare.kpi_petrol_days": "Petrol days of supply at the start",
        "compare.kpi_petrol_min": "Petrol days of supply, lowest",
        "compare.not_reached": "not reached",
        "about.page_title": "Kizuna — about and data",
        "about.title": "About & data",
        "about.intro": (
            "Where every figure comes from, under which licence, what the model assumes, and which values are "
            "estimates rather than sourced."
        ),
        "about.sources_title": "Sources, licences and attributions",
        "about.col_data": "Data",
        "about.col_licence": "Publisher and licence",
        "about.col_credit": "Credit",
        "about.tepco_note": (
            "TEPCO's raw hourly series are for personal use only: Kizuna ships only shapes and ratios derived from "
            "them, never the series themselves."
        ),
        "about.assumptions_title": "Model and assumptions",
        "about.assumptions_intro": (
            "The model is documented in the repository's docs/model.md, reproduced below section by section. Every "
            "default names its source (an id such as S12, listed under “Sources” below, from docs/sources.md) or is "
            "marked as an assumption, and every one can be changed in the Planner."
        ),
        "about.sources_doc_title": "Sources: the publications cited by id, S1, S2 … (docs/sources.md)",
        "about.provenance_title": "Which figures are estimates — {city}",
        "about.provenance_summary": "{sourced} values sourced, {estimated} estimated (of {total} provenance entries).",
        "about.col_table": "Table",
        "about.col_column": "Column",
        "about.col_row": "Row",
        "about.col_status": "Status",
        "about.col_source": "Source or method",
        "about.all_rows": "(all rows)",
        "about.status_sourced": "sourced",
        "about.status_estimated": "estimated",
        "about.source_1_data": "Saitama City ward boundaries",
        "about.source_1_licence": (
            "MLIT 国土数値情報 行政区域データ (N03), 2021 edition; CC BY 4.0; simplified by Kizuna"
        ),
        "about.source_1_credit": "出典：国土数値情報（行政区域データ）（国土交通省）（N03-21）を加工して作成",
        "about.source_2_data": "Saitama City households and population by ward, 1 Sep 2025",
        "about.source_2_licence": (
            "Saitama City, Basic Resident Register; the city's open-data licence is not yet confirmed"
        ),
        "about.source_2_credit": "Saitama City, 令和7年9月1日現在の人口・世帯数",
        "about.source_3_data": "Berlin Bezirke boundaries",
        "about.source_3_licence": "Amt für Statistik Berlin-Brandenburg, via Berliner Morgenpost; CC BY",
        "about.source_3_credit": "Amt für Statistik Berlin-Brandenburg; Berliner Morgenpost",
        "about.source_4_data": "Berlin population and households by Bezirk",
        "about.source_4_licence": (
            "Amt für Statistik Berlin-Brandenburg (CC BY 3.0 DE), via the open-lifeworlds and open-data-product "
            "repositories (CC BY 4.0)"
        ),
        "about.source_4_credit": "Amt für Statistik Berlin-Brandenburg",
        "about.source_5_data": "German hourly electricity load, 2019",
        "about.source_5_licence": "ENTSO-E Transparency Platform, compiled by Open Power System Data; CC BY 4.0",
        "about.source_5_credit": "ENTSO-E; Open Power System Data, Data Package Time series",
        "about.source_6_data": "EV and PHEV models (usable battery sizes)",
        "about.source_6_licence": "Open EV Data; MIT licence with an attribution requirement",
        "about.source_7_data": "TEPCO area load shape 2010 and demand ratio March–April 2011",
        "about.source_7_licence": (
            "Derived statistics only: TEPCO's raw hourly series are for personal use and are not shipped"
        ),
        "about.source_7_credit": "derived from TEPCO area demand, 2010–2011",
        "about.source_8_data": "German household load profile H25",
        "about.source_8_licence": "BDEW standard load profile H25, as shipped in demandlib 0.2.2 (MIT, © DLR)",
        "about.source_8_credit": "BDEW Standardlastprofile Strom (2025); demandlib (oemof)",
        "about.source_9_data": "Outage restoration curves and fuel situations of the presets",
        "about.source_9_licence": (
            "Utility reports and press, cited in each preset's note by their ids in docs/sources.md"
        ),
        "about.source_9_credit": "See each preset's source note on the Overview",
        # Household controls shared by the V2H and Survival pages (components/v2h_figures.household_controls)
        "household.label_city": "City (location, climate, load shape)",
        "household.label_vehicle": "Car",
        "household.label_soc": "State of charge at the start",
        "household.label_reserve": "Reserve kept for driving",
        "household.label_kw": "V2H unit power (kW)",
        "household.label_load_mode": "Household load during the outage",
        "household.load_essential": "Essential budget",
        "household.load_full": "Normal use (the city's average)",
        "household.label_essential_kwh": "Essential budget (kWh/day)",
        "household.hint_essential": (
            "1.5 = fridge, lights, phones; 3.0 = with TV and a fan or blanket (Kizuna's estimate, docs/model.md §5)."
        ),
        "household.label_pv": "Rooftop PV (kWp, 0 for none)",
        "household.label_petrol": "Petrol for a PHEV's engine (litres)",
        "household.hint_petrol": "Used only for a plug-in hybrid (PHEV).",
        "household.label_weather": "Weather for PV",
        "household.weather_clear": "Clear sky",
        "household.weather_typical": "Typical",
        "household.weather_overcast": "Overcast",
        "household.percent_mark": "{value} %",
        "household.link_problem": "Link parameter {param}={value}: {problem} — the default is used instead.",
        "household.link_unknown_city": "no such bundled city",
        "household.link_unknown_car": "no such car in the catalogue",
        "household.link_unknown_facility": "{city} has no such facility",
        # V2H household estimator (pages/v2h.py)
        "nav.v2h": "V2H household",
        "v2h.page_title": "Kizuna — V2H household estimator",
        "v2h.title": "V2H household estimator",
        "v2h.intro": (
            "How long can a car keep a home running in an outage? Choose the car, how full it is and the reserve "
            "kept for driving, and the household's load. Kizuna plays the outage hour by hour — rooftop PV first, "
            "then the car through the V2H unit, then a plug-in hybrid's engine — and sets the result beside what "
            "the carmaker claims."
        ),
        "v2h.controls_title": "Household and car",
        "v2h.vehicle_option": "{name}{kind} · {usable_kwh:g} kWh usable",
        "v2h.vehicle_phev": " (PHEV)",
        "v2h.label_date": "Outage starts on (local date)",
        "v2h.label_hour": "at (local hour)",
        "v2h.hour_option": "{hour:02d}:00",
        "v2h.label_horizon": "Simulate up to",
        "v2h.problem_date": "outage start date = {value!r}: must be a date like 2011-03-11",
        "v2h.problem_hour": "outage start hour = {value!r}: must be a whole hour from 0 to 23",
        "v2h.link_problems_title": "Some values of this link could not be used:",
        "v2h.horizon_option": "{days:g} days ({hours} h)",
        "v2h.error_title": "Check these inputs (the result shown is from the last valid ones):",
        "v2h.result_title": "Kizuna's estimate",
        "v2h.hours": "{hours:,.1f} hours of backup",
        "v2h.days": "{days:.2f} days",
        "v2h.hours_whole": "Still powered after all {hours:,} hours simulated",
        "v2h.days_whole": "more than {days:g} days",
        "v2h.formula_title": "Usable energy of the car",
        "v2h.formula": (
            "E = C × max(SOC₀ − reserve, 0) × η = {capacity_kwh:.1f} kWh × ({soc_start:.2f} − {reserve_soc:.2f}) "
            "× {efficiency:.2f} = {usable_kwh:.2f} kWh"
        ),
        "v2h.days_formula": (
            "Energy alone: E ÷ daily load = {usable_kwh:.2f} kWh ÷ {kwh_per_day:.2f} kWh/day = {days:.2f} days"
        ),
        "v2h.days_formula_no_load": "With no load the car's energy is never used up.",
        "v2h.hours_explained": (
            "Hours of backup = the hours in which the whole load is served (PV first, then the car down to its "
            "reserve at up to the V2H unit's kW, then a PHEV's engine) before the first hour that falls short, plus "
            "the served share of that hour. The load follows the city's hourly shape and PV recharges the car, so "
            "this differs from the energy-only figure."
        ),
        "v2h.claim_title": "What the carmaker says",
        "v2h.claim_says": "{brand} says: {claim}",
        "v2h.claim_read_as": "Read as: {days} at {kwh_per_day:g} kWh/day, {scope}.",
        "v2h.claim_days_one": "{days:g} days",
        "v2h.claim_days_range": "{days:g}–{days_high:g} days",
        "v2h.claim_scope_engine": "from a full battery and a full tank",
        "v2h.claim_scope_battery": "from the battery alone",
        "v2h.claim_basis": "Kizuna on the claim's basis: {days:.2f} days at {kwh_per_day:g} kWh/day",
        "v2h.claim_basis_battery": (
            "{battery_kwh:.1f} kWh × ({soc_start:.2f} − {reserve_soc:.2f}) × {efficiency:.2f} = {total_kwh:.2f} kWh "
            "÷ {kwh_per_day:g} kWh/day. The claim's basis: a full battery, nothing kept for driving, no conversion "
            "losses, the claim's daily load spread evenly, no PV — run through Kizuna's hourly model."
        ),
        "v2h.claim_basis_engine": (
            "{battery_kwh:.1f} kWh × ({soc_start:.2f} − {reserve_soc:.2f}) × {efficiency:.2f} = "
            "{battery_energy_kwh:.2f} kWh from the battery + {tank_litres:g} L × {kwh_per_litre:.2f} kWh/L = "
            "{engine_energy_kwh:.2f} kWh from a full tank = {total_kwh:.2f} kWh ÷ {kwh_per_day:g} kWh/day. The "
            "claim's basis: a full battery and tank, nothing kept for driving, no conversion losses, the claim's "
            "daily load spread evenly, no PV — run through Kizuna's hourly model."
        ),
        "v2h.claim_within": "That is within the claim.",
        "v2h.claim_above": "That is {percent:.0f} % more than the claim.",
        "v2h.claim_below": "That is {percent:.0f} % less than the claim.",
        "v2h.claim_planning": "Kizuna's planning basis: {days}",
        "v2h.claim_planning_how": (
            "Your household: reserve {reserve_percent:.0f} %, η = {efficiency:.2f}, {kwh_per_day:.2f} kWh/day in "
            "the city's hourly load shape, with your PV and {petrol_litres:g} L of petrol — the hourly estimate of "
            "this page."
        ),
        "v2h.claim_planning_days": "{days:.2f} days",
        "v2h.claim_planning_whole": "more than {days:g} days",
        "v2h.engine_figures": (
            "This car's engine: {kwh_per_litre:.2f} kWh per litre of petrol ({kwh_status}); tank {tank_litres:g} L "
            "({tank_status}) = {full_tank_kwh:.1f} kWh on a full tank."
        ),
        "v2h.claim_source": "Source: {source}",
        "v2h.claim_none": (
            "No carmaker claim for this car is on record. The catalogue holds claims for the Nissan LEAF and Sakura "
            "and the Mitsubishi Outlander PHEV."
        ),
        "v2h.claim_note": (
            "Carmakers usually count from a full battery without a reserve or conversion losses; Kizuna keeps the "
            "reserve and applies η."
        ),
        "v2h.chart_title": "Hour by hour: where the household's power comes from",
        "v2h.trace_pv": "From rooftop PV",
        "v2h.trace_car": "From the car (V2H)",
        "v2h.trace_engine": "From the PHEV engine",
        "v2h.trace_unserved": "Not served",
        "v2h.trace_load": "Household load",
        "v2h.trace_soc": "Car state of charge (right axis)",
        "v2h.trace_reserve": "Reserve",
        "v2h.hover_pv": "PV to the load: %{y:.2f} kW",
        "v2h.hover_car": "Car to the load: %{y:.2f} kW",
        "v2h.hover_engine": "PHEV engine to the load: %{y:.2f} kW",
        "v2h.hover_unserved": "Not served: %{y:.2f} kW (load − PV − car − engine)",
        "v2h.hover_load": "Household load: %{y:.2f} kW (kWh/day ÷ 24 × hourly shape)",
        "v2h.hover_soc": "State of charge: %{y:.0f} % (energy stored ÷ C, end of hour)",
        "v2h.hover_reserve": "Reserve: %{y:.0f} % (the car is not discharged below it)",
        "v2h.annotation_end": "Short after {hours:.1f} h",
        "v2h.axis_time": "Local time ({timezone})",
        "v2h.axis_kw": "kW (= kWh in the hour)",
        "v2h.axis_soc": "State of charge",
        "v2h.source_vehicles": (
            "Vehicle data: Open EV Data (https://github.com/KilowattApp/open-ev-data), MIT licence with attribution; "
            "usable battery sizes there, Japanese-only models from V2H charger makers' lists (estimated). "
            "Carmakers' claims: as quoted in the catalogue, each with its source."
        ),
        "v2h.engine_phev": "this PHEV's engine makes {kwh_per_litre:.2f} kWh per litre",
        "survival.engine_phev": "this PHEV's petrol is a generator at {kwh_per_litre:g} kWh per litre",
        "v2h.engine_none": "a battery-electric car has no engine",
        "v2h.source_model": (
            "Method (docs/model.md §5): η = {efficiency:.2f} car-to-home; PV surplus recharges the car up to "
            "{soc_max:.0%} at η = {charge_efficiency:.2f}; {engine}; PV from pvlib's clear-sky model × the "
            "weather's clear-sky index; hourly load shape '{load_shape}' of {city}."
        ),
        # Survival analysis (pages/survival.py)
        "nav.survival": "Survival",
        "survival.page_title": "Kizuna — survival analysis",
        "survival.title": "Survival analysis: how long does the backup last?",
        "survival.intro": (
            "An outage can start at any hour of the year. For each of the 8,760 start hours, how many hours does a "
            "facility's backup (PV, generator and diesel, battery) or a V2H household's car carry the load? This is "
            "NREL REopt's outage-simulator measure. It runs as a background job: change the inputs, then press Run."
        ),
        "survival.controls_title": "What to test",
        "survival.label_source": "Backup system",
        "survival.source_facility": "A critical facility",
        "survival.source_household": "A V2H household",
        "survival.label_facility": "Facility",
        "survival.facility_facts": (
            "Critical load {load_kw:,.0f} kW ({type}) · generator {generator_kw:,.0f} kW · diesel "
            "{fuel_litres:,.0f} L · battery {battery_kwh:,.0f} kWh · PV {pv_kwp:,.0f} kWp"
        ),
        "survival.label_max_duration": "Longest outage to follow",
        "survival.duration_24": "24 h (1 day)",
        "survival.duration_72": "72 h (3 days, the Japanese target)",
        "survival.duration_168": "168 h (1 week)",
        "survival.duration_336": "336 h (2 weeks)",
        "survival.duration_720": "720 h (30 days)",
        "survival.duration_2190": "2,190 h (a quarter)",
        "survival.duration_8760": "8,760 h (a year)",
        "survival.run": "Run the sweep",
        "survival.cancel": "Cancel",
        "survival.progress_label": "Progress of the sweep",
        "survival.stage_inputs": "1/3 Building the year's load and PV…",
        "survival.stage_sweep": "2/3 Sweeping 8,760 outage starts…",
        "survival.stage_figures": "3/3 Building the figures…",
        "survival.error_title": "Check these inputs:",
        "survival.not_run": "Press “Run the sweep” to see the results.",
        "survival.subject": (
            "{label}: outages starting at each of the 8,760 hours of {year}, followed for up to {horizon_h:,} h."
        ),
        "survival.summary": "Shortest {min_h:,} h · mean {mean_h:,.1f} h · longest {max_h:,} h",
        "survival.share_line": "Carried at least {duration_h} h: {share:.1f} % of starts",
        "survival.three_answers": (
            "One of three answers for a site such as a hospital: the Overview's facility table says whether grid "
            "restoration or its own backup keeps it up, the diesel card gives its own tank's hours, and this sweep "
            "is REopt's measure — its own battery, PV and generator on the fuel it holds, no deliveries, no grid."
        ),
        "survival.probability_title": "Share of outage starts carried at least k hours",
        "survival.heatmap_title": "Mean hours carried, by the month and hour the outage starts",
        "survival.trace_probability": "P(r ≥ k)",
        "survival.trace_marks": "1 day, 3 days, 1 week",
        "survival.axis_duration": "Outage duration k (hours)",
        "survival.axis_probability": "Starts carried ≥ k hours",
        "survival.hover_probability": (
            "%{y:.1f} % of the 8,760 start hours are carried at least %{x:,} h<br>"
            "P(r ≥ k) = starts with r ≥ k ÷ 8,760"
        ),
        "survival.axis_hour": "Hour of day the outage starts (local standard time)",
        "survival.colorbar": "Mean hours",
        "survival.hover_heatmap": (
            "Outages starting in %{y} at %{x}:00<br>carried %{z:.1f} h on average<br>"
            "(mean of r over the %{customdata} starts of that month at that hour)"
        ),
        "survival.month_1": "January",
        "survival.month_2": "February",
        "survival.month_3": "March",
        "survival.month_4": "April",
        "survival.month_5": "May",
        "survival.month_6": "June",
        "survival.month_7": "July",
        "survival.month_8": "August",
        "survival.month_9": "September",
        "survival.month_10": "October",
        "survival.month_11": "November",
        "survival.month_12": "December",
        "survival.method": (
            "Method (docs/model.md §9): every start resets the system — the tank holds its fill at outage start with "
            "no deliveries, the battery its starting charge — and the load is served hour by hour from PV, then the "
            "generator, then the battery, until an hour falls short; r is the whole hours served before it. Load and "
            "PV are built for the 8,760 hours of {year} from 1 January 00:00 local time: a facility's critical kW "
            "with its type's daily shape, a household's kWh/day with the city's load shape, PV from pvlib's clear-sky "
            "model × the weather's clear-sky index. A household's car is a battery at the V2H unit's kW that stops "
            "at the reserve and is recharged by PV up to the fleet's maximum; {engine} (a PHEV's own figure where the "
            "catalogue has one, else the city fleet's)."
        ),
        "survival.source_vehicles": "Vehicle data: Open EV Data (https://github.com/KilowattApp/open-ev-data).",
        "survival.source_facilities": (
            "Facilities: the city's inventory bundled with Kizuna; About & data lists each figure's source and "
            "marks the estimated ones."
        ),
        # Downloads and scenario files (components/downloads.py)
        "download.scenario": "Scenario: {summary}",
        "download.menu": "Download ▾",
        "download.prepared_by": "Prepared by (printed on the report's title page)",
        "download.prepared_by_placeholder": "e.g. Crisis desk, city hall",
        "download.group_report": "Report",
        "download.group_data": "Data",
        "download.pdf": "PDF briefing",
        "download.html": "HTML report",
        "download.csv_districts": "Districts hourly (CSV)",
        "download.csv_facilities": "Facilities hourly (CSV)",
        "download.csv_city": "City totals hourly (CSV)",
        "download.xlsx": "Excel workbook",
        "download.preparing": "Preparing the file… (a report takes a few seconds)",
        "download.hint": (
            "All files are of the scenario named in the bar. The report explains every figure and credits its data "
            "(MLIT N03, Amt für Statistik Berlin-Brandenburg, Open EV Data, ENTSO-E/OPSD). CSV columns carry their "
            "unit; the workbook adds the scenario, the KPIs and the summaries."
        ),
        "download.error_heading": "The file could not be made:",
        "scenario_file.save": "Save scenario",
        "scenario_file.load": "Load scenario…",
        "scenario_file.load_hint": "Open a scenario saved with “Save scenario” (.kizuna.json)",
        "scenario_file.load_error": "{filename} could not be opened; the scenario on screen is unchanged:",
        "scenario_file.unnamed": "The file",
        "download.survival_label": "Download the sweep:",
        "download.survival_starts": "Hours carried per start (CSV)",
        "download.survival_curve": "Probability curve (CSV)",
        "download.v2h_label": "Download:",
        "download.v2h_hourly": "Hourly table (CSV)",
        # Background jobs (components/background.py): what a page says when a job cannot deliver its result
        "background.title": "The result could not be made:",
        "background.unreachable": "The background workers cannot be reached; try again in a minute.",
        "background.lost": (
            "The job stopped without a result (the server or its workers were restarted); run it again."
        ),
        "background.failed": (
            "The job failed on the server; run it again, and tell the administrator if it fails again."
        ),
        "background.stalled": (
            "No news from the job for {seconds} s (the connection to the server was lost or the server restarted); "
            "run it again."
        ),
        "download.progress_simulating": "Preparing… running the scenario",
        "download.progress_building": "Preparing… writing the {kind}",
    }
)
