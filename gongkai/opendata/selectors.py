"""Reads on the open-data catalogue. Public reads apply visibility here and nowhere else:
only 已发布 datasets that are 无条件开放 or 有条件开放 ever leave `public_*`; 不予开放 and drafts
never do. Rows of a 有条件开放 dataset are not served to the public (`data_allowed`)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.organizations.models import Organization

from . import datastore, tabular
from .models import PUBLIC_LEVELS, Dataset, Resource, ResourceVersion, opendata_dir, version_dir


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
    return qs.order_by("-last_updated", "-published_at", "name")


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
    return datastore.Table(
        name=str(resource.pk),
        data=d / tabular.DATA_FILE,
        terms=terms if terms.exists() else None,
        schema=schema,
        row_count=v.row_count or 0,
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
