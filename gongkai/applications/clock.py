"""The statutory clock of a stored application: its events fed to `gongkai.lib.statutory`.

Shared by services (which validate each new event against it and cache the result on the row)
and selectors (which show it). One calendar for every due date: `work_calendar()` — the shipped
schedule (gongkai/lib/data/workdays.csv, 2004–2026 from `chinesecalendar`) plus the years staff
entered from the 国务院办公厅 notice (`HolidaySchedule`); any other year up to 2099 is counted on
the provisional statutory-holiday model (`lib.workdays`), and the case keeps the 暂定 note and
the earliest plausible date beside its due date.
Flags count to the *warning date* (the due date, or its earliest plausible date when
provisional), so a guessed schedule never lets a case slip: overdue = open and past it
(Art. 33); at risk = open, running, and at most `GONGKAI_APPLICATION_AT_RISK_DAYS` (default 3)
working days left to it.
"""

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Sum

from gongkai.lib.statutory import (
    REPLY_PERIOD,
    Channel,
    Clock,
    ClockEvent,
    ClockState,
    EventKind,
    PauseReason,
    compute_clock,
    receipt_date,
)
from gongkai.lib.workdays import (
    DayKind,
    ScheduleEntry,
    UnknownYear,
    WorkCalendar,
    default_calendar,
)

from .models import Application, ApplicationEvent, HolidayDay, HolidaySchedule

CLOCK_KINDS = frozenset(k.value for k in EventKind)


_built: tuple[tuple, WorkCalendar] | None = None
_lock = threading.Lock()


def _fingerprint() -> tuple:
    """Changes whenever a staff-entered schedule is saved or removed (one cheap query)."""
    agg = HolidaySchedule.objects.aggregate(n=Count("id"), last=Max("updated_at"), ids=Sum("id"))
    return (agg["n"], agg["last"], agg["ids"])


def staff_entries() -> list[ScheduleEntry]:
    return [
        ScheduleEntry(date, DayKind(kind), year, name)
        for date, kind, year, name in HolidayDay.objects.values_list(
            "date", "kind", "schedule__year", "name"
        )
    ]


def work_calendar() -> WorkCalendar:
    """The one working-day calendar all due dates use: the shipped schedule
    (gongkai/lib/data/workdays.csv) plus the years staff entered (`HolidaySchedule`).

    Rebuilt when the staff-entered schedules change (checked on every call, so every process —
    web workers and the task worker — sees a change at once, and a rolled-back change is gone).
    """
    global _built
    key = _fingerprint()
    built = _built
    if built is not None and built[0] == key:
        return built[1]
    with _lock:
        if key == (0, None, None):
            cal = default_calendar()
        else:
            cal = WorkCalendar([*default_calendar().entries, *staff_entries()], provisional=True)
        _built = (key, cal)
    return cal


def at_risk_days() -> int:
    return int(getattr(settings, "GONGKAI_APPLICATION_AT_RISK_DAYS", 3))


def receipt_of(app: Application) -> dt.date | None:
    """收到申请之日 by channel (Art. 31)."""
    return receipt_date(
        Channel(app.channel),
        submitted_on=app.submitted_on,
        signed_for_on=app.signed_for_on,
        confirmed_on=app.confirmed_on,
    )


def clock_events(events: Iterable[ApplicationEvent]) -> list[ClockEvent]:
    """The events that move the clock, in registration order (the clock sorts by date)."""
    return [
        ClockEvent(EventKind(e.kind), e.on, days=e.days, deadline=e.deadline)
        for e in sorted(events, key=lambda e: e.seq)
        if e.kind in CLOCK_KINDS
    ]


def compute(
    app: Application,
    events: Iterable[ApplicationEvent],
    as_of: dt.date,
    cal: WorkCalendar | None = None,
) -> Clock:
    """The clock as of `as_of`; raises ClockError or UnknownYear."""
    received = receipt_of(app)
    ce = clock_events(events)
    # A closed case is looked at as of its answer; an open one as of `as_of`, never before its
    # own last event (stored events were checked against the day they were registered).
    day = next((e.on for e in ce if e.kind is EventKind.ANSWERED), as_of)
    if received is not None:
        day = max([day, received, *(e.on for e in ce)])
    return compute_clock(received, ce, cal or work_calendar(), day)


STATUS_BY_PAUSE = {
    PauseReason.CORRECTION: Application.Status.CORRECTION,
    PauseReason.CONSULTATION: Application.Status.CONSULTATION,
    PauseReason.FEE: Application.Status.FEE,
}


def status_of(clock: Clock) -> str:
    if clock.state is ClockState.AWAITING_RECEIPT:
        return Application.Status.AWAITING_RECEIPT
    if clock.state is ClockState.ANSWERED:
        return Application.Status.CLOSED
    if clock.state is ClockState.PAUSED:
        return STATUS_BY_PAUSE[clock.pause_reasons[0]]
    return Application.Status.IN_PROGRESS


@dataclass(frozen=True)
class Flags:
    overdue: bool
    at_risk: bool
    remaining: int | None  # working days left (negative: overdue by), None without a clock


def flags(app: Application, today: dt.date, cal: WorkCalendar | None = None) -> Flags:
    """Overdue / at-risk from the cached due date, counted in working days as of `today`."""
    if app.is_closed or app.due_date is None:
        return Flags(False, False, None)
    warn = app.warn_date or app.due_date
    overdue = today > warn
    cal = cal or work_calendar()
    try:
        remaining = (
            -cal.working_days_between(warn, today)
            if overdue
            else cal.working_days_between(today, warn)
        )
    except UnknownYear:
        return Flags(overdue, False, None)
    paused = app.status in STATUS_BY_PAUSE.values()
    return Flags(overdue, not overdue and not paused and remaining <= at_risk_days(), remaining)


def calendar_horizon() -> tuple[int | None, dt.date | None]:
    """The last year with a confirmed holiday schedule, and the last receipt date whose
    20-working-day reply period (Art. 33) still ends inside the confirmed years: cases received
    later get a provisional (暂定) due date until next year's schedule is entered."""
    cal = work_calendar()
    if not cal.years:
        return None, None
    last = max(cal.years)
    day = dt.date(last, 12, 31)
    while day.year == last:
        if cal.due(day, REPLY_PERIOD).provisional:
            day -= dt.timedelta(days=1)
            continue
        return last, day
    return last, None


@dataclass(frozen=True)
class NextYearStatus:
    """Whether next year's schedule is still provisional once its notice is due (from 1 Nov)."""

    year: int
    provisional: bool
    alert: bool  # provisional and on or after 1 November: staff should enter the notice

    @property
    def message(self) -> str:
        if not self.provisional:
            return f"{self.year} 年节假日安排已录入，期限按正式安排计算"
        return (
            f"{self.year} 年节假日安排尚未录入：跨年的答复期限和征求意见期限目前均为暂定，"
            f"请在国务院办公厅通知发布后及时录入"
        )


def next_year_status(today: dt.date) -> NextYearStatus:
    year = today.year + 1
    provisional = not work_calendar().is_confirmed(year)
    return NextYearStatus(year, provisional, provisional and today >= dt.date(today.year, 11, 1))
