"""The lists as tables (spec §4 Downloads; issue 20 `gongkai lists import|export`): columns in
§1.3 / §3 order, CSV as UTF-8 with BOM for spreadsheets, XLSX with openpyxl. The public
download leaves out `是否保密` (and has only public rows); the staff export is the import format.

Multi-valued cells hold one value per line: 依据 `【法律】《标题》第N条：条文`, 责任事项
`阶段：内容`, 追责情形 one per line; 行使层级 `市、县`; 涉及的审批事项 codes separated by 、.
Reading a file: XLSX by content, else CSV in UTF-8 (with or without BOM) or GBK, anything else a
clear error.
"""

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook, load_workbook

from .models import Intermediary, PowerVersion

POWER_COLUMNS = [
    "事项编码", "事项名称", "子项名称", "职权类型", "依据", "行使主体", "行使主体性质", "委托机关",
    "承办机构", "行使层级", "责任事项", "追责情形", "监督方式", "监督电话", "救济渠道",
]  # fmt: skip
PUBLIC_POWER_COLUMNS = [*POWER_COLUMNS, "版本", "生效日期"]
STAFF_POWER_COLUMNS = [*POWER_COLUMNS, "是否保密"]
INTERMEDIARY_COLUMNS = [
    "编码", "中介服务事项名称", "涉及的审批事项", "审批部门", "设定依据", "中介服务实施机构及资质要求",
    "是否收费", "收费性质", "收费依据", "收费标准",
]  # fmt: skip

# which column an error of a field belongs to
POWER_FIELD_COLUMNS = {
    "code": "事项编码", "name": "事项名称", "sub_name": "子项名称", "type_code": "职权类型",
    "basis": "依据", "subject": "行使主体", "subject_nature": "行使主体性质",
    "entrusting_org": "委托机关", "handling_unit": "承办机构", "levels": "行使层级",
    "responsibilities": "责任事项", "accountability": "追责情形", "supervision": "监督方式",
    "supervision_phone": "监督电话", "remedy": "救济渠道", "secret": "是否保密",
}  # fmt: skip
INTERMEDIARY_FIELD_COLUMNS = {
    "code": "编码", "name": "中介服务事项名称", "approval_codes": "涉及的审批事项",
    "approval_dept": "审批部门", "basis": "设定依据",
    "provider_requirements": "中介服务实施机构及资质要求", "charged": "是否收费",
    "fee_nature": "收费性质", "fee_basis": "收费依据", "fee_standard": "收费标准",
}  # fmt: skip

_BASIS = re.compile(
    r"^【(?P<rank>[^】]*)】《(?P<title>[^》]+)》(?P<article>[^：]*)(?:：(?P<text>.*))?$"
)


class FileError(ValueError):
    """The file cannot be read as a table (encoding, format, header)."""


def _lines(value: Any) -> list[str]:
    return [x.strip() for x in str(value or "").splitlines() if x.strip()]


def format_basis(basis: list[dict[str, str]]) -> str:
    return "\n".join(
        f"【{b['rank']}】《{b['title']}》{b['article']}" + (f"：{b['text']}" if b["text"] else "")
        for b in basis
    )


def parse_basis(cell: Any) -> list[dict[str, str]] | str:
    """The 依据 cell as rows, or the bad line (the service then names the column)."""
    out = []
    for line in _lines(cell):
        m = _BASIS.match(line)
        if not m:
            return line
        out.append({k: (m.group(k) or "").strip() for k in ("rank", "title", "article", "text")})
    return out


def power_row(v: PowerVersion, *, staff: bool = False) -> list[Any]:
    duties = "\n".join(
        f"{r['stage']}：{r['text']}" if r["stage"] else r["text"] for r in v.responsibilities
    )
    row: list[Any] = [
        v.item.code, v.name, v.sub_name, v.item.type.name, format_basis(v.basis), v.subject,
        v.get_subject_nature_display(), v.entrusting_org, v.handling_unit,
        "、".join(v.level_list), duties, "\n".join(v.accountability), v.supervision,
        v.supervision_phone, v.remedy,
    ]  # fmt: skip
    if staff:
        return [*row, "是" if v.item.secret else "否"]
    return [*row, v.version, v.valid_from.isoformat() if v.valid_from else ""]


def power_data(row: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """One import row as the services' data, and cell errors found while reading it."""
    errors: dict[str, str] = {}
    basis = parse_basis(row.get("依据"))
    if isinstance(basis, str):
        errors["依据"] = f"无法识别的依据“{basis[:40]}”，应为：【法律】《名称》第N条：条文"
        basis = []
    duties = []
    for line in _lines(row.get("责任事项")):
        stage, sep, text = line.partition("：")
        duties.append({"stage": stage, "text": text} if sep else {"stage": "", "text": line})
    secret_cell = (row.get("是否保密") or "否").strip()
    if secret_cell not in ("是", "否", ""):
        errors["是否保密"] = "是否保密应填“是”或“否”"
    is_secret = secret_cell == "是"  # noqa: S105 (a yes/no cell, not a password)
    data = {
        "code": row.get("事项编码", ""), "name": row.get("事项名称", ""),
        "sub_name": row.get("子项名称", ""), "type_code": row.get("职权类型", ""),
        "basis": basis, "subject": row.get("行使主体", ""),
        "subject_nature": row.get("行使主体性质", ""), "entrusting_org": row.get("委托机关", ""),
        "handling_unit": row.get("承办机构", ""), "levels": row.get("行使层级", ""),
        "responsibilities": duties, "accountability": _lines(row.get("追责情形")),
        "supervision": row.get("监督方式", ""), "supervision_phone": row.get("监督电话", ""),
        "remedy": row.get("救济渠道", ""), "secret": is_secret,
    }  # fmt: skip
    return data, errors


def intermediary_row(x: Intermediary) -> list[Any]:
    return [
        x.code, x.name, "、".join(p.code for p in x.approval_items.all()), x.approval_dept,
        x.basis, x.provider_requirements, "是" if x.charged else "否",
        x.get_fee_nature_display() if x.charged else "", x.fee_basis, x.fee_standard,
    ]  # fmt: skip


def intermediary_data(row: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    charged = (row.get("是否收费") or "否").strip()
    if charged not in ("是", "否"):
        errors["是否收费"] = "是否收费应填“是”或“否”"
    data = {
        "code": row.get("编码", ""), "name": row.get("中介服务事项名称", ""),
        "approval_codes": [c for c in re.split(r"[、,，;；\s]+", row.get("涉及的审批事项") or "") if c],
        "approval_dept": row.get("审批部门", ""), "basis": row.get("设定依据", ""),
        "provider_requirements": row.get("中介服务实施机构及资质要求", ""),
        "charged": charged == "是", "fee_nature": row.get("收费性质", ""),
        "fee_basis": row.get("收费依据", ""), "fee_standard": row.get("收费标准", ""),
    }  # fmt: skip
    return data, errors


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


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not) or GBK; anything else is refused, never guessed further."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gbk")
    except UnicodeDecodeError:
        raise FileError("无法识别文件编码：CSV 文件应为 UTF-8（可带 BOM）或 GBK 编码") from None


def read_table(data: bytes, columns: list[str]) -> list[dict[str, str]]:
    """Rows as {header: cell} (row 1 is the header); a missing required column is an error."""
    if data[:2] == b"PK":
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a broken file
            raise FileError(f"无法读取 XLSX 文件：{e}") from None
        ws = wb.worksheets[0]
        raw = [
            ["" if c is None else str(c).strip() for c in row]
            for row in ws.iter_rows(values_only=True)
        ]
    else:
        raw = [[c.strip() for c in row] for row in csv.reader(io.StringIO(decode_csv(data)))]
    raw = [r for r in raw if any(r)]
    if not raw:
        raise FileError("文件为空")
    header = raw[0]
    missing = [c for c in columns[:2] if c not in header]
    if missing:
        raise FileError(f"表头缺少列：{'、'.join(missing)}（应为：{','.join(columns)}）")
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        raise FileError(f"表头有未知的列：{'、'.join(unknown)}（应为：{','.join(columns)}）")
    return [dict(zip(header, r + [""] * (len(header) - len(r)), strict=False)) for r in raw[1:]]
