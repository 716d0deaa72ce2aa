"""Background work of 依申请公开 (django-tasks, database backend).

`applications_daily` runs every morning: it closes cases whose 补正 or fee deadline has passed
(《政府信息公开条例》 Art. 30; 国办函〔2020〕109号 — `services.close_lapsed`) and reminds case
handlers of cases due within `GONGKAI_APPLICATION_AT_RISK_DAYS` working days, overdue
(Art. 33), blocked by a missing holiday schedule, or waiting for receipt (Art. 31) —
`services.send_reminders`. Before that it recomputes cases whose due date is provisional or
could not be computed, so a new shipped schedule (a package upgrade) confirms them the next
morning with the moves recorded (`services.recompute_open(uncertain_only=True)`). It then puts itself back on the queue for the next morning, so one
`schedule()` (called by `gongkai schedule_tasks` through `ApplicationsConfig.schedule_tasks`)
keeps it going.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import services

RUN_AT = dt.time(7, 30)  # before office hours: the reminder mail is waiting when work starts


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now)
    candidate = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)


def run_daily(today: dt.date | None = None) -> dict[str, Any]:
    """Recompute uncertain due dates, close lapsed cases, then remind; what the task returns
    (JSON-serialisable)."""
    recomputed = services.recompute_open(
        today=today, reason="随系统发布的节假日安排更新", uncertain_only=True
    )
    closed = services.close_lapsed(today=today)
    sent = services.send_reminders(today=today)
    return {"recomputed": recomputed, "closed": closed, "reminders": sent.created, "emails": sent.emails,
            "failed_emails": sent.failed}  # fmt: skip


@task()
def applications_daily() -> dict[str, Any]:
    result = run_daily()
    schedule_next()
    return result


def is_scheduled() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=applications_daily.module_path, status="READY"
    ).exists()


def schedule_next() -> dt.datetime:
    """Enqueue the next morning's run unless one is already waiting; its time."""
    when = next_run()
    if not is_scheduled():
        applications_daily.using(run_after=when).enqueue()
    return when


def schedule(catch_up: bool = True) -> dict[str, Any]:
    """Catch up now (close lapsed cases, send today's reminders) and queue the daily run.

    Safe to call at every start: reminders are recorded once per case and day, and at most one
    run waits in the queue.
    """
    result = run_daily() if catch_up else {}
    return {**result, "next_run": schedule_next()}
