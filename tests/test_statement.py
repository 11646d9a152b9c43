"""Statements: the open-items and period views, totals, payment instruction, errors, aging."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import (
    Balance,
    ClosePolicy,
    Entry,
    EntryKind,
    InvalidAccountNumberError,
    InvalidKidError,
    InvalidOrganisationNumberError,
    InvalidStatementError,
    Ledger,
    Money,
    PartyDetails,
    PartyNotFoundError,
    ReskontroError,
    Side,
    Statement,
    StatementView,
)
from reskontro.aging import Buckets
from reskontro.testing import ledgers

ACCOUNT = "86011117947"
CREDITOR = PartyDetails(
    name="Kaffegrossisten AS",
    address=("Bryggen 1", "5003 Bergen"),
    organisation_number="988077917",
    account_number=ACCOUNT,
)
DEBTOR = PartyDetails(name="Fjordkaffe AS", address=("Strandkaien 2", "5013 Bergen"))
AS_OF = date(2026, 2, 10)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def small_ledger() -> Ledger:
    """Two invoices, a payment over both, and an open credit note, for customer 10001."""
    return Ledger("NOK").post_many([
        Entry.invoice("F-101", party="10001", amount=nok("1250.00"), posted=date(2026, 1, 5),
                      due=date(2026, 1, 19), document_no="101", reference="100010001012",
                      text="Kaffebønner"),
        Entry.invoice("F-102", party="10001", amount=nok("800.00"), posted=date(2026, 1, 12),
                      due=date(2026, 1, 26), document_no="102", reference="100010001020",
                      text="Service"),
        Entry.payment("P-1", party="10001", amount=nok("-1500.00"), posted=date(2026, 1, 20),
                      text="Innbetaling"),
        Entry.credit_note("K-103", party="10001", amount=nok("-100.00"),
                          posted=date(2026, 2, 2), document_no="103", text="Kreditnota 102"),
        Entry.invoice("F-900", party="10002", amount=nok("99.00"), posted=date(2026, 1, 7)),
    ]).match(["F-101", "F-102", "P-1"], match_id="K1")


def open_statement(ledger: Ledger | None = None, **options: object) -> Statement:
    arguments: dict[str, object] = {"creditor": CREDITOR, "debtor": DEBTOR, **options}
    return Statement.open_items(
        ledger or small_ledger(), "10001", as_of=AS_OF, **arguments,  # type: ignore[arg-type]
    )


# -- the open-items view --------------------------------------------------------------------


def test_open_items_view_lists_open_items_with_a_running_balance_from_zero() -> None:
    """Lines are the open items in posting order; the balance runs over what remains."""
    statement = open_statement()
    assert statement.view is StatementView.OPEN_ITEMS
    assert statement.opening is None
    assert statement.opening_amount is None
    assert [(line.entry_id, line.remaining, line.balance) for line in statement.lines] == [
        ("F-102", nok("550.00"), nok("550.00")),
        ("K-103", nok("-100.00"), nok("450.00")),
    ]
    assert statement.total.local == statement.balance.local == nok("450.00")
    assert statement.balance_amount == nok("450.00")


def test_lines_carry_the_entry_fields() -> None:
    """Date, document no., kind, text, due date, amounts and match id are on each line."""
    line = open_statement().lines[0]
    assert (line.posted, line.document_no, line.kind, line.text, line.due) == (
        date(2026, 1, 12), "102", EntryKind.INVOICE, "Service", date(2026, 1, 26),
    )
    assert (line.amount, line.amount_local, line.match_id, line.reference) == (
        nok("800.00"), nok("800.00"), "K1", "100010001020",
    )
    assert line.is_open


def test_as_of_leaves_out_what_happened_later() -> None:
    """As of 15 January the payment and credit note do not exist yet."""
    statement = Statement.open_items(small_ledger(), "10001", as_of=date(2026, 1, 15),
                                     creditor=CREDITOR)
    assert [line.entry_id for line in statement.lines] == ["F-101", "F-102"]
    assert statement.balance.local == nok("2050.00")


def test_statement_does_not_change_the_ledger() -> None:
    """Building a statement only reads the ledger."""
    ledger = small_ledger()
    before = ledger.event_count
    open_statement(ledger)
    assert ledger.event_count == before


# -- the period view -------------------------------------------------------------------------


def test_period_view_starts_from_the_opening_balance() -> None:
    """The opening balance is the balance the day before the period; the lines run from it."""
    statement = Statement.period(small_ledger(), "10001", start=date(2026, 1, 10),
                                 as_of=AS_OF, creditor=CREDITOR)
    assert statement.view is StatementView.PERIOD
    assert statement.opening is not None
    assert statement.opening.local == nok("1250.00")
    assert [(line.entry_id, line.amount, line.balance) for line in statement.lines] == [
        ("F-102", nok("800.00"), nok("2050.00")),
        ("P-1", nok("-1500.00"), nok("550.00")),
        ("K-103", nok("-100.00"), nok("450.00")),
    ]
    assert statement.total.local == nok("-800.00")
    assert statement.balance.local == nok("450.00")


def test_period_lines_show_remaining_as_of_the_end() -> None:
    """A paid invoice in the period shows its amount and what is left of it on the last day."""
    statement = Statement.period(small_ledger(), "10001", start=date(2026, 1, 1),
                                 as_of=AS_OF, creditor=CREDITOR)
    remaining = {line.entry_id: line.remaining for line in statement.lines}
    assert remaining == {"F-101": nok("0.00"), "F-102": nok("550.00"), "P-1": nok("0.00"),
                         "K-103": nok("-100.00")}
    assert statement.opening is not None
    assert statement.opening.is_zero


def test_period_of_one_day_is_allowed() -> None:
    """start == as_of is a one-day period."""
    statement = Statement.period(small_ledger(), "10001", start=date(2026, 1, 20),
                                 as_of=date(2026, 1, 20), creditor=CREDITOR)
    assert [line.entry_id for line in statement.lines] == ["P-1"]
    assert statement.balance.local == nok("550.00")


# -- currencies -------------------------------------------------------------------------------


def test_a_foreign_currency_party_gets_a_statement_in_its_currency() -> None:
    """All lines in EUR: the statement currency is EUR; totals also in NOK."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="10005", amount=eur("2000.00"),
                      amount_local=nok("22800.00"), posted=date(2026, 1, 16)),
        Entry.payment("P-1", party="10005", amount=eur("-1200.00"),
                      amount_local=nok("-13860.00"), posted=date(2026, 1, 26)),
    ])
    statement = Statement.period(ledger, "10005", start=date(2026, 1, 1), as_of=AS_OF,
                                 creditor=CREDITOR)
    assert statement.currency == "EUR"
    assert [line.balance for line in statement.lines] == [eur("2000.00"), eur("800.00")]
    assert statement.balance_amount == eur("800.00")
    assert statement.balance.local == nok("8940.00")
    assert statement.balance["EUR"] == eur("800.00")


def test_mixed_currencies_run_the_balance_in_local_currency() -> None:
    """Lines in NOK and EUR: the running balance is in local currency."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=eur("100.00"), amount_local=nok("1150.00"),
                      posted=date(2026, 1, 2)),
        Entry.invoice("F-2", party="1", amount=nok("50.00"), posted=date(2026, 1, 3)),
    ])
    statement = Statement.open_items(ledger, "1", as_of=AS_OF, creditor=CREDITOR)
    assert statement.currency == "NOK"
    assert statement.mixed_currencies
    assert [line.balance for line in statement.lines] == [nok("1150.00"), nok("1200.00")]
    assert statement.total.by_currency == (eur("100.00"), nok("50.00"))


# -- the payment instruction -----------------------------------------------------------------


def test_payment_uses_the_single_open_invoices_kid() -> None:
    """One open invoice with a valid KID: pay the balance with that KID."""
    payment = open_statement().payment
    assert payment is not None
    assert (payment.amount, payment.account_number, payment.kid, payment.due) == (
        nok("450.00"), ACCOUNT, "100010001020", date(2026, 1, 26),
    )
    assert payment.formatted_account_number == "8601.11.17947"


def test_payment_with_several_open_invoices_uses_the_partys_kid() -> None:
    """Two open invoices: no invoice KID fits the total; the party's KID does."""
    ledger = small_ledger().dissolve("K1", on=AS_OF)
    payment = open_statement(ledger, kid="10001006").payment
    assert payment is not None
    assert payment.kid == "10001006"
    assert payment.due == date(2026, 1, 19)  # the earliest due date of the debt
    assert open_statement(ledger).payment.kid is None  # type: ignore[union-attr]


def test_an_invoice_reference_that_is_not_a_kid_is_not_used() -> None:
    """A free-text reference on the invoice is no KID."""
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-1", party="1", amount=nok("10.00"), posted=date(2026, 1, 2), reference="order 77"))
    statement = Statement.open_items(ledger, "1", as_of=AS_OF, creditor=CREDITOR)
    assert statement.payment is not None
    assert statement.payment.kid is None


def test_no_payment_without_an_account_or_a_debt() -> None:
    """A creditor without an account number, or a credit balance, gives no payment."""
    no_account = PartyDetails(name="Kaffegrossisten AS")
    statement = Statement.open_items(small_ledger(), "10001", as_of=AS_OF, creditor=no_account)
    assert statement.payment is None
    credit = Ledger("NOK").post(Entry.payment("P-1", party="1", amount=nok("-5.00"),
                                              posted=date(2026, 1, 2)))
    assert Statement.open_items(credit, "1", as_of=AS_OF, creditor=CREDITOR).payment is None


def test_supplier_statement_pays_what_we_owe() -> None:
    """On the supplier ledger a negative balance is what we owe: a positive payment."""
    ledger = Ledger("NOK").post(Entry.invoice(
        "LF-1", party="20001", side=Side.PAYABLE, amount=nok("-2500.00"),
        posted=date(2026, 1, 13), due=date(2026, 1, 27), reference="77880055023"))
    supplier = PartyDetails(name="Kontorpartner AS", account_number=ACCOUNT)
    statement = Statement.open_items(ledger, "20001", side=Side.PAYABLE, as_of=AS_OF,
                                     creditor=supplier)
    assert statement.balance.local == nok("-2500.00")
    assert statement.payment is not None
    assert (statement.payment.amount, statement.payment.kid) == (nok("2500.00"), "77880055023")


# -- party details ----------------------------------------------------------------------------


def test_party_details_keep_numbers_compact_and_print_them_formatted() -> None:
    """Numbers are checked with python-stdnum and kept as digits."""
    details = PartyDetails(name="A", address=["x", "y"], organisation_number="988 077 917",
                           account_number="8601.11.17947")
    assert details.address == ("x", "y")
    assert (details.organisation_number, details.account_number) == ("988077917", ACCOUNT)
    assert details.formatted_organisation_number == "988 077 917"
    assert PartyDetails(name="B").formatted_account_number is None


@pytest.mark.parametrize(
    ("options", "error", "field"),
    [
        ({"account_number": "86011117948"}, InvalidAccountNumberError, "account_number"),
        ({"account_number": "1234"}, InvalidAccountNumberError, "account_number"),
        ({"account_number": 86011117947}, InvalidAccountNumberError, "account_number"),
        ({"organisation_number": "988077918"}, InvalidOrganisationNumberError,
         "organisation_number"),
        ({"address": "Bryggen 1"}, InvalidStatementError, "address"),
        ({"address": ["ok", 5]}, InvalidStatementError, "address"),
        ({"name": ""}, InvalidStatementError, "name"),
        ({"name": "  "}, InvalidStatementError, "name"),
    ],
)
def test_bad_party_details_are_refused(
    options: dict[str, object], error: type[ReskontroError], field: str
) -> None:
    """Each bad detail raises its own error naming the field and the value."""
    arguments: dict[str, object] = {"name": "A", **options}
    with pytest.raises(error) as caught:
        PartyDetails(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


# -- errors -------------------------------------------------------------------------------------


def test_unknown_party_is_refused() -> None:
    """A party without entries on that side is an error, not an empty statement."""
    with pytest.raises(PartyNotFoundError) as caught:
        Statement.open_items(small_ledger(), "99", as_of=AS_OF, creditor=CREDITOR)
    assert caught.value.value == "99"
    assert isinstance(caught.value, LookupError)
    with pytest.raises(PartyNotFoundError, match="supplier ledger"):
        Statement.open_items(small_ledger(), "10001", side=Side.PAYABLE, as_of=AS_OF,
                             creditor=CREDITOR)
    with pytest.raises(PartyNotFoundError, match="account 1510"):
        Statement.open_items(small_ledger(), "10001", account="1510", as_of=AS_OF,
                             creditor=CREDITOR)


def test_a_party_with_nothing_yet_gets_an_empty_statement() -> None:
    """A known party as of a day before its first entry: no lines, zero balance."""
    statement = Statement.open_items(small_ledger(), "10001", as_of=date(2025, 12, 31),
                                     creditor=CREDITOR)
    assert statement.lines == ()
    assert statement.balance.is_zero
    assert statement.payment is None


@pytest.mark.parametrize(
    ("start", "as_of", "field"),
    [
        (date(2026, 2, 11), AS_OF, "start"),
        ("2026-01-01", AS_OF, "start"),
        (date(2026, 1, 1), datetime(2026, 2, 10, 12, 0), "as_of"),  # noqa: DTZ001
        (date(2026, 1, 1), "2026-02-10", "as_of"),
    ],
)
def test_bad_period_is_refused(start: object, as_of: object, field: str) -> None:
    """A period that ends before it starts, or dates that are not dates, are refused."""
    with pytest.raises(InvalidStatementError) as caught:
        Statement.period(small_ledger(), "10001", start=start, as_of=as_of,  # type: ignore[arg-type]
                         creditor=CREDITOR)
    assert caught.value.field == field


def test_bad_creditor_debtor_or_kid_is_refused() -> None:
    """The creditor and debtor must be PartyDetails; the party KID must be a valid KID."""
    with pytest.raises(InvalidStatementError, match="creditor"):
        Statement.open_items(small_ledger(), "10001", as_of=AS_OF,
                             creditor="Kaffegrossisten AS")  # type: ignore[arg-type]
    with pytest.raises(InvalidStatementError, match="debtor"):
        open_statement(debtor="Fjordkaffe AS")
    with pytest.raises(InvalidKidError):
        open_statement(kid="123456783")


# -- records --------------------------------------------------------------------------------------


def test_to_records_gives_one_plain_dict_per_line() -> None:
    """Records carry exact Decimals, dates and strings, with the same keys on every line."""
    records = open_statement().to_records()
    assert len(records) == 2
    assert records[1] == {
        "entry_id": "K-103",
        "posted": date(2026, 2, 2),
        "document_no": "103",
        "kind": "credit_note",
        "text": "Kreditnota 102",
        "due": None,
        "currency": "NOK",
        "amount": Decimal("-100.00"),
        "amount_local": Decimal("-100.00"),
        "remaining": Decimal("-100.00"),
        "remaining_local": Decimal("-100.00"),
        "balance": Decimal("450.00"),
        "match_id": None,
        "reference": None,
    }


def test_statement_shows_as_an_html_table_in_notebooks() -> None:
    """The shared notebook mixin gives the statement an escaped HTML table."""
    html = open_statement()._repr_html_()
    assert "<table" in html
    assert "K-103" in html
    assert "Kreditnota 102" in html


# -- property: the statement adds up to the ledger ------------------------------------------------


def nonzero(balance: Balance) -> dict[str, Money]:
    """The per-currency amounts of *balance* that are not zero (zero ones may be left out)."""
    return {m.currency: m for m in balance.by_currency if not m.is_zero}


@given(
    ledger=ledgers(parties=("10001", "10002"), sides=[Side.RECEIVABLE]),
    days=st.integers(0, 60),
    length=st.integers(0, 40),
)
def test_statement_totals_equal_the_ledger_balance(
    ledger: Ledger, days: int, length: int
) -> None:
    """For either view, the statement's balance is the ledger's balance on that day."""
    as_of = date.fromordinal(date(2026, 1, 1).toordinal() + days)
    start = date.fromordinal(as_of.toordinal() - length)
    for party in ledger.parties():
        expected = ledger.balance(party=party, side=Side.RECEIVABLE, as_of=as_of)
        opened = Statement.open_items(ledger, party, as_of=as_of, creditor=CREDITOR)
        period = Statement.period(ledger, party, start=start, as_of=as_of, creditor=CREDITOR)
        # a match closed on its local sum alone leaves a transaction-currency
        # difference in the balance that no open item shows (by design)
        local_only = any(
            m.close_policy is ClosePolicy.LOCAL_ONLY or m.base_currency is not None
            for m in ledger.matches(as_of=as_of) if m.sub_account.party == party
        )
        for statement in (opened, period):
            assert statement.balance.local == expected.local
            if statement is period or not local_only:
                assert nonzero(statement.balance) == nonzero(expected)
            if statement.lines:
                assert statement.lines[-1].balance == statement.balance_amount
            if statement.currency != statement.local_currency:
                assert statement.balance_amount == expected[statement.currency]
        assert opened.total.local == opened.balance.local
        assert opened.total.local == ledger.open_items(
            party=party, side=Side.RECEIVABLE, as_of=as_of).remaining.local


# -- aging (reskontro.aging) ----------------------------------------------------------------------


def test_aging_summary_splits_the_open_balance_by_days_past_due() -> None:
    """The statement's aging uses reskontro.aging's columns and adds up to the balance."""
    statement = open_statement()
    labels = [label for label, _ in statement.aging]
    assert labels == ["not due", "1-30", "31-60", "61-90", "90+", "no due date"]
    amounts = dict(statement.aging)
    assert amounts["1-30"] == nok("550.00")  # F-102, due 26.01, 15 days late on 10.02
    assert amounts["no due date"] == nok("-100.00")  # the credit note has no due date
    assert Money.sum(amounts.values(), "NOK") == statement.balance.local


def test_aging_takes_custom_buckets_and_is_zero_for_a_settled_party() -> None:
    """Custom buckets change the columns; a party with nothing open has zeros."""
    statement = open_statement(buckets=Buckets(bounds=(14,)))
    assert [label for label, _ in statement.aging] == ["not due", "1-14", "14+", "no due date"]
    assert dict(statement.aging)["14+"] == nok("550.00")
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=nok("10.00"), posted=date(2026, 1, 2)),
        Entry.payment("P-1", party="1", amount=nok("-10.00"), posted=date(2026, 1, 3)),
    ]).match(["F-1", "P-1"])
    settled = Statement.open_items(ledger, "1", as_of=AS_OF, creditor=CREDITOR)
    assert all(amount.is_zero for _, amount in settled.aging)
