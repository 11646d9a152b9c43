"""Aging: buckets by days past due, exact partition of the open items, DSO and days to pay."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import (
    Entry,
    InvalidPolicyError,
    InvalidQueryError,
    Ledger,
    Money,
    Side,
)
from reskontro.aging import DEFAULT_BUCKETS, Buckets, age, payment_stats
from reskontro.testing import ledgers

ON = date(2026, 4, 30)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def invoice(entry_id: str, party: str, amount: str, days_overdue: int) -> Entry:
    """An invoice that is *days_overdue* days past due on ON (posted 30 days before due)."""
    due = ON - timedelta(days=days_overdue)
    return Entry.invoice(entry_id, party=party, amount=nok(amount),
                         posted=due - timedelta(days=30), due=due)


def test_default_labels() -> None:
    """The default columns are not due, 1-30, 31-60, 61-90, 90+ and no due date."""
    assert DEFAULT_BUCKETS.labels == ("not due", "1-30", "31-60", "61-90", "90+", "no due date")


@pytest.mark.parametrize(
    ("days", "label"),
    [(-5, "not due"), (0, "not due"), (1, "1-30"), (30, "1-30"), (31, "31-60"),
     (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "90+"), (400, "90+")],
)
def test_bucket_edges(days: int, label: str) -> None:
    """Each edge day lands in the bucket its label names; the due date itself is not due."""
    report = age(Ledger("NOK").post(invoice("F-1", "1", "100", days)), ON)
    (aged,) = report.items
    assert aged.bucket == label
    assert aged.days_overdue == max(days, 0)
    assert aged.is_overdue is (days > 0)
    assert report.rows[0].local[report.labels.index(label)] == nok("100")


def test_rows_per_party_and_totals_add_up_to_the_balance() -> None:
    """Rows per (side, party); open credits without due date go to 'no due date'; sums exact."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "10001", "1000", 10),
        invoice("F-2", "10001", "500", -3),
        invoice("F-3", "10002", "700", 95),
        Entry.payment("P-1", party="10002", amount=nok("-200"), posted=date(2026, 4, 1)),
        Entry.invoice("LF-1", party="20001", side=Side.PAYABLE, amount=nok("-300"),
                      posted=date(2026, 3, 1), due=date(2026, 3, 31)),
    ])
    report = age(ledger, ON)
    assert [(r.side, r.party) for r in report.rows] == [
        (Side.RECEIVABLE, "10001"), (Side.RECEIVABLE, "10002"), (Side.PAYABLE, "20001")]
    row = report.row("10002")
    assert row is not None
    assert [m.amount for m in row.local] == [Decimal(x) for x in
                                            ("0", "0", "0", "0", "700", "-200")]
    assert row.total == nok("500")
    assert row.overdue == nok("700")
    payable = report.row("20001", Side.PAYABLE)
    assert payable is not None  # 30 days overdue
    assert payable.local[1] == nok("-300")
    assert report.total == tuple(nok(x) for x in ("500", "700", "0", "0", "700", "-200"))
    assert report.grand_total == ledger.balance(as_of=ON).local
    assert age(ledger, ON, side=Side.PAYABLE).grand_total == nok("-300")
    assert [r.party for r in age(ledger, ON, party="10001").rows] == ["10001"]


def test_partial_payment_ages_what_is_left_by_the_current_due_date() -> None:
    """A part-paid invoice counts its remaining amount; a moved due date moves its bucket."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "1", "1000", 45),
        Entry.payment("P-1", party="1", amount=nok("-400"), posted=ON - timedelta(days=5)),
    ]).match(["F-1", "P-1"])
    report = age(ledger, ON)
    assert report.items[0].bucket == "31-60"
    assert report.grand_total == nok("600")
    moved = ledger.change_due_date("F-1", ON + timedelta(days=10), on=ON - timedelta(days=1))
    assert age(moved, ON).items[0].bucket == "not due"
    # as of a day before the change, the old due date applies
    assert age(moved, ON - timedelta(days=2)).items[0].bucket == "31-60"


def test_as_of_leaves_out_later_entries_and_matches() -> None:
    """The report date reads the ledger as of that day."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "1", "1000", 20),
        Entry.payment("P-1", party="1", amount=nok("-1000"), posted=ON + timedelta(days=1)),
    ]).match(["F-1", "P-1"])
    assert age(ledger, ON).grand_total == nok("1000")
    assert age(ledger, ON + timedelta(days=1)).rows == ()


def test_foreign_currency_is_shown_per_currency_and_in_local() -> None:
    """A EUR invoice shows in EUR per currency and at its booked NOK in local columns."""
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-1", party="1", amount=Money("100", "EUR"), amount_local=nok("1150"),
        posted=date(2026, 3, 1), due=date(2026, 3, 15)))
    row = age(ledger, ON).rows[0]
    assert row.local[2] == nok("1150")  # 46 days
    assert row.in_currency("EUR")[2] == Money("100", "EUR")
    assert row.in_currency("SEK") == tuple(Money("0", "SEK") for _ in row.local)
    report = age(ledger, ON)
    assert report.total_by_currency == (("EUR", row.in_currency("EUR")),)


def test_custom_buckets_and_records() -> None:
    """Custom bounds and labels give their columns; to_records has one dict per row."""
    buckets = Buckets(bounds=(14, 28), overdue_labels=("1-14 d", "15-28 d", "over 28 d"))
    ledger = Ledger("NOK").post_many([invoice("F-1", "1", "100", 20),
                                      invoice("F-2", "1", "50", 29)])
    report = age(ledger, ON, buckets=buckets)
    assert report.labels == ("not due", "1-14 d", "15-28 d", "over 28 d", "no due date")
    (record,) = report.to_records()
    assert record["15-28 d"] == Decimal("100.00")
    assert record["over 28 d"] == Decimal("50.00")
    assert record["total"] == Decimal("150.00")
    assert record["party"] == "1"
    assert record["side"] == "receivable"
    assert [r["bucket"] for r in report.item_records()] == ["15-28 d", "over 28 d"]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Buckets(bounds=()),
        lambda: Buckets(bounds=(30, 30)),
        lambda: Buckets(bounds=(60, 30)),
        lambda: Buckets(bounds=(0, 30)),
        lambda: Buckets(bounds=(30,), overdue_labels=("a",)),
    ],
)
def test_bad_buckets_are_refused(build: object) -> None:
    """Bounds must increase from 1; labels must match the bounds."""
    with pytest.raises(InvalidPolicyError):
        build()  # type: ignore[operator]


def test_bad_query_arguments_are_refused() -> None:
    """A string date or a wrong buckets value raise InvalidQueryError."""
    with pytest.raises(InvalidQueryError):
        age(Ledger("NOK"), "2026-04-30")  # type: ignore[arg-type]
    with pytest.raises(InvalidQueryError):
        age(Ledger("NOK"), ON, buckets=(30, 60))  # type: ignore[arg-type]
    with pytest.raises(InvalidQueryError):
        payment_stats(Ledger("NOK"), ON, ON - timedelta(days=1))


def test_dso_and_days_to_pay() -> None:
    """DSO = balance / sales * days; days to pay weighted by the amount settled."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=nok("1000"), posted=date(2026, 1, 1),
                      due=date(2026, 1, 15)),
        Entry.invoice("F-2", party="1", amount=nok("3000"), posted=date(2026, 1, 10),
                      due=date(2026, 1, 24)),
        Entry.payment("P-1", party="1", amount=nok("-1000"), posted=date(2026, 1, 11)),
        Entry.payment("P-2", party="1", amount=nok("-1000"), posted=date(2026, 1, 30)),
    ]).match(["F-1", "P-1"]).match(["F-2", "P-2"])
    (stats,) = payment_stats(ledger, date(2026, 1, 1), date(2026, 1, 31))
    assert stats.sales == nok("4000")
    assert stats.balance == nok("2000")
    assert stats.dso == Decimal("15.5")  # 2000 / 4000 * 31
    assert stats.paid == nok("2000")
    assert stats.average_days_to_pay == Decimal("15.0")  # (10 + 20) / 2
    assert stats.average_days_late == Decimal("3.0")  # (0 + 6) / 2
    assert stats.to_record()["dso"] == Decimal("15.5")
    (none,) = payment_stats(Ledger("NOK").post(invoice("F-9", "9", "10", 1)),
                            date(2026, 5, 1), date(2026, 5, 31))
    assert none.dso is None
    assert none.average_days_to_pay is None


@given(ledgers(parties=("10001", "10002", "10003"), max_entries=14),
       st.integers(0, 150))
def test_aging_partitions_the_open_items_exactly(ledger: Ledger, offset: int) -> None:
    """Every open item is in exactly one bucket; rows and totals equal the balances."""
    on = date(2026, 1, 1) + timedelta(days=offset)
    report = age(ledger, on)
    open_items = ledger.open_items(as_of=on)
    assert Counter(a.id for a in report.items) == Counter(open_items.ids)
    for row in report.rows:
        assert sum(len([a for a in row.items if a.bucket == label]) for label in report.labels) \
            == len(row.items)
        balance = sum(
            (b.local for sub, b in ledger.balances(as_of=on).items()
             if sub.side is row.side and sub.party == row.party),
            nok("0"),
        )
        assert Money.sum(row.local, "NOK") == row.total == balance
        for currency, columns in row.by_currency:
            expected = Money.sum(
                (a.item.remaining for a in row.items if a.item.remaining.currency == currency),
                currency,
            )
            assert Money.sum(columns, currency) == expected
    assert report.grand_total == ledger.balance(as_of=on).local
    for column, label in enumerate(report.labels):
        column_sum = Money.sum((r.local[column] for r in report.rows), "NOK")
        assert report.total[column] == column_sum, label
