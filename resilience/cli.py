"""Command line: ``python -m resilience survival|simulate|v2h|report|validate …``.

Every problem with the input ends the command with exit status 2 and one line
on stderr that names it; no traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from resilience.errors import KizunaInputError
from resilience.records import PRESET_IDS, Scenario

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage problem as one line and exit status 2."""

    def error(self, message: str):
        raise KizunaInputError(f"{self.prog}: {message}")


def _read_json(path: str) -> object:
    file = Path(path)
    if not file.is_file():
        raise KizunaInputError(f"{path}: no such file")
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise KizunaInputError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise KizunaInputError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def _local_time(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise KizunaInputError(f"--start = {text!r}: expected a local date and hour like 2011-03-11T14:00") from None
    if value.tzinfo is not None:
        raise KizunaInputError(f"--start = {text!r}: give local time without a zone; the city's zone applies")
    return value


def run_survival(args: argparse.Namespace) -> int:
    from resilience.survival import survival_sweep

    inputs = _read_json(args.input)
    if not isinstance(inputs, dict):
        raise KizunaInputError(f"{args.input}: expected a JSON object whose keys are the sweep's arguments")
    allowed = list(inspect.signature(survival_sweep).parameters)
    unknown = sorted(set(inputs) - set(allowed))
    if unknown:
        raise KizunaInputError(f"{args.input}: unknown key '{unknown[0]}': allowed keys are {', '.join(allowed)}")
    print(json.dumps(survival_sweep(**inputs).to_dict()))
    return 0


def _scenario_from_args(args: argparse.Namespace) -> Scenario:
    fields = {"preset": args.scenario, "duration_h": args.hours}
    if args.start:
        fields["start"] = _local_time(args.start)
    if args.districts is not None:
        fields["affected_district_ids"] = tuple(d.strip() for d in args.districts.split(",") if d.strip())
    return Scenario(**fields)


def run_simulate(args: argparse.Namespace) -> int:
    from resilience.citydata import load_city
    from resilience.citysim import simulate

    result = simulate(load_city(args.city), _scenario_from_args(args))
    if args.format == "json":
        print(json.dumps(result.kpis.to_dict(), ensure_ascii=False, indent=2))
    else:
        table = {"districts": result.districts, "facilities": result.facilities,
                 "city": result.city_hourly.reset_index()}[args.table]
        table.to_csv(sys.stdout, index=False, float_format="%.6g")
    return 0


def run_v2h(args: argparse.Namespace) -> int:
    from resilience.citydata import load_city
    from resilience.scenarios import PRESETS
    from resilience.v2h import v2h_backup
    from resilience.vehicles import vehicle

    city = load_city(args.city)
    if args.battery_kwh is None and args.vehicle is None:
        raise KizunaInputError("v2h: give --vehicle ID (see the catalogue) or --battery-kwh")
    battery_kwh = args.battery_kwh if args.battery_kwh is not None else float(vehicle(args.vehicle)["usable_kwh"])
    start = _local_time(args.start) if args.start else PRESETS[args.scenario].start
    estimate = v2h_backup(
        city=city, start=start, battery_kwh=battery_kwh, soc_start=args.soc, reserve_soc=args.reserve,
        v2h_kw=args.kw, load_mode=args.load, essential_kwh_per_day=args.essential_kwh, pv_kwp=args.pv_kwp,
        weather=args.weather, petrol_litres=args.petrol_litres, duration_h=args.hours,
    )
    print(json.dumps({"battery_kwh": battery_kwh, "start": start.isoformat(), **estimate.to_dict()}, indent=2))
    return 0


def run_report(args: argparse.Namespace) -> int:
    # The reports package pulls in plotly, kaleido and WeasyPrint: only this command needs them.
    from reports.render import build_html, build_pdf

    out = Path(args.out or f"report.{args.format or 'pdf'}")
    report_format = args.format or ("html" if out.suffix.lower() in (".html", ".htm") else "pdf")
    if not out.parent.is_dir():
        raise KizunaInputError(f"--out = {str(out)!r}: no folder {str(out.parent)!r} to write it in")
    scenario = _scenario_from_args(args)
    if report_format == "pdf":
        out.write_bytes(build_pdf(args.city, scenario, args.prepared_by))
    else:
        out.write_text(build_html(args.city, scenario, args.prepared_by), encoding="utf-8")
    print(out)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from resilience.importing import main_validate

    return main_validate([args.path])


def _add_scenario_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--city", default="saitama")
    parser.add_argument("--scenario", default="tohoku-2011", choices=PRESET_IDS)
    parser.add_argument("--hours", type=int, default=168)
    parser.add_argument("--start", help="local start, e.g. 2011-03-11T14:00 (default: the preset's)")
    parser.add_argument("--districts", help="comma-separated district ids the outage hits (default: the "
                                            "event's own area on its home city, else the whole city)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m resilience", description="Kizuna's resilience engine.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    survival = commands.add_parser("survival", help="outage survival sweep over 8,760 start hours")
    survival.add_argument("input", help="JSON file whose keys are survival_sweep's keyword arguments")
    survival.set_defaults(handler=run_survival)

    sim = commands.add_parser("simulate", help="play an outage scenario on a city")
    _add_scenario_options(sim)
    sim.add_argument("--format", choices=("json", "csv"), default="json")
    sim.add_argument("--table", choices=("districts", "facilities", "city"), default="districts",
                     help="which hourly table --format csv prints")
    sim.set_defaults(handler=run_simulate)

    v2h = commands.add_parser("v2h", help="backup estimate for one household with a V2H car")
    v2h.add_argument("--city", default="saitama")
    v2h.add_argument("--vehicle", help="vehicle id from data/vehicles/ev_models.csv")
    v2h.add_argument("--battery-kwh", type=float, help="usable battery kWh (instead of --vehicle)")
    v2h.add_argument("--soc", type=float, default=1.0, help="state of charge at the start (0–1)")
    v2h.add_argument("--reserve", type=float, default=0.3, help="mobility reserve SOC (0–1)")
    v2h.add_argument("--kw", type=float, default=6.0, help="V2H unit power limit, kW")
    v2h.add_argument("--load", choices=("essential", "full"), default="essential")
    v2h.add_argument("--essential-kwh", type=float, default=3.0, help="essential load, kWh/day")
    v2h.add_argument("--pv-kwp", type=float, default=0.0)
    v2h.add_argument("--petrol-litres", type=float, default=0.0, help="PHEV petrol for the engine, L")
    v2h.add_argument("--weather", choices=("clear", "typical", "overcast"), default="typical")
    v2h.add_argument("--scenario", default="tohoku-2011", choices=PRESET_IDS, help="start date from this preset")
    v2h.add_argument("--start", help="local start, e.g. 2011-03-11T14:00")
    v2h.add_argument("--hours", type=int, default=720)
    v2h.set_defaults(handler=run_v2h)

    report = commands.add_parser("report", help="PDF briefing (or standalone HTML report) of a scenario")
    _add_scenario_options(report)
    report.add_argument("--out", help="file to write (default: report.pdf or report.html)")
    report.add_argument("--format", choices=("pdf", "html"), help="default: from --out's suffix, else pdf")
    report.add_argument("--prepared-by", default="", help="name printed on the title page")
    report.set_defaults(handler=run_report)

    validate = commands.add_parser("validate", help="check a city folder of CSVs or an Excel workbook")
    validate.add_argument("path")
    validate.set_defaults(handler=run_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except KizunaInputError as exc:
        print(f"error: {'; '.join(exc.problems)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
