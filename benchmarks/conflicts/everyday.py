"""Evaluation cases for what lawyers actually type: trade names, legal forms, numerals, titles,
middle names, joined words, transliterated letters and short-word typos (with near misses).

`add_everyday(builder)` appends them after the original cases (its own random stream, so the
original cases keep their numbers and content).
"""

from __future__ import annotations

import random
from typing import Any

from rapidfuzz.distance import Levenshtein

from benchmarks.conflicts import names as pools

SEED = 20261203

# (category, recorded, kind, query, expected)
HAND_EVERYDAY = [
    ("en_org_trade", "Acme Industrial (Shanghai) Co., Ltd.", "organization", "Acme", "match"),
    ("en_org_trade", "Shanghai Hengda Trading Co., Ltd.", "organization", "Hengda", "match"),
    ("zh_org_trade", "深圳华强电子有限公司", "organization", "华强", "match"),
    ("zh_org_trade", "深圳华强电子有限公司", "organization", "深圳华强", "match"),
    ("zh_org_trade", "恒大地产集团有限公司", "organization", "Hengda Ltd", "match"),
    ("en_org_trade_nearmiss", "Shanghai Hengda Trading Co., Ltd.", "organization", "Hengtai", "none"),
    ("zh_org_trade_nearmiss", "深圳华强电子有限公司", "organization", "华为", "none"),
    ("en_org_trade_nearmiss", "The Goldman Sachs Group, Inc.", "organization", "Sachs", "none"),
    ("en_org_legal_words", "Gazprom PJSC", "organization", "Gazprom Public Joint Stock Company", "match"),
    ("en_org_legal_words", "Romashka LLC", "organization", "OOO Romashka", "match"),
    ("en_org_legal_words", "Vympel Closed Joint Stock Company", "organization", "ZAO Vympel", "match"),
    ("en_org_legal_words", "Sberbank Open Joint Stock Company", "organization", "OAO Sberbank", "match"),
    ("en_org_legal_words", "Petronas Berhad", "organization", "Petronas Bhd", "match"),
    ("en_org_legal_words", "Genting Sendirian Berhad", "organization", "Genting Sdn Bhd", "match"),
    ("en_org_legal_words", "Wilmar International Limited", "organization", "Wilmar Intl Pte Ltd", "match"),
    ("en_org_legal_words", "Ferrari S.p.A.", "organization", "Ferrari Società per Azioni", "match"),
    ("en_org_legal_words", "Bosch GmbH", "organization", "Bosch Gesellschaft mit beschränkter Haftung", "match"),
    ("en_org_legal_words", "Tata Consultancy Services Private Limited", "organization",
     "Tata Consultancy Services Pvt Ltd", "match"),
    ("en_org_legal_typo", "Harbour Holdings Incorporated", "organization", "Harbour Holdings Incorprated", "match"),
    ("en_org_numerals", "Twenty-First Century Fox, Inc.", "organization", "21st Century Fox", "match"),
    ("en_org_numerals", "First National Bank of Omaha", "organization", "1st National Bank of Omaha", "match"),
    ("en_org_numerals_nearmiss", "Three Rivers Holdings Ltd", "organization", "Four Rivers Holdings Ltd", "none"),
    ("en_person_title", "John Smithson", "person", "Dr. John Smithson", "match"),
    ("en_person_title", "Hans Weber", "person", "Prof. Dr. Hans Weber", "match"),
    ("zh_person_title", "王芳", "person", "王芳女士", "match"),
    ("zh_person_title", "张建国", "person", "张建国先生", "match"),
    ("en_person_extra", "Ivan Petrovich Sidorov", "person", "Ivan Sidorov", "match"),
    ("en_person_extra", "Ivan Petrovich Sidorov", "person", "Sidorov Ivan Petrovich", "match"),
    ("en_person_joined", "Anna Smith-Jones", "person", "Anna SmithJones", "match"),
    ("en_person_joined", "Anna Smith-Jones", "person", "Anna Smith Jones", "match"),
    ("en_org_joined", "Smith-Jones Holdings Ltd", "organization", "SmithJones Holdings", "match"),
    ("en_person_translit", "Jürgen Müller", "person", "Juergen Mueller", "match"),
    ("en_person_translit", "Søren Østergaard", "person", "Soeren Oestergaard", "match"),
    ("en_org_translit", "Bär Holding AG", "organization", "Baer Holding AG", "match"),
    ("en_org_translit", "Großmann Bau GmbH", "organization", "Grossmann Bau GmbH", "match"),
    ("en_person_translit_nearmiss", "Jürgen Müller", "person", "Jürgen Mahler", "none"),
    ("en_org_short_typo", "Apex Nimbus Logistics Ltd", "organization", "Apxe Nimbus Logistics Ltd", "match"),
    ("en_person_short_typo", "Mark Harrington", "person", "Mrak Harrington", "match"),
    ("en_person_short_typo_nearmiss", "Zhang Wei", "person", "Zhang Wen", "none"),
]

LEGAL_WRITTEN = [("Ltd.", "Limited"), ("PLC", "Public Limited Company"), ("LLC", "Limited Liability Company"),
                 ("LLP", "Limited Liability Partnership"), ("GmbH", "Gesellschaft mit beschränkter Haftung"),
                 ("S.p.A.", "Società per Azioni"), ("S.A.", "Société Anonyme"), ("AG", "Aktiengesellschaft"),
                 ("Pty Ltd", "Proprietary Limited"), ("B.V.", "Besloten Vennootschap"), ("Inc.", "Incorporated"),
                 ("Corp.", "Corporation"), ("Sdn Bhd", "Sendirian Berhad"), ("PJSC", "Public Joint Stock Company"),
                 ("Pte Ltd", "Private Limited"), ("K.K.", "Kabushiki Kaisha"), ("AB", "Aktiebolag")]
EASTERN = [("OOO", "LLC"), ("OAO", "Open Joint Stock Company"), ("ZAO", "Closed Joint Stock Company"),
           ("PAO", "PJSC")]
LEGAL_TYPOS = {"Limited": ["Limted", "Limitd", "Limitied", "Lmited"], "Corporation": ["Corporaton", "Coporation",
               "Corporatoin"], "Incorporated": ["Incorporatd", "Incorprated", "Incoporated"],
               "Company": ["Compnay", "Comapny", "Compny"]}
NUMBERS = [("One", "1"), ("Two", "2"), ("Three", "3"), ("Four", "4"), ("Five", "5"), ("Seven", "7"),
           ("Ten", "10"), ("Twelve", "12"), ("First", "1st"), ("Second", "2nd"), ("Third", "3rd"),
           ("Twenty-First", "21st"), ("Thirty-Three", "33"), ("Fifth", "5th")]
MIDDLE = ["Anne", "Marie", "James", "Lee", "Elizabeth", "Michael", "Rose", "Edward", "Louise", "Alan"]
TITLES = ["Dr.", "Prof.", "Mr.", "Mrs.", "Ms.", "Dr", "Prof. Dr."]
HAN_TITLES = ["先生", "女士"]
GERMAN = [("Müller", "Mueller"), ("Schröder", "Schroeder"), ("Köhler", "Koehler"), ("Jäger", "Jaeger"),
          ("Krüger", "Krueger"), ("Schäfer", "Schaefer"), ("Böhm", "Boehm"), ("Günther", "Guenther"),
          ("Grün", "Gruen"), ("Höfer", "Hoefer"), ("Jørgensen", "Joergensen"), ("Sørensen", "Soerensen"),
          ("Østergaard", "Oestergaard"), ("Bjørn", "Bjoern"), ("Strauß", "Strauss"), ("Weiß", "Weiss"),
          ("Große", "Grosse"), ("Märklin", "Maerklin"), ("Dürr", "Duerr"), ("Förster", "Foerster")]
GERMAN_FIRST = ["Jürgen", "Jörg", "Björn", "Søren", "Günter", "Käthe", "Uwe", "Hans", "Dieter", "Jens"]
SHORT_TRADE = ["Ace", "Arc", "Orb", "Oak", "Elm", "Ivy", "Sky", "Rex", "Jet", "Axis", "Onyx", "Ruby", "Jade",
               "Iris", "Lynx", "Orca"]
SHORT_FIRST = ["Amy", "Ian", "Eve", "Ada", "Sam", "Tim", "Roy", "Ray", "Joe", "Kim", "Zoe", "Eli", "Guy", "Abe",
               "Ivy", "Mark", "Paul", "Emma", "Ruth", "Carl"]


def swap(rng: random.Random, word: str) -> str:
    """A short-word typo: two inner neighbours swapped (or the last letter dropped)."""
    i = rng.randrange(1, len(word) - 1)
    if word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:-1]


def add_everyday(b: Any, n: int = 12) -> None:
    """Hand-written everyday cases, then `n` generated cases (and near misses) per class."""
    for cat, rec, kind, query, exp in HAND_EVERYDAY:
        b.used.add(rec)
        b.add(cat, rec, kind, query, exp)
    r = random.Random(SEED)

    def unique_trade() -> tuple[str, str]:
        """Two trade words that no other recorded name starts with."""
        for _ in range(500):
            t1, t2 = r.sample(pools.EN_TRADE, 2)
            if f"{t1} {t2}" not in b.used:
                b.used.add(f"{t1} {t2}")
                return t1, t2
        raise RuntimeError("trade pool exhausted")

    for _ in range(n):
        # a trade name alone, with a city, or with a legal form
        t1, t2 = unique_trade()
        ind, form = r.choice(pools.EN_INDUSTRY), r.choice(pools.EN_FORMS)
        rec = r.choice([f"{t1} {t2} {ind} {form}", f"{t1} {t2} {ind} (Shanghai) {form}",
                        f"Beijing {t1} {t2} {ind} {form}"])
        query = r.choice([f"{t1} {t2}", f"{t1} {t2} {r.choice(pools.EN_FORMS)}", f"Shanghai {t1} {t2}"])
        b.add("en_org_trade", rec, "organization", query, "match")
        b.add("en_org_trade_nearmiss", rec, "organization", f"{t2} {ind}", "none")
        # Chinese trade name, with or without the city
        trade = r.choice(pools.HAN_TRADE) + r.choice(pools.HAN_TRADE)
        if trade in b.used:
            continue
        b.used.add(trade)
        city, zind, zform = r.choice(pools.HAN_CITIES), r.choice(pools.HAN_INDUSTRY), r.choice(pools.HAN_FORMS)
        zrec = f"{city}{trade}{zind}{zform}"
        b.add("zh_org_trade", zrec, "organization", r.choice([trade, f"{city}{trade}", f"{trade}集团"]), "match")
        b.add("zh_org_trade_nearmiss", zrec, "organization",
              f"{trade}{next(i for i in pools.HAN_INDUSTRY if i not in zind and zind not in i)}", "none")
        other = next(o for o in (r.choice(pools.HAN_TRADE) + r.choice(pools.HAN_TRADE) for _ in range(100))
                     if not set(o) & set(trade))
        b.add("zh_org_trade_nearmiss", zrec, "organization", other, "none")

    for _ in range(n):
        t1, t2 = unique_trade()
        ind = r.choice(pools.EN_INDUSTRY)
        short, written = r.choice(LEGAL_WRITTEN)
        rec, query = r.choice([(f"{t1} {t2} {ind} {short}", f"{t1} {t2} {ind} {written}"),
                               (f"{t1} {t2} {ind} {written}", f"{t1} {t2} {ind} {short}")])
        b.add("en_org_legal_words", rec, "organization", query, "match")
        east, west = r.choice(EASTERN)
        b.add("en_org_legal_words", f"{t2} {t1} {west}", "organization", f"{east} {t2} {t1}", "match")
        full, typos = r.choice(list(LEGAL_TYPOS.items()))
        t3, t4 = unique_trade()
        b.add("en_org_legal_typo", f"{t3} {t4} {ind} {full}", "organization", f"{t3} {t4} {ind} {r.choice(typos)}",
              "match")
        far = next(w for w in pools.EN_TRADE if Levenshtein.distance(w, t3) >= 4 and f"{w} {t4}" not in b.used)
        b.add("en_org_legal_typo_nearmiss", f"{t3} {t4} {ind} {full}", "organization",
              f"{far} {t4} {ind} {r.choice(typos)}", "none")

    for _ in range(n):
        (word, digit), t1 = r.choice(NUMBERS), r.choice(pools.EN_TRADE)
        ind, form = r.choice(pools.EN_INDUSTRY), r.choice(pools.EN_FORMS)
        if f"{word} {t1} {ind}" in b.used:
            continue
        b.used.add(f"{word} {t1} {ind}")
        rec, query = r.choice([(f"{word} {t1} {ind} {form}", f"{digit} {t1} {ind} {form}"),
                               (f"{digit} {t1} {ind} {form}", f"{word} {t1} {ind}")])
        b.add("en_org_numerals", rec, "organization", query, "match")
        other = next(d for w, d in r.sample(NUMBERS, len(NUMBERS)) if d.rstrip("stndrh") != digit.rstrip("stndrh"))
        b.add("en_org_numerals_nearmiss", rec, "organization", f"{other} {t1} {ind} {form}", "none")

    for _ in range(n):
        first, last = r.choice(pools.FIRST_NAMES), r.choice(pools.SURNAMES)
        middle = r.choice(MIDDLE)
        if f"{first} {middle} {last}" in b.used or middle == first:
            continue
        b.used.add(f"{first} {middle} {last}")
        rec, query = r.choice([(f"{first} {middle} {last}", f"{first} {last}"),
                               (f"{first} {last}", f"{first} {middle} {last}"),
                               (f"{first} {middle} {last}", f"{middle} {last}")])
        b.add("en_person_extra", rec, "person", query, "match")
        others = [f for f in pools.FIRST_NAMES if Levenshtein.distance(f, first) >= 3 and f != middle]
        middle2 = r.choice([m for m in MIDDLE if m != middle])
        b.add("en_person_extra_nearmiss", rec, "person", f"{r.choice(others)} {middle2} {last}", "none")
        titled = b.fresh(pools.en_person)
        b.add("en_person_title", titled, "person", f"{r.choice(TITLES)} {titled}", "match")
        zh = b.fresh(pools.han_person)
        b.add("zh_person_title", zh, "person", zh + r.choice(HAN_TITLES), "match")

    for _ in range(n):
        first, a, c = r.choice(pools.FIRST_NAMES), r.choice(pools.SURNAMES), r.choice(pools.SURNAMES)
        if a == c or f"{first} {a}-{c}" in b.used:
            continue
        b.used.add(f"{first} {a}-{c}")
        rec = f"{first} {a}-{c}"
        b.add("en_person_joined", rec, "person", r.choice([f"{first} {a}{c}", f"{first} {a} {c}"]), "match")
        t1, t2 = unique_trade()
        ind = r.choice(pools.EN_INDUSTRY)
        b.add("en_org_joined", f"{t1}{t2.lower()} {ind} Ltd", "organization",
              r.choice([f"{t1} {t2} {ind}", f"{t1}-{t2} {ind} Limited"]), "match")

    for _ in range(n):
        (umlaut, plain), first = r.choice(GERMAN), r.choice(GERMAN_FIRST)
        if f"{first} {umlaut}" in b.used:
            continue
        b.used.add(f"{first} {umlaut}")
        first_plain = (first.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ø", "oe")
                       .replace("Ø", "Oe"))
        rec, query = r.choice([(f"{first} {umlaut}", f"{first_plain} {plain}"),
                               (f"{first_plain} {plain}", f"{first} {umlaut}")])
        b.add("en_person_translit", rec, "person", query, "match")
        ind = r.choice(["Bau", "Logistik", "Maschinenbau", "Handel", "Holding"])
        b.add("en_org_translit", f"{umlaut} {ind} GmbH", "organization", f"{plain} {ind} GmbH", "match")
        far = next(s for s in pools.SURNAMES if Levenshtein.distance(s.lower(), plain.lower()) >= 3)
        b.add("en_person_translit_nearmiss", rec, "person", f"{first} {far}", "none")

    for _ in range(n):
        short, t2 = r.choice(SHORT_TRADE), r.choice(pools.EN_TRADE)
        ind, form = r.choice(pools.EN_INDUSTRY), r.choice(pools.EN_FORMS)
        if f"{short} {t2}" in b.used:
            continue
        b.used.add(f"{short} {t2}")
        rec = f"{short} {t2} {ind} {form}"
        b.add("en_org_short_typo", rec, "organization", f"{swap(r, short)} {t2} {ind} {form}", "match")
        far = next(s for s in r.sample(SHORT_TRADE, len(SHORT_TRADE)) if Levenshtein.distance(s, short) >= 3)
        b.add("en_org_short_typo_nearmiss", rec, "organization", f"{far} {t2} {ind} {form}", "none")
        first, last = r.choice(SHORT_FIRST), r.choice([s for s in pools.SURNAMES if len(s) >= 5])
        if f"{first} {last}" in b.used:
            continue
        b.used.add(f"{first} {last}")
        b.add("en_person_short_typo", f"{first} {last}", "person", f"{swap(r, first)} {last}", "match")
        other = next(f for f in r.sample(SHORT_FIRST, len(SHORT_FIRST)) if Levenshtein.distance(f, first) >= 2)
        b.add("en_person_short_typo_nearmiss", f"{first} {last}", "person", f"{other} {last}", "none")
