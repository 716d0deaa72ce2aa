"""Pages of 行政执法公示 (118号 事前/事中/事后, spec §7) and 双随机、一公开. Thin: every public read
goes through `selectors.public_*` (visibility and masking there); the staff board is scoped by
`permissions` and private.
"""

import csv
import io
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.caching import private
from gongkai.organizations.models import Organization

from . import codes, selectors

MAX_YEAR = 2099


COUNT_CAP = 10_000  # rows counted for the pager; beyond, "n+" pages (bench/enforcement.py)


class _CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows (COUNT over a LIMIT subquery): a COUNT(*) over a
    200,000-row filtered table was most of a list page's time."""

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            qs: Any = self.object_list
            # unordered: the count needs no sort of the rows it stops at
            n = qs.order_by()[: COUNT_CAP + 1].count() if hasattr(qs, "order_by") else len(qs)
            self._capped_count = min(n, COUNT_CAP + 1)
        return self._capped_count


def _page(request: HttpRequest, qs: Any, per_page: int = 20) -> Any:
    page = _CappedPaginator(qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()  # type: ignore[attr-defined]
    return page


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 1949 <= int(raw) <= MAX_YEAR else None


def _org(request: HttpRequest) -> tuple[str, Organization | None, bool]:
    """(code asked, organisation, unknown) for the `org=` filter."""
    code = request.GET.get("org", "")[:64]
    org = Organization.objects.filter(code=code, is_active=True).first() if code else None
    return code, org, bool(code) and org is None


def _filters(request: HttpRequest) -> dict[str, Any]:
    code, org, unknown = _org(request)
    return {"org_code": code, "org": org, "unknown": unknown, "year": _year(request),
            "q": request.GET.get("q", "")[:100].strip(), "orgs": selectors.enforcement_orgs(),
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1)}  # fmt: skip


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "enforcement/index.html", {"orgs": selectors.enforcement_orgs(),
                                                      "year": timezone.localdate().year})  # fmt: skip


def org_page(request: HttpRequest, org: str) -> HttpResponse:
    o = Organization.objects.filter(code=org, is_active=True).first()
    if o is None:
        raise Http404("没有该机构")
    return render(request, "enforcement/org.html", {
        "o": o, "body": getattr(o, "enforcement_body", None),
        "officers": selectors.public_officers(org=o).count(),
        "matters": selectors.public_matters(org=o),
        "licences": selectors.public_licences(org=o)[:10],
        "penalties": selectors.public_penalties(org=o)[:10],
        "withdrawals": selectors.public_withdrawals(org=o)[:10],
        "years": range(timezone.localdate().year, timezone.localdate().year - 3, -1),
    })  # fmt: skip


def officers(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = selectors.public_officers(org=f["org"], q=f["q"])
    return render(request, "enforcement/officers.html", {
        **f, "page": _page(request, qs.none() if f["unknown"] else qs, 50),
        "today": timezone.localdate(),
    })  # fmt: skip


def licences(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    category = request.GET.get("category", "")
    category = category if category in codes.LICENCE_CATEGORIES else ""
    qs = selectors.public_licences(org=f["org"], year=f["year"], category=category, q=f["q"])
    return render(request, "enforcement/licences.html", {
        **f, "page": _page(request, qs.none() if f["unknown"] else qs), "category": category,
        "categories": codes.LICENCE_CATEGORIES,
    })  # fmt: skip


def penalties(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    kind = request.GET.get("type", "")
    kind = kind if kind in codes.PENALTY_TYPES else ""
    qs = selectors.public_penalties(org=f["org"], year=f["year"], type=kind, q=f["q"])
    return render(request, "enforcement/penalties.html", {
        **f, "page": _page(request, qs.none() if f["unknown"] else qs), "type": kind,
        "types": codes.PENALTY_TYPES,
    })  # fmt: skip


def licence(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.public_licence(pk)
    if d is None:
        raise Http404("没有该行政许可决定")
    return render(request, "enforcement/licence.html", {"d": d, "r": selectors.licence_row(d)})


def penalty(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.public_penalty(pk)
    if d is None:
        raise Http404("没有该行政处罚决定")
    return render(request, "enforcement/penalty.html", {"d": d, "r": selectors.penalty_row(d)})


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    _, org, unknown = _org(request)
    if unknown:
        raise Http404("没有该机构")
    writer = csv.writer(_Echo())
    rows = selectors.public_csv_rows(kind, org=org, year=_year(request))
    body = ("\ufeff", *(writer.writerow(r) for r in rows))  # BOM: Excel reads it as UTF-8
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    name = "licences" if kind == "licence" else "penalties"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def licences_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _csv(request, "licence")


def penalties_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _csv(request, "penalty")


def _stats(org: str, year: int) -> tuple[Organization, dict[str, Any]]:
    o = Organization.objects.filter(code=org, is_active=True).first()
    if o is None or not 1949 <= year <= timezone.localdate().year:
        raise Http404("没有该机构或该年度的执法数据")
    return o, selectors.statistics(o, year)


def statistics(request: HttpRequest, org: str, year: int) -> HttpResponse:
    o, s = _stats(org, year)
    by = [(c, codes.PENALTY_TYPES[c], n) for c, n in s["penalty"]["by_heaviest"].items()]
    return render(request, "enforcement/statistics.html", {"o": o, "s": s, "by": by})


def statistics_xlsx(request: HttpRequest, org: str, year: int) -> HttpResponse:
    from openpyxl import Workbook

    o, s = _stats(org, year)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "执法数据"
    lic, pen, co = s["licensing"], s["penalty"], s["coercion"]
    missing = "未填报"
    ws.append([f"{o.name}{year}年度行政执法数据"])
    ws.append(["行政许可", "申请数量", "受理数量", "许可数量", "不予许可数量", "撤销许可数量"])
    ws.append(["", lic["applications"] if lic["applications"] is not None else missing,
               lic["accepted"] if lic["accepted"] is not None else missing,
               lic["granted"], lic["refused"], lic["revoked"]])  # fmt: skip
    ws.append(["行政处罚（按最重处罚种类计）", *codes.PENALTY_TYPES.values(), "罚没金额（万元）"])
    ws.append(["", *pen["by_heaviest"].values(), pen["fines_wan"]])
    ws.append(["行政强制", "行政强制措施", "行政强制执行", "合计"])
    ws.append(["", co["measures"], co["executions"], co["total"]])
    ws.append(["行政事业性收费（万元）", s["fees_wan"] if s["fees_wan"] is not None else missing])
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="enforcement-{o.code}-{year}.xlsx"'
    return response


def spot_checks(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = selectors.public_plans(org=f["org"], year=f["year"])
    return render(request, "enforcement/spot_checks.html",
                  {**f, "page": _page(request, qs.none() if f["unknown"] else qs)})  # fmt: skip


def draw(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.public_plan(pk)
    if plan is None:
        raise Http404("没有该抽查计划")
    return render(request, "enforcement/draw.html", {"p": selectors.plan_row(plan)})


@permissions.staff_page
def staff_board(request: HttpRequest) -> HttpResponse:
    return private(render(request, "enforcement/staff.html",
                          selectors.staff_board(request.user)))  # fmt: skip
