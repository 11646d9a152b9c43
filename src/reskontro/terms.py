"""Payment terms: how an invoice's due date (and discount date) follow from its document date.

Payment terms (betalingsbetingelser) are named values such as
"14 dager netto". Three shapes cover Norwegian practice:

=================================  ============================================
terms                              due date
=================================  ============================================
:meth:`PaymentTerms.net`           document date + N days ("14 dager netto")
:meth:`PaymentTerms.end_of_month`  last day of the document's month + N days
                                   ("løpende måned + 30 dager")
:meth:`PaymentTerms.with_discount` document date + N days, with a cash discount
                                   (kontantrabatt) of P % when paid within M days
=================================  ============================================

Dates are computed with :class:`dateutil.relativedelta.relativedelta`, so the
end of a month is always right (28, 29, 30 or 31 days). Terms compute dates
and nothing else: the caller passes the due date to
:meth:`Entry.invoice(..., due=...) <reskontro.Entry.invoice>`, and a later
change of terms is a due-date change on the ledger (:func:`change_terms`), an
event that keeps the original date in the history.

Terms are JSON-ready through :meth:`PaymentTerms.to_dict` and
:meth:`PaymentTerms.from_dict`.

>>> from datetime import date
>>> terms = PaymentTerms.net(14)
>>> terms.name, terms.due_date(date(2026, 1, 5))
('14 dager netto', datetime.date(2026, 1, 19))
>>> PaymentTerms.end_of_month(30).due_date(date(2026, 1, 20))
datetime.date(2026, 3, 2)
>>> PaymentTerms.net(-1)
Traceback (most recent call last):
...
reskontro.exceptions.InvalidTermsError: payment terms: days must be a whole number ...
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, final

import attrs
from dateutil.relativedelta import relativedelta

from reskontro.exceptions import InvalidTermsError, ReskontroError
from reskontro.ledger import Ledger
from reskontro.money import Money, in_context, parse_amount

__all__ = ["MAX_DAYS", "PaymentTerms", "TermsBasis", "change_terms"]

#: The longest term accepted, in days (ten years): anything longer is a typo.
MAX_DAYS: Final = 3650


class TermsBasis(enum.StrEnum):
    """What the days of a term are counted from.

    >>> TermsBasis("end_of_month")
    TermsBasis.END_OF_MONTH
    """

    #: From the document (invoice) date.
    DOCUMENT_DATE = "document_date"
    #: From the last day of the document date's month (løpende måned).
    END_OF_MONTH = "end_of_month"

    def __repr__(self) -> str:
        return f"TermsBasis.{self.name}"


def _days(value: object, field: str) -> int:
    if type(value) is not int or not 0 <= value <= MAX_DAYS:
        raise InvalidTermsError(
            f"payment terms: {field} must be a whole number of days from 0 to {MAX_DAYS}, "
            f"got {value!r}",
            field=field, value=value,
        )
    return value


def _percent(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        number = parse_amount(value, field="discount_percent")
    except ReskontroError:
        number = None
    if number is None or not Decimal(0) < number < Decimal(100):
        raise InvalidTermsError(
            f"payment terms: discount_percent must be an exact number above 0 and below 100, "
            f"got {value!r}",
            field="discount_percent", value=value,
        )
    return number


def _date(value: object, field: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidTermsError(
            f"payment terms: {field} must be a datetime.date, got {value!r}",
            field=field, value=value,
        )
    return value


@final
@attrs.frozen(kw_only=True)
class PaymentTerms:
    """Named payment terms, made by :meth:`net`, :meth:`end_of_month` or :meth:`with_discount`.

    Attributes:
        name: the name printed on invoices, e.g. ``"14 dager netto"``.
        days: the number of days to the due date.
        basis: what the days count from (:class:`TermsBasis`).
        discount_percent: the cash discount in percent, or ``None``.
        discount_days: the days (from the document date) the discount is
            offered for, or ``None``.

    Raises:
        InvalidTermsError: days out of range, a discount percent that is not
            above 0 and below 100, a discount period longer than the term,
            or only one of the two discount fields.

    >>> PaymentTerms(name="30 dager netto", days=30)
    PaymentTerms(name='30 dager netto', days=30, basis=TermsBasis.DOCUMENT_DATE, \
discount_percent=None, discount_days=None)
    """

    name: str
    days: int
    basis: TermsBasis = TermsBasis.DOCUMENT_DATE
    discount_percent: Decimal | None = None
    discount_days: int | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidTermsError(
                f"payment terms: name must be a non-empty string, got {self.name!r}",
                field="name", value=self.name,
            )
        _days(self.days, "days")
        if not isinstance(self.basis, TermsBasis):
            raise InvalidTermsError(
                f"payment terms: basis must be a TermsBasis, got {self.basis!r}",
                field="basis", value=self.basis,
            )
        if (self.discount_percent is None) != (self.discount_days is None):
            raise InvalidTermsError(
                "payment terms: give both discount_percent and discount_days, or neither",
                field="discount_days", value=self.discount_days,
            )
        if self.discount_percent is not None:
            object.__setattr__(self, "discount_percent", _percent(self.discount_percent))
            within = _days(self.discount_days, "discount_days")
            if within > self.days and self.basis is TermsBasis.DOCUMENT_DATE:
                raise InvalidTermsError(
                    f"payment terms: the discount period ({within} days) is longer than the "
                    f"term ({self.days} days)",
                    field="discount_days", value=within,
                )

    # -- named constructors -------------------------------------------------------

    @classmethod
    def net(cls, days: int, *, name: str | None = None) -> PaymentTerms:
        """Due *days* after the document date ("14 dager netto").

        >>> from datetime import date
        >>> PaymentTerms.net(30).due_date(date(2026, 1, 31))
        datetime.date(2026, 3, 2)
        """
        return cls(name=name or f"{days} dager netto", days=days)

    @classmethod
    def end_of_month(cls, days: int, *, name: str | None = None) -> PaymentTerms:
        """Due *days* after the last day of the document's month ("løpende måned + 30 dager").

        >>> from datetime import date
        >>> PaymentTerms.end_of_month(15).due_date(date(2024, 2, 3))  # a leap year
        datetime.date(2024, 3, 15)
        """
        return cls(
            name=name or f"løpende måned + {days} dager", days=days,
            basis=TermsBasis.END_OF_MONTH,
        )

    @classmethod
    def with_discount(
        cls,
        percent: Decimal | int | str,
        within: int,
        days: int,
        *,
        name: str | None = None,
    ) -> PaymentTerms:
        """Due *days* after the document date; *percent* % off when paid within *within* days.

        >>> from datetime import date
        >>> terms = PaymentTerms.with_discount("2", 10, 30)
        >>> terms.name, terms.discount_date(date(2026, 1, 5)), terms.due_date(date(2026, 1, 5))
        ('2 % 10 dager, netto 30 dager', datetime.date(2026, 1, 15), datetime.date(2026, 2, 4))
        """
        number = _percent(percent)
        return cls(
            name=name or f"{number} % {within} dager, netto {days} dager",
            days=days, discount_percent=number, discount_days=within,
        )

    # -- dates and amounts ------------------------------------------------------------

    def due_date(self, document_date: date) -> date:
        """The due date (forfallsdato) of a document dated *document_date*.

        Raises:
            InvalidTermsError: *document_date* is not a ``datetime.date``.

        >>> from datetime import date
        >>> PaymentTerms.net(0).due_date(date(2026, 5, 17))
        datetime.date(2026, 5, 17)
        """
        start = _date(document_date, "document_date")
        if self.basis is TermsBasis.END_OF_MONTH:
            start = start + relativedelta(day=31)
        due: date = start + relativedelta(days=self.days)
        return due

    def discount_date(self, document_date: date) -> date | None:
        """The last day the cash discount applies, or ``None`` for terms without one.

        >>> from datetime import date
        >>> PaymentTerms.net(14).discount_date(date(2026, 1, 5)) is None
        True
        """
        start = _date(document_date, "document_date")
        if self.discount_days is None:
            return None
        last: date = start + relativedelta(days=self.discount_days)
        return last

    @in_context
    def discount(self, amount: Money) -> Money:
        """The cash discount on *amount*, rounded half up to the currency's minor unit.

        Zero for terms without a discount. The sign follows *amount*.

        >>> PaymentTerms.with_discount("2", 10, 30).discount(Money("1250.00", "NOK"))
        Money('25.00', 'NOK')
        """
        if self.discount_percent is None:
            return Money.zero(amount.currency)
        return amount.scale(self.discount_percent / 100, rounding=ROUND_HALF_UP)

    # -- serialization ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The terms as a JSON-ready dict (the percent as a decimal string).

        >>> PaymentTerms.with_discount("1.5", 8, 20).to_dict()["discount_percent"]
        '1.5'
        """
        return {
            "name": self.name,
            "days": self.days,
            "basis": self.basis.value,
            "discount_percent": (
                None if self.discount_percent is None else str(self.discount_percent)
            ),
            "discount_days": self.discount_days,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PaymentTerms:
        """Rebuild terms from :meth:`to_dict` output.

        Raises:
            InvalidTermsError: a field is missing or invalid.

        >>> terms = PaymentTerms.end_of_month(30)
        >>> PaymentTerms.from_dict(terms.to_dict()) == terms
        True
        """
        if not isinstance(data, Mapping):
            raise InvalidTermsError(
                f"payment terms: expected a mapping, got {type(data).__name__}",
                field="terms", value=data,
            )
        for key in ("name", "days"):
            if key not in data:
                raise InvalidTermsError(f"payment terms: {key} is missing", field=key)
        basis = data.get("basis", TermsBasis.DOCUMENT_DATE.value)
        try:
            basis_of = TermsBasis(basis)
        except ValueError:
            raise InvalidTermsError(
                f"payment terms: basis {basis!r} is not a TermsBasis", field="basis", value=basis
            ) from None
        percent = data.get("discount_percent")
        if percent is not None and not isinstance(percent, str):
            raise InvalidTermsError(
                f"payment terms: discount_percent must be a decimal string, got {percent!r}",
                field="discount_percent", value=percent,
            )
        return cls(
            name=data["name"],
            days=data["days"],
            basis=basis_of,
            discount_percent=_percent(percent),
            discount_days=data.get("discount_days"),
        )


def change_terms(ledger: Ledger, entry_id: str, terms: PaymentTerms, *, on: date) -> Ledger:
    """Put an entry on new payment terms from day *on*: a due-date change, kept in history.

    The new due date is computed from the entry's document date, and applied
    with :meth:`Ledger.change_due_date <reskontro.Ledger.change_due_date>`
    (a :class:`~reskontro.DueDateChanged` event); the entry keeps its
    original due date.

    Raises:
        EntryNotFoundError: no such entry.
        InvalidEventError: *on* is before the posting date or an earlier change.

    >>> from datetime import date
    >>> from reskontro import Entry, Ledger
    >>> issued = date(2026, 1, 5)
    >>> ledger = Ledger("NOK").post(Entry.invoice(
    ...     "F-1", party="1", amount=Money("100", "NOK"), posted=issued,
    ...     due=PaymentTerms.net(14).due_date(issued)))
    >>> later = change_terms(ledger, "F-1", PaymentTerms.end_of_month(30), on=date(2026, 1, 12))
    >>> later.item("F-1").due, later.entry("F-1").due
    (datetime.date(2026, 3, 2), datetime.date(2026, 1, 19))
    """
    entry = ledger.entry(entry_id)
    return ledger.change_due_date(entry_id, terms.due_date(entry.document_date), on=on)
