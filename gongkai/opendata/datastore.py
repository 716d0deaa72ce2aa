# ruff: noqa: S608 — SQL is composed from schema-checked, quoted identifiers; values are bound
"""Queries on an ingested table (Parquet + terms index) with DuckDB. No Django in here.

Rules:
- Only names found in the table's schema become SQL identifiers (quoted); every value is a
  bound parameter cast to its column's type. Nothing from a request is pasted into SQL.
- `run_sql` (datastore_search_sql) accepts exactly one SELECT, whose tables are only the
  resources it was given (and its own CTEs); no table functions, no settings or file
  functions. It runs in a worker process (`sqlworker`) bounded in address space, killed at the
  time limit, with a row limit and a limit on the bytes of its result, on a connection whose
  file access is limited to those tables' files and then locked.
- Full-text `q` (`tabular.query_grams`): a one-character word must occur in the row's text
  columns, and every pair of adjacent characters of a longer word must; case is ignored. The
  general query checks that with `contains`; the index holds the postings of every character
  and character pair (`tabular.build_terms`), so 州 finds 杭州 with no word list and no scan.
- Fast path (same records and totals as the general query, which the tests compare): with the
  version's index (`tabular.build_index`), `q` intersects postings, filters on coded columns
  compare small integers, a sort on one column reads its stored order (or, under a `q` or a
  filter, orders only the matching rows), and only the page's rows are read, by row number,
  from the row store. Anything else (other filters, several sort columns, distinct, per-field
  `q`) is one DuckDB query on the Parquet file.
- The full export of a table (no query) streams the CSV rendered at ingestion.
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
import numpy as np

from . import sqlworker
from .tabular import (
    FULL_CSV,
    INDEX_DIR,
    META_FILE,
    NATIVE_DB,
    RAW_TYPES,
    ckan_type,
    codes_dtype,
    ident,
    query_grams,
    sql_str,
    term_key,
)

ROWS_MAX = 32000  # CKAN's ckan.datastore.search.rows_max default
SORT_WINDOW_MIN = 8192
SQL_TIMEOUT_S = 5.0
SQL_RESULT_BYTES = 16 * 1024 * 1024  # JSON of one datastore_search_sql answer (audit F1)
SQL_MEMORY_MB = 1024  # address space of one SQL worker process
SQL_WORKERS = 3  # SQL worker processes per web process


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


def _parse_filters(table: Table, filters: Any) -> list[tuple[str, str, list[Any]]]:
    """(column, its DuckDB type, the wanted values as text) per filter, checked."""
    if not filters:
        return []
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError as e:
            raise QueryError("filters", 'filters 应为 JSON 对象，如 {"区县": "西湖区"}') from e
    if not isinstance(filters, dict):
        raise QueryError("filters", 'filters 应为 JSON 对象，如 {"区县": "西湖区"}')
    out = []
    for name, value in filters.items():
        _, _, native = table.column(str(name), "filters")
        values = value if isinstance(value, list) else [value]
        if not values or len(values) > 1000:
            raise QueryError("filters", f"字段“{name}”的筛选值应为 1–1000 个")
        if any(isinstance(v, dict | list) for v in values):
            raise QueryError("filters", f"字段“{name}”的筛选值应为文字或数字")
        out.append((str(name), native, [None if v is None else str(v) for v in values]))
    return out


def _filters_sql(table: Table, filters: Any) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for name, native, values in _parse_filters(table, filters):
        cast = f"CAST(? AS {native})"
        where.append(f"{ident(name)} IN ({', '.join([cast] * len(values))})")
        params.extend(values)
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
    grams = query_grams(str(q))
    if not grams:
        return [], []
    if not text_cols:
        return ["false"], []
    haystack = "lower(concat_ws(chr(31), " + ", ".join(ident(c) for c in text_cols) + "))"
    return [f"contains({haystack}, ?)" for _ in grams], list(grams)


# --- the query index (tabular.build_index) ------------------------------------------------------
EPOCH_DATE = dt.date(1970, 1, 1)
EPOCH = dt.datetime(1970, 1, 1)  # DuckDB TIMESTAMP is naive
_INDEX_CACHE: dict[str, "Index"] = {}
_INDEX_CACHE_MAX = 64
_index_lock = threading.Lock()


class Index:
    """A version's index/ folder, memory-mapped: the row store (a page of any rows by row
    number), coded columns (filters and sorts on small integers), sort orders and postings."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        meta = json.loads((folder / META_FILE).read_text())
        self.rows: int = int(meta["rows"])
        self.segment: int = int(meta.get("segment", 65536))  # rows per postings segment
        self.meta: dict[str, dict[str, Any]] = {c["id"]: c for c in meta["columns"]}
        self._maps: dict[str, Any] = {}
        self._dicts: dict[int, list[Any]] = {}
        self._lookups: dict[int, dict[Any, int]] = {}
        self._segs: Any = None

    def _map(self, name: str, dtype: Any) -> Any:
        arr = self._maps.get(name)
        if arr is None:
            path = self.folder / name
            # a plain view of the mapping: slicing a np.memmap costs microseconds each time
            arr = (
                np.memmap(path, dtype=dtype, mode="r").view(np.ndarray)
                if path.stat().st_size
                else np.zeros(0, dtype=dtype)
            )
            self._maps[name] = arr
        return arr

    def kind(self, name: str) -> str:
        return "id" if name == "_id" else str(self.meta.get(name, {}).get("kind", "none"))

    def position(self, name: str) -> int:
        return int(self.meta[name]["position"])

    def codes(self, name: str) -> Any:
        c = self.meta[name]
        return self._map(f"c{c['position']}.codes", codes_dtype(int(c["dict_size"])))

    def values(self, name: str, con: duckdb.DuckDBPyConnection) -> list[Any]:
        """The coded column's distinct values in code order, then None (the NULL code)."""
        i = self.position(name)
        found = self._dicts.get(i)
        if found is None:
            path = self.folder / f"c{i}.dict.parquet"
            found = [r[0] for r in con.execute(f"SELECT v FROM {_src(path)}").fetchall()]
            found.append(None)
            self._dicts[i] = found
        return found

    def codes_of(
        self, name: str, native: str, values: list[Any], con: duckdb.DuckDBPyConnection
    ) -> list[int]:
        """Codes of filter values, each cast to the column's type as the general query does."""
        i = self.position(name)
        lookup = self._lookups.get(i)
        if lookup is None:
            lookup = {v: k for k, v in enumerate(self.values(name, con)) if v is not None}
            self._lookups[i] = lookup
        out = []
        for v in values:
            if v is None:
                continue  # `IN (NULL)` matches nothing
            typed = (
                v
                if native.upper() == "VARCHAR"
                else con.execute(f"SELECT CAST(? AS {native})", [v]).fetchone()[0]  # type: ignore[index]
            )
            if (code := lookup.get(typed)) is not None:
                out.append(code)
        return out

    def desc_keys(self, name: str) -> Any:
        size = int(self.meta[name]["dict_size"])
        keys = np.arange(size + 1, dtype=np.int64)
        keys[:size] = size - 1 - keys[:size]
        return keys

    def perm(self, name: str, desc: bool) -> Any:
        return self._map(f"s{self.position(name)}.{'desc' if desc else 'asc'}", np.uint32)

    def postings(self, key: int) -> dict[int, Any]:
        """The sorted _ids (uint32) of the rows holding the term key (tabular.term_key), per
        segment of BATCH rows that has it: joining them is left to the caller that must."""
        if self._segs is None:
            self._segs = np.load(self.folder / "terms.segs.npy")
        keys = self._map("terms.keys", np.uint64)
        starts = self._map("terms.starts", np.uint32)
        ids = self._map("terms.ids", np.uint32)
        segs, k = self._segs, np.uint64(key)
        parts = {}
        for s in range(len(segs) - 1):
            ko, so, io_ = segs[s]
            ks = keys[ko : segs[s + 1][0]]
            j = int(ks.searchsorted(k))
            if j < len(ks) and ks[j] == k:
                a, b = int(starts[so + j]), int(starts[so + j + 1])
                parts[s] = ids[io_ + a : io_ + b]
        return parts

    def intersect(self, keys: list[int]) -> list[Any]:
        """Sorted _ids of the rows holding every key, per segment: each segment's postings are
        marked in a segment-sized array, so nothing larger than a segment is built or touched."""
        found = sorted(
            (self.postings(k) for k in keys), key=lambda p: sum(len(v) for v in p.values())
        )
        mark = np.zeros(self.segment + 1, dtype=bool)
        out = []
        for s, ids in found[0].items():
            base = np.uint32(s * self.segment)
            for other in found[1:]:
                theirs = other.get(s)
                if theirs is None or not len(ids):
                    ids = ids[:0]
                    break
                mark[:] = False
                mark[theirs - base] = True
                ids = ids[mark[ids - base]]
            if len(ids):
                out.append(ids)
        return out

    def fetch(
        self, ids: list[int], cols: list[str], con: duckdb.DuckDBPyConnection
    ) -> list[tuple[Any, ...]]:
        """The rows with these _ids, in this order, from the row store."""
        rows = np.asarray(ids, dtype=np.int64) - 1
        out_cols: list[list[Any]] = []
        for name in cols:
            kind = self.kind(name)
            if kind == "id":
                out_cols.append([int(r) + 1 for r in rows])
                continue
            c = self.meta[name]
            i = int(c["position"])
            if kind == "codes":
                vals = self.values(name, con)
                out_cols.append([vals[k] for k in self.codes(name)[rows].tolist()])
            elif kind == "text":
                blob, off = self._map(f"c{i}.blob", np.uint8), self._map(f"c{i}.off", np.uint64)
                null = self._map(f"c{i}.null", np.uint8)[rows].tolist()
                starts, ends = off[rows].tolist(), off[rows + 1].tolist()
                out_cols.append(
                    [
                        None if z else blob[a:b].tobytes().decode()
                        for z, a, b in zip(null, starts, ends, strict=True)
                    ]
                )
            else:
                native = str(c["native"]).split("(")[0].strip().upper()
                raw = self._map(f"c{i}.raw", RAW_TYPES[native])[rows].tolist()
                null = self._map(f"c{i}.null", np.uint8)[rows].tolist()
                conv: Any = (
                    (lambda v: EPOCH_DATE + dt.timedelta(days=v)) if native == "DATE"
                    else (lambda v: EPOCH + dt.timedelta(microseconds=v)) if native == "TIMESTAMP"
                    else float if native == "DOUBLE" else int
                )  # fmt: skip
                out_cols.append([None if z else conv(v) for z, v in zip(null, raw, strict=True)])
        return list(zip(*out_cols, strict=True)) if out_cols else [() for _ in ids]


def index_of(table: Table) -> Index | None:
    folder = table.data.parent / INDEX_DIR
    meta = folder / META_FILE
    try:
        stamp = meta.stat().st_mtime_ns
    except OSError:
        return None
    key = f"{folder}:{stamp}"
    found = _INDEX_CACHE.get(key)
    if found is None:
        found = Index(folder)
        with _index_lock:
            if len(_INDEX_CACHE) >= _INDEX_CACHE_MAX:
                _INDEX_CACHE.pop(next(iter(_INDEX_CACHE)))
            _INDEX_CACHE[key] = found
    return found


def _fast(
    table: Table,
    con: duckdb.DuckDBPyConnection,
    *,
    cols: list[str],
    order: list[tuple[str, str]],
    filters: list[tuple[str, str, list[Any]]],
    q: Any,
    limit: int,
    offset: int,
    include_total: bool,
) -> Result | None:
    """The page from the index, or None when this query needs the general path.

    The matching rows are held as postings per segment (`parts`, a `q`), as sorted _ids
    (`sel`, a `q` and filters), or as a mask over the rows (`mask`, filters alone), whichever
    answers the total and the page without touching more than it must."""
    ix = index_of(table)
    if ix is None or len(order) > 1 or "_id" not in table.columns:
        return None
    if any(ix.kind(c) == "none" for c in cols):
        return None
    if filters and any(ix.kind(name) != "codes" for name, _, _ in filters):
        return None
    sort_col = order[0][0] if order and order[0][0] != "_id" else None
    desc = bool(order) and order[0][1] == "DESC"
    if sort_col and (
        table.sort_index(sort_col) is None or ix.kind(sort_col) not in ("codes", "raw")
    ):
        return None
    n = ix.rows
    need = offset + limit
    sel: Any = None  # sorted _ids (uint32)
    mask: Any = None  # bool per row (row = _id - 1)
    parts: list[Any] | None = None  # the _ids matching q, per segment
    if q:
        if table.terms is None or not isinstance(q, str) or q.strip().startswith("{"):
            return None
        grams = query_grams(q)
        if grams:
            parts = ix.intersect([term_key(g) for g in grams])
    if filters:
        if parts is not None:
            sel, parts = _join(parts), None
        for name, native, values in filters:
            wanted = ix.codes_of(name, native, values, con)
            codes = ix.codes(name)
            lut = np.zeros(int(ix.meta[name]["dict_size"]) + 1, dtype=bool)
            lut[wanted] = True
            if sel is not None:
                sel = sel[lut[codes[sel.astype(np.int64) - 1]]]
                continue
            m = (codes == wanted[0]) if len(wanted) == 1 else lut[codes]
            mask = m if mask is None else mask & m
    if parts is not None:
        total = sum(len(part) for part in parts)
    elif sel is not None:
        total = len(sel)
    elif mask is not None:
        total = int(np.count_nonzero(mask))
    else:
        total = n
    ids: list[int]
    if need == 0 or offset >= total:
        ids = []
    elif sort_col is None:
        if parts is not None:
            ids = _take(parts, offset, limit, desc)
        elif sel is not None:
            ids = (sel[::-1] if desc else sel)[offset:need].tolist()
        elif mask is not None:
            ids = _mask_page(mask, offset, limit, desc)
        else:
            ids = (
                list(range(n - offset, max(n - offset - limit, 0), -1))
                if desc
                else list(range(offset + 1, min(need, n) + 1))
            )
    elif parts is None and sel is None and mask is None:
        ids = (ix.perm(sort_col, desc)[offset:need].astype(np.int64) + 1).tolist()
    elif ix.kind(sort_col) == "codes" and (sel is not None or parts is not None) and total < n // 4:
        # few matches: order them by (code, _id) packed in one integer, partly sorted
        sel = sel if sel is not None else _join(parts or [])
        codes = ix.codes(sort_col)[sel.astype(np.int64) - 1].astype(np.int64)
        keys = ix.desc_keys(sort_col)[codes] if desc else codes
        comp = (keys << 32) | sel.astype(np.int64)
        if need < len(comp):
            comp = np.partition(comp, need - 1)[:need]
        comp.sort()
        ids = (comp[offset:need] & 0xFFFFFFFF).tolist()
    else:
        if mask is None:
            mask = np.zeros(n, dtype=bool)
            for part in parts if parts is not None else [sel]:
                mask[part.astype(np.int64) - 1] = True
        ids = _walk_order(ix.perm(sort_col, desc), mask, total, need)[offset:need]
    rows = ix.fetch(ids, cols, con)
    columns = [(c, table.column(c, "fields")[1]) for c in cols]
    return Result(columns=columns, rows=rows, total=total if include_total else None)


def _join(parts: list[Any]) -> Any:
    return np.concatenate(parts) if parts else np.zeros(0, np.uint32)


def _take(parts: list[Any], offset: int, limit: int, desc: bool) -> list[int]:
    """_ids offset…offset+limit of postings kept per segment, from the end when `desc`."""
    out: list[int] = []
    skip = offset
    for part in reversed(parts) if desc else parts:
        if skip >= len(part):
            skip -= len(part)
            continue
        seq = part[::-1] if desc else part
        out.extend(seq[skip : skip + limit - len(out)].tolist())
        skip = 0
        if len(out) >= limit:
            break
    return out


def _mask_page(mask: Any, offset: int, limit: int, desc: bool) -> list[int]:
    """_ids of the matching rows offset…offset+limit, reading the mask in growing windows."""
    n = len(mask)
    out: list[int] = []
    skip, window, pos = offset, 65536, 0
    while pos < n and len(out) < limit:
        lo, hi = (max(n - pos - window, 0), n - pos) if desc else (pos, min(pos + window, n))
        found = np.flatnonzero(mask[lo:hi]) + lo + 1
        if desc:
            found = found[::-1]
        if skip >= len(found):
            skip -= len(found)
        else:
            out.extend(found[skip : skip + limit - len(out)].tolist())
            skip = 0
        pos += hi - lo
        window *= 4
    return out


def _walk_order(perm: Any, mask: Any, matches: int, need: int) -> list[int]:
    """The first `need` matching _ids in sort order: the sort order is read in windows, grown
    until they hold the page, so a common match fills a first page after a few thousand rows."""
    n = len(perm)
    share = matches / max(n, 1)
    window = min(n, int(need / max(share, 1e-9) * 2) + SORT_WINDOW_MIN)
    found: list[int] = []
    start = 0
    while len(found) < need and start < n:
        chunk = perm[start : start + window].astype(np.int64)
        found.extend((chunk[mask[chunk]] + 1).tolist())
        start += window
        window *= 4
    return found


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
        if fast and not distinct:
            parsed = _parse_filters(table, filters)
            try:
                found = _fast(
                    table, con, cols=cols, order=order, filters=parsed, q=q, limit=limit,
                    offset=offset, include_total=include_total,
                )  # fmt: skip
            except (duckdb.ConversionException, duckdb.InvalidInputException) as e:
                raise QueryError("filters", f"筛选值与字段类型不符：{_first_line(e)}") from e
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
    full = table.data.parent / INDEX_DIR / FULL_CSV
    if (
        fmt == "csv" and not filters and not q and not sort and full.exists()
        and parse_fields(table, fields) == table.columns
    ):  # fmt: skip
        return _stream_file(full)
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


def _stream_file(path: Path) -> Iterator[bytes]:
    """The CSV rendered at ingestion, after a BOM (for Excel), in 1 MiB chunks."""
    f = path.open("rb")  # opened now: a version removed later still streams to the end

    def chunks() -> Iterator[bytes]:
        with f:
            yield "\ufeff".encode()
            while chunk := f.read(EXPORT_CHUNK):
                yield chunk

    return chunks()


EXPORT_CHUNK = 1024 * 1024


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
# Files, settings, extensions. Value builders (range, repeat, list_resize, lpad) are not listed:
# the worker's address-space bound refuses them within milliseconds (bench/sql_sandbox.py), and
# no list of them could be complete.
DENIED_FUNCTION_PREFIXES = (
    "read_", "glob", "duckdb_", "pragma", "current_setting", "getenv", "sniff", "parquet_",
    "query", "icu_", "enable_", "disable_", "checkpoint", "nextval", "currval", "setseed",
    "import", "export", "install", "load", "sql_", "json_serialize", "json_deserialize",
    "which_secret", "text", "file", "iceberg", "delta", "http", "s3", "postgres", "sqlite",
    "mysql", "attach", "detach",
)  # fmt: skip


# DuckDB's catalogue views and tables (server paths, settings, DDL): never readable (audit F2)
CATALOGUE_PREFIXES = ("duckdb_", "pg_", "sqlite_", "pragma_", "information_schema")


def _is_catalogue(name: str) -> bool:
    return name.lower().startswith(CATALOGUE_PREFIXES)


def _cte_names(node: dict[str, Any]) -> set[str]:
    cte_map = node.get("cte_map")
    if not isinstance(cte_map, dict):
        return set()
    return {str(e.get("key", "")).lower() for e in cte_map.get("map", []) if isinstance(e, dict)}


def _scoped(node: Any, ctes: frozenset[str]) -> Iterator[tuple[dict[str, Any], frozenset[str]]]:
    """Every node with the CTE names visible at it: a node's WITH covers its own subtree only."""
    if isinstance(node, dict):
        ctes = ctes | _cte_names(node)
        yield node, ctes
        for v in node.values():
            yield from _scoped(v, ctes)
    elif isinstance(node, list):
        for v in node:
            yield from _scoped(v, ctes)


def check_sql(sql: str, allowed: set[str] | None) -> tuple[str, set[str]]:
    """(the one SELECT statement in `sql`, the tables it reads), or QueryError saying why it is
    refused. With `allowed` None only the shape is checked (to learn which tables to allow)."""
    if len(sql) > 20000:
        raise QueryError("sql", "SQL 过长")
    parser = _local.__dict__.get("parser")
    if parser is None:  # one per thread: a connection costs tens of milliseconds
        parser = duckdb.connect(config={"enable_external_access": False})
        _local.parser = parser
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
    tree = json.loads(raw)
    if tree.get("error"):
        raise QueryError("sql", "只允许 SELECT 查询：" + str(tree.get("error_message", ""))[:200])
    allowed_lower = None if allowed is None else {a.lower() for a in allowed}
    tables: set[str] = set()
    for node, ctes in _scoped(tree, frozenset()):
        kind = node.get("type")
        if kind == "TABLE_FUNCTION":
            raise QueryError("sql", "不允许调用表函数，只能查询本资源的表")
        for name in _cte_names(node):
            if _is_catalogue(name):
                raise QueryError("sql", f"不能以系统视图的名称“{name}”命名子查询")
        if kind == "BASE_TABLE":
            name = str(node.get("table_name", "")).lower()
            if node.get("schema_name") or node.get("catalog_name") or _is_catalogue(name):
                raise QueryError("sql", "只能查询本资源的表")
            # a CTE counts only where it is visible: a WITH inside a subquery lifts nothing outside it
            if name not in ctes:
                tables.add(str(node.get("table_name")))
                if allowed_lower is not None and name not in allowed_lower:
                    raise QueryError(
                        "sql", f"只能查询本资源的表，不能查询“{node.get('table_name')}”"
                    )
        if node.get("class") == "FUNCTION":
            fname = str(node.get("function_name", "")).lower()
            if fname.startswith(DENIED_FUNCTION_PREFIXES):
                raise QueryError("sql", f"不允许使用函数“{fname}”")
    return text, tables


def run_sql(
    sql: str,
    tables: list[Table],
    *,
    max_rows: int = ROWS_MAX,
    timeout: float = SQL_TIMEOUT_S,
    max_bytes: int = SQL_RESULT_BYTES,
    workers: int = SQL_WORKERS,
    memory_mb: int = SQL_MEMORY_MB,
) -> tuple[Result, bool]:
    """Run a checked SELECT on `tables` in a sandbox worker process (`sqlworker`); returns
    (result, truncated at `max_rows`). QueryError when refused, too slow, too big in memory or
    when its JSON passes `max_bytes`."""
    text, _ = check_sql(sql, {t.name for t in tables})
    sources: list[sqlworker.Source] = []
    for t in tables:
        native = t.data.parent / INDEX_DIR / NATIVE_DB
        found = (native if native.exists() else t.data).resolve()
        mtime = found.stat().st_mtime_ns if found.exists() else 0
        sources.append((ident(t.name), sql_str(str(found)), mtime, found.name == NATIVE_DB))
    try:
        columns, rows, truncated = sqlworker.pool(workers, memory_mb).run(
            text, sources, max_rows=max_rows, max_bytes=max_bytes, timeout=timeout
        )
    except sqlworker.Refused as e:
        raise QueryError("sql", str(e)) from e
    typed = [(name, ckan_type(duck)) for name, duck in columns]
    return Result(columns=typed, rows=rows, total=None), truncated


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
