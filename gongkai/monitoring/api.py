"""API of the website self-inspection (issue 23), mounted under /api/v1/ by gongkai/api.py.

Public (no token):
  POST /corrections              我要纠错: {page_url, kind, description, contact} → 201 with the
                                 tracking number and query code (shown once); rate-limited (429).
  POST /corrections/progress     {tracking_no, code} → the report's state and reply; a wrong code
                                 answers 404 like a missing one. The contact is never returned.
  GET  /site-reports/{year}      the 政府网站工作年度报表, only once published.
Staff (token, scoped by accounts/permissions.py; a foreign organisation's rows are 404):
  GET|POST /staff/monitoring/columns, DELETE /staff/monitoring/columns/{id},
  GET /staff/monitoring/corrections, POST /staff/monitoring/corrections/{id}/acknowledge|answer,
  POST /staff/letters (a letter by post, phone or 12345, accepted at once),
  GET /staff/monitoring/assessment?year= and …/assessment/{kpi}/items?year= (whole-site figures:
  the platform administrator and the top organisation's admins; others 404).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from gongkai.accounts import permissions
from gongkai.accounts.api import token_auth
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action, NotFound
from gongkai.accounts.throttle import rate_limited
from gongkai.lib.apierrors import ErrorOut
from gongkai.lib.bounds import PageNo
from gongkai.organizations.models import Organization

from . import assessment, conf, selectors, services
from .models import Column, Correction

router = Router(tags=["网站监测"])
MAX_PAGE_SIZE = 100


class Page(Schema):
    page: PageNo = 1
    size: int = 20


def _slice(qs: Any, p: Page) -> tuple[int, Any]:
    size = min(max(p.size, 1), MAX_PAGE_SIZE)
    return qs.count(), qs[(p.page - 1) * size : p.page * size]


# --- public -----------------------------------------------------------------------------------


class CorrectionIn(Schema):
    page_url: str
    kind: str
    description: str
    contact: str = ""


class CorrectionCreated(Schema):
    tracking_no: str
    query_code: str
    acknowledge_due_on: dt.date | None
    answer_due_on: dt.date | None


@router.post("/corrections", response={201: CorrectionCreated, 429: ErrorOut},
             summary="我要纠错：提交")  # fmt: skip
def submit_correction(request: HttpRequest, payload: CorrectionIn) -> Status[dict[str, Any]]:
    if rate_limited(request, "correction", conf.correction_limit(), 3600):
        raise HttpError(429, "提交过于频繁，请稍后再试")
    c, code = services.submit_correction(payload.dict(), ip=client_ip(request),
                                         request_host=request.get_host())  # fmt: skip
    return Status(201, {"tracking_no": c.tracking_no, "query_code": code,
                        "acknowledge_due_on": c.acknowledge_due_on,
                        "answer_due_on": c.answer_due_on})  # fmt: skip


class ProgressIn(Schema):
    tracking_no: str
    code: str


class CorrectionProgress(Schema):
    tracking_no: str
    kind: str
    status: str
    status_label: str
    submitted_on: dt.date
    acknowledge_due_on: dt.date | None
    answer_due_on: dt.date | None
    acknowledged_on: dt.date | None
    answered_on: dt.date | None
    reply: str


def _progress(c: Correction) -> dict[str, Any]:
    return {"tracking_no": c.tracking_no, "kind": c.get_kind_display(), "status": c.status,
            "status_label": c.get_status_display(), "submitted_on": c.submitted_on,
            "acknowledge_due_on": c.acknowledge_due_on, "answer_due_on": c.answer_due_on,
            "acknowledged_on": c.acknowledged_on, "answered_on": c.answered_on,
            "reply": c.reply}  # fmt: skip


@router.post("/corrections/progress", response={200: CorrectionProgress, 404: ErrorOut,
                                                 429: ErrorOut}, summary="我要纠错：查询办理进度")  # fmt: skip
def correction_progress(request: HttpRequest, payload: ProgressIn) -> dict[str, Any]:
    if rate_limited(request, "correction-query", 20, 600):
        raise HttpError(429, "查询过于频繁，请稍后再试")
    c = selectors.find_correction(payload.tracking_no, payload.code)
    if c is None:
        raise NotFound("未找到该纠错：编号或查询码不正确")
    return _progress(c)


class FieldOut(Schema):
    name: str
    value: Any = None
    unit: str
    source: str


class SectionOut(Schema):
    name: str
    fields: list[FieldOut]


class SiteReportOut(Schema):
    year: int
    published_on: dt.date | None
    sections: list[SectionOut]


@router.get("/site-reports/{int:year}", response=SiteReportOut, summary="政府网站工作年度报表")
def site_report(request: HttpRequest, year: int) -> dict[str, Any]:
    report = selectors.public_site_report(year)
    if report is None:
        raise NotFound(f"{year} 年度报表尚未发布")
    return selectors.yearly(year, report, computed=report.computed)


# --- staff ------------------------------------------------------------------------------------


class ColumnIn(Schema):
    name: str
    org: str
    kind: str
    first_level: bool = False
    on_homepage: bool = False
    source: str = ""
    categories: list[str] = []
    mailbox: str | None = None
    url: str = ""
    period_days: int | None = None


class ColumnOut(Schema):
    id: int
    name: str
    org: str
    kind: str
    first_level: bool
    on_homepage: bool
    source: str
    categories: list[str]
    mailbox: str | None
    url: str
    period_days: int | None
    effective_period_days: int | None


class ColumnList(Schema):
    count: int
    items: list[ColumnOut]


def _column(c: Column) -> dict[str, Any]:
    return {"id": c.pk, "name": c.name, "org": c.org.code, "kind": c.kind,
            "first_level": c.first_level, "on_homepage": c.on_homepage, "source": c.source,
            "categories": sorted(x.code for x in c.categories.all()),
            "mailbox": c.mailbox.code if c.mailbox is not None else None, "url": c.url,
            "period_days": c.period_days, "effective_period_days": c.effective_period}  # fmt: skip


@router.get("/staff/monitoring/columns", response=ColumnList, auth=token_auth,
            summary="栏目（本机构）")  # fmt: skip
def list_columns(request: HttpRequest, p: Query[Page]) -> dict[str, Any]:
    qs = selectors.staff_columns(request.user).prefetch_related("categories")
    total, rows = _slice(qs, p)
    return {"count": total, "items": [_column(c) for c in rows]}


@router.post("/staff/monitoring/columns", response={201: ColumnOut, 403: ErrorOut, 404: ErrorOut},
             auth=token_auth, summary="新增栏目")  # fmt: skip
def create_column(request: HttpRequest, payload: ColumnIn) -> Status[dict[str, Any]]:
    org = Organization.objects.filter(code=payload.org).first()
    if org is None or not permissions.can(request.user, Action.VIEW, org.pk):
        raise ValidationError({"org": f"未知的机构“{payload.org}”"})
    data = payload.dict()
    if not data["source"]:
        data.pop("source")
    column = services.create_column(by=request.user, data=data, ip=client_ip(request))
    return Status(201, _column(column))


@router.delete("/staff/monitoring/columns/{int:column_id}", response={204: None, 403: ErrorOut},
               auth=token_auth, summary="删除栏目")  # fmt: skip
def delete_column(request: HttpRequest, column_id: int) -> Status[None]:
    column = permissions.get_scoped(Column.objects.all(), request.user, Action.VIEW, pk=column_id)
    services.delete_column(column, by=request.user, ip=client_ip(request))
    return Status(204, None)


class StaffCorrectionOut(CorrectionProgress):
    id: int
    org: str
    page_url: str
    description: str
    contact: str
    overdue: bool


class StaffCorrectionList(Schema):
    count: int
    items: list[StaffCorrectionOut]


def _staff_correction(c: Correction) -> dict[str, Any]:
    return {**_progress(c), "id": c.pk, "org": c.org.code, "page_url": c.page_url,
            "description": c.description, "contact": c.contact,
            "overdue": selectors.correction_overdue(c)}  # fmt: skip


@router.get("/staff/monitoring/corrections", response=StaffCorrectionList, auth=token_auth,
            summary="纠错（本机构）")  # fmt: skip
def list_corrections(request: HttpRequest, p: Query[Page]) -> dict[str, Any]:
    total, rows = _slice(selectors.staff_corrections(request.user), p)
    return {"count": total, "items": [_staff_correction(c) for c in rows]}


class AnswerIn(Schema):
    reply: str


_ACT: dict[str, Any] = {"response": {200: StaffCorrectionOut, 403: ErrorOut, 409: ErrorOut},
                        "auth": token_auth}  # fmt: skip


@router.post("/staff/monitoring/corrections/{int:correction_id}/acknowledge",
             summary="确认纠错（1 个工作日内）", **_ACT)  # fmt: skip
def acknowledge(request: HttpRequest, correction_id: int) -> dict[str, Any]:
    c = selectors.staff_correction(request.user, correction_id)
    return _staff_correction(services.acknowledge_correction(c, by=request.user,
                                                             ip=client_ip(request)))  # fmt: skip


@router.post("/staff/monitoring/corrections/{int:correction_id}/answer",
             summary="答复纠错（3 个工作日内）", **_ACT)  # fmt: skip
def answer(request: HttpRequest, correction_id: int, payload: AnswerIn) -> dict[str, Any]:
    c = selectors.staff_correction(request.user, correction_id)
    done = services.answer_correction(c, by=request.user, reply=payload.reply,
                                      ip=client_ip(request))  # fmt: skip
    return _staff_correction(done)


class LetterIn(Schema):
    mailbox: str
    kind: str
    subject: str
    content: str
    name: str
    phone: str = ""
    email: str = ""
    channel: str
    submitted_on: dt.date


class LetterRegistered(Schema):
    id: int
    tracking_no: str


@router.post("/staff/letters", response={201: LetterRegistered, 403: ErrorOut}, auth=token_auth,
             summary="登记信件、电话、12345 来信（即时受理）", tags=["公众参与"])  # fmt: skip
def register_letter(request: HttpRequest, payload: LetterIn) -> Status[dict[str, Any]]:
    from gongkai.participation.models import Mailbox

    box = Mailbox.objects.filter(code=payload.mailbox).first()
    if box is None or not permissions.can(request.user, Action.VIEW, box.org_id):
        raise ValidationError({"mailbox": f"未知的信箱“{payload.mailbox}”"})
    data = payload.dict(exclude={"mailbox", "channel", "submitted_on"})
    letter = services.register_letter(by=request.user, mailbox=box, data=data,
                                      channel=payload.channel, submitted_on=payload.submitted_on,
                                      ip=client_ip(request))  # fmt: skip
    return Status(201, {"id": letter.pk, "tracking_no": letter.tracking_no})


# --- assessment (考核) -------------------------------------------------------------------------


class KpiOut(Schema):
    code: str
    name: str
    value: float | None
    unit: str
    target: float | None
    met: bool | None
    rule: str
    source: str
    items_count: int
    drilldown: str


class FamilyOut(Schema):
    code: str
    name: str
    kpis: list[KpiOut]


class AssessmentOut(Schema):
    year: int
    families: list[FamilyOut]


class YearIn(Schema):
    year: int = Field(default_factory=lambda: timezone.localdate().year, ge=2000, le=2100)


def _whole_site(request: HttpRequest) -> None:
    if not selectors.sees_whole_site(request.user):
        raise NotFound("未找到")  # the assessment covers every organisation


@router.get("/staff/monitoring/assessment", response={200: AssessmentOut, 404: ErrorOut},
            auth=token_auth, summary="考核指标（五个方面）")  # fmt: skip
def assessment_families(request: HttpRequest, q: Query[YearIn]) -> dict[str, Any]:
    _whole_site(request)
    return assessment.families(q.year, timezone.localdate())


class KpiItems(Schema):
    count: int
    items: list[dict[str, Any]]


@router.get("/staff/monitoring/assessment/{kpi}/items", response=KpiItems, auth=token_auth,
            summary="考核指标明细（佐证）")  # fmt: skip
def assessment_items(request: HttpRequest, kpi: str, q: Query[YearIn]) -> dict[str, Any]:
    _whole_site(request)
    found = assessment.kpi(kpi, q.year, timezone.localdate())
    if found is None:
        raise NotFound(f"没有指标“{kpi}”")
    return {"count": len(found.items), "items": found.items}
