"""The command line: ``reskontro`` (or ``python -m reskontro``).

This module is reskontro's edge, the only place that prints. The engine
computes values; the functions here turn them into plain-text tables and
:func:`main` writes them to standard output.

Commands
--------
``reskontro demo``
    Builds the demo ledger of :mod:`reskontro.demo` (five customers and one
    supplier in NOK) and prints its open items, matches, balances, the
    corrections kept in its history, and its open items as of an earlier
    date.

``reskontro match --ledger LEDGER.json (--ocr FILE | --camt FILE) --out NEW.json``
    Imports a bank file's payments into a saved ledger, matches them
    automatically (``--strategies kid,document,balance``), writes the new
    ledger and prints a summary: payments undone because the bank reversed
    them, entries not booked, and each unresolved payment with its reason and
    ranked candidates. ``--rates FILE`` gives exchange rates (CSV or JSON,
    see :meth:`reskontro.rates.RateTable.parse`) for foreign payments;
    ``--settled-kid post`` posts a payment for an invoice already settled as
    an open credit instead of leaving it for the clerk. The input ledger is never overwritten
    unless ``--out`` names it. Exit code 2 for a
    file that cannot be read or written, 1 for one that is invalid.

``reskontro statement --ledger LEDGER.json --party P [--as-of D] [--from D] [--format F]``
    One party's statement (:mod:`reskontro.statement`) rendered by
    :mod:`reskontro.rendering` as text, HTML, PDF (``--out`` required) or a
    payment message, for ``--locale`` (default ``nb_NO``); the creditor from
    ``--creditor-name``, ``--creditor-address``, ``--org-no`` and
    ``--bank-account``. ``reskontro open-items`` and ``reskontro aging`` list
    a saved ledger's open items and their aging as of ``--as-of``. The date
    defaults to the day of the ledger's last event: no clock is read. Exit
    code 2 for a usage error or a file that cannot be read or written, 1 for
    input the engine refuses (a file that is not a ledger, an unknown party).
    ``reskontro demo --save-ledger demo.json`` gives a ledger to try them on.
    ``--format csv`` or ``json`` writes the open items and the aging as
    records for other programs; table headings follow ``--locale``.

``reskontro dunning plan|record|letters``, ``interest``, ``fx settle|revalue|report``
    Collecting and foreign currency on a saved ledger (:mod:`reskontro._cli_collect`):
    the dunning run as a table, CSV or JSON; recording it (and posting its
    fees) in a new ledger; its reminder and collection-notice letters written
    to a folder as PDF, HTML or text; late-payment interest; realizing and
    revaluing exchange differences and reporting the exchange result.

``reskontro export --ledger STORE OUT.json`` / ``reskontro import IN.json --ledger STORE``
    ``--ledger`` of every command also takes an event store
    (:mod:`reskontro.store`): a ``.db``/``.sqlite`` file (SQLite) or a
    ``postgresql://`` URL, also given by ``--database-url`` or the
    environment variable ``RESKONTRO_DATABASE_URL``. ``match`` on a store
    appends only the day's events (no ``--out``). JSON stays the interchange
    format: ``export`` writes a store's ledger as one compact JSON ledger
    document, streamed event by event; ``import`` reads one into an empty
    store.

``reskontro --version``
    Prints the installed version.

Every file the command line writes is replaced all or nothing (a temporary
file in the same directory, fsynced, renamed over the target), and ``match``
locks its ledger from reading to writing, so a killed run or two runs at once
lose nothing; ledger files are read strictly. See the Reliability page of the
documentation.

Amounts are written the Norwegian way, with a space between thousands and a
decimal comma (``1 250,00``, formatted with babel for the ``nb_NO`` locale,
which is passed explicitly); dates as ``19.01.2026``.

>>> format_amount(Money("-1250.5", "NOK"))
'-1 250,50'
>>> main(["demo"])  # doctest: +ELLIPSIS
reskontro ...: demo ledger
...
0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Final

from reskontro import rendering
from reskontro._atomic import LockError, locked, write_atomic
from reskontro.demo import AS_OF, LAST_EVENT, PARTY_NAMES, build_demo_ledger
from reskontro.entries import DEFAULT_ACCOUNTS, EntryKind, Side
from reskontro.events import DueDateChanged, EntryReversed, EntryUnmatched, MatchDissolved
from reskontro.exceptions import ConcurrencyError, ReskontroError
from reskontro.items import Item
from reskontro.ledger import Ledger
from reskontro.money import Money
from reskontro.serialization import event_to_dict, ledger_from_json, load_json
from reskontro.store import is_store_target, open_store, read_ledger_document, redact

if TYPE_CHECKING:
    from reskontro import automatch
    from reskontro.formats.camt054 import CamtFile
    from reskontro.formats.ocr import OcrFile
    from reskontro.receipts import ReceiptPlan
    from reskontro.settlement import SettlementPlan

__all__ = ["build_parser", "format_amount", "main", "render_demo"]

#: The locale amounts are formatted for. Passed to babel explicitly, never
#: taken from the environment.
LOCALE: Final = "nb_NO"

_SIDE_TITLES: Final = {
    Side.RECEIVABLE: ("Customers", "kundereskontro"),
    Side.PAYABLE: ("Suppliers", "leverandørreskontro"),
}


def _version() -> str:
    """The installed version, or ``unknown`` when run from a source tree that is not installed."""
    try:
        return version("reskontro")
    except PackageNotFoundError:
        return "unknown"


def format_amount(money: Money) -> str:
    """Write an amount the Norwegian way: space between thousands, decimal comma.

    The number of decimals is the currency's minor unit. The thousands
    separator is a plain space (babel gives a no-break space), so the text
    copies and searches as it reads. This is
    :func:`reskontro.rendering.format_amount` for :data:`LOCALE` without the
    currency symbol: the command line and the statements format amounts the
    same way.

    >>> format_amount(Money("1250", "NOK")), format_amount(Money("-3", "JPY"))
    ('1 250,00', '-3')
    """
    return rendering.format_amount(money, LOCALE, symbol=False)


def _day(value: date | None) -> str:
    return "" if value is None else f"{value:%d.%m.%Y}"


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Iterable[int] = (),
    footer: Sequence[str] | None = None,
) -> list[str]:
    """Lay out rows under headers in aligned columns; columns in *right* align right.

    >>> print("\\n".join(_table(["Id", "Sum"], [["A", "1,00"], ["BB", "10,00"]], right=[1])))
    Id    Sum
    --  -----
    A    1,00
    BB  10,00
    """
    right = set(right)
    every = [list(headers), *[list(row) for row in rows]]
    if footer is not None:
        every.append(list(footer))
    widths = [max(len(row[i]) for row in every) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    out = [line(headers), rule, *(line(row) for row in rows)]
    if footer is not None:
        out.extend([rule, line(footer)])
    return out


def _party(party: str, names: Mapping[str, str]) -> str:
    name = names.get(party)
    return party if name is None else f"{party} {name}"


def _items_tables(
    ledger: Ledger, names: Mapping[str, str], as_of: date | None = None
) -> list[str]:
    """One table of open items per side, by party, with the sum of the remaining amounts."""
    out: list[str] = []
    currency = ledger.local_currency
    for side in (Side.RECEIVABLE, Side.PAYABLE):
        chosen = ledger.open_items(side=side, as_of=as_of)
        title, norwegian = _SIDE_TITLES[side]
        out.append(f"{title} ({norwegian}, account {DEFAULT_ACCOUNTS[side]})")
        if not chosen:
            out.extend(["  (no open items)", ""])
            continue
        rows = [
            [
                item.id,
                _party(item.party, names),
                item.kind.label,
                item.entry.document_no or "",
                _day(item.entry.posted),
                _day(item.due),
                format_amount(item.amount_local),
                format_amount(item.remaining_local),
                item.match_id or "",
            ]
            for item in chosen
        ]
        total = Money.sum((item.remaining_local for item in chosen), currency)
        footer = ["Sum", "", "", "", "", "", "", format_amount(total), ""]
        headers = [
            "Id", title[:-1], "Kind", "Doc no", "Posted", "Due", "Amount", "Remaining", "Match",
        ]
        out.extend(_table(headers, rows, right=[6, 7], footer=footer))
        out.append("")
    return out


def _matches_table(ledger: Ledger, names: Mapping[str, str]) -> list[str]:
    rows = []
    for row in ledger.match_rows():
        match = ledger.get_match(row.match_id)
        rows.append(
            [
                str(row.entry_count),
                row.match_id,
                _party(match.sub_account.party, names),
                row.document_no or "",
                format_amount(row.outstanding_local),
                "closed" if row.is_closed else "open",
                ", ".join(match.entry_ids),
            ]
        )
    headers = ["Entries", "Match", "Party", "Oldest invoice", "Outstanding", "Status", "Members"]
    return _table(headers, rows, right=[0, 4])


def _meaning(side: Side, balance: Money) -> str:
    if balance.is_zero:
        return "settled"
    if side is Side.RECEIVABLE:
        return "owes us" if balance.is_positive else "customer credit (innestående)"
    return "we owe" if balance.is_negative else "supplier owes us"


def _balances_table(ledger: Ledger, names: Mapping[str, str]) -> list[str]:
    rows = []
    currency = ledger.local_currency
    totals: dict[Side, Money] = {}
    balances = ledger.balances()
    for side in (Side.RECEIVABLE, Side.PAYABLE):
        for sub, balance in balances.items():
            if sub.side is not side:
                continue
            rows.append(
                [
                    sub.side.label,
                    sub.party,
                    names.get(sub.party, ""),
                    sub.account,
                    format_amount(balance.local),
                    _meaning(side, balance.local),
                ]
            )
            totals[side] = totals.get(side, Money.zero(currency)) + balance.local
    out = _table(["Side", "Party", "Name", "Account", "Balance", "Meaning"], rows, right=[4])
    out.append("")
    for side, total in totals.items():
        title, _ = _SIDE_TITLES[side]
        out.append(
            f"{title}, total on account {DEFAULT_ACCOUNTS[side]}: {format_amount(total)}"
        )
    return out


def _corrections(ledger: Ledger) -> list[str]:
    """The removals, dissolves, due date changes and reversals in the history, in order."""
    out: list[str] = []
    dues: dict[str, date | None] = {}
    for event in ledger.events:
        if isinstance(event, EntryUnmatched):
            text = f"{event.entry_id} removed from match {event.match_id} (fjern fra kobling)"
        elif isinstance(event, MatchDissolved):
            members = ", ".join(ledger.get_match(event.match_id).entry_ids)
            text = f"match {event.match_id} dissolved (løs opp kobling); unmatched: {members}"
        elif isinstance(event, DueDateChanged):
            before = dues.get(event.entry_id, ledger.entry(event.entry_id).due)
            dues[event.entry_id] = event.due
            text = (
                f"due date of {event.entry_id} changed from {_day(before) or 'none'} "
                f"to {_day(event.due) or 'none'}"
            )
        elif isinstance(event, EntryReversed):
            text = f"{event.entry_id} reversed by {event.reversal.id} (match {event.match_id})"
        else:
            continue
        out.append(f"  {_day(event.on)}  {text}")
    return out or ["  (none)"]


def _state(item: Item | None) -> str:
    if item is None:
        return "not posted yet"
    if not item.is_open:
        return f"closed in {item.match_id}" if item.match_id else "closed"
    where = f"in match {item.match_id}" if item.match_id else "unmatched"
    return f"open {format_amount(item.remaining_local)}, {where}"


def _changes(ledger: Ledger, on: date) -> list[str]:
    """What differs between the open items as of *on* and today's, item by item."""
    then = {item.id: item for item in ledger.open_items(as_of=on)}
    now = {item.id: item for item in ledger.open_items()}
    out: list[str] = []
    for entry_id in [*then, *(i for i in now if i not in then)]:
        before = then.get(entry_id)
        after = now.get(entry_id) or ledger.item(entry_id)
        if before is not None and (before.remaining_local, before.match_id, before.due) == (
            after.remaining_local,
            after.match_id,
            after.due,
        ):
            continue
        line = f"  {entry_id}: {_state(before)} -> {_state(after)}"
        if before is not None and before.due != after.due:
            line += f"; due {_day(before.due)} -> {_day(after.due)}"
        out.append(line)
    return out or ["  (nothing)"]


def _heading(text: str) -> list[str]:
    return [text, "=" * len(text)]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def render_demo(
    ledger: Ledger, names: Mapping[str, str], *, as_of: date, today: date
) -> str:
    """The full text of ``reskontro demo`` for *ledger*: nine titled sections.

    Args:
        ledger: the ledger to show.
        names: party names by party number (parties not in it show by number).
        as_of: the earlier date of the "as of" section.
        today: the date the "today" sections stand at (the ledger's last event).

    Returns:
        Plain text, lines ending in newlines.

    >>> from reskontro.demo import build_demo_ledger, PARTY_NAMES, AS_OF, LAST_EVENT
    >>> text = render_demo(build_demo_ledger(), PARTY_NAMES, as_of=AS_OF, today=LAST_EVENT)
    >>> "3. Balances per sub-account" in text
    True
    """
    currency = ledger.local_currency
    subs = ledger.sub_accounts()
    customers = sum(1 for sub in subs if sub.side is Side.RECEIVABLE)
    suppliers = len(subs) - customers
    dissolved = [m.id for m in ledger.matches(include_dissolved=True) if not m.is_live]
    lines = [
        f"reskontro {_version()}: demo ledger",
        "",
        (
            f"Built-in example data in {currency}: {_plural(customers, 'customer')} and "
            f"{_plural(suppliers, 'supplier')}, {ledger.event_count} events up to "
            f"{_day(today)}."
        ),
        "Amounts are signed as they hit the control account: debit +, credit -.",
        "Customer invoices are +, customer payments and credit notes are -;",
        "supplier invoices are -, our payments to suppliers are +.",
        "",
        *_heading(f"1. Open items on {_day(today)} (åpne poster)"),
        "Items not yet settled, by party. Remaining is the part still open: an",
        "invoice paid in part, or a payment that paid too much. Match is the",
        "match the item belongs to (section 2).",
        "",
        *_items_tables(ledger, names),
        *_heading("2. Matches (koblinger)"),
        "Entries that settle each other. Outstanding is the sum of the members;",
        "a match is closed when it is zero. Oldest invoice is its document number.",
        *(
            [f"Dissolved matches are not listed (see section 4): {', '.join(dissolved)}."]
            if dissolved
            else []
        ),
        "",
        *_matches_table(ledger, names),
        "",
        *_heading("3. Balances per sub-account"),
        "A positive customer balance is what the customer owes us; a negative one is",
        "customer credit (innestående). A negative supplier balance is what we owe.",
        "Each balance is the sum of the remaining amounts of the party's open items.",
        "",
        *_balances_table(ledger, names),
        "",
        *_heading("4. Corrections kept in the history"),
        "Nothing is deleted or edited: undoing a match or moving a due date is a",
        "new dated event, and the ledger can still show how things stood before.",
        "",
        *_corrections(ledger),
        "",
        *_heading(f"5. Open items as of {_day(as_of)} (åpne poster per {_day(as_of)})"),
        "The ledger as it stood at the end of that day: the entries posted and the",
        "matches made by then, and none of the corrections made later.",
        "",
        *_items_tables(ledger, names, as_of),
        f"Changed between {_day(as_of)} and {_day(today)}:",
        *_changes(ledger, as_of),
        "",
        *_heading("6. Exchange differences (agio and disagio)"),
        "Foreign items settled at other rates than they were booked at: each",
        "settled share realizes its difference in NOK (gain +, loss -).",
        "",
        *_fx_lines(ledger, today),
        "",
        *_heading(f"7. Aging on {_day(today)} (aldersfordeling)"),
        "Open items by days past their current due date, per party. Credit not yet",
        "applied has no due date and stands in its own column.",
        "",
        *_aging_lines(ledger, names, today),
        "",
        *_heading(f"8. Dunning run on {_day(today)} (purring og inkassovarsel)"),
        "What a dunning run under the Norwegian defaults proposes today: a reminder",
        "14 days after the due date, a collection notice after the reminder's",
        "deadline, each with a fee of 1/20 of the inkassosats. Nothing is sent or",
        "posted: this is the plan a person approves.",
        "",
        *_dunning_lines(ledger, names, today),
        "",
        *_reminder_letter_lines(ledger, names, today),
    ]
    return "\n".join(lines) + "\n"


#: Who the demo's letters are from (the demo's own company).
_DEMO_CREDITOR: Final = ("Kaffegrossisten AS", ("Bryggen 1", "5003 Bergen"), "988077917",
                         "86011117947")


def _reminder_letter_lines(ledger: Ledger, names: Mapping[str, str], today: date) -> list[str]:
    """Section 9: the first reminder of today's run, as the letter the customer receives."""
    from reskontro.dunning import NORWEGIAN_POLICY, NoticeLevel, plan_dunning
    from reskontro.letters import dunning_letters, render_letter_text
    from reskontro.statement import PartyDetails

    plan = plan_dunning(ledger, NORWEGIAN_POLICY, today)
    reminder = next((n for n in plan.notices if n.level is NoticeLevel.REMINDER), None)
    title = f"9. A reminder letter (purring), {_day(today)}"
    if reminder is None:
        return [*_heading(title), "  (no reminder due)"]
    name, address, org_no, account = _DEMO_CREDITOR
    creditor = PartyDetails(name=name, address=address, organisation_number=org_no,
                            account_number=account)
    debtor = PartyDetails(name=names.get(reminder.party, reminder.party))
    letter, = dunning_letters(reminder, creditor=creditor, debtor=debtor,
                              policy=NORWEGIAN_POLICY)
    return [
        *_heading(title),
        "The first reminder of the run above as the customer receives it (text; the",
        "same letter renders as HTML and PDF, in Norwegian or English).",
        "",
        *render_letter_text(letter, locale=LOCALE).splitlines(),
    ]


def _aging_lines(ledger: Ledger, names: Mapping[str, str], today: date) -> list[str]:
    from reskontro.aging import age

    report = age(ledger, today)
    rows = [
        [row.side.label, _party(row.party, names), *(format_amount(m) for m in row.local),
         format_amount(row.total)]
        for row in report.rows
    ]
    footer = ["Total", "", *(format_amount(m) for m in report.total),
              format_amount(report.grand_total)]
    headers = ["Side", "Party", *report.labels, "Total"]
    return _table(headers, rows, right=range(2, len(headers)), footer=footer)


def _dunning_lines(ledger: Ledger, names: Mapping[str, str], today: date) -> list[str]:
    from reskontro.dunning import NORWEGIAN_POLICY, plan_dunning

    plan = plan_dunning(ledger, NORWEGIAN_POLICY, today)
    rows = [
        [
            _party(notice.party, names), notice.level.label, line.entry_id,
            _day(line.due), str(line.days_overdue), format_amount(line.remaining),
            format_amount(line.interest), format_amount(notice.fee), _day(notice.deadline),
        ]
        for notice in plan.notices
        for line in notice.lines
    ]
    if not rows:
        return ["  (no notices due)"]
    headers = ["Party", "Notice", "Item", "Due", "Days", "Remaining", "Interest", "Fee",
               "Deadline"]
    out = _table(headers, rows, right=[4, 5, 6, 7])
    out.extend(f"  held back: {_party(held.sub_account.party, names)}: {held.reason}"
               for held in plan.held)
    out.extend(f"  skipped: {skipped.entry_id}: {skipped.reason}" for skipped in plan.skipped)
    return out


def _fx_lines(ledger: Ledger, today: date) -> list[str]:
    from reskontro.settlement import fx_report

    fx = ledger.search(kind=[EntryKind.FX_GAIN, EntryKind.FX_LOSS])
    out = [
        f"  {_day(item.entry.posted)}  {item.id:<8} {item.match_id or '':<4}"
        f" {format_amount(item.amount_local):>10}  {item.entry.text}"
        for item in fx
    ]
    first = min((item.entry.posted for item in fx), default=today)
    report = fx_report(ledger, first, today)
    out.append(
        f"  Realized {_day(first)}-{_day(today)}: gain {format_amount(report['gain'])},"
        f" loss {format_amount(report['loss'])}, net {format_amount(report['net'])}"
    )
    return out if fx else ["  (none)"]


def _run_demo(args: argparse.Namespace) -> str:
    if getattr(args, "save_ledger", None) is not None and is_store_target(args.save_ledger):
        with open_store(args.save_ledger) as store:
            demo = build_demo_ledger()
            store.append(demo, base=store.load(empty=Ledger(demo.local_currency)))
    elif getattr(args, "save_ledger", None) is not None:
        text = json.dumps(build_demo_ledger().to_dict(), ensure_ascii=False, indent=1)
        _write(args.save_ledger, text + "\n")
    return render_demo(build_demo_ledger(), PARTY_NAMES, as_of=AS_OF, today=LAST_EVENT)


#: How long ``match`` waits for another run on the same ledger to finish, in seconds.
_LOCK_WAIT: float = 60.0


class _FileAccessError(Exception):
    """A file that cannot be read or written (exit code 2)."""


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise _FileAccessError(f"cannot read the {what} {path!r}: {error.strerror}") from None


def _run_match(args: argparse.Namespace) -> str:
    """Import a bank file's payments into a saved ledger, match them, write the result.

    The run holds the locks of ``--out`` and ``--ledger`` (``FILE.lock`` next to
    each; for a ledger in a directory we may not write to, only ``--out``'s)
    from reading to writing; a run that finds them taken waits up to
    :data:`_LOCK_WAIT` seconds, then fails with exit code 2 and writes nothing.
    """
    if is_store_target(args.ledger):
        return _match_store(args)
    if args.out is None:
        raise _UsageError("match on a JSON ledger needs --out NEW.json")
    try:
        # held from reading the ledger to renaming the new one over --out, so two
        # runs on one file take turns and neither loses the other's import
        with locked([args.out], optional=[args.ledger], wait=_LOCK_WAIT):
            return _match_locked(args)
    except LockError as error:
        raise _FileAccessError(f"{error.strerror}; nothing was written") from None


def _match_locked(args: argparse.Namespace) -> str:
    ledger = _load_ledger(args.ledger)
    result, summary = _match_day(args, ledger)
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=1)
    _write(args.out, text + "\n")
    return summary(f"Wrote {args.out}")


def _match_day(
    args: argparse.Namespace, ledger: Ledger
) -> tuple[Ledger, Callable[[str], str]]:
    """Import and match a bank file's payments on *ledger*: the new ledger and its summary.

    The summary is a function of the line that says where the result went.
    """
    from reskontro import automatch
    from reskontro.formats import parse_camt054, parse_ocr
    from reskontro.rates import RateTable
    from reskontro.receipts import plan_receipts, receipts_from

    parsed: OcrFile | CamtFile
    if args.ocr is not None:
        parsed = parse_ocr(_read(args.ocr, "OCR giro file"))
        source = args.ocr
    else:
        parsed = parse_camt054(_read(args.camt, "camt.054 file"))
        source = args.camt
    parties: dict[str, str] = {}
    if args.parties is not None:
        raw = load_json(_read(args.parties, "parties file"),
                        source=f"the parties file {args.parties!r}")
        if not isinstance(raw, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
        ):
            raise ReskontroError("the parties file must map KIDs or accounts to party numbers")
        parties = raw
    rates = None
    if args.rates is not None:
        try:
            text = _read(args.rates, "rates file").decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ReskontroError(f"the rates file {args.rates!r} is not UTF-8: {error}") from None
        try:
            rates = RateTable.parse(ledger.local_currency, text)
        except ReskontroError as error:
            raise ReskontroError(f"the rates file {args.rates!r}: {error.message}") from None
    plan = plan_receipts(
        ledger, receipts_from(parsed), parties=parties, rates=rates,
        settled_kid=args.settled_kid,
    )
    imported = plan.apply(ledger)
    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    held = set(plan.paid_twice)  # open credits: never spread over other invoices
    proposals = automatch.propose(
        imported, strategies=strategies,
        payments=[e.id for e in plan.entries if e.id not in held],
    )
    result, settled = _settle_foreign(automatch.apply(imported, proposals), proposals)

    def summary(done: str) -> str:
        return _match_summary(source, done, ledger, plan, proposals, parsed.warnings, settled)

    return result, summary


def _settle_foreign(
    ledger: Ledger, proposals: automatch.MatchPlan
) -> tuple[Ledger, tuple[SettlementPlan, ...]]:
    """Realize the exchange difference of every foreign-currency match the run applied.

    A EUR invoice booked at 11.50 and paid at 11.60 leaves its match at EUR 0
    and NOK -10: the agio is realized now, dated on the match's last change,
    so the match closes in both currencies (DESIGN §3.5). Matches wholly in
    local currency have nothing to settle.
    """
    from reskontro.settlement import apply_settlements, plan_settlement

    local = ledger.local_currency
    plans = []
    seen: set[str] = set()
    for proposal in proposals.proposals:
        match = ledger.match_of(proposal.payment_id)
        if match is None or match.id in seen:
            continue
        seen.add(match.id)
        if all(ledger.entry(i).currency == local for i in match.entry_ids):
            continue
        settlement = plan_settlement(ledger, match.id, on=match.changed_on)
        if settlement.entries or settlement.pulled:
            plans.append(settlement)
    return apply_settlements(ledger, plans), tuple(plans)


def _match_summary(
    source: str, out: str, ledger: Ledger, plan: ReceiptPlan, proposals: automatch.MatchPlan,
    warnings: Sequence[str], settled: Sequence[SettlementPlan] = (),
) -> str:
    applied = {p.payment_id: p for p in proposals.proposals}
    full = [e for e in plan.entries if e.id in applied and applied[e.id].applied == -e.amount]
    part = [e for e in plan.entries if e.id in applied and e not in full]
    total = format_amount(Money(sum((-e.value_local for e in plan.entries), Decimal("0.00")),
                                ledger.local_currency))
    count = (len(plan.entries) + len(plan.unresolved) + len(plan.duplicates)
             + len(plan.reversals) + len(plan.unbooked))
    lines = [
        f"Payments in {source}: {count}",
        f"  imported          {len(plan.entries):6d}  {total:>14}",
        f"  matched in full   {len(full):6d}",
        f"  matched in part   {len(part):6d}  (the rest stays open on the payment)",
        f"  not matched       {len(plan.entries) - len(full) - len(part):6d}",
        f"  already imported  {len(plan.duplicates):6d}",
    ]
    if settled:
        fx = [e for settlement in settled for e in settlement.entries]
        net = format_amount(Money(sum((e.value_local for e in fx), Decimal("0.00")),
                                  ledger.local_currency))
        lines.append(f"  exchange diff.    {len(settled):6d}  {net:>14}  (realized in the matches)")
        lines.extend(
            f"    {e.id}: {e.kind.value} {format_amount(e.amount_local)}" for e in fx
        )
    if plan.paid_twice:
        lines.append(f"  paid twice        {len(plan.paid_twice):6d}  (left open as credits)")
        lines.extend(f"    {entry_id}" for entry_id in plan.paid_twice)
    if plan.reversals:
        lines.append(f"  reversed          {len(plan.reversals):6d}  (payments undone)")
        lines.extend(
            f"    {r.receipt.reference}: {r.receipt.amount} {r.receipt.currency}: undoes "
            f"{r.entry_id} ({r.text})"
            for r in plan.reversals
        )
    if plan.unbooked:
        lines.append(f"  not booked        {len(plan.unbooked):6d}  (reported, not posted)")
        lines.extend(
            f"    {r.reference}: {r.amount} {r.currency}: status {r.status}"
            for r in plan.unbooked
        )
    lines.append(f"  unresolved        {len(plan.unresolved):6d}")
    for u in plan.unresolved:
        lines.append(
            f"    {u.receipt.reference}: {u.receipt.amount} {u.receipt.currency}: "
            f"[{u.code.value}] {u.reason}"
        )
        lines.extend(
            f"      {rank}. {c.entry_id or 'customer ' + c.party}: {c.text}"
            for rank, c in enumerate(u.candidates, start=1)
        )
    lines.extend(f"  warning: {w}" for w in warnings)
    lines.append(out)
    return "\n".join(lines) + "\n"


# -- statement, open-items and aging: reports on a saved ledger ------------------------------


class _UsageError(Exception):
    """Arguments that do not fit together (exit code 2, like argparse's own errors)."""


_SIDES: Final = {"customer": Side.RECEIVABLE, "supplier": Side.PAYABLE}


def _date_argument(text: str) -> date:
    """A date on the command line: ``2026-01-31`` or ``31.01.2026``."""
    day, dot, rest = text.partition(".")
    try:
        if dot:
            month, _, year = rest.partition(".")
            if len(year) != 4:
                raise ValueError(text)
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write 2026-01-31 or 31.01.2026"
        ) from None


def _locale_argument(text: str) -> str:
    try:
        rendering.format_day(date(2026, 1, 1), text)
    except ReskontroError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a locale babel knows; try nb_NO, nn_NO or en_GB"
        ) from None
    return text


def _side_argument(text: str) -> Side:
    try:
        return _SIDES[text]
    except KeyError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a side; choose customer or supplier"
        ) from None


def _load_ledger(path: str) -> Ledger:
    """Read a saved ledger: from an event store, or strictly from a JSON file
    (:func:`reskontro.serialization.ledger_from_json`)."""
    if is_store_target(path):
        with open_store(path) as store:
            return store.load()
    return ledger_from_json(_read(path, "ledger file"), source=f"the ledger file {path!r}")


def _report_date(args: argparse.Namespace, ledger: Ledger) -> date:
    """``--as-of``, or the day of the ledger's last event (the command reads no clock)."""
    if args.as_of is not None:
        as_of: date = args.as_of
        return as_of
    if not ledger.events:
        raise _UsageError(f"the ledger {args.ledger!r} is empty; give --as-of")
    return max(event.on for event in ledger.events)


def _write(path: str, data: str | bytes) -> str:
    """Replace the file at *path* by *data*, all or nothing (``_atomic.write_atomic``).

    Every file the command line writes goes through here: a failed or killed
    run leaves the previous file as it was and no partial file behind.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        write_atomic(path, payload)
    except OSError as error:
        raise _FileAccessError(
            f"cannot write {path!r}: {error.strerror or error}; the file is unchanged"
        ) from None
    return f"Wrote {path}\n"


def _run_statement(args: argparse.Namespace) -> str:
    """Build one party's statement from a saved ledger and render it."""
    from reskontro.statement import PartyDetails, Statement

    if args.format == "pdf" and args.out is None:
        raise _UsageError("a PDF is binary: give --out FILE.pdf with --format pdf")
    ledger = _load_ledger(args.ledger)
    as_of = _report_date(args, ledger)
    creditor = PartyDetails(
        name=args.creditor_name or _default_creditor(args.locale),
        address=args.creditor_address,
        organisation_number=args.org_no,
        account_number=args.bank_account,
        iban=args.iban,
        bic=args.bic,
    )
    debtor = (
        None
        if args.debtor_name is None
        else PartyDetails(name=args.debtor_name, address=args.debtor_address)
    )
    if args.start is None:
        statement = Statement.open_items(
            ledger, args.party, as_of=as_of, creditor=creditor, debtor=debtor,
            side=args.side, account=args.control_account, kid=args.kid,
        )
    else:
        statement = Statement.period(
            ledger, args.party, start=args.start, as_of=as_of, creditor=creditor,
            debtor=debtor, side=args.side, account=args.control_account, kid=args.kid,
        )
    output: str | bytes
    if args.format == "html":
        output = rendering.render_html(statement, locale=args.locale)
    elif args.format == "pdf":
        output = rendering.render_pdf(statement, locale=args.locale)
    elif args.format == "payment":
        output = rendering.payment_text(statement, locale=args.locale) + "\n"
    else:
        output = rendering.render_text(statement, locale=args.locale)
    if args.out is not None:
        return _write(args.out, output)
    assert isinstance(output, str)
    return output


def _default_creditor(locale: str) -> str:
    """The sender's name when none is given, in the document's language."""
    language = locale.replace("-", "_").split("_")[0]
    return "Fordringshaver" if language in {"nb", "nn", "no"} else "Creditor"


def _check_party(ledger: Ledger, party: str | None, side: Side | None) -> None:
    from reskontro.exceptions import PartyNotFoundError

    if party is not None and party not in ledger.parties(side=side):
        where = "in the ledger" if side is None else f"on the {side.label} ledger"
        raise PartyNotFoundError(f"no party {party!r} {where}", field="party", value=party)


def _run_open_items(args: argparse.Namespace) -> str:
    """The open items of a saved ledger as of a date, one table per side."""
    ledger = _load_ledger(args.ledger)
    as_of = _report_date(args, ledger)
    _check_party(ledger, args.party, args.side)
    locale = args.locale
    if args.format != "text":
        from reskontro._cli_collect import records_output

        found = ledger.open_items(party=args.party, side=args.side, as_of=as_of)
        return records_output(found.to_records(), args.format)
    words = _report_words(locale)

    def day(value: date | None) -> str:
        return "" if value is None else rendering.format_day(value, locale)

    def amount(money: Money) -> str:
        return rendering.format_amount(money, locale, symbol=False)

    out = [words["open_title"].format(day=day(as_of), currency=ledger.local_currency), ""]
    for side in (Side.RECEIVABLE, Side.PAYABLE):
        if args.side not in (None, side):
            continue
        norwegian = _SIDE_TITLES[side][1]
        out.append(f"{words[side.value]} ({norwegian})")
        items = ledger.open_items(party=args.party, side=side, as_of=as_of)
        if not items:
            out.extend([f"  {words['no_open']}", ""])
            continue
        rows = [
            [
                item.id, item.party, words.get(item.kind.value, item.kind.label),
                item.entry.document_no or "",
                day(item.entry.posted), day(item.due), item.amount.currency,
                amount(item.amount), amount(item.remaining), amount(item.remaining_local),
                item.match_id or "",
            ]
            for item in items
        ]
        total = items.remaining.local
        footer = ["Sum", "", "", "", "", "", "", "", "", amount(total), ""]
        headers = [words[key] for key in ("id", "party", "kind", "doc", "posted", "due", "cur",
                                          "amount", "remaining")]
        headers += [words["remaining_local"].format(currency=ledger.local_currency),
                    words["match"]]
        out.extend(_table(headers, rows, right=[7, 8, 9], footer=footer))
        out.append("")
    return "\n".join(out)


def _run_aging(args: argparse.Namespace) -> str:
    """The aging of the open items of a saved ledger as of a date, per party."""
    from reskontro.aging import Buckets, age

    ledger = _load_ledger(args.ledger)
    as_of = _report_date(args, ledger)
    _check_party(ledger, args.party, args.side)
    buckets = None if args.buckets is None else Buckets(bounds=args.buckets)
    report = age(ledger, as_of, party=args.party, side=args.side, buckets=buckets)
    if args.format != "text":
        from reskontro._cli_collect import records_output

        return records_output(report.to_records(), args.format)
    words = _report_words(args.locale)

    def amount(money: Money) -> str:
        return rendering.format_amount(money, args.locale, symbol=False)

    day = rendering.format_day(as_of, args.locale)
    out = [words["aging_title"].format(day=day, currency=ledger.local_currency), ""]
    if not report.rows:
        return "\n".join([*out, f"  {words['no_open']}", ""])
    rows = [
        [words[f"{row.side.value}.one"], row.party, *(amount(m) for m in row.local),
         amount(row.total)]
        for row in report.rows
    ]
    footer = [words["total"], "", *(amount(m) for m in report.total),
              amount(report.grand_total)]
    labels = [words.get(f"bucket.{label}", label) for label in report.labels]
    headers = [words["side"], words["party"], *labels, words["total"]]
    right = range(2, len(headers))
    out.extend(_table(headers, rows, right=right, footer=footer))
    return "\n".join(out) + "\n"


#: The headings of the open-items and aging tables, per language.
_REPORT_WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "nb": {
        "open_title": "Åpne poster per {day} ({currency})", "receivable": "Kunder",
        "payable": "Leverandører", "no_open": "(ingen åpne poster)", "id": "Id",
        "party": "Part", "kind": "Type", "doc": "Bilagsnr.", "posted": "Bokført",
        "due": "Forfall", "cur": "Valuta", "amount": "Beløp", "remaining": "Rest",
        "remaining_local": "Rest {currency}", "match": "Kobling",
        "aging_title": "Aldersfordeling av åpne poster per {day}, dager etter forfall "
                       "({currency})",
        "side": "Reskontro", "total": "Sum", "receivable.one": "kunde",
        "payable.one": "leverandør", "bucket.not due": "ikke forfalt",
        "bucket.no due date": "uten forfall", "invoice": "faktura",
        "credit_note": "kreditnota", "payment": "innbetaling", "refund": "utbetaling",
        "reminder_fee": "purregebyr", "interest": "rente",
    },
    "en": {
        "open_title": "Open items as of {day} ({currency})", "receivable": "Customers",
        "payable": "Suppliers", "no_open": "(no open items)", "id": "Id", "party": "Party",
        "kind": "Kind", "doc": "Doc no", "posted": "Posted", "due": "Due", "cur": "Cur",
        "amount": "Amount", "remaining": "Remaining", "remaining_local": "Remaining {currency}",
        "match": "Match",
        "aging_title": "Aging of open items as of {day}, days past due ({currency})",
        "side": "Side", "total": "Total", "receivable.one": "customer",
        "payable.one": "supplier",
    },
}


def _report_words(locale: str) -> Mapping[str, str]:
    """The table headings for *locale*: Norwegian for nb/nn/no, English otherwise."""
    language = locale.replace("-", "_").split("_")[0]
    return _REPORT_WORDS["nb" if language in {"nb", "nn", "no"} else "en"]


def _bounds_argument(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of days; write e.g. 30,60,90"
        ) from None


def _report_options(command: argparse.ArgumentParser, *, party_required: bool) -> None:
    """The options every report on a saved ledger shares."""
    command.add_argument("--ledger", metavar="LEDGER.json|STORE",
                         help="the ledger, as saved by reskontro (Ledger.to_dict as JSON), or "
                              "its event store (ledger.db or a postgresql:// URL)")
    _store_options(command)
    command.add_argument("--party", required=party_required, metavar="P",
                         help="the party number" + ("" if party_required else " (default: all)"))
    command.add_argument("--side", type=_side_argument,
                         default="customer" if party_required else None,
                         metavar="customer|supplier",
                         help="the customer or supplier ledger (default: "
                              + ("customer)" if party_required else "both)"))
    command.add_argument("--as-of", type=_date_argument, metavar="DATE",
                         help="the report date, 2026-01-31 or 31.01.2026 (default: the day of "
                              "the ledger's last event; reskontro reads no clock)")
    command.add_argument("--locale", type=_locale_argument, default=LOCALE,
                         help="how amounts and dates are written (default: %(default)s; "
                              "e.g. en_GB)")


def _add_report_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    statement = commands.add_parser(
        "statement",
        help="one party's statement (kontoutdrag) as text, HTML, PDF or a payment message",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Read a ledger saved as JSON and write the statement of one party: its open\n"
            "items as of a date, or with --from every entry from that day on after an\n"
            "opening balance; totals, aging and how to pay (amount, --bank-account, KID).\n"
            "Words are Norwegian for nb_NO/nn_NO and English otherwise."
        ),
        epilog=(
            "examples:\n"
            "  reskontro demo --save-ledger demo.json\n"
            "  reskontro statement --ledger demo.json --party 10004 \\\n"
            "      --creditor-name 'Kaffegrossisten AS' --bank-account 86011117947\n"
            "  reskontro statement --ledger demo.json --party 10004 --from 2026-01-01 \\\n"
            "      --format html --locale en_GB --out statement.html\n"
            "  reskontro statement --ledger demo.json --party 10002 --format payment \\\n"
            "      --bank-account 86011117947"
        ),
    )
    _report_options(statement, party_required=True)
    statement.add_argument("--from", dest="start", type=_date_argument, metavar="DATE",
                           help="list every entry posted from DATE to --as-of, after the "
                                "opening balance (default: the open items only)")
    statement.add_argument("--format", choices=["text", "html", "pdf", "payment"],
                           default="text",
                           help="text (default), a printable HTML page, PDF (needs the pdf "
                                "extra and --out), or the short payment message")
    statement.add_argument("--out", metavar="FILE",
                           help="write to FILE instead of standard output")
    statement.add_argument("--control-account", metavar="ACCOUNT",
                           help="one control account only, e.g. 1500 (default: all of the side)")
    who = statement.add_argument_group("who the statement is from and to")
    who.add_argument("--creditor-name", metavar="NAME",
                     help="your company's name, printed as the sender (default: the word "
                          "for creditor in the statement's language, Fordringshaver in "
                          "Norwegian)")
    who.add_argument("--creditor-address", action="append", default=[], metavar="LINE",
                     help="an address line of the creditor (repeat for more lines)")
    who.add_argument("--org-no", metavar="NUMBER",
                     help="the creditor's organisation number (9 digits, checked)")
    who.add_argument("--bank-account", metavar="NUMBER",
                     help="the creditor's bank account number to pay to (11 digits, "
                          "checked); without it there are no payment details")
    who.add_argument("--debtor-name", metavar="NAME", help="the debtor's name (optional)")
    who.add_argument("--debtor-address", action="append", default=[], metavar="LINE",
                     help="an address line of the debtor (repeat for more lines)")
    who.add_argument("--iban", metavar="IBAN", help="the creditor's IBAN, for payers abroad")
    who.add_argument("--bic", metavar="BIC", help="the creditor's bank's BIC (SWIFT)")
    who.add_argument("--kid", metavar="KID",
                     help="the party's KID (MOD10), used when no single open invoice has one")
    statement.set_defaults(run=_run_statement)

    open_items = commands.add_parser(
        "open-items",
        help="the open items of a saved ledger as of a date (åpne poster)",
        description="Read a ledger saved as JSON and list its open items as of a date, "
                    "per side, with the sum of what remains.",
    )
    _report_options(open_items, party_required=False)
    open_items.add_argument("--format", choices=["text", "csv", "json"], default="text",
                            help="a table (default), or CSV / JSON records for programs")
    open_items.set_defaults(run=_run_open_items)

    aging = commands.add_parser(
        "aging",
        help="the aging of a saved ledger's open items (aldersfordeling)",
        description="Read a ledger saved as JSON and sort its open items by days past due "
                    "as of a date, per party, in local currency.",
    )
    _report_options(aging, party_required=False)
    aging.add_argument("--buckets", type=_bounds_argument, metavar="DAYS",
                       help="the last day of each overdue column (default: 30,60,90)")
    aging.add_argument("--format", choices=["text", "csv", "json"], default="text",
                       help="a table (default), or CSV / JSON records for programs")
    aging.set_defaults(run=_run_aging)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``reskontro`` command, with its subcommands.

    >>> build_parser().parse_args(["demo"]).command
    'demo'
    """
    parser = argparse.ArgumentParser(
        prog="reskontro",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "reskontro: a pure, exact engine for customer and supplier sub-ledgers\n"
            "(open items, matches, balances and their history)."
        ),
        epilog=(
            "examples:\n"
            "  reskontro demo             run the engine on built-in example data\n"
            "  python -m reskontro demo   the same, without the console script"
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {_version()}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="print open items, matches and balances of an example ledger",
        description=(
            "Build a small Norwegian example ledger in NOK (five customers, one in EUR, one "
            "supplier, January and February 2026) and print its open items, matches, "
            "balances per sub-account, the corrections in its history, and its open "
            f"items as of {_day(AS_OF)}. Reads no files and writes only to standard output."
        ),
    )
    demo.set_defaults(run=_run_demo)
    demo.add_argument("--save-ledger", metavar="FILE.json",
                      help="also write the demo ledger as JSON (Ledger.to_dict), or into an "
                           "event store (FILE.db), to try the statement, open-items, aging "
                           "and match commands on")
    match = commands.add_parser(
        "match",
        help="import an OCR giro or camt.054 file into a saved ledger and match it",
        description=(
            "Read a ledger saved as JSON (Ledger.to_dict), import the payments of an OCR "
            "giro or camt.054 file as payment entries (the party from the invoice with "
            "the payment's KID, or from --parties), match them automatically, write the "
            "new ledger to --out and print a summary. A file imported before is "
            "recognised and nothing is posted twice. The input ledger is never "
            "overwritten unless --out names it."
        ),
    )
    match.add_argument("--ledger", metavar="LEDGER.json|STORE",
                       help="the ledger, as saved by reskontro (JSON), or its event store "
                            "(ledger.db or a postgresql:// URL; the day's events are "
                            "appended to it)")
    source = match.add_mutually_exclusive_group(required=True)
    source.add_argument("--ocr", metavar="FILE", help="an OCR giro file from Nets")
    source.add_argument("--camt", metavar="FILE", help="a camt.054 notification (XML)")
    match.add_argument("--strategies", default="kid,document,balance",
                       help="matching strategies in order (kid, document, balance, amount; "
                            "default: %(default)s)")
    match.add_argument("--parties", metavar="MAP.json",
                       help="JSON object mapping KIDs or payer accounts to party numbers")
    match.add_argument("--rates", metavar="FILE",
                       help="exchange rates for payments in foreign currency: CSV with the "
                            "columns currency,date,rate or a JSON list of such objects; a "
                            "rate is local units per 1 foreign unit, dates ISO")
    match.add_argument("--settled-kid", choices=["hold", "post"], default="hold",
                       help="a payment with the KID of an invoice already settled: leave it "
                            "for the clerk (hold, default) or post it on that customer as an "
                            "open credit (post)")
    match.add_argument("--out", metavar="NEW.json",
                       help="where to write the new ledger (the input ledger is replaced "
                            "only if this names it); required for a JSON ledger")
    match.set_defaults(run=_run_match)
    _store_options(match)
    _add_report_commands(commands)
    from reskontro._cli_collect import add_collect_commands  # dunning, interest, fx

    add_collect_commands(commands)
    _add_store_commands(commands)
    return parser


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    return code if isinstance(code, int) else 2


def main(argv: list[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code.

    Exit codes: 0 on success, 1 when the engine refuses an operation (the
    message goes to standard error), 2 for a usage error (argparse's message).

    >>> main(["--version"])  # doctest: +ELLIPSIS
    reskontro ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse stops after --help, --version and usage errors
        return _exit_code(stop.code)
    run: Callable[[argparse.Namespace], str] = args.run
    try:
        _resolve_ledger(args)
        text = run(args)
    except (_FileAccessError, _UsageError) as problem:
        print(f"reskontro: error: {problem}", file=sys.stderr)
        return 2
    except ReskontroError as error:
        print(f"reskontro: error: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


# -- the event store: match on a store, export and import ----------------------------------------

#: The environment variable that names the ledger's store when ``--ledger`` is not given.
DATABASE_URL_ENV: Final = "RESKONTRO_DATABASE_URL"
#: How often ``match`` on a store redoes a day that lost a race with another writer.
_STORE_ATTEMPTS: Final = 3


def _store_options(command: argparse.ArgumentParser) -> None:
    """``--database-url``: the store to use when ``--ledger`` is not given."""
    command.add_argument(
        "--database-url", metavar="URL",
        help=f"the ledger's event store when --ledger is not given: a postgresql:// URL or a "
             f".db file (default: the environment variable {DATABASE_URL_ENV})",
    )


def _resolve_ledger(args: argparse.Namespace) -> None:
    """Fill ``args.ledger`` from ``--database-url`` or the environment when it is not given."""
    if not hasattr(args, "ledger") or args.ledger is not None:
        return
    target = getattr(args, "database_url", None) or os.environ.get(DATABASE_URL_ENV)
    if not target:
        raise _UsageError(
            f"no ledger: give --ledger, --database-url or the environment variable "
            f"{DATABASE_URL_ENV}"
        )
    if not is_store_target(target):
        raise _UsageError(
            f"--database-url / {DATABASE_URL_ENV} must name a store (a postgresql:// URL or a "
            f".db/.sqlite file), not {redact(target)!r}"
        )
    args.ledger = target


def _match_store(args: argparse.Namespace) -> str:
    """``match`` on an event store: append only the day's events, redoing a day that lost a race.

    Another writer that appends to the same parties between our load and our
    append makes the append fail cleanly (nothing written); the run then
    loads the store again and redoes the day (a bank file imported before is
    recognised, so nothing is posted twice), up to :data:`_STORE_ATTEMPTS` times.
    """
    if args.out is not None:
        raise _UsageError("--out is for a JSON ledger; a day's match is appended to the store")
    for attempt in range(1, _STORE_ATTEMPTS + 1):
        with open_store(args.ledger) as store:
            ledger = store.load(lazy=True)
            result, summary = _match_day(args, ledger)
            try:
                appended = store.append(result, base=ledger)
            except ConcurrencyError:
                if attempt == _STORE_ATTEMPTS:
                    raise
                continue
        return summary(f"Appended {_plural(appended, 'event')} to {redact(args.ledger)}")
    raise AssertionError("unreachable")  # pragma: no cover


def _document_pieces(ledger: Ledger) -> Iterable[bytes]:
    """A ledger as a compact JSON ledger document, one piece per event."""
    head = Ledger.from_events(
        (), ledger.local_currency, post_against_post=ledger.options.post_against_post,
        auto_close_zero=ledger.options.auto_close_zero,
        cross_currency=ledger.options.cross_currency,
    ).to_dict()  # the document without events: they follow one by one
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    yield text[: -len("[]}")].encode("utf-8") + b"["
    for i, event in enumerate(ledger.events):
        piece = json.dumps(event_to_dict(event), ensure_ascii=False, separators=(",", ":"))
        yield (piece if i == 0 else "," + piece).encode("utf-8")
    yield b"]}\n"


def _run_export(args: argparse.Namespace) -> str:
    """Write the ledger of a store (or a JSON file) as one compact JSON ledger document."""
    try:
        if is_store_target(args.ledger):
            with open_store(args.ledger) as store:
                write_atomic(args.out, store.dump_json())
                count = store.event_count()
        else:
            ledger = _load_ledger(args.ledger)
            write_atomic(args.out, _document_pieces(ledger))
            count = ledger.event_count
    except OSError as error:
        raise _FileAccessError(
            f"cannot write {args.out!r}: {error.strerror or error}; the file is unchanged"
        ) from None
    return f"Wrote {args.out} ({_plural(count, 'event')})\n"


def _run_import(args: argparse.Namespace) -> str:
    """Read a JSON ledger document into an empty event store (one transaction)."""
    if not is_store_target(args.ledger):
        raise _UsageError(
            f"import writes into a store (a .db file or a postgresql:// URL), not "
            f"{args.ledger!r}; a JSON ledger is copied as it is"
        )
    # parsed one event at a time: memory stays near the file's size plus the ledger
    ledger = read_ledger_document(_read(args.source, "ledger file"),
                                  source=f"the ledger file {args.source!r}")
    empty = Ledger.from_events(
        (), ledger.local_currency, post_against_post=ledger.options.post_against_post,
        auto_close_zero=ledger.options.auto_close_zero,
        cross_currency=ledger.options.cross_currency,
    )
    with open_store(args.ledger) as store:
        held = store.event_count()
        if held:
            raise _UsageError(
                f"the store {redact(args.ledger)} already holds {_plural(held, 'event')}; "
                "import into a new, empty store"
            )
        appended = store.append(ledger, base=empty)
    return f"Imported {_plural(appended, 'event')} into {redact(args.ledger)}\n"


def _add_store_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export",
        help="write a ledger (from a store) as one JSON ledger document",
        description="Write the ledger of an event store (or a JSON ledger file) as a compact "
                    "JSON ledger document (Ledger.to_dict), streamed event by event and "
                    "replacing OUT.json all or nothing.",
    )
    export.add_argument("--ledger", metavar="STORE",
                        help="the store (ledger.db or a postgresql:// URL) or a JSON ledger")
    _store_options(export)
    export.add_argument("out", metavar="OUT.json", help="the JSON file to write")
    export.set_defaults(run=_run_export)
    load = commands.add_parser(
        "import",
        help="read a JSON ledger document into a new event store",
        description="Read a JSON ledger document (as written by export or Ledger.to_dict) "
                    "strictly and append its events to an empty store in one transaction.",
    )
    load.add_argument("source", metavar="IN.json", help="the JSON ledger document to read")
    load.add_argument("--ledger", metavar="STORE",
                      help="the store to create or fill: ledger.db or a postgresql:// URL")
    _store_options(load)
    load.set_defaults(run=_run_import)
