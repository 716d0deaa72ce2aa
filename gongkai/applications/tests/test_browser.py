"""依申请公开 in a real headless Chromium: a citizen applies on a phone, keeps the tracking
number and query code, and follows the case; a wrong code shows nothing of the case."""

import datetime as dt
import os
from typing import Any

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop here


def test_apply_on_a_phone_and_follow_the_case(
    browser: Any, live_server: Any, reference_data: None
) -> None:
    from gongkai.applications.models import Application
    from gongkai.conftest import OrganizationFactory

    OrganizationFactory(code="fgw", name="测试市发展和改革委员会")
    page = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN").new_page()
    page.goto(live_server.url + "/apply/")
    page.select_option("#id_org", label="测试市发展和改革委员会")
    page.check("input[name=applicant_type][value=natural]")
    page.fill("#id_name", "张三")
    page.select_option("#id_id_type", "id_card")
    page.fill("#id_id_number", "11010519491231002X")
    page.fill("#id_phone", "13800138000")
    page.fill("#id_description", "申请公开2025年城市更新项目的立项批复文件")
    page.check("input[name=form][value=electronic]")
    page.check("input[name=delivery][value=online]")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "申请编号" in text and "查询码" in text, text
    tracking_no = page.locator(".code").nth(0).inner_text().strip()
    code = page.locator(".code").nth(1).inner_text().strip()
    app = Application.objects.get(tracking_no=tracking_no)
    assert (
        app.name == "张三" and app.received_on is None
    )  # online: no receipt date until confirmed (Art. 31)
    assert code not in str(app.__dict__)  # only a digest of the query code is stored

    page.goto(live_server.url + "/apply/progress/")
    page.fill("#id_tracking_no", tracking_no)
    page.fill("#id_code", code)
    page.get_by_role("button").filter(has_text="查询").first.click()
    page.wait_for_load_state()
    status = page.locator("main").inner_text()
    assert (
        "待确认收到" in status
        and "13800138000" not in status
        and "11010519491231002X" not in status
    )

    page.goto(live_server.url + "/apply/progress/")
    page.fill("#id_tracking_no", tracking_no)
    page.fill("#id_code", "WRONG-CODE")
    page.get_by_role("button").filter(has_text="查询").first.click()
    page.wait_for_load_state()
    wrong = page.locator("main").inner_text()
    assert "未找到该申请" in wrong and "待确认收到" not in wrong and "张三" not in wrong


def test_the_tracking_page_marks_a_provisional_due_date(
    browser: Any, live_server: Any, reference_data: None, django_user_model: Any
) -> None:
    from gongkai.applications import services
    from gongkai.conftest import OrganizationFactory, staff

    from .conftest import person

    org = OrganizationFactory(code="fgw2", name="测试市发展和改革委员会")
    handler = staff(org, "editor")
    # Received Mon 2026-12-21: the 20th working day falls in 2027, which has no schedule yet.
    app, code = services.register(by=handler, org=org, data=person(), channel="in_person",
                                  submitted_on=dt.date(2026, 12, 21), today=dt.date(2026, 12, 21))  # fmt: skip
    page = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN").new_page()
    page.goto(live_server.url + "/apply/progress/")
    page.fill("#id_tracking_no", app.tracking_no)
    page.fill("#id_code", code)
    page.get_by_role("button").filter(has_text="查询").first.click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "2027年1月19日" in text and "（暂定）" in text, text
    assert "暂定：2027 年节假日安排尚未录入，最早可能为 " + app.due_earliest.isoformat() in text
    assert page.locator(".provisional").first.is_visible()
    assert "张三丰" not in text and "13800138000" not in text
