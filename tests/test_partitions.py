"""The partitioned ledger: each (side, party) folds on its own; values share the rest.

* a partition's state equals the whole ledger's fold restricted to it, for any
  event sequence (and the generated ids are the same either way);
* ``as_of`` for one party replays only that party's events and agrees with
  the whole ledger's ``as_of`` (invariant 7 across partitions);
* a ledger pickles and unpickles to an equal value;
* an interrupt at any step of an operation leaves every existing value intact.
"""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import Entry, Ledger, Money, Partition, Side
from reskontro._state import Part, Txn
from reskontro.events import Event, NoticeLevel
from reskontro.exceptions import DuplicateEntryError, NoticeError, ReskontroError
from reskontro.testing import DEFAULT_START, ledgers

PARTIES = ("10001", "10002", "10003")
LEDGERS = ledgers(
    parties=PARTIES, sides=tuple(Side), max_entries=14, max_operations=10,
    foreign_currencies=("EUR",),
)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def _per_partition(ledger: Ledger) -> dict[Partition, Ledger]:
    """Each partition's history folded on its own."""
    return {
        p: Ledger.from_events(ledger.partition_events(p), "NOK", post_against_post=(
            ledger.options.post_against_post
        ), cross_currency=ledger.options.cross_currency)
        for p in ledger.partitions()
    }


@given(LEDGERS)
def test_each_partition_folds_to_what_the_whole_ledger_says(ledger: Ledger) -> None:
    """A party's items, balances and matches are the same folded alone or with everyone."""
    alone = _per_partition(ledger)
    assert sum(p.event_count for p in alone.values()) == ledger.event_count
    for partition, part in alone.items():
        party, side = partition.party, partition.side
        assert part.items() == ledger.items(party=party, side=side)
        assert part.open_items() == ledger.open_items(party=party, side=side)
        assert part.balance() == ledger.balance(party=party, side=side)
        subs = [s for s in ledger.sub_accounts() if (s.side, s.party) == partition]
        assert part.sub_accounts() == tuple(subs)
        for sub in subs:
            # the same match ids, generated ones included, and the same matches
            assert part.matches(sub_account=sub, include_dissolved=True) == ledger.matches(
                sub_account=sub, include_dissolved=True
            )
    assert set(ledger.partitions()) == set(alone)


@given(LEDGERS)
def test_changes_name_every_event_with_its_partition(ledger: Ledger) -> None:
    """changes_since(0) is the history, each event with the partition it belongs to."""
    changes = ledger.changes_since(0)
    assert tuple(event for _, event in changes) == ledger.events
    for partition in ledger.partitions():
        mine = tuple(event for p, event in changes if p == partition)
        assert mine == ledger.partition_events(partition)
        assert ledger.partition_version(partition) == len(mine)
    half = ledger.event_count // 2
    assert ledger.changes_since(half) == changes[half:]


@given(LEDGERS, st.integers(-2, 75))
def test_a_partys_as_of_equals_the_whole_ledgers_as_of(ledger: Ledger, offset: int) -> None:
    """Invariant 7 across partitions: one party's history replayed alone agrees with the whole."""
    day = DEFAULT_START + timedelta(days=offset)
    whole = Ledger.from_events(
        [e for e in ledger.events if e.on <= day], "NOK",
        post_against_post=ledger.options.post_against_post,
        cross_currency=ledger.options.cross_currency,
    )
    for party in PARTIES:
        for side in Side:
            assert ledger.open_items(party=party, side=side, as_of=day) == whole.open_items(
                party=party, side=side
            )
            assert ledger.balance(party=party, side=side, as_of=day) == whole.balance(
                party=party, side=side
            )
            assert ledger.match_rows(party=party, as_of=day) == whole.match_rows(party=party)
    for entry in whole.items():
        assert ledger.item(entry.id, as_of=day) == entry


@given(LEDGERS)
def test_a_ledger_pickles_to_an_equal_value(ledger: Ledger) -> None:
    again = pickle.loads(pickle.dumps(ledger))
    assert again == ledger
    assert again.events == ledger.events
    assert again.open_items() == ledger.open_items()
    assert again.options == ledger.options


def _book() -> Ledger:
    return Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2)),
        Entry.invoice("F-2", party="2", amount=nok("50"), posted=date(2026, 1, 2)),
        Entry.payment("P-1", party="1", amount=nok("-100"), posted=date(2026, 1, 9)),
        Entry.payment("P-2", party="2", amount=nok("-20"), posted=date(2026, 1, 9)),
    ])


def test_generated_match_ids_are_numbered_within_the_partition() -> None:
    """Customer 1's first match is C1-M1 whatever the other parties did before."""
    ledger = _book().match(["F-2", "P-2"]).match(["F-1", "P-1"])
    assert ledger.item("F-1").match_id == "C1-M1"
    assert ledger.item("F-2").match_id == "C2-M1"
    supplier = Ledger("NOK").post_many([
        Entry.invoice("LF-1", party="1", side=Side.PAYABLE, amount=nok("-80"),
                      posted=date(2026, 1, 2)),
        Entry.payment("LB-1", party="1", side=Side.PAYABLE, amount=nok("80"),
                      posted=date(2026, 1, 3)),
    ]).match(["LF-1", "LB-1"])
    assert supplier.item("LF-1").match_id == "S1-M1"


def test_a_notice_about_several_parties_is_refused() -> None:
    with pytest.raises(NoticeError, match="one party's entries"):
        _book().record_notice(["F-1", "F-2"], NoticeLevel.REMINDER, on=date(2026, 2, 1))


def test_partition_lookups_and_bad_arguments() -> None:
    ledger = _book()
    assert ledger.partition_of("P-2") == Partition(Side.RECEIVABLE, "2")
    assert Partition.parse(str(Partition(Side.PAYABLE, "x:y"))) == Partition(Side.PAYABLE, "x:y")
    with pytest.raises(ReskontroError, match="does not name a partition"):
        Partition.parse("customer")
    with pytest.raises(ReskontroError, match="event_count"):
        ledger.changes_since(99)
    with pytest.raises(ReskontroError, match="partition"):
        ledger.partition_version(("receivable", "1"))  # type: ignore[arg-type]
    assert ledger.partition_events(Partition(Side.PAYABLE, "nobody")) == ()


def test_a_refused_batch_touches_no_existing_value() -> None:
    ledger = _book()
    before = ledger.events
    with pytest.raises(DuplicateEntryError):
        ledger.post_many([
            Entry.invoice("F-3", party="3", amount=nok("1"), posted=date(2026, 1, 3)),
            Entry.invoice("F-1", party="1", amount=nok("1"), posted=date(2026, 1, 3)),
        ])
    assert ledger.events == before
    assert "F-3" not in ledger


# -- interrupts ------------------------------------------------------------------------------------


class _Interrupt(BaseException):
    pass


def _operations(ledger: Ledger) -> list[tuple[str, object]]:
    return [
        ("post", lambda: ledger.post_many([
            Entry.invoice("F-9", party="1", amount=nok("10"), posted=date(2026, 1, 10)),
            Entry.invoice("F-8", party="3", amount=nok("10"), posted=date(2026, 1, 10)),
        ])),
        ("match", lambda: ledger.match(["F-1", "P-1"])),
        ("match_many", lambda: ledger.match_many([["F-1", "P-1"], ["F-2", "P-2"]])),
        ("reverse", lambda: ledger.reverse("F-2", on=date(2026, 1, 12))),
        ("due", lambda: ledger.change_due_date("F-1", date(2026, 2, 1), on=date(2026, 1, 5))),
    ]


@pytest.mark.parametrize("interrupt", [_Interrupt, KeyboardInterrupt, MemoryError])
@pytest.mark.parametrize("name", ["post", "match", "match_many", "reverse", "due"])
def test_an_interrupt_at_any_step_leaves_every_value_intact(
    name: str, interrupt: type[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    """KeyboardInterrupt, MemoryError or a signal handler's error at any step: no value changes."""
    base = _book().match(["F-2", "P-2"], allocations=())
    older = base.dissolve("C2-M1", on=date(2026, 1, 11))
    snapshot = (base.events, base.open_items(), older.events, older.open_items())
    operation = dict(_operations(older))[name]
    expected = operation()  # type: ignore[operator]
    calls = {"n": 0, "at": 0}
    for step in range(1, 200):
        calls.update(n=0, at=step)

        def counting(original):  # type: ignore[no-untyped-def]
            def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
                calls["n"] += 1
                if calls["n"] == calls["at"]:
                    raise interrupt
                return original(*args, **kwargs)
            return wrapper

        with monkeypatch.context() as patch:
            for cls, method in ((Txn, "own"), (Txn, "finish"), (Part, "post_many"),
                                (Part, "new_match"), (Part, "apply"), (Part, "copy"),
                                (Part, "_mark")):
                patch.setattr(cls, method, counting(getattr(cls, method)))
            try:
                result = operation()  # type: ignore[operator]
            except interrupt:
                result = None
        assert (base.events, base.open_items(), older.events, older.open_items()) == snapshot
        if result is not None:
            assert result == expected
            assert result.open_items() == expected.open_items()
            break
    else:  # pragma: no cover - every operation has fewer than 200 steps
        pytest.fail("the operation never completed")
    assert calls["n"] >= 1


# -- a ledger opened from a store's source --------------------------------------------------------


class _Source:
    """A store stand-in over a ledger's history that counts what it is asked."""

    def __init__(self, ledger: Ledger) -> None:
        self.history = ledger.changes_since(0)
        self.asked: list[str] = []
        self.where = {
            e.id: ledger.partition_of(e.id) for e in ledger.items()
        }
        self.mwhere = {
            m.id: Partition(m.sub_account.side, m.sub_account.party)
            for m in ledger.matches(include_dissolved=True)
        }
        self.kid: dict[str, tuple[str, ...]] = {}
        for item in ledger.items():
            if item.entry.reference is not None:
                self.kid[item.entry.reference] = (
                    *self.kid.get(item.entry.reference, ()), item.id
                )

    def event_count(self) -> int:
        return len(self.history)

    def partitions(self) -> list[Partition]:
        return sorted({p for p, _ in self.history})

    def partition_events(self, partition: Partition) -> list[Event]:
        self.asked.append(f"partition {partition}")
        return [e for p, e in self.history if p == partition]

    def partition_of_entry(self, entry_id: str) -> Partition | None:
        return self.where.get(entry_id)

    def partition_of_match(self, match_id: str) -> Partition | None:
        return self.mwhere.get(match_id)

    def entries_with_reference(self, reference: str) -> tuple[str, ...] | None:
        return self.kid.get(reference)

    def entry_count(self) -> int:
        return len(self.where)

    def match_count(self) -> int:
        return len(self.mwhere)

    def events(self) -> list[Event]:
        self.asked.append("events")
        return [e for _, e in self.history]


@given(LEDGERS)
def test_a_ledger_opened_from_a_source_equals_the_original(ledger: Ledger) -> None:
    opened = Ledger.from_source(
        _Source(ledger), "NOK", post_against_post=ledger.options.post_against_post,
        cross_currency=ledger.options.cross_currency,
    )
    assert opened.event_count == ledger.event_count
    for party in PARTIES:
        assert opened.open_items(party=party) == ledger.open_items(party=party)
        assert opened.balance(party=party) == ledger.balance(party=party)
    assert opened == ledger
    assert opened.open_items() == ledger.open_items()
    assert opened.matches(include_dissolved=True) == ledger.matches(include_dissolved=True)


def test_one_partys_question_reads_only_that_party() -> None:
    ledger = _book().match(["F-1", "P-1"]).match(["F-2", "P-2"])
    source = _Source(ledger)
    opened = Ledger.from_source(source, "NOK")
    assert opened.balance(party="1").local == nok("0")
    assert source.asked == [f"partition {Partition(Side.RECEIVABLE, '1')}"]
    # an operation on one party reads that party and the store's id index only
    more = opened.post(Entry.invoice("F-5", party="1", amount=nok("5"), posted=date(2026, 2, 1)))
    with pytest.raises(DuplicateEntryError):
        opened.post(Entry.invoice("F-2", party="9", amount=nok("5"), posted=date(2026, 2, 1)))
    assert source.asked == [f"partition {Partition(Side.RECEIVABLE, '1')}"]
    assert more.changes_since(opened.event_count)[0][0] == Partition(Side.RECEIVABLE, "1")
    assert more.item("F-5").is_open
    assert more.item("F-1").match_id == "C1-M1"
    # the whole history is read when asked for
    assert more.events[: ledger.event_count] == ledger.events
    assert "events" in source.asked


class _SnapshotSource(_Source):
    """A store stand-in that keeps a snapshot of each partition halfway through its history."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger)
        self.snapshots: dict[Partition, tuple[bytes, int]] = {}
        for partition in ledger.partitions():
            events = [e for p, e in self.history if p == partition]
            half = len(events) // 2
            # the partition as it stood after its first `half` events
            upto = next(
                (n for n in range(len(self.history) + 1)
                 if sum(1 for p, _ in self.history[:n] if p == partition) == half), 0,
            )
            earlier = Ledger.from_events(
                [e for _, e in self.history[:upto]], "NOK",
                post_against_post=ledger.options.post_against_post,
                cross_currency=ledger.options.cross_currency,
            )
            self.snapshots[partition] = (earlier.partition_snapshot(partition), half)

    def partition_snapshot(self, partition: Partition) -> tuple[bytes, int] | None:
        self.asked.append(f"snapshot {partition}")
        return self.snapshots.get(partition)

    def partition_events_after(self, partition: Partition, version: int) -> list[Event]:
        return [e for p, e in self.history if p == partition][version:]


@given(LEDGERS)
def test_a_ledger_opened_from_snapshots_and_their_tails_equals_the_original(
    ledger: Ledger,
) -> None:
    source = _SnapshotSource(ledger)
    opened = Ledger.from_source(
        source, "NOK", post_against_post=ledger.options.post_against_post,
        cross_currency=ledger.options.cross_currency,
    )
    for party in PARTIES:
        for side in Side:
            assert opened.items(party=party, side=side) == ledger.items(party=party, side=side)
            assert opened.balance(party=party, side=side) == ledger.balance(
                party=party, side=side
            )
            assert opened.matches(party=party, include_dissolved=True) == ledger.matches(
                party=party, include_dissolved=True
            )
    # every partition came from its snapshot and tail, none from its whole history
    assert not [asked for asked in source.asked if asked.startswith("partition ")]
    assert opened == ledger


def test_a_snapshot_loads_nothing_but_reskontro_values() -> None:
    """A tampered snapshot that would call a function is refused, not run."""
    import pickle as std_pickle

    from reskontro._state import SNAPSHOT_MAGIC, restore
    from reskontro.exceptions import SerializationError

    class Evil:
        def __reduce__(self) -> tuple[object, ...]:
            return (print, ("owned",))

    tampered = SNAPSHOT_MAGIC + std_pickle.dumps(("NOK", None, Evil()))
    with pytest.raises(SerializationError, match=r"may not hold builtins\.print"):
        restore(tampered, "NOK", Partition(Side.RECEIVABLE, "1"))
    with pytest.raises(SerializationError, match="not a reskontro partition snapshot"):
        restore(b"junk", "NOK", Partition(Side.RECEIVABLE, "1"))
    good = _book().partition_snapshot(Partition(Side.RECEIVABLE, "1"))
    with pytest.raises(SerializationError, match="not of receivable:2"):
        restore(good, "NOK", Partition(Side.RECEIVABLE, "2"))


def test_threads_branching_from_one_value_never_disturb_it_or_each_other() -> None:
    """Writers on branches of a shared value and readers of it, at once: all exact."""
    import sys
    import threading

    base = Ledger("NOK").post_many(
        Entry.invoice(f"F-{p}-{n}", party=str(p), amount=nok("10"), posted=date(2026, 1, 2))
        for p in range(8) for n in range(20)
    )
    before = (base.events, base.open_items(), base.balance())
    results: dict[int, Ledger] = {}
    errors: list[BaseException] = []

    def writer(p: int) -> None:
        try:
            value = base
            for n in range(20):
                value = value.post(Entry.payment(
                    f"P-{p}-{n}", party=str(p), amount=nok("-10"), posted=date(2026, 1, 3)
                )).match([f"F-{p}-{n}", f"P-{p}-{n}"])
            results[p] = value
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def reader() -> None:
        try:
            for _ in range(30):
                assert (base.events, base.open_items(), base.balance()) == before
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=writer, args=(p,)) for p in range(8)]
        threads += [threading.Thread(target=reader) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    assert not errors
    assert (base.events, base.open_items(), base.balance()) == before
    for p, value in results.items():
        assert value.open_items(party=str(p)).ids == ()
        assert len(value.open_items()) == 20 * 7
        assert value.item(f"F-{p}-0").match_id == f"C{p}-M1"
