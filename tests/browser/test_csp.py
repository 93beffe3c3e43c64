"""Every page works under the app's Content-Security-Policy (wiring/serving.py) in Chromium.

The live server sends the same headers as gunicorn. Each page is opened with the policy in force, its
first figure must appear, and Chromium must report no violation: neither a ``securitypolicyviolation``
event nor a console message about the Content Security Policy. The Overview's "Download plot as a PNG"
is tried too (Plotly draws the image through a ``data:`` URL).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from components import ids
from tests.browser.harness import wait_for_dash

pytestmark = pytest.mark.browser

#: Collects the violations the page reports, from before its first script runs.
RECORD_VIOLATIONS_JS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`));
"""
#: Each page and the selector of its first figure (the survival page sweeps the link's view on load).
FIRST_FIGURE = {
    "/": (f"#{ids.HOME_SUMMARY}", "households"),
    "/overview": (f"#{ids.OVERVIEW_KPIS} .kpi-card .kpi-value", None),
    "/planner": (f"#{ids.PLANNER_KPIS} .kpi-card .kpi-value", None),
    "/compare": (f"#{ids.COMPARE_TABLE} tbody tr", None),
    "/v2h": (f"#{ids.V2H_HOURS}", "hours of backup"),
    "/survival": (f"#{ids.SURVIVAL_SUMMARY}", "Shortest"),
    "/about": (f"#{ids.ABOUT_PROVENANCE_TITLE}", "Which figures are estimates"),
}
FIGURE_TIMEOUT_MS = 30_000


@pytest.fixture
def csp_reports(page: Page) -> list[str]:
    """Console messages about the Content Security Policy, collected while the test runs."""
    messages: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS_JS)
    page.on("console", lambda message: messages.append(message.text)
            if "Content Security Policy" in message.text else None)
    return messages


def violations(page: Page, csp_reports: list[str]) -> list[str]:
    return [*page.evaluate("() => window.__cspViolations || []"), *csp_reports]


@pytest.mark.parametrize("path", list(FIRST_FIGURE))
def test_the_page_runs_under_the_policy(page: Page, live_server: str, csp_reports: list[str], path: str) -> None:
    response = page.goto(live_server + path)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-eval'" not in policy
    wait_for_dash(page)
    selector, text = FIRST_FIGURE[path]
    figure = page.locator(selector).first
    if text is None:
        expect(figure).to_be_visible(timeout=FIGURE_TIMEOUT_MS)
    else:
        expect(figure).to_contain_text(text, timeout=FIGURE_TIMEOUT_MS)
    wait_for_dash(page)
    assert violations(page, csp_reports) == []


def test_a_chart_downloads_as_png_under_the_policy(page: Page, live_server: str, csp_reports: list[str]) -> None:
    page.goto(live_server + "/overview")
    wait_for_dash(page)
    chart = page.locator(f"#{ids.OVERVIEW_SUPPLY} .js-plotly-plot")
    expect(chart.locator(".scatterlayer .trace").first).to_be_attached(timeout=FIGURE_TIMEOUT_MS)
    chart.hover()
    with page.expect_download(timeout=FIGURE_TIMEOUT_MS) as download:
        chart.locator(".modebar-btn[data-title='Download plot as a PNG']").click()
    assert download.value.suggested_filename.endswith(".png")
    assert violations(page, csp_reports) == []
