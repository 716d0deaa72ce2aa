"""Reads on public participation. Public reads apply visibility here and nowhere else:

- consultations: only 已发布 ones; their comments only when the consultation shows comments and
  only after moderation (已审核), as de-identified text without name or contact; commenters'
  names appear only masked (朱**) in the published 意见采纳情况反馈.
- letters: only those published with the writer's consent (公开选登), as their de-identified
  public copies; never name, phone or e-mail. Statistics count and name nobody.
- major decisions: only items listed in the public catalogue; expert opinions only where
  marked for publication; result documents only through `public_documents()`.
- interpretations: only public documents, through `gongkai.documents.selectors`.

Staff reads are scoped by `gongkai.accounts.permissions`; a department sees only the letters
转办 to it (plus the mailbox organisation sees all of its mailboxes' letters).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.applications.clock import work_calendar
from gongkai.documents.models import Document
from gongkai.documents.selectors import public_documents
from gongkai.lib.pii import redact
from gongkai.lib.pii.masking import MaskRule, mask_value
from gongkai.lib.workdays import UnknownYear

from .models import (
    Comment,
    Consultation,
    DecisionStep,
    FeedbackGroup,
    ImportantPolicy,
    Letter,
    Mailbox,
    MajorDecision,
)

# =============================================================================================
# consultations


def public_consultations() -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(status=Consultation.Status.PUBLISHED)
        .select_related("org")
        .annotate(n_comments=Count("comments", filter=~Q(comments__status=Comment.Status.HIDDEN)))
        .order_by("-opens_on", "-id")
    )


def public_consultation(pk: int) -> Consultation | None:
    return public_consultations().filter(pk=pk).first()


PHASES = {"upcoming": "未开始", "open": "征求意见中", "closed": "已截止", "feedback": "已反馈"}


def phase(c: Consultation, today: dt.date) -> str:
    if c.feedback_published_on:
        return "feedback"
    if today < c.opens_on:
        return "upcoming"
    return "open" if today <= c.closes_on else "closed"


def masked_name(name: str) -> str:
    """朱** — the surname kept, the given name masked, as agencies publish commenters."""
    name = (name or "").strip()
    if not name:
        return "匿名"
    return mask_value("person_name", name, MaskRule(0, 0))


@dataclass(frozen=True)
class PublicComment:
    article: str
    body: str  # de-identified
    on: dt.date


def public_comments(c: Consultation) -> list[PublicComment]:
    """Moderated comments of a consultation that shows comments; no name, no contact."""
    if not c.show_comments or c.status != Consultation.Status.PUBLISHED:
        return []
    return [
        PublicComment(article=redact(x.article), body=redact(x.body), on=x.created_at.date())
        for x in c.comments.filter(status=Comment.Status.REVIEWED).order_by("id")
    ]


@dataclass(frozen=True)
class FeedbackRow:
    summary: str
    decision: str
    decision_label: str
    reason: str
    count: int
    commenters: list[str] = field(default_factory=list)  # masked


def feedback(c: Consultation) -> list[FeedbackRow] | None:
    """The published 意见采纳情况反馈, or None before it is published."""
    if not c.feedback_published_on or c.status != Consultation.Status.PUBLISHED:
        return None
    rows = []
    for g in c.groups.order_by("order", "id"):
        kept = [x for x in g.comments.all() if x.status == Comment.Status.REVIEWED]
        names = sorted({masked_name(x.name) for x in kept})
        rows.append(
            FeedbackRow(
                summary=redact(g.summary),
                decision=g.decision,
                decision_label=FeedbackGroup.Decision(g.decision).label,
                reason=redact(g.reason),
                count=len(kept),
                commenters=names,
            )
        )
    return rows


def staff_consultations(user: Any, action: Action = Action.VIEW) -> QuerySet[Consultation]:
    return permissions.scope(Consultation.objects.select_related("org"), user, action)


def staff_comments(user: Any, consultation_id: int) -> QuerySet[Comment]:
    c = permissions.get_scoped(Consultation.objects.all(), user, Action.VIEW, pk=consultation_id)
    return c.comments.select_related("group", "moderated_by").order_by("id")


# =============================================================================================
# letters


def active_mailboxes() -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(is_active=True, org__is_active=True).select_related("org")


def public_letters(mailbox: Mailbox | None = None) -> QuerySet[Letter]:
    qs = Letter.objects.filter(
        is_published=True, consent_publish=True, status=Letter.Status.ANSWERED
    ).select_related("mailbox", "department", "org")
    if mailbox is not None:
        qs = qs.filter(mailbox=mailbox)
    return qs.order_by("-published_on", "-id")


def public_letter(pk: int) -> Letter | None:
    return public_letters().filter(pk=pk).first()


def staff_letters(user: Any, action: Action = Action.VIEW) -> QuerySet[Letter]:
    """The mailbox organisation's letters, and a department's letters 转办 to it."""
    qs = Letter.objects.select_related("mailbox", "org", "department")
    ids = permissions.org_ids(user, action)
    if ids is None:
        return qs
    return qs.filter(Q(org__in=ids) | Q(department__in=ids))


def staff_letter(user: Any, pk: Any) -> Letter:
    if not str(pk).isdigit():
        raise permissions.NotFound("未找到该信件")
    letter = staff_letters(user).filter(pk=int(pk)).first()
    if letter is None:
        raise permissions.NotFound("未找到该信件")
    return letter


def threshold_warn_days() -> int:
    return int(getattr(settings, "GONGKAI_LETTER_THRESHOLD_WARN_DAYS", 45))


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class LetterFlags:
    overdue: bool
    remaining: int | None  # working days until due, None when unknown
    threshold_on: dt.date  # 3 months after the letter: the national inspection's veto line
    days_to_threshold: int
    threshold_level: str  # ok / warn / breached
    error: str = ""
    basis: str = ""  # 暂定 note of a provisional due date


def letter_flags(letter: Letter, today: dt.date, cal: Any = None) -> LetterFlags:
    """Time-limit flags of an open letter (国办秘函〔2019〕19号: >3 months unanswered fails a site).
    `cal`: the calendar, passed by callers flagging many letters (one lookup, not one each)."""
    threshold = add_months(letter.submitted_on, 3)
    left = (threshold - today).days
    level = "breached" if left < 0 else "warn" if left <= threshold_warn_days() else "ok"
    if not letter.is_open:
        level = "ok"
    remaining, error, basis, warn = None, letter.due_error, "", letter.due_on
    if letter.due_on is not None:
        cal = cal or work_calendar()
        try:
            if letter.accepted_on is not None:
                due = cal.qualify(letter.accepted_on, letter.due_on)
                basis, warn = due.basis, due.warn_date
            remaining = cal.working_days_between(today, letter.due_on)
        except UnknownYear as e:
            error = str(e)
    overdue = bool(letter.is_open and warn and today > warn)
    return LetterFlags(overdue, remaining, threshold, left, level, error, basis)


@dataclass
class StatRow:
    key: str
    received: int = 0
    answered: int = 0
    on_time: int = 0
    days_total: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.answered, 1) if self.answered else None

    @property
    def average_days(self) -> float | None:
        return round(self.days_total / self.answered, 1) if self.answered else None

    @property
    def satisfaction(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "received": self.received, "answered": self.answered,
            "on_time": self.on_time, "on_time_rate": self.on_time_rate,
            "average_days": self.average_days, "rated": self.rated,
            "satisfaction": self.satisfaction,
        }  # fmt: skip


ANSWERED = (Letter.Status.ANSWERED,)


def letter_statistics(year: int, org_id: int | None = None) -> dict[str, Any]:
    """Counts only: letters received, answered, answered on time, average days to answer
    (calendar days from letter to reply), satisfaction (基本满意 or better among ratings)."""
    qs = Letter.objects.filter(submitted_on__year=year).exclude(status=Letter.Status.CONVERTED)
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    rows = qs.values_list(
        "submitted_on", "status", "replied_on", "due_on", "rating", "department__name", "org__name"
    )
    months: dict[int, StatRow] = {m: StatRow(f"{m}月") for m in range(1, 13)}
    depts: dict[str, StatRow] = defaultdict(lambda: StatRow(""))
    total = StatRow("合计")
    for submitted, status, replied, due, rating, dept, org in rows:
        name = dept or org
        for row in (months[submitted.month], depts[name], total):
            row.received += 1
            if status in ANSWERED and replied is not None:
                row.answered += 1
                row.days_total += (replied - submitted).days
                if due is not None and replied <= due:
                    row.on_time += 1
            if rating is not None:
                row.rated += 1
                row.satisfied += rating >= Letter.Rating.FAIRLY_SATISFIED
    for name, row in depts.items():
        row.key = name
    peak = max((r.received for r in months.values()), default=0) or 1
    return {
        "year": year, "total": total, "months": list(months.values()),
        "departments": sorted(depts.values(), key=lambda r: (-r.received, r.key)), "peak": peak,
    }  # fmt: skip


# =============================================================================================
# 政策解读 — interpretations and the N-working-day rule


def interpretation_days() -> int:
    return int(getattr(settings, "GONGKAI_INTERPRETATION_DAYS", 3))


def public_interpretations() -> QuerySet[Document]:
    return (
        public_documents()
        .filter(category__is_interpretation=True)
        .select_related("interprets", "interprets__category")
    )


def public_policy_of(doc: Document) -> Document | None:
    """The interpreted policy, only when it is itself public."""
    if not doc.interprets_id:
        return None
    return public_documents().filter(pk=doc.interprets_id).first()


@dataclass(frozen=True)
class PolicyDue:
    policy: Document
    due_on: dt.date | None
    state: str  # on_time / late / due / overdue / unknown
    interpreted_on: dt.date | None
    error: str = ""
    basis: str = ""  # 暂定 note when the due date falls in a year without a confirmed schedule

    @property
    def state_label(self) -> str:
        return INTERPRETATION_STATES[self.state]


INTERPRETATION_STATES = {
    "on_time": "已按时解读", "late": "解读逾期发布", "due": "待解读", "overdue": "已超期未解读",
    "unknown": "无法计算期限",
}  # fmt: skip


def interpretation_status(
    today: dt.date, org_ids: set[int] | None = None, since: dt.date | None = None
) -> list[PolicyDue]:
    """Every published 规范性文件 or 重要政策 with its interpretation deadline: published with
    the policy, at the latest N working days after it (N = GONGKAI_INTERPRETATION_DAYS)."""
    n = interpretation_days()
    important = ImportantPolicy.objects.values("document_id")
    policies = (
        public_documents()
        .filter(Q(category__is_normative=True) | Q(pk__in=important))
        .exclude(category__is_interpretation=True)
    )
    if org_ids is not None:
        policies = policies.filter(org_id__in=org_ids)
    if since is not None:
        policies = policies.filter(published_on__gte=since)
    first: dict[int, dt.date] = {}
    for policy_id, on in (
        public_interpretations()
        .filter(interprets__in=policies)
        .values_list("interprets_id", "published_on")
    ):
        if on is not None and (policy_id not in first or on < first[policy_id]):
            first[policy_id] = on
    calendar = work_calendar()
    out: list[PolicyDue] = []
    for p in policies.order_by("published_on", "id"):
        interpreted = first.get(p.pk)
        if p.published_on is None:
            continue
        try:
            due = calendar.due(p.published_on, n)
        except UnknownYear as e:
            out.append(PolicyDue(p, None, "unknown", interpreted, str(e)))
            continue
        if interpreted is not None:
            state = "on_time" if interpreted <= due.date else "late"
        else:  # warned from the earliest plausible date when provisional
            state = "due" if today <= due.warn_date else "overdue"
        out.append(PolicyDue(p, due.date, state, interpreted, basis=due.basis))
    return out


def interpretation_figures(rows: list[PolicyDue]) -> dict[str, int]:
    """The monitoring figures: how many policies in each state."""
    figures = dict.fromkeys(INTERPRETATION_STATES, 0)
    for r in rows:
        figures[r.state] += 1
    figures["total"] = len(rows)
    return figures


# =============================================================================================
# 重大行政决策


def public_decisions(
    org_code: str | None = None, year: int | None = None
) -> QuerySet[MajorDecision]:
    qs = MajorDecision.objects.filter(listed=True, org__is_active=True).select_related("org")
    if org_code:
        qs = qs.filter(org__code=org_code)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "org__path", "id")


def public_decision(pk: int) -> MajorDecision | None:
    return public_decisions().filter(pk=pk).first()


@dataclass(frozen=True)
class PublicStep:
    kind: str
    label: str
    on: dt.date
    performed_by: str
    document: str
    note: str
    experts: str
    opinions: str
    passed: bool


def public_steps(d: MajorDecision) -> list[PublicStep]:
    return [
        PublicStep(
            kind=s.kind,
            label=DecisionStep.Kind(s.kind).label,
            on=s.on,
            performed_by=s.performed_by,
            document=s.document,
            note=redact(s.note),
            experts=s.experts if s.publish_opinions else "",
            opinions=redact(s.opinions) if s.publish_opinions else "",
            passed=s.passed,
        )
        for s in d.steps.order_by("on", "id")
    ]


def public_result_documents(d: MajorDecision) -> list[Document]:
    if d.status != MajorDecision.Status.PUBLISHED:
        return []
    return list(public_documents().filter(pk__in=d.result_documents.values("pk")))


def public_decision_consultation(d: MajorDecision) -> Consultation | None:
    if d.consultation_id is None:
        return None
    return public_consultation(d.consultation_id)


def step_status(d: MajorDecision) -> list[tuple[str, str, bool]]:
    """(kind, label, done) for the five statutory steps, in order."""
    done = set(d.steps.values_list("kind", flat=True))
    sealed = d.steps.filter(kind=DecisionStep.Kind.LEGALITY_REVIEW, passed=True).exists()
    return [
        (k.value, k.label, (k.value in done) if k != DecisionStep.Kind.LEGALITY_REVIEW else sealed)
        for k in DecisionStep.Kind
    ]


# =============================================================================================
# the staff dashboard


def dashboard(user: Any, today: dt.date) -> dict[str, Any]:
    ids = permissions.org_ids(user, Action.VIEW)
    rows = interpretation_status(today, ids, since=today - dt.timedelta(days=366))
    cal = work_calendar()
    open_letters = [
        (x, letter_flags(x, today, cal))
        for x in staff_letters(user).filter(status__in=Letter.OPEN_STATES).order_by("submitted_on")
    ]
    consultations = staff_consultations(user).annotate(
        pending=Count("comments", filter=Q(comments__status=Comment.Status.PENDING))
    )
    return {
        "interpretations": [r for r in rows if r.state in ("due", "overdue", "unknown", "late")],
        "interpretation_figures": interpretation_figures(rows),
        "interpretation_days": interpretation_days(),
        "letters": [(x, f) for x, f in open_letters if f.overdue or f.threshold_level != "ok"
                    or f.error],
        "open_letters": len(open_letters),
        "overdue_letters": sum(1 for _, f in open_letters if f.overdue),
        "threshold_warn_days": threshold_warn_days(),
        "consultations_pending": [c for c in consultations if c.pending],
        "consultations_awaiting_feedback": [
            c for c in consultations
            if c.status == Consultation.Status.PUBLISHED and c.closes_on < today
            and not c.feedback_published_on
        ],
    }  # fmt: skip
