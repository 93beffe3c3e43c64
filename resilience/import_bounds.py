"""Plausibility bounds and the rules across fields: values the records accept but no real city has.

``BOUNDS`` holds the plausible range of each column and ``city.csv`` key, such
as no 1e308 kW or altitude of 10⁹ m (``data/README.md`` lists them for people).
The rules across fields: V2H units ≤ households ≤ population in each district,
a home PV outlet within its PV system, a facility near its district and the
city centre near the districts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from resilience.import_problems import MAX_SHOWN_CHARS, _amount, _Collector
from resilience.import_reading import _RawTable
from resilience.records import MAX_HOME_PV_KWP, MAX_HOUSEHOLD_KWH_PER_DAY

# --------------------------------------------------------------------------------------------
# Plausibility bounds: what the records accept (≥ 0, finite) but no real city has. Each bound is
# written once, here, with its reason; data/README.md lists them for people.
# --------------------------------------------------------------------------------------------

#: Altitude of a city centre [m]: the Dead Sea shore (−430 m) is the lowest land, La Rinconada (5,100 m) the
#: highest town; 9,000 m is above Everest.
ALTITUDE_RANGE_M = (-500.0, 9_000.0)
#: Households in one district: Tokyo's 23 wards together have about 5.4 million.
MAX_DISTRICT_HOUSEHOLDS = 10_000_000
#: Residents of one district: Chongqing, the most populous municipality on Earth, has about 32 million.
MAX_DISTRICT_POPULATION = 40_000_000
#: BEVs, or PHEVs, in one district: Tokyo has about 3 million cars of all kinds.
MAX_DISTRICT_VEHICLES = 10_000_000
#: Filling stations in one district: Japan has about 27,000 in all, Germany about 14,000.
MAX_DISTRICT_STATIONS = 10_000
#: Rooftop PV of one district [kWp]: 100 GWp is about Germany's whole PV fleet.
MAX_DISTRICT_PV_KWP = 100_000_000.0
#: Sites in one facility row: more than any city's shelters (Saitama has 258, Tokyo about 3,000).
MAX_FACILITY_SITES = 10_000
#: Power of one site [kW] (critical load, generator, battery, PV): 100 MW, more than the largest hospitals and
#: data centres draw. An aggregate row may hold ``sites`` times this.
MAX_SITE_KW = 100_000.0
#: Battery energy of one site [kWh]: 1 GWh, as much as the largest grid batteries.
MAX_SITE_BATTERY_KWH = 1_000_000.0
#: Diesel tank of one site [L]: a month at full load of a 100 MW generator (100,000 kW × 0.262 L/kWh × 720 h
#: ≈ 18.9 million L). The fuel in it is bounded by the tank.
MAX_SITE_TANK_LITRES = 20_000_000.0
#: Generator fuel per kWh delivered [L/kWh] of a real set (the engine runs up to
#: resilience.records.MAX_FUEL_SLOPE_L_PER_KWH, 10): a litre of diesel holds about 10 kWh, so 1 L/kWh is a set that
#: turns only 10 % of it into electricity (the default is 0.262).
PLAUSIBLE_FUEL_SLOPE_L_PER_KWH = 1.0
#: Generator idle burn per kW rated [L/h per kW] of a real set (the engine runs up to 1): 14 times the default 0.007.
PLAUSIBLE_FUEL_INTERCEPT_L_PER_H_PER_KW = 0.1
#: Diesel the city can hand out, and its delivery per day [L, L/day]: 100 million L, 180 times Saitama's
#: 560,200 L and more than a large refinery's tank farm.
MAX_CITY_DIESEL_LITRES = 100_000_000.0
#: Hours to the first diesel delivery [h]: a year, the longest outage Kizuna simulates.
MAX_FIRST_DELIVERY_H = 8_760.0
#: Normal petrol stock of one filling station [L]: large motorway stations hold about 100,000 L.
MAX_STATION_PETROL_LITRES = 200_000.0
#: Cars per household that need petrol.
MAX_VEHICLES_PER_HOUSEHOLD = 10.0
#: Petrol of one car [L, L/day]: its tank at the start, its daily purchase, its ration per visit; 200 L is more
#: than the tank of any car or van (the household page allows the same 200 L).
MAX_CAR_PETROL_LITRES = 200.0
# A household's electricity use and a home PV system share the engine's limits
# (resilience.records.MAX_HOUSEHOLD_KWH_PER_DAY, MAX_HOME_PV_KWP): a city may not hold more than a household
# page accepts.
#: Power of a V2H unit [kW]: the household page allows the same 50 kW; sold units give 6–10 kW.
MAX_V2H_KW = 50.0
#: Electricity a PHEV engine makes per litre of petrol [kWh/L]: a litre of petrol holds about 8.9 kWh.
MAX_PHEV_KWH_PER_LITRE = 8.9
#: How far a facility may lie outside its district's boundary box [km]: a water works serving a district may
#: stand outside it, but 50 km catches swapped latitude and longitude, a lost minus sign and a blank (0, 0).
MAX_FACILITY_DISTANCE_KM = 50.0
#: How far the city centre (the sun position) may lie from the districts' boundary box [km].
MAX_CENTRE_DISTANCE_KM = 100.0
#: Mean radius of the Earth [km], for distances in those checks.
EARTH_RADIUS_KM = 6_371.0


@dataclass(frozen=True)
class Bound:
    """The plausible range of one column or ``city.csv`` key.

    Attributes
    ----------
    high : float
        Largest plausible value [the column's unit]; per site when ``per_site``.
    unit : str
        Unit shown in messages ('' for counts).
    why : str
        Why no real city exceeds it, shown in the message.
    low : float or None
        Smallest plausible value, where the records' own lower bound is not enough.
    per_site : bool
        Whether ``high`` applies to the value divided by the row's ``sites``.
    """

    high: float
    unit: str
    why: str
    low: float | None = None
    per_site: bool = False

    def violation(self, name: str, value: float, sites: int = 1) -> str | None:
        """The message for ``value`` out of range, or None.

        Parameters
        ----------
        name : str
            Column or key, e.g. ``'critical_load_kw'``.
        value : float
            The value [the column's unit]; a total over ``sites`` when ``per_site``.
        sites : int
            Sites of the facility row (≥ 1).

        Examples
        --------
        >>> BOUNDS["city"]["altitude_m"].violation("altitude_m", 1e9)
        'altitude_m = 1,000,000,000 m is outside -500 to 9,000 m: from the Dead Sea shore to above the highest town'
        >>> BOUNDS["city"]["altitude_m"].violation("altitude_m", 12.0) is None
        True
        """
        unit = f" {self.unit}" if self.unit else ""
        if self.low is not None and not self.low <= value <= self.high:
            return (f"{name} = {_amount(value)}{unit} is outside {_amount(self.low)} to {_amount(self.high)}{unit}: "
                    f"{self.why}")
        per = value / sites if self.per_site and sites > 1 else value
        if per <= self.high:
            return None
        if self.per_site:
            over = f" over {sites:,} sites" if sites > 1 else ""
            return f"{name} = {_amount(value)}{unit}{over} is more than {_amount(self.high)}{unit} per site: {self.why}"
        return f"{name} = {_amount(value)}{unit} is more than {_amount(self.high)}{unit}: {self.why}"


_UNIT_HINT = "; check the unit"
#: The plausibility bound of each column (tables ``districts`` and ``facilities``) and ``city.csv`` key.
BOUNDS: dict[str, dict[str, Bound]] = {
    "city": {
        "altitude_m": Bound(ALTITUDE_RANGE_M[1], "m", "from the Dead Sea shore to above the highest town",
                            low=ALTITUDE_RANGE_M[0]),
        "household_kwh_per_day": Bound(MAX_HOUSEHOLD_KWH_PER_DAY, "kWh/day",
                                       "3.4 times a US household's use" + _UNIT_HINT + " (kWh per day, not per year)"),
        "home_pv_kwp_per_system": Bound(MAX_HOME_PV_KWP, "kWp", "home PV systems are below 30 kWp" + _UNIT_HINT),
        "diesel.depot_litres": Bound(MAX_CITY_DIESEL_LITRES, "L", "more than a large refinery's tank farm"
                                     + _UNIT_HINT),
        "diesel.delivery_litres_per_day": Bound(MAX_CITY_DIESEL_LITRES, "L/day",
                                                "more than a large refinery's tank farm" + _UNIT_HINT),
        "diesel.first_delivery_h": Bound(MAX_FIRST_DELIVERY_H, "h", "a year, the longest outage Kizuna simulates"),
        "petrol.stock_litres_per_station": Bound(MAX_STATION_PETROL_LITRES, "L",
                                                 "large motorway stations hold about 100,000 L" + _UNIT_HINT),
        "petrol.vehicles_per_household": Bound(MAX_VEHICLES_PER_HOUSEHOLD, "vehicles/household",
                                               "cars per household, not in the whole city"),
        "petrol.demand_litres_per_vehicle_per_day": Bound(MAX_CAR_PETROL_LITRES, "L/day",
                                                          "more than any car's tank, every day"),
        "petrol.ration_litres_per_visit": Bound(MAX_CAR_PETROL_LITRES, "L", "more than any car's tank"),
        "fleet.v2h_kw": Bound(MAX_V2H_KW, "kW", "V2H units give 6–10 kW" + _UNIT_HINT),
        "fleet.phev_kwh_per_litre": Bound(MAX_PHEV_KWH_PER_LITRE, "kWh/L",
                                          "a litre of petrol holds about 8.9 kWh in all"),
        "fleet.phev_tank_litres_at_start": Bound(MAX_CAR_PETROL_LITRES, "L", "more than any car's tank"),
    },
    "districts": {
        "households": Bound(MAX_DISTRICT_HOUSEHOLDS, "", "more than Tokyo's 23 wards together (about 5.4 million)"),
        "population": Bound(MAX_DISTRICT_POPULATION, "", "more than the most populous municipality on Earth"),
        "bev_count": Bound(MAX_DISTRICT_VEHICLES, "", "more than all the cars of Tokyo"),
        "phev_count": Bound(MAX_DISTRICT_VEHICLES, "", "more than all the cars of Tokyo"),
        "filling_stations": Bound(MAX_DISTRICT_STATIONS, "", "Japan has about 27,000 in all, Germany 14,000"),
        "pv_kwp": Bound(MAX_DISTRICT_PV_KWP, "kWp", "about Germany's whole PV fleet" + _UNIT_HINT + " (kWp, not Wp)"),
    },
    "facilities": {
        "sites": Bound(MAX_FACILITY_SITES, "", "more sites than any city's shelters"),
        "critical_load_kw": Bound(MAX_SITE_KW, "kW", "more than the largest hospitals and data centres draw"
                                  + _UNIT_HINT + " (kW, not W)", per_site=True),
        "generator_kw": Bound(MAX_SITE_KW, "kW", "100 MW is a power station" + _UNIT_HINT + " (kW, not W)",
                              per_site=True),
        "battery_kw": Bound(MAX_SITE_KW, "kW", "100 MW is a grid battery" + _UNIT_HINT + " (kW, not W)",
                            per_site=True),
        "battery_kwh": Bound(MAX_SITE_BATTERY_KWH, "kWh", "as much as the largest grid batteries" + _UNIT_HINT
                             + " (kWh, not Wh)", per_site=True),
        "pv_kwp": Bound(MAX_SITE_KW, "kWp", "100 MWp is a solar farm" + _UNIT_HINT + " (kWp, not Wp)",
                        per_site=True),
        "tank_litres": Bound(MAX_SITE_TANK_LITRES, "L", "a month of a 100 MW generator at full load"
                             + _UNIT_HINT + " (litres, not millilitres)", per_site=True),
        "fuel_slope_l_per_kwh": Bound(PLAUSIBLE_FUEL_SLOPE_L_PER_KWH, "L/kWh",
                                      "a litre of diesel holds about 10 kWh (the default is 0.262)"),
        "fuel_intercept_l_per_h_per_kw": Bound(PLAUSIBLE_FUEL_INTERCEPT_L_PER_H_PER_KW, "L/h per kW",
                                               "14 times the default 0.007"),
    },
}


def _record(kind: str, row: dict) -> str | None:
    """A row's record for messages, e.g. ``"district '11107'"`` (None without an id)."""
    ident = row.get("id")
    if ident is None:
        return None
    shown = ident if len(ident) <= MAX_SHOWN_CHARS else ident[: MAX_SHOWN_CHARS - 1] + "…"
    return f"{kind} '{shown}'"


_RECORD_KIND = {"districts": "district", "facilities": "facility"}


def _check_bounds(raw: _RawTable, rows: list[tuple[int, dict]], table: str, out: _Collector) -> None:
    """Every value of ``table`` (districts or facilities) within its plausibility bound (:data:`BOUNDS`)."""
    for number, row in rows:
        sites = row.get("sites")
        sites = sites if isinstance(sites, int) and sites >= 1 else 1
        for column, bound in BOUNDS[table].items():
            value = row.get(column)
            message = None if value is None else bound.violation(column, value, sites)
            if message:
                out.add(raw.note(number, _record(_RECORD_KIND[table], row), message))


def _check_district_counts(raw: _RawTable, rows: list[tuple[int, dict]], out: _Collector) -> None:
    """V2H units ≤ households ≤ population, in each district (so also in the whole city)."""
    for number, row in rows:
        households, people, units = row.get("households"), row.get("population"), row.get("v2h_units")
        if units is not None and households is not None and units > households:
            out.add(raw.note(number, _record("district", row),
                             f"v2h_units = {_amount(units)} is more than its households ({_amount(households)}); "
                             "each V2H unit serves one household"))
        if households is not None and people is not None and households > people:
            out.add(raw.note(number, _record("district", row),
                             f"households = {_amount(households)} is more than its population "
                             f"({_amount(people)} people); a household has at least one person"))


def _check_city(raw: _RawTable, values: dict[str, Any], rows: dict[str, int], out: _Collector) -> None:
    """``city.csv``: each key given within its plausibility bound, a home PV outlet within its PV system."""
    for key, bound in BOUNDS["city"].items():
        message = bound.violation(key, values[key]) if key in rows else None
        if message:
            out.add(raw.note(rows[key], None, message))
    outlet, system = values.get("pv_outlet_kw"), values.get("home_pv_kwp_per_system")
    if "pv_outlet_kw" in rows and outlet is not None and system is not None and outlet > system:
        out.add(raw.note(rows["pv_outlet_kw"], None,
                         f"pv_outlet_kw = {_amount(outlet)} kW is more than home_pv_kwp_per_system "
                         f"({_amount(system)} kWp); a PV system gives at most its peak power without the grid"))


def _district_boxes(geometry: dict) -> dict[str, tuple[float, float, float, float]]:
    """Each district's boundary box (west, east, south, north) [degrees], from checked geometry."""
    boxes = {}
    for feature in geometry["features"]:
        shape = feature["geometry"]
        polygons = [shape["coordinates"]] if shape["type"] == "Polygon" else shape["coordinates"]
        points = np.concatenate([np.asarray(ring, dtype=float)[:, :2] for polygon in polygons for ring in polygon])
        boxes[feature["properties"]["district_id"]] = (points[:, 0].min(), points[:, 0].max(),
                                                       points[:, 1].min(), points[:, 1].max())
    return boxes


def _km_outside(box: tuple[float, float, float, float], latitude: float, longitude: float) -> float:
    """How far a point lies outside a boundary box [km] (0 inside it).

    Parameters
    ----------
    box : (west, east, south, north)
        Longitudes and latitudes [degrees].
    latitude, longitude : float
        The point [degrees].

    Returns
    -------
    float
        Great-circle distance [km] from the point to the box's nearest corner or
        edge point in latitude and longitude (exact enough for a plausibility
        check); a box across the 180° meridian is not supported.

    Examples
    --------
    >>> round(_km_outside((139.54, 139.76, 35.83, 36.0), 35.9, 139.65))
    0
    >>> round(_km_outside((139.54, 139.76, 35.83, 36.0), 34.83, 139.65))  # a degree south
    111
    """
    west, east, south, north = box
    near_lat, near_lon = min(max(latitude, south), north), min(max(longitude, west), east)
    phi1, phi2 = math.radians(latitude), math.radians(near_lat)
    half = (math.sin((phi2 - phi1) / 2) ** 2
            + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(near_lon - longitude) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half)))


def _check_places(raws: dict[str, _RawTable | None], typed: dict[str, list[tuple[int, dict]]],
                  city: tuple[dict[str, Any], dict[str, int]], geometry: dict, out: _Collector) -> None:
    """Each facility near its district, the city centre near the districts (catches swapped or zero coordinates)."""
    boxes = _district_boxes(geometry)
    if not boxes:
        return
    fix = "check for swapped latitude and longitude, a lost minus sign or a blank location (0, 0)"
    for number, row in typed.get("facilities", []):
        district, latitude, longitude = row.get("district_id"), row.get("latitude"), row.get("longitude")
        if district not in boxes or latitude is None or longitude is None:
            continue
        km = _km_outside(boxes[district], latitude, longitude)
        if km > MAX_FACILITY_DISTANCE_KM:
            out.add(raws["facilities"].note(
                number, _record("facility", row),
                f"latitude, longitude = {_amount(latitude)}, {_amount(longitude)} is {km:,.0f} km outside its "
                f"district '{district}' (its boundary in the geometry); a facility may be at most "
                f"{MAX_FACILITY_DISTANCE_KM:g} km outside its district: {fix}"))
    values, rows = city
    if "latitude" not in rows or "longitude" not in rows:
        return
    whole = tuple(f(box[i] for box in boxes.values()) for i, f in enumerate((min, max, min, max)))
    km = _km_outside(whole, values["latitude"], values["longitude"])
    if km > MAX_CENTRE_DISTANCE_KM:
        out.add(raws["city"].note(
            rows["latitude"], None,
            f"latitude, longitude = {_amount(values['latitude'])}, {_amount(values['longitude'])} is {km:,.0f} km "
            f"from the districts; the city centre may be at most {MAX_CENTRE_DISTANCE_KM:g} km from them: {fix}"))
