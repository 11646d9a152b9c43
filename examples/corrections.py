"""Corrections: reversal, remove from a match, dissolve, and correcting by new entries.

Run it with ``python examples/corrections.py``. Norwegian bookkeeping law
(bokføringsloven) allows no deleting or editing of what is posted: every
correction is a new entry or a new dated event, and the ledger keeps the
history. This script shows the four ways reskontro offers:

1. reverse an entry (storno) posted with the wrong amount;
2. remove one entry from a match (fjern fra kobling);
3. dissolve a whole match (løs opp kobling) and match again;
4. the debt collector's recipe for a payment booked on the wrong invoice:
   a disbursement matched against the wrong pair, and a new payment on the
   right invoice, so that nothing already reported is undone.
"""

from __future__ import annotations

from datetime import date

from reskontro import Allocation, Entry, Ledger, Money, ReversalError


def nok(amount: str) -> Money:
    """An amount in Norwegian kroner."""
    return Money(amount, "NOK")


def describe(ledger: Ledger, entry_id: str, *, as_of: date | None = None) -> str:
    """One line about an item: remaining amount, open or closed, and its match."""
    item = ledger.item(entry_id, as_of=as_of)
    state = "open" if item.is_open else "closed"
    return f"{entry_id}: {state}, remaining {item.remaining}, match {item.match_id}"


def reversal(ledger: Ledger) -> Ledger:
    """1. An invoice posted as 20 000 instead of 2 000 is reversed and posted again."""
    print("1. Reversal (storno)")
    ledger = ledger.post(
        Entry.invoice("F-3002", party="50001", amount=nok("20000.00"), posted=date(2026, 4, 2),
                      due=date(2026, 4, 16), document_no="3002")
    )
    ledger = ledger.reverse("F-3002", on=date(2026, 4, 3), text="Wrong amount, see F-3003")
    ledger = ledger.post(
        Entry.invoice("F-3003", party="50001", amount=nok("2000.00"), posted=date(2026, 4, 3),
                      due=date(2026, 4, 17), document_no="3003")
    )
    print("  ", describe(ledger, "F-3002"))
    print("  ", describe(ledger, "F-3002-R"))
    print("   history of F-3002:", [type(event).__name__ for event in ledger.history("F-3002")])
    print("   balance of 50001:", ledger.balance(party="50001").local)

    # An entry that shares a match with others cannot be reversed as it is.
    paid = ledger.post(
        Entry.payment("P-20", party="50001", amount=nok("-2000.00"), posted=date(2026, 4, 10))
    ).match(["F-3003", "P-20"])
    try:
        paid.reverse("F-3003", on=date(2026, 4, 11))
    except ReversalError as error:
        print("   refused:", error)
    return paid


def remove_from_match(ledger: Ledger) -> Ledger:
    """2. A credit note matched with the wrong invoice is taken out of that match."""
    print("\n2. Remove one entry from a match (fjern fra kobling)")
    ledger = ledger.post_many(
        [
            Entry.invoice("F-3010", party="50002", amount=nok("5000.00"),
                          posted=date(2026, 4, 1), due=date(2026, 4, 15), document_no="3010"),
            Entry.invoice("F-3012", party="50002", amount=nok("1000.00"),
                          posted=date(2026, 4, 2), due=date(2026, 4, 16), document_no="3012"),
            Entry.credit_note("K-3011", party="50002", amount=nok("-1000.00"),
                              posted=date(2026, 4, 3), document_no="3011",
                              text="Credit for invoice 3012"),
            Entry.payment("P-21", party="50002", amount=nok("-4000.00"),
                          posted=date(2026, 4, 14)),
        ]
    )
    ledger = ledger.match(["F-3010", "K-3011", "P-21"], match_id="K-A")
    print("   matched:", describe(ledger, "F-3010"))
    ledger = ledger.remove_from_match("K-3011", on=date(2026, 4, 20))
    print("   removed:", describe(ledger, "F-3010"))
    ledger = ledger.match(["F-3012", "K-3011"], match_id="K-B")
    print("   credit note on its own invoice:", describe(ledger, "F-3012"))
    print("   as of 19.04:", describe(ledger, "F-3010", as_of=date(2026, 4, 19)))
    return ledger


def dissolve(ledger: Ledger) -> Ledger:
    """3. A payment matched with the wrong invoices: dissolve the match and match again."""
    print("\n3. Dissolve a match (løs opp kobling)")
    ledger = ledger.post_many(
        [
            Entry.invoice("F-3030", party="50003", amount=nok("800.00"),
                          posted=date(2026, 4, 1), due=date(2026, 4, 15), document_no="3030"),
            Entry.invoice("F-3031", party="50003", amount=nok("1200.00"),
                          posted=date(2026, 4, 2), due=date(2026, 4, 16), document_no="3031"),
            Entry.payment("P-22", party="50003", amount=nok("-1200.00"),
                          posted=date(2026, 4, 16), reference="500030030315"),
        ]
    )
    ledger = ledger.match(["F-3030", "F-3031", "P-22"], match_id="K-C")
    print("   wrong:", describe(ledger, "F-3031"))
    ledger = ledger.dissolve("K-C", on=date(2026, 4, 21))
    ledger = ledger.match(["F-3031", "P-22"], match_id="K-D")
    print("   right:", describe(ledger, "F-3031"), "|", describe(ledger, "F-3030"))
    print("   K-C dissolved on", ledger.get_match("K-C").dissolved_on)
    return ledger


def collector_recipe(ledger: Ledger) -> Ledger:
    """4. A payment booked on the wrong invoice, corrected by new entries only."""
    print("\n4. Correct by new entries (the debt collector's recipe)")
    ledger = ledger.post_many(
        [
            Entry.invoice("F-3040", party="50004", amount=nok("3000.00"),
                          posted=date(2026, 4, 1), due=date(2026, 4, 15), document_no="3040"),
            Entry.invoice("F-3041", party="50005", amount=nok("3000.00"),
                          posted=date(2026, 4, 1), due=date(2026, 4, 15), document_no="3041"),
            # The money came from customer 50005 for F-3041, but was booked on 50004.
            Entry.payment("P-30", party="50004", amount=nok("-3000.00"),
                          posted=date(2026, 4, 15)),
        ]
    )
    ledger = ledger.match(["F-3040", "P-30"], match_id="K-E")
    print("   booked wrong:", describe(ledger, "F-3040"))

    # The correction, dated the day it is made. A disbursement (utbetaling) on
    # 50004 joins the wrong pair's match and takes the wrong payment, so the
    # invoice is open again; a new payment on 50005 settles the right invoice.
    # In the general ledger the two new entries meet on a clearing account.
    fix = date(2026, 4, 22)
    before = ledger.event_count
    ledger = ledger.post_many(
        [
            Entry.refund("U-30", party="50004", amount=nok("3000.00"), posted=fix,
                         text="Payment P-30 belonged to customer 50005"),
            Entry.payment("P-31", party="50005", amount=nok("-3000.00"), posted=fix,
                          text="Payment P-30 moved from customer 50004"),
        ]
    )
    ledger = ledger.extend_match(
        "K-E", ["U-30"], allocations=[Allocation("P-30", "U-30", nok("3000.00"))]
    )
    ledger = ledger.match(["F-3041", "P-31"], match_id="K-F")
    print("   corrected:", describe(ledger, "F-3040"))
    print("             ", describe(ledger, "F-3041"))
    print("   match K-E now holds", ", ".join(ledger.get_match("K-E").entry_ids))
    print("   balances: 50004", ledger.balance(party="50004").local,
          "| 50005", ledger.balance(party="50005").local)
    added = [type(event).__name__ for event in ledger.events[before:]]
    print("   events the correction added (nothing undone):", ", ".join(added))
    return ledger


def main() -> None:
    """Run the four corrections on one ledger, in date order per customer."""
    ledger = Ledger("NOK")
    ledger = reversal(ledger)
    ledger = remove_from_match(ledger)
    ledger = dissolve(ledger)
    collector_recipe(ledger)


if __name__ == "__main__":
    main()
