"""A fuzz pass over every parser and loader: a parsed value or a ReskontroError, nothing else.

Random bytes, and the real files of ``tests/data`` (and a saved demo ledger)
damaged at random: bytes deleted, inserted, replaced or repeated. The number
of examples follows the Hypothesis profile (``dev``, ``ci-reskontro``,
``thorough``; see ``conftest.py``): ``FUZZ_FACTOR`` times its ``max_examples``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reskontro import Ledger
from reskontro.demo import build_demo_ledger
from reskontro.exceptions import ReskontroError
from reskontro.formats import CamtFile, OcrFile, parse_camt054, parse_ocr
from reskontro.serialization import ledger_from_json, ledger_to_dict, load_json

DATA = Path(__file__).parent / "data"
CAMT = {path.name: path.read_bytes() for path in sorted(DATA.glob("camt054_*.xml"))}
OCR = {path.name: path.read_bytes() for path in sorted(DATA.glob("ocr_giro_*.txt"))}
LEDGER = json.dumps(ledger_to_dict(build_demo_ledger()), ensure_ascii=False, indent=1).encode()

#: Bytes that make a mutation likely to reach deep into a parser rather than fail at once.
_INTERESTING = [
    b"<", b">", b"</", b"/>", b"&", b"&amp;", b"<!DOCTYPE d []>", b"<?xml", b'"', b"'",
    b"0", b"9", b"-", b".", b"\n", b"\r\n", b" ", b"\x00", b"\xff", b"\xc3\xa5", b"\xef\xbb\xbf",
    b"\xb2", "١".encode(), "２".encode(), b"NY", b"CRDT", b"DBIT", b"BOOK", b"true", b"1e999",
    b"{", b"}", b"[", b"]", b":", b",", b"null", b"NaN", b"\\u0000", b"\\ud800",
]

_MUTATION = st.tuples(
    st.sampled_from(["delete", "insert", "replace", "repeat"]),
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=1, max_value=64),
    st.one_of(st.sampled_from(_INTERESTING), st.binary(min_size=1, max_size=8)),
)


def mutate(data: bytes, mutations: list[tuple[str, float, int, bytes]]) -> bytes:
    """*data* with each mutation applied at its relative position."""
    for kind, where, length, piece in mutations:
        at = int(where * len(data))
        if kind == "delete":
            data = data[:at] + data[at + length :]
        elif kind == "insert":
            data = data[:at] + piece + data[at:]
        elif kind == "replace":
            data = data[:at] + piece + data[at + len(piece) :]
        else:
            data = data[:at] + data[at : at + length] * 3 + data[at:]
    return data


def parses_or_refuses(parse: Callable[[bytes], object], data: bytes) -> object:
    """The parsed value, or ``None`` when *parse* refused *data* with a ReskontroError.

    Any other exception fails the test (and Hypothesis shrinks the input).
    """
    try:
        return parse(data)
    except ReskontroError as error:
        message = str(error)
    assert message  # a message, and a printable one
    return None


#: Each fuzz target runs this many times the profile's examples (dev: 300, ci-reskontro: 600,
#: thorough: 10 000): one example costs about a millisecond.
FUZZ_FACTOR = 10
_FUZZ = settings(
    max_examples=settings.default.max_examples * FUZZ_FACTOR,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- random bytes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parse",
    [parse_camt054, parse_ocr, lambda d: parse_camt054(d, strict=False),
     lambda d: parse_ocr(d, strict=True), load_json, ledger_from_json],
    ids=["camt054", "ocr", "camt054-lenient", "ocr-strict", "load_json", "ledger_from_json"],
)
@_FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(parse: Callable[[bytes], object], data: bytes) -> None:
    parses_or_refuses(parse, data)


@_FUZZ
@given(text=st.text(max_size=300))
def test_random_text(text: str) -> None:
    for parse in (parse_camt054, parse_ocr, load_json, ledger_from_json):
        parses_or_refuses(parse, text)  # type: ignore[arg-type]


# -- real files, damaged -----------------------------------------------------------------------


@_FUZZ
@given(
    name=st.sampled_from(sorted(CAMT)),
    mutations=st.lists(_MUTATION, min_size=1, max_size=4),
    strict=st.booleans(),
)
def test_a_damaged_camt054_file(
    name: str, mutations: list[tuple[str, float, int, bytes]], strict: bool
) -> None:
    parsed = parses_or_refuses(lambda d: parse_camt054(d, strict=strict),
                               mutate(CAMT[name], mutations))
    if parsed is not None:
        assert isinstance(parsed, CamtFile)
        for payment in (*parsed.payments, *parsed.unbooked):
            assert payment.amount >= 0
            assert payment.status == "BOOK" or payment in parsed.unbooked


@_FUZZ
@given(
    name=st.sampled_from(sorted(OCR)),
    mutations=st.lists(_MUTATION, min_size=1, max_size=4),
    strict=st.booleans(),
)
def test_a_damaged_ocr_file(
    name: str, mutations: list[tuple[str, float, int, bytes]], strict: bool
) -> None:
    parsed = parses_or_refuses(lambda d: parse_ocr(d, strict=strict), mutate(OCR[name], mutations))
    if parsed is not None:
        assert isinstance(parsed, OcrFile)
        assert parsed.total == sum(p.amount for p in parsed.payments)


# An OCR mutation that keeps every record 80 characters long reaches the field checks.
_OCR_CHARACTERS = st.sampled_from([*"0123456789 -NY²¹³", "\x00", "\x85", "ÿ"])


@_FUZZ
@given(
    name=st.sampled_from(sorted(OCR)),
    changes=st.lists(
        st.tuples(st.floats(min_value=0, max_value=1), st.integers(1, 80), _OCR_CHARACTERS),
        min_size=1, max_size=4,
    ),
)
def test_an_ocr_file_with_characters_changed_in_place(
    name: str, changes: list[tuple[float, int, str]]
) -> None:
    lines = OCR[name].decode("iso-8859-1").splitlines()
    for where, position, character in changes:
        number = int(where * (len(lines) - 1))
        line = lines[number]
        lines[number] = line[: position - 1] + character + line[position:]
    text = "\r\n".join(lines) + "\r\n"
    for data in (text, text.encode("iso-8859-1")):
        parsed = parses_or_refuses(parse_ocr, data)  # type: ignore[arg-type]
        assert parsed is None or isinstance(parsed, OcrFile)


@_FUZZ
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=4))
def test_a_damaged_ledger_file(mutations: list[tuple[str, float, int, bytes]]) -> None:
    data = mutate(LEDGER, mutations)
    parses_or_refuses(load_json, data)
    parsed = parses_or_refuses(ledger_from_json, data)
    assert parsed is None or isinstance(parsed, Ledger)


def test_the_undamaged_files_parse() -> None:
    """The fuzzed files are good to begin with, so damage is what the tests add."""
    refused = {name for name, data in CAMT.items()
               if parses_or_refuses(lambda d: parse_camt054(d, strict=False), data) is None}
    assert refused == {"camt054_001_02_genkgo_no_transaction_amounts.xml"}  # refused by design
    assert all(isinstance(parse_ocr(data), OcrFile) for data in OCR.values())
    assert ledger_from_json(LEDGER) == build_demo_ledger()
