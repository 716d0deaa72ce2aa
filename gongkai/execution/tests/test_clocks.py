"""The clocks: calendar months (spec §3), working days across 国庆 and make-up days (the 20-day
publication line), calendar hours across midnight (spec §4)."""

import datetime as dt
from typing import Any

import pytest

from gongkai.accounts.permissions import SYSTEM
from gongkai.execution import selectors, services
from gongkai.execution.clocks import add_months
from gongkai.execution.models import OpinionEvent, Response

from .conftest import at, proposal

D = dt.date


@pytest.mark.parametrize(("start", "months", "expected"), [
    (D(2026, 1, 31), 3, D(2026, 4, 30)),   # a missing day moves to the month's last day
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2027, 11, 30), 3, D(2028, 2, 29)),  # leap year
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2026, 3, 15), 3, D(2026, 6, 15)),
])  # fmt: skip
def test_calendar_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def test_due_and_latest_extension_in_months(lead: Any) -> None:
    p = proposal(lead, assigned=D(2026, 1, 31))
    assert p.due_on == D(2026, 4, 30)
    assert services.latest_extension(p.assigned_on) == D(2026, 7, 31)


def test_publication_line_counts_working_days_across_national_day(lead: Any) -> None:
    # 2026: 中秋 09-25..27 and 国庆 10-01..07 off; 10-10 (Sat) is a make-up working day
    p = proposal(lead, assigned=D(2026, 6, 1))
    p.replied_on = D(2026, 9, 25)
    due = selectors.publish_due_on(p)
    # 09-28, 09-29, 09-30 (3), 10-08, 10-09, 10-10 make-up Saturday (6), then 14 weekdays
    assert due == D(2026, 10, 29)


@pytest.mark.django_db
def test_working_days_of_the_shared_calendar_around_national_day() -> None:
    from gongkai.applications.clock import work_calendar

    cal = work_calendar()
    assert not cal.is_working_day(D(2026, 10, 5))
    assert cal.is_working_day(D(2026, 10, 10))  # 调休 make-up Saturday
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def _ev(level: str, detected: dt.datetime) -> OpinionEvent:
    return OpinionEvent(level=level, detected_at=detected, title="x")


def test_hour_clocks_across_midnight_for_a_major_event() -> None:
    e = _ev("major", at(2026, 6, 1, 22, 30))
    r = Response(form="release", at=at(2026, 6, 2, 3, 0), text="x")
    rows = selectors.clocks(e, [r], now=at(2026, 6, 3, 12))
    first, press = rows
    assert (first.kind, first.hours, first.due_at) == ("first_release", 5, at(2026, 6, 2, 3, 30))
    assert first.met is True and first.done_at == at(2026, 6, 2, 3, 0)
    assert (press.kind, press.due_at) == ("press", at(2026, 6, 2, 22, 30))
    assert press.met is False  # a release is not a press conference, and 24 h have passed


def test_a_briefing_counts_as_the_press_clock_and_a_running_clock_is_undecided() -> None:
    e = _ev("especially_major", at(2026, 6, 1, 23, 0))
    rows = selectors.clocks(e, [Response(form="briefing", at=at(2026, 6, 2, 20, 0), text="x")],
                            now=at(2026, 6, 2, 21, 0))  # fmt: skip
    assert [r.met for r in rows] == [False, True]
    assert selectors.clocks(e, [], now=at(2026, 6, 2, 1, 0))[0].met is None


def test_other_levels_have_one_48_hour_clock() -> None:
    e = _ev("large", at(2026, 6, 1, 23, 59))
    (row,) = selectors.clocks(e, [Response(form="interview", at=at(2026, 6, 3, 23, 59), text="x")],
                              now=at(2026, 6, 10))  # fmt: skip
    assert (row.kind, row.hours, row.due_at, row.met) == (
        "response",
        48,
        at(2026, 6, 3, 23, 59),
        True,
    )


@pytest.mark.django_db
def test_all_clocks_equal_the_per_event_clocks(lead: Any) -> None:
    from .conftest import event

    e1 = event(lead, level="major", detected=at(2026, 6, 1, 22))
    e2 = event(lead, level="general", detected=at(2026, 6, 1, 22))
    event(lead, title="无回应")
    services.respond(e1, by=SYSTEM, form="press", at=at(2026, 6, 2, 9), text="发布会")
    services.respond(e2, by=SYSTEM, form="release", at=at(2026, 6, 4, 9), text="回应")
    now = at(2026, 6, 10)
    got = selectors.all_clocks(now)
    assert set(got) == {e1.pk, e2.pk}
    for e in (e1, e2):
        assert got[e.pk] == selectors.clocks(e, list(e.responses.all()), now)
    assert [r.met for r in got[e1.pk]] == [False, True] and [r.met for r in got[e2.pk]] == [False]
