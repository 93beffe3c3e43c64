"""The waiting helper itself: a loading state (blank text) never passes for the new value."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.harness import wait_for_new_text

pytestmark = pytest.mark.browser

BROWSER_TESTS = Path(__file__).parent

# The text goes old → blank (what dcc.Loading shows while a callback runs) → new.
LOADING_THEN_NEW = """
<p id="hours">187.5 hours of backup</p>
<script>
  const p = document.getElementById('hours');
  setTimeout(() => { p.textContent = ''; }, 50);
  setTimeout(() => { p.textContent = '306.1 hours of backup'; }, 700);
</script>
"""


def test_waits_through_the_blank_loading_state_for_the_new_value(page: Page) -> None:
    page.set_content(LOADING_THEN_NEW)
    hours = page.locator("#hours")
    old = "187.5 hours of backup"
    assert wait_for_new_text(hours, r"[\d.]+ hours of backup", old=old) == "306.1 hours of backup"


def test_without_an_old_value_the_shape_alone_is_awaited(page: Page) -> None:
    page.set_content(LOADING_THEN_NEW.replace("187.5 hours of backup", ""))
    assert wait_for_new_text(page.locator("#hours"), r"[\d.]+ hours of backup") == "306.1 hours of backup"


def test_no_browser_test_waits_for_not_the_old_text() -> None:
    # A negated text assertion is satisfied by the blank of a loading state: every wait goes through
    # wait_for_new_text. Read the tests' syntax, so that this check does not match itself.
    negated = {"not_to_have_text", "not_to_contain_text"}
    offenders = sorted(
        f"{path.name}:{node.lineno}"
        for path in BROWSER_TESTS.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in negated
    )
    assert offenders == [], "wait with harness.wait_for_new_text instead of a negated text assertion"
