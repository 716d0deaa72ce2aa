"""Cases through the services on the statutory clock, every due date counted by hand on the 2026
schedule (春节: 2/15–2/23 off, 2/14 and 2/28 Saturdays worked; 中秋 9/25–9/27 and 国庆 10/1–10/7
off, 9/20 Sunday and 10/10 Saturday worked)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongkai.accounts.models import Role
from gongkai.applications import clock, selectors, services
from gongkai.applications.models import Application
from gongkai.audit.models import AuditEntry
from gongkai.audit.selectors import verify_chain
from gongkai.conftest import staff
from gongkai.lib.errors import Conflict
from gongkai.lib.statutory import ClockError

from .conftest import company, in_person, person

pytestmark = pytest.mark.django_db
D = dt.date


def refreshed(app: Application) -> Application:
    return Application.objects.get(pk=app.pk)


# --- 春节 2026 -----------------------------------------------------------------------------------


def test_in_person_receipt_due_date_across_spring_festival(org: Any, handler: Any) -> None:
    # Mon 2/9: 2/10 11 12 13 (4), Sat 2/14 make-up (5), 2/15–23 off, 2/24 25 26 27 (9),
    # Sat 2/28 make-up (10), 3/2–3/6 (15), 3/9–3/13 (20) → Fri 2026-03-13.
    app = in_person(org, handler, D(2026, 2, 9))
    assert app.received_on == D(2026, 2, 9)
    assert app.status == "in_progress" and app.due_date == D(2026, 3, 13)
    c = selectors.staff_clock(app, D(2026, 2, 24))
    # 补正 notice window (Art. 30): 2/10 11 12 13 14 24 25 → 2/25
    assert c is not None and c.correction_notice_by == D(2026, 2, 25) and c.used == 6


def test_correction_restarts_the_period(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 2, 9))
    services.request_correction(
        app, by=handler, on=D(2026, 2, 12), deadline=D(2026, 3, 6),
        notice="请补充所需信息的文号或者发布时间", today=D(2026, 2, 12),
    )  # fmt: skip
    app = refreshed(app)
    assert app.status == "correction" and app.due_date is None  # the period starts anew later
    services.receive_correction(app, by=handler, on=D(2026, 3, 2), today=D(2026, 3, 2))
    app = refreshed(app)
    # anew from Mon 3/2: 3/3–3/6 (4), 3/9–13 (9), 3/16–20 (14), 3/23–27 (19), 3/30 (20)
    assert app.status == "in_progress" and app.due_date == D(2026, 3, 30)
    with pytest.raises(ClockError, match="一次性"):
        services.request_correction(
            app, by=handler, on=D(2026, 3, 3), deadline=D(2026, 3, 20), notice="再补正",
            today=D(2026, 3, 3),
        )  # fmt: skip


def test_correction_notice_after_seven_working_days_is_refused(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 2, 9))
    with pytest.raises(ClockError, match=r"7个工作日内.*2026-02-25"):
        services.request_correction(
            app, by=handler, on=D(2026, 2, 26), deadline=D(2026, 3, 10), notice="补正",
            today=D(2026, 2, 26),
        )  # fmt: skip
    assert refreshed(app).events.count() == 1  # nothing written


def test_correction_received_before_the_notice_is_refused(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 2, 9))
    with pytest.raises(ClockError, match="没有进行中的补正通知"):
        services.receive_correction(app, by=handler, on=D(2026, 2, 10), today=D(2026, 2, 12))
    services.request_correction(
        app, by=handler, on=D(2026, 2, 12), deadline=D(2026, 3, 6), notice="补正",
        today=D(2026, 2, 12),
    )  # fmt: skip
    with pytest.raises(ClockError, match="早于补正通知"):
        services.receive_correction(app, by=handler, on=D(2026, 2, 11), today=D(2026, 2, 13))


def test_no_correction_in_time_closes_as_abandoned(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 2, 9))
    services.request_correction(
        app, by=handler, on=D(2026, 2, 12), deadline=D(2026, 3, 6), notice="补正",
        today=D(2026, 2, 12),
    )  # fmt: skip
    with pytest.raises(ClockError, match="补正期限届满"):
        services.answer(
            app,
            by=handler,
            on=D(2026, 3, 6),
            disposition="other_no_correction",
            today=D(2026, 3, 6),
        )
    assert services.close_lapsed(today=D(2026, 3, 6)) == []
    assert services.close_lapsed(today=D(2026, 3, 9)) == [app.tracking_no]
    app = refreshed(app)
    assert app.status == "closed" and app.disposition == "other_no_correction"
    assert app.closed_on == D(2026, 3, 7)  # the day after the applicant's deadline


# --- 国庆 2026 -----------------------------------------------------------------------------------


def test_online_application_has_no_clock_until_confirmed(org: Any, handler: Any) -> None:
    app, code = services.submit_online(org=org, data=person(), today=D(2026, 9, 17))
    assert app.status == "awaiting_receipt" and app.received_on is None and app.due_date is None
    assert len(code) == 10 and code not in app.query_digest
    with pytest.raises(Conflict, match="尚未确认收到"):
        services.extend(app, by=handler, on=D(2026, 9, 18), days=5, approver="赵主任",
                        today=D(2026, 9, 18))  # fmt: skip
    services.confirm_receipt(app, by=handler, on=D(2026, 9, 18), today=D(2026, 9, 18))
    app = refreshed(app)
    # Fri 9/18: Sun 9/20 worked (1), 9/21–24 (5), 9/25–27 off, 9/28–30 (8), 10/1–7 off,
    # 10/8 9 (10), Sat 10/10 worked (11), 10/12–16 (16), 10/19–22 (20) → Thu 2026-10-22.
    assert app.received_on == D(2026, 9, 18) and app.due_date == D(2026, 10, 22)
    assert app.handler == handler
    with pytest.raises(Conflict, match="不能重复确认"):
        services.confirm_receipt(app, by=handler, on=D(2026, 9, 19), today=D(2026, 9, 19))


def test_extension_once_at_most_twenty_days_with_approver(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    with pytest.raises(ValidationError) as e:
        services.extend(app, by=handler, on=D(2026, 10, 20), days=20, approver=" ",
                        today=D(2026, 10, 20))  # fmt: skip
    assert "approver" in e.value.message_dict
    with pytest.raises(ClockError, match="1至20个工作日"):
        services.extend(app, by=handler, on=D(2026, 10, 20), days=21, approver="赵主任",
                        today=D(2026, 10, 20))  # fmt: skip
    ev = services.extend(app, by=handler, on=D(2026, 10, 20), days=20, approver="赵主任",
                         today=D(2026, 10, 20))  # fmt: skip
    assert ev.approver == "赵主任" and "20" in ev.notice
    # 10/22 + 20: 10/23 (1), 10/26–30 (6), 11/2–6 (11), 11/9–13 (16), 11/16–19 (20)
    assert refreshed(app).due_date == D(2026, 11, 19)
    with pytest.raises(ClockError, match="只能延长一次"):
        services.extend(app, by=handler, on=D(2026, 10, 21), days=1, approver="赵主任",
                        today=D(2026, 10, 21))  # fmt: skip


def test_extension_after_the_due_date_is_refused(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    with pytest.raises(ClockError, match="已于 2026-10-22 届满"):
        services.extend(app, by=handler, on=D(2026, 10, 23), days=10, approver="赵主任",
                        today=D(2026, 10, 23))  # fmt: skip


def test_consultation_time_is_not_counted(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    services.start_consultation(app, by=handler, on=D(2026, 9, 21), third_party="某某置业有限公司",
                                today=D(2026, 9, 21))  # fmt: skip
    app = refreshed(app)
    assert app.status == "consultation" and app.due_date is None
    c = selectors.staff_clock(app, D(2026, 10, 9))
    # Art. 32: 9/21 + 15 — 9/22 23 24 28 29 30, 10/8 9 10 12 13 14 15 16 19 → 10/19
    assert c is not None and c.third_party_reply_by == D(2026, 10, 19) and c.used == 2
    services.end_consultation(app, by=handler, on=D(2026, 10, 14), today=D(2026, 10, 14))
    # used 9/20 9/21 = 2; 18 left from Wed 10/14: 10/15 16 (2), 10/19–23 (7), 10/26–30 (12),
    # 11/2–6 (17), 11/9 (18) → Mon 2026-11-09
    app = refreshed(app)
    assert app.status == "in_progress" and app.due_date == D(2026, 11, 9)


def test_fee_notice_pauses_and_unpaid_closes(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    with pytest.raises(ValidationError):
        services.send_fee_notice(app, by=handler, on=D(2026, 9, 21), amount=Decimal(0),
                                 today=D(2026, 9, 21))  # fmt: skip
    services.send_fee_notice(app, by=handler, on=D(2026, 9, 21), amount=Decimal("100.00"),
                             notice="按件收费100元", today=D(2026, 9, 21))  # fmt: skip
    assert refreshed(app).status == "fee"
    # payment by 9/21 + 20: 9/22–24 (3), 9/28–30 (6), 10/8 9 10 (9), 10/12–16 (14), 10/19–23 (19),
    # 10/26 (20); the case closes the next day
    assert services.close_lapsed(today=D(2026, 10, 26)) == []
    assert services.close_lapsed(today=D(2026, 10, 28)) == [app.tracking_no]
    app = refreshed(app)
    assert (app.disposition, app.closed_on) == ("other_unpaid", D(2026, 10, 27))


def test_fee_paid_in_time_resumes(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    services.send_fee_notice(app, by=handler, on=D(2026, 9, 21), amount=Decimal("100"),
                             today=D(2026, 9, 21))  # fmt: skip
    services.record_payment(app, by=handler, on=D(2026, 10, 14), today=D(2026, 10, 14))
    assert refreshed(app).due_date == D(2026, 11, 9)  # same 2 used as the consultation case


def test_overdue_and_at_risk_flags(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))  # due Thu 10/22
    assert clock.flags(app, D(2026, 10, 16)) == clock.Flags(False, False, 4)  # 10/19 20 21 22
    assert clock.flags(app, D(2026, 10, 19)) == clock.Flags(False, True, 3)
    assert clock.flags(app, D(2026, 10, 22)) == clock.Flags(False, True, 0)
    assert clock.flags(app, D(2026, 10, 24)).overdue  # Saturday after a Thursday due date
    assert clock.flags(app, D(2026, 10, 26)) == clock.Flags(True, False, -2)
    board = selectors.dashboard(handler, D(2026, 10, 26))
    assert [a.pk for a in board.overdue] == [app.pk] and board.due_soon == []


def test_reply_types_need_their_ground_and_close_once(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    with pytest.raises(ValidationError) as e:
        services.answer(app, by=handler, on=D(2026, 10, 9), disposition="withheld_third_party",
                        today=D(2026, 10, 9))  # fmt: skip
    assert "第十五条" in e.value.message_dict["reason"][0]
    with pytest.raises(ValidationError):
        services.answer(app, by=handler, on=D(2026, 10, 9), disposition="maybe", reason="x",
                        today=D(2026, 10, 9))  # fmt: skip
    with pytest.raises(ClockError, match="须先有补正告知"):
        services.answer(app, by=handler, on=D(2026, 10, 9), disposition="unavailable_still_unclear",
                        reason="仍不明确", today=D(2026, 10, 9))  # fmt: skip
    services.answer(
        app, by=handler, on=D(2026, 10, 9), disposition="disclosed", today=D(2026, 10, 9)
    )
    app = refreshed(app)
    assert (app.status, app.closed_on, app.disposition) == ("closed", D(2026, 10, 9), "disclosed")
    with pytest.raises(Conflict, match="已于 2026-10-09 办结"):
        services.answer(app, by=handler, on=D(2026, 10, 12), disposition="disclosed",
                        today=D(2026, 10, 12))  # fmt: skip
    services.record_delivery(app, by=handler, on=D(2026, 10, 10), today=D(2026, 10, 12))
    assert clock.flags(app, D(2026, 12, 1)) == clock.Flags(False, False, None)


def test_late_answer_keeps_the_case_marked_overdue(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    services.answer(
        app, by=handler, on=D(2026, 10, 23), disposition="disclosed", today=D(2026, 10, 23)
    )
    c = selectors.staff_clock(refreshed(app), D(2026, 11, 1))
    assert c is not None and c.overdue and c.used == 21


def test_a_year_without_a_schedule_gives_a_provisional_date_never_none(
    org: Any, handler: Any
) -> None:
    # Received Mon 2026-12-21: the 20th working day falls in 2027, whose schedule is not loaded.
    app = in_person(org, handler, D(2026, 12, 21))
    assert app.clock_error == "" and app.due_date == D(2027, 1, 19)
    assert "暂定：2027 年节假日安排尚未录入" in app.due_basis
    services.extend(app, by=handler, on=D(2026, 12, 22), days=5, approver="赵主任",
                    today=D(2026, 12, 22))  # fmt: skip
    app.refresh_from_db()
    assert app.due_date == D(2027, 1, 26) and app.due_basis  # +5 working days, still 暂定
    board = selectors.dashboard(handler, D(2026, 12, 22))
    assert board.calendar_problems == [] and board.provisional == [app]


def test_future_dates_and_bad_channels_are_refused(org: Any, handler: Any) -> None:
    with pytest.raises(ValidationError) as e:
        services.register(by=handler, org=org, data=person(), channel="pigeon",
                          submitted_on=D(2026, 9, 18), today=D(2026, 9, 18))  # fmt: skip
    assert "channel" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.register(by=handler, org=org, data=person(), channel="post",
                          submitted_on=D(2026, 9, 19), today=D(2026, 9, 18))  # fmt: skip
    app, _ = services.register(by=handler, org=org, data=person(), channel="post",
                               submitted_on=D(2026, 9, 16), signed_for_on=D(2026, 9, 18),
                               today=D(2026, 9, 18))  # fmt: skip
    assert app.received_on == D(2026, 9, 18) and app.due_date == D(2026, 10, 22)  # Art. 31(二)
    with pytest.raises(ValidationError):
        services.answer(app, by=handler, on=D(2026, 9, 25), disposition="disclosed",
                        today=D(2026, 9, 24))  # fmt: skip


def test_applicant_data_is_checked(org: Any) -> None:
    with pytest.raises(ValidationError) as e:
        services.submit_online(
            org=org, data=person(id_number="110105194912310021", phone="abc", description=""),
            today=D(2026, 9, 17),
        )  # fmt: skip
    errs = e.value.message_dict
    assert {"id_number", "phone", "description"} <= set(errs)
    assert "GB 11643" in errs["id_number"][0] and "第二十九条" in errs["description"][0]
    with pytest.raises(ValidationError) as e:
        services.submit_online(org=org, data=company(contact_person=""), today=D(2026, 9, 17))
    assert "contact_person" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.submit_online(org=org, data=person(id_type="credit_code"), today=D(2026, 9, 17))
    assert "id_type" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.submit_online(org=org, data=person(description="字" * 6000), today=D(2026, 9, 17))
    assert "5000" in e.value.message_dict["description"][0]
    assert Application.objects.count() == 0
    app, _ = services.submit_online(
        org=org, data=company(description="<script>alert(1)</script>名单\x00"), today=D(2026, 9, 17)
    )
    assert app.description == "<script>alert(1)</script>名单"  # kept as text, escaped on output


def test_scoping_and_roles(org: Any, other_org: Any, handler: Any, reviewer: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    stranger = staff(other_org, Role.EDITOR)
    with pytest.raises(PermissionDenied):
        services.register(by=stranger, org=org, data=person(), channel="in_person",
                          submitted_on=D(2026, 9, 18), today=D(2026, 9, 18))  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.answer(app, by=reviewer, on=D(2026, 9, 21), disposition="disclosed",
                        today=D(2026, 9, 21))  # fmt: skip
    with pytest.raises(selectors.permissions.NotFound):
        selectors.staff_application(stranger, app.pk)
    assert list(selectors.staff_applications(stranger)) == []
    view = selectors.personal_view(reviewer, app)
    assert view["name"] == "张**" and view["phone"] == "138****8000"
    assert view["id_number"] == "1101**********002X"
    assert selectors.personal_view(handler, app)["phone"] == "13800138000"


def test_every_change_is_audited_without_personal_data(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    services.extend(
        app, by=handler, on=D(2026, 9, 21), days=5, approver="赵主任", today=D(2026, 9, 21)
    )
    services.answer(
        app, by=handler, on=D(2026, 9, 22), disposition="disclosed", today=D(2026, 9, 22)
    )
    entries = AuditEntry.objects.filter(
        object_type="applications.application", object_id=str(app.pk)
    )
    assert list(entries.order_by("seq").values_list("action", flat=True)) == [
        "application.submit", "application.extension_granted", "application.answered",
    ]  # fmt: skip
    dump = str(list(entries.values("before", "after")))
    assert "张三丰" not in dump and "13800138000" not in dump and "11010519491231002X" not in dump
    assert verify_chain()[1] == []
