"""Names to comparable features: width, case, diacritics, scripts, legal forms, regions, pinyin."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

import opencc
from pypinyin import Style, pinyin
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.flows.matching import lexicon

BRACKETED = r"[(\[{（【〔［｛「『《]([^)\]}）】〕］｝」』》]*)[)\]}）】〕］｝」』》]"
DOTTED = r"\b(?:[^\W\d_]\.){2,}"
MAX_PERSON_KEYS = 4
MAX_PAIRED_TOKENS = 4
HAN_TITLES = ("先生", "女士", "小姐", "博士", "教授")


def is_han(ch: str) -> bool:
    """Whether a character is a CJK ideograph."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F or 0xF900 <= o <= 0xFAFF


@dataclass(frozen=True)
class NameFeatures:
    """Everything the index and the scorer need to know about one written name."""

    raw: str
    han: bool                       # written (mostly) in Chinese characters
    plain: str                      # folded, alphanumerics only, no script conversion
    simp: str                       # plain, traditional/variant characters simplified
    core: str                       # organisation core: legal form, region, "The", "&" removed
    legal: tuple[str, ...]          # legal-form words removed
    region: tuple[str, ...]         # region words removed
    person: bool                    # could be a person's name
    person_keys: tuple[str, ...]    # sorted canonical given/family names (pinyin for Chinese)
    order: tuple[str, ...]          # person tokens in written order ("Smith, John" -> john smith)
    initials: tuple[str, ...]       # single-letter tokens of a Latin person name
    raw_tokens: tuple[str, ...]     # sorted person tokens before nickname mapping
    pinyin_core: str                # pinyin of a Chinese core (homophones)
    latin: str                      # the string typos are measured on ("" for Chinese persons)
    words: tuple[str, ...] = ()     # Latin core words in written order
    trade: str = ""                 # the distinctive part of an organisation name (its trade name)
    trade_py: str = ""              # pinyin of a Chinese trade name, joined
    skel: str = ""                  # Latin core with ae/oe/ue/aa folded ("Mueller" = "Müller")


def skeleton(text: str) -> str:
    """Digraph transliterations folded to one letter: ae/oe/ue/aa -> a/o/u/a (not in 'que', 'gue')."""
    return _SKELETON.sub(lambda m: m.group(0)[0], text)


_SKELETON = re.compile(r"ae|oe|(?<![qg])ue|aa")


def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (pypinyin's dictionary), to tell names from typos."""
    from pypinyin.constants import PINYIN_DICT

    found = set()
    for readings in PINYIN_DICT.values():
        for r in readings.split(","):
            plain = "".join(ch for ch in unicodedata.normalize("NFKD", r) if not unicodedata.combining(ch))
            found.add(plain.replace("ü", "u"))
    return frozenset(found)


class Normalizer:
    """Builds NameFeatures; holds the converters and per-character caches of one process."""

    def __init__(self) -> None:
        self._bracketed = re.compile(BRACKETED)
        self._dotted = re.compile(DOTTED)
        self._t2s = opencc.OpenCC("t2s")
        self._hk2s = opencc.OpenCC("hk2s")
        self._simp: dict[str, str] = {}
        self._py: dict[str, str] = {}
        self.latin_legal = frozenset(lexicon.LATIN_LEGAL_FORMS + lexicon.LATIN_LEGAL_FORMS_MORE)
        self.latin_legal_trailing = frozenset(lexicon.LATIN_LEGAL_TRAILING)
        self.legal_phrases = {tuple(k.split()): tuple(v.split()) for k, v in lexicon.LATIN_LEGAL_PHRASES.items()}
        self.legal_phrase_starts = frozenset(k[0] for k in self.legal_phrases)
        self.legal_phrase_lengths = tuple(sorted({len(k) for k in self.legal_phrases}, reverse=True))
        self.legal_equivalents = dict(lexicon.LATIN_LEGAL_EQUIVALENTS)
        self.legal_typo_targets = tuple(lexicon.LATIN_LEGAL_TYPO_TARGETS)
        self.latin_legal_edge = frozenset(lexicon.LATIN_LEGAL_EDGE)
        self.abbreviations = dict(lexicon.LATIN_ABBREVIATIONS)
        self.number_words = dict(lexicon.NUMBER_WORDS)
        self.number_tens = dict(lexicon.NUMBER_TENS)
        self.latin_noise = frozenset(lexicon.LATIN_NOISE)
        self.latin_regions = frozenset(lexicon.LATIN_REGIONS)
        self.latin_generic = frozenset(lexicon.LATIN_GENERIC)
        self.trade_generic = self.latin_generic | frozenset(lexicon.LATIN_TRADE_GENERIC) | frozenset(
            w for r in lexicon.LATIN_REGIONS for w in r.split())
        self.latin_org = frozenset(lexicon.ORG_MARKERS_LATIN)
        self.person_noise = frozenset(lexicon.PERSON_NOISE)
        self.han_legal = tuple(sorted(set(lexicon.HAN_LEGAL_FORMS), key=len, reverse=True))
        self.han_regions = tuple(sorted(set(lexicon.HAN_REGIONS), key=len, reverse=True))
        self.han_region_suffixes = tuple(sorted(lexicon.HAN_REGION_SUFFIXES, key=len, reverse=True))
        self.han_legal_set = frozenset(self.han_legal)
        self.han_legal_lengths = tuple(sorted({len(w) for w in self.han_legal}, reverse=True))
        self.han_region_set = frozenset(self.han_regions)
        self.han_region_lengths = tuple(sorted({len(w) for w in self.han_regions}, reverse=True))
        self.han_suffix_set = frozenset(self.han_region_suffixes)
        self.han_suffix_lengths = tuple(sorted({len(w) for w in self.han_region_suffixes}, reverse=True))
        self.han_generic = tuple(sorted(set(lexicon.HAN_GENERIC), key=len, reverse=True))
        self.han_generic_set = frozenset(self.han_generic)
        self.han_generic_lengths = tuple(sorted({len(w) for w in self.han_generic}, reverse=True))
        self.han_org = tuple(lexicon.ORG_MARKERS_HAN)
        self.nicknames = {k: tuple(v.split()) for k, v in lexicon.NICKNAMES.items()}
        self.surnames = dict(lexicon.SURNAME_READINGS)
        self.compound_surnames = frozenset(lexicon.COMPOUND_SURNAMES)

    # ---- characters -------------------------------------------------------------------
    def simplify(self, text: str) -> str:
        """Traditional and Hong Kong/Taiwan variant characters to simplified, char by char."""
        out = []
        for ch in text:
            s = self._simp.get(ch)
            if s is None:
                s = self._t2s.convert(self._hk2s.convert(ch)) if is_han(ch) else ch
                if len(s) != 1:
                    s = ch
                self._simp[ch] = s
            out.append(s)
        return "".join(out)

    def reading(self, ch: str) -> str:
        """The most common pinyin reading of one character (itself when not Chinese)."""
        r = self._py.get(ch)
        if r is None:
            r = pinyin(ch, style=Style.NORMAL, errors="default")[0][0] if is_han(ch) else ch
            self._py[ch] = r
        return r

    def to_pinyin(self, text: str) -> list[str]:
        """Pinyin syllables of the Chinese characters (other characters grouped as words)."""
        out: list[str] = []
        word = ""
        for ch in text:
            if is_han(ch):
                if word:
                    out.append(word)
                    word = ""
                out.append(self.reading(ch))
            else:
                word += ch
        if word:
            out.append(word)
        return out

    @staticmethod
    def fold(text: str) -> str:
        """NFKC (full width to half width), case folding, diacritics removed."""
        text = unicodedata.normalize("NFKC", text).casefold()
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        text = text.replace("ß", "ss").replace("ø", "o").replace("đ", "d").replace("æ", "ae").replace("œ", "oe")
        return unicodedata.normalize("NFC", text)

    # ---- the whole name ----------------------------------------------------------------
    def features(self, raw: str, kind: str | None = None) -> NameFeatures:
        """Features of one written name; `kind` is person / organization / None (guess both)."""
        folded = self.fold(raw)
        han_count = sum(1 for ch in folded if is_han(ch))
        alnum_count = sum(1 for ch in folded if ch.isalnum())
        han = han_count > 0 and han_count * 2 >= alnum_count - han_count
        plain = "".join(ch for ch in folded if ch.isalnum())
        simp = self.simplify(plain)
        if han:
            core, legal, region = self._han_core(folded)
            pinyin_core = "".join(self.to_pinyin(core))
        else:
            core, legal, region, words = self._latin_core(folded)
            pinyin_core = ""
        person_like = kind == "person" or (
            kind is None and not legal and self._looks_like_person(folded, han))
        order: tuple[str, ...] = ()
        initials: tuple[str, ...] = ()
        raw_tokens: tuple[str, ...] = ()
        keys: tuple[str, ...] = ()
        if person_like:
            if han:
                keys, order = self._han_person(simp)
                raw_tokens = tuple(sorted(order))
            else:
                keys, order, initials, raw_tokens = self._latin_person(folded)
            if not keys:
                person_like = False
        latin = "" if han and person_like else (keys[0] if person_like and keys else core)
        if han:
            words: tuple[str, ...] = ()
            trade = self._han_trade(core) if not (person_like and kind == "person") else ""
            trade = trade if len(trade) >= 2 else ""
            trade_py = "".join(self.to_pinyin(trade)) if trade else ""
            skel = ""
        else:
            trade = " ".join(w for w in words if w not in self.trade_generic)
            trade = trade if len(trade) >= 3 and kind != "person" else ""
            trade_py = ""
            skel = skeleton(core)
        return NameFeatures(raw=raw, han=han, plain=plain, simp=simp, core=core, legal=legal,
                            region=region, person=person_like, person_keys=keys, order=order,
                            initials=initials, raw_tokens=raw_tokens, pinyin_core=pinyin_core,
                            latin=latin, words=words, trade=trade, trade_py=trade_py, skel=skel)

    def _looks_like_person(self, folded: str, han: bool) -> bool:
        """No organisation words, and the length of a personal name."""
        if han:
            chars = "".join(ch for ch in folded if is_han(ch))
            for title in HAN_TITLES:
                if chars.endswith(title) and len(chars) >= len(title) + 2:
                    chars = chars[: -len(title)]
            other = sum(1 for ch in folded if ch.isalnum() and not is_han(ch))
            if other or not 2 <= len(chars) <= 4:
                return False
            return not any(m in chars for m in self.han_org)
        tokens = self._latin_tokens(folded)
        if not 1 <= len(tokens) <= 5:
            return False
        return not any(t in self.latin_org or t in self.latin_legal or t == "and" or t.isdigit()
                       for t in tokens)

    def _latin_tokens(self, folded: str) -> list[str]:
        """Words of a Latin name: '&' read as 'and', apostrophes joined, punctuation split."""
        text = folded.replace("&", " and ").replace("'", "").replace("’", "")
        text = self._dotted.sub(lambda m: m.group(0).replace(".", ""), text)
        return self._numbers([self.abbreviations.get(t, t) for t in re.findall(r"[^\W_]+", text)])

    def _numbers(self, tokens: list[str]) -> list[str]:
        """Number words and ordinals as digits: 'Twenty-First' = '21st' = '21'."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok in self.number_tens:
                value = self.number_tens[tok]
                nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
                if 1 <= self.number_words.get(nxt, 0) <= 9:
                    value += self.number_words[nxt]
                    i += 1
                out.append(str(value))
            elif tok in self.number_words:
                out.append(str(self.number_words[tok]))
            elif tok[:1].isdigit() and tok[-2:] in ("st", "nd", "rd", "th") and tok[:-2].isdigit():
                out.append(tok[:-2])
            else:
                out.append(tok)
            i += 1
        return out

    # ---- organisations -------------------------------------------------------------------
    def _strip_region_brackets(self, folded: str, han: bool) -> tuple[str, list[str]]:
        """Remove bracketed regions, keep other bracketed words."""
        regions: list[str] = []

        def repl(m: re.Match[str]) -> str:
            """A bracketed region becomes a space; other bracketed words stay."""
            inner = m.group(1).strip()
            if han:
                inner_s = self.simplify("".join(ch for ch in inner if ch.isalnum()))
                base = self._strip_region_suffix(inner_s)
                if base in self.han_regions or inner_s in self.han_regions:
                    regions.append(base)
                    return " "
            else:
                words = " ".join(self._latin_tokens(inner))
                if words in self.latin_regions:
                    regions.append(words)
                    return " "
            return f" {inner} "

        return self._bracketed.sub(repl, folded), regions

    def _strip_region_suffix(self, text: str) -> str:
        """'北京市' -> '北京'."""
        for suf in self.han_region_suffixes:
            if text.endswith(suf) and len(text) > len(suf) + 1:
                return text[: -len(suf)]
        return text

    def _distinctive(self, core: str) -> str:
        """A Chinese core without industry and descriptor words."""
        for word in self.han_generic:
            core = core.replace(word, "")
        return core

    def _han_trade(self, core: str) -> str:
        """A Chinese core without its trailing industry and descriptor words ('华强电子' -> '华强')."""
        stripped = True
        while stripped:
            stripped = False
            for n in self.han_generic_lengths:
                if len(core) - n >= 2 and core[-n:] in self.han_generic_set:
                    core = core[:-n]
                    stripped = True
                    break
        return core

    def _suffix(self, text: str, words: frozenset[str], lengths: tuple[int, ...]) -> str | None:
        """The longest word of `words` that ends `text` and leaves something before it."""
        for n in lengths:
            if len(text) > n and text[-n:] in words:
                return text[-n:]
        return None

    def _prefix(self, text: str, words: frozenset[str], lengths: tuple[int, ...]) -> str | None:
        """The longest word of `words` that starts `text`."""
        for n in lengths:
            if text[:n] in words:
                return text[:n]
        return None

    def _han_core(self, folded: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """Chinese organisation core: legal forms off the end, regions off the front or brackets."""
        text, regions = self._strip_region_brackets(folded, True)
        core = self.simplify("".join(ch for ch in text if ch.isalnum()))
        legal: list[str] = []
        while True:
            form = self._suffix(core, self.han_legal_set, self.han_legal_lengths)
            if form:
                legal.append(form)
                core = core[: -len(form)]
                continue
            reg = self._suffix(core, self.han_region_set, self.han_region_lengths) if legal else None
            if reg and self._distinctive(core[: -len(reg)]):
                regions.append(reg)
                core = core[: -len(reg)]
                continue
            break
        for _ in range(3):
            reg = self._prefix(core, self.han_region_set, self.han_region_lengths)
            if not reg:
                break
            rest = core[len(reg):]
            suf = self._prefix(rest, self.han_suffix_set, self.han_suffix_lengths)
            if suf and self._distinctive(rest[len(suf):]):
                rest = rest[len(suf):]
            if len(rest) < 2 or not self._distinctive(rest):
                break
            regions.append(reg)
            core = rest
        return core, tuple(sorted(legal)), tuple(sorted(regions))

    def _legal_phrases(self, tokens: list[str]) -> list[str]:
        """Legal forms written in words replaced by their abbreviation ('Public Limited Company' = 'PLC')."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if tokens[i] in self.legal_phrase_starts:
                for n in self.legal_phrase_lengths:
                    short = self.legal_phrases.get(tuple(tokens[i:i + n]))
                    if short and i + n <= len(tokens):
                        out.extend(short)
                        i += n
                        break
                else:
                    out.append(tokens[i])
                    i += 1
                continue
            out.append(tokens[i])
            i += 1
        return out

    def _legal_words(self, tokens: list[str]) -> set[int]:
        """Positions of legal-form words: known forms anywhere, short forms and misspelt forms at the end."""
        found = {i for i, t in enumerate(tokens) if t in self.latin_legal}
        if len(tokens) > 1:
            found |= {i for i in (0, len(tokens) - 1) if tokens[i] in self.latin_legal_edge}
        i = len(tokens) - 1
        while i > 0 and len(found) < len(tokens) - 1:
            t = tokens[i]
            if i in found:
                i -= 1
                continue
            if t in self.latin_legal_trailing or self._misspelt_legal(t):
                found.add(i)
                i -= 1
                continue
            break
        return found

    def _misspelt_legal(self, token: str) -> str | None:
        """The legal-form word a long token is a typo of ('Limted' -> 'limited')."""
        if len(token) < 5 or token.isdigit():
            return None
        limit = 2 if len(token) >= 10 else 1
        best = process.extractOne(token, self.legal_typo_targets, scorer=OSA.distance, score_cutoff=limit)
        return best[0] if best else None

    def _latin_core(self, folded: str) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """Latin organisation core: sorted words without legal forms, 'The', 'and', regions (and in order)."""
        text, regions = self._strip_region_brackets(folded, False)
        tokens = self._legal_phrases([self.simplify(t) for t in self._latin_tokens(text)])
        at = self._legal_words(tokens)
        legal = [t if t in self.latin_legal or t in self.latin_legal_trailing or t in self.latin_legal_edge
                 else (self._misspelt_legal(t) or t)
                 for i, t in enumerate(tokens) if i in at]
        legal = [self.legal_equivalents.get(t, t) for t in legal]
        words = [t for i, t in enumerate(tokens) if i not in at and t not in self.latin_noise]
        if not words:
            words = [t for t in tokens if t not in self.latin_noise] or tokens
            legal = []
        if len(words) > 1:
            for n in (2, 1):
                lead = " ".join(words[:n])
                rest = words[n:]
                if lead in self.latin_regions and rest and any(w not in self.latin_generic for w in rest):
                    regions.append(lead)
                    words = rest
                    break
        return " ".join(sorted(words)), tuple(sorted(set(legal))), tuple(sorted(regions)), tuple(words)

    # ---- persons ---------------------------------------------------------------------------
    def _han_person(self, simp: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Pinyin keys of a Chinese personal name (syllables sorted; given name joined too)."""
        for title in HAN_TITLES:
            if simp.endswith(title) and len(simp) >= len(title) + 2:
                simp = simp[: -len(title)]
        chars = [ch for ch in simp if is_han(ch)]
        if not 2 <= len(chars) <= 4:
            return (), ()
        syllables = [self.reading(ch) for ch in chars]
        first = {syllables[0]}
        if chars[0] in self.surnames:
            first.add(self.surnames[chars[0]])
        keys: list[str] = []
        for f in sorted(first):
            sy = [f, *syllables[1:]]
            keys.append(" ".join(sorted(sy)))
            if len(sy) >= 3:
                keys.append(" ".join(sorted([sy[0], "".join(sy[1:])])))
            if len(sy) >= 3 and (len(sy) == 4 or "".join(chars[:2]) in self.compound_surnames):
                keys.append(" ".join(sorted([sy[0] + sy[1], "".join(sy[2:])])))
            keys.append("".join(sy))
        return tuple(dict.fromkeys(keys)), tuple(syllables)

    def _latin_person(self, folded: str) -> tuple[tuple[str, ...], ...]:
        """Keys of a Latin personal name: order-free, initials dropped, nicknames mapped."""
        if folded.count(",") == 1:
            last, first = folded.split(",")
            if last.strip() and first.strip():
                folded = f"{first} {last}"
        tokens = [t for t in self._latin_tokens(folded) if t not in self.person_noise]
        full = [t for t in tokens if len(t) > 1]
        initials = tuple(sorted(t for t in tokens if len(t) == 1))
        if len(full) < 2:
            if len(full) == 1 and not initials:
                return (full[0],), tuple(full), (), tuple(full)
            return (), (), (), ()
        options = [(t, *self.nicknames.get(t, ())) for t in full]
        keys = []
        for combo in itertools.islice(itertools.product(*options), MAX_PERSON_KEYS):
            keys.append(" ".join(sorted(combo)))
        formal = [self.nicknames.get(t, (t,))[0] for t in full]
        keys.insert(1 if keys else 0, " ".join(sorted(formal)))
        if len(full) >= 3:
            for first in (full[0], *self.nicknames.get(full[0], ())):
                keys.append(" ".join(sorted((first, full[-1]))))
            if len(full) <= MAX_PAIRED_TOKENS:
                # A missing or extra name (middle name, patronymic) in any position.
                keys.extend(" ".join(sorted(pair)) for pair in itertools.combinations(full, 2))
        keys.append("".join(full))
        keys.extend([skeleton(k) for k in keys])
        return tuple(dict.fromkeys(keys)), tuple(full), initials, tuple(sorted(full))
