"""Messages of the conflict matcher: why a recorded party matched a searched name."""

MESSAGES = {
    "conflict.why.same_name": {"en": "same name", "zh-CN": "名称相同"},
    "conflict.why.legal_form": {"en": "same name after removing legal form", "zh-CN": "去除企业组织形式后名称相同"},
    "conflict.why.region": {"en": "same name apart from the region", "zh-CN": "除地区字样外名称相同"},
    "conflict.why.trad_simp": {"en": "traditional/simplified Chinese", "zh-CN": "繁简体转换后相同"},
    "conflict.why.pinyin": {"en": "same name in pinyin", "zh-CN": "拼音相同"},
    "conflict.why.homophone": {"en": "sounds the same (pinyin homophone) — review", "zh-CN": "同音不同字，请核对"},
    "conflict.why.name_order": {"en": "same person, names in another order", "zh-CN": "姓名顺序不同"},
    "conflict.why.nickname": {"en": "nickname of the same first name", "zh-CN": "英文昵称与正式名对应"},
    "conflict.why.initials": {"en": "same name apart from middle initials", "zh-CN": "除中间名缩写外相同"},
    "conflict.why.typo": {"en": "similar spelling (possible typo)", "zh-CN": "拼写相近（可能笔误）"},
    "conflict.why.alias": {"en": "matches a former, short or trade name", "zh-CN": "与曾用名、简称或商号相同"},
    "conflict.why.id_number": {"en": "same ID number / credit code", "zh-CN": "证件号码或统一社会信用代码相同"},
    "conflict.role.client": {"en": "current client", "zh-CN": "现有客户"},
    "conflict.role.former_client": {"en": "former client", "zh-CN": "前客户"},
    "conflict.role.adverse": {"en": "opposing party", "zh-CN": "对方当事人"},
    "conflict.role.related": {"en": "related party", "zh-CN": "关联方"},
}
