"""Dunning: a pure run that proposes reminders, collection notices and hand-overs.

A dunning run looks at a ledger on a date, under a policy, and proposes for
each customer the next step of the **dunning ladder** for every overdue
invoice:

1. a **reminder** (purring), no earlier than ``reminder_after_days`` (14)
   days after the due date, with a payment deadline of
   ``reminder_deadline_days`` (14) days;
2. a **collection notice** (inkassovarsel, inkassoloven § 9), no earlier than
   the day after the reminder's deadline, with a deadline of
   ``notice_deadline_days`` (at least 14) days counted from the day it is
   sent;
3. **hand-over to collection** (inkasso), no earlier than the day after the
   collection notice's deadline.

Each step is proposed on the first day it is allowed, and never earlier.
The run is a pure function: :func:`plan_dunning` returns a
:class:`DunningPlan` of :class:`Notice` values (per party and step: the
items, their remaining amounts, the late-payment interest accrued so far,
the fee and why), and changes nothing. Sending is the caller's business;
recording what was sent is an event on the ledger
(:meth:`DunningPlan.apply` or :meth:`Ledger.record_notices
<reskontro.Ledger.record_notices>`), so the last notice date and level of
every item is in the ledger's history, and the next run starts from it.
Fee entries are proposed with each notice and posted only when the caller
asks (``apply(ledger, post_fees=True)``).

Norwegian defaults (:data:`NORWEGIAN_POLICY`; every number is a parameter):

* **fee** (purregebyr; also the inkassovarsel fee) 1/20 of the
  **inkassosats** in force on the sending date (inkassoforskriften § 1-2):
  kr 700 gives kr 35. It is charged only when the rules allow it: the notice
  is sent at least 14 days after the due date, and a fee for the collection
  notice also needs the reminder's deadline of at least 14 days to have
  passed (§ 1-3). A hand-over carries no fee here (the collector claims its
  own costs).
* **business debtors**: flat compensation (standardkompensasjon,
  forsinkelsesrenteloven § 3a; 40 EUR in NOK, kr 460 from 1 January 2026)
  per invoice, claimed with the first notice instead of the reminder fee,
  which it covers (inkassoforskriften § 2-6); later notices about the same
  invoices carry no further fee. Consumers never pay it.
* **holding back**: disputed, factored and excluded-from-collection items are
  skipped, each with its reason; a customer with an open credit on the ledger
  (an unlinked payment, an overpayment, a credit note not applied) is held
  back entirely, with the reason, because the classic wrong reminder is one
  for an invoice the customer has already paid.

Sources: ``reference/norway.md`` §3 of the project research (inkassoloven
§§ 9-10, inkassoforskriften §§ 1-1 to 1-3 and 2-6, forsinkelsesrenteloven
§§ 3 and 3a; dates and URLs on each table below).

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> ledger = Ledger("NOK").post(Entry.invoice(
...     "F-1", party="10001", amount=Money("1000", "NOK"), posted=date(2026, 1, 5),
...     due=date(2026, 1, 19)))
>>> plan_dunning(ledger, NORWEGIAN_POLICY, date(2026, 2, 1)).notices
()
>>> notice, = plan_dunning(ledger, NORWEGIAN_POLICY, date(2026, 2, 2)).notices
>>> notice.level, notice.fee, notice.deadline
(NoticeLevel.REMINDER, Money('35.00', 'NOK'), datetime.date(2026, 2, 16))
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, ClassVar, Final, final

import attrs

from reskontro._gc import paused
from reskontro.business_days import NORWEGIAN_CALENDAR, BusinessCalendar
from reskontro.currency import quantum
from reskontro.display import Column, Tabular
from reskontro.entries import Entry, EntryKind, Side, SubAccount
from reskontro.events import EntryPosted, Event, NoticeLevel, NoticeRecorded
from reskontro.exceptions import InvalidPolicyError, InvalidQueryError, ReskontroError
from reskontro.interest import NORWEGIAN_RATES, InterestRates, _line
from reskontro.items import Item
from reskontro.ledger import Ledger
from reskontro.money import CONTEXT, Money, in_context, parse_amount
from reskontro.rates import RateTable
from reskontro.settlement import GlPosting

__all__ = [
    "INKASSOSATS",
    "LEVEL_NAMES_NB",
    "NORWEGIAN_POLICY",
    "REMINDER_FEE_FRACTION",
    "STANDARD_COMPENSATION",
    "AmountTable",
    "DatedAmount",
    "DebtorKind",
    "DunningPlan",
    "DunningPolicy",
    "FeeCurrency",
    "HeldParty",
    "Notice",
    "NoticeLevel",
    "NoticeLine",
    "SkippedItem",
    "next_step",
    "plan_dunning",
]

_DAY: Final = timedelta(days=1)


class DebtorKind(enum.StrEnum):
    """Whether a customer is a consumer or a business: it decides the flat compensation.

    >>> DebtorKind("business")
    DebtorKind.BUSINESS
    """

    CONSUMER = "consumer"
    BUSINESS = "business"

    def __repr__(self) -> str:
        return f"DebtorKind.{self.name}"


def _amount(value: object) -> Decimal:
    try:
        number = parse_amount(value, field="amount")
    except ReskontroError:
        number = None
    if number is None or number < 0:
        raise InvalidPolicyError(
            f"amount table: amounts must be exact and not negative, got {value!r}",
            field="amount", value=value,
        )
    return number


@final
@attrs.frozen(kw_only=True)
class DatedAmount:
    """An amount in force from *start* (until the next one in its table starts)."""

    start: date
    amount: Decimal = attrs.field(converter=_amount)
    source: str = ""


def _dated(value: Iterable[DatedAmount]) -> tuple[DatedAmount, ...]:
    rows = tuple(value)
    if not rows or not all(isinstance(row, DatedAmount) for row in rows):
        raise InvalidPolicyError(
            "amount table: give at least one DatedAmount", field="rows", value=rows
        )
    ordered = tuple(sorted(rows, key=lambda row: row.start))
    if len({row.start for row in ordered}) != len(ordered):
        raise InvalidPolicyError(
            "amount table: two amounts start on the same day", field="rows", value=rows
        )
    return ordered


@final
@attrs.frozen
class AmountTable:
    """An effective-dated amount in local currency (the inkassosats, the flat compensation).

    >>> INKASSOSATS.on(date(2026, 2, 2))
    Decimal('700')
    >>> STANDARD_COMPENSATION.on(date(2025, 12, 31)), STANDARD_COMPENSATION.on(date(2026, 1, 1))
    (Decimal('470'), Decimal('460'))
    """

    rows: tuple[DatedAmount, ...] = attrs.field(converter=_dated)

    def on(self, day: date) -> Decimal:
        """The amount in force on *day*.

        Raises:
            InvalidPolicyError: *day* is before the first row.
        """
        found = None
        for row in self.rows:
            if row.start <= day:
                found = row
            else:
                break
        if found is None:
            raise InvalidPolicyError(
                f"amount table: nothing in force on {day} (the table starts {self.rows[0].start})",
                field="rows", value=day,
            )
        return found.amount

    def extended(self, *rows: DatedAmount) -> AmountTable:
        """A new table with *rows* added."""
        return AmountTable(self.rows + rows)


_INKASSO_REG: Final = "Lovdata FOR-2002-12-13-1641 (forskrift om inkassosatsen)"

#: The inkassosats (inkassoforskriften § 1-1; forskrift om inkassosatsen), adjusted each
#: 1 January by the consumer price index until 2017 and kr 700 since. Only years with a
#: source read for this table have a row; a year without one (2008, 2010-2012, 2014)
#: carries the figure before it, which may be too low by some kroner: pass your own table
#: for notices sent in those years. For 2026 one secondary source (kred.no) gives kr 750;
#: the regulation text (Lovdata, juridika.no: "Inkassosatsen er kr 700") has no such
#: amendment, and the regulation's figure is the one used. The Collecting page of the
#: documentation lists every value with its source.
INKASSOSATS: Final = AmountTable((
    DatedAmount(start=date(2006, 1, 1), amount="550",
                source="regjeringen.no: 'Inkassosatsen aukar til 550 kroner' (2006)"),
    DatedAmount(start=date(2007, 1, 1), amount="560",
                source="regjeringen.no: 'frå 550 til 560 kroner' from 1 January 2007"),
    DatedAmount(start=date(2009, 1, 1), amount="590",
                source="gothiagroup.com 23.12.2008: kr 590 from 1 January 2009"),
    DatedAmount(start=date(2013, 1, 1), amount="630",
                source="faktura.no: purregebyr kr 63 (1/10) from new year 2013"),
    DatedAmount(start=date(2015, 1, 1), amount="650",
                source="faktura.no: inkassosatsen kr 650 from 01.01.2015"),
    DatedAmount(start=date(2016, 1, 1), amount="670",
                source="faktura.no: inkassosatsen kr 670 from 01.01.2016"),
    DatedAmount(start=date(2017, 1, 1), amount="700",
                source=f"{_INKASSO_REG} § 1 (FOR-2016-12-14-1635); juridika.no "
                       "inkassoforskriften § 1-1: 'Inkassosatsen er kr 700' (2025, 2026)"),
))

#: The reminder fee as a share of the inkassosats (inkassoforskriften § 1-2): a tenth until
#: 30 September 2020, a twentieth for claims falling due from 1 October 2020 (FOR-2020-06-19
#: amending the regulation; the old share applies to claims due before that day, so the
#: table is read on the due date of the oldest item on the notice).
REMINDER_FEE_FRACTION: Final = AmountTable((
    DatedAmount(start=date(1989, 10, 1), amount="0.10",
                source="inkassoforskriften (FOR-1989-07-14-562) § 1-2: 1/10 of the inkassosats"),
    DatedAmount(start=date(2020, 10, 1), amount="0.05",
                source="regjeringen.no press release 19.06.2020 'Regjeringen halverer "
                       "inkassosalærer'; juridika.no § 1-2: 'en tjuedel av inkassosatsen'"),
))

_COMP_REG: Final = "regjeringen.no: forskrift om renter ved forsinket betaling og kompensasjon"

#: Standardkompensasjon (forsinkelsesrenteloven § 3a, 40 EUR in NOK), business debtors only,
#: fixed by Finansdepartementet with the half-yearly interest rate since 1 July 2013. Only
#: half-years with a source read for this table have a row; one without carries the figure
#: before it (the Collecting page lists every value with its source).
STANDARD_COMPENSATION: Final = AmountTable((
    DatedAmount(start=date(2014, 1, 1), amount="320", source=f"{_COMP_REG}, 20.12.2013 § 2"),
    DatedAmount(start=date(2016, 7, 1), amount="370", source=f"{_COMP_REG}, in force 1.7.2016 § 2"),
    DatedAmount(start=date(2017, 1, 1), amount="360",
                source="forliksraadet.no: satser fra 1. januar 2017"),
    DatedAmount(start=date(2018, 1, 1), amount="380",
                source="forliksraadet.no: satser fra 1. januar 2018"),
    DatedAmount(start=date(2020, 7, 1), amount="430",
                source="bsregnskap.no 22.06.2020: 'settes opp til 430 kroner'"),
    DatedAmount(start=date(2022, 1, 1), amount="390",
                source="community.visma.com: 'NOK 400,00 (opp fra NOK 390,00)' on 1.7.2022"),
    DatedAmount(start=date(2022, 7, 1), amount="400", source="Lovdata FOR-2022-06-24-1178"),
    DatedAmount(start=date(2023, 1, 1), amount="410", source="regnskapnorge.no"),
    DatedAmount(start=date(2023, 7, 1), amount="460", source="FOR-2023-06-22-1075"),
    DatedAmount(start=date(2024, 1, 1), amount="470", source="regjeringen.no"),
    DatedAmount(start=date(2025, 1, 1), amount="470", source="FOR-2024-12-19-3279 § 2"),
    DatedAmount(start=date(2026, 1, 1), amount="460", source="kred.no (2026)"),
))


class FeeCurrency(enum.StrEnum):
    """The currency of the fee on a notice about foreign-currency items.

    The inkassosats and the standardkompensasjon are amounts in kroner. A
    notice to a EUR customer can charge them **as kroner** (``LOCAL``: the
    fee is a NOK line of its own, on the notice and on the account), or
    **converted to the invoice currency** at the rate of the notice date
    (``INVOICE``: the fee is a EUR line, its NOK amount the fixed one). Interest
    is always in the item's currency.

    >>> FeeCurrency("invoice")
    FeeCurrency.INVOICE
    """

    LOCAL = "local"
    INVOICE = "invoice"

    def __repr__(self) -> str:
        return f"FeeCurrency.{self.name}"


#: The Norwegian names of the steps of the ladder, for entry texts.
LEVEL_NAMES_NB: Final[Mapping[NoticeLevel, str]] = MappingProxyType({
    NoticeLevel.REMINDER: "purring",
    NoticeLevel.COLLECTION_NOTICE: "inkassovarsel",
    NoticeLevel.HANDOVER: "overført til inkasso",
})


def _days(name: str, minimum: int = 0) -> Any:
    def check(_: object, attribute: Any, value: object) -> None:
        if type(value) is not int or value < minimum:
            raise InvalidPolicyError(
                f"dunning policy: {name} must be a whole number of days from {minimum}, "
                f"got {value!r}",
                field=name, value=value,
            )

    return check


def _fraction(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        number = parse_amount(value, field="fee_fraction")
    except ReskontroError:
        number = None
    if number is None or not Decimal(0) <= number <= Decimal(1):
        raise InvalidPolicyError(
            f"dunning policy: fee_fraction must be an exact number from 0 to 1 (or None for "
            f"the dated table), got {value!r}",
            field="fee_fraction", value=value,
        )
    return number


def _debtors(value: Mapping[str, DebtorKind]) -> Mapping[str, DebtorKind]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, DebtorKind) for k, v in value.items()
    ):
        raise InvalidPolicyError(
            "dunning policy: debtors must map party numbers to DebtorKind",
            field="debtors", value=value,
        )
    return MappingProxyType(dict(value))


@final
@attrs.frozen(kw_only=True)
class DunningPolicy:
    """The parameters of a dunning run; :data:`NORWEGIAN_POLICY` has the Norwegian defaults.

    Attributes:
        reminder_after_days: a reminder no earlier than this many days after
            the due date (14: the earliest a fee is allowed).
        reminder_deadline_days: the payment deadline a reminder gives.
        notice_deadline_days: the deadline a collection notice gives, counted
            from the day it is sent (inkassoloven § 9: at least 14).
        inkassosats: the effective-dated inkassosats.
        fee_fraction: the fee as a share of the inkassosats, fixed (``0.05``
            is 1/20), or ``None`` (default) to read *fee_fractions*.
        fee_fractions: the share by date (:data:`REMINDER_FEE_FRACTION`: 1/10
            for claims due before 1 October 2020, 1/20 since), read on the
            due date of the oldest item on the notice.
        fee_min_days_after_due: a fee only for notices sent at least this many
            days after the due date (inkassoforskriften § 1-2: 14).
        standard_compensation: the flat compensation of business debtors.
        debtors: the kind of debtor per party number.
        default_debtor: the kind of a party not in *debtors*.
        interest_rates: the late-payment interest rates shown on notices, or
            ``None`` to show none.
        fee_account: the income account of fees (3900 Annen driftsrelatert inntekt).
        fee_currency: the currency of fees on notices about foreign-currency
            items (:class:`FeeCurrency`; kroner by default).
        calendar: deadlines that end on a day off move to the next business
            day of this calendar (:data:`NORWEGIAN_CALENDAR`); ``None`` keeps
            them as counted.
        fee_prefix: the prefix of proposed fee entry ids.
        kinds: the entry kinds that are dunned (invoices).

    Raises:
        InvalidPolicyError: a negative or non-integer number of days, a
            notice deadline under 14 days, a fee fraction outside 0-1, or a
            debtors mapping of the wrong types.

    >>> DunningPolicy(notice_deadline_days=10)
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidPolicyError: dunning policy: notice_deadline_days must be ...
    """

    reminder_after_days: int = attrs.field(default=14, validator=_days("reminder_after_days"))
    reminder_deadline_days: int = attrs.field(
        default=14, validator=_days("reminder_deadline_days")
    )
    notice_deadline_days: int = attrs.field(
        default=14, validator=_days("notice_deadline_days", 14)
    )
    inkassosats: AmountTable = INKASSOSATS
    fee_fraction: Decimal | None = attrs.field(default=None, converter=_fraction)
    fee_fractions: AmountTable = REMINDER_FEE_FRACTION
    fee_min_days_after_due: int = attrs.field(
        default=14, validator=_days("fee_min_days_after_due")
    )
    standard_compensation: AmountTable = STANDARD_COMPENSATION
    debtors: Mapping[str, DebtorKind] = attrs.field(
        # a plain dict in the repr, so it evaluates back (the converter re-wraps it)
        factory=dict, converter=_debtors, hash=False, repr=lambda value: repr(dict(value))
    )
    default_debtor: DebtorKind = DebtorKind.CONSUMER
    interest_rates: InterestRates | None = NORWEGIAN_RATES
    fee_account: str = "3900"
    fee_currency: FeeCurrency = attrs.field(default=FeeCurrency.LOCAL, converter=FeeCurrency)
    calendar: BusinessCalendar | None = NORWEGIAN_CALENDAR
    fee_prefix: str = "G-"
    kinds: frozenset[EntryKind] = attrs.field(
        default=frozenset({EntryKind.INVOICE}), converter=frozenset
    )

    def debtor(self, party: str) -> DebtorKind:
        """The kind of debtor *party* is."""
        return self.debtors.get(party, self.default_debtor)

    def fraction(self, due: date) -> Decimal:
        """The fee's share of the inkassosats for a claim due on *due*.

        >>> rules = NORWEGIAN_POLICY
        >>> rules.fraction(date(2020, 9, 30)), rules.fraction(date(2020, 10, 1))
        (Decimal('0.10'), Decimal('0.05'))
        """
        if self.fee_fraction is not None:
            return self.fee_fraction
        return self.fee_fractions.on(due)

    def fee(self, on: date, due: date | None = None) -> Decimal:
        """The fee of a notice sent on *on* about a claim due on *due* (default: *on*).

        The inkassosats in force on the sending date times the share for the
        claim's due date (inkassoforskriften § 1-2).

        >>> NORWEGIAN_POLICY.fee(date(2026, 2, 2))
        Decimal('35.00')
        >>> NORWEGIAN_POLICY.fee(date(2020, 11, 2), due=date(2020, 9, 15))
        Decimal('70.00')
        """
        share = self.fraction(on if due is None else due)
        return CONTEXT.multiply(self.inkassosats.on(on), share).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP, context=CONTEXT
        )

    def deadline(self, on: date, days: int) -> date:
        """*days* after *on*, moved to the next business day of the policy's calendar.

        >>> NORWEGIAN_POLICY.deadline(date(2026, 5, 3), 14)  # 17 May: to Monday 18 May
        datetime.date(2026, 5, 18)
        """
        end = on + timedelta(days=days)
        return end if self.calendar is None else self.calendar.roll_forward(end)


#: The Norwegian defaults: reminder 14 days after due with a 14-day deadline, collection
#: notice after that deadline with 14 days, hand-over after that; deadlines on a day off
#: move to the next business day; fee 1/20 of the inkassosats (1/10 for claims due before
#: 1 October 2020), in kroner; consumers by default.
NORWEGIAN_POLICY: Final = DunningPolicy()


def next_step(
    last: NoticeRecorded | None, due: date, policy: DunningPolicy
) -> tuple[NoticeLevel, date] | None:
    """The next step of the ladder for an item due on *due*, and the first day it is allowed.

    *last* is the item's last recorded notice; a notice sent before the
    current due date (the due date was moved later) no longer counts, so the
    ladder starts again. ``None`` once the item is handed over.

    >>> next_step(None, date(2026, 1, 19), NORWEGIAN_POLICY)
    (NoticeLevel.REMINDER, datetime.date(2026, 2, 2))
    >>> sent = NoticeRecorded(entry_ids=["F-1"], level=NoticeLevel.REMINDER,
    ...                       on=date(2026, 2, 2), deadline=date(2026, 2, 16))
    >>> next_step(sent, date(2026, 1, 19), NORWEGIAN_POLICY)
    (NoticeLevel.COLLECTION_NOTICE, datetime.date(2026, 2, 17))
    """
    if last is None or last.on < due:
        return NoticeLevel.REMINDER, due + timedelta(days=policy.reminder_after_days)
    if last.level is NoticeLevel.HANDOVER:
        return None
    if last.level is NoticeLevel.REMINDER:
        deadline = last.deadline or last.on + timedelta(days=policy.reminder_deadline_days)
        return NoticeLevel.COLLECTION_NOTICE, deadline + _DAY
    deadline = last.deadline or last.on + timedelta(days=policy.notice_deadline_days)
    return NoticeLevel.HANDOVER, deadline + _DAY


@final
@attrs.frozen(kw_only=True)
class NoticeLine:
    """One item on a notice.

    Attributes:
        entry_id: the item.
        document_no: its document (invoice) number.
        due: its current due date.
        days_overdue: days past the due date on the notice date.
        amount: its original amount (transaction currency).
        remaining: what is left of it (transaction currency).
        remaining_local: what is left of it (local currency).
        interest: late-payment interest accrued up to the notice date, in the
            item's own currency (zero when the policy shows none).
        interest_local: the same interest in local currency, at the item's
            booking rate.
        posted: the item's posting (invoice) date.
        reference: the item's payment reference (KID), if any.
    """

    entry_id: str
    document_no: str | None
    due: date
    days_overdue: int
    amount: Money
    remaining: Money
    remaining_local: Money
    interest: Money
    interest_local: Money | None = None
    posted: date | None = None
    reference: str | None = None

    @property
    def currency(self) -> str:
        """The item's transaction currency."""
        return self.remaining.currency


@final
@attrs.frozen(kw_only=True)
class Notice:
    """A proposed notice to one customer at one step of the ladder.

    Attributes:
        sub_account: the customer's sub-account.
        level: reminder, collection notice or hand-over.
        on: the sending date (the run's date).
        deadline: the payment deadline it gives (``None`` for a hand-over).
        debtor: consumer or business.
        lines: the items, all in one transaction currency.
        amount: the sum of their remaining amounts, in that currency.
        interest: the interest accrued on them, in that currency.
        fee: the fee (or flat compensation) charged with the notice, in local
            currency or, under :attr:`FeeCurrency.INVOICE`, in the items'
            currency.
        fee_reason: why the fee is what it is (the rule, or why there is none).
        fee_entry: the proposed fee entry, or ``None`` without a fee.
        postings: the fee entry's general-ledger posting (local currency).
        amount_local: the remaining amounts in local currency.
        interest_local: the interest in local currency.
        fee_local: the fee in local currency.

    A customer invoiced in one currency gets one notice per step; a customer
    with items in two currencies gets one notice per currency.
    """

    sub_account: SubAccount
    level: NoticeLevel
    on: date
    deadline: date | None
    debtor: DebtorKind
    lines: tuple[NoticeLine, ...]
    amount: Money
    interest: Money
    fee: Money
    fee_reason: str
    fee_entry: Entry | None
    postings: tuple[GlPosting, ...]
    amount_local: Money | None = None
    interest_local: Money | None = None
    fee_local: Money | None = None

    @property
    def currency(self) -> str:
        """The currency of the items (and of :attr:`total`)."""
        return self.amount.currency

    @property
    def party(self) -> str:
        """The customer."""
        return self.sub_account.party

    @property
    def entry_ids(self) -> tuple[str, ...]:
        """The items, in order."""
        return tuple(line.entry_id for line in self.lines)

    @property
    @in_context
    def total(self) -> Money:
        """What the notice asks for in its currency: remaining amounts, interest and fee.

        A fee charged in kroner on a foreign-currency notice is not in it: see
        :attr:`totals`.
        """
        total = self.amount + self.interest
        return total + self.fee if self.fee.currency == total.currency else total

    @property
    @in_context
    def totals(self) -> tuple[Money, ...]:
        """What the notice asks for, one amount per currency (the items' first)."""
        if self.fee.currency == self.currency or self.fee.is_zero:
            return (self.total,)
        return (self.total, self.fee)

    def event(self) -> NoticeRecorded:
        """The event that records this notice as sent."""
        return NoticeRecorded(
            entry_ids=self.entry_ids, level=self.level, on=self.on, deadline=self.deadline
        )


@final
@attrs.frozen(kw_only=True)
class HeldParty:
    """A customer held back from the run, and why.

    Attributes:
        sub_account: the customer's sub-account.
        reason: the reason, for a person to read.
        credit_ids: the open credit items that caused it.
        entry_ids: the items that would otherwise have had a notice.
    """

    sub_account: SubAccount
    reason: str
    credit_ids: tuple[str, ...]
    entry_ids: tuple[str, ...]


@final
@attrs.frozen(kw_only=True)
class SkippedItem:
    """An item due a notice that the run skipped, and why (disputed, factored, excluded)."""

    entry_id: str
    sub_account: SubAccount
    reason: str


@final
@attrs.frozen(kw_only=True)
class DunningPlan(Tabular):
    """The result of a dunning run: notices to send, and what was held back or skipped.

    Nothing changes until :meth:`apply`. In a notebook it shows as a table of
    the items on its notices; ``to_pandas()`` gives them as a DataFrame (see
    :mod:`reskontro.display`).
    """

    on: date
    notices: tuple[Notice, ...]
    held: tuple[HeldParty, ...]
    skipped: tuple[SkippedItem, ...]

    _columns: ClassVar[tuple[Column, ...] | None] = (
        Column("party"), Column("level"), Column("on", "date"), Column("deadline", "date"),
        Column("debtor"), Column("entry_id"), Column("document_no"), Column("due", "date"),
        Column("days_overdue", "int"), Column("currency"), Column("remaining", "amount"),
        Column("remaining_local", "amount"), Column("interest", "amount"),
        Column("interest_local", "amount"), Column("notice_fee", "amount"),
        Column("fee_currency"),
    )

    def _table_title(self) -> str:
        return (
            f"Dunning run of {self.on.isoformat()}: {len(self.notices)} notices, "
            f"{len(self.held)} parties held back, {len(self.skipped)} items skipped"
        )

    @property
    def fee_entries(self) -> tuple[Entry, ...]:
        """The proposed fee entries (purregebyr, standardkompensasjon)."""
        return tuple(n.fee_entry for n in self.notices if n.fee_entry is not None)

    @property
    def events(self) -> tuple[NoticeRecorded, ...]:
        """The events that record every notice of the plan as sent."""
        return tuple(notice.event() for notice in self.notices)

    def apply(self, ledger: Ledger, *, post_fees: bool) -> Ledger:
        """Record the notices as sent, and post their fee entries if *post_fees*; all or nothing.

        *post_fees* has no default: posting fees is always the caller's choice.

        Raises:
            ReskontroError: a notice or fee entry no longer fits the ledger
                (for instance, the plan was applied before); nothing changes.
        """
        events: list[Event] = []
        if post_fees:
            events.extend(EntryPosted(entry) for entry in self.fee_entries)
        events.extend(self.events)
        return ledger.apply(events) if events else ledger

    def to_records(self) -> list[dict[str, object]]:
        """One dict per item on a notice: party, level, item, amounts, interest, notice fee.

        >>> plan_dunning(Ledger("NOK"), NORWEGIAN_POLICY, date(2026, 2, 2)).to_records()
        []
        """
        return [
            {
                "party": notice.party,
                "level": notice.level.value,
                "on": notice.on,
                "deadline": notice.deadline,
                "debtor": notice.debtor.value,
                "entry_id": line.entry_id,
                "document_no": line.document_no,
                "due": line.due,
                "days_overdue": line.days_overdue,
                "currency": line.remaining.currency,
                "remaining": line.remaining.amount,
                "remaining_local": line.remaining_local.amount,
                "interest": line.interest.amount,
                "interest_local": (line.interest_local or line.interest).amount,
                "notice_fee": notice.fee.amount,
                "fee_currency": notice.fee.currency,
            }
            for notice in self.notices
            for line in notice.lines
        ]


def _check_policy(policy: object) -> DunningPolicy:
    if policy is None:
        return NORWEGIAN_POLICY
    if not isinstance(policy, DunningPolicy):
        raise InvalidQueryError(
            f"policy must be a DunningPolicy, got {policy!r}", field="policy", value=policy
        )
    return policy


_SKIP: Final = (
    ("disputed", "disputed: no dunning while the claim is disputed"),
    ("factored", "factored: the claim belongs to the factoring company"),
    ("excluded_from_collection", "excluded from collection"),
)


@in_context
def plan_dunning(
    ledger: Ledger,
    policy: DunningPolicy | None,
    on: date,
    *,
    party: str | None = None,
    rates: RateTable | None = None,
) -> DunningPlan:
    """Run dunning on the customer ledger as of *on*: the notices due that day, as a plan.

    The ledger is read as of *on* (items, matches, due dates and recorded
    notices as they stood at the end of that day). Every overdue open item
    of the policy's kinds gets the next step of its ladder if *on* is on or
    after the first day that step is allowed (:func:`next_step`); items of
    one sub-account at the same step share one notice.

    Args:
        ledger: the ledger (only read).
        policy: the policy (``None``: :data:`NORWEGIAN_POLICY`).
        on: the run's date: the sending date of its notices.
        party: only this customer.
        rates: exchange rates, needed when the policy converts fees into
            the invoice currency (:attr:`FeeCurrency.INVOICE`) and a notice
            is about foreign-currency items; the rate of the notice date is
            used.

    Raises:
        InvalidQueryError: *on* is not a date or *policy* not a policy.
        InvalidPolicyError: the policy's tables do not cover *on*.
        MissingInterestRateError: interest is shown and a day has no rate.
        MissingRateError: fees are converted and *rates* has no rate for a
            notice's currency on or before *on*.
    """
    if not isinstance(on, date) or isinstance(on, datetime):
        raise InvalidQueryError(f"on must be a datetime.date, got {on!r}", field="on", value=on)
    rules = _check_policy(policy)
    if rates is not None and not isinstance(rates, RateTable):
        raise InvalidQueryError(
            f"rates must be a RateTable, got {rates!r}", field="rates", value=rates
        )
    with paused():  # many small values, no cycles: spare the collector a walk of the heap
        return _run(ledger, rules, on, party, rates)


def _run(
    ledger: Ledger, rules: DunningPolicy, on: date, party: str | None, rates: RateTable | None
) -> DunningPlan:
    view = ledger.as_of(on)
    local = ledger.local_currency
    kinds = rules.kinds
    due_now: dict[
        tuple[SubAccount, NoticeLevel, str], list[tuple[Item, NoticeRecorded | None]]
    ] = {}
    open_credits: dict[SubAccount, list[str]] = {}
    skipped: list[SkippedItem] = []
    for item in view.open_items(party=party, side=Side.RECEIVABLE):
        entry = item.entry
        if item.remaining_local.amount < 0:
            open_credits.setdefault(entry.sub_account, []).append(entry.id)
            continue
        due = item.due
        if entry.kind not in kinds or due is None or due >= on or not entry.value > 0:
            continue
        last = view.last_notice(entry.id)
        step = next_step(last, due, rules)
        if step is None or on < step[1]:
            continue
        reason = next((text for flag, text in _SKIP if getattr(entry, flag)), None)
        if reason is not None:
            skipped.append(SkippedItem(entry_id=entry.id, sub_account=entry.sub_account,
                                       reason=reason))
            continue
        due_now.setdefault((entry.sub_account, step[0], entry.currency), []).append((item, last))
    notices: list[Notice] = []
    held: dict[SubAccount, list[str]] = {}
    ordered = sorted(
        due_now.items(), key=lambda kv: (kv[0][0], kv[0][1].rank, kv[0][2] != local, kv[0][2])
    )
    for (sub, level, currency), group in ordered:
        if sub in open_credits:
            held.setdefault(sub, []).extend(item.id for item, _ in group)
            continue
        notices.append(_notice(view, rules, sub, level, currency, group, on, local, rates))
    return DunningPlan(
        on=on,
        notices=tuple(notices),
        held=tuple(
            HeldParty(
                sub_account=sub,
                reason=(
                    f"open credit on the account ({', '.join(open_credits[sub])}): apply it to "
                    f"the invoices it pays before sending a notice"
                ),
                credit_ids=tuple(open_credits[sub]),
                entry_ids=tuple(ids),
            )
            for sub, ids in sorted(held.items())
        ),
        skipped=tuple(skipped),
    )


def _notice(
    view: Ledger,
    rules: DunningPolicy,
    sub: SubAccount,
    level: NoticeLevel,
    currency: str,
    group: list[tuple[Item, NoticeRecorded | None]],
    on: date,
    local: str,
    rates: RateTable | None,
) -> Notice:
    lines = []
    for item, _ in group:
        due = item.due
        if due is None:  # pragma: no cover - the run only groups items with a due date
            continue
        if rules.interest_rates is not None:
            found = _line(view, item.entry, due, item.remaining, item.match_id, on,
                          rules.interest_rates)
            accrued, accrued_local = found.amount, found.amount_local
        else:
            accrued, accrued_local = Money.zero(currency), Money.zero(local)
        lines.append(
            NoticeLine(
                entry_id=item.id, document_no=item.entry.document_no, due=due,
                days_overdue=(on - due).days, amount=item.amount, remaining=item.remaining,
                remaining_local=item.remaining_local, interest=accrued,
                interest_local=accrued_local, posted=item.entry.posted,
                reference=item.entry.reference,
            )
        )
    debtor = rules.debtor(sub.party)
    fee_local, reason = _fee(rules, level, debtor, group, on, local)
    fee = fee_local
    if not fee_local.is_zero and currency != local and rules.fee_currency is FeeCurrency.INVOICE:
        if rates is None:
            raise InvalidQueryError(
                f"the policy converts fees into the invoice currency, but no rates were given "
                f"for the {currency} notice to party {sub.party!r}: pass rates=RateTable(...)",
                field="rates", value=currency,
            )
        rate = rates.rate(currency, on)
        fee = Money._of(
            CONTEXT.divide(fee_local.amount, rate).quantize(
                quantum(currency), rounding=ROUND_HALF_UP, context=CONTEXT
            ),
            currency,
        )
        reason += f"; converted to {currency} at {rate} on {on:%d.%m.%Y}"
    if level is NoticeLevel.REMINDER:
        deadline: date | None = rules.deadline(on, rules.reminder_deadline_days)
    elif level is NoticeLevel.COLLECTION_NOTICE:
        deadline = rules.deadline(on, rules.notice_deadline_days)
    else:
        deadline = None
    fee_entry = None
    postings: tuple[GlPosting, ...] = ()
    if not fee_local.is_zero:
        text = "Standardkompensasjon" if debtor is DebtorKind.BUSINESS else "Purregebyr"
        suffix = "" if currency == local else f"-{currency}"
        fee_entry = Entry.reminder_fee(
            f"{rules.fee_prefix}{sub.party}-{on:%Y%m%d}-{level.rank}{suffix}",
            party=sub.party, side=sub.side, account=sub.account, amount=fee,
            amount_local=fee_local, posted=on, due=deadline,
            text=f"{text}, {LEVEL_NAMES_NB[level]} {on:%d.%m.%Y}: "
            + ", ".join(line.document_no or line.entry_id for line in lines),
        )
        postings = (GlPosting(account=sub.account, debit=fee_local),
                    GlPosting(account=rules.fee_account, credit=fee_local))
    return Notice(
        sub_account=sub, level=level, on=on, deadline=deadline, debtor=debtor,
        lines=tuple(lines),
        amount=Money.sum((line.remaining for line in lines), currency),
        interest=Money.sum((line.interest for line in lines), currency),
        fee=fee, fee_reason=reason, fee_entry=fee_entry, postings=postings,
        amount_local=Money.sum((line.remaining_local for line in lines), local),
        interest_local=Money.sum(
            (line.interest_local or Money.zero(local) for line in lines), local
        ),
        fee_local=fee_local,
    )


def _fee(
    rules: DunningPolicy,
    level: NoticeLevel,
    debtor: DebtorKind,
    group: list[tuple[Item, NoticeRecorded | None]],
    on: date,
    local: str,
) -> tuple[Money, str]:
    zero = Money.zero(local)
    if level is NoticeLevel.HANDOVER:
        return zero, "hand-over: the collector claims its own costs"
    minimum = timedelta(days=rules.fee_min_days_after_due)
    allowed = [(item, last) for item, last in group if item.due and on >= item.due + minimum]
    if not allowed:
        return zero, (
            f"no fee: sent less than {rules.fee_min_days_after_due} days after the due date "
            f"(inkassoforskriften § 1-2)"
        )
    if debtor is DebtorKind.BUSINESS:
        fresh = [item for item, last in allowed if last is None or last.on < (item.due or on)]
        if not fresh:
            return zero, "no fee: covered by the standardkompensasjon claimed earlier"
        q = quantum(local)
        total = sum(
            (rules.standard_compensation.on((item.due or on) + _DAY) for item in fresh),
            Decimal(0),
        )
        return Money._of(total.quantize(q, context=CONTEXT), local), (
            f"standardkompensasjon for {len(fresh)} invoice(s) (forsinkelsesrenteloven § 3a); "
            f"it covers the reminder fee (inkassoforskriften § 2-6)"
        )
    if level is NoticeLevel.COLLECTION_NOTICE:
        deadlines = [
            (last.on, last.deadline or last.on + timedelta(days=rules.reminder_deadline_days))
            for _, last in allowed
            if last is not None
        ]
        if deadlines and not any(
            (deadline - sent).days >= 14 and on > deadline for sent, deadline in deadlines
        ):
            return zero, (
                "no fee: the reminder's deadline was shorter than 14 days or has not passed "
                "(inkassoforskriften § 1-3)"
            )
    oldest = min(item.due or on for item, _ in allowed)
    share = rules.fraction(oldest)
    if not share:
        return zero, "no fee: the policy charges none"
    amount = Money(rules.fee(on, oldest).quantize(quantum(local), rounding=ROUND_HALF_UP), local)
    return amount, (
        f"{share} of the inkassosats "
        f"{rules.inkassosats.on(on)} in force on {on:%d.%m.%Y} (inkassoforskriften § 1-2)"
    )
