"""The 权责清单 as a table (spec §4 Downloads): columns in §1.3 order, CSV as UTF-8 with BOM
for spreadsheets, XLSX with openpyxl. The public download is built from the public selector;
`是否保密` is a column only of the staff export."""

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from .models import PowerVersion

POWER_COLUMNS = [
    "事项编码", "事项名称", "子项名称", "职权类型", "依据", "行使主体", "行使主体性质", "委托机关",
    "承办机构", "行使层级", "责任事项", "追责情形", "监督方式", "监督电话", "救济渠道", "版本",
    "生效日期",
]  # fmt: skip


def power_row(v: PowerVersion) -> list[Any]:
    basis = "；".join(
        f"《{b['title']}》{b['article']}" + (f"：{b['text']}" if b["text"] else "") for b in v.basis
    )
    duties = "；".join(
        f"{r['stage']}：{r['text']}" if r["stage"] else r["text"] for r in v.responsibilities
    )
    return [
        v.item.code, v.name, v.sub_name, v.item.type.name, basis, v.subject,
        v.get_subject_nature_display(), v.entrusting_org, v.handling_unit,
        "、".join(v.level_list), duties, "；".join(v.accountability), v.supervision,
        v.supervision_phone, v.remedy, v.version, v.valid_from.isoformat() if v.valid_from else "",
    ]  # fmt: skip


def csv_bytes(columns: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(columns)
    w.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(columns: list[str], rows: Iterable[list[Any]], title: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append(columns)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
