"""Fast checks of the benchmark code: the workload, the baseline, the script (no timing)."""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> tuple[ModuleType, ModuleType, ModuleType]:
    """The modules workload, baseline and bench_core, imported from benchmarks/."""
    sys.path.insert(0, str(BENCH_DIR))
    try:
        names = ("workload", "baseline", "bench_core")
        workload, baseline, bench_core = (importlib.import_module(name) for name in names)
    finally:
        sys.path.remove(str(BENCH_DIR))
    return workload, baseline, bench_core


def test_generator_is_deterministic(bench: tuple[ModuleType, ...]) -> None:
    """The same size and seed give identical rows and groups; another seed does not."""
    workload = bench[0]
    a = workload.generate(3_000, seed=11)
    b = workload.generate(3_000, seed=11)
    c = workload.generate(3_000, seed=12)
    assert a.rows == b.rows
    assert a.groups == b.groups
    assert a.status == b.status
    assert a.rows != c.rows


def test_generator_makes_exactly_n_raw_rows(bench: tuple[ModuleType, ...]) -> None:
    """Every size gives exactly that many rows of plain str/Decimal/date values."""
    workload = bench[0]
    for n in (1, 2, 3, 7, 100, 1_001):
        w = workload.generate(n, seed=5)
        assert len(w.rows) == n
        assert len({row.id for row in w.rows}) == n
    row = workload.generate(10, seed=5).rows[0]
    assert type(row.amount) is Decimal
    assert type(row) is workload.Row
    assert isinstance(row, tuple)


def test_generator_shares(bench: tuple[ModuleType, ...]) -> None:
    """About 80 % of invoices are fully settled, 10 % partly, 10 % unpaid, ~3 % credited."""
    workload = bench[0]
    w = workload.generate(40_000, seed=2026)
    shares = Counter(w.status.values())
    invoices = len(w.status)
    assert shares[workload.FULL] / invoices == pytest.approx(0.80, abs=0.015)
    assert shares[workload.PARTIAL] / invoices == pytest.approx(0.10, abs=0.01)
    assert shares[workload.UNPAID] / invoices == pytest.approx(0.10, abs=0.01)
    credit_notes = sum(1 for row in w.rows if row.kind == workload.CREDIT_NOTE)
    assert credit_notes / invoices == pytest.approx(0.03, abs=0.006)
    parties = {row.party for row in w.rows}
    assert len(parties) > 8_500  # ~21 000 invoices spread over the 10 000 parties
    assert min(parties) >= "10000"
    assert max(parties) <= "19999"


def test_kids_pass_luhn_and_dues(bench: tuple[ModuleType, ...]) -> None:
    """Every invoice has a unique 9-12 digit MOD10 KID and is due 14 or 30 days after its date."""
    workload = bench[0]
    assert workload.luhn_check_digit("7992739871") == "3"
    assert workload.luhn_valid("79927398713")
    assert not workload.luhn_valid("79927398714")
    invoices = [row for row in workload.generate(5_000, seed=3).rows
                if row.kind == workload.INVOICE]
    kids = [row.reference for row in invoices]
    assert len(set(kids)) == len(kids)
    for row in invoices:
        assert 9 <= len(row.reference) <= 12
        assert workload.luhn_valid(row.reference)
        assert (row.due - row.posted).days in (14, 30)


def test_groups_reference_existing_entries(bench: tuple[ModuleType, ...]) -> None:
    """Each group is an invoice with its payment and/or credit note, same party, used once."""
    workload = bench[0]
    w = workload.generate(5_000, seed=9)
    by_id = {row.id: row for row in w.rows}
    seen: set[str] = set()
    for group in w.groups:
        assert by_id[group[0]].kind == workload.INVOICE
        assert 2 <= len(group) <= 3
        assert len({by_id[i].party for i in group}) == 1
        assert not seen.intersection(group)
        seen.update(group)
        if w.status[group[0]] == workload.FULL:
            assert sum(by_id[i].amount for i in group) == 0
    assert seen | {i for i, s in w.status.items() if s == workload.UNPAID} == set(by_id)


def test_baseline_and_reskontro_agree(bench: tuple[ModuleType, ...]) -> None:
    """At 2 000 entries both engines give the same balances, open-item count and remaining."""
    workload, baseline, bench_core = bench
    w = workload.generate(2_000, seed=2026)
    rk, ledger = bench_core.run_reskontro(w)
    base = bench_core.run_baseline(w)
    assert rk.balances == base.balances
    assert len(rk.balances) > 1_000
    assert rk.open_count == base.open_count
    assert rk.open_remaining == base.open_remaining
    assert bench_core.agree(rk, base)
    expected_open = sum(1 for s in w.status.values() if s != workload.FULL)
    assert rk.open_count == expected_open
    assert ledger.open_items().ids == tuple(
        i for i, _ in baseline.open_items(_baseline_store(baseline, w))[0]
    )


def _baseline_store(baseline: ModuleType, w: Any) -> Any:
    """The baseline store of a workload, posted and matched."""
    store = baseline.post(baseline.validate(w.rows))
    baseline.match(store, w.groups)
    return store


def test_baseline_refuses_bad_rows(bench: tuple[ModuleType, ...]) -> None:
    """The baseline's minimal checks refuse a float amount, 3 decimals and a duplicate id."""
    workload, baseline, _ = bench
    row = workload.generate(1, seed=1).rows[0]
    with pytest.raises(baseline.BaselineError):
        baseline.validate([row._replace(amount=12.5)])
    with pytest.raises(baseline.BaselineError):
        baseline.validate([row._replace(amount=Decimal("1.005"))])
    with pytest.raises(baseline.BaselineError):
        baseline.post(baseline.validate([row, row]))


def test_bench_core_quick_runs(
    bench: tuple[ModuleType, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``bench_core.py --quick`` runs to completion and writes its tables."""
    bench_core = bench[2]
    out = tmp_path / "bench.md"
    assert bench_core.main(["--quick", "--gc-off", "--markdown", str(out)]) == 0
    text = capsys.readouterr().out
    assert "end to end" in text
    assert "Results agree (balances, open items, remaining): yes" in text
    md = out.read_text(encoding="utf-8")
    assert "| end to end |" in md
    assert "one more match" in md
    assert "peak memory" in md
    assert "garbage collector disabled" in md


def test_payments_benchmark_runs_and_both_engines_agree(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """bench_payments at a tiny size: reskontro and the baseline place the same payments."""
    sys.path.insert(0, str(BENCH_DIR))
    try:
        bench_payments = importlib.import_module("bench_payments")
    finally:
        sys.path.remove(str(BENCH_DIR))
    assert bench_payments.main(["--entries", "6000", "--payments", "300"]) == 0
    assert "agree" in capsys.readouterr().out


def test_fx_benchmark_runs_and_checks_its_result(capsys: pytest.CaptureFixture[str]) -> None:
    """bench_fx at a tiny size: every match closes and realized FX = paid - booked."""
    sys.path.insert(0, str(BENCH_DIR))
    try:
        bench_fx = importlib.import_module("bench_fx")
    finally:
        sys.path.remove(str(BENCH_DIR))
    assert bench_fx.main(["--matches", "300"]) == 0
    assert "all closed: True" in capsys.readouterr().out


def test_collect_benchmark_runs_and_checks_its_result(capsys: pytest.CaptureFixture[str]) -> None:
    """bench_collect at a tiny size: aging adds up and every overdue invoice gets a notice."""
    sys.path.insert(0, str(BENCH_DIR))
    try:
        bench_collect = importlib.import_module("bench_collect")
    finally:
        sys.path.remove(str(BENCH_DIR))
    assert bench_collect.main(["--sizes", "3000"]) == 0
    out = capsys.readouterr().out
    assert "aging" in out
    assert "dunning" in out
    assert "checks (aging = balance, every overdue invoice noticed): ok" in out
