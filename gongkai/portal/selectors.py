"""Reads of the public site. Every document shown comes through documents.selectors' public
selectors, which already restrict to 已发布 + 主动公开 (or the public version of 删减后公开)."""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from gongkai.documents import selectors as documents
from gongkai.documents.models import DirectoryItem, Document, InfoCategory, TopicCategory
from gongkai.organizations.models import Organization
from gongkai.organizations.selectors import public_organizations

from .models import SiteSettings

_SITE_KEY = "portal:site-settings"


def site_settings() -> SiteSettings:
    site = cache.get(_SITE_KEY)
    if site is None:
        site = SiteSettings.objects.filter(pk=1).first() or SiteSettings()
        cache.set(_SITE_KEY, site, 60)
    return site


def forget_site_settings() -> None:
    cache.delete(_SITE_KEY)


# What a title-and-date list shows: loading no body, basis or joined rows keeps an uncached
# home page cheap (issue 19 §2: the SQL compile and row fetch of full documents dominated).
BRIEF_FIELDS = ("id", "title", "published_on")


def _brief(qs: QuerySet[Document]) -> QuerySet[Document]:
    return qs.select_related(None).only(*BRIEF_FIELDS)


def latest(category_codes: list[str] | None = None, limit: int = 8) -> list[Document]:
    qs = documents.public_documents()
    if category_codes:
        qs = qs.filter(category__code__in=category_codes)
    return list(_brief(qs)[:limit])


def policies_with_interpretations(limit: int = 6) -> list[Document]:
    """Recent policy documents (title and date), each with its public interpretations prefetched."""
    public_interpretations = _brief(
        documents.public_documents().filter(category__is_interpretation=True)
    ).only(*BRIEF_FIELDS, "interprets")
    qs = (
        _brief(documents.public_documents())
        .filter(category__code__in=["normative", "policy"])
        .prefetch_related(
            Prefetch(
                "interpretations", queryset=public_interpretations, to_attr="public_interpretations"
            )
        )
    )
    return list(qs[:limit])


def related(doc: Document) -> dict[str, Any]:
    """The interpreted policy (for an interpretation) or the interpretations (for a policy), public only."""
    result: dict[str, Any] = {"policy": None, "interpretations": []}
    if doc.interprets_id:
        result["policy"] = documents.public_documents().filter(pk=doc.interprets_id).first()
    result["interpretations"] = list(documents.public_documents().filter(interprets=doc))
    return result


@dataclass(frozen=True)
class ListFilters:
    org: Organization | None = None
    year: int | None = None
    category: InfoCategory | None = None
    topic: TopicCategory | None = None
    validity: str | None = None
    item: DirectoryItem | None = None

    def documents(self) -> QuerySet[Document]:
        """Lazy: filtering by the objects parse_filters found runs no query until iterated (the
        codes of DocumentFilters would each be checked again) and needs no join."""
        qs = documents.public_documents()
        if self.org is not None:
            qs = qs.filter(org=self.org)
        if self.year:
            qs = qs.filter(published_on__year=self.year)
        if self.category is not None:
            qs = qs.filter(category=self.category)
        if self.topic is not None:
            qs = qs.filter(topic__code__startswith=self.topic.code)  # sub-topics too
        if self.validity:
            qs = qs.filter(validity=self.validity)
        if self.item is not None:
            qs = qs.filter(directory_item=self.item)
        return qs

    def query(self) -> dict[str, str]:
        """Canonical query parameters, in a fixed order, for stable URLs."""
        pairs = [
            ("org", self.org.code if self.org else None),
            ("year", str(self.year) if self.year else None),
            ("category", self.category.code if self.category else None),
            ("topic", self.topic.code if self.topic else None),
            ("validity", self.validity),
            ("item", str(self.item.pk) if self.item else None),
        ]
        return {k: v for k, v in pairs if v}


class BadFilter(ValueError):
    """A query parameter names nothing that exists: the page answers 404, never 500."""


def parse_filters(params: Any) -> ListFilters:
    def one(name: str) -> str | None:
        value = (params.get(name) or "").strip()
        return value or None

    org = category = topic = item = None
    year = None
    if code := one("org"):
        org = public_organizations().filter(code=code).first()
        if org is None:
            raise BadFilter("org")
    if raw := one("year"):
        if not raw.isdigit() or not 1949 <= int(raw) <= 2100:
            raise BadFilter("year")
        year = int(raw)
    if code := one("category"):
        category = InfoCategory.objects.filter(code=code).first()
        if category is None:
            raise BadFilter("category")
    if code := one("topic"):
        topic = TopicCategory.objects.filter(code=code).first()
        if topic is None:
            raise BadFilter("topic")
    validity = one("validity")
    if validity and validity not in Document.Validity.values:
        raise BadFilter("validity")
    if raw := one("item"):
        item = DirectoryItem.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if item is None:
            raise BadFilter("item")
    return ListFilters(org, year, category, topic, validity, item)


def neighbours(doc: Document) -> tuple[Document | None, Document | None]:
    """上一篇/下一篇 within the list the document belongs to (same organisation and category)."""
    same = documents.public_documents().filter(org_id=doc.org_id, category_id=doc.category_id)
    assert doc.published_on is not None
    newer = (
        same.filter(published_on__gt=doc.published_on)
        | same.filter(published_on=doc.published_on, pk__gt=doc.pk)
    ).order_by("published_on", "id")
    older = same.filter(published_on__lt=doc.published_on) | same.filter(
        published_on=doc.published_on, pk__lt=doc.pk
    )
    older, newer = (
        older.select_related(None).only("id", "title"),
        newer.select_related(None).only("id", "title"),
    )
    return older.order_by("-published_on", "-id").first(), newer.first()


def years() -> list[int]:
    dates = documents.public_documents().dates("published_on", "year", order="DESC")
    return [d.year for d in dates]


def organizations_tree() -> list[Organization]:
    return list(public_organizations().order_by("path", "order"))


def directory(org: Organization, per_item: int = 5) -> list[tuple[DirectoryItem, list[Document]]]:
    """The 主动公开基本目录 of an organisation with each item's latest public documents (one query)."""
    items = list(documents.directory_items(org.pk))
    ranked = (
        documents.public_documents()
        .filter(directory_item__in=items)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("directory_item")],
                order_by=[F("published_on").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=per_item)
    )
    by_item: dict[int, list[Document]] = {i.pk: [] for i in items}
    for doc in ranked:
        by_item[doc.directory_item_id].append(doc)  # type: ignore[index]
    return [(i, by_item[i.pk]) for i in items]
