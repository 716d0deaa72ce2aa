"""Writing the audit trail. Call `record` in the same transaction as the change it describes."""

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.lib import hashchain

from .models import AuditEntry, AuditHead

SYSTEM = "系统"


def _jsonable(value: Any) -> Any:
    # round-trip through JSON so the hashed payload equals what the database gives back
    return None if value is None else json.loads(json.dumps(value, default=str, ensure_ascii=False))


def record(
    action: str,
    *,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    org_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    ip: str = "",
) -> AuditEntry:
    """Append one entry. `actor` is a user, None for the system; `obj` a model instance."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": hashchain.GENESIS}
        )
        entry = AuditEntry(
            seq=head.seq + 1,
            # microseconds dropped: some databases round them, which would change the hash
            at=timezone.now().replace(microsecond=0).astimezone(dt.UTC),
            actor_id=getattr(actor, "pk", None),
            actor=getattr(actor, "username", None) or SYSTEM,
            ip=ip,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            org_id=org_id,
            before=_jsonable(before),
            after=_jsonable(after),
            prev_hash=head.hash,
        )
        entry.hash = hashchain.entry_hash(entry.prev_hash, entry.payload())
        entry.save(force_insert=True)
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
