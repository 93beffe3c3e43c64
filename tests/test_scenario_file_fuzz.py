"""Scenario files and input records under malformed input: only KizunaInputError, never silent acceptance.

A fixed-seed list of malformed files (not UTF-8, not JSON, 100,000 nested brackets, 5,000-digit numbers,
files over the size cap, a wrong ``saved_with``) and every field of the scenario given each kind of wrong
value (true/false or text for a number, inf/nan, out of range, a number for a date …) must make
:func:`resilience.scenario_file.loads` raise :class:`~resilience.errors.KizunaInputError` naming the
field, and nothing else. A derandomized hypothesis search gives random JSON values to random fields and
checks that whatever is accepted has the field's own JSON type. Hand cases pin each input limit
(docs/model.md, "Input limits") and the strict numbers of :class:`resilience.records.Record`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import scenario_files
from resilience import scenario_file
from resilience.errors import KizunaInputError
from resilience.records import Household, Scenario, SurvivalSetup
from resilience.scenario_file import dumps, loads

SEED = 14
GOOD = json.loads(dumps("saitama", Scenario(), saved_with="Kizuna 0.1.0"))
NUMBER_FIELDS = [name for name in Scenario.model_fields if name not in (
    "preset", "start", "affected_district_ids", "load_mode", "priority_restoration", "weather")]
OPTIONAL_FIELDS = [name for name, spec in Scenario.model_fields.items() if spec.default is None]


def document(fields: dict[str, str] | None = None, **changes: str) -> str:
    """The good file with scenario fields and top-level keys replaced by raw JSON text."""
    top = {key: json.dumps(value) for key, value in GOOD.items() if key != "scenario"}
    scenario = {key: json.dumps(value) for key, value in GOOD["scenario"].items()}
    scenario.update(fields or {})
    top["scenario"] = "{" + ", ".join(f'"{k}": {v}' for k, v in scenario.items()) + "}"
    top.update(changes)
    return "{" + ", ".join(f'"{k}": {v}' for k, v in top.items()) + "}"


BAD_NUMBER_TOKENS = ("true", "false", '"5"', '"abc"', '""', "[1]", '{"a": 1}', "-1", "1e400", "-1e400", "NaN",
                     "Infinity", "-Infinity", "1e308", "9" * 30, "1" + "0" * 400, "9" * 5000)
TOKENS = {
    "number": BAD_NUMBER_TOKENS,
    "preset": ("5", "true", "null", "[]", '"tokyo-2030"', '"' + "x" * 10_000 + '"'),
    "load_mode": ("5", "true", "null", '"half"', '"ESSENTIAL"'),
    "weather": ("5", "false", "null", '"stormy"'),
    "start": ("5", "true", "1e400", '"2011-13-01T00:00"', '"1850-01-01T00:00"', '"2011-03-11T14:00+09:00"',
              '"tomorrow"', "[2011, 3, 11]"),
    "affected_district_ids": ("5", '"11101"', "[1, 2]", "[true]", "[null]", "{}", "[[\"11101\"]]"),
    "priority_restoration": ("1", "0", '"true"', "null", "1.0", '"yes"'),
}


def field_cases() -> list[tuple[str, str, str]]:
    """(case id, field, raw JSON value) for every field and every wrong value of its kind."""
    cases = []
    for name in Scenario.model_fields:
        tokens = TOKENS.get(name, TOKENS["number"])
        for token in tokens:
            if token == "null" and name in OPTIONAL_FIELDS:
                continue
            cases.append((f"{name}={token[:16]}", name, token))
    rng = random.Random(SEED)
    for index in range(40):  # several wrong fields at once: every one is named
        names = rng.sample(NUMBER_FIELDS, rng.randrange(2, 5))
        cases.append((f"several-{index}", ",".join(names), "|".join(rng.choice(BAD_NUMBER_TOKENS[:15])
                                                                    for _ in names)))
    return cases


def structural_cases() -> dict[str, str | bytes]:
    rng = random.Random(SEED + 1)
    good = document()
    cases: dict[str, str | bytes] = {
        "not UTF-8": b"\xff\xfe\x00k", "empty": "", "blank": " \n\t", "NUL bytes": "\x00" * 8,
        "top list": "[1, 2]", "top text": '"kizuna-scenario"', "top number": "5", "top null": "null",
        "deep list": "[" * 100_000, "deep object": '{"a": ' * 100_000, "deep in scenario": document(
            {"duration_h": "[" * 100_000}), "nested 500": "[" * 500 + "]" * 500,
        "5000-digit version": document(schema_version="9" * 5000), "5000-digit top": "9" * 5000,
        "5000-digit city": document(city="9" * 5000), "version text": document(schema_version='"1"'),
        "version true": document(schema_version="true"), "version 1e400": document(schema_version="1e400"),
        "kind list": document(kind="[" * 50 + "]" * 50), "city list": document(city="[1]"),
        "city long": document(city=json.dumps("x" * 100_000)), "scenario text": document(scenario='"x"'),
        "saved_with number": document(saved_with="5"), "saved_with true": document(saved_with="true"),
        "saved_with object": document(saved_with='{"by": "me"}'), "saved_with null": document(saved_with="null"),
        "saved_with long": document(saved_with=json.dumps("Kizuna " + "9" * 1000)),
        "over the size cap": good + " " * 1_100_000,
        "unknown key": document(colour='"red"'), "unknown long key": document(**{"k" * 10_000: "1"}),
    }
    for index in range(15):
        cut = rng.randrange(1, len(good) - 1)
        cases[f"truncated {index}"] = good[:cut]
    for index in range(15):
        cases[f"noise {index}"] = "".join(rng.choice('{}[]":,0123456789.eE+-truefalsnul \n\\')
                                          for _ in range(rng.randrange(1, 300)))
    return cases


FIELD_CASES = field_cases()
STRUCTURAL_CASES = structural_cases()


#: What a file with a number too long for Python's int parser gets instead of its field's name.
TOO_LONG = "scenario file: not valid JSON: a number with 5000 digits (at most 4300)"


def refusal(text: str | bytes) -> KizunaInputError:
    started = time.perf_counter()
    try:
        loads(text)
    except KizunaInputError as error:
        assert time.perf_counter() - started < 2
        assert error.problems and all(len(problem) < 1000 for problem in error.problems), error.problems
        return error
    pytest.fail("accepted")


@pytest.mark.parametrize(("name", "token"), [case[1:] for case in FIELD_CASES], ids=[case[0] for case in FIELD_CASES])
def test_every_wrong_value_of_every_field_is_refused_by_name(name, token):
    names, tokens = name.split(","), token.split("|")
    error = refusal(document(dict(zip(names, tokens, strict=True))))
    if "9" * 5000 in tokens:
        assert error.problems == [TOO_LONG]
        return
    for field in names:
        assert any(f"scenario: {field} " in problem for problem in error.problems), (field, error.problems)


@pytest.mark.parametrize("case", STRUCTURAL_CASES)
def test_every_malformed_file_gets_one_sentence(case):
    error = refusal(STRUCTURAL_CASES[case])
    assert len(error.problems) == 1
    assert error.problems[0].startswith("scenario file")
    if case.startswith("saved_with"):
        assert "saved_with" in error.problems[0]


def test_the_generated_cases_are_seeded_and_enough():
    assert len(FIELD_CASES) + len(STRUCTURAL_CASES) >= 250
    assert field_cases() == FIELD_CASES and structural_cases() == STRUCTURAL_CASES


# --- a random search: whatever loads has its field's own JSON type --------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats() | st.text(max_size=12)
    | st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{1,3})?", fullmatch=True),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=2),
    max_leaves=6,
)


def has_its_own_type(name: str, value) -> bool:
    """Whether a JSON value is of the field's kind (it may still be out of range)."""
    spec = Scenario.model_fields[name]
    if value is None:
        return spec.default is None
    if name == "priority_restoration":
        return isinstance(value, bool)
    if name in ("preset", "load_mode", "weather", "start"):
        return isinstance(value, str)
    if name == "affected_district_ids":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(name=st.sampled_from(list(Scenario.model_fields)), value=json_values)
def test_a_random_value_loads_only_if_it_has_the_fields_type(name, value):
    text = document({name: json.dumps(value)})
    try:
        _, scenario = loads(text)
    except KizunaInputError as error:
        assert any(name in problem for problem in error.problems), error.problems
        return
    assert has_its_own_type(name, value), f"{name} = {value!r} was accepted as {getattr(scenario, name)!r}"


# --- hand cases -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NUMBER_FIELDS)
@pytest.mark.parametrize(("token", "rule"), [("true", "must be a number, not true/false"),
                                             ('"5"', "must be a number, not text")])
def test_true_and_text_are_not_numbers(name, token, rule):
    shown = {"true": "true", '"5"': "'5'"}[token]
    assert refusal(document({name: token})).problems == [f"scenario file: scenario: {name} = {shown}: {rule}"]


def test_a_file_over_the_size_cap_is_refused_before_decoding():
    assert scenario_file.MAX_FILE_BYTES == 1_000_000
    content = b'{"kind": "kizuna-scenario", "pad": "' + b"x" * 50_000_000 + b'"}'
    started = time.perf_counter()
    [problem] = refusal(content).problems
    assert time.perf_counter() - started < 0.1
    assert problem == ("scenario file: 50.0 MB is too large for a scenario file (at most 1 MB; a saved scenario "
                       "is about 1 kB)")
    with pytest.raises(KizunaInputError, match="too large"):
        scenario_files.load(content)  # the dashboard's upload


def test_a_file_just_under_the_cap_is_read():
    text = dumps("saitama", Scenario())
    padded = text + " " * (scenario_file.MAX_FILE_BYTES - len(text.encode()))
    assert loads(padded) == ("saitama", Scenario())


def test_read_checks_the_size_before_reading(tmp_path):
    path = tmp_path / "big.kizuna.json"
    path.write_bytes(b" " * (scenario_file.MAX_FILE_BYTES + 1))
    with pytest.raises(KizunaInputError, match="too large"):
        scenario_file.read(path)


@pytest.mark.parametrize(("text", "fragment"), [
    ("[" * 100_000, "scenario file: not valid JSON: nested more than"),
    (document(schema_version="9" * 5000), "scenario file: not valid JSON: a number with 5000 digits"),
])
def test_deep_nesting_and_long_numbers_are_one_sentence(text, fragment):
    [problem] = refusal(text).problems
    assert problem.startswith(fragment)


@pytest.mark.parametrize(("value", "fragment"), [
    ("5", "saved_with = 5: must be text"), ("null", "saved_with = null: must be text"),
    (json.dumps("x" * 201), "saved_with = 'xxxxxxxx"),
])
def test_saved_with_is_short_text(value, fragment):
    [problem] = refusal(document(saved_with=value)).problems
    assert fragment in problem and "at most 200 characters" in problem


def test_saved_with_of_this_and_other_kizunas_is_read():
    assert loads(document(saved_with='"Kizuna 9.9.9 (a fork)"'))[0] == "saitama"
    assert loads(document(saved_with=json.dumps("x" * 200)))[0] == "saitama"


@pytest.mark.parametrize(("name", "bound"), [("custom_outage_h", 8760), ("custom_restoration_h", 8760),
                                             ("diesel_resupply_delay_h", 8760), ("essential_kwh_per_day", 100),
                                             ("petrol_ration_litres", 200), ("duration_h", 8760)])
def test_each_scenario_bound(name, bound):
    assert getattr(loads(document({name: str(bound)}))[1], name) == bound
    [problem] = refusal(document({name: str(bound + 1)})).problems
    assert problem == f"scenario file: scenario: {name} = {bound + 1}: must be ≤ {bound}"


def test_district_lists_are_bounded():
    from resilience.records import MAX_DISTRICTS

    ids = json.dumps([str(i) for i in range(MAX_DISTRICTS + 1)])
    [problem] = refusal(document({"affected_district_ids": ids})).problems
    assert "affected_district_ids" in problem and f"at most {MAX_DISTRICTS}" in problem


def test_a_long_value_is_shortened_in_the_message():
    [problem] = refusal(document({"preset": json.dumps("x" * 10_000)})).problems
    assert problem.startswith("scenario file: scenario: preset = 'xxxx") and len(problem) < 400


# --- the records themselves: strict, finite numbers; ints for floats; ISO text for times ---------------------------


@pytest.mark.parametrize(("record", "fields", "rule"), [
    (Scenario, {"pv_multiplier": float("inf")}, "must be a finite number"),
    (Scenario, {"diesel_resupply_delay_h": float("nan")}, "must be a finite number"),
    (Scenario, {"duration_h": True}, "must be a number, not true/false"),
    (Scenario, {"duration_h": "5"}, "must be a number, not text"),
    (Scenario, {"priority_restoration": 1}, "must be true or false"),
    (Scenario, {"start": 1_300_000_000}, "must be a date and time as text, e.g. 2011-03-11T14:00"),
    (Household, {"battery_kwh": float("inf"), "vehicle_id": None}, "must be a finite number"),
    (Household, {"soc_start": "0.8"}, "must be a number, not text"),
    (Household, {"battery_kwh": 1000.5, "vehicle_id": None}, "must be ≤ 1000"),
    (Household, {"engine_kwh_per_litre": 10.5}, "must be ≤ 10"),
    (SurvivalSetup, {"max_duration_h": 10**7}, "must be ≤ 8760"),
    (SurvivalSetup, {"max_duration_h": 10**5000}, "must be ≤ 8760"),
])
def test_records_refuse_what_is_not_a_usable_number(record, fields, rule):
    with pytest.raises(KizunaInputError) as raised:
        record.from_dict(fields)
    [problem] = raised.value.details
    assert problem.field == next(iter(fields)) and problem.rule == rule
    assert len(problem.message) < 300


def test_records_take_ints_for_floats_and_iso_text_for_times():
    scenario = Scenario.from_dict({"pv_multiplier": 2, "start": "2011-03-11T14:00", "duration_h": 48.0})
    assert scenario.pv_multiplier == 2.0 and isinstance(scenario.pv_multiplier, float)
    assert scenario.start == dt.datetime(2011, 3, 11, 14) and scenario.duration_h == 48


def test_from_text_reads_link_text_with_the_same_rules():
    assert Household.from_text({"soc_start": " 0.8 ", "duration_h": "72"}) == Household(soc_start=0.8, duration_h=72)
    assert SurvivalSetup.from_text({"max_duration_h": "168"}).max_duration_h == 168
    for text, rule in (("inf", "must be a finite number"), ("1e400", "must be a finite number"),
                       ("abc", "must be a number"), ("true", "must be a number")):
        with pytest.raises(KizunaInputError) as raised:
            Household.from_text({"pv_kwp": text})
        assert raised.value.details[0].rule == rule, text


@pytest.mark.parametrize(("record", "name", "bound"), [
    ("Facility", "critical_load_kw", "MAX_POWER_KW"), ("Facility", "generator_kw", "MAX_POWER_KW"),
    ("Facility", "battery_kwh", "MAX_STORAGE_KWH"), ("Facility", "tank_litres", "MAX_FUEL_LITRES"),
    ("Facility", "sites", "MAX_SITES"), ("District", "households", "MAX_COUNT"),
])
def test_city_records_are_bounded(record, name, bound):
    from resilience import records
    from resilience.citydata import load_city

    city = load_city("saitama")
    base = (city.facilities[0] if record == "Facility" else city.districts[0]).to_dict()
    if name == "tank_litres":
        base["fuel_litres"] = 0.0
    limit = getattr(records, bound)
    kind = getattr(records, record)
    assert getattr(kind.from_dict({**base, name: limit}), name) == limit
    with pytest.raises(KizunaInputError, match=f"{name} = .*: must be ≤ {re.escape(format(limit, 'g'))}"):
        kind.from_dict({**base, name: limit * 2})


def test_an_upload_over_the_cap_is_known_by_its_base64_length():
    import base64

    # Base64 writes 4 characters for every 3 bytes begun: a longer text holds more than the cap.
    assert len(base64.b64encode(b" " * scenario_files.MAX_FILE_BYTES)) == scenario_files.MAX_UPLOAD_CHARS
    assert len(base64.b64encode(b" " * (scenario_files.MAX_FILE_BYTES + 3))) > scenario_files.MAX_UPLOAD_CHARS
