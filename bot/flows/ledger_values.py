"""Reading the values of a firm's client ledger as people write them: dates, tiers, kinds, areas, channels."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from storage.models.enums import ClientKind, ContactChannel, Tier

EXCEL_EPOCH = date(1899, 12, 30)
MAX_SERIAL = 2_958_465          # 9999-12-31
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{1,7}(?:\.\d+)?")
_LIST = re.compile(r"[,，;；、\n]+")

# Both tier schemes: 000 (strategic / core / potential / lost) and 004 (strategic / key / ordinary).
# Each word maps to its own tier; key clients follow core's cadence and ordinary ones are contacted on
# matter events (settings CADENCE and MATTER_MOMENT_TIERS).
TIERS = {
    "strategic": Tier.STRATEGIC, "战略": Tier.STRATEGIC, "战略客户": Tier.STRATEGIC, "a": Tier.STRATEGIC,
    "core": Tier.CORE, "核心": Tier.CORE, "核心客户": Tier.CORE, "vip": Tier.CORE, "b": Tier.CORE,
    "key": Tier.KEY, "重点": Tier.KEY, "重点客户": Tier.KEY,
    "potential": Tier.POTENTIAL, "潜力": Tier.POTENTIAL, "潜力客户": Tier.POTENTIAL, "潜在": Tier.POTENTIAL,
    "潜在客户": Tier.POTENTIAL, "c": Tier.POTENTIAL,
    "ordinary": Tier.ORDINARY, "普通": Tier.ORDINARY, "普通客户": Tier.ORDINARY,
    "一般": Tier.ORDINARY, "一般客户": Tier.ORDINARY,
    "lost": Tier.LOST, "流失": Tier.LOST, "流失客户": Tier.LOST, "已流失": Tier.LOST,
}
KINDS = {
    "individual": ClientKind.INDIVIDUAL, "person": ClientKind.INDIVIDUAL, "个人": ClientKind.INDIVIDUAL,
    "自然人": ClientKind.INDIVIDUAL, "个人客户": ClientKind.INDIVIDUAL,
    "enterprise": ClientKind.ENTERPRISE, "company": ClientKind.ENTERPRISE, "organization": ClientKind.ENTERPRISE,
    "企业": ClientKind.ENTERPRISE, "公司": ClientKind.ENTERPRISE, "法人": ClientKind.ENTERPRISE,
    "单位": ClientKind.ENTERPRISE, "企业客户": ClientKind.ENTERPRISE, "机构": ClientKind.ENTERPRISE,
    "合伙企业": ClientKind.ENTERPRISE,
    "government": ClientKind.GOVERNMENT, "政府": ClientKind.GOVERNMENT, "政府机关": ClientKind.GOVERNMENT,
    "机关": ClientKind.GOVERNMENT, "事业单位": ClientKind.GOVERNMENT, "政府/事业单位": ClientKind.GOVERNMENT,
    "public institution": ClientKind.GOVERNMENT,
}
# Practice areas (bot/flows/matters.py AREA_CODES): codes, English and Chinese words, most specific first.
AREA_WORDS: tuple[tuple[str, str], ...] = (
    ("刑", "lit_criminal"), ("criminal", "lit_criminal"),
    ("行政", "lit_admin"), ("administrative", "lit_admin"),
    ("并购", "nl_mna"), ("收购", "nl_mna"), ("m&a", "nl_mna"), ("merger", "nl_mna"),
    ("知识产权", "nl_ip"), ("商标", "nl_ip"), ("专利", "nl_ip"), ("著作权", "nl_ip"), ("intellectual", "nl_ip"),
    ("ip", "nl_ip"),
    ("税", "nl_tax"), ("tax", "nl_tax"),
    ("顾问", "retainer"), ("retainer", "retainer"),
    ("非诉", "nl_other"), ("合规", "nl_other"), ("尽职调查", "nl_other"), ("尽调", "nl_other"),
    ("non-litigation", "nl_other"),
    ("民", "lit_civil"), ("商事", "lit_civil"), ("诉讼", "lit_civil"), ("仲裁", "lit_civil"),
    ("劳动", "lit_civil"), ("civil", "lit_civil"), ("litigation", "lit_civil"),
)
SOURCE_WORDS: tuple[tuple[str, str], ...] = (
    ("老客户", "existing_client"), ("现有客户", "existing_client"), ("existing", "existing_client"),
    ("介绍", "referral"), ("推荐", "referral"), ("转介", "referral"), ("referr", "referral"),
    ("律所", "partner_firm"), ("partner firm", "partner_firm"), ("partner_firm", "partner_firm"),
    ("会", "conference"), ("论坛", "conference"), ("conference", "conference"),
    ("网", "website"), ("web", "website"),
)
CHANNELS = {
    "call": ContactChannel.CALL, "phone": ContactChannel.CALL, "电话": ContactChannel.CALL,
    "email": ContactChannel.EMAIL, "e-mail": ContactChannel.EMAIL, "邮件": ContactChannel.EMAIL,
    "邮箱": ContactChannel.EMAIL, "电子邮件": ContactChannel.EMAIL,
    "wechat": ContactChannel.WECHAT, "微信": ContactChannel.WECHAT,
    "meeting": ContactChannel.MEETING, "face to face": ContactChannel.MEETING, "面谈": ContactChannel.MEETING,
    "当面": ContactChannel.MEETING, "见面": ContactChannel.MEETING, "会面": ContactChannel.MEETING,
    "visit": ContactChannel.VISIT, "拜访": ContactChannel.VISIT, "上门": ContactChannel.VISIT,
    "other": ContactChannel.OTHER, "其他": ContactChannel.OTHER,
}
YES = frozenset({"y", "yes", "true", "1", "是", "有", "已同意", "同意", "✓", "√", "x"})
NO = frozenset({"n", "no", "false", "0", "否", "无", "未同意", "不同意", ""})


def clean(text: str | None) -> str:
    """A cell as meant: full-width letters and digits folded, runs of spaces collapsed, trimmed."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def key_of(text: str | None) -> str:
    """How a word is looked up in the tables above (folded, lower case, no spaces)."""
    return clean(text).casefold().replace(" ", "")


def parse_date(text: str | None) -> date | None:
    """A date written as Excel writes or people type it; None when blank; ValueError when not a date.

    Accepts ISO dates (and an Excel date-time), `2023/5/1`, `2023.05.01`, `2023年5月1日`,
    `20230501`, full-width digits, and Excel serial numbers (45047 is 2023-05-01). A bare
    year (1900-2100) is refused rather than read as a serial number.
    """
    t = clean(text)
    if not t:
        return None
    if m := _YMD.fullmatch(t):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _COMPACT.fullmatch(t):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if _SERIAL.fullmatch(t):
        serial = float(t)
        if 1900 <= serial <= 2100 or not 1 <= serial <= MAX_SERIAL:
            raise ValueError(t)
        return EXCEL_EPOCH + timedelta(days=int(serial))
    raise ValueError(t)


def parse_tier(text: str | None) -> str | None:
    """A tier in either scheme as the code stores it; None when blank; ValueError when unknown."""
    k = key_of(text)
    if not k:
        return None
    if k in TIERS:
        return TIERS[k].value
    raise ValueError(k)


def parse_kind(text: str | None) -> str | None:
    """The client kind; None when blank; ValueError when unknown."""
    k = key_of(text)
    if not k:
        return None
    found = KINDS.get(k) or KINDS.get(clean(text).casefold())
    if found is None:
        raise ValueError(k)
    return found.value


def parse_area(text: str | None) -> str | None:
    """A practice area code from a code, English or Chinese words; None when blank; ValueError when unknown."""
    from bot.flows.matters import AREA_CODES

    k = key_of(text)
    if not k:
        return None
    if k in AREA_CODES:
        return k
    codes = {code.lower(): area for area, code in AREA_CODES.items()}
    if k in codes:
        return codes[k]
    for word, area in AREA_WORDS:
        if word.isascii() and len(word) <= 3:
            if k == word:
                return area
        elif word.replace(" ", "") in k:
            return area
    raise ValueError(k)


def parse_source(text: str | None) -> str | None:
    """A source channel (website, referral, conference, partner firm, existing client, other)."""
    k = key_of(text)
    if not k:
        return None
    for word, source in SOURCE_WORDS:
        if word.replace(" ", "") in k:
            return source
    return "other"


def parse_channel(text: str | None) -> str | None:
    """A preferred channel; None when blank; ValueError when unknown."""
    k = key_of(text)
    if not k:
        return None
    found = CHANNELS.get(k) or CHANNELS.get(clean(text).casefold())
    if found is None:
        raise ValueError(k)
    return found.value


def parse_yes(text: str | None) -> bool:
    """A yes/no cell (consent); ValueError when it is neither."""
    k = key_of(text)
    if k in YES:
        return True
    if k in NO:
        return False
    raise ValueError(k)


def split_list(text: str | None) -> list[str]:
    """Names or tags written in one cell, separated by commas, semicolons, 、 or new lines."""
    out: list[str] = []
    for part in _LIST.split(unicodedata.normalize("NFKC", text or "").replace("\r", "\n")):
        part = " ".join(part.split())
        if part and part not in out:
            out.append(part)
    return out
