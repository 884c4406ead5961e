"""Messages of the App Home tab."""

MESSAGES = {
    "home.title": {"en": "Law CRM", "zh-CN": "律所客户管理助手"},
    "home.greeting": {
        "en": "Hello *{name}* — role: *{role}*{mp}. Language: {locale} (`/lawcrm lang en|zh-CN`).",
        "zh-CN": "您好，*{name}* — 角色：*{role}*{mp}。语言：{locale}（`/lawcrm lang en|zh-CN`）。",
    },
    "home.commands": {"en": "Commands", "zh-CN": "可用命令"},
}
