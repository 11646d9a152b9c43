"""Benchmark: import and automatically match a day's bank payments against a large ledger.

For a ledger of N entries (``workload.generate(N)``, posted and matched as in
``bench_core.py``, not timed), it makes an OCR giro file of P payments on the
ledger's open invoices (90 % with the invoice's KID; 10 % without a KID, from
a payer account the caller maps to the party, so the balance method places
them) and times, in one process:

* reskontro: ``parse_ocr`` -> ``receipts_from`` -> ``plan_receipts`` ->
  ``ledger.apply`` -> ``automatch.propose(kid, balance)`` -> ``automatch.apply``;
* a hand-written dict-and-loop baseline doing the same work on the same file:
  slicing the records, checking the end-record totals, a KID index of the
  open invoices, each payment applied to its invoice (or, without a KID, to
  the party's open invoices oldest due first).

Both must place the same number of payments and apply the same total.

Run: ``python benchmarks/bench_payments.py [--entries 1000000] [--payments 100000]``.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import build_entries
from reskontro import Ledger, automatch
from reskontro.formats import parse_ocr
from reskontro.receipts import plan_receipts, receipts_from
from workload import generate


def make_ledger(entries: int, seed: int) -> Ledger:
    """The benchmark ledger: the core workload, posted and matched."""
    work = generate(entries, seed=seed)
    return Ledger("NOK").post_many(build_entries(work.rows)).match_many(work.groups)


def make_file(ledger: Ledger, payments: int, seed: int) -> tuple[bytes, dict[str, str]]:
    """An OCR file of payments on open invoices, and the payer-account -> party map."""
    rng = random.Random(seed)
    open_invoices = [i for i in ledger.open_items() if i.kind.value == "invoice"]
    rng.shuffle(open_invoices)
    chosen = open_invoices[:payments]
    if len(chosen) < payments:
        raise SystemExit(f"only {len(chosen)} open invoices to pay; use fewer payments")
    lines = [
        "NY000010000080800000001001234560000000000000000000000000000000000000000000000000",
        "NY090020001234567000000186011117947000000000000000000000000000000000000000000000",
    ]
    parties: dict[str, str] = {}
    total = 0
    for number, item in enumerate(chosen, start=1):
        ore = int(item.remaining.amount * 100)
        with_kid = rng.random() < 0.9
        kid = item.entry.reference if with_kid and item.entry.reference else ""
        account = f"{9000000000 + number:011d}"
        if not kid:
            parties[account] = item.party
        lines.append(f"NY091030{number:07d}2001261520100001" + f"0{ore:017d}{kid:>25}000000")
        lines.append(f"NY091031{number:07d}" + "0" * 26 + "200126" + account + "0" * 22)
        total += ore
    n = len(chosen)
    lines.append(f"NY090088{n:08d}{2 * n + 2:08d}{total:017d}200126200126200126" + "0" * 21)
    lines.append(f"NY000089{n:08d}{2 * n + 4:08d}{total:017d}200126" + "0" * 33)
    return ("\r\n".join(lines) + "\r\n").encode("iso-8859-1"), parties


def run_reskontro(ledger: Ledger, data: bytes, parties: dict[str, str]) -> tuple[dict[str, float],
                                                                             int, Decimal]:
    times: dict[str, float] = {}
    gc.collect()
    t = time.perf_counter()
    parsed = parse_ocr(data)
    times["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    plan = plan_receipts(ledger, receipts_from(parsed), parties=parties)
    imported = plan.apply(ledger)
    times["import"] = time.perf_counter() - t
    t = time.perf_counter()
    proposals = automatch.propose(
        imported, strategies=["kid", "balance"], payments=[e.id for e in plan.entries]
    )
    automatch.apply(imported, proposals)
    times["match"] = time.perf_counter() - t
    applied = sum((p.applied.amount for p in proposals.proposals), Decimal(0))
    return times, len(proposals.proposals), applied


def run_baseline(ledger: Ledger, data: bytes, parties: dict[str, str]) -> tuple[
        dict[str, float], int, Decimal]:
    """The same work by hand: slice records, index open invoices, apply oldest first."""
    times: dict[str, float] = {}
    payday = date(2026, 1, 20)
    open_rows = [
        (i.id, i.party, i.entry.reference, i.remaining.amount, i.due or i.entry.posted,
         i.entry.posted, i.match_id is None)
        for i in ledger.open_items() if i.kind.value == "invoice"
    ]  # what a baseline would read from its own store; not timed
    gc.collect()
    t = time.perf_counter()
    records = data.decode("iso-8859-1").split("\r\n")
    payments = []
    total = 0
    for k in range(2, len(records) - 3, 2):
        first, second = records[k], records[k + 1]
        if len(first) != 80 or first[6:8] != "30" or second[6:8] != "31":
            raise ValueError("bad record")
        ore = int(first[32:49])
        total += ore
        payments.append((Decimal(ore) / 100, first[49:74].strip(), second[47:58]))
    if int(records[-3][24:41]) != total:
        raise ValueError("bad total")
    times["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    by_kid = {kid: row for row in open_rows if (kid := row[2])}
    by_party: dict[str, list[list[object]]] = {}
    for row in sorted(open_rows, key=lambda r: (r[4], r[5], r[0])):
        if row[5] <= payday:  # only what was posted by the payment date
            by_party.setdefault(row[1], []).append([row[0], row[3]])
    posted = []
    for amount, kid, account in payments:
        party = by_kid[kid][1] if kid in by_kid else parties.get(account)
        if party is not None:
            posted.append((amount, kid, party))
    times["import"] = time.perf_counter() - t
    t = time.perf_counter()
    # per invoice: [left, free (in no match), shared (spread over by one payment)]
    state = {row[0]: [row[3], row[6], False] for row in open_rows}
    placed = 0
    applied = Decimal(0)
    # KID payments first (they name their invoice), then the balance method
    posted.sort(key=lambda p: p[1] not in by_kid)
    for amount, kid, party in posted:
        if kid in by_kid:
            chosen = [by_kid[kid][0]]
        else:
            chosen = [i for i, _ in by_party.get(party, []) if state[i][0] > 0 and not state[i][2]]
            # oldest due first: the oldest in a match alone, else the free run up to one
            if chosen and not state[chosen[0]][1]:
                chosen = chosen[:1]
            else:
                run = 0
                while run < len(chosen) and state[chosen[run]][1]:
                    run += 1
                chosen = chosen[:run]
        left = amount
        used = []
        for invoice_id in chosen:
            if left <= 0:
                break
            entry = state[invoice_id]
            take = min(left, entry[0])
            if take > 0 and not entry[2]:
                entry[0] -= take
                left -= take
                used.append(entry)
        if used:
            placed += 1
            applied += amount - left
            if len(used) > 1:
                for entry in used:
                    entry[2] = True
            else:
                used[0][1] = False
    times["match"] = time.perf_counter() - t
    return times, placed, applied


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    ledger = make_ledger(args.entries, args.seed)
    data, parties = make_file(ledger, args.payments, args.seed)
    ours, our_count, our_total = run_reskontro(ledger, data, parties)
    base, base_count, base_total = run_baseline(ledger, data, parties)
    print(f"{args.payments:,} payments (OCR giro, {len(data) / 1e6:.1f} MB) against "
          f"{args.entries:,} entries; Python {sys.version.split()[0]}")
    print(f"{'step':<8} {'reskontro s':>12} {'baseline s':>11} {'ratio':>7}")
    for step in ("parse", "import", "match"):
        print(f"{step:<8} {ours[step]:>12.3f} {base[step]:>11.3f} "
              f"{ours[step] / base[step]:>6.2f}x")
    total_ours, total_base = sum(ours.values()), sum(base.values())
    print(f"{'total':<8} {total_ours:>12.3f} {total_base:>11.3f} {total_ours / total_base:>6.2f}x")
    agree = our_count == base_count and our_total == base_total
    print(f"placed: reskontro {our_count:,} ({our_total} NOK), baseline {base_count:,} "
          f"({base_total} NOK): {'agree' if agree else 'DISAGREE'}")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
