"""Rules of the code layout that a reviewer would otherwise have to check by hand."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_stylesheets_load_nothing_from_the_internet() -> None:
    for stylesheet in (REPO_ROOT / "assets").rglob("*.css"):
        text = stylesheet.read_text(encoding="utf-8").lower()
        assert "@import" not in text, stylesheet
        assert "url(http" not in text.replace(" ", "").replace('"', "").replace("'", ""), stylesheet
