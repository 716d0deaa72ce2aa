"""Pure rules of 行政规范性文件 terms and 登记号 (gazette-catalog spec §2); no database here.

- Term: at most `GONGKAI_NORMATIVE_MAX_YEARS` (5) years from 施行日期, 暂行/试行 at most
  `GONGKAI_NORMATIVE_TRIAL_MAX_YEARS` (2) — local rules (Shaanxi, Shandong 司法厅 Art. 11), defaults.
- 登记号 format per tenant, `GONGKAI_REG_NO_FORMAT`, default `{机构代码}-{year}-{seq:04d}`.
- Reminders: from `GONGKAI_NORMATIVE_REMIND_MONTHS` (6) months before expiry, monthly (Art. 23).
"""

import datetime as dt
import re

from django.conf import settings

DEFAULT_REG_NO_FORMAT = "{机构代码}-{year}-{seq:04d}"


def max_years(trial: bool) -> int:
    if trial:
        return int(getattr(settings, "GONGKAI_NORMATIVE_TRIAL_MAX_YEARS", 2))
    return int(getattr(settings, "GONGKAI_NORMATIVE_MAX_YEARS", 5))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's end (31 Aug − 6 months = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(d, day.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def latest_end(effective_on: dt.date, trial: bool) -> dt.date:
    """The last day a term starting on `effective_on` may run: 2025-03-01 → 2030-02-28 (5 years)."""
    return add_months(effective_on, 12 * max_years(trial)) - dt.timedelta(days=1)


def term_errors(
    effective_on: dt.date | None, expires_on: dt.date | None, trial: bool
) -> dict[str, str]:
    """Field errors of a term that a normative document needs to be published."""
    errors: dict[str, str] = {}
    if effective_on is None:
        errors["effective_on"] = "行政规范性文件须填写施行日期"
    if expires_on is None:
        errors["expires_on"] = "行政规范性文件须填写有效期至"
    if effective_on and expires_on:
        if expires_on < effective_on:
            errors["expires_on"] = "有效期至不能早于施行日期"
        elif expires_on > latest_end(effective_on, trial):
            kind = "暂行、试行的规范性文件" if trial else "行政规范性文件"
            errors["expires_on"] = (
                f"{kind}有效期不超过{max_years(trial)}年：自{effective_on:%Y年%m月%d日}起施行的，"
                f"有效期至最晚为{latest_end(effective_on, trial):%Y年%m月%d日}"
            )
    return errors


def reg_no_format() -> str:
    return str(getattr(settings, "GONGKAI_REG_NO_FORMAT", DEFAULT_REG_NO_FORMAT))


def render_reg_no(fmt: str, org_code: str, year: int, seq: int) -> str:
    try:
        return fmt.format(**{"机构代码": org_code, "year": year, "seq": seq})
    except (KeyError, IndexError, ValueError) as e:
        raise ValueError(f"登记号格式 GONGKAI_REG_NO_FORMAT 无效：{fmt}") from e


def remind_from(expires_on: dt.date) -> dt.date:
    """The first day a reminder is due: N months before expiry."""
    return add_months(expires_on, -int(getattr(settings, "GONGKAI_NORMATIVE_REMIND_MONTHS", 6)))


def reminder_due(today: dt.date, expires_on: dt.date, last_sent: dt.date | None) -> bool:
    """Due from `remind_from` until expiry, then again one month after the last one sent."""
    if today < remind_from(expires_on) or today > expires_on:
        return False
    return last_sent is None or today >= add_months(last_sent, 1)


_ORDER_NO = re.compile(r"^(?P<body>\S{2,40}令)\s*第\s*(?P<n>[0-9]{1,6})\s*号$")


def normalize_order_number(text: str) -> str:
    """令号 of a 政府规章, the 文号 of a rule (spec §1): "示范市人民政府令 第 12 号" →
    "示范市人民政府令第12号". Raises ValueError with a Chinese message otherwise."""
    cleaned = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = _ORDER_NO.match(cleaned)
    if not m:
        raise ValueError(
            f"无法识别的令号“{text}”。政府规章的文号为令号，例如：示范市人民政府令第12号"
        )
    return f"{m['body']}第{int(m['n'])}号"
