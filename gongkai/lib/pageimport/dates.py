"""Dates as old government sites write them.

Read: `2019-07-19`, `2019/7/19`, `2019.07.19`, `2019-07-19 13:15`, `2019年7月17日`,
`二〇一六年八月二日`, the compact `20190719`, and digits whose separators were lost
(`2017412` for 2017年4月12日). A lost-separator date is recovered only when exactly one split
gives a real calendar date (`2017412` → 2017-04-12, since month 41 does not exist); when two
splits are possible (`2017112`: 1月12日 or 11月2日), or the day is missing (`2016年2月`), the
result is None with a note saying why — a date is never invented.
"""

import re
from datetime import date

from .normalize import fold_ascii

MIN_YEAR, MAX_YEAR = 1949, 2100
_SEPARATED = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
)
_CN_NUMERAL = "〇○零一二三四五六七八九十"
_CHINESE = re.compile(
    rf"(?P<y>[{_CN_NUMERAL[:-1]}]{{4}})\s*年\s*(?P<m>[{_CN_NUMERAL}]{{1,2}})\s*月"
    rf"\s*(?P<d>[{_CN_NUMERAL}]{{1,3}})\s*日"
)
_YEAR_MONTH = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})(?!\d)\s*月?")
_COMPACT = re.compile(r"(?P<digits>(?:19|20)\d{3,6})(?!\d)")
_TIME = re.compile(r"\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")


def _real(y: int, m: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _cn_number(text: str) -> int:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}
    if "十" not in text:
        return int("".join(str(digits[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _compact(digits: str) -> tuple[date | None, str | None]:
    year, rest = int(digits[:4]), digits[4:]
    if len(rest) == 1:
        return None, f"日期“{digits}”只有年月、没有日，已留空"
    if len(rest) == 4:  # 20190719: the ordinary compact form
        found = _real(year, int(rest[:2]), int(rest[2:]))
        return (found, None) if found else (None, f"“{digits}”不是有效日期，已留空")
    readings = []
    for cut in range(1, len(rest)):
        if found := _real(year, int(rest[:cut]), int(rest[cut:])):
            readings.append(found)
    month_only = len(rest) == 2 and 1 <= int(rest) <= 12  # 201912 may just be 2019年12月
    if len(readings) == 1 and not month_only:
        iso = readings[0].isoformat()
        return readings[0], f"日期“{digits}”缺少年月日分隔，按唯一可能读作 {iso}"
    if readings or month_only:
        options = "、".join(r.isoformat() for r in readings) or f"{year}年{int(rest)}月"
        if month_only and readings:
            options += f"、{year}年{int(rest)}月"
        return None, f"日期“{digits}”缺少分隔，可读作 {options}，无法确定，已留空"
    return None, f"“{digits}”不是有效日期，已留空"


def parse_date(raw: str) -> tuple[date | None, str | None]:
    """Read the date at the start of `raw`; return (date or None, a Chinese note or None).

    The note is set whenever the value was guessed or rejected, and goes into the warnings.
    """
    text = fold_ascii(raw or "").strip()
    if not text:
        return None, None
    if m := _SEPARATED.match(text):
        found = _real(int(m["y"]), int(m["m"]), int(m["d"]))
        return (found, None) if found else (None, f"“{m.group().strip()}”不是有效日期，已留空")
    if m := _CHINESE.match(text):
        found = _real(_cn_number(m["y"]), _cn_number(m["m"]), _cn_number(m["d"]))
        return (found, None) if found else (None, f"“{m.group()}”不是有效日期，已留空")
    if m := _COMPACT.match(text):
        return _compact(m["digits"])
    if m := _YEAR_MONTH.match(text):
        return None, f"日期“{m.group().strip()}”只有年月、没有日，已留空"
    return None, f"无法识别的日期“{text[:20]}”，已留空"


def date_span(text: str) -> int:
    """Length of the date (and optional time) at the start of `text`, or 0 if none is there."""
    text = fold_ascii(text)
    for pattern in (_SEPARATED, _CHINESE, _COMPACT):
        if m := pattern.match(text):
            time = _TIME.match(text, m.end())
            return time.end() if time else m.end()
    return 0


def is_date_line(text: str) -> bool:
    """True when the whole line is one written date (a signature date, 落款日期)."""
    if len(text) > 40:
        return False
    stripped = fold_ascii(text).strip()
    return bool(stripped) and date_span(stripped) == len(stripped) and not stripped.isdigit()
