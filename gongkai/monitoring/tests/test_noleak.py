"""Nothing non-public leaks (issue 23 "Never public"): column settings, probes, link results,
inspections, attestations, corrections' contact and text, letters' writers, unpublished 报表 —
tried on every public page and API this app adds, and on the site's home, sitemap, feed and
search. Staff pages and API answer anonymous callers with a login redirect / 401 and other
organisations' staff see none of it."""

import datetime as dt

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import PASSWORD, make_document, staff, token_client
from gongkai.monitoring import checker, selectors, services, tasks
from gongkai.participation import services as participation
from gongkai.participation.tests.conftest import letter_data

from .conftest import column

pytestmark = pytest.mark.django_db
D = dt.date
SECRETS = ["内部栏目甲", "13812345678", "reporter@example.cn", "纠错描述秘密乙", "secret-page-丙",
           "填报人丁某", "探测错误己", "篡改说明庚", "来信人钱多多", "13911112222",
           "internal-link-result", "未发布年度报表秘密"]  # fmt: skip


def _world(org, other_org):
    column(org, "news", name="内部栏目甲", on_homepage=True)
    c, code = services.submit_correction({
        "page_url": "/secret-page-丙/", "kind": "wrong", "description": "纠错描述秘密乙",
        "contact": "13812345678 reporter@example.cn"}, today=D(2026, 3, 2))  # fmt: skip
    answered, answered_code = services.submit_correction(
        {"page_url": "/list/", "kind": "typo", "description": "错字", "contact": "13812345678"},
        today=D(2026, 3, 2),
    )  # fmt: skip
    services.answer_correction(answered, by=SYSTEM, reply="已更正", today=D(2026, 3, 3))
    services.save_site_report(by=SYSTEM, year=2025, entered={"填报信息/填报人": "填报人丁某",
                                                             "基本信息/网站类型": "未发布年度报表秘密"})  # fmt: skip
    services.save_site_report(by=SYSTEM, year=2024, entered={"基本信息/网站类型": "政府门户网站"})
    services.publish_site_report(selectors.SiteReport.objects.get(year=2024), by=SYSTEM,
                                 computed=selectors.computed_figures(2024), today=D(2025, 1, 20))  # fmt: skip
    services.store_probe(checker.Fetched("https://x.example/", None, "探测错误己", 1.0), by=SYSTEM)
    services.store_link_check([{"url": "http://127.0.0.1:1/internal-link-result", "internal": False,
                                "outcome": "broken", "status": None, "error": "连接失败",
                                "found_on": "/documents/1/"}], by=SYSTEM, allow_private=False,
                              started_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))  # fmt: skip
    services.attest(by=SYSTEM, item="defaced", period_start=D(2026, 1, 1),
                    period_end=D(2026, 12, 31), incident=True, note="篡改说明庚")  # fmt: skip
    box = participation.save_mailbox(by=SYSTEM, org=org, data={"code": "mayor", "name": "市长信箱"})
    participation.submit_letter(box, data=letter_data(name="来信人钱多多", phone="13911112222"))
    make_document(org, title="公开的通知")
    tasks.run_inspection(D(2026, 3, 16))
    return {"code": code, "c": c, "answered": answered, "answered_code": answered_code}


def _clean(resp, echoed: str = "") -> str:
    text = resp.content.decode("utf-8", "replace")
    if echoed:  # a search page repeats the visitor's own query; the results must not hold it
        text = text.replace(echoed, "")
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, (resp.request["PATH_INFO"], leaked)
    return text


def test_public_pages_and_api_hold_nothing_non_public(org, other_org):
    w = _world(org, other_org)
    client = Client()
    for url in ["/", "/correction/", "/correction/progress/", "/site-report/2024/", "/sitemap.xml",
                "/sitemap/", "/feeds/latest/", "/search/?q=纠错描述秘密乙", "/search/?q=内部栏目甲",
                "/api/v1/site-reports/2024", "/api/v1/openapi.json", "/list/"]:  # fmt: skip
        r = client.get(url)
        assert r.status_code == 200, url
        _clean(r, echoed=url.partition("q=")[2])
    assert "网站年度报表" in client.get("/").content.decode()  # footer links the published one
    for url in ["/site-report/2025/", "/api/v1/site-reports/2025", "/site-report/2023/"]:
        r = client.get(url)
        assert r.status_code == 404, url
        _clean(r)
    # the reporter's own lookup: state and reply, never the contact or other reports
    for c, code in [(w["c"], w["code"]), (w["answered"], w["answered_code"])]:
        r = client.post("/api/v1/corrections/progress", {"tracking_no": c.tracking_no, "code": code},
                        content_type="application/json")  # fmt: skip
        assert r.status_code == 200
        assert "13812345678" not in r.content.decode()
        page = client.post("/correction/progress/", {"tracking_no": c.tracking_no, "code": code})
        assert page.status_code == 200 and "13812345678" not in page.content.decode()
        assert "no-store" in page.get("Cache-Control", "") or "private" in page.get(
            "Cache-Control", ""
        )


def test_staff_surfaces_are_closed(org, other_org):
    _world(org, other_org)
    anonymous = Client()
    for url in ["/api/v1/staff/monitoring/columns", "/api/v1/staff/monitoring/corrections"]:
        r = anonymous.get(url)
        assert r.status_code == 401
        _clean(r)
    r = anonymous.get("/monitoring/staff/")
    assert r.status_code == 302 and "/login" in r["Location"]
    # a person with no role anywhere: 404
    from gongkai.conftest import UserFactory

    nobody = UserFactory()
    c = Client()
    c.login(username=nobody.username, password=PASSWORD)
    assert c.get("/monitoring/staff/").status_code == 404
    # staff of another organisation: none of this organisation's columns or corrections
    outsider = staff(other_org, Role.ADMIN)
    c = Client()
    c.login(username=outsider.username, password=PASSWORD)
    r = c.get("/monitoring/staff/")
    assert r.status_code == 200
    _clean(r)
    api, auth = token_client(outsider)
    for url in ["/api/v1/staff/monitoring/columns", "/api/v1/staff/monitoring/corrections"]:
        r = api.get(url, **auth)
        assert r.status_code == 200 and r.json()["count"] == 0
    # the organisation's own editor sees its columns and corrections, not the site-wide results
    insider = staff(org, Role.EDITOR)
    c = Client()
    c.login(username=insider.username, password=PASSWORD)
    page = c.get("/monitoring/staff/").content.decode()
    assert "内部栏目甲" in page and "secret-page-丙" in page
    assert "探测错误己" not in page and "最近一次自查" not in page


def test_admin_site_wide_results_are_platform_only(org, other_org):
    _world(org, other_org)
    org_admin = staff(org, Role.ADMIN)
    c = Client()
    c.login(username=org_admin.username, password=PASSWORD)
    for model in ["probe", "linkcheck", "inspection", "sitereport", "attestation"]:
        assert c.get(f"/admin/monitoring/{model}/").status_code in (302, 403, 404), model
