"""Exports of the annual report: sections 三 and 四 as XLSX worksheets laid out like the template,
as plain text (the `gongkai annual_report --format text` output and the demo's closing note), and
the whole report, sections 一 to 六, as DOCX (the minimal writer of `docx.py` has paragraphs only,
so each table row is a line: label, then every column with its value)."""

import io
from typing import Any


def xlsx_bytes(data: dict[str, Any]) -> bytes:
    """Section 三 as a worksheet laid out like the template (merged headers, 21 leaf rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    s3 = data["section3"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "三、收到和处理申请情况"
    ws.append([f"{data['org']}{data['year']}年政府信息公开工作年度报告"])
    ws.append([s3["title"]])
    ws.append(["", "", "", "申请人情况"])
    ws.append(["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"])
    ws.append(["", "", "", *s3["columns"][:-1], ""])
    ws.merge_cells("D3:J3")
    ws.merge_cells("E4:I4")
    ws.merge_cells("D4:D5")
    ws.merge_cells("J4:J5")
    ws.merge_cells("A3:C5")
    for row in s3["rows"]:
        top, _, sub = row["group"].partition(" ")
        ws.append([top, sub, row["label"], *row["values"]])
    ws.append([s3["note"]])
    for cell in ws[1] + ws[2]:
        cell.font = Font(bold=True)
    for line in ws.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 40
    s4 = data.get("section4")
    if s4:
        ws4 = wb.create_sheet("四、行政复议、行政诉讼情况")
        ws4.append([s4["title"]])
        ws4.append(["行政复议", "", "", "", "", "行政诉讼"])
        ws4.append(["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉"])
        ws4.append(list(s4["columns"]))
        ws4.append(list(s4["values"]))
        ws4.merge_cells("A2:E3")
        ws4.merge_cells("F2:O2")
        ws4.merge_cells("F3:J3")
        ws4.merge_cells("K3:O3")
        ws4["A1"].font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 127 else 1 for ch in text)


def text_table(data: dict[str, Any]) -> str:
    """The tables as plain text (for a terminal or the closing note of `make run`)."""
    s3, s4 = data["section3"], data["section4"]
    label_width = 52
    lines = [f"{data['org']}{data['year']}年政府信息公开工作年度报告", "", s3["title"]]
    head = "".join(" " * (12 - _display_width(c)) + c for c in s3["columns"])
    lines.append(" " * label_width + head)
    for r in s3["rows"]:
        group = r["group"].rpartition(" ")[2] if " " in r["group"] else ""
        label = (group[:3] if group else "") + r["label"]
        if _display_width(label) > label_width - 2:
            while _display_width(label) > label_width - 4:
                label = label[:-1]
            label += "…"
        pad = label_width - _display_width(label)
        lines.append(label + " " * pad + "".join(f"{v:>12}" for v in r["values"]))
    lines += ["", s4["title"]]
    for name, start in (
        ("行政复议", 0),
        ("行政诉讼·未经复议直接起诉", 5),
        ("行政诉讼·复议后起诉", 10),
    ):
        pairs = zip(s4["columns"][start : start + 5], s4["values"][start : start + 5], strict=True)
        lines.append(f"{name}：" + "，".join(f"{c} {v}" for c, v in pairs))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    return "未填报" if value is None else str(value)


def docx_bytes(data: dict[str, Any]) -> bytes:
    """The report, sections 一 to 六 in the template's order, as a .docx file."""
    from .docx import TITLE_FONT, TITLE_SIZE, Para, document_bytes

    def heading(text: str) -> Para:
        return Para(text, align="left", bold=True, indent=False)

    def text(section: dict[str, Any]) -> list[Para]:
        lines = [ln.strip() for ln in section["text"].splitlines() if ln.strip()]
        return [heading(section["title"]), *(Para(ln) for ln in lines or ["（尚未填写）"])]

    title = f"{data['org']}{data['year']}年政府信息公开工作年度报告"
    out = [Para(title, align="center", size=TITLE_SIZE, font=TITLE_FONT, indent=False)]
    out += text(data["section1"])
    out.append(heading(data["section2"]["title"]))
    for t in data["section2"]["tables"]:
        out.append(Para(t["item"], bold=True))
        for r in t["rows"]:
            pairs = zip(t["columns"][1:], r["values"], strict=True)
            out.append(Para(f"{r['label']}：" + "，".join(f"{c} {_cell(v)}" for c, v in pairs)))
    s3 = data["section3"]
    out.append(heading(s3["title"]))
    for r in s3["rows"]:
        group = r["group"].rpartition(" ")[2] if " " in r["group"] else ""
        pairs = zip(s3["columns"], r["values"], strict=True)
        label = f"{group[:3] if group else ''}{r['label']}"
        out.append(Para(f"{label}：" + "，".join(f"{c} {v}" for c, v in pairs), indent=False))
    out.append(Para(s3["note"], indent=False))
    s4 = data["section4"]
    out.append(heading(s4["title"]))
    for name, start in (
        ("行政复议", 0),
        ("行政诉讼·未经复议直接起诉", 5),
        ("行政诉讼·复议后起诉", 10),
    ):
        pairs = zip(s4["columns"][start : start + 5], s4["values"][start : start + 5], strict=True)
        out.append(Para(f"{name}：" + "，".join(f"{c} {v}" for c, v in pairs)))
    out += text(data["section5"])
    out += text(data["section6"])
    return document_bytes(out)
