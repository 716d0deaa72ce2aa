"""Writes of execution disclosure: the only place its rules change state (spec response.md).

- Tasks (§1): one lead or none, co-departments never the lead; 已完成 exactly when a completion
  date is recorded; 已调整 needs the approved change's reason. Progress reports are written by
  staff of the lead (or the plan's organisation) and start a 未启动 task.
- 督查 (§2): findings and 问责 are recorded, then the 督查结论 date makes the inspection public;
  a finding counts as rectified only with both the 整改情况 text and its date.
- 建议提案 (§3): due `PROPOSAL_MONTHS` calendar months after 交办 (a missing day moves to the
  month's last day), extended at most to `PROPOSAL_MAX_MONTHS` after 交办 with a reason; the reply
  carries a grade from `PROPOSAL_GRADES` and a disclosure mode (不公开 needs a reason). A 全文 /
  摘要 reply becomes a `documents.Document` of category 建议提案办理复文, submitted through
  `documents.services` (review/PII gate, 索引号 and search at publication); text holding an
  unmasked mobile or ID number is refused before anything is saved (46号: contact details are
  never published).
- 政务舆情 (§4): a response is recorded with its form and time, never before the detection.
- 新闻发布会 (§5): recorded, then published with its 实录/video/photos and public documents only.
- 在线访谈 (§6): announced at least `INTERVIEW_NOTICE_DAYS` (3) days before it starts; public
  questions are shown only after moderation and never with the asker; a question not answered
  live is answered within `INTERVIEW_FOLLOWUP_WORKDAYS` (5) working days after the end.

Every change is one transaction with one audit entry (no contact data in it).
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.audit.services import record
from gongkai.documents import services as documents
from gongkai.documents.models import Document, InfoCategory
from gongkai.lib.errors import Conflict
from gongkai.lib.pii import detect
from gongkai.lib.richtext import html_to_lines
from gongkai.organizations.models import Organization
from gongkai.review.services import TYPE_LABELS
from gongkai.search import services as search
from gongkai.search.interface import SearchEntry

from . import conf, visibility
from .clocks import add_months
from .models import (
    Accountability,
    Finding,
    Inspection,
    Interview,
    OpinionEvent,
    Plan,
    PressConference,
    Proposal,
    Proposer,
    Question,
    Response,
    Task,
    TaskCategory,
    TaskReport,
)

REPLY_CATEGORY = ("proposal_reply", "建议提案办理复文")
SEARCH_BATCH = 1000
_FORBIDDEN_IN_REPLY = ("mobile", "id_card")  # natural persons' identifiers (spec §7)


def _require_text(errors: dict[str, str], data: dict[str, Any], key: str, label: str) -> str:
    value = str(data.get(key) or "").strip()
    if not value:
        errors[key] = f"{label}不能为空"
    return value


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# =============================================================================================
# 重点工作任务


@transaction.atomic
def create_plan(*, by: Any, org: Organization, year: int, title: str,
                source_document: Document | None = None) -> Plan:  # fmt: skip
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {}
    title = _require_text(errors, {"title": title}, "title", "标题")
    if not 2000 <= int(year) <= 2099:
        errors["year"] = "年度应在 2000–2099 之间"
    _raise(errors)
    plan = Plan.objects.create(org=org, year=year, title=title, source_document=source_document)
    record("execution.plan.create", actor=by, obj=plan, org_id=org.pk,
           after={"year": year, "title": title})  # fmt: skip
    return plan


@transaction.atomic
def publish_plan(plan: Plan, *, by: Any) -> Plan:
    permissions.require(by, Action.REVIEW, plan.org_id)
    plan.status = Plan.Status.PUBLISHED
    plan.save(update_fields=["status"])
    sync_search("task", plan.tasks.values_list("pk", flat=True))
    record("execution.plan.publish", actor=by, obj=plan, org_id=plan.org_id)
    return plan


@transaction.atomic
def category(plan: Plan, *, by: Any, name: str, order: int = 0) -> TaskCategory:
    permissions.require(by, Action.EDIT, plan.org_id)
    name = name.strip()
    _raise({"name": "大类名称不能为空"} if not name else {})
    cat, created = TaskCategory.objects.get_or_create(
        plan=plan, name=name, defaults={"order": order}
    )
    if created:
        record("execution.category.create", actor=by, obj=cat, org_id=plan.org_id,
               after={"name": name})  # fmt: skip
    return cat


def check_task(task: Task, co_orgs: list[Organization], errors: dict[str, str]) -> None:
    if task.lead_org_id and any(o.pk == task.lead_org_id for o in co_orgs):
        errors["co_orgs"] = "配合部门不能与牵头部门相同"
    if task.status == Task.Status.DONE and not task.completed_on:
        errors["completed_on"] = "已完成的任务须填写完成日期"
    if task.completed_on and task.status != Task.Status.DONE:
        errors["status"] = "填写了完成日期的任务状态应为“已完成”"
    if task.status == Task.Status.ADJUSTED and not task.adjustment_reason.strip():
        errors["adjustment_reason"] = "已调整的任务须说明经批准的调整内容和理由"
    if task.status not in Task.Status.values:
        errors["status"] = "状态应为：未启动、推进中、已完成、已调整"
    if task.category_id and task.category is not None and task.category.plan_id != task.plan_id:
        errors["category"] = "大类不属于该计划"


@transaction.atomic
def save_task(task: Task, *, by: Any, co_orgs: list[Organization] | None = None) -> Task:
    """Create or change a task (the form's values already set on `task`)."""
    permissions.require(by, Action.EDIT, task.plan.org_id)
    errors: dict[str, str] = {}
    task.title = task.title.strip()
    if not task.title:
        errors["title"] = "任务不能为空"
    co = list(co_orgs) if co_orgs is not None else (list(task.co_orgs.all()) if task.pk else [])
    check_task(task, co, errors)
    _raise(errors)
    created = task.pk is None
    task.save()
    task.co_orgs.set(co)
    if task.plan.status == Plan.Status.PUBLISHED:
        sync_search("task", [task.pk])
    record("execution.task.create" if created else "execution.task.update", actor=by, obj=task,
           org_id=task.plan.org_id, after={
               "number": task.number, "status": task.status, "due_on": str(task.due_on or ""),
               "completed_on": str(task.completed_on or ""), "lead_org": task.lead_org_id,
               "co_orgs": sorted(o.pk for o in co)})  # fmt: skip
    return task


def _report_org(task: Task, by: Any) -> Organization:
    """The lead reports (spec §1: it collects the co-departments' input); else the plan's org."""
    for org in (task.lead_org, task.plan.org):
        if org is not None and permissions.can(by, Action.EDIT, org.pk):
            return org
    permissions.require(by, Action.EDIT, (task.lead_org or task.plan.org).pk)
    raise AssertionError("unreachable")  # require raised


@transaction.atomic
def add_report(task: Task, *, by: Any, on: dt.date, text: str) -> TaskReport:
    org = _report_org(task, by)
    errors: dict[str, str] = {}
    text = _require_text(errors, {"text": text}, "text", "工作进展")
    if len(text) > 5000:
        errors["text"] = "工作进展过长，请控制在 5000 字以内"
    _raise(errors)
    report = TaskReport.objects.create(task=task, org=org, on=on, text=text)
    if task.status == Task.Status.NOT_STARTED:
        Task.objects.filter(pk=task.pk).update(status=Task.Status.IN_PROGRESS)
        task.status = Task.Status.IN_PROGRESS
    if task.plan.status == Plan.Status.PUBLISHED:
        sync_search("task", [task.pk])
    record("execution.task.report", actor=by, obj=report, org_id=org.pk,
           after={"task": task.pk, "on": on.isoformat()})  # fmt: skip
    return report


# =============================================================================================
# 督查


@transaction.atomic
def create_inspection(
    *, by: Any, org: Organization, title: str, working_notes: str = ""
) -> Inspection:
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {}
    title = _require_text(errors, {"title": title}, "title", "标题")
    _raise(errors)
    insp = Inspection.objects.create(org=org, title=title, working_notes=working_notes)
    record("execution.inspection.create", actor=by, obj=insp, org_id=org.pk, after={"title": title})
    return insp


@transaction.atomic
def add_finding(inspection: Inspection, *, by: Any, data: dict[str, Any]) -> Finding:
    permissions.require(by, Action.EDIT, inspection.org_id)
    errors: dict[str, str] = {}
    values = {k: _require_text(errors, data, k, label) for k, label in (
        ("matter", "事项名称"), ("responsible", "责任主体"), ("facts", "主要事实"),
        ("requirement", "整改要求"))}  # fmt: skip
    _raise(errors)
    f = Finding.objects.create(inspection=inspection, rectify_due_on=data.get("rectify_due_on"),
                               **values)  # fmt: skip
    if inspection.concluded_on:
        sync_search("inspection", [inspection.pk])
    record("execution.finding.create", actor=by, obj=f, org_id=inspection.org_id,
           after={"matter": f.matter})  # fmt: skip
    return f


@transaction.atomic
def rectify(finding: Finding, *, by: Any, text: str, on: dt.date | None) -> Finding:
    """Record 整改情况; with its date the finding counts as rectified (spec §2)."""
    permissions.require(by, Action.EDIT, finding.inspection.org_id)
    errors: dict[str, str] = {}
    finding.rectification = _require_text(errors, {"text": text}, "text", "整改情况")
    _raise(errors)
    finding.rectified_on = on
    finding.save(update_fields=["rectification", "rectified_on"])
    if finding.inspection.concluded_on:
        sync_search("inspection", [finding.inspection_id])
    record("execution.finding.rectify", actor=by, obj=finding, org_id=finding.inspection.org_id,
           after={"rectified_on": str(on or "")})  # fmt: skip
    return finding


@transaction.atomic
def add_accountability(inspection: Inspection, *, by: Any, data: dict[str, Any]) -> Accountability:
    permissions.require(by, Action.EDIT, inspection.org_id)
    errors: dict[str, str] = {}
    values = {k: _require_text(errors, data, k, label) for k, label in (
        ("subject", "问责主体"), ("basis", "依据"), ("action", "处理方式"))}  # fmt: skip
    _raise(errors)
    a = Accountability.objects.create(inspection=inspection, **values)
    if inspection.concluded_on:
        sync_search("inspection", [inspection.pk])
    record("execution.accountability.create", actor=by, obj=a, org_id=inspection.org_id)
    return a


@transaction.atomic
def conclude(inspection: Inspection, *, by: Any, on: dt.date) -> Inspection:
    """The 督查结论 (督查条例): from then on the findings and their rectification are public."""
    permissions.require(by, Action.REVIEW, inspection.org_id)
    if inspection.concluded_on:
        raise Conflict("该督查已作出结论")
    inspection.concluded_on = on
    inspection.save(update_fields=["concluded_on"])
    sync_search("inspection", [inspection.pk])
    record("execution.inspection.conclude", actor=by, obj=inspection, org_id=inspection.org_id,
           after={"concluded_on": on.isoformat()})  # fmt: skip
    return inspection


# =============================================================================================
# 建议提案


def due_on(kind: str, assigned_on: dt.date) -> dt.date:
    return add_months(assigned_on, int(conf.get("PROPOSAL_MONTHS")[kind]))


def latest_extension(assigned_on: dt.date) -> dt.date:
    return add_months(assigned_on, int(conf.get("PROPOSAL_MAX_MONTHS")))


@transaction.atomic
def register_proposal(*, by: Any, data: dict[str, Any], proposers: list[dict[str, str]],
                      co_units: list[Organization] | None = None) -> Proposal:  # fmt: skip
    """交办: the item with its proposers (names public, contact data staff-only)."""
    lead: Organization = data["lead_unit"]
    permissions.require(by, Action.EDIT, lead.pk)
    errors: dict[str, str] = {}
    kind = data.get("kind", "")
    if kind not in Proposal.Kind.values:
        errors["kind"] = "类别应为：建议、提案"
    values = {k: _require_text(errors, data, k, label) for k, label in (
        ("meeting", "届次会议"), ("number", "编号"), ("title", "标题"))}  # fmt: skip
    assigned_on = data.get("assigned_on")
    if not isinstance(assigned_on, dt.date):
        errors["assigned_on"] = "请填写交办日期"
    co = list(co_units or [])
    if any(u.pk == lead.pk for u in co):
        errors["co_units"] = "协办单位不能与主办单位相同"
    if not proposers or not all(str(p.get("name", "")).strip() for p in proposers):
        errors["proposers"] = "请填写领衔代表或委员的姓名"
    if not errors and Proposal.objects.filter(meeting=values["meeting"], kind=kind,
                                              number=values["number"]).exists():  # fmt: skip
        errors["number"] = "该届次会议已有同一编号的建议或提案"
    _raise(errors)
    assert isinstance(assigned_on, dt.date)
    p = Proposal.objects.create(kind=kind, lead_unit=lead, assigned_on=assigned_on,
                                due_on=due_on(kind, assigned_on), **values)  # fmt: skip
    p.co_units.set(co)
    Proposer.objects.bulk_create([
        Proposer(proposal=p, name=x["name"].strip(), mobile=x.get("mobile", "").strip(),
                 address=x.get("address", "").strip()) for x in proposers
    ])  # fmt: skip
    record("execution.proposal.register", actor=by, obj=p, org_id=lead.pk, after={
        "kind": kind, "meeting": p.meeting, "number": p.number, "due_on": p.due_on.isoformat(),
        "co_units": sorted(u.pk for u in co)})  # fmt: skip
    return p


def _locked(p: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("lead_unit").get(pk=p.pk)


@transaction.atomic
def extend(proposal: Proposal, *, by: Any, to: dt.date, reason: str) -> Proposal:
    p = _locked(proposal)
    permissions.require(by, Action.EDIT, p.lead_unit_id)
    if p.replied_on:
        raise Conflict("已答复的建议提案不能延期")
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "请说明延期理由（须经交办机关同意）"
    limit = latest_extension(p.assigned_on)
    if to <= p.due_on:
        errors["to"] = f"延期后的期限应晚于原办理期限 {p.due_on.isoformat()}"
    elif to > limit:
        errors["to"] = (
            f"延期后的期限不能晚于交办之日起 {conf.get('PROPOSAL_MAX_MONTHS')} 个月（{limit.isoformat()}）"
        )
    _raise(errors)
    before = {"extended_to": str(p.extended_to or "")}
    p.extended_to, p.extension_reason = to, reason.strip()
    p.save(update_fields=["extended_to", "extension_reason"])
    record("execution.proposal.extend", actor=by, obj=p, org_id=p.lead_unit_id, before=before,
           after={"extended_to": to.isoformat(), "reason": p.extension_reason})  # fmt: skip
    proposal.__dict__.update({"extended_to": to, "extension_reason": p.extension_reason})
    return p


def reply_category() -> InfoCategory:
    # the migration creates it; a flushed test database may have lost it
    cat, _ = InfoCategory.objects.get_or_create(
        code=REPLY_CATEGORY[0], defaults={"name": REPLY_CATEGORY[1], "order": 900}
    )
    return cat


def reply_title(p: Proposal) -> str:
    return f"关于{p.meeting}第{p.number}号{p.get_kind_display()}的答复"


def _identifiers(text: str) -> list[str]:
    found = detect(text, types=_FORBIDDEN_IN_REPLY, context_tagger=False)
    return list(dict.fromkeys(TYPE_LABELS.get(f.type, f.type) for f in found))


@transaction.atomic
def reply(proposal: Proposal, *, by: Any, replied_on: dt.date, grade: str, disclosure: str,
          text: str, reason: str = "", ip: str = "") -> Proposal:  # fmt: skip
    """答复: grade, disclosure and text; a public reply goes to review as a Document."""
    p = _locked(proposal)
    permissions.require(by, Action.EDIT, p.lead_unit_id)
    if p.replied_on:
        raise Conflict("该建议提案已答复")
    errors: dict[str, str] = {}
    grades = conf.get("PROPOSAL_GRADES")
    if grade not in grades:
        errors["grade"] = "办理结果类别应为：" + "、".join(grades)
    if replied_on < p.assigned_on:
        errors["replied_on"] = f"答复日期不能早于交办日期 {p.assigned_on.isoformat()}"
    text = (text or "").strip()
    if not text:
        errors["text"] = "答复内容不能为空"
    D = Proposal.Disclosure
    if disclosure not in D.values:
        errors["disclosure"] = "公开方式应为：全文公开（full）、摘要公开（summary）、不公开（none）"
    elif disclosure == D.NONE and not reason.strip():
        errors["reason"] = "不公开须说明理由"
    elif disclosure != D.NONE and text and (kinds := _identifiers(text)):
        errors["text"] = (
            "答复含未遮盖的个人信息（" + "、".join(kinds) + "），不能公开，请遮盖后再提交"
        )
    _raise(errors)
    p.replied_on, p.grade, p.disclosure, p.reply_text = replied_on, grade, disclosure, text
    p.disclosure_reason = reason.strip() if disclosure == D.NONE else ""
    if disclosure != D.NONE:
        doc = documents.create_document(by=by, org=p.lead_unit, ip=ip, data={
            "title": reply_title(p), "category": reply_category(), "written_on": replied_on,
            "body_html": "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip()),
            "summary": f"办理结果：{grade}类（{grades[grade]}）",
        })  # fmt: skip
        documents.submit(doc, by=by, ip=ip)  # 先审查、后公开: the reviewer publishes
        p.reply_document = doc
    p.save()
    record("execution.proposal.reply", actor=by, obj=p, org_id=p.lead_unit_id, ip=ip, after={
        "replied_on": replied_on.isoformat(), "grade": grade, "disclosure": disclosure,
        "document": p.reply_document_id})  # fmt: skip
    proposal.__dict__.update({k: v for k, v in p.__dict__.items() if not k.startswith("_")})
    return p


def publish_reply(proposal: Proposal, *, by: Any, today: dt.date | None = None) -> Document:
    """Publish the reply's Document through the documents flow (review gate, 索引号, search)."""
    if proposal.reply_document_id is None:
        raise Conflict("该建议提案没有待公开的复文")
    return documents.publish(proposal.reply_document, by=by, today=today)  # type: ignore[arg-type]


@transaction.atomic
def record_satisfaction(proposal: Proposal, *, by: Any, value: str) -> Proposal:
    permissions.require(by, Action.EDIT, proposal.lead_unit_id)
    if not proposal.replied_on:
        raise Conflict("答复后才能登记代表委员的意见")
    if value not in Proposal.Satisfaction.values:
        raise ValidationError({"satisfaction": "应为：满意、基本满意、不满意"})
    proposal.satisfaction = value
    proposal.save(update_fields=["satisfaction"])
    record("execution.proposal.satisfaction", actor=by, obj=proposal,
           org_id=proposal.lead_unit_id, after={"satisfaction": value})  # fmt: skip
    return proposal


# =============================================================================================
# 政务舆情


@transaction.atomic
def register_event(*, by: Any, org: Organization, title: str, level: str, detected_at: dt.datetime,
                   category: str = "", internal_notes: str = "") -> OpinionEvent:  # fmt: skip
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {}
    title = _require_text(errors, {"title": title}, "title", "舆情事项")
    if level not in OpinionEvent.Level.values:
        errors["level"] = "级别应为：特别重大、重大、较大、一般"
    if detected_at.tzinfo is None:
        errors["detected_at"] = "发现时间须带时区"
    _raise(errors)
    e = OpinionEvent.objects.create(org=org, title=title, level=level, detected_at=detected_at,
                                    category=category, internal_notes=internal_notes)  # fmt: skip
    record("execution.event.register", actor=by, obj=e, org_id=org.pk,
           after={"level": level, "detected_at": detected_at.isoformat()})  # fmt: skip
    return e


@transaction.atomic
def respond(event: OpinionEvent, *, by: Any, form: str, at: dt.datetime, text: str,
            related: list[Document] | None = None, ip: str = "") -> Response:  # fmt: skip
    permissions.require(by, Action.EDIT, event.org_id)
    errors: dict[str, str] = {}
    if form not in Response.Form.values:
        errors["form"] = "回应形式应为：" + "、".join(
            f"{v}（{k}）" for k, v in Response.Form.choices
        )
    if at.tzinfo is None:
        errors["at"] = "回应时间须带时区"
    elif at < event.detected_at:
        errors["at"] = "回应时间不能早于舆情发现时间"
    text = _require_text(errors, {"text": text}, "text", "回应内容")
    if text and (kinds := _identifiers(text)):
        errors["text"] = "回应内容含未遮盖的个人信息（" + "、".join(kinds) + "）"
    _raise(errors)
    r = Response.objects.create(event=event, form=form, at=at, text=text)
    if related:
        r.related_documents.set(related)
    sync_search("response", [event.pk])  # public from its first response on
    record("execution.event.respond", actor=by, obj=r, org_id=event.org_id, ip=ip,
           after={"event": event.pk, "form": form, "at": at.isoformat()})  # fmt: skip
    return r


# =============================================================================================
# 新闻发布会 and 在线访谈


def _lines(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = "\n".join(str(v) for v in value)
    return "\n".join(x.strip() for x in str(value or "").splitlines() if x.strip())


@transaction.atomic
def record_press(*, by: Any, org: Organization, data: dict[str, Any],
                 documents_: list[Document] | None = None) -> PressConference:  # fmt: skip
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {}
    title = _require_text(errors, data, "title", "标题")
    held_at: Any = data.get("held_at")
    if not isinstance(held_at, dt.datetime) or held_at.tzinfo is None:
        errors["held_at"] = "请填写带时区的举行时间"
    event = data.get("event")
    if (
        event is not None
        and event.org_id != org.pk
        and not permissions.can(by, Action.VIEW, event.org_id)
    ):
        errors["event"] = "所选舆情不在本机构范围内"
    _raise(errors)
    pc = PressConference.objects.create(
        org=org, title=title, held_at=held_at, announced_at=data.get("announced_at"),
        speakers=_lines(data.get("speakers")), transcript=str(data.get("transcript") or ""),
        video_url=str(data.get("video_url") or ""), photos=_lines(data.get("photos")), event=event,
    )  # fmt: skip
    if documents_:
        pc.documents.set(documents_)
    record("execution.press.record", actor=by, obj=pc, org_id=org.pk, after={"title": title})
    return pc


@transaction.atomic
def publish_press(pc: PressConference, *, by: Any) -> PressConference:
    permissions.require(by, Action.REVIEW, pc.org_id)
    pc.status = PressConference.Status.PUBLISHED
    pc.save(update_fields=["status"])
    sync_search("press", [pc.pk])
    record("execution.press.publish", actor=by, obj=pc, org_id=pc.org_id)
    return pc


@transaction.atomic
def schedule_interview(*, by: Any, org: Organization, data: dict[str, Any]) -> Interview:
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {}
    title = _require_text(errors, data, "title", "主题")
    times: dict[str, Any] = {k: data.get(k) for k in ("announced_at", "starts_at", "ends_at")}
    for key, value in times.items():
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            errors[key] = "请填写带时区的时间"
    if not errors:
        notice = int(conf.get("INTERVIEW_NOTICE_DAYS"))
        if times["ends_at"] <= times["starts_at"]:
            errors["ends_at"] = "结束时间应晚于开始时间"
        if times["starts_at"] - times["announced_at"] < dt.timedelta(days=notice):
            errors["announced_at"] = f"访谈须至少提前 {notice} 天预告"
    _raise(errors)
    iv = Interview.objects.create(org=org, title=title, guests=_lines(data.get("guests")),
                                  transcript=str(data.get("transcript") or ""), **times)  # fmt: skip
    record("execution.interview.schedule", actor=by, obj=iv, org_id=org.pk,
           after={"starts_at": times["starts_at"].isoformat()})  # fmt: skip
    return iv


@transaction.atomic
def publish_interview(iv: Interview, *, by: Any, transcript: str | None = None) -> Interview:
    permissions.require(by, Action.REVIEW, iv.org_id)
    if transcript is not None:
        iv.transcript = transcript
    iv.status = Interview.Status.PUBLISHED
    iv.save(update_fields=["status", "transcript"])
    sync_search("interview", [iv.pk])
    record("execution.interview.publish", actor=by, obj=iv, org_id=iv.org_id)
    return iv


MAX_QUESTION = 2000
MAX_ASKER = Question._meta.get_field("asker").max_length or 50
MAX_CONTACT = Question._meta.get_field("asker_contact").max_length or 100


def accepts_questions(iv: Interview, now: dt.datetime) -> bool:
    """The public may ask from the announcement until the interview ends (spec §6)."""
    return iv.status == Interview.Status.PUBLISHED and iv.announced_at <= now <= iv.ends_at


def _plain(value: Any) -> str:
    """Plain text: whatever HTML a visitor typed is dropped (nh3), entities read as text."""
    return html_to_lines(str(value or "")).strip()


@transaction.atomic
def ask(iv: Interview, *, question: str, asker: str = "", contact: str = "",
        ip: str = "") -> Question:  # fmt: skip
    """A question from the public: held for moderation; the asker stays staff-only."""
    errors: dict[str, str] = {}
    question = _require_text(errors, {"question": _plain(question)}, "question", "问题")
    asker, contact = _plain(asker), _plain(contact)
    if len(question) > MAX_QUESTION:
        errors["question"] = f"问题过长，请控制在 {MAX_QUESTION} 字以内"
    if len(asker) > MAX_ASKER:
        errors["name"] = f"姓名过长，请控制在 {MAX_ASKER} 字以内"
    if len(contact) > MAX_CONTACT:
        errors["contact"] = f"联系方式过长，请控制在 {MAX_CONTACT} 字以内"
    _raise(errors)
    q = Question.objects.create(interview=iv, question=question, asker=asker,
                                asker_contact=contact)  # fmt: skip
    # no personal data in the trail: neither the asker nor the contact
    record("execution.question.ask", obj=q, org_id=iv.org_id, ip=ip,
           after={"interview": iv.pk, "length": len(question)})  # fmt: skip
    return q


def submit_question(iv: Interview, *, data: dict[str, Any], now: dt.datetime,
                    ip: str = "") -> Question:  # fmt: skip
    """/interviews/<id>/ask/: a visitor's question while the interview is announced or running;
    stored unmoderated (never public until moderated), the name and contact staff-only."""
    fresh = Interview.objects.get(pk=iv.pk)
    if not accepts_questions(fresh, now):
        if now > fresh.ends_at:
            raise Conflict("本次访谈已结束，不再接受提问")
        raise Conflict("本次访谈尚未开放提问")
    return ask(fresh, question=data.get("question", ""), asker=data.get("name", ""),
               contact=data.get("contact", ""), ip=ip)  # fmt: skip


@transaction.atomic
def moderate(q: Question, *, by: Any, approve: bool) -> Question:
    permissions.require(by, Action.REVIEW, q.interview.org_id)
    q.status = Question.Status.APPROVED if approve else Question.Status.HIDDEN
    q.save(update_fields=["status"])
    if q.interview.status == Interview.Status.PUBLISHED:
        sync_search("interview", [q.interview_id])  # an approved question shows, a hidden one not
    record("execution.question.moderate", actor=by, obj=q, org_id=q.interview.org_id,
           after={"status": q.status})  # fmt: skip
    return q


@transaction.atomic
def answer(q: Question, *, by: Any, text: str, on: dt.date, live: bool = False) -> Question:
    permissions.require(by, Action.EDIT, q.interview.org_id)
    errors: dict[str, str] = {}
    text = _require_text(errors, {"text": text}, "text", "回答")
    if on < q.interview.starts_at.date():
        errors["on"] = "回答日期不能早于访谈开始"
    _raise(errors)
    q.answer, q.answered_on, q.answered_live = text, on, live
    q.save(update_fields=["answer", "answered_on", "answered_live"])
    if q.interview.status == Interview.Status.PUBLISHED:
        sync_search("interview", [q.interview_id])
    record("execution.question.answer", actor=by, obj=q, org_id=q.interview.org_id,
           after={"on": on.isoformat(), "live": live})  # fmt: skip
    return q


# =============================================================================================
# the daily check


@transaction.atomic
def flag_overdue(per_org: dict[int, dict[str, int]], *, today: dt.date) -> dict[str, Any]:
    """The daily flag (issue 22): what is overdue today (counted by `selectors.overdue_by_org`),
    one audit entry per organisation (逾期 itself stays derived; this records that it was seen,
    for 督查 and 考评)."""
    for org_id, counts in sorted(per_org.items()):
        record("execution.overdue", org_id=org_id, object_type="organizations.organization",
               object_id=str(org_id), after={"on": today.isoformat(), **counts})  # fmt: skip
    keys = ("tasks", "proposals", "findings", "events")
    return {"on": today.isoformat(), "organizations": len(per_org),
            **{k: sum(r.get(k, 0) for r in per_org.values()) for k in keys}}  # fmt: skip


# =============================================================================================
# import_tasks


class ImportRejected(ValueError):
    """The file has problems: nothing was imported."""

    def __init__(self, problems: list[Any]) -> None:
        super().__init__(f"{len(problems)} 处错误，未导入任何任务")
        self.problems = problems


def _resolve(name: str, by_name: dict[str, Organization]) -> Organization | None:
    return by_name.get(name) or by_name.get(name.lower())


def import_tasks(*, by: Any, org: Organization, year: int, rows: list[Any], problems: list[Any],
                 title: str = "", dry_run: bool = False) -> dict[str, Any]:  # fmt: skip
    """Import parsed rows (`taskfile.parse`) into the plan of `org` and `year`, idempotent by
    plan + 序号: a known number is updated only where it changed. Any problem (the parser's or an
    unknown department) rejects the whole file (ImportRejected)."""
    from .taskfile import Problem

    permissions.require(by, Action.EDIT, org.pk)
    by_name: dict[str, Organization] = {}
    for o in Organization.objects.filter(is_active=True):
        by_name[o.name] = o
        by_name[o.code.lower()] = o
    problems = list(problems)
    for r in rows:
        if r.lead and _resolve(r.lead, by_name) is None:
            problems.append(Problem(r.line, "牵头部门", f"未知的部门“{r.lead}”"))
        for name in r.co:
            if _resolve(name, by_name) is None:
                problems.append(Problem(r.line, "配合部门", f"未知的部门“{name}”"))
        if r.lead and r.lead in r.co:
            problems.append(Problem(r.line, "配合部门", "配合部门不能与牵头部门相同"))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: (p.row, p.column)))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        plan = Plan.objects.filter(org=org, year=year).order_by("id").first()
        if plan is None:
            plan = create_plan(by=by, org=org, year=year, title=title or f"{year}年重点工作任务")
        for r in rows:
            cat = category(plan, by=by, name=r.category) if r.category else None
            lead = _resolve(r.lead, by_name) if r.lead else None
            co = [u for name in r.co if (u := _resolve(name, by_name)) is not None]
            task = Task.objects.filter(plan=plan, number=r.number).first()
            if task is None:
                task, key = Task(plan=plan, number=r.number), "created"
            else:
                same = (task.title, task.category_id, task.lead_org_id, task.due_on,
                        sorted(o.pk for o in task.co_orgs.all()))  # fmt: skip
                new = (r.title, cat.pk if cat else None, lead.pk if lead else None, r.due_on,
                       sorted(o.pk for o in co))  # fmt: skip
                if same == new:
                    counts["unchanged"] += 1
                    continue
                key = "updated"
            task.title, task.category, task.lead_org, task.due_on = r.title, cat, lead, r.due_on
            save_task(task, by=by, co_orgs=co)
            counts[key] += 1
        if dry_run:
            transaction.set_rollback(True)  # everything checked and counted, nothing kept
    return {"plan": plan.title, "year": year, "rows": len(rows), "dry_run": dry_run, **counts}


# =============================================================================================
# search entries: what the public pages show, nothing more (spec §7, "Never public")
#
# Keys "execution:<kind>:<id>". The services below call `sync_*` inside the transaction that
# makes a record public or changes what its page shows; a record that is (no longer) public is
# removed. 建议提案 replies are Documents, indexed by `documents`. The rebuild sources
# (`apps.search_sources`) read the same public selectors.


def _local_date(at: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(at) if at is not None else None


def _text(*parts: Any) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def task_search_key(pk: int) -> str:
    return f"execution:task:{pk}"


def task_search_entry(t: Task) -> SearchEntry:
    org = t.lead_org or t.plan.org
    reports = list(t.reports.all())
    return SearchEntry(
        key=task_search_key(t.pk), title=t.title, url=reverse("execution-task", args=[t.pk]),
        body=_text(t.category.name if t.category else "", t.measures,
                   "、".join(o.name for o in t.co_orgs.all()), *(r.text for r in reports)),
        org_code=org.code, org_name=org.name, category_code="execution-task",
        category_name="重点工作任务", published_on=reports[-1].on if reports else None,
    )  # fmt: skip


def inspection_search_key(pk: int) -> str:
    return f"execution:inspection:{pk}"


def inspection_search_entry(i: Inspection) -> SearchEntry:
    """The concluded finding and its rectification, the 问责 — never the working notes."""
    findings = [_text(f.matter, f.responsible, f.facts, f.requirement, f.rectification)
                for f in i.findings.all()]  # fmt: skip
    acts = [_text(a.subject, a.basis, a.action) for a in i.accountability.all()]
    return SearchEntry(
        key=inspection_search_key(i.pk), title=i.title,
        url=reverse("execution-inspection", args=[i.pk]), body=_text(*findings, *acts),
        org_code=i.org.code, org_name=i.org.name, category_code="execution-inspection",
        category_name="督查", published_on=i.concluded_on,
    )  # fmt: skip


def press_search_key(pk: int) -> str:
    return f"execution:press:{pk}"


def press_search_entry(pc: PressConference) -> SearchEntry:
    return SearchEntry(
        key=press_search_key(pc.pk), title=pc.title,
        url=reverse("press-conference", args=[pc.pk]), body=_text(pc.speakers, pc.transcript),
        org_code=pc.org.code, org_name=pc.org.name, category_code="execution-press",
        category_name="新闻发布会", published_on=_local_date(pc.held_at),
    )  # fmt: skip


def interview_search_key(pk: int) -> str:
    return f"execution:interview:{pk}"


def interview_search_entry(iv: Interview) -> SearchEntry:
    """Guests, transcript and the moderated questions with their answers — never the asker."""
    questions = [_text(q.question, q.answer) for q in iv.public_questions]  # type: ignore[attr-defined]
    return SearchEntry(
        key=interview_search_key(iv.pk), title=iv.title,
        url=reverse("interview", args=[iv.pk]), body=_text(iv.guests, iv.transcript, *questions),
        org_code=iv.org.code, org_name=iv.org.name, category_code="execution-interview",
        category_name="在线访谈", published_on=_local_date(iv.starts_at),
    )  # fmt: skip


def response_search_key(pk: int) -> str:
    return f"execution:response:{pk}"


def response_search_entry(e: OpinionEvent) -> SearchEntry:
    """An opinion event with its responses — never the internal notes."""
    responses = list(e.responses.all())
    return SearchEntry(
        key=response_search_key(e.pk), title=e.title, url=reverse("response", args=[e.pk]),
        body=_text(*(r.text for r in responses)), org_code=e.org.code, org_name=e.org.name,
        category_code="execution-response", category_name="回应关切",
        published_on=_local_date(responses[0].at) if responses else None,
    )  # fmt: skip


# kind → (public rows, entry, key)
_KINDS: dict[str, tuple[Any, Any, Any]] = {
    "task": (visibility.public_task_rows, task_search_entry, task_search_key),
    "inspection": (visibility.public_inspections, inspection_search_entry, inspection_search_key),
    "press": (visibility.public_press, press_search_entry, press_search_key),
    "interview": (visibility.public_interviews, interview_search_entry, interview_search_key),
    "response": (visibility.public_events, response_search_entry, response_search_key),
}


def sync_search(kind: str, ids: Iterable[int]) -> None:
    """Index the records `ids` of `kind` that are public now, remove the others."""
    rows, entry, key = _KINDS[kind]
    ids = sorted(set(ids))
    for start in range(0, len(ids), SEARCH_BATCH):
        chunk = ids[start : start + SEARCH_BATCH]
        public = list(rows().filter(pk__in=chunk).order_by("pk"))
        search.index([entry(r) for r in public])
        search.remove([key(pk) for pk in set(chunk) - {r.pk for r in public}])


def search_batches(kind: str) -> Any:
    """The rebuild source of `kind`: (last id, entries) of its public records after id `after`."""
    rows, entry, _ = _KINDS[kind]

    def batches(after: int = 0) -> Iterator[tuple[int, list[SearchEntry]]]:
        base = rows().order_by("pk")
        while items := list(base.filter(pk__gt=after)[:SEARCH_BATCH]):
            after = items[-1].pk
            yield after, [entry(r) for r in items]

    return batches


def search_keys(kind: str) -> Any:
    """Every key of `kind` that should be searchable now."""
    rows, _, key = _KINDS[kind]

    def keys() -> list[str]:
        return [key(pk) for pk in rows().order_by().values_list("pk", flat=True)]

    return keys


def search_sources() -> list[Any]:
    return [(search_batches(k), search_keys(k)) for k in _KINDS]
