"""Matches (koblinger): groups of entries that settle each other, and how they allocate.

A *match* groups entries of **one sub-account** (same side, party and control
account) that settle each other: an invoice and its payment, an invoice, a
credit note and a partial payment, one payment over three invoices. It has a
stable id (the koblings-id), an *application date* that is never earlier than
the latest posting date of its members, and a :class:`ClosePolicy`.

Outstanding and closing
-----------------------
The *outstanding* amount of a match is the sum of its members, per
transaction currency and in local currency. Under the default policy
(:attr:`ClosePolicy.ALL_CURRENCIES`) a match is **closed** when that sum is
zero in every transaction currency *and* in local currency; under the
per-match override :attr:`ClosePolicy.LOCAL_ONLY` it is closed when the local
sum is zero (for a payment registered in the wrong currency). The members of a
closed match are closed items. A single-entry match closes a zero-amount entry.

Allocation and remaining amounts
--------------------------------
Inside a match, credits are *allocated* to debits. Explicit allocations (the
caller's "amount to apply" per credit/debit pair) are taken first; whatever is
left is allocated oldest first: debits ordered by due date (the posting date
when there is none), then posting date, then id, and credits likewise. This
gives every member a *remaining amount* in its transaction currency. Remaining
amounts never change sign and never exceed the original amount.

The remaining amount in local currency is the transaction remaining valued at
the entry's own booking (exact for local-currency entries; pro rata, rounded
to the minor unit, for foreign ones). Any local difference the match holds
beyond that (an exchange difference not yet settled, or the unrealized
difference a revalued item carries) is carried by the newest members whose
sign fits, documents before adjustment entries, so that the remaining amounts
of a match always add up to its outstanding amount, to the last minor unit.

A match across transaction currencies (enabled per ledger, with rates) is
allocated in its *base currency*: each member in another currency joins
converted at the rates recorded when it joined.

An entry is an **open item** exactly when its remaining amount is not zero
under its match's close policy. An overpayment stays open on the payment. An
entry in no match is open (a zero-amount entry too, until it is matched alone
or the ledger auto-closes zero entries).

Post against post
-----------------
Debt collectors need each invoice matched with its own payments ("post mot
post"): a match must not hold several invoices *and* several payments. One
invoice with several payments and credit notes is fine, and so is one payment
over several invoices. :class:`PostAgainstPost` chooses whether a breach is
allowed, warned about (the default) or refused. Adjustment entries (FX gain and
loss, discount, tolerance) do not count on either side.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> nok = lambda s: Money(s, "NOK")
>>> ledger = Ledger("NOK").post_many([
...     Entry.invoice("F-1", party="1", amount=nok("1000"), posted=date(2026, 1, 2),
...                   due=date(2026, 1, 16)),
...     Entry.payment("P-1", party="1", amount=nok("-400"), posted=date(2026, 1, 10)),
... ])
>>> ledger = ledger.match(["F-1", "P-1"], match_id="K-1")
>>> m = ledger.get_match("K-1")
>>> m.is_closed, m.outstanding_local, m.applied_on
(False, Money('600.00', 'NOK'), datetime.date(2026, 1, 10))
>>> [(a.credit_id, a.debit_id, a.amount) for a in m.allocations]
[('P-1', 'F-1', Money('400.00', 'NOK'))]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Final, final

import attrs

from reskontro.currency import quantum
from reskontro.display import Column, Tabular
from reskontro.entries import Entry, EntryKind, SubAccount
from reskontro.exceptions import OverallocationError
from reskontro.money import CONTEXT, Money

__all__ = [
    "Allocation",
    "ClosePolicy",
    "DerivedEntries",
    "Match",
    "MatchRow",
    "MatchRowList",
    "PostAgainstPost",
    "allocation_order",
    "is_derived",
]


class ClosePolicy(enum.StrEnum):
    """When a match counts as closed.

    >>> ClosePolicy("local_only")
    ClosePolicy.LOCAL_ONLY
    """

    #: Closed when the members sum to zero in every transaction currency and in
    #: local currency (the default; 24SevenOffice's currency-match rule).
    ALL_CURRENCIES = "all_currencies"
    #: Closed when the members sum to zero in local currency alone: the
    #: override for payments registered in the wrong currency.
    LOCAL_ONLY = "local_only"

    def __repr__(self) -> str:
        return f"ClosePolicy.{self.name}"


class PostAgainstPost(enum.StrEnum):
    """What to do when a match would hold several invoices *and* several payments.

    >>> PostAgainstPost("refuse")
    PostAgainstPost.REFUSE
    """

    #: Allow it silently.
    OFF = "off"
    #: Allow it, with a :class:`~reskontro.exceptions.PostAgainstPostWarning`.
    WARN = "warn"
    #: Refuse it with a :class:`~reskontro.exceptions.PostAgainstPostError`.
    REFUSE = "refuse"

    def __repr__(self) -> str:
        return f"PostAgainstPost.{self.name}"


@final
@attrs.frozen(repr=False)
class Allocation:
    """An amount of a credit applied to a debit inside a match.

    Given to :meth:`Ledger.match <reskontro.Ledger.match>` it is an explicit
    "amount to apply"; returned by the ledger it is the allocation in force.
    The amount is positive and in the pair's transaction currency.

    >>> Allocation("P-1", "F-1", Money("250", "NOK"))
    Allocation('P-1', 'F-1', Money('250.00', 'NOK'))
    """

    credit_id: str
    debit_id: str
    amount: Money

    def __repr__(self) -> str:
        return f"Allocation({self.credit_id!r}, {self.debit_id!r}, {self.amount!r})"


#: Kinds that adjust a match rather than take part in it as a document.
ADJUSTMENT_KINDS: Final = frozenset(
    {
        EntryKind.FX_GAIN, EntryKind.FX_LOSS, EntryKind.FX_UNREALIZED_GAIN,
        EntryKind.FX_UNREALIZED_LOSS, EntryKind.DISCOUNT, EntryKind.TOLERANCE,
    }
)


#: Kinds of the exchange differences an application realizes or reverses.
_FX_REALIZED: Final = frozenset({EntryKind.FX_GAIN, EntryKind.FX_LOSS})
_FX_UNREALIZED: Final = frozenset({EntryKind.FX_UNREALIZED_GAIN, EntryKind.FX_UNREALIZED_LOSS})


def is_derived(entry: Entry) -> bool:
    """Whether *entry* is one an application books into a match (and an undo must reverse).

    These are the realized exchange differences, the settled share of an
    unrealized difference that a settlement reverses (an unrealized entry
    without a rate), and discounts and tolerances. A revaluation at a period
    end (an unrealized entry with its closing rate) is not: it belongs to the
    item it revalues and follows it in and out of matches.

    >>> from datetime import date
    >>> from reskontro.money import Money
    >>> is_derived(Entry.fx_gain("K-1-FX1", party="1", amount_local=Money("5", "NOK"),
    ...                          currency="EUR", posted=date(2026, 1, 2)))
    True
    """
    kind = entry.kind
    return (
        kind in _FX_REALIZED
        or kind is EntryKind.DISCOUNT
        or kind is EntryKind.TOLERANCE
        or (kind in _FX_UNREALIZED and entry.rate is None)
    )


def allocation_order(entry: Entry, due: date | None = None) -> tuple[date, date, str]:
    """The sort key of oldest-first allocation: (due date or posting date, posting date, id).

    >>> from datetime import date
    >>> e = Entry.payment("P-9", party="1", amount=Money("-1", "NOK"), posted=date(2026, 3, 1))
    >>> allocation_order(e)
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1), 'P-9')
    """
    when = due if due is not None else entry.due
    return (when if when is not None else entry.posted, entry.posted, entry.id)


def post_against_post_breach(members: Iterable[Entry]) -> tuple[int, int]:
    """Count the debit and credit documents of a match (adjustments excluded)."""
    n_debit = n_credit = 0
    for entry in members:
        if entry.kind in ADJUSTMENT_KINDS:
            continue
        sign = entry.value or entry.value_local
        if sign > 0:
            n_debit += 1
        elif sign < 0:
            n_credit += 1
    return n_debit, n_credit


@final
class Settlement:
    """The computed state of one match: remaining amounts, allocations, sums, closed flag.

    Internal to the engine; the public views are :class:`Match` and
    :class:`~reskontro.items.Item`.
    """

    __slots__ = ("closed", "pairs", "remaining")

    def __init__(
        self,
        remaining: dict[str, tuple[Decimal, Decimal]],
        pairs: list[tuple[str, str, Decimal]],
        closed: bool,
    ) -> None:
        self.remaining = remaining
        self.pairs = pairs
        self.closed = closed


_ZERO: Final = Decimal(0)
#: The settlement of every closed match when the pairs are not asked for.
_CLOSED: Final = Settlement({}, [], closed=True)


def settle(
    members: Sequence[Entry],
    explicit: Sequence[Allocation],
    policy: ClosePolicy,
    local_currency: str,
    dues: dict[str, date | None] | None = None,
    *,
    pairs: bool = True,
    conv: Mapping[str, tuple[Decimal, Decimal]] | None = None,
    base: str | None = None,
) -> Settlement:
    """Allocate a match's members and compute their remaining amounts.

    Args:
        members: the entries of the match (one sub-account, one transaction currency).
        explicit: explicit allocations, applied before oldest-first.
        policy: the match's close policy.
        local_currency: the ledger's local currency.
        dues: current due dates that differ from the entries' own.
        pairs: compute the allocation pairs (the ledger's own bookkeeping
            needs only the remaining amounts and the closed flag).
        conv: for a match across transaction currencies, the members that
            are converted into the *base* currency, each with the rates
            ``(rate of its own currency, rate of the base currency)``, both in
            local units per unit (1 for local currency). Allocation then runs in
            the base currency, and the pairs are in base-currency amounts.
        base: the base currency of a cross-currency match.

    Returns:
        A :class:`Settlement`. Must run in reskontro's decimal context.

    Raises:
        OverallocationError: an explicit allocation names a non-member, pairs
            two debits or two credits, or applies more than an entry has left.

    Complexity: O(m log m) for m members.
    """
    # Fast path: one debit against one credit, both in local currency.
    if len(members) == 2 and not explicit:
        a, b = members
        x, y = a.value, b.value
        if (
            a.currency == local_currency
            and b.currency == local_currency
            and ((x > 0 > y) or (x < 0 < y))
        ):
            debit, credit = (a, b) if x > 0 else (b, a)
            dx, cy = debit.value, credit.value
            applied = dx if dx <= -cy else -cy
            rd, rc = dx - applied, cy + applied
            if not pairs and not (rd or rc):
                return _CLOSED
            return Settlement(
                {debit.id: (rd, rd), credit.id: (rc, rc)},
                [(credit.id, debit.id, applied)] if applied else [],
                not (rd or rc),
            )

    if conv and base is not None:
        return _settle_across(
            members, explicit, policy, local_currency, dues, pairs, conv, base
        )
    out_local = _ZERO
    out_tx: dict[str, Decimal] = {}
    for entry in members:
        out_local += entry.value_local
        cur = entry.currency
        out_tx[cur] = out_tx.get(cur, _ZERO) + entry.value
    if policy is ClosePolicy.LOCAL_ONLY:
        closed = not out_local
    else:
        closed = not out_local and not any(out_tx.values())

    by_id = {e.id: e for e in members}
    rem: dict[str, Decimal] = {e.id: e.value for e in members}
    applied_pairs: list[tuple[str, str, Decimal]] = []
    for alloc in explicit:
        found_credit = by_id.get(alloc.credit_id)
        found_debit = by_id.get(alloc.debit_id)
        if found_credit is None or found_debit is None:
            missing = alloc.credit_id if found_credit is None else alloc.debit_id
            raise OverallocationError(
                f"allocation {alloc!r} names entry {missing!r}, which is not in the match",
                entry_id=missing,
                field="allocations",
                value=alloc,
            )
        credit, debit = found_credit, found_debit
        if not credit.value < 0 < debit.value:
            raise OverallocationError(
                f"allocation {alloc!r} must pair a credit (negative) with a debit (positive)",
                entry_id=alloc.credit_id,
                field="allocations",
                value=alloc,
            )
        if alloc.amount.currency != debit.currency or (
            alloc.amount.currency != credit.currency
        ):
            raise OverallocationError(
                f"allocation {alloc!r} is not in the currency of both entries",
                entry_id=alloc.credit_id,
                field="allocations",
                value=alloc,
            )
        amount = alloc.amount.amount
        if amount <= 0:
            raise OverallocationError(
                f"allocation {alloc!r} must apply a positive amount",
                entry_id=alloc.credit_id,
                field="allocations",
                value=alloc,
            )
        if amount > rem[debit.id]:
            raise OverallocationError(
                f"allocation {alloc!r} applies more than the {rem[debit.id]} "
                f"{debit.currency} left on entry {debit.id!r}",
                entry_id=debit.id,
                field="allocations",
                value=alloc,
            )
        if amount > -rem[credit.id]:
            raise OverallocationError(
                f"allocation {alloc!r} applies more than the {-rem[credit.id]} "
                f"{credit.currency} left on entry {credit.id!r}",
                entry_id=credit.id,
                field="allocations",
                value=alloc,
            )
        rem[debit.id] -= amount
        rem[credit.id] += amount
        applied_pairs.append((credit.id, debit.id, amount))

    def key(entry: Entry) -> tuple[date, date, str]:
        return allocation_order(entry, (dues or {}).get(entry.id, entry.due))

    ordered = sorted(members, key=key)
    for currency in out_tx:
        debit_ids = [e.id for e in ordered if e.currency == currency and rem[e.id] > 0]
        credit_ids = [e.id for e in ordered if e.currency == currency and rem[e.id] < 0]
        i = j = 0
        while i < len(debit_ids) and j < len(credit_ids):
            d, c = debit_ids[i], credit_ids[j]
            applied = min(rem[d], -rem[c])
            rem[d] -= applied
            rem[c] += applied
            applied_pairs.append((c, d, applied))
            if not rem[d]:
                i += 1
            if not rem[c]:
                j += 1

    remaining = _local_remaining(ordered, rem, local_currency)
    if closed:
        remaining = {e.id: (_ZERO, _ZERO) for e in members}
    return Settlement(remaining, _merge(applied_pairs) if pairs else [], closed)


def _to_base(value: Decimal, rates: tuple[Decimal, Decimal], base: str) -> Decimal:
    own, of_base = rates
    return (value * own / of_base).quantize(quantum(base), rounding=ROUND_HALF_EVEN)


def _settle_across(
    members: Sequence[Entry],
    explicit: Sequence[Allocation],
    policy: ClosePolicy,
    local_currency: str,
    dues: dict[str, date | None] | None,
    pairs: bool,
    conv: Mapping[str, tuple[Decimal, Decimal]],
    base: str,
) -> Settlement:
    """Settle a cross-currency match: allocate in the base currency, then convert back.

    Each converted member takes part with its amount valued in the base
    currency at its recorded rates; what is left of it is converted back
    into its own currency (exactly its amount when untouched, zero when used
    up, otherwise rounded to its minor unit and never beyond its amount).
    The match is judged in local currency: closed when the base-currency sum
    and the local sum are zero (or, under ``LOCAL_ONLY``, the local sum).
    """
    converted = [
        e if e.id not in conv else attrs.evolve(
            e, value=_to_base(e.value, conv[e.id], base), currency=base
        )
        for e in members
    ]
    inner = settle(converted, explicit, policy, local_currency, dues, pairs=pairs)
    by_id = {e.id: e for e in members}
    remaining: dict[str, tuple[Decimal, Decimal]] = {}
    for entry_id, (rem, rem_local) in inner.remaining.items():
        rates = conv.get(entry_id)
        if rates is not None and rem:
            entry = by_id[entry_id]
            full = _to_base(entry.value, rates, base)
            if rem == full:
                rem = entry.value
            else:
                own, of_base = rates
                back = (rem * of_base / own).quantize(
                    quantum(entry.currency), rounding=ROUND_HALF_EVEN
                )
                rem = min(back, entry.value) if entry.value > 0 else max(back, entry.value)
        elif rates is not None:
            rem = _ZERO
        remaining[entry_id] = (rem, rem_local)
    if not inner.closed:
        # the local remaining follows each member's own booking
        ordered = sorted(members, key=lambda e: allocation_order(e, (dues or {}).get(e.id, e.due)))
        own_rem = {i: r for i, (r, _) in remaining.items()}
        remaining = _local_remaining(ordered, own_rem, local_currency)
    return Settlement(remaining, inner.pairs, inner.closed)


def carry_over(
    members: Sequence[Entry],
    new: Sequence[Allocation],
    applied: Sequence[tuple[str, str, Decimal]],
) -> tuple[Allocation, ...]:
    """The explicit allocations of an extended match: *new* first, then what was applied.

    An extension keeps what the match had applied (so a settled invoice does
    not reopen because an older one joins), except where the caller's *new*
    explicit allocations use the same amounts: those come first, and each
    earlier application is kept as far as the entries still have room for it.
    """
    rem = {e.id: e.value for e in members}
    currency = {e.id: e.currency for e in members}
    for alloc in new:
        if alloc.debit_id in rem and alloc.credit_id in rem:
            rem[alloc.debit_id] -= alloc.amount.amount
            rem[alloc.credit_id] += alloc.amount.amount
    kept: list[Allocation] = []
    for credit_id, debit_id, amount in applied:
        take = min(amount, rem[debit_id], -rem[credit_id])
        if take > 0:
            rem[debit_id] -= take
            rem[credit_id] += take
            kept.append(Allocation(credit_id, debit_id, Money._of(take, currency[debit_id])))
    return (*new, *kept)


def _merge(pairs: list[tuple[str, str, Decimal]]) -> list[tuple[str, str, Decimal]]:
    """Merge repeated (credit, debit) pairs, keeping first-seen order."""
    merged: dict[tuple[str, str], Decimal] = {}
    for credit, debit, amount in pairs:
        merged[credit, debit] = merged.get((credit, debit), _ZERO) + amount
    return [(c, d, a) for (c, d), a in merged.items()]


def _local_remaining(
    ordered: Sequence[Entry], rem: dict[str, Decimal], local_currency: str
) -> dict[str, tuple[Decimal, Decimal]]:
    """Value each member's transaction remaining in local currency, then place the residual."""
    q = quantum(local_currency)
    target: dict[str, Decimal] = {}
    residual = _ZERO
    for entry in ordered:
        r, a, loc = rem[entry.id], entry.value, entry.value_local
        if entry.currency == local_currency:
            t = r
        elif not a or not r:
            t = _ZERO
        elif r == a:
            t = loc
        else:
            t = (loc * r / a).quantize(q, rounding=ROUND_HALF_EVEN)
        target[entry.id] = t
        residual += loc - t
    if residual:
        # The newest members whose unused local amount has the residual's sign
        # carry it; each takes no more than it has unused, so no sign changes.
        # Documents first, so that an unrealized difference a settlement keeps
        # rides on the revalued item rather than on an FX entry.
        newest = [e for e in reversed(ordered) if e.kind not in ADJUSTMENT_KINDS]
        newest += [e for e in reversed(ordered) if e.kind in ADJUSTMENT_KINDS]
        for entry in newest:
            capacity = entry.value_local - target[entry.id]
            if (residual > 0 and capacity > 0) or (residual < 0 and capacity < 0):
                take = min(capacity, residual) if residual > 0 else max(capacity, residual)
                target[entry.id] += take
                residual -= take
                if not residual:
                    break
    return {e.id: (rem[e.id], target[e.id]) for e in ordered}


@final
@attrs.frozen(kw_only=True, repr=False)
class Match:
    """A match as the ledger holds it at a point in time (a read-only view).

    >>> from datetime import date
    >>> from reskontro import Ledger
    >>> nok = lambda a: Money(a, "NOK")
    >>> match = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
    ...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
    ... ]).match(["F-1", "P-1"]).get_match("C1-M1")
    >>> match.is_closed, match.is_live, match.outstanding_local
    (True, True, Money('0.00', 'NOK'))

    Attributes:
        id: the stable match id (koblings-id).
        sub_account: the sub-account all members belong to.
        entry_ids: the members, in the order they joined.
        applied_on: the application date (when the match was created).
        changed_on: the date of its latest change (extension or removal).
        close_policy: the :class:`ClosePolicy` recorded on the match.
        is_closed: whether the members sum to zero under the policy.
        outstanding_local: the sum of the members in local currency.
        outstanding: the sum of the members per transaction currency.
        allocations: how credits are applied to debits, explicit and oldest first.
        dissolved_on: when the match was dissolved, or ``None`` while it is live.
        base_currency: for a match across transaction currencies, the currency
            its members are converted into and allocated in (the allocations
            are in it); ``None`` for a match in one currency.
    """

    id: str
    sub_account: SubAccount
    entry_ids: tuple[str, ...]
    applied_on: date
    changed_on: date
    close_policy: ClosePolicy
    is_closed: bool
    outstanding_local: Money
    outstanding: tuple[Money, ...]
    allocations: tuple[Allocation, ...]
    dissolved_on: date | None = None
    base_currency: str | None = None

    def __repr__(self) -> str:
        base = "" if self.base_currency is None else f", base_currency={self.base_currency!r}"
        return (
            f"Match(id={self.id!r}, sub_account={self.sub_account!r}, "
            f"entry_ids={self.entry_ids!r}, applied_on={self.applied_on!r}, "
            f"changed_on={self.changed_on!r}, close_policy={self.close_policy!r}, "
            f"is_closed={self.is_closed!r}, outstanding_local={self.outstanding_local!r}, "
            f"outstanding={self.outstanding!r}, allocations={self.allocations!r}, "
            f"dissolved_on={self.dissolved_on!r}{base})"
        )

    @property
    def is_live(self) -> bool:
        """True until the match is dissolved."""
        return self.dissolved_on is None


@final
@attrs.frozen(kw_only=True, repr=False)
class MatchRow:
    """One row of the match list a user interface shows above a match's entries.

    >>> from datetime import date
    >>> from reskontro import Ledger
    >>> nok = lambda a: Money(a, "NOK")
    >>> (row,) = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2),
    ...                   document_no="1001"),
    ...     Entry.payment("P-1", party="1", amount=nok("-60"), posted=date(2026, 1, 9)),
    ... ]).match(["F-1", "P-1"]).match_rows()
    >>> row.entry_count, row.match_id, row.document_no, row.outstanding_local
    (2, 'C1-M1', '1001', Money('40.00', 'NOK'))

    Attributes:
        match_id: the match id.
        sub_account: the sub-account of the match (side, party, account).
        entry_count: the number of entries in the match.
        document_no: the document number of the oldest invoice in the match
            (by document date, then posting date, then id), or ``None``.
        outstanding_local: the sum outstanding in local currency.
        outstanding: the sum outstanding per transaction currency.
        is_closed: whether the match is closed.
    """

    match_id: str
    sub_account: SubAccount
    entry_count: int
    document_no: str | None
    outstanding_local: Money
    outstanding: tuple[Money, ...]
    is_closed: bool

    def __repr__(self) -> str:
        return (
            f"MatchRow(match_id={self.match_id!r}, sub_account={self.sub_account!r}, "
            f"entry_count={self.entry_count!r}, "
            f"document_no={self.document_no!r}, outstanding_local={self.outstanding_local!r}, "
            f"outstanding={self.outstanding!r}, is_closed={self.is_closed!r})"
        )


@final
class MatchRowList(Tabular, tuple[MatchRow, ...]):
    """A tuple of match rows that also shows as a table.

    :meth:`Ledger.match_rows <reskontro.Ledger.match_rows>` returns it. It is
    a tuple, so it compares equal to a tuple of the same rows. In a notebook
    it shows as a table; ``to_records()`` gives one row per match,
    with its sub-account split into ``side``, ``party`` and ``account``, and
    its outstanding amount in local currency and in its transaction
    ``currency`` (see :mod:`reskontro.display`).

    >>> from datetime import date
    >>> from reskontro import Ledger
    >>> nok = lambda a: Money(a, "NOK")
    >>> rows = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2),
    ...                   document_no="1001"),
    ...     Entry.payment("P-1", party="1", amount=nok("-60"), posted=date(2026, 1, 9)),
    ... ]).match(["F-1", "P-1"]).match_rows()
    >>> rows.to_records()[0]["outstanding_local"], rows == tuple(rows)
    (Decimal('40.00'), True)
    """

    __slots__ = ()

    _columns = (
        Column("match_id"), Column("side"), Column("party"), Column("account"),
        Column("entry_count", "int"), Column("document_no"), Column("currency"),
        Column("outstanding", "amount"), Column("outstanding_local", "amount"),
        Column("is_closed", "bool"),
    )

    def __repr__(self) -> str:
        return f"MatchRowList({tuple(self)!r})"

    def _table_title(self) -> str:
        return f"{len(self)} match{'' if len(self) == 1 else 'es'}"

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per match row (amounts as ``Decimal``).

        ``currency`` and ``outstanding`` are the match's transaction currency
        and the amount outstanding in it (the codes joined by commas, and no
        amount, in the rare match that holds more than one).

        >>> MatchRowList(()).to_records()
        []
        """
        records = []
        for row in self:
            single = len(row.outstanding) == 1
            records.append({
                "match_id": row.match_id,
                "side": row.sub_account.side.value,
                "party": row.sub_account.party,
                "account": row.sub_account.account,
                "entry_count": row.entry_count,
                "document_no": row.document_no,
                "currency": ", ".join(m.currency for m in row.outstanding) or None,
                "outstanding": row.outstanding[0].amount if single else None,
                "outstanding_local": row.outstanding_local.amount,
                "is_closed": row.is_closed,
            })
        return records


#: The groups :class:`DerivedEntries` nets, by entry kind.
_NET_OF: Final = {
    EntryKind.FX_GAIN: "realized",
    EntryKind.FX_LOSS: "realized",
    EntryKind.FX_UNREALIZED_GAIN: "unrealized",
    EntryKind.FX_UNREALIZED_LOSS: "unrealized",
    EntryKind.DISCOUNT: "discount",
    EntryKind.TOLERANCE: "tolerance",
}


@final
@attrs.frozen(kw_only=True)
class DerivedEntries(Tabular):
    """What an application cost: every entry a match booked, and every reversal of them.

    :meth:`Ledger.derived_entries <reskontro.Ledger.derived_entries>` returns
    it. ``entries`` lists, oldest first, the entries the match created (its
    realized exchange differences, the settled shares of unrealized ones it
    reversed, its discounts and tolerances, and the revaluation of items its
    undo reopened), then the reversals of those. :attr:`net` sums them in
    local currency per kind; once the match is undone every net is zero.

    >>> from datetime import date
    >>> from reskontro import Ledger
    >>> fx = Entry.fx_gain("K-1-FX1", party="1", amount_local=Money("500", "NOK"),
    ...                    currency="EUR", posted=date(2026, 2, 2))
    >>> view = DerivedEntries(match_id="K-1", local_currency="NOK", entries=(fx,))
    >>> view.net["realized"], view.net["total"]
    (Money('500.00', 'NOK'), Money('500.00', 'NOK'))
    >>> print(view)
    Derived entries of match K-1
    id       kind     posted      amount_local  currency  reverses
    K-1-FX1  fx_gain  2026-02-02        500.00  EUR
    net: realized 500.00, unrealized 0.00, discount 0.00, tolerance 0.00, total 500.00 NOK
    """

    match_id: str
    local_currency: str
    entries: tuple[Entry, ...]

    _columns = (
        Column("id"), Column("kind"), Column("posted", "date"), Column("amount", "amount"),
        Column("currency"), Column("amount_local", "amount"), Column("reverses"),
        Column("text"),
    )

    @property
    def ids(self) -> tuple[str, ...]:
        """The entry ids, in order."""
        return tuple(e.id for e in self.entries)

    @property
    def net(self) -> dict[str, Money]:
        """Local-currency sums per kind: ``realized``, ``unrealized``, ``discount``,
        ``tolerance``, and their ``total``."""
        sums = dict.fromkeys(("realized", "unrealized", "discount", "tolerance"), Decimal(0))
        for entry in self.entries:
            group = _NET_OF.get(entry.kind)
            if group is not None:
                sums[group] = CONTEXT.add(sums[group], entry.value_local)
        q = quantum(self.local_currency)
        out = {k: Money._of(v.quantize(q), self.local_currency) for k, v in sums.items()}
        total = Decimal(0)
        for value in sums.values():
            total = CONTEXT.add(total, value)
        out["total"] = Money._of(total.quantize(q), self.local_currency)
        return out

    @property
    def is_undone(self) -> bool:
        """Whether everything the match booked is reversed: every net is zero."""
        return all(money.is_zero for money in self.net.values())

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per entry (amounts as ``Decimal``)."""
        return [
            {
                "id": e.id, "kind": e.kind.value, "posted": e.posted, "amount": e.amount.amount,
                "currency": e.currency, "amount_local": e.amount_local.amount,
                "reverses": e.reverses, "text": e.text,
            }
            for e in self.entries
        ]

    def _table_title(self) -> str:
        return f"Derived entries of match {self.match_id}"

    def __str__(self) -> str:
        rows = [("id", "kind", "posted", "amount_local", "currency", "reverses")]
        rows.extend(
            (e.id, e.kind.value, e.posted.isoformat(), f"{e.amount_local.amount:f}", e.currency,
             e.reverses or "")
            for e in self.entries
        )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [self._table_title()]
        for row in rows:
            cells = [
                cell.rjust(widths[i]) if i == 3 else cell.ljust(widths[i])
                for i, cell in enumerate(row)
            ]
            lines.append("  ".join(cells).rstrip())
        net = self.net
        lines.append(
            "net: " + ", ".join(
                f"{k} {net[k].amount:f}"
                for k in ("realized", "unrealized", "discount", "tolerance")
            ) + f", total {net['total'].amount:f} {self.local_currency}"
        )
        return "\n".join(lines)
