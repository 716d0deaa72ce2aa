"""`gongkai normative due [--days 183] [--org CODE] [--format json]`: published normative documents
in force that expire within N days (gazette-catalog spec §2: evaluate within the 6 months before
expiry), as `[{document_id, title, reg_no, expires_on, org}]` or a table."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.documents import selectors


class Command(BaseCommand):
    help = "行政规范性文件：列出即将到期的现行有效文件（due）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="N 天内到期的现行有效文件")
        due.add_argument("--days", type=int, default=183)
        due.add_argument("--org", default="")
        due.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not 0 <= opts["days"] <= 3660:
            raise CommandError("--days 应在 0–3660 之间")
        rows = [
            {"document_id": d.pk, "title": d.title, "reg_no": d.reg_no or "",
             "expires_on": d.expires_on.isoformat() if d.expires_on else None, "org": d.org.code}
            for d in selectors.normative_due(timezone.localdate(), opts["days"], opts["org"] or None)
        ]  # fmt: skip
        if opts["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(f"{r['expires_on']}  {r['reg_no']:<16} {r['org']:<10} {r['title']}")
        self.stdout.write(f"共 {len(rows)} 件")
