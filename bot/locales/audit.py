"""Messages about the audit log."""

MESSAGES = {
    "audit.broken": {
        "en": ":rotating_light: The audit log's hash chain is broken ({count} problems; first: {first}). "
              "Rows were edited or deleted outside the application. Run `lawcrm audit verify` and "
              "investigate before trusting the log.",
        "zh-CN": ":rotating_light: 审计日志的哈希链已断裂（{count} 处问题；第一处：{first}）。"
                 "有记录在系统之外被修改或删除。请运行 `lawcrm audit verify` 并调查处理。",
    },
}
