"""Errors: each bad input raises its precise error, names entry/field/value, changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from reskontro import (
    AlreadyMatchedError,
    ClosePolicy,
    DuplicateEntryError,
    EntriesMatched,
    Entry,
    EntryNotFoundError,
    EntryPosted,
    EntryUnmatched,
    InvalidAmountError,
    InvalidEntryError,
    InvalidEventError,
    Ledger,
    MatchDateError,
    MatchDissolved,
    MatchNotFoundError,
    Money,
    NotMatchedError,
    ReskontroError,
    Side,
    SubAccountMismatchError,
    WrongSignError,
)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def d(day: int, month: int = 1) -> date:
    return date(2026, month, day)


def base_ledger() -> Ledger:
    """F-1/P-1 matched as K-1 on the 10th; F-2, P-2 free; other parties, sides and accounts."""
    return Ledger("NOK").post_many([
        Entry.invoice("F-1", party="10001", amount=nok("1000"), posted=d(2), due=d(16)),
        Entry.payment("P-1", party="10001", amount=nok("-600"), posted=d(10)),
        Entry.invoice("F-2", party="10001", amount=nok("500"), posted=d(3)),
        Entry.payment("P-2", party="10001", amount=nok("-500"), posted=d(12)),
        Entry.payment("Q-1", party="10002", amount=nok("-500"), posted=d(12)),
        Entry.payment(
            "S-1", party="10001", side=Side.PAYABLE, amount=nok("500"), posted=d(12)
        ),
        Entry.payment("A-1", party="10001", account="1510", amount=nok("-500"), posted=d(12)),
    ]).match(["F-1", "P-1"], match_id="K-1")


def fresh_entry(entry_id: str = "NEW-1") -> Entry:
    return Entry.invoice(entry_id, party="10001", amount=nok("1"), posted=d(20))


#: (operation, error class, builtin it also is, entry_id, field, value, message pattern)
CASES: dict[str, tuple[Callable[[Ledger], Any], type[ReskontroError], type[Exception],
                       str | None, str | None, object, str]] = {
    "duplicate id": (
        lambda ledger: ledger.post(Entry.invoice("F-2", party="1", amount=nok("5"), posted=d(4))),
        DuplicateEntryError, ValueError, "F-2", "id", "F-2", "already in the ledger",
    ),
    "duplicate id in a batch after valid entries": (
        lambda ledger: ledger.post_many(
            [fresh_entry("N-1"), fresh_entry("N-2"), fresh_entry("N-1")]
        ),
        DuplicateEntryError, ValueError, "N-1", "id", "N-1", "twice in the batch",
    ),
    "unknown entry in a match": (
        lambda ledger: ledger.match(["F-2", "X-404"]),
        EntryNotFoundError, LookupError, "X-404", "entry_id", "X-404", "no entry 'X-404'",
    ),
    "unknown entry removed": (
        lambda ledger: ledger.remove_from_match("X-404", on=d(20)),
        EntryNotFoundError, LookupError, "X-404", "entry_id", "X-404", "X-404",
    ),
    "unknown entry reversed": (
        lambda ledger: ledger.reverse("X-404", on=d(20)),
        EntryNotFoundError, LookupError, "X-404", "entry_id", "X-404", "X-404",
    ),
    "unknown entry's due date": (
        lambda ledger: ledger.change_due_date("X-404", d(30), on=d(20)),
        EntryNotFoundError, LookupError, "X-404", "entry_id", "X-404", "X-404",
    ),
    "unknown match dissolved": (
        lambda ledger: ledger.dissolve("K-404", on=d(20)),
        MatchNotFoundError, LookupError, None, "match_id", "K-404", "no match 'K-404'",
    ),
    "float amount": (
        lambda ledger: ledger.post(
            Entry.invoice("N-1", party="1", amount=Money(12.5, "NOK"), posted=d(20))  # type: ignore[arg-type]
        ),
        InvalidAmountError, ValueError, None, "amount", 12.5, "float",
    ),
    "float amount in a search": (
        lambda ledger: ledger.search(min_amount=12.5),  # type: ignore[arg-type]
        InvalidAmountError, ValueError, None, "min_amount", 12.5, "float",
    ),
    "over-precise amount": (
        lambda ledger: ledger.post(
            Entry.invoice("N-1", party="1", amount=Money("10.005", "NOK"), posted=d(20))
        ),
        InvalidAmountError, ValueError, None, "amount", "10.005", "more decimals than NOK",
    ),
    "wrong sign for kind": (
        lambda ledger: ledger.post(
            Entry.payment("N-1", party="10001", amount=nok("250"), posted=d(20))
        ),
        WrongSignError, ValueError, "N-1", "amount", nok("250"), "must be negative",
    ),
    "local amount in a foreign currency": (
        lambda ledger: ledger.post(
            Entry.invoice("N-1", party="1", amount=Money("5", "EUR"), posted=d(20))
        ),
        InvalidEntryError, ValueError, "N-1", "amount_local", Money("5", "EUR"), "local currency",
    ),
    "match across parties": (
        lambda ledger: ledger.match(["F-2", "Q-1"]),
        SubAccountMismatchError, ValueError, "Q-1", "party", "10002", "one sub-account",
    ),
    "match across sides": (
        lambda ledger: ledger.match(["F-2", "S-1"]),
        SubAccountMismatchError, ValueError, "S-1", "side", Side.PAYABLE, "one sub-account",
    ),
    "match across accounts": (
        lambda ledger: ledger.match(["F-2", "A-1"]),
        SubAccountMismatchError, ValueError, "A-1", "account", "1510", "one sub-account",
    ),
    "match dated before a member's posting": (
        lambda ledger: ledger.match(["F-2", "P-2"], on=d(11)),
        MatchDateError, ValueError, "P-2", "on", d(11), "before entry 'P-2' was posted",
    ),
    "entry already in another match": (
        lambda ledger: ledger.match(["F-2", "P-1"]),
        AlreadyMatchedError, ValueError, "P-1", "entry_ids", "P-1", "already in match 'K-1'",
    ),
    "removal dated before the application date": (
        lambda ledger: ledger.remove_from_match("P-1", on=d(9)),
        MatchDateError, ValueError, "P-1", "on", d(9), "before match 'K-1' was last applied",
    ),
    "dissolve dated before the application date": (
        lambda ledger: ledger.dissolve("K-1", on=d(9)),
        MatchDateError, ValueError, None, "on", d(9), "before match 'K-1' was last applied",
    ),
    "match dated with a datetime": (
        lambda ledger: ledger.match(["F-2", "P-2"], on=datetime(2026, 1, 20, 12)),  # noqa: DTZ001
        InvalidEventError, ValueError, None, "on", datetime(2026, 1, 20, 12),  # noqa: DTZ001
        "must be a datetime.date",
    ),
    "due date before the document date": (
        lambda ledger: ledger.change_due_date("F-2", d(1), on=d(20)),
        InvalidEntryError, ValueError, "F-2", "due", d(1), "before the document date",
    ),
    "removal of an unmatched entry": (
        lambda ledger: ledger.remove_from_match("F-2", on=d(20)),
        NotMatchedError, ValueError, "F-2", "entry_id", "F-2", "in no match",
    ),
}


def assert_unchanged_and_usable(
    ledger: Ledger, events: tuple[Any, ...], data: dict[str, Any]
) -> None:
    """The refused operation left the ledger exactly as it was, and it still works."""
    assert ledger.events == events
    assert ledger.to_dict() == data
    assert ledger == Ledger.from_dict(data)
    after = ledger.post(fresh_entry("OK-1")).match(["F-2", "P-2"], match_id="OK-M")
    assert after.event_count == len(events) + 2
    assert after.get_match("OK-M").is_closed
    assert ledger.events == events


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_raises_its_error_and_changes_nothing(case: str) -> None:
    """Each bad input raises the specific error (and builtin), with entry_id/field/value."""
    operation, error, builtin, entry_id, field, value, pattern = CASES[case]
    ledger = base_ledger()
    events, data = ledger.events, ledger.to_dict()
    with pytest.raises(error, match=pattern) as info:
        operation(ledger)
    raised = info.value
    assert isinstance(raised, ReskontroError)
    assert isinstance(raised, builtin)
    assert raised.entry_id == entry_id
    assert raised.field == field
    assert raised.value == value
    assert_unchanged_and_usable(ledger, events, data)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_on_an_older_ledger_value_changes_nothing(case: str) -> None:
    """The same holds for a ledger value that is no longer the newest of its line."""
    ledger = base_ledger()
    newer = ledger.post(fresh_entry("LATER-1"))
    events, data = ledger.events, ledger.to_dict()
    newer_data = newer.to_dict()
    operation, error, *_ = CASES[case]
    with pytest.raises(error):
        operation(ledger)
    assert_unchanged_and_usable(ledger, events, data)
    assert newer.to_dict() == newer_data


def test_already_matched_error_names_the_match() -> None:
    """AlreadyMatchedError carries the id of the match the entry is in."""
    with pytest.raises(AlreadyMatchedError) as info:
        base_ledger().match(["F-2", "P-1"])
    assert info.value.match_id == "K-1"


def test_failing_plan_applies_nothing() -> None:
    """A multi-event apply whose last event fails leaves the ledger unchanged and usable."""
    ledger = base_ledger()
    events, data = ledger.events, ledger.to_dict()
    good = [
        EntryPosted(fresh_entry("N-1")),
        EntryUnmatched(match_id="K-1", entry_id="P-1", on=d(20)),
        EntriesMatched(match_id="K-9", entry_ids=("F-2", "P-2"), on=d(20)),
    ]
    bad = EntriesMatched(match_id="K-10", entry_ids=("P-1", "F-2"), on=d(20))
    with pytest.raises(AlreadyMatchedError) as info:
        ledger.apply([*good, bad])
    assert (info.value.entry_id, info.value.match_id) == ("F-2", "K-9")
    assert_unchanged_and_usable(ledger, events, data)
    applied = ledger.apply(good)
    assert applied.events == events + tuple(good)
    assert applied.item("P-1").match_id is None
    assert "N-1" not in ledger


def test_failing_plan_in_the_middle_applies_nothing() -> None:
    """A plan failing on a middle event (after a dissolve) keeps the match and the entries."""
    ledger = base_ledger()
    events, data = ledger.events, ledger.to_dict()
    plan = [
        MatchDissolved(match_id="K-1", on=d(20)),
        EntriesMatched(match_id="K-2", entry_ids=("F-1", "Q-1"), on=d(20)),
        EntryPosted(fresh_entry("N-1")),
    ]
    with pytest.raises(SubAccountMismatchError):
        ledger.apply(plan)
    assert ledger.get_match("K-1").is_live
    assert ledger.item("F-1").remaining == nok("400")
    assert_unchanged_and_usable(ledger, events, data)


def test_failing_match_many_makes_no_match() -> None:
    """match_many refused on its second group keeps no match from the first."""
    ledger = base_ledger()
    events, data = ledger.events, ledger.to_dict()
    with pytest.raises(AlreadyMatchedError):
        ledger.match_many([["F-2", "P-2"], ["P-1"]])
    assert_unchanged_and_usable(ledger, events, data)


def test_failing_reverse_with_unmatch_first_keeps_the_match() -> None:
    """A reversal refused after its unmatch step leaves the entry in its match."""
    ledger = base_ledger()
    events, data = ledger.events, ledger.to_dict()
    with pytest.raises(DuplicateEntryError):
        ledger.reverse("P-1", on=d(20), unmatch_first=True, reversal_id="F-2")
    assert ledger.item("P-1").match_id == "K-1"
    assert_unchanged_and_usable(ledger, events, data)


def test_failing_close_policy_switch_changes_nothing() -> None:
    """An extension refused for its date does not switch the match's close policy."""
    ledger = base_ledger()
    events, data = ledger.events, ledger.to_dict()
    with pytest.raises(MatchDateError):
        ledger.extend_match("K-1", ["P-2"], on=d(9), close_policy=ClosePolicy.LOCAL_ONLY)
    assert ledger.get_match("K-1").close_policy is ClosePolicy.ALL_CURRENCIES
    assert_unchanged_and_usable(ledger, events, data)


def test_errors_pickle_with_their_attributes() -> None:
    """Errors survive pickling (e.g. across processes) with entry_id, field, value, match_id."""
    import pickle

    with pytest.raises(AlreadyMatchedError) as info:
        base_ledger().match(["F-2", "P-1"])
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is AlreadyMatchedError
    assert (again.entry_id, again.field, again.value, again.match_id) == (
        "P-1", "entry_ids", "P-1", "K-1",
    )
    assert str(again) == str(info.value)
