"""The matcher's judgement, pair by pair: every variant class in both languages, and near misses."""

from __future__ import annotations

import pytest

from bot.flows.matching.normalize import Normalizer
from bot.flows.matching.scoring import compare


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    """One normaliser for the module (building it loads the converters)."""
    return Normalizer()


def judge(norm: Normalizer, query: str, recorded: str, kind: str | None = None):  # type: ignore[no-untyped-def]
    """compare() on two written names."""
    return compare(norm.features(query), norm.features(recorded, kind))


@pytest.mark.parametrize(("query", "recorded", "kind", "reason"), [
    ("john smith", "John Smith", None, "same_name"),
    ("J.O.H.N Smith!", "John Smith", None, "same_name"),
    ("Müller GmbH", "Muller GmbH", None, "same_name"),
    ("ＡＣＭＥ　ＣＯ．，ＬＴＤ．", "Acme Co., Ltd.", None, "same_name"),
    ("The Acme Company, Inc.", "ACME LLC", None, "legal_form"),
    ("Smith and Jones LLP", "Smith & Jones", None, "legal_form"),
    ("Starlight Technology Co., Ltd.", "Starlight Technology (Beijing) Co., Ltd.", None, "region"),
    ("Smith, John", "John Smith", "person", "name_order"),
    ("John A. Smith", "John Smith", "person", "initials"),
    ("Mary J. Watson", "Mary Jane Watson", "person", "initials"),
    ("Bill Gates", "William Gates", "person", "nickname"),
    ("Bob Downey", "Robert Downey", "person", "nickname"),
    ("Jonathon Smithers", "Jonathan Smithers", "person", "typo"),
    ("Meridan Pharmaceuticals", "Meridian Pharmaceuticals Ltd", None, "typo"),
    ("星辰科技（北京）有限公司", "北京星辰科技有限公司", None, "region"),
    ("星辰科技(北京)有限公司", "北京市星辰科技有限公司", None, "region"),
    ("北京星辰科技股份有限公司", "北京星辰科技有限公司", None, "legal_form"),
    ("广东省深圳市星辰科技集团有限公司", "星辰科技有限公司", None, "legal_form"),
    ("臺灣積體電路製造股份有限公司", "台湾积体电路制造股份有限公司", None, "trad_simp"),
    ("張偉", "张伟", "person", "trad_simp"),
    ("Zhang Wei", "张伟", "person", "pinyin"),
    ("Wei Zhang", "张伟", "person", "pinyin"),
    ("ZHANG, Wei", "张伟", "person", "pinyin"),
    ("Zeng Zhiwei", "曾志伟", "person", "pinyin"),
    ("Dehua Liu", "刘德华", "person", "pinyin"),
    ("Nana Ouyang", "欧阳娜娜", "person", "pinyin"),
    ("Ouyang Nana", "欧阳娜娜", "person", "pinyin"),
    ("Wang Xiao Ming", "王小明", "person", "pinyin"),
    ("Xiaoming Wang", "王小明", "person", "pinyin"),
    ("章伟", "张伟", "person", "homophone"),
    ("北京星晨科技有限公司", "北京星辰科技有限公司", None, "homophone"),
    ("星辰智能装备科枝有限公司", "星辰智能装备科技有限公司", None, "typo"),
])
def test_variants_match_with_their_reason(norm: Normalizer, query: str, recorded: str, kind: str | None,
                                          reason: str) -> None:
    m = judge(norm, query, recorded, kind)
    assert m is not None, (query, recorded)
    assert reason in m.reasons, (query, recorded, m)


@pytest.mark.parametrize(("query", "recorded", "kind"), [
    ("北京华夏科技有限公司", "北京星辰科技有限公司", None),
    ("上海华夏贸易有限公司", "上海星辰贸易有限公司", None),
    ("北京银行股份有限公司", "中国银行股份有限公司", None),
    ("张强", "张伟", "person"),
    ("刘德明", "刘德华", "person"),
    ("Jane Smith", "John Smith", "person"),
    ("John Smith", "John Taylor", "person"),
    ("Moonlight Technology Ltd", "Starlight Technology Ltd", None),
    ("Apex Holdings Inc", "Acme Holdings Inc", None),
    ("Zhang Wen", "Zhang Wei", "person"),
    ("Beijing Bank", "Bank of China", None),
])
def test_near_misses_are_not_flagged(norm: Normalizer, query: str, recorded: str, kind: str | None) -> None:
    assert judge(norm, query, recorded, kind) is None


def test_homophones_score_below_identical_and_pinyin(norm: Normalizer) -> None:
    same = judge(norm, "张伟", "张伟", "person")
    pinyin = judge(norm, "Zhang Wei", "张伟", "person")
    homophone = judge(norm, "章伟", "张伟", "person")
    assert same and pinyin and homophone
    assert same.score == 100 > pinyin.score > homophone.score
    assert homophone.reasons == ("homophone",)


def test_scores_order_exact_over_folded_over_typo(norm: Normalizer) -> None:
    exact = judge(norm, "Acme Ltd", "Acme Ltd")
    folded = judge(norm, "ACME Incorporated", "Acme Ltd")
    typo = judge(norm, "Acmee Holdings", "Acme Holdings")
    assert exact and folded and typo
    assert exact.score > folded.score > typo.score


def test_region_alone_is_not_stripped_when_the_rest_is_generic(norm: Normalizer) -> None:
    assert norm.features("中国银行").core == "中国银行"
    assert norm.features("北京星辰科技有限公司").core == "星辰科技"


@pytest.mark.parametrize(("query", "recorded", "kind", "reason"), [
    # the trade name alone, with or without city, industry or legal form
    ("Acme", "Acme Industrial (Shanghai) Co., Ltd.", None, "trade_name"),
    ("Hengda", "Shanghai Hengda Trading Co., Ltd.", None, "trade_name"),
    ("Hengda Ltd", "Shanghai Hengda Trading Co., Ltd.", None, "trade_name"),
    ("Hengda", "恒大地产集团有限公司", None, "trade_name"),
    ("华强", "深圳华强电子有限公司", None, "trade_name"),
    ("深圳华强", "深圳华强电子有限公司", None, "trade_name"),
    ("华强集团", "深圳华强电子有限公司", None, "trade_name"),
    ("北京华强", "深圳华强电子有限公司", None, "trade_name"),
    ("Goldman", "The Goldman Sachs Group, Inc.", None, "trade_name"),
    # legal forms in words, abbreviated, Eastern European and Asian, misspelt
    ("Gazprom PJSC", "Gazprom Public Joint Stock Company", None, "same_name"),
    ("OOO Romashka", "Romashka LLC", None, "same_name"),
    ("Romashka OOO", "Romashka Limited Liability Company", None, "same_name"),
    ("ZAO Vympel", "Vympel Closed Joint Stock Company", None, "same_name"),
    ("Petronas Bhd", "Petronas Berhad", None, "same_name"),
    ("Acme Pte Ltd", "Acme Private Limited", None, "same_name"),
    ("Acme Intl Ltd", "Acme International Limited", None, "same_name"),
    ("Ferrari Società per Azioni", "Ferrari S.p.A.", None, "same_name"),
    ("Bosch Gesellschaft mit beschränkter Haftung", "Bosch GmbH", None, "same_name"),
    ("Equinor ASA", "Equinor", None, "legal_form"),
    ("Acme Limted", "Acme Ltd", None, "same_name"),
    ("Acme Corporaton", "Acme Corp", None, "same_name"),
    ("Harbour Incorprated", "Harbour Inc.", None, "same_name"),
    # numerals as digits, ordinals or words
    ("Twenty-First Century Fox", "21st Century Fox Inc", None, "legal_form"),
    ("Three Rivers Holdings", "3 Rivers Holdings", None, "same_name"),
    ("First National Bank", "1st National Bank", None, "same_name"),
    # a missing or extra token: titles, middle names, patronymics
    ("Dr. John Smith", "John Smith", "person", "same_name"),
    ("Prof. Hans Weber", "Hans Weber", "person", "same_name"),
    ("王芳女士", "王芳", "person", "same_name"),
    ("张伟先生", "张伟", "person", "same_name"),
    ("Ivan Sidorov", "Ivan Petrovich Sidorov", "person", "extra_word"),
    ("Sidorov Ivan Petrovich", "Ivan Sidorov", "person", "extra_word"),
    ("John Michael Smith", "John Smith", "person", "extra_word"),
    ("Meridian Pharmaceuticals Group", "Meridian Pharmaceuticals Ltd", None, "extra_word"),
    ("Meridian Pharmaceuticals", "Meridian Pharmaceuticals Holdings Ltd", None, "extra_word"),
    # tokens joined or split
    ("SmithJones Limited", "Smith Jones Ltd", None, "joined"),
    ("Smith-Jones Holdings", "SmithJones Holdings Inc", None, "joined"),
    ("Dr. Anna SmithJones", "Anna Smith-Jones", "person", "joined"),
    # German and Nordic letters transliterated differently
    ("Mueller Bau GmbH", "Müller Bau GmbH", None, "transliteration"),
    ("Bjoern Larsen", "Bjørn Larsen", "person", "transliteration"),
    ("Baer Holdings", "Bär Holdings", None, "transliteration"),
    ("Strasse AG", "Straße AG", None, "same_name"),
    # a typo in a short word when the rest agrees
    ("Acma Trading Holdings", "Acme Trading Holdings", None, "typo"),
    ("Mrak Johnston", "Mark Johnston", "person", "typo"),
])
def test_everyday_variants_match(norm: Normalizer, query: str, recorded: str, kind: str | None,
                                 reason: str) -> None:
    m = judge(norm, query, recorded, kind)
    assert m is not None, (query, recorded)
    assert reason in m.reasons, (query, recorded, m)


@pytest.mark.parametrize(("query", "recorded", "kind"), [
    ("Sachs Capital Group", "The Goldman Sachs Group, Inc.", None),      # not the leading trade word
    ("Moonlight Capital Group", "Capital Group Ltd", None),               # only generic words left
    ("Zhang Wen", "Zhang Wei", "person"),                                 # two pinyin syllables
    ("Acme", "Acme Smith", "person"),                                     # persons have no trade name
    ("Hengda", "Shanghai Hengtai Trading Co., Ltd.", None),
    ("华强", "深圳华为电子有限公司", None),
    ("Acne", "Acme", None),                                               # short typo needs another agreeing word
    ("华强科技", "深圳华强电子有限公司", None),                                 # another industry: another company
    ("Acme Software", "Acme Industrial (Shanghai) Co., Ltd.", None),
    ("Meridian Blue Pharmaceuticals", "Meridian Pharmaceuticals Ltd", None),  # an extra distinctive word
    ("Twenty Rivers Holdings", "3 Rivers Holdings", None),
    ("Ali Ltd", "Ali Behrad", "person"),                                  # a surname is not a misspelt legal form
    ("Yue Kong Ltd", "L.C. Yue Kong", "person"),                          # initials are not a legal form
])
def test_everyday_near_misses_are_not_flagged(norm: Normalizer, query: str, recorded: str, kind: str | None) -> None:
    assert judge(norm, query, recorded, kind) is None


def test_bands_rank_identical_equivalent_variant_weak(norm: Normalizer) -> None:
    identical = judge(norm, "Hicks Ltd.", "Hicks Ltd.")
    equivalent = judge(norm, "Hicks Limited", "Hicks PLC")
    variant = judge(norm, "Hicks", "Hicks Engineering Ltd")
    weak = judge(norm, "章伟", "张伟", "person")
    assert identical and equivalent and variant and weak
    assert [m.band for m in (identical, equivalent, variant, weak)] == [0, 1, 2, 3]
    same_form = judge(norm, "Hicks Limited", "Hicks Ltd.")
    assert same_form and same_form.band == 1 and same_form.agree > equivalent.agree
