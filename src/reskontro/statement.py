"""Statements (reskontroutdrag): one party's account as a document to send.

A :class:`Statement` is what a creditor sends a customer (or what a supplier's
account looks like from our side): who it is from and to, the lines on the
party's sub-account, the balance they add up to, how old the open amounts are,
and how to pay. It is a plain immutable value computed from a ledger; turning
it into text, HTML or PDF is :mod:`reskontro.rendering`'s job.

There are two views, each a named constructor:

* :meth:`Statement.open_items` (åpne poster): the items still open at the end
  of a day, with what is left of each. There is **no opening balance**
  (``opening`` is ``None``): the open items add up to the balance by
  themselves.
* :meth:`Statement.period` (alle poster i en periode): every entry posted in a
  period, with the **opening balance** at the end of the day before the
  period starts, so the running balance ends at the balance on the last day.

Both are "as of" a day: entries posted and matches made after it are not
seen, exactly as :meth:`Ledger.open_items(as_of=...) <reskontro.Ledger.open_items>`.

Amounts keep the ledger's sign convention (a customer's debt is positive, what
we owe a supplier is negative). The **statement currency** is the transaction
currency of every line when they share one (a EUR customer gets a statement in
EUR), and the local currency when they do not; the running balance and the
payment amount are in it. Totals are given per transaction currency and in
local currency.

The **payment instruction** says what the debtor pays: the amount owed (when
it is positive), the creditor's bank account number (checked with
python-stdnum's ``no.kontonr``), the earliest due date of the open items that
make up the debt, and a KID: the open invoice's own KID when exactly one
invoice is open and it has a valid one, otherwise the party's KID if the
caller gives it.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> nok = lambda a: Money(a, "NOK")
>>> ledger = Ledger("NOK").post_many([
...     Entry.invoice("F-1", party="10001", amount=nok("1250"), posted=date(2026, 1, 5),
...                   due=date(2026, 1, 19), document_no="1001", reference="100010010013"),
...     Entry.payment("P-1", party="10001", amount=nok("-250"), posted=date(2026, 1, 20)),
... ]).match(["F-1", "P-1"])
>>> creditor = PartyDetails(name="Kaffegrossisten AS", account_number="8601 11 17947")
>>> s = Statement.open_items(ledger, "10001", as_of=date(2026, 1, 31), creditor=creditor)
>>> [(line.entry_id, line.remaining, line.balance) for line in s.lines]
[('F-1', Money('1000.00', 'NOK'), Money('1000.00', 'NOK'))]
>>> s.payment.amount, s.payment.kid, s.payment.due, s.payment.account_number
(Money('1000.00', 'NOK'), '100010010013', datetime.date(2026, 1, 19), '86011117947')
>>> PartyDetails(name="X", account_number="8601 11 17948")
Traceback (most recent call last):
...
reskontro.exceptions.InvalidAccountNumberError: account number '8601 11 17948' ...
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, final

import attrs
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import iso11649
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10
from stdnum.no import kontonr, orgnr

from reskontro.aging import Buckets, age
from reskontro.display import Column, Tabular
from reskontro.entries import EntryKind, Side
from reskontro.exceptions import (
    InvalidAccountNumberError,
    InvalidOrganisationNumberError,
    InvalidStatementError,
    PartyNotFoundError,
)
from reskontro.items import Balance, Item
from reskontro.kid import Algorithm, is_valid
from reskontro.kid import validate as validate_kid
from reskontro.ledger import Ledger
from reskontro.money import CONTEXT, Money

__all__ = [
    "PartyDetails",
    "PaymentInstruction",
    "Statement",
    "StatementLine",
    "StatementSection",
    "StatementView",
    "creditor_reference",
]


class StatementView(enum.StrEnum):
    """Which entries a statement lists.

    >>> StatementView("period")
    StatementView.PERIOD
    """

    #: The items open at the end of the statement date (åpne poster).
    OPEN_ITEMS = "open_items"
    #: Every entry posted in a period, after an opening balance.
    PERIOD = "period"

    def __repr__(self) -> str:
        return f"StatementView.{self.name}"


def _account_number(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidAccountNumberError(
            f"account number {value!r} must be a string", field="account_number", value=value
        )
    try:
        return str(kontonr.validate(value))
    except ValidationError as error:
        raise InvalidAccountNumberError(
            f"account number {value!r} is not a valid Norwegian bank account number "
            f"(11 digits with a MOD11 check digit): {error}",
            field="account_number",
            value=value,
        ) from None


def _organisation_number(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidOrganisationNumberError(
            f"organisation number {value!r} must be a string",
            field="organisation_number",
            value=value,
        )
    try:
        return str(orgnr.validate(value))
    except ValidationError as error:
        raise InvalidOrganisationNumberError(
            f"organisation number {value!r} is not a valid Norwegian organisation number "
            f"(9 digits with a MOD11 check digit): {error}",
            field="organisation_number",
            value=value,
        ) from None


def _iban(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidAccountNumberError(
            f"IBAN {value!r} must be a string", field="iban", value=value
        )
    try:
        return str(stdnum_iban.validate(value))
    except ValidationError as error:
        raise InvalidAccountNumberError(
            f"IBAN {value!r} is not a valid IBAN: {error}", field="iban", value=value
        ) from None


def _bic(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidAccountNumberError(f"BIC {value!r} must be a string", field="bic", value=value)
    try:
        return str(stdnum_bic.validate(value))
    except ValidationError as error:
        raise InvalidAccountNumberError(
            f"BIC {value!r} is not a valid BIC (SWIFT code): {error}", field="bic", value=value
        ) from None


def creditor_reference(reference: str) -> str:
    """The ISO 11649 structured creditor reference (RF reference) for *reference*.

    A foreign payer's bank does not know the Norwegian KID; the RF reference
    carries the same digits with an international check, so the payment
    still comes back with the KID inside it.

    >>> creditor_reference("100010010013")
    'RF36100010010013'
    >>> creditor_reference("not a reference!")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidStatementError: no RF reference for 'not a reference!' ...
    """
    body = reference.replace(" ", "").upper()
    if not body.isalnum() or not 1 <= len(body) <= 21:
        raise InvalidStatementError(
            f"no RF reference for {reference!r}: it takes 1 to 21 letters and digits",
            field="reference", value=reference,
        )
    found = f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"
    return str(iso11649.validate(found))


def _address(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidStatementError(
            f"address {value!r} must be a sequence of lines (strings)",
            field="address",
            value=value,
        )
    lines = tuple(value)
    if not all(isinstance(line, str) for line in lines):
        raise InvalidStatementError(
            f"address {value!r} must hold strings only", field="address", value=value
        )
    return lines


def _name(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidStatementError(
            f"name must be a non-empty string, got {value!r}", field="name", value=value
        )


@final
@attrs.frozen(kw_only=True)
class PartyDetails:
    """Who a statement is from (the creditor) or to (the debtor), as printed on it.

    Numbers are checked and kept in compact form (digits only); the
    ``formatted_*`` properties give them back the way they are printed.

    Attributes:
        name: the name printed on the statement.
        address: address lines, in order.
        organisation_number: a Norwegian organisasjonsnummer (9 digits,
            MOD11), checked with python-stdnum's ``no.orgnr``.
        account_number: a Norwegian bank account number (kontonummer, 11
            digits, MOD11), checked with python-stdnum's ``no.kontonr``. The
            creditor's is where the debtor pays.
        iban: the creditor's IBAN (checked with python-stdnum's ``iban``),
            printed for payers abroad.
        bic: the bank's BIC (SWIFT code), printed with the IBAN.

    Raises:
        InvalidStatementError: an empty name or an address that is not lines.
        InvalidOrganisationNumberError: a bad organisation number.
        InvalidAccountNumberError: a bad bank account number.

    >>> details = PartyDetails(name="Kaffegrossisten AS", address=["Bryggen 1", "5003 Bergen"],
    ...                        organisation_number="988 077 917", account_number="8601.11.17947")
    >>> details.account_number, details.formatted_account_number
    ('86011117947', '8601.11.17947')
    >>> details.formatted_organisation_number
    '988 077 917'
    >>> PartyDetails(name="X", organisation_number="123456789")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidOrganisationNumberError: organisation number '123456789' ...
    """

    name: str = attrs.field(validator=_name)
    address: tuple[str, ...] = attrs.field(default=(), converter=_address)
    organisation_number: str | None = attrs.field(default=None, converter=_organisation_number)
    account_number: str | None = attrs.field(default=None, converter=_account_number)
    iban: str | None = attrs.field(default=None, converter=_iban)
    bic: str | None = attrs.field(default=None, converter=_bic)

    @property
    def formatted_iban(self) -> str | None:
        """The IBAN in groups of four (``NO93 8601 1117 947``), or ``None``."""
        return None if self.iban is None else str(stdnum_iban.format(self.iban))

    @property
    def formatted_account_number(self) -> str | None:
        """The bank account number as printed (``8601.11.17947``), or ``None``."""
        return None if self.account_number is None else str(kontonr.format(self.account_number))

    @property
    def formatted_organisation_number(self) -> str | None:
        """The organisation number as printed (``988 077 917``), or ``None``."""
        if self.organisation_number is None:
            return None
        return str(orgnr.format(self.organisation_number))


@final
@attrs.frozen(kw_only=True)
class StatementLine:
    """One line of a statement: an entry and what the ledger says about it.

    Attributes:
        entry_id: the entry's id.
        posted: the posting date.
        document_no: the invoice or credit-note number, if any.
        kind: what the entry is.
        text: the entry's text.
        due: the current due date, if any.
        amount: the entry's amount in its transaction currency.
        amount_local: the entry's amount in local currency.
        remaining: what is left of it, in its transaction currency (zero when
            closed), as of the statement date.
        remaining_local: the same in local currency.
        balance: the running balance after this line, in the statement
            currency. A period statement runs from the opening balance over
            ``amount``; an open-items statement runs from zero over
            ``remaining``.
        match_id: the match the entry is in, if any.
        reference: the payment reference (KID), if any.

    >>> from reskontro import Money
    >>> line = StatementLine(entry_id="F-1", posted=date(2026, 1, 5), document_no="1001",
    ...     kind=EntryKind.INVOICE, text="", due=None, amount=Money("5", "NOK"),
    ...     amount_local=Money("5", "NOK"), remaining=Money("5", "NOK"),
    ...     remaining_local=Money("5", "NOK"), balance=Money("5", "NOK"),
    ...     match_id=None, reference=None)
    >>> line.is_open
    True
    """

    entry_id: str
    posted: date
    document_no: str | None
    kind: EntryKind
    text: str
    due: date | None
    amount: Money
    amount_local: Money
    remaining: Money
    remaining_local: Money
    balance: Money
    match_id: str | None
    reference: str | None

    @property
    def is_open(self) -> bool:
        """True when something is left of the entry on the statement date."""
        return not (self.remaining.is_zero and self.remaining_local.is_zero)


@final
@attrs.frozen(kw_only=True)
class PaymentInstruction:
    """How the debtor pays what a statement says is owed.

    Attributes:
        amount: what to pay, positive, in the statement currency (or the
            currency of its section).
        account_number: the creditor's bank account number (compact digits),
            or ``None`` when the creditor gave only an IBAN.
        kid: the KID to pay with, or ``None`` (then quote the party number).
        due: the earliest current due date among the open items that make up
            the debt (in the past when they are overdue), or ``None``.
        party: the debtor's party number, to quote when there is no KID.
        iban: the creditor's IBAN, for a payer abroad, or ``None``.
        bic: the creditor's bank's BIC, or ``None``.
        local_equivalent: what *amount* is in local currency, when the amount
            is in a foreign currency (a note, not a second amount to pay).

    >>> from reskontro import Money
    >>> PaymentInstruction(amount=Money("100", "NOK"), account_number="86011117947",
    ...                    kid=None, due=None, party="10001").formatted_account_number
    '8601.11.17947'
    """

    amount: Money
    account_number: str | None
    kid: str | None
    due: date | None
    party: str
    iban: str | None = None
    bic: str | None = None
    local_equivalent: Money | None = None

    @property
    def formatted_account_number(self) -> str:
        """The account number as printed (``8601.11.17947``), or the IBAN without one."""
        if self.account_number is None:
            return self.formatted_iban or ""
        return str(kontonr.format(self.account_number))

    @property
    def formatted_iban(self) -> str | None:
        """The IBAN in groups of four, or ``None``."""
        return None if self.iban is None else str(stdnum_iban.format(self.iban))

    @property
    def structured_reference(self) -> str | None:
        """The ISO 11649 RF reference built from the KID, for payers abroad (or ``None``).

        >>> from reskontro import Money
        >>> PaymentInstruction(amount=Money("1", "EUR"), account_number=None, kid="100010010013",
        ...                    due=None, party="1", iban="NO9386011117947").structured_reference
        'RF36100010010013'
        """
        return None if self.kid is None else creditor_reference(self.kid)


def _check_day(name: str, value: object) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidStatementError(
            f"{name} must be a datetime.date, got {value!r}", field=name, value=value
        )
    return value


def _by_posting(items: Iterable[Item]) -> list[Item]:
    # A stable sort keeps the ledger's posting order within one day.
    return sorted(items, key=lambda item: item.entry.posted)


def _single(currencies: set[str], local: str) -> str:
    return next(iter(currencies)) if len(currencies) == 1 else local


def _owed(side: Side, amount: Money) -> Money:
    """What the debtor owes, positive: a customer's debit or our credit to a supplier."""
    return amount if side is Side.RECEIVABLE else -amount


@final
@attrs.frozen(kw_only=True)
class StatementSection:
    """The part of a statement in one transaction currency.

    A customer invoiced in EUR reads a EUR statement: lines, running balance,
    total and what to pay all in EUR, with the kroner equivalent as a note.
    A customer with items in two currencies gets a section for each.

    Attributes:
        currency: the section's currency.
        lines: the statement's lines in that currency, each with its
            ``balance`` running in that currency (from the opening balance
            in that currency in a period view).
        opening: the opening balance in that currency (``None`` for open items).
        balance: the section's balance on the statement date, in its currency.
        balance_local: the same in local currency (booked amounts).
        payment: what to pay in that currency, or ``None``.
        credit: what the party has in its favour in that currency (positive:
            "til gode"), or ``None`` when nothing is.
    """

    currency: str
    lines: tuple[StatementLine, ...]
    opening: Money | None
    balance: Money
    balance_local: Money
    payment: PaymentInstruction | None
    credit: Money | None


#: The columns of :meth:`Statement.to_records`, in order.
_COLUMNS: tuple[Column, ...] = (
    Column("entry_id"),
    Column("posted", "date"),
    Column("document_no"),
    Column("kind"),
    Column("text"),
    Column("due", "date"),
    Column("currency"),
    Column("amount", "amount"),
    Column("amount_local", "amount"),
    Column("remaining", "amount"),
    Column("remaining_local", "amount"),
    Column("balance", "amount"),
    Column("match_id"),
    Column("reference"),
)


@final
@attrs.frozen(kw_only=True)
class Statement(Tabular):
    """A party's statement (reskontroutdrag), built by :meth:`open_items` or :meth:`period`.

    Attributes:
        party: the party number.
        side: the customer ledger or the supplier ledger.
        account: the control account, or ``None`` for every account of the side.
        view: :attr:`StatementView.OPEN_ITEMS` or :attr:`StatementView.PERIOD`.
        start: the first day of the period (``None`` for open items).
        as_of: the statement date: the last day it covers.
        local_currency: the ledger's local currency.
        currency: the statement currency (see the module docstring).
        creditor: who is owed (on a customer statement, you).
        debtor: who owes, when the caller gives the details.
        opening: the balance at the end of the day before ``start`` (period
            view), or ``None`` (open-items view: no opening balance).
        lines: the lines, in posting order.
        total: the sum of the lines (their amounts in a period view, their
            remaining amounts in an open-items view), in local currency and
            per transaction currency.
        balance: the balance on ``as_of``: ``opening + total`` in a period
            view, ``total`` in an open-items view; it always equals the
            ledger's balance of the party on that day.
        aging: ``(label, amount in local currency)`` per aging bucket of the
            party's open items on ``as_of``, from :func:`reskontro.aging.age`.
        payment: how to pay what is owed, or ``None`` when nothing is owed,
            the creditor has no account number or IBAN, or the lines are in
            more than one currency (then each section has its own).
        sections: the statement per transaction currency
            (:class:`StatementSection`), the statement currency first.

    >>> from reskontro import Entry, Ledger, Money
    >>> ledger = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=Money("300", "NOK"), posted=date(2025, 12, 1)),
    ...     Entry.invoice("F-2", party="1", amount=Money("200", "NOK"), posted=date(2026, 1, 9)),
    ... ])
    >>> s = Statement.period(ledger, "1", start=date(2026, 1, 1), as_of=date(2026, 1, 31),
    ...                      creditor=PartyDetails(name="Us AS"))
    >>> s.opening.local, [line.balance for line in s.lines], s.balance.local
    (Money('300.00', 'NOK'), [Money('500.00', 'NOK')], Money('500.00', 'NOK'))
    """

    party: str
    side: Side
    account: str | None
    view: StatementView
    start: date | None
    as_of: date
    local_currency: str
    currency: str
    creditor: PartyDetails
    debtor: PartyDetails | None
    opening: Balance | None
    lines: tuple[StatementLine, ...]
    total: Balance
    balance: Balance
    aging: tuple[tuple[str, Money], ...]
    payment: PaymentInstruction | None
    sections: tuple[StatementSection, ...] = ()

    _columns: ClassVar[tuple[Column, ...] | None] = _COLUMNS

    # -- building ------------------------------------------------------------------

    @classmethod
    def open_items(
        cls,
        ledger: Ledger,
        party: str,
        *,
        as_of: date,
        creditor: PartyDetails,
        debtor: PartyDetails | None = None,
        side: Side = Side.RECEIVABLE,
        account: str | None = None,
        kid: str | None = None,
        kid_algorithm: Algorithm | str = Algorithm.MOD10,
        buckets: Buckets | None = None,
    ) -> Statement:
        """The statement of *party*'s items open at the end of *as_of* (åpne poster).

        Each line's ``balance`` runs over the remaining amounts, from zero;
        there is no opening balance.

        Args:
            ledger: the ledger to read; it is not changed.
            party: the party number.
            as_of: the statement date.
            creditor: who is owed; its ``account_number`` is where to pay.
            debtor: who owes, if the statement should show it.
            side: the customer ledger (default) or the supplier ledger.
            account: one control account only (default: every account of the side).
            kid: the party's KID, used when no single open invoice has a KID.
            kid_algorithm: the check-digit algorithm KIDs are checked with.
            buckets: aging buckets for :func:`reskontro.aging.age` (its default
                when ``None``).

        Raises:
            PartyNotFoundError: the party has no entries on that side (and account).
            InvalidStatementError: *as_of* is not a date.
            InvalidKidError: *kid* is not a valid KID.

        >>> from reskontro import Entry, Ledger, Money
        >>> ledger = Ledger("NOK").post(Entry.invoice(
        ...     "F-1", party="1", amount=Money("300", "NOK"), posted=date(2026, 1, 2)))
        >>> Statement.open_items(ledger, "2", as_of=date(2026, 1, 31),
        ...                      creditor=PartyDetails(name="Us AS"))
        Traceback (most recent call last):
        ...
        reskontro.exceptions.PartyNotFoundError: no party '2' on the customer ledger
        """
        return cls._build(
            ledger, party, StatementView.OPEN_ITEMS, None, as_of, creditor, debtor, side,
            account, kid, kid_algorithm, buckets,
        )

    @classmethod
    def period(
        cls,
        ledger: Ledger,
        party: str,
        *,
        start: date,
        as_of: date,
        creditor: PartyDetails,
        debtor: PartyDetails | None = None,
        side: Side = Side.RECEIVABLE,
        account: str | None = None,
        kid: str | None = None,
        kid_algorithm: Algorithm | str = Algorithm.MOD10,
        buckets: Buckets | None = None,
    ) -> Statement:
        """The statement of every entry of *party* posted from *start* to *as_of*.

        The opening balance is the party's balance at the end of the day
        before *start*; each line's ``balance`` runs from it over the lines'
        amounts, so the last one is the balance on *as_of*. Remaining
        amounts and matches are as they stand on *as_of*. The arguments are
        those of :meth:`open_items`, plus *start*.

        Raises:
            PartyNotFoundError: the party has no entries on that side (and account).
            InvalidStatementError: *start* or *as_of* is not a date, or
                *start* is after *as_of*.
            InvalidKidError: *kid* is not a valid KID.

        >>> from reskontro import Ledger, Entry, Money
        >>> ledger = Ledger("NOK").post(Entry.invoice(
        ...     "F-1", party="1", amount=Money("300", "NOK"), posted=date(2026, 1, 2)))
        >>> Statement.period(ledger, "1", start=date(2026, 2, 1), as_of=date(2026, 1, 31),
        ...                  creditor=PartyDetails(name="Us AS"))
        Traceback (most recent call last):
        ...
        reskontro.exceptions.InvalidStatementError: the period starts on 2026-02-01, after ...
        """
        return cls._build(
            ledger, party, StatementView.PERIOD, start, as_of, creditor, debtor, side,
            account, kid, kid_algorithm, buckets,
        )

    @classmethod
    def _build(
        cls,
        ledger: Ledger,
        party: str,
        view: StatementView,
        start: date | None,
        as_of: date,
        creditor: PartyDetails,
        debtor: PartyDetails | None,
        side: Side,
        account: str | None,
        kid: str | None,
        kid_algorithm: Algorithm | str,
        buckets: Buckets | None,
    ) -> Statement:
        as_of = _check_day("as_of", as_of)
        if start is not None:
            start = _check_day("start", start)
            if start > as_of:
                raise InvalidStatementError(
                    f"the period starts on {start.isoformat()}, after it ends on "
                    f"{as_of.isoformat()}",
                    field="start",
                    value=start,
                )
        if not isinstance(creditor, PartyDetails):
            raise InvalidStatementError(
                f"creditor must be PartyDetails, got {creditor!r}", field="creditor",
                value=creditor,
            )
        if debtor is not None and not isinstance(debtor, PartyDetails):
            raise InvalidStatementError(
                f"debtor must be PartyDetails or None, got {debtor!r}", field="debtor",
                value=debtor,
            )
        party_kid = None if kid is None else validate_kid(kid, kid_algorithm)
        if not ledger.items(party=party, side=side, account=account):
            where = "" if account is None else f" on account {account}"
            raise PartyNotFoundError(
                f"no party {party!r} on the {side.label} ledger{where}",
                field="party",
                value=party,
            )
        local = ledger.local_currency
        open_now = ledger.open_items(party=party, side=side, account=account, as_of=as_of)
        if view is StatementView.OPEN_ITEMS:
            items = _by_posting(open_now)
            opening: Balance | None = None
        else:
            assert start is not None
            chosen = ledger.search(
                party=party, side=side, account=account, posted_from=start, as_of=as_of
            )
            items = _by_posting(chosen)
            opening = (
                Balance.zero(local)
                if start == date.min
                else ledger.balance(
                    party=party, side=side, account=account, as_of=start - timedelta(days=1)
                )
            )
        currencies = {item.entry.currency for item in items}
        if opening is not None:
            currencies.update(m.currency for m in opening.by_currency if not m.is_zero)
        currency = _single(currencies, local)
        lines, total = _lines(items, view, currency, local, opening)
        balance = total if opening is None else opening + total
        sections = _sections(
            lines, currencies, currency, local, opening, balance, open_now, side, creditor,
            party, party_kid, kid_algorithm,
        )
        payment = _payment(
            open_now, side, currency, balance, creditor, party, party_kid, kid_algorithm
        )
        if len(sections) > 1:
            payment = None
        return cls(
            party=party,
            side=side,
            account=account,
            view=view,
            start=start,
            as_of=as_of,
            local_currency=local,
            currency=currency,
            creditor=creditor,
            debtor=debtor,
            opening=opening,
            lines=lines,
            total=total,
            balance=balance,
            aging=_aging(ledger, party, side, as_of, buckets),
            payment=payment,
            sections=sections,
        )

    # -- reading -------------------------------------------------------------------

    def in_currency(self, balance: Balance) -> Money:
        """The part of *balance* in the statement currency (its local total when that is local).

        >>> from reskontro import Entry, Ledger, Money
        >>> ledger = Ledger("NOK").post(Entry.invoice(
        ...     "F-1", party="1", amount=Money("300", "EUR"), amount_local=Money("3450", "NOK"),
        ...     posted=date(2026, 1, 2)))
        >>> s = Statement.open_items(ledger, "1", as_of=date(2026, 1, 31),
        ...                          creditor=PartyDetails(name="Us AS"))
        >>> s.currency, s.in_currency(s.balance)
        ('EUR', Money('300.00', 'EUR'))
        """
        if self.currency == self.local_currency:
            return balance.local
        return balance[self.currency]

    @property
    def opening_amount(self) -> Money | None:
        """The opening balance in the statement currency (``None`` for open items)."""
        return None if self.opening is None else self.in_currency(self.opening)

    @property
    def balance_amount(self) -> Money:
        """The balance on ``as_of`` in the statement currency."""
        return self.in_currency(self.balance)

    @property
    def mixed_currencies(self) -> bool:
        """True when the lines are in more than one transaction currency."""
        return len({line.amount.currency for line in self.lines}) > 1

    def _table_title(self) -> str:
        return f"Statement of {self.side.label} {self.party} ({self.view.value}) as of {self.as_of}"

    def to_records(self) -> list[dict[str, Any]]:
        """The lines as plain dicts (one per line), for tables and DataFrames.

        Amounts are ``Decimal`` values; ``currency`` is the line's transaction
        currency and ``balance`` is in the statement currency. In a notebook
        the statement shows as an HTML table of these records, and
        ``to_pandas()`` makes them a DataFrame (the ``pandas`` extra).

        >>> from reskontro import Entry, Ledger, Money
        >>> ledger = Ledger("NOK").post(Entry.invoice(
        ...     "F-1", party="1", amount=Money("300", "NOK"), posted=date(2026, 1, 2)))
        >>> s = Statement.open_items(ledger, "1", as_of=date(2026, 1, 31),
        ...                          creditor=PartyDetails(name="Us AS"))
        >>> record = s.to_records()[0]
        >>> record["entry_id"], record["kind"], record["balance"]
        ('F-1', 'invoice', Decimal('300.00'))
        """
        return [
            {
                "entry_id": line.entry_id,
                "posted": line.posted,
                "document_no": line.document_no,
                "kind": line.kind.value,
                "text": line.text,
                "due": line.due,
                "currency": line.amount.currency,
                "amount": line.amount.amount,
                "amount_local": line.amount_local.amount,
                "remaining": line.remaining.amount,
                "remaining_local": line.remaining_local.amount,
                "balance": line.balance.amount,
                "match_id": line.match_id,
                "reference": line.reference,
            }
            for line in self.lines
        ]


def _lines(
    items: Sequence[Item],
    view: StatementView,
    currency: str,
    local: str,
    opening: Balance | None,
) -> tuple[tuple[StatementLine, ...], Balance]:
    """The statement lines with their running balance, and the sum of the lines."""
    in_local = currency == local
    running = Decimal(0)
    if opening is not None:
        running = opening.local.amount if in_local else opening[currency].amount
    per: dict[str, Decimal] = {}
    total_local = Decimal(0)
    add = CONTEXT.add
    lines = []
    for item in items:
        entry = item.entry
        if view is StatementView.PERIOD:
            moves, moves_local = entry.amount, entry.amount_local
        else:
            moves, moves_local = item.remaining, item.remaining_local
        per[moves.currency] = add(per.get(moves.currency, Decimal(0)), moves.amount)
        total_local = add(total_local, moves_local.amount)
        running = add(running, moves_local.amount if in_local else moves.amount)
        lines.append(
            StatementLine(
                entry_id=entry.id,
                posted=entry.posted,
                document_no=entry.document_no,
                kind=entry.kind,
                text=entry.text,
                due=item.due,
                amount=entry.amount,
                amount_local=entry.amount_local,
                remaining=item.remaining,
                remaining_local=item.remaining_local,
                balance=Money(running, currency),
                match_id=item.match_id,
                reference=entry.reference,
            )
        )
    return tuple(lines), Balance.from_sums(local, total_local, per)


def _aging(
    ledger: Ledger, party: str, side: Side, as_of: date, buckets: Buckets | None
) -> tuple[tuple[str, Money], ...]:
    report = age(ledger, as_of, party=party, side=side, buckets=buckets)
    row = report.row(party, side)
    zero = Money.zero(ledger.local_currency)
    amounts = row.local if row is not None else (zero,) * len(report.labels)
    return tuple(zip(report.labels, amounts, strict=True))


def _payment(
    open_now: Sequence[Item],
    side: Side,
    currency: str,
    balance: Balance,
    creditor: PartyDetails,
    party: str,
    party_kid: str | None,
    algorithm: Algorithm | str,
) -> PaymentInstruction | None:
    """What the debtor pays: the balance when it is owed, to the creditor's account."""
    local = balance.local.currency
    amount = _owed(side, balance.local if currency == local else balance[currency])
    if (creditor.account_number is None and creditor.iban is None) or not amount.is_positive:
        return None
    if currency != local:
        open_now = [item for item in open_now if item.entry.currency == currency]
    debts = [item for item in open_now if _owed(side, item.remaining_local).is_positive]
    dues = [item.due for item in debts if item.due is not None]
    invoices = [item for item in open_now if item.kind is EntryKind.INVOICE]
    found = None
    if len(invoices) == 1:
        reference = invoices[0].entry.reference
        if reference is not None and is_valid(reference, algorithm):
            found = reference
    return PaymentInstruction(
        amount=amount,
        account_number=creditor.account_number,
        kid=found or party_kid,
        due=min(dues, default=None),
        party=party,
        iban=creditor.iban,
        bic=creditor.bic,
        local_equivalent=None if currency == local else _owed(side, balance.local),
    )


def _sections(
    lines: Sequence[StatementLine],
    currencies: set[str],
    currency: str,
    local: str,
    opening: Balance | None,
    balance: Balance,
    open_now: Sequence[Item],
    side: Side,
    creditor: PartyDetails,
    party: str,
    party_kid: str | None,
    algorithm: Algorithm | str,
) -> tuple[StatementSection, ...]:
    """The statement per transaction currency, each with its own running balance and payment."""
    # the currency most invoices are in first (a EUR customer's kroner fee comes after its
    # EUR invoices), then local before foreign
    count = {
        c: sum(1 for line in lines if line.amount.currency == c and line.kind is EntryKind.INVOICE)
        for c in currencies
    }
    order = sorted(currencies or {currency},
                   key=lambda c: (-count.get(c, 0), c != local, c))
    if len(order) == 1:  # the statement itself is the one section
        amount = balance.local if currency == local else balance[currency]
        owed = _owed(side, amount)
        return (
            StatementSection(
                currency=currency, lines=tuple(lines),
                opening=None if opening is None else (
                    opening.local if currency == local else opening[currency]),
                balance=amount, balance_local=balance.local,
                payment=_payment(open_now, side, currency, balance, creditor, party, party_kid,
                                 algorithm),
                credit=-owed if owed.is_negative else None,
            ),
        )
    sections = []
    for code in order:
        start = None if opening is None else opening[code]
        running = Decimal(0) if start is None else start.amount
        running_local = Decimal(0)
        mine = []
        for line in lines:
            if line.amount.currency != code:
                continue
            moves, moves_local = (
                (line.remaining, line.remaining_local) if opening is None
                else (line.amount, line.amount_local)
            )
            running = CONTEXT.add(running, moves.amount)
            running_local = CONTEXT.add(running_local, moves_local.amount)
            mine.append(attrs.evolve(line, balance=Money(running, code)))
        # the local amount of an opening balance in one currency is not known apart
        # from the others', so a period section's local figure counts its lines only
        # in a foreign currency; a kroner section's local amount is its amount
        if code == local:
            running_local = running
        part = Balance.from_sums(local, running_local, {code: running})
        amount = Money(running, code)
        owed = _owed(side, amount)
        sections.append(
            StatementSection(
                currency=code, lines=tuple(mine), opening=start, balance=amount,
                balance_local=part.local,
                payment=_payment([i for i in open_now if i.entry.currency == code], side, code,
                                 part, creditor, party, party_kid, algorithm),
                credit=-owed if owed.is_negative else None,
            )
        )
    return tuple(sections)
