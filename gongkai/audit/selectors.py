"""Reading and checking the audit trail."""

from collections.abc import Iterator, Sequence
from pathlib import Path

from django.db import connection

from gongkai.lib import hashchain

from . import conf
from .models import AuditEntry, AuditHead


def _links(from_seq: int = 1) -> Iterator[hashchain.Link]:
    entries = AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        yield hashchain.Link(entry.seq, entry.prev_hash, entry.hash, entry.payload())


def verify_chain(
    checkpoints: Sequence[hashchain.Checkpoint] = (),
) -> tuple[int, list[hashchain.Problem]]:
    """(number of entries read, problems found) for the whole log; every checkpoint (seq, hash
    noted outside the database) must still be on the chain."""
    head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    count = 0

    def counted() -> Iterator[hashchain.Link]:
        nonlocal count
        for link in _links():
            count += 1
            yield link

    problems = hashchain.verify(counted(), head, checkpoints)
    return count, problems


def verify_since(checkpoint: hashchain.Checkpoint) -> list[hashchain.Problem]:
    """Problems of the chain from a checkpoint to the head only: the cheap check that each
    export makes against the previous one."""
    head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    return hashchain.verify(_links(checkpoint.seq), head, [checkpoint], after=checkpoint.seq - 1)


def last_checkpoint(
    path: Path | str,
) -> tuple[hashchain.Checkpoint | None, list[hashchain.Problem]]:
    """The newest line of an exported head file (None if the file is absent or empty), with
    its MAC problem if a key is configured."""
    try:
        with open(path, encoding="utf-8") as f:
            # malformed lines are verify's business; a torn last write leaves the line before
            lines, _ = hashchain.parse_export_lines(f, name=f"链头文件 {path} ")
    except FileNotFoundError:
        return None, []
    if not lines:
        return None, []
    key = conf.audit_key()
    problems = hashchain.check_macs(lines[-1:], key) if key is not None else []
    return lines[-1].checkpoint, problems


def read_checkpoint_file(
    path: Path | str,
) -> tuple[list[hashchain.Checkpoint], list[hashchain.Problem]]:
    """The checkpoints of an exported head file, and its malformed lines and MAC mismatches
    (MACs are checked whenever a key is configured)."""
    with open(path, encoding="utf-8") as f:
        lines, problems = hashchain.parse_export_lines(f, name=f"检查点文件 {path} ")
    key = conf.audit_key()
    if key is not None:
        problems += hashchain.check_macs(lines, key)
    return [line.checkpoint for line in lines], problems


def entries_for(object_type: str, object_id: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=object_type, object_id=object_id))


def head_hash() -> str:
    """The hash of the newest audit entry. Every state change is audited, so this changes
    whenever anything public may have changed (and never repeats, even after a restore):
    the public page cache keys on it."""
    # raw SQL: this runs on every public request, and the ORM would cost ten times more here
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hash FROM {AuditHead._meta.db_table} WHERE id = 1")  # noqa: S608 — a constant table name
        row = cursor.fetchone()
    return row[0] if row else ""


def public_head_hash() -> str:
    """The hash of the newest audit entry that may have changed a public page
    (audit/publicity.py): a sign-in or a citizen's letter leaves it, and so every cached
    public page, as it was. The public page cache keys on it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT public_hash FROM {AuditHead._meta.db_table} WHERE id = 1")  # noqa: S608 — a constant table name
        row = cursor.fetchone()
    return row[0] if row else ""
