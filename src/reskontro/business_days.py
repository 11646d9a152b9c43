"""Business days: when a deadline that ends on a day off moves to the next working day.

A payment deadline on a reminder or a collection notice that would end on a
Saturday, a Sunday or a public holiday moves to the next business day, the way
Norwegian deadlines are read (domstolloven § 149 and common practice for
payment deadlines). The calendar is a value, :class:`BusinessCalendar`, so a
caller can pass any other one; :data:`NORWEGIAN_CALENDAR` knows the Norwegian
public holidays from the `holidays <https://pypi.org/project/holidays/>`_
package (no hand-written calendar: Easter, Ascension and Whit Monday move
every year).

The engine reads no clock: a calendar only answers questions about the days
it is given.

>>> from datetime import date
>>> NORWEGIAN_CALENDAR.is_business_day(date(2026, 5, 18))
True
>>> NORWEGIAN_CALENDAR.holiday(date(2026, 5, 17))
'Constitution Day'
>>> NORWEGIAN_CALENDAR.roll_forward(date(2026, 5, 16))  # Saturday, then 17 May (a Sunday)
datetime.date(2026, 5, 18)
>>> NORWEGIAN_CALENDAR.roll_forward(date(2026, 4, 2))  # Maundy Thursday to Easter Monday
datetime.date(2026, 4, 7)
>>> WEEKENDS_ONLY.roll_forward(date(2026, 4, 2))
datetime.date(2026, 4, 2)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Final, final

import attrs

from reskontro.exceptions import InvalidPolicyError

__all__ = ["NORWEGIAN_CALENDAR", "WEEKENDS_ONLY", "BusinessCalendar", "norwegian_holiday"]

_DAY: Final = timedelta(days=1)


@cache
def _country(code: str) -> Any:
    import holidays  # a runtime dependency; imported on first use only

    return holidays.country_holidays(code)


def norwegian_holiday(day: date) -> str | None:
    """The name of the Norwegian public holiday on *day*, or ``None`` (the ``holidays`` package).

    Sundays are not listed as holidays here; :class:`BusinessCalendar` treats
    the weekend on its own.

    >>> norwegian_holiday(date(2026, 5, 25)), norwegian_holiday(date(2026, 5, 26))
    ('Pentecost Monday', None)
    """
    found = _country("NO").get(day)
    return None if found is None else str(found)


def _country_code(value: object) -> str | None:
    if value is None:
        return None
    import holidays

    if not isinstance(value, str) or value not in holidays.list_supported_countries():
        raise InvalidPolicyError(
            f"calendar: country must be a code the holidays package knows (such as 'NO'), "
            f"got {value!r}",
            field="country", value=value,
        )
    return value


def _days_off(value: Iterable[date]) -> frozenset[date]:
    days = frozenset(value)
    for day in days:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise InvalidPolicyError(
                f"calendar: days_off must be datetime.date values, got {day!r}",
                field="days_off", value=day,
            )
    return days


def _weekend(value: Iterable[int]) -> frozenset[int]:
    days = frozenset(value)
    if not days <= set(range(7)) or len(days) == 7:
        raise InvalidPolicyError(
            f"calendar: weekend must be weekday numbers 0-6, not all of them, "
            f"got {sorted(days, key=str)!r}",
            field="weekend", value=value,
        )
    return days


@final
@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """Which days are working days: not a weekend day, not a public holiday, not a day off.

    Attributes:
        name: a short name for messages and reprs.
        country: the country whose public holidays count, as a code of the
            ``holidays`` package (``"NO"``), or ``None`` for none.
        days_off: further days that are not business days (company holidays,
            a bank's closing days).
        weekend: the weekdays that are days off (``date.weekday()``: 5 and 6,
            Saturday and Sunday).

    Raises:
        InvalidPolicyError: an unknown country, a day off that is not a date,
            or a weekend that is not weekday numbers (or is every day).

    >>> office = BusinessCalendar(name="office", days_off=[date(2026, 6, 1)])
    >>> office.roll_forward(date(2026, 6, 1))
    datetime.date(2026, 6, 2)
    >>> BusinessCalendar(name="x", country="Narnia")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.InvalidPolicyError: calendar: country must be a code ...
    """

    name: str
    country: str | None = attrs.field(default=None, converter=_country_code)
    days_off: frozenset[date] = attrs.field(default=frozenset(), converter=_days_off)
    weekend: frozenset[int] = attrs.field(default=frozenset({5, 6}), converter=_weekend)

    def holiday(self, day: date) -> str | None:
        """The name of the holiday on *day* (or ``"day off"``), or ``None``."""
        if day in self.days_off:
            return "day off"
        if self.country is None:
            return None
        found = _country(self.country).get(day)
        return None if found is None else str(found)

    def is_business_day(self, day: date) -> bool:
        """True when *day* is neither a weekend day nor a holiday."""
        if not isinstance(day, date) or isinstance(day, datetime):
            raise InvalidPolicyError(
                f"calendar {self.name!r}: expected a datetime.date, got {day!r}",
                field="day", value=day,
            )
        return day.weekday() not in self.weekend and self.holiday(day) is None

    def roll_forward(self, day: date) -> date:
        """*day* if it is a business day, otherwise the next business day after it."""
        while not self.is_business_day(day):
            day += _DAY
        return day

    def add_days(self, day: date, days: int) -> date:
        """*days* calendar days after *day*, moved forward to a business day if needed.

        >>> NORWEGIAN_CALENDAR.add_days(date(2026, 12, 10), 14)  # 24 Dec is a Thursday
        datetime.date(2026, 12, 24)
        >>> NORWEGIAN_CALENDAR.add_days(date(2026, 12, 11), 14)  # 25 Dec: to 28 Dec
        datetime.date(2026, 12, 28)
        """
        return self.roll_forward(day + timedelta(days=days))


#: The Norwegian calendar: Saturdays, Sundays and the public holidays of the ``holidays``
#: package (New Year's Day, Maundy Thursday to Easter Monday, 1 May, Ascension Day,
#: 17 May, Whit Monday, Christmas Day and Boxing Day).
NORWEGIAN_CALENDAR: Final = BusinessCalendar(name="Norway", country="NO")

#: Saturdays and Sundays only: no public holidays.
WEEKENDS_ONLY: Final = BusinessCalendar(name="weekends only")
