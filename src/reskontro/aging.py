"""Aging: open items by how long they are past due, per party and in total.

An aging report (aldersfordelt reskontro) sorts every open item of a ledger,
as of a date, into **buckets** by the number of days its current due date
lies behind that date: by default *not due*, *1-30*, *31-60*, *61-90* and
*90+* days past due (the last meaning more than 90). The buckets are
configurable (:class:`Buckets`).

The report partitions the open items exactly: every open item is in exactly
one bucket, so the buckets of a party add up to the party's balance (the sum
of the remaining amounts of its open items), and the totals to the balance
of the whole ledger or side. Two rules make that hold:

* an item's remaining amount is counted with its sign: an invoice paid in
  part counts what is left of it, a payment that paid too much counts
  negative;
* an open item **without a due date** is not aged: it goes in the last
  column, *no due date*. In practice that column holds payments not yet
  applied and credit notes (the customer's credit, innestående), and shows
  them apart instead of hiding them in *not due*. An invoice posted without
  a due date lands there too, where it stands out.

The due date is the *current* one (after any :class:`~reskontro.DueDateChanged`),
and an item is overdue from the day after its due date: an invoice due
19 January is 1 day overdue on 20 January.

Amounts are shown in local currency (``local``) and per transaction
currency (``by_currency``). :func:`payment_stats` adds days-sales-outstanding
and the average days to pay per party over a period.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> nok = lambda a: Money(a, "NOK")
>>> ledger = Ledger("NOK").post_many([
...     Entry.invoice("F-1", party="10001", amount=nok("1000"), posted=date(2026, 1, 5),
...                   due=date(2026, 1, 19)),
...     Entry.invoice("F-2", party="10001", amount=nok("500"), posted=date(2026, 2, 2),
...                   due=date(2026, 2, 16)),
...     Entry.payment("P-1", party="10002", amount=nok("-200"), posted=date(2026, 2, 3)),
... ])
>>> report = age(ledger, date(2026, 2, 10))
>>> report.labels
('not due', '1-30', '31-60', '61-90', '90+', 'no due date')
>>> for row in report.rows:
...     print(row.party, [str(m.amount) for m in row.local], row.total)
10001 ['500.00', '1000.00', '0.00', '0.00', '0.00', '0.00'] 1500.00 NOK
10002 ['0.00', '0.00', '0.00', '0.00', '0.00', '-200.00'] -200.00 NOK
>>> report.grand_total == ledger.balance(as_of=date(2026, 2, 10)).local
True
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, final

import attrs

from reskontro._gc import paused
from reskontro.currency import quantum
from reskontro.display import Column, Tabular
from reskontro.entries import EntryKind, Side
from reskontro.exceptions import InvalidPolicyError, InvalidQueryError
from reskontro.items import Item
from reskontro.ledger import Ledger
from reskontro.money import CONTEXT, Money, in_context

__all__ = [
    "DEFAULT_BUCKETS",
    "AgedItem",
    "AgingReport",
    "AgingRow",
    "Buckets",
    "PaymentStats",
    "age",
    "payment_stats",
]

_ZERO: Final = Decimal(0)


def _check_date(value: object, name: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidQueryError(
            f"{name} must be a datetime.date, got {value!r}", field=name, value=value
        )
    return value


def _bounds(value: Iterable[int]) -> tuple[int, ...]:
    bounds = tuple(value)
    if not bounds or any(type(b) is not int or b < 1 for b in bounds) or list(bounds) != sorted(
        set(bounds)
    ):
        raise InvalidPolicyError(
            f"aging buckets: bounds must be increasing whole numbers of days from 1, "
            f"got {bounds!r}",
            field="bounds", value=bounds,
        )
    return bounds


@final
@attrs.frozen(kw_only=True)
class Buckets:
    """The columns of an aging report: not due, overdue ranges, and no due date.

    *bounds* are the last day of each overdue range: ``(30, 60, 90)`` gives
    1-30, 31-60, 61-90 and 90+ (more than 90 days). Column labels are made
    from them unless *overdue_labels* names the overdue ranges
    (``len(bounds) + 1`` names).

    Attributes:
        bounds: the upper day of each overdue range, increasing, from 1.
        not_due: the label of the first column (due today or later).
        no_due_date: the label of the last column (open items without a due date).
        overdue_labels: names of the overdue ranges, or ``None`` for the default.

    Raises:
        InvalidPolicyError: bounds not increasing whole numbers from 1, or a
            wrong number of labels.

    >>> Buckets(bounds=(14, 45)).labels
    ('not due', '1-14', '15-45', '45+', 'no due date')
    >>> Buckets(bounds=(30, 60, 90)).column(45)
    2
    """

    bounds: tuple[int, ...] = attrs.field(default=(30, 60, 90), converter=_bounds)
    not_due: str = "not due"
    no_due_date: str = "no due date"
    overdue_labels: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple)
    )

    def __attrs_post_init__(self) -> None:
        if self.overdue_labels is not None and (
            len(self.overdue_labels) != len(self.bounds) + 1
            or not all(isinstance(label, str) and label for label in self.overdue_labels)
        ):
            raise InvalidPolicyError(
                f"aging buckets: give {len(self.bounds) + 1} non-empty overdue labels for "
                f"bounds {self.bounds!r}, got {self.overdue_labels!r}",
                field="overdue_labels", value=self.overdue_labels,
            )

    @property
    def labels(self) -> tuple[str, ...]:
        """Every column label, in order: not due, the overdue ranges, no due date."""
        if self.overdue_labels is not None:
            overdue = list(self.overdue_labels)
        else:
            lows = (1, *(b + 1 for b in self.bounds[:-1]))
            overdue = [f"{low}-{high}" for low, high in zip(lows, self.bounds, strict=True)]
            overdue.append(f"{self.bounds[-1]}+")
        return (self.not_due, *overdue, self.no_due_date)

    def column(self, days_overdue: int | None) -> int:
        """The column of an item *days_overdue* days past due (``None``: no due date)."""
        if days_overdue is None:
            return len(self.bounds) + 2
        if days_overdue <= 0:
            return 0
        return 1 + bisect.bisect_left(self.bounds, days_overdue)


#: The default columns: not due, 1-30, 31-60, 61-90, 90+, no due date.
DEFAULT_BUCKETS: Final = Buckets()


@final
@attrs.frozen(kw_only=True)
class AgedItem:
    """One open item with its age on the report date.

    Attributes:
        item: the open item as the ledger shows it on the report date.
        days_overdue: days past its current due date (0 when not overdue or
            without a due date).
        is_overdue: whether the due date is before the report date.
        bucket: the label of its column.
    """

    item: Item
    days_overdue: int
    is_overdue: bool
    bucket: str

    @property
    def id(self) -> str:
        """The entry id."""
        return self.item.id


@final
@attrs.frozen(kw_only=True)
class AgingRow:
    """The aging of one party on one side.

    Attributes:
        side: the side (customer or supplier ledger).
        party: the party number.
        local: the remaining amounts per column, in local currency.
        total: their sum: the party's balance on that side.
        by_currency: per transaction currency (sorted by code), the
            remaining amounts per column in that currency.
        items: the party's open items with their age, in ledger order.
    """

    side: Side
    party: str
    local: tuple[Money, ...]
    total: Money
    by_currency: tuple[tuple[str, tuple[Money, ...]], ...]
    items: tuple[AgedItem, ...]

    def in_currency(self, currency: str) -> tuple[Money, ...]:
        """The columns in transaction currency *currency* (zeros when the party has none)."""
        for code, columns in self.by_currency:
            if code == currency:
                return columns
        return tuple(Money.zero(currency) for _ in self.local)

    @property
    @in_context
    def overdue(self) -> Money:
        """The local amount past due: the overdue columns together."""
        return Money.sum(self.local[1:-1], self.total.currency)


@final
@attrs.frozen(kw_only=True)
class AgingReport(Tabular):
    """An aging report as of a date; built by :func:`age`.

    In a notebook it shows as a table of its rows; ``to_pandas()`` gives them
    as a DataFrame (see :mod:`reskontro.display`).

    Attributes:
        on: the report date.
        labels: the column labels.
        rows: one row per (side, party): customers first, then suppliers,
            each by party number.
        total: the column totals in local currency.
        total_by_currency: per transaction currency, the column totals.
    """

    on: date
    labels: tuple[str, ...]
    rows: tuple[AgingRow, ...]
    total: tuple[Money, ...]
    total_by_currency: tuple[tuple[str, tuple[Money, ...]], ...]

    @property
    @in_context
    def grand_total(self) -> Money:
        """The sum of every column: the balance of the open items reported."""
        return Money.sum(self.total, self.total[0].currency)

    @property
    def items(self) -> tuple[AgedItem, ...]:
        """Every aged open item of the report, row by row."""
        return tuple(aged for row in self.rows for aged in row.items)

    def row(self, party: str, side: Side = Side.RECEIVABLE) -> AgingRow | None:
        """The row of *party* on *side*, or ``None`` when it has no open items."""
        for found in self.rows:
            if found.party == party and found.side is side:
                return found
        return None

    def _table_columns(self) -> tuple[Column, ...]:
        return (
            Column("side"), Column("party"),
            *(Column(label, "amount") for label in self.labels),
            Column("total", "amount"), Column("currency"),
        )

    def _table_title(self) -> str:
        return f"Aging as of {self.on.isoformat()}, total {self.grand_total}"

    def to_records(self) -> list[dict[str, object]]:
        """One dict per row: side, party, one amount per column (local), total.

        >>> from datetime import date
        >>> from reskontro import Ledger
        >>> age(Ledger("NOK"), date(2026, 1, 31)).to_records()
        []
        """
        records: list[dict[str, object]] = []
        for row in self.rows:
            record: dict[str, object] = {"side": row.side.value, "party": row.party}
            for label, money in zip(self.labels, row.local, strict=True):
                record[label] = money.amount
            record["total"] = row.total.amount
            record["currency"] = row.total.currency
            records.append(record)
        return records

    def item_records(self) -> list[dict[str, object]]:
        """One dict per aged open item: id, party, due, days overdue, bucket, remaining."""
        return [
            {
                "id": aged.item.id,
                "side": aged.item.side.value,
                "party": aged.item.party,
                "kind": aged.item.kind.value,
                "due": aged.item.due,
                "is_overdue": aged.is_overdue,
                "days_overdue": aged.days_overdue,
                "bucket": aged.bucket,
                "currency": aged.item.remaining.currency,
                "remaining": aged.item.remaining.amount,
                "remaining_local": aged.item.remaining_local.amount,
            }
            for aged in self.items
        ]


def _columns(sums: Sequence[Decimal], currency: str) -> tuple[Money, ...]:
    q = quantum(currency)
    return tuple(Money._of(s.quantize(q, context=CONTEXT), currency) for s in sums)


@in_context
def age(
    ledger: Ledger,
    on: date,
    *,
    party: str | None = None,
    side: Side | None = None,
    buckets: Buckets | None = None,
) -> AgingReport:
    """Age the open items of a ledger (or of one party or side) as of the end of day *on*.

    The ledger is read as it stood on *on* (``as_of``): items posted later
    are not in the report, matches made later have not settled anything yet.

    Args:
        ledger: the ledger (only read).
        on: the report date.
        party: only this party.
        side: only this side.
        buckets: the columns (default :data:`DEFAULT_BUCKETS`).

    Returns:
        The report; its columns add up, per row and in total, to the balance
        of the open items it covers.

    Raises:
        InvalidQueryError: *on* is not a date, or *party* / *side* of the wrong type.

    >>> from datetime import date
    >>> age(Ledger("NOK"), "2026-01-31")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidQueryError: on must be a datetime.date, got '2026-01-31'
    """
    on = _check_date(on, "on")
    columns = buckets or DEFAULT_BUCKETS
    if not isinstance(columns, Buckets):
        raise InvalidQueryError(
            f"buckets must be a Buckets, got {columns!r}", field="buckets", value=columns
        )
    with paused():  # many small values, no cycles: spare the collector a walk of the heap
        return _age(ledger, on, party, side, columns)


def _age(
    ledger: Ledger, on: date, party: str | None, side: Side | None, columns: Buckets
) -> AgingReport:
    labels = columns.labels
    width = len(labels)
    local = ledger.local_currency
    column = columns.column
    items = ledger.open_items(party=party, side=side, as_of=on)
    groups: dict[tuple[Side, str], tuple[list[Decimal], dict[str, list[Decimal]],
                                         list[AgedItem]]] = {}
    for item in items:
        entry = item.entry
        key = (entry.side, entry.party)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ([_ZERO] * width, {}, [])
        due = item.due
        if due is None:
            days: int | None = None
            overdue = 0
        else:
            days = (on - due).days
            overdue = days if days > 0 else 0
        index = column(days)
        sums, per, aged = group
        sums[index] += item.remaining_local.amount
        currency = item.remaining.currency
        cur = per.get(currency)
        if cur is None:
            cur = per[currency] = [_ZERO] * width
        cur[index] += item.remaining.amount
        aged.append(
            AgedItem(item=item, days_overdue=overdue, is_overdue=overdue > 0,
                     bucket=labels[index])
        )
    rows = []
    total = [_ZERO] * width
    total_per: dict[str, list[Decimal]] = {}
    for row_side, row_party in sorted(groups, key=lambda k: (k[0] is not Side.RECEIVABLE, k[1])):
        sums, per, aged = groups[(row_side, row_party)]
        for i, value in enumerate(sums):
            total[i] += value
        for currency, values in per.items():
            into = total_per.setdefault(currency, [_ZERO] * width)
            for i, value in enumerate(values):
                into[i] += value
        rows.append(
            AgingRow(
                side=row_side,
                party=row_party,
                local=_columns(sums, local),
                total=Money._of(sum(sums, _ZERO).quantize(quantum(local)), local),
                by_currency=tuple((c, _columns(per[c], c)) for c in sorted(per)),
                items=tuple(aged),
            )
        )
    return AgingReport(
        on=on,
        labels=labels,
        rows=tuple(rows),
        total=_columns(total, local),
        total_by_currency=tuple((c, _columns(total_per[c], c)) for c in sorted(total_per)),
    )


# -- days-sales-outstanding and days to pay -------------------------------------------------


@final
@attrs.frozen(kw_only=True)
class PaymentStats:
    """How fast one party pays (or, on the supplier side, how fast we pay), over a period.

    Attributes:
        side: the side.
        party: the party.
        start: the first day of the period.
        end: the last day of the period.
        sales: invoices less credit notes posted in the period (local
            currency, as a positive amount on either side).
        balance: the party's balance at the end of the period (local, as a
            positive amount when the party owes / is owed in the usual
            direction).
        dso: days-sales-outstanding, ``balance / sales * days in the
            period``, to one decimal (half up); ``None`` without sales.
        paid: the invoice amounts payments settled in the period (local).
        average_days_to_pay: from invoice (document) date to payment date,
            weighted by the amount each payment settled; ``None`` when no
            payment settled an invoice in the period.
        average_days_late: the same from the invoice's due date, counting
            payments before the due date as 0 days late.
    """

    side: Side
    party: str
    start: date
    end: date
    sales: Money
    balance: Money
    dso: Decimal | None
    paid: Money
    average_days_to_pay: Decimal | None
    average_days_late: Decimal | None

    def to_record(self) -> dict[str, object]:
        """The figures as a plain dict."""
        return {
            "side": self.side.value,
            "party": self.party,
            "start": self.start,
            "end": self.end,
            "sales": self.sales.amount,
            "balance": self.balance.amount,
            "dso": self.dso,
            "paid": self.paid.amount,
            "average_days_to_pay": self.average_days_to_pay,
            "average_days_late": self.average_days_late,
        }


_TENTH: Final = Decimal("0.1")


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return CONTEXT.divide(numerator, denominator).quantize(
        _TENTH, rounding=ROUND_HALF_UP, context=CONTEXT
    )


@in_context
def payment_stats(
    ledger: Ledger,
    start: date,
    end: date,
    *,
    party: str | None = None,
    side: Side = Side.RECEIVABLE,
) -> tuple[PaymentStats, ...]:
    """Days-sales-outstanding and average days to pay per party over *start* to *end*.

    DSO is the party's balance at the end of the period divided by its sales
    (invoices less credit notes posted in the period) times the days in the
    period. Days to pay are measured per payment and invoice it settled:
    payment date minus invoice date, weighted by the amount settled, for
    payments posted in the period (as the matches stand at its end).

    Raises:
        InvalidQueryError: a date is not a date, or *end* is before *start*.

    >>> from datetime import date
    >>> from reskontro import Entry, Money
    >>> nok = lambda a: Money(a, "NOK")
    >>> ledger = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=nok("1000"), posted=date(2026, 1, 1),
    ...                   due=date(2026, 1, 15)),
    ...     Entry.invoice("F-2", party="1", amount=nok("3000"), posted=date(2026, 1, 20),
    ...                   due=date(2026, 2, 3)),
    ...     Entry.payment("P-1", party="1", amount=nok("-1000"), posted=date(2026, 1, 21)),
    ... ]).match(["F-1", "P-1"])
    >>> stats, = payment_stats(ledger, date(2026, 1, 1), date(2026, 1, 31))
    >>> stats.dso, stats.average_days_to_pay, stats.average_days_late
    (Decimal('23.3'), Decimal('20.0'), Decimal('6.0'))
    """
    start = _check_date(start, "start")
    end = _check_date(end, "end")
    if end < start:
        raise InvalidQueryError(
            f"the period ends ({end}) before it starts ({start})", field="end", value=end
        )
    if not isinstance(side, Side):
        raise InvalidQueryError(f"side must be a Side, got {side!r}", field="side", value=side)
    local = ledger.local_currency
    sign = 1 if side is Side.RECEIVABLE else -1
    sales: dict[str, Decimal] = {}
    for item in ledger.search(
        side=side, party=party, kind=[EntryKind.INVOICE, EntryKind.CREDIT_NOTE],
        posted_from=start, posted_to=end, as_of=end,
    ):
        sales[item.party] = sales.get(item.party, _ZERO) + sign * item.entry.value_local
    balances: dict[str, Decimal] = {}
    for sub, balance in ledger.balances(side=side, as_of=end).items():
        if party is not None and sub.party != party:
            continue
        balances[sub.party] = balances.get(sub.party, _ZERO) + sign * balance.local.amount
    paid: dict[str, Decimal] = {}
    days_sum: dict[str, Decimal] = {}
    late_sum: dict[str, Decimal] = {}
    for match in ledger.matches(party=party, as_of=end):
        if match.sub_account.side is not side:
            continue
        for allocation in match.allocations:
            first = ledger.entry(allocation.credit_id, as_of=end)
            second = ledger.entry(allocation.debit_id, as_of=end)
            kinds = {first.kind, second.kind}
            if kinds != {EntryKind.INVOICE, EntryKind.PAYMENT}:
                continue
            invoice, payment = (first, second) if first.kind is EntryKind.INVOICE else (
                second, first)
            if not start <= payment.posted <= end or not invoice.value:
                continue
            weight = abs(CONTEXT.divide(
                CONTEXT.multiply(allocation.amount.amount, invoice.value_local), invoice.value
            ))
            due = ledger.item(invoice.id, as_of=end).due or invoice.document_date
            key = invoice.party
            paid[key] = paid.get(key, _ZERO) + weight
            days = (payment.posted - invoice.document_date).days
            late = max((payment.posted - due).days, 0)
            days_sum[key] = days_sum.get(key, _ZERO) + weight * days
            late_sum[key] = late_sum.get(key, _ZERO) + weight * late
    period = Decimal((end - start).days + 1)
    q = quantum(local)
    result = []
    for name in sorted(set(sales) | set(balances) | set(paid)):
        sold = sales.get(name, _ZERO)
        owed = balances.get(name, _ZERO)
        settled = paid.get(name, _ZERO)
        result.append(
            PaymentStats(
                side=side,
                party=name,
                start=start,
                end=end,
                sales=Money._of(sold.quantize(q, context=CONTEXT), local),
                balance=Money._of(owed.quantize(q, context=CONTEXT), local),
                dso=_ratio(CONTEXT.multiply(owed, period), sold) if sold > 0 else None,
                paid=Money._of(settled.quantize(q, context=CONTEXT), local),
                average_days_to_pay=_ratio(days_sum.get(name, _ZERO), settled),
                average_days_late=_ratio(late_sum.get(name, _ZERO), settled),
            )
        )
    return tuple(result)

