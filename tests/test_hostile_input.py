"""Hostile bank files: every one refused with FileFormatError, in bounded time and memory.

camt.054 and OCR giro have documented limits (module constants); beyond them,
and for the XML attack list, bad encodings and non-ASCII digits, the parsers
raise ``FileFormatError`` and nothing else. Growth is checked by counting
operations or by the ratio of two sizes, never against a clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from reskontro import FileFormatError
from reskontro.formats import camt054, ocr, parse_camt054, parse_ocr

DATA = Path(__file__).parent / "data"
NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"


def document(
    transactions: str = '<TxDtls><Amt Ccy="NOK">1.00</Amt></TxDtls>',
    *, total: str = "1.00", booked: str = "<Dt>2025-01-15</Dt>", declaration: str = "",
) -> str:
    """A camt.054 document of one booked entry holding *transactions*."""
    return (
        f'{declaration}<Document xmlns="{NS}"><BkToCstmrDbtCdtNtfctn><Ntfctn>'
        f'<Ntry><Amt Ccy="NOK">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt>{booked}</BookgDt><NtryDtls>{transactions}</NtryDtls></Ntry>"
        f"</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    )


def refused(data: str | bytes, parse: Callable[[str | bytes], object] = parse_camt054) -> (
    FileFormatError
):
    """The FileFormatError that parsing *data* raises; its message is one short line."""
    with pytest.raises(FileFormatError) as raised:
        parse(data)
    assert "\n" not in str(raised.value)
    assert len(str(raised.value)) < 400
    return raised.value


# -- camt.054: size --------------------------------------------------------------------------


def test_a_document_over_the_size_limit_is_refused_before_it_is_parsed() -> None:
    assert camt054.MAX_DOCUMENT_BYTES == 64 * 1024 * 1024
    padding = b" " * (camt054.MAX_DOCUMENT_BYTES + 1 - len(document()))
    error = refused(document().encode() + padding)
    assert error.field == "document"
    assert "MAX_DOCUMENT_BYTES" in str(error)
    assert parse_camt054(document().encode() + padding[:-1]).payments  # at the limit: read


# -- camt.054: encodings ---------------------------------------------------------------------

LATIN_TEXT = '<TxDtls><Amt Ccy="NOK">1.00</Amt><RmtInf><Ustrd>Bjørn Ærø</Ustrd></RmtInf></TxDtls>'


@pytest.mark.parametrize(
    ("declared", "codec"),
    [
        (None, "utf-8"),
        ("UTF-8", "utf-8"),
        ("utf-8", "utf-8-sig"),
        ("ISO-8859-1", "iso-8859-1"),
        ("latin-1", "iso-8859-1"),
        ("ISO-8859-15", "iso-8859-15"),
        ("windows-1252", "cp1252"),
        ("UTF-16", "utf-16"),
    ],
)
def test_supported_encodings_are_read(declared: str | None, codec: str) -> None:
    declaration = "" if declared is None else f'<?xml version="1.0" encoding="{declared}"?>'
    (payment,) = parse_camt054(document(LATIN_TEXT, declaration=declaration).encode(codec)).payments
    assert payment.text == "Bjørn Ærø"


def test_us_ascii_is_read() -> None:
    declaration = '<?xml version="1.0" encoding="US-ASCII"?>'
    assert parse_camt054(document(declaration=declaration).encode("ascii")).payments


@pytest.mark.parametrize(
    ("declared", "codec"),
    [
        ("Shift_JIS", "shift_jis"),
        ("UTF-7", "utf-7"),
        ("UTF-32", "utf-32"),
        ("cp500", "cp500"),
        ("x-no-such-encoding", "utf-8"),
        ("ISO-2022-JP", "iso-2022-jp"),
    ],
)
def test_other_declared_encodings_are_refused_by_name(declared: str, codec: str) -> None:
    text = document(declaration=f'<?xml version="1.0" encoding="{declared}"?>')
    error = refused(text.encode(codec))
    # an EBCDIC or UTF-32 document cannot even show its declaration to an ASCII reader
    assert error.field in ("encoding", "line 1, column 0", "line 1, column 1")


def test_a_utf32_document_with_its_byte_order_mark_is_refused_as_such() -> None:
    error = refused(document().encode("utf-32"))
    assert (error.field, error.value) == ("encoding", "UTF-32")


def test_a_byte_order_mark_that_contradicts_the_declaration_is_refused() -> None:
    text = document(declaration='<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert refused(text.encode("utf-8-sig")).field == "encoding"


def test_a_str_declaring_an_unsupported_encoding_is_refused() -> None:
    assert refused(document(declaration='<?xml version="1.0" encoding="Shift_JIS"?>')).field == (
        "encoding"
    )


def test_invalid_utf8_is_refused_with_the_offset_of_the_first_bad_byte() -> None:
    text = document(LATIN_TEXT).encode()
    bad = text.replace("ø".encode(), b"\xf8")  # Latin-1 bytes in a UTF-8 document
    offset = bad.index(b"\xf8")
    error = refused(bad)
    assert (error.field, error.value) == ("encoding", offset)
    assert f"byte {offset} " in str(error)


def test_a_bad_byte_after_the_first_chunk_is_found_at_its_offset() -> None:
    padding = "x" * (1 << 20)
    text = document(f'<TxDtls><Amt Ccy="NOK">1.00</Amt><RmtInf><Ustrd>{padding[:60000]}'
                    f"</Ustrd></RmtInf></TxDtls>" * 20).encode()
    bad = text[: 1_100_000] + b"\xc3\x28" + text[1_100_002:]
    assert refused(bad).value == 1_100_000


def test_a_byte_windows_1252_leaves_undefined_is_refused() -> None:
    text = document(declaration='<?xml version="1.0" encoding="windows-1252"?>').encode()
    assert refused(text.replace(b"BOOK", b"BO\x81K")).field == "encoding"


def test_a_lone_surrogate_in_a_str_is_refused() -> None:
    assert refused(document(LATIN_TEXT.replace("ø", "\udc80"))).field == "document"


# -- camt.054: non-ASCII digits ----------------------------------------------------------------

WIDE = "１２"  # fullwidth digits: str.isdigit() and int() accept them
ARABIC = "١٢"  # Arabic-Indic digits


@pytest.mark.parametrize("digits", [WIDE, ARABIC, "²"])
def test_non_ascii_digits_in_nboftxs_are_refused(digits: str) -> None:
    text = document().replace("<NtryDtls>", f"<NtryDtls><Btch><NbOfTxs>{digits}</NbOfTxs></Btch>")
    error = refused(text)
    assert error.field is not None
    assert error.field.endswith("/Btch")
    assert "NbOfTxs" in str(error)


@pytest.mark.parametrize("digits", [WIDE, ARABIC])
def test_non_ascii_digits_in_amounts_are_refused(digits: str) -> None:
    assert refused(document(total=f"{digits}.00")).field.endswith("/Ntry/Amt")  # type: ignore[union-attr]
    tx = f'<TxDtls><Amt Ccy="NOK">{digits}.00</Amt></TxDtls>'
    assert refused(document(tx)).field.endswith("/TxDtls/Amt")  # type: ignore[union-attr]
    total = f'<Btch><TtlAmt Ccy="NOK">{digits}</TtlAmt></Btch>'
    text = document().replace("<NtryDtls>", f"<NtryDtls>{total}")
    assert refused(text).field.endswith("/Btch/TtlAmt")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "booked",
    [
        "<Dt>２０２５-01-15</Dt>",
        "<Dt>٢٠٢٥-٠١-١٥</Dt>",
        "<Dt>2025-01-15junk</Dt>",
        "<DtTm>２０２５-01-15T10:00:00</DtTm>",
        "<DtTm>2025-01-15 and then some</DtTm>",
    ],
)
def test_dates_must_be_iso_dates_in_ascii(booked: str) -> None:
    error = refused(document(booked=booked))
    assert error.field is not None
    assert error.field.endswith("/BookgDt")
    assert "is not an ISO date" in str(error)


def test_ascii_dates_and_date_times_are_read() -> None:
    for booked in ("<Dt>2025-01-15</Dt>", "<DtTm>2025-01-15T08:00:00.123+01:00</DtTm>",
                   "<DtTm>2025-01-15T08:00:00Z</DtTm>"):
        (payment,) = parse_camt054(document(booked=booked)).payments
        assert str(payment.booking_date) == "2025-01-15"


# -- camt.054: nesting, text, elements ---------------------------------------------------------


def nested(depth: int) -> str:
    """Supplementary data nested so that the innermost element is *depth* levels deep."""
    # Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/TxDtls is six levels
    extra = depth - 6
    return document(f'<TxDtls><Amt Ccy="NOK">1.00</Amt>{"<X>" * extra}{"</X>" * extra}</TxDtls>')


def test_nesting_up_to_the_limit_is_read_and_one_deeper_refused() -> None:
    assert camt054.MAX_DEPTH == 64
    assert parse_camt054(nested(camt054.MAX_DEPTH)).payments
    error = refused(nested(camt054.MAX_DEPTH + 1))
    assert (error.field, error.value, error.line) == ("depth", camt054.MAX_DEPTH + 1, 1)


def test_a_million_levels_are_refused_at_the_first_level_too_deep() -> None:
    calls = 0
    real_start = camt054._Limited.start

    def counting(self: camt054._Limited, tag: str, attrib: dict[str, str]) -> object:
        nonlocal calls
        calls += 1
        return real_start(self, tag, attrib)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(camt054._Limited, "start", counting)
        error = refused("<a>" * 1_000_000 + "</a>" * 1_000_000)
    assert error.field == "depth"
    assert calls == camt054.MAX_DEPTH + 1  # stopped there, not after reading it all


def test_a_text_up_to_the_limit_is_read_and_one_longer_refused() -> None:
    assert camt054.MAX_TEXT_LENGTH == 65_536

    def with_text(length: int) -> str:
        return document(f'<TxDtls><Amt Ccy="NOK">1.00</Amt><RmtInf><Ustrd>{"a" * length}'
                        f"</Ustrd></RmtInf></TxDtls>")

    (payment,) = parse_camt054(with_text(camt054.MAX_TEXT_LENGTH)).payments
    assert payment.text == "a" * camt054.MAX_TEXT_LENGTH
    error = refused(with_text(camt054.MAX_TEXT_LENGTH + 1))
    assert error.field == "text"
    assert "MAX_TEXT_LENGTH" in str(error)


def test_a_huge_text_node_is_refused_while_it_streams() -> None:
    huge = "9" * (40 * 1024 * 1024)  # 40 MiB of digits, within the document limit
    error = refused(document(f'<TxDtls><Amt Ccy="NOK">1.00</Amt><RmtInf><Ustrd>{huge}'
                             f"</Ustrd></RmtInf></TxDtls>"))
    assert error.field == "text"
    assert error.value is not None
    assert error.value <= 2 * (1 << 20)


def test_text_between_child_elements_counts_too() -> None:
    tail = "b" * (camt054.MAX_TEXT_LENGTH + 1)
    assert refused(document(f'<TxDtls><Amt Ccy="NOK">1.00</Amt>{tail}</TxDtls>')).field == "text"


def test_a_huge_attribute_is_refused() -> None:
    currency = "N" * (camt054.MAX_TEXT_LENGTH + 1)
    error = refused(document(f'<TxDtls><Amt Ccy="{currency}">1.00</Amt></TxDtls>'))
    assert error.field == "Amt"
    assert "MAX_TEXT_LENGTH" in str(error)


def test_more_elements_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert camt054.MAX_ELEMENTS == 3_000_000
    monkeypatch.setattr(camt054, "MAX_ELEMENTS", 1000)
    many = '<TxDtls><Amt Ccy="NOK">0.01</Amt></TxDtls>' * 495  # and 10 around them: 1000
    assert len(parse_camt054(document(many, total="4.95")).payments) == 495
    error = refused(document(many + "<Prtry/>", total="4.95"))
    assert (error.field, error.value) == ("elements", 1001)


# -- camt.054: the XML attack list, all refused through defusedxml -----------------------------

ATTACKS = {
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
                  for i in range(1, 10))
        + "]><Document>&lol9;</Document>"
    ),
    "quadratic blowup": (
        f'<!DOCTYPE d [<!ENTITY a "{"x" * 50_000}">]><Document>{"&a;" * 50_000}</Document>'
    ),
    "external entity (file)": (
        '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>'
    ),
    "external entity (network)": (
        '<!DOCTYPE d [<!ENTITY x SYSTEM "http://example.invalid/x">]><Document>&x;</Document>'
    ),
    "parameter entity": (
        '<!DOCTYPE d [<!ENTITY % x SYSTEM "http://example.invalid/x.dtd"> %x;]><Document/>'
    ),
    "external DTD": '<!DOCTYPE Document SYSTEM "http://example.invalid/camt.dtd"><Document/>',
    "public DTD": (
        '<!DOCTYPE Document PUBLIC "-//X//DTD X//EN" "http://example.invalid/x.dtd"><Document/>'
    ),
    "unparsed entity": (
        '<!DOCTYPE d [<!NOTATION n SYSTEM "x"><!ENTITY e SYSTEM "http://example.invalid" '
        "NDATA n>]><Document/>"
    ),
    "internal entity only": '<!DOCTYPE d [<!ENTITY a "x">]><Document>&a;</Document>',
    "empty internal subset": "<!DOCTYPE Document []><Document/>",
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_xml_attack_list_is_refused(attack: str) -> None:
    for data in (ATTACKS[attack], ATTACKS[attack].encode()):
        error = refused(data)
        assert error.field == "DOCTYPE"
        assert "DTD" in str(error)


def test_an_xinclude_is_never_followed() -> None:
    text = document().replace(
        "<NtryDtls>",
        '<NtryDtls><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" '
        'parse="text"/>',
    )
    (payment,) = parse_camt054(text).payments
    assert payment.text is None


# -- camt.054: lookups are linear ----------------------------------------------------------------


def lookups(text: str) -> int:
    """How many child elements the lookups of parsing *text* look at."""
    count = 0
    real = camt054._local

    def counting(tag: str) -> str:
        nonlocal count
        count += 1
        return real(tag)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(camt054, "_local", counting)
        parse_camt054(text)
    return count


def siblings(n: int) -> str:
    return document('<TxDtls><Amt Ccy="NOK">0.01</Amt></TxDtls>' * n,
                    total=str(Decimal(n) / 100))


def test_lookups_grow_linearly_with_sibling_transactions() -> None:
    small, large = lookups(siblings(2_500)), lookups(siblings(10_000))
    assert large / small < 4.1  # linear: 4; one scan per lookup would make it 16
    assert large < 10 * 10_000  # a few looks per transaction


def test_a_transaction_with_100000_siblings_costs_linear_lookups() -> None:
    """One transaction among 100 000 other child elements: each child is looked at once."""
    text = document('<TxDtls><Amt Ccy="NOK">1.00</Amt>' + "<Prtry/>" * 100_000 + "</TxDtls>")
    assert lookups(text) < 100_000 + 100


def best_time(text: str) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        parse_camt054(text)
        times.append(time.perf_counter() - started)
    return min(times)


def references(n: int) -> str:
    strd = "".join(f"<Strd><CdtrRefInf><Ref>R{i}</Ref></CdtrRefInf></Strd>" for i in range(n))
    return document(f'<TxDtls><Amt Ccy="NOK">1.00</Amt><RmtInf>{strd}</RmtInf></TxDtls>')


def test_many_distinct_references_cost_linear_time() -> None:
    """A ratio of two sizes, not a clock: 4 times the references, at most about 4 times the time.

    Each reference used to be compared with every earlier one (16 times the time).
    """
    small_text, large_text = references(2_000), references(8_000)
    (payment,) = parse_camt054(large_text).payments
    assert len(payment.references) == 8_000
    assert best_time(large_text) / best_time(small_text) < 8


# -- OCR giro ---------------------------------------------------------------------------------

SAMPLE = (DATA / "ocr_giro_nets_spec_sample.txt").read_bytes()
LINES = SAMPLE.decode("iso-8859-1").splitlines()


def with_line(number: int, line: str) -> str:
    """The sample with line *number* (1-based) replaced."""
    lines = list(LINES)
    lines[number - 1] = line
    return "\r\n".join(lines) + "\r\n"


def put(line: str, position: int, text: str) -> str:
    """*line* with *text* written at the 1-based *position*."""
    return line[: position - 1] + text + line[position - 1 + len(text) :]


def test_an_ocr_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    assert ocr.MAX_FILE_BYTES == 64 * 1024 * 1024
    error = refused(SAMPLE + b" " * (ocr.MAX_FILE_BYTES + 1 - len(SAMPLE)), parse_ocr)
    assert error.field == "file"
    assert error.value == ocr.MAX_FILE_BYTES + 1


def test_more_records_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ocr.MAX_RECORDS == 700_000
    monkeypatch.setattr(ocr, "MAX_RECORDS", len(LINES))
    assert parse_ocr(SAMPLE).payments  # exactly at the limit
    monkeypatch.setattr(ocr, "MAX_RECORDS", len(LINES) - 1)
    error = refused(SAMPLE, parse_ocr)
    assert (error.line, error.field) == (len(LINES), "record")


def test_a_file_of_only_line_ends_is_refused_at_its_first_line() -> None:
    error = refused(b"\n" * 10_000_000, parse_ocr)
    assert (error.line, error.field) == (1, "record")


@pytest.mark.parametrize("length", [0, 79, 81, 160, 5_000_000])
def test_records_of_another_length_are_refused_with_their_line(length: int) -> None:
    line = (LINES[2] * (length // 80 + 1))[:length]
    error = refused(with_line(3, line), parse_ocr)
    assert (error.line, error.field) == (3, "record")
    assert f"this one {length}" in str(error)


# (line, position, field) of numeric fields in the sample's records
NUMERIC_FIELDS = [
    (1, 9, "data transmitter"),
    (2, 9, "agreement id"),
    (3, 5, "transaction type"),
    (3, 9, "transaction number"),
    (3, 16, "Nets date"),
    (3, 33, "amount"),
    (4, 16, "form number"),
    (4, 48, "debit account"),
    (len(LINES) - 1, 9, "number of transactions"),
    (len(LINES) - 1, 25, "total amount"),
    (len(LINES), 17, "number of records"),
]


@pytest.mark.parametrize(("line", "position", "field"), NUMERIC_FIELDS)
@pytest.mark.parametrize("digit", ["²", "¹", "³"])  # ISO-8859-1 digits that str.isdigit() takes
def test_non_ascii_digits_in_numeric_fields_are_refused_with_line_and_field(
    line: int, position: int, field: str, digit: str
) -> None:
    text = with_line(line, put(LINES[line - 1], position, digit))
    for data in (text, text.encode("iso-8859-1")):
        error = refused(data, parse_ocr)
        assert error.line == line
        assert error.field == field.replace(" ", "_") or error.field == field
        assert "must be digits" in str(error)


def test_a_non_ascii_digit_in_the_kid_is_refused() -> None:
    kid_line = next(i for i, text in enumerate(LINES, 1) if text[6:8] == "30" and text[73] != " ")
    error = refused(with_line(kid_line, put(LINES[kid_line - 1], 70, "²")), parse_ocr)
    assert (error.line, error.field) == (kid_line, "kid")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ("\u0661".join([LINES[0][:40], LINES[0][41:]]), 1),  # an Arabic digit: not ISO-8859-1
        (put(LINES[0], 30, "€"), 1),
        (put(LINES[0], 30, "\x00"), 1),
        (put(LINES[0], 30, "\x85"), 1),  # a C1 control: a UTF-8 or Windows file read as Latin-1
        (put(LINES[0], 30, "\x1b"), 1),
    ],
)
def test_characters_iso_8859_1_text_never_holds_are_refused(data: str, line: int) -> None:
    error = refused(data + "\r\n" + "\r\n".join(LINES[1:]), parse_ocr)
    assert (error.line, error.field) == (line, "encoding")
    assert "position 30" in str(error) or "position 41" in str(error)


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig", "cp500"])
def test_files_in_other_encodings_are_refused(codec: str) -> None:
    error = refused(SAMPLE.decode("iso-8859-1").encode(codec), parse_ocr)
    assert error.line == 1
    assert error.field in ("record", "format_code", "encoding")


def test_letters_in_a_utf8_file_are_read_as_iso_8859_1_and_the_record_is_too_long() -> None:
    text = with_line(2, put(LINES[1], 60, "Ø")).encode("utf-8")  # Ø is two bytes in UTF-8
    error = refused(text, parse_ocr)
    assert (error.line, error.field) == (2, "record")
