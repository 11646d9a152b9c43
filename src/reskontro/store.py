"""An event store at the edge: a ledger's events in SQLite or PostgreSQL.

The engine never imports this module: a :class:`~reskontro.ledger.Ledger`
is a value computed from events, and a store only reads and writes those
events. :func:`open_store` opens (and creates) a store: a file path
(SQLite, the standard library's :mod:`sqlite3` in WAL mode) or a
``postgresql://`` URL (PostgreSQL through psycopg 3, the ``postgres``
extra: ``pip install "reskontro[postgres]"``).

Every event belongs to one partition, the history of one party on one side
(``receivable:10001``, ``payable:20001``). The store keys each event by
(partition, sequence in that partition) and keeps a global position so that
a reopened ledger has the same event order and compares equal.

An append is optimistic: :meth:`Store.append` writes the events a ledger
has beyond the ledger it was derived from (its *base*, usually the one
:meth:`Store.load` returned) and states, for every partition they touch,
the version (number of events) the base had there. If another writer has
appended to one of those partitions since, or has taken one of the new
entry or match ids, the append raises
:class:`~reskontro.exceptions.ConcurrencyError` and writes nothing: load
again, redo the operation, append again. Appends to different parties land
side by side. An append is one transaction: an error or an interrupt
anywhere inside it leaves the store as it was.

The store also answers by partition without reading the rest of the
history (:meth:`Store.partition_events`, :meth:`Store.partition_of_entry`,
:meth:`Store.entries_with_reference`, ...) and keeps opaque snapshots of
partition states (:meth:`Store.put_snapshot`), for a ledger that opens one
party at a time.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> store = open_store(":memory:")
>>> base = store.load(empty=Ledger("NOK"))
>>> ledger = base.post(Entry.invoice(
...     "F-1", party="10001", amount=Money("100", "NOK"), posted=date(2026, 1, 2)))
>>> store.append(ledger, base=base)
1
>>> store.load() == ledger, store.versions()
(True, {'receivable:10001': 1})
>>> store.append(ledger, base=base)
Traceback (most recent call last):
...
reskontro.exceptions.ConcurrencyError: receivable:10001 is at version 1 in the store, ...
>>> store.close()
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, Protocol, cast

from reskontro.events import (
    EntriesMatched,
    EntryPosted,
    EntryReversed,
    Event,
)
from reskontro.exceptions import (
    ConcurrencyError,
    MissingExtraError,
    ReskontroError,
    SerializationError,
    StoreError,
    shorten,
)
from reskontro.ledger import Ledger, Partition
from reskontro.matching import PostAgainstPost
from reskontro.serialization import SCHEMA, VERSION, event_from_dict, event_to_dict

__all__ = ["SCHEMA_VERSION", "Store", "is_store_target", "open_store", "read_ledger_document"]

#: The version of the store's tables this reskontro writes (and the newest it reads).
SCHEMA_VERSION: Final = 1
#: How long a writer waits for another writer's transaction (SQLite's busy timeout), in seconds.
BUSY_TIMEOUT: Final = 30.0
#: Rows read per query when loading or exporting, so memory stays near the data's size.
_PAGE: Final = 1000
_URL: Final = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
_STORE_SUFFIXES: Final = (".db", ".sqlite", ".sqlite3")

_TABLES: Final = (
    "CREATE TABLE IF NOT EXISTS reskontro_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    (
        "CREATE TABLE IF NOT EXISTS reskontro_events (gseq BIGINT PRIMARY KEY,"
        " partition TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,"
        " UNIQUE (partition, seq))"
    ),
    (
        "CREATE TABLE IF NOT EXISTS reskontro_partitions ("
        "partition TEXT PRIMARY KEY, version INTEGER NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS reskontro_entries (entry_id TEXT PRIMARY KEY,"
        " partition TEXT NOT NULL, reference TEXT, gseq BIGINT NOT NULL)"
    ),
    (
        "CREATE INDEX IF NOT EXISTS reskontro_entries_by_reference"
        " ON reskontro_entries (reference, gseq)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS reskontro_matches ("
        "match_id TEXT PRIMARY KEY, partition TEXT NOT NULL, gseq BIGINT NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS reskontro_snapshots (partition TEXT NOT NULL,"
        " version INTEGER NOT NULL, body {blob} NOT NULL, PRIMARY KEY (partition, version))"
    ),
)


#: The default of :attr:`Store.snapshot_every`.
SNAPSHOT_EVERY: Final = 256


# -- what a new ledger adds to its base ---------------------------------------------------------


def _changes(
    new: Ledger, base: Ledger
) -> tuple[list[tuple[Partition, Event]], dict[Partition, int]]:
    """The events *new* has beyond *base*, with their partitions, and *base*'s versions of those."""
    if not new.descends_from(base):
        raise StoreError(
            "the ledger to append does not extend its base: its history does not begin "
            "with the base's events", field="base",
        )
    changes = list(new.changes_since(base.event_count))
    versions = {p: base.partition_version(p) for p in dict.fromkeys(p for p, _ in changes)}
    return changes, versions


# -- connections ---------------------------------------------------------------------------------


class _Cursor(Protocol):  # pragma: no cover - a protocol
    rowcount: int

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class _Connection(Protocol):  # pragma: no cover - a protocol
    def cursor(self) -> Any: ...
    def close(self) -> None: ...


def is_store_target(target: str | os.PathLike[str]) -> bool:
    """Whether *target* names an event store rather than a JSON ledger file.

    A ``postgresql://`` (or ``postgres://``) URL, or a path ending in
    ``.db``, ``.sqlite`` or ``.sqlite3``.

    >>> is_store_target("ledger.db"), is_store_target("postgresql://host/db")
    (True, True)
    >>> is_store_target("ledger.json")
    False
    """
    text = os.fspath(target)
    return bool(_URL.match(text)) or text.lower().endswith(_STORE_SUFFIXES)


def redact(target: str | os.PathLike[str]) -> str:
    """*target* as a message may show it: a URL's password replaced by ``***``.

    >>> redact("postgresql://erp:secret@db.example/ledger")
    'postgresql://erp:***@db.example/ledger'
    """
    text = os.fspath(target)
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@/]*@", r"\1:***@", text)


def open_store(target: str | os.PathLike[str], *, busy_timeout: float = BUSY_TIMEOUT) -> Store:
    """Open the event store at *target*, creating its tables if they are missing.

    Args:
        target: a ``postgresql://`` URL (PostgreSQL, needs the ``postgres``
            extra), or a file path (SQLite; ``":memory:"`` for a store that
            lives as long as the object).
        busy_timeout: how long a writer waits for another's transaction, in
            seconds.

    Raises:
        StoreError: the target cannot be opened, is not a reskontro store, or
            holds a newer schema.
        MissingExtraError: a PostgreSQL URL without psycopg installed.
    """
    text = os.fspath(target)
    connection: Any
    if _URL.match(text):
        try:
            import psycopg
        except ImportError:
            raise MissingExtraError(
                "a PostgreSQL store needs psycopg: pip install \"reskontro[postgres]\"",
                field="target", value="postgres",
            ) from None
        try:
            connection = psycopg.connect(
                text, autocommit=True,
                options=f"-c lock_timeout={int(busy_timeout * 1000)}",
            )
        except psycopg.Error as error:
            raise StoreError(
                f"cannot open the store {redact(text)}: {str(error).strip()}",
                field="target", value=redact(text),
            ) from None
        return _opened(connection, postgres=True, name=redact(text))
    try:
        connection = sqlite3.connect(
            text, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if text != ":memory:":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error as error:
        raise StoreError(
            f"cannot open the store {text!r}: {error}", field="target", value=text
        ) from None
    return _opened(connection, postgres=False, name=text)


def _opened(connection: Any, *, postgres: bool, name: str) -> Store:
    """A Store on *connection*; the connection is closed if the store cannot be used."""
    try:
        return Store(connection, postgres=postgres, name=name)
    except BaseException:
        connection.close()
        raise


def _options(ledger: Ledger) -> str:
    options = ledger.options
    return json.dumps({
        "post_against_post": options.post_against_post.value,
        "auto_close_zero": options.auto_close_zero,
        "cross_currency": options.cross_currency,
    }, separators=(",", ":"))


def _body(event: Event) -> str:
    return json.dumps(event_to_dict(event), ensure_ascii=False, separators=(",", ":"))


class Store:
    """An open event store; make one with :func:`open_store`.

    A store is used by one thread at a time; open one per thread or process
    (the database keeps them consistent). Close it with :meth:`close` or use
    it as a context manager.
    """

    def __init__(self, connection: Any, *, postgres: bool, name: str) -> None:
        self._connection: _Connection = connection
        self._postgres = postgres
        self.name = name
        #: :meth:`append` snapshots a partition once this many of its events
        #: have come since its last snapshot (a busy party opens without
        #: replaying years of history); a party with fewer is folded from its events
        self.snapshot_every = SNAPSHOT_EVERY
        self._create()

    # -- plumbing --------------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._postgres else sql

    def _execute(self, cursor: _Cursor, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        cursor.execute(self._sql(sql), tuple(params))
        return cursor

    def _errors(self) -> tuple[type[BaseException], ...]:
        if self._postgres:
            import psycopg

            return (psycopg.Error,)
        return (sqlite3.Error,)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[_Cursor]:
        """One write transaction, writers serialized; rolled back on any exception."""
        cursor = cast(_Cursor, self._connection.cursor())
        try:
            if self._postgres:
                cursor.execute("BEGIN")
                # one writer at a time: the version checks and the global
                # position are then exact (readers are never blocked)
                cursor.execute("SELECT pg_advisory_xact_lock(7380274559024137216)")
            else:
                cursor.execute("BEGIN IMMEDIATE")
            yield cursor
            cursor.execute("COMMIT")
        except BaseException as error:
            with contextlib.suppress(Exception):
                cursor.execute("ROLLBACK")
            if isinstance(error, self._errors()):
                raise StoreError(
                    f"the store {self.name} refused the write: {str(error).strip()}; "
                    "nothing was written", field="store", value=self.name,
                ) from error
            raise

    def _create(self) -> None:
        try:  # an existing store: read its header without taking the write turn
            meta = self._meta(cast(_Cursor, self._connection.cursor()))
        except self._errors():
            meta = {}
        if meta:
            self._check_schema(meta)
            return
        with self._transaction() as cursor:
            blob = "BYTEA" if self._postgres else "BLOB"
            for statement in _TABLES:
                self._execute(cursor, statement.replace("{blob}", blob))
            meta = dict(self._execute(cursor, "SELECT key, value FROM reskontro_meta").fetchall())
            if not meta:
                cursor.executemany(
                    self._sql("INSERT INTO reskontro_meta (key, value) VALUES (?, ?)"),
                    [("schema", "reskontro.store"), ("schema_version", str(SCHEMA_VERSION))],
                )
                return
        self._check_schema(meta)

    def _check_schema(self, meta: Mapping[str, str]) -> None:
        if meta.get("schema") != "reskontro.store":
            raise StoreError(
                f"{self.name} is not a reskontro event store (schema "
                f"{shorten(meta.get('schema'))})", field="schema", value=meta.get("schema"),
            )
        version = meta.get("schema_version", "")
        if not version.isdigit() or int(version) > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.name} has schema version {shorten(version)}; this "
                f"reskontro reads up to {SCHEMA_VERSION}",
                field="schema_version", value=version,
            )

    def _meta(self, cursor: _Cursor) -> dict[str, str]:
        return dict(self._execute(cursor, "SELECT key, value FROM reskontro_meta").fetchall())

    # -- reading ---------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (the store's data stays)."""
        self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def event_count(self) -> int:
        """How many events the store holds.

        >>> with open_store(":memory:") as store:
        ...     store.event_count()
        0
        """
        cursor = cast(_Cursor, self._connection.cursor())
        row = self._execute(cursor, "SELECT COUNT(*) FROM reskontro_events").fetchone()
        return int(row[0])

    def versions(self) -> dict[str, int]:
        """The version (number of events) of every partition, by partition key, sorted."""
        cursor = cast(_Cursor, self._connection.cursor())
        rows = self._execute(
            cursor, "SELECT partition, version FROM reskontro_partitions ORDER BY partition"
        ).fetchall()
        return {str(p): int(v) for p, v in rows}

    def _rows(self) -> Iterator[tuple[int, str]]:
        """The stored events as (global position, JSON text), in order, a page at a time."""
        cursor = cast(_Cursor, self._connection.cursor())
        last = 0
        while True:
            rows = self._execute(
                cursor,
                "SELECT gseq, body FROM reskontro_events WHERE gseq > ? ORDER BY gseq LIMIT ?",
                (last, _PAGE),
            ).fetchall()
            full = len(rows) == _PAGE
            rows.reverse()
            while rows:  # each row dropped as it is handed on: one page in memory at most
                gseq, body = rows.pop()
                last = int(gseq)
                yield last, str(body)
            if not full:
                return

    def _header(self) -> tuple[str, dict[str, Any]] | None:
        cursor = cast(_Cursor, self._connection.cursor())
        meta = self._meta(cursor)
        self._check_schema(meta)
        if "local_currency" not in meta:
            return None
        return meta["local_currency"], json.loads(meta.get("options", "{}"))

    def load(self, *, empty: Ledger | None = None, lazy: bool = False) -> Ledger:
        """The ledger the store holds: its events replayed in the order they were appended.

        Args:
            empty: what a store that holds no ledger yet loads as (typically
                ``Ledger("NOK")``); the first append records its currency and
                options. Without it such a store is an error.
            lazy: open the ledger one party at a time instead: only the list
                of partitions is read now; a query about a party reads that
                party's snapshot and events when it first needs them (see
                docs/architecture.md). The ledger is the store's state at this
                moment (what other writers append later is not part of it)
                and reads from the store while the store is open.

        Raises:
            StoreError: the store holds no ledger and *empty* is not given.
            SerializationError: a stored event cannot be read or applied.
        """
        header = self._header()
        if header is None:
            if empty is None:
                raise StoreError(
                    f"the store {self.name} holds no ledger yet", field="store", value=self.name
                )
            return empty
        local, options = header
        try:
            if not lazy:
                return Ledger.from_events(
                    list(self.events()), local,
                    post_against_post=PostAgainstPost(options.get("post_against_post", "warn")),
                    auto_close_zero=bool(options.get("auto_close_zero", False)),
                    cross_currency=bool(options.get("cross_currency", False)),
                )
            return Ledger.from_source(
                _View(self), local,
                post_against_post=PostAgainstPost(options.get("post_against_post", "warn")),
                auto_close_zero=bool(options.get("auto_close_zero", False)),
                cross_currency=bool(options.get("cross_currency", False)),
            )
        except ReskontroError as error:
            raise SerializationError(
                f"the store {self.name}: its ledger cannot be opened: {error.message}",
                entry_id=error.entry_id, field=error.field, value=error.value,
            ) from error

    def dump_json(self) -> Iterator[bytes]:
        """The stored ledger as a compact JSON ledger document, in pieces of about one event.

        The document is the one :func:`reskontro.serialization.ledger_to_dict`
        describes (``ledger_from_json`` reads it); it is built from the stored
        rows a page at a time, never as one string.

        Raises:
            StoreError: the store holds no ledger yet.
        """
        header = self._header()
        if header is None:
            raise StoreError(
                f"the store {self.name} holds no ledger yet", field="store", value=self.name
            )
        local, options = header
        head = {"schema": SCHEMA, "version": VERSION, "local_currency": local,
                "options": options}
        text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
        yield (text[:-1] + ',"events":[').encode("utf-8")
        first = True
        for _, body in self._rows():
            yield (body if first else "," + body).encode("utf-8")
            first = False
        yield b"]}\n"

    # -- reading by partition: what the engine needs to open a ledger lazily ----------------------

    def _event(self, where: object, body: str) -> Event:
        try:
            return event_from_dict(json.loads(body), path=f"event {where}")
        except (ValueError, ReskontroError) as error:
            raise SerializationError(
                f"the store {self.name}: event {where} cannot be read: {error}",
                field="body", value=where,
            ) from None

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._execute(cast(_Cursor, self._connection.cursor()), sql, params).fetchall()

    def partitions(self) -> tuple[Partition, ...]:
        """Every partition that has events, sorted."""
        rows = self._all("SELECT partition FROM reskontro_partitions")
        return tuple(sorted(Partition.parse(str(p)) for (p,) in rows))

    def partition_events(self, partition: Partition | str) -> tuple[Event, ...]:
        """One partition's events, in order (empty for a partition without events)."""
        return self.partition_events_after(partition, 0)

    def partition_events_after(self, partition: Partition | str, version: int) -> tuple[Event, ...]:
        """One partition's events after its first *version*, in order."""
        key = str(partition)
        rows = self._all(
            "SELECT seq, body FROM reskontro_events WHERE partition = ? AND seq > ? ORDER BY seq",
            (key, version),
        )
        return tuple(self._event(f"{key}#{seq}", body) for seq, body in rows)

    def partition_of_entry(self, entry_id: str) -> Partition | None:
        """The partition of an entry, or ``None`` when the store has no such entry."""
        rows = self._all("SELECT partition FROM reskontro_entries WHERE entry_id = ?", (entry_id,))
        return Partition.parse(str(rows[0][0])) if rows else None

    def partition_of_match(self, match_id: str) -> Partition | None:
        """The partition of a match, or ``None`` when the store has no such match."""
        rows = self._all("SELECT partition FROM reskontro_matches WHERE match_id = ?", (match_id,))
        return Partition.parse(str(rows[0][0])) if rows else None

    def entries_with_reference(self, reference: str) -> tuple[str, ...]:
        """The ids of the entries posted with this payment reference (KID), in posting order."""
        rows = self._all(
            "SELECT entry_id FROM reskontro_entries WHERE reference = ? ORDER BY gseq",
            (reference,),
        )
        return tuple(str(e) for (e,) in rows)

    def entry_count(self) -> int:
        """The number of entries ever posted."""
        return int(self._all("SELECT COUNT(*) FROM reskontro_entries")[0][0])

    def match_count(self) -> int:
        """The number of matches ever made."""
        return int(self._all("SELECT COUNT(*) FROM reskontro_matches")[0][0])

    def events(self) -> Iterator[Event]:
        """Every event, in the order of the history, read a page at a time."""
        for gseq, body in self._rows():
            yield self._event(gseq, body)

    # -- snapshots -------------------------------------------------------------------------------

    def put_snapshot(self, partition: Partition | str, version: int, body: bytes) -> None:
        """Keep *body*, a snapshot of *partition*'s state after its first *version* events.

        The store keeps the bytes as they are; what they hold is the engine's
        business. A snapshot is a cache: it never changes what :meth:`load`
        returns, and a second snapshot of the same version replaces the first.

        Raises:
            StoreError: the partition does not have *version* events.
        """
        key = str(partition)
        if not isinstance(body, bytes) or not isinstance(version, int) or version < 1:
            raise StoreError(
                f"a snapshot is bytes at a version of at least 1, not {shorten(version)}",
                field="version", value=version,
            )
        with self._transaction() as cursor:
            row = self._execute(
                cursor, "SELECT version FROM reskontro_partitions WHERE partition = ?", (key,)
            ).fetchone()
            if row is None or int(row[0]) < version:
                raise StoreError(
                    f"{key} has {0 if row is None else int(row[0])} events in the store; no "
                    f"snapshot at version {version}", field="version", value=version,
                )
            self._execute(
                cursor, "DELETE FROM reskontro_snapshots WHERE partition = ? AND version = ?",
                (key, version),
            )
            self._execute(
                cursor,
                "INSERT INTO reskontro_snapshots (partition, version, body) VALUES (?, ?, ?)",
                (key, version, body),
            )

    def partition_snapshot(self, partition: Partition | str) -> tuple[bytes, int] | None:
        """The newest snapshot of a partition and the version it stands at, or ``None``."""
        rows = self._all(
            "SELECT body, version FROM reskontro_snapshots WHERE partition = ? "
            "ORDER BY version DESC LIMIT 1",
            (str(partition),),
        )
        return (bytes(rows[0][0]), int(rows[0][1])) if rows else None

    # -- writing ---------------------------------------------------------------------------------

    def append(self, ledger: Ledger, *, base: Ledger) -> int:
        """Append the events *ledger* has beyond *base*; return how many were appended.

        *base* is the ledger *ledger* was derived from (usually what
        :meth:`load` returned). For every partition the new events touch, the
        store must still be at the version *base* had there; every new entry
        id and match id must be new to the whole store. The append is one
        transaction: all or nothing.

        Raises:
            ConcurrencyError: another writer appended to one of the partitions,
                or took one of the new entry or match ids, since *base*;
                nothing was written.
            StoreError: *ledger* does not extend *base*, or has another local
                currency or other options than the store's ledger.
        """
        changes, versions = _changes(ledger, base)
        if not changes and self._header() is not None:
            return 0
        rows: list[tuple[str, Event]] = [(str(p), e) for p, e in changes]
        bodies = [_body(e) for _, e in rows]
        touched: dict[str, int] = {}
        for key, _ in changes:
            touched.setdefault(str(key), int(versions[key]))
        with self._transaction() as cursor:
            meta = self._meta(cursor)
            self._check_schema(meta)
            self._check_ledger(cursor, meta, ledger)
            self._check_versions(cursor, touched)
            row = self._execute(cursor, "SELECT MAX(gseq) FROM reskontro_events").fetchone()
            gseq = int(row[0] or 0)
            self._claim_ids(cursor, rows, gseq)
            seqs = dict(touched)
            records = []
            for (name, _), body in zip(rows, bodies, strict=True):
                gseq += 1
                seqs[name] += 1
                records.append((gseq, name, seqs[name], body))
            if records:
                cursor.executemany(
                    self._sql("INSERT INTO reskontro_events (gseq, partition, seq, body) "
                              "VALUES (?, ?, ?, ?)"),
                    records,
                )
            self._snapshots(cursor, ledger, seqs)
            for name, version in touched.items():
                if version == 0:
                    self._execute(
                        cursor,
                        "INSERT INTO reskontro_partitions (partition, version) VALUES (?, ?)",
                        (name, seqs[name]),
                    )
                else:
                    self._execute(
                        cursor,
                        "UPDATE reskontro_partitions SET version = ? "
                        "WHERE partition = ? AND version = ?",
                        (seqs[name], name, version),
                    )
        return len(records)

    def _snapshots(self, cursor: _Cursor, ledger: Ledger, versions: Mapping[str, int]) -> None:
        """Snapshot each partition whose events since its last snapshot reached the threshold."""
        every = self.snapshot_every
        for name, version in versions.items():
            if version < every:
                continue
            row = self._execute(
                cursor, "SELECT MAX(version) FROM reskontro_snapshots WHERE partition = ?",
                (name,),
            ).fetchone()
            last = int(row[0]) if row is not None and row[0] is not None else 0
            if version - last < every:
                continue
            body = ledger.partition_snapshot(Partition.parse(name))
            self._execute(
                cursor,
                "INSERT INTO reskontro_snapshots (partition, version, body) VALUES (?, ?, ?)",
                (name, version, body),
            )

    def _check_ledger(self, cursor: _Cursor, meta: Mapping[str, str], ledger: Ledger) -> None:
        options = _options(ledger)
        if "local_currency" not in meta:
            cursor.executemany(
                self._sql("INSERT INTO reskontro_meta (key, value) VALUES (?, ?)"),
                [("local_currency", ledger.local_currency), ("options", options)],
            )
            return
        if meta["local_currency"] != ledger.local_currency:
            raise StoreError(
                f"the store {self.name} holds a ledger in {meta['local_currency']}, not "
                f"{ledger.local_currency}", field="local_currency", value=ledger.local_currency,
            )
        if json.loads(meta.get("options", "{}")) != json.loads(options):
            raise StoreError(
                f"the store {self.name} holds a ledger with the options {meta.get('options')}, "
                f"not {options}", field="options", value=options,
            )

    def _check_versions(self, cursor: _Cursor, touched: Mapping[str, int]) -> None:
        for partition, expected in touched.items():
            row = self._execute(
                cursor, "SELECT version FROM reskontro_partitions WHERE partition = ?",
                (partition,),
            ).fetchone()
            found = 0 if row is None else int(row[0])
            if found != expected:
                raise ConcurrencyError(
                    f"{partition} is at version {found} in the store, but the ledger appended "
                    f"extends version {expected}: another writer appended to it; load the "
                    "store again and retry (nothing was written)",
                    field=partition, value=found,
                )

    def _claim_ids(self, cursor: _Cursor, rows: Sequence[tuple[str, Event]], last: int) -> None:
        """Record the new entry and match ids; one another partition holds is a conflict.

        *last* is the global position before the first of *rows*.
        """
        entry_ids: dict[str, tuple[str, str | None, int]] = {}
        match_ids: dict[str, tuple[str, int]] = {}
        for i, (partition, event) in enumerate(rows, start=last + 1):
            if isinstance(event, EntryPosted):
                entry_ids[event.entry.id] = (partition, event.entry.reference, i)
            elif isinstance(event, EntryReversed):
                entry_ids[event.reversal.id] = (partition, event.reversal.reference, i)
                match_ids.setdefault(event.match_id, (partition, i))
            elif isinstance(event, EntriesMatched) and not event.extend:
                match_ids.setdefault(event.match_id, (partition, i))
        for entry_id in entry_ids:
            row = self._execute(
                cursor, "SELECT partition FROM reskontro_entries WHERE entry_id = ?", (entry_id,)
            ).fetchone()
            if row is not None:
                raise ConcurrencyError(
                    f"the entry id {shorten(entry_id)} is already taken in the store (by "
                    f"{row[0]}): another writer posted it; load the store again and retry "
                    "(nothing was written)",
                    entry_id=entry_id, field="entry_id", value=entry_id,
                )
        fresh: list[tuple[str, str, int]] = []
        for match_id, (partition, position) in match_ids.items():
            row = self._execute(
                cursor, "SELECT partition FROM reskontro_matches WHERE match_id = ?", (match_id,)
            ).fetchone()
            if row is None:
                fresh.append((match_id, partition, position))
            elif str(row[0]) != partition:
                raise ConcurrencyError(
                    f"the match id {shorten(match_id)} is already taken in the store (by "
                    f"{row[0]}): another writer made a match with it; load the store again "
                    "and retry (nothing was written)",
                    field="match_id", value=match_id,
                )
        if entry_ids:
            cursor.executemany(
                self._sql("INSERT INTO reskontro_entries (entry_id, partition, reference, gseq) "
                          "VALUES (?, ?, ?, ?)"),
                [(entry_id, *row) for entry_id, row in entry_ids.items()],
            )
        if fresh:
            cursor.executemany(
                self._sql("INSERT INTO reskontro_matches (match_id, partition, gseq) "
                          "VALUES (?, ?, ?)"),
                fresh,
            )


# -- reading a JSON ledger document one event at a time ------------------------------------------


def read_ledger_document(data: bytes, *, source: str = "the ledger file") -> Ledger:
    """A JSON ledger document's ledger, parsed one event at a time.

    Accepts exactly what :func:`reskontro.serialization.ledger_from_json`
    accepts and gives the same ledger, but never builds the document as one
    tree of dicts: each event is parsed (strictly: no duplicate keys, no
    ``NaN``, bounded numbers and depth) and turned into an event before the
    next, so memory stays near the size of the bytes plus the ledger. On any
    problem it hands the bytes to ``ledger_from_json``, so the error is the
    one that function raises, naming *source*.

    >>> import json
    >>> from reskontro.demo import build_demo_ledger
    >>> demo = build_demo_ledger()
    >>> read_ledger_document(json.dumps(demo.to_dict()).encode()) == demo
    True
    """
    from reskontro.serialization import ledger_from_json

    try:
        return _read_document(data)
    except Exception:  # the strict reader says what is wrong, in its own words
        return ledger_from_json(data, source=source)


def _read_document(data: bytes) -> Ledger:
    import codecs

    from reskontro.serialization import (
        _SURROGATE_ESCAPE,
        MAX_DEPTH,
        _constant,
        _depth,
        _number,
        _pairs,
        ledger_from_dict,
    )

    raw = bytes(data)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValueError("not UTF-8")
    text = raw.decode("utf-8")
    del raw
    if _depth(text) > MAX_DEPTH or _SURROGATE_ESCAPE.search(text):
        raise ValueError("needs the whole-document reader")
    decoder = json.JSONDecoder(
        object_pairs_hook=_pairs, parse_int=_number, parse_float=_number,
        parse_constant=_constant,
    )
    space = re.compile(r"[ \t\n\r]*")

    def skip(pos: int) -> int:
        found = space.match(text, pos)
        return pos if found is None else found.end()

    def expect(pos: int, char: str) -> int:
        pos = skip(pos)
        if text[pos:pos + 1] != char:
            raise ValueError(f"expected {char!r} at {pos}")
        return pos + 1

    header: dict[str, Any] = {}
    events: list[Event] = []
    seen_events = False
    pos = expect(0, "{")
    if text[skip(pos):skip(pos) + 1] == "}":
        pos = skip(pos) + 1
    else:
        while True:
            key, pos = decoder.raw_decode(text, skip(pos))
            if not isinstance(key, str) or key in header or (key == "events" and seen_events):
                raise ValueError("a key that is not a string, or twice")
            pos = expect(pos, ":")
            if key == "events":
                seen_events = True
                pos = expect(pos, "[")
                if text[skip(pos):skip(pos) + 1] == "]":
                    pos = skip(pos) + 1
                else:
                    while True:
                        value, pos = decoder.raw_decode(text, skip(pos))
                        events.append(
                            event_from_dict(value, path=f"ledger.events[{len(events)}]")
                        )
                        pos = skip(pos)
                        if text[pos:pos + 1] == "]":
                            pos += 1
                            break
                        pos = expect(pos, ",")
            else:
                header[key], pos = decoder.raw_decode(text, skip(pos))
            pos = skip(pos)
            if text[pos:pos + 1] == "}":
                pos += 1
                break
            pos = expect(pos, ",")
    if skip(pos) != len(text) or not seen_events:
        raise ValueError("text after the document, or no events")
    empty = ledger_from_dict({**header, "events": []})  # checks schema, version, options
    options = empty.options
    return Ledger.from_events(
        events, empty.local_currency, post_against_post=options.post_against_post,
        auto_close_zero=options.auto_close_zero, cross_currency=options.cross_currency,
    )


class _View:
    """The store as it stood when a lazy ledger was opened: the ledger's :class:`PartitionSource`.

    Every read is bounded by the partition versions and the global position
    of that moment, so events other writers append later never leak into
    the ledger value.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        # one transaction (the write turn, briefly): the versions and the last
        # position are of the same moment
        with store._transaction() as cursor:
            top = store._execute(cursor, "SELECT MAX(gseq) FROM reskontro_events").fetchone()
            rows = store._execute(
                cursor, "SELECT partition, version FROM reskontro_partitions"
            ).fetchall()
        self.last = int(top[0] or 0)
        self.versions = {Partition.parse(str(p)): int(v) for p, v in rows}
        self.count = self.last

    def event_count(self) -> int:
        return self.count

    def partitions(self) -> list[Partition]:
        return sorted(self.versions)

    def partition_events(self, partition: Partition) -> tuple[Event, ...]:
        return self.partition_events_after(partition, 0)

    def partition_events_after(self, partition: Partition, version: int) -> tuple[Event, ...]:
        key = str(partition)
        rows = self.store._all(
            "SELECT seq, body FROM reskontro_events WHERE partition = ? AND seq > ? "
            "AND seq <= ? ORDER BY seq",
            (key, version, self.versions.get(partition, 0)),
        )
        return tuple(self.store._event(f"{key}#{seq}", body) for seq, body in rows)

    def partition_snapshot(self, partition: Partition) -> tuple[bytes, int] | None:
        rows = self.store._all(
            "SELECT body, version FROM reskontro_snapshots WHERE partition = ? AND version <= ? "
            "ORDER BY version DESC LIMIT 1",
            (str(partition), self.versions.get(partition, 0)),
        )
        return (bytes(rows[0][0]), int(rows[0][1])) if rows else None

    def partition_of_entry(self, entry_id: str) -> Partition | None:
        rows = self.store._all(
            "SELECT partition FROM reskontro_entries WHERE entry_id = ? AND gseq <= ?",
            (entry_id, self.last),
        )
        return Partition.parse(str(rows[0][0])) if rows else None

    def partition_of_match(self, match_id: str) -> Partition | None:
        rows = self.store._all(
            "SELECT partition FROM reskontro_matches WHERE match_id = ? AND gseq <= ?",
            (match_id, self.last),
        )
        return Partition.parse(str(rows[0][0])) if rows else None

    def entries_with_reference(self, reference: str) -> tuple[str, ...] | None:
        rows = self.store._all(
            "SELECT entry_id FROM reskontro_entries WHERE reference = ? AND gseq <= ? "
            "ORDER BY gseq",
            (reference, self.last),
        )
        return tuple(str(e) for (e,) in rows) or None

    def entry_count(self) -> int:
        rows = self.store._all(
            "SELECT COUNT(*) FROM reskontro_entries WHERE gseq <= ?", (self.last,)
        )
        return int(rows[0][0])

    def match_count(self) -> int:
        rows = self.store._all(
            "SELECT COUNT(*) FROM reskontro_matches WHERE gseq <= ?", (self.last,)
        )
        return int(rows[0][0])

    def events(self) -> Iterator[Event]:
        for gseq, body in self.store._rows():
            if gseq > self.last:
                return
            yield self.store._event(gseq, body)
