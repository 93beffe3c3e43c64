"""Kizuna's version, read from the repository's ``pyproject.toml`` (the package is not installed)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@lru_cache(maxsize=1)
def kizuna_version() -> str:
    """The ``[project] version`` of ``pyproject.toml``, or ``"unknown"`` when the file is missing."""
    try:
        return str(tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
