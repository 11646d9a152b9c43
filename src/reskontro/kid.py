"""KID: the Norwegian structured payment reference (kundeidentifikasjonsnummer).

A KID is the number a payer types (or a bank file carries) so the payee can
tell which customer and invoice a payment belongs to. It is a **string of
digits** (leading zeros count: ``0036633`` is not ``36633``), 4 to 25
characters long by default, whose last character is a check digit computed
with one of two algorithms that the payee's agreement with the bank fixes:

* **MOD10** (Luhn): from the rightmost body digit, weights 2, 1, 2, 1, ...;
  add the *digits* of the products; the check digit is ``(10 - sum % 10) % 10``.
* **MOD11**: from the rightmost body digit, weights 2, 3, 4, 5, 6, 7, 2, 3, ...;
  add the products; with ``r = sum % 11`` the check digit is ``0`` when
  ``r == 0``, ``-`` (a dash) when ``r == 1``, and ``11 - r`` otherwise.

Validate against the algorithm of the agreement, never "either one": some
KIDs pass both. A validator accepts the MOD11 dash; a generator refuses bodies
whose MOD11 check would be a dash unless asked (some netbanks refuse such a
KID), and MOD10 never needs one.

The verbs follow python-stdnum: :func:`check_digit`, :func:`validate`
(returns the KID or raises), :func:`is_valid`, :func:`generate` (body + check
digit) and :func:`compose` (fixed-width parts + check digit).

>>> validate("123456782", Algorithm.MOD10)
'123456782'
>>> is_valid("123456785", "mod11"), is_valid("0036633", "mod11"), is_valid("1000005-", "mod11")
(True, True, True)
>>> is_valid("100030", "mod11")
False
>>> compose([(12345, 5), (987, 7)])
'1234500009877'
>>> generate("1000005", Algorithm.MOD11)
Traceback (most recent call last):
...
reskontro.exceptions.InvalidKidError: the MOD11 check digit of body '1000005' is '-'; ...
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final

from reskontro.exceptions import InvalidKidError

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "DEFAULT_MIN_LENGTH",
    "Algorithm",
    "check_digit",
    "compose",
    "generate",
    "is_valid",
    "validate",
]

#: The shortest KID accepted by default (3 digits + check digit, as Nets and
#: Mastercard Payment Services specify).
DEFAULT_MIN_LENGTH: Final = 4
#: The longest KID accepted by default, check digit included (the width of the
#: KID field in an OCR giro record).
DEFAULT_MAX_LENGTH: Final = 25


class Algorithm(enum.StrEnum):
    """The check-digit algorithm of a KID agreement.

    A plain string names one too, in any case: ``"MOD10"``, ``"mod11"``.

    >>> Algorithm("mod10")
    Algorithm.MOD10
    """

    MOD10 = "mod10"
    MOD11 = "mod11"

    def __repr__(self) -> str:
        return f"Algorithm.{self.name}"


_MOD11_WEIGHTS: Final = (2, 3, 4, 5, 6, 7)


def _algorithm(value: object) -> Algorithm:
    if isinstance(value, Algorithm):
        return value
    if isinstance(value, str):
        try:
            return Algorithm(value.lower())
        except ValueError:
            pass
    raise InvalidKidError(
        f"unknown KID algorithm {value!r}: use Algorithm.MOD10 or Algorithm.MOD11",
        field="algorithm",
        value=value,
    )


def _digits(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidKidError(
            f"a KID {field} is a string of digits, got {value!r}", field=field, value=value
        )
    if not value or not value.isascii() or not value.isdigit():
        raise InvalidKidError(
            f"a KID {field} must be digits only, got {value!r}", field=field, value=value
        )
    return value


def check_digit(body: str, algorithm: Algorithm | str = Algorithm.MOD10) -> str:
    """The check character of *body*: a digit, or ``-`` for a MOD11 remainder of 1.

    Raises:
        InvalidKidError: *body* is not a non-empty string of digits, or the
            algorithm is unknown.

    >>> check_digit("12345678"), check_digit("12345678", Algorithm.MOD11)
    ('2', '5')
    """
    digits = _digits(body, "body")
    if _algorithm(algorithm) is Algorithm.MOD10:
        total = 0
        for position, char in enumerate(reversed(digits)):
            product = (ord(char) - 48) * (2 if position % 2 == 0 else 1)
            total += product - 9 if product > 9 else product
        return str((10 - total % 10) % 10)
    weights = _MOD11_WEIGHTS
    total = sum(
        (ord(char) - 48) * weights[position % 6]
        for position, char in enumerate(reversed(digits))
    )
    remainder = total % 11
    if remainder == 0:
        return "0"
    if remainder == 1:
        return "-"
    return str(11 - remainder)


def _check_lengths(min_length: int, max_length: int) -> None:
    if not (
        isinstance(min_length, int)
        and isinstance(max_length, int)
        and 2 <= min_length <= max_length
    ):
        raise InvalidKidError(
            f"KID lengths must satisfy 2 <= min_length <= max_length, got "
            f"{min_length!r} and {max_length!r}",
            field="min_length",
            value=(min_length, max_length),
        )


def validate(
    kid: str,
    algorithm: Algorithm | str = Algorithm.MOD10,
    *,
    min_length: int = DEFAULT_MIN_LENGTH,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> str:
    """Return *kid* if it is a valid KID under *algorithm*, else raise saying why.

    Args:
        kid: the KID as a string (leading zeros kept).
        algorithm: the agreement's algorithm, MOD10 by default.
        min_length: the shortest length accepted, check digit included (default 4).
        max_length: the longest length accepted (default 25).

    Raises:
        InvalidKidError: wrong length, a non-digit in the body, or a wrong
            check character. ``field`` is ``"kid"`` and ``value`` the KID.

    >>> validate("12344")
    '12344'
    >>> validate("123456783")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidKidError: KID '123456783' has check digit '3'; MOD10 gives '2'
    >>> validate("125")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidKidError: KID '125' has 3 characters; a KID has 4 to 25
    """
    method = _algorithm(algorithm)
    _check_lengths(min_length, max_length)
    if not isinstance(kid, str):
        raise InvalidKidError(f"a KID is a string, got {kid!r}", field="kid", value=kid)
    if not min_length <= len(kid) <= max_length:
        raise InvalidKidError(
            f"KID {kid!r} has {len(kid)} characters; a KID has {min_length} to {max_length}",
            field="kid",
            value=kid,
        )
    body, given = kid[:-1], kid[-1]
    if not body.isascii() or not body.isdigit():
        raise InvalidKidError(
            f"KID {kid!r} has a character that is not a digit before its check digit",
            field="kid",
            value=kid,
        )
    expected = check_digit(body, method)
    if given != expected:
        raise InvalidKidError(
            f"KID {kid!r} has check digit {given!r}; {method.name} gives {expected!r}",
            field="kid",
            value=kid,
        )
    return kid


def is_valid(
    kid: object,
    algorithm: Algorithm | str = Algorithm.MOD10,
    *,
    min_length: int = DEFAULT_MIN_LENGTH,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> bool:
    """Tell whether *kid* is a valid KID under *algorithm* (anything else is ``False``).

    An unknown algorithm or impossible lengths still raise: they are the
    caller's error, not the KID's.

    >>> is_valid("12A44"), is_valid("12345-", "mod11"), is_valid(123456782)
    (False, False, False)
    """
    _algorithm(algorithm)
    _check_lengths(min_length, max_length)
    try:
        validate(kid, algorithm, min_length=min_length, max_length=max_length)  # type: ignore[arg-type]
    except InvalidKidError:
        return False
    return True


def generate(
    body: str,
    algorithm: Algorithm | str = Algorithm.MOD10,
    *,
    allow_dash: bool = False,
    min_length: int = DEFAULT_MIN_LENGTH,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> str:
    """The KID of *body*: the body followed by its check character.

    Args:
        body: the digits before the check digit (leading zeros kept).
        algorithm: MOD10 (the default, never a dash) or MOD11.
        allow_dash: accept a MOD11 body whose check character is ``-``.
            Off by default: some netbanks refuse such KIDs; choose another
            body (e.g. the next invoice number) instead.
        min_length: the shortest KID allowed, check digit included.
        max_length: the longest KID allowed, check digit included.

    Raises:
        InvalidKidError: the body is not digits, the KID would be too short or
            too long, or its MOD11 check would be a dash without *allow_dash*.

    >>> generate("1234"), generate("1234", Algorithm.MOD11), generate("1000005", "mod11",
    ...                                                                allow_dash=True)
    ('12344', '12343', '1000005-')
    """
    digits = _digits(body, "body")
    method = _algorithm(algorithm)
    _check_lengths(min_length, max_length)
    if not min_length <= len(digits) + 1 <= max_length:
        raise InvalidKidError(
            f"body {digits!r} gives a KID of {len(digits) + 1} characters; a KID has "
            f"{min_length} to {max_length}",
            field="body",
            value=digits,
        )
    check = check_digit(digits, method)
    if check == "-" and not allow_dash:
        raise InvalidKidError(
            f"the MOD11 check digit of body {digits!r} is '-'; some banks refuse such a "
            f"KID: use another body, MOD10, or allow_dash=True",
            field="body",
            value=digits,
        )
    return digits + check


def compose(
    parts: Iterable[tuple[int | str, int]],
    algorithm: Algorithm | str = Algorithm.MOD10,
    *,
    allow_dash: bool = False,
    min_length: int = DEFAULT_MIN_LENGTH,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> str:
    """A KID from fixed-width parts (e.g. customer number, invoice number) and a check digit.

    Each part is zero-padded on the left to its width, so the payee can cut
    a KID back into its parts, and KID structures of different lengths stay
    apart.

    Args:
        parts: ``(value, width)`` pairs; a value is a non-negative int or a
            string of digits no longer than its width.
        algorithm: MOD10 (the default) or MOD11, as for :func:`generate`.
        allow_dash: accept a MOD11 check character ``-``, as for :func:`generate`.
        min_length: the shortest KID allowed, as for :func:`generate`.
        max_length: the longest KID allowed, as for :func:`generate`.

    Raises:
        InvalidKidError: a value is negative, not digits, or wider than its width.

    >>> compose([("10001", 5), (42, 6)], Algorithm.MOD11)
    '100010000429'
    >>> compose([(123456, 5)])
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidKidError: KID part '123456' is wider than its 5 digits
    """
    body = []
    for value, width in parts:
        if isinstance(value, bool) or not isinstance(width, int) or width < 1:
            raise InvalidKidError(
                f"KID part {value!r} needs a positive width, got {width!r}",
                field="parts",
                value=(value, width),
            )
        if isinstance(value, int):
            if value < 0:
                raise InvalidKidError(
                    f"KID part {value!r} is negative", field="parts", value=(value, width)
                )
            text = str(value)
        else:
            text = _digits(value, "part")
        if len(text) > width:
            raise InvalidKidError(
                f"KID part {text!r} is wider than its {width} digits",
                field="parts",
                value=(value, width),
            )
        body.append(text.rjust(width, "0"))
    return generate(
        "".join(body), algorithm, allow_dash=allow_dash, min_length=min_length,
        max_length=max_length,
    )
