"""The assessment dashboard (考核, spec monitoring.md §8): KPIs in the five CASS 透明度指数 families,
computed from the platform's own data for one year. Reads only.

Each app may offer KPIs through an `assessment_kpis(year, today)` AppConfig hook returning
`(family_code, Kpi)` pairs — or `(family_code, dict of Kpi fields)` from an app below this one in
the layers, which cannot import `Kpi` (gongkai.lists: 权责清单 and 办事指南); `families()`
gathers every hook. A KPI without data says 未接入
(value None, met None) — never 0 and never met. Targets are tenant settings
(`GONGKAI_ASSESSMENT_TARGETS`, kpi code → number) because the weights and targets of the
evaluations change yearly and are not public in a stable form (§8, unverified).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings

FAMILIES = [("decision", "决策公开"), ("management_service", "管理服务公开"),
            ("execution_result", "执行和结果公开"), ("platform", "政务公开平台建设"),
            ("on_request", "依申请公开")]  # fmt: skip
NOT_CONNECTED = "未接入"
# defaults (unverified, tenant may override): percentages to reach, or a maximum count
DEFAULT_TARGETS: dict[str, float] = {
    "consultation_period": 100, "consultation_feedback": 100, "legality_review": 100,
    "interpretation_on_time": 100, "directory_currency": 90, "service_guides": 100,
    "power_adjustments_on_time": 100,
    "plan_budget_columns": 100, "decision_results": 100, "uptime": 99, "broken_links": 0,
    "corrections_on_time": 100, "columns_current": 100, "on_request_on_time": 100,
    "on_request_extensions": 20, "on_request_reversals": 0,
}  # fmt: skip
AT_MOST = {"broken_links", "on_request_extensions", "on_request_reversals",
           "power_list_last_adjustment"}  # lower is better  # fmt: skip


@dataclass
class Kpi:
    code: str
    name: str
    unit: str
    rule: str
    source: str
    value: float | None = None
    items: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, year: int) -> dict[str, Any]:
        target = targets().get(self.code)
        met = None
        if self.value is not None and target is not None:
            met = self.value <= target if self.code in AT_MOST else self.value >= target
        return {"code": self.code, "name": self.name, "value": self.value, "unit": self.unit,
                "target": target, "met": met, "rule": self.rule,
                "source": self.source if self.value is not None else NOT_CONNECTED,
                "items_count": len(self.items),
                "drilldown": f"/monitoring/staff/assessment/{self.code}/?year={year}"}  # fmt: skip


def targets() -> dict[str, float]:
    return {**DEFAULT_TARGETS, **getattr(settings, "GONGKAI_ASSESSMENT_TARGETS", {})}


def _share(good: int, total: int) -> float | None:
    return round(100 * good / total, 1) if total else None


# --- the KPIs the platform can count -----------------------------------------------------------


def _decision(year: int, today: dt.date) -> list[Kpi]:
    from gongkai.lib.workdays import UnknownYear
    from gongkai.participation.models import Consultation, DecisionStep, MajorDecision
    from gongkai.participation.selectors import interpretation_status
    from gongkai.participation.services import period_shortfall

    consults = Consultation.objects.filter(status=Consultation.Status.PUBLISHED,
                                           closes_on__year=year).order_by("closes_on", "id")  # fmt: skip
    period = Kpi("consultation_period", "征求意见期限符合规定", "%",
                 "重大决策、规章草案不少于 30 日，规范性文件不少于 7 个工作日；缩短须公开理由",
                 "participation.Consultation")  # fmt: skip
    good = 0
    for c in consults:
        try:
            short = period_shortfall(c.kind, c.opens_on, c.closes_on)
        except UnknownYear as e:
            short = str(e)
        ok = not short or bool(c.shortened_reason.strip())
        good += ok
        period.items.append({"id": c.pk, "title": c.title, "opens_on": c.opens_on.isoformat(),
                             "closes_on": c.closes_on.isoformat(), "ok": ok, "note": short})  # fmt: skip
    period.value = _share(good, len(period.items))
    closed = [c for c in consults if c.closes_on < today]
    feedback = Kpi("consultation_feedback", "征求意见采纳情况反馈", "%",
                   "意见征集结束后公开采纳情况反馈", "participation.Consultation",
                   items=[{"id": c.pk, "title": c.title, "ok": c.feedback_published_on is not None,
                           "feedback_published_on": c.feedback_published_on.isoformat()
                           if c.feedback_published_on else None} for c in closed])  # fmt: skip
    feedback.value = _share(sum(i["ok"] for i in feedback.items), len(feedback.items))
    decided = MajorDecision.objects.filter(decided_on__year=year).order_by("decided_on", "id")
    reviewed = set(DecisionStep.objects.filter(decision__in=decided, passed=True,
                                               kind=DecisionStep.Kind.LEGALITY_REVIEW)
                   .values_list("decision_id", flat=True))  # fmt: skip
    legality = Kpi("legality_review", "重大行政决策经合法性审查", "%",
                   "未经合法性审查或经审查不合法的，不得提交集体讨论决定（国务院令第 713 号）",
                   "participation.MajorDecision",
                   items=[{"id": d.pk, "title": d.title, "ok": d.pk in reviewed,
                           "decided_on": d.decided_on.isoformat() if d.decided_on else None}
                          for d in decided])  # fmt: skip
    legality.value = _share(sum(i["ok"] for i in legality.items), len(legality.items))
    rows = [r for r in interpretation_status(today, since=dt.date(year, 1, 1))
            if r.policy.published_on and r.policy.published_on.year == year]  # fmt: skip
    interp = Kpi("interpretation_on_time", "政策文件按时解读", "%",
                 "规范性文件、重要政策在规定工作日内发布解读（谁起草、谁解读）",
                 "participation.interpretation_status",
                 items=[{"id": r.policy.pk, "title": r.policy.title, "state": r.state_label,
                         "ok": r.state == "on_time",
                         "due_on": r.due_on.isoformat() if r.due_on else None} for r in rows
                        if r.state in ("on_time", "late", "overdue")])  # fmt: skip
    interp.value = _share(sum(i["ok"] for i in interp.items), len(interp.items))
    return [period, feedback, legality, interp]


def _management(year: int, today: dt.date) -> list[Kpi]:
    from gongkai.documents.models import DirectoryItem
    from gongkai.documents.selectors import public_documents

    items = DirectoryItem.objects.filter(children__isnull=True).select_related("org").order_by("id")
    fed = set(public_documents().filter(published_on__year=year, directory_item__in=items)
              .values_list("directory_item_id", flat=True))  # fmt: skip
    directory = Kpi("directory_currency", "主动公开基本目录事项当年有更新", "%",
                    "基本目录的每个公开事项当年有公开的政府信息", "documents.DirectoryItem",
                    items=[{"id": i.pk, "name": i.name, "org": i.org.name, "ok": i.pk in fed}
                           for i in items])  # fmt: skip
    directory.value = _share(sum(i["ok"] for i in directory.items), len(directory.items))
    return [directory]  # 权责清单 and 办事指南 KPIs: the lists app's hook


def _execution(year: int, today: dt.date) -> list[Kpi]:
    from gongkai.participation.models import MajorDecision

    from . import selectors
    from .models import Column

    as_of = min(today, dt.date(year, 12, 31))
    cols = Column.objects.filter(kind__in=["plan", "periodic"]).select_related("org", "mailbox")
    rows = selectors.columns_report(as_of, cols)
    columns = Kpi("plan_budget_columns", "规划计划、财政预决算等栏目按期更新", "%",
                  "栏目在更新周期内有新内容且不空白", "monitoring.Column",
                  items=[{"id": r["id"], "name": r["name"], "org": r["org"],
                          "last_item_on": r["last_item_on"],
                          "ok": not (r["stale"] or r["empty"])} for r in rows])  # fmt: skip
    columns.value = _share(sum(i["ok"] for i in columns.items), len(columns.items))
    decided = MajorDecision.objects.filter(decided_on__year=year).order_by("decided_on", "id")
    results = Kpi("decision_results", "重大行政决策结果公开", "%", "作出决策后公开决策结果",
                  "participation.MajorDecision",
                  items=[{"id": d.pk, "title": d.title,
                          "ok": d.status == MajorDecision.Status.PUBLISHED} for d in decided])  # fmt: skip
    results.value = _share(sum(i["ok"] for i in results.items), len(results.items))
    return [columns, results]


def _platform(year: int, today: dt.date) -> list[Kpi]:
    from django.db.models import Count, Q

    from . import selectors
    from .models import Correction, LinkCheck, Probe

    agg = Probe.objects.filter(at__year=year).aggregate(
        n=Count("id"), ok=Count("id", filter=Q(ok=True))
    )
    uptime = Kpi("uptime", "首页可用率", "%", "监测成功次数 ÷ 监测次数（15 秒内打开）",
                 "monitoring.Probe")  # fmt: skip
    uptime.value = _share(agg["ok"], agg["n"])
    uptime.items = [{"at": p.at.isoformat(), "url": p.url, "error": p.error, "ok": False}
                    for p in Probe.objects.filter(at__year=year, ok=False).order_by("at")[:500]]  # fmt: skip
    run = LinkCheck.objects.filter(started_at__year=year).first()
    links = Kpi("broken_links", "失效链接", "个", "最近一次链接检查的失效链接数",
                "monitoring.LinkCheck")  # fmt: skip
    if run is not None:
        links.value = float(run.broken)
        links.items = [i for i in selectors.links_report(run)["items"] if i["outcome"] == "broken"]
    corr = list(Correction.objects.filter(submitted_on__year=year).order_by("submitted_on", "id"))
    on_time = Kpi("corrections_on_time", "纠错按时答复", "%", "3 个工作日内答复",
                  "monitoring.Correction",
                  items=[{"tracking_no": c.tracking_no, "answer_due_on": c.answer_due_on.isoformat()
                          if c.answer_due_on else None, "answered_on": c.answered_on.isoformat()
                          if c.answered_on else None,
                          "ok": not selectors.correction_overdue(c, today)} for c in corr])  # fmt: skip
    on_time.value = _share(sum(i["ok"] for i in on_time.items), len(on_time.items))
    rows = selectors.columns_report(min(today, dt.date(year, 12, 31)))
    current = Kpi("columns_current", "栏目按期更新", "%", "不空白、在更新周期内有新内容的栏目占比",
                  "monitoring.Column",
                  items=[{"id": r["id"], "name": r["name"], "kind": r["kind"],
                          "last_item_on": r["last_item_on"], "ok": not (r["stale"] or r["empty"])}
                         for r in rows])  # fmt: skip
    current.value = _share(sum(i["ok"] for i in current.items), len(current.items))
    return [uptime, links, on_time, current]


def _on_request(year: int, today: dt.date) -> list[Kpi]:
    from gongkai.applications.models import Application, ApplicationEvent, Remedy

    closed = list(Application.objects.filter(closed_on__year=year).order_by("closed_on", "id"))
    on_time = Kpi("on_request_on_time", "依申请公开按时答复", "%",
                  "在法定期限内答复（条例第三十三条）", "applications.Application",
                  items=[{"tracking_no": a.tracking_no, "due_date": a.due_date.isoformat()
                          if a.due_date else None, "closed_on": a.closed_on.isoformat()
                          if a.closed_on else None,
                          "ok": a.due_date is not None and a.closed_on is not None
                          and a.closed_on <= a.due_date} for a in closed])  # fmt: skip
    on_time.value = _share(sum(i["ok"] for i in on_time.items), len(on_time.items))
    extended = set(ApplicationEvent.objects.filter(
        application__in=closed, kind=ApplicationEvent.Kind.EXTENSION_GRANTED)
        .values_list("application_id", flat=True))  # fmt: skip
    ext = Kpi("on_request_extensions", "延期答复占比", "%", "办结案件中延期答复的比例",
              "applications.ApplicationEvent",
              items=[{"tracking_no": a.tracking_no, "ok": True} for a in closed if a.pk in extended])  # fmt: skip
    ext.value = _share(len(ext.items), len(closed))
    remedies = list(Remedy.objects.filter(decided_on__year=year).select_related("application"))
    rev = Kpi("on_request_reversals", "复议诉讼被纠正", "件", "当年审结的行政复议、行政诉讼中结果为纠正的件数",
              "applications.Remedy",
              items=[{"tracking_no": r.application.tracking_no, "kind": r.get_kind_display(),
                      "ok": False} for r in remedies if r.outcome == Remedy.Outcome.CORRECTED])  # fmt: skip
    rev.value = float(len(rev.items)) if remedies else None
    return [on_time, ext, rev]


BUILTIN: list[tuple[str, Callable[[int, dt.date], list[Kpi]]]] = [
    ("decision", _decision), ("management_service", _management),
    ("execution_result", _execution), ("platform", _platform), ("on_request", _on_request),
]  # fmt: skip


def builtin_kpis(year: int, today: dt.date) -> list[tuple[str, Kpi]]:
    return [(family, k) for family, fn in BUILTIN for k in fn(year, today)]


def all_kpis(year: int, today: dt.date) -> list[tuple[str, Kpi]]:
    out: list[tuple[str, Kpi]] = []
    for config in apps.get_app_configs():
        hook = getattr(config, "assessment_kpis", None)
        if hook is not None:
            out.extend((family, k if isinstance(k, Kpi) else Kpi(**k))
                       for family, k in hook(year=year, today=today))  # fmt: skip
    return out


def families(year: int, today: dt.date) -> dict[str, Any]:
    kpis = all_kpis(year, today)
    return {"year": year, "families": [
        {"code": code, "name": name,
         "kpis": [k.as_dict(year) for fam, k in kpis if fam == code]} for code, name in FAMILIES
    ]}  # fmt: skip


def kpi(code: str, year: int, today: dt.date) -> Kpi | None:
    return next((k for _, k in all_kpis(year, today) if k.code == code), None)
