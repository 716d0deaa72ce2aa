from typing import Any

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "gongkai.documents"
    verbose_name = "政府信息"

    def schedule_tasks(self) -> dict[str, Any]:
        """Hook for `gongkai schedule_tasks`: lapse expired validity now, queue the daily check."""
        from . import services, tasks

        lapsed = services.lapse_validity()
        reminded = services.send_expiry_reminders()
        tasks.schedule_daily()
        return {
            "lapsed": lapsed,
            "reminded": reminded,
            "next_run": f"{tasks.next_run():%Y-%m-%d %H:%M}",
        }
