"""The scripts in ``examples/`` run and print what they promise."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name: str, capsys: pytest.CaptureFixture[str]) -> str:
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return capsys.readouterr().out


def test_every_example_is_tested() -> None:
    """Each script in examples/ has a test in this module."""
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == [
        "collecting.py",
        "corrections.py",
        "notebook.py",
        "payments_in.py",
        "quickstart.py",
        "serialize.py",
    ]


def test_quickstart_matches_reports_and_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    """The quickstart shows a partial payment, open items, balances, as_of and refusals."""
    out = run_example("quickstart.py", capsys)
    assert "F-2001 after a partial payment: 4000.00 NOK" in out
    assert "C30002-M1: 3 entries, oldest invoice 2002, outstanding 0.00 NOK (closed)" in out
    assert "customer 30001 / 1500: 4000.00 NOK" in out
    assert "still open on the customer ledger: 9700.00 NOK" in out
    assert "still open on the supplier ledger: -6000.00 NOK" in out
    assert "Refused: entry 'P-11' is already in the ledger (entry_id='P-11')" in out
    assert "P-13 was not posted either: True" in out
    assert "must be negative or zero" in out


def test_corrections_shows_all_four_ways(capsys: pytest.CaptureFixture[str]) -> None:
    """Reversal, removal, dissolve and the collector's recipe each print their result."""
    out = run_example("corrections.py", capsys)
    assert "F-3002-R: closed, remaining 0.00 NOK" in out
    assert "history of F-3002: ['EntryPosted', 'EntryReversed']" in out
    assert "refused: entry 'F-3003' shares match" in out
    assert "removed: F-3010: open, remaining 1000.00 NOK, match K-A" in out
    assert "as of 19.04: F-3010: closed" in out
    assert "K-C dissolved on 2026-04-21" in out
    assert "corrected: F-3040: open, remaining 3000.00 NOK, match K-E" in out
    assert "F-3041: closed, remaining 0.00 NOK, match K-F" in out
    assert "balances: 50004 3000.00 NOK | 50005 0.00 NOK" in out
    assert (
        "events the correction added (nothing undone): "
        "EntryPosted, EntryPosted, EntriesMatched, EntriesMatched"
    ) in out


def test_serialize_round_trips_the_demo_ledger(capsys: pytest.CaptureFixture[str]) -> None:
    """The serialize example gets equal ledgers back from JSON and from an event log."""
    out = run_example("serialize.py", capsys)
    assert "schema 'reskontro.ledger', version 1, 34 events" in out
    assert "loaded == original: True" in out
    assert "same open items as of 2026-01-31: True" in out
    assert "replayed from 34 log rows == original: True" in out
    assert "customer 10003 / 1500: -500.00 NOK" in out


def test_payments_in_imports_matches_and_refuses_a_second_import(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The payments example makes KIDs, imports an OCR file, matches by KID, and re-imports."""
    out = run_example("payments_in.py", capsys)
    assert "invoice 1001 to 10001: 1250.00 NOK, KID 100010010013" in out
    assert "OCR file: 2 payments, 3250.00 NOK" in out
    assert "-> F-1001 (kid: KID 100010010013 is the reference of F-1001)" in out
    assert "F-1003                 10002  1000.00 NOK" in out
    assert "the same file again: 0 new, 2 already imported" in out
    assert "[invalid_kid] KID '100001010021' fails its MOD10 or MOD11 check digit" in out
    assert "1. F-1002: invoice F-1002 has KID 100010010021: digits 5 and 6 swapped" in out


def test_notebook_shows_dataframes_and_writes_a_statement(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The notebook script prints the summary, open items and aging, and writes a statement."""
    monkeypatch.setattr("sys.argv", ["notebook.py", str(tmp_path)])
    out = run_example("notebook.py", capsys)
    assert "P-3 -> F-1004 (document)" in out
    assert "receivable 10002    1500           2       4875.00" in out
    assert "open items: 4, remaining 12250.00 NOK" in out
    assert "receivable 10001    0.00    0.00 3125.00" in out  # aging: 31-60 days
    assert "3 125,00 kr" in out  # the statement, in nb_NO
    assert "100010030011" in out  # the KID to pay with
    page = tmp_path / "statement-10001.html"
    assert "Kaffegrossisten AS" in page.read_text(encoding="utf-8")


def test_collecting_dunns_on_the_first_allowed_days(capsys: pytest.CaptureFixture[str]) -> None:
    """The collecting example ages, dunns step by step, records notices and proposes interest."""
    out = run_example("collecting.py", capsys)
    assert "14 dager netto: F-1 due 2026-01-19" in out
    assert "  30001: 0.00 | 6000.00 | 0.00 | 0.00 | 0.00 | 0.00 = 6000.00 NOK" in out
    assert "2026-02-02: reminder to 30001 for F-1: 6000.00 NOK + interest 35.51 NOK" in out
    assert "2026-02-17: collection notice to 30001" in out
    assert "2026-03-04: handover to 30001" in out
    assert "last notice about F-1: handover on 2026-03-04" in out
    assert "interest note R-30001-20260331: 147.95 NOK (debit 1500, credit 8055)" in out
