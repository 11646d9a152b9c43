"""Matches: create, extend, remove, dissolve; close policies; post against post; allocation."""

from __future__ import annotations

import warnings
from datetime import date

import pytest

from reskontro import (
    Allocation,
    AlreadyMatchedError,
    ClosePolicy,
    CrossCurrencyMatchError,
    DuplicateMatchError,
    EntriesMatched,
    Entry,
    Ledger,
    MatchDateError,
    MatchError,
    MatchNotFoundError,
    Money,
    NotMatchedError,
    OverallocationError,
    PostAgainstPost,
    PostAgainstPostError,
    PostAgainstPostWarning,
    Side,
    SubAccount,
    SubAccountMismatchError,
)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def d(day: int, month: int = 1) -> date:
    return date(2026, month, day)


def invoice(entry_id: str, amount: str, day: int, *, due: int | None = None, **kw: object) -> Entry:
    return Entry.invoice(
        entry_id, party=str(kw.pop("party", "10001")), amount=nok(amount), posted=d(day),
        due=None if due is None else d(due), **kw,  # type: ignore[arg-type]
    )


def payment(entry_id: str, amount: str, day: int, **kw: object) -> Entry:
    return Entry.payment(
        entry_id, party=str(kw.pop("party", "10001")), amount=nok(amount), posted=d(day),
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def ledger() -> Ledger:
    """Two invoices and two payments of one customer, plus a second customer's invoice."""
    return Ledger("NOK").post_many([
        invoice("F-1", "1000", 2, due=16, document_no="1001"),
        invoice("F-2", "500", 3, due=17, document_no="1002"),
        payment("P-1", "-600", 10),
        payment("P-2", "-900", 12),
        invoice("G-1", "700", 2, party="10002"),
    ])


# -- creating --------------------------------------------------------------------------------------


def test_match_closes_exactly_settled_entries(ledger: Ledger) -> None:
    """An invoice and payments summing to zero make a closed match; members are closed items."""
    matched = ledger.post(payment("P-3", "-400", 12)).match(["F-1", "P-1", "P-3"])
    found = matched.get_match("C10001-M1")
    assert found.is_closed
    assert found.entry_ids == ("F-1", "P-1", "P-3")
    assert found.outstanding_local == nok("0")
    assert {"F-1", "P-1", "P-3"} <= set(matched.closed_items().ids)
    assert "F-1" not in matched.open_items().ids


def test_match_ids_are_generated_in_sequence(ledger: Ledger) -> None:
    """Generated match ids are M1, M2, ...; a given id is used as given."""
    matched = ledger.match(["F-1", "P-1"]).match(["F-2", "P-2"], match_id="K-77")
    matched = matched.post(invoice("F-3", "5", 20)).match(["F-3"])
    assert [m.id for m in matched.matches()] == ["C10001-M1", "K-77", "C10001-M3"]


def test_application_date_defaults_to_latest_posting_date(ledger: Ledger) -> None:
    """Without a date, a match is applied on its newest member's posting date."""
    assert ledger.match(["F-1", "P-2"]).get_match("C10001-M1").applied_on == d(12)


def test_application_date_is_kept_when_given(ledger: Ledger) -> None:
    """A match dated later than its members keeps that date, and the event records it."""
    matched = ledger.match(["F-1", "P-1"], on=d(20))
    assert matched.get_match("C10001-M1").applied_on == d(20)
    assert matched.events[-1] == EntriesMatched(
        match_id="C10001-M1", entry_ids=("F-1", "P-1"), on=d(20),
        close_policy=ClosePolicy.ALL_CURRENCIES,
    )


def test_match_dated_before_a_members_posting_is_refused(ledger: Ledger) -> None:
    """The application date is never earlier than a member's posting date."""
    with pytest.raises(MatchDateError) as info:
        ledger.match(["F-1", "P-1"], on=d(9))
    assert (info.value.entry_id, info.value.field, info.value.value) == ("P-1", "on", d(9))


def test_match_view_describes_the_match(ledger: Ledger) -> None:
    """A Match carries sub-account, dates, policy, outstanding and allocations."""
    found = ledger.match(["F-1", "P-1"], match_id="K-1").get_match("K-1")
    assert found.sub_account == SubAccount(Side.RECEIVABLE, "10001", "1500")
    assert (found.applied_on, found.changed_on, found.dissolved_on) == (d(10), d(10), None)
    assert found.is_live
    assert found.close_policy is ClosePolicy.ALL_CURRENCIES
    assert not found.is_closed
    assert found.outstanding_local == nok("400")
    assert found.outstanding == (nok("400"),)
    assert found.allocations == (Allocation("P-1", "F-1", nok("600")),)


def test_match_many_creates_one_match_per_group(ledger: Ledger) -> None:
    """match_many makes several matches at once, each dated by its own members."""
    matched = ledger.match_many([["F-1", "P-1"], ["F-2", "P-2"]])
    assert [(m.id, m.applied_on) for m in matched.matches()] == [
        ("C10001-M1", d(10)), ("C10001-M2", d(12)),
    ]


def test_match_many_is_all_or_nothing(ledger: Ledger) -> None:
    """One bad group in match_many leaves the ledger without any of the matches."""
    with pytest.raises(SubAccountMismatchError):
        ledger.match_many([["F-1", "P-1"], ["F-2", "G-1"]])
    assert ledger.matches() == ()


# -- one live match per entry, one sub-account, one currency ---------------------------------------


def test_entry_in_another_match_is_refused_naming_that_match(ledger: Ledger) -> None:
    """Matching an already matched entry raises AlreadyMatchedError with the match id."""
    matched = ledger.match(["F-1", "P-1"], match_id="K-1")
    with pytest.raises(AlreadyMatchedError, match="already in match 'K-1'") as info:
        matched.match(["F-2", "P-1"])
    assert info.value.match_id == "K-1"
    assert info.value.entry_id == "P-1"


def test_match_with_extend_adds_to_the_existing_match(ledger: Ledger) -> None:
    """match(..., extend=True) adds the free entries to the match one of them is in."""
    matched = ledger.match(["F-1", "P-1"], match_id="K-1").match(["P-1", "F-2"], extend=True)
    assert matched.get_match("K-1").entry_ids == ("F-1", "P-1", "F-2")
    assert len(matched.matches()) == 1
    assert matched.events[-1].extend  # type: ignore[union-attr]


def test_extend_across_two_matches_is_refused(ledger: Ledger) -> None:
    """extend=True cannot merge two matches."""
    matched = ledger.match(["F-1", "P-1"]).match(["F-2", "P-2"])
    with pytest.raises(MatchError, match="several matches"):
        matched.match(["P-1", "P-2"], extend=True)


@pytest.mark.parametrize(
    ("other", "field"),
    [
        (Entry.payment("X", party="10002", amount=nok("-1"), posted=d(5)), "party"),
        (
            Entry.payment("X", party="10001", side=Side.PAYABLE, amount=nok("1"), posted=d(5)),
            "side",
        ),
        (
            Entry.payment("X", party="10001", account="1510", amount=nok("-1"), posted=d(5)),
            "account",
        ),
    ],
)
def test_members_share_one_sub_account(ledger: Ledger, other: Entry, field: str) -> None:
    """Crossing party, side or control account is a SubAccountMismatchError naming the field."""
    with pytest.raises(SubAccountMismatchError, match="one sub-account") as info:
        ledger.post(other).match(["F-1", "X"])
    assert (info.value.entry_id, info.value.field) == ("X", field)


def test_mixed_transaction_currencies_are_refused() -> None:
    """A EUR invoice and a NOK payment do not match in the core engine."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=eur("100"), amount_local=nok("1150"), posted=d(1)),
        payment("P-1", "-1150", 2, party="1"),
    ])
    with pytest.raises(CrossCurrencyMatchError) as info:
        ledger.match(["F-1", "P-1"])
    assert info.value.field == "currency"


def test_duplicate_match_id_is_refused(ledger: Ledger) -> None:
    """A match id is used once, even after the match is dissolved."""
    matched = ledger.match(["F-1", "P-1"], match_id="K-1").dissolve("K-1", on=d(11))
    with pytest.raises(DuplicateMatchError) as info:
        matched.match(["F-2", "P-2"], match_id="K-1")
    assert info.value.value == "K-1"


def test_an_entry_named_twice_is_refused(ledger: Ledger) -> None:
    """The same id twice in one match is a MatchError."""
    with pytest.raises(MatchError, match="named twice"):
        ledger.match(["F-1", "P-1", "F-1"])


def test_empty_match_is_refused(ledger: Ledger) -> None:
    """A match needs at least one entry."""
    with pytest.raises(MatchError):
        ledger.match([])


def test_a_bare_string_is_not_a_list_of_ids(ledger: Ledger) -> None:
    """match("F-1") is refused rather than read as five one-letter ids."""
    with pytest.raises(MatchError, match="not the string"):
        ledger.match("F-1")


# -- single-entry matches and zero entries ---------------------------------------------------------


def test_single_entry_match_closes_a_zero_entry() -> None:
    """A zero entry matched alone is closed (24SevenOffice)."""
    ledger = Ledger("NOK").post(Entry.manual("Z-1", party="1", amount=nok("0"), posted=d(3)))
    assert ledger.open_items().ids == ("Z-1",)
    closed = ledger.match(["Z-1"])
    assert closed.get_match("C1-M1").is_closed
    assert closed.open_items().ids == ()
    assert closed.closed_items().ids == ("Z-1",)


def test_single_entry_match_of_a_nonzero_entry_stays_open(ledger: Ledger) -> None:
    """A lone invoice in a match is still open at its full amount."""
    alone = ledger.match(["F-1"])
    assert not alone.get_match("C10001-M1").is_closed
    assert alone.item("F-1").is_open
    assert alone.item("F-1").remaining == nok("1000")


# -- extend, remove, dissolve ----------------------------------------------------------------------


def test_extend_match_keeps_the_id_and_reallocates(ledger: Ledger) -> None:
    """Extending adds members, keeps the id and dates the change."""
    matched = ledger.match(["F-1", "P-1"], match_id="K-1")
    extended = matched.extend_match("K-1", ["P-2"], on=d(13))
    found = extended.get_match("K-1")
    assert found.id == "K-1"
    assert found.entry_ids == ("F-1", "P-1", "P-2")
    assert (found.applied_on, found.changed_on) == (d(10), d(13))
    assert found.outstanding_local == nok("-500")
    assert extended.item("F-1").remaining == nok("0")
    assert extended.item("P-2").remaining == nok("-500")


def test_extension_keeps_what_was_applied() -> None:
    """An older invoice joining a match does not reopen the invoice a payment settled."""
    base = Ledger("NOK").post_many([
        invoice("F-2", "100", 9, due=23),
        payment("P-1", "-100", 20),
        invoice("F-1", "100", 2, due=16),
    ])
    extended = base.match(["F-2", "P-1"], match_id="K-1").extend_match("K-1", ["F-1"])
    assert extended.item("F-2").remaining == nok("0")
    assert not extended.item("F-2").is_open
    assert extended.item("F-1").remaining == nok("100")
    assert extended.allocations("P-1") == (Allocation("P-1", "F-2", nok("100")),)
    # created in one go, the same entries settle the oldest due date instead
    at_once = base.match(["F-2", "P-1", "F-1"])
    assert at_once.item("F-1").remaining == nok("0")
    assert at_once.item("F-2").remaining == nok("100")


def test_extension_with_explicit_allocation_reapplies_an_amount() -> None:
    """Explicit allocations on an extension come first; what was applied yields to them."""
    wrong = Ledger("NOK").post_many([
        invoice("F-1", "2500", 2, due=16),
        payment("P-1", "-2500", 10),
        Entry.refund("U-1", party="10001", amount=nok("2500"), posted=d(20)),
    ]).match(["F-1", "P-1"], match_id="K-1")
    fixed = wrong.extend_match(
        "K-1", ["U-1"], allocations=[Allocation("P-1", "U-1", nok("2500"))]
    )
    assert fixed.item("F-1").remaining == nok("2500")
    assert fixed.item("U-1").remaining == nok("0")
    assert fixed.item("P-1").remaining == nok("0")
    assert fixed.open_items().ids == ("F-1",)
    # without the explicit allocation the payment stays on the invoice
    kept = wrong.extend_match("K-1", ["U-1"])
    assert kept.open_items().ids == ("U-1",)


def test_match_with_extend_can_restore_the_default_close_policy() -> None:
    """match(extend=True, close_policy=ALL_CURRENCIES) sets the policy back on the match."""
    local_only = fx_ledger().match(["F-1"], match_id="K-1", close_policy=ClosePolicy.LOCAL_ONLY)
    back = local_only.match(
        ["F-1", "P-1"], extend=True, close_policy=ClosePolicy.ALL_CURRENCIES
    )
    assert back.get_match("K-1").close_policy is ClosePolicy.ALL_CURRENCIES
    assert not back.get_match("K-1").is_closed
    kept = local_only.match(["F-1", "P-1"], extend=True)
    assert kept.get_match("K-1").close_policy is ClosePolicy.LOCAL_ONLY


def test_extend_defaults_to_the_latest_relevant_date(ledger: Ledger) -> None:
    """Without a date, an extension is dated by the newest of the joiners and the last change."""
    matched = ledger.match(["F-1", "P-1"], on=d(15)).extend_match("C10001-M1", ["P-2"])
    assert matched.get_match("C10001-M1").changed_on == d(15)


def test_extension_dated_before_the_last_change_is_refused(ledger: Ledger) -> None:
    """An extension may not be dated before the match's last change."""
    matched = ledger.match(["F-1", "P-1"], on=d(15))
    with pytest.raises(MatchDateError, match="before the match's last change") as info:
        matched.extend_match("C10001-M1", ["P-2"], on=d(14))
    assert info.value.value == d(14)


def test_extend_an_unknown_match_is_refused(ledger: Ledger) -> None:
    """Extending a match that does not exist raises MatchNotFoundError (a LookupError)."""
    with pytest.raises(MatchNotFoundError) as info:
        ledger.extend_match("K-404", ["F-1"])
    assert isinstance(info.value, LookupError)
    assert info.value.value == "K-404"


def test_extend_may_change_the_close_policy() -> None:
    """An extension can switch the match to LOCAL_ONLY, recorded on the match."""
    ledger = fx_ledger().match(["F-1"], match_id="K-1")
    extended = ledger.extend_match("K-1", ["P-1"], close_policy=ClosePolicy.LOCAL_ONLY)
    assert extended.get_match("K-1").close_policy is ClosePolicy.LOCAL_ONLY
    assert extended.get_match("K-1").is_closed


def test_remove_one_entry_reopens_the_rest(ledger: Ledger) -> None:
    """Removing a payment from a closed match reopens the invoice; the id stays."""
    closed = ledger.post(payment("P-3", "-400", 12)).match(["F-1", "P-1", "P-3"], match_id="K-1")
    removed = closed.remove_from_match("P-3", on=d(20))
    found = removed.get_match("K-1")
    assert found.entry_ids == ("F-1", "P-1")
    assert found.changed_on == d(20)
    assert not found.is_closed
    assert removed.item("F-1").remaining == nok("400")
    assert removed.item("P-3").match_id is None
    assert removed.item("P-3").remaining == nok("-400")


def test_remove_the_last_member_ends_the_match(ledger: Ledger) -> None:
    """Removing every member one by one ends the match like a dissolve."""
    matched = ledger.match(["F-1", "P-1"], match_id="K-1")
    gone = matched.remove_from_match("F-1", on=d(11)).remove_from_match("P-1", on=d(11))
    assert not gone.get_match("K-1").is_live
    assert gone.get_match("K-1").entry_ids == ("P-1",)  # the last member stays on record
    assert gone.matches() == ()
    assert len(gone.matches(include_dissolved=True)) == 1


def test_remove_an_unmatched_entry_is_refused(ledger: Ledger) -> None:
    """Removing an entry that is in no match is a NotMatchedError."""
    with pytest.raises(NotMatchedError) as info:
        ledger.remove_from_match("F-1", on=d(20))
    assert info.value.entry_id == "F-1"


def test_removal_dated_before_the_application_date_is_refused(ledger: Ledger) -> None:
    """An undo is never dated before the match's application date."""
    matched = ledger.match(["F-1", "P-1"], match_id="K-1")
    with pytest.raises(MatchDateError, match="before match 'K-1' was last applied") as info:
        matched.remove_from_match("P-1", on=d(9))
    assert (info.value.field, info.value.value) == ("on", d(9))


def test_removal_date_error_names_the_entry(ledger: Ledger) -> None:
    """A removal refused for its date names the entry being removed."""
    matched = ledger.match(["F-1", "P-1"], match_id="K-1")
    with pytest.raises(MatchDateError) as info:
        matched.remove_from_match("P-1", on=d(9))
    assert info.value.entry_id == "P-1"


def test_dissolve_unmatches_every_member(ledger: Ledger) -> None:
    """Dissolving makes every member an unmatched open item at its full amount."""
    matched = ledger.match(["F-1", "P-1", "P-2"], match_id="K-1")
    dissolved = matched.dissolve("K-1", on=d(20))
    assert dissolved.get_match("K-1").dissolved_on == d(20)
    assert not dissolved.get_match("K-1").is_live
    assert dissolved.matches() == ()
    for entry_id in ("F-1", "P-1", "P-2"):
        item = dissolved.item(entry_id)
        assert item.match_id is None
        assert item.is_open
        assert item.remaining == item.amount


def test_dissolve_twice_is_refused(ledger: Ledger) -> None:
    """A dissolved match cannot be dissolved, extended or removed from again."""
    dissolved = ledger.match(["F-1", "P-1"], match_id="K-1").dissolve("K-1", on=d(20))
    with pytest.raises(MatchError, match="was dissolved"):
        dissolved.dissolve("K-1", on=d(21))
    with pytest.raises(MatchError, match="was dissolved"):
        dissolved.extend_match("K-1", ["F-2"], on=d(21))


def test_dissolve_dated_before_the_last_change_is_refused(ledger: Ledger) -> None:
    """A dissolve may not be dated before the match's last change."""
    matched = ledger.match(["F-1", "P-1"], match_id="K-1").extend_match("K-1", ["P-2"], on=d(15))
    with pytest.raises(MatchDateError):
        matched.dissolve("K-1", on=d(14))
    assert matched.dissolve("K-1", on=d(15)).matches() == ()


def test_dissolve_an_unknown_match_is_refused(ledger: Ledger) -> None:
    """Dissolving a match that does not exist raises MatchNotFoundError."""
    with pytest.raises(MatchNotFoundError):
        ledger.dissolve("K-404", on=d(20))


def test_undo_in_any_order(ledger: Ledger) -> None:
    """Remove and dissolve work on any match in any order (no newest-first rule)."""
    both = ledger.match(["F-1", "P-1"], match_id="A").match(["F-2", "P-2"], match_id="B")
    first_old = both.dissolve("A", on=d(20)).remove_from_match("P-2", on=d(21))
    first_new = both.remove_from_match("P-2", on=d(20)).dissolve("A", on=d(21))
    assert first_old.open_items() == first_new.open_items()
    assert first_old.open_items(party="10001").ids == ("F-1", "F-2", "P-1", "P-2")


def test_rematch_after_removal_is_dated_on_or_after_the_removal(ledger: Ledger) -> None:
    """An entry freed on a date can join a new match on or after it, not before."""
    freed = ledger.match(["F-1", "P-1"]).remove_from_match("P-1", on=d(20))
    with pytest.raises(MatchDateError, match="left its previous match") as info:
        freed.match(["F-2", "P-1"], on=d(19))
    assert info.value.entry_id == "P-1"
    rematched = freed.match(["F-2", "P-1"])
    assert rematched.get_match("C10001-M2").applied_on == d(20)


# -- close policy ----------------------------------------------------------------------------------


def fx_ledger() -> Ledger:
    """EUR 1000 invoice at NOK 11000 and a payment wrongly registered as EUR -1100 (NOK -11000)."""
    return Ledger("NOK").post_many([
        Entry.invoice(
            "F-1", party="1", amount=eur("1000"), amount_local=nok("11000"), posted=d(2)
        ),
        Entry.payment(
            "P-1", party="1", amount=eur("-1100"), amount_local=nok("-11000"), posted=d(9)
        ),
    ])


def test_wrong_currency_payment_leaves_the_match_open_by_default() -> None:
    """By default a match closes only at zero in every currency and locally: EUR -100 is open."""
    matched = fx_ledger().match(["F-1", "P-1"])
    found = matched.get_match("C1-M1")
    assert found.close_policy is ClosePolicy.ALL_CURRENCIES
    assert not found.is_closed
    assert found.outstanding_local == nok("0")
    assert found.outstanding == (eur("-100"),)
    assert matched.item("P-1").is_open
    assert matched.item("P-1").remaining == eur("-100")


def test_local_only_policy_closes_on_the_local_sum() -> None:
    """With LOCAL_ONLY the NOK sum of zero closes the match; the policy is recorded."""
    matched = fx_ledger().match(["F-1", "P-1"], close_policy=ClosePolicy.LOCAL_ONLY)
    found = matched.get_match("C1-M1")
    assert found.close_policy is ClosePolicy.LOCAL_ONLY
    assert found.is_closed
    assert matched.open_items().ids == ()
    assert matched.events[-1].close_policy is ClosePolicy.LOCAL_ONLY  # type: ignore[union-attr]
    assert repr(matched.item("P-1").remaining) == "Money('0.00', 'EUR')"
    assert repr(matched.item("P-1").remaining_local) == "Money('0.00', 'NOK')"
    # the EUR difference stays in the balance: local-only closes on NOK alone, by design
    assert matched.balance(party="1").local == nok("0")
    assert matched.balance(party="1")["EUR"] == eur("-100")


def test_local_only_policy_survives_replay() -> None:
    """The override is part of the history: a replayed ledger has it too."""
    matched = fx_ledger().match(["F-1", "P-1"], close_policy=ClosePolicy.LOCAL_ONLY)
    again = Ledger.from_dict(matched.to_dict())
    assert again.get_match("C1-M1").close_policy is ClosePolicy.LOCAL_ONLY
    assert again.get_match("C1-M1").is_closed


def test_local_only_match_stays_open_while_local_sum_is_not_zero() -> None:
    """LOCAL_ONLY is not 'always closed': a NOK remainder keeps the match open."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice(
            "F-1", party="1", amount=eur("1000"), amount_local=nok("11000"), posted=d(2)
        ),
        Entry.payment(
            "P-1", party="1", amount=eur("-1000"), amount_local=nok("-10000"), posted=d(9)
        ),
    ])
    matched = ledger.match(["F-1", "P-1"], close_policy=ClosePolicy.LOCAL_ONLY)
    assert not matched.get_match("C1-M1").is_closed
    assert matched.get_match("C1-M1").outstanding_local == nok("1000")
    assert matched.open_items().remaining.local == nok("1000")


# -- post against post -----------------------------------------------------------------------------


def pap_ledger(policy: PostAgainstPost) -> Ledger:
    return Ledger("NOK", post_against_post=policy).post_many([
        invoice("F-1", "100", 1), invoice("F-2", "100", 2),
        payment("P-1", "-100", 5), payment("P-2", "-100", 6),
        Entry.tolerance("T-1", party="10001", amount=nok("-0.40"), posted=d(6)),
    ])


def test_post_against_post_warns_by_default() -> None:
    """Several invoices with several payments in one match warn (PostAgainstPostWarning)."""
    with pytest.warns(PostAgainstPostWarning, match="2 debit and 2 credit"):
        matched = pap_ledger(PostAgainstPost.WARN).match(["F-1", "F-2", "P-1", "P-2"])
    assert matched.get_match("C10001-M1").is_closed


def test_post_against_post_off_is_silent() -> None:
    """With OFF the same match is made without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        matched = pap_ledger(PostAgainstPost.OFF).match(["F-1", "F-2", "P-1", "P-2"])
    assert matched.get_match("C10001-M1").is_closed


def test_post_against_post_refuse_raises_and_changes_nothing() -> None:
    """With REFUSE the match is a PostAgainstPostError and the ledger is unchanged."""
    ledger = pap_ledger(PostAgainstPost.REFUSE)
    before = ledger.events
    with pytest.raises(PostAgainstPostError) as info:
        ledger.match(["F-1", "F-2", "P-1", "P-2"])
    assert info.value.value == ("F-1", "F-2", "P-1", "P-2")
    assert ledger.events == before
    assert ledger.match(["F-1", "P-1"]).get_match("C10001-M1").is_closed


def test_post_against_post_refuse_on_extension() -> None:
    """An extension that would break the rule is refused too."""
    ledger = pap_ledger(PostAgainstPost.REFUSE).match(["F-1", "F-2", "P-1"])
    with pytest.raises(PostAgainstPostError):
        ledger.extend_match("C10001-M1", ["P-2"])


@pytest.mark.parametrize(
    "ids", [["F-1", "P-1", "P-2"], ["P-1", "F-1", "F-2"], ["F-1", "P-1", "T-1"]]
)
def test_post_against_post_allows_one_against_many(ids: list[str]) -> None:
    """One invoice with several payments, or one payment over several invoices, is fine."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        matched = pap_ledger(PostAgainstPost.REFUSE).match(ids)
    assert matched.get_match("C10001-M1").entry_ids == tuple(ids)


def test_adjustment_entries_do_not_count_for_post_against_post() -> None:
    """A tolerance entry next to one invoice and two payments is not a second credit document."""
    ledger = pap_ledger(PostAgainstPost.REFUSE)
    matched = ledger.match(["F-1", "P-1", "P-2", "T-1"])
    assert matched.get_match("C10001-M1").entry_ids == ("F-1", "P-1", "P-2", "T-1")


def test_replay_does_not_recheck_post_against_post() -> None:
    """A history made under WARN replays under REFUSE (the policy applies to new operations)."""
    with pytest.warns(PostAgainstPostWarning):
        matched = pap_ledger(PostAgainstPost.WARN).match(["F-1", "F-2", "P-1", "P-2"])
    again = Ledger.from_events(matched.events, "NOK", post_against_post=PostAgainstPost.REFUSE)
    assert again.get_match("C10001-M1").is_closed


def test_post_against_post_warning_points_at_the_caller() -> None:
    """The warning is attributed to the caller's line, so filters by module work."""
    with pytest.warns(PostAgainstPostWarning) as record:
        pap_ledger(PostAgainstPost.WARN).match(["F-1", "F-2", "P-1", "P-2"])
    assert record[0].filename == __file__


# -- allocation ------------------------------------------------------------------------------------


def test_oldest_due_date_is_settled_first() -> None:
    """A payment over two invoices settles the one due first, even if posted later."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "100", 1, due=20), invoice("F-2", "100", 3, due=10),
        payment("P-1", "-150", 25),
    ]).match(["F-1", "F-2", "P-1"])
    assert ledger.item("F-2").remaining == nok("0")
    assert ledger.item("F-1").remaining == nok("50")
    assert ledger.get_match("C10001-M1").allocations == (
        Allocation("P-1", "F-2", nok("100")), Allocation("P-1", "F-1", nok("50")),
    )


def test_posting_date_breaks_a_due_date_tie() -> None:
    """With equal due dates, the earlier-posted invoice is settled first."""
    ledger = Ledger("NOK").post_many([
        invoice("F-B", "100", 3, due=20), invoice("F-A", "100", 2, due=20),
        payment("P-1", "-100", 25),
    ]).match(["F-B", "F-A", "P-1"])
    assert ledger.open_items().ids == ("F-B",)


def test_id_breaks_a_full_tie() -> None:
    """With equal due and posting dates, the smaller id is settled first."""
    ledger = Ledger("NOK").post_many([
        invoice("F-B", "100", 2, due=20), invoice("F-A", "100", 2, due=20),
        payment("P-1", "-100", 25),
    ]).match(["F-B", "F-A", "P-1"])
    assert ledger.open_items().ids == ("F-B",)


def test_posting_date_stands_in_for_a_missing_due_date() -> None:
    """An invoice without due date sorts by its posting date."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "100", 1, due=30), invoice("F-2", "100", 15),
        payment("P-1", "-100", 25),
    ]).match(["F-1", "F-2", "P-1"])
    assert ledger.open_items().ids == ("F-1",)


def test_credits_are_applied_oldest_first_too() -> None:
    """The older of two payments is used up first."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "100", 1), payment("P-2", "-100", 6), payment("P-1", "-100", 5),
    ]).match(["F-1", "P-2", "P-1"])
    assert ledger.open_items().ids == ("P-2",)
    assert ledger.get_match("C10001-M1").allocations == (Allocation("P-1", "F-1", nok("100")),)


def test_explicit_allocation_overrides_oldest_first() -> None:
    """An explicit amount to apply per pair is taken before oldest first."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "100", 1, due=10), invoice("F-2", "100", 2, due=20),
        payment("P-1", "-150", 25),
    ]).match(["F-1", "F-2", "P-1"], allocations=[Allocation("P-1", "F-2", nok("100"))])
    assert ledger.item("F-2").remaining == nok("0")
    assert ledger.item("F-1").remaining == nok("50")
    assert ledger.allocations("P-1") == (
        Allocation("P-1", "F-2", nok("100")), Allocation("P-1", "F-1", nok("50")),
    )


def test_explicit_allocations_survive_extension_and_replay() -> None:
    """Explicit allocations stay in force when the match grows and when it is replayed."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "100", 1, due=10), invoice("F-2", "100", 2, due=20),
        payment("P-1", "-100", 25), payment("P-2", "-30", 26),
    ]).match(["F-1", "F-2", "P-1"], allocations=[Allocation("P-1", "F-2", nok("100"))])
    with pytest.warns(PostAgainstPostWarning):
        grown = ledger.extend_match("C10001-M1", ["P-2"])
    assert grown.item("F-2").remaining == nok("0")
    assert grown.item("F-1").remaining == nok("70")
    assert Ledger.from_dict(grown.to_dict()).item("F-1").remaining == nok("70")


@pytest.mark.parametrize(
    ("allocation", "pattern"),
    [
        (Allocation("P-1", "F-1", nok("120")), "applies more than"),
        (Allocation("P-1", "F-2", nok("10")), "not in the match"),
        (Allocation("F-1", "P-1", nok("10")), "must pair a credit"),
        (Allocation("P-1", "F-1", nok("0")), "positive amount"),
        (Allocation("P-1", "F-1", eur("10")), "currency of both"),
    ],
)
def test_bad_explicit_allocations_are_refused(allocation: Allocation, pattern: str) -> None:
    """An allocation that overapplies, pairs wrong entries or is not positive is refused."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "100", 1), invoice("F-2", "100", 1), payment("P-1", "-150", 5),
    ])
    with pytest.raises(OverallocationError, match=pattern) as info:
        ledger.match(["F-1", "P-1"], allocations=[allocation])
    assert info.value.field == "allocations"
    assert info.value.value == allocation
    assert ledger.matches() == ()


def test_two_allocations_together_may_not_overapply_a_credit() -> None:
    """Explicit allocations add up: a credit cannot be applied beyond its amount."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "100", 1), invoice("F-2", "100", 1), payment("P-1", "-150", 5),
    ])
    with pytest.raises(OverallocationError) as info:
        ledger.match(
            ["F-1", "F-2", "P-1"],
            allocations=[
                Allocation("P-1", "F-1", nok("100")), Allocation("P-1", "F-2", nok("60")),
            ],
        )
    assert info.value.entry_id == "P-1"


def test_overpayment_stays_open_on_the_payment() -> None:
    """Paying 150 on a 100 invoice closes the invoice; the payment keeps -50 open."""
    ledger = Ledger("NOK").post_many([invoice("F-1", "100", 1), payment("P-1", "-150", 5)])
    matched = ledger.match(["F-1", "P-1"])
    assert not matched.item("F-1").is_open
    assert matched.item("F-1").remaining == nok("0")
    assert matched.item("P-1").is_open
    assert matched.item("P-1").remaining == nok("-50")
    assert matched.open_items().ids == ("P-1",)


def test_item_is_open_exactly_when_its_remaining_is_not_zero() -> None:
    """In an open match, members with nothing left are closed items; the rest stay open."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "100", 1, due=10), invoice("F-2", "100", 2, due=20),
        payment("P-1", "-150", 25),
    ]).match(["F-1", "F-2", "P-1"])
    assert not ledger.get_match("C10001-M1").is_closed
    states = {i.id: (i.remaining, i.is_open) for i in ledger.items()}
    assert states == {
        "F-1": (nok("0"), False), "F-2": (nok("50"), True), "P-1": (nok("0"), False),
    }
    assert ledger.open_items().ids == ("F-2",)
    assert ledger.closed_items().ids == ("F-1", "P-1")


def test_partial_payment_leaves_the_invoice_open() -> None:
    """Paying 40 on 100 leaves 60 on the invoice and closes the payment."""
    matched = Ledger("NOK").post_many([invoice("F-1", "100", 1), payment("P-1", "-40", 5)]).match(
        ["F-1", "P-1"]
    )
    assert matched.item("F-1").remaining == nok("60")
    assert matched.item("F-1").remaining_local == nok("60")
    assert not matched.item("P-1").is_open


def test_foreign_partial_payment_remaining_in_both_currencies() -> None:
    """EUR 1000 at 11.00 partly paid EUR 400 at 11.50: EUR 600 left, carried at 11.00."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice(
            "F-1", party="1", amount=eur("1000"), amount_local=nok("11000"), posted=d(2)
        ),
        Entry.payment(
            "P-1", party="1", amount=eur("-400"), amount_local=nok("-4600"), posted=d(9)
        ),
    ]).match(["F-1", "P-1"])
    invoice_item = ledger.item("F-1")
    assert invoice_item.remaining == eur("600")
    assert invoice_item.remaining_local == nok("6600")
    assert ledger.item("P-1").remaining == eur("0")
    found = ledger.get_match("C1-M1")
    assert found.outstanding == (eur("600"),)
    assert found.outstanding_local == nok("6400")
    assert ledger.open_items().remaining.local == nok("6400")


def test_supplier_invoice_paid_by_us() -> None:
    """A supplier invoice (-) and our payment (+) close; the balance is zero."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("LF-1", party="20001", side=Side.PAYABLE, amount=nok("-8000"), posted=d(3)),
        Entry.payment("UT-1", party="20001", side=Side.PAYABLE, amount=nok("3000"), posted=d(9)),
    ]).match(["LF-1", "UT-1"])
    assert ledger.item("LF-1").remaining == nok("-5000")
    assert not ledger.item("UT-1").is_open
    assert ledger.balance(side=Side.PAYABLE).local == nok("-5000")


def test_credit_note_and_payment_settle_one_invoice() -> None:
    """An invoice settled by a credit note and a partial payment closes when they add up."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", "1000", 1),
        Entry.credit_note("K-1", party="10001", amount=nok("-200"), posted=d(4)),
        payment("P-1", "-800", 9),
    ]).match(["F-1", "K-1", "P-1"])
    assert ledger.get_match("C10001-M1").is_closed
    assert ledger.open_items().ids == ()


def test_remaining_amounts_never_flip_sign() -> None:
    """Every member's remaining keeps its sign and size in an over-settled match."""
    ledger = Ledger("NOK", post_against_post=PostAgainstPost.OFF).post_many([
        invoice("F-1", "100", 1), invoice("F-2", "50", 2),
        payment("P-1", "-120", 5), payment("P-2", "-90", 6),
    ]).match(["F-1", "F-2", "P-1", "P-2"])
    for item in ledger.items():
        assert item.remaining.amount * item.amount.amount >= 0
        assert abs(item.remaining.amount) <= abs(item.amount.amount)
    assert ledger.open_items().remaining.local == nok("-60")
