"""Items and balances: what a ledger query returns.

An :class:`Item` is an entry as the ledger sees it at a point in time: the
immutable :class:`~reskontro.Entry` itself, plus what the ledger derives for it
(remaining amount, open or closed, its match, its current due date). An
:class:`ItemList` is the result of a query: a read-only sequence of items with
the sum of the filtered items (24SevenOffice's "filtrerte poster") and the sum
of their remaining amounts.

A :class:`Balance` is an amount in local currency together with the same
amount broken down per transaction currency.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> ledger = Ledger("NOK").post(
...     Entry.invoice("F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2)))
>>> items = ledger.open_items()
>>> len(items), items.total.local, items[0].is_open
(1, Money('100.00', 'NOK'), True)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, final, overload

import attrs

from reskontro.currency import quantum
from reskontro.display import Column, Tabular
from reskontro.entries import Entry, EntryKind, Side, SubAccount
from reskontro.exceptions import CurrencyMismatchError
from reskontro.money import CONTEXT, Money

__all__ = ["Balance", "BalanceList", "Item", "ItemList", "Status", "SubAccountBalance"]


class Status(enum.StrEnum):
    """Which items a query returns: open, closed or all.

    >>> Status("open")
    Status.OPEN
    """

    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"

    def __repr__(self) -> str:
        return f"Status.{self.name}"


@final
@attrs.frozen(repr=False)
class Balance:
    """An amount in local currency and its breakdown per transaction currency.

    Attributes:
        local: the total in the ledger's local currency.
        by_currency: the totals per transaction currency, sorted by code.

    >>> b = Balance(Money("1150", "NOK"), (Money("100", "EUR"),))
    >>> b["EUR"], b["SEK"]
    (Money('100.00', 'EUR'), Money('0.00', 'SEK'))
    """

    local: Money
    by_currency: tuple[Money, ...] = ()

    def __getitem__(self, currency: str) -> Money:
        for money in self.by_currency:
            if money.currency == currency:
                return money
        return Money.zero(currency)

    def __repr__(self) -> str:
        return f"Balance({self.local!r}, {self.by_currency!r})"

    @property
    def is_zero(self) -> bool:
        """True when the local amount and every currency amount are zero."""
        return self.local.is_zero and all(m.is_zero for m in self.by_currency)

    @classmethod
    def from_sums(cls, local_currency: str, local: Decimal, per: dict[str, Decimal]) -> Balance:
        """Build from raw sums on each currency's grid, quantizing them.

        >>> Balance.from_sums("NOK", Decimal("10"), {"EUR": Decimal("1.5")})
        Balance(Money('10.00', 'NOK'), (Money('1.50', 'EUR'),))
        """
        return cls(
            Money._of(local.quantize(quantum(local_currency), context=CONTEXT), local_currency),
            tuple(
                Money._of(per[c].quantize(quantum(c), context=CONTEXT), c) for c in sorted(per)
            ),
        )

    @classmethod
    def zero(cls, local_currency: str) -> Balance:
        """A zero balance in *local_currency*.

        >>> Balance.zero("NOK").is_zero
        True
        """
        return cls(Money.zero(local_currency), ())

    def __add__(self, other: object) -> Balance:
        if not isinstance(other, Balance):
            return NotImplemented
        if other.local.currency != self.local.currency:
            raise CurrencyMismatchError(
                f"cannot add balances in {self.local.currency} and {other.local.currency}",
                field="local", value=other.local.currency,
            )
        per: dict[str, Decimal] = {}
        for money in (*self.by_currency, *other.by_currency):
            per[money.currency] = CONTEXT.add(per.get(money.currency, Decimal(0)), money.amount)
        return Balance.from_sums(
            self.local.currency, CONTEXT.add(self.local.amount, other.local.amount), per
        )


@final
@attrs.frozen(kw_only=True, repr=False)
class Item:
    """An entry with what the ledger derives for it at one point in time.

    >>> from datetime import date
    >>> from reskontro import Ledger
    >>> item = Ledger("NOK").post(Entry.invoice(
    ...     "F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2),
    ...     due=date(2026, 1, 16))).item("F-1")
    >>> item.is_open, item.due, item.days_overdue(date(2026, 1, 31))
    (True, datetime.date(2026, 1, 16), 15)

    Attributes:
        entry: the posted entry, unchanged.
        remaining: what is left of it in its transaction currency.
        remaining_local: what is left of it in local currency.
        is_open: whether it is an open item.
        match_id: its live match, or ``None``.
        due: its current due date (after any change; ``entry.due`` is the original).
    """

    entry: Entry
    remaining: Money
    remaining_local: Money
    is_open: bool
    match_id: str | None
    due: date | None

    def __repr__(self) -> str:
        return (
            f"Item(entry={self.entry!r}, remaining={self.remaining!r}, "
            f"remaining_local={self.remaining_local!r}, is_open={self.is_open!r}, "
            f"match_id={self.match_id!r}, due={self.due!r})"
        )

    @property
    def id(self) -> str:
        """The entry id."""
        return self.entry.id

    @property
    def party(self) -> str:
        """The party of the entry."""
        return self.entry.party

    @property
    def side(self) -> Side:
        """The side of the entry."""
        return self.entry.side

    @property
    def kind(self) -> EntryKind:
        """The kind of the entry."""
        return self.entry.kind

    @property
    def sub_account(self) -> SubAccount:
        """The sub-account of the entry."""
        return self.entry.sub_account

    @property
    def amount(self) -> Money:
        """The entry's original amount in its transaction currency."""
        return self.entry.amount

    @property
    def amount_local(self) -> Money:
        """The entry's original amount in local currency."""
        return self.entry.amount_local

    def is_overdue(self, on: date) -> bool:
        """True when the item is open and its current due date is before *on*.

        The due date itself is not overdue: an invoice due 16 January is
        overdue from 17 January.
        """
        return self.is_open and self.due is not None and self.due < on

    def days_overdue(self, on: date) -> int:
        """Days past the current due date on *on* (0 when not overdue or closed)."""
        if not self.is_overdue(on) or self.due is None:
            return 0
        return (on - self.due).days


@final
class ItemList(Tabular, Sequence[Item]):
    """A read-only list of items with their sums, as queries return it.

    ``total`` adds up the items' original amounts (the sum of the filtered
    items); ``remaining`` adds up what is left of them. In a notebook it shows
    as a table; ``to_records()`` and ``to_pandas()`` give its rows (see
    :mod:`reskontro.display`).

    >>> from datetime import date
    >>> from reskontro import Ledger
    >>> nok = lambda a: Money(a, "NOK")
    >>> items = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
    ...     Entry.payment("P-1", party="1", amount=nok("-30"), posted=date(2026, 1, 9)),
    ... ]).match(["F-1", "P-1"]).items()
    >>> items.ids, items.total.local, items.remaining.local
    (('F-1', 'P-1'), Money('70.00', 'NOK'), Money('70.00', 'NOK'))
    """

    __slots__ = ("_items", "_local")

    _columns = (
        Column("id"), Column("side"), Column("party"), Column("account"), Column("kind"),
        Column("document_no"), Column("posted", "date"), Column("due", "date"),
        Column("currency"), Column("amount", "amount"), Column("amount_local", "amount"),
        Column("remaining", "amount"), Column("remaining_local", "amount"),
        Column("is_open", "bool"), Column("match_id"), Column("reference"), Column("text"),
        Column("end_to_end_id"), Column("payer_account"), Column("applies_to"),
    )

    def __init__(self, items: Iterable[Item], local_currency: str) -> None:
        self._items = tuple(items)
        self._local = local_currency

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> ItemList: ...
    def __getitem__(self, index: int | slice) -> Item | ItemList:
        if isinstance(index, slice):
            return ItemList(self._items[index], self._local)
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Item]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ItemList):
            return NotImplemented
        return self._items == other._items and self._local == other._local

    def __hash__(self) -> int:
        return hash((self._items, self._local))

    def __repr__(self) -> str:
        return f"ItemList({list(self._items)!r}, {self._local!r})"

    @property
    def ids(self) -> tuple[str, ...]:
        """The entry ids, in order."""
        return tuple(item.entry.id for item in self._items)

    def _sum(self, remaining: bool) -> Balance:
        local = Decimal(0)
        per: dict[str, Decimal] = {}
        add = CONTEXT.add
        for item in self._items:
            tx = item.remaining if remaining else item.entry.amount
            loc = item.remaining_local if remaining else item.entry.amount_local
            local = add(local, loc.amount)
            per[tx.currency] = add(per.get(tx.currency, Decimal(0)), tx.amount)
        return Balance.from_sums(self._local, local, per)

    @property
    def total(self) -> Balance:
        """The sum of the items' original amounts, in local currency and per currency."""
        return self._sum(remaining=False)

    @property
    def remaining(self) -> Balance:
        """The sum of the items' remaining amounts, in local currency and per currency."""
        return self._sum(remaining=True)

    def _table_title(self) -> str:
        return (
            f"{len(self._items)} item{'' if len(self._items) == 1 else 's'}, "
            f"remaining {self.remaining.local}"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """The items as plain dicts (one per item), for tables and DataFrames.

        Amounts are ``Decimal`` and dates ``datetime.date`` (see
        :mod:`reskontro.display`); ``remaining`` is in the item's transaction
        currency and ``remaining_local`` in the ledger's.

        >>> from datetime import date
        >>> from reskontro import Entry, Ledger, Money
        >>> ledger = Ledger("NOK").post(Entry.invoice(
        ...     "F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2)))
        >>> ledger.open_items().to_records()[0]["remaining"]
        Decimal('100.00')
        """
        return [
            {
                "id": item.entry.id,
                "side": item.entry.side.value,
                "party": item.entry.party,
                "account": item.entry.account,
                "kind": item.entry.kind.value,
                "document_no": item.entry.document_no,
                "posted": item.entry.posted,
                "due": item.due,
                "currency": item.entry.currency,
                "amount": item.entry.value,
                "amount_local": item.entry.value_local,
                "remaining": item.remaining.amount,
                "remaining_local": item.remaining_local.amount,
                "is_open": item.is_open,
                "match_id": item.match_id,
                "reference": item.entry.reference,
                "text": item.entry.text,
                "end_to_end_id": item.entry.end_to_end_id,
                "payer_account": item.entry.payer_account,
                "applies_to": item.entry.applies_to,
            }
            for item in self._items
        ]


@final
@attrs.frozen(kw_only=True)
class SubAccountBalance:
    """One row of a ledger summary: a sub-account, its balance and its open items.

    >>> from datetime import date
    >>> from reskontro import Ledger
    >>> (row,) = Ledger("NOK").post(Entry.invoice(
    ...     "F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2))).summary()
    >>> str(row.sub_account), row.balance.local, row.open_items
    ('customer 1 / 1500', Money('100.00', 'NOK'), 1)

    Attributes:
        sub_account: the sub-account (side, party, control account).
        balance: its balance, in local currency and per transaction currency.
        open_items: how many of its items are open.
    """

    sub_account: SubAccount
    balance: Balance
    open_items: int


@final
class BalanceList(Tabular, Sequence[SubAccountBalance]):
    """The balances of a ledger's sub-accounts: the ledger summary.

    :meth:`Ledger.summary <reskontro.Ledger.summary>` returns it, sorted by
    sub-account. ``total`` adds the balances up. In a notebook it shows as a
    table; ``to_records()`` gives one row per sub-account with its side,
    party, account, number of open items and local balance, and, when the
    ledger holds a currency other than the local one, a ``balance_<CODE>``
    column per transaction currency.

    >>> from datetime import date
    >>> from reskontro import Ledger
    >>> summary = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2)),
    ...     Entry.invoice("F-2", party="2", amount=Money("10", "EUR"),
    ...                   amount_local=Money("115", "NOK"), posted=date(2026, 1, 2)),
    ... ]).summary()
    >>> summary.total.local
    Money('215.00', 'NOK')
    >>> summary.to_records()[1]
    {'side': 'receivable', 'party': '2', 'account': '1500', 'open_items': 1, \
'balance_local': Decimal('115.00'), 'balance_EUR': Decimal('10.00'), 'balance_NOK': Decimal('0.00')}
    """

    __slots__ = ("_local", "_rows")

    def __init__(self, rows: Iterable[SubAccountBalance], local_currency: str) -> None:
        self._rows = tuple(rows)
        self._local = local_currency

    @overload
    def __getitem__(self, index: int) -> SubAccountBalance: ...
    @overload
    def __getitem__(self, index: slice) -> BalanceList: ...
    def __getitem__(self, index: int | slice) -> SubAccountBalance | BalanceList:
        if isinstance(index, slice):
            return BalanceList(self._rows[index], self._local)
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[SubAccountBalance]:
        return iter(self._rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BalanceList):
            return NotImplemented
        return self._rows == other._rows and self._local == other._local

    def __hash__(self) -> int:
        return hash((self._rows, self._local))

    def __repr__(self) -> str:
        return f"BalanceList({list(self._rows)!r}, {self._local!r})"

    @property
    def total(self) -> Balance:
        """The sum of the balances, in local currency and per transaction currency."""
        total = Balance.zero(self._local)
        for row in self._rows:
            total = total + row.balance
        return total

    def _currencies(self) -> tuple[str, ...]:
        codes = sorted({m.currency for row in self._rows for m in row.balance.by_currency})
        return () if codes in ([], [self._local]) else tuple(codes)

    def _table_columns(self) -> tuple[Column, ...]:
        return (
            Column("side"), Column("party"), Column("account"), Column("open_items", "int"),
            Column("balance_local", "amount"),
            *(Column(f"balance_{code}", "amount") for code in self._currencies()),
        )

    def _table_title(self) -> str:
        n = len(self._rows)
        return f"{n} sub-account{'' if n == 1 else 's'}, balance {self.total.local}"

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per sub-account (amounts as ``Decimal``; see :mod:`reskontro.display`).

        >>> BalanceList([], "NOK").to_records()
        []
        """
        codes = self._currencies()
        records = []
        for row in self._rows:
            record: dict[str, Any] = {
                "side": row.sub_account.side.value,
                "party": row.sub_account.party,
                "account": row.sub_account.account,
                "open_items": row.open_items,
                "balance_local": row.balance.local.amount,
            }
            for code in codes:
                record[f"balance_{code}"] = row.balance[code].amount
            records.append(record)
        return records
