"""`gongkai catalog import PATH --org CODE [--dry-run] [--format json]` and
`gongkai catalog check [--org CODE] [--format json]` (gazette-catalog spec §3).

import: XLSX or CSV (UTF-8/GBK) → `{rows, created, updated, unchanged, errors, entries}`;
idempotent. Not a spreadsheet, a missing column or an unknown domain: exit 2 with a one-line
Chinese message on stderr, nothing written. check: entries by status."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gongkai.accounts.permissions import SYSTEM
from gongkai.catalog import importer, selectors, services
from gongkai.catalog.models import Domain
from gongkai.organizations.models import Organization


class Command(BaseCommand):
    help = "基层政务公开标准目录：导入（import）与检查（check）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入 XLSX/CSV 标准目录")
        imp.add_argument("path")
        imp.add_argument("--org", required=True)
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--format", choices=["text", "json"], default="text")
        chk = sub.add_parser("check", help="按公开状态统计事项")
        chk.add_argument("--org", default="")
        chk.add_argument("--format", choices=["text", "json"], default="text")

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "import":
            self._import(opts)
        else:
            self._check(opts)

    def _import(self, opts: dict[str, Any]) -> None:
        org = Organization.objects.filter(code=opts["org"]).first()
        if org is None:
            self._fail(f"未知的机构：{opts['org']}")
            return
        path = Path(opts["path"])
        try:
            raw = path.read_bytes()
        except OSError as e:
            self._fail(f"无法读取文件：{e.strerror or e}")
            return
        try:
            rows = importer.parse(raw, path.name, Domain.objects.values_list("name", flat=True))
        except importer.ImportFailed as e:
            self._fail(str(e))
            return
        result = services.import_rows(by=SYSTEM, org=org, rows=rows, dry_run=opts["dry_run"])
        out = result.as_dict()
        if opts["format"] == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False, default=str))
        else:
            self.stdout.write(
                f"{'（试运行）' if opts['dry_run'] else ''}共 {out['rows']} 行：新增 {out['created']}，"
                f"更新 {out['updated']}，未变 {out['unchanged']}，错误 {len(out['errors'])}"
            )
            for err in out["errors"]:
                self.stdout.write(f"第{err['row']}行 {err['column']}：{err['message']}")

    def _check(self, opts: dict[str, Any]) -> None:
        org = selectors.catalog_org(opts["org"]) if opts["org"] else None
        if opts["org"] and org is None:
            self._fail(f"未知的机构：{opts['org']}")
            return
        today = timezone.localdate()
        counts: dict[str, int] = dict.fromkeys(selectors.STATUSES, 0)
        for entry in selectors.public_entries(org):
            counts[selectors.status(entry, today).code] += 1
        if opts["format"] == "json":
            self.stdout.write(json.dumps(counts, ensure_ascii=False))
        else:
            for code, n in counts.items():
                self.stdout.write(f"{selectors.STATUSES[code]}：{n}")
