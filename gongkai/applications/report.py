"""Section 三 of the annual report (政府信息公开工作年度报告, 国办公开办函〔2021〕30号; Art. 49-50).

Pure: case facts in (`CaseFacts`: applicant type, receipt date, closing date, disposition), the
table out (`Section3`), its invariants checked before anything is returned. Nothing personal
enters: the table counts cases, it never names them.

Counting for year Y (spec §4), with 收到申请之日 (Art. 31) as the date a case enters:
- 一、本年新收: received in Y;
- 二、上年结转: received before Y and not closed before Y;
- 三、本年度办理结果: of those two, closed in Y, by disposition (one of 21 leaf rows);
- 四、结转下年度继续办理: of those two, still open on 31 December of Y.
So 一 + 二 = 三（七） + 四 in every column (the template's note: “第一项加第二项之和，等于第三项加
第四项之和”), （七） = the sum of the 21 leaf rows, 总计 = the sum of the six applicant columns.
An online application never confirmed (no receipt date) is not counted: it has not been received.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .dispositions import (
    APPLICANT_TYPE_LABELS,
    DISPOSITIONS,
    ApplicantType,
    Disposition,
)

SECTION_TITLE = "三、收到和处理政府信息公开申请情况"
COLUMN_GROUP = "申请人情况"
ORG_GROUP = "法人或其他组织"
COLUMNS = [*APPLICANT_TYPE_LABELS.values(), "总计"]
APPLICANT_TYPES = list(APPLICANT_TYPE_LABELS)

ROW_NEW = "一、本年新收政府信息公开申请数量"
ROW_CARRIED_IN = "二、上年结转政府信息公开申请数量"
ROW_RESULTS = "三、本年度办理结果"
ROW_TOTAL = "（七）总计"
ROW_CARRIED_OUT = "四、结转下年度继续办理"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


class ReportInvariantError(AssertionError):
    """The table does not add up: a bug, never shown as a report."""


@dataclass(frozen=True)
class CaseFacts:
    applicant_type: ApplicantType
    received_on: dt.date | None
    closed_on: dt.date | None = None
    disposition: Disposition | None = None


@dataclass
class Row:
    key: str  # "new", "carried_in", a Disposition value, "total", "carried_out"
    label: str
    group: str  # "三、本年度办理结果" or "（三）不予公开" …, "" for 一、二、四
    values: list[int] = field(default_factory=lambda: [0] * len(COLUMNS))

    def add(self, column: int) -> None:
        self.values[column] += 1
        self.values[-1] += 1


@dataclass
class Section3:
    year: int
    rows: list[Row]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": SECTION_TITLE,
            "column_groups": [
                {"label": COLUMN_GROUP, "span": len(COLUMNS) - 1},
                {"label": "自然人", "span": 1},
                {"label": ORG_GROUP, "span": len(COLUMNS) - 2},
            ],
            "columns": list(COLUMNS),
            "rows": [
                {"key": r.key, "label": r.label, "group": r.group, "values": list(r.values)}
                for r in self.rows
            ],
            "note": NOTE,
        }


def _empty_rows() -> list[Row]:
    rows = [Row("new", ROW_NEW, ""), Row("carried_in", ROW_CARRIED_IN, "")]
    for d, info in DISPOSITIONS.items():
        group = f"{ROW_RESULTS} {info.group}".strip() if info.group else ROW_RESULTS
        rows.append(Row(d.value, info.label, group))
    rows.append(Row("total", ROW_TOTAL, ROW_RESULTS))
    rows.append(Row("carried_out", ROW_CARRIED_OUT, ""))
    return rows


def build_section3(year: int, cases: Iterable[CaseFacts]) -> Section3:
    """The table of section 三 for `year`; raises ValueError on inconsistent case facts."""
    rows = _empty_rows()
    by_key = {r.key: r for r in rows}
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    column = {t: i for i, t in enumerate(APPLICANT_TYPES)}
    for case in cases:
        received, closed = case.received_on, case.closed_on
        if received is None or received > last:
            continue
        if closed is not None and closed < received:
            raise ValueError(f"办结日期 {closed} 早于收到申请日期 {received}")
        if (closed is None) != (case.disposition is None):
            raise ValueError("已办结的申请须有且仅有一个办理结果，未办结的申请不能有办理结果")
        if closed is not None and closed < first:
            continue  # closed before the year: in neither 二 nor 三
        col = column[ApplicantType(case.applicant_type)]
        by_key["new" if received >= first else "carried_in"].add(col)
        if closed is not None and closed <= last:
            by_key[Disposition(case.disposition).value].add(col)  # type: ignore[arg-type]
            by_key["total"].add(col)
        else:
            by_key["carried_out"].add(col)
    section = Section3(year, rows)
    check_invariants(section)
    return section


def check_invariants(section: Section3) -> None:
    """The three invariants of the template, per column; ReportInvariantError names the broken one."""
    leaves = [section.row(d.value) for d in Disposition]
    new, carried_in = section.row("new"), section.row("carried_in")
    total, carried_out = section.row("total"), section.row("carried_out")
    for c, name in enumerate(COLUMNS):
        if new.values[c] + carried_in.values[c] != total.values[c] + carried_out.values[c]:
            raise ReportInvariantError(f"“{name}”列：一 + 二 ≠ 三（七）+ 四")
        if total.values[c] != sum(r.values[c] for r in leaves):
            raise ReportInvariantError(f"“{name}”列：（七）总计 ≠ 各项办理结果之和")
    for r in section.rows:
        if r.values[-1] != sum(r.values[:-1]):
            raise ReportInvariantError(f"“{r.label}”行：总计 ≠ 各类申请人之和")


# --- section 四: 行政复议 and 行政诉讼 ---------------------------------------------------------------

SECTION4_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
REMEDY_KINDS = ["review", "litigation_direct", "litigation_after_review"]
OUTCOMES = ["upheld", "corrected", "other", "pending"]
OUTCOME_COLUMNS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


@dataclass(frozen=True)
class RemedyFacts:
    kind: str  # one of REMEDY_KINDS
    filed_on: dt.date
    outcome: str  # one of OUTCOMES
    decided_on: dt.date | None = None


def build_section4(year: int, remedies: Iterable[RemedyFacts]) -> dict[str, Any]:
    """One row of 15 columns: 行政复议, 行政诉讼 未经复议直接起诉, 行政诉讼 复议后起诉, each
    {维持, 纠正, 其他, 尚未审结, 总计}. Counted: records filed in `year`, with their outcome as it
    stood on 31 December (decided later: 尚未审结), so a year's table never changes afterwards."""
    last = dt.date(year, 12, 31)
    values = [0] * 15
    for r in remedies:
        if r.filed_on.year != year:
            continue
        decided = r.outcome != "pending" and r.decided_on is not None and r.decided_on <= last
        base = REMEDY_KINDS.index(r.kind) * 5
        values[base + OUTCOMES.index(r.outcome if decided else "pending")] += 1
        values[base + 4] += 1
    for base in (0, 5, 10):
        if values[base + 4] != sum(values[base : base + 4]):
            raise ReportInvariantError(f"第四部分第 {base + 5} 列：总计 ≠ 各项结果之和")
    return {
        "title": SECTION4_TITLE,
        "column_groups": [{"label": "行政复议", "span": 5}, {"label": "行政诉讼", "span": 10}],
        "subgroups": [
            {"label": "", "span": 5},
            {"label": "未经复议直接起诉", "span": 5},
            {"label": "复议后起诉", "span": 5},
        ],
        "columns": OUTCOME_COLUMNS * 3,
        "values": values,
    }


# --- section 二: 主动公开政府信息情况 (Art. 20) ---------------------------------------------------------

SECTION2_TITLE = "二、主动公开政府信息情况"
DOC_KINDS = {"regulation": "规章", "normative": "行政规范性文件"}
DOC_COLUMNS = ["本年制发件数", "本年废止件数", "现行有效件数"]
DECISION_COLUMN = "本年处理决定数量"
FEES_COLUMN = "本年收费金额（单位：万元）"


@dataclass(frozen=True)
class DocFacts:
    """One published 规章 (`regulation`) or 行政规范性文件 (`normative`) document.

    `ended_on`: the day it stopped being in force, None while it is; `repealed`: it ended by
    废止 (repeal), not by 失效 (lapse) — only repeals are counted in 本年废止件数."""

    kind: str  # a key of DOC_KINDS
    published_on: dt.date
    ended_on: dt.date | None = None
    repealed: bool = False


@dataclass(frozen=True)
class StaffFigures:
    """第二十条第（五）（六）（八）项, entered by staff; None = 未填报 (not entered), never 0."""

    licensing: int | None = None
    penalty: int | None = None
    enforcement: int | None = None
    fees: str | None = None  # 万元, a decimal as text so JSON keeps it exact


def build_section2(
    year: int, docs: Iterable[DocFacts], figures: StaffFigures | None = None
) -> dict[str, Any]:
    """Section 二 for `year`, four tables as in the template. For the documents (第二十条第（一）项):
    本年制发 = published in `year`; 本年废止 = repealed (废止) with its end date in `year`;
    现行有效 = published on or before 31 December and not ended on or before that day."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts = {k: [0, 0, 0] for k in DOC_KINDS}
    for d in docs:
        row = counts[d.kind]
        if d.published_on > last:
            continue
        if d.published_on >= first:
            row[0] += 1
        if d.ended_on is not None and d.repealed and first <= d.ended_on <= last:
            row[1] += 1
        if d.ended_on is None or d.ended_on > last:
            row[2] += 1
    f = figures or StaffFigures()

    def table(item: str, columns: list[str], rows: list[tuple[str, list]]) -> dict[str, Any]:
        return {
            "item": item, "columns": ["信息内容", *columns],
            "rows": [{"label": label, "values": values} for label, values in rows],
        }  # fmt: skip

    return {
        "title": SECTION2_TITLE,
        "tables": [
            table("第二十条第（一）项", DOC_COLUMNS,
                  [(label, counts[k]) for k, label in DOC_KINDS.items()]),
            table("第二十条第（五）项", [DECISION_COLUMN], [("行政许可", [f.licensing])]),
            table("第二十条第（六）项", [DECISION_COLUMN],
                  [("行政处罚", [f.penalty]), ("行政强制", [f.enforcement])]),
            table("第二十条第（八）项", [FEES_COLUMN], [("行政事业性收费", [f.fees])]),
        ],
    }  # fmt: skip


TEXT_SECTIONS = {
    "section1": "一、总体情况",
    "section5": "五、存在的主要问题及改进情况",
    "section6": "六、其他需要报告的事项",
}
