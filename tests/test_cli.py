"""python -m resilience: outputs, and every error path as exit status 2 with one line on stderr."""

import json
import subprocess
import sys

import numpy as np
import pytest

from resilience.cli import main

YEAR = 8760


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
        (["simulate", "--hours", "0"], ["duration_h = 0", "≥ 1"]),
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


def test_the_real_command_line_exits_2_without_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "resilience", "simulate", "--city", "tokyo"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: unknown city 'tokyo': bundled cities are berlin, saitama"
    ]
