"""Reading a JSON ledger document one event at a time (reskontro.store.read_ledger_document).

It must accept exactly what the strict whole-document reader
(``serialization.ledger_from_json``) accepts, give the same ledger, and fail
with the same error; and it must need less memory on a large document.
"""

from __future__ import annotations

import codecs
import json
import tracemalloc
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import Entry, Ledger, Money, SerializationError
from reskontro.demo import build_demo_ledger
from reskontro.serialization import ledger_from_json
from reskontro.store import _read_document, read_ledger_document
from reskontro.testing import ledgers


def same(data: bytes) -> None:
    """Both readers give the same ledger, or the same SerializationError message."""
    try:
        expected = ledger_from_json(data, source="L.json")
    except SerializationError as error:
        message = str(error)
        expected = None
    if expected is None:
        with pytest.raises(SerializationError) as caught:
            read_ledger_document(data, source="L.json")
        assert str(caught.value) == message
    else:
        assert read_ledger_document(data, source="L.json") == expected
        if b"\\ud" not in data.lower():  # surrogate escapes go to the whole-document reader
            assert _read_document(data) == expected  # one event at a time, no fallback


@given(ledger=ledgers(max_entries=8, max_operations=8), indent=st.sampled_from([None, 0, 1, 4]),
       compact=st.booleans())
def test_any_ledger_reads_the_same_however_it_is_written(
    ledger: Ledger, indent: int | None, compact: bool
) -> None:
    separators = (",", ":") if compact else None
    data = json.dumps(ledger.to_dict(), indent=indent, separators=separators).encode()
    assert _read_document(data) == ledger
    same(data)


DEMO = json.dumps(build_demo_ledger().to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("text", [
    DEMO,
    codecs.BOM_UTF8.decode() + DEMO,
    DEMO.replace('"events"', '"schema": "x", "events"', 1),               # duplicate key
    DEMO.replace('"amount": "', '"amount": "1", "amount": "', 1),         # in an event
    DEMO + " x",                                                          # trailing text
    DEMO[:-40],                                                           # cut short
    DEMO.replace('"version": 1', '"version": 99', 1),
    DEMO.replace('"version": 1', '"version": NaN', 1),
    DEMO.replace('"version": 1', '"version": 1' + "0" * 40, 1),
    DEMO.replace('"text": "', '"text": "\\ud800', 1),                     # lone surrogate
    DEMO.replace('"text": "', '"text": "\\ud83d\\ude00', 1),              # a pair: fine
    DEMO.replace('"events": [', '"events": [' + "[" * 70 + "]" * 70 + ",", 1),
    DEMO.replace('"type": "entry_posted"', '"type": "nonsense"', 1),
    DEMO.replace('"events": [', '"events": [], "events2": [', 1),
    '{"schema": "reskontro.ledger", "version": 1, "local_currency": "NOK", "events": []}',
    '{"schema": "reskontro.ledger", "version": 1, "local_currency": "NOK"}',
    '{"events": [], "events": []}',
    "{}",
    "[]",
    "",
])
def test_every_document_reads_as_the_strict_reader_reads_it(text: str) -> None:
    same(text.encode("utf-8", "surrogatepass"))


def test_not_utf8_is_refused_as_the_strict_reader_refuses_it() -> None:
    same(DEMO.encode("utf-16"))
    same(DEMO.encode("utf-8").replace(b"Kaffe", b"K\xe6ffe", 1))


def test_a_large_document_needs_less_memory_than_the_whole_tree() -> None:
    ledger = Ledger("NOK").post_many(
        Entry.invoice(f"F-{i}", party=str(10000 + i % 50), amount=Money("100", "NOK"),
                      posted=date(2026, 1, 2))
        for i in range(4000)
    )
    data = json.dumps(ledger.to_dict()).encode()

    def peak(read: object) -> int:
        tracemalloc.start()
        try:
            assert read(data) == ledger  # type: ignore[operator]
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak(_read_document) < 0.75 * peak(ledger_from_json)
