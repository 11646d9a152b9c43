"""Core benchmark of reskontro against a hand-written dict-and-loop baseline.

Usage::

    python benchmarks/bench_core.py [--sizes 100000 1000000] [--seed N] [--quick]
                                    [--markdown FILE] [--no-memory] [--repeat R]

For each size it generates one seeded workload (:mod:`workload`) and times,
in this one process, on the same raw rows:

a. build: reskontro ``Entry`` objects via the named constructors, versus the
   baseline's validated dict records;
b. post: ``Ledger("NOK").post_many(entries)``, versus storing by id and per
   sub-account with running sums;
c. match: ``ledger.match_many(groups)`` (every payment and credit note with
   its invoice, by explicit ids), versus applying the groups by hand;
d. balances: ``ledger.balances()``, versus the sorted per-sub-account sums;
e. open items: ``ledger.open_items()`` and its ``.remaining`` total, versus a
   list of (id, remaining) and its sum;

and the end-to-end total (a to e). Peak memory is measured apart, in a fresh
child process per size and engine (``resource.getrusage(RUSAGE_SELF).ru_maxrss``
at the end of the child), so that the timing runs are not disturbed and each
peak is that engine's alone. Finally it times single operations (one more
``post`` and one more ``match`` on the newest ledger value) on a ledger of
10 000 entries and on the largest ledger, and reports the ratio.

Only ``time.perf_counter`` is used; ``gc.collect()`` runs before every timed
step (the collector stays enabled during the step, as in real use). The
targets of DESIGN §7 are printed with PASS / MISS; nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import baseline
import reskontro
from reskontro import Entry, Ledger, Money, Side
from workload import CREDIT_NOTE, INVOICE, PAYMENT, Row, Workload, generate

STEPS: Final = ("build", "post", "match", "balances", "open items")
STEP_HELP: Final = {
    "build": "Entry objects from raw rows (named constructors) / validated dict records",
    "post": "Ledger('NOK').post_many(entries) / dicts by id and sub-account + sums",
    "match": "ledger.match_many(groups) / groups applied by hand",
    "balances": "ledger.balances() / sorted per-sub-account sums",
    "open items": "ledger.open_items().remaining / open (id, remaining) list + total",
}
#: Targets of DESIGN §7 (stated for 1 000 000 entries).
TARGET_SIZE: Final = 1_000_000
TARGET_E2E_SECONDS: Final = 10.0
TARGET_E2E_RATIO: Final = 3.0
TARGET_SINGLE_OP_RATIO: Final = 3.0
TARGET_PEAK_MB: Final = 1500.0  # 1.5 GB, in MB of 10**6 bytes

_SIDES: Final = {side.value: side for side in Side}
_CONSTRUCTORS: Final[dict[str, Callable[..., Entry]]] = {
    INVOICE: Entry.invoice,
    PAYMENT: Entry.payment,
    CREDIT_NOTE: Entry.credit_note,
}


# -- the two engines, step by step ----------------------------------------------------


def build_entries(rows: Sequence[Row]) -> list[Entry]:
    """Step a for reskontro: one Entry per raw row, through the named constructors."""
    sides = _SIDES
    ctors = _CONSTRUCTORS
    return [
        ctors[kind](
            entry_id,
            side=sides[side],
            party=party,
            account=account,
            amount=Money(amount, "NOK"),
            posted=posted,
            due=due,
            document_no=document_no,
            reference=reference,
        )
        for entry_id, kind, side, party, account, amount, posted, due, document_no, reference
        in rows
    ]


@dataclass
class Outcome:
    """What one engine computed and how long each step took (seconds)."""

    times: dict[str, float] = field(default_factory=dict)
    balances: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)
    open_count: int = 0
    open_remaining: Decimal = Decimal(0)

    @property
    def total(self) -> float:
        """End-to-end time: the sum of the steps."""
        return sum(self.times.values())


class _Clock:
    """Times consecutive steps: ``gc.collect()``, then ``perf_counter`` around the step."""

    def __init__(self, times: dict[str, float], collector: bool) -> None:
        self.times = times
        self.collector = collector
        self.start = 0.0

    def go(self) -> None:
        gc.collect()
        if not self.collector:
            gc.disable()
        self.start = time.perf_counter()

    def stop(self, step: str) -> None:
        self.times[step] = time.perf_counter() - self.start
        gc.enable()


def run_reskontro(work: Workload, *, collector: bool = True) -> tuple[Outcome, Ledger]:
    """Run steps a-e on reskontro; return the outcome and the final ledger.

    With ``collector=False`` the cyclic garbage collector is disabled during
    each step (a diagnostic: how much of the time is the collector's).
    """
    out = Outcome()
    clock = _Clock(out.times, collector)
    rows, groups = work.rows, work.groups
    clock.go()
    entries = build_entries(rows)
    clock.stop("build")
    clock.go()
    ledger = Ledger("NOK").post_many(entries)
    clock.stop("post")
    del entries
    clock.go()
    ledger = ledger.match_many(groups)
    clock.stop("match")
    clock.go()
    bals = ledger.balances()
    clock.stop("balances")
    clock.go()
    items = ledger.open_items()
    remaining = items.remaining
    clock.stop("open items")
    out.open_count, out.open_remaining = len(items), remaining.local.amount
    out.balances = {
        (sub.side.value, sub.party, sub.account): bal.local.amount for sub, bal in bals.items()
    }
    return out, ledger


def run_baseline(work: Workload, *, collector: bool = True) -> Outcome:
    """Run steps a-e on the dict-and-loop baseline (``collector`` as for reskontro)."""
    out = Outcome()
    clock = _Clock(out.times, collector)
    rows, groups = work.rows, work.groups
    clock.go()
    records = baseline.validate(rows)
    clock.stop("build")
    clock.go()
    store = baseline.post(records)
    clock.stop("post")
    del records
    clock.go()
    baseline.match(store, groups)
    clock.stop("match")
    clock.go()
    bals = baseline.balances(store)
    clock.stop("balances")
    clock.go()
    items, total = baseline.open_items(store)
    clock.stop("open items")
    out.open_count, out.open_remaining = len(items), total
    out.balances = bals
    return out


def agree(a: Outcome, b: Outcome) -> bool:
    """True when both engines found the same balances and open items."""
    return (
        a.balances == b.balances
        and a.open_count == b.open_count
        and a.open_remaining == b.open_remaining
    )


# -- single operations ---------------------------------------------------------------------


def ledger_of(work: Workload) -> Ledger:
    """The fully posted and matched reskontro ledger of a workload."""
    return Ledger("NOK").post_many(build_entries(work.rows)).match_many(work.groups)


def single_ops(ledger: Ledger, count: int, parties: int) -> tuple[float, float]:
    """Median seconds of one ``post`` and of one ``match`` on the newest ledger value.

    Posts *count* invoice/payment pairs one by one and matches each pair,
    always on the value the previous operation returned.
    """
    day = date(2026, 6, 1)
    pairs = []
    for i in range(count + 10):
        party = str(10_000 + i % parties)
        amount = Money(Decimal(1000 + i).scaleb(-2), "NOK")
        inv = Entry.invoice(f"XF{i}", party=party, amount=amount, posted=day,
                            due=day + timedelta(days=14), reference=None)
        pay = Entry.payment(f"XP{i}", party=party, amount=-amount, posted=day)
        pairs.append((inv, pay))
    posts: list[float] = []
    matches: list[float] = []
    clock = time.perf_counter
    gc.collect()
    for i, (inv, pay) in enumerate(pairs):
        t0 = clock()
        ledger = ledger.post(inv)
        t1 = clock()
        ledger = ledger.post(pay)
        t2 = clock()
        ledger = ledger.match([inv.id, pay.id])
        t3 = clock()
        if i >= 10:  # the first few warm up
            posts += (t1 - t0, t2 - t1)
            matches.append(t3 - t2)
    return statistics.median(posts), statistics.median(matches)


# -- memory, in a fresh child process --------------------------------------------------------


def _maxrss_mb() -> float:
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return maxrss / 1e6 if sys.platform == "darwin" else maxrss * 1024 / 1e6


def _proc_status_mb(key: str) -> float | None:
    """A ``kB`` field of /proc/self/status (Linux), in MB; None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024 / 1e6
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    On Linux, ``VmHWM`` (the high-water mark of this process image) is used:
    ``ru_maxrss`` survives ``exec``, so a child started by a big parent
    reports at least the parent's RSS at fork time. Elsewhere ``ru_maxrss``.
    """
    hwm = _proc_status_mb("VmHWM")
    return hwm if hwm is not None else _maxrss_mb()


def child_memory(engine: str, size: int, seed: int) -> dict[str, float | None]:
    """In a fresh process: generate the workload, run one engine, report RSS in MB.

    ``start``: RSS after imports; ``input``: RSS once the raw rows exist;
    ``peak``: the peak RSS of the whole process (input included).
    """
    start = _proc_status_mb("VmRSS")
    work = generate(size, seed)
    gc.collect()
    after_input = _proc_status_mb("VmRSS")
    if engine == "reskontro":
        kept: Any = run_reskontro(work)
    else:
        kept = run_baseline(work)
    peak = peak_rss_mb()
    del kept
    return {"start": start, "input": after_input, "peak": peak, "ru_maxrss": _maxrss_mb()}


def measure_memory(engine: str, size: int, seed: int) -> dict[str, float | None]:
    """Run :func:`child_memory` in a fresh interpreter and return its report."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-memory", engine,
           "--sizes", str(size), "--seed", str(seed)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# -- the run and its report ----------------------------------------------------------------


@dataclass
class SizeResult:
    """Everything measured for one size."""

    size: int
    invoices: int
    groups: int
    generate_seconds: float
    rk: Outcome
    base: Outcome
    agree: bool
    memory: dict[str, dict[str, float | None]] = field(default_factory=dict)


@dataclass
class Report:
    """The whole run."""

    header: list[str]
    sizes: list[SizeResult]
    single: dict[str, Any] = field(default_factory=dict)
    #: the largest size again with the collector disabled during each step (optional)
    gc_off: tuple[int, Outcome, Outcome] | None = None


def _fmt_s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds >= 0.01 else f"{seconds:.4f}"


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs).rstrip()

    return [line(head), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(
        ":---" if i == 0 else "---:" for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _size_rows(res: SizeResult) -> list[list[str]]:
    rows = []
    for step in (*STEPS, "end to end"):
        rk = res.rk.total if step == "end to end" else res.rk.times[step]
        base = res.base.total if step == "end to end" else res.base.times[step]
        rows.append([
            step,
            _fmt_s(rk),
            _fmt_s(base),
            f"{rk / base:.2f}x" if base else "-",
            f"{rk / res.size * 1e6:.2f}",
            f"{base / res.size * 1e6:.2f}",
        ])
    return rows


SIZE_HEAD: Final = [
    "step", "reskontro s", "baseline s", "ratio", "reskontro us/entry", "baseline us/entry"
]


def _scaling_rows(sizes: list[SizeResult]) -> list[list[str]]:
    """Per step: time per entry at each size, and growth beyond linear between sizes."""
    rows = []
    for step in (*STEPS, "end to end"):
        cells = [step]
        for res in sizes:
            t = res.rk.total if step == "end to end" else res.rk.times[step]
            cells.append(f"{t / res.size * 1e6:.2f}")
        first, last = sizes[0], sizes[-1]
        t0 = first.rk.total if step == "end to end" else first.rk.times[step]
        t1 = last.rk.total if step == "end to end" else last.rk.times[step]
        cells.append(f"{(t1 / t0) / (last.size / first.size):.2f}" if t0 else "-")
        rows.append(cells)
    return rows


def _targets(report: Report) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each DESIGN §7 target, at the largest size."""
    big = report.sizes[-1]
    at = "" if big.size == TARGET_SIZE else f" [measured at {big.size:,}, not {TARGET_SIZE:,}]"
    ratio = big.rk.total / big.base.total
    out = [
        (f"end to end under {TARGET_E2E_SECONDS:.0f} s{at}", f"{big.rk.total:.2f} s",
         big.rk.total < TARGET_E2E_SECONDS),
        (f"end to end within {TARGET_E2E_RATIO:.0f}x the baseline{at}", f"{ratio:.2f}x",
         ratio < TARGET_E2E_RATIO),
    ]
    mem = big.memory.get("reskontro")
    if mem is not None and mem.get("peak") is not None:
        peak = float(mem["peak"])  # type: ignore[arg-type]
        out.append((f"peak memory under {TARGET_PEAK_MB:.0f} MB{at}", f"{peak:.0f} MB",
                    peak < TARGET_PEAK_MB))
    single = report.single
    if single:
        for op in ("post", "match"):
            r = single[f"{op}_ratio"]
            name = (
                f"one more {op}: {single['big']:,} / {single['small']:,} entries under "
                f"{TARGET_SINGLE_OP_RATIO:.0f}"
            )
            out.append((name, f"{r:.2f}", r < TARGET_SINGLE_OP_RATIO))
    return out


def render(report: Report, markdown: bool) -> str:
    """The report as aligned plain text, or as Markdown."""
    table = _md_table if markdown else _table
    lines: list[str] = []
    if markdown:
        lines += ["## reskontro core benchmark", ""]
        lines += [f"- {h}" for h in report.header]
    else:
        lines += ["reskontro core benchmark", "=" * 24, *report.header]
    for res in report.sizes:
        title = (f"{res.size:,} entries ({res.invoices:,} invoices, {res.groups:,} match "
                 f"groups; workload generated in {res.generate_seconds:.1f} s, not timed)")
        lines += ["", f"### {title}" if markdown else title, ""]
        lines += table(SIZE_HEAD, _size_rows(res))
        verdict = "yes" if res.agree else "NO"
        lines += ["", f"Results agree (balances, open items, remaining): {verdict}"]
        if res.memory:
            mem_rows = []
            for engine in ("reskontro", "baseline"):
                m = res.memory.get(engine)
                if m is None:
                    continue
                peak, inp = m.get("peak"), m.get("input")
                mem_rows.append([
                    engine,
                    f"{inp:.0f}" if inp is not None else "-",
                    f"{peak:.0f}" if peak is not None else "-",
                    f"{peak - inp:.0f}" if peak is not None and inp is not None else "-",
                ])
            lines += [""]
            lines += table(
                ["peak memory (fresh child)", "RSS after input MB", "peak RSS MB",
                 "peak - input MB"],
                mem_rows,
            )
    if len(report.sizes) > 1:
        head = ["reskontro us/entry", *(f"{r.size:,}" for r in report.sizes),
                "growth vs linear"]
        lines += ["", "### Scaling" if markdown else "Scaling", ""]
        lines += table(head, _scaling_rows(report.sizes))
        lines += ["", "growth vs linear = (t_last / t_first) / (n_last / n_first); 1.00 is linear."]
    if report.gc_off is not None:
        size, rk_off, base_off = report.gc_off
        res = next(r for r in report.sizes if r.size == size)
        title = f"Diagnostic: {size:,} entries with the garbage collector disabled during each step"
        lines += ["", f"### {title}" if markdown else title, ""]
        off_rows = []
        for step in (*STEPS, "end to end"):
            on_rk = res.rk.total if step == "end to end" else res.rk.times[step]
            off_rk = rk_off.total if step == "end to end" else rk_off.times[step]
            on_b = res.base.total if step == "end to end" else res.base.times[step]
            off_b = base_off.total if step == "end to end" else base_off.times[step]
            off_rows.append([step, _fmt_s(on_rk), _fmt_s(off_rk), _fmt_s(on_b), _fmt_s(off_b),
                             f"{off_rk / off_b:.2f}x" if off_b else "-"])
        lines += table(["step", "reskontro gc on s", "reskontro gc off s", "baseline gc on s",
                        "baseline gc off s", "ratio gc off"], off_rows)
        lines += ["", "(one run each; not used for the targets)"]
    single = report.single
    if single:
        lines += ["", "### One more operation" if markdown else "One more operation", ""]
        lines += table(
            ["operation (median)", f"{single['small']:,} entries us",
             f"{single['big']:,} entries us", "ratio"],
            [
                ["post", f"{single['post_small'] * 1e6:.1f}", f"{single['post_big'] * 1e6:.1f}",
                 f"{single['post_ratio']:.2f}"],
                ["match", f"{single['match_small'] * 1e6:.1f}",
                 f"{single['match_big'] * 1e6:.1f}", f"{single['match_ratio']:.2f}"],
            ],
        )
        note = (
            f"({single['count']} invoice/payment pairs: two posts and one match each, "
            f"on the newest ledger value)"
        )
        lines += ["", note]
    lines += ["", "### Targets (DESIGN §7)" if markdown else "Targets (DESIGN §7)", ""]
    lines += table(["target", "measured", "result"],
                   [[t, m, _mark(ok)] for t, m, ok in _targets(report)])
    return "\n".join(lines) + "\n"


def _load() -> str:
    """The system load averages, to judge whether other work shared the CPUs."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def run(
    sizes: Sequence[int],
    seed: int,
    *,
    repeat: int = 1,
    memory: bool = True,
    single_base: int = 10_000,
    single_count: int = 300,
    gc_off: bool = False,
    log: Callable[[str], None] = print,
) -> Report:
    """Measure every size, the single operations and (optionally) peak memory."""
    sizes = sorted(sizes)
    version = getattr(reskontro, "__version__", "?")
    machine = (
        f"reskontro {version}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}, "
        f"os.cpu_count() = {os.cpu_count()}"
    )
    method = (
        f"seed {seed}; best of {repeat} per step; time.perf_counter; gc.collect() before "
        f"each step (collector enabled during it); peak memory = peak RSS (VmHWM) of a fresh "
        f"child process per size and engine"
    )
    header = [f"date: {datetime.now(tz=UTC).date().isoformat()}", machine, method,
              f"load average at start (1, 5, 15 min): {_load()}"]
    report = Report(header=header, sizes=[])
    memory_of: dict[int, dict[str, dict[str, float | None]]] = {size: {} for size in sizes}
    if memory:
        # first, while this process is still small
        for size in sizes:
            for engine in ("reskontro", "baseline"):
                memory_of[size][engine] = measure_memory(engine, size, seed)
                log(f"memory {size:,} {engine}: {memory_of[size][engine]}")
    last_ledger: Ledger | None = None
    for size in sizes:
        t0 = time.perf_counter()
        work = generate(size, seed)
        gen = time.perf_counter() - t0
        log(f"size {size:,}: generated in {gen:.1f} s")
        best_rk: Outcome | None = None
        best_base: Outcome | None = None
        for attempt in range(repeat):
            last_ledger = None
            # alternate which engine runs first, so neither always inherits the other's heap
            if attempt % 2 == 0:
                base = run_baseline(work)
                gc.collect()
                rk, last_ledger = run_reskontro(work)
            else:
                rk, last_ledger = run_reskontro(work)
                last_ledger = None
                gc.collect()
                base = run_baseline(work)
            log(f"  baseline  {base.total:.2f} s {base.times}")
            log(f"  reskontro {rk.total:.2f} s {rk.times}")
            if best_rk is None or best_base is None:
                best_rk, best_base = rk, base
            else:
                for step in STEPS:
                    best_rk.times[step] = min(best_rk.times[step], rk.times[step])
                    best_base.times[step] = min(best_base.times[step], base.times[step])
        assert best_rk is not None
        assert best_base is not None
        res = SizeResult(
            size=size,
            invoices=len(work.status),
            groups=len(work.groups),
            generate_seconds=gen,
            rk=best_rk,
            base=best_base,
            agree=agree(best_rk, best_base),
            memory=memory_of[size],
        )
        report.sizes.append(res)
        if gc_off and size == sizes[-1]:
            last_ledger = None
            gc.collect()
            base_off = run_baseline(work, collector=False)
            gc.collect()
            rk_off, last_ledger = run_reskontro(work, collector=False)
            log(f"  collector off: baseline {base_off.total:.2f} s, "
                f"reskontro {rk_off.total:.2f} s")
            report.gc_off = (size, rk_off, base_off)
        if size != sizes[-1]:
            last_ledger = None
        elif last_ledger is None:
            last_ledger = ledger_of(work)
        del work
        gc.collect()
    if last_ledger is not None:
        small_work = generate(single_base, seed)
        small = ledger_of(small_work)
        del small_work
        big_size = sizes[-1]
        post_s, match_s = single_ops(small, single_count, 10_000)
        post_b, match_b = single_ops(last_ledger, single_count, 10_000)
        report.single = {
            "small": single_base, "big": big_size, "count": single_count,
            "post_small": post_s, "post_big": post_b, "post_ratio": post_b / post_s,
            "match_small": match_s, "match_big": match_b, "match_ratio": match_b / match_s,
        }
        log(f"single ops: {report.single}")
        del small, last_ledger
        gc.collect()
    report.header.append(f"load average at end (1, 5, 15 min): {_load()}")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="numbers of entries (default: 100000 1000000)")
    parser.add_argument("--seed", type=int, default=2026, help="workload seed (default 2026)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes (2000 5000), a 1000-entry single-op ledger")
    parser.add_argument("--repeat", type=int, default=1,
                        help="repeat each size R times and keep the best time per step")
    parser.add_argument("--gc-off", action="store_true",
                        help="diagnostic: run the largest size once more with the garbage "
                             "collector disabled during each step")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the peak-memory child processes")
    parser.add_argument("--markdown", type=Path, default=None,
                        help="write the Markdown report to FILE instead of stdout")
    parser.add_argument("--child-memory", choices=("reskontro", "baseline"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_memory:
        print(json.dumps(child_memory(args.child_memory, args.sizes[0], args.seed)))
        return 0
    if args.repeat < 1 or any(n < 1 for n in args.sizes):
        parser.error("sizes and --repeat must be at least 1")
    sizes = [2_000, 5_000] if args.quick else args.sizes
    report = run(
        sizes,
        args.seed,
        repeat=args.repeat,
        memory=not args.no_memory,
        single_base=1_000 if args.quick else 10_000,
        single_count=50 if args.quick else 300,
        gc_off=args.gc_off,
        log=lambda msg: print(msg, file=sys.stderr, flush=True),
    )
    print()
    print(render(report, markdown=False))
    md = render(report, markdown=True)
    if args.markdown is not None:
        args.markdown.write_text(md, encoding="utf-8")
        print(f"Markdown report written to {args.markdown}")
    else:
        print("---- Markdown ----")
        print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
