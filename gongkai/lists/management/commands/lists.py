"""`gongkai lists import|export|check` (issue 20 "Staff"):

- `import FILE --kind power|intermediary|guide --org CODE [--dry-run] [--format json]`: CSV (UTF-8,
  UTF-8 with BOM, GBK) or XLSX with the Chinese headers of spec §1.3 / §3 (incl. 是否保密).
  Prints `{rows, valid, imported, unchanged, held, errors:[{row, column, message}]}`; any error
  imports nothing and exits 1. `--kind guide`: JSON Lines in the API's guide shape.
- `export --kind power|intermediary --org CODE [--format csv|xlsx] [--output PATH]`: the
  import format, secret items included (staff use; never served on a public page).
- `check [--org CODE] --format json`: guide completeness (§2.3), licences without a guide, names
  differing from the power item, secret items, overdue adjustment stages.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.accounts.permissions import SYSTEM
from gongkai.lists import selectors, services, tabular
from gongkai.lists.models import Adjustment, Guide, Intermediary, PowerItem, PowerVersion
from gongkai.organizations.models import Organization


class Command(BaseCommand):
    help = "权责清单、中介服务事项清单的导入、导出与检查"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,export,check}")
        imp = sub.add_parser("import", help="导入 CSV/XLSX")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--kind", choices=["power", "intermediary", "guide"], required=True)
        imp.add_argument("--org", required=True, metavar="CODE")
        imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        imp.add_argument("--format", choices=["text", "json"], default="text")
        exp = sub.add_parser("export", help="导出（含保密事项，仅供内部使用）")
        exp.add_argument("--kind", choices=["power", "intermediary"], required=True)
        exp.add_argument("--org", required=True, metavar="CODE")
        exp.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        exp.add_argument("--output", metavar="PATH", help="输出文件（默认标准输出）")
        chk = sub.add_parser("check", help="办事指南要素与调整时限检查")
        chk.add_argument("--org", metavar="CODE")
        chk.add_argument("--format", choices=["json"], default="json")

    def _org(self, code: str | None) -> Organization | None:
        if code is None:
            return None
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"未知的机构“{code}”")
        return org

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["action"])(options)

    def do_import(self, options: dict[str, Any]) -> None:
        org = self._org(options["org"])
        assert org is not None
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            if options["kind"] == "guide":
                report = services.import_guides(
                    org=org, data=path.read_bytes(), by=SYSTEM, dry_run=options["dry_run"]
                )
            else:
                report = services.import_table(
                    options["kind"], org=org, data=path.read_bytes(), by=SYSTEM,
                    dry_run=options["dry_run"],
                )  # fmt: skip
        except tabular.FileError as e:
            report = {"rows": 0, "valid": 0, "imported": 0, "unchanged": 0, "held": 0,
                      "errors": [{"row": 0, "column": "", "message": str(e)}]}  # fmt: skip
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(
                f"共 {report['rows']} 行，有效 {report['valid']}，导入 {report['imported']}，"
                f"未变 {report['unchanged']}，待审 {report['held']}，错误 {len(report['errors'])}"
            )
            for err in report["errors"]:
                self.stdout.write(f"  第 {err['row']} 行 {err['column']}：{err['message']}")
        if report["errors"]:
            sys.exit(1)

    def do_export(self, options: dict[str, Any]) -> None:
        org = self._org(options["org"])
        if options["kind"] == "power":
            columns = tabular.STAFF_POWER_COLUMNS
            versions = (
                PowerVersion.objects.filter(item__org=org, valid_to__isnull=True)
                .exclude(item__status="cancelled")
                .select_related("item", "item__type")
                .order_by("item__code")
            )
            rows = [tabular.power_row(v, staff=True) for v in versions]
        else:
            columns = tabular.INTERMEDIARY_COLUMNS
            qs = Intermediary.objects.filter(org=org).prefetch_related("approval_items")
            rows = [tabular.intermediary_row(x) for x in qs.order_by("code")]
        if options["format"] == "xlsx":
            body = tabular.xlsx_bytes(columns, rows, "清单")
        else:
            body = tabular.csv_bytes(columns, rows)
        if options["output"]:
            Path(options["output"]).write_bytes(body)
        else:
            sys.stdout.buffer.write(body)

    def do_check(self, options: dict[str, Any]) -> None:
        org = self._org(options.get("org"))
        today = timezone.localdate()
        guides = Guide.objects.all()
        licences = PowerItem.objects.filter(type__code=services.LICENCE_TYPE, status="published")
        items = PowerItem.objects.all()
        adjustments = Adjustment.objects.all()
        if org is not None:
            guides = guides.filter(item__org=org)
            licences = licences.filter(org=org)
            items = items.filter(org=org)
            adjustments = adjustments.filter(org=org)
        report = selectors.guide_check(guides, licences.filter(secret=False))
        mismatched = []
        for g, v in selectors.guides_of_public_powers(guides):
            problems = services.power_mismatch(g.item, v)
            if "name" in problems or "type_code" in problems:
                mismatched.append({"impl_code": g.item.impl_code,
                                   "power_code": g.item.power.code if g.item.power else None})  # fmt: skip
        out = {
            "guides": report["guides"],
            "missing_by_class": report["missing_by_class"],
            "guides_missing_4plus": report["guides_missing_4plus"],
            "share_missing_4plus": report["share_missing_4plus"],
            "licences_without_guide": report["licences_without_guide"],
            "mismatched": mismatched,
            "secret_items": items.filter(secret=True).count(),
            "overdue": [
                {
                    "adjustment": o.adjustment.pk,
                    "item_code": o.adjustment.item.code,
                    "stage": o.stage,
                    "started_on": o.started_on.isoformat(),
                    "due_on": o.due_on.isoformat(),
                }
                for o in selectors.overdue(adjustments, today)
            ],
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))
