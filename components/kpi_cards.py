"""The headline KPI cards as Dash components (their content: :mod:`presentation.kpi_content`)."""

from __future__ import annotations

from dash import html

from presentation.kpi_content import KpiCard


def kpi_card_row(cards: list[KpiCard]) -> list[html.Div]:
    """The cards as Dash components (children of a ``.kpi-row`` container).

    Each card can take keyboard focus, and its explanation is both its ``title`` (shown
    on hover) and a visually hidden text that screen readers announce.
    """
    return [
        html.Div(
            className=f"kpi-card kpi-{card.key}",
            title=card.explanation,
            tabIndex=0,
            children=[
                html.Div(card.title, className="kpi-title"),
                html.Div(card.value, className="kpi-value"),
                html.Div(card.detail, className="kpi-detail"),
                html.Span(card.explanation, className="visually-hidden"),
            ],
        )
        for card in cards
    ]
