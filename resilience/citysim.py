"""One outage scenario played on one city: the hour-by-hour picture and its KPIs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from resilience.facilities import (
    FacilityRun,
    burn_at_critical_load_l_per_h,
    dispatch_facilities,
    has_adequate_backup,
    own_tank_hours,
)
from resilience.households import HouseholdRun, simulate_households
from resilience.kpis import CityKPIs, first_shortfall_hour, hour_when_share_short
from resilience.loads import facility_load_kw, household_load_kw
from resilience.petrol import PetrolResult, simulate_petrol, supply_share_of_normal
from resilience.records import FACILITY_TYPES, City, Facility, Scenario
from resilience.scenarios import (
    PRESETS,
    demand_factor,
    facility_grid_up,
    grid_share,
    outage_index,
    restored_in_hit_area,
    scenario_start,
)
from resilience.solar import pv_ac_kw_per_kwp
from resilience.timeindex import HOURS_PER_DAY

SOURCES = ("grid_kwh", "pv_kwh", "v2h_kwh", "generator_kwh", "battery_kwh")


@dataclass(frozen=True)
class Result:
    """Everything :func:`simulate` computes; tidy tables are built on first use.

    Attributes
    ----------
    city : City
    scenario : Scenario
    index : pandas.DatetimeIndex
        Local, tz-aware start of each hour; hour 0 is the hour the outage starts.
    grid_share : array of shape (n_hours, n_districts)
    grid_up : bool array of shape (n_hours, n_facilities)
    households : HouseholdRun
    facilities_run : FacilityRun
    facilities_without_restoration : FacilityRun
        The same facilities if the grid never came back to the sites the outage reaches.
    petrol : PetrolResult
    kpis : CityKPIs
    """

    city: City
    scenario: Scenario
    index: pd.DatetimeIndex
    grid_share: np.ndarray
    grid_up: np.ndarray
    households: HouseholdRun
    facilities_run: FacilityRun
    facilities_without_restoration: FacilityRun
    petrol: PetrolResult
    kpis: CityKPIs

    @cached_property
    def districts(self) -> pd.DataFrame:
        """Tidy hourly table, one row per (hour, district), unit-suffixed columns."""
        n_hours, n_districts = self.grid_share.shape
        h = self.households
        columns = {
            "time": np.repeat(self.index, n_districts),
            "hour": np.repeat(np.arange(n_hours), n_districts),
            "district_id": np.tile([d.id for d in self.city.districts], n_hours),
            "grid_share": self.grid_share,
            "households": np.tile([d.households for d in self.city.districts], n_hours),
            "households_off_grid": h.households_off_grid,
            "households_powered_by_backup": h.households_powered_by_backup,
            "households_without_power": h.households_without_power,
            "demand_kwh": h.demand_kwh,
            "grid_kwh": h.grid_kwh,
            "pv_kwh": h.pv_kwh,
            "v2h_kwh": h.v2h_kwh,
            "unserved_kwh": h.unserved_kwh,
            "stations_operating": self.petrol.stations_operating,
            "petrol_stock_litres": self.petrol.stock_litres,
            "petrol_sold_litres": self.petrol.sold_litres,
            "petrol_supply_days": self.petrol.days_of_supply,
        }
        return pd.DataFrame({k: np.ravel(v) if isinstance(v, np.ndarray) else v for k, v in columns.items()})

    @cached_property
    def facilities(self) -> pd.DataFrame:
        """Tidy hourly table, one row per (hour, facility), unit-suffixed columns."""
        run = self.facilities_run
        n_hours, n_fac = run.demand_kwh.shape
        ids = [f.id for f in self.city.facilities]
        columns = {
            "time": np.repeat(self.index, n_fac),
            "hour": np.repeat(np.arange(n_hours), n_fac),
            "facility_id": np.tile(ids, n_hours),
            "type": np.tile([f.type for f in self.city.facilities], n_hours),
            "district_id": np.tile([f.district_id for f in self.city.facilities], n_hours),
            "grid_up": self.grid_up,
        }
        for name in ("demand_kwh", "grid_kwh", "pv_kwh", "generator_kwh", "battery_kwh", "unserved_kwh",
                     "fuel_litres", "burned_litres", "delivered_litres", "soc_kwh"):
            columns[name] = getattr(run, name)
        return pd.DataFrame({k: np.ravel(v) if isinstance(v, np.ndarray) else v for k, v in columns.items()})

    @cached_property
    def city_hourly(self) -> pd.DataFrame:
        """City totals per hour: demand, each source, unserved energy, people and fuel."""
        h, f = self.households, self.facilities_run
        frame = pd.DataFrame(
            {
                "demand_kwh": h.demand_kwh.sum(axis=1) + f.demand_kwh.sum(axis=1),
                "grid_kwh": h.grid_kwh.sum(axis=1) + f.grid_kwh.sum(axis=1),
                "pv_kwh": h.pv_kwh.sum(axis=1) + f.pv_kwh.sum(axis=1),
                "v2h_kwh": h.v2h_kwh.sum(axis=1),
                "generator_kwh": f.generator_kwh.sum(axis=1),
                "battery_kwh": f.battery_kwh.sum(axis=1),
                "unserved_kwh": h.unserved_kwh.sum(axis=1) + f.unserved_kwh.sum(axis=1),
                "households_without_power": h.households_without_power.sum(axis=1),
                "households_off_grid": h.households_off_grid.sum(axis=1),
                "diesel_litres": f.fuel_litres[:, self.facilities_hit].sum(axis=1) + f.depot_litres,
                "petrol_stock_litres": self.petrol.stock_litres.sum(axis=1),
            },
            index=pd.Index(self.index, name="time"),
        )
        frame.insert(0, "hour", np.arange(len(frame)))
        return frame

    @cached_property
    def facilities_hit(self) -> np.ndarray:
        """Whether the outage reaches each facility (it loses the grid at some hour) [bool]."""
        return ~self.grid_up.all(axis=0)

    @cached_property
    def facility_summary(self) -> pd.DataFrame:
        """One row per facility, riskiest first: first shortfall, own tank, what kept it up, energy served."""
        facilities = self.city.facilities
        run = self.facilities_run
        first = first_shortfall_hour(run.unserved_kwh, run.demand_kwh)
        first_without_grid = first_shortfall_hour(self.facilities_without_restoration.unserved_kwh,
                                                  run.demand_kwh)
        burn_at_load = burn_at_critical_load_l_per_h(facilities)
        fuel_end = run.fuel_litres[-1] if len(run.fuel_litres) else np.zeros(0)
        fuel_hours = np.divide(fuel_end, burn_at_load, out=np.zeros_like(fuel_end), where=burn_at_load > 0)
        demand = run.demand_kwh.sum(axis=0)
        served_pct = 100.0 * (1.0 - np.divide(run.unserved_kwh.sum(axis=0), demand,
                                              out=np.zeros_like(demand), where=demand > 0))
        short = shortfall_matrix(run)
        short_now = short[-1] if len(short) else np.zeros(0, dtype=bool)
        status = np.where(short_now, "short", np.where(first >= 0, "recovered", "ok"))
        kept_up_by = np.where(~self.facilities_hit, "no outage",
                              np.where(first >= 0, "—",
                                       np.where(first_without_grid >= 0, "grid restoration", "own backup")))
        frame = pd.DataFrame(
            {
                "facility_id": [f.id for f in facilities],
                "name": [f.name for f in facilities],
                "type": [f.type for f in facilities],
                "district_id": [f.district_id for f in facilities],
                "sites": [f.sites for f in facilities],
                "critical_load_kw": [f.critical_load_kw for f in facilities],
                "hit": self.facilities_hit,
                "adequate_backup": has_adequate_backup(facilities),
                "status": status,
                "first_shortfall_h": pd.array(np.where(first >= 0, first, None), dtype="Int64"),
                "kept_up_by": kept_up_by,
                "own_tank_h": own_tank_hours(facilities, self.scenario.diesel_stock_multiplier),
                "fuel_litres_end": fuel_end,
                "fuel_hours_left": fuel_hours,
                "energy_served_pct": served_pct,
            }
        )
        # Riskiest first: short sites by their first shortfall, then the lowest energy served.
        never = np.iinfo(np.int64).max
        order = np.lexsort((frame["energy_served_pct"].to_numpy(), np.where(first >= 0, first, never)))
        return frame.iloc[order].reset_index(drop=True)


def shortfall_matrix(run: FacilityRun) -> np.ndarray:
    """Whether each facility falls short in each hour (docs/model.md §8) [bool, (n_hours, n_facilities)]."""
    from resilience.kpis import shortfall

    return shortfall(run.unserved_kwh, run.demand_kwh)


def petrol_ration_litres(scenario: Scenario) -> float | None:
    """The planner's ration, else the preset's historical one (2011: 10 L), else ``None`` (the city's)."""
    if scenario.petrol_ration_litres is not None:
        return scenario.petrol_ration_litres
    return PRESETS[scenario.preset].petrol_ration_litres


def petrol_supply_share(scenario: Scenario, n_hours: int) -> np.ndarray:
    """Tanker capacity share of normal in each hour: the preset's supply shock, else 1 [fraction]."""
    preset = PRESETS[scenario.preset]
    return supply_share_of_normal(n_hours, preset.petrol_resupply_share_of_normal, preset.petrol_resupply_reduced_h)


def simulate(city: City, scenario: Scenario) -> Result:
    """Play an outage scenario on a city, hour by hour (docs/model.md §2–8).

    Parameters
    ----------
    city : City
        The city's inventory (see :func:`resilience.citydata.load_city`).
    scenario : Scenario
        The outage and every planner override.

    Returns
    -------
    Result
        Hourly results per district and per facility (tidy DataFrames with
        unit-suffixed columns), city totals and the KPIs.
    """
    start = scenario_start(scenario)
    index = outage_index(scenario, city.timezone)
    share = grid_share(scenario, city, index)
    restored = restored_in_hit_area(scenario, city, index)
    factor = demand_factor(scenario, index)

    normal_kw = household_load_kw(city.household_kwh_per_day, city.load_shape, index)
    outage_kw = (
        household_load_kw(scenario.essential_kwh_per_day, city.load_shape, index)
        if scenario.load_mode == "essential" else normal_kw
    )
    pv_per_kwp = pv_ac_kw_per_kwp(
        city.latitude, city.longitude, city.altitude_m, city.timezone, index,
        weather=scenario.weather, typical_clear_sky_index=city.pv_typical_clear_sky_index,
    )

    households_per_district = np.array([d.households for d in city.districts], dtype=float)
    petrol = simulate_petrol(
        city.petrol,
        np.array([d.filling_stations for d in city.districts], dtype=float),
        np.array([d.stations_backup_share for d in city.districts], dtype=float),
        households_per_district,
        share,
        ration_litres=petrol_ration_litres(scenario),
        supply_share=petrol_supply_share(scenario, len(index)),
    )
    households = simulate_households(
        city, scenario, start, share, normal_kw, outage_kw, pv_per_kwp,
        petrol.litres_per_vehicle_bought, grid_demand_factor=factor,
    )

    district_position = {d.id: i for i, d in enumerate(city.districts)}
    facilities = city.facilities
    load_kw = facility_load_kw(
        np.array([f.critical_load_kw for f in facilities], dtype=float), [f.type for f in facilities], index
    )
    pv_kw = pv_per_kwp[:, None] * (np.array([f.pv_kwp for f in facilities], dtype=float) * scenario.pv_multiplier)
    grid_up = facility_grid_up(
        restored,
        np.array([district_position[f.district_id] for f in facilities], dtype=int),
        facility_restoration_quantiles(facilities, scenario.priority_restoration),
    )
    run = dispatch_facilities(
        facilities, load_kw, pv_kw, grid_up, city.diesel,
        diesel_multiplier=scenario.diesel_stock_multiplier, resupply_delay_h=scenario.diesel_resupply_delay_h,
    )
    # The same sites if the grid never came back to the ones the outage reaches: tells sites kept up
    # by restoration from sites kept up by their own fuel, and gives the diesel figures with deliveries.
    hit = ~grid_up.all(axis=0)
    run_without_restoration = dispatch_facilities(
        facilities, load_kw, pv_kw, grid_up & ~hit[None, :], city.diesel,
        diesel_multiplier=scenario.diesel_stock_multiplier, resupply_delay_h=scenario.diesel_resupply_delay_h,
    )
    kpis = city_kpis(city, scenario, share, grid_up, households, run, run_without_restoration, petrol)
    return Result(city, scenario, index, share, grid_up, households, run, run_without_restoration, petrol, kpis)


def facility_restoration_quantiles(facilities: tuple[Facility, ...], priority_restoration: bool) -> np.ndarray:
    """District restored share at which each facility gets grid back [fraction].

    With priority restoration, each facility's quantile (its own, else its type's default:
    hospitals at 10 %, water 20 %, telecom 30 %, others 50 %); without, 1: a site is back only
    once its whole district is, which is the cautious reading when the utility's order is unknown.
    """
    if not priority_restoration:
        return np.ones(len(facilities))
    return np.array([f.grid_quantile for f in facilities], dtype=float)


def city_kpis(city: City, scenario: Scenario, share: np.ndarray, grid_up: np.ndarray, households: HouseholdRun,
              run: FacilityRun, run_without_restoration: FacilityRun, petrol: PetrolResult) -> CityKPIs:
    """Reduce one run to the headline figures (docs/model.md §8)."""
    n_hours = share.shape[0]
    facilities = city.facilities
    first = first_shortfall_hour(run.unserved_kwh, run.demand_kwh)
    first_without_grid = first_shortfall_hour(run_without_restoration.unserved_kwh, run.demand_kwh)
    types = np.array([f.type for f in facilities])
    sites = np.array([f.sites for f in facilities], dtype=float)
    hit = ~grid_up.all(axis=0)
    adequate = has_adequate_backup(facilities)

    def earliest(hours: np.ndarray) -> int | None:
        hours = hours[hours >= 0]
        return int(hours.min()) if hours.size else None

    def site_count(mask: np.ndarray) -> int:
        return int(round(sites[mask].sum()))

    by_type = [t for t in FACILITY_TYPES if (hit & (types == t)).any()]
    tank_hours = own_tank_hours(facilities, scenario.diesel_stock_multiplier)[hit]
    tank_hours = tank_hours[np.isfinite(tank_hours)]
    depot = city.diesel.depot_litres * scenario.diesel_stock_multiplier
    diesel_start = float(sum(f.fuel_litres for f, h in zip(facilities, hit, strict=True) if h)
                         * scenario.diesel_stock_multiplier + depot)
    diesel_end = float(run.fuel_litres[-1][hit].sum() + run.depot_litres[-1]) if n_hours else diesel_start

    demand = run.demand_kwh.sum()
    without = households.households_without_power.sum(axis=1)
    household_counts = np.array([d.households for d in city.districts], dtype=float)
    daily_petrol = petrol.normal_daily_litres.sum()
    petrol_days = (petrol.reachable_stock_litres.sum(axis=1) / daily_petrol if daily_petrol > 0
                   else np.full(n_hours, np.inf))
    stations = np.array([d.filling_stations for d in city.districts], dtype=float).sum()
    covered_daily_kwh = households.households_covered * (
        scenario.essential_kwh_per_day if scenario.load_mode == "essential" else city.household_kwh_per_day
    )

    def days_or_none(hours: float) -> float | None:
        # No car at home above its reserve: no household is covered, so there is no backup to report.
        covered = households.households_covered > 0
        return float(hours) / HOURS_PER_DAY if covered and np.isfinite(hours) else None

    return CityKPIs(
        horizon_h=n_hours,
        critical_sites_hit=site_count(hit),
        critical_autonomy_h=earliest(first[hit & adequate]),
        critical_autonomy_by_type_h={t: earliest(first[hit & (types == t)]) for t in by_type},
        critical_half_short_by_type_h={
            t: hour_when_share_short(first[hit & (types == t)], sites[hit & (types == t)], 0.5) for t in by_type
        },
        sites_without_adequate_backup=site_count(hit & ~adequate),
        sites_without_adequate_backup_by_type={
            t: site_count(hit & ~adequate & (types == t)) for t in by_type if (hit & ~adequate & (types == t)).any()
        },
        facilities_without_adequate_backup=tuple(f.id for f, h, a in zip(facilities, hit, adequate, strict=True)
                                                 if h and not a),
        sites_kept_by_grid_restoration=site_count(hit & (first < 0) & (first_without_grid >= 0)),
        sites_kept_by_own_backup=site_count(hit & (first < 0) & (first_without_grid < 0)),
        critical_energy_served_pct=100.0 * (1.0 - run.unserved_kwh.sum() / demand) if demand > 0 else 100.0,
        households_without_power_start=float(without[0]),
        households_without_power_peak=float(without.max()),
        households_without_power_peak_hour=int(without.argmax()),
        household_hours_lost=float(without.sum()),
        share_restored_end=float((share[-1] * household_counts).sum() / household_counts.sum()),
        v2h_households=households.v2h_households_hit,
        v2h_households_covered=households.households_covered,
        v2h_backup_days_median=days_or_none(households.backup_hours_median),
        v2h_backup_days_p10=days_or_none(households.backup_hours_p10),
        v2h_backup_days_median_with_pv=days_or_none(households.backup_hours_median_with_pv),
        v2h_backup_days_median_without_pv=days_or_none(households.backup_hours_median_without_pv),
        v2h_mwh_available=households.usable_v2h_kwh / 1000.0,
        v2h_days_for_covered=(households.usable_v2h_kwh / covered_daily_kwh) if covered_daily_kwh > 0 else None,
        diesel_litres_start=diesel_start,
        diesel_litres_end=diesel_end,
        diesel_tank_hours_first=float(tank_hours.min()) if tank_hours.size else None,
        diesel_tank_hours_median=float(np.median(tank_hours)) if tank_hours.size else None,
        diesel_first_shortfall_with_deliveries_h=earliest(first_without_grid[hit & adequate]),
        depot_days_of_deliveries=(depot / city.diesel.delivery_litres_per_day
                                  if city.diesel.delivery_litres_per_day > 0 else None),
        petrol_days_of_supply_start=float(petrol_days[0]),
        petrol_days_of_supply_min=float(petrol_days.min()),
        stations_operating_share_min=float(petrol.stations_operating.sum(axis=1).min() / stations)
        if stations > 0 else 0.0,
    )
