"""Differential test: reskontro's OCR giro parser against the independent ``netsgiro``.

Both parse every OCR file in tests/data and many files generated with
netsgiro's own writer from hypothesis-built transmissions; on every field
the two share they must agree:

* transmission: number, data transmitter and recipient, Nets date;
* assignment: agreement id, number, account, Nets date, transaction count;
* transaction: type, number, Nets date, amount with its sign (netsgiro keeps
  the amount unsigned and the sign apart), KID, centre id, day code, partial
  settlement number and serial number, form number, archive reference,
  bank date, debit account, free text;
* totals: netsgiro's sum of the amount fields equals the sum of our
  amounts' absolute values, and each end record's stated total (read by
  netsgiro's record parser) is one of the two sums reskontro accepts,
  signed or as written; where reskontro reports no warning, the end
  record's earliest and latest dates are the transactions' own.

Known, deliberate differences in representation, normalised here: reskontro
gives ``None`` for an all-zero form number or debit account (netsgiro the
zeros), and keeps a free text's leading spaces (netsgiro strips both ends).
Two-digit years differ in the two parsers for 69-79 (netsgiro reads 1969-1979,
reskontro 2069-2079), so generated dates stay in 1980-2068, where both agree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import netsgiro
import netsgiro.records
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reskontro.formats import OcrFile, parse_ocr

DATA = Path(__file__).parent / "data"
OCR_FILES = sorted(DATA.glob("ocr_*.txt"))


def _zeros_as_none(value: str | None) -> str | None:
    return None if value is None or value.strip("0") == "" else value


def assert_agree(data: str) -> OcrFile:
    """Parse *data* with both parsers and compare every shared field."""
    ours = parse_ocr(data)
    theirs = netsgiro.parse(data)
    assert (ours.transmission_number, ours.data_transmitter, ours.data_recipient) == (
        theirs.number, theirs.data_transmitter, theirs.data_recipient)
    assert ours.nets_date == theirs.date
    assert len(ours.assignments) == len(theirs.assignments)
    ends = [r for r in netsgiro.records.parse(data)
            if isinstance(r, netsgiro.records.AssignmentEnd)]
    (transmission_end,) = [r for r in netsgiro.records.parse(data)
                           if isinstance(r, netsgiro.records.TransmissionEnd)]
    for mine, their, end in zip(ours.assignments, theirs.assignments, ends, strict=True):
        assert (mine.agreement_id, mine.assignment_number, mine.account, mine.nets_date) == (
            their.agreement_id, their.number, their.account, their.date)
        assert len(mine.payments) == their.get_num_transactions() == end.num_transactions
        for p, t in zip(mine.payments, their.transactions, strict=True):
            assert (p.transaction_type, p.transaction_number, p.nets_date) == (
                int(t.type), t.number, t.date)
            assert p.amount == (-t.amount if t.sign == "-" else t.amount)
            assert p.kid == t.kid
            assert (p.centre_id, int(p.day_code), int(p.partial_settlement), p.serial_number) == (
                t.centre_id, t.day_code, t.partial_settlement_number,
                t.partial_settlement_serial_number)
            assert p.form_number == _zeros_as_none(t.form_number)
            assert p.archive_reference == t.reference
            assert p.bank_date == t.bank_date
            assert p.payer_account == _zeros_as_none(t.debit_account)
            assert (p.text.strip() or None if p.text is not None else None) == t.text
            assert p.reversal == (int(t.type) in (18, 20))
        assert sum(abs(p.amount) for p in mine.payments) == their.get_total_amount()
        signed = int(mine.total.scaleb(2))
        unsigned = int(sum(abs(p.amount) for p in mine.payments).scaleb(2))
        assert end.total_amount in (signed, unsigned)
        if not ours.warnings and mine.payments:
            dates = [p.nets_date for p in mine.payments]
            assert (end.nets_date_earliest, end.nets_date_latest) == (min(dates), max(dates))
    assert transmission_end.num_transactions == len(ours.payments)
    assert transmission_end.total_amount in (
        int(ours.total.scaleb(2)), int(sum(abs(p.amount) for p in ours.payments).scaleb(2)))
    return ours


@pytest.mark.parametrize("path", OCR_FILES, ids=[p.name for p in OCR_FILES])
def test_both_parsers_agree_on_every_ocr_file_in_the_corpus(path: Path) -> None:
    """Every OCR file of tests/data: the same transactions, amounts, signs, KIDs and totals."""
    parsed = assert_agree(path.read_bytes().decode("iso-8859-1"))
    assert parsed.payments


def test_the_corpus_has_credit_notes_for_the_sign_to_matter() -> None:
    """At least one corpus file carries '-' amounts, so the sign comparison bites."""
    assert any(
        p.amount < 0
        for path in OCR_FILES
        for p in parse_ocr(path.read_bytes()).payments
    )


def numeric(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


nets_dates = st.dates(min_value=date(1980, 1, 1), max_value=date(2068, 12, 31))


@st.composite
def transactions(draw: st.DrawFn, number: int) -> netsgiro.Transaction:
    kind = draw(st.integers(10, 21))
    text = None
    if kind in (20, 21):
        text = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåABC 0123456789.-",
                            max_size=40)).strip() or None
    return netsgiro.Transaction(
        service_code=netsgiro.ServiceCode.OCR_GIRO,
        type=netsgiro.TransactionType(kind),
        number=number,
        date=draw(nets_dates),
        amount=Decimal(draw(st.integers(0, 10**13))).scaleb(-2),
        # netsgiro's writer cannot write a blank KID; the corpus has those
        kid=draw(st.text(alphabet="0123456789", min_size=1, max_size=25)),
        reference=draw(numeric(9)),
        text=text,
        centre_id=draw(numeric(2)),
        day_code=draw(st.integers(0, 99)),
        partial_settlement_number=draw(st.integers(0, 9)),
        partial_settlement_serial_number=draw(numeric(5)),
        sign=draw(st.sampled_from(["0", "-"])),
        form_number=draw(st.one_of(st.just("0" * 10), numeric(10))),
        bank_date=draw(st.one_of(st.none(), nets_dates)),
        debit_account=draw(st.one_of(st.just("0" * 11), numeric(11))),
        filler=None,
    )


@st.composite
def transmissions(draw: st.DrawFn) -> str:
    transmission = netsgiro.Transmission(
        number=draw(numeric(7)),
        data_transmitter=draw(numeric(8)),
        data_recipient=draw(numeric(8)),
        date=draw(nets_dates),
    )
    for index in range(draw(st.integers(1, 3))):
        assignment = transmission.add_assignment(
            service_code=netsgiro.ServiceCode.OCR_GIRO,
            assignment_type=netsgiro.AssignmentType.TRANSACTIONS,
            agreement_id=draw(numeric(9)),
            number=f"{index + 1:07d}",
            account=draw(numeric(11)),
            date=draw(nets_dates),
        )
        count = draw(st.integers(1, 8))
        assignment.transactions.extend(
            draw(transactions(number)) for number in range(1, count + 1)
        )
    text: str = transmission.to_ocr()
    return text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transmissions())
def test_both_parsers_agree_on_files_netsgiro_writes(data: str) -> None:
    """Files written by netsgiro (end totals as written, credit notes, reversals) parse alike."""
    parsed = assert_agree(data)
    assert parsed.warnings == ()
