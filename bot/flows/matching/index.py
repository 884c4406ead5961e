"""The in-process index: every party name and alias filed under exact keys, words and characters."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein, OSA

from bot.flows.matching.multimap import MultiMap, key_hash
from bot.flows.matching.normalize import NameFeatures, Normalizer
from bot.flows.matching.scoring import MAX_TRADE_WORDS, allowed_typos, pure_trade, token_typos

# A word or character filed under more entries than this is too common to anchor a typo search.
ANCHOR_CAP = 40_000
HAN_TYPO_MIN = 5
# Up to this many typo candidates are checked word by word; more go through a C prefilter first.
DIRECT_CHECK = 400
# The rarest query words used as anchors of the typo search.
ANCHORS = 3
FLAG_HAN = 1

# Preliminary scores by the kind of key that matched (the scorer decides the final score).
PRE_CORE, PRE_PERSON, PRE_PINYIN, PRE_HOMOPHONE, PRE_TYPO = 97.0, 93.0, 92.0, 71.0, 80.0
PRE_JOIN, PRE_EXTRA, PRE_TRADE = 90.0, 76.0, 74.0
MAX_DROP_WORDS = 6


def exact_keys(f: NameFeatures) -> set[str]:
    """The exact keys a name is filed under (and looked up by)."""
    keys = set()
    if f.core:
        keys.add("c|" + f.core)
    if f.skel:
        keys.add("c|" + f.skel)
    if len(f.words) > 1 and not f.person:
        keys.add("j|" + "".join(f.words))
    for k in f.person_keys:
        keys.add("p|" + k)
    if f.han and f.pinyin_core and not f.person:
        keys.add("y|" + f.pinyin_core)
    return keys


def trade_keys(f: NameFeatures) -> set[str]:
    """The trade-name keys an organisation is filed under: its trade name and its leading words."""
    if f.person or not f.trade:
        return set()
    if f.han:
        return {"t|" + f.trade, "t|" + f.trade_py}
    words = f.trade.split()
    return {"t|" + t for t in (words[0], " ".join(words[:MAX_TRADE_WORDS])) if len(t) >= 3}


def lookup_keys(f: NameFeatures) -> dict[str, float]:
    """The keys a query looks up, with the preliminary score of what each finds."""
    keys = {k: PRE_JOIN if k[0] == "j" else 0.0 for k in exact_keys(f)}
    if f.words and not f.han:
        joined = "".join(f.words)
        keys.setdefault("j|" + joined, PRE_JOIN)
        if len(f.words) > 1:
            keys.setdefault("c|" + joined, PRE_JOIN)
    if pure_trade(f):
        keys.setdefault("t|" + f.trade, PRE_TRADE)
    words = sorted(set(f.core.split())) if not f.han else []
    trade = set(f.trade.split())
    if f.trade and 2 <= len(words) <= MAX_DROP_WORDS:
        for w in words:
            if w not in trade:
                keys.setdefault("c|" + " ".join(x for x in words if x != w), PRE_EXTRA)
    return keys


def deletes(word: str) -> set[str]:
    """Every string one deletion away from a word."""
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@dataclass
class Candidate:
    """A slot that may match, with a preliminary score."""

    slot: int
    score: float


class NameIndex:
    """Slots (one per party name or alias) and the maps that find them."""

    def __init__(self, normalizer: Normalizer) -> None:
        self.norm = normalizer
        self.exact = MultiMap()
        self.words = MultiMap()
        self.chars = MultiMap()
        self.variants = MultiMap()
        self.vocab: list[str] = []
        self.vocab_ids: dict[str, int] = {}
        self.party = array("i")
        self.alias = array("i")
        self.flags = bytearray()
        self.latin: list[str | None] = []
        self.hancore: list[str | None] = []
        self.dead_before: dict[int, int] = {}
        self.bulk = True

    def __len__(self) -> int:
        """How many slots were filed."""
        return len(self.party)

    # ---- filing ------------------------------------------------------------------------------
    def _file(self, mm: MultiMap, h: int, value: int) -> None:
        """Stage while bulk loading, add at once afterwards."""
        if self.bulk:
            mm.stage(h, value)
        else:
            mm.add(h, value)

    def _word_id(self, word: str) -> int:
        """The vocabulary id of a word, filing its one-deletion variants when new."""
        wid = self.vocab_ids.get(word)
        if wid is None:
            wid = len(self.vocab)
            self.vocab.append(word)
            self.vocab_ids[word] = wid
            if len(word) >= 4:
                for d in deletes(word):
                    self._file(self.variants, key_hash(d), wid)
        return wid

    def add(self, *, party_id: int, alias_id: int, name: str, kind: str | None) -> int:
        """File one name (a party's own name when alias_id is 0); returns its slot."""
        f = self.norm.features(name, kind)
        slot = len(self.party)
        self.party.append(party_id)
        self.alias.append(alias_id)
        self.flags.append(FLAG_HAN if f.han else 0)
        self.latin.append(None if f.han else (f.latin or None))
        long_han = f.han and not f.person and len(f.core) >= HAN_TYPO_MIN
        self.hancore.append(f.core if long_han else None)
        for key in exact_keys(f) | trade_keys(f):
            self._file(self.exact, key_hash(key), slot)
        if not f.han:
            # Vocabulary ids in word order, never hash order: every process builds the same index.
            for word in sorted(set(f.core.split()) | set(f.latin.split())):
                self._word_id(word)
                self._file(self.words, key_hash(word), slot)
        elif long_han:
            for ch in set(f.core):
                self._file(self.chars, key_hash(ch), slot)
        return slot

    def finish_bulk(self) -> None:
        """Sort everything staged; later additions go straight into the maps."""
        for mm in (self.exact, self.words, self.chars, self.variants):
            mm.build()
        self.bulk = False

    def forget_party(self, party_id: int) -> None:
        """Every slot filed so far for this party is stale (edited or deleted)."""
        self.dead_before[party_id] = len(self.party)

    def alive(self, slot: int) -> bool:
        """Whether a slot still describes its party."""
        limit = self.dead_before.get(self.party[slot])
        return limit is None or slot >= limit

    # ---- persisting ----------------------------------------------------------------------------
    MAPS = ("exact", "words", "chars", "variants")

    def freeze(self) -> dict[str, array | bytes | list[str]]:
        """A consistent copy of everything the index holds, as named arrays and string lists.

        Cheap enough to take under the engine's lock: the static map parts are replaced, never
        changed, by `MultiMap.build`; the rest is copied.
        """
        if self.bulk:
            raise RuntimeError("the index is still bulk loading")
        n = len(self.party)
        out: dict[str, array | bytes | list[str]] = {}
        for name in self.MAPS:
            mm: MultiMap = getattr(self, name)
            out[f"{name}.keys"], out[f"{name}.vals"] = mm.keys, mm.vals
            out[f"{name}.dkeys"], out[f"{name}.dvals"] = mm.delta_pairs()
        dead = sorted(self.dead_before.items())
        out.update({
            "party": self.party[:n], "alias": self.alias[:n], "flags": bytes(self.flags[:n]),
            "latin": [x or "" for x in self.latin[:n]], "hancore": [x or "" for x in self.hancore[:n]],
            "vocab": self.vocab[:], "dead.party": array("i", (p for p, _ in dead)),
            "dead.slot": array("i", (s for _, s in dead)),
        })
        return out

    @classmethod
    def thaw(cls, normalizer: Normalizer, parts: dict[str, array | bytes | list[str]]) -> NameIndex:
        """An index from what `freeze` returned (read back from a verified snapshot)."""
        index = cls(normalizer)
        for name in cls.MAPS:
            setattr(index, name, MultiMap.restored(parts[f"{name}.keys"], parts[f"{name}.vals"],  # type: ignore[arg-type]
                                                   parts[f"{name}.dkeys"], parts[f"{name}.dvals"]))  # type: ignore[arg-type]
        index.party, index.alias = parts["party"], parts["alias"]  # type: ignore[assignment]
        index.flags = bytearray(parts["flags"])  # type: ignore[arg-type]
        index.latin = [x or None for x in parts["latin"]]  # type: ignore[union-attr]
        index.hancore = [x or None for x in parts["hancore"]]  # type: ignore[union-attr]
        index.vocab = list(parts["vocab"])  # type: ignore[arg-type]
        index.vocab_ids = {w: i for i, w in enumerate(index.vocab)}
        index.dead_before = dict(zip(parts["dead.party"], parts["dead.slot"], strict=True))  # type: ignore[arg-type]
        n = len(index.party)
        if not (len(index.alias) == len(index.flags) == len(index.latin) == len(index.hancore) == n):
            raise ValueError("inconsistent snapshot")
        index.bulk = False
        return index

    # ---- finding -----------------------------------------------------------------------------
    def expansions(self, word: str) -> set[str]:
        """Recorded words equal to or one typo away from a word."""
        found = set()
        if word in self.vocab_ids:
            found.add(word)
        if len(word) >= 3:
            for wid in self.variants.get(key_hash(word)):
                found.add(self.vocab[wid])
        if len(word) >= 4:
            for d in deletes(word):
                if d in self.vocab_ids:
                    found.add(d)
                for wid in self.variants.get(key_hash(d)):
                    found.add(self.vocab[wid])
        limit = max(1, allowed_typos(len(word) + 1))
        return {w for w in found if OSA.distance(word, w, score_cutoff=limit) <= limit}

    def _word_slots(self, word: str) -> tuple[int, str, list[str]]:
        """How many slots a query word (with its typo variants) would bring, the word, the variants."""
        if len(word) >= 4:
            variants = sorted(self.expansions(word))
        else:
            variants = [word] if word in self.vocab_ids else []
        return sum(self.words.count(key_hash(w)) for w in variants), word, variants

    def _latin_typos(self, q: NameFeatures) -> set[int]:
        """Slots whose Latin words all sit within typo distance of the query's rarest words.

        Anchors are the rarest words, ties broken by the word itself (never by set or hash order,
        which differs between processes). With three anchors a slot needs two of them, so one
        word misspelt beyond its one-edit variants does not hide the name.
        """
        words = sorted(set(q.core.split()))
        if not words:
            return set()
        sized = sorted(self._word_slots(w) for w in words)
        anchors = [variants for size, _w, variants in sized if 0 < size <= ANCHOR_CAP][:ANCHORS]
        if not anchors:
            return set()
        need = len(anchors) - 1 if len(anchors) >= ANCHORS else len(anchors)
        seen: dict[int, int] = {}
        for variants in anchors:
            found: set[int] = set()
            for w in variants:
                found.update(self.words.get(key_hash(w)))
            for s in found:
                seen[s] = seen.get(s, 0) + 1
        slots = sorted(s for s, n in seen.items() if n >= need)
        if not slots:
            return set()
        targets = {q.latin, q.core, *q.person_keys[:3]} - {""}
        if len(slots) <= DIRECT_CHECK:
            split_targets = [tuple(t.split()) for t in targets]
            return {s for s in slots if self.latin[s] and any(
                token_typos(tt, tuple(self.latin[s].split())) is not None for tt in split_targets)}
        ordered = slots
        choices = [self.latin[s] or "" for s in ordered]
        keep: set[int] = set()
        for target in targets:
            cutoff = allowed_typos(len(target)) + 1
            for _choice, _dist, i in process.extract(target, choices, scorer=Levenshtein.distance,
                                                     score_cutoff=cutoff, limit=None):
                keep.add(ordered[i])
        return keep

    def _han_typos(self, q: NameFeatures) -> set[int]:
        """Slots whose Chinese core is one character edit from the query's."""
        if q.person or len(q.core) < HAN_TYPO_MIN:
            return set()
        counts = sorted((self.chars.count(key_hash(ch)), ch) for ch in set(q.core))
        slots: set[int] = set()
        if len(counts) >= 3 and counts[2][0] <= ANCHOR_CAP:
            # One edit loses at most one of three distinct characters: a slot holds two of the rarest three.
            a, b, c = (set(self.chars.get(key_hash(ch))) for _size, ch in counts[:3])
            slots = (a & b) | (a & c) | (b & c)
        else:
            for size, ch in counts[:2]:
                if 0 < size <= ANCHOR_CAP:
                    slots.update(self.chars.get(key_hash(ch)))
        ordered = sorted(slots)
        choices = [self.hancore[s] or "" for s in ordered]
        return {ordered[i] for _c, _d, i in process.extract(q.core, choices, scorer=Levenshtein.distance,
                                                               score_cutoff=1, limit=None)}

    def candidates(self, q: NameFeatures) -> dict[int, float]:
        """Slots that may match the query, with a preliminary score each."""
        found: dict[int, float] = {}

        def offer(slot: int, score: float) -> None:
            """Keep the best preliminary score of a slot."""
            if score > found.get(slot, 0.0):
                found[slot] = score

        for key, pre in sorted(lookup_keys(q).items()):
            kind = key[0]
            for slot in self.exact.get(key_hash(key)):
                if pre:
                    offer(slot, pre)
                elif kind == "c":
                    offer(slot, PRE_CORE)
                elif kind == "y":
                    offer(slot, PRE_HOMOPHONE)
                elif q.han and self.flags[slot] & FLAG_HAN:
                    offer(slot, PRE_HOMOPHONE)
                else:
                    offer(slot, PRE_PINYIN if q.han or self.flags[slot] & FLAG_HAN else PRE_PERSON)
        typo_slots = self._han_typos(q) if q.han else self._latin_typos(q)
        for slot in typo_slots:
            offer(slot, PRE_TYPO)
        return {s: v for s, v in found.items() if self.alive(s)}
