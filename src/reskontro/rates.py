"""Exchange rates: a caller-supplied table, local units per one foreign unit.

reskontro never fetches a rate. The caller gives a :class:`RateTable` of
``(currency, date) -> rate`` rows, each rate the number of **local currency
units per one unit of the foreign currency** (the Norwegian convention:
EUR 1 = NOK 11.50 is the rate ``11.50`` for EUR). A look-up takes the last
rate on or before the date asked for, and the local currency's own rate is 1.

A rate lies between :data:`MIN_RATE` (10**-9) and :data:`MAX_RATE` (10**9) and
has at most :data:`MAX_RATE_DIGITS` (12) significant digits (Norges Bank
publishes 4 decimals), so that an amount of 21 digits times a rate fits the
34 digits of reskontro's context exactly and is rounded once, to the minor
unit; :func:`parse_rate` checks it.

>>> from datetime import date
>>> from decimal import Decimal
>>> rates = RateTable("NOK", {("EUR", date(2026, 1, 2)): "11.00",
...                           ("EUR", date(2026, 2, 2)): "11.50"})
>>> rates.rate("EUR", date(2026, 1, 31)), rates.rate("NOK", date(2026, 1, 31))
(Decimal('11.00'), Decimal('1'))
>>> rates.to_local(Money("1000", "EUR"), date(2026, 2, 10))
Money('11500.00', 'NOK')
>>> rates.rate("EUR", date(2025, 12, 31))
Traceback (most recent call last):
...
reskontro.exceptions.MissingRateError: no EUR rate on or before 2025-12-31
"""

from __future__ import annotations

import csv
import io
import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Final, final

from reskontro.currency import check_currency, quantum
from reskontro.exceptions import (
    InvalidAmountError,
    InvalidQueryError,
    InvalidRateError,
    MissingRateError,
    ReskontroError,
    shorten,
)
from reskontro.money import CONTEXT, EXACT, Money, parse_amount

__all__ = ["MAX_RATE", "MAX_RATE_DIGITS", "MIN_RATE", "RateTable", "parse_rate"]

#: The smallest rate: one foreign unit is worth at least 10**-9 local units.
MIN_RATE: Final = Decimal("1E-9")
#: The largest rate: one foreign unit is worth at most 10**9 local units.
MAX_RATE: Final = Decimal("1E+9")
#: The most significant digits a rate may have (trailing zeros not counted).
MAX_RATE_DIGITS: Final = 12


def _cut(number: Decimal) -> str:
    text = str(number)
    return text if len(text) <= 40 else f"{text[:40]}... ({len(text)} characters)"


def parse_rate(
    value: object, *, field: str = "rate", currency: str | None = None,
    on: date | None = None, entry_id: str | None = None,
) -> Decimal:
    """Turn *value* into an exchange rate, refusing anything outside the documented limits.

    A rate is an exact positive number (``Decimal``, ``int`` or an ASCII
    decimal string, never a float) from :data:`MIN_RATE` to :data:`MAX_RATE`
    with at most :data:`MAX_RATE_DIGITS` significant digits.

    Raises:
        InvalidRateError: *value* is not such a number.

    >>> parse_rate("11.5025")
    Decimal('11.5025')
    >>> parse_rate("1E+12", currency="EUR")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidRateError: the EUR rate 1E+12 is out of range: ...
    """
    what = "the rate" if currency is None else f"the {currency} rate"
    if on is not None:
        what += f" of {on}"
    try:
        rate = parse_amount(value, field=field, entry_id=entry_id)
    except ReskontroError as error:
        raise InvalidRateError(
            f"{what} must be an exact number: {error.message}",
            entry_id=entry_id, field=field, value=value,
        ) from None
    if not MIN_RATE <= rate <= MAX_RATE:
        raise InvalidRateError(
            f"{what} {_cut(rate)} is out of range: a rate is positive, from "
            f"{MIN_RATE} to {MAX_RATE} local units per foreign unit",
            entry_id=entry_id, field=field, value=value,
        )
    digits = rate.as_tuple().digits
    significant = len(digits) - (len(digits) - len(bytes(digits).rstrip(b"\0")))
    if significant > MAX_RATE_DIGITS:
        raise InvalidRateError(
            f"{what} {_cut(rate)} has {significant} significant digits; "
            f"a rate has at most {MAX_RATE_DIGITS}",
            entry_id=entry_id, field=field, value=value,
        )
    return rate


def _check_day(day: object, field: str) -> None:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidQueryError(
            f"{field} must be a datetime.date, got {shorten(day)}", field=field, value=day
        )


def _rows(rates: object) -> list[tuple[Any, Any, Any]]:
    """The ``(currency, date, rate)`` rows of a mapping or an iterable, or InvalidRateError."""
    try:
        if isinstance(rates, Mapping):
            return [(c, d, r) for (c, d), r in rates.items()]
        if isinstance(rates, str | bytes) or not isinstance(rates, Iterable):
            raise TypeError
        rows = []
        for row in rates:
            currency, day, value = row
            rows.append((currency, day, value))
        return rows
    except (TypeError, ValueError):
        raise InvalidRateError(
            f"rates must map (currency, date) to a rate or be (currency, date, rate) rows, "
            f"got {shorten(rates)}",
            field="rates", value=rates,
        ) from None


@final
class RateTable:
    """An immutable table of exchange rates into one local currency.

    Args:
        local_currency: the currency rates convert into (e.g. ``"NOK"``).
        rates: ``{(currency, date): rate}`` or ``(currency, date, rate)`` rows;
            a rate is a positive exact number (``Decimal``, ``int`` or string).

    Raises:
        UnknownCurrencyError: a currency code is not known.
        InvalidRateError: a rate is a float, not a number or outside the
            limits of :func:`parse_rate`, or a date is not a ``datetime.date``.
    """

    __slots__ = ("_dates", "_local", "_rates")

    def __init__(
        self,
        local_currency: str,
        rates: Mapping[tuple[str, date], Decimal | int | str]
        | Iterable[tuple[str, date, Decimal | int | str]] = (),
    ) -> None:
        self._local = check_currency(local_currency)
        rows = _rows(rates)
        table: dict[str, dict[date, Decimal]] = {}
        for currency, day, value in rows:
            code = check_currency(currency)
            if not isinstance(day, date) or isinstance(day, datetime):
                raise InvalidRateError(
                    f"the date of a {code} rate must be a datetime.date, got {shorten(day)}",
                    field="date", value=day,
                )
            rate = parse_rate(value, currency=code, on=day)
            table.setdefault(code, {})[day] = rate
        self._rates = {code: [by_day[d] for d in sorted(by_day)] for code, by_day in table.items()}
        self._dates = {code: sorted(by_day) for code, by_day in table.items()}

    @property
    def local_currency(self) -> str:
        """The currency the rates convert into."""
        return self._local

    def __repr__(self) -> str:
        rows = [
            (code, day, rate)
            for code in sorted(self._rates)
            for day, rate in zip(self._dates[code], self._rates[code], strict=True)
        ]
        return f"RateTable({self._local!r}, {rows!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RateTable):
            return NotImplemented
        return (self._local, self._dates, self._rates) == (
            other._local, other._dates, other._rates,
        )

    def __hash__(self) -> int:
        return hash((self._local, tuple(sorted(self._dates))))

    def rate(self, currency: str, on: date) -> Decimal:
        """Local units per one unit of *currency*: the last rate on or before *on*.

        Raises:
            MissingRateError: no rate for *currency* on or before *on*.
            UnknownCurrencyError: *currency* is not known.
            InvalidQueryError: *on* is not a ``datetime.date``.
        """
        code = check_currency(currency)
        if type(on) is not date:
            _check_day(on, "on")
        if code == self._local:
            return Decimal(1)
        dates = self._dates.get(code, [])
        position = bisect_right(dates, on)
        if position == 0:
            raise MissingRateError(
                f"no {code} rate on or before {on}", field="rate", value=(code, on)
            )
        return self._rates[code][position - 1]

    def to_local(self, amount: Money, on: date) -> Money:
        """*amount* in local currency at the rate of *on*, rounded to the local minor unit.

        Raises:
            MissingRateError: no rate for the amount's currency on or before *on*.
            InvalidAmountError: *amount* is not :class:`~reskontro.money.Money`.
        """
        if type(amount) is not Money:
            raise InvalidAmountError(
                f"the amount to convert must be Money, got {shorten(amount)}",
                field="amount", value=amount,
            )
        rate = self.rate(amount.currency, on)
        # the product is exact (21 + 12 digits fit 34), then rounded once
        value = EXACT.multiply(amount.amount, rate).quantize(
            quantum(self._local), rounding=ROUND_HALF_EVEN, context=CONTEXT
        )
        return Money._of(value, self._local)

    @classmethod
    def parse(cls, local_currency: str, text: str) -> RateTable:
        r"""A table from the text of a rates file: CSV, or JSON (text starting with ``[``).

        CSV has a header row naming the columns ``currency``, ``date`` and
        ``rate`` (any order, comma or semicolon separated), one rate a row.
        JSON is a list of objects with those three keys. Dates are ISO
        (``2026-01-20``); a rate is local units per one foreign unit, written
        with a decimal point (or a decimal comma in semicolon-separated CSV;
        a JSON number is read exactly, never as a float).

        >>> RateTable.parse("NOK", "currency,date,rate\nEUR,2026-01-20,11.60\n").rate(
        ...     "EUR", date(2026, 1, 21))
        Decimal('11.60')
        >>> RateTable.parse("NOK", '[{"currency": "EUR", "date": "2026-01-20", "rate": 11.6}]')
        RateTable('NOK', [('EUR', datetime.date(2026, 1, 20), Decimal('11.6'))])
        >>> RateTable.parse("NOK", "currency;date;rate\nEUR;20.01.2026;11,6\n")
        Traceback (most recent call last):
        ...
        reskontro.exceptions.InvalidRateError: rates row 2: date must be ISO ..., got '20.01.2026'

        Raises:
            InvalidRateError: the text is neither, a column or key is
                missing, or a value is invalid; the message names the row.
        """
        rows: list[tuple[str, Mapping[str, object]]] = []
        stripped = text.lstrip("\ufeff \t\r\n")
        if stripped.startswith(("[", "{")):
            try:
                data = json.loads(stripped, parse_float=Decimal, parse_int=Decimal)
            except json.JSONDecodeError as error:
                raise InvalidRateError(
                    f"the rates are not valid JSON: {error}", field="rates", value=None
                ) from None
            if not isinstance(data, list):
                raise InvalidRateError(
                    "JSON rates must be a list of {currency, date, rate} objects",
                    field="rates", value=type(data).__name__,
                )
            for number, row in enumerate(data, start=1):
                if not isinstance(row, dict):
                    raise InvalidRateError(
                        f"rates item {number}: an object with currency, date and rate, "
                        f"got {row!r}", field="rates", value=row,
                    )
                rows.append((f"item {number}", row))
        else:
            dialect = ";" if stripped.partition("\n")[0].count(";") > stripped.partition(
                "\n")[0].count(",") else ","
            reader = csv.DictReader(io.StringIO(stripped), delimiter=dialect)
            header = {name.strip().lower() for name in reader.fieldnames or ()}
            missing = sorted({"currency", "date", "rate"} - header)
            if missing:
                raise InvalidRateError(
                    f"the rates CSV needs a header with currency, date and rate; "
                    f"missing {', '.join(missing)}", field="rates", value=sorted(header),
                )
            for number, raw in enumerate(reader, start=2):
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
                if dialect == ";" and isinstance(row.get("rate"), str):
                    row["rate"] = str(row["rate"]).replace(",", ".")  # a decimal comma
                rows.append((f"row {number}", row))
        table: list[tuple[str, date, Decimal | int | str]] = []
        for where, row in rows:
            for key in ("currency", "date", "rate"):
                if key not in row:
                    raise InvalidRateError(f"rates {where}: {key} is missing",
                                           field=key, value=None)
            currency, day, value = row["currency"], row["date"], row["rate"]
            try:
                parsed_day = date.fromisoformat(str(day))
            except ValueError:
                raise InvalidRateError(
                    f"rates {where}: date must be ISO (YYYY-MM-DD), got {day!r}",
                    field="date", value=day,
                ) from None
            if not isinstance(value, (Decimal, str)):
                raise InvalidRateError(f"rates {where}: rate must be a number, got {value!r}",
                                       field="rate", value=value)
            try:
                table.append((str(currency), parsed_day, parse_amount(value, field="rate")))
            except ValueError:
                raise InvalidRateError(
                    f"rates {where}: rate must be a number, got {value!r}",
                    field="rate", value=value,
                ) from None
        try:
            return cls(local_currency, table)
        except (InvalidRateError, ValueError) as error:
            raise InvalidRateError(f"rates: {error}", field="rates", value=None) from None

    def with_rate(self, currency: str, on: date, rate: Decimal | int | str) -> RateTable:
        """A new table with one more (or a replaced) rate; this one is unchanged.

        >>> from datetime import date
        >>> RateTable("NOK").with_rate("SEK", date(2026, 1, 2), "0.98").rate(
        ...     "SEK", date(2026, 1, 5))
        Decimal('0.98')
        """
        rows = {
            (code, day): value
            for code in self._rates
            for day, value in zip(self._dates[code], self._rates[code], strict=True)
        }
        code = check_currency(currency)
        _check_day(on, "on")
        rows[(code, on)] = parse_rate(rate, currency=code, on=on)
        return RateTable(self._local, rows)
