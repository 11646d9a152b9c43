"""A hand-written dict-and-loop baseline: the work reskontro does, without reskontro.

This is what a careful programmer would write for a one-off job on the raw
rows of :mod:`workload`: plain dicts, plain loops, ``Decimal`` sums. It does
the same five steps the benchmark times on reskontro, on the same rows:

1. :func:`validate`: check every row (known kind, non-empty id and party,
   a ``date``, an amount that is a ``Decimal`` with at most 2 decimals) and
   build one dict per entry (the counterpart of building ``Entry`` objects);
2. :func:`post`: store the entries by id (refusing duplicates), list them per
   sub-account ``(side, party, account)`` and keep a running sum per
   sub-account;
3. :func:`match`: apply each match group: every id must exist, be unmatched
   and be on one sub-account; a group that sums to zero closes, otherwise
   debits and credits are set against each other oldest first (by due date,
   else posting date, then posting date, then id) and each member keeps its
   remaining amount;
4. :func:`balances`: the balance of every sub-account, sorted by key;
5. :func:`open_items`: every entry with something left (unmatched, or
   matched with a remaining amount), in posting order, and their total.

It does less than reskontro on purpose (no event log, no history, no
foreign currency, no immutability), which is what makes it the yardstick.

>>> from workload import generate
>>> w = generate(50, seed=3)
>>> store = post(validate(w.rows))
>>> match(store, w.groups)
>>> items, total = open_items(store)
>>> sum(balances(store).values()) == total
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final

__all__ = ["BaselineError", "Store", "balances", "match", "open_items", "post", "validate"]

_CENT: Final = Decimal("0.01")
_ZERO: Final = Decimal(0)
_KINDS: Final = frozenset({"invoice", "payment", "credit_note"})

Record = dict[str, Any]
SubKey = tuple[str, str, str]


class BaselineError(ValueError):
    """A row or a match group the baseline refuses."""


class Store:
    """The baseline's ledger: a few dicts."""

    __slots__ = ("by_sub", "entries", "match_of", "remaining", "sums")

    def __init__(self) -> None:
        self.entries: dict[str, Record] = {}
        self.by_sub: dict[SubKey, list[str]] = {}
        self.sums: dict[SubKey, Decimal] = {}
        #: entry id -> match number
        self.match_of: dict[str, int] = {}
        #: entry id -> remaining amount, for members of matches that did not close
        self.remaining: dict[str, Decimal] = {}


def validate(rows: Iterable[Sequence[Any]]) -> list[Record]:
    """Step 1: check each raw row and turn it into a dict record."""
    records: list[Record] = []
    append = records.append
    for row in rows:
        entry_id, kind, side, party, account, amount, posted, due, document_no, reference = row
        if type(entry_id) is not str or not entry_id:
            raise BaselineError(f"bad id {entry_id!r}")
        if kind not in _KINDS:
            raise BaselineError(f"{entry_id}: unknown kind {kind!r}")
        if type(party) is not str or not party:
            raise BaselineError(f"{entry_id}: bad party {party!r}")
        if type(amount) is not Decimal:
            raise BaselineError(f"{entry_id}: amount {amount!r} is not a Decimal")
        if amount.quantize(_CENT) != amount:
            raise BaselineError(f"{entry_id}: amount {amount} has more than 2 decimals")
        if type(posted) is not date:
            raise BaselineError(f"{entry_id}: posted {posted!r} is not a date")
        append(
            {
                "id": entry_id,
                "kind": kind,
                "sub": (side, party, account),
                "amount": amount,
                "posted": posted,
                "due": due,
                "document_no": document_no,
                "reference": reference,
            }
        )
    return records


def post(records: Iterable[Record]) -> Store:
    """Step 2: store records by id and per sub-account, with a running sum per sub-account."""
    store = Store()
    entries = store.entries
    by_sub = store.by_sub
    sums = store.sums
    for record in records:
        entry_id = record["id"]
        if entry_id in entries:
            raise BaselineError(f"duplicate id {entry_id!r}")
        entries[entry_id] = record
        sub = record["sub"]
        ids = by_sub.get(sub)
        if ids is None:
            by_sub[sub] = [entry_id]
            sums[sub] = record["amount"]
        else:
            ids.append(entry_id)
            sums[sub] += record["amount"]
    return store


def _oldest_first(record: Record) -> tuple[date, date, str]:
    due = record["due"]
    return (due if due is not None else record["posted"], record["posted"], record["id"])


def match(store: Store, groups: Iterable[Sequence[str]]) -> None:
    """Step 3: apply every match group (see the module docstring)."""
    entries = store.entries
    match_of = store.match_of
    remaining = store.remaining
    for number, group in enumerate(groups, start=1):
        members: list[Record] = []
        sub = None
        total = _ZERO
        for entry_id in group:
            record = entries.get(entry_id)
            if record is None:
                raise BaselineError(f"match {number}: no entry {entry_id!r}")
            if entry_id in match_of:
                raise BaselineError(f"match {number}: {entry_id!r} is already matched")
            if sub is None:
                sub = record["sub"]
            elif record["sub"] != sub:
                raise BaselineError(f"match {number}: {entry_id!r} is on another sub-account")
            members.append(record)
            total += record["amount"]
        if not members:
            raise BaselineError(f"match {number}: no entries")
        for record in members:
            match_of[record["id"]] = number
        if not total:
            continue  # closed: every member has nothing left
        members.sort(key=_oldest_first)
        left = {record["id"]: record["amount"] for record in members}
        debits = [record["id"] for record in members if record["amount"] > 0]
        creds = [record["id"] for record in members if record["amount"] < 0]
        i = j = 0
        while i < len(debits) and j < len(creds):
            d, c = debits[i], creds[j]
            applied = min(left[d], -left[c])
            left[d] -= applied
            left[c] += applied
            if not left[d]:
                i += 1
            if not left[c]:
                j += 1
        remaining.update(left)


def balances(store: Store) -> dict[SubKey, Decimal]:
    """Step 4: the balance of every sub-account, sorted by (side, party, account)."""
    sums = store.sums
    return {sub: sums[sub] for sub in sorted(sums)}


def open_items(store: Store) -> tuple[list[tuple[str, Decimal]], Decimal]:
    """Step 5: (id, remaining) of every open entry in posting order, and their total."""
    match_of = store.match_of
    remaining = store.remaining
    found: list[tuple[str, Decimal]] = []
    total = _ZERO
    for entry_id, record in store.entries.items():
        if entry_id not in match_of:
            left = record["amount"]
        else:
            left = remaining.get(entry_id, _ZERO)
            if not left:
                continue
        found.append((entry_id, left))
        total += left
    return found, total
