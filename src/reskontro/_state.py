"""The fold of a ledger's events into indexed state (internal).

:class:`State` is the one mutable object in reskontro, and it never escapes:
a :class:`~reskontro.Ledger` owns its state privately and only ever appends
events to it. Each ``apply`` validates the event completely before it changes
anything, so a refused event leaves the state as it was.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import warnings
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, NamedTuple, Protocol, TypeAlias, TypeVar, cast

from reskontro._pmap import Backed, Overlay, PMap
from reskontro.entries import Entry, Side, SubAccount
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
    AlreadyMatchedError,
    CrossCurrencyMatchError,
    DuplicateEntryError,
    DuplicateMatchError,
    EntryNotFoundError,
    InvalidEntryError,
    InvalidEventError,
    MatchDateError,
    MatchError,
    MatchNotFoundError,
    NoticeError,
    NotMatchedError,
    PostAgainstPostError,
    PostAgainstPostWarning,
    ReskontroError,
    ReversalError,
    SerializationError,
    SubAccountMismatchError,
)
from reskontro.matching import (
    Allocation,
    ClosePolicy,
    PostAgainstPost,
    Settlement,
    carry_over,
    post_against_post_breach,
    settle,
)

_ZERO: Final = Decimal(0)

#: One record of a ledger's log: an event, or an entry standing for its own
#: ``EntryPosted`` event (a million postings need no million event objects).
Record: TypeAlias = Event | Entry


def _nowhere(entry_id: str) -> tuple[Entry, str | None] | None:
    return None


def _refuse_first(
    entries: Sequence[Entry], known: Container[str], local: str, batch: bool
) -> None:
    """Raise for the first entry of a batch that cannot be posted (the slow path's check)."""
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, Entry):
            raise InvalidEntryError(f"{entry!r} is not an Entry", field="entry", value=entry)
        entry_id = entry.id
        if entry_id in known or entry_id in seen:
            raise DuplicateEntryError(
                f"entry {entry_id!r} is already in the ledger"
                if entry_id in known or not batch
                else f"entry {entry_id!r} appears twice in the batch",
                entry_id=entry_id, field="id", value=entry_id,
            )
        seen.add(entry_id)
        if entry.local_currency != local:
            raise InvalidEntryError(
                f"entry {entry_id!r}: amount_local is in {entry.local_currency}, "
                f"not the ledger's local currency {local}; give amount_local in {local} "
                f"for a foreign-currency entry",
                entry_id=entry_id, field="amount_local", value=entry.amount_local,
            )


#: The fields of a partition's state that a draft copies on first change.
_COPIED: Final = (
    "bal_local", "bal_tx", "by_sub", "closed", "due", "due_changed_on", "entries", "log",
    "match_of", "matches", "notices", "released_on", "revalued_by", "reversed_by",
)
_FIELDS: Final = _COPIED


class MatchState:
    """A match inside the state: members, dates, policy and its settlement."""

    __slots__ = (
        "applied_on",
        "base",
        "changed_on",
        "closed",
        "conv",
        "dissolved_on",
        "explicit",
        "id",
        "members",
        "policy",
        "remaining",
        "sub",
    )

    def __init__(
        self,
        match_id: str,
        sub: SubAccount,
        members: tuple[str, ...],
        on: date,
        policy: ClosePolicy,
        explicit: tuple[Allocation, ...],
        settlement: Settlement,
    ) -> None:
        self.id = match_id
        self.sub = sub
        self.members = members
        self.applied_on = on
        self.changed_on = on
        self.policy = policy
        self.explicit = explicit
        self.dissolved_on: date | None = None
        #: A match across transaction currencies: its base currency, and the
        #: members converted into it with their (own, base) rates.
        self.base: str | None = None
        self.conv: dict[str, tuple[Decimal, Decimal]] | None = None
        self.closed = settlement.closed
        # Closed matches keep no remaining amounts (all zero): most matches in
        # a ledger are closed, and this is where a large ledger's memory goes.
        self.remaining = None if settlement.closed else settlement.remaining

    def copy(self) -> MatchState:
        new = object.__new__(MatchState)
        for name in MatchState.__slots__:
            object.__setattr__(new, name, getattr(self, name))
        return new

    def settled(self, settlement: Settlement) -> None:
        self.closed = settlement.closed
        self.remaining = None if settlement.closed else settlement.remaining


def _check_allocations(
    entry_ids: tuple[str, ...], allocations: tuple[Allocation, ...], what: object
) -> tuple[Allocation, ...]:
    if not entry_ids:
        raise MatchError(f"{what}: no entries to match", field="entry_ids", value=())
    for alloc in allocations:
        if not isinstance(alloc, Allocation):
            raise InvalidEventError(
                f"{what}: {alloc!r} is not an Allocation", field="allocations", value=alloc
            )
    return allocations


def _check_policy_of(policy: object, what: object) -> ClosePolicy:
    if not isinstance(policy, ClosePolicy):
        raise InvalidEventError(
            f"{what}: close_policy must be a ClosePolicy, got {policy!r}",
            field="close_policy", value=policy,
        )
    return policy


def _check_on(value: object, what: object) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidEventError(
            f"{what}: the date must be a datetime.date, got {value!r}", field="on", value=value
        )
    return value


class Part:
    """One partition's indexes: the state of one (side, party); see the module docstring."""

    __slots__ = (
        "bal_local",
        "bal_tx",
        "by_sub",
        "closed",
        "due",
        "due_changed_on",
        "entries",
        "foreign",
        "key",
        "local",
        "log",
        "match_of",
        "matches",
        "notices",
        "owned",
        "owned_subs",
        "released_on",
        "revalued_by",
        "reversed_by",
        "shared",
    )

    def __init__(self, local_currency: str, key: tuple[Side, str] | None = None) -> None:
        self.local = local_currency
        self.key = key
        #: This partition's history: its records (an entry stands for its posting), in order.
        self.log: list[Record] = []
        #: The ids of the matches this draft may change in place (None: all, a new part).
        self.owned: set[str] | None = None
        #: The fields this draft still shares with the partition it copies (None: none).
        self.shared: set[str] | None = None
        #: The sub-accounts whose id lists and currency sums this draft owns (None: all).
        self.owned_subs: set[SubAccount] | None = None
        #: Looks up an entry of another partition (for error messages only).
        self.foreign: Callable[[str], tuple[Entry, str | None] | None] = _nowhere
        self.entries: dict[str, Entry] = {}
        self.due: dict[str, date | None] = {}
        self.due_changed_on: dict[str, date] = {}
        self.match_of: dict[str, str] = {}
        self.matches: dict[str, MatchState] = {}
        self.by_sub: dict[SubAccount, list[str]] = {}
        self.bal_local: dict[SubAccount, Decimal] = {}
        self.bal_tx: dict[SubAccount, dict[str, Decimal]] = {}
        self.released_on: dict[str, date] = {}
        self.reversed_by: dict[str, str] = {}
        #: item id -> the unrealized exchange differences that revalue it
        self.revalued_by: dict[str, list[str]] = {}
        #: The dunning notices recorded per entry, oldest first.
        self.notices: dict[str, list[NoticeRecorded]] = {}
        #: The ids of the closed items: kept in step with every match change, so
        #: listing open items scans ids instead of settling every entry again.
        self.closed: set[str] = set()

    def copy(self) -> Part:
        """A private draft of this partition: it shares every field until it changes one.

        A field is copied on its first change (:meth:`_w`), a match on its
        first change (:meth:`_own`), a sub-account's id list and currency sums
        on their first change; so an operation costs what it touches.
        """
        new = object.__new__(Part)
        for name in _FIELDS:
            setattr(new, name, getattr(self, name))
        new.local = self.local
        new.key = self.key
        new.owned = set()
        new.shared = set(_COPIED)
        new.owned_subs = set()
        new.foreign = self.foreign
        return new

    def _w(self, name: str) -> Any:
        """The field *name*, ready to change: copied first if an older value shares it."""
        shared = self.shared
        value = getattr(self, name)
        if shared is None or name not in shared:
            return value
        shared.discard(name)
        value = value.copy()
        setattr(self, name, value)
        return value

    def frozen(self) -> Part:
        """Mark the draft done: from now on it is shared and never changed."""
        self.owned = set()
        self.shared = None
        self.owned_subs = None
        self.foreign = _nowhere
        return self

    def _own(self, ms: MatchState) -> MatchState:
        """The match, ready to change: a copy when an older value still shares it."""
        owned = self.owned
        if owned is None or ms.id in owned:
            return ms
        ms = self._w("matches")[ms.id] = ms.copy()
        owned.add(ms.id)
        return ms

    def _mark(self, ms: MatchState) -> None:
        """Bring the closed-items index in step with a live match's settlement."""
        closed = self._w("closed")
        remaining = ms.remaining
        if remaining is None:
            closed.update(ms.members)
            return
        local_only = ms.policy is ClosePolicy.LOCAL_ONLY
        for entry_id in ms.members:
            rem_tx, rem_local = remaining[entry_id]
            if rem_local or (rem_tx and not local_only):
                closed.discard(entry_id)
            else:
                closed.add(entry_id)

    # -- lookups ---------------------------------------------------------------

    def entry(self, entry_id: str) -> Entry:
        try:
            return self.entries[entry_id]
        except (KeyError, TypeError):
            found = self.foreign(entry_id) if type(entry_id) is str else None
            if found is not None:
                return found[0]
            raise EntryNotFoundError(
                f"no entry {entry_id!r} in the ledger", entry_id=_as_id(entry_id),
                field="entry_id", value=entry_id,
            ) from None

    def match(self, match_id: str) -> MatchState:
        try:
            return self.matches[match_id]
        except (KeyError, TypeError):
            raise MatchNotFoundError(
                f"no match {match_id!r} in the ledger", field="match_id", value=match_id
            ) from None

    def live_match(self, match_id: str, what: object) -> MatchState:
        ms = self.match(match_id)
        if ms.dissolved_on is not None:
            raise MatchError(
                f"{what}: match {match_id!r} was dissolved on {ms.dissolved_on}",
                field="match_id",
                value=match_id,
            )
        return ms

    def part_of_entry(self, entry_id: object) -> Part:
        return self

    def part_of_match(self, match_id: object) -> Part:
        return self

    def match_id_of(self, entry_id: object) -> str | None:
        return self.match_of.get(entry_id) if type(entry_id) is str else None

    def released(self, entry_id: str) -> date | None:
        return self.released_on.get(entry_id)

    def reversal_of(self, entry_id: str) -> str | None:
        return self.reversed_by.get(entry_id)

    def revaluations_of(self, entry_id: str) -> list[str]:
        return self.revalued_by.get(entry_id, [])

    def current_due(self, entry: Entry) -> date | None:
        return self.due.get(entry.id, entry.due)

    def item_state(self, entry: Entry) -> tuple[Decimal, Decimal, bool, str | None]:
        """(remaining, remaining local, open?, match id) of an entry."""
        match_id = self.match_of.get(entry.id)
        if match_id is None:
            return entry.value, entry.value_local, True, None
        remaining = self.matches[match_id].remaining
        if remaining is None:
            return _ZERO, _ZERO, False, match_id
        rem_tx, rem_local = remaining[entry.id]
        return rem_tx, rem_local, entry.id not in self.closed, match_id

    # -- applying events ---------------------------------------------------------

    def apply(self, event: Event, policy: PostAgainstPost = PostAgainstPost.OFF) -> None:
        """Validate *event* against the state, then apply it; refuse it unchanged."""
        if isinstance(event, EntryPosted):
            self.post_many([event.entry])
        elif isinstance(event, EntriesMatched):
            self._matched(event, policy)
        elif isinstance(event, EntryUnmatched):
            self._unmatched(event)
        elif isinstance(event, MatchDissolved):
            self._dissolved(event)
        elif isinstance(event, DueDateChanged):
            self._due_changed(event)
        elif isinstance(event, EntryReversed):
            self._reversed(event)
        elif isinstance(event, NoticeRecorded):
            self._noticed(event)
        else:
            raise InvalidEventError(
                f"{event!r} is not a reskontro event", field="event", value=event
            )

    def check_posting(self, entries: Sequence[Entry], *, batch: bool = True) -> None:
        """Refuse a batch with a duplicate id, a non-entry, or a wrong local currency.

        With ``batch=False`` the entries are consecutive postings of a replayed
        log, so a repeated id is reported as already in the ledger.
        """
        known = self.entries
        local = self.local
        revaluing = [e for e in entries if type(e) is Entry and e.revalues is not None]
        if revaluing:
            self._check_revalues(revaluing, entries)
        # The whole batch in a few C-level passes; the loop below runs only to
        # name the first entry at fault.
        if set(map(type, entries)) <= {Entry}:
            ids = [entry.id for entry in entries]
            batch_ids = set(ids)
            if (
                len(batch_ids) == len(ids)
                # keys().isdisjoint walks the smaller side: O(batch), not O(ledger)
                and known.keys().isdisjoint(batch_ids)
                and {entry.local_currency for entry in entries} <= {local}
            ):
                return
        _refuse_first(entries, known, local, batch)

    def _check_revalues(self, revaluing: list[Entry], batch: Sequence[Entry]) -> None:
        """An unrealized difference must revalue a foreign item of its own sub-account."""
        in_batch = {e.id: e for e in batch if type(e) is Entry}
        for entry in revaluing:
            target = self.entries.get(entry.revalues or "") or in_batch.get(entry.revalues or "")
            if target is None and type(entry.revalues) is str:
                elsewhere = self.foreign(entry.revalues)
                target = None if elsewhere is None else elsewhere[0]
            problem = None
            if target is None:
                problem = "is not in the ledger"
            elif target.revalues is not None or not target.value:
                problem = "is itself an exchange difference"
            elif target.sub_account != entry.sub_account:
                problem = f"is on {target.sub_account}, not {entry.sub_account}"
            elif target.currency != entry.currency or target.currency == self.local:
                problem = f"is in {target.currency}, not the foreign {entry.currency}"
            elif target.posted > entry.posted:
                problem = f"was posted on {target.posted}, after {entry.posted}"
            if problem is not None:
                raise InvalidEntryError(
                    f"entry {entry.id!r}: the item it revalues, {entry.revalues!r}, {problem}",
                    entry_id=entry.id, field="revalues", value=entry.revalues,
                )

    def post_many(
        self, entries: Sequence[Entry], *, checked: bool = False, batch: bool = True
    ) -> None:
        if not checked:
            self.check_posting(entries, batch=batch)
        known = self._w("entries")
        by_sub = self._w("by_sub")
        bal_local = self._w("bal_local")
        bal_tx = self._w("bal_tx")
        owned_subs = self.owned_subs
        for entry in entries:
            known[entry.id] = entry
            if entry.revalues is not None:
                revalued_by = self._w("revalued_by")
                revalued_by[entry.revalues] = [
                    *revalued_by.get(entry.revalues, ()), entry.id
                ]
            sub = entry.sub_account
            ids = by_sub.get(sub)
            if ids is None:
                by_sub[sub] = [entry.id]
                bal_local[sub] = entry.value_local
                bal_tx[sub] = {entry.currency: entry.value}
                if owned_subs is not None:
                    owned_subs.add(sub)
            else:
                if owned_subs is not None and sub not in owned_subs:
                    # the list and the sums an older value shares: copy them once
                    ids = by_sub[sub] = list(ids)
                    bal_tx[sub] = dict(bal_tx[sub])
                    owned_subs.add(sub)
                ids.append(entry.id)
                bal_local[sub] += entry.value_local
                per = bal_tx[sub]
                cur = entry.currency
                per[cur] = per.get(cur, _ZERO) + entry.value

    def _joiners(
        self, entry_ids: Sequence[str], on: date | None, sub: SubAccount | None, what: object
    ) -> tuple[list[Entry], date | None]:
        """Check the entries that join a match; return them and the match's date.

        With *on* ``None`` the date is the latest of the entries' posting dates
        and the dates they left earlier matches.
        """
        entries = self.entries
        match_of = self.match_of
        released_on = self.released_on
        joiners: list[Entry] = []
        when = on
        for entry_id in entry_ids:
            entry = entries.get(entry_id) if type(entry_id) is str else None
            if entry is None:
                entry = self.entry(entry_id)
            current = match_of.get(entry_id)
            entry_sub = entry.sub_account
            if sub is None:
                sub = entry_sub
            if current is not None or (entry_sub is not sub and entry_sub != sub):
                self._refuse_joiner(entry, current, sub, entry.posted, what)
            released = released_on.get(entry_id) if released_on else None
            if on is None:
                if when is None or entry.posted > when:
                    when = entry.posted
                if released is not None and released > when:
                    when = released
            elif on < entry.posted or (released is not None and on < released):
                self._refuse_joiner(entry, current, sub, on, what)
            joiners.append(entry)
        if len(joiners) > 1 and len(set(entry_ids)) != len(joiners):
            twice = next(i for i in entry_ids if entry_ids.count(i) > 1)
            raise MatchError(
                f"{what}: entry {twice!r} is named twice",
                entry_id=twice, field="entry_ids", value=twice,
            )
        return joiners, when

    def _refuse_joiner(
        self, entry: Entry, current: str | None, sub: SubAccount, on: date, what: object
    ) -> None:
        entry_id = entry.id
        if current is not None:
            raise AlreadyMatchedError(
                f"{what}: entry {entry_id!r} is already in match {current!r}; "
                f"remove it from that match or extend it",
                entry_id=entry_id, field="entry_ids", value=entry_id, match_id=current,
            )
        if entry.sub_account != sub:
            field = (
                "side" if entry.side is not sub.side
                else "party" if entry.party != sub.party
                else "account"
            )
            raise SubAccountMismatchError(
                f"{what}: entry {entry_id!r} is on {entry.sub_account}, not on {sub}; "
                f"a match stays within one sub-account (side, party, account)",
                entry_id=entry_id, field=field, value=getattr(entry, field),
            )
        if on < entry.posted:
            raise MatchDateError(
                f"{what}: dated {on}, before entry {entry_id!r} was posted on {entry.posted}",
                entry_id=entry_id, field="on", value=on,
            )
        raise MatchDateError(
            f"{what}: dated {on}, before entry {entry_id!r} left its previous match "
            f"on {self.released_on[entry_id]}",
            entry_id=entry_id, field="on", value=on,
        )

    def _conversion(
        self,
        members: Sequence[Entry],
        rates: tuple[tuple[str, Decimal], ...],
        ms: MatchState | None,
        what: object,
    ) -> tuple[dict[str, tuple[Decimal, Decimal]] | None, str | None]:
        """Check the currencies of a match; for a cross-currency one, its conversion.

        A match in one transaction currency needs none. Across currencies,
        the base currency is the first foreign currency among the members,
        and every member in another currency is converted at the rates the
        event recorded (those already converted keep their rates).
        """
        first = members[0].currency
        if len(members) == 2 and members[1].currency == first:
            return (None, None) if ms is None else (ms.conv, ms.base)
        old = None if ms is None else ms.conv
        if old is None and all(e.currency == first for e in members):
            return None, None
        if old is None and not rates:
            other = next(e for e in members if e.currency != first)
            raise CrossCurrencyMatchError(
                f"{what}: entry {other.id!r} is in {other.currency}, the match in "
                f"{first}; a match across transaction currencies needs the ledger option "
                f"cross_currency=True and exchange rates",
                entry_id=other.id, field="currency", value=other.currency,
            )
        local = self.local
        base = ms.base if ms is not None and ms.base is not None else next(
            (e.currency for e in members if e.currency != local), first
        )
        table = dict(rates)
        table[local] = Decimal(1)
        conv = dict(old or {})
        for entry in members:
            if entry.currency == base or entry.id in conv:
                continue
            for currency in (entry.currency, base):
                rate = table.get(currency)
                if rate is None or type(rate) is not Decimal or not rate.is_finite() or rate <= 0:
                    raise CrossCurrencyMatchError(
                        f"{what}: no valid exchange rate for {currency} to convert entry "
                        f"{entry.id!r} ({entry.currency}) into the match's {base}, got {rate!r}",
                        entry_id=entry.id, field="rates", value=currency,
                    )
            conv[entry.id] = (table[entry.currency], table[base])
        return conv, base

    def _check_policy(
        self, members: Sequence[Entry], policy: PostAgainstPost, what: object
    ) -> None:
        if policy is PostAgainstPost.OFF or len(members) < 4:
            return
        n_debit, n_credit = post_against_post_breach(members)
        if n_debit >= 2 and n_credit >= 2:
            message = (
                f"{what}: the match would hold {n_debit} debit and {n_credit} credit documents; "
                f"post against post wants one invoice with its payments, or one payment "
                f"over several invoices"
            )
            if policy is PostAgainstPost.REFUSE:
                raise PostAgainstPostError(
                    message, entry_id=members[-1].id, field="entry_ids",
                    value=tuple(e.id for e in members),
                )
            warnings.warn(PostAgainstPostWarning(message), stacklevel=_caller_level())

    def _dues(self, members: Iterable[Entry]) -> dict[str, date | None] | None:
        if not self.due:
            return None
        return {e.id: self.due[e.id] for e in members if e.id in self.due}

    def _matched(self, event: EntriesMatched, policy: PostAgainstPost) -> None:
        if not event.extend:
            self.new_match(
                event.match_id, event.entry_ids, _check_on(event.on, f"match {event.match_id!r}"),
                event.allocations, event.close_policy, policy, event.rates,
            )
            return
        match_id = event.match_id
        what = _What("match", match_id)
        on = _check_on(event.on, str(what))
        explicit = _check_allocations(event.entry_ids, event.allocations, what)
        ms = self.live_match(match_id, what)
        if on < ms.changed_on:
            raise MatchDateError(
                f"{what}: extension dated {on}, before the match's last change on "
                f"{ms.changed_on}",
                field="on", value=on,
            )
        joiners, _ = self._joiners(event.entry_ids, on, ms.sub, what)
        current = [self.entries[i] for i in ms.members]
        members = current + joiners
        policy_of = _check_policy_of(event.close_policy or ms.policy, what)
        # What is applied stays applied (unless the caller's explicit
        # allocations say otherwise); new entries meet what is still open.
        # Entries with no transaction amount (FX differences) apply nothing.
        conv, base = self._conversion(members, event.rates, ms, what)
        if conv is not None:
            # across currencies, amounts are re-allocated oldest first in the
            # base currency (explicit allocations, in the base currency, first)
            explicit = ms.explicit + explicit
        elif explicit or any(e.value for e in joiners):
            applied = settle(current, ms.explicit, ms.policy, self.local, self._dues(current))
            explicit = carry_over(members, explicit, applied.pairs)
        else:
            explicit = ms.explicit
        self._check_policy(members, policy, what)
        settlement = settle(
            members, explicit, policy_of, self.local, self._dues(members), pairs=False,
            conv=conv, base=base,
        )
        # validated: now change the state
        ms = self._own(ms)
        ms.conv, ms.base = conv, base
        ms.members = ms.members + tuple(e.id for e in joiners)
        ms.changed_on = on
        ms.policy = policy_of
        ms.explicit = explicit
        ms.settled(settlement)
        match_of = self._w("match_of")
        for entry in joiners:
            match_of[entry.id] = match_id
        self._mark(ms)

    def new_match(
        self,
        match_id: str,
        entry_ids: tuple[str, ...],
        on: date | None,
        allocations: tuple[Allocation, ...],
        close_policy: ClosePolicy | None,
        policy: PostAgainstPost,
        rates: tuple[tuple[str, Decimal], ...] = (),
    ) -> EntriesMatched:
        """Validate and apply a new match; return its event (with the date resolved).

        With *on* ``None`` the match is dated on the latest posting date of its
        entries (or the later day one of them left another match).
        """
        what = _What("match", match_id)
        if type(match_id) is not str or not match_id:
            raise MatchError(
                f"match id must be a non-empty string, got {match_id!r}",
                field="match_id", value=match_id,
            )
        if match_id in self.matches:
            raise DuplicateMatchError(
                f"match id {match_id!r} is already used", field="match_id", value=match_id
            )
        explicit = _check_allocations(entry_ids, allocations, what)
        joiners, when = self._joiners(entry_ids, on, None, what)
        if when is None:  # pragma: no cover - _check_allocations refuses no entries
            raise MatchError(f"{what}: no entries to match", field="entry_ids", value=())
        policy_of = close_policy or ClosePolicy.ALL_CURRENCIES
        if type(policy_of) is not ClosePolicy:
            _check_policy_of(policy_of, what)
        conv, base = self._conversion(joiners, rates, None, what)
        if policy is not PostAgainstPost.OFF and len(joiners) > 3:
            self._check_policy(joiners, policy, what)
        settlement = settle(
            joiners, explicit, policy_of, self.local,
            self._dues(joiners) if self.due else None, pairs=False, conv=conv, base=base,
        )
        # validated: now change the state
        ms = self._w("matches")[match_id] = MatchState(
            match_id, joiners[0].sub_account, entry_ids, when, policy_of, explicit, settlement
        )
        if conv is not None:
            ms.conv, ms.base = conv, base
        match_of = self._w("match_of")
        for entry_id in entry_ids:
            match_of[entry_id] = match_id
        if settlement.closed:
            self._w("closed").update(entry_ids)
        else:
            self._mark(ms)
        return EntriesMatched.of(
            match_id, entry_ids, when, explicit, policy_of, rates if conv is not None else ()
        )

    def _check_undo_date(
        self, ms: MatchState, on: date, what: object, entry_id: str | None = None
    ) -> None:
        if on < ms.changed_on:
            raise MatchDateError(
                f"{what}: dated {on}, before match {ms.id!r} was last applied on {ms.changed_on}",
                entry_id=entry_id, field="on", value=on,
            )

    def _unmatched(self, event: EntryUnmatched) -> None:
        what = f"removing {event.entry_id!r} from match {event.match_id!r}"
        on = _check_on(event.on, what)
        ms = self.live_match(event.match_id, what)
        self.entry(event.entry_id)
        if event.entry_id not in ms.members:
            raise NotMatchedError(
                f"{what}: the entry is not in that match",
                entry_id=event.entry_id, field="entry_id", value=event.entry_id,
            )
        self._check_undo_date(ms, on, what, event.entry_id)
        rest = tuple(i for i in ms.members if i != event.entry_id)
        explicit = tuple(
            a for a in ms.explicit if event.entry_id not in (a.credit_id, a.debit_id)
        )
        settlement = None
        if rest:
            members = [self.entries[i] for i in rest]
            settlement = settle(
                members, explicit, ms.policy, self.local, self._dues(members), pairs=False,
                conv=ms.conv, base=ms.base,
            )
        ms = self._own(ms)
        ms.explicit = explicit
        ms.changed_on = on
        if settlement is None:
            # the last member left: the match ends, and keeps its last member
            # on record as a dissolved match keeps all of them
            ms.dissolved_on = on
        else:
            ms.members = rest
            ms.settled(settlement)
            self._mark(ms)
        del self._w("match_of")[event.entry_id]
        self._w("released_on")[event.entry_id] = on
        self._w("closed").discard(event.entry_id)

    def _dissolved(self, event: MatchDissolved) -> None:
        what = f"dissolving match {event.match_id!r}"
        on = _check_on(event.on, what)
        ms = self.live_match(event.match_id, what)
        self._check_undo_date(ms, on, what)
        ms = self._own(ms)
        ms.dissolved_on = on
        ms.changed_on = on
        match_of = self._w("match_of")
        released_on = self._w("released_on")
        closed = self._w("closed")
        for entry_id in ms.members:
            del match_of[entry_id]
            released_on[entry_id] = on
            closed.discard(entry_id)

    def _due_changed(self, event: DueDateChanged) -> None:
        what = f"changing the due date of {event.entry_id!r}"
        on = _check_on(event.on, what)
        entry = self.entry(event.entry_id)
        due = event.due
        if due is not None and (not isinstance(due, date) or isinstance(due, datetime)):
            raise InvalidEventError(
                f"{what}: due must be a datetime.date or None, got {due!r}",
                entry_id=entry.id, field="due", value=due,
            )
        if due is not None and due < entry.document_date:
            raise InvalidEntryError(
                f"{what}: due date {due} is before the document date {entry.document_date}",
                entry_id=entry.id, field="due", value=due,
            )
        if on < entry.posted:
            raise InvalidEventError(
                f"{what}: dated {on}, before the entry was posted on {entry.posted}",
                entry_id=entry.id, field="on", value=on,
            )
        last = self.due_changed_on.get(entry.id)
        if last is not None and on < last:
            raise InvalidEventError(
                f"{what}: dated {on}, before its previous change on {last}",
                entry_id=entry.id, field="on", value=on,
            )
        match_id = self.match_of.get(entry.id)
        if match_id is not None:
            # oldest-first allocation follows due dates: re-derive the match
            ms = self.matches[match_id]
            members = [self.entries[i] for i in ms.members]
            dues = self._dues(members) or {}
            dues[entry.id] = due
            settlement = settle(
                members, ms.explicit, ms.policy, self.local, dues, pairs=False,
                conv=ms.conv, base=ms.base,
            )
            ms = self._own(ms)
            ms.settled(settlement)
            self._mark(ms)
        self._w("due")[entry.id] = due
        self._w("due_changed_on")[entry.id] = on

    def _reversed(self, event: EntryReversed) -> None:
        what = f"reversing {event.entry_id!r}"
        on = _check_on(event.on, what)
        original = self.entry(event.entry_id)
        reversal = event.reversal
        if original.reverses is not None:
            raise ReversalError(
                f"{what}: the entry is itself the reversal of {original.reverses!r}",
                entry_id=original.id, field="entry_id", value=original.id,
            )
        if original.id in self.reversed_by:
            raise ReversalError(
                f"{what}: already reversed by {self.reversed_by[original.id]!r}",
                entry_id=original.id, field="entry_id", value=original.id,
            )
        if not isinstance(reversal, Entry) or not (
            reversal.reverses == original.id
            and reversal.amount == -original.amount
            and reversal.amount_local == -original.amount_local
            and reversal.sub_account == original.sub_account
            and reversal.posted == on
        ):
            raise InvalidEventError(
                f"{what}: {reversal!r} is not the counter-entry of {original.id!r} dated {on}",
                entry_id=original.id, field="reversal", value=reversal,
            )
        current = self.match_of.get(original.id)
        if current is not None:
            raise ReversalError(
                f"{what}: the entry is in match {current!r}; remove it from the match first "
                f"(unmatch_first=True)",
                entry_id=original.id, field="entry_id", value=original.id,
            )
        if event.match_id in self.matches:
            raise DuplicateMatchError(
                f"{what}: match id {event.match_id!r} is already used",
                field="match_id", value=event.match_id,
            )
        self.check_posting([reversal])
        self._joiners((original.id,), on, None, what)
        members = [original, reversal]
        settlement = settle(members, [], ClosePolicy.ALL_CURRENCIES, self.local, None, pairs=False)
        self.post_many([reversal], checked=True)
        ms = self._w("matches")[event.match_id] = MatchState(
            event.match_id, original.sub_account, (original.id, reversal.id), on,
            ClosePolicy.ALL_CURRENCIES, (), settlement,
        )
        match_of = self._w("match_of")
        match_of[original.id] = event.match_id
        match_of[reversal.id] = event.match_id
        self._w("reversed_by")[original.id] = reversal.id
        self._mark(ms)

    def _noticed(self, event: NoticeRecorded) -> None:
        what = f"recording a notice about {event.entry_ids!r}"
        on = _check_on(event.on, what)
        if not isinstance(event.level, NoticeLevel):
            raise NoticeError(
                f"{what}: level must be a NoticeLevel, got {event.level!r}",
                field="level", value=event.level,
            )
        deadline = event.deadline
        if deadline is not None and (
            not isinstance(deadline, date) or isinstance(deadline, datetime) or deadline < on
        ):
            raise NoticeError(
                f"{what}: the deadline must be a datetime.date on or after {on}, got {deadline!r}",
                field="deadline", value=deadline,
            )
        if not event.entry_ids:
            raise NoticeError(f"{what}: no entries", field="entry_ids", value=())
        if len(set(event.entry_ids)) != len(event.entry_ids):
            twice = next(i for i in event.entry_ids if event.entry_ids.count(i) > 1)
            raise NoticeError(
                f"{what}: entry {twice!r} is named twice",
                entry_id=_as_id(twice), field="entry_ids", value=twice,
            )
        for entry_id in event.entry_ids:
            entry = self.entry(entry_id)
            if not entry.is_debit:
                raise NoticeError(
                    f"{what}: entry {entry_id!r} is a {entry.kind.label} of "
                    f"{entry.amount}; a notice is about a claim (a debit)",
                    entry_id=entry_id, field="entry_ids", value=entry_id,
                )
            if on < entry.posted:
                raise NoticeError(
                    f"{what}: dated {on}, before entry {entry_id!r} was posted on {entry.posted}",
                    entry_id=entry_id, field="on", value=on,
                )
            earlier = self.notices.get(entry_id)
            if earlier and on < earlier[-1].on:
                raise NoticeError(
                    f"{what}: dated {on}, before the {earlier[-1].level.label} about "
                    f"{entry_id!r} sent on {earlier[-1].on}",
                    entry_id=entry_id, field="on", value=on,
                )
        # validated: now change the state
        notices = self._w("notices")
        for entry_id in event.entry_ids:
            notices[entry_id] = [*notices.get(entry_id, ()), event]


_PACKAGE_DIR: Final = os.path.dirname(os.path.abspath(__file__))


def _caller_level() -> int:
    """The warnings stacklevel of the first frame outside reskontro (the caller's code)."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


class _What:
    """The subject of an error message, formatted only when an error is raised."""

    __slots__ = ("name", "verb")

    def __init__(self, verb: str, name: str) -> None:
        self.verb = verb
        self.name = name

    def __str__(self) -> str:
        return f"{self.verb} {self.name!r}"

    def __format__(self, spec: str) -> str:
        return str(self)


def _as_id(value: object) -> str | None:
    return value if isinstance(value, str) else None


# -- the whole ledger: partitions and global indexes ---------------------------------


class Partition(NamedTuple):
    """The key of a partition of the ledger's state: one party on one side.

    Every match lives inside one sub-account, so a party's history depends
    only on that party's events: the ledger keeps each partition's state and
    history apart, and an operation copies only the partitions it touches.

    >>> p = Partition(Side.RECEIVABLE, "10001")
    >>> str(p), Partition.parse("payable:20001")
    ('receivable:10001', Partition(side=Side.PAYABLE, party='20001'))
    """

    side: Side
    party: str

    def __str__(self) -> str:
        return f"{self.side.value}:{self.party}"

    @classmethod
    def parse(cls, text: str) -> Partition:
        """The partition *text* names (as ``str(partition)`` writes it)."""
        side, sep, party = text.partition(":") if isinstance(text, str) else ("", "", "")
        try:
            return cls(Side(side), party) if sep and party else cls._bad(text)
        except ValueError:
            return cls._bad(text)

    @staticmethod
    def _bad(text: object) -> Partition:
        raise InvalidEventError(
            f"{text!r} does not name a partition (side:party, e.g. 'receivable:10001')",
            field="partition", value=text,
        )

    @property
    def match_prefix(self) -> str:
        """The prefix of the match ids the ledger generates in this partition."""
        return f"{'C' if self.side is Side.RECEIVABLE else 'S'}{self.party}-M"


def _key(entry: Entry) -> Partition:
    return Partition(entry.side, entry.party)


_KT = TypeVar("_KT")
_VT = TypeVar("_VT")
#: A global index: in memory, or over a store's index reached by lookups.
Index: TypeAlias = PMap[_KT, _VT] | Backed[_KT, _VT]


class PartitionSource(Protocol):
    """What a store gives to open a ledger without loading it (see :meth:`Book.from_source`).

    Every method only reads: the ledger calls them when a query first needs
    a partition, an index entry or the whole history.
    """

    def event_count(self) -> int:
        """The number of events in the ledger's history."""

    def partitions(self) -> Iterable[Partition]:
        """Every partition with events."""

    def partition_events(self, partition: Partition) -> Sequence[Event]:
        """A partition's events, in order."""

    def partition_of_entry(self, entry_id: str) -> Partition | None:
        """The partition of an entry, or ``None``."""

    def partition_of_match(self, match_id: str) -> Partition | None:
        """The partition of a match, or ``None``."""

    def entries_with_reference(self, reference: str) -> tuple[str, ...] | None:
        """The ids of the entries with this payment reference, in posting order, or ``None``."""

    def entry_count(self) -> int:
        """The number of entries."""

    def match_count(self) -> int:
        """The number of matches."""

    def events(self) -> Iterable[Event]:
        """Every event, in the order of the history."""


class SnapshotSource(PartitionSource, Protocol):
    """A source that also keeps snapshots of partition states (see :func:`snapshot`)."""

    def partition_snapshot(self, partition: Partition) -> tuple[bytes, int] | None:
        """The latest snapshot of a partition and how many of its events it covers."""

    def partition_events_after(self, partition: Partition, version: int) -> Sequence[Event]:
        """A partition's events after the first *version*, in order."""


#: The first bytes of a partition snapshot, with its format version.
SNAPSHOT_MAGIC: Final = b"reskontro-partition-1\n"


def snapshot(part: Part) -> bytes:
    """A partition's state as bytes: what a store keeps so it need not replay the history."""
    fields = {name: getattr(part, name) for name in _FIELDS}
    fields["log"] = list(fields["log"])
    return SNAPSHOT_MAGIC + pickle.dumps(
        (part.local, tuple(part.key) if part.key is not None else None, fields), protocol=5
    )


class _SnapshotUnpickler(pickle.Unpickler):
    """Loads only what a snapshot holds: reskontro's own values, decimals and dates."""

    _ALLOWED: Final = {
        ("decimal", "Decimal"), ("datetime", "date"), ("builtins", "set"),
        ("builtins", "frozenset"), ("copyreg", "_reconstructor"), ("builtins", "object"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._ALLOWED or (
            module.startswith("reskontro.") and not name.startswith("_")
        ) or (module == "reskontro._state" and name in ("Part", "MatchState")):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a snapshot may not hold {module}.{name}")


def restore(data: bytes, local_currency: str, key: tuple[Side, str]) -> Part:
    """The partition state :func:`snapshot` wrote.

    Raises:
        SerializationError: the bytes are not a snapshot of this partition.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)) or not bytes(
        data[: len(SNAPSHOT_MAGIC)]
    ) == SNAPSHOT_MAGIC:
        raise SerializationError(
            f"not a reskontro partition snapshot (format {SNAPSHOT_MAGIC!r})",
            field="snapshot", value=bytes(data[:32]) if isinstance(data, bytes) else data,
        )
    try:
        local, stored_key, fields = _SnapshotUnpickler(
            io.BytesIO(bytes(data[len(SNAPSHOT_MAGIC):]))
        ).load()
    except Exception as error:
        raise SerializationError(
            f"the snapshot of {Partition(*key)} cannot be read: {error}",
            field="snapshot", value=str(Partition(*key)),
        ) from None
    if local != local_currency or tuple(stored_key or ()) != tuple(key):
        raise SerializationError(
            f"the snapshot is of {stored_key!r} in {local!r}, not of {Partition(*key)} "
            f"in {local_currency!r}",
            field="snapshot", value=str(Partition(*key)),
        )
    part = Part(local_currency, Partition(*key))
    for name in _FIELDS:
        setattr(part, name, fields[name])
    return part


class _Chunk:
    """One operation's records in the global log: a persistent, singly linked list."""

    __slots__ = ("n", "prev", "records")

    def __init__(self, records: tuple[Record, ...], prev: _Chunk | None) -> None:
        self.records = records
        self.prev = prev
        self.n: int = len(records) + (0 if prev is None else prev.n)

    def chunks(self, after: int = 0) -> list[tuple[Record, ...]]:
        """The record tuples after the first *after* records, oldest first."""
        found: list[tuple[Record, ...]] = []
        chunk: _Chunk | None = self
        while chunk is not None and chunk.n > after:
            found.append(chunk.records)
            chunk = chunk.prev
        if found:
            found.reverse()
            start = (0 if chunk is None else chunk.n)
            if after > start:
                found[0] = found[0][after - start:]
        return found


class _StoredChunk(_Chunk):
    """The history a store holds: its records are read on first need."""

    __slots__ = ("source",)

    def __init__(self, source: PartitionSource) -> None:
        self.source = source
        self.prev = None
        self.n = source.event_count()

    def __getattr__(self, name: str) -> Any:
        if name != "records":
            raise AttributeError(name)
        records = tuple(map(_as_record, self.source.events()))
        if len(records) != self.n:
            raise InvalidEventError(
                f"the store holds {len(records)} events, not the {self.n} it counted",
                field="events", value=len(records),
            )
        self.records = records
        return records


def _as_record(event: Event) -> Record:
    return event.entry if type(event) is EntryPosted else event


class _StoredPart(Part):
    """A partition a store holds: folded from its events on first access."""

    __slots__ = ("_source",)

    def __init__(self, local: str, key: Partition, source: PartitionSource) -> None:
        object.__setattr__(self, "_source", source)
        self.local = local
        self.key = key

    def __getattr__(self, name: str) -> Any:
        if name not in Part.__slots__:
            raise AttributeError(name)
        key = self.key
        assert key is not None
        loaded = _load_part(self.local, Partition(*key), self._source)
        for slot in Part.__slots__:
            if slot not in ("local", "key"):
                setattr(self, slot, getattr(loaded, slot))
        self.owned = set()
        self.foreign = _nowhere
        return getattr(self, name)


def _load_part(local: str, key: Partition, source: PartitionSource) -> Part:
    """A partition's state from its snapshot and the events after it, or from all its events."""
    found = None
    if hasattr(source, "partition_snapshot"):
        found = cast(SnapshotSource, source).partition_snapshot(key)
    if found is None:
        book = Book.replay(local, source.partition_events(key))
        return book.parts.get(key) or Part(local, key)
    data, version = found
    part = restore(data, local, key)
    if len(part.log) != version:
        raise SerializationError(
            f"the snapshot of {key} holds {len(part.log)} events, not the {version} it claims",
            field="snapshot", value=str(key),
        )
    tail = cast(SnapshotSource, source).partition_events_after(key, version)
    if not tail:
        return part
    # replay the tail on a book of this one partition
    book = Book(local)
    book.parts = PMap.of([(key, part.frozen())])
    book.where = PMap.of((entry_id, key) for entry_id in part.entries)
    book.mwhere = PMap.of((match_id, key) for match_id in part.matches)
    txn = Txn(book)
    for event in tail:
        if type(event) is EntryPosted:
            txn.post_many([event.entry], batch=False)
        else:
            txn.apply(event)
    return txn.finish().parts[key]


class Book:
    """The ledger's whole state: partitions plus global indexes, all persistent.

    A book is never changed: a :class:`Txn` drafts the next one, copying only
    the partitions the operation touches; an error or an interrupt anywhere
    in the draft leaves every existing book as it was.
    """

    __slots__ = ("kid", "local", "log", "mwhere", "parts", "where")

    def __init__(self, local_currency: str) -> None:
        self.local = local_currency
        self.parts: PMap[tuple[Side, str], Part] = PMap()
        #: entry id -> its partition
        self.where: Index[str, Partition] = PMap()
        #: match id -> its partition
        self.mwhere: Index[str, Partition] = PMap()
        #: payment reference (KID) -> the ids of the entries that carry it
        self.kid: Index[str, tuple[str, ...]] = PMap()
        self.log: _Chunk | None = None

    @property
    def n(self) -> int:
        return 0 if self.log is None else self.log.n

    def records(self, after: int = 0) -> Iterator[Record]:
        if self.log is not None:
            for chunk in self.log.chunks(after):
                yield from chunk

    @classmethod
    def from_source(cls, local_currency: str, source: PartitionSource) -> Book:
        """A book whose partitions, indexes and history a store supplies on demand.

        Opening costs the number of partitions; a query on one party folds
        that party's events when it first needs them.
        """
        book = cls(local_currency)
        book.parts = PMap.of(
            (Partition(*key), _StoredPart(local_currency, Partition(*key), source))
            for key in source.partitions()
        )
        book.where = Backed(source.partition_of_entry, source.entry_count())
        book.mwhere = Backed(source.partition_of_match, source.match_count())
        book.kid = Backed(source.entries_with_reference, 0)
        book.log = _StoredChunk(source) if source.event_count() else None
        return book

    @classmethod
    def replay(cls, local_currency: str, records: Iterable[Record | EntryPosted]) -> Book:
        """The fold of *records* (a whole history, or a dated prefix of one).

        The fast path sorts the records into their partitions in one pass and
        folds each partition on its own, building the global indexes once at
        the end. Any fault sends it to the exact path, which applies the
        records one by one in order and so refuses the first bad one.
        """
        listed = [
            record.entry if type(record) is EntryPosted else record for record in records
        ]
        try:
            return cls._fold(local_currency, listed)  # type: ignore[arg-type]
        except (_FoldError, ReskontroError, KeyError, TypeError, AttributeError, IndexError):
            return cls._replay_in_order(local_currency, listed)  # type: ignore[arg-type]

    @classmethod
    def _fold(cls, local: str, records: list[Record]) -> Book:
        where: dict[str, Partition] = {}
        mwhere: dict[str, Partition] = {}
        refs: dict[str, list[str]] = {}
        by_part: dict[tuple[Side, str], list[Record]] = {}
        keys: dict[tuple[Side, str], Partition] = {}
        for record in records:
            kind = type(record)
            if kind is Entry:
                pair = (record.side, record.party)  # type: ignore[union-attr]
                key = keys.get(pair)
                if key is None:
                    key = keys[pair] = Partition(*pair)
                entry_id = record.id  # type: ignore[union-attr]
                if entry_id in where:
                    raise _FoldError
                where[entry_id] = key
                if record.reference is not None:  # type: ignore[union-attr]
                    refs.setdefault(record.reference, []).append(entry_id)  # type: ignore[union-attr]
            elif kind is EntriesMatched:
                if record.extend:  # type: ignore[union-attr]
                    key = mwhere[record.match_id]  # type: ignore[union-attr]
                else:
                    key = where[record.entry_ids[0]]  # type: ignore[union-attr]
                    if record.match_id in mwhere:  # type: ignore[union-attr]
                        raise _FoldError
                    mwhere[record.match_id] = key  # type: ignore[union-attr]
            elif kind is EntryUnmatched or kind is MatchDissolved:
                key = mwhere[record.match_id]  # type: ignore[union-attr]
            elif kind is DueDateChanged:
                key = where[record.entry_id]  # type: ignore[union-attr]
            elif kind is EntryReversed:
                key = where[record.entry_id]  # type: ignore[union-attr]
                reversal = record.reversal  # type: ignore[union-attr]
                if reversal.id in where or record.match_id in mwhere:  # type: ignore[union-attr]
                    raise _FoldError
                where[reversal.id] = key
                mwhere[record.match_id] = key  # type: ignore[union-attr]
                if reversal.reference is not None:
                    refs.setdefault(reversal.reference, []).append(reversal.id)
            elif kind is NoticeRecorded:
                key = where[record.entry_ids[0]]  # type: ignore[union-attr]
                if any(where[i] != key for i in record.entry_ids):  # type: ignore[union-attr]
                    raise _FoldError
            else:
                raise _FoldError
            found = by_part.get(key)
            if found is None:
                by_part[key] = [record]
            else:
                found.append(record)
        parts: list[tuple[tuple[Side, str], Part]] = []
        for pair, mine in by_part.items():
            part = Part(local, keys.get(pair) or Partition(*pair))
            run: list[Entry] = []
            for record in mine:
                if type(record) is Entry:
                    run.append(record)
                    continue
                if run:
                    part.post_many(run, batch=False)
                    run = []
                part.apply(record)
            if run:
                part.post_many(run, batch=False)
            part.log = mine
            parts.append((part.key or pair, part.frozen()))
        book = cls(local)
        book.parts = PMap.of(parts)
        book.where = PMap.of(where.items())
        book.mwhere = PMap.of(mwhere.items())
        book.kid = PMap.of((ref, tuple(ids)) for ref, ids in refs.items())
        book.log = _Chunk(tuple(records), None) if records else None
        return book

    @classmethod
    def _replay_in_order(cls, local_currency: str, records: list[Record]) -> Book:
        txn = Txn(cls(local_currency))
        postings: list[Entry] = []
        for record in records:
            if type(record) is EntryPosted:
                record = record.entry
            if type(record) is Entry:
                postings.append(record)
                continue
            if postings:
                txn.post_many(postings, batch=False)
                postings = []
            txn.apply(record)
        if postings:
            txn.post_many(postings, batch=False)
        return txn.finish()

    # -- reading -----------------------------------------------------------------------

    def part(self, key: tuple[Side, str]) -> Part | None:
        return self.parts.get(key)

    def part_of(self, entry: Entry) -> Part:
        return self.parts[(entry.side, entry.party)]

    def key_of_entry(self, entry_id: object) -> Partition | None:
        return self.where.get(entry_id) if type(entry_id) is str else None

    def key_of_match(self, match_id: object) -> Partition | None:
        return self.mwhere.get(match_id) if type(match_id) is str else None

    def part_of_entry(self, entry_id: object) -> Part:
        key = self.key_of_entry(entry_id)
        return _EMPTY if key is None else self.parts[key]

    def part_of_match(self, match_id: object) -> Part:
        key = self.key_of_match(match_id)
        return _EMPTY if key is None else self.parts[key]

    def entry(self, entry_id: str) -> Entry:
        return self.part_of_entry(entry_id).entry(entry_id)

    def match(self, match_id: str) -> MatchState:
        return self.part_of_match(match_id).match(match_id)

    def live_match(self, match_id: str, what: object) -> MatchState:
        return self.part_of_match(match_id).live_match(match_id, what)

    def match_id_of(self, entry_id: object) -> str | None:
        part = self.part_of_entry(entry_id)
        return part.match_of.get(entry_id) if type(entry_id) is str else None

    def released(self, entry_id: str) -> date | None:
        return self.part_of_entry(entry_id).released_on.get(entry_id)

    def reversal_of(self, entry_id: str) -> str | None:
        return self.part_of_entry(entry_id).reversed_by.get(entry_id)

    def revaluations_of(self, entry_id: str) -> list[str]:
        return self.part_of_entry(entry_id).revalued_by.get(entry_id, [])

    def has_entry(self, entry_id: object) -> bool:
        return self.key_of_entry(entry_id) is not None

    def entry_count(self) -> int:
        return len(self.where)

    def all_entries(self) -> Iterator[Entry]:
        """Every entry, in posting order."""
        for record in self.records():
            if type(record) is Entry:
                yield record
            elif type(record) is EntryReversed:
                yield record.reversal

    def matches_in(
        self, keys: Sequence[tuple[Side, str]] | None
    ) -> Iterator[tuple[Part, MatchState]]:
        """The matches of partitions *keys* (``None``: all, in creation order), with their part."""
        if keys is None:
            parts = self.parts
            mwhere = self.mwhere
            for ms in self.all_matches():
                yield parts[mwhere[ms.id]], ms
            return
        for key in keys:
            part = self.parts.get(key)
            if part is not None:
                for ms in part.matches.values():
                    yield part, ms

    def all_matches(self) -> Iterator[MatchState]:
        """Every match, in creation order."""
        parts = self.parts
        for record in self.records():
            if type(record) is EntriesMatched:
                if record.extend:
                    continue
                match_id = record.match_id
            elif type(record) is EntryReversed:
                match_id = record.match_id
            else:
                continue
            part = parts[self.mwhere[match_id]]
            yield part.matches[match_id]

    def sorted_parts(self) -> list[Part]:
        return [self.parts[key] for key in sorted(self.parts.keys())]

    def sub_part(self, sub: SubAccount) -> Part | None:
        return self.parts.get((sub.side, sub.party))

    def key_of_record(self, record: Record) -> Partition:
        """The partition an event of this book's history belongs to."""
        if type(record) is Entry:
            return _key(record)
        if type(record) is EntriesMatched:
            if record.extend:
                return self.mwhere[record.match_id]
            return self.where[record.entry_ids[0]]
        if type(record) in (EntryUnmatched, MatchDissolved):
            return self.mwhere[record.match_id]  # type: ignore[union-attr]
        if type(record) in (DueDateChanged, EntryReversed):
            return self.where[record.entry_id]  # type: ignore[union-attr]
        if type(record) is NoticeRecorded:
            return self.where[record.entry_ids[0]]
        if type(record) is EntryPosted:
            return _key(record.entry)
        raise InvalidEventError(  # pragma: no cover - every record is an event
            f"{record!r} is not a reskontro event", field="event", value=record
        )

    def select(self, keys: Iterable[Partition], on: date) -> Book:
        """A book of just the partitions *keys*, each replayed up to and including *on*.

        A partition's history depends only on its own events, so this costs
        the size of those partitions, not of the ledger.
        """
        records: list[Record] = []
        for key in keys:
            part = self.parts.get(key)
            if part is not None:
                records.extend(r for r in part.log if _dated(r) <= on)
        return Book.replay(self.local, records)


class _FoldError(Exception):
    """The fast fold met something only the exact, in-order replay can judge."""


def _dated(record: Record) -> date:
    return record.posted if type(record) is Entry else record.on


_EMPTY: Final = Part("XXX")


class Txn:
    """The draft of the next :class:`Book`: owns copies of the partitions it changes."""

    __slots__ = ("base", "kid", "mwhere", "numbers", "owned", "records", "where")

    def __init__(self, base: Book) -> None:
        self.base = base
        self.owned: dict[tuple[Side, str], Part] = {}
        self.where: Overlay[str, Partition] = Overlay(base.where)
        self.mwhere: Overlay[str, Partition] = Overlay(base.mwhere)
        self.kid: Overlay[str, tuple[str, ...]] = Overlay(base.kid)
        self.records: list[Record] = []
        #: the next generated match number per partition, once asked
        self.numbers: dict[Partition, tuple[str, int]] = {}

    def _foreign(self, entry_id: str) -> tuple[Entry, str | None] | None:
        key = self.where.get(entry_id)
        if key is None:
            return None
        part = self.read(key)
        return part.entries[entry_id], part.match_of.get(entry_id)

    def read(self, key: tuple[Side, str]) -> Part:
        part = self.owned.get(key)
        if part is not None:
            return part
        found = self.base.parts.get(key)
        return _EMPTY if found is None else found

    def own(self, key: tuple[Side, str]) -> Part:
        part = self.owned.get(key)
        if part is None:
            found = self.base.parts.get(key)
            part = Part(self.base.local, key) if found is None else found.copy()
            part.foreign = self._foreign
            self.owned[key] = part
        return part

    def _entry_key(self, entry_id: object) -> Partition | None:
        return self.where.get(entry_id) if type(entry_id) is str else None

    def _match_key(self, match_id: object) -> Partition | None:
        return self.mwhere.get(match_id) if type(match_id) is str else None

    def entry(self, entry_id: str) -> Entry:
        key = self._entry_key(entry_id)
        return (_EMPTY if key is None else self.read(key)).entry(entry_id)

    def live_match(self, match_id: str, what: object) -> MatchState:
        key = self._match_key(match_id)
        return (_EMPTY if key is None else self.read(key)).live_match(match_id, what)

    def part_of_entry(self, entry_id: object) -> Part:
        key = self._entry_key(entry_id)
        return _EMPTY if key is None else self.read(key)

    def match_id_of(self, entry_id: object) -> str | None:
        part = self.part_of_entry(entry_id)
        return part.match_of.get(entry_id) if type(entry_id) is str else None

    def released(self, entry_id: str) -> date | None:
        return self.part_of_entry(entry_id).released_on.get(entry_id)

    def reversal_of(self, entry_id: str) -> str | None:
        return self.part_of_entry(entry_id).reversed_by.get(entry_id)

    def revaluations_of(self, entry_id: str) -> list[str]:
        return self.part_of_entry(entry_id).revalued_by.get(entry_id, [])

    # -- posting -----------------------------------------------------------------------

    def check_posting(self, entries: Sequence[Entry], *, batch: bool = True) -> None:
        """Refuse a batch with a duplicate id, a non-entry, or a wrong local currency."""
        where = self.where
        local = self.base.local
        if set(map(type, entries)) <= {Entry}:
            ids = [entry.id for entry in entries]
            if (
                len(set(ids)) == len(ids)
                and not any(i in where for i in ids)
                and {entry.local_currency for entry in entries} <= {local}
            ):
                self._check_revalues(entries)
                return
        _refuse_first(entries, where, local, batch)
        self._check_revalues(entries)

    def _check_revalues(self, entries: Sequence[Entry]) -> None:
        revaluing = [e for e in entries if e.revalues is not None]
        if revaluing:
            part = self.read(_key(revaluing[0]))
            checker = Part(self.base.local) if part is _EMPTY else part
            saved = checker.foreign
            checker.foreign = self._foreign
            try:
                checker._check_revalues(revaluing, entries)
            finally:
                checker.foreign = saved

    def post_many(
        self, entries: Sequence[Entry], *, checked: bool = False, batch: bool = True
    ) -> None:
        if not checked:
            self.check_posting(entries, batch=batch)
        groups: dict[tuple[Side, str], list[Entry]] = {}
        for entry in entries:
            pair = (entry.side, entry.party)
            group = groups.get(pair)
            if group is None:
                groups[pair] = [entry]
            else:
                group.append(entry)
        references: dict[str, list[str]] = {}
        for pair, group in groups.items():
            key = Partition(*pair)
            part = self.own(key)
            part.post_many(group, checked=True)
            part._w("log").extend(group)
            self.where.update([(entry.id, key) for entry in group])
            for entry in group:
                reference = entry.reference
                if reference is not None:
                    found = references.get(reference)
                    if found is None:
                        references[reference] = [entry.id]
                    else:
                        found.append(entry.id)
        if references:
            kid = self.kid
            kid.update([(ref, (*kid.get(ref, ()), *ids)) for ref, ids in references.items()])
        self.records.extend(entries)

    # -- other events ------------------------------------------------------------------------

    def apply(self, event: Event, policy: PostAgainstPost = PostAgainstPost.OFF) -> None:
        """Validate *event* against the draft, then apply it; refuse it unchanged."""
        kind = type(event)
        if kind is EntryPosted:
            self.post_many([event.entry])  # type: ignore[union-attr]
            return
        if kind is EntriesMatched and not event.extend:  # type: ignore[union-attr]
            self.new_match(
                event.match_id, event.entry_ids,  # type: ignore[union-attr]
                _check_on(event.on, f"match {event.match_id!r}"),  # type: ignore[union-attr]
                event.allocations, event.close_policy, policy,  # type: ignore[union-attr]
                event.rates,  # type: ignore[union-attr]
                record=event,  # type: ignore[arg-type]
            )
            return
        if kind in (EntriesMatched, EntryUnmatched, MatchDissolved):
            key = self._match_key(event.match_id)  # type: ignore[union-attr]
        elif kind in (DueDateChanged, EntryReversed):
            key = self._entry_key(event.entry_id)  # type: ignore[union-attr]
            if kind is EntryReversed:
                self._check_reversal(event)  # type: ignore[arg-type]
        elif kind is NoticeRecorded:
            key = self._notice_key(event)  # type: ignore[arg-type]
        else:
            raise InvalidEventError(
                f"{event!r} is not a reskontro event", field="event", value=event
            )
        if key is None:
            # nothing to route to: the empty partition refuses it with the right error
            Part(self.base.local).apply(event, policy)
            raise InvalidEventError(  # pragma: no cover - the empty partition refuses all
                f"{event!r} names nothing in the ledger", field="event", value=event
            )
        part = self.own(key)
        part.apply(event, policy)
        part._w("log").append(event)
        self.records.append(event)
        if kind is EntryReversed:
            reversal = event.reversal  # type: ignore[union-attr]
            self.where[reversal.id] = key
            self.mwhere[event.match_id] = key  # type: ignore[union-attr]
            if reversal.reference is not None:
                self.kid[reversal.reference] = (*self.kid.get(reversal.reference, ()), reversal.id)

    def _check_reversal(self, event: EntryReversed) -> None:
        reversal = event.reversal
        if isinstance(reversal, Entry) and reversal.id in self.where:
            raise DuplicateEntryError(
                f"entry {reversal.id!r} is already in the ledger",
                entry_id=reversal.id, field="id", value=reversal.id,
            )
        if type(event.match_id) is str and event.match_id in self.mwhere:
            raise DuplicateMatchError(
                f"reversing {event.entry_id!r}: match id {event.match_id!r} is already used",
                field="match_id", value=event.match_id,
            )

    def _notice_key(self, event: NoticeRecorded) -> Partition | None:
        ids = event.entry_ids
        keys = {self._entry_key(i) for i in ids} if isinstance(ids, tuple) else set()
        if len(keys) > 1:
            parties = sorted({str(k) for k in keys if k is not None})
            missing = next((i for i in ids if self._entry_key(i) is None), None)
            if missing is not None:
                raise EntryNotFoundError(
                    f"no entry {missing!r} in the ledger", entry_id=_as_id(missing),
                    field="entry_id", value=missing,
                )
            raise NoticeError(
                f"recording a notice about {ids!r}: the entries belong to {', '.join(parties)}; "
                f"a notice is about one party's entries",
                field="entry_ids", value=ids,
            )
        return next(iter(keys), None)

    def new_match_id(self, key: Partition, taken: Sequence[str] = ()) -> str:
        """The next generated match id of partition *key*: its own count, plus one."""
        found = self.numbers.get(key)
        if found is None:
            part = self.owned.get(key) or self.base.parts.get(key)
            prefix, number = key.match_prefix, (0 if part is None else len(part.matches)) + 1
        else:
            prefix, number = found
        mwhere = self.mwhere
        match_id = f"{prefix}{number}"
        while match_id in mwhere or match_id in taken:
            number += 1
            match_id = f"{prefix}{number}"
        if not taken:
            self.numbers[key] = (prefix, number + 1)
        return match_id

    def new_match(
        self,
        match_id: str | None,
        entry_ids: tuple[str, ...],
        on: date | None,
        allocations: tuple[Allocation, ...],
        close_policy: ClosePolicy | None,
        policy: PostAgainstPost,
        rates: tuple[tuple[str, Decimal], ...] = (),
        record: EntriesMatched | None = None,
    ) -> EntriesMatched:
        """Validate and apply a new match (with a generated id when *match_id* is None).

        The history keeps *record* (an event applied as given) or else the
        event with its date and policy resolved.
        """
        first = entry_ids[0] if entry_ids and type(entry_ids) is tuple else None
        key = self._entry_key(first)
        if key is None:
            if match_id is None:
                match_id = "(new)"
            part = Part(self.base.local)
            part.foreign = self._foreign
            part.new_match(match_id, entry_ids, on, allocations, close_policy, policy, rates)
            raise InvalidEventError(  # pragma: no cover - the empty partition refuses all
                f"match {match_id!r} names nothing in the ledger", field="entry_ids",
                value=entry_ids,
            )
        if match_id is None:
            match_id = self.new_match_id(key)
        elif type(match_id) is str and match_id in self.mwhere:
            raise DuplicateMatchError(
                f"match id {match_id!r} is already used", field="match_id", value=match_id
            )
        part = self.own(key)
        event = part.new_match(match_id, entry_ids, on, allocations, close_policy, policy, rates)
        logged = event if record is None else record
        part._w("log").append(logged)
        self.mwhere[match_id] = key
        self.records.append(logged)
        return event

    def finish(self) -> Book:
        base = self.base
        book = object.__new__(Book)
        book.local = base.local
        if self.owned:
            parts = base.parts.mutate()
            for key, part in self.owned.items():
                parts[key] = part.frozen()
            book.parts = parts.finish()
        else:
            book.parts = base.parts
        book.where = self.where.finish()
        book.mwhere = self.mwhere.finish()
        book.kid = self.kid.finish()
        book.log = _Chunk(tuple(self.records), base.log) if self.records else base.log
        self.owned = {}
        return book
