"""Quickstart: post invoices and payments, match them, and read the ledger.

Run it with ``python examples/quickstart.py``. It builds a small customer and
supplier ledger in NOK, matches payments to invoices (one by one and a day's
batch at once), prints the open items and balances, looks back to an earlier
date with ``as_of``, and shows that a refused operation changes nothing.
"""

from __future__ import annotations

from datetime import date

from reskontro import DuplicateEntryError, Entry, Ledger, Money, Side, WrongSignError


def nok(amount: str) -> Money:
    """An amount in Norwegian kroner."""
    return Money(amount, "NOK")


def show_open_items(ledger: Ledger, *, as_of: date | None = None) -> None:
    """Print the open items, one line each, and their remaining total."""
    items = ledger.open_items(as_of=as_of)
    for item in items:
        line = (
            f"  {item.id:<8} {item.side.label:<8} {item.party:<6} {item.kind.label:<8}"
            f" due {item.due or '-'!s:<10}  {item.amount.amount:>9}"
            f"  remaining {item.remaining.amount:>9}  {item.match_id or ''}"
        )
        print(line.rstrip())
    for side in Side:
        total = ledger.open_items(side=side, as_of=as_of).remaining.local
        print(f"  still open on the {side.label} ledger: {total}")


def main() -> None:
    """Build the ledger step by step and print what it shows."""
    # Each operation returns a new ledger; the old value stays as it was.
    ledger = Ledger("NOK").post_many(
        [
            Entry.invoice(
                "F-2001", party="30001", amount=nok("10000.00"), posted=date(2026, 3, 2),
                due=date(2026, 3, 16), document_no="2001", reference="300010020018",
            ),
            Entry.invoice(
                "F-2002", party="30002", amount=nok("4500.00"), posted=date(2026, 3, 3),
                due=date(2026, 3, 17), document_no="2002", reference="300020020024",
            ),
            Entry.invoice(
                "F-2003", party="30002", amount=nok("1200.00"), posted=date(2026, 3, 5),
                due=date(2026, 3, 19), document_no="2003",
            ),
            # A supplier invoice is negative: it is money we owe.
            Entry.invoice(
                "LF-77", party="40001", side=Side.PAYABLE, amount=nok("-6000.00"),
                posted=date(2026, 3, 4), due=date(2026, 3, 18), document_no="77",
            ),
        ]
    )

    # Customer 30001 pays part of F-2001: the rest stays open on the invoice.
    ledger = ledger.post(
        Entry.payment("P-11", party="30001", amount=nok("-6000.00"), posted=date(2026, 3, 15),
                      reference="300010020018")
    )
    ledger = ledger.match(["F-2001", "P-11"])
    print("F-2001 after a partial payment:", ledger.item("F-2001").remaining)

    # A day's bank file: one payment settles two invoices, and we pay the supplier.
    day = date(2026, 3, 18)
    ledger = ledger.post_many(
        [
            Entry.payment("P-12", party="30002", amount=nok("-5700.00"), posted=day),
            Entry.payment("LB-5", party="40001", side=Side.PAYABLE, amount=nok("6000.00"),
                          posted=day),
        ]
    )
    ledger = ledger.match_many([["F-2002", "F-2003", "P-12"], ["LF-77", "LB-5"]])

    print("\nMatches:")
    for row in ledger.match_rows():
        state = "closed" if row.is_closed else "open"
        print(f"  {row.match_id}: {row.entry_count} entries, oldest invoice {row.document_no},"
              f" outstanding {row.outstanding_local} ({state})")

    print("\nOpen items today:")
    show_open_items(ledger)

    print("\nBalances per sub-account (customers +: they owe us; suppliers -: we owe):")
    for sub, balance in ledger.balances().items():
        print(f"  {sub}: {balance.local}")

    print("\nOpen items as of 16.03.2026 (before the bank file of 18.03):")
    show_open_items(ledger, as_of=date(2026, 3, 16))

    # A refused operation raises a precise error and changes nothing: a batch
    # with one bad entry posts none of them.
    try:
        ledger.post_many(
            [
                Entry.payment("P-13", party="30001", amount=nok("-4000.00"), posted=day),
                Entry.payment("P-11", party="30001", amount=nok("-100.00"), posted=day),
            ]
        )
    except DuplicateEntryError as error:
        print(f"\nRefused: {error} (entry_id={error.entry_id!r})")
    print("P-13 was not posted either:", "P-13" not in ledger)

    # Signs are checked, never flipped: a customer payment must be negative.
    try:
        Entry.payment("P-14", party="30001", amount=nok("4000.00"), posted=day)
    except WrongSignError as error:
        print(f"Refused: {error}")

if __name__ == "__main__":
    main()
