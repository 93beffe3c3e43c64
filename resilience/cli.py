"""Command line: ``python -m resilience survival|simulate|v2h|report|validate …``.

Every problem with the input ends the command with exit status 2 and one line
on stderr that names it (several problems are joined with "; " on that line, and a
long value is shortened); no traceback. An input file is refused before it is decoded
when it is larger than its limit (:data:`MAX_SURVIVAL_INPUT_BYTES`, or
:data:`resilience.scenario_file.MAX_FILE_BYTES` for a scenario file), and every value
must be within the input limits of docs/model.md ("Input limits").

``simulate`` and ``report`` take the scenario from ``--scenario-file`` (the JSON
the dashboard's "Save scenario" writes, read by :mod:`resilience.scenario_file`)
and one flag per field of :class:`~resilience.records.Scenario`, made from
``Scenario.model_fields``: ``diesel_stock_multiplier`` is
``--diesel-stock-multiplier``, a choice field takes one of its choices, a
true/false field is ``--name`` / ``--no-name``, and a field that may be None
takes ``default`` to mean "the preset's or the city's value". A flag sets only
the field it names, over the file's value; the file's city applies unless
``--city`` is given. The ``report`` command lives in :mod:`reports.cli` (the
engine never imports the reports); ``python -m resilience`` adds it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import operator
import sys
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from resilience.errors import KizunaInputError
from resilience.records import PRESET_IDS, Scenario, shown
from resilience.scenario_file import SUPPORTED_START_YEARS, JsonLimit, read_json_file, start_year_problem
from resilience.scenario_file import read as read_scenario_file

EXIT_BAD_INPUT = 2
#: Largest ``survival`` input file [bytes]. Three lists of 8,760 hourly values (load, PV, initial SOC) written
#: with full float precision and indented take under 1 MB; a larger file is refused before it is decoded (a list
#: of ten million values, 20 MB, is refused in milliseconds instead of seconds).
MAX_SURVIVAL_INPUT_BYTES = 4_000_000
SURVIVAL_INPUT_LIMIT = JsonLimit(MAX_SURVIVAL_INPUT_BYTES, "a survival input",
                                 "three lists of 8,760 hourly values take under 1 MB")
#: Longest problem on the error line [characters]: a problem that echoes a huge value is cut in its middle.
MAX_PROBLEM_CHARS = 600
DEFAULT_CITY = "saitama"
#: Word that sets a field that may be None back to None ("use the preset's or the city's value").
DEFAULT_WORD = "default"
#: Older, shorter names that keep working next to a field's own flag.
FLAG_ALIASES: dict[str, tuple[str, ...]] = {
    "preset": ("--scenario",),
    "duration_h": ("--hours",),
    "affected_district_ids": ("--districts",),
}
#: A field's unit, read from the end of its name: (suffix, unit in help and messages, metavar).
_UNITS = (
    ("_kwh_per_day", "kWh/day", "KWH_PER_DAY"),
    ("_kwh", "kWh", "KWH"),
    ("_kw", "kW", "KW"),
    ("_litres", "L", "LITRES"),
    ("_h", "h", "HOURS"),
    ("_multiplier", "× the city's data", "FACTOR"),
    ("_share", "fraction, 0.3 = 30 %", "FRACTION"),
    ("_soc", "fraction, 0.3 = 30 %", "FRACTION"),
)
_BOUNDS = (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<"))


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage problem as one line and exit status 2."""

    def error(self, message: str):
        raise KizunaInputError(f"{self.prog}: {message}")


def _read_json(path: str) -> object:
    return read_json_file(Path(path), path, SURVIVAL_INPUT_LIMIT)


def _clipped(text: str, most: int = 60) -> str:
    """Text as typed, cut in its middle when it is longer than ``most`` characters."""
    return text if len(text) <= most else f"{text[: most * 2 // 3]}…{text[-(most // 4):]} ({len(text):,} characters)"


def _local_time(text: str, option: str = "--start") -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise KizunaInputError(
            f"{option} = {shown(text)}: expected a local date and hour like 2011-03-11T14:00") from None
    if value.tzinfo is not None:
        raise KizunaInputError(f"{option} = {shown(text)}: give local time without a zone; the city's zone applies")
    problem = start_year_problem(value)
    if problem is not None:
        raise KizunaInputError(f"{option} = {shown(text)}: {problem}")
    return value


#: Keys of a ``survival`` input file besides the fields of :class:`~resilience.systems.BackupSystem`.
SURVIVAL_SITE_KEYS = ("critical_load_kw", "pv_kw")


def survival_arguments(inputs: dict[str, Any], source: str) -> tuple[Any, Any, Any, dict[str, Any]]:
    """A ``survival`` input file's object as :func:`~resilience.survival.survival_sweep`'s arguments.

    The file's keys are the sweep's former keyword arguments: ``critical_load_kw``, ``pv_kw``,
    ``max_duration_h`` and the fields of :class:`~resilience.systems.BackupSystem` (``battery_kwh``,
    ``fuel_litres`` …), all but ``critical_load_kw`` optional. Returns ``(critical_load_kw, pv_kw, system,
    {"max_duration_h": …} or {})``.
    """
    from dataclasses import fields

    from resilience.systems import BackupSystem

    system_keys = [f.name for f in fields(BackupSystem)]
    allowed = [*SURVIVAL_SITE_KEYS, *system_keys, "max_duration_h"]
    unknown = sorted(set(inputs) - set(allowed))
    if unknown:
        raise KizunaInputError(f"{source}: unknown key {shown(unknown[0])}: allowed keys are {', '.join(allowed)}")
    if "critical_load_kw" not in inputs:
        raise KizunaInputError(f"{source}: key 'critical_load_kw' is required")
    system = BackupSystem(**{key: inputs[key] for key in system_keys if key in inputs})
    horizon = {"max_duration_h": inputs["max_duration_h"]} if "max_duration_h" in inputs else {}
    return inputs["critical_load_kw"], inputs.get("pv_kw"), system, horizon


def run_survival(args: argparse.Namespace) -> int:
    from resilience.survival import survival_sweep

    inputs = _read_json(args.input)
    if not isinstance(inputs, dict):
        raise KizunaInputError(f"{args.input}: expected a JSON object whose keys are the sweep's arguments")
    load, pv, system, horizon = survival_arguments(inputs, args.input)
    print(json.dumps(survival_sweep(load, pv, system, **horizon).to_dict()))
    return 0


@dataclass(frozen=True)
class _Flag:
    """The command-line flag of one Scenario field."""

    field: str
    option: str
    kind: Any
    optional: bool
    unit: str
    metavar: str | None
    bounds: tuple[tuple[str, float], ...]
    choices: tuple[str, ...] | None


def _without_none(annotation: Any) -> tuple[Any, bool]:
    """The field's type without None, and whether None is allowed."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        kept = tuple(arg for arg in args if arg is not type(None))
        return (kept[0] if len(kept) == 1 else annotation), len(kept) < len(args)
    return annotation, False


def _is_tuple_of_str(kind: Any) -> bool:
    return typing.get_origin(kind) is tuple and typing.get_args(kind) == (str, Ellipsis)


def _flag(name: str, field: FieldInfo) -> _Flag:
    kind, optional = _without_none(field.annotation)
    unit, metavar = next(((u, m) for suffix, u, m in _UNITS if name.endswith(suffix)), ("", None))
    bounds = tuple((symbol, float(getattr(item, attr))) for item in field.metadata for attr, symbol in _BOUNDS
                   if getattr(item, attr, None) is not None)
    choices = None
    if typing.get_origin(kind) is typing.Literal:
        choices = tuple(str(choice) for choice in typing.get_args(kind)) + ((DEFAULT_WORD,) if optional else ())
        metavar = name.upper()
    elif kind is bool:
        metavar = None
    elif kind is dt.datetime:
        metavar = "YYYY-MM-DDTHH:MM"
    elif _is_tuple_of_str(kind):
        metavar = "ID,ID,…"
    elif metavar is None:
        metavar = {int: "N", float: "NUMBER", str: "TEXT"}.get(kind, "JSON")
    return _Flag(name, "--" + name.replace("_", "-"), kind, optional, unit, metavar, bounds, choices)


def scenario_flags() -> dict[str, _Flag]:
    """Field name → its flag, for every field of :class:`~resilience.records.Scenario`."""
    return {name: _flag(name, field) for name, field in Scenario.model_fields.items()}


def _range_text(bounds: tuple[tuple[str, float], ...]) -> str:
    symbols = dict(bounds)
    if set(symbols) == {"≥", "≤"}:
        return f"{symbols['≥']:g}–{symbols['≤']:g}"
    return " and ".join(f"{symbol} {value:g}" for symbol, value in bounds)


def _in_range(value: float, bounds: tuple[tuple[str, float], ...]) -> bool:
    tests = {"≥": operator.ge, ">": operator.gt, "≤": operator.le, "<": operator.lt}
    return all(tests[symbol](value, limit) for symbol, limit in bounds)


def _humanised(name: str) -> tuple[str, bool]:
    """Words for a field without a description, and whether they already say its unit."""
    for suffix in ("_h", "_litres"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    words = {"ev": "EV", "pv": "PV", "v2h": "V2H", "soc": "SOC", "kwh": "kWh", "kw": "kW"}
    shown = [words.get(word, word) for word in name.split("_")]
    return " ".join(shown), "kWh" in shown or "kW" in shown


def _help(flag: _Flag, field: FieldInfo) -> str:
    text, unit_said = (field.description, False) if field.description else _humanised(flag.field)
    notes = []
    if flag.unit and not unit_said and not text.endswith(flag.unit):
        notes.append(flag.unit)
    if flag.choices is not None:
        notes.append("one of " + ", ".join(flag.choices))
    if flag.kind is dt.datetime:
        first, last = SUPPORTED_START_YEARS
        notes.append(f"e.g. 2011-03-11T14:00, a year {first}–{last}")
    elif _is_tuple_of_str(flag.kind):
        notes.append("comma-separated")
    if flag.bounds:
        notes.append(_range_text(flag.bounds))
    if flag.optional and "None" in text:
        text = text.replace("None", repr(DEFAULT_WORD))
    elif flag.optional and field.default is None:
        notes.append(f"default: the preset's or the city's value, also given as {DEFAULT_WORD!r}")
    elif flag.kind is bool:
        notes.append(f"default: {'on' if field.default else 'off'}")
    else:
        default = field.default
        notes.append(f"default {default:g}" if isinstance(default, float) else f"default {default}")
    text = f"{text} [{'; '.join(notes)}]" if notes else text
    return text.replace("%", "%%")


class _Override(argparse.Action):
    """Keeps what the user typed for a Scenario field, and the flag they typed it with."""

    def __init__(self, option_strings, dest, field: str, **kwargs):
        self.field = field
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        overrides = dict(getattr(namespace, "scenario_overrides", None) or {})
        overrides[self.field] = (option_string or self.option_strings[0], self.const if self.nargs == 0 else values)
        namespace.scenario_overrides = overrides


def _flag_value(flag: _Flag, option: str, text: Any) -> Any:
    """The field value a flag's text stands for (raises KizunaInputError naming the flag)."""
    if flag.kind is bool or flag.choices is not None:
        return None if text == DEFAULT_WORD and flag.optional else text
    if flag.optional and text.strip().lower() == DEFAULT_WORD:
        return None
    unit = f" ({flag.unit})" if flag.unit else ""
    if flag.kind is int or flag.kind is float:
        number = "a whole number" if flag.kind is int else "a number"
        try:
            value = flag.kind(text)
        except ValueError:
            raise KizunaInputError(f"{option} = {shown(text)}: expected {number}{unit}") from None
        if not math.isfinite(value):
            raise KizunaInputError(f"{option} = {_clipped(text)}: must be a finite number{unit}")
        if not _in_range(value, flag.bounds):
            raise KizunaInputError(f"{option} = {_clipped(text)}: must be {_range_text(flag.bounds)}{unit}")
        return value
    if flag.kind is dt.datetime:
        return _local_time(text, option)
    if _is_tuple_of_str(flag.kind):
        return tuple(item.strip() for item in text.split(",") if item.strip())
    if flag.kind is str:
        return text
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError):
        raise KizunaInputError(f"{option} = {shown(text)}: expected a JSON value") from None


def scenario_inputs(args: argparse.Namespace) -> tuple[str, Scenario]:
    """The city and scenario a ``simulate`` or ``report`` command line asks for.

    The scenario is ``--scenario-file``'s (else the defaults of
    :class:`~resilience.records.Scenario`) with every field flag given on the
    command line set over it; the city is ``--city``, else the file's, else
    :data:`DEFAULT_CITY`.
    """
    file_city, scenario = (None, Scenario())
    if args.scenario_file is not None:
        file_city, scenario = read_scenario_file(args.scenario_file)
    flags = scenario_flags()
    overrides: dict[str, Any] = {}
    problems: list[str] = []
    for name, (option, text) in (getattr(args, "scenario_overrides", None) or {}).items():
        try:
            overrides[name] = _flag_value(flags[name], option, text)
        except KizunaInputError as error:
            problems.extend(error.problems)
    if problems:
        raise KizunaInputError(problems)
    if overrides:
        scenario = Scenario(**{**scenario.model_dump(), **overrides})
    return args.city or file_city or DEFAULT_CITY, scenario


def run_simulate(args: argparse.Namespace) -> int:
    from resilience.citydata import load_city
    from resilience.citysim import simulate

    city, scenario = scenario_inputs(args)
    result = simulate(load_city(city), scenario)
    if args.format == "json":
        print(json.dumps(result.kpis.to_dict(), ensure_ascii=False, indent=2))
    else:
        table = {"districts": result.districts, "facilities": result.facilities,
                 "city": result.city_hourly.reset_index()}[args.table]
        table.to_csv(sys.stdout, index=False, float_format="%.6g")
    return 0


def run_v2h(args: argparse.Namespace) -> int:
    from resilience.citydata import load_city
    from resilience.records import Household
    from resilience.scenarios import PRESETS
    from resilience.v2h import household_car, v2h_backup

    city = load_city(args.city)
    if args.battery_kwh is None and args.vehicle is None:
        raise KizunaInputError("v2h: give --vehicle ID (see the catalogue) or --battery-kwh")
    # The car's own PHEV engine yield (its carmaker's claim), as in the city model; the city fleet's figure for a
    # bare --battery-kwh or a PHEV without its own; 0 for a BEV, whose petrol is ignored.
    car = {"battery_kwh": args.battery_kwh, "vehicle_id": None} if args.battery_kwh is not None else {
        "vehicle_id": args.vehicle}
    household = Household(
        city_id=city.id, **car, soc_start=args.soc, reserve_soc=args.reserve, v2h_kw=args.kw, load_mode=args.load,
        essential_kwh_per_day=args.essential_kwh, pv_kwp=args.pv_kwp, petrol_litres=args.petrol_litres,
        weather=args.weather,
    )
    start = _local_time(args.start) if args.start is not None else PRESETS[args.scenario].start
    estimate = v2h_backup(household, city, start=start, duration_h=args.hours)
    battery_kwh = household_car(household, city).battery_kwh
    print(json.dumps({"battery_kwh": battery_kwh, "start": start.isoformat(), **estimate.to_dict()}, indent=2))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from resilience.importing import main_validate

    return main_validate([args.path])


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--city", help="bundled city id or the path of a city folder or workbook "
                                       f"(default: the scenario file's city, else {DEFAULT_CITY})")
    parser.add_argument("--scenario-file", metavar="FILE",
                        help="scenario saved by the dashboard's Save scenario (JSON); the flags below override "
                             "its values")
    fields = parser.add_argument_group("scenario", "one flag per planner override; each sets only its own field")
    for name, field in Scenario.model_fields.items():
        flag = _flag(name, field)
        common = {"action": _Override, "field": name, "dest": f"scenario_{name}", "default": argparse.SUPPRESS,
                  "help": _help(flag, field)}
        if flag.kind is bool:
            fields.add_argument(flag.option, nargs=0, const=True, **common)
            fields.add_argument("--no-" + flag.option[2:], nargs=0, const=False,
                                **{**common, "help": f"turn {flag.option} off"})
        else:
            fields.add_argument(flag.option, *FLAG_ALIASES.get(name, ()), metavar=flag.metavar,
                                choices=flag.choices, **common)


#: Adds one more subcommand to the parser's subcommands (e.g. ``report``, from :mod:`reports.cli`).
AddCommand = Callable[[argparse._SubParsersAction], None]


def build_parser(extra_commands: Sequence[AddCommand] = ()) -> argparse.ArgumentParser:
    """The ``python -m resilience`` parser: the engine's commands, then ``extra_commands``.

    The engine cannot import the layers above it; ``resilience/__main__.py`` (the
    program's entry point, like ``app.py`` for the dashboard) passes the ``report``
    command in from :mod:`reports.cli`.
    """
    parser = _Parser(prog="python -m resilience", description="Kizuna's resilience engine.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    survival = commands.add_parser("survival", help="outage survival sweep over 8,760 start hours")
    survival.add_argument("input", help="JSON file with critical_load_kw, optional pv_kw and max_duration_h, and "
                                        "the backup system's fields (battery_kwh, fuel_litres …)")
    survival.set_defaults(handler=run_survival)

    sim = commands.add_parser("simulate", help="play an outage scenario on a city")
    add_scenario_options(sim)
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

    validate = commands.add_parser("validate", help="check a city folder of CSVs or an Excel workbook")
    validate.add_argument("path")
    validate.set_defaults(handler=run_validate)
    for add_command in extra_commands:
        add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None, extra_commands: Sequence[AddCommand] = ()) -> int:
    """Run the command line; return the exit status."""
    try:
        args = build_parser(extra_commands).parse_args(argv)
        return args.handler(args)
    except KizunaInputError as exc:
        lines = [_clipped(line.strip(), MAX_PROBLEM_CHARS)
                 for problem in exc.problems for line in problem.splitlines() if line.strip()]
        print(f"error: {'; '.join(lines)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
