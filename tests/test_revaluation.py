"""Unrealized exchange differences: revaluation at period end, and how settlement reverses them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import Entry, EntryKind, InvalidEntryError, Ledger, MissingRateError, Money, Side
from reskontro.rates import RateTable
from reskontro.settlement import (
    FxAccounts,
    GlPosting,
    fx_entries,
    fx_report,
    plan_revaluation,
    plan_settlement,
)
from reskontro.testing import check_invariants


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


INVOICED = date(2026, 1, 2)
YEAR_END = date(2026, 12, 31)
FIRST_PAID = date(2027, 1, 20)
QUARTER_END = date(2027, 3, 31)
LAST_PAID = date(2027, 4, 10)
RATES = RateTable("NOK", {
    ("EUR", INVOICED): "11.00",
    ("EUR", YEAR_END): "11.20",
    ("EUR", FIRST_PAID): "11.50",
    ("EUR", QUARTER_END): "11.30",
    ("EUR", LAST_PAID): "11.40",
})
EVERYTHING = (date(2026, 1, 1), date(2027, 12, 31))


def invoiced(side: Side = Side.RECEIVABLE) -> Ledger:
    sign = "" if side is Side.RECEIVABLE else "-"
    return Ledger("NOK").post(
        Entry.invoice("F-1", party="9", side=side, amount=eur(f"{sign}1000"), rates=RATES,
                      posted=INVOICED)
    )


def test_revaluation_books_the_change_to_the_closing_rate() -> None:
    """EUR 1 000 booked at 11.00 and valued at 11.20 on 31.12: unrealized gain NOK 200."""
    ledger = invoiced()
    plan = plan_revaluation(ledger, RATES, on=YEAR_END)
    (entry,) = plan.entries
    assert entry.kind is EntryKind.FX_UNREALIZED_GAIN
    assert (entry.amount, entry.amount_local) == (eur("0"), nok("200"))
    assert (entry.revalues, entry.rate, entry.posted) == ("F-1", Decimal("11.20"), YEAR_END)
    assert plan.total == nok("200")
    assert plan.postings == (
        GlPosting(account="1500", debit=nok("200")), GlPosting(account="8060", credit=nok("200")),
    )
    revalued = plan.apply(ledger)
    assert revalued.balance(party="9").local == nok("11200")
    assert revalued.revaluations("F-1") == (entry,)
    assert revalued.revaluations("F-1", as_of=YEAR_END - timedelta(days=1)) == ()
    # the revaluation is an open item of its own until the invoice settles
    assert [(i.id, i.remaining_local) for i in revalued.open_items()] == [
        ("F-1", nok("11000")), ("F-1-U20261231", nok("200")),
    ]
    check_invariants(revalued)
    # revaluing again at the same rate finds nothing to book
    assert plan_revaluation(revalued, RATES, on=YEAR_END).entries == ()


def test_settlement_reverses_the_settled_share_and_realizes_against_the_original_rate() -> None:
    """The Business Central method, step by step, and the totals it must come to.

    EUR 1 000 at 11.00; revalued at 11.20 (+200); EUR 400 paid at 11.50; revalued
    at 11.30 (+60 on the 600 left); EUR 600 paid at 11.40.
    """
    ledger = plan_revaluation(invoiced(), RATES, on=YEAR_END).apply(invoiced())
    ledger = ledger.post(
        Entry.payment("P-1", party="9", amount=eur("-400"), rates=RATES, posted=FIRST_PAID)
    ).match(["F-1", "P-1"], match_id="K-1")
    plan = plan_settlement(ledger, "K-1", on=FIRST_PAID)
    # realized against 11.00: 400 x 0.50; the settled 40 % of the +200 is reversed
    assert (plan.realized, plan.unrealized, plan.difference) == (nok("200"), nok("-80"), nok("120"))
    assert plan.pulled == ("F-1-U20261231",)
    (reversal,) = plan.reversals
    assert (reversal.kind, reversal.amount_local, reversal.revalues, reversal.rate) == (
        EntryKind.FX_UNREALIZED_LOSS, nok("-80"), "F-1", None,
    )
    assert plan.postings == (
        GlPosting(account="1500", debit=nok("200")), GlPosting(account="8060", credit=nok("200")),
        GlPosting(account="8160", debit=nok("80")), GlPosting(account="1500", credit=nok("80")),
    )
    ledger = plan.apply(ledger)
    # the invoice carries the 600 left at the revaluation rate 11.20
    assert [(i.id, i.remaining, i.remaining_local) for i in ledger.open_items()] == [
        ("F-1", eur("600"), nok("6720")),
    ]
    assert ledger.balance(party="9").local == nok("6720")
    check_invariants(ledger)

    quarter = plan_revaluation(ledger, RATES, on=QUARTER_END)
    assert [(e.id, e.amount_local) for e in quarter.entries] == [("F-1-U20270331", nok("60"))]
    ledger = quarter.apply(ledger).post(
        Entry.payment("P-2", party="9", amount=eur("-600"), rates=RATES, posted=LAST_PAID)
    ).extend_match("K-1", ["P-2"])
    plan = plan_settlement(ledger, "K-1", on=LAST_PAID)
    assert (plan.realized, plan.unrealized) == (nok("240"), nok("-180"))
    ledger = plan.apply(ledger)
    assert ledger.get_match("K-1").is_closed
    assert ledger.balance(party="9").local == nok("0")
    assert list(ledger.open_items()) == []
    report = fx_report(ledger, *EVERYTHING)
    # realized 440 = 11 440 paid - 11 000 booked; the unrealized differences net to zero
    assert (report["net"], report["unrealized_net"], report["total"]) == (
        nok("440"), nok("0"), nok("440"),
    )
    assert report["unrealized_open"] == nok("0")
    year = fx_report(ledger, date(2026, 1, 1), YEAR_END)
    assert (year["net"], year["unrealized_net"], year["unrealized_open"]) == (
        nok("0"), nok("200"), nok("200"),
    )
    check_invariants(ledger)


def test_supplier_revaluation_mirrors_the_customer() -> None:
    """A EUR supplier invoice worth more NOK at year end is an unrealized loss."""
    ledger = invoiced(Side.PAYABLE)
    plan = plan_revaluation(ledger, RATES, on=YEAR_END)
    (entry,) = plan.entries
    assert (entry.kind, entry.amount_local) == (EntryKind.FX_UNREALIZED_LOSS, nok("-200"))
    assert plan.postings == (
        GlPosting(account="2400", credit=nok("200")), GlPosting(account="8160", debit=nok("200")),
    )
    ledger = plan.apply(ledger).post(
        Entry.payment("P-1", party="9", side=Side.PAYABLE, amount=eur("1000"), rates=RATES,
                      posted=FIRST_PAID)
    ).match(["F-1", "P-1"], match_id="K-1")
    settle = plan_settlement(ledger, "K-1", on=FIRST_PAID)
    # paid 11 500 for a debt booked at 11 000: realized loss 500; the -200 is reversed
    assert (settle.realized, settle.unrealized) == (nok("-500"), nok("200"))
    ledger = settle.apply(ledger)
    assert ledger.get_match("K-1").is_closed
    assert fx_report(ledger, *EVERYTHING)["total"] == nok("-500")


def test_accounts_for_unrealized_differences_are_parameters() -> None:
    plan = plan_revaluation(
        invoiced(), RATES, on=YEAR_END, accounts=FxAccounts(unrealized_gain="8065")
    )
    assert GlPosting(account="8065", credit=nok("200")) in plan.postings


def test_only_open_foreign_items_are_revalued() -> None:
    """Local-currency items, settled items and other parties' items are left alone."""
    ledger = invoiced().post_many([
        Entry.invoice("F-2", party="9", amount=nok("500"), posted=INVOICED),
        Entry.invoice("F-3", party="7", amount=eur("10"), rates=RATES, posted=INVOICED),
        Entry.invoice("F-4", party="9", amount=eur("10"), rates=RATES, posted=INVOICED),
        Entry.payment("P-4", party="9", amount=eur("-10"), rates=RATES, posted=INVOICED),
    ]).match(["F-4", "P-4"])
    plan = plan_revaluation(ledger, RATES, on=YEAR_END, party="9")
    assert [e.revalues for e in plan.entries] == ["F-1"]
    assert [e.revalues for e in plan_revaluation(ledger, RATES, on=YEAR_END).entries] == [
        "F-1", "F-3",
    ]


def test_a_missing_closing_rate_is_named() -> None:
    ledger = Ledger("NOK").post(
        Entry.invoice("F-1", party="9", amount=Money("100", "USD"),
                      amount_local=nok("1000"), posted=INVOICED)
    )
    with pytest.raises(MissingRateError, match="USD"):
        plan_revaluation(ledger, RATES, on=YEAR_END)


@pytest.mark.parametrize(
    ("revalues", "message"),
    [
        ("F-9", "is not in the ledger"),
        ("F-NOK", "is in NOK"),
        ("F-OTHER", "is on customer 7"),
    ],
)
def test_an_unrealized_entry_must_revalue_a_foreign_item_of_its_sub_account(
    revalues: str, message: str
) -> None:
    """The link is checked at posting; the refused ledger is unchanged."""
    ledger = invoiced().post_many([
        Entry.invoice("F-NOK", party="9", amount=nok("100"), posted=INVOICED),
        Entry.invoice("F-OTHER", party="7", amount=eur("100"), rates=RATES, posted=INVOICED),
    ])
    before = ledger.to_dict()
    bad = Entry.fx_unrealized("U-1", party="9", amount_local=nok("5"), currency="EUR",
                              posted=YEAR_END, revalues=revalues, rate=Decimal("11.2"))
    with pytest.raises(InvalidEntryError, match=message) as caught:
        ledger.post(bad)
    assert (caught.value.entry_id, caught.value.field, caught.value.value) == (
        "U-1", "revalues", revalues,
    )
    assert ledger.to_dict() == before


def test_revalues_belongs_to_unrealized_entries_only() -> None:
    with pytest.raises(InvalidEntryError, match="revalues"):
        Entry.of_kind(EntryKind.FX_UNREALIZED_GAIN, "U-1", party="9", amount=nok("5"),
                      posted=YEAR_END)
    with pytest.raises(InvalidEntryError, match="revalues"):
        Entry.invoice("F-1", party="9", amount=nok("5"), posted=YEAR_END, revalues="F-0")


def test_dissolving_keeps_the_revaluation_and_undoes_the_settlement() -> None:
    """Dissolve: the settlement's entries are reversed; the period-end revaluation stays."""
    ledger = plan_revaluation(invoiced(), RATES, on=YEAR_END).apply(invoiced())
    ledger = ledger.post(
        Entry.payment("P-1", party="9", amount=eur("-400"), rates=RATES, posted=FIRST_PAID)
    ).match(["F-1", "P-1"], match_id="K-1")
    settled = plan_settlement(ledger, "K-1", on=FIRST_PAID).apply(ledger)
    undone = settled.dissolve("K-1", on=date(2027, 2, 1))
    assert [(i.id, i.remaining_local) for i in undone.open_items()] == [
        ("F-1", nok("11000")), ("F-1-U20261231", nok("200")), ("P-1", nok("-4600")),
    ]
    report = fx_report(undone, date(2027, 1, 1), date(2027, 12, 31))
    assert report["net"] == report["unrealized_net"] == nok("0")
    assert report["unrealized_open"] == nok("200")
    assert {e.id for e in fx_entries(settled, "K-1")} == {
        "F-1-U20261231", "K-1-FX1", "K-1-FX2",
    }
    check_invariants(undone)


def test_revaluation_survives_serialization_and_replay() -> None:
    ledger = plan_revaluation(invoiced(), RATES, on=YEAR_END).apply(invoiced())
    again = Ledger.from_dict(ledger.to_dict())
    assert again == ledger
    assert again.revaluations("F-1")[0].revalues == "F-1"
    assert again.entry("F-1-U20261231").rate == Decimal("11.20")


RATE = st.integers(900, 1300).map(lambda cents: Decimal(cents) / 100)


@given(
    st.integers(1, 10**6).map(lambda c: Decimal(c) / 100),
    RATE,
    st.lists(st.tuples(st.integers(1, 100), RATE, st.none() | RATE), min_size=1, max_size=5),
    st.sampled_from(list(Side)),
)
def test_revaluation_does_not_change_total_profit_and_loss(
    invoice: Decimal,
    booked_rate: Decimal,
    steps: list[tuple[int, Decimal, Decimal | None]],
    side: Side,
) -> None:
    """Revalue-then-settle and settle-only realize the same; their totals differ by what is open.

    Each step pays a share (percent of what is left, the last pays the rest)
    at a rate, optionally after a revaluation at another rate. Realized FX is
    the same with and without revaluations (it is measured against the
    original rate); the unrealized differences net to what the open part
    still carries, and to zero once the invoice is paid.
    """
    sign = 1 if side is Side.RECEIVABLE else -1
    start = Entry.invoice(
        "F-1", party="9", side=side, amount=eur(str(sign * invoice)),
        amount_local=nok(str(sign * (invoice * booked_rate).quantize(Decimal("0.01")))),
        posted=INVOICED,
    )
    plain = revalued = Ledger("NOK").post(start)
    left = invoice
    day = INVOICED
    for number, (share, rate, closing) in enumerate(steps, start=1):
        last = number == len(steps)
        paid = left if last else max(Decimal("0.01"), (left * share / 100).quantize(
            Decimal("0.01")))
        paid = min(paid, left)
        day += timedelta(days=30)
        if closing is not None:
            table = RateTable("NOK", {("EUR", day): closing})
            revalued = plan_revaluation(revalued, table, on=day).apply(revalued)
        day += timedelta(days=1)
        payment = Entry.payment(
            f"P-{number}", party="9", side=side, amount=eur(str(-sign * paid)),
            amount_local=nok(str(-sign * (paid * rate).quantize(Decimal("0.01")))), posted=day,
        )
        ledgers = []
        for ledger in (plain, revalued):
            ledger = ledger.post(payment)
            ledger = (ledger.match(["F-1", payment.id], match_id="K") if number == 1
                      else ledger.extend_match("K", [payment.id]))
            ledgers.append(plan_settlement(ledger, "K", on=day).apply(ledger))
        plain, revalued = ledgers
        left -= paid
        if not left:
            break
    without, with_ = fx_report(plain, *EVERYTHING), fx_report(revalued, *EVERYTHING)
    assert with_["net"] == without["net"]
    assert with_["total"] == without["total"] + with_["unrealized_open"]
    assert with_["unrealized_net"] == with_["unrealized_open"]
    if not left:
        assert with_["unrealized_open"] == nok("0")
        assert revalued.get_match("K").is_closed
        assert plain.get_match("K").is_closed
        # the match sums to zero: the exchange result is what invoice and payments leave
        payments = sum(
            (i.entry.value_local for i in revalued.search(kind=EntryKind.PAYMENT)), Decimal(0)
        )
        assert with_["total"].amount == -(start.value_local + payments)
    check_invariants(revalued)
    check_invariants(plain)
