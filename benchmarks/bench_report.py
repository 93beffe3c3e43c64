"""Time to build the full PDF briefing (and the exports) for Saitama and Berlin.

Run: ``make bench`` or ``PYTHONPATH=. .venv/bin/python benchmarks/bench_report.py``.
Prints seconds per stage and per report; asserts nothing. The first report of the
process also pays for importing WeasyPrint and starting kaleido's Chromium (printed
separately as "start-up"); every later report reuses the same kaleido server, which
is what the target (under 5 s per PDF) is about.
"""

from __future__ import annotations

import statistics
import time

from reports import exports
from reports.briefing import build_briefing
from reports.images import report_images, start_image_server
from reports.render import build_pdf, html_to_pdf, render_html
from resilience.citydata import load_city
from resilience.citysim import simulate
from resilience.records import Scenario

CASES = (("saitama", "tohoku-2011"), ("berlin", "berlin-southwest-2026"))
REPEAT = 3


def timed(call):
    start = time.perf_counter()
    value = call()
    return value, time.perf_counter() - start


def main() -> None:
    _, startup_s = timed(start_image_server)
    _, weasy_s = timed(lambda: __import__("weasyprint"))
    print(f"start-up: kaleido server {startup_s:.2f} s (Chromium starts on the first image), "
          f"import weasyprint {weasy_s:.2f} s")
    for city_id, preset in CASES:
        scenario = Scenario(preset=preset)
        load_city(city_id)
        first_pdf, first_s = timed(lambda: build_pdf(city_id, scenario))  # noqa: B023
        totals, stages = [], {"simulate": [], "briefing": [], "images": [], "html": [], "pdf": []}
        for _ in range(REPEAT):
            start = time.perf_counter()
            result, seconds = timed(lambda: simulate(load_city(city_id), scenario))  # noqa: B023
            stages["simulate"].append(seconds)
            briefing, seconds = timed(lambda: build_briefing(city_id, scenario, result=result))  # noqa: B023
            stages["briefing"].append(seconds)
            images, seconds = timed(lambda: report_images(briefing))  # noqa: B023
            stages["images"].append(seconds)
            html, seconds = timed(lambda: render_html(briefing, images))  # noqa: B023
            stages["html"].append(seconds)
            pdf, seconds = timed(lambda: html_to_pdf(html))  # noqa: B023
            stages["pdf"].append(seconds)
            totals.append(time.perf_counter() - start)
        stage_text = " · ".join(f"{name} {statistics.median(values):.2f} s" for name, values in stages.items())
        print(f"{city_id} / {preset}: full PDF {statistics.median(totals):.2f} s (median of {REPEAT}; "
              f"first in process {first_s:.2f} s), {len(pdf) / 1e6:.2f} MB, {len(images)} images")
        print(f"    {stage_text}")
        _, csv_s = timed(lambda: exports.hourly_csv(result, "facilities"))  # noqa: B023
        book, xlsx_s = timed(lambda: exports.workbook(result))  # noqa: B023
        print(f"    exports: facilities CSV {csv_s:.2f} s · workbook {xlsx_s:.2f} s ({len(book) / 1e6:.2f} MB)")
        del first_pdf


if __name__ == "__main__":
    main()
