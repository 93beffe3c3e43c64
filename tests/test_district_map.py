"""District choropleth builder: hand-checked against Saitama's ward data, and its error cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from presentation.district_map import district_choropleth
from presentation.home_data import districts_geojson, districts_table

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}


def _collection(*features: tuple[str, dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code, "name": f"D{code}"}, "geometry": geometry}
            for code, geometry in features
        ],
    }


def test_saitama_map_has_ten_wards_coloured_by_households() -> None:
    wards = districts_table()
    fig = district_choropleth(districts_geojson(), wards["households"], id_property="district_id", label="Households")
    choropleth = fig.data[0]
    assert choropleth.type == "choropleth"
    assert list(choropleth.locations) == [str(code) for code in range(11101, 11111)]
    assert choropleth.featureidkey == "properties.district_id"
    # Values from the city's page of 1 Sep 2025: Nishi 45,124 … Iwatsuki 54,413; total 656,951.
    assert choropleth.z[0] == 45124
    assert choropleth.z[-1] == 54413
    np.testing.assert_array_equal(choropleth.z, wards["households"].to_numpy())
    assert sum(choropleth.z) == 656951


def test_map_has_no_tiles_and_fits_the_districts() -> None:
    values = pd.Series([1.0], index=["a"])
    fig = district_choropleth(_collection(("a", SQUARE)), values, id_property="code", label="X")
    assert fig.layout.geo.visible is False
    assert fig.layout.geo.fitbounds == "locations"
    assert all(trace.type in {"choropleth", "scattergeo"} for trace in fig.data)
    assert not {"map", "mapbox"} & fig.to_dict()["layout"].keys()


def test_hover_lists_text_then_value_then_numbers() -> None:
    values = pd.Series([10, 20], index=["a", "b"])
    hover = pd.DataFrame({"Name": ["Alpha", "Beta"], "People": [1000, 2000]}, index=["b", "a"])
    fig = district_choropleth(
        _collection(("a", SQUARE), ("b", SQUARE)), values, id_property="code", label="Homes", hover=hover
    )
    trace = fig.data[0]
    assert trace.hovertemplate == (
        "Name: %{customdata[0]}<br>Homes: %{z:,.0f}<br>People: %{customdata[1]:,}<extra></extra>"
    )
    # Hover rows follow the order of `values`, not of `hover`.
    assert [list(row) for row in trace.customdata] == [["Beta", 2000], ["Alpha", 1000]]


def test_integer_ids_match_string_properties() -> None:
    fig = district_choropleth(
        _collection(("11101", SQUARE)), pd.Series([5], index=[11101]), id_property="code", label="X"
    )
    assert list(fig.data[0].locations) == ["11101"]


def test_name_label_sits_at_the_centroid_of_the_largest_piece() -> None:
    islet = [[[10, 10], [10.1, 10], [10.1, 10.1], [10, 10.1], [10, 10]]]
    multi = {"type": "MultiPolygon", "coordinates": [islet, SQUARE["coordinates"]]}
    fig = district_choropleth(
        _collection(("a", multi)), pd.Series([1], index=["a"]), id_property="code", label="X", name_property="name"
    )
    labels = fig.data[1]
    assert labels.type == "scattergeo"
    assert list(labels.text) == ["Da"]
    assert labels.lon[0] == pytest.approx(1.0)
    assert labels.lat[0] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("values", "hover", "message"),
    [
        (pd.Series([1, 2], index=["a", "zz"]), None, r"\['zz'\] are not in the geojson"),
        (pd.Series([1, 2], index=["a", "a"]), None, r"duplicate district ids \['a'\]"),
        (pd.Series([1], index=["a"]), pd.DataFrame({"Name": ["B"]}, index=["b"]), r"hover: no row .*\['a'\]"),
    ],
)
def test_bad_input_is_rejected_with_the_offending_ids(values, hover, message) -> None:
    geojson = _collection(("a", SQUARE), ("b", SQUARE))
    with pytest.raises(ValueError, match=message):
        district_choropleth(geojson, values, id_property="code", label="X", hover=hover)


def test_features_without_the_id_property_are_rejected() -> None:
    with pytest.raises(ValueError, match="no property 'ward_code'"):
        district_choropleth(_collection(("a", SQUARE)), pd.Series([1], index=["a"]), id_property="ward_code", label="X")
