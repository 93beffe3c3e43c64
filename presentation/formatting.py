"""How the reports print numbers: the same formats as the dashboard's KPI cards.

The cards themselves come from :func:`components.kpi_cards.kpi_cards`; these helpers
print the other numbers of a report (sentences and tables) in the same style, so
that a figure in the executive summary reads exactly like the card it comes from:
thousands separators, one decimal for days and percentages, whole hours.
"""

from __future__ import annotations

import math

from resilience.timeindex import HOURS_PER_DAY


def count(value: float) -> str:
    """A count of households, litres, hours …: ``627,012`` (rounded, thousands separators)."""
    return f"{value:,.0f}"


def decimal(value: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals and thousands separators: ``1,234.5``."""
    return f"{value:,.{digits}f}"


def percent(value: float, digits: int = 1) -> str:
    """A percentage given in per cent (not a fraction): ``91.7 %``."""
    return f"{value:.{digits}f} %"


def share(fraction: float, digits: int = 1) -> str:
    """A fraction 0–1 printed as a percentage: ``0.917`` → ``91.7 %``."""
    return percent(100.0 * fraction, digits)


def hours(value: float) -> str:
    """Whole hours: ``131 h``; ``∞`` for an unlimited figure."""
    if math.isinf(value):
        return "∞"
    return f"{round(value):,} h"


def days(value: float, digits: int = 1) -> str:
    """Days with one decimal: ``1.3 d``."""
    return f"{value:,.{digits}f} d"


def duration(hours_total: int) -> str:
    """A horizon in words: ``7 days (168 h)``, ``1 day (24 h)`` or ``30 h``."""
    if hours_total % HOURS_PER_DAY:
        return f"{hours_total:,} h"
    n_days = hours_total // HOURS_PER_DAY
    return f"{n_days:,} day{'s' if n_days != 1 else ''} ({hours_total:,} h)"


#: Longest piece of someone else's text (a link's value, a file's field) a message repeats.
QUOTED_CHARS = 40


def quoted(value: object) -> str:
    """A value as a message repeats it: at most :data:`QUOTED_CHARS` characters.

    >>> quoted("9" * 5000)
    '999999999999999999999999999999999999999… (5,000 characters)'
    """
    text = str(value)
    if len(text) <= QUOTED_CHARS:
        return text
    return f"{text[:QUOTED_CHARS - 1]}… ({len(text):,} characters)"


def cell(value: float | None, digits: int = 0, missing: str = "–") -> str:
    """A table cell: the number with ``digits`` decimals, ``missing`` for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    return f"{value:,.{digits}f}"
