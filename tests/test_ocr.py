"""OCR giro: the spec's samples, every kind of damage, and arbitrary input."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import FileFormatError
from reskontro.formats import parse_ocr
from reskontro.kid import Algorithm, is_valid

DATA = Path(__file__).parent / "data"

SMALL = [
    "NY000010000080800000001001234560000000000000000000000000000000000000000000000000",
    "NY090020001234567000000186011117947000000000000000000000000000000000000000000000",
    "NY09103000000011501250115100001000000000000125000            1234500009877000000",
    "NY091031000000100000000001234567890000000140125123456789030000000000000000000000",
    "NY09163000000021501250115100001000000000000049950                000149012000000",
    "NY091631000000200000000009876543210000000150125860111179470000000000000000000000",
    "NY09213000000031501250115000002000000000000010000                         000000",
    "NY092131000000300000000001234560010000000150125000000000000000000000000000000000",
    "NY0921320000003Ordre 4711 nettbutikk                   0000000000000000000000000",
    "NY090088000000030000000900000000000184950160125150125150125000000000000000000000",
    "NY000089000000030000001100000000000184950160125000000000000000000000000000000000",
]


def crlf(lines: list[str]) -> str:
    return "\r\n".join(lines) + "\r\n"


def test_small_sample_parses_exactly() -> None:
    """The reference's small file: three payments, 1 849.50 NOK, KIDs, dates and text."""
    parsed = parse_ocr(crlf(SMALL).encode("iso-8859-1"))
    assert parsed.data_recipient == "00123456"
    (assignment,) = parsed.assignments
    assert (assignment.agreement_id, assignment.account) == ("001234567", "86011117947")
    first, second, third = parsed.payments
    assert (first.transaction_type, first.amount, first.kid) == (10, Decimal("1250.00"),
                                                                  "1234500009877")
    assert first.nets_date == date(2025, 1, 15)
    assert first.bank_date == date(2025, 1, 14)
    assert first.payer_account == "12345678903"
    assert (second.amount, second.kid) == (Decimal("499.50"), "000149012")
    assert is_valid(second.kid, Algorithm.MOD11)
    assert (third.kid, third.text) == (None, "Ordre 4711 nettbutikk")
    assert third.bank_date == date(2025, 1, 15)
    assert parsed.total == Decimal("1849.50")


def test_nets_spec_sample_has_20_transactions_of_51449() -> None:
    """The Nets specification's sample file: 20 transactions, NOK 51 449.00, LF line ends."""
    parsed = parse_ocr((DATA / "ocr_giro_nets_spec_sample.txt").read_bytes())
    assert len(parsed.payments) == 20
    assert parsed.total == Decimal("51449.00")
    assert all(p.nets_date == date(1992, 1, 20) for p in parsed.payments)
    kids = {p.kid for p in parsed.payments}
    # the spec's MOD11 KIDs (the longer ones in the sample are not check-digit KIDs)
    for kid in ("0000531", "0036633", "0048763", "0063851", "0120243", "0165867", "0178357"):
        assert kid in kids
        assert is_valid(kid, Algorithm.MOD11)
    assert parsed.payments[0].text == "Foo bar baz"
    assert len({p.bank_reference for p in parsed.payments}) == 20


def test_a_minus_sign_makes_a_credit_note_negative() -> None:
    """A '-' in the sign field gives a negative amount; end records adding it as written pass."""
    lines = list(SMALL)
    lines[2] = lines[2][:31] + "-" + lines[2][32:]
    parsed = parse_ocr(crlf(lines))
    assert parsed.payments[0].amount == Decimal("-1250.00")
    assert parsed.total == Decimal("-1250.00") + Decimal("499.50") + Decimal("100.00")
    assert parsed.warnings == ()


def test_end_records_may_net_credit_notes_off() -> None:
    """End records whose total is the signed sum (the Nets sample's way) pass too."""
    lines = list(SMALL)
    lines[2] = lines[2][:31] + "-" + lines[2][32:]  # 1250.00 and 499.50 credit notes,
    lines[4] = lines[4][:31] + "-" + lines[4][32:]
    lines[6] = lines[6][:32] + f"{400000:017d}" + lines[6][49:]  # 4000.00 paid
    signed, unsigned = -125000 - 49950 + 400000, 125000 + 49950 + 400000
    for total in (signed, unsigned):
        lines[9] = lines[9][:24] + f"{total:017d}" + lines[9][41:]
        lines[10] = lines[10][:24] + f"{total:017d}" + lines[10][41:]
        parsed = parse_ocr(crlf(lines), strict=True)
        assert [p.amount for p in parsed.payments] == [
            Decimal("-1250.00"), Decimal("-499.50"), Decimal("4000.00"),
        ]
        assert parsed.total == Decimal("2250.50")
    lines[9] = lines[9][:24] + f"{signed + 1:017d}" + lines[9][41:]
    with pytest.raises(FileFormatError, match="225050 øre with signs applied and 574950"):
        parse_ocr(crlf(lines))


def test_end_record_dates_that_disagree_are_a_warning_unless_strict() -> None:
    """Counts and totals agree, the earliest date does not: accepted and reported, or refused."""
    lines = damaged(9, 48, "140125")
    parsed = parse_ocr(crlf(lines))
    assert len(parsed.payments) == 3
    assert parsed.total == Decimal("1849.50")
    (warning,) = parsed.warnings
    assert warning.startswith("line 10: earliest Nets date 2025-01-14 does not match")
    with pytest.raises(FileFormatError) as info:
        parse_ocr(crlf(lines), strict=True)
    assert (info.value.line, info.value.field) == (10, "earliest_nets_date")


def test_reversal_records_are_flagged() -> None:
    """Transaction types 18 and 20 are reversals; the others are not."""
    lines = [line[:4] + "18" + line[6:] if line[4:6] == "10" else line for line in SMALL]
    lines = [line[:4] + "20" + line[6:] if line[4:6] == "21" else line for line in lines]
    first, second, third = parse_ocr(crlf(lines)).payments
    assert (first.transaction_type, first.reversal) == (18, True)
    assert (second.transaction_type, second.reversal) == (16, False)
    assert (third.transaction_type, third.reversal, third.text) == (
        20, True, "Ordre 4711 nettbutikk",
    )


def test_str_with_lf_and_no_final_newline_parses() -> None:
    """LF line ends and a missing last newline are accepted."""
    assert len(parse_ocr("\n".join(SMALL)).payments) == 3


def damaged(index: int, start: int, text: str) -> list[str]:
    """SMALL with *text* written over record *index* from 1-based position *start*."""
    lines = list(SMALL)
    line = lines[index]
    lines[index] = line[: start - 1] + text + line[start - 1 + len(text) :]
    return lines


@pytest.mark.parametrize(
    ("lines", "line", "field"),
    [
        (damaged(2, 1, "NX"), 3, "format_code"),
        ([*SMALL[:2], SMALL[2][:79], *SMALL[3:]], 3, "record"),
        ([*SMALL[:2], SMALL[2] + "0", *SMALL[3:]], 3, "record"),
        ([SMALL[0], SMALL[1], SMALL[3], *SMALL[2:]], 3, "record_type"),
        (damaged(3, 9, "0000002"), 4, "transaction_number"),
        (damaged(3, 5, "16"), 4, "transaction type"),
        (damaged(2, 16, "320125"), 3, "Nets date"),
        (damaged(2, 33, "0000000000012500x"), 3, "amount"),
        (damaged(2, 32, "+"), 3, "sign"),
        (damaged(2, 50, "            12345A0009877"), 3, "kid"),
        (damaged(2, 50, "1234500009877            "), 3, "kid"),
        (damaged(2, 5, "25"), 3, "transaction_type"),
        (damaged(9, 9, "00000004"), 10, "number_of_transactions"),
        (damaged(9, 17, "00000010"), 10, "number_of_records"),
        (damaged(9, 25, "00000000000184951"), 10, "total_amount"),
        (damaged(9, 48, "140125"), 10, "earliest_nets_date"),
        (damaged(10, 9, "00000002"), 11, "number_of_transactions"),
        (damaged(10, 25, "00000000000184900"), 11, "total_amount"),
        (damaged(1, 3, "21"), 2, "service_code"),
        (damaged(0, 1, "NY000011"), 1, "start of transmission"),
        ([*SMALL, SMALL[-1]], 12, "record_type"),
        (SMALL[:-1], 11, "record_type"),
        ([*SMALL[:6], *SMALL[8:]], 7, "record_type"),
    ],
)
def test_damaged_files_are_refused_naming_line_and_field(
    lines: list[str], line: int, field: str | None
) -> None:
    """Each kind of damage raises FileFormatError with the line and field at fault (strict)."""
    with pytest.raises(FileFormatError) as info:
        parse_ocr(crlf(lines), strict=True)
    assert info.value.line == line
    if field is not None:
        assert info.value.field == field
    assert str(info.value).startswith(f"line {line}:")
    assert isinstance(info.value, ValueError)


def test_an_empty_file_is_refused() -> None:
    """An empty file (or only a newline) raises FileFormatError at line 1."""
    for data in ("", "\r\n", b""):
        with pytest.raises(FileFormatError) as info:
            parse_ocr(data)
        assert info.value.line == 1


def test_non_text_input_is_refused() -> None:
    """Anything but bytes or str is refused."""
    with pytest.raises(FileFormatError):
        parse_ocr(12345)  # type: ignore[arg-type]


@given(st.one_of(st.binary(max_size=400), st.text(max_size=400)))
def test_arbitrary_input_raises_only_file_format_errors(data: bytes | str) -> None:
    """Random bytes or text either parse or raise FileFormatError, nothing else."""
    with contextlib.suppress(FileFormatError):  # anything else fails the test
        parse_ocr(data)


@given(st.data())
def test_arbitrary_damage_to_a_valid_file_raises_only_file_format_errors(
    data: st.DataObject,
) -> None:
    """Overwriting any span of a valid file parses or raises FileFormatError, nothing else."""
    text = crlf(SMALL)
    start = data.draw(st.integers(0, len(text) - 1))
    junk = data.draw(st.text(max_size=12))
    with contextlib.suppress(FileFormatError):  # anything else fails the test
        parse_ocr(text[:start] + junk + text[start + len(junk) :])


def write_ocr(payments: list[tuple[int, str | None]]) -> str:
    """A valid OCR giro file (one assignment) of (øre, KID) payments, dated 15.01.25."""
    lines = [SMALL[0], SMALL[1]]
    for number, (ore, kid) in enumerate(payments, start=1):
        lines.append(
            f"NY091030{number:07d}150125" + "1501" + "1" + "00001" + "0"
            + f"{ore:017d}{(kid or ''):>25}000000"
        )
        lines.append(f"NY091031{number:07d}" + "0" * 65)
    total = sum(ore for ore, _ in payments)
    n = len(payments)
    lines.append(f"NY090088{n:08d}{2 * n + 2:08d}{total:017d}150125150125150125" + "0" * 21)
    lines.append(f"NY000089{n:08d}{2 * n + 4:08d}{total:017d}150125" + "0" * 33)
    return crlf(lines)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**15),  # thirty of them still fit the 17-digit total
            st.one_of(st.none(), st.text(alphabet="0123456789", min_size=1, max_size=25)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_generated_files_round_trip_amounts_and_kids(
    payments: list[tuple[int, str | None]],
) -> None:
    """A written file gives back every amount (to the øre) and every KID exactly."""
    parsed = parse_ocr(write_ocr(payments))
    assert [(p.amount, p.kid) for p in parsed.payments] == [
        (Decimal(ore).scaleb(-2), kid) for ore, kid in payments
    ]
    assert parsed.total == Decimal(sum(ore for ore, _ in payments)).scaleb(-2)


@given(
    st.lists(st.tuples(st.integers(0, 10**12), st.booleans()), min_size=1, max_size=20),
    st.booleans(),
)
def test_signed_amounts_round_trip_with_either_total_convention(
    payments: list[tuple[int, bool]], signed_totals: bool,
) -> None:
    """Credit notes come back negative whether the end records net them off or not."""
    unsigned = sum(ore for ore, _ in payments)
    signed = sum(-ore if note else ore for ore, note in payments)
    total = signed if signed_totals and signed >= 0 else unsigned
    lines = write_ocr([(ore, "1234500009877") for ore, _ in payments]).split("\r\n")[:-1]
    for index, (_, note) in enumerate(payments):
        if note:
            line = lines[2 + 2 * index]
            lines[2 + 2 * index] = line[:31] + "-" + line[32:]
    lines[-2] = lines[-2][:24] + f"{total:017d}" + lines[-2][41:]
    lines[-1] = lines[-1][:24] + f"{total:017d}" + lines[-1][41:]
    parsed = parse_ocr(crlf(lines), strict=True)
    assert [p.amount for p in parsed.payments] == [
        Decimal(-ore if note else ore).scaleb(-2) for ore, note in payments]
    assert parsed.total == Decimal(signed).scaleb(-2)
