"""The one error type Kizuna raises for bad input, and the structured form of one problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem of an input, in parts a user interface can rephrase.

    Attributes
    ----------
    record : str
        The record the value belongs to, e.g. ``"scenario"`` or ``"facility 'urawa-hospital'"``.
    field : str or None
        The field, e.g. ``"fuel_litres"`` (dotted for a nested one); None for a problem of the
        whole record.
    value : object
        The value given (``None`` when it was missing or for a whole-record problem).
    rule : str
        What is allowed, e.g. ``"must be ≥ 0"``.
    message : str
        The whole sentence, as in :attr:`KizunaInputError.problems`.
    limit : tuple of (str, float) or None
        The bound the value broke, as ``("≤", 1.0)``, where the rule is one (so that a
        user interface can say it in its own unit, e.g. ``≤ 100 %``).
    """

    record: str
    field: str | None
    value: Any
    rule: str
    message: str
    limit: tuple[str, float] | None = None


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
    details : iterable of Problem, optional
        The same problems in parts (record, field, value, rule), where the raiser knows
        them (every record validated by pydantic does); empty otherwise.

    Attributes
    ----------
    problems : list of str
        One message per problem.
    details : list of Problem
        The structured problems (may be fewer than ``problems``, or none).
    """

    def __init__(self, problems: str | Iterable[str], details: Iterable[Problem] = ()):
        if isinstance(problems, str):
            problems = [problems]
        self.problems: list[str] = list(problems)
        self.details: list[Problem] = list(details)
        super().__init__("\n".join(self.problems))
