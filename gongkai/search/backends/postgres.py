"""The PostgreSQL backend: the `tsv` column of `search_entry` (migration 0002) is the index.

- `tsv` is written as a tsvector *literal* built here from `segment.index_tokens`, with
  positions and weights (title A, 文号/索引号 B, body D); PostgreSQL's own parser never sees
  Chinese, so no text-search configuration or extension is needed.
- Queries are tsquery literals built the same way: words ANDed (a word also matches as all its
  parts), exclusions with `!`. A quoted phrase needs its neighbouring-word pairs
  (`segment.index_pairs`, stored as lexemes without positions), which GIN answers without
  reading a tsvector; phrases of three or more words also keep their exact distances (`<N>`),
  checked only in the rows that hold every pair.
- Ranking: `ts_rank` with weights title 1.0, 文号 0.6, body 0.3, then newer first — computed
  for a bounded candidate set only (RANK_CANDIDATES). `ts_rank` must read each row's whole
  tsvector from TOAST, which for a common two-word query over most of the table was nearly all
  of the time (measured, bench/search.py). The candidates are the matches whose small inline
  `tsv_head` (title and 文号/索引号 only, migration 0004) holds all the words, then any of
  them, then the newest; body-only matches enter by recency. The count still covers every
  match: matching is done by the GIN index (a bitmap scan, which never reads the tsvectors;
  the planner is kept from the sequential scan it prefers for common words).
- Facet counts are exact up to EXACT_FACETS_UP_TO matches; above, they are counted on the
  matches in a share of SAMPLES buckets of the entry id (about EXACT_FACETS_UP_TO rows) and
  scaled, and marked estimated — as the tantivy backend does, so five groupings never run over
  a million rows.
- Being in the same database, updates happen in the publishing transaction (`deferred = False`):
  no outbox, no drift, several application servers share it.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import Any

from django.db import connection, transaction

from gongkai.lib import segment

from ..interface import Filters, SearchEntry
from ..query import ParsedQuery, Word
from .base import FACET_SIZE, FACETS, Page

MAX_POS = 16383  # PostgreSQL's largest tsvector position
MAX_LEXEME_BYTES = 2046
RANK_WEIGHTS = "{0.3, 0.2, 0.6, 1.0}"  # D (body), C, B (文号), A (title)
RANK_CANDIDATES = 200  # matches ranked by ts_rank (at least the page asked for)
SAMPLES = 64  # buckets of the entry id, for estimated facet counts
EXACT_FACETS_UP_TO = 20_000  # matches; above, facets are counted on a sample of them (as tantivy)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_from_tokens(
    title: Sequence[str], numbers: Sequence[str], body: Sequence[str], pairs: Iterable[str] = ()
) -> str:
    """The tsvector literal of already segmented fields (`segment.index_tokens`) and their
    neighbouring-word pairs (`segment.index_pairs`, lexemes without positions)."""
    positions: dict[str, list[str]] = defaultdict(list)
    pos = 1
    for tokens, weight in ((title, "A"), (numbers, "B"), (body, "")):
        for token in tokens:
            if len(token.encode()) <= MAX_LEXEME_BYTES and len(positions[token]) < 256:
                positions[token].append(f"{min(pos, MAX_POS)}{weight}")
            pos += 1
        pos += 1  # phrases never run from one field into the next
    words = " ".join(f"{_quote(lex)}:{','.join(p)}" for lex, p in positions.items())
    unique = {p for p in pairs if len(p.encode()) <= MAX_LEXEME_BYTES}
    return f"{words} {' '.join(map(_quote, unique))}" if unique else words


def tsvectors_of(e: SearchEntry) -> tuple[str, str]:
    """The full tsvector literal of an entry and the small one of its title and 文号/索引号."""
    title, numbers, body = (
        segment.index_text_and_pairs(t) for t in (e.title, f"{e.doc_number} {e.index_no}", e.body)
    )
    head_pairs = [*title[1].split(), *numbers[1].split()]
    return (
        tsvector_from_tokens(
            title[0].split(), numbers[0].split(), body[0].split(), [*head_pairs, *body[1].split()]
        ),
        tsvector_from_tokens(title[0].split(), numbers[0].split(), (), head_pairs),
    )


def _word(word: Word) -> str:
    if not word.parts:
        return _quote(word.text)
    return f"({_quote(word.text)} | ({' & '.join(_quote(p) for p in word.parts)}))"


def _phrase(placed: Sequence[tuple[int, str]]) -> str:
    words = [w for _, w in placed]
    # the pairs find the rows (GIN), the words rank them
    needed = [_quote(x) for x in (*segment.phrase_pairs(words), *dict.fromkeys(words))]
    if len(placed) > 2:
        exact = _quote(placed[0][1])
        for (prev, _), (pos, word) in pairwise(placed):
            exact = f"({exact} <{pos - prev}> {_quote(word)})"
        needed.append(exact)
    return f"({' & '.join(needed)})"


def tsquery_literal(q: ParsedQuery, any_word: bool = False) -> str:
    parts = [_word(w) for w in q.words] + [_phrase(p) for p in q.phrases]
    if not parts:
        return ""
    text = f"({(' | ' if any_word else ' & ').join(parts)})"
    for x in q.excluded:
        text += f" & !{_quote(x)}"
    return text


class PostgresBackend:
    deferred = False

    def _write(self, entries: Sequence[SearchEntry]) -> None:
        rows = [(*tsvectors_of(e), e.key) for e in entries]
        with connection.cursor() as cur:
            cur.executemany(
                "UPDATE search_entry SET tsv = %s::tsvector, tsv_head = %s::tsvector "
                "WHERE key = %s",
                rows,
            )

    def upsert(self, entries: Sequence[SearchEntry]) -> None:
        self._write(entries)

    def delete(self, keys: Sequence[str]) -> None:
        """Nothing to do: the entry row, and with it its tsvector, is already gone."""

    def rebuild(
        self,
        batches: Iterable[tuple[int, Sequence[SearchEntry]]],
        *,
        resume: bool = False,
        checkpoint: Callable[[int], None] | None = None,
    ) -> int:
        """Write the tsvector of every entry given, each batch in one transaction with its
        checkpoint (an entry's row already is its index: nothing else to drop or resume)."""
        n = 0
        for cursor, batch in batches:
            with transaction.atomic():
                self._write(batch)
                if checkpoint:
                    checkpoint(cursor)
            n += len(batch)
        return n

    def keys(self) -> set[str]:
        with connection.cursor() as cur:
            cur.execute("SELECT key FROM search_entry WHERE tsv <> ''::tsvector")
            return {k for (k,) in cur.fetchall()}

    def _where(
        self, q: ParsedQuery, filters: Filters, any_word: bool, exclude: Sequence[str]
    ) -> tuple[str, list[Any], bool]:
        where: list[str] = ["1=1"]
        params: list[Any] = []
        tsq = tsquery_literal(q, any_word)
        if tsq:
            where.append("tsv @@ %s::tsquery")
            params.append(tsq)
        elif q.excluded:
            where.append("NOT tsv @@ %s::tsquery")
            params.append(" | ".join(_quote(x) for x in q.excluded))
        for name, column in (
            ("org", "org_code"),
            ("category", "category_code"),
            ("validity", "validity"),
        ):
            if value := getattr(filters, name):
                where.append(f"{column} = %s")
                params.append(value)
        if filters.topic:
            where.append("(' ' || topic_codes || ' ') LIKE %s")
            params.append(f"% {filters.topic} %")
        if filters.tag:
            where.append("(' ' || tags || ' ') LIKE %s")
            params.append(f"% {filters.tag} %")
        if filters.year:
            where.append(
                "published_on >= make_date(%s, 1, 1) AND published_on < make_date(%s, 1, 1)"
            )
            params += [int(filters.year), int(filters.year) + 1]
        if exclude:
            where.append("NOT (key = ANY(%s))")
            params.append(list(exclude))
        return " AND ".join(where), params, bool(tsq)

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
        """Hits, count and facets in ONE statement over one scan of the matches (a query per
        facet cost 7×, measured with bench/search.py); `ts_rank`, which reads the whole
        tsvector from TOAST, only for the RANK_CANDIDATES best matches by `tsv_head`."""
        where, params, ranked = self._where(query, filters, any_word, exclude)
        if ranked:
            # 2: the title/文号 hold every word, 1: some of them, 0: the body alone
            head = "(tsv_head @@ %s::tsquery)::int * 2 + (tsv_head @@ %s::tsquery)::int"
            head_params = [params[0], tsquery_literal(query, any_word=True)]
            hits = (
                "(SELECT 'hit', c.key, '', ts_rank(%s, e.tsv, %s::tsquery)::float8 AS score "
                "FROM (SELECT id, key, published_on FROM hit "
                "ORDER BY head DESC, published_on DESC NULLS LAST, id DESC LIMIT %s) c "
                "JOIN search_entry e ON e.id = c.id "
                "ORDER BY score DESC, c.published_on DESC NULLS LAST, c.id DESC LIMIT %s OFFSET %s)"
            )
            hit_params = [RANK_WEIGHTS, params[0], max(RANK_CANDIDATES, offset + limit)]
        else:
            head, head_params = "0", []
            hits = (
                "(SELECT 'hit', key, '', 0.0::float8 FROM hit "
                "ORDER BY published_on DESC NULLS LAST, id DESC LIMIT %s OFFSET %s)"
            )
            hit_params = []
        parts = [hits, "SELECT 'count', '', '', n FROM total"]
        part_params: list[Any] = [*hit_params, limit, offset]
        if facets:
            for name in FACETS:
                value, label = _FACET_COLUMNS[name]
                parts.append(
                    f"(SELECT '{name}', {value} AS v, {label}, count(*) FROM sample "  # noqa: S608
                    f"GROUP BY v HAVING {value} IS NOT NULL AND {value} <> '' "
                    f"ORDER BY count(*) DESC, v LIMIT {FACET_SIZE})"
                )
        sql = (
            # `where` and the columns are fixed fragments of this module; values are parameters
            f"WITH hit AS MATERIALIZED (SELECT id, key, published_on, org_code, org_name, "  # noqa: S608
            f"category_code, category_name, topic_codes, topic_name, validity, validity_label, "
            f"{head} AS head FROM search_entry WHERE {where}), "
            "total AS (SELECT count(*) AS n FROM hit), "
            # above EXACT_FACETS_UP_TO matches the facets are counted on the matches in the first
            # `share` of SAMPLES buckets of their id (about EXACT_FACETS_UP_TO rows) and scaled
            f"sample AS (SELECT hit.* FROM hit, total WHERE n <= {EXACT_FACETS_UP_TO} OR "
            f"id %% {SAMPLES} < {_share_sql('n')}) " + " UNION ALL ".join(parts)
        )
        page = Page()
        out: dict[str, list[tuple[str, str, int]]] = {name: [] for name in FACETS}
        with transaction.atomic(), connection.cursor() as cur:
            if ranked:
                # the planner prefers a sequential scan once most rows match, and then tests
                # every row's tsvector read from TOAST (measured: 30× the buffers); the GIN
                # index answers the match exactly without reading a single tsvector
                cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute(sql, [*head_params, *params, *part_params])
            for kind, value, label, n in cur.fetchall():
                if kind == "hit":
                    page.hits.append((value, float(n)))
                elif kind == "count":
                    page.count = int(n)
                else:
                    shown = f"{value}年" if kind == "year" else (label or value)
                    out[kind].append((value, shown, int(n)))
        if facets and page.count:
            if page.count > EXACT_FACETS_UP_TO:
                scale = SAMPLES / share_of(page.count)
                out = {k: [(v, s, round(n * scale)) for v, s, n in vs] for k, vs in out.items()}
                page.facets_estimated = True
            page.facets = out
        return page


def share_of(count: int) -> int:
    """The buckets (of SAMPLES) whose matches are counted for the facets of `count` matches."""
    return max(1, -(-SAMPLES * EXACT_FACETS_UP_TO // count))


def _share_sql(count: str) -> str:
    return f"greatest(1, ({SAMPLES}::bigint * {EXACT_FACETS_UP_TO} + {count} - 1) / {count})"


_FACET_COLUMNS = {
    "org": ("org_code", "max(org_name)"),
    "year": ("extract(year FROM published_on)::int::text", "''"),
    "category": ("category_code", "max(category_name)"),
    "topic": ("split_part(topic_codes, ' ', 1)", "max(topic_name)"),
    "validity": ("validity", "max(validity_label)"),
}
