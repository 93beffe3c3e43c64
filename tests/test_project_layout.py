"""Rules of the code layout that a reviewer would otherwise have to check by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
UI_PACKAGES = {"dash", "dash_ag_grid", "flask", "plotly"}


def _imported_top_level_packages(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "module", sorted((REPO_ROOT / "resilience").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO_ROOT))
)
def test_resilience_is_a_pure_library(module: Path) -> None:
    assert not _imported_top_level_packages(module) & UI_PACKAGES


def test_the_import_scan_sees_dash_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom dash import html\nimport plotly.graph_objects as go\nfrom . import x\n")
    assert _imported_top_level_packages(module) == {"os", "dash", "plotly"}


def test_stylesheets_load_nothing_from_the_internet() -> None:
    for stylesheet in (REPO_ROOT / "assets").rglob("*.css"):
        text = stylesheet.read_text(encoding="utf-8").lower()
        assert "@import" not in text, stylesheet
        assert "url(http" not in text.replace(" ", "").replace('"', "").replace("'", ""), stylesheet
