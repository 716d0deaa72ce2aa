"""Reads on government information. Public reads apply visibility here and nowhere else:
only 已发布 items that are 主动公开, or 删减后公开 in their public version, ever leave these."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action

from .models import (
    PUBLIC_ATTRIBUTES,
    Attachment,
    CleanupExercise,
    CleanupItem,
    DirectoryItem,
    Document,
    InfoCategory,
    TopicCategory,
)


@dataclass(frozen=True)
class DocumentFilters:
    org: str | None = None  # organisation code
    year: int | None = None
    category: str | None = None  # InfoCategory code
    topic: str | None = None  # TopicCategory code, includes sub-topics
    validity: str | None = None  # Validity value or its Chinese label
    index_no: str | None = None


class UnknownFilter(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _public_base() -> QuerySet[Document]:
    return Document.objects.filter(
        status=Document.Status.PUBLISHED, disclosure_attribute__in=PUBLIC_ATTRIBUTES
    )


def public_documents(filters: DocumentFilters | None = None) -> QuerySet[Document]:
    f = filters or DocumentFilters()
    qs = _public_base().select_related("org", "category", "topic")
    if f.org:
        qs = qs.filter(org__code=f.org)
    if f.year:
        qs = qs.filter(published_on__year=f.year)
    if f.category:
        if not InfoCategory.objects.filter(code=f.category).exists():
            raise UnknownFilter("category", f"未知的信息类别“{f.category}”")
        qs = qs.filter(category__code=f.category)
    if f.topic:
        if not TopicCategory.objects.filter(code=f.topic).exists():
            raise UnknownFilter("topic", f"未知的主题分类“{f.topic}”")
        qs = qs.filter(topic__code__startswith=f.topic)
    if f.validity:
        by_label = {label: value for value, label in Document.Validity.choices}
        value = by_label.get(f.validity, f.validity)
        if value not in Document.Validity.values:
            raise UnknownFilter(
                "validity", "效力状态应为 valid/expired/repealed/amended（有效/失效/废止/已修改）"
            )
        qs = qs.filter(validity=value)
    if f.index_no:
        qs = qs.filter(index_no=f.index_no)
    return qs.order_by("-published_on", "-id")


def public_document(pk: int) -> Document | None:
    return (
        _public_base()
        .select_related("org", "category", "topic")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.filter(is_public=True))
        )
        .filter(pk=pk)
        .first()
    )


def public_attachments(doc: Document) -> list[Attachment]:
    """Attachments the public may see (prefetched by public_document)."""
    return [a for a in doc.attachments.all() if a.is_public]


def staff_documents(user: Any, action: Action = Action.VIEW) -> QuerySet[Document]:
    return permissions.scope(
        Document.objects.select_related("org", "category", "topic"), user, action
    )


def staff_document(user: Any, pk: Any) -> Document:
    """The document if `user` may see it; NotFound (404) otherwise, exactly as if missing."""
    if not str(pk).isdigit():
        raise permissions.NotFound("未找到该信息")
    return permissions.get_scoped(
        Document.objects.select_related("org", "category", "topic").prefetch_related("attachments"),
        user,
        Action.VIEW,
        pk=int(pk),
    )


def directory_items(org_id: int) -> QuerySet[DirectoryItem]:
    return DirectoryItem.objects.filter(org_id=org_id).order_by("order", "id")


def topic_by_code(code: str) -> TopicCategory | None:
    return TopicCategory.objects.filter(code=code).first()


def category_by_code(code: str) -> InfoCategory | None:
    return InfoCategory.objects.filter(Q(code=code) | Q(name=code)).first()


# --- 行政规范性文件 (gazette-catalog spec §2, §4) ---------------------------------------------------
CURRENT_FIELDS = ("title", "doc_number", "reg_no", "effective_on", "expires_on", "is_trial",
                  "amend_by", "org", "org__code", "org__name")  # fmt: skip


def public_normative_current(
    today: dt.date, *, org: str | None = None, q: str | None = None
) -> QuerySet[Document]:
    """现行有效规范性文件目录: public normative documents in force on `today` (有效, not past 有效期至
    even before the daily lapse has run). Lapsed, repealed and amended ones stay public on their own
    page with their status, never in this list."""
    qs = (
        _public_base()
        # the categories as a subquery, not a join: the index `doc_normative_current` then
        # answers the filter, the order and the count (bench/gazette.py)
        .filter(
            category__in=InfoCategory.objects.filter(is_normative=True),
            validity=Document.Validity.VALID,
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .select_related("org")
        .only(*CURRENT_FIELDS)
    )
    if org:
        qs = qs.filter(org__code=org)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_number__icontains=q) | Q(reg_no__icontains=q))
    return qs.order_by("-effective_on", "-id")


def _public_cleanup_base() -> QuerySet[CleanupExercise]:
    # a published result whose notice is itself public; a draft never leaves here
    return CleanupExercise.objects.filter(
        status=CleanupExercise.Status.PUBLISHED,
        notice__status=Document.Status.PUBLISHED,
        notice__disclosure_attribute__in=PUBLIC_ATTRIBUTES,
    ).select_related("org", "notice")


def public_cleanups() -> QuerySet[CleanupExercise]:
    return _public_cleanup_base().order_by("-published_on", "-id")


def public_cleanup(pk: int) -> CleanupExercise | None:
    return _public_cleanup_base().filter(pk=pk).first()


@dataclass(frozen=True)
class CleanupLists:
    continued: list[CleanupItem]
    repealed: list[CleanupItem]  # 宣布失效 or 废止
    to_amend: list[CleanupItem]


def public_cleanup_lists(exercise: CleanupExercise) -> CleanupLists:
    """The three lists of a published 清理, holding only documents that are public now."""
    R = CleanupItem.Result
    items = list(
        exercise.items.filter(
            document__status=Document.Status.PUBLISHED,
            document__disclosure_attribute__in=PUBLIC_ATTRIBUTES,
        )
        .select_related("document")
        .order_by("order", "id")
    )
    return CleanupLists(
        continued=[i for i in items if i.result == R.CONTINUE],
        repealed=[i for i in items if i.result in (R.EXPIRE, R.REPEAL)],
        to_amend=[i for i in items if i.result == R.AMEND],
    )


def normative_due(today: dt.date, days: int, org: str | None = None) -> QuerySet[Document]:
    """Staff view (command `normative due`): published documents in force expiring within `days`."""
    qs = Document.objects.filter(
        category__is_normative=True, status=Document.Status.PUBLISHED,
        validity=Document.Validity.VALID, expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=days),
    ).select_related("org")  # fmt: skip
    if org:
        qs = qs.filter(org__code=org)
    return qs.order_by("expires_on", "id")


def staff_cleanup(user: Any, pk: int) -> CleanupExercise:
    """A 清理 of an organisation the user may see; NotFound (404) otherwise."""
    return permissions.get_scoped(CleanupExercise.objects.select_related("org"), user, pk=pk)
