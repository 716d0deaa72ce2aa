"""The daily task: lapsed cases closed, handlers reminded once a day by mail and on record."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from gongkai.accounts.models import Role
from gongkai.applications import services, tasks
from gongkai.applications.models import Application, Reminder
from gongkai.audit.models import AuditEntry
from gongkai.conftest import staff

from .conftest import in_person, person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def mailed_handler(handler: Any) -> Any:
    handler.email = "chengban@example.gov.cn"
    handler.save()
    return handler


def test_reminders_by_kind_once_a_day(org: Any, mailed_handler: Any) -> None:
    soon = in_person(org, mailed_handler, D(2026, 9, 18))  # due Thu 10/22
    late = in_person(org, mailed_handler, D(2026, 9, 14))
    online, _ = services.submit_online(org=org, data=person(name="王秘密"), today=D(2026, 10, 16))
    calm = in_person(org, mailed_handler, D(2026, 10, 16))
    assert late.due_date is not None and late.due_date < D(2026, 10, 19)
    run = services.send_reminders(today=D(2026, 10, 19))
    got = {(r.application_id, r.kind) for r in Reminder.objects.filter(on=D(2026, 10, 19))}
    assert got == {(soon.pk, "due_soon"), (late.pk, "overdue"), (online.pk, "unconfirmed")}
    assert calm.pk not in {a for a, _ in got}
    assert run.created == 3 and run.emails == 1
    [msg] = mail.outbox
    assert msg.to == ["chengban@example.gov.cn"] and "3 件" in msg.subject
    assert soon.tracking_no in msg.body and late.tracking_no in msg.body
    assert "还剩 3 个工作日" in msg.body and "已超期" in msg.body
    assert "王秘密" not in msg.body and "张三丰" not in msg.body and "13800138000" not in msg.body
    # the same day again: nothing new, nothing mailed twice
    assert services.send_reminders(today=D(2026, 10, 19)).created == 0 and len(mail.outbox) == 1
    assert Reminder.objects.filter(emailed=True).count() == 3
    # the online case was never confirmed: it has no handler, so the organisation's editors hear
    assert "承办人" in Reminder.objects.get(application=online).recipients
    # a case due in 2027 (no schedule yet) is reminded from its earliest plausible date, as 暂定
    guess = in_person(org, mailed_handler, D(2026, 12, 21))  # 暂定 due 2027-01-19
    assert guess.due_earliest is not None and guess.due_date is not None
    assert guess.due_earliest < guess.due_date
    services.send_reminders(today=D(2026, 12, 22))
    assert not Reminder.objects.filter(application=guess).exists()  # far from both dates
    services.send_reminders(today=guess.due_earliest)
    r = Reminder.objects.get(application=guess)
    assert r.kind == "due_soon" and "暂定" in r.text and "按最早可能日期计" in r.text
    assert AuditEntry.objects.filter(action="application.reminders").count() == 3


def test_fallback_recipients_and_a_failing_mail_server(
    org: Any, mailed_handler: Any, monkeypatch: Any
) -> None:
    app = in_person(org, mailed_handler, D(2026, 9, 18))
    mailed_handler.is_active = False  # the handler left: the organisation's editors are told
    mailed_handler.save()
    colleague = staff(org, Role.EDITOR, email="tongshi@example.gov.cn", full_name="同事")
    staff(org, Role.REVIEWER, email="shenhe@example.gov.cn")  # reviewers do not handle cases
    assert services.recipients_of(Application.objects.get(pk=app.pk)) == [colleague]

    def broken(*args: Any, **kw: Any) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(services, "send_mail", broken)
    run = services.send_reminders(today=D(2026, 10, 20))
    assert (run.created, run.emails, run.failed) == (1, 0, 1)
    r = Reminder.objects.get()
    assert r.kind == "due_soon" and not r.emailed and "同事" in r.recipients  # kept, shown


def test_consultation_past_the_third_party_deadline_is_reminded(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    services.start_consultation(app, by=handler, on=D(2026, 9, 21), third_party="某公司",
                                today=D(2026, 9, 21))  # fmt: skip
    assert services.send_reminders(today=D(2026, 10, 19)).created == 0  # reply due 10/19
    services.send_reminders(today=D(2026, 10, 20))
    r = Reminder.objects.get()
    assert r.kind == "consultation_lapsed" and "2026-10-19" in r.text


def test_daily_task_closes_lapsed_cases_and_queues_itself(org: Any, handler: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    app = in_person(org, handler, D(2026, 2, 9))
    services.request_correction(app, by=handler, on=D(2026, 2, 12), deadline=D(2026, 3, 6),
                                notice="补正", today=D(2026, 2, 12))  # fmt: skip
    result = tasks.run_daily(today=D(2026, 3, 9))
    assert result["closed"] == [app.tracking_no]
    assert Application.objects.get(pk=app.pk).disposition == "other_no_correction"

    assert tasks.applications_daily.call()["closed"] == []  # today: nothing more to close
    waiting = DBTaskResult.objects.filter(
        task_path=tasks.applications_daily.module_path, status="READY"
    )
    assert waiting.count() == 1
    tasks.schedule(catch_up=False)  # make run calls it at every start: no duplicate
    assert waiting.count() == 1
    out = tasks.schedule()
    assert out["next_run"] == tasks.next_run() and waiting.count() == 1


def test_schedule_tasks_hook_on_the_app_config() -> None:
    from django.apps import apps

    hook = apps.get_app_config("applications").schedule_tasks
    assert hook()["next_run"].time() == tasks.RUN_AT


def test_daily_run_confirms_provisional_cases_after_a_shipped_schedule_release(
    org: Any, handler: Any, monkeypatch: Any
) -> None:
    from gongkai.applications import clock
    from gongkai.applications.models import DueDateChange
    from gongkai.lib.workdays import WorkCalendar, parse_schedule

    guess = in_person(org, handler, D(2026, 12, 21))
    other = in_person(org, handler, D(2026, 9, 18))  # confirmed: never touched by the daily pass
    assert guess.due_basis and other.due_basis == ""
    # A new release ships 2027 (made-up rows: 元旦 and a make-up Saturday 2027-01-09).
    shipped = WorkCalendar(
        [*clock.default_calendar().entries, *parse_schedule(
            "year,date,kind,name\n2027,2027-01-01,holiday,元旦\n2027,2027-01-09,workday,元旦\n"
        )], provisional=True,
    )  # fmt: skip
    monkeypatch.setattr(clock, "default_calendar", lambda: shipped)
    monkeypatch.setattr(clock, "_built", None)
    result = tasks.run_daily(today=D(2026, 12, 22))
    assert result["recomputed"] == 1
    guess.refresh_from_db()
    assert guess.due_date == D(2027, 1, 18) and guess.due_basis == ""
    [change] = DueDateChange.objects.all()
    assert (change.application_id, change.old_date, change.new_date) == (
        guess.pk, D(2027, 1, 19), D(2027, 1, 18)
    )  # fmt: skip
    assert tasks.run_daily(today=D(2026, 12, 23))["recomputed"] == 0
