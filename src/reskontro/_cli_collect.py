"""The command line for collecting and foreign currency: ``dunning``, ``interest`` and ``fx``.

Part of the command line's edge (:mod:`reskontro.cli`): these functions read
saved ledgers and rate files, run the engine's pure plans, and write new
ledgers and letters through the command line's one atomic writer. Every
file error names the file; tables are headed in the chosen ``--locale``
(Norwegian for nb_NO/nn_NO, English otherwise), and every plan can be written
as CSV or JSON for other programs.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from reskontro import rendering
from reskontro.exceptions import ReskontroError
from reskontro.ledger import Ledger
from reskontro.money import Money

#: Words of the collecting commands' tables: (Norwegian, English).
_WORDS: Final[Mapping[str, tuple[str, str]]] = {
    "plan_title": (("Purrekjøring {day}: {notices} varsler, {held} kunder holdt tilbake, "
                    "{skipped} poster hoppet over"),
                   ("Dunning run of {day}: {notices} notices, {held} parties held back, "
                    "{skipped} items skipped")),
    "party": ("Kunde", "Party"),
    "level": ("Varsel", "Notice"),
    "doc": ("Bilagsnr.", "Doc. no."),
    "due": ("Forfall", "Due"),
    "days": ("Dager", "Days"),
    "currency": ("Valuta", "Cur"),
    "remaining": ("Rest", "Remaining"),
    "interest": ("Rente", "Interest"),
    "fee": ("Gebyr", "Fee"),
    "deadline": ("Frist", "Deadline"),
    "held": ("holdt tilbake", "held back"),
    "skipped": ("hoppet over", "skipped"),
    "none": ("(ingen varsler)", "(no notices due)"),
    "reminder": ("purring", "reminder"),
    "collection_notice": ("inkassovarsel", "collection notice"),
    "handover": ("til inkasso", "hand-over"),
    "interest_title": ("Forsinkelsesrente per {day}: {notes} rentenotaer",
                       "Late-payment interest as of {day}: {notes} interest notes"),
    "item": ("Post", "Item"),
    "principal": ("Hovedstol", "Principal"),
    "note": ("Rentenota", "Note"),
    "no_interest": ("(ingen rente å beregne)", "(no interest to charge)"),
    "wrote": ("Skrev {path}", "Wrote {path}"),
    "recorded": ("Registrerte {notices} varsler og bokførte {fees} gebyrer i {path}",
                 "Recorded {notices} notices and posted {fees} fees in {path}"),
    "letters": ("Skrev {count} brev til {path}", "Wrote {count} letters to {path}"),
    "fx_title": ("Valutaresultat {start}–{end} ({currency})",
                 "Exchange result {start} to {end} ({currency})"),
    "gain": ("Realisert agio", "Realized gain"),
    "loss": ("Realisert disagio", "Realized loss"),
    "net": ("Netto realisert", "Net realized"),
    "unrealized_gain": ("Urealisert agio", "Unrealized gain"),
    "unrealized_loss": ("Urealisert disagio", "Unrealized loss"),
    "unrealized_net": ("Netto urealisert", "Net unrealized"),
    "total": ("Valutaresultat", "Exchange result"),
    "unrealized_open": ("Urealisert på åpne poster", "Unrealized on open items"),
    "settled": ("Oppgjør av {count} valutakoblinger bokført i {path}",
                "Settled {count} foreign-currency matches in {path}"),
    "revalued": ("Omregnet {count} åpne valutaposter per {day} ({total}) i {path}",
                 "Revalued {count} open foreign items as of {day} ({total}) in {path}"),
}


def _norwegian(locale: str) -> bool:
    return locale.replace("-", "_").split("_")[0] in {"nb", "nn", "no"}


def _w(locale: str, key: str, **values: object) -> str:
    norwegian, english = _WORDS[key]
    return (norwegian if _norwegian(locale) else english).format(**values)


# -- output -----------------------------------------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Money):
        return str(value.amount)
    return value


def records_output(records: Sequence[Mapping[str, object]], fmt: str) -> str:
    """*records* as CSV (a header row, then one row per record) or as a JSON list.

    Amounts are exact decimal strings and dates ISO dates, in both.

    >>> print(records_output([{"party": "1", "amount": Decimal("1.50")}], "csv"), end="")
    party,amount
    1,1.50
    >>> records_output([{"on": date(2026, 2, 2)}], "json")
    '[\\n {\\n  "on": "2026-02-02"\\n }\\n]\\n'
    """
    rows = [{key: _plain(value) for key, value in record.items()} for record in records]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def _cli() -> Any:
    from reskontro import cli  # the shared helpers of the command line (imported late: a cycle)

    return cli


def _rates(path: str | None, ledger: Ledger) -> Any:
    """Read ``--rates FILE`` (CSV or JSON); errors name the file."""
    if path is None:
        return None
    from reskontro.rates import RateTable

    cli = _cli()
    try:
        text = cli._read(path, "rates file").decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReskontroError(f"the rates file {path!r} is not UTF-8: {error}") from None
    try:
        return RateTable.parse(ledger.local_currency, text)
    except ReskontroError as error:
        raise ReskontroError(f"the rates file {path!r}: {error.message}") from None


def _save(path: str, ledger: Ledger) -> None:
    text = json.dumps(ledger.to_dict(), ensure_ascii=False, indent=1)
    _cli()._write(path, text + "\n")


# -- dunning ----------------------------------------------------------------------------------


def _policy(args: argparse.Namespace) -> Any:
    from reskontro.dunning import DebtorKind, DunningPolicy, FeeCurrency

    return DunningPolicy(
        debtors=dict.fromkeys(args.business, DebtorKind.BUSINESS),
        fee_currency=FeeCurrency(args.fee_currency),
    )


def _plan(args: argparse.Namespace) -> tuple[Ledger, Any, Any, date]:
    from reskontro.dunning import plan_dunning

    cli = _cli()
    ledger = cli._load_ledger(args.ledger)
    on = cli._report_date(args, ledger)
    cli._check_party(ledger, args.party, None)
    policy = _policy(args)
    plan = plan_dunning(ledger, policy, on, party=args.party,
                        rates=_rates(args.rates, ledger))
    return ledger, policy, plan, on


def _run_dunning_plan(args: argparse.Namespace) -> str:
    _, _, plan, on = _plan(args)
    if args.format != "text":
        return records_output(plan.to_records(), args.format)
    return _dunning_table(plan, on, args.locale)


def _dunning_table(plan: Any, on: date, locale: str) -> str:
    cli = _cli()

    def amount(money: Money) -> str:
        return rendering.format_amount(money, locale, symbol=False)

    def day(value: date | None) -> str:
        return "" if value is None else rendering.format_day(value, locale)

    out = [_w(locale, "plan_title", day=day(on), notices=len(plan.notices),
              held=len(plan.held), skipped=len(plan.skipped)), ""]
    rows = [
        [notice.party, _w(locale, notice.level.value), line.document_no or line.entry_id,
         day(line.due), str(line.days_overdue), line.remaining.currency,
         amount(line.remaining), amount(line.interest),
         f"{amount(notice.fee)} {notice.fee.currency}" if n == 0 else "",
         day(notice.deadline)]
        for notice in plan.notices
        for n, line in enumerate(notice.lines)
    ]
    if rows:
        headers = [_w(locale, key) for key in ("party", "level", "doc", "due", "days",
                                               "currency", "remaining", "interest", "fee",
                                               "deadline")]
        out.extend(cli._table(headers, rows, right=[4, 6, 7, 8]))
    else:
        out.append("  " + _w(locale, "none"))
    out.extend(f"  {_w(locale, 'held')}: {held.sub_account.party}: {held.reason}"
               for held in plan.held)
    out.extend(f"  {_w(locale, 'skipped')}: {item.entry_id}: {item.reason}"
               for item in plan.skipped)
    return "\n".join(out) + "\n"


def _run_dunning_record(args: argparse.Namespace) -> str:
    ledger, _, plan, _ = _plan(args)
    after = plan.apply(ledger, post_fees=args.post_fees)
    _save(args.out, after)
    fees = len(plan.fee_entries) if args.post_fees else 0
    return _w(args.locale, "recorded", notices=len(plan.notices), fees=fees, path=args.out) + "\n"


def _creditor(args: argparse.Namespace) -> Any:
    from reskontro.statement import PartyDetails

    return PartyDetails(name=args.creditor_name, address=args.creditor_address,
                        organisation_number=args.org_no, account_number=args.bank_account,
                        iban=args.iban, bic=args.bic)


def _debtors(path: str | None) -> dict[str, Any]:
    """``--debtors FILE.json``: {party: {"name": ..., "address": [...]}}; errors name the file."""
    if path is None:
        return {}
    from reskontro.statement import PartyDetails

    cli = _cli()
    try:
        data = json.loads(cli._read(path, "debtors file").decode("utf-8-sig"))
        return {
            str(party): PartyDetails(name=entry["name"], address=entry.get("address", ()))
            for party, entry in data.items()
        }
    except (ValueError, AttributeError, KeyError, TypeError) as error:
        raise ReskontroError(
            f"the debtors file {path!r} must map party numbers to objects with a name and "
            f"an address list: {error}"
        ) from None
    except ReskontroError as error:
        raise ReskontroError(f"the debtors file {path!r}: {error.message}") from None


def _run_dunning_letters(args: argparse.Namespace) -> str:
    from reskontro.dunning import NoticeLevel
    from reskontro.letters import (
        dunning_letters,
        render_letter_html,
        render_letter_pdf,
        render_letter_text,
    )

    _, policy, plan, _ = _plan(args)
    creditor = _creditor(args)
    debtors = _debtors(args.debtors)
    folder = Path(args.dir)
    if not folder.is_dir():
        raise _cli()._FileAccessError(f"the folder {args.dir!r} does not exist")
    render = {"text": (render_letter_text, "txt"), "html": (render_letter_html, "html"),
              "pdf": (render_letter_pdf, "pdf")}[args.format]
    count = 0
    for notice in plan.notices:
        if notice.level is NoticeLevel.HANDOVER:
            continue
        letters = dunning_letters(notice, creditor=creditor, debtor=debtors.get(notice.party),
                                  layout=args.layout, policy=policy)
        for n, letter in enumerate(letters, start=1):
            name = (f"{notice.on:%Y%m%d}-{notice.level.value}-{notice.party}-"
                    f"{notice.currency}-{n}.{render[1]}")
            _cli()._write(str(folder / name), render[0](letter, locale=args.locale))
            count += 1
    return _w(args.locale, "letters", count=count, path=args.dir) + "\n"


# -- interest ---------------------------------------------------------------------------------


def _run_interest(args: argparse.Namespace) -> str:
    from reskontro.interest import plan_interest

    cli = _cli()
    ledger = cli._load_ledger(args.ledger)
    on = cli._report_date(args, ledger)
    cli._check_party(ledger, args.party, None)
    plan = plan_interest(ledger, on, party=args.party)
    if args.out is not None:
        _save(args.out, plan.apply(ledger))
    if args.format != "text":
        return records_output(plan.to_records(), args.format)
    locale = args.locale

    def amount(money: Money) -> str:
        return rendering.format_amount(money, locale, symbol=False)

    def day(value: date | None) -> str:
        return "" if value is None else rendering.format_day(value, locale)

    out = [_w(locale, "interest_title", day=day(on), notes=len(plan.notes)), ""]
    rows = [
        [line.sub_account.party, line.entry_id, day(line.due), str(line.days),
         line.amount.currency, amount(line.principal), amount(line.amount), note.entry.id]
        for note in plan.notes
        for line in note.lines
    ]
    if rows:
        headers = [_w(locale, key) for key in ("party", "item", "due", "days", "currency",
                                               "principal", "interest", "note")]
        out.extend(cli._table(headers, rows, right=[3, 5, 6]))
    else:
        out.append("  " + _w(locale, "no_interest"))
    if args.out is not None:
        out.extend(["", _w(locale, "wrote", path=args.out)])
    return "\n".join(out) + "\n"


# -- fx ---------------------------------------------------------------------------------------


def _run_fx_settle(args: argparse.Namespace) -> str:
    from reskontro.settlement import apply_settlements, plan_settlement

    cli = _cli()
    ledger = cli._load_ledger(args.ledger)
    on = cli._report_date(args, ledger)
    local = ledger.local_currency
    plans = []
    for match in ledger.matches(party=args.party):
        if all(ledger.entry(i).currency == local for i in match.entry_ids):
            continue
        plan = plan_settlement(ledger, match.id, on=max(on, match.changed_on))
        if plan.entries or plan.pulled:
            plans.append(plan)
    _save(args.out, apply_settlements(ledger, plans))
    return _w(args.locale, "settled", count=len(plans), path=args.out) + "\n"


def _run_fx_revalue(args: argparse.Namespace) -> str:
    from reskontro.settlement import plan_revaluation

    cli = _cli()
    ledger = cli._load_ledger(args.ledger)
    on = cli._report_date(args, ledger)
    rates = _rates(args.rates, ledger)
    plan = plan_revaluation(ledger, rates, on=on, party=args.party)
    _save(args.out, plan.apply(ledger))
    return _w(args.locale, "revalued", count=len(plan.entries),
              day=rendering.format_day(on, args.locale),
              total=rendering.format_amount(plan.total, args.locale), path=args.out) + "\n"


def _run_fx_report(args: argparse.Namespace) -> str:
    from reskontro.settlement import fx_report

    cli = _cli()
    ledger = cli._load_ledger(args.ledger)
    end = cli._report_date(args, ledger)
    start = args.start or date(end.year, 1, 1)
    report = fx_report(ledger, start, end)
    if args.format != "text":
        return records_output([{"start": start, "end": end, **report}], args.format)
    locale = args.locale
    rows = [(_w(locale, key), rendering.format_amount(money, locale))
            for key, money in report.items()]
    out = [_w(locale, "fx_title", start=rendering.format_day(start, locale),
              end=rendering.format_day(end, locale), currency=ledger.local_currency), ""]
    width = max(len(label) for label, _ in rows)
    right = max(len(value) for _, value in rows)
    out.extend(f"  {label.ljust(width)}  {value.rjust(right)}" for label, value in rows)
    return "\n".join(out) + "\n"


# -- the parsers ------------------------------------------------------------------------------


def _common(command: argparse.ArgumentParser, *, out: bool = False, fmt: bool = False) -> None:
    cli = _cli()
    command.add_argument("--ledger", required=True, metavar="LEDGER.json",
                         help="the ledger, as saved by reskontro (JSON)")
    command.add_argument("--party", metavar="P", help="one customer only (default: all)")
    command.add_argument("--as-of", type=cli._date_argument, metavar="DATE",
                         help="the run's date (default: the day of the ledger's last event; "
                              "reskontro reads no clock)")
    command.add_argument("--locale", type=cli._locale_argument, default=cli.LOCALE,
                         help="language, numbers and dates (default: %(default)s; e.g. en_GB)")
    if out:
        command.add_argument("--out", required=True, metavar="NEW.json",
                             help="where to write the new ledger (the input is replaced only "
                                  "if this names it)")
    if fmt:
        command.add_argument("--format", choices=["text", "csv", "json"], default="text",
                             help="a table (default), or CSV / JSON records for programs")


def _dunning_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--business", action="append", default=[], metavar="P",
                         help="a customer that is a business (standardkompensasjon instead of "
                              "the reminder fee); repeat for more")
    command.add_argument("--fee-currency", choices=["local", "invoice"], default="local",
                         help="fees on foreign-currency notices in kroner (local, default) or "
                              "converted to the invoice currency (invoice: needs --rates)")
    command.add_argument("--rates", metavar="FILE",
                         help="exchange rates, CSV (currency,date,rate) or JSON")


def add_collect_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``dunning``, ``interest`` and ``fx`` on the ``reskontro`` parser."""
    dunning = commands.add_parser(
        "dunning",
        help="dunning runs: plan, record, and write the letters (purring, inkassovarsel)",
        description="Plan a dunning run on a saved ledger, record it (and post its fees) in a "
                    "new ledger, or write its letters to a folder.",
    )
    steps = dunning.add_subparsers(dest="step", metavar="STEP", required=True)
    plan = steps.add_parser("plan", help="the notices due, as a table, CSV or JSON")
    _common(plan, fmt=True)
    _dunning_options(plan)
    plan.set_defaults(run=_run_dunning_plan)
    record = steps.add_parser("record", help="record the notices as sent in a new ledger")
    _common(record, out=True)
    _dunning_options(record)
    record.add_argument("--post-fees", action="store_true",
                        help="also post the fee entries (purregebyr, standardkompensasjon)")
    record.set_defaults(run=_run_dunning_record)
    letters = steps.add_parser(
        "letters", help="write the letters of the run to a folder (text, HTML or PDF)",
        description="Write one file per letter to --dir: reminders and collection notices, "
                    "as a balance list per customer or one letter per invoice.",
    )
    _common(letters)
    _dunning_options(letters)
    letters.add_argument("--dir", required=True, metavar="FOLDER",
                         help="an existing folder; each letter is written whole or not at all")
    letters.add_argument("--format", choices=["text", "html", "pdf"], default="pdf",
                         help="pdf (default; the pdf extra), html or text")
    letters.add_argument("--layout", choices=["balance_list", "per_invoice"],
                         default="balance_list",
                         help="one letter per customer (balance_list, default) or per invoice")
    letters.add_argument("--creditor-name", required=True, metavar="NAME",
                         help="your company name, printed as the sender")
    letters.add_argument("--creditor-address", action="append", default=[], metavar="LINE",
                         help="an address line (repeat for more)")
    letters.add_argument("--org-no", metavar="NUMBER", help="your organisation number")
    letters.add_argument("--bank-account", metavar="NUMBER", help="the account to pay to")
    letters.add_argument("--iban", metavar="IBAN", help="the IBAN, for payers abroad")
    letters.add_argument("--bic", metavar="BIC", help="the bank's BIC (SWIFT)")
    letters.add_argument("--debtors", metavar="FILE.json",
                         help="names and addresses: {party: {name, address: [lines]}}")
    letters.set_defaults(run=_run_dunning_letters)

    interest = commands.add_parser(
        "interest", help="late-payment interest on overdue items (forsinkelsesrente)",
        description="Compute the late-payment interest on a saved ledger's overdue invoices "
                    "as of a date; with --out, post the interest notes in a new ledger.",
    )
    _common(interest, fmt=True)
    interest.add_argument("--out", metavar="NEW.json",
                          help="also post the interest notes and write the new ledger here")
    interest.set_defaults(run=_run_interest)

    fx = commands.add_parser(
        "fx", help="foreign currency: settle matches, revalue open items, report the result",
        description="Realize the exchange differences of foreign-currency matches, revalue "
                    "open foreign items at a closing rate, or report the exchange result.",
    )
    fx_steps = fx.add_subparsers(dest="step", metavar="STEP", required=True)
    settle = fx_steps.add_parser("settle", help="realize agio/disagio of foreign matches")
    _common(settle, out=True)
    settle.set_defaults(run=_run_fx_settle)
    revalue = fx_steps.add_parser("revalue", help="revalue open foreign items at --rates")
    _common(revalue, out=True)
    revalue.add_argument("--rates", required=True, metavar="FILE",
                         help="the closing rates, CSV (currency,date,rate) or JSON")
    revalue.set_defaults(run=_run_fx_revalue)
    report = fx_steps.add_parser("report", help="realized and unrealized exchange result")
    _common(report, fmt=True)
    report.add_argument("--from", dest="start", type=_cli()._date_argument, metavar="DATE",
                        help="the first day (default: 1 January of the --as-of year)")
    report.set_defaults(run=_run_fx_report)


__all__ = ["add_collect_commands", "records_output"]
