from typing import Any

from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "gongkai.enforcement"
    verbose_name = "行政执法公示"

    def schedule_tasks(self) -> dict[str, Any]:
        """Hook for `gongkai schedule_tasks`: unpublish expired decisions now, queue the daily run."""
        from . import tasks

        return tasks.schedule()

    def calendar_changed(self, *, today: Any, by: Any, reason: str) -> int:
        """Hook called when a holiday schedule is entered: recompute due dates not yet met."""
        from .services import recompute_due

        return recompute_due(today=today, by=by, reason=reason)

    def search_sources(self) -> list[Any]:
        """Hook read by `gongkai search_reindex`: the visible licence and penalty decisions."""
        from . import services

        return [
            (services.licence_search_batches, services.licence_search_keys),
            (services.penalty_search_batches, services.penalty_search_keys),
        ]
