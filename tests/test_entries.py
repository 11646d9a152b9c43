"""Entries: immutable lines on a sub-account, every kind, both sides, the sign convention."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import (
    DEFAULT_ACCOUNTS,
    Entry,
    EntryKind,
    InvalidAmountError,
    InvalidEntryError,
    Money,
    ReskontroError,
    Side,
    SubAccount,
    WrongSignError,
)
from reskontro.testing import entries, expected_sign

D = date(2026, 1, 5)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


#: Named constructor, kind, sign on the customer ledger, sign on the supplier ledger.
CONSTRUCTORS: list[tuple[str, EntryKind, int, int]] = [
    ("invoice", EntryKind.INVOICE, 1, -1),
    ("credit_note", EntryKind.CREDIT_NOTE, -1, 1),
    ("payment", EntryKind.PAYMENT, -1, 1),
    ("refund", EntryKind.REFUND, 1, -1),
    ("reminder_fee", EntryKind.REMINDER_FEE, 1, -1),
    ("interest", EntryKind.INTEREST, 1, -1),
    ("write_off", EntryKind.WRITE_OFF, -1, 1),
    ("discount", EntryKind.DISCOUNT, -1, 1),
    ("tolerance", EntryKind.TOLERANCE, 0, 0),
    ("manual", EntryKind.MANUAL, 0, 0),
]


def build(name: str, amount: Money, **fields: Any) -> Entry:
    constructor: Callable[..., Entry] = getattr(Entry, name)
    return constructor("E-1", party="10001", amount=amount, posted=D, **fields)


@pytest.mark.parametrize(("name", "kind", "customer", "supplier"), CONSTRUCTORS)
@pytest.mark.parametrize("side", list(Side))
def test_named_constructor_accepts_the_right_sign(
    name: str, kind: EntryKind, customer: int, supplier: int, side: Side
) -> None:
    """Each named constructor builds its kind with the sign its side demands."""
    sign = customer if side is Side.RECEIVABLE else supplier
    amount = nok("-125.50") if sign < 0 else nok("125.50")
    entry = build(name, amount, side=side)
    assert entry.kind is kind
    assert entry.side is side
    assert entry.amount == amount
    assert entry.amount_local == amount
    assert entry.account == DEFAULT_ACCOUNTS[side]
    assert entry.sub_account == SubAccount(side, "10001", DEFAULT_ACCOUNTS[side])


@pytest.mark.parametrize(
    ("name", "kind", "customer", "supplier"), [c for c in CONSTRUCTORS if c[2] != 0]
)
@pytest.mark.parametrize("side", list(Side))
def test_named_constructor_refuses_the_wrong_sign(
    name: str, kind: EntryKind, customer: int, supplier: int, side: Side
) -> None:
    """A wrong sign is a WrongSignError naming entry, field and value, never a silent flip."""
    sign = customer if side is Side.RECEIVABLE else supplier
    wrong = nok("125.50") if sign < 0 else nok("-125.50")
    with pytest.raises(WrongSignError, match=f"{side.label} ledger must be") as info:
        build(name, wrong, side=side)
    error = info.value
    assert (error.entry_id, error.field, error.value) == ("E-1", "amount", wrong)
    assert isinstance(error, InvalidEntryError)
    assert isinstance(error, ValueError)
    assert isinstance(error, ReskontroError)


@pytest.mark.parametrize("name", ["tolerance", "manual"])
@pytest.mark.parametrize("amount", ["-0.40", "0.40", "0"])
def test_tolerance_and_manual_take_either_sign(name: str, amount: str) -> None:
    """Tolerance and manual entries may be debit, credit or zero on both sides."""
    for side in Side:
        assert build(name, nok(amount), side=side).amount == nok(amount)


@pytest.mark.parametrize(("name", "kind", "customer", "supplier"), CONSTRUCTORS)
def test_zero_amount_is_allowed_for_every_kind(
    name: str, kind: EntryKind, customer: int, supplier: int
) -> None:
    """Zero fits every sign rule (e.g. a zero invoice that is later closed alone)."""
    assert build(name, nok("0")).amount.is_zero


def test_customer_sign_convention_examples() -> None:
    """Customer ledger: invoice +, credit note -, payment -, refund +."""
    assert build("invoice", nok("100")).is_debit
    assert build("credit_note", nok("-100")).is_credit
    assert build("payment", nok("-100")).is_credit
    assert build("refund", nok("100")).is_debit


def test_supplier_sign_convention_examples() -> None:
    """Supplier ledger: supplier invoice -, supplier credit note +, our payment +."""
    supplier = {"side": Side.PAYABLE}
    assert build("invoice", nok("-100"), **supplier).is_credit
    assert build("credit_note", nok("100"), **supplier).is_debit
    assert build("payment", nok("100"), **supplier).is_debit


def test_wrong_sign_message_is_grammatical() -> None:
    """The wrong-sign message of an invoice says 'an invoice'."""
    with pytest.raises(WrongSignError, match="an invoice on the supplier ledger"):
        build("invoice", nok("5"), side=Side.PAYABLE)


def test_fx_gain_and_loss_carry_a_local_amount_only() -> None:
    """Agio is positive and disagio negative in local currency, zero in the currency."""
    gain = Entry.fx_gain("A-1", party="1", amount_local=nok("500"), currency="EUR", posted=D)
    loss = Entry.fx_loss("A-2", party="1", amount_local=nok("-200"), currency="EUR", posted=D)
    assert (gain.kind, gain.amount, gain.amount_local) == (
        EntryKind.FX_GAIN, Money("0", "EUR"), nok("500"),
    )
    assert (loss.kind, loss.amount, loss.amount_local) == (
        EntryKind.FX_LOSS, Money("0", "EUR"), nok("-200"),
    )
    supplier_gain = Entry.fx_gain(
        "A-3", party="1", amount_local=nok("5"), currency="EUR", posted=D, side=Side.PAYABLE
    )
    assert supplier_gain.amount_local == nok("5")


def test_fx_gain_and_loss_refuse_the_wrong_sign() -> None:
    """A negative agio or a positive disagio is a WrongSignError on either side."""
    for side in Side:
        with pytest.raises(WrongSignError):
            Entry.fx_gain(
                "A-1", party="1", amount_local=nok("-1"), currency="EUR", posted=D, side=side
            )
        with pytest.raises(WrongSignError):
            Entry.fx_loss(
                "A-2", party="1", amount_local=nok("1"), currency="EUR", posted=D, side=side
            )


def test_defaults_of_named_constructors() -> None:
    """Customer side, account 1500, local amount = amount, document date = posting date."""
    entry = Entry.invoice("F-1", party="10001", amount=nok("100"), posted=D)
    assert entry.side is Side.RECEIVABLE
    assert entry.account == "1500"
    assert entry.amount_local == entry.amount
    assert entry.document_date == D
    assert entry.due is None
    assert entry.document_no is None
    assert entry.reference is None
    assert entry.text == ""
    assert (entry.disputed, entry.factored, entry.excluded_from_collection) == (False, False, False)
    assert entry.reverses is None


def test_supplier_entries_default_to_account_2400() -> None:
    """The supplier ledger's default control account is 2400 Leverandørgjeld."""
    entry = Entry.invoice("LF-1", party="20001", side=Side.PAYABLE, amount=nok("-8000"), posted=D)
    assert entry.account == "2400"
    assert entry.sub_account == SubAccount(Side.PAYABLE, "20001", "2400")


def test_all_fields_are_kept() -> None:
    """Every optional field given is kept as given."""
    entry = Entry.invoice(
        "F-1", party="10001", amount=nok("1250"), posted=D, account="1510",
        document_date=date(2026, 1, 3), due=date(2026, 1, 19), document_no="1001",
        reference="0036633", text="Consulting", disputed=True, factored=True,
        excluded_from_collection=True,
    )
    assert entry.account == "1510"
    assert entry.document_date == date(2026, 1, 3)
    assert entry.due == date(2026, 1, 19)
    assert entry.document_no == "1001"
    assert entry.text == "Consulting"
    assert (entry.disputed, entry.factored, entry.excluded_from_collection) == (True, True, True)


@pytest.mark.parametrize("flag", ["disputed", "factored", "excluded_from_collection"])
def test_each_flag_is_independent(flag: str) -> None:
    """Setting one flag leaves the others off."""
    entry = Entry.invoice("F-1", party="1", amount=nok("1"), posted=D, **{flag: True})  # type: ignore[misc]
    flags = {
        name: getattr(entry, name) for name in ("disputed", "factored", "excluded_from_collection")
    }
    assert flags == {name: name == flag for name in flags}


@pytest.mark.parametrize("reference", ["0036633", "000000000018", "1000005-"])
def test_reference_is_a_string_with_leading_zeros_kept(reference: str) -> None:
    """A KID is a string: leading zeros (and MOD11's '-') survive."""
    entry = Entry.payment("P-1", party="1", amount=nok("-1"), posted=D, reference=reference)
    assert entry.reference == reference


def test_numeric_reference_is_refused() -> None:
    """A KID given as an int is refused (it would lose its leading zeros)."""
    with pytest.raises(InvalidEntryError, match="reference must be a string") as info:
        Entry.payment("P-1", party="1", amount=nok("-1"), posted=D, reference=36633)  # type: ignore[arg-type]
    assert (info.value.entry_id, info.value.field, info.value.value) == ("P-1", "reference", 36633)


def test_entry_is_immutable() -> None:
    """Entries are frozen; attrs.evolve makes a new one and leaves the original."""
    entry = Entry.invoice("F-1", party="1", amount=nok("100"), posted=D)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entry.amount = nok("200")  # type: ignore[misc]
    changed = attrs.evolve(entry, text="changed")
    assert entry.text == ""
    assert changed.text == "changed"
    assert changed.sub_account == entry.sub_account


def test_entries_are_hashable_values() -> None:
    """Equal entries are equal and hash alike; they can go in sets."""
    a = Entry.invoice("F-1", party="1", amount=nok("100"), posted=D)
    b = Entry.invoice("F-1", party="1", amount=nok("100.00"), posted=D)
    assert a == b
    assert len({a, b}) == 1


def test_repr_is_valid_python() -> None:
    """An entry's repr evaluates back to an equal entry."""
    entry = Entry.payment(
        "P-1", party="1", amount=Money("-100", "EUR"), amount_local=nok("-1150"), posted=D,
        reference="0036633", due=date(2026, 2, 1), disputed=True, text="x",
    )
    namespace = {
        "Entry": Entry, "Side": Side, "EntryKind": EntryKind, "Money": Money,
        "datetime": datetime,
    }
    assert eval(repr(entry), namespace) == entry


def test_foreign_entry_carries_both_amounts() -> None:
    """A EUR invoice keeps EUR 1000 and its NOK 11000 at the posting rate."""
    entry = Entry.invoice(
        "F-1", party="1", amount=Money("1000", "EUR"), amount_local=nok("11000"), posted=D
    )
    assert entry.currency == "EUR"
    assert entry.amount == Money("1000", "EUR")
    assert entry.amount_local == nok("11000")


def test_local_and_foreign_amounts_of_opposite_sign_are_refused() -> None:
    """EUR +5 booked as NOK -5 is a WrongSignError on amount_local."""
    with pytest.raises(WrongSignError, match="opposite signs") as info:
        Entry.invoice("X", party="1", amount=Money("5", "EUR"), amount_local=nok("-5"), posted=D)
    assert (info.value.entry_id, info.value.field) == ("X", "amount_local")


def test_same_currency_amounts_must_agree() -> None:
    """In one currency, amount_local must equal amount."""
    with pytest.raises(InvalidEntryError, match="differs from amount") as info:
        Entry.invoice("X", party="1", amount=nok("5"), amount_local=nok("6"), posted=D)
    assert info.value.field == "amount_local"


def test_invoice_of_zero_foreign_with_local_amount_is_refused() -> None:
    """Only FX, tolerance and manual entries may carry a local amount alone."""
    with pytest.raises(InvalidEntryError, match="cannot carry") as info:
        Entry.invoice("X", party="1", amount=Money("0", "EUR"), amount_local=nok("5"), posted=D)
    assert info.value.entry_id == "X"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("posted", "2026-01-05"),
        ("posted", datetime.datetime(2026, 1, 5, 12, 0)),  # noqa: DTZ001 - a naive datetime is the bad input
        ("document_date", "2026-01-05"),
        ("due", "2026-02-01"),
        ("party", ""),
        ("party", 10001),
        ("account", ""),
        ("document_no", 1001),
        ("text", 5),
        ("disputed", 1),
        ("factored", "yes"),
        ("excluded_from_collection", None),
        ("side", "receivable"),
        ("kind", "invoice"),
        ("amount", 100),
        ("amount_local", "100"),
    ],
)
def test_fields_of_the_wrong_type_are_refused(field: str, value: object) -> None:
    """A missing or mistyped field is an InvalidEntryError naming the field and the value."""
    fields: dict[str, Any] = {
        "id": "E-1", "side": Side.RECEIVABLE, "party": "1", "account": "1500",
        "kind": EntryKind.INVOICE, "amount": nok("100"), "amount_local": nok("100"),
        "posted": D, "document_date": D,
    }
    fields[field] = value
    with pytest.raises(InvalidEntryError) as info:
        Entry(**fields)
    assert info.value.field == field
    assert info.value.value == value
    assert info.value.entry_id == "E-1"


@pytest.mark.parametrize("entry_id", ["", 7, None])
def test_entry_id_must_be_a_non_empty_string(entry_id: object) -> None:
    """The id is required and a string."""
    with pytest.raises(InvalidEntryError) as info:
        Entry.invoice(entry_id, party="1", amount=nok("1"), posted=D)  # type: ignore[arg-type]
    assert info.value.field == "id"


def test_float_amount_cannot_even_be_built() -> None:
    """A float amount is refused when the Money is built, before any entry exists."""
    with pytest.raises(InvalidAmountError, match="float"):
        Entry.invoice("F-1", party="1", amount=Money(100.0, "NOK"), posted=D)  # type: ignore[arg-type]


def test_due_before_document_date_is_refused() -> None:
    """A due date before the document date is an InvalidEntryError on 'due'."""
    with pytest.raises(InvalidEntryError, match="before the document date") as info:
        Entry.invoice("F-1", party="1", amount=nok("1"), posted=D, due=date(2026, 1, 4))
    assert (info.value.entry_id, info.value.field, info.value.value) == (
        "F-1", "due", date(2026, 1, 4),
    )


def test_is_overdue_uses_the_original_due_date() -> None:
    """An entry is overdue the day after its due date, not on it."""
    entry = Entry.invoice("F-1", party="1", amount=nok("1"), posted=D, due=date(2026, 1, 19))
    assert not entry.is_overdue(date(2026, 1, 19))
    assert entry.is_overdue(date(2026, 1, 20))
    undated = Entry.invoice("F-2", party="1", amount=nok("1"), posted=D)
    assert not undated.is_overdue(date(2030, 1, 1))


def test_reversed_entry_is_the_opposite() -> None:
    """reversed() keeps kind and sub-account, negates both amounts and points back."""
    entry = Entry.invoice(
        "F-1", party="1", amount=Money("100", "EUR"), amount_local=nok("1150"), posted=D,
        due=date(2026, 2, 1),
    )
    storno = entry.reversed("F-1-R", posted=date(2026, 2, 3))
    assert storno.id == "F-1-R"
    assert storno.kind is EntryKind.INVOICE
    assert storno.amount == Money("-100", "EUR")
    assert storno.amount_local == nok("-1150")
    assert storno.reverses == "F-1"
    assert storno.posted == date(2026, 2, 3)
    assert storno.due is None
    assert storno.sub_account == entry.sub_account
    assert storno.text == "Reversal of F-1"


def test_reversal_inverts_the_sign_rule() -> None:
    """A counter-entry with the kind's normal sign is refused."""
    with pytest.raises(WrongSignError, match=r"reversal of an? invoice"):
        Entry(
            id="F-1-R", side=Side.RECEIVABLE, party="1", account="1500", kind=EntryKind.INVOICE,
            amount=nok("100"), amount_local=nok("100"), posted=D, document_date=D, reverses="F-1",
        )


def test_sub_account_is_a_public_sortable_key() -> None:
    """SubAccount is hashable, ordered by (side, party, account) and has a Python repr."""
    a = SubAccount(Side.PAYABLE, "20001", "2400")
    b = SubAccount(Side.RECEIVABLE, "10001", "1500")
    c = SubAccount(Side.RECEIVABLE, "10001", "1510")
    assert sorted([c, b, a]) == [a, b, c]
    assert {a: 1}[SubAccount(Side.PAYABLE, "20001", "2400")] == 1
    assert repr(a) == "SubAccount(side=Side.PAYABLE, party='20001', account='2400')"
    assert eval(repr(a), {"SubAccount": SubAccount, "Side": Side}) == a
    assert str(b) == "customer 10001 / 1500"


def test_enums_round_trip_through_their_values() -> None:
    """Side, EntryKind are built from their string values."""
    assert Side("payable") is Side.PAYABLE
    assert EntryKind("credit_note") is EntryKind.CREDIT_NOTE
    assert EntryKind.REMINDER_FEE.label == "reminder fee"
    assert Side.RECEIVABLE.label == "customer"


@given(entries(foreign_currencies=("EUR", "JPY", "BHD")))
def test_generated_entries_follow_the_sign_table(entry: Entry) -> None:
    """Every entry the public strategy makes has the sign its kind and side demand."""
    sign = expected_sign(entry.kind, entry.side)
    value = entry.amount.amount or entry.amount_local.amount
    assert sign == 0 or value == 0 or (value > 0) == (sign > 0)
    assert entry.amount_local.currency == "NOK"


@given(
    st.sampled_from(list(EntryKind)), st.sampled_from(list(Side)), st.integers(1, 10**9)
)
def test_the_opposite_sign_is_always_refused(kind: EntryKind, side: Side, units: int) -> None:
    """For every kind with a sign rule and both sides, the opposite sign raises WrongSignError."""
    sign = expected_sign(kind, side)
    amount = Money.of_minor(units if sign >= 0 else -units, "NOK")
    unrealized = (EntryKind.FX_UNREALIZED_GAIN, EntryKind.FX_UNREALIZED_LOSS)
    extra = {"revalues": "F-1"} if kind in unrealized else {}
    Entry.of_kind(kind, "E-1", party="1", amount=amount, posted=D, side=side, **extra)
    if sign != 0:
        with pytest.raises(WrongSignError):
            Entry.of_kind(kind, "E-1", party="1", amount=-amount, posted=D, side=side, **extra)


def test_entry_stores_decimals_and_gives_money_back() -> None:
    """An entry keeps value/currency and value_local/local_currency; amount is Money again."""
    entry = Entry.invoice(
        "E-1", party="1", amount=Money("10", "EUR"), amount_local=Money("115.50", "NOK"),
        posted=date(2026, 1, 2),
    )
    assert (entry.value, entry.currency) == (Decimal("10.00"), "EUR")
    assert (entry.value_local, entry.local_currency) == (Decimal("115.50"), "NOK")
    assert entry.amount == Money("10", "EUR")
    assert entry.amount_local == Money("115.50", "NOK")


def test_evolve_with_a_new_amount_moves_the_local_amount_of_a_local_entry() -> None:
    """attrs.evolve(entry, amount=...) on a local-currency entry changes both amounts."""
    entry = Entry.invoice("F-1", party="1", amount=Money("10", "NOK"), posted=date(2026, 1, 2))
    changed = attrs.evolve(entry, amount=Money("20", "NOK"))
    assert changed.amount_local == Money("20", "NOK")
    assert entry.amount == Money("10", "NOK")


def test_evolve_of_a_foreign_entry_keeps_its_local_amount() -> None:
    """attrs.evolve of a foreign-currency entry keeps amount_local unless it is given."""
    entry = Entry.invoice(
        "E-1", party="1", amount=Money("10", "EUR"), amount_local=Money("115.50", "NOK"),
        posted=date(2026, 1, 2),
    )
    assert attrs.evolve(entry, text="x").amount_local == Money("115.50", "NOK")
    assert attrs.evolve(
        entry, amount=Money("20", "EUR"), amount_local=Money("231", "NOK")
    ).amount_local == Money("231", "NOK")


# -- booking with a rate ------------------------------------------------------


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def test_a_rate_alone_books_the_local_amount() -> None:
    """EUR 1 234.56 x 11.4567 = 13 580.16 + 563.823552 = NOK 14 143.983552 -> 14 143.98."""
    entry = Entry.invoice("F-1", party="1", amount=eur("1234.56"), rate=Decimal("11.4567"),
                          local_currency="NOK", posted=D)
    assert (entry.amount_local, entry.rate) == (nok("14143.98"), Decimal("11.4567"))
    # a string rate is parsed exactly; the supplier side keeps the sign: -EUR 100 x 11.5
    supplier = Entry.invoice("LF-1", party="2", side=Side.PAYABLE, amount=eur("-100"),
                             rate="11.5", local_currency="NOK", posted=D)  # type: ignore[arg-type]
    assert supplier.amount_local == nok("-1150")
    # the half-way case rounds half to even, as RateTable.to_local does:
    # EUR 0.05 x 10.1 = 0.505 -> 0.50; EUR 0.15 x 10.1 = 1.515 -> 1.52
    assert Entry.payment("P-1", party="1", amount=eur("-0.05"), rate=Decimal("10.1"),
                         local_currency="NOK", posted=D).amount_local == nok("-0.50")
    assert Entry.payment("P-2", party="1", amount=eur("-0.15"), rate=Decimal("10.1"),
                         local_currency="NOK", posted=D).amount_local == nok("-1.52")
    # SEK 1 000 x 0.98765 = NOK 987.65 exactly
    assert Entry.invoice("F-2", party="1", amount=Money("1000", "SEK"),
                         rate=Decimal("0.98765"), local_currency="NOK",
                         posted=D).amount_local == nok("987.65")


def test_the_plain_constructor_books_with_a_rate_too() -> None:
    entry = Entry(id="J-1", side=Side.RECEIVABLE, party="1", account="1500",
                  kind=EntryKind.MANUAL, amount=eur("-10"), rate=Decimal("11.25"),
                  local_currency="NOK", posted=D, document_date=D)
    assert entry.amount_local == nok("-112.50")  # EUR -10 x 11.25


def test_a_rate_booked_entry_posts_and_reads_back() -> None:
    """A rate-booked entry posts to a NOK ledger and survives serialization unchanged."""
    from reskontro import Ledger

    entry = Entry.invoice("F-1", party="1", amount=eur("1000"), rate=Decimal("11.20"),
                          local_currency="NOK", posted=D)
    ledger = Ledger("NOK").post(entry)
    assert ledger.item("F-1").remaining_local == nok("11200")
    assert Ledger.from_dict(ledger.to_dict()).entry("F-1") == entry


def test_a_rate_that_agrees_with_the_local_amount_is_kept() -> None:
    """NOK 14 143.98 lies within half an øre of EUR 1 234.56 x 11.4567 = 14 143.983552."""
    entry = Entry.invoice("F-1", party="1", amount=eur("1234.56"), amount_local=nok("14143.98"),
                          rate=Decimal("11.4567"), posted=D)
    assert entry.rate == Decimal("11.4567")
    # either half-rounding of an exact tie agrees: EUR 0.05 x 10.1 = 0.505 -> 0.50 or 0.51
    for booked in ("0.50", "0.51"):
        Entry.invoice("F-2", party="1", amount=eur("0.05"), amount_local=nok(booked),
                      rate=Decimal("10.1"), posted=D)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        # EUR 1 000 at 11 is NOK 11 000, not 11 500
        ({"amount_local": nok("11500"), "rate": Decimal("11")}, "amount_local",
         "does not agree with"),
        # 14 143.99 is 0.006448 from 14 143.983552: more than half an øre
        ({"amount": eur("1234.56"), "amount_local": nok("14143.99"),
          "rate": Decimal("11.4567")}, "amount_local", "does not agree with"),
        # no local currency to book into: the local amount would stay in EUR
        ({"rate": Decimal("11")}, "rate", "without knowing the local currency"),
        # a rate on an amount already in the local currency must be 1
        ({"amount": nok("1000"), "rate": Decimal("11"), "local_currency": "NOK"}, "rate",
         "already in the local currency"),
        ({"amount": nok("1000"), "amount_local": nok("1000"), "rate": Decimal("11")}, "rate",
         "already in the local currency"),
        # a foreign amount with a local currency but no way to convert it
        ({"local_currency": "NOK"}, "amount_local", "is not in the local currency NOK"),
        ({"amount_local": nok("11000"), "local_currency": "SEK"}, "amount_local",
         "is not in the local currency SEK"),
        ({"rate": Decimal("11"), "local_currency": "XYZ"}, "local_currency",
         "must be a currency code"),
        ({"rate": Decimal("-11"), "local_currency": "NOK"}, "rate", "positive"),
        ({"rate": Decimal("0"), "local_currency": "NOK"}, "rate", "positive"),
    ],
)
def test_an_inconsistent_rate_is_refused(kwargs: dict[str, Any], field: str, message: str) -> None:
    """Clear error naming the entry, the field and the value; the ledger is left as it was."""
    from reskontro import Ledger

    ledger = Ledger("NOK").post(Entry.invoice("F-0", party="1", amount=nok("5"), posted=D))
    before = ledger.to_dict()
    amount = kwargs.pop("amount", eur("1000"))
    with pytest.raises(InvalidEntryError, match=message) as caught:
        ledger = ledger.post(Entry.invoice("F-1", party="1", amount=amount, posted=D, **kwargs))
    assert (caught.value.entry_id, caught.value.field) == ("F-1", field)
    assert ledger.to_dict() == before


def test_the_plain_constructor_refuses_an_inconsistent_rate() -> None:
    with pytest.raises(InvalidEntryError, match="does not agree") as caught:
        Entry(id="J-1", side=Side.RECEIVABLE, party="1", account="1500", kind=EntryKind.MANUAL,
              amount=eur("10"), amount_local=nok("120"), rate=Decimal("11"), posted=D,
              document_date=D)
    assert (caught.value.entry_id, caught.value.field) == ("J-1", "amount_local")
    with pytest.raises(InvalidEntryError, match="local currency"):
        Entry(id="J-2", side=Side.RECEIVABLE, party="1", account="1500", kind=EntryKind.MANUAL,
              amount=eur("10"), rate=Decimal("11"), posted=D, document_date=D)


def test_rates_and_a_different_local_currency_are_refused() -> None:
    from reskontro.rates import RateTable

    rates = RateTable("NOK", [("EUR", D, "11")])
    with pytest.raises(InvalidEntryError, match="not the rate table's") as caught:
        Entry.invoice("F-1", party="1", amount=eur("1"), posted=D, rates=rates,
                      local_currency="SEK")
    assert caught.value.field == "local_currency"


def test_reversal_and_evolve_keep_a_rate_booked_entry_consistent() -> None:
    entry = Entry.invoice("F-1", party="1", amount=eur("1234.56"), rate=Decimal("11.4567"),
                          local_currency="NOK", posted=D)
    storno = entry.reversed("F-1-R", posted=D)
    assert (storno.amount_local, storno.rate) == (nok("-14143.98"), Decimal("11.4567"))
    assert attrs.evolve(entry, text="x").amount_local == nok("14143.98")


@given(
    st.integers(-10**9, 10**9).filter(bool),
    st.integers(1, 10**7),
    st.sampled_from(["EUR", "USD", "SEK", "JPY"]),
)
def test_a_rate_booked_amount_is_the_rounded_product(
    minor: int, rate_units: int, code: str
) -> None:
    """amount_local is amount x rate rounded to øre, and is accepted back with the same rate."""
    from reskontro.currency import quantum

    amount = Money(Decimal(minor) * quantum(code), code)
    rate = Decimal(rate_units) / 10**5
    entry = Entry.manual("J-1", party="1", amount=amount, rate=rate, local_currency="NOK",
                         posted=D)
    assert entry.amount_local.currency == "NOK"
    assert abs(entry.amount_local.amount - amount.amount * rate) <= Decimal("0.005")
    again = Entry.manual("J-1", party="1", amount=amount, amount_local=entry.amount_local,
                         rate=rate, posted=D)
    assert again == entry
