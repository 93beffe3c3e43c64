"""Households in an outage, city-wide: grid, V2H cars, PHEV engines and PV outlets, by cohort (docs/model.md §5).

No loop over households: every district's households are split into cohorts
(vehicle model × state-of-charge bin × with or without PV); each cohort's
hourly trajectory is computed once per distinct outage pattern and weighted
by the number of households it stands for in each district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from resilience.records import City, EVFleet, Scenario
from resilience.storage import UNMET_TOLERANCE_KWH, dispatch_storage
from resilience.v2h import hours_fully_served, usable_energy_kwh
from resilience.vehicles import engine_kwh_per_litre, vehicle_catalogue

#: State-of-charge bins of the cohort model (equal probability each).
SOC_BINS = 10


def share_of_cars_at_home(start: dt.datetime) -> float:
    """Share of cars parked at home at the outage start (docs/model.md §5, assumption).

    0.9 from 20:00 to 07:00, 0.6 on weekday daytime, 0.75 on weekend daytime.
    """
    if start.hour >= 20 or start.hour < 7:
        return 0.9
    return 0.75 if start.weekday() >= 5 else 0.6


def soc_bins(fleet: EVFleet, n_bins: int = SOC_BINS) -> np.ndarray:
    """Equal-probability states of charge at outage start [fraction].

    The midpoints (in probability) of ``n_bins`` bins of a normal distribution
    with ``fleet.soc_mean`` and ``fleet.soc_sd``, clipped to
    ``[soc_clip_low, soc_clip_high]``, so clipped tails pile up on the bounds.
    """
    probabilities = (np.arange(n_bins) + 0.5) / n_bins
    values = fleet.soc_mean + fleet.soc_sd * norm.ppf(probabilities)
    return np.clip(values, fleet.soc_clip_low, fleet.soc_clip_high)


@dataclass(frozen=True)
class Cohorts:
    """The household cohorts of a city; unit arrays have shape (n_cohorts,)."""

    vehicle_id: np.ndarray
    is_phev: np.ndarray
    capacity_kwh: np.ndarray
    soc0: np.ndarray
    has_pv: np.ndarray
    share_within_powertrain: np.ndarray

    @classmethod
    def build(cls, fleet: EVFleet, country: str) -> Cohorts:
        """Cohorts of V2H households from the fleet mixes.

        In Japan a V2H unit only works with cars on the charger makers'
        compatibility lists (``v2h_jp_capable`` in the catalogue), so the mix
        of V2H households is the fleet mix restricted to those models and
        rescaled; where no listed model is in a mix, the whole mix is kept.
        Germany has no such list in the sources, so its whole mix is used.
        """
        catalogue = vehicle_catalogue()
        rows = []
        socs = soc_bins(fleet)
        for is_phev, mix in ((False, fleet.bev_mix), (True, fleet.phev_mix)):
            if country == "JP":
                capable = {k: v for k, v in mix.items() if bool(catalogue.loc[k, "v2h_jp_capable"])}
                if capable and sum(capable.values()) > 0:
                    total = sum(capable.values())
                    mix = {k: v / total for k, v in capable.items()}
            for vehicle_id, share in mix.items():
                capacity = float(catalogue.loc[vehicle_id, "usable_kwh"])
                for soc in socs:
                    for has_pv, pv_share in ((True, fleet.v2h_households_with_pv_share),
                                             (False, 1.0 - fleet.v2h_households_with_pv_share)):
                        rows.append((vehicle_id, is_phev, capacity, soc, has_pv, share * pv_share / len(socs)))
        columns = list(zip(*rows, strict=True)) if rows else [()] * 6
        return cls(*(np.array(c) for c in columns))


@dataclass(frozen=True)
class HouseholdRun:
    """Hourly household supply per district; arrays have shape (n_hours, n_districts) unless stated.

    Attributes
    ----------
    demand_kwh : array
        Households on the grid at their normal load plus households off the
        grid at their outage-mode load [kWh].
    grid_kwh, pv_kwh, v2h_kwh, unserved_kwh : array
        How it was met [kWh]; ``v2h_kwh`` includes PHEV engine output through
        the V2H unit. They add up to ``demand_kwh``.
    households_off_grid, households_powered_by_backup, households_without_power : array
        Counts [households, fractional]. Powered means the whole outage-mode
        load is met in that hour.
    v2h_households, v2h_households_at_home : array of shape (n_districts,)
    v2h_households_hit : float
        V2H households the outage reaches: per district, units × the district's
        peak off-grid share, summed.
    usable_v2h_kwh : float
        Energy the cars at home can deliver at the start, over the households
        the outage reaches [kWh].
    backup_hours_median, backup_hours_p10 : float
        Hours a V2H household at home keeps its outage-mode load served if the
        outage never ends, over households (median, 10th percentile) [h],
        capped at the horizon; NaN when no V2H household is covered.
    backup_hours_median_with_pv, backup_hours_median_without_pv : float
        The median over covered V2H households with and without home PV [h]; NaN if none.
    households_covered : float
        V2H households the outage reaches whose car is at home above its
        reserve at the start.
    """

    demand_kwh: np.ndarray
    grid_kwh: np.ndarray
    pv_kwh: np.ndarray
    v2h_kwh: np.ndarray
    unserved_kwh: np.ndarray
    households_off_grid: np.ndarray
    households_powered_by_backup: np.ndarray
    households_without_power: np.ndarray
    v2h_households: np.ndarray
    v2h_households_at_home: np.ndarray
    v2h_households_hit: float
    usable_v2h_kwh: float
    backup_hours_median: float
    backup_hours_p10: float
    backup_hours_median_with_pv: float
    backup_hours_median_without_pv: float
    households_covered: float


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``values`` with ``weights`` (lower value at ties); NaN if no weight."""
    if weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][np.searchsorted(cumulative, q)])


def v2h_households_per_district(city: City, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """V2H households per district, split into (BEV, PHEV), after the scenario's multipliers.

    Without an adoption override the installed units count, capped at the
    number of EVs; with ``scenario.v2h_adoption_share`` that share of EV
    households has a unit.
    """
    bev = np.array([d.bev_count for d in city.districts], dtype=float) * scenario.ev_stock_multiplier
    phev = np.array([d.phev_count for d in city.districts], dtype=float) * scenario.ev_stock_multiplier
    evs = bev + phev
    if scenario.v2h_adoption_share is None:
        units = np.minimum(np.array([d.v2h_units for d in city.districts], dtype=float), evs)
    else:
        units = scenario.v2h_adoption_share * evs
    # A V2H unit needs a private parking space, whatever the multipliers say.
    parking = np.array([d.households * d.home_parking_share for d in city.districts], dtype=float)
    units = np.minimum(units, parking)
    bev_share = np.divide(bev, evs, out=np.zeros_like(evs), where=evs > 0)
    return units * bev_share, units * (1.0 - bev_share)


def simulate_households(
    city: City,
    scenario: Scenario,
    start: dt.datetime,
    grid_share: np.ndarray,
    normal_load_kw: np.ndarray,
    outage_load_kw: np.ndarray,
    pv_kw_per_kwp: np.ndarray,
    petrol_litres_per_vehicle: np.ndarray,
    grid_demand_factor: np.ndarray | None = None,
) -> HouseholdRun:
    """Serve every district's households hour by hour (docs/model.md §5).

    Parameters
    ----------
    city : City
    scenario : Scenario
        Uses ``ev_stock_multiplier``, ``v2h_adoption_share``, ``reserve_soc``
        and ``pv_multiplier``.
    start : datetime.datetime
        Local start of the outage (sets the share of cars at home).
    grid_share : array of shape (n_hours, n_districts)
        Share of each district's households with grid [fraction].
    normal_load_kw, outage_load_kw : arrays of shape (n_hours,)
        Load of one household on the grid and off it [kW].
    pv_kw_per_kwp : array of shape (n_hours,)
        AC output of 1 kWp of home PV [kW].
    petrol_litres_per_vehicle : array of shape (n_hours,)
        Petrol each vehicle buys in the hour [L]; PHEV engines burn it.
    grid_demand_factor : array of shape (n_hours,), optional
        Scales what grid-connected households draw (e.g. the 2011 demand cut).

    Returns
    -------
    HouseholdRun
    """
    fleet = city.fleet
    n_hours, n_districts = grid_share.shape
    factor = np.ones(n_hours) if grid_demand_factor is None else grid_demand_factor
    households = np.array([d.households for d in city.districts], dtype=float)
    off_share = 1.0 - grid_share

    at_home = share_of_cars_at_home(start)
    bev_units, phev_units = v2h_households_per_district(city, scenario)
    cohorts = Cohorts.build(fleet, city.country)
    weights = np.where(cohorts.is_phev[None, :], phev_units[:, None], bev_units[:, None]) * (
        cohorts.share_within_powertrain[None, :] * at_home
    )

    # A household restored later than its district's first customers has been off since hour 0, so
    # one trajectory per distinct on/off pattern serves every district; the last column is "never restored".
    off = grid_share < 1.0
    patterns, pattern_of_district = np.unique(off.T, axis=0, return_inverse=True)
    patterns = np.vstack([patterns, np.ones((1, n_hours), dtype=bool)]).T

    reserve = fleet.reserve_soc if scenario.reserve_soc is None else scenario.reserve_soc
    home_pv_kw = city.home_pv_kwp_per_system * pv_kw_per_kwp
    # The PV multiplier scales all home PV: the number of PV homes without a car unit (below) and,
    # since a V2H home has one roof, the size of the system on each V2H home with PV.
    pv_units = np.where(cohorts.has_pv[None, :], home_pv_kw[:, None] * scenario.pv_multiplier, 0.0)
    # Each PHEV model's own engine yield (the carmaker's claim, data/vehicles), the fleet's figure as fallback.
    engine_per_litre = np.array([engine_kwh_per_litre(v, fleet.phev_kwh_per_litre) if phev else 0.0
                                 for v, phev in zip(cohorts.vehicle_id, cohorts.is_phev, strict=True)], dtype=float)
    served_pv, served_car, served_engine, _ = dispatch_storage(
        outage_load_kw, pv_units, patterns,
        cohorts.capacity_kwh, cohorts.soc0, np.full(len(cohorts.soc0), reserve),
        soc_max=fleet.soc_max, power_kw=fleet.v2h_kw,
        discharge_efficiency=fleet.discharge_efficiency, charge_efficiency=fleet.charge_efficiency,
        engine_kwh0=engine_per_litre * fleet.phev_tank_litres_at_start,
        engine_kwh_added=petrol_litres_per_vehicle[:, None] * engine_per_litre[None, :],
    )
    served = served_pv + served_car + served_engine
    fully = (outage_load_kw[:, None, None] - served) <= UNMET_TOLERANCE_KWH

    district_patterns = pattern_of_district.ravel()
    car_kwh = np.einsum("dc,tdc->td", weights, (served_car + served_engine)[:, :, district_patterns].transpose(0, 2, 1))
    cohort_pv_kwh = np.einsum("dc,tdc->td", weights, served_pv[:, :, district_patterns].transpose(0, 2, 1))
    cohort_powered = np.einsum("dc,tdc->td", weights, fully[:, :, district_patterns].transpose(0, 2, 1))

    pv_homes = np.array([d.pv_kwp for d in city.districts]) * scenario.pv_multiplier / city.home_pv_kwp_per_system
    v2h_units = bev_units + phev_units
    outlet_homes = np.maximum(pv_homes - v2h_units * fleet.v2h_households_with_pv_share, 0.0) * (
        np.array([d.pv_self_sustaining_share for d in city.districts])
    )
    outlet_homes = np.minimum(outlet_homes, households - v2h_units * at_home)
    outlet_kw = np.minimum.reduce([outage_load_kw, np.full(n_hours, city.pv_outlet_kw), home_pv_kw])
    outlet_powered = (outage_load_kw - outlet_kw) <= UNMET_TOLERANCE_KWH

    grid_kwh = households[None, :] * grid_share * (normal_load_kw * factor)[:, None]
    demand_kwh = grid_kwh + households[None, :] * off_share * outage_load_kw[:, None]
    v2h_kwh = off_share * car_kwh
    pv_kwh = off_share * (cohort_pv_kwh + outlet_homes[None, :] * outlet_kw[:, None])
    powered = off_share * (cohort_powered + outlet_homes[None, :] * outlet_powered[:, None])
    households_off = households[None, :] * off_share

    soc_start = cohorts.soc0
    usable = usable_energy_kwh(cohorts.capacity_kwh, soc_start, reserve, fleet.discharge_efficiency)
    # City-wide V2H figures count the households the outage reaches: a district's peak off-grid share.
    exposed = (1.0 - grid_share).max(axis=0) if n_hours else np.zeros(n_districts)
    city_weights = (weights * exposed[:, None]).sum(axis=0)
    backup_hours = hours_fully_served(
        np.broadcast_to(outage_load_kw[:, None], served[:, :, -1].shape), served[:, :, -1]
    )
    with_pv = cohorts.has_pv.astype(bool)
    return HouseholdRun(
        demand_kwh=demand_kwh,
        grid_kwh=grid_kwh,
        pv_kwh=pv_kwh,
        v2h_kwh=v2h_kwh,
        unserved_kwh=np.maximum(demand_kwh - grid_kwh - pv_kwh - v2h_kwh, 0.0),
        households_off_grid=households_off,
        households_powered_by_backup=powered,
        households_without_power=np.maximum(households_off - powered, 0.0),
        v2h_households=bev_units + phev_units,
        v2h_households_hit=float(((bev_units + phev_units) * exposed).sum()),
        v2h_households_at_home=(bev_units + phev_units) * at_home,
        usable_v2h_kwh=float((city_weights * usable).sum()),
        backup_hours_median=weighted_quantile(backup_hours, city_weights, 0.5),
        backup_hours_p10=weighted_quantile(backup_hours, city_weights, 0.1),
        backup_hours_median_with_pv=weighted_quantile(backup_hours, city_weights * with_pv, 0.5),
        backup_hours_median_without_pv=weighted_quantile(backup_hours, city_weights * ~with_pv, 0.5),
        households_covered=float(city_weights[usable > 0].sum()),
    )
