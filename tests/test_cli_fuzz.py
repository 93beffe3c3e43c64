"""python -m resilience under malformed input: exit status 2, one line on stderr, no traceback, quickly.

A fixed-seed generator (:data:`SEED`) makes a few hundred malformed inputs for the ``survival``,
``simulate`` and ``v2h`` commands: files that are not JSON or not UTF-8, deep nesting, numbers too
long for Python's int parser, true/false or text for a number, inf/nan, out-of-range and physically
absurd values, missing and unknown keys, wrong lengths. Each one is run in-process through
:func:`resilience.cli.main` and must end with status 2, nothing on stdout, exactly one line on stderr
that names the field (when one field is wrong), within :data:`CASE_SECONDS`. Hand cases below pin
each input limit (docs/model.md, "Input limits") and the refusal of ``true`` and ``"5"``.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from resilience.cli import main, scenario_flags
from resilience.records import Scenario

SEED = 14
YEAR = 8760
#: A case that takes longer than this is a hang [s].
CASE_SECONDS = 10.0
#: The one line on stderr stays readable: long values are shortened, never echoed whole [characters].
MAX_LINE_CHARS = 4000
REPO_ROOT = Path(__file__).resolve().parents[1]
FILE = "{file}"  # stands for the path of the case's input file in its argv


@dataclass(frozen=True)
class Case:
    """One malformed command line; ``content`` is written to a file whose path replaces :data:`FILE`."""

    id: str
    argv: tuple[str, ...]
    content: bytes | None = None
    names: tuple[str, ...] = ()  # the line must contain one of these (the field or its flag)


def _json(items: dict[str, str]) -> bytes:
    """A JSON object from already-encoded JSON values (so that 1e400, NaN and 5,000-digit numbers stay as text)."""
    return ("{" + ", ".join(f"{json.dumps(key)}: {value}" for key, value in items.items()) + "}").encode()


#: Values that are not a usable number, as JSON text.
BAD_NUMBERS = {
    "true": "true", "false": "false", "null": "null", "text-5": '"5"', "text": '"abc"', "list": "[1]",
    "object": '{"a": 1}', "negative": "-1", "1e400": "1e400", "-1e400": "-1e400", "NaN": "NaN",
    "Infinity": "Infinity", "-Infinity": "-Infinity", "1e308": "1e308", "30-digits": "9" * 30,
    "401-digits": "1" + "0" * 400, "5000-digits": "9" * 5000,
}
#: Values that are not a usable element of an hourly list, as JSON text.
BAD_ELEMENTS = {key: BAD_NUMBERS[key] for key in ("true", "false", "null", "text-5", "text", "list", "object",
                                                   "negative", "1e400", "NaN", "Infinity", "1e308", "401-digits",
                                                   "5000-digits")}
BAD_HORIZONS = {
    "0": "0", "negative": "-1", "fraction": "1.5", "8761": "8761", "ten-million": "10000000", "1e7": "1e7",
    "1e400": "1e400", "NaN": "NaN", "text": '"720"', "true": "true", "null": "null", "list": "[720]",
    "20-digits": "9" * 20, "5000-digits": "9" * 5000,
}
SYSTEM_NUMBERS = ("battery_kwh", "battery_kw", "generator_kw", "fuel_litres", "fuel_slope_l_per_kwh",
                  "fuel_intercept_l_per_h")
SYSTEM_FRACTIONS = ("initial_soc", "soc_min", "charge_efficiency", "discharge_efficiency", "generator_min_turndown")
#: Keys for which null is a valid value (no PV; the default idle burn).
NULL_ALLOWED = ("pv_kw", "fuel_intercept_l_per_h")


def _hourly(value: str = "50", *, at: int | None = None, bad: str = "", n: int = YEAR) -> str:
    values = [value] * n
    if at is not None:
        values[at] = bad
    return "[" + ", ".join(values) + "]"


LOAD = _hourly()


def _survival(items: dict[str, str]) -> bytes:
    return _json({"critical_load_kw": LOAD, **items})


Made = list[tuple[str, bytes, tuple[str, ...]]]  # (case name, file content, names the line must contain one of)


def _bad_system_values() -> Made:
    made: Made = []
    for key in SYSTEM_NUMBERS + SYSTEM_FRACTIONS:
        bad_values = dict(BAD_NUMBERS, **({"above-1": "1.5"} if key in SYSTEM_FRACTIONS else {}))
        made += [(f"{key}-{label}", _survival({key: text}), (key,)) for label, text in bad_values.items()
                 if not (text == "null" and key in NULL_ALLOWED)]
    return made


def _bad_series(rng: random.Random) -> Made:
    made: Made = []
    for key, good in (("critical_load_kw", "50"), ("pv_kw", "0"), ("initial_soc", "1")):
        elements = dict(BAD_ELEMENTS, **({"above-1": "1.5"} if key == "initial_soc" else {}))
        made += [(f"{key}-element-{label}", _survival({key: _hourly(good, at=rng.randrange(YEAR), bad=text)}), (key,))
                 for label, text in elements.items()]
        wrong_shapes = {"empty": "[]", "two": "[1, 2]", "8761": _hourly(good, n=YEAR + 1),
                        "8784": _hourly(good, n=8784), "nested": "[" + ", ".join([f"[{good}]"] * YEAR) + "]",
                        "text": '"50"', "true": "true", "object": "{}"}
        if key != "initial_soc":  # a single number is a valid initial_soc
            wrong_shapes["number"] = "50"
        if key != "pv_kw":
            wrong_shapes["null"] = "null"
        made += [(f"{key}-shape-{label}", _survival({key: text}), (key,)) for label, text in wrong_shapes.items()]
    return made


def _bad_files(rng: random.Random) -> Made:
    valid = _survival({"battery_kwh": "200", "battery_kw": "50"})
    structural = {
        "empty": b"", "blank": b"  \n ", "not-utf8": b"\xff\xfe\x00{",
        "latin1": '{"critical_load_kw": "ü"}'.encode("latin-1"), "nul-bytes": b"\x00" * 16,
        "deep-list": b"[" * 100_000, "deep-object": b'{"a": ' * 100_000,
        "deep-value": b'{"critical_load_kw": ' + b"[" * 100_000, "nested-list-500": b"[" * 500 + b"]" * 500,
        "top-list": b"[]", "top-text": b'"text"', "top-number": b"5", "top-null": b"null", "top-true": b"true",
        "top-5000-digits": b"9" * 5000, "no-keys": b"{}", "battery-only": b'{"battery_kwh": 200}',
        "pv-only": _json({"pv_kw": _hourly("0")}),
        "duplicate-key": _json({"critical_load_kw": LOAD})[:-1] + b', "critical_load_kw": 5}',
    }
    made: Made = [(label, content, ()) for label, content in structural.items()]
    made.append(("unknown-key", _survival({"batteryKwh": "5"}), ("batteryKwh",)))
    made.append(("unknown-long-key", _survival({"k" * 100_000: "5"}), ("kkkk",)))
    made += [(f"truncated-{index}", valid[: rng.randrange(1, len(valid) - 1)], ()) for index in range(10)]
    for index in range(10):
        noise = "".join(rng.choice('{}[]":,0123456789.eE+-truefalsnul \n\\') for _ in range(rng.randrange(1, 200)))
        made.append((f"noise-{index}", noise.encode(), ()))
    return made


def _several_bad_values(rng: random.Random) -> Made:
    made: Made = []
    for index in range(30):
        keys = rng.sample(SYSTEM_NUMBERS + SYSTEM_FRACTIONS, rng.randrange(2, 4))
        items = {key: rng.choice([text for text in BAD_NUMBERS.values()
                                  if not (text == "null" and key in NULL_ALLOWED)]) for key in keys}
        made.append((f"several-{index}", _survival(items), tuple(keys)))
    return made


def survival_cases() -> list[Case]:
    rng = random.Random(SEED)
    horizons: Made = [(f"max_duration_h-{label}", _survival({"max_duration_h": text}), ("max_duration_h",))
                      for label, text in BAD_HORIZONS.items()]
    made = _bad_system_values() + _bad_series(rng) + horizons + _bad_files(rng) + _several_bad_values(rng)
    return [Case(f"survival-{name}", ("survival", FILE), content, names) for name, content, names in made]


#: Text that is not a usable number on the command line.
BAD_FLAG_TEXT = {
    "nan": "nan", "inf": "inf", "-inf": "-inf", "1e400": "1e400", "negative": "-1", "1e308": "1e308",
    "5000-digits": "9" * 5000, "word": "abc", "empty": "", "true": "true", "hex": "0x10", "comma": "1,5",
}
BAD_WHOLE_TEXT = {"fraction": "1.5", "1e3": "1e3", "ten-million": "10000000", "24-digits": "9" * 24}
BAD_STARTS = {
    "month-13": "2011-13-01T00:00", "year-1": "0001-01-01T00:00", "year-9999": "9999-12-31T23:00",
    "with-zone": "2011-03-11T14:00+09:00", "long-text": "x" * 10_000, "empty": "", "hour-25": "2011-03-11T25:00",
}
SCENARIO_FILE_TOKENS = {
    "number": ("true", '"5"', '"abc"', "[1]", "-1", "1e400", "NaN", "Infinity", "1e308", "401-digits",
               "5000-digits"),
    "choice": ("5", "true", "null", "[]", '"' + "x" * 10_000 + '"'),
    "start": ("5", "true", '"2011-13-01T00:00"', '"1850-01-01T00:00"', '"2011-03-11T14:00+09:00"', "1e400"),
    "ids": ("5", '"11101"', "[1, 2]", "[true]", "[null]", "{}"),
    "switch": ("1", "0", '"true"', "null", "1.0"),
}


def _scenario_file(fields: dict[str, str], **document: str) -> bytes:
    base = json.loads(_good_scenario_text())
    items = {key: json.dumps(value) for key, value in base.items() if key != "scenario"}
    scenario = {key: json.dumps(value) for key, value in base["scenario"].items()}
    scenario.update(fields)
    items.update(document)
    items["scenario"] = _json(scenario).decode()
    return _json(items)


def _good_scenario_text() -> str:
    from resilience.scenario_file import dumps

    return dumps("saitama", Scenario(), saved_with="Kizuna test")


def _token(text: str) -> str:
    return {"401-digits": "1" + "0" * 400, "5000-digits": "9" * 5000}.get(text, text)


def _field_kind(name: str) -> str:
    if name == "start":
        return "start"
    if name == "affected_district_ids":
        return "ids"
    if name == "priority_restoration":
        return "switch"
    if name in ("preset", "load_mode", "weather"):
        return "choice"
    return "number"


def simulate_cases() -> list[Case]:
    rng = random.Random(SEED + 1)
    cases: list[Case] = []

    def add(name: str, argv: tuple[str, ...], content: bytes | None = None, *names: str) -> None:
        cases.append(Case(f"simulate-{name}", ("simulate", "--hours", "24", *argv), content, names))

    for name, flag in scenario_flags().items():
        if flag.kind not in (int, float):
            continue
        bad = dict(BAD_FLAG_TEXT, **(BAD_WHOLE_TEXT if flag.kind is int else {}))
        for label, text in bad.items():
            add(f"{name}-{label}", (flag.option, text), None, flag.option, name)
    for label, text in BAD_STARTS.items():
        add(f"start-{label}", ("--start", text), None, "--start")
    for option, text in (("--weather", "stormy"), ("--preset", "atlantis"), ("--load-mode", ""),
                         ("--districts", "99"), ("--districts", "x" * 5000), ("--city", "tokyo")):
        add(f"{option[2:]}-{text[:10]}", (option, text), None, option, option[2:].replace("-", "_"), "district")
    fields = list(Scenario.model_fields)
    pairs = [(name, token) for name in fields for token in SCENARIO_FILE_TOKENS[_field_kind(name)]]
    for name, token in rng.sample(pairs, 60):
        add(f"file-{name}-{token[:12]}", ("--scenario-file", FILE), _scenario_file({name: _token(token)}), name)
    structural = {
        "empty": b"", "not-utf8": b"\xff\xfe", "deep": b"[" * 100_000, "deep-scenario": _scenario_file(
            {"duration_h": "[" * 100_000}), "5000-digit-version": _scenario_file({}, schema_version="9" * 5000),
        "top-list": b"[1, 2]", "saved_with-number": _scenario_file({}, saved_with="5"),
        "saved_with-long": _scenario_file({}, saved_with=json.dumps("x" * 10_000)),
        "saved_with-object": _scenario_file({}, saved_with='{"a": 1}'),
    }
    for label, content in structural.items():
        names = ("saved_with",) if label.startswith("saved_with") else ()
        add(f"file-{label}", ("--scenario-file", FILE), content, *names)
    return cases


V2H_FLOATS = {"--battery-kwh": "battery_kwh", "--soc": "soc_start", "--reserve": "reserve_soc", "--kw": "v2h_kw",
              "--essential-kwh": "essential_kwh_per_day", "--pv-kwp": "pv_kwp", "--petrol-litres": "petrol_litres"}


def v2h_cases() -> list[Case]:
    cases: list[Case] = []

    def add(name: str, argv: tuple[str, ...], *names: str) -> None:
        cases.append(Case(f"v2h-{name}", ("v2h", *argv), None, names))

    for option, field in V2H_FLOATS.items():
        car = () if option == "--battery-kwh" else ("--vehicle", "nissan-leaf-40")
        for label, text in BAD_FLAG_TEXT.items():
            add(f"{option[2:]}-{label}", (*car, option, text), option, field)
    for label, text in {"0": "0", "negative": "-1", "8761": "8761", "ten-million": "10000000", "1e3": "1e3",
                        "24-digits": "9" * 24, "word": "abc"}.items():
        add(f"hours-{label}", ("--vehicle", "nissan-leaf-40", "--hours", text), "--hours", "duration_h")
    for label, text in BAD_STARTS.items():
        add(f"start-{label}", ("--vehicle", "nissan-leaf-40", "--start", text), "--start")
    for text in ("nope", "", "x" * 5000):
        add(f"vehicle-{text[:8]}", ("--vehicle", text), "vehicle")
    return cases


#: What an input with a number too long for Python's int parser gets instead of its field's name (the file is
#: refused while it is read).
TOO_LONG = "not valid JSON: a number with 5000 digits (at most 4300)"


def _named(cases: list[Case]) -> list[Case]:
    return [Case(case.id, case.argv, case.content, case.names + (TOO_LONG,))
            if case.content is not None and b"9" * 5000 in case.content else case for case in cases]


CASES = _named(survival_cases() + simulate_cases() + v2h_cases())


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the test when a case runs longer than ``seconds`` (a hang)."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def argv_of(case: Case, directory: Path) -> list[str]:
    if case.content is None:
        return list(case.argv)
    path = directory / "input.json"
    path.write_bytes(case.content)
    return [str(path) if word == FILE else word for word in case.argv]


def run_case(case: Case, directory: Path, capsys) -> tuple[int, str, str, float]:
    argv = argv_of(case, directory)
    started = time.perf_counter()
    with deadline(CASE_SECONDS):
        status = main(argv)
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    return status, out, err, elapsed


def assert_refused(case: Case, status: int, out: str, err: str, elapsed: float) -> str:
    lines = err.splitlines()
    assert status == 2, f"accepted (status {status}): {out[:200]!r}"
    assert out == ""
    assert "Traceback" not in err
    assert len(lines) == 1, err[:2000]
    line = lines[0]
    assert line.startswith("error: ")
    assert len(line) <= MAX_LINE_CHARS, f"{len(line)} characters: {line[:300]}…"
    if case.names:
        assert any(name in line for name in case.names), f"names none of {case.names}: {line[:500]}"
    assert elapsed < CASE_SECONDS
    return line


def test_the_generator_is_seeded_and_large_enough():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 300
    assert [case.id for case in _named(survival_cases() + simulate_cases() + v2h_cases())] == ids


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_malformed_input_exits_2_with_one_line(case, tmp_path, capsys):
    assert_refused(case, *run_case(case, tmp_path, capsys))


# --- hand cases -------------------------------------------------------------------------------------------------


def survival_file(tmp_path: Path, content: bytes | str) -> str:
    path = tmp_path / "survival.json"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def refused(capsys, *argv: str) -> str:
    case = Case("hand", tuple(argv))
    status, out, err, elapsed = run_case(case, Path("."), capsys)
    return assert_refused(case, status, out, err, elapsed)


def test_a_battery_alone_is_refused_naming_the_load(tmp_path, capsys):
    line = refused(capsys, "survival", survival_file(tmp_path, '{"battery_kwh": 200}'))
    assert "critical_load_kw" in line


def test_ten_million_loads_are_refused_in_well_under_a_second(tmp_path, capsys):
    path = survival_file(tmp_path, '{"critical_load_kw": [' + "1," * 9_999_999 + "1]}")
    started = time.perf_counter()
    line = refused(capsys, "survival", path)
    assert time.perf_counter() - started < 0.5
    assert "MB" in line and "too large" in line


def test_ten_million_loads_given_in_process_are_refused_before_converting(monkeypatch):
    from resilience.errors import KizunaInputError
    from resilience.survival import survival_sweep
    from resilience.systems import BackupSystem

    started = time.perf_counter()
    with pytest.raises(KizunaInputError, match="critical_load_kw has 10000000 values: must have 8760"):
        survival_sweep([1.0] * 10_000_000, None, BackupSystem())
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("horizon", ["10000000", "1e400", "9" * 5000, "8761"])
def test_a_horizon_beyond_a_year_is_refused_at_once(tmp_path, capsys, horizon):
    started = time.perf_counter()
    line = refused(capsys, "survival", survival_file(tmp_path, _survival({"max_duration_h": horizon})))
    assert time.perf_counter() - started < 2
    assert "max_duration_h" in line or TOO_LONG in line


def test_a_horizon_of_a_year_is_accepted(tmp_path, capsys):
    status = main(["survival", survival_file(tmp_path, _survival({"max_duration_h": "8760"}))])
    assert status == 0 and json.loads(capsys.readouterr().out)["max_duration_h"] == YEAR


@pytest.mark.parametrize("value", ["true", '"5"'])
@pytest.mark.parametrize("where", ["battery_kwh", "critical_load_kw"])
def test_true_and_text_for_a_number_are_refused(tmp_path, capsys, value, where):
    content = _survival({where: value if where != "critical_load_kw" else _hourly(at=7, bad=value)})
    line = refused(capsys, "survival", survival_file(tmp_path, content))
    assert where in line


@pytest.mark.parametrize(
    ("name", "limit"),
    [("battery_kwh", "MAX_STORAGE_KWH"), ("battery_kw", "MAX_POWER_KW"), ("generator_kw", "MAX_POWER_KW"),
     ("fuel_litres", "MAX_FUEL_LITRES"), ("fuel_slope_l_per_kwh", "MAX_FUEL_SLOPE_L_PER_KWH"),
     ("fuel_intercept_l_per_h", "MAX_FUEL_INTERCEPT_L_PER_H")],
)
def test_each_backup_system_bound(name, limit):
    from resilience import records
    from resilience.errors import KizunaInputError
    from resilience.systems import BackupSystem

    bound = getattr(records, limit)
    assert getattr(BackupSystem(**{name: bound}), name) == bound
    with pytest.raises(KizunaInputError) as raised:
        BackupSystem(**{name: bound * 1.001})
    assert raised.value.problems == [f"{name} = {bound * 1.001:g}: must be ≤ {bound:g}"]


@pytest.mark.parametrize("series", ["critical_load_kw", "pv_kw"])
def test_hourly_power_is_bounded(series):
    from resilience.errors import KizunaInputError
    from resilience.records import MAX_POWER_KW
    from resilience.survival import survival_sweep
    from resilience.systems import BackupSystem

    values = [1.0] * YEAR
    values[9] = MAX_POWER_KW * 2
    arguments = {"critical_load_kw": [1.0] * YEAR, "pv_kw": None, series: values}
    with pytest.raises(KizunaInputError, match=rf"{series}\[9\] = 2e\+07: must be ≤ 1e\+07"):
        survival_sweep(arguments["critical_load_kw"], arguments["pv_kw"], BackupSystem())


@pytest.mark.parametrize(
    ("argv", "names"),
    [(["--battery-kwh", "1e308"], "battery_kwh"), (["--battery-kwh", "inf"], "battery_kwh"),
     (["--battery-kwh", "1000.5"], "battery_kwh"), (["--vehicle", "nissan-leaf-40", "--soc", "nan"], "soc_start"),
     (["--vehicle", "nissan-leaf-40", "--hours", "10000000"], "duration_h")],
)
def test_v2h_refuses_absurd_cars(capsys, argv, names):
    assert names in refused(capsys, "v2h", *argv)


@pytest.mark.parametrize(
    ("flag", "bound"),
    [("--custom-outage-h", 8760), ("--custom-restoration-h", 8760), ("--diesel-resupply-delay-h", 8760),
     ("--essential-kwh-per-day", 100), ("--petrol-ration-litres", 200)],
)
def test_each_new_scenario_bound_on_the_command_line(capsys, flag, bound):
    from resilience.cli import build_parser, scenario_inputs

    _, scenario = scenario_inputs(build_parser().parse_args(["simulate", flag, str(bound)]))
    assert getattr(scenario, flag[2:].replace("-", "_")) == bound
    line = refused(capsys, "simulate", flag, str(bound + 1))
    assert f"{flag} = {bound + 1}" in line and f"{bound:g}" in line


# --- the real command line, in a child process -------------------------------------------------------------------


SUBPROCESS_CASES = {
    "battery-only": b'{"battery_kwh": 200}',
    "deep-nesting": b"[" * 100_000,
    "5000-digits": _survival({"battery_kwh": "9" * 5000}),
    "horizon-1e400": _survival({"max_duration_h": "1e400"}),
    "horizon-ten-million": _survival({"max_duration_h": "10000000"}),
    "big-integer-load": _survival({"critical_load_kw": _hourly(at=3, bad="1" + "0" * 400)}),
}


@pytest.mark.subprocess
@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_the_real_survival_command_exits_2_without_a_traceback(tmp_path, name):
    path = survival_file(tmp_path, SUBPROCESS_CASES[name])
    proc = subprocess.run([sys.executable, "-m", "resilience", "survival", path], capture_output=True, text=True,
                          timeout=60, cwd=REPO_ROOT)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr[-2000:]
