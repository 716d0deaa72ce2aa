from typing import Any

from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "gongkai.execution"
    verbose_name = "执行公开与回应关切"

    def schedule_tasks(self) -> dict[str, Any]:
        """Hook for `gongkai schedule_tasks`: flag today's overdue items and queue the daily run."""
        from . import tasks

        return tasks.schedule()

    def search_sources(self) -> list[Any]:
        """Hook read by `gongkai search_reindex`: public tasks, concluded 督查, published press
        conferences and interviews (moderated questions only), events with a response."""
        from . import services

        return services.search_sources()
