"""camt.054: the reference sample, version .08, fallbacks, reversals, and refused documents."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import FileFormatError
from reskontro.formats import parse_camt054

DATA = Path(__file__).parent / "data"
SAMPLE = (DATA / "camt054_001_02_kid_sample.xml").read_bytes()


def notification(entry: str, ns: str = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08") -> str:
    """A minimal document around one Ntry."""
    return (
        f'<Document xmlns="{ns}"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M</MsgId></GrpHdr>'
        f"<Ntfctn><Acct><Id><IBAN>NO9386011117947</IBAN></Id></Acct>{entry}</Ntfctn>"
        f"</BkToCstmrDbtCdtNtfctn></Document>"
    )


def test_reference_sample_gives_its_two_kid_payments() -> None:
    """The .02 sample: one batched entry, two payments with their KIDs, payer and refs."""
    parsed = parse_camt054(SAMPLE)
    assert (parsed.message_id, parsed.account) == ("CAMT054-20250115-0001", "86011117947")
    first, second = parsed.payments
    assert (first.amount, first.currency, first.kid) == (Decimal("1250.00"), "NOK",
                                                          "1234500009877")
    assert (second.amount, second.kid) == (Decimal("499.50"), "000149012")
    assert first.credit
    assert not first.reversal
    assert first.signed_amount == Decimal("1250.00")
    assert first.booking_date == first.value_date == date(2025, 1, 15)
    assert (first.debtor_name, first.debtor_account) == ("Ola Nordmann", "12345678903")
    assert (first.entry_reference, first.transaction_reference) == ("20250115-OCR-0001",
                                                                     "123456789")
    assert (first.batch_size, first.batch_total) == (2, Decimal("1749.50"))
    assert first.status == "BOOK"
    assert not first.kid_from_text
    assert first.bank_reference != second.bank_reference


def test_str_input_without_declaration_parses_too() -> None:
    """A str document (no encoding declaration) parses like the bytes."""
    text = SAMPLE.decode("utf-8").split("?>", 1)[1]
    assert len(parse_camt054(text).payments) == 2


def test_version_08_layout() -> None:
    """.08: Sts/Cd, TxDtls/Amt with its own CdtDbtInd, and Dbtr/Pty/Nm."""
    parsed = parse_camt054(notification(
        '<Ntry><Amt Ccy="NOK">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        "<BookgDt><DtTm>2025-02-03T08:00:00</DtTm></BookgDt><NtryDtls><TxDtls>"
        '<Amt Ccy="NOK">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<RltdPties><Dbtr><Pty><Nm>Kari</Nm></Pty></Dbtr></RltdPties>"
        "<RmtInf><Strd><CdtrRefInf><Ref>0036633</Ref></CdtrRefInf></Strd></RmtInf>"
        "</TxDtls></NtryDtls></Ntry>"
    ))
    (payment,) = parsed.payments
    assert (payment.amount, payment.kid, payment.debtor_name) == (Decimal("300.00"), "0036633",
                                                                  "Kari")
    assert (payment.status, payment.booking_date) == ("BOOK", date(2025, 2, 3))
    assert parsed.account == "NO9386011117947"


def test_kid_found_in_unstructured_text_is_marked() -> None:
    """Without a structured reference, a valid KID in Ustrd is taken and marked as such."""
    (payment,) = parse_camt054(notification(
        '<Ntry><Amt Ccy="NOK">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<NtryDtls><TxDtls><RmtInf><Ustrd>Faktura 1001 KID 123456782 takk</Ustrd></RmtInf>"
        "</TxDtls></NtryDtls></Ntry>"
    )).payments
    assert (payment.kid, payment.kid_from_text) == ("123456782", True)
    assert payment.text == "Faktura 1001 KID 123456782 takk"
    assert payment.amount == Decimal("10.00")  # the entry's amount, one transaction


def test_a_non_kid_reference_type_is_not_taken_as_kid() -> None:
    """A structured reference of another type (not SCOR) is not a KID."""
    (payment,) = parse_camt054(notification(
        '<Ntry><Amt Ccy="NOK">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>DISP</Cd></CdOrPrtry></Tp>"
        "<Ref>ABC-1</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )).payments
    assert payment.kid is None
    assert (payment.reference, payment.reference_type) == ("ABC-1", "DISP")


def test_the_sign_is_the_indicator_alone_and_a_reversal_keeps_it() -> None:
    """CRDT+RvslInd (a debit undone) is money in; DBIT+RvslInd (a credit undone) is money out."""
    undone_debit, undone_credit, debit = parse_camt054(notification(
        '<Ntry><Amt Ccy="NOK">50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>'
        "<Sts>BOOK</Sts></Ntry>"
        '<Ntry><Amt Ccy="NOK">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>'
        "<Sts>BOOK</Sts></Ntry>"
        '<Ntry><Amt Ccy="NOK">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts></Ntry>'
    )).payments
    assert (undone_debit.reversal, undone_debit.credit) == (True, True)
    assert undone_debit.signed_amount == Decimal("50.00")
    assert (undone_credit.reversal, undone_credit.credit) == (True, False)
    assert undone_credit.signed_amount == Decimal("-30.00")
    assert (debit.reversal, debit.credit) == (False, False)
    assert debit.signed_amount == Decimal("-20.00")


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ('<!DOCTYPE d [<!ENTITY a "x">]><Document/>', "DOCTYPE"),
        ('<!DOCTYPE d [<!ENTITY a "x"><!ENTITY b "&a;&a;&a;&a;">]><Document>&b;</Document>',
         "DOCTYPE"),
        ('<!DOCTYPE d SYSTEM "file:///etc/passwd"><Document/>', "DOCTYPE"),
        ("<Document><BkToCstmrDbtCdtNtfctn>", "line"),
        ("<Other/>", "Other"),
        ("<Document/>", "Document"),
        (notification('<Ntry><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'), "Ntry"),
        (notification('<Ntry><Amt>5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'), "Ntry/Amt"),
        (notification('<Ntry><Amt Ccy="NOK">5.001</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'),
         "Ntry/Amt"),
        (notification('<Ntry><Amt Ccy="NOK">5</Amt><CdtDbtInd>X</CdtDbtInd></Ntry>'), "Ntry"),
        (notification('<Ntry><Amt Ccy="NOK">5</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
                      "<BookgDt><Dt>2025-13-01</Dt></BookgDt></Ntry>"), "BookgDt"),
        (notification('<Ntry><Amt Ccy="NOK">5</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls>'
                      "<TxDtls/><TxDtls/></NtryDtls></Ntry>"), "TxDtls[1]"),
    ],
)
def test_bad_documents_are_refused_with_the_element_path(document: str, where: str) -> None:
    """Entity tricks, malformed XML and missing or invalid data raise FileFormatError."""
    with pytest.raises(FileFormatError) as info:
        parse_camt054(document)
    assert where in (info.value.field or "")
    assert isinstance(info.value, ValueError)


def test_malformed_xml_names_its_line() -> None:
    """A parse error carries the line the XML breaks on."""
    with pytest.raises(FileFormatError) as info:
        parse_camt054("<Document>\n<A>\n</Document>")
    assert info.value.line == 3


@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_arbitrary_input_raises_only_file_format_errors(data: bytes | str) -> None:
    """Random bytes or text either parse or raise FileFormatError, nothing else."""
    with contextlib.suppress(FileFormatError):  # anything else fails the test
        parse_camt054(data)


@given(st.data())
def test_arbitrary_damage_to_the_sample_raises_only_file_format_errors(
    data: st.DataObject,
) -> None:
    """Overwriting any span of the sample parses or raises FileFormatError, nothing else."""
    text = SAMPLE.decode("utf-8")
    start = data.draw(st.integers(0, len(text) - 1))
    junk = data.draw(st.text(alphabet="<>/=\"'&;!abcDT0123 ", max_size=10))
    with contextlib.suppress(FileFormatError):  # anything else fails the test
        parse_camt054(text[:start] + junk + text[start + len(junk) :])
