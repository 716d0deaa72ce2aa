from typing import Any

from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"
    verbose_name = "依申请公开"

    def schedule_tasks(self) -> dict[str, Any]:
        """Hook for `gongkai schedule_tasks`: catch up and queue the daily 依申请公开 run."""
        from . import tasks

        return tasks.schedule()

    def work_calendar(self) -> Any:
        """Hook for apps below this one (enforcement): the one calendar with staff-entered years."""
        from .clock import work_calendar

        return work_calendar()
