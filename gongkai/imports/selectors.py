"""Reads of the import ledger. Staff see the batches and pages of organisations in their scope;
nothing here is public (imported documents reach the public only through the documents app's
public selectors, once published)."""

from typing import Any

from django.db.models import QuerySet

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action

from .models import ImportBatch, ImportRecord


def ledger_row(org_id: int, source_hash: str) -> ImportRecord | None:
    """The ledger row of a page already seen by an import into `org` (the idempotency check)."""
    return (
        ImportRecord.objects.filter(org_id=org_id, source_hash=source_hash)
        .only("id", "document_id", "status", "error", "pii_count")
        .first()
    )


def staff_batches(user: Any) -> QuerySet[ImportBatch]:
    return permissions.scope(ImportBatch.objects.select_related("org"), user, Action.VIEW)


def staff_records(user: Any, batch: ImportBatch | None = None) -> QuerySet[ImportRecord]:
    qs = ImportRecord.objects.select_related("org", "document")
    if batch is not None:
        qs = qs.filter(batch=batch)
    return permissions.scope(qs, user, Action.VIEW)


def batch_problems(batch: ImportBatch) -> QuerySet[ImportRecord]:
    """Pages of the batch that need a person: clashes, changed pages, failures, PII flags."""
    return (
        ImportRecord.objects.filter(batch=batch)
        .exclude(status=ImportRecord.Status.IMPORTED, pii_count=0)
        .order_by("id")
    )
