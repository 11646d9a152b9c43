"""The ledger state machines of test_ledger_stateful, driven through an event store.

After every step the machine's ledger is appended to a SQLite store (with the
ledger stored before it as the base), the store is reopened, and the ledger it
loads must equal the machine's: every kind of history the machines make
(posts, matches, extensions, removals, dissolutions, reversals, due dates,
settlements, revaluations, adjustments) round-trips through the store, one
step at a time. Fewer runs than the machines themselves: each step writes and
rereads a file.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis.stateful import invariant

from conftest import PROFILE
from reskontro import Ledger
from reskontro.store import open_store
from test_ledger_stateful import LedgerMachine, SettlingLedgerMachine

#: Runs of each machine: a few on a developer machine, more in CI.
RUNS = {"dev": 10, "ci-reskontro": 40, "thorough": 200}.get(PROFILE, 10)


class _ThroughStore:
    """Mixin: keep a store in step with the machine's ledger."""

    ledger: Ledger

    def _open_store(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="reskontro-store-")
        self.path = str(Path(self.folder) / "ledger.db")
        self.stored = self.ledger  # the empty ledger: nothing stored yet
        self.appended = 0

    @invariant()
    def the_store_reopens_to_the_ledger(self) -> None:
        with open_store(self.path) as store:
            self.appended += store.append(self.ledger, base=self.stored)
        with open_store(self.path) as store:
            assert store.event_count() == self.ledger.event_count == self.appended
            assert store.load(empty=Ledger("NOK")) == self.ledger
        self.stored = self.ledger

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class StoredLedgerMachine(_ThroughStore, LedgerMachine):
    def __init__(self) -> None:
        super().__init__()
        self._open_store()


class StoredSettlingLedgerMachine(_ThroughStore, SettlingLedgerMachine):
    def __init__(self) -> None:
        super().__init__()
        self._open_store()


StoredLedgerMachine.TestCase.settings = settings(
    settings.default, max_examples=RUNS, stateful_step_count=20
)
TestStoredLedger = StoredLedgerMachine.TestCase
StoredSettlingLedgerMachine.TestCase.settings = settings(
    settings.default, max_examples=RUNS, stateful_step_count=20
)
TestStoredSettlingLedger = StoredSettlingLedgerMachine.TestCase
