"""Monitoring reports (reads and rendering, issue 23):

- `period_report("2025-07" | "2025-Q3")`: the monthly/quarterly monitoring report (Kaiyuan seed
  004 §七.1) — the score sheet as of the period's last day (指标 / 评分细则 / 检查情况 / 扣分),
  the period's probes and corrections and its latest link check.
- `yearly_report(year)`: the 政府网站工作年度报表 (§7), computed and entered fields.
- `evidence_zip(year)`: the 佐证材料 pack (§8): `manifest.json` with the families, one CSV per
  KPI, the year's quarterly reports and its 报表. Writers' and reporters' identity never goes in.
Column history is not versioned: an inspection of a past day leaves out items dated after it.
"""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from . import assessment, selectors
from .models import Correction, LinkCheck, Probe

_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


class BadPeriod(ValueError):
    pass


def parse_period(raw: str) -> tuple[str, dt.date, dt.date]:
    """'2025-07' or '2025-Q3' → (label, first day, last day)."""
    m = _PERIOD.match(raw or "")
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise BadPeriod(f"期间无效：{raw}（应为 YYYY-MM 或 YYYY-Q1…Q4）")
    year = int(m.group(1))
    if m.group(2):
        first_month, months, label = int(m.group(2)), 1, f"{year} 年 {int(m.group(2))} 月"
    else:
        q = int(m.group(3))
        first_month, months, label = 3 * q - 2, 3, f"{year} 年第 {q} 季度"
    start = dt.date(year, first_month, 1)
    last_month = first_month + months - 1
    after = dt.date(year, last_month + 1, 1) if last_month < 12 else dt.date(year + 1, 1, 1)
    end = after - dt.timedelta(days=1)
    return label, start, end


def period_report(raw: str, today: dt.date | None = None) -> dict[str, Any]:
    label, start, end = parse_period(raw)
    today = today or timezone.localdate()
    as_of = min(end, today)
    tz = timezone.get_current_timezone()
    end_at = dt.datetime.combine(as_of, dt.time.max, tz)
    start_at = dt.datetime.combine(start, dt.time.min, tz)
    inspection = selectors.inspect(as_of, end_at)
    agg = Probe.objects.filter(at__gte=start_at, at__lte=end_at).aggregate(
        n=Count("id"), failed=Count("id", filter=Q(ok=False)))  # fmt: skip
    corr = Correction.objects.filter(submitted_on__gte=start, submitted_on__lte=as_of)
    run = LinkCheck.objects.filter(started_at__gte=start_at, started_at__lte=end_at).first()
    sheet = [{"item": v["name"], "rule": v["threshold"], "found": "未发现" if not v["triggered"]
              else json.dumps(v["value"], ensure_ascii=False), "points": "单项否决" if v["triggered"]
              else 0} for v in inspection["vetoes"]]  # fmt: skip
    sheet += [{"item": d["item"], "rule": d["rule"], "found": d["found"], "points": d["points"]}
              for d in inspection["deductions"]]  # fmt: skip
    return {
        "period": raw, "label": label, "start": start.isoformat(), "end": end.isoformat(),
        "as_of": as_of.isoformat(), "verdict": inspection["verdict"],
        "verdict_code": inspection["verdict_code"], "score": inspection["score"], "sheet": sheet,
        "probes": {"probes": agg["n"], "failures": agg["failed"],
                   "ratio": round(agg["failed"] / agg["n"], 4) if agg["n"] else None},
        "corrections": {"submitted": corr.count(),
                        "answered": corr.filter(status=Correction.Status.ANSWERED).count(),
                        "overdue": sum(selectors.correction_overdue(c, as_of) for c in corr)},
        "links": selectors.links_report(run),
        "columns": inspection["columns"],
    }  # fmt: skip


def period_html(report: dict[str, Any]) -> str:
    return render_to_string("monitoring/report_standalone.html", {"r": report})


def _xlsx(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, head, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(head)
        for row in rows:
            ws.append([v if isinstance(v, int | float | str) or v is None else str(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def period_xlsx(r: dict[str, Any]) -> bytes:
    return _xlsx([
        ("评分表", ["指标", "评分细则", "检查情况", "扣分"],
         [[s["item"], s["rule"], s["found"], s["points"]] for s in r["sheet"]]),
        ("栏目", ["栏目", "机构", "类型", "周期（天）", "最新内容", "条数", "未按期更新", "空白"],
         [[c["name"], c["org"], c["kind"], c["period_days"], c["last_item_on"], c["items"],
           c["stale"], c["empty"]] for c in r["columns"]]),
        ("链接", ["链接", "本站", "结果", "状态", "错误", "所在页面"],
         [[i["url"], i["internal"], i["outcome"], i["status"], i["error"], i["found_on"]]
          for i in r["links"]["items"]]),
    ])  # fmt: skip


def yearly_report(year: int) -> dict[str, Any]:
    """The 报表 of `year`: as published when it is, else the current draft with live figures."""
    report = selectors.SiteReport.objects.filter(year=year).first()
    computed = report.computed if report and report.published_on else None
    return selectors.yearly(year, report, computed=computed)


def yearly_xlsx(data: dict[str, Any]) -> bytes:
    rows = [[s["name"], f["name"], f["value"], f["unit"], "平台统计" if f["source"] == "computed"
             else "填报"] for s in data["sections"] for f in s["fields"]]  # fmt: skip
    return _xlsx([(f"{data['year']}年度报表", ["栏目", "项目", "数值", "单位", "来源"], rows)])


def _csv(rows: list[dict[str, Any]]) -> str:
    keys = sorted({k for r in rows for k in r})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=keys or ["（无明细）"])
    writer.writeheader()
    for r in rows:
        writer.writerow({k: r.get(k) for k in keys})
    return "\ufeff" + out.getvalue()  # BOM: Excel opens Chinese CSV as UTF-8


def evidence_zip(year: int, today: dt.date | None = None) -> bytes:
    today = today or timezone.localdate()
    fams = assessment.families(year, today)
    files: dict[str, str] = {}
    for _fam, kpi in assessment.all_kpis(year, today):
        files[f"kpi/{kpi.code}.csv"] = _csv(kpi.items)
    quarters = [f"{year}-Q{q}" for q in range(1, 5) if parse_period(f"{year}-Q{q}")[1] <= today]
    for q in quarters:
        files[f"reports/{q}.json"] = json.dumps(period_report(q, today), ensure_ascii=False,
                                                indent=2, default=str)  # fmt: skip
    files[f"reports/{year}-yearly.json"] = json.dumps(yearly_report(year), ensure_ascii=False,
                                                      indent=2, default=str)  # fmt: skip
    manifest = {"year": year, "generated_on": today.isoformat(), "families": fams["families"],
                "files": sorted(files)}  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()
