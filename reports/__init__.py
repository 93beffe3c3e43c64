"""Reports and exports of Kizuna runs: PDF briefing, standalone HTML, CSV/Excel data, scenario files.

Entry points (imported on first use, so that reading a scenario file does not start
WeasyPrint or kaleido):

- :func:`build_pdf` / :func:`build_html`: the briefing of a scenario on a city;
- :mod:`reports.exports`: ``hourly_csv``, ``workbook``, ``survival_csv`` …;
- :mod:`reports.scenario_files`: ``dump`` and ``load`` of a scenario as JSON.

This package may import plotly and the dashboard's figure builders; the
``resilience`` engine never imports it.
"""

from importlib import import_module

_EXPORTS = {
    "build_pdf": "reports.render",
    "build_html": "reports.render",
    "build_briefing": "reports.briefing",
    "start_image_server": "reports.images",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'reports' has no attribute {name!r}")
