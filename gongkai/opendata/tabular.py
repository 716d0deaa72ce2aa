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
- The full-text index (`terms.parquet`, token → _id, sorted by token) holds rjieba search-mode
  words and single CJK characters of every text value, so `q=州` finds 杭州 — no DuckDB `fts`
  extension needed. Values are segmented once per distinct value, not once per row.
"""

import codecs
import csv
import datetime as dt
import hashlib
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
TERMS_FILE = "terms.parquet"
SORT_DIR = "sort"  # a pre-sorted copy of the table per column: sort/<column number>.parquet
MAX_SORT_INDEXES = 12  # wider tables: the remaining columns sort with DuckDB's top-N
# small row groups: a page (by _id or by sort position) reads one or two of them
DATA_ROW_GROUP = 16384
SORT_ROW_GROUP = 8192
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
    con.execute("SET memory_limit='1GB'")  # spills to temp_directory instead of growing
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
    """Read `source` (CSV/XLSX/JSON) into `work`/data.parquet and `work`/terms.parquet."""
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
    step(60, "正在建立排序索引")
    build_sort_indexes(con, out, work, [c["id"] for c in schema])
    step(70, "正在建立全文索引")
    build_terms(con, out, work, [c["id"] for c in schema if c["type"] == "text"])
    step(95, "正在完成")
    shutil.rmtree(work / "tmp", ignore_errors=True)
    return IngestResult(row_count=int(count[0]) if count else 0, schema=schema, encoding=encoding)


# --- sort indexes -----------------------------------------------------------------------------
def sort_index_path(work: Path, position: int) -> Path:
    """The sort index of the column at `position` in the schema (file names stay ASCII)."""
    return work / SORT_DIR / f"{position}.parquet"


def build_sort_indexes(
    con: duckdb.DuckDBPyConnection, data: Path, work: Path, columns: list[str]
) -> None:
    """sort/<n>.parquet per column: a copy of the whole table in (value ASC NULLS LAST, _id)
    order, with `_pos` (the row's place in that order) and `_pd` (its place in DESC NULLS
    LAST, _id order) in front.

    A sorted page is then `_pos` (or `_pd`) in [offset, offset + limit): a range that the row
    groups' min/max statistics find without sorting, reading one or two small row groups.
    `_id` is the row number and already in order, so it needs no copy. The cost is disk: each
    copy is about the size of data.parquet."""
    (work / SORT_DIR).mkdir(exist_ok=True)
    src = f"read_parquet({sql_str(str(data))})"
    for position, name in enumerate(columns[: MAX_SORT_INDEXES + 1]):
        if name == "_id":
            continue
        col = ident(name)
        con.execute(
            f"COPY (SELECT row_number() OVER (ORDER BY {col} ASC NULLS LAST, _id) - 1 AS _pos,"
            f" row_number() OVER (ORDER BY {col} DESC NULLS LAST, _id) - 1 AS _pd, *"
            f" FROM {src} ORDER BY _pos) TO {sql_str(str(sort_index_path(work, position)))}"
            f" (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE {SORT_ROW_GROUP})"
        )


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


def build_terms(con: duckdb.DuckDBPyConnection, data: Path, work: Path, columns: list[str]) -> None:
    """terms.parquet: (token, _id) for every token of every text value, sorted by token."""
    terms_out = work / TERMS_FILE
    if not columns:
        con.execute(
            f"COPY (SELECT ''::VARCHAR AS token, 0::BIGINT AS _id WHERE false) TO "
            f"{sql_str(str(terms_out))} (FORMAT PARQUET)"
        )
        return
    vt = work / "value_tokens.csv"
    src = f"read_parquet({sql_str(str(data))})"
    with vt.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for i, col in enumerate(columns):
            cur = con.execute(f"SELECT DISTINCT {ident(col)} FROM {src} WHERE {ident(col)} <> ''")
            while batch := cur.fetchmany(10000):
                for (value,) in batch:
                    for tok in tokens(value):
                        w.writerow([i, value, tok])
    table = (
        f"read_csv({sql_str(str(vt))}, header=false, delim=',', quote='\"', escape='\"', auto_detect=false,"
        " columns={'col': 'INTEGER', 'value': 'VARCHAR', 'token': 'VARCHAR'})"
    )
    con.execute(f"CREATE TEMP TABLE vt AS SELECT * FROM {table}")
    joins = " UNION ALL ".join(
        f"SELECT vt.token, d._id FROM {src} d JOIN vt ON vt.col = {i} AND d.{ident(c)} = vt.value"
        for i, c in enumerate(columns)
    )
    con.execute(
        f"COPY (SELECT DISTINCT token, _id FROM ({joins}) ORDER BY token, _id) TO "
        f"{sql_str(str(terms_out))} (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 122880)"
    )
    con.execute("DROP TABLE vt")
    vt.unlink(missing_ok=True)
