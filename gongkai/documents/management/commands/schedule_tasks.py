"""`gongkai schedule_tasks`: catch up on validity now and put the daily check on the queue."""

from typing import Any

from django.core.management.base import BaseCommand

from gongkai.documents import services, tasks


class Command(BaseCommand):
    help = "执行一次效力到期检查，并把每日检查放入任务队列"

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = services.lapse_validity()
        tasks.schedule_daily()
        self.stdout.write(
            f"效力到期检查：{lapsed} 条信息已转为失效；下次检查 {tasks.next_run():%Y-%m-%d %H:%M}"
        )
