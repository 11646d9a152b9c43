"""Strict ledger files: every malformed file is a SerializationError naming it, never a crash.

A ledger with a duplicated key used to load as empty and be written back,
dropping every entry. Now duplicate keys, deep nesting, huge numbers, invalid
decimals, other encodings and wrong types are refused by
``reskontro.serialization.load_json`` / ``ledger_from_json``, and the command
line exits 1 with one line.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro.cli import main
from reskontro.demo import build_demo_ledger
from reskontro.exceptions import ReskontroError, SerializationError
from reskontro.serialization import MAX_DEPTH, ledger_from_json, ledger_to_dict, load_json
from test_atomic import ENV

DEMO = ledger_to_dict(build_demo_ledger())
DEMO_TEXT = json.dumps(DEMO, ensure_ascii=False, indent=1)


def refused(data: bytes | str) -> str:
    """The message of the SerializationError reading *data* as ``L.json`` raises."""
    with pytest.raises(SerializationError) as raised:
        ledger_from_json(data, source="L.json")
    message = str(raised.value)
    assert message.startswith("L.json")
    assert "\n" not in message
    assert len(message) < 300, "a message quotes at most a short prefix of a value"
    return message


def test_a_saved_ledger_reads_back_equal() -> None:
    assert ledger_from_json(DEMO_TEXT.encode()) == build_demo_ledger()
    assert ledger_from_json(codecs.BOM_UTF8 + DEMO_TEXT.encode()) == build_demo_ledger()


def test_a_duplicated_events_key_is_refused_not_read_as_empty() -> None:
    """The audit's case: a second ``"events": []`` used to win and drop every entry."""
    text = DEMO_TEXT[:-1].rstrip() + ', "events": []}'
    assert json.loads(text)["events"] == []  # what a lenient reader sees
    assert "duplicate key 'events'" in refused(text)


def test_a_duplicated_key_deep_in_an_entry_is_refused() -> None:
    text = DEMO_TEXT.replace('"party": "10001",', '"party": "10001", "party": "10002",', 1)
    assert text != DEMO_TEXT
    message = refused(text.encode())
    assert "duplicate key 'party'" in message
    start = text.rfind("{", 0, text.index('"party": "10001", "party"'))
    line = text.count("\n", 0, start) + 1
    column = start - text.rfind("\n", 0, start)
    assert message.endswith(f"(the object at line {line} column {column})")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000, 1_000_000])
def test_deep_nesting_is_refused_quickly(depth: int) -> None:
    assert f"nested deeper than {MAX_DEPTH} levels" in refused("[" * depth + "]" * depth)
    assert "nested deeper" in refused('{"a": ' * depth + "1" + "}" * depth)


def test_nesting_within_the_limit_and_brackets_in_strings_are_fine() -> None:
    assert load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    assert load_json('{"text": "' + "[" * 1000 + '\\" {"}') == {"text": "[" * 1000 + '" {'}


@pytest.mark.parametrize("digits", [31, 4301, 100_000])
def test_a_huge_integer_is_refused_without_pythons_int_limit_error(digits: int) -> None:
    text = DEMO_TEXT.replace('"version": 1', f'"version": {"1" * digits}', 1)
    message = refused(text)
    assert "more than 30 digits" in message
    assert message.endswith("(the object at line 1 column 1)")
    assert "Exceeds the limit" not in message


@pytest.mark.parametrize(
    ("number", "expected"),
    [("1.0", "expected int"), ("1e2", "expected int"), ("NaN", "not a JSON number"),
     ("-Infinity", "not a JSON number")],
)
def test_numbers_are_exact_or_refused(number: str, expected: str) -> None:
    text = DEMO_TEXT.replace('"version": 1', f'"version": {number}', 1)
    assert expected in refused(text)


def test_fractions_become_decimals_never_floats() -> None:
    from decimal import Decimal

    assert load_json("[1.10, 2E3, -7]") == [Decimal("1.10"), Decimal("2E3"), -7]
    assert all(type(v) is not float for v in load_json("[1.10, 2E3, -7]"))


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1e999999999", "amount"),
        ("NaN", "not finite"),
        ("12,50", "not a decimal number"),
        ("1" * 10_000, "longer than 64 characters"),
        ("١٢٣", "ASCII"),
        ("1000000000000000000.00", "18 integer digits"),
        ("0.001", "more decimals"),
    ],
)
def test_invalid_decimal_amounts_are_refused_with_their_path(amount: str, expected: str) -> None:
    document = copy.deepcopy(DEMO)
    document["events"][0]["entry"]["amount"]["amount"] = amount
    document["events"][0]["entry"]["amount_local"]["amount"] = amount
    message = refused(json.dumps(document))
    assert "ledger.events[0].entry.amount" in message
    assert expected in message


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16 or UTF-32"), ("utf-16-be", "UTF-16 or UTF-32"),
     ("utf-32", "UTF-32"), ("latin-1", "not valid UTF-8 at byte")],
)
def test_other_encodings_are_refused(encoding: str, expected: str) -> None:
    text = DEMO_TEXT.replace("Kaffegrossisten", "Kåffegrossisten")
    if encoding == "latin-1":
        text = DEMO_TEXT.replace('"text": ""', '"text": "Bjørn"', 1)
        assert text != DEMO_TEXT
    message = refused(text.encode(encoding))
    assert expected in message
    assert "reads UTF-8 only" in message


def test_an_unpaired_surrogate_is_refused_and_a_paired_one_read() -> None:
    assert "unpaired surrogate" in refused(DEMO_TEXT.replace('"text": ""', '"text": "\\ud800"'))
    pair = DEMO_TEXT.replace('"text": ""', '"text": "\\ud83d\\ude00"', 1)
    texts = {getattr(event, "entry", None) and event.entry.text  # type: ignore[attr-defined]
             for event in ledger_from_json(pair).events}
    assert "\U0001f600" in texts


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("events",), {}, "ledger.events: expected list"),
        (("events", 0), [], "ledger.events[0]: expected an object"),
        (("events", 0, "entry", "amount"), "100", "ledger.events[0].entry.amount: expected"),
        (("events", 0, "entry", "amount", "amount"), 100, "expected str"),
        (("events", 0, "entry", "posted"), "2026-13-01", "is not an ISO date"),
        (("local_currency",), "XXQ", "unknown currency"),
        (("schema",), None, "ledger.schema: expected str"),
    ],
)
def test_wrong_types_name_the_path(path: tuple[Any, ...], value: object, expected: str) -> None:
    document = copy.deepcopy(DEMO)
    where: Any = document
    for key in path[:-1]:
        where = where[key]
    where[path[-1]] = value
    assert expected in refused(json.dumps(document))


@given(st.binary(max_size=200))
def test_any_bytes_give_a_ledger_or_a_serialization_error(data: bytes) -> None:
    with contextlib.suppress(SerializationError):
        ledger_from_json(data, source="L.json")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.sampled_from(["1.00", "NOK", "EUR", "2026-01-02", "entry_posted", "", "-0", "1e99"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*path, i))
    return found


_DEMO_PATHS = [p for p in _paths(DEMO) if p]


@given(st.lists(st.tuples(st.sampled_from(_DEMO_PATHS), _JSON), min_size=1, max_size=3))
def test_a_mutated_ledger_document_loads_or_is_refused_cleanly(
    changes: list[tuple[tuple[Any, ...], Any]],
) -> None:
    """Random values at random places of a real ledger: a ledger or a SerializationError."""
    document = copy.deepcopy(DEMO)
    for path, value in changes:
        where: Any = document
        try:
            for key in path[:-1]:
                where = where[key]
            where[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    with contextlib.suppress(SerializationError):
        ledger_from_json(json.dumps(document))


# -- the command line: exit 1, one line, never a traceback --------------------------------------

BAD_FILES = {
    "duplicate key": DEMO_TEXT[:-1].rstrip().encode() + b', "events": []}',
    "nested deeper": b"[" * 200_000 + b"]" * 200_000,
    "more than 30 digits": DEMO_TEXT.replace('"version": 1', '"version": ' + "9" * 5000).encode(),
    "reads UTF-8 only": DEMO_TEXT.encode("utf-16"),
    "not valid UTF-8": b'{"schema": "reskontro.ledger\xff"}',
    "expected list": json.dumps({**DEMO, "events": {"0": DEMO["events"]}}).encode(),
}


@pytest.mark.parametrize("expected", list(BAD_FILES))
@pytest.mark.parametrize("command", [["open-items"], ["match", "--camt", "in.xml", "--out"]])
def test_the_command_line_refuses_a_bad_ledger_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], expected: str
) -> None:
    path = tmp_path / "L.json"
    path.write_bytes(BAD_FILES[expected])
    if command[0] == "match":
        (tmp_path / "in.xml").write_bytes(b"<x/>")
        command = ["match", "--camt", str(tmp_path / "in.xml"), "--out", str(path)]
    code = main([*command, "--ledger", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("reskontro: error: the ledger file ")
    assert "L.json" in err
    assert expected in err
    assert err.count("\n") == 1
    assert len(err) < 400
    assert path.read_bytes() == BAD_FILES[expected]  # nothing written back


def test_a_parties_file_with_a_duplicate_kid_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "L.json"
    ledger.write_text(DEMO_TEXT, encoding="utf-8")
    parties = tmp_path / "parties.json"
    parties.write_bytes(b'{"12345678903": "10001", "12345678903": "10002"}')
    data = Path(__file__).parent / "data" / "camt054_001_02_kid_sample.xml"
    code = main(["match", "--ledger", str(ledger), "--camt", str(data), "--out", str(ledger),
                 "--parties", str(parties)])
    err = capsys.readouterr().err
    assert code == 1
    assert "the parties file" in err
    assert "duplicate key '12345678903'" in err
    assert ledger.read_text(encoding="utf-8") == DEMO_TEXT


def test_a_deeply_nested_ledger_in_a_real_process_gives_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "L.json"
    path.write_bytes(b'{"a":' * 500_000 + b"1" + b"}" * 500_000)
    done = subprocess.run([sys.executable, "-m", "reskontro", "aging", "--ledger", str(path)],
                          env=ENV, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert "nested deeper than 64 levels" in done.stderr


def test_errors_are_reskontro_errors() -> None:
    assert issubclass(SerializationError, ReskontroError)
