"""Public pages of the disclosure site (政府信息公开专栏). Thin: selectors decide what is public.

Responses are cached whole and answer conditional GETs in gongkai.caching (keyed by content
version, path and the 长者版/字号 cookies). A request the page cache cannot answer (a new query
string, a signed-in visitor, a cookie variant) still finds the parts of the page that do not
depend on it: the templates cache their fragments (`{% cache %}`) and the views the objects a
page is about (`caching.versioned`) under the same public version, keyed by the parameters that
matter, so a publication, withdrawal or edit replaces them exactly when it replaces the pages.
Context values are computed only when a template asks (`_later`), i.e. never when the fragment
showing them is cached.
"""

import functools
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET

from gongkai.caching import public_version, versioned
from gongkai.documents import selectors as documents
from gongkai.gazette.selectors import appearances as gazette_appearances
from gongkai.lib.qr import qr_svg
from gongkai.organizations.selectors import public_organizations

from . import selectors

PAGE_SIZE = 20
MODE_COOKIE_AGE = 365 * 24 * 3600
T = TypeVar("T")


def _later(build: Callable[[], T]) -> Callable[[], T]:
    """A context value computed when a template first asks for it, once."""
    return functools.cache(build)


class _DeferredList:
    """A list of documents whose page slice is built when a template first shows it."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build

    def __getitem__(self, index: slice) -> Callable[[], Any]:
        return _later(lambda: self.build()[index])


class _CountedPaginator(Paginator):
    """A paginator told its count (kept with the page's filters under the public version)."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public GET page. Caching and conditional GET are done for all of them by gongkai.caching."""
    return require_GET(view)


@public_page
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "version": public_version(request),  # before any content is read
        "latest": _later(lambda: selectors.latest(limit=10)),
        "notices": _later(
            lambda: selectors.latest(["notice", "announcement", "circular"], limit=8)
        ),
        "policies": _later(lambda: selectors.policies_with_interpretations(limit=6)),
        "interpretations": _later(lambda: selectors.latest(["interpretation"], limit=6)),
        "organizations": _later(selectors.organizations_tree),
    }
    return render(request, "portal/home.html", context)


@public_page
def disclosure_index(request: HttpRequest) -> HttpResponse:
    """政府信息公开: every organisation's disclosure column."""
    return render(
        request, "portal/disclosure_index.html", {"organizations": selectors.organizations_tree()}
    )


def _org(code: str) -> Any:
    org = public_organizations().filter(code=code).first()
    if org is None:
        raise Http404("未找到该机构")
    return org


@public_page
def org_index(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(code)
    context = {
        "org": org,
        "directory": selectors.directory(org),
        "latest": list(documents.public_documents(documents.DocumentFilters(org=org.code))[:10]),
        "children": list(public_organizations().filter(parent=org)),
    }
    return render(request, "portal/org_index.html", context)


@public_page
def org_guide(request: HttpRequest, code: str) -> HttpResponse:
    """政府信息公开指南: how to find proactive information and how to apply (条例 Art. 12)."""
    return render(request, "portal/org_guide.html", {"org": _org(code)})


@public_page
def org_reports(request: HttpRequest, code: str) -> HttpResponse:
    """政府信息公开工作年度报告: one per year since the 2019 regulation (reports for year N appear in N+1)."""
    from django.utils import timezone

    years = list(range(timezone.localdate().year - 1, 2018, -1))
    return render(request, "portal/org_reports.html", {"org": _org(code), "years": years})


LIST_PARAMS = ("org", "year", "category", "topic", "validity", "item")


def _list_filters(params: Any) -> tuple[selectors.ListFilters, int]:
    try:
        filters = selectors.parse_filters(params)
    except selectors.BadFilter as e:
        raise Http404(f"筛选条件无效：{e}") from e
    return filters, filters.documents().count()


@public_page
def document_list(request: HttpRequest) -> HttpResponse:
    version = public_version(request)  # before any content is read
    # the filters and their count, found once per version (a bad filter raises: never stored)
    raw = [(name, (request.GET.get(name) or "").strip()) for name in LIST_PARAMS]
    filters, count = versioned(request, f"list:{raw!r}", lambda: _list_filters(request.GET))
    paginator = _CountedPaginator(_DeferredList(filters.documents), PAGE_SIZE, count)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger) as e:
        raise Http404("没有这一页") from e
    query = filters.query()
    context = {
        "version": version,
        "filters": filters,
        "page": page,
        "query": urlencode(query),
        "years": _later(selectors.years),
        "organizations": _later(selectors.organizations_tree),
        "categories": _later(documents.InfoCategory.objects.all),
        "topics": _later(lambda: documents.TopicCategory.objects.filter(parent=None)),
        "validities": documents.Document.Validity.choices,
    }
    return render(request, "portal/document_list.html", context)


@require_GET
def document_detail(request: HttpRequest, doc_id: int) -> HttpResponse:
    version = public_version(request)  # before any content is read
    doc = versioned(request, f"document:{doc_id}", lambda: documents.public_document(doc_id))
    if doc is None:
        raise Http404("未找到该信息")
    neighbours = _later(lambda: selectors.neighbours(doc))
    context = {
        "version": version,
        "doc": doc,
        "body": _later(doc.public_body),
        "attachments": _later(lambda: documents.public_attachments(doc)),
        "related": _later(lambda: selectors.related(doc)),
        "older": _later(lambda: neighbours()[0]),
        "newer": _later(lambda: neighbours()[1]),
        # the page's own address, whatever query string it was asked with (lru-cached)
        "qr": qr_svg(request.build_absolute_uri(request.path), "本页二维码"),
        # 刊登于… and 标准文本 (gazette-catalog spec §1, §4)
        "gazette": _later(lambda: gazette_appearances(doc)),
    }
    return render(request, "portal/document_detail.html", context)


@public_page
def site_map(request: HttpRequest) -> HttpResponse:
    """网站地图."""
    context = {
        "organizations": selectors.organizations_tree(),
        "categories": documents.InfoCategory.objects.all(),
        "topics": documents.TopicCategory.objects.filter(parent=None),
    }
    return render(request, "portal/site_map.html", context)


def _back(request: HttpRequest) -> str:
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return target


@require_GET
def set_mode(request: HttpRequest, mode: str) -> HttpResponse:
    """长者版 on/off, remembered by cookie; a plain link, no JavaScript needed."""
    response = HttpResponseRedirect(_back(request))
    if mode == "elder":
        response.set_cookie("mode", "elder", max_age=MODE_COOKIE_AGE, samesite="Lax")
    else:
        response.delete_cookie("mode")
    return response


@require_GET
def set_font_size(request: HttpRequest, size: str) -> HttpResponse:
    """字号 大/中/小, remembered by cookie."""
    response = HttpResponseRedirect(_back(request))
    if size not in ("s", "m", "l"):
        raise Http404
    response.set_cookie("fs", size, max_age=MODE_COOKIE_AGE, samesite="Lax")
    return response


ROBOTS_DISALLOW = ("/admin/", "/api/v1/staff/", "/data/staff/", "/participation/staff/",
                   "/staff/", "/apply/progress/", "/mailbox/query/", "/data/access/")  # fmt: skip


@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers keep out of staff pages and personal lookups; the sitemap index lists the rest."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


_FAVICON = Path(__file__).resolve().parent / "static" / "portal" / "favicon.ico"


@public_page
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on every site whatever the page links."""
    response = HttpResponse(_FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
