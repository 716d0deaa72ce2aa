"""`gongkai import_tasks FILE --org CODE --year YEAR [--dry-run] [--format json] [--title T]`:
import a key-work task list (CSV/XLSX: 序号, 大类, 任务, 牵头部门, 配合部门, 完成时限) into the
organisation's plan of that year (spec response.md §1). Idempotent by plan + 序号. A file with any
bad row imports nothing: every problem is listed with row, column and message, exit status 1.
The plan stays 未发布 until a reviewer publishes it.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.accounts.permissions import SYSTEM
from gongkai.execution import services, taskfile
from gongkai.organizations.models import Organization


class Command(BaseCommand):
    help = "导入重点工作任务清单（CSV/XLSX）：gongkai import_tasks 文件 --org 机构代码 --year 年度"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="制定计划的机构代码")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--title", default="", help="新建计划的标题（默认“YYYY年重点工作任务”）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查和统计，不保存")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **o: Any) -> None:
        org = Organization.objects.filter(code=o["org"], is_active=True).first()
        if org is None:
            raise CommandError(f"没有代码为“{o['org']}”的机构")
        if not 2000 <= o["year"] <= 2099:
            raise CommandError("年度应在 2000–2099 之间")
        path = Path(o["file"])
        try:
            table = taskfile.read_table(path)
        except (OSError, ValueError) as e:
            raise CommandError(f"无法读取 {path}：{e}") from e
        rows, problems = taskfile.parse(table)
        try:
            result = services.import_tasks(by=SYSTEM, org=org, year=o["year"], rows=rows,
                                           problems=problems, title=o["title"],
                                           dry_run=o["dry_run"])  # fmt: skip
        except services.ImportRejected as e:
            listed = [{"row": p.row, "column": p.column, "message": p.message} for p in e.problems]
            if o["format"] == "json":
                self.stdout.write(json.dumps({"ok": False, "errors": listed}, ensure_ascii=False))
            else:
                for p in listed:
                    self.stderr.write(f"第 {p['row']} 行 [{p['column']}]：{p['message']}")
            raise CommandError(str(e)) from e
        if o["format"] == "json":
            self.stdout.write(json.dumps({"ok": True, **result}, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{'（试运行）' if result['dry_run'] else ''}{result['plan']}：共 {result['rows']} 行，"
                f"新增 {result['created']}，更新 {result['updated']}，未变 {result['unchanged']}"
            )
