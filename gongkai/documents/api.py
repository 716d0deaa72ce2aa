"""API of government information.

Public: GET /documents (published 主动公开 and the public version of 删减后公开 only) and
GET /documents/{id}. Staff, with a token: create, update, submit, return, publish, withdraw,
attach, and read their own organisations' documents under /staff/documents.

Review (先审查、后公开): GET /staff/documents/{id}/findings lists the personal information found
(staff of the organisation only); POST /documents/{id}/findings/{finding}/resolve masks one or
keeps it with a reason; POST /documents/{id}/review signs the 公开属性, legal ground and the
保密审查. Public: GET /negative-list, the 政务公开负面清单 — the matters, never an item's content.
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from gongkai.accounts.api import token_auth
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import NotFound
from gongkai.lib.bounds import PageNo
from gongkai.organizations.models import Organization
from gongkai.organizations.selectors import public_organizations
from gongkai.review import selectors as review_selectors
from gongkai.review.models import Finding, NegativeListEntry
from gongkai.review.services import TYPE_LABELS

from . import selectors, services
from .models import Attachment, DirectoryItem, Document

router = Router(tags=["政府信息"])

MAX_PAGE_SIZE = 100


class Ref(Schema):
    code: str
    name: str


class OrgRef(Schema):
    id: int
    code: str
    name: str


class AttachmentOut(Schema):
    name: str
    size: int
    content_type: str
    sha256: str
    url: str

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return reverse("attachment", args=[obj.pk, obj.name])


class DocumentListItem(Schema):
    id: int
    index_no: str | None
    title: str
    org: OrgRef
    doc_number: str
    written_on: dt.date | None
    published_on: dt.date | None
    category: Ref
    topic: Ref | None
    validity: str
    validity_label: str

    @staticmethod
    def resolve_topic(obj: Document) -> dict | None:
        return {"code": obj.topic.code, "name": obj.topic.full_name} if obj.topic else None

    @staticmethod
    def resolve_validity_label(obj: Document) -> str:
        return obj.get_validity_display() if obj.validity else ""


class DocumentOut(DocumentListItem):
    department: str
    disclosure_attribute: str
    disclosure_attribute_label: str
    disclosure_method: str
    disclosure_scope: str
    keywords: str
    summary: str
    effective_on: dt.date | None
    expires_on: dt.date | None
    reg_no: str | None  # 登记号 of a normative document (gazette-catalog spec §2)
    is_trial: bool
    amend_by: dt.date | None
    directory_item: int | None
    interprets: int | None
    interpretation_form: str
    body_html: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_interprets(obj: Document) -> int | None:
        """The interpreted policy, only when the public may see it."""
        if obj.interprets_id is None:
            return None
        return obj.interprets_id if selectors.public_document(obj.interprets_id) else None

    @staticmethod
    def resolve_body_html(obj: Document) -> str:
        return obj.public_body()

    @staticmethod
    def resolve_attachments(obj: Document) -> list[Attachment]:
        return selectors.public_attachments(obj)

    @staticmethod
    def resolve_disclosure_attribute_label(obj: Document) -> str:
        return obj.get_disclosure_attribute_display()

    @staticmethod
    def resolve_directory_item(obj: Document) -> int | None:
        return obj.directory_item_id


class StaffDocumentOut(DocumentOut):
    status: str
    status_label: str
    version: int
    disclosure_reason: str
    disclosure_ground: str
    negative_list_entry: int | None
    public_body_html: str

    @staticmethod
    def resolve_negative_list_entry(obj: Document) -> int | None:
        return obj.negative_list_entry_id

    @staticmethod
    def resolve_body_html(obj: Document) -> str:
        return obj.body_html

    @staticmethod
    def resolve_attachments(obj: Document) -> list[Attachment]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_status_label(obj: Document) -> str:
        return obj.get_status_display()


class Page(Schema):
    items: list[DocumentListItem]
    count: int
    next: str | None


class DocumentIn(Schema):
    """Fields of a draft; on PATCH every field is optional and only those sent change."""

    org: str | None = None
    title: str | None = None
    body_html: str | None = None
    public_body_html: str | None = None
    department: str | None = None
    doc_number: str | None = None
    written_on: dt.date | None = None
    published_on: dt.date | None = None
    category: str | None = None
    topic: str | None = None
    keywords: str | None = None
    summary: str | None = None
    disclosure_attribute: Document.Attribute | None = None
    disclosure_reason: str | None = None
    disclosure_method: str | None = None
    disclosure_scope: str | None = None
    validity: Document.Validity | None = None
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    is_trial: bool | None = None
    directory_item: int | None = None
    disclosure_ground: str | None = None
    negative_list_entry: int | None = None
    interprets: int | None = None
    interpretation_form: Document.InterpretationForm | None = None


class ReasonIn(Schema):
    reason: str


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@router.get("/documents", response=Page, summary="已公开的政府信息列表")
def list_documents(
    request: HttpRequest,
    org: str | None = None,
    # a year past 9999 overflowed the date filter (500, found by schemathesis)
    year: Annotated[int, Field(ge=1, le=9999, description="发布年份")] | None = None,
    category: str | None = None,
    topic: str | None = None,
    validity: str | None = None,
    index_no: str | None = None,
    page: PageNo = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": f"每页条数须在 1–{MAX_PAGE_SIZE} 之间"})
    try:
        qs = selectors.public_documents(
            selectors.DocumentFilters(org, year, category, topic, validity, index_no)
        )
    except selectors.UnknownFilter as e:
        raise ValidationError({e.field: str(e)}) from e
    count = qs.count()
    start = (page - 1) * page_size
    items = list(qs[start : start + page_size])
    more = start + page_size < count
    return {"items": items, "count": count, "next": _page_url(request, page + 1) if more else None}


@router.get("/documents/{int:doc_id}", response=DocumentOut, summary="政府信息详情")
def get_document(request: HttpRequest, doc_id: int) -> Document:
    doc = selectors.public_document(doc_id)
    if doc is None:
        raise NotFound("未找到该信息")
    return doc


# --- staff, token-authenticated --------------------------------------------------------------
def _resolve(data: dict[str, Any], org: Organization | None, user: Any = None) -> dict[str, Any]:
    """Turn codes in the payload into objects, naming the field that is wrong."""
    out = dict(data)
    if "category" in out:
        code = out.pop("category")
        category = selectors.category_by_code(code) if code else None
        if code and category is None:
            raise ValidationError({"category": f"未知的信息类别“{code}”"})
        out["category"] = category
    if "topic" in out:
        code = out.pop("topic")
        topic = selectors.topic_by_code(code) if code else None
        if code and topic is None:
            raise ValidationError({"topic": f"未知的主题分类“{code}”"})
        out["topic"] = topic
    if "directory_item" in out:
        item_id = out.pop("directory_item")
        item = DirectoryItem.objects.filter(pk=item_id, org=org).first() if item_id else None
        if item_id and item is None:
            raise ValidationError(
                {"directory_item": f"本机构没有编号为 {item_id} 的主动公开基本目录事项"}
            )
        out["directory_item"] = item
    if "interprets" in out:
        policy_id = out.pop("interprets")
        policy = None
        if policy_id:
            # only a policy the caller may see: a public one or one of their own organisations'
            policy = selectors.public_documents().filter(pk=policy_id).first()
            if policy is None and user is not None:
                policy = selectors.staff_documents(user).filter(pk=policy_id).first()
            if policy is None:
                raise ValidationError({"interprets": f"没有编号为 {policy_id} 的可关联政策文件"})
        out["interprets"] = policy
    if "negative_list_entry" in out:
        entry_id = out.pop("negative_list_entry")
        entry = NegativeListEntry.objects.filter(pk=entry_id).first() if entry_id else None
        if entry_id and entry is None:
            raise ValidationError({"negative_list_entry": f"没有编号为 {entry_id} 的负面清单事项"})
        out["negative_list_entry"] = entry
    return out


@router.post(
    "/documents", response={201: StaffDocumentOut}, auth=token_auth, summary="起草政府信息"
)
def create_document(request: HttpRequest, payload: DocumentIn) -> Status[Document]:
    data = payload.dict(exclude_unset=True)
    org_code = data.pop("org", None)
    org = Organization.objects.filter(code=org_code).first() if org_code else None
    if org is None:
        raise ValidationError({"org": f"未知的机构“{org_code}”" if org_code else "请指定机构"})
    doc = services.create_document(
        by=request.user, org=org, data=_resolve(data, org, request.user), ip=client_ip(request)
    )
    return Status(201, doc)


@router.get(
    "/staff/documents/{int:doc_id}",
    response=StaffDocumentOut,
    auth=token_auth,
    summary="本机构政府信息（含草稿）",
)
def staff_get_document(request: HttpRequest, doc_id: int) -> Document:
    return selectors.staff_document(request.user, doc_id)


@router.patch(
    "/documents/{int:doc_id}", response=StaffDocumentOut, auth=token_auth, summary="修改草稿"
)
def update_document(request: HttpRequest, doc_id: int, payload: DocumentIn) -> Document:
    doc = selectors.staff_document(request.user, doc_id)
    data = payload.dict(exclude_unset=True)
    if "org" in data and data.pop("org") != doc.org.code:
        raise ValidationError({"org": "不能修改发布机构"})
    return services.update_document(
        doc, by=request.user, data=_resolve(data, doc.org, request.user), ip=client_ip(request)
    )


@router.post(
    "/documents/{int:doc_id}/submit", response=StaffDocumentOut, auth=token_auth, summary="提交审核"
)
def submit_document(request: HttpRequest, doc_id: int) -> Document:
    doc = selectors.staff_document(request.user, doc_id)
    return services.submit(doc, by=request.user, ip=client_ip(request))


@router.post(
    "/documents/{int:doc_id}/return", response=StaffDocumentOut, auth=token_auth, summary="退回修改"
)
def return_document(request: HttpRequest, doc_id: int, payload: ReasonIn) -> Document:
    doc = selectors.staff_document(request.user, doc_id)
    return services.return_to_draft(
        doc, by=request.user, reason=payload.reason, ip=client_ip(request)
    )


@router.post(
    "/documents/{int:doc_id}/publish",
    response=StaffDocumentOut,
    auth=token_auth,
    summary="审核发布",
)
def publish_document(request: HttpRequest, doc_id: int) -> Document:
    doc = selectors.staff_document(request.user, doc_id)
    return services.publish(doc, by=request.user, ip=client_ip(request))


@router.post(
    "/documents/{int:doc_id}/withdraw", response=StaffDocumentOut, auth=token_auth, summary="撤回"
)
def withdraw_document(request: HttpRequest, doc_id: int, payload: ReasonIn) -> Document:
    doc = selectors.staff_document(request.user, doc_id)
    return services.withdraw(doc, by=request.user, reason=payload.reason, ip=client_ip(request))


@router.post(
    "/documents/{int:doc_id}/attachments",
    response={201: AttachmentOut},
    auth=token_auth,
    summary="上传附件",
)
def upload_attachment(
    request: HttpRequest, doc_id: int, file: File[UploadedFile], is_public: Form[bool] = True
) -> Status[Attachment]:
    doc = selectors.staff_document(request.user, doc_id)
    attachment = services.add_attachment(
        doc, by=request.user, upload=file, is_public=is_public, ip=client_ip(request)
    )
    return Status(201, attachment)


# --- review -----------------------------------------------------------------------------------
class OccurrenceOut(Schema):
    field: str
    label: str
    before: str = ""
    text: str = ""
    after: str = ""
    message: str = ""


class FindingOut(Schema):
    id: int
    kind: str
    kind_label: str
    value: str
    confidence: float
    status: str
    status_label: str
    present: bool
    reason: str
    note: str
    occurrences: list[OccurrenceOut]

    @staticmethod
    def resolve_kind_label(obj: Finding) -> str:
        return TYPE_LABELS.get(obj.kind, obj.kind)

    @staticmethod
    def resolve_status_label(obj: Finding) -> str:
        return obj.get_status_display()


class ResolveIn(Schema):
    action: str  # mask | keep
    reason: str = ""
    note: str = ""


class ReviewIn(Schema):
    disclosure_attribute: Document.Attribute
    disclosure_ground: str = ""
    negative_list_entry: int | None = None
    disclosure_reason: str = ""
    secrecy_confirmed: bool = False


@router.get(
    "/staff/documents/{int:doc_id}/findings",
    response=list[FindingOut],
    auth=token_auth,
    summary="个人信息发现项（审查）",
)
def list_findings(request: HttpRequest, doc_id: int) -> list[Finding]:
    doc = selectors.staff_document(request.user, doc_id)
    return list(review_selectors.findings(doc))


@router.post(
    "/documents/{int:doc_id}/findings/{int:finding_id}/resolve",
    response=FindingOut,
    auth=token_auth,
    summary="处理发现项：遮盖或说明理由后保留",
)
def resolve_finding(
    request: HttpRequest, doc_id: int, finding_id: int, payload: ResolveIn
) -> Finding:
    doc = selectors.staff_document(request.user, doc_id)
    return services.resolve_finding(
        doc, finding_id, by=request.user, action=payload.action, reason=payload.reason,
        note=payload.note, ip=client_ip(request),
    )  # fmt: skip


@router.post(
    "/documents/{int:doc_id}/review",
    response=StaffDocumentOut,
    auth=token_auth,
    summary="签署审查意见：公开属性、法律依据、保密审查",
)
def sign_review(request: HttpRequest, doc_id: int, payload: ReviewIn) -> Document:
    doc = selectors.staff_document(request.user, doc_id)
    data = _resolve({"negative_list_entry": payload.negative_list_entry}, doc.org)
    return services.sign_review(
        doc, by=request.user, attribute=payload.disclosure_attribute,
        ground=payload.disclosure_ground, entry=data["negative_list_entry"],
        reason=payload.disclosure_reason, secrecy_confirmed=payload.secrecy_confirmed,
        ip=client_ip(request),
    )  # fmt: skip


class NegativeListItem(Schema):
    id: int
    org: OrgRef
    matter: str
    ground: str
    ground_label: str
    basis: str
    scope: str
    review_on: dt.date
    updated_at: dt.datetime

    @staticmethod
    def resolve_ground_label(obj: NegativeListEntry) -> str:
        return obj.get_ground_display()


@router.get("/negative-list", response=list[NegativeListItem], summary="政务公开负面清单")
def negative_list(request: HttpRequest, org: str | None = None) -> list[NegativeListEntry]:
    """Matters not disclosed, by organisation; for `org`, the entries that apply to it (its own
    and those of every organisation above it). Never the content of a withheld item."""
    target = None
    if org:
        target = public_organizations().filter(code=org).first()
        if target is None:
            raise ValidationError({"org": f"未知的机构“{org}”"})
    return list(review_selectors.public_negative_list(target))
