"""Issue 15: the documents a customer receives, in both locales and two currencies.

Reminders and collection notices (per invoice and as a balance list) and
statements, as text, HTML and PDF in nb_NO and en_GB, for a NOK and a EUR
customer: the words are the document's language only, no internal ids, the
collection notice says what inkassoloven § 9 requires, amounts are in the
invoice currency with the kroner equivalent as a note, foreign payers get
IBAN, BIC and an RF reference, and the PDF's text never overlaps (checked with
pypdf, and rendered to PNG with pdftoppm where poppler is installed).
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from reskontro import Entry, Ledger, Money
from reskontro.dunning import DunningPolicy, FeeCurrency, Notice, NoticeLevel, plan_dunning
from reskontro.exceptions import InvalidStatementError
from reskontro.letters import (
    DunningLetter,
    LetterLayout,
    dunning_letters,
    render_letter_html,
    render_letter_pdf,
    render_letter_text,
)
from reskontro.rates import RateTable
from reskontro.rendering import render_html, render_pdf, render_text
from reskontro.statement import PartyDetails, Statement, creditor_reference

US = PartyDetails(name="Kaffegrossisten AS", address=["Bryggen 1", "5003 Bergen"],
                  organisation_number="988 077 917", account_number="8601 11 17947",
                  iban="NO93 8601 1117 947", bic="DNBANOKKXXX")
FJORD = PartyDetails(name="Fjordkaffe AS", address=["Strandkaien 2", "5013 Bergen"])
HANSEN = PartyDetails(name="Hansen Kaffeimport GmbH",
                      address=["Speicherstadt 4", "20457 Hamburg", "Tyskland"])
RATES = RateTable("NOK", {("EUR", date(2026, 1, 1)): "11.50"})
LOCALES = ("nb_NO", "en_GB")

#: Words that must not appear on a document in the other language.
ENGLISH_WORDS = ("Reminder", "Invoice", "Amount", "Due", "Payment", "Creditor", "fee",
                 "Interest", "Balance", "Customer", "Statement", "collection")
NORWEGIAN_WORDS = ("Purring", "Inkassovarsel", "Faktura", "Beløp", "Forfall", "Betaling",
                   "gebyr", "Rente", "Saldo", "Kundenr", "Kontoutdrag", "utestående")


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def book() -> Ledger:
    return Ledger("NOK").post_many([
        Entry.invoice("F-1", party="10001", amount=nok("12500"), posted=date(2026, 1, 5),
                      due=date(2026, 1, 19), document_no="1001", reference="100010010013",
                      text="Kaffebønner"),
        Entry.invoice("F-2", party="10001", amount=nok("830.50"), posted=date(2026, 1, 8),
                      due=date(2026, 1, 22), document_no="1002"),
        Entry.invoice("F-3", party="20001", amount=eur("4200"), amount_local=nok("48300"),
                      posted=date(2026, 1, 5), due=date(2026, 1, 19), document_no="2001",
                      reference="200010023"),
    ])


def notices() -> dict[tuple[NoticeLevel, str], Notice]:
    """A reminder (fee in kroner) and a collection notice (fee converted) per customer."""
    ledger = book()
    first = plan_dunning(ledger, None, date(2026, 2, 5))
    sent = first.apply(ledger, post_fees=True)
    second = plan_dunning(sent, DunningPolicy(fee_currency=FeeCurrency.INVOICE),
                          date(2026, 2, 20), rates=RATES)
    return {(n.level, n.currency): n for n in (*first.notices, *second.notices)}


NOTICES = notices()
CASES = [
    (level, currency, layout, locale)
    for level in (NoticeLevel.REMINDER, NoticeLevel.COLLECTION_NOTICE)
    for currency in ("NOK", "EUR")
    for layout in LetterLayout
    for locale in LOCALES
]


def letters(level: NoticeLevel, currency: str, layout: LetterLayout) -> tuple[DunningLetter, ...]:
    notice = NOTICES[(level, currency)]
    return dunning_letters(notice, creditor=US, debtor=FJORD if currency == "NOK" else HANSEN,
                           layout=layout, policy=DunningPolicy())


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-zÆØÅæøå]+", text))


def visible(page: str) -> str:
    """The words a reader sees on an HTML page: no style sheet, no tags."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", page, flags=re.DOTALL))


def check_language(text: str, locale: str) -> None:
    found = words_of(text)
    # the creditor's and debtor's own names and addresses are data, not words of the document
    data = words_of(" ".join([US.name, *US.address, FJORD.name, *FJORD.address, HANSEN.name,
                              *HANSEN.address, "Kaffebønner"]))
    foreign = ENGLISH_WORDS if locale == "nb_NO" else NORWEGIAN_WORDS
    wrong = {w for w in foreign for f in found - data if f.casefold() == w.casefold()}
    assert wrong == set(), (locale, wrong)


def check_no_internal_ids(text: str) -> None:
    assert re.search(r"\bF-\d\b", text) is None  # entry ids
    assert re.search(r"\bG-\d", text) is None  # fee entry ids
    assert re.search(r"\b(C\d+-)?M\d+\b", text) is None  # match ids


# -- letters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "currency", "layout", "locale"), CASES)
def test_letter_text_and_html(
    level: NoticeLevel, currency: str, layout: LetterLayout, locale: str
) -> None:
    """Every letter, as text and HTML: its language only, amounts, deadline, how to pay."""
    found = letters(level, currency, layout)
    notice = NOTICES[(level, currency)]
    assert len(found) == (len(notice.lines) if layout is LetterLayout.PER_INVOICE else 1)
    # the fee is charged once per notice, whatever the layout
    assert sum((letter.fee for letter in found), Money.zero(notice.fee.currency)) == notice.fee
    assert sum((letter.amount for letter in found), Money.zero(currency)) == notice.amount
    for letter in found:
        for text in (render_letter_text(letter, locale=locale),
                     render_letter_html(letter, locale=locale)):
            check_language(visible(text), locale)
            check_no_internal_ids(text)
            money = "€" if currency == "EUR" else ("kr" if locale == "nb_NO" else "NOK")
            assert money in text
            deadline = letter.deadline.strftime("%d.%m.%Y" if locale == "nb_NO" else "%d/%m/%Y")
            assert deadline in text
            for line in letter.lines:
                assert line.document_no is not None
                assert line.document_no in text
            if currency == "EUR":
                assert "NO93 8601 1117 947" in text
                assert "DNBANOKKXXX" in text
                assert letter.kid is not None
                assert creditor_reference(letter.kid) in text
                assert ("Tilsvarer" in text or "Utestående tilsvarer" in text
                        if locale == "nb_NO" else "equivalent to" in text)
            if level is NoticeLevel.COLLECTION_NOTICE:
                flat = " ".join(text.split())  # the legal text wraps
                assert ("inkassoloven § 9" if locale == "nb_NO"
                        else "section 9 of the Norwegian Debt Collection Act") in flat
                assert ("minst 14 dager" if locale == "nb_NO" else "at least 14 days") in flat
                assert ("inndrivingskostnader" if locale == "nb_NO"
                        else "costs of debt collection") in flat
                assert (letter.deadline - letter.on).days >= 14
            else:
                assert "§ 9" not in text


def test_a_eur_reminder_with_a_kroner_fee_says_so() -> None:
    """The default policy charges the fee in kroner: a line of its own, paid in NOK."""
    letter, = letters(NoticeLevel.REMINDER, "EUR", LetterLayout.BALANCE_LIST)
    assert letter.fee == nok("35.00")
    assert letter.fee_apart == nok("35.00")
    assert letter.total == letter.amount + letter.interest
    text = render_letter_text(letter, locale="nb_NO")
    assert "35,00 kr betales i tillegg i NOK." in text
    assert "Og i NOK" in text
    english = render_letter_text(letter, locale="en_GB")
    assert "NOK35.00 is payable in addition, in NOK." in english


def test_a_eur_collection_notice_charges_the_converted_fee_in_euro() -> None:
    """FeeCurrency.INVOICE: 35 kr at 11.50 is €3.04; interest in euro; one total in euro."""
    letter, = letters(NoticeLevel.COLLECTION_NOTICE, "EUR", LetterLayout.BALANCE_LIST)
    assert letter.fee == eur("3.04")
    assert letter.interest.currency == "EUR"
    assert letter.total == eur("4200.00") + letter.interest + eur("3.04")
    assert letter.fee_apart is None
    assert "Gebyr for inkassovarsel" in render_letter_text(letter, locale="nb_NO")


def test_per_invoice_letters_carry_each_invoices_own_kid() -> None:
    first, second = letters(NoticeLevel.REMINDER, "NOK", LetterLayout.PER_INVOICE)
    assert first.kid == "100010010013"
    assert second.kid is None  # no KID on that invoice: pay quoting the customer number
    assert "PURRING – FAKTURA 1001" in render_letter_text(first, locale="nb_NO")
    assert "<h1>Purring – Faktura 1001</h1>" in render_letter_html(first, locale="nb_NO")
    assert "Kundenr. 10001" in render_letter_text(second, locale="nb_NO")
    balance, = letters(NoticeLevel.REMINDER, "NOK", LetterLayout.BALANCE_LIST)
    assert balance.kid is None  # two invoices: no single invoice KID
    assert balance.fee == first.fee
    assert second.fee.is_zero


def test_a_handover_is_not_a_letter() -> None:
    ledger = book()
    run = plan_dunning(ledger, None, date(2026, 2, 5))
    with pytest.raises(InvalidStatementError):
        dunning_letters("not a notice", creditor=US)  # type: ignore[arg-type]
    with pytest.raises(InvalidStatementError):
        dunning_letters(run.notices[0], creditor="Us")  # type: ignore[arg-type]
    with pytest.raises(InvalidStatementError):
        render_letter_text("letter", locale="nb_NO")  # type: ignore[arg-type]


# -- the PDFs: text, layout and pixels ------------------------------------------------------


def fragments(data: bytes) -> Iterator[list[tuple[float, float, float, str]]]:
    """Per page, the text pieces pypdf sees: (x, y, width, text)."""
    for page in PdfReader(io.BytesIO(data)).pages:
        pieces: list[tuple[float, float, float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  into: list[tuple[float, float, float, str]] = pieces) -> None:
            if text.strip():
                name = "Helvetica-Bold" if "Bold" in str(font) else "Helvetica"
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = (tm[0] or 1.0) * (cm[0] or 1.0)
                into.append((x, y, stringWidth(text.strip(), name, size * scale), text))

        page.extract_text(visitor_text=visit)
        yield pieces


def assert_no_overlap(data: bytes) -> None:
    """On every text line of every page, each piece ends before the next one starts."""
    for pieces in fragments(data):
        lines: dict[int, list[tuple[float, float, str]]] = {}
        for x, y, width, text in pieces:
            lines.setdefault(round(y), []).append((x, width, text))
        for y, row in lines.items():
            row.sort()
            for (x1, w1, t1), (x2, _, t2) in itertools.pairwise(row):
                assert x1 + w1 <= x2 + 1.0, f"{t1!r} runs into {t2!r} at y={y}"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("level", "currency", "layout", "locale"), CASES)
def test_letter_pdf(level: NoticeLevel, currency: str, layout: LetterLayout, locale: str) -> None:
    """Every letter as PDF: readable text in its language, reproducible, nothing overlaps."""
    for letter in letters(level, currency, layout):
        data = render_letter_pdf(letter, locale=locale)
        assert data == render_letter_pdf(letter, locale=locale)
        text = pdf_text(data)
        check_language(text, locale)
        check_no_internal_ids(text)
        for line in letter.lines:
            assert line.document_no is not None
            assert line.document_no in text
        assert_no_overlap(data)
        assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_a_long_statement_text_wraps_instead_of_overlapping() -> None:
    """A long text and large amounts: the PDF columns follow the content and never overlap."""
    long = "Kaffebønner, espresso, mørk brent, 12 x 1 kg, levert Bryggen 1 i Bergen, ordre 778"
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=nok("123456789.50"), posted=date(2026, 1, 2),
                      due=date(2026, 1, 16), document_no="2026000123456", text=long),
        Entry.invoice("F-2", party="1", amount=eur("98765432.10"),
                      amount_local=nok("1135802469.15"), posted=date(2026, 1, 3),
                      due=date(2026, 1, 17), document_no="2026000123457", text=long),
    ])
    statement = Statement.open_items(ledger, "1", as_of=date(2026, 2, 1), creditor=US,
                                     debtor=FJORD)
    for locale in LOCALES:
        data = render_pdf(statement, locale=locale)
        assert_no_overlap(data)
        assert "espresso" in pdf_text(data)


# -- statements --------------------------------------------------------------------------------


def statements() -> dict[str, Statement]:
    ledger = book()
    sent = plan_dunning(ledger, None, date(2026, 2, 5)).apply(ledger, post_fees=True)
    return {
        "NOK": Statement.period(sent, "10001", start=date(2026, 1, 1), as_of=date(2026, 2, 20),
                                creditor=US, debtor=FJORD),
        "EUR": Statement.open_items(sent, "20001", as_of=date(2026, 2, 20), creditor=US,
                                    debtor=HANSEN),
    }


STATEMENTS = statements()


@pytest.mark.parametrize("currency", ["NOK", "EUR"])
@pytest.mark.parametrize("locale", LOCALES)
def test_statement_documents(currency: str, locale: str) -> None:
    statement = STATEMENTS[currency]
    for text in (render_text(statement, locale=locale), render_html(statement, locale=locale),
                 pdf_text(render_pdf(statement, locale=locale))):
        check_language(visible(text), locale)
        check_no_internal_ids(text)
    assert_no_overlap(render_pdf(statement, locale=locale))


def test_a_eur_customers_statement_asks_for_euro() -> None:
    """The EUR invoice section comes first and asks for euro; the kroner fee has its own."""
    statement = STATEMENTS["EUR"]
    first, second = statement.sections
    assert (first.currency, second.currency) == ("EUR", "NOK")
    assert first.payment is not None
    assert first.payment.amount == eur("4200.00")
    assert first.payment.local_equivalent == nok("48300.00")
    assert first.payment.iban == "NO9386011117947"
    assert first.payment.structured_reference == creditor_reference("200010023")
    assert second.payment is not None
    assert second.payment.amount == nok("35.00")
    text = render_text(statement, locale="en_GB")
    assert "Amount to pay                       €4,200.00" in text
    assert "Equivalent to NOK48,300.00 at the booked exchange rates." in text


def test_a_customer_in_credit_sees_til_gode() -> None:
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=eur("100"), amount_local=nok("1150"),
                      posted=date(2026, 1, 2)),
        Entry.payment("P-1", party="1", amount=eur("-130"), amount_local=nok("-1495"),
                      posted=date(2026, 1, 9)),
    ])
    statement = Statement.open_items(ledger, "1", as_of=date(2026, 1, 31), creditor=US)
    section, = statement.sections
    assert section.credit == eur("30.00")
    assert section.payment is None
    assert "Til gode  30,00 €" in render_text(statement, locale="nb_NO")
    assert "In your favour  €30.00" in render_text(statement, locale="en_GB")


def test_zero_value_lines_are_left_out_of_customer_documents() -> None:
    """An FX line moves only kroner: it has no place on the customer's EUR statement."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=eur("100"), amount_local=nok("1150"),
                      posted=date(2026, 1, 2), document_no="77"),
        Entry.invoice("F-2", party="1", amount=eur("50"), amount_local=nok("575"),
                      posted=date(2026, 1, 3), document_no="78"),
        Entry.fx_gain("FX-1", party="1", currency="EUR", amount_local=nok("12"),
                      posted=date(2026, 1, 9), text="Agio"),
    ])
    statement = Statement.period(ledger, "1", start=date(2026, 1, 1), as_of=date(2026, 1, 31),
                                 creditor=US)
    assert "FX-1" in [line.entry_id for line in statement.lines]  # the data keeps it
    for locale in LOCALES:
        text = render_text(statement, locale=locale)
        assert "agio" not in text.casefold()
        assert "Agio" not in pdf_text(render_pdf(statement, locale=locale))


def test_rf_references_are_valid_iso_11649() -> None:
    assert creditor_reference("200010023") == "RF04200010023"
    with pytest.raises(InvalidStatementError):
        creditor_reference("x" * 30)


# -- pixels ------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_every_document_type_renders_to_png(tmp_path: Path) -> None:
    """pdftoppm draws each document type (what a person looks at before sending it)."""
    documents = {
        "reminder-nok-balance-list": render_letter_pdf(
            letters(NoticeLevel.REMINDER, "NOK", LetterLayout.BALANCE_LIST)[0], locale="nb_NO"),
        "reminder-eur-per-invoice": render_letter_pdf(
            letters(NoticeLevel.REMINDER, "EUR", LetterLayout.PER_INVOICE)[0], locale="en_GB"),
        "collection-notice-eur": render_letter_pdf(
            letters(NoticeLevel.COLLECTION_NOTICE, "EUR", LetterLayout.BALANCE_LIST)[0],
            locale="nb_NO"),
        "collection-notice-nok-per-invoice": render_letter_pdf(
            letters(NoticeLevel.COLLECTION_NOTICE, "NOK", LetterLayout.PER_INVOICE)[0],
            locale="en_GB"),
        "statement-eur": render_pdf(STATEMENTS["EUR"], locale="nb_NO"),
        "statement-nok": render_pdf(STATEMENTS["NOK"], locale="en_GB"),
    }
    for name, data in documents.items():
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                        str(tmp_path / name)], check=True, capture_output=True, timeout=60)
        png, = tmp_path.glob(f"{name}-*.png")
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        assert (width, height) in {(413, 585), (414, 585), (585, 413), (585, 414)}, name


def test_the_collecting_page_shows_the_real_letter() -> None:
    """The letter printed on docs/collecting.md is what render_letter_text gives."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "collecting.md").read_text(
        encoding="utf-8")
    export = Ledger("NOK").post(Entry.invoice(
        "F-20", party="20001", amount=eur("1000"), amount_local=nok("11500"),
        posted=date(2026, 1, 5), due=date(2026, 1, 19), document_no="2001",
        reference="200010023"))
    rates = RateTable("NOK", {("EUR", date(2026, 2, 1)): "11.80"})
    run = plan_dunning(export, DunningPolicy(fee_currency=FeeCurrency.INVOICE),
                       date(2026, 2, 2), rates=rates)
    us = PartyDetails(name="Kaffegrossisten AS", account_number="8601 11 17947",
                      iban="NO93 8601 1117 947", bic="DNBANOKKXXX")
    letter, = dunning_letters(run.notices[0], creditor=us, layout=LetterLayout.PER_INVOICE,
                              policy=DunningPolicy())
    assert f"```text\n{render_letter_text(letter, locale='nb_NO')}```" in page


def test_every_entry_kind_has_a_norwegian_name() -> None:
    """A Norwegian document never falls back to an English kind label."""
    from reskontro.entries import EntryKind
    from reskontro.rendering import _NORWEGIAN_KINDS, _Words

    assert set(EntryKind) <= set(_NORWEGIAN_KINDS)
    assert _Words("nb_NO").kind(EntryKind.FX_UNREALIZED_GAIN) == "urealisert agio"


def test_interest_notes_name_the_invoices_by_their_numbers() -> None:
    """The interest entry's text (printed on statements) names document numbers, not ids."""
    from reskontro.interest import plan_interest

    note, = plan_interest(book(), date(2026, 2, 20), party="10001").notes
    assert note.entry.text == "Forsinkelsesrente 19.01.2026-20.02.2026: 1001, 1002"
