"""Rendering: statements as plain text, HTML, PDF and a short payment message.

Every function here is pure: it takes a value and returns a string (or, for
PDF, bytes) and touches no file, clock or environment. The **locale is a
required argument**, never the machine's: ``nb_NO`` writes ``1 250,00 kr``
and ``19.01.2026``, ``en_GB`` writes ``NOK1,250.00`` and ``19/01/2026``, and
any locale babel knows works the same way. Numbers and dates are formatted by
babel; the words on the page (headings, column titles, entry kinds) are
Norwegian for the Norwegian locales (``nb``, ``nn``, ``no``) and English for
every other one.

Amounts in plain text use ordinary spaces between thousands (babel gives a
no-break space) and an ASCII minus, so the text copies and searches as it
reads, and columns line up in any font.

=========================  ==================================================
function                   gives
=========================  ==================================================
:func:`format_amount`      one amount, with or without its currency symbol
:func:`format_day`         one date, in the locale's short form, 4-digit year
:func:`render_text`        a statement as plain text in aligned columns
:func:`render_html`        a statement as a self-contained printable HTML page
:func:`render_pdf`         a statement as PDF bytes (the ``pdf`` extra)
:func:`payment_text`       what to pay, where and how, for an SMS or e-mail
=========================  ==================================================

>>> from reskontro import Money
>>> format_amount(Money("1250", "NOK"), "nb_NO"), format_amount(Money("-1250", "NOK"), "en_GB")
('1 250,00 kr', '-NOK1,250.00')
>>> format_amount(Money("1250", "NOK"), "nb_NO", symbol=False)
'1 250,00'
>>> format_day(date(2026, 1, 19), "nb_NO")
'19.01.2026'
>>> format_amount(Money("1", "NOK"), "xx_XX")
Traceback (most recent call last):
...
reskontro.exceptions.InvalidLocaleError: unknown locale 'xx_XX' ...
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from io import BytesIO
from typing import Any, Final
from xml.sax.saxutils import escape as xml_escape

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from reskontro.currency import minor_units
from reskontro.entries import EntryKind, Side
from reskontro.exceptions import InvalidLocaleError, InvalidStatementError, MissingExtraError
from reskontro.money import Money
from reskontro.statement import Statement, StatementLine, StatementSection, StatementView

__all__ = [
    "SMS_LENGTH",
    "format_amount",
    "format_day",
    "payment_text",
    "render_html",
    "render_pdf",
    "render_text",
]

#: The length of one SMS: :func:`payment_text` stays within it where it can.
SMS_LENGTH: Final = 160

#: Widest entry text in a plain-text line; longer texts end in an ellipsis.
TEXT_WIDTH: Final = 26

_SPACES: Final = str.maketrans({"\xa0": " ", "\u202f": " ", "\u2212": "-"})


@lru_cache(maxsize=64)
def _locale(locale: str) -> Locale:
    if not isinstance(locale, str):
        raise InvalidLocaleError(
            f"locale must be a string such as 'nb_NO', got {locale!r}",
            field="locale",
            value=locale,
        )
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise InvalidLocaleError(
            f"unknown locale {locale!r}: {error}", field="locale", value=locale
        ) from None


def _plain(text: str) -> str:
    return text.translate(_SPACES)


def format_amount(money: Money, locale: str, *, symbol: bool = True) -> str:
    """Write *money* for *locale*, with the currency's minor unit of decimals.

    Args:
        money: the amount.
        locale: a babel locale identifier such as ``"nb_NO"`` or ``"en_GB"``.
        symbol: add the currency symbol (``kr``, ``€``) or code, as the
            locale places it; without it, the bare number (for columns).

    Raises:
        InvalidLocaleError: babel does not know *locale*.

    >>> from reskontro import Money
    >>> format_amount(Money("-3", "JPY"), "nb_NO"), format_amount(Money("9.5", "EUR"), "de_DE")
    ('-3 JPY', '9,50 €')
    """
    where = _locale(locale)
    if symbol:
        text = format_currency(money.amount, money.currency, locale=where)
    else:
        decimals = minor_units(money.currency)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        text = format_decimal(money.amount, format=pattern, locale=where)
    return _plain(str(text))


@lru_cache(maxsize=64)
def _date_pattern(locale: Locale) -> str:
    # The locale's short date, with the year in full: "dd.MM.yy" -> "dd.MM.y".
    return re.sub("y+", "y", str(locale.date_formats["short"].pattern))


def format_day(day: date, locale: str) -> str:
    """Write *day* in *locale*'s short date form, always with a four-digit year.

    Raises:
        InvalidLocaleError: babel does not know *locale*.

    >>> format_day(date(2026, 1, 19), "en_GB"), format_day(date(2026, 1, 19), "de_DE")
    ('19/01/2026', '19.01.2026')
    """
    where = _locale(locale)
    return _plain(str(format_date(day, _date_pattern(where), locale=where)))


# -- words -------------------------------------------------------------------------------

_ENGLISH: Final[Mapping[str, str]] = {
    "title": "Statement",
    "open_items": "Open items as of {day}",
    "period": "All entries {start} to {end}",
    "from": "From",
    "to": "To",
    "org": "Org. no.",
    "account": "Account no.",
    "party.receivable": "Customer no.",
    "party.payable": "Supplier no.",
    "date": "Date",
    "doc": "Doc. no.",
    "kind": "Type",
    "text": "Text",
    "due": "Due",
    "currency": "Currency",
    "amount": "Amount",
    "remaining": "Remaining",
    "balance": "Balance",
    "match": "Match",
    "opening": "Opening balance {day}",
    "closing": "Balance as of {day}",
    "movements": "Entries in the period",
    "in_local": "In {currency}",
    "amounts_in": "Amounts in {currency}.",
    "balance_in_local": "Amounts in each line's currency; balance in {currency}.",
    "no_lines": "(no entries)",
    "aging": "Aging of open items (in {currency})",
    "section": "Amounts in {currency}",
    "local_note": "Equivalent to {amount} at the booked exchange rates.",
    "pay_iban": "IBAN",
    "pay_bic": "BIC (SWIFT)",
    "pay_ref": "Structured reference (RF)",
    "credit": "In your favour",
    "payment": "Payment",
    "pay_amount": "Amount to pay",
    "pay_account": "To account",
    "pay_kid": "KID",
    "pay_due": "Due date",
    "pay_quote": "Mark the payment with",
    "nothing_due": "Nothing to pay.",
    "sms": "Please pay {amount} to account {account}",
    "sms_kid": " with KID {kid}",
    "sms_quote": ". Quote {label} {party}",
    "sms_due": ". Due {due}",
}

_NORWEGIAN: Final[Mapping[str, str]] = {
    "title": "Kontoutdrag",
    "open_items": "Åpne poster per {day}",
    "period": "Alle poster {start}–{end}",
    "from": "Fra",
    "to": "Til",
    "org": "Org.nr.",
    "account": "Kontonr.",
    "party.receivable": "Kundenr.",
    "party.payable": "Leverandørnr.",
    "date": "Dato",
    "doc": "Bilagsnr.",
    "kind": "Type",
    "text": "Tekst",
    "due": "Forfall",
    "currency": "Valuta",
    "amount": "Beløp",
    "remaining": "Rest",
    "balance": "Saldo",
    "match": "Kobling",
    "opening": "Inngående saldo {day}",
    "closing": "Saldo per {day}",
    "movements": "Poster i perioden",
    "in_local": "I {currency}",
    "amounts_in": "Beløp i {currency}.",
    "balance_in_local": "Beløp i postens valuta; saldo i {currency}.",
    "no_lines": "(ingen poster)",
    "aging": "Aldersfordeling av åpne poster (i {currency})",
    "section": "Beløp i {currency}",
    "local_note": "Tilsvarer {amount} etter bokførte valutakurser.",
    "pay_iban": "IBAN",
    "pay_bic": "BIC (SWIFT)",
    "pay_ref": "Strukturert referanse (RF)",
    "credit": "Til gode",
    "payment": "Betaling",
    "pay_amount": "Å betale",
    "pay_account": "Til konto",
    "pay_kid": "KID",
    "pay_due": "Forfall",
    "pay_quote": "Merk betalingen med",
    "nothing_due": "Ingenting å betale.",
    "sms": "Betal {amount} til konto {account}",
    "sms_kid": " med KID {kid}",
    "sms_quote": ". Merk betalingen med {label} {party}",
    "sms_due": ". Forfall {due}",
}

_NORWEGIAN_KINDS: Final[Mapping[EntryKind, str]] = {
    EntryKind.INVOICE: "faktura",
    EntryKind.CREDIT_NOTE: "kreditnota",
    EntryKind.PAYMENT: "innbetaling",
    EntryKind.REFUND: "utbetaling",
    EntryKind.REMINDER_FEE: "purregebyr",
    EntryKind.INTEREST: "rente",
    EntryKind.WRITE_OFF: "tapsføring",
    EntryKind.FX_GAIN: "agio",
    EntryKind.FX_LOSS: "disagio",
    EntryKind.FX_UNREALIZED_GAIN: "urealisert agio",
    EntryKind.FX_UNREALIZED_LOSS: "urealisert disagio",
    EntryKind.DISCOUNT: "rabatt",
    EntryKind.TOLERANCE: "avrunding",
    EntryKind.MANUAL: "manuell",
}

#: Aging bucket labels that have a Norwegian name (others are shown as given).
_NORWEGIAN_BUCKETS: Final[Mapping[str, str]] = {
    "not due": "ikke forfalt",
    "no due date": "uten forfall",
}


class _Words:
    """The words of a statement in one language (Norwegian or English)."""

    __slots__ = ("norwegian", "words")

    def __init__(self, locale: str) -> None:
        self.norwegian = _locale(locale).language in {"nb", "nn", "no"}
        self.words = _NORWEGIAN if self.norwegian else _ENGLISH

    def __call__(self, key: str, **values: str) -> str:
        return self.words[key].format(**values)

    def kind(self, kind: EntryKind) -> str:
        return _NORWEGIAN_KINDS[kind] if self.norwegian else kind.label

    def bucket(self, label: str) -> str:
        if not self.norwegian:
            return label
        return _NORWEGIAN_BUCKETS.get(label.casefold(), label)

    def party(self, side: Side) -> str:
        return self(f"party.{side.value}")


# -- the pieces every format shares -------------------------------------------------------


def _subtitle(statement: Statement, words: _Words, locale: str) -> str:
    if statement.view is StatementView.OPEN_ITEMS:
        return words("open_items", day=format_day(statement.as_of, locale))
    assert statement.start is not None
    return words(
        "period",
        start=format_day(statement.start, locale),
        end=format_day(statement.as_of, locale),
    )


def _details(details: Any, words: _Words) -> list[str]:
    lines = [details.name, *details.address]
    if details.organisation_number is not None:
        lines.append(f"{words('org')} {details.formatted_organisation_number}")
    if details.account_number is not None:
        lines.append(f"{words('account')} {details.formatted_account_number}")
    return lines


#: The columns of a statement's lines; the amounts are the last three.
_AMOUNTS: Final = range(5, 8)
_TEXT: Final = 3


def _headers(words: _Words) -> list[str]:
    return [words("date"), words("doc"), words("kind"), words("text"), words("due"),
            words("amount"), words("remaining"), words("balance")]


def _cells(line: StatementLine, words: _Words, locale: str) -> list[str]:
    def day(value: date | None) -> str:
        return "" if value is None else format_day(value, locale)

    return [
        day(line.posted),
        line.document_no or "",
        words.kind(line.kind),
        _line_text(line, words),
        day(line.due),
        format_amount(line.amount, locale, symbol=False),
        format_amount(line.remaining, locale, symbol=False),
        format_amount(line.balance, locale, symbol=False),
    ]


#: Kinds whose entry text the engine writes (in Norwegian): fees, interest, FX, rounding.
_GENERATED: Final = frozenset({EntryKind.REMINDER_FEE, EntryKind.INTEREST, EntryKind.FX_GAIN,
                               EntryKind.FX_LOSS, EntryKind.FX_UNREALIZED_GAIN,
                               EntryKind.FX_UNREALIZED_LOSS, EntryKind.TOLERANCE})


def _line_text(line: StatementLine, words: _Words) -> str:
    """The line's text; on a document in another language than Norwegian, the engine's own
    Norwegian texts of fees, interest and FX lines are left out (the type column names them)."""
    if not words.norwegian and line.kind in _GENERATED:
        return ""
    return line.text


def _shown(section: StatementSection) -> list[StatementLine]:
    """The lines a customer sees: no line whose amount is zero (an FX or rounding line that
    moved only the local amount)."""
    return [line for line in section.lines if not line.amount.is_zero]


def _section_title(statement: Statement, section: StatementSection, words: _Words) -> str | None:
    if len(statement.sections) <= 1:
        return None
    return words("section", currency=section.currency)


def _note(section: StatementSection, words: _Words) -> str:
    return words("amounts_in", currency=section.currency)


def _totals(
    statement: Statement, section: StatementSection, words: _Words, locale: str
) -> list[tuple[str, Money]]:
    """(label, amount) rows under a section's lines: opening, movements, balance."""
    rows: list[tuple[str, Money]] = []
    if section.opening is not None:
        assert statement.start is not None
        rows.append((words("opening", day=format_day(statement.start, locale)), section.opening))
        rows.append((words("movements"), section.balance - section.opening))
    rows.append((words("closing", day=format_day(statement.as_of, locale)), section.balance))
    return rows


def _local_note(
    statement: Statement, section: StatementSection, words: _Words, locale: str
) -> str | None:
    if section.currency == statement.local_currency:
        return None
    return words("local_note", amount=format_amount(section.balance_local, locale))


def _payment_rows(
    statement: Statement, section: StatementSection, words: _Words, locale: str
) -> list[tuple[str, str]]:
    if section.credit is not None:
        return [(words("credit"), format_amount(section.credit, locale))]
    payment = section.payment
    if payment is None:
        return []
    rows = [(words("pay_amount"), format_amount(payment.amount, locale))]
    if payment.account_number is not None:
        rows.append((words("pay_account"), payment.formatted_account_number))
    if payment.iban is not None:
        rows.append((words("pay_iban"), payment.formatted_iban or ""))
    if payment.bic is not None:
        rows.append((words("pay_bic"), payment.bic))
    if payment.kid is not None:
        rows.append((words("pay_kid"), payment.kid))
        if payment.amount.currency != statement.local_currency or payment.account_number is None:
            rows.append((words("pay_ref"), payment.structured_reference or ""))
    else:
        rows.append((words("pay_quote"), f"{words.party(statement.side)} {payment.party}"))
    if payment.due is not None:
        rows.append((words("pay_due"), format_day(payment.due, locale)))
    return rows


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _check(statement: object) -> Statement:
    if not isinstance(statement, Statement):
        raise InvalidStatementError(
            f"expected a Statement, got {type(statement).__name__}",
            field="statement",
            value=statement,
        )
    return statement


# -- plain text ---------------------------------------------------------------------------


def _columns(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Sequence[int],
    *,
    wrap: int | None = None,
    footer: Sequence[str] | None = None,
) -> list[str]:
    """Rows in aligned columns; the cells of column *wrap* wrap at :data:`TEXT_WIDTH`."""
    split: list[list[list[str]]] = [
        [
            (textwrap.wrap(cell, TEXT_WIDTH, break_long_words=True) or [""])
            if i == wrap else [cell]
            for i, cell in enumerate(row)
        ]
        for row in rows
    ]
    every = [[[h] for h in headers], *split]
    if footer is not None:
        every.append([[cell] for cell in footer])
    widths = [max(len(part) for row in every for part in row[i]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(headers), rule]
    for row in split:
        height = max(len(parts) for parts in row)
        out.extend(
            line([parts[n] if n < len(parts) else "" for parts in row]) for n in range(height)
        )
    if footer is not None:
        out.extend([rule, line(footer)])
    return out


def _pairs(rows: Sequence[tuple[str, str]], indent: str = "") -> list[str]:
    if not rows:
        return []
    left = max(len(label) for label, _ in rows)
    right = max(len(value) for _, value in rows)
    return [f"{indent}{label.ljust(left)}  {value.rjust(right)}" for label, value in rows]


def render_text(statement: Statement, *, locale: str) -> str:
    """The statement as plain text: parties, lines in aligned columns, totals, aging, payment.

    Texts longer than :data:`TEXT_WIDTH` characters wrap onto more lines in
    their column, so the columns stay aligned and nothing is cut. A statement
    with lines in more than one currency has a section per currency, each
    with its own balance and payment instruction.

    Args:
        statement: the statement to render.
        locale: a babel locale identifier such as ``"nb_NO"`` or ``"en_GB"``.

    Returns:
        The text, lines ending in newlines.

    Raises:
        InvalidLocaleError: babel does not know *locale*.

    >>> from reskontro import Entry, Ledger, Money
    >>> from reskontro.statement import PartyDetails, Statement
    >>> ledger = Ledger("NOK").post(Entry.invoice(
    ...     "F-1", party="10001", amount=Money("1250", "NOK"), posted=date(2026, 1, 5),
    ...     due=date(2026, 1, 19), document_no="1001"))
    >>> s = Statement.open_items(ledger, "10001", as_of=date(2026, 1, 9),
    ...                          creditor=PartyDetails(name="Kaffegrossisten AS"))
    >>> print(render_text(s, locale="nb_NO"))  # doctest: +ELLIPSIS
    KONTOUTDRAG
    Åpne poster per 09.01.2026
    ...
    Dato        Bilagsnr.  Type     Tekst  Forfall        Beløp      Rest     Saldo
    ----------  ---------  -------  -----  ----------  --------  --------  --------
    05.01.2026  1001       faktura         19.01.2026  1 250,00  1 250,00  1 250,00
    ...
    """
    statement = _check(statement)
    words = _Words(locale)
    out = [words("title").upper(), _subtitle(statement, words, locale), ""]
    out.append(f"{words('from')}:")
    out.extend(f"  {line}" for line in _details(statement.creditor, words))
    if statement.debtor is not None:
        out.append(f"{words('to')}:")
        out.extend(f"  {line}" for line in _details(statement.debtor, words))
    out.extend([f"{words.party(statement.side)} {statement.party}", ""])
    for section in statement.sections:
        title = _section_title(statement, section, words)
        if title is not None:
            out.extend([title.upper(), ""])
        rows = [_cells(line, words, locale) for line in _shown(section)]
        if rows:
            out.extend(_columns(_headers(words), rows, _AMOUNTS, wrap=_TEXT))
        else:
            out.append(words("no_lines"))
        out.extend([_note(section, words), ""])
        totals = [(label, format_amount(m, locale))
                  for label, m in _totals(statement, section, words, locale)]
        out.extend(_pairs(totals))
        note = _local_note(statement, section, words, locale)
        if note is not None:
            out.append(note)
        out.extend(["", f"{words('payment')}:"])
        payment = _payment_rows(statement, section, words, locale)
        out.extend(_pairs(payment, "  ") if payment else [f"  {words('nothing_due')}"])
        out.append("")
    if statement.aging:
        out.append(f"{words('aging', currency=statement.local_currency)}:")
        aging = [
            (words.bucket(label), format_amount(m, locale)) for label, m in statement.aging
        ]
        out.extend(_pairs(aging, "  "))
    return "\n".join(out).rstrip("\n") + "\n"


# -- HTML ---------------------------------------------------------------------------------

_CSS: Final = """\
body { font-family: Helvetica, Arial, sans-serif; font-size: 10pt; color: #111;
  max-width: 60em; margin: 2em auto; }
h1 { font-size: 16pt; margin-bottom: 0; }
h2 { font-size: 11pt; margin: 1.5em 0 0.3em; }
.subtitle { margin-top: 0.2em; color: #444; }
.parties { display: flex; gap: 4em; margin: 1em 0; }
.parties p { margin: 0; }
table { border-collapse: collapse; }
th, td { padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
thead th { border-bottom: 1px solid #111; }
tr.total th, tr.total td { border-top: 1px solid #111; font-weight: bold; }
.amount { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.negative { color: #a00; }
.note { color: #444; }
.legal { border: 1px solid #111; padding: 0.5em 0.8em; }
@media print { body { margin: 0; } }
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _amount_cell(money: Money, text: str, tag: str = "td") -> str:
    css = "amount negative" if money.is_negative else "amount"
    return f'<{tag} class="{css}">{_esc(text)}</{tag}>'


def _html_details(title: str, lines: Sequence[str]) -> str:
    body = "<br>".join(_esc(line) for line in lines)
    return f"<div><h2>{_esc(title)}</h2><p>{body}</p></div>"


def _html_head(title: str, language: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        f'<html lang="{_esc(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_esc(title)}</title>",
        f"<style>\n{_CSS}</style>",
        "</head>",
        "<body>",
    ]


def _html_pairs(rows: Sequence[tuple[str, str]], css: str, bold: str | None = None) -> list[str]:
    out = [f'<table class="{css}">']
    for label, value in rows:
        row = ' class="total"' if label == bold else ""
        out.append(
            f'<tr{row}><th>{_esc(label)}</th><td class="amount">{_esc(value)}</td></tr>'
        )
    out.append("</table>")
    return out


def render_html(statement: Statement, *, locale: str) -> str:
    """The statement as one self-contained, printable HTML page.

    The page needs nothing else (no scripts, fonts or style sheets to fetch):
    a short inline style sheet lays it out for screen and paper. Every text
    from the caller or the ledger (names, addresses, entry texts, document
    numbers, ids) is HTML-escaped. Amount cells have the class ``amount``, and
    negative ones also ``negative`` (red).

    Args:
        statement: the statement to render.
        locale: a babel locale identifier; also the page's ``lang``.

    Raises:
        InvalidLocaleError: babel does not know *locale*.

    >>> from reskontro import Entry, Ledger, Money
    >>> from reskontro.statement import PartyDetails, Statement
    >>> ledger = Ledger("NOK").post(Entry.invoice(
    ...     "F-1", party="10001", amount=Money("1250", "NOK"), posted=date(2026, 1, 5),
    ...     text="<b>Kaffe</b>"))
    >>> page = render_html(Statement.open_items(ledger, "10001", as_of=date(2026, 1, 9),
    ...                    creditor=PartyDetails(name="A & B AS")), locale="nb_NO")
    >>> page.startswith("<!DOCTYPE html>"), "&lt;b&gt;Kaffe&lt;/b&gt;" in page, "A &amp; B" in page
    (True, True, True)
    """
    statement = _check(statement)
    words = _Words(locale)
    title = f"{words('title')} {statement.party}"
    if statement.debtor is not None:
        title += f" – {statement.debtor.name}"
    parts = _html_head(title, _locale(locale).language)
    parts += [
        f"<h1>{_esc(words('title'))}</h1>",
        f'<p class="subtitle">{_esc(_subtitle(statement, words, locale))}</p>',
        '<div class="parties">',
        _html_details(words("from"), _details(statement.creditor, words)),
    ]
    if statement.debtor is not None:
        parts.append(_html_details(words("to"), _details(statement.debtor, words)))
    parts.append("</div>")
    parts.append(f"<p>{_esc(words.party(statement.side))} {_esc(statement.party)}</p>")
    closing = words("closing", day=format_day(statement.as_of, locale))
    for section in statement.sections:
        heading = _section_title(statement, section, words)
        if heading is not None:
            parts.append(f"<h2>{_esc(heading)}</h2>")
        parts.extend(_html_lines(section, words, locale))
        parts.append(f'<p class="note">{_esc(_note(section, words))}</p>')
        parts.append('<table class="totals">')
        for label, money in _totals(statement, section, words, locale):
            row = ' class="total"' if label == closing else ""
            parts.append(
                f"<tr{row}><th>{_esc(label)}</th>"
                f"{_amount_cell(money, format_amount(money, locale))}</tr>"
            )
        parts.append("</table>")
        note = _local_note(statement, section, words, locale)
        if note is not None:
            parts.append(f'<p class="note">{_esc(note)}</p>')
        parts.append(f"<h2>{_esc(words('payment'))}</h2>")
        payment = _payment_rows(statement, section, words, locale)
        if payment:
            parts.append('<table class="payment">')
            parts.extend(
                f"<tr><th>{_esc(label)}</th><td>{_esc(value)}</td></tr>"
                for label, value in payment
            )
            parts.append("</table>")
        else:
            parts.append(f"<p>{_esc(words('nothing_due'))}</p>")
    if statement.aging:
        parts.append(f"<h2>{_esc(words('aging', currency=statement.local_currency))}</h2>")
        parts.append('<table class="aging">')
        parts.append(
            "<thead><tr>"
            + "".join(
                f'<th class="amount">{_esc(words.bucket(label))}</th>'
                for label, _ in statement.aging
            )
            + "</tr></thead>"
        )
        parts.append(
            "<tbody><tr>"
            + "".join(_amount_cell(m, format_amount(m, locale)) for _, m in statement.aging)
            + "</tr></tbody>"
        )
        parts.append("</table>")
    parts.extend(["</body>", "</html>"])
    return "\n".join(parts) + "\n"


def _html_lines(section: StatementSection, words: _Words, locale: str) -> list[str]:
    shown = _shown(section)
    if not shown:
        return [f"<p>{_esc(words('no_lines'))}</p>"]
    headers = _headers(words)
    out = ['<table class="lines">', "<thead><tr>"]
    out.extend(
        f'<th class="amount">{_esc(h)}</th>' if i in _AMOUNTS else f"<th>{_esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    out.append("</tr></thead>")
    out.append("<tbody>")
    for line in shown:
        cells = _cells(line, words, locale)
        money = iter((line.amount, line.remaining, line.balance))
        row = "".join(
            _amount_cell(next(money), cell) if i in _AMOUNTS else f"<td>{_esc(cell)}</td>"
            for i, cell in enumerate(cells)
        )
        out.append(f"<tr>{row}</tr>")
    out.append("</tbody>")
    out.append("</table>")
    return out


# -- PDF ----------------------------------------------------------------------------------


def _reportlab() -> Any:
    try:  # the optional extra, imported only when a PDF is asked for
        import reportlab.platypus
    except ImportError:
        raise MissingExtraError(
            'PDF output needs reportlab, which is not installed: pip install "reskontro[pdf]"',
            field="extra",
            value="pdf",
        ) from None
    return reportlab.platypus


#: The font size of table cells in PDFs, and the padding reportlab puts around a cell.
_PDF_SIZE: Final = 8
_PDF_PAD: Final = 12.0


def _pdf_widths(
    data: Sequence[Sequence[str]], wrap: int | None, available: float
) -> tuple[list[float], bool]:
    """Column widths that follow the content; *wrap* takes what is left (at least 30 mm).

    Returns the widths and whether the table needs a landscape page.
    """
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def width(text: str, bold: bool) -> float:
        font = "Helvetica-Bold" if bold else "Helvetica"
        return float(stringWidth(text, font, _PDF_SIZE)) + _PDF_PAD

    columns = len(data[0])
    widths = [
        max(width(str(row[i]), n == 0) for n, row in enumerate(data)) for i in range(columns)
    ]
    if wrap is None:
        return widths, sum(widths) > available
    others = sum(w for i, w in enumerate(widths) if i != wrap)
    minimum = max(30 * mm, width(str(data[0][wrap]), True))
    room = available - others
    widths[wrap] = max(room, minimum)  # the text column fills the line; its texts wrap
    return widths, others + minimum > available


def _pdf_table(
    data: Sequence[Sequence[str]],
    *,
    amounts: Sequence[int],
    wrap: int | None,
    available: float,
    negatives: Sequence[tuple[int, int]] = (),
    footer: bool = False,
) -> tuple[Any, bool]:
    """A reportlab table whose columns follow their content; texts in column *wrap* wrap."""
    platypus = _reportlab()
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet

    widths, landscape = _pdf_widths(data, wrap, available)
    small = getSampleStyleSheet()["Normal"].clone(
        "cell", fontName="Helvetica", fontSize=_PDF_SIZE, leading=_PDF_SIZE + 2
    )
    cells: list[list[Any]] = [list(row) for row in data]
    if wrap is not None:
        for cell_row in cells[1:]:
            cell_row[wrap] = platypus.Paragraph(xml_escape(str(cell_row[wrap])), small)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", _PDF_SIZE),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", _PDF_SIZE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    style.extend(("ALIGN", (column, 0), (column, -1), "RIGHT") for column in amounts)
    style.extend(("TEXTCOLOR", (column, at), (column, at), colors.darkred)
                 for column, at in negatives)
    if footer:
        style += [("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                  ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", _PDF_SIZE)]
    table = platypus.Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(platypus.TableStyle(style))
    return table, landscape


def _pdf_document(story: list[Any], *, title: str, author: str, landscape: bool) -> bytes:
    platypus = _reportlab()
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.lib.units import mm

    buffer = BytesIO()
    document = platypus.SimpleDocTemplate(
        buffer,
        pagesize=turned(A4) if landscape else A4,
        invariant=1,
        title=title,
        author=author,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    document.build(story)
    return buffer.getvalue()


def _pdf_available(landscape: bool) -> float:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    return float((A4[1] if landscape else A4[0]) - 30 * mm)


def _pdf_pairs(rows: Sequence[tuple[str, str]], *, bold_last: bool = False) -> Any:
    platypus = _reportlab()
    # on the right, so the amounts end under the amount column of the lines above
    table = platypus.Table([list(row) for row in rows], hAlign="RIGHT")
    style: list[tuple[Any, ...]] = [("ALIGN", (1, 0), (1, -1), "RIGHT"),
                                    ("FONT", (0, 0), (-1, -1), "Helvetica", 9)]
    if bold_last:
        style.append(("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9))
    table.setStyle(platypus.TableStyle(style))
    return table


def render_pdf(statement: Statement, *, locale: str) -> bytes:
    """The statement as a PDF document (A4), returned as bytes.

    Needs the optional ``pdf`` extra (reportlab), imported only when this
    function is called: ``pip install "reskontro[pdf]"``. The document is
    reproducible: the same statement and locale give the same bytes (no
    creation time is embedded). It uses the PDF core font Helvetica, which
    covers Norwegian letters and the euro sign. Column widths follow their
    content; long texts wrap in their column, and the page turns to landscape
    only when the columns would not fit across a portrait page.

    Args:
        statement: the statement to render.
        locale: a babel locale identifier such as ``"nb_NO"``.

    Raises:
        MissingExtraError: reportlab is not installed (``extra`` is ``"pdf"``).
        InvalidLocaleError: babel does not know *locale*.

    >>> from reskontro import Entry, Ledger, Money
    >>> from reskontro.statement import PartyDetails, Statement
    >>> ledger = Ledger("NOK").post(Entry.invoice(
    ...     "F-1", party="10001", amount=Money("1250", "NOK"), posted=date(2026, 1, 5)))
    >>> pdf = render_pdf(Statement.open_items(ledger, "10001", as_of=date(2026, 1, 9),
    ...                  creditor=PartyDetails(name="Kaffegrossisten AS")), locale="nb_NO")
    >>> pdf[:5]
    b'%PDF-'
    """
    statement = _check(statement)
    words = _Words(locale)
    platypus = _reportlab()
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm

    styles = getSampleStyleSheet()
    body, small = styles["Normal"], styles["Normal"].clone("small", fontSize=8, leading=10)

    def para(text: str, style: Any = body) -> Any:
        return platypus.Paragraph(xml_escape(text), style)

    story: list[Any] = [
        platypus.Paragraph(xml_escape(words("title")), styles["Title"]),
        para(_subtitle(statement, words, locale)),
        platypus.Spacer(1, 5 * mm),
        _pdf_parties(statement.creditor, statement.debtor, words),
        platypus.Spacer(1, 3 * mm),
        para(f"{words.party(statement.side)} {statement.party}"),
        platypus.Spacer(1, 4 * mm),
    ]
    landscape = False
    tables: list[Any] = []
    for section in statement.sections:
        shown = _shown(section)
        if not shown:
            tables.append(None)
            continue
        data = [_headers(words), *(_cells(line, words, locale) for line in shown)]
        negatives = [
            (column, row)
            for row, line in enumerate(shown, start=1)
            for column, money in zip(_AMOUNTS, (line.amount, line.remaining, line.balance),
                                     strict=True)
            if money.is_negative
        ]
        table, wide = _pdf_table(data, amounts=_AMOUNTS, wrap=_TEXT,
                                 available=_pdf_available(False), negatives=negatives)
        if wide:
            landscape = True
            table, _ = _pdf_table(data, amounts=_AMOUNTS, wrap=_TEXT,
                                  available=_pdf_available(True), negatives=negatives)
        tables.append(table)
    for section, table in zip(statement.sections, tables, strict=True):
        heading = _section_title(statement, section, words)
        if heading is not None:
            story += [platypus.Spacer(1, 3 * mm), para(heading, styles["Heading3"])]
        story.append(table if table is not None else para(words("no_lines")))
        story += [platypus.Spacer(1, 2 * mm), para(_note(section, words), small),
                  platypus.Spacer(1, 3 * mm)]
        totals = [(label, format_amount(m, locale))
                  for label, m in _totals(statement, section, words, locale)]
        story.append(_pdf_pairs(totals, bold_last=True))
        note = _local_note(statement, section, words, locale)
        if note is not None:
            story += [platypus.Spacer(1, 1 * mm), para(note, small)]
        story += [platypus.Spacer(1, 4 * mm), para(words("payment"), styles["Heading4"])]
        payment = _payment_rows(statement, section, words, locale)
        if payment:
            pay = platypus.Table([list(row) for row in payment], hAlign="LEFT")
            pay.setStyle(platypus.TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9)]))
            story.append(pay)
        else:
            story.append(para(words("nothing_due")))
    if statement.aging:
        story += [platypus.Spacer(1, 4 * mm),
                  para(words("aging", currency=statement.local_currency), styles["Heading4"])]
        aging = platypus.Table(
            [[words.bucket(label) for label, _ in statement.aging],
             [format_amount(m, locale) for _, m in statement.aging]],
            hAlign="LEFT",
        )
        aging.setStyle(platypus.TableStyle([("ALIGN", (0, 0), (-1, -1), "RIGHT"),
                                            ("FONT", (0, 0), (-1, -1), "Helvetica", 8)]))
        story.append(aging)
    return _pdf_document(story, title=f"{words('title')} {statement.party}",
                         author=statement.creditor.name, landscape=landscape)


def _pdf_parties(creditor: Any, debtor: Any, words: _Words) -> Any:
    platypus = _reportlab()
    from reportlab.lib.styles import getSampleStyleSheet

    body = getSampleStyleSheet()["Normal"]

    def block(title: str, lines: Sequence[str]) -> Any:
        return platypus.Paragraph(
            f"<b>{xml_escape(title)}</b><br/>" + "<br/>".join(xml_escape(t) for t in lines),
            body,
        )

    heads = [block(words("from"), _details(creditor, words))]
    if debtor is not None:
        heads.append(block(words("to"), _details(debtor, words)))
    table = platypus.Table([heads], hAlign="LEFT")
    table.setStyle(platypus.TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


# -- payment message ----------------------------------------------------------------------


def payment_text(statement: Statement, *, locale: str) -> str:
    """A short payment message for an SMS or e-mail: amount, account, KID, due date.

    It starts with the creditor's name and stays within :data:`SMS_LENGTH`
    (160) characters where it can: when it would not, the name is left out.
    Without a KID it asks the payer to quote the party number.

    Args:
        statement: a statement with a payment instruction.
        locale: a babel locale identifier such as ``"nb_NO"``.

    Raises:
        InvalidStatementError: the statement has nothing to pay (its
            ``payment`` is ``None``: nothing owed, or the creditor has no
            account number).
        InvalidLocaleError: babel does not know *locale*.

    >>> from reskontro import Entry, Ledger, Money
    >>> from reskontro.statement import PartyDetails, Statement
    >>> ledger = Ledger("NOK").post(Entry.invoice(
    ...     "F-1", party="10001", amount=Money("1250", "NOK"), posted=date(2026, 1, 5),
    ...     due=date(2026, 1, 19), reference="100010010013"))
    >>> s = Statement.open_items(ledger, "10001", as_of=date(2026, 1, 9), creditor=PartyDetails(
    ...     name="Kaffegrossisten AS", account_number="8601 11 17947"))
    >>> print(payment_text(s, locale="nb_NO"))
    Kaffegrossisten AS: Betal 1 250,00 kr til konto 8601.11.17947 med KID 100010010013.
    Forfall 19.01.2026.
    >>> print(payment_text(s, locale="en_GB"))
    Kaffegrossisten AS: Please pay NOK1,250.00 to account 8601.11.17947 with KID
    100010010013. Due 19/01/2026.
    """
    statement = _check(statement)
    words = _Words(locale)
    payment = statement.payment
    if payment is None:
        raise InvalidStatementError(
            f"the statement of party {statement.party!r} has nothing to pay (nothing is owed, "
            "or the creditor has no account number)",
            field="payment",
            value=None,
        )
    text = words(
        "sms",
        amount=format_amount(payment.amount, locale),
        account=payment.formatted_account_number,
    )
    if payment.kid is not None:
        text += words("sms_kid", kid=payment.kid)
    else:
        text += words("sms_quote", label=words.party(statement.side).lower(), party=payment.party)
    if payment.due is not None:
        text += words("sms_due", due=format_day(payment.due, locale))
    text += "."
    named = f"{statement.creditor.name}: {text}"
    return named if len(named) <= SMS_LENGTH else text
