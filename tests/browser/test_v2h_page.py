"""The V2H household estimator in a real browser: the car and its charge change the hours of backup, offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from components import ids
from presentation.text import TEXT
from tests.browser.harness import save_screenshot, wait_for_dash, wait_for_new_text

pytestmark = pytest.mark.browser


HOURS_SHAPE = r"[\d,]+(\.\d+)? hours of backup.*"


def hours_of(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


def test_car_and_charge_change_the_hours_of_backup(
    page: Page, live_server: str, console_errors: list[str], outside_requests: list[str]
) -> None:
    page.goto(live_server + "/v2h")
    wait_for_dash(page)
    hours = page.locator(f"#{ids.V2H_HOURS}")
    leaf_40_text = wait_for_new_text(hours, HOURS_SHAPE)
    expect(page.locator(f"#{ids.V2H_FORMULA}")).to_contain_text("38.0 kWh × (1.00 − 0.30) × 0.88 = 23.41 kWh")
    expect(page.locator(f"#{ids.V2H_CLAIM}")).to_contain_text("Kizuna on the claim's basis: 3.17 days at 12 kWh/day")
    expect(page.locator(f"#{ids.V2H_GRAPH} .scatterlayer .trace").first).to_be_visible()
    leaf_40 = hours_of(leaf_40_text)

    page.locator(f"#{ids.V2H_VEHICLE}").click()
    page.get_by_role("option", name=re.compile(r"Leaf e\+ 62 kWh")).click()
    leaf_62_text = wait_for_new_text(hours, HOURS_SHAPE, old=leaf_40_text)
    leaf_62 = hours_of(leaf_62_text)
    assert leaf_62 > leaf_40
    expect(page).to_have_url(re.compile(r"car=nissan-leaf-e-plus-62"))

    slider = page.locator(f"#{ids.V2H_SOC} [role=slider]")
    slider.focus()
    for _ in range(8):  # 100 % → 60 % in steps of 5
        page.keyboard.press("ArrowLeft")
    expect(slider).to_have_attribute("aria-valuenow", "60")
    assert hours_of(wait_for_new_text(hours, HOURS_SHAPE, old=leaf_62_text)) < leaf_62
    expect(page).to_have_url(re.compile(r"soc=0\.6"))

    save_screenshot(page, "v2h")
    assert console_errors == []
    assert outside_requests == []


def test_a_copied_link_restores_the_inputs(page: Page, live_server: str, console_errors: list[str]) -> None:
    page.goto(live_server + "/v2h?city=berlin&car=vw-id-3-pro&soc=0.8&kwp=4&start=2026-01-03T06:00")
    wait_for_dash(page)
    expect(page.locator(f"#{ids.V2H_CITY}")).to_contain_text("Berlin")
    expect(page.locator(f"#{ids.V2H_FORMULA}")).to_contain_text("58.0 kWh × (0.80 − 0.30)")
    expect(page.locator(f"#{ids.V2H_DATE}")).to_have_value("2026-01-03")
    expect(page.locator(f"#{ids.V2H_CLAIM}")).to_contain_text(TEXT["v2h.claim_none"])
    assert console_errors == []


def test_bad_input_shows_the_banner_and_keeps_the_input(page: Page, live_server: str) -> None:
    page.goto(live_server + "/v2h")
    wait_for_dash(page)
    expect(page.locator(f"#{ids.V2H_HOURS}")).to_contain_text("hours of backup")
    kw = page.locator(f"#{ids.V2H_KW}")
    kw.fill("0")
    kw.press("Enter")
    banner = page.locator(f"#{ids.V2H_ERROR}")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("household: v2h_kw = 0: must be > 0")
    expect(kw).to_have_value("0")
    kw.fill("3")
    kw.press("Enter")
    expect(banner).to_be_hidden()
