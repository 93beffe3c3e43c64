"""City key performance indicators of an outage run (docs/model.md §8)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from resilience.storage import UNMET_TOLERANCE_KWH

#: A site falls short in an hour when more than this share of the hour's load goes unmet
#: (docs/model.md §8): 0.5 % of an hour is 18 s, about the 15-s start-up an emergency set is allowed
#: [S78]. Relative, so that a gap of seconds on a 1 MWh hospital hour (a tank that holds just the hours
#: until the first delivery) is not a shortfall, while any gap a site would notice is.
SHORTFALL_SHARE_OF_LOAD = 0.005


def shortfall(unserved_kwh: np.ndarray, demand_kwh: np.ndarray) -> np.ndarray:
    """Whether each hour and column falls short: unmet energy above 0.5 % of the hour's load.

    Parameters
    ----------
    unserved_kwh, demand_kwh : arrays of the same shape
        Unmet energy and the load of each hour [kWh].

    Returns
    -------
    numpy.ndarray of bool
    """
    tolerance = np.maximum(SHORTFALL_SHARE_OF_LOAD * np.asarray(demand_kwh, dtype=float), UNMET_TOLERANCE_KWH)
    return np.asarray(unserved_kwh, dtype=float) > tolerance


def first_shortfall_hour(unserved_kwh: np.ndarray, demand_kwh: np.ndarray) -> np.ndarray:
    """Hour of the first shortfall (:func:`shortfall`) of each column, or -1 where every hour is served.

    Parameters
    ----------
    unserved_kwh, demand_kwh : arrays of shape (n_hours, n_columns)
        Unmet energy and load [kWh].

    Returns
    -------
    array of int, shape (n_columns,)
        Equal to the number of whole hours served before the first
        shortfall; -1 for "never short within the horizon".
    """
    short = shortfall(unserved_kwh, demand_kwh)
    return np.where(short.any(axis=0), short.argmax(axis=0), -1)


def hour_when_share_short(first_hour: np.ndarray, sites: np.ndarray, share: float) -> int | None:
    """Hour by which at least ``share`` of the sites have fallen short, or ``None`` within the horizon.

    Parameters
    ----------
    first_hour : int array of shape (n_rows,)
        First shortfall hour of each row (-1: never), as from :func:`first_shortfall_hour`.
    sites : array of shape (n_rows,)
        Sites each row stands for [count].
    share : float
        e.g. 0.5 for "half the sites" [fraction].

    Returns
    -------
    int or None
    """
    sites = np.asarray(sites, dtype=float)
    total = sites.sum()
    short = first_hour >= 0
    if total <= 0 or sites[short].sum() < share * total - 1e-9:
        return None
    order = np.argsort(np.where(short, first_hour, np.iinfo(np.int64).max), kind="stable")
    cumulative = np.cumsum(sites[order])
    position = int(np.searchsorted(cumulative, share * total - 1e-9))
    return int(first_hour[order][position])


@dataclass(frozen=True)
class CityKPIs:
    """Headline figures of one run; ``None`` means "not reached within the horizon" unless stated.

    Attributes
    ----------
    horizon_h : int
    critical_sites_hit : int
        Critical sites the outage reaches (that lose the grid at some hour) [sites].
    critical_autonomy_h : int or None
        Hours until the first site the outage reaches *with adequate backup*
        falls short (more than 0.5 % of an hour's load unmet).
    critical_autonomy_by_type_h, critical_half_short_by_type_h : dict
        Per facility type, over the sites the outage reaches (adequate backup
        or not): hours until the first site, and until half of the sites,
        fall short.
    sites_without_adequate_backup : int
        Sites the outage reaches whose generator cannot carry 80 % of their
        load (or that have none) [sites]; they fall short by design.
    sites_without_adequate_backup_by_type : dict
    facilities_without_adequate_backup : tuple of str
        Ids of those facility rows.
    sites_kept_by_grid_restoration, sites_kept_by_own_backup : int
        Sites the outage reaches that never fall short: because the grid came
        back before their own backup ran out, or on their own backup and
        deliveries alone [sites].
    critical_energy_served_pct : float
        Critical energy served over the horizon [%].
    households_without_power_start, households_without_power_peak : float
        At hour 0 and at the worst hour [households].
    households_without_power_peak_hour : int
    household_hours_lost : float
        Sum over hours of households without power [household-hours].
    share_restored_end : float
        Households with grid in the last hour [fraction].
    v2h_households : float
        Households with a V2H unit that the outage reaches [households].
    v2h_households_covered : float
        Of those, cars at home above the reserve at the start.
    v2h_backup_days_median, v2h_backup_days_p10 : float or None
        Days a covered household keeps its outage-mode load if the outage never ends,
        capped at the horizon: a value of ``horizon_h / 24`` means "at least that long";
        ``None`` when no V2H household is covered.
    v2h_backup_days_median_with_pv, v2h_backup_days_median_without_pv : float or None
        The median for covered households with and without home PV.
    v2h_mwh_available : float
        Energy the covered cars can deliver at the start [MWh].
    v2h_days_for_covered : float or None
        ``v2h_mwh_available`` ÷ the covered households' daily outage-mode demand [days].
    diesel_litres_start, diesel_litres_end : float
        Diesel in stock: the tanks of the sites the outage reaches plus the
        depot [L]. The one definition used in every table, chart and export.
    diesel_tank_hours_first, diesel_tank_hours_median : float or None
        Over the sites the outage reaches that have a generator: hours their
        own tank runs the generator at the critical load, for the first to run
        dry and the median site [h]; ``None`` if no such site.
    diesel_first_shortfall_with_deliveries_h : int or None
        Hours until the first site with adequate backup falls short if the
        grid never came back, with depot deliveries at their rate [h].
    depot_days_of_deliveries : float or None
        Depot stock ÷ its delivery rate [days]; ``None`` without deliveries.
    petrol_days_of_supply_start, petrol_days_of_supply_min : float
        Petrol at the stations able to pump ÷ the city's normal daily demand [days].
    stations_operating_share_min : float
        Lowest share of filling stations able to pump [fraction].
    """

    horizon_h: int
    critical_sites_hit: int
    critical_autonomy_h: int | None
    critical_autonomy_by_type_h: dict
    critical_half_short_by_type_h: dict
    sites_without_adequate_backup: int
    sites_without_adequate_backup_by_type: dict
    facilities_without_adequate_backup: tuple
    sites_kept_by_grid_restoration: int
    sites_kept_by_own_backup: int
    critical_energy_served_pct: float
    households_without_power_start: float
    households_without_power_peak: float
    households_without_power_peak_hour: int
    household_hours_lost: float
    share_restored_end: float
    v2h_households: float
    v2h_households_covered: float
    v2h_backup_days_median: float | None
    v2h_backup_days_p10: float | None
    v2h_backup_days_median_with_pv: float | None
    v2h_backup_days_median_without_pv: float | None
    v2h_mwh_available: float
    v2h_days_for_covered: float | None
    diesel_litres_start: float
    diesel_litres_end: float
    diesel_tank_hours_first: float | None
    diesel_tank_hours_median: float | None
    diesel_first_shortfall_with_deliveries_h: int | None
    depot_days_of_deliveries: float | None
    petrol_days_of_supply_start: float
    petrol_days_of_supply_min: float
    stations_operating_share_min: float

    def to_dict(self) -> dict:
        """JSON-compatible data (floats rounded to 4 significant decimals, non-finite as None)."""

        def clean(value):
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, tuple):
                return [clean(v) for v in value]
            if isinstance(value, (float, np.floating)):
                return round(float(value), 4) if np.isfinite(value) else None
            if isinstance(value, np.integer):
                return int(value)
            return value

        return {key: clean(value) for key, value in asdict(self).items()}
