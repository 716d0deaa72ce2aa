"""The assessment dashboard in a real headless Chromium (Debian's package, driven by Playwright,
as in gongkai/portal/tests/test_browser.py): a top-organisation admin logs in, sees the five
families, opens a drill-down, downloads the evidence pack; axe-core reports no serious or
critical violation on these staff pages nor on the public 我要纠错 pages. The clock is frozen on
2026-03-16 (Beijing), ticking so that the browser's and the live server's timers keep running:
the assessed year is 2025 whatever today's date is."""

import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongkai.accounts.models import Role
from gongkai.conftest import PASSWORD, OrganizationFactory, axe_violations, staff
from gongkai.participation.tests.conftest import consultation

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
TODAY = dt.datetime(2026, 3, 16, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=True):
        yield


def test_assessment_dashboard(browser: Any, live_server: Any, reference_data: None) -> None:
    city: Any = OrganizationFactory(code="city", name="测试市人民政府", level="city")
    year = TODAY.year - 1  # a closed year (2025): its consultation has ended
    consultation(city, kind="rule", opens=dt.date(year, 3, 1), closes=dt.date(year, 3, 30),
                 title="浏览器测试征求意见")  # fmt: skip
    admin = staff(city, Role.ADMIN)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  accept_downloads=True)  # fmt: skip
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/?next=/monitoring/staff/assessment/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.goto(live_server.url + f"/monitoring/staff/assessment/?year={year}")
    for name in ["决策公开", "管理服务公开", "执行和结果公开", "政务公开平台建设", "依申请公开"]:
        assert page.get_by_role("heading", name=name).is_visible()
    problems = {"assessment": axe_violations(page)}
    page.locator("tr", has_text="征求意见期限符合规定").get_by_role("link").click()
    from playwright.sync_api import expect

    # the click navigates: wait for the drill-down page instead of probing mid-load
    expect(page.get_by_role("heading", name=f"征求意见期限符合规定（{year} 年）")).to_be_visible()
    expect(page.get_by_text("浏览器测试征求意见")).to_be_visible()
    problems["drilldown"] = axe_violations(page)
    page.goto(live_server.url + f"/monitoring/staff/assessment/?year={year}")
    with page.expect_download() as info:
        page.get_by_role("link", name=f"下载 {year} 年佐证材料（ZIP）").click()
    with zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read())) as z:
        assert "manifest.json" in z.namelist()
    for path in ["/correction/", "/correction/progress/", "/monitoring/staff/"]:
        page.goto(live_server.url + path)
        problems[path] = axe_violations(page)
    context.close()
    assert {k: v for k, v in problems.items() if v} == {}
