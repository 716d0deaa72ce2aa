"""Searching: the one read path for the search page and GET /api/v1/search.

Every hit the backend returns is re-checked against `Entry` — the searchable copy written in
the same transaction as each publication or withdrawal — and shown from it (title, snippet cut
from its public text): an index that lags or failed to update never shows an item that is no
longer public. A query that is exactly a 文号 or 索引号 puts that item first; when all words
together find nothing, any of them is tried and the page says so.
"""

from django.db.models import Q, QuerySet

from . import backends
from .backends.base import FACETS
from .highlight import mark, snippet
from .interface import FacetValue, Filters, Hit, Results
from .models import Entry, Pending
from .query import ParsedQuery, parse

MAX_PAGE_SIZE = 50
MAX_RESULTS = 1000  # deeper pages are refused: narrow the search instead
MAX_EXCLUDED = 500  # queued removals excluded in the query itself (beyond: dropped from hits)

FACET_TITLES = {
    "org": "发布机构",
    "year": "发布年份",
    "category": "信息类别",
    "topic": "主题分类",
    "validity": "效力状态",
}


class SearchError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _filtered(qs: QuerySet[Entry], f: Filters) -> QuerySet[Entry]:
    if f.org:
        qs = qs.filter(org_code=f.org)
    if f.category:
        qs = qs.filter(category_code=f.category)
    if f.validity:
        qs = qs.filter(validity=f.validity)
    if f.year:
        qs = qs.filter(published_on__year=f.year)
    if f.topic:
        qs = qs.filter(_holds("topic_codes", f.topic))
    if f.tag:
        qs = qs.filter(_holds("tags", f.tag))
    return qs


def _holds(field: str, word: str) -> Q:
    """`field` (space-separated words) holds `word`."""
    return (
        Q(**{field: word})
        | Q(**{f"{field}__startswith": f"{word} "})
        | Q(**{f"{field}__contains": f" {word} "})
        | Q(**{f"{field}__endswith": f" {word}"})
    )


def _unapplied_removals() -> list[str]:
    """Keys queued for removal from the index and no longer in the database: excluded from the
    query so that counts and facets do not reveal them either."""
    queued = set(Pending.objects.values_list("key", flat=True)[:MAX_EXCLUDED])
    if not queued:
        return []
    return sorted(queued - set(Entry.objects.filter(key__in=queued).values_list("key", flat=True)))


def _hit(row: Entry, score: float, terms: list[str], exact: bool = False) -> Hit:
    return Hit(
        key=row.key, title=row.title, title_html=mark(row.title, terms),
        snippet_html=snippet(row.body, terms), url=row.url, score=round(score, 4),
        org_code=row.org_code, org_name=row.org_name, category_name=row.category_name,
        published_on=row.published_on, index_no=row.index_no, doc_number=row.doc_number,
        validity_label=row.validity_label, exact=exact,
    )  # fmt: skip


def search(
    raw: str | None, filters: Filters | None = None, page: int = 1, page_size: int = 20
) -> Results:
    f = filters or Filters()
    if page < 1:
        raise SearchError("page", "页码须为正整数")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise SearchError("page_size", f"每页条数须在 1–{MAX_PAGE_SIZE} 之间")
    if f.year is not None and not 1949 <= f.year <= 2100:
        raise SearchError("year", "年份应在 1949–2100 之间")
    q: ParsedQuery = parse(raw)
    results = Results(query=q.raw, page=page, page_size=page_size)
    notes = list(q.notes)
    if q.is_empty and not f.active():
        results.message = "；".join(
            [*notes, "检索词中没有可检索的文字，请换用其他词语" if q.raw else "请输入检索词"]
        )
        return results
    offset = (page - 1) * page_size
    if offset >= MAX_RESULTS:
        results.message = f"最多显示前 {MAX_RESULTS} 条结果，请增加检索词或筛选条件缩小范围"
        return results

    pinned: list[Entry] = []
    if q.exact:
        exact = Q(doc_number=q.exact) | Q(index_no=q.exact)
        pinned = list(_filtered(Entry.objects.filter(exact), f).order_by("-published_on")[:5])
    pinned_keys = [e.key for e in pinned]
    shown_pinned = pinned[offset : offset + page_size]
    b_offset = max(0, offset - len(pinned))
    b_limit = page_size - len(shown_pinned)

    backend = backends.current()
    terms = q.highlight_terms()
    exclude = [*pinned_keys, *_unapplied_removals()]
    found = backend.search(q, f, offset=b_offset, limit=b_limit, exclude=exclude)
    if found.count == 0 and not pinned and len(q.words) + len(q.phrases) > 1:
        found = backend.search(q, f, offset=b_offset, limit=b_limit, any_word=True, exclude=exclude)
        if found.count:
            notes.append("没有同时包含全部检索词的结果，以下结果包含其中部分词语")

    rows = Entry.objects.in_bulk([k for k, _ in found.hits], field_name="key")
    hits = [_hit(e, 0.0, terms, exact=True) for e in shown_pinned]
    # re-check: a key the index still holds but the database no longer publishes is dropped
    hits += [_hit(rows[k], s, terms) for k, s in found.hits if k in rows]
    results.hits = hits
    results.count = max(0, found.count + len(pinned) - (len(found.hits) - len(rows)))
    results.facets = {
        name: [FacetValue(v, label, n) for v, label, n in found.facets.get(name, [])]
        for name in FACETS
    }
    results.facets_estimated = found.facets_estimated
    if results.count == 0:
        notes.append("没有找到相关结果，请检查用字或减少检索词")
    results.message = "；".join(notes)
    return results
