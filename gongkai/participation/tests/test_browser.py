"""The participation pages in a real headless Chromium (Debian's package, driven by Playwright,
as in gongkai/portal/tests/test_browser.py): a citizen comments on a draft and writes to the
mayor on a phone without JavaScript, looks the letter up and rates the reply; axe-core reports no
serious or critical violation on any public page of this app."""

import os
import re
from typing import Any

import pytest

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import axe_at
from gongkai.participation import demo, services
from gongkai.participation.models import Comment, Consultation, Letter

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def content(reference_data: None) -> dict[str, Any]:
    from gongkai.conftest import OrganizationFactory

    city: Any = OrganizationFactory(code="city", name="测试市人民政府", level="city")
    edu: Any = OrganizationFactory(code="jyj", name="测试市教育局")
    demo.build({"city": city, "fgw": city, "jyj": edu}, out=lambda _: None)
    return {"open": Consultation.objects.filter(feedback_published_on=None, status="published").first(),
            "closed": Consultation.objects.filter(title__contains="招生入学").first(),
            "letter": Letter.objects.filter(is_published=True).first()}  # fmt: skip


def _page(browser: Any, width: int = 1280) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="zh-CN", java_script_enabled=False
    )
    return context.new_page()


def test_a_citizen_comments_on_a_draft_on_a_phone(
    browser: Any, live_server: Any, content: Any
) -> None:
    page = _page(browser, width=360)
    page.goto(live_server.url + "/participation/")
    page.get_by_role("link", name=content["open"].title).click()
    page.get_by_label("针对的条款（选填）").fill("第三条")
    page.get_by_label("意见内容").fill("建议增加数据安全审查的时限。")
    page.get_by_role("button", name="提交意见").click()
    assert page.get_by_role("heading", name="意见已提交").is_visible()
    comment = Comment.objects.get(body="建议增加数据安全审查的时限。")
    assert comment.status == "pending" and comment.article == "第三条"
    page.goto(live_server.url + f"/consultations/{content['open'].pk}/")
    assert page.get_by_text("建议增加数据安全审查的时限。").count() == 0  # not before moderation
    page.goto(live_server.url + f"/consultations/{content['closed'].pk}/feedback/")
    assert (
        page.get_by_role("cell", name="未采纳").is_visible()
        and page.get_by_text("朱**").is_visible()
    )


def test_a_citizen_writes_looks_up_and_rates(browser: Any, live_server: Any, content: Any) -> None:
    page = _page(browser, width=360)
    page.goto(live_server.url + "/mailbox/")
    page.get_by_role("link", name="给市长信箱写信").click()
    page.get_by_label("建议").check()
    page.get_by_label("标题").fill("建议增设社区图书室")
    page.get_by_label("来信内容").fill("建议在幸福社区增设图书室。")
    page.get_by_label("姓名").fill("孙悟净")
    page.get_by_role("button", name="提交来信").click()
    assert page.get_by_text("请至少填写联系电话或电子邮箱之一").is_visible()
    assert page.get_by_label("来信内容").input_value() == "建议在幸福社区增设图书室。"  # kept
    page.get_by_label("联系电话").fill("13700000000")
    page.get_by_role("button", name="提交来信").click()
    assert page.get_by_role("heading", name="来信已提交").is_visible()
    text = page.locator("main").inner_text()
    tracking = re.search(r"信件编号：\s*(\w+)", text).group(1)
    code = re.search(r"查询码：\s*(\w+)", text).group(1)
    letter = Letter.objects.get(tracking_no=tracking)
    services.accept(letter, by=SYSTEM)
    services.draft_reply(letter, by=SYSTEM, text="已纳入明年社区建设计划。")
    services.approve_reply(letter, by=SYSTEM)
    page.get_by_role("link", name="来信查询").click()
    page.get_by_label("信件编号").fill(tracking)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    assert page.get_by_text("已纳入明年社区建设计划。").is_visible()
    page.get_by_label("不满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    assert page.get_by_text("选择不满意时请说明理由").is_visible()
    page.get_by_label("不满意", exact=True).check()
    page.get_by_label("评价理由（不满意时必填）").fill("没有具体时间")
    page.get_by_role("button", name="提交评价").click()
    assert page.get_by_text("感谢您的评价").is_visible()
    page.get_by_label("重新办理的理由").fill("请明确开放时间")
    page.get_by_role("button", name="申请重新办理").click()
    assert page.get_by_text("已重新交办理单位办理").is_visible()
    letter.refresh_from_db()
    assert letter.reopened and letter.status == "handling"


def test_no_serious_accessibility_violations(browser: Any, live_server: Any, content: Any) -> None:
    paths = ["/participation/", "/consultations/", f"/consultations/{content['open'].pk}/",
             f"/consultations/{content['closed'].pk}/feedback/", "/mailbox/", "/mailbox/mayor/write/",
             "/mailbox/query/", f"/mailbox/letters/{content['letter'].pk}/", "/mailbox/statistics/",
             "/decisions/"]  # fmt: skip
    from gongkai.participation.models import MajorDecision

    paths += [f"/decisions/{d.pk}/" for d in MajorDecision.objects.all()]
    problems = {p: found for p in paths if (found := axe_at(browser, live_server.url + p))}
    assert problems == {}
