"""One way to undo: the Ledger's own undo methods reverse or true up what an application booked.

``Ledger.dissolve``, ``Ledger.remove_from_match`` and
``Ledger.reverse(..., unmatch_first=True)`` leave no realized exchange
difference, discount, tolerance or settled share of an unrealized difference
behind. The figures below are worked out by hand in the comments (local NOK,
rates in NOK per EUR); the unapply behaviour follows Business Central's: an
unapplied entry gets the reversal of what its application posted, dated on
the unapply day, and an adjusted (revalued) entry goes back to carrying its
adjusted amount.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reskontro import Entry, EntryKind, Ledger, MatchError, Money, ReskontroError
from reskontro.adjustments import Tolerance, plan_adjustments
from reskontro.rates import RateTable
from reskontro.settlement import fx_report, plan_revaluation, plan_settlement
from reskontro.terms import PaymentTerms
from reskontro.testing import check_invariants


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


INVOICED = date(2026, 11, 2)
PAID = date(2026, 11, 10)
YEAR_END = date(2026, 12, 31)
PAID_LATER = date(2027, 1, 15)
UNDONE = date(2027, 2, 1)
EVERYTHING = (date(2026, 1, 1), date(2027, 12, 31))
TERMS = PaymentTerms.with_discount("2", 10, 30)
RATES = RateTable("NOK", {("EUR", YEAR_END): "11.20"})


def invoice(amount: str = "1000", local: str = "11000", side_sign: str = "") -> Entry:
    return Entry.invoice("F-1", party="9", amount=eur(amount), amount_local=nok(local),
                         posted=INVOICED, due=TERMS.due_date(INVOICED))


def payment(amount: str, local: str, on: date = PAID, entry_id: str = "P-1") -> Entry:
    return Entry.payment(entry_id, party="9", amount=eur(amount), amount_local=nok(local),
                         posted=on)


def settled(ledger: Ledger, on: date = PAID) -> Ledger:
    return plan_settlement(ledger, "K-1", on=on).apply(ledger)


def discounted_in_eur() -> Ledger:
    """EUR 1 000 at 11.00, 2 % within 10 days, paid EUR 980 at 11.50 on day 8, discounted, settled.

    discount: EUR -20 valued at the invoice's 11.00 = NOK -220;
    match: 11 000 - 11 270 - 220 = NOK -490, EUR 0 -> realized agio NOK +490
    (= EUR 980 x (11.50 - 11.00)), numbered K-1-FX1; closed.
    """
    ledger = Ledger("NOK").post_many([invoice(), payment("-980", "-11270")]).match(
        ["F-1", "P-1"], match_id="K-1"
    )
    plan = plan_adjustments(ledger, "K-1", on=PAID, terms={"F-1": TERMS})
    ledger = settled(plan.apply(ledger))
    assert ledger.entry("K-1-D1").amount_local == nok("-220")
    assert ledger.entry("K-1-FX1").amount_local == nok("490")
    assert ledger.get_match("K-1").is_closed
    return ledger


def test_dissolve_reverses_realized_fx_and_the_discount() -> None:
    """Dissolve: the agio (+490) and the discount (EUR -20 / NOK -220) get stornos, dated UNDONE."""
    ledger = discounted_in_eur()
    undone = ledger.dissolve("K-1", on=UNDONE)
    assert [(i.id, i.remaining, i.remaining_local) for i in undone.open_items()] == [
        ("F-1", eur("1000"), nok("11000")), ("P-1", eur("-980"), nok("-11270")),
    ]
    for derived in ("K-1-D1", "K-1-FX1"):
        storno = undone.entry(f"{derived}-R")
        assert storno.posted == UNDONE
        assert storno.amount_local == -ledger.entry(derived).amount_local
        assert undone.item(derived).match_id == undone.item(storno.id).match_id is not None
    net = undone.derived_entries("K-1").net
    assert net == dict.fromkeys(("realized", "unrealized", "discount", "tolerance", "total"),
                                nok("0"))
    assert fx_report(undone, *EVERYTHING)["total"] == nok("0")
    # the balance is what the two documents say: 11 000 - 11 270
    assert undone.balance(party="9").local == nok("-270")
    check_invariants(undone)


def test_removing_the_payment_reverses_the_discount_and_trues_up_the_fx() -> None:
    """Remove P-1: the discount is reversed, the match holds F-1 alone, the agio is trued up.

    After the removal the match holds F-1 (EUR 1 000 open, target NOK 11 000) and
    the agio +490: actual 11 490, so the true-up books NOK -490 on the undo day.
    """
    undone = discounted_in_eur().remove_from_match("P-1", on=UNDONE)
    assert undone.entry("K-1-D1-R").amount == eur("20")
    trued = undone.entry("K-1-FX2")
    assert (trued.kind, trued.amount_local, trued.posted) == (
        EntryKind.FX_LOSS, nok("-490"), UNDONE,
    )
    assert undone.get_match("K-1").entry_ids == ("F-1", "K-1-FX1", "K-1-FX2")
    assert undone.item("F-1").remaining == eur("1000")
    assert undone.get_match("K-1").outstanding_local == nok("11000")
    assert undone.item("P-1").remaining_local == nok("-11270")
    assert undone.derived_entries("K-1").is_undone
    check_invariants(undone)


def test_reverse_with_unmatch_first_undoes_the_application_too() -> None:
    """Reverse the payment of a discounted match: discount reversed, FX trued up, P-1 stornoed."""
    undone = discounted_in_eur().reverse("P-1", on=UNDONE, unmatch_first=True)
    assert not undone.item("P-1").is_open
    assert not undone.item("P-1-R").is_open
    assert undone.item("F-1").remaining_local == nok("11000")
    assert undone.derived_entries("K-1").is_undone
    assert undone.balance(party="9").local == nok("11000")
    check_invariants(undone)


def test_tolerance_in_local_currency_is_reversed_by_dissolve_and_by_remove() -> None:
    """NOK 600 paid with NOK 598: tolerance NOK -2 closes it; every undo reverses the 2."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=nok("600"), posted=INVOICED),
        Entry.payment("P-1", party="1", amount=nok("-598"), posted=PAID),
    ]).match(["F-1", "P-1"], match_id="K-1")
    tolerance = Tolerance(percent="0.5", max_amount=nok("5"))
    ledger = plan_adjustments(ledger, "K-1", on=PAID, tolerance=tolerance).apply(ledger)
    assert ledger.get_match("K-1").is_closed
    for undone in (
        ledger.dissolve("K-1", on=UNDONE),
        ledger.remove_from_match("P-1", on=UNDONE),
        ledger.reverse("P-1", on=UNDONE, unmatch_first=True),
    ):
        assert undone.entry("K-1-T1-R").amount == nok("2")
        assert undone.item("F-1").remaining == nok("600")
        assert undone.derived_entries("K-1").net["tolerance"] == nok("0")
        check_invariants(undone)


def test_a_local_match_without_derived_entries_undoes_as_before() -> None:
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=nok("600"), posted=INVOICED),
        Entry.payment("P-1", party="1", amount=nok("-600"), posted=PAID),
    ]).match(["F-1", "P-1"], match_id="K-1")
    assert ledger.dissolve("K-1", on=UNDONE).event_count == ledger.event_count + 1
    assert ledger.remove_from_match("P-1", on=UNDONE).event_count == ledger.event_count + 1


def test_an_entry_the_match_booked_cannot_be_removed_alone() -> None:
    """Removing the agio alone would leave the books wrong: refused, nothing changes."""
    ledger = discounted_in_eur()
    before = ledger.to_dict()
    for booked in ("K-1-FX1", "K-1-D1"):
        with pytest.raises(MatchError, match="booked by match 'K-1'") as caught:
            ledger.remove_from_match(booked, on=UNDONE)
        assert (caught.value.entry_id, caught.value.field) == (booked, "entry_id")
        with pytest.raises(ReskontroError):
            ledger.reverse(booked, on=UNDONE, unmatch_first=True)
    assert ledger.to_dict() == before


def revalued_then_paid() -> Ledger:
    """Order 1: revalued at 11.20 on 31.12 (NOK +200), then EUR 400 paid at 11.50 on 15.1, settled.

    Settlement: F-1 keeps EUR 600 at 11.20 = 6 720 against 6 600 booked, so of the
    unrealized 200 it keeps 120 and reverses 80 (NOK -80); realized against
    11.00: EUR 400 x 0.50 = NOK +200.
    """
    ledger = Ledger("NOK").post(invoice())
    ledger = plan_revaluation(ledger, RATES, on=YEAR_END).apply(ledger)
    ledger = ledger.post(payment("-400", "-4600", on=PAID_LATER)).match(
        ["F-1", "P-1"], match_id="K-1"
    )
    ledger = settled(ledger, on=PAID_LATER)
    assert ledger.entry("K-1-FX1").amount_local == nok("-80")
    assert ledger.entry("K-1-FX2").amount_local == nok("200")
    return ledger


def paid_then_revalued() -> Ledger:
    """Order 2: EUR 400 paid at 11.50 on 10.11 (agio NOK +200), then F-1 revalued on 31.12.

    The revaluation sees EUR 600 open: 600 x (11.20 - 11.00) = NOK +120.
    """
    ledger = Ledger("NOK").post_many([invoice(), payment("-400", "-4600")]).match(
        ["F-1", "P-1"], match_id="K-1"
    )
    ledger = settled(ledger)
    assert ledger.entry("K-1-FX1").amount_local == nok("200")
    ledger = plan_revaluation(ledger, RATES, on=YEAR_END).apply(ledger)
    assert ledger.entry("F-1-U20261231").amount_local == nok("120")
    return ledger


@pytest.mark.parametrize("how", ["dissolve", "remove", "reverse"])
def test_undo_after_a_later_revaluation_reopens_at_the_latest_rate(how: str) -> None:
    """Both orders end with F-1 open for EUR 1 000 carried at 11.20 = NOK 11 200.

    Order 1 gets there by reversing the -80 and the +200; order 2 reverses the
    +200 and books the reopened EUR 400 at 11.20: 400 x 0.20 = NOK +80. Both
    report NOK 200 unrealized (the revaluation of the whole invoice) and no
    realized difference. (The gross gain and loss columns may differ: order 1
    booked a -80 and its undo, order 2 never did; every net is the same.)
    """
    results = []
    for ledger in (revalued_then_paid(), paid_then_revalued()):
        if how == "dissolve":
            undone = ledger.dissolve("K-1", on=UNDONE)
        elif how == "remove":
            undone = ledger.remove_from_match("P-1", on=UNDONE)
        else:
            undone = ledger.reverse("P-1", on=UNDONE, unmatch_first=True)
        carried = undone.entry("F-1").amount_local.amount + sum(
            r.amount_local.amount for r in undone.revaluations("F-1")
        )
        assert carried == 11200
        report = fx_report(undone, *EVERYTHING)
        assert (report["net"], report["unrealized_net"], report["unrealized_open"]) == (
            nok("0"), nok("200"), nok("200"),
        )
        assert undone.item("F-1").remaining == eur("1000")
        assert undone.derived_entries("K-1").net["realized"] == nok("0")
        check_invariants(undone)
        results.append((
            [(i.id, i.remaining, i.remaining_local) for i in undone.items(party="9")
             if i.kind in (EntryKind.INVOICE, EntryKind.PAYMENT)],
            undone.balance(party="9"),
            {k: report[k] for k in ("net", "unrealized_net", "total", "unrealized_open")},
        ))
    assert results[0] == results[1]


def test_removing_the_revalued_invoice_takes_its_revaluation_along() -> None:
    """Remove F-1 (not the payment) after revalue-then-pay.

    F-1's revaluation (+200) leaves with it, the settled share the settlement
    had reversed (-80) is reversed back (+80), and the payment left alone in
    the match is trued up: EUR -400 at its own 11.50 = target NOK -4 600 against
    actual -4 600 + 200 = -4 400, so NOK -200 (the agio undone).
    """
    undone = revalued_then_paid().remove_from_match("F-1", on=UNDONE)
    assert undone.item("F-1").match_id is None
    assert undone.item("F-1-U20261231").match_id is None
    assert undone.entry("K-1-FX1-R").amount_local == nok("80")
    assert undone.get_match("K-1").entry_ids == ("P-1", "K-1-FX2", "K-1-FX3")
    assert undone.entry("K-1-FX3").amount_local == nok("-200")
    assert undone.get_match("K-1").outstanding_local == nok("-4600")
    net = undone.derived_entries("K-1").net
    assert (net["realized"], net["unrealized"]) == (nok("0"), nok("0"))
    check_invariants(undone)


def test_reversing_a_revalued_open_item_reverses_its_revaluation_too() -> None:
    """An invoice cancelled after a period-end revaluation takes its unrealized difference along.

    F-1 EUR 1 000 at 11.00 = NOK 11 000, revalued at 11.20 on 31.12: unrealized
    gain NOK +200 (F-1-U20261231). Reversing F-1 posts F-1-R (EUR -1 000 /
    NOK -11 000) and F-1-R-U (NOK -200, an unrealized loss), matched with the
    revaluation: the sub-account is back at NOK 0 / EUR 0 with nothing open,
    and the unrealized difference nets to 0.
    """
    ledger = Ledger("NOK").post(invoice())
    ledger = plan_revaluation(ledger, RATES, on=YEAR_END).apply(ledger)
    assert ledger.entry("F-1-U20261231").amount_local == nok("200")
    undone = ledger.reverse("F-1", on=UNDONE)
    assert undone.entry("F-1-R-U").amount_local == nok("-200")
    assert undone.entry("F-1-R-U").revalues == "F-1"
    assert undone.match_of("F-1-R-U") == undone.match_of("F-1-U20261231")
    assert len(undone.open_items(party="9")) == 0
    assert undone.balance(party="9").local == nok("0")
    check_invariants(undone)


def test_reversing_a_revalued_partly_paid_item_with_unmatch_first() -> None:
    """The same after revalue-then-pay: unmatch first, then both the item and its revaluation go."""
    undone = revalued_then_paid().reverse("F-1", on=UNDONE, unmatch_first=True)
    assert undone.item("F-1").is_open is False
    assert undone.item("F-1-U20261231").is_open is False
    # what the revaluation still carried after the unmatch is reversed in one entry
    carried = sum((e.amount_local.amount for e in undone.revaluations("F-1")
                   if e.id != "F-1-R-U" and undone.item(e.id).match_id
                   == undone.item("F-1-R-U").match_id), start=Decimal(0))
    assert undone.entry("F-1-R-U").amount_local.amount == -carried
    # only the payment (EUR -400) is left open, at its own booking
    (left,) = undone.open_items(party="9")
    assert left.entry.id == "P-1"
    assert left.remaining == eur("-400")
    check_invariants(undone)


def test_derived_entries_shows_what_the_application_cost() -> None:
    """The view lists the match's discount and agio, then (after dissolve) their reversals."""
    ledger = discounted_in_eur()
    view = ledger.derived_entries("K-1")
    assert view.ids == ("K-1-D1", "K-1-FX1")
    assert (view.net["discount"], view.net["realized"], view.net["total"]) == (
        nok("-220"), nok("490"), nok("270"),
    )
    assert not view.is_undone
    assert [r["id"] for r in view.to_records()] == ["K-1-D1", "K-1-FX1"]
    assert "K-1-D1" in view._repr_html_()
    undone = ledger.dissolve("K-1", on=UNDONE)
    after = undone.derived_entries("K-1")
    assert after.ids == ("K-1-D1", "K-1-FX1", "K-1-D1-R", "K-1-FX1-R")
    assert after.is_undone
    text = str(after)
    assert "K-1-FX1-R" in text
    assert "total 0.00 NOK" in text
    # as of the day before the undo the view is what it was
    assert undone.derived_entries("K-1", as_of=PAID) == view


def test_derived_entries_of_an_unknown_match_is_refused() -> None:
    with pytest.raises(ReskontroError, match="no match"):
        Ledger("NOK").derived_entries("K-404")


def test_an_item_that_rejoins_its_match_settles_again() -> None:
    """Remove F-1, then put it back: the reversed settled share (and its reversal) is ignored.

    The settled share K-1-FX1 revalues F-1 and was reversed by K-1-FX1-R when
    F-1 left; the pair sits closed in its own match and nets to zero, so a
    new settlement of K-1 counts neither and does not refuse.
    """
    undone = revalued_then_paid().remove_from_match("F-1", on=UNDONE)
    again = undone.extend_match("K-1", ["F-1"], on=UNDONE)
    resettled = settled(again, on=UNDONE)
    assert resettled.item("K-1-FX1").match_id == resettled.item("K-1-FX1-R").match_id
    assert resettled.item("K-1-FX1").match_id != "K-1"
    check_invariants(resettled)
    # the same state reached by never removing F-1 carries the same local balance
    assert resettled.balance(party="10001").local == revalued_then_paid().balance(
        party="10001"
    ).local
