"""Events: the append-only history a ledger is the fold of.

A :class:`~reskontro.Ledger` is an ordered list of events. Every state you can
ask about (open items, remaining amounts, balances, matches) is derived from
them, so the history is the audit trail, replaying it rebuilds the ledger,
and the ledger "as of" a date is the replay of the events dated on or before
that date.

=====================  =====================================================
event                  what it records
=====================  =====================================================
:class:`EntryPosted`     an entry was posted (dated by its posting date)
:class:`EntriesMatched`  a match was created, or extended with more entries
:class:`EntryUnmatched`  one entry was removed from its match
:class:`MatchDissolved`  a match was dissolved: all its members are unmatched
:class:`DueDateChanged`  an entry's due date was changed (the original stays)
:class:`EntryReversed`   a counter-entry was posted and matched with the original
:class:`NoticeRecorded`  a dunning notice (reminder, collection notice, hand-over) was sent
=====================  =====================================================

Events are immutable values; the ledger validates each one as it is applied,
so a list of events is also a *plan* a caller can build, inspect and apply
with :meth:`Ledger.apply <reskontro.Ledger.apply>`.

>>> from datetime import date
>>> MatchDissolved(match_id="M1", on=date(2026, 2, 1))
MatchDissolved(match_id='M1', on=datetime.date(2026, 2, 1))
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Final, TypeAlias, final

import attrs

from reskontro.entries import Entry
from reskontro.matching import Allocation, ClosePolicy

__all__ = [
    "DueDateChanged",
    "EntriesMatched",
    "EntryPosted",
    "EntryReversed",
    "EntryUnmatched",
    "Event",
    "MatchDissolved",
    "NoticeLevel",
    "NoticeRecorded",
]


_new = object.__new__


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return value if type(value) is tuple else tuple(value)


def _rates(
    value: Mapping[str, Decimal] | Iterable[tuple[str, Decimal]],
) -> tuple[tuple[str, Decimal], ...]:
    pairs = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((currency, rate) for currency, rate in pairs))


def _allocations(value: Iterable[Allocation]) -> tuple[Allocation, ...]:
    return value if type(value) is tuple else tuple(value)


@final
@attrs.frozen
class EntryPosted:
    """An entry was posted. Its date is the entry's posting date.

    >>> from datetime import date
    >>> from reskontro import Money
    >>> e = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"), posted=date(2026, 1, 2))
    >>> EntryPosted(e).on
    datetime.date(2026, 1, 2)
    """

    entry: Entry

    @property
    def on(self) -> date:
        """The date the event takes effect: the entry's posting date."""
        return self.entry.posted


@final
@attrs.frozen(kw_only=True)
class EntriesMatched:
    """Entries were matched: a new match, or more entries added to a live one.

    >>> from datetime import date
    >>> EntriesMatched(match_id="M1", entry_ids=["F-1", "P-1"], on=date(2026, 1, 9)).entry_ids
    ('F-1', 'P-1')

    Attributes:
        match_id: the match created or extended.
        entry_ids: the entries that join the match.
        on: the application date (of the creation or of the extension).
        allocations: explicit amounts to apply, taken before oldest-first.
        close_policy: the policy of a new match; on an extension, ``None``
            keeps the match's policy and a value replaces it.
        extend: ``True`` when an existing live match is extended.
        rates: for a match across transaction currencies, the exchange rates
            (local units per unit, per currency) the joining entries are
            converted at; empty for a match in one currency. Recorded so that
            replaying the event needs no rate table.
    """

    match_id: str
    entry_ids: tuple[str, ...] = attrs.field(converter=_ids)
    on: date
    allocations: tuple[Allocation, ...] = attrs.field(default=(), converter=_allocations)
    close_policy: ClosePolicy | None = None
    extend: bool = False
    rates: tuple[tuple[str, Decimal], ...] = attrs.field(default=(), converter=_rates)

    @classmethod
    def of(
        cls,
        match_id: str,
        entry_ids: tuple[str, ...],
        on: date,
        allocations: tuple[Allocation, ...],
        close_policy: ClosePolicy,
        rates: tuple[tuple[str, Decimal], ...] = (),
    ) -> EntriesMatched:
        """The event of a new match whose fields are already checked (the ledger's fast path).

        >>> from datetime import date
        >>> EntriesMatched.of("M1", ("F-1", "P-1"), date(2026, 1, 9), (),
        ...                   ClosePolicy.ALL_CURRENCIES).extend
        False
        """
        event = _new(cls)
        _SET_MATCH_ID(event, match_id)
        _SET_ENTRY_IDS(event, entry_ids)
        _SET_ON(event, on)
        _SET_ALLOCATIONS(event, allocations)
        _SET_CLOSE_POLICY(event, close_policy)
        _SET_EXTEND(event, False)
        _SET_RATES(event, rates)
        return event


_SET_MATCH_ID = EntriesMatched.__dict__["match_id"].__set__
_SET_ENTRY_IDS = EntriesMatched.__dict__["entry_ids"].__set__
_SET_ON = EntriesMatched.__dict__["on"].__set__
_SET_ALLOCATIONS = EntriesMatched.__dict__["allocations"].__set__
_SET_CLOSE_POLICY = EntriesMatched.__dict__["close_policy"].__set__
_SET_EXTEND = EntriesMatched.__dict__["extend"].__set__
_SET_RATES = EntriesMatched.__dict__["rates"].__set__


@final
@attrs.frozen(kw_only=True)
class EntryUnmatched:
    """One entry was removed from its match (fjern fra kobling).

    Removing the last member ends the match as a dissolve does.

    >>> from datetime import date
    >>> EntryUnmatched(match_id="M1", entry_id="P-1", on=date(2026, 2, 1)).entry_id
    'P-1'
    """

    match_id: str
    entry_id: str
    on: date


@final
@attrs.frozen(kw_only=True)
class MatchDissolved:
    """A match was dissolved (løs opp kobling): all its members are unmatched.

    >>> from datetime import date
    >>> MatchDissolved(match_id="M1", on=date(2026, 2, 1)).on
    datetime.date(2026, 2, 1)
    """

    match_id: str
    on: date


@final
@attrs.frozen(kw_only=True)
class DueDateChanged:
    """An entry's due date was changed on date *on*; the entry keeps its original.

    >>> from datetime import date
    >>> DueDateChanged(entry_id="F-1", due=date(2026, 3, 1), on=date(2026, 2, 10)).due
    datetime.date(2026, 3, 1)
    """

    entry_id: str
    due: date | None
    on: date


@final
@attrs.frozen(kw_only=True)
class EntryReversed:
    """An entry was reversed: *reversal* was posted and matched with it in *match_id*.

    >>> from datetime import date
    >>> from reskontro import Money
    >>> original = Entry.invoice("F-1", party="1", amount=Money("5", "NOK"),
    ...                          posted=date(2026, 1, 2))
    >>> event = EntryReversed(entry_id="F-1", match_id="M1", on=date(2026, 1, 5),
    ...                       reversal=original.reversed("F-1-R", posted=date(2026, 1, 5)))
    >>> event.reversal.amount
    Money('-5.00', 'NOK')
    """

    entry_id: str
    reversal: Entry
    match_id: str
    on: date


class NoticeLevel(enum.StrEnum):
    """The step of the dunning ladder a notice belongs to, lowest first.

    The members are strings (``NoticeLevel.REMINDER == "reminder"``);
    :attr:`rank` orders them.

    >>> NoticeLevel("collection_notice").rank
    2
    """

    #: A reminder (purring).
    REMINDER = "reminder"
    #: A collection notice (inkassovarsel, inkassoloven § 9).
    COLLECTION_NOTICE = "collection_notice"
    #: The claim was handed over to a debt collector (inkasso).
    HANDOVER = "handover"

    def __repr__(self) -> str:
        return f"NoticeLevel.{self.name}"

    @property
    def rank(self) -> int:
        """1 for a reminder, 2 for a collection notice, 3 for a hand-over."""
        return _RANKS[self]

    @property
    def label(self) -> str:
        """A human name for the level, e.g. ``collection notice``."""
        return self.value.replace("_", " ")


_RANKS: Final = {NoticeLevel.REMINDER: 1, NoticeLevel.COLLECTION_NOTICE: 2, NoticeLevel.HANDOVER: 3}


@final
@attrs.frozen(kw_only=True)
class NoticeRecorded:
    """A dunning notice about one or more entries was sent on date *on*.

    The ledger keeps, per entry, the notices recorded for it; its last
    notice (date and level) is what the next dunning run starts from.

    >>> from datetime import date
    >>> NoticeRecorded(entry_ids=["F-1"], level=NoticeLevel.REMINDER, on=date(2026, 2, 2),
    ...                deadline=date(2026, 2, 16)).entry_ids
    ('F-1',)

    Attributes:
        entry_ids: the entries (claims) the notice is about.
        level: the :class:`NoticeLevel`.
        on: the day the notice was sent.
        deadline: the payment deadline the notice gave, if any.
    """

    entry_ids: tuple[str, ...] = attrs.field(converter=_ids)
    level: NoticeLevel
    on: date
    deadline: date | None = None


#: Any ledger event.
Event: TypeAlias = (
    EntryPosted
    | EntriesMatched
    | EntryUnmatched
    | MatchDissolved
    | DueDateChanged
    | EntryReversed
    | NoticeRecorded
)
