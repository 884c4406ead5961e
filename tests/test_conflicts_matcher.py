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
