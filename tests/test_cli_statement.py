"""The `statement`, `open-items` and `aging` commands, and `demo --save-ledger`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from reskontro import Ledger
from reskontro.cli import main
from reskontro.demo import build_demo_ledger
from test_statement import small_ledger

BANK = "86011117947"


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    """The small statement ledger, saved as reskontro saves it."""
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(small_ledger().to_dict()), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- demo --save-ledger -------------------------------------------------------------------------


def test_demo_can_save_its_ledger_for_the_other_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``demo --save-ledger`` prints the demo and writes a ledger that loads back equal."""
    path = tmp_path / "demo.json"
    code, out, _ = run(capsys, "demo", "--save-ledger", str(path))
    assert code == 0
    assert "demo ledger" in out
    saved = Ledger.from_dict(json.loads(path.read_text(encoding="utf-8")))
    assert saved.open_items() == build_demo_ledger().open_items()
    code, out, _ = run(capsys, "statement", "--ledger", str(path), "--party", "10004")
    assert code == 0
    assert "Kundenr. 10004" in out


# -- statement ------------------------------------------------------------------------------------


def test_statement_prints_the_open_items_in_norwegian_by_default(
    ledger_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Default: open items as of the last event, nb_NO, text on standard output."""
    code, out, err = run(
        capsys, "statement", "--ledger", str(ledger_file), "--party", "10001",
        "--creditor-name", "Kaffegrossisten AS", "--creditor-address", "Bryggen 1",
        "--creditor-address", "5003 Bergen", "--org-no", "988077917",
        "--bank-account", BANK, "--debtor-name", "Fjordkaffe AS",
    )
    assert (code, err) == (0, "")
    assert out.startswith("KONTOUTDRAG\nÅpne poster per 02.02.2026\n")
    for text in ("  Kaffegrossisten AS\n  Bryggen 1\n  5003 Bergen\n  Org.nr. 988 077 917",
                 "Til:\n  Fjordkaffe AS", "Saldo per 02.02.2026  450,00 kr",
                 "KID         100010001020"):
        assert text in out


def test_statement_period_in_english_with_an_as_of_date(
    ledger_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--from`` gives the period view; ``--as-of`` takes ISO or Norwegian dates."""
    code, out, _ = run(capsys, "statement", "--ledger", str(ledger_file), "--party", "10001",
                       "--from", "2026-01-10", "--as-of", "31.01.2026", "--locale", "en_GB")
    assert code == 0
    assert "All entries 10/01/2026 to 31/01/2026" in out
    assert "Opening balance 10/01/2026  NOK1,250.00" in out
    assert "Balance as of 31/01/2026      NOK550.00" in out
    assert "K-103" not in out
    assert "Kreditnota" not in out


def test_statement_writes_html_to_a_file(
    ledger_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--format html --out`` writes the page and says so."""
    page = tmp_path / "statement.html"
    code, out, _ = run(capsys, "statement", "--ledger", str(ledger_file), "--party", "10001",
                       "--format", "html", "--out", str(page),
                       "--creditor-name", "A <b>&</b> B")
    assert (code, out) == (0, f"Wrote {page}\n")
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "A &lt;b&gt;&amp;&lt;/b&gt; B" in text


def test_statement_writes_a_pdf(
    ledger_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--format pdf --out`` writes a PDF whose text has the party, amounts and KID."""
    pdf = tmp_path / "statement.pdf"
    code, _, _ = run(capsys, "statement", "--ledger", str(ledger_file), "--party", "10001",
                     "--format", "pdf", "--out", str(pdf), "--bank-account", BANK)
    assert code == 0
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for expected in ("10001", "450,00 kr", "100010001020", "8601.11.17947"):
        assert expected in text


def test_statement_prints_the_payment_message(
    ledger_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--format payment`` prints the short message for an SMS."""
    code, out, _ = run(capsys, "statement", "--ledger", str(ledger_file), "--party", "10001",
                       "--format", "payment", "--bank-account", BANK,
                       "--creditor-name", "Kaffegrossisten AS")
    assert code == 0
    assert out == ("Kaffegrossisten AS: Betal 450,00 kr til konto 8601.11.17947 med KID "
                   "100010001020. Forfall 26.01.2026.\n")


def test_statement_of_a_supplier(
    ledger_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--side supplier`` reads the supplier ledger and says supplier number."""
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(build_demo_ledger().to_dict()), encoding="utf-8")
    code, out, _ = run(capsys, "statement", "--ledger", str(path), "--party", "20001",
                       "--side", "supplier", "--locale", "en_GB")
    assert code == 0
    assert "Supplier no. 20001" in out
    assert "Balance as of 10/02/2026  -NOK2,500.00" in out


# -- open-items and aging -------------------------------------------------------------------------


def test_open_items_lists_each_side_with_its_sum(
    ledger_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Open items per side, with the sum of what remains."""
    code, out, _ = run(capsys, "open-items", "--ledger", str(ledger_file),
                       "--as-of", "2026-02-10")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Åpne poster per 10.02.2026 (NOK)"
    assert any(line.split()[:3] == ["F-102", "10001", "faktura"] for line in lines)
    assert any(line.split()[:2] == ["F-900", "10002"] for line in lines)
    assert lines[lines.index("Leverandører (leverandørreskontro)") + 1] == "  (ingen åpne poster)"
    assert "Sum" in out
    assert "549,00" in out


def test_open_items_for_one_party_in_english(
    ledger_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--party`` and ``--side`` filter; ``--locale`` changes the numbers and dates."""
    code, out, _ = run(capsys, "open-items", "--ledger", str(ledger_file), "--party", "10002",
                       "--side", "customer", "--locale", "en_GB")
    assert code == 0
    assert "F-900" in out
    assert "F-102" not in out
    assert "Suppliers" not in out
    assert "07/01/2026" in out


def test_aging_prints_the_buckets_per_party(
    ledger_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The aging table has a column per bucket and a total row."""
    code, out, _ = run(capsys, "aging", "--ledger", str(ledger_file), "--as-of", "2026-02-10")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("Aldersfordeling av åpne poster per 10.02.2026, dager etter forfall "
                        "(NOK)")
    assert lines[2].split() == ["Reskontro", "Part", "ikke", "forfalt", "1-30", "31-60", "61-90",
                                "90+", "uten", "forfall", "Sum"]
    assert lines[4].split() == ["kunde", "10001", "0,00", "550,00", "0,00", "0,00", "0,00",
                                "-100,00", "450,00"]
    assert lines[-1].split()[0] == "Sum"
    assert lines[-1].split()[-1] == "549,00"


def test_aging_takes_buckets(ledger_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--buckets`` sets the overdue columns."""
    code, out, _ = run(capsys, "aging", "--ledger", str(ledger_file), "--buckets", "7,14")
    assert code == 0
    assert "1-7" in out
    assert "8-14" in out
    assert "14+" in out


def test_help_shows_the_new_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` lists statement, open-items and aging; each has its own help."""
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "statement" in out
    assert "open-items" in out
    assert "aging" in out
    code, out, _ = run(capsys, "statement", "--help")
    assert code == 0
    assert "--bank-account" in out
    assert "examples:" in out
    assert "--save-ledger" in out


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--party", "99"], "no party '99' on the customer ledger"),
        (["--party", "10001", "--bank-account", "1234"], "not a valid Norwegian bank account"),
        (["--party", "10001", "--org-no", "123"], "not a valid Norwegian organisation number"),
        (["--party", "10001", "--kid", "123456783"], "check digit"),
        (["--party", "10001", "--from", "2026-03-01", "--as-of", "2026-02-01"], "starts on"),
        (["--party", "10001", "--format", "payment"], "nothing to pay"),
    ],
)
def test_refused_statement_exits_1(
    ledger_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """What the engine refuses exits 1 with the reason on standard error."""
    code, out, err = run(capsys, "statement", "--ledger", str(ledger_file), *args)
    assert (code, out) == (1, "")
    assert err.startswith("reskontro: error: ")
    assert message in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{", "is not JSON"),
        (b"\xff\xfe", "reads UTF-8 only"),
        (b"[1, 2]", "expected an object"),
        (b'{"schema": "something else"}', ""),
    ],
)
def test_a_file_that_is_not_a_ledger_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    """A file that is not a saved ledger exits 1, for every report command."""
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    for command in (["statement", "--party", "1"], ["open-items"], ["aging"]):
        code, _, err = run(capsys, *command, "--ledger", str(path))
        assert code == 1
        assert message in err


@pytest.mark.parametrize("command", [["statement", "--party", "1"], ["open-items"], ["aging"]])
def test_a_missing_ledger_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """A file that cannot be read exits 2, as for the match command."""
    code, _, err = run(capsys, *command, "--ledger", str(tmp_path / "missing.json"))
    assert code == 2
    assert "cannot read the ledger file" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13-01"], "is not a date"),
        (["--as-of", "31.1.26"], "is not a date"),
        (["--from", "yesterday"], "is not a date"),
        (["--locale", "xx_XX"], "not a locale"),
        (["--side", "customers"], "not a side"),
        (["--format", "docx"], "invalid choice"),
        (["--format", "pdf"], "give --out"),
    ],
)
def test_usage_errors_exit_2(
    ledger_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """Bad dates, locales, sides and formats are usage errors."""
    code, _, err = run(capsys, "statement", "--ledger", str(ledger_file), "--party", "10001",
                       *args)
    assert code == 2
    assert message in err


def test_missing_party_is_a_usage_error(
    ledger_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``statement`` needs ``--party``."""
    code, _, err = run(capsys, "statement", "--ledger", str(ledger_file))
    assert code == 2
    assert "--party" in err


def test_unknown_party_in_open_items_and_aging_exits_1(
    ledger_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A party filter naming nobody is an error, not an empty report."""
    for command in ("open-items", "aging"):
        code, _, err = run(capsys, command, "--ledger", str(ledger_file), "--party", "99")
        assert code == 1
        assert "no party '99'" in err


def test_an_empty_ledger_needs_an_as_of_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without events there is no last day to default to."""
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(Ledger("NOK").to_dict()), encoding="utf-8")
    code, _, err = run(capsys, "open-items", "--ledger", str(path))
    assert code == 2
    assert "give --as-of" in err
    code, out, _ = run(capsys, "aging", "--ledger", str(path), "--as-of", "2026-01-31")
    assert code == 0
    assert "(ingen åpne poster)" in out


def test_an_unwritable_out_file_exits_2(
    ledger_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Writing into a directory that does not exist fails cleanly."""
    code, _, err = run(capsys, "statement", "--ledger", str(ledger_file), "--party", "10001",
                       "--out", str(tmp_path / "no" / "such" / "dir.txt"))
    assert code == 2
    assert "cannot write" in err
