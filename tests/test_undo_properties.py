"""Properties of settlement and undo over random histories of one foreign-currency invoice.

A history is: an EUR invoice booked at a random rate, then, a day apart,
partial payments at random rates (each matched and settled at once) and
revaluations at random closing rates, in any order; at the end the payment
discount and a tolerance are planned and the match settled again. Then
everything is undone, by dissolving the match or by removing the payments
one by one in a random order. For any such history:

(a) the derived entries net to what their definitions say: after every
    settlement nothing is left to settle (the match carries each open
    member's foreign remaining at its carrying rate, so settling again finds
    nothing), a match whose foreign sum is zero is closed and zero in local
    currency too, and a discount is the terms' percent of the invoice valued
    at the invoice's own rate;
(b) undoing everything restores every document's original remaining in both
    currencies, nets the realized differences, discounts and tolerances to
    zero, and leaves the invoice carried at its latest revaluation rate (its
    booking rate if never revalued): the unrealized entries are exactly that;
(c) the order of independent undo steps (which payment is removed first)
    does not change the final remaining amounts, balances or FX report, and
    dissolving gives the same figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from reskontro import Entry, EntryKind, Ledger, Money, Side
from reskontro.adjustments import Tolerance, plan_adjustments
from reskontro.rates import RateTable
from reskontro.settlement import fx_report, plan_revaluation, plan_settlement
from reskontro.terms import PaymentTerms
from reskontro.testing import check_invariants

INVOICED = date(2026, 12, 20)
TERMS = PaymentTerms.with_discount("2", 10, 30)
EVERYTHING = (date(2026, 1, 1), date(2027, 12, 31))
RATES = st.decimals(min_value="9", max_value="13", places=4)
CENT = Decimal("0.01")

#: One step: a payment of a share (per mille of what is left) at a rate, or a revaluation.
STEP = st.one_of(
    st.tuples(st.just("pay"), st.integers(1, 1000), RATES),
    st.tuples(st.just("revalue"), st.just(0), RATES),
)


def local(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_EVEN)


def nothing_left_to_settle(ledger: Ledger) -> None:
    """(a): settling again finds nothing; a match at zero in EUR is closed and zero in NOK."""
    plan = plan_settlement(ledger, "K-1", on=ledger.get_match("K-1").changed_on)
    assert plan.entries == ()
    match = ledger.get_match("K-1")
    if all(m.is_zero for m in match.outstanding if m.currency == "EUR"):
        assert match.is_closed
        assert match.outstanding_local.is_zero


def history(
    side: Side, cents: int, booked: Decimal, steps: list[tuple[str, int, Decimal]],
    tolerance: bool,
) -> tuple[Ledger, list[str], date]:
    """Build the history; return the ledger, the payment ids and the last day used."""
    sign = 1 if side is Side.RECEIVABLE else -1
    amount = Decimal(cents) / 100
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-1", party="9", side=side, amount=Money(sign * amount, "EUR"),
        amount_local=Money(sign * local(amount, booked), "NOK"), posted=INVOICED,
        due=TERMS.due_date(INVOICED),
    ))
    left, day, payments = amount, INVOICED, []
    for kind, share, rate in steps:
        day += timedelta(days=1)
        if kind == "revalue":
            ledger = plan_revaluation(
                ledger, RateTable("NOK", {("EUR", day): rate}), on=day
            ).apply(ledger)
            continue
        paid = (left * share / 1000).quantize(CENT)
        if not paid:
            continue
        left -= paid
        pay_id = f"P-{len(payments) + 1}"
        ledger = ledger.post(Entry.payment(
            pay_id, party="9", side=side, amount=Money(-sign * paid, "EUR"),
            amount_local=Money(-sign * local(paid, rate), "NOK"), posted=day,
        ))
        payments.append(pay_id)
        if len(payments) == 1:
            ledger = ledger.match(["F-1", pay_id], match_id="K-1")
        else:
            ledger = ledger.extend_match("K-1", [pay_id])
        ledger = plan_settlement(ledger, "K-1", on=day).apply(ledger)
        nothing_left_to_settle(ledger)
    if payments:
        plan = plan_adjustments(
            ledger, "K-1", on=day, terms={"F-1": TERMS},
            tolerance=Tolerance(percent="1", max_amount=Money("50", "EUR")) if tolerance else None,
        )
        for adjustment in plan.adjustments:
            entry = adjustment.entry
            if entry.kind is EntryKind.DISCOUNT:
                # 2 % of the invoice (half up), valued at the invoice's own rate
                off = (amount * Decimal("0.02")).quantize(CENT, rounding=ROUND_HALF_UP)
                assert entry.amount == Money(-sign * off, "EUR")
                valued = (off * local(amount, booked) / amount).quantize(
                    CENT, rounding=ROUND_HALF_EVEN
                )
                assert entry.amount_local == Money(-sign * valued, "NOK")
        ledger = plan.apply(ledger)
        ledger = plan_settlement(ledger, "K-1", on=day).apply(ledger)
        nothing_left_to_settle(ledger)
    check_invariants(ledger)
    return ledger, payments, day


def outcome(ledger: Ledger) -> tuple[object, ...]:
    """What must not depend on how the history was undone."""
    documents = [
        (i.id, i.remaining, i.remaining_local) for i in ledger.items(party="9")
        if i.kind in (EntryKind.INVOICE, EntryKind.PAYMENT) and i.entry.reverses is None
    ]
    report = fx_report(ledger, *EVERYTHING)
    return (
        documents, ledger.balance(party="9"),
        {k: report[k] for k in ("net", "unrealized_net", "total", "unrealized_open")},
    )


def check_undone(ledger: Ledger, payments: list[str], side: Side) -> None:
    """(b): documents whole again, settlement entries netted, invoice at its latest rate."""
    for entry_id in ["F-1", *payments]:
        item = ledger.item(entry_id)
        assert item.remaining == item.entry.amount
        assert item.remaining_local == item.entry.amount_local
    invoice = ledger.entry("F-1")
    revaluations = [r for r in ledger.revaluations("F-1") if r.rate is not None]
    latest = max(revaluations, key=lambda r: (r.posted, r.id)).rate if revaluations else None
    carrying = invoice.amount_local.amount if latest is None else local(
        invoice.amount.amount, latest
    )
    unrealized = sum(
        (r.amount_local.amount for r in ledger.revaluations("F-1")), Decimal(0)
    )
    assert invoice.amount_local.amount + unrealized == carrying
    net = ledger.derived_entries("K-1").net
    assert (net["realized"], net["discount"], net["tolerance"]) == (Money("0", "NOK"),) * 3
    balance = ledger.balance(party="9", side=side)
    documents = [ledger.entry(i) for i in ["F-1", *payments]]
    assert balance.local.amount == carrying + sum(e.amount_local.amount for e in documents[1:])
    eur = sum((e.amount.amount for e in documents), Decimal(0))
    assert {m.currency: m.amount for m in balance.by_currency}.get("EUR", Decimal(0)) == eur
    check_invariants(ledger)


@given(
    side=st.sampled_from(list(Side)),
    cents=st.integers(10_000, 10_000_000),
    booked=RATES,
    steps=st.lists(STEP, min_size=1, max_size=6),
    tolerance=st.booleans(),
    data=st.data(),
)
def test_undoing_everything_restores_the_books_in_any_order(
    side: Side, cents: int, booked: Decimal, steps: list[tuple[str, int, Decimal]],
    tolerance: bool, data: st.DataObject,
) -> None:
    ledger, payments, day = history(side, cents, booked, steps, tolerance)
    if not payments:
        return
    undo_day = day + timedelta(days=40)
    dissolved = ledger.dissolve("K-1", on=undo_day)
    check_undone(dissolved, payments, side)
    order = data.draw(st.permutations(payments))
    removed = ledger
    for pay_id in order:
        removed = removed.remove_from_match(pay_id, on=undo_day)
    check_undone(removed, payments, side)
    removed_back = ledger
    for pay_id in reversed(order):
        removed_back = removed_back.remove_from_match(pay_id, on=undo_day)
    # (c): the order of the removals, or dissolving instead, changes nothing that counts
    assert outcome(removed) == outcome(removed_back) == outcome(dissolved)
