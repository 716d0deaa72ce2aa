"""The embedded default backend: a tantivy index in a directory beside the database.

- Text fields hold `segment.index_text` (the index tokens, space-separated) under a whitespace
  analyzer, so the index and the query use the very same segmentation (and phrase positions
  line up).
- Field weights: title × 3 above 文号 × 2 above body × 1, BM25F-style in one `text` field (see
  REPEAT). Recency breaks ties: the index is kept sorted newest first (tantivy ranks equal
  scores by document order) and the hits fetched are ordered by (score, date) once more, for
  ties across segments.
- Quoted phrases are looked up by the `pairs` field (neighbouring words as one token, see
  `segment.index_pairs`): a phrase of two words is one rare term instead of the positions of two
  common ones in most documents (bench/search.py at 1M documents: phrase p95 161 → 16 ms, for
  about 40 % fewer documents per second at build); longer phrases also check positions, but only
  in the documents holding all their pairs.
- Facet counts are exact up to EXACT_FACETS_UP_TO matches; above, they are counted on a hash
  sample of the matches (`bucket`) and scaled, and the page says they are estimates.
- One writer per index across all processes (tantivy's lock file): `upsert`/`delete` raise
  `IndexBusy` when another process holds it, and the caller retries later. Readers reload when
  a commit lands (`OnCommit`), also commits by other processes.
- `rebuild` is resumable and never doubles a document: it commits and checkpoints about every
  COMMIT_SECONDS, replaces each key, and drops what it was not given by generation (`gen`, the
  number in the `generation` file, which every write also stamps).
- Only the key and the fields to filter, facet and rank on are kept; what a hit shows is read
  from the database, never from the index.

No Django in this module: `bench/search.py` drives it directly.
"""

import datetime as dt
import os
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import tantivy

from gongkai.lib import segment

from ..interface import Filters, SearchEntry
from ..query import ParsedQuery, Word
from .base import FACET_SIZE, FACETS, IndexBusy, Page

SCHEMA_VERSION = 4  # 4: `tags`
GENERATION_FILE = "generation"
CHUNK = 200  # entries per segmenting task: few, large messages between the processes
COMMIT_SECONDS = 60.0  # a rebuild commits (and checkpoints) about this often
WORKERS: int | None = None  # segmenting processes of a rebuild; None: one per CPU
# BM25F-style field weights: the one `text` field holds the title three times and 文号/索引号
# twice before the body, so their words weigh 3× and 2× before BM25 saturates the frequency.
# One field instead of three: two posting lists to intersect instead of two unions of three
# (measured at 100k documents: matching a common two-word query ~2× and top-10 ~1.3× faster).
REPEAT = (("title", 3), ("numbers", 2), ("body", 1))
_BREAK = " ¶ "  # between the copies and fields: never an index token, so no phrase spans it
SAMPLES = 64  # `bucket` values: a hash of the key, for estimated facet counts
TIE_SLACK = 10  # hits fetched beyond the page, to order equal scores by date
EXACT_FACETS_UP_TO = 20_000  # matches; above, facets are counted on a hash sample of them
_EPOCH = dt.date(1949, 10, 1)
_SEP = "\t"  # between a facet value and its label in the facet fields

_open: dict[Path, "TantivyBackend"] = {}
_open_lock = threading.Lock()


def open_index(path: Path) -> "TantivyBackend":
    """The one backend object per index directory in this process."""
    path = Path(path) / f"v{SCHEMA_VERSION}"
    with _open_lock:
        if path not in _open:
            _open[path] = TantivyBackend(path)
        return _open[path]


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("text", tokenizer_name="ws", index_option="position")
    sb.add_text_field("pairs", tokenizer_name="ws", index_option="basic")
    sb.add_text_field("ids", tokenizer_name="raw", index_option="basic")
    for name in ("org", "category", "topic", "validity"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
        sb.add_text_field(f"f_{name}", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_text_field("tags", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("gen", indexed=True)
    sb.add_integer_field("bucket", indexed=True)
    sb.add_integer_field("published", fast=True)  # days since _EPOCH; the index's sort order
    return sb.build()


def _facet_value(code: str, label: str) -> str:
    return f"{code}{_SEP}{label}"


def texts_of(e: SearchEntry) -> tuple[str, str, str]:
    """The index tokens (space-separated) of the title, 文号 + 索引号 and body of an entry."""
    return (
        segment.index_text(e.title),
        segment.index_text(f"{e.doc_number} {e.index_no}"),
        segment.index_text(e.body),
    )


def fields_of(e: SearchEntry) -> dict[str, Any]:
    """The index fields of an entry (segmentation happens here; picklable for worker processes)."""
    title, numbers, body = (
        segment.index_text_and_pairs(t) for t in (e.title, f"{e.doc_number} {e.index_no}", e.body)
    )
    texts = {"title": title[0], "numbers": numbers[0], "body": body[0]}
    days = (e.published_on - _EPOCH).days if e.published_on else 0
    doc: dict[str, Any] = {
        "key": e.key,
        "text": _BREAK.join(texts[name] for name, times in REPEAT for _ in range(times)),
        "pairs": f"{title[1]} {numbers[1]} {body[1]}",
        "bucket": zlib.crc32(e.key.encode()) % SAMPLES,
        "ids": [v for v in (e.doc_number, e.index_no) if v],
        "org": e.org_code,
        "f_org": _facet_value(e.org_code, e.org_name),
        "category": e.category_code,
        "f_category": _facet_value(e.category_code, e.category_name),
        "topic": list(e.topic_codes),
        "tags": list(e.tags),
        "validity": e.validity,
        "published": days,
    }
    if e.topic_codes:
        doc["f_topic"] = _facet_value(e.topic_codes[0], e.topic_name)
    if e.validity:
        doc["f_validity"] = _facet_value(e.validity, e.validity_label)
    if e.published_on:
        doc["year"] = e.published_on.year
    return {k: v for k, v in doc.items() if v not in ("", [])}


def fields_of_chunk(entries: Sequence[SearchEntry]) -> list[dict[str, Any]]:
    """`fields_of` for a chunk of entries: one task, one message per chunk for a worker."""
    return [fields_of(e) for e in entries]


class TantivyBackend:
    deferred = True

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema()
        self.index = tantivy.Index(
            self.schema,
            path=str(path),
            reuse=True,
            sort_by_field="published",  # newest first: ties go to the newer item
            sort_order=tantivy.Order.Desc,
        )
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        self.index.register_tokenizer("ws", analyzer)
        self.index.config_reader("OnCommit")
        self._write_lock = threading.Lock()

    # --- writing ---------------------------------------------------------------------------

    def _writer(self, heap: int = 50_000_000, threads: int = 1) -> Any:
        try:
            return self.index.writer(heap_size=heap, num_threads=threads)
        except ValueError as e:
            raise IndexBusy(str(e)) from e

    def write(self, upserts: Sequence[SearchEntry], deletes: Sequence[str]) -> None:
        """Apply changes in one commit: deletions and replacements by key."""
        fields = [fields_of(e) for e in upserts]  # segment before taking the lock
        with self._write_lock:
            writer = self._writer()
            gen = self.generation()  # read under the writer lock: a rebuild may have moved it
            docs = [tantivy.Document.from_dict({**f, "gen": gen}, self.schema) for f in fields]
            try:
                for key in [*deletes, *(e.key for e in upserts)]:
                    writer.delete_documents_by_term("key", key)
                for doc in docs:
                    writer.add_document(doc)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # also releases the writer lock
        self.index.reload()

    def upsert(self, entries: Sequence[SearchEntry]) -> None:
        self.write(entries, ())

    def delete(self, keys: Sequence[str]) -> None:
        self.write((), keys)

    def rebuild(
        self,
        batches: Iterable[tuple[int, Sequence[SearchEntry]]],
        *,
        resume: bool = False,
        checkpoint: Callable[[int], None] | None = None,
        heap: int = 400_000_000,
        workers: int | None = None,
        commit_seconds: float | None = None,
    ) -> int:
        """Replace the whole index by `batches` of (cursor, entries); returns the count written.

        Resumable: every `commit_seconds` (at a batch boundary) the writer commits and then
        `checkpoint(cursor)` is called, so an interrupted rebuild continues after the last
        checkpoint with `resume=True`. Each document replaces its key (delete + add in one
        commit, free on a fresh index), so a batch indexed again — committed just before a crash,
        before its checkpoint was stored — is never doubled. The documents carry the rebuild's
        generation: once all batches are in, documents of older generations (items no longer
        given) are deleted in the last commit.

        Segmenting (about three quarters of the CPU time) runs in `workers` forked processes
        (default one per CPU) on chunks of CHUNK entries, a bounded number ahead of the writer,
        while this process feeds tantivy's indexing threads: the stages overlap."""
        workers = workers or WORKERS or os.cpu_count() or 1
        commit_every = COMMIT_SECONDS if commit_seconds is None else commit_seconds
        segment.index_text("预热")  # load the dictionary once, before forking
        n = 0
        with self._write_lock:
            writer = self._writer(heap=heap, threads=0)
            pool = (
                ProcessPoolExecutor(workers, mp_context=get_context("fork"))
                if workers > 1
                else None
            )
            try:
                gen = self.generation() + (0 if resume else 1)
                self._set_generation(gen)  # before any add: a flush meanwhile writes this one
                last_commit = time.monotonic()
                ahead: deque[tuple[int | None, Any]] = deque()

                def drain() -> None:
                    nonlocal n, last_commit
                    cursor, task = ahead.popleft()
                    chunk = task.result() if pool else task
                    for f in chunk:
                        f["gen"] = gen
                        writer.delete_documents_by_term("key", f["key"])
                        writer.add_document(tantivy.Document.from_dict(f, self.schema))
                    n += len(chunk)
                    if cursor is not None and time.monotonic() - last_commit >= commit_every:
                        writer.commit()
                        last_commit = time.monotonic()
                        if checkpoint:
                            checkpoint(cursor)

                for cursor, batch in batches:
                    for i in range(0, len(batch), CHUNK):
                        part = batch[i : i + CHUNK]
                        at_end = i + CHUNK >= len(batch)
                        ahead.append(
                            (
                                cursor if at_end else None,
                                pool.submit(fields_of_chunk, part)
                                if pool
                                else fields_of_chunk(part),
                            )
                        )
                        while len(ahead) > (2 * workers + 2 if pool else 0):
                            drain()
                while ahead:
                    drain()
                stale = tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Must, tantivy.Query.all_query()),
                        (tantivy.Occur.MustNot, self._term("gen", gen)),
                    ]
                )
                writer.delete_documents_by_query(stale)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                if pool:
                    pool.shutdown(cancel_futures=True)
                writer.wait_merging_threads()
                self.index.reload()  # also after a failure: what was committed is searchable
        return n

    def generation(self) -> int:
        """The generation new documents get (the last rebuild's, started or finished)."""
        try:
            return int((self.path / GENERATION_FILE).read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def _set_generation(self, gen: int) -> None:
        tmp = self.path / f"{GENERATION_FILE}.tmp"
        tmp.write_text(str(gen))
        tmp.replace(self.path / GENERATION_FILE)

    def keys(self) -> set[str]:
        searcher = self.index.searcher()
        found = searcher.search(tantivy.Query.all_query(), limit=max(searcher.num_docs, 1))
        return {searcher.doc(addr)["key"][0] for _, addr in found.hits}

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    # --- reading ---------------------------------------------------------------------------
    def _term(self, field: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _any_field(self, token: str) -> tantivy.Query:
        return self._term("text", token)

    def _word(self, word: Word) -> tantivy.Query:
        whole = self._any_field(word.text)
        if not word.parts:
            return whole
        # the index holds 资金管理 only as 资金 + 管理 where the document's cut differed
        parts = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, self._any_field(p)) for p in word.parts]
        )
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, whole), (tantivy.Occur.Should, parts)]
        )

    def _phrase(self, placed: Sequence[tuple[int, str]]) -> tantivy.Query:
        """A quoted phrase: its neighbouring-word pairs (exact for two words), scored by its
        words; positions are checked for three or more words, only where all pairs are."""
        Must = tantivy.Occur.Must
        words = [w for _, w in placed]
        clauses = [
            (Must, tantivy.Query.const_score_query(self._term("pairs", p), 0.0))
            for p in segment.phrase_pairs(words)
        ]
        clauses += [(Must, self._any_field(w)) for w in dict.fromkeys(words)]
        if len(words) > 2:
            positions = tantivy.Query.phrase_query(self.schema, "text", list(placed))
            clauses.append((Must, tantivy.Query.const_score_query(positions, 0.0)))
        return tantivy.Query.boolean_query(clauses)

    def build_query(
        self, q: ParsedQuery, filters: Filters, any_word: bool = False, exclude: Sequence[str] = ()
    ) -> tuple[tantivy.Query, bool]:
        """The tantivy query and whether it has text to rank by."""
        Must, Should, MustNot = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
        text: list[tuple[tantivy.Occur, tantivy.Query]] = []
        occur = Should if any_word else Must
        text += [(occur, self._word(w)) for w in q.words]
        text += [(occur, self._phrase(p)) for p in q.phrases]
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if text:
            clauses.append((Must, tantivy.Query.boolean_query(text, 1 if any_word else None)))
        clauses += [(MustNot, self._any_field(x)) for x in q.excluded]
        clauses += [(MustNot, self._term("key", k)) for k in exclude]
        for name in ("org", "category", "topic", "validity"):
            if value := getattr(filters, name):
                clauses.append((Must, self._term(name, value)))
        if filters.tag:
            clauses.append((Must, self._term("tags", filters.tag)))
        if filters.year:
            clauses.append((Must, self._term("year", int(filters.year))))
        if not any(o == Must for o, _ in clauses):
            clauses.append((Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses), bool(text)

    def search(
        self,
        query: ParsedQuery,
        filters: Filters,
        *,
        offset: int,
        limit: int,
        any_word: bool = False,
        exclude: Sequence[str] = (),
        facets: bool = True,
    ) -> Page:
        tq, ranked = self.build_query(query, filters, any_word, exclude)
        searcher = self.index.searcher()
        if ranked:
            # a few more than asked: equal scores across segments are put newest first here
            found = searcher.search(tq, limit=offset + limit + TIE_SLACK, count=True)
            hits = found.hits
            days = searcher.fast_field_values("published", [a for _, a in hits])
            order = sorted(range(len(hits)), key=lambda i: (-hits[i][0], -(days[i] or 0)))
            hits = [hits[i] for i in order[offset : offset + limit]]
        else:
            found = searcher.search(
                tq, limit=limit, offset=offset, count=True, order_by_field="published"
            )
            hits = found.hits
        page = Page(count=getattr(found, "count", None) or 0)  # the stub lacks `count`
        for score, addr in hits:
            page.hits.append((searcher.doc(addr)["key"][0], float(score) if ranked else 0.0))
        if facets and page.count:
            page.facets = self._facets(searcher, tq, page.count)
            page.facets_estimated = page.count > EXACT_FACETS_UP_TO
        return page

    def _facets(
        self, searcher: Any, tq: tantivy.Query, count: int
    ) -> dict[str, list[tuple[str, str, int]]]:
        scale = 1.0
        if count > EXACT_FACETS_UP_TO:
            # count about EXACT_FACETS_UP_TO of the matches: those in the first `share` buckets
            share = max(1, -(-SAMPLES * EXACT_FACETS_UP_TO // count))
            sample = tantivy.Query.term_set_query(self.schema, "bucket", list(range(share)))
            tq = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tq), (tantivy.Occur.Must, sample)]
            )
            scale = SAMPLES / share
        spec = {
            name: {
                "terms": {"field": "year" if name == "year" else f"f_{name}", "size": FACET_SIZE}
            }
            for name in FACETS
        }
        raw = searcher.aggregate(tq, spec)
        out: dict[str, list[tuple[str, str, int]]] = {}
        for name in FACETS:
            values = []
            for b in raw.get(name, {}).get("buckets", []):
                key = b["key"]
                if name == "year":
                    year = str(int(key))
                    values.append((year, f"{year}年", round(b["doc_count"] * scale)))
                else:
                    code, _, label = str(key).partition(_SEP)
                    values.append((code, label or code, round(b["doc_count"] * scale)))
            out[name] = values
        return out
