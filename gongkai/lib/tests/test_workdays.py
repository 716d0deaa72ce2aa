"""The working-day calendar against the real State Council schedules, counted by hand."""

import datetime as dt
import importlib.util
from pathlib import Path

import chinese_calendar
import pytest

from gongkai.lib.workdays import (
    DATA_FILE,
    REPLAY_FROM,
    CalendarDataError,
    DayKind,
    ScheduleEntry,
    UnknownYear,
    WorkCalendar,
    default_calendar,
    format_schedule,
    load_calendar,
    model_calendar,
    model_lateness,
    parse_schedule,
    statutory_days_off,
)

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return default_calendar()


# --- single days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 9, 27), True),  # Friday
        (D(2024, 9, 28), False),  # Saturday
        (D(2024, 9, 29), True),  # Sunday, 调休 make-up day for 国庆 2024
        (D(2024, 9, 30), True),  # Monday
        (D(2024, 10, 1), False),  # 国庆 2024: Oct 1–7 off
        (D(2024, 10, 4), False),  # a Friday inside the holiday
        (D(2024, 10, 7), False),  # a Monday inside the holiday
        (D(2024, 10, 8), True),  # back to work, Tuesday
        (D(2024, 10, 12), True),  # Saturday, 调休 make-up day for 国庆 2024
        (D(2024, 10, 13), False),  # Sunday
        (D(2025, 1, 26), True),  # Sunday, make-up day for 春节 2025
        (D(2025, 1, 28), False),  # 春节 2025: Jan 28 – Feb 4 off
        (D(2025, 2, 4), False),
        (D(2025, 2, 5), True),
        (D(2025, 2, 8), True),  # Saturday, make-up day for 春节 2025
        (D(2026, 2, 14), True),  # Saturday, make-up day for 春节 2026 (Feb 15–23 off)
        (D(2026, 2, 23), False),  # Monday, last day of 春节 2026
        (D(2026, 9, 20), True),  # Sunday, make-up day for 国庆 2026
        (D(2026, 9, 25), False),  # Friday, 中秋 2026
        (D(2026, 10, 10), True),  # Saturday, make-up day for 国庆 2026
        (D(2018, 12, 29), True),  # Saturday in December, make-up day of the 2019 New Year schedule
    ],
)
def test_is_working_day_follows_the_schedule(
    cal: WorkCalendar, day: dt.date, working: bool
) -> None:
    assert cal.is_working_day(day) is working


def test_every_day_agrees_with_chinesecalendar(cal: WorkCalendar) -> None:
    # The shipped file must say exactly what the package's tables say, day by day.
    day, disagreements = D(2004, 1, 1), []
    while day <= D(2026, 12, 31):
        if cal.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []
    assert cal.years == frozenset(range(2004, 2027))


# --- counting ---------------------------------------------------------------------------------


def test_twenty_working_days_across_national_day_2024(cal: WorkCalendar) -> None:
    # From Wed 2024-09-25: 9/26(1) 9/27(2) 9/29 Sun(3) 9/30(4) [10/1–7 off] 10/8(5) 10/9(6)
    # 10/10(7) 10/11(8) 10/12 Sat(9) 10/14(10) 10/15(11) 10/16(12) 10/17(13) 10/18(14)
    # 10/21(15) 10/22(16) 10/23(17) 10/24(18) 10/25(19) 10/28(20).
    assert cal.add_working_days(D(2024, 9, 25), 20) == D(2024, 10, 28)
    assert cal.working_days_between(D(2024, 9, 25), D(2024, 10, 28)) == 20


def test_twenty_working_days_across_spring_festival_2025(cal: WorkCalendar) -> None:
    # From Fri 2025-01-24: 1/26 Sun(1) 1/27(2) [1/28–2/4 off] 2/5(3) 2/6(4) 2/7(5) 2/8 Sat(6)
    # 2/10(7) 2/11(8) 2/12(9) 2/13(10) 2/14(11) 2/17(12) 2/18(13) 2/19(14) 2/20(15) 2/21(16)
    # 2/24(17) 2/25(18) 2/26(19) 2/27(20).
    assert cal.add_working_days(D(2025, 1, 24), 20) == D(2025, 2, 27)


def test_twenty_working_days_across_spring_festival_2026(cal: WorkCalendar) -> None:
    # From Thu 2026-02-12: 2/13(1) 2/14 Sat(2) [2/15–2/23 off] 2/24(3) 2/25(4) 2/26(5) 2/27(6)
    # 2/28 Sat(7) 3/2(8) 3/3(9) 3/4(10) 3/5(11) 3/6(12) 3/9(13) 3/10(14) 3/11(15) 3/12(16)
    # 3/13(17) 3/16(18) 3/17(19) 3/18(20).
    assert cal.add_working_days(D(2026, 2, 12), 20) == D(2026, 3, 18)


def test_twenty_working_days_across_national_day_2026(cal: WorkCalendar) -> None:
    # From Fri 2026-09-18: 9/20 Sun(1) 9/21(2) 9/22(3) 9/23(4) 9/24(5) [9/25–27 中秋] 9/28(6)
    # 9/29(7) 9/30(8) [10/1–7 off] 10/8(9) 10/9(10) 10/10 Sat(11) 10/12(12) 10/13(13) 10/14(14)
    # 10/15(15) 10/16(16) 10/19(17) 10/20(18) 10/21(19) 10/22(20).
    assert cal.add_working_days(D(2026, 9, 18), 20) == D(2026, 10, 22)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 9, 27), 1, D(2024, 9, 29)),  # Friday → the make-up Sunday is day 1
        (D(2024, 9, 29), 1, D(2024, 9, 30)),  # the start day never counts, even a working one
        (D(2024, 9, 29), 2, D(2024, 10, 8)),
        (
            D(2024, 10, 3),
            1,
            D(2024, 10, 8),
        ),  # start inside the holiday (find_workday gets this wrong)
        (D(2024, 10, 7), 1, D(2024, 10, 8)),
        (D(2024, 10, 11), 1, D(2024, 10, 12)),  # Friday → make-up Saturday
        (D(2024, 10, 12), 1, D(2024, 10, 14)),
        (D(2024, 10, 5), 0, D(2024, 10, 5)),  # zero days: the start itself
    ],
)
def test_day_one_is_the_first_working_day_after_start(
    cal: WorkCalendar, start: dt.date, n: int, expected: dt.date
) -> None:
    assert cal.add_working_days(start, n) == expected
    assert cal.working_days_between(start, expected) == n


def test_counting_matches_a_day_by_day_walk(cal: WorkCalendar) -> None:
    # The bisection must equal walking day by day with the package's own is_workday.
    def walk(start: dt.date, n: int) -> dt.date:
        day = start
        while n:
            day += dt.timedelta(days=1)
            n -= chinese_calendar.is_workday(day)
        return day

    start = D(2023, 12, 1)
    while start <= D(2025, 2, 28):
        for n in (1, 7, 15, 20, 40):
            assert cal.add_working_days(start, n) == walk(start, n), (start, n)
        start += dt.timedelta(days=3)


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(D(2024, 9, 30), D(2024, 10, 7)) == 0  # all holiday
    assert cal.working_days_between(D(2024, 9, 30), D(2024, 10, 8)) == 1
    assert cal.working_days_between(D(2024, 10, 8), D(2024, 10, 8)) == 0
    assert cal.working_days_between(D(2024, 10, 28), D(2024, 9, 25)) == -20  # antisymmetric


def test_next_working_day(cal: WorkCalendar) -> None:
    assert cal.next_working_day(D(2025, 1, 27)) == D(2025, 2, 5)


def test_negative_days_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="负数"):
        cal.add_working_days(D(2024, 1, 2), -1)


# --- years without a schedule -----------------------------------------------------------------


def test_outside_the_computable_years_is_an_error_not_a_guess(cal: WorkCalendar) -> None:
    with pytest.raises(UnknownYear) as exc:
        cal.is_working_day(D(2003, 12, 31))
    assert exc.value.year == 2003 and "2004–2099" in str(exc.value)
    with pytest.raises(UnknownYear) as exc:
        cal.add_working_days(D(1999, 6, 1), 1)
    assert exc.value.year == 1999
    with pytest.raises(UnknownYear) as exc:
        cal.add_working_days(D(2099, 12, 20), 20)
    assert exc.value.year == 2100


def test_a_strict_calendar_refuses_years_without_a_schedule(cal: WorkCalendar) -> None:
    strict = WorkCalendar(cal.entries)
    assert strict.add_working_days(D(2026, 12, 30), 1) == D(2026, 12, 31)
    with pytest.raises(UnknownYear) as exc:
        strict.add_working_days(D(2026, 12, 31), 1)
    assert exc.value.year == 2027 and "尚未录入 2027 年" in str(exc.value)
    with pytest.raises(UnknownYear):
        strict.working_days_between(D(2026, 12, 1), D(2027, 1, 10))


def test_counting_into_a_year_without_a_schedule_is_provisional(cal: WorkCalendar) -> None:
    assert 2027 in cal.provisional_years and not cal.is_confirmed(2027)
    # Thu 2026-12-31 + 1: 2027-01-01 is 元旦 (statutory), so day 1 is Mon 2027-01-04.
    due = cal.due(D(2026, 12, 31), 1)
    assert due.date == D(2027, 1, 4) and due.provisional and due.provisional_years == (2027,)
    assert "暂定" in due.basis and "2027 年节假日安排尚未录入" in due.basis
    assert due.earliest < due.date and due.earliest > D(2026, 12, 31)
    assert due.basis.endswith(due.earliest.isoformat()) and due.warn_date == due.earliest
    # Tue 2026-12-15 + 20: 12 working days left in 2026, then 2027-01-04 … 01-13 (8 more).
    assert cal.add_working_days(D(2026, 12, 15), 20) == D(2027, 1, 13)
    assert cal.working_days_between(D(2026, 12, 31), D(2027, 1, 10)) == 5


def test_a_confirmed_date_is_not_provisional(cal: WorkCalendar) -> None:
    due = cal.due(D(2026, 9, 18), 20)
    assert due.date == due.earliest == D(2026, 10, 22)
    assert not due.provisional and due.basis == ""


def test_a_gap_between_known_years_is_not_skipped(cal: WorkCalendar) -> None:
    gappy = WorkCalendar(e for e in cal.entries if e.year in (2024, 2026))  # strict
    with pytest.raises(UnknownYear) as exc:
        gappy.add_working_days(D(2024, 12, 20), 20)
    assert exc.value.year == 2025
    with pytest.raises(UnknownYear):
        gappy.working_days_between(D(2024, 12, 1), D(2026, 1, 10))
    assert gappy.add_working_days(D(2026, 9, 18), 20) == D(2026, 10, 22)
    # With provisional years the gap is counted on the model and says so.
    filled = WorkCalendar((e for e in cal.entries if e.year in (2024, 2026)), provisional=True)
    assert filled.due(D(2024, 12, 20), 20).provisional_years == (2025,)
    assert not filled.due(D(2026, 9, 18), 20).provisional


def test_a_new_year_is_added_as_data(cal: WorkCalendar) -> None:
    # A made-up 2027 row (not the real notice): Fri 2027-01-01 off, so day 1 after Thu 12-31 is Mon.
    extra = parse_schedule("year,date,kind,name\n2027,2027-01-01,holiday,元旦\n")
    extended = WorkCalendar([*cal.entries, *extra], provisional=True)
    assert extended.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert 2027 in extended.years and extended.is_confirmed(2027)
    assert not extended.due(D(2026, 12, 31), 1).provisional
    assert extended.due(D(2027, 12, 31), 1).provisional_years == (2028,)


# --- the data file ------------------------------------------------------------------------------


def test_load_calendar_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    path.write_text(
        "# a comment\n"
        "year,date,kind,name\n"
        "\n"
        "2019,2018-12-29,workday,元旦\n"
        "2019,2018-12-30,holiday,元旦\n"
        "2019,2019-01-01,holiday,元旦\n",
        encoding="utf-8",
    )
    c = load_calendar(path)
    assert c.years == frozenset({2019})
    assert c.entries[0] == ScheduleEntry(D(2018, 12, 29), DayKind.WORKDAY, 2019, "元旦")
    assert c.is_working_day(D(2019, 1, 2))
    assert not c.is_working_day(D(2019, 1, 1))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("2024,2024-10-01,vacation,国庆节\n", ":2: "),  # unknown kind, with its line number
        ("2024,2024-13-01,holiday,国庆节\n", ":2: "),  # no such date
        ("2024,2024-10-01\n", "3 或 4 列"),
        ("2024,2024-10-08,workday,国庆节\n", "调休上班日应为周末"),  # a Tuesday
        ("2024,2024-10-01,holiday,国庆节\n2024,2024-10-01,holiday,国庆节\n", "重复"),
        ("2024,2024-10-05,holiday,国庆节\n2024,2024-10-05,workday,国庆节\n", "重复"),
        ("2025,2024-10-01,holiday,国庆节\n", "不属于 2025 年"),
    ],
)
def test_bad_rows_are_refused_with_the_reason(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "days.csv"
    path.write_text("year,date,kind,name\n" + body, encoding="utf-8")
    with pytest.raises(CalendarDataError, match=message):
        load_calendar(path)


def test_bad_header_is_refused() -> None:
    with pytest.raises(CalendarDataError, match="表头"):
        parse_schedule("date,kind\n2024-10-01,holiday\n")


def test_format_and_parse_round_trip(cal: WorkCalendar) -> None:
    assert tuple(sorted(parse_schedule(format_schedule(cal.entries)))) == cal.entries


def test_shipped_file_is_what_the_generator_writes() -> None:
    script = Path(__file__).resolve().parents[3] / "scripts" / "gen_workdays.py"
    spec = importlib.util.spec_from_file_location("gen_workdays", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert DATA_FILE.read_text(encoding="utf-8") == module.render()


# --- the provisional model (statutory holidays + 补假) ---------------------------------------------


@pytest.mark.parametrize("year", range(2019, 2027))
def test_every_statutory_day_is_a_rest_day_in_the_real_schedule(
    cal: WorkCalendar, year: int
) -> None:
    days = statutory_days_off(year)
    assert len(days) >= 7  # 元旦, 春节, 清明, 劳动, 端午, 中秋, 国庆 at least
    for e in days:
        assert e.date.year == year and e.kind is DayKind.HOLIDAY
        assert not cal.is_working_day(e.date), f"{e.date} {e.name} 在正式安排中是工作日"


def test_the_2024_amendment_and_buxia_rule() -> None:
    names = {e.date: e.name for e in statutory_days_off(2027)}
    # 春节 4 days from 除夕 (Fri 02-05); Sat 02-06 and Sun 02-07 fall on a weekend → 补假 Tue, Wed.
    for d in (D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)):
        assert d in names
    assert "补假" in names[D(2027, 2, 9)] and "补假" in names[D(2027, 2, 10)]
    assert D(2027, 2, 11) not in names
    # 劳动节 2 days (Sat 05-01, Sun 05-02) → 补假 Mon 05-03, Tue 05-04; 国庆 3 days from Fri 10-01.
    assert {D(2027, 5, 3), D(2027, 5, 4)} <= names.keys()
    assert {D(2027, 10, 1), D(2027, 10, 4), D(2027, 10, 5)} <= names.keys()
    assert D(2027, 1, 1) in names and D(2027, 4, 5) in names  # 元旦 Fri; 清明 Mon
    # No make-up working days: only the notice can set 调休.
    assert all(e.kind is DayKind.HOLIDAY for e in statutory_days_off(2027))
    assert len(names) == 19


def test_the_replay_measures_the_model_and_bounds_it(cal: WorkCalendar) -> None:
    errors = model_lateness(cal, 20)
    assert min(errors) == D(REPLAY_FROM, 1, 1) and max(errors).year == max(cal.years)
    bound = cal.lateness_bound(20)
    assert bound == max(errors.values()) > 0
    # The bound holds by construction on every replayed start: real ≥ model − bound.
    model = model_calendar()
    for start in errors:
        assert model.add_working_days(start, 20) - dt.timedelta(days=bound) <= cal.add_working_days(
            start, 20
        )
    # A calendar with made-up confirmed years measures itself, not the shipped data.
    only_model = WorkCalendar(
        [
            ScheduleEntry(e.date, e.kind, e.year, e.name)
            for y in range(2019, 2027)
            for e in statutory_days_off(y)
        ],
        provisional=True,
    )
    assert only_model.lateness_bound(20) == 0  # the model replayed against itself is exact


def test_earliest_never_passes_the_real_date_on_replayed_starts(cal: WorkCalendar) -> None:
    # Pretend 2025 had no notice: every due date falling in it is provisional, and its
    # earliest plausible date is never after the date the real schedule gives.
    without_2025 = WorkCalendar((e for e in cal.entries if e.year != 2025), provisional=True)
    day = D(2024, 12, 1)
    while day < D(2025, 12, 1):
        due = without_2025.due(day, 20)
        real = cal.add_working_days(day, 20)
        assert due.provisional == (due.date.year == 2025) and due.earliest <= real, (day, due)
        day += dt.timedelta(days=1)
