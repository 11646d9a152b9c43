"""Benchmark: aging and a dunning run, against the open-items query, in one run.

Builds the core workload (:mod:`workload`: N entries over 10 000 customers,
posted and matched; not timed), then times on the same ledger:

* **open items**: ``ledger.open_items()`` and its ``.remaining`` total (the
  reference every ratio is stated against);
* **open items as of**: the same query ``as_of`` the report date (what aging
  and dunning read);
* **aging**: ``age(ledger, on)``: every open item into its bucket, per party;
* **dunning**: ``plan_dunning(ledger, NORWEGIAN_POLICY, on)``: the next step
  of every overdue invoice, with fees and the late-payment interest per item;
* **dunning, no interest**: the same with ``interest_rates=None``.

It prints seconds, microseconds per entry and the ratio to the open-items
query, and checks that the aging report adds up to the ledger's balance and
that the dunning run gave every overdue unpaid invoice a notice (or held it
back with a reason).

Run: ``python benchmarks/bench_collect.py [--sizes 1000000] [--on 2026-01-31]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from bench_core import ledger_of
from reskontro import Ledger
from reskontro.aging import age
from reskontro.dunning import NORWEGIAN_POLICY, DunningPolicy, plan_dunning
from workload import generate


def timed(step: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds of one call of *step* (after a full collection), and its result."""
    gc.collect()
    start = time.perf_counter()
    result = step()
    return time.perf_counter() - start, result


def run(size: int, seed: int, on: date) -> tuple[list[tuple[str, float]], bool]:
    """Time the steps at one size; return (step, seconds) pairs and whether the checks held."""
    work = generate(size, seed=seed)
    ledger: Ledger = ledger_of(work)
    del work
    ledger.as_of(on)  # the as-of view of the report date is cached by the first query below
    quiet = DunningPolicy(interest_rates=None)
    results: list[tuple[str, float]] = []
    seconds, items = timed(lambda: (lambda i: (i, i.remaining))(ledger.open_items()))
    results.append(("open items", seconds))
    seconds, _ = timed(lambda: ledger.open_items(as_of=on).remaining)
    results.append(("open items as of", seconds))
    seconds, report = timed(lambda: age(ledger, on))
    results.append(("aging", seconds))
    seconds, plan = timed(lambda: plan_dunning(ledger, NORWEGIAN_POLICY, on))
    results.append(("dunning", seconds))
    seconds, bare = timed(lambda: plan_dunning(ledger, quiet, on))
    results.append(("dunning, no interest", seconds))
    overdue = sum(
        1 for item in ledger.open_items(as_of=on)
        if item.kind.value == "invoice" and item.due is not None
        and (on - item.due).days >= NORWEGIAN_POLICY.reminder_after_days
    )
    noticed = sum(len(notice.lines) for notice in plan.notices)
    held = sum(len(h.entry_ids) for h in plan.held) + len(plan.skipped)
    ok = (
        report.grand_total == ledger.balance(as_of=on).local
        and noticed + held == overdue
        and sum(len(n.lines) for n in bare.notices) == noticed
    )
    print(f"  open items {len(items[0]):,}; aged {len(report.items):,}; "
          f"notices {len(plan.notices):,} for {noticed:,} invoices, {held:,} held back",
          file=sys.stderr)
    return results, ok


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print one table per size; exit 1 if a check fails."""
    parser = argparse.ArgumentParser(description="aging and dunning vs open items")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--on", type=date.fromisoformat, default=date(2026, 1, 31))
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}; report date {args.on}")
    all_ok = True
    for size in args.sizes:
        print(f"building {size:,} entries ...", file=sys.stderr)
        results, ok = run(size, args.seed, args.on)
        all_ok = all_ok and ok
        base = results[0][1]
        print(f"\n{size:,} entries")
        print(f"{'step':<22} {'seconds':>9} {'µs/entry':>9} {'x open items':>13}")
        for step, seconds in results:
            print(f"{step:<22} {seconds:9.3f} {seconds / size * 1e6:9.3f} "
                  f"{seconds / base:13.2f}")
        print(f"checks (aging = balance, every overdue invoice noticed): "
              f"{'ok' if ok else 'FAILED'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
