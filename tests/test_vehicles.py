"""The vehicle catalogue: rows, usable energy, claims, PHEV engines and the unknown-id message."""

from __future__ import annotations

import pandas as pd
import pytest

from resilience.errors import KizunaInputError
from resilience.vehicles import ATTRIBUTION, CATALOGUE_PATH, vehicle, vehicle_catalogue

SOURCE = CATALOGUE_PATH.parents[1] / "sources" / "ev_models_jp_de.csv"
#: PHEVs added from carmaker figures after the 35 source rows (data/vehicles/build_catalogue.py).
CARMAKER_ROWS = ["mitsubishi-outlander-phev-2013", "mitsubishi-outlander-phev-2021", "toyota-prius-phv-2017"]


def test_catalogue_has_the_35_source_rows_then_the_carmaker_rows_with_unique_ids():
    catalogue = vehicle_catalogue()
    source = pd.read_csv(SOURCE)
    assert len(catalogue) == 35 + 3
    assert catalogue.index.is_unique
    assert catalogue.index.str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    assert list(catalogue["battery_kwh"].iloc[:35]) == list(source["battery_kwh"])
    assert list(catalogue["model"].iloc[:35]) == list(source["model"])
    assert list(catalogue.index[35:]) == CARMAKER_ROWS
    assert (catalogue.loc[CARMAKER_ROWS, "powertrain"] == "PHEV").all()
    assert list(catalogue.loc[CARMAKER_ROWS, "battery_kwh"]) == [12.0, 20.0, 8.8]


def test_leaf_40_is_present_with_its_usable_energy():
    leaf = vehicle("nissan-leaf-40")
    assert leaf["brand"] == "Nissan" and leaf["variant"] == "40 kWh"
    assert leaf["usable_kwh"] == 38.0
    assert leaf["usable_kwh_status"] == "sourced"
    assert leaf["v2h_jp_capable"]
    assert "2~4日分" in leaf["supply_days_claim"] and "diamond.jp" in leaf["supply_days_claim_source"]


def test_total_pack_rows_get_the_leaf_usable_share_and_are_marked_estimated():
    catalogue = vehicle_catalogue()
    total_rows = catalogue[catalogue["battery_kwh_basis"].str.startswith("total")]
    assert sorted(total_rows.index) == ["mitsubishi-eclipse-cross-phev", "mitsubishi-outlander-phev-2013",
                                        "mitsubishi-outlander-phev-2019", "mitsubishi-outlander-phev-2021",
                                        "nissan-sakura", "toyota-prius-phv-2017"]
    assert vehicle("nissan-sakura")["usable_kwh"] == 16.7  # 20 kWh × 20/24 [S48]
    assert vehicle("mitsubishi-outlander-phev-2019")["usable_kwh"] == 11.5  # 13.8 × 20/24
    assert vehicle("mitsubishi-outlander-phev-2013")["usable_kwh"] == 10.0  # 12 × 20/24
    assert vehicle("mitsubishi-outlander-phev-2021")["usable_kwh"] == 16.7  # 20 × 20/24 = 16.67
    assert vehicle("toyota-prius-phv-2017")["usable_kwh"] == 7.3  # 8.8 × 20/24 = 7.33
    assert (total_rows["usable_kwh_status"] == "estimated").all()
    assert total_rows["usable_kwh_method"].str.contains("20/24").all()


def test_usable_energy_never_exceeds_the_battery():
    catalogue = vehicle_catalogue()
    assert (catalogue["usable_kwh"] > 0).all()
    assert (catalogue["usable_kwh"] <= catalogue["battery_kwh"]).all()


def test_every_claim_names_its_source():
    catalogue = vehicle_catalogue()
    with_claim = catalogue[catalogue["supply_days_claim"] != ""]
    assert set(with_claim.index) == {"nissan-leaf-40", "nissan-leaf-e-plus-62", "nissan-sakura",
                                     "mitsubishi-outlander-phev-2013", "mitsubishi-outlander-phev-2019",
                                     "mitsubishi-outlander-phev-2021", "mitsubishi-eclipse-cross-phev",
                                     "toyota-prius-phv-2017"}
    assert with_claim["supply_days_claim_source"].str.contains(r"\[S\d+\]").all()
    assert not catalogue["supply_days_claim_source"].str.contains("FACTS").any()


def test_powertrains_are_bev_or_phev():
    assert set(vehicle_catalogue()["powertrain"]) == {"BEV", "PHEV"}


def test_unknown_vehicle_lists_close_matches():
    with pytest.raises(KizunaInputError) as caught:
        vehicle("nissan-leaf-4")
    message = str(caught.value)
    assert message.startswith("unknown vehicle 'nissan-leaf-4': did you mean nissan-leaf-40")
    assert "38 vehicles" in message


def test_unknown_vehicle_without_a_match_still_shows_what_ids_look_like():
    with pytest.raises(KizunaInputError, match="unknown vehicle 'zzz': ids look like nissan-leaf-40"):
        vehicle("zzz")


def test_catalogue_is_a_copy_so_callers_cannot_change_the_cache():
    first = vehicle_catalogue()
    first.loc["nissan-leaf-40", "usable_kwh"] = 0.0
    assert vehicle_catalogue().loc["nissan-leaf-40", "usable_kwh"] == 38.0
    assert vehicle("nissan-leaf-40")["usable_kwh"] == 38.0


def test_attribution_string_is_the_licence_text():
    assert ATTRIBUTION == "Open EV Data (https://github.com/KilowattApp/open-ev-data)"
