"""Serialization: save a ledger as JSON, load it back, and keep an event log.

Run it with ``python examples/serialize.py``. reskontro does no I/O itself:
it turns a ledger into a JSON-ready dict and back, and the caller decides
where the text goes (a file, a database column, a message queue). Here the
"storage" is a string and a list, so the script writes nothing to disk.
"""

from __future__ import annotations

import json

from reskontro import Ledger
from reskontro.demo import AS_OF, build_demo_ledger
from reskontro.serialization import event_from_dict, event_to_dict


def main() -> None:
    """Round-trip the demo ledger through JSON, whole and event by event."""
    ledger = build_demo_ledger()

    # The whole ledger as one versioned JSON document.
    text = json.dumps(ledger.to_dict(), indent=2, ensure_ascii=False)
    document = json.loads(text)
    print(f"schema {document['schema']!r}, version {document['version']},"
          f" {len(document['events'])} events, {len(text)} characters of JSON")
    loaded = Ledger.from_dict(document)
    print("loaded == original:", loaded == ledger)
    print("same open items:", loaded.open_items() == ledger.open_items())
    same_then = loaded.open_items(as_of=AS_OF) == ledger.open_items(as_of=AS_OF)
    print(f"same open items as of {AS_OF}:", same_then)

    # Events are plain dicts too: this is what one row of an event log holds.
    print("\nfirst event:", json.dumps(event_to_dict(ledger.events[0]), ensure_ascii=False))
    print("last event: ", json.dumps(event_to_dict(ledger.events[-1])))

    # An append-only event log, one JSON text per row, replayed into a ledger.
    rows = [json.dumps(event_to_dict(event)) for event in ledger.events]
    replayed = Ledger.from_events((event_from_dict(json.loads(row)) for row in rows), "NOK")
    print("\nreplayed from", len(rows), "log rows == original:", replayed == ledger)
    for sub, balance in replayed.balances().items():
        print(f"  {sub}: {balance.local}")


if __name__ == "__main__":
    main()
