# ruff: noqa: S608 — SQL is composed from schema-checked, quoted identifiers; values are bound
"""Queries on an ingested table (Parquet + terms index) with DuckDB. No Django in here.

Rules:
- Only names found in the table's schema become SQL identifiers (quoted); every value is a
  bound parameter cast to its column's type. Nothing from a request is pasted into SQL.
- `run_sql` (datastore_search_sql) accepts exactly one SELECT, whose tables are only the
  resources it was given (and its own CTEs); no table functions, no settings or file
  functions. It runs on a fresh connection whose file access is limited to those Parquet files
  and then locked, with a time limit and a row limit.
- Full-text `q`: every query term must match. A term found in the index uses its postings; an
  unknown term falls back to its single characters' postings checked by substring, or for
  non-CJK text a scan; results are exact either way.
- Fast paths (same results as the general query, which the tests compare): without filters,
  a `q` whose terms are all in the index takes its total and its page of row numbers from the
  postings alone; a sort on one column reads the page's row numbers from that column's
  pre-sorted index (`tabular.build_sort_indexes`) by position. Only the page's rows are then
  read from the table, by row number. Everything else is one DuckDB query on the Parquet file.
"""

import contextlib
import csv
import datetime as dt
import decimal
import io
import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from .tabular import _CJK, ident, query_terms, sql_str

ROWS_MAX = 32000  # CKAN's ckan.datastore.search.rows_max default
SORT_WINDOW_MIN = 8192
SQL_TIMEOUT_S = 5.0


class QueryError(Exception):
    """A request the table cannot answer; `field` names the parameter at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Table:
    name: str  # the resource id: the table name in datastore_search_sql
    data: Path
    terms: Path | None
    schema: tuple[tuple[str, str, str], ...]  # (id, ckan type, duckdb type)
    row_count: int
    sorts: tuple[tuple[str, Path], ...] = ()  # (column, its pre-sorted index file)

    def sort_index(self, name: str) -> Path | None:
        return next((p for c, p in self.sorts if c == name), None)

    @property
    def columns(self) -> list[str]:
        return [c[0] for c in self.schema]

    def column(self, name: str, param: str) -> tuple[str, str, str]:
        for c in self.schema:
            if c[0] == name:
                return c
        raise QueryError(param, f"字段“{name}”不存在")


@dataclass
class Result:
    columns: list[tuple[str, str]]  # (id, ckan type)
    rows: list[tuple[Any, ...]]
    total: int | None


# --- connections ------------------------------------------------------------------------------
_local = threading.local()


def connection(base_dir: Path) -> duckdb.DuckDBPyConnection:
    """This thread's connection, able to read files under `base_dir` only."""
    key = str(base_dir.resolve())
    cons: dict[str, duckdb.DuckDBPyConnection] = _local.__dict__.setdefault("cons", {})
    con = cons.get(key)
    if con is None:
        con = duckdb.connect(
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        )
        con.execute(f"SET allowed_directories=[{sql_str(key + '/')}]")
        con.execute("SET enable_external_access=false")
        con.execute("SET parquet_metadata_cache=true")
        con.execute("SET threads=2")
        con.execute("SET lock_configuration=true")
        cons[key] = con
    return con


def _src(path: Path) -> str:
    return f"read_parquet({sql_str(str(path))})"


# --- datastore_search ---------------------------------------------------------------------------
def parse_fields(table: Table, fields: Any) -> list[str]:
    if fields in (None, "", []):
        return table.columns
    names = fields if isinstance(fields, list) else str(fields).split(",")
    out = []
    for n in names:
        name = str(n).strip()
        table.column(name, "fields")
        out.append(name)
    return out


_SORT_PART = re.compile(r'^\s*(?:"((?:[^"]|"")+)"|([^\s"]+))\s*(?:\s(asc|desc))?\s*$', re.I)


def parse_sort(table: Table, sort: Any) -> list[tuple[str, str]]:
    if not sort:
        return []
    parts = sort if isinstance(sort, list) else str(sort).split(",")
    out = []
    for part in parts:
        m = _SORT_PART.match(str(part))
        if not m:
            raise QueryError("sort", f"排序“{part}”格式有误，应为“字段 asc”或“字段 desc”")
        name = (m.group(1) or "").replace('""', '"') or m.group(2)
        table.column(name, "sort")
        out.append((name, (m.group(3) or "asc").upper()))
    return out


def _filters_sql(table: Table, filters: Any) -> tuple[list[str], list[Any]]:
    if not filters:
        return [], []
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError as e:
            raise QueryError("filters", 'filters 应为 JSON 对象，如 {"区县": "西湖区"}') from e
    if not isinstance(filters, dict):
        raise QueryError("filters", 'filters 应为 JSON 对象，如 {"区县": "西湖区"}')
    where: list[str] = []
    params: list[Any] = []
    for name, value in filters.items():
        _, _, native = table.column(str(name), "filters")
        values = value if isinstance(value, list) else [value]
        if not values or len(values) > 1000:
            raise QueryError("filters", f"字段“{name}”的筛选值应为 1–1000 个")
        if any(isinstance(v, dict | list) for v in values):
            raise QueryError("filters", f"字段“{name}”的筛选值应为文字或数字")
        cast = f"CAST(? AS {native})"
        where.append(f"{ident(str(name))} IN ({', '.join([cast] * len(values))})")
        params.extend(None if v is None else str(v) for v in values)
    return where, params


def _q_sql(table: Table, q: Any, con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[Any]]:
    if not q:
        return [], []
    if isinstance(q, str) and q.strip().startswith("{"):
        with contextlib.suppress(ValueError):  # not JSON: plain text that starts with {
            q = json.loads(q)
    text_cols = [c[0] for c in table.schema if c[1] == "text"]
    if isinstance(q, dict):
        # per-field search: a substring of that column
        where, params = [], []
        for name, text in q.items():
            table.column(str(name), "q")
            where.append(f"contains(lower(CAST({ident(str(name))} AS VARCHAR)), ?)")
            params.append(str(text).lower())
        return where, params
    terms = query_terms(str(q))
    if not terms:
        return [], []
    if not text_cols:
        return ["false"], []
    where, params = [], []
    haystack = "lower(concat_ws(chr(31), " + ", ".join(ident(c) for c in text_cols) + "))"
    for term in terms:
        posting = _posting(table, con, term)
        if posting is not None:
            where.append(f"_id IN ({posting[0]})")
            params.extend(posting[1])
            continue
        chars = list(dict.fromkeys(_CJK.findall(term)))
        if chars and table.terms is not None:
            sub = " INTERSECT ".join(
                f"SELECT _id FROM {_src(table.terms)} WHERE token = ?" for _ in chars
            )
            where.append(f"_id IN ({sub})")
            params.extend(chars)
        where.append(f"contains({haystack}, ?)")
        params.append(term)
    return where, params


def _posting(table: Table, con: duckdb.DuckDBPyConnection, term: str) -> tuple[str, list] | None:
    if table.terms is None:
        return None
    found = con.execute(
        f"SELECT 1 FROM {_src(table.terms)} WHERE token = ? LIMIT 1", [term]
    ).fetchone()
    if not found:
        return None
    return f"SELECT _id FROM {_src(table.terms)} WHERE token = ?", [term]


def _postings_only(table: Table, q: Any) -> tuple[str, list[Any]] | None:
    """(SQL of the _ids matching every term, its parameters) for a plain-text `q`, to be
    answered from the index alone; None when the general query must answer."""
    if table.terms is None or not isinstance(q, str) or q.strip().startswith("{"):
        return None
    terms = query_terms(q)
    if not terms or len(terms) > 8:
        return None
    sql = " INTERSECT ".join(f"SELECT _id FROM {_src(table.terms)} WHERE token = ?" for _ in terms)
    return sql, list(terms)


def _all_indexed(table: Table, con: duckdb.DuckDBPyConnection, terms: list[Any]) -> bool:
    """Every term has postings. An unknown term may still match by substring, which only the
    general query checks, so an empty answer from the index is trusted only after this."""
    if table.terms is None:
        return False
    terms_src = _src(table.terms)
    return all(
        con.execute(f"SELECT 1 FROM {terms_src} WHERE token = ? LIMIT 1", [t]).fetchone()
        for t in terms
    )


def _fetch(
    con: duckdb.DuckDBPyConnection, src: Path, key: str, cols: list[str], keys: list[int]
) -> list[tuple[Any, ...]]:
    """The rows whose `key` (_id in the table, a position in a sorted copy) is in `keys`, in
    that order. Both files are stored in `key` order, so the BETWEEN lets DuckDB skip every row
    group outside the page by its statistics."""
    if not keys:
        return []
    select = ", ".join(ident(c) for c in cols)
    rows = con.execute(
        f"SELECT {key}, {select} FROM {_src(src)} WHERE {key} BETWEEN ? AND ?"
        f" AND {key} IN (SELECT unnest(CAST(? AS BIGINT[])))",
        [min(keys), max(keys), keys],
    ).fetchall()
    by_key = {r[0]: r[1:] for r in rows}
    return [by_key[k] for k in keys if k in by_key]


def _fast(
    table: Table,
    con: duckdb.DuckDBPyConnection,
    *,
    cols: list[str],
    order: list[tuple[str, str]],
    q: Any,
    limit: int,
    offset: int,
    include_total: bool,
) -> Result | None:
    """The page from the indexes, or None when this query needs the general path."""
    if "_id" not in table.columns or len(order) > 1:
        return None
    copy = None  # the table pre-sorted by the sort column
    if order and order[0][0] != "_id":
        copy = table.sort_index(order[0][0])
        if copy is None:
            return None
    postings = _postings_only(table, q) if q else None
    if q and postings is None:
        return None
    desc = bool(order) and order[0][1] == "DESC"
    pos = "_pd" if desc else "_pos"
    n = table.row_count
    total: int | None = n
    if copy is not None:
        if postings is None:
            keys = list(range(offset, min(offset + limit, n)))
        else:
            total = con.execute(f"SELECT count(*) FROM ({postings[0]})", postings[1]).fetchone()[0]  # type: ignore[index]
            if not total and not _all_indexed(table, con, postings[1]):
                return None
            keys = _matching_positions(con, copy, pos, postings, n, limit, offset, total)
        rows = _fetch(con, copy, pos, cols, keys)
    else:
        if postings is not None:
            # the total and the page in one pass over the postings
            found = con.execute(
                f"SELECT count(*) OVER (), _id FROM ({postings[0]})"
                f" ORDER BY _id{' DESC' if desc else ''} LIMIT ? OFFSET ?",
                [*postings[1], max(limit, 1), offset],
            ).fetchall()
            if found:
                total, ids = found[0][0], [r[1] for r in found][:limit]
            else:
                if not _all_indexed(table, con, postings[1]):
                    return None
                total = con.execute(
                    f"SELECT count(*) FROM ({postings[0]})", postings[1]
                ).fetchone()[0]  # type: ignore[index]
                ids = []
        elif desc:  # by _id, the row number 1…n: the page is arithmetic
            ids = list(range(n - offset, max(n - offset - limit, 0), -1))
        elif order:
            ids = list(range(offset + 1, min(offset + limit, n) + 1))
        else:
            return None  # the plain range read of the general path is already direct
        rows = _fetch(con, table.data, "_id", cols, ids)
    columns = [(c, table.column(c, "fields")[1]) for c in cols]
    return Result(columns=columns, rows=rows, total=total if include_total else None)


def _matching_positions(
    con: duckdb.DuckDBPyConnection,
    copy: Path,
    pos: str,
    postings: tuple[str, list[Any]],
    n: int,
    limit: int,
    offset: int,
    total: int | None,
) -> list[int]:
    """Sort positions of the matching rows on the page. The matches are looked for in a window
    of the first `window` positions, grown until it holds the page: a common term fills the
    page within a few row groups instead of joining the whole table."""
    sql, params = postings
    need = offset + limit
    if need == 0 or total == 0:
        return []
    share = (total or n) / max(n, 1)  # the share of rows that match (an estimate without total)
    window = min(n, int(need / max(share, 1e-9) * 2) + SORT_WINDOW_MIN)
    while True:
        found = [
            r[0]
            for r in con.execute(
                f"SELECT {pos} FROM {_src(copy)} WHERE {pos} < ? AND _id IN ({sql})"
                f" ORDER BY {pos} LIMIT ?",
                [window, *params, need],
            ).fetchall()
        ]
        if len(found) >= need or window >= n:
            return found[offset:]
        window = min(n, window * 4)


def search(
    table: Table,
    base_dir: Path,
    *,
    filters: Any = None,
    q: Any = None,
    fields: Any = None,
    sort: Any = None,
    limit: int = 100,
    offset: int = 0,
    include_total: bool = True,
    distinct: bool = False,
    fast: bool = True,
) -> Result:
    """`fast=False` answers with the general query only (the tests compare the two)."""
    if not 0 <= limit <= ROWS_MAX:
        raise QueryError("limit", f"limit 应在 0–{ROWS_MAX} 之间")
    if offset < 0:
        raise QueryError("offset", "offset 不能为负数")
    con = connection(base_dir).cursor()
    try:
        cols = parse_fields(table, fields)
        order = parse_sort(table, sort)
        if fast and not filters and not distinct and (q or order):
            found = _fast(
                table, con, cols=cols, order=order, q=q, limit=limit, offset=offset,
                include_total=include_total,
            )  # fmt: skip
            if found is not None:
                return found
        w1, p1 = _filters_sql(table, filters)
        w2, p2 = _q_sql(table, q, con)
        where, params = w1 + w2, p1 + p2
        select = ", ".join(ident(c) for c in cols)
        src = _src(table.data)
        types = {c[0]: c[1] for c in table.schema}
        columns = [(c, types[c]) for c in cols]
        try:
            total = None
            if include_total:
                if where:
                    total = con.execute(
                        f"SELECT count(*) FROM {src} WHERE {' AND '.join(where)}", params
                    ).fetchone()[0]  # type: ignore[index]
                else:
                    total = table.row_count
            if not where and not order and not distinct:
                # _id is the row number 1…n: a page is a range, read from its row groups only
                sql = (
                    f"SELECT {select} FROM {src} WHERE _id > ? AND _id <= ? ORDER BY _id"
                    if "_id" in table.columns
                    else f"SELECT {select} FROM {src} LIMIT ? OFFSET ?"
                )
                args: list[Any] = (
                    [offset, offset + limit] if "_id" in table.columns else [limit, offset]
                )
                rows = con.execute(sql, args).fetchall()
            else:
                order_sql = ", ".join(f"{ident(n)} {d} NULLS LAST" for n, d in order)
                if "_id" in table.columns and not distinct:
                    order_sql = f"{order_sql}, _id" if order_sql else "_id"
                sql = (
                    f"SELECT {'DISTINCT ' if distinct else ''}{select} FROM {src}"
                    + (f" WHERE {' AND '.join(where)}" if where else "")
                    + (f" ORDER BY {order_sql}" if order_sql else "")
                    + " LIMIT ? OFFSET ?"
                )
                rows = con.execute(sql, [*params, limit, offset]).fetchall()
        except duckdb.ConversionException as e:
            raise QueryError("filters", f"筛选值与字段类型不符：{_first_line(e)}") from e
        except duckdb.InvalidInputException as e:
            raise QueryError("filters", f"筛选值与字段类型不符：{_first_line(e)}") from e
        return Result(columns=columns, rows=rows, total=total)
    finally:
        con.close()


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0][:200]


# --- streamed export ----------------------------------------------------------------------------
EXPORT_BATCH = 20000


def export(
    table: Table,
    base_dir: Path,
    fmt: str,
    *,
    filters: Any = None,
    q: Any = None,
    fields: Any = None,
    sort: Any = None,
) -> Iterator[bytes]:
    """Every row of a query as CSV (UTF-8 with BOM, for Excel) or JSON, in batches from a
    streaming DuckDB result: memory stays flat whatever the table's size. Parameters are
    checked before the first byte, so a bad one is a clear error rather than a cut file."""
    if fmt not in ("csv", "json"):
        raise QueryError("format", "导出格式应为 csv 或 json")
    con = connection(base_dir).cursor()
    try:
        cols = parse_fields(table, fields)
        order = parse_sort(table, sort)
        w1, p1 = _filters_sql(table, filters)
        w2, p2 = _q_sql(table, q, con)
        where, params = w1 + w2, p1 + p2
        order_sql = ", ".join(f"{ident(n)} {d} NULLS LAST" for n, d in order)
        if "_id" in table.columns:
            order_sql = f"{order_sql}, _id" if order_sql else "_id"
        sql = (
            f"SELECT {', '.join(ident(c) for c in cols)} FROM {_src(table.data)}"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + (f" ORDER BY {order_sql}" if order_sql else "")
        )
        try:
            cur = con.execute(sql, params)
            first = cur.fetchmany(EXPORT_BATCH)
        except (duckdb.ConversionException, duckdb.InvalidInputException) as e:
            raise QueryError("filters", f"筛选值与字段类型不符：{_first_line(e)}") from e
    except BaseException:
        con.close()
        raise
    return _stream(con, cur, first, cols, fmt)


def _stream(
    con: duckdb.DuckDBPyConnection, cur: Any, batch: list[tuple], cols: list[str], fmt: str
) -> Iterator[bytes]:
    try:
        if fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(cols)
            yield ("\ufeff" + buf.getvalue()).encode()
        else:
            yield b'{"fields": ' + json.dumps(cols, ensure_ascii=False).encode() + b', "records": ['
        first = True
        while batch:
            if fmt == "csv":
                buf = io.StringIO()
                w = csv.writer(buf, lineterminator="\r\n")
                w.writerows(batch)
                yield buf.getvalue().encode()
            else:
                parts = [
                    json.dumps(dict(zip(cols, map(jsonable, r), strict=True)), ensure_ascii=False)
                    for r in batch
                ]
                yield (("" if first else ",") + ",".join(parts)).encode()
            first = False
            batch = cur.fetchmany(EXPORT_BATCH)
        if fmt == "json":
            yield b"]}"
    finally:
        con.close()


# --- chart data -------------------------------------------------------------------------------------
CHART_BINS = 10
CHART_TOP = 12


def column_summary(table: Table, base_dir: Path, column: str) -> list[tuple[str, int]]:
    """(label, count) pairs to chart one column: the most frequent values of a text column,
    counts per year (or month within one year) of a date, equal-width bins of a number."""
    name, kind, _ = table.column(column, "column")
    col = ident(name)
    src = _src(table.data)
    con = connection(base_dir).cursor()
    try:
        if kind in ("int", "numeric"):
            lo, hi = con.execute(f"SELECT min({col}), max({col}) FROM {src}").fetchone()  # type: ignore[misc]
            if lo is None:
                return []
            if lo == hi:
                n = con.execute(f"SELECT count({col}) FROM {src}").fetchone()[0]  # type: ignore[index]
                return [(_num(lo), int(n))]
            width = (float(hi) - float(lo)) / CHART_BINS
            rows = con.execute(
                f"SELECT least(CAST(floor((CAST({col} AS DOUBLE) - ?) / ?) AS INTEGER), ?) AS b,"
                f" count(*) FROM {src} WHERE {col} IS NOT NULL GROUP BY b ORDER BY b",
                [float(lo), width, CHART_BINS - 1],
            ).fetchall()
            counts = dict(rows)
            return [
                (f"{_num(float(lo) + i * width)}–{_num(float(lo) + (i + 1) * width)}",
                 int(counts.get(i, 0)))
                for i in range(CHART_BINS)
            ]  # fmt: skip
        if kind in ("date", "timestamp"):
            years = con.execute(
                f"SELECT count(DISTINCT year({col})) FROM {src} WHERE {col} IS NOT NULL"
            ).fetchone()[0]  # type: ignore[index]
            fmt = "%Y-%m" if years <= 1 else "%Y"
            rows = con.execute(
                f"SELECT strftime({col}, '{fmt}') AS p, count(*) FROM {src}"
                f" WHERE {col} IS NOT NULL GROUP BY p ORDER BY p"
            ).fetchall()
            return [(str(p), int(c)) for p, c in rows[-24:]]
        rows = con.execute(
            f"SELECT CAST({col} AS VARCHAR) AS v, count(*) AS c FROM {src}"
            f" WHERE {col} IS NOT NULL GROUP BY v ORDER BY c DESC, v LIMIT {CHART_TOP}"
        ).fetchall()
        return [(str(v)[:40], int(c)) for v, c in rows]
    finally:
        con.close()


def _num(value: Any) -> str:
    v = float(value)
    return str(int(v)) if v.is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


# --- datastore_search_sql --------------------------------------------------------------------------
DENIED_FUNCTION_PREFIXES = (
    "read_", "glob", "duckdb_", "pragma", "current_setting", "getenv", "sniff", "parquet_",
    "query", "icu_", "enable_", "disable_", "checkpoint", "nextval", "currval", "setseed",
    "import", "export", "install", "load", "sql_", "json_serialize", "json_deserialize",
    "which_secret", "text", "file", "iceberg", "delta", "http", "s3", "postgres", "sqlite",
    "mysql", "attach", "detach",
)  # fmt: skip


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def check_sql(sql: str, allowed: set[str] | None) -> tuple[str, set[str]]:
    """(the one SELECT statement in `sql`, the tables it reads), or QueryError saying why it is
    refused. With `allowed` None only the shape is checked (to learn which tables to allow)."""
    if len(sql) > 20000:
        raise QueryError("sql", "SQL 过长")
    parser = duckdb.connect(config={"enable_external_access": False})
    try:
        try:
            statements = parser.extract_statements(sql)
        except duckdb.Error as e:
            raise QueryError("sql", f"SQL 语法有误：{_first_line(e)}") from e
        if len(statements) != 1:
            raise QueryError("sql", "只能提交一条 SELECT 语句")
        stmt = statements[0]
        if stmt.type != duckdb.StatementType.SELECT:
            raise QueryError("sql", "只允许 SELECT 查询")
        text = stmt.query
        raw = parser.execute("SELECT json_serialize_sql(?)", [text]).fetchone()[0]  # type: ignore[index]
    finally:
        parser.close()
    tree = json.loads(raw)
    if tree.get("error"):
        raise QueryError("sql", "只允许 SELECT 查询：" + str(tree.get("error_message", ""))[:200])
    ctes = {
        entry.get("key", "").lower()
        for node in _walk(tree)
        if isinstance(node.get("cte_map"), dict)
        for entry in node["cte_map"].get("map", [])
        if isinstance(entry, dict)
    }
    tables: set[str] = set()
    for node in _walk(tree):
        kind = node.get("type")
        if kind == "TABLE_FUNCTION":
            raise QueryError("sql", "不允许调用表函数，只能查询本资源的表")
        if kind == "BASE_TABLE":
            name = str(node.get("table_name", "")).lower()
            if node.get("schema_name") or node.get("catalog_name"):
                raise QueryError("sql", "只能查询本资源的表")
            if name not in ctes:
                tables.add(str(node.get("table_name")))
                if allowed is not None and name not in {a.lower() for a in allowed}:
                    raise QueryError(
                        "sql", f"只能查询本资源的表，不能查询“{node.get('table_name')}”"
                    )
        if node.get("class") == "FUNCTION":
            fname = str(node.get("function_name", "")).lower()
            if fname.startswith(DENIED_FUNCTION_PREFIXES):
                raise QueryError("sql", f"不允许使用函数“{fname}”")
    return text, tables


def run_sql(
    sql: str, tables: list[Table], *, max_rows: int = ROWS_MAX, timeout: float = SQL_TIMEOUT_S
) -> tuple[Result, bool]:
    """Run a checked SELECT on `tables` in a sandbox; returns (result, truncated)."""
    text, _ = check_sql(sql, {t.name for t in tables})
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    try:
        paths = ", ".join(sql_str(str(t.data.resolve())) for t in tables)
        con.execute(f"SET allowed_paths=[{paths}]")
        con.execute("SET enable_external_access=false")
        for t in tables:
            con.execute(f"CREATE VIEW {ident(t.name)} AS SELECT * FROM {_src(t.data.resolve())}")
        con.execute("SET memory_limit='512MB'")
        con.execute("SET threads=2")
        con.execute("SET lock_configuration=true")
        timer = threading.Timer(timeout, con.interrupt)
        timer.start()
        try:
            cur = con.execute(f"SELECT * FROM (\n{text}\n) AS _q LIMIT {int(max_rows) + 1}")
            rows = cur.fetchall()
            desc = cur.description or []
        except duckdb.InterruptException as e:
            raise QueryError("sql", f"查询超过 {timeout:g} 秒，已中止") from e
        except duckdb.PermissionException as e:
            raise QueryError("sql", "不允许访问文件或扩展") from e
        except duckdb.Error as e:
            raise QueryError("sql", f"SQL 执行出错：{_first_line(e)}") from e
        finally:
            timer.cancel()
    finally:
        con.close()
    truncated = len(rows) > max_rows
    columns = [(d[0], _desc_type(d[1])) for d in desc]
    return Result(columns=columns, rows=rows[:max_rows], total=None), truncated


def _desc_type(t: Any) -> str:
    from .tabular import ckan_type

    return ckan_type(str(t))


# --- values to JSON ---------------------------------------------------------------------------
def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID | bytes):
        return str(value)
    return value
