"""Build ``data/vehicles/ev_models.csv`` from ``data/sources/ev_models_jp_de.csv``.

Run from the repository root: ``.venv/bin/python data/vehicles/build_catalogue.py``.
It adds a stable ``vehicle_id``, the usable battery energy ``usable_kwh`` (with
how it was obtained), a V2H flag and the carmakers' "days of household supply"
claims of FACTS C2. The source columns are kept unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "data" / "sources" / "ev_models_jp_de.csv"
TARGET = ROOT / "data" / "vehicles" / "ev_models.csv"

#: FACTS C1: "the usable 20-kWh capacity of the Leaf's 24-kWh battery" (Green Car Reports, 2012).
USABLE_SHARE_OF_TOTAL = 20 / 24

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

#: FACTS C2: carmakers' "days of household supply" claims, by vehicle id.
SUPPLY_CLAIMS = {
    "nissan-leaf-40": (
        "一般家庭で使用する電力の2~4日分 (LEAF 40 kWh and e+ 62 kWh together; 12 kWh/day, 3-person household)",
        "Nissan PR in Diamond Online, https://diamond.jp/articles/-/224472?page=2 (FACTS C2)",
    ),
    "nissan-leaf-e-plus-62": (
        "約4日分 (e+ 60 kWh); 2~4日分 for LEAF 40 kWh and e+ together (12 kWh/day)",
        "eco-mirai.jp; Nissan PR in Diamond Online, https://diamond.jp/articles/-/224472?page=2 (FACTS C2)",
    ),
    "nissan-sakura": (
        "約2日分 at 10 kWh/day (Sakura / eK X EV, 20 kWh)",
        "ベストカーWeb, quoted on 5ch [secondary] (FACTS C2)",
    ),
    "mitsubishi-outlander-phev-2019": (
        "full charge 約1日分; with a full tank 約10日分 (claim for the 2013–2020 generation, 10 kWh/day, "
        "1500 W outlet; this 2019 update has a 13.8 kWh pack)",
        "autoblog JP, Jan 2015, http://jp.autoblog.com/2015/01/05/phev-mitsubishi-outlander-suv-phev/; "
        "New Atlas, https://newatlas.com/mitsubishi-outlander-phev-vehicle-to-home-v2h/35392/ (FACTS C2)",
    ),
}


def build() -> pd.DataFrame:
    source = pd.read_csv(SOURCE, dtype=str, keep_default_na=False)
    keys = list(zip(source["brand"], source["model"], source["variant"], strict=True))
    missing = [k for k in keys if k not in VEHICLE_IDS]
    if missing:
        raise SystemExit(f"no vehicle_id for {missing}")
    table = source.copy()
    table.insert(0, "vehicle_id", [VEHICLE_IDS[k] for k in keys])
    battery = table["battery_kwh"].astype(float)
    is_usable = table["battery_kwh_basis"].eq("usable")
    table["usable_kwh"] = battery.where(is_usable, (battery * USABLE_SHARE_OF_TOTAL).round(1))
    table["usable_kwh_status"] = is_usable.map({True: "sourced", False: "estimated"})
    table["usable_kwh_method"] = is_usable.map({
        True: "Open EV Data usable_battery_size",
        False: "estimated: total pack energy (総電力量) × 20/24, the LEAF 24 kWh usable share (FACTS C1)",
    })
    table["v2h_jp_capable"] = table["v2h_jp_status"].str.startswith(("listed", "reported"))
    table["supply_days_claim"] = table["vehicle_id"].map(lambda v: SUPPLY_CLAIMS.get(v, ("", ""))[0])
    table["supply_days_claim_source"] = table["vehicle_id"].map(lambda v: SUPPLY_CLAIMS.get(v, ("", ""))[1])
    return table


if __name__ == "__main__":
    catalogue = build()
    catalogue.to_csv(TARGET, index=False, lineterminator="\n")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(catalogue)} vehicles")
