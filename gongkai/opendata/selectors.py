"""Reads on the open-data catalogue. Public reads apply visibility here and nowhere else:
only 已发布 datasets that are 无条件开放 or 有条件开放 ever leave `public_*`; 不予开放 and drafts
never do. Rows of a 有条件开放 dataset are not served to the public (`data_allowed`), only to the
holder of an approved application's key (`access_for_key`). The 开放计划 shows only entries
planned to open, and counts a dataset as opened only while it is public."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.accounts.services import TOKEN_PREFIX, authenticate_token
from gongkai.audit.selectors import head_hash
from gongkai.organizations.models import Organization

from . import datastore, tabular
from .models import (
    PUBLIC_LEVELS,
    AccessRequest,
    ApiRequest,
    Dataset,
    InventoryItem,
    Resource,
    ResourceVersion,
    opendata_dir,
    version_dir,
)


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    org: str | None = None  # organisation code
    domain: str | None = None
    format: str | None = None
    open_level: str | None = None
    frequency: str | None = None
    tag: str | None = None


class UnknownFilter(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _public_base() -> QuerySet[Dataset]:
    return Dataset.objects.filter(state=Dataset.State.PUBLISHED, open_level__in=PUBLIC_LEVELS)


def _with_resources(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return qs.select_related("org").prefetch_related(
        Prefetch("resources", queryset=Resource.objects.select_related("current"))
    )


def public_datasets(filters: CatalogueFilters | None = None) -> QuerySet[Dataset]:
    f = filters or CatalogueFilters()
    qs = _with_resources(_public_base())
    if f.org:
        qs = qs.filter(org__code=f.org)
    if f.domain:
        qs = qs.filter(domain=f.domain)
    if f.format:
        qs = qs.filter(resources__format__iexact=f.format).distinct()
    if f.open_level:
        by_label = {label: value for value, label in Dataset.OpenLevel.choices}
        level = by_label.get(f.open_level, f.open_level)
        if level not in PUBLIC_LEVELS:
            raise UnknownFilter(
                "open_level", "开放属性应为 unconditional/conditional（无条件开放/有条件开放）"
            )
        qs = qs.filter(open_level=level)
    if f.frequency:
        by_label = {label: value for value, label in Dataset.Frequency.choices}
        freq = by_label.get(f.frequency, f.frequency)
        if freq not in Dataset.Frequency.values:
            raise UnknownFilter(
                "frequency", "更新频率应为：实时、每日、每周、每月、每季度、每年、不定期"
            )
        qs = qs.filter(frequency=freq)
    if f.tag:
        ids = [d.pk for d in _public_base().only("pk", "tags") if f.tag in (d.tags or [])]
        qs = qs.filter(pk__in=ids)
    for word in tabular.query_terms(f.q) if f.q else []:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(domain__icontains=word)
            | Q(org__name__icontains=word)
            | Q(pk__in=[d.pk for d in _public_base().only("pk", "tags") if _tag_match(d, word)])
        )
    # never-updated datasets last on every database (PostgreSQL puts NULLs first in DESC)
    return qs.order_by(
        F("last_updated").desc(nulls_last=True), F("published_at").desc(nulls_last=True), "name"
    )


def _tag_match(ds: Dataset, word: str) -> bool:
    return any(word in t.lower() for t in (ds.tags or []))


def public_dataset(key: str) -> Dataset | None:
    """By name or id."""
    qs = _with_resources(_public_base())
    ds = qs.filter(name=key).first()
    if ds is None and _is_uuid(key):
        ds = qs.filter(pk=key).first()
    return ds


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def public_resource(resource_id: str) -> Resource | None:
    if not _is_uuid(resource_id):
        return None
    return (
        Resource.objects.select_related("dataset__org", "current")
        .filter(
            pk=resource_id,
            dataset__state=Dataset.State.PUBLISHED,
            dataset__open_level__in=PUBLIC_LEVELS,
        )
        .first()
    )


# resource id -> (audit head, resource, table): see public_table
_public_tables: dict[str, tuple[str, Resource, datastore.Table | None]] = {}
PUBLIC_TABLES_KEPT = 256


def public_table(resource_id: str) -> tuple[Resource, datastore.Table | None] | None:
    """`public_resource` and its `table_for`, remembered in this process until anything public
    changes. Every change of a dataset, resource or version is audited, so the audit head is
    the version of this answer (as for the page cache, gongkai/caching.py): one primary-key
    read per data query instead of compiling and running the joined query and reading the
    version's files. Keys of 有条件开放 are checked by the caller on every request."""
    head = head_hash()
    kept = _public_tables.get(resource_id)
    if kept is not None and kept[0] == head:
        return kept[1], kept[2]
    res = public_resource(resource_id)
    if res is None:
        return None
    table = table_for(res)
    if len(_public_tables) >= PUBLIC_TABLES_KEPT:
        _public_tables.clear()
    _public_tables[resource_id] = (head, res, table)
    return res, table


def data_allowed(resource: Resource) -> bool:
    """The public may read the rows: only of 无条件开放 datasets (有条件开放 needs a grant)."""
    return (
        resource.dataset.is_public
        and resource.dataset.open_level == Dataset.OpenLevel.UNCONDITIONAL
    )


def table_for(resource: Resource) -> datastore.Table | None:
    v = resource.current
    if v is None or v.status != ResourceVersion.Status.READY:
        return None
    d = version_dir(v)
    schema = tuple((c["id"], c["type"], c.get("native", "VARCHAR")) for c in v.schema)
    terms = d / tabular.TERMS_FILE
    sorts = tuple(
        (c[0], path)
        for i, c in enumerate(schema)
        if (path := tabular.sort_index_path(d, i)).exists()
    )
    return datastore.Table(
        name=str(resource.pk),
        data=d / tabular.DATA_FILE,
        terms=terms if terms.exists() else None,
        schema=schema,
        row_count=v.row_count or 0,
        sorts=sorts,
    )


def base_dir() -> Any:
    return opendata_dir()


def public_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True).annotate(
        package_count=Count(
            "datasets",
            filter=Q(
                datasets__state=Dataset.State.PUBLISHED, datasets__open_level__in=PUBLIC_LEVELS
            ),
        )
    )


def public_tags() -> list[str]:
    tags: set[str] = set()
    for t in _public_base().values_list("tags", flat=True):
        tags.update(t or [])
    return sorted(tags)


def public_domains() -> list[str]:
    return sorted(
        set(_public_base().exclude(domain="").values_list("domain", flat=True).distinct())
    )


def public_formats() -> list[str]:
    return sorted(
        set(
            Resource.objects.filter(
                dataset__state=Dataset.State.PUBLISHED, dataset__open_level__in=PUBLIC_LEVELS
            )
            .exclude(format="")
            .values_list("format", flat=True)
            .distinct()
        )
    )


# --- staff --------------------------------------------------------------------------------------
def staff_datasets(user: Any, action: Action = Action.VIEW) -> QuerySet[Dataset]:
    return permissions.scope(Dataset.objects.select_related("org"), user, action)


def staff_dataset(user: Any, key: Any) -> Dataset:
    qs = Dataset.objects.select_related("org")
    lookup = {"pk": key} if _is_uuid(str(key)) else {"name": key}
    return permissions.get_scoped(qs, user, Action.VIEW, **lookup)


def staff_resource(user: Any, resource_id: Any) -> Resource:
    if not _is_uuid(str(resource_id)):
        raise permissions.NotFound("未找到该资源")
    return permissions.get_scoped(
        Resource.objects.select_related("dataset__org", "current"),
        user,
        Action.VIEW,
        org_field="dataset__org",
        pk=resource_id,
    )


def staff_version(user: Any, version_id: Any) -> ResourceVersion:
    if not _is_uuid(str(version_id)):
        raise permissions.NotFound("未找到该版本")
    return permissions.get_scoped(
        ResourceVersion.objects.select_related("resource__dataset"),
        user,
        Action.VIEW,
        org_field="resource__dataset__org",
        pk=version_id,
    )


# --- 开放计划, dashboard ----------------------------------------------------------------------------
@dataclass
class PlanRow:
    org: Organization
    planned: int  # entries planned to open (无条件/有条件开放)
    opened: int  # …of which linked to a published public dataset
    on_time: int  # …opened no later than planned
    late: int  # planned date passed, not opened yet
    items: list[InventoryItem]

    @property
    def rate(self) -> int:
        return round(100 * self.opened / self.planned) if self.planned else 0


def public_plan(today: dt.date | None = None) -> list[PlanRow]:
    """The 开放计划 by organisation: only entries planned to open; 不予开放 never appears."""
    today = today or timezone.localdate()
    items = (
        InventoryItem.objects.filter(open_level__in=PUBLIC_LEVELS, org__is_active=True)
        .select_related("org", "dataset")
        .order_by("org__code", "planned_open_on", "title")
    )
    rows: dict[int, PlanRow] = {}
    for item in items:
        if item.dataset is not None and not item.dataset.is_public:
            item.dataset = None  # a draft or withdrawn dataset is not shown, nor counted
        row = rows.setdefault(item.org_id, PlanRow(item.org, 0, 0, 0, 0, []))
        row.planned += 1
        row.items.append(item)
        if item.dataset is not None:
            row.opened += 1
            opened_on = timezone.localdate(item.dataset.published_at or timezone.now())
            if item.planned_open_on is None or opened_on <= item.planned_open_on:
                row.on_time += 1
        elif item.planned_open_on and item.planned_open_on < today:
            row.late += 1
    return list(rows.values())


def overdue_datasets(now: dt.datetime | None = None) -> list[Dataset]:
    """Public datasets whose stated update frequency was missed (更新频率 not kept)."""
    now = now or timezone.now()
    candidates = (
        _public_base()
        .exclude(frequency=Dataset.Frequency.IRREGULAR)
        .select_related("org")
        .order_by("org__code", "title")
    )
    return [ds for ds in candidates if ds.is_overdue(now)]


@dataclass
class Availability:
    total: int
    failed: int  # answered with a server error (5xx)
    days: list[tuple[dt.date, int, int]]  # (day, requests, failed)

    @property
    def rate(self) -> float | None:
        """接口可用率 in %: requests answered without a server error; None without requests."""
        return round(100 * (self.total - self.failed) / self.total, 2) if self.total else None


def api_availability(days: int = 30, now: dt.datetime | None = None) -> Availability:
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    per_day: dict[dt.date, list[int]] = {}
    for at, status in ApiRequest.objects.filter(at__gte=since).values_list("at", "status"):
        counts = per_day.setdefault(timezone.localdate(at), [0, 0])
        counts[0] += 1
        counts[1] += status >= 500
    total = sum(c[0] for c in per_day.values())
    failed = sum(c[1] for c in per_day.values())
    return Availability(total, failed, [(d, c[0], c[1]) for d, c in sorted(per_day.items())])


# --- 有条件开放 ---------------------------------------------------------------------------------------
def access_for_key(raw_key: str, dataset: Dataset) -> AccessRequest | None:
    """The approved, unexpired application whose key this is, for this dataset; else None.

    The key is a personal token from `accounts.services.issue_token`; it was issued for one
    application, so it opens only that application's dataset."""
    raw_key = (raw_key or "").strip()
    if raw_key.lower().startswith("bearer "):
        raw_key = raw_key[7:].strip()
    user = authenticate_token(raw_key)
    if user is None:
        return None
    prefix = raw_key[len(TOKEN_PREFIX) :].split("_", 1)[0]
    req = (
        AccessRequest.objects.select_related("dataset")
        .filter(token__prefix=prefix, user=user, dataset=dataset)
        .first()
    )
    return req if req is not None and req.is_active() else None


def access_request(tracking_no: str) -> AccessRequest | None:
    return (
        AccessRequest.objects.select_related("dataset__org")
        .filter(tracking_no=(tracking_no or "").strip().upper())
        .first()
    )


def staff_access_requests(user: Any) -> QuerySet[AccessRequest]:
    return permissions.scope(
        AccessRequest.objects.select_related("dataset__org"), user, Action.REVIEW, "dataset__org"
    )


def staff_access_request(user: Any, request_id: Any) -> AccessRequest:
    if not _is_uuid(str(request_id)):
        raise permissions.NotFound("未找到该申请")
    return permissions.get_scoped(
        AccessRequest.objects.select_related("dataset__org"),
        user,
        Action.VIEW,
        org_field="dataset__org",
        pk=request_id,
    )


# --- 数据质量 (quality score) -------------------------------------------------------------------------
# formats a machine reads without proprietary software; an ingested table also exports as CSV/JSON
OPEN_FORMATS = {"CSV", "TSV", "JSON", "GEOJSON", "XML", "RDF", "PARQUET", "ODS", "TXT"}
MIN_DESCRIPTION = 30  # characters: a sentence saying what the data is, where from, how kept


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    passed: bool
    hint: str  # what the provider does to pass


@dataclass(frozen=True)
class Quality:
    criteria: tuple[Criterion, ...]

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.criteria)

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def score(self) -> int:
        """0–100, the share of criteria met."""
        return round(100 * self.passed / self.total) if self.total else 0


def quality(ds: Dataset, now: dt.datetime | None = None) -> Quality:
    """udata's nine criteria, computed from what the dataset says and serves (no stored copy to
    go stale: 按时更新 and 资源可访问 change with time and with each upload)."""
    resources = list(ds.resources.all())
    tables = [r for r in resources if r.kind == Resource.Kind.UPLOAD]
    reachable = bool(resources) and all(
        (r.url if r.kind == Resource.Kind.LINK else r.current_id is not None) for r in resources
    )
    columns_documented = bool(tables) and all(
        r.current is not None
        and all((r.column_descriptions or {}).get(c["id"]) for c in r.current.schema
                if c["id"] != "_id")
        for r in tables
    )  # fmt: skip
    open_format = any(
        r.current_id is not None or (r.format or "").upper() in OPEN_FORMATS for r in resources
    )
    has_frequency = ds.frequency != Dataset.Frequency.IRREGULAR
    criteria = (
        Criterion("description", "数据集摘要充分", len((ds.description or "").strip()) >= MIN_DESCRIPTION,
                  f"摘要不少于 {MIN_DESCRIPTION} 字，说明数据内容、来源与采集方式"),
        Criterion("columns", "字段均有说明", columns_documented, "为每个表格的每个字段填写说明"),
        Criterion("license", "明确开放许可", bool(ds.license_id), "选择一种开放许可"),
        Criterion("frequency", "明确更新频率", has_frequency, "说明更新频率（不定期不计）"),
        Criterion("on_time", "按频率及时更新", has_frequency and not ds.is_overdue(now),
                  "在更新周期内上传新版本"),
        Criterion("temporal", "说明时间范围", bool(ds.temporal_start or ds.temporal_end),
                  "填写数据覆盖的起止日期"),
        Criterion("spatial", "说明空间范围", bool((ds.spatial or "").strip()), "填写数据覆盖的地域"),
        Criterion("reachable", "资源均可获取", reachable, "每个资源都有可下载的文件或有效链接"),
        Criterion("open_format", "提供开放格式", open_format, "提供 CSV、JSON 等开放格式或可查询的表格"),
    )  # fmt: skip
    return Quality(criteria)


def rank_by_quality(datasets: Any, now: dt.datetime | None = None) -> list[Dataset]:
    """The catalogue's default order: quality score, then the most recently updated. Each
    dataset carries its `quality` for the page."""
    items = list(datasets)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    for ds in items:
        ds.quality = quality(ds, now)
    return sorted(
        items,
        key=lambda d: (-d.quality.score, -(d.last_updated or d.published_at or epoch).timestamp(),
                       d.name),
    )  # fmt: skip
