"""Messages of the service-improvement list and of matter contact moments."""

MESSAGES = {
    # --- matter moments in the digest ---
    "moments.digest.section": {"en": "*Matter events: contact the client*", "zh-CN": "*案件节点：联系客户*"},
    "moments.digest.before_filing": {
        "en": "Filing on {on} for {client} ({number}): explain the risks before filing.",
        "zh-CN": "{client}（{number}）将于 {on} 立案：立案前向客户说明风险。"},
    "moments.digest.before_hearing": {
        "en": "Hearing on {on}{at} for {client} ({number}): confirm the time with the client.",
        "zh-CN": "{client}（{number}）将于 {on}{at} 开庭：与客户确认开庭时间。"},
    "moments.digest.after_judgment": {
        "en": "Judgment of {on} for {client} ({number}): explain it to the client.",
        "zh-CN": "{client}（{number}）已于 {on} 判决：向客户解释判决。"},
    # --- the list ---
    "improve.usage": {
        "en": "`/lawcrm improve list` shows the open items; partners add one with "
              "`/lawcrm improve add [@owner] [2026-12-31] what to do` (or `/lawcrm improve add` for a form); "
              "`/lawcrm improve done ID` closes one.",
        "zh-CN": "`/lawcrm improve list` 查看未完成的改进事项；合伙人可用 "
                 "`/lawcrm improve add [@负责人] [2026-12-31] 改进措施` 添加（只输入 `/lawcrm improve add` 打开表单）；"
                 "`/lawcrm improve done 编号` 标记完成。"},
    "improve.list.title": {"en": "*Service-improvement list: {count} open*",
                           "zh-CN": "*服务改进清单：{count} 项未完成*"},
    "improve.list.empty": {"en": "No open improvement items.", "zh-CN": "没有未完成的改进事项。"},
    "improve.list.more": {"en": "…and {count} more.", "zh-CN": "……另有 {count} 项。"},
    "improve.list.item": {"en": "#{id} · {cause} · due {due}{late} · {owner}{client}\n{action}",
                          "zh-CN": "#{id} · {cause} · 截止 {due}{late} · {owner}{client}\n{action}"},
    "improve.list.late": {"en": " (overdue)", "zh-CN": "（已逾期）"},
    "improve.list.no_owner": {"en": "no owner", "zh-CN": "无负责人"},
    "improve.cause.complaint": {"en": "complaint", "zh-CN": "投诉"},
    "improve.cause.lost": {"en": "lost client", "zh-CN": "流失客户"},
    "improve.cause.survey": {"en": "low survey score", "zh-CN": "回访低分"},
    "improve.cause.partner": {"en": "partner", "zh-CN": "合伙人"},
    "improve.auto.complaint": {"en": "Prevent complaints about {detail} from recurring.",
                               "zh-CN": "防止因“{detail}”再次引发投诉。"},
    "improve.auto.lost": {"en": "Address why the client was lost ({detail}).",
                          "zh-CN": "针对客户流失原因（{detail}）采取改进措施。"},
    "improve.auto.survey": {"en": "Improve what the client scored low ({detail}) and tell the client.",
                            "zh-CN": "改进客户评分较低的方面（{detail}），并告知客户。"},
    "improve.button.done": {"en": "Done", "zh-CN": "完成"},
    "improve.button.told": {"en": "Told the client", "zh-CN": "已告知客户"},
    "improve.done": {"en": "Improvement #{id} is done.", "zh-CN": "改进事项 #{id} 已完成。"},
    "improve.added": {"en": "Improvement #{id} added (due {due}).", "zh-CN": "已添加改进事项 #{id}（截止 {due}）。"},
    "improve.told": {"en": ":speech_balloon: {user} told the client about the improvement at {at}.",
                     "zh-CN": ":speech_balloon: {user} 已于 {at} 将改进措施告知客户。"},
    "improve.modal.title": {"en": "Add an improvement", "zh-CN": "添加改进事项"},
    "improve.modal.submit": {"en": "Add", "zh-CN": "添加"},
    "improve.modal.owner": {"en": "Owner", "zh-CN": "负责人"},
    "improve.modal.action": {"en": "Action", "zh-CN": "改进措施"},
    "improve.modal.due": {"en": "Due date", "zh-CN": "截止日期"},
    "improve.error.action": {"en": "Say what is to be done.", "zh-CN": "请填写改进措施。"},
    "improve.error.too_long": {"en": "That is too long (at most 500 characters).",
                               "zh-CN": "内容过长（最多 500 个字符）。"},
    "improve.error.due": {"en": "Give a due date.", "zh-CN": "请填写截止日期。"},
    "improve.error.past_due": {"en": "The due date is in the past.", "zh-CN": "截止日期早于今天。"},
    "improve.error.owner": {"en": "That owner is not an active staff member.", "zh-CN": "该负责人不是在职员工。"},
    "improve.error.partners_only": {"en": "Only partners add improvement items.",
                                    "zh-CN": "只有合伙人可以添加改进事项。"},
    "improve.error.not_allowed": {"en": "Only the item's owner or a partner can do that.",
                                  "zh-CN": "只有该事项的负责人或合伙人可以操作。"},
    "improve.error.done_already": {"en": "That item is already done.", "zh-CN": "该事项已完成。"},
    "improve.error.told_already": {"en": "The client was already told.", "zh-CN": "已告知过客户。"},
    "improve.error.bad_id": {"en": "Give the item's number, e.g. `/lawcrm improve done 12`.",
                             "zh-CN": "请填写事项编号，例如 `/lawcrm improve done 12`。"},
    # --- quarterly summary ---
    "improve.summary.text": {"en": "Service-improvement list, {quarter}", "zh-CN": "服务改进清单 {quarter}"},
    "improve.summary.body": {
        "en": "*Service-improvement list, {quarter}*\nNew: {new} · done: {done} · overdue: {overdue} · still open: {open}",
        "zh-CN": "*服务改进清单 {quarter}*\n新增：{new} · 完成：{done} · 逾期：{overdue} · 仍未完成：{open}"},
    "improve.summary.by_cause": {"en": "New by cause: {causes}", "zh-CN": "新增事项来源：{causes}"},
    "improve.summary.none": {"en": "No new items this quarter.", "zh-CN": "本季度没有新增事项。"},
}
