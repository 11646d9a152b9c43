"""Crash-safe file writes and ledger locks for the command line (an edge module).

The engine never imports this module: it does no I/O. The command line
(:mod:`reskontro.cli`) writes every file through :func:`write_atomic` and
holds :func:`locked` around a run that reads and rewrites a ledger.

:func:`write_atomic` writes the new bytes to a temporary file in the target's
directory, flushes and fsyncs it, renames it over the target in one step and
fsyncs the directory. Whatever happens before the rename (an error, a full
disk, a file-size limit, a kill), the target keeps its previous bytes; after
the rename it holds the complete new bytes. On Linux the temporary file is
created unnamed (``O_TMPFILE``) and gets a name only for the moment before the
rename, so a killed run leaves nothing behind; a name left by a kill in that
moment (or on a system without ``O_TMPFILE``) carries the writer's process id
and the next write to the same target removes it once that process is gone.

>>> import os, shutil, tempfile
>>> folder = tempfile.mkdtemp()
>>> target = os.path.join(folder, "ledger.json")
>>> write_atomic(target, b"{}\\n")
>>> open(target, "rb").read(), os.listdir(folder)
(b'{}\\n', ['ledger.json'])
>>> shutil.rmtree(folder)
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

__all__ = ["LockError", "locked", "write_atomic"]

#: The suffix of a temporary file; its name is ``.<target>.<pid>.<random>.tmp``.
_TEMP: Final = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
#: The suffix of the lock file next to a ledger: ``LEDGER.json.lock``.
LOCK_SUFFIX: Final = ".lock"


class LockError(OSError):
    """The lock of a ledger file cannot be taken: another run holds it, or it cannot be made."""


def _fsync_directory(directory: str) -> None:
    """Make a rename in *directory* durable (where the system allows opening a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - not on POSIX systems
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a directory
        pass
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # pragma: no cover - another user's process: alive
        return True
    return True


def _sweep(directory: str, name: str) -> None:
    """Remove temporary files a killed writer of *name* left in *directory*."""
    try:
        names = os.listdir(directory)
    except OSError:  # pragma: no cover - the write itself reports the problem
        return
    for candidate in names:
        found = _TEMP.match(candidate)
        if found and found["target"] == name and not _alive(int(found["pid"])):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, candidate))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[: 1 << 20])
        view = view[written:]


def _mode(target: str) -> int:
    """The permission bits the new file gets: the old file's, or the umask's default."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> None:
    """Replace the file at *path* by *data*, all or nothing.

    *data* is the new bytes, or an iterable of pieces written one after the
    other as they come (a large document streamed without being joined in
    memory); an exception while they are produced leaves the target as it was.

    A symbolic link is followed: the file it points to is replaced. The new
    file keeps the permission bits of the one it replaces.

    Raises:
        OSError: the file cannot be written (the target is then unchanged and
            no temporary file is left).
    """
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    _sweep(directory, name)
    temp = os.path.join(directory, f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    mode = _mode(target)
    named = False
    fd = -1
    try:
        tmpfile = getattr(os, "O_TMPFILE", 0)
        if tmpfile and os.path.isdir("/proc/self/fd"):  # naming it later needs /proc
            try:
                fd = os.open(directory, tmpfile | os.O_WRONLY, mode)
            except OSError as error:  # the file system has no unnamed files
                if error.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                    raise
        if fd < 0:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(temp, flags, mode)
            named = True
        if hasattr(os, "fchmod"):  # POSIX: the old file's permissions, not mkstemp's
            os.fchmod(fd, mode)
        if isinstance(data, bytes | bytearray | memoryview):
            _write_all(fd, bytes(data))
        else:
            for piece in data:
                _write_all(fd, piece)
        os.fsync(fd)
        if not named:
            # linkat(2) follows the /proc link to the unnamed file only when
            # given a directory fd (plain link(2) would link the link itself)
            where = os.open(directory, os.O_RDONLY)
            try:
                os.link(f"/proc/self/fd/{fd}", temp, src_dir_fd=where, follow_symlinks=True)
            finally:
                os.close(where)
            named = True
        os.close(fd)
        fd = -1
        os.replace(temp, target)
        named = False
    except BaseException:
        if fd >= 0:
            os.close(fd)
        if named:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise
    _fsync_directory(directory)


def _lock_file(path: str) -> str:
    return os.path.realpath(path) + LOCK_SUFFIX


@contextlib.contextmanager
def locked(
    paths: Sequence[str | os.PathLike[str]],
    *,
    wait: float,
    optional: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[None]:
    """Hold an exclusive lock on each of *paths* (``PATH.lock`` files) for the block.

    The *optional* paths are locked too where their lock file can be made; in
    a directory we may not write to (a read-only input) they are skipped,
    since no run of ours can replace a file there either.

    The locks are taken in one order (by real path), so two runs that lock the
    same files never wait for each other forever. Each lock is waited for up
    to *wait* seconds. The lock files stay in place (removing one while
    another run waits on it would let a third run lock a new file); they are
    empty. Without ``fcntl`` (not a POSIX system) the block runs unlocked.

    Raises:
        LockError: a lock was not free within *wait* seconds, or a lock file
            cannot be created (its ``strerror`` says which and why).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not a POSIX system
        yield
        return
    held: list[int] = []
    required = {_lock_file(os.fspath(p)) for p in paths}
    every = required | {_lock_file(os.fspath(p)) for p in optional}
    try:
        for lock in sorted(every):
            try:
                fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as error:
                if lock not in required and error.errno in (
                    errno.EACCES, errno.EPERM, errno.EROFS
                ):
                    continue
                raise LockError(
                    error.errno, f"cannot create the lock file {lock!r}: {error.strerror}"
                ) from None
            held.append(fd)
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockError(
                            errno.EWOULDBLOCK,
                            f"another run holds {lock!r}; try again when it has finished",
                        ) from None
                    time.sleep(0.02)
        yield
    finally:
        for fd in reversed(held):
            os.close(fd)  # closing releases the lock
