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
    positions: dict[str, list[str]] = defaultdict(list)
    pos = 1
    for text, weight in ((title, "A"), (numbers, "B"), (body, "")):
        for token in segment.index_tokens(text):
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
        where, params, ranked = self._where(query, filters, any_word, exclude)
        page = Page()
        with connection.cursor() as cur:
            if ranked:
                cur.execute(
                    # `where` is built from fixed fragments here; every value is a parameter
                    f"SELECT key, ts_rank(%s, tsv, %s::tsquery) AS score FROM search_entry "  # noqa: S608
                    f"WHERE {where} ORDER BY score DESC, published_on DESC NULLS LAST, id DESC "
                    f"LIMIT %s OFFSET %s",
                    [RANK_WEIGHTS, params[0], *params, limit, offset],
                )
            else:
                cur.execute(
                    f"SELECT key, 0.0 FROM search_entry WHERE {where} "  # noqa: S608
                    f"ORDER BY published_on DESC NULLS LAST, id DESC LIMIT %s OFFSET %s",
                    [*params, limit, offset],
                )
            page.hits = [(k, float(s)) for k, s in cur.fetchall()]
            cur.execute(f"SELECT count(*) FROM search_entry WHERE {where}", params)  # noqa: S608
            page.count = cur.fetchone()[0]
            if facets and page.count:
                page.facets = self._facets(cur, where, params)
        return page

    def _facets(
        self, cur: Any, where: str, params: list[Any]
    ) -> dict[str, list[tuple[str, str, int]]]:
        columns = {
            "org": ("org_code", "max(org_name)"),
            "year": ("extract(year FROM published_on)::int::text", "''"),
            "category": ("category_code", "max(category_name)"),
            "topic": ("split_part(topic_codes, ' ', 1)", "max(topic_name)"),
            "validity": ("validity", "max(validity_label)"),
        }
        out: dict[str, list[tuple[str, str, int]]] = {}
        for name in FACETS:
            value, label = columns[name]
            cur.execute(
                f"SELECT {value} AS v, {label}, count(*) FROM search_entry WHERE {where} "  # noqa: S608
                f"GROUP BY v HAVING {value} IS NOT NULL AND {value} <> '' "
                f"ORDER BY count(*) DESC, v LIMIT {FACET_SIZE}",
                params,
            )
            out[name] = [
                (v, f"{v}年" if name == "year" else (lab or v), n) for v, lab, n in cur.fetchall()
            ]
        return out
