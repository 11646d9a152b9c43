"""A small, realistic Norwegian ledger to look at: the data behind ``reskontro demo``.

The demo ledger is in NOK and covers January and early February 2026 for a
wholesaler with five customers (kundereskontro, control account 1500; one of
them invoiced in EUR) and one supplier (leverandørreskontro, control account
2400). It is built by plain calls on :class:`~reskontro.Ledger`, in date
order, so reading
:func:`build_demo_ledger` is a tour of the API. Everything is fixed: no clock,
no files, the same ledger every time.

What happens, day by day (entry ids in brackets, match ids after an arrow):

==========  =================================================================
date        event
==========  =================================================================
18.12.2025  invoice 998 to Hansen Regnskap, 1 875,00, due 02.01.2026 [F-998]
05.01.2026  invoice 1001 to Fjordkaffe AS, 12 500,00 [F-1001]
06.01.2026  supplier invoice 5501 from Kontorpartner AS, 9 375,00 [LF-5501]
08.01.2026  invoice 1002 to Nordlys Bakeri AS, 8 000,00 [F-1002]
09.01.2026  invoice 1003 to Bergen Sykkel AS, 6 250,00 [F-1003]
12.01.2026  invoice 1004 to Hansen Regnskap, 3 125,00 [F-1004]
13.01.2026  supplier invoice 5502, 2 500,00 [LF-5502]
14.01.2026  invoice 1005 to Hansen Regnskap, 2 500,00 [F-1005]
15.01.2026  credit note 1006 to Bergen Sykkel AS, 1 250,00 [K-1006]
16.01.2026  invoice 1008 to Hansa Handel GmbH, EUR 2 000,00 booked at
            11,40 = NOK 22 800,00 [F-1008]
17.01.2026  a reminder (purring) for F-998 is recorded, deadline 31.01.2026
18.01.2026  Fjordkaffe pays 1001 in full with its KID [P-1] -> M1, closed
19.01.2026  we pay Kontorpartner 9 375,00 [LB-1]; matched with *both*
            supplier invoices by mistake -> M2, open
25.01.2026  Nordlys pays 5 000,00 of 8 000,00 [P-2] -> M3, 3 000,00 left
27.01.2026  Hansen pays 2 500,00 with the KID of 1005 [P-3], but the
            payment is matched with 1004 by mistake -> M4, 625,00 left
28.01.2026  Bergen Sykkel pays 5 500,00 [P-4] for 6 250,00 less the
            1 250,00 credit note -> M5; the 500,00 paid too much stays open
            on the payment (customer credit, innestående)
26.01.2026  Hansa pays EUR 1 200,00 at 11,55 = NOK 13 860,00 [P-5] -> M7;
            the settled share realizes an agio of NOK 180,00 [M7-FX1]
31.01.2026  month end: the date of the ``as_of`` view (:data:`AS_OF`)
02.02.2026  invoice 1007 to Fjordkaffe AS, 4 375,00 [F-1007]
03.02.2026  LF-5502 is removed from M2 (fjern fra kobling); M2 closes
04.02.2026  M4 is dissolved (løs opp kobling); P-3 is matched with
            F-1005 -> M6, closed; F-1004 is open in full again
09.02.2026  Hansa pays the last EUR 800,00 at 11,30 = NOK 9 040,00 [P-6]
            -> M7, closed; a disagio of NOK 80,00 [M7-FX2]: net FX +100,00
10.02.2026  the due date of F-1007 moves from 16.02 to 02.03.2026
==========  =================================================================

Every customer invoice carries a KID (MOD10) made of the customer number and
the invoice number, and the customers' payments quote it. The supplier's
KIDs are made the same way from our customer number with the supplier, 7788.

>>> ledger = build_demo_ledger()
>>> for item in ledger.open_items(side=Side.RECEIVABLE):
...     print(item.id, item.party, item.remaining, item.match_id)
F-1007 10001 4375.00 NOK None
F-1002 10002 3000.00 NOK M3
P-4 10003 -500.00 NOK M5
F-998 10004 1875.00 NOK None
F-1004 10004 3125.00 NOK None
>>> ledger.balance(side=Side.PAYABLE).local
Money('-2500.00', 'NOK')
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Final

from reskontro.entries import Entry, Side
from reskontro.events import NoticeLevel
from reskontro.ledger import Ledger
from reskontro.money import Money
from reskontro.rates import RateTable
from reskontro.settlement import plan_settlement

__all__ = [
    "AS_OF",
    "CUSTOMERS",
    "LAST_EVENT",
    "LOCAL_CURRENCY",
    "PARTY_NAMES",
    "SUPPLIERS",
    "build_demo_ledger",
]

#: The demo ledger's local currency.
LOCAL_CURRENCY: Final = "NOK"

#: Customer numbers and names (kundereskontro, control account 1500).
CUSTOMERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "10001": "Fjordkaffe AS",
        "10002": "Nordlys Bakeri AS",
        "10003": "Bergen Sykkel AS",
        "10004": "Hansen Regnskap",
        "10005": "Hansa Handel GmbH",
    }
)

#: Supplier numbers and names (leverandørreskontro, control account 2400).
SUPPLIERS: Final[Mapping[str, str]] = MappingProxyType({"20001": "Kontorpartner AS"})

#: Every party's name by party number.
PARTY_NAMES: Final[Mapping[str, str]] = MappingProxyType({**CUSTOMERS, **SUPPLIERS})

#: The EUR rates of the demo (NOK per EUR), as the caller would supply them.
EUR_RATES: Final = RateTable(
    "NOK",
    [("EUR", date(2026, 1, 16), "11.40"), ("EUR", date(2026, 1, 26), "11.55"),
     ("EUR", date(2026, 2, 9), "11.30")],
)

#: The month end the demo looks back to with ``as_of`` (åpne poster per 31.01.2026).
AS_OF: Final = date(2026, 1, 31)

#: The date of the demo's last event: "today" in the demo's story.
LAST_EVENT: Final = date(2026, 2, 10)


def _mod10(digits: str) -> str:
    """The MOD10 (Luhn) check digit of *digits*, as Norwegian KIDs use it.

    Weights 2, 1, 2, 1... from the rightmost digit; digits of products over 9
    are added up (the same as subtracting 9).

    >>> _mod10("12345678")
    '2'
    """
    total = 0
    for position, char in enumerate(reversed(digits)):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str(-total % 10)


def _kid(party: str, document_no: str) -> str:
    """A MOD10 KID: party number, document number padded to 6 digits, check digit.

    >>> _kid("10001", "1001")
    '100010010013'
    """
    base = f"{party}{int(document_no):06d}"
    return base + _mod10(base)


def _eur(amount: str) -> Money:
    return Money(amount, "EUR")


def _nok(amount: str) -> Money:
    return Money(amount, LOCAL_CURRENCY)


def _invoice(number: str, party: str, amount: str, posted: date, due: date, text: str) -> Entry:
    return Entry.invoice(
        f"F-{number}",
        party=party,
        amount=_nok(amount),
        posted=posted,
        due=due,
        document_no=number,
        reference=_kid(party, number),
        text=text,
    )


def _payment(entry_id: str, party: str, amount: str, posted: date, kid: str) -> Entry:
    return Entry.payment(
        entry_id,
        party=party,
        amount=_nok(amount),
        posted=posted,
        reference=kid,
        text="Innbetaling med KID",
    )


def _supplier_invoice(number: str, amount: str, posted: date, due: date) -> Entry:
    return Entry.invoice(
        f"LF-{number}",
        party="20001",
        side=Side.PAYABLE,
        amount=_nok(amount),
        posted=posted,
        due=due,
        document_no=number,
        reference=_kid("7788", number),
        text="Kontorrekvisita",
    )


def build_demo_ledger() -> Ledger:
    """Build the demo ledger described in the module docstring.

    Returns:
        A NOK ledger with five customers (one in EUR), one supplier, a full payment, a
        partial payment, a credit note, an overpayment, an entry removed from
        a match, a dissolved match and a changed due date.

    >>> ledger = build_demo_ledger()
    >>> ledger.balance(party="10002").local
    Money('3000.00', 'NOK')
    >>> ledger.item("P-4").remaining
    Money('-500.00', 'NOK')
    >>> ledger.item("F-1004").remaining, ledger.item("F-1004", as_of=AS_OF).remaining
    (Money('3125.00', 'NOK'), Money('625.00', 'NOK'))
    """
    d = date
    ledger = Ledger(LOCAL_CURRENCY)

    # December: an invoice Hansen Regnskap has not paid (dunned in January).
    ledger = ledger.post(_invoice("998", "10004", "1875.00", d(2025, 12, 18), d(2026, 1, 2),
                                  "Kontorkaffe, desember"))

    # January: invoices out, supplier invoices in, one credit note.
    ledger = ledger.post_many(
        [
            _invoice("1001", "10001", "12500.00", d(2026, 1, 5), d(2026, 1, 19),
                     "Kaffebønner og service, desember"),
            _supplier_invoice("5501", "-9375.00", d(2026, 1, 6), d(2026, 1, 20)),
            _invoice("1002", "10002", "8000.00", d(2026, 1, 8), d(2026, 1, 22),
                     "Mel og gjær, uke 1"),
            _invoice("1003", "10003", "6250.00", d(2026, 1, 9), d(2026, 1, 23),
                     "Reservedeler"),
            _invoice("1004", "10004", "3125.00", d(2026, 1, 12), d(2026, 1, 26),
                     "Kontorkaffe, januar"),
            _supplier_invoice("5502", "-2500.00", d(2026, 1, 13), d(2026, 1, 27)),
            _invoice("1005", "10004", "2500.00", d(2026, 1, 14), d(2026, 1, 28),
                     "Kaffemaskin, leie"),
            Entry.credit_note(
                "K-1006", party="10003", amount=_nok("-1250.00"), posted=d(2026, 1, 15),
                document_no="1006", text="Kreditnota for faktura 1003: returnerte deler",
            ),
            Entry.invoice(
                "F-1008", party="10005", amount=_eur("2000.00"), posted=d(2026, 1, 16),
                due=d(2026, 1, 30), document_no="1008", reference=_kid("10005", "1008"),
                rates=EUR_RATES, text="Kaffebønner, eksport",
            ),
        ]
    )

    # The reminder sent for 998, 15 days after its due date, is recorded (no fee charged).
    ledger = ledger.record_notice(["F-998"], NoticeLevel.REMINDER, on=d(2026, 1, 17),
                                  deadline=d(2026, 1, 31))

    # A full payment with the invoice's KID.
    ledger = ledger.post(_payment("P-1", "10001", "-12500.00", d(2026, 1, 18),
                                  _kid("10001", "1001")))
    ledger = ledger.match(["F-1001", "P-1"], match_id="M1")

    # Our payment of supplier invoice 5501, matched with 5502 as well by mistake.
    ledger = ledger.post(
        Entry.payment(
            "LB-1", party="20001", side=Side.PAYABLE, amount=_nok("9375.00"),
            posted=d(2026, 1, 19), reference=_kid("7788", "5501"), text="Betaling 5501",
        )
    )
    ledger = ledger.match(["LF-5501", "LF-5502", "LB-1"], match_id="M2")

    # A partial payment: 3 000,00 stays open on the invoice.
    ledger = ledger.post(_payment("P-2", "10002", "-5000.00", d(2026, 1, 25),
                                  _kid("10002", "1002")))
    ledger = ledger.match(["F-1002", "P-2"], match_id="M3")

    # The EUR customer pays part of 1008 at a higher rate than booked: an agio.
    ledger = ledger.post(Entry.payment("P-5", party="10005", amount=_eur("-1200.00"),
                                       posted=d(2026, 1, 26), rates=EUR_RATES,
                                       reference=_kid("10005", "1008")))
    ledger = ledger.match(["F-1008", "P-5"], match_id="M7")
    ledger = plan_settlement(ledger, "M7", on=d(2026, 1, 26)).apply(ledger)

    # A payment for 1005 matched with 1004 by mistake (corrected in February).
    ledger = ledger.post(_payment("P-3", "10004", "-2500.00", d(2026, 1, 27),
                                  _kid("10004", "1005")))
    ledger = ledger.match(["F-1004", "P-3"], match_id="M4")

    # An overpayment: 500,00 stays open on the payment.
    ledger = ledger.post(_payment("P-4", "10003", "-5500.00", d(2026, 1, 28),
                                  _kid("10003", "1003")))
    ledger = ledger.match(["F-1003", "K-1006", "P-4"], match_id="M5")

    # February: a new invoice, and the two mistakes put right (dated today).
    ledger = ledger.post(_invoice("1007", "10001", "4375.00", d(2026, 2, 2), d(2026, 2, 16),
                                  "Kaffebønner, januar"))
    ledger = ledger.remove_from_match("LF-5502", on=d(2026, 2, 3))
    ledger = ledger.dissolve("M4", on=d(2026, 2, 4))
    ledger = ledger.match(["F-1005", "P-3"], match_id="M6", on=d(2026, 2, 4))

    # The rest of 1008, at a lower rate than booked: a disagio, and M7 closes.
    ledger = ledger.post(Entry.payment("P-6", party="10005", amount=_eur("-800.00"),
                                       posted=d(2026, 2, 9), rates=EUR_RATES,
                                       reference=_kid("10005", "1008")))
    ledger = ledger.extend_match("M7", ["P-6"])
    ledger = plan_settlement(ledger, "M7", on=d(2026, 2, 9)).apply(ledger)

    # A payment delay agreed with Fjordkaffe: the original due date stays in history.
    return ledger.change_due_date("F-1007", d(2026, 3, 2), on=LAST_EVENT)
