"""Free-text due dates (English and Chinese) and the one-line note grammar."""

from __future__ import annotations

from datetime import date

import pytest

from bot.flows.due_dates import find_date, parse_due
from bot.flows.errors import InvalidInput
from bot.flows.notes import detect_channel, parse_one_liner

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize("text, expected", [
    ("下周五", date(2026, 12, 4)),
    ("3天后", date(2026, 11, 26)),
    ("三天后", date(2026, 11, 26)),
    ("两周后", date(2026, 12, 7)),
    ("周五", date(2026, 11, 27)),
    ("星期一", date(2026, 11, 30)),
    ("明天", date(2026, 11, 24)),
    ("后天", date(2026, 11, 25)),
    ("12月1日", date(2026, 12, 1)),
    ("1月5号", date(2027, 1, 5)),
    ("fri", date(2026, 11, 27)),
    ("Friday", date(2026, 11, 27)),
    ("next fri", date(2026, 12, 4)),
    ("mon", date(2026, 11, 30)),
    ("in 2 weeks", date(2026, 12, 7)),
    ("in 3 days", date(2026, 11, 26)),
    ("in a month", date(2026, 12, 23)),
    ("tomorrow", date(2026, 11, 24)),
    ("2026-12-01", date(2026, 12, 1)),
    ("12/1", date(2026, 12, 1)),
])
def test_due_dates_in_english_and_chinese(text, expected):
    assert parse_due(text, today=MONDAY) == expected


def test_a_date_phrase_is_removed_from_the_step():
    found = find_date("send handbook draft fri", today=MONDAY)
    assert found is not None and found.rest == "send handbook draft"
    found = find_date("下周五前发送合同修改稿", today=MONDAY)
    assert found is not None and found.on == date(2026, 12, 4) and "发送合同修改稿" in found.rest


@pytest.mark.parametrize("text", ["send it soon", "2026-02-30", "13/45", ""])
def test_no_date_or_impossible_dates_are_not_guessed(text):
    assert parse_due(text, today=MONDAY) is None


def test_one_liner_with_channel_and_next_step():
    p = parse_one_liner("Acme: call, discussed the labour dispute; next: send handbook draft fri",
                        today=MONDAY)
    assert (p.client_query, p.channel) == ("Acme", "call")
    assert p.text == "call, discussed the labour dispute"
    assert (p.next_step, p.due_on) == ("send handbook draft", date(2026, 11, 27))


def test_one_liner_in_chinese_with_explicit_channel():
    p = parse_one_liner("华为：讨论了合规培训 via: 微信；下一步：3天后发送培训材料", today=MONDAY)
    assert (p.client_query, p.channel, p.text) == ("华为", "wechat", "讨论了合规培训")
    assert (p.next_step, p.due_on) == ("发送培训材料", date(2026, 11, 26))


def test_channel_detection_both_languages():
    assert detect_channel("拜访了客户总部") == "visit"
    assert detect_channel("sent an email with the memo") == "email"
    assert detect_channel("lunch meeting with the GC") == "meeting"
    assert detect_channel("discussed fees") is None


@pytest.mark.parametrize("raw", ["no colon here", "Acme:", ": text only", "Acme: via: fax hello"])
def test_malformed_one_liners_are_refused(raw):
    with pytest.raises(InvalidInput):
        parse_one_liner(raw, today=MONDAY)


@pytest.mark.parametrize("name, key", [
    ("Müller GmbH", "muller"),
    ("ACME LLP", "acme"),
    ("Acme Trading Ltd.", "acmetrading"),
    ("ＡＣＭＥ　Ｔｒａｄｉｎｇ　Ｌｔｄ", "acmetrading"),          # full width
    ("Acme L.L.C.", "acme"),
    ("O’Brien & Co", "obrien"),
    ("華為技術有限公司", "华为技术"),
    ("华为技术股份有限公司", "华为技术"),
    ("Costco Wholesale", "costcowholesale"),                 # a legal word inside a word stays
    ("Ltd", "ltd"),                                          # nothing but a legal form
])
def test_client_names_fold_like_the_conflict_matcher(name, key):
    from bot.flows.clients import normalize_name

    assert normalize_name(name) == key


def test_note_and_follow_up_checks_name_the_blocks_of_their_forms():
    from bot.blocks.upkeep import followup_modal, note_modal
    from bot.flows.followups import follow_up_problems
    from bot.flows.notes import note_problems
    from bot.ids import UpkeepBlock as B

    note = note_problems(text=" ", channel="fax", day=date(2026, 11, 24), today=MONDAY,
                         next_step=None, due_on=date(2026, 11, 1))
    assert set(note) == {B.TEXT, B.CHANNEL, B.DATE, B.NEXT, B.DUE}
    assert all(exc.field == block for block, exc in note.items())
    assert set(note) <= {b.get("block_id") for b in note_modal(locale="en", today=MONDAY)["blocks"]}
    follow = follow_up_problems(title="x" * 501, due_on=None, today=MONDAY)
    assert set(follow) == {B.TITLE, B.DUE} and follow[B.TITLE].params == {"limit": 500}
    form = followup_modal(locale="en", client_id=1, client_name="A", today=MONDAY)
    assert set(follow) <= {b.get("block_id") for b in form["blocks"]}
    assert note_problems(text="ok", channel="call", day=MONDAY, today=MONDAY, next_step="send",
                         due_on=MONDAY) == {}


@pytest.mark.parametrize("text, expected, rest", [
    ("2026-02-30 or 2026-03-02 call", date(2026, 3, 2), "2026-02-30 or call"),
    ("13/45 then 12/5", date(2026, 12, 5), "13/45 then"),
    ("send memo 2月30日 or 12月3日", date(2026, 12, 3), "send memo 2月30日 or"),
])
def test_a_later_real_date_counts_when_an_earlier_one_is_impossible(text, expected, rest):
    found = find_date(text, today=MONDAY)
    assert found is not None and (found.on, found.rest) == (expected, rest)
