"""Realized exchange differences: the worked examples of DESIGN §3.5, and the rules around them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import (
    ClosePolicy,
    Entry,
    EntryKind,
    InvalidEntryError,
    InvalidRateError,
    Ledger,
    MatchError,
    MissingRateError,
    Money,
    Side,
)
from reskontro.rates import RateTable
from reskontro.settlement import (
    FxAccounts,
    fx_entries,
    fx_report,
    plan_settlement,
)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


INVOICED, PAID = date(2026, 1, 2), date(2026, 2, 2)


def customer(paid_eur: str, paid_nok: str) -> Ledger:
    """EUR 1 000 invoiced at 11.00 (NOK 11 000), a payment of *paid_eur* at *paid_nok*, matched."""
    return Ledger("NOK").post_many([
        Entry.invoice("F-1", party="9", amount=eur("1000"), amount_local=nok("11000"),
                      posted=INVOICED),
        Entry.payment("P-1", party="9", amount=eur(paid_eur), amount_local=nok(paid_nok),
                      posted=PAID),
    ]).match(["F-1", "P-1"], match_id="K-1")


def test_paid_at_a_higher_rate_is_an_agio() -> None:
    """EUR 1 000 at 11.00 paid at 11.50: agio NOK +500, credit 8060 500, the match closes."""
    ledger = customer("-1000", "-11500")
    assert ledger.get_match("K-1").outstanding_local == nok("-500")
    plan = plan_settlement(ledger, "K-1", on=PAID)
    assert plan.entry is not None
    assert (plan.entry.kind, plan.entry.amount, plan.entry.amount_local) == (
        EntryKind.FX_GAIN, eur("0"), nok("500"))
    assert [(p.account, p.debit, p.credit) for p in plan.postings] == [
        ("1500", nok("500"), None), ("8060", None, nok("500")),
    ]
    settled = plan.apply(ledger)
    assert settled.get_match("K-1").is_closed
    assert settled.open_items().ids == ()


def test_paid_at_a_lower_rate_is_a_disagio() -> None:
    """Paid at 10.80: disagio NOK -200, debit 8160 200, the match closes."""
    plan = plan_settlement(customer("-1000", "-10800"), "K-1", on=PAID)
    assert plan.entry is not None
    assert (plan.entry.kind, plan.entry.amount_local) == (EntryKind.FX_LOSS, nok("-200"))
    assert [(p.account, p.debit, p.credit) for p in plan.postings] == [
        ("8160", nok("200"), None), ("1500", None, nok("200")),
    ]
    assert plan.apply(customer("-1000", "-10800")).get_match("K-1").is_closed


def test_a_partial_payment_realizes_only_its_share() -> None:
    """EUR 400 paid at 11.50: agio NOK +200 now; the match stays open with EUR 600 / NOK 6 600."""
    ledger = customer("-400", "-4600")
    plan = plan_settlement(ledger, "K-1", on=PAID)
    assert plan.difference == nok("200")
    settled = plan.apply(ledger)
    match = settled.get_match("K-1")
    assert not match.is_closed
    invoice = settled.item("F-1")
    assert (invoice.remaining, invoice.remaining_local) == (eur("600"), nok("6600"))
    assert settled.open_items().ids == ("F-1",)
    assert settled.balance(party="9").local == nok("6600")


def test_then_paying_the_rest_realizes_the_rest() -> None:
    """The remaining EUR 600 paid at 11.20: agio NOK +120 more; total = local paid - booked."""
    first = plan_settlement(customer("-400", "-4600"), "K-1", on=PAID)
    ledger = first.apply(customer("-400", "-4600")).post(
        Entry.payment("P-2", party="9", amount=eur("-600"), amount_local=nok("-6720"),
                      posted=date(2026, 3, 2))
    ).extend_match("K-1", ["P-2"])
    second = plan_settlement(ledger, "K-1", on=date(2026, 3, 2))
    assert second.difference == nok("120")
    settled = second.apply(ledger)
    assert settled.get_match("K-1").is_closed
    realized = first.difference.amount + second.difference.amount
    assert realized == Decimal("11320") - Decimal("11000")  # paid 4 600 + 6 720, booked 11 000


def test_paying_a_supplier_more_nok_than_booked_is_a_loss() -> None:
    """Supplier invoice EUR -1 000 at 11.00 paid EUR 1 000 at 11.50: disagio NOK -500, 8160."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("LF-1", party="20001", side=Side.PAYABLE, amount=eur("-1000"),
                      amount_local=nok("-11000"), posted=INVOICED),
        Entry.payment("UT-1", party="20001", side=Side.PAYABLE, amount=eur("1000"),
                      amount_local=nok("11500"), posted=PAID),
    ]).match(["LF-1", "UT-1"], match_id="K-1")
    plan = plan_settlement(ledger, "K-1", on=PAID)
    assert plan.entry is not None
    assert (plan.entry.kind, plan.entry.amount_local) == (EntryKind.FX_LOSS, nok("-500"))
    assert [(p.account, p.debit, p.credit) for p in plan.postings] == [
        ("8160", nok("500"), None), ("2400", None, nok("500")),
    ]
    assert plan.apply(ledger).get_match("K-1").is_closed


def test_wrong_currency_payment_closes_by_the_local_only_override() -> None:
    """NOK 11 000 registered as EUR -1 100 at 10.00: open by default, closed when local only."""
    ledger = customer("-1100", "-11000")
    assert not ledger.get_match("K-1").is_closed
    overridden = ledger.dissolve("K-1", on=PAID).match(
        ["F-1", "P-1"], match_id="K-2", close_policy=ClosePolicy.LOCAL_ONLY, on=PAID
    )
    assert overridden.get_match("K-2").is_closed


def test_a_rate_of_one_third_leaves_no_cent_open() -> None:
    """EUR 1.00 at 1/3 paid in two halves: the foreign sum is zero, so local closes exactly."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="9", amount=eur("1.00"), amount_local=nok("0.33"),
                      posted=INVOICED),
        Entry.payment("P-1", party="9", amount=eur("-0.50"), amount_local=nok("-0.17"),
                      posted=PAID),
        Entry.payment("P-2", party="9", amount=eur("-0.50"), amount_local=nok("-0.17"),
                      posted=PAID),
    ]).match(["F-1", "P-1", "P-2"], match_id="K-1")
    plan = plan_settlement(ledger, "K-1", on=PAID)
    assert plan.difference == nok("0.01")
    settled = plan.apply(ledger)
    assert settled.get_match("K-1").is_closed
    assert settled.balance(party="9").local == nok("0")


def test_settling_twice_posts_nothing_the_second_time() -> None:
    """A settled match has no difference left: the plan has no entry and apply changes nothing."""
    settled = plan_settlement(customer("-1000", "-11500"), "K-1", on=PAID).apply(
        customer("-1000", "-11500")
    )
    again = plan_settlement(settled, "K-1", on=PAID)
    assert (again.entry, again.difference, again.postings) == (None, nok("0"), ())
    assert again.apply(settled) is settled


def test_accounts_and_entry_id_are_parameters() -> None:
    """The gain/loss accounts and the FX entry id can be chosen."""
    plan = plan_settlement(customer("-1000", "-11500"), "K-1", on=PAID,
                           entry_id="AGIO-1", accounts=FxAccounts(gain="8061", loss="8161"))
    assert plan.entry is not None
    assert plan.entry.id == "AGIO-1"
    assert plan.postings[1].account == "8061"


def test_what_cannot_be_settled_is_refused() -> None:
    """A local-currency match, a dissolved match and a date before the last change are refused."""
    local = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=nok("10"), posted=INVOICED),
        Entry.payment("P-1", party="1", amount=nok("-10"), posted=PAID),
    ]).match(["F-1", "P-1"], match_id="K-1")
    with pytest.raises(MatchError, match="local currency"):
        plan_settlement(local, "K-1", on=PAID)
    with pytest.raises(MatchError, match="dissolved"):
        plan_settlement(customer("-1000", "-11500").dissolve("K-1", on=PAID), "K-1", on=PAID)
    with pytest.raises(MatchError, match="before its last change"):
        plan_settlement(customer("-1000", "-11500"), "K-1", on=INVOICED)


def test_rate_table_looks_up_the_last_rate_on_or_before() -> None:
    """Rates are local units per foreign unit; the last one on or before the date applies."""
    rates = RateTable("NOK", [("EUR", date(2026, 1, 2), "11.00"),
                              ("EUR", date(2026, 2, 2), Decimal("11.50"))])
    assert rates.rate("EUR", date(2026, 2, 1)) == Decimal("11.00")
    assert rates.rate("EUR", date(2026, 2, 2)) == Decimal("11.50")
    assert rates.to_local(eur("-400"), date(2026, 2, 3)) == nok("-4600")
    with pytest.raises(MissingRateError) as info:
        rates.rate("SEK", date(2026, 2, 2))
    assert "SEK" in str(info.value)
    assert isinstance(info.value, LookupError)


@pytest.mark.parametrize("bad", ["0", "-1.5", 1.5, "x"])
def test_bad_rates_are_refused(bad: object) -> None:
    """Zero, negative, float or non-numeric rates raise InvalidRateError."""
    with pytest.raises(InvalidRateError):
        RateTable("NOK", [("EUR", date(2026, 1, 2), bad)])  # type: ignore[list-item]


def settle_in_parts(
    side: Side, invoice_eur: Money, booked_rate: Decimal, parts: list[tuple[Money, Decimal]]
) -> tuple[Ledger, Decimal, Decimal]:
    """Pay an EUR invoice in parts at their rates, settling after each; return realized FX."""
    sign = 1 if side is Side.RECEIVABLE else -1
    rates = RateTable("NOK")
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-1", party="9", side=side, amount=invoice_eur * sign,
        amount_local=rates.with_rate("EUR", INVOICED, booked_rate).to_local(
            invoice_eur * sign, INVOICED),
        posted=INVOICED,
    ))
    paid_local = Decimal(0)
    realized = Decimal(0)
    for number, (part, rate) in enumerate(parts, start=1):
        day = date(2026, 2, number)
        local = rates.with_rate("EUR", day, rate).to_local(part * -sign, day)
        paid_local -= local.amount
        ledger = ledger.post(Entry.payment(
            f"P-{number}", party="9", side=side, amount=part * -sign, amount_local=local,
            posted=day,
        ))
        ledger = (ledger.match(["F-1", f"P-{number}"], match_id="K-1") if number == 1
                  else ledger.extend_match("K-1", [f"P-{number}"]))
        plan = plan_settlement(ledger, "K-1", on=day)
        realized += plan.difference.amount
        ledger = plan.apply(ledger)
    booked = ledger.entry("F-1").value_local
    return ledger, realized, paid_local - booked



@given(
    st.integers(100, 10_000_000),
    st.decimals(min_value="5", max_value="15", places=4),
    st.lists(st.decimals(min_value="5", max_value="15", places=4), min_size=1, max_size=4),
    st.sampled_from([Side.RECEIVABLE, Side.PAYABLE]),
)
def test_realized_fx_is_local_paid_minus_local_booked(
    cents: int, booked_rate: Decimal, rates: list[Decimal], side: Side
) -> None:
    """Paid in parts at random rates: realized FX adds up to paid minus booked; it closes."""
    invoice = Money.of_minor(cents, "EUR")
    parts = list(zip(invoice.split(len(rates)), rates, strict=True))
    ledger, realized, expected = settle_in_parts(side, invoice, booked_rate, parts)
    assert realized == expected
    assert ledger.get_match("K-1").is_closed
    assert ledger.balance(party="9").local == nok("0")
    assert ledger.open_items().ids == ()


@given(
    st.integers(100, 10_000_000),
    st.decimals(min_value="5", max_value="15", places=4),
    st.lists(st.decimals(min_value="5", max_value="15", places=4), min_size=1, max_size=4),
)
def test_receivable_and_payable_are_mirror_images(
    cents: int, booked_rate: Decimal, rates: list[Decimal]
) -> None:
    """The same story on the supplier ledger realizes the opposite amounts."""
    invoice = Money.of_minor(cents, "EUR")
    parts = list(zip(invoice.split(len(rates)), rates, strict=True))
    _, receivable, _ = settle_in_parts(Side.RECEIVABLE, invoice, booked_rate, parts)
    _, payable, _ = settle_in_parts(Side.PAYABLE, invoice, booked_rate, parts)
    assert payable == -receivable


def test_dissolving_a_settled_match_nets_its_fx_to_zero() -> None:
    """Dissolve: members back to their original remaining, FX entries reversed and closed."""
    ledger = customer("-1000", "-11500")
    settled = plan_settlement(ledger, "K-1", on=PAID).apply(ledger)
    undone = settled.dissolve("K-1", on=date(2026, 3, 1))
    assert undone.item("F-1").remaining_local == nok("11000")
    assert undone.item("P-1").remaining_local == nok("-11500")
    assert undone.open_items().ids == ("F-1", "P-1")
    assert fx_report(undone, INVOICED, date(2026, 12, 31))["net"] == nok("0")
    assert len(settled.history("K-1-FX1")) == 2  # posted, matched: the original stays
    assert undone.item("K-1-FX1").match_id is not None  # matched with its storno


def test_removing_a_payment_from_a_settled_match_trues_it_up_again() -> None:
    """Remove the payment of a settled partial match: the realized agio is reversed."""
    ledger = customer("-400", "-4600")
    settled = plan_settlement(ledger, "K-1", on=PAID).apply(ledger)
    removed = settled.remove_from_match("P-1", on=date(2026, 3, 1))
    assert removed.entry("K-1-FX2").amount_local == nok("-200")
    assert removed.item("F-1").remaining_local == nok("11000")
    assert removed.get_match("K-1").outstanding_local == nok("11000")
    report = fx_report(removed, INVOICED, date(2026, 12, 31))
    assert (report["gain"], report["loss"], report["net"]) == (nok("200"), nok("-200"), nok("0"))
    assert report["unrealized_net"] == report["unrealized_open"] == report["total"] == nok("0")
    assert [e.id for e in fx_entries(removed, "K-1")] == ["K-1-FX1", "K-1-FX2"]


def test_fx_report_counts_a_period() -> None:
    """The report sums realized gains and losses booked in the period only."""
    ledger = customer("-1000", "-11500")
    settled = plan_settlement(ledger, "K-1", on=PAID).apply(ledger)
    assert fx_report(settled, date(2026, 2, 1), date(2026, 2, 28))["gain"] == nok("500")
    assert fx_report(settled, date(2026, 3, 1), date(2026, 3, 31))["gain"] == nok("0")
    assert fx_report(settled, date(2026, 2, 1), date(2026, 2, 28),
                     as_of=date(2026, 2, 1))["net"] == nok("0")


@given(
    st.integers(100, 10_000_000),
    st.decimals(min_value="5", max_value="15", places=4),
    st.lists(st.decimals(min_value="5", max_value="15", places=4), min_size=1, max_size=4),
)
def test_dissolve_after_partial_settlements_nets_fx_to_zero(
    cents: int, booked_rate: Decimal, rates: list[Decimal]
) -> None:
    """Settled in parts, then dissolved: FX nets to zero and every member is whole again."""
    invoice = Money.of_minor(cents, "EUR")
    parts = list(zip(invoice.split(len(rates)), rates, strict=True))
    ledger, _, _ = settle_in_parts(Side.RECEIVABLE, invoice, booked_rate, parts)
    undone = ledger.dissolve("K-1", on=date(2026, 6, 1))
    assert fx_report(undone, INVOICED, date(2026, 12, 31))["net"] == nok("0")
    for item in undone.items():
        if item.kind in (EntryKind.INVOICE, EntryKind.PAYMENT):
            assert item.match_id is None
            assert item.remaining_local == item.amount_local
    documents = [i for i in undone.items() if i.kind in (EntryKind.INVOICE, EntryKind.PAYMENT)]
    # the FX entries and their reversals cancel (each booked against 8060 / 8160)
    assert undone.balance().local == Money.sum((i.amount_local for i in documents), "NOK")


def test_an_entry_booked_from_a_rate_table_keeps_its_rate() -> None:
    """rates= books a foreign amount at the posting date's rate and records the rate."""
    rates = RateTable("NOK", [("EUR", date(2026, 1, 1), "11.2345")])
    entry = Entry.invoice("F-1", party="9", amount=eur("1000"), posted=INVOICED, rates=rates)
    assert (entry.amount_local, entry.rate) == (nok("11234.50"), Decimal("11.2345"))
    local = Entry.invoice("F-2", party="9", amount=nok("10"), posted=INVOICED, rates=rates)
    assert (local.amount_local, local.rate) == (nok("10"), None)
    explicit = Entry.invoice("F-3", party="9", amount=eur("10"), amount_local=nok("115"),
                             rate=Decimal("11.50"), posted=INVOICED)
    assert explicit.rate == Decimal("11.50")
    assert explicit.reversed("F-3-R", posted=PAID).rate == Decimal("11.50")


def test_booking_from_rates_refuses_what_it_cannot_do() -> None:
    """Rates together with an explicit local amount, or no rate for the date, are refused."""
    rates = RateTable("NOK", [("EUR", date(2026, 1, 1), "11")])
    with pytest.raises(InvalidEntryError, match="not both"):
        Entry.invoice("F-1", party="9", amount=eur("1"), amount_local=nok("11"),
                      posted=INVOICED, rates=rates)
    with pytest.raises(MissingRateError):
        Entry.invoice("F-1", party="9", amount=eur("1"), posted=date(2025, 12, 1), rates=rates)
    with pytest.raises(InvalidEntryError, match="rate"):
        Entry(id="F-1", side=Side.RECEIVABLE, party="9", account="1500",
              kind=EntryKind.INVOICE, amount=eur("1"), amount_local=nok("11"),
              posted=INVOICED, document_date=INVOICED, rate=Decimal("-1"))


def test_the_rate_survives_serialization() -> None:
    """An entry's rate goes through to_dict / JSON / from_dict unchanged."""
    import json

    from reskontro.serialization import entry_from_dict, entry_to_dict

    rates = RateTable("NOK", [("EUR", date(2026, 1, 1), "11.2345")])
    entry = Entry.invoice("F-1", party="9", amount=eur("1000"), posted=INVOICED, rates=rates)
    assert entry_from_dict(json.loads(json.dumps(entry_to_dict(entry)))) == entry
