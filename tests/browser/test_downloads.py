"""Downloads and scenario files in a real browser: the PDF and workbook of the Overview, saving and loading."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from components import ids
from components import scenario_controls as sc
from presentation.text import TEXT
from tests.browser.harness import save_screenshot, wait_for_dash, wait_for_new_text

pytestmark = pytest.mark.browser

WITHOUT_START_CARD = f"#{ids.OVERVIEW_KPIS} .kpi-without-power-start .kpi-value"
SUMMARY = f"#{ids.OVERVIEW_SUMMARY}"
UPLOAD_INPUT = f"#{ids.SCENARIO_FILE_LOAD} input[type=file]"
PDF_TIMEOUT_MS = 60_000
SWEEP_TIMEOUT_MS = 30_000
MIN_BRIEFING_PAGES = 4
PAGES_WITH_THE_BAR = ("/", "/overview", "/planner", "/compare", "/about", "/v2h", "/survival")


def open_overview(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_dash(page)
    expect(page.locator(f"#{ids.OVERVIEW_KPIS} .kpi-card")).to_have_count(6)
    wait_for_new_text(page.locator(WITHOUT_START_CARD), r"[\d,]+")


def open_download_menu(page: Page) -> None:
    summary = page.locator(f"#{ids.DOWNLOAD_MENU} summary")
    summary.focus()
    summary.press("Enter")  # the menu is a native <details>: the keyboard opens it
    expect(page.locator(f"#{ids.DOWNLOAD_PDF}")).to_be_visible()


def overview_city_picker(page: Page):
    dom_id = json.dumps(sc.control_id(ids.PAGE_OVERVIEW, sc.CITY), sort_keys=True, separators=(",", ":"))
    return page.locator(f"[id='{dom_id}']")


def test_pdf_briefing_of_the_overview_has_the_kpi_on_screen(
    page: Page, live_server: str, console_errors: list[str], outside_requests: list[str], tmp_path: Path
) -> None:
    open_overview(page, f"{live_server}/overview")
    without_at_start = page.inner_text(WITHOUT_START_CARD)
    assert re.fullmatch(r"[\d,]+", without_at_start)
    open_download_menu(page)
    page.fill(f"#{ids.DOWNLOAD_PREPARED_BY}", "Crisis desk Urawa")

    with page.expect_download(timeout=PDF_TIMEOUT_MS) as pending:
        page.click(f"#{ids.DOWNLOAD_PDF}")
        expect(page.get_by_text(TEXT["download.preparing"])).to_be_visible()  # the report takes seconds
        expect(page.locator(f"#{ids.DOWNLOAD_PDF}")).to_be_disabled()
        save_screenshot(page, "downloads-menu")
    download = pending.value
    assert download.suggested_filename == "kizuna-saitama-tohoku-2011.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert pages >= MIN_BRIEFING_PAGES
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert without_at_start in text
    assert "Crisis desk Urawa" in text
    expect(page.get_by_text(TEXT["download.preparing"])).to_be_hidden()
    expect(page.locator(f"#{ids.DOWNLOAD_PDF}")).to_be_enabled()
    assert console_errors == []
    assert outside_requests == []


def test_excel_workbook_reads_back_with_the_kpis_on_screen(
    page: Page, live_server: str, console_errors: list[str], tmp_path: Path
) -> None:
    open_overview(page, f"{live_server}/overview?city=berlin")
    without_at_start = int(page.inner_text(WITHOUT_START_CARD).replace(",", ""))
    open_download_menu(page)
    with page.expect_download(timeout=PDF_TIMEOUT_MS) as pending:
        page.click(f"#{ids.DOWNLOAD_XLSX}")
    download = pending.value
    assert download.suggested_filename == "kizuna-berlin-berlin-southwest-2026.xlsx"
    book = tmp_path / download.suggested_filename
    download.save_as(book)

    sheets = pd.read_excel(book, sheet_name=None)
    assert {"parameters", "kpis", "city_hourly", "districts_hourly", "facilities_hourly"} <= set(sheets)
    kpis = dict(zip(sheets["kpis"]["kpi"], sheets["kpis"]["value"], strict=True))
    assert round(kpis["households_without_power_start"]) == without_at_start
    parameters = dict(zip(sheets["parameters"]["parameter"], sheets["parameters"]["value"], strict=True))
    assert "berlin" in parameters.values()
    assert console_errors == []


def test_a_saved_scenario_loads_back_after_a_change(
    page: Page, live_server: str, console_errors: list[str], tmp_path: Path
) -> None:
    open_overview(page, f"{live_server}/overview?city=saitama&preset=tohoku-2011&diesel=2")
    saitama = page.inner_text(WITHOUT_START_CARD)
    with page.expect_download() as pending:
        page.click(f"#{ids.SCENARIO_FILE_SAVE}")
    download = pending.value
    assert download.suggested_filename == "kizuna-saitama-tohoku-2011.kizuna.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert json.loads(saved.read_text(encoding="utf-8"))["scenario"]["diesel_stock_multiplier"] == 2.0

    overview_city_picker(page).click()
    page.get_by_role("option", name="Berlin").click()
    expect(page.locator(SUMMARY)).to_contain_text("Berlin · Berlin south-west 2026")
    wait_for_new_text(page.locator(WITHOUT_START_CARD), r"[\d,]+", old=saitama)

    page.set_input_files(UPLOAD_INPUT, saved)
    expect(page.locator(SUMMARY)).to_contain_text("Saitama City · Tōhoku earthquake 2011")
    expect(page.locator(WITHOUT_START_CARD)).to_have_text(saitama)
    page.wait_for_function("() => window.location.search.includes('city=saitama')"
                           " && window.location.search.includes('diesel=2')")
    expect(page.locator(f"#{ids.URL_ERROR}")).to_be_hidden()
    assert console_errors == []


def test_a_broken_file_is_named_and_nothing_on_screen_changes(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    open_overview(page, f"{live_server}/overview?city=berlin")
    kpis_before = page.inner_text(f"#{ids.OVERVIEW_KPIS}")
    summary_before = page.inner_text(SUMMARY)
    query_before = page.evaluate("() => window.location.search")

    broken = {"name": "broken.kizuna.json", "mimeType": "application/json",
              "buffer": b'{"kind": "kizuna-scenario", "schema_version": 1, "city": '}
    page.set_input_files(UPLOAD_INPUT, files=[broken])
    banner = page.locator(f"#{ids.URL_ERROR}")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("broken.kizuna.json could not be opened; the scenario on screen is unchanged")
    expect(banner).to_contain_text("scenario file: not valid JSON (line 1, column 58: Expecting value)")
    save_screenshot(page, "downloads-load-error")

    newer = {"name": "newer.kizuna.json", "mimeType": "application/json",
             "buffer": json.dumps({"kind": "kizuna-scenario", "schema_version": 99, "city": "saitama",
                                   "scenario": {}}).encode("utf-8")}
    page.set_input_files(UPLOAD_INPUT, files=[newer])
    expect(banner).to_contain_text("scenario file version 99 is newer than this Kizuna reads (1)")
    assert page.inner_text(f"#{ids.OVERVIEW_KPIS}") == kpis_before
    assert page.inner_text(SUMMARY) == summary_before
    assert page.evaluate("() => window.location.search") == query_before
    assert console_errors == []


@pytest.mark.parametrize("path", PAGES_WITH_THE_BAR)
def test_every_page_has_the_bar_without_console_errors(
    page: Page, live_server: str, console_errors: list[str], outside_requests: list[str], path: str
) -> None:
    page.goto(live_server + path)
    wait_for_dash(page)
    bar = page.locator(f"#{ids.DOWNLOAD_BAR}")
    expect(bar).to_be_visible()
    expect(page.locator(f"#{ids.DOWNLOAD_SCENARIO}")).to_contain_text("Scenario: Saitama City · Tōhoku earthquake")
    box = bar.bounding_box()
    assert box is not None and box["height"] < 60  # one compact line at 1280 × 800
    expect(page.locator(f"#{ids.SCENARIO_FILE_SAVE}")).to_be_visible()
    expect(page.locator(f"#{ids.SCENARIO_FILE_LOAD}")).to_be_visible()
    assert console_errors == []
    assert outside_requests == []


def test_v2h_page_downloads_the_hourly_table_on_screen(
    page: Page, live_server: str, console_errors: list[str], tmp_path: Path
) -> None:
    page.goto(f"{live_server}/v2h?city=saitama&car=nissan-leaf-40&kwp=4&horizon=72")
    wait_for_dash(page)
    expect(page.locator(f"#{ids.V2H_HOURS}")).to_contain_text("hours")
    with page.expect_download() as pending:
        page.click(f"#{ids.V2H_DOWNLOAD_HOURLY}")
    download = pending.value
    assert download.suggested_filename == "kizuna-v2h-saitama-nissan-leaf-40-hourly.csv"
    table = tmp_path / download.suggested_filename
    download.save_as(table)
    frame = pd.read_csv(table)
    assert len(frame) == 72 and frame["pv_kw"].max() > 0
    assert list(frame.columns[:3]) == ["time", "hours_since_start_h", "load_kw"]
    page.locator(f"#{ids.V2H_DOWNLOAD_HOURLY}").scroll_into_view_if_needed()
    save_screenshot(page, "downloads-v2h")
    assert console_errors == []


def test_survival_page_downloads_the_sweep_it_shows(
    page: Page, live_server: str, console_errors: list[str], tmp_path: Path
) -> None:
    page.goto(f"{live_server}/survival?max_h=168")
    wait_for_dash(page)
    expect(page.locator(f"#{ids.SURVIVAL_SUMMARY}")).to_contain_text("Shortest", timeout=SWEEP_TIMEOUT_MS)
    longest = int(re.search(r"longest ([\d,]+) h", page.inner_text(f"#{ids.SURVIVAL_SUMMARY}")).group(1))

    with page.expect_download() as pending:
        page.click(f"#{ids.SURVIVAL_DOWNLOAD_STARTS}")
    starts = tmp_path / pending.value.suggested_filename
    pending.value.save_as(starts)
    assert starts.name.endswith("-168h-starts.csv")
    frame = pd.read_csv(starts)
    assert len(frame) == 8760 and frame["hours_survived_h"].max() == longest

    with page.expect_download() as pending:
        page.click(f"#{ids.SURVIVAL_DOWNLOAD_CURVE}")
    curve = tmp_path / pending.value.suggested_filename
    pending.value.save_as(curve)
    assert len(pd.read_csv(curve)) == 168
    page.locator(f"#{ids.SURVIVAL_DOWNLOAD_STARTS}").scroll_into_view_if_needed()
    save_screenshot(page, "downloads-survival")
    assert console_errors == []
