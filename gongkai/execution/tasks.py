"""Background work of execution disclosure (django-tasks, database backend).

`execution_daily` runs every morning: `services.flag_overdue` records what
`selectors.overdue_by_org` counts per organisation: the
tasks past their 完成时限 (spec §1), 建议提案 unanswered after their (extended) due date (§3),
findings past their 整改期限 (§2) and opinion clocks missed in the last 90 days (§4). It puts
itself back on the queue, so one `schedule()` (called by `gongkai schedule_tasks` through
`ExecutionConfig.schedule_tasks`) keeps it going.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import selectors, services

RUN_AT = dt.time(7, 40)  # after the 依申请公开 run, before office hours


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now)
    candidate = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)


def run_daily() -> dict[str, Any]:
    today, now = timezone.localdate(), timezone.now()
    return services.flag_overdue(selectors.overdue_by_org(today, now), today=today)


@task()
def execution_daily() -> dict[str, Any]:
    result = run_daily()
    schedule_next()
    return result


def is_scheduled() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=execution_daily.module_path, status="READY"
    ).exists()


def schedule_next() -> dt.datetime:
    """Enqueue the next morning's run unless one is already waiting; its time."""
    when = next_run()
    if not is_scheduled():
        execution_daily.using(run_after=when).enqueue()
    return when


def schedule(catch_up: bool = True) -> dict[str, Any]:
    result = run_daily() if catch_up else {}
    return {**result, "next_run": schedule_next()}
