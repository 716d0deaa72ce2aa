"""Reads of execution disclosure. Public visibility is applied here and nowhere else
(spec response.md §"Never public", 条例 Art. 16):

- tasks: only those of published plans (a draft plan is not public); progress reports with them.
- 督查: only concluded inspections, without working notes.
- 建议提案: the item's metadata and proposers' names (public in their official role, §7), never
  their contact data; the reply only when its Document is public (`public_documents()`), never
  for 不公开 or before publication.
- 政务舆情: only events with at least one recorded response; never the internal notes.
- 新闻发布会 / 在线访谈: only published ones; presented documents only if public; questions only
  after moderation (已审核), never the asker or their contact.

Derived flags (never stored): task 逾期 = not done and today > due_on, 逾期完成 = completed
after due_on (§1); finding 整改中 / 已整改 / 逾期未整改 (§2); proposal overdue = unanswered after
its (extended) due date (§3); opinion clocks in calendar hours from 发现时间 (§4).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.applications.clock import work_calendar
from gongkai.documents.models import Document
from gongkai.documents.selectors import public_documents
from gongkai.lib.workdays import UnknownYear

from . import conf
from .clocks import hours_after
from .models import (
    Finding,
    Inspection,
    Interview,
    OpinionEvent,
    Plan,
    PressConference,
    Proposal,
    Response,
    Task,
)
from .visibility import (
    public_events,
    public_inspections,
    public_interviews,
    public_press,
    public_task_rows,
)

# =============================================================================================
# tasks


def overdue_q(today: dt.date) -> Q:
    return Q(completed_on__isnull=True, due_on__lt=today) & ~Q(status=Task.Status.DONE)


def is_overdue(task: Task, today: dt.date) -> bool:
    return task.completed_on is None and task.due_on is not None and today > task.due_on


def is_late(task: Task) -> bool:
    return bool(task.completed_on and task.due_on and task.completed_on > task.due_on)


def public_tasks(*, year: int | None = None, org: str = "", status: str = "",
                 overdue: bool | None = None, today: dt.date) -> QuerySet[Task]:  # fmt: skip
    qs = public_task_rows().order_by("-plan__year", "plan_id", "number")
    if year:
        qs = qs.filter(plan__year=year)
    if org:
        qs = qs.filter(
            Q(lead_org__code=org) | Q(co_orgs__code=org) | Q(plan__org__code=org)
        ).distinct()
    if status == "overdue":
        qs = qs.filter(overdue_q(today))
    elif status:
        qs = qs.filter(status=status)
    if overdue is True:
        qs = qs.filter(overdue_q(today))
    elif overdue is False:
        qs = qs.exclude(overdue_q(today))
    return qs


def public_task(pk: int, today: dt.date) -> Task | None:
    return public_tasks(today=today).filter(pk=pk).first()


def task_counts(today: dt.date, year: int | None = None) -> dict[str, int]:
    qs = Task.objects.filter(plan__status=Plan.Status.PUBLISHED)
    if year:
        qs = qs.filter(plan__year=year)
    return qs.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=Task.Status.DONE)),
        overdue=Count("id", filter=overdue_q(today)),
        late=Count("id", filter=Q(completed_on__gt=F("due_on"))),
    )


def task_years() -> list[int]:
    return list(
        Plan.objects.filter(status=Plan.Status.PUBLISHED)
        .order_by("-year").values_list("year", flat=True).distinct()
    )  # fmt: skip


# =============================================================================================
# 督查


def finding_status(f: Finding, today: dt.date) -> str:
    if f.rectification.strip() and f.rectified_on:
        return "已整改"
    if f.rectify_due_on and today > f.rectify_due_on:
        return "逾期未整改"
    return "整改中"


def finding_overdue(f: Finding, today: dt.date) -> bool:
    return finding_status(f, today) == "逾期未整改"


def public_inspection(pk: int) -> Inspection | None:
    return public_inspections().filter(pk=pk).first()


def staff_inspections(user: Any) -> QuerySet[Inspection]:
    """Every inspection in the user's scope, drafts (unconcluded) included."""
    qs = Inspection.objects.select_related("org").prefetch_related("findings", "accountability")
    return permissions.scope(qs, user, Action.VIEW).order_by("-id")


# =============================================================================================
# 建议提案


def proposal_overdue(p: Proposal, today: dt.date) -> bool:
    return p.replied_on is None and today > p.deadline


def proposal_overdue_q(today: dt.date) -> Q:
    return Q(replied_on__isnull=True) & (
        Q(extended_to__isnull=True, due_on__lt=today) | Q(extended_to__lt=today)
    )


def publish_due_on(p: Proposal, cal: Any = None) -> dt.date | None:
    """20 working days after the reply (spec §3); None before the reply. `cal`: the calendar
    already fetched for a list (one lookup per page, not per row)."""
    if p.replied_on is None:
        return None
    try:
        return (cal or work_calendar()).add_working_days(
            p.replied_on, int(conf.get("PROPOSAL_PUBLISH_WORKDAYS"))
        )
    except UnknownYear:
        return None


def public_proposals(*, year: int | None = None, kind: str = "", meeting: str = "",
                     unit: str = "") -> QuerySet[Proposal]:  # fmt: skip
    qs = (
        Proposal.objects.select_related("lead_unit")
        .prefetch_related("co_units", "proposers")
        .order_by("-assigned_on", "meeting", "kind", "number", "id")
    )
    if year:
        qs = qs.filter(assigned_on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if meeting:
        qs = qs.filter(meeting=meeting)
    if unit:
        qs = qs.filter(lead_unit__code=unit)
    return qs


def public_proposal(pk: int) -> Proposal | None:
    return public_proposals().filter(pk=pk).first()


def public_replies(proposals: list[Proposal]) -> dict[int, Document]:
    """The public reply Document of each proposal that has one (one query for a page)."""
    ids = {
        p.reply_document_id: p.pk
        for p in proposals
        if p.reply_document_id and p.disclosure != Proposal.Disclosure.NONE
    }
    if not ids:
        return {}
    return {ids[d.pk]: d for d in public_documents().filter(pk__in=ids)}


def proposal_meetings() -> list[str]:
    return list(Proposal.objects.order_by("meeting").values_list("meeting", flat=True).distinct())


def proposal_years() -> list[int]:
    return sorted({d.year for d in Proposal.objects.dates("assigned_on", "year")}, reverse=True)


SATISFIED = [Proposal.Satisfaction.SATISFIED, Proposal.Satisfaction.BASIC]


def overview(year: int) -> dict[str, Any]:
    """The yearly 办理情况 (spec §3), computed from the rows in two queries."""
    qs = Proposal.objects.filter(assigned_on__year=year)
    agg = qs.aggregate(
        total=Count("id"),
        suggestion=Count("id", filter=Q(kind=Proposal.Kind.SUGGESTION)),
        proposal=Count("id", filter=Q(kind=Proposal.Kind.PROPOSAL)),
        answered=Count("id", filter=Q(replied_on__isnull=False)),
        satisfied=Count("id", filter=Q(satisfaction__in=SATISFIED)),
        rated=Count("id", filter=~Q(satisfaction="")),
        lead_units=Count("lead_unit", distinct=True),
    )
    by_grade = dict(
        qs.filter(replied_on__isnull=False).exclude(grade="")
        .values_list("grade").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    return {
        "year": year,
        "total": agg["total"],
        "by_kind": {"suggestion": agg["suggestion"], "proposal": agg["proposal"]},
        "answered": agg["answered"],
        "grades": {g: by_grade.get(g, 0) for g in conf.get("PROPOSAL_GRADES")},
        "satisfied": agg["satisfied"],
        "rated": agg["rated"],
        "lead_units": agg["lead_units"],
    }


def staff_proposal(user: Any, pk: int) -> Proposal:
    return permissions.get_scoped(Proposal.objects.select_related("lead_unit"), user, Action.VIEW,
                                  org_field="lead_unit", pk=pk)  # fmt: skip


def staff_overdue_proposals(user: Any, today: dt.date) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(proposal_overdue_q(today)).select_related("lead_unit")
    return permissions.scope(qs, user, Action.VIEW, "lead_unit")


def staff_task(user: Any, pk: int) -> Task:
    qs = Task.objects.select_related("plan", "plan__org", "lead_org")
    ids = permissions.org_ids(user, Action.VIEW)
    if ids is not None:
        qs = qs.filter(Q(plan__org__in=ids) | Q(lead_org__in=ids))
    task = qs.filter(pk=pk).first()
    if task is None:
        raise permissions.NotFound("未找到该对象")
    return task


def staff_overdue_tasks(user: Any, today: dt.date) -> QuerySet[Task]:
    qs = Task.objects.filter(overdue_q(today)).select_related("plan", "lead_org")
    ids = permissions.org_ids(user, Action.VIEW)
    if ids is not None:
        qs = qs.filter(Q(plan__org__in=ids) | Q(lead_org__in=ids))
    return qs.order_by("due_on", "id")


# =============================================================================================
# 政务舆情


@dataclass(frozen=True)
class ClockRow:
    kind: str  # first_release / press / response
    label: str
    hours: int
    due_at: dt.datetime
    done_at: dt.datetime | None
    met: bool | None  # None while still running


CLOCK_LABELS = {"first_release": "发布权威信息", "press": "举行新闻发布会", "response": "作出回应"}
_PRESS_FORMS = (Response.Form.PRESS, Response.Form.BRIEFING)  # 61号: 新闻发布会 or 吹风会


def _hours() -> dict[str, int]:
    return {
        k: int(conf.get(f"OPINION_{k.upper()}_HOURS"))
        for k in ("first_release", "press", "response")
    }


def clock_rows(is_major: bool, detected_at: dt.datetime, responses: list[tuple[str, dt.datetime]],
               now: dt.datetime, hours: dict[str, int]) -> list[ClockRow]:  # fmt: skip
    """61号/80号: 特别重大/重大 → 5 h first release and 24 h press conference; else 48 h.
    `responses` are (form, at) pairs; the first matching response stops a clock."""
    wanted = (
        [("first_release", None), ("press", _PRESS_FORMS)] if is_major else [("response", None)]
    )
    rows = []
    for kind, forms in wanted:
        due = hours_after(detected_at, hours[kind])
        times = [at for form, at in responses if forms is None or form in forms]
        done = min(times) if times else None
        met = (done <= due) if done is not None else (False if now > due else None)
        rows.append(ClockRow(kind, CLOCK_LABELS[kind], hours[kind], due, done, met))
    return rows


def clocks(event: OpinionEvent, responses: list[Response], now: dt.datetime) -> list[ClockRow]:
    return clock_rows(
        event.is_major, event.detected_at, [(r.form, r.at) for r in responses], now, _hours()
    )


def all_clocks(now: dt.datetime) -> dict[int, list[ClockRow]]:
    """Every public event's clocks in two plain queries (the 考评 view over all events)."""
    pairs: dict[int, list[tuple[str, dt.datetime]]] = {}
    for event_id, form, at in Response.objects.values_list("event_id", "form", "at").order_by():
        pairs.setdefault(event_id, []).append((form, at))
    hours = _hours()
    major = {OpinionEvent.Level.ESPECIALLY_MAJOR, OpinionEvent.Level.MAJOR}
    return {
        pk: clock_rows(level in major, detected_at, pairs[pk], now, hours)
        for pk, level, detected_at in OpinionEvent.objects.values_list(
            "pk", "level", "detected_at"
        ).order_by()
        if pk in pairs
    }


def public_event(pk: int) -> OpinionEvent | None:
    return public_events().filter(pk=pk).first()


def public_related(responses: list[Response]) -> dict[int, list[Document]]:
    """Each response's related documents, only the public ones (one query)."""
    through = Response.related_documents.through
    pairs = list(
        through.objects.filter(response__in=responses).values_list("response_id", "document_id")
    )
    public = {d.pk: d for d in public_documents().filter(pk__in={d for _, d in pairs})}
    out: dict[int, list[Document]] = {}
    for rid, did in pairs:
        if did in public:
            out.setdefault(rid, []).append(public[did])
    return out


def staff_event(user: Any, pk: int) -> OpinionEvent:
    return permissions.get_scoped(OpinionEvent.objects.select_related("org"), user, pk=pk)


def staff_missed_events(user: Any, now: dt.datetime) -> list[tuple[OpinionEvent, list[ClockRow]]]:
    qs = permissions.scope(
        OpinionEvent.objects.select_related("org").prefetch_related("responses"), user
    ).filter(detected_at__gte=now - dt.timedelta(days=90))
    out = []
    for e in qs:
        rows = clocks(e, list(e.responses.all()), now)
        if any(r.met is False for r in rows):
            out.append((e, rows))
    return out


# =============================================================================================
# 新闻发布会 and 在线访谈


def public_press_one(pk: int) -> PressConference | None:
    return public_press().filter(pk=pk).first()


def press_documents(pc: PressConference) -> list[Document]:
    return press_documents_many([pc]).get(pc.pk, [])


def press_documents_many(rows: list[PressConference]) -> dict[int, list[Document]]:
    """The public documents presented at each conference (two queries for a page)."""
    through = PressConference.documents.through
    pairs = list(
        through.objects.filter(pressconference__in=rows).values_list(
            "pressconference_id", "document_id"
        )
    )
    public = {d.pk: d for d in public_documents().filter(pk__in={d for _, d in pairs})}
    out: dict[int, list[Document]] = {}
    for pid, did in pairs:
        if did in public:
            out.setdefault(pid, []).append(public[did])
    return out


def quarter_of(at: dt.datetime) -> int:
    from django.utils import timezone

    return (timezone.localtime(at).month - 1) // 3 + 1


def quarterly(year: int) -> list[dict[str, Any]]:
    """Published conferences per organisation and quarter against the configured target
    (spec §5, 100号: at least one a quarter for bodies close to the economy and 民生)."""
    from gongkai.organizations.models import Organization

    targets: dict[str, int] = conf.get("PRESS_QUARTERLY_TARGETS")
    default = int(conf.get("PRESS_QUARTERLY_TARGET_DEFAULT"))
    counts: dict[tuple[int, int], int] = {}
    for org_id, held_at in public_press(year).values_list("org_id", "held_at"):
        key = (org_id, quarter_of(held_at))
        counts[key] = counts.get(key, 0) + 1
    orgs = Organization.objects.filter(Q(pk__in={k[0] for k in counts}) | Q(code__in=targets))
    if default:
        orgs = Organization.objects.filter(is_active=True)
    rows = []
    for org in orgs.order_by("code"):
        target = int(targets.get(org.code, default))
        for quarter in (1, 2, 3, 4):
            rows.append({"org": org.name, "org_code": org.code, "quarter": quarter,
                         "count": counts.get((org.pk, quarter), 0), "target": target})  # fmt: skip
    return rows


def public_interview(pk: int) -> Interview | None:
    return public_interviews().filter(pk=pk).first()


def followup_due_on(iv: Interview) -> dt.date | None:
    """Questions not answered live: within N working days after the interview (spec §6)."""
    from django.utils import timezone

    try:
        return work_calendar().add_working_days(
            timezone.localtime(iv.ends_at).date(), int(conf.get("INTERVIEW_FOLLOWUP_WORKDAYS"))
        )
    except UnknownYear:
        return None


# =============================================================================================
# the daily check


def overdue_by_org(today: dt.date, now: dt.datetime) -> dict[int, dict[str, int]]:
    """Per organisation: overdue tasks (by lead, else the plan's org), unanswered 建议提案 past
    their deadline, findings past 整改期限 without rectification, missed opinion clocks."""
    per_org: dict[int, dict[str, int]] = {}

    def bump(org_id: int | None, key: str) -> None:
        if org_id is not None:
            row = per_org.setdefault(
                org_id, {"tasks": 0, "proposals": 0, "findings": 0, "events": 0}
            )
            row[key] += 1

    for lead_id, plan_org in Task.objects.filter(overdue_q(today)).values_list(
        "lead_org_id", "plan__org_id"
    ):
        bump(lead_id or plan_org, "tasks")
    for lead_id in Proposal.objects.filter(proposal_overdue_q(today)).values_list(
        "lead_unit_id", flat=True
    ):
        bump(lead_id, "proposals")
    for f in Finding.objects.filter(rectify_due_on__lt=today).select_related("inspection"):
        if finding_overdue(f, today):
            bump(f.inspection.org_id, "findings")
    for e, _rows in staff_missed_events(permissions.SYSTEM, now):
        bump(e.org_id, "events")
    return per_org
