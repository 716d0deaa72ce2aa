"""Fixtures of the lists tests: items, adjustments, guides and intermediaries through services.

The clock is frozen at 2025-12-01 (Beijing) for every test here: no rule reads today's date."""

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import OrganizationFactory, staff
from gongkai.lists import services
from gongkai.lists.models import Guide, PowerItem, ServiceItem

D = dt.date
TODAY = D(2025, 12, 1)
FIRST_DAY = D(2025, 1, 2)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(
        dt.datetime(2025, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def org(db: Any) -> Any:
    return OrganizationFactory(code="scj", name="测试市市场监督管理局", region_code="640100")


@pytest.fixture
def other_org(db: Any) -> Any:
    return OrganizationFactory(code="wjw", name="测试市卫生健康委员会", region_code="640100")


@pytest.fixture
def editor(org: Any) -> Any:
    return staff(org, Role.EDITOR, full_name="清单编制员")


@pytest.fixture
def reviewer(org: Any) -> Any:
    return staff(org, Role.REVIEWER, full_name="清单审核员")


def power_data(serial: int = 1, type_code: str = "02", **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": f"640100-001-{type_code}-{serial:03d}-00", "type_code": type_code,
        "name": f"对未按规定公示信息的处罚{serial}", "subject": "测试市市场监督管理局",
        "subject_nature": "法定行政机关", "handling_unit": "执法稽查处", "levels": ["市", "县"],
        "basis": [{"rank": "行政法规", "title": "企业信息公示暂行条例", "article": "第十八条",
                   "text": "县级以上地方人民政府有关部门……"}],
        "responsibilities": [{"stage": "立案", "text": "对发现的违法行为在10个工作日内立案"}],
        "accountability": ["不履行或无正当理由拖延履行职责的"],
        "supervision": "测试市司法局", "supervision_phone": "0951-12345678",
        "remedy": "行政复议：测试市人民政府；行政诉讼：测试市中级人民法院",
    }  # fmt: skip
    data.update(over)
    return data


def power(org: Any, serial: int = 1, *, publish: bool = True, on: dt.date = FIRST_DAY,
          **over: Any) -> PowerItem:  # fmt: skip
    item = services.draft_power(by=SYSTEM, org=org, data=power_data(serial, **over))
    if publish:
        services.publish_power(item, by=SYSTEM, on=on)
    item.refresh_from_db()
    return item


def licence(org: Any, serial: int = 1, **over: Any) -> PowerItem:
    over.setdefault("name", f"食品经营许可{serial}")
    return power(org, serial, type_code="01", **over)


def guide_data(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "basis": ["《中华人民共和国食品安全法》第三十五条"], "conditions": ["具有与经营的食品品种相适应的场所"],
        "materials": [{"name": "食品经营许可申请书", "form": "原件", "count": 1, "source": "申请人自备"}],
        "process": "申请—受理—审查—决定", "legal_days": 20, "promised_days": 10,
        "place": "测试市政务服务中心二楼", "hours": "工作日 9:00-17:00", "visits": 1,
        "consult_phone": "0951-12345678", "complaint_phone": "0951-12345679",
    }  # fmt: skip
    data.update(over)
    return data


def service(org: Any, impl: str = "XK00001000-640100-01", *, power_item: PowerItem | None = None,
            publish: bool = True, **over: Any) -> ServiceItem:  # fmt: skip
    data = {"base_code": impl[:10], "impl_code": impl, "type_code": "XK", "audience": "legal",
            "name": power_item.name if power_item else "食品经营许可1",
            "power_code": power_item.code if power_item else ""}  # fmt: skip
    data.update(over)
    item = services.save_service_item(by=SYSTEM, org=org, data=data)
    if publish:
        services.publish_service_item(item, by=SYSTEM)
    return item


def guide(item: ServiceItem, *, publish: bool = True, **over: Any) -> Guide:
    g = services.save_guide(item, by=SYSTEM, data=guide_data(**over))
    if publish:
        services.publish_guide(g, by=SYSTEM)
    g.refresh_from_db()
    return g


def adjust(item: PowerItem, change: str, *, trigger_on: dt.date, applied_on: dt.date,
           approved_on: dt.date | None = None, published_on: dt.date | None = None,
           **over: Any) -> Any:  # fmt: skip
    data = {"item_code": item.code, "change": change, "trigger": "law", "trigger_on": trigger_on,
            "basis_doc": "《测试市人民政府关于调整行政权力事项的决定》", "applied_on": applied_on}  # fmt: skip
    data.update(over)
    a = services.create_adjustment(by=SYSTEM, data=data)
    if approved_on:
        services.approve_adjustment(
            a, by=SYSTEM, approved_on=approved_on, opinion="内部审核意见：同意"
        )
    if published_on:
        services.publish_adjustment(a, by=SYSTEM, published_on=published_on)
    a.refresh_from_db()
    return a
