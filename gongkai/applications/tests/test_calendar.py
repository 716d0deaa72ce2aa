"""The staff-maintained holiday schedule: the notice text read exactly, used by every due date
together with the shipped file, open cases recomputed on a change, and the public API."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client

from gongkai.applications import clock, selectors, services
from gongkai.applications.holidays import ScheduleTextError, parse_schedule_text
from gongkai.applications.models import Application, HolidayDay, HolidaySchedule
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
def test_entering_2027_unblocks_open_cases_and_is_audited(
    org: Any, handler: Any, admin: Any
) -> None:
    blocked = in_person(org, handler, D(2026, 12, 21))
    assert blocked.due_date is None and "2027" in blocked.clock_error
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
    app = Application.objects.get(pk=blocked.pk)
    # Mon 12/21: 12/22–25 (4), 12/28–31 (8), 1/1–3 off, 1/4–8 (13), 1/11–15 (18), 1/18 19 (20)
    assert app.clock_error == "" and app.due_date == D(2027, 1, 19)
    assert selectors.dashboard(handler, D(2026, 12, 22)).calendar_problems == []
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

    assert get("2026-09-30", "1").json() == {"date": "2026-10-08"}  # 10/1–7 off
    assert get("2026-10-03", "1").json() == {
        "date": "2026-10-08"
    }  # from a holiday: next working day
    assert get("2026-10-09", "1").json() == {"date": "2026-10-10"}  # Saturday made a working day
    assert get("2026-02-09", "20").json() == {"date": "2026-03-13"}
    assert get("2026-09-30", "0").json() == {"date": "2026-09-30"}
    r = get("2026-12-21", "20")
    assert r.status_code == 409 and "2027" in r.json()["error"]["message"]
    r = get("2026-13-01", "-3")
    assert r.status_code == 422 and set(r.json()["error"]["fields"]) == {"start", "days"}
    assert get("2026-09-30", "99999").status_code == 422
    assert client.get("/api/v1/calendar/add-working-days").status_code == 422
    services.save_holiday_schedule(by=admin, year=2027, source="通知", text=TEST_2027,
                                   today=D(2026, 12, 22))  # fmt: skip
    assert get("2026-12-21", "20").json() == {"date": "2027-01-19"}


@pytest.mark.django_db
def test_admin_guides_the_entry_of_next_years_schedule(org: Any, handler: Any, admin: Any) -> None:
    in_person(org, handler, D(2026, 12, 21))
    c = Client()
    c.login(username=admin.username, password=PASSWORD)
    page = c.get("/admin/applications/holidayschedule/").content.decode()
    assert "1 件在办申请因缺少 2027 年" in page and "?year=2027" in page
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
