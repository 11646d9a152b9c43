"""Receipts: bank payments placed on the customer ledger, unresolved ones kept, no double import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reskontro import Entry, Ledger, Money, ReskontroError, Side
from reskontro.formats import parse_camt054, parse_ocr
from reskontro.formats.camt054 import CamtFile, CamtPayment
from reskontro.receipts import Reason, Receipt, plan_receipts, receipts_from
from test_ocr import SMALL

DATA = Path(__file__).parent / "data"
SMALL_OCR = "\r\n".join(SMALL)  # the small OCR file of the reference


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


@pytest.fixture
def ledger() -> Ledger:
    """Two customers' invoices carrying the KIDs of the small OCR file."""
    return Ledger("NOK").post_many([
        Entry.invoice("F-1", party="10001", amount=nok("1250"), posted=date(2025, 1, 2),
                      reference="1234500009877"),
        Entry.invoice("F-2", party="10002", account="1510", amount=nok("600"),
                      posted=date(2025, 1, 3), reference="000149012"),
    ])


def test_ocr_payments_land_on_the_invoices_party_and_account(ledger: Ledger) -> None:
    """A KID found on an open invoice gives the party and control account of the payment."""
    plan = plan_receipts(ledger, receipts_from(parse_ocr(SMALL_OCR)))
    first, second = plan.entries
    assert (first.party, first.account, first.amount) == ("10001", "1500", nok("-1250.00"))
    assert (second.party, second.account, second.amount) == ("10002", "1510", nok("-499.50"))
    assert first.posted == date(2025, 1, 15)
    assert first.reference == "1234500009877"
    assert all(e.side is Side.RECEIVABLE for e in plan.entries)
    (unresolved,) = plan.unresolved
    assert unresolved.receipt.text == "Ordre 4711 nettbutikk"
    assert "no KID" in unresolved.reason
    assert plan.total == Decimal("1749.50")


def test_a_mapping_places_what_no_invoice_identifies(ledger: Ledger) -> None:
    """The caller's mapping by payer account or by KID places an otherwise unresolved receipt."""
    receipts = [
        Receipt(reference="A", amount=Decimal("80.00"), currency="NOK", booked=date(2025, 1, 5),
                payer_account="12345678903", text="Husleie"),
        Receipt(reference="B", amount=Decimal("20.00"), currency="NOK", booked=date(2025, 1, 5),
                kid="55555555"),
    ]
    plan = plan_receipts(ledger, receipts, parties={"12345678903": "10003", "55555555": "10004"})
    assert not plan.unresolved
    assert [(e.party, e.account, e.text) for e in plan.entries] == [
        ("10003", "1500", "Husleie [konto 12345678903]"), ("10004", "1500", ""),
    ]


def test_importing_the_same_file_twice_posts_nothing_twice(ledger: Ledger) -> None:
    """The second import of a file finds every receipt already posted."""
    receipts = receipts_from(parse_ocr(SMALL_OCR))
    once = ledger.apply(plan_receipts(ledger, receipts).events)
    again = plan_receipts(once, receipts)
    assert again.entries == ()
    assert len(again.duplicates) == 2
    assert len(again.unresolved) == 1  # the unplaced one is reported again, never lost
    assert once.balance().local == nok("100.50")


def test_a_receipt_twice_in_one_file_is_a_duplicate(ledger: Ledger) -> None:
    """Two receipts with one bank reference: the second is reported, not posted."""
    receipt = Receipt(reference="X", amount=Decimal("10.00"), currency="NOK",
                      booked=date(2025, 1, 5), kid="1234500009877")
    plan = plan_receipts(ledger, [receipt, receipt])
    assert len(plan.entries) == 1
    assert plan.duplicates == (receipt,)


def test_money_out_foreign_currency_and_ambiguous_kids_stay_unresolved(ledger: Ledger) -> None:
    """Reversals, foreign currency and a KID on two customers' invoices are kept with reasons."""
    shared = ledger.post(Entry.invoice("F-3", party="10009", amount=nok("5"),
                                       posted=date(2025, 1, 4), reference="1234500009877"))
    receipts = [
        Receipt(reference="A", amount=Decimal("-50.00"), currency="NOK",
                booked=date(2025, 1, 5), kid="000149012"),
        Receipt(reference="B", amount=Decimal("50.00"), currency="EUR",
                booked=date(2025, 1, 5), kid="000149012"),
        Receipt(reference="C", amount=Decimal("50.00"), currency="NOK",
                booked=date(2025, 1, 5), kid="1234500009877"),
    ]
    plan = plan_receipts(shared, receipts)
    assert plan.entries == ()
    reasons = [u.reason for u in plan.unresolved]
    assert [u.code for u in plan.unresolved] == [
        Reason.MONEY_OUT, Reason.CURRENCY_MISMATCH, Reason.AMBIGUOUS_KID,
    ]
    assert "money out" in reasons[0]
    assert "in NOK, the receipt is in EUR" in reasons[1]
    assert "several customers" in reasons[2]
    assert [c.entry_id for c in plan.unresolved[2].candidates] == ["F-1", "F-3"]


def test_camt_payments_become_receipts(ledger: Ledger) -> None:
    """The camt.054 sample's two KID payments are placed like the OCR ones."""
    parsed = parse_camt054((DATA / "camt054_001_02_kid_sample.xml").read_bytes())
    plan = plan_receipts(ledger, receipts_from(parsed))
    assert [(e.party, e.amount) for e in plan.entries] == [
        ("10001", nok("-1250.00")), ("10002", nok("-499.50")),
    ]
    assert plan.entries[0].id == "BANK-20250115-OCR-0001/123456789"


def test_camt_payment_without_a_date_is_refused() -> None:
    """A camt.054 payment with neither booking nor value date cannot become an entry."""
    payment = CamtPayment(
        amount=Decimal("1.00"), currency="NOK", credit=True, reversal=False, status=None,
        booking_date=None, value_date=None, kid=None, kid_from_text=False, text=None,
        debtor_name=None, debtor_account=None, entry_reference=None,
        transaction_reference=None, end_to_end_id=None, batch_size=None, batch_total=None,
        path="Document/Ntry",
    )
    with pytest.raises(ReskontroError, match="no booking or value date"):
        receipts_from(CamtFile(message_id=None, account=None, payments=(payment,)))


def test_planning_changes_nothing(ledger: Ledger) -> None:
    """plan_receipts only reads the ledger; nothing is posted until the plan is applied."""
    before = ledger.to_dict()
    plan_receipts(ledger, receipts_from(parse_ocr(SMALL_OCR)))
    assert ledger.to_dict() == before
