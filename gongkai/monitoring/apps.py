from typing import Any

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "gongkai.monitoring"
    verbose_name = "网站监测"

    def schedule_tasks(self) -> dict[str, Any]:
        """Hook for `gongkai schedule_tasks`: queue the daily inspection and the probes."""
        from . import tasks

        return tasks.schedule()

    def assessment_kpis(self, *, year: int, today: Any) -> list[Any]:
        """Hook read by `assessment.families`: the KPIs the platform counts itself (decision,
        management, execution and on-request ones read the other apps' data; see assessment.py)."""
        from . import assessment

        return assessment.builtin_kpis(year, today)
