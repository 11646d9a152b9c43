"""A persistent hash map for the ledger's global indexes (internal).

A :class:`PMap` never changes: :meth:`PMap.set` and a :class:`Builder` make a
new map that shares everything it did not touch with the old one. The keys
are spread by hash over a two-level table of 256 x 256 slots, each slot a
small dict; a change copies the slot it lands in and the two short paths to
it, so setting a key costs O(1) however large the map (a million entries:
about 15 keys to a slot) and an old map stays valid and cheap to keep.

The standard library has no persistent map, and the HAMT of the
``immutables`` package costs several microseconds a key to build and to set,
which a million-entry ledger pays at every load; a dict per slot is what
Python does fastest.

Iteration order is the hash order, not insertion order: callers that need
an order sort or keep one of their own.

>>> m = PMap().set("a", 1).set("b", 2)
>>> m2 = m.set("a", 10)
>>> m["a"], m2["a"], len(m2), "b" in m2
(1, 10, 2, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final, Generic, TypeVar, overload

_K = TypeVar("_K")
_V = TypeVar("_V")
_T = TypeVar("_T")

_BITS: Final = 8
_WIDTH: Final = 1 << _BITS
_MASK: Final = _WIDTH - 1
_EMPTY_TOP: Final[tuple[Any, ...]] = (None,) * _WIDTH


class PMap(Generic[_K, _V]):
    """An immutable mapping with O(1) updates that share structure; see the module docstring."""

    __slots__ = ("_len", "_top")

    def __init__(self) -> None:
        self._top: tuple[Any, ...] = _EMPTY_TOP
        self._len = 0

    @classmethod
    def _make(cls, top: tuple[Any, ...], length: int) -> PMap[_K, _V]:
        new: PMap[_K, _V] = object.__new__(cls)
        new._top = top
        new._len = length
        return new

    @classmethod
    def of(cls, items: Iterable[tuple[_K, _V]]) -> PMap[_K, _V]:
        """A map of *items* (later keys win), built in one pass.

        >>> PMap.of([("x", 1), ("x", 2)])["x"]
        2
        """
        builder: Builder[_K, _V] = Builder(cls())
        for key, value in items:
            builder[key] = value
        return builder.finish()

    def __len__(self) -> int:
        return self._len

    @overload
    def get(self, key: _K) -> _V | None: ...
    @overload
    def get(self, key: _K, default: _T) -> _V | _T: ...

    def get(self, key: _K, default: Any = None) -> Any:
        h = hash(key)
        mid = self._top[h & _MASK]
        if mid is None:
            return default
        leaf = mid[(h >> _BITS) & _MASK]
        if leaf is None:
            return default
        return leaf.get(key, default)

    def __getitem__(self, key: _K) -> _V:
        h = hash(key)
        mid = self._top[h & _MASK]
        if mid is not None:
            leaf = mid[(h >> _BITS) & _MASK]
            if leaf is not None:
                return leaf[key]  # type: ignore[no-any-return]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        try:
            h = hash(key)
        except TypeError:
            return False
        mid = self._top[h & _MASK]
        if mid is None:
            return False
        leaf = mid[(h >> _BITS) & _MASK]
        return leaf is not None and key in leaf

    def _leaves(self) -> Iterator[dict[_K, _V]]:
        for mid in self._top:
            if mid is not None:
                for leaf in mid:
                    if leaf:
                        yield leaf

    def items(self) -> Iterator[tuple[_K, _V]]:
        for leaf in self._leaves():
            yield from leaf.items()

    def keys(self) -> Iterator[_K]:
        for leaf in self._leaves():
            yield from leaf

    def __iter__(self) -> Iterator[_K]:
        return self.keys()

    def values(self) -> Iterator[_V]:
        for leaf in self._leaves():
            yield from leaf.values()

    def set(self, key: _K, value: _V) -> PMap[_K, _V]:
        builder = Builder(self)
        builder[key] = value
        return builder.finish()

    def mutate(self) -> Builder[_K, _V]:
        """A builder that starts from this map; its :meth:`Builder.finish` gives the new map."""
        return Builder(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PMap):
            return NotImplemented
        return self._len == other._len and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        # hashes differ between processes: rebuild from the items
        return (PMap.of, (list(self.items()),))

    def __repr__(self) -> str:
        return f"PMap({dict(self.items())!r})"


class Builder(Generic[_K, _V]):
    """A private, mutable draft of a :class:`PMap`: copies only the slots it changes."""

    __slots__ = ("_len", "_mids", "_owned", "_top")

    def __init__(self, base: PMap[_K, _V]) -> None:
        self._top: list[Any] = list(base._top)
        self._len = base._len
        self._mids: set[int] = set()
        self._owned: set[tuple[int, int]] = set()

    def _leaf(self, key: _K, create: bool) -> dict[_K, _V] | None:
        h = hash(key)
        i = h & _MASK
        j = (h >> _BITS) & _MASK
        top = self._top
        mid = top[i]
        if i not in self._mids:
            if mid is None:
                if not create:
                    return None
                mid = [None] * _WIDTH
            else:
                mid = list(mid)
            top[i] = mid
            self._mids.add(i)
        leaf = mid[j]
        if (i, j) not in self._owned:
            if leaf is None:
                if not create:
                    return None
                leaf = {}
            else:
                leaf = dict(leaf)
            mid[j] = leaf
            self._owned.add((i, j))
        return leaf  # type: ignore[no-any-return]

    def __setitem__(self, key: _K, value: _V) -> None:
        leaf = self._leaf(key, True)
        assert leaf is not None
        if key not in leaf:
            self._len += 1
        leaf[key] = value

    def __delitem__(self, key: _K) -> None:
        leaf = self._leaf(key, False)
        if leaf is None or key not in leaf:
            raise KeyError(key)
        del leaf[key]
        self._len -= 1

    @overload
    def get(self, key: _K) -> _V | None: ...
    @overload
    def get(self, key: _K, default: _T) -> _V | _T: ...

    def get(self, key: _K, default: Any = None) -> Any:
        h = hash(key)
        mid = self._top[h & _MASK]
        if mid is None:
            return default
        leaf = mid[(h >> _BITS) & _MASK]
        if leaf is None:
            return default
        return leaf.get(key, default)

    def __contains__(self, key: object) -> bool:
        try:
            h = hash(key)
        except TypeError:
            return False
        mid = self._top[h & _MASK]
        if mid is None:
            return False
        leaf = mid[(h >> _BITS) & _MASK]
        return leaf is not None and key in leaf

    def __len__(self) -> int:
        return self._len

    def finish(self) -> PMap[_K, _V]:
        """The new map. The builder must not be used afterwards."""
        top = self._top
        for i in self._mids:
            mid = top[i]
            top[i] = tuple(mid) if any(leaf for leaf in mid) else None
        self._mids = set()
        self._owned = set()
        return PMap._make(tuple(top), self._len)
