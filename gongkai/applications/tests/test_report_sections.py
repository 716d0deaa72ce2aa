"""Sections 一, 二, 五 and 六 of the annual report: section 二 counted from the platform's own public
documents against a hand-computed table, the staff-entered figures and texts (services, admin,
audit), the public outputs that must not show a draft, and the command's formats."""

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.applications import report, selectors, services
from gongkai.applications.models import AnnualReportEntry
from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD, make_document, staff

D = dt.date
DF = report.DocFacts


def test_section2_counts_by_the_documented_rule() -> None:
    docs = [
        DF("normative", D(2025, 3, 1)),  # 制发 2025, in force
        DF("normative", D(2024, 6, 1), D(2025, 7, 1), repealed=True),  # 废止 in 2025
        DF("normative", D(2024, 6, 1), D(2025, 8, 1), repealed=False),  # 失效: not 废止
        DF("normative", D(2025, 2, 1), D(2026, 1, 10), repealed=True),  # still in force on 31.12.
        DF("normative", D(2026, 1, 5)),  # after the year: nowhere
        DF("normative", D(2023, 1, 1), D(2024, 5, 1), repealed=True),  # ended before the year
        DF("regulation", D(2025, 12, 31)),
        DF("regulation", D(2020, 1, 1)),
    ]
    s2 = report.build_section2(2025, docs)
    first = s2["tables"][0]
    assert first["item"] == "第二十条第（一）项"
    assert first["columns"] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert first["rows"] == [
        {"label": "规章", "values": [1, 0, 2]},
        {"label": "行政规范性文件", "values": [2, 1, 2]},
    ]
    labels = [r["label"] for t in s2["tables"] for r in t["rows"]]
    assert labels == [
        "规章",
        "行政规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
    ]
    assert [t["rows"][0]["values"] for t in s2["tables"][1:]] == [[None], [None], [None]]
    assert s2["tables"][3]["columns"][1] == "本年收费金额（单位：万元）"
    # the 2026 table of the same documents: the late repeal now counts
    assert report.build_section2(2026, docs)["tables"][0]["rows"][1]["values"] == [1, 1, 2]


@pytest.mark.django_db
def test_section2_from_the_platforms_public_documents_only(org: Any, other_org: Any) -> None:
    norm = {"category": "normative", "published_on": D(2025, 4, 1)}
    make_document(org, **norm)
    make_document(org, **norm, validity="repealed", expires_on=D(2025, 9, 30))
    make_document(org, "draft", **norm)  # not published: never counted
    make_document(org, "withdrawn", **norm)
    make_document(org, **norm, disclosure_attribute="on_request", disclosure_reason="过程性信息")
    make_document(other_org, **norm)  # another organisation
    make_document(org, category="notice", published_on=D(2025, 4, 1))  # not normative
    got = selectors.annual_report(org, 2025)["section2"]["tables"][0]["rows"]
    assert got == [
        {"label": "规章", "values": [0, 0, 0]},  # no 政府规章 published yet
        {"label": "行政规范性文件", "values": [2, 1, 1]},
    ]
    make_document(
        org, category="rule", published_on=D(2025, 5, 1), doc_number="示范市人民政府令第1号"
    )
    got = selectors.annual_report(org, 2025)["section2"]["tables"][0]["rows"]
    assert got[0] == {"label": "规章", "values": [1, 0, 1]}


@pytest.mark.django_db
def test_staff_figures_and_texts_are_saved_checked_and_audited(org: Any, other_org: Any) -> None:
    editor = staff(org, Role.EDITOR)
    entry = services.save_report_entry(
        by=editor, org=org, year=2025,
        data={"licensing_decisions": "12", "fees_amount": "3.5000", "overview": "总体\r\n良好\x00"},
    )  # fmt: skip
    assert (entry.licensing_decisions, entry.fees_amount, entry.overview) == (
        12, Decimal("3.5"), "总体\n良好",
    )  # fmt: skip
    services.save_report_entry(by=editor, org=org, year=2025, data={"penalty_decisions": 4})
    entry.refresh_from_db()
    assert entry.licensing_decisions == 12 and entry.penalty_decisions == 4  # nothing lost
    assert AuditEntry.objects.filter(action="applications.annual_report_entry").count() == 2
    for bad, field in (
        ({"licensing_decisions": -1}, "licensing_decisions"),
        ({"penalty_decisions": "十二"}, "penalty_decisions"),
        ({"fees_amount": "abc"}, "fees_amount"),
        ({"fees_amount": "NaN"}, "fees_amount"),
        ({"fees_amount": "1.23456"}, "fees_amount"),
        ({"problems": "很" * 30001}, "problems"),
        ({"org": other_org.pk}, "org"),
    ):
        with pytest.raises(ValidationError) as e:
            services.save_report_entry(by=editor, org=org, year=2025, data=bad)
        assert field in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.save_report_entry(by=editor, org=org, year=2018, data={})
    assert "year" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        services.save_report_entry(by=editor, org=other_org, year=2025, data={"overview": "x"})
    entry.refresh_from_db()
    assert entry.fees_amount == Decimal("3.5") and entry.problems == ""


@pytest.mark.django_db
def test_public_report_shows_the_staff_part_only_once_published(client: Client, org: Any) -> None:
    hostile = '<script>alert("x")</script>草稿：隐秘问题清单'
    services.save_report_entry(
        by=SYSTEM, org=org, year=2025,
        data={"overview": "总体情况正文", "problems": hostile, "licensing_decisions": 777,
              "fees_amount": "12.34"},
    )  # fmt: skip
    html = client.get(f"/annual-report/{org.code}/2025/").content.decode()
    js = client.get(f"/api/v1/annual-reports/{org.code}/2025").json()
    for body in (html, json.dumps(js, ensure_ascii=False)):
        assert "总体情况正文" not in body and "隐秘问题清单" not in body
        assert "777" not in body and "12.34" not in body
    assert "未填报" in html and "尚未定稿公开" in html
    assert js["published"] is False and js["section1"] == {"title": "一、总体情况", "text": ""}
    services.save_report_entry(by=SYSTEM, org=org, year=2025, data={"is_published": True})
    html = client.get(f"/annual-report/{org.code}/2025/").content.decode()
    js = client.get(f"/api/v1/annual-reports/{org.code}/2025").json()
    assert "总体情况正文" in html and "777" in html and "12.34" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert [k for k in js if k.startswith("section")] == [
        "section1", "section2", "section3", "section4", "section5", "section6",
    ]  # fmt: skip
    assert js["section2"]["tables"][1]["rows"][0] == {"label": "行政许可", "values": [777]}
    assert js["section2"]["tables"][3]["rows"][0]["values"] == ["12.34"]
    assert js["section5"]["title"] == "五、存在的主要问题及改进情况"
    assert js["section3"]["rows"][0]["label"] == "一、本年新收政府信息公开申请数量"


@pytest.mark.django_db
def test_command_formats(org: Any, tmp_path: Any) -> None:
    services.save_report_entry(by=SYSTEM, org=org, year=2025,
                               data={"overview": "内部草稿文字", "enforcement_decisions": 3})  # fmt: skip
    out = io.StringIO()
    call_command("annual_report", "--org", org.code, "--year", "2025", stdout=out)
    data = json.loads(out.getvalue())
    assert data["org"] == org.name and data["year"] == 2025 and data["section1"]["text"] == ""
    out = io.StringIO()
    call_command("annual_report", org.code, "2025", "--format", "html", stdout=out)
    page = out.getvalue()
    assert page.startswith("<!doctype html>") and "二、主动公开政府信息情况" in page
    assert "内部草稿文字" not in page and "下载表格" not in page
    out = io.StringIO()
    call_command("annual_report", org.code, "2025", "--format", "html", "--draft", stdout=out)
    assert "内部草稿文字" in out.getvalue()
    path = tmp_path / "r.docx"
    call_command("annual_report", org.code, "2025", "--format", "docx", "--draft",
                 "--output", str(path), stdout=io.StringIO())  # fmt: skip
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    for text in ("2025年政府信息公开工作年度报告", "内部草稿文字", "行政强制：本年处理决定数量 3",
                 "（七）总计", "六、其他需要报告的事项"):  # fmt: skip
        assert text in xml


@pytest.mark.django_db
def test_admin_entry_is_scoped_and_goes_through_the_services(org: Any, other_org: Any) -> None:
    editor = staff(org, Role.EDITOR)
    foreign = services.save_report_entry(by=SYSTEM, org=other_org, year=2025, data={})
    c = Client()
    c.login(username=editor.username, password=PASSWORD)
    form = c.get("/admin/applications/annualreportentry/add/").content.decode()
    assert org.name in form and other_org.name not in form
    bad = c.post("/admin/applications/annualreportentry/add/",
                 {"org": org.pk, "year": 2025, "fees_amount": "-1"})  # fmt: skip
    assert bad.status_code == 200 and "万元" in bad.content.decode()
    r = c.post("/admin/applications/annualreportentry/add/",
               {"org": org.pk, "year": 2025, "licensing_decisions": "5", "overview": "正文"})  # fmt: skip
    assert r.status_code == 302
    entry = AnnualReportEntry.objects.get(org=org, year=2025)
    assert entry.licensing_decisions == 5 and entry.updated_by == editor
    assert AuditEntry.objects.filter(
        action="applications.annual_report_entry", org_id=org.pk
    ).exists()
    change = c.get(f"/admin/applications/annualreportentry/{entry.pk}/change/").content.decode()
    assert "可引用的统计数字" in change and "本年新收申请 0 件" in change
    listing = c.get("/admin/applications/annualreportentry/").content.decode()
    assert other_org.name not in listing
    assert c.get(f"/admin/applications/annualreportentry/{foreign.pk}/change/").status_code in (
        302,
        404,
    )
    forged = c.post("/admin/applications/annualreportentry/add/",
                    {"org": other_org.pk, "year": 2024, "overview": "越权"})  # fmt: skip
    assert forged.status_code == 200
    assert not AnnualReportEntry.objects.filter(org=other_org, year=2024).exists()
