"""Automatic matching: proposals that pair open payments with the invoices they settle.

:func:`propose` looks at the ledger's open, unmatched payments and tries the
caller's strategies in the caller's order, each in one pass over the payments
not yet placed, so every payment that names its invoice is placed before the
balance method spreads the rest; the strategy that finds something makes a
:class:`Proposal` carrying its rule and its evidence.
Nothing changes until :func:`apply` (or the caller) turns the plan into
matches, so a clerk can review, filter or reject proposals first.

==============  ==========================================================
strategy        finds
==============  ==========================================================
``link``        the open invoice the entry's ``applies_to`` names, on the
                same sub-account (tried first whenever ``link``, ``kid``
                or ``document`` is asked for)
``kid``         open invoices whose reference equals the payment's KID
``document``    open invoices whose document number stands in the
                payment's text as a whole word
``balance``     the party's open invoices posted on or before the payment,
                oldest due date first, until the payment is used up
                (Business Central's "Apply to Oldest", Norwegian "Saldo")
``amount``      the one open invoice of exactly the payment's amount
==============  ==========================================================

A **credit note** that names its invoice is placed like a payment, before
the payments: first by its explicit link (``applies_to``, see
:attr:`~reskontro.Entry.applies_to`), then by ``kid`` (its reference is the invoice's KID) or by
``document`` (the invoice's document number stands in its text or its
reference). A link to an entry that is not an open invoice of the same
sub-account (another customer's, a settled one, an unknown id) is ignored:
it makes no proposal, and the other strategies see the entry as if it had
no link. A payment's ``applies_to`` is used the same way. A credit note is
never spread by ``balance`` or ``amount``. An
invoice already in a match with a credit note (or part paid) stays eligible:
a payment joins that match, and ``balance`` keeps the oldest-due-first order,
so when the oldest open invoice is in a match the payment joins that match
alone, and otherwise takes the free invoices in order up to the first one in
a match (what it cannot use stays open on the payment).

Rules every strategy keeps:

* it never leaves the payment's sub-account (side, party, control account)
  or currency;
* it respects post against post: a proposal is one payment with one or more
  invoices that are in no match, or one payment added to the match of a
  single invoice;
* a partial payment settles what it covers (the last invoice stays open for
  the rest) and an overpayment stays open on the payment;
* proposals of one plan never use the same invoice amount twice: each
  strategy sees what earlier proposals left.

Complexity: indexing the open items is O(n) once, plus the members of the
matches that hold open invoices (to find single-invoice matches a payment may
join); then per payment ``kid``
and ``amount`` are O(1) dictionary look-ups, ``balance`` walks the party's
open invoices (O(k) for k of them, sorted once per party, O(k log k)), and
``document`` tests the party's k document numbers against the text, O(k·t)
for a text of t characters. No strategy searches subsets.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> nok = lambda a: Money(a, "NOK")
>>> ledger = Ledger("NOK").post_many([
...     Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2),
...                   due=date(2026, 1, 16), reference="100010010013"),
...     Entry.invoice("F-2", party="1", amount=nok("300"), posted=date(2026, 1, 3),
...                   due=date(2026, 1, 17), document_no="1002"),
...     Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 20),
...                   reference="100010010013"),
...     Entry.payment("P-2", party="1", amount=nok("-300"), posted=date(2026, 1, 21),
...                   text="Faktura 1002"),
... ])
>>> plan = propose(ledger, strategies=["kid", "document", "balance"])
>>> [(p.rule, p.payment_id, p.entry_ids) for p in plan.proposals]
[(Strategy.KID, 'P-1', ('F-1',)), (Strategy.DOCUMENT, 'P-2', ('F-2',))]
>>> matched = apply(ledger, plan)
>>> len(matched.open_items()), matched.balance().local
(0, Money('0.00', 'NOK'))
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Final, final

import attrs

from reskontro._gc import paused
from reskontro.entries import Entry, EntryKind, SubAccount
from reskontro.exceptions import InvalidQueryError, MatchError
from reskontro.items import Item
from reskontro.ledger import Ledger
from reskontro.matching import allocation_order
from reskontro.money import Money

__all__ = ["MatchPlan", "Proposal", "Strategy", "apply", "propose"]


class Strategy(enum.StrEnum):
    """The automatic-matching strategies, named by their value too (``"kid"``)."""

    #: The entry's explicit link, :attr:`~reskontro.Entry.applies_to`.
    LINK = "link"
    KID = "kid"
    DOCUMENT = "document"
    BALANCE = "balance"
    AMOUNT = "amount"

    def __repr__(self) -> str:
        return f"Strategy.{self.name}"


#: The kinds a payment settles: what the party owes (or is owed) as documents.
_TARGET_KINDS: Final = frozenset(
    {EntryKind.INVOICE, EntryKind.REMINDER_FEE, EntryKind.INTEREST}
)
_DEFAULT: Final = (Strategy.KID, Strategy.DOCUMENT, Strategy.BALANCE)
#: The kinds placed against invoices: payments, and credit notes that name their invoice.
_SOURCE_KINDS: Final = frozenset({EntryKind.PAYMENT, EntryKind.CREDIT_NOTE})
#: The strategies a credit note is placed by: it must name its invoice.
_NAMING: Final = frozenset({Strategy.LINK, Strategy.KID, Strategy.DOCUMENT})


def _with_link(order: Sequence[Strategy]) -> list[Strategy]:
    """The explicit link first, whenever any strategy that names an invoice is asked for."""
    if not any(s in _NAMING for s in order):
        return list(order)
    return [Strategy.LINK, *(s for s in order if s is not Strategy.LINK)]


@final
@attrs.frozen(kw_only=True)
class Proposal:
    """A proposed match of one payment with the open items it settles.

    Attributes:
        rule: the strategy that found it.
        payment_id: the payment (or the credit note).
        entry_ids: the invoices (or fees) it settles, oldest first.
        match_id: the existing match of the single invoice to add the payment
            to, or ``None``.
        joins: the payment of an earlier proposal in the same plan whose new
            match (of this same single invoice) this payment joins, or ``None``.
        applied: how much of the payment the proposal uses.
        evidence: why, in words (the KID, the document number, the amounts).
    """

    rule: Strategy
    payment_id: str
    entry_ids: tuple[str, ...]
    match_id: str | None
    applied: Money
    evidence: str
    joins: str | None = None


@final
@attrs.frozen(kw_only=True)
class MatchPlan:
    """The proposals of one run, and the open payments no strategy placed.

    ``unmatched`` lists credit notes only when the caller named them.
    """

    proposals: tuple[Proposal, ...]
    unmatched: tuple[str, ...]


class _Target:
    """An open invoice as the proposals see it: what is still left to settle on it."""

    __slots__ = ("entry", "joined_by", "left", "match_id", "order", "shared")

    def __init__(self, item: Item, match_id: str | None) -> None:
        self.entry = item.entry
        self.left = abs(item.remaining.amount)
        self.match_id = match_id
        self.order = allocation_order(item.entry, item.due)
        #: the payment whose proposed match (of this invoice alone) later payments join
        self.joined_by: str | None = None
        #: used by a proposal with several invoices: no further payment may join
        self.shared = False

    @property
    def free(self) -> bool:
        """In no match, existing or proposed."""
        return self.match_id is None and self.joined_by is None


def _strategies(values: Iterable[Strategy | str]) -> tuple[Strategy, ...]:
    chosen = []
    for value in values:
        try:
            chosen.append(Strategy(value))
        except ValueError:
            raise InvalidQueryError(
                f"unknown strategy {value!r}: use link, kid, document, balance or amount",
                field="strategies", value=value,
            ) from None
    return tuple(chosen)


def propose(
    ledger: Ledger,
    *,
    strategies: Iterable[Strategy | str] = _DEFAULT,
    payments: Iterable[str] | None = None,
) -> MatchPlan:
    """Propose matches for open, unmatched payments; change nothing.

    Args:
        ledger: the ledger (only read).
        strategies: the strategies to try, in order (default kid, document, balance).
        payments: the payment (and credit note) ids to consider (default:
            every open, unmatched payment and credit note, oldest first).

    Returns:
        A :class:`MatchPlan`.

    Raises:
        InvalidQueryError: an unknown strategy.
        EntryNotFoundError: a named payment is not in the ledger.
    """
    order = _strategies(strategies)
    with paused():
        return _propose(ledger, order, payments)


def _propose(
    ledger: Ledger, order: tuple[Strategy, ...], payments: Iterable[str] | None
) -> MatchPlan:
    wanted: list[str] | None = None
    if payments is None:
        open_items: Sequence[Item] = ledger.open_items()
    else:
        # only the named payments' parties can hold their targets: read just those
        # partitions, so a day's payments cost the day, not the ledger
        wanted = list(payments)
        parties = dict.fromkeys((e.side, e.party) for e in map(ledger.entry, wanted))
        open_items = [
            item for side, party in parties
            for item in ledger.open_items(party=party, side=side)
        ]
    targets: dict[SubAccount, list[_Target]] = {}
    singles: dict[str, str] = {}
    in_matches = {
        item.match_id
        for item in open_items
        if item.match_id is not None and item.entry.kind in _TARGET_KINDS
    }
    for match_id in in_matches:
        docs = [
            i for i in ledger.match_members(match_id) if ledger.entry(i).kind in _TARGET_KINDS
        ]
        if len(docs) == 1:
            singles[docs[0]] = match_id
    candidates: list[Item] = []
    for item in open_items:
        entry = item.entry
        if entry.kind in _TARGET_KINDS:
            if item.match_id is None or entry.id in singles:
                targets.setdefault(entry.sub_account, []).append(
                    _Target(item, singles.get(entry.id))
                )
        elif entry.kind in _SOURCE_KINDS and item.match_id is None:
            candidates.append(item)
    if wanted is not None:
        by_id = {item.id: item for item in candidates}
        candidates = [by_id[i] if i in by_id else ledger.item(i) for i in wanted]
    candidates.sort(key=lambda i: (i.entry.posted, i.entry.id))
    for group in targets.values():
        group.sort(key=lambda t: t.order)
    by_kid: dict[tuple[SubAccount, str], list[_Target]] = {}
    by_amount: dict[tuple[SubAccount, Decimal], list[_Target]] = {}
    by_entry: dict[str, _Target] = {}
    for sub, group in targets.items():
        for target in group:
            by_entry[target.entry.id] = target
            if target.entry.reference:
                by_kid.setdefault((sub, target.entry.reference), []).append(target)
            by_amount.setdefault((sub, target.left), []).append(target)
    waiting = [item for item in candidates if item.match_id is None and item.is_open]
    placed: dict[str, Proposal] = {}
    # Credit notes that name their invoice first, so the payments see what
    # they leave; then one pass per strategy over every payment still
    # waiting: a payment that names its invoice (KID, document) is placed
    # before any payment is spread over a party's oldest invoices by the
    # balance method.
    notes = [i for i in waiting if i.entry.kind is EntryKind.CREDIT_NOTE]
    paying = [i for i in waiting if i.entry.kind is not EntryKind.CREDIT_NOTE]
    linked = _with_link(order)
    for phase, strategies in ((notes, [s for s in linked if s in _NAMING]), (paying, linked)):
        for strategy in strategies:
            still: list[Item] = []
            for item in phase:
                payment = item.entry
                amount = abs(item.remaining.amount)
                group = targets.get(payment.sub_account, [])
                chosen, evidence = _find(
                    strategy, payment, amount, group, by_kid, by_amount, by_entry
                )
                proposal = (
                    _consume(strategy, payment, amount, chosen, evidence) if chosen else None
                )
                if proposal is None:
                    still.append(item)
                else:
                    placed[payment.id] = proposal
            phase = still
    named = payments is not None
    return MatchPlan(
        proposals=tuple(placed[i.id] for i in candidates if i.id in placed),
        unmatched=tuple(
            i.id for i in candidates
            if i.id not in placed and (named or i.entry.kind is EntryKind.PAYMENT)
        ),
    )


def _usable(targets: Sequence[_Target], payment: Entry) -> list[_Target]:
    return [
        t for t in targets
        if t.left > 0 and not t.shared and t.entry.currency == payment.currency
        and (t.entry.value > 0) != (payment.value > 0)
    ]


def _find(
    strategy: Strategy,
    payment: Entry,
    amount: Decimal,
    group: list[_Target],
    by_kid: dict[tuple[SubAccount, str], list[_Target]],
    by_amount: dict[tuple[SubAccount, Decimal], list[_Target]],
    by_entry: dict[str, _Target],
) -> tuple[list[_Target], str]:
    sub = payment.sub_account
    if strategy is Strategy.LINK:
        target = by_entry.get(payment.applies_to) if payment.applies_to else None
        if target is None or target.entry.sub_account != sub:
            return [], ""  # no open invoice of this sub-account: the link is ignored
        found = _usable([target], payment)
        return found, f"{payment.kind.label} {payment.id} applies to {target.entry.id}"
    if strategy is Strategy.KID:
        if not payment.reference:
            return [], ""
        found = _usable(by_kid.get((sub, payment.reference), []), payment)
        return found, f"KID {payment.reference} is the reference of " + ", ".join(
            t.entry.id for t in found
        )
    if strategy is Strategy.DOCUMENT:
        text = payment.text
        if payment.kind is EntryKind.CREDIT_NOTE and payment.reference:
            text = f"{text} {payment.reference}"
        if not text:
            return [], ""
        found = [
            t for t in _usable(group, payment)
            if t.entry.document_no and re.search(
                rf"(?<![0-9A-Za-z]){re.escape(t.entry.document_no)}(?![0-9A-Za-z])",
                text,
            )
        ]
        return found, "the text names document " + ", ".join(
            str(t.entry.document_no) for t in found
        )
    if strategy is Strategy.BALANCE:
        found = [t for t in _usable(group, payment) if t.entry.posted <= payment.posted]
        return found, "oldest open items of the party, due first: " + ", ".join(
            t.entry.id for t in found
        )
    found = [t for t in _usable(by_amount.get((sub, amount), []), payment) if t.left == amount]
    if len(found) != 1:
        return [], ""
    return found, f"the only open item of exactly {amount}: {found[0].entry.id}"


def _consume(
    strategy: Strategy, payment: Entry, amount: Decimal, chosen: list[_Target], evidence: str
) -> Proposal | None:
    """Take the chosen items oldest first until the payment is used up; keep post against post."""
    chosen = sorted(chosen, key=lambda t: t.order)
    if strategy is Strategy.BALANCE:
        # oldest due first, always: an invoice in a match (with a credit note,
        # or part paid) takes the payment into that match alone; otherwise the
        # run of free invoices up to the first one in a match
        if chosen[0].free:
            run = 0
            while run < len(chosen) and chosen[run].free:
                run += 1
            chosen = chosen[:run]
    elif len(chosen) > 1 and not all(t.free for t in chosen):
        # several invoices only if none is in a match; else one invoice's match
        chosen = [t for t in chosen if t.free] or chosen[:1]
    if not chosen[0].free:
        chosen = chosen[:1]
    used: list[_Target] = []
    left = amount
    for target in chosen:
        if left <= 0:
            break
        take = min(left, target.left)
        target.left -= take
        left -= take
        used.append(target)
    if not used:
        return None
    first = used[0]
    proposal = Proposal(
        rule=strategy,
        payment_id=payment.id,
        entry_ids=tuple(t.entry.id for t in used),
        match_id=first.match_id,
        applied=Money._of(amount - left, payment.currency),
        evidence=evidence,
        joins=first.joined_by if len(used) == 1 else None,
    )
    if len(used) > 1:
        for target in used:
            target.shared = True
    elif first.free:
        first.joined_by = payment.id
    return proposal


def apply(ledger: Ledger, plan: MatchPlan | Iterable[Proposal]) -> Ledger:
    """Make the proposed matches; return the new ledger (the old one is unchanged).

    New matches are made together with :meth:`~reskontro.Ledger.match_many`;
    payments for invoices already in a match extend those matches together
    (:meth:`~reskontro.Ledger.extend_many`).

    Raises:
        ReskontroError: a proposal no longer fits the ledger (it was changed
            since the plan was made); the ledger given is left as it was.
    """
    proposals = plan.proposals if isinstance(plan, MatchPlan) else tuple(plan)
    with paused():
        return _apply(ledger, proposals)


def _apply(ledger: Ledger, proposals: Sequence[Proposal]) -> Ledger:
    new = [
        (*p.entry_ids, p.payment_id)
        for p in proposals
        if p.match_id is None and p.joins is None
    ]
    result = ledger.match_many(new) if new else ledger
    extensions: list[tuple[str, tuple[str, ...]]] = []
    for proposal in proposals:
        if proposal.match_id is not None:
            extensions.append((proposal.match_id, (proposal.payment_id,)))
        elif proposal.joins is not None:
            joined = result.item(proposal.joins).match_id
            if joined is None:
                raise MatchError(
                    f"proposal for {proposal.payment_id!r} joins the match of "
                    f"{proposal.joins!r}, which the plan did not make",
                    entry_id=proposal.payment_id, field="joins", value=proposal.joins,
                )
            extensions.append((joined, (proposal.payment_id,)))
    return result.extend_many(extensions) if extensions else result
