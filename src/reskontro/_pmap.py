"""A persistent hash map for the ledger's global indexes (internal).

A :class:`PMap` never changes: :meth:`PMap.set` and a :class:`Builder` make a
new map that shares everything it did not touch with the old one. The keys
are spread by hash over a trie of four levels of 16 branches, whose 65 536
leaves are small dicts; a change copies the leaf it lands in and the four
16-slot nodes on the path to it, so setting a key costs O(1) however large
the map (a million keys: about 15 to a leaf) and an old map stays valid and
cheap to keep.

The standard library has no persistent map, and the HAMT of the
``immutables`` package costs several microseconds a key to build and to set,
which a million-entry ledger pays at every load; a dict per leaf is what
Python does fastest, and narrow nodes keep the copying of a path short.

Iteration order is the hash order, not insertion order: callers that need
an order sort or keep one of their own.

>>> m = PMap().set("a", 1).set("b", 2)
>>> m2 = m.set("a", 10)
>>> m["a"], m2["a"], len(m2), "b" in m2
(1, 10, 2, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, Generic, TypeVar, overload

_K = TypeVar("_K")
_V = TypeVar("_V")
_T = TypeVar("_T")

_EMPTY: Final[tuple[Any, ...]] = (None,) * 16


def _find(root: tuple[Any, ...] | None, key: Any, default: Any) -> Any:
    if root is None:
        return default
    h = hash(key)
    node = root[h & 15]
    if node is None:
        return default
    node = node[(h >> 4) & 15]
    if node is None:
        return default
    node = node[(h >> 8) & 15]
    if node is None:
        return default
    leaf = node[(h >> 12) & 15]
    if leaf is None:
        return default
    return leaf.get(key, default)


def _leaves(root: tuple[Any, ...] | None) -> Iterator[dict[Any, Any]]:
    if root is None:
        return
    for a in root:
        if a is not None:
            for b in a:
                if b is not None:
                    for c in b:
                        if c is not None:
                            for leaf in c:
                                if leaf:
                                    yield leaf


_ABSENT: Final = object()


class PMap(Generic[_K, _V]):
    """An immutable mapping with O(1) updates that share structure; see the module docstring."""

    __slots__ = ("_len", "_root")

    def __init__(self) -> None:
        self._root: tuple[Any, ...] | None = None
        self._len = 0

    @classmethod
    def _make(cls, root: tuple[Any, ...] | None, length: int) -> PMap[_K, _V]:
        new: PMap[_K, _V] = object.__new__(cls)
        new._root = root
        new._len = length
        return new

    @classmethod
    def of(cls, items: Iterable[tuple[_K, _V]]) -> PMap[_K, _V]:
        """A map of *items* (later keys win), built in one pass.

        >>> PMap.of([("x", 1), ("x", 2)])["x"]
        2
        """
        if not isinstance(items, (list, tuple)):
            items = list(items)
        if len(items) < 0x1000:
            # a few keys: drafting the nodes they touch beats laying out all 65 536 leaves
            builder: Builder[_K, _V] = Builder(cls())
            builder._grouped(items)
            return builder.finish()
        # a fresh map: fill the 65 536 leaves as a flat list, then build the
        # nodes bottom up (no drafting: nothing is shared yet)
        leaves: list[dict[_K, _V] | None] = [None] * 0x10000
        for key, value in items:
            slot = hash(key) & 0xFFFF
            leaf = leaves[slot]
            if leaf is None:
                leaves[slot] = {key: value}
            else:
                leaf[key] = value
        length = sum(len(leaf) for leaf in leaves if leaf)
        if not length:
            return cls()
        # level 3: node p (12 bits) holds the leaves p | i << 12
        level3: list[tuple[Any, ...] | None] = [None] * 0x1000
        for p in range(0x1000):
            node = leaves[p::0x1000]
            if any(node):
                level3[p] = tuple(node)
        level2: list[tuple[Any, ...] | None] = [None] * 0x100
        for q in range(0x100):
            node2 = level3[q::0x100]
            if any(node2):
                level2[q] = tuple(node2)
        level1: list[tuple[Any, ...] | None] = [None] * 0x10
        for r in range(0x10):
            node1 = level2[r::0x10]
            if any(node1):
                level1[r] = tuple(node1)
        return cls._make(tuple(level1), length)

    def __len__(self) -> int:
        return self._len

    @overload
    def get(self, key: _K) -> _V | None: ...
    @overload
    def get(self, key: _K, default: _T) -> _V | _T: ...

    def get(self, key: _K, default: Any = None) -> Any:
        return _find(self._root, key, default)

    def __getitem__(self, key: _K) -> _V:
        found = _find(self._root, key, _ABSENT)
        if found is _ABSENT:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        try:
            return _find(self._root, key, _ABSENT) is not _ABSENT
        except TypeError:
            return False

    def items(self) -> Iterator[tuple[_K, _V]]:
        for leaf in _leaves(self._root):
            yield from leaf.items()

    def keys(self) -> Iterator[_K]:
        for leaf in _leaves(self._root):
            yield from leaf

    def __iter__(self) -> Iterator[_K]:
        return self.keys()

    def values(self) -> Iterator[_V]:
        for leaf in _leaves(self._root):
            yield from leaf.values()

    def set(self, key: _K, value: _V) -> PMap[_K, _V]:
        """A map with *key* set: copies one leaf and the four short nodes above it."""
        h = hash(key)
        i1, i2, i3, i4 = h & 15, (h >> 4) & 15, (h >> 8) & 15, (h >> 12) & 15
        n0 = self._root or _EMPTY
        n1 = n0[i1] or _EMPTY
        n2 = n1[i2] or _EMPTY
        n3 = n2[i3] or _EMPTY
        leaf = n3[i4]
        if leaf is None:
            leaf, grown = {key: value}, 1
        else:
            grown = key not in leaf
            leaf = leaf.copy()
            leaf[key] = value
        # C-level tuple concatenation: the fastest way to copy a 16-slot node with one change
        n3 = n3[:i4] + (leaf,) + n3[i4 + 1:]  # noqa: RUF005
        n2 = n2[:i3] + (n3,) + n2[i3 + 1:]  # noqa: RUF005
        n1 = n1[:i2] + (n2,) + n1[i2 + 1:]  # noqa: RUF005
        return PMap._make(n0[:i1] + (n1,) + n0[i1 + 1:], self._len + grown)  # noqa: RUF005

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
    """A private, mutable draft of a :class:`PMap`: copies only the nodes it changes.

    Its own copies are lists, kept by the node's place in the trie (the root
    is 0, a level-1 node 1 + 4 bits of the hash, level 2: 17 + 8 bits, level
    3: 273 + 12 bits); :meth:`finish` turns them back into tuples.
    """

    __slots__ = ("_base", "_len", "_lists", "_owned", "_sets")

    def __init__(self, base: PMap[_K, _V]) -> None:
        self._base = base
        #: keys set on the base map one by one, before the builder copies nodes of its own
        self._sets = 0
        self._len = base._len
        self._lists: dict[int, list[Any]] = {}
        #: the leaves (h & 0xFFFF) whose dicts this builder owns
        self._owned: set[int] = set()

    def _root(self) -> Any:
        lists = self._lists
        return lists[0] if lists else self._base._root

    def _leaf(self, h: int) -> dict[_K, _V]:
        """The leaf dict for hash *h*, owned by this builder (created if missing)."""
        lists = self._lists
        root = lists.get(0)
        if root is None:
            old = self._base._root
            root = lists[0] = list(_EMPTY if old is None else old)
        i = h & 15
        n1 = lists.get(1 + i)
        if n1 is None:
            old = root[i]
            n1 = root[i] = lists[1 + i] = list(_EMPTY if old is None else old)
        i2 = (h >> 4) & 15
        k2 = 17 + (h & 0xFF)
        n2 = lists.get(k2)
        if n2 is None:
            old = n1[i2]
            n2 = n1[i2] = lists[k2] = list(_EMPTY if old is None else old)
        i3 = (h >> 8) & 15
        k3 = 273 + (h & 0xFFF)
        n3 = lists.get(k3)
        if n3 is None:
            old = n2[i3]
            n3 = n2[i3] = lists[k3] = list(_EMPTY if old is None else old)
        i4 = (h >> 12) & 15
        slot = h & 0xFFFF
        if slot in self._owned:
            return n3[i4]  # type: ignore[no-any-return]
        old = n3[i4]
        leaf = n3[i4] = {} if old is None else old.copy()
        self._owned.add(slot)
        return leaf

    def __setitem__(self, key: _K, value: _V) -> None:
        if not self._lists and self._sets < 4:
            # a few keys: path-copy the map itself, cheaper than drafting nodes
            base = self._base = self._base.set(key, value)
            self._len = base._len
            self._sets += 1
            return
        leaf = self._leaf(hash(key))
        size = len(leaf)
        leaf[key] = value
        self._len += len(leaf) - size

    def update(self, pairs: Iterable[tuple[_K, _V]]) -> None:
        """Set many keys (the bulk path of posting): grouped by leaf, each leaf drafted once."""
        if not isinstance(pairs, (list, tuple)):
            pairs = list(pairs)
        if not self._lists and self._sets + len(pairs) <= 4:
            for key, value in pairs:
                self[key] = value
            return
        if not self._lists and len(pairs) > self._base._len:
            # more new keys than old ones: lay the whole map out afresh (flat, fastest)
            fresh: PMap[_K, _V] = PMap.of([*self._base.items(), *pairs])
            self._base, self._len = fresh, fresh._len
            return
        self._grouped(pairs)

    def _grouped(self, pairs: Sequence[tuple[_K, _V]]) -> None:
        """Set *pairs* leaf by leaf, drafting each node they touch once."""
        # group by the level-3 node, then by leaf: each node is drafted once
        by_node: dict[int, dict[int, list[tuple[_K, _V]]]] = {}
        for pair in pairs:
            h = hash(pair[0])
            leaves = by_node.get(h & 0xFFF)
            if leaves is None:
                leaves = by_node[h & 0xFFF] = {}
            group = leaves.get((h >> 12) & 15)
            if group is None:
                leaves[(h >> 12) & 15] = [pair]
            else:
                group.append(pair)
        added = 0
        owned = self._owned
        leaf_of = self._leaf
        lists = self._lists
        for prefix, leaves in by_node.items():
            n3 = None
            for i4, group in leaves.items():
                slot = prefix | (i4 << 12)
                if n3 is None:
                    leaf = leaf_of(slot)
                    n3 = lists[273 + prefix]
                elif slot in owned:
                    leaf = n3[i4]
                else:
                    old = n3[i4]
                    leaf = n3[i4] = {} if old is None else old.copy()
                    owned.add(slot)
                size = len(leaf)
                leaf.update(group)
                added += len(leaf) - size
        self._len += added

    def __delitem__(self, key: _K) -> None:
        if key not in self:
            raise KeyError(key)
        del self._leaf(hash(key))[key]
        self._len -= 1

    @overload
    def get(self, key: _K) -> _V | None: ...
    @overload
    def get(self, key: _K, default: _T) -> _V | _T: ...

    def get(self, key: _K, default: Any = None) -> Any:
        return _find(self._root(), key, default)

    def __contains__(self, key: object) -> bool:
        try:
            return _find(self._root(), key, _ABSENT) is not _ABSENT
        except TypeError:
            return False

    def __len__(self) -> int:
        return self._len

    def finish(self) -> PMap[_K, _V]:
        """The new map. The builder may go on from it (its next change copies again)."""
        lists = self._lists
        if not lists:
            return self._base
        root: tuple[Any, ...] | None = None
        for nid in sorted(lists, reverse=True):
            node = tuple(lists[nid])
            if nid >= 273:
                p = nid - 273
                lists[17 + (p & 0xFF)][(p >> 8) & 15] = node
            elif nid >= 17:
                q = nid - 17
                lists[1 + (q & 15)][(q >> 4) & 15] = node
            elif nid >= 1:
                lists[0][nid - 1] = node
            else:
                root = node
        self._lists = {}
        self._owned = set()
        self._base = PMap._make(root, self._len)
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


class Overlay(Generic[_K, _V]):
    """A draft of an index as a plain dict of new keys over the index it starts from.

    An operation's new keys go to the dict (as fast as Python gets); only
    :meth:`finish` writes them into the persistent index, grouped by leaf.
    """

    __slots__ = ("base", "new")

    def __init__(self, base: PMap[_K, _V] | Backed[_K, _V]) -> None:
        self.base = base
        self.new: dict[_K, _V] = {}

    @overload
    def get(self, key: _K) -> _V | None: ...
    @overload
    def get(self, key: _K, default: _T) -> _V | _T: ...

    def get(self, key: _K, default: Any = None) -> Any:
        try:
            found = self.new.get(key, _MISSING)
        except TypeError:
            return default
        return self.base.get(key, default) if found is _MISSING else found

    def __contains__(self, key: object) -> bool:
        try:
            return key in self.new or key in self.base
        except TypeError:
            return False

    def __setitem__(self, key: _K, value: _V) -> None:
        self.new[key] = value

    def update(self, pairs: Iterable[tuple[_K, _V]]) -> None:
        self.new.update(pairs)

    def finish(self) -> PMap[_K, _V] | Backed[_K, _V]:
        if not self.new:
            return self.base
        builder = self.base.mutate()
        builder.update(list(self.new.items()))
        return builder.finish()
