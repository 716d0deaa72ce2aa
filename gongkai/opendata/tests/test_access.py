"""有条件开放: apply with a purpose, 审核 of the 提供方 decides (scoped, audited), the approved
applicant collects a personal key that opens this one dataset's rows until expiry."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from gongkai.accounts.models import ApiToken
from gongkai.audit.models import AuditEntry
from gongkai.conftest import staff
from gongkai.lib.errors import Conflict
from gongkai.opendata import selectors, services
from gongkai.opendata.models import AccessRequest, ApiRequest

from .conftest import CSV, make_dataset, upload

APPLICATION = {
    "applicant_name": "张三", "applicant_org": "某大学", "phone": "13800000000",
    "purpose": "城市交通研究，不对外发布原始数据", "days": 30,
}  # fmt: skip


@pytest.fixture
def conditional(org, other_org):
    cond = make_dataset(org, name="credit", title="企业信用", open_level="conditional")
    other = make_dataset(org, name="credit-2", title="企业信用二", open_level="conditional")
    return {
        "ds": cond,
        "rid": str(upload(cond, CSV.encode()).resource_id),
        "other_rid": str(upload(other, CSV.encode()).resource_id),
    }


def _search(rid: str, key: str = "", header: str = "HTTP_AUTHORIZATION") -> int:
    extra = {header: key} if key else {}
    r = Client().post(
        "/api/3/action/datastore_search",
        data=json.dumps({"resource_id": rid, "limit": 1}),
        content_type="application/json",
        **extra,
    )
    return r.status_code


def test_apply_approve_collect_key_unlocks_this_dataset_only(org, other_org, conditional):
    req, code = services.apply_for_access(conditional["ds"], data=APPLICATION)
    assert req.status == "pending" and len(code) == 10 and req.tracking_no.startswith("SJ")
    assert req.query_digest != code
    with pytest.raises(Conflict):
        services.collect_key(req.tracking_no, code)  # not approved yet
    with pytest.raises(PermissionDenied):
        services.approve_access(req, by=staff(org, "editor"))  # editors do not decide
    with pytest.raises(Exception) as exc:
        selectors.staff_access_request(staff(other_org, "admin"), req.pk)
    assert "未找到" in str(exc.value)  # another organisation's staff do not even see it
    services.approve_access(req, by=staff(org, "reviewer"))
    with pytest.raises(Exception) as exc:
        services.collect_key(req.tracking_no, "WRONGCODE1")
    assert "查询码" in str(exc.value)
    req, key = services.collect_key(req.tracking_no, code.lower())
    assert key.startswith("gk_") and req.user is not None and not req.user.is_staff
    token = ApiToken.objects.get(pk=req.token_id)
    assert token.expires_at == req.expires_at
    rid, other = conditional["rid"], conditional["other_rid"]
    assert _search(rid) == 403
    assert _search(rid, "gk_bogus_key") == 403
    assert _search(rid, key) == 200  # ckanapi: Authorization: <key>
    assert _search(rid, f"Bearer {key}") == 200
    assert _search(rid, key, "HTTP_X_CKAN_API_KEY") == 200
    assert _search(other, key) == 403  # another conditional dataset stays closed
    r = Client().get(f"/api/v1/data/{rid}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200 and r.json()["total"] == 4
    # every use is logged with its application
    assert ApiRequest.objects.filter(access=req, status=200).count() == 4
    # collecting again replaces the key: the old one stops working
    _, new_key = services.collect_key(req.tracking_no, code)
    assert _search(rid, key) == 403 and _search(rid, new_key) == 200
    # expiry closes it
    AccessRequest.objects.filter(pk=req.pk).update(expires_at=timezone.now())
    assert _search(rid, new_key) == 403
    actions = set(AuditEntry.objects.filter(object_id=str(req.pk)).values_list("action", flat=True))
    assert {"opendata.access.apply", "opendata.access.approve", "opendata.access.key"} <= actions


def test_reject_needs_reason_and_gives_no_key(org, conditional):
    req, code = services.apply_for_access(conditional["ds"], data=APPLICATION)
    reviewer = staff(org, "reviewer")
    with pytest.raises(ValidationError):
        services.reject_access(req, by=reviewer, reason=" ")
    services.reject_access(req, by=reviewer, reason="用途不符合开放条件")
    with pytest.raises(Conflict):
        services.approve_access(req, by=reviewer)
    with pytest.raises(Conflict):
        services.collect_key(req.tracking_no, code)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"purpose": ""}, "purpose"), ({"phone": ""}, "phone"), ({"days": 999}, "days"),
     ({"days": "abc"}, "days"), ({"applicant_name": ""}, "applicant_name")],
)  # fmt: skip
def test_application_errors_are_clear(conditional, change, field):
    with pytest.raises(ValidationError) as exc:
        services.apply_for_access(conditional["ds"], data={**APPLICATION, **change})
    assert field in exc.value.message_dict
    assert not AccessRequest.objects.exists()


def test_only_public_conditional_datasets_take_applications(org):
    open_ds = make_dataset(org, name="open")
    with pytest.raises(Conflict):
        services.apply_for_access(open_ds, data=APPLICATION)
    draft = make_dataset(org, state="draft", name="draft", open_level="conditional")
    closed = make_dataset(org, state="draft", name="closed", open_level="closed")
    for ds in (draft, closed):
        with pytest.raises(Exception) as exc:
            services.apply_for_access(ds, data=APPLICATION)
        assert "未找到" in str(exc.value)
