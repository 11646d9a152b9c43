"""The corpus of public bank files in tests/data (see its README): every file, asserted.

Each camt.054 and OCR giro file is parsed and its counts, amounts, signs,
references, statuses and warnings pinned, so a change in the parsers that
would read a real file differently fails here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reskontro import FileFormatError
from reskontro.formats import CamtFile, OcrFile, parse_camt054, parse_ocr

DATA = Path(__file__).parent / "data"


def camt(name: str, *, strict: bool = True) -> CamtFile:
    return parse_camt054((DATA / name).read_bytes(), strict=strict)


def ocr(name: str, *, strict: bool = False) -> OcrFile:
    return parse_ocr((DATA / name).read_bytes(), strict=strict)


def test_every_file_in_the_corpus_is_pinned_here() -> None:
    """A file added to tests/data without a test (or a README line) fails this."""
    source = Path(__file__).read_text(encoding="utf-8")
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for path in sorted(DATA.iterdir()):
        if path.name == "README.md":
            continue
        assert f'"{path.name}"' in source or path.name in {
            "camt054_001_02_kid_sample.xml",  # tests/test_camt054.py, test_receipts.py
            "ocr_giro_nets_spec_sample.txt",  # tests/test_ocr.py
        }, path.name
        assert path.name in readme, f"{path.name} has no source in tests/data/README.md"


# --- camt.054 -------------------------------------------------------------------------


def test_finnish_fffs_sample_v02() -> None:
    """.02 from the Finnish banks' sample: SCOR references, several per payment, INFO entries."""
    parsed = camt("camt054_001_02_fi_fffs_sample.xml")
    assert (parsed.version, parsed.message_id, parsed.account) == (
        "001.02", "BANKFILEID219073", "FI7433010001222090")
    assert parsed.warnings == ()
    payments = parsed.payments
    assert len(payments) == 11
    assert [p.signed_amount for p in payments] == [Decimal(a) for a in (
        "1900.00", "100.00", "400.00", "100.00", "2500.00", "500.00",
        "-2000.02", "-1000.01", "-1230.02", "-500.00", "-500.00")]
    assert {p.currency for p in payments} == {"EUR"}
    assert all(p.status == "BOOK" and not p.reversal for p in payments)
    first, second = payments[:2]
    # an invoice net of a credit note: two references, so no single KID
    assert (first.references, first.kid) == (("3900", "12344"), None)
    assert (second.reference, second.reference_type, second.kid) == ("43216", "SCOR", "43216")
    assert (first.batch_size, first.batch_total) == (2, Decimal("2000.00"))
    assert first.booking_date == date(2009, 10, 29)
    # ISO 11649 RF references are kept, never KIDs
    assert payments[4].references == ("RF7812345", "RF0812344")
    assert payments[4].kid is None
    assert payments[4].end_to_end_id == "EndToEndIdAT-41-001"
    # the two failed direct debits are INFO, reversal-marked, and never payments
    assert [(p.status, p.amount, p.reversal, p.credit) for p in parsed.unbooked] == [
        ("INFO", Decimal("40.00"), True, True), ("INFO", Decimal("60.00"), True, True)]


def test_postfinance_qrr_v04_and_v08_read_alike() -> None:
    """PostFinance's QR-bill notification in .04 and .08: the same two QRR payments, no KID."""
    v04 = camt("camt054_001_04_postfinance_qrr.xml")
    v08 = camt("camt054_001_08_postfinance_qrr.xml")
    assert (v04.version, v08.version) == ("001.04", "001.08")
    for parsed in (v04, v08):
        assert parsed.account == "CH2909000000250094239"
        assert [(p.amount, p.currency, p.credit, p.status) for p in parsed.payments] == [
            (Decimal("778.29"), "CHF", True, "BOOK"), (Decimal("913.93"), "CHF", True, "BOOK")]
        assert [(p.reference, p.reference_type, p.kid) for p in parsed.payments] == [
            ("539115429773825311971477453", "QRR", None),
            ("662437765447746478179744715", "QRR", None)]
        assert parsed.payments[0].debtor_name == "Bernasconi Maria"
        assert parsed.payments[0].booking_date == date(2020, 6, 18)
        assert parsed.unbooked == parsed.warnings == ()
    assert [p.bank_reference for p in v04.payments] == [p.bank_reference for p in v08.payments]


def test_postfinance_isr_batch_and_debit() -> None:
    """PostFinance ISR (ESR) file: five credits in a batch typed 'ISR Reference', one debit."""
    parsed = camt("camt054_001_04_postfinance_isr.xml")
    assert parsed.version == "001.04"
    assert [p.signed_amount for p in parsed.payments] == [Decimal(a) for a in (
        "250.00", "200.00", "300.00", "324.00", "463.00", "-147.00")]
    incoming = parsed.payments[:5]
    assert {(p.reference_type, p.kid, p.batch_size) for p in incoming} == {
        ("ISR Reference", None, 5)}
    assert incoming[0].reference == "120000000000234478943216899"
    debit = parsed.payments[5]
    assert (debit.reference, debit.reference_type, debit.kid) == (
        "100041698214115449371805270", None, None)  # untyped, not a KID either
    assert parsed.warnings == ()


def test_postfinance_return_is_a_reversal_with_its_own_sign() -> None:
    """A returned payment: CRDT with RvslInd, money back in; the sign stays CdtDbtInd's."""
    (payment,) = camt("camt054_001_04_postfinance_return.xml").payments
    assert (payment.amount, payment.currency, payment.credit, payment.reversal) == (
        Decimal("500.00"), "CHF", True, True)
    assert payment.signed_amount == Decimal("500.00")
    assert payment.end_to_end_id == "EndToEndId-001-03-04"
    assert payment.booking_date == date(2020, 11, 24)


def test_postfinance_debit_notification() -> None:
    """A debit notification: one booked DBIT, negative, no reference."""
    (payment,) = camt("camt054_001_04_postfinance_debit.xml").payments
    assert (payment.signed_amount, payment.status, payment.reference) == (
        Decimal("-913.00"), "BOOK", None)


def test_dvbern_reversal_pending_and_inconsistent_entry() -> None:
    """DV Bern's example: a reversal, a pending entry, a DBIT entry holding a CRDT transaction."""
    with pytest.raises(FileFormatError) as info:
        camt("camt054_001_04_dvbern_reversal_pending.xml")
    assert info.value.field == (
        "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry[3]/NtryDtls/TxDtls/CdtDbtInd")
    parsed = camt("camt054_001_04_dvbern_reversal_pending.xml", strict=False)
    assert parsed.warnings == (
        ("Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry[3]/NtryDtls/TxDtls/CdtDbtInd: "
         "the transaction is CRDT, its entry DBIT"),
    )
    reversal, accepted = parsed.payments
    assert (reversal.amount, reversal.credit, reversal.reversal) == (Decimal("111.00"), True, True)
    assert reversal.signed_amount == Decimal("111.00")
    assert (reversal.reference, reversal.reference_type, reversal.kid) == (
        "123456789012345678901234567", None, None)
    assert (accepted.signed_amount, accepted.reversal) == (Decimal("3.00"), False)
    (pending,) = parsed.unbooked
    assert (pending.status, pending.amount, pending.booking_date) == (
        "PDNG", Decimal("2.00"), None)


def test_dvbern_untyped_esr_reference_is_not_a_kid() -> None:
    """An untyped 27-digit ESR reference failing MOD10/MOD11 stays a reference."""
    (payment,) = camt("camt054_001_04_dvbern_esr_untyped.xml").payments
    assert (payment.amount, payment.currency, payment.credit) == (Decimal("3949.75"), "CHF", True)
    assert (payment.reference, payment.reference_type, payment.kid) == (
        "210000000003139471430009017", None, None)
    assert payment.debtor_name == "Pia Rutschmann"


def test_genkgo_v02_transactions_without_amounts_are_refused() -> None:
    """Three TxDtls, none with an amount: the entry's cannot be shared; strict or not."""
    for strict in (True, False):
        with pytest.raises(FileFormatError, match="more than one transaction") as info:
            camt("camt054_001_02_genkgo_no_transaction_amounts.xml", strict=strict)
        assert info.value.field == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/TxDtls[1]"


@pytest.mark.parametrize(
    ("name", "version"),
    [("camt054_001_04_genkgo_inconsistent.xml", "001.04"),
     ("camt054_001_08_genkgo_inconsistent.xml", "001.08")],
)
def test_genkgo_inconsistent_entry_is_refused_or_reported(name: str, version: str) -> None:
    """A SEK debit entry holding CHF credits, a batch of '2' listing 3: every mismatch named."""
    with pytest.raises(FileFormatError) as info:
        camt(name)
    assert info.value.field == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/Btch/TtlAmt"
    parsed = camt(name, strict=False)
    assert parsed.version == version
    tx = "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/TxDtls"
    batch = "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/Btch"
    assert parsed.warnings == (
        f"{batch}/TtlAmt: the batch total is in CHF, its entry in SEK",
        f"{tx}[1]/AmtDtls/TxAmt/Amt: the transaction is in CHF, its entry in SEK",
        f"{tx}[1]/CdtDbtInd: the transaction is CRDT, its entry DBIT",
        f"{tx}[2]/AmtDtls/TxAmt/Amt: the transaction is in CHF, its entry in SEK",
        f"{tx}[2]/CdtDbtInd: the transaction is CRDT, its entry DBIT",
        f"{tx}[3]/AmtDtls/TxAmt/Amt: the transaction is in CHF, its entry in SEK",
        f"{tx}[3]/CdtDbtInd: the transaction is CRDT, its entry DBIT",
        f"{batch}/NbOfTxs: NbOfTxs says 2 transactions, the batch lists 3",
        f"{batch}/TtlAmt: TtlAmt says 6.30 DBIT, the transactions add up to -9.50",
    )
    assert [(p.signed_amount, p.currency) for p in parsed.payments] == [
        (Decimal("3.10"), "CHF"), (Decimal("3.20"), "CHF"), (Decimal("3.20"), "CHF")]
    assert [(p.reference_type, p.kid) for p in parsed.payments] == [
        ("ISR Reference", None), ("ISR Reference", None), ("SCOR", None)]
    assert parsed.payments[2].references == ("Ref number V3 block 1", "Ref number V3 block 2")


def test_constructed_norwegian_kid_sample() -> None:
    """The project's own .02 KID batch (constructed, see README): two KIDs, batch consistent."""
    parsed = camt("camt054_001_02_kid_sample.xml")
    assert [(p.amount, p.kid, p.reference_type) for p in parsed.payments] == [
        (Decimal("1250.00"), "1234500009877", "SCOR"), (Decimal("499.50"), "000149012", "SCOR")]
    assert parsed.warnings == ()


# --- OCR giro ------------------------------------------------------------------------


def test_nets_spec_sample_with_credit_notes_nets_them_off() -> None:
    """The Nets specification's example: three credit notes, end records with the signed total."""
    parsed = ocr("ocr_giro_nets_spec_credit_notes.txt", strict=True)
    payments = parsed.payments
    assert len(payments) == 23
    notes = [p for p in payments if p.amount < 0]
    assert [(p.transaction_number, p.amount, p.kid) for p in notes] == [
        (15, Decimal("-250.00"), "44000366370078"),
        (16, Decimal("-400.00"), "44000366980090"),
        (17, Decimal("-1500.00"), "44000007860156"),
    ]
    assert parsed.total == Decimal("15630.00")
    assert sum(abs(p.amount) for p in payments) == Decimal("19930.00")
    assert {p.transaction_type for p in payments} == {10, 13}
    assert not any(p.reversal for p in payments)
    assert {p.nets_date for p in payments} == {date(2004, 3, 24)}
    assert payments[0].payer_account == "88881011128"
    assert parsed.warnings == ()


def test_same_file_with_totals_as_written_passes_too() -> None:
    """Constructed: the same file with end-record totals adding the amounts as written."""
    parsed = ocr("ocr_giro_credit_notes_totals_as_written_constructed.txt", strict=True)
    assert parsed.total == Decimal("15630.00")
    assert len(parsed.payments) == 23
    assert parsed.warnings == ()


def test_end_record_dates_that_disagree_are_a_warning() -> None:
    """Constructed: earliest/latest dates 23.03/25.03 around transactions all of 24.03."""
    parsed = ocr("ocr_giro_end_dates_disagree_constructed.txt")
    assert len(parsed.payments) == 23
    assert parsed.total == Decimal("15630.00")
    assert parsed.warnings == (
        ("line 49: earliest Nets date 2004-03-23 does not match the transactions' 2004-03-24; "
         "counts and totals agree, accepted"),
        ("line 49: latest Nets date 2004-03-25 does not match the transactions' 2004-03-24; "
         "counts and totals agree, accepted"),
    )
    with pytest.raises(FileFormatError) as info:
        ocr("ocr_giro_end_dates_disagree_constructed.txt", strict=True)
    assert (info.value.line, info.value.field) == (49, "earliest_nets_date")


def test_free_text_transaction() -> None:
    """A type 21 purchase with free text and no KID."""
    (payment,) = ocr("ocr_giro_free_text.txt", strict=True).payments
    assert (payment.transaction_type, payment.amount, payment.kid) == (21, Decimal("440.00"), None)
    assert payment.text == "ABCDEFGHIJKLMNOPQRSTUVWXZYabcdefghijklmn"
    assert not payment.reversal
