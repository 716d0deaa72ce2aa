"""`gongkai annual_report ORG YEAR [--format json|text|html|xlsx|docx] [--output FILE] [--draft]`:
the 政府信息公开工作年度报告 (Art. 49-50, format of 国办公开办函〔2021〕30号) of one organisation.

Also `--org CODE --year YYYY`. JSON, text and HTML go to standard output unless `--output`; XLSX
and DOCX to `--output` (default `annual-report-ORG-YEAR.xlsx|docx`). HTML is the public page,
standalone. The staff-written part (sections 一、五、六 and the entered figures of 二) is included
once published (定稿公开), as on the public page; `--draft` includes it before. Counts only: no
case and no person is named.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.applications import exports, selectors
from gongkai.applications.guard import FIRST_REPORT_YEAR


class Command(BaseCommand):
    help = "生成政府信息公开工作年度报告（第一至六部分）：gongkai annual_report 机构代码 年度"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_code", nargs="?", help="机构代码，如 city")
        parser.add_argument("year_arg", nargs="?", type=int, metavar="year", help="年度")
        parser.add_argument("--org", dest="org_opt", help="机构代码（与位置参数二选一）")
        parser.add_argument("--year", dest="year_opt", type=int, help="年度（与位置参数二选一）")
        parser.add_argument(
            "--format", choices=["json", "xlsx", "text", "html", "docx"], default="json"
        )
        parser.add_argument("--output", help="输出文件路径（XLSX、DOCX 必须写入文件）")
        parser.add_argument(
            "--draft", action="store_true", help="包括尚未定稿公开的文字和填报数字（仅供内部审阅）"
        )

    def handle(self, *args: Any, **o: Any) -> None:
        code, year = o["org_opt"] or o["org_code"], o["year_opt"] or o["year_arg"]
        if not code or not year:
            raise CommandError("请指定机构代码和年度，如：gongkai annual_report city 2026")
        org = selectors.active_org(code)
        if org is None:
            raise CommandError(f"没有代码为“{code}”的机构")
        if not FIRST_REPORT_YEAR <= year <= timezone.localdate().year:
            raise CommandError(f"年度应在 {FIRST_REPORT_YEAR} 至 {timezone.localdate().year} 之间")
        data = selectors.annual_report(org, year, include_draft=o["draft"])
        fmt = o["format"]
        if fmt in ("xlsx", "docx"):
            path = Path(o["output"] or f"annual-report-{org.code}-{year}.{fmt}")
            path.write_bytes(
                exports.xlsx_bytes(data) if fmt == "xlsx" else exports.docx_bytes(data)
            )
            self.stdout.write(f"已写入 {path}")
            return
        if fmt == "json":
            out = json.dumps(data, ensure_ascii=False, indent=2)
        elif fmt == "text":
            out = exports.text_table(data)
        else:
            context = {"report": data, "standalone": True,
                       "base_template": "applications/report_standalone.html"}  # fmt: skip
            out = render_to_string("applications/annual_report.html", context)
        if o["output"]:
            Path(o["output"]).write_text(out, encoding="utf-8")
            self.stdout.write(f"已写入 {o['output']}")
        else:
            self.stdout.write(out)
