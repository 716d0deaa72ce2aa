"""公开时限 of a 基层政务公开标准目录 entry: the rule code behind the free text, and whether a
publication met it (gazette-catalog spec §3). Codes are ours: `wdN` N working days from formation
or change (`wd20` the default of 条例 Art. 26), `realtime` / `timely` (no computable deadline),
`yearly:MM-DD` by a calendar date for the previous year, `text` (only shown)."""

import datetime as dt
import re

_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_WD = re.compile(r"(\d{1,3}|[一二三四五六七八九十]{1,3})\s*个?\s*工作日")
_YEARLY = re.compile(r"每年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(前|之前|以前)")
RULE = re.compile(r"^(wd\d{1,3}|realtime|timely|text|yearly:\d{2}-\d{2})$")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS[text[1]]
    if len(text) == 3 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10 + _CN_DIGITS[text[2]]
    if len(text) == 2 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10
    return _CN_DIGITS[text[0]]


def parse_rule(text: str) -> str:
    """The rule code of a 公开时限 text ("同上" is resolved by the caller, from the row above)."""
    t = (text or "").strip()
    if m := _YEARLY.search(t):
        month, day = int(m[1]), int(m[2])
        try:
            dt.date(2024, month, day)  # a leap year accepts 02-29
        except ValueError:
            return "text"
        return f"yearly:{month:02d}-{day:02d}"
    if m := _WD.search(t):
        return f"wd{_number(m[1])}"
    if "实时" in t:
        return "realtime"
    if "及时" in t:
        return "timely"
    return "text"


def yearly_deadline(rule: str, year: int) -> dt.date:
    """The deadline in `year` of a `yearly:MM-DD` rule (02-29 falls back to 02-28)."""
    month, day = (int(p) for p in rule.split(":", 1)[1].split("-"))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, month, 28)
