"""OCR giro: the Nets file of incoming KID payments, parsed strictly.

An OCR giro file is a *transmission* (records 10 ... 89) of one or more
*assignments* (records 20 ... 88), one per agreement and account, each
holding *transactions*: amount item 1 (record 30: date, amount, KID), amount
item 2 (record 31: bank date, payer's account, archive reference) and, for
transaction types 20 and 21, amount item 3 (record 32: free text). Every
record is 80 characters; amounts are in øre, dates DDMMYY; the file is
ISO-8859-1 with CRLF or LF line ends.

:func:`parse_ocr` checks everything the format lets it check: record length
and prefix, record order and pairing, transaction types and numbers (the
items of one transaction agree; numbers rise within an assignment), dates,
digits, the KID field, and the counts, totals and first and last dates of
every end record. Any violation raises
:class:`~reskontro.exceptions.FileFormatError` naming the line and field.
A file over :data:`MAX_FILE_BYTES` or :data:`MAX_RECORDS`, a record with a
control character or (in a ``str``) a character beyond ISO-8859-1, and a
non-ASCII digit in any numeric field are refused the same way. Only OCR
giro (service code 09) assignments are read; an AvtaleGiro
assignment (21) in the same transmission is refused as such.

Amounts come out as ``Decimal`` NOK with the sign applied (a ``-`` in the
sign field marks an electronic credit note, so its amount is negative). An
end record's total may be the sum with signs applied or the sum of the
amount fields as written: both occur in real files, and either is accepted.
An end record whose earliest or latest Nets date disagrees with its
transactions while counts and totals agree is accepted with a line in
:attr:`OcrFile.warnings`; ``strict=True`` refuses it. Reversal records
(transaction types 18 and 20) are flagged by :attr:`OcrPayment.reversal`.
Two-digit years 00-79 are read as 2000-2079 and 80-99 as 1980-1999.

>>> text = "\\r\\n".join([
...     "NY000010000080800000001001234560000000000000000000000000000000000000000000000000",
...     "NY090020001234567000000186011117947000000000000000000000000000000000000000000000",
...     "NY09103000000011501250115100001000000000000125000            1234500009877000000",
...     "NY091031000000100000000001234567890000000140125123456789030000000000000000000000",
...     "NY090088000000010000000400000000000125000150125150125150125000000000000000000000",
...     "NY000089000000010000000600000000000125000150125000000000000000000000000000000000",
... ])
>>> (payment,) = parse_ocr(text).payments
>>> payment.amount, payment.kid, payment.nets_date, payment.payer_account
(Decimal('1250.00'), '1234500009877', datetime.date(2025, 1, 15), '12345678903')
>>> parse_ocr(text.replace("00000000000125000", "00000000000125001", 1))
Traceback (most recent call last):
...
reskontro.exceptions.FileFormatError: line 5: total amount 125000 øre ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Final, final

import attrs

from reskontro._gc import paused
from reskontro.exceptions import FileFormatError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_RECORDS",
    "RECORD_LENGTH",
    "OcrAssignment",
    "OcrFile",
    "OcrPayment",
    "parse_ocr",
]

RECORD_LENGTH: Final = 80
#: The largest file read: 64 MiB (characters, for a ``str``), some 780 000
#: records with CRLF line ends.
MAX_FILE_BYTES: Final = 64 * 1024 * 1024
#: The most records in one file: 700 000, at least 233 000 payments (a
#: payment has two or three records).
MAX_RECORDS: Final = 700_000
#: Characters an ISO-8859-1 record never holds: the C0 and C1 control
#: characters and DEL (a line end is CR LF or LF, never part of a record).
_CONTROL: Final = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Transaction types and their meaning (Nets, System specification OCR giro).
TRANSACTION_TYPES: Final = {
    10: "giro debited account",
    11: "standing order",
    12: "direct remittance",
    13: "business terminal giro",
    14: "counter giro",
    15: "AvtaleGiro",
    16: "telegiro (netbank)",
    17: "giro paid in cash",
    18: "reversal with KID",
    19: "purchase with KID",
    20: "reversal with free text",
    21: "purchase with free text",
}
_TEXT_TYPES: Final = frozenset({20, 21})
_REVERSAL_TYPES: Final = frozenset({18, 20})
_CENT: Final = Decimal("0.01")


@final
@attrs.frozen(kw_only=True)
class OcrPayment:
    """One OCR giro transaction (amount items 1, 2 and, for types 20/21, 3).

    Attributes:
        transaction_type: 10-21 (see ``TRANSACTION_TYPES``).
        transaction_number: the number within its assignment.
        nets_date: the Nets (settlement) date.
        amount: NOK, the sign applied (negative for an electronic credit note).
        kid: the KID as a string (leading zeros kept), or ``None`` when blank.
        centre_id, day_code, partial_settlement, serial_number: the bank's
            reference; payments with the same partial settlement and serial
            number are one line on the bank statement.
        form_number: the giro form number (``None`` when zeros).
        archive_reference: the archive reference or payer's agreement id.
        bank_date: the bank (order) date, or ``None`` when zeros.
        payer_account: the payer's account, or ``None`` when unknown.
        text: the free text of types 20 and 21, else ``None``.
        agreement_id, assignment_account: the assignment the payment came in.
        line: the line number of the payment's first record.
    """

    transaction_type: int
    transaction_number: int
    nets_date: date
    amount: Decimal
    kid: str | None
    centre_id: str
    day_code: str
    partial_settlement: str
    serial_number: str
    form_number: str | None
    archive_reference: str
    bank_date: date | None
    payer_account: str | None
    text: str | None
    agreement_id: str
    assignment_account: str
    line: int

    @property
    def reversal(self) -> bool:
        """The record reverses an earlier payment (transaction types 18 and 20)."""
        return self.transaction_type in _REVERSAL_TYPES

    @property
    def bank_reference(self) -> str:
        """A reference unique to this payment in Nets' files: date, centre, settlement, number.

        Importing the same file twice gives the same references, which is how
        a second import is recognised.
        """
        return (
            f"{self.nets_date:%Y%m%d}-{self.centre_id}{self.day_code}"
            f"{self.partial_settlement}{self.serial_number}-{self.agreement_id}"
            f"-{self.transaction_number:07d}"
        )


@final
@attrs.frozen(kw_only=True)
class OcrAssignment:
    """One assignment (oppdrag): the payments to one agreement and account."""

    agreement_id: str
    assignment_number: str
    account: str
    nets_date: date
    payments: tuple[OcrPayment, ...]

    @property
    def total(self) -> Decimal:
        """The sum of the assignment's payments, signs applied."""
        return sum((p.amount for p in self.payments), Decimal("0.00"))


@final
@attrs.frozen(kw_only=True)
class OcrFile:
    """A parsed OCR giro transmission.

    ``warnings`` holds what was accepted but is not as the specification
    says (an end record's earliest or latest date), one line each.
    """

    data_transmitter: str
    transmission_number: str
    data_recipient: str
    nets_date: date
    assignments: tuple[OcrAssignment, ...]
    warnings: tuple[str, ...] = ()

    @property
    def payments(self) -> tuple[OcrPayment, ...]:
        """Every payment of every assignment, in file order."""
        return tuple(p for a in self.assignments for p in a.payments)

    @property
    def total(self) -> Decimal:
        """The sum of all payments, signs applied."""
        return sum((a.total for a in self.assignments), Decimal("0.00"))


class _Record:
    """One 80-character record and its line number, with checked field readers."""

    __slots__ = ("line", "text")

    def __init__(self, line: int, text: str) -> None:
        self.line = line
        self.text = text

    def fail(self, message: str, field: str, value: object = None) -> FileFormatError:
        return FileFormatError(message, line=self.line, field=field, value=value)

    def raw(self, start: int, end: int) -> str:
        """Positions *start* to *end*, 1-based and inclusive, as the specification counts."""
        return self.text[start - 1 : end]

    def digits(self, start: int, end: int, field: str) -> str:
        value = self.raw(start, end)
        if not (value.isascii() and value.isdigit()):
            raise self.fail(f"{field} must be digits, got {value!r}", field, value)
        return value

    def number(self, start: int, end: int, field: str) -> int:
        return int(self.digits(start, end, field))

    def day(self, start: int, end: int, field: str, *, optional: bool = False) -> date | None:
        value = self.digits(start, end, field)
        if optional and value == "000000":
            return None
        day, month, year = int(value[:2]), int(value[2:4]), int(value[4:])
        try:
            return date(year + (2000 if year < 80 else 1900), month, day)
        except ValueError:
            raise self.fail(f"{field} {value!r} is not a DDMMYY date", field, value) from None

    def required_date(self, start: int, end: int, field: str) -> date:
        found = self.day(start, end, field)
        if found is None:  # pragma: no cover - date() returns None only when optional
            raise self.fail(f"{field} is missing", field)
        return found

    def expect(self, start: int, end: int, wanted: str, field: str) -> None:
        value = self.raw(start, end)
        if value != wanted:
            raise self.fail(f"{field} must be {wanted!r}, got {value!r}", field, value)


def _records(data: str | bytes) -> Iterator[_Record]:
    if not isinstance(data, (bytes, str)):
        raise FileFormatError(
            f"an OCR giro file is bytes or str, got {type(data).__name__}",
            field="data", value=type(data).__name__,
        )
    if len(data) > MAX_FILE_BYTES:
        raise FileFormatError(
            f"the file has {len(data)} {'bytes' if isinstance(data, bytes) else 'characters'}"
            f", more than {MAX_FILE_BYTES} (MAX_FILE_BYTES)",
            field="file", value=len(data),
        )
    text = data.decode("iso-8859-1") if isinstance(data, bytes) else data
    if not text:
        raise FileFormatError("the file is empty", line=1, field="record")
    end = len(text) - 1 if text.endswith("\n") else len(text)
    start = number = 0
    last = False
    while not last:  # line by line, never a list of every line in memory
        number += 1
        stop = text.find("\n", start, end)
        last = stop < 0
        stop = end if last else stop
        line = text[start : stop - 1 if stop > start and text[stop - 1] == "\r" else stop]
        start = stop + 1
        if number > MAX_RECORDS:
            raise FileFormatError(
                f"more than {MAX_RECORDS} records (MAX_RECORDS)", line=number, field="record",
                value=number,
            )
        if len(line) != RECORD_LENGTH:
            raise FileFormatError(
                f"a record has {RECORD_LENGTH} characters, this one {len(line)}",
                line=number, field="record", value=line,
            )
        if not line.startswith("NY"):
            raise FileFormatError(
                f"a record starts with 'NY', this one with {line[:2]!r}",
                line=number, field="format_code", value=line[:2],
            )
        bad = _CONTROL.search(line)
        if bad is not None or (not line.isascii() and max(line) > "\xff"):
            character = bad.group() if bad is not None else max(line)
            raise FileFormatError(
                f"character {character!r} at position {line.index(character) + 1} is not "
                f"text in ISO-8859-1: is the file in another encoding?",
                line=number, field="encoding", value=character,
            )
        yield _Record(number, line)


def _kid(record: _Record) -> str | None:
    value = record.raw(50, 74)
    kid = value.strip(" ")
    if not kid:
        return None
    body = kid[:-1]
    if value.rstrip(" ") != value or not (
        (not body or (body.isascii() and body.isdigit()))
        and (kid[-1] in "0123456789" or (kid[-1] == "-" and body))
    ):
        raise record.fail(
            f"the KID field must be digits (a MOD11 KID may end in '-'), right-aligned: "
            f"{value!r}", "kid", value,
        )
    return kid


def _optional(value: str) -> str | None:
    return None if value.strip("0") == "" else value


class _Parser:
    """Walks the records once, checking order, pairing, counts and totals."""

    def __init__(self, data: str | bytes, *, strict: bool) -> None:
        self.records = _records(data)
        self.last = 0
        self.strict = strict
        self.warnings: list[str] = []

    def next(self, expected: str) -> _Record:
        record = next(self.records, None)
        if record is None:
            raise FileFormatError(
                f"the file ends where {expected} was expected", line=self.last + 1,
                field="record_type",
            )
        self.last = record.line
        return record

    def parse(self) -> OcrFile:
        start = self.next("the start of transmission (record 10)")
        start.expect(1, 8, "NY000010", "start of transmission")
        assignments: list[OcrAssignment] = []
        records = 1
        unsigned_sum = signed_sum = 0
        while True:
            record = self.next("an assignment (record 20) or the end of transmission (89)")
            kind = record.raw(7, 8)
            if kind == "20":
                assignment, count, unsigned, signed = self.assignment(record)
                assignments.append(assignment)
                records += count
                unsigned_sum += unsigned
                signed_sum += signed
                continue
            if kind != "89":
                raise record.fail(
                    f"record type {kind!r} where an assignment (20) or the end of "
                    f"transmission (89) belongs", "record_type", kind,
                )
            record.expect(1, 8, "NY000089", "end of transmission")
            records += 1
            transactions = sum(len(a.payments) for a in assignments)
            self.check_count(record, 9, 16, transactions, "number of transactions")
            self.check_count(record, 17, 24, records, "number of records")
            self.check_total(record, unsigned_sum, signed_sum)
            end_date = record.required_date(42, 47, "Nets date")
            break
        extra = next(self.records, None)
        if extra is not None:
            raise extra.fail("a record after the end of transmission", "record_type")
        return OcrFile(
            data_transmitter=start.digits(9, 16, "data transmitter"),
            transmission_number=start.digits(17, 23, "transmission number"),
            data_recipient=start.digits(24, 31, "data recipient"),
            nets_date=end_date,
            assignments=tuple(assignments),
            warnings=tuple(self.warnings),
        )

    def assignment(self, start: _Record) -> tuple[OcrAssignment, int, int, int]:
        service = start.raw(3, 4)
        if service != "09":
            raise start.fail(
                f"service code {service!r} is not OCR giro (09)"
                + (" but AvtaleGiro" if service == "21" else ""),
                "service_code", service,
            )
        start.expect(1, 8, "NY090020", "start of assignment")
        agreement = start.digits(9, 17, "agreement id")
        account = start.digits(25, 35, "assignment account")
        payments: list[OcrPayment] = []
        records = 1
        unsigned_sum = signed_sum = 0
        while True:
            record = self.next("a transaction (record 30) or the end of assignment (88)")
            kind = record.raw(7, 8)
            if kind == "30":
                payment, count, field = self.payment(record, agreement, account)
                if payments and payment.transaction_number <= payments[-1].transaction_number:
                    raise record.fail(
                        f"transaction number {payment.transaction_number} does not follow "
                        f"{payments[-1].transaction_number}",
                        "transaction_number", payment.transaction_number,
                    )
                payments.append(payment)
                records += count
                unsigned_sum += field
                signed_sum += -field if payment.amount < 0 else field
                continue
            if kind != "88":
                raise record.fail(
                    f"record type {kind!r} where a transaction (30) or the end of "
                    f"assignment (88) belongs", "record_type", kind,
                )
            record.expect(1, 8, "NY090088", "end of assignment")
            records += 1
            self.check_count(record, 9, 16, len(payments), "number of transactions")
            self.check_count(record, 17, 24, records, "number of records")
            self.check_total(record, unsigned_sum, signed_sum)
            dates = [p.nets_date for p in payments]
            for start_pos, end_pos, wanted, name in (
                (48, 53, min(dates, default=None), "earliest Nets date"),
                (54, 59, max(dates, default=None), "latest Nets date"),
            ):
                found = record.day(start_pos, end_pos, name, optional=True)
                if wanted is not None and found != wanted:
                    message = f"{name} {found} does not match the transactions' {wanted}"
                    if self.strict:
                        raise record.fail(message, name.replace(" ", "_").lower(), found)
                    self.warnings.append(
                        f"line {record.line}: {message}; counts and totals agree, accepted"
                    )
            assignment = OcrAssignment(
                agreement_id=agreement,
                assignment_number=start.digits(18, 24, "assignment number"),
                account=account,
                nets_date=record.required_date(42, 47, "Nets date"),
                payments=tuple(payments),
            )
            return assignment, records, unsigned_sum, signed_sum

    def payment(
        self, item1: _Record, agreement: str, account: str
    ) -> tuple[OcrPayment, int, int]:
        item1.expect(1, 4, "NY09", "service code")
        kind = item1.number(5, 6, "transaction type")
        if kind not in TRANSACTION_TYPES:
            raise item1.fail(f"transaction type {kind} is not 10-21", "transaction_type", kind)
        number = item1.number(9, 15, "transaction number")
        sign = item1.raw(32, 32)
        if sign not in ("0", "-"):
            raise item1.fail(f"sign must be '0' or '-', got {sign!r}", "sign", sign)
        field_value = item1.number(33, 49, "amount")
        amount = (Decimal(field_value) * _CENT).quantize(_CENT)
        item2 = self.next(f"amount item 2 (record 31) of transaction {number}")
        self.check_item(item2, "31", kind, number)
        text = None
        records = 2
        if kind in _TEXT_TYPES:
            item3 = self.next(f"amount item 3 (record 32) of transaction {number}")
            self.check_item(item3, "32", kind, number)
            text = item3.raw(16, 55).rstrip(" ")
            records = 3
        payment = OcrPayment(
            transaction_type=kind,
            transaction_number=number,
            nets_date=item1.required_date(16, 21, "Nets date"),
            amount=-amount if sign == "-" else amount,
            kid=_kid(item1),
            centre_id=item1.digits(22, 23, "centre id"),
            day_code=item1.digits(24, 25, "day code"),
            partial_settlement=item1.digits(26, 26, "partial settlement number"),
            serial_number=item1.digits(27, 31, "serial number"),
            form_number=_optional(item2.digits(16, 25, "form number")),
            archive_reference=item2.raw(26, 34),
            bank_date=item2.day(42, 47, "bank date", optional=True),
            payer_account=_optional(item2.digits(48, 58, "debit account")),
            text=text,
            agreement_id=agreement,
            assignment_account=account,
            line=item1.line,
        )
        return payment, records, field_value

    @staticmethod
    def check_item(record: _Record, kind: str, transaction_type: int, number: int) -> None:
        found = record.raw(7, 8)
        if found != kind:
            raise record.fail(
                f"record type {found!r} where amount item {int(kind) - 29} ({kind}) of "
                f"transaction {number} belongs", "record_type", found,
            )
        record.expect(1, 6, f"NY09{transaction_type:02d}", "transaction type")
        found_number = record.number(9, 15, "transaction number")
        if found_number != number:
            raise record.fail(
                f"transaction number {found_number} in an item of transaction {number}",
                "transaction_number", found_number,
            )

    @staticmethod
    def check_count(record: _Record, start: int, end: int, counted: int, name: str) -> None:
        stated = record.number(start, end, name)
        if stated != counted:
            raise record.fail(
                f"{name} {stated} in the end record, but the file has {counted}",
                name.replace(" ", "_"), stated,
            )

    @staticmethod
    def check_total(record: _Record, unsigned: int, signed: int) -> None:
        """The stated total is the sum with signs applied, or the sum of the amounts as written.

        Both occur in real files: Nets' own sample nets credit notes off,
        other senders add every amount field up as written.
        """
        stated = record.number(25, 41, "total amount")
        if stated not in (unsigned, signed):
            counted = (
                f"{signed} øre with signs applied and {unsigned} øre as written"
                if signed != unsigned else f"{unsigned} øre"
            )
            raise record.fail(
                f"total amount {stated} øre in the end record, but the transactions add "
                f"up to {counted}", "total_amount", stated,
            )


def parse_ocr(data: str | bytes, *, strict: bool = False) -> OcrFile:
    """Parse an OCR giro file (its content, as ``bytes`` in ISO-8859-1 or as ``str``).

    Args:
        data: the file's content.
        strict: refuse an end record whose earliest or latest date disagrees
            with its transactions; by default that is a warning on the result.

    Raises:
        FileFormatError: the content breaks the format; ``line`` and ``field``
            say where.

    Complexity: one pass, O(records).
    """
    with paused():
        return _Parser(data, strict=strict).parse()
