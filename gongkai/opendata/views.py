"""Public pages of open data and the CKAN-compatible Action API (thin: selectors and ckan.py
do the work). Nothing here shows a draft, withdrawn or 不予开放 dataset: every read goes
through `selectors.public_*`."""

import csv
import io
import json
import mimetypes
import tempfile
import time
from typing import IO, Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from gongkai.accounts import permissions
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action
from gongkai.accounts.throttle import rate_limited
from gongkai.caching import private
from gongkai.lib.apierrors import has_nul
from gongkai.lib.errors import Conflict

from . import ckan, datastore, dcat, selectors, services, tasks
from .forms import AccessForm, AccessLookupForm, NewResourceForm, UploadForm
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


def _json_body(raw: str | bytes) -> Any:
    """The decoded body; ValueError also when it is nested too deeply or holds strings that are
    not Unicode (a lone surrogate such as "\\ud800"): such bodies once answered 500 (audit F3, F9)."""
    try:
        body = json.loads(raw)
    except RecursionError as e:
        raise ValueError("nested too deeply") from e
    json.dumps(body, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError is a ValueError
    return body


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
        # the envelope, so that ckanapi raises NotAuthorized / NotFound (see ckan.unknown_action)
        error = ckan.unknown_action(name)
        return _ckan_response(
            request, name, {"success": False, "error": error.body()}, error.status
        )
    # as CKAN's _get_request_data: a repeated query key becomes a list
    params: dict[str, Any] = {k: (v[0] if len(v) == 1 else v) for k, v in request.GET.lists()}
    if request.method == "POST":
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = {k: (v[0] if len(v) == 1 else v) for k, v in request.POST.lists()}
            if len(form) == 1 and next(iter(form.values())) in ("1", ""):
                form_body = next(iter(form))  # a JSON body sent as a form key (old clients)
                try:
                    form = _json_body(form_body)
                except ValueError:
                    return ckan.bad_request("JSON Error: 请求体不是有效的 JSON")
            body: Any = form
        elif request.body.strip():
            try:
                body = _json_body(request.body)
            except ValueError:
                return ckan.bad_request("JSON Error: 请求体不是有效的 JSON")
        else:
            body = {}
        if not isinstance(body, dict):
            return ckan.bad_request("JSON Error: 请求体应为 JSON 对象（dictionary）")
        params.update(body)
    elif request.method != "GET":
        return ckan.bad_request(
            "JSON Error: Invalid request. Please use POST method for your request"
        )
    try:
        # PostgreSQL text cannot hold NUL: its DataError was a 500 (package_show id=a%00)
        for key, value in params.items():
            if has_nul(key) or has_nul(value):
                raise ckan.invalid(key.replace("\x00", "") or "request", "不能包含 NUL 字符")
        result = action(request, params)
    except ckan.CkanError as e:
        return _ckan_response(request, name, {"success": False, "error": e.body()}, e.status)
    return _ckan_response(request, name, {"success": True, "result": result}, 200)


def catalogue(request: HttpRequest) -> HttpResponse:
    """Ranked by the quality score unless `sort=updated` (最近更新)."""
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
    sort = "updated" if get.get("sort") == "updated" else "quality"
    ranked = selectors.rank_by_quality(qs)
    if sort == "updated":  # the queryset's own order: 最近更新 first
        order = {pk: i for i, pk in enumerate(qs.values_list("pk", flat=True))}
        ranked.sort(key=lambda ds: order[ds.pk])
    page = Paginator(ranked, 20).get_page(get.get("page"))
    return render(
        request,
        "opendata/catalogue.html",
        {
            "page": page,
            "filters": filters,
            "sort": sort,
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


def _page_query(get: Any, table: datastore.Table) -> dict[str, Any]:
    """The preview's query from the page's GET form: q, sort, and one column = value filter."""
    query: dict[str, Any] = {"q": get.get("q", "").strip()[:100] or None}
    sort = get.get("sort", "").strip()
    if sort:
        query["sort"] = sort[:200]
    column, value = get.get("fc", ""), get.get("fv", "").strip()
    if column and value and column in table.columns:
        query["filters"] = {column: value[:200]}
    return query


def _query_string(query: dict[str, Any], **extra: Any) -> str:
    params = {**extra}
    for key, value in query.items():
        if value:
            params[key] = json.dumps(value, ensure_ascii=False) if key == "filters" else value
    return urlencode(params)


CHART_WIDTH, CHART_LABEL, CHART_ROW = 640, 170, 24


def _chart(pairs: list[tuple[str, int]]) -> dict[str, Any]:
    """Geometry of a horizontal bar chart drawn as inline SVG (no script, prints, zooms)."""
    top = max((c for _, c in pairs), default=0) or 1
    span = CHART_WIDTH - CHART_LABEL - 70
    bars = [
        {"label": label, "count": count, "y": i * CHART_ROW, "ty": i * CHART_ROW + 16,
         "w": max(1, round(span * count / top)) if count else 0,
         "tx": CHART_LABEL + (max(1, round(span * count / top)) if count else 0) + 6}
        for i, (label, count) in enumerate(pairs)
    ]  # fmt: skip
    return {"bars": bars, "height": len(bars) * CHART_ROW + 4, "width": CHART_WIDTH,
            "label_x": CHART_LABEL - 6, "bar_x": CHART_LABEL}  # fmt: skip


def dataset(request: HttpRequest, name: str) -> HttpResponse:
    """Resources with their columns; for the chosen resource (`res`, else the first table) the
    preview follows the page's query (q/sort/filter), with its chart, export links and the API
    calls that return the same rows. Rows, charts and exports only of 无条件开放 data."""
    ds = selectors.public_dataset(name)
    if ds is None:
        raise Http404("未找到该数据集")
    get = request.GET
    data_open = ds.open_level == Dataset.OpenLevel.UNCONDITIONAL
    resources, chosen = [], None
    for res in ds.resources.all():
        item: dict[str, Any] = {"res": res, "columns": [], "rows": [], "error": ""}
        table = selectors.table_for(res)
        if table is not None:
            item["columns"] = [
                {"id": c[0], "type": c[1], "type_label": c[1],
                 "notes": res.column_descriptions.get(c[0], "")}
                for c in table.schema
            ]  # fmt: skip
            if chosen is None and (get.get("res") in (None, "", str(res.pk))):
                chosen = item
            item["table"] = table
        resources.append(item)
    for item in resources:
        table = item.pop("table", None)
        if table is None:
            continue
        res = item["res"]
        query = _page_query(get, table) if item is chosen else {}
        item["query"] = query
        item["chosen"] = item is chosen
        api = reverse("opendata:ckan_action", args=["datastore_search"])
        item["api_url"] = request.build_absolute_uri(
            f"{api}?{_query_string(query, resource_id=str(res.pk), limit=5)}"
        )
        item["native_url"] = request.build_absolute_uri(
            f"/api/v1/data/{res.pk}?{_query_string(query, limit=5)}"
        )
        item["exports"] = [
            (
                fmt.upper(),
                reverse("opendata:export", args=[res.pk, fmt]) + "?" + _query_string(query),
            )
            for fmt in EXPORT_FORMATS
        ]
        if not selectors.data_allowed(res):
            continue
        try:
            result = datastore.search(table, selectors.base_dir(), limit=PREVIEW_ROWS, **query)
            item["rows"] = [[datastore.jsonable(v) for v in r] for r in result.rows]
            item["total"] = result.total
        except datastore.QueryError as e:
            item["error"] = str(e)
            result = datastore.search(table, selectors.base_dir(), limit=PREVIEW_ROWS)
            item["rows"] = [[datastore.jsonable(v) for v in r] for r in result.rows]
            item["total"] = result.total
        if item is chosen:
            column = get.get("chart") or _default_chart_column(table)
            if column:
                try:
                    item["chart"] = _chart(
                        datastore.column_summary(table, selectors.base_dir(), column)
                    )
                    item["chart_column"] = column
                except datastore.QueryError as e:
                    item["chart_error"] = str(e)
    return render(
        request,
        "opendata/dataset.html",
        {
            "ds": ds,
            "resources": resources,
            "overdue": ds.is_overdue(),
            "data_open": data_open,
            "quality": selectors.quality(ds),
        },
    )


def _default_chart_column(table: datastore.Table) -> str | None:
    """The first text column (top values say most), else the first number or date."""
    for kinds in (("text",), ("int", "numeric", "date", "timestamp")):
        for c in table.schema:
            if c[0] != "_id" and c[1] in kinds:
                return c[0]
    return None


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


# --- export of a query ----------------------------------------------------------------------------
EXPORT_FORMATS = ("csv", "json", "xlsx")
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet, less the header row


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def export(request: HttpRequest, resource_id: str, fmt: str) -> HttpResponseBase:
    """GET /data/export/<id>.<csv|json|xlsx>?q=&filters=&sort=&fields=: every row of the query,
    streamed (CSV, JSON) or written through a temporary file (XLSX), with flat memory. 有条件开放
    data needs the key of an approved application (Authorization header); every call is logged."""
    started, status, access = time.perf_counter(), 500, None
    try:
        res = selectors.public_resource(resource_id)
        if res is None or fmt not in EXPORT_FORMATS:
            status = 404
            raise Http404("未找到该资源")
        if not selectors.data_allowed(res):
            if res.dataset.open_level == Dataset.OpenLevel.CONDITIONAL:
                key = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key")
                access = selectors.access_for_key(key or "", res.dataset)
            if access is None:
                status = 403
                return _plain("有条件开放数据须经申请授权后，凭接口密钥导出", 403)
        table = selectors.table_for(res)
        if table is None:
            status = 404
            raise Http404("该资源没有可导出的数据")
        get = request.GET
        query = {k: get.get(k) or None for k in ("q", "filters", "sort", "fields")}
        base = selectors.base_dir()
        try:
            if fmt == "xlsx":
                total = datastore.search(table, base, limit=0, q=query["q"],
                                         filters=query["filters"]).total  # fmt: skip
                if total is not None and total > XLSX_MAX_ROWS:
                    status = 400
                    return _plain(
                        f"共 {total} 行，超过 Excel 上限 {XLSX_MAX_ROWS} 行，请导出 CSV", 400
                    )
            chunks = datastore.export(table, base, "csv" if fmt == "xlsx" else fmt, **query)
        except datastore.QueryError as e:
            status = 400
            return _plain(f"{e.field}：{e}", 400)
        services.count_download(res)
        filename = f"{res.name}.{fmt}"
        if fmt == "xlsx":
            response: HttpResponseBase = FileResponse(
                _xlsx(chunks, table), as_attachment=True, filename=filename
            )
            response["Content-Type"] = EXPORT_TYPES[fmt]
        else:
            response = StreamingHttpResponse(chunks, content_type=EXPORT_TYPES[fmt])
            response["Content-Disposition"] = content_disposition_header(True, filename)
        response["Cache-Control"] = "private, no-store" if access else "public, max-age=300"
        status = 200
        return response
    finally:
        services.log_api_request(
            f"export:{fmt}"[:40], status=status, resource_id=resource_id, access=access,
            duration_ms=int((time.perf_counter() - started) * 1000),
        )  # fmt: skip


def _xlsx(chunks: Any, table: datastore.Table) -> IO[bytes]:
    """CSV batches → a write-only workbook (rows go to disk as they come) in a temporary file."""
    from openpyxl import Workbook

    kinds = {c[0]: c[1] for c in table.schema}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    converters: list[Any] = []
    for chunk in chunks:
        text = chunk.decode("utf-8").lstrip("\ufeff")
        for row in csv.reader(io.StringIO(text)):
            if not converters:
                converters = [_cell(kinds.get(name, "text")) for name in row]
                ws.append(row)
                continue
            ws.append([f(v) for f, v in zip(converters, row, strict=False)])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    wb.save(out)
    out.seek(0)
    return out


def _cell(kind: str) -> Any:
    def convert(value: str) -> Any:
        if value == "":
            return None
        try:
            return int(value) if kind == "int" else float(value) if kind == "numeric" else value
        except ValueError:
            return value

    return convert


# --- 有条件开放: apply, follow, collect the key -------------------------------------------------------
def _too_many(request: HttpRequest, what: str) -> HttpResponse:
    return private(
        render(request, "opendata/message.html",
               {"title": "操作过于频繁", "message": f"{what}过于频繁，请稍后再试。"}, status=429)
    )  # fmt: skip


def _conditional(name: str) -> Dataset:
    ds = selectors.public_dataset(name)
    if ds is None or ds.open_level != Dataset.OpenLevel.CONDITIONAL:
        raise Http404("未找到该有条件开放数据集")
    return ds


@never_cache
@require_http_methods(["GET", "POST"])
def apply_access(request: HttpRequest, name: str) -> HttpResponse:
    """数据使用申请 of a 有条件开放 dataset: a tracking number and a 查询码 shown once."""
    ds = _conditional(name)
    if request.method == "GET":
        return private(render(request, "opendata/apply.html", {"ds": ds, "form": AccessForm()}))
    limit = int(getattr(settings, "GONGKAI_OPENDATA_APPLY_LIMIT", 5))
    if rate_limited(request, "opendata-apply", limit, 3600):
        return _too_many(request, "提交申请")
    form = AccessForm(request.POST)
    if form.is_spam():
        return private(
            render(request, "opendata/message.html",
                   {"title": "提交未成功", "message": "提交未成功，请刷新页面后重新填写。"},
                   status=400)
        )  # fmt: skip
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        try:
            req, code = services.apply_for_access(ds, data=data, ip=client_ip(request))
        except ValidationError as e:
            form.add_service_errors(e)
        else:
            return private(
                render(request, "opendata/applied.html", {"ds": ds, "req": req, "code": code})
            )
    return private(render(request, "opendata/apply.html", {"ds": ds, "form": form}, status=422))


@never_cache
@require_http_methods(["GET", "POST"])
def access_status(request: HttpRequest) -> HttpResponse:
    """The applicant's page: tracking number + 查询码 (POST, so the code stays out of URLs and
    logs) show the decision; an approved applicant collects the key here, shown once. A wrong
    code answers exactly like a missing application."""
    if request.method == "GET":
        return private(render(request, "opendata/access.html", {"form": AccessLookupForm()}))
    limit = int(getattr(settings, "GONGKAI_OPENDATA_LOOKUP_LIMIT", 20))
    if rate_limited(request, "opendata-lookup", limit, 600):
        return _too_many(request, "查询")
    form = AccessLookupForm(request.POST)
    req = None
    if form.is_valid():
        req = selectors.access_request(form.cleaned_data["tracking_no"])
        if req is not None and not services.access_code_matches(req, form.cleaned_data["code"]):
            req = None
    if req is None:
        initial = {"tracking_no": request.POST.get("tracking_no", "")[:32]}
        return private(
            render(request, "opendata/access.html",
                   {"form": AccessLookupForm(initial=initial), "not_found": True}, status=404)
        )  # fmt: skip
    context: dict[str, Any] = {"req": req, "code": form.cleaned_data["code"], "form": form}
    if request.POST.get("collect"):
        try:
            req, context["key"] = services.collect_key(
                req.tracking_no, form.cleaned_data["code"], ip=client_ip(request)
            )
            context["req"] = req
            rid = next((r.pk for r in req.dataset.resources.all() if r.current_id), None)
            if rid:
                api = reverse("opendata:ckan_action", args=["datastore_search"])
                context["api_url"] = request.build_absolute_uri(f"{api}?resource_id={rid}&limit=5")
                context["native_url"] = request.build_absolute_uri(f"/api/v1/data/{rid}?limit=5")
        except Conflict as e:
            context["error"] = str(e)
    context["active"] = req.is_active()
    return private(render(request, "opendata/access.html", context))


# --- staff: upload a table, follow its ingestion ------------------------------------------------------
@never_cache
@permissions.staff_page
def staff_home(request: HttpRequest) -> HttpResponse:
    """数据上传: the datasets of the organisations the official edits, with their tables."""
    datasets = (
        selectors.staff_datasets(request.user, Action.EDIT)
        .prefetch_related("resources__current")
        .order_by("org__code", "title")
    )
    return private(render(request, "opendata/staff_home.html", {"datasets": datasets}))


@never_cache
@require_http_methods(["GET", "POST"])
@permissions.staff_page
def staff_dataset(request: HttpRequest, dataset_id: str) -> HttpResponse:
    """One dataset: add a table resource, upload a file to a resource (a new version)."""
    ds = selectors.staff_dataset(request.user, dataset_id)
    new_form, upload_form, error = NewResourceForm(prefix="new"), UploadForm(), ""
    if request.method == "POST":
        try:
            if "new-name" in request.POST:
                new_form = NewResourceForm(request.POST, prefix="new")
                if new_form.is_valid():
                    services.add_resource(ds, by=request.user, data=new_form.cleaned_data,
                                          ip=client_ip(request))  # fmt: skip
                    return redirect("opendata:staff_dataset", ds.pk)
            else:
                res = selectors.staff_resource(request.user, request.POST.get("resource", ""))
                if res.dataset_id != ds.pk:
                    raise permissions.NotFound("未找到该资源")
                upload_form = UploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    f = upload_form.cleaned_data["file"]
                    with transaction.atomic():
                        version = services.add_version(
                            res, by=request.user, file=f, filename=(f.name or "").rsplit("/", 1)[-1],
                            ip=client_ip(request),
                        )  # fmt: skip
                        tasks.enqueue_ingest(version)
                    return redirect("opendata:staff_version", version.pk)
                error = "；".join(str(m) for ms in upload_form.errors.values() for m in ms)
        except (ValidationError, Conflict, PermissionDenied) as e:
            error = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
    resources = list(ds.resources.select_related("current").order_by("position", "created_at"))
    return private(
        render(request, "opendata/staff_dataset.html",
               {"ds": ds, "resources": resources, "new_form": new_form,
                "upload_form": upload_form, "error": error},
               status=422 if error else 200)
    )  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@permissions.staff_page
def staff_version(request: HttpRequest, version_id: str) -> HttpResponse:
    """导入进度: the page refreshes itself (no script) until the version is ready or failed;
    then the official describes the columns (字段说明, shown publicly and in the API)."""
    version = selectors.staff_version(request.user, version_id)
    error, saved = "", False
    if request.method == "POST":
        descriptions = {
            c["id"]: request.POST.get(f"desc-{c['id']}", "").strip()
            for c in version.schema
            if c["id"] != "_id" and f"desc-{c['id']}" in request.POST
        }
        try:
            services.set_column_descriptions(
                version.resource, by=request.user, descriptions=descriptions,
                ip=client_ip(request),
            )  # fmt: skip
            saved = True
            version = selectors.staff_version(request.user, version_id)
        except (ValidationError, PermissionDenied) as e:
            error = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
    ds = version.resource.dataset
    done = version.status in (version.Status.READY, version.Status.FAILED)
    api = reverse("opendata:ckan_action", args=["datastore_search"])
    rid = version.resource_id
    return private(
        render(request, "opendata/staff_version.html",
               {"v": version, "ds": ds, "done": done,
                "public_url": reverse("opendata:dataset", args=[ds.name]) if ds.is_public else "",
                "api_url": request.build_absolute_uri(f"{api}?resource_id={rid}&limit=5"),
                "serving": version.resource.current_id == version.pk,
                "notes": version.resource.column_descriptions, "error": error, "saved": saved},
               status=422 if error else 200)
    )  # fmt: skip
