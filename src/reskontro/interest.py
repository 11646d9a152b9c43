"""Late-payment interest (forsinkelsesrente): rates, day count, per item and as notes.

A claim not paid by its due date carries late-payment interest. In Norway
the rate is statutory (forsinkelsesrenteloven § 3): the Ministry of Finance
fixes it **per half-year** as Norges Bank's policy rate on 1 January or
1 July plus 8 percentage points, and a new rate applies from its first day
to claims already accruing. reskontro computes it the way the reference
calculators do:

* **simple interest**, never interest on interest (Rt. 1998 s. 198);
* **actual days, by calendar year**: each day earns 1/365 of the annual rate
  in a normal year and 1/366 in a leap year, and each day takes the rate of
  the half-year it falls in;
* interest runs for each day **after** the due date up to and including the
  payment date: ``days = payment date - due date`` (an invoice paid on its
  due date carries none);
* a partial payment reduces the principal from the day after its date (the
  payment date itself still earns interest on the amount it paid);
* the total is rounded half up to the currency's minor unit, once.

The rates are a caller-extendable, effective-dated table
(:class:`InterestRates`). The shipped default, :data:`NORWEGIAN_RATES`,
holds the published rates of every half-year from 2004 H1 to 2026 H1; sources
are named on each period. A day outside the table raises
:class:`~reskontro.exceptions.MissingInterestRateError` rather than guessing:
extend the table when the Ministry publishes the next rate.

:func:`plan_interest` proposes interest notes (rentenota): one
:meth:`Entry.interest <reskontro.Entry.interest>` per party with the
general-ledger posting (8055 Renteinntekt kundefordringer by default). Like
every plan it changes nothing until applied.

>>> from datetime import date
>>> interest(Money("10000", "NOK"), due=date(2025, 3, 1), paid=date(2025, 3, 31))
Money('102.74', 'NOK')
>>> interest(Money("10000", "NOK"), due=date(2024, 12, 20), paid=date(2025, 1, 10))
Money('71.81', 'NOK')
>>> interest(Money("10000", "NOK"), due=date(2026, 6, 20), paid=date(2026, 7, 10))
Traceback (most recent call last):
...
reskontro.exceptions.MissingInterestRateError: no late-payment interest rate for 2026-07-01 ...
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, final

import attrs

from reskontro.currency import quantum
from reskontro.entries import Entry, EntryKind, Side, SubAccount
from reskontro.exceptions import (
    InvalidPolicyError,
    InvalidQueryError,
    MissingInterestRateError,
    ReskontroError,
)
from reskontro.ledger import Ledger
from reskontro.money import CONTEXT, Money, in_context, parse_amount
from reskontro.settlement import GlPosting

__all__ = [
    "NORWEGIAN_RATES",
    "InterestAccounts",
    "InterestLine",
    "InterestNote",
    "InterestPlan",
    "InterestRates",
    "RatePeriod",
    "accrued",
    "interest",
    "item_interest",
    "plan_interest",
]

_ZERO: Final = Decimal(0)
_HUNDRED: Final = Decimal(100)
_DAY: Final = timedelta(days=1)


def _day(value: object, name: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidQueryError(
            f"{name} must be a datetime.date, got {value!r}", field=name, value=value
        )
    return value


def _rate(value: object) -> Decimal:
    try:
        number = parse_amount(value, field="rate")
    except ReskontroError:
        number = None
    if number is None or number < 0 or number > _HUNDRED:
        raise InvalidPolicyError(
            f"interest rate must be an exact percentage from 0 to 100, got {value!r}",
            field="rate", value=value,
        )
    return number


@final
@attrs.frozen(kw_only=True)
class RatePeriod:
    """One period of a rate table: an annual rate in percent from *start* to *end* inclusive.

    Raises:
        InvalidPolicyError: *end* before *start*, or a rate that is not an
            exact percentage from 0 to 100 (floats are refused).

    >>> RatePeriod(start=date(2025, 7, 1), end=date(2025, 12, 31), rate="12.25").rate
    Decimal('12.25')
    """

    start: date
    end: date
    rate: Decimal = attrs.field(converter=_rate)
    source: str = ""

    def __attrs_post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, date) or isinstance(value, datetime):
                raise InvalidPolicyError(
                    f"rate period: {name} must be a datetime.date, got {value!r}",
                    field=name, value=value,
                )
        if self.end < self.start:
            raise InvalidPolicyError(
                f"rate period ends ({self.end}) before it starts ({self.start})",
                field="end", value=self.end,
            )


def _periods(value: Iterable[RatePeriod]) -> tuple[RatePeriod, ...]:
    periods = tuple(value)
    for period in periods:
        if not isinstance(period, RatePeriod):
            raise InvalidPolicyError(
                f"interest rates: {period!r} is not a RatePeriod", field="periods", value=period
            )
    periods = tuple(sorted(periods, key=lambda p: p.start))
    for before, after in itertools.pairwise(periods):
        if after.start <= before.end:
            raise InvalidPolicyError(
                f"interest rates: the period from {after.start} overlaps the period "
                f"{before.start}-{before.end}",
                field="periods", value=after,
            )
    return periods


@final
@attrs.frozen
class InterestRates:
    """An effective-dated table of annual late-payment interest rates (percent).

    Periods may not overlap; a gap between them is a day without a rate,
    and asking for interest on it raises.

    >>> NORWEGIAN_RATES.rate_on(date(2025, 7, 1))
    Decimal('12.25')
    >>> extra = RatePeriod(start=date(2026, 7, 1), end=date(2026, 12, 31), rate="11.75",
    ...                    source="(an example, not a published rate)")
    >>> NORWEGIAN_RATES.extended(extra).rate_on(date(2026, 8, 1))
    Decimal('11.75')
    """

    periods: tuple[RatePeriod, ...] = attrs.field(converter=_periods)

    def rate_on(self, day: date) -> Decimal:
        """The annual rate in percent on *day*.

        Raises:
            MissingInterestRateError: no period covers *day*.
        """
        for period in self.periods:
            if period.start <= day <= period.end:
                return period.rate
        covered = (
            f"the table covers {self.periods[0].start} to {self.periods[-1].end}"
            if self.periods else "the table is empty"
        )
        raise MissingInterestRateError(
            f"no late-payment interest rate for {day} ({covered}); extend the table with "
            f"InterestRates.extended(RatePeriod(...))",
            field="rates", value=day,
        )

    def extended(self, *periods: RatePeriod) -> InterestRates:
        """A new table with *periods* added (they may not overlap the existing ones)."""
        return InterestRates(self.periods + periods)

    def _cuts(self, first: date, last: date) -> set[date]:
        cuts = set()
        for period in self.periods:
            for cut in (period.start - _DAY, period.end):
                if first < cut < last:
                    cuts.add(cut)
        return cuts


def _half_year(year: int, second: bool, rate: str, source: str) -> RatePeriod:
    if second:
        return RatePeriod(start=date(year, 7, 1), end=date(year, 12, 31), rate=rate, source=source)
    return RatePeriod(start=date(year, 1, 1), end=date(year, 6, 30), rate=rate, source=source)


_PUBLISHED: Final = "forsinkelsesrente.net and interestia.no: the published rate tables"

#: The Norwegian late-payment interest rates (forsinkelsesrente), every half-year from
#: 2004 H1 (when the half-yearly rate began) to 2026 H1: Norges Bank's policy rate on
#: 1 January / 1 July plus 7 points until 30 June 2013 and plus 8 points since
#: (forsinkelsesrenteloven § 3). H2 2024 and H2 2025 are derived from the policy rate (the
#: regulations were not read); extend the table for 2026 H2 and later. Every value and its
#: source is listed on the Collecting page of the documentation.
NORWEGIAN_RATES: Final = InterestRates((
    _half_year(2004, False, "9.25", _PUBLISHED),
    _half_year(2004, True, "8.75", _PUBLISHED),
    _half_year(2005, False, "8.75", _PUBLISHED),
    _half_year(2005, True, "9.00", _PUBLISHED),
    _half_year(2006, False, "9.25", "toll.no circular: Finansdepartementet fixed 9.25 % from 1 "
               "January 2006"),
    _half_year(2006, True, "9.75", _PUBLISHED),
    _half_year(2007, False, "10.50", _PUBLISHED),
    _half_year(2007, True, "11.50", _PUBLISHED),
    _half_year(2008, False, "12.25", _PUBLISHED),
    _half_year(2008, True, "12.75", _PUBLISHED),
    _half_year(2009, False, "10.00", _PUBLISHED),
    _half_year(2009, True, "8.25", _PUBLISHED),
    _half_year(2010, False, "8.75", _PUBLISHED),
    _half_year(2010, True, "9.00", _PUBLISHED),
    _half_year(2011, False, "9.00", _PUBLISHED),
    _half_year(2011, True, "9.25", _PUBLISHED),
    _half_year(2012, False, "8.75", _PUBLISHED),
    _half_year(2012, True, "8.50", _PUBLISHED),
    _half_year(2013, False, "8.50", _PUBLISHED),
    _half_year(2013, True, "9.50", "regjeringen.no FOR-2013-06-26-755 (policy rate + 8 from 1 "
               "July 2013; + 7 before)"),
    _half_year(2014, False, "9.50", "regjeringen.no: forskrift 20 December 2013, § 1: 9.50 %"),
    _half_year(2014, True, "9.50", _PUBLISHED),
    _half_year(2015, False, "9.25", _PUBLISHED),
    _half_year(2015, True, "9.00", _PUBLISHED),
    _half_year(2016, False, "8.75", _PUBLISHED),
    _half_year(2016, True, "8.50", "regjeringen.no: forskrift in force 1 July 2016, § 1: 8.50 %"),
    _half_year(2017, False, "8.50", _PUBLISHED),
    _half_year(2017, True, "8.50", _PUBLISHED),
    _half_year(2018, False, "8.50", _PUBLISHED),
    _half_year(2018, True, "8.50", _PUBLISHED),
    _half_year(2019, False, "8.75", _PUBLISHED),
    _half_year(2019, True, "9.25", _PUBLISHED),
    _half_year(2020, False, "9.50", "okonomiforbundet.no: Finansdepartementet fixed 9.50 % from 1 "
               "January 2020"),
    _half_year(2020, True, "8.00", _PUBLISHED),
    _half_year(2021, False, "8.00", _PUBLISHED),
    _half_year(2021, True, "8.00", _PUBLISHED),
    _half_year(2022, False, "8.50", _PUBLISHED),
    _half_year(2022, True, "9.25", "Lovdata FOR-2022-06-24-1178 (via community.visma.com): 9.25 %"),
    _half_year(2023, False, "10.75", "regnskapnorge.no: forsinkelsesrenten øker til "
               "10,75 prosent fra 1. januar 2023"),
    _half_year(2023, True, "11.75", "forsinkelsesrente.net: satsene på forsinkelsesrente"),
    _half_year(2024, False, "12.50", "regjeringen.no: forsinkelsesrente og "
               "standardkompensasjon fra 1. januar 2024"),
    _half_year(2024, True, "12.50", "derived: policy rate 4.50 held through 2024 "
               "(norges-bank.no) + 8"),
    _half_year(2025, False, "12.50", "Lovdata FOR-2024-12-19-3279 § 1"),
    _half_year(2025, True, "12.25", "derived: policy rate 4.25 from 19 June 2025 "
               "(norges-bank.no) + 8; FOR-2025-06-23-1321"),
    _half_year(2026, False, "12.00", "kred.no: forsinkelsesrente og standardkompensasjon "
               "fra 1. januar 2026"),
))


def _year_days(year: int) -> int:
    return 366 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 365


@in_context
def accrued(
    principal: Decimal,
    due: date,
    until: date,
    *,
    reductions: Sequence[tuple[date, Decimal]] = (),
    rates: InterestRates = NORWEGIAN_RATES,
) -> tuple[Decimal, int]:
    """Unrounded interest on *principal* for the days after *due* up to *until*, and the days.

    *reductions* are ``(date, amount)`` pairs: each lowers the principal from
    the day after its date. Returns the exact (unrounded) interest and the
    number of days the principal was positive. This is the building block of
    :func:`interest` and :func:`item_interest`.

    Raises:
        MissingInterestRateError: a day with a positive principal has no rate.

    >>> accrued(Decimal("10000"), date(2025, 3, 1), date(2025, 3, 31))[1]
    30
    """
    if until <= due or principal <= 0:
        return _ZERO, 0
    cuts = {due, until}
    for year in range(due.year, until.year):
        cuts.add(date(year, 12, 31))
    for when, _ in reductions:
        if due < when < until:
            cuts.add(when)
    cuts |= rates._cuts(due, until)
    ordered = sorted(cuts)
    total = _ZERO
    days = 0
    for start, end in itertools.pairwise(ordered):
        left = principal
        for when, amount in reductions:
            if when <= start:
                left -= amount
        if left <= 0:
            continue
        count = (end - start).days
        first = start + _DAY
        rate = rates.rate_on(first)
        share = CONTEXT.divide(
            CONTEXT.multiply(CONTEXT.multiply(left, rate), Decimal(count)),
            CONTEXT.multiply(_HUNDRED, Decimal(_year_days(first.year))),
        )
        total = CONTEXT.add(total, share)
        days += count
    return total, days


def _round(amount: Decimal, currency: str) -> Money:
    return Money._of(
        amount.quantize(quantum(currency), rounding=ROUND_HALF_UP, context=CONTEXT), currency
    )


@in_context
def interest(
    principal: Money,
    *,
    due: date,
    paid: date,
    rates: InterestRates = NORWEGIAN_RATES,
) -> Money:
    """Late-payment interest on *principal* due on *due* and paid on *paid*.

    ``days = paid - due``; each day at the rate of its half-year, over 365
    (366 in a leap year); rounded half up to the minor unit. Zero when paid
    on or before the due date.

    Raises:
        InvalidQueryError: a date is not a date, or *principal* is not Money.
        MissingInterestRateError: a day has no rate in *rates*.

    >>> interest(Money("10000", "NOK"), due=date(2025, 6, 20), paid=date(2025, 7, 10))
    Money('67.81', 'NOK')
    >>> interest(Money("1250", "NOK"), due=date(2025, 1, 15), paid=date(2025, 1, 15))
    Money('0.00', 'NOK')
    """
    if not isinstance(principal, Money):
        raise InvalidQueryError(
            f"principal must be Money, got {principal!r}", field="principal", value=principal
        )
    raw, _ = accrued(
        abs(principal.amount), _day(due, "due"), _day(paid, "paid"), rates=rates
    )
    return _round(raw, principal.currency)


@final
@attrs.frozen(kw_only=True)
class InterestLine:
    """The interest on one item as of a date.

    Attributes:
        entry_id: the item (claim).
        sub_account: its sub-account.
        due: its current due date.
        on: the date interest is computed to.
        principal: what was left of it on *on* (transaction currency).
        days: the days interest ran (days after the due date with something left).
        amount: the interest, positive, in the item's transaction currency.
        amount_local: the interest in local currency, at the item's booking rate.
        rate: the annual rate in percent on *on* (for the text of a note), or
            ``None`` when *on* has no rate in the table.
    """

    entry_id: str
    sub_account: SubAccount
    due: date | None
    on: date
    principal: Money
    days: int
    amount: Money
    amount_local: Money
    rate: Decimal | None


@in_context
def item_interest(
    ledger: Ledger, entry_id: str, *, on: date, rates: InterestRates = NORWEGIAN_RATES
) -> InterestLine:
    """The late-payment interest on one item from its current due date to *on*.

    The ledger is read as of *on*. The principal is the item's amount,
    lowered by each credit (payment, credit note) applied to it from the day
    after that credit's posting date; so an item settled late earns interest
    up to its settlement, and an open item up to *on*.

    Raises:
        EntryNotFoundError: no such entry as of *on*.
        MissingInterestRateError: a day with a positive principal has no rate.

    >>> from reskontro import Entry
    >>> nok = lambda a: Money(a, "NOK")
    >>> ledger = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=nok("10000"), posted=date(2025, 2, 15),
    ...                   due=date(2025, 3, 1)),
    ...     Entry.payment("P-1", party="1", amount=nok("-4000"), posted=date(2025, 3, 11)),
    ... ]).match(["F-1", "P-1"])
    >>> line = item_interest(ledger, "F-1", on=date(2025, 3, 31))
    >>> line.amount, line.days, line.principal
    (Money('75.34', 'NOK'), 30, Money('6000.00', 'NOK'))
    """
    on = _day(on, "on")
    item = ledger.item(entry_id, as_of=on)
    return _line(ledger, item.entry, item.due, item.remaining, item.match_id, on, rates)


def _line(
    ledger: Ledger,
    entry: Entry,
    due: date | None,
    remaining: Money,
    match_id: str | None,
    on: date,
    rates: InterestRates,
) -> InterestLine:
    currency = entry.currency
    local = entry.local_currency
    reductions: list[tuple[date, Decimal]] = []
    if match_id is not None:
        members = [ledger.entry(i, as_of=on) for i in ledger.match_members(match_id, as_of=on)]
        positive = entry.value > 0
        claims = [m for m in members if m.value and (m.value > 0) is positive]
        if len(claims) == 1:
            # the usual match (one invoice and its payments): every credit settles this item
            reductions = [(m.posted, abs(m.value)) for m in members
                          if m.value and (m.value > 0) is not positive]
            members = []
        for allocation in ledger.allocations(entry.id, as_of=on) if members else ():
            other = allocation.credit_id if allocation.debit_id == entry.id else (
                allocation.debit_id)
            reductions.append(
                (ledger.entry(other, as_of=on).posted, abs(allocation.amount.amount))
            )
    if due is None:
        raw, days = _ZERO, 0
    else:
        raw, days = accrued(abs(entry.value), due, on, reductions=reductions, rates=rates)
    amount = _round(raw, currency)
    if currency == local or not entry.value:
        amount_local = Money._of(amount.amount, local) if currency == local else Money.zero(local)
    else:
        amount_local = _round(
            CONTEXT.divide(CONTEXT.multiply(raw, entry.value_local), entry.value).copy_abs(),
            local,
        )
    try:
        rate: Decimal | None = rates.rate_on(on)
    except MissingInterestRateError:
        rate = None
    return InterestLine(
        entry_id=entry.id, sub_account=entry.sub_account, due=due, on=on,
        principal=abs(remaining), days=days, amount=amount, amount_local=amount_local, rate=rate,
    )


@final
@attrs.frozen(kw_only=True)
class InterestAccounts:
    """The general-ledger accounts of late-payment interest (NS 4102 defaults).

    Attributes:
        income: interest charged to customers, 8055 Renteinntekt kundefordringer.
        expense: interest owed to suppliers, 8155 Rentekostnad leverandørgjeld.
    """

    income: str = "8055"
    expense: str = "8155"


@final
@attrs.frozen(kw_only=True)
class InterestNote:
    """A proposed interest note (rentenota) for one sub-account and currency.

    Attributes:
        sub_account: the party's sub-account.
        lines: the interest per item.
        total: the sum, in the lines' transaction currency.
        entry: the interest entry to post (kind ``INTEREST``).
        postings: its general-ledger counter-posting.
    """

    sub_account: SubAccount
    lines: tuple[InterestLine, ...]
    total: Money
    entry: Entry
    postings: tuple[GlPosting, ...]


@final
@attrs.frozen(kw_only=True)
class InterestPlan:
    """Proposed interest notes as of a date; nothing is posted until :meth:`apply`.

    Attributes:
        on: the date interest is computed to, and the notes' posting date.
        notes: one note per sub-account and currency with interest to charge.
    """

    on: date
    notes: tuple[InterestNote, ...]

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The interest entries of the notes."""
        return tuple(note.entry for note in self.notes)

    def apply(self, ledger: Ledger) -> Ledger:
        """Post the interest entries (all or nothing).

        Raises:
            DuplicateEntryError: an entry id is already used (for instance, the
                plan was applied before).
        """
        return ledger.post_many(self.entries) if self.notes else ledger

    def to_records(self) -> list[dict[str, object]]:
        """One dict per item line: party, item, due, days, principal, interest.

        >>> InterestPlan(on=date(2026, 1, 31), notes=()).to_records()
        []
        """
        return [
            {
                "entry_id": line.entry_id,
                "side": line.sub_account.side.value,
                "party": line.sub_account.party,
                "due": line.due,
                "on": line.on,
                "days": line.days,
                "currency": line.amount.currency,
                "principal": line.principal.amount,
                "interest": line.amount.amount,
                "interest_local": line.amount_local.amount,
                "note": note.entry.id,
            }
            for note in self.notes
            for line in note.lines
        ]


@in_context
def plan_interest(
    ledger: Ledger,
    on: date,
    *,
    party: str | None = None,
    side: Side = Side.RECEIVABLE,
    rates: InterestRates = NORWEGIAN_RATES,
    accounts: InterestAccounts | None = None,
    kinds: Iterable[EntryKind] = (EntryKind.INVOICE,),
    id_prefix: str = "R-",
) -> InterestPlan:
    """Propose interest notes for the overdue open items as of *on*.

    One note per party sub-account and transaction currency, with one line
    per overdue open item of *kinds* (invoices by default) that is not
    disputed. Each note proposes an ``INTEREST`` entry dated *on* (id
    ``<id_prefix><party>-<yyyymmdd>``, with the currency appended for a
    foreign one) and its general-ledger posting: on the customer side debit
    the control account and credit 8055; on the supplier side debit 8155 and
    credit the control account.

    Raises:
        InvalidQueryError: *on* is not a date.
        MissingInterestRateError: a day with interest has no rate in *rates*.

    >>> from reskontro import Entry
    >>> ledger = Ledger("NOK").post(Entry.invoice(
    ...     "F-1", party="10001", amount=Money("10000", "NOK"), posted=date(2025, 2, 15),
    ...     due=date(2025, 3, 1)))
    >>> plan = plan_interest(ledger, date(2025, 3, 31))
    >>> note, = plan.notes
    >>> note.entry.id, note.entry.amount, note.entry.kind
    ('R-10001-20250331', Money('102.74', 'NOK'), EntryKind.INTEREST)
    >>> [(p.account, p.debit, p.credit) for p in note.postings]
    [('1500', Money('102.74', 'NOK'), None), ('8055', None, Money('102.74', 'NOK'))]
    """
    on = _day(on, "on")
    accounts = accounts or InterestAccounts()
    wanted = frozenset(kinds)
    lines: dict[tuple[SubAccount, str], list[InterestLine]] = {}
    numbers: dict[str, str] = {}
    for item in ledger.open_items(party=party, side=side, as_of=on):
        entry = item.entry
        if (
            entry.kind not in wanted
            or entry.disputed
            or item.due is None
            or item.due >= on
            or not (entry.value > 0 if side is Side.RECEIVABLE else entry.value < 0)
        ):
            continue
        line = _line(ledger, entry, item.due, item.remaining, item.match_id, on, rates)
        if line.amount.is_zero and line.amount_local.is_zero:
            continue
        lines.setdefault((entry.sub_account, entry.currency), []).append(line)
        numbers[entry.id] = entry.document_no or entry.id  # what the customer knows it by
    local = ledger.local_currency
    notes = []
    for (sub, currency), group in sorted(lines.items()):
        total = Money.sum((line.amount for line in group), currency)
        total_local = Money.sum((line.amount_local for line in group), local)
        suffix = "" if currency == local else f"-{currency}"
        sign = 1 if side is Side.RECEIVABLE else -1
        first, last = min(line.due for line in group if line.due), on
        entry = Entry.interest(
            f"{id_prefix}{sub.party}-{on:%Y%m%d}{suffix}",
            party=sub.party, side=sub.side, account=sub.account,
            amount=total * sign, amount_local=total_local * sign, posted=on,
            text=f"Forsinkelsesrente {first:%d.%m.%Y}-{last:%d.%m.%Y}: "
                 + ", ".join(numbers[line.entry_id] for line in group),
        )
        postings = (
            (GlPosting(account=sub.account, debit=total_local),
             GlPosting(account=accounts.income, credit=total_local))
            if side is Side.RECEIVABLE
            else (GlPosting(account=accounts.expense, debit=total_local),
                  GlPosting(account=sub.account, credit=total_local))
        )
        notes.append(
            InterestNote(sub_account=sub, lines=tuple(group), total=total, entry=entry,
                         postings=postings)
        )
    return InterestPlan(on=on, notes=tuple(notes))
