"""Reads of the review app. The public may see the negative list's matters (not the content of
any withheld item); findings and review records are for staff of the document's organisation."""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from gongkai.organizations.models import Organization
from gongkai.organizations.selectors import descendant_ids, public_organizations

from .models import AttachmentScan, Finding, NegativeListEntry, ReviewRecord
from .text import PUBLIC_ATTRIBUTES, Piece, apply_masks, find, masked_form, public_pieces


def applicable_entries(org: Organization, ground: str | None = None) -> QuerySet[NegativeListEntry]:
    """Active entries of `org` and of every organisation above it (a higher list applies below)."""
    ids = [org.pk, *org.ancestor_ids()]
    qs = NegativeListEntry.objects.filter(org_id__in=ids, is_active=True).select_related("org")
    if ground:
        qs = qs.filter(ground=ground)
    return qs.order_by("org__path", "ground", "id")


def public_negative_list(org: Organization | None = None) -> QuerySet[NegativeListEntry]:
    """The published list: active entries of public organisations (for `org`: what applies to it)."""
    if org is not None:
        return applicable_entries(org)
    return (
        NegativeListEntry.objects.filter(is_active=True, org__in=public_organizations())
        .select_related("org")
        .order_by("org__path", "ground", "id")
    )


def findings(document: Any) -> QuerySet[Finding]:
    """What a reviewer works through: present findings and the masked ones (kept as history)."""
    return (
        Finding.objects.filter(document_id=document.pk)
        .filter(Q(present=True) | Q(status=Finding.Status.MASKED))
        .select_related("resolved_by", "attachment")
        .order_by("status", "id")
    )


def blocking_findings(document: Any) -> QuerySet[Finding]:
    return Finding.objects.filter(document_id=document.pk, present=True, status=Finding.Status.OPEN)


def resolutions(document: Any) -> dict[str, str]:
    """fingerprint → status, for the publishing gate."""
    return dict(
        Finding.objects.filter(document_id=document.pk).values_list("fingerprint", "status")
    )


def masked_values(document: Any) -> list[tuple[str, str]]:
    return list(
        Finding.objects.filter(document_id=document.pk, status=Finding.Status.MASKED)
        .exclude(kind="unreadable")
        .values_list("kind", "value")
    )


def current_record(document: Any) -> ReviewRecord | None:
    return ReviewRecord.objects.filter(document_id=document.pk).order_by("-round").first()


def scans(attachment_ids: list[int]) -> dict[int, AttachmentScan]:
    return {
        s.attachment_id: s for s in AttachmentScan.objects.filter(attachment_id__in=attachment_ids)
    }


# --- the archive audit ------------------------------------------------------------------------------
def archive_audit(
    org: Organization,
    *,
    include_children: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Published public items of `org` (and below) whose public text holds personal information
    no reviewer kept: old archives are full of them. Reads documents by model name only."""
    document_model = apps.get_model("documents", "Document")
    ids = descendant_ids({org.pk}) if include_children else {org.pk}
    qs = document_model.objects.filter(
        org_id__in=ids, status="published", disclosure_attribute__in=PUBLIC_ATTRIBUTES
    ).order_by("id")
    total = qs.count()
    report: list[dict[str, Any]] = []
    done = 0
    for start in range(0, total, 200):
        batch = list(qs[start : start + 200])
        kept = set(
            Finding.objects.filter(
                document_id__in=[d.pk for d in batch], status=Finding.Status.KEPT
            ).values_list("document_id", "fingerprint")
        )
        for doc in batch:
            problems = [
                {"type": f.kind, "value": masked_form(f.kind, f.value),
                 "where": list(dict.fromkeys(o["label"] for o in f.occurrences)),
                 "count": len(f.occurrences)}
                for key, f in find(public_pieces(doc)).items()
                if (doc.pk, key) not in kept
            ]  # fmt: skip
            if problems:
                report.append(
                    {"id": doc.pk, "title": masked_title(doc.title), "index_no": doc.index_no or "",
                     "url": f"/documents/{doc.pk}/", "findings": problems}
                )  # fmt: skip
            done += 1
            if progress is not None:
                progress(done, total)
    return report


def masked_title(title: str) -> str:
    """A title as a report may print it: its own identifiers masked."""
    found = find([Piece("title", "标题", title)])
    return apply_masks(title, [(f.kind, f.value) for f in found.values()])
