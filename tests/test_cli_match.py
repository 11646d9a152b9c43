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
    # the bank's identity is in the written file as fields, never folded into the text
    written = json.loads((tmp_path / "new.json").read_text(encoding="utf-8"))
    payments = [e["entry"] for e in written["events"]
                if e["type"] == "entry_posted" and e["entry"]["kind"] == "payment"]
    assert payments
    assert all("[konto" not in p["text"] and p["document_no"] is None for p in payments)
    assert any(p.get("payer_account") for p in payments)


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


def camt_entry(amount: str, *, ccy: str = "NOK", credit: bool = True, reversal: bool = False,
               status: str = "BOOK", ref: str, kid: str | None = None,
               e2e: str | None = None) -> str:
    rvsl = "<RvslInd>true</RvslInd>" if reversal else ""
    remit = (f"<RmtInf><Strd><CdtrRefInf><Ref>{kid}</Ref></CdtrRefInf></Strd></RmtInf>"
             if kid else "")
    refs = f"<Refs><AcctSvcrRef>{ref}-T</AcctSvcrRef>" + (
        f"<EndToEndId>{e2e}</EndToEndId>" if e2e else "") + "</Refs>"
    return (
        f'<Ntry><Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}'
        f"</CdtDbtInd>{rvsl}<Sts>{status}</Sts><BookgDt><Dt>2025-01-20</Dt></BookgDt>"
        f"<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls>{refs}"
        f'<AmtDtls><TxAmt><Amt Ccy="{ccy}">{amount}</Amt></TxAmt></AmtDtls>{remit}'
        f"</TxDtls></NtryDtls></Ntry>"
    )


def camt_file(*entries: str) -> str:
    return (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">'
        "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>DAY</MsgId></GrpHdr><Ntfctn>"
        + "".join(entries) + "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    )


def test_a_clerks_day_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reversal undone, EUR posted with --rates, pending reported, mistyped KID with candidates."""
    from reskontro.rates import RateTable

    rates = RateTable("NOK", {("EUR", date(2025, 1, 2)): "11.50"})
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="10001", amount=Money("1250", "NOK"),
                      posted=date(2025, 1, 2), reference="1234500009877"),
        Entry.invoice("F-2", party="10002", amount=Money("600", "NOK"),
                      posted=date(2025, 1, 3), reference="000149012"),
        Entry.invoice("F-E", party="20001", amount=Money("100", "EUR"),
                      posted=date(2025, 1, 2), reference="2000100000015", rates=rates),
    ])
    ledger_file = tmp_path / "ledger.json"
    ledger_file.write_text(json.dumps(ledger.to_dict()), encoding="utf-8")
    yesterday = tmp_path / "yesterday.xml"
    yesterday.write_text(camt_file(camt_entry("1250.00", ref="D1", kid="1234500009877",
                                              e2e="A-1")), encoding="utf-8")
    day1 = tmp_path / "day1.json"
    assert run(capsys, "--ledger", str(ledger_file), "--camt", str(yesterday),
               "--out", str(day1))[0] == 0
    today = tmp_path / "today.xml"
    today.write_text(camt_file(
        camt_entry("1250.00", credit=False, reversal=True, ref="D2", e2e="A-1"),
        camt_entry("600.00", ref="D3", kid="000194012"),
        camt_entry("100.00", ccy="EUR", ref="D4", kid="2000100000015"),
        camt_entry("75.00", ref="D5", kid="1234500009877", status="PDNG"),
    ), encoding="utf-8")
    rates_file = tmp_path / "rates.csv"
    rates_file.write_text("currency,date,rate\nEUR,2025-01-20,11.60\n", encoding="utf-8")
    out_file = tmp_path / "day2.json"
    code, out, err = run(capsys, "--ledger", str(day1), "--camt", str(today),
                         "--rates", str(rates_file), "--out", str(out_file))
    assert (code, err) == (0, "")
    assert "imported               1        1 160,00" in out
    assert "reversed               1  (payments undone)" in out
    assert "undoes BANK-D1/D1-T" in out
    assert "not booked             1  (reported, not posted)" in out
    assert "D5/D5-T: 75.00 NOK: status PDNG" in out
    assert "[invalid_kid] KID '000194012' fails its MOD10 or MOD11 check digit" in out
    assert "      1. F-2: invoice F-2 has KID 000149012: digits 5 and 6 swapped" in out
    new = Ledger.from_dict(json.loads(out_file.read_text(encoding="utf-8")))
    assert new.entry("BANK-D2/D2-T").reverses == "BANK-D1/D1-T"
    assert new.item("F-1").remaining == Money("1250.00", "NOK")
    assert new.item("F-E").remaining == Money("0.00", "EUR")
    assert "BANK-D5/D5-T" not in new
    # EUR 100 booked at 11.50 (NOK 1 150) and paid at 11.60 (NOK -1 160): NOK 10 agio,
    # realized in the match at once, so it closes in both currencies
    assert "exchange diff.         1           10,00  (realized in the matches)" in out
    eur_match = new.match_of("F-E")
    assert eur_match is not None
    assert eur_match.is_closed
    (fx,) = [new.entry(i) for i in eur_match.entry_ids if new.entry(i).kind == "fx_gain"]
    assert fx.amount_local == Money("10.00", "NOK")
    assert new.item("BANK-D4/D4-T").remaining_local == Money("0.00", "NOK")


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_rates_as_csv_or_json_and_settled_kid_post(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    """Both rate formats place a EUR payment; --settled-kid post keeps a double payment open."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-E", party="20001", amount=Money("100", "EUR"),
                      posted=date(2025, 1, 2), reference="2000100000015",
                      amount_local=Money("1150", "NOK")),
        Entry.invoice("F-1", party="10001", amount=Money("500", "NOK"),
                      posted=date(2025, 1, 2), reference="1234500009877"),
        Entry.payment("P-1", party="10001", amount=Money("-500", "NOK"),
                      posted=date(2025, 1, 3)),
    ]).match(["F-1", "P-1"])
    ledger_file = tmp_path / "ledger.json"
    ledger_file.write_text(json.dumps(ledger.to_dict()), encoding="utf-8")
    camt = tmp_path / "in.xml"
    camt.write_text(camt_file(camt_entry("100.00", ccy="EUR", ref="E", kid="2000100000015"),
                              camt_entry("500.00", ref="T", kid="1234500009877")),
                    encoding="utf-8")
    rates_file = tmp_path / f"rates.{suffix}"
    rates_file.write_text(
        "currency;date;rate\nEUR;2025-01-15;11,60\n" if suffix == "csv"
        else '[{"currency": "EUR", "date": "2025-01-15", "rate": 11.60}]', encoding="utf-8")
    out_file = tmp_path / "new.json"
    code, out, _ = run(capsys, "--ledger", str(ledger_file), "--camt", str(camt),
                       "--rates", str(rates_file), "--settled-kid", "post",
                       "--out", str(out_file))
    assert code == 0
    assert "paid twice             1  (left open as credits)" in out
    new = Ledger.from_dict(json.loads(out_file.read_text(encoding="utf-8")))
    assert new.entry("BANK-E/E-T").amount_local == Money("-1160.00", "NOK")
    assert new.item("BANK-T/T-T").remaining == Money("-500.00", "NOK")
    assert new.item("BANK-T/T-T").match_id is None


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (None, 2, "cannot read the rates file"),
        ("currency,day,rate\nEUR,2025-01-15,11.6\n", 1, "missing date"),
        ("currency,date,rate\nEUR,2025-01-15,-1\n", 1, "is out of range"),
        ('{"EUR": 11.6}', 1, "must be a list"),
        ("currency,date,rate\nEUR,2025-01-15,1.5e\n", 1, "row 2: rate must be a number"),
    ],
)
def test_a_bad_rates_file_is_refused_and_nothing_written(
    ledger_file: Path, ocr_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    content: str | None, code: int, message: str,
) -> None:
    """A missing or invalid rates file: a message naming the file and row, no output."""
    rates_file = tmp_path / "rates.csv"
    if content is not None:
        rates_file.write_text(content, encoding="utf-8")
    got, _, err = run(capsys, "--ledger", str(ledger_file), "--ocr", str(ocr_file),
                      "--rates", str(rates_file), "--out", str(tmp_path / "x.json"))
    assert got == code
    assert message in err
    assert not (tmp_path / "x.json").exists()
