"""The public search page /search/ — a plain GET form, works without JavaScript.
`gazette=1` (仅看公报刊登) keeps documents printed in a published gazette issue (gazette-catalog
spec §1, §4)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .interface import GAZETTE_TAG, Filters

FILTER_NAMES = ("org", "year", "category", "topic", "validity")


def _page_link(request: HttpRequest, **changes: Any) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + params.urlencode()


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    year_raw = request.GET.get("year", "").strip()
    page_raw = request.GET.get("page", "1").strip()
    error = ""
    results = None
    year = int(year_raw) if year_raw.isdigit() and len(year_raw) == 4 else None
    page = int(page_raw) if page_raw.isdigit() and len(page_raw) < 6 else 1
    if year_raw and year is None:
        error = "年份应为四位数字，例如 2024"
    gazette = request.GET.get("gazette") == "1"
    filters = Filters(
        org=request.GET.get("org") or None, year=year,
        category=request.GET.get("category") or None, topic=request.GET.get("topic") or None,
        validity=request.GET.get("validity") or None, tag=GAZETTE_TAG if gazette else None,
    )  # fmt: skip
    if not error and (q.strip() or filters.active()):
        try:
            results = selectors.search(q, filters, max(page, 1))
        except selectors.SearchError as e:
            error = str(e)
    facets = []
    if results:
        for name, values in results.facets.items():
            chosen = request.GET.get(name, "")
            facets.append({
                "title": selectors.FACET_TITLES[name],
                "clear": _page_link(request, **{name: None, "page": None}) if chosen else "",
                "values": [
                    {"label": v.label, "count": v.count, "chosen": v.value == chosen,
                     "link": _page_link(request, **{name: v.value, "page": None})}
                    for v in values
                ],
            })  # fmt: skip
    context = {
        "q": q,
        "results": results,
        "error": error,
        "facets": [f for f in facets if f["values"]],
        "filters": {n: request.GET.get(n, "") for n in FILTER_NAMES},
        "gazette": gazette,
        "prev_link": _page_link(request, page=page - 1) if results and page > 1 else "",
        "next_link": _page_link(request, page=page + 1)
        if results and results.has_next and page * results.page_size < selectors.MAX_RESULTS
        else "",
    }
    return render(request, "search/search.html", context)
