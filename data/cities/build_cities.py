"""Build the bundled cities ``data/cities/saitama/`` and ``data/cities/berlin/``.

Run from the repository root: ``.venv/bin/python data/cities/build_cities.py``.

Inputs are only the verbatim sources in ``data/sources/`` (see its
PROVENANCE.md) and the figures below, each quoted with its source id in
``docs/sources.md`` ([S1], [S2], …) or marked as an assumption. Every method that turns them into table values is
written here once and repeated in the ``provenance.csv`` of each city, so a
reader can check (and a city engineer can replace) every estimate.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from resilience.citydata import export_tables  # noqa: E402
from resilience.importing import CITY_KEYS, COLUMNS, CityTables  # noqa: E402
from resilience.loads import DAY_WEIGHT_HIGH  # noqa: E402

SOURCES = ROOT / "data" / "sources"
OUT = ROOT / "data" / "cities"

# --- Shared engineering figures (assumptions unless a source id is given) --------------------
#: docs/model.md §7 fuel curve, fitted through [S61] (1 MW set: 138 L/h at half load, 269 L/h at full load).
FUEL_SLOPE_L_PER_KWH = 0.262
FUEL_INTERCEPT_L_PER_H_PER_KW = 0.007
FULL_LOAD_L_PER_KWH = FUEL_SLOPE_L_PER_KWH + FUEL_INTERCEPT_L_PER_H_PER_KW
FUEL_METHOD = ("default of docs/model.md §7, fitted through the fuel chart [S61] (1 MW: 138 L/h at 50 %, "
               "269 L/h at 100 %)")
#: Average electric load of a hospital per bed (≈ 10,500 kWh per bed and year), assumption.
KW_PER_BED = 1.2
#: [S62]: JP disaster base hospitals hold generators for ≈ 60 % of normal load.
HOSPITAL_CRITICAL_SHARE = 0.6
#: Water supply energy (intake, treatment, distribution), typical for Japan and Germany, assumption.
WATER_KWH_PER_M3 = 0.45
#: Telecom access network and base stations per resident, assumption.
TELECOM_KW_PER_PERSON = 0.003
TELECOM_GENERATOR_SHARE = 0.5
TELECOM_BATTERY_H = 3.0
TELECOM_FUEL_H = 24.0
#: A shelter or information point: lighting, phone charging, fans or heaters, assumption.
SHELTER_KW_PER_SITE = 10.0
WARD_OFFICE_KW = 150.0
CITY_HALL_EXTRA_KW = 400.0
#: Offsets of each facility type from the ward's interior point [degrees lat, lon]: approximate locations.
TYPE_OFFSETS = {"hospital": (0.006, 0.0), "water": (-0.006, 0.0), "telecom": (0.0, 0.008),
                "shelter": (0.0, -0.008), "city_hall": (0.0, 0.0)}
LOCATION_METHOD = ("approximate: an interior point of the district (area centroid, moved inside if needed) "
                   "offset by about 0.5–0.9 km per facility type; not the real address")

# --- Japan / Saitama -------------------------------------------------------------------------
JP_POPULATION = 124_000_000  # rounded, 2024 (Statistics Bureau estimate ≈ 123.8 M); no stored source
#: [S53, S54]: EV stock FY2019 end 117,315 plus new BEV sales 2020–2023 (14,604 + 21,139 + 31,592 + 43,991).
JP_BEV_STOCK_2023 = 117_315 + 14_604 + 21_139 + 31_592 + 43_991
#: [S53]: PHV stock FY2019 end 136,208, grown like the BEV stock (no PHEV sales for 2020–2022 were found).
JP_PHEV_STOCK_2023 = round(136_208 * JP_BEV_STOCK_2023 / 117_315)
JP_FILLING_STATIONS = 27_009  # [S66], FY2024 end
JP_STATIONS_BACKUP_SHARE = 0.522  # [S68]: 住民拠点SS 14,323 = 52.2 % of SS (30 Nov 2024)
SAITAMA_SHELTERS = 258  # [S72]
SAITAMA_HOSPITALS_PER_100K = 4.6  # Saitama Prefecture ≈ 340 hospitals / 7.3 M; assumption (no stored source)
SAITAMA_BEDS_PER_100K = 850  # Saitama Prefecture rate, among Japan's lowest; assumption (no stored source)
SAITAMA_WATER_M3_PER_PERSON_DAY = 0.32  # assumption: typical Japanese city supply per resident
#: [S73]: wards with a disaster base hospital (自治医大さいたま医療センター 大宮区, 市民医療センター 西区,
#: 県立小児医療センター 中央区).
SAITAMA_BASE_HOSPITAL_WARDS = {"11101": "さいたま市民医療センター", "11103": "自治医科大学附属さいたま医療センター",
                               "11105": "埼玉県立小児医療センター"}
SAITAMA_CITY_HALL_WARD = "11107"  # Urawa

# --- Germany / Berlin ------------------------------------------------------------------------
DE_BEV_STOCK_2025 = 1_650_000  # KBA, 1 Jan 2025 (≈ 1.65 M); no stored source
DE_PHEV_STOCK_2025 = 970_000  # KBA, 1 Jan 2025 (≈ 0.97 M); no stored source
BERLIN_CAR_SHARE_OF_DE = 1.24 / 49.3  # ≈ 1.24 M of 49.3 M passenger cars (KBA 2025); no stored source
DE_FILLING_STATIONS = 14_018  # [S69], 1 Jan 2025
DE_STATIONS_BACKUP_SHARE = 0.02  # [S70]: "nur die wenigsten"; Sachsen-Anhalt "nur neun" of ≈ 500
BERLIN_HOUSEHOLDS = 2_200_000  # [S43]: "mehr als 2,2 Millionen Privathaushalte" (end 2024)
# Normal petrol demand per car: what the stations normally sell, so normal deliveries equal normal demand.
# Saitama: Japan's ≈ 45 GL of petrol a year (national sales, assumption) ÷ 27,009 stations ÷ 365
# = 4,566 L per station and day, × the city's 295 stations ÷ its 525,561 cars (0.8 per household).
SAITAMA_PETROL_L_PER_CAR_DAY = round(45e9 / 27_009 / 365 * 295 / (656_951 * 0.8), 2)
SAITAMA_PETROL_METHOD = (
    "what the stations normally sell per car: Japan's ≈ 45 GL of petrol a year (national sales, assumption) "
    "÷ 27,009 stations ÷ 365 = 4,566 L per station and day, × 295 stations ÷ 525,561 cars; normal deliveries "
    "equal this demand"
)
# Berlin: 8,000 L per station and day (assumption) × 353 stations ÷ ≈ 1.23 M cars (0.56 per household).
BERLIN_PETROL_L_PER_CAR_DAY = round(8_000 * 353 / (BERLIN_HOUSEHOLDS * 0.56), 2)
BERLIN_PETROL_METHOD = (
    "what the stations normally sell per car: 8,000 L per station and day (assumption) × 353 stations "
    "÷ ≈ 1.23 M cars; normal deliveries equal this demand"
)
BERLIN_PV_KWP = 459_000.0  # [S60]: 459 MWp, 53.000 systems (Oct 2025)
BERLIN_PV_SYSTEMS = 53_000
BERLIN_HOSPITALS = 88  # [S74] (vdek, 2022/2023)
BERLIN_BEDS = 23_352  # [S75] (Senate count, 92 hospitals, 2022)
BERLIN_WATER_M3_PER_PERSON_DAY = 0.155  # assumption: ≈ 600,000 m³/day for 3.9 M residents
BERLIN_LEUCHTTUERME = 40  # [S76]: "Rund 40"
#: [S77]: Notstrom runtime of the Kat-Leuchttürme by Bezirk; others 72 h.
BERLIN_LEUCHTTURM_HOURS = {"04": 336.0, "06": 168.0, "03": 12.0, "01": 0.0}
BERLIN_SENATE_BEZIRK = "01"  # Rotes Rathaus, Mitte


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split a whole number in proportion to ``weights`` so the parts sum exactly to ``total``."""
    weights = np.asarray(weights, dtype=float)
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - parts), kind="stable")
    parts[order[: total - parts.sum()]] += 1
    return parts.tolist()


def _rings(geometry: dict) -> list[list[np.ndarray]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [[np.asarray(ring, dtype=float)[:, :2] for ring in polygon] for polygon in polygons]


def _signed_area_and_centroid(ring: np.ndarray) -> tuple[float, np.ndarray]:
    x, y = ring[:-1, 0], ring[:-1, 1]
    x1, y1 = ring[1:, 0], ring[1:, 1]
    cross = x * y1 - x1 * y
    area = cross.sum() / 2
    centroid = np.array([((x + x1) * cross).sum(), ((y + y1) * cross).sum()]) / (6 * area)
    return area, centroid


def contains(geometry: dict, lon: float, lat: float) -> bool:
    """Even-odd ray casting over every ring of a Polygon or MultiPolygon."""
    inside = False
    for polygon in _rings(geometry):
        for ring in polygon:
            x0, y0, x1, y1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
            crosses = (y0 > lat) != (y1 > lat)
            with np.errstate(divide="ignore", invalid="ignore"):
                x_at = x0 + (lat - y0) * (x1 - x0) / (y1 - y0)
            inside ^= bool(np.count_nonzero(crosses & (lon < x_at)) % 2)
    return inside


def interior_point(geometry: dict) -> tuple[float, float]:
    """Area centroid of the largest part, moved to the nearest interior grid point if it falls outside."""
    parts = [_signed_area_and_centroid(polygon[0]) for polygon in _rings(geometry)]
    area, centroid = max(parts, key=lambda p: abs(p[0]))
    lon, lat = centroid
    if contains(geometry, lon, lat):
        return float(lon), float(lat)
    outer = _rings(geometry)[0][0]
    xs = np.linspace(outer[:, 0].min(), outer[:, 0].max(), 60)
    ys = np.linspace(outer[:, 1].min(), outer[:, 1].max(), 60)
    candidates = [(x, y) for x in xs for y in ys if contains(geometry, x, y)]
    return min(candidates, key=lambda p: (p[0] - lon) ** 2 + (p[1] - lat) ** 2)


def facility_location(geometry: dict, facility_type: str) -> tuple[float, float]:
    """(lat, lon) of a facility row: the district's interior point offset by type, kept inside."""
    lon, lat = interior_point(geometry)
    d_lat, d_lon = TYPE_OFFSETS[facility_type]
    for scale in (1.0, 0.5, 0.25, 0.125, 0.0):
        candidate = (lat + scale * d_lat, lon + scale * d_lon)
        if contains(geometry, candidate[1], candidate[0]):
            return round(candidate[0], 5), round(candidate[1], 5)
    raise ValueError("no interior point found")


def city_centre(features: list[dict]) -> tuple[float, float]:
    """(lat, lon): the area-weighted centroid of all district outer rings."""
    parts = [_signed_area_and_centroid(polygon[0]) for f in features for polygon in _rings(f["geometry"])]
    weights = np.array([abs(a) for a, _ in parts])
    centre = (np.array([c for _, c in parts]) * weights[:, None]).sum(axis=0) / weights.sum()
    return round(float(centre[1]), 4), round(float(centre[0]), 4)


def tank_litres(generator_kw: float, critical_kw: float, hours: float) -> float:
    """Diesel to carry the critical load (its daily mean; at most the generator's rating) for ``hours`` [L].

    Burn per hour = slope × output + intercept × rating (docs/model.md §7).
    """
    output = min(float(generator_kw), float(critical_kw))
    return round((FUEL_SLOPE_L_PER_KWH * output + FUEL_INTERCEPT_L_PER_H_PER_KW * float(generator_kw)) * hours, 1)


#: critical_load_kw is a daily mean; shelters and offices are day-weighted (resilience.loads), so a generator
#: meant to carry them must be rated for the daytime peak.
PEAK_FACTOR = {"shelter": DAY_WEIGHT_HIGH, "city_hall": DAY_WEIGHT_HIGH}


def ev_weights(households: np.ndarray, parking: np.ndarray) -> np.ndarray:
    """Where the cars are: households that park at home, plus a quarter of the others."""
    return households * (parking + 0.25 * (1 - parking))


EV_SPLIT_METHOD = ("split over districts in proportion to households × (home_parking_share + 0.25 × the rest), "
                   "i.e. households with a private space count 4 times as much as the others")


class Provenance:
    """Collects provenance rows: one per column, plus rows that differ."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def column(self, table: str, column: str, status: str, text: str) -> None:
        self.rows.append({"table": table, "column": column, "row_id": None, "status": status,
                          "source_or_method": text})

    def row(self, table: str, column: str, row_id: str, status: str, text: str) -> None:
        self.rows.append({"table": table, "column": column, "row_id": row_id, "status": status,
                          "source_or_method": text})


def _read_csv(name: str) -> list[dict]:
    with (SOURCES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _facility(row_id: str, name: str, name_local: str | None, facility_type: str, district: dict,
              geometry: dict, sites: int, critical_kw: float, generator_kw: float, hours: float,
              battery_kwh: float = 0.0, battery_kw: float = 0.0) -> dict:
    lat, lon = facility_location(geometry, facility_type)
    critical_kw = round(float(critical_kw), 1)
    generator_kw = round(float(generator_kw), 1)
    tank = tank_litres(generator_kw, critical_kw, hours)
    row = {spec.name: spec.default for spec in COLUMNS["facilities"]}
    row.update({
        "id": row_id, "name": name, "name_local": name_local, "type": facility_type, "district_id": district["id"],
        "latitude": lat, "longitude": lon, "sites": int(sites), "critical_load_kw": critical_kw,
        "generator_kw": generator_kw, "tank_litres": tank, "fuel_litres": tank,
        "fuel_slope_l_per_kwh": FUEL_SLOPE_L_PER_KWH, "fuel_intercept_l_per_h_per_kw": FUEL_INTERCEPT_L_PER_H_PER_KW,
        "battery_kwh": round(float(battery_kwh), 1), "battery_kw": round(float(battery_kw), 1),
    })
    return row


def _common_facility_provenance(p: Provenance) -> None:
    t = "facilities"
    p.column(t, "id", "sourced", "identifier: <district>-<type>")
    p.column(t, "name", "sourced", "identifier; every row is an aggregate over the district's sites of that type")
    p.column(t, "type", "sourced", "identifier: facility type (docs/model.md §1)")
    p.column(t, "district_id", "sourced", "the district the aggregate belongs to")
    p.column(t, "latitude", "estimated", LOCATION_METHOD)
    p.column(t, "longitude", "estimated", LOCATION_METHOD)
    p.column(t, "fuel_litres", "estimated", "tanks assumed full at the outage start (fuel_litres = tank_litres)")
    p.column(t, "fuel_slope_l_per_kwh", "estimated", FUEL_METHOD)
    p.column(t, "fuel_intercept_l_per_h_per_kw", "estimated", FUEL_METHOD)
    p.column(t, "generator_min_turndown", "estimated",
             "0: no minimum output modelled (an option of docs/model.md §7, unused)")
    p.column(t, "battery_kwh", "estimated", f"0 except telecom: {TELECOM_BATTERY_H:g} h of the critical load "
                                             "(typical base-station batteries; assumption)")
    p.column(t, "battery_kw", "estimated", "0 except telecom: the critical load")
    p.column(t, "pv_kwp", "estimated", "0: facility PV not inventoried")
    p.column(t, "restoration_quantile", "estimated",
             "blank: the default by type of docs/model.md §2–4 (hospital 0.1, water 0.2, telecom 0.3, others 0.5; "
             "assumption)")


def _city_row(values: dict) -> dict:
    row = {spec.name: spec.default for spec in CITY_KEYS}
    row.update(values)
    return row


def _fleet_values(v2h_households_with_pv_share: float) -> dict:
    return {
        "fleet.soc_mean": 0.6, "fleet.soc_sd": 0.2, "fleet.soc_clip_low": 0.1, "fleet.soc_clip_high": 1.0,
        "fleet.reserve_soc": 0.3, "fleet.soc_max": 0.9, "fleet.discharge_efficiency": 0.88,
        "fleet.charge_efficiency": 0.9, "fleet.v2h_kw": 6.0, "fleet.phev_kwh_per_litre": 2.2,
        "fleet.phev_tank_litres_at_start": 20.0, "fleet.v2h_households_with_pv_share": v2h_households_with_pv_share,
    }


def _fleet_provenance(p: Provenance, v2h_kw_text: tuple[str, str], pv_share_text: tuple[str, str]) -> None:
    t = "city"
    for key in ("soc_mean", "soc_sd", "soc_clip_low", "soc_clip_high"):
        p.column(t, f"fleet.{key}", "estimated",
                 "assumption (docs/model.md §5): SOC at start ~ N(0.6, 0.2) clipped to [0.1, 1]")
    p.column(t, "fleet.reserve_soc", "estimated",
             "default 0.3 of docs/model.md §5 (V2H units stop at a level set between 10 and 90 % [S47])")
    p.column(t, "fleet.soc_max", "estimated", "docs/model.md §5: PV recharges the car up to 0.9 (assumption)")
    p.column(t, "fleet.discharge_efficiency", "estimated",
             "≈ 88 % car-to-home: assumption (docs/model.md §5; no manufacturer figure found [S49])")
    p.column(t, "fleet.charge_efficiency", "estimated",
             "docs/model.md §5: 0.9 (assumption; no manufacturer figure, field losses at low load are larger [S49])")
    p.column(t, "fleet.v2h_kw", *v2h_kw_text)
    p.column(t, "fleet.phev_kwh_per_litre", "estimated",
             "assumption (docs/model.md §5) from the Outlander PHEV claim of about 10 days at 10 kWh/day on a full "
             "tank [S52]")
    p.column(t, "fleet.phev_tank_litres_at_start", "estimated", "default 20 L of docs/model.md §5 (assumption)")
    p.column(t, "fleet.v2h_households_with_pv_share", *pv_share_text)
    p.column("fleet_mix", "vehicle_id", "sourced", "vehicle ids of data/vehicles/ev_models.csv (Open EV Data and "
                                                   "V2H makers' lists, PROVENANCE §5)")
    p.column("fleet_mix", "powertrain", "sourced", "as in the vehicle catalogue")


def _geometry_feature(district_id: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"district_id": district_id}, "geometry": geometry}


# --------------------------------------------------------------------------------------------
# Saitama
# --------------------------------------------------------------------------------------------


def build_saitama() -> CityTables:
    wards = _read_csv("saitama_wards_population_households.csv")
    geo = json.loads((SOURCES / "saitama_wards_simplified.geojson").read_text(encoding="utf-8"))
    geometry = {f["properties"]["ward_code"]: f["geometry"] for f in geo["features"]}
    area = {f["properties"]["ward_code"]: f["properties"]["area_km2_approx"] for f in geo["features"]}
    p = Provenance()

    codes = [w["ward_code"] for w in wards]
    population = np.array([int(w["population_2025_09_01"]) for w in wards])
    households = np.array([int(w["households_2025_09_01"]) for w in wards])
    areas = np.array([area[c] for c in codes])
    density_k = population / areas / 1000
    parking = np.clip(0.70 - 0.025 * density_k, 0.2, 0.7).round(3)
    city_share = population.sum() / JP_POPULATION
    bev_total = round(JP_BEV_STOCK_2023 * city_share)
    phev_total = round(JP_PHEV_STOCK_2023 * city_share)
    weights = ev_weights(households, parking)
    bev = largest_remainder(bev_total, weights)
    phev = largest_remainder(phev_total, weights)
    v2h = [round(0.05 * (b + h)) for b, h in zip(bev, phev, strict=True)]
    pv_kwp = (households * parking * 0.10 * 4.5).round(0)
    stations_total = round(JP_FILLING_STATIONS * city_share)
    stations = largest_remainder(stations_total, 0.5 * population / population.sum() + 0.5 * areas / areas.sum())

    districts = []
    for i, w in enumerate(wards):
        districts.append({
            "id": w["ward_code"], "name": w["ward_en"], "name_local": w["ward_ja"],
            "households": int(households[i]), "population": int(population[i]),
            "home_parking_share": float(parking[i]), "bev_count": bev[i], "phev_count": phev[i], "v2h_units": v2h[i],
            "pv_kwp": float(pv_kwp[i]), "pv_self_sustaining_share": 0.95, "filling_stations": stations[i],
            "stations_backup_share": JP_STATIONS_BACKUP_SHARE, "rolling_group": i % 5 + 1,
        })
    t = "districts"
    p.column(t, "id", "sourced", "JIS X 0402 ward code (MLIT N03; PROVENANCE §3a)")
    p.column(t, "name", "sourced", "ward name (PROVENANCE §3a)")
    p.column(t, "name_local", "sourced", "ward name in Japanese (PROVENANCE §3a)")
    p.column(t, "population", "sourced", "Saitama City, resident register 2025-09-01, https://www.city.saitama.lg.jp/"
                                          "006/014/008/003/014/006/p123822.html (PROVENANCE §4a)")
    p.column(t, "households", "sourced", "Saitama City, resident register households 2025-09-01 (same page)")
    p.column(t, "home_parking_share", "estimated",
             "no ward-level dwelling-type data found (PROVENANCE §4a): detached-house proxy, linear in density: "
             "0.70 − 0.025 × (residents per km² / 1000), clipped to [0.2, 0.7]; areas from the N03 polygons")
    p.column(t, "bev_count", "estimated",
             f"Japan BEV stock ≈ {JP_BEV_STOCK_2023:,} ([S53, S54]: 117,315 at FY2019 end plus 2020–2023 BEV sales; "
             f"kei EVs and scrappage not included) × the city's population share ({city_share:.4%} of "
             f"{JP_POPULATION:,}) = {bev_total:,}; {EV_SPLIT_METHOD}. Cross-check: ≈ 800 EVs in 2018 [S55]")
    p.column(t, "phev_count", "estimated",
             f"Japan PHEV stock ≈ {JP_PHEV_STOCK_2023:,} ([S53]: 136,208 at FY2019 end, grown like the BEV stock) "
             f"× the city's population share = {phev_total:,}; {EV_SPLIT_METHOD}")
    p.column(t, "v2h_units", "estimated",
             "5 % of the ward's BEV + PHEV: Nichicon's ≈ 10,000 units sold by 2022 ([S56], weak) against "
             "≈ 350,000 plug-in cars ≈ 3 %, raised for growth since 2023 (V2H元年) and the E-KIZUNA programme")
    p.column(t, "pv_kwp", "estimated",
             "households × home_parking_share (detached houses) × 10 % with PV × 4.5 kWp per system; the 10 % is "
             "an assumption (about 3 M home PV systems in Japan on about 28 M detached houses)")
    p.column(t, "pv_self_sustaining_share", "estimated",
             "Japanese home PV inverters have a 自立運転 outlet as standard [S50]; 5 % allowed for systems "
             "without one or owners who cannot switch it")
    p.column(t, "filling_stations", "estimated",
             f"Japan's {JP_FILLING_STATIONS:,} stations ([S66], FY2024 end) × the city's population share = "
             f"{stations_total}; split 50 % by population and 50 % by area; the city's own count was not found")
    p.column(t, "stations_backup_share", "estimated",
             "estimate: Japan's national share of 住民拠点SS (stations with their own generator), 14,323 = 52.2 % "
             "of stations on 30 Nov 2024 [S68], applied to every ward; the city's own share is not published")
    p.column(t, "rolling_group", "estimated",
             "2011: Saitama was split over groups 1–5 [S14, S18], per ward unknown: wards assigned 1–5 in "
             "ward-code order")

    facilities = []
    shelters = largest_remainder(SAITAMA_SHELTERS, population)
    hospitals = largest_remainder(round(population.sum() * SAITAMA_HOSPITALS_PER_100K / 1e5), population)
    beds = largest_remainder(round(population.sum() * SAITAMA_BEDS_PER_100K / 1e5), population)
    for i, (district, w) in enumerate(zip(districts, wards, strict=True)):
        code, en, ja, g = district["id"], w["ward_en"], w["ward_ja"], geometry[district["id"]]
        key = en.lower()
        critical = beds[i] * KW_PER_BED * HOSPITAL_CRITICAL_SHARE
        hours = 72.0 if code in SAITAMA_BASE_HOSPITAL_WARDS else 24.0
        facilities.append(_facility(
            f"{key}-hospitals", f"{en} ward hospitals ({hospitals[i]} sites, {beds[i]:,} beds)",
            f"{ja}の病院（{hospitals[i]}施設・集計）", "hospital", district, g, hospitals[i], critical, critical,
            hours))
        water_kw = population[i] * SAITAMA_WATER_M3_PER_PERSON_DAY * WATER_KWH_PER_M3 / 24
        facilities.append(_facility(
            f"{key}-water", f"{en} ward water supply (pumping and treatment share)", f"{ja}の上水道（集計）",
            "water", district, g, 1, water_kw, water_kw, 24.0))
        telecom_kw = population[i] * TELECOM_KW_PER_PERSON
        facilities.append(_facility(
            f"{key}-telecom", f"{en} ward telecom (exchanges and base stations)", f"{ja}の通信設備（集計）",
            "telecom", district, g, 1, telecom_kw, telecom_kw * TELECOM_GENERATOR_SHARE, TELECOM_FUEL_H,
            battery_kwh=telecom_kw * TELECOM_BATTERY_H, battery_kw=telecom_kw))
        facilities.append(_facility(
            f"{key}-shelters", f"{en} ward shelters ({shelters[i]} sites)", f"{ja}の指定避難所（{shelters[i]}か所）",
            "shelter", district, g, shelters[i], SHELTER_KW_PER_SITE * shelters[i], 3.0 * shelters[i], 24.0))
        is_hall = code == SAITAMA_CITY_HALL_WARD
        office_kw = WARD_OFFICE_KW + (CITY_HALL_EXTRA_KW if is_hall else 0.0)
        name = (f"{en} ward government offices (City Hall and ward office, 2 sites)" if is_hall
                else f"{en} ward government offices (ward office)")
        facilities.append(_facility(
            f"{key}-offices", name, f"{ja}役所" + ("・市役所" if is_hall else ""), "city_hall", district, g,
            2 if is_hall else 1, office_kw, office_kw * PEAK_FACTOR["city_hall"], 72.0))

    t = "facilities"
    _common_facility_provenance(p)
    p.column(t, "name_local", "sourced", "ward name in Japanese with the facility type")
    p.column(t, "sites", "estimated",
             f"shelters: the city's {SAITAMA_SHELTERS} designated shelters [S72] split by population "
             f"(largest remainder); hospitals: {SAITAMA_HOSPITALS_PER_100K} per 100,000 residents (Saitama "
             "Prefecture rate, assumption) split by population; other types 1 aggregate site (count unknown)")
    p.column(t, "critical_load_kw", "estimated",
             f"hospital: beds ({SAITAMA_BEDS_PER_100K} per 100,000 residents, assumption) × {KW_PER_BED} kW per bed "
             f"× {HOSPITAL_CRITICAL_SHARE:.0%} [S62]; water: residents × {SAITAMA_WATER_M3_PER_PERSON_DAY} m³/day "
             f"× {WATER_KWH_PER_M3} kWh/m³ ÷ 24; telecom: {TELECOM_KW_PER_PERSON * 1000:g} W per resident; shelter: "
             f"{SHELTER_KW_PER_SITE:g} kW per site; ward office {WARD_OFFICE_KW:g} kW (+{CITY_HALL_EXTRA_KW:g} kW "
             "City Hall); all assumptions")
    p.column(t, "generator_kw", "estimated",
             "hospital: equal to the critical load, i.e. 60 % of normal (the rule for disaster base "
             "hospitals [S62], applied to every ward aggregate); water: equal to the critical load; offices: "
             f"its daytime peak ({DAY_WEIGHT_HIGH:g} × the daily mean, the day-weighted shape of resilience.loads); "
             "telecom: "
             f"{TELECOM_GENERATOR_SHARE:.0%} of the load (exchanges have sets, most base stations only batteries); "
             "shelters: a 3 kW portable set per site, so most shelter load is unserved without help; assumptions")
    p.column(t, "tank_litres", "estimated",
             "hours × (0.262 L/kWh × the critical load, or the rating if smaller, + 0.007 L/h per kW rated; "
             "docs/model.md §7): hospital 24 h (no Japanese rule for ordinary hospitals, assumption);"
             " water 24 h (the waterworks' reserve was not found); telecom 24 h; "
             "shelters 24 h; ward offices 72 h (消防庁 target for municipal HQs [S64])")
    for code, hospital in SAITAMA_BASE_HOSPITAL_WARDS.items():
        key = next(w["ward_en"] for w in wards if w["ward_code"] == code).lower()
        p.row(t, "tank_litres", f"{key}-hospitals", "estimated",
              f"72 h at full load: the ward has a disaster base hospital ({hospital} [S73]), which must hold "
              "about 3 days of fuel [S62]; applied to the whole ward aggregate, so an upper bound")

    diesel_l_per_h = float(sum(f["generator_kw"] for f in facilities)) * FULL_LOAD_L_PER_KWH
    city = _city_row({
        "id": "saitama", "name": "Saitama City", "country": "JP", "timezone": "Asia/Tokyo",
        **dict(zip(("latitude", "longitude"), city_centre(geo["features"]), strict=True)),
        "altitude_m": 12.0, "household_kwh_per_day": 11.4, "load_shape": "tepco_2010",
        "home_pv_kwp_per_system": 4.5, "pv_outlet_kw": 1.5, "pv_typical_clear_sky_index": 0.5231,
        "diesel.depot_litres": round(96 * diesel_l_per_h, -2), "diesel.first_delivery_h": 24.0,
        "diesel.delivery_litres_per_day": round(24 * diesel_l_per_h, -2),
        "petrol.stock_litres_per_station": 12000.0, "petrol.vehicles_per_household": 0.8,
        "petrol.demand_litres_per_vehicle_per_day": SAITAMA_PETROL_L_PER_CAR_DAY,
        "petrol.ration_litres_per_visit": 10.0,
        **_fleet_values(0.5),
    })
    _city_provenance(p, {
        "id": ("sourced", "identifier"),
        "name": ("sourced", "さいたま市 (Saitama City)"),
        "country": ("sourced", "Japan"),
        "timezone": ("sourced", "IANA tz database: Japan has no daylight-saving time"),
        "latitude": ("estimated", "area-weighted centroid of the ward polygons (MLIT N03)"),
        "longitude": ("estimated", "area-weighted centroid of the ward polygons (MLIT N03)"),
        "altitude_m": ("estimated", "Saitama City lies at about 5–20 m (Omiya plateau and river lowlands); 12 m "
                                    "taken; pvlib's bundled altitude lookup gives −2 m, which is wrong"),
        "household_kwh_per_day": ("sourced", "4,175 kWh/yr per household, FY2021 national average (環境省 [S41])"
                                             " ÷ 365 = 11.4 kWh/day"),
        "load_shape": ("estimated", "TEPCO area shape 2010 (PROVENANCE §1), a proxy: no Japanese household "
                                    "shape was found (docs/model.md §2–4, Loads)"),
        "home_pv_kwp_per_system": ("estimated", "typical Japanese home system 4–5 kWp (assumption)"),
        "pv_outlet_kw": ("sourced", "自立運転 outlet AC100 V up to 1,500 W [S50, S51]"),
        "pv_typical_clear_sky_index": ("estimated", "calibrated with resilience.solar.calibrate_typical_clear_sky_"
                                                    "index so the annual AC yield at the city centre is 1,000 "
                                                    "kWh/kWp/yr (JPEA rule of thumb [S59]; docs/model.md §2–4, PV)"),
        "diesel.depot_litres": ("estimated",
                                f"96 h of every facility generator at full load ({diesel_l_per_h:,.0f} L/h): the "
                                "消防庁 aims at a week of operation through priority fuel agreements, 72 h of it "
                                "from the sites' own tanks [S64]; the city's real stock is unknown"),
        "diesel.first_delivery_h": ("estimated", "first tanker after 24 h (assumption)"),
        "diesel.delivery_litres_per_day": ("estimated", "enough to run every generator at full load (assumption)"),
        "petrol.stock_litres_per_station": ("estimated", "12,000 L of petrol at the start (assumption: several "
                                                          "10–20 kL underground tanks, partly full)"),
        "petrol.vehicles_per_household": ("estimated", "0.8 cars per household (assumption for a commuter city; "
                                                       "Saitama Prefecture is about 1)"),
        "petrol.demand_litres_per_vehicle_per_day": ("estimated", SAITAMA_PETROL_METHOD),
        "petrol.ration_litres_per_visit": ("sourced", "2011: 10 L per car and visit [S10, S11]"),
    })
    _fleet_provenance(p, ("sourced", "Nichicon EV Power Station 6 kW [S46]"),
                      ("estimated", "half of V2H households also have PV (assumption; tri-brid PV and V2H "
                                    "units exist)"))
    fleet_mix = [
        ("nissan-leaf-40", "BEV", 0.30), ("nissan-leaf-e-plus-62", "BEV", 0.10), ("nissan-sakura", "BEV", 0.20),
        ("nissan-ariya-63", "BEV", 0.10), ("toyota-bz4x-awd", "BEV", 0.10), ("mitsubishi-i-miev", "BEV", 0.05),
        ("nissan-e-nv200-evalia", "BEV", 0.05), ("tesla-model-3-rwd", "BEV", 0.05), ("byd-atto-3", "BEV", 0.05),
        ("mitsubishi-outlander-phev-2019", "PHEV", 0.70), ("mitsubishi-eclipse-cross-phev", "PHEV", 0.30),
    ]
    p.column("fleet_mix", "share", "estimated",
             "assumption: Nissan and Mitsubishi dominate Japan's plug-in stock; V2H-listed models (PROVENANCE §5) "
             "take 80 % of BEVs; kei EVs (Sakura) are under-counted in bev_count")
    p.column("geometry", "geometry", "sourced",
             "MLIT 国土数値情報 行政区域 N03 (2021), CC BY 4.0, simplified 0.0002° (saitama_wards_simplified.geojson, "
             "PROVENANCE §3a): 出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成")
    features = [_geometry_feature(c, geometry[c]) for c in codes]
    return _tables(city, districts, facilities, fleet_mix, features, p)


# --------------------------------------------------------------------------------------------
# Berlin
# --------------------------------------------------------------------------------------------


def build_berlin() -> CityTables:
    bezirke = _read_csv("berlin_bezirke_population_households.csv")
    geo = json.loads((SOURCES / "berlin_bezirke.geojson").read_text(encoding="utf-8"))
    geometry = {f["properties"]["bezirk_code"]: f["geometry"] for f in geo["features"]}
    area = {f["properties"]["bezirk_code"]: f["properties"]["area_km2_approx"] for f in geo["features"]}
    p = Provenance()

    codes = [b["bezirk_code"] for b in bezirke]
    population = np.array([int(b["inhabitants_2024_12_31"]) for b in bezirke])
    mz_total = np.array([float(b["households_thousand_mz2022"]) for b in bezirke])
    mz_multi = np.array([float(b["households_multi_family_house_thousand_mz2022"]) for b in bezirke])
    single_given = [b["households_single_family_house_thousand_mz2022"] for b in bezirke]
    mz_single = np.array([float(s) if s else t - m for s, t, m in zip(single_given, mz_total, mz_multi, strict=True)])
    households = np.array(largest_remainder(BERLIN_HOUSEHOLDS, mz_total))
    parking = (mz_single / mz_total).round(3)
    areas = np.array([area[c] for c in codes])
    car_share = BERLIN_CAR_SHARE_OF_DE
    bev_total, phev_total = round(DE_BEV_STOCK_2025 * car_share), round(DE_PHEV_STOCK_2025 * car_share)
    weights = ev_weights(households, parking)
    bev = largest_remainder(bev_total, weights)
    phev = largest_remainder(phev_total, weights)
    v2h = [round(0.005 * (b + h)) for b, h in zip(bev, phev, strict=True)]
    pv_weights = 0.5 * mz_single / mz_single.sum() + 0.5 * households / households.sum()
    pv_kwp = largest_remainder(int(BERLIN_PV_KWP), pv_weights)
    stations_total = round(DE_FILLING_STATIONS * car_share)
    stations = largest_remainder(stations_total, 0.5 * population / population.sum() + 0.5 * areas / areas.sum())

    districts = []
    for i, b in enumerate(bezirke):
        districts.append({
            "id": b["bezirk_code"], "name": b["name"], "name_local": None,
            "households": int(households[i]), "population": int(population[i]),
            "home_parking_share": float(parking[i]), "bev_count": bev[i], "phev_count": phev[i], "v2h_units": v2h[i],
            "pv_kwp": float(pv_kwp[i]), "pv_self_sustaining_share": 0.0, "filling_stations": stations[i],
            "stations_backup_share": DE_STATIONS_BACKUP_SHARE, "rolling_group": None,
        })
    t = "districts"
    p.column(t, "id", "sourced", "official Bezirk number 01–12 (PROVENANCE §3b)")
    p.column(t, "name", "sourced", "Bezirk name (PROVENANCE §3b)")
    p.column(t, "population", "sourced", "AfS Berlin-Brandenburg, register residents 2024-12-31 (open-lifeworlds "
                                          "LOR population, CC BY 4.0; PROVENANCE §4b)")
    p.column(t, "households", "estimated",
             "microcensus 2022 households by Bezirk (AfS F I 2, thousands, total 1,889 k; PROVENANCE §4b) scaled to "
             "the AfS end-2024 total 'mehr als 2,2 Millionen' [S43], taken as 2,200,000; the microcensus "
             "counts only households in dwellings of residential buildings")
    p.column(t, "home_parking_share", "sourced",
             "households in 1–2-family houses ÷ all households, microcensus 2022 (AfS F I 2; PROVENANCE §4b): the "
             "proxy for a private parking space")
    for i, given in enumerate(single_given):
        if not given:
            p.row(t, "home_parking_share", codes[i], "estimated",
                  "microcensus cell '/' (too few cases): 1–2-family households taken as all households minus those "
                  f"in multi-family buildings ({mz_total[i]:g} − {mz_multi[i]:g} thousand)")
    p.column(t, "bev_count", "estimated",
             f"Germany's BEV stock ≈ {DE_BEV_STOCK_2025:,} (KBA, 1 Jan 2025; rounded, no stored source) × Berlin's "
             f"share of German passenger cars (≈ 1.24 of 49.3 million, {car_share:.2%}) = {bev_total:,}; "
             f"{EV_SPLIT_METHOD}. Replace with KBA / AfS counts by Bezirk")
    p.column(t, "phev_count", "estimated",
             f"Germany's PHEV stock ≈ {DE_PHEV_STOCK_2025:,} (KBA, 1 Jan 2025; rounded, no stored source) × "
             f"{car_share:.2%} = {phev_total:,}; {EV_SPLIT_METHOD}")
    p.column(t, "v2h_units", "estimated",
             "0.5 % of BEV + PHEV: V2H in Germany is niche; network charges for bidirectional charging were "
             "lifted only from 2026 [S57]")
    p.column(t, "pv_kwp", "estimated",
             "Berlin's 459 MWp (53,000 systems, Oct 2025 [S60]; includes non-residential roofs) split 50 % by "
             "households in 1–2-family houses and 50 % by all households")
    p.column(t, "pv_self_sustaining_share", "sourced",
             "German grid-tied PV 'schaltet sich … ab' in an outage; backup needs an island inverter and battery "
             "[S58]")
    p.column(t, "filling_stations", "estimated",
             f"Germany's {DE_FILLING_STATIONS:,} stations ([S69], 1 Jan 2025) × Berlin's share of cars = "
             f"{stations_total}; split 50 % by population and 50 % by area")
    p.column(t, "stations_backup_share", "estimated",
             "'nur die wenigsten Tankstellen notstromversorgt' (BBK 2017 [S70]); one regional count, 'nur neun' in "
             "Sachsen-Anhalt, of about 500: 2 % taken; the Berlin count is unconfirmed")
    p.column(t, "name_local", "sourced", "blank: the names are already local")
    p.column(t, "rolling_group", "sourced", "blank: Germany has no rolling-blackout groups in these presets")

    facilities = []
    hospitals = largest_remainder(BERLIN_HOSPITALS, population)
    beds = largest_remainder(BERLIN_BEDS, population)
    lighthouses = largest_remainder(BERLIN_LEUCHTTUERME, population)
    for i, district in enumerate(districts):
        code, name, g = district["id"], district["name"], geometry[district["id"]]
        key = f"b{code}"
        critical = beds[i] * KW_PER_BED * HOSPITAL_CRITICAL_SHARE
        facilities.append(_facility(
            f"{key}-hospitals", f"{name} hospitals ({hospitals[i]} sites, {beds[i]:,} beds)", None, "hospital",
            district, g, hospitals[i], critical, critical, 24.0))
        water_kw = population[i] * BERLIN_WATER_M3_PER_PERSON_DAY * WATER_KWH_PER_M3 / 24
        facilities.append(_facility(
            f"{key}-water", f"{name} water supply (share of Berliner Wasserbetriebe waterworks)", None, "water",
            district, g, 1, water_kw, water_kw, 36.0))
        telecom_kw = population[i] * TELECOM_KW_PER_PERSON
        facilities.append(_facility(
            f"{key}-telecom", f"{name} telecom (exchanges and base stations)", None, "telecom", district, g, 1,
            telecom_kw, telecom_kw * TELECOM_GENERATOR_SHARE, TELECOM_FUEL_H,
            battery_kwh=telecom_kw * TELECOM_BATTERY_H, battery_kw=telecom_kw))
        hours = BERLIN_LEUCHTTURM_HOURS.get(code, 72.0)
        shelter_kw = SHELTER_KW_PER_SITE * lighthouses[i]
        facilities.append(_facility(
            f"{key}-leuchttuerme", f"{name} Kat-Leuchttürme ({lighthouses[i]} sites)", None, "shelter", district, g,
            lighthouses[i], shelter_kw, shelter_kw * PEAK_FACTOR["shelter"] if hours > 0 else 0.0, hours))
        is_senate = code == BERLIN_SENATE_BEZIRK
        office_kw = WARD_OFFICE_KW + (CITY_HALL_EXTRA_KW if is_senate else 0.0)
        facilities.append(_facility(
            f"{key}-offices", f"Bezirksamt {name}" + (" and Rotes Rathaus (2 sites)" if is_senate else " (town hall)"),
            None, "city_hall", district, g, 2 if is_senate else 1, office_kw, office_kw * PEAK_FACTOR["city_hall"],
            24.0))

    t = "facilities"
    _common_facility_provenance(p)
    p.column(t, "name_local", "sourced", "blank: the names are already local")
    p.column(t, "sites", "estimated",
             f"hospitals: Berlin's {BERLIN_HOSPITALS} [S74] split by population; Kat-Leuchttürme: 'rund 40' "
             "[S76] split by population; other types 1 aggregate site (count unknown)")
    p.column(t, "critical_load_kw", "estimated",
             f"hospital: {BERLIN_BEDS:,} beds (Senate count 2022 [S75]) split by population × {KW_PER_BED} kW per "
             f"bed × {HOSPITAL_CRITICAL_SHARE:.0%} (the Japanese ratio [S62]); water: residents × "
             f"{BERLIN_WATER_M3_PER_PERSON_DAY} m³/day × {WATER_KWH_PER_M3} kWh/m³ ÷ 24; telecom: "
             f"{TELECOM_KW_PER_PERSON * 1000:g} W per resident; Leuchtturm {SHELTER_KW_PER_SITE:g} kW per site; "
             f"Bezirksamt {WARD_OFFICE_KW:g} kW (+{CITY_HALL_EXTRA_KW:g} kW Rotes Rathaus); all assumptions")
    p.column(t, "generator_kw", "estimated",
             "equal to the critical load; Leuchttürme and Bezirksämter: their daytime peak "
             f"({DAY_WEIGHT_HIGH:g} × the daily mean, the day-weighted shape of resilience.loads); telecom "
             f"{TELECOM_GENERATOR_SHARE:.0%} (most base stations have only batteries); Mitte's Leuchttürme none "
             "(2022 [S77]); assumptions")
    p.column(t, "tank_litres", "estimated",
             "hours × (0.262 L/kWh × the critical load, or the rating if smaller, + 0.007 L/h per kW rated; "
             "docs/model.md §7): hospitals 24 h ('mindestens 24 Stunden' [S63]); water 36 h (BWB Notstrom "
             "'für 36 Stunden' [S65]); telecom 24 h (assumption); Bezirksamt 24 h (assumption, no rule found); "
             "Kat-Leuchttürme 72 h [S77]")
    for code, hours in BERLIN_LEUCHTTURM_HOURS.items():
        p.row(t, "tank_litres", f"b{code}-leuchttuerme", "estimated",
              f"{hours:g} h: Notstrom runtime reported for this Bezirk's Leuchttürme [S77]"
              + ("; Mitte had none in 2022" if hours == 0 else ""))
    p.row(t, "generator_kw", "b01-leuchttuerme", "sourced", "0: Mitte's Leuchttürme had no Notstrom (2022 [S77])")

    diesel_l_per_h = float(sum(f["generator_kw"] for f in facilities)) * FULL_LOAD_L_PER_KWH
    city = _city_row({
        "id": "berlin", "name": "Berlin", "country": "DE", "timezone": "Europe/Berlin",
        **dict(zip(("latitude", "longitude"), city_centre(geo["features"]), strict=True)),
        "altitude_m": 34.0, "household_kwh_per_day": 6.8, "load_shape": "bdew_h25",
        "home_pv_kwp_per_system": round(BERLIN_PV_KWP / BERLIN_PV_SYSTEMS, 1), "pv_outlet_kw": 0.0,
        "pv_typical_clear_sky_index": 0.5942,
        "diesel.depot_litres": round(72 * diesel_l_per_h, -2), "diesel.first_delivery_h": 24.0,
        "diesel.delivery_litres_per_day": round(24 * diesel_l_per_h, -2),
        "petrol.stock_litres_per_station": 20000.0, "petrol.vehicles_per_household": 0.56,
        "petrol.demand_litres_per_vehicle_per_day": BERLIN_PETROL_L_PER_CAR_DAY,
        "petrol.ration_litres_per_visit": 10.0,
        **_fleet_values(0.8),
    })
    _city_provenance(p, {
        "id": ("sourced", "identifier"),
        "name": ("sourced", "Land Berlin"),
        "country": ("sourced", "Germany"),
        "timezone": ("sourced", "IANA tz database (CET/CEST)"),
        "latitude": ("estimated", "area-weighted centroid of the Bezirk polygons"),
        "longitude": ("estimated", "area-weighted centroid of the Bezirk polygons"),
        "altitude_m": ("estimated", "about 34 m in the Spree valley (general knowledge)"),
        "household_kwh_per_day": ("estimated", "≈ 2,500 kWh/yr (BDEW means by household size weighted with "
                                               "56.5 % one-person households [S42, S43], derived) ÷ 365"),
        "load_shape": ("sourced", "BDEW H25 standard load profile [S44]"),
        "home_pv_kwp_per_system": ("estimated", "459 MWp ÷ 53,000 systems [S60] = 8.7 kWp (derived)"),
        "pv_outlet_kw": ("sourced", "German grid-tied PV shuts down without the grid [S58]"),
        "pv_typical_clear_sky_index": ("estimated", "calibrated with resilience.solar.calibrate_typical_clear_sky_"
                                                    "index so the annual AC yield at the city centre is 900 "
                                                    "kWh/kWp/yr (245 GWh ÷ 271.8 MWp, Berlin's solar monitoring 2023; "
                                                    "docs/model.md §2–4, PV)"),
        "diesel.depot_litres": ("estimated",
                                f"72 h of every facility generator at full load ({diesel_l_per_h:,.0f} L/h); in "
                                "January 2026 the Bundeswehr refuelled 36 emergency generators [S40]; real stock "
                                "unknown"),
        "diesel.first_delivery_h": ("estimated", "first tanker after 24 h (assumption)"),
        "diesel.delivery_litres_per_day": ("estimated", "enough to run every generator at full load (assumption)"),
        "petrol.stock_litres_per_station": ("estimated", "20,000 L of petrol and diesel at the start (assumption)"),
        "petrol.vehicles_per_household": ("estimated", "≈ 1.24 M cars (KBA; no stored source) ÷ 2.2 M households"),
        "petrol.demand_litres_per_vehicle_per_day": ("estimated", BERLIN_PETROL_METHOD),
        "petrol.ration_litres_per_visit": ("estimated", "no German precedent: the Japanese 2011 ration of 10 L "
                                                        "[S10]"),
    })
    _fleet_provenance(p, ("estimated", "6 kW as the Japanese units [S46]; German DC V2H systems are "
                                       "similar (assumption)"),
                      ("estimated", "80 %: German V2H is sold mainly with PV home-energy systems; "
                                    "assumption"))
    fleet_mix = [
        ("tesla-model-y-lr", "BEV", 0.15), ("tesla-model-3-rwd", "BEV", 0.10), ("vw-id-3-pro", "BEV", 0.12),
        ("vw-id-4-pro-4motion", "BEV", 0.10), ("skoda-enyaq-85", "BEV", 0.08), ("renault-zoe-r110-ze50", "BEV", 0.08),
        ("hyundai-ioniq-5-sr-2wd", "BEV", 0.05), ("kia-niro-ev", "BEV", 0.04), ("kia-ev6-lr-2wd", "BEV", 0.03),
        ("fiat-500e-42", "BEV", 0.05), ("vw-e-up", "BEV", 0.05), ("bmw-i3-120ah", "BEV", 0.04),
        ("dacia-spring", "BEV", 0.04), ("mg4-sr", "BEV", 0.04), ("audi-q4-e-tron-40", "BEV", 0.03),
        ("mitsubishi-outlander-phev-2019", "PHEV", 1.0),
    ]
    p.column("fleet_mix", "share", "estimated",
             "assumption: German registration leaders among the catalogue's models; the Outlander PHEV (13.8 kWh) "
             "stands in for all PHEVs, the only PHEV in the catalogue sold in Germany")
    p.column("geometry", "geometry", "sourced",
             "Amt für Statistik Berlin-Brandenburg (RBS), via Berliner Morgenpost funkeinteraktiv/Berlin-Geodaten, "
             "CC BY (PROVENANCE §3b)")
    features = [_geometry_feature(c, geometry[c]) for c in codes]
    return _tables(city, districts, facilities, fleet_mix, features, p)


def _city_provenance(p: Provenance, entries: dict[str, tuple[str, str]]) -> None:
    for key, (status, text) in entries.items():
        p.column("city", key, status, text)


def _tables(city: dict, districts: list[dict], facilities: list[dict], fleet_mix: list[tuple],
            features: list[dict], p: Provenance) -> CityTables:
    return CityTables(
        city=city, districts=districts, facilities=facilities,
        fleet_mix=[{"vehicle_id": v, "powertrain": t, "share": s} for v, t, s in fleet_mix],
        geometry={"type": "FeatureCollection", "features": features}, provenance=p.rows,
    )


if __name__ == "__main__":
    for city_id, builder in (("saitama", build_saitama), ("berlin", build_berlin)):
        tables = builder()
        export_tables(tables, OUT / city_id, "csv")
        print(f"wrote data/cities/{city_id}/: {len(tables.districts)} districts, {len(tables.facilities)} facilities, "
              f"{len(tables.provenance)} provenance rows")
