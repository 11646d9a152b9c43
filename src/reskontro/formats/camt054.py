"""camt.054: the ISO 20022 debit/credit notification, read for its incoming payments.

Norwegian banks send a *BankToCustomerDebitCreditNotification* for the
payments booked to an account; KID payments typically arrive as one entry
(``Ntry``) holding a batch of transactions (``TxDtls``), each with its amount
and its KID in the structured creditor reference
(``RmtInf/Strd/CdtrRefInf/Ref``, usually typed ``SCOR``).

:func:`parse_camt054` reads every version 001.xx (.02, .04 and .08 are
tested) alike: it goes by local element names and reports the version from
the namespace. It parses through ``defusedxml``: a document with a DTD,
entity declarations or external references is refused (no "billion laughs",
no file or network access through XML). Malformed XML, a missing amount,
status or indicator, or an invalid date or amount raise
:class:`~reskontro.exceptions.FileFormatError` whose ``field`` is the element
path (``Ntfctn[1]/Ntry[1]/NtryDtls/TxDtls[2]/AmtDtls/TxAmt/Amt``).

Hostile input is refused with ``FileFormatError`` in bounded time and
memory: a document over :data:`MAX_DOCUMENT_BYTES`, nested deeper than
:data:`MAX_DEPTH`, with a text or attribute longer than
:data:`MAX_TEXT_LENGTH` or more than :data:`MAX_ELEMENTS` elements (checked
while it streams through the parser), an encoding not in :data:`ENCODINGS`,
bytes invalid in its encoding (``field`` ``"encoding"``, ``value`` the
offset), or non-ASCII digits in a count, amount or date.

The rules, per ISO 20022:

* The sign is ``CdtDbtInd`` alone. ``RvslInd`` marks an entry that reverses
  an earlier one and never turns the sign: ``CRDT`` with ``RvslInd`` is money
  in that undoes an earlier debit, ``DBIT`` with ``RvslInd`` money out that
  undoes an earlier credit (a returned payment).
* Only booked entries (``Sts`` ``BOOK``) are :attr:`CamtFile.payments`;
  pending (``PDNG``), information-only (``INFO``, ``FUTR``) and proprietary
  statuses go to :attr:`CamtFile.unbooked`, reported and never to be posted.
* The creditor reference (``RmtInf/Strd/CdtrRefInf/Ref``) is kept with its
  type (``Tp/CdOrPrtry/Cd`` or ``Prtry``). It is the KID only when it
  validates as one (MOD10 or MOD11) and is untyped or typed ``SCOR``; a
  proprietary reference (Swiss ``QRR``, ``ISR Reference``) or one failing
  the check digit is never a KID, and neither is any of several references
  in one transaction (they name several documents). Without any structured
  reference, a KID-looking number in the unstructured text (4 to 25 digits
  that pass MOD10 or MOD11) is taken and marked ``kid_from_text``.
* Each transaction's direction and currency must agree with its entry's, and
  a batch's ``NbOfTxs`` and ``TtlAmt`` (direction and currency included)
  with the transactions it lists. A mismatch raises ``FileFormatError``
  naming the element; with ``strict=False`` it is accepted and reported as a
  line in :attr:`CamtFile.warnings` (the transaction keeps its own sign).
* A transaction without its own amount takes the entry's when it is the
  entry's only transaction; otherwise it is an error.

>>> xml = '''<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
... <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr><Ntfctn>
... <Ntry><Amt Ccy="NOK">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
... <BookgDt><Dt>2025-01-15</Dt></BookgDt><AcctSvcrRef>R-1</AcctSvcrRef>
... <NtryDtls><TxDtls><Amt Ccy="NOK">1250.00</Amt>
... <RmtInf><Strd><CdtrRefInf><Ref>1234500009877</Ref></CdtrRefInf></Strd></RmtInf>
... </TxDtls></NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>'''
>>> (payment,) = parse_camt054(xml).payments
>>> payment.signed_amount, payment.kid, payment.booking_date, payment.status
(Decimal('1250.00'), '1234500009877', datetime.date(2025, 1, 15), 'BOOK')
>>> parse_camt054('<!DOCTYPE d [<!ENTITY a "x">]><Document/>')
Traceback (most recent call last):
...
reskontro.exceptions.FileFormatError: the document declares a DTD or entities, which ...
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Final, final

import attrs
import defusedxml
import defusedxml.ElementTree

from reskontro._gc import paused
from reskontro.exceptions import FileFormatError, ReskontroError, shorten
from reskontro.kid import is_valid
from reskontro.money import Money

__all__ = [
    "ENCODINGS",
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "MAX_ELEMENTS",
    "MAX_TEXT_LENGTH",
    "CamtFile",
    "CamtPayment",
    "parse_camt054",
]

#: The largest document read: 64 MiB (characters, for a ``str``). A day's
#: notification of a large biller (100 000 transactions of about 600 bytes)
#: fits many times over.
MAX_DOCUMENT_BYTES: Final = 64 * 1024 * 1024
#: The deepest element nesting: camt.054 itself needs about 15 levels.
MAX_DEPTH: Final = 64
#: The most characters of text in one element, and of one attribute value
#: (ISO 20022 allows at most 140 in a ``Ustrd`` line).
MAX_TEXT_LENGTH: Final = 65_536
#: The most elements in one document: the tree then takes at most about
#: 1 GiB (some 340 bytes an element), and a real file of 100 000
#: transactions of 20 elements each has 2 000 000.
MAX_ELEMENTS: Final = 3_000_000
#: The encodings a document may declare (by Python's codec name; aliases
#: such as ``UTF-8``, ``US-ASCII``, ``ISO-8859-1``, ``latin-1`` and
#: ``windows-1252`` are recognised): ISO 20022 prescribes UTF-8; the others
#: are the single-byte Latin encodings older bank exports use, and UTF-16
#: with a byte order mark. Any other declaration is refused.
ENCODINGS: Final = frozenset({"utf-8", "ascii", "iso8859-1", "iso8859-15", "cp1252", "utf-16"})
_CHUNK: Final = 1 << 20

_KID_IN_TEXT: Final = re.compile(r"(?<![0-9])[0-9]{3,24}[0-9-](?![0-9])")


@final
@attrs.frozen(kw_only=True)
class CamtPayment:
    """One transaction of a camt.054 notification.

    Attributes:
        amount: the amount as written (never negative).
        currency: its currency code.
        credit: ``True`` for money in (``CRDT``), ``False`` for money out:
            the transaction's own ``CdtDbtInd``, else its entry's.
        reversal: the entry reverses an earlier one (``RvslInd``); it never
            changes the sign.
        status: the entry status: ``BOOK`` for every member of
            :attr:`CamtFile.payments`; ``PDNG``, ``INFO``, ``FUTR``... in
            :attr:`CamtFile.unbooked`.
        booking_date, value_date: the entry's dates, if given.
        kid: the KID (structured reference, or found in the text), or ``None``.
        kid_from_text: the KID was found in the unstructured text, not given
            as a structured reference.
        text: the unstructured remittance text, lines joined by spaces.
        debtor_name, debtor_account: the payer, when the bank says.
        entry_reference: the bank's reference of the entry (``AcctSvcrRef``).
        transaction_reference: the bank's reference of the transaction.
        end_to_end_id: the payer's end-to-end id, if any.
        batch_size, batch_total: the entry's batch (``Btch``), if described.
        path: the element path of the transaction in the document.
        reference: the creditor reference as given (``CdtrRefInf/Ref``), KID
            or not, or ``None``.
        reference_type: its type as given (``SCOR``, or a proprietary code
            such as ``QRR`` or ``ISR``), ``None`` when untyped.
        references: every creditor reference of the transaction, in order
            (one payment may settle several documents); with more than one,
            none is taken as the KID.
    """

    amount: Decimal
    currency: str
    credit: bool
    reversal: bool
    status: str
    booking_date: date | None
    value_date: date | None
    kid: str | None
    kid_from_text: bool
    text: str | None
    debtor_name: str | None
    debtor_account: str | None
    entry_reference: str | None
    transaction_reference: str | None
    end_to_end_id: str | None
    batch_size: int | None
    batch_total: Decimal | None
    path: str
    reference: str | None = None
    reference_type: str | None = None
    references: tuple[str, ...] = ()

    @property
    def signed_amount(self) -> Decimal:
        """Positive for money in (``CRDT``), negative for money out (``DBIT``).

        The sign is ``CdtDbtInd`` alone: a reversal (``RvslInd``) never turns it.
        """
        return self.amount if self.credit else -self.amount

    @property
    def bank_reference(self) -> str:
        """The bank's references of entry and transaction: the same on a second import."""
        return f"{self.entry_reference or ''}/{self.transaction_reference or self.path}"


@final
@attrs.frozen(kw_only=True)
class CamtFile:
    """A parsed camt.054 document.

    Attributes:
        message_id, account: the message's id and the account notified.
        payments: the booked (``BOOK``) transactions, the only ones to post.
        unbooked: pending (``PDNG``) and information-only (``INFO``,
            ``FUTR``...) transactions: reported, never to be posted.
        warnings: inconsistencies accepted with ``strict=False``, one line each.
        version: the message version from the namespace (``"001.08"``), or
            ``None`` when the document has no camt.054 namespace.
    """

    message_id: str | None
    account: str | None
    payments: tuple[CamtPayment, ...]
    unbooked: tuple[CamtPayment, ...] = ()
    warnings: tuple[str, ...] = ()
    version: str | None = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_NAMESPACE: Final = re.compile(r"^\{urn:iso:std:iso:20022:tech:xsd:camt\.054\.(\d{3}\.\d{2})\}")


def _version(tag: str) -> str | None:
    found = _NAMESPACE.match(tag)
    return None if found is None else found.group(1)


class _Node:
    """An element with its path, and namespace-agnostic child lookups.

    Every element's children are indexed by local name once, on the first
    lookup (in *index*, shared by all nodes of one document), so any number
    of lookups costs O(children) in all, never O(children) each.
    """

    __slots__ = ("element", "index", "path")

    def __init__(
        self, element: ET.Element, path: str,
        index: dict[ET.Element, dict[str, list[ET.Element]]] | None = None,
    ) -> None:
        self.element = element
        self.path = path
        self.index = {} if index is None else index

    def _named(self, name: str) -> list[ET.Element]:
        by_name = self.index.get(self.element)
        if by_name is None:
            by_name = {}
            for child in self.element:
                by_name.setdefault(_local(child.tag), []).append(child)
            self.index[self.element] = by_name
        return by_name.get(name, [])

    def children(self, name: str) -> list[_Node]:
        found = self._named(name)
        if len(found) == 1:
            return [_Node(found[0], f"{self.path}/{name}", self.index)]
        return [
            _Node(e, f"{self.path}/{name}[{i}]", self.index)
            for i, e in enumerate(found, start=1)
        ]

    def first(self, name: str) -> _Node | None:
        found = self._named(name)
        if not found:
            return None
        suffix = "" if len(found) == 1 else "[1]"
        return _Node(found[0], f"{self.path}/{name}{suffix}", self.index)

    def find(self, *names: str) -> _Node | None:
        node: _Node | None = self
        for name in names:
            if node is None:
                return None
            node = node.first(name)
        return node

    def text(self, *names: str) -> str | None:
        node = self.find(*names)
        if node is None or node.element.text is None:
            return None
        return node.element.text.strip() or None

    def fail(self, message: str) -> FileFormatError:
        return FileFormatError(f"{self.path}: {message}", field=self.path)


def _amount(node: _Node | None, what: str, where: _Node) -> tuple[Decimal, str]:
    if node is None or node.element.text is None:
        raise where.fail(f"{what} is missing")
    currency = node.element.get("Ccy")
    if currency is None:
        raise node.fail("the amount has no Ccy attribute")
    try:
        money = Money(node.element.text.strip(), currency)
    except ReskontroError as error:
        raise node.fail(error.message) from None
    if money.amount < 0:
        raise node.fail(f"amounts are written without sign, got {money.amount}")
    return money.amount, money.currency


_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATE_TIME: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.+Z-]{1,40}")


def _date(node: _Node, *names: str) -> date | None:
    holder = node.find(*names)
    if holder is None:
        return None
    text = holder.text("Dt")
    pattern = _ISO_DATE
    if text is None:
        text = holder.text("DtTm")
        pattern = _ISO_DATE_TIME
    if text is None:
        return None
    try:
        if pattern.fullmatch(text) is None:  # ASCII digits only: never '２０２５'
            raise ValueError(text)
        return date.fromisoformat(text[:10])  # a DtTm's date part
    except ValueError:
        raise holder.fail(f"{shorten(text)} is not an ISO date") from None


def _indicator(node: _Node, default: bool | None) -> bool:
    value = node.text("CdtDbtInd")
    if value is None:
        if default is None:
            raise node.fail("CdtDbtInd is missing")
        return default
    if value not in ("CRDT", "DBIT"):
        raise node.fail(f"CdtDbtInd must be CRDT or DBIT, got {value!r}")
    return value == "CRDT"


def _is_kid(value: str) -> bool:
    return is_valid(value, "mod10") or is_valid(value, "mod11")


@attrs.frozen
class _Reference:
    """What the remittance information says: the creditor references, their types, the KID."""

    references: tuple[tuple[str, str | None], ...]
    kid: str | None
    kid_from_text: bool


def _reference(tx: _Node, text: str | None) -> _Reference:
    seen: dict[tuple[str, str | None], None] = {}  # ordered, and O(1) per lookup
    for structured in tx.children("RmtInf"):
        for strd in structured.children("Strd"):
            info = strd.find("CdtrRefInf")
            reference = None if info is None else info.text("Ref")
            if info is None or not reference:
                continue
            kind = info.text("Tp", "CdOrPrtry", "Cd") or info.text("Tp", "CdOrPrtry", "Prtry")
            seen.setdefault((reference, kind), None)
    found = list(seen)
    if len(found) == 1:
        ((reference, kind),) = found
        kid = reference if kind in (None, "SCOR") and _is_kid(reference) else None
        return _Reference(tuple(found), kid, False)
    if not found and text:
        for candidate in _KID_IN_TEXT.findall(text):
            if _is_kid(candidate):
                return _Reference((), candidate, True)
    # none, or several: a payment naming several references is not one KID's
    return _Reference(tuple(found), None, False)


class _Findings:
    """Where inconsistencies go: raised (strict) or kept as warning lines."""

    __slots__ = ("strict", "warnings")

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self.warnings: list[str] = []

    def mismatch(self, node: _Node, message: str) -> None:
        if self.strict:
            raise FileFormatError(
                f"{node.path}: {message} (parse with strict=False to accept and report it)",
                field=node.path,
            )
        self.warnings.append(f"{node.path}: {message}")


@attrs.frozen(kw_only=True)
class _Entry:
    """What an entry says for all its transactions."""

    amount: Decimal
    currency: str
    credit: bool
    reversal: bool
    status: str
    booking_date: date | None
    value_date: date | None
    reference: str | None
    single: bool


@attrs.frozen(kw_only=True)
class _Batch:
    """An entry's batch description (``NtryDtls/Btch``), as stated."""

    size: int | None
    total: Decimal | None


_NO_BATCH: Final = _Batch(size=None, total=None)


def _direction(credit: bool) -> str:
    return "CRDT" if credit else "DBIT"


def _payment(
    entry: _Node, tx: _Node | None, context: _Entry, batch: _Batch, findings: _Findings
) -> CamtPayment:
    node = tx or entry
    if tx is None:
        amount, currency, credit = context.amount, context.currency, context.credit
    else:
        amount_node = tx.find("AmtDtls", "TxAmt", "Amt") or tx.find("Amt")
        if amount_node is None:
            if not context.single:
                raise tx.fail(
                    "the transaction has no amount (AmtDtls/TxAmt/Amt or Amt), and the entry "
                    "holds more than one transaction to share its amount"
                )
            amount, currency = context.amount, context.currency
        else:
            amount, currency = _amount(amount_node, "Amt", tx)
            if currency != context.currency:
                findings.mismatch(
                    amount_node,
                    f"the transaction is in {currency}, its entry in {context.currency}",
                )
        credit = _indicator(tx, context.credit)
        if credit != context.credit:
            indicator = tx.find("CdtDbtInd")
            findings.mismatch(
                indicator or tx,
                f"the transaction is {_direction(credit)}, its entry "
                f"{_direction(context.credit)}",
            )
    lines = [
        (u.element.text or "").strip()
        for r in node.children("RmtInf")
        for u in r.children("Ustrd")
    ]
    text = " ".join(line for line in lines if line) or None
    reference = _reference(node, text)
    debtor = node.find("RltdPties", "Dbtr")
    account = node.find("RltdPties", "DbtrAcct", "Id")
    return CamtPayment(
        amount=amount,
        currency=currency,
        credit=credit,
        reversal=context.reversal,
        status=context.status,
        booking_date=context.booking_date,
        value_date=context.value_date,
        kid=reference.kid,
        kid_from_text=reference.kid_from_text,
        reference=reference.references[0][0] if reference.references else None,
        reference_type=reference.references[0][1] if reference.references else None,
        references=tuple(ref for ref, _ in reference.references),
        text=text,
        debtor_name=None if debtor is None else (debtor.text("Nm") or debtor.text("Pty", "Nm")),
        debtor_account=None if account is None else (account.text("IBAN")
                                                       or account.text("Othr", "Id")),
        entry_reference=context.reference,
        transaction_reference=None if tx is None else tx.text("Refs", "AcctSvcrRef"),
        end_to_end_id=None if tx is None else tx.text("Refs", "EndToEndId"),
        batch_size=batch.size,
        batch_total=batch.total,
        path=node.path,
    )


def _batch(details: _Node, context: _Entry, findings: _Findings) -> tuple[_Batch, bool | None]:
    """The batch of one ``NtryDtls`` as stated, and its direction (``None`` when not stated)."""
    batch = details.find("Btch")
    if batch is None:
        return _NO_BATCH, None
    size = total = None
    count = batch.text("NbOfTxs")
    if count is not None:
        if not (count.isascii() and count.isdigit()):
            raise batch.fail(f"NbOfTxs must be a number, got {count!r}")
        size = int(count)
    total_node = batch.find("TtlAmt")
    if total_node is not None:
        total, currency = _amount(total_node, "TtlAmt", batch)
        if currency != context.currency:
            findings.mismatch(
                total_node, f"the batch total is in {currency}, its entry in {context.currency}"
            )
    credit = _indicator(batch, context.credit) if batch.find("CdtDbtInd") else None
    return _Batch(size=size, total=total), credit


def _check_batch(
    details: _Node, batch: _Batch, credit: bool, payments: list[CamtPayment],
    findings: _Findings,
) -> None:
    """A batch's stated count and total against its transactions (when they are listed)."""
    if batch.size is not None and batch.size != len(payments):
        findings.mismatch(
            details.find("Btch", "NbOfTxs") or details,
            f"NbOfTxs says {batch.size} transactions, the batch lists {len(payments)}",
        )
    if batch.total is not None:
        counted = sum(
            (p.amount if p.credit == credit else -p.amount for p in payments), Decimal("0")
        )
        if counted != batch.total:
            findings.mismatch(
                details.find("Btch", "TtlAmt") or details,
                f"TtlAmt says {batch.total} {_direction(credit)}, the transactions add up "
                f"to {counted}",
            )


def _reversal(entry: _Node) -> bool:
    value = entry.text("RvslInd")
    if value is None:
        return False
    if value not in ("true", "false", "1", "0"):
        raise entry.fail(f"RvslInd must be true or false, got {value!r}")
    return value in ("true", "1")


def _entry_payments(entry: _Node, findings: _Findings) -> list[CamtPayment]:
    status = entry.text("Sts") or entry.text("Sts", "Cd") or entry.text("Sts", "Prtry")
    amount, currency = _amount(entry.find("Amt"), "Amt", entry)
    details = [
        (node, node.children("TxDtls")) for node in entry.children("NtryDtls")
    ]
    context = _Entry(
        amount=amount,
        currency=currency,
        credit=_indicator(entry, None),
        reversal=_reversal(entry),
        status=status or "",
        booking_date=_date(entry, "BookgDt"),
        value_date=_date(entry, "ValDt"),
        reference=entry.text("AcctSvcrRef") or entry.text("NtryRef"),
        single=sum(len(transactions) for _, transactions in details) == 1,
    )
    payments: list[CamtPayment] = []
    for node, transactions in details:
        batch, batch_credit = _batch(node, context, findings)
        if not transactions:
            continue
        listed = [_payment(entry, tx, context, batch, findings) for tx in transactions]
        _check_batch(
            node, batch, context.credit if batch_credit is None else batch_credit, listed,
            findings,
        )
        payments.extend(listed)
    if not payments:
        batch = _batch(details[0][0], context, findings)[0] if details else _NO_BATCH
        payments.append(_payment(entry, None, context, batch, findings))
    if status is None:
        raise entry.fail("Sts is missing: without a status the entry cannot be booked")
    return payments


def _NO_POSITION() -> tuple[int, int]:  # noqa: N802 - a constant function
    return (1, 0)


class _Limited:
    """The parser's target: builds the tree through a ``TreeBuilder``, enforcing the limits.

    The limits are checked as the parser reports each start tag and piece of
    text, so a document that breaks one is refused before it is all read.
    """

    def __init__(self) -> None:
        self.builder = ET.TreeBuilder()
        self.depth = 0
        self.elements = 0
        self.text = 0
        self.position: Callable[[], tuple[int, int]] = _NO_POSITION

    def refuse(self, message: str, field: str, value: object = None) -> FileFormatError:
        line, column = self.position()
        return FileFormatError(
            f"{message} (column {column})", line=line, field=field, value=value
        )

    def start(self, tag: str, attrib: dict[str, str]) -> ET.Element:
        self.depth += 1
        self.elements += 1
        self.text = 0
        if self.depth > MAX_DEPTH:
            raise self.refuse(
                f"elements nested deeper than {MAX_DEPTH} levels (MAX_DEPTH)", "depth",
                self.depth,
            )
        if self.elements > MAX_ELEMENTS:
            raise self.refuse(
                f"more than {MAX_ELEMENTS} elements (MAX_ELEMENTS)", "elements", self.elements
            )
        for name, value in attrib.items():
            if len(value) > MAX_TEXT_LENGTH:
                raise self.refuse(
                    f"attribute {shorten(_local(name))} of {shorten(_local(tag))} has "
                    f"{len(value)} characters, more than {MAX_TEXT_LENGTH} (MAX_TEXT_LENGTH)",
                    _local(tag), len(value),
                )
        return self.builder.start(tag, attrib)

    def end(self, tag: str) -> ET.Element:
        self.depth -= 1
        self.text = 0
        return self.builder.end(tag)

    def data(self, data: str) -> None:
        self.text += len(data)
        if self.text > MAX_TEXT_LENGTH:
            raise self.refuse(
                f"a text of more than {MAX_TEXT_LENGTH} characters (MAX_TEXT_LENGTH)",
                "text", self.text,
            )
        self.builder.data(data)

    def close(self) -> ET.Element:
        return self.builder.close()


_DECLARATION: Final = re.compile(
    rb"""\A\s*<\?xml\s[^>]{0,200}?encoding\s*=\s*["']([^"']{0,40})["']"""
)
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),  # before UTF-16 LE, whose mark it starts with
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _declared(head: bytes) -> str | None:
    found = _DECLARATION.match(head)
    return None if found is None else found.group(1).decode("ascii", "replace")


def _encoding(data: bytes) -> str:
    """The document's encoding (a codec name from ``ENCODINGS``), from its mark and declaration."""
    marked = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    head = data[:400]
    if marked == "utf-16":
        head = head.decode("utf-16", "replace").encode("ascii", "replace")
    elif marked == "utf-8":
        head = head[len(codecs.BOM_UTF8) :]
    declared = _declared(head)
    name = declared or marked or "utf-8"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        codec = None
    if codec not in ENCODINGS:
        raise FileFormatError(
            f"encoding {shorten(name)} is not supported: a camt.054 document is UTF-8 "
            f"(also read: ISO-8859-1, ISO-8859-15, Windows-1252, US-ASCII, UTF-16)",
            line=1, field="encoding", value=name,
        )
    if marked is not None and codec != marked:
        raise FileFormatError(
            f"the byte order mark says {marked}, the declaration {shorten(name)}",
            line=1, field="encoding", value=name,
        )
    return codec


def _check_decodes(data: bytes, codec: str) -> None:
    """Refuse bytes that are not valid in *codec*, naming the first bad byte (in bounded memory)."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    for offset in range(0, len(data), _CHUNK):
        try:
            decoder.decode(data[offset : offset + _CHUNK], final=offset + _CHUNK >= len(data))
        except UnicodeDecodeError as error:
            position = offset + error.start
            raise FileFormatError(
                f"byte {position} ({data[position:position + 1]!r}) is not valid {codec}",
                field="encoding", value=position,
            ) from None


def _parse_xml(data: str | bytes) -> ET.Element:
    """The document's root element, read within the limits and through ``defusedxml``."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FileFormatError(
            f"the document has {len(data)} {'bytes' if isinstance(data, bytes) else 'characters'}"
            f", more than {MAX_DOCUMENT_BYTES} (MAX_DOCUMENT_BYTES)",
            field="document", value=len(data),
        )
    if isinstance(data, bytes):
        _check_decodes(data, _encoding(data))
    else:
        declared = _declared(data[:400].encode("ascii", "replace"))
        if declared is not None:
            _encoding(data[:400].encode("utf-8", "replace"))
    target = _Limited()
    parser = defusedxml.ElementTree.DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    expat = parser.parser
    target.position = lambda: (expat.CurrentLineNumber, expat.CurrentColumnNumber)
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(data[offset : offset + _CHUNK])
        root: ET.Element = parser.close()
    except FileFormatError:  # a limit, from the target
        raise
    except defusedxml.DefusedXmlException as error:
        raise FileFormatError(
            f"the document declares a DTD or entities, which camt.054 never needs; "
            f"refused ({type(error).__name__})",
            field="DOCTYPE",
        ) from None
    except ET.ParseError as error:
        line, column = getattr(error, "position", (None, None))
        raise FileFormatError(
            f"malformed XML: {error}", line=line, field=f"line {line}, column {column}"
        ) from None
    except (ValueError, LookupError) as error:  # e.g. a multi-byte encoding, a lone surrogate
        raise FileFormatError(
            f"unreadable XML: {shorten(str(error), 120)}", field="document"
        ) from None
    finally:
        target.position = _NO_POSITION  # no cycle of parser, target and closure left behind
    return root


def parse_camt054(data: str | bytes, *, strict: bool = True) -> CamtFile:
    """Parse a camt.054 document (any version 001.xx) into its payments.

    Args:
        data: the document's content.
        strict: refuse an inconsistency between a transaction and its entry
            or a batch and its transactions (the default); ``False`` accepts
            it and reports it in :attr:`CamtFile.warnings`.

    Raises:
        FileFormatError: the XML is malformed, declares a DTD or entities,
            breaks a limit (size, depth, text length, element count,
            encoding), is not a debit/credit notification, an entry's amount, status,
            date or indicator is missing or invalid, or (strict) the
            transactions disagree with their entry or batch (``field`` is the
            element path).

    Complexity: one pass over the document, O(elements).
    """
    if not isinstance(data, (str, bytes)):
        raise FileFormatError(
            f"a camt.054 document is bytes or str, got {type(data).__name__}",
            field="data", value=type(data).__name__,
        )
    with paused():  # a large tree holds no cycles: the collector would only walk it again
        return _parse_document(_parse_xml(data), strict=strict)


def _parse_document(root: ET.Element, *, strict: bool) -> CamtFile:
    document = _Node(root, _local(root.tag))
    if _local(root.tag) != "Document":
        raise document.fail("the root element must be Document")
    message = document.find("BkToCstmrDbtCdtNtfctn")
    if message is None:
        raise document.fail("no BkToCstmrDbtCdtNtfctn: not a camt.054 notification")
    payments: list[CamtPayment] = []
    unbooked: list[CamtPayment] = []
    findings = _Findings(strict=strict)
    account = None
    for notification in message.children("Ntfctn"):
        account = account or notification.text("Acct", "Id", "IBAN") or notification.text(
            "Acct", "Id", "Othr", "Id"
        )
        for entry in notification.children("Ntry"):
            for payment in _entry_payments(entry, findings):
                (payments if payment.status == "BOOK" else unbooked).append(payment)
    return CamtFile(
        message_id=message.text("GrpHdr", "MsgId"),
        account=account,
        payments=tuple(payments),
        unbooked=tuple(unbooked),
        warnings=tuple(findings.warnings),
        version=_version(root.tag),
    )
