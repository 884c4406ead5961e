"""Messages of the access review, backups, consent and data-subject requests."""

MESSAGES = {
    "privacy.access.title": {
        "en": "Access review {month}",
        "zh-CN": "{month} 访问审查",
    },
    "privacy.access.summary": {
        "en": "{events} reads of sensitive data and file borrowings by {readers} people "
              "(median {median} per person).",
        "zh-CN": "{readers} 人共读取敏感数据及借阅档案 {events} 次（人均中位数 {median}）。",
    },
    "privacy.access.reader": {
        "en": "• {who}: {reads} reads, {borrows} borrowings, {clients} clients",
        "zh-CN": "• {who}：读取 {reads} 次，借阅 {borrows} 次，涉及客户 {clients} 个",
    },
    "privacy.access.unusual": {
        "en": ":warning: Unusual volume: {who} with {count} (the month's median is {median}).",
        "zh-CN": ":warning: 访问量异常：{who} 共 {count} 次（本月中位数 {median}）。",
    },
    "privacy.access.outside": {
        "en": ":mag: {who} read {count} records of clients they do not serve: clients {clients}.",
        "zh-CN": ":mag: {who} 读取了非其服务客户的记录 {count} 次：客户 {clients}。",
    },
    "privacy.access.none": {
        "en": "Nobody read sensitive data or borrowed a file this month.",
        "zh-CN": "本月无人读取敏感数据或借阅档案。",
    },
    "privacy.access.more": {
        "en": "…and {count} more readers.",
        "zh-CN": "……另有 {count} 人。",
    },
    "privacy.access.footer": {
        "en": "Built from the audit log. The access log is reviewed monthly (Standard 004).",
        "zh-CN": "根据审计日志生成。访问日志须每月审查（004 号标准）。",
    },
    "privacy.backup.ok": {
        "en": ":white_check_mark: Weekly backup written: `{file}` ({size} bytes, {tables} tables, "
              "audit head seq {seq}) in {seconds}s.",
        "zh-CN": ":white_check_mark: 每周备份已完成：`{file}`（{size} 字节，{tables} 张表，审计链头序号 {seq}），"
                 "用时 {seconds} 秒。",
    },
    "privacy.backup.failed": {
        "en": ":rotating_light: The weekly backup failed: {reason}. Check BACKUP_DIR and run "
              "`lawcrm backup DIR` by hand.",
        "zh-CN": ":rotating_light: 每周备份失败：{reason}。请检查 BACKUP_DIR 并手动运行 `lawcrm backup DIR`。",
    },
    "privacy.request.due": {
        "en": ":hourglass: Data-subject request #{id} ({kind}) of client #{client} must be answered by {due}. "
              "`lawcrm privacy request show {id}`",
        "zh-CN": ":hourglass: 客户 #{client} 的个人信息权利请求 #{id}（{kind}）须在 {due} 前答复。"
                 "`lawcrm privacy request show {id}`",
    },
    "privacy.deletion.kept": {
        "en": "We have deleted the personal data we no longer need: {removed}. The law requires the firm "
              "to keep its matter files until {until}, so we keep {kept} until then; after that date "
              "they are destroyed.",
        "zh-CN": "我们已删除不再需要的个人信息：{removed}。依法律师事务所须保存案卷至 {until}，"
                 "因此在此之前保留 {kept}；该日期后予以销毁。",
    },
    "privacy.deletion.all": {
        "en": "We have deleted or anonymised all personal data we held about you: {removed}.",
        "zh-CN": "我们已删除或匿名化所持有的您的全部个人信息：{removed}。",
    },
    "privacy.deletion.removed": {
        "en": "ID number, phone, email, address, legal representative, contact people, important dates, "
              "preferences and tags",
        "zh-CN": "身份证件号码、电话、电子邮箱、地址、法定代表人、联系人、重要日期、偏好和标签",
    },
    "privacy.deletion.removed_all": {
        "en": "your name, contact notes and follow-ups, and your name in our conflict register",
        "zh-CN": "您的姓名、联系记录与跟进事项，以及利益冲突登记中的姓名",
    },
    "privacy.deletion.kept_items": {
        "en": "your name, your matters and their files (including contact notes) and your name in "
              "the conflict register",
        "zh-CN": "您的姓名、案件及其案卷（含联系记录）以及利益冲突登记中的姓名",
    },
    "privacy.retention.permanent": {
        "en": "permanently (the firm keeps the files of strategic clients without limit)",
        "zh-CN": "永久（战略客户的案卷永久保存）",
    },
    "privacy.retention.open": {
        "en": "the end of the retention period that starts when your matters close",
        "zh-CN": "您的案件结案后保存期限届满之日",
    },
    "privacy.error.role": {
        "en": "Only records officers (admin) and partners handle consent and data-subject requests.",
        "zh-CN": "只有档案管理员（admin）和合伙人可以处理同意记录和个人信息权利请求。",
    },
    "privacy.error.no_staff": {
        "en": "{user} is not an active member of the staff directory.",
        "zh-CN": "{user} 不是员工目录中的在职人员。",
    },
    "privacy.error.no_client": {"en": "There is no client #{id}.", "zh-CN": "不存在客户 #{id}。"},
    "privacy.error.no_consent": {"en": "There is no consent record #{id}.", "zh-CN": "不存在同意记录 #{id}。"},
    "privacy.error.no_request": {"en": "There is no request #{id}.", "zh-CN": "不存在请求 #{id}。"},
    "privacy.error.purpose": {
        "en": "Give the purpose of the consent (at most {max} characters).",
        "zh-CN": "请填写同意的目的（最多 {max} 个字符）。",
    },
    "privacy.error.method": {
        "en": "How was consent given? One of: {methods}.",
        "zh-CN": "同意的方式须为以下之一：{methods}。",
    },
    "privacy.error.form_ref": {
        "en": "Consent given on a form needs the form's reference (--form-ref).",
        "zh-CN": "以表格形式给予的同意须填写表格编号（--form-ref）。",
    },
    "privacy.error.form_ref_long": {
        "en": "The form reference is too long (at most {max} characters).",
        "zh-CN": "表格编号过长（最多 {max} 个字符）。",
    },
    "privacy.error.future": {"en": "{day} is in the future.", "zh-CN": "{day} 是将来的日期。"},
    "privacy.error.withdrawn": {
        "en": "Consent #{id} was already withdrawn on {on}.",
        "zh-CN": "同意记录 #{id} 已于 {on} 撤回。",
    },
    "privacy.error.kind": {"en": "The request must be one of: {kinds}.", "zh-CN": "请求类型须为以下之一：{kinds}。"},
    "privacy.error.details_long": {
        "en": "The details are too long (at most {max} characters).",
        "zh-CN": "说明过长（最多 {max} 个字符）。",
    },
    "privacy.error.closed": {
        "en": "Request #{id} is already closed ({status}).",
        "zh-CN": "请求 #{id} 已关闭（{status}）。",
    },
    "privacy.error.wrong_kind": {
        "en": "Request #{id} is a {kind} request.",
        "zh-CN": "请求 #{id} 的类型是 {kind}。",
    },
    "privacy.error.format": {"en": "The export format is json or xlsx.", "zh-CN": "导出格式须为 json 或 xlsx。"},
    "privacy.error.no_changes": {
        "en": "Say what to correct, e.g. --set phone=13800000000 (fields: {fields}).",
        "zh-CN": "请说明要更正的内容，例如 --set phone=13800000000（字段：{fields}）。",
    },
    "privacy.error.field": {
        "en": "{name} cannot be corrected here (fields: {fields}).",
        "zh-CN": "此处不能更正 {name}（可更正字段：{fields}）。",
    },
    "privacy.error.empty_name": {"en": "The name cannot be empty.", "zh-CN": "姓名/名称不能为空。"},
    "privacy.error.reason": {"en": "Give the reason for refusing.", "zh-CN": "请说明拒绝的理由。"},
}
