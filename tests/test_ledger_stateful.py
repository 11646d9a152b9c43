"""State machines drive the ledger through random histories against a simple model.

The model is plain dicts: which entries exist (and their amounts), which live
match each entry is in, each match's members and close policy. Every rule
applies one operation (post, match, extend, remove, dissolve, reverse) to the
ledger and to the model; the invariants compare the two after every step:
entries, balances per sub-account, match membership, the open/closed status
of every match (closed exactly when its members sum to zero under its
policy), and the public :func:`reskontro.testing.check_invariants`.

Invalid operations (duplicate ids, unknown ids, crossing sub-accounts or
currencies, entries already matched, dates before a posting or a match's last
change, undoing dissolved matches) must raise a ``ReskontroError`` and leave
the ledger exactly as it was.

``SettlingLedgerMachine`` adds settlement, revaluation and discount/tolerance
steps, and checks every undo (remove, dissolve, reverse) against the rule
"undo reverses everything the application created": after it the undone
entries are whole again, a dissolved match's derived entries net to zero,
and a settled match that stays live has nothing left to settle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from conftest import RUNS, STEPS, stateful_settings
from reskontro import (
    ClosePolicy,
    EntriesMatched,
    Entry,
    EntryKind,
    Ledger,
    MatchError,
    Money,
    PostAgainstPost,
    ReskontroError,
    ReversalError,
    Side,
    SubAccount,
)
from reskontro.adjustments import Tolerance, plan_adjustments
from reskontro.matching import ADJUSTMENT_KINDS, is_derived
from reskontro.rates import RateTable
from reskontro.settlement import plan_revaluation, plan_settlement
from reskontro.testing import check_invariants, entries

START = date(2026, 1, 1)

#: Two parties on both sides, NOK and EUR: enough sub-accounts to cross, few enough to match.
ENTRIES = entries(
    ids=st.just("?"),
    # documents only: the entries an application books (exchange differences,
    # discounts, tolerances) come from the plans of SettlingLedgerMachine below
    kinds=[k for k in EntryKind if k not in ADJUSTMENT_KINDS],
    parties=("A", "B"),
    foreign_currencies=("EUR",),
    max_amount=5_000,
    days=0,
    flags=False,
)


@attrs.define
class ModelMatch:
    """What the model knows about a match."""

    members: list[str]
    policy: ClosePolicy
    changed_on: date
    live: bool = True


class LedgerMachine(RuleBasedStateMachine):
    """Random operations on a Ledger, mirrored in a model of dicts."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger("NOK", post_against_post=PostAgainstPost.OFF)
        self.clock = START
        self.count = 0
        self.entries: dict[str, Entry] = {}
        self.match_of: dict[str, str] = {}
        self.matches: dict[str, ModelMatch] = {}
        self.reversed: set[str] = set()
        RUNS[type(self).__name__] += 1

    # -- helpers -----------------------------------------------------------------------------------

    def key(self, entry_id: str) -> tuple[SubAccount, str]:
        entry = self.entries[entry_id]
        return entry.sub_account, entry.currency

    def free_groups(self) -> dict[tuple[SubAccount, str], list[str]]:
        groups: dict[tuple[SubAccount, str], list[str]] = {}
        for entry_id in self.entries:
            if entry_id not in self.match_of:
                groups.setdefault(self.key(entry_id), []).append(entry_id)
        return groups

    def live(self) -> list[str]:
        return [match_id for match_id, m in self.matches.items() if m.live]

    def refused(self, operation: Callable[[Ledger], Any], name: str = "operation") -> None:
        """The operation must raise a ReskontroError and leave the ledger as it was."""
        events, data = self.ledger.events, self.ledger.to_dict()
        try:
            operation(self.ledger)
        except ReskontroError:
            pass
        else:
            raise AssertionError(f"invalid {name} was accepted")
        assert self.ledger.events == events
        assert self.ledger.to_dict() == data

    def unmatch(self, entry_id: str) -> None:
        found = self.matches[self.match_of.pop(entry_id)]
        found.members.remove(entry_id)
        found.changed_on = self.clock
        if not found.members:
            found.live = False

    # -- rules: valid operations -------------------------------------------------------------------

    @rule(days=st.integers(0, 4))
    def advance(self, days: int) -> None:
        """Time passes; later operations are dated on the new day."""
        self.clock += timedelta(days=days)

    @initialize(batch=st.lists(ENTRIES, min_size=2, max_size=8), back=st.integers(0, 6))
    def opening_entries(self, batch: list[Entry], back: int) -> None:
        """Every history starts with a few entries, so that the first steps can match."""
        self.post(batch, back)

    @rule(batch=st.lists(ENTRIES, min_size=1, max_size=3), back=st.integers(0, 6))
    def post(self, batch: list[Entry], back: int) -> None:
        """Post a batch of fresh entries dated on or before today."""
        posted: list[Entry] = []
        for entry in batch:
            self.count += 1
            shift = (self.clock - timedelta(days=back)) - entry.posted
            posted.append(
                attrs.evolve(
                    entry,
                    id=f"E{self.count}",
                    posted=entry.posted + shift,
                    document_date=entry.document_date + shift,
                    due=None if entry.due is None else entry.due + shift,
                )
            )
        before = self.ledger.event_count
        self.ledger = self.ledger.post_many(posted)
        assert self.ledger.event_count == before + len(posted)
        self.entries.update((e.id, e) for e in posted)

    @precondition(lambda self: self.free_groups())
    @rule(data=st.data())
    def match(self, data: st.DataObject) -> None:
        """Match free entries of one sub-account and currency, with either close policy."""
        groups = self.free_groups()
        ids = data.draw(
            st.lists(st.sampled_from(groups[data.draw(st.sampled_from(sorted(groups)))]),
                     min_size=1, max_size=5, unique=True)
        )
        policy = data.draw(st.sampled_from(list(ClosePolicy)))
        self.ledger = self.ledger.match(ids, on=self.clock, close_policy=policy)
        event = self.ledger.events[-1]
        assert isinstance(event, EntriesMatched)
        assert event.match_id not in self.matches
        self.matches[event.match_id] = ModelMatch(list(ids), policy, self.clock)
        self.match_of.update(dict.fromkeys(ids, event.match_id))

    @precondition(
        lambda self: any(
            self.key(m.members[0]) in self.free_groups()
            for m in self.matches.values() if m.live
        )
    )
    @rule(data=st.data())
    def extend(self, data: st.DataObject) -> None:
        """Add free entries of the same sub-account and currency to a live match."""
        groups = self.free_groups()
        candidates = [
            match_id for match_id in self.live()
            if self.key(self.matches[match_id].members[0]) in groups
        ]
        match_id = data.draw(st.sampled_from(candidates))
        found = self.matches[match_id]
        pool = groups[self.key(found.members[0])]
        ids = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        self.ledger = self.ledger.extend_match(match_id, ids, on=self.clock)
        found.members.extend(ids)
        found.changed_on = self.clock
        self.match_of.update(dict.fromkeys(ids, match_id))

    @precondition(lambda self: self.match_of)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        """Remove one entry from its match, dated today."""
        entry_id = data.draw(st.sampled_from(sorted(self.match_of)))
        self.ledger = self.ledger.remove_from_match(entry_id, on=self.clock)
        self.unmatch(entry_id)

    @precondition(lambda self: self.live())
    @rule(data=st.data())
    def dissolve(self, data: st.DataObject) -> None:
        """Dissolve a live match, dated today: every member is free again."""
        match_id = data.draw(st.sampled_from(self.live()))
        self.ledger = self.ledger.dissolve(match_id, on=self.clock)
        found = self.matches[match_id]
        for entry_id in found.members:
            del self.match_of[entry_id]
        found.live = False

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), unmatch_first=st.booleans())
    def reverse(self, data: st.DataObject, unmatch_first: bool) -> None:
        """Reverse an entry: refused when matched with others (unless unmatch_first) or done."""
        entry_id = data.draw(st.sampled_from(sorted(self.entries)))
        entry = self.entries[entry_id]
        current = self.match_of.get(entry_id)
        shared = current is not None and len(self.matches[current].members) > 1
        if entry.reverses is not None or entry_id in self.reversed:
            self.refused(
                lambda ledger: ledger.reverse(entry_id, on=self.clock, unmatch_first=True)
            )
            return
        if shared and not unmatch_first:
            self.refused(lambda ledger: ledger.reverse(entry_id, on=self.clock))
            with pytest.raises(ReversalError, match="unmatch_first") as info:
                self.ledger.reverse(entry_id, on=self.clock)
            assert info.value.entry_id == entry_id
            return
        self.ledger = self.ledger.reverse(entry_id, on=self.clock, unmatch_first=unmatch_first)
        if current is not None:
            self.unmatch(entry_id)
            if not shared:
                self.matches[current].live = False
        storno = self.ledger.entry(f"{entry_id}-R")
        assert storno.amount == -entry.amount
        assert storno.amount_local == -entry.amount_local
        assert storno.posted == self.clock
        self.entries[storno.id] = storno
        self.reversed.add(entry_id)
        match_id = self.ledger.match_of(entry_id).id  # type: ignore[union-attr]
        self.matches[match_id] = ModelMatch(
            [entry_id, storno.id], ClosePolicy.ALL_CURRENCIES, self.clock
        )
        self.match_of[entry_id] = self.match_of[storno.id] = match_id

    # -- rule: invalid operations ------------------------------------------------------------

    def invalid_operations(self, data: st.DataObject) -> dict[str, Callable[[Ledger], Any]]:
        """The invalid operations possible in the current state, by name."""
        ops: dict[str, Callable[[Ledger], Any]] = {}
        clock = self.clock
        groups = self.free_groups()
        free = sorted(e for e in self.entries if e not in self.match_of)
        unknown = data.draw(st.sampled_from(["X-1", "E0", "e1", ""]))
        known = sorted(self.entries)[:1]
        ops["match an unknown id"] = lambda ledger: ledger.match([*known, unknown], on=clock)
        ops["dissolve an unknown match"] = lambda ledger: ledger.dissolve("K-404", on=clock)
        if self.entries:
            entry = self.entries[data.draw(st.sampled_from(sorted(self.entries)))]
            ops["post a duplicate id"] = lambda ledger: ledger.post(entry)
        if len(groups) >= 2:
            first, second = data.draw(
                st.lists(st.sampled_from(sorted(groups)), min_size=2, max_size=2, unique=True)
            )
            across = [groups[first][0], groups[second][0]]
            ops["match across sub-accounts or currencies"] = lambda ledger: ledger.match(
                across, on=clock
            )
        if free:
            early = data.draw(st.sampled_from(free))
            before = self.entries[early].posted - timedelta(days=1)
            ops["match before posting"] = lambda ledger: ledger.match([early], on=before)
            lone = data.draw(st.sampled_from(free))
            ops["remove an unmatched entry"] = lambda ledger: ledger.remove_from_match(
                lone, on=clock
            )
        if self.match_of:
            taken = data.draw(st.sampled_from(sorted(self.match_of)))
            too_early = self.matches[self.match_of[taken]].changed_on - timedelta(days=1)
            ops["match an already matched entry"] = lambda ledger: ledger.match([taken], on=clock)
            ops["remove before the last change"] = lambda ledger: ledger.remove_from_match(
                taken, on=too_early
            )
        dissolved = sorted(k for k, m in self.matches.items() if not m.live)
        if dissolved:
            gone = data.draw(st.sampled_from(dissolved))
            ops["dissolve a dissolved match"] = lambda ledger: ledger.dissolve(gone, on=clock)
            if free:
                ops["extend a dissolved match"] = lambda ledger: ledger.extend_match(
                    gone, free[:1], on=clock
                )
        return ops

    @rule(data=st.data())
    def invalid(self, data: st.DataObject) -> None:
        """An invalid operation raises a ReskontroError and leaves the ledger as it was."""
        ops = self.invalid_operations(data)
        name = data.draw(st.sampled_from(sorted(ops)))
        self.refused(ops[name], name)

    # -- invariants --------------------------------------------------------------------------------

    @invariant()
    def same_entries(self) -> None:
        """The ledger holds exactly the model's entries."""
        assert set(self.ledger.items().ids) == set(self.entries)
        for entry_id, entry in self.entries.items():
            assert self.ledger.entry(entry_id) == entry

    @invariant()
    def balances_are_the_sums_of_entries(self) -> None:
        """Each sub-account's balance is the sum of its entries, locally and per currency."""
        local: dict[SubAccount, Decimal] = {}
        per: dict[SubAccount, dict[str, Decimal]] = {}
        for entry in self.entries.values():
            sub = entry.sub_account
            local[sub] = local.get(sub, Decimal(0)) + entry.amount_local.amount
            sums = per.setdefault(sub, {})
            sums[entry.currency] = sums.get(entry.currency, Decimal(0)) + entry.amount.amount
        balances = self.ledger.balances()
        assert set(balances) == set(local)
        for sub, balance in balances.items():
            assert balance.local.amount == local[sub]
            assert {m.currency: m.amount for m in balance.by_currency} == per[sub]

    @invariant()
    def membership_matches_the_model(self) -> None:
        """Each entry is in the live match the model says, with the same members."""
        for entry_id in self.entries:
            found = self.ledger.match_of(entry_id)
            expected = self.match_of.get(entry_id)
            assert (found.id if found else None) == expected
        live = {m.id: list(m.entry_ids) for m in self.ledger.matches()}
        assert live == {k: m.members for k, m in self.matches.items() if m.live}
        assert set(self.matches) == {
            m.id for m in self.ledger.matches(include_dissolved=True)
        }

    @invariant()
    def closed_exactly_at_zero_under_the_policy(self) -> None:
        """A live match is closed iff its members sum to zero under its close policy."""
        for match_id in self.live():
            model = self.matches[match_id]
            members = [self.entries[i] for i in model.members]
            local = sum((e.amount_local.amount for e in members), Decimal(0))
            tx = sum((e.amount.amount for e in members), Decimal(0))
            closed = local == 0 and (model.policy is ClosePolicy.LOCAL_ONLY or tx == 0)
            found = self.ledger.get_match(match_id)
            assert found.is_closed == closed
            assert found.close_policy is model.policy
            for item in self.ledger.search(match_id=match_id):
                if closed:
                    assert not item.is_open

    @invariant()
    def ledger_invariants_hold(self) -> None:
        """The public checker finds nothing wrong."""
        check_invariants(self.ledger)

    @invariant()
    def count_the_step(self) -> None:
        """Count the steps (invariants run once after the start and after every step)."""
        STEPS[type(self).__name__] += 1


LedgerMachine.TestCase.settings = stateful_settings("LedgerMachine")
TestLedger = LedgerMachine.TestCase


class SettlingLedgerMachine(LedgerMachine):
    """The same histories, plus settlement, revaluation and adjustment plans, and exact undo.

    The plans post entries and change matches the model does not predict, so
    after each of these steps (and after every undo) the model is read back
    from the ledger; the step itself asserts what must have happened, and the
    inherited invariants (balances are the sums of the entries, a match is
    closed exactly at zero under its policy, ``check_invariants``) hold on
    every state.
    """

    def resync(self) -> None:
        """Read the entries and matches back from the ledger."""
        self.entries = {i.id: i.entry for i in self.ledger.items()}
        self.match_of = {}
        self.matches = {}
        for found in self.ledger.matches(include_dissolved=True):
            live = found.dissolved_on is None
            self.matches[found.id] = ModelMatch(
                list(found.entry_ids), found.close_policy, found.changed_on, live
            )
            if live:
                self.match_of.update(dict.fromkeys(found.entry_ids, found.id))
        self.reversed = {e.reverses for e in self.entries.values() if e.reverses is not None}

    def free_groups(self) -> dict[tuple[SubAccount, str], list[str]]:
        """Free documents only: what a plan booked is matched by the plan, never by hand."""
        return {
            key: ids for key, ids in (
                (key, [i for i in ids if self.entries[i].kind not in ADJUSTMENT_KINDS])
                for key, ids in super().free_groups().items()
            ) if ids
        }

    def documents(self, ids: list[str]) -> list[str]:
        return sorted(i for i in ids if self.entries[i].kind not in ADJUSTMENT_KINDS)

    def foreign_matches(self) -> list[str]:
        return [
            match_id for match_id in self.live()
            if any(self.entries[i].currency != "NOK" for i in self.matches[match_id].members)
        ]

    def settled_cleanly(self, match_id: str) -> None:
        """A live settled match has nothing left to settle."""
        if match_id in self.foreign_matches():
            try:
                plan = plan_settlement(self.ledger, match_id, on=self.clock)
            except ReskontroError:
                return  # e.g. a revaluation of a member sits in another match
            assert plan.entries == ()

    def attempt(self, operation: Callable[[Ledger], Ledger]) -> bool:
        """Run a plan step; a refusal must leave the ledger as it was."""
        events = self.ledger.events
        try:
            result = operation(self.ledger)
        except ReskontroError:
            assert self.ledger.events == events
            return False
        self.ledger = result
        self.resync()
        return True

    @precondition(lambda self: self.foreign_matches())
    @rule(data=st.data())
    def settle(self, data: st.DataObject) -> None:
        """Settle a foreign-currency match today; settling again then finds nothing."""
        match_id = data.draw(st.sampled_from(self.foreign_matches()))
        if self.attempt(
            lambda ledger: plan_settlement(ledger, match_id, on=self.clock).apply(ledger)
        ):
            self.settled_cleanly(match_id)

    def open_claims(self) -> list[str]:
        """Open EUR documents that are owed (a customer's debit, a supplier's credit)."""
        return [
            i.id for i in self.ledger.open_items()
            if i.entry.currency == "EUR" and not is_derived(i.entry) and i.entry.revalues is None
            and i.entry.reverses is None and i.id not in self.reversed
            and i.remaining.amount * (1 if i.entry.side is Side.RECEIVABLE else -1) > 0
        ]

    @precondition(lambda self: self.open_claims())
    @rule(
        data=st.data(),
        share=st.sampled_from([1000, 999, 995, 500, 250]),
        rate=st.decimals(min_value="9", max_value="13", places=4),
        percent=st.sampled_from(["0", "1"]),
    )
    def pay_and_settle(
        self, data: st.DataObject, share: int, rate: Decimal, percent: str
    ) -> None:
        """Pay a share of an open EUR claim at a rate, match, settle, and take the tolerance."""
        claim = self.ledger.item(data.draw(st.sampled_from(self.open_claims())))
        paid = (claim.remaining.amount * share / 1000).quantize(Decimal("0.01"))
        if not paid:
            return
        self.count += 1
        pay_id = f"E{self.count}"
        payment = Entry.payment(
            pay_id, party=claim.entry.party, side=claim.entry.side, account=claim.entry.account,
            amount=Money(-paid, "EUR"),
            amount_local=Money(-(paid * rate).quantize(Decimal("0.01")), "NOK"),
            posted=self.clock,
        )
        match_id = claim.match_id or f"K{self.count}"

        def pay(ledger: Ledger) -> Ledger:
            ledger = ledger.post(payment)
            if claim.match_id is None:
                ledger = ledger.match([claim.id, pay_id], on=self.clock, match_id=match_id)
            else:
                ledger = ledger.extend_match(match_id, [pay_id], on=self.clock)
            ledger = plan_settlement(ledger, match_id, on=self.clock).apply(ledger)
            tolerance = Tolerance(percent=percent, max_amount=Money("100", "EUR"))
            ledger = plan_adjustments(
                ledger, match_id, on=self.clock, tolerance=tolerance
            ).apply(ledger)
            return plan_settlement(ledger, match_id, on=self.clock).apply(ledger)

        if self.attempt(pay):
            self.settled_cleanly(match_id)

    @rule(rate=st.decimals(min_value="9", max_value="13", places=2))
    def revalue(self, rate: Decimal) -> None:
        """Revalue the open EUR items at a closing rate of today."""
        table = RateTable("NOK", {("EUR", self.clock): rate})
        self.attempt(lambda ledger: plan_revaluation(ledger, table, on=self.clock).apply(ledger))

    @precondition(lambda self: self.live())
    @rule(data=st.data(), percent=st.sampled_from(["0", "1", "5"]))
    def adjust(self, data: st.DataObject, percent: str) -> None:
        """Plan and apply the tolerance a match earns (no terms: no discount)."""
        match_id = data.draw(st.sampled_from(self.live()))
        currency = self.entries[self.matches[match_id].members[0]].currency
        tolerance = Tolerance(percent=percent, max_amount=Money("100", currency))
        self.attempt(lambda ledger: plan_adjustments(
            ledger, match_id, on=self.clock, tolerance=tolerance
        ).apply(ledger))

    @precondition(lambda self: self.match_of)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        """Remove an entry: refused for one the match booked; else the undo is exact."""
        entry_id = data.draw(st.sampled_from(sorted(self.match_of)))
        match_id = self.match_of[entry_id]
        found = self.matches[match_id]
        entry = self.entries[entry_id]
        others = [self.entries[i] for i in found.members if i != entry_id]
        live_derived = (
            is_derived(entry) and entry.reverses is None and entry_id not in self.reversed
        )
        pulled = entry.revalues in found.members and entry.rate is not None
        if self.documents([o.id for o in others]) and (live_derived or pulled):
            self.refused(lambda ledger: ledger.remove_from_match(entry_id, on=self.clock))
            return
        if entry.kind in ADJUSTMENT_KINDS:
            return  # adjustments beside no document (a storno pair): not an application
        settled = any(
            o.kind in ADJUSTMENT_KINDS and is_derived(o)
            and o.kind not in (EntryKind.DISCOUNT, EntryKind.TOLERANCE)
            for o in others
        )
        events = self.ledger.events
        try:
            self.ledger = self.ledger.remove_from_match(entry_id, on=self.clock)
        except MatchError as error:
            # the true-up refuses when a member's unrealized entry sits in another
            # match (a state only hand-made matches reach); nothing has changed
            refused = "revaluation" in str(error)
            assert refused
            assert self.ledger.events == events
            return
        self.resync()
        item = self.ledger.item(entry_id)
        assert item.match_id is None
        assert item.remaining == entry.amount
        # no discount or tolerance of the match is left unreversed
        for other in others:
            if other.kind in (EntryKind.DISCOUNT, EntryKind.TOLERANCE) and other.reverses is None:
                assert other.id in self.reversed
        if settled:
            self.settled_cleanly(match_id)

    @precondition(lambda self: self.live())
    @rule(data=st.data())
    def dissolve(self, data: st.DataObject) -> None:
        """Dissolve: every member is whole again, the derived entries net to zero."""
        match_id = data.draw(st.sampled_from(self.live()))
        members = [self.entries[i] for i in self.matches[match_id].members]
        self.ledger = self.ledger.dissolve(match_id, on=self.clock)
        self.resync()
        for entry in members:
            if entry.id in self.match_of:
                continue  # a derived entry, now matched with its storno
            item = self.ledger.item(entry.id)
            assert (item.remaining, item.remaining_local) == (entry.amount, entry.amount_local)
        net = self.ledger.derived_entries(match_id).net
        assert (net["realized"], net["discount"], net["tolerance"]) == (Money("0", "NOK"),) * 3

    @precondition(lambda self: self.documents(list(self.entries)))
    @rule(data=st.data(), unmatch_first=st.booleans())
    def reverse(self, data: st.DataObject, unmatch_first: bool) -> None:
        """Reverse a document (unmatching it first, exactly as remove does), or be refused."""
        entry_id = data.draw(st.sampled_from(self.documents(list(self.entries))))
        entry = self.entries[entry_id]
        current = self.match_of.get(entry_id)
        members = self.matches[current].members if current is not None else [entry_id]
        booked = current is not None and (
            (is_derived(entry) and entry.reverses is None and entry_id not in self.reversed)
            or (entry.revalues in members and entry.rate is not None)
        )
        if (
            entry.reverses is not None
            or entry_id in self.reversed
            or (len(members) > 1 and (booked or not unmatch_first))
        ):
            self.refused(lambda ledger: ledger.reverse(
                entry_id, on=self.clock, unmatch_first=unmatch_first
            ))
            return
        self.ledger = self.ledger.reverse(entry_id, on=self.clock, unmatch_first=unmatch_first)
        self.resync()
        storno = self.ledger.entry(f"{entry_id}-R")
        assert storno.amount == -entry.amount
        assert self.ledger.match_of(entry_id) == self.ledger.match_of(storno.id)


SettlingLedgerMachine.TestCase.settings = stateful_settings("SettlingLedgerMachine")
TestSettlingLedger = SettlingLedgerMachine.TestCase
