"""`gongkai monitor run|probe|links` (issue 23; spec monitoring.md §2, §5).

- `run [--today YYYY-MM-DD] [--format json|text]`: computes and stores the self-inspection.
- `probe [--url URL] [--timeout S] [--allow-private]`: one uptime probe, stored.
- `links [--allow-private] [--rate N] [--max N]`: the link check, stored.
- `report 2025-07|2025-Q3 [--format json|xlsx|html] [--out FILE]`: the monthly/quarterly report.
- `yearly YEAR [--format json|xlsx] [--out FILE]`: the 政府网站工作年度报表 (§7).
- `evidence YEAR --out FILE.zip`: the 佐证材料 pack (manifest.json, one CSV per KPI, reports).
`--format json` prints one JSON object. Bad input exits 2 with a message. `--allow-private`
exists only here: nothing a visitor or a page can set makes the checker reach a private address.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.monitoring import reports, selectors, tasks


def _positive(kind: type, label: str) -> Any:
    def parse(raw: str) -> Any:
        try:
            value = kind(raw)
        except ValueError:
            raise CommandError(f"{label}应为正数：{raw}", returncode=2) from None
        if value <= 0:
            raise CommandError(f"{label}应大于 0：{raw}", returncode=2)
        return value

    return parse


class Command(BaseCommand):
    help = "政府网站自查：gongkai monitor run|probe|links"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="运行并保存自查")
        run.add_argument("--today", help="检查日期 YYYY-MM-DD（默认今天）")
        run.add_argument("--format", choices=["json", "text"], default="text")
        probe = sub.add_parser("probe", help="监测一次首页可用性")
        probe.add_argument("--url", default="")
        probe.add_argument("--timeout", default=None)
        probe.add_argument("--allow-private", action="store_true")
        probe.add_argument("--format", choices=["json", "text"], default="json")
        links = sub.add_parser("links", help="检查链接")
        links.add_argument("--allow-private", action="store_true")
        links.add_argument("--rate", default=None)
        links.add_argument("--max", default=None)
        links.add_argument("--timeout", default=None)
        links.add_argument("--format", choices=["json", "text"], default="json")
        report = sub.add_parser("report", help="月度/季度监测报告")
        report.add_argument("period")
        report.add_argument("--format", choices=["json", "xlsx", "html"], default="json")
        report.add_argument("--out", default="")
        yearly = sub.add_parser("yearly", help="政府网站工作年度报表")
        yearly.add_argument("year")
        yearly.add_argument("--format", choices=["json", "xlsx"], default="json")
        yearly.add_argument("--out", default="")
        evidence = sub.add_parser("evidence", help="考核佐证材料包")
        evidence.add_argument("year")
        evidence.add_argument("--out", required=True)

    def handle(self, *args: Any, **o: Any) -> None:
        getattr(self, f"_{o['action']}")(o)

    def _emit(self, o: dict[str, Any], data: dict[str, Any], text: str) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, default=str)
                          if o["format"] == "json" else text)  # fmt: skip

    def _run(self, o: dict[str, Any]) -> None:
        today = None
        if o["today"]:
            try:
                today = dt.date.fromisoformat(o["today"])
            except ValueError:
                raise CommandError(
                    f"日期无效：{o['today']}（应为 YYYY-MM-DD）", returncode=2
                ) from None
        result = tasks.run_inspection(today)
        lines = [f"检查日期 {result['as_of']}：{result['verdict']}，得分 {result['score']}"]
        for v in result["vetoes"]:
            lines.append(f"  {'✗' if v['triggered'] else '✓'} {v['name']}：{v['value']}")
        for d in result["deductions"]:
            lines.append(f"  扣 {d['points']} 分 {d['item']}：{d['found']}")
        self._emit(o, result, "\n".join(lines))

    def _probe(self, o: dict[str, Any]) -> None:
        timeout = _positive(float, "--timeout ")(o["timeout"]) if o["timeout"] is not None else None
        try:
            p = tasks.probe(o["url"], timeout=timeout, allow_private=o["allow_private"])
        except ValueError as e:
            raise CommandError(str(e), returncode=2) from None
        up = selectors.uptime(p.at)
        data = {"url": p.url, "ok": p.ok, "status": p.status, "elapsed_ms": p.elapsed_ms,
                "error": p.error or None, "uptime": up}  # fmt: skip
        self._emit(o, data, f"{p.url}：{'正常' if p.ok else '失败'} {p.status or ''} "
                            f"{p.elapsed_ms} 毫秒 {p.error}")  # fmt: skip

    def _links(self, o: dict[str, Any]) -> None:
        rate = _positive(float, "--rate ")(o["rate"]) if o["rate"] is not None else None
        limit = _positive(int, "--max ")(o["max"]) if o["max"] is not None else None
        timeout = _positive(float, "--timeout ")(o["timeout"]) if o["timeout"] is not None else None
        run = tasks.check_links(allow_private=o["allow_private"], rate=rate, limit=limit,
                                timeout=timeout)  # fmt: skip
        data = selectors.links_report(run)
        self._emit(o, data, f"检查 {data['checked']} 个链接，失效 {data['broken']} 个，"
                            f"跳过内网地址 {data['skipped_private']} 个")  # fmt: skip

    def _year(self, raw: str) -> int:
        from django.utils import timezone

        if not raw.isdigit() or not 2000 <= int(raw) <= timezone.localdate().year:
            raise CommandError(f"年度无效：{raw}", returncode=2)
        return int(raw)

    def _write(self, out: str, default: str, data: bytes) -> None:
        path = Path(out or default)
        path.write_bytes(data)
        self.stdout.write(f"已写入 {path}")

    def _report(self, o: dict[str, Any]) -> None:
        try:
            r = reports.period_report(o["period"])
        except reports.BadPeriod as e:
            raise CommandError(str(e), returncode=2) from None
        if o["format"] == "xlsx":
            self._write(o["out"], f"monitoring-{o['period']}.xlsx", reports.period_xlsx(r))
        elif o["format"] == "html":
            html = reports.period_html(r)
            if o["out"]:
                self._write(o["out"], "", html.encode())
            else:
                self.stdout.write(html)
        else:
            self.stdout.write(json.dumps(r, ensure_ascii=False, default=str))

    def _yearly(self, o: dict[str, Any]) -> None:
        data = reports.yearly_report(self._year(o["year"]))
        if o["format"] == "xlsx":
            self._write(o["out"], f"site-report-{o['year']}.xlsx", reports.yearly_xlsx(data))
        else:
            self.stdout.write(json.dumps(data, ensure_ascii=False, default=str))

    def _evidence(self, o: dict[str, Any]) -> None:
        self._write(o["out"], "", reports.evidence_zip(self._year(o["year"])))
