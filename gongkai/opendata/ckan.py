"""CKAN Action API (v3) compatibility: the same envelope, parameter and field names as CKAN
2.11, so that ckanapi, harvesters and DataStore clients work unchanged against /api/3/action/.

Envelope: {"help": url, "success": true, "result": …} or, on error,
{"help": url, "success": false, "error": {"__type": "Not Found Error", "message": "…"}} with
CKAN's status codes (404 Not Found, 409 Validation, 403 Authorization). Everything here reads
through `selectors.public_*`: drafts, withdrawn and 不予开放 datasets do not exist for this API,
and the rows of 有条件开放 resources need a grant.
"""

import csv
import io
import json
import shlex
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from gongkai.organizations.models import Organization

from . import datastore, selectors
from .models import Dataset, Resource

CKAN_VERSION = "2.11.0"
MAX_ROWS = 1000


class CkanError(Exception):
    def __init__(self, status: int, kind: str, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.status, self.kind, self.fields = status, kind, fields

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"__type": self.kind, "message": str(self)}
        error.update(self.fields)
        return error


def not_found(message: str = "未找到") -> CkanError:
    return CkanError(404, "Not Found Error", message)


def invalid(field: str, message: str) -> CkanError:
    return CkanError(409, "Validation Error", f"{field}：{message}", **{field: [message]})


def _iso(value: Any) -> str | None:
    # CKAN writes naive UTC timestamps
    return value.astimezone(tz=None).replace(tzinfo=None).isoformat() if value else None


def _int(params: dict[str, Any], name: str, default: int, lo: int = 0, hi: int = 10**9) -> int:
    raw = params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError) as e:
        raise invalid(name, "应为整数") from e
    if not lo <= value <= hi:
        raise invalid(name, f"应在 {lo}–{hi} 之间")
    return value


def _bool(params: dict[str, Any], name: str, default: bool) -> bool:
    raw = params.get(name, default)
    if isinstance(raw, bool):
        return raw
    return str(raw).lower() in ("true", "1", "yes", "on")


def _required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value in (None, ""):
        raise invalid(name, "缺少该参数")
    return str(value)


# --- dictionaries ---------------------------------------------------------------------------------
def org_dict(org: Organization, request: HttpRequest, package_count: int | None = None) -> dict:
    data = {
        "id": str(org.pk),
        "name": org.code,
        "title": org.name,
        "display_name": org.name,
        "description": org.intro,
        "image_url": "",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "created": _iso(org.created_at),
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def resource_dict(res: Resource, request: HttpRequest) -> dict[str, Any]:
    v = res.current
    if res.kind == Resource.Kind.LINK:
        url = res.url
    else:
        url = request.build_absolute_uri(reverse("opendata:download", args=[res.pk]))
    return {
        "id": str(res.pk),
        "package_id": str(res.dataset_id),
        "name": res.name,
        "description": res.description,
        "format": res.format,
        "url": url,
        "url_type": "upload" if res.kind == Resource.Kind.UPLOAD else None,
        "mimetype": {"CSV": "text/csv", "JSON": "application/json"}.get(res.format),
        "size": v.size if v else None,
        "hash": f"sha256:{v.sha256}" if v else "",
        "created": _iso(res.created_at),
        "last_modified": _iso(v.finished_at) if v else None,
        "metadata_modified": _iso(res.updated_at),
        "datastore_active": bool(v),
        "position": res.position,
        "state": "active",
        "row_count": v.row_count if v else None,
        "download_count": res.download_count,
    }


def package_dict(ds: Dataset, request: HttpRequest) -> dict[str, Any]:
    resources = [resource_dict(r, request) for r in ds.resources.all()]
    tags = [
        {"id": t, "name": t, "display_name": t, "state": "active", "vocabulary_id": None}
        for t in ds.tags
    ]
    groups = (
        [{"id": ds.domain, "name": ds.domain, "title": ds.domain, "display_name": ds.domain}]
        if ds.domain
        else []
    )
    extras = {
        "open_level": ds.get_open_level_display(),
        "frequency": ds.get_frequency_display(),
        "last_updated": _iso(ds.last_updated) or "",
        "overdue": "true" if ds.is_overdue() else "false",
        "spatial_text": ds.spatial,
        "temporal_start": ds.temporal_start.isoformat() if ds.temporal_start else "",
        "temporal_end": ds.temporal_end.isoformat() if ds.temporal_end else "",
        "contact_phone": ds.contact_phone,
    }
    return {
        "id": str(ds.pk),
        "name": ds.name,
        "title": ds.title,
        "notes": ds.description,
        "type": "dataset",
        "state": "active",
        "private": False,
        "owner_org": str(ds.org_id),
        "organization": org_dict(ds.org, request),
        "author": ds.org.name,
        "author_email": None,
        "maintainer": ds.contact_name,
        "maintainer_email": ds.contact_email or None,
        "license_id": ds.license_id,
        "license_title": ds.get_license_id_display(),
        "url": request.build_absolute_uri(reverse("opendata:dataset", args=[ds.name])),
        "version": None,
        "metadata_created": _iso(ds.created_at),
        "metadata_modified": _iso(ds.updated_at),
        "tags": tags,
        "num_tags": len(tags),
        "groups": groups,
        "resources": resources,
        "num_resources": len(resources),
        "extras": [{"key": k, "value": v} for k, v in extras.items()],
        "open_level": ds.open_level,
        "frequency": ds.frequency,
        "overdue": ds.is_overdue(),
    }


# --- catalogue actions ------------------------------------------------------------------------------
def status_show(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings

    return {
        "ckan_version": CKAN_VERSION,
        "site_title": getattr(settings, "GONGKAI_SITE_NAME", "政务公开平台"),
        "site_description": "政府数据开放",
        "site_url": request.build_absolute_uri("/").rstrip("/"),
        "locale_default": "zh_Hans_CN",
        "error_emails_to": None,
        "extensions": ["datastore", "dcat"],
    }


def package_list(request: HttpRequest, params: dict[str, Any]) -> list[str]:
    limit = _int(params, "limit", MAX_ROWS, 0, MAX_ROWS)
    offset = _int(params, "offset", 0)
    names = selectors.public_datasets().order_by("name").values_list("name", flat=True)
    return list(names[offset : offset + limit])


def package_show(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    ds = selectors.public_dataset(_required(params, "id"))
    if ds is None:
        raise not_found("未找到该数据集")
    return package_dict(ds, request)


def resource_show(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    res = selectors.public_resource(_required(params, "id"))
    if res is None:
        raise not_found("未找到该资源")
    return resource_dict(res, request)


FQ_FIELDS = {
    "organization": "org", "owner_org": "org", "groups": "domain", "tags": "tag",
    "res_format": "format", "open_level": "open_level", "frequency": "frequency",
}  # fmt: skip


def _parse_fq(fq: str) -> dict[str, str]:
    out: dict[str, str] = {}

    try:
        parts = shlex.split(fq.replace("+", " "))
    except ValueError as e:
        raise CkanError(409, "Search Query Error", f"fq 格式有误：{e}") from e
    for part in parts:
        if part.upper() == "AND":
            continue
        if ":" not in part:
            raise CkanError(409, "Search Query Error", f"fq 格式有误：“{part}”应为 字段:值")
        key, _, value = part.partition(":")
        key = key.lstrip("+")
        if key not in FQ_FIELDS:
            raise CkanError(409, "Search Query Error", f"fq 不支持字段“{key}”")
        out[FQ_FIELDS[key]] = value.strip('"')
    return out


def _facet_value(ds: Dataset, field: str) -> list[tuple[str, str]]:
    if field in ("organization", "owner_org"):
        return [(ds.org.code, ds.org.name)]
    if field == "tags":
        return [(t, t) for t in ds.tags]
    if field == "groups":
        return [(ds.domain, ds.domain)] if ds.domain else []
    if field == "res_format":
        return [(f, f) for f in {r.format for r in ds.resources.all() if r.format}]
    if field == "open_level":
        return [(ds.open_level, ds.get_open_level_display())]
    if field == "frequency":
        return [(ds.frequency, ds.get_frequency_display())]
    return []


def package_search(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    q = str(params.get("q") or "").strip()
    if q in ("*:*", "*"):
        q = ""
    fq = _parse_fq(str(params.get("fq") or ""))
    rows = _int(params, "rows", 10, 0, MAX_ROWS)
    start = _int(params, "start", 0)
    try:
        qs: QuerySet[Dataset] = selectors.public_datasets(selectors.CatalogueFilters(q=q, **fq))
    except selectors.UnknownFilter as e:
        raise invalid(e.field, str(e)) from e
    sort = str(params.get("sort") or "").strip()
    orders = {
        "metadata_modified desc": "-updated_at", "metadata_modified asc": "updated_at",
        "metadata_created desc": "-created_at", "metadata_created asc": "created_at",
        "title_string asc": "title", "title_string desc": "-title",
        "name asc": "name", "name desc": "-name",
    }  # fmt: skip
    if sort and not sort.startswith("score"):
        first = " ".join(sort.split(",")[0].split())
        if first not in orders:
            raise CkanError(409, "Search Query Error", f"不支持的排序“{sort}”")
        qs = qs.order_by(orders[first], "name")
    facet_fields = params.get("facet.field") or []
    if isinstance(facet_fields, str):
        try:
            facet_fields = json.loads(facet_fields)
        except ValueError as e:
            raise invalid("facet.field", '应为 JSON 列表，如 ["organization","tags"]') from e
    datasets = list(qs)
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for field in facet_fields if isinstance(facet_fields, list) else []:
        counts: dict[str, int] = {}
        titles: dict[str, str] = {}
        for ds in datasets:
            for name, title in _facet_value(ds, str(field)):
                counts[name] = counts.get(name, 0) + 1
                titles[name] = title
        facets[field] = counts
        search_facets[field] = {
            "title": field,
            "items": [
                {"name": n, "display_name": titles[n], "count": c}
                for n, c in sorted(counts.items(), key=lambda kv: -kv[1])
            ],
        }
    return {
        "count": len(datasets),
        "sort": sort or "score desc, metadata_modified desc",
        "facets": facets,
        "search_facets": search_facets,
        "results": [package_dict(ds, request) for ds in datasets[start : start + rows]],
    }


def _org(key: str) -> tuple[Organization, int]:
    org = selectors.public_organizations().filter(code=key).first()
    if org is None and key.isdigit():
        org = selectors.public_organizations().filter(pk=int(key)).first()
    if org is None:
        raise not_found("未找到该机构")
    return org, org.package_count  # type: ignore[attr-defined]


def organization_list(request: HttpRequest, params: dict[str, Any]) -> list[Any]:
    limit = _int(params, "limit", MAX_ROWS, 0, MAX_ROWS)
    offset = _int(params, "offset", 0)
    orgs = list(selectors.public_organizations().order_by("code")[offset : offset + limit])
    if _bool(params, "all_fields", False):
        return [org_dict(o, request, o.package_count) for o in orgs]  # type: ignore[attr-defined]
    return [o.code for o in orgs]


def organization_show(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    org, count = _org(_required(params, "id"))
    data = org_dict(org, request, count)
    if _bool(params, "include_datasets", False):
        datasets = selectors.public_datasets(selectors.CatalogueFilters(org=org.code))[:MAX_ROWS]
        data["packages"] = [package_dict(ds, request) for ds in datasets]
    return data


def group_list(request: HttpRequest, params: dict[str, Any]) -> list[Any]:
    domains = selectors.public_domains()
    if _bool(params, "all_fields", False):
        counts = {
            d: selectors.public_datasets(selectors.CatalogueFilters(domain=d)).count()
            for d in domains
        }
        return [
            {"id": d, "name": d, "title": d, "display_name": d, "package_count": counts[d],
             "type": "group", "is_organization": False, "state": "active"}
            for d in domains
        ]  # fmt: skip
    return domains


def tag_list(request: HttpRequest, params: dict[str, Any]) -> list[Any]:
    query = str(params.get("query") or "")
    tags = [t for t in selectors.public_tags() if query in t]
    if _bool(params, "all_fields", False):
        return [{"id": t, "name": t, "display_name": t, "vocabulary_id": None} for t in tags]
    return tags


# --- DataStore ----------------------------------------------------------------------------------------
def api_key(request: HttpRequest) -> str:
    """The caller's key as CKAN clients send it: `Authorization: <key>` (ckanapi), `Bearer`,
    or the older X-CKAN-API-Key header."""
    return request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""


def readable_table(
    resource_id: str, request: HttpRequest | None = None
) -> tuple[Resource, datastore.Table]:
    res = selectors.public_resource(resource_id)
    if res is None:
        raise not_found(f"未找到资源“{resource_id}”")
    if request is not None:
        request.opendata_resource_id = res.pk  # type: ignore[attr-defined]
    if not selectors.data_allowed(res):
        access = (
            selectors.access_for_key(api_key(request), res.dataset)
            if request is not None and res.dataset.open_level == Dataset.OpenLevel.CONDITIONAL
            else None
        )
        if access is None:
            raise CkanError(
                403, "Authorization Error",
                "有条件开放数据须经申请授权后访问：请在数据集页面申请，获批后以接口密钥调用",
            )  # fmt: skip
        request.opendata_access = access  # type: ignore[union-attr]
    table = selectors.table_for(res)
    if table is None:
        raise not_found(f"资源“{resource_id}”没有可查询的数据（尚未导入或不是表格）")
    return res, table


def _fields(res: Resource, columns: list[tuple[str, str]]) -> list[dict[str, Any]]:
    out = []
    for name, kind in columns:
        field: dict[str, Any] = {"id": name, "type": kind}
        if name in res.column_descriptions:
            field["info"] = {"label": name, "notes": res.column_descriptions[name]}
        out.append(field)
    return out


def _records(columns: list[str], rows: list[tuple], fmt: str) -> Any:
    if fmt == "objects":
        return [dict(zip(columns, map(datastore.jsonable, r), strict=True)) for r in rows]
    if fmt == "lists":
        return [[datastore.jsonable(v) for v in r] for r in rows]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    for r in rows:
        w.writerow(["" if v is None else datastore.jsonable(v) for v in r])
    return buf.getvalue()


def datastore_search(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    resource_id = str(params.get("resource_id") or params.get("id") or "")
    if not resource_id:
        raise invalid("resource_id", "缺少该参数")
    res, table = readable_table(resource_id, request)
    limit = _int(params, "limit", 100, 0, datastore.ROWS_MAX)
    offset = _int(params, "offset", 0)
    include_total = _bool(params, "include_total", True)
    fmt = str(params.get("records_format") or "objects")
    if fmt not in ("objects", "lists", "csv", "tsv"):
        raise invalid("records_format", "应为 objects、lists、csv 或 tsv")
    try:
        result = datastore.search(
            table, selectors.base_dir(), filters=params.get("filters"), q=params.get("q"),
            fields=params.get("fields"), sort=params.get("sort"), limit=limit, offset=offset,
            include_total=include_total, distinct=_bool(params, "distinct", False),
        )  # fmt: skip
    except datastore.QueryError as e:
        raise invalid(e.field, str(e)) from e
    names = [c[0] for c in result.columns]
    out: dict[str, Any] = {
        "include_total": include_total,
        "resource_id": str(res.pk),
        "fields": _fields(res, result.columns),
        "records_format": fmt,
        "records": _records(names, result.rows, fmt),
        "limit": limit,
    }
    if offset:
        out["offset"] = offset
    for key in ("filters", "q", "sort"):
        if params.get(key):
            out[key] = params[key]
    if include_total:
        out["total"] = result.total
        out["total_was_estimated"] = False
    if _bool(params, "include_next_page", True):
        more = (result.total is not None and offset + limit < result.total) or (
            result.total is None and len(result.rows) == limit and limit > 0
        )
        query = {k: v for k, v in params.items() if isinstance(v, str | int)}
        query.update({"resource_id": str(res.pk), "offset": offset + limit})
        out["next_page"] = (
            reverse("opendata:ckan_action", args=["datastore_search"]) + "?" + urlencode(query)
            if more
            else None
        )
    return out


def datastore_search_sql(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    sql = _required(params, "sql")
    try:
        _, names = datastore.check_sql(sql, None)
        tables = [readable_table(name, request)[1] for name in sorted(names)]
        if not tables:
            raise invalid("sql", "请在 FROM 中使用资源 id 作为表名")
        result, truncated = datastore.run_sql(sql, tables)
    except datastore.QueryError as e:
        raise invalid(e.field, str(e)) from e
    names_out = [c[0] for c in result.columns]
    return {
        "sql": sql,
        "records": _records(names_out, result.rows, "objects"),
        "fields": [{"id": n, "type": t} for n, t in result.columns],
        "records_truncated": truncated,
    }


ACTIONS: dict[str, Callable[[HttpRequest, dict[str, Any]], Any]] = {
    f.__name__: f
    for f in (
        status_show, package_list, package_show, package_search, resource_show,
        organization_list, organization_show, group_list, tag_list, datastore_search,
        datastore_search_sql,
    )
}  # fmt: skip
