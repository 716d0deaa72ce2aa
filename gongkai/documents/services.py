"""Writes on government information: the only place its rules change state.

- Disclosure attribute is set when drafting; 依申请公开/删减后公开/不予公开 need a reason, and
  删减后公开 needs its public version (条例 Art. 14–16, 37; spec §1).
- Lifecycle 草稿 → 待审核 → 已发布 → 已撤回; 先审查、后公开: only a reviewer publishes.
- 索引号 is assigned at first publication, sequential per organisation and period, never
  reused or changed; a publication that fails consumes no serial (one transaction).
- 文号 is normalised (GB/T 9704 §7.2.3); the body is sanitised; attachments are checked by content.
- Every change writes a version and an audit entry in the same transaction.
- Search (`gongkai.search`) is told explicitly: `publish` and `lapse_validity` index the public
  version only (主动公开, or for 删减后公开 its `public_body_html`); `withdraw` removes it in the
  same transaction. An index failure never undoes a publication (`gongkai search_reindex`).
- Review (`gongkai.review`) is told explicitly, 先审查、后公开 and 一事一审: `submit` opens a
  review record and scans what the public would see (title, summary, keywords, public body,
  public attachments) for personal information; the reviewer masks each finding or keeps it with
  a reason (`resolve_finding`; masking makes the item 删减后公开 and writes the masks into its
  public text, the original staying internal) and signs the decision with the 保密审查
  confirmation (`sign_review`). `publish` re-reads the final public text and refuses while any
  finding is unresolved or any public attachment is unread (the detector is a gate, not a hint).
- 依申请公开/不予公开 cite a legal ground (条例 Art. 14–16) and, where one applies, an entry of
  the organisation's negative list (政务公开负面清单) or of a higher organisation's.
- 行政规范性文件 (gazette-catalog spec §2, 国办发〔2018〕37号): publishing one in force needs 施行日期
  and 有效期至 within the term limit (`normative.term_errors`) and takes a 登记号 from the
  organisation's yearly counter in the same transaction (`assign_reg_no`, never reused); `renew`
  gives a new 登记号 and term; `publish_cleanup` applies a 清理 in one transaction; `lapse_validity`
  also lapses 需修改 documents past their `amend_by`; `send_expiry_reminders` mails the editors.
"""

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any, BinaryIO, cast

from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.audit.services import changes, record, record_many
from gongkai.lib import indexno
from gongkai.lib.docnumber import DocNumberError, normalize_doc_number
from gongkai.lib.errors import Conflict
from gongkai.lib.richtext import html_to_text, sanitize_html
from gongkai.lib.uploads import UploadRejected, check_upload, fit_name
from gongkai.organizations.models import Organization
from gongkai.review import selectors as review_selectors
from gongkai.review import services as review
from gongkai.review.models import Finding
from gongkai.review.text import apply_masks, public_pieces
from gongkai.search import services as search
from gongkai.search.interface import SearchEntry

from . import normative
from .models import (
    Attachment,
    CleanupExercise,
    CleanupItem,
    DirectoryItem,
    Document,
    DocumentVersion,
    IndexSerial,
    InfoCategory,
    NormativeReminder,
    RegSerial,
    TopicCategory,
)

S = Document.Status
A = Document.Attribute
RULE_CATEGORY = InfoCategory.RULE

EDITABLE_FIELDS = [
    "title", "body_html", "public_body_html", "department", "doc_number", "written_on",
    "published_on", "topic", "category", "keywords", "summary", "disclosure_attribute",
    "disclosure_reason", "disclosure_method", "disclosure_scope", "validity", "effective_on",
    "expires_on", "is_trial", "directory_item", "interprets", "interpretation_form", "disclosure_ground", "negative_list_entry",
]  # fmt: skip
EDITABLE_STATES = (S.DRAFT, S.WITHDRAWN)


def snapshot(doc: Document) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in ["org", *EDITABLE_FIELDS, "status", "index_no", "reg_no", "amend_by"]:
        field = Document._meta.get_field(name)
        value = getattr(doc, field.attname)  # type: ignore[union-attr]
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    data["attachments"] = [
        {"name": a.name, "sha256": a.sha256, "public": a.is_public} for a in doc.attachments.all()
    ] if doc.pk else []  # fmt: skip
    return data


NOTE_MAX = DocumentVersion._meta.get_field("note").max_length or 200  # 添加附件 + a long name


def _write_version(doc: Document, by: Any, note: str) -> None:
    doc.version += 1
    Document.objects.filter(pk=doc.pk).update(version=doc.version)
    DocumentVersion.objects.create(
        document=doc, number=doc.version, status=doc.status, data=snapshot(doc),
        created_by=by if getattr(by, "pk", None) else None, note=note[:NOTE_MAX],
    )  # fmt: skip


def clean(doc: Document) -> None:
    """Normalise and validate a document's fields; raise ValidationError naming each field."""
    errors: dict[str, str] = {}
    doc.title = (doc.title or "").strip()
    if not doc.title:
        errors["title"] = "标题不能为空"
    doc.body_html = sanitize_html(doc.body_html)
    doc.public_body_html = sanitize_html(doc.public_body_html)
    if doc.doc_number and doc.category_id and doc.category.code == RULE_CATEGORY:
        try:  # a 政府规章 carries its 令号 as 文号 (spec §1)
            doc.doc_number = normative.normalize_order_number(doc.doc_number)
        except ValueError as e:
            errors["doc_number"] = str(e)
    elif doc.doc_number:
        try:
            doc.doc_number = normalize_doc_number(doc.doc_number)
        except DocNumberError as e:
            errors["doc_number"] = str(e)
    if doc.disclosure_attribute not in A.values:
        errors["disclosure_attribute"] = "公开属性应为：主动公开、依申请公开、删减后公开、不予公开"
    elif doc.disclosure_attribute != A.ACTIVE and not doc.disclosure_reason.strip():
        errors["disclosure_reason"] = (
            f"公开属性为“{A(doc.disclosure_attribute).label}”时必须说明理由"
        )
    if doc.disclosure_attribute == A.REDACTED and not doc.public_body_html:
        errors["public_body_html"] = "删减后公开须提供删减后的公开正文"
    if doc.disclosure_attribute == A.ACTIVE:
        doc.disclosure_ground, doc.negative_list_entry = "", None  # nothing withheld, no ground
    elif doc.disclosure_attribute in A.values:
        errors.update(
            review.check_ground(
                doc.org, doc.disclosure_attribute, doc.disclosure_ground, doc.negative_list_entry
            )
        )
    if doc.validity and doc.validity not in Document.Validity.values:
        errors["validity"] = "效力状态应为：有效、失效、废止、已修改"
    if doc.category_id and doc.category.is_normative and not doc.validity:
        doc.validity = Document.Validity.VALID
    if doc.effective_on and doc.expires_on and doc.expires_on < doc.effective_on:
        errors["expires_on"] = "失效日期不能早于生效日期"
    elif _needs_term(doc) and doc.effective_on and doc.expires_on:
        errors.update(normative.term_errors(doc.effective_on, doc.expires_on, doc.is_trial))
    if doc.written_on and doc.published_on and doc.published_on < doc.written_on:
        errors["published_on"] = "发布日期不能早于成文日期"
    if doc.directory_item is not None and doc.directory_item.org_id != doc.org_id:
        errors["directory_item"] = "所选主动公开基本目录事项不属于本机构"
    if not doc.category_id:
        errors["category"] = "请选择信息类别"
    elif doc.interprets_id and not doc.category.is_interpretation:
        errors["interprets"] = "只有“政策解读”类信息可以关联所解读的政策文件"
    elif doc.interprets_id and doc.interprets_id == doc.pk:
        errors["interprets"] = "不能解读自身"
    if doc.interpretation_form and not (doc.category_id and doc.category.is_interpretation):
        errors["interpretation_form"] = "只有“政策解读”类信息才有解读形式"
    if errors:
        raise ValidationError(errors)
    doc.full_clean(exclude=["created_by"])


def _needs_term(doc: Document) -> bool:
    """A normative document in force carries a term (spec §2); one published as already 失效/废止/
    已修改 (a historical record) does not enter force and needs none."""
    return bool(doc.category_id and doc.category.is_normative) and doc.validity in (
        "", Document.Validity.VALID,
    )  # fmt: skip


def _check_publishable_normative(doc: Document) -> None:
    if _needs_term(doc):
        errors = normative.term_errors(doc.effective_on, doc.expires_on, doc.is_trial)
        if errors:
            raise ValidationError(errors)


def assign_reg_no(org: Organization, year: int) -> str:
    """The organisation's next 登记号 for `year` (spec §2, 统一登记、统一编号). Call inside the
    publishing transaction: the counter row stays locked until commit; a rollback returns it."""
    RegSerial.objects.bulk_create([RegSerial(org=org, year=year, last=0)], ignore_conflicts=True)
    counter = RegSerial.objects.select_for_update().get(org=org, year=year)
    while True:
        counter.last += 1
        candidate = normative.render_reg_no(
            normative.reg_no_format(), org.org_code or org.code, year, counter.last
        )
        if not Document.objects.filter(reg_no=candidate).exists():  # never reuse a number
            break
    counter.save(update_fields=["last"])
    return candidate


def _apply(doc: Document, data: dict[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({k: "该字段不可修改" for k in unknown})
    for key, value in data.items():
        if value is None and key == "is_trial":
            value = False  # a JSON null means "not 暂行/试行"
        setattr(doc, key, "" if value is None and key in _TEXT_FIELDS else value)


_TEXT_FIELDS = {
    f.name
    for f in Document._meta.get_fields()
    if getattr(f, "get_internal_type", lambda: "")() in ("CharField", "TextField")
}


@transaction.atomic
def create_document(*, by: Any, org: Organization, data: dict[str, Any], ip: str = "") -> Document:
    permissions.require(by, Action.EDIT, org.pk)
    doc = Document(org=org, created_by=by if getattr(by, "pk", None) else None)
    _apply(doc, data)
    clean(doc)
    doc.save()
    _write_version(doc, by, "创建")
    record("document.create", actor=by, obj=doc, org_id=org.pk, after=snapshot(doc), ip=ip)
    return doc


def search_key(doc: Document | int) -> str:
    return f"doc:{doc if isinstance(doc, int) else doc.pk}"


def search_tags(ids: Sequence[int]) -> dict[int, set[str]]:
    """Search labels of documents `ids` from the apps above that offer a `search_tags(ids)`
    hook on their AppConfig (the gazette: `GAZETTE_TAG` for documents printed in a published
    issue); this app never imports them. An app whose answer changes calls `reindex`."""
    tags: dict[int, set[str]] = {}
    for config in django_apps.get_app_configs():
        if hook := getattr(config, "search_tags", None):
            for pk, names in hook(ids).items():
                tags.setdefault(pk, set()).update(names)
    return tags


def search_entries(docs: Sequence[Document]) -> list[SearchEntry]:
    """`search_entry` of many documents, their tags asked for once."""
    tags = search_tags([d.pk for d in docs])
    return [search_entry(d, tags.get(d.pk, set())) for d in docs]


def reindex(ids: Sequence[int]) -> int:
    """Refresh the search entries of documents `ids` that are public (e.g. their tags changed);
    returns how many. Call inside the transaction that changed what the tags depend on."""
    rows = Document.objects.filter(pk__in=list(ids)).select_related(
        "org", "category", "topic__parent"
    )
    docs = [d for d in rows.order_by("pk") if d.is_public]
    search.index(search_entries(docs))
    return len(docs)


def search_entry(doc: Document, tags: set[str] | None = None) -> SearchEntry:
    """The public face of a document for search: public body only (删减后公开: the public version).
    `tags`: from `search_tags`, asked for this one document when not given."""
    if tags is None:
        tags = search_tags([doc.pk]).get(doc.pk, set()) if doc.pk else set()
    topics: list[str] = []
    topic = doc.topic
    while topic is not None and len(topics) < 10:
        topics.append(topic.code)
        topic = topic.parent
    return SearchEntry(
        key=search_key(doc), title=doc.title, url=reverse("document", args=[doc.pk]),
        body=html_to_text(doc.public_body()), org_code=doc.org.code, org_name=doc.org.name,
        category_code=doc.category.code, category_name=doc.category.name,
        topic_codes=tuple(topics), topic_name=doc.topic.full_name if doc.topic else "",
        validity=doc.validity, validity_label=doc.get_validity_display() if doc.validity else "",
        published_on=doc.published_on, index_no=doc.index_no or "", doc_number=doc.doc_number,
        tags=tuple(sorted(tags)),
    )  # fmt: skip


def _sync_search(doc: Document) -> None:
    if doc.is_public:
        search.index([search_entry(doc)])
    else:
        search.remove([search_key(doc)])


def _locked(document: Document) -> Document:
    return (
        Document.objects.select_for_update().select_related("org", "category").get(pk=document.pk)
    )


@transaction.atomic
def update_document(document: Document, *, by: Any, data: dict[str, Any], ip: str = "") -> Document:
    doc = _locked(document)
    permissions.require(by, Action.EDIT, doc.org_id)
    if doc.status not in EDITABLE_STATES:
        raise Conflict(f"“{doc.get_status_display()}”状态的信息不能修改；已发布的信息请先撤回")
    before = snapshot(doc)
    _apply(doc, data)
    clean(doc)
    doc.save()
    b, a = changes(before, snapshot(doc))
    if a:
        _write_version(doc, by, "修改")
        record("document.update", actor=by, obj=doc, org_id=doc.org_id, before=b, after=a, ip=ip)
    return doc


def _transition(
    doc: Document, *, by: Any, to: str, action: str, ip: str, extra: dict | None = None
) -> None:
    before = doc.status
    doc.status = to
    doc.save()
    _write_version(doc, by, S(to).label)
    record(
        action, actor=by, obj=doc, org_id=doc.org_id, before={"status": before},
        after={"status": to, "index_no": doc.index_no, **(extra or {})}, ip=ip,
    )  # fmt: skip


@transaction.atomic
def submit(document: Document, *, by: Any, ip: str = "") -> Document:
    """草稿/已撤回 → 待审核."""
    doc = _locked(document)
    permissions.require(by, Action.EDIT, doc.org_id)
    if doc.status not in EDITABLE_STATES:
        raise Conflict(
            f"只有草稿或已撤回的信息可以提交审核，当前状态为“{doc.get_status_display()}”"
        )
    clean(doc)
    _transition(doc, by=by, to=S.PENDING, action="document.submit", ip=ip)
    review.open_round(doc, by=by)
    _rescan(doc, by=by)
    return doc


@transaction.atomic
def return_to_draft(document: Document, *, by: Any, reason: str, ip: str = "") -> Document:
    """待审核 → 草稿, with the reviewer's reason (审核不通过，退回修改)."""
    doc = _locked(document)
    permissions.require(by, Action.REVIEW, doc.org_id)
    if doc.status != S.PENDING:
        raise Conflict("只有待审核的信息可以退回")
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回理由"})
    _transition(doc, by=by, to=S.DRAFT, action="document.return", ip=ip, extra={"reason": reason})
    return doc


def assign_index_no(org: Organization, on: dt.date) -> str:
    """Take the organisation's next serial for the period of `on`. Call inside the publishing
    transaction: the counter row stays locked until commit, and a rollback returns the serial."""
    period = indexno.period_of(org.index_format, on.year, on.month)
    IndexSerial.objects.bulk_create(
        [IndexSerial(org=org, period=period, last=0)], ignore_conflicts=True
    )
    counter = IndexSerial.objects.select_for_update().get(org=org, period=period)
    publisher = indexno.Publisher(org.region_code, org.org_code, org.credit_code)
    while True:
        counter.last += 1
        candidate = indexno.render(org.index_format, publisher, on.year, on.month, counter.last)
        # an imported document may already hold this number: skip it, never reuse it
        if not Document.objects.filter(index_no=candidate).exists():
            break
    counter.save(update_fields=["last"])
    return candidate


def publish(document: Document, *, by: Any, ip: str = "", today: dt.date | None = None) -> Document:
    """待审核 → 已发布 (先审查、后公开). Assigns the 索引号 at first publication.

    The findings are refreshed first in their own transaction, so that a refused publication
    still shows the reviewer what stopped it; then the final public text passes the gate.
    """
    _refresh_review(document, by=by)
    return _publish(document, by=by, ip=ip, today=today)


@transaction.atomic
def _refresh_review(document: Document, *, by: Any) -> None:
    doc = _locked(document)
    permissions.require(by, Action.REVIEW, doc.org_id)
    if doc.status == S.PENDING:
        _rescan(doc, by=by)


@transaction.atomic
def _publish(document: Document, *, by: Any, ip: str, today: dt.date | None) -> Document:
    doc = _locked(document)
    permissions.require(by, Action.REVIEW, doc.org_id)
    if doc.status != S.PENDING:
        raise Conflict(f"只有待审核的信息可以发布，当前状态为“{doc.get_status_display()}”")
    _apply_masks(doc)
    clean(doc)
    problems = review.gate_problems(doc, public_pieces(doc), _public_attachments(doc))
    if problems:
        raise Conflict("不能发布，个人信息审查未完成：" + "；".join(problems))
    current = review_selectors.current_record(doc)
    if current is None or not current.signed or current.attribute != doc.disclosure_attribute:
        # publishing is the reviewer's signature when the decision was not signed separately
        review.sign(doc, by=by, secrecy_confirmed=True, summary=review.findings_summary(doc))
    _check_publishable_normative(doc)
    today = today or timezone.localdate()
    if doc.published_on is None:
        doc.published_on = today
    if _needs_term(doc) and not doc.reg_no:
        doc.reg_no = assign_reg_no(doc.org, doc.published_on.year)
    if not doc.index_no:
        doc.index_no = assign_index_no(doc.org, doc.published_on)
        doc.first_published_at = timezone.now()
    _transition(doc, by=by, to=S.PUBLISHED, action="document.publish", ip=ip)
    _sync_search(doc)
    return doc


# --- review: findings, masks, the signed decision -------------------------------------------------
def _public_attachments(doc: Document) -> list[Attachment]:
    if doc.disclosure_attribute not in (A.ACTIVE, A.REDACTED):
        return []
    return [a for a in doc.attachments.all() if a.is_public]


def _rescan(doc: Document, *, by: Any) -> dict[str, int]:
    return review.scan(doc, public_pieces(doc), _public_attachments(doc), by=by)


def _apply_masks(doc: Document) -> bool:
    """Write the masked findings into the public text; True when something changed.

    A 主动公开 item with a masked finding becomes 删减后公开: the public gets the masked version
    and the original body stays internal (条例 Art. 15, 37)."""
    masked = review_selectors.masked_values(doc)
    if not masked or doc.disclosure_attribute not in (A.ACTIVE, A.REDACTED):
        return False
    before = (doc.disclosure_attribute, doc.title, doc.summary, doc.keywords, doc.department,
              doc.public_body_html)  # fmt: skip
    if doc.disclosure_attribute == A.ACTIVE:
        doc.disclosure_attribute = A.REDACTED
        doc.public_body_html = doc.body_html
        if not doc.disclosure_reason.strip():
            doc.disclosure_reason = "依法对个人信息作去标识化处理后公开（条例第十五条）"
    for name in ("title", "summary", "keywords", "department"):
        setattr(doc, name, apply_masks(getattr(doc, name), masked))
    doc.public_body_html = apply_masks(doc.public_body_html, masked)
    return before != (doc.disclosure_attribute, doc.title, doc.summary, doc.keywords,
                      doc.department, doc.public_body_html)  # fmt: skip


def _review_target(document: Document, by: Any) -> Document:
    doc = _locked(document)
    permissions.require(by, Action.REVIEW, doc.org_id)
    if doc.status != S.PENDING:
        raise Conflict("只有待审核的信息可以审查")
    return doc


@transaction.atomic
def resolve_finding(
    document: Document, finding: Finding | int, *, by: Any, action: str, reason: str = "",
    note: str = "", ip: str = "",
) -> Finding:  # fmt: skip
    """Mask a finding or keep it with a reason; a mask is written into the public text at once."""
    doc = _review_target(document, by)
    finding_id = finding if isinstance(finding, int) else finding.pk
    row = Finding.objects.filter(pk=finding_id, document=doc).first()
    if row is None:
        raise permissions.NotFound("未找到该发现项")
    row = review.resolve(row, by=by, action=action, reason=reason, note=note)
    before = snapshot(doc)
    if _apply_masks(doc):
        clean(doc)
        doc.save()
        _write_version(doc, by, "个人信息去标识化")
        b, a = changes(before, snapshot(doc))
        record("document.redact", actor=by, obj=doc, org_id=doc.org_id, before=b, after=a, ip=ip)
        _rescan(doc, by=by)
    return row


@transaction.atomic
def sign_review(
    document: Document, *, by: Any, attribute: str, ground: str = "", entry: Any = None,
    reason: str = "", secrecy_confirmed: bool = False, ip: str = "",
) -> Document:  # fmt: skip
    """The reviewer sets and signs the 公开属性 with its legal ground and confirms the 保密审查."""
    doc = _review_target(document, by)
    if not secrecy_confirmed:
        raise ValidationError({"secrecy_confirmed": "请确认已完成保密审查"})
    before = snapshot(doc)
    if attribute == A.ACTIVE and review_selectors.masked_values(doc):
        raise ValidationError(
            {"disclosure_attribute": "已有遮盖的个人信息：公开属性应为删减后公开，原文不公开"}
        )
    if attribute == A.REDACTED and not doc.public_body_html:
        doc.public_body_html = doc.body_html  # to be masked below; the original stays internal
    doc.disclosure_attribute = attribute
    doc.disclosure_ground = ground or ""
    doc.negative_list_entry = entry
    doc.disclosure_reason = reason if reason.strip() else doc.disclosure_reason
    _apply_masks(doc)
    clean(doc)
    doc.save()
    b, a = changes(before, snapshot(doc))
    if a:
        _write_version(doc, by, "审查确定公开属性")
        record("document.review", actor=by, obj=doc, org_id=doc.org_id, before=b, after=a, ip=ip)
    _rescan(doc, by=by)
    review.sign(doc, by=by, secrecy_confirmed=True, summary=review.findings_summary(doc))
    return doc


@transaction.atomic
def set_attachment_public(
    attachment: Attachment, *, by: Any, is_public: bool, ip: str = ""
) -> Attachment:
    """During review an attachment may be withheld from the public (e.g. it holds personal data
    that cannot be masked in the file); the document is scanned again."""
    doc = _locked(attachment.document)
    editable = doc.status in EDITABLE_STATES
    permissions.require(by, Action.EDIT if editable else Action.REVIEW, doc.org_id)
    if not editable and doc.status != S.PENDING:
        raise Conflict("已发布的信息请先撤回再调整附件")
    att = Attachment.objects.select_for_update().get(pk=attachment.pk, document=doc)
    if att.is_public == is_public:
        return att
    att.is_public = is_public
    att.save(update_fields=["is_public"])
    _write_version(doc, by, f"附件{'公开' if is_public else '不公开'} {att.name}")
    record(
        "document.attachment_visibility", actor=by, obj=doc, org_id=doc.org_id,
        after={"attachment": att.name, "is_public": is_public}, ip=ip,
    )  # fmt: skip
    if doc.status == S.PENDING:
        _rescan(doc, by=by)
    return att


@transaction.atomic
def withdraw(document: Document, *, by: Any, reason: str, ip: str = "") -> Document:
    """已发布 → 已撤回. The 索引号 stays with the document."""
    doc = _locked(document)
    permissions.require(by, Action.REVIEW, doc.org_id)
    if doc.status != S.PUBLISHED:
        raise Conflict("只有已发布的信息可以撤回")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤回理由"})
    _transition(
        doc, by=by, to=S.WITHDRAWN, action="document.withdraw", ip=ip, extra={"reason": reason}
    )
    search.remove([search_key(doc)])
    return doc


@transaction.atomic
def add_attachment(
    document: Document, *, by: Any, upload: UploadedFile, is_public: bool = True, ip: str = ""
) -> Attachment:
    doc = _locked(document)
    permissions.require(by, Action.EDIT, doc.org_id)
    if doc.status not in EDITABLE_STATES:
        raise Conflict("只有草稿或已撤回的信息可以添加附件")
    name = fit_name((upload.name or "").rsplit("/", 1)[-1], Attachment.NAME_MAX)
    try:
        checked = check_upload(
            name,
            cast(BinaryIO, upload.file),
            upload.size or 0,
            settings.GONGKAI_ATTACHMENT_MAX_BYTES,
        )
    except UploadRejected as e:
        raise ValidationError({"file": str(e)}) from e
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    attachment = Attachment(
        document=doc, name=name, size=upload.size or 0, content_type=checked.content_type,
        sha256=digest.hexdigest(), is_public=is_public, order=doc.attachments.count(),
    )  # fmt: skip
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
        _write_version(doc, by, f"添加附件 {name}")
        record(
            "document.attach", actor=by, obj=doc, org_id=doc.org_id,
            after={"attachment": name, "sha256": attachment.sha256, "size": attachment.size}, ip=ip,
        )  # fmt: skip
    except Exception:
        attachment.file.delete(save=False)  # no orphan file when the transaction fails
        raise
    return attachment


@transaction.atomic
def remove_attachment(attachment: Attachment, *, by: Any, ip: str = "") -> None:
    doc = _locked(attachment.document)
    permissions.require(by, Action.EDIT, doc.org_id)
    if doc.status not in EDITABLE_STATES:
        raise Conflict("只有草稿或已撤回的信息可以删除附件")
    name = attachment.name
    attachment.delete()
    _write_version(doc, by, f"删除附件 {name}")
    record(
        "document.detach", actor=by, obj=doc, org_id=doc.org_id, before={"attachment": name}, ip=ip
    )


@transaction.atomic
def lapse_validity(today: dt.date | None = None) -> int:
    """有效 → 失效 for documents whose 失效日期 has passed. Run daily by the task worker."""
    today = today or timezone.localdate()
    lapsed = 0
    due = Document.objects.select_for_update().filter(
        Q(expires_on__lt=today) | Q(amend_by__lt=today), validity=Document.Validity.VALID
    )
    for doc in due:
        # 需修改后重新发布 not reissued by its deadline lapses (spec §2, 清理)
        amend_by = doc.amend_by
        late_amend = amend_by is not None and amend_by < today
        doc.validity = Document.Validity.EXPIRED
        if (
            amend_by is not None
            and late_amend
            and (doc.expires_on is None or doc.expires_on > amend_by)
        ):
            doc.expires_on = amend_by
        doc.save(update_fields=["validity", "expires_on", "updated_at"])
        _write_version(
            doc, permissions.SYSTEM, "逾期未修改，自动失效" if late_amend else "到期自动失效"
        )
        record(
            "document.lapse", actor=permissions.SYSTEM, obj=doc, org_id=doc.org_id,
            before={"validity": "valid"},
            after={"validity": "expired", "expires_on": str(doc.expires_on),
                   **({"amend_by": str(doc.amend_by)} if late_amend else {})},
        )  # fmt: skip
        if doc.is_public:
            search.index([search_entry(doc)])
        lapsed += 1
    return lapsed


@transaction.atomic
def save_category(
    category: InfoCategory | TopicCategory, *, by: Any, ip: str = ""
) -> InfoCategory | TopicCategory:
    """信息类别 and 主题分类 (reference data, platform administrators in the admin): audited like
    every change, so the public pages naming them are rendered anew (the page cache and its
    fragments are keyed by the public version, which the audit entry moves)."""
    _platform_only(by)
    old = type(category).objects.filter(pk=category.pk).first() if category.pk else None
    before = model_to_dict(old) if old else {}
    category.full_clean()
    category.save()
    b, a = changes(before, model_to_dict(category))
    record(f"{category._meta.model_name}.save", actor=by, obj=category, before=b or None,
           after=a, ip=ip)  # fmt: skip
    return category


@transaction.atomic
def delete_category(category: InfoCategory | TopicCategory, *, by: Any, ip: str = "") -> None:
    _platform_only(by)
    record(f"{category._meta.model_name}.delete", actor=by, obj=category,
           before=model_to_dict(category), ip=ip)  # fmt: skip
    category.delete()


def _platform_only(by: Any) -> None:
    if by is not permissions.SYSTEM and not permissions.is_platform_admin(by):
        raise PermissionDenied("只有平台管理员可以修改分类")


@transaction.atomic
def save_directory_item(item: DirectoryItem, *, by: Any, ip: str = "") -> DirectoryItem:
    permissions.require(by, Action.MANAGE, item.org_id)
    creating = item.pk is None
    if item.parent is not None and item.parent.org_id != item.org_id:
        raise ValidationError({"parent": "上级事项须属于同一机构"})
    item.full_clean()
    item.save()
    record(
        "directory.create" if creating else "directory.update", actor=by, obj=item, org_id=item.org_id,
        after={"name": item.name, "time_limit": item.time_limit, "scope": item.scope}, ip=ip,
    )  # fmt: skip
    return item


@transaction.atomic
def import_published(
    *, by: Any, org: Organization, data: dict[str, Any], index_no: str = "",
    published_on: dt.date, ip: str = "", source: dict[str, Any] | None = None,
) -> Document:  # fmt: skip
    """Bring in an item already published on an agency's old site (`gongkai.imports`): created
    directly as 已发布 on its original 发布日期, keeping its original 索引号 — checked with
    `lib.indexno.validate_index_no`; one already held by another item raises Conflict and is
    never overwritten — or, for a page that showed none, taking the organisation's next one.
    Needs the rights to draft and to publish there. Writes a version and an audit entry (with
    `source`: the original URL and the hash of the page) and indexes it for search like `publish`.
    Nothing imported skips the personal-information review: a page in which the scan finds an
    unresolved identifier is held as 待审核 (its 索引号 reserved) until a reviewer resolves it and
    publishes it; only a clean page goes public at once."""
    from django.db import IntegrityError

    permissions.require(by, Action.EDIT, org.pk)
    permissions.require(by, Action.REVIEW, org.pk)
    doc = Document(org=org, created_by=by if getattr(by, "pk", None) else None)
    _apply(doc, data)
    doc.published_on = published_on
    index_no = (index_no or "").strip()
    if index_no:
        try:
            indexno.validate_index_no(index_no)
        except indexno.IndexFormatError as e:
            raise ValidationError({"index_no": str(e)}) from e
        holder = Document.objects.filter(index_no=index_no).values_list("pk", flat=True).first()
        if holder is not None:
            raise Conflict(f"索引号“{index_no}”已被另一条政府信息（编号 {holder}）使用，未覆盖")
    clean(doc)
    doc.index_no = index_no or assign_index_no(org, published_on)
    doc.status = S.PENDING  # public only once the review scan below finds nothing unresolved
    doc.first_published_at = timezone.now()
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError as e:  # another writer took the same 索引号 meanwhile
        raise Conflict(f"索引号“{doc.index_no}”已被另一条政府信息使用，未覆盖") from e
    review.open_round(doc, by=by)
    _rescan(doc, by=by)
    held = review.gate_problems(doc, public_pieces(doc), _public_attachments(doc))
    if not held:
        review.sign(doc, by=by, secrecy_confirmed=True, summary=review.findings_summary(doc))
        doc.status = S.PUBLISHED
        doc.save(update_fields=["status", "updated_at"])
    _write_version(doc, by, "导入已发布信息" if not held else "导入：待个人信息审查")
    record(
        "document.import" if not held else "document.import_held", actor=by, obj=doc,
        org_id=org.pk, ip=ip,
        after={"status": doc.status, "index_no": doc.index_no, "title": doc.title,
               "published_on": published_on.isoformat(), "held_for_review": held, **(source or {})},
    )  # fmt: skip
    if not held:
        _sync_search(doc)
    return doc


# --- 行政规范性文件: renewal, 清理, expiry reminders (gazette-catalog spec §2) ------------------------
def _normative_in_force(doc: Document, what: str) -> None:
    if not (doc.category.is_normative and doc.status == S.PUBLISHED):
        raise Conflict(f"只有已发布的行政规范性文件可以{what}")


@transaction.atomic
def renew(
    document: Document, *, by: Any, effective_on: dt.date, expires_on: dt.date,
    is_trial: bool | None = None, ip: str = "",
) -> Document:  # fmt: skip
    """Re-registration after the review before expiry (Shandong 司法厅 rules Art. 23): a new
    登记号 and a new term; a lapsed document comes back into force. The old 登记号 stays in the
    versions and the audit trail and is never given again."""
    doc = _locked(document)
    permissions.require(by, Action.REVIEW, doc.org_id)
    _normative_in_force(doc, "重新登记")
    if doc.validity not in (Document.Validity.VALID, Document.Validity.EXPIRED):
        raise Conflict(f"“{doc.get_validity_display()}”的文件不能重新登记，请另行制发")
    trial = doc.is_trial if is_trial is None else is_trial
    errors = normative.term_errors(effective_on, expires_on, trial)
    if not errors and doc.effective_on and effective_on <= doc.effective_on:
        errors["effective_on"] = "重新登记的施行日期应晚于原施行日期"
    if errors:
        raise ValidationError(errors)
    before = snapshot(doc)
    doc.reg_no = assign_reg_no(doc.org, effective_on.year)
    doc.effective_on, doc.expires_on, doc.is_trial = effective_on, expires_on, trial
    doc.validity, doc.amend_by = Document.Validity.VALID, None
    doc.save()
    _write_version(doc, by, f"重新登记 {doc.reg_no}")
    b, a = changes(before, snapshot(doc))
    record("document.renew", actor=by, obj=doc, org_id=doc.org_id, before=b, after=a, ip=ip)
    _sync_search(doc)
    return doc


def _cleanup_item_error(item: CleanupItem, exercise: CleanupExercise, today: dt.date) -> str:
    doc = item.document
    if not (doc.category.is_normative and doc.status == S.PUBLISHED):
        return "不是已发布的行政规范性文件"
    if doc.validity != Document.Validity.VALID:
        return f"当前效力状态为“{doc.get_validity_display()}”，不是现行有效文件"
    if doc.org_id != exercise.org_id and exercise.org_id not in doc.org.ancestor_ids():
        return "不属于本机构或其下级机构"
    R = CleanupItem.Result
    if item.result in (R.EXPIRE, R.REPEAL) and item.lapses_on and item.lapses_on > today:
        return "失效或废止日期不能晚于清理结果公布日期"
    if item.result == R.AMEND and (item.amend_by is None or item.amend_by <= today):
        return "需修改后重新发布的须填写晚于公布日期的修改期限"
    return ""


@transaction.atomic
def save_cleanup(
    *, by: Any, org: Organization, title: str, basis: str = "", notice: Document | None = None,
    items: list[dict[str, Any]] | None = None, exercise: CleanupExercise | None = None,
    ip: str = "",
) -> CleanupExercise:  # fmt: skip
    """Create or replace a draft 清理 with its items ({document, result, lapses_on, amend_by})."""
    permissions.require(by, Action.EDIT, org.pk)
    if exercise is not None:
        exercise = CleanupExercise.objects.select_for_update().get(pk=exercise.pk)
        if exercise.status != CleanupExercise.Status.DRAFT:
            raise Conflict("已公布的清理结果不能修改")
        if exercise.org_id != org.pk:
            raise ValidationError({"org": "不能更改组织清理的机构"})
    else:
        exercise = CleanupExercise(org=org, created_by=by if getattr(by, "pk", None) else None)
    exercise.title, exercise.basis, exercise.notice = title.strip(), basis, notice
    errors: dict[str, str] = {}
    if not exercise.title:
        errors["title"] = "请填写清理名称"
    if notice is not None and notice.org_id != org.pk:
        errors["notice"] = "清理结果公告须由组织清理的机构发布"
    seen: set[int] = set()
    rows = []
    for n, row in enumerate(items or [], start=1):
        doc = row["document"]
        if doc.pk in seen:
            errors[f"items.{n}"] = f"第{n}项：同一文件只能列入一次"
        seen.add(doc.pk)
        if row.get("result") not in CleanupItem.Result.values:
            errors[f"items.{n}"] = (
                f"第{n}项：清理结果应为继续有效、宣布失效、废止或需修改后重新发布"
            )
        rows.append(CleanupItem(
            document=doc, result=row.get("result", ""), lapses_on=row.get("lapses_on"),
            amend_by=row.get("amend_by"), order=n,
        ))  # fmt: skip
    if errors:
        raise ValidationError(errors)
    creating = exercise.pk is None
    exercise.save()
    CleanupItem.objects.filter(exercise=exercise).delete()
    for r in rows:
        r.exercise = exercise
    CleanupItem.objects.bulk_create(rows)
    record(
        "cleanup.create" if creating else "cleanup.update", actor=by, obj=exercise, org_id=org.pk,
        after={"title": exercise.title, "items": len(rows)}, ip=ip,
    )  # fmt: skip
    return exercise


@transaction.atomic
def publish_cleanup(
    exercise: CleanupExercise, *, by: Any, ip: str = "", today: dt.date | None = None
) -> CleanupExercise:
    """Publish a 清理 result (spec §2): the notice is published and every listed document changes
    as of it — 宣布失效/废止 at once, 需修改 keeps force until `amend_by` — with versions, audit
    entries and search updates, all in this one transaction: any failure leaves all unchanged."""
    ex = CleanupExercise.objects.select_for_update().select_related("org").get(pk=exercise.pk)
    permissions.require(by, Action.REVIEW, ex.org_id)
    if ex.status != CleanupExercise.Status.DRAFT:
        raise Conflict("该清理结果已公布")
    today = today or timezone.localdate()
    if ex.notice is None:
        raise ValidationError({"notice": "请先起草并提交清理结果公告"})
    notice = ex.notice
    if notice.status == S.PENDING:
        publish(notice, by=by, ip=ip, today=today)
        notice.refresh_from_db()
    if notice.status != S.PUBLISHED or not notice.is_public:
        raise Conflict("清理结果公告须为主动公开并已发布（或待审核，随清理一并发布）")
    items = list(
        ex.items.select_related("document__org", "document__category").order_by("order", "id")
    )
    if not items:
        raise ValidationError({"items": "清理结果至少列入一件文件"})
    R = CleanupItem.Result
    ids = [i.document_id for i in items]
    locked: dict[int, Document] = {}
    for i in range(0, len(ids), 2000):  # one locking read per 2,000 documents, not one each
        # the documents' rows only: topic is an outer join, org and category are shared
        rows = (
            Document.objects.select_for_update(of=("self",))
            .select_related("org", "category", "topic__parent")
            .prefetch_related("attachments")
            .filter(pk__in=ids[i : i + 2000])
        )
        locked.update((d.pk, d) for d in rows)
    changed: list[Document] = []
    versions: list[DocumentVersion] = []
    audits: list[tuple[str, dict[str, Any]]] = []
    now = timezone.now()
    for n, item in enumerate(items, start=1):
        doc = locked[item.document_id]
        item.document = doc
        problem = _cleanup_item_error(item, ex, today)
        if problem:
            raise ValidationError({f"items.{n}": f"第{n}项“{doc.title}”：{problem}"})
        if item.result == R.CONTINUE:
            continue
        before = snapshot(doc)
        if item.result in (R.EXPIRE, R.REPEAL):
            ends = item.lapses_on or today
            doc.validity = Document.Validity.EXPIRED if item.result == R.EXPIRE else (
                Document.Validity.REPEALED
            )  # fmt: skip
            last_day = ends - dt.timedelta(days=1)  # 失效日期 is the last day in force
            doc.expires_on = max(last_day, doc.effective_on) if doc.effective_on else last_day
            doc.amend_by = None
        else:
            doc.amend_by = item.amend_by
        doc.updated_at, doc.version = now, doc.version + 1
        after = snapshot(doc)
        versions.append(DocumentVersion(
            document=doc, number=doc.version, status=doc.status, data=after,
            created_by=by if getattr(by, "pk", None) else None,
            note=f"清理：{R(item.result).label}"[:NOTE_MAX],
        ))  # fmt: skip
        b, a = changes(before, after)
        audits.append(("document.cleanup", {
            "actor": by, "obj": doc, "org_id": doc.org_id, "before": b,
            "after": {**a, "cleanup": ex.pk, "result": item.result}, "ip": ip,
        }))  # fmt: skip
        changed.append(doc)
    # every change in a few statements (one per document each made 10,000 documents take
    # minutes, bench/gazette.py): the same rows, versions, audit chain and search entries
    # (bulk_update's CASE per row grows with the batch: one UPDATE per distinct new value)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for d in changed:
        groups.setdefault((d.validity, d.expires_on, d.amend_by), []).append(d.pk)
    for (validity, expires_on, amend_by), pks in groups.items():
        for i in range(0, len(pks), 2000):
            Document.objects.filter(pk__in=pks[i : i + 2000]).update(
                validity=validity, expires_on=expires_on, amend_by=amend_by, updated_at=now,
                version=F("version") + 1,
            )  # fmt: skip
    DocumentVersion.objects.bulk_create(versions, batch_size=500)
    record_many(audits)
    search.index(search_entries([d for d in changed if d.is_public]))
    search.remove([search_key(d) for d in changed if not d.is_public])
    ex.status, ex.published_on = CleanupExercise.Status.PUBLISHED, today
    ex.save(update_fields=["status", "published_on"])
    record(
        "cleanup.publish", actor=by, obj=ex, org_id=ex.org_id, ip=ip,
        after={"notice": notice.pk, "published_on": today.isoformat(),
               **{r.value: sum(1 for i in items if i.result == r) for r in R}},
    )  # fmt: skip
    return ex


def _editors(org_id: int) -> list[Any]:
    from gongkai.accounts.models import Membership

    roles = [r for r, actions in permissions.ROLE_ACTIONS.items() if Action.EDIT in actions]
    return [
        m.user
        for m in Membership.objects.filter(
            organization_id=org_id, role__in=roles, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    ]


def send_expiry_reminders(today: dt.date | None = None) -> int:
    """Mail the editors of each normative document in force that expires within the reminder
    window (spec §2: evaluate within the 6 months before expiry), then monthly until it is
    renewed (new term) or decided (清理: 需修改/失效/废止). One `NormativeReminder` per mail."""
    from django.core.mail import send_mail

    today = today or timezone.localdate()
    horizon = normative.add_months(today, 12)  # wider than any reminder window
    sent = 0
    candidates = Document.objects.filter(
        category__is_normative=True, status=S.PUBLISHED, validity=Document.Validity.VALID,
        amend_by__isnull=True, expires_on__gte=today, expires_on__lte=horizon,
    ).select_related("org")  # fmt: skip
    for doc in candidates:
        assert doc.expires_on is not None
        last = (
            NormativeReminder.objects.filter(document=doc, expires_on=doc.expires_on)
            .order_by("-sent_on").values_list("sent_on", flat=True).first()
        )  # fmt: skip
        if not normative.reminder_due(today, doc.expires_on, last):
            continue
        people = _editors(doc.org_id)
        with transaction.atomic():
            reminder, created = NormativeReminder.objects.get_or_create(
                document=doc, sent_on=today,
                defaults={"expires_on": doc.expires_on,
                          "recipients": "、".join(p.username for p in people)[:2000]},
            )  # fmt: skip
            if not created:
                continue
            record(
                "document.expiry_reminder", actor=permissions.SYSTEM, obj=doc, org_id=doc.org_id,
                after={"expires_on": str(doc.expires_on), "recipients": len(people)},
            )  # fmt: skip
        emails = [p.email for p in people if p.email]
        if emails:
            try:
                send_mail(
                    f"规范性文件即将到期：{doc.title}",
                    f"《{doc.title}》（登记号 {doc.reg_no or '无'}）有效期至{doc.expires_on:%Y年%m月%d日}。"
                    "请在到期前完成评估：需要继续实施的，重新登记并公布；不再需要的，列入清理。",
                    getattr(settings, "DEFAULT_FROM_EMAIL", None), emails,
                )  # fmt: skip
                NormativeReminder.objects.filter(pk=reminder.pk).update(emailed=len(emails))
            except Exception:  # the mail server is down: the reminder stays recorded
                import logging

                logging.getLogger(__name__).exception("normative reminder mail failed")
        sent += 1
    return sent
