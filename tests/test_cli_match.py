"""The `match` command: import a bank file into a saved ledger, match, write, summarise."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from reskontro import Entry, Ledger, Money
from reskontro.cli import main
from test_receipts import SMALL_OCR

DATA = Path(__file__).parent / "data"


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    """A saved ledger with the invoices the small OCR file pays."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="10001", amount=Money("1250", "NOK"),
                      posted=date(2025, 1, 2), reference="1234500009877"),
        Entry.invoice("F-2", party="10002", amount=Money("600", "NOK"),
                      posted=date(2025, 1, 3), reference="000149012"),
    ])
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(ledger.to_dict()), encoding="utf-8")
    return path


@pytest.fixture
def ocr_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.ocr"
    path.write_bytes(SMALL_OCR.encode("iso-8859-1"))
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["match", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_match_imports_matches_and_writes_the_new_ledger(
    ledger_file: Path, ocr_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two KID payments matched in full, one unresolved, the new ledger written."""
    out_file = tmp_path / "new.json"
    code, out, _ = run(capsys, "--ledger", str(ledger_file), "--ocr", str(ocr_file),
                       "--out", str(out_file))
    assert code == 0
    assert "imported               2        1 749,50" in out
    assert "matched in full        2" in out
    assert "unresolved             1" in out
    assert "no KID" in out
    new = Ledger.from_dict(json.loads(out_file.read_text(encoding="utf-8")))
    assert [(i.id, i.remaining) for i in new.open_items()] == [("F-2", Money("100.50", "NOK"))]
    assert json.loads(ledger_file.read_text(encoding="utf-8"))["events"][-1]["type"] == (
        "entry_posted"
    )  # the input ledger is untouched


def test_the_same_file_twice_posts_nothing_new(
    ledger_file: Path, ocr_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second import of the file reports every payment as already imported."""
    first = tmp_path / "first.json"
    run(capsys, "--ledger", str(ledger_file), "--ocr", str(ocr_file), "--out", str(first))
    code, out, _ = run(capsys, "--ledger", str(first), "--ocr", str(ocr_file),
                       "--out", str(tmp_path / "second.json"))
    assert code == 0
    assert "already imported       2" in out
    assert "imported               0" in out


def test_camt_and_a_parties_map(
    ledger_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--camt reads a camt.054 file; --parties places what no invoice identifies."""
    parties = tmp_path / "parties.json"
    parties.write_text(json.dumps({"12345678903": "10009"}), encoding="utf-8")
    code, out, _ = run(capsys, "--ledger", str(ledger_file),
                       "--camt", str(DATA / "camt054_001_02_kid_sample.xml"),
                       "--parties", str(parties), "--out", str(tmp_path / "new.json"))
    assert code == 0
    assert "matched in full        2" in out


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (lambda p: ["--ocr", str(p / "missing.ocr")], 2, "cannot read"),
        (lambda p: ["--ocr", str(p / "bad.ocr")], 1, "line 1"),
        (lambda p: ["--ocr", str(p / "in.ocr"), "--strategies", "magic"], 1, "strategy"),
    ],
)
def test_bad_files_and_arguments_exit_non_zero(
    ledger_file: Path, ocr_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    make: object, code: int, message: str,
) -> None:
    """Unreadable, invalid or wrong input gives a clear message and a non-zero exit."""
    (tmp_path / "bad.ocr").write_text("garbage\n", encoding="latin-1")
    args = make(tmp_path)  # type: ignore[operator]
    got, _, err = run(capsys, "--ledger", str(ledger_file), *args,
                        "--out", str(tmp_path / "x.json"))
    assert got == code
    assert message in err
    assert not (tmp_path / "x.json").exists()


def test_the_input_ledger_is_replaced_only_when_out_names_it(
    ledger_file: Path, ocr_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed run leaves the input ledger as it was; --out naming it replaces it."""
    before = ledger_file.read_text(encoding="utf-8")
    (tmp_path / "bad.ocr").write_text("garbage\n", encoding="latin-1")
    code, _, _ = run(capsys, "--ledger", str(ledger_file), "--ocr", str(tmp_path / "bad.ocr"),
                     "--out", str(ledger_file))
    assert code == 1
    assert ledger_file.read_text(encoding="utf-8") == before
    assert run(capsys, "--ledger", str(ledger_file), "--ocr", str(ocr_file),
               "--out", str(ledger_file))[0] == 0
    assert ledger_file.read_text(encoding="utf-8") != before


def test_a_ledger_file_that_is_not_json_is_refused(
    tmp_path: Path, ocr_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ledger file that is not JSON exits 1 with a message."""
    bad = tmp_path / "ledger.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "--ledger", str(bad), "--ocr", str(ocr_file),
                       "--out", str(tmp_path / "x.json"))
    assert code == 1
    assert "not JSON" in err
