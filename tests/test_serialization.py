"""Serialization: JSON-ready dicts of entries, events and ledgers, versioned, round-trip exact."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from reskontro import (
    Allocation,
    ClosePolicy,
    DueDateChanged,
    EntriesMatched,
    Entry,
    EntryPosted,
    EntryReversed,
    EntryUnmatched,
    Event,
    Ledger,
    MatchDissolved,
    Money,
    PostAgainstPost,
    ReskontroError,
    SerializationError,
    Side,
)
from reskontro.serialization import (
    SCHEMA,
    VERSION,
    entry_from_dict,
    entry_to_dict,
    event_from_dict,
    event_to_dict,
)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def d(day: int, month: int = 1) -> date:
    return date(2026, month, day)


def through_json(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(data))
    return result


FULL_ENTRY = Entry.invoice(
    "F-1", party="10001", side=Side.RECEIVABLE, account="1510",
    amount=Money("1000", "EUR"), amount_local=nok("11475.30"), posted=d(5),
    document_date=d(3), due=d(19), document_no="1001", reference="0036633",
    text="Konsulent – januar", disputed=True, factored=True, excluded_from_collection=True,
)


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    """A ledger whose history holds every kind of event."""
    return (
        Ledger("NOK", post_against_post=PostAgainstPost.REFUSE, auto_close_zero=True)
        .post_many([
            FULL_ENTRY,
            Entry.payment(
                "P-1", party="10001", account="1510", amount=Money("-400", "EUR"),
                amount_local=nok("-4600"), posted=d(9),
            ),
            Entry.invoice("F-2", party="10001", amount=Money("100", "JPY"),
                          amount_local=nok("7.13"), posted=d(9)),
            Entry.manual("Z-1", party="10001", amount=nok("0"), posted=d(9)),
            Entry.invoice("F-3", party="10001", amount=nok("300"), posted=d(9), due=d(23)),
            Entry.payment("P-3", party="10001", amount=nok("-300"), posted=d(10)),
        ])
        .match(
            ["F-1", "P-1"], match_id="K-1", close_policy=ClosePolicy.LOCAL_ONLY,
            allocations=[Allocation("P-1", "F-1", Money("400", "EUR"))],
        )
        .match(["F-3", "P-3"], match_id="K-3")
        .remove_from_match("P-3", on=d(12))
        .dissolve("K-1", on=d(13))
        .change_due_date("F-3", d(31), on=d(14))
        .reverse("F-2", on=d(15))
    )


# -- ledgers -------------------------------------------------------------------------------------


def test_ledger_round_trips_through_json(ledger: Ledger) -> None:
    """from_dict(json(to_dict(ledger))) is the same ledger, query for query."""
    data = ledger.to_dict()
    again = Ledger.from_dict(through_json(data))
    assert again == ledger
    assert again.to_dict() == data
    assert again.items() == ledger.items()
    assert again.matches(include_dissolved=True) == ledger.matches(include_dissolved=True)
    assert again.options == ledger.options


def test_ledger_document_names_schema_and_version(ledger: Ledger) -> None:
    """A ledger document carries schema, version, local currency, options and events."""
    data = ledger.to_dict()
    assert data["schema"] == SCHEMA == "reskontro.ledger"
    assert data["version"] == VERSION == 1
    assert data["local_currency"] == "NOK"
    assert data["options"] == {
        "post_against_post": "refuse", "auto_close_zero": True, "cross_currency": False
    }
    assert len(data["events"]) == ledger.event_count


def test_ledger_document_is_plain_json_types(ledger: Ledger) -> None:
    """Amounts are decimal strings and dates ISO strings: json.dumps needs no help."""
    text = json.dumps(ledger.to_dict())
    assert '"amount": "11475.30"' in text
    assert '"posted": "2026-01-05"' in text
    assert '"reference": "0036633"' in text


def test_empty_ledger_round_trips() -> None:
    """An empty ledger in another currency round-trips too."""
    empty = Ledger("SEK")
    assert Ledger.from_dict(through_json(empty.to_dict())) == empty


@pytest.mark.parametrize("version", [2, 99])
def test_newer_version_is_refused(ledger: Ledger, version: int) -> None:
    """A document of a newer version is refused, saying what it found."""
    data = {**ledger.to_dict(), "version": version}
    with pytest.raises(SerializationError, match=f"version {version} is newer") as info:
        Ledger.from_dict(data)
    assert (info.value.field, info.value.value) == ("version", version)


@pytest.mark.parametrize("version", [0, -1, "1", True, None, 1.0])
def test_invalid_version_is_refused(ledger: Ledger, version: object) -> None:
    """A version that is not a positive int is refused."""
    with pytest.raises(SerializationError):
        Ledger.from_dict({**ledger.to_dict(), "version": version})


def test_missing_version_is_refused(ledger: Ledger) -> None:
    """A document without a version is refused."""
    data = ledger.to_dict()
    del data["version"]
    with pytest.raises(SerializationError, match="version: missing"):
        Ledger.from_dict(data)


def test_other_schema_is_refused(ledger: Ledger) -> None:
    """A document of another schema is refused."""
    with pytest.raises(SerializationError, match="not a reskontro ledger document"):
        Ledger.from_dict({**ledger.to_dict(), "schema": "someone.else"})


def test_not_a_mapping_is_refused() -> None:
    """A list is not a ledger document."""
    with pytest.raises(SerializationError, match="expected an object"):
        Ledger.from_dict([])  # type: ignore[arg-type]


def test_unknown_local_currency_is_refused(ledger: Ledger) -> None:
    """A document with an unknown local currency is refused with a ReskontroError."""
    with pytest.raises(ReskontroError):
        Ledger.from_dict({**ledger.to_dict(), "local_currency": "XYZ"})


def test_serialization_error_is_a_value_error() -> None:
    """SerializationError is a ReskontroError and a ValueError."""
    with pytest.raises(ValueError, match="schema"):
        Ledger.from_dict({"schema": "x", "version": 1})


def mutate(ledger: Ledger, path: list[str | int], value: object) -> dict[str, Any]:
    data = copy.deepcopy(ledger.to_dict())
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (["events", 0, "entry", "posted"], KeyError, r"events\[0\]\.entry\.posted: missing"),
        (["events", 0, "entry", "posted"], "05.01.2026", r"events\[0\]\.entry\.posted"),
        (["events", 0, "entry", "amount", "amount"], "1000.001", r"events\[0\]\.entry\.amount"),
        (["events", 0, "entry", "amount", "amount"], 1000.0, r"events\[0\]\.entry\.amount"),
        (["events", 0, "entry", "kind"], "bill", r"events\[0\]\.entry\.kind"),
        (["events", 0, "entry", "side"], "debtor", r"events\[0\]\.entry\.side"),
        (["events", 0, "entry", "disputed"], "yes", r"events\[0\]\.entry\.disputed"),
        (["events", 0, "type"], "entry_deleted", r"events\[0\]\.type"),
        (["events", 7, "entry_ids"], ["F-1", 7], r"events\[7\]\.entry_ids"),
        (["events", 7, "close_policy"], "never", r"events\[7\]\.close_policy"),
        (["events", 7, "on"], KeyError, r"events\[7\]\.on: missing"),
        (["options", "post_against_post"], "sometimes", r"options\.post_against_post"),
    ],
)
def test_malformed_documents_name_the_place_at_fault(
    ledger: Ledger, path: list[str | int], value: object, where: str
) -> None:
    """A malformed field is a SerializationError whose message gives its path."""
    with pytest.raises(SerializationError, match=where):
        Ledger.from_dict(mutate(ledger, path, value))


def test_event_that_does_not_apply_is_refused(ledger: Ledger) -> None:
    """A document whose history does not replay is refused, naming the entry."""
    data = ledger.to_dict()
    data["events"] = [data["events"][0], data["events"][0]]
    with pytest.raises(SerializationError, match="already in the ledger") as info:
        Ledger.from_dict(data)
    assert info.value.entry_id == "F-1"


# -- entries and events ---------------------------------------------------------------------------


def test_entry_round_trips_with_every_field() -> None:
    """Every field of an entry survives entry_to_dict / JSON / entry_from_dict."""
    data = entry_to_dict(FULL_ENTRY)
    assert data["amount"] == {"amount": "1000.00", "currency": "EUR"}
    assert data["amount_local"] == {"amount": "11475.30", "currency": "NOK"}
    assert data["due"] == "2026-01-19"
    assert data["reference"] == "0036633"
    assert data["side"] == "receivable"
    assert data["kind"] == "invoice"
    assert entry_from_dict(through_json(data)) == FULL_ENTRY


def test_reversal_entry_round_trips() -> None:
    """A counter-entry keeps its link to the original."""
    storno = FULL_ENTRY.reversed("F-1-R", posted=d(20))
    data = entry_to_dict(storno)
    assert data["reverses"] == "F-1"
    assert entry_from_dict(through_json(data)) == storno


EVENTS: list[Event] = [
    EntryPosted(FULL_ENTRY),
    EntriesMatched(match_id="K-1", entry_ids=("F-1", "P-1"), on=d(9)),
    EntriesMatched(
        match_id="K-1", entry_ids=("P-2",), on=d(10), extend=True,
        close_policy=ClosePolicy.LOCAL_ONLY,
        allocations=(Allocation("P-2", "F-1", Money("10.50", "EUR")),),
    ),
    EntryUnmatched(match_id="K-1", entry_id="P-1", on=d(11)),
    MatchDissolved(match_id="K-1", on=d(12)),
    DueDateChanged(entry_id="F-1", due=d(2, 2), on=d(13)),
    DueDateChanged(entry_id="F-1", due=None, on=d(14)),
    EntryReversed(
        entry_id="F-1", reversal=FULL_ENTRY.reversed("F-1-R", posted=d(15)), match_id="S-1",
        on=d(15),
    ),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_every_event_type_round_trips(event: Event) -> None:
    """event_from_dict(json(event_to_dict(e))) == e for every event type."""
    data = event_to_dict(event)
    assert isinstance(data["type"], str)
    assert event_from_dict(through_json(data)) == event


def test_event_dicts_are_tagged() -> None:
    """Event dicts carry their type tag and ISO dates."""
    assert event_to_dict(MatchDissolved(match_id="M1", on=d(1, 2))) == {
        "type": "match_dissolved", "match_id": "M1", "on": "2026-02-01",
    }


def test_non_event_cannot_be_serialized() -> None:
    """Serializing something that is not an event is a SerializationError."""
    with pytest.raises(SerializationError):
        event_to_dict("match everything")  # type: ignore[arg-type]
