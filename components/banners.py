"""The one way an error banner lists problems: a heading and one line per problem."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html


def problem_items(heading: str, problems: Sequence[str]) -> list:
    """Children of an ``.error-banner``: the heading in bold and one list item per problem (none when all is well).

    Every banner of the app — a bad link, a value the engine rejects, a file that cannot be loaded or made —
    is built from this, so each reads the same way.
    """
    if not problems:
        return []
    return [html.Strong(heading), html.Ul([html.Li(problem) for problem in problems])]
