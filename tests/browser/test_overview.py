"""The Overview in a real browser: KPIs, the district map over time, the supply chart and the facility table."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from components import ids
from presentation.text import TEXT
from tests.browser.harness import save_screenshot, wait_for_dash, wait_for_new_text

pytestmark = pytest.mark.browser

SAITAMA_WARDS = 10
BERLIN_BEZIRKE = 12
METRIC_ID = {"type": ids.VIEW_CONTROL, "page": ids.PAGE_OVERVIEW, "name": ids.VIEW_MAP_METRIC}
METRIC_RADIOS = f"[id='{json.dumps(METRIC_ID, sort_keys=True, separators=(',', ':'))}'] input[type=radio]"


def open_overview(page: Page, live_server: str, query: str = "") -> None:
    page.goto(f"{live_server}/overview{query}")
    wait_for_dash(page)
    expect(page.locator(f"#{ids.OVERVIEW_KPIS} .kpi-card")).to_have_count(6)
    expect(page.locator(f"#{ids.OVERVIEW_MAP} path.choroplethlocation").first).to_be_attached()


def test_overview_shows_kpis_map_chart_and_facilities_offline(
    page: Page, live_server: str, console_errors: list[str], outside_requests: list[str]
) -> None:
    open_overview(page, live_server)

    expect(page.locator("h1")).to_have_text(TEXT["overview.title"])
    expect(page.locator(f"#{ids.OVERVIEW_SUMMARY}")).to_contain_text("Saitama City · Tōhoku earthquake 2011")
    expect(page.locator(f"#{ids.OVERVIEW_MAP} path.choroplethlocation")).to_have_count(SAITAMA_WARDS)
    expect(page.locator(f"#{ids.OVERVIEW_SUPPLY} .scatterlayer .trace")).to_have_count(11)
    autonomy = page.locator(f"#{ids.OVERVIEW_KPIS} .kpi-autonomy")
    expect(autonomy).to_have_attribute("title", re.compile(r"Whole hours from the outage start"))
    grid = page.locator(f"#{ids.OVERVIEW_FACILITIES}")
    grid.scroll_into_view_if_needed()
    expect(grid.locator(".ag-row").first).to_be_visible()
    expect(grid.locator(".ag-header-cell-text", has_text=TEXT["facility.first_shortfall"])).to_be_visible()
    # The link of the page carries the scenario.
    page.wait_for_function("() => window.location.search.includes('preset=tohoku-2011')")

    page.evaluate("window.scrollTo(0, 0)")
    expect(grid.locator(".ag-row").first).to_be_visible()
    save_screenshot(page, "overview")
    assert console_errors == []
    assert outside_requests == []


def test_the_hour_slider_and_play_move_the_map(page: Page, live_server: str, console_errors: list[str]) -> None:
    open_overview(page, live_server)
    now = page.locator(f"#{ids.OVERVIEW_MAP_NOW}")
    expect(now).to_contain_text("Hour 0 · Fri 11 Mar 14:00")
    first_ward = page.locator(f"#{ids.OVERVIEW_MAP} path.choroplethlocation").first
    colour_at_start = first_ward.evaluate("path => path.style.fill")

    thumb = page.locator(f"#{ids.OVERVIEW_MAP_HOUR} [role=slider]")
    thumb.focus()
    thumb.press("End")
    expect(now).to_contain_text("Hour 335 · Fri 25 Mar 13:00")
    expect(first_ward).not_to_have_css("fill", colour_at_start)

    thumb.press("Home")
    expect(now).to_contain_text("Hour 0 ·")
    page.click(f"#{ids.OVERVIEW_MAP_PLAY}")
    expect(page.locator(f"#{ids.OVERVIEW_MAP_PLAY}")).to_have_text(TEXT["overview.pause"])
    wait_for_new_text(now, r"Hour [1-9][\d,]* · .+")  # playing moves the hour on from 0
    page.click(f"#{ids.OVERVIEW_MAP_PLAY}")
    expect(page.locator(f"#{ids.OVERVIEW_MAP_PLAY}")).to_have_text(TEXT["overview.play"])
    assert console_errors == []


def test_choosing_a_metric_recolours_the_map_and_enters_the_link(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    open_overview(page, live_server)
    page.locator(METRIC_RADIOS).nth(1).check()
    expect(page.locator(f"#{ids.OVERVIEW_MAP} .colorbar")).to_contain_text(TEXT["metric.restored"])
    page.wait_for_function("() => window.location.search.includes('map=restored')")
    assert console_errors == []


def test_filtering_the_facility_table(page: Page, live_server: str, console_errors: list[str]) -> None:
    open_overview(page, live_server)
    grid = page.locator(f"#{ids.OVERVIEW_FACILITIES}")
    grid.scroll_into_view_if_needed()
    expect(grid.locator(".ag-row").first).to_be_visible()
    type_filter = grid.locator(".ag-floating-filter input[type=text]").nth(1)
    type_filter.fill("Hospitals")
    expect(grid.locator(".ag-center-cols-container .ag-row")).to_have_count(SAITAMA_WARDS)
    types = grid.locator(".ag-center-cols-container [col-id=type]").all_text_contents()
    assert set(types) == {TEXT["facility_type.hospital"]}
    assert console_errors == []


def test_a_link_to_berlin_opens_berlin(page: Page, live_server: str, console_errors: list[str]) -> None:
    open_overview(page, live_server, "?city=berlin")
    expect(page.locator(f"#{ids.OVERVIEW_SUMMARY}")).to_contain_text("Berlin · Berlin south-west 2026")
    expect(page.locator(f"#{ids.OVERVIEW_MAP} path.choroplethlocation")).to_have_count(BERLIN_BEZIRKE)
    assert console_errors == []


def test_an_unusable_link_value_is_named_and_the_rest_applies(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    open_overview(page, live_server, "?city=berlin&v2h=1.5&diesel=2")
    banner = page.locator(f"[id*='{ids.SCENARIO_ERROR}'][id*='{ids.PAGE_OVERVIEW}']")  # the page's own banner
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Link parameter v2h=1.5: must be ≤ 1")
    expect(page.locator(f"#{ids.OVERVIEW_SUMMARY}")).to_contain_text("Berlin")
    page.wait_for_function("() => window.location.search === '?city=berlin&preset=berlin-southwest-2026&diesel=2'")
    assert console_errors == []
