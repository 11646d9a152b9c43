"""The ledger: an immutable, event-sourced customer and supplier sub-ledger.

A :class:`Ledger` is the fold of an ordered list of
:mod:`events <reskontro.events>`. Every operation (post, match, remove from a
match, dissolve, change a due date, reverse) validates its input completely
and returns a **new** ledger with the new events appended; the ledger it was
called on is untouched, and so is every value you got from it before. A
refused operation raises a :class:`~reskontro.exceptions.ReskontroError` and
changes nothing.

Every query takes an optional ``as_of`` date: the ledger as it stood at the end
of that day, which is exactly the replay of the events dated on or before it
(entries posted by then, matches applied by then and not undone by then).

How values stay immutable and cheap
-----------------------------------
Ledger values that descend from one another share one append-only event log
and one set of indexes. The newest value answers queries from the indexes
directly; an operation on it appends in O(1) amortized (plus the size of the
match it touches), however large the ledger. An older value still sees only
its own prefix of the log: the first query on it, or an operation that
branches from it, replays that prefix once (O(n)) into indexes of its own.
``as_of`` queries replay the dated prefix once per date and cache it.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> nok = lambda amount: Money(amount, "NOK")
>>> ledger = Ledger("NOK").post_many([
...     Entry.invoice("F-1001", party="10001", amount=nok("1250.00"), posted=date(2026, 1, 5),
...                   due=date(2026, 1, 19), document_no="1001", reference="100010010013"),
...     Entry.payment("P-1", party="10001", amount=nok("-1250.00"), posted=date(2026, 1, 18),
...                   reference="100010010013"),
... ])
>>> paid = ledger.match(["F-1001", "P-1"])
>>> len(ledger.open_items()), len(paid.open_items())
(2, 0)
>>> paid.balance(party="10001").local
Money('0.00', 'NOK')
>>> len(paid.open_items(as_of=date(2026, 1, 17)))
1
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, localcontext
from typing import Any, Final, final

import attrs

from reskontro._gc import paused
from reskontro._state import (
    Book,
    MatchState,
    Part,
    Partition,
    PartitionSource,
    Record,
    SnapshotSource,
    Txn,
    snapshot,
)
from reskontro.currency import check_currency, quantum
from reskontro.display import html_table
from reskontro.entries import Entry, EntryKind, Side, SubAccount
from reskontro.events import (
    DueDateChanged,
    EntriesMatched,
    EntryPosted,
    EntryReversed,
    EntryUnmatched,
    Event,
    MatchDissolved,
    NoticeLevel,
    NoticeRecorded,
)
from reskontro.exceptions import (
    CrossCurrencyMatchError,
    InvalidEntryError,
    InvalidEventError,
    InvalidQueryError,
    MatchError,
    NotMatchedError,
    ReversalError,
)
from reskontro.items import Balance, BalanceList, Item, ItemList, Status, SubAccountBalance
from reskontro.matching import (
    Allocation,
    ClosePolicy,
    DerivedEntries,
    Match,
    MatchRow,
    MatchRowList,
    PostAgainstPost,
    is_derived,
    settle,
)
from reskontro.money import CONTEXT, Money, parse_amount
from reskontro.rates import RateTable

__all__ = ["Ledger", "LedgerOptions", "Partition", "PartitionSource", "SnapshotSource"]

_ZERO: Final = Decimal(0)
_FX_KINDS: Final = frozenset({
    EntryKind.FX_GAIN, EntryKind.FX_LOSS, EntryKind.FX_UNREALIZED_GAIN,
    EntryKind.FX_UNREALIZED_LOSS,
})
_ADJUSTMENTS: Final = frozenset({EntryKind.DISCOUNT, EntryKind.TOLERANCE})


@final
@attrs.frozen(kw_only=True)
class LedgerOptions:
    """The policies of a ledger.

    Attributes:
        post_against_post: what to do with a match holding several invoices
            and several payments (default: warn).
        auto_close_zero: close a zero-amount entry at posting by putting it
            in a match of its own (Business Central's behaviour); off by
            default, as in 24SevenOffice, where it stays open until matched.
        cross_currency: allow matches across transaction currencies (an EUR
            invoice paid in NOK) when the caller supplies exchange rates; off
            by default, so a payment in the wrong currency is refused.

    >>> LedgerOptions(post_against_post=PostAgainstPost.REFUSE)
    LedgerOptions(post_against_post=PostAgainstPost.REFUSE, auto_close_zero=False, \
cross_currency=False)
    """

    post_against_post: PostAgainstPost = attrs.field(
        default=PostAgainstPost.WARN, validator=attrs.validators.instance_of(PostAgainstPost)
    )
    auto_close_zero: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    cross_currency: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )


def _event(record: Record) -> Event:
    return EntryPosted(record) if type(record) is Entry else record


def _record(event: Event) -> Record:
    return event.entry if type(event) is EntryPosted else event


def _dated(record: Record) -> date:
    return record.posted if type(record) is Entry else record.on


def _replay(local: str, records: Iterable[Record | Event]) -> Book:
    with localcontext(CONTEXT), paused():
        return Book.replay(local, records)


class _drafting:  # noqa: N801 - used like a function: with _drafting(book) as txn
    """Draft the next book in the library's decimal context, with the collector paused."""

    __slots__ = ("book", "context", "gc")

    def __init__(self, book: Book) -> None:
        self.book = book
        self.context = localcontext(CONTEXT)
        self.gc = paused()

    def __enter__(self) -> Txn:
        self.context.__enter__()
        self.gc.__enter__()
        return Txn(self.book)

    def __exit__(self, *exc: object) -> None:
        self.gc.__exit__(None, None, None)
        self.context.__exit__(None, None, None)


def _query(
    party: object = None, side: object = None, account: object = None, sub_account: object = None
) -> None:
    """Refuse query filters of the wrong type, which would otherwise match nothing."""
    for name, value, kind in (
        ("party", party, str),
        ("side", side, Side),
        ("account", account, str),
        ("sub_account", sub_account, SubAccount),
    ):
        if value is not None and not isinstance(value, kind):
            raise InvalidQueryError(
                f"{name} must be a {kind.__name__}, got {value!r}", field=name, value=value
            )


def _kinds(kind: object) -> frozenset[EntryKind] | None:
    if kind is None:
        return None
    items = [kind] if isinstance(kind, str) else kind
    try:
        return frozenset(EntryKind(k) for k in items)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise InvalidQueryError(
            f"kind must be an EntryKind (or its name, or several), got {kind!r}",
            field="kind", value=kind,
        ) from None


def _date(value: object, name: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidEventError(
            f"{name} must be a datetime.date, got {value!r}", field=name, value=value
        )
    return value


@final
class Ledger:
    """An immutable customer and supplier sub-ledger; see the module docstring.

    Args:
        local_currency: the ledger's local (functional) currency, e.g. ``"NOK"``.
        post_against_post: the post-against-post policy (default warn).
        auto_close_zero: close zero-amount entries at posting (default off).
        cross_currency: allow matches across transaction currencies with
            caller-supplied rates (default off).

    >>> Ledger("NOK")
    Ledger.from_events([], 'NOK')
    >>> Ledger("KRONER")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.UnknownCurrencyError: unknown currency code 'KRONER': ...
    """

    __slots__ = ("_book", "_local", "_options", "_views")

    _book: Book
    _local: str
    _options: LedgerOptions
    _views: dict[object, Book]

    def __init__(
        self,
        local_currency: str,
        *,
        post_against_post: PostAgainstPost = PostAgainstPost.WARN,
        auto_close_zero: bool = False,
        cross_currency: bool = False,
    ) -> None:
        options = LedgerOptions(
            post_against_post=post_against_post, auto_close_zero=auto_close_zero,
            cross_currency=cross_currency,
        )
        code = check_currency(local_currency)
        self._init(code, options, Book(code))

    def _init(self, local: str, options: LedgerOptions, book: Book) -> None:
        setter = object.__setattr__
        setter(self, "_local", local)
        setter(self, "_options", options)
        setter(self, "_book", book)
        setter(self, "_views", {})

    @classmethod
    def _make(cls, local: str, options: LedgerOptions, book: Book) -> Ledger:
        ledger = object.__new__(cls)
        ledger._init(local, options, book)
        return ledger

    def _next(self, book: Book) -> Ledger:
        return self if book is self._book else Ledger._make(self._local, self._options, book)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Ledger is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Ledger is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # A ledger pickles as its history; unpickling replays it.
        return (_unpickle, (self._local, self._options, tuple(self._book.records())))

    @classmethod
    def from_events(
        cls,
        events: Iterable[Event],
        local_currency: str,
        *,
        post_against_post: PostAgainstPost = PostAgainstPost.WARN,
        auto_close_zero: bool = False,
        cross_currency: bool = False,
    ) -> Ledger:
        """Rebuild a ledger by replaying *events* in order.

        Replay checks every event as the operations did, but not the
        post-against-post policy (history made under another policy replays).

        Raises:
            ReskontroError: an event cannot be applied where it stands.

        >>> from datetime import date
        >>> from reskontro import EntryPosted
        >>> e = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
        >>> Ledger.from_events([EntryPosted(e)], "NOK") == Ledger("NOK").post(e)
        True
        """
        options = LedgerOptions(
            post_against_post=post_against_post, auto_close_zero=auto_close_zero,
            cross_currency=cross_currency,
        )
        code = check_currency(local_currency)
        return cls._make(code, options, _replay(code, events))

    @classmethod
    def from_source(
        cls,
        source: PartitionSource,
        local_currency: str,
        *,
        post_against_post: PostAgainstPost = PostAgainstPost.WARN,
        auto_close_zero: bool = False,
        cross_currency: bool = False,
    ) -> Ledger:
        """A ledger whose history a store supplies on demand (see :class:`PartitionSource`).

        Nothing is read up front but the list of partitions: a query about one
        party folds that party's events on first need, an id is looked up in
        the store's indexes, and the whole history is read only when asked for
        (``events``, a whole-ledger query). The engine only calls *source*; it
        never does I/O of its own. The result equals
        ``Ledger.from_events(source.events(), ...)``.
        """
        options = LedgerOptions(
            post_against_post=post_against_post, auto_close_zero=auto_close_zero,
            cross_currency=cross_currency,
        )
        code = check_currency(local_currency)
        return cls._make(code, options, Book.from_source(code, source))

    # -- identity --------------------------------------------------------------

    @property
    def local_currency(self) -> str:
        """The ledger's local currency."""
        return self._local

    @property
    def options(self) -> LedgerOptions:
        """The ledger's policies."""
        return self._options

    @property
    def events(self) -> tuple[Event, ...]:
        """The ledger's history: every event, in the order it was applied."""
        return tuple(map(_event, self._book.records()))

    @property
    def event_count(self) -> int:
        """The number of events in the ledger's history."""
        return self._book.n

    def _records(self) -> Iterator[Record]:
        return self._book.records()

    # -- partitions ------------------------------------------------------------------

    def partitions(self) -> tuple[Partition, ...]:
        """The ledger's partitions, sorted: one per (side, party) with entries.

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="7", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
        >>> Ledger("NOK").post(e).partitions()
        (Partition(side=Side.RECEIVABLE, party='7'),)
        """
        return tuple(sorted(Partition(*key) for key in self._book.parts))

    def partition_of(self, entry_id: str) -> Partition:
        """The partition an entry belongs to.

        Raises:
            EntryNotFoundError: no such entry.
        """
        return _key_of(self._book.entry(entry_id))

    def partition_version(self, partition: Partition) -> int:
        """The number of events in a partition's history (0 for one with none).

        >>> Ledger("NOK").partition_version(Partition(Side.RECEIVABLE, "7"))
        0
        """
        part = self._book.parts.get(_partition(partition))
        return 0 if part is None else len(part.log)

    def partition_snapshot(self, partition: Partition) -> bytes:
        """A partition's state as bytes, for a store to keep (and to open from).

        A ledger opened from a source with snapshots restores the partition
        from its latest snapshot and replays only the events after it. The
        bytes are reskontro's own format, read back only into reskontro's own
        values (nothing else may be loaded from them).

        >>> e = Entry.invoice("F-1", party="7", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
        >>> Ledger("NOK").post(e).partition_snapshot(Partition(Side.RECEIVABLE, "7"))[:21]
        b'reskontro-partition-1'
        """
        part = self._book.parts.get(_partition(partition))
        if part is None:
            return snapshot(Part(self._local, Partition(*_partition(partition))))
        return snapshot(part)

    def partition_events(self, partition: Partition) -> tuple[Event, ...]:
        """A partition's history: its events, in order (O(party))."""
        part = self._book.parts.get(_partition(partition))
        return () if part is None else tuple(map(_event, part.log))

    def changes_since(self, event_count: int) -> tuple[tuple[Partition, Event], ...]:
        """The events after the first *event_count*, each with its partition, in order.

        This is what a store appends to save a new value (O(new events)).

        Raises:
            InvalidQueryError: *event_count* is not between 0 and :attr:`event_count`.
        """
        if type(event_count) is not int or not 0 <= event_count <= self._book.n:
            raise InvalidQueryError(
                f"event_count must be an int from 0 to {self._book.n}, got {event_count!r}",
                field="event_count", value=event_count,
            )
        book = self._book
        return tuple(
            (book.key_of_record(record), _event(record)) for record in book.records(event_count)
        )

    def descends_from(self, base: Ledger) -> bool:
        """Whether this ledger's history begins with *base*'s (it was made from *base*).

        Cheap for a value made from *base* by operations (the two share their
        history); otherwise the events are compared.

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="7", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
        >>> empty = Ledger("NOK")
        >>> empty.post(e).descends_from(empty), empty.descends_from(empty.post(e))
        (True, False)
        """
        mine, theirs = self._book, base._book
        if theirs.n > mine.n or self._local != base._local:
            return False
        chunk = mine.log
        while chunk is not None and chunk.n > theirs.n:
            chunk = chunk.prev
        if chunk is theirs.log:
            return True
        return all(
            a == b for a, b in zip(theirs.records(), mine.records(), strict=False)
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        if self is other:
            return True
        mine, theirs = self._book, other._book
        return (
            self._local == other._local
            and self._options == other._options
            and mine.n == theirs.n
            and (
                mine.log is theirs.log
                or all(a == b for a, b in zip(mine.records(), theirs.records(), strict=True))
            )
        )

    def __hash__(self) -> int:
        return hash((self._local, self._options, self._book.n))

    def __repr__(self) -> str:
        opts = []
        if self._options.post_against_post is not PostAgainstPost.WARN:
            opts.append(f", post_against_post={self._options.post_against_post!r}")
        if self._options.auto_close_zero:
            opts.append(", auto_close_zero=True")
        if self._options.cross_currency:
            opts.append(", cross_currency=True")
        if self._book.n > 20:
            return (
                f"<Ledger {self._local}: {self._book.n} events, "
                f"{self._book.entry_count()} entries{''.join(opts)}>"
            )
        return f"Ledger.from_events({list(self.events)!r}, {self._local!r}{''.join(opts)})"

    def _repr_html_(self) -> str:
        """The ledger in a notebook: its size and its summary table (every cell escaped)."""
        summary = self.summary()
        n_entries = self._book.entry_count()
        n_events = self._book.n
        return html_table(
            summary.to_records(),
            columns=summary._table_columns(),
            title=(
                f"Ledger in {self._local}: {n_events} event{'' if n_events == 1 else 's'}, "
                f"{n_entries} entr{'y' if n_entries == 1 else 'ies'}; "
                f"{summary._table_title()}"
            ),
        )

    # -- state access ------------------------------------------------------------

    def _state(self) -> Book:
        return self._book

    def as_of(self, on: date) -> Ledger:
        """The ledger as it stood at the end of day *on*.

        It is the replay of the events dated on or before *on*: entries posted
        by then, matches applied by then and not undone by then, due dates as
        changed by then. Queries that take ``as_of`` with a party, an entry or
        a match replay only that party's history instead.

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
        >>> Ledger("NOK").post(e).as_of(date(2026, 1, 1)).event_count
        0
        """
        on = _as_of(on)
        views = self._views
        cached = views.get(on)
        if cached is None:
            records = [record for record in self._book.records() if _dated(record) <= on]
            cached = self._book if len(records) == self._book.n else _replay(self._local, records)
            if len(views) > 64:
                views.clear()
            views[on] = cached
        return self._next(cached)

    def _at(self, as_of: date | None, keys: Iterable[tuple[Side, str]] | None = None) -> Book:
        """The book as of *as_of*: all of it, or (with *keys*) only those partitions."""
        if as_of is None:
            return self._book
        on = _as_of(as_of)
        if keys is None:
            return self.as_of(on)._book
        wanted = tuple(sorted(set(keys)))
        views = self._views
        cache_key = (on, wanted)
        cached = views.get(cache_key)
        if cached is None:
            whole = views.get(on)
            if whole is not None:
                return whole
            parts = [Partition(*k) for k in wanted]
            with localcontext(CONTEXT), paused():
                cached = self._book.select(parts, on)
            if len(views) > 64:
                views.clear()
            views[cache_key] = cached
        return cached

    def _keys(
        self,
        party: str | None = None,
        side: Side | None = None,
        sub_account: SubAccount | None = None,
    ) -> list[tuple[Side, str]] | None:
        """The partitions a query filtered this way reads (``None``: all of them)."""
        if sub_account is not None:
            return [(sub_account.side, sub_account.party)]
        if party is None:
            return None
        return [(s, party) for s in Side if side is None or s is side]

    def _entry_keys(self, entry_id: object) -> list[tuple[Side, str]]:
        key = self._book.key_of_entry(entry_id)
        return [] if key is None else [key]

    def _match_keys(self, match_id: object) -> list[tuple[Side, str]]:
        key = self._book.key_of_match(match_id)
        return [] if key is None else [key]

    # -- applying events -------------------------------------------------------------

    def _commit(self, events: Sequence[Event], *, policy: bool = True) -> Ledger:
        check = self._options.post_against_post if policy else PostAgainstPost.OFF
        with _drafting(self._book) as txn:
            postings: list[Entry] = []
            for event in events:
                if type(event) is EntryPosted:
                    # a run of postings is checked and indexed as one batch
                    postings.append(event.entry)
                    continue
                if postings:
                    txn.post_many(postings, batch=False)
                    postings = []
                txn.apply(event, check)
            if postings:
                txn.post_many(postings, batch=False)
            return self._next(txn.finish())

    def apply(self, events: Iterable[Event]) -> Ledger:
        """Apply a plan: a sequence of events, all or nothing.

        Each event is checked as the operation that makes it would check it
        (the post-against-post policy included). If one is refused, none is
        applied.

        Raises:
            ReskontroError: an event cannot be applied.

        >>> from datetime import date
        >>> from reskontro import EntryPosted
        >>> e = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
        >>> Ledger("NOK").apply([EntryPosted(e)]).entry("F-1").amount
        Money('5.00', 'NOK')
        """
        return self._commit(list(events))

    def post(self, entry: Entry) -> Ledger:
        """Post one entry.

        Raises:
            DuplicateEntryError: the id is already in the ledger.
            InvalidEntryError: *entry* is not an entry, or its local amount is
                not in the ledger's local currency.

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
        >>> Ledger("NOK").post(e).post(e)
        Traceback (most recent call last):
        ...
        reskontro.exceptions.DuplicateEntryError: entry 'F-1' is already in the ledger
        """
        if not isinstance(entry, Entry) and isinstance(entry, (list, tuple)):
            raise InvalidEntryError(
                "post takes one entry; use post_many() for a batch", field="entry", value=entry
            )
        return self.post_many((entry,))

    def post_many(self, entries: Iterable[Entry]) -> Ledger:
        """Post a batch of entries, all or nothing.

        Raises:
            DuplicateEntryError: an id is already in the ledger or twice in the batch.
            InvalidEntryError: an item is not an entry, or its local amount is
                not in the ledger's local currency.

        >>> from datetime import date
        >>> ledger = Ledger("NOK").post_many(
        ...     Entry.invoice(f"F-{n}", party="1", amount=Money(100 * n, "NOK"),
        ...                   posted=date(2026, 1, n)) for n in (1, 2, 3))
        >>> ledger.balance().local
        Money('600.00', 'NOK')
        """
        if isinstance(entries, Entry):
            raise InvalidEntryError(
                "post_many takes an iterable of entries; use post() for one entry",
                entry_id=entries.id, field="entries", value=entries,
            )
        batch = entries if isinstance(entries, (list, tuple)) else list(entries)
        auto = self._options.auto_close_zero
        if auto:
            return self._commit(self._posting_events(batch, auto))
        with _drafting(self._book) as txn:
            txn.post_many(batch)
            return self._next(txn.finish())

    def _posting_events(self, batch: Sequence[Entry], auto: bool) -> list[Event]:
        events: list[Event] = []
        taken: list[str] = []
        for entry in batch:
            events.append(EntryPosted(entry))
            if (
                auto
                and isinstance(entry, Entry)
                and entry.amount.is_zero
                and entry.amount_local.is_zero
            ):
                match_id = self._new_match_id(_key_of(entry), taken)
                taken.append(match_id)
                events.append(
                    EntriesMatched(match_id=match_id, entry_ids=(entry.id,), on=entry.posted)
                )
        return events

    def _new_match_id(self, key: Partition, taken: Sequence[str] = ()) -> str:
        """The next match id the ledger generates in partition *key*."""
        return Txn(self._book).new_match_id(key, taken)

    def match(
        self,
        entry_ids: Iterable[str],
        *,
        on: date | None = None,
        match_id: str | None = None,
        allocations: Iterable[Allocation] = (),
        close_policy: ClosePolicy | None = None,
        extend: bool = False,
        rates: RateTable | None = None,
        rate_date: date | None = None,
    ) -> Ledger:
        """Match entries of one sub-account (opprett kobling).

        Args:
            entry_ids: the entries to match (one alone closes a zero entry).
            on: the application date; defaults to the latest posting date of
                the entries (and never earlier than that).
            match_id: the id of the new match; generated when omitted, numbered
                within the partition: ``C10001-M1``, ``C10001-M2``... for customer
                10001, ``S20001-M1``... for supplier 20001.
            allocations: explicit amounts to apply per (credit, debit) pair;
                the rest is allocated oldest first.
            close_policy: :attr:`ClosePolicy.LOCAL_ONLY` to close on the local
                sum alone (recorded on the match); ``None`` gives a new match
                the default :attr:`ClosePolicy.ALL_CURRENCIES` and keeps an
                extended match's policy.
            extend: when one of the entries is already in a live match, add the
                others to that match instead of refusing (see :meth:`extend_match`).
            rates: exchange rates for a match across transaction currencies
                (needs ``LedgerOptions(cross_currency=True)``); ignored when
                the entries share one currency (see docs/foreign-currency.md).
            rate_date: the date whose rates convert the entries; by default
                the latest posting date among them (the applying entry's
                date, Business Central's rule).

        Raises:
            EntryNotFoundError: an entry is not in the ledger.
            AlreadyMatchedError: an entry is in another match (and not ``extend``).
            SubAccountMismatchError: the entries are on different sub-accounts.
            MatchDateError: *on* is before an entry's posting date.
            CrossCurrencyMatchError: the entries are in different currencies
                and cross-currency matching is off or has no rates.
            MissingRateError: the rate table has no rate for a currency on the rate date.
            OverallocationError: an explicit allocation does not fit.
            PostAgainstPostError: the policy is ``REFUSE`` and the match breaks it.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.invoice("F-2", party="2", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
        ... ])
        >>> ledger.match(["F-1", "P-1"]).get_match("C1-M1").is_closed
        True
        >>> ledger.match(["F-2", "P-1"])
        Traceback (most recent call last):
        ...
        reskontro.exceptions.SubAccountMismatchError: match 'C1-M1': entry 'P-1' is on ...
        """
        ids = _ids(entry_ids)
        allocs = tuple(allocations)
        state = self._state()
        if extend:
            found = [state.match_id_of(i) for i in ids]
            current = {m for m in found if m is not None}
            if len(current) > 1:
                raise MatchError(
                    f"cannot extend: the entries are in several matches {sorted(current)!r}",
                    field="entry_ids", value=ids,
                )
            if current:
                (existing,) = current
                joining = [i for i, m in zip(ids, found, strict=True) if m is None]
                if not joining:
                    return self
                return self.extend_match(
                    existing, joining, on=on, allocations=allocs, close_policy=close_policy,
                    rates=rates, rate_date=rate_date,
                )
        if on is not None:
            on = _date(on, "on")
        cross = self._cross_rates(state, ids, None, rates, rate_date)
        with _drafting(self._book) as txn:
            # new_match checks the entries and resolves the default date in one pass
            txn.new_match(
                match_id, ids, on, allocs, close_policy, self._options.post_against_post, cross
            )
            return self._next(txn.finish())

    def match_many(
        self,
        groups: Iterable[Iterable[str]],
        *,
        on: date | None = None,
        close_policy: ClosePolicy = ClosePolicy.ALL_CURRENCIES,
    ) -> Ledger:
        """Create many matches at once, all or nothing: one per group of entry ids.

        Each group becomes a new match with a generated id, dated *on* or, by
        default, on the latest posting date of its entries, allocated oldest
        first. This is the fast way to apply a day's payments.

        Raises:
            ReskontroError: as :meth:`match`, for any group; then no match is made.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
        ...     Entry.invoice("F-2", party="2", amount=nok("50"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-2", party="2", amount=nok("-20"), posted=date(2026, 1, 9)),
        ... ]).match_many([["F-1", "P-1"], ["F-2", "P-2"]])
        >>> [(row.match_id, row.outstanding_local) for row in ledger.match_rows()]
        [('C1-M1', Money('0.00', 'NOK')), ('C2-M1', Money('30.00', 'NOK'))]
        """
        if on is not None:
            on = _date(on, "on")
        check = self._options.post_against_post
        with _drafting(self._book) as txn:
            for group in groups:
                txn.new_match(None, _ids(group), on, (), close_policy, check)
            return self._next(txn.finish())

    def extend_many(
        self, extensions: Iterable[tuple[str, Iterable[str]]], *, on: date | None = None
    ) -> Ledger:
        """Extend many live matches at once, all or nothing: ``(match_id, entry_ids)`` pairs.

        Each extension is dated *on* or, by default, as :meth:`extend_match`
        dates it; what a match has already applied stays applied.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-40"), posted=date(2026, 1, 9)),
        ...     Entry.payment("P-2", party="1", amount=nok("-60"), posted=date(2026, 1, 20)),
        ... ]).match(["F-1", "P-1"]).extend_many([("C1-M1", ["P-2"])])
        >>> ledger.get_match("C1-M1").is_closed
        True
        """
        if on is not None:
            on = _date(on, "on")
        check = self._options.post_against_post
        with _drafting(self._book) as txn:
            for match_id, entry_ids in extensions:
                ids = _ids(entry_ids)
                when = on or self._default_date(
                    txn, ids, txn.live_match(match_id, f"extending {match_id!r}")
                )
                txn.apply(
                    EntriesMatched(match_id=match_id, entry_ids=ids, on=when, extend=True), check
                )
            return self._next(txn.finish())

    def extend_match(
        self,
        match_id: str,
        entry_ids: Iterable[str],
        *,
        on: date | None = None,
        allocations: Iterable[Allocation] = (),
        close_policy: ClosePolicy | None = None,
        rates: RateTable | None = None,
        rate_date: date | None = None,
    ) -> Ledger:
        """Add entries to a live match.

        What the match has already applied stays applied, so an invoice a
        payment has settled does not reopen because an older one joins. The
        new entries meet what is still open, oldest first. Explicit
        *allocations* come before everything else: they may re-apply an amount
        the match had applied elsewhere (a refund that takes back a payment
        booked on the wrong invoice reopens that invoice), and an earlier
        application is then kept only as far as there is room for it.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-2", party="1", amount=nok("100"), posted=date(2026, 1, 9),
        ...                   due=date(2026, 1, 23)),
        ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 20)),
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2),
        ...                   due=date(2026, 1, 16)),
        ... ]).match(["F-2", "P-1"], match_id="K-1").extend_match("K-1", ["F-1"])
        >>> [(i.id, i.remaining.amount) for i in ledger.open_items()]
        [('F-1', Decimal('100.00'))]

        Args:
            match_id: the match to extend.
            entry_ids: the entries to add.
            on: the date of the extension; defaults to the latest of the
                match's last change and the entries' posting dates.
            allocations: further explicit allocations.
            close_policy: a new close policy for the match, or ``None`` to keep it.
            rates, rate_date: as for :meth:`match`, when the match spans (or
                comes to span) several transaction currencies; the new entries
                are converted at the rates of *rate_date*, by default their
                latest posting date.

        Raises:
            MatchNotFoundError: no such match.
            MatchError: the match was dissolved (or another matching rule, as for :meth:`match`).
        """
        ids = _ids(entry_ids)
        state = self._state()
        ms = state.live_match(match_id, "extend")
        if on is None:
            on = self._default_date(state, ids, ms)
        event = EntriesMatched(
            match_id=match_id, entry_ids=ids, on=on, allocations=tuple(allocations),
            close_policy=close_policy, extend=True,
            rates=self._cross_rates(state, ids, ms, rates, rate_date),
        )
        return self._commit([event])

    def _cross_rates(
        self,
        state: Book,
        ids: Sequence[str],
        ms: MatchState | None,
        rates: RateTable | None,
        rate_date: date | None,
    ) -> tuple[tuple[str, Decimal], ...]:
        """The rates of a cross-currency match (or extension), or ``()`` when none is needed."""
        if rates is None and rate_date is None:
            return ()
        if rates is not None and not isinstance(rates, RateTable):
            raise CrossCurrencyMatchError(
                f"rates must be a RateTable, got {rates!r}", field="rates", value=rates
            )
        if rate_date is not None:
            rate_date = _date(rate_date, "rate_date")
        joining = [state.entry(i) for i in ids]
        members = joining + ([state.entry(i) for i in ms.members] if ms is not None else [])
        currencies = {e.currency for e in members}
        if len(currencies) < 2:
            return ()
        if not self._options.cross_currency:
            raise CrossCurrencyMatchError(
                f"the entries are in {', '.join(sorted(currencies))}; matches across "
                f"transaction currencies are off (LedgerOptions(cross_currency=True) allows them)",
                field="rates", value=tuple(sorted(currencies)),
            )
        if rates is None:
            raise CrossCurrencyMatchError(
                f"the entries are in {', '.join(sorted(currencies))}; a cross-currency match "
                f"needs rates=", field="rates", value=None,
            )
        when = rate_date or max(e.posted for e in joining)
        return tuple(
            (currency, rates.rate(currency, when))
            for currency in sorted(currencies - {self._local})
        )

    @staticmethod
    def _default_date(state: Book | Txn, ids: Sequence[str], ms: MatchState | None) -> date:
        dates = [state.entry(i).posted for i in ids]
        dates.extend(d for d in map(state.released, ids) if d is not None)
        if ms is not None:
            dates.append(ms.changed_on)
        if not dates:
            raise MatchError("no entries to match", field="entry_ids", value=tuple(ids))
        return max(dates)

    def remove_from_match(self, entry_id: str, *, on: date) -> Ledger:
        """Remove one entry from its match (fjern fra kobling), dated *on*.

        The rest of the match is re-allocated; items it had closed reopen.
        Removing the last member ends the match. What the application had
        booked is undone on *on* (see docs/foreign-currency.md, "Undo"):

        * the match's discounts and tolerances are reversed (they were granted
          on the match as it was; plan them again if the rest still earns them);
        * the entry's revaluations leave with it, and the settled share of its
          unrealized difference that a settlement had reversed is reversed back;
        * a settled foreign-currency match is trued up again (new exchange
          difference entries, normally the reverse of what the entry realized);
        * the entry, once open, carries its foreign remaining at its latest
          revaluation rate.

        No rates are needed: everything follows from the entries' own rates.

        Raises:
            EntryNotFoundError: no such entry.
            NotMatchedError: the entry is in no match.
            MatchDateError: *on* is before the match's last application date.
            MatchError: the entry is one the application booked (an exchange
                difference, a discount or a tolerance) or a revaluation of a
                member; it leaves only when the match is undone.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "P-1"])
        >>> later = ledger.remove_from_match("P-1", on=date(2026, 1, 12))
        >>> later.open_items().ids, later.get_match("C1-M1").is_closed
        (('F-1', 'P-1'), False)
        >>> ledger.remove_from_match("P-1", on=date(2026, 1, 8))
        Traceback (most recent call last):
        ...
        reskontro.exceptions.MatchDateError: removing 'P-1' from match 'C1-M1': ...
        """
        state = self._state()
        entry = state.entry(entry_id)
        match_id = state.match_id_of(entry_id)
        if match_id is None:
            raise NotMatchedError(
                f"entry {entry_id!r} is in no match", entry_id=entry_id, field="entry_id",
                value=entry_id,
            )
        ms = state.match(match_id)
        others = [state.entry(i) for i in ms.members if i != entry_id]
        if _documents(others) and self._booked_by_match(state, entry, ms):
            raise MatchError(
                f"entry {entry_id!r} ({entry.kind.label}) was booked by match {match_id!r} "
                f"and leaves it only when the match is undone: remove the entries it "
                f"settles, or dissolve the match", entry_id=entry_id, field="entry_id",
                value=entry_id,
            )
        settled = bool(_documents(others)) and any(
            e.kind in _FX_KINDS and (is_derived(e) or e.revalues in ms.members) for e in others
        )
        events: list[Event] = [EntryUnmatched(match_id=match_id, entry_id=entry_id, on=on)]
        undone: list[Entry] = []
        for other in others:
            if other.kind in _FX_KINDS and other.revalues == entry_id and other.rate is not None:
                # a revaluation of the entry follows it out of the match
                events.append(EntryUnmatched(match_id=match_id, entry_id=other.id, on=on))
            elif self._live_derived(state, other) and (
                other.kind in _ADJUSTMENTS or other.revalues == entry_id
            ):
                events.append(EntryUnmatched(match_id=match_id, entry_id=other.id, on=on))
                undone.append(other)
        events.extend(self._reversals(undone, on))
        result = self._commit(events)
        from reskontro import settlement

        result = settlement._reopen(result, (entry_id,), on=on, match_id=match_id)
        if settled:
            result = settlement._true_up(result, match_id, on=on)
        return result

    @staticmethod
    def _live_derived(state: Book, entry: Entry) -> bool:
        """Booked by an application, and neither a reversal nor reversed yet."""
        return (
            is_derived(entry) and entry.reverses is None and state.reversal_of(entry.id) is None
        )

    def _removable(self, entry_id: str) -> bool:
        """Whether :meth:`remove_from_match` would take *entry_id* out (it is in a match)."""
        state = self._state()
        ms = state.match(state.match_id_of(entry_id) or "")
        others = [state.entry(i) for i in ms.members if i != entry_id]
        return not _documents(others) or not self._booked_by_match(
            state, state.entry(entry_id), ms
        )

    def _booked_by_match(self, state: Book, entry: Entry, ms: MatchState) -> bool:
        """A live derived entry, or a revaluation of a member of *ms* (pulled in by settlement)."""
        if self._live_derived(state, entry):
            return True
        return (
            entry.kind in _FX_KINDS and entry.rate is not None and entry.revalues in ms.members
        )

    def _reversals(self, entries: Sequence[Entry], on: date) -> list[Event]:
        """The storno events of *entries* (each matched with its counter-entry), dated *on*."""
        events: list[Event] = []
        taken: list[str] = []
        for entry in entries:
            match_id = self._new_match_id(_key_of(entry), taken)
            taken.append(match_id)
            events.append(EntryReversed(
                entry_id=entry.id, reversal=entry.reversed(f"{entry.id}-R", posted=on),
                match_id=match_id, on=on,
            ))
        return events

    def dissolve(self, match_id: str, *, on: date) -> Ledger:
        """Dissolve a match (løs opp kobling), dated *on*: every member is unmatched.

        Undo reverses everything the application created: each exchange
        difference, settled share of an unrealized difference, discount and
        tolerance the match holds gets its counter-entry (storno) dated *on*,
        matched with it, so the match's derived entries net to zero (see
        :meth:`derived_entries`). Revaluations leave with their items, and
        every member is back to its original remaining amount, a revalued one
        carried at its latest revaluation rate. No rates are needed.

        Raises:
            MatchNotFoundError: no such match.
            MatchError: the match is already dissolved.
            MatchDateError: *on* is before the match's last application date.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "P-1"]).dissolve("C1-M1", on=date(2026, 2, 1))
        >>> ledger.get_match("C1-M1").dissolved_on, ledger.open_items().ids
        (datetime.date(2026, 2, 1), ('F-1', 'P-1'))
        >>> ledger.open_items(as_of=date(2026, 1, 31)).ids
        ()
        """
        state = self._state()
        ms = state.match(match_id)
        members = [state.entry(i) for i in ms.members]
        derived = [e for e in members if self._live_derived(state, e)]
        if ms.dissolved_on is not None or not _documents(members):
            # a match of adjustments alone applied nothing: they just leave it
            derived = []
        events: list[Event] = [MatchDissolved(match_id=match_id, on=on)]
        events.extend(self._reversals(derived, on))
        result = self._commit(events)
        if all(e.currency == self._local for e in members):
            return result
        from reskontro import settlement

        gone = {e.id for e in derived}
        return settlement._reopen(
            result, [e.id for e in members if e.id not in gone], on=on, match_id=match_id
        )

    def change_due_date(self, entry_id: str, due: date | None, *, on: date) -> Ledger:
        """Change an entry's due date from day *on*; the original stays in history.

        Raises:
            EntryNotFoundError: no such entry.
            InvalidEntryError: *due* is before the entry's document date.
            InvalidEventError: *on* is before the posting date or a previous change.

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"), posted=date(2026, 1, 2),
        ...                   due=date(2026, 1, 16))
        >>> later = Ledger("NOK").post(e).change_due_date("F-1", date(2026, 2, 1),
        ...                                               on=date(2026, 1, 10))
        >>> later.item("F-1").due, later.item("F-1", as_of=date(2026, 1, 9)).due
        (datetime.date(2026, 2, 1), datetime.date(2026, 1, 16))
        """
        return self._commit([DueDateChanged(entry_id=entry_id, due=due, on=on)])

    def reverse(
        self,
        entry_id: str,
        *,
        on: date,
        reversal_id: str | None = None,
        match_id: str | None = None,
        text: str | None = None,
        unmatch_first: bool = False,
    ) -> Ledger:
        """Reverse an entry (storno): post its counter-entry dated *on* and match the two.

        Both then close. An entry that shares a match with others is refused
        unless *unmatch_first*, which removes it from that match on *on*
        first, exactly as :meth:`remove_from_match` does (what the
        application booked is reversed or trued up). An entry alone in a
        match leaves that match first. An item with open revaluations (an
        unrealized difference booked at a period end) takes them along: one
        entry ``"<reversal id>-U"`` reverses what they carry, matched with them.

        Args:
            entry_id: the entry to reverse.
            on: the date of the reversal (the counter-entry's posting date).
            reversal_id: the counter-entry's id (default ``"<id>-R"``).
            match_id: the id of the match of the two (generated when omitted).
            text: the counter-entry's text (default ``"Reversal of <id>"``).
            unmatch_first: remove the entry from its match first.

        Raises:
            ReversalError: the entry is matched with others, is itself a
                reversal, or is already reversed.
            DuplicateEntryError: *reversal_id* is taken.
            MatchError: with *unmatch_first*, the entry is one its match
                booked (see :meth:`remove_from_match`).

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
        >>> undone = Ledger("NOK").post(e).reverse("F-1", on=date(2026, 1, 3))
        >>> undone.entry("F-1-R").amount, len(undone.open_items())
        (Money('-5.00', 'NOK'), 0)
        """
        on = _date(on, "on")
        state = self._state()
        original = state.entry(entry_id)
        if original.reverses is not None:
            raise ReversalError(
                f"entry {entry_id!r} is itself the reversal of {original.reverses!r}; "
                f"to undo it, reverse nothing: dissolve or remove it from its match",
                entry_id=entry_id, field="entry_id", value=entry_id,
            )
        if state.reversal_of(entry_id) is not None:
            raise ReversalError(
                f"entry {entry_id!r} is already reversed by {state.reversal_of(entry_id)!r}",
                entry_id=entry_id, field="entry_id", value=entry_id,
            )
        events: list[Event] = []
        current = state.match_id_of(entry_id)
        if current is not None:
            ms = state.match(current)
            if len(ms.members) > 1 and not unmatch_first:
                raise ReversalError(
                    f"entry {entry_id!r} shares match {current!r} with "
                    f"{[i for i in ms.members if i != entry_id]!r}; remove it first or pass "
                    f"unmatch_first=True",
                    entry_id=entry_id, field="entry_id", value=entry_id,
                )
            if len(ms.members) > 1:
                return self.remove_from_match(entry_id, on=on).reverse(
                    entry_id, on=on, reversal_id=reversal_id, match_id=match_id, text=text
                )
            events.append(MatchDissolved(match_id=current, on=on))
        reversal = original.reversed(
            reversal_id if reversal_id is not None else f"{entry_id}-R", posted=on, text=text
        )
        events.append(
            EntryReversed(
                entry_id=entry_id, reversal=reversal,
                match_id=match_id if match_id is not None
                else self._new_match_id(_key_of(original)),
                on=on,
            )
        )
        result = self._commit(events)
        # The item's unrealized difference goes with it: what its open revaluation
        # entries still carry is reversed by one entry matched with them, or the
        # sub-account would keep a local balance for an item that no longer exists.
        carried = [
            state.entry(i) for i in state.revaluations_of(entry_id)
            if state.match_id_of(i) is None
        ]
        if not carried:
            return result
        net = sum((e.value_local for e in carried), Decimal(0))
        ids = [e.id for e in carried]
        if net:
            undo = Entry.fx_unrealized(
                f"{reversal.id}-U", party=original.party, side=original.side,
                account=original.account, currency=original.currency,
                amount_local=Money(-net, self._local), posted=on, revalues=entry_id,
                text=f"Unrealized difference of {entry_id} reversed with it",
            )
            result = result.post(undo)
            ids.append(undo.id)
        return result.match(ids, on=on)

    # -- dunning notices ----------------------------------------------------------------

    def _holding(self, entry_id: str, as_of: date | None) -> Part:
        """The partition of *entry_id* as of *as_of*, after checking that it holds the entry."""
        book = self._at(as_of, self._entry_keys(entry_id))
        book.entry(entry_id)
        return book.part_of_entry(entry_id)

    def record_notice(
        self,
        entry_ids: Iterable[str],
        level: NoticeLevel,
        *,
        on: date,
        deadline: date | None = None,
    ) -> Ledger:
        """Record that a dunning notice about *entry_ids* was sent on *on*.

        Appends a :class:`~reskontro.events.NoticeRecorded` event; each entry's
        :meth:`last_notice` is then this one (from *on*, so ``as_of`` an
        earlier day does not see it). The ledger does not check the dunning
        ladder (that is the policy's job, in :mod:`reskontro.dunning`), only
        that the notice can be about these entries on that day.

        Raises:
            EntryNotFoundError: an entry is not in the ledger.
            NoticeError: an entry is not a debit (a claim), the notice is dated
                before an entry's posting date or before its last notice, the
                deadline is before *on*, or an entry is named twice.

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"), posted=date(2026, 1, 2),
        ...                   due=date(2026, 1, 16))
        >>> ledger = Ledger("NOK").post(e).record_notice(
        ...     ["F-1"], NoticeLevel.REMINDER, on=date(2026, 1, 30), deadline=date(2026, 2, 13))
        >>> ledger.last_notice("F-1").level, ledger.last_notice("F-1", as_of=date(2026, 1, 29))
        (NoticeLevel.REMINDER, None)
        """
        return self._commit(
            [NoticeRecorded(entry_ids=_ids(entry_ids), level=level, on=on, deadline=deadline)]
        )

    def record_notices(self, notices: Iterable[NoticeRecorded]) -> Ledger:
        """Record many notices (a dunning run's), all or nothing; see :meth:`record_notice`.

        Raises:
            EntryNotFoundError, NoticeError: as :meth:`record_notice`; nothing
                is recorded then.

        >>> Ledger("NOK").record_notices([]) == Ledger("NOK")
        True
        """
        events = list(notices)
        for event in events:
            if not isinstance(event, NoticeRecorded):
                raise InvalidEventError(
                    f"{event!r} is not a NoticeRecorded event", field="notices", value=event
                )
        return self._commit(events) if events else self

    def notices(self, entry_id: str, *, as_of: date | None = None) -> tuple[NoticeRecorded, ...]:
        """The notices recorded about an entry, oldest first.

        Raises:
            EntryNotFoundError: no such entry (as of *as_of*).

        >>> Ledger("NOK").notices("F-404")
        Traceback (most recent call last):
        ...
        reskontro.exceptions.EntryNotFoundError: no entry 'F-404' in the ledger
        """
        return tuple(self._holding(entry_id, as_of).notices.get(entry_id, ()))

    def last_notice(self, entry_id: str, *, as_of: date | None = None) -> NoticeRecorded | None:
        """The last notice recorded about an entry (its date and level), or ``None``.

        Raises:
            EntryNotFoundError: no such entry (as of *as_of*).

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
        >>> Ledger("NOK").post(e).last_notice("F-1") is None
        True
        """
        found = self._holding(entry_id, as_of).notices.get(entry_id)
        return found[-1] if found else None

    # -- queries: entries and items ------------------------------------------------

    def entry(self, entry_id: str, *, as_of: date | None = None) -> Entry:
        """The entry with id *entry_id*.

        Raises:
            EntryNotFoundError: no such entry (as of *as_of*).

        >>> Ledger("NOK").entry("F-404")
        Traceback (most recent call last):
        ...
        reskontro.exceptions.EntryNotFoundError: no entry 'F-404' in the ledger
        """
        return self._at(as_of, self._entry_keys(entry_id)).entry(entry_id)

    def __contains__(self, entry_id: object) -> bool:
        return self._book.has_entry(entry_id)

    def item(self, entry_id: str, *, as_of: date | None = None) -> Item:
        """The entry with what the ledger derives for it: remaining, open, match, due.

        Raises:
            EntryNotFoundError: no such entry (as of *as_of*).

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-40"), posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "P-1"])
        >>> item = ledger.item("F-1")
        >>> item.remaining, item.is_open, item.match_id
        (Money('60.00', 'NOK'), True, 'C1-M1')
        """
        part = self._holding(entry_id, as_of)
        return self._item(part, part.entries[entry_id])

    def _item(self, state: Part, entry: Entry) -> Item:
        rem_tx, rem_local, is_open, match_id = state.item_state(entry)
        amount, amount_local = entry.amount, entry.amount_local
        if rem_tx is amount.amount:
            remaining = amount
        elif rem_tx:
            remaining = Money._of(rem_tx, amount.currency)
        else:
            remaining = Money.zero(amount.currency)
        if rem_local is amount_local.amount:
            remaining_local = amount_local
        elif rem_local:
            remaining_local = Money._of(rem_local, self._local)
        else:
            remaining_local = Money.zero(self._local)
        return Item(
            entry=entry,
            remaining=remaining,
            remaining_local=remaining_local,
            is_open=is_open,
            match_id=match_id,
            due=state.current_due(entry),
        )

    def _entries(
        self,
        book: Book,
        party: str | None,
        side: Side | None,
        account: str | None,
        sub_account: SubAccount | None,
    ) -> Iterator[tuple[Part, Entry]]:
        """The entries that fit, each with its partition: in posting order for the
        whole ledger, else grouped by sub-account (sorted) first."""
        if sub_account is not None:
            part = book.sub_part(sub_account)
            if part is not None:
                entries = part.entries
                for entry_id in part.by_sub.get(sub_account, ()):
                    yield part, entries[entry_id]
            return
        if party is None and side is None and account is None:
            parts = book.parts
            last_key: tuple[Side, str] | None = None
            part = None
            for entry in book.all_entries():
                key = (entry.side, entry.party)
                if key != last_key:
                    part = parts[key]
                    last_key = key
                yield part, entry  # type: ignore[misc]
            return
        keys = self._keys(party, side)
        found: list[Part] = (
            [p for p in map(book.parts.get, keys) if p is not None]
            if keys is not None
            else list(book.parts.values())
        )
        subs = sorted(
            (sub, part)
            for part in found
            for sub in part.by_sub
            if (party is None or sub.party == party)
            and (side is None or sub.side is side)
            and (account is None or sub.account == account)
        )
        for sub, part in subs:
            entries = part.entries
            for entry_id in part.by_sub[sub]:
                yield part, entries[entry_id]

    def items(
        self,
        status: Status = Status.ALL,
        *,
        party: str | None = None,
        side: Side | None = None,
        account: str | None = None,
        sub_account: SubAccount | None = None,
        as_of: date | None = None,
    ) -> ItemList:
        """Items (open, closed or all) for the whole ledger or one party, side or account.

        Items come in posting order; when filtered by party, side or account,
        grouped by sub-account first.

        >>> Ledger("NOK").items(party="1").total.local
        Money('0.00', 'NOK')
        """
        return self.search(
            status=status, party=party, side=side, account=account, sub_account=sub_account,
            as_of=as_of,
        )

    def open_items(
        self,
        *,
        party: str | None = None,
        side: Side | None = None,
        account: str | None = None,
        sub_account: SubAccount | None = None,
        as_of: date | None = None,
    ) -> ItemList:
        """Open items (åpne poster); see :meth:`items`.

        >>> from datetime import date
        >>> ledger = Ledger("NOK").post(Entry.invoice(
        ...     "F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2)))
        >>> ledger.open_items(party="1").remaining.local
        Money('100.00', 'NOK')
        """
        return self.items(
            Status.OPEN, party=party, side=side, account=account, sub_account=sub_account,
            as_of=as_of,
        )

    def closed_items(
        self,
        *,
        party: str | None = None,
        side: Side | None = None,
        account: str | None = None,
        sub_account: SubAccount | None = None,
        as_of: date | None = None,
    ) -> ItemList:
        """Closed items (lukkede poster); see :meth:`items`.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "P-1"])
        >>> ledger.closed_items().ids, ledger.closed_items(as_of=date(2026, 1, 8)).ids
        (('F-1', 'P-1'), ())
        """
        return self.items(
            Status.CLOSED, party=party, side=side, account=account, sub_account=sub_account,
            as_of=as_of,
        )

    def search(
        self,
        *,
        status: Status = Status.ALL,
        party: str | None = None,
        side: Side | None = None,
        account: str | None = None,
        sub_account: SubAccount | None = None,
        kind: EntryKind | Iterable[EntryKind] | None = None,
        document_no: str | None = None,
        reference: str | None = None,
        currency: str | None = None,
        min_amount: Decimal | int | str | None = None,
        max_amount: Decimal | int | str | None = None,
        posted_from: date | None = None,
        posted_to: date | None = None,
        due_from: date | None = None,
        due_to: date | None = None,
        overdue_on: date | None = None,
        text: str | None = None,
        match_id: str | None = None,
        where: Callable[[Item], bool] | None = None,
        as_of: date | None = None,
    ) -> ItemList:
        """Find items by any field; the result carries the sum of what it found.

        Every criterion is optional and they all must hold. Amount bounds
        compare the signed transaction amount (inclusive); date bounds are
        inclusive; ``overdue_on`` keeps open items whose current due date is
        before that date; ``text`` is a case-insensitive substring of the
        entry's text or document number; ``where`` is any further predicate.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2),
        ...                   due=date(2026, 1, 16), text="Consulting"),
        ...     Entry.invoice("F-2", party="1", amount=nok("300"), posted=date(2026, 1, 20),
        ...                   due=date(2026, 2, 3)),
        ... ])
        >>> found = ledger.search(overdue_on=date(2026, 1, 31))
        >>> found.ids, found.total.local
        (('F-1',), Money('100.00', 'NOK'))
        >>> ledger.search(min_amount="200").ids
        ('F-2',)
        """
        _query(party, side, account, sub_account)
        by_reference = (
            reference is not None and match_id is None and party is None and sub_account is None
        )
        keys: list[tuple[Side, str]] | None
        if match_id is not None:
            keys = self._match_keys(match_id)
        elif by_reference:
            # the payment reference index names the few entries that carry it
            keys = sorted({
                (k.side, k.party) for k in map(self._book.key_of_entry,
                                               self._book.kid.get(reference or "", ()))
                if k is not None
            })
        else:
            keys = self._keys(party, side, sub_account)
        state = self._at(as_of, keys)
        kinds = _kinds(kind)
        low = None if min_amount is None else parse_amount(min_amount, field="min_amount")
        high = None if max_amount is None else parse_amount(max_amount, field="max_amount")
        needle = None if text is None else text.casefold()
        want_open = status is Status.OPEN
        want_closed = status is Status.CLOSED
        candidates: Iterable[tuple[Part, Entry]]
        if match_id is not None:
            part = state.part_of_match(match_id)
            ms = part.match(match_id)
            candidates = ((part, part.entries[i]) for i in ms.members)
        elif by_reference:
            found_ids = state.kid.get(reference or "", ())
            candidates = (
                (state.part_of_entry(i), e) for i in found_ids
                for e in (state.entry(i),)
                if (side is None or e.side is side) and (account is None or e.account == account)
            )
        else:
            candidates = self._entries(state, party, side, account, sub_account)
        plain = (
            kinds is None and document_no is None and reference is None and currency is None
            and low is None and high is None and posted_from is None and posted_to is None
            and due_from is None and due_to is None and overdue_on is None and needle is None
            and where is None and match_id is None
        )
        with paused():
            found = self._found(
                state, candidates, plain, kinds, document_no, reference, currency, low, high,
                posted_from, posted_to, needle, want_open, want_closed, due_from, due_to,
                overdue_on, where,
            )
        return ItemList(found, self._local)

    def _found(
        self,
        state: Book,
        candidates: Iterable[tuple[Part, Entry]],
        plain: bool,
        kinds: frozenset[EntryKind] | None,
        document_no: str | None,
        reference: str | None,
        currency: str | None,
        low: Decimal | None,
        high: Decimal | None,
        posted_from: date | None,
        posted_to: date | None,
        needle: str | None,
        want_open: bool,
        want_closed: bool,
        due_from: date | None,
        due_to: date | None,
        overdue_on: date | None,
        where: Callable[[Item], bool] | None,
    ) -> list[Item]:
        found: list[Item] = []
        make = self._item
        if plain and want_open:
            return [make(p, e) for p, e in candidates if e.id not in p.closed]
        if plain and want_closed:
            return [make(p, e) for p, e in candidates if e.id in p.closed]
        for part, entry in candidates:
            if not plain:
                if kinds is not None and entry.kind not in kinds:
                    continue
                if document_no is not None and entry.document_no != document_no:
                    continue
                if reference is not None and entry.reference != reference:
                    continue
                if currency is not None and entry.currency != currency:
                    continue
                if low is not None and entry.value < low:
                    continue
                if high is not None and entry.value > high:
                    continue
                if posted_from is not None and entry.posted < posted_from:
                    continue
                if posted_to is not None and entry.posted > posted_to:
                    continue
                if needle is not None and needle not in entry.text.casefold() and (
                    entry.document_no is None or needle not in entry.document_no.casefold()
                ):
                    continue
            closed = part.closed
            if (want_open and entry.id in closed) or (want_closed and entry.id not in closed):
                continue
            item = make(part, entry)
            if not plain:
                due = item.due
                if due_from is not None and (due is None or due < due_from):
                    continue
                if due_to is not None and (due is None or due > due_to):
                    continue
                if overdue_on is not None and not item.is_overdue(overdue_on):
                    continue
                if where is not None and not where(item):
                    continue
            found.append(item)
        return found

    # -- queries: balances -----------------------------------------------------------

    def balance(
        self,
        *,
        party: str | None = None,
        side: Side | None = None,
        account: str | None = None,
        sub_account: SubAccount | None = None,
        as_of: date | None = None,
    ) -> Balance:
        """The balance of the sub-accounts that fit, or of the whole ledger.

        The sum of every entry posted (as of *as_of*), in local currency and
        per transaction currency. On the customer ledger a positive balance is
        what the customer owes; on the supplier ledger a negative one is what
        we owe.

        >>> Ledger("NOK").balance(party="10001")
        Balance(Money('0.00', 'NOK'), ())
        """
        _query(party, side, account, sub_account)
        keys = self._keys(party, side, sub_account)
        state = self._at(as_of, keys)
        local = _ZERO
        per: dict[str, Decimal] = {}
        with localcontext(CONTEXT):
            for sub, part in self._subs(state, keys, party, side, account, sub_account):
                local += part.bal_local[sub]
                for cur, amount in part.bal_tx[sub].items():
                    per[cur] = per.get(cur, _ZERO) + amount
        return Balance.from_sums(self._local, local, per)

    @staticmethod
    def _subs(
        book: Book,
        keys: Sequence[tuple[Side, str]] | None,
        party: str | None = None,
        side: Side | None = None,
        account: str | None = None,
        sub_account: SubAccount | None = None,
    ) -> list[tuple[SubAccount, Part]]:
        """The sub-accounts that fit, each with its partition, sorted."""
        parts: Iterable[Part | None] = (
            book.parts.values() if keys is None
            else map(book.parts.get, keys)
        )
        return sorted(
            (sub, part)
            for part in parts
            if part is not None
            for sub in part.bal_local
            if (sub_account is None or sub == sub_account)
            and (party is None or sub.party == party)
            and (side is None or sub.side is side)
            and (account is None or sub.account == account)
        )

    def balances(
        self, *, side: Side | None = None, as_of: date | None = None
    ) -> dict[SubAccount, Balance]:
        """The balance of every sub-account (of one side, if given), sorted by key.

        The dict is a fresh copy; changing it changes nothing in the ledger.

        >>> from datetime import date
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=Money("100", "NOK"),
        ...                   posted=date(2026, 1, 2)),
        ...     Entry.invoice("LF-1", party="9", side=Side.PAYABLE, amount=Money("-80", "NOK"),
        ...                   posted=date(2026, 1, 3)),
        ... ])
        >>> {str(sub): b.local for sub, b in ledger.balances().items()}
        {'supplier 9 / 2400': Money('-80.00', 'NOK'), 'customer 1 / 1500': Money('100.00', 'NOK')}
        """
        state = self._at(as_of)
        local = self._local
        q_local = quantum(local)
        result: dict[SubAccount, Balance] = {}
        for sub, part in self._subs(state, None, side=side):
            per = part.bal_tx[sub]
            result[sub] = Balance(
                Money._of(part.bal_local[sub].quantize(q_local, context=CONTEXT), local),
                tuple(
                    Money._of(per[c].quantize(quantum(c), context=CONTEXT), c)
                    for c in sorted(per)
                ),
            )
        return result

    def summary(self, *, side: Side | None = None, as_of: date | None = None) -> BalanceList:
        """The ledger summary: each sub-account's balance and number of open items.

        One :class:`~reskontro.SubAccountBalance` per sub-account (of one
        side, if given), sorted by key, as a :class:`~reskontro.BalanceList`
        that shows as a table in a notebook and has ``to_records()`` and
        ``to_pandas()``. The ledger's own ``_repr_html_`` shows it.

        >>> from datetime import date
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=Money("100", "NOK"),
        ...                   posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=Money("-100", "NOK"),
        ...                   posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "P-1"])
        >>> [(str(row.sub_account), row.balance.local, row.open_items) for row in ledger.summary()]
        [('customer 1 / 1500', Money('0.00', 'NOK'), 0)]
        """
        balances = self.balances(side=side, as_of=as_of)
        open_counts: dict[SubAccount, int] = {}
        for item in self.open_items(side=side, as_of=as_of):
            sub = item.entry.sub_account
            open_counts[sub] = open_counts.get(sub, 0) + 1
        return BalanceList(
            (
                SubAccountBalance(
                    sub_account=sub, balance=balance, open_items=open_counts.get(sub, 0)
                )
                for sub, balance in balances.items()
            ),
            self._local,
        )

    def sub_accounts(self, *, as_of: date | None = None) -> tuple[SubAccount, ...]:
        """Every sub-account with entries, sorted by (side, party, account).

        >>> from datetime import date
        >>> Ledger("NOK").post(Entry.invoice(
        ...     "F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2))
        ... ).sub_accounts()
        (SubAccount(side=Side.RECEIVABLE, party='1', account='1500'),)
        """
        return tuple(sub for sub, _ in self._subs(self._at(as_of), None))

    def parties(self, *, side: Side | None = None, as_of: date | None = None) -> tuple[str, ...]:
        """Every party with entries (on one side, if given), sorted.

        >>> from datetime import date
        >>> Ledger("NOK").post_many(
        ...     Entry.invoice(f"F-{p}", party=p, amount=Money("1", "NOK"), posted=date(2026, 1, 2))
        ...     for p in ("20", "10")).parties()
        ('10', '20')
        """
        return tuple(sorted({sub.party for sub, _ in self._subs(self._at(as_of), None, side=side)}))

    # -- queries: matches ----------------------------------------------------------------

    def _match_view(self, state: Part, ms: MatchState, allocations: bool = True) -> Match:
        members = [state.entry(i) for i in ms.members]
        local = self._local
        out_local = _ZERO
        out_tx: dict[str, Decimal] = {}
        with localcontext(CONTEXT):
            for entry in members:
                out_local += entry.value_local
                cur = entry.currency
                out_tx[cur] = out_tx.get(cur, _ZERO) + entry.value
            pairs = settle(
                members, ms.explicit, ms.policy, local, state._dues(members),
                conv=ms.conv, base=ms.base,
            ).pairs if members and allocations else []
        return Match(
            id=ms.id,
            sub_account=ms.sub,
            entry_ids=ms.members,
            applied_on=ms.applied_on,
            changed_on=ms.changed_on,
            close_policy=ms.policy,
            is_closed=ms.closed and ms.dissolved_on is None,
            outstanding_local=Balance.from_sums(local, out_local, {}).local,
            outstanding=tuple(Money._of(out_tx[c], c) for c in sorted(out_tx)),
            allocations=tuple(
                Allocation(c, d, Money._of(a, ms.base or state.entry(d).currency))
                for c, d, a in pairs
            ),
            dissolved_on=ms.dissolved_on,
            base_currency=ms.base,
        )

    def get_match(
        self, match_id: str, *, as_of: date | None = None, allocations: bool = True
    ) -> Match:
        """The match with id *match_id* (live or dissolved).

        With ``allocations=False`` the view leaves ``allocations`` empty and
        is cheaper to build (the rest is the same).

        Raises:
            MatchNotFoundError: no such match (as of *as_of*).

        >>> Ledger("NOK").get_match("K-9")
        Traceback (most recent call last):
        ...
        reskontro.exceptions.MatchNotFoundError: no match 'K-9' in the ledger
        """
        part = self._at(as_of, self._match_keys(match_id)).part_of_match(match_id)
        return self._match_view(part, part.match(match_id), allocations)

    def match_members(self, match_id: str, *, as_of: date | None = None) -> tuple[str, ...]:
        """The entry ids of a match, without computing its view (cheap).

        Raises:
            MatchNotFoundError: no such match.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-40"), posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "P-1"]).match_members("C1-M1")
        ('F-1', 'P-1')
        """
        return self._at(as_of, self._match_keys(match_id)).match(match_id).members

    def match_of(self, entry_id: str, *, as_of: date | None = None) -> Match | None:
        """The live match of an entry, or ``None``.

        Raises:
            EntryNotFoundError: no such entry.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "P-1"], match_id="K-1", on=date(2026, 1, 10))
        >>> ledger.match_of("P-1").entry_ids, ledger.match_of("P-1", as_of=date(2026, 1, 9))
        (('F-1', 'P-1'), None)
        """
        state = self._holding(entry_id, as_of)
        match_id = state.match_id_of(entry_id)
        return None if match_id is None else self._match_view(state, state.match(match_id))

    def allocations(self, entry_id: str, *, as_of: date | None = None) -> tuple[Allocation, ...]:
        """The allocations in force that involve an entry (empty when unmatched).

        Raises:
            EntryNotFoundError: no such entry.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.invoice("F-2", party="1", amount=nok("100"), posted=date(2026, 1, 3)),
        ...     Entry.payment("P-1", party="1", amount=nok("-150"), posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "F-2", "P-1"])
        >>> for allocation in ledger.allocations("P-1"):
        ...     print(allocation)
        Allocation('P-1', 'F-1', Money('100.00', 'NOK'))
        Allocation('P-1', 'F-2', Money('50.00', 'NOK'))
        """
        found = self.match_of(entry_id, as_of=as_of)
        if found is None:
            return ()
        return tuple(a for a in found.allocations if entry_id in (a.credit_id, a.debit_id))

    def matches(
        self,
        *,
        party: str | None = None,
        sub_account: SubAccount | None = None,
        include_dissolved: bool = False,
        as_of: date | None = None,
    ) -> tuple[Match, ...]:
        """The matches of the ledger (or of one party / sub-account), in creation order.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "P-1"]).dissolve("C1-M1", on=date(2026, 1, 10))
        >>> ledger.matches(), [m.id for m in ledger.matches(include_dissolved=True)]
        ((), ['C1-M1'])
        """
        _query(party, sub_account=sub_account)
        keys = self._keys(party, None, sub_account)
        state = self._at(as_of, keys)
        return tuple(
            self._match_view(part, ms)
            for part, ms in state.matches_in(keys)
            if (include_dissolved or ms.dissolved_on is None)
            and (party is None or ms.sub.party == party)
            and (sub_account is None or ms.sub == sub_account)
        )

    def match_rows(
        self,
        *,
        party: str | None = None,
        sub_account: SubAccount | None = None,
        status: Status = Status.ALL,
        as_of: date | None = None,
    ) -> MatchRowList:
        """The match rows a user interface lists: count, id, oldest invoice, outstanding.

        The result is a tuple of :class:`~reskontro.MatchRow` that also shows
        as a table in a notebook (:class:`~reskontro.MatchRowList`).

        >>> Ledger("NOK").match_rows()
        MatchRowList(())
        """
        _query(party, sub_account=sub_account)
        keys = self._keys(party, None, sub_account)
        state = self._at(as_of, keys)
        rows: list[MatchRow] = []
        local = self._local
        for part, ms in state.matches_in(keys):
            if ms.dissolved_on is not None:
                continue
            if party is not None and ms.sub.party != party:
                continue
            if sub_account is not None and ms.sub != sub_account:
                continue
            if (status is Status.OPEN and ms.closed) or (status is Status.CLOSED and not ms.closed):
                continue
            members = [part.entries[i] for i in ms.members]
            invoices = [e for e in members if e.kind is EntryKind.INVOICE and e.reverses is None]
            oldest = min(
                invoices, key=lambda e: (e.document_date, e.posted, e.id), default=None
            )
            out_local = _ZERO
            out_tx: dict[str, Decimal] = {}
            with localcontext(CONTEXT):
                for entry in members:
                    out_local += entry.value_local
                    cur = entry.currency
                    out_tx[cur] = out_tx.get(cur, _ZERO) + entry.value
            rows.append(
                MatchRow(
                    match_id=ms.id,
                    sub_account=ms.sub,
                    entry_count=len(members),
                    document_no=None if oldest is None else (oldest.document_no or oldest.id),
                    outstanding_local=Balance.from_sums(local, out_local, {}).local,
                    outstanding=tuple(Money._of(out_tx[c], c) for c in sorted(out_tx)),
                    is_closed=ms.closed,
                )
            )
        return MatchRowList(rows)

    def revaluations(self, entry_id: str, *, as_of: date | None = None) -> tuple[Entry, ...]:
        """The unrealized exchange differences of an item, oldest first.

        These are the entries whose ``revalues`` names *entry_id*: the
        revaluations at period ends and the pro-rata reversals settlement
        posted. Their local sum is the item's unrealized difference still
        carried. See :mod:`reskontro.settlement`.

        Raises:
            EntryNotFoundError: no such entry (as of *as_of*).

        >>> from datetime import date
        >>> ledger = Ledger("NOK").post(Entry.invoice(
        ...     "F-1", party="1", amount=Money("100", "EUR"), amount_local=Money("1100", "NOK"),
        ...     posted=date(2026, 11, 2)))
        >>> ledger.revaluations("F-1")
        ()
        """
        part = self._holding(entry_id, as_of)
        return tuple(part.entries[i] for i in part.revaluations_of(entry_id))

    def derived_entries(self, match_id: str, *, as_of: date | None = None) -> DerivedEntries:
        """What a match's applications booked, and every reversal of it, with the net per kind.

        The entries the match created (its realized exchange differences, the
        settled shares of unrealized differences it reversed, its discounts
        and tolerances, whether still in the match or reversed when it was
        undone, and the revaluation of items its undo reopened), then the
        reversals of those. ``net`` sums them per kind in local currency; an
        auditor sees what the application cost, and after a dissolve that
        every net is zero.

        Raises:
            MatchNotFoundError: no such match (as of *as_of*).

        >>> from datetime import date
        >>> eur, nok = (lambda a: Money(a, "EUR")), (lambda a: Money(a, "NOK"))
        >>> from reskontro.settlement import plan_settlement
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="9", amount=eur("1000"), amount_local=nok("11000"),
        ...                   posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="9", amount=eur("-1000"), amount_local=nok("-11500"),
        ...                   posted=date(2026, 2, 2)),
        ... ]).match(["F-1", "P-1"], match_id="K-1")
        >>> ledger = plan_settlement(ledger, "K-1", on=date(2026, 2, 2)).apply(ledger)
        >>> ledger.derived_entries("K-1").net["realized"]
        Money('500.00', 'NOK')
        >>> print(ledger.dissolve("K-1", on=date(2026, 3, 1)).derived_entries("K-1"))
        Derived entries of match K-1
        id         kind     posted      amount_local  currency  reverses
        K-1-FX1    fx_gain  2026-02-02        500.00  EUR
        K-1-FX1-R  fx_gain  2026-03-01       -500.00  EUR       K-1-FX1
        net: realized 0.00, unrealized 0.00, discount 0.00, tolerance 0.00, total 0.00 NOK
        """
        state = self._at(as_of, self._match_keys(match_id)).part_of_match(match_id)
        state.match(match_id)
        ever: dict[str, None] = {}
        # the match's history lives in its partition's log: O(party), not O(ledger)
        for record in state.log:
            if (
                type(record) is EntriesMatched
                and record.match_id == match_id
                and (as_of is None or record.on <= as_of)
            ):
                ever.update(dict.fromkeys(record.entry_ids))
        created = [
            state.entry(i) for i in ever
            if is_derived(state.entry(i)) and state.entry(i).reverses is None
        ]
        prefix = f"{match_id}-RV"
        created.extend(
            state.entry(r) for i in ever for r in state.revaluations_of(i)
            if r.startswith(prefix)
        )
        reversals = [
            state.entry(state.reversed_by[e.id]) for e in created if e.id in state.reversed_by
        ]
        ordered = [
            *sorted(created, key=lambda e: e.posted), *sorted(reversals, key=lambda e: e.posted)
        ]
        return DerivedEntries(
            match_id=match_id, local_currency=self._local, entries=tuple(ordered)
        )

    def history(self, entry_id: str) -> tuple[Event, ...]:
        """Every event that touched an entry, in order (its audit trail).

        Raises:
            EntryNotFoundError: no such entry.

        >>> from datetime import date
        >>> nok = lambda a: Money(a, "NOK")
        >>> ledger = Ledger("NOK").post_many([
        ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
        ... ]).match(["F-1", "P-1"]).dissolve("C1-M1", on=date(2026, 1, 10))
        >>> [type(event).__name__ for event in ledger.history("F-1")]
        ['EntryPosted', 'EntriesMatched', 'MatchDissolved']
        """
        part = self._holding(entry_id, None)
        touched: set[str] = set()  # the live matches the entry is in
        result: list[Event] = []
        # an entry's audit trail lives in its partition's log: O(party), not O(ledger)
        for event in map(_event, part.log):
            if isinstance(event, EntryPosted):
                if event.entry.id == entry_id:
                    result.append(event)
            elif isinstance(event, EntriesMatched):
                if entry_id in event.entry_ids:
                    touched.add(event.match_id)
                if event.match_id in touched:
                    result.append(event)
            elif isinstance(event, EntryUnmatched):
                if event.match_id in touched:
                    result.append(event)
                    if event.entry_id == entry_id:
                        touched.discard(event.match_id)
            elif isinstance(event, MatchDissolved):
                if event.match_id in touched:
                    result.append(event)
                    touched.discard(event.match_id)
            elif isinstance(event, DueDateChanged):
                if event.entry_id == entry_id:
                    result.append(event)
            elif isinstance(event, NoticeRecorded):
                if entry_id in event.entry_ids:
                    result.append(event)
            elif entry_id in (event.entry_id, event.reversal.id):
                result.append(event)
                touched.add(event.match_id)
        return tuple(result)

    # -- serialization -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The ledger as a JSON-ready dict (schema ``reskontro.ledger``, versioned).

        >>> Ledger("NOK").to_dict()["local_currency"]
        'NOK'
        """
        from reskontro.serialization import ledger_to_dict

        return ledger_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ledger:
        """Rebuild a ledger from :meth:`to_dict` output.

        Raises:
            SerializationError: the document is malformed or of an unknown version.

        >>> Ledger.from_dict(Ledger("SEK").to_dict()) == Ledger("SEK")
        True
        """
        from reskontro.serialization import ledger_from_dict

        return ledger_from_dict(data)


def _documents(entries: Iterable[Entry]) -> list[Entry]:
    """The documents among *entries*: what an application applies (no adjustments)."""
    return [e for e in entries if e.kind not in _FX_KINDS and e.kind not in _ADJUSTMENTS]


def _ids(entry_ids: Iterable[str]) -> tuple[str, ...]:
    if isinstance(entry_ids, str):
        raise MatchError(
            f"entry_ids must be a list of ids, not the string {entry_ids!r}",
            field="entry_ids", value=entry_ids,
        )
    return entry_ids if type(entry_ids) is tuple else tuple(entry_ids)



def _unpickle(local: str, options: LedgerOptions, records: tuple[Record, ...]) -> Ledger:
    return Ledger._make(local, options, _replay(local, records))


def _key_of(entry: Entry) -> Partition:
    return Partition(entry.side, entry.party)


def _partition(value: object) -> tuple[Side, str]:
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Side):
        return value
    raise InvalidQueryError(
        f"partition must be a Partition(side, party), got {value!r}",
        field="partition", value=value,
    )


def _as_of(on: object) -> date:
    if not isinstance(on, date) or isinstance(on, datetime):
        raise InvalidQueryError(
            f"as_of must be a datetime.date, got {on!r}", field="as_of", value=on
        )
    return on
