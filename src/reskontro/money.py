"""Money: an exact decimal amount in one currency.

``Money`` is a :class:`~decimal.Decimal` together with an ISO 4217 currency
code. It is immutable, hashable and never holds more decimals than its
currency's minor unit (2 for NOK, 0 for JPY, 3 for BHD). Floats, bools, NaN and
infinity are refused, because an amount that is not exact is not an amount.

Arithmetic is done in reskontro's own decimal context (34 digits, banker's
rounding), never in the caller's: a program that lowered
``decimal.getcontext().prec`` gets the same sums as everyone else. Amounts in
different currencies never mix: adding or comparing them raises
:class:`~reskontro.exceptions.CurrencyMismatchError`.

Amounts are bounded: at most :data:`MAX_AMOUNT_DIGITS` (18) digits before the
decimal point, so an amount has at most 21 digits and a sum of up to 10**13
of them fits the 34 digits of the context exactly. Sums, differences and
products are computed in :data:`EXACT`, which traps ``Inexact``: a result that
would have to be rounded raises :class:`~reskontro.exceptions.InvalidAmountError`
instead of being rounded silently. A string amount is at most
:data:`MAX_NUMBER_LENGTH` characters of ASCII (``"١٢٣"`` is refused, though
Python's ``Decimal`` reads it as 123).

>>> Money("1250", "NOK")
Money('1250.00', 'NOK')
>>> Money("1250.00", "NOK") + Money("-250.50", "NOK")
Money('999.50', 'NOK')
>>> Money("100", "NOK").split(3)
(Money('33.34', 'NOK'), Money('33.33', 'NOK'), Money('33.33', 'NOK'))
>>> Money("10.005", "NOK")
Traceback (most recent call last):
...
reskontro.exceptions.InvalidAmountError: amount 10.005 has more decimals than NOK allows (2)
>>> Money("1" + "0" * 18, "NOK")
Traceback (most recent call last):
...
reskontro.exceptions.InvalidAmountError: amount 1000000000000000000 has more than 18 ...
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any, ClassVar, Final, TypeVar, cast, final

import attrs

from reskontro.currency import check_currency, quantum
from reskontro.exceptions import CurrencyMismatchError, InvalidAmountError, shorten

__all__ = [
    "CONTEXT",
    "EXACT",
    "MAX_AMOUNT_DIGITS",
    "MAX_NUMBER_LENGTH",
    "MAX_PARTS",
    "Money",
    "decimal_context",
    "in_context",
    "parse_amount",
]

#: The most digits an amount may have before the decimal point: an amount is
#: less than 10**18 in absolute value (a quintillion kroner).
MAX_AMOUNT_DIGITS: Final = 18
#: The most parts :meth:`Money.split` and :meth:`Money.allocate` divide into.
MAX_PARTS: Final = 1_000_000
#: The most characters a number given as a string may have (signs, digits,
#: point, exponent and underscores included).
MAX_NUMBER_LENGTH: Final = 64

#: The context every reskontro computation runs in: wide enough for any ledger
#: total, banker's rounding, and traps for operations that would silently lose
#: exactness.
CONTEXT: Final = decimal.Context(
    prec=34,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[
        decimal.InvalidOperation,
        decimal.DivisionByZero,
        decimal.Overflow,
        decimal.FloatOperation,
    ],
)

#: :data:`CONTEXT` with ``Inexact`` trapped too: the context of every result
#: that must be exact (sums, differences, whole-number multiples, the product
#: before a rounding). A result it would round raises ``decimal.Inexact``,
#: which :class:`Money` turns into an ``InvalidAmountError``.
EXACT: Final = decimal.Context(
    prec=CONTEXT.prec,
    rounding=CONTEXT.rounding,
    Emax=CONTEXT.Emax,
    Emin=CONTEXT.Emin,
    traps=[
        decimal.InvalidOperation,
        decimal.DivisionByZero,
        decimal.Overflow,
        decimal.FloatOperation,
        decimal.Inexact,
    ],
)


def _text(number: Decimal) -> str:
    """A number as a message writes it: at most a short prefix of a long one."""
    text = str(number)
    return text if len(text) <= 40 else f"{text[:40]}... ({len(text)} characters)"


def _inexact(what: str, *values: object) -> InvalidAmountError:
    return InvalidAmountError(
        f"{what} cannot be computed exactly in {EXACT.prec} digits",
        field="amount", value=values,
    )


@contextmanager
def decimal_context() -> Iterator[decimal.Context]:
    """Run a block in reskontro's private decimal context, whatever the caller's is.

    >>> import decimal
    >>> with decimal.localcontext(prec=3):
    ...     with decimal_context():
    ...         print(Decimal("1250.00") + Decimal("0.01"))
    1250.01
    """
    with localcontext(CONTEXT) as ctx:
        yield ctx


_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def in_context(function: _Fn) -> _Fn:
    """Decorate a function so that it always computes in reskontro's decimal context.

    The reports and plans built on the ledger use it, so that a caller's
    ``decimal.localcontext`` never rounds their sums.

    >>> import decimal
    >>> @in_context
    ... def total(*values: Decimal) -> Decimal:
    ...     return sum(values, Decimal(0))
    >>> with decimal.localcontext(prec=3):
    ...     total(Decimal("1250.00"), Decimal("0.01"))
    Decimal('1250.01')
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with localcontext(CONTEXT):
            return function(*args, **kwargs)

    return cast(_Fn, wrapper)


def parse_amount(value: object, *, field: str = "amount", entry_id: str | None = None) -> Decimal:
    """Turn *value* into a finite :class:`~decimal.Decimal`, refusing anything inexact.

    Accepts ``Decimal``, ``int`` and decimal strings (``"1250.50"``). Refuses
    ``float`` and ``bool`` (even ``True`` is not an amount), NaN and infinity,
    and strings of more than :data:`MAX_NUMBER_LENGTH` characters or with
    characters other than ASCII (Python's ``Decimal`` would read Arabic-Indic
    or full-width digits). The string is read in reskontro's context, never
    the caller's: a caller's context without traps does not turn a malformed
    string into NaN.

    Raises:
        InvalidAmountError: *value* is not an exact finite decimal.

    >>> parse_amount("12.50")
    Decimal('12.50')
    >>> parse_amount(0.1)
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidAmountError: amount 0.1 is a float; ...
    >>> parse_amount("١٢٣")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidAmountError: amount '١٢٣' is not a decimal number in ASCII ...
    """
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise InvalidAmountError(
            f"{field} {shorten(value)} is a bool, not an amount",
            entry_id=entry_id,
            field=field,
            value=value,
        )
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_LENGTH:
            raise InvalidAmountError(
                f"{field} {shorten(value)} is longer than {MAX_NUMBER_LENGTH} characters",
                entry_id=entry_id,
                field=field,
                value=value,
            )
        if not text.isascii():
            raise InvalidAmountError(
                f"{field} {shorten(value)} is not a decimal number in ASCII "
                f"(digits 0-9, a point, a sign)",
                entry_id=entry_id,
                field=field,
                value=value,
            )
        try:
            number = Decimal(text.replace("_", ""), CONTEXT)
        except decimal.InvalidOperation:
            raise InvalidAmountError(
                f"{field} {shorten(value)} is not a decimal number",
                entry_id=entry_id,
                field=field,
                value=value,
            ) from None
    elif isinstance(value, float):
        raise InvalidAmountError(
            f"{field} {shorten(value)} is a float; give a Decimal, int or string "
            f"(floats cannot hold amounts exactly)",
            entry_id=entry_id,
            field=field,
            value=value,
        )
    else:
        raise InvalidAmountError(
            f"{field} {shorten(value)} of type {type(value).__name__} is not an amount",
            entry_id=entry_id,
            field=field,
            value=value,
        )
    if not number.is_finite():
        raise InvalidAmountError(
            f"{field} {shorten(value)} is not finite", entry_id=entry_id, field=field, value=value
        )
    return number


_new = object.__new__
_set = object.__setattr__
#: Quanta of the currencies seen so far: the fast path of Money() looks here.
_QUANTA: dict[str, Decimal] = {}
#: Zero of each currency seen so far (Money is immutable, so one value serves all).
_ZEROS: dict[str, Money] = {}


@final
@attrs.frozen(init=False, repr=False, order=False)
class Money:
    """An exact amount of one currency.

    Args:
        amount: a ``Decimal``, ``int`` or decimal string. Never a float.
        currency: an ISO 4217 code, such as ``"NOK"``.

    The amount is stored quantized to the currency's minor unit, so
    ``Money("5", "NOK") == Money("5.00", "NOK")`` and both print as ``5.00``.

    Raises:
        InvalidAmountError: the amount is a float, bool, NaN, infinity, not a
            number, has more decimals than the currency allows or more than
            :data:`MAX_AMOUNT_DIGITS` digits before the decimal point.
        UnknownCurrencyError: the currency code is not known.

    >>> Money(Decimal("19.90"), "EUR") * 3
    Money('59.70', 'EUR')
    >>> Money("1", "NOK") + Money("1", "EUR")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.CurrencyMismatchError: cannot add NOK and EUR amounts
    """

    amount: Decimal
    currency: str

    __match_args__: ClassVar[tuple[str, ...]] = ("amount", "currency")

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        exponent = _QUANTA.get(currency) if type(currency) is str else None
        if exponent is not None and type(amount) is Decimal:
            # fast path: a known currency and a Decimal (NaN and infinity make
            # quantize raise, and fall through to the exact checks below)
            try:
                quantized = amount.quantize(exponent, context=CONTEXT)
            except decimal.InvalidOperation:
                pass
            else:
                if quantized == amount and quantized.adjusted() < MAX_AMOUNT_DIGITS:
                    if not quantized:
                        quantized = quantized.copy_abs()  # no negative zero
                    _set(self, "amount", quantized)
                    _set(self, "currency", currency)
                    return
        code = check_currency(currency)
        number = parse_amount(amount)
        exponent = quantum(code)
        _QUANTA[code] = exponent
        if number and number.adjusted() >= MAX_AMOUNT_DIGITS:
            raise InvalidAmountError(
                f"amount {_text(number)} has more than {MAX_AMOUNT_DIGITS} integer digits "
                f"(an amount is less than 10**{MAX_AMOUNT_DIGITS})",
                field="amount",
                value=amount,
            )
        try:
            quantized = number.quantize(exponent, rounding=ROUND_HALF_EVEN, context=CONTEXT)
        except decimal.InvalidOperation:  # pragma: no cover - the bound above comes first
            raise InvalidAmountError(
                f"amount {_text(number)} is too large", field="amount", value=amount
            ) from None
        if quantized != number:
            raise InvalidAmountError(
                f"amount {_text(number)} has more decimals than {code} allows "
                f"({-exponent.as_tuple().exponent})",  # type: ignore[operator]
                field="amount",
                value=amount,
            )
        _set(self, "amount", quantized if quantized else quantized.copy_abs())
        _set(self, "currency", code)

    @classmethod
    def _of(cls, amount: Decimal, currency: str) -> Money:
        """Build without validation: *amount* is already quantized for *currency*."""
        if not amount:
            amount = amount.copy_abs()  # a zero never prints as -0.00
        money = _new(cls)
        _set(money, "amount", amount)
        _set(money, "currency", currency)
        return money

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return zero in *currency*.

        >>> Money.zero("JPY")
        Money('0', 'JPY')
        """
        zero = _ZEROS.get(currency) if type(currency) is str else None
        if zero is None:
            code = check_currency(currency)
            zero = _ZEROS[code] = cls._of(Decimal(0).quantize(quantum(code)), code)
        return zero

    @classmethod
    def of_minor(cls, units: int, currency: str) -> Money:
        """Build an amount from a whole number of minor units (øre, cents).

        >>> Money.of_minor(125050, "NOK")
        Money('1250.50', 'NOK')
        """
        if isinstance(units, bool) or not isinstance(units, int):
            raise InvalidAmountError(
                f"minor units {units!r} must be an int", field="units", value=units
            )
        code = check_currency(currency)
        q = quantum(code)
        if units and units.bit_length() > 4 * (MAX_AMOUNT_DIGITS + 3):  # surely too large
            raise InvalidAmountError(
                f"minor units {shorten(units)}: more than {MAX_AMOUNT_DIGITS} integer digits",
                field="units", value=units,
            )
        amount = Decimal(units).scaleb(q.as_tuple().exponent, EXACT)  # type: ignore[arg-type]
        if amount and amount.adjusted() >= MAX_AMOUNT_DIGITS:
            raise InvalidAmountError(
                f"minor units {units} make an amount of more than {MAX_AMOUNT_DIGITS} "
                f"integer digits",
                field="units", value=units,
            )
        return cls._of(amount, code)

    @classmethod
    def sum(cls, amounts: Iterable[Money], currency: str) -> Money:
        """Add up *amounts*, all in *currency*; an empty iterable gives zero.

        Raises:
            CurrencyMismatchError: an amount is in another currency.

        >>> Money.sum([Money("1.10", "NOK"), Money("2.20", "NOK")], "NOK")
        Money('3.30', 'NOK')
        """
        code = check_currency(currency)
        total = Decimal(0)
        add = EXACT.add
        if not isinstance(amounts, Iterable):
            raise InvalidAmountError(
                f"amounts {shorten(amounts)} must be an iterable of Money",
                field="amounts", value=amounts,
            )
        try:
            for money in amounts:
                if money.currency != code:
                    raise CurrencyMismatchError(
                        f"cannot add {money.currency} to a {code} total",
                        field="currency",
                        value=money.currency,
                    )
                total = add(total, money.amount)
        except decimal.Inexact:
            raise _inexact(f"the {code} total", total) from None
        except (AttributeError, TypeError):
            raise InvalidAmountError(
                f"{shorten(money)} is not Money", field="amounts", value=money
            ) from None
        return cls._of(total.quantize(quantum(code), context=CONTEXT), code)

    # -- the value protocol -------------------------------------------------

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    @property
    def minor_units(self) -> int:
        """The amount as a whole number of minor units.

        >>> Money("12.34", "NOK").minor_units
        1234
        """
        return int(self.amount.scaleb(-quantum(self.currency).as_tuple().exponent, EXACT))  # type: ignore[operator]

    @property
    def is_zero(self) -> bool:
        """True when the amount is zero."""
        return not self.amount

    @property
    def is_positive(self) -> bool:
        """True when the amount is above zero (a debit)."""
        return self.amount > 0

    @property
    def is_negative(self) -> bool:
        """True when the amount is below zero (a credit)."""
        return self.amount < 0

    def _same(self, other: Money, verb: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                f"cannot {verb} {self.currency} and {other.currency} amounts",
                field="currency",
                value=other.currency,
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        try:
            return Money._of(EXACT.add(self.amount, other.amount), self.currency)
        except decimal.Inexact:
            raise _inexact("the sum", self, other) from None

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        try:
            return Money._of(EXACT.subtract(self.amount, other.amount), self.currency)
        except decimal.Inexact:
            raise _inexact("the difference", self, other) from None

    def __neg__(self) -> Money:
        return Money._of(EXACT.minus(self.amount), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money._of(EXACT.abs(self.amount), self.currency)

    def __mul__(self, factor: object) -> Money:
        """Multiply by a whole number; fractions need an explicit rounding (:meth:`scale`)."""
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        try:
            return Money._of(EXACT.multiply(self.amount, Decimal(factor)), self.currency)
        except decimal.Inexact:
            raise _inexact("the product", self, shorten(factor)) from None

    __rmul__ = __mul__

    def _compare(self, other: object) -> int:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same(other, "compare")
        return (self.amount > other.amount) - (self.amount < other.amount)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._compare(other) < 0

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._compare(other) <= 0

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._compare(other) > 0

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self._compare(other) >= 0

    # -- rounding and splitting ----------------------------------------------

    def scale(self, factor: Decimal | int | str, *, rounding: str = ROUND_HALF_EVEN) -> Money:
        """Multiply by *factor* and round to the minor unit with *rounding*.

        Args:
            factor: an exact number (``Decimal``, ``int`` or string).
            rounding: a :mod:`decimal` rounding mode, banker's rounding by default.

        >>> Money("100.00", "NOK").scale("0.025")
        Money('2.50', 'NOK')
        >>> Money("0.05", "NOK").scale("0.5")
        Money('0.02', 'NOK')
        """
        number = parse_amount(factor, field="factor")
        try:  # exact before the one rounding to the minor unit: never rounded twice
            product = EXACT.multiply(self.amount, number)
            rounded = product.quantize(quantum(self.currency), rounding=rounding, context=CONTEXT)
        except (decimal.Inexact, decimal.InvalidOperation):
            raise _inexact("the product", self, shorten(factor)) from None
        return Money._of(rounded, self.currency)

    def allocate(self, weights: Sequence[Decimal | int | str]) -> tuple[Money, ...]:
        """Split into parts proportional to *weights* that add up exactly.

        Uses the largest-remainder method: each part gets its proportional
        share rounded towards zero, and the minor units left over go one by one
        to the parts with the largest remainders (earlier parts first on a tie).
        No minor unit is lost or created. Every part has the sign of the whole
        (or is zero).

        Args:
            weights: non-negative exact numbers, not all zero.

        Raises:
            InvalidAmountError: a weight is negative, inexact, or all are zero.

        >>> Money("10.00", "NOK").allocate([1, 1, 1])
        (Money('3.34', 'NOK'), Money('3.33', 'NOK'), Money('3.33', 'NOK'))
        >>> Money("-0.05", "NOK").allocate([1, 3])
        (Money('-0.01', 'NOK'), Money('-0.04', 'NOK'))
        """
        if isinstance(weights, str | bytes) or not isinstance(weights, Iterable):
            raise InvalidAmountError(
                f"weights {shorten(weights)} must be a sequence of numbers",
                field="weights", value=weights,
            )
        numbers = [parse_amount(w, field="weight") for w in weights]
        if len(numbers) > MAX_PARTS:
            raise InvalidAmountError(
                f"{len(numbers):_} weights: at most {MAX_PARTS:_} parts",
                field="weights", value=len(numbers),
            )
        if not numbers or any(n < 0 for n in numbers) or not any(numbers):
            raise InvalidAmountError(
                "weights must be non-negative and not all zero",
                field="weights",
                value=tuple(weights),
            )
        units = self.minor_units
        sign = -1 if units < 0 else 1
        units = abs(units)
        with localcontext(CONTEXT):
            total_weight = sum(numbers, Decimal(0))
            exact = [Decimal(units) * n / total_weight for n in numbers]
            floors = [int(e) for e in exact]
            left = units - sum(floors)
            order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
            for i in order[:left]:
                floors[i] += 1
        return tuple(Money.of_minor(sign * f, self.currency) for f in floors)

    def split(self, parts: int) -> tuple[Money, ...]:
        """Split into *parts* near-equal amounts that add up exactly.

        >>> Money("1", "JPY").split(2)
        (Money('1', 'JPY'), Money('0', 'JPY'))
        """
        if isinstance(parts, bool) or not isinstance(parts, int) or not 1 <= parts <= MAX_PARTS:
            raise InvalidAmountError(
                f"parts {shorten(parts)} must be an int from 1 to {MAX_PARTS:_}",
                field="parts", value=parts,
            )
        return self.allocate([1] * parts)

    def __getstate__(self) -> tuple[Decimal, str]:
        return (self.amount, self.currency)

    def __setstate__(self, state: Any) -> None:
        _set(self, "amount", state[0])
        _set(self, "currency", state[1])
