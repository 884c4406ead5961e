"""The client-ledger template: an XLSX with a clients sheet, a matters sheet and the accepted values."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.flows import ledger_values as lv

# (Chinese header, English header): each header cell reads "中文 / English"; either alone is accepted too.
CLIENT_HEADERS = (
    ("客户名称", "name"), ("客户类型", "client kind"), ("统一社会信用代码", "id number or USCC"),
    ("单独同意", "consent"), ("法定代表人", "legal representative"), ("地址", "address"),
    ("行业", "industry"), ("规模", "size"), ("决策人", "decision maker"), ("客户来源", "source"),
    ("介绍人", "referrer"), ("客户等级", "tier"), ("标签", "tags"), ("偏好渠道", "preferred channel"),
    ("生日", "birthday"), ("成立日期", "founded"), ("联系电话", "phone"), ("电子邮箱", "email"),
    ("联系人", "contact"), ("联系人职务", "contact title"), ("联系人电话", "contact phone"),
    ("联系人邮箱", "contact email"), ("负责合伙人", "partner"), ("客户负责律师", "client lead"),
    ("客服专员", "client service"), ("客户经理", "client manager"),
)
MATTER_HEADERS = (
    ("客户名称", "name"), ("案号", "matter number"), ("业务领域", "practice area"), ("案由", "cause"),
    ("对方当事人", "opposing party"), ("关联方", "related party"), ("立案日期", "opened"),
    ("结案日期", "closed"), ("主办律师", "lead lawyer"), ("协办律师", "assistants"),
)
CLIENT_EXAMPLES = (
    ("北京星辰科技有限公司", "企业", "91110000100000008J", "", "李明", "北京市海淀区中关村大街1号",
     "信息技术", "200人", "王总", "客户介绍", "张三", "重点客户", "知识产权、高净值", "微信", "",
     "2010年5月1日", "010-62345678", "legal@xingchen.example", "赵敏", "法务经理", "13812345678",
     "zhaomin@xingchen.example", "", "", "", ""),
    ("张伟", "个人", "110101199003074573", "是", "", "北京市朝阳区建国路88号", "", "", "", "网站", "",
     "潜力客户", "", "电话", "1990/3/7", "", "13912345678", "", "", "", "", "", "", "", "", ""),
)
MATTER_EXAMPLES = (
    ("北京星辰科技有限公司", "", "知识产权", "商标侵权纠纷", "上海月光贸易有限公司", "", "2023/5/1", "",
     "", ""),
    ("张伟", "", "民事诉讼", "房屋买卖合同纠纷", "李强", "", "2023.05.01", "2024年1月15日", "", ""),
)


def write_template(path: Path) -> None:
    """Write the template workbook to `path`."""
    wb = Workbook()
    clients = wb.active
    clients.title = "客户 Clients"
    _sheet(clients, CLIENT_HEADERS, CLIENT_EXAMPLES)
    _sheet(wb.create_sheet("案件 Matters"), MATTER_HEADERS, MATTER_EXAMPLES)
    notes = wb.create_sheet("说明 Notes")
    notes.append(["字段 Field", "可填写的值 Accepted values"])
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    notes.append(["客户等级 tier", "、".join(sorted(lv.TIERS))])
    notes.append(["客户类型 client kind", "、".join(sorted(lv.KINDS))])
    notes.append(["业务领域 practice area", "、".join(w for w, _a in lv.AREA_WORDS)])
    notes.append(["偏好渠道 preferred channel", "、".join(sorted(lv.CHANNELS))])
    notes.append(["日期 dates", "2023-05-01、2023/5/1、2023.05.01、2023年5月1日、Excel 日期"])
    notes.append(["单独同意 consent", "个人身份证号须有客户单独书面同意：是 / 否 (yes / no)"])
    notes.append(["主办律师 lead lawyer", "本所人员的姓名或 Slack 用户 ID；留空或不在册的人员见导入摘要"])
    notes.append(["对方当事人 opposing", "多个名称用逗号、分号或顿号分隔"])
    wb.save(path)


def _sheet(ws, headers: tuple[tuple[str, str], ...], examples: tuple[tuple[str, ...], ...]) -> None:  # type: ignore[no-untyped-def]
    """A header row in both languages, then the example rows."""
    ws.append([f"{zh} / {en}" for zh, en in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in examples:
        ws.append(list(row))
    for i, (zh, en) in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(14, len(zh) * 2 + len(en))
