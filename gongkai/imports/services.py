"""Writes of the page import (历史网页导入): the only place imported pages become documents.

Rules:
- A page is identified by the SHA-256 of its bytes, per organisation: a page already imported
  is skipped without any write (a second import changes nothing). A page whose original URL was
  imported before with other bytes is recorded as “changed” and not overwritten.
- A page becomes a document already 已发布 (it was published on the old site, 条例 Art. 19–20),
  through `gongkai.documents.services.import_published`: its original 索引号 is kept; one held
  by another item is a clash, recorded and reported, never overwritten; a page without one takes
  the organisation's next 索引号. Its 发布日期 is the page's; without one the 成文日期 is used
  (warned); with neither the page is not imported (a date is never invented).
- Fields are mapped by `mapping.py` (信息类别, 效力状态, body HTML); a value the platform would
  reject (a 文号 that does not normalise, a 成文日期 after the 发布日期) is left empty with a
  warning; what the page said stays in the record's `extracted` JSON, so nothing is lost.
- Personal information (`gongkai.lib.pii.detect`) in the title and text is counted and flagged
  on the record for follow-up: imported pages are published history, so it does not block.
- Each page is one transaction (or a savepoint of the caller's): its document, version, search
  entry, ledger row and audit entries commit together or not at all, so an interrupted batch
  resumes cleanly — the next run over the same sources continues the unfinished batch.
- The caller needs the rights to draft and to publish in the organisation (Action.EDIT and
  Action.REVIEW); every ledger change is audited.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.audit.services import record
from gongkai.documents import services as documents
from gongkai.documents.models import InfoCategory
from gongkai.lib.docnumber import DocNumberError, normalize_doc_number
from gongkai.lib.errors import Conflict
from gongkai.lib.pageimport import PageDecodeError, PageRecord, decode, extract
from gongkai.lib.pii import detect
from gongkai.organizations.models import Organization

from . import mapping
from .models import ImportBatch, ImportRecord

R = ImportRecord.Status
# 统一社会信用代码 identifies organisations, not persons: not counted as personal information.
PII_IGNORED = frozenset({"credit_code"})
UNCHANGED = "unchanged"
PII_LABELS = {
    "id_card": "身份证号", "mobile": "手机号", "landline": "固定电话", "bank_card": "银行卡号",
    "email": "电子邮箱", "passport": "证件号", "license_plate": "车牌号", "person_name": "姓名",
    "address": "住址",
}  # fmt: skip


@dataclass
class Outcome:
    """What happened to one page: a ledger status or `unchanged`, and a line for the report."""

    status: str
    message: str = ""
    record: ImportRecord | None = None
    warnings: list[str] = field(default_factory=list)
    pii_count: int = 0


def source_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def fingerprint(org: Organization, kind: str, sources: list[str]) -> str:
    payload = json.dumps([org.pk, kind, sorted(sources)], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _require(by: Any, org_id: int) -> None:
    permissions.require(by, Action.EDIT, org_id)
    permissions.require(by, Action.REVIEW, org_id)


# -- batches -------------------------------------------------------------------------------
@transaction.atomic
def open_batch(
    *, by: Any, org: Organization, kind: str = ImportBatch.Kind.FILES, sources: list[str]
) -> ImportBatch:
    """A new batch, or the unfinished one over the same sources (an interrupted run resumed)."""
    _require(by, org.pk)
    key = fingerprint(org, kind, sources)
    batch = (
        ImportBatch.objects.select_for_update()
        .filter(org=org, fingerprint=key)
        .exclude(status=ImportBatch.Status.FINISHED)
        .order_by("-id")
        .first()
    )
    if batch is not None:
        batch.status, batch.runs = ImportBatch.Status.RUNNING, batch.runs + 1
        batch.save(update_fields=["status", "runs"])
        record(
            "import.batch_resume", actor=by, obj=batch, org_id=org.pk,
            after={"runs": batch.runs, "sources": sources},
        )  # fmt: skip
        return batch
    batch = ImportBatch.objects.create(
        org=org, kind=kind, sources=sources, fingerprint=key,
        started_by=by if getattr(by, "pk", None) else None,
    )  # fmt: skip
    record(
        "import.batch_open", actor=by, obj=batch, org_id=org.pk,
        after={"kind": kind, "sources": sources},
    )  # fmt: skip
    return batch


@transaction.atomic
def close_batch(
    batch: ImportBatch, *, by: Any, seen: int = 0, unchanged: int = 0, interrupted: bool = False
) -> ImportBatch:
    """Record the run's tallies; the outcome counts are recounted from the ledger rows."""
    _require(by, batch.org_id)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    counts = ImportRecord.objects.filter(batch=batch).aggregate(
        imported=Count("id", filter=Q(status=R.IMPORTED)),
        clashes=Count("id", filter=Q(status__in=[R.CLASH, R.CHANGED])),
        failed=Count("id", filter=Q(status=R.FAILED)),
        flagged=Count("id", filter=Q(pii_count__gt=0)),
    )
    for name, value in counts.items():
        setattr(batch, name, value)
    batch.seen += seen
    batch.unchanged += unchanged
    batch.status = ImportBatch.Status.INTERRUPTED if interrupted else ImportBatch.Status.FINISHED
    batch.finished_at = None if interrupted else timezone.now()
    batch.save()
    record(
        "import.batch_interrupt" if interrupted else "import.batch_close",
        actor=by, obj=batch, org_id=batch.org_id,
        after={**counts, "seen": batch.seen, "unchanged": batch.unchanged},
    )  # fmt: skip
    return batch


# -- one page ------------------------------------------------------------------------------
@dataclass
class Prepared:
    data: dict[str, Any]
    index_no: str
    published_on: dt.date
    warnings: list[str]


def _category_names() -> dict[str, str]:
    return dict(InfoCategory.objects.values_list("name", "code"))


def prepare(page: PageRecord, org: Organization) -> Prepared:
    """The document fields of an extracted page; ValidationError when it cannot be imported."""
    warnings: list[str] = []
    title = page.title.strip()
    if not title:
        raise ValidationError({"title": "未找到标题，无法导入"})
    if len(title) > 300:
        title = title[:300]
        warnings.append("标题超过 300 字，已截断")
    published_on, written_on = page.published_on, page.written_on
    if published_on is None:
        if written_on is None:
            raise ValidationError(
                {"published_on": "未找到发布日期或成文日期，无法作为已发布信息导入（日期不作推测）"}
            )
        published_on = written_on
        warnings.append("页面没有发布日期，发布日期按成文日期记录，请核对")
    if written_on and written_on > published_on:
        warnings.append(
            f"成文日期 {written_on.isoformat()} 晚于发布日期 {published_on.isoformat()}，成文日期未填"
        )
        written_on = None
    doc_number = ""
    if page.doc_number:
        try:
            doc_number = normalize_doc_number(page.doc_number)
        except DocNumberError as e:
            warnings.append(f"文号“{page.doc_number}”未能规范（{e}），未填")
        if len(doc_number) > 60:
            warnings.append(f"文号“{doc_number}”过长，未填")
            doc_number = ""
    department = page.department.strip()
    if len(department) > 100:
        warnings.append("责任部门超过 100 字，未填")
        department = ""
    if page.org_name and page.org_name != org.name:
        warnings.append(f"页面上的发布机构为“{page.org_name}”，按导入机构“{org.name}”记录")
    code, note = mapping.map_category(page.category, title, _category_names())
    if note:
        warnings.append(note)
    validity, note = mapping.map_validity(page.validity)
    if note:
        warnings.append(note)
    if page.attachments:
        warnings.append(f"附件 {len(page.attachments)} 个未下载，正文末尾保留了原链接或文件名")
    data = {
        "title": title,
        "body_html": mapping.body_html(page.body_text, [(a.name, a.url) for a in page.attachments]),
        "department": department,
        "doc_number": doc_number,
        "written_on": written_on,
        "category": InfoCategory.objects.get(code=code),
        "validity": validity,
    }
    return Prepared(data, page.index_no, published_on, warnings)


def _pii(page: PageRecord) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in detect(f"{page.title}\n{page.body_text}"):
        if finding.type not in PII_IGNORED:
            counts[finding.type] = counts.get(finding.type, 0) + 1
    return counts


def _error_text(e: Exception) -> str:
    if isinstance(e, ValidationError) and hasattr(e, "message_dict"):
        return "；".join(f"{m}" for msgs in e.message_dict.values() for m in msgs)
    return str(e)


def _ledger_row(org: Organization, batch: ImportBatch, digest: str, **fields: Any) -> ImportRecord:
    """The page's locked ledger row, created if new (a concurrent importer waits here)."""
    row = ImportRecord.objects.select_for_update().filter(org=org, source_hash=digest).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return ImportRecord.objects.create(
                org=org, batch=batch, source_hash=digest, status=R.FAILED, attempts=0, **fields
            )
    except IntegrityError:
        return ImportRecord.objects.select_for_update().get(org=org, source_hash=digest)


@transaction.atomic
def import_page(
    batch: ImportBatch, *, by: Any, raw: bytes, source_url: str = "", source_path: str = "",
    ip: str = "", site_lines: frozenset[str] = frozenset(),
) -> Outcome:  # fmt: skip
    """Import one page into the batch's organisation; never raises for a bad page."""
    org = batch.org
    _require(by, org.pk)
    digest = source_hash(raw)
    source_url, source_path = source_url[:1000], source_path[:1000]
    row = _ledger_row(org, batch, digest, source_url=source_url, source_path=source_path)
    if row.status == R.IMPORTED:
        return Outcome(UNCHANGED, "已导入过，未变", row)

    row.batch, row.attempts = batch, row.attempts + 1
    row.source_url, row.source_path = source_url or row.source_url, source_path or row.source_path
    row.document, row.error = None, ""
    try:
        page = extract(decode(raw), source_url or None, site_lines)
    except PageDecodeError as e:
        return _finish(row, by, R.FAILED, error=f"无法读取：{e}", ip=ip)
    row.title, row.index_no = page.title[:300], page.index_no[:64]
    row.extracted = page.to_dict()
    pii = _pii(page)
    row.pii_count, row.pii_types = sum(pii.values()), pii
    warnings = list(page.warnings)
    if row.pii_count:
        kinds = "、".join(f"{PII_LABELS.get(k, k)} {n}" for k, n in sorted(pii.items()))
        warnings.append(
            f"正文疑似含个人信息 {row.pii_count} 处（{kinds}），已按历史信息导入，请复核"
        )

    earlier = (
        ImportRecord.objects.filter(org=org, source_url=source_url, status=R.IMPORTED)
        .exclude(pk=row.pk)
        .first()
        if source_url
        else None
    )
    if earlier is not None:
        return _finish(
            row, by, R.CHANGED, warnings=warnings, ip=ip,
            error=f"该网址的页面已导入为政府信息（编号 {earlier.document_id}），现在内容不同；未覆盖，请人工核对",
        )  # fmt: skip
    try:
        prepared = prepare(page, org)
    except ValidationError as e:
        return _finish(row, by, R.FAILED, warnings=warnings, error=_error_text(e), ip=ip)
    warnings += prepared.warnings
    if not prepared.index_no:
        warnings.append("页面没有索引号，已按本机构的索引号规则新编")
    source = {"source_url": source_url, "source_hash": digest, "import_batch": batch.pk}
    try:
        with transaction.atomic():
            doc = documents.import_published(
                by=by, org=org, data=prepared.data, index_no=prepared.index_no,
                published_on=prepared.published_on, ip=ip, source=source,
            )  # fmt: skip
    except Conflict as e:
        return _finish(row, by, R.CLASH, warnings=warnings, error=str(e), ip=ip)
    except ValidationError as e:
        return _finish(row, by, R.FAILED, warnings=warnings, error=_error_text(e), ip=ip)
    if not prepared.index_no:
        row.index_no = doc.index_no or ""
    row.document = doc
    return _finish(row, by, R.IMPORTED, warnings=warnings, ip=ip)


def _finish(
    row: ImportRecord, by: Any, status: str, *, warnings: list[str] | None = None,
    error: str = "", ip: str = "",
) -> Outcome:  # fmt: skip
    row.status, row.error, row.warnings = status, error, warnings or []
    row.save()
    record(
        "import.page", actor=by, obj=row, org_id=row.org_id, ip=ip,
        after={"status": status, "source_url": row.source_url, "source_hash": row.source_hash,
               "document": row.document_id, "index_no": row.index_no, "error": error,
               "pii_count": row.pii_count, "attempt": row.attempts},
    )  # fmt: skip
    message = error or (f"已导入为政府信息 {row.document_id}" if row.document_id else "")
    return Outcome(status, message, row, row.warnings, row.pii_count)
