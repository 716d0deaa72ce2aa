"""有条件开放 end to end through the public pages (no JavaScript), the staff API and the admin:
apply → tracking number and 查询码 → decision → collect the key once → the key opens this
dataset's rows on the data API, datastore_search and the export, and nothing else."""

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.conftest import staff, token_client
from gongkai.opendata import services
from gongkai.opendata.models import AccessRequest, ApiRequest

from .conftest import CSV, make_dataset, upload

FORM = {
    "applicant_name": "李四", "applicant_org": "示范大学", "phone": "13900000000",
    "email": "lisi@example.edu.cn", "purpose": "信用体系研究，不对外发布原始数据", "days": "30",
}  # fmt: skip


@pytest.fixture
def two(org: Any) -> dict[str, Any]:
    a = make_dataset(org, name="credit-a", title="企业信用甲", open_level="conditional")
    b = make_dataset(org, name="credit-b", title="企业信用乙", open_level="conditional")
    return {
        "a": a,
        "b": b,
        "rid_a": str(upload(a, CSV.encode()).resource_id),
        "rid_b": str(upload(b, CSV.encode()).resource_id),
    }


def _apply(client: Client, name: str = "credit-a", **change: str) -> tuple[str, str]:
    r = client.post(f"/data/{name}/apply/", {**FORM, **change})
    assert r.status_code == 200, r.content.decode()
    page = r.content.decode()
    tracking = re.search(r'id="tracking-no">([^<]+)<', page).group(1)
    code = re.search(r'id="query-code">([^<]+)<', page).group(1)
    assert "no-store" in r["Cache-Control"]
    return tracking, code


def _status(client: Client, tracking: str, code: str, **extra: str) -> Any:
    return client.post("/data/access/", {"tracking_no": tracking, "code": code, **extra})


def test_the_dataset_page_offers_the_form_which_needs_csrf(two):
    page = Client().get("/data/credit-a/").content.decode()
    assert 'href="/data/credit-a/apply/"' in page and "查询申请结果" in page
    form = Client().get("/data/credit-a/apply/")
    assert form.status_code == 200 and "csrfmiddlewaretoken" in form.content.decode()
    assert "<script" not in form.content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/data/credit-a/apply/", FORM).status_code == 403
    assert not AccessRequest.objects.exists()


def test_apply_collect_key_and_use_it(two, org):
    client = Client()
    tracking, code = _apply(client)
    req = AccessRequest.objects.get(tracking_no=tracking)
    assert req.status == "pending" and req.applicant_org == "示范大学" and req.days == 30
    r = _status(client, tracking, code)
    assert r.status_code == 200 and "待审核" in r.content.decode()
    assert "领取接口密钥" not in r.content.decode()
    # the reviewer approves through the staff API with an expiry
    api, headers = token_client(staff(org, "reviewer"))
    listed = api.get("/api/v1/staff/access-requests", **headers).json()
    assert [i["tracking_no"] for i in listed["items"]] == [tracking]
    assert listed["items"][0]["purpose"] == FORM["purpose"]
    r = api.post(f"/api/v1/staff/access-requests/{req.pk}/approve",
                 data=json.dumps({"days": 10}), content_type="application/json", **headers)  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "approved"
    req.refresh_from_db()
    assert req.expires_at is not None and 9 <= (req.expires_at - timezone.now()).days <= 10
    # the applicant sees the decision and collects the key once
    page = _status(client, tracking, code).content.decode()
    assert "已批准" in page and "领取接口密钥" in page
    r = _status(client, tracking, code, collect="1")
    key = re.search(r'id="api-key">([^<]+)<', r.content.decode()).group(1)
    assert key.startswith("gk_") and "no-store" in r["Cache-Control"]
    page = _status(client, tracking, code).content.decode()
    assert key not in page and "已领取过接口密钥" in page  # never shown again
    rid, other = two["rid_a"], two["rid_b"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get(f"/api/v1/data/{rid}").status_code == 403
    assert Client().get(f"/api/v1/data/{rid}", **auth).json()["total"] == 4
    ckan = Client().get(
        "/api/3/action/datastore_search", {"resource_id": rid}, HTTP_AUTHORIZATION=key
    )
    assert ckan.status_code == 200 and ckan.json()["result"]["total"] == 4
    export = Client().get(f"/data/export/{rid}.csv", {"q": "西湖"}, **auth)
    assert export.status_code == 200
    assert len(b"".join(export.streaming_content).decode("utf-8-sig").splitlines()) == 3
    assert Client().get(f"/data/export/{rid}.csv").status_code == 403
    # a key for dataset A does not open dataset B, on any route
    assert Client().get(f"/api/v1/data/{other}", **auth).status_code == 403
    assert Client().get(f"/data/export/{other}.json", **auth).status_code == 403
    assert (
        Client()
        .get("/api/3/action/datastore_search", {"resource_id": other}, HTTP_AUTHORIZATION=key)
        .status_code
        == 403
    )
    # every use of the key is logged with its application
    uses = ApiRequest.objects.filter(access=req)
    assert {u.endpoint for u in uses} == {"v1:data", "ckan:datastore_search", "export:csv"}
    assert ApiRequest.objects.filter(resource_id=other, status=403).count() == 3


def test_expired_and_revoked_keys_are_refused(two, org):
    client = Client()
    tracking, code = _apply(client)
    req = AccessRequest.objects.get(tracking_no=tracking)
    api, headers = token_client(staff(org, "reviewer"))
    api.post(f"/api/v1/staff/access-requests/{req.pk}/approve", data="{}",
             content_type="application/json", **headers)  # fmt: skip
    first = re.search(r'id="api-key">([^<]+)<', _status(client, tracking, code, collect="1")
                      .content.decode()).group(1)  # fmt: skip
    second = re.search(r'id="api-key">([^<]+)<', _status(client, tracking, code, collect="1")
                       .content.decode()).group(1)  # fmt: skip
    rid = two["rid_a"]
    assert Client().get(f"/api/v1/data/{rid}", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 403  # fmt: skip
    assert Client().get(f"/api/v1/data/{rid}", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200  # fmt: skip
    AccessRequest.objects.filter(pk=req.pk).update(expires_at=timezone.now())
    assert Client().get(f"/api/v1/data/{rid}", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 403  # fmt: skip
    assert Client().get(f"/data/export/{rid}.csv", HTTP_AUTHORIZATION=second).status_code == 403
    page = _status(client, tracking, code, collect="1").content.decode()
    assert "授权已到期" in page and 'id="api-key"' not in page


def test_reject_needs_a_reason_and_the_applicant_reads_it(two, org):
    client = Client()
    tracking, code = _apply(client)
    req = AccessRequest.objects.get(tracking_no=tracking)
    api, headers = token_client(staff(org, "reviewer"))
    url = f"/api/v1/staff/access-requests/{req.pk}/reject"
    r = api.post(url, data=json.dumps({"reason": " "}), content_type="application/json", **headers)
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    r = api.post(url, data=json.dumps({"reason": "用途超出开放条件"}),
                 content_type="application/json", **headers)  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    page = _status(client, tracking, code).content.decode()
    assert "未予批准" in page and "用途超出开放条件" in page and "领取接口密钥" not in page
    r = api.post(f"/api/v1/staff/access-requests/{req.pk}/approve", data="{}",
                 content_type="application/json", **headers)  # fmt: skip
    assert r.status_code == 409


def test_staff_api_is_scoped_to_the_reviewers_organisations(two, org, other_org):
    _apply(Client())
    req = AccessRequest.objects.get()
    for user in (staff(other_org, "admin"), staff(org, "editor")):
        api, headers = token_client(user)
        listed = api.get("/api/v1/staff/access-requests", **headers).json()
        assert listed["count"] == 0
        r = api.post(f"/api/v1/staff/access-requests/{req.pk}/approve", data="{}",
                     content_type="application/json", **headers)  # fmt: skip
        assert r.status_code in (403, 404)
    assert Client().get("/api/v1/staff/access-requests").status_code == 401
    req.refresh_from_db()
    assert req.status == "pending"


def test_wrong_code_answers_like_a_missing_application(two):
    tracking, _ = _apply(Client())
    wrong = _status(Client(), tracking, "AAAAAAAAAA")
    missing = _status(Client(), "SJ000", "AAAAAAAAAA")
    assert wrong.status_code == missing.status_code == 404
    assert "待审核" not in wrong.content.decode()


def test_form_errors_are_clear_and_save_nothing(two):
    r = Client().post("/data/credit-a/apply/", {**FORM, "purpose": "", "days": "999"})
    page = r.content.decode()
    assert r.status_code == 422 and "请填写使用用途" in page and "使用期限应为 1–366 天" in page
    assert not AccessRequest.objects.exists()


def test_honeypot_and_rate_limits(two, settings):
    r = Client().post("/data/credit-a/apply/", {**FORM, "website": "http://spam"})
    assert r.status_code == 400 and not AccessRequest.objects.exists()
    settings.GONGKAI_OPENDATA_APPLY_LIMIT = 3  # the robot's try counted too
    client = Client()
    _apply(client)
    _apply(client)
    assert client.post("/data/credit-a/apply/", FORM).status_code == 429
    assert AccessRequest.objects.count() == 2
    settings.GONGKAI_OPENDATA_LOOKUP_LIMIT = 3
    for _ in range(3):
        assert _status(client, "SJ1", "X").status_code == 404
    assert _status(client, "SJ1", "X").status_code == 429


def test_only_public_conditional_datasets_have_a_form(org):
    make_dataset(org, name="open-data")
    make_dataset(org, name="closed-data", state="draft", open_level="closed")
    make_dataset(org, name="draft-cond", state="draft", open_level="conditional")
    for name in ("open-data", "closed-data", "draft-cond", "nope"):
        assert Client().get(f"/data/{name}/apply/").status_code == 404
        assert Client().post(f"/data/{name}/apply/", FORM).status_code == 404
    assert not AccessRequest.objects.exists()


def test_admin_actions_approve_with_a_term_and_reject_with_a_reason(two, org):
    _apply(Client())
    _apply(Client())
    first, second = AccessRequest.objects.order_by("created_at")
    reviewer = staff(org, "reviewer", is_staff=True)
    admin = Client()
    admin.force_login(reviewer)
    url = "/admin/opendata/accessrequest/"
    r = admin.post(url, {"action": "reject", "_selected_action": [second.pk]})
    assert r.status_code == 200 and "不予批准的理由" in r.content.decode()  # asks for it
    r = admin.post(url, {"action": "reject", "_selected_action": [second.pk], "confirm": "1",
                         "reason": ""})  # fmt: skip
    assert "请填写不予批准的理由" in r.content.decode()
    second.refresh_from_db()
    assert second.status == "pending"
    admin.post(url, {"action": "reject", "_selected_action": [second.pk], "confirm": "1",
                     "reason": "申请材料不全"})  # fmt: skip
    admin.post(url, {"action": "approve", "_selected_action": [first.pk], "confirm": "1",
                     "days": "7"})  # fmt: skip
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == "rejected" and second.reason == "申请材料不全"
    assert first.status == "approved" and first.expires_at is not None
    assert 6 <= (first.expires_at - timezone.now()).days <= 7


def test_the_staff_list_counts_key_uses_in_one_query_per_page(two, org):
    api, headers = token_client(staff(org, "reviewer"))

    def uses_listed() -> list[int]:
        r = api.get("/api/v1/staff/access-requests", **headers)
        return sorted(i["uses"] for i in r.json()["items"])

    req, _ = services.apply_for_access(two["a"], data=FORM)
    for _ in range(2):
        ApiRequest.objects.create(endpoint="data", status=200, access=req)
    assert uses_listed() == [2]  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        assert uses_listed() == [2]
    for _ in range(3):
        services.apply_for_access(two["a"], data=FORM)
    with CaptureQueriesContext(connection) as four:
        assert uses_listed() == [0, 0, 0, 2]
    assert len(four) == len(one)  # not one more query per application
