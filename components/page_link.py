"""A scenario page's link: the page opens on it, and its own callback keeps it in step with its controls.

Every scenario page (Overview, Planner, Compare, About) reads its link in ``layout(**query)``
(:func:`open_page`): its controls are built set to the link's values, the values it could
not use are listed in the page's error banner, and the page keeps its state and its
(normalised) query in two stores of its own (:func:`page_stores`). When the user changes
a control, the page's own callback (:func:`register_page_callback`, which wraps the plain
function :func:`update_page`) works out the new state and query; the app shell then puts
the query in the address bar (``replaceState``: the page is not rebuilt) and in the
top-bar links (app.py), so the next page opens on the same scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dash
from dash import Input, Output, State, ctx, dcc, no_update

from components import ids
from components.banners import problem_items
from components.scenario_controls import control_id, error_banner_id
from components.url_state import COMPARE_PARAM, MAP_PARAM, decode_query, default_view, encode_query
from presentation.hit_area import default_area_hint, district_options
from presentation.scenario_state import (
    CITY,
    DISABLEABLE,
    DISTRICTS,
    PRESET,
    change_controls,
    checked_state,
    disabled_controls,
)
from presentation.text import TEXT
from resilience.citydata import list_cities, load_city
from resilience.errors import KizunaInputError

#: View-control name → where its value lives in the view state (key, position in a list or None).
VIEW_SLOTS: dict[str, tuple[str, int | None]] = {ids.VIEW_MAP_METRIC: (MAP_PARAM, None),
                                                 ids.VIEW_COMPARE_B: (COMPARE_PARAM, 0),
                                                 ids.VIEW_COMPARE_C: (COMPARE_PARAM, 1)}


@dataclass(frozen=True)
class PageLink:
    """What a scenario page opens on, read from its link.

    Attributes
    ----------
    state : dict
        ``{"city": id, "scenario": dict}``, valid.
    view : dict
        ``{"map": metric, "compare": [variant, variant]}``, valid.
    query : str
        The link's query string as the page writes it (normalised, with ``?``).
    problems : list of str
        One message per link value replaced by its default.
    """

    state: dict[str, Any]
    view: dict[str, Any]
    query: str
    problems: list[str]


def open_page(query: Mapping[str, Any] | str | None) -> PageLink:
    """The state, view and problems of a page's link (the query parameters Dash passes to ``layout``)."""
    decoded = decode_query(query, list_cities())
    return PageLink(decoded.state, decoded.view, encode_query(decoded.state, decoded.view), decoded.problems)


def state_store_id(page: str) -> dict[str, str]:
    """Id of the page's store of its state (the results callbacks listen to it)."""
    return {"type": ids.PAGE_STATE, "page": page}


def query_store_id(page: str) -> dict[str, str]:
    """Id of the page's store of its link's query (the address bar and the top bar follow it)."""
    return {"type": ids.PAGE_QUERY, "page": page}


def view_control_id(page: str, name: str) -> dict[str, str]:
    """Pattern-matching id of view control ``name`` (map metric, compared what-if) on ``page``."""
    return {"type": ids.VIEW_CONTROL, "page": page, "name": name}


def page_stores(page: str, link: PageLink) -> list[dcc.Store]:
    """The page's state and query, as read from its link."""
    return [dcc.Store(id=state_store_id(page), data=link.state), dcc.Store(id=query_store_id(page), data=link.query)]


def view_value(view: Mapping[str, Any], name: str) -> Any:
    """The value of view control ``name`` in a view state."""
    key, position = VIEW_SLOTS[name]
    return view[key] if position is None else view[key][position]


def view_from_controls(values: Mapping[str, Any]) -> dict[str, Any]:
    """The view state of the view controls on a page (the defaults for those it does not have)."""
    view = default_view()
    for name, value in values.items():
        key, position = VIEW_SLOTS[name]
        if position is None:
            view[key] = value
        else:
            view[key][position] = value
    return view


@dataclass(frozen=True)
class PageControls:
    """The controls of one scenario page, which its callback names one by one.

    Attributes
    ----------
    page : str
        The page's name in ids (``ids.PAGE_PLANNER`` …).
    names : tuple of str
        Its scenario controls (:mod:`presentation.scenario_state` names).
    view_names : tuple of str
        Its view controls (``ids.VIEW_MAP_METRIC`` …).
    full_form : bool
        The planner's form: a reset button, a "Whole city" button, and the districts'
        options and hint that follow the city and the outage.
    """

    page: str
    names: tuple[str, ...]
    view_names: tuple[str, ...] = ()
    full_form: bool = False

    @property
    def disableable(self) -> tuple[str, ...]:
        """Its controls that are greyed out when they do nothing."""
        return tuple(name for name in DISABLEABLE if name in self.names)


def callback_args(controls: PageControls) -> dict[str, Any]:
    """The named outputs, inputs and states of the page's callback (Dash's dict signatures)."""
    page = controls.page
    banner = error_banner_id(page)
    output: dict[str, Any] = {
        "state": Output(state_store_id(page), "data"),
        "query": Output(query_store_id(page), "data"),
        "banner": Output(banner, "children"),
        "banner_hidden": Output(banner, "hidden"),
        "values": {name: Output(control_id(page, name), "value") for name in controls.names},
    }
    inputs: dict[str, Any] = {"values": {name: Input(control_id(page, name), "value") for name in controls.names}}
    if controls.view_names:
        inputs["view"] = {name: Input(view_control_id(page, name), "value") for name in controls.view_names}
    if controls.disableable:
        output["disabled"] = {name: Output(control_id(page, name), "disabled") for name in controls.disableable}
    if controls.full_form:
        output["districts"] = Output(control_id(page, DISTRICTS), "options")
        output["hint"] = Output({"type": ids.SCENARIO_HIT_HINT, "page": page}, "children")
        inputs["reset"] = Input({"type": ids.SCENARIO_RESET, "page": page}, "n_clicks")
        inputs["whole_city"] = Input({"type": ids.SCENARIO_WHOLE_CITY, "page": page}, "n_clicks")
    state = {"state": State(state_store_id(page), "data"), "query": State(query_store_id(page), "data")}
    return {"output": output, "inputs": inputs, "state": state, "prevent_initial_call": True}


def register_page_callback(controls: PageControls) -> None:
    """Register the page's own callback: its controls → its state, its query and its banner."""

    def page_controls_changed(**arguments: Any) -> dict[str, Any]:
        return update_page(controls, ctx.triggered_id, **arguments)

    dash.callback(**callback_args(controls))(page_controls_changed)


def update_page(
    controls: PageControls,
    trigger: Any,
    *,
    state: dict[str, Any],
    query: str | None,
    values: Mapping[str, Any],
    view: Mapping[str, Any] | None = None,
    reset: int | None = None,
    whole_city: int | None = None,
) -> dict[str, Any]:
    """What the page's callback sends back when ``trigger`` (a control's id) changed.

    Parameters
    ----------
    controls : PageControls
    trigger : dict or None
        The id of the control (or button) that changed, as ``ctx.triggered_id`` gives it.
    state, query
        The page's stored state and query.
    values, view : mapping
        Control name → value of the page's scenario and view controls.
    reset, whole_city : int or None
        Clicks of the planner's buttons.

    Returns
    -------
    dict
        The named outputs of :func:`callback_args` (``no_update`` where nothing changes).
    """
    try:
        state = checked_state(state)
    except KizunaInputError as error:
        return _refused(controls, error)
    kind = trigger.get("type") if isinstance(trigger, dict) else None
    current = dict(values)
    whole = kind == ids.SCENARIO_WHOLE_CITY and bool(whole_city)
    if whole:
        current[DISTRICTS] = [district.id for district in load_city(state["city"]).districts]
    changed = DISTRICTS if whole else trigger["name"] if kind == ids.SCENARIO_CONTROL else None
    change = change_controls(state, current, changed=changed, reset=kind == ids.SCENARIO_RESET and bool(reset))
    shown = change.values or ({DISTRICTS: current[DISTRICTS]} if whole else None)
    new_query = query if change.problems else encode_query(change.state or state, view_from_controls(view or {}))
    outputs: dict[str, Any] = {
        "state": no_update if change.state is None else change.state,
        "query": no_update if new_query == query else new_query,
        "banner": problem_items(TEXT["error.heading"], change.problems),
        "banner_hidden": not change.problems,
        "values": {name: shown[name] if shown and name in shown else no_update for name in controls.names},
    }
    if controls.disableable:
        flags = disabled_controls({**current, **(shown or {})})
        outputs["disabled"] = {name: flags[name] for name in controls.disableable}
    if controls.full_form:
        outputs.update(_district_outputs(shown))
    return outputs


def _refused(controls: PageControls, error: KizunaInputError) -> dict[str, Any]:
    """The outputs when the page's own state is not one: its problem in the banner, nothing else changes."""
    outputs: dict[str, Any] = {"state": no_update, "query": no_update,
                               "banner": problem_items(TEXT["error.heading"], error.problems), "banner_hidden": False,
                               "values": dict.fromkeys(controls.names, no_update)}
    if controls.disableable:
        outputs["disabled"] = dict.fromkeys(controls.disableable, no_update)
    if controls.full_form:
        outputs.update({"districts": no_update, "hint": no_update})
    return outputs


def _district_outputs(shown: Mapping[str, Any] | None) -> dict[str, Any]:
    """The districts' options and what an empty choice means, when the city or the outage was set anew."""
    if not shown or CITY not in shown:
        return {"districts": no_update, "hint": no_update}
    return {"districts": district_options(shown[CITY]), "hint": default_area_hint(shown[CITY], shown[PRESET])}
