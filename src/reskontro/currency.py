"""Currencies: ISO 4217 codes and their minor units.

A currency is named by its three-letter ISO 4217 code (``"NOK"``, ``"EUR"``).
Its *minor unit* is the number of decimals an amount in it may carry: NOK and
EUR have 2, JPY and ISK have 0, BHD and KWD have 3. The codes and minor units
come from the CLDR data shipped with babel, so no network or file of ours is
involved.

>>> minor_units("NOK"), minor_units("JPY"), minor_units("BHD")
(2, 0, 3)
>>> check_currency("nok")
Traceback (most recent call last):
...
reskontro.exceptions.UnknownCurrencyError: unknown currency code 'nok': ...
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import TypeGuard

from babel.numbers import get_currency_precision, list_currencies

from reskontro.exceptions import UnknownCurrencyError, shorten

__all__ = ["check_currency", "is_currency", "minor_units", "quantum"]


@cache
def _known_codes() -> frozenset[str]:
    return frozenset(code for code in list_currencies() if len(code) == 3 and code.isupper())


def is_currency(code: object) -> TypeGuard[str]:
    """Tell whether *code* is a known ISO 4217 currency code.

    >>> is_currency("EUR"), is_currency("EURO"), is_currency(978)
    (True, False, False)
    """
    return isinstance(code, str) and code in _known_codes()


def check_currency(code: object) -> str:
    """Return *code* if it is a known ISO 4217 code, else raise.

    Codes are case-sensitive and upper case, as ISO 4217 writes them.

    Raises:
        UnknownCurrencyError: *code* is not a known currency code.

    >>> check_currency("SEK")
    'SEK'
    """
    if is_currency(code):
        return code
    raise UnknownCurrencyError(
        f"unknown currency code {shorten(code)}: expected an upper-case ISO 4217 code "
        f"such as 'NOK'",
        field="currency",
        value=code,
    )


@cache
def minor_units(code: str) -> int:
    """Return the number of decimals amounts in currency *code* carry.

    Raises:
        UnknownCurrencyError: *code* is not a known currency code.

    >>> minor_units("EUR")
    2
    """
    check_currency(code)
    return int(get_currency_precision(code))


@cache
def quantum(code: str) -> Decimal:
    """Return the smallest amount of currency *code*, as the exponent to quantize to.

    >>> quantum("NOK"), quantum("JPY")
    (Decimal('0.01'), Decimal('1'))
    """
    return Decimal(1).scaleb(-minor_units(code))
