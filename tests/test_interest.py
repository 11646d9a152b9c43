"""Late-payment interest: the reference vectors, day count, partial payments and interest notes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import (
    Entry,
    EntryKind,
    InvalidPolicyError,
    InvalidQueryError,
    Ledger,
    MissingInterestRateError,
    Money,
    Side,
)
from reskontro.interest import (
    NORWEGIAN_RATES,
    InterestAccounts,
    InterestRates,
    RatePeriod,
    accrued,
    interest,
    item_interest,
    plan_interest,
)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


@pytest.mark.parametrize(
    ("principal", "due", "paid", "expected"),
    [
        ("10000", date(2025, 3, 1), date(2025, 3, 31), "102.74"),
        ("10000", date(2025, 6, 20), date(2025, 7, 10), "67.81"),
        ("10000", date(2024, 12, 20), date(2025, 1, 10), "71.81"),
        ("10000", date(2025, 12, 15), date(2026, 1, 15), "103.01"),
        ("1250", date(2025, 1, 15), date(2025, 1, 15), "0.00"),
    ],
)
def test_reference_vectors(principal: str, due: date, paid: date, expected: str) -> None:
    """The vectors of reference/norway.md §3.5: half-year rates, 365/366 day count, half up."""
    assert interest(nok(principal), due=due, paid=paid) == nok(expected)


def test_shipped_rates_are_the_published_half_years() -> None:
    """Every half-year from 2004 H1 to 2026 H1, each with a source; nothing outside it."""
    published = [
        "9.25", "8.75", "8.75", "9.00", "9.25", "9.75", "10.50", "11.50", "12.25", "12.75",
        "10.00", "8.25", "8.75", "9.00", "9.00", "9.25", "8.75", "8.50", "8.50", "9.50",
        "9.50", "9.50", "9.25", "9.00", "8.75", "8.50", "8.50", "8.50", "8.50", "8.50",
        "8.75", "9.25", "9.50", "8.00", "8.00", "8.00", "8.50", "9.25", "10.75", "11.75",
        "12.50", "12.50", "12.50", "12.25", "12.00",
    ]
    starts = [date(2004 + i // 2, 7 if i % 2 else 1, 1) for i in range(len(published))]
    assert {p.start: str(p.rate) for p in NORWEGIAN_RATES.periods} == dict(
        zip(starts, published, strict=True)
    )
    assert all(p.source for p in NORWEGIAN_RATES.periods)
    # contiguous: each period ends the day before the next starts
    for before, after in zip(NORWEGIAN_RATES.periods, NORWEGIAN_RATES.periods[1:], strict=False):
        assert (after.start - before.end).days == 1
    assert NORWEGIAN_RATES.rate_on(date(2026, 6, 30)) == Decimal("12.00")
    assert NORWEGIAN_RATES.rate_on(date(2008, 8, 1)) == Decimal("12.75")
    assert NORWEGIAN_RATES.rate_on(date(2013, 6, 30)) == Decimal("8.50")  # policy rate + 7
    assert NORWEGIAN_RATES.rate_on(date(2013, 7, 1)) == Decimal("9.50")  # policy rate + 8
    with pytest.raises(MissingInterestRateError) as caught:
        NORWEGIAN_RATES.rate_on(date(2026, 7, 1))
    assert isinstance(caught.value, LookupError)
    with pytest.raises(MissingInterestRateError):
        NORWEGIAN_RATES.rate_on(date(2003, 12, 31))


def test_a_book_with_items_overdue_since_2019_gets_interest() -> None:
    """An item due in 2019 and still open in 2026 accrues over every half-year between."""
    amount = interest(nok("10000"), due=date(2019, 3, 1), paid=date(2026, 3, 1))
    # 7 years at 8 to 12.5 %: roughly 6 300 kr, computed day by day
    assert nok("5500") < amount < nok("7500")


def test_a_leap_year_day_earns_a_366th() -> None:
    """One day in 2024 (leap) earns rate/366, one day in 2025 rate/365."""
    leap, _ = accrued(Decimal("366000"), date(2024, 3, 1), date(2024, 3, 2))
    normal, _ = accrued(Decimal("365000"), date(2025, 3, 1), date(2025, 3, 2))
    assert leap == normal == Decimal("125")  # 12.5 % of 1 000 per day-share


def test_the_caller_can_extend_the_table() -> None:
    """An added half-year lets interest run past June 2026; overlaps are refused."""
    rates = NORWEGIAN_RATES.extended(
        RatePeriod(start=date(2026, 7, 1), end=date(2026, 12, 31), rate="11.75"))
    # 10 days at 12.00 and 10 days at 11.75, over 365
    assert interest(nok("10000"), due=date(2026, 6, 20), paid=date(2026, 7, 10),
                    rates=rates) == nok("65.07")
    with pytest.raises(InvalidPolicyError):
        NORWEGIAN_RATES.extended(
            RatePeriod(start=date(2026, 6, 1), end=date(2026, 12, 31), rate="11"))
    with pytest.raises(InvalidPolicyError):
        RatePeriod(start=date(2026, 7, 1), end=date(2026, 6, 1), rate="11")
    with pytest.raises(InvalidPolicyError):
        RatePeriod(start=date(2026, 7, 1), end=date(2026, 12, 31), rate=11.75)  # type: ignore[arg-type]


def test_a_gap_in_the_table_is_an_error_not_a_zero() -> None:
    """A day between two periods has no rate, and asking for it raises."""
    rates = InterestRates((
        RatePeriod(start=date(2025, 1, 1), end=date(2025, 1, 31), rate="10"),
        RatePeriod(start=date(2025, 3, 1), end=date(2025, 3, 31), rate="10"),
    ))
    assert interest(nok("3650"), due=date(2025, 1, 1), paid=date(2025, 1, 11),
                    rates=rates) == nok("10.00")
    with pytest.raises(MissingInterestRateError):
        interest(nok("3650"), due=date(2025, 1, 30), paid=date(2025, 2, 2), rates=rates)


def test_partial_payment_lowers_the_principal_from_the_next_day() -> None:
    """10 000 due 1 March, 4 000 paid 11 March: 10 days on 10 000, 20 on 6 000."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=nok("10000"), posted=date(2025, 2, 15),
                      due=date(2025, 3, 1)),
        Entry.payment("P-1", party="1", amount=nok("-4000"), posted=date(2025, 3, 11)),
        Entry.payment("P-2", party="1", amount=nok("-6000"), posted=date(2025, 3, 21)),
    ]).match(["F-1", "P-1"])
    line = item_interest(ledger, "F-1", on=date(2025, 3, 31))
    assert line.amount == nok("75.34")  # (10 000 * 10 + 6 000 * 20) * 12.5 % / 365
    assert (line.days, line.principal, line.rate) == (30, nok("6000"), Decimal("12.50"))
    # paid in full on 21 March: interest stops there, however late it is asked
    paid = ledger.extend_match("C1-M1", ["P-2"])
    closed = item_interest(paid, "F-1", on=date(2025, 6, 30))
    assert closed.days == 20
    assert closed.amount == nok("75.34") - nok("6000").scale(
        Decimal("0.125") * 10 / 365)
    # as of a day before the payments, the whole principal runs
    assert item_interest(paid, "F-1", on=date(2025, 3, 5)).amount == interest(
        nok("10000"), due=date(2025, 3, 1), paid=date(2025, 3, 5))


def test_foreign_items_get_interest_in_their_currency_and_booked_local() -> None:
    """EUR 1 000 booked at 11.00: interest in EUR, and in NOK at the booking rate."""
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-1", party="1", amount=Money("1000", "EUR"), amount_local=nok("11000"),
        posted=date(2025, 2, 15), due=date(2025, 3, 1)))
    line = item_interest(ledger, "F-1", on=date(2025, 3, 31))
    assert line.amount == Money("10.27", "EUR")
    assert line.amount_local == nok("113.01")


def test_plan_interest_proposes_one_note_per_party_with_gl_postings() -> None:
    """Overdue invoices only, disputed ones skipped; INTEREST entries against 8055; apply posts."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="10001", amount=nok("10000"), posted=date(2025, 2, 15),
                      due=date(2025, 3, 1)),
        Entry.invoice("F-2", party="10001", amount=nok("10000"), posted=date(2025, 5, 15),
                      due=date(2025, 6, 20)),
        Entry.invoice("F-3", party="10002", amount=nok("500"), posted=date(2025, 7, 1),
                      due=date(2025, 7, 20)),  # not due on 10 July
        Entry.invoice("F-4", party="10003", amount=nok("800"), posted=date(2025, 2, 1),
                      due=date(2025, 2, 15), disputed=True),
    ])
    plan = plan_interest(ledger, date(2025, 7, 10), accounts=InterestAccounts(income="8059"))
    (note,) = plan.notes
    assert [line.entry_id for line in note.lines] == ["F-1", "F-2"]
    assert note.lines[1].amount == nok("67.81")
    assert note.entry.kind is EntryKind.INTEREST
    assert note.entry.amount == note.total == Money.sum((x.amount for x in note.lines), "NOK")
    assert [(p.account, p.debit, p.credit) for p in note.postings] == [
        ("1500", note.total, None), ("8059", None, note.total)]
    assert len(plan.to_records()) == 2
    applied = plan.apply(ledger)
    assert applied.item("R-10001-20250710").amount == note.total
    assert applied.balance(party="10001").local == nok("20000") + note.total


def test_supplier_side_interest_is_an_expense() -> None:
    """Interest we owe a supplier: a negative entry, debit 8155, credit 2400."""
    ledger = Ledger("NOK").post(Entry.invoice(
        "LF-1", party="20001", side=Side.PAYABLE, amount=nok("-10000"),
        posted=date(2025, 2, 1), due=date(2025, 3, 1)))
    (note,) = plan_interest(ledger, date(2025, 3, 31), side=Side.PAYABLE).notes
    assert note.entry.amount == nok("-102.74")
    assert [(p.account, p.debit, p.credit) for p in note.postings] == [
        ("8155", nok("102.74"), None), ("2400", None, nok("102.74"))]


def test_bad_inputs_are_refused() -> None:
    """A string date, a float principal and an unknown entry raise specific errors."""
    with pytest.raises(InvalidQueryError):
        interest(nok("1"), due="2025-01-01", paid=date(2025, 2, 1))  # type: ignore[arg-type]
    with pytest.raises(InvalidQueryError):
        interest(1.0, due=date(2025, 1, 1), paid=date(2025, 2, 1))  # type: ignore[arg-type]
    with pytest.raises(LookupError):
        item_interest(Ledger("NOK"), "F-404", on=date(2025, 1, 1))


DUE = st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31))
AMOUNT = st.decimals(min_value=0, max_value=10**9, places=2)


@given(AMOUNT, DUE, st.integers(0, 150), st.integers(0, 30))
def test_interest_grows_with_days_and_is_never_negative(
    amount: Decimal, due: date, days: int, more: int
) -> None:
    """More days never give less interest; interest is never negative; zero days give zero."""
    principal = nok(str(amount))
    first = interest(principal, due=due, paid=due + timedelta(days=days))
    later = interest(principal, due=due, paid=due + timedelta(days=days + more))
    assert Money("0", "NOK") <= first <= later
    assert interest(principal, due=due, paid=due).is_zero
    assert interest(principal, due=due, paid=due - timedelta(days=more)).is_zero
