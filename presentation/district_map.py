"""Choropleth maps of a city's districts (wards, Bezirke) that render without map tiles.

The map draws only the district outlines from a GeoJSON file: no base map and no tile
server, so it works offline and shows the same thing on every machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

#: Light to dark teal; the lightest step stays visible on a white page.
SEQUENTIAL_COLORSCALE: list[list[float | str]] = [
    [0.0, "#dcefec"],
    [0.35, "#94cbc4"],
    [0.7, "#3f8f8d"],
    [1.0, "#123f4a"],
]
MAP_HEIGHT_PX = 640
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK JP", Arial, sans-serif'
def district_choropleth(
    geojson: dict,
    values: pd.Series,
    *,
    id_property: str,
    label: str,
    hover: pd.DataFrame | None = None,
    name_property: str | None = None,
) -> go.Figure:
    """Colour each district of a GeoJSON by one value, with no base map.

    Parameters
    ----------
    geojson : dict
        A GeoJSON ``FeatureCollection`` in longitude/latitude degrees (WGS 84). Each feature
        carries its district id in ``properties[id_property]``.
    values : pandas.Series
        The value to colour by, indexed by district id. Ids are compared as strings, so
        ``11101`` and ``"11101"`` name the same district. Districts of the GeoJSON that are
        not in the index are not drawn.
    id_property : str
        Name of the feature property holding the district id, e.g. ``"ward_code"``.
    label : str
        What the value is, with its unit if it has one (e.g. ``"Households"``). Used as
        the colour-bar title and in the hover text.
    hover : pandas.DataFrame, optional
        Extra rows for the hover text, indexed by district id, one column per line; the
        column names are shown as written. Text columns come first, then the value
        line, then numeric columns (printed with thousands separators).
    name_property : str, optional
        Feature property with a short name to print on each district, e.g.
        ``"ward_en"``. No names are printed when omitted.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Choropleth`` trace (locations in the order of ``values``, ``z`` equal to
        ``values``), plus a ``Scattergeo`` text trace when ``name_property`` is given.
        The geography is hidden and the view fitted to the districts.

    Raises
    ------
    ValueError
        If ``values`` has duplicate ids, names ids that are not in the GeoJSON, or if
        ``hover`` lacks a row for one of them.
    """
    features = _features_by_id(geojson, id_property)
    ids = values.index.astype(str)
    _check_ids(ids, features)

    z = values.to_numpy(dtype=float)
    trace = go.Choropleth(
        geojson=geojson,
        featureidkey=f"properties.{id_property}",
        locations=list(ids),
        z=z,
        zmin=float(np.nanmin(z)) if z.size else None,
        zmax=float(np.nanmax(z)) if z.size else None,
        colorscale=SEQUENTIAL_COLORSCALE,
        marker={"line": {"color": "#ffffff", "width": 1.5}},
        colorbar={
            "title": {"text": label, "side": "top"},
            "tickformat": ",",
            "thickness": 14,
            "len": 0.75,
            "outlinewidth": 0,
            "x": 1.0,
            "xanchor": "left",
        },
        name=label,
    )
    customdata, template = _hover_template(ids, hover, label)
    trace.update(customdata=customdata, hovertemplate=template)

    fig = go.Figure(trace)
    if name_property is not None:
        fig.add_trace(_name_labels(ids, features, name_property))
    fig.update_geos(
        fitbounds="locations",
        visible=False,
        projection_type="mercator",
        bgcolor="rgba(0,0,0,0)",
    )
    fig.update_layout(
        height=MAP_HEIGHT_PX,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor="rgba(0,0,0,0)",
        dragmode=False,
        showlegend=False,
        font={"family": FONT_FAMILY, "color": "#1f2328"},
        hoverlabel={"bgcolor": "#ffffff", "bordercolor": "#c9d1d9", "font": {"color": "#1f2328"}},
    )
    return fig


def _features_by_id(geojson: dict, id_property: str) -> dict[str, dict]:
    features = geojson.get("features")
    if not isinstance(features, list):
        raise ValueError("geojson: expected a FeatureCollection with a 'features' list")
    by_id: dict[str, dict] = {}
    for feature in features:
        properties = feature.get("properties") or {}
        if id_property not in properties:
            raise ValueError(f"geojson: a feature has no property '{id_property}'")
        by_id[str(properties[id_property])] = feature
    return by_id


def _check_ids(ids: pd.Index, features: dict[str, dict]) -> None:
    duplicated = sorted(set(ids[ids.duplicated()]))
    if duplicated:
        raise ValueError(f"values: duplicate district ids {duplicated}")
    unknown = sorted(set(ids) - features.keys())
    if unknown:
        raise ValueError(f"values: district ids {unknown} are not in the geojson")


def _hover_template(ids: pd.Index, hover: pd.DataFrame | None, label: str) -> tuple[np.ndarray | None, str]:
    value_line = f"{label}: %{{z:,.0f}}"
    if hover is None:
        return None, value_line + "<extra></extra>"
    rows = hover.set_axis(hover.index.astype(str)).reindex(ids)
    missing = sorted(ids[rows.isna().all(axis=1).to_numpy()])
    if missing:
        raise ValueError(f"hover: no row for district ids {missing}")
    text_lines, number_lines = [], []
    for position, column in enumerate(rows.columns):
        if pd.api.types.is_numeric_dtype(rows[column]):
            number_lines.append(f"{column}: %{{customdata[{position}]:,}}")
        else:
            text_lines.append(f"{column}: %{{customdata[{position}]}}")
    template = "<br>".join([*text_lines, value_line, *number_lines]) + "<extra></extra>"
    return rows.to_numpy(dtype=object), template


def _name_labels(ids: Sequence[str], features: dict[str, dict], name_property: str) -> go.Scattergeo:
    points = [_label_point(features[i]["geometry"]) for i in ids]
    return go.Scattergeo(
        lon=[p[0] for p in points],
        lat=[p[1] for p in points],
        text=[str(features[i]["properties"].get(name_property, "")) for i in ids],
        mode="text",
        textfont={"size": 12, "color": "#1f2328", "shadow": "auto", "weight": 600},
        hoverinfo="skip",
        showlegend=False,
    )


def _label_point(geometry: dict) -> tuple[float, float]:
    """Centroid of the largest outer ring: a stable spot for a name (detached pieces ignored)."""
    if geometry["type"] == "Polygon":
        rings: Iterable = [geometry["coordinates"][0]]
    elif geometry["type"] == "MultiPolygon":
        rings = [polygon[0] for polygon in geometry["coordinates"]]
    else:
        raise ValueError(f"geojson: cannot place a label on a {geometry['type']}")
    best_area, best_point = -1.0, (float("nan"), float("nan"))
    for ring in rings:
        area, point = _ring_area_centroid(np.asarray(ring, dtype=float))
        if abs(area) > best_area:
            best_area, best_point = abs(area), point
    return best_point


def _ring_area_centroid(ring: np.ndarray) -> tuple[float, tuple[float, float]]:
    x, y = ring[:, 0], ring[:, 1]
    x_next, y_next = np.roll(x, -1), np.roll(y, -1)
    cross = x * y_next - x_next * y
    area = cross.sum() / 2.0
    if area == 0.0:
        return 0.0, (float(x.mean()), float(y.mean()))
    cx = ((x + x_next) * cross).sum() / (6.0 * area)
    cy = ((y + y_next) * cross).sum() / (6.0 * area)
    return float(area), (float(cx), float(cy))
