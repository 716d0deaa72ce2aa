"""The back office (ScopedAdmin: foreign rows are invisible, writes go through services) and the
staff overdue board /execution/staff/."""

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.conftest import staff
from gongkai.execution.models import Task

from .conftest import D, event, plan, proposal, task

pytestmark = pytest.mark.django_db

LISTS = ["plan", "task", "inspection", "proposal", "opinionevent", "pressconference", "interview",
         "question"]  # fmt: skip


def test_admin_lists_open_and_are_scoped(lead: Any, co: Any, editor: Any) -> None:
    task(plan(lead), 1, lead=lead, title="本局的任务")
    task(plan(co, title="他局计划"), 1, lead=co, title="他局的任务")
    client = Client()
    client.force_login(editor)
    for name in LISTS:
        assert client.get(f"/admin/execution/{name}/").status_code == 200, name
    html = client.get("/admin/execution/task/").content.decode()
    assert "本局的任务" in html and "他局的任务" not in html
    foreign = Task.objects.get(title="他局的任务")
    assert client.get(f"/admin/execution/task/{foreign.pk}/change/").status_code in (302, 404)


def test_task_form_applies_the_rules_through_services(lead: Any, editor: Any) -> None:
    p = plan(lead)
    client = Client()
    client.force_login(editor)
    form = {"plan": p.pk, "number": 7, "title": "新增任务", "lead_org": lead.pk,
            "co_orgs": [lead.pk], "status": "not_started", "due_on": "2026-12-31"}  # fmt: skip
    r = client.post("/admin/execution/task/add/", form)
    assert r.status_code == 200 and "配合部门不能与牵头部门相同" in r.content.decode()
    assert not Task.objects.filter(number=7).exists()
    form["co_orgs"] = []
    r = client.post("/admin/execution/task/add/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Task.objects.get(number=7).title == "新增任务"


def test_staff_board_lists_overdue_items_in_scope(lead: Any, co: Any, editor: Any) -> None:
    task(plan(lead), 1, lead=lead, due=D(2026, 6, 1), title="本局逾期任务")
    task(plan(co, title="他局计划"), 1, lead=co, due=D(2026, 6, 1), title="他局逾期任务")
    proposal(lead, assigned=D(2026, 1, 10))  # due 04-10, unanswered on 06-15
    event(lead, level="general", title="无人回应的舆情")
    client = Client()
    assert client.get("/execution/staff/").status_code == 302  # to the login page
    client.force_login(editor)
    r = client.get("/execution/staff/")
    html = r.content.decode()
    assert r.status_code == 200 and "private" in r["Cache-Control"]
    assert "本局逾期任务" in html and "他局逾期任务" not in html
    assert "第001号建议" in html and "无人回应的舆情" in html
    client.force_login(staff(co, Role.EDITOR))
    assert "本局逾期任务" not in client.get("/execution/staff/").content.decode()


def test_daily_task_flags_overdue_items_per_organisation(lead: Any, co: Any) -> None:
    from django.apps import apps

    from gongkai.audit.models import AuditEntry

    task(plan(lead), 1, lead=lead, due=D(2026, 6, 1))
    task(plan(lead, title="二"), 2, lead=co, due=D(2026, 6, 1))
    task(plan(lead, title="三"), 3, lead=co, due=D(2026, 12, 1))
    proposal(lead, assigned=D(2026, 1, 10))
    result = apps.get_app_config("execution").schedule_tasks()
    assert (result["tasks"], result["proposals"], result["organizations"]) == (2, 1, 2)
    flagged = {e.org_id: e.after for e in AuditEntry.objects.filter(action="execution.overdue")}
    assert flagged[lead.pk]["proposals"] == 1 and flagged[co.pk]["tasks"] == 1
    assert result["next_run"].hour == 7


def test_proposals_and_events_are_registered_in_the_admin_through_services(
    lead: Any, co: Any, editor: Any
) -> None:
    from gongkai.execution.models import OpinionEvent, Proposal

    client = Client()
    client.force_login(editor)
    form = {"kind": "suggestion", "meeting": "市十五届人大四次会议", "number": "088",
            "title": "关于增设公交站点的建议", "lead_unit": lead.pk, "co_units": [lead.pk],
            "assigned_on": "2026-03-01", "proposers": "陈立新,13811112222,示范市人民路1号"}  # fmt: skip
    r = client.post("/admin/execution/proposal/add/", form, follow=True)
    assert "协办单位不能与主办单位相同" in r.content.decode() and not Proposal.objects.exists()
    form["co_units"] = [co.pk]
    r = client.post("/admin/execution/proposal/add/", form)
    assert r.status_code == 302
    p = Proposal.objects.get()
    assert p.due_on == D(2026, 6, 1) and p.proposers.get().mobile == "13811112222"
    assert list(p.co_units.all()) == [co]
    r = client.post("/admin/execution/opinionevent/add/", {
        "org": lead.pk, "title": "关于停水的网络关注", "level": "major", "category": "",
        "detected_at_0": "2026-06-01", "detected_at_1": "22:00:00", "internal_notes": "研判"})  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:3000]
    assert OpinionEvent.objects.get().internal_notes == "研判"


def test_interviews_need_notice_when_added_in_the_admin(lead: Any, editor: Any) -> None:
    from gongkai.execution.models import Interview

    client = Client()
    client.force_login(editor)
    form = {"org": lead.pk, "title": "在线访谈", "announced_at_0": "2026-06-20", "announced_at_1": "09:00:00",
            "starts_at_0": "2026-06-22", "starts_at_1": "09:00:00", "ends_at_0": "2026-06-22",
            "ends_at_1": "10:00:00", "guests": "局长", "transcript": ""}  # fmt: skip
    r = client.post("/admin/execution/interview/add/", form, follow=True)
    assert "至少提前 3 天预告" in r.content.decode() and not Interview.objects.exists()
    form["announced_at_0"] = "2026-06-18"
    assert client.post("/admin/execution/interview/add/", form).status_code == 302
    assert Interview.objects.get().status == "draft"
    assert client.get("/admin/execution/pressconference/add/").status_code == 200
