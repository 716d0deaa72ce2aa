"""CKAN Action API (v3) compatibility: the same envelope, parameter and field names as CKAN
2.11/2.12, so that ckanapi, harvesters and DataStore clients work unchanged against /api/3/action/
(checked side by side with a real CKAN 2.12 and through ckanapi in tests/test_ckanapi.py).

Envelope: {"help": url, "success": true, "result": …} or, on error,
{"help": url, "success": false, "error": {…}} with CKAN's `__type` values and status codes:
404 {"__type": "Not Found Error", "message": "Not found: …"}, 403 {"__type": "Authorization
Error", "message": "Access denied: …"}, 409 {"__type": "Validation Error", "<field>": ["…"]},
400 "Search Query Error", 409 "Search Error". A write action CKAN has (package_create,
datastore_upsert …) is a 403 "Authorization Error": this mirror is read-only, as CKAN answers an
unauthorised write. An action CKAN does not have is a 404 "Not Found Error" envelope, so that
ckanapi raises NotFound (CKAN 2.12 itself answers 400 "Bad request - Action name not known: …"
as a bare string; NotFound is a CKANAPIError, so clients catching that still do). A body that is
not a JSON object is CKAN's bare-string 400 "Bad request - JSON Error: …".
Parameters: GET query (a repeated key becomes a list) or a POST JSON/form body. Limits above
the maximum are lowered to it (rows ≤ 1000, DataStore limit ≤ 32000), as CKAN does.
package_search's `fq` understands the Solr subset harvesters send (field:value, "quoted",
OR, AND, +/-, [a TO b] ranges on dates); `sort` also takes `id asc` (ckanext-harvest).
datastore_search follows 2.12: no `_links`; with include_next_page, `next_page` is the filter
{"_id": {"gt": last}} for the next page, and that filter is understood.
Everything here reads through `selectors.public_*`: drafts, withdrawn and 不予开放 datasets do
not exist for this API, and the rows of 有条件开放 resources need a grant.
"""

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from gongkai.lib.bounds import OFFSET_MAX
from gongkai.organizations.models import Organization

from . import datastore, selectors, tabular
from .models import Dataset, Resource

CKAN_VERSION = "2.12.0"  # the DataStore answers in the 2.12 shape
OPEN_LICENSES = {"cc-by-4.0", "cc-zero", "odc-by"}  # CKAN's isopen: an OKD-conformant licence
MAX_ROWS = 1000  # CKAN's ckan.search.rows_max and group/organisation list maximum


class CkanError(Exception):
    def __init__(self, status: int, kind: str, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.status, self.kind, self.fields = status, kind, fields

    def body(self) -> dict[str, Any]:
        # a Validation Error carries only {field: [messages]}, like CKAN's error_dict
        error: dict[str, Any] = {"__type": self.kind}
        if not self.fields:
            error["message"] = str(self)
        error.update(self.fields)
        return error


def not_found(message: str = "未找到") -> CkanError:
    # ckanapi keeps what follows the first ": " as the NotFound message
    return CkanError(404, "Not Found Error", f"Not found: {message}")


def not_authorized(message: str) -> CkanError:
    return CkanError(403, "Authorization Error", f"Access denied: {message}")


def invalid(field: str, message: str) -> CkanError:
    return CkanError(409, "Validation Error", f"{field}：{message}", **{field: [message]})


def search_query_error(message: str) -> CkanError:
    return CkanError(400, "Search Query Error", f"Search Query is invalid: {message}")


def bad_request(message: str) -> JsonResponse:
    """CKAN's answer to a body that is not a JSON object: a bare string (`_finish_bad_request`)."""
    return JsonResponse(
        f"Bad request - {message}",
        status=400,
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )


# CKAN's write actions (create/update/patch/delete/purge …, datastore_create/upsert/delete)
_WRITE_ACTION = re.compile(
    r"(?:^|_)(?:create|update|patch|delete|purge|upsert|revise|reorder|run_triggers|"
    r"change_permissions|follow|unfollow|member_add|member_remove|invite|cancel)(?:_|$)"
)


def unknown_action(name: str) -> CkanError:
    """A write is refused as CKAN refuses an unauthorised caller; any other name is not found."""
    if _WRITE_ACTION.search(name):
        return not_authorized(f"本平台的 CKAN 接口只读，不能调用 {name}")
    return not_found(f"Action name not known: {name}（没有该接口）")


def search_error(message: str) -> CkanError:
    return CkanError(409, "Search Error", f"Search error: {message}")


def _iso(value: Any) -> str | None:
    # CKAN writes naive UTC timestamps
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat() if value else None


def _int(params: dict[str, Any], name: str, default: int, hi: int | None = None) -> int:
    """A natural number; above `hi` it is lowered to `hi` (CKAN's limit_to_configured_maximum)."""
    raw = params.get(name, default)
    if raw in (None, ""):
        raw = default
    try:
        value = int(raw)
    except (TypeError, ValueError) as e:
        raise invalid(name, "应为整数") from e
    if value < 0:
        raise invalid(name, "应为非负整数")
    return min(value, hi) if hi is not None else value


def _bool(params: dict[str, Any], name: str, default: bool) -> bool:
    raw = params.get(name, default)
    if isinstance(raw, bool):
        return raw
    return str(raw).lower() in ("true", "1", "yes", "on")


def _required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value in (None, ""):
        raise invalid(name, "Missing value")  # CKAN's wording; clients test for it
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
        "image_display_url": "",
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
        "resource_type": None,
        "mimetype": {"CSV": "text/csv", "JSON": "application/json"}.get(res.format),
        "mimetype_inner": None,
        "cache_url": None,
        "cache_last_updated": None,
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
        "isopen": ds.license_id in OPEN_LICENSES,
        "creator_user_id": None,  # staff accounts are not published
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
        "relationships_as_subject": [],
        "relationships_as_object": [],
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
    limit = _int(params, "limit", MAX_ROWS, MAX_ROWS)
    offset = _int(params, "offset", 0, OFFSET_MAX)  # a larger offset overflowed SQLite (500)
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


def current_package_list_with_resources(
    request: HttpRequest, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """最近更新的数据集（含资源），按 metadata_modified 倒序。参数：limit（默认 10，≤ 1000）、
    offset（旧参数 page 仍可用）；返回 package_show 形式的列表。"""
    limit = _int(params, "limit", 10, MAX_ROWS)
    offset = _int(params, "offset", 0, OFFSET_MAX)
    if "offset" not in params and params.get("page") not in (None, ""):  # deprecated in CKAN
        offset = min((max(_int(params, "page", 1), 1) - 1) * limit, OFFSET_MAX)
    # metadata_modified is updated_at (package_dict); name keeps equal times in a stable order
    datasets = selectors.public_datasets().order_by("-updated_at", "name")
    return [package_dict(ds, request) for ds in datasets[offset : offset + limit]]


AUTOCOMPLETE_MAX = 10  # CKAN's default limit; the suggestions of a search box need no more


def package_autocomplete(request: HttpRequest, params: dict[str, Any]) -> list[dict[str, str]]:
    """名称或标题含 q 的数据集，供输入提示。参数：q（必填）、limit（默认 10，≤ 10）；返回
    name、title、match_field（name/title）、match_displayed。"""
    if "q" not in params:
        raise invalid("q", "Missing value")
    q = str(params.get("q") or "").strip()
    limit = _int(params, "limit", AUTOCOMPLETE_MAX, AUTOCOMPLETE_MAX)
    if not q or not limit:
        return []
    matches = (
        selectors.public_datasets()
        .filter(Q(name__icontains=q) | Q(title__icontains=q))
        .order_by("name")[:limit]
    )
    out = []
    for ds in matches:
        by_name = q.lower() in ds.name.lower()
        out.append(
            {
                "name": ds.name,
                "title": ds.title,
                "match_field": "name" if by_name else "title",
                "match_displayed": ds.name if by_name else f"{ds.title} ({ds.name})",
            }
        )
    return out


# --- package_search: a Solr subset evaluated on the public datasets ---------------------------------
VALUES: dict[str, Callable[[Dataset], list[str]]] = {
    "id": lambda d: [str(d.pk)],
    "name": lambda d: [d.name],
    "title": lambda d: [d.title],
    "organization": lambda d: [d.org.code],
    "owner_org": lambda d: [str(d.org_id)],
    "groups": lambda d: [d.domain] if d.domain else [],
    "tags": lambda d: list(d.tags),
    "res_format": lambda d: sorted({r.format for r in d.resources.all() if r.format}),
    "license_id": lambda d: [d.license_id],
    "open_level": lambda d: [d.open_level, d.get_open_level_display()],
    "frequency": lambda d: [d.frequency, d.get_frequency_display()],
    "state": lambda d: ["active"],
    "dataset_type": lambda d: ["dataset"],
    "type": lambda d: ["dataset"],
    "capacity": lambda d: ["public"],
    "private": lambda d: ["false"],
}  # the values a dataset has for a search field, named as CKAN indexes them


DATE_FIELDS = {"metadata_modified": "updated_at", "metadata_created": "created_at"}
_FQ_TOKEN = re.compile(
    r"\s*(?:(?P<op>AND|OR|&&|\|\|)(?=\s|$)|(?P<sign>[+-]?)(?P<field>[\w.]+):"
    r'(?:(?P<range>[\[{][^\]}]*[\]}])|"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<plain>[^\s()]+)))'
)


def _when(value: str) -> dt.datetime | None:
    if value == "*":
        return None
    if value.upper().startswith("NOW"):
        return dt.datetime.now(tz=dt.UTC)
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as e:
        raise search_error(f"日期“{value}”格式有误，应为 ISO 8601，如 2024-01-01T00:00:00Z") from e
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _clause(field: str, rng: str | None, value: str) -> Callable[[Dataset], bool]:
    if field in DATE_FIELDS:
        attr = DATE_FIELDS[field]
        if rng is None:
            raise search_error(f"“{field}”请用范围筛选，如 {field}:[2024-01-01T00:00:00Z TO *]")
        lo_raw, sep, hi_raw = rng[1:-1].partition(" TO ")
        if not sep:
            raise search_error(f"范围“{rng}”应为 [起 TO 止]")
        lo, hi = _when(lo_raw.strip()), _when(hi_raw.strip())
        lo_incl, hi_incl = rng[0] == "[", rng[-1] == "]"

        def in_range(ds: Dataset) -> bool:
            when = getattr(ds, attr)
            return (lo is None or (when >= lo if lo_incl else when > lo)) and (
                hi is None or (when <= hi if hi_incl else when < hi)
            )

        return in_range
    if rng is not None:
        raise search_error(f"字段“{field}”不支持范围筛选")
    values = VALUES[field]
    if value == "*":
        return lambda ds: bool(values(ds))
    return lambda ds: value in values(ds)


def _negate(test: Callable[[Dataset], bool]) -> Callable[[Dataset], bool]:
    return lambda ds: not test(ds)


def parse_fq(fq: str) -> Callable[[Dataset], bool]:
    """Solr filter query → predicate: clauses joined by AND (the default) or OR, AND binding
    tighter; `-` negates a clause, `+` is ignored. Anything else is a Search Error."""
    groups: list[list[Callable[[Dataset], bool]]] = [[]]
    pos, text = 0, fq.strip()
    while pos < len(text):
        m = _FQ_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise search_error(f"fq 格式有误：无法理解“{text[pos:].strip()[:40]}”")
        pos = m.end()
        if m.group("op"):
            if m.group("op") in ("OR", "||"):
                groups.append([])
            continue
        field = m.group("field")
        if field not in VALUES and field not in DATE_FIELDS:
            raise search_error(f"fq 不支持字段“{field}”")
        value = m.group("quoted")
        value = value.replace('\\"', '"') if value is not None else m.group("plain") or ""
        test = _clause(field, m.group("range"), value)
        groups[-1].append(_negate(test) if m.group("sign") == "-" else test)
    live = [g for g in groups if g]
    if not live:
        return lambda ds: True
    return lambda ds: any(all(t(ds) for t in g) for g in live)


SORT_KEYS: dict[str, Callable[[Dataset], Any]] = {
    "id": lambda d: str(d.pk),
    "name": lambda d: d.name,
    "title_string": lambda d: d.title,
    "metadata_modified": lambda d: d.updated_at,
    "metadata_created": lambda d: d.created_at,
}


def _sort(datasets: list[Dataset], sort: str) -> list[Dataset]:
    """CKAN sort clauses ("field asc, field desc"); `score` keeps the search's own order."""
    clauses = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise search_query_error('Invalid "sort" parameter')
        field, desc = words[0], len(words) == 2 and words[1].lower() == "desc"
        if field == "score":
            continue
        if field not in SORT_KEYS:
            raise search_query_error(f'Invalid "sort" parameter：不支持按“{field}”排序')
        clauses.append((SORT_KEYS[field], desc))
    for key, desc in reversed(clauses):  # stable sorts, last clause first
        datasets = sorted(datasets, key=key, reverse=desc)
    return datasets


def _facet_value(ds: Dataset, field: str) -> list[tuple[str, str]]:
    if field in ("organization", "owner_org"):
        return [(ds.org.code if field == "organization" else str(ds.org_id), ds.org.name)]
    if field == "tags":
        return [(t, t) for t in ds.tags]
    if field == "groups":
        return [(ds.domain, ds.domain)] if ds.domain else []
    if field == "res_format":
        return [(f, f) for f in sorted({r.format for r in ds.resources.all() if r.format})]
    if field == "license_id":
        return [(ds.license_id, ds.get_license_id_display())]
    if field == "open_level":
        return [(ds.open_level, ds.get_open_level_display())]
    if field == "frequency":
        return [(ds.frequency, ds.get_frequency_display())]
    return []


def package_search(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    """搜索数据集。参数：q、fq（Solr 子集）、rows（≤ 1000）、start、sort、facet.field、
    facet.limit、facet.mincount；返回 count、results、facets、search_facets、sort。"""
    q = str(params.get("q") or "").strip()
    if q in ("*:*", "*"):
        q = ""
    rows = _int(params, "rows", 10, MAX_ROWS)
    start = _int(params, "start", 0)
    facet_limit = _int(params, "facet.limit", 50)
    facet_mincount = _int(params, "facet.mincount", 1)
    match = parse_fq(str(params.get("fq") or ""))
    sort = str(params.get("sort") or "").strip()
    facet_fields = params.get("facet.field") or []
    if isinstance(facet_fields, str):
        try:
            facet_fields = json.loads(facet_fields)
        except ValueError as e:
            raise invalid("facet.field", '应为 JSON 列表，如 ["organization","tags"]') from e
    if not isinstance(facet_fields, list) or not all(isinstance(f, str) for f in facet_fields):
        raise invalid("facet.field", "应为字段名列表")
    try:
        qs: QuerySet[Dataset] = selectors.public_datasets(selectors.CatalogueFilters(q=q))
    except selectors.UnknownFilter as e:  # pragma: no cover - q alone is never refused
        raise invalid(e.field, str(e)) from e
    datasets = _sort([ds for ds in qs if match(ds)], sort)
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for field in facet_fields:
        counts: dict[str, int] = {}
        titles: dict[str, str] = {}
        for ds in datasets:
            for name, title in _facet_value(ds, field):
                counts[name] = counts.get(name, 0) + 1
                titles[name] = title
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        top = [kv for kv in top if kv[1] >= facet_mincount][: facet_limit or None]
        facets[field] = dict(top)
        search_facets[field] = {
            "title": field,
            "items": [{"name": n, "display_name": titles[n], "count": c} for n, c in top],
        }
    return {
        "count": len(datasets),
        "facets": facets,
        "results": [package_dict(ds, request) for ds in datasets[start : start + rows]],
        "sort": sort or "score desc, metadata_modified desc",
        "search_facets": search_facets,
    }


def _org(key: str) -> tuple[Organization, int]:
    org = selectors.public_organizations().filter(code=key).first()
    if org is None and key.isdigit():
        org = selectors.public_organizations().filter(pk=int(key)).first()
    if org is None:
        raise not_found("未找到该机构")
    return org, org.package_count  # type: ignore[attr-defined]


def organization_list(request: HttpRequest, params: dict[str, Any]) -> list[Any]:
    limit = _int(params, "limit", MAX_ROWS, MAX_ROWS)
    offset = _int(params, "offset", 0, OFFSET_MAX)
    orgs = list(selectors.public_organizations().order_by("code")[offset : offset + limit])
    if _bool(params, "all_fields", False):
        return [org_dict(o, request, o.package_count) for o in orgs]  # type: ignore[attr-defined]
    return [o.code for o in orgs]


def organization_show(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    org, count = _org(_required(params, "id"))
    data = org_dict(org, request, count)
    # staff accounts stay private: CKAN lists the members here, we list none
    data.update({"num_followers": 0, "users": [], "extras": [], "groups": [], "tags": []})
    if _bool(params, "include_datasets", False):
        datasets = selectors.public_datasets(selectors.CatalogueFilters(org=org.code))[:MAX_ROWS]
        data["packages"] = [package_dict(ds, request) for ds in datasets]
    return data


def group_list(request: HttpRequest, params: dict[str, Any]) -> list[Any]:
    """数据领域 are CKAN's groups."""
    limit = _int(params, "limit", MAX_ROWS, MAX_ROWS)
    offset = _int(params, "offset", 0)
    domains = selectors.public_domains()[offset : offset + limit]
    if _bool(params, "all_fields", False):
        counts = {
            d: selectors.public_datasets(selectors.CatalogueFilters(domain=d)).count()
            for d in domains
        }
        return [
            {"id": d, "name": d, "title": d, "display_name": d, "description": "",
             "image_url": "", "image_display_url": "", "package_count": counts[d],
             "num_followers": 0, "type": "group", "is_organization": False, "state": "active",
             "approval_status": "approved"}
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
    found = selectors.public_table(resource_id)
    if found is None:
        raise not_found(f'Resource "{resource_id}" was not found. 未找到该资源')
    res, table = found
    if request is not None:
        request.opendata_resource_id = res.pk  # type: ignore[attr-defined]
    if not selectors.data_allowed(res):
        access = (
            selectors.access_for_key(api_key(request), res.dataset)
            if request is not None and res.dataset.open_level == Dataset.OpenLevel.CONDITIONAL
            else None
        )
        if access is None:
            raise not_authorized(
                "有条件开放数据须经申请授权后访问：请在数据集页面申请，获批后以接口密钥调用"
            )
        request.opendata_access = access  # type: ignore[union-attr]
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


ID_OPS = {"gt", "gte", "lt", "lte"}


def _filters(params: dict[str, Any]) -> tuple[Any, tuple[int, int] | None]:
    """(the filters for the table, the `_id` range of a keyset filter) — CKAN 2.12's next_page
    is {"_id": {"gt": n}}. `_id` is the row number 1…n, so a range alone is a slice."""
    filters = params.get("filters")
    if isinstance(filters, str) and filters:
        try:
            filters = json.loads(filters)
        except ValueError as e:
            raise invalid("filters", 'filters 应为 JSON 对象，如 {"区县": "西湖区"}') from e
    if not isinstance(filters, dict) or not isinstance(filters.get("_id"), dict):
        return filters, None
    ops = filters["_id"]
    if not ops or set(ops) - ID_OPS:
        raise invalid("filters", "_id 的筛选运算应为 gt、gte、lt 或 lte")
    lo, hi = 1, 2**62
    for op, raw in ops.items():
        try:
            n = int(raw)
        except (TypeError, ValueError) as e:
            raise invalid("filters", "_id 的筛选值应为整数") from e
        if op == "gt":
            lo = max(lo, n + 1)
        elif op == "gte":
            lo = max(lo, n)
        elif op == "lt":
            hi = min(hi, n - 1)
        else:
            hi = min(hi, n)
    rest = {k: v for k, v in filters.items() if k != "_id"}
    return rest, (lo, hi)


def _id_order(table: datastore.Table, sort: Any) -> str | None:
    """ "asc"/"desc" when the page is in `_id` order (the default), else None."""
    if not sort:
        return "asc" if "_id" in table.columns else None
    order = datastore.parse_sort(table, sort)
    if len(order) == 1 and order[0][0] == "_id":
        return order[0][1].lower()
    return None


def datastore_search(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    """查询表格资源的数据（CKAN 2.12 datastore_search）。参数：resource_id、filters、q、fields、
    sort、limit（≤ 32000）、offset、include_total、records_format（objects/lists/csv/tsv）、
    include_next_page；返回 records、fields、total，按 _id 排序时 next_page 为下一页的筛选条件。"""
    resource_id = str(params.get("resource_id") or params.get("id") or "")
    if not resource_id:
        raise invalid("resource_id", "Missing value")
    res, table = readable_table(resource_id, request)
    limit = _int(params, "limit", 100, datastore.ROWS_MAX)
    offset = _int(params, "offset", 0)
    include_total = _bool(params, "include_total", True)
    include_next_page = _bool(params, "include_next_page", False)
    fmt = str(params.get("records_format") or "objects")
    if fmt not in ("objects", "lists", "csv", "tsv"):
        raise invalid("records_format", "应为 objects、lists、csv 或 tsv")
    q = params.get("q") or params.get("full_text")
    try:
        filters, id_range = _filters(params)
        id_order = _id_order(table, params.get("sort"))
        names = datastore.parse_fields(table, params.get("fields"))
        total_override: int | None = None
        if id_range is not None:
            if filters or q or id_order is None or _bool(params, "distinct", False):
                raise invalid(
                    "filters", "_id 的范围筛选（next_page）只能单独使用，且按 _id 排序"
                )  # fmt: skip
            lo, hi = max(id_range[0], 1), min(id_range[1], table.row_count)
            total_override = max(0, hi - lo + 1)
            # the slice [lo, hi] read as a page of the whole table in _id order
            skip = lo - 1 if id_order == "asc" else table.row_count - hi
            page_limit = max(0, min(limit, total_override - offset))
            offset_q = skip + min(offset, total_override)
        else:
            page_limit, offset_q = limit, offset
        # the last _id of the page is needed for next_page even when fields leaves it out
        extra_id = include_next_page and id_order is not None and "_id" not in names
        result = datastore.search(
            table, selectors.base_dir(), filters=filters or None, q=q,
            fields=[*names, "_id"] if extra_id else names, sort=params.get("sort"),
            limit=page_limit, offset=offset_q, include_total=include_total and id_range is None,
            distinct=_bool(params, "distinct", False),
        )  # fmt: skip
    except datastore.QueryError as e:
        raise invalid(e.field, str(e)) from e
    columns, rows = result.columns, result.rows
    last_id = None
    if include_next_page and id_order is not None and rows:
        ids = [r[[c[0] for c in columns].index("_id")] for r in rows]
        last_id = max(ids) if id_order == "asc" else min(ids)
    if extra_id:
        columns, rows = columns[:-1], [r[:-1] for r in rows]
    out: dict[str, Any] = {
        "include_next_page": include_next_page,
        "include_total": include_total,
        "limit": limit,
        "records_format": fmt,
        "resource_id": str(res.pk),
    }
    for key in ("filters", "q", "sort", "offset", "distinct"):
        if params.get(key) not in (None, ""):
            out[key] = params[key]
    out["records"] = _records([c[0] for c in columns], rows, fmt)
    out["fields"] = _fields(res, columns)
    if include_total:
        out["total"] = total_override if total_override is not None else result.total
        out["total_was_estimated"] = False
    if last_id is not None:
        out["next_page"] = {"_id": {"gt" if id_order == "asc" else "lt": last_id}}
    return out


def _tree_size(path: Any) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def datastore_info(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    """表格资源的字段与行数（CKAN 2.12 datastore_info）。参数：resource_id（或 id）、include_meta、
    include_fields_schema；返回 meta（id、count、table_type、size、idx_size、aliases）与 fields
    （id、type、info、schema）。字段与行数是元数据，有条件开放的资源也可查，数据行仍须授权。"""
    resource_id = str(params.get("resource_id") or params.get("id") or "")
    if not resource_id:
        raise invalid("resource_id", "Missing value")
    # public_table, not readable_table: the columns are shown on the dataset page of 有条件开放 too
    found = selectors.public_table(resource_id)
    if found is None or found[1] is None:
        raise not_found(f'Resource/Alias "{resource_id}" was not found. 未找到该资源或其数据表')
    res, table = found
    assert table is not None
    meta: dict[str, Any] = {}
    if _bool(params, "include_meta", True):
        meta = {
            "id": str(res.pk), "count": table.row_count, "table_type": "BASE TABLE",
            "size": table.data.stat().st_size if table.data.exists() else None,
            "idx_size": _tree_size(table.data.parent / tabular.INDEX_DIR), "aliases": [],
        }  # fmt: skip
    with_schema = _bool(params, "include_fields_schema", True)
    sorted_columns = {name for name, _ in table.sorts}
    fields = []
    # CKAN's data dictionary leaves out its internal columns (_id, _full_text)
    for field, (name, _kind, native) in zip(
        _fields(res, [(c[0], c[1]) for c in table.schema]), table.schema, strict=True
    ):
        if name.startswith("_"):
            continue
        if with_schema:
            field["schema"] = {
                "native_type": native, "notnull": False, "index_name": None,
                "is_index": name in sorted_columns, "uniquekey": False,
            }  # fmt: skip
        fields.append(field)
    return {"meta": meta, "fields": fields}


def datastore_search_sql(request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
    """以一条 SELECT 查询表格资源（表名为资源 id）；返回 records、fields。查询在独立的进程中运行，
    有时间（5 秒）、内存、行数（32000，超出时 records_truncated）与结果大小（默认 16 MB）上限，
    超出时间、内存或结果大小时答 409。"""
    sql = _required(params, "sql")
    try:
        _, names = datastore.check_sql(sql, None)
        tables = [readable_table(name, request)[1] for name in sorted(names)]
        if not tables:
            raise invalid("sql", "请在 FROM 中使用资源 id 作为表名")
        result, truncated = datastore.run_sql(
            sql, tables, max_bytes=settings.GONGKAI_SQL_RESULT_BYTES,
            workers=settings.GONGKAI_SQL_WORKERS, memory_mb=settings.GONGKAI_SQL_MEMORY_MB,
        )  # fmt: skip
    except datastore.QueryError as e:
        raise invalid(e.field, str(e)) from e
    names_out = [c[0] for c in result.columns]
    out: dict[str, Any] = {
        "sql": sql,
        "records": _records(names_out, result.rows, "objects"),
        "fields": [{"id": n, "type": t} for n, t in result.columns],
    }
    if truncated:  # CKAN sends the key only when the rows were cut
        out["records_truncated"] = True
    return out


def help_show(request: HttpRequest, params: dict[str, Any]) -> str:
    """The documentation of an action (where every answer's `help` points)."""
    name = _required(params, "name")
    if name not in ACTIONS:
        raise not_found(f"没有名为“{name}”的接口")
    return (ACTIONS[name].__doc__ or f"{name}：与 CKAN 同名接口的参数和返回字段相同。").strip()


ACTIONS: dict[str, Callable[[HttpRequest, dict[str, Any]], Any]] = {
    f.__name__: f
    for f in (
        help_show,
        status_show, package_list, package_show, package_search, resource_show,
        organization_list, organization_show, group_list, tag_list, datastore_search,
        datastore_search_sql, datastore_info, current_package_list_with_resources,
        package_autocomplete,
    )
}  # fmt: skip
