"""`lawcrm clients import|template`: messy ledgers, dry run and apply, re-import, duplicates, refusals."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy import text as sql

from bot.cli import build_cli
from bot.flows.client_import import ImportReport, import_clients
from bot.flows.client_template import write_template
from bot.flows.conflicts import search_conflicts
from bot.flows.ledger_values import parse_area, parse_date, parse_tier
from bot.services import Services
from storage.models import (AuditEvent, Client, ClientContact, ClientTeamMember, ImportantDate, Matter,
                            MatterTeamMember, Party, PartyAlias, Staff)
from tests.support import write_key_file

TZ = ZoneInfo("Asia/Shanghai")
USCC = "91110000100000008J"
RESIDENT = "110101199003074573"


@pytest.fixture
def staff(services: Services) -> dict[str, int]:
    """Two lawyers and an assistant on staff."""
    with services.session() as session:
        people = [Staff(slack_user_id="U0LAWYER1", display_name="王律师", role="lawyer"),
                  Staff(slack_user_id="U0LAWYER2", display_name="Li Na", role="lawyer"),
                  Staff(slack_user_id="U0ASSIST1", display_name="小陈", role="assistant")]
        session.add_all(people)
        session.flush()
        return {p.display_name: p.id for p in people}


def run(services: Services, *paths: Path, apply: bool = True, **kw: object) -> ImportReport:
    """Import through the flow with the firm's date and zone."""
    return import_clients(services.engine, list(paths), apply=apply, actor="cli", today=date(2026, 11, 23),
                          tz=TZ, pattern="{year}-{area}-{seq:04d}", **kw)  # type: ignore[arg-type]


def csv(tmp_path: Path, text: str, *, name: str = "ledger.csv", encoding: str = "utf-8") -> Path:
    """A CSV file in tmp_path."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def count(services: Services, model: type) -> int:
    """Rows of a table."""
    with services.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def reasons(report: ImportReport) -> dict[str, str]:
    """Refusal key (last part) by line."""
    return {line: key.rsplit(".", 1)[-1] for line, key, _p in report.refused}


MESSY = f"""XX律师事务所客户台账（2024年）,,,,,,,,
客户信息,,,案件信息,,,,,
客户名称,统一社会信用代码,客户等级,业务领域,案号,对方当事人,立案日期,主办律师,结案日期
北京星辰科技有限公司  ,{USCC},重点客户,知识产权,,上海月光贸易有限公司,2023/5/1,王律师,
,,,,,,,,
北京星辰科技有限公司,{USCC.replace("9", "９").replace("1", "１")},重点客户,民事诉讼,2023-LIT-0099,李强,2023年5月1日,王律师,2024.01.15
张伟,,普通客户,刑事,,,45047,Li Na,
"""


def test_a_messy_flat_ledger_is_read_as_it_is(services: Services, staff: dict[str, int], tmp_path: Path) -> None:
    report = run(services, csv(tmp_path, MESSY))
    assert report.refused == [] and report.rows == 3
    assert report.clients_created == 2 and report.matters_created == 3
    with services.session() as session:
        xc = session.execute(select(Client).where(Client.name == "北京星辰科技有限公司")).scalar_one()
        assert (xc.tier, xc.kind, xc.id_number, xc.status) == ("key", "enterprise", USCC, "active")
        zw = session.execute(select(Client).where(Client.name == "张伟")).scalar_one()
        assert zw.tier == "ordinary"
        matters = {m.number: m for m in session.scalars(select(Matter))}
        assert matters["2023-LIT-0099"].status == "closed"
        assert matters["2023-LIT-0099"].closed_at.astimezone(TZ).date() == date(2024, 1, 15)
        opened = sorted((m.practice_area, m.opened_at.astimezone(TZ).date()) for m in matters.values())
        assert opened == [("lit_civil", date(2023, 5, 1)), ("lit_criminal", date(2023, 5, 1)),
                          ("nl_ip", date(2023, 5, 1))]
        drawn = sorted(n for n in matters if n != "2023-LIT-0099")
        assert drawn == ["2023-CRM-0001", "2023-IPR-0001"]
        leads = {m.number: m.lead_lawyer_id for m in matters.values()}
        assert leads["2023-CRM-0001"] == staff["Li Na"] and leads["2023-IPR-0001"] == staff["王律师"]
        team = set(session.execute(select(ClientTeamMember.client_id, ClientTeamMember.staff_id,
                                          ClientTeamMember.role)))
        assert (xc.id, staff["王律师"], "lead_lawyer") in team
        assert session.execute(select(func.count()).select_from(MatterTeamMember)).scalar_one() == 3


@pytest.mark.parametrize(("text", "expected"), [
    ("2023-05-01", date(2023, 5, 1)), ("2023/5/1", date(2023, 5, 1)), ("2023年5月1日", date(2023, 5, 1)),
    ("2023.05.01", date(2023, 5, 1)), ("45047", date(2023, 5, 1)), ("４５０４７", date(2023, 5, 1)),
    ("２０２３年５月１日", date(2023, 5, 1)), ("20230501", date(2023, 5, 1)), (" 2023-05-01 00:00:00 ", date(2023, 5, 1)),
    ("", None)])
def test_dates_in_every_way_ledgers_write_them(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2023", "2023-13-01", "next week", "2023/2/30"])
def test_what_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(("text", "tier"), [("战略客户", "strategic"), ("核心客户", "core"), ("潜力客户", "potential"),
                                            ("流失客户", "lost"), ("重点客户", "key"), ("普通客户", "ordinary"),
                                            ("重点", "key"), ("Key", "key"), ("ordinary", "ordinary"),
                                            ("一般", "ordinary")])
def test_tiers_in_either_scheme(text: str, tier: str) -> None:
    assert parse_tier(text) == tier


@pytest.mark.parametrize(("text", "area"), [("民事诉讼", "lit_civil"), ("刑事", "lit_criminal"), ("行政", "lit_admin"),
                                            ("并购", "nl_mna"), ("知识产权", "nl_ip"), ("常年法律顾问", "retainer"),
                                            ("税务", "nl_tax"), ("IP", "nl_ip"), ("lit_civil", "lit_civil"),
                                            ("MNA", "nl_mna"), ("行政诉讼", "lit_admin"), ("刑事辩护", "lit_criminal")])
def test_practice_areas_in_chinese_and_english(text: str, area: str) -> None:
    assert parse_area(text) == area


def test_dry_run_writes_nothing_but_counts_what_apply_writes(services: Services, staff: dict[str, int],
                                                             tmp_path: Path) -> None:
    path = csv(tmp_path, MESSY)
    dry = run(services, path, apply=False)
    assert not dry.applied and count(services, Client) == 0 and count(services, Matter) == 0
    assert count(services, Party) == 0
    done = run(services, path)
    assert (dry.clients_created, dry.matters_created, dry.parties_added, dry.team_added) == \
        (done.clients_created, done.matters_created, done.parties_added, done.team_added)
    assert count(services, Client) == 2
    with services.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "clients")))
        assert actions == ["clients.import.dry_run", "clients.import"]


def test_reimporting_the_same_file_updates_instead_of_duplicating(services: Services, staff: dict[str, int],
                                                                  tmp_path: Path) -> None:
    path = csv(tmp_path, MESSY)
    run(services, path)
    sizes = [count(services, m) for m in (Client, Matter, Party, ClientTeamMember, MatterTeamMember)]
    again = run(services, path)
    assert (again.clients_created, again.matters_created, again.parties_added) == (0, 0, 0)
    assert again.clients_unchanged == 2 and again.clients_updated == 0
    assert [count(services, m) for m in (Client, Matter, Party, ClientTeamMember, MatterTeamMember)] == sizes
    changed = csv(tmp_path, MESSY.replace("普通客户", "战略客户"), name="changed.csv")
    third = run(services, changed)
    assert third.clients_updated == 1 and third.clients_created == 0 and third.matters_created == 0
    with services.session() as session:
        assert session.execute(select(Client.tier).where(Client.name == "张伟")).scalar_one() == "strategic"


def test_parties_go_into_the_conflict_index(services: Services, staff: dict[str, int], tmp_path: Path) -> None:
    run(services, csv(tmp_path, MESSY))
    with services.session() as session:
        hits = search_conflicts(session, names=["上海月光贸易有限公司"], cache=services.cache)[0].hits
        assert hits and hits[0].role == "adverse" and hits[0].matter == "2023-IPR-0001"
        client_hits = search_conflicts(session, names=["北京星辰科技"], id_numbers=[USCC], cache=services.cache)[0]
        assert any(h.role == "client" and "id_number" in h.reasons for h in client_hits.hits)
        roles = sorted(session.scalars(select(Party.role).where(Party.source == "import")))
        assert roles == ["adverse", "adverse", "client", "client"]


def test_close_names_are_held_for_a_decision_never_merged_silently(services: Services, staff: dict[str, int],
                                                                   tmp_path: Path) -> None:
    text = ("客户名称,业务领域,立案日期\n"
            "北京星辰科技有限公司,民事诉讼,2023-01-01\n"
            "北京星辰科技公司,并购,2023-02-01\n"        # legal form differs: the matcher's "legal_form"
            "完全不同的名字有限公司,刑事,2023-03-01\n")
    path = csv(tmp_path, text)
    held = run(services, path)
    assert [(line, name) for line, name, _c in held.held] == [("3", "北京星辰科技公司")]
    assert held.held[0][2] == ["北京星辰科技有限公司"]
    assert count(services, Client) == 2 and held.matters_created == 2
    merged = run(services, path, merge=["3"])
    assert merged.held == [] and merged.clients_created == 0 and merged.matters_created == 1
    assert [(line, into) for line, into, _n in merged.merged] == [("3", "2")]
    assert count(services, Client) == 2
    with services.session() as session:
        assert set(session.scalars(select(PartyAlias.name))) == {"北京星辰科技公司"}
    typo = text.replace("北京星辰科技有限公司", "北京星辰网络科技有限公司").replace("北京星辰科技公司", "北京星晨网络科技有限公司")
    apart = csv(tmp_path, typo, name="apart.csv")
    assert [line for line, _n, _c in run(services, apart, apply=False).held] == ["3"]
    separate = run(services, apart, separate=["3"])
    assert separate.held == [] and separate.clients_created == 2


def test_the_same_client_under_variants_of_its_name_is_merged_and_shown(services: Services, staff: dict[str, int],
                                                                        tmp_path: Path) -> None:
    text = (f"客户名称,统一社会信用代码,业务领域,案由\n"
            f"北京星辰科技有限公司,{USCC},民事诉讼,合同纠纷\n"
            f"星辰科技（北京）,{USCC.lower()},刑事,刑事辩护\n"       # same USCC: the same client
            f"ＡＢＣ Trading Ltd,,并购,收购\n"
            f"abc  trading ltd,,知识产权,商标\n")                       # width, case and spaces folded
    report = run(services, csv(tmp_path, text))
    assert report.clients_created == 2 and report.matters_created == 4 and report.held == []
    assert [(line, into) for line, into, _n in report.merged] == [("3", "2"), ("5", "4")]


def test_a_client_goes_in_with_all_its_rows_or_not_at_all(services: Services, staff: dict[str, int],
                                                          tmp_path: Path) -> None:
    text = ("客户名称,业务领域,案由,立案日期\n"
            "好客户有限公司,民事诉讼,一,2023-01-01\n"
            "坏客户有限公司,民事诉讼,一,2023-01-01\n"
            "坏客户有限公司,民事诉讼,二,2023-13-01\n"
            "坏客户有限公司,民事诉讼,三,2023-01-03\n")
    report = run(services, csv(tmp_path, text))
    assert reasons(report) == {"4": "bad_date", "3": "with_client", "5": "with_client"}
    assert report.refused_rows == 3
    with services.session() as session:
        assert list(session.scalars(select(Client.name))) == ["好客户有限公司"]
        assert session.execute(select(func.count()).select_from(Matter)).scalar_one() == 1


def test_bad_rows_are_listed_with_line_and_reason(services: Services, staff: dict[str, int], tmp_path: Path) -> None:
    text = ("客户名称,客户类型,身份证号,单独同意,客户等级,业务领域,主办律师,联系人电话,案号\n"
            "张三,个人,110101199003074573,,潜力客户,,,,\n"            # personal ID without consent
            "李四,个人,110101199003074572,是,,,,,\n"                  # bad check character
            "王五,个人,,,金牌客户,,,,\n"
            "赵六,个人,,,,天文学,,,\n"
            ",个人,,,,,,,\n"
            "钱七,个人,,,,刑事,不在册,,\n"
            "孙八,个人,,,,,,13800000000,\n"
            "周九,外星人,,,,,,,\n"
            "吴十,个人,,,,刑事,,,A-1\n"
            "郑十一,个人,,,,民事诉讼,,,A-1\n")
    report = run(services, csv(tmp_path, text))
    assert reasons(report) == {"2": "no_consent", "3": "bad_resident_id", "4": "bad_tier", "5": "bad_area",
                               "6": "no_name", "7": "unknown_staff", "8": "contact_no_name", "9": "bad_kind",
                               "11": "number_taken"}
    assert report.clients_created == 1


def test_unknown_staff_left_open_and_listed_for_assignment(services: Services, staff: dict[str, int],
                                                           tmp_path: Path) -> None:
    text = "客户名称,业务领域,主办律师,协办律师\n钱七,刑事,不在册的人,小陈\n"
    report = run(services, csv(tmp_path, text), unknown_staff="leave-open")
    assert report.refused == [] and report.open_leads == [("2", "不在册的人")]
    assert report.unknown_staff == "leave-open"
    with services.session() as session:
        matter = session.execute(select(Matter)).scalar_one()
        assert matter.lead_lawyer_id is None
        assert set(session.execute(select(MatterTeamMember.staff_id, MatterTeamMember.role))) == \
            {(staff["小陈"], "assistant")}


def test_gbk_csv_with_chinese_headers(services: Services, staff: dict[str, int], tmp_path: Path) -> None:
    text = ("客户名称,客户类型,统一社会信用代码,法定代表人,地址,行业,规模,决策人,客户来源,介绍人,标签,偏好渠道,成立日期,"
            "联系人,联系人职务,联系人电话,负责合伙人\n"
            f"北京星辰科技有限公司,企业,{USCC},李明,北京市海淀区,信息技术,200人,王总,客户介绍,张三,"
            "知识产权、高净值,微信,2010年5月1日,赵敏,法务经理,13812345678,王律师\n")
    report = run(services, csv(tmp_path, text, encoding="gbk"))
    assert report.encodings == ["gb18030"] and report.refused == []
    with services.session() as session:
        c = session.execute(select(Client)).scalar_one()
        assert (c.legal_representative, c.address, c.industry, c.source_channel, c.referrer) == \
            ("李明", "北京市海淀区", "信息技术", "referral", "张三")
        assert (c.tags, c.preferred_channel, c.preferences) == (["知识产权", "高净值"], "wechat", {"size": "200人"})
        contacts = {(x.name, x.title, x.phone) for x in session.scalars(select(ClientContact))}
        assert contacts == {("赵敏", "法务经理", "+86 13812345678")}
        assert c.decision_maker == "王总"                                            # the form's field
        raw_dm = session.execute(sql("SELECT decision_maker FROM clients")).scalar_one()
        assert "王总" not in raw_dm                                                   # encrypted at rest
        founded = session.execute(select(ImportantDate)).scalar_one()
        assert (founded.kind, founded.on_date, founded.yearly) == ("founding", date(2010, 5, 1), True)
        assert session.execute(select(ClientTeamMember.role)).scalar_one() == "partner"
        raw = session.execute(sql("SELECT id_number, legal_representative, address FROM clients")).one()
        assert USCC not in raw[0] and "李明" not in raw[1] and "海淀" not in raw[2]      # encrypted at rest
        fields = session.execute(select(AuditEvent.fields).where(AuditEvent.action == "clients.import")).scalar_one()
        assert "client.id_number" in fields and not any("李明" in f or USCC in f for f in fields)


def test_gender_and_size_become_the_edit_forms_choices(services: Services, staff: dict[str, int],
                                                       tmp_path: Path) -> None:
    text = ("客户名称,客户类型,性别,规模\n"
            "钱七,个人,男,\n"
            "星辰科技有限公司,企业,,中型\n"
            "月亮科技有限公司,企业,,两百人\n")
    report = run(services, csv(tmp_path, text))
    assert report.refused == []
    with services.session() as session:
        got = {c.name: (c.gender, c.company_size, c.preferences) for c in session.scalars(select(Client))}
    assert got == {"钱七": ("male", None, None), "星辰科技有限公司": (None, "medium", None),
                   "月亮科技有限公司": (None, None, {"size": "两百人"})}


def _sheet(wb: Workbook, title: str, rows: list[list[object]]) -> None:
    """A sheet with these rows."""
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)


def test_xlsx_with_a_clients_sheet_and_a_matters_sheet(services: Services, staff: dict[str, int],
                                                       tmp_path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "说明", [["本表为客户台账"]])
    _sheet(wb, "客户", [["客户台账"], [], ["客户名称", "身份证号", "单独同意", "生日", "客户等级"],
                      ["张伟", RESIDENT, "是", datetime(1990, 3, 7), "核心客户"]])
    wb["客户"].merge_cells("A1:E1")
    _sheet(wb, "案件", [["客户名称", "案号", "案由", "业务领域", "立案日期", "主办律师"],
                      ["张伟", "M-1", "房屋买卖合同纠纷", "民事诉讼", datetime(2023, 5, 1), "U0LAWYER1"],
                      ["张伟", "M-2", "劳动争议", "民事诉讼", 45047, "王律师"],
                      ["没有这个客户", "M-3", "合同纠纷", "民事诉讼", "2023-05-01", "王律师"]])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    report = run(services, path)
    assert report.clients_created == 1 and report.matters_created == 2
    assert [(line, key.rsplit(".", 1)[-1]) for line, key, _p in report.refused] == [("案件:4", "no_client")]
    with services.session() as session:
        c = session.execute(select(Client)).scalar_one()
        assert c.id_number == RESIDENT and c.sensitive_consent_at is not None and c.tier == "core"
        birthday = session.execute(select(ImportantDate)).scalar_one()
        assert (birthday.kind, birthday.on_date) == ("birthday", date(1990, 3, 7))
        assert sorted(session.scalars(select(Matter.number))) == ["M-1", "M-2"]


def test_the_template_imports_cleanly_with_both_languages_in_its_headers(services: Services, staff: dict[str, int],
                                                                         tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    headers = [c.value for c in load_workbook(path)["客户 Clients"][1]]
    assert "客户名称 / name" in headers and "统一社会信用代码 / id number or USCC" in headers
    report = run(services, path, apply=False)
    assert report.refused == [] and report.held == []
    assert report.clients_created == 2 and report.matters_created == 2


@pytest.fixture
def cli(db_url: str, tmp_path: Path, test_keyring):  # type: ignore[no-untyped-def]
    """Run `lawcrm …` against the test database."""
    write_key_file(tmp_path / "keys.json", test_keyring)
    runner = CliRunner()
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}

    def invoke(*args: str) -> Result:
        return runner.invoke(build_cli(), list(args), env=env, catch_exceptions=False)

    return invoke


def test_cli_dry_run_then_apply_with_a_summary(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = csv(tmp_path, "客户名称,业务领域,主办律师\n甲公司有限公司,刑事,不在册\n乙公司有限公司,刑事,\n")
    dry = cli("clients", "import", str(path))
    assert dry.exit_code == 0, dry.output
    assert "DRY RUN" in dry.output and 'line 2: lead_lawyer "不在册" is not on staff' in dry.output
    assert "clients created: 1" in dry.output and "refused rows: 1" in dry.output
    assert "refused (--unknown-staff refuse)" in dry.output and "time taken:" in dry.output
    done = cli("clients", "import", str(path), "--apply", "--unknown-staff", "leave-open")
    assert "APPLIED" in done.output and "clients created: 2" in done.output
    assert "left open for assignment: 1" in done.output and "line 2: \"不在册\" is not on staff" in done.output
    template = cli("clients", "template", str(tmp_path / "t.xlsx"))
    assert template.exit_code == 0 and (tmp_path / "t.xlsx").exists()
    missing = cli("clients", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_a_clients_file_and_a_matters_file(services: Services, staff: dict[str, int], tmp_path: Path) -> None:
    clients = csv(tmp_path, "客户名称,客户等级,行业\n甲有限公司,战略客户,制造业\n", name="clients.csv")
    matters = csv(tmp_path, "客户名称,案号,业务领域,主办律师\n甲有限公司,A-1,并购,王律师\n乙有限公司,A-2,并购,王律师\n",
                  name="matters.csv", encoding="gbk")
    report = run(services, matters, clients)          # the clients file is read first, whatever the order
    assert report.clients_created == 1 and report.matters_created == 1
    assert reasons(report) == {"matters.csv:3": "no_client"}
    with services.session() as session:
        assert session.execute(select(Client.tier)).scalar_one() == "strategic"
