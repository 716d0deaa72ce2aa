"""Background work for government information (django-tasks, database backend).

`lapse_validity_daily` changes 有效 to 失效 once the 失效日期 has passed and puts itself back on
the queue for the next day, so one enqueue (`gongkai schedule_tasks`, run by `make run`) keeps
it going. The same daily run mails the expiry reminders of normative documents
(`services.send_expiry_reminders`, gazette-catalog spec §2: 6 months before, then monthly).
"""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from . import services

RUN_AT = dt.time(0, 5)


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now)
    candidate = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)


@task()
def lapse_validity_daily() -> int:
    lapsed = services.lapse_validity()
    services.send_expiry_reminders()
    schedule_daily()
    return lapsed


def is_scheduled() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=lapse_validity_daily.module_path, status="READY"
    ).exists()


def schedule_daily() -> None:
    """Enqueue the next run unless one is already waiting."""
    if not is_scheduled():
        lapse_validity_daily.using(run_after=next_run()).enqueue()
