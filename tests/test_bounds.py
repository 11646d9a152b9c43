"""Bounded numbers: amounts and rates have documented limits, checked at construction.

* an amount has at most 18 digits before the decimal point;
* a rate lies in [1E-9, 1E+9] with at most 12 significant digits;
* sums, differences and products are exact or raise (``Inexact`` is trapped);
* only ASCII numbers are read, in reskontro's decimal context, never the caller's;
* messages quote at most a short prefix of an offending value.
"""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import Money
from reskontro.exceptions import InvalidAmountError, InvalidRateError, UnknownCurrencyError
from reskontro.money import EXACT, MAX_AMOUNT_DIGITS, MAX_NUMBER_LENGTH, parse_amount
from reskontro.rates import MAX_RATE, MAX_RATE_DIGITS, MIN_RATE, RateTable, parse_rate

LARGEST = Decimal("999999999999999999.99")
DAY = date(2026, 1, 2)


# -- amounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [LARGEST, -LARGEST, str(LARGEST), 10**18 - 1, "0E+30"])
def test_amounts_up_to_18_integer_digits_are_accepted(value: object) -> None:
    money = Money(value, "NOK")  # type: ignore[arg-type]
    assert abs(money.amount) < 10**MAX_AMOUNT_DIGITS


@pytest.mark.parametrize(
    "value",
    [Decimal("1E18"), Decimal("-1000000000000000000.00"), "1000000000000000000", 10**18,
     -(10**18), Decimal("1E+999999"), pytest.param(10**5000, id="10**5000"), "9" * 60],
)
@pytest.mark.parametrize("currency", ["NOK", "JPY", "BHD"])
def test_amounts_of_more_than_18_integer_digits_are_refused(value: object, currency: str) -> None:
    Money.zero(currency)  # the fast path for a known currency is taken too
    with pytest.raises(InvalidAmountError, match="more than 18 integer digits") as raised:
        Money(value, currency)  # type: ignore[arg-type]
    assert len(str(raised.value)) < 200


def test_minor_units_are_bounded_like_amounts() -> None:
    assert Money.of_minor(10**20 - 1, "NOK").amount == LARGEST
    for units in (10**20, -(10**20), 10**5000):
        with pytest.raises(InvalidAmountError, match="18 integer digits"):
            Money.of_minor(units, "NOK")


@given(st.decimals(min_value=-LARGEST, max_value=LARGEST, places=2))
def test_every_amount_within_the_limit_is_exact(value: Decimal) -> None:
    money = Money(value, "NOK")
    assert money.amount == value
    assert Money.of_minor(money.minor_units, "NOK") == money


@given(st.integers(min_value=18, max_value=60), st.integers(min_value=1, max_value=9),
       st.booleans())
def test_every_amount_beyond_the_limit_is_refused(digits: int, lead: int, negative: bool) -> None:
    value = Decimal(lead).scaleb(digits)
    with pytest.raises(InvalidAmountError):
        Money(-value if negative else value, "NOK")


@given(st.lists(st.decimals(min_value=-LARGEST, max_value=LARGEST, places=2), max_size=50))
def test_sums_of_bounded_amounts_are_exact(values: list[Decimal]) -> None:
    """The total equals the exact sum of the minor units, whatever the caller's context."""
    exact = sum(int(v * 100) for v in values)
    with decimal.localcontext(prec=5, traps=[]):
        amounts = [Money(v, "NOK") for v in values]
        total = Money.sum(amounts, "NOK")
        running = Money.zero("NOK")
        for amount in amounts:
            running = running + amount - Money.zero("NOK")
    assert total.minor_units == exact
    assert running == total


def test_a_product_that_would_round_raises_instead() -> None:
    """Whole-number multiples beyond 34 digits are refused, not rounded."""
    with pytest.raises(InvalidAmountError, match="cannot be computed exactly"):
        _ = Money(LARGEST, "NOK") * (10**20 + 1)
    assert (Money("1.01", "NOK") * 10**20).amount == Decimal("101") * 10**18


def test_scale_rounds_once_never_twice() -> None:
    """A factor of many digits gives an exact product first, or an error; never two roundings."""
    with pytest.raises(InvalidAmountError, match="cannot be computed exactly"):
        Money(LARGEST, "NOK").scale("0." + "1" * 30)
    assert Money("0.05", "NOK").scale("0.5") == Money("0.02", "NOK")


def test_sums_beyond_34_digits_raise() -> None:
    """Far past any ledger: a total whose digits no longer fit is an error, not a rounding."""
    big = Money._of(Decimal("1E+33"), "NOK")  # a computed total, not a constructed amount
    with pytest.raises(InvalidAmountError, match="cannot be computed exactly"):
        _ = big + Money("0.01", "NOK")
    with pytest.raises(InvalidAmountError, match="cannot be computed exactly"):
        Money.sum([big, Money("0.01", "NOK")], "NOK")


def test_the_exact_context_traps_inexact() -> None:
    assert EXACT.traps[decimal.Inexact]
    with pytest.raises(decimal.Inexact):
        EXACT.divide(Decimal(1), Decimal(3))


# -- parsing: ASCII only, the library's context, short messages --------------------------------

NON_ASCII_DIGITS = ["١٢٣", "۱۲۳", "१२३", "１２３", "12٫50", "๑๒๓", "1\u00a0000", "٣.٥"]


@pytest.mark.parametrize("text", NON_ASCII_DIGITS)
def test_non_ascii_digits_are_refused(text: str) -> None:
    with pytest.raises(InvalidAmountError, match="ASCII"):
        parse_amount(text)
    with pytest.raises(InvalidAmountError, match="ASCII"):
        Money(text, "NOK")
    with pytest.raises(InvalidRateError, match="ASCII"):
        parse_rate(text)
    with pytest.raises(InvalidRateError):
        RateTable("NOK", {("EUR", DAY): text})


def test_pythons_decimal_would_read_them() -> None:
    """Why the check is needed: Decimal and int read any Unicode decimal digits."""
    assert Decimal("١٢٣") == Decimal("１２３") == int("१२३") == 123


@given(st.text(min_size=1, max_size=12).filter(lambda t: not t.strip().isascii()))
def test_any_non_ascii_number_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidAmountError):
        parse_amount(text)


def test_long_strings_are_refused_with_a_short_message() -> None:
    text = "1" * 100_000
    with pytest.raises(InvalidAmountError, match=f"longer than {MAX_NUMBER_LENGTH}") as raised:
        Money(text, "NOK")
    assert len(str(raised.value)) < 200
    assert raised.value.value == text  # the attribute keeps the whole value
    with pytest.raises(InvalidAmountError) as raised:
        parse_amount("x" * 5000)
    assert len(str(raised.value)) < 200
    with pytest.raises(UnknownCurrencyError) as unknown:
        Money("1", "N" * 5000)
    assert len(str(unknown.value)) < 200


def test_parsing_uses_reskontros_context_not_the_callers() -> None:
    """A caller's context that traps nothing and keeps 3 digits changes no parse and no sum."""
    with decimal.localcontext(prec=3, traps=[]):
        with pytest.raises(InvalidAmountError, match="not a decimal number"):
            parse_amount("12,50")  # not silently NaN
        assert parse_amount("123456789.123") == Decimal("123456789.123")
        assert Money("123456.78", "NOK") + Money("0.01", "NOK") == Money("123456.79", "NOK")
        assert parse_rate("11.5025") == Decimal("11.5025")
        table = RateTable("NOK", {("EUR", DAY): "11.5025"})
        assert table.to_local(Money("1000000.01", "EUR"), DAY) == Money("11502500.12", "NOK")


# -- rates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [MIN_RATE, MAX_RATE, "11.5025", "0.000001234", 1, "123.456789012"])
def test_rates_within_the_limits_are_accepted(rate: object) -> None:
    assert RateTable("NOK", {("EUR", DAY): rate}).rate("EUR", DAY) == Decimal(str(rate))  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("rate", "match"),
    [
        ("0", "out of range"),
        ("-11.50", "out of range"),
        ("1E-10", "out of range"),
        ("1000000001", "out of range"),
        ("1E+999999", "out of range"),
        ("1.23456789012345", "13 significant digits|15 significant digits"),
        ("NaN", "exact number"),
        (11.5, "exact number"),
        (True, "exact number"),
        ("11,50", "exact number"),
    ],
)
def test_rates_outside_the_limits_are_refused(rate: object, match: str) -> None:
    with pytest.raises(InvalidRateError, match=match) as raised:
        RateTable("NOK", {("EUR", DAY): rate})  # type: ignore[dict-item]
    assert "EUR rate of 2026-01-02" in str(raised.value)
    with pytest.raises(InvalidRateError):
        RateTable("NOK").with_rate("EUR", DAY, rate)  # type: ignore[arg-type]


def test_trailing_zeros_do_not_count_as_significant_digits() -> None:
    assert parse_rate("11.500000000000000") == Decimal("11.500000000000000")
    assert len("123456789012") == MAX_RATE_DIGITS


@given(
    st.decimals(min_value=-LARGEST, max_value=LARGEST, places=2),
    st.decimals(min_value=MIN_RATE, max_value=MAX_RATE, places=9).filter(
        lambda r: len(r.normalize().as_tuple().digits) <= MAX_RATE_DIGITS
    ),
)
def test_conversion_is_the_exact_product_rounded_once(amount: Decimal, rate: Decimal) -> None:
    table = RateTable("NOK", {("EUR", DAY): rate})
    local = table.to_local(Money(amount, "EUR"), DAY)
    exact = Fraction(amount) * Fraction(rate)
    # round half even to the øre, in exact rational arithmetic
    scaled = exact * 100
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    units = floor + (1 if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2) else 0)
    assert local.minor_units == units
    assert local.amount == Decimal(units).scaleb(-2)


# -- wrong types and shapes: a ReskontroError, never a raw Python error --------------------------


@pytest.mark.parametrize(
    "rates",
    [None, 1, "EUR", {"EUR": "11"}, [("EUR",)], [("EUR", DAY, "11", "x")], [None]],
    ids=repr,
)
def test_a_rate_table_of_the_wrong_shape_is_an_invalid_rate_error(rates: object) -> None:
    with pytest.raises(InvalidRateError, match="rates must map"):
        RateTable("NOK", rates)  # type: ignore[arg-type]


def test_rate_lookups_and_conversions_refuse_wrong_types() -> None:
    from reskontro.exceptions import InvalidQueryError

    table = RateTable("NOK", {("EUR", DAY): "11"})
    for on in (None, "2026-01-02", 20260102, datetime_of(DAY)):
        with pytest.raises(InvalidQueryError, match=r"must be a datetime\.date"):
            table.rate("EUR", on)  # type: ignore[arg-type]
        with pytest.raises(InvalidQueryError):
            table.with_rate("EUR", on, "11")  # type: ignore[arg-type]
    with pytest.raises(InvalidAmountError, match="must be Money"):
        table.to_local(Decimal("1"), DAY)  # type: ignore[arg-type]
    with pytest.raises(InvalidRateError, match="1E-9"):
        table.with_rate("EUR", DAY, "0")


def datetime_of(day: date) -> object:
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@pytest.mark.parametrize("amounts", [None, 1, ["1.00"], [Money("1", "NOK"), 5]], ids=repr)
def test_a_sum_of_what_is_not_money_is_an_invalid_amount_error(amounts: object) -> None:
    with pytest.raises(InvalidAmountError):
        Money.sum(amounts, "NOK")  # type: ignore[arg-type]


def test_split_and_allocate_refuse_what_they_cannot_divide_into() -> None:
    for parts in (0, -1, 10**7, "2", 2.0, True):
        with pytest.raises(InvalidAmountError, match="must be an int from 1 to 1_000_000"):
            Money("1", "NOK").split(parts)  # type: ignore[arg-type]
    for weights in (None, 3, "123"):
        with pytest.raises(InvalidAmountError, match="sequence of numbers"):
            Money("1", "NOK").allocate(weights)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmountError, match="cannot be computed exactly"):
        Money("1", "NOK").scale(Decimal("1E+40"))
