"""Benchmark: settling foreign-currency matches, against matching them, in one run.

Builds N EUR invoices across 10 000 customers, booked at a seeded rate, and N
EUR payments of the same amounts at other rates (not timed), then times:

* **match**: ``ledger.match_many`` of every invoice with its payment (the
  core matching step, in local currency terms the same work);
* **settle**: ``plan_settlements`` for every match (the true-up rule) and
  ``apply_settlements`` (post the FX entries, extend the matches).

It prints both times, the ratio settle/match, and checks that every match is
closed afterwards and that the realized total equals local paid minus local
booked.

Run: ``python benchmarks/bench_fx.py [--matches 100000]``.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from reskontro import Entry, Ledger, Money
from reskontro.rates import RateTable
from reskontro.settlement import apply_settlements, plan_settlements


def build(matches: int, seed: int) -> tuple[Ledger, list[tuple[str, str]], Decimal]:
    """N invoices and N payments in EUR, at different rates; and paid - booked in NOK."""
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    rates = RateTable("NOK", [
        ("EUR", start + timedelta(days=day), Decimal(1100 + rng.randrange(-60, 60)) / 100)
        for day in range(60)
    ])
    entries = []
    groups = []
    expected = Decimal(0)
    for n in range(matches):
        party = f"{10000 + n % 10000}"
        amount = Money(Decimal(rng.randrange(10_00, 50_000_00)) / 100, "EUR")
        booked, paid = start + timedelta(days=rng.randrange(30)), start + timedelta(
            days=30 + rng.randrange(30))
        invoice = Entry.invoice(f"F{n}", party=party, amount=amount, posted=booked, rates=rates)
        payment = Entry.payment(f"P{n}", party=party, amount=-amount, posted=paid, rates=rates)
        entries += [invoice, payment]
        groups.append((invoice.id, payment.id))
        expected += -payment.value_local - invoice.value_local
    return Ledger("NOK").post_many(entries), groups, expected


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="settling FX matches vs matching them")
    parser.add_argument("--matches", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    ledger, groups, expected = build(args.matches, args.seed)
    gc.collect()
    t = time.perf_counter()
    matched = ledger.match_many(groups)
    match_s = time.perf_counter() - t
    ids = [matched.item(group[0]).match_id or "" for group in groups]
    gc.collect()
    t = time.perf_counter()
    plans = plan_settlements(matched, ids, on=date(2026, 3, 31))
    settled = apply_settlements(matched, plans)
    settle_s = time.perf_counter() - t
    realized = sum((p.difference.amount for p in plans), Decimal(0))
    closed = all(settled.get_match(i).is_closed for i in ids[:1000]) and not settled.open_items()
    print(f"{args.matches:,} EUR matches; Python {sys.version.split()[0]}")
    print(f"match  (match_many)                        {match_s:8.3f} s")
    print(f"settle (plan_settlements + apply_settlements) {settle_s:5.3f} s")
    print(f"ratio settle / match                       {settle_s / match_s:8.2f}x")
    ok = closed and realized == expected
    print(f"all closed: {closed}; realized {realized} NOK = paid - booked {expected} NOK: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
