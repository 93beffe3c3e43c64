"""python -m resilience: outputs, and every error path as exit status 2 with one line on stderr."""

import datetime as dt
import json
import subprocess
import sys
import types
import typing
from pathlib import Path

import numpy as np
import pytest

from reports.scenario_files import dump
from resilience.cli import build_parser, main, scenario_inputs
from resilience.records import Scenario

YEAR = 8760
REPO_ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def write_json(tmp_path, data, name="inputs.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def assert_one_line_error(status, err, *fragments):
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def test_survival_prints_the_sweep_as_json(tmp_path, capsys):
    inputs = {"critical_load_kw": [50.0] * YEAR, "battery_kwh": 200.0, "battery_kw": 50.0}
    status, out, _ = run(capsys, "survival", write_json(tmp_path, inputs))
    result = json.loads(out)
    assert status == 0
    assert len(result["hours_survived"]) == YEAR and set(result["hours_survived"]) == {4}  # MODEL §9
    assert len(result["by_month"]) == 12 and len(result["by_hour_of_day"]) == 24


def test_survival_files_keep_every_key_of_the_former_keyword_arguments(tmp_path, capsys):
    # MODEL §9: battery and generator on a flat 50 kW load survive 30 h; every key of the old survival_sweep(**json)
    # call still reads, and maps onto the BackupSystem record and the sweep's own arguments.
    from resilience.survival import survival_sweep
    from resilience.systems import BackupSystem

    inputs = {"critical_load_kw": [50.0] * YEAR, "pv_kw": [0.0] * YEAR, "battery_kwh": 200.0, "battery_kw": 50.0,
              "initial_soc": 1.0, "soc_min": 0.0, "charge_efficiency": 1.0, "discharge_efficiency": 1.0,
              "generator_kw": 50.0, "fuel_litres": 378.54, "fuel_slope_l_per_kwh": 0.28769,
              "fuel_intercept_l_per_h": 0.0, "generator_min_turndown": 0.0, "max_duration_h": 48}
    status, out, _ = run(capsys, "survival", write_json(tmp_path, inputs))
    assert status == 0 and set(json.loads(out)["hours_survived"]) == {30}
    system = BackupSystem(**{k: v for k, v in inputs.items() if k not in ("critical_load_kw", "pv_kw",
                                                                        "max_duration_h")})
    direct = survival_sweep(inputs["critical_load_kw"], inputs["pv_kw"], system, max_duration_h=48)
    assert json.loads(out) == json.loads(json.dumps(direct.to_dict()))


@pytest.mark.parametrize(
    ("inputs", "fragments"),
    [
        ({"critical_load_kw": [1.0] * YEAR, "battery_kwhh": 5}, ["unknown key 'battery_kwhh'", "battery_kwh"]),
        ({"critical_load_kw": [1.0] * 100}, ["critical_load_kw", "100", "8760"]),
        ({"critical_load_kw": [1.0] * YEAR, "battery_kwh": -5}, ["battery_kwh = -5", "≥ 0"]),
    ],
)
def test_survival_bad_inputs(tmp_path, capsys, inputs, fragments):
    status, out, err = run(capsys, "survival", write_json(tmp_path, inputs))
    assert out == ""
    assert_one_line_error(status, err, *fragments)


def test_survival_missing_and_unreadable_files(tmp_path, capsys):
    assert_one_line_error(*run(capsys, "survival", str(tmp_path / "nope.json"))[::2], "nope.json", "no such file")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert_one_line_error(*run(capsys, "survival", str(broken))[::2], "broken.json", "not valid JSON")
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"critical_load_kw": "ü"}'.encode("latin-1"))
    assert_one_line_error(*run(capsys, "survival", str(latin))[::2], "latin.json", "UTF-8")
    listed = write_json(tmp_path, [1, 2, 3], "list.json")
    assert_one_line_error(*run(capsys, "survival", listed)[::2], "expected a JSON object")


def test_simulate_kpis_as_json(capsys):
    status, out, _ = run(capsys, "simulate", "--city", "saitama", "--scenario", "tohoku-2011", "--hours", "48")
    kpis = json.loads(out)
    assert status == 0 and kpis["horizon_h"] == 48
    assert 0 <= kpis["share_restored_end"] <= 1


def test_simulate_hourly_csv_has_unit_suffixed_columns(capsys):
    status, out, _ = run(capsys, "simulate", "--city", "berlin", "--scenario", "berlin-koepenick-2019",
                         "--hours", "36", "--format", "csv")
    header, *rows = out.strip().splitlines()
    assert status == 0
    assert {"district_id", "demand_kwh", "grid_kwh", "v2h_kwh", "unserved_kwh"} <= set(header.split(","))
    assert len(rows) == 36 * 12


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["simulate", "--city", "tokyo"], ["unknown city 'tokyo'", "berlin, saitama"]),
        (["simulate", "--scenario", "atlantis-2030"], ["--scenario", "atlantis-2030"]),
        (["simulate", "--hours", "abc"], ["--hours", "abc"]),
        (["simulate", "--hours", "0"], ["--hours = 0", "must be 1–8760 (h)"]),
        (["simulate", "--start", "2011-02-30T14:00"], ["--start", "2011-02-30T14:00"]),
        (["v2h", "--battery-kwh", "-1"], ["battery_kwh = -1.0"]),
        (["v2h"], ["--vehicle", "--battery-kwh"]),
        (["v2h", "--vehicle", "nissan-leef-40"], ["nissan-leef-40", "nissan-leaf-40"]),
        (["simulate", "--districts", "11101,99"], ["affected_district_ids has '99'"]),
        (["frobnicate"], ["frobnicate"]),
        ([], ["required"]),
    ],
)
def test_bad_command_lines(capsys, argv, fragments):
    status, _, err = run(capsys, *argv)
    assert_one_line_error(status, err, *fragments)


def test_simulate_only_the_chosen_districts(capsys):
    status, out, _ = run(capsys, "simulate", "--city", "saitama", "--districts", "11101", "--hours", "24",
                         "--format", "csv")
    rows = [line.split(",") for line in out.strip().splitlines()]
    header, rows = rows[0], rows[1:]
    district, share = header.index("district_id"), header.index("grid_share")
    assert status == 0
    assert {float(r[share]) for r in rows if r[district] != "11101"} == {1.0}
    assert min(float(r[share]) for r in rows if r[district] == "11101") == 0.0


def test_v2h_reproduces_the_leaf_example(capsys):
    # FACTS G: 40 kWh from 100 % to a 30 % reserve at 88 % → 24.64 kWh → 8.21 days at 3 kWh/day.
    status, out, _ = run(capsys, "v2h", "--battery-kwh", "40", "--soc", "1.0", "--reserve", "0.3")
    estimate = json.loads(out)
    assert status == 0
    assert estimate["usable_kwh"] == pytest.approx(24.64)
    assert estimate["days_of_backup_energy"] == pytest.approx(8.2133, abs=1e-4)
    assert np.isfinite(estimate["hours_of_backup"])


def test_validate_bundled_and_broken_city(tmp_path, capsys):
    from resilience.citydata import export_city

    folder = export_city("saitama", tmp_path / "saitama")
    status, out, _ = run(capsys, "validate", str(folder))
    assert status == 0 and "saitama" in out and "valid" in out
    districts = folder / "districts.csv"
    districts.write_text(districts.read_text(encoding="utf-8").replace("households", "homes", 1), encoding="utf-8")
    status, _, err = run(capsys, "validate", str(folder))
    assert status == 2 and "households" in err and "Traceback" not in err


@pytest.mark.subprocess
def test_the_real_command_line_exits_2_without_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "resilience", "simulate", "--city", "tokyo"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: unknown city 'tokyo': bundled cities are berlin, saitama"
    ]


# --- --scenario-file and one flag per Scenario field ---------------------------------------------------------


def inputs(*argv):
    """The city and scenario a simulate command line asks for, without simulating."""
    return scenario_inputs(build_parser().parse_args(["simulate", *argv]))


def save(tmp_path, city_id, scenario, name="scenario.kizuna.json"):
    path = tmp_path / name
    path.write_text(dump(city_id, scenario), encoding="utf-8")
    return str(path)


def option(name):
    return "--" + name.replace("_", "-")


def sample(name):
    """Command-line words that set a Scenario field to a value other than its default, and that value."""
    field = Scenario.model_fields[name]
    annotation = field.annotation
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    kind = next(a for a in (typing.get_args(annotation) if union else (annotation,)) if a is not type(None))
    if typing.get_origin(kind) is typing.Literal:
        value = next(choice for choice in typing.get_args(kind) if choice != field.default)
        return [option(name), value], value
    if kind is bool:
        return [option(name) if not field.default else "--no-" + option(name)[2:]], not field.default
    if kind in (int, float):
        bound = {attr: getattr(m, attr) for m in field.metadata for attr in ("ge", "gt", "le", "lt")
                 if getattr(m, attr, None) is not None}
        low = bound.get("ge", bound.get("gt", 0))
        high = bound.get("le", bound.get("lt", low + 10))
        value = kind(low + (high - low) / 4)
        assert value != field.default
        return [option(name), str(value)], value
    if kind is dt.datetime:
        return [option(name), "2019-07-01T09:00"], dt.datetime(2019, 7, 1, 9)
    if typing.get_origin(kind) is tuple:
        return [option(name), "11101,11102"], ("11101", "11102")
    pytest.fail(f"no sample command-line value for Scenario.{name} ({annotation}): add one to sample()")


@pytest.mark.parametrize("name", list(Scenario.model_fields))
def test_each_flag_sets_the_scenario_field_it_names(name):
    argv, expected = sample(name)
    city_id, scenario = inputs(*argv)
    assert getattr(scenario, name) == expected
    assert scenario.model_dump(exclude={name}) == Scenario().model_dump(exclude={name})
    assert city_id == "saitama"


def test_help_lists_every_field_with_its_description():
    text = " ".join(build_parser()._subparsers._group_actions[0].choices["simulate"].format_help().split())
    for name, field in Scenario.model_fields.items():
        assert option(name) in text
        if field.description:
            assert " ".join(field.description.split()[:4]) in text
    assert "--diesel-resupply-delay-h HOURS" in text and "--petrol-ration-litres LITRES" in text
    assert "× the city's data; 0–100; default 1" in text


def test_the_old_flag_names_still_work():
    _, scenario = inputs("--scenario", "custom", "--hours", "48", "--districts", "11101, 11102", "--start",
                         "2011-03-11T14:00")
    assert scenario == Scenario(preset="custom", duration_h=48, affected_district_ids=("11101", "11102"),
                                start=dt.datetime(2011, 3, 11, 14))


def test_the_file_gives_city_and_scenario_and_flags_override_it(tmp_path):
    saved = Scenario(preset="berlin-koepenick-2019", duration_h=36, diesel_stock_multiplier=2, reserve_soc=0.5,
                     v2h_adoption_share=0.2, affected_district_ids=("01",), weather="clear")
    path = save(tmp_path, "berlin", saved)
    assert inputs("--scenario-file", path) == ("berlin", saved)
    city_id, scenario = inputs("--scenario-file", path, "--diesel-stock-multiplier", "3", "--weather", "overcast",
                               "--v2h-adoption-share", "default", "--districts", "default", "--city", "saitama")
    assert city_id == "saitama"
    assert scenario == saved.model_copy(update={"diesel_stock_multiplier": 3.0, "weather": "overcast",
                                                "v2h_adoption_share": None, "affected_district_ids": None})


def test_a_saved_scenario_gives_the_engines_kpis(tmp_path, capsys):
    from resilience.citydata import load_city
    from resilience.citysim import simulate

    scenario = Scenario(preset="berlin-koepenick-2019", duration_h=36, diesel_stock_multiplier=2.5,
                        v2h_adoption_share=0.2, reserve_soc=0.4, pv_multiplier=1.5, weather="clear",
                        petrol_ration_litres=20)
    status, out, err = run(capsys, "simulate", "--scenario-file", save(tmp_path, "berlin", scenario))
    expected = json.loads(json.dumps(simulate(load_city("berlin"), scenario).kpis.to_dict()))
    assert (status, err) == (0, "")
    assert json.loads(out) == expected


def bad_file(directory, scenario_fields=None, **document_changes):
    """A saved scenario file of Saitama with its document or scenario fields changed."""
    document = json.loads(dump("saitama", Scenario()))
    document["scenario"].update(scenario_fields or {})
    document.update(document_changes)
    path = directory / "bad.kizuna.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return ["--scenario-file", str(path)]


def not_json(directory):
    path = directory / "broken.kizuna.json"
    path.write_text('{"kind": "kizuna-scenario",', encoding="utf-8")
    return ["--scenario-file", str(path)]


BAD_SCENARIO_INPUTS = {
    "missing file": (lambda d: ["--scenario-file", str(d / "nope.kizuna.json")],
                     ["scenario file", "nope.kizuna.json", "no such file"]),
    "not JSON": (not_json, ["broken.kizuna.json", "not valid JSON (line 1"]),
    "newer version": (lambda d: bad_file(d, schema_version=2), ["version 2 is newer than this Kizuna reads (1)"]),
    "older version": (lambda d: bad_file(d, schema_version=0), ["version 0 is older than this Kizuna reads (1)"]),
    "unknown key": (lambda d: bad_file(d, colour="red"), ["unknown key 'colour'"]),
    "unknown field": (lambda d: bad_file(d, {"wind_kw": 3}), ["wind_kw = 3", "is not a known field"]),
    "true for a number in the file": (lambda d: bad_file(d, {"duration_h": True}),
                                      ["duration_h = true", "must be a number, not true/false"]),
    "Infinity in the file": (lambda d: bad_file(d, {"diesel_resupply_delay_h": float("inf")}),
                             ["diesel_resupply_delay_h = Infinity", "must be a finite number"]),
    "out of range in the file": (lambda d: bad_file(d, {"diesel_stock_multiplier": -1}),
                                 ["diesel_stock_multiplier = -1", "≥ 0"]),
    "unknown city in the file": (lambda d: bad_file(d, city="osaka"), ["city = 'osaka'", "berlin, saitama"]),
    "unknown preset in the file": (lambda d: bad_file(d, {"preset": "atlantis-2030"}),
                                   ["preset = 'atlantis-2030'", "must be one of"]),
    "start year in the file": (lambda d: bad_file(d, {"start": "1850-03-11T14:00:00"}),
                               ["start = '1850-03-11T14:00:00'", "years 1900–2100"]),
    "infinite flag": (lambda d: ["--diesel-stock-multiplier", "inf"],
                      ["--diesel-stock-multiplier = inf", "finite number", "× the city's data"]),
    "NaN flag": (lambda d: ["--pv-multiplier", "nan"], ["--pv-multiplier = nan", "finite number"]),
    "negative flag": (lambda d: ["--diesel-stock-multiplier", "-1"],
                      ["--diesel-stock-multiplier = -1", "must be 0–100"]),
    "percent for a fraction": (lambda d: ["--reserve-soc", "30"], ["--reserve-soc = 30", "0–1", "0.3 = 30 %"]),
    "true for a number flag": (lambda d: ["--essential-kwh-per-day", "true"],
                               ["--essential-kwh-per-day = 'true'", "expected a number (kWh/day)"]),
    "fraction of an hour": (lambda d: ["--hours", "2.5"], ["--hours = '2.5'", "whole number (h)"]),
    "zero ration": (lambda d: ["--petrol-ration-litres", "0"], ["--petrol-ration-litres = 0", "> 0 and ≤ 200 (L)"]),
    "unknown city flag": (lambda d: ["--city", "tokyo"], ["unknown city 'tokyo'"]),
    "unknown preset flag": (lambda d: ["--preset", "atlantis-2030"], ["--preset", "atlantis-2030"]),
    "unknown choice flag": (lambda d: ["--weather", "stormy"], ["--weather", "stormy", "overcast"]),
    "start year flag": (lambda d: ["--start", "2300-01-01T00:00"], ["--start = '2300-01-01T00:00'", "1900–2100"]),
    "start with a zone": (lambda d: ["--start", "2011-03-11T14:00+09:00"], ["--start", "without a zone"]),
    "unknown flag": (lambda d: ["--wind-kw", "3"], ["unrecognized arguments: --wind-kw 3"]),
    "several bad flags": (lambda d: ["--hours", "0", "--pv-multiplier", "-2"],
                          ["--hours = 0", "; --pv-multiplier = -2"]),
}


@pytest.mark.parametrize("case", BAD_SCENARIO_INPUTS)
def test_bad_scenario_inputs_exit_2_with_one_line(tmp_path, capsys, case):
    make_argv, fragments = BAD_SCENARIO_INPUTS[case]
    status, out, err = run(capsys, "simulate", "--hours", "24", *make_argv(tmp_path))
    assert out == ""
    assert_one_line_error(status, err, *fragments)


@pytest.mark.subprocess
def test_a_bad_scenario_file_on_the_real_command_line(tmp_path):
    argv = bad_file(tmp_path, {"duration_h": 0, "pv_multiplier": True})
    proc = subprocess.run([sys.executable, "-m", "resilience", "simulate", *argv], capture_output=True, text=True,
                          timeout=120, cwd=REPO_ROOT)
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr
    assert "pv_multiplier = true: must be a number, not true/false" in line and "duration_h = 0" in line


@pytest.mark.subprocess
def test_simulate_never_imports_dash_or_reports(tmp_path):
    path = save(tmp_path, "berlin", Scenario(preset="berlin-koepenick-2019", duration_h=24))
    script = (
        "import contextlib, io, json, sys\n"
        "import resilience.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = resilience.cli.main(['simulate', '--scenario-file', {path!r}, '--pv-multiplier', '2'])\n"
        "print(json.dumps({'status': status, **{name: name in sys.modules for name in "
        "('dash', 'reports', 'plotly')}}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"status": 0, "dash": False, "reports": False, "plotly": False}
