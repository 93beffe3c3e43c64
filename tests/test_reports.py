"""The PDF briefing and the HTML report: what they say, that every page renders, and the batch command.

PDF checks use poppler's ``pdfinfo``, ``pdftotext`` and ``pdftoppm``; images need Chromium
(kaleido). Both are skipped with the install command when missing, and fail under CI.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from presentation import formatting as fmt
from presentation.kpi_content import kpi_cards
from presentation.text import TEXT
from reports.briefing import build_briefing, district_table, facility_table, provenance_table, summary_sentences
from reports.cli import main
from resilience import simulate
from resilience.citydata import load_city, load_provenance
from resilience.records import City, DieselSupply, District, EVFleet, Facility, PetrolSupply, Scenario

CHROMIUM = Path("/usr/bin/chromium")
POPPLER = ("pdfinfo", "pdftotext", "pdftoppm", "pdffonts")
RUN_DATE = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
PREPARED_BY = "Aiko Tanaka, Saitama City crisis management"
CASES = {"saitama": "tohoku-2011", "berlin": "berlin-southwest-2026"}


def _need(tools_present: bool, what: str, install: str) -> None:
    if tools_present:
        return
    message = f"{what} is missing; install it with: {install}"
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# Every test here builds or reads a briefing, a PDF or an image: `make test-fast` leaves them out.
pytestmark = pytest.mark.report


@pytest.fixture(scope="module")
def tools():
    _need(CHROMIUM.exists(), str(CHROMIUM), "sudo apt-get install chromium")
    _need(all(shutil.which(tool) for tool in POPPLER), "poppler-utils", "sudo apt-get install poppler-utils")


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(text.split())


def squeeze(text: str) -> str:
    """Text without spaces and hyphens: pdftotext joins "household-⏎hours" into "householdhours"."""
    return re.sub(r"[\s\-]", "", text)


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


@pytest.fixture(scope="module")
def reports_built(tools, tmp_path_factory):
    """The PDF of each bundled city's own preset, with its briefing, built once for the module."""
    from reports.images import report_images
    from reports.render import html_to_pdf, render_html

    folder = tmp_path_factory.mktemp("reports")
    built = {}
    for city_id, preset in CASES.items():
        briefing = build_briefing(city_id, Scenario(preset=preset), prepared_by=PREPARED_BY, run_date=RUN_DATE)
        html = render_html(briefing, report_images(briefing))
        path = folder / f"{city_id}.pdf"
        path.write_bytes(html_to_pdf(html))
        built[city_id] = (briefing, html, path)
    return built


# --------------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("city_id", CASES)
def test_pdf_opens_with_at_least_four_numbered_pages(reports_built, city_id):
    _, _, path = reports_built[city_id]
    pages = pdf_pages(path)
    assert pages >= 4
    text = pdf_text(path)
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text


@pytest.mark.parametrize("city_id", CASES)
def test_pdf_shows_every_kpi_card_as_the_dashboard_prints_it(reports_built, city_id):
    briefing, _, path = reports_built[city_id]
    text = pdf_text(path)
    cards = kpi_cards(briefing.result)
    assert len(cards) == 6
    for card in cards:
        # pdftotext may drop the narrow space of a large bold value ("5 h" → "5h").
        assert squeeze(card.value) in squeeze(text), card
        assert squeeze(card.detail) in squeeze(text), card


@pytest.mark.parametrize("city_id", CASES)
def test_pdf_holds_the_title_page_summary_and_tables(reports_built, city_id):
    briefing, _, path = reports_built[city_id]
    text = pdf_text(path)
    city = load_city(city_id)
    for expected in (city.name, briefing.preset_title, PREPARED_BY, "23 November 2026", briefing.event_source[:60]):
        assert expected in text
    for sentence in briefing.summary:
        assert squeeze(sentence) in squeeze(text)
    for facility in city.facilities:
        assert facility.name in text
    for district in city.districts:
        assert district.name in text


def test_saitama_ward_names_print_in_japanese_with_a_cjk_font(reports_built):
    _, _, path = reports_built["saitama"]
    text = pdf_text(path)
    for ward in ("西区", "大宮区", "岩槻区"):
        assert ward in text
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-JP" in fonts


@pytest.mark.parametrize("city_id", CASES)
def test_every_estimated_figure_is_listed(reports_built, city_id):
    briefing, _, path = reports_built[city_id]
    provenance = load_provenance(city_id)
    estimated = int((provenance["status"] == "estimated").sum())
    assert len(briefing.estimated.rows) == estimated > 0
    assert f"Estimated figures ({estimated})" in pdf_text(path)


@pytest.mark.parametrize("city_id", CASES)
def test_every_page_renders_to_an_image_with_ink(reports_built, city_id, tmp_path):
    _, _, path = reports_built[city_id]
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.pgm"))
    assert len(images) == pdf_pages(path)
    for image in images:
        pixels = _read_pgm(image)
        # A page with only its running header and footer has about 1 % of non-white pixels; the sparsest
        # real page (the title page) about 7 %.
        assert (pixels < 250).mean() > 0.03, f"{image.name} looks empty"


def _read_pgm(path: Path) -> np.ndarray:
    data = path.read_bytes()
    header = data.split(b"\n", 3)
    width, height = (int(v) for v in header[1].split())
    return np.frombuffer(header[3], dtype=np.uint8)[: width * height].reshape(height, width)


def test_weasyprint_accepts_the_whole_stylesheet(reports_built, caplog):
    from reports.render import html_to_pdf

    _, html, _ = reports_built["saitama"]
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        html_to_pdf(html)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_pdf_metadata_names_the_report_and_its_author(tools, tmp_path):
    from reports.render import build_pdf

    path = tmp_path / "r.pdf"
    path.write_bytes(build_pdf("saitama", Scenario(preset="custom", duration_h=24), prepared_by="R. Sato",
                               run_date=RUN_DATE))
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Kizuna briefing: Custom outage on Saitama City" in info
    assert "R. Sato" in info


# --------------------------------------------------------------------------------------------
# The standalone HTML
# --------------------------------------------------------------------------------------------


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.references: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.references.append((tag, value))


def test_html_report_is_standalone_with_embedded_images(reports_built):
    _, html, _ = reports_built["berlin"]
    parser = _References()
    parser.feed(html)
    images = [value for tag, value in parser.references if tag == "img"]
    assert len(images) == 5
    assert all(value.startswith("data:image/png;base64,") for value in images)
    assert [value for tag, value in parser.references if tag != "img"] == []
    assert "<script" not in html
    assert "url(http" not in html.replace(" ", "")


def test_embedded_images_are_sharp_pngs_at_print_width(reports_built):
    import base64

    from reports.images import IMAGE_SCALE, IMAGE_WIDTH_PX, MAP_SIZE_PX

    _, html, _ = reports_built["saitama"]
    parser = _References()
    parser.feed(html)
    widths = []
    for _, value in parser.references:
        png = base64.b64decode(value.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        widths.append(struct.unpack(">I", png[16:20])[0])
    assert sorted(set(widths)) == sorted({IMAGE_WIDTH_PX * IMAGE_SCALE, MAP_SIZE_PX[0] * IMAGE_SCALE})


def test_text_with_markup_is_escaped(tools):
    from reports.render import render_html

    briefing = build_briefing("saitama", Scenario(preset="custom", duration_h=24), prepared_by="<b>Ops</b> & co")
    html = render_html(briefing, {name: "data:image/png;base64," for name in
                                  ("supply", "households", "map", "household_0", "household_1")})
    assert "&lt;b&gt;Ops&lt;/b&gt; &amp; co" in html
    assert "<b>Ops</b>" not in html


# --------------------------------------------------------------------------------------------
# Sentences and tables, checked by hand on a small city
# --------------------------------------------------------------------------------------------


def small_city(facilities: tuple[Facility, ...]) -> City:
    district = District(id="d1", name="Only ward", households=1000, population=2000, home_parking_share=0.5,
                        bev_count=0, phev_count=0, v2h_units=0, pv_kwp=0.0, pv_self_sustaining_share=0.0,
                        filling_stations=2, stations_backup_share=0.0)
    return City(
        id="smallville", name="Smallville", country="JP", timezone="Asia/Tokyo", latitude=35.86, longitude=139.65,
        altitude_m=10, household_kwh_per_day=11.4, load_shape="tepco_2010", districts=(district,),
        facilities=facilities, diesel=DieselSupply(depot_litres=0),
        petrol=PetrolSupply(stock_litres_per_station=20000),
        fleet=EVFleet(bev_mix={"nissan-leaf-40": 1.0}, phev_mix={}),
    )


HOSPITAL = Facility(id="hosp", name="General Hospital", type="hospital", district_id="d1", latitude=35.9,
                    longitude=139.6, critical_load_kw=100, generator_kw=100, tank_litres=10000, fuel_litres=10000)
SHELTER = Facility(id="shel", name="School Shelter", type="shelter", district_id="d1", latitude=35.9,
                   longitude=139.6, critical_load_kw=10)
CUSTOM = Scenario(preset="custom", start=dt.datetime(2011, 3, 11, 14), duration_h=48, custom_outage_h=24,
                  custom_restoration_h=12)


def test_summary_by_hand_when_every_facility_holds():
    result = simulate(small_city((HOSPITAL,)), CUSTOM)
    sentences = summary_sentences(result)
    # No car, no PV: all 1,000 households are without power at hour 0; restored linearly from hour 24 to 36.
    assert sentences[0] == (
        "In a custom outage (24 h without grid, then 12 h of restoration) played on Smallville, 1,000 of 1,000 "
        "households (100.0 %) are without power "
        "at the start (11 Mar 14:00); 100.0 % of households are back on the grid after 2 days (48 h)."
    )
    assert sentences[2].startswith(
        "Every critical site the outage reaches keeps its load served for the whole run (48 h). 1 site holds on "
        "its own backup, with no diesel deliveries from the depot. In this run critical sites get the grid back "
        "only once their whole district is restored (the cautious reading; priority restoration is off).")
    # 10,000 L ÷ (0.262 L/kWh × 100 kW + 0.007 L/h/kW × 100 kW = 26.9 L/h) = 371.7 h.
    assert sentences[3].startswith("On its own tank, the first site runs dry after 372 h at its critical load")
    assert "The depot makes no deliveries." in sentences[3]
    assert sentences[4] == "No household has a V2H unit in this scenario."


def test_summary_by_hand_names_the_first_facility_short():
    result = simulate(small_city((HOSPITAL, SHELTER)), CUSTOM)
    text = summary_sentences(result)[2]
    # The shelter has no generator: it is named apart and does not set the headline (the hospital holds).
    assert text.startswith("In the area hit, 1 site (shelters) has no adequate backup (no generator, or one below "
                           "80 % of the load) and fall short as soon as they lose the grid; they are not counted in "
                           "the figures below. Every other critical site the outage reaches keeps its load served "
                           "for the whole run (48 h). 1 site holds on its own backup")
    served = result.kpis.critical_energy_served_pct
    assert text.endswith(f"Critical facilities receive {served:.1f} % of their energy over the run.")


def test_facility_table_lists_the_facilities_at_risk_first():
    result = simulate(load_city("saitama"), Scenario(preset="tohoku-2011", duration_h=72))
    table = facility_table(result)
    first = table.columns.index("First shortfall [h]")
    served = table.columns.index(TEXT["facility.energy_served_pct"])
    never = TEXT["facility.never"]
    keys = [(row[first] == never, 0 if row[first] == never else int(row[first].replace(",", "")), float(row[served]))
            for row in table.rows]
    # Short first, the earliest shortfall first, then the lowest energy served.
    assert keys == sorted(keys)
    assert not keys[0][0] and keys[-1][0]
    assert len(table.rows) == len(result.city.facilities)


def test_provenance_table_names_figures_by_label_and_rows_by_name():
    city = load_city("saitama")
    table = provenance_table(load_provenance("saitama"), "estimated", city)
    labels = [row[0] for row in table.rows]
    assert TEXT["field.city.fleet.soc_clip_low"] in labels
    assert f"{TEXT['field.facilities.tank_litres']}: {city.facilities[0].name}" in labels  # Nishi ward hospitals
    assert not [label for label in labels if re.search(r"\b(city|districts|facilities|fleet_mix)\.|_", label)]


def test_district_table_rows_add_up_to_the_city_kpis():
    result = simulate(load_city("saitama"), Scenario(duration_h=72))
    table = district_table(result)
    body, total = table.rows[:-1], table.rows[-1]
    assert table.row_classes[-1] == "total"
    number = table.columns.index("Household-hours lost")
    lost = sum(float(row[number].replace(",", "")) for row in body)
    assert lost == pytest.approx(result.kpis.household_hours_lost, abs=len(body))
    assert total[number] == fmt.count(result.kpis.household_hours_lost)
    assert total[table.columns.index("V2H households")] == fmt.count(result.kpis.v2h_households)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: fmt.count(627011.52), "627,012"),
        (lambda: fmt.share(0.9171), "91.7 %"),
        (lambda: fmt.percent(97.5827), "97.6 %"),
        (lambda: fmt.hours(131.4157), "131 h"),
        (lambda: fmt.hours(float("inf")), "∞"),
        (lambda: fmt.days(1.3055), "1.3 d"),
        (lambda: fmt.duration(168), "7 days (168 h)"),
        (lambda: fmt.duration(24), "1 day (24 h)"),
        (lambda: fmt.duration(30), "30 h"),
        (lambda: fmt.cell(None), "–"),
        (lambda: fmt.cell(float("nan"), 1), "–"),
        (lambda: fmt.cell(1234.56, 1), "1,234.6"),
    ],
)
def test_number_formats(call, expected):
    assert call() == expected


# --------------------------------------------------------------------------------------------
# Images and the command line
# --------------------------------------------------------------------------------------------


def test_district_map_renders_offline(tools):
    from presentation.figures import district_map_figure
    from reports.images import figure_png
    from resilience.citydata import load_districts_geojson

    result = simulate(load_city("berlin"), Scenario(preset="berlin-southwest-2026", duration_h=24))
    png = figure_png(district_map_figure(load_districts_geojson("berlin"), result, "without-power", 0),
                     width=400, height=300, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (400, 300)


def test_report_command_writes_html_and_pdf(tools, tmp_path, capsys):
    html_path = tmp_path / "briefing.html"
    assert main(["report", "--city", "saitama", "--scenario", "custom", "--hours", "24", "--out", str(html_path),
                 "--prepared-by", "Ops desk"]) == 0
    assert capsys.readouterr().out.strip() == str(html_path)
    assert "Ops desk" in html_path.read_text(encoding="utf-8")
    pdf_path = tmp_path / "briefing.pdf"
    assert main(["report", "--city", "berlin", "--scenario", "berlin-koepenick-2019", "--hours", "48",
                 "--out", str(pdf_path)]) == 0
    assert pdf_path.read_bytes()[:5] == b"%PDF-"


def test_python_m_resilience_report_never_imports_dash(tools, tmp_path):
    """The command-line report runs the engine, the presentation layer and the reports, never the dashboard."""
    pdf_path = tmp_path / "briefing.pdf"
    script = (
        "import contextlib, io, json, runpy, sys\n"
        f"sys.argv = ['resilience', 'report', '--city', 'berlin', '--hours', '24', '--out', {str(pdf_path)!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        runpy.run_module('resilience', run_name='__main__', alter_sys=True)\n"
        "    except SystemExit as exit_:\n"
        "        status = exit_.code\n"
        "print(json.dumps({'status': status, **{name: name in sys.modules for name in "
        "('dash', 'dash_ag_grid', 'flask', 'components', 'pages', 'wiring', 'app')}}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {
        "status": 0, "dash": False, "dash_ag_grid": False, "flask": False, "components": False, "pages": False,
        "wiring": False, "app": False}
    assert pdf_path.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["report", "--city", "osaka"], "unknown city 'osaka'"),
        (["report", "--hours", "0"], "--hours = 0: must be 1–8760 (h)"),
        (["report", "--out", "/no/such/folder/r.pdf"], "no folder '/no/such/folder'"),
        (["report", "--format", "docx"], "invalid choice: 'docx'"),
        (["report", "--start", "11 March"], "expected a local date and hour"),
    ],
)
def test_report_command_errors_are_one_line_with_status_2(argv, fragment, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert fragment in err
    assert not list(tmp_path.iterdir())
