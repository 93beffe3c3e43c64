"""Build ``data/vehicles/ev_models.csv`` from ``data/sources/ev_models_jp_de.csv`` and carmaker figures.

Run from the repository root: ``.venv/bin/python data/vehicles/build_catalogue.py``.

It keeps the source rows and their columns unchanged, appends three plug-in hybrids that are in no open EV
dataset (from carmaker specifications and the press; :data:`EXTRA_ROWS`), and adds:

* a stable ``vehicle_id``;
* the usable battery energy ``usable_kwh`` with how it was obtained, and a V2H flag;
* the carmakers' "days of household supply" claims: the quote and its source as before, plus the claim as
  numbers (``claim_days`` … ``claim_includes_engine``) with how they were read from the quote;
* for every PHEV the engine's electricity per litre of petrol (``engine_kwh_per_litre``) and the fuel tank
  (``fuel_tank_litres``), each with a status and its source or method.

Sources are cited by their ids in ``docs/sources.md`` ("[S80]" …).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "data" / "sources" / "ev_models_jp_de.csv"
TARGET = ROOT / "data" / "vehicles" / "ev_models.csv"

#: [S48]: "the usable 20-kWh capacity of the Leaf's 24-kWh battery" (Green Car Reports, 2012).
USABLE_SHARE_OF_TOTAL = 20 / 24
#: Decimals kept for the derived engine figures [kWh/L].
ENGINE_DECIMALS = 2

#: Stable ids, in the order of the source rows (brand, model, variant → id).
VEHICLE_IDS = {
    ("Nissan", "Leaf", "40 kWh"): "nissan-leaf-40",
    ("Nissan", "Leaf", "e+ 62 kWh"): "nissan-leaf-e-plus-62",
    ("Nissan", "e-NV200 Evalia", ""): "nissan-e-nv200-evalia",
    ("Nissan", "Ariya", "63kWh"): "nissan-ariya-63",
    ("Nissan", "Ariya", "87kWh"): "nissan-ariya-87",
    ("Mitsubishi", "i-Miev", ""): "mitsubishi-i-miev",
    ("Toyota", "bZ4X AWD", ""): "toyota-bz4x-awd",
    ("Lexus", "UX 300e", ""): "lexus-ux-300e",
    ("Subaru", "Solterra", "AWD"): "subaru-solterra-awd",
    ("Honda", "e", ""): "honda-e",
    ("Mazda", "MX-30", ""): "mazda-mx-30",
    ("Hyundai", "IONIQ 5", "Standard Range 2WD"): "hyundai-ioniq-5-sr-2wd",
    ("Hyundai", "IONIQ 5", "Long Range 2WD"): "hyundai-ioniq-5-lr-2wd",
    ("Hyundai", "Kona Electric 64 kWh", ""): "hyundai-kona-electric-64",
    ("Kia", "EV6", "Long Range 2WD"): "kia-ev6-lr-2wd",
    ("Kia", "Niro EV", ""): "kia-niro-ev",
    ("BYD", "ATTO 3", ""): "byd-atto-3",
    ("BYD", "DOLPHIN", "44.9 kWh Active"): "byd-dolphin-44-9",
    ("BYD", "Seal", "82.5 kWh RWD Design"): "byd-seal-82-5-rwd",
    ("Tesla", "Model 3", "RWD"): "tesla-model-3-rwd",
    ("Tesla", "Model Y", "Long Range"): "tesla-model-y-lr",
    ("Volkswagen", "ID.3", "Pro"): "vw-id-3-pro",
    ("Volkswagen", "ID.4", "Pro 4MOTION"): "vw-id-4-pro-4motion",
    ("Volkswagen", "e-up", ""): "vw-e-up",
    ("Renault", "Zoe", "R110 ZE50"): "renault-zoe-r110-ze50",
    ("BMW", "i3", "120 Ah"): "bmw-i3-120ah",
    ("BMW", "iX1", "xDrive30"): "bmw-ix1-xdrive30",
    ("Skoda", "Enyaq", "85"): "skoda-enyaq-85",
    ("Fiat", "500e", "Berlina 42 kWh"): "fiat-500e-42",
    ("Dacia", "Spring Electric", ""): "dacia-spring",
    ("MG", "MG4 EV", "Standard Range"): "mg4-sr",
    ("Audi", "Q4 e-tron", "40"): "audi-q4-e-tron-40",
    ("Nissan", "Sakura", ""): "nissan-sakura",
    ("Mitsubishi", "Outlander PHEV", "2019- (GG3W)"): "mitsubishi-outlander-phev-2019",
    ("Mitsubishi", "Eclipse Cross PHEV", ""): "mitsubishi-eclipse-cross-phev",
}

_MANUAL = "manual: carmaker specifications and press (docs/sources.md)"
_TOTAL = "total (総電力量) as listed; usable is lower"
_NICHICON_OLD = "http://nichicon-us.com/products/tribrid/v2h/ev_car_make.html"
_GS_YUASA = "https://megalodon.jp/ref/2023-1221-1208-43/https://ps.gs-yuasa.com:443/products/ev/transfer"

#: Plug-in hybrids whose carmakers' claims are on record but that are in no open EV dataset found. The columns
#: are those of the source file; ``battery_kwh`` is the total pack energy the carmaker or the charger makers list.
EXTRA_ROWS = [
    {
        "vehicle_id": "mitsubishi-outlander-phev-2013", "source": _MANUAL, "source_id": "",
        "brand": "Mitsubishi", "model": "Outlander PHEV", "variant": "2013-2018 (GG2W)", "release_year": "2013",
        "powertrain": "PHEV", "battery_kwh": "12.0", "battery_kwh_basis": _TOTAL,
        "dc_ports_source": "chademo", "dc_chademo_in_source": "True", "common_in": "JP+DE",
        "v2h_jp_status": "listed", "v2h_jp_source": f"{_NICHICON_OLD} ; {_GS_YUASA}",
        "qa_note": "not in any open EV dataset found; consumption unknown; 12 kWh pack per [S82] [S83] [S84]",
    },
    {
        "vehicle_id": "mitsubishi-outlander-phev-2021", "source": _MANUAL, "source_id": "",
        "brand": "Mitsubishi", "model": "Outlander PHEV", "variant": "2021- (GN0W)", "release_year": "2021",
        "powertrain": "PHEV", "battery_kwh": "20.0", "battery_kwh_basis": _TOTAL,
        "dc_ports_source": "chademo", "dc_chademo_in_source": "True", "common_in": "JP",
        "v2h_jp_status": "reported (carmaker's V2H claim in the press; not checked on a charger maker's list)",
        "v2h_jp_source": "https://motor-fan.jp/mf/article/47837/",
        "qa_note": "not in any open EV dataset found; consumption unknown; 20 kWh pack per [S88]",
    },
    {
        "vehicle_id": "toyota-prius-phv-2017", "source": _MANUAL, "source_id": "",
        "brand": "Toyota", "model": "Prius PHV", "variant": "2017- (ZVW52)", "release_year": "2017",
        "powertrain": "PHEV", "battery_kwh": "8.8", "battery_kwh_basis": _TOTAL,
        "dc_ports_source": "chademo", "dc_chademo_in_source": "True", "common_in": "JP",
        "v2h_jp_status": "no_info", "v2h_jp_source": "",
        "qa_note": ("not in any open EV dataset found; consumption unknown; 8.8 kWh pack per [S93]; the quick-charge "
                    "(CHAdeMO) inlet is a factory option [S94]; Toyota's claim is for its 1500 W outlets"),
    },
]

#: Carmakers' "days of household supply" claims, by vehicle id: (quote, source).
SUPPLY_CLAIMS = {
    "nissan-leaf-40": (
        "一般家庭で使用する電力の2~4日分 (LEAF 40 kWh and e+ 62 kWh together; 12 kWh/day, 3-person household)",
        "Nissan PR article, Diamond Online, https://diamond.jp/articles/-/224472?page=2 [S100]",
    ),
    "nissan-leaf-e-plus-62": (
        "約4日分 (e+ 60 kWh); 2~4日分 for LEAF 40 kWh and e+ together (12 kWh/day)",
        "eco-mirai.jp, 31 May 2022 [S101]; Nissan PR article, Diamond Online, "
        "https://diamond.jp/articles/-/224472?page=2 [S100]",
    ),
    "nissan-sakura": (
        "約2日分 at 10 kWh/day (Sakura / eK X EV, 20 kWh)",
        "ベストカーWeb, quoted on 5ch [secondary] [S102]",
    ),
    "mitsubishi-outlander-phev-2013": (
        "full charge 約1日分; with a full tank 約10日分 (1500 W AC outlet or a V2H unit; the 2013–2018 car with "
        "its 12 kWh pack)",
        "autoblog JP, Jan 2015, http://jp.autoblog.com/2015/01/05/phev-mitsubishi-outlander-suv-phev/ [S81]; "
        "New Atlas, Dec 2014, https://newatlas.com/mitsubishi-outlander-phev-vehicle-to-home-v2h/35392/ [S80]",
    ),
    "mitsubishi-outlander-phev-2019": (
        "V2H up to 6 kW; with about 10 kWh/day per household 最大約10日分 (full charge and full tank)",
        "owner blog reporting Mitsubishi, http://phev.blog.fc2.com/blog-entry-3791.html [secondary] [S86]; "
        "週刊アスキー, Mar 2021 [S87]",
    ),
    "mitsubishi-outlander-phev-2021": (
        "満充電かつエンジンでの発電も組み合わせることで最大約12日分 (一般家庭 約10kWh/日)",
        "Motor-Fan, 2022, https://motor-fan.jp/mf/article/47837/ [S89]; LIMO [S90]",
    ),
    "mitsubishi-eclipse-cross-phev": (
        "fully charged and fuelled, it can supply a general household for up to 10 days via V2H",
        "Mitsubishi's Japanese release as quoted by carnichiwa, Dec 2020 [secondary] [S91]",
    ),
    "toyota-prius-phv-2017": (
        "ガソリン満タンのハイブリッドモードで平均的な家庭の約4日ぶん; 外部給電できる電力量 約40kWh "
        "(満充電・ガソリン満タン, 10 kWh/日)",
        "くるまのニュース, 2017, https://kuruma-news.jp/post/66260/3 [S97]; Toyota dealers' クルマ給電 pages "
        "[S95] [S96]",
    ),
}

#: The claims as numbers: (days, days_high, kWh/day, includes the engine, how the numbers were read).
#: ``days`` is the claimed figure (the low end of a range), ``days_high`` its high end (= days for one figure).
CLAIM_NUMBERS = {
    "nissan-leaf-40": (2.0, 4.0, 12.0, False,
                       "range 2–4 days as stated for the LEAF 40 kWh and e+ together; 12 kWh/day as stated [S100]"),
    "nissan-leaf-e-plus-62": (4.0, 4.0, 12.0, False,
                              "4 days as stated for the e+ [S101]; that quote gives no daily use, so Nissan's "
                              "12 kWh/day of the same claim family [S100] is taken"),
    "nissan-sakura": (2.0, 2.0, 10.0, False, "2 days at 10 kWh/day as stated [S102]"),
    "mitsubishi-outlander-phev-2013": (10.0, 10.0, 10.0, True,
                                       "10 days with a full battery and a full tank as stated [S80] [S81]; the "
                                       "2014 announcement gives no daily use, so Mitsubishi's 10 kWh/day of its "
                                       "later Outlander claims [S86] [S89] is taken"),
    "mitsubishi-outlander-phev-2019": (10.0, 10.0, 10.0, True,
                                       "up to 10 days at about 10 kWh/day with a full battery and a full tank, as "
                                       "stated [S86] [S87]"),
    "mitsubishi-outlander-phev-2021": (12.0, 12.0, 10.0, True,
                                       "up to 12 days at about 10 kWh/day with a full battery and engine "
                                       "generation, as stated [S89] [S90]"),
    "mitsubishi-eclipse-cross-phev": (10.0, 10.0, 10.0, True,
                                      "up to 10 days fully charged and fuelled as stated [S91]; no daily use in the "
                                      "quote, so Mitsubishi's 10 kWh/day of its Outlander claims [S86] [S89] is "
                                      "taken"),
    "toyota-prius-phv-2017": (4.0, 4.0, 10.0, True,
                              "about 4 days of average household use on a full tank [S97]; Toyota's dealers give "
                              "about 40 kWh of external supply with a full charge and a full tank at 10 kWh/day "
                              "(400 W) [S95] [S96], i.e. 4 days"),
}

#: Fuel tank of every PHEV: (litres, status, source or method).
FUEL_TANKS = {
    "mitsubishi-outlander-phev-2013": (45.0, "sourced",
                                       "45 L for the Outlander PHEV of 2013–2020 [S85]; the 2021 model grew from "
                                       "45 L to 56 L [S88]"),
    "mitsubishi-outlander-phev-2019": (45.0, "sourced",
                                       "45 L for the Outlander PHEV of 2013–2020 [S85]; the 2021 model grew from "
                                       "45 L to 56 L [S88]"),
    "mitsubishi-outlander-phev-2021": (56.0, "sourced", "56 L (up from 45 L) [S88]"),
    "mitsubishi-eclipse-cross-phev": (45.0, "estimated",
                                      "estimated: no Eclipse Cross PHEV tank size was found; taken equal to the "
                                      "2019 Outlander PHEV's 45 L [S85], whose 2.4 L engine, 13.8 kWh pack and "
                                      "PHEV system it shares [S91] [S92]"),
    "toyota-prius-phv-2017": (43.0, "sourced", "43 L [S98]; 11.3 US gallons = 42.8 L [S99]"),
}

#: Whose full-tank claim each PHEV's engine figure is derived from (:func:`engine_figure`). The claim's energy is
#: its days × kWh/day (Toyota's dealers also state the Prius PHV's 40 kWh directly [S95]).
ENGINE_FROM_CLAIM = {
    "mitsubishi-outlander-phev-2013": "Mitsubishi",
    "mitsubishi-outlander-phev-2019": "Mitsubishi",
    "mitsubishi-outlander-phev-2021": "Mitsubishi",
    "mitsubishi-eclipse-cross-phev": "Mitsubishi",
    "toyota-prius-phv-2017": "Toyota",
}


def engine_figure(vehicle_id: str, usable_kwh: float) -> tuple[float, str, str]:
    """``(kWh/L, status, method)`` of a PHEV's engine, derived from its carmaker's full-tank claim.

    On the claim's basis (full battery, full tank, no reserve, no conversion losses) the claimed energy is the
    usable battery energy plus the tank's: ``kWh/L = (days × kWh/day − usable kWh) ÷ tank litres``.
    """
    days, _, kwh_per_day, includes_engine, _ = CLAIM_NUMBERS[vehicle_id]
    if not includes_engine:
        raise SystemExit(f"{vehicle_id}: its claim is battery-only; no engine figure can be derived from it")
    tank, tank_status, _ = FUEL_TANKS[vehicle_id]
    claim_kwh = days * kwh_per_day
    value = round((claim_kwh - usable_kwh) / tank, ENGINE_DECIMALS)
    uncertain = tank_status != "sourced" or "is taken" in CLAIM_NUMBERS[vehicle_id][4]
    status = "estimated" if uncertain else "derived"
    method = (
        f"{status} from {ENGINE_FROM_CLAIM[vehicle_id]}'s claim ({CLAIM_NUMBERS[vehicle_id][4]}): "
        f"{days:g} days × {kwh_per_day:g} kWh/day = {claim_kwh:g} kWh with a full battery ({usable_kwh:g} kWh "
        f"usable) and a full {tank:g} L tank ({tank_status}) → ({claim_kwh:g} − {usable_kwh:g}) ÷ {tank:g} = "
        f"{value:.{ENGINE_DECIMALS}f} kWh/L; electricity delivered at the car, before a V2H unit's losses"
    )
    return value, status, method


def build() -> pd.DataFrame:
    source = pd.read_csv(SOURCE, dtype=str, keep_default_na=False)
    keys = list(zip(source["brand"], source["model"], source["variant"], strict=True))
    missing = [k for k in keys if k not in VEHICLE_IDS]
    if missing:
        raise SystemExit(f"no vehicle_id for {missing}")
    table = source.copy()
    table.insert(0, "vehicle_id", [VEHICLE_IDS[k] for k in keys])
    extra = pd.DataFrame(EXTRA_ROWS, columns=table.columns, dtype=str).fillna("")
    table = pd.concat([table, extra], ignore_index=True)
    if table["vehicle_id"].duplicated().any():
        raise SystemExit("vehicle_id must be unique")

    battery = table["battery_kwh"].astype(float)
    is_usable = table["battery_kwh_basis"].eq("usable")
    table["usable_kwh"] = battery.where(is_usable, (battery * USABLE_SHARE_OF_TOTAL).round(1))
    table["usable_kwh_status"] = is_usable.map({True: "sourced", False: "estimated"})
    table["usable_kwh_method"] = is_usable.map({
        True: "Open EV Data usable_battery_size",
        False: "estimated: total pack energy (総電力量) × 20/24, the LEAF 24 kWh usable share [S48]",
    })
    table["v2h_jp_capable"] = table["v2h_jp_status"].str.startswith(("listed", "reported"))
    ids = table["vehicle_id"]
    table["supply_days_claim"] = ids.map(lambda v: SUPPLY_CLAIMS.get(v, ("", ""))[0])
    table["supply_days_claim_source"] = ids.map(lambda v: SUPPLY_CLAIMS.get(v, ("", ""))[1])

    claims = [CLAIM_NUMBERS.get(v) for v in ids]
    table["claim_days"] = [c[0] if c else None for c in claims]
    table["claim_days_high"] = [c[1] if c else None for c in claims]
    table["claim_kwh_per_day"] = [c[2] if c else None for c in claims]
    table["claim_includes_engine"] = ["True" if c and c[3] else ("False" if c else "") for c in claims]
    table["claim_numbers_method"] = [c[4] if c else "" for c in claims]

    tanks = [FUEL_TANKS.get(v) for v in ids]
    table["fuel_tank_litres"] = [t[0] if t else None for t in tanks]
    table["fuel_tank_litres_status"] = [t[1] if t else "" for t in tanks]
    table["fuel_tank_litres_source"] = [t[2] if t else "" for t in tanks]
    engines = [engine_figure(v, u) if v in ENGINE_FROM_CLAIM else None
               for v, u in zip(ids, table["usable_kwh"], strict=True)]
    table["engine_kwh_per_litre"] = [e[0] if e else None for e in engines]
    table["engine_kwh_per_litre_status"] = [e[1] if e else "" for e in engines]
    table["engine_kwh_per_litre_method"] = [e[2] if e else "" for e in engines]

    phev = table["powertrain"].eq("PHEV")
    unexplained = table.loc[phev & table["engine_kwh_per_litre"].isna(), "vehicle_id"].tolist()
    if unexplained:
        raise SystemExit(f"PHEVs without an engine figure: {unexplained}")
    return table


if __name__ == "__main__":
    catalogue = build()
    catalogue.to_csv(TARGET, index=False, lineterminator="\n")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(catalogue)} vehicles")
