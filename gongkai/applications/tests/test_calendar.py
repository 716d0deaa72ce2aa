"""The staff-maintained holiday schedule: the notice text read exactly, used by every due date
together with the shipped file, open cases recomputed on a change, and the public API."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client

from gongkai.applications import clock, selectors, services
from gongkai.applications.holidays import ScheduleTextError, parse_schedule_text
from gongkai.applications.models import (
    Application,
    DueDateChange,
    HolidayDay,
    HolidaySchedule,
)
from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD, UserFactory
from gongkai.lib.workdays import default_calendar

from .conftest import in_person

D = dt.date

# The State Council notice for 2026 (国办发明电〔2025〕7号), as published.
NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。"""

# A made-up 2027 schedule for the tests (the real one is not published at the time of writing).
TEST_2027 = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至13日（周六）放假调休，共9天。2月14日（周日）上班。"""


@pytest.fixture
def admin(db: Any) -> Any:
    return UserFactory(is_superuser=True, username="platform")


def test_the_2026_notice_reads_exactly_as_the_shipped_calendar() -> None:
    got = parse_schedule_text(NOTICE_2026, 2026)
    shipped = [e for e in default_calendar().entries if e.year == 2026]
    assert [(e.date, e.kind, e.name) for e in got] == [(e.date, e.kind, e.name) for e in shipped]
    assert len(got) == 39


@pytest.mark.parametrize(("text", "message"), [
    ("元旦：1月1日（周五）至3日（周六）放假，共3天。", "2026-01-01 是星期四，不是周五"),
    ("元旦：1月1日至3日放假，共4天。", "共4天，但列出的放假日期为3天"),
    ("元旦：1月1日放假。1月5日（周一）上班。", "调休上班日应为周六或周日"),
    ("元旦：1月1日放假。1月4日照常。", "应写明“放假”或“上班”"),
    ("春节：2月15日至23日放假。", "没有 2026 年1月1日（元旦）放假"),
    ("元旦：1月1日放假。2027年1月2日放假。", "不属于 2026 年"),
    ("元旦：1月1日至2月20日放假。", "不合理"),
    ("元旦：1月1日放假；1月1日放假。", "出现了两次"),
    ("元旦：2月30日放假。", "不存在"),
    ("", "请粘贴"),
])  # fmt: skip
def test_bad_schedule_text_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ScheduleTextError, match=message):
        parse_schedule_text(text, 2026)


def test_iso_lines_and_december_make_up_days() -> None:
    got = parse_schedule_text("元旦：2019-01-01 放假；12月29日（周六）上班", 2019)
    assert [(e.date, e.kind.value) for e in got] == [
        (D(2018, 12, 29), "workday"), (D(2019, 1, 1), "holiday"),
    ]  # fmt: skip


@pytest.mark.django_db
def test_entering_2027_confirms_provisional_cases_and_is_audited(
    org: Any, handler: Any, admin: Any
) -> None:
    pending = in_person(org, handler, D(2026, 12, 21))
    # Mon 12/21 on the provisional model: 12/22–25 (4), 12/28–31 (8), 1/1 元旦, 1/4–8 (13),
    # 1/11–15 (18), 1/18 19 (20); shown 暂定 with its earliest plausible date, never blank.
    assert pending.clock_error == "" and pending.due_date == D(2027, 1, 19)
    assert pending.due_basis.startswith("暂定：2027 年节假日安排尚未录入，最早可能为")
    assert pending.due_earliest is not None and pending.due_earliest < pending.due_date
    with pytest.raises(PermissionDenied):
        services.save_holiday_schedule(by=handler, year=2027, source="通知", text=TEST_2027,
                                       today=D(2026, 12, 22))  # fmt: skip
    with pytest.raises(ValidationError) as e:
        services.save_holiday_schedule(by=admin, year=2026, source="", text=NOTICE_2026,
                                       today=D(2026, 12, 22))  # fmt: skip
    assert "已随系统提供" in e.value.message_dict["year"][0] and "source" in e.value.message_dict
    assert HolidaySchedule.objects.count() == 0

    saved = services.save_holiday_schedule(
        by=admin, year=2027, source="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        text=TEST_2027, today=D(2026, 12, 22),
    )  # fmt: skip
    assert (saved.holidays, saved.workdays, saved.recomputed) == (12, 1, 1)
    app = Application.objects.get(pk=pending.pk)
    # The real schedule agrees here: same date, now confirmed; no due-date change recorded.
    assert app.due_date == D(2027, 1, 19) and app.due_basis == "" and app.due_earliest is None
    assert not DueDateChange.objects.exists()
    assert selectors.dashboard(handler, D(2026, 12, 22)).provisional == []
    assert clock.calendar_horizon()[0] == 2027
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["calendar.schedule_save", "application.recompute"]

    # a correction of the schedule (春节 one day longer) moves nothing here, but is logged
    corrected = TEST_2027.replace("至13日（周六）放假调休，共9天", "至14日（周日）放假调休，共10天")
    corrected = corrected.replace("2月14日（周日）上班", "2月20日（周六）上班")
    saved = services.save_holiday_schedule(by=admin, year=2027, source="通知（更正）",
                                           text=corrected, today=D(2026, 12, 23))  # fmt: skip
    assert saved.recomputed == 0 and HolidayDay.objects.count() == 14
    last = AuditEntry.objects.filter(action="calendar.schedule_save").order_by("-seq").first()
    assert "2027-02-14" in last.before["workdays"] and "2027-02-20" in last.after["workdays"]


# A made-up 2027 schedule with a make-up Saturday in January: it moves a provisional due date.
TEST_2027_MAKE_UP = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。1月9日（周六）上班。"


@time_machine.travel(dt.datetime(2026, 12, 22, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
@pytest.mark.django_db
def test_entering_a_schedule_moves_only_the_dates_it_changes_and_keeps_the_history(
    org: Any, handler: Any, admin: Any
) -> None:
    moved = in_person(org, handler, D(2026, 12, 21))  # 暂定 2027-01-19
    stays = in_person(org, handler, D(2026, 11, 2))  # due 2026-11-30, inside confirmed 2026
    assert moved.due_date == D(2027, 1, 19) and moved.due_basis
    assert stays.due_date == D(2026, 11, 30) and stays.due_basis == ""
    stays_before = Application.objects.filter(pk=stays.pk).values().get()

    saved = services.save_holiday_schedule(by=admin, year=2027, source="通知（测试）",
                                           text=TEST_2027_MAKE_UP, today=D(2026, 12, 22))  # fmt: skip
    assert saved.recomputed == 1
    moved.refresh_from_db()
    # Sat 2027-01-09 now counts: …, 1/4–8 (13), 1/9 (14), 1/11–15 (19), 1/18 (20).
    assert moved.due_date == D(2027, 1, 18) and moved.due_basis == ""
    [change] = DueDateChange.objects.all()
    assert (change.application_id, change.old_date, change.new_date) == (
        moved.pk, D(2027, 1, 19), D(2027, 1, 18)
    )  # fmt: skip
    assert "2027 年节假日安排" in change.reason and change.seen_at is None
    assert Application.objects.filter(pk=stays.pk).values().get() == stays_before  # untouched

    # The handler's board shows the change until it is marked seen.
    c = Client()
    c.login(username=handler.username, password=PASSWORD)
    board = c.get("/admin/applications/caseboard/").content.decode()
    assert "期限已调整：2027年1月19日 → 2027年1月18日" in board
    r = c.post(f"/admin/applications/application/{moved.pk}/due-seen/")
    assert r.status_code == 302
    change.refresh_from_db()
    assert change.seen_at is not None and change.seen_by == handler
    assert "期限已调整" not in c.get("/admin/applications/caseboard/").content.decode()
    detail = c.get(f"/admin/applications/application/{moved.pk}/change/").content.decode()
    assert "期限调整记录" in detail and "2027年1月19日" in detail  # the history stays on the case


@pytest.mark.django_db
def test_a_failing_recompute_changes_nothing(
    org: Any, handler: Any, admin: Any, monkeypatch: Any
) -> None:
    moved = in_person(org, handler, D(2026, 12, 21))

    def boom(**kw: Any) -> int:
        raise RuntimeError("letters failed")

    from gongkai.participation import services as participation

    monkeypatch.setattr(participation, "recompute_due", boom)
    with pytest.raises(RuntimeError):
        services.save_holiday_schedule(by=admin, year=2027, source="通知（测试）",
                                       text=TEST_2027_MAKE_UP, today=D(2026, 12, 22))  # fmt: skip
    moved.refresh_from_db()
    assert moved.due_date == D(2027, 1, 19) and moved.due_basis  # still provisional
    assert not HolidaySchedule.objects.exists() and not DueDateChange.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_schedule_leaves_no_trace_in_the_calendar(admin: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.save_holiday_schedule(by=admin, year=2027, source="通知", text=TEST_2027,
                                       today=D(2026, 12, 22))  # fmt: skip
        assert 2027 in clock.work_calendar().years
        raise RuntimeError("rolled back")
    assert 2027 not in clock.work_calendar().years


@pytest.mark.django_db
def test_add_working_days_api(client: Client, admin: Any) -> None:
    def get(start: str, days: str) -> Any:
        return client.get(f"/api/v1/calendar/add-working-days?start={start}&days={days}")

    def date(start: str, days: str) -> Any:
        body = get(start, days).json()
        assert (
            body["provisional"] is False and body["earliest"] == body["date"] and not body["basis"]
        )
        return body["date"]

    assert date("2026-09-30", "1") == "2026-10-08"  # 10/1–7 off
    assert date("2026-10-03", "1") == "2026-10-08"  # from a holiday: next working day
    assert date("2026-10-09", "1") == "2026-10-10"  # Saturday made a working day
    assert date("2026-02-09", "20") == "2026-03-13"
    assert date("2026-09-30", "0") == "2026-09-30"
    r = get("2026-12-21", "20")
    assert r.status_code == 200
    body = r.json()
    assert body["date"] == "2027-01-19" and body["provisional"] is True
    assert body["earliest"] < body["date"] and body["basis"].startswith("暂定：2027 年")
    for start in ("9999-12-31", "2099-12-20", "2003-06-01"):
        r = get(start, "20")
        assert r.status_code == 409 and "可计算的范围" in r.json()["error"]["message"]
    r = get("2026-13-01", "-3")
    assert r.status_code == 422 and set(r.json()["error"]["fields"]) == {"start", "days"}
    assert get("2026-09-30", "99999").status_code == 422
    assert client.get("/api/v1/calendar/add-working-days").status_code == 422
    services.save_holiday_schedule(by=admin, year=2027, source="通知", text=TEST_2027,
                                   today=D(2026, 12, 22))  # fmt: skip
    assert date("2026-12-21", "20") == "2027-01-19"


@pytest.mark.django_db
def test_admin_guides_the_entry_of_next_years_schedule(org: Any, handler: Any, admin: Any) -> None:
    in_person(org, handler, D(2026, 12, 21))
    c = Client()
    c.login(username=admin.username, password=PASSWORD)
    page = c.get("/admin/applications/holidayschedule/").content.decode()
    assert "1 件在办申请的答复期限为暂定：尚未录入 2027 年" in page and "?year=2027" in page
    form = c.get("/admin/applications/holidayschedule/add/?year=2027").content.decode()
    assert 'value="2027"' in form
    bad = c.post("/admin/applications/holidayschedule/add/",
                 {"year": "2027", "source": "通知", "text": TEST_2027.replace("周五）至3日", "周六）至3日")})  # fmt: skip
    assert bad.status_code == 200 and "不是周六" in bad.content.decode()
    assert HolidaySchedule.objects.count() == 0
    r = c.post("/admin/applications/holidayschedule/add/",
               {"year": "2027", "source": "国务院办公厅通知", "text": TEST_2027}, follow=True)  # fmt: skip
    assert "1 件在办申请的答复期限已重新计算" in r.content.decode()
    schedule = HolidaySchedule.objects.get()
    assert schedule.updated_by == admin
    detail = c.get(f"/admin/applications/holidayschedule/{schedule.pk}/change/").content.decode()
    assert "2027-02-14" in detail and "星期日" in detail and "调休上班" in detail

    editor = Client()
    editor.login(username=handler.username, password=PASSWORD)
    assert editor.get("/admin/applications/holidayschedule/").status_code == 200  # may read
    assert editor.get("/admin/applications/holidayschedule/add/").status_code == 403
    page = editor.get("/admin/applications/holidayschedule/").content.decode()
    assert "由平台管理员录入" in page


@pytest.mark.django_db
def test_next_years_schedule_alerts_from_november(org: Any, handler: Any, admin: Any) -> None:
    from django.core.management import call_command

    assert not clock.next_year_status(D(2026, 10, 31)).alert  # before 1 Nov: no banner yet
    status = clock.next_year_status(D(2026, 11, 1))
    assert status.alert and status.year == 2027 and "2027 年节假日安排尚未录入" in status.message
    assert not clock.next_year_status(D(2025, 11, 20)).alert  # 2026 is shipped

    in_person(org, handler, D(2026, 12, 21))
    with pytest.raises(SystemExit) as exit_:
        call_command("calendar_status", today="2026-11-15")
    assert exit_.value.code == 1
    call_command("calendar_status", today="2026-10-15")  # exit 0 before November

    c = Client()
    c.login(username=admin.username, password=PASSWORD)
    with time_machine.travel(
        dt.datetime(2026, 11, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ):
        board = c.get("/admin/applications/caseboard/").content.decode()
    assert "provisional-banner" in board and "录入 2027 年节假日安排" in board
    assert "1 件的答复期限为暂定" in board

    services.save_holiday_schedule(by=admin, year=2027, source="通知", text=TEST_2027,
                                   today=D(2026, 11, 20))  # fmt: skip
    assert not clock.next_year_status(D(2026, 11, 20)).alert
    call_command("calendar_status", today="2026-11-20")  # confirmed: exit 0
    with time_machine.travel(
        dt.datetime(2026, 11, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ):
        board = c.get("/admin/applications/caseboard/").content.decode()
    assert "provisional-banner" not in board
