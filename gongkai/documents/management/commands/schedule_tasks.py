"""`gongkai schedule_tasks`: catch up on the daily work now and put the next runs on the queue.

Each app that has daily work offers a `schedule_tasks()` hook on its AppConfig (documents:
validity lapsing; applications: closing lapsed cases and reminders); this command calls them all.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "执行一次每日任务（效力到期、依申请公开提醒等），并把下次运行放入任务队列"

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            hook = getattr(config, "schedule_tasks", None)
            if hook is not None:
                self.stdout.write(f"{config.verbose_name}：{hook()}")
