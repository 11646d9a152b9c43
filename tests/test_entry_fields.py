"""Entry fields for bank identity and links, and validation through every door.

``end_to_end_id``, ``payer_account`` and ``applies_to`` are real, optional
fields; the plain constructor and ``attrs.evolve`` check every field as the
named constructors do.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reskontro import (
    Entry,
    EntryKind,
    InvalidEntryError,
    Ledger,
    Money,
    ReskontroError,
    Side,
)
from reskontro.entries import MAX_LINK_LENGTH
from reskontro.exceptions import InvalidAmountError, InvalidRateError, UnknownCurrencyError
from reskontro.serialization import (
    entry_from_dict,
    entry_to_dict,
    ledger_from_dict,
    ledger_to_dict,
)

D = date(2026, 1, 5)
LINKS = ("end_to_end_id", "payer_account", "applies_to")


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def payment(**fields: Any) -> Entry:
    return Entry.payment("P-1", party="10001", amount=nok("-500"), posted=D, **fields)


# -- the fields -----------------------------------------------------------------


def test_the_fields_default_to_none() -> None:
    entry = Entry.invoice("F-1", party="1", amount=nok("10"), posted=D)
    assert (entry.end_to_end_id, entry.payer_account, entry.applies_to) == (None, None, None)


def test_named_and_plain_constructors_take_the_fields() -> None:
    named = payment(end_to_end_id="E2E-42", payer_account="15038812345",
                    applies_to="F-1001", text="Faktura 1001")
    assert (named.end_to_end_id, named.payer_account, named.applies_to) == (
        "E2E-42", "15038812345", "F-1001")
    # nothing leaks into the other fields
    assert (named.document_no, named.text) == (None, "Faktura 1001")
    plain = Entry(id="P-1", side=Side.RECEIVABLE, party="10001", account="1500",
                  kind=EntryKind.PAYMENT, amount=nok("-500"), posted=D, document_date=D,
                  end_to_end_id="E2E-42", payer_account="15038812345", applies_to="F-1001",
                  text="Faktura 1001")
    assert plain == named
    credit = Entry.credit_note("K-1", party="1", amount=nok("-100"), posted=D,
                               applies_to="F-1")
    assert credit.applies_to == "F-1"


@pytest.mark.parametrize("name", LINKS)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "non-blank string"),
        ("   ", "non-blank string"),
        (5, "non-blank string"),
        (b"E2E", "non-blank string"),
        ("x" * (MAX_LINK_LENGTH + 1), f"at most {MAX_LINK_LENGTH} characters"),
    ],
)
def test_a_bad_field_is_refused_naming_it(name: str, value: object, message: str) -> None:
    with pytest.raises(InvalidEntryError, match=message) as caught:
        payment(**{name: value})
    assert (caught.value.entry_id, caught.value.field, caught.value.value) == ("P-1", name, value)
    assert len(str(caught.value)) < 200
    base = payment()
    with pytest.raises(InvalidEntryError, match=message):
        attrs.evolve(base, **{name: value})


def test_the_longest_field_is_accepted() -> None:
    longest = "x" * MAX_LINK_LENGTH
    assert payment(end_to_end_id=longest).end_to_end_id == longest


def test_applies_to_never_names_the_entry_itself() -> None:
    with pytest.raises(InvalidEntryError, match="names the entry itself") as caught:
        payment(applies_to="P-1")
    assert caught.value.field == "applies_to"
    linked = payment(applies_to="F-1")
    with pytest.raises(InvalidEntryError, match="names the entry itself"):
        attrs.evolve(linked, id="F-1")


def test_a_reversal_keeps_the_fields() -> None:
    entry = payment(end_to_end_id="E2E-42", payer_account="15038812345", applies_to="F-1")
    storno = entry.reversed("P-1-R", posted=D)
    assert (storno.end_to_end_id, storno.payer_account, storno.applies_to) == (
        "E2E-42", "15038812345", "F-1")
    assert storno.reverses == "P-1"


def test_repr_shows_the_fields_and_evaluates_back() -> None:
    from reskontro import EntryKind as EntryKind_
    from reskontro import Money as Money_
    from reskontro import Side as Side_

    entry = payment(end_to_end_id="E2E-42", payer_account="15038812345", applies_to="F-1")
    text = repr(entry)
    assert "end_to_end_id='E2E-42'" in text
    assert "applies_to='F-1'" in text
    namespace = {"Entry": Entry, "EntryKind": EntryKind_, "Money": Money_, "Side": Side_,
                 "datetime": __import__("datetime"), "Decimal": Decimal}
    assert eval(text, namespace) == entry  # the point of the test
    assert "end_to_end_id" not in repr(payment())


def test_serialization_round_trips_the_fields() -> None:
    entry = payment(end_to_end_id="E2E-42", payer_account="15038812345", applies_to="F-1")
    data = entry_to_dict(entry)
    assert (data["end_to_end_id"], data["payer_account"], data["applies_to"]) == (
        "E2E-42", "15038812345", "F-1")
    assert entry_from_dict(json.loads(json.dumps(data))) == entry
    # absent when not set: a version-1 file written before the fields reads as before
    plain = entry_to_dict(payment())
    assert not set(LINKS) & plain.keys()
    assert entry_from_dict(plain) == payment()


def test_a_ledger_file_without_the_fields_still_loads() -> None:
    ledger = (
        Ledger("NOK")
        .post(Entry.invoice("F-1", party="10001", amount=nok("500"), posted=D))
        .post(payment(end_to_end_id="E2E-42", applies_to="F-1"))
    )
    document = json.loads(json.dumps(ledger_to_dict(ledger)))
    assert document["version"] == 1
    assert ledger_from_dict(document) == ledger
    for event in document["events"]:
        for name in LINKS:
            event.get("entry", {}).pop(name, None)
    old = ledger_from_dict(document)
    assert old.entry("P-1").end_to_end_id is None
    assert old.entry("P-1").applies_to is None


def test_a_bad_field_in_a_file_names_its_path() -> None:
    from reskontro.exceptions import SerializationError

    data = entry_to_dict(payment())
    data["payer_account"] = 42
    with pytest.raises(SerializationError, match="payer_account"):
        entry_from_dict(data)
    data["payer_account"] = ""
    with pytest.raises(SerializationError, match="payer_account"):
        entry_from_dict(data)


# -- validation through every door (the plain constructor and attrs.evolve) ---------


def booked() -> Entry:
    return Entry.invoice("F-1", party="1", amount=eur("100"), rate=Decimal("11.5"),
                         local_currency="NOK", posted=D)


@pytest.mark.parametrize(
    ("rate", "error"),
    [
        (Decimal("1E+10"), InvalidRateError),
        (Decimal("1E-10"), InvalidRateError),
        (Decimal("11.50000000000001"), InvalidRateError),
        (Decimal("0"), InvalidEntryError),
        (Decimal("-11.5"), InvalidEntryError),
        (Decimal("NaN"), InvalidEntryError),
        (Decimal("Infinity"), InvalidEntryError),
        ("11.5", InvalidEntryError),
        (11.5, InvalidEntryError),
    ],
)
def test_rates_are_bounded_on_every_path(rate: object, error: type[Exception]) -> None:
    """The plain constructor and attrs.evolve refuse a rate as the named constructors do."""
    with pytest.raises(error) as caught:
        attrs.evolve(booked(), rate=rate)
    assert isinstance(caught.value, ReskontroError)
    assert caught.value.field == "rate"
    with pytest.raises(error):
        Entry(id="J-1", side=Side.RECEIVABLE, party="1", account="1500", kind=EntryKind.MANUAL,
              amount=eur("10"), rate=rate, local_currency="NOK",  # type: ignore[arg-type]
              posted=D, document_date=D)


def test_named_constructors_refuse_rates_out_of_bounds_and_non_ascii_digits() -> None:
    with pytest.raises(InvalidRateError):
        Entry.invoice("F-1", party="1", amount=eur("1"), rate=Decimal("1E+12"),
                      local_currency="NOK", posted=D)
    with pytest.raises(InvalidAmountError, match="ASCII"):
        Entry.invoice("F-1", party="1", amount=eur("1"), rate="١١٫٥",  # type: ignore[arg-type]
                      local_currency="NOK", posted=D)


def test_evolve_keeps_a_rate_and_its_amounts_in_agreement() -> None:
    entry = booked()
    with pytest.raises(InvalidEntryError, match="does not agree") as caught:
        attrs.evolve(entry, rate=Decimal("12"))
    assert caught.value.field == "amount_local"
    with pytest.raises(InvalidEntryError, match="does not agree"):
        attrs.evolve(entry, amount=eur("200"))
    moved = attrs.evolve(entry, amount=eur("200"), amount_local=nok("2300"))
    assert (moved.amount_local, moved.rate) == (nok("2300.00"), Decimal("11.5"))
    assert attrs.evolve(entry, rate=Decimal("11.50")).rate == Decimal("11.50")
    local = Entry.invoice("F-2", party="1", amount=nok("10"), posted=D)
    with pytest.raises(InvalidEntryError, match="rate is 1"):
        attrs.evolve(local, rate=Decimal("2"))


def test_evolve_refuses_a_local_amount_outside_the_local_currency() -> None:
    local = Entry.invoice("F-2", party="1", amount=nok("10"), posted=D)
    with pytest.raises(InvalidEntryError, match="not in the local currency NOK") as caught:
        attrs.evolve(local, amount_local=eur("1"))
    assert caught.value.field == "amount_local"
    with pytest.raises(InvalidEntryError, match="not in the local currency NOK"):
        attrs.evolve(booked(), amount_local=Money("1150", "SEK"))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"value": Decimal("1E+18")}, InvalidAmountError),
        ({"value": Decimal("1.234")}, InvalidAmountError),
        ({"value": "١٢"}, InvalidAmountError),
        ({"value": 1.5}, InvalidAmountError),
        ({"value": Decimal("NaN")}, InvalidAmountError),
        ({"currency": "XYZ"}, UnknownCurrencyError),
        ({"currency": "nok"}, UnknownCurrencyError),
        ({"local_currency": "XYZ"}, UnknownCurrencyError),
        ({"amount": Money("1", "JPY"), "amount_local": Money("0.5", "NOK"),
          "value_local": Decimal("0.5"), "local_currency": "JPY"}, InvalidEntryError),
    ],
)
def test_evolve_refuses_bad_amounts_and_currencies(
    changes: dict[str, Any], error: type[Exception]
) -> None:
    for base in (Entry.invoice("F-2", party="1", amount=nok("10"), posted=D), booked()):
        with pytest.raises(error):
            attrs.evolve(base, **changes)
    with pytest.raises(InvalidAmountError):
        attrs.evolve(booked(), value_local=Decimal("1E+18"))
    with pytest.raises(InvalidAmountError):
        attrs.evolve(booked(), value_local=Decimal("0.001"))


#: Changes that every door must refuse, with a ReskontroError.
BAD: dict[str, st.SearchStrategy[Any]] = {
    "id": st.sampled_from(["", 5, None, b"F"]),
    "party": st.sampled_from(["", 7, None]),
    "account": st.sampled_from(["", 1500, None]),
    "side": st.sampled_from(["receivable", 1, None]),
    "kind": st.sampled_from(["invoice", None]),
    "posted": st.sampled_from(["2026-01-05", None, 20260105]),
    "document_date": st.sampled_from(["2026-01-05", None]),
    "due": st.sampled_from(["2026-02-01", date(2025, 1, 1)]),
    "value": st.one_of(
        st.decimals(min_value=Decimal("1E+18"), max_value=Decimal("1E+30"), places=0),
        st.sampled_from([Decimal("0.001"), 1.5, "١٢", "１２", Decimal("NaN"), "x", True]),
    ),
    "currency": st.sampled_from(["XYZ", "nok", "", 5]),
    "rate": st.one_of(
        st.decimals(min_value=Decimal("1E+9") + 1, max_value=Decimal("1E+15"), places=0),
        st.decimals(min_value=Decimal("-1E+9"), max_value=Decimal("0"), places=4),
        st.sampled_from([Decimal("1E-10"), Decimal("1.23456789012345"), "11.5", 11.5]),
    ),
    "document_no": st.sampled_from([5, b"1001"]),
    "reference": st.sampled_from([5, 1.5]),
    "text": st.sampled_from([5, b"x"]),
    "disputed": st.sampled_from([1, "yes", None]),
    "end_to_end_id": st.sampled_from(["", " ", 5, "x" * (MAX_LINK_LENGTH + 1)]),
    "payer_account": st.sampled_from(["", 15038812345, "9" * (MAX_LINK_LENGTH + 1)]),
    "applies_to": st.sampled_from(["", "F-1", 3]),
    "revalues": st.sampled_from(["F-9"]),
    "reverses": st.sampled_from(["", 5]),
}

#: Changes every door must accept, and keep as given.
GOOD: dict[str, st.SearchStrategy[Any]] = {
    "id": st.text(min_size=1, max_size=20).filter(lambda s: s != "F-0"),
    "party": st.text(min_size=1, max_size=12),
    "document_no": st.none() | st.text(max_size=20),
    "reference": st.none() | st.from_regex(r"[0-9]{2,25}", fullmatch=True),
    "text": st.text(max_size=50),
    "disputed": st.booleans(),
    "due": st.none() | st.dates(min_value=date(2026, 1, 5), max_value=date(2030, 1, 1)),
    "end_to_end_id": st.none() | st.text(min_size=1, max_size=35).filter(str.strip),
    "payer_account": st.none() | st.from_regex(r"[0-9]{11}|NO[0-9]{13}", fullmatch=True),
    "applies_to": st.none() | st.sampled_from(["F-0", "F-1001"]),
    "value": st.integers(0, 10**20 - 1).map(lambda n: Decimal(n).scaleb(-2)),
}


@given(st.data())
def test_evolve_with_a_bad_value_raises_a_reskontro_error(data: st.DataObject) -> None:
    """attrs.evolve(entry, field=bad) raises a ReskontroError subclass, never a raw error."""
    name = data.draw(st.sampled_from(sorted(BAD)))
    bad = data.draw(BAD[name])
    base = data.draw(st.sampled_from([
        Entry.invoice("F-1", party="1", amount=nok("10"), posted=D, applies_to="F-0"),
        booked(),
    ]))
    with pytest.raises(ReskontroError):
        attrs.evolve(base, **{name: bad})


@given(st.data())
def test_evolve_with_good_values_round_trips(data: st.DataObject) -> None:
    """Good values are kept as given, and the entry survives repr and serialization."""
    base = Entry.invoice("F-1", party="1", amount=nok("10"), posted=D)
    names = data.draw(st.sets(st.sampled_from(sorted(GOOD)), min_size=1, max_size=4))
    changes = {name: data.draw(GOOD[name]) for name in names}
    if changes.get("applies_to") is not None and changes["applies_to"] == changes.get(
        "id", base.id
    ):
        changes["applies_to"] = None
    changed = attrs.evolve(base, **changes)
    for name, value in changes.items():
        assert getattr(changed, name) == value
    if "value" in changes:
        assert changed.amount_local == Money(changes["value"], "NOK")
    assert entry_from_dict(json.loads(json.dumps(entry_to_dict(changed)))) == changed
    assert attrs.evolve(changed) == changed


def test_item_records_show_the_fields() -> None:
    """A clerk's table of items shows the payer's account and the links, column by column."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="10001", amount=nok("500"), posted=D),
        payment(end_to_end_id="E2E-42", payer_account="15038812345", applies_to="F-1"),
    ])
    records = {r["id"]: r for r in ledger.items().to_records()}
    assert (records["P-1"]["end_to_end_id"], records["P-1"]["payer_account"],
            records["P-1"]["applies_to"]) == ("E2E-42", "15038812345", "F-1")
    assert records["F-1"]["payer_account"] is None
    assert "15038812345" in ledger.items()._repr_html_()
    # the same predicate a search takes finds a payment by its bank identity
    found = ledger.search(where=lambda item: item.entry.payer_account == "15038812345")
    assert [i.id for i in found] == ["P-1"]
