"""Currencies: ISO 4217 codes and their minor units from babel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reskontro import Ledger, Money, ReskontroError, UnknownCurrencyError, minor_units
from reskontro.currency import check_currency, is_currency, quantum


@pytest.mark.parametrize(
    ("code", "units"),
    [("NOK", 2), ("EUR", 2), ("SEK", 2), ("JPY", 0), ("ISK", 0), ("BHD", 3), ("KWD", 3)],
)
def test_minor_units_come_from_babel(code: str, units: int) -> None:
    """NOK and EUR have 2 decimals, JPY and ISK 0, BHD and KWD 3."""
    assert minor_units(code) == units


@pytest.mark.parametrize(
    ("code", "step"), [("NOK", Decimal("0.01")), ("JPY", Decimal("1")), ("BHD", Decimal("0.001"))]
)
def test_quantum_is_the_smallest_amount(code: str, step: Decimal) -> None:
    """The quantum of a currency is one minor unit."""
    assert quantum(code) == step
    assert quantum(code).as_tuple().exponent == step.as_tuple().exponent


def test_known_codes_are_recognised() -> None:
    """Upper-case ISO 4217 codes are currencies; other values are not."""
    assert is_currency("NOK")
    assert is_currency("USD")
    assert not is_currency("nok")
    assert not is_currency("EURO")
    assert not is_currency("")
    assert not is_currency(578)
    assert not is_currency(None)


@pytest.mark.parametrize("code", ["nok", "Nok", "KRONER", "ZZZ", "", "N0K", 578, None])
def test_unknown_currency_is_refused(code: object) -> None:
    """check_currency refuses anything but a known upper-case code, naming the value."""
    with pytest.raises(UnknownCurrencyError, match="unknown currency code") as info:
        check_currency(code)
    assert info.value.field == "currency"
    assert info.value.value == code
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, ReskontroError)


def test_check_currency_returns_the_code() -> None:
    """A valid code is returned unchanged."""
    assert check_currency("SEK") == "SEK"


def test_minor_units_of_unknown_currency_is_refused() -> None:
    """minor_units refuses an unknown code rather than guessing two decimals."""
    with pytest.raises(UnknownCurrencyError):
        minor_units("ABC")


def test_money_uses_the_currency_grid() -> None:
    """Money is stored on the minor-unit grid of its own currency."""
    assert str(Money("5", "NOK")) == "5.00 NOK"
    assert str(Money("5", "JPY")) == "5 JPY"
    assert str(Money("5", "BHD")) == "5.000 BHD"


def test_ledger_refuses_an_unknown_local_currency() -> None:
    """A ledger's local currency must be a known code."""
    with pytest.raises(UnknownCurrencyError) as info:
        Ledger("KRONER")
    assert info.value.value == "KRONER"


def test_ledger_local_currency_is_kept() -> None:
    """The local currency given to a ledger is the one it reports."""
    assert Ledger("SEK").local_currency == "SEK"
