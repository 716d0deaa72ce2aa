"""The Chinese working-day (工作日) calendar that every statutory time limit is counted in.

Rules:
- A day is a working day when it is Monday–Friday and not a statutory holiday (法定节假日), or
  when it is a weekend day the State Council schedule makes a working day (调休 — make-up
  working day). The schedule is announced each year by a 国务院办公厅 notice, usually in
  November or December of the year before.
- Counting (spec §3; 《政府信息公开条例》 Art. 30, 32, 33 count in 工作日): day 1 is the first
  working day AFTER the start day, whatever the start day is — `add_working_days(start, n)`.
- A year with a confirmed schedule (shipped rows or the staff-entered notice) is counted exactly.
  A year without one (e.g. next year, before the notice is out) is counted on a **provisional**
  schedule (`statutory_days_off`): the statutory holidays of 《全国年节及纪念日放假办法》 (as
  amended in 2024 from 2025: 元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3) with
  the 补假 for a holiday on a weekend, computed by the `holidays` package. It cannot know the
  State Council's 调休 (make-up Saturdays, bridging days), so a provisional date is never shown
  alone: `due()` / `qualify()` return a `DueDate` with `provisional` and an `earliest` plausible
  date, `date` minus the model's worst lateness measured by replaying the confirmed years
  (`model_lateness`, 2019 onwards; `bench/calendar_model.py` prints the distribution). Warnings
  are driven from `earliest`, so a guess can never make a case slip.
- Years outside FIRST_YEAR–LAST_YEAR raise `UnknownYear`; a `WorkCalendar(..., provisional=False)`
  raises it for every year without a confirmed schedule.

The schedule is data (`gongkai/lib/data/workdays.csv`, one row per holiday or make-up day,
tagged with the schedule year of the notice it comes from), so that next year's notice is added
as rows, not by a package upgrade. The shipped rows come from the `chinesecalendar` package
(`scripts/gen_workdays.py`); only its data is used: its `find_workday` miscounts from a holiday,
and the `holidays` package guesses future years without make-up days, so neither counts here.

A schedule year Y may hold dates in December of Y-1 (e.g. 2018-12-29, a make-up day for the 2019
New Year holiday), so until year Y+1 is loaded the last days of December Y may still change; the
app layer recomputes open deadlines when a year's schedule changes.
"""

import csv
import datetime as dt
import io
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

import holidays

DATA_FILE = Path(__file__).parent / "data" / "workdays.csv"
CSV_FIELDS = ("year", "date", "kind", "name")
FIRST_YEAR = 2004  # the first year of the shipped schedule; nothing earlier is counted
LAST_YEAR = 2099  # provisional years end here (a deadline beyond it is not a real question)
REPLAY_FROM = 2019  # confirmed years from here on measure the provisional model's error
# The days of 《全国年节及纪念日放假办法》 as `holidays.China` names them (zh_CN); its other
# entries (休息日（由…调休）, 春节延长假期) are past State Council arrangements, not statutory.
STATUTORY_NAMES = frozenset(
    ("元旦", "农历除夕", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
)


class DayKind(StrEnum):
    """What a schedule row says about its date."""

    HOLIDAY = "holiday"  # 放假 — a day off, weekday or weekend, inside a holiday period
    WORKDAY = "workday"  # 调休上班 — a make-up working day on a weekend


class UnknownYear(LookupError):
    """The calendar cannot count in `year`: outside FIRST_YEAR–LAST_YEAR, or (in a strict
    calendar) a year without a confirmed schedule; nothing is guessed."""

    def __init__(self, year: int) -> None:
        self.year = year
        if FIRST_YEAR <= year <= LAST_YEAR:
            text = (
                f"尚未录入 {year} 年的节假日安排（国务院办公厅通知），无法计算工作日；"
                f"请先录入该年度的放假和调休日期"
            )
        else:
            text = f"{year} 年超出工作日历可计算的范围（{FIRST_YEAR}–{LAST_YEAR} 年）"
        super().__init__(text)


class CalendarDataError(ValueError):
    """A schedule row or file is malformed or contradicts itself."""


@dataclass(frozen=True)
class DueDate:
    """A date counted in working days, and how sure it is.

    `provisional` years were counted on the statutory-holiday model; the real date may then be
    up to the model's measured worst lateness earlier, so `earliest` is what warnings use.
    """

    date: dt.date
    earliest: dt.date
    provisional_years: tuple[int, ...] = field(default=())

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def warn_date(self) -> dt.date:
        """The date that at-risk and overdue warnings count to (never later than the real one)."""
        return self.earliest

    @property
    def basis(self) -> str:
        """The 暂定 note shown beside a provisional date ("" for a confirmed one)."""
        if not self.provisional:
            return ""
        years = "、".join(str(y) for y in self.provisional_years)
        return f"暂定：{years} 年节假日安排尚未录入，最早可能为 {self.earliest.isoformat()}"


@dataclass(frozen=True, order=True)
class ScheduleEntry:
    """One row of a year's schedule: `date` is a holiday or a make-up working day."""

    date: dt.date
    kind: DayKind
    year: int  # the schedule year (the notice's year), which may differ from date.year
    name: str = ""  # e.g. 国庆节


class WorkCalendar:
    """Working days of the confirmed years, exactly, and (with `provisional=True`) of every
    other year FIRST_YEAR–LAST_YEAR on the statutory-holiday model."""

    def __init__(self, entries: Iterable[ScheduleEntry], *, provisional: bool = False) -> None:
        by_date: dict[dt.date, ScheduleEntry] = {}
        for e in entries:
            _check_entry(e)
            if e.date in by_date:
                raise CalendarDataError(f"{e.date.isoformat()} 重复出现在节假日安排中")
            by_date[e.date] = e
        self._entries = tuple(sorted(by_date.values()))
        self._years = frozenset(e.year for e in self._entries)
        self._provisional = frozenset(
            range(FIRST_YEAR, LAST_YEAR + 1) if provisional else ()
        ).difference(self._years)
        self._lateness: dict[int, int] = {}
        off = {d for d, e in by_date.items() if e.kind is DayKind.HOLIDAY}
        for year in self._provisional:
            off.update(e.date for e in statutory_days_off(year) if e.date not in by_date)
        self._off = frozenset(off)
        self._on = frozenset(d for d, e in by_date.items() if e.kind is DayKind.WORKDAY)
        # Sorted ordinals of every working day in every countable year: counting is a bisection.
        self._ords: list[int] = []
        for year in sorted(self._years | self._provisional):
            day = dt.date(year, 1, 1).toordinal()
            end = dt.date(year, 12, 31).toordinal()
            for o in range(day, end + 1):
                if self._plain_is_working(dt.date.fromordinal(o)):
                    self._ords.append(o)

    # --- what is known -------------------------------------------------------------------

    @property
    def years(self) -> frozenset[int]:
        """Years with a confirmed schedule."""
        return self._years

    @property
    def provisional_years(self) -> frozenset[int]:
        """Years counted on the statutory-holiday model (no confirmed schedule)."""
        return self._provisional

    def is_confirmed(self, year: int) -> bool:
        return year in self._years

    @property
    def entries(self) -> tuple[ScheduleEntry, ...]:
        """The schedule rows, by date (to seed a table or write the data file back)."""
        return self._entries

    def require_year(self, year: int) -> None:
        """Raise UnknownYear unless `year` can be counted (confirmed or provisional)."""
        if year not in self._years and year not in self._provisional:
            raise UnknownYear(year)

    def _require_span(self, first: dt.date, last: dt.date) -> None:
        for year in range(first.year, last.year + 1):
            self.require_year(year)

    def _plain_is_working(self, d: dt.date) -> bool:
        return d in self._on or (d.weekday() < 5 and d not in self._off)

    # --- questions -----------------------------------------------------------------------

    def is_working_day(self, d: dt.date) -> bool:
        self.require_year(d.year)
        return self._plain_is_working(d)

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day after `d` (day 1 of a period starting on `d`)."""
        return self.add_working_days(d, 1)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start`; day 1 is the first working day after `start`.

        `start` itself never counts, working day or not (a period starting on a holiday begins
        on the next working day). n == 0 returns `start`.
        """
        if n < 0:
            raise ValueError(f"工作日天数不能为负数：{n}")
        if n == 0:
            return start
        first = bisect_right(self._ords, start.toordinal())
        target = first + n - 1
        day_after = start + dt.timedelta(days=1)
        if target >= len(self._ords):
            year = day_after.year
            while year in self._years or year in self._provisional:
                year += 1
            raise UnknownYear(year)
        result = dt.date.fromordinal(self._ords[target])
        # The bisection skips unknown years silently; refuse a span with a gap in it.
        self._require_span(day_after, result)
        return result

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days d with a < d <= b, counted like add_working_days; negative if b < a."""
        if a == b:
            return 0
        if b < a:
            return -self.working_days_between(b, a)
        self._require_span(a + dt.timedelta(days=1), b)
        return bisect_right(self._ords, b.toordinal()) - bisect_right(self._ords, a.toordinal())

    # --- how sure a counted date is ---------------------------------------------------------

    def due(self, start: dt.date, n: int) -> DueDate:
        """`add_working_days(start, n)` with its provisional years and earliest plausible date."""
        return self.qualify(start, self.add_working_days(start, n))

    def qualify(self, start: dt.date, date: dt.date) -> DueDate:
        """How sure `date`, counted in working days from `start`, is (see DueDate)."""
        years = tuple(y for y in range(start.year, date.year + 1) if y in self._provisional)
        if not years:
            return DueDate(date, date)
        # Only the provisional part can be off (with the December before: a notice may move
        # make-up days there): count that part, not the whole period.
        first = max(start, dt.date(years[0] - 1, 11, 30))
        n = self.working_days_between(first, date)
        earliest = date - dt.timedelta(days=self.lateness_bound(n))
        return DueDate(date, max(earliest, start + dt.timedelta(days=1)), years)

    def lateness_bound(self, n: int) -> int:
        """The most calendar days the provisional model has counted `n` working days later
        than the real schedule, replaying every start day of the confirmed years from
        REPLAY_FROM (the shipped schedule's if this calendar has none of its own)."""
        if n not in self._lateness:
            real = self if self.replay_years() else default_calendar()
            self._lateness[n] = max([0, *model_lateness(real, n).values()])
        return self._lateness[n]

    def replay_years(self) -> list[int]:
        """The run of consecutive confirmed years from REPLAY_FROM."""
        years, y = [], REPLAY_FROM
        while y in self._years:
            years.append(y)
            y += 1
        return years


@cache
def statutory_days_off(year: int) -> tuple[ScheduleEntry, ...]:
    """The provisional days off of `year`: the statutory holidays of 《全国年节及纪念日放假办法》
    (the rules in force that year; from 2025 the 2024 amendment) and 补假 (a holiday on a Saturday
    or Sunday moves to the next working day), as the `holidays` package computes them from the
    lunar calendar and solar terms. No 调休: that only the State Council's notice can say."""
    out = []
    for day, label in holidays.China(years=year, language="zh_CN").items():
        names = [n.strip() for n in label.split(";")]
        statutory = [n for n in names if n.removesuffix("（补假）") in STATUTORY_NAMES]
        if statutory and day.year == year:
            out.append(ScheduleEntry(day, DayKind.HOLIDAY, year, "、".join(statutory)))
    return tuple(sorted(out))


@cache
def model_calendar() -> WorkCalendar:
    """Every year FIRST_YEAR–LAST_YEAR on the statutory-holiday model alone (for the replay)."""
    return WorkCalendar([], provisional=True)


def model_lateness(real: WorkCalendar, n: int) -> dict[dt.date, int]:
    """Replay: for every start day of `real`'s consecutive confirmed years from REPLAY_FROM whose
    n-th working day is still confirmed, how many calendar days the model's n-th working day
    falls after the real one (negative: before)."""
    years = real.replay_years()
    if not years:
        return {}
    model, out = model_calendar(), {}
    day, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    while day <= last:
        try:
            truth = real.add_working_days(day, n)
        except UnknownYear:
            break
        if truth > last:
            break
        out[day] = (model.add_working_days(day, n) - truth).days
        day += dt.timedelta(days=1)
    return out


def _check_entry(e: ScheduleEntry) -> None:
    where = e.date.isoformat()
    if not isinstance(e.kind, DayKind):
        raise CalendarDataError(f"{where}：未知类型 {e.kind!r}（应为 holiday 或 workday）")
    # A notice for year Y covers Y, plus make-up days or New Year's Eve days in December of Y-1.
    if not (e.date.year == e.year or (e.date.year == e.year - 1 and e.date.month == 12)):
        raise CalendarDataError(f"{where} 不属于 {e.year} 年的节假日安排")
    if e.kind is DayKind.WORKDAY and e.date.weekday() < 5:
        raise CalendarDataError(f"{where} 是工作日本身，不能作为调休上班日（调休上班日应为周末）")


# --- the data file --------------------------------------------------------------------------


def parse_schedule(text: str, source: str = "<text>") -> list[ScheduleEntry]:
    """Read CSV rows `year,date,kind,name`; blank lines and lines starting with # are skipped."""
    lines = [
        (no, line)
        for no, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        return []
    header = next(csv.reader([lines[0][1]]))
    if tuple(h.strip() for h in header) != CSV_FIELDS:
        raise CalendarDataError(f"{source}:{lines[0][0]}: 表头应为 {','.join(CSV_FIELDS)}")
    entries: list[ScheduleEntry] = []
    for no, line in lines[1:]:
        row = next(csv.reader(io.StringIO(line)))
        try:
            if len(row) not in (3, 4):
                raise ValueError(f"应有 3 或 4 列，实有 {len(row)} 列")
            year, date, kind = (c.strip() for c in row[:3])
            name = row[3].strip() if len(row) == 4 else ""
            entries.append(
                ScheduleEntry(
                    date=dt.date.fromisoformat(date),
                    kind=DayKind(kind),
                    year=int(year),
                    name=name,
                )
            )
        except ValueError as exc:
            raise CalendarDataError(f"{source}:{no}: {exc}") from exc
    return entries


def format_schedule(entries: Iterable[ScheduleEntry]) -> str:
    """The CSV text `parse_schedule` reads (without comment lines)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for e in sorted(entries):
        writer.writerow([e.year, e.date.isoformat(), e.kind.value, e.name])
    return out.getvalue()


def load_calendar(path: Path | str = DATA_FILE, *, provisional: bool = False) -> WorkCalendar:
    """A calendar from a schedule CSV file (by default the one shipped in gongkai/lib/data)."""
    p = Path(path)
    entries = parse_schedule(p.read_text(encoding="utf-8"), source=str(p))
    try:
        return WorkCalendar(entries, provisional=provisional)
    except CalendarDataError as exc:
        raise CalendarDataError(f"{p}: {exc}") from exc


@cache
def default_calendar() -> WorkCalendar:
    """The shipped calendar with provisional years beyond it, built once per process."""
    return load_calendar(DATA_FILE, provisional=True)
