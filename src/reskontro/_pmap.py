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

from collections.abc import Callable, Iterable, Iterator
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

    __slots__ = ("_base", "_len", "_mids", "_owned", "_top")

    def __init__(self, base: PMap[_K, _V]) -> None:
        self._base = base
        #: the top level, copied on the first change (an untouched builder costs nothing)
        self._top: list[Any] | None = None
        self._len = base._len
        self._mids: set[int] = set()
        #: the slots (h & 0xFFFF) whose dicts this builder owns
        self._owned: set[int] = set()

    def _writable(self) -> list[Any]:
        top = self._top
        if top is None:
            top = self._top = list(self._base._top)
        return top

    def _leaf(self, key: _K, create: bool) -> dict[_K, _V] | None:
        h = hash(key)
        i = h & _MASK
        top = self._writable()
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
        j = (h >> _BITS) & _MASK
        leaf = mid[j]
        slot = h & 0xFFFF
        if slot not in self._owned:
            if leaf is None:
                if not create:
                    return None
                leaf = {}
            else:
                leaf = dict(leaf)
            mid[j] = leaf
            self._owned.add(slot)
        return leaf  # type: ignore[no-any-return]

    def __setitem__(self, key: _K, value: _V) -> None:
        leaf = self._leaf(key, True)
        assert leaf is not None
        if key not in leaf:
            self._len += 1
        leaf[key] = value

    def update(self, pairs: Iterable[tuple[_K, _V]]) -> None:
        """Set many keys (the bulk path of posting: one tight loop)."""
        top = self._writable()
        mids = self._mids
        owned = self._owned
        added = 0
        for key, value in pairs:
            h = hash(key)
            i = h & _MASK
            mid = top[i]
            if i not in mids:
                mid = [None] * _WIDTH if mid is None else list(mid)
                top[i] = mid
                mids.add(i)
            slot = h & 0xFFFF
            if slot in owned:
                leaf = mid[(h >> _BITS) & _MASK]
            else:
                j = (h >> _BITS) & _MASK
                old = mid[j]
                leaf = mid[j] = {} if old is None else dict(old)
                owned.add(slot)
            size = len(leaf)
            leaf[key] = value
            added += len(leaf) - size
        self._len += added

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
        top = self._top
        mid = (self._base._top if top is None else top)[h & _MASK]
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
        top = self._top
        mid = (self._base._top if top is None else top)[h & _MASK]
        if mid is None:
            return False
        leaf = mid[(h >> _BITS) & _MASK]
        return leaf is not None and key in leaf

    def __len__(self) -> int:
        return self._len

    def finish(self) -> PMap[_K, _V]:
        """The new map. The builder must not be used afterwards."""
        top = self._top
        if top is None:
            return self._base
        for i in self._mids:
            top[i] = tuple(top[i])
        self._mids = set()
        self._owned = set()
        self._top = None
        self._base = PMap._make(tuple(top), self._len)
        return self._base


_MISSING: Final = object()


class Backed(Generic[_K, _V]):
    """A persistent map over a read-only base that is reached by lookups.

    A ledger opened from a store does not load its million-key indexes: a
    lookup asks the store (through *lookup*, a plain function the store
    supplies) and remembers the answer; what the ledger adds since it was
    opened lives in a :class:`PMap` on top. The base never changes, so the
    remembered answers are shared by every value safely.

    >>> base = {"a": 1}
    >>> m = Backed(base.get, len(base))
    >>> m2 = m.mutate(); m2["b"] = 2; m3 = m2.finish()
    >>> m3["a"], m3.get("b"), "b" in m, len(m3)
    (1, 2, False, 2)
    """

    __slots__ = ("_cache", "_length", "_lookup", "_over")

    def __init__(
        self,
        lookup: Callable[[_K], _V | None],
        length: int,
        over: PMap[_K, _V] | None = None,
        cache: dict[_K, Any] | None = None,
    ) -> None:
        self._lookup = lookup
        self._length = length
        self._over: PMap[_K, _V] = PMap() if over is None else over
        self._cache: dict[_K, Any] = {} if cache is None else cache

    def _base(self, key: _K) -> Any:
        cache = self._cache
        found = cache.get(key, _MISSING)
        if found is _MISSING:
            found = self._lookup(key)
            cache[key] = found
        return found

    @overload
    def get(self, key: _K) -> _V | None: ...
    @overload
    def get(self, key: _K, default: _T) -> _V | _T: ...

    def get(self, key: _K, default: Any = None) -> Any:
        found = self._over.get(key, _MISSING)
        if found is _MISSING:
            found = self._base(key)
        return default if found is None else found

    def __getitem__(self, key: _K) -> _V:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        try:
            hash(key)
        except TypeError:
            return False
        return self.get(key) is not None  # type: ignore[arg-type]

    def __len__(self) -> int:
        return self._length

    def mutate(self) -> BackedBuilder[_K, _V]:
        return BackedBuilder(self)


class BackedBuilder(Generic[_K, _V]):
    """The draft of the next :class:`Backed`: new keys go to its top map."""

    __slots__ = ("_added", "_base", "_over")

    def __init__(self, base: Backed[_K, _V]) -> None:
        self._base = base
        self._over = base._over.mutate()
        self._added = 0

    @overload
    def get(self, key: _K) -> _V | None: ...
    @overload
    def get(self, key: _K, default: _T) -> _V | _T: ...

    def get(self, key: _K, default: Any = None) -> Any:
        found = self._over.get(key, _MISSING)
        if found is _MISSING:
            found = self._base._base(key)
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        try:
            hash(key)
        except TypeError:
            return False
        return self.get(key) is not None  # type: ignore[arg-type]

    def __setitem__(self, key: _K, value: _V) -> None:
        if self.get(key) is None:
            self._added += 1
        self._over[key] = value

    def update(self, pairs: Iterable[tuple[_K, _V]]) -> None:
        for key, value in pairs:
            self[key] = value

    def finish(self) -> Backed[_K, _V]:
        base = self._base
        return Backed(base._lookup, base._length + self._added, self._over.finish(), base._cache)
