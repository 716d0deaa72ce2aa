"""Public pages of the lists (spec §4) and the staff board /lists/staff/ (due and late
adjustments, guide check). Thin: reads through the public selectors, which apply visibility."""

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.caching import private
from gongkai.organizations.models import Organization

from . import selectors, tabular
from .models import LEVELS, ServiceItem

MAX_Q = 100


def _page(request: HttpRequest, qs: Any, per_page: int = 30) -> Any:
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()  # type: ignore[attr-defined]
    return page


def _arg(request: HttpRequest, key: str) -> str:
    return request.GET.get(key, "").replace("\x00", "").strip()[:MAX_Q]


def _on(request: HttpRequest) -> tuple[dt.date, bool]:
    raw = _arg(request, "on")
    if raw:
        try:
            return dt.date.fromisoformat(raw), True
        except ValueError:
            raise Http404("日期格式应为 YYYY-MM-DD") from None
    return timezone.localdate(), False


def _orgs() -> Any:
    return selectors.orgs_with_public_powers()


def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    versions = selectors.public_power_versions(on=today)
    return render(request, "lists/index.html", {
        "orgs": _orgs(), "counts": selectors.counts_by_type(versions), "total": versions.count(),
        "recent": selectors.public_adjustments()[:10],
    })  # fmt: skip


def _power_filters(request: HttpRequest) -> dict[str, str]:
    return {k: _arg(request, k) for k in ("org", "type", "level", "q")}


def power_list(request: HttpRequest) -> HttpResponse:
    on, explicit = _on(request)
    f = _power_filters(request)
    page = _page(request, selectors.public_power_versions(on=on, **f))
    return render(request, "lists/power_list.html", {
        "page": page, "f": f, "on": on, "explicit_on": explicit, "orgs": _orgs(),
        "types": selectors.power_types(), "levels": LEVELS,
    })  # fmt: skip


def power_detail(request: HttpRequest, code: str) -> HttpResponse:
    on, explicit = _on(request)
    item = selectors.public_item(code)
    v = selectors.public_power(code, on) if item else None
    if item is None or v is None:
        raise Http404("未找到该权责事项")
    guides = selectors.guide_impl_codes([item])
    return render(request, "lists/power_detail.html", {
        "item": item, "v": v, "on": on, "explicit_on": explicit,
        "versions": selectors.public_versions(item),
        "adjustments": selectors.public_adjustments(item=item),
        "guide_impl_code": guides.get(item.pk),
        "intermediaries": selectors.public_intermediaries().filter(approval_items=item),
    })  # fmt: skip


def _export_rows(request: HttpRequest) -> list[list[Any]]:
    f = _power_filters(request)
    qs = selectors.public_power_versions(on=timezone.localdate(), **f)
    return [tabular.power_row(v) for v in qs.iterator(chunk_size=2000)]


def powers_csv(request: HttpRequest) -> HttpResponse:
    body = tabular.csv_bytes(tabular.PUBLIC_POWER_COLUMNS, _export_rows(request))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="powers.csv"'
    return response


def powers_xlsx(request: HttpRequest) -> HttpResponse:
    body = tabular.xlsx_bytes(tabular.PUBLIC_POWER_COLUMNS, _export_rows(request), "权责清单")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="powers.xlsx"'
    return response


def adjustment_list(request: HttpRequest) -> HttpResponse:
    org = _arg(request, "org")
    raw_year = _arg(request, "year")
    year = int(raw_year) if raw_year.isdigit() and 1990 <= int(raw_year) <= 2100 else None
    today = timezone.localdate()
    page = _page(request, selectors.public_adjustments(org=org, year=year))
    for a in page:
        a.late_stages = [selectors.STAGE_LABELS[s] for s in selectors.late(a, today)]
    return render(request, "lists/adjustment_list.html", {
        "page": page, "org": org, "year": year, "orgs": _orgs(),
    })  # fmt: skip


def service_list(request: HttpRequest) -> HttpResponse:
    f = {k: _arg(request, k) for k in ("org", "audience", "q")}
    page = _page(request, selectors.public_service_items(**f))
    return render(request, "lists/service_list.html", {
        "page": page, "f": f, "audiences": ServiceItem.Audience.choices,
        "orgs": Organization.objects.filter(
            pk__in=selectors.public_service_items().values("org_id")
        ),
    })  # fmt: skip


def _guide(impl_code: str) -> Any:
    g = selectors.public_guide(impl_code)
    if g is None:
        raise Http404("未找到该办事指南")
    return g


def guide_detail(request: HttpRequest, impl_code: str) -> HttpResponse:
    g = _guide(impl_code)
    return render(request, "lists/guide_detail.html", {
        "g": g, "item": g.item,
        "intermediaries": selectors.public_intermediaries().filter(approval_items=g.item.power_id)
        if g.item.power_id else [],
    })  # fmt: skip


def guide_print(request: HttpRequest, impl_code: str) -> HttpResponse:
    g = _guide(impl_code)
    return render(request, "lists/guide_print.html", {"g": g, "item": g.item})


def intermediary_list(request: HttpRequest) -> HttpResponse:
    org = _arg(request, "org")
    return render(request, "lists/intermediary_list.html", {
        "page": _page(request, selectors.public_intermediaries(org=org)), "org": org,
        "orgs": Organization.objects.filter(pk__in=selectors.public_intermediaries().values("org_id")),
    })  # fmt: skip


@permissions.staff_page
def staff_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    adjustments = selectors.staff_adjustments(request.user)
    open_rows = []
    for a in adjustments.exclude(state="published")[:200]:
        a.late_stages = [  # type: ignore[attr-defined]
            selectors.STAGE_LABELS[s] for s in selectors.late(a, today)
        ]
        open_rows.append(a)
    check = selectors.guide_check(
        selectors.staff_guides(request.user), selectors.staff_licences(request.user)
    )
    return private(render(request, "lists/staff_board.html", {
        "open": open_rows, "overdue": selectors.overdue(adjustments, today), "check": check,
        "today": today,
    }))  # fmt: skip
