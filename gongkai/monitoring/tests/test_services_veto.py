"""§2 `services` (服务不实用) from the lists app's public 办事指南 (spec monitoring.md §2,
lists.md §2.3): 未接入 without any 办事服务 data, a veto when service items have no guide, and the
boundaries of the deficient-guide rule — 3/4 missing classes (GONGKAI_GUIDE_MISSING_CLASSES) and
a share of 5.0 % / 5.3 % (GONGKAI_GUIDE_SHARE_VETO: more than 5 %). Drafts never count."""

import datetime as dt
from typing import Any

import pytest

from gongkai.conftest import OrganizationFactory
from gongkai.lists.tests.conftest import guide, service
from gongkai.monitoring import selectors

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 16)
# three of the 8 classes empty (办理地点、办理时间、联系电话); with 设定依据 four
THREE = {"place": "", "hours": "", "consult_phone": ""}
FOUR = {**THREE, "basis": []}


@pytest.fixture
def lorg(db: Any) -> Any:
    return OrganizationFactory(code="scj", name="测试市市场监督管理局", region_code="640100")


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with at(DAY):
        yield


def _guides(org: Any, n: int, start: int = 1, **over: Any) -> None:
    for i in range(start, start + n):
        guide(service(org, f"GG{i:05d}000-640100-01", type_code="GG", name=f"公共服务{i}"), **over)


def _veto() -> dict[str, Any]:
    v = selectors.services_veto().as_dict()
    assert v["code"] == "services"
    return v


def test_no_service_data_is_not_connected():
    v = _veto()
    assert v["value"] == "未接入" and not v["triggered"]
    inspection = selectors.inspect(DAY)
    assert next(x for x in inspection["vetoes"] if x["code"] == "services")["value"] == "未接入"


def test_service_items_without_any_public_guide_are_a_veto(lorg):
    item = service(lorg, "GG00001000-640100-01", type_code="GG", name="公共服务1")
    guide(item, publish=False, **FOUR)  # a draft guide is not public: it does not count
    v = _veto()
    assert v["triggered"] and v["value"] == {"guides": 0, "service_items": 1}


def test_three_missing_classes_pass_four_fail(lorg):
    _guides(lorg, 1, **THREE)
    v = _veto()
    assert not v["triggered"] and v["value"]["deficient"] == 0
    _guides(lorg, 1, start=2, **FOUR)
    v = _veto()
    assert v["triggered"] and v["value"] == {"guides": 2, "deficient": 1, "share": 0.5}
    assert v["items"][0]["impl_code"] == "GG00002000-640100-01"
    assert set(v["items"][0]["missing"]) == {"设定依据", "办理地点", "办理时间", "联系电话"}


def test_share_boundary_five_percent(lorg):
    _guides(lorg, 1, **FOUR)
    _guides(lorg, 19, start=2)  # complete guides
    v = _veto()  # 1 of 20 = 5.0 %: not more than 5 %
    assert v["value"] == {"guides": 20, "deficient": 1, "share": 0.05} and not v["triggered"]
    inspection = selectors.inspect(DAY)
    assert not next(x for x in inspection["vetoes"] if x["code"] == "services")["triggered"]
    _guides(lorg, 1, start=30, **FOUR)  # 2 of 21 = 9.5 %
    assert _veto()["triggered"]


def test_share_just_above_five_percent(lorg):
    _guides(lorg, 1, **FOUR)
    _guides(lorg, 18, start=2)
    v = _veto()  # 1 of 19 = 5.26 %
    assert v["value"]["share"] == 0.0526 and v["triggered"]
    inspection = selectors.inspect(DAY)
    assert inspection["verdict_code"] == "fail"


def test_thresholds_are_settings(lorg, settings):
    _guides(lorg, 1, **THREE)
    _guides(lorg, 9, start=2)
    assert not _veto()["triggered"]  # 3 missing classes are not deficient by default
    settings.GONGKAI_GUIDE_MISSING_CLASSES = 3
    v = _veto()
    assert v["triggered"] and v["value"]["deficient"] == 1  # 10 % > 5 %
    settings.GONGKAI_GUIDE_SHARE_VETO = 0.10
    assert not _veto()["triggered"]  # 10 % is not more than 10 %
