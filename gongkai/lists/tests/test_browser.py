"""The 权责清单 in a real headless Chromium (Debian's package, driven by Playwright, as in
gongkai/portal/tests/test_browser.py): a visitor filters by 部门 and 行政处罚, opens an item and
sees its 依据 and 调整 history; axe-core reports no serious or critical violation on any public
page of this app."""

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongkai.conftest import axe_at

from .conftest import D, adjust, guide, licence, power, service

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    # ticking, so that the browser's event loop and the live server keep their timers
    with time_machine.travel(
        dt.datetime(2025, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True
    ):
        yield


@pytest.fixture
def content(reference_data: None, org: Any, other_org: Any) -> dict[str, Any]:
    import importlib

    from django.apps import apps

    # live-server tests flush every table, the seeded 职权类型 included: seed them again
    importlib.import_module("gongkai.lists.migrations.0002_power_types").seed(apps, None)
    fine = power(org, 1)
    power(org, 2, type_code="06", name="食品安全日常监督检查")
    power(other_org, 3, code="640100-002-02-003-00", name="对医疗机构违规执业的处罚")
    adjust(fine, "modify", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6),
           changes={"name": "对未按规定公示年度报告的处罚"})  # fmt: skip
    lic = licence(org, 10)
    guide(service(org, power_item=lic), steps=[{"name": "现场核查", "days": 5}])
    return {"fine": fine, "licence": lic}


def test_filter_open_item_see_basis_and_history(
    browser: Any, live_server: Any, content: Any
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  java_script_enabled=False)  # fmt: skip
    page = context.new_page()
    page.goto(live_server.url + "/lists/powers/")
    page.get_by_label("部门").select_option(label="测试市市场监督管理局")
    page.get_by_label("职权类型").select_option(label="行政处罚")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    assert "org=scj" in page.url and "type=02" in page.url
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="对未按规定公示年度报告的处罚").click()
    expect(page.get_by_role("heading", name="对未按规定公示年度报告的处罚")).to_be_visible()
    assert page.get_by_role("heading", name="依据").is_visible()
    assert page.get_by_text("企业信息公示暂行条例").is_visible()
    assert page.get_by_role("heading", name="调整记录").is_visible()
    assert page.get_by_role("cell", name="变更").is_visible()
    page.get_by_role("link", name="第 1 版：对未按规定公示信息的处罚1").click()
    expect(page.get_by_role("heading", name="对未按规定公示信息的处罚1")).to_be_visible()
    assert page.get_by_text("2025年1月2日 施行的第 1 版").is_visible()
    context.close()


def test_no_serious_accessibility_violations(browser: Any, live_server: Any, content: Any) -> None:
    paths = ["/lists/", "/lists/powers/", f"/lists/powers/{content['fine'].code}/",
             f"/lists/powers/{content['fine'].code}/?on=2025-11-05", "/lists/adjustments/",
             "/lists/services/", "/lists/guides/XK00001000-640100-01/",
             "/lists/guides/XK00001000-640100-01/print/", "/lists/intermediaries/"]  # fmt: skip
    problems = {p: found for p in paths if (found := axe_at(browser, live_server.url + p))}
    assert problems == {}
