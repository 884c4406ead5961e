"""Messages of client progress reports: the DOCX's headings and fixed texts, the lawyer's DM."""

MESSAGES = {
    # --- the report (DOCX), in the client's language ------------------------------------------
    "progress.doc.title": {"en": "Progress report", "zh-CN": "案件进展报告"},
    "progress.doc.title.monthly": {"en": "Monthly progress report", "zh-CN": "月度进展报告"},
    "progress.doc.client": {"en": "Client: {client}", "zh-CN": "客户：{client}"},
    "progress.doc.period": {"en": "Period: {start} to {end}", "zh-CN": "报告期间：{start} 至 {end}"},
    "progress.doc.event.hearing": {"en": "After the hearing of {day}", "zh-CN": "{day} 庭审后"},
    "progress.doc.event.closed": {"en": "The matter was closed on {day}", "zh-CN": "案件已于 {day} 结案"},
    "progress.doc.matters": {"en": "Matters", "zh-CN": "案件概况"},
    "progress.doc.matter_status.open": {"en": "in progress", "zh-CN": "进行中"},
    "progress.doc.matter_status.closed": {"en": "closed", "zh-CN": "已结案"},
    "progress.doc.work": {"en": "Work and communication in the period", "zh-CN": "本期工作与沟通"},
    "progress.doc.events": {"en": "Hearings and deadlines in the period", "zh-CN": "本期庭审与期限"},
    "progress.doc.upcoming": {"en": "Coming up", "zh-CN": "近期安排"},
    "progress.doc.next_steps": {"en": "Next steps", "zh-CN": "下一步工作"},
    "progress.doc.none": {"en": "None in this period.", "zh-CN": "本期无。"},
    "progress.doc.kind.hearing": {"en": "Hearing", "zh-CN": "开庭"},
    "progress.doc.kind.deadline": {"en": "Deadline", "zh-CN": "期限"},
    "progress.doc.channel.call": {"en": "Call", "zh-CN": "电话"},
    "progress.doc.channel.meeting": {"en": "Meeting", "zh-CN": "会议"},
    "progress.doc.channel.email": {"en": "Email", "zh-CN": "邮件"},
    "progress.doc.channel.wechat": {"en": "WeChat", "zh-CN": "微信"},
    "progress.doc.channel.visit": {"en": "Visit", "zh-CN": "拜访"},
    "progress.doc.channel.other": {"en": "Contact", "zh-CN": "沟通"},
    "progress.doc.closing": {
        "en": "Please let us know if you have any questions about this report. This report describes "
              "the progress of your matters and is not a promise of any outcome.",
        "zh-CN": "如对本报告有任何疑问，请随时与我们联系。本报告仅说明案件进展，不构成对任何结果的承诺。"},
    # --- the lawyer's DM ---------------------------------------------------------------------
    "progress.dm.file_title": {"en": "Progress report draft: {client} ({period})",
                               "zh-CN": "进展报告草稿：{client}（{period}）"},
    "progress.dm.file_comment": {"en": "Draft progress report for {client} ({period}).",
                                 "zh-CN": "{client} 的进展报告草稿（{period}）。"},
    "progress.dm.text": {
        "en": "A progress report for *{client}* is due ({period}): its draft ({language}) is the DOCX "
              "file in this conversation. Edit it, send it to the client, then press *Sent to the client*.",
        "zh-CN": "*{client}* 的进展报告已到期（{period}）：草稿为本对话中的 DOCX 文件，语言为{language}。"
                 "请修改后发送给客户，然后点击“已发送给客户”。"},
    "progress.dm.sent_button": {"en": "Sent to the client", "zh-CN": "已发送给客户"},
    "progress.dm.sent": {"en": "Sent to the client by {who} on {day}; logged as a contact.",
                         "zh-CN": "{who} 已于 {day} 发送给客户，已记为一次联系。"},
    "progress.period.monthly": {"en": "month {month}", "zh-CN": "{month} 月度"},
    "progress.period.hearing": {"en": "hearing of {day}", "zh-CN": "{day} 庭审"},
    "progress.period.closed": {"en": "matter closed on {day}", "zh-CN": "{day} 结案"},
    "progress.language.en": {"en": "English", "zh-CN": "英文"},
    "progress.language.zh-CN": {"en": "Chinese", "zh-CN": "中文"},
    "progress.note_text": {"en": "progress report sent", "zh-CN": "已发送进展报告"},
    "progress.not_found": {"en": "That progress report no longer exists.", "zh-CN": "该进展报告已不存在。"},
}
