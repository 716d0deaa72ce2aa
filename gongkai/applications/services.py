"""Writes on on-request disclosure applications (依申请公开): the only place a case changes state.

Rules (《政府信息公开条例》, spec §3):
- Art. 29 — an application carries the applicant's name or title, identity document and contact,
  a description of the information and the form wanted; a 居民身份证 number and a 统一社会信用代码
  are checked (GB 11643, GB 32100). Natural persons and organisations (five kinds) are told
  apart because the annual report counts them apart.
- Art. 31 — the receipt date follows the channel: in person, the day submitted; by post, the day
  signed for; online or fax, the day both sides confirm (`confirm_receipt`). No receipt, no clock.
- Art. 30, 32, 33, 国办函〔2020〕109号 — 补正, third-party consultation, fee notice, extension and
  reply are events checked by `gongkai.lib.statutory.compute_clock`; an event the law does not
  allow is refused (ClockError → 409) with the reason, and nothing is written.
- Art. 36–39 — the reply carries one legal reply type (`Disposition`); every type except 予以公开
  needs its stated reason; 逾期不补正 and 逾期未缴费 need the applicant's deadline to have passed;
  补正后仍不明确 needs a received correction. A case is closed once.
- A date in a year without a confirmed holiday schedule is an error shown to staff, never a guess:
  a new event is refused; the receipt is kept, with the problem noted on the case.

Every change is one transaction on the locked case row, appends one `ApplicationEvent` and one
audit entry (no personal data in the audit payload), and rewrites the cached status and due date.
"""

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.models import Membership, Role
from gongkai.accounts.permissions import SYSTEM, Action
from gongkai.audit.services import record
from gongkai.lib.creditcode import is_valid_credit_code
from gongkai.lib.errors import Conflict
from gongkai.lib.pii.checks import is_valid_id_card
from gongkai.lib.statutory import Channel, ClockError, PauseReason
from gongkai.lib.workdays import (
    CalendarDataError,
    DayKind,
    ScheduleEntry,
    UnknownYear,
    WorkCalendar,
    default_calendar,
)
from gongkai.organizations.models import Organization

from . import clock
from .codes import new_query_code, query_digest
from .dispositions import DISPOSITIONS, ORGANISATION_TYPES, ApplicantType, Disposition
from .holidays import ScheduleTextError, parse_schedule_text
from .letters import answer_prefix
from .models import (
    AnnualReportEntry,
    Application,
    ApplicationEvent,
    DueDateChange,
    HolidayDay,
    HolidaySchedule,
    Remedy,
    Reminder,
)

K = ApplicationEvent.Kind
log = logging.getLogger(__name__)
APPLICANT_FIELDS = [
    "applicant_type", "name", "id_type", "id_number", "legal_rep", "contact_person", "phone",
    "email", "address", "postcode", "description", "purpose", "form", "delivery",
]  # fmt: skip
MAX_DESCRIPTION = 5000
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9](?:(?:转|-)[0-9]{1,6})?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Applicant:
    """The public applicant as an audit actor: no account, never a person's name in the trail."""

    pk = None
    username = "申请人（网上提交）"
    is_authenticated = False


APPLICANT = Applicant()


def _new_tracking_no(on: dt.date) -> str:
    while True:
        candidate = f"YS{on:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not Application.objects.filter(tracking_no=candidate).exists():
            return candidate


# --- validation ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return _CONTROL.sub("", str(value or "")).strip()


def clean_applicant(data: dict[str, Any]) -> dict[str, Any]:
    """Normalised applicant fields; ValidationError naming every wrong field (Art. 29)."""
    unknown = set(data) - set(APPLICANT_FIELDS)
    if unknown:
        raise ValidationError({k: "不能填写该字段" for k in sorted(unknown)})
    out = {k: _text(data.get(k)) for k in APPLICANT_FIELDS}
    out["id_number"] = out["id_number"].replace(" ", "").upper()
    errors: dict[str, str] = {}
    for key, label in [("name", "申请人姓名或名称"), ("id_number", "证件号码"), ("phone", "联系电话"),
                       ("description", "所需信息的描述")]:  # fmt: skip
        if not out[key]:
            errors[key] = f"请填写{label}（《政府信息公开条例》第二十九条）"
    kind = out["applicant_type"]
    if kind not in {t.value for t in ApplicantType}:
        errors["applicant_type"] = "请选择申请人类型：自然人，或法人或其他组织的具体类别"
    elif kind in ORGANISATION_TYPES:
        if out["id_type"] not in (Application.IdType.CREDIT_CODE, Application.IdType.OTHER):
            errors["id_type"] = "法人或其他组织请填写统一社会信用代码或其他登记证件"
        if not out["contact_person"]:
            errors["contact_person"] = "法人或其他组织请填写联系人"
    elif out["id_type"] == Application.IdType.CREDIT_CODE:
        errors["id_type"] = "自然人不能以统一社会信用代码申请，请选择身份证件"
    if out["id_number"] and "id_number" not in errors and "id_type" not in errors:
        if out["id_type"] == Application.IdType.ID_CARD and not is_valid_id_card(out["id_number"]):
            errors["id_number"] = "居民身份证号码不正确（应为18位，校验位按 GB 11643 计算）"
        if out["id_type"] == Application.IdType.CREDIT_CODE and not is_valid_credit_code(
            out["id_number"]
        ):
            errors["id_number"] = "统一社会信用代码不正确（应为18位，校验位按 GB 32100 计算）"
    if out["phone"] and not _PHONE.match(out["phone"]):
        errors["phone"] = "联系电话格式不正确，如 13800138000 或 0951-1234567"
    if out["postcode"] and not re.fullmatch(r"\d{6}", out["postcode"]):
        errors["postcode"] = "邮政编码应为6位数字"
    if len(out["description"]) > MAX_DESCRIPTION:
        errors["description"] = (
            f"描述过长（{len(out['description'])} 字），请控制在 {MAX_DESCRIPTION} 字以内"
        )
    if out["delivery"] == Application.Delivery.POST and not out["address"]:
        errors["address"] = "选择邮寄时请填写通信地址"
    if out["delivery"] == Application.Delivery.EMAIL and not out["email"]:
        errors["email"] = "选择电子邮件获取时请填写电子邮箱"
    probe = Application(**out)
    try:
        probe.clean_fields(exclude=["org", "channel", "submitted_on", *errors])
    except ValidationError as e:
        for key, msgs in e.message_dict.items():
            errors.setdefault(key, "；".join(msgs))
    if errors:
        raise ValidationError(errors)
    return out


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _audit_view(app: Application) -> dict[str, Any]:
    """What the audit trail keeps of a case: its state, never the applicant's personal data."""
    return {
        "tracking_no": app.tracking_no,
        "status": app.status,
        "received_on": app.received_on,
        "due_date": app.due_date,
        "due_provisional": app.due_provisional,
        "closed_on": app.closed_on,
        "disposition": app.disposition,
    }


def _refresh(
    app: Application, events: list[ApplicationEvent], today: dt.date, cal: Any = None
) -> None:
    """Rewrite the cached clock fields from the events; UnknownYear is noted, not guessed."""
    app.received_on = clock.receipt_of(app)
    cal = cal or clock.work_calendar()
    try:
        c = clock.compute(app, events, today, cal)
    except UnknownYear as e:
        app.due_date, app.due_earliest, app.due_basis, app.clock_error = None, None, "", str(e)
        app.status = (
            Application.Status.AWAITING_RECEIPT
            if app.received_on is None
            else Application.Status.IN_PROGRESS
        )
        return
    app.clock_error = ""
    app.status = clock.status_of(c)
    app.due_date, app.due_earliest, app.due_basis = c.due_date, None, ""
    if c.due_date is not None and c.period_start is not None:
        due = cal.qualify(c.period_start, c.due_date)
        if due.provisional:
            app.due_earliest, app.due_basis = due.earliest, due.basis


# --- creating cases --------------------------------------------------------------------------


def _create(
    *, by: Any, org: Organization, data: dict[str, Any], channel: Channel, dates: dict[str, Any],
    today: dt.date, ip: str, handler: Any = None,
) -> tuple[Application, str]:  # fmt: skip
    fields = clean_applicant(data)
    code = new_query_code()
    app = Application(org=org, channel=channel.value, handler=handler, **fields, **dates)
    app.tracking_no = _new_tracking_no(app.submitted_on)
    app.query_digest = query_digest(app.tracking_no, code)
    app.received_on = clock.receipt_of(app)
    _refresh(app, [], today)
    app.save()
    events = [ApplicationEvent(application=app, seq=1, kind=K.SUBMITTED, on=app.submitted_on)]
    if app.received_on is not None and channel is not Channel.IN_PERSON:
        events.append(
            ApplicationEvent(application=app, seq=2, kind=K.RECEIPT_CONFIRMED, on=app.received_on)
        )
    for e in events:
        e.created_by = by if getattr(by, "pk", None) else None
        e.save()
    record(
        "application.submit", actor=by, obj=app, org_id=org.pk, ip=ip,
        after={**_audit_view(app), "channel": app.channel, "applicant_type": app.applicant_type},
    )  # fmt: skip
    return app, code


@transaction.atomic
def submit_online(
    *, org: Organization, data: dict[str, Any], ip: str = "", today: dt.date | None = None
) -> tuple[Application, str]:
    """The public form (Art. 29, 31(三)): no receipt date until the agency confirms it."""
    if not org.is_active:
        raise ValidationError({"org": "该机关不接受网上申请"})
    day = _today(today)
    return _create(
        by=APPLICANT, org=org, data=data, channel=Channel.ONLINE,
        dates={"submitted_on": day}, today=day, ip=ip,
    )  # fmt: skip


@transaction.atomic
def register(
    *, by: Any, org: Organization, data: dict[str, Any], channel: str, submitted_on: dt.date,
    signed_for_on: dt.date | None = None, confirmed_on: dt.date | None = None, ip: str = "",
    today: dt.date | None = None,
) -> tuple[Application, str]:  # fmt: skip
    """A case entered by staff (letter, counter, fax, e-mail), with its Art. 31 dates."""
    permissions.require(by, Action.EDIT, org.pk)
    day = _today(today)
    try:
        ch = Channel(channel)
    except ValueError:
        raise ValidationError(
            {"channel": "申请渠道应为：当面、邮寄、网络、传真/电子邮件"}
        ) from None
    errors: dict[str, str] = {}
    if submitted_on > day:
        errors["submitted_on"] = "提交日期不能晚于今天"
    for key, value in (("signed_for_on", signed_for_on), ("confirmed_on", confirmed_on)):
        if value is not None and value < submitted_on:
            errors[key] = "不能早于提交日期"
        elif value is not None and value > day:
            errors[key] = "不能晚于今天"
    if ch is Channel.IN_PERSON and (signed_for_on or confirmed_on):
        errors["channel"] = (
            "当面提交的申请以提交日期为收到申请之日（第三十一条第一项），无需签收或确认日期"
        )
    if ch in (Channel.ONLINE, Channel.FAX) and signed_for_on:
        errors["signed_for_on"] = "网络或传真申请以双方确认之日为收到申请之日（第三十一条第三项）"
    if errors:
        raise ValidationError(errors)
    return _create(
        by=by, org=org, data=data, channel=ch, today=day, ip=ip,
        handler=by if getattr(by, "pk", None) else None,
        dates={"submitted_on": submitted_on, "signed_for_on": signed_for_on,
               "confirmed_on": confirmed_on},
    )  # fmt: skip


# --- the lifecycle ---------------------------------------------------------------------------


def _locked(app: Application) -> tuple[Application, list[ApplicationEvent]]:
    locked = Application.objects.select_for_update().select_related("org").get(pk=app.pk)
    return locked, list(locked.events.order_by("seq"))


@dataclass
class _New:
    kind: str
    on: dt.date
    days: int | None = None
    deadline: dt.date | None = None
    approver: str = ""
    amount: Decimal | None = None
    disposition: str = ""
    notice: str = ""
    internal_note: str = ""


def _append(
    app: Application, *, by: Any, new: _New, ip: str, today: dt.date | None,
    check: Any = None,
) -> ApplicationEvent:  # fmt: skip
    """Validate `new` against the clock with every stored event, then write it and the cache."""
    locked, events = _locked(app)
    permissions.require(by, Action.EDIT, locked.org_id)
    day = _today(today)
    if locked.is_closed and new.kind != K.DELIVERED:
        raise Conflict(
            f"申请 {locked.tracking_no} 已于 {locked.closed_on} 办结，不能再登记“{K(new.kind).label}”"
        )
    if new.on > day:
        raise ValidationError({"on": "不能登记未来日期的事项"})
    if locked.received_on is None and new.kind != K.DELIVERED:
        raise Conflict("申请尚未确认收到（第三十一条），请先确认收到申请，再登记后续办理事项")
    event = ApplicationEvent(
        application=locked, seq=len(events) + 1, kind=new.kind, on=new.on, days=new.days,
        deadline=new.deadline, approver=new.approver, amount=new.amount,
        disposition=new.disposition, notice=new.notice, internal_note=new.internal_note,
        created_by=by if getattr(by, "pk", None) else None,
    )  # fmt: skip
    before = _audit_view(locked)
    candidate = [*events, event]
    try:
        c = clock.compute(locked, candidate, max(day, new.on))
    except UnknownYear as e:
        raise Conflict(str(e)) from e
    if check is not None:
        check(locked, events, c)
    event.seq = (events[-1].seq if events else 0) + 1
    event.save()
    _refresh(locked, candidate, day)
    if new.kind == K.ANSWERED:
        locked.closed_on, locked.disposition = new.on, new.disposition
        locked.status = Application.Status.CLOSED
    locked.save()
    app.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    record(
        f"application.{new.kind}", actor=by, obj=locked, org_id=locked.org_id, ip=ip,
        before=before,
        after={**_audit_view(locked), "event": new.kind, "on": new.on, "days": new.days,
               "approver": new.approver, "amount": new.amount},
    )  # fmt: skip
    return event


@transaction.atomic
def confirm_receipt(
    app: Application, *, by: Any, on: dt.date, notice: str = "", ip: str = "",
    today: dt.date | None = None,
) -> ApplicationEvent:  # fmt: skip
    """Art. 31: the agency confirms an online/fax application, or signs for a letter."""
    locked, events = _locked(app)
    permissions.require(by, Action.EDIT, locked.org_id)
    day = _today(today)
    if locked.received_on is not None:
        raise Conflict(f"申请已于 {locked.received_on} 确认收到，不能重复确认")
    if on < locked.submitted_on:
        raise ValidationError({"on": f"确认日期不能早于提交日期 {locked.submitted_on}"})
    if on > day:
        raise ValidationError({"on": "确认日期不能晚于今天"})
    before = _audit_view(locked)
    if locked.channel == Channel.POST:
        locked.signed_for_on = on
    else:
        locked.confirmed_on = on
    event = ApplicationEvent(
        application=locked, seq=len(events) + 1, kind=K.RECEIPT_CONFIRMED, on=on,
        notice=_text(notice), created_by=by if getattr(by, "pk", None) else None,
    )  # fmt: skip
    event.save()
    _refresh(locked, [*events, event], day)
    if locked.handler_id is None and getattr(by, "pk", None):
        locked.handler = by
    locked.save()
    app.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    record("application.receipt_confirmed", actor=by, obj=locked, org_id=locked.org_id,
           before=before, after=_audit_view(locked), ip=ip)  # fmt: skip
    return event


@transaction.atomic
def request_correction(
    app: Application, *, by: Any, on: dt.date, deadline: dt.date, notice: str, ip: str = "",
    today: dt.date | None = None,
) -> ApplicationEvent:  # fmt: skip
    """Art. 30: one notice within 7 working days of receipt, listing everything to correct."""
    if not _text(notice):
        raise ValidationError({"notice": "补正告知须一次性列明需要补正的全部事项（第三十条）"})
    return _append(app, by=by, new=_New(K.CORRECTION_REQUESTED, on, deadline=deadline,
                                        notice=_text(notice)), ip=ip, today=today)  # fmt: skip


@transaction.atomic
def receive_correction(
    app: Application, *, by: Any, on: dt.date, notice: str = "", ip: str = "",
    today: dt.date | None = None,
) -> ApplicationEvent:  # fmt: skip
    """Art. 30: the reply period runs anew from receipt of the corrected application."""
    return _append(app, by=by, new=_New(K.CORRECTION_RECEIVED, on, notice=_text(notice)),
                   ip=ip, today=today)  # fmt: skip


@transaction.atomic
def start_consultation(
    app: Application, *, by: Any, on: dt.date, third_party: str, ip: str = "",
    today: dt.date | None = None,
) -> ApplicationEvent:  # fmt: skip
    """Art. 32, 33 ¶2: consulting a third party in writing; the time is not counted."""
    if not _text(third_party):
        raise ValidationError({"third_party": "请填写征求意见的第三方或其他机关"})
    return _append(app, by=by, new=_New(K.CONSULTATION_STARTED, on,
                                        internal_note=f"征求意见对象：{_text(third_party)}"),
                   ip=ip, today=today)  # fmt: skip


@transaction.atomic
def end_consultation(
    app: Application, *, by: Any, on: dt.date, note: str = "", ip: str = "",
    today: dt.date | None = None,
) -> ApplicationEvent:  # fmt: skip
    return _append(app, by=by, new=_New(K.CONSULTATION_ENDED, on, internal_note=_text(note)),
                   ip=ip, today=today)  # fmt: skip


@transaction.atomic
def send_fee_notice(
    app: Application, *, by: Any, on: dt.date, amount: Decimal, notice: str = "", ip: str = "",
    today: dt.date | None = None,
) -> ApplicationEvent:  # fmt: skip
    """国办函〔2020〕109号: a written fee notice; the wait for payment is not counted."""
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError({"amount": "收费金额应大于0元"})
    return _append(app, by=by, new=_New(K.FEE_NOTICE_SENT, on, amount=Decimal(amount),
                                        notice=_text(notice)), ip=ip, today=today)  # fmt: skip


@transaction.atomic
def record_payment(
    app: Application, *, by: Any, on: dt.date, ip: str = "", today: dt.date | None = None
) -> ApplicationEvent:
    return _append(app, by=by, new=_New(K.FEE_PAID, on), ip=ip, today=today)


@transaction.atomic
def extend(
    app: Application, *, by: Any, on: dt.date, days: int, approver: str, notice: str = "",
    ip: str = "", today: dt.date | None = None,
) -> ApplicationEvent:  # fmt: skip
    """Art. 33 ¶1: once, at most 20 working days, approved by the head of the disclosure office,
    and the applicant is told."""
    if not _text(approver):
        raise ValidationError(
            {"approver": "延期须经政府信息公开工作机构负责人同意，请填写批准人（第三十三条）"}
        )
    notice = _text(notice) or f"因正当理由，答复期限延长 {days} 个工作日。"
    return _append(app, by=by, new=_New(K.EXTENSION_GRANTED, on, days=days,
                                        approver=_text(approver), notice=notice),
                   ip=ip, today=today)  # fmt: skip


@transaction.atomic
def answer(
    app: Application, *, by: Any, on: dt.date, disposition: str, reason: str = "", ip: str = "",
    today: dt.date | None = None,
) -> ApplicationEvent:  # fmt: skip
    """Art. 36–39: the reply, with one legal reply type and its ground; closes the case."""
    try:
        d = Disposition(disposition)
    except ValueError:
        raise ValidationError(
            {"disposition": "请选择答复类型（年度报告第三项所列21种办理结果之一）"}
        ) from None
    info = DISPOSITIONS[d]
    reason = _text(reason)
    if info.needs_reason and not reason:
        raise ValidationError({"reason": f"“{info.name}”须说明理由（依据：{info.ground}）"})

    def check(locked: Application, events: list[ApplicationEvent], _: Any) -> None:
        kinds = {e.kind for e in events}
        c = clock.compute(locked, events, on)  # the case as it stood on the day of the reply
        if d is Disposition.OTHER_NO_CORRECTION and PauseReason.CORRECTION not in c.lapsed:
            raise ClockError(
                "只有补正期限届满、申请人仍未补正的，才能以“逾期不补正”办结（第三十条）"
            )
        if d is Disposition.OTHER_UNPAID and PauseReason.FEE not in c.lapsed:
            raise ClockError("只有缴费期限（20个工作日）届满仍未缴费的，才能以“逾期未缴费”办结")
        if d is Disposition.UNAVAILABLE_STILL_UNCLEAR and K.CORRECTION_RECEIVED not in kinds:
            raise ClockError("“补正后申请内容仍不明确”须先有补正告知并收到补正（第三十条）")
        if PauseReason.CORRECTION in c.pause_reasons and d not in (
            Disposition.OTHER_NO_CORRECTION, Disposition.OTHER,
        ):  # fmt: skip
            raise ClockError("正在等待申请人补正，只能以“逾期不补正”或“其他”办结")

    text = answer_prefix(d) + reason  # the reply letter reads the reason back after it
    return _append(app, by=by, new=_New(K.ANSWERED, on, disposition=d.value, notice=text),
                   ip=ip, today=today, check=check)  # fmt: skip


@transaction.atomic
def record_delivery(
    app: Application, *, by: Any, on: dt.date, notice: str = "", ip: str = "",
    today: dt.date | None = None,
) -> ApplicationEvent:  # fmt: skip
    """送达 of the reply letter; only after the reply."""
    if not app.is_closed:
        raise Conflict("尚未答复，不能登记送达")
    if app.closed_on and on < app.closed_on:
        raise ValidationError({"on": f"送达日期不能早于答复日期 {app.closed_on}"})
    return _append(app, by=by, new=_New(K.DELIVERED, on, notice=_text(notice)), ip=ip,
                   today=today)  # fmt: skip


# --- system jobs -----------------------------------------------------------------------------


def close_lapsed(today: dt.date | None = None, by: Any = SYSTEM) -> list[str]:
    """Close cases whose 补正 or fee deadline has passed (Art. 30; 国办函〔2020〕109号), dated the
    day after the deadline. Returns the tracking numbers closed."""
    day = _today(today)
    closed: list[str] = []
    waiting = Application.objects.filter(
        status__in=[Application.Status.CORRECTION, Application.Status.FEE]
    )
    for app in waiting:
        try:
            c = clock.compute(app, list(app.events.all()), day)
        except (UnknownYear, ClockError):
            continue
        for reason, by_day, d in (
            (PauseReason.CORRECTION, c.correction_reply_by, Disposition.OTHER_NO_CORRECTION),
            (PauseReason.FEE, c.fee_payment_by, Disposition.OTHER_UNPAID),
        ):
            if reason in c.lapsed and by_day is not None:
                try:
                    answer(app, by=by, on=by_day + dt.timedelta(days=1), disposition=d, today=day)
                except Conflict as e:  # closed meanwhile by staff: nothing left to do here
                    log.info("close_lapsed %s: %s", app.tracking_no, e)
                    break
                closed.append(app.tracking_no)
                break
    return closed


@transaction.atomic
def recompute_open(
    today: dt.date | None = None, by: Any = SYSTEM, reason: str = "节假日安排变更",
    uncertain_only: bool = False,
) -> int:  # fmt: skip
    """After a holiday schedule changes: rewrite the due dates of open cases in one transaction;
    each due date that moves is kept in the case's history (`DueDateChange`, shown to the
    handler until seen) and audited. Cases whose dates stay are not touched."""
    day, changed = _today(today), 0
    cal = clock.work_calendar()  # one calendar for the whole pass
    open_cases = (
        Application.objects.select_for_update()
        .exclude(status=Application.Status.CLOSED)
        .prefetch_related("events")
        .order_by("pk")
    )
    if uncertain_only:  # only what a calendar change can move: 暂定 or uncomputable dates
        open_cases = open_cases.filter(~Q(due_basis="") | ~Q(clock_error=""))
    for app in open_cases:
        before = _audit_view(app)
        old = (app.due_date, app.due_earliest, app.due_basis, app.clock_error)
        _refresh(app, list(app.events.all()), day, cal)
        if (app.due_date, app.due_earliest, app.due_basis, app.clock_error) == old:
            continue
        app.save()
        after = _audit_view(app)
        if after["due_date"] != before["due_date"]:
            DueDateChange.objects.create(
                application=app, old_date=before["due_date"], new_date=app.due_date,
                reason=reason[:300],
            )  # fmt: skip
        if after != before:
            changed += 1
            record("application.recompute", actor=by, obj=app, org_id=app.org_id,
                   before=before, after=after)  # fmt: skip
    return changed


@transaction.atomic
def mark_due_changes_seen(app: Application, *, by: Any) -> int:
    """The handler has seen the moved due dates of a case (they leave the handler's list)."""
    permissions.require(by, Action.EDIT, app.org_id)
    return DueDateChange.objects.filter(application=app, seen_at=None).update(
        seen_at=timezone.now(), seen_by=by if getattr(by, "pk", None) else None
    )


# --- reminders to case handlers ----------------------------------------------------------------

R = Reminder.Kind


@dataclass(frozen=True)
class Due:
    """One reminder a case needs today."""

    app: Application
    kind: str
    text: str


def reminders_due(app: Application, today: dt.date) -> list[Due]:
    """What the handler of an open case must be told today (empty for a case on track)."""
    if app.is_closed:
        return []
    if app.clock_error:
        return [Due(app, R.CALENDAR, app.clock_error[:300])]
    if app.status == Application.Status.AWAITING_RECEIPT:
        if app.submitted_on < today:
            return [Due(app, R.UNCONFIRMED, f"{app.submitted_on} 网上提交，尚未确认收到；"
                                             "确认收到后开始计算答复期限（第三十一条）")]  # fmt: skip
        return []
    out: list[Due] = []
    f = clock.flags(app, today)
    # A provisional date is warned about from its earliest plausible date, and says so.
    due = f"{app.due_date}（{app.due_basis}）" if app.due_basis else f"{app.due_date}"
    if f.overdue:
        late = f"已超期 {-f.remaining} 个工作日" if f.remaining is not None else "已超期"
        if app.due_basis:
            late = f"按最早可能日期{late}"
        out.append(
            Due(app, R.OVERDUE, f"法定答复期限 {due}，{late}（第三十三条），请尽快答复"[:300])
        )
    elif f.at_risk:
        left = f"还剩 {f.remaining} 个工作日" + ("（按最早可能日期计）" if app.due_basis else "")
        out.append(Due(app, R.DUE_SOON, f"法定答复期限 {due}，{left}"[:300]))
    if app.status == Application.Status.CONSULTATION:
        try:
            c = clock.compute(app, list(app.events.all()), today)
        except (UnknownYear, ClockError):
            return out
        if PauseReason.CONSULTATION in c.lapsed:
            out.append(Due(app, R.CONSULTATION_LAPSED,
                           f"征求第三方意见的答复期限 {c.third_party_reply_by} 已过（第三十二条），"
                           "可依法自行决定，并登记征求意见结束"))  # fmt: skip
    return out


def recipients_of(app: Application) -> list[Any]:
    """Who is reminded: the case's handler while they may still handle it, otherwise the
    editors and administrators of the organisation. Staff accounts only, never the applicant."""
    handler = app.handler
    if (
        handler is not None
        and handler.is_active
        and permissions.can(handler, Action.EDIT, app.org_id)
    ):
        return [handler]
    members = Membership.objects.filter(
        organization_id=app.org_id, role__in=[Role.EDITOR, Role.ADMIN], user__is_active=True
    ).select_related("user")
    return [m.user for m in members.order_by("user__username")]


def platform_admins() -> list[Any]:
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk"))


@dataclass
class ReminderRun:
    created: int = 0
    emails: int = 0
    failed: int = 0


def send_reminders(today: dt.date | None = None, by: Any = SYSTEM) -> ReminderRun:
    """Record today's reminders (one per case, kind and day) and mail each recipient one digest.

    Writing is one transaction; mails go out after it, so a failing mail server loses no record
    (the dashboard still shows the reminder) and a second run the same day sends nothing twice.
    """
    day = _today(today)
    run = ReminderRun()
    digests: dict[Any, tuple[Any, list[Reminder]]] = {}
    with transaction.atomic():
        open_cases = (
            Application.objects.exclude(status=Application.Status.CLOSED)
            .select_related("org", "handler")
            .order_by("due_date", "pk")
        )
        for app in open_cases:
            for due in reminders_due(app, day):
                people = recipients_of(app)
                if due.kind == R.CALENDAR:  # only platform administrators can enter a schedule
                    people += [u for u in platform_admins() if u not in people]
                reminder, created = Reminder.objects.get_or_create(
                    application=app, kind=due.kind, on=day,
                    defaults={"due_date": app.due_date, "text": due.text,
                              "recipients": "、".join(str(p) for p in people)[:500]},
                )  # fmt: skip
                if not created:
                    continue
                run.created += 1
                for person in people:
                    if person.email:
                        digests.setdefault(person.pk, (person, []))[1].append(reminder)
        if run.created:
            record("application.reminders", actor=by, object_type="applications.reminder",
                   object_id=day.isoformat(), after={"on": day, "reminders": run.created})  # fmt: skip
    for person, items in digests.values():
        try:
            send_mail(*_digest(items, day), getattr(settings, "DEFAULT_FROM_EMAIL", None),
                      [person.email])  # fmt: skip
        except Exception:  # the mail server is down: the reminders stay recorded and shown
            log.exception("reminder mail to %s failed", person.username)
            run.failed += 1
            continue
        run.emails += 1
        Reminder.objects.filter(pk__in=[r.pk for r in items]).update(emailed=True)
    return run


def _digest(items: list[Reminder], day: dt.date) -> tuple[str, str]:
    """Subject and body of one recipient's reminder mail: tracking numbers, never applicants."""
    counts: dict[str, int] = {}
    for r in items:
        counts[r.get_kind_display()] = counts.get(r.get_kind_display(), 0) + 1
    summary = "，".join(f"{label} {n} 件" for label, n in counts.items())
    site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
    lines = [f"{day} 依申请公开办理提醒：{summary}。", ""]
    for r in items:
        app = r.application
        lines.append(f"· {app.tracking_no}（{app.org.name}）{r.get_kind_display()}：{r.text}")
        lines.append(f"  {site}/admin/applications/application/{app.pk}/change/")
    lines += ["", f"办理看板：{site}/admin/applications/caseboard/",
              "本邮件由政务公开平台自动发送。"]  # fmt: skip
    return f"【依申请公开】{len(items)} 件申请需要办理：{summary}", "\n".join(lines)


# --- the holiday schedule ----------------------------------------------------------------------


@dataclass
class ScheduleSaved:
    schedule: HolidaySchedule
    holidays: int
    workdays: int
    recomputed: int  # open cases whose cached due date or status changed


@transaction.atomic
def save_holiday_schedule(
    *, by: Any, year: int, source: str, text: str, source_url: str = "", ip: str = "",
    today: dt.date | None = None,
) -> ScheduleSaved:  # fmt: skip
    """Enter or correct a year's schedule from the 国务院办公厅 notice, then recompute the due
    dates of every open case (each change audited by `recompute_open`).

    The calendar is national, so only platform administrators maintain it. Years shipped in
    gongkai/lib/data/workdays.csv are not entered again; the text is read exactly
    (`holidays.parse_schedule_text`) and the whole calendar must stay consistent.
    """
    if not permissions.is_platform_admin(by):
        raise PermissionDenied("节假日安排全国统一，只有平台管理员可以录入或修改")
    day = _today(today)
    source, source_url = _text(source), _text(source_url)
    entries = clean_holiday_schedule(year=year, source=source, text=text, today=day)
    schedule = HolidaySchedule.objects.select_for_update().filter(year=year).first()
    before = None
    if schedule is None:
        schedule = HolidaySchedule(year=year)
    else:
        before = _schedule_view(schedule, list(schedule.days.all()))
    schedule.source, schedule.source_url, schedule.text = source, source_url, text.strip()
    schedule.updated_by = by if getattr(by, "pk", None) else None
    schedule.save()
    schedule.days.all().delete()
    days = HolidayDay.objects.bulk_create(
        HolidayDay(schedule=schedule, date=e.date, kind=e.kind.value, name=e.name) for e in entries
    )
    record("calendar.schedule_save", actor=by, obj=schedule, ip=ip, before=before,
           after=_schedule_view(schedule, days))  # fmt: skip
    reason = f"录入 {schedule.year} 年节假日安排（{schedule.source}）"
    recomputed = recompute_open(today=day, by=by, reason=reason)
    # Other apps' clocks (letters, …) offer a `calendar_changed` hook on their AppConfig.
    for config in django_apps.get_app_configs():
        if hook := getattr(config, "calendar_changed", None):
            hook(today=day, by=by, reason=reason)
    return ScheduleSaved(
        schedule,
        holidays=sum(e.kind is DayKind.HOLIDAY for e in entries),
        workdays=sum(e.kind is DayKind.WORKDAY for e in entries),
        recomputed=recomputed,
    )


def clean_holiday_schedule(
    *, year: Any, source: str, text: str, today: dt.date | None = None
) -> list[ScheduleEntry]:
    """The schedule rows of `year` read from `text`, or ValidationError naming every problem;
    writes nothing (the admin form shows the errors before anything is saved)."""
    day = _today(today)
    errors: dict[str, str] = {}
    shipped = default_calendar().years
    if not isinstance(year, int) or not 2004 <= year <= day.year + 2:
        errors["year"] = f"年度应在 2004 至 {day.year + 2} 之间"
    elif year in shipped:
        errors["year"] = (
            f"{year} 年的节假日安排已随系统提供（{min(shipped)}–{max(shipped)} 年），无需录入"
        )
    if not _text(source):
        errors["source"] = "请填写依据的国务院办公厅通知名称和文号"
    entries: list[ScheduleEntry] = []
    if "year" not in errors:
        try:
            entries = parse_schedule_text(text, year)
        except ScheduleTextError as e:
            errors["text"] = str(e)
    if entries:
        others = [e for e in clock.staff_entries() if e.year != year]
        try:
            WorkCalendar([*default_calendar().entries, *others, *entries])
        except CalendarDataError as e:
            errors["text"] = str(e)
    if errors:
        raise ValidationError(errors)
    return entries


def _schedule_view(schedule: HolidaySchedule, days: list[HolidayDay]) -> dict[str, Any]:
    return {
        "year": schedule.year,
        "source": schedule.source,
        "holidays": [d.date.isoformat() for d in days if d.kind == HolidayDay.Kind.HOLIDAY],
        "workdays": [d.date.isoformat() for d in days if d.kind == HolidayDay.Kind.WORKDAY],
    }


# --- 行政复议 and 行政诉讼 (Art. 51) ----------------------------------------------------------------


def _remedy_view(r: Remedy) -> dict[str, Any]:
    return {"application": r.application.tracking_no, "kind": r.kind, "filed_on": r.filed_on,
            "body": r.body, "case_no": r.case_no, "outcome": r.outcome, "decided_on": r.decided_on}  # fmt: skip


@transaction.atomic
def record_remedy(
    app: Application, *, by: Any, kind: str, filed_on: dt.date, body: str, case_no: str = "",
    note: str = "", ip: str = "", today: dt.date | None = None,
) -> Remedy:  # fmt: skip
    """Register a 行政复议 or 行政诉讼 about a case (against its reply, or against no reply)."""
    locked, _ = _locked(app)
    permissions.require(by, Action.EDIT, locked.org_id)
    day = _today(today)
    errors: dict[str, str] = {}
    if kind not in Remedy.Kind.values:
        errors["kind"] = "请选择：行政复议、行政诉讼（未经复议直接起诉）或行政诉讼（复议后起诉）"
    if filed_on > day:
        errors["filed_on"] = "不能晚于今天"
    elif filed_on < locked.submitted_on:
        errors["filed_on"] = f"不能早于申请提交日期 {locked.submitted_on}"
    if not _text(body):
        errors["body"] = "请填写复议机关或受理的人民法院"
    if errors:
        raise ValidationError(errors)
    if (
        kind == Remedy.Kind.LITIGATION_AFTER_REVIEW
        and not locked.remedies.filter(kind=Remedy.Kind.REVIEW, decided_on__lte=filed_on).exists()
    ):
        raise Conflict("“复议后起诉”须先有已审结的行政复议，且起诉日期不早于复议审结日期")
    remedy = Remedy.objects.create(
        application=locked, kind=kind, filed_on=filed_on, body=_text(body),
        case_no=_text(case_no), note=_text(note),
        created_by=by if getattr(by, "pk", None) else None,
    )  # fmt: skip
    record("application.remedy", actor=by, obj=remedy, org_id=locked.org_id, ip=ip,
           after=_remedy_view(remedy))  # fmt: skip
    return remedy


@transaction.atomic
def decide_remedy(
    remedy: Remedy, *, by: Any, outcome: str, decided_on: dt.date, ip: str = "",
    today: dt.date | None = None,
) -> Remedy:  # fmt: skip
    """Record the outcome (维持 / 纠正 / 其他) of a review or lawsuit, once."""
    locked = Remedy.objects.select_for_update().select_related("application").get(pk=remedy.pk)
    permissions.require(by, Action.EDIT, locked.application.org_id)
    day = _today(today)
    if locked.outcome != Remedy.Outcome.PENDING:
        raise Conflict(
            f"该{locked.get_kind_display()}已于 {locked.decided_on} 审结，不能再次登记结果"
        )
    errors: dict[str, str] = {}
    if outcome not in (Remedy.Outcome.UPHELD, Remedy.Outcome.CORRECTED, Remedy.Outcome.OTHER):
        errors["outcome"] = "审结结果应为：维持、纠正或其他"
    if decided_on < locked.filed_on:
        errors["decided_on"] = f"审结日期不能早于申请复议/起诉日期 {locked.filed_on}"
    elif decided_on > day:
        errors["decided_on"] = "不能晚于今天"
    if errors:
        raise ValidationError(errors)
    before = _remedy_view(locked)
    locked.outcome, locked.decided_on = outcome, decided_on
    locked.save()
    remedy.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    record("application.remedy_decided", actor=by, obj=locked,
           org_id=locked.application.org_id, ip=ip, before=before, after=_remedy_view(locked))  # fmt: skip
    return locked


# --- the staff-written part of the annual report (Art. 49-50) ----------------------------------

REPORT_FIGURES = ["licensing_decisions", "penalty_decisions", "enforcement_decisions"]
REPORT_TEXTS = ["overview", "problems", "other_matters"]
MAX_REPORT_TEXT = 30000  # characters per section: a long report, never an unbounded one
MAX_FEES = Decimal("9999999999")  # 万元, what the column holds


def _entry_view(e: AnnualReportEntry) -> dict[str, Any]:
    return {
        **{f: getattr(e, f) for f in REPORT_FIGURES},
        "fees_amount": None if e.fees_amount is None else str(e.fees_amount),
        **{f: getattr(e, f) for f in REPORT_TEXTS},
        "is_published": e.is_published,
    }


def clean_report_entry(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - {*REPORT_FIGURES, *REPORT_TEXTS, "fees_amount", "is_published"}
    if unknown:
        raise ValidationError({k: "不能填写该字段" for k in sorted(unknown)})
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for f in REPORT_FIGURES:
        if f not in data:
            continue
        v = data[f]
        if v in (None, ""):
            out[f] = None  # 未填报
            continue
        try:
            n = int(str(v).strip())
        except ValueError:
            errors[f] = "请填写不小于 0 的整数（件），未统计的请留空"
            continue
        if n < 0 or n > 2_000_000_000:
            errors[f] = "请填写不小于 0 的整数（件），未统计的请留空"
        out[f] = n
    if "fees_amount" in data:
        v = data["fees_amount"]
        if v in (None, ""):
            out["fees_amount"] = None
        else:
            try:
                amount = Decimal(str(v).strip())
            except ArithmeticError:
                amount = Decimal("NaN")
            if not amount.is_finite() or amount < 0 or amount > MAX_FEES:
                errors["fees_amount"] = "请填写不小于 0 的金额（万元），未收费的填 0"
            elif amount.as_tuple().exponent < -4:  # type: ignore[operator]
                errors["fees_amount"] = "金额最多保留四位小数（万元）"
            out["fees_amount"] = amount
    for f in REPORT_TEXTS:
        if f in data:
            out[f] = _text(data[f]).replace("\r\n", "\n")
            if len(out[f]) > MAX_REPORT_TEXT:
                errors[f] = f"不能超过 {MAX_REPORT_TEXT} 字"
    if "is_published" in data:
        out["is_published"] = bool(data["is_published"])
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def save_report_entry(
    *, by: Any, org: Organization, year: int, data: dict[str, Any], ip: str = "",
    today: dt.date | None = None,
) -> AnnualReportEntry:  # fmt: skip
    """Create or change what staff write into `org`'s annual report for `year` (section 二 figures,
    sections 一、五、六). Only the fields in `data` change; concurrent savers are serialised on the
    organisation's row, so neither loses the other's fields."""
    from .guard import FIRST_REPORT_YEAR

    permissions.require(by, Action.EDIT, org.pk)
    if not FIRST_REPORT_YEAR <= year <= _today(today).year:
        raise ValidationError(
            {"year": f"年度应在 {FIRST_REPORT_YEAR} 至 {_today(today).year} 之间"}
        )
    clean = clean_report_entry(data)
    Organization.objects.select_for_update().filter(pk=org.pk).first()
    entry = AnnualReportEntry.objects.filter(org_id=org.pk, year=year).first()
    before = _entry_view(entry) if entry else None
    if entry is None:
        entry = AnnualReportEntry(org_id=org.pk, year=year)
    for k, v in clean.items():
        setattr(entry, k, v)
    entry.updated_by = by if getattr(by, "pk", None) else None
    entry.save()
    after = _entry_view(entry)
    if before != after:
        record("applications.annual_report_entry", actor=by, obj=entry, org_id=org.pk, ip=ip,
               before=before, after=after)  # fmt: skip
    return entry
