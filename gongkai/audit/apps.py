from typing import Any

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gongkai.audit"
    verbose_name = "审计日志"

    def schedule_tasks(self) -> dict[str, Any]:
        """Hook for `gongkai schedule_tasks`: export the head now and queue the periodic export."""
        from . import tasks

        return tasks.schedule()
