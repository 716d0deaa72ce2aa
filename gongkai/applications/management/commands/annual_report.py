"""`gongkai annual_report ORG YEAR [--format json|xlsx|text] [--output FILE]`: the 政府信息公开
工作年度报告 tables (sections 三 and 四, 国办公开办函〔2021〕30号) of one organisation.

Also `--org CODE --year YYYY`. JSON and text go to standard output; XLSX to `--output`
(default `annual-report-ORG-YEAR.xlsx`). Counts only: no case and no person is named.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.applications import exports, selectors
from gongkai.applications.guard import FIRST_REPORT_YEAR


class Command(BaseCommand):
    help = "生成政府信息公开工作年度报告的表格（第三、四部分）：gongkai annual_report 机构代码 年度"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_code", nargs="?", help="机构代码，如 city")
        parser.add_argument("year_arg", nargs="?", type=int, metavar="year", help="年度")
        parser.add_argument("--org", dest="org_opt", help="机构代码（与位置参数二选一）")
        parser.add_argument("--year", dest="year_opt", type=int, help="年度（与位置参数二选一）")
        parser.add_argument("--format", choices=["json", "xlsx", "text"], default="json")
        parser.add_argument("--output", help="XLSX 文件路径")

    def handle(self, *args: Any, **o: Any) -> None:
        code, year = o["org_opt"] or o["org_code"], o["year_opt"] or o["year_arg"]
        if not code or not year:
            raise CommandError("请指定机构代码和年度，如：gongkai annual_report city 2026")
        org = selectors.active_org(code)
        if org is None:
            raise CommandError(f"没有代码为“{code}”的机构")
        if not FIRST_REPORT_YEAR <= year <= timezone.localdate().year:
            raise CommandError(f"年度应在 {FIRST_REPORT_YEAR} 至 {timezone.localdate().year} 之间")
        data = selectors.annual_report(org, year)
        if o["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif o["format"] == "text":
            self.stdout.write(exports.text_table(data))
        else:
            path = Path(o["output"] or f"annual-report-{org.code}-{year}.xlsx")
            path.write_bytes(exports.xlsx_bytes(data))
            self.stdout.write(f"已写入 {path}")
