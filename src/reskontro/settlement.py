"""Settlement: realized exchange differences (agio and disagio) of a foreign-currency match.

A foreign-currency entry carries its amount twice: in the transaction
currency, and in local currency at the rate it was booked at. When foreign
items settle each other at different rates, the local amounts no longer add
up, and the difference is a realized exchange gain or loss. reskontro
realizes it **when the foreign amounts are settled, per settled portion**, by
one rule (the true-up):

    After allocation, each open member's local remaining must equal its
    foreign remaining valued at its own booking (carrying) rate. The sum of
    those is the match's local *target*; the realized difference is
    ``target - actual local sum of the match``.

A non-zero difference becomes an entry in the match: FX gain (agio, positive)
or FX loss (disagio, negative), zero in the transaction currency and the
difference in local currency, with its general-ledger counter-posting
(8060 valutagevinst, 8160 valutatap in the Norwegian standard chart by
default). When a match's foreign sum reaches zero, the target is zero, so
the match closes exactly in local currency: no 0.01 left open, whatever the
rates. Settling a settled match finds nothing to do.

The sign works out for both sub-ledgers: paying a customer invoice with more
NOK than it was booked at is a gain, paying a supplier more NOK than booked
is a loss.

:func:`plan_settlement` proposes; :meth:`SettlementPlan.apply` (or posting
``plan.entry`` and extending the match with it) carries the plan out.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> eur, nok = (lambda a: Money(a, "EUR")), (lambda a: Money(a, "NOK"))
>>> ledger = Ledger("NOK").post_many([
...     Entry.invoice("F-1", party="9", amount=eur("1000"), amount_local=nok("11000"),
...                   posted=date(2026, 1, 2)),
...     Entry.payment("P-1", party="9", amount=eur("-1000"), amount_local=nok("-11500"),
...                   posted=date(2026, 2, 2)),
... ]).match(["F-1", "P-1"], match_id="K-1")
>>> plan = plan_settlement(ledger, "K-1", on=date(2026, 2, 2))
>>> plan.difference, plan.entry.kind
(Money('500.00', 'NOK'), EntryKind.FX_GAIN)
>>> for posting in plan.postings:
...     print(posting.account, posting.debit, posting.credit)
1500 500.00 NOK None
8060 None 500.00 NOK
>>> settled = plan.apply(ledger)
>>> settled.get_match("K-1").is_closed
True
>>> plan_settlement(settled, "K-1", on=date(2026, 2, 2)).entry is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import final

import attrs

from reskontro._gc import paused
from reskontro.currency import quantum
from reskontro.entries import Entry, EntryKind, Side
from reskontro.exceptions import MatchError
from reskontro.ledger import Ledger
from reskontro.money import CONTEXT, Money, in_context
from reskontro.rates import RateTable

__all__ = [
    "FxAccounts",
    "GlPosting",
    "RevaluationPlan",
    "SettlementPlan",
    "apply_settlements",
    "counter_postings",
    "fx_entries",
    "fx_report",
    "plan_revaluation",
    "plan_settlement",
    "plan_settlements",
]


_ZERO = Decimal(0)


@final
@attrs.frozen(kw_only=True)
class FxAccounts:
    """The general-ledger accounts of exchange differences.

    Defaults from the Norwegian standard chart of accounts (NS 4102), where
    8060 valutagevinst and 8160 valutatap take realized and unrealized
    differences alike; a chart that keeps unrealized ones apart sets
    ``unrealized_gain`` and ``unrealized_loss``.

    >>> FxAccounts(unrealized_gain="8065").unrealized_loss
    '8160'
    """

    gain: str = "8060"
    loss: str = "8160"
    unrealized_gain: str = "8060"
    unrealized_loss: str = "8160"


@final
@attrs.frozen(kw_only=True)
class GlPosting:
    """One line of a general-ledger posting proposal: an account debited or credited.

    >>> GlPosting(account="8060", credit=Money("500", "NOK")).credit
    Money('500.00', 'NOK')
    """

    account: str
    debit: Money | None = None
    credit: Money | None = None


def counter_postings(
    control: str, amount: Money, gain_account: str, loss_account: str
) -> tuple[GlPosting, GlPosting]:
    """The general-ledger lines of a sub-ledger adjustment of *amount* (as it hits *control*).

    A positive amount debits the control account against *gain_account*; a
    negative one credits it against *loss_account*.

    >>> [(p.account, p.debit, p.credit)
    ...  for p in counter_postings("1500", Money("-80", "NOK"), "8060", "8160")]
    [('8160', Money('80.00', 'NOK'), None), ('1500', None, Money('80.00', 'NOK'))]
    """
    size = abs(amount)
    if amount.amount > 0:
        return (
            GlPosting(account=control, debit=size), GlPosting(account=gain_account, credit=size)
        )
    return (GlPosting(account=loss_account, debit=size), GlPosting(account=control, credit=size))


@final
@attrs.frozen(kw_only=True)
class SettlementPlan:
    """The exchange differences a match realizes now, and what books them.

    Attributes:
        match_id: the match.
        difference: target minus actual local sum (zero when nothing is due):
            ``realized + unrealized``.
        entry: the realized FX gain or loss entry to put in the match, or ``None``.
        postings: the general-ledger counter-postings (control account
            against 8060 or 8160) of every entry of the plan, empty when
            there is nothing to book.
        realized: the realized difference, against the items' original rates.
        unrealized: the change of the unrealized differences the members
            carry from revaluations: the share reversed because it is now
            settled (negative of a gain, positive of a loss).
        reversals: the unrealized-difference entries that book *unrealized*,
            one per revalued member that changed.
        pulled: revaluation entries of the members that are not yet in the
            match; applying the plan adds them to it.
    """

    match_id: str
    difference: Money
    entry: Entry | None
    postings: tuple[GlPosting, ...]
    realized: Money | None = None
    unrealized: Money | None = None
    reversals: tuple[Entry, ...] = ()
    pulled: tuple[str, ...] = ()

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry the plan posts: the unrealized reversals, then the realized difference."""
        return self.reversals if self.entry is None else (*self.reversals, self.entry)

    def apply(self, ledger: Ledger) -> Ledger:
        """Post the plan's entries and add them (and the pulled ones) to the match.

        A plan with nothing to post or pull changes nothing.
        """
        new = self.entries
        if not new and not self.pulled:
            return ledger
        on = new[0].posted if new else None
        return ledger.post_many(new).extend_match(
            self.match_id, [*self.pulled, *(e.id for e in new)], on=on
        )


def _carried(entry: Entry, remaining: Decimal, q: Decimal) -> Decimal:
    """The local value of *remaining* at the entry's own booking (pro rata, rounded)."""
    if not remaining or not entry.value:
        return _ZERO
    if remaining == entry.value:
        return entry.value_local
    return CONTEXT.divide(CONTEXT.multiply(entry.value_local, remaining), entry.value).quantize(
        q, rounding=ROUND_HALF_EVEN
    )


def _reversal_pair(ledger: Ledger, match_id: str) -> bool:
    """Whether a match holds only entries and their counter-entries (a storno)."""
    members = [ledger.entry(i) for i in ledger.match_members(match_id)]
    ids = {e.id for e in members}
    reversed_ids = {e.reverses for e in members if e.reverses is not None}
    return bool(members) and all(e.reverses in ids or e.id in reversed_ids for e in members)


def _last_rate(revaluations: Iterable[Entry]) -> Decimal | None:
    """The closing rate of the latest revaluation (reversals carry no rate)."""
    rate = None
    for entry in sorted(revaluations, key=lambda e: (e.posted, e.id)):
        if entry.rate is not None:
            rate = entry.rate
    return rate


@in_context
def plan_settlement(
    ledger: Ledger,
    match_id: str,
    *,
    on: date,
    entry_id: str | None = None,
    accounts: FxAccounts | None = None,
) -> SettlementPlan:
    """The exchange differences a match realizes, by the true-up rule, as a plan.

    Each open member must carry its foreign remaining at its carrying rate:
    its booking rate, or the closing rate of its last revaluation. The
    difference between that target and the match's local sum is split as
    Business Central does: the members' unrealized differences are reduced in
    proportion to what is still open (the settled share is reversed), and
    the rest is realized against the original rates.

    Args:
        ledger: the ledger (only read).
        match_id: a live match with foreign-currency members.
        on: the date to book the difference on (never before the match's
            last change).
        entry_id: the realized FX entry's id (default ``"<match_id>-FX<n>"``).
        accounts: the gain and loss accounts (default 8060 / 8160).

    Raises:
        MatchNotFoundError: no such match.
        MatchError: the match is dissolved, in local currency, *on* is
            before its last change, or a member's revaluation sits in another match.
    """
    accounts = accounts or FxAccounts()
    match = ledger.get_match(match_id, allocations=False)
    if not match.is_live:
        raise MatchError(
            f"match {match_id!r} is dissolved; there is nothing to settle",
            field="match_id", value=match_id,
        )
    local = ledger.local_currency
    entries = [ledger.entry(i) for i in match.entry_ids]
    currencies = {e.currency for e in entries}
    if currencies == {local}:
        raise MatchError(
            f"match {match_id!r} is in local currency {local}; there is no exchange "
            f"difference to settle", field="match_id", value=match_id,
        )
    if on < match.changed_on:
        raise MatchError(
            f"settlement of {match_id!r} dated {on}, before its last change on "
            f"{match.changed_on}", field="on", value=on,
        )
    # the FX entry is zero in the match's foreign currency (its base currency
    # when the match spans several)
    currency = min(currencies - {local})
    q = quantum(local)
    members = set(match.entry_ids)
    pulled: list[str] = []
    target = actual = unrealized = _ZERO
    reversal_amounts: list[tuple[Entry, Decimal]] = []
    for member in entries:
        actual = CONTEXT.add(actual, member.value_local)
        if not member.value:
            continue  # an exchange difference itself: no foreign amount to carry
        item = ledger.item(member.id)
        remaining = item.remaining.amount if item.match_id == match_id else member.value
        basis = _carried(member, remaining, q)
        revaluations = ledger.revaluations(member.id)
        if not revaluations:
            target = CONTEXT.add(target, basis)
            continue
        carried: list[Entry] = []
        for revaluation in revaluations:
            home = ledger.item(revaluation.id).match_id
            if revaluation.id in members:
                carried.append(revaluation)
                continue
            if home is not None and _reversal_pair(ledger, home):
                # a settled share reversed when its item left this match: it and
                # its counter-entry sit closed together and net to zero
                carried.append(revaluation)
                continue
            if home is not None:
                # matched into another match by hand: what it carries is settled
                # there, not by this member
                continue
            pulled.append(revaluation.id)
            actual = CONTEXT.add(actual, revaluation.value_local)
            carried.append(revaluation)
        if not carried:
            target = CONTEXT.add(target, basis)
            continue
        revaluations = tuple(carried)
        rate = _last_rate(revaluations)
        carrying = basis if rate is None or not remaining else CONTEXT.multiply(
            remaining, rate
        ).quantize(q, rounding=ROUND_HALF_EVEN)
        target = CONTEXT.add(target, carrying)
        held = sum((r.value_local for r in revaluations), _ZERO)
        change = CONTEXT.subtract(CONTEXT.subtract(carrying, basis), held)
        if change:
            reversal_amounts.append((member, change))
            unrealized = CONTEXT.add(unrealized, change)
    difference = CONTEXT.subtract(target, actual).quantize(q)
    realized = CONTEXT.subtract(difference, unrealized).quantize(q)
    sub = match.sub_account
    existing = sum(1 for e in entries if e.kind in _FX_KINDS)
    reversals: list[Entry] = []
    postings: list[GlPosting] = []
    number = existing
    for revalued, change in reversal_amounts:
        number = _next_number(ledger, match_id, number)
        amount = Money._of(change.quantize(q), local)
        reversals.append(Entry.fx_unrealized(
            f"{match_id}-FX{number}", party=sub.party, side=sub.side, account=sub.account,
            amount_local=amount, currency=revalued.currency, posted=on, revalues=revalued.id,
            text=f"Settled share of the unrealized exchange difference on {revalued.id}",
        ))
        postings.extend(counter_postings(
            sub.account, amount, accounts.unrealized_gain, accounts.unrealized_loss
        ))
    entry = None
    if realized:
        amount = Money._of(realized, local)
        fx_id = entry_id or f"{match_id}-FX{_next_number(ledger, match_id, number)}"
        build = Entry.fx_gain if realized > 0 else Entry.fx_loss
        entry = build(
            fx_id, party=sub.party, side=sub.side, account=sub.account, amount_local=amount,
            currency=currency, posted=on,
            text=("Realized exchange gain" if realized > 0 else "Realized exchange loss")
            + f" in {match_id}",
        )
        postings = [*counter_postings(sub.account, amount, accounts.gain, accounts.loss), *postings]
    return SettlementPlan(
        match_id=match_id, difference=Money._of(difference, local), entry=entry,
        postings=tuple(postings), realized=Money._of(realized, local),
        unrealized=Money._of(unrealized.quantize(q), local), reversals=tuple(reversals),
        pulled=tuple(pulled),
    )


def _next_number(ledger: Ledger, match_id: str, after: int) -> int:
    """The next number *n* after *after* for which ``<match_id>-FX<n>`` is a free id."""
    number = after + 1
    while f"{match_id}-FX{number}" in ledger:
        number += 1
    return number


_REALIZED_KINDS = (EntryKind.FX_GAIN, EntryKind.FX_LOSS)
_UNREALIZED_KINDS = (EntryKind.FX_UNREALIZED_GAIN, EntryKind.FX_UNREALIZED_LOSS)
_FX_KINDS = (*_REALIZED_KINDS, *_UNREALIZED_KINDS)


def fx_entries(ledger: Ledger, match_id: str, *, as_of: date | None = None) -> tuple[Entry, ...]:
    """The exchange-difference entries of a match: realized, unrealized and their reversals.

    >>> fx_entries(Ledger("NOK").post(Entry.fx_gain("A-1", party="1",
    ...     amount_local=Money("5", "NOK"), currency="EUR", posted=date(2026, 1, 2))).match(
    ...     ["A-1"], match_id="K-1"), "K-1")[0].id
    'A-1'
    """
    members = ledger.match_members(match_id, as_of=as_of)
    return tuple(
        entry for entry in (ledger.entry(i, as_of=as_of) for i in members)
        if entry.kind in _FX_KINDS
    )


@in_context
def _reopen(ledger: Ledger, entry_ids: Iterable[str], *, on: date, match_id: str) -> Ledger:
    """Bring items an undo reopened to their latest revaluation rate, dated *on*.

    An item that leaves a match carries its foreign remaining at its latest
    revaluation rate, whatever happened in between: a revaluation made while
    it was (partly) settled valued only what was open then, so the share
    that reopens gets an unrealized entry of its own (recording that rate,
    so that it counts as a revaluation from then on). Items never revalued
    keep their booking rate. The undo methods of :class:`~reskontro.Ledger`
    call this; it needs no rates of its own.
    """
    local = ledger.local_currency
    q = quantum(local)
    new: list[Entry] = []
    number = 0
    for entry_id in entry_ids:
        entry = ledger.entry(entry_id)
        if entry.currency == local or not entry.value:
            continue
        revaluations = ledger.revaluations(entry_id)
        rate = _last_rate(revaluations)
        item = ledger.item(entry_id)
        if rate is None or item.match_id is not None:
            continue
        remaining = item.remaining.amount
        basis = _carried(entry, remaining, q)
        carrying = CONTEXT.multiply(remaining, rate).quantize(q, rounding=ROUND_HALF_EVEN)
        held = sum((r.value_local for r in revaluations), _ZERO)
        change = CONTEXT.subtract(CONTEXT.subtract(carrying, basis), held)
        if not change:
            continue
        number += 1
        while f"{match_id}-RV{number}" in ledger:
            number += 1
        new.append(Entry.fx_unrealized(
            f"{match_id}-RV{number}", party=entry.party, side=entry.side, account=entry.account,
            amount_local=Money._of(change, local), currency=entry.currency, posted=on,
            revalues=entry_id, rate=rate,
            text=f"{entry_id} reopened by undoing {match_id}, valued at its latest "
            f"revaluation rate {rate}",
        ))
    return ledger.post_many(new) if new else ledger


def _true_up(ledger: Ledger, match_id: str, *, on: date) -> Ledger:
    """Settle a live match again by the true-up rule after an undo changed it, dated *on*."""
    match = ledger.get_match(match_id, allocations=False)
    local = ledger.local_currency
    if not match.is_live or all(
        ledger.entry(i).currency == local for i in match.entry_ids
    ):
        return ledger  # nothing foreign left to carry: no exchange difference to true up
    return plan_settlement(ledger, match_id, on=on).apply(ledger)


@in_context
def fx_report(
    ledger: Ledger, start: date, end: date, *, as_of: date | None = None
) -> dict[str, Money]:
    """Exchange gains and losses booked from *start* to *end* (inclusive), in local currency.

    Returns a dict of :class:`Money` (a loss is negative):

    * ``gain``, ``loss``, ``net``: realized differences (agio, disagio);
    * ``unrealized_gain``, ``unrealized_loss``, ``unrealized_net``: the
      revaluations of the period and the reversals settlements posted;
    * ``total``: ``net + unrealized_net``, the period's exchange result;
    * ``unrealized_open``: the unrealized difference the open items still
      carry at *end* (the balance-sheet adjustment).

    Reversals count with their own sign, so a difference that was undone nets to zero.

    >>> fx_report(Ledger("NOK"), date(2026, 1, 1), date(2026, 12, 31))["net"]
    Money('0.00', 'NOK')
    """
    sums = dict.fromkeys(_FX_KINDS, _ZERO)
    for item in ledger.search(kind=list(_FX_KINDS), posted_from=start, posted_to=end, as_of=as_of):
        sums[item.kind] = CONTEXT.add(sums[item.kind], item.entry.value_local)
    carried = _ZERO
    for item in ledger.search(kind=list(_UNREALIZED_KINDS), posted_to=end, as_of=as_of):
        carried = CONTEXT.add(carried, item.entry.value_local)
    local = ledger.local_currency
    q = quantum(local)

    def money(value: Decimal) -> Money:
        return Money._of(value.quantize(q), local)

    gain, loss = sums[EntryKind.FX_GAIN], sums[EntryKind.FX_LOSS]
    u_gain, u_loss = sums[EntryKind.FX_UNREALIZED_GAIN], sums[EntryKind.FX_UNREALIZED_LOSS]
    return {
        "gain": money(gain),
        "loss": money(loss),
        "net": money(gain + loss),
        "unrealized_gain": money(u_gain),
        "unrealized_loss": money(u_loss),
        "unrealized_net": money(u_gain + u_loss),
        "total": money(gain + loss + u_gain + u_loss),
        "unrealized_open": money(carried),
    }


def plan_settlements(
    ledger: Ledger,
    match_ids: Iterable[str],
    *,
    on: date,
    accounts: FxAccounts | None = None,
) -> tuple[SettlementPlan, ...]:
    """Plan the settlement of many matches at once (one plan per match, in order).

    >>> plan_settlements(Ledger("NOK"), [], on=date(2026, 1, 31))
    ()
    """
    with paused():
        return tuple(
            plan_settlement(ledger, match_id, on=on, accounts=accounts) for match_id in match_ids
        )


def apply_settlements(ledger: Ledger, plans: Iterable[SettlementPlan]) -> Ledger:
    """Carry out many settlement plans in two batch commits: post the FX entries, extend.

    Raises:
        ReskontroError: a plan no longer fits; the ledger given is unchanged.

    >>> apply_settlements(Ledger("NOK"), ()) == Ledger("NOK")
    True
    """
    due = [plan for plan in plans if plan.entries or plan.pulled]
    if not due:
        return ledger
    with paused():
        posted = ledger.post_many([entry for plan in due for entry in plan.entries])
        return posted.extend_many(
            (plan.match_id, (*plan.pulled, *(e.id for e in plan.entries))) for plan in due
        )


@final
@attrs.frozen(kw_only=True)
class RevaluationPlan:
    """The unrealized exchange differences of a revaluation, and what books them.

    Attributes:
        on: the revaluation date (a period end).
        entries: one unrealized gain or loss entry per open item whose value
            at the closing rate differs from what it carries; each names the
            item in ``revalues`` and records the closing rate.
        postings: the general-ledger proposal, one debit or credit per
            account (control accounts against 8060 / 8160 by default).
        total: the net unrealized difference booked (gain positive).
    """

    on: date
    entries: tuple[Entry, ...]
    postings: tuple[GlPosting, ...]
    total: Money

    def apply(self, ledger: Ledger) -> Ledger:
        """Post the revaluation entries (they stay unmatched until their item settles)."""
        return ledger.post_many(self.entries) if self.entries else ledger


@in_context
def plan_revaluation(
    ledger: Ledger,
    rates: RateTable,
    *,
    on: date,
    party: str | None = None,
    side: Side | None = None,
    accounts: FxAccounts | None = None,
) -> RevaluationPlan:
    """Value the open foreign items at the closing rate of *on*, as a plan.

    For every open item in a foreign currency (as of *on*), the foreign
    remaining at the rate of *on* is compared with what the item carries in
    local currency (its booked value of the remaining, plus the unrealized
    differences it already has); the change becomes an unrealized gain or
    loss entry. Revaluing again at a later period end books only the change
    since. When the item settles later, :func:`plan_settlement` reverses the
    settled share and realizes against the original rate.

    Args:
        ledger: the ledger (only read).
        rates: the closing rates; the rate of *on* (or the last before it) is used.
        on: the revaluation date; the entries are posted on it.
        party, side: revalue only these items.
        accounts: the unrealized gain and loss accounts (default 8060 / 8160).

    Raises:
        MissingRateError: no rate for a currency of an open item on *on*.
        InvalidQueryError: a wrong-typed filter.
    """
    accounts = accounts or FxAccounts()
    local = ledger.local_currency
    q = quantum(local)
    entries: list[Entry] = []
    debit: dict[str, Decimal] = {}
    total = _ZERO
    for item in ledger.open_items(party=party, side=side, as_of=on):
        entry = item.entry
        if entry.currency == local or not entry.value or not item.remaining.amount:
            continue
        remaining = item.remaining.amount
        basis = _carried(entry, remaining, q)
        held = sum((r.value_local for r in ledger.revaluations(entry.id, as_of=on)), _ZERO)
        value = CONTEXT.multiply(remaining, rates.rate(entry.currency, on)).quantize(
            q, rounding=ROUND_HALF_EVEN
        )
        change = CONTEXT.subtract(CONTEXT.subtract(value, basis), held)
        if not change:
            continue
        amount = Money._of(change, local)
        entries.append(Entry.fx_unrealized(
            f"{entry.id}-U{on:%Y%m%d}", party=entry.party, side=entry.side,
            account=entry.account, amount_local=amount, currency=entry.currency, posted=on,
            revalues=entry.id, rate=rates.rate(entry.currency, on),
            text=f"Revaluation of {entry.id} at {rates.rate(entry.currency, on)} on {on}",
        ))
        total = CONTEXT.add(total, change)
        gain_or_loss = accounts.unrealized_gain if change > 0 else accounts.unrealized_loss
        debit[entry.account] = CONTEXT.add(debit.get(entry.account, _ZERO), change)
        debit[gain_or_loss] = CONTEXT.subtract(debit.get(gain_or_loss, _ZERO), change)
    postings = tuple(
        GlPosting(account=account, debit=Money._of(value, local)) if value > 0
        else GlPosting(account=account, credit=Money._of(-value, local))
        for account, value in sorted(debit.items()) if value
    )
    return RevaluationPlan(
        on=on, entries=tuple(entries), postings=postings, total=Money._of(total.quantize(q), local)
    )
