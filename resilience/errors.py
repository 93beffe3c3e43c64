"""The one error type Kizuna raises for bad input."""

from __future__ import annotations

from collections.abc import Iterable


class KizunaInputError(ValueError):
    """Raised when an input is outside what the model allows.

    Each problem is one sentence that names the record, the field, the value
    and what is allowed, e.g. ``facility 'urawa-hospital': fuel_litres = -5:
    must be ≥ 0``. ``str(err)`` joins them with newlines, so a caller can show
    every problem at once.

    Parameters
    ----------
    problems : str or iterable of str
        One message per problem.
    """

    def __init__(self, problems: str | Iterable[str]):
        if isinstance(problems, str):
            problems = [problems]
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))
