"""Working-day limits of 行政执法公示, counted on the platform's one calendar.

- 行政许可/行政处罚 decisions public within 7 working days of the decision, other decisions 20
  (国办发〔2018〕118号, spec §1.3); 执法人员 changes within 5 (local, Xi'an; setting).
- a changed/revoked/void penalty withdrawn within 3 days (处罚法 art.48), counted as working days
  (art.85); spot-check results within 20 working days after the check ends (spec §6, local).

The calendar with staff-entered years is `applications.clock.work_calendar()`, but applications
sits above this app, so it is asked for through the `work_calendar` hook on an AppConfig (as the
`calendar_changed` hook goes the other way); without one, the shipped `lib.workdays` schedule.
"""

import calendar
import datetime as dt

from django.apps import apps
from django.conf import settings

from gongkai.lib.workdays import WorkCalendar, default_calendar

LICENCE_PENALTY_DAYS = 7
OTHER_DECISION_DAYS = 20
WITHDRAW_DAYS = 3
RESULT_DAYS = 20


def officer_days() -> int:
    return int(getattr(settings, "GONGKAI_ENFORCEMENT_OFFICER_DAYS", 5))


def work_calendar() -> WorkCalendar:
    for config in apps.get_app_configs():
        if config.name != "gongkai.enforcement" and (
            hook := getattr(config, "work_calendar", None)
        ):
            cal: WorkCalendar = hook()
            return cal
    return default_calendar()


def add(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (UnknownYear beyond the calendar)."""
    return work_calendar().add_working_days(start, days)


def add_months(d: dt.date, months: int) -> dt.date:
    """Same day `months` later, the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
