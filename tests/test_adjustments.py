"""Payment discount (kontantrabatt) and payment tolerance as adjustment entries in a match."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import Entry, EntryKind, InvalidQueryError, Ledger, MatchError, Money, Side
from reskontro.adjustments import (
    AdjustmentAccounts,
    DiscountPolicy,
    Tolerance,
    TolerancePolicy,
    plan_adjustments,
)
from reskontro.settlement import GlPosting
from reskontro.terms import PaymentTerms
from reskontro.testing import check_invariants


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


DOCUMENT = date(2026, 1, 5)
TERMS = PaymentTerms.with_discount("2", 10, 30)  # discount date 15.01, due 04.02
IN_TIME, LATE = date(2026, 1, 15), date(2026, 1, 16)
TOLERANCE = Tolerance(percent="0.5", max_amount=nok("5"))


def matched(*paid: tuple[str, date], side: Side = Side.RECEIVABLE, invoice: str = "1000") -> Ledger:
    sign = 1 if side is Side.RECEIVABLE else -1
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-1", party="1", side=side, amount=nok(str(sign * Decimal(invoice))), posted=DOCUMENT,
        due=TERMS.due_date(DOCUMENT), document_no="1001",
    ))
    for number, (amount, on) in enumerate(paid, start=1):
        ledger = ledger.post(Entry.payment(
            f"P-{number}", party="1", side=side, amount=nok(str(-sign * Decimal(amount))),
            posted=on,
        ))
        ledger = (ledger.match(["F-1", f"P-{number}"], match_id="K-1") if number == 1
                  else ledger.extend_match("K-1", [f"P-{number}"]))
    return ledger


def test_paid_in_time_the_discount_closes_the_invoice() -> None:
    ledger = matched(("980", IN_TIME))
    plan = plan_adjustments(ledger, "K-1", on=IN_TIME, terms={"F-1": TERMS})
    (adjustment,) = plan.adjustments
    assert adjustment.entry.kind is EntryKind.DISCOUNT
    assert adjustment.entry.amount == nok("-20")
    assert adjustment.target == "F-1"
    assert "2 % cash discount" in adjustment.reason
    assert plan.postings == (
        GlPosting(account="3080", debit=nok("20")), GlPosting(account="1500", credit=nok("20")),
    )
    done = plan.apply(ledger)
    assert done.get_match("K-1").is_closed
    assert list(done.open_items()) == []
    check_invariants(done)


def test_a_late_payment_gets_no_discount() -> None:
    ledger = matched(("980", LATE))
    plan = plan_adjustments(ledger, "K-1", on=LATE, terms={"F-1": TERMS})
    assert plan.adjustments == ()
    assert plan.skipped == ("F-1: paid on 2026-01-16, after the discount date 2026-01-15",)
    assert plan.apply(ledger) is ledger


def test_a_partial_payment_does_not_consume_the_discount() -> None:
    """NOK 500 on 10.01 leaves 500 (more than the 20 discount); NOK 480 on 15.01 earns it."""
    ledger = matched(("500", date(2026, 1, 10)))
    first = plan_adjustments(ledger, "K-1", on=date(2026, 1, 10), terms={"F-1": TERMS})
    assert first.adjustments == ()
    assert "stays available until 2026-01-15" in first.skipped[0]
    ledger = ledger.post(Entry.payment("P-2", party="1", amount=nok("-480"), posted=IN_TIME))
    ledger = ledger.extend_match("K-1", ["P-2"])
    second = plan_adjustments(ledger, "K-1", on=IN_TIME, terms={"F-1": TERMS})
    assert [a.entry.amount for a in second.adjustments] == [nok("-20")]
    assert second.apply(ledger).get_match("K-1").is_closed


def test_paying_more_than_the_discounted_amount_keeps_the_surplus_on_the_payment() -> None:
    """NOK 990 in time: the full NOK 20 discount is granted; NOK 10 stays open on the payment."""
    ledger = matched(("990", IN_TIME))
    done = plan_adjustments(ledger, "K-1", on=IN_TIME, terms={"F-1": TERMS}).apply(ledger)
    assert [(i.id, i.remaining) for i in done.open_items()] == [("P-1", nok("-10"))]
    assert done.item("F-1").remaining == nok("0")
    check_invariants(done)


def test_discount_policy_never() -> None:
    plan = plan_adjustments(matched(("980", IN_TIME)), "K-1", on=IN_TIME, terms={"F-1": TERMS},
                            discount=DiscountPolicy.NEVER)
    assert plan.adjustments == ()
    assert plan.skipped == ("F-1: discount not taken (policy never)",)


def test_terms_may_come_from_a_function() -> None:
    ledger = matched(("980", IN_TIME))
    plan = plan_adjustments(ledger, "K-1", on=IN_TIME,
                            terms=lambda e: TERMS if e.document_no == "1001" else None)
    assert len(plan.adjustments) == 1


def test_a_supplier_discount_is_received() -> None:
    """We pay NOK 980 for a NOK 1 000 supplier invoice in time: discount received, 8079."""
    ledger = matched(("980", IN_TIME), side=Side.PAYABLE)
    plan = plan_adjustments(ledger, "K-1", on=IN_TIME, terms={"F-1": TERMS})
    (adjustment,) = plan.adjustments
    assert adjustment.entry.amount == nok("20")
    assert plan.postings == (
        GlPosting(account="2400", debit=nok("20")), GlPosting(account="8079", credit=nok("20")),
    )
    assert plan.apply(ledger).get_match("K-1").is_closed


def test_an_underpayment_within_the_tolerance_is_written_off() -> None:
    ledger = matched(("997", LATE))
    plan = plan_adjustments(ledger, "K-1", on=LATE, tolerance=TOLERANCE)
    (adjustment,) = plan.adjustments
    assert (adjustment.entry.kind, adjustment.entry.amount) == (EntryKind.TOLERANCE, nok("-3"))
    assert plan.postings == (
        GlPosting(account="7790", debit=nok("3")), GlPosting(account="1500", credit=nok("3")),
    )
    assert plan.apply(ledger).get_match("K-1").is_closed


def test_an_overpayment_within_the_tolerance_is_taken_as_income() -> None:
    ledger = matched(("1004", LATE))
    plan = plan_adjustments(ledger, "K-1", on=LATE, tolerance=TOLERANCE)
    (adjustment,) = plan.adjustments
    assert (adjustment.target, adjustment.entry.amount) == ("P-1", nok("4"))
    assert plan.postings == (
        GlPosting(account="1500", debit=nok("4")), GlPosting(account="3900", credit=nok("4")),
    )
    done = plan.apply(ledger)
    assert done.get_match("K-1").is_closed
    check_invariants(done)


def test_beyond_the_tolerance_or_leave_open_posts_nothing() -> None:
    """The tolerance is min(0.5 % of 1 000, 5) = 5: a remainder of 6 stays open."""
    plan = plan_adjustments(matched(("994", LATE)), "K-1", on=LATE, tolerance=TOLERANCE)
    assert plan.adjustments == ()
    assert plan.skipped == ("F-1: 6.00 NOK left is beyond the tolerance of 5.00",)
    plan = plan_adjustments(matched(("997", LATE)), "K-1", on=LATE, tolerance=TOLERANCE,
                            tolerance_policy=TolerancePolicy.LEAVE_OPEN)
    assert plan.adjustments == ()


def test_tolerance_is_the_smaller_of_percent_and_maximum() -> None:
    assert TOLERANCE.limit(nok("100")) == nok("0.50")
    assert TOLERANCE.limit(nok("-100000")) == nok("5")
    assert TOLERANCE.limit(Money("100", "EUR")) == Money("0", "EUR")


def test_accounts_are_parameters() -> None:
    accounts = AdjustmentAccounts(discount_given="8150", tolerance_loss="7770")
    plan = plan_adjustments(matched(("980", IN_TIME)), "K-1", on=IN_TIME,
                            terms={"F-1": TERMS}, accounts=accounts)
    assert plan.postings[0].account == "8150"


def test_a_foreign_invoice_discount_is_valued_at_the_invoice_booking() -> None:
    eur = lambda a: Money(a, "EUR")  # noqa: E731
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=eur("1000"), amount_local=nok("11000"),
                      posted=DOCUMENT),
        Entry.payment("P-1", party="1", amount=eur("-980"), amount_local=nok("-10780"),
                      posted=IN_TIME),
    ]).match(["F-1", "P-1"], match_id="K-1")
    plan = plan_adjustments(ledger, "K-1", on=IN_TIME, terms={"F-1": TERMS})
    (adjustment,) = plan.adjustments
    assert (adjustment.entry.amount, adjustment.entry.amount_local) == (eur("-20"), nok("-220"))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"discount": "automatic"}, "discount"),
        ({"tolerance_policy": "accept"}, "tolerance_policy"),
        ({"tolerance": 5}, "tolerance"),
    ],
)
def test_wrong_policies_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        plan_adjustments(matched(("980", IN_TIME)), "K-1", on=IN_TIME, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize("percent", ["-1", "101", "abc", 0.5, True])
def test_a_bad_tolerance_is_refused(percent: object) -> None:
    with pytest.raises(InvalidQueryError):
        Tolerance(percent=percent, max_amount=nok("5"))  # type: ignore[arg-type]
    with pytest.raises(InvalidQueryError):
        Tolerance(percent="1", max_amount=nok("-5"))


def test_dissolved_or_early_is_refused() -> None:
    ledger = matched(("980", IN_TIME))
    with pytest.raises(MatchError, match="before its last change"):
        plan_adjustments(ledger, "K-1", on=DOCUMENT)
    with pytest.raises(MatchError, match="dissolved"):
        plan_adjustments(ledger.dissolve("K-1", on=LATE), "K-1", on=LATE)


def test_the_plan_is_a_table() -> None:
    plan = plan_adjustments(matched(("980", IN_TIME)), "K-1", on=IN_TIME, terms={"F-1": TERMS})
    (record,) = plan.to_records()
    assert record["amount"] == Decimal("-20.00")
    assert "<table" in plan._repr_html_()


@given(
    st.integers(1, 10**6), st.integers(0, 10**6), st.integers(0, 20), st.sampled_from(list(Side))
)
def test_adjustments_keep_the_ledger_consistent(
    invoice_minor: int, paid_minor: int, days: int, side: Side
) -> None:
    """Whatever is paid and whenever: the plan never over-settles, and the invariants hold."""
    invoice = Decimal(invoice_minor) / 100
    paid = min(Decimal(paid_minor) / 100, invoice * 2) or Decimal("0.01")
    on = DOCUMENT + timedelta(days=days)
    ledger = matched((str(paid), on), side=side, invoice=str(invoice))
    before = ledger.balance().local
    plan = plan_adjustments(ledger, "K-1", on=on, terms={"F-1": TERMS},
                            tolerance=Tolerance(percent="1", max_amount=nok("10")))
    done = plan.apply(ledger)
    check_invariants(done)
    # the balance moves by exactly the adjustments, balanced by their G/L postings
    moved = done.balance().local.amount - before.amount
    assert moved == sum((e.amount_local.amount for e in plan.entries), Decimal(0))
    debits = sum((p.debit.amount for p in plan.postings if p.debit), Decimal(0))
    credited = sum((p.credit.amount for p in plan.postings if p.credit), Decimal(0))
    assert debits == credited
    assert done.item("F-1").remaining.amount * (1 if side is Side.RECEIVABLE else -1) >= 0
    discounted = [a for a in plan.adjustments if a.entry.kind is EntryKind.DISCOUNT]
    if discounted:
        assert on <= IN_TIME
