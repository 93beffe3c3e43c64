"""Readers for TEPCO でんき予報 and OPSD demand files, on small synthetic files in tests/data/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resilience.demand_readers import read_opsd_csv, read_tepco_juyo_csv
from resilience.errors import KizunaInputError

DATA = Path(__file__).parent / "data"
JUYO = DATA / "juyo-sample.csv"
OPSD = DATA / "opsd-sample.csv"
REPO_OPSD = Path(__file__).parents[1] / "data" / "sources" / "opsd_de_load_2019_hourly.csv"


def _juyo_lines() -> list[str]:
    return JUYO.read_bytes().decode("cp932").splitlines()


def _write_juyo(path: Path, lines: list[str], encoding: str = "cp932") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_tepco_reader_converts_man_kw_to_kw_in_tokyo_time():
    demand = read_tepco_juyo_csv(JUYO)
    assert demand.name == "demand_kw"
    assert str(demand.index.tz) == "Asia/Tokyo"
    assert demand.index.freqstr == "h"
    assert len(demand) == 48
    # 2011/3/11,14:00 is 3000 + 100 + 140 = 3240 万kW = 32,400,000 kW.
    assert demand[pd.Timestamp("2011-03-11 14:00", tz="Asia/Tokyo")] == 32_400_000.0
    assert demand.index[0] == pd.Timestamp("2011-03-10 00:00", tz="Asia/Tokyo")


def test_tepco_reader_accepts_utf8_and_extra_columns(tmp_path):
    lines = _juyo_lines()
    lines[2] = "DATE,TIME,実績(万kW),予測(万kW)"
    lines[3:] = [line + ",9999" for line in lines[3:]]
    demand = read_tepco_juyo_csv(_write_juyo(tmp_path / "juyo.csv", lines, "utf-8"))
    assert demand.iloc[0] == 30_000_000.0


def test_tepco_reader_without_header_says_so(tmp_path):
    path = _write_juyo(tmp_path / "juyo.csv", ["2011/12/31 23:55 UPDATE", "2011/3/10,0:00,3000"])
    with pytest.raises(KizunaInputError, match=r"juyo.csv: no header row 'DATE,TIME,実績\(万kW\)' found"):
        read_tepco_juyo_csv(path)


def test_tepco_reader_names_the_line_of_a_bad_number(tmp_path):
    lines = _juyo_lines()
    lines[5] = "2011/3/10,2:00,abc"
    with pytest.raises(KizunaInputError, match="juyo.csv line 6: demand 'abc' is not a number"):
        read_tepco_juyo_csv(_write_juyo(tmp_path / "juyo.csv", lines))


def test_tepco_reader_names_the_line_of_a_bad_date(tmp_path):
    lines = _juyo_lines()
    lines[4] = "2011-03-10,1:00,3010"
    with pytest.raises(KizunaInputError, match="juyo.csv line 5: date/time '2011-03-10,1:00' is not like"):
        read_tepco_juyo_csv(_write_juyo(tmp_path / "juyo.csv", lines))


def test_tepco_reader_rejects_a_missing_hour(tmp_path):
    lines = _juyo_lines()
    del lines[10]  # 2011/3/10 7:00
    with pytest.raises(KizunaInputError, match=r"1 hour\(s\) missing, the first at 2011-03-10 07:00:00\+09:00"):
        read_tepco_juyo_csv(_write_juyo(tmp_path / "juyo.csv", lines))


def test_tepco_reader_rejects_a_repeated_hour(tmp_path):
    lines = _juyo_lines()
    lines.insert(5, lines[4])
    with pytest.raises(KizunaInputError, match="appears twice"):
        read_tepco_juyo_csv(_write_juyo(tmp_path / "juyo.csv", lines))


def test_tepco_reader_rejects_an_unknown_unit(tmp_path):
    lines = _juyo_lines()
    lines[2] = "DATE,TIME,実績(GW)"
    with pytest.raises(KizunaInputError, match=r"line 3: unit of '実績\(GW\)' not recognised"):
        read_tepco_juyo_csv(_write_juyo(tmp_path / "juyo.csv", lines))


def test_tepco_reader_on_an_empty_or_missing_file(tmp_path):
    empty = tmp_path / "juyo.csv"
    empty.write_bytes(b"")
    with pytest.raises(KizunaInputError, match="juyo.csv: the file is empty"):
        read_tepco_juyo_csv(empty)
    with pytest.raises(KizunaInputError, match="no such file"):
        read_tepco_juyo_csv(tmp_path / "absent.csv")


def test_tepco_reader_never_changes_the_file():
    before = (JUYO.read_bytes(), JUYO.stat().st_mtime_ns)
    read_tepco_juyo_csv(JUYO)
    assert (JUYO.read_bytes(), JUYO.stat().st_mtime_ns) == before


def test_opsd_reader_converts_mw_to_kw_in_berlin_time_across_the_dst_change():
    demand = read_opsd_csv(OPSD)
    assert demand.name == "demand_kw"
    assert str(demand.index.tz) == "Europe/Berlin"
    assert demand.index.freqstr == "h"
    assert len(demand) == 48
    assert demand.iloc[0] == 9_000_000.0  # 9000 MW
    assert demand.index[0] == pd.Timestamp("2019-03-31 00:00", tz="Europe/Berlin")
    # 31 March 2019 has 23 local hours: 02:00 does not exist.
    assert (demand.index.date == pd.Timestamp("2019-03-31").date()).sum() == 23
    assert demand.index[2] == pd.Timestamp("2019-03-31 03:00", tz="Europe/Berlin")


def test_opsd_reader_reads_another_column():
    demand = read_opsd_csv(OPSD, column="DE_load_actual_entsoe_transparency")
    assert demand.iloc[1] == 50_001_000.0


def test_opsd_reader_lists_the_load_columns_when_one_is_missing():
    with pytest.raises(KizunaInputError, match="no column 'DE_tennet_load_actual_entsoe_transparency'; load columns "
                                               "in the file: DE_load_actual_entsoe_transparency, DE_50hertz"):
        read_opsd_csv(OPSD, column="DE_tennet_load_actual_entsoe_transparency")


def test_opsd_reader_names_the_line_of_a_gap(tmp_path):
    lines = OPSD.read_text().splitlines()
    lines[4] = ",".join(lines[4].split(",")[:3] + [""])
    path = tmp_path / "opsd.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(KizunaInputError, match="opsd.csv line 5: DE_50hertz_load_actual_entsoe_transparency = '': "
                                               "expected a number ≥ 0"):
        read_opsd_csv(path)


def test_opsd_reader_rejects_a_file_without_utc_timestamps(tmp_path):
    path = tmp_path / "opsd.csv"
    path.write_text("time,DE_50hertz_load_actual_entsoe_transparency\n2019-01-01,1\n")
    with pytest.raises(KizunaInputError, match="no 'utc_timestamp' column"):
        read_opsd_csv(path)


def test_opsd_reader_rejects_a_missing_hour(tmp_path):
    lines = OPSD.read_text().splitlines()
    del lines[10]
    path = tmp_path / "opsd.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(KizunaInputError, match=r"1 hour\(s\) missing"):
        read_opsd_csv(path)


def test_opsd_reader_on_the_bundled_2019_file_gives_the_documented_energy():
    demand = read_opsd_csv(REPO_OPSD)
    assert len(demand) == 8760
    assert demand.index[0] == pd.Timestamp("2019-01-01 00:00", tz="Europe/Berlin")
    # PROVENANCE §2: the 50Hertz area used 95.5 TWh in 2019 (hourly means, so kWh = kW × 1 h).
    assert demand.sum() / 1e9 == pytest.approx(95.5, abs=0.05)
