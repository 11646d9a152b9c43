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
from reskontro.entries import Entry, EntryKind
from reskontro.exceptions import MatchError
from reskontro.ledger import Ledger
from reskontro.money import CONTEXT, Money

__all__ = [
    "FxAccounts",
    "GlPosting",
    "SettlementPlan",
    "apply_settlements",
    "dissolve_settled",
    "fx_entries",
    "fx_report",
    "plan_settlement",
    "plan_settlements",
    "remove_settled",
]


@final
@attrs.frozen(kw_only=True)
class FxAccounts:
    """The general-ledger accounts of realized exchange differences.

    Defaults from the Norwegian standard chart of accounts (NS 4102).
    """

    gain: str = "8060"
    loss: str = "8160"


@final
@attrs.frozen(kw_only=True)
class GlPosting:
    """One line of a general-ledger posting proposal: an account debited or credited."""

    account: str
    debit: Money | None = None
    credit: Money | None = None


@final
@attrs.frozen(kw_only=True)
class SettlementPlan:
    """The realized exchange difference of a match, and what books it.

    Attributes:
        match_id: the match.
        difference: target minus actual local sum (zero when nothing is due).
        entry: the FX gain or loss entry to put in the match, or ``None``.
        postings: its general-ledger counter-posting (control account against
            8060 or 8160), empty when there is nothing to book.
    """

    match_id: str
    difference: Money
    entry: Entry | None
    postings: tuple[GlPosting, ...]

    def apply(self, ledger: Ledger) -> Ledger:
        """Post the FX entry and add it to the match; a plan with no entry changes nothing."""
        if self.entry is None:
            return ledger
        return ledger.post(self.entry).extend_match(
            self.match_id, [self.entry.id], on=self.entry.posted
        )


def plan_settlement(
    ledger: Ledger,
    match_id: str,
    *,
    on: date,
    entry_id: str | None = None,
    accounts: FxAccounts | None = None,
) -> SettlementPlan:
    """The realized exchange difference of a match by the true-up rule, as a plan.

    Args:
        ledger: the ledger (only read).
        match_id: a live match in one foreign transaction currency.
        on: the date to book the difference on (never before the match's
            last change).
        entry_id: the FX entry's id (default ``"<match_id>-FX<n>"``).
        accounts: the gain and loss accounts (default 8060 / 8160).

    Raises:
        MatchNotFoundError: no such match.
        MatchError: the match is dissolved, in local currency, or *on* is
            before its last change.
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
    (currency,) = currencies
    q = quantum(local)
    target = Decimal(0)
    actual = Decimal(0)
    for entry in entries:
        item = ledger.item(entry.id)
        actual = CONTEXT.add(actual, entry.value_local)
        remaining = item.remaining.amount if item.match_id == match_id else entry.value
        if entry.value and remaining:
            carried = CONTEXT.divide(CONTEXT.multiply(entry.value_local, remaining), entry.value)
            target = CONTEXT.add(target, carried.quantize(q, rounding=ROUND_HALF_EVEN))
    difference = CONTEXT.subtract(target, actual).quantize(q)
    amount = Money._of(difference, local)
    if not difference:
        return SettlementPlan(match_id=match_id, difference=Money.zero(local), entry=None,
                              postings=())
    sub = match.sub_account
    number = sum(1 for e in entries if e.kind in (EntryKind.FX_GAIN, EntryKind.FX_LOSS)) + 1
    fx_id = entry_id or f"{match_id}-FX{number}"
    build = Entry.fx_gain if difference > 0 else Entry.fx_loss
    entry = build(
        fx_id, party=sub.party, side=sub.side, account=sub.account, amount_local=amount,
        currency=currency, posted=on,
        text=("Realized exchange gain" if difference > 0 else "Realized exchange loss")
        + f" in {match_id}",
    )
    size = abs(amount)
    postings = (
        (GlPosting(account=sub.account, debit=size), GlPosting(account=accounts.gain, credit=size))
        if difference > 0
        else (GlPosting(account=accounts.loss, debit=size),
              GlPosting(account=sub.account, credit=size))
    )
    return SettlementPlan(match_id=match_id, difference=amount, entry=entry, postings=postings)


_FX_KINDS = (EntryKind.FX_GAIN, EntryKind.FX_LOSS)


def fx_entries(ledger: Ledger, match_id: str, *, as_of: date | None = None) -> tuple[Entry, ...]:
    """The FX gain and loss entries of a match (its realized differences and their reversals).

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


def dissolve_settled(ledger: Ledger, match_id: str, *, on: date) -> Ledger:
    """Dissolve a settled match and reverse its FX entries, dated *on*.

    Every member is back to its original remaining amount, and each FX entry
    is matched with its counter-entry (storno), so the match's realized
    differences net to zero; the originals stay in the history.

    Raises:
        MatchNotFoundError, MatchError: as :meth:`Ledger.dissolve`.
    """
    fx = fx_entries(ledger, match_id)
    result = ledger.dissolve(match_id, on=on)
    for entry in fx:
        result = result.reverse(entry.id, on=on)
    return result


def remove_settled(
    ledger: Ledger, entry_id: str, *, on: date, accounts: FxAccounts | None = None
) -> tuple[Ledger, SettlementPlan]:
    """Remove an entry from a settled match and true the match up again, dated *on*.

    Removing a payment changes what the match has settled; the realized
    difference is computed again by the same rule and its change is booked
    as a new FX entry (normally the reverse of what the payment had
    realized). Returns the new ledger and the settlement plan that was applied.

    Raises:
        NotMatchedError, MatchDateError: as :meth:`Ledger.remove_from_match`.
    """
    match_id = ledger.item(entry_id).match_id
    removed = ledger.remove_from_match(entry_id, on=on)  # NotMatchedError when unmatched
    if match_id is None or not removed.get_match(match_id).is_live:
        nothing = Money.zero(ledger.local_currency)
        return removed, SettlementPlan(
            match_id=match_id or "", difference=nothing, entry=None, postings=()
        )
    plan = plan_settlement(removed, match_id, on=on, accounts=accounts)
    return plan.apply(removed), plan


def fx_report(
    ledger: Ledger, start: date, end: date, *, as_of: date | None = None
) -> dict[str, Money]:
    """Realized exchange gains and losses booked from *start* to *end* (inclusive).

    Returns ``{"gain": ..., "loss": ..., "net": ...}`` in local currency (a
    loss is negative). Reversals count with their own sign, so a gain that
    was undone nets to zero.

    >>> fx_report(Ledger("NOK"), date(2026, 1, 1), date(2026, 12, 31))["net"]
    Money('0.00', 'NOK')
    """
    gain = loss = Decimal(0)
    found = ledger.search(
        kind=list(_FX_KINDS), posted_from=start, posted_to=end, as_of=as_of
    )
    for item in found:
        if item.kind is EntryKind.FX_GAIN:
            gain = CONTEXT.add(gain, item.entry.value_local)
        else:
            loss = CONTEXT.add(loss, item.entry.value_local)
    local = ledger.local_currency
    q = quantum(local)
    return {
        "gain": Money._of(gain.quantize(q), local),
        "loss": Money._of(loss.quantize(q), local),
        "net": Money._of(CONTEXT.add(gain, loss).quantize(q), local),
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
    due = [plan for plan in plans if plan.entry is not None]
    if not due:
        return ledger
    entries = [plan.entry for plan in due if plan.entry is not None]
    with paused():
        posted = ledger.post_many(entries)
        return posted.extend_many(
            ((plan.match_id, (entry.id,)) for plan, entry in zip(due, entries, strict=True)),
        )
