"""Policy interpretation: published with the policy, at the latest N working days after it."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document, staff
from gongkai.participation import selectors, services

from .conftest import D

pytestmark = pytest.mark.django_db


def _policy(org: Any, on: Any, **kw: Any) -> Any:
    return make_document(org, title=kw.pop("title", "测试市停车管理办法"), category=kw.pop("category", "normative"),
                         published_on=on, **kw)  # fmt: skip


def _interpret(org: Any, policy: Any, on: Any, state: str = "published") -> Any:
    return make_document(org, state, title="《测试市停车管理办法》解读", category="interpretation",
                         interprets=policy, published_on=on)  # fmt: skip


def _state(today: Any) -> dict[str, str]:
    return {r.policy.title: r.state for r in selectors.interpretation_status(today)}


def test_three_working_days_across_a_holiday(org: Any) -> None:
    policy = _policy(org, D(2024, 9, 30))
    [row] = selectors.interpretation_status(D(2024, 10, 9))
    assert row.due_on == D(2024, 10, 10) and row.state == "due"  # 10-01..07 are not counted
    assert _state(D(2024, 10, 10)) == {policy.title: "due"}
    assert _state(D(2024, 10, 11)) == {policy.title: "overdue"}
    draft = _interpret(org, policy, D(2024, 10, 9), state="draft")
    assert _state(D(2024, 10, 11)) == {policy.title: "overdue"}  # a draft does not count
    assert draft.pk
    _interpret(org, policy, D(2024, 10, 10))
    assert _state(D(2024, 10, 11)) == {policy.title: "on_time"}


def test_late_interpretation_is_counted(org: Any) -> None:
    policy = _policy(org, D(2024, 9, 30))
    _interpret(org, policy, D(2024, 10, 11))
    rows = selectors.interpretation_status(D(2024, 12, 1))
    assert selectors.interpretation_figures(rows) == {
        "on_time": 0, "late": 1, "due": 0, "overdue": 0, "unknown": 0, "total": 1
    }  # fmt: skip


def test_days_are_configurable_per_region(org: Any, settings: Any) -> None:
    policy = _policy(org, D(2024, 9, 30))
    settings.GONGKAI_INTERPRETATION_DAYS = 0  # the same day
    _interpret(org, policy, D(2024, 10, 8))
    assert _state(D(2024, 12, 1)) == {policy.title: "late"}


def test_only_normative_or_important_policies(org: Any) -> None:
    notice = _policy(org, D(2024, 9, 30), category="notice")
    assert _state(D(2024, 12, 1)) == {}
    services.mark_important(notice, by=SYSTEM)
    assert _state(D(2024, 12, 1)) == {notice.title: "overdue"}
    services.mark_important(notice, by=SYSTEM, important=False)
    assert _state(D(2024, 12, 1)) == {}


def test_a_due_date_in_a_year_without_a_schedule_is_provisional(org: Any) -> None:
    _policy(org, D(2026, 12, 29))
    [row] = selectors.interpretation_status(D(2026, 12, 30))
    # 12/30, 12/31, (1/1 元旦), 1/4 → due 2027-01-04, shown 暂定
    assert row.state == "due" and row.due_on == D(2027, 1, 4) and row.error == ""
    assert row.basis.startswith("暂定：2027 年节假日安排尚未录入")
    # warned from the earliest plausible date, which is before the provisional date
    [later] = selectors.interpretation_status(D(2027, 1, 4))
    assert later.state == "overdue"


def test_dashboard_shows_due_and_overdue_to_staff_in_scope(
    client: Client, org: Any, other_org: Any
) -> None:
    today = D(2025, 6, 10)
    _policy(org, today, title="本月新规")
    make_document(other_org, title="外单位的规定", category="normative", published_on=today)
    user = staff(org, Role.EDITOR)
    assert client.get("/participation/staff/").status_code == 302
    client.force_login(user)
    with time_machine.travel(
        dt.datetime(2025, 6, 11, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ):
        page = client.get("/participation/staff/").content.decode()
    assert "本月新规" in page and "外单位的规定" not in page
    assert "待解读" in page  # published yesterday: due within 3 working days


def test_api_lists_interpretations_with_the_policy_index_no(client: Client, org: Any) -> None:
    policy = _policy(org, D(2024, 9, 30))
    _interpret(org, policy, D(2024, 10, 8))
    hidden = make_document(org, "draft", title="未发布的政策", category="normative")
    make_document(org, title="解读未发布政策", category="interpretation", interprets=hidden,
                  published_on=D(2024, 10, 8))  # fmt: skip
    items = client.get("/api/v1/interpretations").json()["items"]
    by_title = {i["title"]: i for i in items}
    assert by_title["《测试市停车管理办法》解读"]["policy"]["index_no"] == policy.index_no
    assert by_title["解读未发布政策"]["policy"] is None  # the draft policy does not leak
    assert "未发布的政策" not in str(items)
