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


def booked(body: str, *, amount: str = "100.00", indicator: str = "CRDT",
           status: str = "<Sts>BOOK</Sts>", currency: str = "NOK") -> str:
    """One Ntry of *amount* with *body* (its NtryDtls, RvslInd...) after the dates."""
    return (
        f'<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        f"{status}<BookgDt><Dt>2025-03-03</Dt></BookgDt><AcctSvcrRef>E-1</AcctSvcrRef>"
        f"{body}</Ntry>"
    )


def tx(amount: str | None = "100.00", indicator: str | None = "CRDT", *,
       currency: str = "NOK", remittance: str = "") -> str:
    """One TxDtls (.08 layout: its own Amt and CdtDbtInd when given)."""
    own = "" if amount is None else f'<Amt Ccy="{currency}">{amount}</Amt>'
    direction = "" if indicator is None else f"<CdtDbtInd>{indicator}</CdtDbtInd>"
    return f"<TxDtls>{own}{direction}{remittance}</TxDtls>"


def batch(count: str, total: str, indicator: str = "CRDT", currency: str = "NOK") -> str:
    return (
        f'<Btch><NbOfTxs>{count}</NbOfTxs><TtlAmt Ccy="{currency}">{total}</TtlAmt>'
        f"<CdtDbtInd>{indicator}</CdtDbtInd></Btch>"
    )


def reference(ref: str, kind: str | None = None, proprietary: bool = False) -> str:
    typed = ""
    if kind is not None:
        code = f"<Prtry>{kind}</Prtry>" if proprietary else f"<Cd>{kind}</Cd>"
        typed = f"<Tp><CdOrPrtry>{code}</CdOrPrtry></Tp>"
    return f"<RmtInf><Strd><CdtrRefInf>{typed}<Ref>{ref}</Ref></CdtrRefInf></Strd></RmtInf>"


@pytest.mark.parametrize(
    "status",
    ["<Sts>PDNG</Sts>", "<Sts>INFO</Sts>", "<Sts><Cd>PDNG</Cd></Sts>",
     "<Sts><Cd>FUTR</Cd></Sts>", "<Sts><Prtry>HELD</Prtry></Sts>"],
)
def test_only_booked_entries_are_payments(status: str) -> None:
    """Pending, information-only and proprietary statuses are reported in unbooked, never paid."""
    parsed = parse_camt054(notification(
        booked(f"<NtryDtls>{tx()}</NtryDtls>")
        + booked(f"<NtryDtls>{tx('40.00')}</NtryDtls>", amount="40.00", status=status)
    ))
    (payment,) = parsed.payments
    (waiting,) = parsed.unbooked
    assert (payment.status, payment.amount) == ("BOOK", Decimal("100.00"))
    assert waiting.status in status
    assert waiting.amount == Decimal("40.00")


def test_statuses_are_read_as_given() -> None:
    """The status code is kept: PDNG, FUTR, a proprietary code."""
    parsed = parse_camt054(notification(
        booked("", status="<Sts>PDNG</Sts>")
        + booked("", status="<Sts><Cd>FUTR</Cd></Sts>")
        + booked("", status="<Sts><Prtry>HELD</Prtry></Sts>")
    ))
    assert parsed.payments == ()
    assert [p.status for p in parsed.unbooked] == ["PDNG", "FUTR", "HELD"]


def test_an_entry_without_status_is_refused() -> None:
    """Sts is mandatory: without it nobody can tell whether the money is booked."""
    with pytest.raises(FileFormatError, match="Sts is missing") as info:
        parse_camt054(notification(booked("", status="")))
    assert info.value.field == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry"


@pytest.mark.parametrize(
    ("remittance", "kid", "ref", "kind"),
    [
        (reference("1234500009877", "SCOR"), "1234500009877", "1234500009877", "SCOR"),
        (reference("1234500009877"), "1234500009877", "1234500009877", None),
        # a Swiss QR reference (MOD10 recursive) that happens to pass a KID check: not a KID
        (reference("1234500009877", "QRR", proprietary=True), None, "1234500009877", "QRR"),
        (reference("210000000003139471430009017", "QRR", proprietary=True), None,
         "210000000003139471430009017", "QRR"),
        (reference("000000000000000000000000016", "ISR Reference", proprietary=True), None,
         "000000000000000000000000016", "ISR Reference"),
        (reference("1234500009876", "SCOR"), None, "1234500009876", "SCOR"),  # fails MOD10/11
        (reference("RF18539007547034", "SCOR"), None, "RF18539007547034", "SCOR"),
        (reference("1234500009876"), None, "1234500009876", None),
    ],
)
def test_a_reference_is_a_kid_only_when_it_validates_and_is_untyped_or_scor(
    remittance: str, kid: str | None, ref: str, kind: str | None,
) -> None:
    """Proprietary types and failing check digits keep the reference with its type, no KID."""
    (payment,) = parse_camt054(notification(booked(
        f"<NtryDtls>{tx(remittance=remittance)}</NtryDtls>"
    ))).payments
    assert (payment.kid, payment.reference, payment.reference_type) == (kid, ref, kind)
    assert not payment.kid_from_text


def test_a_typed_reference_keeps_the_text_from_being_searched_for_a_kid() -> None:
    """With a QRR reference, a KID-looking number in the text is not taken."""
    remittance = reference("210000000003139471430009017", "QRR", proprietary=True).replace(
        "<RmtInf>", "<RmtInf><Ustrd>KID 123456782</Ustrd>")
    (payment,) = parse_camt054(notification(booked(
        f"<NtryDtls>{tx(remittance=remittance)}</NtryDtls>"
    ))).payments
    assert (payment.kid, payment.reference_type, payment.text) == (None, "QRR", "KID 123456782")


TX_PATH = "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/TxDtls"


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        (tx("60.00") + tx("40.00", "DBIT"), f"{TX_PATH}[2]/CdtDbtInd",
         "the transaction is DBIT, its entry CRDT"),
        (tx("60.00") + tx("40.00", currency="SEK"), f"{TX_PATH}[2]/Amt",
         "the transaction is in SEK, its entry in NOK"),
        (batch("3", "100.00") + tx("60.00") + tx("40.00"),
         "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/Btch/NbOfTxs",
         "NbOfTxs says 3 transactions, the batch lists 2"),
        (batch("2", "100.10") + tx("60.00") + tx("40.00"),
         "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/Btch/TtlAmt",
         "TtlAmt says 100.10 CRDT, the transactions add up to 100.00"),
        (batch("2", "100.00", currency="SEK") + tx("60.00") + tx("40.00"),
         "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/Btch/TtlAmt",
         "the batch total is in SEK, its entry in NOK"),
    ],
)
def test_inconsistencies_are_refused_or_accepted_and_reported(
    details: str, field: str, message: str
) -> None:
    """Direction, currency, count and total: an error naming the element, or a warning."""
    document = notification(booked(f"<NtryDtls>{details}</NtryDtls>"))
    with pytest.raises(FileFormatError) as info:
        parse_camt054(document)
    assert info.value.field == field
    assert message in str(info.value)
    parsed = parse_camt054(document, strict=False)
    assert parsed.warnings == (f"{field}: {message}",)
    assert len(parsed.payments) == 2


def test_an_accepted_direction_mismatch_keeps_the_transactions_own_sign() -> None:
    """With strict=False the transaction's CdtDbtInd decides its sign."""
    parsed = parse_camt054(
        notification(booked(f"<NtryDtls>{tx('60.00')}{tx('40.00', 'DBIT')}</NtryDtls>")),
        strict=False,
    )
    assert [p.signed_amount for p in parsed.payments] == [Decimal("60.00"), Decimal("-40.00")]


def test_a_consistent_batch_passes_without_warnings() -> None:
    """Count, total, direction and currency agree: payments, no warnings."""
    parsed = parse_camt054(notification(booked(
        f"<NtryDtls>{batch('2', '100.00')}{tx('60.00', None)}{tx('40.00')}</NtryDtls>"
    )))
    assert [p.amount for p in parsed.payments] == [Decimal("60.00"), Decimal("40.00")]
    assert all(p.credit for p in parsed.payments)
    assert (parsed.payments[0].batch_size, parsed.payments[0].batch_total) == (
        2, Decimal("100.00"))
    assert parsed.warnings == ()


def test_a_batch_without_its_transactions_is_one_payment_of_the_entry() -> None:
    """A batch described but not listed: the entry is the payment, its batch as stated."""
    (payment,) = parse_camt054(notification(booked(
        f"<NtryDtls>{batch('7', '100.00')}</NtryDtls>"
    ))).payments
    assert (payment.amount, payment.batch_size, payment.batch_total) == (
        Decimal("100.00"), 7, Decimal("100.00"))


def test_a_lone_transaction_without_amount_takes_the_entrys() -> None:
    """One TxDtls without Amt: the entry's amount and currency; with two, an error."""
    (payment,) = parse_camt054(notification(booked(
        f"<NtryDtls>{tx(None, None)}</NtryDtls>", amount="75.50", indicator="DBIT"
    ))).payments
    assert (payment.amount, payment.currency, payment.signed_amount) == (
        Decimal("75.50"), "NOK", Decimal("-75.50"))
    with pytest.raises(FileFormatError, match="more than one transaction") as info:
        parse_camt054(notification(booked(f"<NtryDtls>{tx(None)}{tx('10.00')}</NtryDtls>")),
                      strict=False)
    assert info.value.field == f"{TX_PATH}[1]"


def test_a_bad_reversal_indicator_is_refused() -> None:
    """RvslInd is an xs:boolean."""
    with pytest.raises(FileFormatError, match="RvslInd must be true or false"):
        parse_camt054(notification(booked("<RvslInd>yes</RvslInd>")))
    (payment,) = parse_camt054(notification(booked("<RvslInd>1</RvslInd>"))).payments
    assert payment.reversal


@pytest.mark.parametrize("version", ["001.02", "001.03", "001.04", "001.06", "001.08", "001.10"])
def test_versions_are_read_by_local_names(version: str) -> None:
    """Any 001.xx namespace reads the same way, and the version is reported."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.054.{version}"
    status = "<Sts><Cd>BOOK</Cd></Sts>" if version >= "001.08" else "<Sts>BOOK</Sts>"
    parsed = parse_camt054(notification(
        booked(f"<NtryDtls>{tx(remittance=reference('1234500009877', 'SCOR'))}</NtryDtls>",
               status=status), ns=ns,
    ))
    assert parsed.version == version
    (payment,) = parsed.payments
    assert (payment.kid, payment.amount, payment.status) == ("1234500009877",
                                                             Decimal("100.00"), "BOOK")


def test_a_document_without_namespace_has_no_version() -> None:
    """Local names still read; the version is unknown."""
    parsed = parse_camt054(notification(booked(""), ns="").replace(' xmlns=""', ""))
    assert parsed.version is None
    assert len(parsed.payments) == 1


def test_several_references_in_one_transaction_give_no_kid() -> None:
    """A payment naming an invoice and a credit note settles two documents: no single KID."""
    remittance = reference("1234500009877", "SCOR").replace(
        "</RmtInf>",
        "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
        "<Ref>000149012</Ref></CdtrRefInf></Strd></RmtInf>",
    )
    (payment,) = parse_camt054(notification(booked(
        f"<NtryDtls>{tx(remittance=remittance)}</NtryDtls>"
    ))).payments
    assert payment.kid is None
    assert (payment.reference, payment.reference_type) == ("1234500009877", "SCOR")
    assert payment.references == ("1234500009877", "000149012")


@given(st.lists(
    st.tuples(
        st.integers(1, 10**9),                                  # øre
        st.sampled_from(["CRDT", "DBIT"]),
        st.sampled_from(["", "<RvslInd>true</RvslInd>", "<RvslInd>false</RvslInd>"]),
        st.sampled_from(["BOOK", "PDNG", "INFO", "FUTR"]),
        st.integers(0, 3),                                       # transactions listed
    ),
    min_size=1, max_size=6,
))
def test_sign_is_the_indicator_and_only_booked_entries_are_payments(
    entries: list[tuple[int, str, str, str, int]],
) -> None:
    """For any entries: signs follow CdtDbtInd, RvslInd is only a flag, BOOK alone is paid."""
    body = []
    expected: list[tuple[str, Decimal, bool]] = []
    for ore, indicator, reversal, status, count in entries:
        amount = Decimal(ore).scaleb(-2)
        if count == 0:
            details = ""
            parts = [amount]
        else:
            parts = [Decimal(ore + i).scaleb(-2) for i in range(count)]
            details = "<NtryDtls>" + "".join(tx(str(p), indicator) for p in parts) + "</NtryDtls>"
        total = sum(parts, Decimal("0"))
        body.append(booked(reversal + details, amount=str(total), indicator=indicator,
                           status=f"<Sts>{status}</Sts>"))
        sign = 1 if indicator == "CRDT" else -1
        expected.extend((status, sign * p, "true" in reversal) for p in parts)
    parsed = parse_camt054(notification("".join(body)))
    assert parsed.warnings == ()
    assert [(p.status, p.signed_amount, p.reversal) for p in parsed.payments] == [
        e for e in expected if e[0] == "BOOK"]
    assert [(p.status, p.signed_amount, p.reversal) for p in parsed.unbooked] == [
        e for e in expected if e[0] != "BOOK"]
