"""Payments in: KIDs on invoices, a bank file, import, automatic matching.

Run it with ``python examples/payments_in.py``. It makes KIDs for three
invoices, writes the OCR giro file the bank would send for payments on two of
them (one in full, one in part), imports the payments, matches them
automatically and shows what is left open, then imports the same file a
second time to show that nothing is posted twice. Last, a payment with a
mistyped KID lands in the clerk's queue with its reason and the invoice
whose KID it most likely meant.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reskontro import Entry, Ledger, Money, automatch
from reskontro.formats import parse_ocr
from reskontro.kid import compose
from reskontro.receipts import Receipt, plan_receipts, receipts_from


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def ocr_record_30(number: int, ore: int, kid: str) -> str:
    """Amount item 1 of a type-10 transaction, dated 20.01.2026."""
    bank = "1520" + "1" + "00001"  # centre, day, partial settlement, serial number
    return f"NY091030{number:07d}200126{bank}0{ore:017d}{kid:>25}000000"


def ocr_file(payments: list[tuple[int, str]]) -> bytes:
    """An OCR giro file with one assignment of type-10 payments (amount in øre, KID)."""
    lines = [
        "NY000010000080800000001001234560000000000000000000000000000000000000000000000000",
        "NY090020001234567000000186011117947000000000000000000000000000000000000000000000",
    ]
    for number, (ore, kid) in enumerate(payments, start=1):
        lines.append(ocr_record_30(number, ore, kid))
        lines.append(f"NY091031{number:07d}" + "0" * 65)
    total, count = sum(ore for ore, _ in payments), len(payments)
    lines.append(f"NY090088{count:08d}{2 * count + 2:08d}{total:017d}200126200126200126"
                 + "0" * 21)
    lines.append(f"NY000089{count:08d}{2 * count + 4:08d}{total:017d}200126" + "0" * 33)
    return ("\r\n".join(lines) + "\r\n").encode("iso-8859-1")


def main() -> None:
    invoices = [
        ("10001", 1001, "1250.00"),
        ("10001", 1002, "800.00"),
        ("10002", 1003, "3000.00"),
    ]
    ledger = Ledger("NOK")
    for party, number, amount in invoices:
        kid = compose([(int(party), 5), (number, 6)])  # customer + invoice, MOD10
        ledger = ledger.post(Entry.invoice(
            f"F-{number}", party=party, amount=nok(amount), posted=date(2026, 1, 5),
            due=date(2026, 1, 19), document_no=str(number), reference=kid,
        ))
        print(f"invoice {number} to {party}: {amount} NOK, KID {kid}")

    # The customer of invoice 1003 paid 2 000 with the KID; 10001 paid 1001 in full.
    bank_file = ocr_file([(125000, compose([(10001, 5), (1001, 6)])),
                          (200000, compose([(10002, 5), (1003, 6)]))])
    parsed = parse_ocr(bank_file)
    print(f"\nOCR file: {len(parsed.payments)} payments, {parsed.total} NOK")

    plan = plan_receipts(ledger, receipts_from(parsed))
    ledger = plan.apply(ledger)
    print(f"imported {len(plan.entries)} payments, unresolved {len(plan.unresolved)}")

    proposals = automatch.propose(ledger, strategies=["kid", "document", "balance"])
    for proposal in proposals.proposals:
        print(f"  {proposal.payment_id} -> {', '.join(proposal.entry_ids)} "
              f"({proposal.rule}: {proposal.evidence})")
    ledger = automatch.apply(ledger, proposals)

    print("\nstill open:")
    for item in ledger.open_items():
        print(f"  {item.id:<22} {item.party}  {item.remaining}")

    again = plan_receipts(ledger, receipts_from(parse_ocr(bank_file)))
    print(f"\nthe same file again: {len(again.entries)} new, "
          f"{len(again.duplicates)} already imported")

    # The customer of invoice 1002 typed the KID with two digits swapped.
    kid = compose([(10001, 5), (1002, 6)])
    typo = kid[:4] + kid[5] + kid[4] + kid[6:]
    queue = plan_receipts(ledger, [Receipt(
        reference="20260121-0001", amount=Decimal("800.00"), currency="NOK",
        booked=date(2026, 1, 21), kid=typo)])
    for left in queue.unresolved:
        print(f"\nfor the clerk: {left.receipt.amount} NOK with KID {typo}: "
              f"[{left.code}] {left.reason}")
        for rank, candidate in enumerate(left.candidates, start=1):
            print(f"  {rank}. {candidate.entry_id}: {candidate.text}")


if __name__ == "__main__":
    main()
