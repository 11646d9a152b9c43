"""Payment terms: due dates and discount dates from the document date, names, JSON, errors."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import DueDateChanged, Entry, InvalidTermsError, Ledger, Money
from reskontro.terms import PaymentTerms, TermsBasis, change_terms

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def test_net_terms_count_days_from_the_document_date() -> None:
    """14 dager netto: 5 January is due 19 January; a term crosses months and years."""
    terms = PaymentTerms.net(14)
    assert terms.name == "14 dager netto"
    assert terms.due_date(date(2026, 1, 5)) == date(2026, 1, 19)
    assert terms.due_date(date(2025, 12, 20)) == date(2026, 1, 3)
    assert terms.discount_date(date(2026, 1, 5)) is None


def test_end_of_month_terms_start_from_the_last_day_of_the_month() -> None:
    """Løpende måned + 30: any day in January is due 2 March; February ends on the 29th in 2024."""
    terms = PaymentTerms.end_of_month(30)
    assert terms.basis is TermsBasis.END_OF_MONTH
    assert terms.name == "løpende måned + 30 dager"
    assert terms.due_date(date(2026, 1, 1)) == terms.due_date(date(2026, 1, 31)) == date(2026, 3, 2)
    assert PaymentTerms.end_of_month(0).due_date(date(2024, 2, 10)) == date(2024, 2, 29)
    assert PaymentTerms.end_of_month(0).due_date(date(2025, 2, 10)) == date(2025, 2, 28)


def test_discount_terms_give_a_discount_date_and_amount() -> None:
    """2 % within 10 days, net 30: discount date, due date and a half-up rounded discount."""
    terms = PaymentTerms.with_discount("2", 10, 30, name="2/10 netto 30")
    assert terms.discount_date(date(2026, 1, 5)) == date(2026, 1, 15)
    assert terms.due_date(date(2026, 1, 5)) == date(2026, 2, 4)
    assert terms.discount(Money("1250.00", "NOK")) == Money("25.00", "NOK")
    assert terms.discount(Money("0.25", "NOK")) == Money("0.01", "NOK")  # 0.005 rounds up
    assert PaymentTerms.net(14).discount(Money("100", "NOK")) == Money("0", "NOK")
    assert terms.discount_percent == Decimal("2")


def test_terms_round_trip_through_json() -> None:
    """to_dict is JSON-ready and from_dict gives equal terms back, for every shape."""
    for terms in (
        PaymentTerms.net(14),
        PaymentTerms.end_of_month(45, name="lm + 45"),
        PaymentTerms.with_discount("1.5", 8, 20),
    ):
        assert PaymentTerms.from_dict(json.loads(json.dumps(terms.to_dict()))) == terms


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: PaymentTerms.net(-1), "days"),
        (lambda: PaymentTerms.net(True), "days"),  # type: ignore[arg-type]
        (lambda: PaymentTerms.net(40_000), "days"),
        (lambda: PaymentTerms.with_discount("0", 10, 30), "discount_percent"),
        (lambda: PaymentTerms.with_discount(2.0, 10, 30), "discount_percent"),  # type: ignore[arg-type]
        (lambda: PaymentTerms.with_discount("100", 10, 30), "discount_percent"),
        (lambda: PaymentTerms.with_discount("2", 40, 30), "discount_days"),
        (lambda: PaymentTerms(name="x", days=10, discount_days=5), "discount_days"),
        (lambda: PaymentTerms(name="", days=10), "name"),
        (lambda: PaymentTerms.from_dict({"days": 10}), "name"),
        (lambda: PaymentTerms.from_dict({"name": "x", "days": 1, "basis": "weekly"}), "basis"),
        (lambda: PaymentTerms.net(14).due_date("2026-01-05"), "document_date"),  # type: ignore[arg-type]
    ],
)
def test_bad_terms_are_refused_with_the_field(build: object, field: str) -> None:
    """Every invalid input raises InvalidTermsError (a ValueError) naming its field."""
    with pytest.raises(InvalidTermsError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


def test_terms_feed_the_invoice_and_a_change_of_terms_is_a_due_date_event() -> None:
    """The computed due date goes to Entry.invoice; change_terms records DueDateChanged."""
    issued = date(2026, 1, 5)
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-1", party="1", amount=Money("100", "NOK"), posted=issued,
        due=PaymentTerms.net(14).due_date(issued)))
    later = change_terms(ledger, "F-1", PaymentTerms.net(30), on=date(2026, 1, 10))
    assert later.item("F-1").due == date(2026, 2, 4)
    assert later.entry("F-1").due == date(2026, 1, 19)
    assert later.events[-1] == DueDateChanged(entry_id="F-1", due=date(2026, 2, 4),
                                              on=date(2026, 1, 10))
    assert later.item("F-1", as_of=date(2026, 1, 9)).due == date(2026, 1, 19)


@given(DAYS, st.integers(0, 120))
def test_net_due_date_is_document_date_plus_days(day: date, days: int) -> None:
    """Net terms add exactly the days; end-of-month terms never come earlier than net terms."""
    assert PaymentTerms.net(days).due_date(day) == day + timedelta(days=days)
    eom = PaymentTerms.end_of_month(days).due_date(day)
    assert eom >= day + timedelta(days=days)
    assert (eom - timedelta(days=days) + timedelta(days=1)).day == 1  # the day after a month end
