"""The ``report`` command of ``python -m resilience``: a scenario's PDF briefing or HTML report.

It reuses the engine's scenario options (:func:`resilience.cli.add_scenario_options`),
so ``report`` takes the same ``--scenario-file`` and flags as ``simulate``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from reports.render import build_html, build_pdf
from resilience import cli
from resilience.errors import KizunaInputError


def run_report(args: argparse.Namespace) -> int:
    """Write the report of the command line's city and scenario; print the file's path."""
    out = Path(args.out or f"report.{args.format or 'pdf'}")
    report_format = args.format or ("html" if out.suffix.lower() in (".html", ".htm") else "pdf")
    if not out.parent.is_dir():
        raise KizunaInputError(f"--out = {str(out)!r}: no folder {str(out.parent)!r} to write it in")
    city, scenario = cli.scenario_inputs(args)
    if report_format == "pdf":
        out.write_bytes(build_pdf(city, scenario, args.prepared_by))
    else:
        out.write_text(build_html(city, scenario, args.prepared_by), encoding="utf-8")
    print(out)
    return 0


def add_report_command(commands: argparse._SubParsersAction) -> None:
    """Add ``report`` to the subcommands of :func:`resilience.cli.build_parser`."""
    report = commands.add_parser("report", help="PDF briefing (or standalone HTML report) of a scenario")
    cli.add_scenario_options(report)
    report.add_argument("--out", help="file to write (default: report.pdf or report.html)")
    report.add_argument("--format", choices=("pdf", "html"), help="default: from --out's suffix, else pdf")
    report.add_argument("--prepared-by", default="", help="name printed on the title page")
    report.set_defaults(handler=run_report)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m resilience``: the engine's commands and ``report``; return the exit status."""
    return cli.main(argv, extra_commands=(add_report_command,))
