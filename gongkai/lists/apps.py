from typing import Any

from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "gongkai.lists"
    verbose_name = "权责清单与服务事项"

    def assessment_kpis(self, *, year: int, today: Any) -> list[Any]:
        """Hook read by `monitoring.assessment`: 管理服务公开 KPIs of the 权责清单 (last 调整公告,
        adjustments published on time) and the 办事指南 (all §2.3 classes), as Kpi fields."""
        from . import selectors

        return selectors.assessment_kpis(year, today)

    def search_sources(self) -> list[Any]:
        """Hook read by `gongkai search_reindex`: the public power items and guides."""
        from . import services

        return [
            (services.power_search_batches, services.power_search_keys),
            (services.guide_search_batches, services.guide_search_keys),
        ]
