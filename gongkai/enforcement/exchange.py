"""The 信用中国 双公示 exchange file (shared/spec/enforcement.md §2, §3): column order, header
matching (spaces and full-/half-width brackets ignored; `行政相对人代码_1(统一社会信用代码)`,
`行政相对人代码_1` and `统一社会信用代码` are one column), and reading CSV (UTF-8, UTF-8 with BOM,
GBK) or XLSX into rows of field names. No Django, no database.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterator

SUBJECT = [
    ("行政相对人名称", "subject_name"), ("行政相对人类别", "subject_type"),
    ("行政相对人代码_1(统一社会信用代码)", "credit_code"), ("行政相对人代码_2(工商注册号)", "reg_no"),
    ("行政相对人代码_3(组织机构代码)", "org_code_no"), ("行政相对人代码_4(税务登记号)", "tax_no"),
    ("行政相对人代码_5(事业单位证书号)", "institution_no"),
    ("行政相对人代码_6(社会组织登记证号)", "social_org_no"), ("法定代表人", "legal_rep"),
    ("法定代表人证件类型", "legal_rep_id_type"), ("法定代表人证件号码", "legal_rep_id_number"),
    ("证件类型", "id_type"), ("证件号码", "id_number"),
]  # fmt: skip
LICENCE = [
    *SUBJECT, ("行政许可决定文书名称", "decision_title"), ("行政许可决定文书号", "decision_no"),
    ("许可类别", "category_code"), ("许可证书名称", "licence_name"), ("许可编号", "licence_no"),
    ("许可内容", "content"), ("许可决定日期", "decided_on"), ("有效期自", "valid_from"),
    ("有效期至", "valid_to"), ("许可机关", "authority"),
    ("许可机关统一社会信用代码", "authority_credit_code"), ("当前状态", ""),
    ("数据来源单位", "source"), ("数据来源单位统一社会信用代码", "source_credit_code"),
    ("备注", "remarks"),
]  # fmt: skip
PENALTY = [
    *SUBJECT, ("行政处罚决定书文号", "decision_no"), ("违法行为类型", "violation_type"),
    ("违法事实", "facts"), ("处罚依据", "basis"), ("处罚类别", "type_codes"), ("处罚内容", "content"),
    ("罚款金额（万元）", "fine_wan"), ("没收违法所得、没收非法财物的金额（万元）", "confiscated_wan"),
    ("暂扣或吊销证照名称及编号", "licence_revoked"), ("处罚决定日期", "decided_on"),
    ("处罚有效期", "valid_until"), ("公示截止期", ""), ("处罚机关", "authority"),
    ("处罚机关统一社会信用代码", "authority_credit_code"), ("数据来源单位", "source"),
    ("数据来源单位统一社会信用代码", "source_credit_code"), ("备注", "remarks"),
]  # fmt: skip
LICENCE_HEADERS = [h for h, _ in LICENCE]
PENALTY_HEADERS = [h for h, _ in PENALTY]
COLUMNS = {"licence": LICENCE, "penalty": PENALTY}


class FileError(ValueError):
    """The file cannot be read as an exchange file at all."""


def norm(header: str) -> str:
    text = unicodedata.normalize("NFKC", header or "")  # full-width brackets → half-width
    return re.sub(r"\s+", "", text).replace("\ufeff", "")


def header_map(kind: str) -> dict[str, str]:
    """Every accepted spelling of a header → its field ('' for computed columns, ignored)."""
    out: dict[str, str] = {}
    for header, field in COLUMNS[kind]:
        h = norm(header)
        out[h] = field
        if m := re.fullmatch(r"(.+?)\((.+)\)", h):
            out.setdefault(m.group(1), field)
            out.setdefault(m.group(2), field)
    return out


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError("无法识别文件编码（应为 UTF-8 或 GBK）")


def _table(data: bytes, name: str) -> list[list[str]]:
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # a broken workbook is the file's fault, said plainly
            raise FileError(f"无法读取 XLSX：{exc}") from exc
        return [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(decode(data))))


def _cell(v: object) -> str:
    if v is None:
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%Y/%m/%d")
    return str(v)


def read_rows(
    data: bytes, name: str, kind: str
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """(unknown headers, rows as {field: text} numbered from 2 — the header is row 1)."""
    table = _table(data, name)
    if not table:
        raise FileError("文件为空")
    known = header_map(kind)
    headers = [norm(h) for h in table[0]]
    unknown = [h for h in headers if h and h not in known]
    fields = [known.get(h, "") for h in headers]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for i, row in enumerate(table[1:], start=2):
            if not any(c.strip() for c in row):
                continue
            yield i, {f: row[j].strip() for j, f in enumerate(fields) if f and j < len(row)}

    return unknown, rows()
