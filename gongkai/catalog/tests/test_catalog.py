"""基层政务公开标准目录 (gazette-catalog spec §3): the 26 domains, the importer (XLSX with two
merged header rows and ticks, GBK CSV, broken file, missing column, unknown domain; idempotent),
time-limit status across holidays from public publications only, pages and API."""

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook

from gongkai.accounts.permissions import SYSTEM
from gongkai.catalog import importer, selectors, services
from gongkai.catalog.models import Domain, Entry
from gongkai.conftest import OrganizationFactory, make_document
from gongkai.documents import services as documents
from gongkai.documents.models import DirectoryItem, InfoCategory
from gongkai.lib.timelimit import parse_rule

pytestmark = pytest.mark.django_db
D = dt.date
CHANNELS = ["政府网站", "政府公报", "两微一端"]


@pytest.fixture
def dcq(db: Any) -> Any:
    return OrganizationFactory(level="district", code="dcq", name="东城区人民政府", org_code="101")


def _xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "重大建设项目"
    ws.append(["序号", "公开事项", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
               "公开渠道和载体", "", "", "公开对象", "", "公开方式", "", "公开层级", ""])  # fmt: skip
    ws.append(["", "一级事项", "二级事项", "", "", "", "", *CHANNELS, "全社会", "特定群体", "主动",
               "依申请", "县级", "乡级"])  # fmt: skip
    for rng in (
        "A1:A2",
        "B1:C1",
        "D1:D2",
        "E1:E2",
        "F1:F2",
        "G1:G2",
        "H1:J1",
        "K1:L1",
        "M1:N1",
        "O1:P1",
    ):
        ws.merge_cells(rng)
    ws.append([1, "批准服务信息", "申报要求", "申报材料清单", "【法律】《中华人民共和国城乡规划法》【规章】《政府投资条例》",
               "信息形成或者变更之日起20个工作日内", "区发展改革委", "■", "", "√", "■", "", "■", "", "■", ""])  # fmt: skip
    ws.append([2, "批准服务信息", "批准结果", "批复文件", "《政府信息公开条例》", "同上", "区发展改革委",
               "■", "■", "", "■", "", "■", "■", "■", "■"])  # fmt: skip
    ws2 = wb.create_sheet("财政预决算")
    ws2.append(
        [
            "序号",
            "一级事项",
            "二级事项",
            "公开内容",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
        ]
    )
    ws2.append(
        [
            1,
            "财政预算",
            "",
            "预算报告",
            "《预算法》",
            "每年1月31日前",
            "区财政局",
            "政府网站、政府公报",
        ]
    )
    wb.save(path)
    return path


def test_26_domains_from_the_data_file() -> None:
    assert Domain.objects.count() == 26
    assert list(Domain.objects.order_by("order").values_list("name", flat=True)[:3]) == [
        "重大建设项目", "公共资源交易", "财政预决算"]  # fmt: skip


def test_time_limit_rules() -> None:
    assert parse_rule("信息形成或者变更之日起20个工作日内") == "wd20"
    assert parse_rule("5个工作日内") == "wd5"
    assert parse_rule("十五个工作日") == "wd15"
    assert parse_rule("实时") == "realtime" and parse_rule("及时公开") == "timely"
    assert parse_rule("每年1月31日前") == "yearly:01-31"
    assert parse_rule("长期") == "text"


def test_import_xlsx_with_merged_headers_and_ticks(dcq: Any, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "catalog.xlsx")
    out = io.StringIO()
    call_command("catalog", "import", str(path), "--org", "dcq", "--format", "json", stdout=out)
    got = json.loads(out.getvalue())
    assert (got["rows"], got["created"], got["errors"]) == (3, 3, [])
    e1, e2 = Entry.objects.filter(domain__name="重大建设项目").order_by("seq")
    assert (e1.level1, e1.level2, e1.time_limit_rule) == ("批准服务信息", "申报要求", "wd20")
    assert (
        e1.channels == ["政府网站", "两微一端"]
        and e1.audience == ["全社会"]
        and e1.mode == ["主动"]
    )
    assert e1.levels == ["县级"]
    assert e1.basis == [{"rank": "法律", "title": "《中华人民共和国城乡规划法》"},
                        {"rank": "规章", "title": "《政府投资条例》"}]  # fmt: skip
    assert e2.time_limit_rule == "wd20" and e2.time_limit_text.startswith("信息形成")  # 同上
    budget = Entry.objects.get(domain__name="财政预决算")
    assert budget.time_limit_rule == "yearly:01-31" and budget.channels == ["政府网站", "政府公报"]
    assert got["entries"][0] == {"domain": "重大建设项目", "level1": "批准服务信息", "level2": "申报要求",
                                 "time_limit": "wd20"}  # fmt: skip
    out = io.StringIO()  # idempotent
    call_command("catalog", "import", str(path), "--org", "dcq", "--format", "json", stdout=out)
    again = json.loads(out.getvalue())
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_import_gbk_csv_with_domain_column_and_dry_run(dcq: Any, tmp_path: Path) -> None:
    text = ("领域,序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道和载体\r\n"
            "救灾,1,灾情信息,,受灾情况,《自然灾害救助条例》,实时,区应急局,政府网站、两微一端\r\n"
            "救灾,2,救助资金,,发放情况,《自然灾害救助条例》,10个工作日内,区应急局,政府网站\r\n")  # fmt: skip
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode("gbk"))
    out = io.StringIO()
    call_command(
        "catalog", "import", str(path), "--org", "dcq", "--dry-run", "--format", "json", stdout=out
    )
    assert (
        json.loads(out.getvalue())["created"] == 2 and Entry.objects.count() == 0
    )  # nothing written
    call_command("catalog", "import", str(path), "--org", "dcq", stdout=io.StringIO())
    assert sorted(Entry.objects.values_list("time_limit_rule", flat=True)) == ["realtime", "wd10"]
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # UTF-8 with BOM: the same rows
    out = io.StringIO()
    call_command("catalog", "import", str(path), "--org", "dcq", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["unchanged"] == 2


def test_import_changes_stored_rows_and_a_repeated_row_in_one_file(
    dcq: Any, tmp_path: Path
) -> None:
    head = "领域,序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道和载体\n"
    path = tmp_path / "c.csv"
    path.write_text(head + "救灾,1,灾情信息,,受灾情况,,实时,区应急局,政府网站\n"
                    "救灾,2,救助资金,,发放情况,,及时公开,区应急局,政府网站\n", encoding="utf-8")  # fmt: skip
    call_command("catalog", "import", str(path), "--org", "dcq", stdout=io.StringIO())
    # row 1 changed, row 2 unchanged, row 3 new and then repeated (the last one counts)
    path.write_text(head + "救灾,1,灾情信息,,受灾人数,,实时,区应急局,政府网站\n"
                    "救灾,2,救助资金,,发放情况,,及时公开,区应急局,政府网站\n"
                    "救灾,3,物资,,调拨,,实时,区应急局,政府网站\n"
                    "救灾,3,物资,,调拨与发放,,实时,区应急局,政府网站\n", encoding="utf-8")  # fmt: skip
    out = io.StringIO()
    call_command("catalog", "import", str(path), "--org", "dcq", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 2, 1)
    assert dict(Entry.objects.values_list("seq", "content")) == {
        1: "受灾人数",
        2: "发放情况",
        3: "调拨与发放",
    }


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"\x89PNG\r\n\x1a\n", "x.png", "不是表格文件"),
    (b"PK\x03\x04broken", "x.xlsx", "不是有效的 XLSX 文件"),
    ("序号,一级事项,公开内容,公开时限\n1,a,b,c\n".encode(), "x.csv", "缺少列：公开主体、领域"),
    ("领域,序号,一级事项,公开内容,公开时限,公开主体\n火星,1,a,b,c,d\n".encode(), "x.csv", "未知的领域：火星"),
])  # fmt: skip
def test_broken_inputs_exit_2_without_writing(
    dcq: Any, tmp_path: Path, capsys: Any, content: bytes, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SystemExit) as e:
        call_command("catalog", "import", str(path), "--org", "dcq")
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") <= 1
    assert Entry.objects.count() == 0


def _entry(org: Any, rule: str = "wd20", **kw: Any) -> Entry:
    domain = Domain.objects.get(name=kw.pop("domain", "重大建设项目"))
    return services.save_entry(by=SYSTEM, org=org, domain=domain, data={
        "seq": kw.pop("seq", 1), "level1": "批准服务信息", "time_limit_rule": rule,
        "time_limit_text": "20个工作日内", **kw})  # fmt: skip


def test_status_across_the_national_day_holiday(dcq: Any) -> None:
    item = DirectoryItem.objects.create(org=dcq, name="重大建设项目批准信息")
    entry = _entry(dcq)
    today = D(2024, 12, 1)
    assert selectors.status(entry, today).code == "not_computable"  # no linked column yet
    services.link(by=SYSTEM, entry=entry, directory_items=[item])
    assert selectors.status(entry, today).code == "empty"
    # formed 2024-09-20; 20 working days skip 国庆 (10-01…10-07) and count 09-29/10-12 调休: 10-23
    doc = make_document(
        dcq, written_on=D(2024, 9, 20), published_on=D(2024, 10, 23), directory_item=item
    )
    got = selectors.status(entry, today)
    assert (got.code, got.last_published_on) == ("met", D(2024, 10, 23))
    documents.withdraw(doc, by=SYSTEM, reason="撤回")
    make_document(dcq, written_on=D(2024, 9, 20), published_on=D(2024, 10, 24), directory_item=item)
    assert selectors.status(entry, today).code == "late"
    # a non-public publication never counts, even the newest
    make_document(
        dcq, "draft", written_on=D(2024, 11, 1), published_on=D(2024, 11, 2), directory_item=item
    )
    make_document(dcq, written_on=D(2024, 11, 1), published_on=D(2024, 11, 2), directory_item=item,
                  disclosure_attribute="withheld", disclosure_reason="涉密")  # fmt: skip
    assert selectors.status(entry, today).last_published_on == D(2024, 10, 24)


def test_yearly_rule_and_category_links(dcq: Any) -> None:
    entry = _entry(dcq, rule="yearly:01-31", domain="财政预决算")
    services.link(by=SYSTEM, entry=entry, categories=[InfoCategory.objects.get(code="budget")])
    make_document(dcq, category="budget", published_on=D(2025, 1, 20))
    assert selectors.status(entry, D(2025, 3, 1)).code == "met"
    assert selectors.status(entry, D(2026, 1, 15)).code == "met"  # 2026's deadline not yet passed
    assert selectors.status(entry, D(2026, 2, 1)).code == "late"  # nothing for 2026 by 01-31


def test_not_applicable_needs_an_explanation_and_no_entries(dcq: Any) -> None:
    from django.core.exceptions import ValidationError

    domain = Domain.objects.get(name="农村危房改造")
    with pytest.raises(ValidationError):
        services.declare_not_applicable(by=SYSTEM, org=dcq, domain=domain, explanation=" ")
    services.declare_not_applicable(by=SYSTEM, org=dcq, domain=domain, explanation="本区无农村")
    _entry(dcq)
    with pytest.raises(ValidationError):
        services.declare_not_applicable(by=SYSTEM, org=dcq, domain=Domain.objects.get(name="重大建设项目"),
                                        explanation="x")  # fmt: skip


def test_pages_and_api(dcq: Any) -> None:
    item = DirectoryItem.objects.create(org=dcq, name="重大建设项目批准信息")
    entry = _entry(dcq, channels=["政府网站"], audience=["全社会"], mode=["主动"], levels=["县级"],
                   basis=[{"rank": "法律", "title": "《城乡规划法》"}])  # fmt: skip
    services.link(by=SYSTEM, entry=entry, directory_items=[item])
    services.declare_not_applicable(by=SYSTEM, org=dcq, domain=Domain.objects.get(name="农村危房改造"),
                                    explanation="本区无农村危房")  # fmt: skip
    make_document(dcq, written_on=D(2024, 9, 20), published_on=D(2024, 10, 23), directory_item=item)
    c = Client()
    assert "东城区人民政府" in c.get("/catalog/").content.decode()
    org_page = c.get("/catalog/dcq/").content.decode()
    assert "重大建设项目</a>（1项）" in org_page and "未涉及：本区无农村危房" in org_page
    table = c.get("/catalog/dcq/zdjsxm/").content.decode()
    assert "批准服务信息" in table and "■" in table and "【法律】《城乡规划法》" in table
    assert f"/list/?org=dcq&amp;item={item.pk}" in table
    assert c.get("/catalog/nobody/").status_code == 404
    assert len(c.get("/api/v1/catalog/domains").json()["items"]) == 26
    with time_machine.travel(dt.datetime(2024, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        body = c.get("/api/v1/catalog/entries?org=dcq&domain=zdjsxm").json()
    assert body["count"] == 1 and body["next"] is None
    got = body["items"][0]
    assert got["status"] == "met" and got["last_published_on"] == "2024-10-23"
    assert got["columns"] == [
        {"label": "重大建设项目批准信息", "url": f"/list/?org=dcq&item={item.pk}"}
    ]
    assert got["time_limit"] == {"rule": "wd20", "text": "20个工作日内"}
    assert c.get("/api/v1/catalog/entries?domain=nope").status_code == 422


def test_check_command(dcq: Any) -> None:
    _entry(dcq)
    out = io.StringIO()
    call_command("catalog", "check", "--org", "dcq", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {"met": 0, "late": 0, "empty": 0, "not_computable": 1}


def test_importer_unit_basis() -> None:
    assert importer.parse_basis("《条例》；《办法》") == [
        {"rank": "", "title": "《条例》"},
        {"rank": "", "title": "《办法》"},
    ]


def test_sitemap_section(dcq: Any) -> None:
    _entry(dcq)
    body = Client().get("/sitemap-catalog.xml").content.decode()
    assert (
        "/catalog/dcq/" in body
        and "/catalog/dcq/zdjsxm/" in body
        and "/catalog/dcq/ggzyjy/" not in body
    )
