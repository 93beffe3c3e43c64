"""Scenario files: every scenario round-trips, every kind of bad file gets its own message."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports import scenario_files
from reports.scenario_files import KIND, SCHEMA_VERSION, dump, load
from resilience import scenario_file
from resilience.citydata import list_cities
from resilience.errors import KizunaInputError
from resilience.records import MAX_HOURS, MAX_HOUSEHOLD_KWH_PER_DAY, MAX_TANK_LITRES, PRESET_IDS, Scenario


def fraction():
    return st.floats(0, 1, allow_nan=False)


def optional(strategy):
    return st.none() | strategy


scenarios = st.builds(
    Scenario,
    preset=st.sampled_from(PRESET_IDS),
    start=optional(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 12, 31))),
    duration_h=st.integers(1, 8760),
    custom_outage_h=st.floats(0, MAX_HOURS, allow_nan=False),
    custom_restoration_h=st.floats(0, MAX_HOURS, allow_nan=False),
    ev_stock_multiplier=st.floats(0, 100, allow_nan=False),
    v2h_adoption_share=optional(fraction()),
    reserve_soc=optional(fraction()),
    essential_kwh_per_day=st.floats(0, MAX_HOUSEHOLD_KWH_PER_DAY, allow_nan=False),
    load_mode=st.sampled_from(["essential", "full"]),
    diesel_stock_multiplier=st.floats(0, 100, allow_nan=False),
    diesel_resupply_delay_h=optional(st.floats(0, MAX_HOURS, allow_nan=False)),
    petrol_ration_litres=optional(st.floats(0, MAX_TANK_LITRES, allow_nan=False, exclude_min=True)),
    pv_multiplier=st.floats(0, 100, allow_nan=False),
    weather=st.sampled_from(["clear", "typical", "overcast"]),
)


@given(city_id=st.sampled_from(list_cities()), scenario=scenarios)
def test_every_scenario_round_trips(city_id, scenario):
    assert load(dump(city_id, scenario)) == (city_id, scenario)


def test_file_names_its_kind_version_city_and_every_field():
    text = dump("saitama", Scenario(preset="kanto-rolling-2011", reserve_soc=0.4))
    document = json.loads(text)
    assert document["kind"] == KIND == "kizuna-scenario"
    assert document["schema_version"] == SCHEMA_VERSION == 1
    assert document["city"] == "saitama"
    assert set(document["scenario"]) == set(Scenario.model_fields)
    assert document["scenario"]["reserve_soc"] == 0.4
    assert document["saved_with"].startswith("Kizuna ")
    assert text.endswith("\n")


def test_uploaded_bytes_with_a_byte_order_mark_load():
    text = dump("berlin", Scenario(preset="berlin-southwest-2026", duration_h=120))
    assert load(("\ufeff" + text).encode("utf-8")) == ("berlin", Scenario(preset="berlin-southwest-2026",
                                                                           duration_h=120))


def good(**changes):
    document = json.loads(dump("saitama", Scenario()))
    document.update(changes)
    return document


def without(key):
    document = good()
    del document[key]
    return json.dumps(document)


def with_scenario(**fields):
    document = good()
    document["scenario"] = {**document["scenario"], **fields}
    return json.dumps(document)


BAD_FILES = {
    "not UTF-8": (b"\xff\xfe\x00k", "not UTF-8 text"),
    "empty": ("  \n", "the file is empty"),
    "not JSON": ('{"kind": "kizuna-scenario",', "not valid JSON (line 1, column 28"),
    "not an object": ("[1, 2]", "expected a JSON object, got a list"),
    "no kind": (without("kind"), "no 'kind': not a Kizuna scenario file"),
    "wrong kind": (json.dumps(good(kind="kizuna-city")), "kind = 'kizuna-city': not a Kizuna scenario file"),
    "no version": (without("schema_version"), "schema_version is missing"),
    "version as text": (json.dumps(good(schema_version="1")), "schema_version = '1': must be a whole number"),
    "newer version": (json.dumps(good(schema_version=2)),
                      "scenario file version 2 is newer than this Kizuna reads (1)"),
    "older version": (json.dumps(good(schema_version=0)),
                      "scenario file version 0 is older than this Kizuna reads (1)"),
    "unknown key": (json.dumps(good(colour="red")), "unknown key 'colour'"),
    "no city": (without("city"), "city is missing"),
    "unknown city": (json.dumps(good(city="osaka")), "city = 'osaka': must be one of berlin, saitama"),
    "no scenario": (without("scenario"), "scenario is missing"),
    "scenario not an object": (json.dumps(good(scenario=[1])), "scenario must be an object of scenario fields"),
    "unknown field": (with_scenario(wind_kw=3), "scenario: wind_kw = 3: is not a known field"),
    "bad value": (with_scenario(duration_h=0), "scenario: duration_h = 0: must be ≥ 1"),
    "bad choice": (with_scenario(preset="tokyo-2030"), "scenario: preset = 'tokyo-2030': must be one of"),
    "true for a number": (with_scenario(duration_h=True),
                          "scenario: duration_h = true: must be a number, not true/false"),
    "infinite number": (with_scenario(diesel_resupply_delay_h=float("inf")),
                        "scenario: diesel_resupply_delay_h = Infinity: must be a finite number"),
    "NaN": (with_scenario(pv_multiplier=float("nan")), "scenario: pv_multiplier = NaN: must be a finite number"),
    "start outside the years": (with_scenario(start="1850-03-11T14:00:00"),
                                "scenario: start = '1850-03-11T14:00:00': must be in the years 1900–2100"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gets_a_message_that_names_its_problem(case):
    text, fragment = BAD_FILES[case]
    with pytest.raises(KizunaInputError) as raised:
        load(text)
    assert len(raised.value.problems) == 1
    assert fragment in raised.value.problems[0]


def test_every_bad_file_gets_its_own_message():
    messages = []
    for text, _ in BAD_FILES.values():
        with pytest.raises(KizunaInputError) as raised:
            load(text)
        messages.append(str(raised.value))
    assert len(set(messages)) == len(messages)


@pytest.mark.parametrize("bad", [{"pv_multiplier": -1}, {"pv_multiplier": True}, {"pv_multiplier": float("inf")}])
def test_several_bad_values_are_all_reported(bad):
    with pytest.raises(KizunaInputError) as raised:
        load(with_scenario(duration_h=0, **bad))
    assert len(raised.value.problems) == 2
    assert all(problem.startswith("scenario file: scenario: ") for problem in raised.value.problems)


def test_the_format_lives_in_the_engine():
    # One reader and writer: the dashboard's module stamps the version and hands over to resilience.scenario_file.
    assert scenario_files.MIGRATIONS is scenario_file.MIGRATIONS
    assert (scenario_files.KIND, scenario_files.SCHEMA_VERSION) == (scenario_file.KIND, scenario_file.SCHEMA_VERSION)
    scenario = Scenario(preset="hokkaido-2018", pv_multiplier=2)
    assert scenario_file.loads(dump("saitama", scenario)) == ("saitama", scenario)
    assert load(scenario_file.dumps("berlin", scenario)) == ("berlin", scenario)
    assert "saved_with" not in json.loads(scenario_file.dumps("berlin", scenario))
    assert json.loads(dump("berlin", scenario))["saved_with"].startswith("Kizuna ")


def test_read_names_the_file_in_its_messages(tmp_path):
    path = tmp_path / "mine.kizuna.json"
    path.write_text(with_scenario(duration_h=0), encoding="utf-8")
    with pytest.raises(KizunaInputError, match=r"^scenario file '.*mine\.kizuna\.json': scenario: duration_h = 0"):
        scenario_file.read(path)
    with pytest.raises(KizunaInputError, match="no such file"):
        scenario_file.read(tmp_path / "nope.json")
    path.write_text(dump("berlin", Scenario(weather="clear")), encoding="utf-8")
    assert scenario_file.read(path) == ("berlin", Scenario(weather="clear"))


def test_an_older_version_is_migrated_when_a_migration_exists(monkeypatch):
    def from_version_0(document):
        # A made-up version 0 that called the city "city_id".
        kept = {key: value for key, value in document.items() if key != "city_id"}
        return {**kept, "schema_version": 1, "city": document["city_id"]}

    monkeypatch.setitem(scenario_files.MIGRATIONS, 0, from_version_0)
    document = good(schema_version=0)
    document["city_id"] = document.pop("city")
    assert load(json.dumps(document)) == ("saitama", Scenario())


def test_dump_refuses_what_is_not_a_scenario():
    with pytest.raises(KizunaInputError, match="must be a Scenario record, got dict"):
        dump("saitama", {"preset": "tohoku-2011"})
