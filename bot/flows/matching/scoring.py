"""Decide whether a searched name and a recorded name may be the same party, how sure, and why."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.flows.matching.normalize import NameFeatures

# Scores: exact 100 ... possible typo ~80 ... homophone for review ~70; hits start at MIN_SCORE.
MIN_SCORE = 60.0
ALIAS_PENALTY = 2.0


@dataclass(frozen=True)
class Match:
    """A scored comparison: 0-100 and the reason codes."""

    score: float
    reasons: tuple[str, ...]


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
        return Match(70.0, ("homophone",))
    if q.han != r.han:
        return Match(92.0, ("pinyin",))
    reasons = []
    qa, ra = set(q.raw_tokens), set(r.raw_tokens)
    if qa != ra:
        if not (qa <= ra or ra <= qa):
            reasons.append("nickname")
        if len(qa) != len(ra):
            reasons.append("initials")
    elif q.order != r.order:
        reasons.append("name_order")
    if q.initials != r.initials and "initials" not in reasons:
        reasons.append("initials")
    score = 95.0 - (6.0 if "nickname" in reasons else 0.0) - (2.0 if "initials" in reasons else 0.0)
    return Match(score, tuple(reasons) or ("same_name",))


def _homophone(q: NameFeatures, r: NameFeatures) -> Match | None:
    """Chinese organisation cores that sound the same."""
    if q.han and r.han and q.pinyin_core and q.pinyin_core == r.pinyin_core and len(q.core) >= 2:
        return Match(72.0, ("homophone",))
    return None


def token_typos(a: tuple[str, ...], b: tuple[str, ...]) -> int | None:
    """Total edits between two word lists under the best alignment, or None if not a typo."""
    if len(a) != len(b) or not a or len(a) > 5:
        return None
    orders = itertools.permutations(b) if len(b) <= 3 else (b,)
    best = None
    for perm in orders:
        total = 0
        for x, y in zip(a, perm, strict=True):
            if x == y:
                continue
            limit = allowed_typos(min(len(x), len(y)) + 1)
            d = OSA.distance(x, y, score_cutoff=limit) if limit else 1
            if not limit or d > limit:
                break
            total += d
        else:
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
        d = token_typos(tuple(a.split()), tuple(b.split()))
        if d and d <= allowed_typos(min(len(a), len(b))) and (best is None or d < best):
            best = d
    if best is None:
        return None
    return Match(88.0 - 4.0 * best, ("typo",))


def compare(q: NameFeatures, r: NameFeatures) -> Match | None:
    """The best explanation for `r` matching `q`, or None when they are different parties."""
    found = [m for m in (_exact(q, r), _person(q, r), _homophone(q, r), _typo(q, r)) if m]
    if not found:
        return None
    best = max(found, key=lambda m: m.score)
    return best if best.score >= MIN_SCORE else None
