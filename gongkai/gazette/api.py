"""Public API of the 政府公报 and of 行政规范性文件 (mounted under /api/v1/ by gongkai/api.py).

GET /gazette/issues[?year=]       published issues (spec §1), `{count, items}`, page/size
GET /gazette/issues/{id}          one with its 目录; `url` null when a document is not public
GET /normative/current            现行有效规范性文件目录 (spec §2, §4), `{count, items, next}`
GET /normative/cleanups           published 清理 results with their three lists
Staff, with a token: POST /staff/cleanups, /staff/cleanups/{id}/publish,
/staff/normative/{doc_id}/renew. Reads come from the public selectors, which apply visibility.
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from gongkai.accounts.api import token_auth
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import NotFound
from gongkai.documents import selectors as documents
from gongkai.documents import services as document_services
from gongkai.documents.models import CleanupExercise, CleanupItem, Document
from gongkai.lib.bounds import PageNo
from gongkai.organizations.models import Organization

from . import selectors
from .models import Issue

router = Router(tags=["政府公报与规范性文件"])

MAX_SIZE = 100
Size = Annotated[int, Field(ge=1, le=MAX_SIZE, description="每页条数")]
Year = Annotated[int, Field(ge=1900, le=9999, description="年份")]


def _slice(qs: Any, page: int, size: int) -> tuple[int, list[Any], bool]:
    count = qs.count()
    start = (page - 1) * size
    return count, list(qs[start : start + size]), start + size < count


def _next(request: HttpRequest, page: int, more: bool) -> str | None:
    if not more:
        return None
    params = request.GET.copy()
    params["page"] = str(page + 1)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class IssueOut(Schema):
    id: int
    year: int
    issue_no: int
    total_no: int
    title: str
    gazette: str
    published_on: dt.date | None
    url: str
    pdf_url: str | None
    entry_count: int


class IssueList(Schema):
    count: int
    items: list[IssueOut]


class EntryOut(Schema):
    title: str
    doc_number: str
    page: int
    document_id: int | None
    url: str | None
    standard_text: bool


class SectionOut(Schema):
    name: str
    entries: list[EntryOut]


class IssueDetail(IssueOut):
    sections: list[SectionOut]


def _issue(i: Issue) -> dict[str, Any]:
    return {
        "id": i.pk, "year": i.year, "issue_no": i.issue_no, "total_no": i.total_no,
        "title": i.title, "gazette": i.gazette.name, "published_on": i.published_on,
        "url": reverse("gazette-issue", args=[i.year, i.issue_no]) + f"?gazette={i.gazette.org.code}",
        "pdf_url": (reverse("gazette-pdf", args=[i.year, i.issue_no]) + f"?gazette={i.gazette.org.code}")
        if i.pdf else None,
        "entry_count": getattr(i, "entry_count", 0),
    }  # fmt: skip


@router.get("/gazette/issues", response=IssueList, summary="政府公报期次（已出版）")
def list_issues(
    request: HttpRequest, year: Year | None = None, gazette: str | None = None,
    page: PageNo = 1, size: Size = 20,
) -> dict[str, Any]:  # fmt: skip
    g = selectors.default_gazette(gazette) if gazette else None
    if gazette and g is None:
        raise ValidationError({"gazette": f"没有机构“{gazette}”主办的公报"})
    count, rows, _ = _slice(selectors.public_issues(g, year), page, size)
    return {"count": count, "items": [_issue(i) for i in rows]}


@router.get("/gazette/issues/{int:issue_id}", response=IssueDetail, summary="一期公报及其目录")
def get_issue(request: HttpRequest, issue_id: int) -> dict[str, Any]:
    issue = selectors.public_issue(issue_id)
    if issue is None:
        raise NotFound("未找到该期公报")
    sections = [
        {"name": s.name, "entries": [
            {"title": e.title, "doc_number": e.doc_number, "page": e.page,
             "document_id": e.document_id, "standard_text": e.standard_text,
             "url": reverse("document", args=[e.document_id]) if e.document_id else None}
            for e in s.entries
        ]}
        for s in selectors.public_toc(issue)
    ]  # fmt: skip
    return {**_issue(issue), "sections": sections}


class OrgRef(Schema):
    code: str
    name: str


class CurrentOut(Schema):
    document_id: int
    title: str
    doc_number: str
    reg_no: str | None
    org: OrgRef
    effective_on: dt.date | None
    expires_on: dt.date | None
    trial: bool
    amend_by: dt.date | None
    url: str


class CurrentList(Schema):
    count: int
    items: list[CurrentOut]
    next: str | None


def _current(d: Document) -> dict[str, Any]:
    return {
        "document_id": d.pk, "title": d.title, "doc_number": d.doc_number, "reg_no": d.reg_no,
        "org": {"code": d.org.code, "name": d.org.name}, "effective_on": d.effective_on,
        "expires_on": d.expires_on, "trial": d.is_trial, "amend_by": d.amend_by,
        "url": reverse("document", args=[d.pk]),
    }  # fmt: skip


@router.get("/normative/current", response=CurrentList, summary="现行有效行政规范性文件目录")
def normative_current(
    request: HttpRequest, org: str | None = None, q: str | None = None,
    page: PageNo = 1, size: Size = 20,
) -> dict[str, Any]:  # fmt: skip
    qs = documents.public_normative_current(timezone.localdate(), org=org, q=q)
    count, rows, more = _slice(qs, page, size)
    return {
        "count": count,
        "items": [_current(d) for d in rows],
        "next": _next(request, page, more),
    }


class CleanupDocOut(Schema):
    document_id: int
    title: str
    doc_number: str
    reg_no: str | None
    result: str
    lapses_on: dt.date | None = None
    amend_by: dt.date | None = None


class CleanupOut(Schema):
    id: int
    org: OrgRef
    title: str
    published_on: dt.date | None
    notice_url: str
    url: str
    continued: list[CleanupDocOut]
    repealed: list[CleanupDocOut]
    to_amend: list[CleanupDocOut]


class CleanupList(Schema):
    count: int
    items: list[CleanupOut]


def _item(i: CleanupItem, published_on: dt.date | None) -> dict[str, Any]:
    d = i.document
    out: dict[str, Any] = {"document_id": d.pk, "title": d.title, "doc_number": d.doc_number,
                           "reg_no": d.reg_no, "result": i.get_result_display()}  # fmt: skip
    if i.result in (CleanupItem.Result.EXPIRE, CleanupItem.Result.REPEAL):
        out["lapses_on"] = i.lapses_on or published_on
    if i.result == CleanupItem.Result.AMEND:
        out["amend_by"] = i.amend_by
    return out


def _cleanup(ex: CleanupExercise) -> dict[str, Any]:
    lists = documents.public_cleanup_lists(ex)
    assert ex.notice_id is not None
    return {
        "id": ex.pk, "org": {"code": ex.org.code, "name": ex.org.name}, "title": ex.title,
        "published_on": ex.published_on, "notice_url": reverse("document", args=[ex.notice_id]),
        "url": reverse("normative-cleanup", args=[ex.pk]),
        "continued": [_item(i, ex.published_on) for i in lists.continued],
        "repealed": [_item(i, ex.published_on) for i in lists.repealed],
        "to_amend": [_item(i, ex.published_on) for i in lists.to_amend],
    }  # fmt: skip


@router.get("/normative/cleanups", response=CleanupList, summary="规范性文件清理结果")
def normative_cleanups(request: HttpRequest, page: PageNo = 1, size: Size = 20) -> dict[str, Any]:
    count, rows, _ = _slice(documents.public_cleanups(), page, size)
    return {"count": count, "items": [_cleanup(ex) for ex in rows]}


# --- staff, token-authenticated --------------------------------------------------------------
class CleanupItemIn(Schema):
    document_id: int
    result: CleanupItem.Result
    lapses_on: dt.date | None = None
    amend_by: dt.date | None = None


class CleanupIn(Schema):
    org: str
    title: str
    basis: str = ""
    notice_id: int | None = None
    items: list[CleanupItemIn] = []


class StaffCleanupOut(Schema):
    id: int
    title: str
    status: str
    published_on: dt.date | None
    items: int


def _staff_cleanup(ex: CleanupExercise) -> dict[str, Any]:
    return {"id": ex.pk, "title": ex.title, "status": ex.status,
            "published_on": ex.published_on, "items": ex.items.count()}  # fmt: skip


@router.post("/staff/cleanups", response={201: StaffCleanupOut}, auth=token_auth,
             summary="起草规范性文件清理")  # fmt: skip
def create_cleanup(request: HttpRequest, payload: CleanupIn) -> Status[dict[str, Any]]:
    org = Organization.objects.filter(code=payload.org).first()
    if org is None:
        raise ValidationError({"org": f"未知的机构“{payload.org}”"})
    notice = (
        documents.staff_document(request.user, payload.notice_id) if payload.notice_id else None
    )
    items = [
        {"document": documents.staff_document(request.user, i.document_id), "result": i.result,
         "lapses_on": i.lapses_on, "amend_by": i.amend_by}
        for i in payload.items
    ]  # fmt: skip
    ex = document_services.save_cleanup(
        by=request.user, org=org, title=payload.title, basis=payload.basis, notice=notice,
        items=items, ip=client_ip(request),
    )  # fmt: skip
    return Status(201, _staff_cleanup(ex))


@router.post("/staff/cleanups/{int:cleanup_id}/publish", response=StaffCleanupOut,
             auth=token_auth, summary="公布清理结果（一并发布公告、变更文件效力）")  # fmt: skip
def publish_cleanup(request: HttpRequest, cleanup_id: int) -> dict[str, Any]:
    ex = documents.staff_cleanup(request.user, cleanup_id)
    ex = document_services.publish_cleanup(ex, by=request.user, ip=client_ip(request))
    return _staff_cleanup(ex)


class RenewIn(Schema):
    effective_on: dt.date
    expires_on: dt.date
    is_trial: bool | None = None


@router.post("/staff/normative/{int:doc_id}/renew", response=CurrentOut, auth=token_auth,
             summary="重新登记（新登记号、新有效期）")  # fmt: skip
def renew(request: HttpRequest, doc_id: int, payload: RenewIn) -> dict[str, Any]:
    doc = documents.staff_document(request.user, doc_id)
    doc = document_services.renew(
        doc, by=request.user, effective_on=payload.effective_on, expires_on=payload.expires_on,
        is_trial=payload.is_trial, ip=client_ip(request),
    )  # fmt: skip
    return _current(doc)
