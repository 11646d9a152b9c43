"""Public reads see a consistent value while another thread extends the same line of values.

Values of one line share their event log; a reader in one thread must never see
events that another thread appended for a newer value.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from datetime import date

import pytest

from reskontro import Entry, Ledger, Money


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Switch threads as often as the interpreter can, so races show at once."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_events_and_equality_of_the_newest_value_while_another_thread_posts(
    fast_switching: None,
) -> None:
    newest = [Ledger("NOK").post_many([
        Entry.invoice(f"F-{i}", party="1", amount=Money("1", "NOK"), posted=date(2026, 1, 1))
        for i in range(2000)
    ])]
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            newest[0] = newest[0].post(Entry.invoice(
                f"X-{n}", party="2", amount=Money("1", "NOK"), posted=date(2026, 1, 2)))
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    seen = []
    try:
        for _ in range(150):
            value = newest[0]
            events = value.events
            seen.append((len(events), value.event_count))
            later = newest[0]
            assert (later == value) is (later.event_count == value.event_count)
    finally:
        stop.set()
        thread.join()
    assert all(n == count for n, count in seen)
    assert newest[0].event_count > seen[0][1]  # the writer really did run alongside
