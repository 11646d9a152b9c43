"""Pausing the cyclic garbage collector around bulk work (internal).

reskontro's values hold no reference cycles, so building many of them at
once gives CPython's cyclic collector nothing to find; yet with the
collector on it walks the whole (growing) heap again and again, which costs
about a third of a bulk operation on a large ledger. Bulk operations run
inside :func:`paused`, which restores the collector's previous state
afterwards, also on error.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run a block with the cyclic collector off (if it was on), then restore it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
