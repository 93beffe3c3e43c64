"""Time to the first KPI in a real browser (Debian's /usr/bin/chromium), and what travels on the wire.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_first_view.py [--url URL] [--repeat 5]``.
Without ``--url`` it serves ``app.create_app()`` in-process on a free loopback port;
with ``--url`` it measures a running server (e.g. ``make serve``). The server is
warmed first (one visit of every measured page, so numba's kernels are compiled and the
scenario is in the result cache): the figures are those of a warm server.

For each page it prints the median and the worst of ``--repeat`` visits:

- *cold browser*: a new browser context (empty HTTP cache), as a first visit;
- *warm browser*: the same context again (scripts from the browser's cache), as a second visit;

the time is from navigation start to the first KPI card's value on screen (the
Overview and Planner) or the page's main heading (other pages), and the bytes are
what crossed the network (compressed where the server compresses). Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
#: What "the page is there" means, per page.
READY = {
    "/overview": ".kpi-card .kpi-value",
    "/planner": ".kpi-card .kpi-value",
    "/": "h1",
    "/v2h": "#v2h-hours:not(:empty)",
}


@contextmanager
def served(url: str | None):
    if url:
        yield url.rstrip("/")
        return
    from werkzeug.serving import make_server

    from app import create_app

    server = make_server("127.0.0.1", 0, create_app().server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def visit(page, url: str, selector: str) -> tuple[float, int]:
    """Seconds to ``selector`` visible and bytes received, for one navigation."""
    received = []

    def count(request) -> None:
        received.append(request.sizes()["responseBodySize"])

    page.on("requestfinished", count)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator(selector).first.wait_for(state="visible", timeout=60_000)
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", count)
    return seconds, sum(received)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running Kizuna server (default: serve one in-process)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with served(args.url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        warm_up = browser.new_page()
        for path, selector in READY.items():
            visit(warm_up, base + path, selector)
        warm_up.close()
        print(f"{'page':<10} {'cold browser: median / worst':>30} {'warm browser: median / worst':>30} "
              f"{'bytes (cold)':>14}")
        for path, selector in READY.items():
            cold, warm, sizes = [], [], []
            for _ in range(args.repeat):
                context = browser.new_context()
                page = context.new_page()
                seconds, size = visit(page, base + path, selector)
                cold.append(seconds)
                sizes.append(size)
                page2 = context.new_page()
                warm.append(visit(page2, base + path, selector)[0])
                context.close()
            print(f"{path:<10} {statistics.median(cold):>20.2f} s / {max(cold):.2f} s "
                  f"{statistics.median(warm):>20.2f} s / {max(warm):.2f} s {statistics.median(sizes):>14,.0f}")
        browser.close()


if __name__ == "__main__":
    main()
