"""Crash-safe writes: a killed, failed or limited write leaves the old file and nothing else.

Every file the command line writes goes through ``reskontro._atomic.write_atomic``.
These tests kill writers with SIGKILL at random moments of large writes, fill a
real (tmpfs) file system, and run under a file-size limit; each time the
target must hold either its old bytes or the complete new bytes, and no
temporary file may be left.
"""

from __future__ import annotations

import errno
import json
import os
import random
import resource
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import reskontro
from reskontro import _atomic
from reskontro._atomic import write_atomic
from reskontro.cli import main
from reskontro.demo import build_demo_ledger

SRC = str(Path(reskontro.__file__).resolve().parents[1])
ENV = {**os.environ, "PYTHONPATH": SRC, "PYTHONDONTWRITEBYTECODE": "1"}
OLD = b'{"old": "the previous ledger"}\n'

#: Kills of the writer loop per run, and the size of each of its writes.
KILLS = 24
SIZE = 2 << 20


def payload(n: int) -> bytes:
    """The n-th complete content the writer loop writes: recognisable from its first line."""
    return f"{n:09d}\n".encode() * (SIZE // 10)


def leftovers(folder: Path, *keep: str) -> set[str]:
    return set(os.listdir(folder)) - set(keep)


# -- the helper itself ------------------------------------------------------------------------


def test_a_write_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "ledger.json"
    target.write_bytes(OLD)
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path, "ledger.json") == set()


def test_a_symbolic_link_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(OLD)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named temp file"])
def test_an_error_in_the_middle_of_a_write_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unnamed: bool
) -> None:
    """The write fails after the first MiB: the old bytes stay, the temporary file goes."""
    if not unnamed:
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    target = tmp_path / "ledger.json"
    target.write_bytes(OLD)
    real_write = os.write
    calls = []

    def failing(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.EIO, "injected I/O error")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", failing)
    with pytest.raises(OSError, match="injected"):
        write_atomic(target, b"x" * (3 << 20))
    monkeypatch.undo()
    assert len(calls) == 2
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, "ledger.json") == set()


@pytest.mark.parametrize("error", [KeyboardInterrupt, MemoryError])
def test_an_interrupt_before_the_rename_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException]
) -> None:
    """Even an exception that is not an OSError leaves the old file and removes the temp file."""
    target = tmp_path / "ledger.json"
    target.write_bytes(OLD)

    def interrupted(src: object, dst: object) -> None:
        raise error

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(error):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, "ledger.json") == set()


def test_a_temporary_file_of_a_dead_writer_is_removed_by_the_next_write(tmp_path: Path) -> None:
    """A kill between naming the temp file and the rename leaves it; the next write sweeps it."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".ledger.json.{dead.stdout.strip()}.0123abcd.tmp"
    stale.write_bytes(b"half")
    live = tmp_path / f".ledger.json.{os.getppid()}.0123abcd.tmp"  # a running process's
    live.write_bytes(b"busy")
    other = tmp_path / f".other.json.{dead.stdout.strip()}.0123abcd.tmp"  # another target's
    other.write_bytes(b"other")
    write_atomic(tmp_path / "ledger.json", b"new")
    assert leftovers(tmp_path, "ledger.json") == {live.name, other.name}


def test_a_write_into_a_missing_directory_raises_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "nowhere" / "ledger.json", b"new")
    assert leftovers(tmp_path) == set()


# -- SIGKILL at random moments ----------------------------------------------------------------

WRITER = textwrap.dedent(
    f"""
    import importlib.util, sys
    # the module alone, without the package: a writer that starts in milliseconds
    spec = importlib.util.spec_from_file_location("_atomic", sys.argv[2])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    write_atomic = module.write_atomic
    target = sys.argv[1]
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        write_atomic(target, f"{{n:09d}}\\n".encode() * ({SIZE} // 10))
    """
)


def test_sigkill_at_random_moments_leaves_old_or_complete_new_bytes(tmp_path: Path) -> None:
    """KILLS writers, each rewriting a 2 MiB file in a loop, are killed at random moments."""
    seed = os.environ.get("RESKONTRO_KILL_SEED") or str(random.randrange(1 << 32))
    print(f"kill seed {seed} (RESKONTRO_KILL_SEED={seed} repeats it)")
    rng = random.Random(seed)
    complete = 0
    for i in range(KILLS):
        folder = tmp_path / f"w{i}"
        folder.mkdir()
        (folder / "ledger.json").write_bytes(OLD)
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder / "ledger.json"), _atomic.__file__],
            stdout=subprocess.PIPE, env=ENV,
        )
        assert process.stdout is not None
        assert process.stdout.readline() == b"ready\n"
        if i % 4 == 3:  # every fourth kill comes after at least one complete write
            deadline = time.monotonic() + 30
            while (folder / "ledger.json").read_bytes()[:9] == OLD[:9]:
                assert time.monotonic() < deadline, "the writer wrote nothing in 30 s"
                time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.12))
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        assert process.returncode == -signal.SIGKILL
        data = (folder / "ledger.json").read_bytes()
        if data != OLD:
            assert data == payload(int(data[:9])), "a partial file replaced the ledger"
            complete += 1
        left = leftovers(folder, "ledger.json")
        # nothing is left, except (rarely) a complete file named in the moment before its rename
        assert all(payload(int((folder / name).read_bytes()[:9])) == (folder / name).read_bytes()
                   for name in left)
        write_atomic(folder / "ledger.json", b"after")
        assert leftovers(folder, "ledger.json") == set()
    assert complete > 0, "no kill came after a complete write: the test proves little"


def big_ledger(path: Path, invoices: int) -> list[str]:
    """Save a ledger of *invoices* open invoices with KIDs; return the KIDs."""
    from datetime import date

    from reskontro import Entry, Ledger, Money
    from reskontro.kid import generate

    kids = [generate(f"{i:08d}") for i in range(1, invoices + 1)]
    ledger = Ledger("NOK").post_many(
        Entry.invoice(f"F-{i}", party=f"{10000 + i % 50}", amount=Money("100", "NOK"),
                      posted=date(2025, 1, 2), reference=kid)
        for i, kid in enumerate(kids, start=1)
    )
    path.write_text(json.dumps(ledger.to_dict()), encoding="utf-8")
    return kids


def camt(reference: str, kid: str, amount: str = "100.00") -> bytes:
    """A camt.054 notification of one KID payment."""
    return textwrap.dedent(f"""\
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
         <BkToCstmrDbtCdtNtfctn>
          <GrpHdr><MsgId>{reference}</MsgId><CreDtTm>2025-01-15T06:00:00</CreDtTm></GrpHdr>
          <Ntfctn>
           <Id>{reference}</Id><CreDtTm>2025-01-15T06:00:00</CreDtTm>
           <Acct><Id><Othr><Id>86011117947</Id></Othr></Id><Ccy>NOK</Ccy></Acct>
           <Ntry>
            <Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
            <BookgDt><Dt>2025-01-15</Dt></BookgDt>
            <NtryDtls><TxDtls>
             <Refs><AcctSvcrRef>{reference}</AcctSvcrRef></Refs>
             <AmtDtls><TxAmt><Amt Ccy="NOK">{amount}</Amt></TxAmt></AmtDtls>
             <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>
              <Ref>{kid}</Ref></CdtrRefInf></Strd></RmtInf>
            </TxDtls></NtryDtls>
           </Ntry>
          </Ntfctn>
         </BkToCstmrDbtCdtNtfctn>
        </Document>
        """).encode()


def test_sigkill_of_the_match_command_rewriting_its_ledger(tmp_path: Path) -> None:
    """``match --out LEDGER`` rewriting its own input, killed at random: old or new bytes."""
    rng = random.Random(13)
    source = tmp_path / "source.json"
    kids = big_ledger(source, 300)
    old = source.read_bytes()
    (tmp_path / "in.xml").write_bytes(camt("REF-1", kids[0]))
    command = [sys.executable, "-m", "reskontro", "match", "--ledger", "ledger.json",
               "--camt", "../in.xml", "--out", "ledger.json"]
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "ledger.json").write_bytes(old)
    started = time.monotonic()
    subprocess.run(command, cwd=reference, env=ENV, check=True, capture_output=True)
    took = time.monotonic() - started
    new = (reference / "ledger.json").read_bytes()
    assert new != old
    for i in range(3):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        (folder / "ledger.json").write_bytes(old)
        process = subprocess.Popen(command, cwd=folder, env=ENV, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.7, 1.0) * took)  # late in the run, where it writes
        process.kill()
        process.wait()
        assert (folder / "ledger.json").read_bytes() in (old, new)
        assert leftovers(folder, "ledger.json", "ledger.json.lock") == set()


# -- a full file system and a file-size limit ---------------------------------------------------


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs mounted for the test (needs root and mount; skipped otherwise)."""
    mountpoint = tmp_path / "fs"
    mountpoint.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mountpoint)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=True)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of *folder* until about *leave* bytes are free."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    (folder / "filler").write_bytes(b"\0" * max(0, free - leave))


def test_a_full_file_system_leaves_the_ledger_intact(small_tmpfs: Path) -> None:
    target = small_tmpfs / "ledger.json"
    target.write_bytes(OLD)
    fill(small_tmpfs, 64 << 10)
    with pytest.raises(OSError) as raised:
        write_atomic(target, b"y" * (200 << 10))
    assert raised.value.errno == errno.ENOSPC
    assert target.read_bytes() == OLD
    assert leftovers(small_tmpfs, "ledger.json", "filler") == set()


def test_the_command_line_on_a_full_file_system_exits_2_and_changes_nothing(
    small_tmpfs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``demo --save-ledger`` needs 14 KB; 8 KB are free: one line, exit 2, the old file stays."""
    target = small_tmpfs / "demo.json"
    target.write_bytes(OLD)
    fill(small_tmpfs, 8 << 10)
    assert main(["demo", "--save-ledger", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "No space left on device" in err
    assert "unchanged" in err
    assert target.read_bytes() == OLD
    assert leftovers(small_tmpfs, "demo.json", "filler") == set()


def limit_file_size(limit: int) -> None:
    """In the child: a file-size limit, with SIGXFSZ ignored so a write fails with EFBIG."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_file_size_limit_leaves_the_ledger_intact(tmp_path: Path) -> None:
    """The demo ledger (14 KB) under a 4 KB limit: exit 2, one line, the old file unchanged."""
    target = tmp_path / "demo.json"
    target.write_bytes(OLD)
    done = subprocess.run(
        [sys.executable, "-m", "reskontro", "demo", "--save-ledger", str(target)],
        env=ENV, capture_output=True, text=True, preexec_fn=lambda: limit_file_size(4096),
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("reskontro: error: cannot write")
    assert "File too large" in done.stderr
    assert done.stderr.count("\n") == 1
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, "demo.json") == set()


def test_without_a_limit_the_same_run_writes_the_ledger(tmp_path: Path) -> None:
    """The control for the limit test: the same command writes the complete demo ledger."""
    target = tmp_path / "demo.json"
    target.write_bytes(OLD)
    assert main(["demo", "--save-ledger", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == build_demo_ledger().to_dict()
    assert leftovers(tmp_path, "demo.json") == set()


def test_the_module_is_an_edge_the_engine_never_imports() -> None:
    """Only the command line imports the write helper: the engine does no I/O."""
    src = Path(_atomic.__file__).parent
    importers = {
        path.name for path in src.rglob("*.py")
        if "_atomic" in path.read_text(encoding="utf-8") and path.name != "_atomic.py"
    }
    assert importers == {"cli.py"}


def test_the_command_line_writes_files_only_through_the_helper() -> None:
    """No ``open(..., "w")`` in cli.py: a new output cannot bypass the atomic write by accident."""
    import ast

    from reskontro import cli

    tree = ast.parse(Path(cli.__file__).read_text(encoding="utf-8"))
    opened = [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open"
    ]
    modes = [ast.literal_eval(node.args[1]) if len(node.args) > 1 else "r" for node in opened]
    assert modes == ["rb"]
    writes = [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in {"write_text", "write_bytes"}
    ]
    assert writes == []
