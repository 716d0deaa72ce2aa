"""Factories of the execution tests: every row made through the services, on a frozen clock."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import OrganizationFactory, staff
from gongkai.execution import services
from gongkai.execution.models import OpinionEvent, Plan, Proposal, Task

D = dt.date
BJ = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 6, 15)  # every rule reads this day, never the real one


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=BJ), tick=False) as t:
        yield t


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BJ)


def plan(
    org: Any, *, publish: bool = True, year: int = 2026, title: str = "2026年政务公开工作要点"
) -> Plan:
    p = services.create_plan(by=SYSTEM, org=org, year=year, title=title)
    if publish:
        services.publish_plan(p, by=SYSTEM)
    return p


def task(p: Plan, number: int, *, lead: Any = None, co: list[Any] | None = None,
         due: dt.date | None = dt.date(2026, 6, 30), category: str = "深化重点领域信息公开",
         **kw: Any) -> Task:  # fmt: skip
    cat = services.category(p, by=SYSTEM, name=category)
    t = Task(plan=p, category=cat, number=number, title=kw.pop("title", f"任务{number}"),
             lead_org=lead, due_on=due, **kw)  # fmt: skip
    return services.save_task(t, by=SYSTEM, co_orgs=co or [])


def proposal(lead: Any, number: str = "001", *, kind: str = "suggestion",
             assigned: dt.date = dt.date(2026, 2, 1), co: list[Any] | None = None,
             meeting: str = "市十五届人大四次会议", **kw: Any) -> Proposal:  # fmt: skip
    data = {"kind": kind, "meeting": meeting, "number": number, "lead_unit": lead,
            "title": kw.pop("title", f"关于加强老旧小区改造的建议{number}"), "assigned_on": assigned}  # fmt: skip
    proposers = kw.pop("proposers", [{"name": "李建国", "mobile": "13812345678",
                                      "address": "测试市和平路8号"}])  # fmt: skip
    return services.register_proposal(by=SYSTEM, data=data, proposers=proposers, co_units=co)


def replied(p: Proposal, *, on: dt.date = dt.date(2026, 4, 20), grade: str = "A",
            disclosure: str = "full", text: str = "经研究，答复如下：已列入年度改造计划。",
            reason: str = "", publish: bool = True, today: dt.date | None = None) -> Proposal:  # fmt: skip
    services.reply(p, by=SYSTEM, replied_on=on, grade=grade, disclosure=disclosure, text=text,
                   reason=reason)  # fmt: skip
    if publish and p.reply_document_id:
        services.publish_reply(p, by=SYSTEM, today=today or on)
    p.refresh_from_db()
    return p


def event(org: Any, *, level: str = "general", detected: dt.datetime | None = None,
          title: str = "关于公交线路调整的网络关注", notes: str = "") -> OpinionEvent:  # fmt: skip
    return services.register_event(by=SYSTEM, org=org, title=title, level=level,
                                   detected_at=detected or at(2026, 6, 1, 22, 0),
                                   internal_notes=notes)  # fmt: skip


@pytest.fixture
def lead(db: Any) -> Any:
    return OrganizationFactory(code="zjj", name="测试市住房和城乡建设局", org_code="151")


@pytest.fixture
def co(db: Any) -> Any:
    return OrganizationFactory(code="cgj", name="测试市城市管理局", org_code="152")


@pytest.fixture
def editor(lead: Any) -> Any:
    return staff(lead, Role.EDITOR, full_name="承办人")
