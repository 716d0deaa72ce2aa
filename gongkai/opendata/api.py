"""Native API of open data (mounted under /api/v1/ by gongkai/api.py).

Public: GET /datasets, GET /datasets/{name}, GET /data/{resource_id} (records with the column
schema and the total). Only published 无条件开放/有条件开放 datasets exist here; rows only of
无条件开放 ones. Staff, with a token: create, publish and withdraw datasets, add resources,
upload a table (ingested in the background) and follow its progress.
"""

import datetime as dt
import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gongkai.accounts.api import token_auth
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import NotFound
from gongkai.lib.apierrors import ErrorOut
from gongkai.lib.bounds import Offset, PageNo
from gongkai.organizations.models import Organization

from . import datastore, selectors, services, tasks
from .models import AccessRequest, Dataset, Resource, ResourceVersion

router = Router(tags=["数据开放"])


class ColumnOut(Schema):
    id: str
    type: str
    notes: str = ""


class ResourceOut(Schema):
    id: str
    name: str
    description: str
    format: str
    url: str
    datastore_active: bool
    row_count: int | None
    size: int | None
    sha256: str
    download_count: int

    @staticmethod
    def resolve_id(obj: Resource) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_url(obj: Resource) -> str:
        return obj.url if obj.kind == Resource.Kind.LINK else f"/data/download/{obj.pk}/"

    @staticmethod
    def resolve_row_count(obj: Resource) -> int | None:
        return obj.current.row_count if obj.current else None

    @staticmethod
    def resolve_size(obj: Resource) -> int | None:
        return obj.current.size if obj.current else None

    @staticmethod
    def resolve_sha256(obj: Resource) -> str:
        return obj.current.sha256 if obj.current else ""


class DatasetItem(Schema):
    id: str
    name: str
    title: str
    org: str
    org_name: str
    domain: str
    tags: list[str]
    open_level: str
    open_level_label: str
    frequency: str
    frequency_label: str
    last_updated: dt.datetime | None
    overdue: bool
    quality: int  # 数据质量 0–100: the share of the nine criteria met

    @staticmethod
    def resolve_id(obj: Dataset) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_org(obj: Dataset) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj: Dataset) -> str:
        return obj.org.name

    @staticmethod
    def resolve_open_level_label(obj: Dataset) -> str:
        return obj.get_open_level_display()

    @staticmethod
    def resolve_frequency_label(obj: Dataset) -> str:
        return obj.get_frequency_display()

    @staticmethod
    def resolve_overdue(obj: Dataset) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_quality(obj: Dataset) -> int:
        return selectors.quality(obj).score


class QualityCriterionOut(Schema):
    key: str
    label: str
    passed: bool
    hint: str


class DatasetOut(DatasetItem):
    description: str
    license_id: str
    contact_name: str
    contact_email: str
    contact_phone: str
    spatial: str
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    resources: list[ResourceOut]
    quality_criteria: list[QualityCriterionOut]

    @staticmethod
    def resolve_resources(obj: Dataset) -> list[Resource]:
        return list(obj.resources.all())

    @staticmethod
    def resolve_quality_criteria(obj: Dataset) -> list[Any]:
        return list(selectors.quality(obj).criteria)


class DatasetPage(Schema):
    items: list[DatasetItem]
    count: int


class DataOut(Schema):
    resource_id: str
    fields: list[ColumnOut]
    records: list[dict[str, Any]]
    total: int | None
    limit: int
    offset: int


@router.get("/datasets", response=DatasetPage, summary="开放数据集目录")
def list_datasets(
    request: HttpRequest,
    q: str = "",
    org: str | None = None,
    domain: str | None = None,
    format: str | None = None,
    open_level: str | None = None,
    frequency: str | None = None,
    page: PageNo = 1,
    page_size: int = 20,
    sort: str = "updated",
) -> dict[str, Any]:
    """`sort=quality` ranks by the quality score as the catalogue page does."""
    if not 1 <= page_size <= 100:
        raise ValidationError({"page_size": "每页条数须在 1–100 之间"})
    if sort not in ("updated", "quality"):
        raise ValidationError({"sort": "排序应为 updated（最近更新）或 quality（数据质量）"})
    try:
        qs = selectors.public_datasets(
            selectors.CatalogueFilters(q, org, domain, format, open_level, frequency)
        )
    except selectors.UnknownFilter as e:
        raise ValidationError({e.field: str(e)}) from e
    start = (page - 1) * page_size
    if sort == "quality":
        return {
            "items": selectors.rank_by_quality(qs)[start : start + page_size],
            "count": qs.count(),
        }
    return {"items": list(qs[start : start + page_size]), "count": qs.count()}


@router.get("/datasets/{name}", response=DatasetOut, summary="数据集详情")
def get_dataset(request: HttpRequest, name: str) -> Dataset:
    ds = selectors.public_dataset(name)
    if ds is None:
        raise NotFound("未找到该数据集")
    return ds


@router.get(
    "/data/{resource_id}", response={200: DataOut, 403: ErrorOut}, summary="查询数据资源的记录"
)
def query_data(
    request: HttpRequest,
    resource_id: str,
    filters: str | None = None,
    q: str | None = None,
    fields: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """有条件开放 rows need the key of an approved application (Authorization: Bearer …)."""
    started, status, access = time.perf_counter(), 500, None
    try:
        found = selectors.public_table(resource_id)
        if found is None:
            raise NotFound("未找到该资源")
        res, table = found
        if not selectors.data_allowed(res):
            access = selectors.access_for_key(request.headers.get("Authorization", ""), res.dataset)
            if access is None or res.dataset.open_level != Dataset.OpenLevel.CONDITIONAL:
                raise PermissionDenied("有条件开放数据须经申请授权后访问")
        if table is None:
            raise NotFound("该资源没有可查询的数据")
        try:
            result = datastore.search(
                table, selectors.base_dir(), filters=filters, q=q, fields=fields, sort=sort,
                limit=limit, offset=offset,
            )  # fmt: skip
        except datastore.QueryError as e:
            raise ValidationError({e.field: str(e)}) from e
        names = [c[0] for c in result.columns]
        status = 200
        return {
            "resource_id": str(res.pk),
            "fields": [
                {"id": n, "type": t, "notes": res.column_descriptions.get(n, "")}
                for n, t in result.columns
            ],
            "records": [
                dict(zip(names, map(datastore.jsonable, r), strict=True)) for r in result.rows
            ],
            "total": result.total,
            "limit": limit,
            "offset": offset,
        }
    except (NotFound, PermissionDenied, ValidationError) as e:
        status = 404 if isinstance(e, NotFound) else 403 if isinstance(e, PermissionDenied) else 422
        raise
    finally:
        services.log_api_request(
            "v1:data", status=status, resource_id=resource_id, access=access,
            duration_ms=int((time.perf_counter() - started) * 1000),
        )  # fmt: skip


# --- staff ----------------------------------------------------------------------------------------
class DatasetIn(Schema):
    org: str | None = None
    name: str | None = None
    title: str | None = None
    description: str | None = None
    domain: str | None = None
    tags: list[str] | None = None
    open_level: Dataset.OpenLevel | None = None
    open_conditions: str | None = None
    frequency: Dataset.Frequency | None = None
    license_id: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    spatial: str | None = None
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None


class StaffDatasetOut(DatasetOut):
    state: str


class ResourceIn(Schema):
    name: str
    description: str = ""
    url: str = ""
    format: str = ""


class ReasonIn(Schema):
    reason: str


class BadRow(Schema):
    line: int
    reason: str
    text: str


class VersionOut(Schema):
    id: str
    resource_id: str
    number: int
    status: str
    status_label: str
    progress: int
    message: str
    original_name: str
    size: int
    sha256: str
    encoding: str
    row_count: int | None
    columns: list[ColumnOut]
    bad_row_count: int
    bad_rows: list[BadRow]

    @staticmethod
    def resolve_id(obj: ResourceVersion) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_resource_id(obj: ResourceVersion) -> str:
        return str(obj.resource_id)

    @staticmethod
    def resolve_status_label(obj: ResourceVersion) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_columns(obj: ResourceVersion) -> list[dict[str, str]]:
        return [{"id": c["id"], "type": c["type"]} for c in obj.schema]


@router.post(
    "/staff/datasets", response={201: StaffDatasetOut}, auth=token_auth, summary="新建数据集"
)
def create_dataset(request: HttpRequest, payload: DatasetIn) -> Status[Dataset]:
    data = payload.dict(exclude_unset=True)
    code = data.pop("org", None)
    org = Organization.objects.filter(code=code).first() if code else None
    if org is None:
        raise ValidationError({"org": f"未知的机构“{code}”" if code else "请指定数据提供方"})
    ds = services.create_dataset(by=request.user, org=org, data=data, ip=client_ip(request))
    return Status(201, ds)


@router.patch(
    "/staff/datasets/{key}", response=StaffDatasetOut, auth=token_auth, summary="修改数据集"
)
def update_dataset(request: HttpRequest, key: str, payload: DatasetIn) -> Dataset:
    ds = selectors.staff_dataset(request.user, key)
    data = payload.dict(exclude_unset=True)
    if "org" in data and data.pop("org") != ds.org.code:
        raise ValidationError({"org": "不能修改数据提供方"})
    return services.update_dataset(ds, by=request.user, data=data, ip=client_ip(request))


@router.post(
    "/staff/datasets/{key}/publish",
    response=StaffDatasetOut,
    auth=token_auth,
    summary="审核发布数据集",
)
def publish_dataset(request: HttpRequest, key: str) -> Dataset:
    ds = selectors.staff_dataset(request.user, key)
    return services.publish_dataset(ds, by=request.user, ip=client_ip(request))


@router.post(
    "/staff/datasets/{key}/withdraw",
    response=StaffDatasetOut,
    auth=token_auth,
    summary="撤回数据集",
)
def withdraw_dataset(request: HttpRequest, key: str, payload: ReasonIn) -> Dataset:
    ds = selectors.staff_dataset(request.user, key)
    return services.withdraw_dataset(
        ds, by=request.user, reason=payload.reason, ip=client_ip(request)
    )


@router.post(
    "/staff/datasets/{key}/resources",
    response={201: ResourceOut},
    auth=token_auth,
    summary="添加数据资源",
)
def add_resource(request: HttpRequest, key: str, payload: ResourceIn) -> Status[Resource]:
    ds = selectors.staff_dataset(request.user, key)
    res = services.add_resource(ds, by=request.user, data=payload.dict(), ip=client_ip(request))
    return Status(201, res)


@router.post(
    "/staff/resources/{resource_id}/upload",
    response={202: VersionOut},
    auth=token_auth,
    summary="上传表格（后台导入）",
)
def upload(
    request: HttpRequest, resource_id: str, file: File[UploadedFile], note: Form[str] = ""
) -> Status[ResourceVersion]:
    res = selectors.staff_resource(request.user, resource_id)
    version = services.add_version(
        res,
        by=request.user,
        file=file,
        filename=(file.name or "").rsplit("/", 1)[-1],
        ip=client_ip(request),
    )
    tasks.enqueue_ingest(version)
    return Status(202, version)


@router.get(
    "/staff/versions/{version_id}", response=VersionOut, auth=token_auth, summary="导入进度与问题行"
)
def version_status(request: HttpRequest, version_id: str) -> ResourceVersion:
    return selectors.staff_version(request.user, version_id)


# --- staff: 有条件开放 applications ---------------------------------------------------------------------
class AccessRequestOut(Schema):
    id: str
    tracking_no: str
    dataset: str
    dataset_title: str
    applicant_name: str
    applicant_org: str
    email: str
    phone: str
    purpose: str
    days: int
    status: str
    status_label: str
    reason: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    expires_at: dt.datetime | None
    key_collected: bool
    uses: int

    @staticmethod
    def resolve_id(obj: AccessRequest) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_dataset(obj: AccessRequest) -> str:
        return obj.dataset.name

    @staticmethod
    def resolve_dataset_title(obj: AccessRequest) -> str:
        return obj.dataset.title

    @staticmethod
    def resolve_status_label(obj: AccessRequest) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_key_collected(obj: AccessRequest) -> bool:
        return obj.token_id is not None

    @staticmethod
    def resolve_uses(obj: AccessRequest) -> int:
        # the list annotates the count (one query per page); a single decision counts its own
        count = getattr(obj, "use_count", None)
        return obj.uses.count() if count is None else int(count)


class AccessPage(Schema):
    items: list[AccessRequestOut]
    count: int


class ApproveIn(Schema):
    days: int | None = None
    reason: str = ""


@router.get(
    "/staff/access-requests", response=AccessPage, auth=token_auth, summary="有条件开放申请列表"
)
def list_access_requests(
    request: HttpRequest, status: str = "pending", page: PageNo = 1, page_size: int = 20
) -> dict[str, Any]:
    """Applications for the datasets of the organisations the caller reviews (审核)."""
    if status not in (*AccessRequest.Status.values, "all"):
        raise ValidationError({"status": "状态应为 pending、approved、rejected 或 all"})
    if not 1 <= page_size <= 100:
        raise ValidationError({"page_size": "每页条数须在 1–100 之间"})
    qs = selectors.staff_access_requests(request.user)
    if status != "all":
        qs = qs.filter(status=status)
    start = (page - 1) * page_size
    items = qs.annotate(use_count=Count("uses"))[start : start + page_size]
    return {"items": list(items), "count": qs.count()}


@router.post(
    "/staff/access-requests/{request_id}/approve",
    response=AccessRequestOut,
    auth=token_auth,
    summary="批准有条件开放申请（授权期限）",
)
def approve_access_request(request: HttpRequest, request_id: str, payload: ApproveIn) -> Any:
    req = selectors.staff_access_request(request.user, request_id)
    return services.approve_access(
        req, by=request.user, days=payload.days, reason=payload.reason, ip=client_ip(request)
    )


@router.post(
    "/staff/access-requests/{request_id}/reject",
    response=AccessRequestOut,
    auth=token_auth,
    summary="不予批准有条件开放申请（须说明理由）",
)
def reject_access_request(request: HttpRequest, request_id: str, payload: ReasonIn) -> Any:
    req = selectors.staff_access_request(request.user, request_id)
    return services.reject_access(
        req, by=request.user, reason=payload.reason, ip=client_ip(request)
    )
