"""Matches across transaction currencies: an EUR invoice paid in NOK, converted by BC's rule."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import (
    CrossCurrencyMatchError,
    EntriesMatched,
    Entry,
    Ledger,
    MissingRateError,
    Money,
    Side,
)
from reskontro.rates import RateTable
from reskontro.serialization import event_from_dict, event_to_dict
from reskontro.settlement import fx_report, plan_settlement
from reskontro.testing import check_invariants


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


INVOICED, PAID, PAID_AGAIN = date(2026, 1, 2), date(2026, 2, 2), date(2026, 3, 2)
RATES = RateTable("NOK", {
    ("EUR", INVOICED): "11.00", ("EUR", PAID): "11.50", ("EUR", PAID_AGAIN): "11.40",
})


def ledger_with(*payments: Entry, cross: bool = True, side: Side = Side.RECEIVABLE) -> Ledger:
    sign = "" if side is Side.RECEIVABLE else "-"
    return Ledger("NOK", cross_currency=cross).post_many([
        Entry.invoice("F-1", party="9", side=side, amount=eur(f"{sign}1000"), rates=RATES,
                      posted=INVOICED),
        *payments,
    ])


def nok_payment(entry_id: str, amount: str, on: date, side: Side = Side.RECEIVABLE) -> Entry:
    return Entry.payment(entry_id, party="9", side=side, amount=nok(amount), posted=on)


def test_cross_currency_matches_are_off_by_default() -> None:
    ledger = ledger_with(nok_payment("P-1", "-11500", PAID), cross=False)
    before = ledger.to_dict()
    with pytest.raises(CrossCurrencyMatchError, match="cross_currency=True"):
        ledger.match(["F-1", "P-1"])
    with pytest.raises(CrossCurrencyMatchError, match="are off"):
        ledger.match(["F-1", "P-1"], rates=RATES)
    assert ledger.to_dict() == before


def test_enabled_but_without_rates_is_refused() -> None:
    ledger = ledger_with(nok_payment("P-1", "-11500", PAID))
    with pytest.raises(CrossCurrencyMatchError, match="rates") as caught:
        ledger.match(["F-1", "P-1"])
    assert caught.value.entry_id == "P-1"


def test_a_missing_rate_names_currency_and_date() -> None:
    ledger = ledger_with(nok_payment("P-1", "-11500", PAID))
    with pytest.raises(MissingRateError, match=r"EUR.*2025-12-31"):
        ledger.match(["F-1", "P-1"], rates=RATES, rate_date=date(2025, 12, 31))


def test_full_payment_in_nok_converts_at_the_payment_date_and_settles() -> None:
    """EUR 1 000 at 11.00 paid NOK 11 500 on a day of 11.50: EUR 1 000 applied, agio 500."""
    ledger = ledger_with(nok_payment("P-1", "-11500", PAID)).match(
        ["F-1", "P-1"], match_id="K-1", rates=RATES
    )
    match = ledger.get_match("K-1")
    assert match.allocations[0].amount == eur("1000")
    assert not match.is_closed  # NOK -500 until the exchange gain is booked
    event = ledger.events[-1]
    assert isinstance(event, EntriesMatched)
    assert event.rates == (("EUR", Decimal("11.50")),)
    plan = plan_settlement(ledger, "K-1", on=PAID)
    assert plan.realized == nok("500")
    settled = plan.apply(ledger)
    assert settled.get_match("K-1").is_closed
    assert list(settled.open_items()) == []
    check_invariants(settled)


def test_partial_payments_at_two_rates() -> None:
    """NOK 4 600 at 11.50 pays EUR 400 (agio 200); NOK 6 840 at 11.40 pays EUR 600 (agio 240)."""
    ledger = ledger_with(
        nok_payment("P-1", "-4600", PAID), nok_payment("P-2", "-6840", PAID_AGAIN)
    ).match(["F-1", "P-1"], match_id="K-1", rates=RATES)
    assert ledger.item("F-1").remaining == eur("600")
    plan = plan_settlement(ledger, "K-1", on=PAID)
    assert plan.realized == nok("200")
    ledger = plan.apply(ledger)
    assert ledger.item("F-1").remaining_local == nok("6600")
    ledger = ledger.extend_match("K-1", ["P-2"], rates=RATES)
    assert ledger.events[-1].rates == (("EUR", Decimal("11.40")),)  # type: ignore[union-attr]
    plan = plan_settlement(ledger, "K-1", on=PAID_AGAIN)
    assert plan.realized == nok("240")
    ledger = plan.apply(ledger)
    assert ledger.get_match("K-1").is_closed
    assert fx_report(ledger, INVOICED, PAID_AGAIN)["net"] == nok("440")
    check_invariants(ledger)


def test_the_rate_date_is_a_parameter() -> None:
    """The invoice's own date converts NOK 11 000 into exactly EUR 1 000: nothing to realize."""
    ledger = ledger_with(nok_payment("P-1", "-11000", PAID)).match(
        ["F-1", "P-1"], match_id="K-1", rates=RATES, rate_date=INVOICED
    )
    assert ledger.get_match("K-1").is_closed
    assert plan_settlement(ledger, "K-1", on=PAID).entries == ()


def test_supplier_paid_in_nok_mirrors_the_customer() -> None:
    """Paying a EUR 1 000 supplier invoice (booked 11 000) with NOK 11 500 is a loss of 500."""
    ledger = ledger_with(
        nok_payment("P-1", "11500", PAID, side=Side.PAYABLE), side=Side.PAYABLE
    ).match(["F-1", "P-1"], match_id="K-1", rates=RATES)
    plan = plan_settlement(ledger, "K-1", on=PAID)
    assert plan.realized == nok("-500")
    assert plan.apply(ledger).get_match("K-1").is_closed


def test_replay_and_json_need_no_rate_table() -> None:
    ledger = ledger_with(nok_payment("P-1", "-4600", PAID)).match(
        ["F-1", "P-1"], match_id="K-1", rates=RATES
    )
    ledger = plan_settlement(ledger, "K-1", on=PAID).apply(ledger)
    again = Ledger.from_dict(ledger.to_dict())
    assert again == ledger
    assert again.options.cross_currency
    assert again.item("F-1").remaining == eur("600")
    matched = ledger.events[-3]
    assert event_from_dict(event_to_dict(matched)) == matched
    assert event_to_dict(matched)["rates"] == {"EUR": "11.50"}


def test_dissolving_restores_both_sides() -> None:
    ledger = ledger_with(nok_payment("P-1", "-4600", PAID)).match(
        ["F-1", "P-1"], match_id="K-1", rates=RATES
    )
    settled = plan_settlement(ledger, "K-1", on=PAID).apply(ledger)
    undone = settled.dissolve("K-1", on=PAID_AGAIN)
    assert [(i.id, i.remaining, i.remaining_local) for i in undone.open_items()] == [
        ("F-1", eur("1000"), nok("11000")), ("P-1", nok("-4600"), nok("-4600")),
    ]
    assert fx_report(undone, INVOICED, PAID_AGAIN)["net"] == nok("0")


@given(
    st.lists(
        st.tuples(st.integers(1, 3000), st.integers(900, 1300)), min_size=1, max_size=5
    ),
)
def test_cross_currency_settlements_realize_paid_minus_booked(
    steps: list[tuple[int, int]],
) -> None:
    """Random NOK payments at random rates: what the match holds after each settlement is
    the EUR left at the invoice's booking, and the FX realized is NOK paid minus NOK settled."""
    ledger = ledger_with()
    day = INVOICED
    table = RATES
    for number, (nok_units, rate_cents) in enumerate(steps, start=1):
        day += timedelta(days=7)
        table = table.with_rate("EUR", day, Decimal(rate_cents) / 100)
        payment = nok_payment(f"P-{number}", f"-{nok_units}", day)
        ledger = ledger.post(payment)
        ledger = (
            ledger.match(["F-1", payment.id], match_id="K", rates=table) if number == 1
            else ledger.extend_match("K", [payment.id], rates=table)
        )
        ledger = plan_settlement(ledger, "K", on=day).apply(ledger)
        invoice = ledger.item("F-1")
        left = invoice.remaining.amount
        booked_left = (Decimal("11000") * left / 1000).quantize(Decimal("0.01"))
        match = ledger.get_match("K")
        if left:
            assert match.outstanding_local.amount == booked_left + sum(
                (ledger.item(p).remaining_local.amount
                 for p in match.entry_ids if p.startswith("P-")), Decimal(0)
            )
        paid = sum(Decimal(units) for units, _ in steps[:number])
        report = fx_report(ledger, INVOICED, day)
        if not left:
            overpaid = -sum(
                (ledger.item(p).remaining.amount for p in match.entry_ids if p.startswith("P-")),
                Decimal(0),
            )
            assert report["net"].amount == paid - overpaid - Decimal("11000")
        check_invariants(ledger)
