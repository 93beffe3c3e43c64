"""Problems in a user's city data: the records, their one-line text and the collector that keeps them.

Every check adds a :class:`Problem` to a :class:`_Collector` rather than
stopping; at most ``MAX_PROBLEMS_LISTED`` are listed and the others are only
counted (:class:`MoreProblems`, :func:`problem_count`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from resilience.import_format import _as_number

#: Most problems listed at once; the others are counted ("… and 999,950 more problems").
MAX_PROBLEMS_LISTED = 50
#: Longest value shown in a problem [characters]; longer cells are cut with "…".
MAX_SHOWN_CHARS = 80
#: Longest problem line [characters].
MAX_PROBLEM_CHARS = 500


#: Characters that end a line (str.splitlines): a problem is always one line, whatever a cell holds.
_LINE_BREAKS = {ord(c): "\\n" for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def _one_line(text: str, limit: int = MAX_PROBLEM_CHARS) -> str:
    """``text`` on one line (line breaks shown as ``\\n``) and at most ``limit`` characters."""
    text = text.translate(_LINE_BREAKS)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One problem in a user's city data, located as precisely as possible.

    ``str(problem)`` is one line, e.g.
    ``facilities.csv row 7, column fuel_litres: value -5: expected a number ≥ 0``,
    or, for a rule across columns or a reading limit, the place and a sentence:
    ``districts.csv row 5, district '11107': v2h_units = 5,000 is more than its
    households (3,200); each V2H unit serves one household``.
    Rows count the header as row 1, as a spreadsheet shows them; in
    ``districts.geojson`` the row is the feature's number (1 = first).

    Attributes
    ----------
    file : str
        File name (or the path given, when it cannot be found).
    sheet : str or None
        Sheet of a workbook.
    row : int or None
        Row (line) number.
    column : str or None
        Column name; for ``city.csv`` the key.
    value : str or None
        The offending value as written.
    expected : str
        What is allowed, and how to fix it.
    record : str or None
        The row's record, e.g. ``"district '11107'"`` (with ``message``).
    message : str or None
        A whole sentence naming the column, the value and the rule; replaces
        ``value … expected …``.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str = ""
    record: str | None = None
    message: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f" sheet {self.sheet}"
        if self.row is not None:
            where += f" row {self.row}"
        if self.message is not None:
            if self.record:
                where += f", {self.record}"
            return _one_line(f"{where}: {self.message}")
        if self.column:
            where += f", column {self.column}"
        text = where
        if self.value is not None:
            text += f": value {self.value}"
        return _one_line(f"{text}: expected {self.expected}")


@dataclass(frozen=True)
class MoreProblems(Problem):
    """Stands for the problems beyond the first ``MAX_PROBLEMS_LISTED``: only their number is kept.

    Attributes
    ----------
    count : int
        Problems not listed.
    """

    count: int = 0

    def __str__(self) -> str:
        plural = "s" if self.count != 1 else ""
        return (f"… and {self.count:,} more problem{plural} (only the first {MAX_PROBLEMS_LISTED} are listed; "
                "fix these and validate again)")


def problem_count(problems: Sequence[Problem]) -> int:
    """How many problems ``problems`` stands for, those beyond the listed ones included."""
    return sum(p.count if isinstance(p, MoreProblems) else 1 for p in problems)


def _number_text(number: float) -> str:
    """A number as a person wrote it: 5 rather than 5.0, all its digits otherwise."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


def _amount(number: float) -> str:
    """A number for a sentence: thousands separated, huge ones in powers of ten.

    Examples
    --------
    >>> _amount(5000), _amount(1199.5), _amount(1e308), _amount(10**300), _amount(-500.0)
    ('5,000', '1,199.5', '1e+308', '1e+300', '-500')
    """
    if abs(number) >= 1e15:
        return f"{float(number):.3g}"
    if isinstance(number, int) or float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,}"


def _shown(raw: Any) -> str:
    """A raw cell as a problem shows it: numbers bare, text in quotes, long text cut."""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, (int, float)):
        return _number_text(raw)
    text = str(raw)
    if len(text) > MAX_SHOWN_CHARS:
        return f"'{text[: MAX_SHOWN_CHARS - 1]}…' ({len(text):,} characters)"
    return text if _as_number(text) is not None else f"'{text}'"


class _Collector:
    """Collects problems; every check adds to it rather than stopping.

    Only the first ``MAX_PROBLEMS_LISTED`` are kept; the others are counted.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.more = 0

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS_LISTED:
            self.problems.append(problem)
        else:
            self.more += 1

    @property
    def full(self) -> bool:
        """Whether a further problem would only be counted (so a costly hint need not be computed)."""
        return len(self.problems) >= MAX_PROBLEMS_LISTED

    def listed(self) -> list[Problem]:
        """The kept problems, then a :class:`MoreProblems` for the others, if any."""
        if not self.more:
            return list(self.problems)
        return [*self.problems, MoreProblems(self.problems[-1].file, count=self.more)]
