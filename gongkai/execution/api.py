"""API of execution disclosure (mounted under /api/v1/ by gongkai/api.py), spec response.md.

Public reads (no token), all through the public selectors, which apply visibility:
GET /tasks, /inspections, /proposals, /proposals/overview, /opinion-responses,
/press-conferences, /press-conferences/quarterly, /interviews.
Never in them: proposers' contact data, 不公开 or unpublished replies, unconcluded 督查 and working
notes, events without a response and internal notes.

Staff writes with a personal token (scope and role from `accounts/permissions.py`):
POST /staff/proposals/{id}/reply, /staff/proposals/{id}/extension, /staff/tasks/{id}/reports,
/staff/opinion-events/{id}/responses; GET /staff/inspections (drafts included).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from gongkai.accounts.api import token_auth
from gongkai.accounts.backends import client_ip
from gongkai.applications.clock import work_calendar
from gongkai.lib.bounds import PageNo

from . import selectors, services
from .models import Inspection, Interview, OpinionEvent, PressConference, Proposal, Task

router = Router(tags=["执行公开与回应关切"])

MAX_PAGE_SIZE = 100


class Page(Schema):
    page: PageNo = 1
    size: int = 20


def _slice(qs: Any, p: Page) -> tuple[int, Any]:
    size = min(max(p.size, 1), MAX_PAGE_SIZE)
    return qs.count(), list(qs[(p.page - 1) * size : p.page * size])


def _year(value: int | None) -> int | None:
    return value if value is not None and 1900 <= value <= 2999 else None


# --- tasks -----------------------------------------------------------------------------------


class ReportOut(Schema):
    on: dt.date
    org: str
    text: str


class TaskOut(Schema):
    id: int
    plan: str
    category: str | None
    number: int
    title: str
    lead_org: str | None
    co_orgs: list[str]
    due_on: dt.date | None
    completed_on: dt.date | None
    status: str
    status_code: str
    overdue: bool
    late: bool
    reports: list[ReportOut]
    url: str


class TaskList(Schema):
    count: int
    items: list[TaskOut]


class TaskFilters(Page):
    year: int | None = None
    org: str = ""
    overdue: bool | None = None


def task_out(t: Task, today: dt.date) -> dict[str, Any]:
    return {
        "id": t.pk, "plan": t.plan.title, "category": t.category.name if t.category else None,
        "number": t.number, "title": t.title,
        "lead_org": t.lead_org.name if t.lead_org else None,
        "co_orgs": [o.name for o in t.co_orgs.all()], "due_on": t.due_on,
        "completed_on": t.completed_on, "status": t.get_status_display(), "status_code": t.status,
        "overdue": selectors.is_overdue(t, today), "late": selectors.is_late(t),
        "reports": [{"on": r.on, "org": r.org.name, "text": r.text} for r in t.reports.all()],
        "url": f"/execution/tasks/{t.pk}/",
    }  # fmt: skip


@router.get("/tasks", response=TaskList, summary="重点工作任务及其进展（逾期为计算所得）")
def tasks(request: HttpRequest, f: Query[TaskFilters]) -> dict[str, Any]:
    today = timezone.localdate()
    qs = selectors.public_tasks(year=_year(f.year), org=f.org, overdue=f.overdue, today=today)
    total, rows = _slice(qs, f)
    return {"count": total, "items": [task_out(t, today) for t in rows]}


# --- inspections -----------------------------------------------------------------------------


class FindingOut(Schema):
    matter: str
    responsible: str
    facts: str
    requirement: str
    rectify_due_on: dt.date | None
    rectification: str
    rectified_on: dt.date | None
    overdue: bool


class AccountabilityOut(Schema):
    subject: str
    basis: str
    action: str


class InspectionOut(Schema):
    id: int
    title: str
    org: str
    concluded_on: dt.date | None
    findings: list[FindingOut]
    accountability: list[AccountabilityOut]


class InspectionList(Schema):
    count: int
    items: list[InspectionOut]


def inspection_out(i: Inspection, today: dt.date) -> dict[str, Any]:
    return {
        "id": i.pk, "title": i.title, "org": i.org.name, "concluded_on": i.concluded_on,
        "findings": [{
            "matter": f.matter, "responsible": f.responsible, "facts": f.facts,
            "requirement": f.requirement, "rectify_due_on": f.rectify_due_on,
            "rectification": f.rectification, "rectified_on": f.rectified_on,
            "overdue": selectors.finding_overdue(f, today)} for f in i.findings.all()],
        "accountability": [{"subject": a.subject, "basis": a.basis, "action": a.action}
                           for a in i.accountability.all()],
    }  # fmt: skip


@router.get(
    "/inspections", response=InspectionList, summary="督查发现问题、整改与问责（已作出结论的）"
)
def inspections(request: HttpRequest, p: Query[Page]) -> dict[str, Any]:
    today = timezone.localdate()
    total, rows = _slice(selectors.public_inspections(), p)
    return {"count": total, "items": [inspection_out(i, today) for i in rows]}


# --- proposals -------------------------------------------------------------------------------


class ReplyOut(Schema):
    id: int
    title: str
    index_no: str | None
    text: str
    url: str


class ProposalOut(Schema):
    id: int
    kind: str
    kind_code: str
    meeting: str
    number: str
    title: str
    proposers: list[str]
    lead_unit: str
    co_units: list[str]
    assigned_on: dt.date
    due_on: dt.date
    extended_to: dt.date | None
    replied_on: dt.date | None
    overdue: bool
    grade: str | None
    disclosure_code: str | None
    reply: ReplyOut | None
    published_on: dt.date | None
    publish_due_on: dt.date | None
    published_late: bool
    satisfaction: str | None
    url: str


class ProposalList(Schema):
    count: int
    items: list[ProposalOut]


class ProposalFilters(Page):
    year: int | None = None
    kind: str = ""


def proposal_out(
    p: Proposal, replies: dict[int, Any], today: dt.date, cal: Any = None
) -> dict[str, Any]:
    from gongkai.lib.richtext import html_to_text

    doc = replies.get(p.pk)
    publish_due = selectors.publish_due_on(p, cal)
    return {
        "id": p.pk, "kind": p.get_kind_display(), "kind_code": p.kind, "meeting": p.meeting,
        "number": p.number, "title": p.title, "proposers": [x.name for x in p.proposers.all()],
        "lead_unit": p.lead_unit.name, "co_units": [u.name for u in p.co_units.all()],
        "assigned_on": p.assigned_on, "due_on": p.due_on, "extended_to": p.extended_to,
        "replied_on": p.replied_on, "overdue": selectors.proposal_overdue(p, today),
        "grade": p.grade or None, "disclosure_code": p.disclosure or None,
        "reply": None if doc is None else {
            "id": doc.pk, "title": doc.title, "index_no": doc.index_no,
            "text": html_to_text(doc.public_body()), "url": f"/documents/{doc.pk}/"},
        "published_on": doc.published_on if doc else None, "publish_due_on": publish_due,
        "published_late": bool(doc and publish_due and doc.published_on
                               and doc.published_on > publish_due),
        "satisfaction": p.get_satisfaction_display() if p.satisfaction else None,
        "url": f"/proposals/{p.pk}/",
    }  # fmt: skip


@router.get("/proposals", response=ProposalList, summary="建议提案办理结果")
def proposals(request: HttpRequest, f: Query[ProposalFilters]) -> dict[str, Any]:
    today = timezone.localdate()
    kind = f.kind if f.kind in Proposal.Kind.values else ("-" if f.kind else "")
    total, rows = _slice(selectors.public_proposals(year=_year(f.year), kind=kind), f)
    replies = selectors.public_replies(rows)
    cal = work_calendar()
    return {"count": total, "items": [proposal_out(p, replies, today, cal) for p in rows]}


class OverviewOut(Schema):
    year: int
    total: int
    by_kind: dict[str, int]
    answered: int
    grades: dict[str, int]
    satisfied: int
    lead_units: int


class YearIn(Schema):
    year: int | None = None


@router.get(
    "/proposals/overview", response=OverviewOut, summary="建议提案年度办理情况（由记录计算）"
)
def proposals_overview(request: HttpRequest, q: Query[YearIn]) -> dict[str, Any]:
    year = _year(q.year) or timezone.localdate().year
    return selectors.overview(year)


# --- opinion responses -----------------------------------------------------------------------


class ClockOut(Schema):
    kind: str
    hours: int
    due_at: dt.datetime
    done_at: dt.datetime | None
    met: bool | None


class ResponseOut(Schema):
    form: str
    form_code: str
    at: dt.datetime
    text: str


class RelatedOut(Schema):
    id: int
    title: str
    index_no: str | None


class EventOut(Schema):
    id: int
    title: str
    level: str
    level_code: str
    org: str
    detected_at: dt.datetime
    clocks: list[ClockOut]
    responses: list[ResponseOut]
    related: list[RelatedOut]
    url: str


class EventList(Schema):
    count: int
    items: list[EventOut]


def _local(at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at)  # ISO with +08:00, as the public reads it


def event_out(e: OpinionEvent, related: dict[int, list[Any]], now: dt.datetime) -> dict[str, Any]:
    responses = list(e.responses.all())
    docs: dict[int, Any] = {}
    for r in responses:
        for d in related.get(r.pk, []):
            docs[d.pk] = d
    return {
        "id": e.pk, "title": e.title, "level": e.get_level_display(), "level_code": e.level,
        "org": e.org.name, "detected_at": _local(e.detected_at),
        "clocks": [{"kind": c.kind, "hours": c.hours, "due_at": _local(c.due_at),
                    "done_at": _local(c.done_at) if c.done_at else None, "met": c.met}
                   for c in selectors.clocks(e, responses, now)],
        "responses": [{"form": r.get_form_display(), "form_code": r.form, "at": _local(r.at),
                       "text": r.text} for r in responses],
        "related": [{"id": d.pk, "title": d.title, "index_no": d.index_no} for d in docs.values()],
        "url": f"/response/{e.pk}/",
    }  # fmt: skip


@router.get("/opinion-responses", response=EventList, summary="政务舆情回应及其时限")
def opinion_responses(request: HttpRequest, p: Query[Page]) -> dict[str, Any]:
    now = timezone.now()
    total, rows = _slice(selectors.public_events(), p)
    related = selectors.public_related([r for e in rows for r in e.responses.all()])
    return {"count": total, "items": [event_out(e, related, now) for e in rows]}


# --- press conferences and interviews --------------------------------------------------------


class PressOut(Schema):
    id: int
    title: str
    org: str
    held_at: dt.datetime
    speakers: list[str]
    transcript: str
    video_url: str
    photos: list[str]
    documents: list[RelatedOut]
    url: str


class PressList(Schema):
    count: int
    items: list[PressOut]


class PressFilters(Page):
    year: int | None = None


def press_out(pc: PressConference, docs: dict[int, list[Any]]) -> dict[str, Any]:
    return {
        "id": pc.pk, "title": pc.title, "org": pc.org.name, "held_at": _local(pc.held_at),
        "speakers": pc.speakers.splitlines(), "transcript": pc.transcript,
        "video_url": pc.video_url, "photos": pc.photos.splitlines(),
        "documents": [{"id": d.pk, "title": d.title, "index_no": d.index_no}
                      for d in docs.get(pc.pk, [])],
        "url": f"/press/{pc.pk}/",
    }  # fmt: skip


@router.get("/press-conferences", response=PressList, summary="新闻发布会（已发布的）")
def press_conferences(request: HttpRequest, f: Query[PressFilters]) -> dict[str, Any]:
    total, rows = _slice(selectors.public_press(_year(f.year)), f)
    docs = selectors.press_documents_many(rows)
    return {"count": total, "items": [press_out(pc, docs) for pc in rows]}


class QuarterOut(Schema):
    org: str
    quarter: int
    count: int
    target: int


class QuarterList(Schema):
    count: int
    items: list[QuarterOut]


@router.get(
    "/press-conferences/quarterly", response=QuarterList, summary="各机构每季度发布会场次与目标"
)
def press_quarterly(request: HttpRequest, q: Query[YearIn]) -> dict[str, Any]:
    rows = selectors.quarterly(_year(q.year) or timezone.localdate().year)
    return {"count": len(rows), "items": rows}


class QuestionOut(Schema):
    question: str
    answer: str
    answered_live: bool
    answered_on: dt.date | None
    due_on: dt.date | None


class InterviewOut(Schema):
    id: int
    title: str
    org: str
    announced_at: dt.datetime
    starts_at: dt.datetime
    ends_at: dt.datetime
    guests: list[str]
    transcript: str
    questions: list[QuestionOut]
    url: str


class InterviewList(Schema):
    count: int
    items: list[InterviewOut]


def interview_out(iv: Interview) -> dict[str, Any]:
    due = selectors.followup_due_on(iv)
    return {
        "id": iv.pk, "title": iv.title, "org": iv.org.name,
        "announced_at": _local(iv.announced_at), "starts_at": _local(iv.starts_at),
        "ends_at": _local(iv.ends_at), "guests": iv.guests.splitlines(),
        "transcript": iv.transcript,
        "questions": [{"question": q.question, "answer": q.answer, "answered_live": q.answered_live,
                       "answered_on": q.answered_on, "due_on": None if q.answered_live else due}
                      for q in iv.public_questions],  # type: ignore[attr-defined]
        "url": f"/interviews/{iv.pk}/",
    }  # fmt: skip


@router.get(
    "/interviews", response=InterviewList, summary="在线访谈（经审核的网民提问，不含提问人）"
)
def interviews(request: HttpRequest, p: Query[Page]) -> dict[str, Any]:
    total, rows = _slice(selectors.public_interviews(), p)
    return {"count": total, "items": [interview_out(iv) for iv in rows]}


# --- staff -----------------------------------------------------------------------------------


class ReplyIn(Schema):
    replied_on: dt.date
    grade: str
    disclosure: str
    text: str
    reason: str = ""


class StaffProposalOut(ProposalOut):
    reply_document_id: int | None
    reply_document_status: str | None
    disclosure_reason: str


def _staff_proposal(p: Proposal) -> dict[str, Any]:
    today = timezone.localdate()
    p = selectors.public_proposals().get(pk=p.pk)
    out = proposal_out(p, selectors.public_replies([p]), today)
    doc = p.reply_document
    out.update({"reply_document_id": p.reply_document_id,
                "reply_document_status": doc.status if doc else None,
                "disclosure_reason": p.disclosure_reason})  # fmt: skip
    return out


_TOKEN: dict[str, Any] = {"auth": token_auth}


@router.post("/staff/proposals/{int:proposal_id}/reply", response=StaffProposalOut,
             summary="答复建议提案（复文提交审核）", **_TOKEN)  # fmt: skip
def reply(request: HttpRequest, proposal_id: int, payload: ReplyIn) -> dict[str, Any]:
    p = selectors.staff_proposal(request.user, proposal_id)
    services.reply(p, by=request.user, ip=client_ip(request), **payload.dict())
    return _staff_proposal(p)


class ExtensionIn(Schema):
    to: dt.date
    reason: str


@router.post("/staff/proposals/{int:proposal_id}/extension", response=StaffProposalOut,
             summary="延期办理（经交办机关同意）", **_TOKEN)  # fmt: skip
def extension(request: HttpRequest, proposal_id: int, payload: ExtensionIn) -> dict[str, Any]:
    p = selectors.staff_proposal(request.user, proposal_id)
    services.extend(p, by=request.user, to=payload.to, reason=payload.reason)
    return _staff_proposal(p)


class ReportIn(Schema):
    on: dt.date
    text: str


class StaffTaskOut(TaskOut):
    plan_status: str


@router.post("/staff/tasks/{int:task_id}/reports", response={201: StaffTaskOut},
             summary="报送任务进展", **_TOKEN)  # fmt: skip
def add_report(request: HttpRequest, task_id: int, payload: ReportIn) -> Status[dict[str, Any]]:
    task = selectors.staff_task(request.user, task_id)
    services.add_report(task, by=request.user, on=payload.on, text=payload.text)
    task = Task.objects.select_related("plan", "category", "lead_org").get(pk=task.pk)
    return Status(201, {**task_out(task, timezone.localdate()), "plan_status": task.plan.status})


class ResponseIn(Schema):
    form: str
    at: dt.datetime
    text: str


class StaffEventOut(EventOut):
    internal_notes: str


@router.post("/staff/opinion-events/{int:event_id}/responses", response={201: StaffEventOut},
             summary="登记舆情回应", **_TOKEN)  # fmt: skip
def add_response(
    request: HttpRequest, event_id: int, payload: ResponseIn
) -> Status[dict[str, Any]]:
    from django.core.exceptions import ValidationError

    event = selectors.staff_event(request.user, event_id)
    at = payload.at
    if timezone.is_naive(at):
        raise ValidationError({"at": "回应时间须带时区，如 2026-10-01T09:00:00+08:00"})
    services.respond(event, by=request.user, form=payload.form, at=at, text=payload.text,
                     ip=client_ip(request))  # fmt: skip
    event = selectors.staff_event(request.user, event_id)
    related = selectors.public_related(list(event.responses.all()))
    return Status(
        201, {**event_out(event, related, timezone.now()), "internal_notes": event.internal_notes}
    )


class StaffInspectionOut(InspectionOut):
    working_notes: str
    status: str


class StaffInspectionList(Schema):
    count: int
    items: list[StaffInspectionOut]


@router.get("/staff/inspections", response=StaffInspectionList,
            summary="本机构的督查（含未作结论的）", **_TOKEN)  # fmt: skip
def staff_inspections(request: HttpRequest, p: Query[Page]) -> dict[str, Any]:
    today = timezone.localdate()
    total, rows = _slice(selectors.staff_inspections(request.user), p)
    return {"count": total, "items": [
        {**inspection_out(i, today), "working_notes": i.working_notes,
         "status": "已作结论" if i.concluded_on else "未作结论（不公开）"} for i in rows]}  # fmt: skip
