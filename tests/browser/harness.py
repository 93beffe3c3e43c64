"""Helpers for browser tests: screenshots and waiting for Dash to finish rendering.

Screenshots go to ``tests/output/screenshots/`` (not committed). With
``KIZUNA_UPDATE_SCREENSHOTS=1`` (what ``make screenshots`` sets) each one is also copied
to ``docs/screenshots/``, where the README takes its pictures from.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "tests" / "output" / "screenshots"
DOCS_SCREENSHOT_DIR = REPO_ROOT / "docs" / "screenshots"
UPDATE_DOCS_ENV = "KIZUNA_UPDATE_SCREENSHOTS"
_SCREENSHOT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as ``tests/output/screenshots/<name>.png``.

    Parameters
    ----------
    page : playwright.sync_api.Page
        The page, already rendered.
    name : str
        File name without extension: lower-case letters, digits, ``-`` and ``_``.

    Returns
    -------
    pathlib.Path
        Where the screenshot was written (the copy under ``docs/screenshots/`` is made
        only when ``KIZUNA_UPDATE_SCREENSHOTS=1``).
    """
    if not _SCREENSHOT_NAME.fullmatch(name):
        raise ValueError(f"screenshot name {name!r}: use lower-case letters, digits, '-' and '_'")
    path = SCREENSHOT_DIR / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    # AG Grid draws only the rows inside the viewport, so a full-page capture would show an empty
    # table: make the viewport as tall as the page for the capture, then put it back.
    viewport = page.viewport_size
    height = page.evaluate("() => document.documentElement.scrollHeight")
    if viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": height})
        if page.locator(".ag-root").count():
            page.wait_for_timeout(300)
    try:
        page.screenshot(path=path, full_page=True, animations="disabled")
    finally:
        if viewport:
            page.set_viewport_size(viewport)
    if os.environ.get(UPDATE_DOCS_ENV) == "1":
        DOCS_SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOT_DIR / path.name)
    return path


def wait_for_dash(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until Dash's renderer has drawn the layout and no callback is running.

    The limit only bounds a wait for a condition: a page's first callbacks (the Compare page runs
    three scenarios) may take long on a loaded CI machine, and a correct page passes at once.
    """
    page.wait_for_selector("#react-entry-point", state="attached", timeout=timeout_ms)
    page.wait_for_function(
        "() => document.querySelector('#_pages_content') !== null"
        " && document.querySelector('#_pages_content').children.length > 0"
        " && document.querySelector('[data-dash-is-loading=\"true\"]') === null",
        timeout=timeout_ms,
    )


def wait_for_new_text(locator: Locator, shape: str, *, old: str | None = None,
                      timeout_ms: float = 20_000, settle_ms: float = 150) -> str:
    """Wait until ``locator`` shows a settled value of the expected ``shape`` (other than ``old``).

    Read text after a change only through this. While a callback runs, ``dcc.Loading`` hides its
    children and the text reads ``''``: "not the old text" is then already true and a test would
    parse the blank; and one change can set off a second callback that blanks the text again. So
    this waits until no Dash callback is running, the whole (whitespace-normalised) text matches
    ``shape`` and differs from ``old``, and the same text is read twice ``settle_ms`` apart.

    Parameters
    ----------
    locator : playwright.sync_api.Locator
        The element whose text changes.
    shape : str
        Regular expression the whole new text must match, e.g. ``r"[\\d,.]+ hours of backup"``.
    old : str, optional
        The text before the change; the new text must differ from it.
    timeout_ms : float
        How long to wait [ms].
    settle_ms : float
        Time between the two reads that must agree [ms].

    Returns
    -------
    str
        The new text, whitespace-normalised.
    """
    page = locator.page
    old_text = None if old is None else _normalised(old)
    deadline = time.monotonic() + timeout_ms / 1000
    candidate = None
    while True:
        idle = page.evaluate(_DASH_IDLE_JS)
        text = _text_or_blank(locator)
        settled = idle and re.fullmatch(shape, text) is not None and text != old_text
        if settled and text == candidate:
            return text
        candidate = text if settled else None
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout_ms:.0f} ms for text like {shape!r} other than {old_text!r};"
                                 f" last read {text!r} (Dash idle: {idle})")
        page.wait_for_timeout(settle_ms)


_DASH_IDLE_JS = "() => document.querySelector('[data-dash-is-loading=\"true\"]') === null"


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _text_or_blank(locator: Locator) -> str:
    try:
        return _normalised(locator.inner_text(timeout=1_000))
    except PlaywrightTimeoutError:
        return ""
