"""Writing the audit trail. Call `record` in the same transaction as the change it describes.

`export_head` copies the chain's head out of the database (append-only file, syslog), so a
rewrite of the whole chain by someone with database access no longer verifies against it.
"""

import datetime as dt
import json
import logging
import logging.handlers
import os
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.lib import hashchain

from . import conf
from .models import AuditEntry, AuditHead
from .publicity import changes_public_pages

SYSTEM = "系统"
logger = logging.getLogger(__name__)


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
    kwargs = {"actor": actor, "obj": obj, "object_type": object_type, "object_id": object_id,
              "org_id": org_id, "before": before, "after": after, "ip": ip}  # fmt: skip
    return record_many([(action, kwargs)])[0]


def record_many(items: list[tuple[str, dict[str, Any]]]) -> list[AuditEntry]:
    """Append several entries, each `(action, keyword arguments of record)`, in this order: the
    head locked once, the chain hashed as by one `record` call each, one insert (a 清理 of
    10,000 documents writes 10,000 entries, bench/gazette.py)."""
    if not items:
        return []
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": hashchain.GENESIS}
        )
        # microseconds dropped: some databases round them, which would change the hash
        at = timezone.now().replace(microsecond=0).astimezone(dt.UTC)
        entries = []
        for action, kw in items:
            obj = kw.get("obj")
            object_type, object_id = kw.get("object_type", ""), kw.get("object_id", "")
            if obj is not None:
                object_type = object_type or obj._meta.label_lower
                object_id = object_id or str(obj.pk)
            actor = kw.get("actor")
            entry = AuditEntry(
                seq=head.seq + 1,
                at=at,
                actor_id=getattr(actor, "pk", None),
                actor=getattr(actor, "username", None) or SYSTEM,
                ip=kw.get("ip", ""),
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                org_id=kw.get("org_id"),
                before=_jsonable(kw.get("before")),
                after=_jsonable(kw.get("after")),
                prev_hash=head.hash,
            )
            entry.hash = hashchain.entry_hash(entry.prev_hash, entry.payload())
            entries.append(entry)
            head.seq, head.hash = entry.seq, entry.hash
            if changes_public_pages(action) or not head.public_hash:
                head.public_hash = entry.hash
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries, batch_size=500)
        head.save(update_fields=["seq", "hash", "public_hash"])
    return entries


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class Export:
    seq: int
    hash: str
    line: str
    file: str | None
    syslog: bool


def _append(path: os.PathLike[str] | str, line: str) -> None:
    # O_APPEND: every write lands at the end even if the file is shared; fsync so a crash keeps it
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


class _SysLog(logging.handlers.SysLogHandler):
    def handleError(self, record: logging.LogRecord) -> None:
        raise  # a lost export must fail loudly, not print a traceback and carry on


def _syslog(address: str | tuple[str, int], line: str, level: int = logging.INFO) -> None:
    handler = _SysLog(address=address, facility=conf.syslog_facility())
    handler.ident = "gongkai-audit: "
    try:
        handler.emit(logging.makeLogRecord({"msg": line, "levelno": level,
                                            "levelname": logging.getLevelName(level)}))  # fmt: skip
    finally:
        handler.close()


def export_head(now: dt.datetime | None = None) -> Export | None:
    """Append the current head (time seq hash [HMAC-SM3]) to the head file and send it to
    syslog, as configured; None while the log is empty."""
    head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    if head is None or head[0] == 0:
        return None
    seq, digest = head
    line = hashchain.export_line(now or timezone.now(), seq, digest, conf.audit_key())
    path = conf.head_file()
    if path is not None:
        _append(path, line)
    address = conf.syslog_address()
    if address is not None:
        _syslog(address, f"head {line}")
    return Export(seq, digest, line, str(path) if path else None, address is not None)


def alarm(messages: list[str]) -> None:
    """Say loudly that the chain no longer holds the previous export: error log and syslog."""
    text = "审计链与上次导出的链头不符：" + "；".join(messages)
    logger.error(text)
    address = conf.syslog_address()
    if address is not None:
        _syslog(address, f"ALERT {text}", logging.ERROR)
