"""`gongkai enforcement import|export` — the 信用中国 双公示 exchange file (spec §2, §3).

- `import FILE --kind licence|penalty --org CODE [--dry-run] [--format json]`: CSV (UTF-8, BOM,
  GBK) or XLSX with the §2 headers; prints `{rows, valid, imported, unchanged, held, errors:
  [{row, column, message}]}`. A file with any error imports nothing and exits 1. Idempotent by
  文书号; identifiers in free text import the row held (never public until corrected).
- `export --kind licence|penalty --org CODE --year Y [--format csv|xlsx] [--output FILE]`: the
  upload for the credit platform, with full 证件号码 (staff use only; never served on the site).
"""

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.accounts.permissions import SYSTEM
from gongkai.enforcement import exchange, selectors, services
from gongkai.organizations.models import Organization


class Command(BaseCommand):
    help = "行政许可、行政处罚双公示数据的导入与导出（信用中国格式）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入 CSV/XLSX")
        imp.add_argument("file")
        imp.add_argument("--kind", choices=["licence", "penalty"], required=True)
        imp.add_argument("--org", required=True)
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--format", choices=["json", "text"], default="text")
        exp = sub.add_parser("export", help="导出信用中国上报文件（含完整证件号码）")
        exp.add_argument("--kind", choices=["licence", "penalty"], required=True)
        exp.add_argument("--org", required=True)
        exp.add_argument("--year", type=int, required=True)
        exp.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        exp.add_argument("--output")

    def _org(self, code: str) -> Organization:
        org = Organization.objects.filter(code=code, is_active=True).first()
        if org is None:
            raise CommandError(f"没有代码为“{code}”的机构")
        return org

    def handle(self, *args: Any, **o: Any) -> None:
        org = self._org(o["org"])
        if o["action"] == "export":
            self.export(org, o)
            return
        path = Path(o["file"])
        try:
            unknown, rows = exchange.read_rows(path.read_bytes(), path.name, o["kind"])
        except (OSError, exchange.FileError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            summary = services.import_rows(by=SYSTEM, org=org, kind=o["kind"], rows=rows,
                                           dry_run=o["dry_run"])  # fmt: skip
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if unknown:
            summary["unknown_headers"] = unknown
        if o["format"] == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"共 {summary['rows']} 行，有效 {summary['valid']}，导入 {summary['imported']}，"
                f"未变 {summary['unchanged']}，暂缓公开 {summary['held']}，错误 {len(summary['errors'])}"
            )
            for e in summary["errors"]:
                self.stdout.write(f"  第 {e['row']} 行「{e['column']}」：{e['message']}")
        if summary["errors"]:
            sys.exit(1)

    def export(self, org: Organization, o: dict[str, Any]) -> None:
        rows = list(selectors.upload_rows(o["kind"], org=org, year=o["year"]))
        if o["format"] == "xlsx":
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            assert ws is not None
            for r in rows:
                ws.append(r)
            path = Path(o["output"] or f"{o['kind']}-{org.code}-{o['year']}.xlsx")
            buf = io.BytesIO()
            wb.save(buf)
            path.write_bytes(buf.getvalue())
            self.stdout.write(f"已写入 {path}（{len(rows) - 1} 条）")
            return
        buf2 = io.StringIO()
        csv.writer(buf2).writerows(rows)
        if o["output"]:
            Path(o["output"]).write_text("\ufeff" + buf2.getvalue(), encoding="utf-8")
            self.stdout.write(f"已写入 {o['output']}（{len(rows) - 1} 条）")
        else:
            self.stdout.write(buf2.getvalue(), ending="")
