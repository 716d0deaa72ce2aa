"""Writes of the search copy: the only place entries enter or leave the index.

The database is the truth, the index a copy. Callers (`gongkai.documents.services`) call
`index` and `remove` explicitly inside the transaction that publishes or withdraws:

- `index` stores the public `Entry` and queues the key (`Pending`, an outbox row) inside a
  savepoint: if that fails the publication still commits, and `gongkai search reindex` repairs
  it. `remove` deletes the entry in the same transaction and is NOT allowed to fail silently —
  a withdrawal that cannot be taken out of the search copy does not happen.
- After commit, `flush` applies the queue to the tantivy index (one writer across processes; a
  busy writer is retried shortly and otherwise by the next flush). On PostgreSQL the backend is
  the table itself and is updated in the transaction.
- Results are re-checked against `Entry` when read (`selectors.search`), so a queued or failed
  index update never shows a withdrawn or non-public item.
"""

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from . import backends
from .backends.base import IndexBusy
from .interface import SearchEntry
from .models import Checkpoint, Entry, Pending

log = logging.getLogger(__name__)

FLUSH_BATCH = 1000
INDEX_BATCH = 2000  # entries read per batch when the index is rebuilt from them
RETRY_DELAYS = (0.5, 2.0, 10.0)  # seconds, when another process holds the index writer
_flush_lock = threading.Lock()
_FIELDS = [f.name for f in Entry._meta.concrete_fields if f.name not in ("id", "key", "updated_at")]


def _row(e: SearchEntry) -> dict[str, Any]:
    data = asdict(e)
    data["topic_codes"] = " ".join(e.topic_codes)
    data["tags"] = " ".join(e.tags)
    return {k: data[k] for k in _FIELDS}


def to_entry(row: Entry) -> SearchEntry:
    data = {f: getattr(row, f) for f in _FIELDS}
    data["topic_codes"] = tuple(row.topic_codes.split())
    data["tags"] = tuple(row.tags.split())
    return SearchEntry(key=row.key, **data)


def _store(entries: Sequence[SearchEntry]) -> None:
    now = timezone.now()
    Entry.objects.bulk_create(
        [Entry(key=e.key, updated_at=now, **_row(e)) for e in entries],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=[*_FIELDS, "updated_at"],
    )


def index(entries: Sequence[SearchEntry]) -> None:
    """Make `entries` (public information only) searchable once the transaction commits."""
    if not entries:
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here never undoes the caller's work
            _store(entries)
            backend = backends.current()
            if backend.deferred:
                Pending.objects.bulk_create([Pending(key=e.key) for e in entries])
            else:
                backend.upsert(entries)
    except Exception:
        log.exception("检索索引更新失败（%s），可运行 gongkai search reindex 修复", entries[0].key)
        return
    transaction.on_commit(flush_soon)


def remove(keys: Sequence[str]) -> None:
    """Take `keys` out of search, in the caller's transaction (failures propagate)."""
    if not keys:
        return
    Entry.objects.filter(key__in=list(keys)).delete()
    backend = backends.current()
    if backend.deferred:
        Pending.objects.bulk_create([Pending(key=k) for k in keys])
        transaction.on_commit(flush_soon)
    else:
        backend.delete(keys)


def flush() -> int:
    """Apply queued updates to a deferred (tantivy) index; returns the number of keys applied.
    Raises IndexBusy when another process holds the index writer."""
    backend = backends.current()
    if not backend.deferred:
        Pending.objects.all().delete()
        return 0
    applied = 0
    # one flush at a time in this process: publishers that commit meanwhile wait, and then find
    # their keys applied by it or apply everything queued in one commit (a group commit; one
    # index commit per publication made 16 concurrent publishers 10× slower, bench/publish.py)
    with _flush_lock:
        while rows := list(Pending.objects.order_by("id").values_list("id", "key")[:FLUSH_BATCH]):
            keys = list(dict.fromkeys(k for _, k in rows))
            present = {r.key: to_entry(r) for r in Entry.objects.filter(key__in=keys)}
            backend.write(  # type: ignore[attr-defined]
                [present[k] for k in keys if k in present], [k for k in keys if k not in present]
            )
            Pending.objects.filter(id__in=[i for i, _ in rows]).delete()
            applied += len(keys)
    return applied


def flush_soon(attempt: int = 0) -> None:
    """Flush now; if the writer is busy or the index fails, retry a few times in a thread.
    Whatever is still queued is applied by the next flush or `gongkai search flush`."""
    try:
        flush()
    except Exception as e:
        if attempt >= len(RETRY_DELAYS):
            log.warning("检索索引仍有待更新条目，稍后由下一次更新或 gongkai search flush 处理")
            return
        if not isinstance(e, IndexBusy):
            log.exception("检索索引写入失败，将重试")
        timer = threading.Timer(RETRY_DELAYS[attempt], _retry, args=(attempt + 1,))
        timer.daemon = True
        timer.start()


def _retry(attempt: int) -> None:
    try:
        flush_soon(attempt)
    finally:
        close_old_connections()


def rebuild(
    source: Callable[[int], Iterable[tuple[int, Sequence[SearchEntry]]]],
    progress: Any = None,
    *,
    resume: bool = True,
) -> int:
    """Replace the search copy by all public information; returns the number of entries.

    `source(after)` yields (cursor, entries) batches in cursor order, starting after `after`
    (0: from the beginning). Resumable (`Checkpoint`): stage 1 stores the batches as entries,
    the cursor saved in each batch's transaction; stage 2 rebuilds the index from the entries
    in id order, the backend checkpointing what it has committed. A re-run (resume=True)
    continues where the last one stopped; entries not written since that rebuild started are
    dropped at the end of stage 1."""
    state = Checkpoint.objects.order_by("id").first() if resume else None
    if state is None:
        Checkpoint.objects.all().delete()
        state = Checkpoint.objects.create(
            started_at=timezone.now(),
            last_pending=Pending.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        )
    if state.stage == "entries":
        if progress:
            progress("entries", state.stored)
        for cursor, batch in source(state.source_cursor):
            with transaction.atomic():
                _store(batch)
                state.source_cursor = cursor
                state.stored += len(batch)
                state.save(update_fields=["source_cursor", "stored"])
            if progress:
                progress("entries", state.stored)
        with transaction.atomic():
            Entry.objects.filter(updated_at__lt=state.started_at).delete()
            state.stage = "index"
            state.save(update_fields=["stage"])

    def saved(cursor: int) -> None:
        Checkpoint.objects.filter(id=state.id).update(index_cursor=cursor)

    before = Entry.objects.filter(id__lte=state.index_cursor).count() if state.index_cursor else 0
    backend = backends.current()
    done = before + backend.rebuild(
        _entry_batches(state.index_cursor, progress),
        resume=state.index_cursor > 0,
        checkpoint=saved,
    )
    Pending.objects.filter(id__lte=state.last_pending).delete()
    state.delete()
    return done


def checkpoint() -> str:
    """Where an unfinished rebuild stands, in words; empty when there is none."""
    state = Checkpoint.objects.order_by("id").first()
    if state is None:
        return ""
    if state.stage == "entries":
        return f"已写入 {state.stored} 条检索条目"
    return f"检索条目已写完，索引已提交至条目 {state.index_cursor}"


def _entry_batches(after: int = 0, progress: Any = None) -> Iterator[tuple[int, list[SearchEntry]]]:
    done = Entry.objects.filter(id__lte=after).count() if after else 0
    while rows := list(Entry.objects.filter(id__gt=after).order_by("id")[:INDEX_BATCH]):
        after = rows[-1].id
        done += len(rows)
        if progress:
            progress("index", done)
        yield after, [to_entry(r) for r in rows]


def check(expected: set[str]) -> dict[str, list[str]]:
    """Drift between what should be searchable (`expected` keys), the entries and the index."""
    stored = set(Entry.objects.values_list("key", flat=True))
    indexed = backends.current().keys()
    return {
        "missing_entries": sorted(expected - stored),
        "extra_entries": sorted(stored - expected),
        "missing_in_index": sorted(stored - indexed),
        "extra_in_index": sorted(indexed - stored),
        "pending": sorted(set(Pending.objects.values_list("key", flat=True))),
    }
