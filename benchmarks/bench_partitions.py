"""The partitioned ledger on a large book: history per party, old values, a day's work.

Builds the seeded workload of :mod:`workload` (default 1 000 000 entries over
10 000 customers, posted and matched), then times, each against a plain dict
baseline in the same run where one exists:

* one party's ``as_of`` balance, open items and period statement on a date in
  the middle of the history (the first, uncached call);
* the same balance from the newest value, and from a dict scan of the party's rows;
* a whole-ledger ``as_of`` (every event replayed up to the date);
* ``match_many`` of 1 000 groups whose last group is refused;
* one more post on an older value (the ledger before the last operation);
* reading ``ledger.events`` and pickling the ledger;
* a day: post 1 000 invoices and 1 000 payments paying them by KID, plan the
  receipts' matches with ``automatch.propose(payments=...)`` and apply them,
  on this ledger and on a 10 000-entry one (the ratio shows O(day)).

Run ``python benchmarks/bench_partitions.py [--size N]``; the report is a
Markdown table on stdout and peak memory (``ru_maxrss``) at the end.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import resource
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import build_entries
from reskontro import Entry, Ledger, Money, PartyDetails, Side, Statement, automatch
from reskontro.exceptions import ReskontroError
from workload import generate


def timed(step: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = step()
    return time.perf_counter() - start, result


def build(size: int, seed: int) -> tuple[Ledger, Any]:
    work = generate(size, seed)
    ledger = Ledger("NOK").post_many(build_entries(work.rows))
    return ledger.match_many(work.groups), work


def day_of_work(ledger: Ledger, day: date, tag: str) -> tuple[float, Ledger]:
    """Post 1 000 invoices and 1 000 payments by KID, propose and apply the matches."""
    parties = ledger.parties(side=Side.RECEIVABLE)[:1000]
    invoices = [
        Entry.invoice(f"D{tag}-F{n}", party=party, amount=Money("1250.00", "NOK"), posted=day,
                      due=day + timedelta(days=14), reference=f"9{n:07d}")
        for n, party in enumerate(parties)
    ]
    payments = [
        Entry.payment(f"D{tag}-P{n}", party=party, amount=Money("-1250.00", "NOK"),
                      posted=day + timedelta(days=1), reference=f"9{n:07d}")
        for n, party in enumerate(parties)
    ]

    def run() -> Ledger:
        posted = ledger.post_many(invoices + payments)
        plan = automatch.propose(posted, payments=[p.id for p in payments])
        return automatch.apply(posted, plan)

    seconds, done = timed(run)
    assert all(not done.item(p.id).is_open for p in payments[:50])
    return seconds, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    rows: list[tuple[str, float, str]] = []

    def row(name: str, seconds: float, note: str = "") -> None:
        rows.append((name, seconds, note))
        print(f"{name}: {seconds * 1000:.1f} ms {note}", file=sys.stderr)

    build_s, (ledger, work) = timed(lambda: build(args.size, args.seed))
    row("build (post_many + match_many)", build_s)
    party = work.rows[len(work.rows) // 2].party
    dates = sorted({r.posted for r in work.rows})
    middle = dates[len(dates) // 2]

    # a dict baseline: the party's balance as of a date from its raw rows
    by_party: dict[str, list[Any]] = {}
    for r in work.rows:
        by_party.setdefault(r.party, []).append(r)
    base_s, base_balance = timed(
        lambda: sum((r.amount for r in by_party[party] if r.posted <= middle), Decimal(0))
    )
    row("dict baseline: one party's balance as of a date", base_s)

    now_s, _ = timed(lambda: ledger.balance(party=party))
    row("party balance, newest value", now_s)
    bal_s, balance = timed(lambda: ledger.balance(party=party, as_of=middle))
    assert balance.local.amount == base_balance, (balance, base_balance)
    row("party balance as_of (first call)", bal_s, "target < 20 ms")
    open_s, _ = timed(lambda: ledger.open_items(party=party, as_of=middle + timedelta(days=1)))
    row("party open items as_of (first call)", open_s, "target < 20 ms")
    st_s, _ = timed(lambda: Statement.period(
        ledger, party, start=middle - timedelta(days=60), as_of=middle + timedelta(days=2),
        creditor=PartyDetails(name="Benchmark AS"),
    ))
    row("party period statement as_of (first call)", st_s, "target < 20 ms")

    whole_s, _ = timed(lambda: ledger.as_of(middle + timedelta(days=3)).event_count)
    row("whole-ledger as_of (replay to the date)", whole_s)

    # 999 groups of open entries, then one naming an entry that does not exist
    open_ids = [i.id for i in ledger.open_items() if i.match_id is None][:999]
    refuse_groups = [[i] for i in open_ids] + [["no-such-entry"]]

    def refused() -> None:
        try:
            ledger.match_many(refuse_groups)
        except ReskontroError:
            return
        raise AssertionError("the batch was not refused")

    ref_s, _ = timed(refused)
    row(f"match_many of {len(refuse_groups)} groups, the last refused", ref_s, "O(batch)")

    newer = ledger.post(Entry.invoice("NEW-1", party=party, amount=Money("1", "NOK"),
                                      posted=dates[-1]))
    old2_s, _ = timed(lambda: ledger.post(Entry.invoice(
        "OLD-2", party=party, amount=Money("10", "NOK"), posted=dates[-1]
    )))
    row("one post on an older value (a newer one exists)", old2_s, "O(batch)")
    del newer

    ev_s, events = timed(lambda: ledger.events)
    row(f"read ledger.events ({len(events)} events)", ev_s)
    del events
    pk_s, blob = timed(lambda: pickle.dumps(ledger, protocol=5))
    row(f"pickle.dumps ({len(blob) / 1e6:.0f} MB)", pk_s)
    del blob

    day_s, _ = day_of_work(ledger, dates[-1] + timedelta(days=1), "big")
    row(f"a day on {args.size} entries: post 2 000, propose, match", day_s, "target < 1 s")
    small, _ = build(10_000, args.seed)
    small_s, _ = day_of_work(small, dates[-1] + timedelta(days=1), "small")
    row("the same day on 10 000 entries", small_s, f"ratio {day_s / small_s:.2f}x")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n## Partitioned ledger, {args.size} entries (seed {args.seed})\n")
    print("| step | time | note |")
    print("|:---|---:|:---|")
    for name, seconds, note in rows:
        shown = f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"
        print(f"| {name} | {shown} | {note} |")
    print(f"\nPeak memory of the run (ru_maxrss): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
