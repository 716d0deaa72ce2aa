# ruff: noqa: S608 — SQL is composed from schema-checked, quoted identifiers; values are bound
"""Ingestion of a tabular file into Parquet, and its full-text index. No Django in here.

Rules:
- Encodings: UTF-8 and UTF-8 with BOM are read as they are; anything else (GBK/GB18030 …) is
  detected with charset-normalizer on the first bytes and transcoded to UTF-8 in a streaming
  pass, so a file of any size never sits in memory.
- The first row is the header: every column needs a non-blank, unique name; `_id` is reserved
  (the row number, as in CKAN's DataStore).
- Column types are inferred by DuckDB; a row that does not fit (wrong column count, a value that
  is not of its column's type, invalid text) is left out and reported by its line number with
  the reason in Chinese. A file with no good row fails.
- XLSX is streamed row by row (openpyxl read-only) after a zip-bomb check; JSON (array or one
  object per line) is read by DuckDB.
- Beside data.parquet, `index/` (see build_index) holds a row store readable by row number,
  stored row orders for sorting, and the full-text postings of every character and every pair
  of adjacent characters (build_terms), so `q=州` finds 杭州 and `q=公共服务` needs 公共, 共服
  and 服务 in the row — no DuckDB `fts` extension needed. DuckDB runs with a fixed memory limit
  and spills to disk, so memory stays bounded whatever the file size.
"""

import codecs
import csv
import datetime as dt
import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import charset_normalizer
import duckdb
import rjieba

Progress = Callable[[int, str], None]

DATA_FILE = "data.parquet"
# small row groups: a page (by _id or by sort position) reads one or two of them
DATA_ROW_GROUP = 16384
MAX_BAD_ROWS_KEPT = 1000
SNIFF_BYTES = 256 * 1024
CHUNK = 1024 * 1024
MAX_TOKENISED_CHARS = 2000  # long free text: index its beginning only
CANDIDATE_ENCODINGS = ["gb18030", "big5", "utf_16"]
XLSX_MAX_UNCOMPRESSED = 2 * 1024**3
XLSX_MAX_RATIO = 200

CKAN_TYPES = {
    "BIGINT": "int", "INTEGER": "int", "SMALLINT": "int", "TINYINT": "int", "HUGEINT": "int",
    "UBIGINT": "int", "UINTEGER": "int", "USMALLINT": "int", "UTINYINT": "int",
    "DOUBLE": "numeric", "FLOAT": "numeric", "DECIMAL": "numeric",
    "DATE": "date", "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamp",
    "TIME": "time", "BOOLEAN": "bool", "VARCHAR": "text",
}  # fmt: skip
TYPE_LABELS = {
    "int": "整数", "numeric": "数值", "date": "日期", "timestamp": "日期时间", "time": "时间",
    "bool": "布尔", "text": "文本",
}  # fmt: skip
REJECT_REASONS = {
    "CAST": "值与该列类型不符",
    "TOO FEW COLUMNS": "列数少于表头",
    "TOO MANY COLUMNS": "列数多于表头",
    "UNQUOTED VALUE": "引号使用不规范",
    "LINE SIZE OVER MAXIMUM": "该行过长",
    "INVALID UNICODE": "含有无法识别的字符（编码错误）",
    "INVALID ENCODING": "含有无法识别的字符（编码错误）",
    "MISSING QUOTES": "引号未闭合",
}


class IngestError(Exception):
    """The file cannot be ingested; the message is for the uploader, in Chinese."""


@dataclass
class IngestResult:
    row_count: int
    schema: list[dict[str, str]]
    encoding: str
    bad_rows: list[dict[str, Any]] = field(default_factory=list)
    bad_row_count: int = 0


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ckan_type(duck_type: str) -> str:
    base = duck_type.split("(")[0].strip().upper()
    return CKAN_TYPES.get(base, "text")


def file_digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


# --- encodings --------------------------------------------------------------------------------
def detect_encoding(path: Path) -> str:
    """'utf-8', 'utf-8-sig' or a Python codec name such as 'gb18030'."""
    with path.open("rb") as f:
        sample = f.read(SNIFF_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese government files: choose among the Chinese encodings only; on short samples an
    # open search picks Korean or Cyrillic code pages for GBK text
    best = charset_normalizer.from_bytes(sample, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise IngestError("无法识别文件编码，请将文件另存为 UTF-8 或 GBK 编码后重新上传")
    name = best.encoding.lower().replace("-", "_")
    if name in ("gb2312", "gbk", "gb18030", "hz", "big5", "cp936"):
        return "gb18030" if name != "big5" else "big5"  # GB18030 is a superset of GBK/GB2312
    return best.encoding


def transcode(src: Path, dst: Path, encoding: str, progress: Progress | None = None) -> None:
    """Stream `src` in `encoding` to UTF-8 `dst`; a bad byte fails with its line number."""
    total = max(src.stat().st_size, 1)
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    done = 0
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        while True:
            chunk = fin.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                bad_line = line + chunk[: e.start].count(b"\n")
                raise IngestError(
                    f"第 {bad_line} 行附近有按 {encoding.upper()} 无法解码的字节，请检查文件编码"
                ) from e
            fout.write(text)
            line += text.count("\n")
            done += len(chunk)
            if progress and done % (64 * CHUNK) < CHUNK:
                progress(5 + int(25 * done / total), "正在转换编码")
            if not chunk:
                break


# --- XLSX -------------------------------------------------------------------------------------
def xlsx_to_csv(src: Path, dst: Path) -> None:
    try:
        with zipfile.ZipFile(src) as z:
            infos = z.infolist()
    except zipfile.BadZipFile as e:
        raise IngestError("不是有效的 XLSX 文件") from e
    unpacked = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if unpacked > XLSX_MAX_UNCOMPRESSED or unpacked / packed > XLSX_MAX_RATIO:
        raise IngestError("XLSX 文件解压后过大（疑似压缩炸弹），已拒绝")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(src, read_only=True, data_only=True)
    except Exception as e:
        raise IngestError("无法读取 XLSX 文件：文件已损坏或不是 Excel 2007 及以上格式") from e
    try:
        ws = wb.worksheets[0]
        with dst.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            for row in ws.iter_rows(values_only=True):
                if row is None or all(v is None or v == "" for v in row):
                    continue
                w.writerow([_cell(v) for v in row])
    finally:
        wb.close()


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# --- CSV --------------------------------------------------------------------------------------
def _header(path: Path) -> tuple[str, list[str]]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        first = f.readline()
    if not first.strip():
        raise IngestError("文件为空或第 1 行（表头）为空")
    counts = {d: first.count(d) for d in [",", "\t", ";", "|"]}
    delim = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    names = next(csv.reader([first], delimiter=delim))
    names = [n.strip() for n in names]
    for i, n in enumerate(names, 1):
        if not n:
            raise IngestError(f"表头第 {i} 列没有列名，请补全表头")
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise IngestError(f"表头列名“{n}”重复，请修改为不同的列名")
        if n == "_id":
            raise IngestError("列名“_id”为系统保留（行号），请改名")
        seen.add(n)
    return delim, names


def _connect(work: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    tmp = work / "tmp"
    tmp.mkdir(exist_ok=True)
    con.execute(f"SET temp_directory={sql_str(str(tmp))}")
    con.execute(f"SET memory_limit='{DUCK_MEMORY}'")  # spills to temp_directory instead of growing
    con.execute("SET threads=2")
    con.execute("SET preserve_insertion_order=true")
    con.execute("SET enable_progress_bar=false")
    return con


def _reject_reason(error_type: str, column: str | None, message: str) -> str:
    reason = REJECT_REASONS.get((error_type or "").upper(), "格式错误")
    if column:
        reason = f"“{column}”列{reason}"
    m = re.search(r"Could not convert string \"?'?([^'\"]*)'?\"? to '?(\w+)'?", message or "")
    if m:
        reason += f"（“{m.group(1)}”不是{TYPE_LABELS.get(ckan_type(m.group(2)), m.group(2))}）"
    return reason


def ingest(source: Path, fmt: str, work: Path, progress: Progress | None = None) -> IngestResult:
    """Read `source` (CSV/XLSX/JSON) into `work`/data.parquet and its index in `work`/index/."""
    step: Progress = progress or (lambda pct, msg: None)
    fmt = fmt.upper()
    work.mkdir(parents=True, exist_ok=True)
    encoding = "utf-8"
    step(2, "正在识别文件")
    if fmt in ("CSV", "TSV", "TXT"):
        encoding = detect_encoding(source)
        csv_path = source
        if encoding not in ("utf-8", "utf-8-sig"):
            csv_path = work / "source.utf8.csv"
            transcode(source, csv_path, encoding, step)
    elif fmt in ("XLSX", "XLSM"):
        step(5, "正在读取 Excel")
        csv_path = work / "source.xlsx.csv"
        xlsx_to_csv(source, csv_path)
    elif fmt == "JSON":
        return _ingest_json(source, work, step)
    else:
        raise IngestError(f"不支持的表格格式“{fmt}”，请上传 CSV、XLSX 或 JSON")
    try:
        return _ingest_csv(csv_path, work, encoding, step)
    finally:
        if csv_path != source:
            csv_path.unlink(missing_ok=True)


def _ingest_csv(path: Path, work: Path, encoding: str, step: Progress) -> IngestResult:
    delim, _ = _header(path)
    con = _connect(work)
    try:
        step(30, "正在推断字段类型并写入")
        reader = (
            f"read_csv({sql_str(str(path))}, header=true, delim={sql_str(delim)}, quote='\"',"
            " store_rejects=true, ignore_errors=true, sample_size=65536, null_padding=false,"
            " strict_mode=true)"
        )
        out = work / DATA_FILE
        try:
            con.execute(
                f"COPY (SELECT row_number() OVER () AS _id, * FROM {reader}) TO "
                f"{sql_str(str(out))} (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE {DATA_ROW_GROUP})"
            )
        except duckdb.Error as e:
            raise IngestError(f"无法读取表格：{_short(e)}") from e
        bad_count = con.execute("SELECT count(*) FROM reject_errors").fetchone()[0]  # type: ignore[index]
        bad = con.execute(
            "SELECT line, error_type, column_name, error_message, csv_line FROM reject_errors"
            f" ORDER BY line LIMIT {MAX_BAD_ROWS_KEPT}"
        ).fetchall()
        bad_rows = [
            {
                "line": int(line),
                "reason": _reject_reason(str(etype), col, msg),
                "text": (text or "")[:200],
            }
            for line, etype, col, msg, text in bad
        ]
        result = _finish(con, out, work, encoding, step)
        result.bad_rows, result.bad_row_count = bad_rows, int(bad_count)
        if result.row_count == 0:
            reason = f"；第 {bad_rows[0]['line']} 行：{bad_rows[0]['reason']}" if bad_rows else ""
            raise IngestError("文件中没有可用的数据行" + reason)
        return result
    finally:
        con.close()


def _ingest_json(path: Path, work: Path, step: Progress) -> IngestResult:
    con = _connect(work)
    out = work / DATA_FILE
    try:
        step(30, "正在读取 JSON 并写入")
        try:
            cols = con.execute(
                f"DESCRIBE SELECT * FROM read_json_auto({sql_str(str(path))})"
            ).fetchall()
            if any(c[0] == "_id" for c in cols):
                raise IngestError("字段名“_id”为系统保留（行号），请改名")
            con.execute(
                f"COPY (SELECT row_number() OVER () AS _id, * FROM "
                f"read_json_auto({sql_str(str(path))})) TO {sql_str(str(out))} "
                f"(FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE {DATA_ROW_GROUP})"
            )
        except duckdb.Error as e:
            raise IngestError(f"无法读取 JSON：应为对象数组或每行一个对象（{_short(e)}）") from e
        result = _finish(con, out, work, "utf-8", step)
        if result.row_count == 0:
            raise IngestError("文件中没有可用的数据行")
        return result
    finally:
        con.close()


def _short(e: Exception) -> str:
    return str(e).splitlines()[0][:300]


def _finish(
    con: duckdb.DuckDBPyConnection, out: Path, work: Path, encoding: str, step: Progress
) -> IngestResult:
    rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({sql_str(str(out))})").fetchall()
    schema = [{"id": r[0], "type": ckan_type(str(r[1])), "native": str(r[1])} for r in rows]
    count = con.execute(f"SELECT count(*) FROM read_parquet({sql_str(str(out))})").fetchone()
    build_index(con, out, work, schema, int(count[0]) if count else 0, step)
    step(95, "正在完成")
    shutil.rmtree(work / "tmp", ignore_errors=True)
    return IngestResult(row_count=int(count[0]) if count else 0, schema=schema, encoding=encoding)


# --- the query index ----------------------------------------------------------------------------
# Everything datastore_search needs to answer without scanning the table lives in index/, built
# in one pass of bounded batches (memory does not grow with the file):
# - meta.json: the row count and, per column, how it is stored;
# - c<n>.codes + c<n>.dict.parquet: a column of at most CODES_MAX distinct values as uint8/uint16
#   codes into its sorted distinct values (filters and sorts compare small integers);
#   c<n>.off + c<n>.blob: other text as UTF-8 bytes with offsets; c<n>.raw (+ c<n>.null): other
#   numbers and dates as fixed-width values. A page of any rows is then read by row number
#   without touching the Parquet file.
# - s<n>.asc / s<n>.desc: the row numbers of a non-text (or coded) column in sort order, uint32;
# - terms.*: the full-text postings (see build_terms);
# - full.csv: the whole table rendered as CSV, streamed as the full export.
INDEX_DIR = "index"
SORT_DIR = INDEX_DIR  # removed as a whole when a version fails
TERMS_FILE = f"{INDEX_DIR}/terms.ids"
META_FILE = "meta.json"
FULL_CSV = "full.csv"
NATIVE_DB = "data.duckdb"  # the table in DuckDB's own format, for datastore_search_sql
CODES_MAX = 65535
BATCH = 65536  # rows per build batch and per postings segment (row offsets fit in 16 bits)
DUCK_MEMORY = "256MB"
RAW_TYPES = {
    "BIGINT": "<i8", "INTEGER": "<i8", "SMALLINT": "<i8", "TINYINT": "<i8", "UBIGINT": "<u8",
    "UINTEGER": "<i8", "USMALLINT": "<i8", "UTINYINT": "<i8", "DOUBLE": "<f8",
    "DATE": "<i8", "TIMESTAMP": "<i8",
}  # fmt: skip


def sort_index_path(work: Path, position: int) -> Path:
    """The ascending sort index of the column at `position` in the schema (file names stay ASCII)."""
    return work / INDEX_DIR / f"s{position}.asc"


def _append(path: Path, arr: Any) -> None:
    with path.open("ab") as f:
        arr.tofile(f)


def build_index(
    con: duckdb.DuckDBPyConnection, data: Path, work: Path, schema: list[dict[str, str]],
    n: int, step: Progress,
) -> None:  # fmt: skip
    import numpy as np

    idx = work / INDEX_DIR
    shutil.rmtree(idx, ignore_errors=True)
    idx.mkdir(parents=True)
    if n == 0:
        return  # nothing to index: the ingestion fails with "no usable rows"
    src = f"read_parquet({sql_str(str(data))})"
    cols = [c for c in schema if c["id"] != "_id"]
    pos = {c["id"]: i for i, c in enumerate(schema)}
    # approximate distinct counts decide which columns are coded
    approx = (
        con.execute(
            "SELECT "
            + ", ".join(f"approx_count_distinct({ident(c['id'])})" for c in cols)
            + f" FROM {src}"
        ).fetchone()
        if cols
        else ()
    ) or ()
    kinds: dict[str, str] = {}
    for c, dc in zip(cols, approx, strict=True):
        base = c["native"].split("(")[0].strip().upper()
        if dc is not None and dc <= CODES_MAX * 0.9:
            kinds[c["id"]] = "codes"
        elif base == "VARCHAR":
            kinds[c["id"]] = "text"
        elif base in RAW_TYPES:
            kinds[c["id"]] = "raw"
        else:
            kinds[c["id"]] = "none"
    dict_sizes: dict[str, int] = {}
    for c in cols:
        if kinds[c["id"]] != "codes":
            continue
        i, col = pos[c["id"]], ident(c["id"])
        dpath = idx / f"c{i}.dict.parquet"
        con.execute(
            f"COPY (SELECT DISTINCT {col} AS v FROM {src} WHERE {col} IS NOT NULL ORDER BY v)"
            f" TO {sql_str(str(dpath))} (FORMAT PARQUET)"
        )
        size = con.execute(f"SELECT count(*) FROM read_parquet({sql_str(str(dpath))})").fetchone()
        dict_sizes[c["id"]] = int(size[0]) if size else 0
        if dict_sizes[c["id"]] > CODES_MAX:  # the estimate was low
            dpath.unlink()
            base = c["native"].split("(")[0].strip().upper()
            kinds[c["id"]] = "text" if base == "VARCHAR" else "raw" if base in RAW_TYPES else "none"
            continue
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE d{i} AS SELECT v, CAST(row_number() OVER (ORDER BY v) - 1"
            f" AS INTEGER) AS code FROM read_parquet({sql_str(str(dpath))})"
        )
    coded = [c["id"] for c in cols if kinds[c["id"]] == "codes"]
    texts = [c["id"] for c in cols if c["type"] == "text"]
    step(45, "正在建立查询索引")
    _write_rows(con, src, idx, schema, kinds, dict_sizes, n, step)
    # sorted row numbers: counting sort of the codes, DuckDB's sort for the other numbers
    for c in cols:
        i = pos[c["id"]]
        if kinds[c["id"]] == "codes":
            _sort_codes(idx, i, dict_sizes[c["id"]], n)
        elif kinds[c["id"]] == "raw":
            for direction, suffix in (("ASC", "asc"), ("DESC", "desc")):
                cur = con.execute(
                    f"SELECT CAST(_id - 1 AS UINTEGER) FROM {src}"
                    f" ORDER BY {ident(c['id'])} {direction} NULLS LAST, _id"
                )
                out = idx / f"s{i}.{suffix}"
                while batch := cur.fetchmany(BATCH * 4):
                    _append(out, np.fromiter((r[0] for r in batch), np.uint32, len(batch)))
    step(75, "正在建立全文索引")
    build_terms(con, src, idx, texts, n)
    step(88, "正在生成完整导出文件")
    _write_full_csv(con, src, idx, schema)
    step(92, "正在写入 SQL 查询副本")
    con.execute(f"ATTACH {sql_str(str(idx / NATIVE_DB))} AS native")
    try:
        con.execute(f"CREATE TABLE native.t AS SELECT * FROM {src}")
    finally:
        con.execute("DETACH native")
    meta = {
        "version": 2,
        "rows": n,
        "segment": BATCH,
        "columns": [
            {"id": c["id"], "position": pos[c["id"]], "kind": kinds[c["id"]],
             "native": c["native"], "dict_size": dict_sizes.get(c["id"], 0)}
            for c in cols
        ],
        "coded": coded,
    }  # fmt: skip
    (idx / META_FILE).write_text(json.dumps(meta, ensure_ascii=False))


def codes_dtype(dict_size: int) -> str:
    return "<u1" if dict_size < 255 else "<u2"  # the last code is NULL


def _write_rows(
    con: duckdb.DuckDBPyConnection, src: str, idx: Path, schema: list[dict[str, str]],
    kinds: dict[str, str], dict_sizes: dict[str, int], n: int, step: Progress,
) -> None:  # fmt: skip
    """The row store, in batches of row numbers read from the Parquet file."""
    import numpy as np

    pos = {c["id"]: i for i, c in enumerate(schema)}
    cols = [c for c in schema if c["id"] != "_id" and kinds[c["id"]] != "none"]
    select, joins = [], []
    for c in cols:
        i, col = pos[c["id"]], ident(c["id"])
        kind = kinds[c["id"]]
        if kind == "codes":
            select.append(f"coalesce(d{i}.code, {dict_sizes[c['id']]}) AS k{i}")
            joins.append(f"LEFT JOIN d{i} ON x.{col} = d{i}.v")
        elif kind == "text":
            select += [f"x.{col} AS k{i}", f"coalesce(strlen(x.{col}), 0) AS l{i}"]
        else:
            base = c["native"].split("(")[0].strip().upper()
            expr = (
                f"date_diff('day', DATE '1970-01-01', x.{col})" if base == "DATE"
                else f"epoch_us(x.{col})" if base == "TIMESTAMP" else f"x.{col}"
            )  # fmt: skip
            select.append(f"{expr} AS k{i}")
    if not cols:
        return
    sql = (
        f"SELECT {', '.join(select)} FROM (SELECT * FROM {src} WHERE _id > ? AND _id <= ?) x "
        + " ".join(joins)
        + " ORDER BY x._id"
    )
    offsets: dict[int, int] = {pos[c["id"]]: 0 for c in cols if kinds[c["id"]] == "text"}
    for i in offsets:
        _append(idx / f"c{i}.off", np.zeros(1, np.uint64))
    for start in range(0, n, BATCH):
        got = con.execute(sql, [start, start + BATCH]).fetchnumpy()
        for c in cols:
            i = pos[c["id"]]
            kind = kinds[c["id"]]
            if kind == "codes":
                _append(
                    idx / f"c{i}.codes",
                    np.asarray(got[f"k{i}"]).astype(codes_dtype(dict_sizes[c["id"]])),
                )
            elif kind == "text":
                values = got[f"k{i}"]
                lengths = np.asarray(got[f"l{i}"]).astype(np.uint64)
                blob = "".join(np.ma.filled(values, "").tolist()).encode()
                ends = offsets[i] + np.cumsum(lengths, dtype=np.uint64)
                if len(blob) != int(lengths.sum()):
                    raise IngestError("文本列长度校验失败，请检查文件编码")
                _append(idx / f"c{i}.blob", np.frombuffer(blob, np.uint8))
                _append(idx / f"c{i}.off", ends)
                _append(idx / f"c{i}.null", np.ma.getmaskarray(values).astype(np.uint8))
                offsets[i] = int(ends[-1]) if len(ends) else offsets[i]
            else:
                values = got[f"k{i}"]
                dtype = RAW_TYPES[c["native"].split("(")[0].strip().upper()]
                _append(idx / f"c{i}.raw", np.ma.filled(values, 0).astype(dtype))
                _append(idx / f"c{i}.null", np.ma.getmaskarray(values).astype(np.uint8))
        if start // BATCH % 16 == 15:
            step(45 + int(20 * start / max(n, 1)), "正在建立查询索引")


def _sort_codes(idx: Path, position: int, dict_size: int, n: int) -> None:
    """s<n>.asc / s<n>.desc of a coded column by counting sort, in batches: (code, row) order
    ascending and (code descending, row) order, NULL (the last code) last in both."""
    import numpy as np

    codes = np.memmap(idx / f"c{position}.codes", dtype=codes_dtype(dict_size), mode="r")
    counts = np.zeros(dict_size + 1, np.int64)
    for start in range(0, n, BATCH * 16):
        counts += np.bincount(codes[start : start + BATCH * 16], minlength=dict_size + 1)
    desc_key = np.arange(dict_size + 1)
    desc_key[:dict_size] = dict_size - 1 - desc_key[:dict_size]  # NULL keeps the last place
    for suffix, key_of in (("asc", None), ("desc", desc_key)):
        key_counts = (
            counts
            if key_of is None
            else np.bincount(key_of, weights=counts, minlength=dict_size + 1).astype(np.int64)
        )
        fill = np.concatenate([[0], np.cumsum(key_counts)[:-1]])
        out = np.memmap(
            idx / f"s{position}.{suffix}", dtype=np.uint32, mode="w+", shape=(max(n, 1),)
        )
        for start in range(0, n, BATCH * 16):
            chunk = codes[start : start + BATCH * 16].astype(np.int64)
            keys = chunk if key_of is None else key_of[chunk]
            order = np.argsort(keys.astype(np.uint16), kind="stable")  # radix sort
            sk = keys[order]
            first = np.searchsorted(sk, sk, side="left")  # the start of each key's run
            out[fill[sk] + (np.arange(len(sk)) - first)] = (order + start).astype(np.uint32)
            fill += np.bincount(keys, minlength=dict_size + 1)
        out.flush()
        del out


def _write_full_csv(
    con: duckdb.DuckDBPyConnection, src: str, idx: Path, schema: list[dict[str, str]]
) -> None:
    select = ", ".join(
        f"CASE WHEN {ident(c['id'])} THEN 'True' WHEN NOT {ident(c['id'])} THEN 'False' END AS {ident(c['id'])}"
        if c["native"].upper() == "BOOLEAN" else ident(c["id"])
        for c in schema
    )  # fmt: skip
    con.execute(
        f"COPY (SELECT {select} FROM {src}) TO {sql_str(str(idx / FULL_CSV))}"
        " (FORMAT CSV, HEADER true, DELIMITER ',', QUOTE '\"', NEW_LINE '\r\n')"
    )


def build_terms(
    con: duckdb.DuckDBPyConnection, src: str, idx: Path, columns: list[str], n: int
) -> None:
    """terms.*: for every character and every pair of adjacent characters of the text values
    (lowercased; whitespace and the column boundary excluded), the sorted row numbers that hold
    it. Built per segment of BATCH rows, so memory stays flat: terms.keys (uint64, sorted per
    segment), terms.starts (uint32, each segment's offsets into its ids, one more than its
    keys), terms.ids (uint32 _id), terms.segs (per segment: offsets into the three files)."""
    import numpy as np

    for name in ("terms.keys", "terms.starts", "terms.ids"):
        (idx / name).write_bytes(b"")
    segs: list[tuple[int, int, int]] = []
    ko = so = io_ = 0
    if columns:
        hay = "lower(concat_ws(chr(31), " + ", ".join(ident(c) for c in columns) + "))"
        sql = f"SELECT {hay} FROM {src} WHERE _id > ? AND _id <= ? ORDER BY _id"
        for start in range(0, n, BATCH):
            got = con.execute(sql, [start, start + BATCH]).fetchnumpy()
            strs = np.ma.filled(next(iter(got.values())), "").tolist()
            lens = np.fromiter(map(len, strs), np.int64, len(strs))
            cps = np.frombuffer("".join(strs).encode("utf-32-le"), np.uint32).astype(np.uint64)
            rows = np.repeat(np.arange(len(strs), dtype=np.uint64), lens)
            ok = (cps > 32) & (cps != 0x3000)
            pair = ok[:-1] & ok[1:] & (rows[:-1] == rows[1:])
            uni = (cps[ok] << np.uint64(16)) | rows[ok]
            bi = ((((cps[:-1] + np.uint64(1)) << np.uint64(21)) | cps[1:]) << np.uint64(16)) | rows[
                :-1
            ]
            comb = np.concatenate([uni, bi[pair]])
            comb.sort()  # np.unique hashes in numpy 2, twenty times slower here
            if len(comb):
                comb = comb[np.concatenate([[True], comb[1:] != comb[:-1]])]
            keys = comb >> np.uint64(16)
            ids = (comb & np.uint64(0xFFFF)).astype(np.uint32) + np.uint32(start + 1)
            cut = np.flatnonzero(np.diff(keys)) + 1
            ukeys = keys[np.concatenate([[0], cut])] if len(keys) else keys
            starts = (
                np.concatenate([[0], cut, [len(keys)]]).astype(np.uint32)
                if len(keys)
                else np.zeros(1, np.uint32)
            )
            _append(idx / "terms.keys", ukeys.astype(np.uint64))
            _append(idx / "terms.starts", starts)
            _append(idx / "terms.ids", ids)
            segs.append((ko, so, io_))
            ko, so, io_ = ko + len(ukeys), so + len(starts), io_ + len(ids)
    segs.append((ko, so, io_))
    np.save(idx / "terms.segs.npy", np.array(segs, dtype=np.int64).reshape(-1, 3))


def term_key(gram: str) -> int:
    """The postings key of a one- or two-character gram (see build_terms)."""
    if len(gram) == 1:
        return ord(gram)
    return ((ord(gram[0]) + 1) << 21) | ord(gram[1])


_QUERY_SPLIT = re.compile(r"[\s,，、;；。!！?？:：\"'“”‘’()（）\[\]【】<>《》]+")


def query_grams(q: str) -> list[str]:
    """What a full-text `q` requires of a row: each word of one character must occur in it, and
    every pair of adjacent characters of a longer word (so 州 finds 杭州, and 公共服务 needs 公共,
    共服 and 服务). Words are split at spaces and punctuation; matching ignores case."""
    out: list[str] = []
    for word in _QUERY_SPLIT.split(q.lower()):
        word = "".join(ch for ch in word if ord(ch) > 32 and ch != "\u3000")
        grams = [word] if len(word) == 1 else [word[i : i + 2] for i in range(len(word) - 1)]
        out.extend(g for g in grams if g and g not in out)
    return out


# --- full-text index --------------------------------------------------------------------------
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[0-9a-z]+|[\u3400-\u9fff\uf900-\ufaff]+")


def tokens(text: str) -> set[str]:
    """Index terms of a value: rjieba search-mode words, ASCII words and single CJK characters."""
    text = text[:MAX_TOKENISED_CHARS].lower()
    out: set[str] = set(_CJK.findall(text))
    for part in _WORD.findall(text):
        out.add(part)
        if _CJK.match(part) and len(part) > 1:
            out.update(w for w in rjieba.cut_for_search(part) if w.strip())
    return out


def query_terms(q: str) -> list[str]:
    """Terms a query must all match: rjieba precise words of each CJK run, ASCII words."""
    out: list[str] = []
    for part in _WORD.findall(q.lower()):
        words = rjieba.cut(part) if _CJK.match(part) else [part]
        for w in words:
            if w.strip() and w not in out:
                out.append(w)
    return out
