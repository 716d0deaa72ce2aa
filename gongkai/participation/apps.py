from typing import Any

from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "gongkai.participation"
    verbose_name = "公众参与"

    def calendar_changed(self, *, today: Any, by: Any, reason: str) -> int:
        """Hook called when a holiday schedule is entered: recompute letters' reply due dates."""
        from .services import recompute_due

        return recompute_due(today=today, by=by, reason=reason)
