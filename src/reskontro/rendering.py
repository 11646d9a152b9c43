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
from reskontro.statement import Statement, StatementLine, StatementView

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
    "aging": "Aging of open items",
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
    "aging": "Aldersfordeling av åpne poster",
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


def _headers(statement: Statement, words: _Words) -> list[str]:
    headers = [words("date"), words("doc"), words("kind"), words("text"), words("due")]
    if statement.mixed_currencies:
        headers.append(words("currency"))
    headers += [words("amount"), words("remaining"), words("balance"), words("match")]
    return headers


def _cells(line: StatementLine, statement: Statement, words: _Words, locale: str) -> list[str]:
    def day(value: date | None) -> str:
        return "" if value is None else format_day(value, locale)

    cells = [
        day(line.posted),
        line.document_no or "",
        words.kind(line.kind),
        line.text,
        day(line.due),
    ]
    if statement.mixed_currencies:
        cells.append(line.amount.currency)
    cells += [
        format_amount(line.amount, locale, symbol=False),
        format_amount(line.remaining, locale, symbol=False),
        format_amount(line.balance, locale, symbol=False),
        line.match_id or "",
    ]
    return cells


def _amount_columns(statement: Statement) -> range:
    first = 6 if statement.mixed_currencies else 5
    return range(first, first + 3)


def _note(statement: Statement, words: _Words) -> str:
    if statement.mixed_currencies:
        return words("balance_in_local", currency=statement.currency)
    return words("amounts_in", currency=statement.currency)


def _totals(statement: Statement, words: _Words, locale: str) -> list[tuple[str, Money]]:
    """(label, amount) rows under the lines: opening, movements, balance, per currency."""
    rows: list[tuple[str, Money]] = []
    day = format_day(statement.as_of, locale)
    if statement.opening is not None:
        assert statement.start is not None
        before = statement.opening_amount
        assert before is not None
        rows.append((words("opening", day=format_day(statement.start, locale)), before))
        rows.append((words("movements"), statement.in_currency(statement.total)))
    rows.append((words("closing", day=day), statement.balance_amount))
    local = statement.local_currency
    rows.extend(
        (money.currency, money)
        for money in statement.balance.by_currency
        if money.currency not in (statement.currency, local)
    )
    if statement.currency != local or any(
        m.currency != local for m in statement.balance.by_currency
    ):
        rows.append((words("in_local", currency=local), statement.balance.local))
    return rows


def _payment_rows(statement: Statement, words: _Words, locale: str) -> list[tuple[str, str]]:
    payment = statement.payment
    if payment is None:
        return []
    rows = [
        (words("pay_amount"), format_amount(payment.amount, locale)),
        (words("pay_account"), payment.formatted_account_number),
    ]
    if payment.kid is not None:
        rows.append((words("pay_kid"), payment.kid))
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
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int]
) -> list[str]:
    widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


def _pairs(rows: Sequence[tuple[str, str]], indent: str = "") -> list[str]:
    if not rows:
        return []
    left = max(len(label) for label, _ in rows)
    right = max(len(value) for _, value in rows)
    return [f"{indent}{label.ljust(left)}  {value.rjust(right)}" for label, value in rows]


def render_text(statement: Statement, *, locale: str) -> str:
    """The statement as plain text: parties, lines in aligned columns, totals, aging, payment.

    Texts longer than :data:`TEXT_WIDTH` characters are cut with an ellipsis
    so the columns stay readable; :func:`render_html` shows them whole.

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
    Dato        Bilagsnr.  Type     Tekst  Forfall        Beløp      Rest     Saldo  Kobling
    ----------  ---------  -------  -----  ----------  --------  --------  --------  -------
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
    rows = [_cells(line, statement, words, locale) for line in statement.lines]
    for row in rows:
        row[3] = _shorten(row[3], TEXT_WIDTH)
    if rows:
        out.extend(_columns(_headers(statement, words), rows, _amount_columns(statement)))
    else:
        out.append(words("no_lines"))
    out.extend([_note(statement, words), ""])
    totals = [(label, format_amount(m, locale)) for label, m in _totals(statement, words, locale)]
    out.extend(_pairs(totals))
    if statement.aging:
        out.extend(["", f"{words('aging')}:"])
        aging = [
            (words.bucket(label), format_amount(m, locale)) for label, m in statement.aging
        ]
        out.extend(_pairs(aging, "  "))
    out.extend(["", f"{words('payment')}:"])
    payment = _payment_rows(statement, words, locale)
    out.extend(_pairs(payment, "  ") if payment else [f"  {words('nothing_due')}"])
    return "\n".join(out) + "\n"


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
    language = _locale(locale).language
    title = f"{words('title')} {statement.party}"
    if statement.debtor is not None:
        title += f" – {statement.debtor.name}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_esc(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_esc(title)}</title>",
        f"<style>\n{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_esc(words('title'))}</h1>",
        f'<p class="subtitle">{_esc(_subtitle(statement, words, locale))}</p>',
        '<div class="parties">',
        _html_details(words("from"), _details(statement.creditor, words)),
    ]
    if statement.debtor is not None:
        parts.append(_html_details(words("to"), _details(statement.debtor, words)))
    parts.append("</div>")
    parts.append(f"<p>{_esc(words.party(statement.side))} {_esc(statement.party)}</p>")
    parts.extend(_html_lines(statement, words, locale))
    parts.append(f"<p>{_esc(_note(statement, words))}</p>")
    parts.append('<table class="totals">')
    closing = words("closing", day=format_day(statement.as_of, locale))
    for label, money in _totals(statement, words, locale):
        row = ' class="total"' if label == closing else ""
        parts.append(
            f"<tr{row}><th>{_esc(label)}</th>"
            f"{_amount_cell(money, format_amount(money, locale))}</tr>"
        )
    parts.append("</table>")
    if statement.aging:
        parts.append(f"<h2>{_esc(words('aging'))}</h2>")
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
    parts.append(f"<h2>{_esc(words('payment'))}</h2>")
    payment = _payment_rows(statement, words, locale)
    if payment:
        parts.append('<table class="payment">')
        parts.extend(
            f"<tr><th>{_esc(label)}</th><td>{_esc(value)}</td></tr>" for label, value in payment
        )
        parts.append("</table>")
    else:
        parts.append(f"<p>{_esc(words('nothing_due'))}</p>")
    parts.extend(["</body>", "</html>"])
    return "\n".join(parts) + "\n"


def _html_lines(statement: Statement, words: _Words, locale: str) -> list[str]:
    if not statement.lines:
        return [f"<p>{_esc(words('no_lines'))}</p>"]
    amounts = set(_amount_columns(statement))
    headers = _headers(statement, words)
    out = ['<table class="lines">', "<thead><tr>"]
    out.extend(
        f'<th class="amount">{_esc(h)}</th>' if i in amounts else f"<th>{_esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    out.append("</tr></thead>")
    out.append("<tbody>")
    for line in statement.lines:
        cells = _cells(line, statement, words, locale)
        money = iter((line.amount, line.remaining, line.balance))
        row = "".join(
            _amount_cell(next(money), cell) if i in amounts else f"<td>{_esc(cell)}</td>"
            for i, cell in enumerate(cells)
        )
        out.append(f"<tr>{row}</tr>")
    out.append("</tbody>")
    out.append("</table>")
    return out


# -- PDF ----------------------------------------------------------------------------------


def render_pdf(statement: Statement, *, locale: str) -> bytes:
    """The statement as a PDF document (A4), returned as bytes.

    Needs the optional ``pdf`` extra (reportlab), imported only when this
    function is called: ``pip install "reskontro[pdf]"``. The document is
    reproducible: the same statement and locale give the same bytes (no
    creation time is embedded). It uses the PDF core font Helvetica, which
    covers Norwegian letters and the euro sign.

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
    try:  # the optional extra, imported only when a PDF is asked for
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    except ImportError:
        raise MissingExtraError(
            'render_pdf() needs reportlab, which is not installed: pip install "reskontro[pdf]"',
            field="extra",
            value="pdf",
        ) from None

    styles = getSampleStyleSheet()
    body, small = styles["Normal"], styles["Normal"].clone("small", fontSize=8, leading=10)

    def para(text: str, style: Any = body) -> Any:
        return Paragraph(xml_escape(text), style)

    def block(title: str, lines: Sequence[str]) -> Any:
        return Paragraph(
            f"<b>{xml_escape(title)}</b><br/>" + "<br/>".join(xml_escape(t) for t in lines),
            body,
        )

    story: list[Any] = [
        Paragraph(xml_escape(words("title")), styles["Title"]),
        para(_subtitle(statement, words, locale)),
        Spacer(1, 5 * mm),
    ]
    heads = [block(words("from"), _details(statement.creditor, words))]
    if statement.debtor is not None:
        heads.append(block(words("to"), _details(statement.debtor, words)))
    story += [Table([heads], hAlign="LEFT"), Spacer(1, 3 * mm)]
    story += [para(f"{words.party(statement.side)} {statement.party}"), Spacer(1, 4 * mm)]
    amounts = list(_amount_columns(statement))
    if statement.lines:
        data: list[list[Any]] = [_headers(statement, words)]
        for line in statement.lines:
            cells: list[Any] = _cells(line, statement, words, locale)
            cells[3] = para(line.text, small)
            data.append(cells)
        style = [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ("ALIGN", (amounts[0], 0), (amounts[-1], -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for row, line in enumerate(statement.lines, start=1):
            for column, money in zip(amounts, (line.amount, line.remaining, line.balance),
                                     strict=True):
                if money.is_negative:
                    style.append(("TEXTCOLOR", (column, row), (column, row), colors.darkred))
        widths: list[float | None] = [None] * len(data[0])
        widths[3] = 45 * mm
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(style))
        story.append(table)
    else:
        story.append(para(words("no_lines")))
    story += [Spacer(1, 2 * mm), para(_note(statement, words), small), Spacer(1, 4 * mm)]
    totals = [[label, format_amount(m, locale)] for label, m in _totals(statement, words, locale)]
    total_table = Table(totals, hAlign="LEFT")
    total_table.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT"),
                                     ("FONT", (0, 0), (-1, -1), "Helvetica", 9)]))
    story.append(total_table)
    if statement.aging:
        story += [Spacer(1, 4 * mm), para(words("aging"), styles["Heading4"])]
        aging = Table(
            [[words.bucket(label) for label, _ in statement.aging],
             [format_amount(m, locale) for _, m in statement.aging]],
            hAlign="LEFT",
        )
        aging.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "RIGHT"),
                                   ("FONT", (0, 0), (-1, -1), "Helvetica", 8)]))
        story.append(aging)
    story += [Spacer(1, 4 * mm), para(words("payment"), styles["Heading4"])]
    payment = _payment_rows(statement, words, locale)
    if payment:
        pay = Table([list(row) for row in payment], hAlign="LEFT")
        pay.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9)]))
        story.append(pay)
    else:
        story.append(para(words("nothing_due")))
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        title=f"{words('title')} {statement.party}",
        author=statement.creditor.name,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    document.build(story)
    return buffer.getvalue()


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
