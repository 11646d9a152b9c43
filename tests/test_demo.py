"""The demo ledger holds what its docstring and ``reskontro demo`` say it holds."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from stdnum import luhn

from reskontro import (
    EntriesMatched,
    EntryKind,
    EntryUnmatched,
    Ledger,
    MatchDissolved,
    Money,
    Side,
)
from reskontro.demo import (
    AS_OF,
    CUSTOMERS,
    LAST_EVENT,
    LOCAL_CURRENCY,
    PARTY_NAMES,
    SUPPLIERS,
    build_demo_ledger,
)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return build_demo_ledger()


def test_demo_is_built_the_same_every_time(ledger: Ledger) -> None:
    """Two builds give equal ledgers: no clock or randomness is involved."""
    assert build_demo_ledger() == ledger


def test_demo_has_five_customers_and_one_supplier(ledger: Ledger) -> None:
    """The customer side has five parties (one in EUR), the supplier side one, all named."""
    assert ledger.parties(side=Side.RECEIVABLE) == tuple(sorted(CUSTOMERS))
    assert ledger.parties(side=Side.PAYABLE) == tuple(SUPPLIERS)
    assert len(CUSTOMERS) == 5
    assert set(ledger.parties()) == set(PARTY_NAMES)
    assert ledger.local_currency == LOCAL_CURRENCY == "NOK"


def test_supplier_entries_follow_the_payable_sign_convention(ledger: Ledger) -> None:
    """On account 2400 supplier invoices are negative and our payment is positive."""
    supplier = ledger.items(side=Side.PAYABLE)
    assert {item.entry.account for item in supplier} == {"2400"}
    invoices = [item for item in supplier if item.kind is EntryKind.INVOICE]
    payments = [item for item in supplier if item.kind is EntryKind.PAYMENT]
    assert len(invoices) == 2
    assert all(item.amount.is_negative for item in invoices)
    assert len(payments) == 1
    assert all(item.amount.is_positive for item in payments)


def test_every_invoice_has_a_due_date_and_a_valid_mod10_kid(ledger: Ledger) -> None:
    """Invoices carry due dates and KIDs whose MOD10 (Luhn) check digit is right."""
    invoices = ledger.search(kind=EntryKind.INVOICE)
    assert len(invoices) == 10
    for item in invoices:
        assert item.entry.due is not None
        assert item.entry.reference is not None
        assert luhn.is_valid(item.entry.reference), item.id


def test_customer_payments_quote_the_kid_of_an_invoice_of_the_same_customer(
    ledger: Ledger,
) -> None:
    """Each customer payment's reference is the KID of one of that customer's invoices."""
    payments = ledger.search(kind=EntryKind.PAYMENT, side=Side.RECEIVABLE)
    assert len(payments) == 6
    for payment in payments:
        found = ledger.search(kind=EntryKind.INVOICE, reference=payment.entry.reference)
        assert [item.party for item in found] == [payment.party]


def test_full_payment_closes_invoice_and_payment(ledger: Ledger) -> None:
    """Fjordkaffe's January invoice and its payment close together in M1."""
    match = ledger.get_match("M1")
    assert match.entry_ids == ("F-1001", "P-1")
    assert match.is_closed
    assert not ledger.item("F-1001").is_open


def test_partial_payment_leaves_the_rest_open_on_the_invoice(ledger: Ledger) -> None:
    """Nordlys paid 5 000 of 8 000: 3 000 stays open on F-1002, and M3 is open."""
    invoice = ledger.item("F-1002")
    assert invoice.remaining == nok("3000")
    assert invoice.is_open
    assert invoice.match_id == "M3"
    assert not ledger.item("P-2").is_open
    assert not ledger.get_match("M3").is_closed


def test_credit_note_is_applied_before_the_later_payment(ledger: Ledger) -> None:
    """In M5 the credit note settles 1 250 of F-1003 and the payment the other 5 000."""
    allocations = {(a.credit_id, a.debit_id): a.amount for a in ledger.allocations("F-1003")}
    assert allocations == {("K-1006", "F-1003"): nok("1250"), ("P-4", "F-1003"): nok("5000")}
    assert not ledger.item("K-1006").is_open


def test_overpayment_stays_open_on_the_payment(ledger: Ledger) -> None:
    """Bergen Sykkel paid 500 too much: the payment keeps -500 open, the invoice closes."""
    payment = ledger.item("P-4")
    assert payment.remaining == nok("-500")
    assert payment.is_open
    assert not ledger.item("F-1003").is_open
    assert ledger.get_match("M5").outstanding_local == nok("-500")
    assert ledger.balance(party="10003").local == nok("-500")


def test_removed_entry_is_in_history_and_the_match_closes(ledger: Ledger) -> None:
    """LF-5502 left M2 on 03.02.2026; the history keeps both the match and the removal."""
    history = ledger.history("LF-5502")
    matched = [e for e in history if isinstance(e, EntriesMatched)]
    removed = [e for e in history if isinstance(e, EntryUnmatched)]
    assert [e.match_id for e in matched] == ["M2"]
    assert removed == [EntryUnmatched(match_id="M2", entry_id="LF-5502", on=date(2026, 2, 3))]
    assert ledger.get_match("M2").entry_ids == ("LF-5501", "LB-1")
    assert ledger.get_match("M2").is_closed
    assert ledger.item("LF-5502").match_id is None
    assert ledger.item("LF-5502", as_of=AS_OF).match_id == "M2"


def test_dissolved_match_is_kept_in_history(ledger: Ledger) -> None:
    """M4 (a payment on the wrong invoice) was dissolved on 04.02.2026 and P-3 rematched."""
    match = ledger.get_match("M4")
    assert match.dissolved_on == date(2026, 2, 4)
    assert not match.is_live
    assert MatchDissolved(match_id="M4", on=date(2026, 2, 4)) in ledger.events
    assert "M4" not in {row.match_id for row in ledger.match_rows()}
    assert ledger.match_of("P-3") == ledger.get_match("M6")
    assert ledger.get_match("M6").is_closed
    assert ledger.item("F-1004").remaining == nok("3125")
    assert ledger.item("F-1004").match_id is None


def test_due_date_change_keeps_the_original(ledger: Ledger) -> None:
    """F-1007's due date moved to 02.03.2026 on the last day; the entry keeps 16.02.2026."""
    assert ledger.item("F-1007").due == date(2026, 3, 2)
    assert ledger.entry("F-1007").due == date(2026, 2, 16)
    assert ledger.item("F-1007", as_of=date(2026, 2, 9)).due == date(2026, 2, 16)


def test_events_are_in_date_order_up_to_the_last_event(ledger: Ledger) -> None:
    """The demo is built day by day, so its history is sorted by date."""
    dates = [event.on for event in ledger.events]
    assert dates == sorted(dates)
    assert dates[-1] == LAST_EVENT
    assert AS_OF < LAST_EVENT


def test_as_of_view_differs_from_today_as_stated(ledger: Ledger) -> None:
    """On 31.01.2026 F-1005 was open, F-1004 was in M4 with 625 left and F-1007 did not exist."""
    then = {item.id: item for item in ledger.open_items(as_of=AS_OF)}
    now = {item.id: item for item in ledger.open_items()}
    assert set(then) == {"F-998", "F-1002", "F-1004", "F-1005", "F-1008", "P-4", "LF-5502"}
    assert set(now) == {"F-998", "F-1002", "F-1004", "F-1007", "P-4", "LF-5502"}
    assert (then["F-1004"].remaining, then["F-1004"].match_id) == (nok("625"), "M4")
    assert (now["F-1004"].remaining, now["F-1004"].match_id) == (nok("3125"), None)
    assert then["F-1005"].remaining == nok("2500")
    assert "F-1007" not in ledger.as_of(AS_OF)


def test_as_of_equals_replaying_the_events_up_to_that_date(ledger: Ledger) -> None:
    """The as_of view is the replay of the events dated on or before it."""
    replayed = Ledger.from_events([e for e in ledger.events if e.on <= AS_OF], "NOK")
    assert replayed.open_items() == ledger.open_items(as_of=AS_OF)
    assert replayed.balances() == ledger.balances(as_of=AS_OF)


def test_balances_per_party_are_the_expected_numbers(ledger: Ledger) -> None:
    """Balances per sub-account, customers owing us, one in credit, the supplier owed."""
    balances = {(sub.side, sub.party): b.local.amount for sub, b in ledger.balances().items()}
    assert balances == {
        (Side.RECEIVABLE, "10001"): Decimal("4375.00"),
        (Side.RECEIVABLE, "10002"): Decimal("3000.00"),
        (Side.RECEIVABLE, "10003"): Decimal("-500.00"),
        (Side.RECEIVABLE, "10004"): Decimal("5000.00"),
        (Side.RECEIVABLE, "10005"): Decimal("0.00"),
        (Side.PAYABLE, "20001"): Decimal("-2500.00"),
    }
    assert ledger.balance(side=Side.RECEIVABLE).local == nok("11875")
    # on 31.01 Hansa still owed EUR 800, carried at 11,40: NOK 9 120
    assert ledger.balance(side=Side.RECEIVABLE, as_of=AS_OF).local == nok("16620")


def test_balance_is_the_sum_of_remaining_open_amounts(ledger: Ledger) -> None:
    """For every sub-account, today and on 31.01.2026, balance = sum of open remaining."""
    for as_of in (None, AS_OF):
        for sub, balance in ledger.balances(as_of=as_of).items():
            items = ledger.open_items(sub_account=sub, as_of=as_of)
            assert items.remaining.local == balance.local, (sub, as_of)


def test_demo_ledger_survives_a_json_round_trip(ledger: Ledger) -> None:
    """Saved to JSON and loaded back, the demo ledger is equal to the original."""
    text = json.dumps(ledger.to_dict())
    assert Ledger.from_dict(json.loads(text)) == ledger


def test_names_are_read_only(ledger: Ledger) -> None:
    """The exported name tables cannot be changed by a caller."""
    with pytest.raises(TypeError):
        PARTY_NAMES["99999"] = "Someone"  # type: ignore[index]


def test_the_eur_customer_realizes_agio_then_disagio(ledger: Ledger) -> None:
    """EUR 2 000 at 11,40 paid 1 200 at 11,55 and 800 at 11,30: +180, -80, closed."""
    from reskontro.settlement import fx_entries, fx_report

    assert ledger.entry("F-1008").amount_local == nok("22800")
    assert [(e.id, e.amount_local) for e in fx_entries(ledger, "M7")] == [
        ("M7-FX1", nok("180")), ("M7-FX2", nok("-80")),
    ]
    assert ledger.get_match("M7").is_closed
    then = ledger.item("F-1008", as_of=AS_OF)
    assert (str(then.remaining), then.remaining_local) == ("800.00 EUR", nok("9120"))
    report = fx_report(ledger, date(2026, 1, 1), LAST_EVENT)
    assert report["net"] == nok("100")  # paid 13 860 + 9 040 for NOK 22 800 booked


def test_the_december_invoice_was_reminded_in_january(ledger: Ledger) -> None:
    """F-998 (due 02.01.2026) got a reminder on 17.01.2026, recorded as an event."""
    from reskontro import NoticeLevel

    notice = ledger.last_notice("F-998")
    assert notice is not None
    assert (notice.level, notice.on, notice.deadline) == (
        NoticeLevel.REMINDER, date(2026, 1, 17), date(2026, 1, 31))
    assert ledger.last_notice("F-998", as_of=date(2026, 1, 16)) is None
    assert ledger.item("F-998").remaining == nok("1875")


def test_demo_dunning_run_proposes_two_reminders_and_a_collection_notice(
    ledger: Ledger,
) -> None:
    """On the demo's last day: reminders for F-1002 and F-1004, a collection notice for F-998."""
    from reskontro import NoticeLevel
    from reskontro.dunning import NORWEGIAN_POLICY, plan_dunning

    plan = plan_dunning(ledger, NORWEGIAN_POLICY, LAST_EVENT)
    assert [(n.party, n.level, n.entry_ids) for n in plan.notices] == [
        ("10002", NoticeLevel.REMINDER, ("F-1002",)),
        ("10004", NoticeLevel.REMINDER, ("F-1004",)),
        ("10004", NoticeLevel.COLLECTION_NOTICE, ("F-998",)),
    ]
    assert all(n.fee == nok("35") for n in plan.notices)
    assert plan.held == ()
    assert plan.skipped == ()


def test_demo_aging_adds_up_to_the_balances(ledger: Ledger) -> None:
    """The aging on the last day puts F-998 in 31-60 and adds up to each balance."""
    from reskontro.aging import age

    report = age(ledger, LAST_EVENT)
    row = report.row("10004")
    assert row is not None
    assert [m.amount for m in row.local] == [
        Decimal(x) for x in ("0", "3125", "1875", "0", "0", "0")]
    assert report.grand_total == ledger.balance().local


def test_the_demo_shows_a_reminder_letter(capsys: pytest.CaptureFixture[str]) -> None:
    """Section 9: the run's first reminder as the letter Nordlys Bakeri AS receives."""
    from reskontro.cli import main

    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    letter = out[out.index("9. A reminder letter (purring), 10.02.2026"):]
    for text in ("PURRING", "Fra:\n  Kaffegrossisten AS", "Til:\n  Nordlys Bakeri AS",
                 "Kundenr. 10002", "1002        08.01.2026   22.01.2026",
                 "Purregebyr                                          35,00 kr",
                 "Å betale                                         3 058,67 kr",
                 "KID              100020010029", "Betalingsfrist     24.02.2026"):
        assert text in letter, text
    assert "F-1002" not in letter  # no internal ids on the customer's letter
