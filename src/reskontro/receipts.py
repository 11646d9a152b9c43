"""Receipts: incoming bank payments (OCR giro, camt.054) turned into ledger entries.

A bank file says *that* money came in; the ledger needs *whose* money it is.
:func:`plan_receipts` takes the payments of a parsed file (as
:class:`Receipt` values) and proposes one payment entry per receipt, on the
customer ledger, for the party the receipt belongs to:

1. the party of the open invoice whose ``reference`` (KID) equals the
   receipt's KID, on that invoice's control account;
2. otherwise the party a caller-supplied mapping gives for the KID or the
   payer's account;
3. otherwise, by the caller's policy, the customer of the *settled* invoice
   that carries the KID (the customer paid twice: the payment stays open on
   the customer as a credit);
4. otherwise the receipt is **unresolved**: it is kept in the plan with a
   :class:`Reason`, the reason in words and ranked :class:`Candidate` values
   with their evidence, for a clerk to decide. A candidate is never applied
   by the plan.

A receipt that marks a **reversal** (camt.054 ``RvslInd``, OCR transaction
types 18 and 20) is never posted as a payment: the plan proposes undoing the
original payment (a :class:`ReversalProposal`) when it finds it by the bank's
transaction reference, the end-to-end id or the KID and amount, and leaves
the receipt unresolved with that reason otherwise. Money out that is not a
reversal, and entries the bank has not booked (pending, information only),
are reported and never posted.

A receipt in a foreign currency is posted in its currency with its local
amount at the rate of its booking date, from a
:class:`~reskontro.rates.RateTable`; without a rate it is unresolved, never
posted at a wrong amount.

Each entry's id is ``<prefix><bank reference>``, and the bank reference is
the same every time the same file is read: a receipt whose entry is already
in the ledger (or twice in one file) is reported as a **duplicate** and not
posted again. Nothing is posted until the caller applies the plan
(``plan.apply(ledger)``), so a clerk can look at it first.

>>> from datetime import date
>>> from decimal import Decimal
>>> from reskontro import Entry, Ledger, Money
>>> ledger = Ledger("NOK").post(Entry.invoice(
...     "F-1", party="10001", amount=Money("1250", "NOK"), posted=date(2025, 1, 2),
...     reference="1234500009877"))
>>> plan = plan_receipts(ledger, [
...     Receipt(reference="R-1", amount=Decimal("1250.00"), currency="NOK",
...             booked=date(2025, 1, 15), kid="1234500009877"),
...     Receipt(reference="R-2", amount=Decimal("10.00"), currency="NOK",
...             booked=date(2025, 1, 15), kid="1234500009876"),
... ])
>>> [(e.id, e.party, e.amount) for e in plan.entries]
[('BANK-R-1', '10001', Money('-1250.00', 'NOK'))]
>>> (unresolved,) = plan.unresolved
>>> unresolved.code, [c.entry_id for c in unresolved.candidates]
(Reason.INVALID_KID, ['F-1'])
>>> ledger = plan.apply(ledger)
>>> again = plan_receipts(ledger, [Receipt(reference="R-1", amount=Decimal("1250.00"),
...                                        currency="NOK", booked=date(2025, 1, 15))])
>>> len(again.entries), len(again.duplicates)
(0, 1)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Final, final

import attrs

from reskontro._gc import paused
from reskontro.currency import check_currency
from reskontro.entries import DEFAULT_ACCOUNTS, Entry, EntryKind, Side, SubAccount
from reskontro.events import EntryPosted
from reskontro.exceptions import InvalidEntryError, InvalidPolicyError, ReskontroError
from reskontro.formats.camt054 import CamtFile, CamtPayment
from reskontro.formats.ocr import OcrFile
from reskontro.items import Item, Status
from reskontro.kid import Algorithm, is_valid
from reskontro.ledger import Ledger
from reskontro.money import Money
from reskontro.rates import RateTable

__all__ = [
    "Candidate",
    "Evidence",
    "Reason",
    "Receipt",
    "ReceiptPlan",
    "ReversalProposal",
    "SettledKid",
    "Unresolved",
    "plan_receipts",
    "receipts_from",
]

#: The status of an entry the bank has booked: the only one that is posted.
BOOKED: Final = "BOOK"
#: How many candidates an unresolved receipt carries at most.
MAX_CANDIDATES: Final = 10
#: The end-to-end id a payer's bank writes when there is none.
_NO_END_TO_END: Final = frozenset({"NOTPROVIDED", "NOT PROVIDED"})


@final
@attrs.frozen(kw_only=True)
class Receipt:
    """One incoming payment as the bank reported it, whatever the file format.

    Attributes:
        reference: the bank's reference, the same on every reading of the file.
        amount: the amount as the bank moved it: positive for money in,
            negative for money out (the sign of camt.054 ``CdtDbtInd``; a
            reversal of a payment takes the money back, so it is negative).
        currency: its currency.
        booked: the booking (or Nets settlement) date; ``None`` only for an
            entry the bank has not booked.
        kid: the KID, if the payment carried one.
        text: free text from the payer, if any.
        payer_account: the payer's account, if the bank gave it.
        payer_name: the payer's name, if the bank gave it.
        reversal: the bank reverses an earlier payment (camt.054 ``RvslInd``,
            OCR transaction types 18 and 20): never posted as a payment.
        status: ``"BOOK"`` for a booked entry; ``"PDNG"``, ``"INFO"``... for
            one the bank has not booked, which is reported and never posted.
        end_to_end_id: the payer's end-to-end id, if any.
        transaction_reference: the bank's reference of the transaction, if
            any (a reversal may repeat the original's).
        payment_reference: the payer's reference when it is not a KID (a
            reference failing KID validation, an RF reference, a Swiss QRR).
        reference_type: the type of *payment_reference* as the bank gave it
            (``"SCOR"``, a proprietary code such as ``"QRR"``), or ``None``.
        rate: local units per one unit of *currency* on the booking date,
            when known (see :func:`receipts_from`).

    >>> Receipt(reference="R-1", amount=Decimal("5.00"), currency="EUR",
    ...         booked=date(2026, 1, 2), rate=Decimal("11.5"))  # doctest: +ELLIPSIS
    Receipt(reference='R-1', amount=Decimal('5.00'), currency='EUR', ...)
    >>> Receipt(reference="R-1", amount=5, currency="NOK", booked=date(2026, 1, 2))
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidEntryError: receipt 'R-1': amount must be a Decimal, got 5
    """

    reference: str
    amount: Decimal
    currency: str
    booked: date | None
    kid: str | None = None
    text: str | None = None
    payer_account: str | None = None
    payer_name: str | None = None
    reversal: bool = False
    status: str = BOOKED
    end_to_end_id: str | None = None
    transaction_reference: str | None = None
    payment_reference: str | None = None
    reference_type: str | None = None
    rate: Decimal | None = None

    def __attrs_post_init__(self) -> None:
        def bad(field: str, value: object, need: str) -> InvalidEntryError:
            return InvalidEntryError(
                f"receipt {self.reference!r}: {field} must be {need}, got {value!r}",
                entry_id=self.reference if isinstance(self.reference, str) else None,
                field=field, value=value,
            )

        if not isinstance(self.reference, str) or not self.reference:
            raise bad("reference", self.reference, "a non-empty string")
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise bad("amount", self.amount, "a Decimal")
        check_currency(self.currency)
        if self.booked is None and self.status == BOOKED:
            raise bad("booked", self.booked, "a date for a booked receipt")
        if self.rate is not None and (not isinstance(self.rate, Decimal) or self.rate <= 0):
            raise bad("rate", self.rate, "a positive Decimal or None")

    @property
    def is_booked(self) -> bool:
        """Whether the bank has booked it (only booked receipts are posted)."""
        return self.status == BOOKED


def receipts_from(
    parsed: OcrFile | CamtFile, *, rates: RateTable | None = None
) -> tuple[Receipt, ...]:
    """The receipts of a parsed OCR giro or camt.054 file.

    A camt.054 payment without a booking date takes its value date; a booked
    one with neither is refused, since a ledger entry needs a date. The
    entries a camt.054 file lists as not booked come last, with their
    status, for the plan to report. An OCR reversal (types 18, 20) takes the
    money back: its receipt is negative whatever the sign in the file.

    Args:
        parsed: the parsed file.
        rates: a rate table; each foreign-currency receipt gets the rate of
            its booking date in ``rate`` (left ``None`` when the table has
            none, for the plan to report).

    >>> from reskontro.formats import OcrFile
    >>> receipts_from(OcrFile(data_transmitter="1", transmission_number="1",
    ...     data_recipient="1", nets_date=date(2025, 1, 1), assignments=()))
    ()
    """
    with paused():
        found = _receipts(parsed)
        if rates is None:
            return found
        return tuple(_with_rate(r, rates) for r in found)


def _with_rate(receipt: Receipt, rates: RateTable) -> Receipt:
    if receipt.currency == rates.local_currency or receipt.booked is None:
        return receipt
    try:
        return attrs.evolve(receipt, rate=rates.rate(receipt.currency, receipt.booked))
    except ReskontroError:
        return receipt


def _receipts(parsed: OcrFile | CamtFile) -> tuple[Receipt, ...]:
    if isinstance(parsed, OcrFile):
        return tuple(
            Receipt(
                reference=p.bank_reference,
                amount=-abs(p.amount) if p.reversal else p.amount,
                currency="NOK",
                booked=p.nets_date,
                kid=p.kid,
                text=p.text,
                payer_account=p.payer_account,
                reversal=p.reversal,
            )
            for p in parsed.payments
        )
    receipts = [_camt_receipt(p, booked=True) for p in parsed.payments]
    receipts.extend(_camt_receipt(p, booked=False) for p in parsed.unbooked)
    return tuple(receipts)


def _camt_receipt(p: CamtPayment, *, booked: bool) -> Receipt:
    day = p.booking_date or p.value_date
    if day is None and booked:
        raise ReskontroError(
            f"camt.054 payment {p.path} has no booking or value date",
            field="booking_date", value=p.path,
        )
    reference = p.reference if p.reference is not None and p.reference != p.kid else None
    return Receipt(
        reference=p.bank_reference,
        amount=p.signed_amount,
        currency=p.currency,
        booked=day,
        kid=p.kid,
        text=p.text,
        payer_account=p.debtor_account,
        payer_name=p.debtor_name,
        reversal=p.reversal,
        status=BOOKED if booked else (p.status or "PDNG"),
        end_to_end_id=p.end_to_end_id,
        transaction_reference=p.transaction_reference,
        payment_reference=reference,
        reference_type=p.reference_type if reference is not None else None,
    )


class Reason(enum.StrEnum):
    """Why a receipt is unresolved: a code for programs, beside the reason in words."""

    #: No KID (and no other reference) and no mapping names the payer's account.
    NO_KID = "no_kid"
    #: The KID (or reference) is on no invoice, open or settled.
    UNKNOWN_KID = "unknown_kid"
    #: The KID fails its check digit: the payer mistyped it.
    INVALID_KID = "invalid_kid"
    #: The KID is on open invoices of several customers.
    AMBIGUOUS_KID = "ambiguous_kid"
    #: The KID is of an invoice already settled (paid twice?), held by policy.
    SETTLED_KID = "settled_kid"
    #: The invoice with the KID is in another currency than the receipt.
    CURRENCY_MISMATCH = "currency_mismatch"
    #: A foreign-currency receipt without a rate for its booking date.
    NO_RATE = "no_rate"
    #: Money out that is not a reversal: not a customer's payment.
    MONEY_OUT = "money_out"
    #: A reversal whose original payment the ledger does not have.
    REVERSAL_NOT_FOUND = "reversal_not_found"
    #: A reversal that fits several payments.
    REVERSAL_AMBIGUOUS = "reversal_ambiguous"
    #: A reversal of money out (the money comes back): not a customer payment.
    REVERSAL_OF_MONEY_OUT = "reversal_of_money_out"
    #: A reversal whose original the ledger will not reverse (e.g. dated before its match).
    REVERSAL_REFUSED = "reversal_refused"
    #: The payment entry could not be made (the ledger refused a value).
    INVALID = "invalid"

    def __repr__(self) -> str:
        return f"Reason.{self.name}"


class Evidence(enum.StrEnum):
    """What makes a :class:`Candidate` (or a reversal's original) a candidate, strongest first."""

    BANK_REFERENCE = "bank_reference"
    END_TO_END_ID = "end_to_end_id"
    KID_AND_AMOUNT = "kid_and_amount"
    #: An open invoice's KID differs from the receipt's by one digit.
    KID_ONE_DIGIT = "kid_one_digit"
    #: An open invoice's KID is the receipt's with two adjacent digits swapped.
    KID_TRANSPOSED = "kid_transposed"
    #: The receipt's KID is of this invoice, which is already settled.
    SETTLED_INVOICE = "settled_invoice"
    #: The invoice of the KID (in another currency).
    KID = "kid"
    #: An open item of exactly the receipt's amount of the payer (known by account).
    AMOUNT_OF_PAYER = "amount_of_payer"
    #: The payer's account paid this customer before.
    PAYER_ACCOUNT = "payer_account"
    #: An open item of exactly the receipt's amount, any customer.
    AMOUNT = "amount"

    def __repr__(self) -> str:
        return f"Evidence.{self.name}"


@final
@attrs.frozen(kw_only=True)
class Candidate:
    """What a clerk might place an unresolved receipt on, with the evidence; never applied.

    Attributes:
        party: the customer.
        entry_id: the entry (an open invoice, a settled one, a payment to
            reverse), or ``None`` when the evidence names only the customer.
        evidence: the kind of evidence.
        text: the evidence in words.
    """

    party: str
    entry_id: str | None
    evidence: Evidence
    text: str


@final
@attrs.frozen
class Unresolved:
    """A receipt the plan could not place: why (code and words) and the ranked candidates."""

    receipt: Receipt
    reason: str
    code: Reason = Reason.INVALID
    candidates: tuple[Candidate, ...] = ()


@final
@attrs.frozen(kw_only=True)
class ReversalProposal:
    """Undo a payment the bank reversed: reverse *entry_id* on *on*, as *reversal_id*.

    Attributes:
        receipt: the reversal as the bank reported it.
        entry_id: the original payment entry.
        reversal_id: the id of the counter-entry (``<prefix><bank reference>``).
        on: the reversal's booking date.
        evidence: what identified the original.
        text: the evidence in words.
    """

    receipt: Receipt
    entry_id: str
    reversal_id: str
    on: date
    evidence: Evidence
    text: str


class SettledKid(enum.StrEnum):
    """What to do with a payment whose KID is of an invoice already settled."""

    #: Leave it for the clerk (:attr:`Reason.SETTLED_KID`), the settled invoice as candidate.
    HOLD = "hold"
    #: Post it on that customer as an open credit ("paid twice"), in ``plan.paid_twice``.
    POST = "post"

    def __repr__(self) -> str:
        return f"SettledKid.{self.name}"


@final
@attrs.frozen(kw_only=True)
class ReceiptPlan:
    """What importing receipts would do: entries, reversals, and what it leaves to a clerk.

    Attributes:
        entries: the payment entries to post.
        unresolved: the receipts not placed, with reasons and candidates.
        duplicates: the receipts already in the ledger (or twice in the file).
        reversals: the payments to undo because the bank reversed them.
        unbooked: the receipts the bank has not booked: reported, not posted.
        paid_twice: ids of *entries* placed on the customer of an already
            settled invoice (:attr:`SettledKid.POST`): they stay open credits.
    """

    entries: tuple[Entry, ...]
    unresolved: tuple[Unresolved, ...]
    duplicates: tuple[Receipt, ...]
    reversals: tuple[ReversalProposal, ...] = ()
    unbooked: tuple[Receipt, ...] = ()
    paid_twice: tuple[str, ...] = ()

    @property
    def events(self) -> tuple[EntryPosted, ...]:
        """The new entries as events; :meth:`apply` also makes the reversals."""
        return tuple(EntryPosted(entry) for entry in self.entries)

    @property
    def total(self) -> Decimal:
        """The sum of the receipts the plan posts, in their transaction currencies."""
        return sum((-e.value for e in self.entries), Decimal("0.00"))

    def apply(self, ledger: Ledger) -> Ledger:
        """Post the entries, then reverse each reversed payment; return the new ledger.

        A reversed payment that is in a match leaves it first (its invoice is
        open again); the counter-entry is dated on the reversal's booking
        date. The ledger given is unchanged, also when a step is refused.

        Raises:
            ReskontroError: the ledger no longer fits the plan (changed since).
        """
        with paused():
            result = ledger.apply(self.events) if self.entries else ledger
            for proposal in self.reversals:
                result = result.reverse(
                    proposal.entry_id, on=proposal.on, reversal_id=proposal.reversal_id,
                    text=f"Reversed by the bank: {proposal.receipt.reference}",
                    unmatch_first=True,
                )
            return result


def plan_receipts(
    ledger: Ledger,
    receipts: Iterable[Receipt],
    *,
    parties: Mapping[str, str] | None = None,
    prefix: str = "BANK-",
    rates: RateTable | None = None,
    settled_kid: SettledKid | str = SettledKid.HOLD,
    kid_algorithm: Algorithm | str | None = None,
) -> ReceiptPlan:
    """Propose a payment entry for every receipt that can be placed; keep the rest.

    Args:
        ledger: the ledger the receipts are for (only read).
        receipts: the receipts, e.g. from :func:`receipts_from`.
        parties: a mapping from a KID or a payer's account to a customer
            number, for receipts no open invoice identifies.
        prefix: put before the bank reference to make the entry id.
        rates: the rates for receipts in a foreign currency (a receipt's own
            ``rate`` is used first).
        settled_kid: what to do with a payment whose KID is only on settled
            invoices: :attr:`SettledKid.HOLD` (default) or :attr:`SettledKid.POST`.
        kid_algorithm: the algorithm of the KID agreement, to tell a mistyped
            KID; ``None`` (default) takes a KID valid under MOD10 or MOD11.

    Returns:
        A :class:`ReceiptPlan`. Entries are dated on the booking date, carry
        the KID (or the payer's other reference) as their reference, the
        end-to-end id and the payer's account in their own fields
        (:attr:`Entry.end_to_end_id`, :attr:`Entry.payer_account`), the
        payer's text (or name) as text and no document number, and sit on
        the customer ledger,
        on the invoice's control account when an invoice identified them
        (else the default 1500).

    Raises:
        InvalidPolicyError: an unknown *settled_kid* policy or *kid_algorithm*.
        InvalidEntryError: something given as a receipt is not a :class:`Receipt`.

    Complexity: one pass over the open customer items to index the open
    invoices by KID; on the first reversal or receipt not placed, one pass
    over all customer items (open invoices by amount, settled invoices by
    KID, payments by bank reference, end-to-end id, KID and amount, payer
    accounts). Then per receipt O(1) look-ups, plus O(10·L) for a KID of L
    digits that is on no open invoice (its one-digit and transposition
    variants). No receipt scans the ledger.
    """
    try:
        policy = SettledKid(settled_kid)
    except ValueError:
        raise InvalidPolicyError(
            f"unknown settled_kid policy {settled_kid!r}: use 'hold' or 'post'",
            field="settled_kid", value=settled_kid,
        ) from None
    try:
        algorithms = (
            (Algorithm.MOD10, Algorithm.MOD11) if kid_algorithm is None
            else (Algorithm(str(kid_algorithm).lower()),)
        )
    except ValueError:
        raise InvalidPolicyError(
            f"unknown KID algorithm {kid_algorithm!r}: use 'mod10' or 'mod11'",
            field="kid_algorithm", value=kid_algorithm,
        ) from None
    with paused():
        return _Planner(ledger, parties or {}, prefix, rates, policy, algorithms).plan(receipts)


class _OpenByKid:
    """The open customer invoices per KID, looked up in the ledger's reference index.

    A day's receipts ask for their own KIDs only, so planning costs the size
    of the day, not of the ledger.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.found: dict[str, list[Item]] = {}

    def get(self, kid: str, default: Sequence[Item] = ()) -> Sequence[Item]:
        return self[kid] or default

    def __getitem__(self, kid: str) -> list[Item]:
        found = self.found.get(kid)
        if found is None:
            items = self.ledger.search(
                status=Status.OPEN, side=Side.RECEIVABLE, kind=EntryKind.INVOICE, reference=kid
            )
            # as the open-items list orders them: by sub-account, then posting order
            found = self.found[kid] = sorted(items, key=lambda i: i.entry.sub_account)
        return found

    def __contains__(self, kid: object) -> bool:
        return isinstance(kid, str) and bool(self[kid])


class _History:
    """The customer ledger indexed for reversals and the clerk's candidates: one pass."""

    def __init__(self, ledger: Ledger, prefix: str) -> None:
        self.prefix = prefix
        self.settled_by_kid: dict[str, list[Item]] = {}
        self.open_by_amount: dict[tuple[str, Decimal], list[Item]] = {}
        self.by_bank_ref: dict[str, list[Entry]] = {}
        self.by_end_to_end: dict[str, list[Entry]] = {}
        self.by_kid_amount: dict[tuple[str, str, Decimal], list[Entry]] = {}
        self.payers: dict[str, list[str]] = {}
        self.undone: set[str] = set()
        for item in ledger.items(side=Side.RECEIVABLE):
            entry = item.entry
            if entry.reverses is not None:
                self.undone.add(entry.reverses)
            elif entry.kind is EntryKind.INVOICE:
                if item.is_open:
                    key = (entry.currency, abs(item.remaining.amount))
                    self.open_by_amount.setdefault(key, []).append(item)
                elif entry.reference:
                    self.settled_by_kid.setdefault(entry.reference, []).append(item)
            elif entry.kind is EntryKind.PAYMENT:
                self.add_payment(entry)

    def add_payment(self, entry: Entry) -> None:
        if entry.id.startswith(self.prefix) and "/" in entry.id:
            self.by_bank_ref.setdefault(entry.id.rsplit("/", 1)[1], []).append(entry)
        if entry.end_to_end_id:
            self.by_end_to_end.setdefault(entry.end_to_end_id, []).append(entry)
        if entry.reference:
            key = (entry.reference, entry.currency, abs(entry.value))
            self.by_kid_amount.setdefault(key, []).append(entry)
        if entry.payer_account:
            seen = self.payers.setdefault(entry.payer_account, [])
            if entry.party not in seen:
                seen.append(entry.party)


class _Planner:
    """One planning run: the ledger indexed once, then each receipt placed in O(1)."""

    def __init__(
        self,
        ledger: Ledger,
        parties: Mapping[str, str],
        prefix: str,
        rates: RateTable | None,
        policy: SettledKid,
        algorithms: tuple[Algorithm, ...],
    ) -> None:
        self.ledger = ledger
        self.local = ledger.local_currency
        self.parties = parties
        self.prefix = prefix
        self.rates = rates
        self.policy = policy
        self.algorithms = algorithms
        self.open_by_kid = _OpenByKid(ledger)
        #: the payments this plan makes, for a reversal later in the same file
        self.planned: list[Entry] = []
        self._history: _History | None = None

    @property
    def history(self) -> _History:
        """The rest of the index, built on first need (a reversal or an unplaced receipt)."""
        if self._history is None:
            self._history = _History(self.ledger, self.prefix)
            for entry in self.planned:
                self._history.add_payment(entry)
        return self._history

    # -- the run ------------------------------------------------------------------------

    def plan(self, receipts: Iterable[Receipt]) -> ReceiptPlan:
        self.entries: list[Entry] = []
        self.unresolved: list[Unresolved] = []
        self.duplicates: list[Receipt] = []
        self.reversals: list[ReversalProposal] = []
        self.unbooked: list[Receipt] = []
        self.paid_twice: list[str] = []
        self.taken: set[str] = set()
        for receipt in receipts:
            if not isinstance(receipt, Receipt):
                raise InvalidEntryError(
                    f"plan_receipts takes Receipt values, got {receipt!r}",
                    field="receipts", value=receipt,
                )
            self._one(receipt)
        return ReceiptPlan(
            entries=tuple(self.entries),
            unresolved=tuple(self.unresolved),
            duplicates=tuple(self.duplicates),
            reversals=tuple(self.reversals),
            unbooked=tuple(self.unbooked),
            paid_twice=tuple(self.paid_twice),
        )

    def _leave(
        self, receipt: Receipt, code: Reason, reason: str,
        candidates: Iterable[Candidate] = (),
    ) -> None:
        ranked: dict[tuple[str, str | None], Candidate] = {}
        for candidate in candidates:  # the strongest evidence for an entry wins
            ranked.setdefault((candidate.party, candidate.entry_id), candidate)
        self.unresolved.append(
            Unresolved(receipt, reason, code, tuple(ranked.values())[:MAX_CANDIDATES])
        )

    def _one(self, receipt: Receipt) -> None:
        if not receipt.is_booked:
            self.unbooked.append(receipt)
            return
        entry_id = f"{self.prefix}{receipt.reference}"
        if entry_id in self.ledger or entry_id in self.taken:
            self.duplicates.append(receipt)
            return
        if receipt.reversal:
            self._reversal(receipt, entry_id)
            return
        if receipt.amount <= 0:
            self._leave(receipt, Reason.MONEY_OUT,
                        "money out, not a customer's payment: book it by hand")
            return
        kid = receipt.kid or self._kid_like(receipt)
        sub, paid_twice = self._place(receipt, kid)
        if sub is None:
            return
        self._post(receipt, entry_id, sub, kid, paid_twice=paid_twice)

    def _kid_like(self, receipt: Receipt) -> str | None:
        """An untyped or SCOR-typed all-digit reference: a KID, perhaps mistyped."""
        reference = receipt.payment_reference
        if reference is None or receipt.reference_type not in (None, "SCOR"):
            return None
        body = reference[:-1]
        if 2 <= len(reference) <= 25 and body.isascii() and body.isdigit() and (
            reference[-1].isdigit() or reference[-1] == "-"
        ):
            return reference
        return None

    def _valid(self, kid: str) -> bool:
        return any(is_valid(kid, method) for method in self.algorithms)

    def _place(self, receipt: Receipt, kid: str | None) -> tuple[SubAccount | None, bool]:
        """The sub-account for the receipt and whether it is paid twice, or ``None`` (left)."""
        if kid and kid in self.open_by_kid:
            items = self.open_by_kid[kid]
            subs = list(dict.fromkeys(i.sub_account for i in items))
            if len(subs) > 1:
                self._leave(
                    receipt, Reason.AMBIGUOUS_KID,
                    f"KID {kid!r} is on open invoices of several customers",
                    (Candidate(party=i.party, entry_id=i.id, evidence=Evidence.KID,
                               text=f"open invoice {i.id} of {i.party} has KID {kid}")
                     for i in items),
                )
                return None, False
            other = [i for i in items if i.entry.currency != receipt.currency]
            if other:
                invoice = other[0]
                self._leave(
                    receipt, Reason.CURRENCY_MISMATCH,
                    f"KID {kid!r} is on invoice {invoice.id} in {invoice.entry.currency}, "
                    f"the receipt is in {receipt.currency}",
                    [Candidate(party=invoice.party, entry_id=invoice.id, evidence=Evidence.KID,
                               text=f"invoice {invoice.id} has KID {kid}")],
                )
                return None, False
            return subs[0], False
        party = (self.parties.get(kid) if kid else None) or (
            self.parties.get(receipt.payer_account) if receipt.payer_account else None
        )
        if party is not None:
            return SubAccount(Side.RECEIVABLE, party, DEFAULT_ACCOUNTS[Side.RECEIVABLE]), False
        if kid and kid in self.history.settled_by_kid:
            return self._settled(receipt, kid)
        self._unplaced(receipt, kid)
        return None, False

    def _settled(self, receipt: Receipt, kid: str) -> tuple[SubAccount | None, bool]:
        items = self.history.settled_by_kid[kid]
        subs = list(dict.fromkeys(i.sub_account for i in items))
        candidates = [
            Candidate(party=i.party, entry_id=i.id, evidence=Evidence.SETTLED_INVOICE,
                      text=f"invoice {i.id} of {i.party} with KID {kid} is already settled")
            for i in items
        ]
        if self.policy is SettledKid.POST and len(subs) == 1:
            return subs[0], True
        who = "several customers" if len(subs) > 1 else f"customer {subs[0].party}"
        self._leave(
            receipt, Reason.SETTLED_KID,
            f"KID {kid!r} is of invoice {items[0].id} of {who}, already settled: "
            f"paid twice?",
            [*candidates, *self._others(receipt)],
        )
        return None, False

    def _unplaced(self, receipt: Receipt, kid: str | None) -> None:
        near = self._near(kid) if kid else []
        others = self._others(receipt)
        if kid and not self._valid(kid):
            methods = " or ".join(m.name for m in self.algorithms)
            code = Reason.INVALID_KID
            reason = f"KID {kid!r} fails its {methods} check digit: mistyped"
            if near:
                reason += f"; open invoices with a KID one slip away: {len(near)}"
        elif kid:
            code = Reason.UNKNOWN_KID
            reason = f"no invoice has KID {kid!r}, and no mapping names it"
        else:
            code = Reason.NO_KID
            other = receipt.payment_reference
            reason = (
                f"reference {other!r} ({receipt.reference_type or 'untyped'}) is not a KID, "
                f"and no mapping names the payer's account" if other
                else "no KID, and no mapping names the payer's account"
            )
        self._leave(receipt, code, reason, [*near, *others])

    def _near(self, kid: str) -> list[Candidate]:
        """Open invoices whose KID is *kid* with one digit changed or two adjacent swapped."""
        found: list[Candidate] = []
        digits = "0123456789"
        for position, typed in enumerate(kid):
            for digit in digits:
                if digit == typed:
                    continue
                variant = f"{kid[:position]}{digit}{kid[position + 1:]}"
                found.extend(
                    Candidate(party=i.party, entry_id=i.id, evidence=Evidence.KID_ONE_DIGIT,
                              text=f"invoice {i.id} has KID {variant}: digit {position + 1} "
                                   f"is {digit}, not {typed}")
                    for i in self.open_by_kid.get(variant, ())
                )
        for position in range(len(kid) - 1):
            a, b = kid[position], kid[position + 1]
            if a == b:
                continue
            variant = f"{kid[:position]}{b}{a}{kid[position + 2:]}"
            found.extend(
                Candidate(party=i.party, entry_id=i.id, evidence=Evidence.KID_TRANSPOSED,
                          text=f"invoice {i.id} has KID {variant}: digits {position + 1} "
                               f"and {position + 2} swapped")
                for i in self.open_by_kid.get(variant, ())
            )
        return found

    def _others(self, receipt: Receipt) -> list[Candidate]:
        """Candidates by the payer's account seen before and by exact amount."""
        found: list[Candidate] = []
        payer_parties: list[str] = []
        account = receipt.payer_account
        if account:
            payer_parties = list(self.history.payers.get(account, ()))
        same = self.history.open_by_amount.get((receipt.currency, receipt.amount), [])
        for party in payer_parties:
            found.extend(
                Candidate(party=i.party, entry_id=i.id, evidence=Evidence.AMOUNT_OF_PAYER,
                          text=f"open item {i.id} of {i.party}, who paid from account "
                               f"{account} before, is exactly {receipt.amount}")
                for i in same if i.party == party
            )
        found.extend(
            Candidate(party=party, entry_id=None, evidence=Evidence.PAYER_ACCOUNT,
                      text=f"account {account} paid customer {party} before")
            for party in payer_parties
        )
        listed = {c.entry_id for c in found}
        found.extend(
            Candidate(party=i.party, entry_id=i.id, evidence=Evidence.AMOUNT,
                      text=f"open item {i.id} of {i.party} is exactly {receipt.amount}")
            for i in same[:MAX_CANDIDATES] if i.id not in listed
        )
        return found

    # -- posting and reversing ----------------------------------------------------------

    def _post(
        self, receipt: Receipt, entry_id: str, sub: SubAccount, kid: str | None,
        *, paid_twice: bool,
    ) -> None:
        assert receipt.booked is not None  # booked receipts have a date (checked)
        amount = Money(-receipt.amount, receipt.currency)
        local: dict[str, object] = {}
        if receipt.currency != self.local:
            rate = receipt.rate
            if rate is None and self.rates is not None:
                try:
                    rate = self.rates.rate(receipt.currency, receipt.booked)
                except ReskontroError:
                    rate = None
            if rate is None:
                where = "the rate table has none" if self.rates is not None else "no rate table"
                self._leave(
                    receipt, Reason.NO_RATE,
                    f"a {receipt.currency} receipt needs the {receipt.currency} rate of "
                    f"{receipt.booked} for its {self.local} amount: {where}",
                )
                return
            table = RateTable(self.local, [(receipt.currency, receipt.booked, rate)])
            local = {"amount_local": table.to_local(amount, receipt.booked), "rate": rate}
        text = receipt.text or receipt.payer_name or ""
        # a blank field is no field: the entry keeps None rather than refusing the money
        end_to_end = _given(receipt.end_to_end_id)
        if end_to_end and end_to_end.upper() in _NO_END_TO_END:
            end_to_end = None
        try:
            entry = Entry.payment(
                entry_id,
                party=sub.party,
                account=sub.account,
                amount=amount,
                posted=receipt.booked,
                reference=kid or receipt.payment_reference,
                end_to_end_id=end_to_end,
                payer_account=_given(receipt.payer_account),
                text=text,
                **local,  # type: ignore[arg-type]
            )
        except ReskontroError as error:
            self._leave(receipt, Reason.INVALID, error.message)
            return
        self.taken.add(entry_id)
        self.entries.append(entry)
        if paid_twice:
            self.paid_twice.append(entry_id)
        self.planned.append(entry)
        if self._history is not None:
            self._history.add_payment(entry)

    def _reversal(self, receipt: Receipt, reversal_id: str) -> None:
        assert receipt.booked is not None
        if receipt.amount > 0:
            self._leave(
                receipt, Reason.REVERSAL_OF_MONEY_OUT,
                "the bank reverses money out (the money comes back): not a customer's "
                "payment; book it by hand",
            )
            return
        amount = -receipt.amount
        history = self.history
        looks: list[tuple[Evidence, str, list[Entry]]] = []
        if receipt.transaction_reference:
            looks.append((Evidence.BANK_REFERENCE, receipt.transaction_reference,
                          history.by_bank_ref.get(receipt.transaction_reference, [])))
        if receipt.end_to_end_id and receipt.end_to_end_id.upper() not in _NO_END_TO_END:
            looks.append((Evidence.END_TO_END_ID, receipt.end_to_end_id,
                          history.by_end_to_end.get(receipt.end_to_end_id, [])))
        kid = receipt.kid or receipt.payment_reference
        if kid:
            looks.append((Evidence.KID_AND_AMOUNT, f"KID {kid} and {amount}",
                          history.by_kid_amount.get((kid, receipt.currency, amount), [])))
        near: list[Candidate] = []
        for evidence, what, found in looks:
            fits = [
                e for e in found
                if e.id not in history.undone and e.currency == receipt.currency
                and abs(e.value) == amount
            ]
            near.extend(
                Candidate(party=e.party, entry_id=e.id, evidence=evidence,
                          text=f"payment {e.id} has {evidence.value.replace('_', ' ')} {what} "
                               f"but {_differs(e, history.undone)}")
                for e in found if e not in fits
            )
            if len(fits) == 1:
                original = fits[0]
                if original.id in self.ledger:
                    try:  # the ledger's own checks (dates of the match it leaves), on a copy
                        self.ledger.reverse(original.id, on=receipt.booked,
                                            reversal_id=reversal_id, unmatch_first=True)
                    except ReskontroError as error:
                        self._leave(
                            receipt, Reason.REVERSAL_REFUSED,
                            f"the reversal fits payment {original.id}, but the ledger refuses "
                            f"to reverse it: {error.message}",
                            [Candidate(party=original.party, entry_id=original.id,
                                       evidence=evidence, text=f"payment {original.id}")],
                        )
                        return
                history.undone.add(original.id)
                self.taken.add(reversal_id)
                self.reversals.append(ReversalProposal(
                    receipt=receipt, entry_id=original.id, reversal_id=reversal_id,
                    on=receipt.booked, evidence=evidence,
                    text=f"payment {original.id} of {original.party}: same "
                         f"{evidence.value.replace('_', ' ')} ({what})",
                ))
                return
            if len(fits) > 1:
                self._leave(
                    receipt, Reason.REVERSAL_AMBIGUOUS,
                    f"the reversal fits {len(fits)} payments by {what}: undo one by hand",
                    (Candidate(party=e.party, entry_id=e.id, evidence=evidence,
                               text=f"payment {e.id} of {e.party}, {e.amount}") for e in fits),
                )
                return
        self._leave(
            receipt, Reason.REVERSAL_NOT_FOUND,
            "the bank reverses a payment this ledger does not have (no payment with its "
            "bank reference, end-to-end id, or KID and amount): never posted as a payment",
            near,
        )


def _given(value: str | None) -> str | None:
    """A bank's text field, or None when it is empty or blank."""
    return value if value and value.strip() else None


def _differs(payment: Entry, undone: set[str]) -> str:
    return "is reversed already" if payment.id in undone else f"is {payment.amount}"
