"""Shared test configuration: Hypothesis profiles, and the depth of the ledger state machines.

* ``dev`` (the default on a developer machine): few examples, fast feedback.
* ``ci-reskontro`` (when the ``CI`` environment variable is set): what CI runs
  on every submission. Not derandomized: ``.ci/run`` draws a new seed for every
  run and prints it, so each run explores new histories, and a failure is
  repeated with ``pytest --hypothesis-seed=<seed>`` (Hypothesis also prints the
  failing example and a ``@reproduce_failure`` blob). The two ledger state
  machines run at least 100 000 steps in all (see :data:`STATEFUL`); the
  summary at the end of the run counts them.
* ``thorough``: a long local hunt, ten times CI's depth or more.

``HYPOTHESIS_PROFILE=<name>`` picks a profile explicitly, e.g. ``ci-reskontro``
locally to reproduce a CI run.

Ledger tests build and replay many ledgers per example, so deadlines are off
and the too-slow health check is suppressed in every profile.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "dev",
    max_examples=30,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.register_profile(
    "ci-reskontro",
    parent=settings.get_profile("ci"),
    derandomize=False,
    database=None,
    print_blob=True,
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    stateful_step_count=100,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci-reskontro" if "CI" in os.environ else "dev"
)
settings.load_profile(PROFILE)

#: Runs (examples) of each ledger state machine per profile; each run takes up
#: to the profile's ``stateful_step_count`` steps. In CI: 2 100 + 1 300 runs of up
#: to 50 steps, which the step counter below shows to be over 100 000 steps.
STATEFUL: dict[str, dict[str, int]] = {
    "dev": {"LedgerMachine": 30, "SettlingLedgerMachine": 20},
    "ci-reskontro": {"LedgerMachine": 2100, "SettlingLedgerMachine": 1300},
    "thorough": {"LedgerMachine": 10_000, "SettlingLedgerMachine": 5_000},
}

#: Steps and runs the state machines took in this session, by machine.
STEPS: Counter[str] = Counter()
RUNS: Counter[str] = Counter()


def stateful_settings(machine: str) -> settings:
    """The settings of one ledger state machine under the loaded profile."""
    runs = STATEFUL.get(PROFILE, STATEFUL["dev"])[machine]
    return settings(settings.default, max_examples=runs)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how deep the state machines went, so a CI log shows it."""
    if not RUNS:
        return
    # invariants are checked once after the start of a run and once after every step
    steps = {name: STEPS[name] - RUNS[name] for name in RUNS}
    parts = [f"{name}: {steps[name]:,} steps in {RUNS[name]:,} runs" for name in sorted(RUNS)]
    terminalreporter.write_line(
        f"ledger state machines (profile {PROFILE}): " + "; ".join(parts)
        + f"; {sum(steps.values()):,} steps in all"
    )


# -- a throwaway PostgreSQL server for the event-store tests ------------------------------------

def _postgres_bin() -> str | None:
    """The directory of PostgreSQL's server programs (initdb, pg_ctl), or None."""
    found = shutil.which("pg_ctl")
    if found:
        return os.path.dirname(os.path.realpath(found))
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "pg_ctl")):
            return candidate
    return None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary directory, on a Unix socket there only.

    Yields the socket directory. Run as the ``postgres`` user when we are root
    (initdb refuses root). Stopped and removed at the end of the session.
    Skipped only when no PostgreSQL server programs are installed at all
    (``.ci/run`` installs them, so CI never skips).
    """
    pytest.importorskip("psycopg", reason="psycopg (the postgres extra) is not installed")
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server programs (initdb, pg_ctl) are installed")
    root = tempfile.mkdtemp(prefix="reskontro-pg-")
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd

        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = os.path.join(root, "data")

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    try:
        run(os.path.join(bindir, "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8", "--locale=C")
        run(os.path.join(bindir, "pg_ctl"), "-D", data, "-w", "-l", os.path.join(root, "log"),
            "-o", f"-c listen_addresses='' -k {root} -c fsync=off -c max_connections=60",
            "start")
    except subprocess.CalledProcessError as error:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(
            f"cannot start PostgreSQL: {error.stderr.decode(errors='replace')}"
        ) from None
    try:
        yield root
    finally:
        with contextlib.suppress(Exception):
            run(os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def postgres_database(server: str) -> str:
    """Create a new, empty database on *server*; return its ``postgresql://`` URL."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(f"host={server} user=postgres dbname=postgres",
                         autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return f"postgresql://postgres@/{name}?host={server}"


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """The URL of a new, empty database on the session's PostgreSQL server."""
    return postgres_database(postgres_server)
