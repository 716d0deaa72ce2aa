"""The negative list (政务公开负面清单): kept per organisation with its history, a higher list
applying below, published as matters only (page and API), never the content of withheld items."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.conftest import OrganizationFactory, make_document, staff
from gongkai.lib.errors import Conflict
from gongkai.review import selectors, services
from gongkai.review.models import NegativeListEntry

pytestmark = pytest.mark.django_db
SECRET = "绝密考核名单内容"


def _entry(
    org: Any, matter: str = "干部考察材料", ground: str = "internal", **kw: Any
) -> NegativeListEntry:
    return NegativeListEntry(org=org, matter=matter, ground=ground, scope=kw.pop("scope", "本机关干部考察"),
                             review_on=kw.pop("review_on", dt.date(2027, 6, 30)), **kw)  # fmt: skip


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    city = OrganizationFactory(code="city", name="测试市人民政府", level="city")
    dept = OrganizationFactory(code="dept", name="测试市财政局", parent=city)
    other = OrganizationFactory(code="other", name="测试市教育局", parent=city)
    return {"city": city, "dept": dept, "other": other}


def test_entries_are_adjusted_with_history_and_retired_not_deleted(tree: dict[str, Any]) -> None:
    admin = staff(tree["dept"], Role.ADMIN)
    entry = services.save_entry(_entry(tree["dept"]), by=admin)
    entry.scope = "本机关干部考察、考核"
    services.save_entry(entry, by=admin, note="扩大范围")
    services.save_entry(entry, by=admin)  # unchanged: no new version
    assert [c.action for c in entry.changes.order_by("number")] == ["create", "update"]
    assert entry.changes.get(number=1).data["scope"] == "本机关干部考察"
    with pytest.raises(ValidationError):
        services.retire_entry(entry, by=admin, note=" ")
    services.retire_entry(entry, by=admin, note="已纳入上级清单")
    entry.refresh_from_db()
    assert not entry.is_active and entry.version == 3
    with pytest.raises(Conflict):
        services.save_entry(entry, by=admin)
    assert list(AuditEntry.objects.filter(object_type="review.negativelistentry").order_by("seq").values_list("action", flat=True)) == [
        "negative_list.create", "negative_list.update", "negative_list.retire"]  # fmt: skip


def test_only_administrators_manage_and_fields_are_checked(tree: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.save_entry(_entry(tree["dept"]), by=staff(tree["dept"], Role.REVIEWER))
    with pytest.raises(PermissionDenied):
        services.save_entry(_entry(tree["city"]), by=staff(tree["dept"], Role.ADMIN))
    with pytest.raises(ValidationError) as e:
        services.save_entry(
            _entry(tree["dept"], matter=" ", ground="whatever", scope=""), by=SYSTEM
        )
    assert {"matter", "ground", "scope"} <= set(e.value.message_dict)


def test_a_higher_list_applies_below(tree: dict[str, Any]) -> None:
    city = services.save_entry(
        _entry(tree["city"], "突发事件应急预案中的涉密部分", "state_secret"), by=SYSTEM
    )
    dept = services.save_entry(_entry(tree["dept"], "预算编制过程稿", "process"), by=SYSTEM)
    other = services.save_entry(_entry(tree["other"], "招生考试试题", "state_secret"), by=SYSTEM)
    assert list(selectors.applicable_entries(tree["dept"])) == [city, dept]
    assert list(selectors.applicable_entries(tree["dept"], "state_secret")) == [city]
    assert other not in selectors.applicable_entries(tree["dept"])
    assert services.check_ground(tree["dept"], "withheld", "state_secret", city) == {}
    assert "negative_list_entry" in services.check_ground(
        tree["dept"], "withheld", "state_secret", other
    )


@pytest.mark.urls("gongkai.review.tests.urls")
def test_the_list_is_published_as_matters_only(tree: dict[str, Any]) -> None:
    entry = services.save_entry(_entry(tree["dept"]), by=SYSTEM)
    retired = services.save_entry(_entry(tree["dept"], "已撤销的事项"), by=SYSTEM)
    services.retire_entry(retired, by=SYSTEM, note="不再适用")
    make_document(tree["dept"], title=f"考察材料{SECRET}", body_html=f"<p>{SECRET}</p>",
                  disclosure_attribute="withheld", disclosure_reason="内部事务", disclosure_ground="internal",
                  negative_list_entry=entry)  # fmt: skip
    client = Client()
    page = client.get("/negative-list/").content.decode()
    assert (
        "干部考察材料" in page
        and "内部事务信息（第十六条第一款）" in page
        and "2027年6月30日" in page
    )
    assert "已撤销的事项" not in page and SECRET not in page
    scoped = client.get("/negative-list/", {"org": "dept"}).content.decode()
    assert "干部考察材料" in scoped and 'lang="zh-CN"' in scoped
    assert client.get("/negative-list/", {"org": "nope"}).status_code == 404
    api = client.get("/api/v1/negative-list").json()
    assert [e["matter"] for e in api] == ["干部考察材料"] and SECRET not in str(api)
    assert api[0]["org"]["code"] == "dept" and api[0]["ground_label"].startswith("内部事务信息")
    assert client.get("/api/v1/negative-list", {"org": "nope"}).status_code == 422
    assert [e["matter"] for e in client.get("/api/v1/negative-list", {"org": "other"}).json()] == []
