"""Exports of the annual report: section 三 as an XLSX worksheet laid out like the template."""

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
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
