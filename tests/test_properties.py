"""Property tests: the ledger invariants of DESIGN §5 (1-8 and 10) hold for any history.

The ledgers come from :mod:`reskontro.testing`: random entries of every kind on
both sides, in NOK and EUR (with rates that make pro-rata local amounts round),
then random valid matches (either close policy), extensions, removals,
dissolves, due-date changes and reversals.

The core engine posts no FX or adjustment entries of its own yet, so "balanced
by their G/L proposals" (invariants 2 and 5) has nothing to account for: every
balance must stay exactly as it was.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from reskontro import (
    ClosePolicy,
    Entry,
    Item,
    Ledger,
    Money,
    PostAgainstPost,
    ReskontroError,
    Side,
    SubAccount,
)
from reskontro.matching import ADJUSTMENT_KINDS
from reskontro.serialization import event_from_dict, event_to_dict
from reskontro.testing import (
    DEFAULT_START,
    check_invariants,
    currencies,
    entries,
    ledgers,
    money,
    steps,
)

#: Ledgers with matches: few parties, so that random groups often share a sub-account.
#: One customer alone gives dense matches; two parties on both sides give crossings;
#: a JPY ledger with BHD and EUR entries (0, 3 and 2 decimals) and auto-closed zero
#: entries tests rounding of local amounts.
LEDGERS = st.one_of(
    ledgers(parties=("10001",), sides=[Side.RECEIVABLE], max_entries=10),
    ledgers(parties=("10001", "10002"), max_entries=10),
    ledgers(
        local_currency="JPY", foreign_currencies=("BHD", "EUR"), parties=("10001",),
        max_entries=10, auto_close_zero=True,
    ),
)
#: Operations that must not change any balance (a reversal posts a new entry).
BALANCE_NEUTRAL = ("match", "extend", "remove", "dissolve", "due")


def same_options(ledger: Ledger, events: Any) -> Ledger:
    options = ledger.options
    return Ledger.from_events(
        events,
        ledger.local_currency,
        post_against_post=options.post_against_post,
        auto_close_zero=options.auto_close_zero,
    )


def remaining_of(item: Item) -> tuple[Money, Money, bool, str | None]:
    return item.remaining, item.remaining_local, item.is_open, item.match_id


def local_only_subs(ledger: Ledger, as_of: date | None = None) -> set[SubAccount]:
    return {
        m.sub_account
        for m in ledger.matches(as_of=as_of)
        if m.close_policy is ClosePolicy.LOCAL_ONLY
    }


def nonzero(balance: Any) -> dict[str, Decimal]:
    return {m.currency: m.amount for m in balance.by_currency if m.amount}


# -- invariant 1: balance = sum of the remaining amounts of open items -----------------------------


@given(LEDGERS)
def test_balance_equals_remaining_of_open_items(ledger: Ledger) -> None:
    """Per sub-account, the balance is the sum of open items' remaining, local and per currency."""
    # Closed items contribute zero. A LOCAL_ONLY match closes on the local sum
    # alone, so a transaction-currency difference it leaves stays in the
    # balance without an open item: for those sub-accounts only the local
    # equality holds (by design, DESIGN §3.4).
    skip_currency = local_only_subs(ledger)
    for sub, balance in ledger.balances().items():
        open_items = ledger.open_items(sub_account=sub)
        assert balance.local == open_items.remaining.local
        if sub not in skip_currency:
            assert nonzero(balance) == nonzero(open_items.remaining)
    for item in ledger.closed_items():
        assert item.remaining_local.is_zero


@given(LEDGERS)
def test_every_generated_ledger_passes_check_invariants(ledger: Ledger) -> None:
    """The public invariant checker accepts every ledger built from valid operations."""
    check_invariants(ledger)


# -- invariant 2: matching, removing, dissolving never change a balance ----------------------------


def assert_balanced_by_adjustments(before: Ledger, after: Ledger, description: str) -> None:
    """Balances are as before, but for the exchange-difference and adjustment entries the
    operation posted (an undo reverses or trues up what the match booked); each of those
    is balanced by its general-ledger proposal, so they are taken out here."""
    known = set(before.items().ids)
    new = [i.entry for i in after.items() if i.id not in known]
    assert all(e.kind in ADJUSTMENT_KINDS for e in new), description
    if not new:
        assert after.balances() == before.balances(), description
        return
    for sub, balance in after.balances().items():
        local = balance.local.amount - sum(
            (e.amount_local.amount for e in new if e.sub_account == sub), Decimal(0)
        )
        assert local == before.balance(sub_account=sub).local.amount, description
        for held in balance.by_currency:
            was = held.amount - sum(
                (e.amount.amount for e in new
                 if e.sub_account == sub and e.currency == held.currency), Decimal(0)
            )
            old = before.balance(sub_account=sub).by_currency
            assert was == sum(
                (m.amount for m in old if m.currency == held.currency), Decimal(0)
            ), description


@given(LEDGERS, st.data())
def test_match_operations_never_change_a_balance(ledger: Ledger, data: st.DataObject) -> None:
    """Match, extend, remove, dissolve and due-date changes leave every balance as it was
    (up to the adjustment entries an undo posts, balanced by their general-ledger lines)."""
    for _ in range(3):
        description, after = data.draw(steps(ledger, operations=BALANCE_NEUTRAL))
        assert_balanced_by_adjustments(ledger, after, description)
        ledger = after


# -- invariant 3: closed matches sum to zero under their policy, open ones do not ------------------


@given(LEDGERS)
def test_closed_exactly_when_the_sum_is_zero_under_the_policy(ledger: Ledger) -> None:
    """A live match is closed if and only if its members sum to zero under its close policy."""
    for found in ledger.matches():
        members = [ledger.entry(i) for i in found.entry_ids]
        local = sum((e.amount_local.amount for e in members), Decimal(0))
        per: dict[str, Decimal] = {}
        for e in members:
            per[e.currency] = per.get(e.currency, Decimal(0)) + e.amount.amount
        zero_local = local == 0
        zero_all = zero_local and not any(per.values())
        expected = zero_local if found.close_policy is ClosePolicy.LOCAL_ONLY else zero_all
        assert found.is_closed == expected, found
        assert found.outstanding_local.amount == local
        assert {m.currency: m.amount for m in found.outstanding} == per


# -- invariant 4: remaining never changes sign, never exceeds the original -------------------------


def assert_within(item: Item) -> None:
    for remaining, original in ((item.remaining, item.amount),
                                (item.remaining_local, item.amount_local)):
        r, a = remaining.amount, original.amount
        assert r == 0 or (r > 0) == (a > 0), item
        assert abs(r) <= abs(a), item
        assert remaining.currency == original.currency, item


@given(LEDGERS, st.data())
def test_remaining_never_changes_sign_nor_exceeds_the_original(
    ledger: Ledger, data: st.DataObject
) -> None:
    """After every operation each item's remaining keeps the original's sign and size."""
    for _ in range(3):
        for item in ledger.items():
            assert_within(item)
        _, ledger = data.draw(steps(ledger))
    for item in ledger.items():
        assert_within(item)


# -- invariant 5: dissolving restores every member's remaining -------------------------------------


@given(LEDGERS, st.data())
def test_dissolve_restores_every_members_remaining(ledger: Ledger, data: st.DataObject) -> None:
    """Match (then maybe extend), dissolve: each member's item is as before the match."""
    free: dict[tuple[SubAccount, str], list[str]] = {}
    for item in ledger.items():
        if item.match_id is None:
            free.setdefault((item.sub_account, item.amount.currency), []).append(item.id)
    assume(free)
    key = data.draw(st.sampled_from(sorted(free)))
    ids = data.draw(st.lists(st.sampled_from(free[key]), min_size=1, unique=True))
    before = {i: remaining_of(ledger.item(i)) for i in ids}
    balances = ledger.balances()
    policy = data.draw(st.sampled_from(list(ClosePolicy)))
    on = date(2027, 1, 1)
    matched = ledger.match(ids[: max(1, len(ids) - 1)], match_id="PROP", on=on, close_policy=policy)
    if len(ids) > 1:
        matched = matched.extend_match("PROP", ids[-1:], on=on)
    dissolved = matched.dissolve("PROP", on=on + timedelta(days=data.draw(st.integers(0, 5))))
    # what the match booked (exchange differences, discounts, tolerances beside a
    # document) is reversed instead: matched with its storno, its net zero
    stornoed = {i for i in ids if dissolved.item(i).match_id is not None}
    for entry_id in stornoed:
        assert dissolved.entry(entry_id).kind in ADJUSTMENT_KINDS
        assert dissolved.entry(f"{entry_id}-R").reverses == entry_id
    assert {i: remaining_of(dissolved.item(i)) for i in ids if i not in stornoed} == {
        i: r for i, r in before.items() if i not in stornoed
    }
    if any(ledger.entry(i).kind not in ADJUSTMENT_KINDS for i in ids):
        # an application of documents: what it booked is undone (a match of
        # adjustments alone applied nothing; they simply leave it)
        assert dissolved.derived_entries("PROP").is_undone
    if not stornoed:
        assert dissolved.balances() == balances
        assert dissolved.open_items().remaining == ledger.open_items().remaining
    assert_balanced_by_adjustments(ledger, dissolved, "dissolve")


@given(LEDGERS, st.data())
def test_removing_an_entry_restores_its_full_amount(ledger: Ledger, data: st.DataObject) -> None:
    """An entry removed from its match is open again at its original amounts."""
    live = ledger.matches()
    assume(live)
    found = data.draw(st.sampled_from(live))
    removable = [i for i in found.entry_ids if ledger._removable(i)]
    assume(removable)
    entry_id = data.draw(st.sampled_from(removable))
    removed = ledger.remove_from_match(entry_id, on=found.changed_on)
    item = removed.item(entry_id)
    assert (item.remaining, item.remaining_local, item.is_open, item.match_id) == (
        item.amount, item.amount_local, True, None,
    )


# -- invariant 6: batch equals step by step; events -> JSON -> events is the identity --------------


@given(
    st.lists(entries(ids=st.uuids().map(str), foreign_currencies=("EUR", "JPY")), max_size=12),
    st.booleans(),
)
def test_posting_a_batch_equals_posting_one_by_one(batch: list[Entry], auto_close: bool) -> None:
    """post_many(batch) gives the same ledger as post() for each entry in turn."""
    stepwise = Ledger("NOK", auto_close_zero=auto_close)
    for entry in batch:
        stepwise = stepwise.post(entry)
    together = Ledger("NOK", auto_close_zero=auto_close).post_many(batch)
    assert together == stepwise
    assert together.open_items() == stepwise.open_items()
    assert together.balances() == stepwise.balances()
    assert together.matches() == stepwise.matches()


@given(LEDGERS)
def test_replay_in_one_batch_equals_step_by_step(ledger: Ledger) -> None:
    """from_events, apply(all events) and apply(one event at a time) build the same ledger."""
    events = ledger.events
    options = ledger.options
    empty = Ledger(
        ledger.local_currency, post_against_post=options.post_against_post,
        auto_close_zero=options.auto_close_zero,
    )
    stepwise = empty
    for event in events:
        stepwise = stepwise.apply([event])
    for rebuilt in (same_options(ledger, events), empty.apply(events), stepwise):
        assert rebuilt == ledger
        assert rebuilt.items() == ledger.items()
        assert rebuilt.matches(include_dissolved=True) == ledger.matches(include_dissolved=True)
        assert rebuilt.balances() == ledger.balances()


@given(LEDGERS)
def test_events_through_json_are_the_identity(ledger: Ledger) -> None:
    """Every event survives event_to_dict -> JSON -> event_from_dict, and so does the ledger."""
    for event in ledger.events:
        assert event_from_dict(json.loads(json.dumps(event_to_dict(event)))) == event
    data = json.loads(json.dumps(ledger.to_dict()))
    again = Ledger.from_dict(data)
    assert again == ledger
    assert again.to_dict() == ledger.to_dict()
    assert again.open_items() == ledger.open_items()


# -- invariant 7: as_of equals replaying the events up to that date --------------------------------


@given(LEDGERS, st.integers(-2, 75))
def test_as_of_equals_replaying_the_events_up_to_the_date(ledger: Ledger, offset: int) -> None:
    """ledger.as_of(d) == from_events(events dated on or before d), and so do its queries."""
    day = DEFAULT_START + timedelta(days=offset)
    replayed = same_options(ledger, [e for e in ledger.events if e.on <= day])
    assert ledger.as_of(day) == replayed
    assert ledger.items(as_of=day) == replayed.items()
    assert ledger.open_items(as_of=day) == replayed.open_items()
    assert ledger.closed_items(as_of=day) == replayed.closed_items()
    assert ledger.balances(as_of=day) == replayed.balances()
    assert ledger.match_rows(as_of=day) == replayed.match_rows()
    assert ledger.matches(as_of=day, include_dissolved=True) == replayed.matches(
        include_dissolved=True
    )
    check_invariants(ledger, as_of=day)


@given(LEDGERS)
def test_as_of_every_event_date_is_a_valid_ledger(ledger: Ledger) -> None:
    """The ledger as of each date in its history satisfies every invariant."""
    for day in sorted({e.on for e in ledger.events}):
        check_invariants(ledger, as_of=day)
        assert ledger.as_of(day).event_count == sum(1 for e in ledger.events if e.on <= day)


# -- invariant 8: old ledger values never change ---------------------------------------------------


def snapshot(ledger: Ledger) -> tuple[Any, ...]:
    return (
        ledger.to_dict(),
        ledger.items(),
        ledger.open_items(),
        ledger.balances(),
        ledger.matches(include_dissolved=True),
        ledger.match_rows(),
    )


@given(LEDGERS, st.data())
def test_old_ledger_values_never_change(ledger: Ledger, data: st.DataObject) -> None:
    """Operations on a ledger, on its descendants and on branches leave it as it was."""
    before = snapshot(ledger)
    held = ledger.open_items()
    line = ledger
    for _ in range(4):
        _, line = data.draw(steps(line))
    _, branch = data.draw(steps(ledger))
    _, branch = data.draw(steps(branch))
    _ = ledger.as_of(DEFAULT_START + timedelta(days=10)).items()
    assert snapshot(ledger) == before
    assert held == ledger.open_items()
    if line.event_count > ledger.event_count:
        assert line.events[: ledger.event_count] == ledger.events


# -- invariant 10: no minor unit is lost or created ------------------------------------------------


@given(
    money(currencies(minor_unit=[0, 2, 3]), min_value=-10**9, max_value=10**9),
    st.lists(st.integers(0, 1000), min_size=1, max_size=12).filter(any),
)
def test_allocate_never_loses_or_creates_a_minor_unit(amount: Money, weights: list[int]) -> None:
    """allocate's parts add up exactly, keep the sign, and are within one unit of the share."""
    parts = amount.allocate(weights)
    assert len(parts) == len(weights)
    assert sum(p.minor_units for p in parts) == amount.minor_units
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert part.currency == amount.currency
        assert part.amount == 0 or (part.amount > 0) == (amount.amount > 0)
        exact = Decimal(amount.minor_units) * weight / total
        assert abs(part.minor_units - exact) < 1
        if weight == 0:
            assert part.is_zero


@given(money(currencies(minor_unit=[0, 2, 3])), st.integers(1, 50))
def test_split_never_loses_or_creates_a_minor_unit(amount: Money, parts: int) -> None:
    """split's parts add up exactly and differ by at most one minor unit, larger first."""
    pieces = amount.split(parts)
    units = [p.minor_units for p in pieces]
    assert sum(units) == amount.minor_units
    assert max(units) - min(units) <= 1
    assert [abs(u) for u in units] == sorted((abs(u) for u in units), reverse=True)


@given(LEDGERS)
def test_match_allocation_never_loses_or_creates_a_minor_unit(ledger: Ledger) -> None:
    """In every match, applied plus remaining is each member's amount, to the minor unit."""
    for found in ledger.matches():
        if found.is_closed and found.close_policy is ClosePolicy.LOCAL_ONLY:
            continue  # closed on NOK alone: the EUR difference is not allocated, by design
        applied: dict[str, int] = {}
        for allocation in found.allocations:
            assert allocation.amount.is_positive
            for member in (allocation.credit_id, allocation.debit_id):
                applied[member] = applied.get(member, 0) + allocation.amount.minor_units
        members = [ledger.item(i) for i in found.entry_ids]
        for item in members:
            used = abs(item.amount.minor_units - item.remaining.minor_units)
            assert applied.get(item.id, 0) == used, (found, item)
        if not found.is_closed:
            assert sum(i.remaining_local.minor_units for i in members) == (
                found.outstanding_local.minor_units
            )


@given(ledgers(post_against_post=PostAgainstPost.WARN, max_operations=0))
def test_posting_only_ledgers_have_everything_open(ledger: Ledger) -> None:
    """Without matches every item is open at its full amount and balances add up."""
    assert ledger.matches() == ()
    for item in ledger.items():
        assert item.is_open
        assert item.remaining == item.amount
    assert ledger.balance().local == ledger.open_items().remaining.local


# -- any input: only documented errors, and a refused operation changes nothing --------------------


def any_operation(ledger: Ledger, data: st.DataObject) -> Any:
    """Draw a call on *ledger* with arguments that may or may not be valid."""
    ids = st.sampled_from([*ledger.items().ids, "X-404"])
    match_ids = st.sampled_from(
        [m.id for m in ledger.matches(include_dissolved=True)] + ["K-404"]
    )
    day = st.integers(-5, 80).map(lambda n: DEFAULT_START + timedelta(days=n))
    some_ids = st.lists(ids, max_size=4)
    draw = data.draw
    name = draw(st.sampled_from(["match", "extend", "remove", "dissolve", "due", "reverse"]))
    if name == "match":
        chosen, on, extend = draw(some_ids), draw(st.none() | day), draw(st.booleans())
        policy = draw(st.sampled_from(list(ClosePolicy)))
        return lambda: ledger.match(chosen, on=on, close_policy=policy, extend=extend)
    if name == "extend":
        match_id, chosen, on = draw(match_ids), draw(some_ids), draw(st.none() | day)
        return lambda: ledger.extend_match(match_id, chosen, on=on)
    if name == "remove":
        entry_id, on = draw(ids), draw(day)
        return lambda: ledger.remove_from_match(entry_id, on=on)
    if name == "dissolve":
        match_id, on = draw(match_ids), draw(day)
        return lambda: ledger.dissolve(match_id, on=on)
    if name == "due":
        entry_id, due, on = draw(ids), draw(st.none() | day), draw(day)
        return lambda: ledger.change_due_date(entry_id, due, on=on)
    entry_id, on, first = draw(ids), draw(day), draw(st.booleans())
    return lambda: ledger.reverse(entry_id, on=on, unmatch_first=first)


@given(LEDGERS, st.data())
def test_any_operation_succeeds_validly_or_fails_cleanly(
    ledger: Ledger, data: st.DataObject
) -> None:
    """Random calls give a valid ledger, or raise a ReskontroError and change nothing."""
    for _ in range(4):
        events, state = ledger.events, ledger.to_dict()
        call = any_operation(ledger, data)
        try:
            after = call()
        except ReskontroError:
            assert ledger.events == events
            assert ledger.to_dict() == state
            check_invariants(ledger)
            continue
        check_invariants(after)
        assert after.events[: len(events)] == events
        ledger = after
