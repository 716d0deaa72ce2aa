"""The public 行政执法公示 pages in a real headless Chromium (Debian's package, driven by Playwright,
as in gongkai/portal/tests/test_browser.py): a visitor filters the penalties by year and opens a
natural person's decision, which shows its 文书号 and the masked 证件号码 only; axe-core reports
no serious or critical violation on any public page of this app."""

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import axe_at
from gongkai.enforcement import selectors, services

from .conftest import id_number, licence, penalty, person

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
NUMBER = id_number(n=71)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    # a live server and a browser need a ticking clock; the day is still fixed
    with time_machine.travel(
        dt.datetime(2025, 10, 20, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=True
    ):
        yield


@pytest.fixture
def content(reference_data: None) -> dict[str, Any]:
    from gongkai.conftest import OrganizationFactory

    org: Any = OrganizationFactory(code="scj", name="测试市市场监督管理局")
    services.save_body(by=SYSTEM, org=org, data={"basis": "依据", "remedies": "行政复议"})
    services.save_matter(by=SYSTEM, org=org, data={"name": "对经营过期食品的处罚", "kind": "penalty", "basis": "食品安全法"},
                         discretion=[{"level": "minor", "conditions": "初次", "range": "警告"}])  # fmt: skip
    mine = penalty(
        org, **person(id_number=NUMBER, subject_name="周某"), decision_no="测市监罚〔2025〕71号"
    )
    penalty(
        org,
        decided_on=dt.date(2024, 11, 5),
        valid_until=dt.date(2025, 11, 4),
        decision_no="测市监罚〔2024〕8号",
    )
    lic = licence(org)
    from .test_spotchecks import plan, setup_pool

    matter, people = setup_pool(org, 20, 3)
    p = plan(org, matter, people)
    services.approve_plan(p, by=SYSTEM)
    services.draw(p, by=SYSTEM)
    return {"org": org, "penalty": mine, "licence": lic, "plan": p}


def test_filter_by_year_and_open_a_persons_decision(
    browser: Any, live_server: Any, content: Any
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 800}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + "/enforcement/penalties/")
    assert page.get_by_role("link", name="测市监罚〔2024〕8号").count() == 1
    page.get_by_label("年度").select_option("2025")
    page.get_by_role("button", name="查询").click()
    assert "year=2025" in page.url
    assert page.get_by_role("link", name="测市监罚〔2024〕8号").count() == 0
    page.get_by_role("link", name="测市监罚〔2025〕71号").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "测市监罚〔2025〕71号" in text and selectors.masked_id("01", NUMBER) in text
    assert NUMBER not in page.content() and "13912345678" not in page.content()
    context.close()


def test_no_serious_accessibility_violations(browser: Any, live_server: Any, content: Any) -> None:
    code = content["org"].code
    paths = ["/enforcement/", f"/enforcement/{code}/", "/enforcement/officers/", "/enforcement/licences/",
             f"/enforcement/licences/{content['licence'].pk}/", "/enforcement/penalties/",
             f"/enforcement/penalties/{content['penalty'].pk}/", f"/enforcement/statistics/{code}/2025/",
             "/spot-checks/", f"/spot-checks/draws/{content['plan'].pk}/"]  # fmt: skip
    problems = {p: found for p in paths if (found := axe_at(browser, live_server.url + p))}
    assert problems == {}
