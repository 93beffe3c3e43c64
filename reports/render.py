"""The briefing as one self-contained HTML page, and that page as a PDF (WeasyPrint).

The HTML embeds its stylesheet and its images (``data:`` URIs), so the same text is
both the standalone HTML report and WeasyPrint's input. WeasyPrint runs no
JavaScript, hence static images instead of interactive Plotly charts.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.briefing import Briefing, build_briefing
from reports.images import report_images
from resilience.citysim import Result
from resilience.records import Scenario

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "briefing.html.j2"
STYLESHEET = "briefing.css"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(briefing: Briefing, images: dict[str, str]) -> str:
    """Fill the template with a briefing and its images.

    Parameters
    ----------
    briefing : reports.briefing.Briefing
    images : dict
        Image name → ``data:`` URI, as :func:`reports.images.report_images` returns.

    Returns
    -------
    str
        A complete HTML document with no external reference.
    """
    css = (TEMPLATES / STYLESHEET).read_text(encoding="utf-8")
    return _environment().get_template(TEMPLATE).render(b=briefing, images=images, css=css)


def html_to_pdf(html: str, *, title: str = "", author: str = "") -> bytes:
    """Typeset an HTML document with WeasyPrint and return the PDF bytes.

    ``title`` and ``author`` are written to the PDF's metadata when given.
    """
    from weasyprint import HTML  # Imported here: it takes about half a second and only the PDF needs it.

    document = HTML(string=html, base_url=str(TEMPLATES)).render()
    if title:
        document.metadata.title = title
    if author:
        document.metadata.authors = [author]
    return document.write_pdf()


def build_html(city_id: str, scenario: Scenario, prepared_by: str = "", *, run_date: dt.datetime | None = None,
               result: Result | None = None) -> str:
    """The standalone HTML report of a scenario on a bundled city (images embedded).

    Parameters
    ----------
    city_id : str
        A bundled city id.
    scenario : resilience.records.Scenario
    prepared_by : str
        Name for the title page.
    run_date : datetime.datetime, optional
        Date of the run printed on the report (default: now).
    result : resilience.citysim.Result, optional
        The run if the caller already has it (of this city and scenario).

    Raises
    ------
    KizunaInputError
        For an unknown city or a scenario the engine rejects.
    """
    briefing = build_briefing(city_id, scenario, prepared_by=prepared_by, run_date=run_date, result=result)
    return render_html(briefing, report_images(briefing))


def build_pdf(city_id: str, scenario: Scenario, prepared_by: str = "", *, run_date: dt.datetime | None = None,
              result: Result | None = None) -> bytes:
    """The PDF briefing of a scenario on a bundled city (see :func:`build_html` for the parameters)."""
    briefing = build_briefing(city_id, scenario, prepared_by=prepared_by, run_date=run_date, result=result)
    html = render_html(briefing, report_images(briefing))
    return html_to_pdf(html, title=f"Kizuna briefing: {briefing.title}", author=briefing.prepared_by)
