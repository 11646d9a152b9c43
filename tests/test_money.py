"""Money: exact Decimal amounts in one currency, private decimal context, exact splitting."""

from __future__ import annotations

import copy
import decimal
import pickle
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from reskontro import (
    CurrencyMismatchError,
    Entry,
    InvalidAmountError,
    Ledger,
    Money,
    ReskontroError,
    UnknownCurrencyError,
    decimal_context,
)
from reskontro.money import parse_amount

# -- construction ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1250.50"), "1250.50"),
        ("1250.50", "1250.50"),
        ("1250.5", "1250.50"),
        (1250, "1250.00"),
        ("  1250.50 ", "1250.50"),
        ("1_250.50", "1250.50"),
        ("-0.01", "-0.01"),
    ],
)
def test_exact_inputs_are_accepted(amount: Decimal | int | str, expected: str) -> None:
    """Decimal, int and decimal strings all give the exact amount."""
    money = Money(amount, "NOK")
    assert money.amount == Decimal(expected)
    assert str(money.amount) == expected
    assert money.currency == "NOK"


def test_amount_is_stored_quantized_to_the_minor_unit() -> None:
    """Money("5", "NOK") is stored as 5.00 and equals Money("5.00", "NOK")."""
    five = Money("5", "NOK")
    assert five.amount.as_tuple().exponent == -2
    assert five == Money("5.00", "NOK")
    assert repr(five) == "Money('5.00', 'NOK')"
    assert hash(five) == hash(Money("5.00", "NOK"))


def test_repr_is_valid_python() -> None:
    """The repr of Money evaluates back to an equal value."""
    money = Money("-1234.56", "EUR")
    assert eval(repr(money)) == money


@pytest.mark.parametrize(
    ("amount", "pattern"),
    [
        (0.1, "float"),
        (1.0, "float"),
        (True, "bool"),
        (False, "bool"),
        (Decimal("NaN"), "not finite"),
        (Decimal("sNaN"), "not finite"),
        ("NaN", "not finite"),
        (Decimal("Infinity"), "not finite"),
        ("-Infinity", "not finite"),
        ("1,50", "not a decimal number"),
        ("abc", "not a decimal number"),
        (None, "not an amount"),
        ([1], "not an amount"),
    ],
)
def test_inexact_or_invalid_amounts_are_refused(amount: object, pattern: str) -> None:
    """Float, bool, NaN, infinity and non-numbers are refused with InvalidAmountError."""
    with pytest.raises(InvalidAmountError, match=pattern) as info:
        Money(amount, "NOK")  # type: ignore[arg-type]
    assert info.value.field == "amount"
    assert info.value.value is amount or info.value.value == amount
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("amount", "currency", "allowed"),
    [("10.005", "NOK", 2), ("1.5", "JPY", 0), ("0.1234", "BHD", 3), ("0.001", "EUR", 2)],
)
def test_more_decimals_than_the_currency_allows_are_refused(
    amount: str, currency: str, allowed: int
) -> None:
    """An amount with more decimals than the minor unit is an error, never rounded."""
    pattern = rf"more decimals than {currency} allows \({allowed}\)"
    with pytest.raises(InvalidAmountError, match=pattern):
        Money(amount, currency)


@pytest.mark.parametrize(
    ("amount", "currency"), [("10.000", "NOK"), ("7.0", "JPY"), ("0.123", "BHD")]
)
def test_trailing_zeros_within_the_grid_are_fine(amount: str, currency: str) -> None:
    """Extra trailing zeros are not extra precision."""
    assert Money(amount, currency).amount == Decimal(amount)


@pytest.mark.parametrize("currency", ["nok", "KRONER", "ZZZ", "", None, 578])
def test_unknown_currency_is_refused(currency: object) -> None:
    """Money refuses a currency that is not a known ISO 4217 code."""
    with pytest.raises(UnknownCurrencyError) as info:
        Money("1", currency)  # type: ignore[arg-type]
    assert info.value.value == currency


def test_huge_amount_is_refused_cleanly() -> None:
    """An amount too large for the private context is an InvalidAmountError, not a crash."""
    with pytest.raises(InvalidAmountError):
        Money("1e400", "NOK")


def test_parse_amount_names_the_field_and_entry() -> None:
    """parse_amount reports the field and entry it was told about."""
    with pytest.raises(InvalidAmountError) as info:
        parse_amount(2.5, field="min_amount", entry_id="F-1")
    assert (info.value.field, info.value.entry_id, info.value.value) == ("min_amount", "F-1", 2.5)


def test_money_is_immutable() -> None:
    """Money cannot be changed in place."""
    money = Money("1", "NOK")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        money.amount = Decimal("2")  # type: ignore[misc]
    assert money == Money("1", "NOK")


def test_money_pickles_and_copies() -> None:
    """Money survives pickle and deepcopy unchanged."""
    money = Money("12.34", "EUR")
    assert pickle.loads(pickle.dumps(money)) == money
    assert copy.deepcopy(money) == money


@pytest.mark.parametrize(
    "make",
    [
        lambda: Money(Decimal("-0"), "NOK"),
        lambda: Money("-0.00", "NOK"),
        lambda: -Money("0", "NOK"),
        lambda: Money("0", "NOK") * -1,
        lambda: Money("-1", "NOK") + Money("1", "NOK"),
        lambda: Money("0.00", "NOK").scale("-1"),
        lambda: Money("-0.00", "NOK").split(2)[0],
    ],
)
def test_negative_zero_is_plain_zero(make: Any) -> None:
    """Zero never carries a minus sign: it prints as 0.00, however it was made."""
    assert repr(make()) == "Money('0.00', 'NOK')"
    assert str(make()) == "0.00 NOK"


# -- arithmetic and comparison ---------------------------------------------------------------------


def test_arithmetic_within_one_currency() -> None:
    """Add, subtract, negate, abs and multiply by an int stay exact and in the currency."""
    a, b = Money("1250.00", "NOK"), Money("-250.50", "NOK")
    assert a + b == Money("999.50", "NOK")
    assert a - b == Money("1500.50", "NOK")
    assert -b == Money("250.50", "NOK")
    assert abs(b) == Money("250.50", "NOK")
    assert +a is a
    assert a * 3 == Money("3750.00", "NOK")
    assert 3 * a == Money("3750.00", "NOK")


def test_multiplying_by_float_or_bool_is_refused() -> None:
    """Money * float and Money * bool are TypeErrors: fractions need scale()."""
    with pytest.raises(TypeError):
        Money("1", "NOK") * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money("1", "NOK") * True  # type: ignore[operator]


def test_comparison_within_one_currency() -> None:
    """Amounts in one currency order by value."""
    assert Money("1", "NOK") < Money("2", "NOK") <= Money("2.00", "NOK")
    assert Money("3", "NOK") > Money("-3", "NOK") >= Money("-3", "NOK")


@pytest.mark.parametrize(
    ("operation", "verb"),
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a - b, "subtract"),
        (lambda a, b: a < b, "compare"),
        (lambda a, b: a >= b, "compare"),
    ],
)
def test_mixing_currencies_raises_currency_mismatch(operation: object, verb: str) -> None:
    """Adding, subtracting or ordering NOK and EUR raises CurrencyMismatchError."""
    with pytest.raises(CurrencyMismatchError, match=f"cannot {verb} NOK and EUR") as info:
        operation(Money("1", "NOK"), Money("1", "EUR"))  # type: ignore[operator]
    assert info.value.value == "EUR"
    assert isinstance(info.value, ReskontroError)


def test_different_currencies_are_never_equal() -> None:
    """1 NOK is not 1 EUR (equality does not raise, it is simply False)."""
    assert Money("1", "NOK") != Money("1", "EUR")


def test_sum_adds_exactly_and_checks_currency() -> None:
    """Money.sum adds one currency; an empty sum is zero; a stranger is refused."""
    assert Money.sum([Money("0.10", "NOK")] * 10, "NOK") == Money("1.00", "NOK")
    assert Money.sum([], "JPY") == Money("0", "JPY")
    with pytest.raises(CurrencyMismatchError):
        Money.sum([Money("1", "NOK"), Money("1", "SEK")], "NOK")


def test_minor_unit_conversions() -> None:
    """of_minor and minor_units convert between amounts and whole minor units."""
    assert Money.of_minor(125050, "NOK") == Money("1250.50", "NOK")
    assert Money.of_minor(-7, "BHD") == Money("-0.007", "BHD")
    assert Money.of_minor(5, "JPY") == Money("5", "JPY")
    assert Money("12.34", "NOK").minor_units == 1234
    assert Money("-12", "JPY").minor_units == -12
    with pytest.raises(InvalidAmountError):
        Money.of_minor(True, "NOK")


def test_scale_rounds_explicitly() -> None:
    """scale multiplies by an exact factor and rounds with the given rule."""
    assert Money("100.00", "NOK").scale("0.025") == Money("2.50", "NOK")
    assert Money("0.05", "NOK").scale("0.5") == Money("0.02", "NOK")
    assert Money("0.05", "NOK").scale("0.5", rounding=decimal.ROUND_HALF_UP) == Money("0.03", "NOK")
    with pytest.raises(InvalidAmountError):
        Money("1", "NOK").scale(1.5)  # type: ignore[arg-type]


def test_zero_and_sign_predicates() -> None:
    """is_zero, is_positive and is_negative tell the sign."""
    assert Money.zero("NOK").is_zero
    assert Money("0.01", "NOK").is_positive
    assert Money("-0.01", "NOK").is_negative
    assert not Money("0", "NOK").is_positive
    assert not Money("0", "NOK").is_negative


# -- the private decimal context -------------------------------------------------------------------


def test_callers_low_precision_does_not_change_arithmetic() -> None:
    """A caller's localcontext(prec=3) does not round reskontro's sums."""
    big, cent = Money("123456.78", "NOK"), Money("0.01", "NOK")
    with decimal.localcontext(prec=3):
        total = big + cent
        difference = big - cent
        summed = Money.sum([big, big, big], "NOK")
        scaled = big.scale("1.2345")
        built = Money("99999.99", "NOK")
    assert total == Money("123456.79", "NOK")
    assert difference == Money("123456.77", "NOK")
    assert summed == Money("370370.34", "NOK")
    assert scaled == Money("152407.39", "NOK")
    assert built.amount == Decimal("99999.99")


def test_callers_context_does_not_change_splitting() -> None:
    """allocate and split give the same parts whatever the caller's precision and rounding."""
    amount = Money("123456.78", "NOK")
    expected = amount.split(7)
    with decimal.localcontext(prec=3, rounding=decimal.ROUND_FLOOR):
        assert amount.split(7) == expected
        assert amount.allocate([1, 2, 3]) == Money("123456.78", "NOK").allocate(["1", "2", "3"])
    assert sum(p.minor_units for p in expected) == amount.minor_units


def test_callers_context_does_not_change_ledger_results() -> None:
    """Posting, matching and balances under prec=3 give the exact results."""
    entries = [
        Entry.invoice("F-1", party="1", amount=Money("123456.78", "NOK"), posted=date(2026, 1, 1)),
        Entry.payment("P-1", party="1", amount=Money("-100000.01", "NOK"), posted=date(2026, 1, 2)),
    ]
    with decimal.localcontext(prec=3):
        ledger = Ledger("NOK").post_many(entries).match(["F-1", "P-1"])
        balance = ledger.balance(party="1")
        remaining = ledger.item("F-1").remaining
        outstanding = ledger.get_match("C1-M1").outstanding_local
    assert balance.local == Money("23456.77", "NOK")
    assert remaining == Money("23456.77", "NOK")
    assert outstanding == Money("23456.77", "NOK")


def test_callers_context_traps_do_not_leak_in() -> None:
    """Without traps in the caller's context, a bad string is still refused."""
    with decimal.localcontext(decimal.Context(traps=[])), pytest.raises(InvalidAmountError):
        Money("abc", "NOK")


def test_decimal_context_is_reskontros_own() -> None:
    """decimal_context() gives 34 digits and banker's rounding inside any caller context."""
    with decimal.localcontext(prec=3), decimal_context() as ctx:
        assert ctx.prec == 34
        assert ctx.rounding == decimal.ROUND_HALF_EVEN
        assert Decimal("1250.00") + Decimal("0.01") == Decimal("1250.01")
    assert decimal.getcontext().prec != 3


# -- allocation and splitting ----------------------------------------------------------------------


def test_split_by_largest_remainder() -> None:
    """100 NOK in three parts is 33.34 + 33.33 + 33.33: the first part takes the extra øre."""
    assert Money("100", "NOK").split(3) == (
        Money("33.34", "NOK"), Money("33.33", "NOK"), Money("33.33", "NOK"),
    )


def test_split_negative_and_zero() -> None:
    """Negative amounts split into negative parts; zero splits into zeros."""
    assert Money("-10", "NOK").split(3) == (
        Money("-3.34", "NOK"), Money("-3.33", "NOK"), Money("-3.33", "NOK"),
    )
    assert Money("0", "NOK").split(2) == (Money("0", "NOK"), Money("0", "NOK"))


def test_split_respects_zero_decimal_currencies() -> None:
    """1 JPY in two parts is 1 + 0: there is no half yen."""
    assert Money("1", "JPY").split(2) == (Money("1", "JPY"), Money("0", "JPY"))
    assert Money("0.010", "BHD").split(3) == (
        Money("0.004", "BHD"), Money("0.003", "BHD"), Money("0.003", "BHD"),
    )


def test_allocate_by_weights() -> None:
    """allocate splits proportionally to weights, largest remainders get the leftovers."""
    assert Money("100", "NOK").allocate([1, 1, 2]) == (
        Money("25", "NOK"), Money("25", "NOK"), Money("50", "NOK"),
    )
    assert Money("0.05", "NOK").allocate([1, 3]) == (Money("0.01", "NOK"), Money("0.04", "NOK"))
    assert Money("-0.05", "NOK").allocate([1, 3]) == (Money("-0.01", "NOK"), Money("-0.04", "NOK"))
    assert Money("10", "NOK").allocate([Decimal("0.3"), "0.7", 0]) == (
        Money("3", "NOK"), Money("7", "NOK"), Money("0", "NOK"),
    )


def test_allocate_gives_leftover_units_to_largest_remainders() -> None:
    """The leftover minor unit goes to the largest remainder; ties go to the earlier part."""
    assert Money("0.10", "NOK").allocate([1, 2]) == (Money("0.03", "NOK"), Money("0.07", "NOK"))
    assert Money("0.10", "NOK").allocate([2, 1]) == (Money("0.07", "NOK"), Money("0.03", "NOK"))
    assert Money("0.04", "NOK").allocate([1, 1, 1]) == (
        Money("0.02", "NOK"), Money("0.01", "NOK"), Money("0.01", "NOK"),
    )


@pytest.mark.parametrize(
    "weights", [[], [0, 0], [-1, 2], [0.5, 1], ["x"], [True, 1]],
)
def test_allocate_refuses_bad_weights(weights: list[object]) -> None:
    """Empty, all-zero, negative and inexact weights are refused."""
    with pytest.raises(InvalidAmountError):
        Money("10", "NOK").allocate(weights)  # type: ignore[arg-type]


@pytest.mark.parametrize("parts", [0, -1, True, 1.0, "2"])
def test_split_refuses_bad_part_counts(parts: object) -> None:
    """split needs a positive int."""
    with pytest.raises(InvalidAmountError) as info:
        Money("10", "NOK").split(parts)  # type: ignore[arg-type]
    assert info.value.field == "parts"


def test_the_reports_and_plans_ignore_the_callers_decimal_context() -> None:
    """Aging, interest, dunning, statements, adjustments, FX settlement, revaluation and
    cross-currency matching give the same figures under a caller's prec=3."""
    from reskontro.adjustments import Tolerance, plan_adjustments
    from reskontro.aging import age
    from reskontro.demo import build_demo_ledger
    from reskontro.dunning import plan_dunning
    from reskontro.interest import plan_interest
    from reskontro.rates import RateTable
    from reskontro.settlement import plan_revaluation, plan_settlement
    from reskontro.statement import PartyDetails, Statement

    eur = lambda a: Money(a, "EUR")  # noqa: E731
    rates = RateTable("NOK", {("EUR", date(2026, 1, 2)): "11.1234",
                              ("EUR", date(2026, 3, 31)): "11.4567"})

    def figures() -> list[object]:
        demo = build_demo_ledger()
        on = date(2026, 2, 10)
        fx = Ledger("NOK", cross_currency=True).post_many([
            Entry.invoice("F-1", party="9", amount=eur("1234.56"), rates=rates,
                          posted=date(2026, 1, 2)),
            Entry.payment("P-1", party="9", amount=Money("-7777.77", "NOK"),
                          posted=date(2026, 3, 31)),
            Entry.invoice("F-2", party="9", amount=Money("123456.78", "NOK"),
                          posted=date(2026, 1, 2)),
            Entry.payment("P-2", party="9", amount=Money("-123450.00", "NOK"),
                          posted=date(2026, 1, 20)),
        ]).match(["F-2", "P-2"], match_id="K-2")
        revaluation = plan_revaluation(fx, rates, on=date(2026, 3, 31))
        fx = revaluation.apply(fx).match(["F-1", "P-1"], match_id="K-1", rates=rates)
        return [
            age(demo, on).to_records(),
            plan_dunning(demo, None, on).to_records(),
            plan_interest(demo, on).to_records(),
            Statement.open_items(demo, "10004", as_of=on,
                                 creditor=PartyDetails(name="Us AS")).to_records(),
            revaluation.entries,
            plan_settlement(fx, "K-1", on=date(2026, 3, 31)),
            plan_adjustments(fx, "K-2", on=date(2026, 1, 20),
                             tolerance=Tolerance(percent="0.0123", max_amount=Money("50", "NOK"))),
            fx.open_items(),
        ]

    expected = figures()
    with decimal.localcontext(prec=3, rounding=decimal.ROUND_FLOOR):
        assert figures() == expected
