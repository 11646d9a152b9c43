"""reskontro: a pure, exact accounting engine for customer and supplier sub-ledgers.

A sub-ledger (reskontro) breaks a general-ledger control account down by
party: which invoices, credit notes and payments settle which, what is still
open, and what each customer owes or each supplier is owed, at any date in the
past. reskontro keeps that picture exact (``Decimal`` money, immutable values,
append-only history) and does no I/O: you pass data in and get values back.

>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> ledger = Ledger("NOK").post_many([
...     Entry.invoice("F-1", party="10001", amount=Money("1250.00", "NOK"),
...                   posted=date(2026, 1, 5), due=date(2026, 1, 19)),
...     Entry.payment("P-1", party="10001", amount=Money("-1000.00", "NOK"),
...                   posted=date(2026, 1, 20)),
... ]).match(["F-1", "P-1"])
>>> [(item.id, item.remaining) for item in ledger.open_items()]
[('F-1', Money('250.00', 'NOK'))]
"""

from __future__ import annotations

from typing import Any

from reskontro.aging import (
    AgedItem,
    AgingReport,
    AgingRow,
    Buckets,
    PaymentStats,
    age,
    payment_stats,
)
from reskontro.currency import minor_units
from reskontro.dunning import (
    DebtorKind,
    DunningPlan,
    DunningPolicy,
    HeldParty,
    Notice,
    NoticeLine,
    SkippedItem,
    plan_dunning,
)
from reskontro.entries import DEFAULT_ACCOUNTS, Entry, EntryKind, Side, SubAccount
from reskontro.events import (
    DueDateChanged,
    EntriesMatched,
    EntryPosted,
    EntryReversed,
    EntryUnmatched,
    Event,
    MatchDissolved,
    NoticeLevel,
    NoticeRecorded,
)
from reskontro.exceptions import (
    AlreadyMatchedError,
    ConcurrencyError,
    CrossCurrencyMatchError,
    CurrencyMismatchError,
    DuplicateEntryError,
    DuplicateMatchError,
    EntryNotFoundError,
    FileFormatError,
    InvalidAccountNumberError,
    InvalidAmountError,
    InvalidEntryError,
    InvalidEventError,
    InvalidKidError,
    InvalidLocaleError,
    InvalidOrganisationNumberError,
    InvalidPolicyError,
    InvalidQueryError,
    InvalidRateError,
    InvalidStatementError,
    InvalidTermsError,
    MatchDateError,
    MatchError,
    MatchNotFoundError,
    MissingExtraError,
    MissingInterestRateError,
    MissingRateError,
    NoticeError,
    NotMatchedError,
    OverallocationError,
    PartyNotFoundError,
    PostAgainstPostError,
    PostAgainstPostWarning,
    ReskontroError,
    ReskontroWarning,
    ReversalError,
    SerializationError,
    StoreError,
    SubAccountMismatchError,
    UnknownCurrencyError,
    WrongSignError,
)
from reskontro.interest import (
    InterestPlan,
    InterestRates,
    RatePeriod,
    interest,
    item_interest,
    plan_interest,
)
from reskontro.items import Balance, BalanceList, Item, ItemList, Status, SubAccountBalance
from reskontro.ledger import Ledger, LedgerOptions, Partition, PartitionSource
from reskontro.matching import (
    Allocation,
    ClosePolicy,
    DerivedEntries,
    Match,
    MatchRow,
    MatchRowList,
    PostAgainstPost,
)
from reskontro.money import Money, decimal_context
from reskontro.statement import (
    PartyDetails,
    PaymentInstruction,
    Statement,
    StatementLine,
    StatementView,
)
from reskontro.terms import PaymentTerms, TermsBasis

__all__ = [
    "DEFAULT_ACCOUNTS",
    "AgedItem",
    "AgingReport",
    "AgingRow",
    "Allocation",
    "AlreadyMatchedError",
    "Balance",
    "BalanceList",
    "Buckets",
    "ClosePolicy",
    "ConcurrencyError",
    "CrossCurrencyMatchError",
    "CurrencyMismatchError",
    "DebtorKind",
    "DerivedEntries",
    "DueDateChanged",
    "DunningPlan",
    "DunningPolicy",
    "DuplicateEntryError",
    "DuplicateMatchError",
    "EntriesMatched",
    "Entry",
    "EntryKind",
    "EntryNotFoundError",
    "EntryPosted",
    "EntryReversed",
    "EntryUnmatched",
    "Event",
    "FileFormatError",
    "HeldParty",
    "InterestPlan",
    "InterestRates",
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
    "Item",
    "ItemList",
    "Ledger",
    "LedgerOptions",
    "Match",
    "MatchDateError",
    "MatchDissolved",
    "MatchError",
    "MatchNotFoundError",
    "MatchRow",
    "MatchRowList",
    "MissingExtraError",
    "MissingInterestRateError",
    "MissingRateError",
    "Money",
    "NotMatchedError",
    "Notice",
    "NoticeError",
    "NoticeLevel",
    "NoticeLine",
    "NoticeRecorded",
    "OverallocationError",
    "Partition",
    "PartitionSource",
    "PartyDetails",
    "PartyNotFoundError",
    "PaymentInstruction",
    "PaymentStats",
    "PaymentTerms",
    "PostAgainstPost",
    "PostAgainstPostError",
    "PostAgainstPostWarning",
    "RatePeriod",
    "ReskontroError",
    "ReskontroWarning",
    "ReversalError",
    "SerializationError",
    "Side",
    "SkippedItem",
    "Statement",
    "StatementLine",
    "StatementView",
    "Status",
    "StoreError",
    "SubAccount",
    "SubAccountBalance",
    "SubAccountMismatchError",
    "TermsBasis",
    "UnknownCurrencyError",
    "WrongSignError",
    "age",
    "decimal_context",
    "interest",
    "item_interest",
    "minor_units",
    "payment_stats",
    "plan_dunning",
    "plan_interest",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("reskontro")
    raise AttributeError(f"module 'reskontro' has no attribute {name!r}")


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
