"""The `dunning`, `interest` and `fx` commands, and CSV/JSON output of `open-items` and `aging`.

Tried the way an accountant collects from a NOK and a EUR customer: plan the
run, record it with its fees, write the letters, charge interest, settle and
revalue the EUR items, report the exchange result.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from reskontro import Entry, Ledger, Money
from reskontro.cli import main

BANK = "86011117947"


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def book() -> Ledger:
    return Ledger("NOK").post_many([
        Entry.invoice("F-1", party="10001", amount=nok("12500"), posted=date(2026, 1, 5),
                      due=date(2026, 1, 19), document_no="1001", reference="100010010013"),
        Entry.invoice("F-2", party="20001", amount=eur("4200"), amount_local=nok("48300"),
                      posted=date(2026, 1, 5), due=date(2026, 1, 19), document_no="2001",
                      reference="200010023"),
        Entry.invoice("F-3", party="20001", amount=eur("1000"), amount_local=nok("11500"),
                      posted=date(2026, 1, 6), due=date(2026, 3, 6), document_no="2002"),
        Entry.payment("P-3", party="20001", amount=eur("-1000"), amount_local=nok("-11700"),
                      posted=date(2026, 1, 30)),
    ]).match(["F-3", "P-3"])


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(book().to_dict()), encoding="utf-8")
    return path


@pytest.fixture
def rates_file(tmp_path: Path) -> Path:
    path = tmp_path / "rates.csv"
    path.write_text("currency,date,rate\nEUR,2026-01-01,11.50\nEUR,2026-02-27,11.90\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def settled_file(ledger_file: Path, tmp_path: Path) -> Path:
    """The book after ``fx settle``: the EUR payment's agio realized, so the customer is not
    held back for an open kroner difference."""
    path = tmp_path / "settled.json"
    assert main(["fx", "settle", "--ledger", str(ledger_file), "--out", str(path)]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def load(path: Path) -> Ledger:
    return Ledger.from_dict(json.loads(path.read_text(encoding="utf-8")))


# -- dunning ---------------------------------------------------------------------------------


def test_dunning_plan_as_a_norwegian_table(
    settled_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "dunning", "plan", "--ledger", str(settled_file),
                         "--as-of", "2026-02-05")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == ("Purrekjøring 05.02.2026: 2 varsler, 0 kunder holdt tilbake, "
                        "0 poster hoppet over")
    assert lines[2].split()[:4] == ["Kunde", "Varsel", "Bilagsnr.", "Forfall"]
    assert any(row.split()[:3] == ["20001", "purring", "2001"] and "EUR" in row for row in lines)
    assert "35,00 NOK" in out


def test_dunning_plan_in_english_and_as_csv_and_json(
    settled_file: Path, rates_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "dunning", "plan", "--ledger", str(settled_file), "--as-of",
                       "2026-02-05", "--locale", "en_GB")
    assert code == 0
    assert out.startswith("Dunning run of 05/02/2026: 2 notices")
    assert "reminder" in out
    code, out, _ = run(capsys, "dunning", "plan", "--ledger", str(settled_file), "--as-of",
                       "2026-02-05", "--format", "csv", "--fee-currency", "invoice",
                       "--rates", str(rates_file))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    eur_row = next(row for row in rows if row["party"] == "20001")
    assert (eur_row["currency"], eur_row["fee_currency"], eur_row["notice_fee"]) == (
        "EUR", "EUR", "3.04")
    assert eur_row["deadline"] == "2026-02-19"
    code, out, _ = run(capsys, "dunning", "plan", "--ledger", str(settled_file), "--as-of",
                       "2026-02-05", "--format", "json", "--business", "10001")
    records = json.loads(out)
    assert next(r for r in records if r["party"] == "10001")["notice_fee"] == "460.00"


def test_dunning_record_then_the_next_run_sends_the_collection_notice(
    settled_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "after.json"
    code, out, _ = run(capsys, "dunning", "record", "--ledger", str(settled_file), "--as-of",
                       "2026-02-05", "--post-fees", "--out", str(recorded))
    assert code == 0
    assert out == f"Registrerte 2 varsler og bokførte 2 gebyrer i {recorded}\n"
    after = load(recorded)
    assert after.balance(party="10001").local == nok("12535.00")
    assert after.last_notice("F-2") is not None
    code, out, _ = run(capsys, "dunning", "plan", "--ledger", str(recorded), "--as-of",
                       "2026-02-20", "--format", "json")
    assert {r["level"] for r in json.loads(out)} == {"collection_notice"}


def test_dunning_letters_to_a_folder_as_pdf_html_and_text(
    settled_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    debtors = tmp_path / "debtors.json"
    debtors.write_text(json.dumps({"20001": {"name": "Hansen Kaffeimport GmbH",
                                             "address": ["20457 Hamburg"]}}), encoding="utf-8")
    common = ["dunning", "letters", "--ledger", str(settled_file), "--as-of", "2026-02-05",
              "--dir", str(folder), "--creditor-name", "Kaffegrossisten AS",
              "--bank-account", BANK, "--iban", "NO9386011117947", "--bic", "DNBANOKKXXX",
              "--debtors", str(debtors)]
    code, out, err = run(capsys, *common)
    assert (code, err) == (0, "")
    assert out == f"Skrev 2 brev til {folder}\n"
    pdfs = sorted(folder.glob("*.pdf"))
    assert [p.name for p in pdfs] == ["20260205-reminder-10001-NOK-1.pdf",
                                      "20260205-reminder-20001-EUR-1.pdf"]
    text = PdfReader(pdfs[1]).pages[0].extract_text()
    assert "Hansen Kaffeimport GmbH" in text
    assert "RF04200010023" in text
    code, _, _ = run(capsys, *common, "--format", "html", "--locale", "en_GB",
                     "--layout", "per_invoice")
    assert code == 0
    page = (folder / "20260205-reminder-20001-EUR-1.html").read_text(encoding="utf-8")
    assert "Payment reminder – Invoice 2001" in page
    code, _, _ = run(capsys, *common, "--format", "text")
    assert "PURRING" in (folder / "20260205-reminder-10001-NOK-1.txt").read_text(
        encoding="utf-8")


def test_file_errors_name_the_file(
    ledger_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    code, _, err = run(capsys, "dunning", "letters", "--ledger", str(ledger_file),
                       "--dir", str(missing), "--creditor-name", "Us AS")
    assert code == 2
    assert str(missing) in err
    bad = tmp_path / "rates.csv"
    bad.write_text("currency,date,rate\nEUR,2026-01-01,abc\n", encoding="utf-8")
    code, _, err = run(capsys, "fx", "revalue", "--ledger", str(ledger_file), "--rates",
                       str(bad), "--out", str(tmp_path / "x.json"))
    assert code == 1
    assert str(bad) in err
    code, _, err = run(capsys, "interest", "--ledger", str(tmp_path / "none.json"))
    assert code == 2
    assert "none.json" in err
    debtors = tmp_path / "debtors.json"
    debtors.write_text("[1]", encoding="utf-8")
    code, _, err = run(capsys, "dunning", "letters", "--ledger", str(ledger_file),
                       "--dir", str(tmp_path), "--creditor-name", "Us AS",
                       "--debtors", str(debtors))
    assert code == 1
    assert str(debtors) in err


# -- interest ---------------------------------------------------------------------------------


def test_interest_table_records_and_posting(
    ledger_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "interest", "--ledger", str(ledger_file), "--as-of", "2026-03-02")
    assert code == 0
    assert out.startswith("Forsinkelsesrente per 02.03.2026: 2 rentenotaer")
    code, out, _ = run(capsys, "interest", "--ledger", str(ledger_file), "--as-of",
                       "2026-03-02", "--format", "json")
    records = json.loads(out)
    assert {r["currency"] for r in records} == {"NOK", "EUR"}
    eur_line = next(r for r in records if r["currency"] == "EUR")
    assert eur_line["interest"] == "57.99"  # 4 200 EUR x 12 % x 42/365, in euro
    posted = tmp_path / "with-interest.json"
    code, out, _ = run(capsys, "interest", "--ledger", str(ledger_file), "--as-of",
                       "2026-03-02", "--out", str(posted), "--locale", "en_GB")
    assert code == 0
    assert f"Wrote {posted}" in out
    assert load(posted).balance(party="20001")["EUR"] == eur("4257.99")


# -- fx ---------------------------------------------------------------------------------------


def test_fx_settle_revalue_and_report(
    ledger_file: Path, rates_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settled = tmp_path / "settled.json"
    code, out, _ = run(capsys, "fx", "settle", "--ledger", str(ledger_file), "--out",
                       str(settled))
    assert code == 0
    assert out == f"Oppgjør av 1 valutakoblinger bokført i {settled}\n"
    revalued = tmp_path / "revalued.json"
    code, out, _ = run(capsys, "fx", "revalue", "--ledger", str(settled), "--rates",
                       str(rates_file), "--as-of", "2026-02-28", "--out", str(revalued))
    assert code == 0
    assert "Omregnet 1 åpne valutaposter per 28.02.2026" in out
    code, out, _ = run(capsys, "fx", "report", "--ledger", str(revalued), "--as-of",
                       "2026-02-28", "--format", "json")
    report, = json.loads(out)
    assert report["gain"] == "200.00"  # paid 11 700 kr for an 11 500 kr invoice
    assert report["unrealized_open"] == "1680.00"  # 4 200 EUR at 11.90 against 11.50
    code, out, _ = run(capsys, "fx", "report", "--ledger", str(revalued), "--as-of",
                       "2026-02-28", "--locale", "en_GB")
    assert "Realized gain" in out
    assert "NOK200.00" in out


# -- open-items and aging as records ------------------------------------------------------------


def test_open_items_and_aging_as_csv_and_json(
    ledger_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "open-items", "--ledger", str(ledger_file), "--as-of",
                       "2026-02-05", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["id"] for row in rows} == {"F-1", "F-2", "P-3"}  # P-3: agio not yet settled
    code, out, _ = run(capsys, "aging", "--ledger", str(ledger_file), "--as-of", "2026-02-05",
                       "--format", "json")
    assert code == 0
    assert {r["party"] for r in json.loads(out)} == {"10001", "20001"}
    code, out, _ = run(capsys, "open-items", "--ledger", str(ledger_file), "--as-of",
                       "2026-02-05", "--locale", "en_GB")
    assert out.startswith("Open items as of 05/02/2026 (NOK)")
    assert "Customers (kundereskontro)" in out


def test_help_lists_the_collecting_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("dunning", "interest", "fx"):
        assert command in out
    code, out, _ = run(capsys, "dunning", "--help")
    assert all(step in out for step in ("plan", "record", "letters"))
