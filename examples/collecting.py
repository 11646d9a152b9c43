"""Collecting: payment terms, aging, late-payment interest and a dunning run.

Run it with ``python examples/collecting.py``. A small customer ledger is
invoiced on payment terms, partly paid, aged at a month end, and dunned day
by day: the reminder, the collection notice and the hand-over each come on
the first day the Norwegian rules allow, and each notice sent is recorded on
the ledger as an event. Nothing is read from a clock: "today" is a parameter.
"""

from __future__ import annotations

from datetime import date, timedelta

from reskontro import Entry, Ledger, Money, PaymentTerms, age, plan_dunning, plan_interest
from reskontro.dunning import NORWEGIAN_POLICY


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def main() -> None:
    """Invoice on terms, age, dun day by day, and propose an interest note."""
    net14 = PaymentTerms.net(14)
    issued = date(2026, 1, 5)
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="30001", amount=nok("10000"), posted=issued,
                      due=net14.due_date(issued), document_no="1"),
        Entry.invoice("F-2", party="30002", amount=nok("2500"), posted=issued,
                      due=PaymentTerms.end_of_month(30).due_date(issued), document_no="2"),
        Entry.payment("P-1", party="30001", amount=nok("-4000"), posted=date(2026, 1, 25)),
    ]).match(["F-1", "P-1"])
    print(f"{net14.name}: F-1 due {ledger.item('F-1').due}")

    report = age(ledger, date(2026, 1, 31))
    print("aging on 2026-01-31:", " | ".join(report.labels))
    for row in report.rows:
        print(f"  {row.party}: " + " | ".join(str(m.amount) for m in row.local)
              + f" = {row.total}")

    day = ledger.item("F-1").due
    assert day is not None
    while day <= date(2026, 3, 31):
        plan = plan_dunning(ledger, NORWEGIAN_POLICY, day)
        for notice in plan.notices:
            print(f"{day}: {notice.level.label} to {notice.party} for "
                  f"{', '.join(notice.entry_ids)}: {notice.amount} + interest "
                  f"{notice.interest} + fee {notice.fee}")
        ledger = plan.apply(ledger, post_fees=True)
        day += timedelta(days=1)
    last = ledger.last_notice("F-1")
    assert last is not None
    print(f"last notice about F-1: {last.level.label} on {last.on}")

    interest = plan_interest(ledger, date(2026, 3, 31))
    for note in interest.notes:
        print(f"interest note {note.entry.id}: {note.total} "
              f"(debit {note.postings[0].account}, credit {note.postings[1].account})")


if __name__ == "__main__":
    main()
