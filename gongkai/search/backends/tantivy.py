"""The embedded default backend: a tantivy index in a directory beside the database.

- Text fields hold `segment.index_text` (the index tokens, space-separated) under a whitespace
  analyzer, so the index and the query use the very same segmentation (and phrase positions
  line up).
- Field weights: title × 3 above 文号 × 2 above body × 1 (BM25 per field); recency multiplies the
  score by at most ~1 %, which breaks ties in favour of the newer item.
- One writer per index across all processes (tantivy's lock file): `upsert`/`delete` raise
  `IndexBusy` when another process holds it, and the caller retries later. Readers reload when
  a commit lands (`OnCommit`), also commits by other processes.
- Only the key and the fields to filter, facet and rank on are kept; what a hit shows is read
  from the database, never from the index.

No Django in this module: `bench/search.py` drives it directly.
"""

import datetime as dt
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import tantivy

from gongkai.lib import segment

from ..interface import Filters, SearchEntry
from ..query import ParsedQuery, Word
from .base import FACET_SIZE, FACETS, IndexBusy, Page

SCHEMA_VERSION = 1
WEIGHTS = (("title", 3.0), ("numbers", 2.0), ("body", 1.0))
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
    for name, _ in WEIGHTS:
        sb.add_text_field(name, tokenizer_name="ws", index_option="position")
    sb.add_text_field("ids", tokenizer_name="raw", index_option="basic")
    for name in ("org", "category", "topic", "validity"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
        sb.add_text_field(f"f_{name}", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("published", fast=True)
    sb.add_float_field("recency", fast=True)
    return sb.build()


def _facet_value(code: str, label: str) -> str:
    return f"{code}{_SEP}{label}"


def fields_of(e: SearchEntry) -> dict[str, Any]:
    """The index fields of an entry (segmentation happens here; picklable for worker processes)."""
    numbers = segment.index_text(f"{e.doc_number} {e.index_no}")
    days = (e.published_on - _EPOCH).days if e.published_on else 0
    doc: dict[str, Any] = {
        "key": e.key,
        "title": segment.index_text(e.title),
        "numbers": numbers,
        "body": segment.index_text(e.body),
        "ids": [v for v in (e.doc_number, e.index_no) if v],
        "org": e.org_code,
        "f_org": _facet_value(e.org_code, e.org_name),
        "category": e.category_code,
        "f_category": _facet_value(e.category_code, e.category_name),
        "topic": list(e.topic_codes),
        "validity": e.validity,
        "published": days,
        "recency": max(days, 0) / 5_000_000,  # ×log2(2+r): ≤ 0.8 % for 2100
    }
    if e.topic_codes:
        doc["f_topic"] = _facet_value(e.topic_codes[0], e.topic_name)
    if e.validity:
        doc["f_validity"] = _facet_value(e.validity, e.validity_label)
    if e.published_on:
        doc["year"] = e.published_on.year
    return {k: v for k, v in doc.items() if v not in ("", [])}


class TantivyBackend:
    deferred = True

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        self.index.register_tokenizer("ws", analyzer)
        self.index.config_reader("OnCommit")
        self._write_lock = threading.Lock()

    # --- writing ---------------------------------------------------------------------------
    def _document(self, e: SearchEntry) -> tantivy.Document:
        return tantivy.Document.from_dict(fields_of(e), self.schema)

    def _writer(self, heap: int = 50_000_000, threads: int = 1) -> Any:
        try:
            return self.index.writer(heap_size=heap, num_threads=threads)
        except ValueError as e:
            raise IndexBusy(str(e)) from e

    def write(self, upserts: Sequence[SearchEntry], deletes: Sequence[str]) -> None:
        """Apply changes in one commit: deletions and replacements by key."""
        docs = [self._document(e) for e in upserts]  # segment before taking the lock
        with self._write_lock:
            writer = self._writer()
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
        batches: Iterable[Sequence[SearchEntry]],
        heap: int = 400_000_000,
        workers: int | None = None,
    ) -> int:
        """Replace the whole index by `batches`, committed as one; returns the count. Segmenting
        (nine tenths of the work) runs in `workers` processes (default: one per CPU), the writer
        in this one; one big writer heap and a single commit keep tantivy's part small."""
        workers = workers or os.cpu_count() or 1
        pool = ProcessPoolExecutor(workers, mp_context=get_context("fork")) if workers > 1 else None
        try:
            fields = (
                f
                for batch in batches
                for f in (
                    pool.map(fields_of, batch, chunksize=64) if pool else map(fields_of, batch)
                )
            )
            return self.rebuild_from_fields(fields, heap=heap)
        finally:
            if pool:
                pool.shutdown()

    def rebuild_from_fields(self, fields: Iterable[dict[str, Any]], heap: int = 400_000_000) -> int:
        """`rebuild` from already segmented entries (`fields_of`), e.g. shared by a benchmark."""
        n = 0
        with self._write_lock:
            writer = self._writer(heap=heap, threads=0)
            try:
                writer.delete_all_documents()
                for f in fields:
                    writer.add_document(tantivy.Document.from_dict(f, self.schema))
                    n += 1
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
        self.index.reload()
        return n

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
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.boost_query(self._term(f, token), w))
                for f, w in WEIGHTS
            ]
        )

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
        words: list[str | tuple[int, str]] = list(placed)
        return tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Should,
                    tantivy.Query.boost_query(
                        tantivy.Query.phrase_query(self.schema, f, words),
                        w,
                    ),
                )
                for f, w in WEIGHTS
            ]
        )

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
            found = searcher.search(
                tq, limit=limit, offset=offset, count=True, weight_by_field="recency"
            )
        else:
            found = searcher.search(
                tq, limit=limit, offset=offset, count=True, order_by_field="published"
            )
        page = Page(count=getattr(found, "count", None) or 0)  # the stub lacks `count`
        for score, addr in found.hits:
            page.hits.append((searcher.doc(addr)["key"][0], float(score) if ranked else 0.0))
        if facets and page.count:
            page.facets = self._facets(searcher, tq)
        return page

    def _facets(self, searcher: Any, tq: tantivy.Query) -> dict[str, list[tuple[str, str, int]]]:
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
                    values.append((year, f"{year}年", int(b["doc_count"])))
                else:
                    code, _, label = str(key).partition(_SEP)
                    values.append((code, label or code, int(b["doc_count"])))
            out[name] = values
        return out
