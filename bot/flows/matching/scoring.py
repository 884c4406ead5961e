"""Decide whether a searched name and a recorded name may be the same party, how sure, and why."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from functools import lru_cache

from rapidfuzz.distance import OSA

from bot.flows.matching.normalize import HAN_TITLES, NameFeatures, pinyin_syllables, skeleton


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Toneless pinyin syllables (built once, on first use)."""
    return pinyin_syllables()

# Scores: exact 100 ... possible typo ~80 ... homophone for review ~70; hits start at MIN_SCORE.
MIN_SCORE = 60.0
ALIAS_PENALTY = 2.0
# A recorded trade name is found by its first word or its first three words.
MAX_TRADE_WORDS = 3

# Bands, strongest first: the cap never drops a hit of a stronger band for a weaker one.
IDENTICAL, EQUIVALENT, VARIANT, WEAK = 0, 1, 2, 3
BANDS = ("identical", "equivalent", "variant", "weak")
VARIANT_REASONS = frozenset({"typo", "name_order", "nickname", "initials", "pinyin", "trade_name",
                             "extra_word", "joined", "transliteration"})
WEAK_REASONS = frozenset({"homophone"})
# Within a band these come after the closer variants (a part of the name, not the name).
LOOSE_REASONS = frozenset({"trade_name", "extra_word"})


def band_of(score: float, reasons: tuple[str, ...]) -> int:
    """The band of a scored comparison."""
    if WEAK_REASONS & set(reasons):
        return WEAK
    if VARIANT_REASONS & set(reasons):
        return VARIANT
    if score >= 100.0 and reasons in (("same_name",), ("id_number",)):
        return IDENTICAL
    return EQUIVALENT


@dataclass(frozen=True)
class Match:
    """A scored comparison: 0-100, the reason codes, and how the legal form and region agree."""

    score: float
    reasons: tuple[str, ...]
    agree: int = 2

    @property
    def band(self) -> int:
        """identical, equivalent, variant or weak (0-3)."""
        return band_of(self.score, self.reasons)

    @property
    def loose(self) -> int:
        """0 for the whole name; 1 when the name contains the query as its trade name; 2 for a word more or fewer."""
        if "extra_word" in self.reasons:
            return 2
        return 1 if LOOSE_REASONS & set(self.reasons) else 0


def allowed_typos(length: int) -> int:
    """Edits tolerated as typos in a word or key of this length (Latin letters)."""
    if length >= 16:
        return 3
    if length >= 9:
        return 2
    if length >= 5:
        return 1
    return 0


def _trad(q: NameFeatures, r: NameFeatures) -> bool:
    """Whether traditional/variant characters had to be simplified to match."""
    return (q.plain != q.simp or r.plain != r.simp) and q.plain != r.plain


def _exact(q: NameFeatures, r: NameFeatures) -> Match | None:
    """Same name, possibly after script, legal-form and region folding."""
    if q.plain and q.plain == r.plain:
        return Match(100.0, ("same_name",))
    if q.simp and q.simp == r.simp:
        return Match(99.0, ("trad_simp",))
    if q.core and q.core == r.core:
        reasons = []
        if q.legal != r.legal:
            reasons.append("legal_form")
        if q.region != r.region:
            reasons.append("region")
        if _trad(q, r):
            reasons.append("trad_simp")
        if not reasons and q.person and r.person and (q.order != r.order or q.plain != r.plain):
            reasons.append("name_order")
        if not reasons and q.han and q.region:
            reasons.append("region")
        return Match(97.0 - len(reasons), tuple(reasons) or ("same_name",))
    return None


def _person(q: NameFeatures, r: NameFeatures) -> Match | None:
    """Same person written differently: order, initials, nicknames, pinyin, homophones."""
    if not (q.person and r.person and set(q.person_keys) & set(r.person_keys)):
        return None
    if q.han and r.han:
        if _untitled(q.simp) == _untitled(r.simp):
            return Match(95.0, ("same_name",))
        return Match(70.0, ("homophone",))
    if q.han != r.han:
        # Pinyin against characters: every Latin word must be used (a pair of three words is not the name).
        latin = r if q.han else q
        whole = len("".join(latin.raw_tokens))
        if not any(len(k.replace(" ", "")) == whole for k in set(q.person_keys) & set(r.person_keys)):
            return None
        return Match(92.0, ("pinyin",))
    reasons = []
    qa, ra = set(q.raw_tokens), set(r.raw_tokens)
    if qa != ra:
        if "".join(q.order) == "".join(r.order):
            reasons.append("joined")
        elif {skeleton(t) for t in qa} == {skeleton(t) for t in ra}:
            reasons.append("transliteration")
        elif not (qa <= ra or ra <= qa):
            reasons.append("nickname")
        elif len(qa) != len(ra):
            small, big = (q, r) if len(qa) < len(ra) else (r, q)
            extra = set(big.raw_tokens) - set(small.raw_tokens)
            reasons.append("initials" if all(t[0] in small.initials for t in extra) else "extra_word")
    elif q.order != r.order:
        reasons.append("name_order")
    if q.initials != r.initials and "initials" not in reasons:
        reasons.append("initials")
    score = (95.0 - (6.0 if "nickname" in reasons else 0.0) - (2.0 if "initials" in reasons else 0.0)
             - (4.0 if "extra_word" in reasons else 0.0))
    return Match(score, tuple(reasons) or ("same_name",))


def _untitled(simp: str) -> str:
    """A Chinese personal name without a trailing title (先生, 女士…)."""
    for title in HAN_TITLES:
        if simp.endswith(title) and len(simp) >= len(title) + 2:
            return simp[: -len(title)]
    return simp


def _homophone(q: NameFeatures, r: NameFeatures) -> Match | None:
    """Chinese organisation cores that sound the same."""
    if q.han and r.han and q.pinyin_core and q.pinyin_core == r.pinyin_core and len(q.core) >= 2:
        return Match(72.0, ("homophone",))
    return None


def token_typos(a: tuple[str, ...], b: tuple[str, ...], *, syllables: frozenset[str] = frozenset()
                ) -> int | None:
    """Total edits between two word lists under the best alignment, or None if not a typo.

    Words of four letters or fewer allow no typo, except one edit in one such word when every
    other word agrees exactly and the two are not both pinyin syllables ('Wen' is not 'Wei').
    """
    if len(a) != len(b) or not a or len(a) > 5:
        return None
    orders = itertools.permutations(b) if len(b) <= 3 else (b,)
    best = None
    for perm in orders:
        total = 0
        short = False
        for x, y in zip(a, perm, strict=True):
            if x == y:
                continue
            limit = allowed_typos(min(len(x), len(y)) + 1)
            if not limit:
                if (short or len(a) < 2 or min(len(x), len(y)) < 3 or x.isdigit() or y.isdigit()
                        or (x in syllables and y in syllables) or OSA.distance(x, y, score_cutoff=1) > 1):
                    break
                short = True
                total += 1
                continue
            d = OSA.distance(x, y, score_cutoff=limit)
            if d > limit:
                break
            total += d
        else:
            if short and total > 1:
                continue
            if best is None or total < best:
                best = total
    return best


def _typo(q: NameFeatures, r: NameFeatures) -> Match | None:
    """Small spelling differences, word by word (Latin) or character by character (Chinese)."""
    if q.han != r.han:
        return None
    if q.han:
        a, b = q.core, r.core
        if q.person or r.person or min(len(a), len(b)) < 5 or OSA.distance(a, b, score_cutoff=1) > 1:
            return None
        return Match(78.0, ("typo",))
    pairs = [(q.core, r.core)]
    if q.person and r.person:
        pairs += [(a, b) for a in q.person_keys[:3] for b in r.person_keys[:3] if " " in a and " " in b]
    best = None
    for a, b in pairs:
        if not a or not b:
            continue
        d = token_typos(tuple(a.split()), tuple(b.split()), syllables=syllables())
        if d and d <= allowed_typos(min(len(a), len(b))) and (best is None or d < best):
            best = d
    if best is None:
        return None
    return Match(88.0 - 4.0 * best, ("typo",))


def _spelling(q: NameFeatures, r: NameFeatures) -> Match | None:
    """Latin names equal once words are joined ('SmithJones' = 'Smith-Jones') or ae/oe/ue folded."""
    if q.han or r.han or not q.words or not r.words or q.core == r.core:
        return None
    if "".join(q.words) == "".join(r.words) or (
            q.person and r.person and "".join(q.order) == "".join(r.order)):
        return Match(90.0, ("joined",))
    if q.skel and q.skel == r.skel:
        return Match(92.0, ("transliteration",))
    return None


def _trade(q: NameFeatures, r: NameFeatures) -> Match | None:
    """The query is the distinctive part of a recorded organisation's name ('Acme', '华强'), with or
    without city and legal form (a query naming an industry is matched on its whole core instead)."""
    if not pure_trade(q) or r.person or not r.trade:
        return None
    if q.han and r.han:
        ok = q.trade == r.trade
    elif not q.han and r.han:
        if " " not in q.trade and q.trade == r.trade_py:
            return Match(74.0, ("trade_name", "pinyin"))
        ok = False
    elif not q.han and not r.han:
        words = r.trade.split()
        ok = q.trade in (words[0], " ".join(words[:MAX_TRADE_WORDS]))
    else:
        ok = False
    return Match(76.0, ("trade_name",)) if ok else None


def pure_trade(f: NameFeatures) -> bool:
    """Whether a name is only a trade name (plus perhaps a city and a legal form)."""
    if not f.trade:
        return False
    return f.core == f.trade if f.han else set(f.core.split()) == set(f.trade.split())


def _extra(q: NameFeatures, r: NameFeatures) -> Match | None:
    """An organisation name with one descriptor word more or fewer ('Acme Trading Group' = 'Acme Trading')."""
    if q.han or r.han or r.person or not q.words or not r.words or not q.trade or q.trade != r.trade:
        return None
    a, b = set(q.core.split()), set(r.core.split())
    small, big = (a, b) if len(a) < len(b) else (b, a)
    if len(big) - len(small) != 1 or not small < big:
        return None
    return Match(75.0, ("extra_word",))


def _agree(q: NameFeatures, r: NameFeatures) -> int:
    """How many of legal form and region the recorded name shares with the query (what the query
    does not state counts as shared)."""
    return int(not q.legal or q.legal == r.legal) + int(not q.region or q.region == r.region)


def compare(q: NameFeatures, r: NameFeatures) -> Match | None:
    """The best explanation for `r` matching `q`, or None when they are different parties."""
    found = [m for m in (_exact(q, r), _person(q, r), _homophone(q, r), _typo(q, r), _spelling(q, r),
                         _trade(q, r), _extra(q, r)) if m]
    if not found:
        return None
    best = max(found, key=lambda m: (m.score, -m.band))
    if best.score < MIN_SCORE:
        return None
    return Match(best.score, best.reasons, _agree(q, r))
