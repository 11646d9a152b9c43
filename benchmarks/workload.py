"""A deterministic, seeded workload for the reskontro benchmarks.

The generator produces a customer ledger (kundereskontro) as **raw rows**:
plain tuples of ``str``, :class:`~decimal.Decimal`, :class:`~datetime.date`
and ``None``, never reskontro objects. The benchmark builds reskontro entries
from these rows and the hand-written baseline validates the very same rows, so
both start from identical input.

What it makes, for a target number of entries ``n``:

* ``parties`` customers (10 000 by default), numbered ``"10000"``, ``"10001"``...
* invoices (``F<n>``) with a document number, a KID payment reference
  (9 to 12 digits, valid under MOD10 / Luhn) and a due date 14 or 30 days
  after the document date;
* per invoice, how much of it gets settled:

  - 80 % fully settled: one payment (``P<n>``) of the whole amount, or, for
    about 2 % of all invoices, a credit note (``K<n>``) for part of it and a
    payment of the rest;
  - 10 % partly settled: a payment of 10-90 % of it, or, for about 1 % of all
    invoices, a credit note alone for 5-50 % of it;
  - 10 % unpaid: the invoice alone.

  Credit notes are thus ~3 % of invoices; every payment carries the
  invoice's KID and every credit note its document number.
* the match groups: one tuple of entry ids per invoice that got anything
  (invoice first, then the credit note, then the payment).

Rows are sorted by posting date (ties in creation order), as a day-by-day
import would deliver them. The output has exactly ``n`` rows: the last
invoice is shaped so the count comes out even.

Everything is drawn from one :class:`random.Random` seeded with ``seed``;
nothing reads the clock or global state, so the same ``(n, seed)`` gives the
same output on every run and every machine.

>>> w = generate(20, seed=7)
>>> len(w.rows), w.rows == generate(20, seed=7).rows
(20, True)
>>> all(luhn_valid(r.reference) for r in w.rows if r.kind == INVOICE)
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, NamedTuple

__all__ = [
    "ACCOUNT",
    "CREDIT_NOTE",
    "FULL",
    "INVOICE",
    "PARTIAL",
    "PAYMENT",
    "SIDE",
    "UNPAID",
    "Row",
    "Workload",
    "generate",
    "luhn_check_digit",
    "luhn_valid",
]

INVOICE: Final = "invoice"
PAYMENT: Final = "payment"
CREDIT_NOTE: Final = "credit_note"
#: Every row is on the customer ledger, control account 1500 (NS 4102).
SIDE: Final = "receivable"
ACCOUNT: Final = "1500"

#: Settlement status of an invoice.
FULL: Final = "full"
PARTIAL: Final = "partial"
UNPAID: Final = "unpaid"

#: The first party number; parties are consecutive from here.
FIRST_PARTY: Final = 10_000
#: The first document date; documents spread over one year from here.
FIRST_DAY: Final = date(2025, 1, 1)
DAYS: Final = 365


class Row(NamedTuple):
    """One raw ledger row (a tuple: index or unpack it as well as name it).

    ``amount`` is signed as on the customer ledger: invoices positive,
    payments and credit notes negative. ``document_date`` is the posting date.
    """

    id: str
    kind: str
    side: str
    party: str
    account: str
    amount: Decimal
    posted: date
    due: date | None
    document_no: str | None
    reference: str | None


@dataclass(frozen=True, slots=True)
class Workload:
    """The generator's output.

    Attributes:
        rows: the raw rows, sorted by posting date.
        groups: one tuple of entry ids per match (invoice first).
        status: the settlement status (FULL, PARTIAL, UNPAID) per invoice id.
        seed: the seed it was made with.
        parties: the number of parties drawn from.
    """

    rows: list[Row]
    groups: list[tuple[str, ...]]
    status: dict[str, str]
    seed: int
    parties: int


def luhn_check_digit(digits: str) -> str:
    """The MOD10 (Luhn) check digit to append to *digits*.

    Starting from the rightmost digit of *digits*, every second digit is
    doubled (9 subtracted when the double exceeds 9); the check digit brings
    the total to a multiple of ten.

    >>> luhn_check_digit("7992739871")
    '3'
    >>> luhn_check_digit("1234567")
    '4'
    """
    if not digits.isdigit():
        raise ValueError(f"not a string of digits: {digits!r}")
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str | None) -> bool:
    """True when *number* is all digits and its last digit is its MOD10 (Luhn) check digit.

    >>> luhn_valid("79927398713"), luhn_valid("79927398710"), luhn_valid("12a4")
    (True, False, False)
    """
    if not number or len(number) < 2 or not number.isdigit():
        return False
    return luhn_check_digit(number[:-1]) == number[-1]


def _kid(invoice_no: int, party: str, length: int) -> str:
    """A KID of *length* digits: customer number + invoice number + check digit.

    When the invoice number does not fit beside the customer number, the KID
    is the zero-padded invoice number alone (it never starts with the
    customer number's non-zero first digit, so the two forms never collide).
    """
    room = length - 1 - len(party)
    number = str(invoice_no)
    base = party + number.zfill(room) if len(number) <= room else number.zfill(length - 1)
    return base + luhn_check_digit(base)


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount of *low* to *high* øre, as a 2-decimal Decimal."""
    return Decimal(rng.randint(low, high)).scaleb(-2)


def _share(amount: Decimal, rng: random.Random, low: int, high: int) -> Decimal:
    """*low*-*high* % of *amount* (whole øre, strictly between 0 and *amount*)."""
    cents = int(amount.scaleb(2))
    part = cents * rng.randint(low, high) // 100
    part = min(max(part, 1), cents - 1)
    return Decimal(part).scaleb(-2)


def generate(
    n: int,
    seed: int = 2026,
    *,
    parties: int = 10_000,
) -> Workload:
    """Generate a workload of exactly *n* raw rows (see the module docstring).

    Args:
        n: the number of entries (rows) to produce; at least 1.
        seed: the seed of the one random generator used.
        parties: how many customers the invoices are spread over.

    Raises:
        ValueError: *n* or *parties* is below 1.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if parties < 1:
        raise ValueError(f"parties must be at least 1, got {parties}")
    rng = random.Random(seed)
    party_ids = [str(FIRST_PARTY + i) for i in range(parties)]
    # (posting day, creation sequence, row): sorted by the first two at the end
    dated: list[tuple[int, int, Row]] = []
    groups: list[tuple[str, ...]] = []
    status: dict[str, str] = {}
    seq = 0
    invoice_no = 0
    days = [FIRST_DAY + timedelta(days=d) for d in range(DAYS + 200)]

    def add(day: int, row: Row) -> None:
        nonlocal seq
        dated.append((day, seq, row))
        seq += 1

    while seq < n:
        left = n - seq
        invoice_no += 1
        party = rng.choice(party_ids)
        day = rng.randrange(DAYS)
        term = 14 if rng.random() < 0.5 else 30
        amount = _cents(rng, 10_000, 5_000_000)  # 100.00 to 50 000.00
        inv_id = f"F{invoice_no}"
        kid = _kid(invoice_no, party, rng.randint(9, 12))
        add(
            day,
            Row(inv_id, INVOICE, SIDE, party, ACCOUNT, amount, days[day], days[day + term],
                str(invoice_no), kid),
        )
        # the draws below happen whatever the room left, so the sequence of
        # random numbers does not depend on n until the very last invoice
        draw = rng.random()
        credit_draw = rng.random()
        pay_day = day + max(1, term + rng.randint(-10, 15))
        credit_day = day + rng.randint(1, 10)
        if draw < 0.80:
            kind = FULL
        elif draw < 0.90:
            kind = PARTIAL
        else:
            kind = UNPAID
        # credit notes: ~2 % of all invoices among the fully settled ones
        # (credit + payment of the rest), ~1 % among the partly settled
        # ones (credit note alone)
        with_credit = (kind == FULL and credit_draw < 0.025) or (
            kind == PARTIAL and credit_draw < 0.10
        )
        if left == 1:
            kind, with_credit = UNPAID, False
        elif left == 2 and kind == FULL and with_credit:
            with_credit = False
        status[inv_id] = kind
        if kind == UNPAID:
            continue
        group = [inv_id]
        if with_credit:
            low, high = (5, 50) if kind == PARTIAL else (5, 40)
            credit = _share(amount, rng, low, high)
            cn_id = f"K{invoice_no}"
            add(
                credit_day,
                Row(cn_id, CREDIT_NOTE, SIDE, party, ACCOUNT, -credit, days[credit_day], None,
                    cn_id, str(invoice_no)),
            )
            group.append(cn_id)
            if kind == FULL:
                pay_id = f"P{invoice_no}"
                add(
                    max(pay_day, credit_day),
                    Row(pay_id, PAYMENT, SIDE, party, ACCOUNT, credit - amount,
                        days[max(pay_day, credit_day)], None, None, kid),
                )
                group.append(pay_id)
        else:
            paid = amount if kind == FULL else _share(amount, rng, 10, 90)
            pay_id = f"P{invoice_no}"
            add(
                pay_day,
                Row(pay_id, PAYMENT, SIDE, party, ACCOUNT, -paid, days[pay_day], None, None,
                    kid),
            )
            group.append(pay_id)
        groups.append(tuple(group))

    dated.sort(key=lambda t: (t[0], t[1]))
    return Workload(
        rows=[row for _, _, row in dated],
        groups=groups,
        status=status,
        seed=seed,
        parties=parties,
    )
