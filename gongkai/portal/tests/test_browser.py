"""The public site in a real headless Chromium (Debian's package, driven by Playwright):
a citizen's path through the pages, print style, 长者版, keyboard-only use, and axe-core
reporting no serious or critical accessibility violation, in normal and 长者版 alike."""

import datetime as dt
import os
from typing import Any

import pytest

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import axe_violations, make_document
from gongkai.documents import services
from gongkai.documents.models import DirectoryItem

# Playwright's sync API runs an event loop in this thread; the test itself stays synchronous
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def content(reference_data: None) -> dict[str, Any]:
    from gongkai.conftest import OrganizationFactory

    org = OrganizationFactory(
        code="fgw", name="测试市发展和改革委员会", org_code="141", intro="负责发展规划。"
    )
    item = services.save_directory_item(
        DirectoryItem(org=org, name="法规文件", responsible="法规科"), by=SYSTEM
    )
    policy = make_document(org, title="测试市数据开放管理办法", category="normative", doc_number="测发改〔2024〕3号",
                           published_on=dt.date(2024, 3, 5), directory_item=item, body_html="<p>第一条 为了规范数据开放。</p>")  # fmt: skip
    make_document(org, title="《测试市数据开放管理办法》政策解读", category="interpretation", interprets=policy,
                  published_on=dt.date(2024, 3, 6))  # fmt: skip
    for i in range(3):
        make_document(
            org, title=f"关于做好第{i}批项目申报的通知", published_on=dt.date(2024, 4, 1 + i)
        )
    return {"org": org, "policy": policy}


def _page(browser: Any, elder: bool = False, width: int = 1280) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    return context.new_page()


def test_a_citizen_finds_reads_and_prints_a_policy(
    browser: Any, live_server: Any, content: dict[str, Any]
) -> None:
    page = _page(browser, width=360)  # a phone
    page.goto(live_server.url + "/")
    assert page.title().endswith("") and page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name="政策文件", exact=True).first.click()
    page.wait_for_url("**/list/?category=normative")
    assert page.get_by_text("测试市数据开放管理办法", exact=True).is_visible()
    # filter by year through the form (no JavaScript involved)
    page.select_option("#f-cat", "notice")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**category=notice**")
    assert page.get_by_text("共 3 条").is_visible()
    page.get_by_role("link", name="关于做好第2批项目申报的通知").click()
    assert page.locator("th", has_text="索引号").is_visible()
    assert page.get_by_text("下一篇：").is_visible()
    # open the policy and follow its interpretation
    page.goto(live_server.url + f"/documents/{content['policy'].pk}/")
    assert page.get_by_role("cell", name="测发改〔2024〕3号").is_visible()
    assert page.locator(".qr svg").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".masthead").is_visible() and not page.locator(".sitefoot").is_visible()
    assert not page.locator(".qr").is_visible()
    assert page.locator("table.meta").is_visible() and page.locator(".body").is_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="《测试市数据开放管理办法》政策解读").click()
    assert page.get_by_role("heading", name="《测试市数据开放管理办法》政策解读").is_visible()


def test_elder_mode_is_remembered_and_enlarges_text(
    browser: Any, live_server: Any, content: dict[str, Any]
) -> None:
    page = _page(browser)
    page.goto(live_server.url + "/list/")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("link", name="长者版").click()
    page.wait_for_load_state()
    assert "elder" in (page.locator("body").get_attribute("class") or "")
    page.goto(live_server.url + f"/documents/{content['policy'].pk}/")
    elder = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert elder >= normal * 1.3
    assert not page.locator(".qr").is_visible()  # simplified layout
    page.get_by_role("link", name="退出长者版").click()
    page.wait_for_load_state()
    assert "elder" not in (page.locator("body").get_attribute("class") or "")


def test_keyboard_only_reaches_the_main_content(
    browser: Any, live_server: Any, content: dict[str, Any]
) -> None:
    page = _page(browser)
    page.goto(live_server.url + f"/documents/{content['policy'].pk}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    assert (
        page.evaluate("getComputedStyle(document.activeElement).left") == "0px"
    )  # the skip link shows when focused
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_no_serious_accessibility_violations(
    browser: Any, live_server: Any, content: dict[str, Any], elder: bool
) -> None:
    page = _page(browser)
    if elder:
        page.context.add_cookies([{"name": "mode", "value": "elder", "url": live_server.url}])
    paths = [
        "/",
        "/list/",
        f"/documents/{content['policy'].pk}/",
        f"/gk/{content['org'].code}/",
        "/sitemap/",
    ]
    problems = {}
    for path in paths:
        page.goto(live_server.url + path)
        found = axe_violations(page)
        if found:
            problems[path] = found
    assert problems == {}


PHONE_PAGES = ["/", "/list/", "/gk/", "/sitemap/", "/search/?q=数据开放", "/participation/",
               "/consultations/", "/mailbox/", "/mailbox/statistics/", "/decisions/", "/apply/",
               "/data/"]  # fmt: skip


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_no_horizontal_scroll_on_a_phone(
    browser: Any, live_server: Any, content: dict[str, Any], elder: bool
) -> None:
    """At 360 px, in both modes, no page type is wider than the screen and the search button is
    wholly on it (issue 19 §1: 长者版 was 7 px too wide and clipped the button)."""
    from gongkai.participation import services as participation

    decision = participation.save_decision(by=SYSTEM, org=content["org"], data={
        "year": 2024, "title": "测试市城市停车设施专项规划", "sponsor": "测试市发展和改革委员会",
        "listed": True})  # fmt: skip
    participation.record_step(decision, by=SYSTEM, kind="risk_assessment", on=dt.date(2024, 4, 3),
                              performed_by="测试市发展和改革委员会",
                              document="社会稳定风险评估报告（含交通影响、环境影响和公众意见的专项分析）",
                              today=dt.date(2024, 5, 1))  # fmt: skip
    page = _page(browser, width=360)
    if elder:
        page.context.add_cookies([{"name": "mode", "value": "elder", "url": live_server.url}])
    paths = [*PHONE_PAGES, f"/documents/{content['policy'].pk}/", f"/gk/{content['org'].code}/",
             f"/decisions/{decision.pk}/"]  # fmt: skip
    too_wide = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        button = page.locator(".search button").bounding_box()
        if width > 360 or button is None or button["x"] + button["width"] > 360:
            too_wide[path] = (width, button)
    assert too_wide == {}
