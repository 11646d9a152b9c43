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
from types import TracebackType


class _Paused:
    """The context of :func:`paused` (a class: cheaper than a generator per operation)."""

    __slots__ = ("was_on",)

    def __enter__(self) -> None:
        self.was_on = gc.isenabled()
        if self.was_on:
            gc.disable()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.was_on:
            gc.enable()


def paused() -> _Paused:
    """Run a block with the cyclic collector off (if it was on), then restore it.

    >>> import gc
    >>> with paused():
    ...     gc.isenabled()
    False
    """
    return _Paused()
