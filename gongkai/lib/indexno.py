"""索引号 — the permanent, unique index number of a government information item.

Form `前段码/后段码`: the prefix identifies the publisher, the suffix is `year-serial`
(《政府信息公开目录系统实施指引（试行）》). Agencies differ in the prefix and in the period of the
serial, so the format is a per-organisation template; placeholders may be written in Chinese
or English:

    {行政区划代码} / {region}    6-digit administrative division code
    {机构代码} / {org_code}      the agency's own code (e.g. 141, 000014349)
    {统一社会信用代码} / {credit_code}
    {year} {month}               the period of publication
    {seq}                        the serial, e.g. {seq:05d}

When the template contains {month} serials count per month, otherwise per year.
"""

import re
import string
from dataclasses import dataclass

DEFAULT_FORMAT = "{行政区划代码}-{机构代码}/{year}-{seq:05d}"
_ALIASES = {"行政区划代码": "region", "机构代码": "org_code", "统一社会信用代码": "credit_code"}
_KNOWN = {"region", "org_code", "credit_code", "year", "month", "seq"}
INDEX_NO_RE = re.compile(
    r"^(?P<prefix>[0-9A-Za-z\-]+)/(?P<period>\d{4}(?:\d{2})?)-(?P<serial>\d+)$"
)


class IndexFormatError(ValueError):
    """A template or an index number does not have the form 前段码/年份-序号."""


@dataclass(frozen=True)
class Publisher:
    region: str = ""
    org_code: str = ""
    credit_code: str = ""


def _fields(template: str) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as e:
        raise IndexFormatError(f"索引号格式“{template}”无法解析：{e}") from e
    return [_ALIASES.get(f, f) for _, f, _, _ in parsed if f is not None]


def validate_format(template: str) -> None:
    """Raise IndexFormatError unless `template` renders `<prefix>/<year…>-<serial>`."""
    fields = _fields(template)
    unknown = [f for f in fields if f not in _KNOWN]
    if unknown:
        raise IndexFormatError(f"索引号格式含未知占位符：{'、'.join(unknown)}")
    if "seq" not in fields or "year" not in fields:
        raise IndexFormatError("索引号格式必须包含 {year} 和 {seq}")
    sample = render(template, Publisher("110000", "000", "91110000000000000X"), 2020, 1, 1)
    if not INDEX_NO_RE.match(sample):
        raise IndexFormatError(f"索引号格式应为“前段码/年份-序号”，按此格式生成的是“{sample}”")


def period_of(template: str, year: int, month: int) -> str:
    """The counting period: serials restart each period and are never reused within one."""
    return f"{year}{month:02d}" if "month" in _fields(template) else f"{year}"


def render(template: str, publisher: Publisher, year: int, month: int, seq: int) -> str:
    normalized = template
    for zh, en in _ALIASES.items():
        normalized = normalized.replace("{" + zh, "{" + en)
    return normalized.format(
        region=publisher.region,
        org_code=publisher.org_code,
        credit_code=publisher.credit_code,
        year=year,
        month=month,
        seq=seq,
    )


def validate_index_no(value: str) -> None:
    if not INDEX_NO_RE.match(value or ""):
        raise IndexFormatError(f"索引号“{value}”不符合“前段码/年份-序号”的格式")
