"""Messages shared by every feature: errors, roles, generic words."""

MESSAGES = {
    "quarter.bad": {"en": "“{text}” is not a quarter: write it like 2026-Q4.",
                    "zh-CN": "“{text}”不是有效的季度，请写成 2026-Q4 的形式。"},
    "amount.bad": {"en": "“{text}” is not an amount: write digits, like 120000 or 12万.",
                   "zh-CN": "“{text}”不是有效金额，请写数字，例如 120000 或 12万。"},
    "amount.too_large": {"en": "“{text}” is too large to be an amount: check the digits.",
                         "zh-CN": "“{text}”金额过大，请检查数字。"},
    "amount.zero": {"en": "The amount must be more than zero.", "zh-CN": "金额必须大于零。"},
    "error.generic": {
        "en": "Something went wrong.",
        "zh-CN": "出现了问题。",
    },
    "error.unexpected": {
        "en": "Something went wrong on our side. Please try again; if it keeps happening, give your administrator this error id: `{error_id}`.",
        "zh-CN": "系统出现错误，请重试；如果问题持续，请把错误编号告知管理员：`{error_id}`。",
    },
    "error.unknown_user": {
        "en": "You are not in this firm's staff directory yet, so I can't help you. Please ask an administrator to add you (`lawcrm staff add`).",
        "zh-CN": "您尚未被加入本所的员工名录，暂时无法使用。请联系管理员为您开通（`lawcrm staff add`）。",
    },
    "error.permission_denied": {
        "en": "Your role does not allow this.",
        "zh-CN": "您的角色无权执行此操作。",
    },
    "error.client_not_visible": {
        "en": "You don't serve this client, so you can't see or change it.",
        "zh-CN": "您不在该客户的服务团队中，无权查看或修改。",
    },
    "error.not_found": {
        "en": "I couldn't find that.",
        "zh-CN": "没有找到相关记录。",
    },
    "error.invalid_input": {
        "en": "That input is not valid.",
        "zh-CN": "输入内容无效。",
    },
    "error.conflict": {
        "en": "Someone else changed this in the meantime. Please look again.",
        "zh-CN": "该记录已被他人修改，请刷新后重试。",
    },
    "error.external_channel": {
        "en": "That channel is shared with another organisation, so confidential information is not posted there.",
        "zh-CN": "该频道与其他组织共享，保密信息不会发送到该频道。",
    },
    "error.bad_role": {
        "en": "Unknown role `{role}`: use partner, lawyer, assistant, client_service or admin.",
        "zh-CN": "未知角色 `{role}`：可选 partner、lawyer、assistant、client_service、admin。",
    },
    "error.bad_locale": {
        "en": "Unknown language `{locale}`: use en or zh-CN.",
        "zh-CN": "未知语言 `{locale}`：可选 en 或 zh-CN。",
    },
    "error.bad_user_id": {
        "en": "`{user}` is not a Slack user id (like U0123ABCD).",
        "zh-CN": "`{user}` 不是 Slack 用户 ID（例如 U0123ABCD）。",
    },
    "error.not_an_assistant": {
        "en": "`{user}` does not have the assistant role.",
        "zh-CN": "`{user}` 的角色不是助理。",
    },
    "error.not_a_lawyer": {
        "en": "`{user}` is not a lawyer or partner, so nobody can assist them.",
        "zh-CN": "`{user}` 不是律师或合伙人，无法为其指定助理。",
    },
    "error.not_configured": {
        "en": "This feature needs `{setting}` to be configured. Please ask your administrator.",
        "zh-CN": "此功能需要配置 `{setting}`，请联系管理员。",
    },
    "role.partner": {"en": "Partner", "zh-CN": "合伙人"},
    "role.lawyer": {"en": "Lawyer", "zh-CN": "律师"},
    "role.assistant": {"en": "Assistant", "zh-CN": "助理"},
    "role.client_service": {"en": "Client service", "zh-CN": "客服"},
    "role.admin": {"en": "Administrator", "zh-CN": "管理员"},
    "common.cancel": {"en": "Cancel", "zh-CN": "取消"},
    "common.submit": {"en": "Submit", "zh-CN": "提交"},
    "common.close": {"en": "Close", "zh-CN": "关闭"},
    "common.working": {"en": "Working…", "zh-CN": "处理中…"},
    "common.none": {"en": "none", "zh-CN": "无"},
}
