"""The public 政府公报 pages in a real headless Chromium (Debian's package, driven by Playwright,
as in gongkai/portal/tests/test_browser.py; gazette-catalog spec §4): a visitor on a 375 px
phone goes from /gazette/ to the latest issue, opens an entry of its 目录 and lands on the
document's page, which names the issue (刊登于) and marks the 标准文本; no page scrolls
sideways, and axe-core reports no serious or critical violation on any of them."""

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from gongkai.conftest import axe_at

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    # a live server and a browser need a ticking clock; the day is still fixed
    with time_machine.travel(
        dt.datetime(2025, 10, 20, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=True
    ):
        yield


@pytest.fixture
def content(reference_data: None, settings: Any, tmp_path: Any) -> dict[str, Any]:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.conftest import OrganizationFactory, make_document
    from gongkai.gazette import services

    from .conftest import issue, rule

    settings.GONGKAI_SEARCH_DIR = tmp_path / "search"
    city: Any = OrganizationFactory(
        level="city", code="city", name="示范市人民政府", org_code="001"
    )
    dept: Any = OrganizationFactory(parent=city, code="sfj", name="示范市司法局", org_code="010")
    gazette = services.save_gazette(by=SYSTEM, org=city, name="示范市人民政府公报")
    older = make_document(dept, title="示范市司法局关于法律援助的通知")
    parking = rule(city, title="示范市停车管理办法")
    notice = make_document(city, title="示范市人民政府关于做好防汛工作的通知")
    issue(gazette, 2025, 1, 201, [older])
    latest = issue(gazette, 2025, 2, 202, [parking, notice])
    issue(gazette, 2025, 3, 203, [older], publish=False)  # a draft: never shown
    return {"latest": latest, "parking": parking}


def test_gazette_to_latest_issue_to_document_on_a_phone(
    browser: Any, live_server: Any, content: Any
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/gazette/")
    assert page.evaluate(NO_SIDEWAYS)
    assert "第3期" not in page.locator("main").inner_text()  # the draft issue
    page.get_by_role("link", name="2025年第2期（总第202期）").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="目录").count() == 1
    assert "2025年第2期（总第202期）" in page.locator("main").inner_text()
    assert page.evaluate(NO_SIDEWAYS)
    page.get_by_role("link", name="示范市停车管理办法").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/documents/{content['parking'].pk}/")
    text = page.locator("main").inner_text()
    assert "刊登于" in text and "示范市人民政府公报2025年第2期（总第202期）" in text
    assert "标准文本" in text
    assert page.evaluate(NO_SIDEWAYS)
    # and back to the issue through the 刊登于 link
    page.get_by_role("link", name="示范市人民政府公报2025年第2期（总第202期）").click()
    page.wait_for_load_state()
    assert "/gazette/2025/2/" in page.url
    context.close()


def test_no_serious_accessibility_violations(browser: Any, live_server: Any, content: Any) -> None:
    paths = ["/gazette/", "/gazette/2025/", "/gazette/2025/2/", "/normative/",
             f"/documents/{content['parking'].pk}/"]  # fmt: skip
    problems = {p: found for p in paths if (found := axe_at(browser, live_server.url + p))}
    assert problems == {}
