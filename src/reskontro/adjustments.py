"""Payment discount (kontantrabatt) and payment tolerance: the adjustments that close a match.

A customer on "2 % 10 dager, netto 30" who pays NOK 980 for a NOK 1 000
invoice within ten days has settled it: the missing NOK 20 is a cash
discount. A customer who pays NOK 999.60 has settled it too, if the ledger
accepts a tolerance of a few kroner. Both become **adjustment entries in the
match** (kinds ``DISCOUNT`` and ``TOLERANCE``), each with its
general-ledger counter-posting, so the match closes and the books say why.

:func:`plan_adjustments` looks at one match as it stands (after the payments
are in it) and proposes what the policies allow; nothing is posted until the
plan is applied.

The rules
---------
* **Discount** (policy :attr:`DiscountPolicy.AUTOMATIC`, or ``NEVER``): an
  invoice whose terms carry a discount gets it when the match's latest
  payment is dated on or before the discount date (document date + the
  discount days) and what is left of the invoice is no more than the
  discount, i.e. the payments cover the amount minus the discount. The full
  discount is granted (what a payment covered beyond it stays open on the
  payment, as an overpayment). A partial payment that leaves more than the
  discount open does not consume it: the discount stays available until its
  date.
* **Tolerance** (policy :attr:`TolerancePolicy.ACCEPT`, or ``LEAVE_OPEN``):
  ``min(percent of the invoice amount, max amount)``. An invoice left with a
  remainder within it (an underpayment) is closed by a tolerance entry; a
  payment left with a surplus within it, once the match's invoices are
  settled (an overpayment), is closed by one of the other sign.

Amounts are in the invoice's currency; a foreign invoice's adjustment is
valued in local currency at the invoice's own booking, so it realizes no
exchange difference of its own.

Accounts are parameters (:class:`AdjustmentAccounts`). The defaults are
common Norwegian choices, not rules: 3080 (rabatter og andre
salgsinntektsreduksjoner) for discounts given to customers, 8079 (annen
finansinntekt) for discounts received from suppliers, and 7790 / 3900 for
small differences written off or taken as income. Check them against your
own chart.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> from reskontro.terms import PaymentTerms
>>> terms = PaymentTerms.with_discount("2", 10, 30)
>>> ledger = Ledger("NOK").post_many([
...     Entry.invoice("F-1", party="1", amount=Money("1000", "NOK"), posted=date(2026, 1, 5),
...                   due=terms.due_date(date(2026, 1, 5))),
...     Entry.payment("P-1", party="1", amount=Money("-980", "NOK"), posted=date(2026, 1, 14)),
... ]).match(["F-1", "P-1"], match_id="K-1")
>>> plan = plan_adjustments(ledger, "K-1", on=date(2026, 1, 14), terms={"F-1": terms})
>>> [(e.kind, e.amount) for e in plan.entries]
[(EntryKind.DISCOUNT, Money('-20.00', 'NOK'))]
>>> plan.apply(ledger).get_match("K-1").is_closed
True
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import final

import attrs

from reskontro.currency import quantum
from reskontro.display import Column, Tabular
from reskontro.entries import Entry, EntryKind, Side
from reskontro.exceptions import InvalidQueryError, MatchError, ReskontroError
from reskontro.ledger import Ledger
from reskontro.matching import ADJUSTMENT_KINDS, Allocation
from reskontro.money import CONTEXT, Money, in_context, parse_amount
from reskontro.settlement import GlPosting, counter_postings
from reskontro.terms import PaymentTerms

__all__ = [
    "Adjustment",
    "AdjustmentAccounts",
    "AdjustmentPlan",
    "DiscountPolicy",
    "Tolerance",
    "TolerancePolicy",
    "plan_adjustments",
]

_ZERO = Decimal(0)


class DiscountPolicy(enum.StrEnum):
    """Whether a payment discount is taken when its conditions hold.

    >>> DiscountPolicy("never")
    DiscountPolicy.NEVER
    """

    #: Grant the discount whenever the payment is in time and covers the rest.
    AUTOMATIC = "automatic"
    #: Never grant a discount (the remainder stays open).
    NEVER = "never"

    def __repr__(self) -> str:
        return f"DiscountPolicy.{self.name}"


class TolerancePolicy(enum.StrEnum):
    """Whether small differences within the tolerance are closed or left open.

    >>> TolerancePolicy("leave_open")
    TolerancePolicy.LEAVE_OPEN
    """

    #: Close a remainder within the tolerance with a tolerance entry.
    ACCEPT = "accept"
    #: Leave every remainder open.
    LEAVE_OPEN = "leave_open"

    def __repr__(self) -> str:
        return f"TolerancePolicy.{self.name}"


def _percent(value: object) -> Decimal:
    try:
        number = parse_amount(value, field="percent")  # refuses floats, bools, NaN
    except ReskontroError:
        number = None
    if number is None or not 0 <= number <= 100:
        raise InvalidQueryError(
            f"tolerance percent must be an exact number from 0 to 100, got {value!r}",
            field="percent", value=value,
        )
    return number


def _max_amount(value: object) -> Money:
    if not isinstance(value, Money) or value.amount < 0:
        raise InvalidQueryError(
            f"tolerance max_amount must be a non-negative Money, got {value!r}",
            field="max_amount", value=value,
        )
    return value


@final
@attrs.frozen(kw_only=True)
class Tolerance:
    """A payment tolerance: ``min(percent of the invoice amount, max_amount)``.

    It applies to invoices in ``max_amount``'s currency; others get none.

    Raises:
        InvalidQueryError: a percent outside 0–100 or a negative or non-Money maximum.

    >>> Tolerance(percent="0.5", max_amount=Money("5", "NOK")).limit(Money("600", "NOK"))
    Money('3.00', 'NOK')
    >>> Tolerance(percent="0.5", max_amount=Money("5", "NOK")).limit(Money("-6000", "NOK"))
    Money('5.00', 'NOK')
    """

    percent: Decimal = attrs.field(converter=_percent)
    max_amount: Money = attrs.field(converter=_max_amount)

    @in_context
    def limit(self, amount: Money) -> Money:
        """The largest difference accepted on an invoice of *amount* (never negative)."""
        if amount.currency != self.max_amount.currency:
            return Money.zero(amount.currency)
        share = (abs(amount.amount) * self.percent / 100).quantize(
            quantum(amount.currency), rounding=ROUND_HALF_UP
        )
        return Money._of(min(share, self.max_amount.amount), amount.currency)


@final
@attrs.frozen(kw_only=True)
class AdjustmentAccounts:
    """General-ledger accounts of discounts and tolerance differences (see the module notes).

    >>> AdjustmentAccounts().discount_given
    '3080'
    """

    discount_given: str = "3080"
    discount_received: str = "8079"
    tolerance_loss: str = "7790"
    tolerance_gain: str = "3900"


@final
@attrs.frozen(kw_only=True)
class Adjustment:
    """One proposed adjustment: the entry, the item it closes, and why.

    Attributes:
        entry: the discount or tolerance entry to post into the match.
        target: the invoice (or, for an overpayment, the payment) it settles.
        reason: a sentence saying which rule applied, with its figures.
    """

    entry: Entry
    target: str
    reason: str


@final
@attrs.frozen(kw_only=True)
class AdjustmentPlan(Tabular):
    """The discount and tolerance entries that would close (part of) a match.

    Attributes:
        match_id: the match.
        on: the date the entries are posted on.
        adjustments: what to post, each with its reason.
        postings: the general-ledger proposal (control account against the
            discount or tolerance account), two lines per adjustment.
        skipped: why an invoice that looked close got nothing (a late
            payment, a remainder beyond the tolerance, a policy that says no).
    """

    match_id: str
    on: date
    adjustments: tuple[Adjustment, ...]
    postings: tuple[GlPosting, ...]
    skipped: tuple[str, ...] = ()

    _columns = (
        Column("id"), Column("kind"), Column("target"), Column("amount", "amount"),
        Column("currency"), Column("reason"),
    )

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The adjustment entries, in order."""
        return tuple(a.entry for a in self.adjustments)

    def to_records(self) -> list[dict[str, object]]:
        """One record per adjustment (JSON-friendly values; amounts as ``Decimal``)."""
        return [
            {
                "id": a.entry.id, "kind": a.entry.kind.value, "target": a.target,
                "amount": a.entry.amount.amount, "currency": a.entry.currency,
                "reason": a.reason,
            }
            for a in self.adjustments
        ]

    def apply(self, ledger: Ledger) -> Ledger:
        """Post the entries and add them to the match (discounts applied to their invoices first).

        A plan with nothing to post changes nothing.
        """
        if not self.adjustments:
            return ledger
        explicit = [
            Allocation(a.entry.id, a.target, -a.entry.amount)
            for a in self.adjustments
            if a.entry.kind is EntryKind.DISCOUNT and a.entry.side is Side.RECEIVABLE
        ] + [
            Allocation(a.target, a.entry.id, a.entry.amount)
            for a in self.adjustments
            if a.entry.kind is EntryKind.DISCOUNT and a.entry.side is Side.PAYABLE
        ]
        return ledger.post_many(self.entries).extend_match(
            self.match_id, [e.id for e in self.entries], on=self.on, allocations=explicit
        )


TermsSource = Mapping[str, PaymentTerms] | Callable[[Entry], PaymentTerms | None]


def _terms_of(source: TermsSource, entry: Entry) -> PaymentTerms | None:
    if callable(source):
        return source(entry)
    return source.get(entry.id)


@in_context
def plan_adjustments(
    ledger: Ledger,
    match_id: str,
    *,
    on: date,
    terms: TermsSource | None = None,
    discount: DiscountPolicy = DiscountPolicy.AUTOMATIC,
    tolerance: Tolerance | None = None,
    tolerance_policy: TolerancePolicy = TolerancePolicy.ACCEPT,
    accounts: AdjustmentAccounts | None = None,
) -> AdjustmentPlan:
    """Propose the discount and tolerance entries a match has earned, as of its current state.

    Args:
        ledger: the ledger (only read).
        match_id: a live match holding the invoice(s) and their payment(s).
        on: the posting date of the adjustments (not before the match's last change).
        terms: the payment terms of the invoices, by entry id (a mapping) or
            as a function of the entry; invoices without terms get no discount.
        discount: :attr:`DiscountPolicy.AUTOMATIC` or ``NEVER``.
        tolerance: the accepted difference; ``None`` accepts none.
        tolerance_policy: :attr:`TolerancePolicy.ACCEPT` or ``LEAVE_OPEN``.
        accounts: the general-ledger accounts (see :class:`AdjustmentAccounts`).

    Raises:
        MatchNotFoundError: no such match.
        MatchError: the match is dissolved or *on* is before its last change.
        InvalidQueryError: a policy of the wrong type.

    >>> from datetime import date
    >>> from reskontro import Entry, Ledger, Money
    >>> ledger = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=Money("600", "NOK"), posted=date(2026, 1, 5)),
    ...     Entry.payment("P-1", party="1", amount=Money("-598", "NOK"),
    ...                   posted=date(2026, 2, 1)),
    ... ]).match(["F-1", "P-1"], match_id="K-1")
    >>> plan = plan_adjustments(ledger, "K-1", on=date(2026, 2, 1),
    ...                         tolerance=Tolerance(percent="0.5", max_amount=Money("5", "NOK")))
    >>> plan.adjustments[0].reason
    'F-1: 2.00 NOK left is within the tolerance of 3.00 NOK'
    >>> [(p.account, p.debit, p.credit) for p in plan.postings]
    [('7790', Money('2.00', 'NOK'), None), ('1500', None, Money('2.00', 'NOK'))]
    """
    if not isinstance(discount, DiscountPolicy):
        raise InvalidQueryError(
            f"discount must be a DiscountPolicy, got {discount!r}", field="discount",
            value=discount,
        )
    if not isinstance(tolerance_policy, TolerancePolicy):
        raise InvalidQueryError(
            f"tolerance_policy must be a TolerancePolicy, got {tolerance_policy!r}",
            field="tolerance_policy", value=tolerance_policy,
        )
    if tolerance is not None and not isinstance(tolerance, Tolerance):
        raise InvalidQueryError(
            f"tolerance must be a Tolerance or None, got {tolerance!r}", field="tolerance",
            value=tolerance,
        )
    accounts = accounts or AdjustmentAccounts()
    match = ledger.get_match(match_id, allocations=False)
    if not match.is_live:
        raise MatchError(
            f"match {match_id!r} is dissolved; there is nothing to adjust",
            field="match_id", value=match_id,
        )
    if on < match.changed_on:
        raise MatchError(
            f"adjustments of {match_id!r} dated {on}, before its last change on "
            f"{match.changed_on}", field="on", value=on,
        )
    items = [ledger.item(i) for i in match.entry_ids]
    sub = match.sub_account
    receivable = sub.side is Side.RECEIVABLE
    # documents that raise the debt (invoices) and those that pay it
    debt_sign = 1 if receivable else -1
    invoices = [
        i for i in items
        if i.entry.kind not in ADJUSTMENT_KINDS and i.entry.value * debt_sign > 0
    ]
    payments = [
        i for i in items
        if i.entry.kind not in ADJUSTMENT_KINDS and i.entry.value * debt_sign < 0
    ]
    paid_on = max((p.entry.posted for p in payments), default=None)
    adjustments: list[Adjustment] = []
    skipped: list[str] = []
    postings: list[GlPosting] = []
    taken = sum(1 for i in items if i.entry.kind in (EntryKind.DISCOUNT, EntryKind.TOLERANCE))

    def add(kind: EntryKind, target: Entry, amount: Decimal, reason: str) -> None:
        nonlocal taken
        taken += 1
        money = Money._of(amount, target.currency)
        local = _local_of(target, amount)
        build = Entry.discount if kind is EntryKind.DISCOUNT else Entry.tolerance
        entry = build(
            f"{match_id}-{'D' if kind is EntryKind.DISCOUNT else 'T'}{taken}", party=sub.party,
            side=sub.side, account=sub.account, amount=money, amount_local=local, posted=on,
            text=reason,
        )
        adjustments.append(Adjustment(entry=entry, target=target.id, reason=reason))
        if kind is EntryKind.DISCOUNT:
            other = accounts.discount_given if receivable else accounts.discount_received
            postings.extend(counter_postings(sub.account, local, other, other))
        else:
            postings.extend(counter_postings(
                sub.account, local, accounts.tolerance_gain, accounts.tolerance_loss
            ))

    for invoice in invoices:
        entry = invoice.entry
        left = invoice.remaining.amount * debt_sign  # what is still owed, positive
        if not left:
            continue
        deal = None if terms is None else _terms_of(terms, entry)
        last_day = None if deal is None else deal.discount_date(entry.document_date)
        if deal is not None and last_day is not None and paid_on is not None:
            off = abs(deal.discount(entry.amount).amount)
            if discount is DiscountPolicy.NEVER:
                skipped.append(f"{entry.id}: discount not taken (policy never)")
            elif paid_on > last_day:
                skipped.append(
                    f"{entry.id}: paid on {paid_on}, after the discount date {last_day}"
                )
            elif left > off:
                skipped.append(
                    f"{entry.id}: {left} {entry.currency} left is more than the discount "
                    f"{off}; the discount stays available until {last_day}"
                )
            elif off:
                add(EntryKind.DISCOUNT, entry, -off * debt_sign,
                    f"{entry.id}: {deal.discount_percent} % cash discount ({deal.name}), "
                    f"paid on {paid_on}, on or before {last_day}")
                continue
        if tolerance is None or paid_on is None:
            continue
        limit = tolerance.limit(entry.amount).amount
        if left <= limit:
            if tolerance_policy is TolerancePolicy.ACCEPT:
                add(EntryKind.TOLERANCE, entry, -left * debt_sign,
                    f"{entry.id}: {left:f} {entry.currency} left is within the tolerance of "
                    f"{limit:f} {entry.currency}")
            else:
                skipped.append(f"{entry.id}: {left} {entry.currency} left open (policy)")
        else:
            skipped.append(
                f"{entry.id}: {left} {entry.currency} left is beyond the tolerance of {limit}"
            )
    settled = all(
        not i.remaining.amount or any(a.target == i.id for a in adjustments) for i in invoices
    )
    if tolerance is not None and invoices and settled:
        for payment in payments:
            surplus = -payment.remaining.amount * debt_sign  # overpaid, positive
            if not surplus:
                continue
            limit = max(tolerance.limit(i.entry.amount).amount for i in invoices)
            if surplus <= limit and tolerance_policy is TolerancePolicy.ACCEPT:
                add(EntryKind.TOLERANCE, payment.entry, surplus * debt_sign,
                    f"{payment.entry.id}: overpaid {surplus:f} {payment.entry.currency}, within "
                    f"the tolerance of {limit:f} {payment.entry.currency}")
            elif surplus > limit:
                skipped.append(
                    f"{payment.entry.id}: overpaid {surplus} {payment.entry.currency}, beyond "
                    f"the tolerance of {limit}; it stays open as a credit"
                )
    return AdjustmentPlan(
        match_id=match_id, on=on, adjustments=tuple(adjustments), postings=tuple(postings),
        skipped=tuple(skipped),
    )


def _local_of(target: Entry, amount: Decimal) -> Money:
    """*amount* of the target's currency valued at the target's own booking."""
    local = target.local_currency
    if target.currency == local:
        return Money._of(amount, local)
    value = CONTEXT.divide(CONTEXT.multiply(target.value_local, amount), target.value)
    return Money._of(value.quantize(quantum(local), rounding=ROUND_HALF_EVEN), local)


