"""What a search backend implements. An Elasticsearch/OpenSearch backend would be one more
module with these five methods (see ARCHITECTURE.md, "Search backends")."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..interface import Filters, SearchEntry
from ..query import ParsedQuery

FACETS = ("org", "year", "category", "topic", "validity")
FACET_SIZE = 30


class IndexBusy(Exception):
    """Another process holds the index writer; the pending updates stay queued."""


@dataclass
class Page:
    hits: list[tuple[str, float]] = field(default_factory=list)  # (key, score), best first
    count: int = 0
    # facet -> [(value, label, count)], most frequent first
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    facets_estimated: bool = False  # counted on a sample of a very large result, then scaled


class Backend(Protocol):
    # True when `upsert`/`delete` must run after the database commit (an index outside the
    # database); False when they belong in the same transaction (the database is the index).
    deferred: bool

    def upsert(self, entries: Sequence[SearchEntry]) -> None: ...

    def delete(self, keys: Sequence[str]) -> None: ...

    # batches of (cursor, entries); `checkpoint(cursor)` once a batch is durably in the index;
    # resume=True continues an interrupted rebuild (see TantivyBackend.rebuild)
    def rebuild(
        self,
        batches: Iterable[tuple[int, Sequence[SearchEntry]]],
        *,
        resume: bool = False,
        checkpoint: Callable[[int], None] | None = None,
    ) -> int: ...

    def keys(self) -> set[str]: ...

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
    ) -> Page: ...
