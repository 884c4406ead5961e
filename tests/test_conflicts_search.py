"""search_conflicts on a real database: retrieval through the index, IDs, aliases, ordering."""

from __future__ import annotations

from bot.flows.conflicts import record_party, search_conflicts
from bot.services import Services


def seed(services: Services) -> dict[str, int]:
    """A few recorded parties in both languages; returns name -> party id."""
    rows = [
        ("北京星辰科技有限公司", "adverse", "organization", [], None, "2025-LIT-0001"),
        ("中国银行股份有限公司", "client", "organization", ["中行", "Bank of China"], None, None),
        ("张伟", "former_client", "person", [], "110101199003074578", None),
        ("William Henry Gates", "adverse", "person", [], None, None),
        ("The Acme Company, Inc.", "related", None, [], None, None),
        ("Katherine Zeta-Jones", "client", None, [], None, None),
        ("臺灣積體電路製造股份有限公司", "adverse", None, ["台积电"], "91440300708461136T", None),
    ]
    ids = {}
    with services.session() as session:
        for name, role, kind, aliases, idn, ref in rows:
            ids[name] = record_party(session, name=name, role=role, kind=kind, aliases=aliases,
                                     id_number=idn, matter_ref=ref).id
    return ids


def hits_for(services: Services, name: str, id_number: str = ""):  # type: ignore[no-untyped-def]
    """The hits of one query."""
    with services.session() as session:
        return search_conflicts(session, names=[name], id_numbers=[id_number], cache=services.cache)[0].hits


def test_variants_are_found_through_the_index(services: Services) -> None:
    ids = seed(services)
    cases = {
        "星辰科技（北京）有限公司": "北京星辰科技有限公司",
        "Zhang Wei": "张伟",
        "張偉": "张伟",
        "Bill Gates": "William Henry Gates",
        "ACME CO., LTD.": "The Acme Company, Inc.",
        "Catherine Zeta Jones": "Katherine Zeta-Jones",
        "台湾积体电路制造有限公司": "臺灣積體電路製造股份有限公司",
    }
    for query, recorded in cases.items():
        assert ids[recorded] in {h.party_id for h in hits_for(services, query)}, query


def test_near_misses_find_nothing(services: Services) -> None:
    seed(services)
    for query in ("北京华夏科技有限公司", "北京银行股份有限公司", "张强", "Jane Gates", "Apex Company Inc"):
        assert hits_for(services, query) == [], query


def test_hit_carries_role_matter_score_reasons_and_why(services: Services) -> None:
    ids = seed(services)
    [hit] = hits_for(services, "星辰科技（北京）有限公司")
    assert hit.party_id == ids["北京星辰科技有限公司"]
    assert hit.name == "北京星辰科技有限公司"
    assert (hit.role, hit.matter) == ("adverse", "2025-LIT-0001")
    assert hit.reasons == ("region",)
    assert 90 <= hit.score < 100
    assert hit.why == "same name apart from the region"
    with services.session() as session:
        [zh] = search_conflicts(session, names=["星辰科技（北京）有限公司"], cache=services.cache, locale="zh-CN")
    assert zh.hits[0].why == "除地区字样外名称相同"


def test_same_id_number_is_a_hit_whatever_the_name(services: Services) -> None:
    ids = seed(services)
    hits = hits_for(services, "Somebody Else", " 110101199003074578 ")
    assert [(h.party_id, h.score, h.reasons) for h in hits] == [(ids["张伟"], 100.0, ("id_number",))]
    hits = hits_for(services, "TSMC", "91440300708461136t")
    assert hits[0].party_id == ids["臺灣積體電路製造股份有限公司"] and "id_number" in hits[0].reasons
    assert hits_for(services, "Somebody Else", "110101199003074579") == []


def test_aliases_are_searched(services: Services) -> None:
    ids = seed(services)
    [hit] = hits_for(services, "中行")
    assert hit.party_id == ids["中国银行股份有限公司"] and hit.name == "中国银行股份有限公司"
    assert hit.reasons[0] == "alias"
    assert hits_for(services, "BANK OF CHINA LIMITED")[0].party_id == ids["中国银行股份有限公司"]
    assert hits_for(services, "台積電")[0].party_id == ids["臺灣積體電路製造股份有限公司"]


def test_homophone_is_a_lower_scored_hit(services: Services) -> None:
    ids = seed(services)
    with services.session() as session:
        record_party(session, name="章伟", role="adverse", kind="person")
    hits = hits_for(services, "张伟")
    assert hits[0].party_id == ids["张伟"] and hits[0].score == 100.0
    assert hits[1].name == "章伟" and hits[1].reasons == ("homophone",) and hits[1].score < 80


def test_results_keep_input_order_and_blank_queries_find_nothing(services: Services) -> None:
    seed(services)
    with services.session() as session:
        results = search_conflicts(session, names=["Zhang Wei", "  ", "中行"], cache=services.cache)
    assert [r.query for r in results] == ["Zhang Wei", "  ", "中行"]
    assert results[1].hits == [] and results[0].hits and results[2].hits


def test_works_without_a_cache(services: Services) -> None:
    ids = seed(services)
    with services.session() as session:
        [res] = search_conflicts(session, names=["Zhang Wei"])
    assert res.hits[0].party_id == ids["张伟"]


def test_warm_up_builds_the_index_before_the_first_check(services: Services) -> None:
    from bot.flows.conflicts import warm_up
    from bot.flows.matching.engine import engine_for

    ids = seed(services)
    warm_up(services.engine, cache=services.cache)
    engine = engine_for(services.cache)
    assert engine.loaded and len(engine.index) >= len(ids)
    assert hits_for(services, "Zhang Wei")[0].party_id == ids["张伟"]


def _record(services: Services, names: list[str], kind: str | None = None) -> dict[str, int]:
    """Record names as opposing parties; name -> id."""
    with services.session() as session:
        return {n: record_party(session, name=n, role="adverse", kind=kind).id for n in names}


def test_short_trade_names_hit_below_closer_matches(services: Services) -> None:
    ids = _record(services, ["Acme Industrial (Shanghai) Co., Ltd.", "Shanghai Hengda Trading Co., Ltd.",
                             "深圳华强电子有限公司", "Acme Ltd", "Hengtai Trading Ltd"])
    for query, expected in [("Acme", "Acme Industrial (Shanghai) Co., Ltd."),
                            ("Hengda", "Shanghai Hengda Trading Co., Ltd."),
                            ("华强", "深圳华强电子有限公司"), ("深圳华强", "深圳华强电子有限公司")]:
        hits = hits_for(services, query)
        by_id = {h.party_id: h for h in hits}
        assert ids[expected] in by_id, query
        assert "trade_name" in by_id[ids[expected]].reasons
        assert by_id[ids[expected]].why == "trade name contained"
    acme = hits_for(services, "Acme")
    assert [h.party_id for h in acme][:2] == [ids["Acme Ltd"], ids["Acme Industrial (Shanghai) Co., Ltd."]]
    assert ids["Hengtai Trading Ltd"] not in {h.party_id for h in hits_for(services, "Hengda")}
    with services.session() as session:
        [zh] = search_conflicts(session, names=["华强"], cache=services.cache, locale="zh-CN")
    assert zh.hits[0].why == "包含相同字号（商号）"


def test_same_legal_form_ranks_first_within_a_band(services: Services) -> None:
    ids = _record(services, ["Hicks PLC", "Hicks Ltd.", "Hicks Inc"])
    hits = hits_for(services, "Hicks Limited")
    assert hits[0].party_id == ids["Hicks Ltd."]
    assert {h.band for h in hits} == {1}


def test_the_cap_keeps_stronger_bands_and_counts_the_weaker_hits(services: Services) -> None:
    weak = [f"Globex {w} Trading Ltd" for w in ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")]
    ids = _record(services, [*weak, "Globex Ltd", "Globex Corporation"])
    with services.session() as session:
        [capped] = search_conflicts(session, names=["Globex Limited"], cache=services.cache, max_hits=3)
        [every] = search_conflicts(session, names=["Globex Limited"], cache=services.cache, max_hits=None)
    assert [h.party_id for h in capped.hits][:2] == [ids["Globex Ltd"], ids["Globex Corporation"]]
    assert capped.more == len(every.hits) - 3 and capped.more >= 5
    assert every.more == 0 and len(every.hits) == 8
    bands = [h.band for h in every.hits]
    assert bands == sorted(bands)
