"""Reading a 标准目录 template (gazette-catalog spec §3): XLSX with one sheet per domain (two
header rows, merged cells, ■/√ ticks) or one sheet / CSV with a 领域 column; CSV in UTF-8 (with
or without BOM) or GBK/GB18030. Pure parsing: `parse` returns rows for `services.import_rows` or
raises `ImportFailed` with a one-line Chinese message (nothing is written then)."""

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from gongkai.lib.timelimit import parse_rule

TICKS = {"■", "√", "✓", "✔", "☑", "是", "y", "Y", "1"}
GROUPS = {"公开渠道": "channels", "公开对象": "audience", "公开方式": "mode", "公开层级": "levels"}
SINGLE = {  # header label (prefix) → field
    "序号": "seq", "一级事项": "level1", "二级事项": "level2", "公开内容": "content",
    "公开依据": "basis", "公开时限": "time_limit_text", "公开主体": "publisher", "领域": "domain",
}  # fmt: skip
REQUIRED = {"seq": "序号", "level1": "一级事项", "content": "公开内容", "time_limit_text": "公开时限",
            "publisher": "公开主体"}  # fmt: skip
_RANK = re.compile(r"【([^】]{1,10})】")


class ImportFailed(ValueError):
    """Not a spreadsheet, a missing column or an unknown domain: nothing is imported."""


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def parse_basis(text: str) -> list[dict[str, str]]:
    """ "【法律】《政府信息公开条例》【规章】《…》" → [{rank: 法律, title: …}, …]."""
    text = text.strip()
    if not text:
        return []
    parts = _RANK.split(text)
    if len(parts) == 1:
        return [{"rank": "", "title": t.strip()} for t in re.split(r"[\n；;]+", text) if t.strip()]
    out = [{"rank": "", "title": parts[0].strip()}] if parts[0].strip() else []
    for rank, title in zip(parts[1::2], parts[2::2], strict=False):
        for t in re.split(r"[\n；;]+", title):
            if t.strip():
                out.append({"rank": rank, "title": t.strip()})
    return out


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，/；;\n]+", text) if p.strip()]


def _columns(headers: list[list[str]]) -> tuple[dict[int, str], dict[int, tuple[str, str]]]:
    """Column → field, and tick column → (field, option), from one or two header rows."""
    single: dict[int, str] = {}
    ticks: dict[int, tuple[str, str]] = {}
    width = max(len(h) for h in headers)
    for j in range(width):
        top = headers[0][j] if j < len(headers[0]) else ""
        sub = headers[1][j] if len(headers) > 1 and j < len(headers[1]) else ""
        group = next((f for k, f in GROUPS.items() if top.startswith(k)), None)
        if group and sub and sub != top:
            ticks[j] = (group, sub)
            continue
        if group:
            single[j] = group  # a text column such as "政府网站、两微一端"
            continue
        for label in (sub, top):
            name = next((f for k, f in SINGLE.items() if label.startswith(k)), None)
            if name and name not in single.values():
                single[j] = name
                break
    return single, ticks


def _header_rows(rows: list[list[str]]) -> int:
    """Index of the first header row (the one holding 序号)."""
    for i, row in enumerate(rows[:10]):
        if any(c.startswith("序号") for c in row):
            return i
    raise ImportFailed("未找到表头：缺少“序号”列")


def _table(rows: list[list[str]], domain: str | None, first_row: int) -> list[dict[str, Any]]:
    start = _header_rows(rows)
    second = rows[start + 1] if start + 1 < len(rows) else []
    seq_col = next(j for j, c in enumerate(rows[start]) if c.startswith("序号"))
    cell = second[seq_col] if seq_col < len(second) else ""
    # a second header row: its 序号 cell is empty or merge-filled, never a number
    two = any(second) and not re.fullmatch(r"\d+(\.0)?", cell)
    headers = [rows[start], second] if two else [rows[start]]
    single, ticks = _columns(headers)
    have = set(single.values())
    missing = [label for f, label in REQUIRED.items() if f not in have]
    if domain is None and "domain" not in have:
        missing.append("领域")
    if missing:
        raise ImportFailed(f"缺少列：{'、'.join(missing)}")
    out: list[dict[str, Any]] = []
    previous = {"time_limit_text": "", "time_limit_rule": "wd20"}
    for i, row in enumerate(rows[start + len(headers) :], start=start + len(headers) + first_row):
        if not any(row):
            continue
        item: dict[str, Any] = {"row": i, "domain": domain, "channels": [], "audience": [],
                                "mode": [], "levels": []}  # fmt: skip
        for j, name in single.items():
            value = row[j] if j < len(row) else ""
            item[name] = _split(value) if name in GROUPS.values() else value
        for j, (name, option) in ticks.items():
            if j < len(row) and row[j].strip() in TICKS:
                item[name].append(option)
        seq = _text(item.get("seq"))
        item["seq"] = int(float(seq)) if re.fullmatch(r"\d+(\.0)?", seq) else seq or None
        item["basis"] = parse_basis(_text(item.get("basis")))
        limit = _text(item.get("time_limit_text"))
        if limit == "同上":  # = the row above
            item["time_limit_text"], item["time_limit_rule"] = (
                previous["time_limit_text"], previous["time_limit_rule"])  # fmt: skip
        else:
            item["time_limit_text"], item["time_limit_rule"] = limit, parse_rule(limit)
        previous = {"time_limit_text": item["time_limit_text"],
                    "time_limit_rule": item["time_limit_rule"]}  # fmt: skip
        for k in ("level1", "level2", "content", "publisher"):
            item[k] = _text(item.get(k))
        item["domain"] = domain or _text(item.get("domain"))
        out.append(item)
    return out


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed("无法识别文件编码（应为 UTF-8 或 GBK/GB18030）")


def _sheet_rows(ws: Any) -> list[list[str]]:
    grid = [[_text(c) for c in row] for row in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:  # merged header cells: the value of the top-left one
        value = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else ""
        for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
            for c in range(rng.min_col - 1, min(rng.max_col, len(grid[r]))):
                if r < len(grid) and not grid[r][c]:
                    grid[r][c] = value
    return grid


def parse(raw: bytes, name: str, domains: Iterable[str]) -> list[dict[str, Any]]:
    known = set(domains)
    rows: list[dict[str, Any]] = []
    if raw[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(raw), read_only=False, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
            raise ImportFailed(f"不是有效的 XLSX 文件：{e}") from e
        for ws in wb.worksheets:
            grid = _sheet_rows(ws)
            if not any(any(r) for r in grid):
                continue
            domain = ws.title.strip() if ws.title.strip() in known else None
            rows += _table(grid, domain, first_row=1)
    elif name.lower().endswith((".csv", ".txt")):
        text = _decode(raw)
        if "\x00" in text:
            raise ImportFailed("不是文本表格（含 NUL 字符）")
        rows = _table([[_text(c) for c in r] for r in csv.reader(io.StringIO(text))], None, 1)
    else:
        raise ImportFailed("不是表格文件：请提供 XLSX 或 CSV")
    unknown = sorted({r["domain"] for r in rows if r["domain"] not in known})
    if unknown:
        raise ImportFailed(f"未知的领域：{'、'.join(unknown)}")
    return rows
