"""The ledger: immutable, event-sourced; posting, replay, options, due dates and reversal."""

from __future__ import annotations

from datetime import date

import pytest

from reskontro import (
    Allocation,
    DueDateChanged,
    DuplicateEntryError,
    EntriesMatched,
    Entry,
    EntryNotFoundError,
    EntryPosted,
    EntryReversed,
    EntryUnmatched,
    InvalidEntryError,
    InvalidEventError,
    Ledger,
    LedgerOptions,
    MatchDissolved,
    Money,
    PostAgainstPost,
    ReskontroError,
    ReversalError,
    Side,
)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def invoice(entry_id: str, amount: str = "1000", *, day: int = 5, **fields: object) -> Entry:
    return Entry.invoice(
        entry_id, party=str(fields.pop("party", "10001")), amount=nok(amount),
        posted=date(2026, 1, day), **fields,  # type: ignore[arg-type]
    )


def payment(entry_id: str, amount: str = "-1000", *, day: int = 20, **fields: object) -> Entry:
    return Entry.payment(
        entry_id, party=str(fields.pop("party", "10001")), amount=nok(amount),
        posted=date(2026, 1, day), **fields,  # type: ignore[arg-type]
    )


# -- construction and identity ---------------------------------------------------------------------


def test_new_ledger_is_empty() -> None:
    """A new ledger has no events, entries, items or balance."""
    ledger = Ledger("NOK")
    assert ledger.events == ()
    assert ledger.event_count == 0
    assert len(ledger.items()) == 0
    assert ledger.balance().is_zero
    assert ledger.balances() == {}
    assert ledger.options == LedgerOptions()


def test_default_options() -> None:
    """Post-against-post warns by default; zero entries are not auto-closed."""
    options = Ledger("NOK").options
    assert options.post_against_post is PostAgainstPost.WARN
    assert options.auto_close_zero is False


def test_options_are_validated() -> None:
    """LedgerOptions refuses values of the wrong type."""
    with pytest.raises(TypeError):
        LedgerOptions(post_against_post="refuse")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        LedgerOptions(auto_close_zero=1)  # type: ignore[arg-type]


def test_ledger_is_immutable() -> None:
    """Setting or deleting an attribute of a ledger raises AttributeError."""
    ledger = Ledger("NOK")
    with pytest.raises(AttributeError, match="immutable"):
        ledger._local = "SEK"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del ledger._local
    assert ledger.local_currency == "NOK"


def test_repr_is_valid_python_for_small_ledgers() -> None:
    """A small ledger's repr rebuilds an equal ledger."""
    import datetime

    import reskontro

    ledger = Ledger("NOK", post_against_post=PostAgainstPost.REFUSE).post(invoice("F-1"))
    namespace = {name: getattr(reskontro, name) for name in reskontro.__all__}
    namespace["datetime"] = datetime
    assert eval(repr(ledger), namespace) == ledger


# -- posting ---------------------------------------------------------------------------------------


def test_post_one_entry() -> None:
    """Posting adds one EntryPosted event and the entry becomes an open item."""
    entry = invoice("F-1")
    ledger = Ledger("NOK").post(entry)
    assert ledger.events == (EntryPosted(entry),)
    assert ledger.entry("F-1") == entry
    assert "F-1" in ledger
    assert "F-2" not in ledger
    assert ledger.open_items().ids == ("F-1",)


def test_post_many_posts_a_batch_in_order() -> None:
    """post_many posts every entry of the batch, in order, one event each."""
    batch = [invoice("F-1"), invoice("F-2", day=6), payment("P-1")]
    ledger = Ledger("NOK").post_many(batch)
    assert [e.entry for e in ledger.events if isinstance(e, EntryPosted)] == batch
    assert ledger.items().ids == ("F-1", "F-2", "P-1")


def test_post_many_accepts_any_iterable() -> None:
    """A generator of entries is fine."""
    ledger = Ledger("NOK").post_many(invoice(f"F-{n}") for n in range(3))
    assert ledger.event_count == 3


def test_batch_equals_step_by_step() -> None:
    """Posting a batch gives the same ledger as posting one by one."""
    batch = [invoice("F-1"), invoice("F-2", day=6), payment("P-1")]
    stepwise = Ledger("NOK")
    for entry in batch:
        stepwise = stepwise.post(entry)
    assert Ledger("NOK").post_many(batch) == stepwise


def test_each_operation_returns_a_new_ledger_and_leaves_the_old() -> None:
    """post, match, remove, dissolve, change_due_date and reverse never change their receiver."""
    empty = Ledger("NOK")
    posted = empty.post_many([invoice("F-1", due=date(2026, 1, 19)), payment("P-1")])
    matched = posted.match(["F-1", "P-1"])
    removed = matched.remove_from_match("P-1", on=date(2026, 1, 21))
    dissolved = matched.dissolve("C10001-M1", on=date(2026, 1, 22))
    moved = posted.change_due_date("F-1", date(2026, 2, 1), on=date(2026, 1, 10))
    reversed_ = posted.reverse("F-1", on=date(2026, 1, 25))
    ledgers = [empty, posted, matched, removed, dissolved, moved, reversed_]
    assert len({id(x) for x in ledgers}) == len(ledgers)
    assert [x.event_count for x in ledgers] == [0, 2, 3, 4, 4, 3, 3]
    assert empty.items().ids == ()
    assert posted.open_items().ids == ("F-1", "P-1")
    assert matched.open_items().ids == ()
    assert removed.open_items().ids == ("F-1", "P-1")
    assert posted.item("F-1").due == date(2026, 1, 19)
    assert "F-1-R" not in posted


def test_branching_from_an_old_ledger_keeps_both_lines() -> None:
    """Two operations on one ledger give two independent ledgers."""
    base = Ledger("NOK").post(invoice("F-1"))
    left = base.post(payment("P-1"))
    right = base.post(payment("P-2", "-400"))
    left_more = left.match(["F-1", "P-1"])
    right_more = right.match(["F-1", "P-2"])
    assert base.items().ids == ("F-1",)
    assert left.items().ids == ("F-1", "P-1")
    assert right.items().ids == ("F-1", "P-2")
    assert left_more.open_items().ids == ()
    assert right_more.item("F-1").remaining == nok("600")
    assert "P-2" not in left_more


def test_duplicate_id_in_a_batch_posts_nothing() -> None:
    """A batch with one id twice is refused whole."""
    ledger = Ledger("NOK").post(invoice("F-0"))
    with pytest.raises(DuplicateEntryError, match="twice in the batch") as info:
        ledger.post_many([invoice("F-1"), invoice("F-2"), invoice("F-1", "5")])
    assert info.value.entry_id == "F-1"
    assert ledger.items().ids == ("F-0",)
    assert ledger.post(invoice("F-1")).items().ids == ("F-0", "F-1")


def test_posting_a_non_entry_is_refused() -> None:
    """Anything but an Entry is an InvalidEntryError."""
    with pytest.raises(InvalidEntryError, match="is not an Entry"):
        Ledger("NOK").post("F-1")  # type: ignore[arg-type]


def test_post_many_with_a_single_entry_says_use_post() -> None:
    """post_many(entry) (not a list) is an InvalidEntryError pointing to post()."""
    with pytest.raises(InvalidEntryError, match="use post"):
        Ledger("NOK").post_many(invoice("F-1"))  # type: ignore[arg-type]


def test_local_amount_must_be_in_local_currency() -> None:
    """A EUR entry without a NOK local amount is refused by a NOK ledger."""
    entry = Entry.invoice("F-1", party="1", amount=Money("100", "EUR"), posted=date(2026, 1, 1))
    with pytest.raises(InvalidEntryError, match="local currency NOK") as info:
        Ledger("NOK").post(entry)
    assert (info.value.entry_id, info.value.field) == ("F-1", "amount_local")


def test_foreign_entries_post_in_both_currencies() -> None:
    """A EUR invoice in a NOK ledger adds EUR to the currency balance and NOK locally."""
    entry = Entry.invoice(
        "F-1", party="1", amount=Money("1000", "EUR"), amount_local=nok("11000"),
        posted=date(2026, 1, 1),
    )
    balance = Ledger("NOK").post(entry).balance(party="1")
    assert balance.local == nok("11000")
    assert balance["EUR"] == Money("1000", "EUR")


def test_auto_close_zero_closes_zero_entries_at_posting() -> None:
    """With auto_close_zero, a zero entry is put in a match of its own and is closed."""
    zero = Entry.manual("Z-1", party="1", amount=nok("0"), posted=date(2026, 1, 3))
    ledger = Ledger("NOK", auto_close_zero=True).post_many([invoice("F-1"), zero])
    assert ledger.open_items().ids == ("F-1",)
    assert ledger.closed_items().ids == ("Z-1",)
    found = ledger.match_of("Z-1")
    assert found is not None
    assert found.is_closed
    assert found.entry_ids == ("Z-1",)
    assert found.applied_on == date(2026, 1, 3)


def test_zero_entries_stay_open_without_auto_close() -> None:
    """By default a zero entry is an open item until it is matched."""
    zero = Entry.manual("Z-1", party="1", amount=nok("0"), posted=date(2026, 1, 3))
    ledger = Ledger("NOK").post(zero)
    assert ledger.open_items().ids == ("Z-1",)
    assert ledger.matches() == ()


def test_auto_close_zero_survives_replay() -> None:
    """The auto-close match is an event: replaying gives the same closed item."""
    zero = Entry.manual("Z-1", party="1", amount=nok("0"), posted=date(2026, 1, 3))
    ledger = Ledger("NOK", auto_close_zero=True).post(zero)
    again = Ledger.from_events(ledger.events, "NOK", auto_close_zero=True)
    assert again == ledger
    assert again.closed_items().ids == ("Z-1",)


# -- replay ----------------------------------------------------------------------------------------


def test_from_events_replays_every_operation() -> None:
    """Replaying a ledger's events gives an equal ledger with the same state."""
    ledger = (
        Ledger("NOK")
        .post_many([invoice("F-1", due=date(2026, 1, 19)), payment("P-1", "-400")])
        .match(["F-1", "P-1"], match_id="K-1")
        .change_due_date("F-1", date(2026, 2, 1), on=date(2026, 1, 21))
        .remove_from_match("P-1", on=date(2026, 1, 22))
        .reverse("P-1", on=date(2026, 1, 23))
    )
    again = Ledger.from_events(ledger.events, "NOK")
    assert again == ledger
    assert again.to_dict() == ledger.to_dict()
    assert again.open_items() == ledger.open_items()
    assert again.matches(include_dissolved=True) == ledger.matches(include_dissolved=True)
    assert [type(e) for e in ledger.events] == [
        EntryPosted, EntryPosted, EntriesMatched, DueDateChanged, EntryUnmatched, EntryReversed,
    ]


def test_from_events_refuses_an_invalid_history() -> None:
    """A history whose event does not apply where it stands is refused."""
    with pytest.raises(EntryNotFoundError):
        Ledger.from_events(
            [EntriesMatched(match_id="M1", entry_ids=("F-1",), on=date(2026, 1, 1))], "NOK"
        )


def test_apply_applies_a_plan() -> None:
    """apply() executes a list of events as one operation."""
    plan = [
        EntryPosted(invoice("F-1")),
        EntryPosted(payment("P-1")),
        EntriesMatched(match_id="K-1", entry_ids=("F-1", "P-1"), on=date(2026, 1, 20)),
    ]
    ledger = Ledger("NOK").apply(plan)
    assert ledger.events == tuple(plan)
    assert ledger.get_match("K-1").is_closed


def test_apply_refuses_non_events() -> None:
    """apply() refuses anything that is not an event, and changes nothing."""
    ledger = Ledger("NOK").post(invoice("F-1"))
    with pytest.raises(InvalidEventError, match="not a reskontro event"):
        ledger.apply([EntryPosted(invoice("F-2")), "post F-3"])  # type: ignore[list-item]
    assert ledger.items().ids == ("F-1",)
    assert ledger.post(invoice("F-2")).items().ids == ("F-1", "F-2")


def test_equal_histories_make_equal_ledgers() -> None:
    """Ledgers compare by local currency, options and events."""
    a = Ledger("NOK").post(invoice("F-1"))
    b = Ledger("NOK").post(invoice("F-1"))
    assert a == b
    assert hash(a) == hash(b)
    assert a != Ledger("SEK")
    assert a != Ledger("NOK", auto_close_zero=True).post(invoice("F-1"))
    assert a != Ledger("NOK").post(invoice("F-1", "5"))


# -- due dates -------------------------------------------------------------------------------------


def test_change_due_date_keeps_the_original() -> None:
    """A due-date change is an event; the entry keeps its original due date."""
    ledger = Ledger("NOK").post(invoice("F-1", due=date(2026, 1, 19)))
    moved = ledger.change_due_date("F-1", date(2026, 2, 15), on=date(2026, 1, 10))
    assert moved.item("F-1").due == date(2026, 2, 15)
    assert moved.entry("F-1").due == date(2026, 1, 19)
    assert moved.item("F-1", as_of=date(2026, 1, 9)).due == date(2026, 1, 19)
    assert moved.events[-1] == DueDateChanged(
        entry_id="F-1", due=date(2026, 2, 15), on=date(2026, 1, 10)
    )


def test_due_date_change_reorders_oldest_first_allocation() -> None:
    """Moving a due date re-derives the match: the payment goes to the now-older invoice."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "100", day=1, due=date(2026, 1, 10)),
        invoice("F-2", "100", day=2, due=date(2026, 1, 20)),
        payment("P-1", "-100", day=25),
    ]).match(["F-1", "F-2", "P-1"])
    assert ledger.open_items().ids == ("F-2",)
    moved = ledger.change_due_date("F-1", date(2026, 1, 30), on=date(2026, 1, 26))
    assert moved.open_items().ids == ("F-1",)


def test_due_date_can_be_removed() -> None:
    """Changing the due date to None leaves an item without due date."""
    ledger = Ledger("NOK").post(invoice("F-1", due=date(2026, 1, 19)))
    assert ledger.change_due_date("F-1", None, on=date(2026, 1, 6)).item("F-1").due is None


def test_due_date_change_before_posting_is_refused() -> None:
    """A change dated before the entry was posted is refused, the ledger unchanged."""
    ledger = Ledger("NOK").post(invoice("F-1", due=date(2026, 1, 19)))
    with pytest.raises(InvalidEventError, match="before the entry was posted") as info:
        ledger.change_due_date("F-1", date(2026, 2, 1), on=date(2026, 1, 1))
    assert (info.value.entry_id, info.value.field) == ("F-1", "on")
    assert ledger.event_count == 1


def test_due_date_changes_are_dated_in_order() -> None:
    """A second change may not be dated before the first."""
    ledger = Ledger("NOK").post(invoice("F-1", due=date(2026, 1, 19))).change_due_date(
        "F-1", date(2026, 2, 1), on=date(2026, 1, 10)
    )
    with pytest.raises(InvalidEventError, match="previous change"):
        ledger.change_due_date("F-1", date(2026, 3, 1), on=date(2026, 1, 9))


# -- reversal --------------------------------------------------------------------------------------


def test_reverse_posts_a_dated_counter_entry_matched_with_the_original() -> None:
    """Storno: the counter-entry is posted on the given date and both close in one match."""
    ledger = Ledger("NOK").post(invoice("F-1", due=date(2026, 1, 19)))
    undone = ledger.reverse("F-1", on=date(2026, 2, 1), match_id="S-1", text="Wrong customer")
    storno = undone.entry("F-1-R")
    assert storno.amount == nok("-1000")
    assert storno.posted == date(2026, 2, 1)
    assert storno.reverses == "F-1"
    assert storno.text == "Wrong customer"
    assert undone.open_items().ids == ()
    assert undone.closed_items().ids == ("F-1", "F-1-R")
    found = undone.get_match("S-1")
    assert found.is_closed
    assert found.entry_ids == ("F-1", "F-1-R")
    assert found.applied_on == date(2026, 2, 1)
    assert undone.balance().local == nok("0")
    assert isinstance(undone.events[-1], EntryReversed)


def test_reversal_stays_open_before_its_date() -> None:
    """As of the day before the reversal, the original is still open."""
    undone = Ledger("NOK").post(invoice("F-1")).reverse("F-1", on=date(2026, 2, 1))
    assert undone.open_items(as_of=date(2026, 1, 31)).ids == ("F-1",)
    assert undone.open_items(as_of=date(2026, 2, 1)).ids == ()


def test_reverse_of_a_foreign_entry_reverses_both_amounts() -> None:
    """A EUR entry's counter-entry negates the EUR and the NOK amount; both close."""
    entry = Entry.invoice(
        "F-1", party="1", amount=Money("1000", "EUR"), amount_local=nok("11000"),
        posted=date(2026, 1, 1),
    )
    undone = Ledger("NOK").post(entry).reverse("F-1", on=date(2026, 1, 5), reversal_id="ST-1")
    assert undone.entry("ST-1").amount == Money("-1000", "EUR")
    assert undone.entry("ST-1").amount_local == nok("-11000")
    assert undone.open_items().ids == ()


def test_reverse_supplier_entry() -> None:
    """Reversing a supplier invoice posts a positive counter-entry on 2400."""
    entry = Entry.invoice(
        "LF-1", party="20001", side=Side.PAYABLE, amount=nok("-500"), posted=date(2026, 1, 2)
    )
    undone = Ledger("NOK").post(entry).reverse("LF-1", on=date(2026, 1, 3))
    assert undone.entry("LF-1-R").amount == nok("500")
    assert undone.entry("LF-1-R").account == "2400"
    assert undone.balance(side=Side.PAYABLE).local == nok("0")


def test_reverse_refused_while_sharing_a_match() -> None:
    """An entry matched with others is not reversed unless unmatch_first=True."""
    ledger = Ledger("NOK").post_many([invoice("F-1"), payment("P-1", "-400")]).match(
        ["F-1", "P-1"], match_id="K-1"
    )
    before = ledger.to_dict()
    with pytest.raises(ReversalError, match="unmatch_first=True") as info:
        ledger.reverse("P-1", on=date(2026, 1, 25))
    assert (info.value.entry_id, info.value.field, info.value.value) == ("P-1", "entry_id", "P-1")
    assert ledger.to_dict() == before
    undone = ledger.reverse("P-1", on=date(2026, 1, 25), unmatch_first=True)
    assert undone.get_match("K-1").entry_ids == ("F-1",)
    assert undone.item("F-1").remaining == nok("1000")
    assert undone.item("F-1").is_open
    assert not undone.item("P-1").is_open
    assert not undone.item("P-1-R").is_open
    assert isinstance(undone.events[-2], EntryUnmatched)


def test_reverse_an_entry_alone_in_its_match() -> None:
    """An entry alone in a match leaves it (the match is dissolved) and is reversed."""
    zero = Entry.manual("Z-1", party="1", amount=nok("0"), posted=date(2026, 1, 3))
    ledger = Ledger("NOK").post(zero).match(["Z-1"], match_id="K-1")
    undone = ledger.reverse("Z-1", on=date(2026, 1, 4))
    assert isinstance(undone.events[-2], MatchDissolved)
    assert not undone.get_match("K-1").is_live
    assert undone.match_of("Z-1") is not None


def test_reverse_twice_is_refused() -> None:
    """An entry is reversed at most once, even when asked to unmatch first."""
    undone = Ledger("NOK").post(invoice("F-1")).reverse("F-1", on=date(2026, 1, 6))
    before = undone.to_dict()
    with pytest.raises(ReversalError, match="already reversed") as info:
        undone.reverse("F-1", on=date(2026, 1, 7), unmatch_first=True)
    assert info.value.entry_id == "F-1"
    assert undone.to_dict() == before
    assert undone.open_items().ids == ()


def test_reversing_a_reversal_is_refused_unchanged() -> None:
    """Reversing a counter-entry is refused (as some ReskontroError) and changes nothing."""
    undone = Ledger("NOK").post(invoice("F-1")).reverse("F-1", on=date(2026, 1, 6))
    before = undone.to_dict()
    with pytest.raises(ReskontroError):
        undone.reverse("F-1-R", on=date(2026, 1, 7), unmatch_first=True)
    assert undone.to_dict() == before


def test_reversing_a_reversal_raises_reversal_error() -> None:
    """Reverse documents ReversalError for an entry that is itself a reversal."""
    undone = Ledger("NOK").post(invoice("F-1")).reverse("F-1", on=date(2026, 1, 6))
    with pytest.raises(ReversalError, match="itself the reversal"):
        undone.reverse("F-1-R", on=date(2026, 1, 7), unmatch_first=True)


def test_reverse_with_a_taken_id_is_refused() -> None:
    """The counter-entry's id must be new."""
    ledger = Ledger("NOK").post_many([invoice("F-1"), invoice("F-2")])
    with pytest.raises(DuplicateEntryError) as info:
        ledger.reverse("F-1", on=date(2026, 1, 6), reversal_id="F-2")
    assert info.value.entry_id == "F-2"
    assert ledger.event_count == 2


def test_correct_by_new_entries_workflow() -> None:
    """A payment matched to the wrong invoice is fixed by a disbursement and a new payment."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "500", day=1),
        invoice("F-2", "800", day=2),
        payment("P-1", "-800", day=10),
    ]).match(["F-1", "P-1"], match_id="K-WRONG")
    fixed = (
        ledger.post_many([
            Entry.refund("U-1", party="10001", amount=nok("800"), posted=date(2026, 1, 15)),
            payment("P-2", "-800", day=15),
        ])
        .extend_match("K-WRONG", ["U-1"], allocations=[Allocation("P-1", "U-1", nok("800"))])
        .match(["F-2", "P-2"], match_id="K-RIGHT")
    )
    assert fixed.open_items().ids == ("F-1",)
    assert fixed.item("F-1").remaining == nok("500")
    assert not fixed.get_match("K-WRONG").is_closed
    assert fixed.get_match("K-RIGHT").is_closed
    assert fixed.balance(party="10001").local == nok("500")
    assert ledger.entry("P-1") == fixed.entry("P-1")


def test_posting_copies_only_the_partition_it_touches() -> None:
    """One more post shares every other party's state with the ledger it came from."""
    ledger = Ledger("NOK").post_many(
        Entry.invoice(f"F-{n}", party=str(n % 3), amount=Money("1", "NOK"),
                      posted=date(2026, 1, 2))
        for n in range(50)
    )
    more = ledger.post(
        Entry.invoice("F-new", party="1", amount=Money("1", "NOK"), posted=date(2026, 1, 3))
    )
    before, after = ledger._state().parts, more._state().parts
    assert after[(Side.RECEIVABLE, "0")] is before[(Side.RECEIVABLE, "0")]
    assert after[(Side.RECEIVABLE, "2")] is before[(Side.RECEIVABLE, "2")]
    assert after[(Side.RECEIVABLE, "1")] is not before[(Side.RECEIVABLE, "1")]
    assert "F-new" not in ledger
    assert more.entry("F-new").id == "F-new"
