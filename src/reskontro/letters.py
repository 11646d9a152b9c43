"""Dunning letters: reminders (purring) and collection notices (inkassovarsel) as documents.

A dunning run (:func:`reskontro.dunning.plan_dunning`) proposes
:class:`~reskontro.dunning.Notice` values; this module turns a notice into the
letters a customer receives, and renders them as plain text, HTML or PDF in
Norwegian (``nb_NO``) or English (``en_GB``), like statements
(:mod:`reskontro.rendering`).

Two layouts, the ones users of Norwegian invoicing systems know:

* :attr:`LetterLayout.PER_INVOICE` ("ser ut som fakturaen"): one letter per
  overdue invoice, with that invoice's KID; the notice's fee is on the first
  letter only, because the notice charges it once.
* :attr:`LetterLayout.BALANCE_LIST` ("saldoliste"): one letter per customer
  listing every item of the notice, with one total.

A letter shows the items (invoice number, invoice date, due date, days
overdue, amount, what is left, interest), the fee with its name, the total,
the payment deadline and how to pay (account number; IBAN, BIC and the RF
reference for payers abroad). A collection notice also says what the law
requires (inkassoloven § 9): that the claim goes to debt collection if it is
not paid by the deadline, which is at least 14 days after the notice was
sent, and what that may cost. Amounts are in the items' currency; a fee
charged in kroner on a notice in another currency is its own line, payable
in kroner, and the kroner equivalent of the rest is a note.

No internal ids (entry ids, match ids) are printed: the customer knows its
invoices by their numbers.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> from reskontro.dunning import plan_dunning
>>> from reskontro.statement import PartyDetails
>>> ledger = Ledger("NOK").post(Entry.invoice(
...     "F-1", party="10001", amount=Money("1250", "NOK"), posted=date(2026, 1, 5),
...     due=date(2026, 1, 19), document_no="1001", reference="100010010013"))
>>> notice, = plan_dunning(ledger, None, date(2026, 2, 2)).notices
>>> us = PartyDetails(name="Kaffegrossisten AS", account_number="8601 11 17947")
>>> letter, = dunning_letters(notice, creditor=us)
>>> letter.total, letter.kid
(Money('1290.75', 'NOK'), '100010010013')
>>> print(render_letter_text(letter, locale="nb_NO"))
PURRING
<BLANKLINE>
Fra:
  Kaffegrossisten AS
  Kontonr. 8601.11.17947
Kundenr. 10001
Dato 02.02.2026
<BLANKLINE>
Vi har ikke registrert betaling for fakturaen nedenfor, som har forfalt. Vi ber deg
betale 1 290,75 kr innen 16.02.2026. Har du betalt i løpet av de siste dagene, kan du se
bort fra denne purringen.
<BLANKLINE>
Fakturanr.  Fakturadato  Forfall     Dager     Beløp      Rest  Rente
----------  -----------  ----------  -----  --------  --------  -----
1001        05.01.2026   19.01.2026     14  1 250,00  1 250,00   5,75
Beløp i NOK.
<BLANKLINE>
Sum utestående                    1 250,00 kr
Forsinkelsesrente per 02.02.2026      5,75 kr
Purregebyr                           35,00 kr
Å betale                          1 290,75 kr
<BLANKLINE>
Betaling:
  Å betale          1 290,75 kr
  Til konto       8601.11.17947
  KID              100010010013
  Betalingsfrist     16.02.2026
<BLANKLINE>
"""

from __future__ import annotations

import enum
import textwrap
from datetime import date
from decimal import Decimal
from typing import Any, Final, final
from xml.sax.saxutils import escape as xml_escape

import attrs
from babel.numbers import format_decimal

from reskontro.dunning import DebtorKind, DunningPolicy, Notice, NoticeLevel, NoticeLine
from reskontro.exceptions import InvalidStatementError
from reskontro.kid import is_valid
from reskontro.money import Money, in_context
from reskontro.rendering import (
    _columns,
    _details,
    _esc,
    _html_details,
    _html_head,
    _locale,
    _pairs,
    _pdf_available,
    _pdf_document,
    _pdf_parties,
    _pdf_table,
    _plain,
    _reportlab,
    _Words,
    format_amount,
    format_day,
)
from reskontro.statement import PartyDetails, creditor_reference

__all__ = [
    "DunningLetter",
    "LetterLayout",
    "dunning_letters",
    "render_letter_html",
    "render_letter_pdf",
    "render_letter_text",
]


class LetterLayout(enum.StrEnum):
    """How a notice becomes letters: one per invoice, or one balance list per customer.

    >>> LetterLayout("balance_list")
    LetterLayout.BALANCE_LIST
    """

    #: One letter per invoice ("looks like the invoice"), with the invoice's own KID.
    PER_INVOICE = "per_invoice"
    #: One letter per customer listing every item (saldoliste).
    BALANCE_LIST = "balance_list"

    def __repr__(self) -> str:
        return f"LetterLayout.{self.name}"


@final
@attrs.frozen(kw_only=True)
class DunningLetter:
    """One letter to a customer: a reminder or a collection notice, ready to render.

    Attributes:
        level: reminder or collection notice.
        layout: per invoice or balance list.
        on: the date the letter is sent.
        deadline: the payment deadline.
        party: the customer's number.
        debtor_kind: consumer or business (decides the name of the fee).
        creditor: who sends it and is owed.
        debtor: who it is to, when given.
        lines: the items on it.
        amount: what is left of them, in their currency.
        amount_local: the same in local currency.
        interest: the late-payment interest on them, in their currency.
        fee: the fee charged with this letter (zero on the second and later
            letters of a per-invoice notice), in the fee's currency.
        kid: the KID to pay with, or ``None`` (then the customer number).
        interest_rate: the annual late-payment rate on the sending date, when known.
    """

    level: NoticeLevel
    layout: LetterLayout
    on: date
    deadline: date
    party: str
    debtor_kind: DebtorKind
    creditor: PartyDetails
    debtor: PartyDetails | None
    lines: tuple[NoticeLine, ...]
    amount: Money
    amount_local: Money
    interest: Money
    fee: Money
    kid: str | None
    interest_rate: Decimal | None

    @property
    def currency(self) -> str:
        """The currency of the items and of :attr:`total`."""
        return self.amount.currency

    @property
    @in_context
    def total(self) -> Money:
        """What to pay in the items' currency: what is left, interest, and a fee in it."""
        total = self.amount + self.interest
        return total + self.fee if self.fee.currency == total.currency else total

    @property
    def fee_apart(self) -> Money | None:
        """A fee to pay in another currency than the items (kroner on a EUR letter), or ``None``."""
        if self.fee.is_zero or self.fee.currency == self.currency:
            return None
        return self.fee

    @property
    def structured_reference(self) -> str | None:
        """The RF reference built from the KID, for payers abroad."""
        return None if self.kid is None else creditor_reference(self.kid)


def _check_notice(notice: object) -> Notice:
    if not isinstance(notice, Notice):
        raise InvalidStatementError(
            f"expected a dunning Notice, got {type(notice).__name__}", field="notice",
            value=notice,
        )
    if notice.level is NoticeLevel.HANDOVER or notice.deadline is None:
        raise InvalidStatementError(
            "a hand-over to debt collection is not a letter to the customer",
            field="level", value=notice.level,
        )
    return notice


def dunning_letters(
    notice: Notice,
    *,
    creditor: PartyDetails,
    debtor: PartyDetails | None = None,
    layout: LetterLayout | str = LetterLayout.BALANCE_LIST,
    kid: str | None = None,
    policy: DunningPolicy | None = None,
) -> tuple[DunningLetter, ...]:
    """The letters of one notice, in the chosen layout.

    Args:
        notice: a reminder or collection notice from a dunning plan.
        creditor: who sends the letters; its account number, IBAN and BIC are
            where to pay.
        debtor: the customer's name and address, if known.
        layout: :attr:`LetterLayout.BALANCE_LIST` (one letter) or
            :attr:`LetterLayout.PER_INVOICE` (one letter per item).
        kid: the customer's KID, used when an item has no valid KID of its own
            (a balance list of several items always uses it).
        policy: the policy of the run, for the interest rate printed on the
            letter (none is printed without it).

    Raises:
        InvalidStatementError: *notice* is not a notice, or is a hand-over.
    """
    notice = _check_notice(notice)
    if not isinstance(creditor, PartyDetails):
        raise InvalidStatementError(
            f"creditor must be PartyDetails, got {creditor!r}", field="creditor", value=creditor
        )
    layout = LetterLayout(layout)
    rate = None
    if policy is not None and policy.interest_rates is not None:
        try:
            rate = policy.interest_rates.rate_on(notice.on)
        except LookupError:
            rate = None
    groups = (
        [(line,) for line in notice.lines] if layout is LetterLayout.PER_INVOICE
        else [notice.lines]
    )
    letters = []
    assert notice.deadline is not None
    local = (notice.amount_local or notice.amount).currency
    for n, group in enumerate(groups):
        own = group[0].reference if len(group) == 1 else None
        letters.append(
            DunningLetter(
                level=notice.level, layout=layout, on=notice.on, deadline=notice.deadline,
                party=notice.party, debtor_kind=notice.debtor, creditor=creditor, debtor=debtor,
                lines=tuple(group),
                amount=Money.sum((line.remaining for line in group), notice.currency),
                amount_local=Money.sum((line.remaining_local for line in group), local),
                interest=Money.sum((line.interest for line in group), notice.currency),
                fee=notice.fee if n == 0 else Money.zero(notice.fee.currency),
                kid=own if own is not None and is_valid(own) else kid,
                interest_rate=rate,
            )
        )
    return tuple(letters)


# -- words -------------------------------------------------------------------------------------

_NB: Final = {
    "reminder": "Purring",
    "collection_notice": "Inkassovarsel",
    "date": "Dato",
    "invoice": "Faktura {number}",
    "intro.reminder": (
        "Vi har ikke registrert betaling for {what} nedenfor, som har forfalt. Vi ber deg "
        "betale {total} innen {deadline}. Har du betalt i løpet av de siste dagene, kan du "
        "se bort fra denne purringen."
    ),
    "intro.collection_notice": (
        "Vi har ikke mottatt betaling for {what} nedenfor, til tross for purring. Vi ber deg "
        "betale {total} innen {deadline}."
    ),
    "what.one": "fakturaen",
    "what.many": "fakturaene",
    "legal": (
        "Dette er et inkassovarsel etter inkassoloven § 9. Dersom kravet ikke er betalt innen "
        "{deadline}, vil det bli overlevert til inkasso uten nytt varsel. Fristen er {days} "
        "dager fra varselet ble sendt (loven krever minst 14 dager). Ved inkasso må du i "
        "tillegg betale inndrivingskostnader (inkassosalær) etter inkassoloven § 17 og "
        "inkassoforskriften kapittel 2, som øker med kravets størrelse, og forsinkelsesrente "
        "løper videre. Betalingen er i tide hvis banken har mottatt betalingsoppdraget innen "
        "fristen. Har du innsigelser mot kravet, må du si fra før fristen går ut."
    ),
    "doc": "Fakturanr.",
    "posted": "Fakturadato",
    "due": "Forfall",
    "days": "Dager",
    "amount": "Beløp",
    "remaining": "Rest",
    "interest": "Rente",
    "sum": "Sum utestående",
    "interest_row": "Forsinkelsesrente per {day}",
    "interest_rate": "Forsinkelsesrente per {day} ({rate} % p.a.)",
    "fee.reminder": "Purregebyr",
    "fee.collection_notice": "Gebyr for inkassovarsel",
    "fee.business": "Standardkompensasjon (forsinkelsesrenteloven § 3a)",
    "total": "Å betale",
    "fee_apart": "{fee} betales i tillegg i {currency}.",
    "local_note": "Utestående tilsvarer {amount} etter bokførte valutakurser.",
    "payment": "Betaling",
    "pay_deadline": "Betalingsfrist",
    "pay_apart": "Og i {currency}",
    "customer": "Kundenr.",
}

_EN: Final = {
    "reminder": "Payment reminder",
    "collection_notice": "Debt collection notice",
    "date": "Date",
    "invoice": "Invoice {number}",
    "intro.reminder": (
        "We have not received payment for the {what} below, which is now overdue. Please pay "
        "{total} by {deadline}. If you have paid in the last few days, please disregard this "
        "reminder."
    ),
    "intro.collection_notice": (
        "Despite our reminder, we have not received payment for the {what} below. Please pay "
        "{total} by {deadline}."
    ),
    "what.one": "invoice",
    "what.many": "invoices",
    "legal": (
        "This is a debt collection notice under section 9 of the Norwegian Debt Collection "
        "Act. If the claim is not paid by {deadline}, it will be handed over to a debt "
        "collection agency without further notice. The deadline is {days} days from the date "
        "this notice was sent (the law requires at least 14 days). You will then also have to "
        "pay the costs of debt collection under section 17 of the Debt Collection Act and "
        "chapter 2 of its regulations, which grow with the size of the claim, and late-payment "
        "interest continues to accrue. Payment is in time if your bank has received the "
        "payment order by the deadline. If you dispute the claim, tell us before the deadline."
    ),
    "doc": "Invoice no.",
    "posted": "Invoice date",
    "due": "Due",
    "days": "Days",
    "amount": "Amount",
    "remaining": "Remaining",
    "interest": "Interest",
    "sum": "Total outstanding",
    "interest_row": "Late-payment interest to {day}",
    "interest_rate": "Late-payment interest to {day} ({rate} % a year)",
    "fee.reminder": "Reminder fee",
    "fee.collection_notice": "Collection notice fee",
    "fee.business": "Fixed compensation for recovery costs (EU late payment directive)",
    "total": "Amount to pay",
    "fee_apart": "{fee} is payable in addition, in {currency}.",
    "local_note": "The amount outstanding is equivalent to {amount} at the booked exchange rates.",
    "payment": "Payment",
    "pay_deadline": "Payment deadline",
    "pay_apart": "And in {currency}",
    "customer": "Customer no.",
}


class _LetterWords:
    __slots__ = ("base", "words")

    def __init__(self, locale: str) -> None:
        self.base = _Words(locale)
        self.words = _NB if self.base.norwegian else _EN

    def __call__(self, key: str, **values: str) -> str:
        return self.words[key].format(**values)


def _check(letter: object) -> DunningLetter:
    if not isinstance(letter, DunningLetter):
        raise InvalidStatementError(
            f"expected a DunningLetter, got {type(letter).__name__}", field="letter",
            value=letter,
        )
    return letter


def _title(letter: DunningLetter, words: _LetterWords) -> str:
    title = words(letter.level.value)
    if letter.layout is LetterLayout.PER_INVOICE and len(letter.lines) == 1:
        line = letter.lines[0]
        title += " – " + words("invoice", number=line.document_no or "")
    return title.rstrip(" –")


def _intro(letter: DunningLetter, words: _LetterWords, locale: str) -> str:
    what = words("what.one" if len(letter.lines) == 1 else "what.many")
    return words(f"intro.{letter.level.value}", what=what,
                 total=format_amount(letter.total, locale),
                 deadline=format_day(letter.deadline, locale))


def _legal(letter: DunningLetter, words: _LetterWords, locale: str) -> str | None:
    if letter.level is not NoticeLevel.COLLECTION_NOTICE:
        return None
    return words("legal", deadline=format_day(letter.deadline, locale),
                 days=str((letter.deadline - letter.on).days))


#: The amount columns of the item table.
_AMOUNTS: Final = range(4, 7)


def _headers(words: _LetterWords) -> list[str]:
    return [words("doc"), words("posted"), words("due"), words("days"), words("amount"),
            words("remaining"), words("interest")]


def _cells(line: NoticeLine, locale: str) -> list[str]:
    return [
        line.document_no or "",
        "" if line.posted is None else format_day(line.posted, locale),
        format_day(line.due, locale),
        str(line.days_overdue),
        format_amount(line.amount, locale, symbol=False),
        format_amount(line.remaining, locale, symbol=False),
        format_amount(line.interest, locale, symbol=False),
    ]


def _summary(letter: DunningLetter, words: _LetterWords, locale: str) -> list[tuple[str, str]]:
    """(label, amount) rows under the items: outstanding, interest, fee, total."""
    day = format_day(letter.on, locale)
    rows = [(words("sum"), format_amount(letter.amount, locale))]
    if not letter.interest.is_zero:
        if letter.interest_rate is not None:
            rate = _plain(str(format_decimal(letter.interest_rate, format="0.00",
                                             locale=_locale(locale))))
            rows.append((words("interest_rate", day=day, rate=rate),
                         format_amount(letter.interest, locale)))
        else:
            rows.append((words("interest_row", day=day), format_amount(letter.interest, locale)))
    if not letter.fee.is_zero:
        key = ("fee.business" if letter.debtor_kind is DebtorKind.BUSINESS
               else f"fee.{letter.level.value}")
        rows.append((words(key), format_amount(letter.fee, locale)))
    rows.append((words("total"), format_amount(letter.total, locale)))
    return rows


def _notes(letter: DunningLetter, words: _LetterWords, locale: str) -> list[str]:
    notes = []
    apart = letter.fee_apart
    if apart is not None:
        notes.append(words("fee_apart", fee=format_amount(apart, locale),
                           currency=apart.currency))
    if letter.currency != letter.amount_local.currency:
        notes.append(words("local_note", amount=format_amount(letter.amount_local, locale)))
    return notes


def _payment(letter: DunningLetter, words: _LetterWords, locale: str) -> list[tuple[str, str]]:
    base = words.base
    creditor = letter.creditor
    foreign = letter.currency != letter.amount_local.currency
    rows = [(words("total"), format_amount(letter.total, locale))]
    if letter.fee_apart is not None:
        rows.append((words("pay_apart", currency=letter.fee_apart.currency),
                     format_amount(letter.fee_apart, locale)))
    if creditor.account_number is not None:
        rows.append((base("pay_account"), creditor.formatted_account_number or ""))
    if creditor.iban is not None:
        rows.append((base("pay_iban"), creditor.formatted_iban or ""))
    if creditor.bic is not None:
        rows.append((base("pay_bic"), creditor.bic))
    if letter.kid is not None:
        rows.append((base("pay_kid"), letter.kid))
        if foreign or creditor.account_number is None:
            rows.append((base("pay_ref"), letter.structured_reference or ""))
    else:
        rows.append((base("pay_quote"), f"{words('customer')} {letter.party}"))
    rows.append((words("pay_deadline"), format_day(letter.deadline, locale)))
    return rows


# -- text ----------------------------------------------------------------------------------------


def render_letter_text(letter: DunningLetter, *, locale: str) -> str:
    """The letter as plain text: sender, recipient, the items in columns, totals and payment.

    Raises:
        InvalidStatementError: *letter* is not a :class:`DunningLetter`.
        InvalidLocaleError: babel does not know *locale*.
    """
    letter = _check(letter)
    words = _LetterWords(locale)
    out = [_title(letter, words).upper(), ""]
    out.append(f"{words.base('from')}:")
    out.extend(f"  {line}" for line in _details(letter.creditor, words.base))
    if letter.debtor is not None:
        out.append(f"{words.base('to')}:")
        out.extend(f"  {line}" for line in _details(letter.debtor, words.base))
    out.append(f"{words('customer')} {letter.party}")
    out.append(f"{words('date')} {format_day(letter.on, locale)}")
    out.append("")
    out.extend(_wrap(_intro(letter, words, locale)))
    out.append("")
    rows = [_cells(line, locale) for line in letter.lines]
    out.extend(_columns(_headers(words), rows, [3, *_AMOUNTS]))
    out.append(words.base("amounts_in", currency=letter.currency))
    out.append("")
    out.extend(_pairs(_summary(letter, words, locale)))
    for note in _notes(letter, words, locale):
        out.extend(_wrap(note))
    legal = _legal(letter, words, locale)
    if legal is not None:
        out.append("")
        out.extend(_wrap(legal))
    out.extend(["", f"{words('payment')}:"])
    out.extend(_pairs(_payment(letter, words, locale), "  "))
    return "\n".join(out) + "\n"


def _wrap(text: str, width: int = 88) -> list[str]:
    return textwrap.wrap(text, width)


# -- HTML ----------------------------------------------------------------------------------------


def render_letter_html(letter: DunningLetter, *, locale: str) -> str:
    """The letter as one self-contained, printable HTML page (every text escaped).

    Raises:
        InvalidStatementError: *letter* is not a :class:`DunningLetter`.
        InvalidLocaleError: babel does not know *locale*.
    """
    letter = _check(letter)
    words = _LetterWords(locale)
    title = _title(letter, words)
    parts = _html_head(f"{title} {letter.party}", _locale(locale).language)
    parts += [
        f"<h1>{_esc(title)}</h1>",
        (f'<p class="subtitle">{_esc(words("date"))} {_esc(format_day(letter.on, locale))}'
         f" · {_esc(words('customer'))} {_esc(letter.party)}</p>"),
        '<div class="parties">',
        _html_details(words.base("from"), _details(letter.creditor, words.base)),
    ]
    if letter.debtor is not None:
        parts.append(_html_details(words.base("to"), _details(letter.debtor, words.base)))
    parts.append("</div>")
    parts.append(f"<p>{_esc(_intro(letter, words, locale))}</p>")
    parts.append('<table class="lines">')
    parts.append("<thead><tr>" + "".join(
        f'<th class="amount">{_esc(h)}</th>' if i in _AMOUNTS or i == 3 else f"<th>{_esc(h)}</th>"
        for i, h in enumerate(_headers(words))
    ) + "</tr></thead>")
    parts.append("<tbody>")
    for line in letter.lines:
        parts.append("<tr>" + "".join(
            f'<td class="amount">{_esc(c)}</td>' if i in _AMOUNTS or i == 3
            else f"<td>{_esc(c)}</td>"
            for i, c in enumerate(_cells(line, locale))
        ) + "</tr>")
    parts.append("</tbody>")
    parts.append("</table>")
    parts.append(f'<p class="note">{_esc(words.base("amounts_in", currency=letter.currency))}</p>')
    summary = _summary(letter, words, locale)
    parts.append('<table class="totals">')
    for n, (label, value) in enumerate(summary):
        row = ' class="total"' if n == len(summary) - 1 else ""
        parts.append(f'<tr{row}><th>{_esc(label)}</th><td class="amount">{_esc(value)}</td></tr>')
    parts.append("</table>")
    parts.extend(f'<p class="note">{_esc(note)}</p>' for note in _notes(letter, words, locale))
    legal = _legal(letter, words, locale)
    if legal is not None:
        parts.append(f'<p class="legal">{_esc(legal)}</p>')
    parts.append(f"<h2>{_esc(words('payment'))}</h2>")
    parts.append('<table class="payment">')
    parts.extend(f"<tr><th>{_esc(label)}</th><td>{_esc(value)}</td></tr>"
                 for label, value in _payment(letter, words, locale))
    parts.append("</table>")
    parts.extend(["</body>", "</html>"])
    return "\n".join(parts) + "\n"


# -- PDF -----------------------------------------------------------------------------------------


def render_letter_pdf(letter: DunningLetter, *, locale: str) -> bytes:
    """The letter as a reproducible A4 PDF (the ``pdf`` extra, reportlab).

    Columns follow their content and amounts are right-aligned with their
    totals, as on statements.

    Raises:
        InvalidStatementError: *letter* is not a :class:`DunningLetter`.
        MissingExtraError: reportlab is not installed.
        InvalidLocaleError: babel does not know *locale*.
    """
    letter = _check(letter)
    words = _LetterWords(locale)
    platypus = _reportlab()
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm

    styles = getSampleStyleSheet()
    body = styles["Normal"]
    small = body.clone("small", fontSize=8, leading=10)
    boxed = body.clone("boxed", borderWidth=0.5, borderPadding=4, borderColor="black",
                       fontSize=9, leading=12)

    def para(text: str, style: Any = body) -> Any:
        return platypus.Paragraph(xml_escape(text), style)

    story: list[Any] = [
        platypus.Paragraph(xml_escape(_title(letter, words)), styles["Title"]),
        para(f"{words('date')} {format_day(letter.on, locale)} · "
             f"{words('customer')} {letter.party}"),
        platypus.Spacer(1, 5 * mm),
        _pdf_parties(letter.creditor, letter.debtor, words.base),
        platypus.Spacer(1, 5 * mm),
        para(_intro(letter, words, locale)),
        platypus.Spacer(1, 4 * mm),
    ]
    data = [_headers(words), *(_cells(line, locale) for line in letter.lines)]
    table, wide = _pdf_table(data, amounts=[3, *_AMOUNTS], wrap=None,
                             available=_pdf_available(False))
    story += [table, platypus.Spacer(1, 1 * mm),
              para(words.base("amounts_in", currency=letter.currency), small),
              platypus.Spacer(1, 3 * mm)]
    summary = _summary(letter, words, locale)
    totals = platypus.Table([list(row) for row in summary], hAlign="RIGHT")
    totals.setStyle(platypus.TableStyle([
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
        ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, "black"),
    ]))
    story.append(totals)
    for note in _notes(letter, words, locale):
        story += [platypus.Spacer(1, 1 * mm), para(note, small)]
    legal = _legal(letter, words, locale)
    if legal is not None:
        story += [platypus.Spacer(1, 6 * mm), para(legal, boxed)]
    story += [platypus.Spacer(1, 6 * mm), para(words("payment"), styles["Heading4"])]
    pay = platypus.Table([list(row) for row in _payment(letter, words, locale)], hAlign="LEFT")
    pay.setStyle(platypus.TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                                      ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9)]))
    story.append(pay)
    return _pdf_document(story, title=f"{_title(letter, words)} {letter.party}",
                         author=letter.creditor.name, landscape=wide)
