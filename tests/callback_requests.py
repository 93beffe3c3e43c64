"""The requests a browser sends to the app's server callbacks, built from the app itself.

For every page, the layout it opens with (``layout()`` with no query) and the app shell
are searched for the components a callback reads; the request body carries their
values as the page holds them, exactly as dash-renderer would post them to
``/_dash-update-component``. The fuzz tests then replace one value at a time with
something a control could never produce, and post it.

Built from ``app.callback_map``, so a new callback or control is covered without
editing this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import dash
from dash._utils import split_callback_id, stringify_id

WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])


@dataclass
class CallbackRequest:
    """One callback's request body, as the page on ``path`` would post it."""

    path: str
    output: str
    body: dict[str, Any]
    background: bool
    #: (section, position, index in a pattern-matching list or None) of every value in the body.
    slots: list[tuple[str, int, int | None]] = field(default_factory=list)

    def value(self, slot: tuple[str, int, int | None]) -> Any:
        section, position, index = slot
        entry = self.body[section][position]
        return (entry if index is None else entry[index]).get("value")

    def with_value(self, slot: tuple[str, int, int | None], value: Any) -> dict[str, Any]:
        """A copy of the body with one value replaced (and marked as the one that changed)."""
        body = json.loads(json.dumps(self.body))
        section, position, index = slot
        entry = body[section][position] if index is None else body[section][position][index]
        entry["value"] = value
        if section == "inputs":
            body["changedPropIds"] = [f"{stringify_id(entry['id'])}.{entry['property']}"]
        return body


def _parse_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def _matches(pattern: Any, concrete: Any) -> bool:
    if not isinstance(pattern, dict):
        return pattern == concrete
    if not isinstance(concrete, dict) or set(concrete) != set(pattern):
        return False
    return all(value in WILDCARDS or concrete[key] == value for key, value in pattern.items())


def _components(tree: Any) -> list[Any]:
    if tree is None:
        return []
    found = [tree] if getattr(tree, "id", None) is not None else []
    if hasattr(tree, "_traverse"):
        found += [c for c in tree._traverse() if getattr(c, "id", None) is not None]
    return found


def page_components(app: dash.Dash, path: str) -> list[Any]:
    """The app shell's components with an id, and those of the page at ``path`` opened with no query."""
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    layout = page["layout"]() if callable(page["layout"]) else page["layout"]
    shell = app.layout() if callable(app.layout) else app.layout
    return _components(shell) + _components(layout)


def _entries(spec: dict[str, str], components: list[Any]) -> Any:
    """The request entry (or list, for a pattern-matching ALL) of one input or state; None if not on the page."""
    pattern = _parse_id(spec["id"])
    prop = spec["property"]
    found = [c for c in components if _matches(pattern, c.id)]
    if isinstance(pattern, dict) and any(v == ["ALL"] for v in pattern.values()):
        return [{"id": c.id, "property": prop, "value": getattr(c, prop, None)} for c in found]
    if not found:
        return None
    return {"id": found[0].id, "property": prop, "value": getattr(found[0], prop, None)}


def _outputs(output: str, components: list[Any]) -> Any:
    specs = split_callback_id(output)
    many = isinstance(specs, list)
    entries = []
    for spec in specs if many else [specs]:
        pattern = _parse_id(spec["id"])
        prop = spec["property"].split("@")[0]
        if isinstance(pattern, dict) and any(v in WILDCARDS for v in pattern.values()):
            entries.append([{"id": c.id, "property": prop} for c in components if _matches(pattern, c.id)])
        else:
            entries.append({"id": pattern, "property": prop})
    return entries if many else entries[0]


def callback_requests(app: dash.Dash) -> Iterator[CallbackRequest]:
    """Every server callback's request body, on every page whose layout holds all that it reads."""
    paths = sorted(p["path"] for p in dash.page_registry.values())
    components_by_path = {path: page_components(app, path) for path in paths}
    for output, callback in app.callback_map.items():
        if "callback" not in callback:  # a clientside callback: nothing reaches the server
            continue
        for path in paths:
            request = _request(path, output, callback, components_by_path[path])
            if request is not None:
                yield request
                break


def unplaced_callbacks(app: dash.Dash) -> list[str]:
    """Callbacks (clientside ones too) whose inputs, states and outputs are not all on one page with the shell."""
    paths = sorted(p["path"] for p in dash.page_registry.values())
    components_by_path = {path: page_components(app, path) for path in paths}
    unplaced = []
    for output, callback in app.callback_map.items():
        specs = [*callback["inputs"], *callback.get("state", [])]
        if not any(_placed(output, specs, components_by_path[path]) for path in paths):
            unplaced.append(output)
    return unplaced


def _placed(output: str, specs: list[dict[str, str]], components: list[Any]) -> bool:
    if any(_entries(spec, components) in (None, []) for spec in specs):
        return False
    outputs = _outputs(output, components)
    return all(entry != [] and (isinstance(entry, list) or any(_matches(entry["id"], c.id) for c in components))
               for entry in (outputs if isinstance(outputs, list) else [outputs]))


def _request(path: str, output: str, callback: dict[str, Any], components: list[Any]) -> CallbackRequest | None:
    inputs = [_entries(spec, components) for spec in callback["inputs"]]
    states = [_entries(spec, components) for spec in callback.get("state", [])]
    if any(entry is None or entry == [] for entry in inputs + states):
        return None
    first = inputs[0] if isinstance(inputs[0], dict) else (inputs[0] or [None])[0]
    body = {
        "output": output,
        "outputs": _outputs(output, components),
        "inputs": inputs,
        "state": states,
        "changedPropIds": [f"{stringify_id(first['id'])}.{first['property']}"] if first else [],
    }
    slots = [(section, position, index)
             for section, entries in (("inputs", inputs), ("state", states))
             for position, entry in enumerate(entries)
             for index in ([None] if isinstance(entry, dict) else range(len(entry)))]
    return CallbackRequest(path, output, body, bool(callback.get("background")), slots)
