"""Daily work of 行政执法公示 (django-tasks): decisions past their 公示截止期 (发改办财金〔2019〕527号)
or retention (local setting) leave the public pages (`services.expire`; the public selectors also
filter by date, so a missed run never shows one). Re-queues itself for the next morning.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import services

RUN_AT = dt.time(0, 30)  # just after midnight: an expired record is gone before anyone looks


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now)
    candidate = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)


def run_daily(today: dt.date | None = None) -> dict[str, Any]:
    return {"expired": services.expire(today=today)}


@task()
def enforcement_daily() -> dict[str, Any]:
    result = run_daily()
    schedule_next()
    return result


def schedule_next() -> dt.datetime:
    from django_tasks_db.models import DBTaskResult

    when = next_run()
    waiting = DBTaskResult.objects.filter(task_path=enforcement_daily.module_path, status="READY")
    if not waiting.exists():
        enforcement_daily.using(run_after=when).enqueue()
    return when


def schedule(catch_up: bool = True) -> dict[str, Any]:
    result = run_daily() if catch_up else {}
    return {**result, "next_run": schedule_next()}
