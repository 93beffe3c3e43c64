"""The Planner in a real browser: keyboard sliders, the link that restores a view, bad input and reset."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from components import ids
from components import scenario_controls as sc
from components.results_cache import simulation
from presentation.text import TEXT
from tests.browser.harness import save_screenshot, wait_for_dash, wait_for_new_text

pytestmark = pytest.mark.browser

V2H_CARD = f"#{ids.PLANNER_KPIS} .kpi-v2h .kpi-value"
WITHOUT_START_CARD = f"#{ids.PLANNER_KPIS} .kpi-without-power-start .kpi-value"
DIESEL_CARD = f"#{ids.PLANNER_KPIS} .kpi-diesel .kpi-value"
ERROR_BANNER = f"[id*='{ids.SCENARIO_ERROR}'][id*='{ids.PAGE_PLANNER}']"
SUPPLY_V2H_TRACE = 2


def control(page: Page, name: str):
    dom_id = json.dumps(sc.control_id(ids.PAGE_PLANNER, name), sort_keys=True, separators=(",", ":"))
    return page.locator(f"[id='{dom_id}']")


def open_planner(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_dash(page)
    expect(page.locator(f"#{ids.PLANNER_KPIS} .kpi-card")).to_have_count(6)
    wait_for_new_text(page.locator(WITHOUT_START_CARD), r"[\d,]+")


# Plotly keeps the drawn values, decoded, in the graph's _fullData.
V2H_SUPPLY_SUM_JS = (
    f"Array.from(document.querySelector('#{ids.PLANNER_SUPPLY} .js-plotly-plot')._fullData[{SUPPLY_V2H_TRACE}].y)"
    ".reduce((a, b) => a + b, 0)"
)


def v2h_supply_mwh(page: Page) -> float:
    return page.evaluate(f"() => {V2H_SUPPLY_SUM_JS}")


def test_planner_loads_offline(
    page: Page, live_server: str, console_errors: list[str], outside_requests: list[str]
) -> None:
    open_planner(page, f"{live_server}/planner")
    expect(page.locator("h1")).to_have_text(TEXT["planner.title"])
    expect(control(page, sc.START_DATE)).to_have_value("2011-03-11")
    # Controls that do nothing for this outage are greyed out.
    expect(control(page, sc.CUSTOM_OUTAGE)).to_be_disabled()
    save_screenshot(page, "planner")
    assert console_errors == []
    assert outside_requests == []


def test_a_slider_moved_by_keyboard_changes_a_kpi_and_a_chart(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    open_planner(page, f"{live_server}/planner")
    adoption = control(page, sc.V2H_ADOPTION).locator("[role=slider]")
    expect(adoption).to_have_attribute("data-disabled", "")  # installed units until "Adoption share" is chosen
    control(page, sc.V2H_MODE).get_by_text(TEXT["control.v2h_mode_adoption"]).click()
    expect(page.locator(V2H_CARD)).to_have_text("0")  # adoption share 0 %: no V2H household
    assert v2h_supply_mwh(page) == 0

    adoption.focus()
    adoption.press("PageUp")  # 0 % → 10 %

    wait_for_new_text(page.locator(V2H_CARD), r"[1-9][\d,]*")
    page.wait_for_function(f"() => {V2H_SUPPLY_SUM_JS} > 0")
    page.wait_for_function("() => window.location.search.includes('v2h=0.1')")
    assert console_errors == []


def test_a_copied_link_reproduces_the_view(page: Page, live_server: str, console_errors: list[str]) -> None:
    # Twice the diesel: twice the hours the first site's own tank lasts (the engine's own figure).
    doubled = sc.default_state("saitama")
    doubled["scenario"]["diesel_stock_multiplier"] = 2.0
    doubled_hours = f"{round(simulation(doubled).kpis.diesel_tank_hours_first):,} h"

    open_planner(page, f"{live_server}/planner")
    thumb = control(page, sc.DIESEL_MULTIPLIER).locator("[role=slider]")
    thumb.focus()
    for _ in range(4):
        thumb.press("ArrowRight")  # × 1 → × 2 in steps of 0.25
    expect(thumb).to_have_attribute("aria-valuenow", "2")
    wait_for_new_text(page.locator(DIESEL_CARD), re.escape(doubled_hours))
    page.wait_for_function("() => window.location.search.includes('diesel=2')")
    link = page.evaluate("() => window.location.href")

    copy = page.context.new_page()
    open_planner(copy, link)
    expect(control(copy, sc.DIESEL_MULTIPLIER).locator("[role=slider]")).to_have_attribute("aria-valuenow", "2")
    wait_for_new_text(copy.locator(DIESEL_CARD), re.escape(doubled_hours))
    expect(page.locator(f"#{ids.PLANNER_KPIS}")).to_have_text(copy.locator(f"#{ids.PLANNER_KPIS}").text_content())
    copy.close()
    assert console_errors == []


def test_impossible_inputs_show_their_message_and_stay_on_screen(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    open_planner(page, f"{live_server}/planner")
    kpis_before = page.locator(f"#{ids.PLANNER_KPIS}").text_content()

    start_date = control(page, sc.START_DATE)
    start_date.fill("2011-02-30")
    start_date.press("Enter")
    banner = page.locator(ERROR_BANNER)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(
        "Start date '2011-02-30': not a date in the form YYYY-MM-DD (day is out of range for month)")
    expect(start_date).to_have_value("2011-02-30")

    start_date.fill("2011-03-11")
    resupply = control(page, sc.RESUPPLY_DELAY)
    resupply.fill("-5")
    resupply.press("Enter")
    expect(banner).to_contain_text("Diesel resupply after [h] = -5: must be ≥ 0")
    expect(resupply).to_have_value("-5")
    # The results stay those of the last valid scenario.
    expect(page.locator(f"#{ids.PLANNER_KPIS}")).to_have_text(kpis_before)

    resupply.fill("48")
    resupply.press("Enter")
    expect(banner).to_be_hidden()
    page.wait_for_function("() => window.location.search.includes('resupply=48')")
    assert console_errors == []


def test_reset_returns_to_the_city_defaults(page: Page, live_server: str, console_errors: list[str]) -> None:
    open_planner(page, f"{live_server}/planner?city=saitama&pv=4&weather=clear")
    expect(control(page, sc.PV_MULTIPLIER).locator("[role=slider]")).to_have_attribute("aria-valuenow", "4")
    page.click(f"[id*='{ids.SCENARIO_RESET}']")
    expect(control(page, sc.PV_MULTIPLIER).locator("[role=slider]")).to_have_attribute("aria-valuenow", "1")
    page.wait_for_function("() => window.location.search === '?city=saitama&preset=tohoku-2011'")
    assert console_errors == []


def test_the_scenario_follows_to_the_overview(page: Page, live_server: str, console_errors: list[str]) -> None:
    open_planner(page, f"{live_server}/planner?city=berlin&diesel=3")
    diesel = page.inner_text(DIESEL_CARD)
    page.click(f"#{ids.NAV} a:text-is('{TEXT['nav.overview']}')")
    expect(page.locator(f"#{ids.OVERVIEW_KPIS} .kpi-diesel .kpi-value")).to_have_text(diesel)
    page.wait_for_function("() => window.location.pathname === '/overview'"
                           " && window.location.search.includes('diesel=3')")
    assert console_errors == []


def test_a_changed_planner_scenario_follows_the_top_bar_to_the_overview(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    # Berlin with three times the rooftop PV from the link, then the diesel doubled on the page.
    changed = sc.default_state("berlin")
    changed["scenario"].update(pv_multiplier=3.0, diesel_stock_multiplier=2.0)
    diesel_hours = f"{round(simulation(changed).kpis.diesel_tank_hours_first):,} h"
    without_start = f"{simulation(changed).kpis.households_without_power_start:,.0f}"

    open_planner(page, f"{live_server}/planner?city=berlin&pv=3")
    expect(control(page, sc.PV_MULTIPLIER).locator("[role=slider]")).to_have_attribute("aria-valuenow", "3")
    thumb = control(page, sc.DIESEL_MULTIPLIER).locator("[role=slider]")
    thumb.focus()
    for _ in range(4):
        thumb.press("ArrowRight")  # × 1 → × 2 in steps of 0.25
    wait_for_new_text(page.locator(DIESEL_CARD), re.escape(diesel_hours))
    page.wait_for_function("() => window.location.search.includes('diesel=2')")
    overview_link = page.locator(f"#{ids.NAV} a:text-is('{TEXT['nav.overview']}')")
    expect(overview_link).to_have_attribute("href", "/overview?city=berlin&preset=berlin-southwest-2026&diesel=2&pv=3")
    # The V2H link takes only the city.
    expect(page.locator(f"#{ids.NAV} a:text-is('{TEXT['nav.v2h']}')")).to_have_attribute("href", "/v2h?city=berlin")

    overview_link.click()
    expect(page.locator("h1")).to_have_text(TEXT["overview.title"])
    expect(page.locator(f"#{ids.OVERVIEW_SUMMARY}")).to_contain_text("Berlin · Berlin south-west 2026")
    overview_diesel = page.locator(f"#{ids.OVERVIEW_KPIS} .kpi-diesel .kpi-value")
    wait_for_new_text(overview_diesel, re.escape(diesel_hours))
    expect(page.locator(f"#{ids.OVERVIEW_KPIS} .kpi-without-power-start .kpi-value")).to_have_text(without_start)
    page.wait_for_function("() => window.location.pathname === '/overview'"
                           " && window.location.search.includes('pv=3')"
                           " && window.location.search.includes('diesel=2')"
                           " && window.location.search.includes('city=berlin')")
    # And back: the Planner opens on the same scenario, its sliders where they were left.
    page.click(f"#{ids.NAV} a:text-is('{TEXT['nav.planner']}')")
    expect(control(page, sc.DIESEL_MULTIPLIER).locator("[role=slider]")).to_have_attribute("aria-valuenow", "2")
    expect(control(page, sc.PV_MULTIPLIER).locator("[role=slider]")).to_have_attribute("aria-valuenow", "3")
    assert console_errors == []




def without_power_at_start(city: str, districts: tuple[str, ...] | None) -> str:
    """The KPI card's text for the city's default outage hitting these districts (the engine's own figure)."""
    state = sc.default_state(city)
    state["scenario"]["affected_district_ids"] = list(districts) if districts else None
    return f"{simulation(state).kpis.households_without_power_start:,.0f}"


def test_choosing_a_district_by_keyboard_changes_the_kpi_and_the_link(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    open_planner(page, f"{live_server}/planner")
    card = page.locator(WITHOUT_START_CARD)
    expect(card).to_have_text(without_power_at_start("saitama", None))
    hint = page.locator(f"[id*='{ids.SCENARIO_HIT_HINT}']")
    expect(hint).to_have_text("Empty = the whole city — 656,951 households.")

    districts = control(page, sc.DISTRICTS)
    districts.focus()
    districts.press("Enter")  # opens the list; typing searches it, Enter picks the first match
    page.keyboard.type("Omiya")
    # Enter picks the first option shown: wait until the search has narrowed the list to Omiya.
    expect(page.get_by_role("option").first).to_have_text("Omiya")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # the choice is sent when the list closes

    expect(card).to_have_text(without_power_at_start("saitama", ("11103",)))
    expect(page.locator(f"#{ids.PLANNER_SUMMARY}")).to_contain_text(
        "Hit: Omiya — 65,120 households (chosen in the Planner)")
    page.wait_for_function("() => window.location.search.includes('districts=11103')")
    link = page.url
    assert "districts=11103" in link

    copy = page.context.new_page()
    open_planner(copy, link)
    expect(copy.locator(WITHOUT_START_CARD)).to_have_text(page.locator(WITHOUT_START_CARD).inner_text())
    expect(control(copy, sc.DISTRICTS).locator(".dash-dropdown-value-item")).to_have_text(["Omiya"])
    copy.close()
    assert console_errors == []


def test_clicking_districts_and_whole_city_on_berlin(page: Page, live_server: str, console_errors: list[str]) -> None:
    open_planner(page, f"{live_server}/planner?city=berlin")
    card = page.locator(WITHOUT_START_CARD)
    expect(card).to_have_text(without_power_at_start("berlin", None))
    summary = page.locator(f"#{ids.PLANNER_SUMMARY}")
    expect(summary).to_contain_text("Hit: Steglitz-Zehlendorf — 45,400 households (the real event's area)")
    expect(page.locator(f"[id*='{ids.SCENARIO_HIT_HINT}']")).to_have_text(
        "Empty = the real event's own area — Steglitz-Zehlendorf: 45,400 of 165,379 households.")

    control(page, sc.DISTRICTS).click()
    page.locator(".dash-dropdown-option", has_text="Mitte").click()
    page.locator(".dash-dropdown-option", has_text="Pankow").click()
    page.keyboard.press("Escape")
    expect(card).to_have_text(without_power_at_start("berlin", ("01", "03")))
    page.wait_for_function("() => window.location.search.includes('districts=01,03')")
    save_screenshot(page, "planner-districts-hit")

    page.click(f"[id*='{ids.SCENARIO_WHOLE_CITY}']")
    expect(summary).to_contain_text("Hit: the whole city — 2,200,000 households")
    expect(card).to_have_text(without_power_at_start("berlin", tuple(f"{i:02d}" for i in range(1, 13))))
    page.wait_for_function("() => window.location.search.includes('districts=01,02,03,04,05,06,07,08,09,10,11,12')")

    # Another outage starts again from its own area.
    control(page, sc.PRESET).click()
    page.locator(".dash-dropdown-option", has_text="Berlin-Köpenick 2019").click()
    expect(summary).to_contain_text("Hit: Treptow-Köpenick — 31,500 households (the real event's area)")
    expect(control(page, sc.DISTRICTS).locator(".dash-dropdown-value-item")).to_have_count(0)
    page.wait_for_function("() => !window.location.search.includes('districts=')")
    assert console_errors == []


def test_a_link_with_an_unknown_district_says_so_and_keeps_the_rest(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    open_planner(page, f"{live_server}/planner?city=berlin&preset=tohoku-2011&districts=06,99&diesel=2")
    banner = page.locator(ERROR_BANNER)  # the page's own banner lists the link's problems
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Link parameter districts=06,99: scenario: affected_district_ids has '99'")
    expect(page.locator(f"#{ids.PLANNER_SUMMARY}")).to_contain_text("Hit: the whole city — 2,200,000 households")
    expect(control(page, sc.DIESEL_MULTIPLIER).locator("[role=slider]")).to_have_attribute("aria-valuenow", "2")
    page.wait_for_function("() => window.location.search === '?city=berlin&preset=tohoku-2011&diesel=2'")
    assert console_errors == []
