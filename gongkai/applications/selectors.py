"""Reads on applications. Public reads go through `progress` only, and it shows the applicant's
own case (tracking number AND query code) with nothing personal and nothing internal in it:
status, dates, the statutory due date and the notices sent. A wrong code and a missing case
answer the same (None), so the lookup tells nothing about which tracking numbers exist.

Staff reads are scoped by `gongkai.accounts.permissions`; the applicant's personal data is shown
in clear only to staff who may handle the case (编辑/管理员 of its organisation) and masked for
everyone else (`personal_view`). The annual report counts cases and names none.
"""

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.documents.models import Document, InfoCategory
from gongkai.documents.selectors import DocumentFilters, public_documents
from gongkai.enforcement.selectors import section2_figures
from gongkai.lib.pii.masking import DEFAULT_POLICY, MaskRule, mask_value
from gongkai.lib.statutory import Clock, ClockError
from gongkai.lib.workdays import UnknownYear
from gongkai.organizations.models import Organization

from . import clock, report
from .codes import query_code_matches, query_digest
from .dispositions import DISPOSITIONS, ApplicantType, Disposition
from .letters import Letter, letters
from .models import (
    AnnualReportEntry,
    Application,
    ApplicationEvent,
    DueDateChange,
    Remedy,
    Reminder,
)

K = ApplicationEvent.Kind
REGULATION_CATEGORY = InfoCategory.RULE  # 规章: the 政府规章 category

# Events the applicant is told of, and shown on the progress page; the rest stay internal.
APPLICANT_VISIBLE = {
    K.SUBMITTED, K.RECEIPT_CONFIRMED, K.CORRECTION_REQUESTED, K.CORRECTION_RECEIVED,
    K.CONSULTATION_STARTED, K.CONSULTATION_ENDED, K.FEE_NOTICE_SENT, K.FEE_PAID,
    K.EXTENSION_GRANTED, K.ANSWERED, K.DELIVERED,
}  # fmt: skip
# Consultation is shown (it stops the clock the applicant sees) but without whom it concerns.
NOTICE_HIDDEN = {K.CONSULTATION_STARTED, K.CONSULTATION_ENDED}


@dataclass(frozen=True)
class Notice:
    on: dt.date
    label: str
    text: str


@dataclass(frozen=True)
class Progress:
    """Everything the progress page may show: no name, no contact, no internal note."""

    tracking_no: str
    org_name: str
    status: str
    status_label: str
    submitted_on: dt.date
    received_on: dt.date | None
    due_date: dt.date | None
    paused: bool
    closed_on: dt.date | None
    disposition_label: str
    clock_note: str
    due_basis: str = ""  # 暂定 note of a provisional due date
    notices: list[Notice] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)  # without personal data

    def as_dict(self) -> dict[str, Any]:
        return {
            "tracking_no": self.tracking_no,
            "org": self.org_name,
            "status": self.status,
            "status_label": self.status_label,
            "submitted_on": self.submitted_on,
            "received_on": self.received_on,
            "due_date": self.due_date,
            "paused": self.paused,
            "closed_on": self.closed_on,
            "disposition": self.disposition_label,
            "clock_note": self.clock_note,
            "due_provisional": bool(self.due_basis),
            "due_basis": self.due_basis,
            "notices": [{"on": n.on, "label": n.label, "text": n.text} for n in self.notices],
            "letters": [
                {"seq": lt.seq, "title": lt.title, "on": lt.on, "paragraphs": lt.paragraphs}
                for lt in self.letters
            ],
        }


def _own_case(tracking_no: str, code: str) -> Application | None:
    """The case with this tracking number AND query code; None for a missing case or a wrong
    code alike (the same work either way, so timing tells nothing either)."""
    tracking_no = (tracking_no or "").strip().upper()
    if not tracking_no or len(tracking_no) > 32 or not code:
        return None
    app = Application.objects.select_related("org").filter(tracking_no=tracking_no).first()
    if app is None:
        query_digest(tracking_no, code)
        return None
    if not query_code_matches(app, code):
        return None
    return app


def progress_letter(tracking_no: str, code: str, seq: Any) -> Letter | None:
    """One letter of the applicant's own case, without personal data; None like `progress`."""
    app = _own_case(tracking_no, code)
    if app is None or not str(seq).isdigit():
        return None
    events = list(app.events.filter(kind__in=APPLICANT_VISIBLE).order_by("seq"))
    return next((lt for lt in letters(app, events, personal=False) if lt.seq == int(seq)), None)


def staff_letter(user: Any, app: Application, seq: int) -> Letter | None:
    """A letter for staff to send: with the applicant's name only for those who handle cases."""
    events = list(app.events.order_by("seq"))
    personal = may_see_personal_data(user, app)
    return next((lt for lt in letters(app, events, personal=personal) if lt.seq == seq), None)


def progress(tracking_no: str, code: str) -> Progress | None:
    """The applicant's view of their case, or None for a missing case or a wrong code alike."""
    app = _own_case(tracking_no, code)
    if app is None:
        return None
    events = app.events.filter(kind__in=APPLICANT_VISIBLE).order_by("seq")
    notices = [
        Notice(e.on, e.get_kind_display(), "" if e.kind in NOTICE_HIDDEN else e.notice)
        for e in events
    ]
    paused = app.status in clock.STATUS_BY_PAUSE.values()
    if app.received_on is None:
        note = (
            "网上提交的申请，自本机关确认收到之日起计算答复期限（《政府信息公开条例》第三十一条）"
        )
    elif app.is_closed:
        note = "已办结"
    elif paused:
        note = "答复期限暂停计算（补正、征求第三方意见或缴费期间不计入，第三十条、第三十三条）"
    elif app.clock_error:
        note = "答复期限待节假日安排公布后确定"
    else:
        note = "答复期限按工作日计算，不含法定节假日"
    return Progress(
        tracking_no=app.tracking_no,
        org_name=app.org.name,
        status=app.status,
        status_label=app.get_status_display(),
        submitted_on=app.submitted_on,
        received_on=app.received_on,
        due_date=None if app.is_closed else app.due_date,
        paused=paused,
        closed_on=app.closed_on,
        disposition_label=DISPOSITIONS[Disposition(app.disposition)].name
        if app.disposition
        else "",
        clock_note=note,
        due_basis="" if app.is_closed else app.due_basis,
        notices=notices,
        letters=letters(app, list(events), personal=False),
    )


# --- staff -----------------------------------------------------------------------------------


def staff_applications(user: Any, action: Action = Action.VIEW) -> QuerySet[Application]:
    return permissions.scope(Application.objects.select_related("org", "handler"), user, action)


def staff_application(user: Any, pk: Any) -> Application:
    """The case if `user` may see it; NotFound (404) otherwise, exactly as if missing."""
    if not str(pk).isdigit():
        raise permissions.NotFound("未找到该申请")
    return permissions.get_scoped(
        Application.objects.select_related("org", "handler"), user, Action.VIEW, pk=int(pk)
    )


def may_see_personal_data(user: Any, app: Application) -> bool:
    """Handlers (who may edit cases of the organisation) need the applicant's data; others don't."""
    return permissions.can(user, Action.EDIT, app.org_id)


_MASKS: dict[str, tuple[str, MaskRule]] = {
    "name": ("person_name", MaskRule(0, 0)),
    "id_number": ("id_card", DEFAULT_POLICY["id_card"] or MaskRule(4, 4)),
    "phone": ("mobile", DEFAULT_POLICY["mobile"] or MaskRule(3, 4)),
    "email": ("email", DEFAULT_POLICY["email"] or MaskRule(1, 0)),
    "address": ("address", DEFAULT_POLICY["address"] or MaskRule(0, 0)),
    "legal_rep": ("person_name", MaskRule(0, 0)),
    "contact_person": ("person_name", MaskRule(0, 0)),
}
PERSONAL_FIELDS = [*_MASKS, "postcode"]


def mask(field_name: str, value: str, applicant_type: str = "natural") -> str:
    """A masked form of one personal field (an organisation's own name is not personal)."""
    if not value:
        return ""
    if field_name == "name" and applicant_type != ApplicantType.NATURAL:
        return value
    if field_name == "postcode":
        return "*" * len(value)
    kind, rule = _MASKS[field_name]
    if kind == "mobile" and sum(c.isdigit() for c in value) < 11:
        kind = "landline"
    if kind == "id_card" and len(value) < 9:
        return "*" * len(value)
    return mask_value(kind, value, rule)


def personal_view(user: Any, app: Application) -> dict[str, str]:
    """The personal fields as this user may see them."""
    clear = may_see_personal_data(user, app)
    return {
        f: getattr(app, f) if clear else mask(f, getattr(app, f), app.applicant_type)
        for f in PERSONAL_FIELDS
    }


def staff_clock(app: Application, today: dt.date | None = None) -> Clock | None:
    """The full clock for staff, or None when it cannot be computed (see app.clock_error)."""
    try:
        return clock.compute(app, list(app.events.all()), today or timezone.localdate())
    except (UnknownYear, ClockError):
        return None


@dataclass
class BoardRow:
    app: Application
    flags: clock.Flags
    paused: bool
    reminder: str  # the latest reminder, "" when none
    due_changes: list[DueDateChange] = field(default_factory=list)  # moved, not yet seen


@dataclass
class OrgCounts:
    org_id: int
    name: str
    open: int = 0
    awaiting_receipt: int = 0
    running: int = 0
    paused: int = 0
    due_soon: int = 0
    overdue: int = 0
    blocked: int = 0
    closed_this_year: int = 0


@dataclass
class Dashboard:
    """The staff dashboard (办理看板): open cases in scope with their due dates and flags."""

    due_soon: list[Application]
    overdue: list[Application]
    paused: list[Application]
    awaiting_receipt: list[Application]
    calendar_problems: list[Application]
    rows: list[BoardRow] = field(default_factory=list)
    by_org: list[OrgCounts] = field(default_factory=list)
    missing_years: list[int] = field(default_factory=list)  # years blocking open cases
    last_year: int | None = None  # the last year with a holiday schedule
    horizon: dt.date | None = None  # the last receipt date whose due date is confirmed
    next_year: clock.NextYearStatus | None = None  # banner from 1 Nov while next year is 暂定
    provisional: list[Application] = field(default_factory=list)  # open cases with 暂定 dates


def _row_order(row: BoardRow) -> tuple:
    f, app = row.flags, row.app
    rank = (
        0 if f.overdue else 1 if f.at_risk else 2 if app.clock_error else 3 if app.due_date else 4
    )
    return (rank, app.due_date or dt.date.max, app.submitted_on, app.pk)


def dashboard(user: Any, today: dt.date | None = None) -> Dashboard:
    """Open cases in scope: due in ≤ N working days, overdue, paused, unconfirmed, no calendar;
    counts by organisation (with this year's closed cases) and what the calendar is missing."""
    day = today or timezone.localdate()
    scoped = staff_applications(user)
    open_cases = list(scoped.exclude(status=Application.Status.CLOSED).order_by("due_date", "pk"))
    latest: dict[int, str] = {}
    for app_id, kind_label, on in (
        Reminder.objects.filter(application__in=[a.pk for a in open_cases])
        .order_by("on", "pk")
        .values_list("application_id", "kind", "on")
    ):
        latest[app_id] = f"{on} {Reminder.Kind(kind_label).label}"
    changes: dict[int, list[DueDateChange]] = {}
    for ch in DueDateChange.objects.filter(
        application__in=[a.pk for a in open_cases], seen_at=None
    ).order_by("changed_at", "pk"):
        changes.setdefault(ch.application_id, []).append(ch)
    board = Dashboard([], [], [], [], [])
    orgs: dict[int, OrgCounts] = {}
    cal = clock.work_calendar()
    for app in open_cases:
        f = clock.flags(app, day, cal)
        paused = app.status in clock.STATUS_BY_PAUSE.values()
        counts = orgs.setdefault(app.org_id, OrgCounts(app.org_id, app.org.name))
        counts.open += 1
        if app.clock_error:
            board.calendar_problems.append(app)
            counts.blocked += 1
        if f.overdue:
            board.overdue.append(app)
            counts.overdue += 1
        elif f.at_risk:
            board.due_soon.append(app)
            counts.due_soon += 1
        if paused:
            board.paused.append(app)
            counts.paused += 1
        elif app.status == Application.Status.AWAITING_RECEIPT:
            board.awaiting_receipt.append(app)
            counts.awaiting_receipt += 1
        else:
            counts.running += 1
        if app.due_basis:
            board.provisional.append(app)
        board.rows.append(BoardRow(app, f, paused, latest.get(app.pk, ""), changes.get(app.pk, [])))
    closed = scoped.filter(status=Application.Status.CLOSED, closed_on__year=day.year).values_list(
        "org_id", "org__name"
    )
    for org_id, name in closed:
        orgs.setdefault(org_id, OrgCounts(org_id, name)).closed_this_year += 1
    board.rows.sort(key=_row_order)
    board.by_org = sorted(orgs.values(), key=lambda c: (-c.overdue, -c.due_soon, -c.open, c.name))
    board.missing_years = sorted(
        {int(y) for a in board.calendar_problems for y in re.findall(r"(\d{4}) 年", a.clock_error)}
    )
    board.last_year, board.horizon = clock.calendar_horizon()
    board.next_year = clock.next_year_status(day)
    return board


# --- the annual report -----------------------------------------------------------------------


def report_facts(org: Organization, year: int) -> list[report.CaseFacts]:
    """Case facts that can touch `year`: received by its end, and not closed before it."""
    qs = Application.objects.filter(org=org, received_on__lte=dt.date(year, 12, 31)).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=dt.date(year, 1, 1))
    )
    return [
        report.CaseFacts(ApplicantType(t), r, c, Disposition(d) if d else None)
        for t, r, c, d in qs.values_list(
            "applicant_type", "received_on", "closed_on", "disposition"
        )
    ]


def remedy_facts(org: Organization, year: int) -> list[report.RemedyFacts]:
    qs = Remedy.objects.filter(application__org=org, filed_on__year=year)
    return [
        report.RemedyFacts(k, f, o, d)
        for k, f, o, d in qs.values_list("kind", "filed_on", "outcome", "decided_on")
    ]


def document_facts(org: Organization, year: int) -> list[report.DocFacts]:
    """规章 and 行政规范性文件 of `org` for section 二 (第二十条第（一）项), from the platform's own
    public documents only (`public_documents()`: a draft, withdrawn or non-public item never counts).

    Kinds: 规章 = documents of the 政府规章 category (`InfoCategory.RULE`); 行政规范性文件 =
    categories flagged `is_normative`.
    End of force, by 效力状态 (validity): 废止 (repealed) or 失效 (expired) end on `expires_on`, or,
    without one, on the local date the document was last changed (`updated_at`, when the status was
    set); any other document with an `expires_on` ends on that day. Only 废止 counts as 本年废止;
    both take a document out of 现行有效."""
    V = Document.Validity
    qs = public_documents(DocumentFilters(org=org.code)).filter(
        Q(category__code=REGULATION_CATEGORY) | Q(category__is_normative=True),
        published_on__lte=dt.date(year, 12, 31),
    )
    facts = []
    for code, published, validity, expires, updated in qs.values_list(
        "category__code", "published_on", "validity", "expires_on", "updated_at"
    ):
        if published is None:  # excluded by the filter already; here for the type checker
            continue
        ended = validity in (V.REPEALED, V.EXPIRED)
        ended_on = (expires or timezone.localdate(updated)) if ended else expires
        kind = "regulation" if code == REGULATION_CATEGORY else "normative"
        facts.append(report.DocFacts(kind, published, ended_on, validity == V.REPEALED))
    return facts


def report_entry(org: Organization, year: int, *, include_draft: bool = False) -> Any:
    """The staff-written part of the report; an unpublished one only when `include_draft`."""
    qs = AnnualReportEntry.objects.filter(org=org, year=year)
    return qs.first() if include_draft else qs.filter(is_published=True).first()


def annual_report(org: Organization, year: int, *, include_draft: bool = False) -> dict[str, Any]:
    """政府信息公开工作年度报告 data for `org` and `year`: section 二 from the public documents, the
    enforcement records (`enforcement.selectors.section2_figures`) and, where none, the figures
    staff entered, section 三 from the cases, section 四 from the review and litigation
    records, sections 一、五、六 as staff wrote them. Counts only: nothing names a case or a person.
    The staff-written part appears only once published (定稿公开), unless `include_draft` (staff)."""
    entry = report_entry(org, year, include_draft=include_draft)
    figures = (
        report.StaffFigures(
            entry.licensing_decisions,
            entry.penalty_decisions,
            entry.enforcement_decisions,
            None if entry.fees_amount is None else f"{entry.fees_amount.normalize():f}",
        )
        if entry
        else report.StaffFigures()
    )
    # 第二十条第（五）（六）（八）项 from the enforcement records; typed figures only where none exist
    computed = {k: v for k, v in section2_figures(org, year).items() if v is not None}
    figures = dataclasses.replace(figures, **computed)
    section3 = report.build_section3(year, report_facts(org, year))

    def text(key: str, value: str) -> dict[str, str]:
        return {"title": report.TEXT_SECTIONS[key], "text": value if entry else ""}

    return {
        "org": org.name, "org_code": org.code, "year": year,
        "published": bool(entry and entry.is_published),
        "section1": text("section1", entry.overview if entry else ""),
        "section2": report.build_section2(year, document_facts(org, year), figures),
        "section3": section3.as_dict(),
        "section4": report.build_section4(year, remedy_facts(org, year)),
        "section5": text("section5", entry.problems if entry else ""),
        "section6": text("section6", entry.other_matters if entry else ""),
    }  # fmt: skip


def active_org(code: str) -> Organization | None:
    return Organization.objects.filter(code=code, is_active=True).first()
