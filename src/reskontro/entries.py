"""Entries (poster): the lines on a party's sub-account, and their sign convention.

An :class:`Entry` is one immutable line on one sub-account: an invoice, a
credit note, a payment, a refund, a fee, an exchange difference... It carries
its amount twice: in its *transaction currency* (``amount``) and in the
ledger's *local currency* (``amount_local``). For an entry in local currency
the two are equal.

The sub-account of an entry is the key ``(side, party, account)``: the side
(customer ledger or supplier ledger), the party number, and the general-ledger
control account (1500 Kundefordringer and 2400 Leverandørgjeld in the
Norwegian standard chart, the defaults here).

Sign convention
---------------
Amounts are signed as they hit the control account: **debit positive, credit
negative**.

===================  ===========================  ===========================
kind                 customer ledger (1500)       supplier ledger (2400)
===================  ===========================  ===========================
invoice              ``+`` the customer owes us   ``-`` we owe the supplier
credit note          ``-``                        ``+``
payment              ``-`` money received         ``+`` money paid
refund (utbetaling)  ``+`` money paid back        ``-`` money paid back to us
reminder fee         ``+``                        ``-``
interest             ``+``                        ``-``
write-off            ``-``                        ``+``
discount             ``-``                        ``+``
FX gain (agio)       ``+``                        ``+``
FX loss (disagio)    ``-``                        ``-``
tolerance, manual    either sign                  either sign
===================  ===========================  ===========================

A positive customer balance is what the customer owes; a negative one is
customer credit (innestående). A negative supplier balance is what we owe.
The named constructors check the sign and refuse a wrong one; nothing is
silently flipped.

>>> from datetime import date
>>> from reskontro import Money
>>> invoice = Entry.invoice(
...     "F-1001", party="10001", amount=Money("1250.00", "NOK"),
...     posted=date(2026, 1, 5), due=date(2026, 1, 19), reference="100010010013",
... )
>>> invoice.sub_account
SubAccount(side=Side.RECEIVABLE, party='10001', account='1500')
>>> Entry.payment("P-1", party="10001", amount=Money("1250.00", "NOK"), posted=date(2026, 1, 6))
Traceback (most recent call last):
...
reskontro.exceptions.WrongSignError: entry 'P-1': a payment on the customer ledger must be ...
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any, Final, NamedTuple, TypedDict, Unpack, final

import attrs

from reskontro.currency import check_currency, quantum
from reskontro.exceptions import (
    InvalidEntryError,
    ReskontroError,
    WrongSignError,
    shorten,
)
from reskontro.money import CONTEXT, Money, parse_amount
from reskontro.rates import RateTable, parse_rate

__all__ = [
    "DEFAULT_ACCOUNTS",
    "MAX_LINK_LENGTH",
    "CommonOptions",
    "Entry",
    "EntryKind",
    "EntryOptions",
    "Side",
    "SubAccount",
]


class Side(enum.StrEnum):
    """Which sub-ledger an entry belongs to.

    The members are strings (``Side.RECEIVABLE == "receivable"``), which makes
    them cheap to hash and sort, and plain in JSON.

    >>> Side("receivable")
    Side.RECEIVABLE
    """

    #: The customer ledger (kundereskontro, accounts receivable).
    RECEIVABLE = "receivable"
    #: The supplier ledger (leverandørreskontro, accounts payable).
    PAYABLE = "payable"

    def __repr__(self) -> str:
        return f"Side.{self.name}"

    @property
    def label(self) -> str:
        """A human name for the side: ``customer`` or ``supplier``."""
        return "customer" if self is Side.RECEIVABLE else "supplier"


class EntryKind(enum.StrEnum):
    """What an entry is; the kind decides which sign its amount may have.

    The members are strings (``EntryKind.INVOICE == "invoice"``).

    >>> EntryKind("credit_note")
    EntryKind.CREDIT_NOTE
    """

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    #: A disbursement (utbetaling): money paid back to a customer, or by a supplier to us.
    REFUND = "refund"
    REMINDER_FEE = "reminder_fee"
    INTEREST = "interest"
    #: A bad-debt write-off (tapsføring).
    WRITE_OFF = "write_off"
    #: A realized exchange gain (agio); a local-currency amount only.
    FX_GAIN = "fx_gain"
    #: A realized exchange loss (disagio); a local-currency amount only.
    FX_LOSS = "fx_loss"
    #: An unrealized exchange gain from a revaluation (urealisert agio), or the
    #: reversal of an unrealized loss; a local-currency amount only, linked to
    #: the revalued item by ``revalues``.
    FX_UNREALIZED_GAIN = "fx_unrealized_gain"
    #: An unrealized exchange loss from a revaluation (urealisert disagio), or
    #: the reversal of an unrealized gain.
    FX_UNREALIZED_LOSS = "fx_unrealized_loss"
    #: A payment (cash) discount (kontantrabatt).
    DISCOUNT = "discount"
    #: A payment tolerance or rounding adjustment.
    TOLERANCE = "tolerance"
    #: A manual journal line.
    MANUAL = "manual"

    def __repr__(self) -> str:
        return f"EntryKind.{self.name}"

    @property
    def label(self) -> str:
        """A human name for the kind, e.g. ``credit note``."""
        return self.value.replace("_", " ")


#: Kinds that increase what the other party owes us (or lower what we owe them
#: on the supplier side they increase our debt): debit on the customer ledger.
_INCREASING: Final = frozenset(
    {EntryKind.INVOICE, EntryKind.REFUND, EntryKind.REMINDER_FEE, EntryKind.INTEREST}
)
_DECREASING: Final = frozenset(
    {EntryKind.CREDIT_NOTE, EntryKind.PAYMENT, EntryKind.WRITE_OFF, EntryKind.DISCOUNT}
)


def _expected_sign(kind: EntryKind, side: Side) -> int:
    """+1: amount must be >= 0; -1: must be <= 0; 0: either sign."""
    if kind in _INCREASING:
        return 1 if side is Side.RECEIVABLE else -1
    if kind in _DECREASING:
        return -1 if side is Side.RECEIVABLE else 1
    if kind is EntryKind.FX_GAIN or kind is EntryKind.FX_UNREALIZED_GAIN:
        return 1
    if kind is EntryKind.FX_LOSS or kind is EntryKind.FX_UNREALIZED_LOSS:
        return -1
    return 0


#: (kind, side) -> +1 (amount >= 0), -1 (amount <= 0) or 0 (either sign).
_SIGN_TABLE: Final = {(k, s): _expected_sign(k, s) for k in EntryKind for s in Side}

#: Default control accounts from the Norwegian standard chart of accounts
#: (NS 4102): 1500 Kundefordringer, 2400 Leverandørgjeld.
DEFAULT_ACCOUNTS: Final = {Side.RECEIVABLE: "1500", Side.PAYABLE: "2400"}


class SubAccount(NamedTuple):
    """The key of one sub-account: ``(side, party, control account)``.

    This is the partition key of a ledger: every match lives inside one
    sub-account, so sub-accounts can be processed independently (and in
    parallel, on separate machines). It is a named tuple of strings, so it
    hashes, sorts and serializes cheaply.

    >>> key = SubAccount(Side.PAYABLE, "20001", "2400")
    >>> key
    SubAccount(side=Side.PAYABLE, party='20001', account='2400')
    >>> str(key), key.party
    ('supplier 20001 / 2400', '20001')
    """

    side: Side
    party: str
    account: str

    def __str__(self) -> str:
        return f"{self.side.label} {self.party} / {self.account}"


@lru_cache(maxsize=1 << 16)
def _sub_account(side: Side, party: str, account: str) -> SubAccount:
    """One shared SubAccount per key (bounded cache): saves memory and speeds comparisons."""
    return SubAccount(side, party, account)


class CommonOptions(TypedDict, total=False):
    """Optional fields of every named constructor of :class:`Entry`."""

    side: Side
    account: str
    document_date: date
    due: date | None
    document_no: str | None
    reference: str | None
    text: str
    disputed: bool
    factored: bool
    excluded_from_collection: bool
    end_to_end_id: str | None
    payer_account: str | None
    applies_to: str | None


class EntryOptions(CommonOptions, total=False):
    """Optional fields of the named constructors that take a transaction amount.

    ``rates`` (a :class:`~reskontro.rates.RateTable`) books a foreign amount at
    the rate of the posting date: ``amount_local`` and ``rate`` are then
    computed. ``rate`` with ``local_currency`` and no ``amount_local`` books
    the amount at that rate (``amount_local`` is computed, rounded to the
    local minor unit). ``rate`` with an explicit ``amount_local`` records the
    rate the local amount was booked at; the two must agree within half a
    local minor unit.
    """

    amount_local: Money
    rate: Decimal | None
    rates: RateTable
    #: The ledger's local currency, for ``rate=`` without ``amount_local``.
    local_currency: str
    #: The item an unrealized exchange difference adjusts.
    revalues: str


#: The most characters of ``end_to_end_id``, ``payer_account`` and ``applies_to``
#: (ISO 20022's longest common text type, Max140Text; an end-to-end id is at
#: most 35 and an IBAN 34).
MAX_LINK_LENGTH: Final = 140

#: The optional identity and link fields, checked together.
_LINK_FIELDS: Final = ("end_to_end_id", "payer_account", "applies_to")


def _check_link(entry_id: str, name: str, value: object) -> None:
    """An optional identity or link field: None, or a non-blank string of bounded length."""
    if value is None:
        return
    if type(value) is not str or not value.strip() or len(value) > MAX_LINK_LENGTH:
        need = (
            f"at most {MAX_LINK_LENGTH} characters" if type(value) is str and value.strip()
            else "a non-blank string or None"
        )
        raise InvalidEntryError(
            f"entry {entry_id!r}: {name} must be {need}, got {shorten(value)}",
            entry_id=entry_id, field=name, value=value,
        )
    if name == "applies_to" and value == entry_id:
        raise InvalidEntryError(
            f"entry {entry_id!r}: applies_to names the entry itself; it links to another "
            f"entry (the invoice a credit note or payment is meant for)",
            entry_id=entry_id, field=name, value=value,
        )


def _check_rate(entry_id: object, rate: object) -> Decimal:
    """A rate of an entry: a positive Decimal within reskontro.rates' limits."""
    ident = entry_id if isinstance(entry_id, str) else None
    if not (isinstance(rate, Decimal) and rate.is_finite() and rate > 0):
        raise InvalidEntryError(
            f"entry {entry_id!r}: rate must be a positive Decimal, got {shorten(rate)}",
            entry_id=ident, field="rate", value=rate,
        )
    return parse_rate(rate, entry_id=ident)


def _check_text(entry_id: Any, name: str, value: object, *, optional: bool) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or (not optional and not value):
        need = "a string or None" if optional else "a non-empty string"
        raise InvalidEntryError(
            f"entry {entry_id!r}: {name} must be {need}, got {value!r}",
            entry_id=entry_id if isinstance(entry_id, str) else None,
            field=name,
            value=value,
        )


def _check_date(entry_id: str, name: str, value: object, *, optional: bool) -> None:
    if value is None and optional:
        return
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidEntryError(
            f"entry {entry_id!r}: {name} must be a datetime.date, got {value!r}",
            entry_id=entry_id,
            field=name,
            value=value,
        )


_set = object.__setattr__


@final
@attrs.frozen(kw_only=True, repr=False, init=False)
class Entry:
    """One line on a party's sub-account (a *post* in a reskontro).

    Build entries with the named constructor for their kind
    (:meth:`invoice`, :meth:`payment`, ...), which fill in the kind and check
    the sign. The plain constructor takes every field by keyword and checks
    the same rules.

    Attributes:
        id: unique in the ledger, chosen by the caller (e.g. the voucher id).
        side: :attr:`Side.RECEIVABLE` (customer) or :attr:`Side.PAYABLE` (supplier).
        party: the customer or supplier number.
        account: the general-ledger control account (default 1500 / 2400).
        kind: the :class:`EntryKind`.
        amount: the signed amount in the transaction currency (a property:
            the entry stores ``value`` and ``currency``).
        amount_local: the signed amount in the ledger's local currency
            (defaults to ``amount``: give it for foreign-currency entries);
            stored as ``value_local`` and ``local_currency``.
        currency: the transaction currency.
        value: the signed amount in the transaction currency, as a ``Decimal``.
        local_currency: the currency of ``amount_local``.
        value_local: the signed amount in local currency, as a ``Decimal``.
        posted: the posting date.
        document_date: the document (invoice) date; defaults to ``posted``.
        due: the due date (forfallsdato), if any. Changing it later is an
            event on the ledger; this field keeps the original.
        document_no: the invoice or credit-note number.
        reference: the payment reference, typically a KID.
        text: free text.
        disputed: the claim is disputed (no dunning).
        factored: the claim is sold to a factoring company.
        excluded_from_collection: not to be sent to collection or export.
        rate: the exchange rate the entry was booked at (local units per one
            foreign unit), when known; ``None`` for local-currency entries.
            Given with ``local_currency`` and no ``amount_local``, it books
            the amount; given with ``amount_local``, it must agree with it
            within half a local minor unit.
        reverses: for a counter-entry (storno), the id of the entry it
            reverses. A counter-entry keeps the kind of the original and has
            the opposite sign, so the sign rule is inverted for it.
        revalues: for an unrealized exchange difference (and only for one),
            the id of the open item whose local value it adjusts.
        end_to_end_id: the payer's end-to-end id of a bank payment, as the
            bank reported it (camt.054 ``EndToEndId``), if any.
        payer_account: the account the money came from or went to, as the
            bank reported it, if any.
        applies_to: the id of the entry (an invoice) a credit note or payment
            is meant for. A link, not a match: automatic matching proposes
            the two together first, and nothing is settled until a match is
            applied. Never the entry's own id.

    Every text of ``end_to_end_id``, ``payer_account`` and ``applies_to`` is
    non-blank and at most :data:`MAX_LINK_LENGTH` characters; ``rate`` lies
    within the limits of :func:`reskontro.rates.parse_rate`. The plain
    constructor and ``attrs.evolve`` check every field as the named
    constructors do.

    >>> from datetime import date
    >>> Entry(id="J-1", side=Side.RECEIVABLE, party="10001", account="1500",
    ...       kind=EntryKind.MANUAL, amount=Money("-12.50", "NOK"),
    ...       amount_local=Money("-12.50", "NOK"), posted=date(2026, 1, 31),
    ...       document_date=date(2026, 1, 31)).is_credit
    True

    A foreign amount booked with a rate gets its local amount computed
    (rounded half to even to the local minor unit); a rate with no local
    currency to book into is refused:

    >>> Entry.invoice("F-1", party="1", amount=Money("1234.56", "EUR"),
    ...               rate=Decimal("11.4567"), local_currency="NOK",
    ...               posted=date(2026, 1, 5)).amount_local
    Money('14143.98', 'NOK')
    >>> Entry.invoice("F-2", party="1", amount=Money("100", "EUR"), rate=Decimal("11.50"),
    ...               posted=date(2026, 1, 5))
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidEntryError: entry 'F-2': rate=11.50 cannot book 100.00 EUR ...

    A bank payment keeps the bank's identity in fields of its own, and a
    credit note can name the invoice it is meant for:

    >>> p = Entry.payment("P-7", party="1", amount=Money("-100", "NOK"), posted=date(2026, 1, 9),
    ...                   end_to_end_id="E2E-7", payer_account="15038812345")
    >>> p.end_to_end_id, p.payer_account, p.document_no
    ('E2E-7', '15038812345', None)
    >>> Entry.credit_note("K-1", party="1", amount=Money("-20", "NOK"), posted=date(2026, 1, 9),
    ...                   applies_to="F-1").applies_to
    'F-1'

    An entry keeps its amounts as decimals with their currency codes rather
    than as :class:`Money` objects: a ledger of a million entries then holds a
    million fewer objects for Python's garbage collector to walk. ``amount``
    and ``amount_local`` give them back as ``Money``. ``attrs.evolve`` works
    with either form (``amount=...`` or ``value=...``).

    Raises:
        InvalidEntryError: a field is missing or of the wrong type.
        WrongSignError: the amount's sign does not fit the kind and side.
        InvalidAmountError: an amount is not valid money.
    """

    id: str
    side: Side
    party: str
    account: str
    kind: EntryKind
    currency: str
    value: Decimal
    local_currency: str
    value_local: Decimal
    posted: date
    document_date: date
    due: date | None = None
    document_no: str | None = None
    reference: str | None = None
    text: str = ""
    disputed: bool = False
    factored: bool = False
    excluded_from_collection: bool = False
    reverses: str | None = None
    rate: Decimal | None = None
    revalues: str | None = None
    end_to_end_id: str | None = None
    payer_account: str | None = None
    applies_to: str | None = None
    sub_account: SubAccount = attrs.field(init=False, eq=False, hash=False)

    def __init__(
        self,
        *,
        id: str,  # noqa: A002 - the domain's own name for the field
        side: Side,
        party: str,
        account: str,
        kind: EntryKind,
        posted: date,
        document_date: date,
        amount: Money | None = None,
        amount_local: Money | None = None,
        due: date | None = None,
        document_no: str | None = None,
        reference: str | None = None,
        text: str = "",
        disputed: bool = False,
        factored: bool = False,
        excluded_from_collection: bool = False,
        reverses: str | None = None,
        rate: Decimal | None = None,
        revalues: str | None = None,
        end_to_end_id: str | None = None,
        payer_account: str | None = None,
        applies_to: str | None = None,
        currency: str | None = None,
        value: Decimal | None = None,
        local_currency: str | None = None,
        value_local: Decimal | None = None,
    ) -> None:
        if amount is None:
            amount = _raw_money(id, "amount", value, currency)
        if (
            local_currency is not None
            and type(amount_local) is Money
            and amount_local.currency != local_currency
        ):
            # attrs.evolve(entry, amount_local=...) passes the entry's local currency along
            raise InvalidEntryError(
                f"entry {id!r}: amount_local {amount_local} is not in the local currency "
                f"{str(local_currency)[:8]}; give local_currency= too to change it",
                entry_id=id if isinstance(id, str) else None, field="amount_local",
                value=amount_local,
            )
        if rate is not None or (local_currency is not None and value_local is None):
            # booking with a rate, or checking a rate against the local amount
            # (the stored form, as attrs.evolve passes it, is taken as it is)
            if amount_local is None and value_local is None:
                amount_local = _booked_local(id, amount, None, rate, local_currency)
            elif amount_local is not None:
                amount_local = _booked_local(id, amount, amount_local, rate, local_currency)
        if amount_local is None:
            # In local currency the two amounts are one: a new amount (as in
            # attrs.evolve(entry, amount=...)) carries the local amount along.
            same = local_currency is None or (
                isinstance(amount, Money) and amount.currency == local_currency
            )
            amount_local = (
                amount if same else _raw_money(id, "amount_local", value_local, local_currency)
            )
        _SET_ID(self, id)
        _SET_SIDE(self, side)
        _SET_PARTY(self, party)
        _SET_ACCOUNT(self, account)
        _SET_KIND(self, kind)
        _set_amounts(self, amount, amount_local)
        _SET_POSTED(self, posted)
        _SET_DOCUMENT_DATE(self, document_date)
        _SET_DUE(self, due)
        _SET_DOCUMENT_NO(self, document_no)
        _SET_REFERENCE(self, reference)
        _SET_TEXT(self, text)
        _SET_DISPUTED(self, disputed)
        _SET_FACTORED(self, factored)
        _SET_EXCLUDED(self, excluded_from_collection)
        _SET_REVERSES(self, reverses)
        _SET_RATE(self, rate)
        _SET_REVALUES(self, revalues)
        _SET_END_TO_END(self, end_to_end_id)
        _SET_PAYER_ACCOUNT(self, payer_account)
        _SET_APPLIES_TO(self, applies_to)
        self._validate()

    @property
    def amount(self) -> Money:
        """The signed amount in the transaction currency."""
        return Money._of(self.value, self.currency)

    @property
    def amount_local(self) -> Money:
        """The signed amount in local currency."""
        return Money._of(self.value_local, self.local_currency)

    def _validate(self) -> None:
        # One cheap test of every field's type first; the detailed checks,
        # which name the field at fault, run only when it fails.
        if not (
            type(self.id) is str
            and self.id
            and type(self.party) is str
            and self.party
            and type(self.account) is str
            and self.account
            and type(self.side) is Side
            and type(self.kind) is EntryKind
            and type(self.posted) is date
            and type(self.document_date) is date
            and (self.due is None or type(self.due) is date)
            and (self.document_no is None or type(self.document_no) is str)
            and (self.reference is None or type(self.reference) is str)
            and (self.reverses is None or type(self.reverses) is str)
            and (self.revalues is None) is (self.kind not in _UNREALIZED_KINDS)
            and type(self.text) is str
            and type(self.disputed) is bool
            and type(self.factored) is bool
            and type(self.excluded_from_collection) is bool
        ):
            self._check_fields()
        if not (
            self.end_to_end_id is None and self.payer_account is None and self.applies_to is None
        ):
            for name in _LINK_FIELDS:
                _check_link(self.id, name, getattr(self, name))
        if self.rate is not None:
            self._check_rate()
        if self.due is not None and self.due < self.document_date:
            raise InvalidEntryError(
                f"entry {self.id!r}: due date {self.due} is before the document date "
                f"{self.document_date}",
                entry_id=self.id,
                field="due",
                value=self.due,
            )
        value = self.value
        if (
            self.value_local is value
            and self.currency is self.local_currency
            and self.reverses is None
        ):
            # the common case: a local-currency entry built by a named constructor
            expected = _SIGN_TABLE[self.kind, self.side]
            if (expected > 0 and value < 0) or (expected < 0 and value > 0):
                self._check_amounts()
        else:
            self._check_amounts()
        _set(self, "sub_account", _sub_account(self.side, self.party, self.account))

    def _check_fields(self) -> None:
        entry_id = self.id
        _check_text(entry_id, "id", entry_id, optional=False)
        if not isinstance(self.side, Side):
            raise InvalidEntryError(
                f"entry {entry_id!r}: side must be a Side, got {self.side!r}",
                entry_id=entry_id,
                field="side",
                value=self.side,
            )
        _check_text(entry_id, "party", self.party, optional=False)
        _check_text(entry_id, "account", self.account, optional=False)
        if not isinstance(self.kind, EntryKind):
            raise InvalidEntryError(
                f"entry {entry_id!r}: kind must be an EntryKind, got {self.kind!r}",
                entry_id=entry_id,
                field="kind",
                value=self.kind,
            )
        _check_date(entry_id, "posted", self.posted, optional=False)
        _check_date(entry_id, "document_date", self.document_date, optional=False)
        _check_date(entry_id, "due", self.due, optional=True)
        _check_text(entry_id, "document_no", self.document_no, optional=True)
        _check_text(entry_id, "reference", self.reference, optional=True)
        _check_text(entry_id, "reverses", self.reverses, optional=True)
        _check_text(entry_id, "revalues", self.revalues, optional=True)
        if (self.revalues is None) is not (self.kind not in _UNREALIZED_KINDS):
            raise InvalidEntryError(
                f"entry {entry_id!r}: an unrealized exchange difference names the item it "
                f"revalues, and only such an entry does (kind {self.kind.value}, "
                f"revalues={self.revalues!r})",
                entry_id=entry_id, field="revalues", value=self.revalues,
            )
        if self.text is None:
            _set(self, "text", "")
        _check_text(entry_id, "text", self.text, optional=not self.text)
        for name in ("disputed", "factored", "excluded_from_collection"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidEntryError(
                    f"entry {entry_id!r}: {name} must be a bool, got {getattr(self, name)!r}",
                    entry_id=entry_id,
                    field=name,
                    value=getattr(self, name),
                )

    def _check_rate(self) -> None:
        """The rate within its limits, and in agreement with the two amounts."""
        rate = _check_rate(self.id, self.rate)
        if self.currency == self.local_currency:
            if rate != 1:
                raise InvalidEntryError(
                    f"entry {self.id!r}: rate={rate} on an amount {self.amount} already in the "
                    f"local currency (its rate is 1)",
                    entry_id=self.id, field="rate", value=rate,
                )
            return
        if self.value:
            exact = CONTEXT.multiply(self.value, rate)
            unit = quantum(self.local_currency)
            if abs(CONTEXT.subtract(exact, self.value_local)) > unit / 2:
                expected = exact.quantize(unit, rounding=ROUND_HALF_EVEN, context=CONTEXT)
                raise InvalidEntryError(
                    f"entry {self.id!r}: amount_local {self.amount_local} does not agree with "
                    f"{self.amount} at rate {rate} ({expected} {self.local_currency})",
                    entry_id=self.id, field="amount_local", value=self.amount_local,
                )

    def _check_amounts(self) -> None:
        amount, local = self.amount, self.amount_local
        same_currency = amount.currency == local.currency
        if same_currency and amount.amount != local.amount:
            raise InvalidEntryError(
                f"entry {self.id!r}: amount_local {local} differs from amount {amount} "
                f"in the same currency",
                entry_id=self.id,
                field="amount_local",
                value=local,
            )
        if (amount.amount > 0 and local.amount < 0) or (amount.amount < 0 and local.amount > 0):
            raise WrongSignError(
                f"entry {self.id!r}: amount {amount} and amount_local {local} have "
                f"opposite signs",
                entry_id=self.id,
                field="amount_local",
                value=local,
            )
        if not amount.amount and local.amount and self.kind not in _LOCAL_ONLY_KINDS:
            raise InvalidEntryError(
                f"entry {self.id!r}: a zero {amount.currency} {self.kind.label} cannot "
                f"carry {local}; only FX gain/loss, tolerance and manual entries may "
                f"have a local amount alone",
                entry_id=self.id,
                field="amount_local",
                value=local,
            )
        expected = _SIGN_TABLE[self.kind, self.side]
        if self.reverses is not None:
            expected = -expected
        signed = amount.amount or local.amount
        if (expected > 0 and signed < 0) or (expected < 0 and signed > 0):
            checked = amount if amount.amount else local
            need = "positive or zero" if expected > 0 else "negative or zero"
            article = "an" if self.kind.label[0] in "aeiou" else "a"
            what = f"{article} {self.kind.label}" if self.reverses is None else (
                f"the reversal of {article} {self.kind.label}"
            )
            raise WrongSignError(
                f"entry {self.id!r}: {what} on the {self.side.label} ledger "
                f"must be {need}, got {checked}",
                entry_id=self.id,
                field="amount",
                value=checked,
            )

    def __repr__(self) -> str:
        parts = [
            f"id={self.id!r}",
            f"side={self.side!r}",
            f"party={self.party!r}",
            f"account={self.account!r}",
            f"kind={self.kind!r}",
            f"amount={self.amount!r}",
            f"amount_local={self.amount_local!r}",
            f"posted={self.posted!r}",
            f"document_date={self.document_date!r}",
        ]
        parts.extend(
            f"{name}={getattr(self, name)!r}"
            for name in ("due", "document_no", "reference")
            if getattr(self, name) is not None
        )
        if self.text:
            parts.append(f"text={self.text!r}")
        parts.extend(
            f"{name}=True"
            for name in ("disputed", "factored", "excluded_from_collection")
            if getattr(self, name)
        )
        if self.reverses is not None:
            parts.append(f"reverses={self.reverses!r}")
        if self.rate is not None:
            parts.append(f"rate={self.rate!r}")
        parts.extend(
            f"{name}={getattr(self, name)!r}"
            for name in ("revalues", *_LINK_FIELDS)
            if getattr(self, name) is not None
        )
        return f"Entry({', '.join(parts)})"

    @property
    def is_debit(self) -> bool:
        """True for a positive amount (in local currency when the transaction amount is zero)."""
        return (self.value or self.value_local) > 0

    @property
    def is_credit(self) -> bool:
        """True for a negative amount (in local currency when the transaction amount is zero)."""
        return (self.value or self.value_local) < 0

    def is_overdue(self, on: date) -> bool:
        """True when the original due date is before *on* (open or not).

        The ledger's queries use the current due date (after any change) and
        the open state; this is the plain date test on the entry itself.

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="1", amount=Money("10", "NOK"),
        ...                   posted=date(2026, 1, 1), due=date(2026, 1, 15))
        >>> e.is_overdue(date(2026, 1, 15)), e.is_overdue(date(2026, 1, 16))
        (False, True)
        """
        return self.due is not None and self.due < on

    # -- named constructors ---------------------------------------------------

    @classmethod
    def of_kind(
        cls,
        kind: EntryKind,
        id: str,  # noqa: A002 - the domain's own name for the field
        /,
        *,
        party: str,
        amount: Money,
        posted: date,
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """Build an entry of *kind*, with the defaults every named constructor uses.

        ``side`` defaults to the customer ledger, ``account`` to the side's
        default control account, ``amount_local`` to ``amount`` and
        ``document_date`` to ``posted``.

        >>> from datetime import date
        >>> Entry.of_kind(EntryKind.MANUAL, "J-1", party="1", amount=Money("-5", "NOK"),
        ...               posted=date(2026, 2, 1)).amount
        Money('-5.00', 'NOK')
        """
        return cls._make(kind, id, party, amount, posted, fields)

    @classmethod
    def _make(
        cls,
        kind: EntryKind,
        id: str,  # noqa: A002
        party: str,
        amount: Money,
        posted: date,
        fields: EntryOptions,
    ) -> Entry:
        get = fields.get
        if fields and not fields.keys() <= _OPTION_NAMES:
            unknown = sorted(fields.keys() - _OPTION_NAMES)
            raise TypeError(f"Entry.{kind.value}() got unexpected keyword arguments {unknown}")
        side = fields.get("side", Side.RECEIVABLE)
        # Set the slots directly and run the same checks as __init__: the named
        # constructors are how a million entries get built, and this halves it.
        entry = _new(cls)
        _SET_ID(entry, id)
        _SET_SIDE(entry, side)
        _SET_PARTY(entry, party)
        _SET_ACCOUNT(entry, get("account") or _DEFAULT_ACCOUNT.get(side, ""))
        _SET_KIND(entry, kind)
        rates = fields.get("rates")
        rate = fields.get("rate")
        amount_local = fields.get("amount_local")
        local_currency = fields.get("local_currency")
        if rates is not None:
            if amount_local is not None or rate is not None:
                raise InvalidEntryError(
                    f"entry {id!r}: give rates, or amount_local (and rate), not both",
                    entry_id=id, field="rates", value=rates,
                )
            if local_currency is not None and local_currency != rates.local_currency:
                raise InvalidEntryError(
                    f"entry {id!r}: local_currency {local_currency!r} is not the rate "
                    f"table's local currency {rates.local_currency!r}",
                    entry_id=id, field="local_currency", value=local_currency,
                )
            if type(amount) is Money and amount.currency != rates.local_currency:
                rate = rates.rate(amount.currency, posted)
                amount_local = rates.to_local(amount, posted)
        elif rate is not None or local_currency is not None:
            if rate is not None:
                rate = _check_rate(id, parse_amount(rate, field="rate", entry_id=id))
            amount_local = _booked_local(id, amount, amount_local, rate, local_currency)
        _set_amounts(entry, amount, amount_local or amount)
        _SET_RATE(entry, rate)
        _SET_POSTED(entry, posted)
        _SET_DOCUMENT_DATE(entry, get("document_date") or posted)
        _SET_DUE(entry, get("due"))
        _SET_DOCUMENT_NO(entry, get("document_no"))
        _SET_REFERENCE(entry, get("reference"))
        _SET_TEXT(entry, get("text", ""))
        _SET_DISPUTED(entry, get("disputed", False))
        _SET_FACTORED(entry, get("factored", False))
        _SET_EXCLUDED(entry, get("excluded_from_collection", False))
        _SET_REVERSES(entry, None)
        _SET_REVALUES(entry, get("revalues"))
        _SET_END_TO_END(entry, get("end_to_end_id"))
        _SET_PAYER_ACCOUNT(entry, get("payer_account"))
        _SET_APPLIES_TO(entry, get("applies_to"))
        entry._validate()
        return entry

    @classmethod
    def invoice(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """An invoice: positive on the customer ledger, negative on the supplier ledger.

        >>> from datetime import date
        >>> Entry.invoice("LF-7", party="20001", side=Side.PAYABLE,
        ...               amount=Money("-8000", "NOK"), posted=date(2026, 1, 3)).account
        '2400'
        """
        return cls._make(EntryKind.INVOICE, id, party, amount, posted, fields)

    @classmethod
    def credit_note(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """A credit note (kreditnota): negative for a customer, positive for a supplier.

        >>> from datetime import date
        >>> Entry.credit_note("K-1", party="1", amount=Money("-100", "NOK"),
        ...                   posted=date(2026, 1, 3)).kind
        EntryKind.CREDIT_NOTE
        """
        return cls._make(EntryKind.CREDIT_NOTE, id, party, amount, posted, fields)

    @classmethod
    def payment(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """A payment (innbetaling / our payment): negative for a customer, positive for a supplier.

        >>> from datetime import date
        >>> Entry.payment("P-1", party="1", amount=Money("-100", "NOK"),
        ...               posted=date(2026, 1, 3), reference="0036633").reference
        '0036633'
        """
        return cls._make(EntryKind.PAYMENT, id, party, amount, posted, fields)

    @classmethod
    def refund(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """A refund or disbursement (utbetaling): positive for a customer, negative for a supplier.

        >>> from datetime import date
        >>> Entry.refund("U-1", party="1", amount=Money("50", "NOK"),
        ...              posted=date(2026, 1, 3)).is_debit
        True
        """
        return cls._make(EntryKind.REFUND, id, party, amount, posted, fields)

    @classmethod
    def reminder_fee(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """A reminder fee (purregebyr): positive for a customer.

        >>> from datetime import date
        >>> Entry.reminder_fee("G-1", party="1", amount=Money("35", "NOK"),
        ...                    posted=date(2026, 2, 3)).kind.label
        'reminder fee'
        """
        return cls._make(EntryKind.REMINDER_FEE, id, party, amount, posted, fields)

    @classmethod
    def interest(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """Late-payment interest (forsinkelsesrente): positive for a customer.

        >>> from datetime import date
        >>> Entry.interest("R-1", party="1", amount=Money("12.40", "NOK"),
        ...                posted=date(2026, 2, 3)).amount
        Money('12.40', 'NOK')
        """
        return cls._make(EntryKind.INTEREST, id, party, amount, posted, fields)

    @classmethod
    def write_off(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """A bad-debt write-off (tapsføring): negative for a customer.

        >>> from datetime import date
        >>> Entry.write_off("T-1", party="1", amount=Money("-300", "NOK"),
        ...                 posted=date(2026, 6, 30)).is_credit
        True
        """
        return cls._make(EntryKind.WRITE_OFF, id, party, amount, posted, fields)

    @classmethod
    def discount(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """A payment discount (kontantrabatt): negative for a customer, positive for a supplier.

        >>> from datetime import date
        >>> Entry.discount("D-1", party="1", amount=Money("-20", "NOK"),
        ...                posted=date(2026, 1, 9)).kind
        EntryKind.DISCOUNT
        """
        return cls._make(EntryKind.DISCOUNT, id, party, amount, posted, fields)

    @classmethod
    def fx_gain(
        cls, id: str, /, *, party: str, amount_local: Money, currency: str, posted: date,  # noqa: A002
        **fields: Unpack[CommonOptions],
    ) -> Entry:
        """A realized exchange gain (agio): zero in *currency*, positive in local currency.

        >>> from datetime import date
        >>> Entry.fx_gain("A-1", party="1", amount_local=Money("500", "NOK"), currency="EUR",
        ...               posted=date(2026, 3, 1)).amount
        Money('0.00', 'EUR')
        """
        return cls.of_kind(
            EntryKind.FX_GAIN, id, party=party, amount=Money.zero(currency), posted=posted,
            amount_local=amount_local, **fields,
        )

    @classmethod
    def fx_loss(
        cls, id: str, /, *, party: str, amount_local: Money, currency: str, posted: date,  # noqa: A002
        **fields: Unpack[CommonOptions],
    ) -> Entry:
        """A realized exchange loss (disagio): zero in *currency*, negative in local currency.

        >>> from datetime import date
        >>> Entry.fx_loss("A-2", party="1", amount_local=Money("-200", "NOK"), currency="EUR",
        ...               posted=date(2026, 3, 1)).amount_local
        Money('-200.00', 'NOK')
        """
        return cls.of_kind(
            EntryKind.FX_LOSS, id, party=party, amount=Money.zero(currency), posted=posted,
            amount_local=amount_local, **fields,
        )

    @classmethod
    def fx_unrealized(
        cls,
        id: str,  # noqa: A002
        /,
        *,
        party: str,
        amount_local: Money,
        currency: str,
        posted: date,
        revalues: str,
        rate: Decimal | None = None,
        side: Side = Side.RECEIVABLE,
        account: str | None = None,
        text: str = "",
    ) -> Entry:
        """An unrealized exchange difference on the open item *revalues*.

        Zero in *currency* and the difference in local currency: positive is
        a gain (kind ``FX_UNREALIZED_GAIN``), negative a loss. A revaluation
        records the closing *rate*; the pro-rata reversal a settlement posts
        has none.

        >>> from datetime import date
        >>> e = Entry.fx_unrealized("U-1", party="1", amount_local=Money("200", "NOK"),
        ...                         currency="EUR", posted=date(2026, 12, 31), revalues="F-1",
        ...                         rate=Decimal("11.20"))
        >>> e.kind, e.amount, e.revalues
        (EntryKind.FX_UNREALIZED_GAIN, Money('0.00', 'EUR'), 'F-1')
        """
        kind = (
            EntryKind.FX_UNREALIZED_LOSS if amount_local.amount < 0
            else EntryKind.FX_UNREALIZED_GAIN
        )
        return cls(
            id=id, side=side, party=party, account=account or _DEFAULT_ACCOUNT.get(side, ""),
            kind=kind, amount=Money.zero(currency), amount_local=amount_local, posted=posted,
            document_date=posted, text=text, rate=rate, revalues=revalues,
        )

    @classmethod
    def tolerance(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """A payment-tolerance or rounding adjustment, of either sign.

        >>> from datetime import date
        >>> Entry.tolerance("O-1", party="1", amount=Money("-0.40", "NOK"),
        ...                 posted=date(2026, 1, 9)).kind
        EntryKind.TOLERANCE
        """
        return cls._make(EntryKind.TOLERANCE, id, party, amount, posted, fields)

    @classmethod
    def manual(
        cls, id: str, /, *, party: str, amount: Money, posted: date,  # noqa: A002
        **fields: Unpack[EntryOptions],
    ) -> Entry:
        """A manual journal line, of either sign.

        >>> from datetime import date
        >>> Entry.manual("J-9", party="1", amount=Money("0", "NOK"),
        ...              posted=date(2026, 1, 9)).amount.is_zero
        True
        """
        return cls._make(EntryKind.MANUAL, id, party, amount, posted, fields)

    def reversed(self, id: str, /, *, posted: date, text: str | None = None) -> Entry:  # noqa: A002
        """Return the counter-entry (storno) of this entry: same fields, opposite amounts.

        The ledger's :meth:`~reskontro.Ledger.reverse` posts it and matches it
        with the original; building it by hand is rarely needed.

        >>> from datetime import date
        >>> e = Entry.invoice("F-1", party="1", amount=Money("10", "NOK"), posted=date(2026, 1, 1))
        >>> storno = e.reversed("F-1-R", posted=date(2026, 1, 2))
        >>> storno.amount, storno.kind, storno.reverses
        (Money('-10.00', 'NOK'), EntryKind.INVOICE, 'F-1')
        """
        return Entry(
            id=id,
            side=self.side,
            party=self.party,
            account=self.account,
            kind=self.kind,
            amount=-self.amount,
            amount_local=-self.amount_local,
            posted=posted,
            document_date=posted,
            document_no=self.document_no,
            reference=self.reference,
            text=text if text is not None else f"Reversal of {self.id}",
            disputed=self.disputed,
            factored=self.factored,
            excluded_from_collection=self.excluded_from_collection,
            reverses=self.id,
            rate=self.rate,
            revalues=self.revalues,
            end_to_end_id=self.end_to_end_id,
            payer_account=self.payer_account,
            applies_to=self.applies_to,
        )


_new = object.__new__
_DEFAULT_ACCOUNT: Final[dict[Side, str]] = dict(DEFAULT_ACCOUNTS)
_OPTION_NAMES: Final = frozenset(EntryOptions.__annotations__) | frozenset(
    CommonOptions.__annotations__
)


def _slot_setter(name: str) -> Any:
    """The slot's own descriptor setter: the cheapest way to fill a frozen slot."""
    return Entry.__dict__[name].__set__


_SET_ID = _slot_setter("id")
_SET_SIDE = _slot_setter("side")
_SET_PARTY = _slot_setter("party")
_SET_ACCOUNT = _slot_setter("account")
_SET_KIND = _slot_setter("kind")
_SET_CURRENCY = _slot_setter("currency")
_SET_VALUE = _slot_setter("value")
_SET_LOCAL_CURRENCY = _slot_setter("local_currency")
_SET_VALUE_LOCAL = _slot_setter("value_local")


def _set_amounts(entry: Entry, amount: object, amount_local: object) -> None:
    """Store two Money values as decimals and codes, refusing anything else."""
    for name, money in (("amount", amount), ("amount_local", amount_local)):
        if type(money) is not Money:
            raise InvalidEntryError(
                f"entry {entry.id!r}: {name} must be Money, got {money!r}",
                entry_id=entry.id if type(entry.id) is str else None,
                field=name,
                value=money,
            )
    _SET_CURRENCY(entry, amount.currency)  # type: ignore[attr-defined]
    _SET_VALUE(entry, amount.amount)  # type: ignore[attr-defined]
    _SET_LOCAL_CURRENCY(entry, amount_local.currency)  # type: ignore[attr-defined]
    _SET_VALUE_LOCAL(entry, amount_local.amount)  # type: ignore[attr-defined]


def _booked_local(
    entry_id: object,
    amount: object,
    amount_local: object,
    rate: object,
    local_currency: object,
) -> Any:
    """The local amount of an entry booked with a ``rate`` (and/or a ``local_currency``).

    Computes ``amount x rate`` rounded half-even to the local minor unit when
    no local amount is given; checks a given one against the rate (within
    half a local minor unit, so either half-rounding of the product agrees).
    Refuses a rate that cannot say which local currency it converts into,
    and anything that would leave the local amount in a foreign currency.
    Anything that is not Money is passed through for the type checks.
    """
    ident = entry_id if isinstance(entry_id, str) else None
    if type(amount) is not Money or (amount_local is not None and type(amount_local) is not Money):
        return amount_local
    if local_currency is not None:
        try:
            local_currency = check_currency(local_currency)
        except ReskontroError:
            raise InvalidEntryError(
                f"entry {entry_id!r}: local_currency must be a currency code, "
                f"got {local_currency!r}",
                entry_id=ident, field="local_currency", value=local_currency,
            ) from None
        if amount_local is not None and amount_local.currency != local_currency:
            raise InvalidEntryError(
                f"entry {entry_id!r}: amount_local {amount_local} is not in the local "
                f"currency {local_currency}",
                entry_id=ident, field="amount_local", value=amount_local,
            )
    if rate is not None:
        rate = _check_rate(entry_id, rate)
    local = amount_local.currency if amount_local is not None else local_currency
    if local is None:
        # rate= alone: without a local currency the amount could only stay in its own
        if rate is not None and rate != 1:
            raise InvalidEntryError(
                f"entry {entry_id!r}: rate={rate} cannot book {amount} without knowing the "
                f"local currency; give local_currency= (e.g. 'NOK'), amount_local= or rates=",
                entry_id=ident, field="rate", value=rate,
            )
        return amount
    if amount.currency == local:
        if rate is not None and rate != 1:
            raise InvalidEntryError(
                f"entry {entry_id!r}: rate={rate} on an amount {amount} already in the local "
                f"currency {local} (its rate is 1)",
                entry_id=ident, field="rate", value=rate,
            )
        return amount if amount_local is None else amount_local
    if rate is None:
        if amount_local is None:
            raise InvalidEntryError(
                f"entry {entry_id!r}: {amount} is not in the local currency {local}; give "
                f"amount_local=, rate= or rates= to book it",
                entry_id=ident, field="amount_local", value=None,
            )
        return amount_local
    exact = CONTEXT.multiply(amount.amount, rate)
    unit = quantum(local)
    if amount_local is None:
        return Money._of(
            exact.quantize(unit, rounding=ROUND_HALF_EVEN, context=CONTEXT), local
        )
    if amount.amount and abs(CONTEXT.subtract(exact, amount_local.amount)) > unit / 2:
        expected = exact.quantize(unit, rounding=ROUND_HALF_EVEN, context=CONTEXT)
        raise InvalidEntryError(
            f"entry {entry_id!r}: amount_local {amount_local} does not agree with {amount} "
            f"at rate {rate} ({expected} {local})",
            entry_id=ident, field="amount_local", value=amount_local,
        )
    return amount_local


def _raw_money(entry_id: object, name: str, value: object, currency: object) -> Money:
    """Money from the stored form (``value`` and a currency code), as attrs.evolve passes it."""
    if value is None or currency is None:
        raise InvalidEntryError(
            f"entry {entry_id!r}: {name} is missing",
            entry_id=entry_id if isinstance(entry_id, str) else None,
            field=name,
            value=None,
        )
    return Money(value, currency)  # type: ignore[arg-type]
_SET_POSTED = _slot_setter("posted")
_SET_DOCUMENT_DATE = _slot_setter("document_date")
_SET_DUE = _slot_setter("due")
_SET_DOCUMENT_NO = _slot_setter("document_no")
_SET_REFERENCE = _slot_setter("reference")
_SET_TEXT = _slot_setter("text")
_SET_DISPUTED = _slot_setter("disputed")
_SET_FACTORED = _slot_setter("factored")
_SET_EXCLUDED = _slot_setter("excluded_from_collection")
_SET_REVERSES = _slot_setter("reverses")
_SET_RATE = _slot_setter("rate")
_SET_REVALUES = _slot_setter("revalues")
_SET_END_TO_END = _slot_setter("end_to_end_id")
_SET_PAYER_ACCOUNT = _slot_setter("payer_account")
_SET_APPLIES_TO = _slot_setter("applies_to")

#: Unrealized exchange differences (revaluation entries and their reversals).
_UNREALIZED_KINDS: Final = frozenset({EntryKind.FX_UNREALIZED_GAIN, EntryKind.FX_UNREALIZED_LOSS})

#: Kinds whose transaction amount may be zero while the local amount is not.
_LOCAL_ONLY_KINDS: Final = frozenset(
    {
        EntryKind.FX_GAIN, EntryKind.FX_LOSS, EntryKind.FX_UNREALIZED_GAIN,
        EntryKind.FX_UNREALIZED_LOSS, EntryKind.TOLERANCE, EntryKind.MANUAL,
    }
)
