"""文号 — the document number an agency gives its documents.

Form (GB/T 9704-2012 §7.2.3): 发文机关代字 + year in 〔〕 + serial + 号, with no 第 and no zero
padding, e.g. 国办发〔2017〕47号. Officials type the brackets in many ways; we normalise
`[] 【】 () （） ［］ 〔〕` around the year to 〔〕 and refuse what still does not fit.
"""

import re

_BRACKETS = r"[\[【(（［〔{｛<〈《]"
_CLOSERS = r"[\]】)）］〕}｝>〉》]"
_LOOSE = re.compile(
    rf"^\s*(?P<agency>.+?)\s*{_BRACKETS}\s*(?P<year>\d{{4}})\s*{_CLOSERS}\s*第?\s*(?P<serial>\d+)\s*号?\s*$"
)
_STRICT = re.compile(
    r"^(?P<agency>[\u4e00-\u9fffA-Za-z0-9·]+)〔(?P<year>\d{4})〕(?P<serial>[1-9]\d*)号$"
)

FORMAT_HINT = "文号应为“发文机关代字〔年份〕序号号”，例如：国办发〔2017〕47号"


class DocNumberError(ValueError):
    """The input cannot be read as a 文号."""


def normalize_doc_number(raw: str) -> str:
    """Return the canonical 文号 for `raw`, or raise DocNumberError with a Chinese message."""
    text = (raw or "").strip()
    if not text:
        raise DocNumberError("文号不能为空")
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = _LOOSE.match(text)
    if not m:
        raise DocNumberError(f"无法识别的文号“{raw}”。{FORMAT_HINT}")
    agency = re.sub(r"\s+", "", m["agency"])
    year = int(m["year"])
    serial = int(m["serial"])
    if not 1949 <= year <= 2100:
        raise DocNumberError(f"文号中的年份 {year} 不合理。{FORMAT_HINT}")
    if serial == 0:
        raise DocNumberError(f"文号序号不能为 0。{FORMAT_HINT}")
    result = f"{agency}〔{year}〕{serial}号"
    if not _STRICT.match(result):
        raise DocNumberError(f"发文机关代字“{agency}”含有不允许的字符。{FORMAT_HINT}")
    return result
