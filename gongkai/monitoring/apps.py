from typing import Any

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "gongkai.monitoring"
    verbose_name = "网站监测"

    def schedule_tasks(self) -> dict[str, Any]:
        """Hook for `gongkai schedule_tasks`: queue the daily inspection and the probes."""
        from . import tasks

        return tasks.schedule()
