"""Messages of the quarterly re-tiering proposal, the value labels and the strategic mark."""

MESSAGES = {
    "retier.title": {"en": "Re-tiering proposal {quarter}", "zh-CN": "{quarter} 客户分级调整建议"},
    "retier.fallback": {"en": "Re-tiering proposal {quarter}: {count} clients would change tier.",
                        "zh-CN": "{quarter} 客户分级调整建议：{count} 位客户的等级将变化。"},
    "retier.summary": {
        "en": "*{count}* clients would change tier (scheme {scheme}, figures up to {as_of}). "
              "Pending {pending} · approved {approved} · kept {kept}.",
        "zh-CN": "*{count}* 位客户的等级将变化（{scheme} 方案，数据截至 {as_of}）。"
                 "待定 {pending} · 已批准 {approved} · 保持 {kept}。"},
    "retier.nothing": {"en": "No client's tier changes this quarter.", "zh-CN": "本季度没有客户需要调整等级。"},
    "retier.moves": {"en": "*Moves:* {moves}", "zh-CN": "*变化：* {moves}"},
    "retier.item": {"en": "*{client}* · {old} → {new} · score {score}{label}\n{components}",
                    "zh-CN": "*{client}* · {old} → {new} · 价值分 {score}{label}\n{components}"},
    "retier.components": {
        "en": "fees {fees}% · referrals {referrals}% · complexity {complexity}% · years {years}%",
        "zh-CN": "收费 {fees}% · 转介绍 {referrals}% · 案件复杂度 {complexity}% · 合作年限 {years}%"},
    "retier.label.golden": {"en": "Golden client", "zh-CN": "黄金客户"},
    "retier.label.big": {"en": "Big client", "zh-CN": "大客户"},
    "retier.decided.approved": {"en": "Approved by {who}", "zh-CN": "已由 {who} 批准"},
    "retier.decided.kept": {"en": "Kept by {who}", "zh-CN": "已由 {who} 保持原等级"},
    "retier.button.approve": {"en": "Approve", "zh-CN": "批准"},
    "retier.button.keep": {"en": "Keep", "zh-CN": "保持"},
    "retier.button.approve_all": {"en": "Approve all ({count})", "zh-CN": "全部批准（{count}）"},
    "retier.button.more": {"en": "Review the rest", "zh-CN": "查看其余"},
    "retier.button.mark": {"en": "Mark strategic", "zh-CN": "标记战略客户"},
    "retier.button.next": {"en": "Next page", "zh-CN": "下一页"},
    "retier.confirm.title": {"en": "Approve all?", "zh-CN": "全部批准？"},
    "retier.confirm.text": {"en": "Every pending change ({count}) is applied at once.",
                            "zh-CN": "所有待定的调整（{count} 项）将立即生效。"},
    "retier.confirm.yes": {"en": "Approve all", "zh-CN": "全部批准"},
    "retier.confirm.no": {"en": "Cancel", "zh-CN": "取消"},
    "retier.showing": {"en": "Showing {first}–{last} of {total}; {more} more below.",
                       "zh-CN": "显示第 {first}–{last} 项，共 {total} 项；还有 {more} 项。"},
    "retier.closed": {"en": "Every change has been decided.", "zh-CN": "所有调整均已决定。"},
    "retier.approved_all": {"en": "{count} changes approved by {who}.", "zh-CN": "{who} 批准了 {count} 项调整。"},
    "retier.page_title": {"en": "Re-tiering {quarter}: pending changes", "zh-CN": "{quarter} 分级调整：待定事项"},
    # errors
    "retier.partners_only": {"en": "Only partners decide tiers.", "zh-CN": "只有合伙人可以决定客户等级。"},
    "retier.already_decided": {"en": "This change was already decided.", "zh-CN": "该调整已被决定。"},
    "retier.nothing_pending": {"en": "Nothing is pending in this proposal.", "zh-CN": "此建议中没有待定事项。"},
    "retier.not_found": {"en": "That proposal is not found.", "zh-CN": "未找到该调整建议。"},
    "retier.client_not_found": {"en": "No client named “{name}” that you can see.",
                                "zh-CN": "未找到您可查看的客户“{name}”。"},
    "retier.client_ambiguous": {"en": "“{name}” matches several clients: {names}. Give the full name.",
                                "zh-CN": "“{name}”匹配多位客户：{names}。请输入完整名称。"},
    "retier.reason_required": {"en": "Say why this client is strategic.", "zh-CN": "请说明该客户为战略客户的理由。"},
    "retier.not_marked": {"en": "{client} is not marked strategic.", "zh-CN": "{client} 未被标记为战略客户。"},
    # the strategic mark
    "retier.strategic.usage": {
        "en": "`/lawcrm strategic CLIENT` marks a client strategic (with a reason); "
              "`/lawcrm strategic off CLIENT` removes the mark.",
        "zh-CN": "`/lawcrm strategic 客户名称` 将客户标记为战略客户（需填写理由）；"
                 "`/lawcrm strategic off 客户名称` 取消标记。"},
    "retier.strategic.title": {"en": "Mark strategic", "zh-CN": "标记战略客户"},
    "retier.strategic.submit": {"en": "Mark", "zh-CN": "标记"},
    "retier.strategic.loading": {"en": "Looking up “{name}”…", "zh-CN": "正在查找“{name}”…"},
    "retier.strategic.client": {
        "en": "*{client}* will be strategic, and stay strategic at each re-tiering until the mark is removed.",
        "zh-CN": "*{client}* 将成为战略客户，并在每次分级调整中保持，直至取消标记。"},
    "retier.strategic.reason": {"en": "Why (industry leader, brand value…)",
                                "zh-CN": "理由（行业龙头、品牌价值等）"},
    "retier.strategic.marked": {"en": "{client} is marked strategic.", "zh-CN": "{client} 已标记为战略客户。"},
    "retier.strategic.unmarked": {"en": "{client} is no longer marked strategic; its tier follows the next "
                                        "re-tiering.",
                                  "zh-CN": "{client} 已取消战略客户标记；其等级将在下次分级调整时重新确定。"},
}
