"""The Compare page's what-ifs: quick changes applied on top of the planned scenario (B and C beside A)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from resilience.errors import KizunaInputError
from resilience.records import Scenario


@dataclass(frozen=True)
class Variant:
    """A what-if applied on top of the shared scenario (Compare page).

    Attributes
    ----------
    label_key : str
        Key of its label in :data:`presentation.text.TEXT`.
    set_fields : dict
        Scenario fields set to a value.
    scale_fields : dict
        Scenario fields multiplied by a factor (capped at the field's maximum).
    """

    label_key: str
    set_fields: Mapping[str, Any]
    scale_fields: Mapping[str, float]


NO_VARIANT = "none"
#: Quick what-ifs of the Compare page, in the order of its dropdowns.
COMPARE_VARIANTS: dict[str, Variant] = {
    NO_VARIANT: Variant("compare.variant_none", {}, {}),
    "v2h-10": Variant("compare.variant_v2h_10", {"v2h_adoption_share": 0.10}, {}),
    "v2h-30": Variant("compare.variant_v2h_30", {"v2h_adoption_share": 0.30}, {}),
    "ev-x10": Variant("compare.variant_ev_x10", {}, {"ev_stock_multiplier": 10.0}),
    "diesel-x2": Variant("compare.variant_diesel_x2", {}, {"diesel_stock_multiplier": 2.0}),
    "resupply-none": Variant("compare.variant_resupply_none", {"diesel_resupply_delay_h": 8760.0}, {}),
    "pv-x3": Variant("compare.variant_pv_x3", {}, {"pv_multiplier": 3.0}),
    "essential-min": Variant("compare.variant_essential_min", {"essential_kwh_per_day": 1.5}, {}),
    "overcast": Variant("compare.variant_overcast", {"weather": "overcast"}, {}),
}
#: The Compare page opens on: 10 % V2H adoption, and the diesel stock doubled.
DEFAULT_COMPARE: tuple[str, str] = ("v2h-10", "diesel-x2")
_FIELD_MAXIMUM = {"ev_stock_multiplier": 100.0, "diesel_stock_multiplier": 100.0, "pv_multiplier": 100.0}


def apply_variant(scenario: Mapping[str, Any], variant_id: str) -> dict[str, Any]:
    """The scenario dict with a Compare variant applied (a new, validated dict).

    Raises
    ------
    KizunaInputError
        For an unknown variant id.
    """
    if variant_id not in COMPARE_VARIANTS:
        raise KizunaInputError(f"compare variant '{variant_id}': must be one of {', '.join(COMPARE_VARIANTS)}")
    variant = COMPARE_VARIANTS[variant_id]
    fields = dict(scenario)
    fields.update(variant.set_fields)
    for name, factor in variant.scale_fields.items():
        fields[name] = min(fields[name] * factor, _FIELD_MAXIMUM[name])
    return Scenario.from_dict(fields).to_dict()
