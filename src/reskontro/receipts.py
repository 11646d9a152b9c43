"""Receipts: incoming bank payments (OCR giro, camt.054) turned into ledger entries.

A bank file says *that* money came in; the ledger needs *whose* money it is.
:func:`plan_receipts` takes the payments of a parsed file (as
:class:`Receipt` values) and proposes one payment entry per receipt, on the
customer ledger, for the party the receipt belongs to:

1. the party of the open invoice whose ``reference`` (KID) equals the
   receipt's KID, on that invoice's control account;
2. otherwise the party a caller-supplied mapping gives for the KID or the
   payer's account;
3. otherwise the receipt is **unresolved**: it is kept in the plan with the
   reason, never dropped, for a clerk to handle.

Each entry's id is ``<prefix><bank reference>``, and the bank reference is
the same every time the same file is read: a receipt whose entry is already
in the ledger (or twice in one file) is reported as a **duplicate** and not
posted again. Nothing is posted until the caller applies the plan
(``ledger.apply(plan.events)``), so a clerk can look at it first.

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
...             booked=date(2025, 1, 15), kid="999999990"),
... ])
>>> [(e.id, e.party, e.amount) for e in plan.entries]
[('BANK-R-1', '10001', Money('-1250.00', 'NOK'))]
>>> [u.reason for u in plan.unresolved]
["no open invoice has KID '999999990', and no mapping names it"]
>>> ledger = ledger.apply(plan.events)
>>> again = plan_receipts(ledger, [Receipt(reference="R-1", amount=Decimal("1250.00"),
...                                        currency="NOK", booked=date(2025, 1, 15))])
>>> len(again.entries), len(again.duplicates)
(0, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import final

import attrs

from reskontro._gc import paused
from reskontro.entries import DEFAULT_ACCOUNTS, Entry, EntryKind, Side, SubAccount
from reskontro.events import EntryPosted
from reskontro.exceptions import ReskontroError
from reskontro.formats.camt054 import CamtFile
from reskontro.formats.ocr import OcrFile
from reskontro.ledger import Ledger
from reskontro.money import Money

__all__ = ["Receipt", "ReceiptPlan", "Unresolved", "plan_receipts", "receipts_from"]


@final
@attrs.frozen(kw_only=True)
class Receipt:
    """One incoming payment as the bank reported it, whatever the file format.

    Attributes:
        reference: the bank's reference, the same on every reading of the file.
        amount: the amount received (positive; a reversal or money out is negative).
        currency: its currency.
        booked: the booking (or Nets settlement) date.
        kid: the KID, if the payment carried one.
        text: free text from the payer, if any.
        payer_account: the payer's account, if the bank gave it.
        payer_name: the payer's name, if the bank gave it.
    """

    reference: str
    amount: Decimal
    currency: str
    booked: date
    kid: str | None = None
    text: str | None = None
    payer_account: str | None = None
    payer_name: str | None = None


def receipts_from(parsed: OcrFile | CamtFile) -> tuple[Receipt, ...]:
    """The receipts of a parsed OCR giro or camt.054 file.

    A camt.054 payment without a booking date takes its value date; one
    with neither is refused, since a ledger entry needs a date.

    >>> from reskontro.formats import OcrFile
    >>> receipts_from(OcrFile(data_transmitter="1", transmission_number="1",
    ...     data_recipient="1", nets_date=date(2025, 1, 1), assignments=()))
    ()
    """
    with paused():
        return _receipts(parsed)


def _receipts(parsed: OcrFile | CamtFile) -> tuple[Receipt, ...]:
    if isinstance(parsed, OcrFile):
        return tuple(
            Receipt(
                reference=p.bank_reference,
                amount=p.amount,
                currency="NOK",
                booked=p.nets_date,
                kid=p.kid,
                text=p.text,
                payer_account=p.payer_account,
            )
            for p in parsed.payments
        )
    receipts = []
    for p in parsed.payments:
        booked = p.booking_date or p.value_date
        if booked is None:
            raise ReskontroError(
                f"camt.054 payment {p.path} has no booking or value date",
                field="booking_date", value=p.path,
            )
        receipts.append(
            Receipt(
                reference=p.bank_reference,
                amount=p.signed_amount,
                currency=p.currency,
                booked=booked,
                kid=p.kid,
                text=p.text,
                payer_account=p.debtor_account,
                payer_name=p.debtor_name,
            )
        )
    return tuple(receipts)


@final
@attrs.frozen
class Unresolved:
    """A receipt the plan could not place, and why."""

    receipt: Receipt
    reason: str


@final
@attrs.frozen(kw_only=True)
class ReceiptPlan:
    """What importing receipts would post: entries, unresolved receipts, duplicates."""

    entries: tuple[Entry, ...]
    unresolved: tuple[Unresolved, ...]
    duplicates: tuple[Receipt, ...]

    @property
    def events(self) -> tuple[EntryPosted, ...]:
        """The plan as events, for ``ledger.apply(plan.events)``."""
        return tuple(EntryPosted(entry) for entry in self.entries)

    @property
    def total(self) -> Decimal:
        """The sum of the receipts the plan posts."""
        return sum((-e.value for e in self.entries), Decimal("0.00"))


def plan_receipts(
    ledger: Ledger,
    receipts: Iterable[Receipt],
    *,
    parties: Mapping[str, str] | None = None,
    prefix: str = "BANK-",
) -> ReceiptPlan:
    """Propose a payment entry for every receipt that can be placed; keep the rest.

    Args:
        ledger: the ledger the receipts are for (only read).
        receipts: the receipts, e.g. from :func:`receipts_from`.
        parties: a mapping from a KID or a payer's account to a customer
            number, for receipts no open invoice identifies.
        prefix: put before the bank reference to make the entry id.

    Returns:
        A :class:`ReceiptPlan`. Entries are dated on the booking date, carry
        the KID as their reference and the payer's text, and sit on the
        customer ledger, on the invoice's control account when an invoice
        identified them (else the default 1500).

    Complexity: O(n) for the ledger's open invoices (indexed once by KID) plus
    O(1) per receipt.
    """
    with paused():
        return _plan(ledger, receipts, parties or {}, prefix)


def _plan(
    ledger: Ledger, receipts: Iterable[Receipt], parties: Mapping[str, str], prefix: str
) -> ReceiptPlan:
    local = ledger.local_currency
    by_kid: dict[str, SubAccount] = {}
    ambiguous: set[str] = set()
    for item in ledger.open_items(side=Side.RECEIVABLE):
        reference = item.entry.reference
        if item.entry.kind is EntryKind.INVOICE and reference:
            found = by_kid.setdefault(reference, item.sub_account)
            if found != item.sub_account:
                ambiguous.add(reference)
    mapping = parties
    entries: list[Entry] = []
    unresolved: list[Unresolved] = []
    duplicates: list[Receipt] = []
    taken: set[str] = set()
    for receipt in receipts:
        entry_id = f"{prefix}{receipt.reference}"
        if entry_id in ledger or entry_id in taken:
            duplicates.append(receipt)
            continue
        if receipt.currency != local:
            unresolved.append(Unresolved(
                receipt, f"a {receipt.currency} receipt needs its {local} amount (exchange "
                         f"rates), which this import does not have"))
            continue
        if receipt.amount <= 0:
            unresolved.append(Unresolved(
                receipt, "not an incoming payment (money out or a reversal): book it by hand"))
            continue
        kid = receipt.kid
        sub: SubAccount | None = None
        if kid and kid in by_kid and kid not in ambiguous:
            sub = by_kid[kid]
        else:
            party = (mapping.get(kid) if kid else None) or (
                mapping.get(receipt.payer_account) if receipt.payer_account else None
            )
            if party is not None:
                sub = SubAccount(Side.RECEIVABLE, party, DEFAULT_ACCOUNTS[Side.RECEIVABLE])
        if sub is None:
            if kid and kid in ambiguous:
                reason = f"KID {kid!r} is on open invoices of several customers"
            elif kid:
                reason = f"no open invoice has KID {kid!r}, and no mapping names it"
            else:
                reason = "no KID, and no mapping names the payer's account"
            unresolved.append(Unresolved(receipt, reason))
            continue
        try:
            entry = Entry.payment(
                entry_id,
                party=sub.party,
                account=sub.account,
                amount=Money(-receipt.amount, local),
                posted=receipt.booked,
                reference=kid,
                text=receipt.text or receipt.payer_name or "",
            )
        except ReskontroError as error:
            unresolved.append(Unresolved(receipt, error.message))
            continue
        taken.add(entry_id)
        entries.append(entry)
    return ReceiptPlan(
        entries=tuple(entries), unresolved=tuple(unresolved), duplicates=tuple(duplicates)
    )
