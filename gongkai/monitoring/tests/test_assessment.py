"""The assessment dashboard (spec monitoring.md §8): KPI values equal a recomputation from the
test data, 未接入 where there is none (never 0, never met), targets from tenant settings, the
whole-site scope (platform administrator and the top organisation's admins; others 404)."""

import datetime as dt

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import PASSWORD, OrganizationFactory, staff, token_client
from gongkai.monitoring import assessment, checker, services
from gongkai.participation.tests.conftest import consultation

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 12, 1)


def _kpis(year=2026):
    data = assessment.families(year, TODAY)
    assert [f["code"] for f in data["families"]] == ["decision", "management_service",
                                                     "execution_result", "platform", "on_request"]  # fmt: skip
    return {k["code"]: k for f in data["families"] for k in f["kpis"]}


@pytest.fixture
def city(db):
    return OrganizationFactory(code="city", name="测试市人民政府", level="city")


@pytest.fixture
def dept(city):
    from gongkai.organizations.models import Organization
    from gongkai.organizations.services import save_organization

    return save_organization(Organization(code="dept", name="测试市某局", level="department",
                                          parent=city, region_code="640100", org_code="201"),
                             by=SYSTEM)  # fmt: skip


def test_values_equal_recomputation(city):
    # consultations closing in 2026 (the services refuse a short period without a reason):
    # a 30-day rule draft, a 10-day one with its published reason, one of 2027
    consultation(city, kind="rule", opens=D(2026, 3, 1), closes=D(2026, 3, 30))
    consultation(city, kind="rule", opens=D(2026, 5, 1), closes=D(2026, 5, 10),
                 shortened_reason="应急需要，依法缩短")  # fmt: skip
    consultation(city, kind="other", opens=D(2026, 12, 20), closes=D(2027, 1, 30))
    good, total = 2, 2
    # corrections: one answered in time, one left past its due date
    a, _ = services.submit_correction({"page_url": "/", "kind": "typo", "description": "错字"},
                                      today=D(2026, 6, 1))  # fmt: skip
    services.submit_correction({"page_url": "/", "kind": "typo", "description": "错字"},
                               today=D(2026, 6, 1))  # fmt: skip
    services.answer_correction(a, by=SYSTEM, reply="已改", today=D(2026, 6, 2))
    # probes: 3 fine, 1 failed
    for i, status in enumerate([200, 200, 200, None]):
        services.store_probe(checker.Fetched("https://x.example/", status, "", 0.2), by=SYSTEM,
                             at=dt.datetime(2026, 6, 1, i, tzinfo=dt.UTC))  # fmt: skip
    k = _kpis()
    assert k["consultation_period"]["value"] == round(100 * good / total, 1)
    assert k["consultation_period"]["items_count"] == 2 and k["consultation_period"]["met"] is True
    assert k["consultation_feedback"]["value"] == 0.0  # both closed, neither with feedback
    assert k["consultation_feedback"]["met"] is False
    assert k["corrections_on_time"]["value"] == 50.0
    assert k["uptime"]["value"] == 75.0
    for code in ["service_guides", "on_request_on_time", "legality_review", "broken_links",
                 "on_request_reversals"]:  # fmt: skip
        assert k[code]["value"] is None and k[code]["met"] is None, code
        assert k[code]["source"] == "未接入"
    empty = _kpis(2025)
    assert empty["consultation_period"]["value"] is None  # no data that year: not 0, not met


def test_targets_are_tenant_settings(city, settings):
    consultation(city, kind="rule", opens=D(2026, 3, 1), closes=D(2026, 3, 30))
    assert _kpis()["consultation_feedback"]["met"] is False
    settings.GONGKAI_ASSESSMENT_TARGETS = {"consultation_feedback": 0}
    assert _kpis()["consultation_feedback"]["met"] is True


def test_api_scope(city, dept):
    url = "/api/v1/staff/monitoring/assessment"
    assert Client().get(url).status_code == 401
    client, auth = token_client(staff(dept, Role.ADMIN))
    assert client.get(url, **auth).status_code == 404
    client, auth = token_client(staff(city, Role.ADMIN))
    r = client.get(url, {"year": 2026}, **auth)
    assert r.status_code == 200 and len(r.json()["families"]) == 5
    assert client.get(url, {"year": 1800}, **auth).status_code == 422
    items = client.get(f"{url}/uptime/items", {"year": 2026}, **auth)
    assert items.status_code == 200 and items.json() == {"count": 0, "items": []}
    assert client.get(f"{url}/nope/items", **auth).status_code == 404


def test_pages(city, dept):
    consultation(city, kind="rule", opens=D(2026, 3, 1), closes=D(2026, 3, 30),
                 title="测试征求意见甲")  # fmt: skip
    c = Client()
    assert c.get("/monitoring/staff/assessment/").status_code == 302
    c.login(username=staff(dept, Role.ADMIN).username, password=PASSWORD)
    assert c.get("/monitoring/staff/assessment/").status_code == 404
    c = Client()
    c.login(username=staff(city, Role.ADMIN).username, password=PASSWORD)
    page = c.get("/monitoring/staff/assessment/", {"year": 2026}).content.decode()
    for name in [
        "决策公开",
        "管理服务公开",
        "执行和结果公开",
        "政务公开平台建设",
        "依申请公开",
        "未接入",
    ]:
        assert name in page
    drill = c.get("/monitoring/staff/assessment/consultation_period/", {"year": 2026})
    assert drill.status_code == 200 and "测试征求意见甲" in drill.content.decode()
    assert c.get("/monitoring/staff/assessment/", {"year": "abc"}).status_code == 404
