"""A compact hash -> many ints map: a sorted static part plus a dict of recent additions."""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from hashlib import blake2b

SLOT_BITS = 27
SLOT_MASK = (1 << SLOT_BITS) - 1
HASH_MASK = (1 << 36) - 1
MERGE_AFTER = 200_000


def key_hash(text: str) -> int:
    """A 36-bit hash of a key, the same in every process (collisions only cost a wasted comparison).

    Never Python's `hash()`: it changes with PYTHONHASHSEED, and a persisted index must mean the
    same thing in every process that loads it.
    """
    return int.from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "little") & HASH_MASK


class MultiMap:
    """Maps a key hash to the values (slots or vocabulary ids) filed under it."""

    def __init__(self) -> None:
        self.keys = array("q")
        self.vals = array("i")
        self.delta: dict[int, list[int]] = {}
        self.delta_size = 0
        self._staged: array[int] | None = array("q")

    def stage(self, h: int, value: int) -> None:
        """Queue a pair for the next `build` (bulk loading)."""
        assert self._staged is not None
        self._staged.append((h << SLOT_BITS) | value)

    def build(self) -> None:
        """Sort the staged pairs (and any recent additions) into the static arrays."""
        combined = list(self._staged or ())
        self._staged = array("q")
        if self.delta:
            for h, values in self.delta.items():
                combined.extend((h << SLOT_BITS) | v for v in values)
            self.delta = {}
            self.delta_size = 0
        if len(self.keys):
            combined.extend((k << SLOT_BITS) | v for k, v in zip(self.keys, self.vals, strict=True))
        combined.sort()
        self.keys = array("q", (c >> SLOT_BITS for c in combined))
        self.vals = array("i", (c & SLOT_MASK for c in combined))
        self._staged = None

    def add(self, h: int, value: int) -> None:
        """File one value under a hash at once (incremental updates)."""
        self.delta.setdefault(h, []).append(value)
        self.delta_size += 1
        if self.delta_size > MERGE_AFTER:
            self.build()

    def count(self, h: int) -> int:
        """How many values are filed under a hash."""
        lo = bisect_left(self.keys, h)
        hi = bisect_right(self.keys, h, lo)
        return hi - lo + len(self.delta.get(h, ()))

    def get(self, h: int) -> list[int] | array[int]:
        """The values filed under a hash."""
        lo = bisect_left(self.keys, h)
        hi = bisect_right(self.keys, h, lo)
        extra = self.delta.get(h)
        if extra:
            return list(self.vals[lo:hi]) + extra
        return self.vals[lo:hi]

    def delta_pairs(self) -> tuple[array[int], array[int]]:
        """The recent additions as parallel (hash, value) arrays (for a snapshot)."""
        hs, vs = array("q"), array("i")
        for h, values in self.delta.items():
            for v in values:
                hs.append(h)
                vs.append(v)
        return hs, vs

    @classmethod
    def restored(cls, keys: array[int], vals: array[int], delta_keys: array[int],
                 delta_vals: array[int]) -> MultiMap:
        """A map from a snapshot's sorted static part and its recent additions."""
        mm = cls()
        mm.keys, mm.vals, mm._staged = keys, vals, None
        for h, v in zip(delta_keys, delta_vals, strict=True):
            mm.delta.setdefault(h, []).append(v)
        mm.delta_size = len(delta_vals)
        return mm

    def nbytes(self) -> int:
        """Approximate memory of the static part."""
        return self.keys.itemsize * len(self.keys) + self.vals.itemsize * len(self.vals)
