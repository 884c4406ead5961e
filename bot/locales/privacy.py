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
}
