"""Reading a year's holiday schedule (节假日安排) as staff paste it from the State Council notice.

Pure, no Django. The 国务院办公厅关于Y年部分节假日安排的通知 is published around November of
the year before; its text is pasted as it stands, e.g.

    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。

or written one line per holiday (`元旦：2027-01-01 至 2027-01-03 放假；2027-01-04 上班`).
Each section is named by the text before its colon; in each sentence the dates before 放假 are
days off (a range with 至 is inclusive) and the dates before 上班 are make-up working days
(调休). A date without a year belongs to the schedule's year, except a December date, which is
the December before (make-up days and New Year's Eve of the next year's notice). The notice's
own cross-checks are applied: the weekday in brackets (周六, 星期日) must be that date's
weekday, and “共N天” must equal the days of the range. Anything not understood is refused with
the sentence quoted, never skipped: a wrong schedule would silently move legal deadlines
(《政府信息公开条例》 Art. 30–33 count in working days).
"""

import datetime as dt
import re

from gongkai.lib.workdays import DayKind, ScheduleEntry

MAX_RANGE = 15  # no statutory holiday period is longer; a longer range is a typing mistake
_DIGITS = str.maketrans("０１２３４５６７８９－", "0123456789-")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_DATE = re.compile(
    r"(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))"
    r"|(?:(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日)"
    r"(?:\s*[（(](?P<note>[^）)]*)[）)])?"
)
_SECTION = re.compile(
    r"(?:^|\n|。)\s*(?:[一二三四五六七八九十]+[、.．]\s*)?(?P<name>[^\d\s：:。；;，,、]{2,8})[：:]"
)
_RANGE_SEP = re.compile(r"^\s*(?:至|到|~|～|—|－|-{1,2})\s*$")
_TOTAL = re.compile(r"共\s*(\d+)\s*天")


class ScheduleTextError(ValueError):
    """The pasted schedule cannot be read exactly; the message quotes the sentence."""


def _resolve(m: re.Match[str], year: int, month: int | None, where: str) -> dt.date:
    if m.group("iy"):
        y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    else:
        mo_text = m.group("m")
        if mo_text is None and month is None:
            raise ScheduleTextError(f"“{where}”中的“{m.group(0)}”缺少月份")
        # “至3日”: the month of the range's start
        mo = int(mo_text) if mo_text else (month or 0)
        y = int(m.group("y")) if m.group("y") else (year - 1 if mo == 12 else year)
        d = int(m.group("d"))
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        raise ScheduleTextError(f"“{where}”中的日期 {y}年{mo}月{d}日 不存在") from None
    note = m.group("note") or ""
    said = re.search(r"(?:周|星期|礼拜)([一二三四五六日天])", note)
    if said and _WEEKDAYS[said.group(1)] != day.weekday():
        real = "一二三四五六日"[day.weekday()]
        raise ScheduleTextError(
            f"“{where}”：{day.isoformat()} 是星期{real}，不是{said.group(0)}，请核对日期"
        )
    return day


def _sentences(body: str) -> list[str]:
    return [s.strip() for s in re.split(r"[。；;\n]", body) if s.strip()]


def parse_schedule_text(text: str, year: int) -> list[ScheduleEntry]:
    """The schedule rows of `year` in `text`; ScheduleTextError says what is wrong and where."""
    text = (text or "").replace("\r", "").translate(_DIGITS)
    if not text.strip():
        raise ScheduleTextError("请粘贴国务院办公厅通知中的放假和调休安排")
    sections: list[tuple[str, str]] = []
    marks = list(_SECTION.finditer(text))
    if not marks:
        sections.append(("", text))
    else:
        if text[: marks[0].start()].strip() and _DATE.search(text[: marks[0].start()]):
            sections.append(("", text[: marks[0].start()]))
        for k, m in enumerate(marks):
            stop = marks[k + 1].start() if k + 1 < len(marks) else len(text)
            sections.append((m.group("name").strip(), text[m.end() : stop]))
    entries: dict[dt.date, ScheduleEntry] = {}

    def add(day: dt.date, kind: DayKind, name: str, where: str) -> None:
        if day in entries:
            raise ScheduleTextError(f"{day.isoformat()} 出现了两次（“{where}”），请核对")
        if not (day.year == year or (day.year == year - 1 and day.month == 12)):
            raise ScheduleTextError(
                f"“{where}”：{day.isoformat()} 不属于 {year} 年的节假日安排"
                f"（只能是 {year} 年的日期，或 {year - 1} 年12月的调休日期）"
            )
        if kind is DayKind.WORKDAY and day.weekday() < 5:
            raise ScheduleTextError(
                f"“{where}”：{day.isoformat()} 是工作日本身，调休上班日应为周六或周日"
            )
        entries[day] = ScheduleEntry(day, kind, year, name)

    for name, body in sections:
        for sentence in _sentences(body):
            dates = list(_DATE.finditer(sentence))
            if not dates:
                continue
            works, rests = "上班" in sentence, ("放假" in sentence or "休息" in sentence)
            if works == rests:
                raise ScheduleTextError(
                    f"无法识别“{sentence}”：每句应写明“放假”或“上班”（调休上班）之一"
                )
            if works:
                month: int | None = None
                for m in dates:
                    day = _resolve(m, year, month, sentence)
                    month = day.month
                    add(day, DayKind.WORKDAY, name, sentence)
                continue
            i, month, counted = 0, None, 0
            while i < len(dates):
                start = _resolve(dates[i], year, month, sentence)
                month, end = start.month, start
                if i + 1 < len(dates) and _RANGE_SEP.match(
                    sentence[dates[i].end() : dates[i + 1].start()]
                ):
                    end = _resolve(dates[i + 1], year, month, sentence)
                    if end.month == 1 and start.month == 12 and end.year == start.year:
                        end = end.replace(year=start.year + 1)  # 12月31日至1月2日
                    i += 1
                if end < start or (end - start).days >= MAX_RANGE:
                    raise ScheduleTextError(
                        f"“{sentence}”：放假区间 {start.isoformat()} 至 {end.isoformat()} 不合理"
                    )
                day = start
                while day <= end:
                    add(day, DayKind.HOLIDAY, name, sentence)
                    counted += 1
                    day += dt.timedelta(days=1)
                month = end.month
                i += 1
            total = _TOTAL.search(sentence)
            if total and int(total.group(1)) != counted:
                raise ScheduleTextError(
                    f"“{sentence}”写明共{total.group(1)}天，但列出的放假日期为{counted}天，请核对"
                )
    if not entries:
        raise ScheduleTextError("没有找到任何日期：请粘贴通知中“放假”和“上班”的日期")
    if (
        dt.date(year, 1, 1) not in entries
        or entries[dt.date(year, 1, 1)].kind is not DayKind.HOLIDAY
    ):
        # 《全国年节及纪念日放假办法》第二条: 1月1日 is always a day off; its absence means the
        # text is of another year or incomplete.
        raise ScheduleTextError(f"安排中没有 {year} 年1月1日（元旦）放假：请核对年份和粘贴的全文")
    return sorted(entries.values())
