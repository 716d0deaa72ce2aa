from typing import Any

from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "gongkai.execution"
    verbose_name = "执行公开与回应关切"

    def schedule_tasks(self) -> dict[str, Any]:
        """Hook for `gongkai schedule_tasks`: flag today's overdue items and queue the daily run."""
        from . import tasks

        return tasks.schedule()
