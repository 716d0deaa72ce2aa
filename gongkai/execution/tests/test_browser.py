"""/proposals/ in a real headless Chromium (Debian's package, driven by Playwright, as in
gongkai/portal/tests/test_browser.py): filter by kind, open a reply, see its grade and text and
no contact data; axe-core reports no serious or critical violation on the public pages."""

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongkai.conftest import axe_at
from gongkai.execution.models import Proposal, Proposer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


DAY = dt.date(2026, 6, 15)  # the demo, the pages and the live server all live on this day


@pytest.fixture(autouse=True)
def frozen() -> Iterator[Any]:
    """A fixed day for the demo data and the clock alike, so that the test passes on any date
    (and in any year, shipped holiday schedule or not). The clock ticks from 10:00 Beijing: the
    live server and the browser's event loop need time to move."""
    with time_machine.travel(
        dt.datetime.combine(DAY, dt.time(10), ZoneInfo("Asia/Shanghai")), tick=True
    ) as traveller:
        yield traveller


@pytest.fixture
def content(reference_data: None) -> None:
    from gongkai.conftest import OrganizationFactory
    from gongkai.demo import execution_demo

    orgs = {code: OrganizationFactory(code=code, name=f"示范市{name}", org_code=f"{500 + i}")
            for i, (code, name) in enumerate([("city", "人民政府"), ("bgs", "人民政府办公室"),
                                              ("fgw", "发展和改革委员会"), ("jyj", "教育局")])}  # fmt: skip
    execution_demo.build(orgs, out=lambda _: None, today=DAY)


def test_filter_open_a_reply_and_see_no_contact_data(
    browser: Any, live_server: Any, content: None
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  java_script_enabled=False)  # fmt: skip
    page = context.new_page()
    page.goto(live_server.url + "/proposals/")
    page.get_by_label("类别").select_option("proposal")
    page.get_by_role("button", name="筛选").click()
    assert "kind=proposal" in page.url
    page.wait_for_load_state("load")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(6)  # waits until the filtered page is fully parsed
    assert page.get_by_role("cell", name="建议", exact=True).count() == 0
    item = Proposal.objects.filter(kind="proposal", disclosure="full").order_by("number").first()
    assert item is not None
    page.get_by_role("link", name=item.title).first.click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name=item.title).is_visible()
    assert page.get_by_text(f"{item.grade}类").is_visible()
    assert page.get_by_text("一、已将该事项列入年度工作计划。").is_visible()
    html = page.content()
    for person in Proposer.objects.filter(proposal=item):
        assert person.name in html and person.mobile not in html and person.address not in html
    context.close()


def test_public_pages_have_no_serious_accessibility_violations(
    browser: Any, live_server: Any, content: None
) -> None:
    item = Proposal.objects.filter(disclosure="full").first()
    assert item is not None
    year = DAY.year
    for path in ("/proposals/", f"/proposals/{item.pk}/", "/execution/", "/execution/tasks/",
                 "/response/", f"/proposals/overview/{year}/", "/press/", "/interviews/"):  # fmt: skip
        assert axe_at(browser, live_server.url + path) == [], path
