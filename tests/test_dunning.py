"""Dunning: the ladder day by day, fees, holding back, and recording notices as events."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import (
    Entry,
    EntryNotFoundError,
    InvalidEventError,
    InvalidPolicyError,
    InvalidQueryError,
    Ledger,
    Money,
    NoticeError,
    NoticeLevel,
    NoticeRecorded,
    Side,
)
from reskontro.dunning import (
    INKASSOSATS,
    NORWEGIAN_POLICY,
    AmountTable,
    DatedAmount,
    DebtorKind,
    DunningPolicy,
    next_step,
    plan_dunning,
)
from reskontro.interest import item_interest
from reskontro.serialization import event_from_dict, event_to_dict

DUE = date(2026, 1, 19)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def invoice(entry_id: str = "F-1", party: str = "10001", due: date = DUE, **flags: bool) -> Entry:
    return Entry.invoice(entry_id, party=party, amount=nok("1000"),
                         posted=due - timedelta(days=14), due=due, document_no=entry_id,
                         **flags)  # type: ignore[arg-type]


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_the_ladder_day_by_day() -> None:
    """Nothing too early; reminder, collection notice and hand-over each on its first day."""
    ledger = Ledger("NOK").post(invoice())
    for day in days(DUE, date(2026, 2, 1)):
        assert plan_dunning(ledger, NORWEGIAN_POLICY, day).notices == (), day
    plan = plan_dunning(ledger, NORWEGIAN_POLICY, date(2026, 2, 2))
    (reminder,) = plan.notices
    assert (reminder.level, reminder.deadline) == (NoticeLevel.REMINDER, date(2026, 2, 16))
    assert reminder.fee == nok("35.00")
    assert reminder.entry_ids == ("F-1",)
    ledger = plan.apply(ledger, post_fees=True)

    for day in days(date(2026, 2, 2), date(2026, 2, 16)):
        assert plan_dunning(ledger, NORWEGIAN_POLICY, day).notices == (), day
    plan = plan_dunning(ledger, NORWEGIAN_POLICY, date(2026, 2, 17))
    (notice,) = plan.notices
    assert (notice.level, notice.deadline) == (NoticeLevel.COLLECTION_NOTICE, date(2026, 3, 3))
    assert notice.fee == nok("35.00")
    ledger = plan.apply(ledger, post_fees=True)

    for day in days(date(2026, 2, 17), date(2026, 3, 3)):
        assert plan_dunning(ledger, NORWEGIAN_POLICY, day).notices == (), day
    plan = plan_dunning(ledger, NORWEGIAN_POLICY, date(2026, 3, 4))
    (handover,) = plan.notices
    assert (handover.level, handover.deadline, handover.fee) == (
        NoticeLevel.HANDOVER, None, nok("0"))
    assert "collector" in handover.fee_reason
    ledger = plan.apply(ledger, post_fees=True)
    assert plan_dunning(ledger, NORWEGIAN_POLICY, date(2026, 6, 1)).notices == ()
    assert [n.level for n in ledger.notices("F-1")] == [
        NoticeLevel.REMINDER, NoticeLevel.COLLECTION_NOTICE, NoticeLevel.HANDOVER]
    # the two fees were posted as reminder-fee entries, due with their notices
    fees = ledger.search(party="10001", kind="reminder_fee")  # type: ignore[arg-type]
    assert [(f.amount, f.due) for f in fees] == [
        (nok("35"), date(2026, 2, 16)), (nok("35"), date(2026, 3, 3))]


def test_a_notice_shows_items_amounts_interest_and_gl_postings() -> None:
    """Two overdue invoices share one reminder; interest per item; fee debit 1500, credit 3900."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", due=date(2026, 1, 5)),
        invoice("F-2", due=date(2026, 1, 10)),
        Entry.payment("P-1", party="10001", amount=nok("-400"), posted=date(2026, 1, 20)),
    ]).match(["F-2", "P-1"])
    (notice,) = plan_dunning(ledger, None, date(2026, 2, 2)).notices
    assert notice.entry_ids == ("F-1", "F-2")
    assert [line.remaining for line in notice.lines] == [nok("1000"), nok("600")]
    assert [line.days_overdue for line in notice.lines] == [28, 23]
    assert notice.amount == nok("1600")
    expected = item_interest(ledger, "F-2", on=date(2026, 2, 2)).amount_local
    assert notice.lines[1].interest == expected
    assert notice.interest == notice.lines[0].interest + expected
    assert notice.total == notice.amount + notice.interest + notice.fee
    assert [(p.account, p.debit, p.credit) for p in notice.postings] == [
        ("1500", nok("35"), None), ("3900", None, nok("35"))]
    assert notice.fee_entry is not None
    assert notice.fee_entry.id == "G-10001-20260202-1"


def test_business_debtors_get_standard_compensation_once() -> None:
    """A business debtor's first notice claims the flat compensation per invoice; no more fees."""
    policy = DunningPolicy(debtors={"10001": DebtorKind.BUSINESS})
    ledger = Ledger("NOK").post_many([invoice("F-1"), invoice("F-2")])
    plan = plan_dunning(ledger, policy, date(2026, 2, 2))
    (reminder,) = plan.notices
    assert reminder.debtor is DebtorKind.BUSINESS
    assert reminder.fee == nok("920")  # 2 x 460 (from 1 January 2026)
    assert "standardkompensasjon" in reminder.fee_reason
    ledger = plan.apply(ledger, post_fees=False)
    (notice,) = plan_dunning(ledger, policy, date(2026, 2, 17)).notices
    assert notice.fee.is_zero
    assert notice.fee_entry is None
    assert "covered" in notice.fee_reason
    # consumers (the default) never pay it
    (consumer,) = plan_dunning(ledger, NORWEGIAN_POLICY, date(2026, 2, 17)).notices
    assert consumer.fee == nok("35")


def test_no_fee_when_the_rules_do_not_allow_one() -> None:
    """A reminder 7 days after due carries no fee; a later notice after a 10-day deadline none."""
    early = DunningPolicy(reminder_after_days=7, reminder_deadline_days=10)
    ledger = Ledger("NOK").post(invoice())
    plan = plan_dunning(ledger, early, DUE + timedelta(days=7))
    (reminder,) = plan.notices
    assert reminder.fee.is_zero
    assert reminder.fee_entry is None
    assert "14 days" in reminder.fee_reason
    ledger = plan.apply(ledger, post_fees=True)
    assert ledger.event_count == 2  # the notice only: no fee entry was posted
    (notice,) = plan_dunning(ledger, early, DUE + timedelta(days=18)).notices
    assert notice.level is NoticeLevel.COLLECTION_NOTICE
    assert notice.fee.is_zero
    assert "§ 1-3" in notice.fee_reason


def test_fee_follows_the_inkassosats_on_the_sending_date() -> None:
    """1/20 of the sats in force on the sending date: 700 gives 35, 750 would give 37.50."""
    table = INKASSOSATS.extended(DatedAmount(start=date(2026, 2, 1), amount="750"))
    policy = DunningPolicy(inkassosats=table)
    (notice,) = plan_dunning(Ledger("NOK").post(invoice()), policy, date(2026, 2, 2)).notices
    assert notice.fee == nok("37.50")
    assert NORWEGIAN_POLICY.fee(date(2025, 6, 1)) == Decimal("35.00")


def test_disputed_factored_and_excluded_items_are_skipped_with_a_reason() -> None:
    """Flagged items get no notice; each is listed as skipped with why."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1", disputed=True),
        invoice("F-2", factored=True),
        invoice("F-3", excluded_from_collection=True),
        invoice("F-4"),
    ])
    plan = plan_dunning(ledger, None, date(2026, 2, 2))
    assert [n.entry_ids for n in plan.notices] == [("F-4",)]
    reasons = {s.entry_id: s.reason for s in plan.skipped}
    assert set(reasons) == {"F-1", "F-2", "F-3"}
    assert "disputed" in reasons["F-1"]
    assert "factoring" in reasons["F-2"]


def test_a_party_with_an_unlinked_payment_is_held_back() -> None:
    """An unmatched payment on the account holds the whole party back, with the reason."""
    ledger = Ledger("NOK").post_many([
        invoice("F-1"), invoice("F-2", party="10002"),
        Entry.payment("P-1", party="10001", amount=nok("-1000"), posted=date(2026, 1, 25)),
    ])
    plan = plan_dunning(ledger, None, date(2026, 2, 2))
    assert [n.party for n in plan.notices] == ["10002"]
    (held,) = plan.held
    assert (held.sub_account.party, held.credit_ids, held.entry_ids) == ("10001", ("P-1",),
                                                                          ("F-1",))
    assert "P-1" in held.reason
    matched = ledger.match(["F-1", "P-1"])
    assert [n.party for n in plan_dunning(matched, None, date(2026, 2, 2)).notices] == ["10002"]
    assert plan_dunning(matched, None, date(2026, 2, 2)).held == ()


def test_a_moved_due_date_restarts_the_ladder() -> None:
    """A notice sent before a new, later due date no longer counts."""
    ledger = Ledger("NOK").post(invoice())
    ledger = plan_dunning(ledger, None, date(2026, 2, 2)).apply(ledger, post_fees=False)
    moved = ledger.change_due_date("F-1", date(2026, 2, 20), on=date(2026, 2, 5))
    assert plan_dunning(moved, None, date(2026, 3, 5)).notices == ()
    (again,) = plan_dunning(moved, None, date(2026, 3, 6)).notices
    assert again.level is NoticeLevel.REMINDER


def test_recorded_notices_respect_as_of_and_history() -> None:
    """last_notice as of a day before the notice is None; history lists the notice."""
    ledger = Ledger("NOK").post(invoice()).record_notice(
        ["F-1"], NoticeLevel.REMINDER, on=date(2026, 2, 2), deadline=date(2026, 2, 16))
    event = ledger.last_notice("F-1")
    assert event == NoticeRecorded(entry_ids=("F-1",), level=NoticeLevel.REMINDER,
                                   on=date(2026, 2, 2), deadline=date(2026, 2, 16))
    assert ledger.last_notice("F-1", as_of=date(2026, 2, 1)) is None
    assert ledger.notices("F-1", as_of=date(2026, 2, 1)) == ()
    assert ledger.history("F-1")[-1] == event
    # the run as of the day before does not see it either
    assert plan_dunning(ledger, None, date(2026, 2, 2)).notices == ()


@pytest.mark.parametrize(
    ("ids", "level", "on", "deadline", "error", "field"),
    [
        (["F-404"], NoticeLevel.REMINDER, date(2026, 2, 2), None, EntryNotFoundError, "entry_id"),
        (["F-1"], NoticeLevel.REMINDER, date(2026, 1, 1), None, NoticeError, "on"),
        (["P-1"], NoticeLevel.REMINDER, date(2026, 2, 2), None, NoticeError, "entry_ids"),
        (["F-1", "F-1"], NoticeLevel.REMINDER, date(2026, 2, 2), None, NoticeError, "entry_ids"),
        ([], NoticeLevel.REMINDER, date(2026, 2, 2), None, NoticeError, "entry_ids"),
        (["F-1"], "reminder", date(2026, 2, 2), None, NoticeError, "level"),
        (["F-1"], NoticeLevel.REMINDER, date(2026, 2, 2), date(2026, 2, 1), NoticeError,
         "deadline"),
        (["F-1"], NoticeLevel.REMINDER, "2026-02-02", None, InvalidEventError, "on"),
        (["F-1"], NoticeLevel.COLLECTION_NOTICE, date(2026, 2, 9), None, NoticeError, "on"),
    ],
)
def test_bad_notices_are_refused_and_change_nothing(
    ids: list[str], level: object, on: object, deadline: object, error: type, field: str
) -> None:
    """Unknown entry, a credit, before posting or an earlier notice, bad level or deadline."""
    ledger = Ledger("NOK").post_many([
        invoice(),
        Entry.payment("P-1", party="10001", amount=nok("-5"), posted=date(2026, 1, 20)),
    ]).record_notice(["F-1"], NoticeLevel.REMINDER, on=date(2026, 2, 10))
    before = ledger.events
    with pytest.raises(error) as caught:
        ledger.record_notice(ids, level, on=on, deadline=deadline)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert ledger.events == before
    assert ledger.last_notice("F-1") is not None
    assert ledger.last_notice("F-1").on == date(2026, 2, 10)  # type: ignore[union-attr]


def test_record_notices_is_all_or_nothing() -> None:
    """A batch with one bad notice records none of them."""
    ledger = Ledger("NOK").post_many([invoice("F-1"), invoice("F-2")])
    good = NoticeRecorded(entry_ids=("F-1",), level=NoticeLevel.REMINDER, on=date(2026, 2, 2))
    bad = NoticeRecorded(entry_ids=("F-9",), level=NoticeLevel.REMINDER, on=date(2026, 2, 2))
    with pytest.raises(EntryNotFoundError):
        ledger.record_notices([good, bad])
    assert ledger.last_notice("F-1") is None
    with pytest.raises(InvalidEventError):
        ledger.record_notices(["not an event"])  # type: ignore[list-item]
    assert ledger.record_notices([good]).last_notice("F-1") == good


def test_bad_policies_and_arguments_are_refused() -> None:
    """Policy parameters are checked; a run refuses a string date or a wrong policy."""
    for build in (
        lambda: DunningPolicy(reminder_after_days=-1),
        lambda: DunningPolicy(notice_deadline_days=13),
        lambda: DunningPolicy(fee_fraction=0.05),  # type: ignore[arg-type]
        lambda: DunningPolicy(fee_fraction="2"),  # type: ignore[arg-type]
        lambda: DunningPolicy(debtors={"1": "business"}),  # type: ignore[dict-item]
        lambda: AmountTable(()),
        lambda: DatedAmount(start=date(2026, 1, 1), amount="-1"),
    ):
        with pytest.raises(InvalidPolicyError):
            build()
    with pytest.raises(InvalidPolicyError):
        INKASSOSATS.on(date(2005, 12, 31))
    with pytest.raises(InvalidQueryError):
        plan_dunning(Ledger("NOK"), None, "2026-02-02")  # type: ignore[arg-type]
    with pytest.raises(InvalidQueryError):
        plan_dunning(Ledger("NOK"), {"fee": 35}, date(2026, 2, 2))  # type: ignore[arg-type]


def test_plan_records_are_plain_dicts() -> None:
    """to_records has one row per item on a notice."""
    ledger = Ledger("NOK").post_many([invoice("F-1"), invoice("F-2", party="10002")])
    records = plan_dunning(ledger, None, date(2026, 2, 2)).to_records()
    assert [(r["party"], r["level"], r["entry_id"]) for r in records] == [
        ("10001", "reminder", "F-1"), ("10002", "reminder", "F-2")]
    assert records[0]["notice_fee"] == Decimal("35.00")


# -- properties -------------------------------------------------------------------------

START = date(2026, 1, 1)


@st.composite
def dunned_ledgers(draw: st.DrawFn) -> tuple[Ledger, list[NoticeRecorded]]:
    """Invoices with random due dates, some paid, dunned every day for 100 days."""
    count = draw(st.integers(2, 4))  # only F-0 may be paid: something is always dunned
    entries = []
    for n in range(count):
        due = START + timedelta(days=draw(st.integers(0, 20)))
        party = draw(st.sampled_from(["10001", "10002"]))
        entries.append(invoice(f"F-{n}", party=party, due=due))
    ledger = Ledger("NOK").post_many(entries)
    paid_on = draw(st.none() | st.integers(10, 80))
    if paid_on is not None:
        target = entries[0]
        ledger = ledger.post(Entry.payment(
            "P-0", party=target.party, amount=-target.amount,
            posted=START + timedelta(days=paid_on))).match([target.id, "P-0"])
    sent: list[NoticeRecorded] = []
    for day in days(START, START + timedelta(days=100)):
        plan = plan_dunning(ledger, NORWEGIAN_POLICY, day)
        sent.extend(plan.events)
        ledger = plan.apply(ledger, post_fees=draw(st.booleans()))
    return ledger, sent


@given(dunned_ledgers())
def test_no_notice_ever_precedes_its_allowed_date(run: tuple[Ledger, list[NoticeRecorded]]) -> None:
    """Every recorded step comes exactly on its first allowed day, in ladder order."""
    ledger, sent = run
    assert sent  # every invoice falls due within the 100 days run
    for event in sent:
        for entry_id in event.entry_ids:
            history = ledger.notices(entry_id)
            index = history.index(event)
            last = history[index - 1] if index else None
            due = ledger.item(entry_id, as_of=event.on).due
            assert due is not None
            step = next_step(last, due, NORWEGIAN_POLICY)
            assert step is not None
            assert step == (event.level, event.on)  # the first allowed day, never earlier
            assert event.on >= due + timedelta(days=14)
            assert ledger.item(entry_id, as_of=event.on - timedelta(days=1)).is_open


@given(dunned_ledgers())
def test_recording_and_replaying_notices_is_the_identity(
    run: tuple[Ledger, list[NoticeRecorded]],
) -> None:
    """events -> JSON -> events gives equal events, and from_events an equal ledger."""
    ledger, _ = run
    text = json.dumps([event_to_dict(e) for e in ledger.events])
    events = [event_from_dict(e) for e in json.loads(text)]
    assert events == list(ledger.events)
    replayed = Ledger.from_events(events, "NOK")
    assert replayed == ledger
    for entry_id in ("F-0", "F-1"):
        if entry_id in ledger:
            assert replayed.notices(entry_id) == ledger.notices(entry_id)
    assert Ledger.from_dict(json.loads(json.dumps(ledger.to_dict()))) == ledger
    side_items = ledger.open_items(side=Side.RECEIVABLE)
    assert replayed.open_items(side=Side.RECEIVABLE) == side_items
