"""A day on a stored 1 000 000-entry ledger: the event store against the JSON file and a dict.

Setup (timed, not a target): build the seeded workload of :mod:`workload`
(default 1 000 000 entries over 10 000 customers, posted and matched), append
it to a fresh SQLite store, and write the same ledger as a JSON file.

Then, in a fresh child process each (so every figure is a cold start and the
peak memory is that run's own):

* **store**: open the store lazily and answer one customer's balance; then a
  day: post 1 000 invoices and 1 000 payments paying them by KID, propose and
  apply the matches, append and commit; then that customer's ``as_of``
  balance, open items and period statement; a refused batch; one more post on
  an older value;
* **json**: today's path: read the JSON ledger, answer the same balance, do
  the same day, write the JSON ledger again;
* **dict**: a plain dict baseline: read the workload rows from a pickle, sum
  the customer's rows.

Run ``python benchmarks/bench_store.py [--size N] [--skip-json]``; a Markdown
table goes to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_core import build_entries  # noqa: E402
from reskontro import (  # noqa: E402
    Entry,
    Ledger,
    Money,
    PartyDetails,
    Statement,
    automatch,
)
from reskontro.exceptions import ReskontroError  # noqa: E402
from workload import generate  # noqa: E402


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def _day(ledger: Ledger, day: date) -> Ledger:
    """Post 1 000 invoices and 1 000 payments by KID; propose and apply the matches."""
    parties = [f"D{n:05d}" for n in range(1000)]
    invoices = [
        Entry.invoice(f"DAY-F{n}", party=party, amount=Money("1250.00", "NOK"), posted=day,
                      due=day + timedelta(days=14), reference=f"9{n:07d}")
        for n, party in enumerate(parties)
    ]
    payments = [
        Entry.payment(f"DAY-P{n}", party=party, amount=Money("-1250.00", "NOK"),
                      posted=day + timedelta(days=1), reference=f"9{n:07d}")
        for n, party in enumerate(parties)
    ]
    posted = ledger.post_many(invoices + payments)
    plan = automatch.propose(posted, payments=[p.id for p in payments])
    done = automatch.apply(posted, plan)
    assert not done.item("DAY-P0").is_open
    return done


def _queries(ledger: Ledger, party: str, middle: date) -> dict[str, float]:
    times: dict[str, float] = {}
    t = time.perf_counter()
    ledger.balance(party=party, as_of=middle)
    times["party as_of balance"] = time.perf_counter() - t
    t = time.perf_counter()
    ledger.open_items(party=party, as_of=middle + timedelta(days=1))
    times["party as_of open items"] = time.perf_counter() - t
    t = time.perf_counter()
    Statement.period(ledger, party, start=middle - timedelta(days=60),
                     as_of=middle + timedelta(days=2), creditor=PartyDetails(name="Bench AS"))
    times["party period statement"] = time.perf_counter() - t
    return times


def child(mode: str, path: str, party: str, middle: date, last: date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    gc.collect()
    start = time.perf_counter()
    if mode == "dict":
        with open(path, "rb") as handle:
            rows = pickle.load(handle)
        balance = sum((r.amount for r in rows if r.party == party), Decimal(0))
        out["open + one party's balance"] = time.perf_counter() - start
        out["balance"] = str(balance)
        out["peak_mb"] = _peak_mb()
        return out
    if mode == "store":
        from reskontro.store import open_store

        store = open_store(path)
        ledger = store.load(lazy=True)
    else:
        from reskontro.serialization import ledger_from_json

        ledger = ledger_from_json(Path(path).read_bytes())
    balance = ledger.balance(party=party).local
    out["open + one party's balance"] = time.perf_counter() - start
    out["balance"] = str(balance.amount)
    t = time.perf_counter()
    day = _day(ledger, last + timedelta(days=1))
    if mode == "store":
        appended = store.append(day, base=ledger)
        out["events appended"] = appended
    else:
        from reskontro._atomic import write_atomic

        write_atomic(path, json.dumps(day.to_dict(), separators=(",", ":")).encode())
    out["a day: post 2 000, match, save"] = time.perf_counter() - t
    out.update(_queries(day, party, middle))
    batch = [
        Entry.invoice(f"REFUSED-{n}", party=f"D{n:05d}", amount=Money("1", "NOK"), posted=last)
        for n in range(999)
    ] + [Entry.invoice("DAY-F0", party="D00000", amount=Money("1", "NOK"), posted=last)]
    t = time.perf_counter()
    with contextlib.suppress(ReskontroError):
        day.post_many(batch)
    out["refused batch (1 000 postings, the last a duplicate)"] = time.perf_counter() - t
    newer = day.post(Entry.invoice("NEWER", party=party, amount=Money("1", "NOK"), posted=last))
    t = time.perf_counter()
    day.post(Entry.invoice("OLDER", party=party, amount=Money("1", "NOK"), posted=last))
    out["one post on an older value"] = time.perf_counter() - t
    del newer
    out["peak_mb"] = _peak_mb()
    if mode == "store":
        store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-json", action="store_true")
    parser.add_argument("--child", nargs=5, metavar=("MODE", "PATH", "PARTY", "MIDDLE", "LAST"))
    args = parser.parse_args(argv)
    if args.child:
        mode, path, party, middle, last = args.child
        result = child(mode, path, party, date.fromisoformat(middle), date.fromisoformat(last))
        print(json.dumps(result))
        return 0

    from reskontro.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    setup: dict[str, float] = {}
    t = time.perf_counter()
    work = generate(args.size, args.seed)
    ledger = Ledger("NOK").post_many(build_entries(work.rows)).match_many(work.groups)
    setup["build the ledger (post_many + match_many)"] = time.perf_counter() - t
    party = work.rows[len(work.rows) // 2].party
    dates = sorted({r.posted for r in work.rows})
    middle, last = dates[len(dates) // 2], dates[-1]
    t = time.perf_counter()
    with open_store(tmp / "ledger.db") as store:
        store.append(ledger, base=Ledger("NOK"))
    setup["append the whole history to a new SQLite store"] = time.perf_counter() - t
    with open(tmp / "rows.pickle", "wb") as handle:
        pickle.dump(work.rows, handle, protocol=5)
    if not args.skip_json:
        t = time.perf_counter()
        (tmp / "ledger.json").write_bytes(
            json.dumps(ledger.to_dict(), separators=(",", ":")).encode()
        )
        setup["write the JSON ledger"] = time.perf_counter() - t
    size_db = os.path.getsize(tmp / "ledger.db") / 1e6
    del ledger, work
    gc.collect()
    results: dict[str, dict[str, Any]] = {}
    for mode, path in (("dict", tmp / "rows.pickle"), ("store", tmp / "ledger.db"),
                       *(() if args.skip_json else (("json", tmp / "ledger.json"),))):
        print(f"running {mode}...", file=sys.stderr)
        done = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(path), party, str(middle),
             str(last)], capture_output=True, text=True, check=True,
        )
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    balances = {m: r["balance"] for m, r in results.items()}
    print(f"\n## A day on a stored ledger of {args.size:,} entries (seed {args.seed})\n")
    print(f"load average: {os.getloadavg()}; SQLite store {size_db:.0f} MB; party {party}; "
          f"as_of {middle}, last day {last}\n")
    for name, seconds in setup.items():
        print(f"* setup, {name}: {seconds:.1f} s")
    print(f"* the party's balance agrees across the runs: {len(set(balances.values())) == 1} "
          f"({balances})\n")
    steps = [k for k in results["store"] if k not in ("balance", "peak_mb", "events appended")]
    modes = list(results)
    print("| step | " + " | ".join(modes) + " |")
    print("|:---|" + "---:|" * len(modes))
    for step in steps:
        cells = []
        for mode in modes:
            value = results[mode].get(step)
            cells.append("" if value is None else (
                f"{value * 1000:.1f} ms" if value < 10 else f"{value:.1f} s"))
        print(f"| {step} | " + " | ".join(cells) + " |")
    print("| peak memory (RSS) | " + " | ".join(
        f"{results[m]['peak_mb']:.0f} MB" for m in modes) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
