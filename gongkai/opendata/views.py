"""Public pages of open data and the CKAN-compatible Action API (thin: selectors and ckan.py
do the work). Nothing here shows a draft, withdrawn or 不予开放 dataset: every read goes
through `selectors.public_*`."""

import json
import mimetypes
import time
from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import ckan, datastore, dcat, selectors, services
from .models import Dataset, Resource

PREVIEW_ROWS = 20


def _ckan_response(
    request: HttpRequest, name: str, body: dict[str, Any], status: int
) -> JsonResponse:
    help_url = request.build_absolute_uri(reverse("opendata:ckan_action", args=["help_show"]))
    return JsonResponse(
        {"help": f"{help_url}?name={name}", **body},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt
def ckan_action(request: HttpRequest, name: str) -> HttpResponse:
    """/api/3/action/<name>: GET parameters or a POST JSON (or form) body, as CKAN accepts.
    Every call goes to the request log (接口可用率, uses of 有条件开放 keys)."""
    started = time.perf_counter()
    response = HttpResponse(status=500)
    try:
        response = _ckan_action(request, name)
        return response
    finally:
        services.log_api_request(
            f"ckan:{name}"[:40], status=response.status_code,
            duration_ms=int((time.perf_counter() - started) * 1000),
            resource_id=getattr(request, "opendata_resource_id", None),
            access=getattr(request, "opendata_access", None),
        )  # fmt: skip


def _ckan_action(request: HttpRequest, name: str) -> HttpResponse:
    action = ckan.ACTIONS.get(name)
    if action is None:
        err = ckan.CkanError(400, "Bad request", f"没有名为“{name}”的接口（Action）")
        return _ckan_response(request, name, {"success": False, "error": err.body()}, 400)
    params: dict[str, Any] = {k: request.GET.get(k) for k in request.GET}
    if request.method == "POST":
        if request.content_type == "application/json" or request.body[:1] in (b"{",):
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                err = ckan.invalid("body", "请求体不是有效的 JSON")
                return _ckan_response(request, name, {"success": False, "error": err.body()}, 400)
            if not isinstance(body, dict):
                err = ckan.invalid("body", "请求体应为 JSON 对象")
                return _ckan_response(request, name, {"success": False, "error": err.body()}, 400)
            params.update(body)
        else:
            params.update({k: request.POST.get(k) for k in request.POST})
    elif request.method != "GET":
        err = ckan.CkanError(405, "Bad request", "只支持 GET 或 POST")
        return _ckan_response(request, name, {"success": False, "error": err.body()}, 405)
    try:
        result = action(request, params)
    except ckan.CkanError as e:
        return _ckan_response(request, name, {"success": False, "error": e.body()}, e.status)
    return _ckan_response(request, name, {"success": True, "result": result}, 200)


def catalogue(request: HttpRequest) -> HttpResponse:
    get = request.GET
    filters = selectors.CatalogueFilters(
        q=get.get("q", "").strip()[:100],
        org=get.get("org") or None,
        domain=get.get("domain") or None,
        format=get.get("format") or None,
        open_level=get.get("open_level") or None,
        frequency=get.get("frequency") or None,
    )
    error = ""
    try:
        qs = selectors.public_datasets(filters)
    except selectors.UnknownFilter as e:
        error, qs = str(e), selectors.public_datasets()
    page = Paginator(qs, 20).get_page(get.get("page"))
    return render(
        request,
        "opendata/catalogue.html",
        {
            "page": page,
            "filters": filters,
            "error": error,
            "orgs": [o for o in selectors.public_organizations() if o.package_count],  # type: ignore[attr-defined]
            "domains": selectors.public_domains(),
            "formats": selectors.public_formats(),
            "open_levels": [
                c for c in Dataset.OpenLevel.choices if c[0] != Dataset.OpenLevel.CLOSED
            ],
            "frequencies": Dataset.Frequency.choices,
        },
    )


def dataset(request: HttpRequest, name: str) -> HttpResponse:
    ds = selectors.public_dataset(name)
    if ds is None:
        raise Http404("未找到该数据集")
    resources = []
    for res in ds.resources.all():
        item: dict[str, Any] = {"res": res, "columns": [], "rows": [], "error": ""}
        table = selectors.table_for(res)
        if table is not None and selectors.data_allowed(res):
            try:
                result = datastore.search(table, selectors.base_dir(), limit=PREVIEW_ROWS)
                item["rows"] = [[datastore.jsonable(v) for v in r] for r in result.rows]
            except datastore.QueryError as e:  # pragma: no cover - a stored table is well-formed
                item["error"] = str(e)
            item["columns"] = [
                {"id": c[0], "type": c[1], "notes": res.column_descriptions.get(c[0], "")}
                for c in table.schema
            ]
            api = reverse("opendata:ckan_action", args=["datastore_search"])
            item["api_url"] = request.build_absolute_uri(f"{api}?resource_id={res.pk}&limit=5")
            item["native_url"] = request.build_absolute_uri(f"/api/v1/data/{res.pk}?limit=5")
        resources.append(item)
    return render(
        request,
        "opendata/dataset.html",
        {
            "ds": ds,
            "resources": resources,
            "overdue": ds.is_overdue(),
            "data_open": ds.open_level == Dataset.OpenLevel.UNCONDITIONAL,
        },
    )


def download(request: HttpRequest, resource_id: str) -> HttpResponseBase:
    res = selectors.public_resource(resource_id)
    if res is None or res.kind != Resource.Kind.UPLOAD or res.current is None:
        raise Http404("未找到该资源")
    if not selectors.data_allowed(res):
        return HttpResponse(
            "有条件开放数据须经申请授权后下载", status=403, content_type="text/plain; charset=utf-8"
        )
    path = services.source_path(res.current)
    if not path.exists():
        raise Http404("文件不存在")
    services.count_download(res)
    name = f"{res.name}.{path.suffix.lstrip('.')}"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return response


def dcat_jsonld(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        dcat.to_jsonld(dcat.build(request)), content_type="application/ld+json; charset=utf-8"
    )


def dcat_turtle(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        dcat.to_turtle(dcat.build(request)), content_type="text/turtle; charset=utf-8"
    )


def plan(request: HttpRequest) -> HttpResponse:
    """数据资源清单与开放计划: planned vs opened, by organisation."""
    rows = selectors.public_plan()
    totals = {
        "planned": sum(r.planned for r in rows),
        "opened": sum(r.opened for r in rows),
        "late": sum(r.late for r in rows),
    }
    return render(
        request,
        "opendata/plan.html",
        {"rows": rows, "totals": totals, "today": timezone.localdate()},
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    """运行监测: datasets behind their stated update frequency, and 接口可用率 from the log."""
    return render(
        request,
        "opendata/dashboard.html",
        {
            "overdue": selectors.overdue_datasets(),
            "availability": selectors.api_availability(30),
        },
    )
