"""Messages of `/lawcrm help` and `/lawcrm whoami`."""

MESSAGES = {
    "help.title": {"en": "Law CRM — what I can do", "zh-CN": "律所客户管理助手 — 功能一览"},
    "help.body": {
        "en": (
            "*/intake* — new client or matter: conflict check, then partner approval\n"
            "*/conflict* NAME[; NAME…] — private conflict check (`--all` lists every hit)\n"
            "*/note* CLIENT: text — record a contact (`next: … fri` adds a follow-up)\n"
            "*/client* NAME — the client's profile card (Edit, hearings, tier; `/client` alone: list, search, export)\n"
            "*/hearing* MATTER [deadline|filing|judgment] 2026-12-15 09:30 COURT; what — add a hearing or deadline\n"
            "*/complaint* — record a client complaint (`/complaint list` for partners)\n"
            "*/archive* borrow|file|status MATTER — records and archive (`/archive help`)\n"
            "*/enquiry* — log a new enquiry (or \"Log as enquiry\" on any message)\n"
            "*/lawcrm whoami* — your role and language\n"
            "*/lawcrm lang en|zh-CN* — change your language\n"
            "*/lawcrm interest add* relative|directorship|shareholding NAME — declare an interest for conflict checks\n"
            "*/lawcrm matter close* NUMBER — close a matter (schedules the satisfaction survey)\n"
            "*/lawcrm matter reopen* NUMBER — undo a close (partner or lead lawyer)\n"
            "*/lawcrm stats* — client satisfaction (CSAT), enquiry conversion and response time, for partners\n"
            "*/lawcrm report* [2026-Q4] [here] — the quarterly report: KPIs and charts (partners)\n"
            "*/lawcrm handover* @PERSON — hand a leaving lawyer's clients and matters over (partners)\n"
            "*/lawcrm improve* list|add|done — the service-improvement list (partners add items)\n"
            "*/lawcrm fees* NUMBER — a matter's fees: terms, invoiced, collected, outstanding (partners and the client's team)\n"
            "*/lawcrm strategic* [off] CLIENT — mark a client strategic, with a reason, or remove the mark (partners)"
        ),
        "zh-CN": (
            "*/intake* — 新客户或新案件：利益冲突检索，然后提交合伙人审批\n"
            "*/conflict* 名称[; 名称…] — 私下进行利益冲突检索（`--all` 列出全部命中）\n"
            "*/note* 客户: 内容 — 记录一次联系（`next: … 周五` 可添加跟进任务）\n"
            "*/client* 名称 — 查看客户档案（编辑、开庭、客户等级；只输入 `/client`：列表、搜索、导出）\n"
            "*/hearing* 案号 [deadline|filing|judgment] 2026-12-15 09:30 法院; 事项 — 添加开庭或期限\n"
            "*/complaint* — 登记客户投诉（合伙人可用 `/complaint list`）\n"
            "*/archive* borrow|file|status 案号 — 档案管理（`/archive help`）\n"
            "*/enquiry* — 登记新咨询（或在任意消息上使用“Log as enquiry”）\n"
            "*/lawcrm whoami* — 查看您的角色和语言\n"
            "*/lawcrm lang en|zh-CN* — 切换语言\n"
            "*/lawcrm interest add* 亲属|任职|持股 名称 — 申报利益关系（纳入利益冲突检索）\n"
            "*/lawcrm matter close* 案号 — 结案（并安排满意度回访）\n"
            "*/lawcrm matter reopen* 案号 — 撤销结案（合伙人或主办律师）\n"
            "*/lawcrm stats* — 客户满意度、咨询转化率与响应时间统计（合伙人可见）\n"
            "*/lawcrm report* [2026-Q4] [here] — 季度报告：关键指标与图表（合伙人）\n"
            "*/lawcrm handover* @人员 — 交接离职律师的客户和案件（合伙人）\n"
            "*/lawcrm improve* list|add|done — 服务改进清单（合伙人添加事项）\n"
            "*/lawcrm fees* 案号 — 案件收费：收费条件、已开票、已收款、未收（合伙人和客户团队）\n"
            "*/lawcrm strategic* [off] 客户名称 — 标记战略客户（需填写理由）或取消标记（合伙人）"
        ),
    },
    "help.unknown_subcommand": {
        "en": "I don't know `{sub}`. Try `/lawcrm help`.",
        "zh-CN": "无法识别 `{sub}`，请尝试 `/lawcrm help`。",
    },
    "whoami.text": {
        "en": "You are *{name}* (<@{user}>), role: *{role}*{mp}. Language: {locale}.",
        "zh-CN": "您是 *{name}*（<@{user}>），角色：*{role}*{mp}。语言：{locale}。",
    },
    "whoami.managing_partner": {"en": ", managing partner", "zh-CN": "，主任合伙人"},
    "lang.changed": {"en": "Language set to English.", "zh-CN": "语言已切换为中文。"},
    "lang.usage": {"en": "Use `/lawcrm lang en` or `/lawcrm lang zh-CN`.", "zh-CN": "请使用 `/lawcrm lang en` 或 `/lawcrm lang zh-CN`。"},
}
