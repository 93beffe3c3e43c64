"""The Survival page in a real browser: the background sweep shows progress, then its results; cancel works."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from components import ids
from presentation.text import TEXT
from tests.browser.harness import save_screenshot, wait_for_dash

pytestmark = pytest.mark.browser

SWEEP_TIMEOUT_MS = 30_000


def test_run_shows_progress_then_the_results(
    page: Page, live_server: str, console_errors: list[str], outside_requests: list[str]
) -> None:
    page.goto(live_server + "/survival")
    wait_for_dash(page)
    summary = page.locator(f"#{ids.SURVIVAL_SUMMARY}")
    subject = page.locator(f"#{ids.SURVIVAL_SUBJECT}")
    expect(summary).to_contain_text("Shortest", timeout=SWEEP_TIMEOUT_MS)  # a link's view is swept on load

    page.get_by_label(TEXT["survival.source_household"]).check()
    expect(page.locator(f"#{ids.SURVIVAL_HOUSEHOLD_BOX}")).to_be_visible()
    expect(page.locator(f"#{ids.SURVIVAL_FACILITY_BOX}")).to_be_hidden()
    pv = page.locator(f"#{ids.SURVIVAL_PV_KWP}")
    pv.fill("4")
    pv.press("Enter")
    page.get_by_label(TEXT["household.load_full"]).check()
    expect(page).to_have_url(re.compile(r"source=household.*kwp=4"))

    page.locator(f"#{ids.SURVIVAL_RUN}").click()
    expect(page.locator(f"#{ids.SURVIVAL_CANCEL}")).to_be_enabled()
    expect(page.locator(f"#{ids.SURVIVAL_PROGRESS_BOX}")).to_be_visible()
    expect(page.locator(f"#{ids.SURVIVAL_RUN}")).to_be_disabled()

    expect(subject).to_contain_text("Nissan Leaf 40 kWh", timeout=SWEEP_TIMEOUT_MS)
    expect(summary).to_have_text(re.compile(r"Shortest \d+ h · mean [\d.,]+ h · longest \d+ h"))
    expect(page.locator(f"#{ids.SURVIVAL_SHARES} li")).to_have_count(3)
    expect(page.locator(f"#{ids.SURVIVAL_PROBABILITY_GRAPH} .scatterlayer .trace").first).to_be_visible()
    expect(page.locator(f"#{ids.SURVIVAL_HEATMAP_GRAPH} .heatmaplayer")).to_have_count(1)
    expect(page.locator(f"#{ids.SURVIVAL_CANCEL}")).to_be_disabled()
    expect(page.locator(f"#{ids.SURVIVAL_PROGRESS_BOX}")).to_be_hidden()

    save_screenshot(page, "survival")
    assert console_errors == []
    assert outside_requests == []


def test_cancel_is_enabled_while_running_and_stops_the_job(page: Page, live_server: str,
                                                            console_errors: list[str]) -> None:
    page.goto(live_server + "/survival?max_h=8760")
    wait_for_dash(page)
    run, cancel = page.locator(f"#{ids.SURVIVAL_RUN}"), page.locator(f"#{ids.SURVIVAL_CANCEL}")
    expect(page.locator(f"#{ids.SURVIVAL_SUMMARY}")).to_contain_text("Shortest", timeout=SWEEP_TIMEOUT_MS)
    expect(cancel).to_be_disabled()

    run.click()
    expect(cancel).to_be_enabled()
    cancel.click()
    expect(run).to_be_enabled(timeout=SWEEP_TIMEOUT_MS)
    expect(cancel).to_be_disabled()
    expect(page.locator(f"#{ids.SURVIVAL_PROGRESS_BOX}")).to_be_hidden()
    assert console_errors == []
