"""KID: MOD10 / MOD11 check digits, validation, generation and composition."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from reskontro import InvalidKidError, ReskontroError
from reskontro.kid import Algorithm, check_digit, compose, generate, is_valid, validate

MOD10, MOD11 = Algorithm.MOD10, Algorithm.MOD11

VALID = [
    ("123456782", MOD10),  # Nets OCR spec example, body 12345678
    ("123456785", MOD11),  # the same body under MOD11
    ("12344", MOD10),
    ("12343", MOD11),
    ("23456783", MOD10),
    ("23456788", MOD11),
    ("0036633", MOD11),  # from the Nets sample OCR file: leading zeros count
    ("1000005-", MOD11),  # remainder 1 gives the dash
    ("1234500009877", MOD10),  # customer 12345 + invoice 0000987 + check digit
    ("1234567890123456789012340", MOD10),  # 25 characters, the maximum
]
NETS_SAMPLE_KIDS = ["0000531", "0036633", "0048763", "0063851", "0120243", "0165867",
                    "0178357", "000149012"]


@pytest.mark.parametrize(("kid", "algorithm"), VALID)
def test_valid_vectors(kid: str, algorithm: Algorithm) -> None:
    """Every valid vector of the reference validates under its algorithm."""
    assert validate(kid, algorithm) == kid
    assert is_valid(kid, algorithm)


@pytest.mark.parametrize("kid", NETS_SAMPLE_KIDS)
def test_nets_sample_kids_are_mod11_not_mod10(kid: str) -> None:
    """The KIDs in Nets' own sample OCR file are MOD11 and fail MOD10."""
    assert is_valid(kid, MOD11)
    assert not is_valid(kid, MOD10)


@pytest.mark.parametrize(
    ("kid", "reason"),
    [
        ("123456783", "check digit"),
        ("100030", "check digit"),  # the old NoCommons false positive: MOD11 wants '-'
        ("12345678901234567890123459", "26 characters"),
        ("12A44", "not a digit"),
        ("12345-", "check digit"),
    ],
)
def test_invalid_vectors_fail_both_algorithms(kid: str, reason: str) -> None:
    """Every invalid vector fails under MOD10 and MOD11, with a message saying why."""
    for algorithm in (MOD10, MOD11):
        assert not is_valid(kid, algorithm)
        with pytest.raises(InvalidKidError, match=reason) as info:
            validate(kid, algorithm)
        assert (info.value.field, info.value.value) == ("kid", kid)
        assert isinstance(info.value, ValueError)


def test_mod10_is_luhn() -> None:
    """MOD10 is the Luhn algorithm, as python-stdnum computes it."""
    for body in ("12345678", "0", "987654321012345678", "5"):
        assert check_digit(body, MOD10) == luhn.calc_check_digit(body)


def test_spec_examples_of_the_check_digits() -> None:
    """Body 12345678 gives 2 under MOD10 and 5 under MOD11 (Nets OCR spec §5)."""
    assert check_digit("12345678", MOD10) == "2"
    assert check_digit("12345678", MOD11) == "5"
    assert check_digit("1000005", MOD11) == "-"


def test_minimum_length_is_configurable() -> None:
    """A 3-character KID is refused by default (Nets: 4-25) and accepted with min_length=3."""
    assert not is_valid("125")
    assert validate("125", min_length=3) == "125"
    assert not is_valid("1234500009877", max_length=12)


def test_algorithm_may_be_named_by_a_string() -> None:
    """'MOD10', 'mod11' name the algorithms; an unknown name is an error, not a False."""
    assert is_valid("123456782", "MOD10")
    assert is_valid("123456785", "mod11")
    with pytest.raises(InvalidKidError) as info:
        is_valid("123456782", "luhn")
    assert info.value.field == "algorithm"


def test_impossible_lengths_are_the_callers_error() -> None:
    """min_length above max_length raises instead of quietly refusing every KID."""
    with pytest.raises(InvalidKidError):
        is_valid("123456782", min_length=10, max_length=5)


def test_non_strings_are_never_valid() -> None:
    """An int is not a KID: leading zeros would be lost."""
    assert not is_valid(36633, MOD11)
    with pytest.raises(InvalidKidError, match="string"):
        validate(123456782)  # type: ignore[arg-type]


def test_generate_appends_the_check_digit() -> None:
    """generate(body) is the body plus its check digit, leading zeros kept."""
    assert generate("12345678") == "123456782"
    assert generate("003663", MOD11) == "0036633"


def test_generate_refuses_a_mod11_dash_unless_allowed() -> None:
    """A MOD11 body whose check would be '-' is refused by default, accepted when allowed."""
    with pytest.raises(InvalidKidError, match="allow_dash") as info:
        generate("1000005", MOD11)
    assert info.value.field == "body"
    assert generate("1000005", MOD11, allow_dash=True) == "1000005-"


def test_generate_refuses_bad_bodies() -> None:
    """Letters, an empty body and a body too long for 25 characters are refused."""
    for body in ("12A4", "", "1" * 25, " 123"):
        with pytest.raises(InvalidKidError):
            generate(body)
    with pytest.raises(InvalidKidError, match="characters"):
        generate("12")


def test_compose_pads_parts_to_their_widths() -> None:
    """compose pads each part with zeros to its width and adds the check digit."""
    assert compose([(12345, 5), (987, 7)]) == "1234500009877"
    assert compose([("00042", 5), ("7", 3)], MOD11) == generate("00042007", MOD11)


def test_compose_refuses_parts_that_do_not_fit() -> None:
    """A part wider than its width, negative, not digits, or with no width is refused."""
    for parts in ([(123456, 5)], [(-1, 3)], [("1a", 3)], [(1, 0)], [(True, 2)]):
        with pytest.raises(InvalidKidError) as info:
            compose(parts)  # type: ignore[arg-type]
        assert info.value.field in {"parts", "part"}


bodies = st.text(alphabet="0123456789", min_size=3, max_size=24)


@given(bodies, st.sampled_from([MOD10, MOD11]))
def test_generated_kids_validate(body: str, algorithm: Algorithm) -> None:
    """Every KID generate() makes (dash allowed) validates under the same algorithm."""
    kid = generate(body, algorithm, allow_dash=True)
    assert kid[:-1] == body
    assert validate(kid, algorithm) == kid


@given(bodies, st.sampled_from([MOD10, MOD11]), st.data())
def test_a_changed_digit_is_caught(body: str, algorithm: Algorithm, data: st.DataObject) -> None:
    """Changing any one digit of a valid KID makes it invalid (both algorithms catch it)."""
    kid = generate(body, algorithm, allow_dash=True)
    position = data.draw(st.integers(0, len(body) - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != kid[position]]))
    changed = kid[:position] + digit + kid[position + 1 :]
    assert not is_valid(changed, algorithm)


@given(st.text(max_size=30), st.sampled_from(["mod10", "mod11"]))
def test_any_string_gives_true_false_or_a_kid_error(text: str, algorithm: str) -> None:
    """Arbitrary text never raises from is_valid, and validate raises only InvalidKidError."""
    if is_valid(text, algorithm):
        assert validate(text, algorithm) == text
    else:
        with pytest.raises(ReskontroError) as info:
            validate(text, algorithm)
        assert type(info.value) is InvalidKidError
