"""Background work of the audit trail (django-tasks, database backend).

`export_head_periodically` copies the chain's head out of the database every
`GONGKAI_AUDIT_EXPORT_MINUTES` (append-only file, syslog — `services.export_head`), after
checking that the chain still holds the previous export (`export_checked`), and puts
itself back on the queue, so one `schedule()` (called by `gongkai schedule_tasks` through
`AuditConfig.schedule_tasks`) keeps it going. Nothing is queued while no export is configured.
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import conf, selectors, services

logger = logging.getLogger(__name__)


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next multiple of the interval after local midnight (60 → every full hour)."""
    now = timezone.localtime(now)
    interval = min(max(settings.GONGKAI_AUDIT_EXPORT_MINUTES, 1), 24 * 60)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    minutes = (now - midnight) // dt.timedelta(minutes=1)
    return midnight + dt.timedelta(minutes=(minutes // interval + 1) * interval)


def export_checked() -> tuple[services.Export | None, list[str]]:
    """Export the head, first checking that the chain still holds the head file's last line
    (from there on only, so it stays cheap); a mismatch raises the alarm but still exports."""
    problems: list[str] = []
    path = conf.head_file()
    if path is not None:
        previous, bad = selectors.last_checkpoint(path)
        if previous is not None:
            bad += selectors.verify_since(previous)
        problems = [p.message for p in bad]
    export = services.export_head()
    if problems:
        services.alarm(problems)
    return export, problems


def export_now() -> dict[str, Any]:
    export, problems = export_checked()
    if export is None:
        return {"exported": False, "problems": problems}
    return {"exported": True, "seq": export.seq, "hash": export.hash, "file": export.file,
            "syslog": export.syslog, "problems": problems}  # fmt: skip


@task()
def export_head_periodically() -> dict[str, Any]:
    # queue the next run first: a failed export (full disk, syslog down) must not end the series
    schedule_next()
    return export_now()


def is_scheduled() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=export_head_periodically.module_path, status="READY"
    ).exists()


def schedule_next() -> dt.datetime:
    """Enqueue the next export unless one is already waiting; its time."""
    when = next_run()
    if not is_scheduled():
        export_head_periodically.using(run_after=when).enqueue()
    return when


def schedule() -> dict[str, Any]:
    """Export now and queue the periodic export; safe at every start (at most one run waits)."""
    if not conf.exporting():
        return {"exported": False, "note": "未配置 GONGKAI_AUDIT_HEAD_FILE 或 GONGKAI_AUDIT_SYSLOG"}
    try:
        result = export_now()
    except OSError as exc:
        # an unwritable file or syslog must not keep the site from starting; the queued runs retry
        logger.error("审计链头导出失败：%s", exc)
        result = {"exported": False, "error": str(exc)}
    return {**result, "next_run": f"{schedule_next():%Y-%m-%d %H:%M}"}
