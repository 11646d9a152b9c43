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
They follow Business Central's published application rules.

* **Discount** (policy :attr:`DiscountPolicy.AUTOMATIC`, or ``NEVER``): an
  invoice whose terms carry a discount earns it when the match's latest
  payment is dated on or before its discount date (document date + the
  discount days) and the payments cover its remaining amount minus the
  discount. That includes a payment of the **whole** invoice: the discount
  is still granted, and what the payment covered beyond the discounted
  amount stays open on it as the customer's credit (or, on the supplier
  side, as money the supplier owes back). The discount is computed on what
  is owed **after the credit notes applied to the invoice** (an invoice of
  1 000 with a credit note of 200 earns 2 % of 800), in the invoice's
  currency. A partial payment that does not cover the discounted amount
  does not consume the discount: it stays available until its date.
* **Tolerance** (policy :attr:`TolerancePolicy.ACCEPT`, or ``LEAVE_OPEN``):
  each invoice allows ``min(percent of its amount, max amount)``; the
  invoices of a match together allow the **sum** of theirs. A payment
  short of what is owed less the discounts by no more than that is
  accepted: the discounts are granted and the shortfall is written off as
  tolerance entries on the invoices (the latest first, each up to its own
  tolerance), **in the same plan**. A payment over by no more than that is
  closed with a tolerance entry of the other sign on the payment; but a
  payment of the whole amount within the discount period keeps its surplus
  open as credit (the discount rule above), it is not turned into income.
* **Several invoices, one payment**: the payments of a match are judged
  together, as one payment applied to several invoices. When they do not
  cover every invoice less its discount (even with the tolerance), they
  reach the invoices oldest first (by due date), and each invoice they
  cover in full less its discount earns its own discount; the others keep
  theirs for later.

Amounts are in the invoice's currency (a match over invoices in several
currencies is judged per currency); a foreign invoice's adjustment is valued
in local currency at the invoice's own booking, so it realizes no exchange
difference of its own: the settlement of the match
(:func:`~reskontro.settlement.plan_settlement`) then realizes the exchange
difference on what was paid, and the match closes in both currencies.
Business Central values the discount at the payment's rate instead; the
discount plus the exchange difference come to the same total either way.

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
from reskontro.items import Item
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

    One call gives both (see the module notes for the rules): every discount
    earned, and the tolerance that closes what is left. An applied plan is
    remembered by the match (its entries are in it), so planning again
    proposes nothing more.

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
    match = ledger.get_match(match_id)
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
    sign = 1 if receivable else -1
    # (a counter-entry and the entry it cancels are neither)
    cancelled = {i.entry.reverses for i in items if i.entry.reverses is not None}
    documents = [
        i for i in items
        if i.entry.kind not in ADJUSTMENT_KINDS and i.entry.reverses is None
        and i.id not in cancelled
    ]
    invoices = [i for i in documents if i.entry.value * sign > 0]
    payments = [
        i for i in documents
        if i.entry.value * sign < 0 and i.entry.kind is not EntryKind.CREDIT_NOTE
    ]
    # an entry cancelled by a counter-entry in the match no longer counts, nor does the storno
    kinds = {
        i.id: i.entry.kind for i in items
        if i.entry.reverses is None and i.id not in cancelled
    }
    # what credit notes, discounts and tolerances already took off each invoice
    credited: dict[str, Decimal] = {}
    discounted: dict[str, Decimal] = {}
    adjusted: dict[str, Decimal] = {}
    for allocation in match.allocations:
        for own, other in (
            (allocation.debit_id, allocation.credit_id),
            (allocation.credit_id, allocation.debit_id),
        ):
            kind = kinds.get(other)
            value = allocation.amount.amount
            if kind is EntryKind.CREDIT_NOTE:
                credited[own] = credited.get(own, _ZERO) + value
            elif kind is EntryKind.DISCOUNT:
                discounted[own] = discounted.get(own, _ZERO) + value
                adjusted[own] = adjusted.get(own, _ZERO) + value
            elif kind is EntryKind.TOLERANCE:
                adjusted[own] = adjusted.get(own, _ZERO) + value
    paid_on = max((p.entry.posted for p in payments), default=None)
    plan = _Planner(
        ledger=ledger, match_id=match_id, on=on, receivable=receivable, accounts=accounts,
        taken=sum(1 for i in items if i.entry.kind in (EntryKind.DISCOUNT, EntryKind.TOLERANCE)),
    )
    if paid_on is None:
        return plan.result()
    for currency in sorted({i.entry.currency for i in invoices}):
        group = sorted(
            (i for i in invoices if i.entry.currency == currency),
            key=lambda i: (i.entry.due or i.entry.posted, i.entry.posted, i.id),
        )
        # what is still owed on the group, after everything in the match (positive: owed)
        owed = sign * sum(
            (i.remaining.amount for i in items if i.entry.currency == currency), _ZERO
        )
        lines: list[_Line] = []
        for invoice in group:
            entry = invoice.entry
            base = entry.value * sign - credited.get(entry.id, _ZERO)
            lines.append(_Line(
                item=invoice, base=base, due=base - adjusted.get(entry.id, _ZERO),
                taken=discounted.get(entry.id, _ZERO),
                limit=(
                    _ZERO if tolerance is None
                    else min(tolerance.limit(entry.amount).amount, max(base, _ZERO))
                ),
            ))
            deal = None if terms is None else _terms_of(terms, entry)
            last_day = None if deal is None else deal.discount_date(entry.document_date)
            if deal is None or last_day is None or discounted.get(entry.id) or base <= 0:
                continue
            off = deal.discount(Money._of(base, currency)).amount
            if not off:
                continue
            if discount is DiscountPolicy.NEVER:
                plan.skipped.append(f"{entry.id}: discount not taken (policy never)")
            elif paid_on > last_day:
                plan.skipped.append(
                    f"{entry.id}: paid on {paid_on}, after the discount date {last_day}"
                )
            else:
                lines[-1] = attrs.evolve(
                    lines[-1], discount=off, terms=deal, last_day=last_day
                )
        accept = tolerance is not None and tolerance_policy is TolerancePolicy.ACCEPT
        # the member an overpayment is closed on: one holding a surplus, else the latest payment
        surplus = [
            i for i in items
            if i.entry.currency == currency and i.entry.kind not in ADJUSTMENT_KINDS
            and i.remaining.amount * sign < 0
        ] or [p for p in payments if p.entry.currency == currency]
        _plan_group(plan, lines, surplus, owed, currency, paid_on, accept=accept,
                    leave_open=tolerance is not None and not accept)
    return plan.result()


@attrs.frozen(kw_only=True)
class _Line:
    """One invoice of a plan: what it owes and what it may earn (all positive, its currency)."""

    item: Item
    base: Decimal  # the amount less the credit notes applied to it: the discount base
    due: Decimal  # the base less discounts and tolerances already taken
    limit: Decimal  # its tolerance
    taken: Decimal = _ZERO  # the discount it already got
    discount: Decimal = _ZERO  # the discount it earns if the payment covers it
    terms: PaymentTerms | None = None
    last_day: date | None = None


@attrs.define(kw_only=True)
class _Planner:
    """Collects the adjustments, their G/L postings and the skipped notes of one plan."""

    ledger: Ledger
    match_id: str
    on: date
    receivable: bool
    accounts: AdjustmentAccounts
    taken: int
    adjustments: list[Adjustment] = attrs.Factory(list)
    postings: list[GlPosting] = attrs.Factory(list)
    skipped: list[str] = attrs.Factory(list)

    def add(self, kind: EntryKind, target: Entry, amount: Decimal, reason: str) -> None:
        letter = "D" if kind is EntryKind.DISCOUNT else "T"
        self.taken += 1
        # ids the ledger already holds (say, from an adjustment undone earlier) are skipped
        while f"{self.match_id}-{letter}{self.taken}" in self.ledger:
            self.taken += 1
        local = _local_of(target, amount)
        build = Entry.discount if kind is EntryKind.DISCOUNT else Entry.tolerance
        entry = build(
            f"{self.match_id}-{letter}{self.taken}", party=target.party, side=target.side,
            account=target.account, amount=Money._of(amount, target.currency),
            amount_local=local, posted=self.on, text=reason,
        )
        self.adjustments.append(Adjustment(entry=entry, target=target.id, reason=reason))
        if kind is EntryKind.DISCOUNT:
            other = (
                self.accounts.discount_given if self.receivable
                else self.accounts.discount_received
            )
            self.postings.extend(counter_postings(target.account, local, other, other))
        else:
            self.postings.extend(counter_postings(
                target.account, local, self.accounts.tolerance_gain,
                self.accounts.tolerance_loss,
            ))

    def result(self) -> AdjustmentPlan:
        return AdjustmentPlan(
            match_id=self.match_id, on=self.on, adjustments=tuple(self.adjustments),
            postings=tuple(self.postings), skipped=tuple(self.skipped),
        )


def _plan_group(
    plan: _Planner,
    lines: list[_Line],
    surplus_on: list[Item],
    owed: Decimal,
    currency: str,
    paid_on: date,
    *,
    accept: bool,
    leave_open: bool,
) -> None:
    """Discounts and tolerance of the invoices of one currency in a match.

    *owed* is what the match still owes in *currency* (negative: overpaid);
    *surplus_on* are the members an overpayment would be closed on.
    With every earned discount granted, ``short = owed - discounts`` is what
    the payments miss (negative: what they cover beyond). The payments are
    judged together, as Business Central judges one payment applied to
    several invoices: the discounts are all granted when the shortfall is
    within the sum of the invoices' tolerances, and the shortfall is then
    written off as tolerance in the same plan.
    """
    sign = 1 if plan.receivable else -1
    earning = [line for line in lines if line.discount]
    discounts = sum((line.discount for line in earning), _ZERO)
    allowed = sum((line.limit for line in lines), _ZERO) if accept else _ZERO
    allowance = sum((line.limit for line in lines), _ZERO)
    names = ", ".join(line.item.id for line in lines)
    short = owed - discounts
    if short > allowed:
        # not enough for every discount: the payments reach the invoices oldest
        # first, and an invoice they do not cover keeps its discount for later
        pool = sum((line.due for line in lines), _ZERO) - owed
        for line in lines:
            need = line.due - line.discount
            if line.discount and pool >= need:
                _grant(plan, line, paid_on, sign)
                pool -= need
                continue
            if line.discount:
                left = line.due - min(pool, line.due)
                plan.skipped.append(
                    f"{line.item.id}: {left:f} {currency} left is more than the discount "
                    f"{line.discount:f}; the discount stays available until {line.last_day}"
                )
            pool -= min(pool, line.due)
        if not earning and short > 0 and (accept or leave_open):
            plan.skipped.append(
                f"{names}: {short:f} {currency} left is beyond the tolerance of "
                f"{allowance:f}" if accept else
                f"{names}: {short:f} {currency} left open (policy)"
            )
        return
    for line in earning:
        _grant(plan, line, paid_on, sign)
    if short > 0:
        # an underpayment within the tolerance: written off on the invoices,
        # the latest first, each up to its own tolerance
        rest = short
        for line in reversed(lines):
            part = min(rest, line.limit)
            if not part:
                continue
            rest -= part
            reason = (
                f"{line.item.id}: {part:f} {currency} left is within the tolerance of "
                f"{line.limit:f} {currency}" if len(lines) == 1 else
                f"{line.item.id}: {part:f} {currency} of {short:f} {currency} short, within "
                f"the tolerance of {allowed:f} {currency} of {names}"
            )
            plan.add(EntryKind.TOLERANCE, line.item.entry, -part * sign, reason)
            if not rest:
                break
    elif short < 0:
        surplus = -short
        holder = max(surplus_on, key=lambda i: (i.entry.posted, i.id), default=None)
        payment = None if holder is None else holder.id
        prior = sum((line.taken for line in lines), _ZERO)
        if (earning or prior) and owed + prior <= 0:
            # paid in full within the discount period: Business Central's rule,
            # the discount is granted and the surplus is the customer's credit
            plan.skipped.append(
                f"{payment or names}: paid in full within the discount period; "
                f"{surplus:f} {currency} stays open as a credit"
            )
        elif holder is not None and surplus <= allowed:
            plan.add(
                EntryKind.TOLERANCE, holder.entry, surplus * sign,
                f"{payment}: overpaid {surplus:f} {currency}, within the tolerance of "
                f"{allowed:f} {currency}",
            )
        elif accept or leave_open:
            plan.skipped.append(
                f"{payment or names}: overpaid {surplus:f} {currency}, beyond the tolerance "
                f"of {allowance:f}; it stays open as a credit" if accept else
                f"{payment or names}: overpaid {surplus:f} {currency} left open (policy)"
            )


def _grant(plan: _Planner, line: _Line, paid_on: date, sign: int) -> None:
    entry = line.item.entry
    deal = line.terms
    assert deal is not None
    credited = entry.value * sign - line.base
    basis = (
        f" on {line.base:f} {entry.currency} after {credited:f} {entry.currency} of credit notes"
        if credited else ""
    )
    plan.add(
        EntryKind.DISCOUNT, entry, -line.discount * sign,
        f"{entry.id}: {deal.discount_percent} % cash discount ({deal.name}){basis}, "
        f"paid on {paid_on}, on or before {line.last_day}",
    )


def _local_of(target: Entry, amount: Decimal) -> Money:
    """*amount* of the target's currency valued at the target's own booking."""
    local = target.local_currency
    if target.currency == local:
        return Money._of(amount, local)
    value = CONTEXT.divide(CONTEXT.multiply(target.value_local, amount), target.value)
    return Money._of(value.quantize(quantum(local), rounding=ROUND_HALF_EVEN), local)


