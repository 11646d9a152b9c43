"""Hypothesis strategies for reskontro values, and a checker of the ledger invariants.

Code that builds on reskontro (an ERP, a dunning tool, a bank reconciliation)
can test itself against *any* valid sub-ledger, not only the few a person
thinks of. This module gives the `Hypothesis <https://hypothesis.works>`_
strategies reskontro's own property tests use:

=========================  ===============================================
strategy                   what it generates
=========================  ===============================================
:func:`currencies`         ISO 4217 codes reskontro knows (optionally by minor unit)
:func:`money`              :class:`~reskontro.Money` on its currency's minor-unit grid
:func:`entries`            valid :class:`~reskontro.Entry` values of every kind, with
                           the sign their kind and side demand
:func:`steps`              one random operation valid on a given ledger (match,
                           extend, remove, dissolve, due-date change, reversal,
                           or posting a payment that settles an item and matching it)
:func:`ledgers`            a :class:`~reskontro.Ledger` built by posting random
                           entries and applying random :func:`steps`
=========================  ===============================================

Two small helpers go with them: :func:`expected_sign` states the sign
convention as a table of its own (so tests do not trust the code they test),
and :func:`check_invariants` checks a ledger against the invariants every
ledger must hold (balances equal open remaining amounts, closed matches sum to
zero, remaining amounts keep their sign and size, allocations add up).

Everything generated is deterministic given Hypothesis' choices: dates fall
in a window starting on a fixed day (never "today"), and exchange rates come
from a fixed list. Hypothesis is a test dependency (``pip install
"reskontro[test]"``); importing this module needs it, importing reskontro does
not.

>>> from hypothesis import given, settings
>>> from reskontro.testing import check_invariants, ledgers
>>> @settings(max_examples=20, deadline=None)
... @given(ledgers())
... def test_my_report(ledger):
...     check_invariants(ledger)
>>> test_my_report()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Final

from babel.numbers import list_currencies
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from reskontro.currency import is_currency, minor_units, quantum
from reskontro.entries import DEFAULT_ACCOUNTS, Entry, EntryKind, Side, SubAccount
from reskontro.events import (
    DueDateChanged,
    EntriesMatched,
    EntryReversed,
    EntryUnmatched,
    MatchDissolved,
)
from reskontro.exceptions import PostAgainstPostError
from reskontro.ledger import Ledger
from reskontro.matching import ClosePolicy, Match, PostAgainstPost
from reskontro.money import Money, decimal_context

__all__ = [
    "DEFAULT_RATES",
    "DEFAULT_START",
    "OPERATIONS",
    "check_invariants",
    "currencies",
    "entries",
    "expected_sign",
    "ledgers",
    "money",
    "steps",
]

#: The first day of the date window entries are posted in.
DEFAULT_START: Final = date(2026, 1, 1)

#: Exchange rates (local units per one foreign unit) foreign entries are booked at.
#: Some have more decimals than any currency, so pro-rata local amounts round.
DEFAULT_RATES: Final = (
    Decimal("0.0931"),
    Decimal("1"),
    Decimal("9.87"),
    Decimal("10.00"),
    Decimal("11.4753"),
    Decimal("11.50"),
)

# The sign convention of DESIGN 3.2, written out independently of
# reskontro.entries: +1 means >= 0, -1 means <= 0, 0 means either sign.
_CUSTOMER_SIGN: Final[Mapping[EntryKind, int]] = {
    EntryKind.INVOICE: 1,
    EntryKind.CREDIT_NOTE: -1,
    EntryKind.PAYMENT: -1,
    EntryKind.REFUND: 1,
    EntryKind.REMINDER_FEE: 1,
    EntryKind.INTEREST: 1,
    EntryKind.WRITE_OFF: -1,
    EntryKind.DISCOUNT: -1,
    EntryKind.FX_GAIN: 1,
    EntryKind.FX_LOSS: -1,
    EntryKind.FX_UNREALIZED_GAIN: 1,
    EntryKind.FX_UNREALIZED_LOSS: -1,
    EntryKind.TOLERANCE: 0,
    EntryKind.MANUAL: 0,
}
#: Exchange differences: the same sign on both sides, and a local amount only.
_FX_KINDS: Final = frozenset({
    EntryKind.FX_GAIN, EntryKind.FX_LOSS, EntryKind.FX_UNREALIZED_GAIN,
    EntryKind.FX_UNREALIZED_LOSS,
})
#: Unrealized differences need the item they revalue; random entries leave them out.
_DRAWN_KINDS: Final = tuple(
    k for k in EntryKind if k not in (EntryKind.FX_UNREALIZED_GAIN, EntryKind.FX_UNREALIZED_LOSS)
)


def expected_sign(kind: EntryKind, side: Side) -> int:
    """The sign an amount of *kind* must have on *side*: ``1`` (>= 0), ``-1`` (<= 0) or ``0``.

    Debit is positive and credit negative, as the amount hits the control
    account. The supplier ledger mirrors the customer ledger, except for
    exchange gains (always positive) and losses (always negative); tolerance
    and manual entries may have either sign.

    >>> [expected_sign(EntryKind.INVOICE, side) for side in (Side.RECEIVABLE, Side.PAYABLE)]
    [1, -1]
    >>> [expected_sign(kind, Side.PAYABLE) for kind in (EntryKind.FX_LOSS, EntryKind.MANUAL)]
    [-1, 0]
    """
    sign = _CUSTOMER_SIGN[kind]
    if side is Side.PAYABLE and kind not in _FX_KINDS:
        return -sign
    return sign


def _known_currencies() -> tuple[str, ...]:
    return tuple(sorted(code for code in list_currencies() if is_currency(code)))


def currencies(*, minor_unit: int | Iterable[int] | None = None) -> SearchStrategy[str]:
    """ISO 4217 codes that reskontro accepts, shrinking towards the first in sorted order.

    Args:
        minor_unit: keep only currencies with this number of decimals (or
            one of these numbers), e.g. ``0`` for JPY-like currencies.

    >>> from hypothesis import find
    >>> find(currencies(minor_unit=0), lambda code: code == "JPY")
    'JPY'
    >>> minor_units(find(currencies(minor_unit=[3, 4]), lambda code: True)) in (3, 4)
    True
    """
    codes = _known_currencies()
    if minor_unit is not None:
        wanted = {minor_unit} if isinstance(minor_unit, int) else set(minor_unit)
        codes = tuple(code for code in codes if minor_units(code) in wanted)
    return st.sampled_from(codes)


def _minor_bound(value: Decimal | int | str, currency: str, rounding: str = ROUND_FLOOR) -> int:
    """*value* (major units) in whole minor units, rounded towards the inside of a range."""
    with decimal_context():
        scaled = Decimal(value).scaleb(minor_units(currency))
        return int(scaled.to_integral_value(rounding=rounding))


def money(
    currency: str | SearchStrategy[str] | None = None,
    *,
    min_value: Decimal | int | str = -1_000_000,
    max_value: Decimal | int | str = 1_000_000,
) -> SearchStrategy[Money]:
    """Amounts of money on their currency's minor-unit grid, shrinking towards zero.

    Bounds off the grid are rounded inwards: ``min_value="0.005"`` in NOK
    starts at ``0.01``.

    Args:
        currency: a code, a strategy of codes, or ``None`` for any known currency.
        min_value: the smallest amount (in major units, inclusive).
        max_value: the largest amount (in major units, inclusive).

    >>> from hypothesis import find
    >>> find(money("NOK", min_value="0.005"), lambda m: True)
    Money('0.01', 'NOK')
    >>> find(money("JPY"), lambda m: m.amount < -3)
    Money('-4', 'JPY')
    """
    codes = currencies() if currency is None else (
        st.just(currency) if isinstance(currency, str) else currency
    )

    def build(code: str) -> SearchStrategy[Money]:
        low = _minor_bound(min_value, code, ROUND_CEILING)
        high = _minor_bound(max_value, code, ROUND_FLOOR)
        return st.integers(low, high).map(lambda units: Money.of_minor(units, code))

    return codes.flatmap(build)


def _local_of(amount: Money, rate: Decimal, local_currency: str) -> Money:
    """*amount* valued at *rate*, rounded to the local minor unit (banker's rounding)."""
    with decimal_context():
        value = (amount.amount * rate).quantize(quantum(local_currency))
    return Money(value, local_currency)


@st.composite
def _entries(
    draw: st.DrawFn,
    ids: SearchStrategy[str],
    kinds: Sequence[EntryKind],
    sides: Sequence[Side],
    parties: Sequence[str],
    accounts: Mapping[Side, Sequence[str]],
    local_currency: str,
    foreign_currencies: Sequence[str],
    rates: Sequence[Decimal],
    max_amount: Decimal | int | str,
    start: date,
    days: int,
    flags: bool,
) -> Entry:
    entry_id = draw(ids)
    kind = draw(st.sampled_from(kinds))
    side = draw(st.sampled_from(sides))
    currency = draw(st.sampled_from((local_currency, *foreign_currencies)))
    sign = expected_sign(kind, side)
    top = _minor_bound(max_amount, currency)
    low, high = (0, top) if sign > 0 else (-top, 0) if sign < 0 else (-top, top)
    amount = Money.of_minor(draw(st.integers(low, high)), currency)
    if currency == local_currency:
        amount_local = amount
    elif kind in _FX_KINDS:
        local_top = _minor_bound(max_amount, local_currency)
        local_low, local_high = (0, local_top) if sign > 0 else (-local_top, 0)
        amount_local = Money.of_minor(draw(st.integers(local_low, local_high)), local_currency)
        amount = Money.zero(currency)
    else:
        amount_local = _local_of(amount, draw(st.sampled_from(rates)), local_currency)
    posted = start + timedelta(days=draw(st.integers(0, days)))
    document_date = posted - timedelta(days=draw(st.integers(0, 5)))
    due_days = draw(st.none() | st.integers(0, 60))
    due = None if due_days is None else document_date + timedelta(days=due_days)
    document_no = draw(st.none() | st.integers(1000, 99999).map(str))
    reference = draw(st.none() | st.from_regex(r"[0-9]{4,25}", fullmatch=True))
    text = draw(st.sampled_from(("", "Consulting", "Rent January", "Innbetaling", "Kreditnota")))
    marks = draw(st.tuples(st.booleans(), st.booleans(), st.booleans())) if flags else (
        False, False, False,
    )
    return Entry.of_kind(
        kind,
        entry_id,
        party=draw(st.sampled_from(parties)),
        amount=amount,
        posted=posted,
        side=side,
        account=draw(st.sampled_from(accounts[side])),
        amount_local=amount_local,
        document_date=document_date,
        due=due,
        document_no=document_no,
        reference=reference,
        text=text,
        disputed=marks[0],
        factored=marks[1],
        excluded_from_collection=marks[2],
    )


def _accounts(accounts: Mapping[Side, Sequence[str]] | None) -> Mapping[Side, Sequence[str]]:
    if accounts is None:
        return {side: (DEFAULT_ACCOUNTS[side],) for side in Side}
    return {side: tuple(accounts.get(side, (DEFAULT_ACCOUNTS[side],))) for side in Side}


def entries(
    *,
    ids: SearchStrategy[str] | None = None,
    kinds: Sequence[EntryKind] | None = None,
    sides: Sequence[Side] | None = None,
    parties: Sequence[str] = ("10001", "10002", "10003"),
    accounts: Mapping[Side, Sequence[str]] | None = None,
    local_currency: str = "NOK",
    foreign_currencies: Sequence[str] = (),
    rates: Sequence[Decimal] = DEFAULT_RATES,
    max_amount: Decimal | int | str = 100_000,
    start: date = DEFAULT_START,
    days: int = 90,
    flags: bool = True,
) -> SearchStrategy[Entry]:
    """Valid entries of any kind, with the sign their kind and side demand.

    Entries are in *local_currency* (NOK by default) or one of
    *foreign_currencies*, whose local amount is the foreign amount at one of
    *rates*, rounded. Exchange gain and loss entries in a foreign currency
    carry a local amount only. Posting dates fall in the *days* after
    *start*; document dates up to five days before posting; due dates are
    optional. References are digit strings (KID-like, leading zeros kept).

    Args:
        ids: a strategy of entry ids (default ``E-<number>``); the caller
            keeps them unique when several entries go into one ledger.
        kinds: the kinds to draw from (default all but the unrealized FX
            kinds, which need a revalued item).
        sides: the sides to draw from (default both).
        parties: the pool of party numbers.
        accounts: control accounts per side (default 1500 and 2400).
        local_currency: the ledger's local currency.
        foreign_currencies: other transaction currencies to draw from.
        rates: local units per foreign unit.
        max_amount: the largest absolute amount, in major units.
        start: the first possible posting date.
        days: the width of the posting-date window.
        flags: draw the disputed / factored / excluded flags too.

    >>> from hypothesis import find
    >>> entry = find(entries(kinds=[EntryKind.PAYMENT], sides=[Side.PAYABLE]),
    ...              lambda e: e.amount.amount > 0)
    >>> entry.kind, entry.side, entry.amount
    (EntryKind.PAYMENT, Side.PAYABLE, Money('0.01', 'NOK'))
    """
    return _entries(
        ids if ids is not None else st.integers(1, 10**6).map(lambda n: f"E-{n}"),
        tuple(kinds) if kinds is not None else _DRAWN_KINDS,
        tuple(sides) if sides is not None else tuple(Side),
        tuple(parties),
        _accounts(accounts),
        local_currency,
        tuple(foreign_currencies),
        tuple(rates),
        max_amount,
        start,
        days,
        flags,
    )


#: The operations :func:`steps` and :func:`ledgers` draw from.
OPERATIONS: Final = ("match", "extend", "remove", "dissolve", "due", "reverse", "settle")

_GAP: Final = st.integers(0, 7).map(lambda n: timedelta(days=n))


def _free_from(ledger: Ledger) -> dict[str, date]:
    """When each entry last left a match (it may join another from that day)."""
    members: dict[str, tuple[str, ...]] = {}
    freed: dict[str, date] = {}
    for event in ledger.events:
        if isinstance(event, EntriesMatched):
            members[event.match_id] = members.get(event.match_id, ()) + tuple(event.entry_ids)
        elif isinstance(event, EntryUnmatched):
            freed[event.entry_id] = event.on
            members[event.match_id] = tuple(
                i for i in members.get(event.match_id, ()) if i != event.entry_id
            )
        elif isinstance(event, MatchDissolved):
            freed.update(dict.fromkeys(members.get(event.match_id, ()), event.on))
        elif isinstance(event, EntryReversed):
            members[event.match_id] = (event.entry_id, event.reversal.id)
    return freed


def _due_changed(ledger: Ledger) -> dict[str, date]:
    return {
        event.entry_id: event.on for event in ledger.events if isinstance(event, DueDateChanged)
    }


def _since(ledger: Ledger, ids: Iterable[str], free_from: Mapping[str, date]) -> date:
    """The earliest date entries may join a match: posted, and free of any previous one."""
    return max(max(ledger.entry(i).posted, free_from.get(i, date.min)) for i in ids)


def _free_groups(ledger: Ledger) -> dict[tuple[SubAccount, str], list[str]]:
    """Unmatched entries, grouped by what may be matched together: sub-account and currency."""
    free: dict[tuple[SubAccount, str], list[str]] = {}
    for item in ledger.items():
        if item.match_id is None:
            free.setdefault((item.sub_account, item.amount.currency), []).append(item.id)
    return free


def _joinable(
    ledger: Ledger, found: Match, free: Mapping[tuple[SubAccount, str], list[str]]
) -> list[str]:
    currency = ledger.entry(found.entry_ids[0]).amount.currency
    return free.get((found.sub_account, currency), [])


def _reversible(ledger: Ledger) -> list[str]:
    """Entries that may be reversed without unmatching: not a reversal, not reversed, free."""
    items = ledger.items()
    reversed_ids = {item.entry.reverses for item in items}
    return [
        item.id
        for item in items
        if item.entry.reverses is None and item.id not in reversed_ids and item.match_id is None
    ]


@st.composite
def _steps(
    draw: st.DrawFn,
    ledger: Ledger,
    operations: Sequence[str],
    close_policies: Sequence[ClosePolicy],
) -> tuple[str, Ledger]:
    try:
        return _step(draw, ledger, operations, close_policies)
    except PostAgainstPostError:
        # a ledger whose policy is REFUSE refuses the step: it stays as it was
        return "refused: post against post", ledger


def _step(
    draw: st.DrawFn,
    ledger: Ledger,
    operations: Sequence[str],
    close_policies: Sequence[ClosePolicy],
) -> tuple[str, Ledger]:
    free = _free_groups(ledger)
    live = ledger.matches()
    extensible = [m for m in live if _joinable(ledger, m, free)]
    reversible = _reversible(ledger) if "reverse" in operations else []
    settleable = [
        item for item in ledger.items() if item.match_id is None and not item.amount.is_zero
    ]
    possible = [
        op for op in operations
        if (op == "match" and free)
        or (op in ("remove", "dissolve") and live)
        or (op == "extend" and extensible)
        or (op == "due" and ledger.event_count)
        or (op == "reverse" and reversible)
        or (op == "settle" and settleable)
    ]
    if not possible:
        return "nothing", ledger
    op = draw(st.sampled_from(possible))
    free_from = _free_from(ledger)
    if op == "match":
        key = draw(st.sampled_from(sorted(free)))
        ids = draw(st.lists(st.sampled_from(free[key]), min_size=1, max_size=5, unique=True))
        on = _since(ledger, ids, free_from) + draw(_GAP)
        policy = draw(st.sampled_from(close_policies))
        return (
            f"match({ids!r}, on={on!r}, close_policy={policy!r})",
            ledger.match(ids, on=on, close_policy=policy),
        )
    if op == "extend":
        found = draw(st.sampled_from(extensible))
        pool = _joinable(ledger, found, free)
        ids = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        on = max(_since(ledger, ids, free_from), found.changed_on) + draw(_GAP)
        return (
            f"extend_match({found.id!r}, {ids!r}, on={on!r})",
            ledger.extend_match(found.id, ids, on=on),
        )
    if op == "remove":
        found = draw(st.sampled_from(live))
        # what the match booked (an exchange difference, a discount) leaves only with an undo
        removable = [i for i in found.entry_ids if ledger._removable(i)]
        on = found.changed_on + draw(_GAP)
        if not removable:
            return f"dissolve({found.id!r}, on={on!r})", ledger.dissolve(found.id, on=on)
        entry_id = draw(st.sampled_from(removable))
        return (
            f"remove_from_match({entry_id!r}, on={on!r})",
            ledger.remove_from_match(entry_id, on=on),
        )
    if op == "dissolve":
        found = draw(st.sampled_from(live))
        on = found.changed_on + draw(_GAP)
        return f"dissolve({found.id!r}, on={on!r})", ledger.dissolve(found.id, on=on)
    if op == "due":
        entry = draw(st.sampled_from(ledger.items())).entry
        on = max(entry.posted, _due_changed(ledger).get(entry.id, date.min)) + draw(_GAP)
        due_gap = draw(st.none() | _GAP)
        due = None if due_gap is None else entry.document_date + due_gap * 5
        return (
            f"change_due_date({entry.id!r}, {due!r}, on={on!r})",
            ledger.change_due_date(entry.id, due, on=on),
        )
    if op == "reverse":
        entry_id = draw(st.sampled_from(reversible))
        on = _since(ledger, [entry_id], free_from) + draw(_GAP)
        return f"reverse({entry_id!r}, on={on!r})", ledger.reverse(entry_id, on=on)
    target = draw(st.sampled_from(settleable)).entry
    counter = _counter_entry(draw, ledger, target, _since(ledger, [target.id], free_from))
    return (
        f"post({counter!r}).match([{target.id!r}, {counter.id!r}])",
        ledger.post(counter).match([target.id, counter.id], on=counter.posted),
    )


def _counter_entry(draw: st.DrawFn, ledger: Ledger, target: Entry, since: date) -> Entry:
    """A payment (or refund) settling all or part of *target*, in its currency."""
    # a credit is settled by a debit and the other way round: pick the kind whose sign fits
    wanted = -1 if target.amount.is_positive else 1
    kind = next(
        kind for kind in (EntryKind.PAYMENT, EntryKind.REFUND)
        if expected_sign(kind, target.side) == wanted
    )
    units = abs(target.amount.minor_units)
    paid = draw(st.sampled_from([units, units, max(1, units // 2), units + 1]))
    amount = Money.of_minor(wanted * paid, target.currency)
    local = ledger.local_currency
    if target.currency == local:
        amount_local = amount
    else:
        amount_local = _local_of(amount, draw(st.sampled_from(DEFAULT_RATES)), local)
    return Entry.of_kind(
        kind,
        f"{target.id}-S{ledger.event_count}",
        party=target.party,
        amount=amount,
        posted=since + draw(_GAP),
        side=target.side,
        account=target.account,
        amount_local=amount_local,
    )


def _check_operations(operations: Sequence[str]) -> tuple[str, ...]:
    unknown = set(operations) - set(OPERATIONS)
    if unknown:
        raise ValueError(f"unknown operations {sorted(unknown)!r}; choose from {OPERATIONS!r}")
    return tuple(operations)


def steps(
    ledger: Ledger,
    *,
    operations: Sequence[str] = OPERATIONS,
    close_policies: Sequence[ClosePolicy] = tuple(ClosePolicy),
) -> SearchStrategy[tuple[str, Ledger]]:
    """One random operation that is valid on *ledger*, applied: ``(description, new ledger)``.

    The operation is drawn from *operations* among those possible where the
    ledger stands: a new match of free entries of one sub-account and
    currency (with a close policy from *close_policies*), an extension of a
    live match, the removal of one member, a dissolve, a due-date change, or
    the reversal of a free entry, or a settlement (a payment or refund paying
    a free item in full, in part or one minor unit too much, posted and
    matched with it). Each is dated on or up to a week after the
    earliest date it may have. The description is the call, for reading a
    failing example; when nothing is possible it is ``"nothing"`` and the
    ledger is returned as it is. *ledger* itself is never changed.

    Raises:
        ValueError: *operations* names an unknown operation.

    >>> from datetime import date
    >>> from hypothesis import find
    >>> from reskontro import Money
    >>> ledger = Ledger("NOK").post_many([
    ...     Entry.invoice("F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2)),
    ...     Entry.payment("P-1", party="1", amount=Money("-100", "NOK"), posted=date(2026, 1, 9)),
    ... ])
    >>> description, after = find(steps(ledger, operations=["match"]),
    ...                           lambda step: len(step[1].matches()[0].entry_ids) == 2)
    >>> after.open_items().ids, ledger.open_items().ids
    ((), ('F-1', 'P-1'))
    """
    return _steps(ledger, _check_operations(operations), tuple(close_policies))


@st.composite
def _ledgers(
    draw: st.DrawFn,
    local_currency: str,
    foreign_currencies: Sequence[str],
    parties: Sequence[str],
    sides: Sequence[Side],
    kinds: Sequence[EntryKind] | None,
    max_entries: int,
    max_operations: int,
    close_policies: Sequence[ClosePolicy],
    operations: Sequence[str],
    post_against_post: PostAgainstPost,
    auto_close_zero: bool,
) -> Ledger:
    ledger = Ledger(
        local_currency, post_against_post=post_against_post, auto_close_zero=auto_close_zero
    )
    count = draw(st.integers(0, max_entries))
    batch = [
        draw(
            entries(
                ids=st.just(f"E{number}"), kinds=kinds, sides=sides, parties=parties,
                local_currency=local_currency, foreign_currencies=foreign_currencies,
                max_amount=10_000, days=30,
            )
        )
        for number in range(1, count + 1)
    ]
    done = 0
    while done < count:
        size = draw(st.integers(1, count - done))
        ledger = ledger.post_many(batch[done : done + size])
        done += size
    for _ in range(draw(st.integers(0, max_operations)) if operations else 0):
        description, ledger = draw(
            steps(ledger, operations=operations, close_policies=close_policies)
        )
        if description == "nothing":
            break
    return ledger


def ledgers(
    *,
    local_currency: str = "NOK",
    foreign_currencies: Sequence[str] = ("EUR",),
    parties: Sequence[str] = ("10001", "10002"),
    sides: Sequence[Side] | None = None,
    kinds: Sequence[EntryKind] | None = None,
    max_entries: int = 12,
    max_operations: int = 8,
    close_policies: Sequence[ClosePolicy] = tuple(ClosePolicy),
    operations: Sequence[str] = OPERATIONS,
    post_against_post: PostAgainstPost = PostAgainstPost.OFF,
    auto_close_zero: bool = False,
) -> SearchStrategy[Ledger]:
    """Ledgers built by posting random entries, then applying random valid operations.

    Entries get the ids ``E1``, ``E2``... and are posted in random batches.
    Then up to *max_operations* :func:`steps` are applied, each valid where it
    stands. Dates of operations move forward from the dates they must not
    precede, so a generated ledger also has a history worth asking ``as_of``
    questions.

    Args:
        local_currency: the ledger's local currency.
        foreign_currencies: other transaction currencies entries may use.
        parties: the pool of party numbers (few parties make more matches).
        sides: the sides entries are drawn from (default both).
        kinds: the entry kinds to draw from (default all).
        max_entries: the most entries to post.
        max_operations: the most operations to apply after posting.
        close_policies: the close policies new matches draw from.
        operations: which of :data:`OPERATIONS` to use (none: posting only).
        post_against_post: the ledger's policy (default ``OFF``, so that
            random matches of several invoices and payments are quiet).
        auto_close_zero: the ledger's option of the same name.

    Raises:
        ValueError: *operations* names an unknown operation.

    >>> from hypothesis import find
    >>> ledger = find(ledgers(parties=["1"], sides=[Side.RECEIVABLE]),
    ...               lambda ledger: any(m.is_closed for m in ledger.matches()))
    >>> isinstance(ledger, Ledger), len(ledger.matches()) >= 1
    (True, True)
    """
    return _ledgers(
        local_currency,
        tuple(foreign_currencies),
        tuple(parties),
        tuple(sides) if sides is not None else tuple(Side),
        tuple(kinds) if kinds is not None else None,
        max_entries,
        max_operations,
        tuple(close_policies),
        _check_operations(operations),
        post_against_post,
        auto_close_zero,
    )


def _fail(message: str) -> None:
    raise AssertionError(message)


def _sums(moneys: Iterable[Money]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    with decimal_context():
        for m in moneys:
            totals[m.currency] = totals.get(m.currency, Decimal(0)) + m.amount
    return {code: total for code, total in totals.items() if total}


def _within(remaining: Money, original: Money) -> bool:
    """Remaining has the original's sign (or is zero) and is no larger."""
    r, a = remaining.amount, original.amount
    if not r:
        return True
    return (r > 0) == (a > 0) and abs(r) <= abs(a)


def check_invariants(ledger: Ledger, *, as_of: date | None = None) -> None:
    """Check a ledger (as of a date) against the invariants every ledger must hold.

    * The balance of every sub-account equals the sum of the remaining
      amounts of its open items, in local currency, and per transaction
      currency while the sub-account holds no ``LOCAL_ONLY`` or cross-currency
      match (those close with transaction-currency differences left in the
      balance, by design).
    * Every live match is closed exactly when its outstanding amount is zero
      under its close policy, and its members' remaining amounts add up to
      its outstanding amount.
    * Unmatched items are open at their full amount; closed items have
      nothing remaining; remaining amounts never change sign nor exceed the
      original amount.
    * Allocations account for what each member of a match has applied.
    * ``open_items()`` and ``closed_items()`` split ``items()`` by ``is_open``,
      for the whole ledger and for each sub-account.

    Raises:
        AssertionError: an invariant does not hold (the message says which).

    >>> check_invariants(Ledger("NOK"))
    >>> from hypothesis import find
    >>> find(ledgers(), lambda ledger: check_invariants(ledger) is None).local_currency
    'NOK'
    """
    items = ledger.items(as_of=as_of)
    by_id = {item.id: item for item in items}
    if ledger.open_items(as_of=as_of).ids != tuple(i.id for i in items if i.is_open) or (
        ledger.closed_items(as_of=as_of).ids != tuple(i.id for i in items if not i.is_open)
    ):
        _fail("open_items() and closed_items() do not split items() by is_open")
    local_only_subs = set()
    for found in ledger.matches(as_of=as_of):
        members = [by_id[i] for i in found.entry_ids]
        local_sum = _sums(m.amount_local for m in members)
        tx_sum = _sums(m.amount for m in members)
        if found.close_policy is ClosePolicy.LOCAL_ONLY:
            local_only_subs.add(found.sub_account)
            should_close = not local_sum
        elif found.base_currency is not None:
            # across currencies: judged in local currency once all is applied
            local_only_subs.add(found.sub_account)
            should_close = not local_sum and all(m.remaining.is_zero for m in members)
        else:
            should_close = not local_sum and not tx_sum
        if found.is_closed != should_close:
            _fail(
                f"match {found.id}: is_closed={found.is_closed} but the members sum to "
                f"{local_sum or 0} local, {tx_sum or 0} per currency under {found.close_policy!r}"
            )
        if _sums([found.outstanding_local]) != local_sum or _sums(found.outstanding) != tx_sum:
            _fail(f"match {found.id}: outstanding is not the sum of its members")
        for item in members:
            if item.match_id != found.id:
                _fail(f"item {item.id} is in match {found.id} but says {item.match_id}")
            left = not item.remaining_local.is_zero or (
                found.close_policy is ClosePolicy.ALL_CURRENCIES and not item.remaining.is_zero
            )
            if item.is_open != left:
                _fail(
                    f"item {item.id}: is_open={item.is_open} with {item.remaining} / "
                    f"{item.remaining_local} remaining under {found.close_policy!r}"
                )
            if found.is_closed and (item.is_open or not item.remaining_local.is_zero):
                _fail(f"item {item.id} is open or has a remainder in closed match {found.id}")
        if not found.is_closed:
            if _sums(m.remaining_local for m in members) != local_sum:
                _fail(f"match {found.id}: local remaining amounts do not add up to outstanding")
            if _sums(m.remaining for m in members) != tx_sum and found.base_currency is None:
                _fail(f"match {found.id}: remaining amounts do not add up to outstanding")
        if found.is_closed and found.close_policy is ClosePolicy.LOCAL_ONLY:
            continue
        if found.base_currency is not None:
            continue  # allocations are in the base currency, members in their own
        applied: dict[str, Decimal] = {}
        with decimal_context():
            for allocation in found.allocations:
                for member in (allocation.credit_id, allocation.debit_id):
                    applied[member] = applied.get(member, Decimal(0)) + allocation.amount.amount
            for item in members:
                used = abs(item.amount.amount - item.remaining.amount)
                if applied.get(item.id, Decimal(0)) != used:
                    _fail(
                        f"match {found.id}: allocations apply {applied.get(item.id, 0)} of "
                        f"{item.id}, but {used} of it is used"
                    )
    for item in items:
        if item.match_id is None and (
            not item.is_open
            or item.remaining != item.amount
            or item.remaining_local != item.amount_local
        ):
            _fail(f"unmatched item {item.id} is not open at its full amount")
        if not item.is_open and not (item.remaining_local.is_zero and (
            item.remaining.is_zero or item.match_id is not None
        )):
            _fail(f"closed item {item.id} has {item.remaining_local} remaining")
        if not _within(item.remaining, item.amount) or not _within(
            item.remaining_local, item.amount_local
        ):
            _fail(
                f"item {item.id}: remaining {item.remaining} / {item.remaining_local} breaks "
                f"the sign or size of {item.amount} / {item.amount_local}"
            )
    for sub, balance in ledger.balances(as_of=as_of).items():
        open_items = ledger.open_items(sub_account=sub, as_of=as_of)
        all_items = ledger.items(sub_account=sub, as_of=as_of)
        closed = ledger.closed_items(sub_account=sub, as_of=as_of)
        if open_items.ids != tuple(i.id for i in all_items if i.is_open) or closed.ids != tuple(
            i.id for i in all_items if not i.is_open
        ):
            _fail(f"{sub}: open and closed items do not split its items by is_open")
        if balance.local != open_items.remaining.local:
            _fail(
                f"{sub}: balance {balance.local} but open items leave "
                f"{open_items.remaining.local}"
            )
        if sub not in local_only_subs and _sums(balance.by_currency) != _sums(
            open_items.remaining.by_currency
        ):
            _fail(
                f"{sub}: balance {balance.by_currency} but open items leave "
                f"{open_items.remaining.by_currency}"
            )
