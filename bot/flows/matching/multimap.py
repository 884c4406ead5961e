"""A compact hash -> many ints map: a sorted static part plus a dict of recent additions."""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right

SLOT_BITS = 27
SLOT_MASK = (1 << SLOT_BITS) - 1
HASH_MASK = (1 << 36) - 1
MERGE_AFTER = 200_000


def key_hash(text: str) -> int:
    """A 36-bit in-process hash of a key (collisions only cost a wasted comparison)."""
    return hash(text) & HASH_MASK


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

    def nbytes(self) -> int:
        """Approximate memory of the static part."""
        return self.keys.itemsize * len(self.keys) + self.vals.itemsize * len(self.vals)
