"""The home page in a real browser: the ward map, a clean console, no request off this machine."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from components import ids
from presentation.text import TEXT
from tests.browser.harness import save_screenshot, wait_for_dash

pytestmark = pytest.mark.browser

SAITAMA_WARDS = 10


def test_home_shows_ten_wards_offline(
    page: Page, live_server: str, console_errors: list[str], outside_requests: list[str]
) -> None:
    page.goto(live_server + "/")
    wait_for_dash(page)

    expect(page.locator("h1")).to_have_text(TEXT["home.title"])
    nav = page.locator(f"#{ids.NAV} a")
    expect(nav.first).to_have_text(TEXT["nav.home"])
    for name in ("nav.overview", "nav.planner", "nav.compare", "nav.about"):
        expect(nav.filter(has_text=TEXT[name])).to_have_count(1)
    wards = page.locator(f"#{ids.HOME_MAP} path.choroplethlocation")
    expect(wards).to_have_count(SAITAMA_WARDS)
    ward_names = page.locator(f"#{ids.HOME_MAP} .trace.scattergeo text")
    expect(ward_names).to_have_count(SAITAMA_WARDS)
    assert "Iwatsuki" in ward_names.all_text_contents()
    expect(page.locator(f"#{ids.HOME_SUMMARY}")).to_contain_text("656,951 households")

    save_screenshot(page, "home")
    assert console_errors == []
    assert outside_requests == []


def test_hovering_a_ward_names_it_in_both_languages(page: Page, live_server: str, console_errors: list[str]) -> None:
    page.goto(live_server + "/")
    wait_for_dash(page)
    wards = page.locator(f"#{ids.HOME_MAP} path.choroplethlocation")
    expect(wards).to_have_count(SAITAMA_WARDS)

    # Locations are drawn in the order of the data (ward codes 11101–11110); 11103 is Omiya.
    wards.nth(2).hover(force=True)

    hover_text = page.locator(f"#{ids.HOME_MAP} .hoverlayer")
    expect(hover_text).to_contain_text("Omiya")
    expect(hover_text).to_contain_text("大宮区")
    expect(hover_text).to_contain_text("65,120")
    expect(hover_text).to_contain_text("127,688")
    assert console_errors == []
