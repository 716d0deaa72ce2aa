"""`gongkai calendar_status`: is next year's holiday schedule still provisional?

From 1 November, while next year has no confirmed schedule (shipped or entered from the
国务院办公厅 notice), it says so and exits with status 1, so that an operator's cron can alert;
otherwise it prints the state and exits 0. `--today` checks as of another day.
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.applications import clock
from gongkai.applications.models import Application


class Command(BaseCommand):
    help = "检查下一年度节假日安排是否仍为暂定（11月1日起未录入则以非零状态退出）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按指定日期检查，格式 YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as e:
            raise CommandError("--today 应为日期，格式 YYYY-MM-DD") from e
        status = clock.next_year_status(today or timezone.localdate())
        provisional = (
            Application.objects.exclude(status=Application.Status.CLOSED)
            .exclude(due_basis="")
            .count()
        )
        line = f"{status.message}；在办申请中答复期限为暂定的 {provisional} 件"
        if status.alert:
            self.stderr.write(line)
            raise SystemExit(1)
        self.stdout.write(line)
