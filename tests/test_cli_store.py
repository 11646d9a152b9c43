"""The command line on an event store: ``--ledger STORE``, ``match``, ``export`` and ``import``.

Every test runs on a SQLite file and on a PostgreSQL database (the ``target``
fixture of test_store).
"""

from __future__ import annotations

import json
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from reskontro import Entry, Ledger, Money
from reskontro.cli import DATABASE_URL_ENV, main
from reskontro.demo import build_demo_ledger
from reskontro.serialization import ledger_from_json
from reskontro.store import open_store
from test_receipts import SMALL_OCR
from test_store import rows, target

__all__ = ["target"]  # the fixture, imported for pytest

DAYS_LEDGER = Ledger("NOK").post_many([
    Entry.invoice("F-1", party="10001", amount=Money("1250", "NOK"),
                  posted=date(2025, 1, 2), reference="1234500009877"),
    Entry.invoice("F-2", party="10002", amount=Money("600", "NOK"),
                  posted=date(2025, 1, 3), reference="000149012"),
])


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ocr_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.ocr"
    path.write_bytes(SMALL_OCR.encode("iso-8859-1"))
    return path


@pytest.fixture
def stored(target: str) -> str:
    """A store holding DAYS_LEDGER."""
    with open_store(target) as store:
        store.append(DAYS_LEDGER, base=Ledger("NOK"))
    return target


def test_a_days_match_appends_only_the_days_events(
    stored: str, ocr_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = rows(stored)
    code, out, err = cli(capsys, "match", "--ledger", stored, "--ocr", str(ocr_file))
    assert code == 0, err
    assert "matched in full        2" in out
    after = rows(stored)
    with open_store(stored) as store:
        ledger = store.load()
    added = ledger.event_count - DAYS_LEDGER.event_count
    assert added == 4  # two payments posted, two matches
    assert f"Appended {added} events to" in out
    # the rows before are untouched; exactly the day's events were added
    assert after["reskontro_events"][: len(before["reskontro_events"])] == (
        before["reskontro_events"]
    )
    assert len(after["reskontro_events"]) == len(before["reskontro_events"]) + added
    assert [(i.id, i.remaining) for i in ledger.open_items()] == [
        ("F-2", Money("100.50", "NOK"))
    ]
    # the same file again: recognised, nothing appended
    code, out, _ = cli(capsys, "match", "--ledger", stored, "--ocr", str(ocr_file))
    assert code == 0
    assert "already imported       2" in out
    assert "Appended 0 events" in out
    assert rows(stored) == after


def test_the_reports_read_a_store_from_the_option_or_the_environment(
    stored: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    json_file = tmp_path / "ledger.json"
    json_file.write_text(json.dumps(DAYS_LEDGER.to_dict()), encoding="utf-8")
    expected = cli(capsys, "open-items", "--ledger", str(json_file))
    assert expected[0] == 0
    assert cli(capsys, "open-items", "--ledger", stored) == expected
    assert cli(capsys, "open-items", "--database-url", stored) == expected
    monkeypatch.setenv(DATABASE_URL_ENV, stored)
    assert cli(capsys, "open-items") == expected
    code, out, _ = cli(capsys, "statement", "--party", "10001")
    assert code == 0
    assert "1 250,00" in out


def test_without_a_ledger_the_usage_error_names_the_ways_to_give_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    code, _, err = cli(capsys, "aging")
    assert code == 2
    assert "--database-url" in err
    assert DATABASE_URL_ENV in err
    monkeypatch.setenv(DATABASE_URL_ENV, "ledger.json")
    code, _, err = cli(capsys, "aging")
    assert code == 2
    assert "must name a store" in err


def test_match_on_a_store_takes_no_out_and_on_json_needs_it(
    stored: str, ocr_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "match", "--ledger", stored, "--ocr", str(ocr_file),
                       "--out", str(tmp_path / "x.json"))
    assert code == 2
    assert "--out is for a JSON ledger" in err
    json_file = tmp_path / "ledger.json"
    json_file.write_text(json.dumps(DAYS_LEDGER.to_dict()), encoding="utf-8")
    code, _, err = cli(capsys, "match", "--ledger", str(json_file), "--ocr", str(ocr_file))
    assert code == 2
    assert "needs --out" in err


def test_export_and_import_round_trip_compact_json(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = build_demo_ledger()
    source = tmp_path / "demo.json"
    source.write_text(json.dumps(demo.to_dict(), indent=1), encoding="utf-8")
    code, out, err = cli(capsys, "import", str(source), "--ledger", target)
    assert code == 0, err
    assert f"Imported {demo.event_count} events" in out
    with open_store(target) as store:
        assert store.load() == demo
    exported = tmp_path / "out.json"
    code, out, _ = cli(capsys, "export", "--ledger", target, str(exported))
    assert code == 0
    data = exported.read_bytes()
    assert ledger_from_json(data) == demo
    assert b"\n" not in data.rstrip(b"\n")  # compact: one line
    assert b", " not in data.split(b'"events"')[0]
    # a JSON ledger exports to the same bytes
    again = tmp_path / "again.json"
    assert cli(capsys, "export", "--ledger", str(source), str(again))[0] == 0
    assert again.read_bytes() == data
    # import refuses a store that holds events, and writes nothing
    before = rows(target)
    code, _, err = cli(capsys, "import", str(source), "--ledger", target)
    assert code == 2
    assert "already holds" in err
    assert rows(target) == before


def test_import_refuses_a_bad_document_and_a_json_target(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "reskontro.ledger", "schema": 1}', encoding="utf-8")
    code, _, err = cli(capsys, "import", str(bad), "--ledger", target)
    assert code == 1
    assert "duplicate key" in err
    with open_store(target) as store:
        assert store.event_count() == 0
    code, _, err = cli(capsys, "import", str(bad), "--ledger", str(tmp_path / "x.json"))
    assert code == 2
    assert "import writes into a store" in err


def test_a_failed_export_leaves_the_old_file(
    stored: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "out.json"
    out.write_text("old\n", encoding="utf-8")
    from reskontro.store import Store

    def broken(self: Store) -> object:
        yield b'{"schema":'
        raise OSError(5, "the disk went away")

    monkeypatch.setattr(Store, "dump_json", broken)
    code, _, err = cli(capsys, "export", "--ledger", stored, str(out))
    assert code == 2
    assert "unchanged" in err
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in out.parent.iterdir()] == ["out.json"]


def test_export_streams_event_by_event(tmp_path: Path) -> None:
    """The export's memory stays near one page of events, not the whole document."""
    ledger = Ledger("NOK").post_many(
        Entry.invoice(f"F-{i}", party=str(10000 + i % 50), amount=Money("100", "NOK"),
                      posted=date(2026, 1, 2), text="x" * 200)
        for i in range(6000)
    )
    path = str(tmp_path / "big.db")
    with open_store(path) as store:
        store.append(ledger, base=Ledger("NOK"))
    out = tmp_path / "big.json"
    tracemalloc.start()
    try:
        assert main(["export", "--ledger", path, str(out)]) == 0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = out.stat().st_size
    assert size > 3_000_000
    assert peak < size / 4, (peak, size)
    assert ledger_from_json(out.read_bytes()) == ledger


def test_demo_saves_into_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "demo.db")
    assert cli(capsys, "demo", "--save-ledger", path)[0] == 0
    assert cli(capsys, "demo", "--save-ledger", path)[0] == 0  # the same ledger: nothing new
    with open_store(path) as store:
        assert store.load() == build_demo_ledger()


def test_a_match_that_loses_a_race_loads_again_and_redoes_the_day(
    stored: str, ocr_file: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another writer appends to the same customer between our load and our append."""
    from reskontro.store import Store

    real = Store.append
    raced = []

    def append_after_a_rival(self: Store, ledger: Ledger, *, base: Ledger) -> int:
        if not raced:  # the rival's invoice lands first, on customer 10001
            raced.append(True)
            rival = base.post(Entry.invoice("F-9", party="10001", amount=Money("5", "NOK"),
                                            posted=date(2025, 1, 4)))
            real(self, rival, base=base)
        return real(self, ledger, base=base)

    monkeypatch.setattr(Store, "append", append_after_a_rival)
    code, out, err = cli(capsys, "match", "--ledger", stored, "--ocr", str(ocr_file))
    monkeypatch.undo()
    assert code == 0, err
    assert "Appended 4 events" in out
    with open_store(stored) as store:
        ledger = store.load()
    assert "F-9" in ledger
    assert ledger.event_count == DAYS_LEDGER.event_count + 1 + 4
