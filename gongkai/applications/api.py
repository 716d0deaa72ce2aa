"""API of 依申请公开 (mounted under /api/v1/ by gongkai/api.py).

Public: POST /applications/progress (tracking number + query code in the body, never in the URL;
a wrong code answers 404 like a missing case; rate-limited) and GET /annual-reports/{org}/{year}
(the annual report: counts, and the staff-written part only once published). Staff, with a
token: register a case, read the cases of their organisations (personal data masked for roles
that do not handle cases), and every lifecycle step, each calling the same service as the back
office.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from gongkai.accounts.api import token_auth
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import NotFound
from gongkai.accounts.throttle import rate_limited
from gongkai.lib.apierrors import ErrorOut
from gongkai.lib.bounds import Offset, Size
from gongkai.organizations.models import Organization

from . import clock, selectors, services
from .guard import FIRST_REPORT_YEAR
from .models import Application, ApplicationEvent

router = Router(tags=["依申请公开"])


# --- public ----------------------------------------------------------------------------------


class ProgressIn(Schema):
    tracking_no: str
    code: str


class NoticeOut(Schema):
    on: dt.date
    label: str
    text: str


class LetterOut(Schema):
    seq: int
    title: str
    on: dt.date | None
    paragraphs: list[str]


class ProgressOut(Schema):
    tracking_no: str
    org: str
    status: str
    status_label: str
    submitted_on: dt.date
    received_on: dt.date | None
    due_date: dt.date | None
    paused: bool
    closed_on: dt.date | None
    disposition: str
    clock_note: str
    due_provisional: bool
    due_basis: str
    notices: list[NoticeOut]
    letters: list[LetterOut]


@router.post(
    "/applications/progress", response={200: ProgressOut, 404: ErrorOut, 429: ErrorOut},
    summary="查询申请办理进度",
)  # fmt: skip
def application_progress(request: HttpRequest, payload: ProgressIn) -> dict[str, Any]:
    limit = int(getattr(settings, "GONGKAI_APPLICATION_LOOKUP_LIMIT", 20))
    if rate_limited(request, "progress", limit, 600):
        raise HttpError(429, "查询过于频繁，请稍后再试")
    found = selectors.progress(payload.tracking_no, payload.code)
    if found is None:
        raise NotFound("未找到该申请：申请编号或查询码不正确")
    return found.as_dict()


@router.get(
    "/annual-reports/{org_code}/{int:year}", summary="政府信息公开工作年度报告（第一至六部分）"
)
def annual_report(request: HttpRequest, org_code: str, year: int) -> dict[str, Any]:
    from django.utils import timezone

    org = selectors.active_org(org_code)
    if org is None or not FIRST_REPORT_YEAR <= year <= timezone.localdate().year:
        raise NotFound("没有该机关或该年度的年度报告")
    return selectors.annual_report(org, year)


class WorkingDayOut(Schema):
    date: dt.date
    provisional: bool  # counted into a year without a confirmed schedule (暂定)
    earliest: dt.date  # earliest plausible date (= date when confirmed)
    basis: str  # the 暂定 note, "" when confirmed


MAX_WORKING_DAYS = 1000


@router.get(
    "/calendar/add-working-days", response={200: WorkingDayOut, 409: ErrorOut}, tags=["工作日"],
    summary="工作日推算：start 之后第 days 个工作日（第1天为 start 之后的第一个工作日）",
)  # fmt: skip
def add_working_days(request: HttpRequest, start: str = "", days: str = "") -> dict[str, Any]:
    """The one function all due dates use (`clock.work_calendar`): statutory holidays and make-up
    working days (调休) of the State Council schedules. A year without a confirmed schedule is
    counted on the statutory-holiday model and answered `provisional` with its earliest plausible
    date; before 2004 or after 2099 is 409."""
    from django.core.exceptions import ValidationError

    from gongkai.lib.errors import Conflict
    from gongkai.lib.workdays import UnknownYear

    errors: dict[str, str] = {}
    try:
        begin = dt.date.fromisoformat(start.strip())
    except ValueError:
        errors["start"] = "start 应为日期，格式 YYYY-MM-DD，如 2026-09-30"
    n = days.strip()
    if not n.isdigit() or int(n) > MAX_WORKING_DAYS:
        errors["days"] = f"days 应为 0 至 {MAX_WORKING_DAYS} 之间的整数（工作日数）"
    if errors:
        raise ValidationError(errors)
    try:
        due = clock.work_calendar().due(begin, int(n))
    except (UnknownYear, OverflowError) as e:
        raise Conflict(str(e) if isinstance(e, UnknownYear) else "日期超出可计算的范围") from e
    return {"date": due.date, "provisional": due.provisional, "earliest": due.earliest,
            "basis": due.basis}  # fmt: skip


# --- staff -----------------------------------------------------------------------------------


class ApplicantIn(Schema):
    applicant_type: str
    name: str
    id_type: str
    id_number: str
    legal_rep: str = ""
    contact_person: str = ""
    phone: str
    email: str = ""
    address: str = ""
    postcode: str = ""
    description: str
    purpose: str = ""
    form: str
    delivery: str


class RegisterIn(Schema):
    org: str
    channel: str
    submitted_on: dt.date
    signed_for_on: dt.date | None = None
    confirmed_on: dt.date | None = None
    applicant: ApplicantIn


class EventOut(Schema):
    seq: int
    kind: str
    label: str
    on: dt.date
    days: int | None
    deadline: dt.date | None
    approver: str
    amount: Decimal | None
    disposition: str
    notice: str
    internal_note: str

    @staticmethod
    def resolve_label(obj: ApplicationEvent) -> str:
        return obj.get_kind_display()


class StaffApplicationOut(Schema):
    id: int
    tracking_no: str
    org: str
    applicant_type: str
    applicant: dict[str, str]
    description: str
    form: str
    delivery: str
    channel: str
    submitted_on: dt.date
    received_on: dt.date | None
    status: str
    status_label: str
    due_date: dt.date | None
    due_provisional: bool
    due_earliest: dt.date | None
    due_basis: str
    overdue: bool
    at_risk: bool
    working_days_left: int | None
    clock_error: str
    closed_on: dt.date | None
    disposition: str
    events: list[EventOut]


class RegisteredOut(StaffApplicationOut):
    query_code: str


def _out(request: HttpRequest, app: Application, today: dt.date | None = None) -> dict[str, Any]:
    from django.utils import timezone

    f = clock.flags(app, today or timezone.localdate())
    return {
        "id": app.pk, "tracking_no": app.tracking_no, "org": app.org.code,
        "applicant_type": app.applicant_type,
        "applicant": selectors.personal_view(request.user, app),
        "description": app.description, "form": app.form, "delivery": app.delivery,
        "channel": app.channel, "submitted_on": app.submitted_on, "received_on": app.received_on,
        "status": app.status, "status_label": app.get_status_display(), "due_date": app.due_date,
        "due_provisional": app.due_provisional, "due_earliest": app.due_earliest,
        "due_basis": app.due_basis, "overdue": f.overdue, "at_risk": f.at_risk, "working_days_left": f.remaining,
        "clock_error": app.clock_error, "closed_on": app.closed_on,
        "disposition": app.disposition, "events": list(app.events.order_by("seq")),
    }  # fmt: skip


@router.post(
    "/staff/applications", response={201: RegisteredOut}, auth=token_auth, summary="登记申请"
)
def register(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, Any]]:
    from django.core.exceptions import ValidationError

    org = Organization.objects.filter(code=payload.org).first()
    if org is None:
        raise ValidationError({"org": f"未知的机构“{payload.org}”"})
    app, code = services.register(
        by=request.user, org=org, data=payload.applicant.dict(), channel=payload.channel,
        submitted_on=payload.submitted_on, signed_for_on=payload.signed_for_on,
        confirmed_on=payload.confirmed_on, ip=client_ip(request),
    )  # fmt: skip
    return Status(201, {**_out(request, app), "query_code": code})


@router.get(
    "/staff/applications", response=list[StaffApplicationOut], auth=token_auth,
    summary="本机构的申请",
)  # fmt: skip
def list_applications(
    request: HttpRequest, status: str | None = None, limit: Size = 50, offset: Offset = 0
) -> list[dict[str, Any]]:
    qs = selectors.staff_applications(request.user).prefetch_related("events")
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 200))
    return [_out(request, a) for a in qs[offset : offset + limit]]


@router.get(
    "/staff/applications/{int:app_id}", response=StaffApplicationOut, auth=token_auth,
    summary="申请详情",
)  # fmt: skip
def get_application(request: HttpRequest, app_id: int) -> dict[str, Any]:
    return _out(request, selectors.staff_application(request.user, app_id))


class OnIn(Schema):
    on: dt.date
    notice: str = ""


class CorrectionIn(OnIn):
    deadline: dt.date


class ConsultationIn(Schema):
    on: dt.date
    third_party: str


class FeeIn(OnIn):
    amount: Decimal


class ExtensionIn(OnIn):
    days: int
    approver: str


class AnswerIn(Schema):
    on: dt.date
    disposition: str
    reason: str = ""


def _act(request: HttpRequest, app_id: int, fn: Any, **kw: Any) -> dict[str, Any]:
    app = selectors.staff_application(request.user, app_id)
    fn(app, by=request.user, ip=client_ip(request), **kw)
    return _out(request, selectors.staff_application(request.user, app_id))


_R: dict[str, Any] = {"response": StaffApplicationOut, "auth": token_auth}


@router.post("/staff/applications/{int:app_id}/confirm-receipt", summary="确认收到申请", **_R)
def confirm_receipt(request: HttpRequest, app_id: int, payload: OnIn) -> dict[str, Any]:
    return _act(request, app_id, services.confirm_receipt, on=payload.on, notice=payload.notice)


@router.post("/staff/applications/{int:app_id}/correction-request", summary="补正告知", **_R)
def correction_request(request: HttpRequest, app_id: int, payload: CorrectionIn) -> dict[str, Any]:
    return _act(request, app_id, services.request_correction, on=payload.on,
                deadline=payload.deadline, notice=payload.notice)  # fmt: skip


@router.post("/staff/applications/{int:app_id}/correction-received", summary="收到补正", **_R)
def correction_received(request: HttpRequest, app_id: int, payload: OnIn) -> dict[str, Any]:
    return _act(request, app_id, services.receive_correction, on=payload.on, notice=payload.notice)


@router.post("/staff/applications/{int:app_id}/consultation-start", summary="征求第三方意见", **_R)
def consultation_start(
    request: HttpRequest, app_id: int, payload: ConsultationIn
) -> dict[str, Any]:
    return _act(request, app_id, services.start_consultation, on=payload.on,
                third_party=payload.third_party)  # fmt: skip


@router.post("/staff/applications/{int:app_id}/consultation-end", summary="征求意见结束", **_R)
def consultation_end(request: HttpRequest, app_id: int, payload: OnIn) -> dict[str, Any]:
    return _act(request, app_id, services.end_consultation, on=payload.on, note=payload.notice)


@router.post("/staff/applications/{int:app_id}/fee-notice", summary="收费通知", **_R)
def fee_notice(request: HttpRequest, app_id: int, payload: FeeIn) -> dict[str, Any]:
    return _act(request, app_id, services.send_fee_notice, on=payload.on, amount=payload.amount,
                notice=payload.notice)  # fmt: skip


@router.post("/staff/applications/{int:app_id}/fee-paid", summary="缴费", **_R)
def fee_paid(request: HttpRequest, app_id: int, payload: OnIn) -> dict[str, Any]:
    return _act(request, app_id, services.record_payment, on=payload.on)


@router.post("/staff/applications/{int:app_id}/extension", summary="延期答复", **_R)
def extension(request: HttpRequest, app_id: int, payload: ExtensionIn) -> dict[str, Any]:
    return _act(request, app_id, services.extend, on=payload.on, days=payload.days,
                approver=payload.approver, notice=payload.notice)  # fmt: skip


@router.post("/staff/applications/{int:app_id}/answer", summary="答复", **_R)
def answer(request: HttpRequest, app_id: int, payload: AnswerIn) -> dict[str, Any]:
    return _act(request, app_id, services.answer, on=payload.on,
                disposition=payload.disposition, reason=payload.reason)  # fmt: skip


@router.post("/staff/applications/{int:app_id}/delivery", summary="送达", **_R)
def delivery(request: HttpRequest, app_id: int, payload: OnIn) -> dict[str, Any]:
    return _act(request, app_id, services.record_delivery, on=payload.on, notice=payload.notice)
