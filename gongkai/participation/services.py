"""Writes on public participation: the only place its rules change state.

Consultation on drafts (征求意见, spec §5; 《重大行政决策程序暂行条例》 Art. 14–15):
- A consultation is open from `opens_on` to `closes_on` inclusive. Drafts of major decisions and
  rules (规章) stay open at least `GONGKAI_CONSULTATION_MIN_DAYS` (30) days, normative documents
  at least `GONGKAI_CONSULTATION_NORMATIVE_WORKDAYS` (7) working days; a shorter period needs
  its reason, recorded and published with the consultation.
- Public comments are accepted only while it is open; a duplicate text is refused; a comment
  is shown only after moderation (and only if the consultation shows comments), never with
  personal data. After it closes, staff group comments and record for each group 采纳 /
  部分采纳 / 未采纳; 部分采纳 and 未采纳 need the reason. The 意见采纳情况反馈 is published only
  when every comment is moderated and every kept comment is in a group.

Leader mailbox (领导信箱): 受理 → 转办 → 办理 → 答复 → 审核 → 公开. The reply is due
`Mailbox.reply_days` working days after acceptance (day 1 is the first working day after); a
year without a holiday schedule is noted on the letter (`due_error`), never guessed. The writer
rates the reply on the 好差评 scale and may reopen an unsatisfied letter once. A letter is
published (公开选登) only with the writer's consent, its text de-identified by
`gongkai.lib.pii.redact`. A letter that is really an information request becomes an
on-request application (《政府信息公开条例》 Art. 27–29) with one action, keeping its history.

Major decisions (重大行政决策, Order 713 Art. 3, 6–31): the five steps 公众参与、专家论证、
风险评估、合法性审查、集体讨论决定 are recorded with date, document and who did them; without a
passed 合法性审查 (Art. 28) the collective discussion is refused. After the decision the result
and its public documents are published.

Policy interpretation (政策解读): a published document can be marked 重要政策; the time rule
itself is read in `selectors.interpretation_status`.

Every change is one transaction and appends one audit entry (no personal data in it).
"""

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.applications import services as applications
from gongkai.applications.clock import work_calendar
from gongkai.applications.codes import new_query_code, query_code_matches, query_digest
from gongkai.audit.services import record
from gongkai.documents.models import Document
from gongkai.documents.selectors import public_documents
from gongkai.lib.errors import Conflict
from gongkai.lib.pii import redact
from gongkai.lib.richtext import sanitize_html
from gongkai.lib.workdays import UnknownYear
from gongkai.organizations.models import Organization

from .models import (
    Comment,
    Consultation,
    DecisionStep,
    FeedbackGroup,
    ImportantPolicy,
    Letter,
    LetterEvent,
    Mailbox,
    MajorDecision,
    ReplyTemplate,
)

MAX_COMMENT = 5000
MAX_LETTER = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9](?:(?:转|-)[0-9]{1,6})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Public:
    """A member of the public as an audit actor: no account, never a name in the trail."""

    pk = None
    username = "公众（网上提交）"
    is_authenticated = False


PUBLIC = Public()


def _text(value: Any) -> str:
    return _CONTROL.sub("", unicodedata.normalize("NFC", str(value or ""))).strip()


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _sync(target: Any, locked: Any) -> None:
    """The caller's instance shows the state written under the row lock."""
    target.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})


def _lengths(data: dict[str, str], limits: dict[str, tuple[str, int]]) -> dict[str, str]:
    return {
        key: f"{label}过长（{len(data[key])} 字），请控制在 {limit} 字以内"
        for key, (label, limit) in limits.items()
        if len(data.get(key, "")) > limit
    }


# =============================================================================================
# 征求意见 — consultation on drafts


def min_days() -> int:
    return int(getattr(settings, "GONGKAI_CONSULTATION_MIN_DAYS", 30))


def normative_min_workdays() -> int:
    return int(getattr(settings, "GONGKAI_CONSULTATION_NORMATIVE_WORKDAYS", 7))


def period_shortfall(kind: str, opens_on: dt.date, closes_on: dt.date) -> str:
    """Why the period is too short for `kind` ("" when long enough). UnknownYear propagates."""
    K = Consultation.Kind
    days = (closes_on - opens_on).days + 1
    if kind in (K.MAJOR_DECISION, K.RULE) and days < min_days():
        return f"{K(kind).label}草案征求意见期限一般不少于{min_days()}日（本次{days}日）"
    if kind == K.NORMATIVE:
        cal = work_calendar()
        workdays = cal.working_days_between(opens_on - dt.timedelta(days=1), closes_on)
        if workdays < normative_min_workdays():
            note = cal.qualify(opens_on - dt.timedelta(days=1), closes_on).basis
            return (
                f"行政规范性文件草案征求意见期限一般不少于{normative_min_workdays()}个工作日"
                f"（本次{workdays}个工作日{'，' + note if note else ''}）"
            )
    return ""


def period_basis(kind: str, opens_on: dt.date, closes_on: dt.date) -> str:
    """The 暂定 note of a period counted in working days into a year without a confirmed
    schedule ("" otherwise); shown beside the period check."""
    if kind != Consultation.Kind.NORMATIVE:
        return ""
    try:
        return work_calendar().qualify(opens_on - dt.timedelta(days=1), closes_on).basis
    except UnknownYear as e:
        return str(e)


CONSULTATION_FIELDS = [
    "title", "department", "kind", "draft_html", "explanation_html", "basis", "opens_on",
    "closes_on", "shortened_reason", "show_comments", "contact", "feedback_summary",
]  # fmt: skip


def clean_consultation(c: Consultation) -> None:
    errors: dict[str, str] = {}
    c.title = _text(c.title)
    c.shortened_reason = _text(c.shortened_reason)
    c.draft_html = sanitize_html(c.draft_html or "")
    c.explanation_html = sanitize_html(c.explanation_html or "")
    if not c.title:
        errors["title"] = "请填写标题"
    if not c.draft_html.strip():
        errors["draft_html"] = "请提供草案全文"
    if c.kind not in Consultation.Kind.values:
        errors["kind"] = "草案类型应为：重大行政决策、政府规章、行政规范性文件、其他"
    if not c.opens_on:
        errors["opens_on"] = "请填写开始日期"
    if not c.closes_on:
        errors["closes_on"] = "请填写截止日期"
    if not errors and c.closes_on < c.opens_on:
        errors["closes_on"] = "截止日期不能早于开始日期"
    if not errors:
        try:
            short = period_shortfall(c.kind, c.opens_on, c.closes_on)
        except UnknownYear as e:
            short = ""
            errors["closes_on"] = str(e)
        if short and not c.shortened_reason:
            errors["shortened_reason"] = f"{short}；缩短期限须说明理由并随征求意见一并公布"
    if errors:
        raise ValidationError(errors)
    c.full_clean(exclude=["org"])


def _consultation_view(c: Consultation) -> dict[str, Any]:
    return {
        "title": c.title, "kind": c.kind, "opens_on": c.opens_on, "closes_on": c.closes_on,
        "shortened_reason": c.shortened_reason, "status": c.status,
    }  # fmt: skip


def _apply(obj: Any, data: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({k: "该字段不可修改" for k in sorted(unknown)})
    for key, value in data.items():
        setattr(obj, key, value)


@transaction.atomic
def create_consultation(
    *, by: Any, org: Organization, data: dict[str, Any], ip: str = ""
) -> Consultation:
    permissions.require(by, Action.EDIT, org.pk)
    c = Consultation(org=org)
    _apply(c, data, CONSULTATION_FIELDS)
    clean_consultation(c)
    c.save()
    record(
        "consultation.create", actor=by, obj=c, org_id=org.pk, after=_consultation_view(c), ip=ip
    )
    return c


def _locked_consultation(c: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().select_related("org").get(pk=c.pk)


@transaction.atomic
def update_consultation(
    consultation: Consultation, *, by: Any, data: dict[str, Any], ip: str = ""
) -> Consultation:
    c = _locked_consultation(consultation)
    permissions.require(by, Action.EDIT, c.org_id)
    if c.status == Consultation.Status.PUBLISHED and set(data) - {
        "feedback_summary",
        "show_comments",
    }:
        raise Conflict("已发布的征求意见不能修改草案和期限；如需修改请先撤回")
    before = _consultation_view(c)
    _apply(c, data, CONSULTATION_FIELDS)
    clean_consultation(c)
    c.save()
    record("consultation.update", actor=by, obj=c, org_id=c.org_id, before=before,
           after=_consultation_view(c), ip=ip)  # fmt: skip
    _sync(consultation, c)
    return c


@transaction.atomic
def publish_consultation(consultation: Consultation, *, by: Any, ip: str = "") -> Consultation:
    c = _locked_consultation(consultation)
    permissions.require(by, Action.REVIEW, c.org_id)
    if c.status == Consultation.Status.PUBLISHED:
        raise Conflict("该征求意见已发布")
    clean_consultation(c)
    c.status = Consultation.Status.PUBLISHED
    c.save()
    record(
        "consultation.publish", actor=by, obj=c, org_id=c.org_id, after=_consultation_view(c), ip=ip
    )
    _sync(consultation, c)
    return c


@transaction.atomic
def withdraw_consultation(
    consultation: Consultation, *, by: Any, reason: str, ip: str = ""
) -> Consultation:
    c = _locked_consultation(consultation)
    permissions.require(by, Action.REVIEW, c.org_id)
    if c.status != Consultation.Status.PUBLISHED:
        raise Conflict("只有已发布的征求意见可以撤回")
    if not _text(reason):
        raise ValidationError({"reason": "请填写撤回理由"})
    c.status = Consultation.Status.WITHDRAWN
    c.save()
    record("consultation.withdraw", actor=by, obj=c, org_id=c.org_id,
           after={"status": c.status, "reason": _text(reason)}, ip=ip)  # fmt: skip
    _sync(consultation, c)
    return c


def is_open(c: Consultation, today: dt.date) -> bool:
    return c.status == Consultation.Status.PUBLISHED and c.opens_on <= today <= c.closes_on


def comment_digest(consultation_id: int, body: str) -> str:
    """The same words, whatever the spacing, width or case, are one comment."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", body)).casefold()
    return hashlib.sha256(f"{consultation_id}:{folded}".encode()).hexdigest()


def clean_comment(data: dict[str, Any]) -> dict[str, str]:
    allowed = {"name", "contact", "article", "body"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({k: "不能填写该字段" for k in sorted(unknown)})
    out = {k: _text(data.get(k)) for k in allowed}
    errors = _lengths(out, {"name": ("姓名", 50), "contact": ("联系方式", 100),
                            "article": ("针对条款", 100), "body": ("意见内容", MAX_COMMENT)})  # fmt: skip
    if not out["body"]:
        errors["body"] = "请填写意见内容"
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def submit_comment(
    consultation: Consultation, *, data: dict[str, Any], ip: str = "",
    today: dt.date | None = None,
) -> Comment:  # fmt: skip
    """A public comment; it waits for moderation and is never shown with personal data."""
    day = _today(today)
    c = Consultation.objects.get(pk=consultation.pk)
    if not is_open(c, day):
        raise Conflict(f"该草案征求意见时间为 {c.opens_on} 至 {c.closes_on}，当前不在征求意见期内")
    fields = clean_comment(data)
    comment = Comment(consultation=c, **fields, digest=comment_digest(c.pk, fields["body"]))
    if Comment.objects.filter(consultation=c, digest=comment.digest).exists():
        raise ValidationError({"body": "相同内容的意见已经提交过，无需重复提交"})
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:  # the same text from a concurrent request
        raise ValidationError({"body": "相同内容的意见已经提交过，无需重复提交"}) from None
    record("comment.submit", actor=PUBLIC, obj=comment, org_id=c.org_id, ip=ip,
           after={"consultation": c.pk, "length": len(fields["body"])})  # fmt: skip
    return comment


@transaction.atomic
def moderate(comment: Comment, *, by: Any, action: str, ip: str = "") -> Comment:
    """Mark a comment reviewed (it may then be shown) or hide it; the moderator is recorded."""
    locked = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    permissions.require(by, Action.EDIT, locked.consultation.org_id)
    target = {"review": Comment.Status.REVIEWED, "hide": Comment.Status.HIDDEN}.get(action)
    if target is None:
        raise ValidationError({"action": "审核操作应为 review（通过）或 hide（屏蔽）"})
    before = locked.status
    locked.status = target
    locked.moderated_by = _user(by)
    locked.moderated_at = timezone.now()
    if target == Comment.Status.HIDDEN:
        locked.group = None
    locked.save()
    comment.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    record("comment.moderate", actor=by, obj=locked, org_id=locked.consultation.org_id, ip=ip,
           before={"status": before}, after={"status": target})  # fmt: skip
    return locked


def _require_closed(c: Consultation, day: dt.date) -> None:
    if c.status != Consultation.Status.PUBLISHED or day <= c.closes_on:
        raise Conflict(f"征求意见截止（{c.closes_on}）后才能归类意见和反馈采纳情况")


@transaction.atomic
def save_group(
    consultation: Consultation, *, by: Any, summary: str, decision: str, reason: str = "",
    comment_ids: list[int] | None = None, group: FeedbackGroup | None = None, ip: str = "",
    today: dt.date | None = None,
) -> FeedbackGroup:  # fmt: skip
    """Create or change a group of comments with its 采纳情况; the reason is required unless 采纳."""
    c = _locked_consultation(consultation)
    permissions.require(by, Action.EDIT, c.org_id)
    _require_closed(c, _today(today))
    if c.feedback_published_on:
        raise Conflict("采纳情况反馈已发布，不能再修改")
    errors: dict[str, str] = {}
    if not _text(summary):
        errors["summary"] = "请概括这组意见"
    if decision not in FeedbackGroup.Decision.values:
        errors["decision"] = "采纳情况应为：采纳、部分采纳、未采纳"
    elif decision != FeedbackGroup.Decision.ADOPTED and not _text(reason):
        errors["reason"] = f"“{FeedbackGroup.Decision(decision).label}”须说明理由"
    ids = list(comment_ids or [])
    comments = list(Comment.objects.filter(consultation=c, pk__in=ids))
    if len(comments) != len(set(ids)):
        errors["comment_ids"] = "所选意见不属于该征求意见"
    elif any(x.status == Comment.Status.HIDDEN for x in comments):
        errors["comment_ids"] = "已屏蔽的意见不能归类"
    if errors:
        raise ValidationError(errors)
    g = group or FeedbackGroup(consultation=c, order=c.groups.count() + 1)
    if g.consultation_id != c.pk:
        raise ValidationError({"group": "该归类不属于此征求意见"})
    g.summary, g.decision, g.reason = _text(summary), decision, _text(reason)
    g.save()
    Comment.objects.filter(consultation=c, pk__in=ids).update(group=g)
    record("consultation.group", actor=by, obj=c, org_id=c.org_id, ip=ip,
           after={"group": g.pk, "decision": decision, "comments": sorted(set(ids))})  # fmt: skip
    return g


@transaction.atomic
def publish_feedback(
    consultation: Consultation, *, by: Any, summary: str = "", ip: str = "",
    today: dt.date | None = None,
) -> Consultation:  # fmt: skip
    """Publish the 意见采纳情况反馈: every comment moderated, every kept comment grouped."""
    day = _today(today)
    c = _locked_consultation(consultation)
    permissions.require(by, Action.REVIEW, c.org_id)
    _require_closed(c, day)
    if c.feedback_published_on:
        raise Conflict("采纳情况反馈已发布")
    pending = c.comments.filter(status=Comment.Status.PENDING).count()
    if pending:
        raise Conflict(f"还有 {pending} 条意见未审核，审核后才能发布采纳情况反馈")
    loose = c.comments.filter(status=Comment.Status.REVIEWED, group=None).count()
    if loose:
        raise Conflict(f"还有 {loose} 条意见未归类，归类并说明采纳情况后才能发布")
    if c.groups.exclude(decision=FeedbackGroup.Decision.ADOPTED).filter(reason="").exists():
        raise Conflict("未采纳或部分采纳的意见须说明理由")
    if _text(summary):
        c.feedback_summary = _text(summary)
    c.feedback_published_on = day
    c.save()
    record("consultation.feedback", actor=by, obj=c, org_id=c.org_id, ip=ip,
           after={"feedback_published_on": day, "groups": c.groups.count()})  # fmt: skip
    _sync(consultation, c)
    return c


# =============================================================================================
# 领导信箱 — the leader mailbox

MAILBOX_FIELDS = ["code", "name", "intro", "reply_days", "is_active", "order"]


@transaction.atomic
def save_mailbox(
    *, by: Any, org: Organization, data: dict[str, Any], mailbox: Mailbox | None = None,
    ip: str = "",
) -> Mailbox:  # fmt: skip
    permissions.require(by, Action.MANAGE, org.pk)
    box = mailbox or Mailbox(org=org)
    _apply(box, data, MAILBOX_FIELDS)
    if not box.reply_days or int(box.reply_days) < 1:
        raise ValidationError({"reply_days": "答复时限应至少为1个工作日"})
    box.full_clean()
    creating = box.pk is None
    box.save()
    record("mailbox.create" if creating else "mailbox.update", actor=by, obj=box, org_id=org.pk,
           after={"code": box.code, "name": box.name, "reply_days": box.reply_days}, ip=ip)  # fmt: skip
    return box


@transaction.atomic
def save_reply_template(
    *, by: Any, org: Organization, title: str, body: str, template: ReplyTemplate | None = None,
    ip: str = "",
) -> ReplyTemplate:  # fmt: skip
    permissions.require(by, Action.EDIT, org.pk)
    if not _text(title) or not _text(body):
        raise ValidationError({"body": "请填写模板名称和内容"})
    t = template or ReplyTemplate(org=org)
    t.title, t.body = _text(title), _text(body)
    t.save()
    record("reply_template.save", actor=by, obj=t, org_id=org.pk, after={"title": t.title}, ip=ip)
    return t


def render_template(template: ReplyTemplate | str, letter: Letter) -> str:
    body = template if isinstance(template, str) else template.body
    return body.replace("{姓名称呼}", f"{letter.name[:1]}先生/女士").replace(
        "{标题}", letter.subject
    )


LETTER_FIELDS = ["kind", "subject", "content", "name", "phone", "email", "consent_publish"]


def clean_letter(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(LETTER_FIELDS)
    if unknown:
        raise ValidationError({k: "不能填写该字段" for k in sorted(unknown)})
    out: dict[str, Any] = {k: _text(data.get(k)) for k in LETTER_FIELDS if k != "consent_publish"}
    out["consent_publish"] = bool(data.get("consent_publish"))
    errors = _lengths(out, {"subject": ("标题", 200), "content": ("来信内容", MAX_LETTER),
                            "name": ("姓名", 50), "phone": ("联系电话", 30),
                            "email": ("电子邮箱", 100)})  # fmt: skip
    for key, label in (("subject", "标题"), ("content", "来信内容"), ("name", "姓名")):
        if not out[key]:
            errors.setdefault(key, f"请填写{label}")
    if out["kind"] not in Letter.Kind.values:
        errors["kind"] = "请选择来信类型：咨询、建议、投诉、求助"
    if not out["phone"] and not out["email"]:
        errors["phone"] = "请至少填写联系电话或电子邮箱之一，以便答复"
    if out["phone"] and not _PHONE.match(out["phone"]):
        errors.setdefault("phone", "联系电话格式不正确，如 13800138000 或 0951-1234567")
    if out["email"] and not _EMAIL.match(out["email"]):
        errors["email"] = "电子邮箱格式不正确"
    if errors:
        raise ValidationError(errors)
    return out


def _new_tracking_no(on: dt.date) -> str:
    while True:
        candidate = f"XJ{on:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not Letter.objects.filter(tracking_no=candidate).exists():
            return candidate


def _event(letter: Letter, action: str, on: dt.date, by: Any, note: str = "") -> None:
    LetterEvent.objects.create(
        letter=letter, action=action, on=on, note=note, by=_user(by),
        by_label=getattr(by, "username", "") or "系统",
    )  # fmt: skip


def _letter_view(letter: Letter) -> dict[str, Any]:
    """What the audit trail keeps of a letter: its state, never the writer's personal data."""
    return {
        "tracking_no": letter.tracking_no, "status": letter.status,
        "department": letter.department_id, "accepted_on": letter.accepted_on,
        "due_on": letter.due_on, "replied_on": letter.replied_on, "rating": letter.rating,
        "reopened": letter.reopened, "is_published": letter.is_published,
    }  # fmt: skip


@transaction.atomic
def submit_letter(
    mailbox: Mailbox, *, data: dict[str, Any], ip: str = "", today: dt.date | None = None
) -> tuple[Letter, str]:
    """A citizen's letter; returns it with its query code, shown once."""
    if not mailbox.is_active:
        raise ValidationError({"mailbox": "该信箱暂停接收来信"})
    day = _today(today)
    fields = clean_letter(data)
    code = new_query_code()
    letter = Letter(mailbox=mailbox, org_id=mailbox.org_id, submitted_on=day, **fields)
    letter.tracking_no = _new_tracking_no(day)
    letter.query_digest = query_digest(letter.tracking_no, code)
    letter.save()
    _event(letter, "来信", day, PUBLIC)
    record("letter.submit", actor=PUBLIC, obj=letter, org_id=letter.org_id, ip=ip,
           after={**_letter_view(letter), "mailbox": mailbox.code, "kind": letter.kind})  # fmt: skip
    return letter, code


def _locked_letter(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("mailbox", "org").get(pk=letter.pk)


def _set_due(letter: Letter, start: dt.date) -> None:
    """The reply is due `reply_days` working days after `start`; an unknown year is noted."""
    try:
        letter.due_on = work_calendar().add_working_days(start, letter.mailbox.reply_days)
        letter.due_error = ""
    except UnknownYear as e:
        letter.due_on, letter.due_error = None, str(e)


def _handler_org(letter: Letter) -> int:
    return letter.department_id or letter.org_id


def _step(
    letter: Letter, *, by: Any, action: str, label: str, states: tuple[str, ...], to: str,
    right: Action, org_of: str = "org", note: str = "", ip: str = "", today: dt.date | None = None,
    change: Any = None,
) -> Letter:  # fmt: skip
    locked = _locked_letter(letter)
    org_id = locked.org_id if org_of == "org" else _handler_org(locked)
    if not (permissions.can(by, right, org_id) or permissions.can(by, right, locked.org_id)):
        permissions.require(by, right, org_id)
    if locked.status not in states:
        raise Conflict(
            f"信件 {locked.tracking_no} 当前为“{locked.get_status_display()}”，不能{label}"
        )
    day = _today(today)
    before = _letter_view(locked)
    if change is not None:
        change(locked, day)
    locked.status = to
    locked.save()
    _event(locked, label, day, by, note)
    record(f"letter.{action}", actor=by, obj=locked, org_id=locked.org_id, before=before,
           after=_letter_view(locked), ip=ip)  # fmt: skip
    _sync(letter, locked)
    return locked


S = Letter.Status


def accept(letter: Letter, *, by: Any, ip: str = "", today: dt.date | None = None) -> Letter:
    """受理: the reply time limit starts."""

    def change(locked: Letter, day: dt.date) -> None:
        locked.accepted_on = day
        _set_due(locked, day)

    with transaction.atomic():
        return _step(letter, by=by, action="accept", label="受理", states=(S.SUBMITTED,),
                     to=S.ACCEPTED, right=Action.EDIT, ip=ip, today=today, change=change)  # fmt: skip


def reject(
    letter: Letter, *, by: Any, reason: str, ip: str = "", today: dt.date | None = None
) -> Letter:
    """不予受理 (e.g. no content, abuse), with the reason told to the writer."""
    if not _text(reason):
        raise ValidationError({"reason": "请填写不予受理的理由"})

    def change(locked: Letter, day: dt.date) -> None:
        locked.reply = _text(reason)
        locked.replied_on = day

    with transaction.atomic():
        return _step(letter, by=by, action="reject", label="不予受理", states=(S.SUBMITTED,),
                     to=S.REJECTED, right=Action.EDIT, note=_text(reason), ip=ip, today=today,
                     change=change)  # fmt: skip


def assign(
    letter: Letter, *, by: Any, department: Organization, note: str = "", ip: str = "",
    today: dt.date | None = None,
) -> Letter:  # fmt: skip
    """转办 to a department, which then sees this letter (and only its own letters)."""
    if not department.is_active:
        raise ValidationError({"department": "承办单位已停用"})

    def change(locked: Letter, day: dt.date) -> None:
        locked.department = department

    with transaction.atomic():
        return _step(letter, by=by, action="assign", label="转办",
                     states=(S.ACCEPTED, S.ASSIGNED, S.HANDLING), to=S.ASSIGNED, right=Action.EDIT,
                     note=f"转{department.name}办理。{_text(note)}".strip(), ip=ip, today=today,
                     change=change)  # fmt: skip


def start_handling(
    letter: Letter, *, by: Any, ip: str = "", today: dt.date | None = None
) -> Letter:
    with transaction.atomic():
        return _step(letter, by=by, action="handle", label="办理", states=(S.ACCEPTED, S.ASSIGNED),
                     to=S.HANDLING, right=Action.EDIT, org_of="handler", ip=ip, today=today)  # fmt: skip


def draft_reply(
    letter: Letter, *, by: Any, text: str, ip: str = "", today: dt.date | None = None
) -> Letter:
    """答复 drafted by the handling department; it goes to 审核 before the writer sees it."""
    body = _text(text)
    if not body:
        raise ValidationError({"text": "请填写答复内容"})
    if len(body) > MAX_LETTER:
        raise ValidationError({"text": f"答复过长，请控制在 {MAX_LETTER} 字以内"})

    def change(locked: Letter, day: dt.date) -> None:
        locked.reply = body

    with transaction.atomic():
        return _step(letter, by=by, action="reply", label="答复",
                     states=(S.ACCEPTED, S.ASSIGNED, S.HANDLING), to=S.REPLIED, right=Action.EDIT,
                     org_of="handler", ip=ip, today=today, change=change)  # fmt: skip


@transaction.atomic
def bulk_reply(
    letters: list[Letter], *, by: Any, template: ReplyTemplate | str, ip: str = "",
    today: dt.date | None = None,
) -> list[Letter]:  # fmt: skip
    """One answer for several letters on the same matter (each personalised); all or none."""
    if not letters:
        raise ValidationError({"letters": "请选择要答复的信件"})
    return [
        draft_reply(x, by=by, text=render_template(template, x), ip=ip, today=today)
        for x in letters
    ]


def return_reply(
    letter: Letter, *, by: Any, reason: str, ip: str = "", today: dt.date | None = None
) -> Letter:
    if not _text(reason):
        raise ValidationError({"reason": "请填写退回理由"})
    with transaction.atomic():
        return _step(letter, by=by, action="return", label="审核退回", states=(S.REPLIED,),
                     to=S.HANDLING, right=Action.REVIEW, note=_text(reason), ip=ip, today=today)  # fmt: skip


def approve_reply(letter: Letter, *, by: Any, ip: str = "", today: dt.date | None = None) -> Letter:
    """审核 passed: the reply is sent to the writer; that day is the reply date."""

    def change(locked: Letter, day: dt.date) -> None:
        locked.replied_on = day

    with transaction.atomic():
        return _step(letter, by=by, action="approve", label="审核通过", states=(S.REPLIED,),
                     to=S.ANSWERED, right=Action.REVIEW, ip=ip, today=today, change=change)  # fmt: skip


@transaction.atomic
def publish_letter(
    letter: Letter, *, by: Any, subject: str = "", question: str = "", reply: str = "",
    ip: str = "", today: dt.date | None = None,
) -> Letter:  # fmt: skip
    """公开选登: only with the writer's consent, only an answered letter, personal data removed.

    Staff may shorten the texts; whatever they give is de-identified again."""
    locked = _locked_letter(letter)
    permissions.require(by, Action.REVIEW, locked.org_id)
    if not locked.consent_publish:
        raise Conflict("来信人未同意公开，不能选登")
    if locked.status != S.ANSWERED:
        raise Conflict("只有已答复（审核通过）的信件可以公开")
    day = _today(today)
    locked.public_subject = redact(_text(subject) or locked.subject)
    locked.public_question = redact(_text(question) or locked.content)
    locked.public_reply = redact(_text(reply) or locked.reply)
    for value in (locked.name, locked.phone, locked.email):
        # the writer's own name and contact never appear, even where the detector misses them
        if value and len(value) >= 2:
            stars = value[:1] + "*" * (len(value) - 1)
            locked.public_subject = locked.public_subject.replace(value, stars)
            locked.public_question = locked.public_question.replace(value, stars)
            locked.public_reply = locked.public_reply.replace(value, stars)
    locked.is_published = True
    locked.published_on = day
    locked.save()
    _event(locked, "公开", day, by)
    record("letter.publish", actor=by, obj=locked, org_id=locked.org_id,
           after=_letter_view(locked), ip=ip)  # fmt: skip
    _sync(letter, locked)
    return locked


@transaction.atomic
def unpublish_letter(letter: Letter, *, by: Any, reason: str, ip: str = "") -> Letter:
    locked = _locked_letter(letter)
    permissions.require(by, Action.REVIEW, locked.org_id)
    if not locked.is_published:
        raise Conflict("该信件未公开")
    locked.is_published = False
    locked.save()
    _event(locked, "撤下公开", timezone.localdate(), by, _text(reason))
    record("letter.unpublish", actor=by, obj=locked, org_id=locked.org_id,
           after=_letter_view(locked), ip=ip)  # fmt: skip
    _sync(letter, locked)
    return locked


def find_letter(tracking_no: str, code: str) -> Letter | None:
    """The writer's letter by tracking number AND query code; None for a wrong code or number."""
    letter = Letter.objects.select_related("mailbox").filter(tracking_no=_text(tracking_no)).first()
    # query_code_matches reads only tracking_no and query_digest, which a Letter has too
    if letter is None or not query_code_matches(letter, code):  # type: ignore[arg-type]
        return None
    return letter


UNSATISFIED = (Letter.Rating.UNSATISFIED, Letter.Rating.VERY_UNSATISFIED)


@transaction.atomic
def rate(
    letter: Letter, *, rating: int, reason: str = "", ip: str = "", today: dt.date | None = None
) -> Letter:
    """The writer rates the reply (好差评); an unsatisfied rating needs its reason."""
    locked = _locked_letter(letter)
    if locked.status != S.ANSWERED:
        raise Conflict("答复后才能评价")
    if locked.rating is not None:
        raise Conflict("您已评价过本次答复")
    try:
        value = Letter.Rating(int(rating))
    except (TypeError, ValueError):
        raise ValidationError(
            {"rating": "评价应为：非常满意、满意、基本满意、不满意、非常不满意"}
        ) from None
    why = _text(reason)
    if value in UNSATISFIED and not why:
        raise ValidationError({"reason": "选择不满意时请说明理由，以便改进"})
    if len(why) > 1000:
        raise ValidationError({"reason": "理由请控制在 1000 字以内"})
    before = _letter_view(locked)
    locked.rating, locked.rating_reason = int(value), why
    locked.save()
    _event(locked, f"评价：{value.label}", _today(today), PUBLIC)
    record("letter.rate", actor=PUBLIC, obj=locked, org_id=locked.org_id, before=before,
           after=_letter_view(locked))  # fmt: skip
    _sync(letter, locked)
    return locked


@transaction.atomic
def reopen(letter: Letter, *, reason: str, ip: str = "", today: dt.date | None = None) -> Letter:
    """An unsatisfied writer may reopen the letter once; it is handled again on a new time limit."""
    locked = _locked_letter(letter)
    day = _today(today)
    if locked.status != S.ANSWERED or locked.rating not in UNSATISFIED:
        raise Conflict("只有评价为不满意的已答复信件可以申请重新办理")
    if locked.reopened:
        raise Conflict("每封信件只能申请重新办理一次")
    if not _text(reason):
        raise ValidationError({"reason": "请说明需要重新办理的理由"})
    before = _letter_view(locked)
    _event(locked, "申请重新办理", day, PUBLIC, f"原答复：{locked.reply}\n理由：{_text(reason)}")
    locked.reopened = True
    locked.status = S.HANDLING
    locked.reply, locked.replied_on, locked.rating, locked.rating_reason = "", None, None, ""
    locked.is_published = False
    locked.accepted_on = day
    _set_due(locked, day)
    locked.save()
    record("letter.reopen", actor=PUBLIC, obj=locked, org_id=locked.org_id, before=before,
           after=_letter_view(locked))  # fmt: skip
    _sync(letter, locked)
    return locked


@transaction.atomic
def convert_to_application(
    letter: Letter, *, by: Any, applicant: dict[str, Any], ip: str = "",
    today: dt.date | None = None,
) -> Any:  # fmt: skip
    """A letter that is really an information request becomes an on-request application
    (Art. 29): the writer's name, contact and text are carried over; staff add what Art. 29
    needs and the letter lacks (identity document, form and delivery). The letter keeps its
    history and points to the application. Returns (application, query code)."""
    locked = _locked_letter(letter)
    permissions.require(by, Action.EDIT, locked.org_id)
    if not locked.is_open:
        raise Conflict(f"信件当前为“{locked.get_status_display()}”，不能转为政府信息公开申请")
    day = _today(today)
    data: dict[str, Any] = {
        "applicant_type": "natural", "name": locked.name, "phone": locked.phone,
        "email": locked.email, "description": f"{locked.subject}：{locked.content}"[:5000],
        "purpose": f"由{locked.mailbox.name}来信 {locked.tracking_no} 转来",
    }  # fmt: skip
    data.update({k: v for k, v in applicant.items() if v not in (None, "")})
    app, code = applications.register(
        by=by, org=locked.org, data=data, channel="online", submitted_on=locked.submitted_on,
        confirmed_on=day, ip=ip, today=day,
    )  # fmt: skip
    before = _letter_view(locked)
    locked.status = S.CONVERTED
    locked.application = app
    locked.save()
    _event(locked, "转为政府信息公开申请", day, by, f"申请编号 {app.tracking_no}")
    record("letter.convert", actor=by, obj=locked, org_id=locked.org_id, before=before,
           after={**_letter_view(locked), "application": app.tracking_no}, ip=ip)  # fmt: skip
    _sync(letter, locked)
    return app, code


@transaction.atomic
def recompute_due(
    today: dt.date | None = None, by: Any = permissions.SYSTEM, reason: str = "节假日安排变更"
) -> int:
    """After a holiday schedule is entered (`ParticipationConfig.calendar_changed`): the reply
    due dates of open letters, in one transaction; each that moves gets an event and an audit
    entry, the others are not touched."""
    changed, day = 0, today or timezone.localdate()
    for letter in (
        Letter.objects.select_for_update()
        .select_related("mailbox")
        .filter(status__in=Letter.OPEN_STATES, accepted_on__isnull=False)
        .order_by("pk")
    ):
        before = _letter_view(letter)
        _set_due(letter, letter.accepted_on)  # type: ignore[arg-type]
        if _letter_view(letter) != before:
            letter.save()
            _event(
                letter, "答复期限调整", day, by, f"{before['due_on']} → {letter.due_on}：{reason}"
            )
            record("letter.recompute", actor=by, obj=letter, org_id=letter.org_id, before=before,
                   after=_letter_view(letter))  # fmt: skip
            changed += 1
    return changed


# =============================================================================================
# 重大行政决策 — major decisions

DECISION_FIELDS = ["year", "title", "description", "sponsor", "listed", "consultation"]
K = DecisionStep.Kind


@transaction.atomic
def save_decision(
    *, by: Any, org: Organization, data: dict[str, Any], decision: MajorDecision | None = None,
    ip: str = "",
) -> MajorDecision:  # fmt: skip
    """An item of the annual 决策事项目录 (Order 713 Art. 10)."""
    permissions.require(by, Action.EDIT, org.pk)
    d = decision or MajorDecision(org=org)
    _apply(d, data, DECISION_FIELDS)
    d.title = _text(d.title)
    if not d.title:
        raise ValidationError({"title": "请填写决策事项名称"})
    if d.consultation is not None and d.consultation.org_id != org.pk:
        raise ValidationError({"consultation": "所关联的征求意见不属于本机关"})
    d.full_clean(exclude=["result_documents"])
    creating = d.pk is None
    d.save()
    record("decision.create" if creating else "decision.update", actor=by, obj=d, org_id=org.pk,
           after={"year": d.year, "title": d.title, "listed": d.listed}, ip=ip)  # fmt: skip
    return d


@transaction.atomic
def record_step(
    decision: MajorDecision, *, by: Any, kind: str, on: dt.date, performed_by: str,
    document: str = "", note: str = "", experts: str = "", opinions: str = "",
    publish_opinions: bool = False, passed: bool = False, ip: str = "",
    today: dt.date | None = None,
) -> DecisionStep:  # fmt: skip
    """One of the five statutory steps. The gate: 集体讨论决定 only after a passed 合法性审查
    (Order 713 Art. 28: 未经合法性审查或者经审查不合法的，不得提交集体讨论)."""
    d = MajorDecision.objects.select_for_update().get(pk=decision.pk)
    permissions.require(by, Action.EDIT, d.org_id)
    errors: dict[str, str] = {}
    if kind not in K.values:
        raise ValidationError(
            {"kind": "程序应为：公众参与、专家论证、风险评估、合法性审查、集体讨论决定"}
        )
    if on > _today(today):
        errors["on"] = "不能登记未来日期"
    if not _text(performed_by):
        errors["performed_by"] = "请填写承办人或承办机构"
    if kind == K.PUBLIC_PARTICIPATION and d.consultation_id is None and not _text(document):
        errors["document"] = "公众参与须关联征求意见，或填写公众参与的方式和文书"
    if kind == K.EXPERT_REVIEW and not (_text(experts) and _text(opinions)):
        errors["experts"] = "专家论证须记录论证专家及其意见"
    if errors:
        raise ValidationError(errors)
    if d.status != MajorDecision.Status.PLANNED:
        raise Conflict("已作出决策的事项不能再登记决策程序")
    if kind == K.COLLECTIVE_DECISION:
        seal = d.steps.filter(kind=K.LEGALITY_REVIEW, passed=True).order_by("-on").first()
        if seal is None:
            raise Conflict(
                "该决策草案未经合法性审查或审查未通过，不得提交集体讨论决定"
                "（《重大行政决策程序暂行条例》第二十八条）"
            )
        if on < seal.on:
            raise ValidationError({"on": f"集体讨论日期不能早于合法性审查日期 {seal.on}"})
    step = DecisionStep.objects.create(
        decision=d, kind=kind, on=on, performed_by=_text(performed_by), document=_text(document),
        note=_text(note), experts=_text(experts), opinions=_text(opinions),
        publish_opinions=bool(publish_opinions), passed=bool(passed) and kind == K.LEGALITY_REVIEW,
        created_by=_user(by),
    )  # fmt: skip
    if kind == K.COLLECTIVE_DECISION:
        d.status, d.decided_on = MajorDecision.Status.DECIDED, on
        d.save()
    record(f"decision.step.{kind}", actor=by, obj=d, org_id=d.org_id, ip=ip,
           after={"step": kind, "on": on, "passed": step.passed, "status": d.status})  # fmt: skip
    decision.__dict__.update({k: v for k, v in d.__dict__.items() if not k.startswith("_")})
    return step


@transaction.atomic
def publish_result(
    decision: MajorDecision, *, by: Any, result: str, documents: list[Document] | None = None,
    ip: str = "",
) -> MajorDecision:  # fmt: skip
    """The decision and its documents are published and linked (Order 713 Art. 32)."""
    d = MajorDecision.objects.select_for_update().get(pk=decision.pk)
    permissions.require(by, Action.REVIEW, d.org_id)
    if d.status != MajorDecision.Status.DECIDED:
        raise Conflict("集体讨论决定后才能公开决策结果")
    if not _text(result):
        raise ValidationError({"result": "请填写决策结果"})
    ids = [doc.pk for doc in documents or []]
    public = list(public_documents().filter(pk__in=ids))
    if len(public) != len(set(ids)):
        raise ValidationError({"documents": "只能关联已公开发布的政府信息"})
    d.result = _text(result)
    d.status = MajorDecision.Status.PUBLISHED
    d.save()
    d.result_documents.set(public)
    record("decision.publish", actor=by, obj=d, org_id=d.org_id, ip=ip,
           after={"status": d.status, "documents": sorted(ids)})  # fmt: skip
    decision.__dict__.update({k: v for k, v in d.__dict__.items() if not k.startswith("_")})
    return d


# =============================================================================================
# 政策解读 — important policies


@transaction.atomic
def mark_important(document: Document, *, by: Any, important: bool = True, ip: str = "") -> None:
    """Mark a document 重要政策: it then needs an interpretation in time, like 规范性文件."""
    permissions.require(by, Action.EDIT, document.org_id)
    if important:
        _, created = ImportantPolicy.objects.get_or_create(
            document=document, defaults={"marked_by": _user(by)}
        )
    else:
        created = bool(ImportantPolicy.objects.filter(document=document).delete()[0])
    if created:
        record("policy.important", actor=by, obj=document, org_id=document.org_id, ip=ip,
               after={"important": important})  # fmt: skip
