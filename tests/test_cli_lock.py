"""No lost updates: runs of ``reskontro match`` on one ledger file take turns.

``match`` holds an exclusive lock (``LEDGER.json.lock``, fcntl.flock) from
reading the ledger to renaming the new one over it. Concurrent imports into
one file all land; a run that cannot get the lock in time fails with one line
and writes nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reskontro import EntryKind, Ledger
from reskontro import cli as cli_module
from reskontro.cli import main
from test_atomic import ENV, big_ledger, camt

RUNS = 4
ROUNDS = 2


def imported_references(path: Path) -> set[str]:
    ledger = Ledger.from_dict(json.loads(path.read_text(encoding="utf-8")))
    return {item.entry.reference or "" for item in ledger.search(kind=EntryKind.PAYMENT)}


def test_concurrent_imports_into_one_ledger_all_land(tmp_path: Path) -> None:
    """ROUNDS x RUNS processes import one payment each into the same file at once: none is lost."""
    ledger = tmp_path / "ledger.json"
    kids = big_ledger(ledger, 50)
    expected: set[str] = set()
    for round_no in range(ROUNDS):
        processes = []
        for i in range(RUNS):
            number = round_no * RUNS + i
            bank_file = tmp_path / f"in{number}.xml"
            bank_file.write_bytes(camt(f"REF-{number}", kids[number]))
            expected.add(kids[number])
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "reskontro", "match", "--ledger", str(ledger),
                 "--camt", str(bank_file), "--out", str(ledger)],
                env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            ))
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert "imported               1" in out
    assert imported_references(ledger) == expected
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["ledger.json", "ledger.json.lock", *(f"in{n}.xml" for n in range(ROUNDS * RUNS))]
    )


@pytest.fixture
def ledger_and_payment(tmp_path: Path) -> tuple[Path, Path]:
    ledger = tmp_path / "ledger.json"
    kids = big_ledger(ledger, 3)
    bank_file = tmp_path / "in.xml"
    bank_file.write_bytes(camt("REF-1", kids[0]))
    return ledger, bank_file


def hold_lock(path: Path) -> int:
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


@pytest.mark.parametrize("locked", ["ledger", "out"])
def test_a_run_that_cannot_get_the_lock_fails_in_one_line_and_writes_nothing(
    ledger_and_payment: tuple[Path, Path], locked: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """Another run holds the lock of the ledger (or of --out): exit 2, nothing written."""
    ledger, bank_file = ledger_and_payment
    out = ledger.with_name("new.json")
    before = ledger.read_bytes()
    monkeypatch.setattr(cli_module, "_LOCK_WAIT", 0.2)
    fd = hold_lock(ledger if locked == "ledger" else out)
    try:
        code = main(["match", "--ledger", str(ledger), "--camt", str(bank_file),
                     "--out", str(out)])
    finally:
        os.close(fd)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "another run holds" in err
    assert "nothing was written" in err
    assert ledger.read_bytes() == before
    assert not out.exists()


def test_the_lock_is_released_after_a_run_and_after_a_refused_one(
    ledger_and_payment: tuple[Path, Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    ledger, bank_file = ledger_and_payment
    monkeypatch.setattr(cli_module, "_LOCK_WAIT", 0.0)
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<not camt/>")
    args = ["match", "--ledger", str(ledger), "--out", str(ledger)]
    assert main([*args, "--camt", str(broken)]) == 1
    assert main([*args, "--camt", str(bank_file)]) == 0
    assert main([*args, "--camt", str(bank_file)]) == 0  # imported before: nothing twice
    capsys.readouterr()
    os.close(hold_lock(ledger))  # free again
    assert len(imported_references(ledger)) == 1


def test_a_lock_file_that_cannot_be_made_is_a_one_line_error(
    ledger_and_payment: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger, bank_file = ledger_and_payment
    out = tmp_path / "missing" / "new.json"
    code = main(["match", "--ledger", str(ledger), "--camt", str(bank_file), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot create the lock file" in err
    assert err.count("\n") == 1


def test_a_ledger_in_a_read_only_directory_is_read_without_its_lock(
    ledger_and_payment: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only --out must be lockable: an input on a read-only file system still imports."""
    ledger, bank_file = ledger_and_payment
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes anywhere, except on a read-only mount
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                              capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
    try:
        (folder / "ledger.json").write_bytes(ledger.read_bytes())
        if os.geteuid() == 0:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            folder.chmod(0o555)
        out = tmp_path / "new.json"
        code = main(["match", "--ledger", str(folder / "ledger.json"), "--camt",
                     str(bank_file), "--out", str(out)])
        assert code == 0, capsys.readouterr().err
        assert os.listdir(folder) == ["ledger.json"]
        assert len(imported_references(out)) == 1
        assert (tmp_path / "new.json.lock").exists()
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(folder)], check=True)
        else:
            folder.chmod(0o755)
