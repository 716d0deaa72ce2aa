from typing import Any

from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "gongkai.enforcement"
    verbose_name = "行政执法公示"

    def schedule_tasks(self) -> dict[str, Any]:
        """Hook for `gongkai schedule_tasks`: unpublish expired decisions now, queue the daily run."""
        from . import tasks

        return tasks.schedule()
