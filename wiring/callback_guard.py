"""The server accepts from the browser only what the page's controls can send.

Every callback request (``POST /_dash-update-component``) is checked before Dash runs
the callback: the body must be the shape dash-renderer sends, name a callback the app
has, and every value it carries must be one the component it comes from can hold — a
click count is a whole number ≥ 0, a slider's value a finite number within the slider's
range, a dropdown's value one of its options, an address a short text, a store's data
JSON of bounded size and depth. Anything else is answered ``400 Bad Request`` with one
sentence naming the component and the property, before any callback (or anything on
disk) sees it. The browser never sends such a request; only a hand-made one does.

What a value *means* — a city id that is bundled, a scenario the engine accepts — is
checked where it is used, by the engine's records (:mod:`resilience.records`,
:func:`resilience.citydata.load_bundled_city`), and shown in the page's banner.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any

import dash
from dash._utils import split_callback_id, stringify_id
from flask import Response, request

from resilience.errors import KizunaInputError

#: Longest text a text-like property may carry (an address, a typed value, a date). The longest link
#: Kizuna writes is under 1,000 characters; browsers cap addresses at a few thousand.
MAX_TEXT_CHARS = 4_000
#: Largest JSON a store may send back, in characters. A page's scenario state is about 1 kB, the
#: Survival page's swept result about 60 kB.
MAX_STORE_CHARS = 500_000
#: Deepest nesting of lists and objects in a request. Dash's own body is 4 levels deep, a page state 3 more.
MAX_DEPTH = 32
#: Most values in one pattern-matching list (every district of a city fits many times over).
MAX_LIST_ITEMS = 1_000
GUARDED_PATH_SUFFIX = "_dash-update-component"
#: The query parameter of a background job's poll (its signed result key).
POLL_PARAM = "cacheKey"

_TEXT_PROPS = {"pathname", "search", "hash", "href", "filename", "date", "start_date", "end_date"}
#: How an address's parts begin, as the browser gives them.
_TEXT_STARTS = {"pathname": "/"}
_COUNT_PROPS = {"n_clicks", "n_intervals", "n_submit", "n_blur"}


class RejectedRequest(Exception):
    """A callback request no control of the app could have sent."""


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of ``value``, counted without recursion (a hostile body may be very deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return deepest


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _option_values(options: Any) -> list[Any] | None:
    if options is None:
        return None
    if isinstance(options, Mapping):
        return list(options)
    return [option["value"] if isinstance(option, Mapping) else option for option in options]


class CallbackGuard:
    """The rules of every component and property a callback of ``app`` reads.

    Parameters
    ----------
    app : dash.Dash
        The app, with every page registered. Its layouts are read once, on the first request.
    """

    def __init__(self, app: dash.Dash):
        self.app = app

    @cached_property
    def components(self) -> dict[str, Any]:
        """Every component with an id in the app shell and in every page opened with no query, by id."""
        trees = [self.app.layout() if callable(self.app.layout) else self.app.layout]
        for page in dash.page_registry.values():
            trees.append(page["layout"]() if callable(page["layout"]) else page["layout"])
        found: dict[str, Any] = {}
        for tree in trees:
            for component in [tree, *tree._traverse()]:
                if getattr(component, "id", None) is not None:
                    found[stringify_id(component.id)] = component
        return found

    @cached_property
    def updated_props(self) -> set[tuple[str, str]]:
        """(id, property) of everything a callback writes: its value in the layout is not the last word."""
        written: set[tuple[str, str]] = set()
        for output in self.app.callback_map:
            specs = split_callback_id(output)
            for spec in specs if isinstance(specs, list) else [specs]:
                written.add((spec["id"], spec["property"].split("@")[0]))
        return written

    def check(self, body: Any) -> None:
        """Raise :class:`RejectedRequest` unless ``body`` is a request the app's pages could send."""
        if not isinstance(body, dict):
            raise RejectedRequest("the request is not a callback request")
        if _depth(body) > MAX_DEPTH:
            raise RejectedRequest(f"the request is nested more than {MAX_DEPTH} levels deep")
        output = body.get("output")
        if not isinstance(output, str) or output not in self.app.callback_map:
            raise RejectedRequest("the request names no callback of this app")
        changed = body.get("changedPropIds", [])
        if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
            raise RejectedRequest("changedPropIds must be a list of texts")
        for entry in self._entries(body):
            self._check_entry(entry)

    def _entries(self, body: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        for section in ("inputs", "state", "outputs"):
            items = body.get(section, [])
            items = [items] if section == "outputs" and isinstance(items, dict) else items
            if not isinstance(items, list):
                raise RejectedRequest(f"'{section}' must be a list")
            for item in items:
                for entry in item if isinstance(item, list) else [item]:
                    if not isinstance(entry, dict) or not isinstance(entry.get("property"), str) \
                            or not isinstance(entry.get("id"), str | dict):
                        raise RejectedRequest(f"an entry of '{section}' is not {{id, property, value}}")
                    if isinstance(item, list) and len(item) > MAX_LIST_ITEMS:
                        raise RejectedRequest(f"'{section}' lists more than {MAX_LIST_ITEMS:,} components")
                    if section != "outputs":
                        yield entry

    def _check_entry(self, entry: Mapping[str, Any]) -> None:
        key = stringify_id(entry["id"])
        prop, value = entry["property"], entry.get("value")
        component = self.components.get(key)
        if component is None:
            raise RejectedRequest(f"'{key}' is not a component of this app")
        problem = self._problem(component, prop, value, written=self._written(key))
        if problem is not None:
            raise RejectedRequest(f"{key}.{prop} = {_shown(value)}: {problem}")

    def _written(self, key: str) -> set[str]:
        """The properties of component ``key`` that a callback writes (their layout value may change)."""
        return {prop for component, prop in self.updated_props if component == key}

    def _problem(self, component: Any, prop: str, value: Any, *, written: set[str]) -> str | None:
        kind = type(component).__name__
        if prop in _COUNT_PROPS:
            return None if value is None or (isinstance(value, int) and not isinstance(value, bool)
                                             and 0 <= value < 2**53) else "must be a whole number ≥ 0"
        if prop in _TEXT_PROPS:
            if value is None or (isinstance(value, str) and len(value) <= MAX_TEXT_CHARS
                                 and value.startswith(_TEXT_STARTS.get(prop, ""))):
                return None
            start = f" beginning with '{_TEXT_STARTS[prop]}'" if prop in _TEXT_STARTS else ""
            return f"must be a text{start} of at most {MAX_TEXT_CHARS:,} characters"
        if kind == "Store" and prop == "data":
            return None if len(json.dumps(value)) <= MAX_STORE_CHARS else \
                f"must be at most {MAX_STORE_CHARS:,} characters of JSON"
        if kind == "Upload" and prop == "contents":
            return None if value is None or isinstance(value, str) else "must be a file's contents"
        if prop == "value":
            return self._value_problem(component, kind, value, written)
        return None

    def _value_problem(self, component: Any, kind: str, value: Any, written: set[str]) -> str | None:
        if kind in ("Slider", "RangeSlider") or (kind == "Input" and getattr(component, "type", None) == "number"):
            return self._number_problem(component, value, written)
        if kind in ("Dropdown", "RadioItems", "Checklist"):
            return self._choice_problem(component, kind, value, "options" in written)
        if kind == "Input":  # a text field sends text (a number field is checked above)
            return None if value is None or (isinstance(value, str) and len(value) <= MAX_TEXT_CHARS) \
                else f"must be a text of at most {MAX_TEXT_CHARS:,} characters"
        return None

    def _number_problem(self, component: Any, value: Any, written: set[str]) -> str | None:
        if value is None:
            return None
        ranged = type(component).__name__ == "RangeSlider"
        if isinstance(value, list) != ranged:
            return "must be a list of two numbers" if ranged else "must be a finite number"
        values = value if ranged else [value]
        if not all(_is_number(v) for v in values):
            return "must be a finite number"
        low = None if "min" in written else getattr(component, "min", None)
        high = None if "max" in written else getattr(component, "max", None)
        if any((low is not None and v < low) or (high is not None and v > high) for v in values):
            return f"must be within {low if low is not None else '−∞'}…{high if high is not None else '∞'}"
        return None

    def _choice_problem(self, component: Any, kind: str, value: Any, dynamic_options: bool) -> str | None:
        many = kind == "Checklist" or bool(getattr(component, "multi", False))
        chosen = value if many and isinstance(value, list) else [value]
        if many and not isinstance(value, list | type(None)):
            return "must be a list of choices"
        if value is None and not _can_be_empty(component, kind):
            return "must be one of the control's choices"
        if len(chosen) > MAX_LIST_ITEMS:
            return f"must hold at most {MAX_LIST_ITEMS:,} choices"
        if not all(v is None or isinstance(v, str | int | float) and not isinstance(v, bool) for v in chosen):
            return "must be one of the control's choices"
        options = None if dynamic_options else _option_values(getattr(component, "options", None))
        if options is not None and not all(v is None or v in options for v in chosen):
            return "must be one of the control's choices"
        if any(isinstance(v, str) and len(v) > MAX_TEXT_CHARS for v in chosen):
            return "must be one of the control's choices"
        return None


def _can_be_empty(component: Any, kind: str) -> bool:
    """A dropdown that cannot be cleared, or radio buttons that start with one chosen, never send ``None``."""
    if kind == "Dropdown":
        return getattr(component, "clearable", True) is not False
    if kind == "RadioItems":
        return getattr(component, "value", None) is None
    return True


def install(app: dash.Dash) -> CallbackGuard:
    """Check every callback request of ``app`` before Dash runs it (see the module's docstring)."""
    guard = CallbackGuard(app)

    @app.server.before_request
    def _check_callback_request() -> Response | None:
        if request.method != "POST" or not request.path.endswith(GUARDED_PATH_SUFFIX):
            return None
        if request.args.get(POLL_PARAM):
            # dash-renderer polls a running job with every value set to null; Dash reads only the job's
            # HMAC-signed handles from such a request, never its values.
            return None
        try:
            body = request.get_json(silent=True)
            if body is None:
                raise RejectedRequest("the request is not JSON")
            guard.check(body)
        except (RejectedRequest, KizunaInputError) as refused:
            app.server.logger.warning("refused callback request: %s", refused)
            return Response(json.dumps({"message": str(refused)}), status=400, mimetype="application/json")
        except RecursionError:
            return Response(json.dumps({"message": "the request is nested too deeply"}), status=400,
                            mimetype="application/json")
        return None

    return guard
