"""Issue 15: the Norwegian collecting rules as dated data, deadlines on business days,
and notices about foreign-currency items (fees, interest, postings agree)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from reskontro import Entry, InvalidQueryError, Ledger, MissingRateError, Money, NoticeLevel
from reskontro.business_days import NORWEGIAN_CALENDAR, WEEKENDS_ONLY, BusinessCalendar
from reskontro.dunning import (
    INKASSOSATS,
    REMINDER_FEE_FRACTION,
    STANDARD_COMPENSATION,
    DebtorKind,
    DunningPolicy,
    FeeCurrency,
    plan_dunning,
)
from reskontro.exceptions import InvalidPolicyError
from reskontro.interest import NORWEGIAN_RATES, interest, item_interest
from reskontro.rates import RateTable
from reskontro.statement import PartyDetails, Statement


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


RATES = RateTable("NOK", {("EUR", date(2026, 1, 1)): "11.50", ("EUR", date(2026, 2, 1)): "11.80"})


def eur_ledger() -> Ledger:
    return Ledger("NOK").post_many([
        Entry.invoice("F-1", party="20001", amount=eur("1000"), amount_local=nok("11500"),
                      posted=date(2026, 1, 5), due=date(2026, 1, 19), document_no="5001"),
        Entry.invoice("F-2", party="10001", amount=nok("1000"), posted=date(2026, 1, 5),
                      due=date(2026, 1, 19), document_no="5002"),
    ])


# -- dated rules -------------------------------------------------------------------------


def test_interest_rates_cover_every_half_year_since_2004() -> None:
    """A day in every half-year from 2004 to mid 2026 has a rate with a source."""
    day = date(2004, 1, 1)
    while day <= date(2026, 6, 30):
        assert Decimal("8") <= NORWEGIAN_RATES.rate_on(day) <= Decimal("12.75"), day
        day += timedelta(days=61)
    assert all(p.source for p in NORWEGIAN_RATES.periods)


def test_a_dunning_run_on_a_book_with_items_overdue_since_2012() -> None:
    """The old failure: an item due in 2012 made the run raise for want of a rate."""
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-OLD", party="1", amount=nok("1000"), posted=date(2012, 1, 2), due=date(2012, 2, 1)))
    notice, = plan_dunning(ledger, None, date(2026, 3, 2)).notices
    line, = notice.lines
    # 14 years at 8 to 12.75 %: well over 1 200 kr of interest on 1 000 kr
    assert line.interest > nok("1200")
    assert line.interest == item_interest(ledger, "F-OLD", on=date(2026, 3, 2)).amount


@pytest.mark.parametrize(
    ("day", "sats"),
    [(date(2006, 6, 1), "550"), (date(2007, 1, 1), "560"), (date(2009, 3, 1), "590"),
     (date(2013, 1, 1), "630"), (date(2015, 1, 1), "650"), (date(2016, 1, 1), "670"),
     (date(2017, 1, 1), "700"), (date(2026, 1, 1), "700"), (date(2026, 11, 23), "700")],
)
def test_inkassosats_by_date(day: date, sats: str) -> None:
    """The regulation's figures; 2026 stays at 700 (the regulation, not kr 750)."""
    assert INKASSOSATS.on(day) == Decimal(sats)
    assert all(row.source for row in INKASSOSATS.rows)


def test_the_reminder_fee_is_a_tenth_before_october_2020_and_a_twentieth_since() -> None:
    """Read on the claim's due date: 70 kr for a claim due 30.09.2020, 35 kr from 01.10.2020."""
    assert REMINDER_FEE_FRACTION.on(date(2020, 9, 30)) == Decimal("0.10")
    assert REMINDER_FEE_FRACTION.on(date(2020, 10, 1)) == Decimal("0.05")
    for due, fee in ((date(2020, 9, 30), "70.00"), (date(2020, 10, 1), "35.00")):
        ledger = Ledger("NOK").post(Entry.invoice(
            "F-1", party="1", amount=nok("500"), posted=due - timedelta(days=14), due=due))
        notice, = plan_dunning(ledger, None, due + timedelta(days=14)).notices
        assert notice.fee == nok(fee), due
        assert ("0.10" if fee == "70.00" else "0.05") in notice.fee_reason
    assert DunningPolicy(fee_fraction="0.05").fee(date(2020, 1, 2), date(2019, 1, 1)) == Decimal(
        "35.00")


@pytest.mark.parametrize(
    ("day", "amount"),
    [(date(2014, 3, 1), "320"), (date(2016, 7, 1), "370"), (date(2017, 1, 1), "360"),
     (date(2018, 1, 1), "380"), (date(2020, 7, 1), "430"), (date(2022, 7, 1), "400"),
     (date(2023, 7, 1), "460"), (date(2024, 1, 1), "470"), (date(2026, 1, 1), "460")],
)
def test_standardkompensasjon_by_date(day: date, amount: str) -> None:
    assert STANDARD_COMPENSATION.on(day) == Decimal(amount)


# -- business days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "moved"),
    [
        (date(2026, 2, 16), date(2026, 2, 16)),  # a Monday stays
        (date(2026, 2, 14), date(2026, 2, 16)),  # Saturday to Monday
        (date(2026, 2, 15), date(2026, 2, 16)),  # Sunday to Monday
        (date(2026, 4, 2), date(2026, 4, 7)),  # Maundy Thursday to the Tuesday after Easter
        (date(2026, 5, 14), date(2026, 5, 15)),  # Ascension Day
        (date(2026, 5, 17), date(2026, 5, 18)),  # Constitution Day (a Sunday)
        (date(2026, 12, 25), date(2026, 12, 28)),  # Christmas Day, Boxing Day, Sunday
        (date(2027, 1, 1), date(2027, 1, 4)),  # New Year's Day (a Friday)
    ],
)
def test_deadlines_on_a_day_off_move_to_the_next_business_day(end: date, moved: date) -> None:
    assert NORWEGIAN_CALENDAR.roll_forward(end) == moved


def test_a_reminder_deadline_that_ends_on_easter_moves() -> None:
    """Sent 19 March 2026 with 14 days: 2 April is Maundy Thursday, so 7 April."""
    due = date(2026, 3, 5)
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-1", party="1", amount=nok("500"), posted=date(2026, 2, 19), due=due))
    notice, = plan_dunning(ledger, None, date(2026, 3, 19)).notices
    assert notice.deadline == date(2026, 4, 7)
    assert notice.fee_entry is not None
    assert notice.fee_entry.due == date(2026, 4, 7)
    plain = plan_dunning(ledger, DunningPolicy(calendar=None), date(2026, 3, 19)).notices[0]
    assert plain.deadline == date(2026, 4, 2)
    weekends = plan_dunning(ledger, DunningPolicy(calendar=WEEKENDS_ONLY), date(2026, 3, 19))
    assert weekends.notices[0].deadline == date(2026, 4, 2)
    # the collection notice comes the day after the moved deadline, not before
    sent = ledger.record_notices([notice.event()])
    assert plan_dunning(sent, None, date(2026, 4, 7)).notices == ()
    second, = plan_dunning(sent, None, date(2026, 4, 8)).notices
    assert second.level is NoticeLevel.COLLECTION_NOTICE
    assert (second.deadline - second.on).days >= 14


def test_a_calendar_is_checked() -> None:
    with pytest.raises(InvalidPolicyError):
        BusinessCalendar(name="x", country="XX")
    with pytest.raises(InvalidPolicyError):
        BusinessCalendar(name="x", days_off=["2026-01-01"])  # type: ignore[list-item]
    with pytest.raises(InvalidPolicyError):
        BusinessCalendar(name="x", weekend=range(7))  # type: ignore[arg-type]
    with pytest.raises(InvalidPolicyError):
        NORWEGIAN_CALENDAR.is_business_day("2026-01-01")  # type: ignore[arg-type]


# -- foreign-currency notices -----------------------------------------------------------------


def test_a_eur_customer_gets_a_eur_notice_with_eur_interest_and_a_nok_fee() -> None:
    """Default policy: amounts and interest in EUR, the fee in kroner as a line of its own."""
    ledger = eur_ledger()
    plan = plan_dunning(ledger, None, date(2026, 2, 2))
    eur_notice = next(n for n in plan.notices if n.party == "20001")
    assert eur_notice.currency == "EUR"
    assert eur_notice.amount == eur("1000.00")
    assert eur_notice.amount_local == nok("11500.00")
    assert eur_notice.interest.currency == "EUR"
    assert eur_notice.interest == interest(eur("1000"), due=date(2026, 1, 19),
                                           paid=date(2026, 2, 2))
    assert eur_notice.fee == nok("35.00") == eur_notice.fee_local
    assert eur_notice.totals == (eur_notice.amount + eur_notice.interest, nok("35.00"))
    fee = eur_notice.fee_entry
    assert fee is not None
    assert fee.amount == nok("35.00")
    assert fee.amount_local == nok("35.00")
    assert fee.text.startswith("Purregebyr, purring 02.02.2026")
    assert [p.debit or p.credit for p in eur_notice.postings] == [nok("35.00")] * 2


def test_fees_converted_into_the_invoice_currency_at_the_notice_dates_rate() -> None:
    """FeeCurrency.INVOICE: 35 kr / 11.80 = 2.97 EUR; the NOK amount stays 35 kr."""
    policy = DunningPolicy(fee_currency=FeeCurrency.INVOICE)
    plan = plan_dunning(eur_ledger(), policy, date(2026, 2, 2), rates=RATES)
    eur_notice = next(n for n in plan.notices if n.party == "20001")
    nok_notice = next(n for n in plan.notices if n.party == "10001")
    assert eur_notice.fee == eur("2.97")
    assert eur_notice.fee_local == nok("35.00")
    assert eur_notice.total == eur_notice.amount + eur_notice.interest + eur("2.97")
    assert eur_notice.totals == (eur_notice.total,)
    assert "11.80" in eur_notice.fee_reason
    assert nok_notice.fee == nok("35.00")  # kroner customers are not touched
    fee = eur_notice.fee_entry
    assert fee is not None
    assert fee.amount == eur("2.97")
    assert fee.amount_local == nok("35.00")
    assert fee.id.endswith("-EUR")
    # posting the fee: the customer's EUR balance grows by the fee, the NOK side by 35 kr
    after = plan.apply(eur_ledger(), post_fees=True)
    assert after.balance(party="20001").local == nok("11535.00")
    assert after.balance(party="20001")["EUR"] == eur("1002.97")
    # and the statement agrees with the notice and the posting
    statement = Statement.open_items(after, "20001", as_of=date(2026, 2, 2),
                                     creditor=PartyDetails(name="Us AS"))
    assert statement.currency == "EUR"
    assert statement.balance_amount == eur_notice.amount + eur_notice.fee


def test_converting_fees_needs_rates() -> None:
    policy = DunningPolicy(fee_currency="invoice")  # type: ignore[arg-type]
    with pytest.raises(InvalidQueryError) as caught:
        plan_dunning(eur_ledger(), policy, date(2026, 2, 2))
    assert caught.value.field == "rates"
    with pytest.raises(MissingRateError):
        plan_dunning(eur_ledger(), policy, date(2026, 2, 2),
                     rates=RateTable("NOK", {("USD", date(2026, 1, 1)): "10"}))
    with pytest.raises(InvalidQueryError):
        plan_dunning(eur_ledger(), policy, date(2026, 2, 2), rates={"EUR": 11})  # type: ignore[arg-type]


def test_a_customer_with_items_in_two_currencies_gets_a_notice_per_currency() -> None:
    ledger = eur_ledger().post(Entry.invoice(
        "F-3", party="20001", amount=nok("400"), posted=date(2026, 1, 5), due=date(2026, 1, 19)))
    notices = [n for n in plan_dunning(ledger, None, date(2026, 2, 2)).notices
               if n.party == "20001"]
    assert [n.currency for n in notices] == ["NOK", "EUR"]
    ids = [n.fee_entry.id for n in notices if n.fee_entry is not None]
    assert len(set(ids)) == 2  # no clash of fee ids


def test_business_debtor_in_eur_gets_standardkompensasjon_in_the_chosen_currency() -> None:
    policy = DunningPolicy(debtors={"20001": DebtorKind.BUSINESS},
                           fee_currency=FeeCurrency.INVOICE)
    plan = plan_dunning(eur_ledger(), policy, date(2026, 2, 2), rates=RATES)
    notice = next(n for n in plan.notices if n.party == "20001")
    assert notice.fee_local == nok("460.00")
    assert notice.fee == eur("38.98")  # 460 / 11.80, half up
    assert notice.fee_entry is not None
    assert notice.fee_entry.text.startswith("Standardkompensasjon, purring")
