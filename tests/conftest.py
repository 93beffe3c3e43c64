"""Shared test set-up: hypothesis profiles and the browser-test harness.

Browser tests (marker ``browser``) drive Debian's ``/usr/bin/chromium`` through
pytest-playwright against the app served in-process by :func:`live_server`. Under
``CI=true`` a missing Chromium fails them; elsewhere they are skipped with the command
that installs it. Helpers for screenshots live in ``tests/browser/harness.py``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import settings
from playwright.sync_api import expect

# Every test session gets its own empty result cache (resilience/result_cache.py): no test may pass on a result
# that an older checkout left in .cache/, and parallel sessions never share one.
os.environ["KIZUNA_CACHE_DIR"] = tempfile.mkdtemp(prefix="kizuna-test-cache-")
atexit.register(shutil.rmtree, os.environ["KIZUNA_CACHE_DIR"], ignore_errors=True)

# A waiting assertion passes as soon as the page is right; the long limit only keeps a loaded CI machine
# (the Compare page runs three scenarios cold, a PDF takes seconds) from failing a correct page.
expect.set_options(timeout=20_000)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
CHROMIUM_INSTALL_HINT = "sudo apt-get install chromium chromium-driver poppler-utils"
VIEWPORT = {"width": 1280, "height": 800}
LOCAL_HOST = "127.0.0.1"


def running_in_ci() -> bool:
    """True when the ``CI`` environment variable is set to a true value, as CI services do."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


settings.register_profile("ci", deadline=None, derandomize=True, max_examples=100, print_blob=True)
settings.register_profile("dev", deadline=None, max_examples=50)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if running_in_ci() else "dev"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that opens a page needs Chromium whether or not its author remembered the marker,
    # so `-m "not browser"` reliably leaves out every test that needs a browser.
    for item in items:
        if "page" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium (never a browser downloaded by ``playwright install``)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; install it with: {CHROMIUM_INSTALL_HINT}"
        if running_in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": VIEWPORT}


def _compile_the_engine() -> None:
    """Run the engine's numba kernels once before any page is opened.

    In a fresh clone numba has no disk cache yet, and the first page that simulates would spend its
    wait compiling (several seconds on a loaded machine). The results are not kept: every test still
    goes through the app's own cache.
    """
    import numpy as np

    from resilience.citydata import load_city
    from resilience.citysim import simulate
    from resilience.records import Scenario
    from resilience.survival import survival_sweep
    from resilience.systems import BackupSystem

    simulate(load_city("saitama"), Scenario(duration_h=24))
    survival_sweep(np.full(8760, 10.0), np.zeros(8760), BackupSystem(battery_kwh=20.0, battery_kw=10.0),
                   max_duration_h=24)


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """Serve ``app.create_app()`` on a free port of 127.0.0.1 for the whole session; yields its base URL."""
    from werkzeug.serving import make_server

    from app import create_app

    _compile_the_engine()
    server = make_server(LOCAL_HOST, 0, create_app().server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="kizuna-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def console_errors(page) -> list[str]:
    """Browser console errors and uncaught page exceptions, collected while the test runs."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def on_page_error(error) -> None:
        errors.append(f"page error: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return errors


@pytest.fixture
def outside_requests(page) -> list[str]:
    """URLs the page tried to fetch from anywhere but 127.0.0.1; such requests are blocked."""
    urls: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            urls.append(url)
            route.abort("blockedbyclient")

    page.route("**/*", guard)
    return urls
