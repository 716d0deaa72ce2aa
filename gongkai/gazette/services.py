"""Writes on the 政府公报 (gazette-catalog spec §1; 国办发〔2018〕22号): the only place its rules
change state, each in one transaction with an audit entry.

- Only 省/市/县 governments run a gazette (departments, townships and streets do not).
- An issue is numbered per year (第N期, from 1) plus a running 总期号: both unique per gazette, and
  总期号 follows the (year, 期号) order, so the numbering cannot run backwards.
- The 目录 is edited while the issue is a draft; an entry that links a document must link a
  public one of the gazette's own government or its departments (no higher-level reprints);
  publishing checks every link again. The PDF is checked by content (`lib/uploads.py`).
- Publishing reindexes the linked documents in the same transaction: their search entries get
  the gazette tag (`GET /api/v1/search?gazette=1`) through the `search_tags` hook (`apps.py`).
"""

import datetime as dt
import hashlib
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.audit.services import record
from gongkai.documents import selectors as documents
from gongkai.documents import services as document_services
from gongkai.documents.models import Document
from gongkai.lib.errors import Conflict
from gongkai.lib.uploads import UploadRejected, check_upload, fit_name
from gongkai.organizations.models import Organization

from .models import Entry, Gazette, Issue, Section

GAZETTE_LEVELS = (Organization.Level.PROVINCE, Organization.Level.CITY, Organization.Level.DISTRICT)


@transaction.atomic
def save_gazette(
    *, by: Any, org: Organization, name: str, normative_standard: bool = False, order: int = 100,
    ip: str = "",
) -> Gazette:  # fmt: skip
    permissions.require(by, Action.MANAGE, org.pk)
    if org.level not in GAZETTE_LEVELS:
        raise ValidationError({"org": "部门、乡镇（街道）不办政府公报（国办发〔2018〕22号）"})
    if not name.strip():
        raise ValidationError({"name": "请填写公报名称"})
    gazette, created = Gazette.objects.update_or_create(
        org=org, defaults={"name": name.strip(), "normative_standard": normative_standard,
                           "order": order},
    )  # fmt: skip
    record(
        "gazette.create" if created else "gazette.update", actor=by, obj=gazette, org_id=org.pk,
        after={"name": gazette.name, "normative_standard": normative_standard}, ip=ip,
    )  # fmt: skip
    return gazette


def _draft(issue: Issue, by: Any, action: Action = Action.EDIT) -> Issue:
    locked = Issue.objects.select_for_update().select_related("gazette__org").get(pk=issue.pk)
    permissions.require(by, action, locked.gazette.org_id)
    if locked.status != Issue.Status.DRAFT:
        raise Conflict("已出版的公报期次不能修改")
    return locked


def numbering_errors(issue: Issue) -> dict[str, str]:
    errors: dict[str, str] = {}
    if issue.issue_no < 1:
        errors["issue_no"] = "期号从1起"
    if issue.total_no < 1:
        errors["total_no"] = "总期号从1起"
    if not 1900 <= issue.year <= 9999:
        errors["year"] = "年份无效"
    if errors:
        return errors
    others = Issue.objects.filter(gazette=issue.gazette).exclude(pk=issue.pk)
    if others.filter(year=issue.year, issue_no=issue.issue_no).exists():
        errors["issue_no"] = f"{issue.year}年第{issue.issue_no}期已存在"
    if others.filter(total_no=issue.total_no).exists():
        errors["total_no"] = f"总第{issue.total_no}期已存在"
    key = (issue.year, issue.issue_no)
    for year, no, total in others.values_list("year", "issue_no", "total_no"):
        if ((year, no) < key) != (total < issue.total_no):
            errors.setdefault(
                "total_no", f"总期号须按期次顺序递增（{year}年第{no}期为总第{total}期）"
            )
    return errors


@transaction.atomic
def save_issue(
    *, by: Any, gazette: Gazette, year: int, issue_no: int, total_no: int,
    published_on: dt.date | None = None, issue: Issue | None = None, ip: str = "",
) -> Issue:  # fmt: skip
    permissions.require(by, Action.EDIT, gazette.org_id)
    issue = _draft(issue, by) if issue is not None else Issue(gazette=gazette)
    issue.year, issue.issue_no, issue.total_no = year, issue_no, total_no
    issue.published_on = published_on
    errors = numbering_errors(issue)
    if errors:
        raise ValidationError(errors)
    creating = issue.pk is None
    issue.save()
    record(
        "gazette.issue_create" if creating else "gazette.issue_update", actor=by, obj=issue,
        org_id=gazette.org_id, after={"title": issue.title}, ip=ip,
    )  # fmt: skip
    return issue


@transaction.atomic
def add_section(*, by: Any, issue: Issue, name: str, order: int | None = None) -> Section:
    issue = _draft(issue, by)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写栏目名称"})
    if issue.sections.filter(name=name).exists():
        raise ValidationError({"name": f"本期已有“{name}”栏目"})
    section = Section.objects.create(
        issue=issue, name=name, order=issue.sections.count() + 1 if order is None else order
    )
    record("gazette.section_add", actor=by, obj=section, org_id=issue.gazette.org_id,
           after={"issue": issue.pk, "name": name})  # fmt: skip
    return section


def document_error(issue: Issue, doc: Document | None) -> str:
    """Why this document cannot be printed in this gazette ("" when it can)."""
    public = documents.public_document(doc.pk) if doc is not None else None
    if public is None:
        return "只能刊登已公开的政府信息"
    org = issue.gazette.org
    if public.org_id != org.pk and org.pk not in public.org.ancestor_ids():
        return "公报只刊登本级政府及其部门的文件，不转载上级文件（国办发〔2018〕22号）"
    return ""


@transaction.atomic
def add_entry(
    *, by: Any, issue: Issue, section: Section, page: int, document: Document | None = None,
    title: str = "", doc_number: str = "", order: int | None = None, ip: str = "",
) -> Entry:  # fmt: skip
    issue = _draft(issue, by)
    errors: dict[str, str] = {}
    if section.issue_id != issue.pk:
        errors["section"] = "栏目不属于本期"
    if page < 1:
        errors["page"] = "页码从1起"
    if document is not None and (problem := document_error(issue, document)):
        errors["document"] = problem
    title = (title or (document.title if document else "")).strip()
    if not title:
        errors["title"] = "请填写标题或选择政府信息"
    if errors:
        raise ValidationError(errors)
    entry = Entry.objects.create(
        issue=issue, section=section, page=page, document=document, title=title,
        doc_number=doc_number or (document.doc_number if document else ""),
        order=section.entries.count() + 1 if order is None else order,
    )  # fmt: skip
    record(
        "gazette.entry_add", actor=by, obj=entry, org_id=issue.gazette.org_id, ip=ip,
        after={"issue": issue.pk, "title": title, "page": page,
               "document": document.pk if document else None},
    )  # fmt: skip
    return entry


@transaction.atomic
def remove_entry(*, by: Any, entry: Entry, ip: str = "") -> None:
    issue = _draft(entry.issue, by)
    record("gazette.entry_remove", actor=by, obj=entry, org_id=issue.gazette.org_id,
           before={"title": entry.title}, ip=ip)  # fmt: skip
    entry.delete()


@transaction.atomic
def attach_pdf(*, by: Any, issue: Issue, upload: UploadedFile, ip: str = "") -> Issue:
    issue = _draft(issue, by)
    name = fit_name((upload.name or "issue.pdf").rsplit("/", 1)[-1], 100)
    try:
        checked = check_upload(name, cast(BinaryIO, upload.file), upload.size or 0,
                               settings.GONGKAI_ATTACHMENT_MAX_BYTES)  # fmt: skip
    except UploadRejected as e:
        raise ValidationError({"pdf": str(e)}) from e
    if checked.content_type != "application/pdf":
        raise ValidationError({"pdf": "公报电子版须为PDF文件"})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    old = issue.pdf.name if issue.pdf else ""
    issue.pdf.save(f"{issue.year}-{issue.issue_no}.pdf", upload, save=False)
    issue.pdf_sha256 = digest.hexdigest()
    issue.save(update_fields=["pdf", "pdf_sha256"])
    record("gazette.pdf", actor=by, obj=issue, org_id=issue.gazette.org_id, ip=ip,
           after={"sha256": issue.pdf_sha256, "size": upload.size, "replaced": bool(old)})  # fmt: skip
    return issue


@transaction.atomic
def publish_issue(issue: Issue, *, by: Any, ip: str = "", today: dt.date | None = None) -> Issue:
    """草稿 → 已出版: the 目录 must hold entries, and every linked document must be public now."""
    issue = _draft(issue, by, Action.REVIEW)
    entries = list(
        issue.entries.select_related("document__org").order_by("section__order", "order")
    )
    if not entries:
        raise ValidationError({"entries": "目录为空，不能出版"})
    errors = {
        f"entries.{n}": f"第{n}条“{e.title}”：{problem}"
        for n, e in enumerate(entries, start=1)
        if e.document_id and (problem := document_error(issue, e.document))
    }
    if errors:
        raise ValidationError(errors)
    issue.published_on = issue.published_on or today or timezone.localdate()
    issue.status = Issue.Status.PUBLISHED
    issue.save(update_fields=["status", "published_on"])
    # their search entries now carry the gazette tag (`?gazette=1`), in this transaction
    document_services.reindex([e.document_id for e in entries if e.document_id])
    record(
        "gazette.issue_publish", actor=by, obj=issue, org_id=issue.gazette.org_id, ip=ip,
        after={"title": issue.title, "published_on": issue.published_on.isoformat(),
               "entries": len(entries)},
    )  # fmt: skip
    return issue
