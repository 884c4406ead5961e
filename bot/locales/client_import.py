"""Messages of `lawcrm clients import|template` (bot/flows/client_import.py, bot/cli/clients.py)."""

MESSAGES = {
    "client_import.refused.bad_text": {"en": "column {column} holds characters that cannot be stored",
                                       "zh-CN": "{column} 列含有无法保存的字符"},
    "client_import.refused.no_name": {"en": "the client name is empty", "zh-CN": "客户名称为空"},
    "client_import.refused.too_long": {"en": "{column} is longer than {max} characters",
                                       "zh-CN": "{column} 超过 {max} 个字符"},
    "client_import.refused.bad_kind": {"en": "client kind \"{value}\" is not individual, enterprise or government",
                                       "zh-CN": "客户类型“{value}”不是个人、企业或政府/事业单位"},
    "client_import.refused.bad_resident_id": {"en": "the ID number is not a valid resident ID",
                                              "zh-CN": "身份证号码无效"},
    "client_import.refused.bad_id_format": {"en": "the ID number is neither a resident ID nor a passport number",
                                            "zh-CN": "证件号码既不是身份证号码也不是护照号码"},
    "client_import.refused.bad_uscc": {"en": "the unified social credit code is not valid",
                                       "zh-CN": "统一社会信用代码无效"},
    "client_import.refused.bad_consent": {"en": "consent \"{value}\" is not yes or no",
                                          "zh-CN": "同意栏“{value}”不是“是”或“否”"},
    "client_import.refused.no_consent": {
        "en": "a personal ID number needs the client's separate written consent (consent column: yes)",
        "zh-CN": "个人证件号码需要客户单独书面同意（同意栏填“是”）"},
    "client_import.refused.bad_tier": {
        "en": "tier \"{value}\" is not one of strategic, core (key), potential (ordinary), lost",
        "zh-CN": "客户等级“{value}”不是战略、核心（重点）、潜力（普通）或流失客户"},
    "client_import.refused.bad_channel": {"en": "preferred channel \"{value}\" is not phone, email, WeChat, "
                                                "meeting, visit or other",
                                          "zh-CN": "偏好渠道“{value}”不是电话、邮件、微信、面谈、拜访或其他"},
    "client_import.refused.bad_date": {"en": "{column} \"{value}\" is not a date",
                                       "zh-CN": "{column}“{value}”不是日期"},
    "client_import.refused.future_date": {"en": "{column} \"{value}\" is in the future",
                                          "zh-CN": "{column}“{value}”是将来的日期"},
    "client_import.refused.closed_before_opened": {"en": "the matter closes before it opens",
                                                   "zh-CN": "结案日期早于立案日期"},
    "client_import.refused.bad_phone": {"en": "{column} is not a phone number", "zh-CN": "{column} 不是电话号码"},
    "client_import.refused.bad_email": {"en": "{column} is not an email address", "zh-CN": "{column} 不是电子邮箱"},
    "client_import.refused.contact_no_name": {"en": "a contact's phone or email is given without a name",
                                              "zh-CN": "填写了联系人电话或邮箱，但没有联系人姓名"},
    "client_import.refused.bad_area": {
        "en": "practice area \"{value}\" is not known (civil, criminal, administrative litigation, M&A, IP, tax, "
              "other non-litigation, retainer)",
        "zh-CN": "业务领域“{value}”无法识别（民商事、刑事、行政诉讼，并购、知识产权、税务、其他非诉，常年法律顾问）"},
    "client_import.refused.no_area": {"en": "a matter needs its practice area", "zh-CN": "案件需要填写业务领域"},
    "client_import.refused.number_taken": {"en": "matter number {number} belongs to another client",
                                           "zh-CN": "案件编号 {number} 属于另一位客户"},
    "client_import.refused.unknown_staff": {"en": "{column} \"{value}\" is not on staff",
                                            "zh-CN": "{column}“{value}”不是本所在职人员"},
    "client_import.refused.no_client": {"en": "client \"{name}\" is not in the clients sheet nor on file",
                                        "zh-CN": "客户“{name}”不在客户表中，也不在系统中"},
    "client_import.refused.with_client": {"en": "refused with its client (line {line})",
                                          "zh-CN": "与同一客户的第 {line} 行一并拒绝"},
    "client_import.summary.dry_run": {"en": "DRY RUN: nothing was written (add --apply to write)",
                                      "zh-CN": "试运行：未写入任何数据（加 --apply 写入）"},
    "client_import.summary.applied": {"en": "APPLIED", "zh-CN": "已写入"},
    "client_import.summary.unknown_staff.refuse": {
        "en": "rows naming someone not on staff: refused (--unknown-staff refuse)",
        "zh-CN": "填写了非本所人员的行：已拒绝（--unknown-staff refuse）"},
    "client_import.summary.unknown_staff.leave-open": {
        "en": "rows naming someone not on staff: imported with that role left open, listed for assignment "
              "(--unknown-staff leave-open)",
        "zh-CN": "填写了非本所人员的行：已导入，相应人员留空，待分配（--unknown-staff leave-open）"},
    "client_import.summary.held": {
        "en": "line {line}: \"{name}\" looks like {close}: decide with --merge {line} or --separate {line}",
        "zh-CN": "第 {line} 行：“{name}”与 {close} 相似：请用 --merge {line} 或 --separate {line} 决定"},
    "client_import.summary.merged": {"en": "line {line}: \"{name}\" is merged into the client of line {into}",
                                     "zh-CN": "第 {line} 行：“{name}”并入第 {into} 行的客户"},
    "client_import.summary.open_lead": {"en": "line {line}: \"{name}\" is not on staff: assign someone",
                                        "zh-CN": "第 {line} 行：“{name}”不是本所人员，请指派"},
}
