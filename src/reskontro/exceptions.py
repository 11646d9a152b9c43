"""Errors and warnings raised by reskontro.

Every error is a :class:`ReskontroError`. Each leaf also subclasses the builtin
exception it resembles, so code that already catches ``ValueError`` or
``LookupError`` keeps working. Errors carry the offending ``entry_id``,
``field`` and ``value`` as attributes, and name them in the message.

A failed operation never changes a ledger: the ledger you called it on is
exactly as it was.

>>> from reskontro import Money
>>> from reskontro.exceptions import InvalidAmountError, ReskontroError
>>> try:
...     Money(1.5, "NOK")
... except InvalidAmountError as error:
...     print(error.field, isinstance(error, ReskontroError), isinstance(error, ValueError))
amount True True
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AlreadyMatchedError",
    "ConcurrencyError",
    "CrossCurrencyMatchError",
    "CurrencyMismatchError",
    "DuplicateEntryError",
    "DuplicateMatchError",
    "EntryNotFoundError",
    "FileFormatError",
    "InvalidAccountNumberError",
    "InvalidAmountError",
    "InvalidEntryError",
    "InvalidEventError",
    "InvalidKidError",
    "InvalidLocaleError",
    "InvalidOrganisationNumberError",
    "InvalidPolicyError",
    "InvalidQueryError",
    "InvalidRateError",
    "InvalidStatementError",
    "InvalidTermsError",
    "MatchDateError",
    "MatchError",
    "MatchNotFoundError",
    "MissingExtraError",
    "MissingInterestRateError",
    "MissingRateError",
    "NotMatchedError",
    "NoticeError",
    "OverallocationError",
    "PartyNotFoundError",
    "PostAgainstPostError",
    "PostAgainstPostWarning",
    "ReskontroError",
    "ReskontroWarning",
    "ReversalError",
    "SerializationError",
    "StoreError",
    "SubAccountMismatchError",
    "UnknownCurrencyError",
    "WrongSignError",
]


#: The most characters of an offending value an error message quotes.
QUOTE_LIMIT = 40


def shorten(value: object, limit: int = QUOTE_LIMIT) -> str:
    """The ``repr`` of *value* as an error message quotes it: at most about *limit* characters.

    A long value is cut to its first characters and its length; a value of
    megabytes never ends up in a message or a log. Never raises (an int too
    long for ``repr`` is described by its number of digits).

    >>> shorten("12345")
    "'12345'"
    >>> shorten("9" * 5000)
    "'9999999999999999999999999999999999999999'... (5000 characters)"
    >>> shorten(10**5000)
    'an int of about 5001 digits'
    """
    if isinstance(value, str | bytes) and len(value) > limit:
        unit = "characters" if isinstance(value, str) else "bytes"
        return f"{value[:limit]!r}... ({len(value)} {unit})"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        return f"an int of about {int(value.bit_length() * 0.30103) + 1} digits"
    try:
        text = repr(value)
    except Exception:  # a repr that fails must not hide the error being reported
        return f"a {type(value).__name__}"
    return text if len(text) <= 2 * limit else f"{text[:limit]}... ({len(text)} characters)"


class ReskontroError(Exception):
    """Base class of every error raised by reskontro.

    Attributes:
        entry_id: the entry the error is about, when there is one.
        field: the field (or argument) at fault, when there is one.
        value: the offending value, when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        entry_id: str | None = None,
        field: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.entry_id = entry_id
        self.field = field
        self.value = value

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (type(self), self.message, self.entry_id, self.field, self.value),
        )


def _rebuild(
    cls: type[ReskontroError], message: str, entry_id: str | None, field: str | None, value: Any
) -> ReskontroError:
    return cls(message, entry_id=entry_id, field=field, value=value)


class InvalidAmountError(ReskontroError, ValueError):
    """An amount is not an exact, finite decimal in the currency's minor unit.

    Raised for floats, bools, NaN, infinity, unparsable strings and amounts with
    more decimals than the currency allows.
    """


class UnknownCurrencyError(ReskontroError, ValueError):
    """A currency code is not a known ISO 4217 code."""


class CurrencyMismatchError(ReskontroError, ValueError):
    """Two amounts in different currencies were combined or compared."""


class InvalidEntryError(ReskontroError, ValueError):
    """An entry has a missing or invalid field."""


class WrongSignError(InvalidEntryError):
    """An entry's amount has the wrong sign for its kind and side."""


class DuplicateEntryError(ReskontroError, ValueError):
    """An entry id is already used in the ledger (or twice in one batch)."""


class EntryNotFoundError(ReskontroError, LookupError):
    """No entry with that id is in the ledger (as of the date asked about)."""


class MatchNotFoundError(ReskontroError, LookupError):
    """No match with that id is in the ledger."""


class InvalidEventError(ReskontroError, ValueError):
    """An event cannot be applied to the ledger (replay or plan application)."""


class FileFormatError(ReskontroError, ValueError):
    """A payment file (OCR giro, camt.054) breaks its format.

    Attributes:
        line: the 1-based line (record) number at fault, when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(
            message if line is None else f"line {line}: {message}", field=field, value=value
        )
        self.line = line

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_format, (self.message, self.line, self.field, self.value))


def _rebuild_format(
    message: str, line: int | None, field: str | None, value: Any
) -> FileFormatError:
    error = FileFormatError(message, field=field, value=value)
    error.line = line
    return error


class InvalidKidError(ReskontroError, ValueError):
    """A KID (or a body to make one of) is invalid: length, a non-digit, a wrong check digit."""


class InvalidQueryError(ReskontroError, ValueError):
    """A query argument is of the wrong type (an ``int`` party, a ``datetime`` as_of...).

    Raised instead of quietly finding nothing.
    """


class MissingRateError(ReskontroError, LookupError):
    """No exchange rate for a currency on or before a date."""


class InvalidRateError(ReskontroError, ValueError):
    """An exchange rate is zero, negative, not an exact number, or badly dated."""


class MatchError(ReskontroError, ValueError):
    """A match, extension, removal or dissolve breaks a matching rule."""


class AlreadyMatchedError(MatchError):
    """An entry is already in a live match; unmatch it first or extend that match.

    Attributes:
        match_id: the match the entry belongs to.
    """

    def __init__(
        self,
        message: str,
        *,
        entry_id: str | None = None,
        field: str | None = None,
        value: Any = None,
        match_id: str | None = None,
    ) -> None:
        super().__init__(message, entry_id=entry_id, field=field, value=value)
        self.match_id = match_id

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_matched,
            (self.message, self.entry_id, self.field, self.value, self.match_id),
        )


def _rebuild_matched(
    message: str, entry_id: str | None, field: str | None, value: Any, match_id: str | None
) -> AlreadyMatchedError:
    return AlreadyMatchedError(
        message, entry_id=entry_id, field=field, value=value, match_id=match_id
    )


class DuplicateMatchError(MatchError):
    """A match id is already used in the ledger."""


class NotMatchedError(MatchError):
    """An entry is not in the match the operation names (or in no match at all)."""


class SubAccountMismatchError(MatchError):
    """Entries of different sub-accounts (side, party, control account) were matched."""


class MatchDateError(MatchError):
    """A match operation is dated before a member's posting date or the match's last change."""


class OverallocationError(MatchError):
    """An explicit allocation applies more than an entry's amount, or pairs wrong entries."""


class PostAgainstPostError(MatchError):
    """A match would hold several invoices and several payments (policy ``REFUSE``)."""


class CrossCurrencyMatchError(MatchError):
    """A match would mix transaction currencies, which the core engine does not allow."""


class ReversalError(ReskontroError, ValueError):
    """An entry cannot be reversed (it shares a match, or is already reversed)."""


class SerializationError(ReskontroError, ValueError):
    """A serialized document is malformed, of an unknown schema or of an unknown version."""


class InvalidTermsError(ReskontroError, ValueError):
    """Payment terms are invalid: days out of range, a bad discount, a malformed document."""


class InvalidPolicyError(ReskontroError, ValueError):
    """A collection parameter is invalid: aging buckets, a rate or fee table, a dunning policy."""


class MissingInterestRateError(ReskontroError, LookupError):
    """No late-payment interest rate covers a day interest is asked for."""


class NoticeError(InvalidEventError):
    """A dunning notice cannot be recorded: a credit entry, or dated before posting or a notice."""


class PartyNotFoundError(ReskontroError, LookupError):
    """No party with that number has entries on the side (and control account) asked about."""


class InvalidStatementError(ReskontroError, ValueError):
    """A statement cannot be made as asked: a period that ends before it starts, nothing to pay."""


class InvalidAccountNumberError(ReskontroError, ValueError):
    """A Norwegian bank account number (kontonummer) has the wrong length or check digit."""


class InvalidOrganisationNumberError(ReskontroError, ValueError):
    """A Norwegian organisation number (organisasjonsnummer) has the wrong length or check digit."""


class InvalidLocaleError(ReskontroError, ValueError):
    """A locale identifier (such as ``nb_NO`` or ``en_GB``) is malformed or unknown to babel."""


class MissingExtraError(ReskontroError, ImportError):
    """An optional dependency is not installed; the message names the extra that installs it.

    ``value`` (and ``extra``) is the name of the extra, e.g. ``pdf``; install it
    with ``pip install "reskontro[pdf]"``.
    """

    @property
    def extra(self) -> str:
        """The name of the optional extra that provides the missing dependency."""
        return str(self.value)


class ConcurrencyError(ReskontroError, RuntimeError):
    """An append to an event store lost a race and wrote nothing.

    Another writer appended to a partition (a party's history) since the
    ledger the append extends was loaded, or took one of its new entry or
    match ids. Load the store again, redo the operation and append again.
    ``field`` names the partition or id, ``value`` the version or id found.
    """


class StoreError(ReskontroError, ValueError):
    """An event store cannot be used as asked: not a reskontro store, a newer schema,
    another local currency or other options than the ledger appended, or no ledger yet;
    or the database refused a write (busy past its timeout, a lost connection), in which
    case nothing was written."""


class ReskontroWarning(UserWarning):
    """Base class of every warning issued by reskontro."""


class PostAgainstPostWarning(ReskontroWarning):
    """A match holds several invoices and several payments (policy ``WARN``)."""
