"""`gongkai lists import|export|check` (issue 20): encodings, one transaction, dry run,
unchanged re-import, import↔export round trip, the check report."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from gongkai.lists import tabular
from gongkai.lists.models import Intermediary, PowerItem

from .conftest import D, adjust, licence, power

pytestmark = pytest.mark.django_db

ROW = ["640100-001-02-001-00", "对未按规定公示信息的处罚", "", "行政处罚",
       "【行政法规】《企业信息公示暂行条例》第十八条：县级以上地方人民政府有关部门", "测试市市场监督管理局",
       "法定行政机关", "", "执法稽查处", "市、县", "立案：10个工作日内立案\n调查取证：全面调查", "不依法履职的",
       "测试市司法局", "0951-12345678", "行政复议", "否"]  # fmt: skip


def run(*args: Any) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = 0
    try:
        call_command("lists", *args, "--format", "json", stdout=out)
    except SystemExit as e:
        code = int(e.code or 0)
    return code, json.loads(out.getvalue())


def write_csv(tmp_path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    body = tabular.csv_bytes(tabular.STAFF_POWER_COLUMNS, rows).decode("utf-8")[1:]
    path = tmp_path / "powers.csv"
    path.write_bytes(body.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_encodings_and_unchanged_reimport(org: Any, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path, [ROW, _row(2)], encoding)
    code, report = run("import", str(path), "--kind", "power", "--org", "scj")
    assert code == 0, report
    assert report == {"rows": 2, "valid": 2, "imported": 2, "unchanged": 0, "held": 0, "errors": []}
    item = PowerItem.objects.get(code=ROW[0])
    assert item.status == "published"
    v = item.versions.get()
    assert v.basis[0] == {"rank": "行政法规", "title": "企业信息公示暂行条例", "article": "第十八条",
                          "text": "县级以上地方人民政府有关部门"}  # fmt: skip
    assert v.responsibilities[1] == {"stage": "调查取证", "text": "全面调查"}
    code, again = run("import", str(path), "--kind", "power", "--org", "scj")
    assert code == 0 and again["unchanged"] == 2 and again["imported"] == 0


def _row(serial: int, **cells: str) -> list[str]:
    row = list(ROW)
    row[0] = f"640100-001-02-{serial:03d}-00"
    row[1] = f"对违法行为{serial}的处罚"
    for index, value in cells.items():
        row[int(index[1:])] = value
    return row


def test_bad_encoding_is_a_clear_error(org: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\x00\x81\x00\xff")
    code, report = run("import", str(path), "--kind", "power", "--org", "scj")
    assert code == 1 and "UTF-8" in report["errors"][0]["message"]


def test_any_error_imports_nothing(org: Any, tmp_path: Path) -> None:
    rows = [ROW, _row(2, c13="12345678"), _row(3, c3="行政审批"), _row(4, c4="《无层级》第一条"),
            _row(5, c9="市、村"), _row(6, c0="330100-001-02-006-00")]  # fmt: skip
    code, report = run("import", str(write_csv(tmp_path, rows)), "--kind", "power", "--org", "scj")
    assert code == 1
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (3, "监督电话"), (4, "职权类型"), (5, "依据"), (6, "行使层级"), (7, "事项编码")]  # fmt: skip
    assert report["imported"] == 0 and not PowerItem.objects.exists()


def test_dry_run_changes_nothing(org: Any, tmp_path: Path) -> None:
    code, report = run("import", str(write_csv(tmp_path, [ROW])), "--kind", "power", "--org", "scj",
                       "--dry-run")  # fmt: skip
    assert code == 0 and report["valid"] == 1 and report["dry_run"] is True
    assert not PowerItem.objects.exists()


def test_differing_row_for_existing_code_is_an_error(org: Any, tmp_path: Path) -> None:
    run("import", str(write_csv(tmp_path, [ROW])), "--kind", "power", "--org", "scj")
    code, report = run("import", str(write_csv(tmp_path, [_row(1, c1="改名")])), "--kind", "power",
                       "--org", "scj")  # fmt: skip
    assert code == 1 and "动态调整" in report["errors"][0]["message"]


def test_identifiers_hold_the_row(org: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path, [_row(1, c12="联系人手机13912345678")])
    code, report = run("import", str(path), "--kind", "power", "--org", "scj")
    assert code == 0 and report["held"] == 1
    assert PowerItem.objects.get().status == "draft"


def test_xlsx_import_and_export_round_trip(org: Any, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(tabular.STAFF_POWER_COLUMNS)
    ws.append(ROW)
    ws.append(_row(2, c15="是"))
    path = tmp_path / "powers.xlsx"
    wb.save(path)
    code, report = run("import", str(path), "--kind", "power", "--org", "scj")
    assert code == 0 and report["imported"] == 2
    assert PowerItem.objects.get(code=_row(2)[0]).secret is True
    out = tmp_path / "export.xlsx"
    call_command("lists", "export", "--kind", "power", "--org", "scj", "--format", "xlsx",
                 "--output", str(out))  # fmt: skip
    code, again = run("import", str(out), "--kind", "power", "--org", "scj")
    assert code == 0 and again["unchanged"] == 2
    csv_out = tmp_path / "export.csv"
    call_command("lists", "export", "--kind", "power", "--org", "scj", "--output", str(csv_out))
    text = csv_out.read_bytes().decode("utf-8-sig")
    assert text.startswith("事项编码,事项名称") and "是否保密" in text.splitlines()[0]


def test_intermediary_import(org: Any, tmp_path: Path) -> None:
    lic = licence(org)
    fine = power(org, 9)
    rows = [["ZJ-1", "检验检测", lic.code, "测试市市场监督管理局", "条例", "具备资质", "是", "政府定价或政府指导价", "价格文件", "100元"]]  # fmt: skip
    path = tmp_path / "x.csv"
    path.write_bytes(tabular.csv_bytes(tabular.INTERMEDIARY_COLUMNS, rows))
    code, report = run("import", str(path), "--kind", "intermediary", "--org", "scj")
    assert code == 0 and report["imported"] == 1
    assert Intermediary.objects.get().fee_nature == "government"
    code, again = run("import", str(path), "--kind", "intermediary", "--org", "scj")
    assert again["unchanged"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(tabular.csv_bytes(tabular.INTERMEDIARY_COLUMNS, [["ZJ-2", "x", fine.code, "局", "条例", "", "否", "", "", ""]]))  # fmt: skip
    code, report = run("import", str(bad), "--kind", "intermediary", "--org", "scj")
    assert code == 1 and report["errors"][0]["column"] == "涉及的审批事项"


def test_check_report(org: Any) -> None:
    licence(org, 1)
    power(org, 2, secret=True)
    adjust(power(org, 3), "cancel", trigger_on=D(2025, 10, 20), applied_on=D(2025, 10, 21))
    _, report = run("check", "--org", "scj")
    assert report["licences_without_guide"] == ["640100-001-01-001-00"]
    assert report["secret_items"] == 1
    assert report["overdue"] == [{"adjustment": report["overdue"][0]["adjustment"],
                                  "item_code": "640100-001-02-003-00", "stage": "review",
                                  "started_on": "2025-10-21", "due_on": "2025-11-11"}]  # fmt: skip


def test_guide_import_in_the_api_shape(org: Any, tmp_path: Path) -> None:
    from django.test import Client

    from gongkai.lists.models import Guide

    from .conftest import guide_data

    lic = licence(org)
    line = {"impl_code": "XK00001000-640100-01", "power_code": lic.code, "name": lic.name,
            "audience": "法人", **guide_data()}  # fmt: skip
    path = tmp_path / "guides.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    code, report = run("import", str(path), "--kind", "guide", "--org", "scj")
    assert code == 0 and report["imported"] == 1, report
    exported = Client().get("/api/v1/lists/guides/XK00001000-640100-01").json()
    path.write_text(json.dumps(exported, ensure_ascii=False) + "\n", encoding="utf-8")
    code, again = run("import", str(path), "--kind", "guide", "--org", "scj")
    assert code == 0 and again["unchanged"] == 1
    bad = [{**line, "impl_code": "XK2", "conditions": ["其他条件"]}, {**line, "impl_code": "XK3",
           "consult_phone": "12345678"}, "not json"]  # fmt: skip
    path.write_text("\n".join(b if isinstance(b, str) else json.dumps(b, ensure_ascii=False) for b in bad),
                    encoding="utf-8")  # fmt: skip
    code, report = run("import", str(path), "--kind", "guide", "--org", "scj")
    assert code == 1
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (1, "conditions"), (2, "consult_phone"), (3, "")]  # fmt: skip
    assert Guide.objects.count() == 1


def test_import_writes_in_bulk_with_one_audit_entry(org: Any, tmp_path: Path) -> None:
    from gongkai.audit.models import AuditEntry
    from gongkai.lists import selectors, services
    from gongkai.search.models import Entry

    from .conftest import TODAY

    rows = [ROW, _row(2, c15="是"), _row(3, c12="联系人手机13912345678")]
    before = AuditEntry.objects.count()
    code, report = run("import", str(write_csv(tmp_path, rows)), "--kind", "power", "--org", "scj")
    assert code == 0 and report["imported"] == 3 and report["held"] == 1, report
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.action for e in entries] == ["power.import"]
    assert entries[0].after["published"] == [ROW[0], _row(2)[0]]
    assert entries[0].after["drafts"] == [_row(3)[0]]
    public, secret, held = (PowerItem.objects.get(code=r[0]) for r in rows)
    assert public.status == secret.status == "published" and held.status == "draft"
    assert public.versions.get().valid_from == TODAY and held.versions.get().valid_from is None
    assert selectors.public_item(public.code) is not None
    assert selectors.public_item(secret.code) is None and selectors.public_item(held.code) is None
    keys = set(Entry.objects.values_list("key", flat=True))
    assert services.power_search_key(public) in keys
    assert not {services.power_search_key(secret), services.power_search_key(held)} & keys
    url = Entry.objects.get(key=services.power_search_key(public)).url
    assert url == f"/lists/powers/{public.code}/"
    code, again = run("import", str(write_csv(tmp_path, rows)), "--kind", "power", "--org", "scj")
    assert code == 0 and again["unchanged"] == 3 and AuditEntry.objects.count() == before + 1


def test_import_queries_do_not_grow_with_rows(org: Any, tmp_path: Path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(rows: list[list[str]]) -> tuple[int, int]:
        path = write_csv(tmp_path, rows)
        with CaptureQueriesContext(connection) as first:
            code, report = run("import", str(path), "--kind", "power", "--org", "scj")
        assert code == 0 and report["imported"] == len(rows), report
        with CaptureQueriesContext(connection) as again:
            code, report = run("import", str(path), "--kind", "power", "--org", "scj")
        assert code == 0 and report["unchanged"] == len(rows), report
        return len(first.captured_queries), len(again.captured_queries)

    few = queries([_row(n) for n in range(1, 4)])
    many = queries([_row(n) for n in range(10, 40)])
    assert few == many, (few, many)


def test_bad_rows_of_every_kind_import_nothing(org: Any, tmp_path: Path) -> None:
    # issue 20 "Bad input" through the import: each a row error naming its column, nothing saved
    from gongkai.audit.models import AuditEntry
    from gongkai.lists.models import Guide, ServiceItem

    from .conftest import guide_data

    before = AuditEntry.objects.count()
    code, report = run("import", str(write_csv(tmp_path, [ROW, _row(2, c4="")])), "--kind",
                       "power", "--org", "scj")  # fmt: skip
    assert code == 1 and [(e["row"], e["column"]) for e in report["errors"]] == [(3, "依据")]
    assert "至少应有一项依据" in report["errors"][0]["message"]
    assert not PowerItem.objects.exists()
    lic, secret = licence(org), licence(org, 2, secret=True)
    audited = AuditEntry.objects.count()
    rows = [["ZJ-1", "检验检测", lic.code, "局", "条例", "", "否", "", "", ""],
            ["ZJ-2", "测绘", "640100-001-01-999-00", "局", "条例", "", "否", "", "", ""]]  # fmt: skip
    path = tmp_path / "x.csv"
    path.write_bytes(tabular.csv_bytes(tabular.INTERMEDIARY_COLUMNS, rows))
    code, report = run("import", str(path), "--kind", "intermediary", "--org", "scj")
    assert code == 1 and [(e["row"], e["column"]) for e in report["errors"]] == [
        (3, "涉及的审批事项")
    ]
    assert "未找到" in report["errors"][0]["message"] and not Intermediary.objects.exists()
    lines = [
        {"impl_code": "XK00001000-640100-01", "power_code": lic.code, "name": lic.name, "audience": "法人",
         **guide_data()},
        {"impl_code": "XK00002000-640100-01", "power_code": secret.code, "name": secret.name, "audience": "法人",
         **guide_data()},
        {"impl_code": "XK00003000-640100-01", "power_code": lic.code, "name": lic.name, "audience": "法人",
         **guide_data(legal_days=10, promised_days=15)},
    ]  # fmt: skip
    path = tmp_path / "guides.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    code, report = run("import", str(path), "--kind", "guide", "--org", "scj")
    assert code == 1
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (2, "power_code"),
        (3, "promised_days"),
    ]
    assert "保密事项" in report["errors"][0]["message"]
    assert not ServiceItem.objects.exists() and not Guide.objects.exists()
    assert AuditEntry.objects.count() == audited  # the two licences were audited before
    assert audited > before


def test_check_reports_guides_whose_power_item_was_renamed(org: Any) -> None:
    from .conftest import guide, service

    renamed, kept = licence(org, 1), licence(org, 2)
    guide(service(org, "XK00001000-640100-01", power_item=renamed))
    guide(service(org, "XK00002000-640100-01", power_item=kept))
    guide(service(org, "GG00003000-640100-01", type_code="GG", name="公共服务"))  # no power item
    _, report = run("check", "--org", "scj")
    assert report["mismatched"] == [] and report["guides"] == 3
    adjust(renamed, "modify", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6),
           changes={"name": "食品经营许可（新）"})  # fmt: skip
    _, report = run("check", "--org", "scj")
    assert report["mismatched"] == [
        {"impl_code": "XK00001000-640100-01", "power_code": renamed.code}
    ]
