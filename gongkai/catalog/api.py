"""Public API of the 基层政务公开标准目录 (mounted under /api/v1/ by gongkai/api.py; spec §3).

GET /catalog/domains                        the 26 domains, `{count, items}`
GET /catalog/entries?org=&domain=&page=     entries in the template's columns, with the linked
                                            columns, the newest public publication and the status
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from gongkai.lib.bounds import PageNo

from . import selectors
from .models import Domain, Entry

router = Router(tags=["基层政务公开标准目录"])
Size = Annotated[int, Field(ge=1, le=100, description="每页条数")]


class DomainOut(Schema):
    code: str
    name: str
    order: int


class DomainList(Schema):
    count: int
    items: list[DomainOut]


@router.get("/catalog/domains", response=DomainList, summary="试点领域")
def domains(request: HttpRequest) -> dict[str, Any]:
    rows = list(selectors.public_domains())
    return {"count": len(rows), "items": rows}


class BasisOut(Schema):
    rank: str
    title: str


class TimeLimitOut(Schema):
    rule: str
    text: str


class ColumnOut(Schema):
    label: str
    url: str


class Ref(Schema):
    code: str
    name: str


class EntryOut(Schema):
    id: int
    org: Ref
    domain: Ref
    seq: int
    level1: str
    level2: str
    content: str
    basis: list[BasisOut]
    time_limit: TimeLimitOut
    publisher: str
    channels: list[str]
    audience: list[str]
    mode: list[str]
    levels: list[str]
    columns: list[ColumnOut]
    last_published_on: dt.date | None
    status: str


class EntryList(Schema):
    count: int
    items: list[EntryOut]
    next: str | None


def _entry(e: Entry, today: dt.date) -> dict[str, Any]:
    st = selectors.status(e, today)
    return {
        "id": e.pk, "org": {"code": e.org.code, "name": e.org.name},
        "domain": {"code": e.domain.code, "name": e.domain.name}, "seq": e.seq,
        "level1": e.level1, "level2": e.level2, "content": e.content,
        "basis": [{"rank": b.get("rank", ""), "title": b.get("title", "")} for b in e.basis],
        "time_limit": {"rule": e.time_limit_rule, "text": e.time_limit_text},
        "publisher": e.publisher, "channels": e.channels, "audience": e.audience, "mode": e.mode,
        "levels": e.levels, "columns": [{"label": c.label, "url": c.url} for c in selectors.columns(e)],
        "last_published_on": st.last_published_on, "status": st.code,
    }  # fmt: skip


@router.get("/catalog/entries", response=EntryList, summary="标准目录事项")
def entries(
    request: HttpRequest, org: str | None = None, domain: str | None = None,
    page: PageNo = 1, size: Size = 20,
) -> dict[str, Any]:  # fmt: skip
    o = selectors.catalog_org(org) if org else None
    if org and o is None:
        raise ValidationError({"org": f"未知的机构“{org}”"})
    d = Domain.objects.filter(code=domain).first() if domain else None
    if domain and d is None:
        raise ValidationError({"domain": f"未知的领域“{domain}”"})
    qs = selectors.public_entries(o, d)
    count = qs.count()
    start = (page - 1) * size
    rows = list(qs[start : start + size])
    today = timezone.localdate()
    more = start + size < count
    nxt = None
    if more:
        params = request.GET.copy()
        params["page"] = str(page + 1)
        nxt = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"count": count, "items": [_entry(e, today) for e in rows], "next": nxt}
