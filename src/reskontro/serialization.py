"""Serialization: entries, events and ledgers to JSON-ready dicts and back.

Everything becomes plain ``dict``/``list``/``str``/``bool``/``None``: amounts
are decimal strings (``"1250.00"``), dates are ISO strings (``"2026-01-19"``),
enums are their values. ``json.dumps`` takes the result as it is, and
``from_dict(to_dict(x)) == x`` for every entry, event and ledger.

A ledger document names its schema and version::

    {"schema": "reskontro.ledger", "version": 1, "local_currency": "NOK",
     "options": {...}, "events": [...]}

A reader refuses an unknown schema or a newer version with a
:class:`~reskontro.exceptions.SerializationError` that says what it found.

:func:`ledger_from_json` reads a ledger file's bytes strictly: UTF-8 only,
no duplicate keys, no ``NaN``, integers of at most :data:`MAX_INT_DIGITS`
digits, nesting at most :data:`MAX_DEPTH` deep. Every failure is a
``SerializationError`` naming the file and, where the JSON parser knows it,
the line and column; none is a raw Python error.

>>> import json
>>> from datetime import date
>>> from reskontro import Entry, Ledger, Money
>>> ledger = Ledger("NOK").post(Entry.invoice(
...     "F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2)))
>>> text = json.dumps(ledger_to_dict(ledger))
>>> ledger_from_dict(json.loads(text)) == ledger
True
>>> ledger_from_dict({"schema": "reskontro.ledger", "version": 99})
Traceback (most recent call last):
...
reskontro.exceptions.SerializationError: ledger document version 99 is newer than ...
>>> ledger_from_json(b'{"schema": "reskontro.ledger", "schema": "x"}', source="L.json")
Traceback (most recent call last):
...
reskontro.exceptions.SerializationError: L.json: duplicate key 'schema' in an object ...
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeVar

from reskontro.entries import Entry, EntryKind, Side
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
from reskontro.exceptions import ReskontroError, SerializationError, shorten
from reskontro.matching import Allocation, ClosePolicy, PostAgainstPost
from reskontro.money import Money, parse_amount

if TYPE_CHECKING:
    from reskontro.ledger import Ledger

__all__ = [
    "SCHEMA",
    "VERSION",
    "entry_from_dict",
    "entry_to_dict",
    "event_from_dict",
    "event_to_dict",
    "ledger_from_dict",
    "ledger_from_json",
    "ledger_to_dict",
    "load_json",
]

_T = TypeVar("_T")

#: The schema name of a serialized ledger.
SCHEMA: Final = "reskontro.ledger"
#: The version of the ledger document this reskontro writes (and the newest it reads).
VERSION: Final = 1


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value: Money) -> dict[str, str]:
    return {"amount": str(value.amount), "currency": value.currency}


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    """An entry as a JSON-ready dict.

    >>> from datetime import date
    >>> e = Entry.invoice("F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2))
    >>> entry_to_dict(e)["amount"]
    {'amount': '100.00', 'currency': 'NOK'}
    """
    data: dict[str, Any] = {
        "id": entry.id,
        "side": entry.side.value,
        "party": entry.party,
        "account": entry.account,
        "kind": entry.kind.value,
        "amount": _money(entry.amount),
        "amount_local": _money(entry.amount_local),
        "posted": entry.posted.isoformat(),
        "document_date": entry.document_date.isoformat(),
        "due": _iso(entry.due),
        "document_no": entry.document_no,
        "reference": entry.reference,
        "text": entry.text,
        "disputed": entry.disputed,
        "factored": entry.factored,
        "excluded_from_collection": entry.excluded_from_collection,
    }
    if entry.reverses is not None:
        data["reverses"] = entry.reverses
    if entry.rate is not None:
        data["rate"] = str(entry.rate)
    if entry.revalues is not None:
        data["revalues"] = entry.revalues
    # optional keys of version 1, written only when set (like rate and
    # revalues): a file without them reads as before, the fields None
    if entry.end_to_end_id is not None:
        data["end_to_end_id"] = entry.end_to_end_id
    if entry.payer_account is not None:
        data["payer_account"] = entry.payer_account
    if entry.applies_to is not None:
        data["applies_to"] = entry.applies_to
    return data


class _Reader:
    """Reads one mapping, turning every failure into a SerializationError with its path."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise SerializationError(
                f"{path}: expected an object, got {type(data).__name__}", field=path, value=data
            )
        self.data = data
        self.path = path

    def get(self, key: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
        if key not in self.data:
            if optional:
                return None
            raise SerializationError(f"{self.path}.{key}: missing", field=f"{self.path}.{key}")
        value = self.data[key]
        if value is None and optional:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise SerializationError(
                f"{self.path}.{key}: expected {getattr(kind, '__name__', kind)}, "
                f"got {shorten(value)}",
                field=f"{self.path}.{key}",
                value=value,
            )
        return value

    def get_date(self, key: str, *, optional: bool = False) -> date | None:
        text = self.get(key, str, optional=optional)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise SerializationError(
                f"{self.path}.{key}: {shorten(text)} is not an ISO date",
                field=f"{self.path}.{key}",
                value=text,
            ) from None

    def required_date(self, key: str) -> date:
        value = self.get_date(key)
        if value is None:  # pragma: no cover - get() refuses a missing required key
            raise SerializationError(f"{self.path}.{key}: missing", field=f"{self.path}.{key}")
        return value

    def money(self, key: str) -> Money:
        inner = _Reader(self.get(key, Mapping), f"{self.path}.{key}")
        return _wrap(
            lambda: Money(inner.get("amount", str), inner.get("currency", str)),
            f"{self.path}.{key}",
        )

    def enum(self, key: str, cls: Any, *, optional: bool = False) -> Any:
        value = self.get(key, str, optional=optional)
        if value is None:
            return None
        try:
            return cls(value)
        except ValueError:
            raise SerializationError(
                f"{self.path}.{key}: {shorten(value)} is not a {cls.__name__}",
                field=f"{self.path}.{key}",
                value=value,
            ) from None


def _wrap(build: Callable[[], _T], path: str) -> _T:
    try:
        return build()
    except SerializationError:
        raise
    except ReskontroError as error:
        raise SerializationError(
            f"{path}: {error.message}", entry_id=error.entry_id, field=path, value=error.value
        ) from error


def entry_from_dict(data: Mapping[str, Any], *, path: str = "entry") -> Entry:
    """Rebuild an entry from :func:`entry_to_dict` output.

    Raises:
        SerializationError: a field is missing or invalid (the message gives its path).
    """
    r = _Reader(data, path)
    return _wrap(
        lambda: Entry(
            id=r.get("id", str),
            side=r.enum("side", Side),
            party=r.get("party", str),
            account=r.get("account", str),
            kind=r.enum("kind", EntryKind),
            amount=r.money("amount"),
            amount_local=r.money("amount_local"),
            posted=r.required_date("posted"),
            document_date=r.required_date("document_date"),
            due=r.get_date("due", optional=True),
            document_no=r.get("document_no", str, optional=True),
            reference=r.get("reference", str, optional=True),
            text=r.get("text", str, optional=True) or "",
            disputed=bool(r.get("disputed", bool, optional=True)),
            factored=bool(r.get("factored", bool, optional=True)),
            excluded_from_collection=bool(r.get("excluded_from_collection", bool, optional=True)),
            reverses=r.get("reverses", str, optional=True),
            revalues=r.get("revalues", str, optional=True),
            end_to_end_id=r.get("end_to_end_id", str, optional=True),
            payer_account=r.get("payer_account", str, optional=True),
            applies_to=r.get("applies_to", str, optional=True),
            rate=_rate(r),
        ),
        path,
    )


def _rate(r: _Reader) -> Decimal | None:
    text = r.get("rate", str, optional=True)
    if text is None:
        return None
    try:
        return parse_amount(text, field="rate")
    except ReskontroError:
        raise SerializationError(
            f"{r.path}.rate: {shorten(text)} is not a decimal number",
            field=f"{r.path}.rate", value=text,
        ) from None


def event_to_dict(event: Event) -> dict[str, Any]:
    """An event as a JSON-ready dict, tagged with its ``type``.

    >>> from datetime import date
    >>> from reskontro import MatchDissolved
    >>> event_to_dict(MatchDissolved(match_id="M1", on=date(2026, 2, 1)))
    {'type': 'match_dissolved', 'match_id': 'M1', 'on': '2026-02-01'}
    """
    if isinstance(event, EntryPosted):
        return {"type": "entry_posted", "entry": entry_to_dict(event.entry)}
    if isinstance(event, EntriesMatched):
        data: dict[str, Any] = {
            "type": "entries_matched",
            "match_id": event.match_id,
            "entry_ids": list(event.entry_ids),
            "on": event.on.isoformat(),
            "close_policy": None if event.close_policy is None else event.close_policy.value,
            "extend": event.extend,
        }
        if event.allocations:
            data["allocations"] = [
                {"credit_id": a.credit_id, "debit_id": a.debit_id, "amount": _money(a.amount)}
                for a in event.allocations
            ]
        if event.rates:
            data["rates"] = {currency: str(rate) for currency, rate in event.rates}
        return data
    if isinstance(event, EntryUnmatched):
        return {
            "type": "entry_unmatched",
            "match_id": event.match_id,
            "entry_id": event.entry_id,
            "on": event.on.isoformat(),
        }
    if isinstance(event, MatchDissolved):
        return {"type": "match_dissolved", "match_id": event.match_id, "on": event.on.isoformat()}
    if isinstance(event, DueDateChanged):
        return {
            "type": "due_date_changed",
            "entry_id": event.entry_id,
            "due": _iso(event.due),
            "on": event.on.isoformat(),
        }
    if isinstance(event, EntryReversed):
        return {
            "type": "entry_reversed",
            "entry_id": event.entry_id,
            "reversal": entry_to_dict(event.reversal),
            "match_id": event.match_id,
            "on": event.on.isoformat(),
        }
    if isinstance(event, NoticeRecorded):
        return {
            "type": "notice_recorded",
            "entry_ids": list(event.entry_ids),
            "level": event.level.value,
            "on": event.on.isoformat(),
            "deadline": _iso(event.deadline),
        }
    raise SerializationError(
        f"{shorten(event)} is not a reskontro event", field="event", value=event
    )


def _allocation(data: object, path: str) -> Allocation:
    r = _Reader(data, path)
    return Allocation(r.get("credit_id", str), r.get("debit_id", str), r.money("amount"))


def _match_rates(data: Mapping[str, Any], path: str) -> tuple[tuple[str, Decimal], ...]:
    rates = []
    for currency, text in data.items():
        where = f"{path}.rates.{currency}"
        if not isinstance(text, str):
            raise SerializationError(
                f"{where}: expected a decimal string, got {shorten(text)}", field=where, value=text
            )
        try:
            rate = parse_amount(text, field="rate")
        except ReskontroError:
            rate = None
        if rate is None or not rate > 0:
            raise SerializationError(
                f"{where}: {shorten(text)} is not a positive decimal rate", field=where, value=text
            )
        rates.append((currency, rate))
    return tuple(rates)


def _entry_ids(r: _Reader, path: str) -> list[str]:
    ids: list[object] = r.get("entry_ids", list)
    for i, entry_id in enumerate(ids):
        if not isinstance(entry_id, str):
            raise SerializationError(
                f"{path}.entry_ids[{i}]: expected str, got {shorten(entry_id)}",
                field=f"{path}.entry_ids", value=entry_id,
            )
    return [str(entry_id) for entry_id in ids]


def event_from_dict(data: Mapping[str, Any], *, path: str = "event") -> Event:
    """Rebuild an event from :func:`event_to_dict` output.

    Raises:
        SerializationError: the type is unknown or a field is missing or invalid.
    """
    r = _Reader(data, path)
    kind = r.get("type", str)
    if kind == "entry_posted":
        return EntryPosted(entry_from_dict(r.get("entry", Mapping), path=f"{path}.entry"))
    if kind == "entries_matched":
        ids = _entry_ids(r, path)
        allocations = r.get("allocations", list, optional=True) or []
        return EntriesMatched(
            match_id=r.get("match_id", str),
            entry_ids=tuple(ids),
            on=r.required_date("on"),
            allocations=tuple(
                _allocation(a, f"{path}.allocations[{i}]") for i, a in enumerate(allocations)
            ),
            close_policy=r.enum("close_policy", ClosePolicy, optional=True),
            extend=bool(r.get("extend", bool, optional=True)),
            rates=_match_rates(r.get("rates", Mapping, optional=True) or {}, path),
        )
    if kind == "entry_unmatched":
        return EntryUnmatched(
            match_id=r.get("match_id", str), entry_id=r.get("entry_id", str),
            on=r.required_date("on"),
        )
    if kind == "match_dissolved":
        return MatchDissolved(match_id=r.get("match_id", str), on=r.required_date("on"))
    if kind == "due_date_changed":
        return DueDateChanged(
            entry_id=r.get("entry_id", str), due=r.get_date("due", optional=True),
            on=r.required_date("on"),
        )
    if kind == "entry_reversed":
        return EntryReversed(
            entry_id=r.get("entry_id", str),
            reversal=entry_from_dict(r.get("reversal", Mapping), path=f"{path}.reversal"),
            match_id=r.get("match_id", str),
            on=r.required_date("on"),
        )
    if kind == "notice_recorded":
        ids = _entry_ids(r, path)
        return NoticeRecorded(
            entry_ids=tuple(ids),
            level=r.enum("level", NoticeLevel),
            on=r.required_date("on"),
            deadline=r.get_date("deadline", optional=True),
        )
    raise SerializationError(
        f"{path}.type: unknown event type {shorten(kind)}", field=f"{path}.type", value=kind
    )


def ledger_to_dict(ledger: Ledger) -> dict[str, Any]:
    """A ledger as a JSON-ready, versioned dict of its options and events."""
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "local_currency": ledger.local_currency,
        "options": {
            "post_against_post": ledger.options.post_against_post.value,
            "auto_close_zero": ledger.options.auto_close_zero,
            "cross_currency": ledger.options.cross_currency,
        },
        "events": [event_to_dict(event) for event in ledger.events],
    }


def ledger_from_dict(data: Mapping[str, Any]) -> Ledger:
    """Rebuild a ledger from :func:`ledger_to_dict` output, replaying its events.

    Raises:
        SerializationError: the document is malformed, of another schema or a
            newer version, or an event does not apply.
    """
    from reskontro.ledger import Ledger

    r = _Reader(data, "ledger")
    schema = r.get("schema", str)
    if schema != SCHEMA:
        raise SerializationError(
            f"not a reskontro ledger document: schema {shorten(schema)}",
            field="schema", value=schema,
        )
    version = r.get("version", int)
    if version > VERSION or version < 1:
        raise SerializationError(
            f"ledger document version {version} is newer than this reskontro reads ({VERSION})"
            if version > VERSION
            else f"ledger document version {version} is not valid",
            field="version",
            value=version,
        )
    local = r.get("local_currency", str)
    options = _Reader(r.get("options", Mapping, optional=True) or {}, "ledger.options")
    policy = options.enum("post_against_post", PostAgainstPost, optional=True)
    auto = options.get("auto_close_zero", bool, optional=True)
    cross = options.get("cross_currency", bool, optional=True)
    raw_events = r.get("events", list)
    events = [event_from_dict(e, path=f"ledger.events[{i}]") for i, e in enumerate(raw_events)]
    try:
        return Ledger.from_events(
            events,
            local,
            post_against_post=policy or PostAgainstPost.WARN,
            auto_close_zero=bool(auto),
            cross_currency=bool(cross),
        )
    except SerializationError:
        raise
    except ReskontroError as error:
        raise SerializationError(
            f"ledger.events: {error.message}", entry_id=error.entry_id, field=error.field,
            value=error.value,
        ) from error


# -- strict JSON -------------------------------------------------------------------------------

#: The deepest nesting of arrays and objects a JSON document may have (a ledger
#: document needs 5; parties files 1).
MAX_DEPTH: Final = 64
#: The most digits a JSON number may have (a ledger document's only numbers are
#: its version; amounts and rates are strings).
MAX_INT_DIGITS: Final = 30

_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")


class _RefusedError(Exception):
    """Raised inside the JSON parser's hooks; turned into a SerializationError."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RefusedError(
                    f"duplicate key {shorten(key)} in an object (a key may appear once; "
                    f"which value was meant is unknowable)"
                )
            seen.add(key)
    return result


def _number(text: str) -> int | Decimal:
    if len(text) > MAX_INT_DIGITS + 8 or sum(c.isdigit() for c in text) > MAX_INT_DIGITS:
        raise _RefusedError(f"the number {shorten(text)} has more than {MAX_INT_DIGITS} digits")
    if any(c in text for c in ".eE"):
        return Decimal(text)  # never a float: a ledger document holds exact numbers only
    return int(text)


def _constant(name: str) -> Any:
    raise _RefusedError(f"{name} is not a JSON number")


def _locate(text: str) -> str:
    """Where a hook refused *text*: `` at line L column C``, the start of the object it was in.

    The fast C parser does not say where a hook was called; on this error path
    the document is parsed again with the pure-Python scanner, which does.
    """
    from json import decoder, scanner

    starts: list[int] = []

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> Any:
        starts.append(s_and_end[1] - 1)
        result = decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
        starts.pop()
        return result

    parser = json.JSONDecoder(
        object_pairs_hook=_pairs, parse_int=_number, parse_float=_number,
        parse_constant=_constant,
    )
    parser.parse_object = parse_object  # type: ignore[attr-defined]
    parser.scan_once = scanner.py_make_scanner(parser)  # type: ignore[attr-defined]
    try:
        parser.decode(text)
    except _RefusedError:
        pos = starts[-1] if starts else 0
        line = text.count("\n", 0, pos) + 1
        column = pos - text.rfind("\n", 0, pos)
        where = "the object at" if starts else "the document at"
        return f" ({where} line {line} column {column})"
    except Exception:  # pragma: no cover - the C parser refused it the same way
        return ""
    return ""  # pragma: no cover - the C parser refused it the same way


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings (a linear scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def load_json(data: bytes | str, *, source: str = "the document") -> Any:
    """Parse a JSON document strictly, every failure a :class:`SerializationError`.

    Bytes must be UTF-8 (a UTF-8 byte order mark is skipped; UTF-16 or UTF-32
    is refused). Duplicate keys, ``NaN`` and ``Infinity``, numbers of more
    than :data:`MAX_INT_DIGITS` digits, nesting deeper than :data:`MAX_DEPTH`
    and unpaired surrogates (text that cannot be written back as UTF-8) are
    refused. Numbers with a fraction or exponent become ``Decimal``, never
    ``float``.

    Args:
        data: the document's bytes (or text).
        source: how the message names the document, e.g. the file name.

    Raises:
        SerializationError: the document is not strict JSON; the message names
            *source* and, for syntax errors, the line and column.

    >>> load_json(b'{"a": [1, 2.50]}')
    {'a': [1, Decimal('2.50')]}
    >>> load_json(b'{"a": 1,\\n "b": }', source="x.json")
    Traceback (most recent call last):
    ...
    reskontro.exceptions.SerializationError: x.json is not JSON: line 2 column 7: Expecting value
    >>> load_json("[" * 100 + "]" * 100)
    Traceback (most recent call last):
    ...
    reskontro.exceptions.SerializationError: the document: nested deeper than 64 levels
    """

    def refuse(message: str, value: object = None) -> SerializationError:
        return SerializationError(f"{source}: {message}", field=source, value=value)

    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        for bom, name in _BOMS:
            if raw.startswith(bom):
                raise refuse(f"the text is {name}; reskontro reads UTF-8 only")
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        elif len(raw) >= 2 and (raw[0] == 0 or raw[1] == 0):
            raise refuse("the text looks like UTF-16 or UTF-32; reskontro reads UTF-8 only")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise refuse(
                f"not valid UTF-8 at byte {error.start} "
                f"(bytes {raw[error.start:error.start + 4]!r}); reskontro reads UTF-8 only"
            ) from None
    elif isinstance(data, str):
        text = data
    else:
        raise refuse(f"expected bytes or str, got {type(data).__name__}")
    if _depth(text) > MAX_DEPTH:
        raise refuse(f"nested deeper than {MAX_DEPTH} levels")
    try:
        document = json.loads(
            text, object_pairs_hook=_pairs, parse_int=_number, parse_float=_number,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as error:
        raise SerializationError(
            f"{source} is not JSON: line {error.lineno} column {error.colno}: {error.msg}",
            field=source, value=error.pos,
        ) from None
    except _RefusedError as error:
        raise refuse(f"{error}{_locate(text)}") from None
    except RecursionError:  # pragma: no cover - _depth() refuses such documents first
        raise refuse("nested too deeply") from None
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(document, ensure_ascii=False, default=str).encode("utf-8")
        except UnicodeEncodeError as error:
            raise refuse(
                f"a string holds an unpaired surrogate (\\u{ord(error.object[error.start]):04x})"
                ", which no UTF-8 file can hold"
            ) from None
    return document


def ledger_from_json(data: bytes | str, *, source: str = "the ledger file") -> Ledger:
    """Read a ledger from the bytes of a file :func:`ledger_to_dict` output was saved in.

    :func:`load_json` parses strictly, then :func:`ledger_from_dict` rebuilds
    the ledger; every error names *source*.

    Raises:
        SerializationError: the bytes are not a strict JSON ledger document.

    >>> from reskontro import Ledger
    >>> ledger_from_json(json.dumps(ledger_to_dict(Ledger("NOK"))).encode()) == Ledger("NOK")
    True
    """
    document = load_json(data, source=source)
    try:
        return ledger_from_dict(document)
    except SerializationError as error:
        raise SerializationError(
            f"{source}: {error.message}", entry_id=error.entry_id, field=error.field,
            value=error.value,
        ) from error
