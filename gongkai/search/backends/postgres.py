"""The PostgreSQL backend: the `tsv` column of `search_entry` (migration 0002) is the index.

- `tsv` is written as a tsvector *literal* built here from `segment.index_tokens`, with
  positions and weights (title A, 文号/索引号 B, body D); PostgreSQL's own parser never sees
  Chinese, so no text-search configuration or extension is needed.
- Queries are tsquery literals built the same way: words ANDed (a word also matches as all its
  parts), quoted phrases with exact distances (`<N>`), exclusions with `!`.
- Ranking: `ts_rank` with weights title 1.0, 文号 0.6, body 0.3, then newer first.
- Being in the same database, updates happen in the publishing transaction (`deferred = False`):
  no outbox, no drift, several application servers share it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from django.db import connection

from gongkai.lib import segment

from ..interface import Filters, SearchEntry
from ..query import ParsedQuery, Word
from .base import FACET_SIZE, FACETS, Page

MAX_POS = 16383  # PostgreSQL's largest tsvector position
MAX_LEXEME_BYTES = 2046
RANK_WEIGHTS = "{0.3, 0.2, 0.6, 1.0}"  # D (body), C, B (文号), A (title)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title: str, numbers: str, body: str) -> str:
    return tsvector_from_tokens(
        segment.index_tokens(title), segment.index_tokens(numbers), segment.index_tokens(body)
    )


def tsvector_from_tokens(title: Sequence[str], numbers: Sequence[str], body: Sequence[str]) -> str:
    """The tsvector literal of already segmented fields (`segment.index_tokens`)."""
    positions: dict[str, list[str]] = defaultdict(list)
    pos = 1
    for tokens, weight in ((title, "A"), (numbers, "B"), (body, "")):
        for token in tokens:
            if len(token.encode()) <= MAX_LEXEME_BYTES and len(positions[token]) < 256:
                positions[token].append(f"{min(pos, MAX_POS)}{weight}")
            pos += 1
        pos += 1  # phrases never run from one field into the next
    return " ".join(f"{_quote(lex)}:{','.join(p)}" for lex, p in positions.items())


def _word(word: Word) -> str:
    if not word.parts:
        return _quote(word.text)
    return f"({_quote(word.text)} | ({' & '.join(_quote(p) for p in word.parts)}))"


def _phrase(placed: Sequence[tuple[int, str]]) -> str:
    out = _quote(placed[0][1])
    for (prev, _), (pos, word) in pairwise(placed):
        out = f"({out} <{pos - prev}> {_quote(word)})"
    return out


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
        rows = [
            (tsvector_literal(e.title, f"{e.doc_number} {e.index_no}", e.body), e.key)
            for e in entries
        ]
        with connection.cursor() as cur:
            cur.executemany("UPDATE search_entry SET tsv = %s::tsvector WHERE key = %s", rows)

    def upsert(self, entries: Sequence[SearchEntry]) -> None:
        self._write(entries)

    def delete(self, keys: Sequence[str]) -> None:
        """Nothing to do: the entry row, and with it its tsvector, is already gone."""

    def rebuild(self, batches: Iterable[Sequence[SearchEntry]]) -> int:
        n = 0
        for batch in batches:
            self._write(batch)
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
        """Hits, count and facets in ONE statement over one scan of the matches: testing a
        tsvector reads it from TOAST, the dominant cost, so a query per facet cost 7× (measured
        with bench/search.py)."""
        where, params, ranked = self._where(query, filters, any_word, exclude)
        score = "ts_rank(%s, tsv, %s::tsquery)" if ranked else "0.0"
        score_params = [RANK_WEIGHTS, params[0]] if ranked else []
        parts = [
            "(SELECT 'hit', key, '', score FROM hit "
            "ORDER BY score DESC, published_on DESC NULLS LAST, id DESC LIMIT %s OFFSET %s)",
            "SELECT 'count', '', '', count(*) FROM hit",
        ]
        part_params: list[Any] = [limit, offset]
        if facets:
            for name in FACETS:
                value, label = _FACET_COLUMNS[name]
                parts.append(
                    f"(SELECT '{name}', {value} AS v, {label}, count(*) FROM hit "  # noqa: S608
                    f"GROUP BY v HAVING {value} IS NOT NULL AND {value} <> '' "
                    f"ORDER BY count(*) DESC, v LIMIT {FACET_SIZE})"
                )
        sql = (
            # `where` and the columns are fixed fragments of this module; values are parameters
            f"WITH hit AS MATERIALIZED (SELECT id, key, published_on, org_code, org_name, "  # noqa: S608
            f"category_code, category_name, topic_codes, topic_name, validity, validity_label, "
            f"{score}::float8 AS score FROM search_entry WHERE {where}) "
            + " UNION ALL ".join(parts)
        )
        page = Page()
        out: dict[str, list[tuple[str, str, int]]] = {name: [] for name in FACETS}
        with connection.cursor() as cur:
            cur.execute(sql, [*score_params, *params, *part_params])
            for kind, value, label, n in cur.fetchall():
                if kind == "hit":
                    page.hits.append((value, float(n)))
                elif kind == "count":
                    page.count = int(n)
                else:
                    shown = f"{value}年" if kind == "year" else (label or value)
                    out[kind].append((value, shown, int(n)))
        if facets and page.count:
            page.facets = out
        return page


_FACET_COLUMNS = {
    "org": ("org_code", "max(org_name)"),
    "year": ("extract(year FROM published_on)::int::text", "''"),
    "category": ("category_code", "max(category_name)"),
    "topic": ("split_part(topic_codes, ' ', 1)", "max(topic_name)"),
    "validity": ("validity", "max(validity_label)"),
}
