"""City key performance indicators of an outage run (MODEL §8)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from resilience.storage import UNMET_TOLERANCE_KWH


def first_shortfall_hour(unserved_kwh: np.ndarray) -> np.ndarray:
    """Hour of the first unmet load of each column, or -1 where every hour is served.

    Parameters
    ----------
    unserved_kwh : array of shape (n_hours, n_columns)

    Returns
    -------
    array of int, shape (n_columns,)
        Equal to the number of whole hours fully served before the first
        shortfall; -1 for "never short within the horizon".
    """
    short = unserved_kwh > UNMET_TOLERANCE_KWH
    return np.where(short.any(axis=0), short.argmax(axis=0), -1)


@dataclass(frozen=True)
class CityKPIs:
    """Headline figures of one run; ``None`` means "not reached within the horizon".

    Attributes
    ----------
    horizon_h : int
    critical_autonomy_h : int or None
        Hours until the first facility has unmet load.
    critical_autonomy_by_type_h : dict
        The same for the first facility of each type.
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
    v2h_backup_days_median, v2h_backup_days_p10 : float
        Days a covered household keeps its outage-mode load if the outage never ends,
        capped at the horizon: a value of ``horizon_h / 24`` means "at least that long".
    v2h_mwh_available : float
        Energy the covered cars can deliver at the start [MWh].
    v2h_days_for_covered : float
        ``v2h_mwh_available`` ÷ the covered households' daily outage-mode demand [days].
    diesel_litres_start, diesel_litres_end : float
        Diesel in the tanks of the facilities the outage reaches (those that
        lose the grid at some hour) plus the depot [L].
    diesel_autonomy_h : float
        Diesel at the start ÷ the burn of those facilities' generators serving
        their critical load [h].
    petrol_days_of_supply_start, petrol_days_of_supply_min : float
        City-wide station stock ÷ daily demand [days].
    stations_operating_share_min : float
        Lowest share of filling stations able to pump [fraction].
    """

    horizon_h: int
    critical_autonomy_h: int | None
    critical_autonomy_by_type_h: dict
    critical_energy_served_pct: float
    households_without_power_start: float
    households_without_power_peak: float
    households_without_power_peak_hour: int
    household_hours_lost: float
    share_restored_end: float
    v2h_households: float
    v2h_households_covered: float
    v2h_backup_days_median: float
    v2h_backup_days_p10: float
    v2h_mwh_available: float
    v2h_days_for_covered: float
    diesel_litres_start: float
    diesel_litres_end: float
    diesel_autonomy_h: float
    petrol_days_of_supply_start: float
    petrol_days_of_supply_min: float
    stations_operating_share_min: float

    def to_dict(self) -> dict:
        """JSON-compatible data (floats rounded to 4 significant decimals, non-finite as None)."""

        def clean(value):
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, (float, np.floating)):
                return round(float(value), 4) if np.isfinite(value) else None
            if isinstance(value, np.integer):
                return int(value)
            return value

        return {key: clean(value) for key, value in asdict(self).items()}
