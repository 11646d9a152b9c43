"""Rendering statements: locale formatting, text, HTML, PDF and the payment message."""

# The expected pages below are exact rendered output, so some of their lines are long.
# ruff: noqa: E501

from __future__ import annotations

import builtins
import html
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from reskontro import (
    Entry,
    InvalidStatementError,
    Ledger,
    MissingExtraError,
    Money,
    PartyDetails,
    ReskontroError,
    Statement,
)
from reskontro.demo import LAST_EVENT, build_demo_ledger
from reskontro.exceptions import InvalidLocaleError
from reskontro.rendering import (
    SMS_LENGTH,
    format_amount,
    format_day,
    payment_text,
    render_html,
    render_pdf,
    render_text,
)
from test_statement import AS_OF, CREDITOR, DEBTOR, nok, small_ledger


def open_statement() -> Statement:
    return Statement.open_items(small_ledger(), "10001", as_of=AS_OF, creditor=CREDITOR,
                                debtor=DEBTOR)


def period_statement() -> Statement:
    return Statement.period(small_ledger(), "10001", start=date(2026, 1, 10), as_of=AS_OF,
                            creditor=CREDITOR)


# -- formatting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("money", "locale", "expected"),
    [
        (Money("1250", "NOK"), "nb_NO", "1 250,00 kr"),
        (Money("-1250.5", "NOK"), "nb_NO", "-1 250,50 kr"),
        (Money("1250", "NOK"), "en_GB", "NOK1,250.00"),
        (Money("1250", "EUR"), "nb_NO", "1 250,00 €"),
        (Money("1250", "EUR"), "de_DE", "1.250,00 €"),
        (Money("1250", "JPY"), "en_GB", "JP¥1,250"),
        (Money("1.005", "BHD"), "en_GB", "BHD1.005"),
        (Money("1250", "NOK"), "nb-NO", "1 250,00 kr"),
    ],
)
def test_format_amount_follows_the_locale(money: Money, locale: str, expected: str) -> None:
    """babel formats the amount; spaces are plain and the minus is ASCII."""
    assert format_amount(money, locale) == expected


def test_format_amount_without_symbol_is_the_bare_number() -> None:
    """symbol=False gives the number for table columns, with the currency's decimals."""
    assert format_amount(Money("-1250", "NOK"), "nb_NO", symbol=False) == "-1 250,00"
    assert format_amount(Money("1250", "NOK"), "en_GB", symbol=False) == "1,250.00"
    assert format_amount(Money("7", "JPY"), "nb_NO", symbol=False) == "7"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("nb_NO", "19.01.2026"), ("nn_NO", "19.01.2026"), ("en_GB", "19/01/2026"),
     ("de_DE", "19.01.2026"), ("en_US", "1/19/2026"), ("sv_SE", "2026-01-19")],
)
def test_format_day_uses_the_short_form_with_the_full_year(locale: str, expected: str) -> None:
    """The locale's short date, never a two-digit year."""
    assert format_day(date(2026, 1, 19), locale) == expected


@pytest.mark.parametrize("locale", ["xx_XX", "", "nb_NO_", None, 7])
def test_an_unknown_locale_is_refused(locale: Any) -> None:
    """A locale babel does not know raises InvalidLocaleError naming it."""
    with pytest.raises(InvalidLocaleError) as caught:
        format_amount(Money("1", "NOK"), locale)
    assert caught.value.value == locale
    with pytest.raises(InvalidLocaleError):
        render_text(open_statement(), locale=locale)


def test_rendering_refuses_what_is_not_a_statement() -> None:
    """Passing something else is a clear error, not an AttributeError deep inside."""
    with pytest.raises(InvalidStatementError):
        render_text("statement", locale="nb_NO")  # type: ignore[arg-type]


# -- plain text --------------------------------------------------------------------------------

EXPECTED_TEXT_NB = """\
KONTOUTDRAG
Åpne poster per 10.02.2026

Fra:
  Kaffegrossisten AS
  Bryggen 1
  5003 Bergen
  Org.nr. 988 077 917
  Kontonr. 8601.11.17947
Til:
  Fjordkaffe AS
  Strandkaien 2
  5013 Bergen
Kundenr. 10001

Dato        Bilagsnr.  Type        Tekst           Forfall       Beløp     Rest   Saldo
----------  ---------  ----------  --------------  ----------  -------  -------  ------
12.01.2026  102        faktura     Service         26.01.2026   800,00   550,00  550,00
02.02.2026  103        kreditnota  Kreditnota 102              -100,00  -100,00  450,00
Beløp i NOK.

Saldo per 10.02.2026  450,00 kr

Betaling:
  Å betale       450,00 kr
  Til konto  8601.11.17947
  KID         100010001020
  Forfall       26.01.2026

Aldersfordeling av åpne poster (i NOK):
  ikke forfalt     0,00 kr
  1-30           550,00 kr
  31-60            0,00 kr
  61-90            0,00 kr
  90+              0,00 kr
  uten forfall  -100,00 kr
"""

EXPECTED_TEXT_EN = """\
STATEMENT
All entries 10/01/2026 to 10/02/2026

From:
  Kaffegrossisten AS
  Bryggen 1
  5003 Bergen
  Org. no. 988 077 917
  Account no. 8601.11.17947
Customer no. 10001

Date        Doc. no.  Type         Text            Due            Amount  Remaining   Balance
----------  --------  -----------  --------------  ----------  ---------  ---------  --------
12/01/2026  102       invoice      Service         26/01/2026     800.00     550.00  2,050.00
20/01/2026            payment      Innbetaling                 -1,500.00       0.00    550.00
02/02/2026  103       credit note  Kreditnota 102                -100.00    -100.00    450.00
Amounts in NOK.

Opening balance 10/01/2026  NOK1,250.00
Entries in the period        -NOK800.00
Balance as of 10/02/2026      NOK450.00

Payment:
  Amount to pay      NOK450.00
  To account     8601.11.17947
  KID             100010001020
  Due date          26/01/2026

Aging of open items (in NOK):
  not due         NOK0.00
  1-30          NOK550.00
  31-60           NOK0.00
  61-90           NOK0.00
  90+             NOK0.00
  no due date  -NOK100.00
"""


def test_text_statement_in_norwegian() -> None:
    """The open-items statement in nb_NO, line by line."""
    assert render_text(open_statement(), locale="nb_NO") == EXPECTED_TEXT_NB


def test_text_statement_in_english() -> None:
    """The period statement in en_GB, line by line."""
    assert render_text(period_statement(), locale="en_GB") == EXPECTED_TEXT_EN


# -- HTML ------------------------------------------------------------------------------------

EXPECTED_HTML_BODY_NB = """\
<body>
<h1>Kontoutdrag</h1>
<p class="subtitle">Åpne poster per 10.02.2026</p>
<div class="parties">
<div><h2>Fra</h2><p>Kaffegrossisten AS<br>Bryggen 1<br>5003 Bergen<br>Org.nr. 988 077 917<br>Kontonr. 8601.11.17947</p></div>
<div><h2>Til</h2><p>Fjordkaffe AS<br>Strandkaien 2<br>5013 Bergen</p></div>
</div>
<p>Kundenr. 10001</p>
<table class="lines">
<thead><tr>
<th>Dato</th>
<th>Bilagsnr.</th>
<th>Type</th>
<th>Tekst</th>
<th>Forfall</th>
<th class="amount">Beløp</th>
<th class="amount">Rest</th>
<th class="amount">Saldo</th>
</tr></thead>
<tbody>
<tr><td>12.01.2026</td><td>102</td><td>faktura</td><td>Service</td><td>26.01.2026</td><td class="amount">800,00</td><td class="amount">550,00</td><td class="amount">550,00</td></tr>
<tr><td>02.02.2026</td><td>103</td><td>kreditnota</td><td>Kreditnota 102</td><td></td><td class="amount negative">-100,00</td><td class="amount negative">-100,00</td><td class="amount">450,00</td></tr>
</tbody>
</table>
<p class="note">Beløp i NOK.</p>
<table class="totals">
<tr class="total"><th>Saldo per 10.02.2026</th><td class="amount">450,00 kr</td></tr>
</table>
<h2>Betaling</h2>
<table class="payment">
<tr><th>Å betale</th><td>450,00 kr</td></tr>
<tr><th>Til konto</th><td>8601.11.17947</td></tr>
<tr><th>KID</th><td>100010001020</td></tr>
<tr><th>Forfall</th><td>26.01.2026</td></tr>
</table>
<h2>Aldersfordeling av åpne poster (i NOK)</h2>
<table class="aging">
<thead><tr><th class="amount">ikke forfalt</th><th class="amount">1-30</th><th class="amount">31-60</th><th class="amount">61-90</th><th class="amount">90+</th><th class="amount">uten forfall</th></tr></thead>
<tbody><tr><td class="amount">0,00 kr</td><td class="amount">550,00 kr</td><td class="amount">0,00 kr</td><td class="amount">0,00 kr</td><td class="amount">0,00 kr</td><td class="amount negative">-100,00 kr</td></tr></tbody>
</table>
</body>
</html>
"""

EXPECTED_HTML_BODY_EN = """\
<body>
<h1>Statement</h1>
<p class="subtitle">All entries 10/01/2026 to 10/02/2026</p>
<div class="parties">
<div><h2>From</h2><p>Kaffegrossisten AS<br>Bryggen 1<br>5003 Bergen<br>Org. no. 988 077 917<br>Account no. 8601.11.17947</p></div>
</div>
<p>Customer no. 10001</p>
<table class="lines">
<thead><tr>
<th>Date</th>
<th>Doc. no.</th>
<th>Type</th>
<th>Text</th>
<th>Due</th>
<th class="amount">Amount</th>
<th class="amount">Remaining</th>
<th class="amount">Balance</th>
</tr></thead>
<tbody>
<tr><td>12/01/2026</td><td>102</td><td>invoice</td><td>Service</td><td>26/01/2026</td><td class="amount">800.00</td><td class="amount">550.00</td><td class="amount">2,050.00</td></tr>
<tr><td>20/01/2026</td><td></td><td>payment</td><td>Innbetaling</td><td></td><td class="amount negative">-1,500.00</td><td class="amount">0.00</td><td class="amount">550.00</td></tr>
<tr><td>02/02/2026</td><td>103</td><td>credit note</td><td>Kreditnota 102</td><td></td><td class="amount negative">-100.00</td><td class="amount negative">-100.00</td><td class="amount">450.00</td></tr>
</tbody>
</table>
<p class="note">Amounts in NOK.</p>
<table class="totals">
<tr><th>Opening balance 10/01/2026</th><td class="amount">NOK1,250.00</td></tr>
<tr><th>Entries in the period</th><td class="amount negative">-NOK800.00</td></tr>
<tr class="total"><th>Balance as of 10/02/2026</th><td class="amount">NOK450.00</td></tr>
</table>
<h2>Payment</h2>
<table class="payment">
<tr><th>Amount to pay</th><td>NOK450.00</td></tr>
<tr><th>To account</th><td>8601.11.17947</td></tr>
<tr><th>KID</th><td>100010001020</td></tr>
<tr><th>Due date</th><td>26/01/2026</td></tr>
</table>
<h2>Aging of open items (in NOK)</h2>
<table class="aging">
<thead><tr><th class="amount">not due</th><th class="amount">1-30</th><th class="amount">31-60</th><th class="amount">61-90</th><th class="amount">90+</th><th class="amount">no due date</th></tr></thead>
<tbody><tr><td class="amount">NOK0.00</td><td class="amount">NOK550.00</td><td class="amount">NOK0.00</td><td class="amount">NOK0.00</td><td class="amount">NOK0.00</td><td class="amount negative">-NOK100.00</td></tr></tbody>
</table>
</body>
</html>
"""


def body(page: str) -> str:
    return page[page.index("<body>"):]


def test_html_statement_in_norwegian() -> None:
    """The open-items page in nb_NO: its head, and its body tag by tag."""
    page = render_html(open_statement(), locale="nb_NO")
    assert page.startswith(
        '<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
        "<title>Kontoutdrag 10001 – Fjordkaffe AS</title>\n<style>\n"
    )
    assert body(page) == EXPECTED_HTML_BODY_NB


def test_html_statement_in_english() -> None:
    """The period page in en_GB, with the opening balance and the totals."""
    page = render_html(period_statement(), locale="en_GB")
    assert '<html lang="en">' in page
    assert "<title>Statement 10001</title>" in page
    assert body(page) == EXPECTED_HTML_BODY_EN


def test_html_marks_negative_amounts() -> None:
    """Negative amount cells have the class ``negative``; others do not."""
    page = render_html(open_statement(), locale="nb_NO")
    assert page.count('class="amount negative"') == 3  # amount, remaining, aging column
    assert '<td class="amount">550,00</td>' in page


_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
_NASTY = st.sampled_from(
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "A & B", "'quoted'"]
)
_ANY = st.one_of(_NASTY, _TEXT, st.tuples(_NASTY, _TEXT).map("".join))


@given(name=_ANY, address=_ANY, debtor=_ANY, text=_ANY, document_no=_ANY, party=_ANY)
def test_html_escapes_every_text_from_the_caller(
    name: str, address: str, debtor: str, text: str, document_no: str, party: str
) -> None:
    """Names, addresses, entry texts, document numbers and the party never become markup."""

    def page_of(name: str, address: str, debtor: str, text: str, document_no: str,
                party: str) -> str:
        ledger = Ledger("NOK").post(Entry.invoice(
            "F-1", party=party, amount=nok("10.00"), posted=date(2026, 1, 2),
            document_no=document_no, text=text))
        statement = Statement.open_items(
            ledger, party, as_of=AS_OF,
            creditor=PartyDetails(name=name, address=[address]),
            debtor=PartyDetails(name=debtor),
        )
        return render_html(statement, locale="en_GB")

    values = ("N" + name, address, "D" + debtor, text, document_no, "P" + party)
    page = page_of(*values)
    for value in values:
        assert html.escape(value, quote=True) in page
    assert "<script" not in page
    assert "<img" not in page
    plain = page_of("N", "a", "D", "t", "1", "P")
    assert page.count("<") == plain.count("<")  # no tag came from the data


# -- text details ---------------------------------------------------------------------------------


def test_text_wraps_long_entry_texts_in_their_column() -> None:
    """A long entry text wraps onto more lines in its column in plain text; whole in HTML."""
    long = "Kaffebønner, espresso, mørk brent, 12 x 1 kg"
    ledger = Ledger("NOK").post(Entry.invoice("F-1", party="1", amount=nok("10.00"),
                                              posted=date(2026, 1, 2), text=long))
    statement = Statement.open_items(ledger, "1", as_of=AS_OF, creditor=CREDITOR)
    text = render_text(statement, locale="nb_NO")
    assert "…" not in text
    rows = text.split("Tekst")[1].splitlines()
    assert any("Kaffebønner, espresso," in row and "10,00" in row for row in rows)
    assert any(row.strip() == "mørk brent, 12 x 1 kg" for row in rows)
    # the amounts still line up under their headings
    header = next(row for row in text.splitlines() if row.startswith("Dato"))
    amount_row = next(row for row in rows if "10,00" in row)
    assert amount_row.rstrip().endswith("10,00")
    assert len(amount_row) == len(header)
    assert long in render_html(statement, locale="nb_NO")


def test_text_of_a_statement_without_lines_or_payment() -> None:
    """No lines and nothing to pay are said in words."""
    statement = Statement.open_items(small_ledger(), "10001", as_of=date(2025, 12, 31),
                                     creditor=CREDITOR)
    text = render_text(statement, locale="nb_NO")
    assert "(ingen poster)" in text
    assert "Betaling:\n  Ingenting å betale.\n" in text
    assert "Nothing to pay." in render_html(statement, locale="en_GB")


def test_foreign_currency_statement_shows_the_local_total() -> None:
    """A EUR statement writes amounts in EUR and adds the total in NOK."""
    ledger = Ledger("NOK").post(Entry.invoice(
        "F-1", party="1", amount=Money("100.00", "EUR"), amount_local=nok("1150.00"),
        posted=date(2026, 1, 2)))
    statement = Statement.open_items(ledger, "1", as_of=AS_OF, creditor=CREDITOR)
    text = render_text(statement, locale="nb_NO")
    assert "Beløp i EUR." in text
    assert "Saldo per 10.02.2026  100,00 €\n" in text
    assert "Tilsvarer 1 150,00 kr etter bokførte valutakurser.\n" in text
    assert "Å betale                  100,00 €" in text  # what to pay is in euro


def test_mixed_currency_statement_has_a_section_per_currency() -> None:
    """Lines in several currencies: a section per currency, each with its balance and payment."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=Money("100.00", "EUR"),
                      amount_local=nok("1150.00"), posted=date(2026, 1, 2)),
        Entry.invoice("F-2", party="1", amount=nok("50.00"), posted=date(2026, 1, 3)),
    ])
    statement = Statement.open_items(ledger, "1", as_of=AS_OF, creditor=CREDITOR)
    text = render_text(statement, locale="en_GB")
    assert "AMOUNTS IN EUR" in text
    assert "AMOUNTS IN NOK" in text
    assert "Balance as of 10/02/2026  €100.00" in text
    assert "Balance as of 10/02/2026  NOK50.00" in text
    assert "Equivalent to NOK1,150.00 at the booked exchange rates." in text
    assert text.count("Amount to pay") == 2
    assert "Amount to pay                 €100.00" in text


# -- PDF -------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_is_a_valid_document_with_the_party_amounts_and_kid() -> None:
    """pypdf reads the PDF back; its text has the party, the amounts and the KID."""
    data = render_pdf(open_statement(), locale="nb_NO")
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.metadata is not None
    assert reader.metadata.title == "Kontoutdrag 10001"
    text = pdf_text(data)
    for expected in ("Kontoutdrag", "Kundenr. 10001", "Fjordkaffe AS", "550,00", "-100,00",
                     "450,00 kr", "100010001020", "8601.11.17947", "26.01.2026"):
        assert expected in text


def test_pdf_in_english_and_reproducible() -> None:
    """The same statement gives the same bytes; en_GB words and numbers."""
    first = render_pdf(period_statement(), locale="en_GB")
    assert render_pdf(period_statement(), locale="en_GB") == first
    text = pdf_text(first)
    assert "Opening balance 10/01/2026" in text
    assert "NOK1,250.00" in text


def test_pdf_of_many_lines_spans_pages() -> None:
    """A long statement flows onto more pages, the header row repeated."""
    ledger = Ledger("NOK").post_many(
        Entry.invoice(f"F-{n}", party="1", amount=nok("10.00"), posted=date(2026, 1, 2),
                      document_no=str(n), text="<Kaffe & te>")
        for n in range(120)
    )
    data = render_pdf(Statement.open_items(ledger, "1", as_of=AS_OF, creditor=CREDITOR),
                      locale="nb_NO")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    assert "Bilagsnr." in reader.pages[1].extract_text()
    assert "<Kaffe & te>" in pdf_text(data)


def test_pdf_without_reportlab_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without reportlab, render_pdf raises MissingExtraError with the pip command."""
    real_import = builtins.__import__

    def no_reportlab(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "reportlab" or name.startswith("reportlab."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_reportlab)
    with pytest.raises(MissingExtraError) as caught:
        render_pdf(open_statement(), locale="nb_NO")
    assert caught.value.extra == "pdf"
    assert 'pip install "reskontro[pdf]"' in str(caught.value)
    assert isinstance(caught.value, ImportError)
    assert isinstance(caught.value, ReskontroError)


# -- the payment message -------------------------------------------------------------------------


def test_payment_text_in_norwegian_and_english() -> None:
    """Amount, account, KID and due date, in the locale's words and formats."""
    statement = open_statement()
    assert payment_text(statement, locale="nb_NO") == (
        "Kaffegrossisten AS: Betal 450,00 kr til konto 8601.11.17947 med KID 100010001020. "
        "Forfall 26.01.2026."
    )
    assert payment_text(statement, locale="en_GB") == (
        "Kaffegrossisten AS: Please pay NOK450.00 to account 8601.11.17947 with KID "
        "100010001020. Due 26/01/2026."
    )


def test_payment_text_without_a_kid_asks_for_the_party_number() -> None:
    """Several open invoices and no party KID: quote the customer number."""
    ledger = small_ledger().dissolve("K1", on=AS_OF)
    statement = Statement.open_items(ledger, "10001", as_of=AS_OF, creditor=CREDITOR)
    assert payment_text(statement, locale="nb_NO") == (
        "Kaffegrossisten AS: Betal 450,00 kr til konto 8601.11.17947. "
        "Merk betalingen med kundenr. 10001. Forfall 19.01.2026."
    )
    assert "Quote customer no. 10001." in payment_text(statement, locale="en_GB")


@pytest.mark.parametrize("party", ["10001", "10002", "10004"])
@pytest.mark.parametrize("locale", ["nb_NO", "en_GB", "de_DE"])
def test_payment_text_fits_in_one_sms(party: str, locale: str) -> None:
    """The demo's payment messages stay within 160 characters."""
    statement = Statement.open_items(build_demo_ledger(), party, as_of=LAST_EVENT,
                                     creditor=CREDITOR)
    assert len(payment_text(statement, locale=locale)) <= SMS_LENGTH


def test_payment_text_drops_a_long_name_to_fit() -> None:
    """When the creditor's name would pass 160 characters, the name is left out."""
    long_name = PartyDetails(name="Kaffegrossisten " * 6 + "AS", account_number=CREDITOR.account_number)
    statement = Statement.open_items(small_ledger(), "10001", as_of=AS_OF, creditor=long_name)
    text = payment_text(statement, locale="nb_NO")
    assert text.startswith("Betal 450,00 kr")
    assert len(text) <= SMS_LENGTH


def test_payment_text_with_nothing_to_pay_is_refused() -> None:
    """No payment instruction (no account number) is an error, not an empty message."""
    statement = Statement.open_items(small_ledger(), "10001", as_of=AS_OF,
                                     creditor=PartyDetails(name="Kaffegrossisten AS"))
    with pytest.raises(InvalidStatementError, match="nothing to pay"):
        payment_text(statement, locale="nb_NO")


def test_the_statements_page_shows_the_real_text_output() -> None:
    """The plain-text example in docs/statements.md is what render_text gives."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "statements.md").read_text(
        encoding="utf-8")
    assert f"```text\n{EXPECTED_TEXT_NB}```" in page
