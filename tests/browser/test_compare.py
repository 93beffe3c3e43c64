"""The Compare page in a real browser: three scenarios on the same axes and a table of differences."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from components import ids
from presentation.kpi_content import COMPARED_KPIS
from presentation.text import TEXT
from tests.browser.harness import save_screenshot, wait_for_dash

pytestmark = pytest.mark.browser

WHAT_IF_C_ID = {"type": ids.VIEW_CONTROL, "page": ids.PAGE_COMPARE, "name": ids.VIEW_COMPARE_C}
WHAT_IF_C = f"[id='{json.dumps(WHAT_IF_C_ID, sort_keys=True, separators=(',', ':'))}']"


def test_compare_draws_three_scenarios_offline(
    page: Page, live_server: str, console_errors: list[str], outside_requests: list[str]
) -> None:
    page.goto(f"{live_server}/compare")
    wait_for_dash(page)
    header = page.locator(f"#{ids.COMPARE_TABLE} thead th")
    expect(header).to_have_text(["Figure", "A · as planned", "B · 10 % V2H adoption", "C · Doubled diesel stock",
                                 "B − A", "C − A"])
    expect(page.locator(f"#{ids.COMPARE_TABLE} tbody tr")).to_have_count(len(COMPARED_KPIS))
    for graph in (ids.COMPARE_WITHOUT_POWER, ids.COMPARE_UNSERVED, ids.COMPARE_DIESEL, ids.COMPARE_V2H):
        expect(page.locator(f"#{graph} .scatterlayer .trace")).to_have_count(3)
    save_screenshot(page, "compare")
    assert console_errors == []
    assert outside_requests == []


def test_choosing_another_what_if_updates_table_and_link(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    page.goto(f"{live_server}/compare?city=berlin")
    wait_for_dash(page)
    page.locator(WHAT_IF_C).click()
    page.get_by_role("option", name=TEXT["compare.variant_pv_x3"]).click()
    expect(page.locator(f"#{ids.COMPARE_TABLE} thead th").nth(3)).to_have_text("C · 3 × rooftop PV")
    page.wait_for_function("() => window.location.search.includes('compare=v2h-10,pv-x3')")
    assert console_errors == []
