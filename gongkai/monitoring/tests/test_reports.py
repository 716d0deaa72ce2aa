"""Reports (issue 23): the monthly/quarterly report with its score sheet, the yearly 报表 (§7:
computed and entered fields, public only once published, figures fixed at publication), the
evidence pack (§8: manifest, one CSV per KPI, reports; no personal data), bad input exits 2."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import PASSWORD, OrganizationFactory, make_document, staff
from gongkai.lib.errors import Conflict
from gongkai.monitoring import reports, selectors, services
from gongkai.participation import services as participation
from gongkai.participation.tests.conftest import letter_data

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(("raw", "start", "end"), [
    ("2025-07", D(2025, 7, 1), D(2025, 7, 31)), ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30)), ("2025-Q4", D(2025, 10, 1), D(2025, 12, 31)),
    ("2025-12", D(2025, 12, 1), D(2025, 12, 31)),
])  # fmt: skip
def test_periods(raw, start, end):
    _, s, e = reports.parse_period(raw)
    assert (s, e) == (start, end)


@pytest.mark.parametrize("raw", ["2025-13", "2025-Q5", "2025-7", "abc", "1999-01"])
def test_bad_periods_exit_2(db, raw):
    with pytest.raises(CommandError) as e:
        call_command("monitor", "report", raw)
    assert e.value.returncode == 2


def test_period_report_and_formats(org, tmp_path):
    with at(D(2025, 7, 10)):
        make_document(org, category="news")
    with at(D(2025, 8, 20)):
        make_document(org, category="news", title="八月的动态")
    services.create_column(by=SYSTEM, data={"name": "工作动态", "org": org, "kind": "news",
                                            "categories": ["news"], "on_homepage": True})  # fmt: skip
    services.submit_correction({"page_url": "/", "kind": "typo", "description": "错字"},
                               today=D(2025, 7, 3))  # fmt: skip
    with at(D(2025, 9, 1)):
        out = io.StringIO()
        call_command("monitor", "report", "2025-07", stdout=out)
        r = json.loads(out.getvalue())
        assert r["as_of"] == "2025-07-31" and r["corrections"] == {"submitted": 1, "answered": 0,
                                                                     "overdue": 1}  # fmt: skip
        assert r["columns"][0]["last_item_on"] == "2025-07-10"  # August's item left out
        assert {s["item"] for s in r["sheet"]} >= {"站点无法访问", "栏目不更新"}
        call_command("monitor", "report", "2025-Q3", "--format", "xlsx", "--out",
                     str(tmp_path / "q3.xlsx"), stdout=io.StringIO())  # fmt: skip
        html = io.StringIO()
        call_command("monitor", "report", "2025-Q3", "--format", "html", stdout=html)
    assert (tmp_path / "q3.xlsx").read_bytes()[:2] == b"PK"
    assert "2025 年第 3 季度网站监测报告" in html.getvalue()


def test_yearly_report_lifecycle(org):
    with at(D(2025, 5, 1)):
        make_document(org, category="news")
        make_document(org, category="notice")
    services.save_site_report(by=SYSTEM, year=2025, entered={"基本信息/网站总访问量": 1000})
    data = reports.yearly_report(2025)
    assert [s["name"] for s in data["sections"]] == ["基本信息", "信息发布", "专栏专题", "解读回应",
                                                     "办事服务", "互动交流", "安全防护", "移动新媒体",
                                                     "创新发展", "填报信息"]  # fmt: skip
    fields = {f["name"]: f for s in data["sections"] for f in s["fields"]}
    assert fields["总数"] == {"name": "总数", "value": 2, "unit": "条", "source": "computed"}
    assert fields["政务动态信息更新量"]["value"] == 1
    assert fields["网站总访问量"] == {"name": "网站总访问量", "value": 1000, "unit": "次",
                                   "source": "entered"}  # fmt: skip
    assert Client().get("/site-report/2025/").status_code == 404
    report = selectors.SiteReport.objects.get(year=2025)
    with pytest.raises(Exception, match="年度结束后"):
        services.publish_site_report(report, by=SYSTEM, computed={}, today=D(2025, 12, 31))
    services.publish_site_report(report, by=SYSTEM, computed=selectors.computed_figures(2025),
                                 today=D(2026, 1, 20))  # fmt: skip
    with at(D(2026, 2, 1)):
        make_document(org, category="news", title="补录", published_on=D(2025, 6, 1))
    page = Client().get("/site-report/2025/")
    assert page.status_code == 200 and "2025 年政府网站工作年度报表" in page.content.decode()
    api = Client().get("/api/v1/site-reports/2025").json()
    totals = {f["name"]: f["value"] for s in api["sections"] for f in s["fields"]}
    assert totals["总数"] == 2  # fixed at publication
    with pytest.raises(Conflict):
        services.save_site_report(by=SYSTEM, year=2025, entered={})
    out = io.StringIO()
    call_command("monitor", "yearly", "2025", stdout=out)
    assert json.loads(out.getvalue())["published_on"] == "2026-01-20"
    with pytest.raises(CommandError) as e:
        call_command("monitor", "yearly", "20x5")
    assert e.value.returncode == 2


def test_evidence_pack_has_no_personal_data(org, tmp_path):
    box = participation.save_mailbox(by=SYSTEM, org=org, data={"code": "mayor", "name": "市长信箱"})
    participation.submit_letter(box, data=letter_data(name="来信人钱多多", phone="13911112222"),
                                today=D(2025, 3, 1))  # fmt: skip
    services.submit_correction({"page_url": "/", "kind": "typo", "description": "错字",
                                "contact": "13812345678"}, today=D(2025, 3, 2))  # fmt: skip
    with at(D(2026, 1, 10)):
        call_command("monitor", "evidence", "2025", "--out", str(tmp_path / "e.zip"),
                     stdout=io.StringIO())  # fmt: skip
    with zipfile.ZipFile(tmp_path / "e.zip") as z:
        names = z.namelist()
        manifest = json.loads(z.read("manifest.json"))
        blob = "".join(z.read(n).decode("utf-8") for n in names)
    assert [f["code"] for f in manifest["families"]] == ["decision", "management_service",
                                                         "execution_result", "platform", "on_request"]  # fmt: skip
    assert "kpi/corrections_on_time.csv" in names and "reports/2025-Q4.json" in names
    assert "reports/2025-yearly.json" in names
    for secret in ["来信人钱多多", "13911112222", "13812345678"]:
        assert secret not in blob


def test_staff_report_pages(db):
    city = OrganizationFactory(code="city", name="测试市人民政府", level="city")
    c = Client()
    assert c.get("/monitoring/staff/reports/2025-Q1/").status_code == 302
    c.login(username=staff(city, Role.ADMIN).username, password=PASSWORD)
    assert c.get("/monitoring/staff/reports/2025-Q1/").status_code == 200
    x = c.get("/monitoring/staff/reports/2025-Q1.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert c.get("/monitoring/staff/reports/2025-Q9/").status_code == 404
    z = c.get("/monitoring/staff/evidence/2025.zip")
    assert z.status_code == 200 and z.content[:2] == b"PK"
