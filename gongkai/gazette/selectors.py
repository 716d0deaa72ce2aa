"""Reads on the 政府公报. Public reads apply visibility here and nowhere else: only 已出版
issues, and behind an entry only a document that is public now (`documents.public_documents`):
an entry whose document is no longer public keeps its printed title and 文号 (the 目录 as
printed) but gives no link and no text. Draft issues, their PDFs and staff notes never leave."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.documents.models import Document
from gongkai.documents.selectors import public_documents

from .models import Entry, Gazette, Issue

RULE_CATEGORY = (
    "rule"  # 政府规章: the gazette text is always the 标准文本 (规章制定程序条例 Art. 31)
)


def public_gazettes() -> QuerySet[Gazette]:
    return Gazette.objects.select_related("org").order_by("order", "id")


def default_gazette(code: str | None = None) -> Gazette | None:
    """The gazette of organisation `code`, else the first one (most deployments run one)."""
    qs = public_gazettes()
    return qs.filter(org__code=code).first() if code else qs.first()


def public_issues(gazette: Gazette | None = None, year: int | None = None) -> QuerySet[Issue]:
    qs = Issue.objects.filter(status=Issue.Status.PUBLISHED).select_related("gazette__org")
    if gazette is not None:
        qs = qs.filter(gazette=gazette)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.annotate(entry_count=Count("entries")).order_by("-year", "-issue_no", "-id")


def public_issue(pk: int) -> Issue | None:
    return public_issues().filter(pk=pk).first()


def public_issue_by_number(gazette: Gazette, year: int, issue_no: int) -> Issue | None:
    return public_issues(gazette, year).filter(issue_no=issue_no).first()


def public_years(gazette: Gazette) -> list[int]:
    return sorted(set(public_issues(gazette).values_list("year", flat=True)), reverse=True)


@dataclass(frozen=True)
class EntryView:
    title: str
    doc_number: str
    page: int
    document_id: int | None  # None when the document is not public (or there is none)
    standard_text: bool


@dataclass(frozen=True)
class SectionView:
    name: str
    entries: list[EntryView]


def is_standard_text(gazette: Gazette, doc: Document) -> bool:
    """规章: always; 行政规范性文件: where the tenant declares it (spec §1, e.g. Liaoning)."""
    return doc.category.code == RULE_CATEGORY or (
        gazette.normative_standard and doc.category.is_normative
    )


def public_toc(issue: Issue) -> list[SectionView]:
    """The 目录 of a published issue by section in print order."""
    if issue.status != Issue.Status.PUBLISHED:
        return []
    entries = list(
        Entry.objects.filter(issue=issue).select_related("section")
        .order_by("section__order", "section_id", "order", "id")
    )  # fmt: skip
    ids = {e.document_id for e in entries if e.document_id}
    public = {d.pk: d for d in public_documents().filter(pk__in=ids)}
    sections: dict[int, SectionView] = {}
    for e in entries:
        doc = public.get(e.document_id) if e.document_id else None
        view = EntryView(
            title=e.title, doc_number=e.doc_number, page=e.page,
            document_id=doc.pk if doc else None,
            standard_text=bool(doc and is_standard_text(issue.gazette, doc)),
        )  # fmt: skip
        sections.setdefault(e.section_id, SectionView(e.section.name, [])).entries.append(view)
    return list(sections.values())


@dataclass(frozen=True)
class Appearance:
    issue: Issue
    page: int
    standard_text: bool


def appearances(doc: Document) -> list[Appearance]:
    """The published issues a public document was printed in (刊登于…), for its own page."""
    if not public_documents().filter(pk=doc.pk).exists():
        return []
    rows = (
        Entry.objects.filter(document=doc, issue__status=Issue.Status.PUBLISHED)
        .select_related("issue__gazette__org")
        .order_by("issue__year", "issue__issue_no")
    )
    return [Appearance(e.issue, e.page, is_standard_text(e.issue.gazette, doc)) for e in rows]


def printed_document_ids() -> QuerySet[Any]:
    """Ids of documents printed in a published issue (for a “公报刊登” filter)."""
    return Entry.objects.filter(
        issue__status=Issue.Status.PUBLISHED, document__isnull=False
    ).values("document_id")


def printed_among(ids: Sequence[int]) -> set[int]:
    """Which of documents `ids` are printed in a published issue (their search tag)."""
    found: set[int] = set()
    ids = list(ids)
    for i in range(0, len(ids), 900):  # SQLite's bound-parameter limit, with room to spare
        found.update(
            printed_document_ids()
            .filter(document_id__in=ids[i : i + 900])
            .values_list("document_id", flat=True)
        )
    return found


def staff_issues(user: Any, action: Action = Action.VIEW) -> QuerySet[Issue]:
    return permissions.scope(
        Issue.objects.select_related("gazette__org"), user, action, org_field="gazette__org"
    )
