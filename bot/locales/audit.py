"""Messages about the audit log."""

MESSAGES = {
    "audit.broken": {
        "en": ":rotating_light: The audit log's hash chain is broken ({count} problems; first: {first}). "
              "Rows were edited or deleted outside the application. Run `lawcrm audit verify` and "
              "investigate before trusting the log.",
        "zh-CN": ":rotating_light: 审计日志的哈希链已断裂（{count} 处问题；第一处：{first}）。"
                 "有记录在系统之外被修改或删除。请运行 `lawcrm audit verify` 并调查处理。",
    },
    "audit.head": {
        "en": ":lock: Audit log head: seq {seq}, hash `{hash}`. Kept here, outside the database, so "
              "`lawcrm audit verify` can tell if the log was rewritten. Please do not delete.",
        "zh-CN": ":lock: 审计日志链头：序号 {seq}，哈希 `{hash}`。保存在数据库之外，供 `lawcrm audit verify` "
                 "判断日志是否被改写。请勿删除。",
    },
}
