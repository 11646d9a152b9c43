"""The command line: ``reskontro demo``, ``--help``, ``--version`` and usage errors."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

import pytest

from reskontro import InvalidEntryError, Money, cli
from reskontro.cli import format_amount, main


def demo_output(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["demo"]) == 0
    return capsys.readouterr().out


def table_after(text: str, heading: str, column: str) -> tuple[str, list[str]]:
    """The header line of the first table after *heading* with *column*, and its rows."""
    lines = text.splitlines()
    start = lines.index(heading)
    header_at = next(
        i
        for i in range(start, len(lines) - 1)
        if column in lines[i].split() and lines[i + 1].startswith("--")
    )
    rows = []
    for line in lines[header_at + 2 :]:
        if not line or line.startswith("-"):
            break
        rows.append(line)
    return lines[header_at], rows


def test_demo_returns_zero_and_prints_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    """``main(["demo"])`` exits 0 and prints the five titled sections."""
    out = demo_output(capsys)
    for heading in (
        "1. Open items on 10.02.2026 (åpne poster)",
        "2. Matches (koblinger)",
        "3. Balances per sub-account",
        "4. Corrections kept in the history",
        "5. Open items as of 31.01.2026 (åpne poster per 31.01.2026)",
    ):
        assert heading in out.splitlines()
    assert out.startswith(f"reskontro {version('reskontro')}: demo ledger\n")


def test_demo_prints_known_ids_names_and_amounts(capsys: pytest.CaptureFixture[str]) -> None:
    """The output names the demo's entries, matches, parties and amounts."""
    out = demo_output(capsys)
    for text in (
        "F-1002", "P-4", "LF-5502", "M3", "M5", "M6",
        "10002 Nordlys Bakeri AS", "20001 Kontorpartner AS",
        "3 000,00", "-500,00", "11 875,00", "-2 500,00",
        "customer credit (innestående)", "we owe",
    ):
        assert text in out


def test_demo_prints_aging_and_a_dunning_plan(capsys: pytest.CaptureFixture[str]) -> None:
    """Sections 7 and 8: the aging table per party and the notices a run proposes today."""
    out = demo_output(capsys)
    header, rows = table_after(out, "7. Aging on 10.02.2026 (aldersfordeling)", "Party")
    assert header.split()[:4] == ["Side", "Party", "not", "due"]
    hansen = next(row for row in rows if "10004 Hansen Regnskap" in row)
    assert hansen.endswith("5 000,00")
    assert "3 125,00  1 875,00" in hansen
    _, notices = table_after(
        out, "8. Dunning run on 10.02.2026 (purring og inkassovarsel)", "Notice")
    assert len(notices) == 3
    assert notices[0].startswith("10002 Nordlys Bakeri AS  reminder")
    assert "collection notice  F-998" in notices[2]
    assert all(row.split()[-2] == "35,00" for row in notices)


def test_demo_explains_the_sign_convention(capsys: pytest.CaptureFixture[str]) -> None:
    """The heading says how amounts are signed and what a negative balance means."""
    out = demo_output(capsys)
    assert "debit +, credit -" in out
    assert "a negative one is\ncustomer credit (innestående)" in out
    assert "A negative supplier balance is what we owe." in out


def test_demo_lists_the_history_of_corrections(capsys: pytest.CaptureFixture[str]) -> None:
    """The removal, the dissolve and the due date change appear with their dates."""
    out = demo_output(capsys)
    assert "03.02.2026  LF-5502 removed from match M2" in out
    assert "04.02.2026  match M4 dissolved" in out
    assert "due date of F-1007 changed from 16.02.2026 to 02.03.2026" in out


def test_demo_shows_what_changed_since_the_as_of_date(capsys: pytest.CaptureFixture[str]) -> None:
    """The as-of section ends with the items that differ from today, and how."""
    out = demo_output(capsys)
    tail = out.split("Changed between 31.01.2026 and 10.02.2026:\n", 1)[1]
    assert "F-1004: open 625,00, in match M4 -> open 3 125,00, unmatched" in tail
    assert "F-1005: open 2 500,00, unmatched -> closed in M6" in tail
    assert "F-1007: not posted yet -> open 4 375,00, unmatched" in tail


def test_open_items_table_is_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    """Amounts in the open-items table end exactly under the end of their heading."""
    out = demo_output(capsys)
    header, rows = table_after(out, "1. Open items on 10.02.2026 (åpne poster)", "Remaining")
    end = header.index("Remaining") + len("Remaining")
    assert len(rows) == 5
    for row in rows:
        assert row[end - 1].isdigit(), row
        assert row[end:end + 1] in ("", " "), row
    assert rows[1].startswith("F-1002  10002 Nordlys Bakeri AS")
    assert rows[1][:end].endswith("3 000,00")


def test_balances_table_is_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    """Balances end under the end of the Balance heading."""
    out = demo_output(capsys)
    header, rows = table_after(out, "3. Balances per sub-account", "Balance")
    end = header.index("Balance") + len("Balance")
    assert len(rows) == 6
    assert all(row[end - 1].isdigit() for row in rows)


def test_format_amount_groups_thousands_with_a_space_and_a_decimal_comma() -> None:
    """Amounts read as Norwegians write them, in the currency's minor unit."""
    assert format_amount(Money("1250", "NOK")) == "1 250,00"
    assert format_amount(Money("-1234567.8", "NOK")) == "-1 234 567,80"
    assert format_amount(Money("0", "NOK")) == "0,00"
    assert format_amount(Money("1500", "JPY")) == "1 500"
    assert format_amount(Money("1.234", "BHD")) == "1,234"


def test_python_m_reskontro_demo_exits_zero() -> None:
    """``python -m reskontro demo`` runs in a fresh interpreter and exits 0."""
    done = subprocess.run(
        [sys.executable, "-m", "reskontro", "demo"],
        capture_output=True, text=True, encoding="utf-8", check=False, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "3. Balances per sub-account" in done.stdout
    assert done.stderr == ""


def test_python_m_reskontro_with_unknown_command_fails() -> None:
    """An unknown command in a fresh interpreter exits 2 with argparse's message."""
    done = subprocess.run(
        [sys.executable, "-m", "reskontro", "frobnicate"],
        capture_output=True, text=True, encoding="utf-8", check=False, timeout=120,
    )
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in done.stderr


def test_help_describes_the_demo_command(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` exits 0 and lists the demo command with its summary."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: reskontro")
    assert "demo" in out
    assert "example ledger" in out
    assert "python -m reskontro demo" in out


def test_demo_help_says_what_the_demo_does(capsys: pytest.CaptureFixture[str]) -> None:
    """``demo --help`` explains the example data and that no files are read."""
    assert main(["demo", "--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: reskontro demo" in out
    assert "Reads no files" in out


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    """``--version`` prints the package version from its metadata."""
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"reskontro {version('reskontro')}\n"


def test_unknown_command_exits_two_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown command returns 2 and names the command and the choices."""
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'frobnicate'" in err
    assert "demo" in err


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Running without a command returns 2 and says a command is required."""
    assert main([]) == 2
    assert "required" in capsys.readouterr().err


def test_engine_refusal_is_reported_on_stderr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ReskontroError from the engine becomes a one-line message and exit code 1."""

    def refuse() -> None:
        raise InvalidEntryError("entry 'X': broken", entry_id="X")

    monkeypatch.setattr(cli, "build_demo_ledger", refuse)
    assert main(["demo"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "reskontro: error: entry 'X': broken\n"


def test_version_falls_back_when_not_installed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a source tree without package metadata, the version reads 'unknown'."""

    def missing(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(cli, "version", missing)
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == "reskontro unknown\n"
