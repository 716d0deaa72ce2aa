"""数据资源清单与开放计划, the overdue list and 接口可用率 from the request log."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.conftest import staff
from gongkai.opendata import selectors, services
from gongkai.opendata.models import ApiRequest, InventoryItem

from .conftest import CSV, make_dataset, upload


def _item(org, **data) -> InventoryItem:
    return services.save_inventory_item(InventoryItem(org=org), by=SYSTEM, data=data)


def test_inventory_rules_scope_and_audit(org, other_org):
    editor = staff(org, "editor")
    item = services.save_inventory_item(
        InventoryItem(org=org), by=editor,
        data={"title": "公交线路", "planned_open_on": dt.date(2030, 1, 1)},
    )  # fmt: skip
    assert AuditEntry.objects.filter(object_id=str(item.pk), action="opendata.inventory.create")
    with pytest.raises(PermissionDenied):
        services.save_inventory_item(InventoryItem(org=other_org), by=editor, data={"title": "x"})
    with pytest.raises(ValidationError) as exc:
        _item(org, title="人口明细", open_level="closed", planned_open_on=dt.date(2030, 1, 1))
    assert "不予开放" in str(exc.value)
    foreign = make_dataset(other_org, name="schools")
    with pytest.raises(ValidationError) as exc:
        services.save_inventory_item(item, by=editor, data={"dataset": foreign})
    assert "本机构" in str(exc.value)


def test_public_plan_counts_planned_opened_and_late(client, org, other_org):
    today = timezone.localdate()
    opened = make_dataset(org, name="bus", title="公交线路数据")
    draft = make_dataset(org, state="draft", name="draft-ds", title="草稿秘密数据集")
    _item(org, title="公交线路", planned_open_on=today + dt.timedelta(days=30), dataset=opened)
    _item(org, title="停车场泊位", planned_open_on=today - dt.timedelta(days=3))
    _item(org, title="草稿关联条目", planned_open_on=today + dt.timedelta(days=9), dataset=draft)
    _item(org, title="个人明细秘密", open_level="closed")
    _item(other_org, title="学校名录", open_level="conditional", planned_open_on=today)
    rows = {r.org.code: r for r in selectors.public_plan()}
    fgw = rows["fgw"]
    assert (fgw.planned, fgw.opened, fgw.on_time, fgw.late) == (3, 1, 1, 1)
    assert rows["jyj"].planned == 1 and rows["jyj"].late == 0
    page = client.get("/data/plan/").content.decode()
    assert "公交线路数据" in page and "停车场泊位" in page and "逾期未开放" in page
    # 不予开放 entries and unpublished datasets never show
    assert "个人明细秘密" not in page and "草稿秘密数据集" not in page and "draft-ds" not in page


def test_dashboard_lists_overdue_public_datasets_only(client, org):
    late = make_dataset(org, name="late", title="逾期数据集", frequency="daily")
    fresh = make_dataset(org, name="fresh", title="按时数据集", frequency="daily")
    hidden = make_dataset(
        org, state="draft", name="hidden", title="草稿逾期秘密", frequency="daily"
    )
    from gongkai.opendata.models import Dataset

    old = timezone.now() - dt.timedelta(days=10)
    Dataset.objects.filter(pk__in=[late.pk, hidden.pk]).update(last_updated=old)
    Dataset.objects.filter(pk=fresh.pk).update(last_updated=timezone.now())
    assert [d.name for d in selectors.overdue_datasets()] == ["late"]
    page = client.get("/data/dashboard/").content.decode()
    assert "逾期数据集" in page and "按时数据集" not in page and "草稿逾期秘密" not in page


def test_availability_is_measured_from_the_request_log(client, org):
    v = upload(make_dataset(org), CSV.encode())
    rid = str(v.resource_id)
    assert selectors.api_availability().rate is None
    client.get("/api/3/action/datastore_search", {"resource_id": rid})
    client.post(
        "/api/3/action/datastore_search",
        data=json.dumps({"resource_id": rid, "sort": "nope"}),
        content_type="application/json",
    )
    client.get(f"/api/v1/data/{rid}", {"limit": 1})
    client.get("/api/v1/data/00000000-0000-0000-0000-000000000000")
    logged = list(ApiRequest.objects.order_by("at").values_list("endpoint", "status"))
    assert logged == [
        ("ckan:datastore_search", 200), ("ckan:datastore_search", 409),
        ("v1:data", 200), ("v1:data", 404),
    ]  # fmt: skip
    assert str(ApiRequest.objects.order_by("at").first().resource_id) == rid
    # a server error counts against availability; client errors do not
    services.log_api_request("v1:data", status=500, duration_ms=3)
    a = selectors.api_availability()
    assert (a.total, a.failed, a.rate) == (5, 1, 80.0)
    page = client.get("/data/dashboard/").content.decode()
    assert "80.0%" in page


def test_request_log_failure_of_an_action_is_still_logged(client, org, monkeypatch):
    from gongkai.opendata import ckan

    def broken(request, params):
        raise RuntimeError("boom")

    monkeypatch.setitem(ckan.ACTIONS, "package_list", broken)
    client.raise_request_exception = False
    r = client.get("/api/3/action/package_list")
    assert r.status_code == 500
    assert ApiRequest.objects.get().status == 500
