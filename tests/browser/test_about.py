"""About & data in a real browser: sources with their credit lines, and which figures are estimates."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from components import ids
from resilience.vehicles import ATTRIBUTION
from tests.browser.harness import save_screenshot, wait_for_dash

pytestmark = pytest.mark.browser


def test_about_lists_sources_and_estimates_offline(
    page: Page, live_server: str, console_errors: list[str], outside_requests: list[str]
) -> None:
    page.goto(f"{live_server}/about?city=berlin")
    wait_for_dash(page)
    sources = page.locator(f"#{ids.ABOUT_SOURCES}")
    expect(sources).to_contain_text("出典：国土数値情報（行政区域データ）（国土交通省）（N03-21）を加工して作成")
    expect(sources).to_contain_text(ATTRIBUTION)
    expect(sources).to_contain_text("Amt für Statistik Berlin-Brandenburg")
    expect(sources).to_contain_text("ENTSO-E; Open Power System Data")
    expect(page.locator(f"#{ids.ABOUT_PROVENANCE_TITLE}")).to_have_text("Which figures are estimates — Berlin")
    grid = page.locator(f"#{ids.ABOUT_PROVENANCE}")
    expect(grid.locator(".badge-estimated").first).to_be_visible()
    expect(grid.locator(".badge-sourced").first).to_be_visible()
    page.locator("details.model-doc summary").first.click()
    expect(page.locator("details.model-doc").first).to_contain_text("One-hour steps")
    page.locator("details.model-doc summary").first.click()
    save_screenshot(page, "about")
    assert console_errors == []
    assert outside_requests == []
