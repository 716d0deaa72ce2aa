"""Reading a key-work task list (CSV or XLSX) for `gongkai import_tasks` (spec response.md §1).

Pure: no database. Columns 序号, 大类, 任务, 牵头部门, 配合部门, 完成时限 (header row first, in any
order). Every bad cell is reported with its row (as the spreadsheet numbers it) and column; the
caller imports nothing when there is any. 牵头部门 names one unit or none (a list there is an
error: reading the first as the lead is only a convention, staff must confirm it); 配合部门 is
separated by 、，, or ；. 完成时限 accepts 2026-06-30, 2026/6/30, 2026年6月30日, 2026年6月底,
2026年底 (month/year end) or is empty.
"""

import calendar
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("序号", "大类", "任务", "牵头部门", "配合部门", "完成时限")
REQUIRED = ("序号", "任务")
_SPLIT = re.compile(r"[、，,；;]+")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_CN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_MONTH_END = re.compile(r"^(\d{4})年(\d{1,2})月(?:底|末)$")
_YEAR_END = re.compile(r"^(\d{4})年(?:底|末)$")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Row:
    line: int
    number: int
    category: str
    title: str
    lead: str
    co: list[str] = field(default_factory=list)
    due_on: dt.date | None = None


def parse_due(text: str) -> dt.date | None:
    """A 完成时限; None when empty; ValueError when unreadable."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    for pattern in (_ISO, _CN):
        if m := pattern.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH_END.match(text):
        year, month = int(m[1]), int(m[2])
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if m := _YEAR_END.match(text):
        return dt.date(int(m[1]), 12, 31)
    raise ValueError(
        f"无法识别的日期“{text}”，应为 2026-06-30、2026年6月30日、2026年6月底或2026年底"
    )


def read_table(path: Path) -> list[list[str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = []
        for values in ws.iter_rows(values_only=True):
            rows.append([_cell(v) for v in values])
        wb.close()
        return rows
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("文件既不是 UTF-8 也不是 GB18030 编码")
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def parse(table: list[list[str]]) -> tuple[list[Row], list[Problem]]:
    problems: list[Problem] = []
    if not table:
        return [], [Problem(1, "", "文件为空")]
    header = [h.strip() for h in table[0]]
    index = {name: header.index(name) for name in COLUMNS if name in header}
    for name in COLUMNS:
        if name not in index:
            problems.append(Problem(1, name, "缺少该列"))
    if problems:
        return [], problems
    rows: list[Row] = []
    seen: dict[int, int] = {}
    for line, cells in enumerate(table[1:], start=2):
        get = {
            name: (cells[i].strip() if i < len(cells) and cells[i] else "")
            for name, i in index.items()
        }
        if not any(get.values()):
            continue  # blank line
        for name in REQUIRED:
            if not get[name]:
                problems.append(Problem(line, name, "不能为空"))
        number = 0
        if get["序号"]:
            try:
                number = int(get["序号"])
                if number <= 0:
                    raise ValueError
            except ValueError:
                problems.append(Problem(line, "序号", f"应为正整数，而不是“{get['序号']}”"))
        if number and number in seen:
            problems.append(Problem(line, "序号", f"与第 {seen[number]} 行重复"))
        seen.setdefault(number, line)
        leads = [x for x in _SPLIT.split(get["牵头部门"]) if x.strip()]
        if len(leads) > 1:
            problems.append(Problem(line, "牵头部门", "只能填写一个牵头部门，其余请填入配合部门"))
        co = [x.strip() for x in _SPLIT.split(get["配合部门"]) if x.strip()]
        due = None
        try:
            due = parse_due(get["完成时限"])
        except ValueError as e:
            problems.append(Problem(line, "完成时限", str(e)))
        rows.append(
            Row(line, number, get["大类"], get["任务"], leads[0].strip() if leads else "", co, due)
        )
    return rows, problems
