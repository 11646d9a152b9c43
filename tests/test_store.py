"""The event store (reskontro.store) on SQLite and on a real PostgreSQL server.

Every test that takes the ``target`` fixture runs on both backends: a SQLite
file in a temporary directory, and a new database on the throwaway PostgreSQL
cluster of ``conftest.postgres_server``. What is pinned here: a store
round-trips (append, reopen) to an equal ledger, in one append or in random
chunks; optimistic concurrency (a stale base, a taken entry or match id)
fails cleanly and writes nothing, while writers on different parties both
land, with real threads and processes; and an error or an interrupt at every
statement of the append path leaves the store exactly as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reskontro
from reskontro import (
    ConcurrencyError,
    Entry,
    Ledger,
    Money,
    PostAgainstPost,
    SerializationError,
    StoreError,
)
from reskontro.demo import build_demo_ledger
from reskontro.serialization import ledger_from_json
from reskontro.store import Store, is_store_target, open_store
from reskontro.testing import ledgers

TABLES = (
    "reskontro_meta", "reskontro_events", "reskontro_partitions", "reskontro_entries",
    "reskontro_matches", "reskontro_snapshots",
)
DAY = date(2026, 3, 2)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def invoice(entry_id: str, party: str, amount: str = "100") -> Entry:
    return Entry.invoice(entry_id, party=party, amount=nok(amount), posted=DAY)


def payment(entry_id: str, party: str, amount: str = "-100") -> Entry:
    return Entry.payment(entry_id, party=party, amount=nok(amount), posted=DAY)


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store target on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


def rows(target: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store, read through a connection of its own."""
    with open_store(target) as store:
        cursor = store._connection.cursor()
        out = {}
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
            out[table] = [tuple(row) for row in cursor.fetchall()]
        return out


def event_rows(target: str) -> int:
    with open_store(target) as store:
        return store.event_count()


def prefixes(ledger: Ledger, cuts: list[int]) -> Iterator[Ledger]:
    """The ledgers of the prefixes of *ledger*'s history that end at *cuts* (and the whole)."""
    events = ledger.events
    options = ledger.options
    for cut in [*sorted(set(cuts)), len(events)]:
        yield Ledger.from_events(
            events[:cut], ledger.local_currency,
            post_against_post=options.post_against_post,
            auto_close_zero=options.auto_close_zero, cross_currency=options.cross_currency,
        )


# -- round trips ---------------------------------------------------------------------------------


def test_the_demo_ledger_round_trips_in_one_append(target: str) -> None:
    ledger = build_demo_ledger()
    with open_store(target) as store:
        base = store.load(empty=Ledger("NOK"))
        assert store.append(ledger, base=base) == ledger.event_count
    with open_store(target) as store:
        again = store.load()
    assert again == ledger
    assert again.events == ledger.events
    assert again.to_dict() == ledger.to_dict()


def test_the_demo_ledger_round_trips_one_event_at_a_time(target: str) -> None:
    ledger = build_demo_ledger()
    with open_store(target) as store:
        base = store.load(empty=Ledger("NOK"))
        for step in prefixes(ledger, list(range(ledger.event_count))):
            store.append(step, base=base)
            base = store.load()
            assert base == step
    versions = rows(target)["reskontro_partitions"]
    assert sum(version for _, version in versions) == ledger.event_count
    assert {p for p, _ in versions} == {
        f"{e.side.value}:{e.party}" for e in ledger.search()
    }


def test_each_event_is_stored_once_under_its_partition_and_order(target: str) -> None:
    ledger = build_demo_ledger()
    with open_store(target) as store:
        store.append(ledger, base=Ledger("NOK"))
    table = rows(target)["reskontro_events"]
    assert [gseq for gseq, *_ in table] == list(range(1, ledger.event_count + 1))
    seen: dict[str, int] = {}
    for _, partition, seq, body in table:
        seen[partition] = seen.get(partition, 0) + 1
        assert seq == seen[partition]
        assert " " not in body.split('"text"')[0]  # compact JSON
        json.loads(body)
    entries = {row[0]: row[1] for row in rows(target)["reskontro_entries"]}
    assert set(entries) == {e.id for e in ledger.search()}
    matches = {row[0]: row[1] for row in rows(target)["reskontro_matches"]}
    assert set(matches) == {m.id for m in ledger.matches(include_dissolved=True)}


def test_an_empty_append_writes_nothing(target: str) -> None:
    ledger = build_demo_ledger()
    with open_store(target) as store:
        store.append(ledger, base=Ledger("NOK"))
        before = rows(target)
        assert store.append(ledger, base=ledger) == 0
    assert rows(target) == before


def test_an_empty_ledger_records_its_currency_and_options(target: str) -> None:
    empty = Ledger("EUR", post_against_post=PostAgainstPost.REFUSE, auto_close_zero=True)
    with open_store(target) as store:
        assert store.append(empty, base=empty) == 0
        assert store.load() == empty
        assert store.load().options == empty.options


def test_dump_json_is_the_ledger_document(target: str) -> None:
    ledger = build_demo_ledger()
    with open_store(target) as store:
        store.append(ledger, base=Ledger("NOK"))
        pieces = list(store.dump_json())
    assert len(pieces) == ledger.event_count + 2  # header, one per event, the end
    data = b"".join(pieces)
    assert ledger_from_json(data) == ledger
    assert json.loads(data) == json.loads(json.dumps(ledger.to_dict()))


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ledger=ledgers(max_entries=10, max_operations=10, parties=("10001", "10002", "10003")),
    data=st.data(),
)
def test_any_history_appended_in_random_chunks_reopens_equal(
    target: str, ledger: Ledger, data: st.DataObject
) -> None:
    cuts = data.draw(st.lists(st.integers(0, ledger.event_count), max_size=6), label="cuts")
    with open_store(target) as store:
        clear(store)
        base = store.load(empty=Ledger(ledger.local_currency,
                                       post_against_post=ledger.options.post_against_post))
        for step in prefixes(ledger, cuts):
            store.append(step, base=base)
            base = step
    with open_store(target) as store:
        assert store.load() == ledger
        assert sum(store.versions().values()) == ledger.event_count


def clear(store: Store) -> None:
    """Empty every table (Hypothesis runs many examples against one database)."""
    cursor = store._connection.cursor()
    for table in TABLES:
        cursor.execute(f"DELETE FROM {table}")
    cursor.execute(store._sql("INSERT INTO reskontro_meta (key, value) VALUES (?, ?), (?, ?)"),
                   ("schema", "reskontro.store", "schema_version", "1"))


# -- what a store refuses ------------------------------------------------------------------------


def test_loading_a_store_without_a_ledger_is_an_error(target: str) -> None:
    with open_store(target) as store, pytest.raises(StoreError, match="holds no ledger yet"):
        store.load()


def test_another_currency_or_other_options_are_refused(target: str) -> None:
    with open_store(target) as store:
        store.append(Ledger("NOK").post(invoice("F-1", "1")), base=Ledger("NOK"))
        before = rows(target)
        eur = Ledger("EUR")
        with pytest.raises(StoreError, match="in NOK, not EUR"):
            store.append(eur.post(Entry.invoice(
                "F-2", party="2", amount=Money("5", "EUR"), posted=DAY)), base=eur)
        strict = Ledger("NOK", post_against_post=PostAgainstPost.REFUSE)
        with pytest.raises(StoreError, match="options"):
            store.append(strict.post(invoice("F-3", "3")), base=strict)
    assert rows(target) == before


def test_a_ledger_that_does_not_extend_its_base_is_refused(target: str) -> None:
    a = Ledger("NOK").post(invoice("F-1", "1"))
    b = Ledger("NOK").post(invoice("F-2", "1"))
    with open_store(target) as store:
        store.append(a, base=Ledger("NOK"))
        with pytest.raises(StoreError, match="does not extend its base"):
            store.append(b.post(invoice("F-3", "1")), base=a)
        assert store.load() == a


def test_a_store_of_a_newer_schema_is_refused(target: str) -> None:
    with open_store(target) as store:
        cursor = store._connection.cursor()
        cursor.execute(store._sql("UPDATE reskontro_meta SET value = ? WHERE key = ?"),
                       ("99", "schema_version"))
    with pytest.raises(StoreError, match="schema version '99'"):
        open_store(target)


def test_a_corrupt_event_is_a_serialization_error_naming_its_position(target: str) -> None:
    with open_store(target) as store:
        store.append(Ledger("NOK").post(invoice("F-1", "1")), base=Ledger("NOK"))
        cursor = store._connection.cursor()
        cursor.execute("UPDATE reskontro_events SET body = '{\"type\": \"nonsense\"}'")
        with pytest.raises(SerializationError, match="event 1 cannot be read"):
            store.load()


def test_targets() -> None:
    assert is_store_target("x.sqlite")
    assert is_store_target("postgres://h/d")
    assert not is_store_target("x.json")
    with pytest.raises(StoreError, match="cannot open"):
        open_store("/nonexistent-directory/ledger.db")


def test_a_database_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE reskontro_meta (key TEXT PRIMARY KEY, value TEXT)")
        other.execute("INSERT INTO reskontro_meta VALUES ('schema', 'something.else')")
    with pytest.raises(StoreError, match="not a reskontro event store"):
        open_store(path)


# -- optimistic concurrency ----------------------------------------------------------------------


def seeded(target: str) -> Ledger:
    """A store holding invoices of customers 1 and 2; returns the stored ledger."""
    ledger = Ledger("NOK").post_many([invoice("F-1", "1"), invoice("F-2", "2")])
    with open_store(target) as store:
        store.append(ledger, base=Ledger("NOK"))
    return ledger


def test_a_stale_base_on_the_same_party_is_a_conflict_and_writes_nothing(target: str) -> None:
    base = seeded(target)
    first = base.post(payment("P-1", "1"))
    second = base.post(payment("P-9", "1")).post(invoice("F-9", "2"))
    with open_store(target) as store:
        store.append(first, base=base)
        before = rows(target)
        with pytest.raises(ConcurrencyError, match="receivable:1 is at version 2") as caught:
            store.append(second, base=base)
        assert caught.value.field == "receivable:1"
        assert rows(target) == before
        assert store.load() == first


def test_writers_on_different_parties_both_land(target: str) -> None:
    base = seeded(target)
    one = base.post(payment("P-1", "1")).match(["F-1", "P-1"], match_id="K-1", on=DAY)
    two = base.post(payment("P-2", "2")).match(["F-2", "P-2"], match_id="K-2", on=DAY)
    with open_store(target) as store:
        store.append(one, base=base)
        store.append(two, base=base)
        merged = store.load()
    assert merged.event_count == base.event_count + 4
    assert merged.match_members("K-1") == ("F-1", "P-1")
    assert merged.match_members("K-2") == ("F-2", "P-2")
    assert merged.balance(party="1").local == nok("0") == merged.balance(party="2").local


def test_the_same_new_entry_id_on_another_party_is_a_conflict(target: str) -> None:
    base = seeded(target)
    with open_store(target) as store:
        store.append(base.post(payment("P-1", "1")), base=base)
        before = rows(target)
        with pytest.raises(ConcurrencyError, match="entry id 'P-1' is already taken") as caught:
            store.append(base.post(payment("P-1", "2")), base=base)
        assert caught.value.entry_id == "P-1"
    assert rows(target) == before


def test_the_same_new_match_id_on_another_party_is_a_conflict(target: str) -> None:
    base = seeded(target).post_many([payment("P-1", "1"), payment("P-2", "2")])
    with open_store(target) as store:
        store.append(base, base=store.load())
        # two writers choose the same new match id on different parties
        one = base.match(["F-1", "P-1"], match_id="K-1", on=DAY)
        two = base.match(["F-2", "P-2"], match_id="K-1", on=DAY)
        store.append(one, base=base)
        before = rows(target)
        with pytest.raises(ConcurrencyError, match=r"match id .* is already taken"):
            store.append(two, base=base)
        assert rows(target) == before
        retry = store.load()
        again = retry.match(["F-2", "P-2"], match_id="K-2", on=DAY)
        store.append(again, base=retry)
        assert store.load() == again


def test_a_reversal_registers_its_entry_and_match(target: str) -> None:
    base = seeded(target)
    reversed_ = base.reverse("F-1", reversal_id="F-1-R", on=DAY)
    with open_store(target) as store:
        store.append(reversed_, base=base)
        assert store.load() == reversed_
    table = rows(target)
    assert ("F-1-R", "receivable:1") in [row[:2] for row in table["reskontro_entries"]]
    assert [row[1] for row in table["reskontro_matches"]] == ["receivable:1"]


def _race(target: str, ledgers_: list[tuple[Ledger, Ledger]]) -> list[str]:
    """Append each (ledger, base) from a thread of its own, all at once; the outcomes."""
    barrier = threading.Barrier(len(ledgers_))
    outcomes: list[str] = [""] * len(ledgers_)

    def write(i: int, ledger: Ledger, base: Ledger) -> None:
        with open_store(target) as store:
            barrier.wait()
            try:
                store.append(ledger, base=base)
                outcomes[i] = "landed"
            except ConcurrencyError:
                outcomes[i] = "conflict"

    threads = [threading.Thread(target=write, args=(i, ledger, base))
               for i, (ledger, base) in enumerate(ledgers_)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_threads_on_different_parties_all_land(target: str) -> None:
    base = Ledger("NOK")
    writers = [(base.post_many([invoice(f"F-{i}", str(i)), payment(f"P-{i}", str(i))]), base)
               for i in range(6)]
    assert _race(target, writers) == ["landed"] * 6
    with open_store(target) as store:
        stored = store.load()
    assert stored.event_count == 12
    assert {e.id for e in stored.search()} == {f"{k}-{i}" for k in "FP" for i in range(6)}


def test_threads_on_one_party_one_lands_the_rest_fail_cleanly(target: str) -> None:
    base = seeded(target)
    writers = [(base.post(payment(f"P-{i}", "1")), base) for i in range(6)]
    outcomes = _race(target, writers)
    assert sorted(outcomes) == ["conflict"] * 5 + ["landed"]
    winner = writers[outcomes.index("landed")][0]
    with open_store(target) as store:
        assert store.load() == winner
    assert len(rows(target)["reskontro_entries"]) == 3


CHILD = """
import sys
from datetime import date
from reskontro import ConcurrencyError, Entry, Money
from reskontro.store import open_store
target, party, entry_id = sys.argv[1:4]
with open_store(target) as store:
    base = store.load()
    ledger = base.post(Entry.payment(entry_id, party=party, amount=Money("-5", "NOK"),
                                     posted=date(2026, 3, 2)))
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        store.append(ledger, base=base)
        print("landed", flush=True)
    except ConcurrencyError:
        print("conflict", flush=True)
"""


def _processes(target: str, writers: list[tuple[str, str]]) -> list[str]:
    """Run one process per (party, entry id); each loads, waits, and appends at once."""
    src = str(Path(reskontro.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, target, party, entry_id],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        for party, entry_id in writers
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outcomes = [child.communicate(timeout=60)[0].strip() for child in children]
    assert all(child.returncode == 0 for child in children)
    return outcomes


def test_processes_on_different_parties_both_land(target: str) -> None:
    seeded(target)
    assert _processes(target, [("1", "P-1"), ("2", "P-2")]) == ["landed", "landed"]
    with open_store(target) as store:
        assert {e.id for e in store.load().search()} == {"F-1", "F-2", "P-1", "P-2"}


def test_processes_on_one_party_or_one_new_id_one_fails_cleanly(target: str) -> None:
    seeded(target)
    assert sorted(_processes(target, [("1", "P-1"), ("1", "P-2")])) == ["conflict", "landed"]
    assert sorted(_processes(target, [("2", "P-3"), ("1", "P-3")])) == ["conflict", "landed"]
    with open_store(target) as store:
        ledger = store.load()
    assert ledger.event_count == 4
    assert len(rows(target)["reskontro_entries"]) == 4


# -- faults and interrupts at every statement of the append path ---------------------------------


class InjectedError(Exception):
    """The injected failure."""


class FaultyConnection:
    """A connection whose k-th statement (execute or executemany) raises, before or after it runs.

    ``COMMIT`` can fail before it runs; after it has run the append is done,
    so that case is not injected.
    """

    def __init__(self, inner: Any, at: int, error: type[BaseException], after: bool) -> None:
        self.inner, self.at, self.error, self.after = inner, at, error, after
        self.count = 0
        self.fired = False

    def tick(self, sql: str, run: Callable[[], Any]) -> Any:
        self.count += 1
        hit = self.count == self.at and not (self.after and sql.strip().upper() == "COMMIT")
        if hit and not self.after:
            self.fired = True
            raise self.error(f"injected before statement {self.count}: {sql[:40]}")
        result = run()
        if hit:
            self.fired = True
            raise self.error(f"injected after statement {self.count}: {sql[:40]}")
        return result

    def cursor(self) -> FaultyCursor:
        return FaultyCursor(self, self.inner.cursor())

    def close(self) -> None:
        self.inner.close()


class FaultyCursor:
    def __init__(self, owner: FaultyConnection, inner: Any) -> None:
        self.owner, self.inner = owner, inner

    def execute(self, sql: str, params: Any = ()) -> FaultyCursor:
        self.owner.tick(sql, lambda: self.inner.execute(sql, params))
        return self

    def executemany(self, sql: str, params: Any) -> FaultyCursor:
        self.owner.tick(sql, lambda: self.inner.executemany(sql, params))
        return self

    def fetchone(self) -> Any:
        return self.inner.fetchone()

    def fetchall(self) -> Any:
        return self.inner.fetchall()


@pytest.mark.parametrize("error", [InjectedError, KeyboardInterrupt])
@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
def test_a_fault_at_any_statement_of_an_append_leaves_the_store_unchanged(
    target: str, error: type[BaseException], after: bool
) -> None:
    base = seeded(target).post(payment("P-1", "1"))
    with open_store(target) as store:
        store.append(base, base=store.load())
    # a day that touches an existing and a new party, new entries, a new match
    day = (base.post_many([payment("P-2", "2"), invoice("F-3", "3"), payment("P-3", "3")])
           .match(["F-1", "P-1"], match_id="K-1", on=DAY)
           .match(["F-3", "P-3"], match_id="K-3", on=DAY))
    before = rows(target)
    at = 1
    while True:
        with open_store(target) as store:
            faulty = FaultyConnection(store._connection, at, error, after)
            store._connection = faulty
            try:
                store.append(day, base=base)
            except (InjectedError, KeyboardInterrupt, StoreError):
                assert faulty.fired
                assert rows(target) == before, f"statement {at} ({error.__name__})"
            else:
                assert not faulty.fired or after  # only an "after COMMIT" slot passes
                if not faulty.fired:
                    break
                assert rows(target) != before
                break
        at += 1
    assert at > 8  # the append path has that many statements, each was hit
    with open_store(target) as store:
        assert store.load() == day


def test_a_postgres_url_without_psycopg_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from reskontro import MissingExtraError

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    with pytest.raises(MissingExtraError, match=r"reskontro\[postgres\]") as caught:
        open_store("postgresql://erp:secret@localhost/acme")
    assert caught.value.extra == "postgres"
    assert "secret" not in str(caught.value)


def test_a_postgres_url_that_cannot_be_reached_is_a_store_error_without_the_password(
    postgres_server: str,
) -> None:
    with pytest.raises(StoreError, match="cannot open the store") as caught:
        open_store(f"postgresql://postgres:hunter2@/no_such_database?host={postgres_server}")
    assert "hunter2" not in str(caught.value)


def test_readers_do_not_wait_for_a_writer(target: str) -> None:
    """While another writer holds the write turn, a store opens and loads at once."""
    ledger = seeded(target)
    with open_store(target) as writer:
        cursor = writer._connection.cursor()
        if writer._postgres:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(7380274559024137216)")
        else:
            cursor.execute("BEGIN IMMEDIATE")
        try:
            with open_store(target, busy_timeout=0.2) as reader:
                assert reader.load() == ledger
                with pytest.raises(StoreError, match="refused the write"):
                    reader.append(ledger.post(payment("P-1", "1")), base=ledger)
        finally:
            cursor.execute("ROLLBACK")
    with open_store(target) as store:
        assert store.load() == ledger


# -- reading by partition, and snapshots ---------------------------------------------------------


def test_the_store_answers_by_partition_as_the_history_does(target: str) -> None:
    ledger = build_demo_ledger()
    history = ledger.changes_since(0)
    with open_store(target) as store:
        store.append(ledger, base=Ledger("NOK"))
        parts = sorted({p for p, _ in history})
        assert store.partitions() == tuple(parts)
        for part in parts:
            assert store.partition_events(part) == tuple(e for p, e in history if p == part)
            assert store.partition_events(str(part)) == store.partition_events(part)
            assert store.partition_events_after(part, 1) == store.partition_events(part)[1:]
        from reskontro import Partition

        assert store.partition_events(Partition.parse("receivable:nobody")) == ()
        for item in ledger.search():
            entry = ledger.entry(item.id)
            assert store.partition_of_entry(entry.id) == (entry.side, entry.party)
            if entry.reference:
                assert entry.id in store.entries_with_reference(entry.reference)
        assert store.partition_of_entry("no such entry") is None
        for match in ledger.matches(include_dissolved=True):
            assert store.partition_of_match(match.id) is not None
            if match.entry_ids:
                first = ledger.entry(match.entry_ids[0])
                assert store.partition_of_match(match.id) == (first.side, first.party)
        assert store.partition_of_match("no such match") is None
        assert store.entry_count() == len(ledger.search())
        assert store.match_count() == len(ledger.matches(include_dissolved=True))
        assert tuple(store.events()) == ledger.events


def test_entries_with_a_reference_come_in_posting_order(target: str) -> None:
    kid = "1234500009877"
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-2", party="2", amount=nok("10"), posted=DAY, reference=kid),
        Entry.invoice("F-1", party="1", amount=nok("10"), posted=DAY, reference=kid),
        Entry.invoice("F-3", party="1", amount=nok("10"), posted=DAY),
    ])
    with open_store(target) as store:
        store.append(ledger, base=Ledger("NOK"))
        assert store.entries_with_reference(kid) == ("F-2", "F-1")
        assert store.entries_with_reference("000") == ()


def test_snapshots_are_kept_per_partition_and_version_and_never_change_the_ledger(
    target: str,
) -> None:
    ledger = build_demo_ledger()
    with open_store(target) as store:
        store.append(ledger, base=Ledger("NOK"))
        part = store.partitions()[0]
        version = store.versions()[str(part)]
        assert store.partition_snapshot(part) is None
        store.put_snapshot(part, 1, b"\x00first")
        store.put_snapshot(part, version, b"\x00\xffnewest")
        assert store.partition_snapshot(part) == (b"\x00\xffnewest", version)
        store.put_snapshot(part, version, b"replaced")
        assert store.partition_snapshot(str(part)) == (b"replaced", version)
        with pytest.raises(StoreError, match="no snapshot at version"):
            store.put_snapshot(part, version + 1, b"ahead of the events")
        with pytest.raises(StoreError, match="no snapshot at version"):
            store.put_snapshot("receivable:nobody", 1, b"x")
        with pytest.raises(StoreError, match="at least 1"):
            store.put_snapshot(part, 0, b"x")
        assert store.load() == ledger
    assert len(rows(target)["reskontro_snapshots"]) == 2


INTERRUPTED = """
import sys
from datetime import date
from reskontro import Entry, Ledger, Money
from reskontro.store import open_store
day = date(2026, 3, 2)
with open_store(sys.argv[1]) as store:
    base = store.load(empty=Ledger("NOK"))
    for i in range(100000):
        party = str(i % 7)
        ledger = base.post_many([
            Entry.invoice(f"F-{i}", party=party, amount=Money("10", "NOK"), posted=day),
            Entry.payment(f"P-{i}", party=party, amount=Money("-10", "NOK"), posted=day),
        ]).match([f"F-{i}", f"P-{i}"], match_id=f"K-{i}", on=day)
        store.append(ledger, base=base)
        base = ledger
        print(i, flush=True)
"""


def days(count: int) -> Ledger:
    ledger = Ledger("NOK")
    for i in range(count):
        party = str(i % 7)
        ledger = ledger.post_many([invoice(f"F-{i}", party, "10"), payment(f"P-{i}", party, "-10")])
        ledger = ledger.match([f"F-{i}", f"P-{i}"], match_id=f"K-{i}", on=DAY)
    return ledger


@pytest.mark.parametrize("wait", [5, 23])
def test_a_real_interrupt_while_appending_leaves_whole_days(target: str, wait: int) -> None:
    """SIGINT to a process appending day after day: the store holds whole days only."""
    import signal

    src = str(Path(reskontro.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED, target],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    for _ in range(wait):
        assert child.stdout.readline()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode != 0
    assert "KeyboardInterrupt" in err
    with open_store(target) as store:
        count = store.event_count()
        assert count % 3 == 0
        assert count // 3 >= wait
        assert store.load() == days(count // 3)
        assert sum(store.versions().values()) == count
        assert store.entry_count() == 2 * (count // 3) == 2 * store.match_count()


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are notes, not a database\n" * 200)
    with pytest.raises(StoreError, match=r"not a database|refused"):
        open_store(path)
    assert path.read_bytes() == b"these are notes, not a database\n" * 200


# -- opening lazily ----------------------------------------------------------------------------


def test_a_lazy_ledger_equals_the_loaded_one_and_reads_one_party(target: str) -> None:
    ledger = build_demo_ledger()
    with open_store(target) as store:
        store.append(ledger, base=Ledger("NOK"))
        lazy = store.load(lazy=True)
        party = ledger.parties()[0]
        assert lazy.balance(party=party) == ledger.balance(party=party)
        assert lazy.open_items(party=party) == ledger.open_items(party=party)
        assert lazy.event_count == ledger.event_count
        assert lazy == ledger
        assert lazy.open_items() == ledger.open_items()
        assert lazy.matches(include_dissolved=True) == ledger.matches(include_dissolved=True)


def test_a_lazy_ledger_is_the_store_at_the_moment_it_was_opened(target: str) -> None:
    """What another writer appends afterwards is not part of the value already open."""
    base = seeded(target)
    with open_store(target) as store:
        lazy = store.load(lazy=True)
        with open_store(target) as other:
            later = other.load()
            other.append(later.post(payment("P-9", "1")), base=later)
        assert "P-9" not in lazy
        assert lazy.open_items(party="1") == base.open_items(party="1")
        assert lazy.events == base.events
        # and what it appends itself extends that moment: another writer was first
        mine = lazy.post(payment("P-8", "1"))
        with pytest.raises(ConcurrencyError):
            store.append(mine, base=lazy)


def test_a_busy_party_opens_from_its_snapshot(target: str) -> None:
    ledger = Ledger("NOK")
    with open_store(target) as store:
        store.snapshot_every = 8
        for n in range(12):
            new = ledger.post(invoice(f"F-{n}", "1"))
            store.append(new, base=ledger)
            ledger = new
        snapshot = store.partition_snapshot(ledger.partition_of("F-0"))
        assert snapshot is not None
        assert snapshot[1] == 8
        lazy = store.load(lazy=True)
        assert lazy.open_items(party="1") == ledger.open_items(party="1")
        assert lazy == ledger
