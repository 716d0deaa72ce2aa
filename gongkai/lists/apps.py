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
