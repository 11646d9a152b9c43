"""History: events as the audit trail, replay, and the ledger as of a date."""

from __future__ import annotations

import datetime
from datetime import date

import attrs
import pytest

from reskontro import (
    DueDateChanged,
    EntriesMatched,
    Entry,
    EntryNotFoundError,
    EntryPosted,
    EntryReversed,
    EntryUnmatched,
    InvalidQueryError,
    Ledger,
    MatchDissolved,
    Money,
)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def d(day: int, month: int = 1) -> date:
    return date(2026, month, day)


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    """A year of one customer: invoices, a payment matched, removed, re-matched, a storno."""
    return (
        Ledger("NOK")
        .post_many([
            Entry.invoice("F-1", party="1", amount=nok("1000"), posted=d(5), due=d(19)),
            Entry.invoice("F-2", party="1", amount=nok("400"), posted=d(8), due=d(22)),
            Entry.payment("P-1", party="1", amount=nok("-1000"), posted=d(18)),
        ])
        .match(["F-1", "P-1"], match_id="K-1", on=d(20))
        .change_due_date("F-2", d(28), on=d(21))
        .remove_from_match("P-1", on=d(25))
        .match(["F-2", "P-1"], match_id="K-2", on=d(26))
        .dissolve("K-2", on=d(30))
        .reverse("F-2", on=d(5, 2))
    )


def test_events_are_the_history_in_application_order(ledger: Ledger) -> None:
    """Every operation appended its events, in the order they were applied."""
    assert [type(e) for e in ledger.events] == [
        EntryPosted, EntryPosted, EntryPosted, EntriesMatched, DueDateChanged, EntryUnmatched,
        EntriesMatched, MatchDissolved, EntryReversed,
    ]
    assert ledger.event_count == 9
    assert [e.on for e in ledger.events][3:] == [d(20), d(21), d(25), d(26), d(30), d(5, 2)]


def test_events_are_immutable_values(ledger: Ledger) -> None:
    """Events are frozen; the events tuple cannot be changed."""
    event = ledger.events[3]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.on = d(1)  # type: ignore[misc]
    assert isinstance(ledger.events, tuple)
    assert ledger.events[3] == EntriesMatched(
        match_id="K-1",
        entry_ids=("F-1", "P-1"),
        on=d(20),
        close_policy=event.close_policy,  # type: ignore[union-attr]
    )


def test_as_of_before_any_event_is_empty(ledger: Ledger) -> None:
    """As of a date before the first posting the ledger is empty."""
    empty = ledger.as_of(d(4))
    assert empty.event_count == 0
    assert empty.items().ids == ()
    assert empty.balance().is_zero
    assert empty == Ledger("NOK")


def test_as_of_after_the_last_event_is_the_ledger(ledger: Ledger) -> None:
    """As of the last event's date (or later) the ledger is itself."""
    assert ledger.as_of(d(5, 2)) == ledger
    assert ledger.as_of(date(2030, 1, 1)) == ledger
    assert ledger.as_of(d(5, 2)).open_items() == ledger.open_items()


def test_as_of_is_the_end_of_the_day(ledger: Ledger) -> None:
    """Entries posted and matches applied on the day are included."""
    assert "P-1" in ledger.as_of(d(18))
    assert "P-1" not in ledger.as_of(d(17))
    assert ledger.as_of(d(20)).item("F-1").match_id == "K-1"
    assert ledger.as_of(d(19)).item("F-1").match_id is None


def test_match_lives_between_application_and_undo(ledger: Ledger) -> None:
    """A match counts from its application date until the day it is undone."""
    assert ledger.open_items(party="1", as_of=d(19)).ids == ("F-1", "F-2", "P-1")
    assert ledger.open_items(party="1", as_of=d(20)).ids == ("F-2",)
    assert ledger.open_items(party="1", as_of=d(24)).ids == ("F-2",)
    assert ledger.open_items(party="1", as_of=d(25)).ids == ("F-1", "F-2", "P-1")
    assert ledger.item("P-1", as_of=d(26)).match_id == "K-2"
    assert ledger.item("P-1", as_of=d(26)).remaining == nok("-600")
    assert ledger.get_match("K-2", as_of=d(29)).is_live
    assert not ledger.get_match("K-2", as_of=d(30)).is_live
    assert ledger.item("P-1", as_of=d(30)).match_id is None


def test_due_date_as_of(ledger: Ledger) -> None:
    """The due date in force is the one changed on or before the date asked about."""
    assert ledger.item("F-2", as_of=d(20)).due == d(22)
    assert ledger.item("F-2", as_of=d(21)).due == d(28)
    assert ledger.search(overdue_on=d(23), as_of=d(20)).ids == ("F-2",)
    assert ledger.search(overdue_on=d(23), as_of=d(21)).ids == ()


def test_reversal_as_of(ledger: Ledger) -> None:
    """The storno exists from its date; before, the original is open."""
    assert "F-2-R" not in ledger.as_of(d(4, 2))
    assert ledger.item("F-2", as_of=d(4, 2)).is_open
    assert not ledger.item("F-2").is_open


def test_as_of_equals_replaying_the_events_up_to_that_date(ledger: Ledger) -> None:
    """ledger.as_of(d) is the replay of the events dated on or before d."""
    for day in (d(4), d(8), d(18), d(20), d(21), d(25), d(26), d(30), d(5, 2)):
        replayed = Ledger.from_events([e for e in ledger.events if e.on <= day], "NOK")
        assert ledger.as_of(day) == replayed
        assert ledger.open_items(as_of=day) == replayed.open_items()
        assert ledger.balances(as_of=day) == replayed.balances()
        assert ledger.match_rows(as_of=day) == replayed.match_rows()


def test_as_of_of_as_of(ledger: Ledger) -> None:
    """Going back twice is going back to the earlier date."""
    assert ledger.as_of(d(26)).as_of(d(20)) == ledger.as_of(d(20))


def test_backdated_posting_shows_in_earlier_views() -> None:
    """An entry recorded later but posted earlier belongs to the earlier as_of views."""
    ledger = Ledger("NOK").post(
        Entry.invoice("F-1", party="1", amount=nok("100"), posted=d(20))
    ).post(Entry.invoice("F-0", party="1", amount=nok("50"), posted=d(10)))
    assert ledger.as_of(d(15)).items().ids == ("F-0",)
    assert ledger.balance(as_of=d(15)).local == nok("50")


def test_as_of_refuses_a_non_date(ledger: Ledger) -> None:
    """as_of takes a datetime.date; strings and datetimes are refused."""
    with pytest.raises(InvalidQueryError) as info:
        ledger.as_of("2026-01-20")  # type: ignore[arg-type]
    assert info.value.field == "as_of"
    with pytest.raises(InvalidQueryError):
        ledger.as_of(datetime.datetime(2026, 1, 20))  # noqa: DTZ001 - the bad input
    with pytest.raises(InvalidQueryError):
        ledger.open_items(as_of="2026-01-20")  # type: ignore[arg-type]


def test_history_of_an_entry_is_its_audit_trail(ledger: Ledger) -> None:
    """history() lists every event that touched an entry, in order."""
    assert [type(e) for e in ledger.history("F-2")] == [
        EntryPosted, DueDateChanged, EntriesMatched, MatchDissolved, EntryReversed,
    ]
    assert [type(e) for e in ledger.history("P-1")] == [
        EntryPosted, EntriesMatched, EntryUnmatched, EntriesMatched, MatchDissolved,
    ]


def test_history_of_an_unknown_entry_is_refused(ledger: Ledger) -> None:
    """history() of an id not in the ledger is an EntryNotFoundError."""
    with pytest.raises(EntryNotFoundError):
        ledger.history("F-404")


def test_from_events_rebuilds_the_same_state(ledger: Ledger) -> None:
    """A replay of the events answers every query like the original."""
    again = Ledger.from_events(ledger.events, "NOK")
    assert again == ledger
    assert again.items() == ledger.items()
    assert again.matches(include_dissolved=True) == ledger.matches(include_dissolved=True)
    assert again.history("P-1") == ledger.history("P-1")


def test_older_values_keep_their_history(ledger: Ledger) -> None:
    """A ledger value taken earlier keeps its own events after later operations."""
    earlier = ledger.as_of(d(26))
    count = earlier.event_count
    later = earlier.dissolve("K-2", on=d(27)).post(
        Entry.invoice("F-9", party="1", amount=nok("1"), posted=d(27))
    )
    assert earlier.event_count == count
    assert later.event_count == count + 2
    assert earlier.item("P-1").match_id == "K-2"
