"""The lists API (issue 20 "Public interface" and the staff token API): shapes, filters,
`{count, items}` paging, the error shape with `fields`, and who may do what."""

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts import services as accounts
from gongkai.accounts.models import Role
from gongkai.conftest import staff
from gongkai.lists.models import Adjustment

from .conftest import D, adjust, guide, licence, power, service

pytestmark = pytest.mark.django_db


def token(user: Any) -> dict[str, str]:
    _, raw = accounts.issue_token(by=user, user=user, name="脚本")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_powers_shape_and_filters(org: Any, other_org: Any) -> None:
    lic = licence(org, 1)
    guide(service(org, power_item=lic))
    power(org, 2)
    power(other_org, 3, code="640100-002-02-003-00")
    c = Client()
    body = c.get("/api/v1/lists/powers?org=scj").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["code"] == lic.code and first["type_code"] == "01" and first["type"] == "行政许可"
    assert first["levels"] == ["市", "县"] and first["basis"][0]["rank"] == "行政法规"
    assert first["guide_impl_code"] == "XK00001000-640100-01"
    assert first["url"] == f"/lists/powers/{lic.code}/"
    assert c.get("/api/v1/lists/powers?type=CF").json()["count"] == 2
    assert c.get("/api/v1/lists/powers?type=02&org=wjw").json()["count"] == 1
    assert c.get("/api/v1/lists/powers?level=乡").json()["count"] == 0
    assert c.get("/api/v1/lists/powers?q=食品").json()["count"] == 1
    assert c.get("/api/v1/lists/powers?on=2024-12-31").json()["count"] == 0
    page = c.get("/api/v1/lists/powers?size=1&page=2").json()
    assert page["count"] == 3 and len(page["items"]) == 1
    bad = c.get("/api/v1/lists/powers?on=2025-02-30")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    assert c.get("/api/v1/lists/powers?size=1000").status_code == 422


def test_power_detail_versions_and_adjustments(org: Any) -> None:
    item = power(org)
    a = adjust(item, "modify", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
               approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6), changes={"name": "新名称"})  # fmt: skip
    c = Client()
    now = c.get(f"/api/v1/lists/powers/{item.code}").json()
    assert now["name"] == "新名称" and now["version"] == 2 and now["adjustments"] == [a.pk]
    assert [v["valid_to"] for v in now["versions"]] == ["2025-11-05", None]
    old = c.get(f"/api/v1/lists/powers/{item.code}?on=2025-11-05").json()
    assert old["name"] == "对未按规定公示信息的处罚1" and old["version"] == 1
    missing = c.get("/api/v1/lists/powers/none")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404


def test_adjustments_public_only_with_limits_and_late(org: Any) -> None:
    adjust(power(org, 1), "modify", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 19),
           approved_on=D(2025, 11, 20), published_on=D(2025, 11, 28), changes={"name": "x"})  # fmt: skip
    adjust(power(org, 2), "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4))
    body = Client().get("/api/v1/lists/adjustments?org=scj&year=2025").json()
    assert body["count"] == 1
    assert body["limits"] == {"apply_days": 10, "review_days": 15, "publish_days": 3}
    row = body["items"][0]
    assert row["late"] == ["apply", "publish"] and row["change"] == "变更"
    assert "opinion" not in row
    assert Client().get("/api/v1/lists/adjustments?year=2024").json()["count"] == 0


def test_services_guides_intermediaries(org: Any) -> None:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.lists import services

    lic = licence(org)
    svc = service(org, power_item=lic)
    guide(svc, steps=[{"name": "现场核查", "days": 5, "counted_in_legal_limit": False}])
    services.save_intermediary(by=SYSTEM, org=org, publish=True, data={
        "code": "ZJ-1", "name": "检验检测", "approval_codes": [lic.code], "approval_dept": "局",
        "basis": "条例", "charged": True, "fee_nature": "government"})  # fmt: skip
    c = Client()
    s = c.get("/api/v1/lists/services?audience=legal").json()
    assert s["count"] == 1 and s["items"][0]["power_code"] == lic.code
    assert s["items"][0]["guide_url"] == "/lists/guides/XK00001000-640100-01/"
    assert c.get("/api/v1/lists/services?audience=person").json()["count"] == 0
    g = c.get("/api/v1/lists/guides/XK00001000-640100-01").json()
    assert g["steps"][0]["counted_in_legal_limit"] is False and g["legal_days"] == 20
    assert g["intermediaries"] == ["检验检测"] and g["materials"][0]["count"] == 1
    x = c.get("/api/v1/lists/intermediaries?org=scj").json()
    assert x["items"][0]["approval_items"] == [{"code": lic.code, "name": lic.name}]
    assert x["items"][0]["fee_nature"] == "政府定价或政府指导价"
    assert c.get("/api/v1/lists/guides/none").status_code == 404


def test_staff_adjustment_flow(org: Any, editor: Any, reviewer: Any) -> None:
    item = power(org)
    c = Client()
    body = {"item_code": item.code, "change": "变更", "trigger": "机构职能调整",
            "trigger_on": "2025-11-03", "basis_doc": "决定", "applied_on": "2025-11-04",
            "changes": {"name": "新名称"}}  # fmt: skip
    assert (
        c.post("/api/v1/staff/lists/adjustments", body, content_type="application/json").status_code
        == 401
    )
    r = c.post(
        "/api/v1/staff/lists/adjustments", body, content_type="application/json", **token(editor)
    )
    assert r.status_code == 201, r.json()
    adj = r.json()
    assert adj["state"] == "applied" and adj["apply_due_on"] == "2025-11-17"
    approve = f"/api/v1/staff/lists/adjustments/{adj['id']}/approve"
    r = c.post(
        approve, {"approved_on": "2025-11-05"}, content_type="application/json", **token(editor)
    )
    assert r.status_code == 403
    r = c.post(
        approve, {"approved_on": "2025-11-03"}, content_type="application/json", **token(reviewer)
    )
    assert r.status_code == 422 and "approved_on" in r.json()["error"]["fields"]
    r = c.post(
        approve, {"approved_on": "2025-11-05"}, content_type="application/json", **token(reviewer)
    )
    assert r.status_code == 200 and r.json()["publish_due_on"] == "2025-11-10"
    publish = f"/api/v1/staff/lists/adjustments/{adj['id']}/publish"
    r = c.post(
        publish, {"published_on": "2025-12-02"}, content_type="application/json", **token(reviewer)
    )
    assert r.status_code == 422 and "published_on" in r.json()["error"]["fields"]
    r = c.post(
        publish, {"published_on": "2025-11-06"}, content_type="application/json", **token(reviewer)
    )
    assert r.status_code == 200 and r.json()["state"] == "published"
    r = c.post(
        publish, {"published_on": "2025-11-06"}, content_type="application/json", **token(reviewer)
    )
    assert r.status_code == 409
    assert Client().get(f"/api/v1/lists/powers/{item.code}").json()["name"] == "新名称"


def test_staff_api_bad_input_and_scope(org: Any, other_org: Any, editor: Any) -> None:
    c = Client()
    item = power(org)
    bad = {"item_code": item.code, "change": "撤销", "trigger": "x", "trigger_on": "2025-11-05",
           "basis_doc": "", "applied_on": "2025-11-04"}  # fmt: skip
    r = c.post(
        "/api/v1/staff/lists/adjustments", bad, content_type="application/json", **token(editor)
    )
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) >= {"change", "trigger", "basis_doc", "applied_on"}
    assert not Adjustment.objects.exists()
    outsider = staff(other_org, Role.ADMIN)
    a = adjust(item, "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4))
    r = c.post(f"/api/v1/staff/lists/adjustments/{a.pk}/approve", {"approved_on": "2025-11-05"},
               content_type="application/json", **token(outsider))  # fmt: skip
    assert r.status_code == 404


def test_staff_board(org: Any, editor: Any) -> None:
    adjust(power(org), "cancel", trigger_on=D(2025, 10, 20), applied_on=D(2025, 10, 21))
    c = Client()
    assert c.get("/lists/staff/").status_code == 302
    c.force_login(editor)
    page = c.get("/lists/staff/").content.decode()
    assert "2025-11-11" in page and "已超时的环节（1）" in page


def test_list_page_and_api_query_bounds(org: Any, django_assert_max_num_queries: Any) -> None:
    """Issue 20 "Scale": the filtered list page and API stay within 12 queries however many rows."""
    for n in range(1, 31):
        power(org, n)
    lic = licence(org, 40)
    guide(service(org, power_item=lic))
    c = Client()
    with django_assert_max_num_queries(12):
        assert c.get("/lists/powers/?org=scj&type=02&level=市").status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get("/api/v1/lists/powers?org=scj&size=100").status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get(f"/lists/powers/{lic.code}/?on=2025-06-01").status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get("/api/v1/lists/services").status_code == 200


def test_staff_api_bad_dates_save_nothing(org: Any, editor: Any, reviewer: Any) -> None:
    # issue 20 "Bad input": future or out-of-order dates are a 422 naming the field, and the
    # adjustment stays exactly as it was
    c = Client()
    item = power(org)
    body = {"item_code": item.code, "change": "取消", "trigger": "法律法规规章立改废释",
            "trigger_on": "2025-12-02", "basis_doc": "决定", "applied_on": "2025-12-02"}  # fmt: skip
    r = c.post("/api/v1/staff/lists/adjustments", body, content_type="application/json",
               **token(editor))  # fmt: skip
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) >= {"trigger_on", "applied_on"}
    assert not Adjustment.objects.exists()
    a = adjust(item, "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 10))
    url = f"/api/v1/staff/lists/adjustments/{a.pk}"
    for on in ("2025-11-07", "2025-12-02"):  # before the application; in the future
        r = c.post(f"{url}/approve", {"approved_on": on}, content_type="application/json",
                   **token(reviewer))  # fmt: skip
        assert r.status_code == 422 and "approved_on" in r.json()["error"]["fields"], on
    a.refresh_from_db()
    assert a.state == "applied" and a.approved_on is None and a.publish_due_on is None
    r = c.post(f"{url}/approve", {"approved_on": "2025-11-12"}, content_type="application/json",
               **token(reviewer))  # fmt: skip
    assert r.status_code == 200
    r = c.post(f"{url}/publish", {"published_on": "2025-11-11"}, content_type="application/json",
               **token(reviewer))  # fmt: skip
    assert r.status_code == 422 and "published_on" in r.json()["error"]["fields"]
    a.refresh_from_db()
    assert a.state == "approved" and a.published_on is None
    assert Client().get(f"/api/v1/lists/powers/{item.code}").status_code == 200  # not cancelled
