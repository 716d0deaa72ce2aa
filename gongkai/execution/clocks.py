"""Pure date and hour arithmetic of execution disclosure (no Django, no database).

- Calendar months (spec §3 "Months are calendar months; a missing day moves to the month's
  last day"): 01-31 + 3 months = 04-30; 2024-11-30 + 3 months = 2025-02-28 (2028: 02-29).
- Opinion clocks count calendar hours from 发现时间 (spec §4, 61号/80号).
"""

import calendar
import datetime as dt


def add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def hours_after(at: dt.datetime, hours: int) -> dt.datetime:
    # aware datetimes: a plain timedelta is exact calendar hours, across midnight and dates
    return at + dt.timedelta(hours=hours)
