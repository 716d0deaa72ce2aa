"""Fixtures of the participation tests: consultations, mailboxes and letters through services."""

import datetime as dt
from typing import Any

import pytest

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import staff
from gongkai.participation import services
from gongkai.participation.models import Consultation, Letter, Mailbox

D = dt.date


def consultation(org: Any, *, opens: dt.date, closes: dt.date, publish: bool = True,
                 **data: Any) -> Consultation:  # fmt: skip
    base = {"title": "《测试市公共数据开放管理办法（征求意见稿）》", "kind": "other",
            "draft_html": "<p>第一条 为了规范公共数据开放。</p>", "opens_on": opens,
            "closes_on": closes, "show_comments": True}  # fmt: skip
    base.update(data)
    c = services.create_consultation(by=SYSTEM, org=org, data=base)
    if publish:
        services.publish_consultation(c, by=SYSTEM)
    c.refresh_from_db()
    return c


def letter_data(**over: Any) -> dict[str, Any]:
    data = {"kind": "consult", "subject": "关于小区停车难的问题", "content": "我家住在幸福小区，停车位严重不足。",
            "name": "朱小明", "phone": "13912345678", "email": "zhu@example.cn",
            "consent_publish": True}  # fmt: skip
    data.update(over)
    return data


def letter(box: Mailbox, on: dt.date, **over: Any) -> tuple[Letter, str]:
    return services.submit_letter(box, data=letter_data(**over), today=on)


@pytest.fixture
def mailbox(org: Any) -> Mailbox:
    return services.save_mailbox(by=SYSTEM, org=org, data={"code": "director", "name": "主任信箱"})


@pytest.fixture
def editor(org: Any) -> Any:
    return staff(org, Role.EDITOR, full_name="办信人")


@pytest.fixture
def reviewer(org: Any) -> Any:
    return staff(org, Role.REVIEWER, full_name="审核人")
