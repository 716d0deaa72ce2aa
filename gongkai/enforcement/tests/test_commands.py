"""`gongkai enforcement import|export` and `gongkai spotcheck replay` (issue 21 Staff/commands):
headers as spec §2 in any width of bracket, UTF-8/BOM/GBK and XLSX, all-or-nothing, idempotent
by 文书号, identifiers in free text held; the upload has the full numbers; replay = stored log."""

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from gongkai.accounts.permissions import SYSTEM
from gongkai.enforcement import exchange, services
from gongkai.enforcement.models import Draw, LicenceDecision, PenaltyDecision

from .conftest import AUTHORITY, credit_code, id_number, penalty, person

pytestmark = pytest.mark.django_db


def licence_row(n: int, **over: str) -> dict[str, str]:
    row = {h: "" for h in exchange.LICENCE_HEADERS}
    row.update({
        "行政相对人名称": f"导入测试{n}有限公司", "行政相对人类别": "法人及非法人组织",
        "行政相对人代码_1(统一社会信用代码)": credit_code(7000 + n), "行政许可决定文书名称": "准予许可决定书",
        "行政许可决定文书号": f"导许〔2025〕{n}号", "许可类别": "普通", "许可决定日期": "2025/9/26",
        "有效期自": "2025/09/26", "有效期至": "2099/12/31", "许可机关": AUTHORITY["authority"],
        "许可机关统一社会信用代码": AUTHORITY["authority_credit_code"], "数据来源单位": AUTHORITY["source"],
        "数据来源单位统一社会信用代码": AUTHORITY["source_credit_code"],
    })  # fmt: skip
    row.update(over)
    return row


def write_csv(
    path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig", fullwidth: bool = False
) -> Path:
    headers = list(rows[0])
    if fullwidth:
        headers = [h.replace("(", "（").replace(")", "）").replace("_", " _") for h in headers]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow(list(r.values()))
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def run(capsys: Any, *args: str) -> tuple[int, dict[str, Any]]:
    code = 0
    try:
        call_command("enforcement", *args, "--format", "json")
    except SystemExit as e:
        code = int(e.code or 0)
    return code, json.loads(capsys.readouterr().out)


def test_import_gbk_fullwidth_idempotent(org: Any, tmp_path: Path, capsys: Any) -> None:
    f = write_csv(
        tmp_path / "l.csv",
        [licence_row(1), licence_row(2, 许可类别="其他-备案")],
        "gbk",
        fullwidth=True,
    )
    code, out = run(capsys, "import", str(f), "--kind", "licence", "--org", org.code, "--dry-run")
    assert (
        code == 0
        and out["valid"] == 2
        and out["imported"] == 0
        and LicenceDecision.objects.count() == 0
    )
    code, out = run(capsys, "import", str(f), "--kind", "licence", "--org", org.code)
    assert (code, out["imported"], out["errors"]) == (0, 2, [])
    lic = LicenceDecision.objects.get(decision_no="导许〔2025〕1号")
    assert lic.long_term and lic.subject_type == "02" and lic.decided_on == dt.date(2025, 9, 26)
    code, out = run(capsys, "import", str(f), "--kind", "licence", "--org", org.code)
    assert (code, out["imported"], out["unchanged"]) == (0, 0, 2)


def test_any_error_imports_nothing(org: Any, tmp_path: Path, capsys: Any) -> None:
    rows = [licence_row(1), licence_row(2, 许可类别="07"), licence_row(3, 有效期至="2020/01/01"),
            licence_row(4, **{"行政相对人代码_1(统一社会信用代码)": "91640100000001000X"}),
            licence_row(5, 行政相对人类别="自然人", **{"行政相对人代码_1(统一社会信用代码)": ""}, 证件类型="身份证"),
            licence_row(1)]  # fmt: skip
    code, out = run(
        capsys,
        "import",
        str(write_csv(tmp_path / "bad.csv", rows)),
        "--kind",
        "licence",
        "--org",
        org.code,
    )
    assert code == 1 and LicenceDecision.objects.count() == 0
    got = {(e["row"], e["column"]) for e in out["errors"]}
    assert {(3, "许可类别"), (4, "有效期至"), (5, "行政相对人代码_1(统一社会信用代码)"), (6, "证件号码"),
            (7, "行政许可决定文书号")} <= got  # fmt: skip
    assert out["rows"] == 6 and out["valid"] == 1


def test_xlsx_penalties_and_held_rows(org: Any, tmp_path: Path, capsys: Any) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(exchange.PENALTY_HEADERS)
    base = {h: "" for h in exchange.PENALTY_HEADERS} | {
        "行政相对人名称": "赵六", "行政相对人类别": "01", "证件类型": "01", "证件号码": id_number(n=61),
        "违法行为类型": "无证经营", "违法事实": "当事人无证经营。", "处罚依据": "《无证无照经营查处办法》第十三条",
        "处罚类别": "警告、罚款", "处罚内容": "警告，罚款", "罚款金额（万元）": "0.2", "处罚决定日期": dt.datetime(2025, 9, 26),
        "处罚有效期": "2026/09/25", "处罚机关": AUTHORITY["authority"],
        "处罚机关统一社会信用代码": AUTHORITY["authority_credit_code"], "数据来源单位": AUTHORITY["source"],
        "数据来源单位统一社会信用代码": AUTHORITY["source_credit_code"],
    }  # fmt: skip
    ws.append(list((base | {"行政处罚决定书文号": "导罚〔2025〕1号"}).values()))
    ws.append(list((base | {"行政处罚决定书文号": "导罚〔2025〕2号", "证件号码": id_number(n=62),
                            "违法事实": "当事人（电话13812345678）无证经营。"}).values()))  # fmt: skip
    wb.save(tmp_path / "p.xlsx")
    code, out = run(
        capsys, "import", str(tmp_path / "p.xlsx"), "--kind", "penalty", "--org", org.code
    )
    assert (code, out["imported"], out["held"]) == (0, 2, 1), out["errors"]
    assert PenaltyDecision.objects.get(decision_no="导罚〔2025〕2号").status == "held"
    assert PenaltyDecision.objects.get(decision_no="导罚〔2025〕1号").types == ["01", "03"]


def test_export_has_full_numbers(org: Any, tmp_path: Path, capsys: Any) -> None:
    number = id_number(n=63)
    penalty(org, **person(id_number=number))
    call_command("enforcement", "export", "--kind", "penalty", "--org", org.code, "--year", "2025")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == exchange.PENALTY_HEADERS and rows[1][12] == number
    out = tmp_path / "u.xlsx"
    call_command("enforcement", "export", "--kind", "penalty", "--org", org.code, "--year", "2025",
                 "--format", "xlsx", "--output", str(out))  # fmt: skip
    assert load_workbook(out).active.cell(2, 13).value == number


def test_replay(org: Any, capsys: Any) -> None:
    from .test_spotchecks import plan, setup_pool

    matter, people = setup_pool(org, 30, 4)
    p = plan(org, matter, people, ratio_percent="10")
    services.approve_plan(p, by=SYSTEM)
    d = services.draw(p, by=SYSTEM)
    call_command("spotcheck", "replay", str(d.pk))
    assert "一致" in capsys.readouterr().out
    Draw.objects.filter(pk=d.pk).update(drawn=list(reversed(d.drawn)))
    with pytest.raises(SystemExit) as e:
        call_command("spotcheck", "replay", str(d.pk))
    assert e.value.code == 1


STORED = ("status", "held_reason", "disclosure", "not_public_reason", "publish_due_on",
          "published_on", "visible_until", "publicity_until", "heaviest_type", "type_codes")  # fmt: skip


def _data(n: int, **over: Any) -> dict[str, Any]:
    from .conftest import PenaltyData

    return dict(PenaltyData(decision_no=f"批罚〔2025〕{n}号", **over))


@pytest.mark.parametrize("by_role", ["system", "editor"])
def test_bulk_import_stores_what_the_service_stores(org: Any, editor: Any, by_role: str,
                                                    django_assert_max_num_queries: Any) -> None:  # fmt: skip
    """The batched import (bulk insert, one audit write) keeps every rule of `record_penalty`:
    due dates across 国庆, publicity, minors not public, identifiers in text held, editors held;
    and its number of queries does not grow with the rows."""
    from gongkai.audit.models import AuditEntry

    by = SYSTEM if by_role == "system" else editor
    kinds = [{}, {"decided_on": dt.date(2025, 9, 30)}, person(id_number=id_number("20100101", 7)),
             {"facts": "当事人（电话13812345678）无证经营。"}, {"severity": "serious"}]  # fmt: skip
    rows = [(i + 2, _data(i, **kinds[i % len(kinds)])) for i in range(40)]
    before = AuditEntry.objects.count()
    with django_assert_max_num_queries(30):
        out = services.import_rows(by=by, org=org, kind="penalty", rows=rows)
    assert (out["imported"], out["held"], out["errors"]) == (40, 8, [])
    assert AuditEntry.objects.count() - before == 40
    assert set(AuditEntry.objects.order_by("seq").values_list("action", flat=True)[before:]) == {
        "enforcement.penalty.record"
    }
    for i, kind in enumerate(kinds):  # the same row through the one-at-a-time service
        one = services.record_penalty(by=by, org=org, data=_data(100 + i, **kind))
        bulk = PenaltyDecision.objects.get(decision_no=f"批罚〔2025〕{i}号")
        assert {f: getattr(bulk, f) for f in STORED} == {f: getattr(one, f) for f in STORED}
    minor = PenaltyDecision.objects.get(decision_no="批罚〔2025〕2号")
    assert minor.disclosure == "not_public"
    national_day = PenaltyDecision.objects.get(decision_no="批罚〔2025〕1号")
    # 9/30 + 7 WD: 10/1–8 off; 10/9, 10/10, 10/11 (Saturday make-up day), 10/13 … 10/16
    assert national_day.publish_due_on == dt.date(2025, 10, 16)
