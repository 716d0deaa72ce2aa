"""GET /api/v1/search — full-text search over public information (no authentication).

Only what the public may see is searchable (see `selectors.search`). `gazette=1` keeps the
documents printed in a published issue of a 政府公报 (gazette-catalog spec §1, §4). `snippet` and `title_html`
are escaped HTML with <mark> around matched words; `title` is plain text.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from gongkai.lib.bounds import PageNo

from . import selectors
from .interface import GAZETTE_TAG, Filters

router = Router(tags=["全文检索"])


class OrgRef(Schema):
    code: str
    name: str


class SearchItem(Schema):
    index_no: str
    title: str
    title_html: str
    snippet: str
    score: float
    url: str
    org: OrgRef
    category: str
    published_on: dt.date | None
    doc_number: str
    validity: str
    exact: bool


class FacetOut(Schema):
    value: str
    label: str
    count: int


class SearchPage(Schema):
    items: list[SearchItem]
    count: int
    next: str | None
    facets: dict[str, list[FacetOut]]
    facets_estimated: bool  # counts taken on a sample of a very large result, then scaled
    message: str


@router.get("/search", response=SearchPage, summary="全文检索已公开的政府信息")
def search(
    request: HttpRequest,
    q: str = "",
    org: str | None = None,
    year: int | None = None,
    category: str | None = None,
    topic: str | None = None,
    validity: str | None = None,
    gazette: bool = False,
    page: PageNo = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    filters = Filters(org=org or None, year=year, category=category or None, topic=topic or None,
                      validity=validity or None, tag=GAZETTE_TAG if gazette else None)  # fmt: skip
    try:
        results = selectors.search(q, filters, page, page_size)
    except selectors.SearchError as e:
        raise ValidationError({e.field: str(e)}) from e
    next_url = None
    if results.has_next and results.page * results.page_size < selectors.MAX_RESULTS:
        params = request.GET.copy()
        params["page"] = str(page + 1)
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {
        "items": [
            {
                "index_no": h.index_no,
                "title": h.title,
                "title_html": h.title_html,
                "snippet": h.snippet_html,
                "score": h.score,
                "url": request.build_absolute_uri(h.url),
                "org": {"code": h.org_code, "name": h.org_name},
                "category": h.category_name,
                "published_on": h.published_on,
                "doc_number": h.doc_number,
                "validity": h.validity_label,
                "exact": h.exact,
            }
            for h in results.hits
        ],
        "count": results.count,
        "next": next_url,
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in results.facets.items()
        },
        "facets_estimated": results.facets_estimated,
        "message": results.message,
    }
