"""Messages of the local terminal console (bot/console/): prompts, modal filling, console commands."""

MESSAGES = {
    # answering one field (bot/console/prompts.py)
    "console.prompt.datetime_format": {"en": "(YYYY-MM-DD HH:MM, {tz})", "zh-CN": "（YYYY-MM-DD HH:MM，{tz}）"},
    "console.prompt.keep": {"en": "(Enter keeps: {value}; '-' clears)", "zh-CN": "（回车保留：{value}；输入 '-' 清空）"},
    "console.prompt.multiline": {
        "en": "(several lines; finish with a line containing only '.'; an empty first line skips)",
        "zh-CN": "（可输入多行；单独一行 '.' 结束；第一行留空则跳过）"},
    "console.input.required": {"en": "This field is required.", "zh-CN": "此项为必填。"},
    "console.input.date": {"en": "Type a date as YYYY-MM-DD.", "zh-CN": "请按 YYYY-MM-DD 格式输入日期。"},
    "console.input.time": {"en": "Type a time as HH:MM (24-hour).", "zh-CN": "请按 HH:MM（24 小时制）输入时间。"},
    "console.input.datetime": {"en": "Type a date and time as YYYY-MM-DD HH:MM ({tz}).",
                               "zh-CN": "请按 YYYY-MM-DD HH:MM（{tz}）输入日期和时间。"},
    "console.input.user_id": {"en": "Type a Slack user id like U0123ABCD.",
                              "zh-CN": "请输入 Slack 用户 ID，例如 U0123ABCD。"},
    "console.input.user_ids": {"en": "Type Slack user ids like U0123ABCD, separated by commas.",
                               "zh-CN": "请输入 Slack 用户 ID（例如 U0123ABCD），多个用逗号分隔。"},
    "console.input.channel_id": {"en": "Type a channel id like C0123ABCD.", "zh-CN": "请输入频道 ID，例如 C0123ABCD。"},
    "console.input.channel_ids": {"en": "Type channel ids like C0123ABCD, separated by commas.",
                                  "zh-CN": "请输入频道 ID（例如 C0123ABCD），多个用逗号分隔。"},
    "console.input.unsupported": {"en": "A {kind} can't be answered in the console; leave it empty.",
                                  "zh-CN": "控制台无法填写 {kind}，请留空。"},
    "console.input.min_length": {"en": "At least {min} characters, please.", "zh-CN": "请至少输入 {min} 个字符。"},
    "console.input.max_length": {"en": "At most {max} characters, please ({typed} typed).",
                                 "zh-CN": "最多 {max} 个字符（已输入 {typed} 个）。"},
    "console.input.email": {"en": "That is not an email address.", "zh-CN": "这不是有效的电子邮件地址。"},
    "console.input.url": {"en": "A URL starts with http:// or https://.", "zh-CN": "网址须以 http:// 或 https:// 开头。"},
    "console.input.number": {"en": "Type a number.", "zh-CN": "请输入数字。"},
    "console.input.whole_number": {"en": "Type a whole number.", "zh-CN": "请输入整数。"},
    "console.input.min_value": {"en": "The smallest allowed is {min}.", "zh-CN": "最小允许值为 {min}。"},
    "console.input.max_value": {"en": "The largest allowed is {max}.", "zh-CN": "最大允许值为 {max}。"},
    "console.input.nothing_to_choose": {"en": "There is nothing to choose.", "zh-CN": "没有可选项。"},
    "console.input.choose_number": {"en": "Type a number from 1 to {last}.", "zh-CN": "请输入 1 到 {last} 之间的数字。"},
    "console.input.choose_at_most": {"en": "Choose at most {max}.", "zh-CN": "最多选择 {max} 项。"},
    "console.input.search_min": {"en": "Type at least {min} characters to search.",
                                 "zh-CN": "请至少输入 {min} 个字符进行搜索。"},
    "console.input.no_match": {"en": "Nothing matches; type other words to search again.",
                               "zh-CN": "没有匹配结果，请换个词再搜索。"},
    "console.input.nothing_chosen": {"en": "Nothing chosen; type words to search again.",
                                     "zh-CN": "未选择任何项，请输入关键词重新搜索。"},
    # the kind of a field, shown after its label
    "console.kind.plain_text_input": {"en": "text", "zh-CN": "文本"},
    "console.kind.plain_text_input_multiline": {"en": "text, several lines", "zh-CN": "多行文本"},
    "console.kind.rich_text_input": {"en": "rich text input", "zh-CN": "富文本"},
    "console.kind.number_input": {"en": "number input", "zh-CN": "数字"},
    "console.kind.email_text_input": {"en": "email text input", "zh-CN": "电子邮件"},
    "console.kind.url_text_input": {"en": "url text input", "zh-CN": "网址"},
    "console.kind.static_select": {"en": "static select", "zh-CN": "单选"},
    "console.kind.radio_buttons": {"en": "radio buttons", "zh-CN": "单选"},
    "console.kind.multi_static_select": {"en": "multi static select", "zh-CN": "多选"},
    "console.kind.checkboxes": {"en": "checkboxes", "zh-CN": "多选"},
    "console.kind.external_select": {"en": "external select", "zh-CN": "搜索并选择"},
    "console.kind.multi_external_select": {"en": "multi external select", "zh-CN": "搜索并选择多项"},
    "console.kind.datepicker": {"en": "datepicker", "zh-CN": "日期"},
    "console.kind.timepicker": {"en": "timepicker", "zh-CN": "时间"},
    "console.kind.datetimepicker": {"en": "datetimepicker", "zh-CN": "日期和时间"},
    "console.kind.users_select": {"en": "users select", "zh-CN": "选择用户"},
    "console.kind.multi_users_select": {"en": "multi users select", "zh-CN": "选择多个用户"},
    "console.kind.conversations_select": {"en": "conversations select", "zh-CN": "选择会话"},
    "console.kind.channels_select": {"en": "channels select", "zh-CN": "选择频道"},
    "console.kind.multi_conversations_select": {"en": "multi conversations select", "zh-CN": "选择多个会话"},
    "console.kind.multi_channels_select": {"en": "multi channels select", "zh-CN": "选择多个频道"},
    # filling in a modal (bot/console/modal.py)
    "console.modal.start": {"en": "(fill in the modal; :help explains, :cancel closes it)",
                            "zh-CN": "（请填写弹窗；:help 查看说明，:cancel 关闭）"},
    "console.modal.back": {"en": "▶ back to the previous modal", "zh-CN": "▶ 返回上一个弹窗"},
    "console.modal.close": {"en": "close", "zh-CN": "关闭"},
    "console.modal.prompt": {"en": "modal ([Enter] {action} · :click N · :redo · :cancel)",
                             "zh-CN": "弹窗（[回车] {action} · :click N · :redo · :cancel）"},
    "console.modal.press_enter": {"en": "Press Enter to submit, or type a :command (:help).",
                                  "zh-CN": "按回车提交，或输入 :命令（:help）。"},
    "console.modal.help": {
        "en": "In a modal: answer each field; an empty line keeps the shown value or skips an optional field,\n"
              "'-' clears it. :click N presses button N, :redo asks every field again, :cancel closes the modal.",
        "zh-CN": "在弹窗中：依次回答各项；空行保留显示的值或跳过选填项，\n"
                 "'-' 清空该项。:click N 按下第 N 个按钮，:redo 重新填写所有项，:cancel 关闭弹窗。"},
    "console.modal.not_here": {"en": "{command} does not work inside a modal; :help lists what does.",
                               "zh-CN": "{command} 在弹窗中不可用；:help 列出可用命令。"},
    "console.modal.all_closed": {"en": "(all modals closed)", "zh-CN": "（所有弹窗已关闭）"},
    "console.modal.closed": {"en": "(modal closed)", "zh-CN": "（弹窗已关闭）"},
    # the console itself (bot/console/repl.py, commands.py, session.py)
    "console.bad_user": {"en": "{user} is not a Slack user id (like U0123ABCD); acting as {default}.",
                         "zh-CN": "{user} 不是 Slack 用户 ID（例如 U0123ABCD）；将以 {default} 身份操作。"},
    "console.banner.what": {
        "en": "Law CRM console — the real app behind a local stand-in for Slack; nothing leaves this machine.",
        "zh-CN": "Law CRM 控制台——真实的应用，连接本地模拟的 Slack；数据不会离开本机。"},
    "console.banner.database": {"en": "Database: {database}", "zh-CN": "数据库：{database}"},
    "console.banner.real_slack": {
        "en": "Slack credentials are set, but the console never talks to Slack; what you do here is recorded "
              "in this database for real.",
        "zh-CN": "已设置 Slack 凭据，但控制台不会连接 Slack；您在此的操作会真实记录到该数据库中。"},
    "console.banner.seeded": {
        "en": "The staff directory was empty, so {user} was added as a partner (managing partner) to let you "
              "try everything.",
        "zh-CN": "员工名录为空，已将 {user} 添加为合伙人（主任合伙人），以便试用全部功能。"},
    "console.banner.how": {"en": "Type /lawcrm help, or :help for console commands; :quit or Ctrl-D leaves.",
                           "zh-CN": "输入 /lawcrm help，或 :help 查看控制台命令；:quit 或 Ctrl-D 退出。"},
    "console.help": {
        "en": "Type a slash command as in Slack, e.g. /lawcrm help, /lawcrm whoami, /intake, /note Acme: called.\n"
              "Console commands:\n"
              "  :click N           press button or menu N (numbers stay valid until new buttons are shown)\n"
              "  :as U0123ABCD      act as another Slack user      :whoami   who you are acting as\n"
              "  :staff add U0123ABCD \"Name\" role [en|zh-CN] [--managing-partner]      :staff list\n"
              "  :jobs              run every scheduled job once now (reminders, digests, alerts)\n"
              "  :home              open the App Home tab          :channel C0123ABCD   type commands in another "
              "channel\n"
              "  :help              this text                      :quit (or Ctrl-D)    leave",
        "zh-CN": "像在 Slack 中一样输入斜杠命令，例如 /lawcrm help、/lawcrm whoami、/intake、/note Acme: called。\n"
                 "控制台命令：\n"
                 "  :click N           按下第 N 个按钮或菜单（编号在出现新按钮前一直有效）\n"
                 "  :as U0123ABCD      以其他 Slack 用户身份操作      :whoami   查看当前身份\n"
                 "  :staff add U0123ABCD \"姓名\" 角色 [en|zh-CN] [--managing-partner]      :staff list\n"
                 "  :jobs              立即运行所有定时任务一次（提醒、摘要、预警）\n"
                 "  :home              打开 App Home 标签页          :channel C0123ABCD   在其他频道输入命令\n"
                 "  :help              显示本说明                    :quit（或 Ctrl-D）   退出"},
    "console.acting_as": {"en": "Acting as {who}", "zh-CN": "当前身份：{who}"},
    "console.now_acting_as": {"en": "Now acting as {who}", "zh-CN": "现在的身份：{who}"},
    "console.describe.known": {"en": "{user} — {name}, {role}{mp}, language {language}",
                               "zh-CN": "{user} — {name}，{role}{mp}，语言 {language}"},
    "console.describe.managing_partner": {"en": " (managing partner)", "zh-CN": "（主任合伙人）"},
    "console.describe.unknown": {
        "en": "{user}, who is not in the staff directory: the bot will tell them to ask an administrator. "
              "Add them with :staff add {user} \"Name\" lawyer",
        "zh-CN": "{user} 不在员工名录中：机器人会提示其联系管理员。可用 :staff add {user} \"姓名\" lawyer 添加"},
    "console.staff.inactive": {"en": " (inactive)", "zh-CN": "（已停用）"},
    "console.staff.nobody": {"en": "(nobody yet)", "zh-CN": "（暂无人员）"},
    "console.usage": {"en": "Usage: {usage}", "zh-CN": "用法：{usage}"},
    "console.type_a_command": {"en": "Type a slash command (like /lawcrm help) or :help.",
                               "zh-CN": "请输入斜杠命令（例如 /lawcrm help）或 :help。"},
    "console.unknown_command": {"en": "Unknown console command {command}; :help lists them.",
                                "zh-CN": "未知的控制台命令 {command}；:help 列出所有命令。"},
    "console.channel_now": {"en": "Commands now come from {where}.", "zh-CN": "命令现在来自 {where}。"},
    "console.line_failed": {"en": "The console failed on that line ({error}); see the log.",
                            "zh-CN": "控制台处理该行时出错（{error}），请查看日志。"},
    "console.bye": {"en": "bye", "zh-CN": "再见"},
    "console.jobs.real_slack": {
        "en": "SLACK_BOT_TOKEN is set, so this database's notices belong to your real Slack workspace; :jobs "
              "would deliver them here instead. Run `lawcrm jobs` for that.",
        "zh-CN": "已设置 SLACK_BOT_TOKEN，该数据库的通知属于您真实的 Slack 工作区；:jobs 会把它们发到这里。"
                 "请改用 `lawcrm jobs`。"},
    "console.jobs.running": {"en": "(running {count} jobs once: {names})", "zh-CN": "（运行 {count} 个任务一次：{names}）"},
    "console.jobs.none_due": {"en": "(no notices were due)", "zh-CN": "（没有到期的通知）"},
    "console.still_working": {"en": "(the app is still working after 30 s; its output will appear later)",
                              "zh-CN": "（应用 30 秒后仍在处理，输出稍后显示）"},
    "console.no_button": {"en": "There is no button {number} in the last output.",
                          "zh-CN": "上一次输出中没有按钮 {number}。"},
    "console.number_missing": {"en": "(number missing)", "zh-CN": "（缺少编号）"},
    "console.no_handler": {"en": "(no handler for {what}: that feature is not installed in this app)",
                           "zh-CN": "（{what} 没有处理程序：该功能未安装在此应用中）"},
    "console.app_answered": {"en": "(the app answered {status} to {what})", "zh-CN": "（应用对 {what} 返回了 {status}）"},
    "console.nothing_visible": {"en": "(nothing visible happened)", "zh-CN": "（没有可见的变化）"},
    # what the app did in Slack, as the console shows it (bot/console/session.py)
    "console.render.dm": {"en": "DM to {who}", "zh-CN": "私信给 {who}"},
    "console.render.you": {"en": "{user} (you)", "zh-CN": "{user}（您）"},
    "console.render.refused": {"en": "▶ {method} refused by Slack: {error}", "zh-CN": "▶ Slack 拒绝了 {method}：{error}"},
    "console.render.in_thread": {"en": ", in thread {ts}", "zh-CN": "，在消息串 {ts} 中"},
    "console.render.updated": {"en": "▶ {where} — message {ts} updated", "zh-CN": "▶ {where} — 消息 {ts} 已更新"},
    "console.render.ephemeral": {"en": "▶ {where} — only visible to {who}", "zh-CN": "▶ {where} — 仅 {who} 可见"},
    "console.render.views_open": {"en": "▶ modal opened", "zh-CN": "▶ 弹窗已打开"},
    "console.render.views_push": {"en": "▶ modal opened on top", "zh-CN": "▶ 在上层打开了弹窗"},
    "console.render.views_update": {"en": "▶ modal updated", "zh-CN": "▶ 弹窗已更新"},
    "console.render.views_update_titled": {"en": "▶ modal updated: {title}", "zh-CN": "▶ 弹窗已更新：{title}"},
    "console.render.then_changed": {"en": "{what} (then changed, below)", "zh-CN": "{what}（随后又有变化，见下）"},
    "console.render.home": {"en": "▶ App Home of {who}", "zh-CN": "▶ {who} 的 App Home"},
    "console.render.deleted": {"en": "▶ {where} — message {ts} deleted", "zh-CN": "▶ {where} — 消息 {ts} 已删除"},
    "console.render.reacted": {"en": "▶ {where} — reacted :{name}:", "zh-CN": "▶ {where} — 添加了表情 :{name}:"},
    "console.render.api": {"en": "▶ Slack API {method}", "zh-CN": "▶ Slack API {method}"},
    "console.render.original_deleted": {"en": "▶ the original message was deleted", "zh-CN": "▶ 原消息已删除"},
    "console.render.replaced": {"en": "▶ {where} — the message is replaced by", "zh-CN": "▶ {where} — 该消息被替换为"},
    "console.render.reply": {"en": "▶ reply in {where} ({whom})", "zh-CN": "▶ 在 {where} 回复（{whom}）"},
    "console.render.in_channel": {"en": "in channel", "zh-CN": "频道内可见"},
    "console.render.only_you": {"en": "only you see this", "zh-CN": "仅您可见"},
}
