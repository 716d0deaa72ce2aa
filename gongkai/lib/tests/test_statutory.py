"""The statutory clock (Art. 30–33 of 《政府信息公开条例》) on real holiday schedules, by hand."""

import datetime as dt

import pytest

from gongkai.lib.errors import Conflict
from gongkai.lib.statutory import (
    Channel,
    Clock,
    ClockError,
    ClockEvent,
    ClockState,
    EventKind,
    PauseReason,
    compute_clock,
    receipt_date,
)
from gongkai.lib.workdays import UnknownYear, WorkCalendar, default_calendar

D = dt.date
K = EventKind

# Receipt on Wed 2024-09-25; 20 working days end on Mon 2024-10-28 (国庆 2024 counted by hand in
# test_workdays: 9/26 9/27 9/29(Sun) 9/30 10/8 … 10/12(Sat) … 10/28).
R24 = D(2024, 9, 25)
DUE24 = D(2024, 10, 28)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return default_calendar()


def clock(cal: WorkCalendar, receipt: dt.date | None, as_of: dt.date, *events: ClockEvent) -> Clock:
    return compute_clock(receipt, list(events), cal, as_of)


def ev(
    kind: EventKind, on: dt.date, days: int | None = None, deadline: dt.date | None = None
) -> ClockEvent:
    return ClockEvent(kind, on, days=days, deadline=deadline)


# --- receipt date by channel (Art. 31) ----------------------------------------------------------


def test_receipt_date_by_channel() -> None:
    day, later = D(2024, 9, 25), D(2024, 9, 27)
    assert receipt_date(Channel.IN_PERSON, submitted_on=day) == day
    assert receipt_date(Channel.POST, submitted_on=day, signed_for_on=later) == later
    assert receipt_date(Channel.POST, confirmed_on=later) == later  # ordinary letter
    assert receipt_date(Channel.ONLINE, submitted_on=day) is None  # not confirmed yet
    assert receipt_date(Channel.ONLINE, submitted_on=day, confirmed_on=later) == later
    assert receipt_date(Channel.FAX, submitted_on=day, confirmed_on=later) == later
    with pytest.raises(ClockError, match="第三十一条"):
        receipt_date(Channel.IN_PERSON)


def test_no_receipt_no_clock(cal: WorkCalendar) -> None:
    c = clock(cal, None, D(2024, 10, 1))
    assert c.state is ClockState.AWAITING_RECEIPT
    assert c.due_date is None and not c.overdue and c.used == 0
    with pytest.raises(ClockError, match="尚未确认收到"):
        clock(cal, None, D(2024, 10, 1), ev(K.ANSWERED, D(2024, 10, 1)))


# --- the plain 20 working days (Art. 33) --------------------------------------------------------


def test_running_clock_across_national_day_2024(cal: WorkCalendar) -> None:
    # By 10/8: 9/26 9/27 9/29 9/30 10/8 = 5 used.
    c = clock(cal, R24, D(2024, 10, 8))
    assert c.state is ClockState.RUNNING
    assert (c.due_date, c.used, c.remaining, c.overdue) == (DUE24, 5, 15, False)
    assert c.period_start == R24 and c.allowance == 20


def test_due_day_itself_is_not_overdue_the_day_after_is(cal: WorkCalendar) -> None:
    on_due = clock(cal, R24, DUE24)
    assert (on_due.used, on_due.remaining, on_due.overdue) == (20, 0, False)
    after = clock(cal, R24, D(2024, 10, 29))
    assert (after.used, after.remaining, after.overdue) == (21, -1, True)


def test_national_day_2026(cal: WorkCalendar) -> None:
    # Fri 2026-09-18 → 10/22 (counted in test_workdays); by 9/30: 9/20 21 22 23 24 28 29 30 = 8.
    c = clock(cal, D(2026, 9, 18), D(2026, 9, 30))
    assert (c.due_date, c.used, c.remaining) == (D(2026, 10, 22), 8, 12)


def test_answer_stops_the_clock(cal: WorkCalendar) -> None:
    on_time = clock(cal, R24, D(2024, 11, 20), ev(K.ANSWERED, DUE24))
    assert on_time.state is ClockState.ANSWERED
    assert (on_time.used, on_time.overdue, on_time.answered_on) == (20, False, DUE24)
    late = clock(cal, R24, D(2024, 11, 20), ev(K.ANSWERED, D(2024, 10, 29)))
    assert late.overdue and late.used == 21


def test_answer_on_the_spot(cal: WorkCalendar) -> None:
    c = clock(cal, R24, R24, ev(K.ANSWERED, R24))
    assert (c.state, c.used, c.overdue) == (ClockState.ANSWERED, 0, False)


# --- 补正 (Art. 30) -----------------------------------------------------------------------------

R26 = D(2026, 9, 18)  # Friday before 中秋/国庆 2026


def test_correction_notice_window_is_seven_working_days(cal: WorkCalendar) -> None:
    # From Fri 2026-09-18: 9/20 Sun(1) 9/21(2) 9/22(3) 9/23(4) 9/24(5) [9/25–27] 9/28(6) 9/29(7).
    assert clock(cal, R26, R26).correction_notice_by == D(2026, 9, 29)
    clock(cal, R26, D(2026, 9, 29), ev(K.CORRECTION_REQUESTED, D(2026, 9, 29)))
    with pytest.raises(ClockError, match=r"7个工作日内.*2026-09-29"):
        clock(cal, R26, D(2026, 9, 30), ev(K.CORRECTION_REQUESTED, D(2026, 9, 30)))


def test_waiting_for_correction_pauses_without_a_due_date(cal: WorkCalendar) -> None:
    notice = ev(K.CORRECTION_REQUESTED, D(2026, 9, 22), deadline=D(2026, 10, 16))
    c = clock(cal, R26, D(2026, 10, 9), notice)
    assert c.state is ClockState.PAUSED and c.paused
    assert c.pause_reasons == (PauseReason.CORRECTION,)
    assert c.due_date is None and not c.overdue
    assert c.correction_reply_by == D(2026, 10, 16) and c.lapsed == ()
    # 9/20 9/21 9/22 were used before the notice; they are dropped when the period restarts.
    assert c.used == 3
    lapsed = clock(cal, R26, D(2026, 10, 19), notice)
    assert lapsed.lapsed == (PauseReason.CORRECTION,)  # 逾期不补正 → the app may close the case


def test_correction_restarts_the_full_period(cal: WorkCalendar) -> None:
    # Corrected application received Fri 2026-10-09: 10/10 Sat(1) 10/12(2) 10/13(3) 10/14(4)
    # 10/15(5) 10/16(6) 10/19(7) 10/20(8) 10/21(9) 10/22(10) 10/23(11) 10/26(12) 10/27(13)
    # 10/28(14) 10/29(15) 10/30(16) 11/2(17) 11/3(18) 11/4(19) 11/5(20).
    c = clock(
        cal,
        R26,
        D(2026, 10, 12),
        ev(K.CORRECTION_REQUESTED, D(2026, 9, 22), deadline=D(2026, 10, 16)),
        ev(K.CORRECTION_RECEIVED, D(2026, 10, 9)),
    )
    assert c.state is ClockState.RUNNING
    assert c.period_start == D(2026, 10, 9)
    assert c.due_date == D(2026, 11, 5)
    assert (c.used, c.remaining) == (2, 18)  # 10/10 and 10/12 only
    assert c.correction_reply_by is None


def test_correction_mistakes_are_refused(cal: WorkCalendar) -> None:
    notice = ev(K.CORRECTION_REQUESTED, D(2026, 9, 22))
    with pytest.raises(ClockError, match="一次性"):
        clock(
            cal,
            R26,
            D(2026, 10, 12),
            notice,
            ev(K.CORRECTION_RECEIVED, D(2026, 9, 24)),
            ev(K.CORRECTION_REQUESTED, D(2026, 9, 28)),
        )
    with pytest.raises(ClockError, match="收到补正（2026-09-21）早于补正通知（2026-09-22）"):
        clock(cal, R26, D(2026, 10, 12), ev(K.CORRECTION_RECEIVED, D(2026, 9, 21)), notice)
    with pytest.raises(ClockError, match="没有进行中的补正通知"):
        clock(cal, R26, D(2026, 10, 12), ev(K.CORRECTION_RECEIVED, D(2026, 9, 21)))
    with pytest.raises(ClockError, match="等待申请人补正"):
        clock(cal, R26, D(2026, 10, 12), notice, ev(K.EXTENSION_GRANTED, D(2026, 9, 28), days=5))
    with pytest.raises(ClockError, match=r"补正期限.*应晚于"):
        clock(cal, R26, D(2026, 10, 12), ev(K.CORRECTION_REQUESTED, D(2026, 9, 22), deadline=R26))


# --- third-party consultation (Art. 32, 33 ¶2) ---------------------------------------------------


def test_consultation_is_not_counted(cal: WorkCalendar) -> None:
    # Used before the pause: 9/26 9/27 9/29 9/30 10/8 10/9 = 6. Consultation 10/9 → 10/15; the
    # 14 days left run from 10/15: 10/16(1) 17 18 21 22 23 24 25 28 29 30 31 11/1(13) 11/4(14).
    # Check: original due 10/28 plus the 5 paused working days (10/10 10/11 10/12 10/14 10/15).
    start, end = (
        ev(K.CONSULTATION_STARTED, D(2024, 10, 9)),
        ev(K.CONSULTATION_ENDED, D(2024, 10, 15)),
    )
    during = clock(cal, R24, D(2024, 10, 11), start)
    assert during.pause_reasons == (PauseReason.CONSULTATION,)
    assert (during.due_date, during.used, during.remaining) == (None, 6, 14)
    # 15 working days from 10/9: 10/10 10/11 10/12 10/14 … 10/28(14) 10/29(15).
    assert during.third_party_reply_by == D(2024, 10, 29)
    after = clock(cal, R24, D(2024, 10, 16), start, end)
    assert after.state is ClockState.RUNNING
    assert (after.due_date, after.used) == (D(2024, 11, 4), 7)
    assert after.third_party_reply_by is None
    late_third_party = clock(cal, R24, D(2024, 10, 30), start)
    assert late_third_party.lapsed == (PauseReason.CONSULTATION,)


def test_consultation_mistakes_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ClockError, match="早于征求意见"):
        clock(
            cal,
            R24,
            D(2024, 10, 20),
            ev(K.CONSULTATION_ENDED, D(2024, 10, 9)),
            ev(K.CONSULTATION_STARTED, D(2024, 10, 10)),
        )
    with pytest.raises(ClockError, match="尚未结束"):
        clock(
            cal,
            R24,
            D(2024, 10, 20),
            ev(K.CONSULTATION_STARTED, D(2024, 10, 9)),
            ev(K.CONSULTATION_STARTED, D(2024, 10, 10)),
        )


def test_overlapping_pauses_count_once(cal: WorkCalendar) -> None:
    # Paused from 10/9 (consultation) to 10/18 (fee paid); 6 used before, 14 left from 10/18:
    # 10/21(1) 22 23 24 25(5) 28 29 30 31 11/1(10) 11/4 11/5 11/6 11/7(14).
    events = [
        ev(K.CONSULTATION_STARTED, D(2024, 10, 9)),
        ev(K.FEE_NOTICE_SENT, D(2024, 10, 11)),
        ev(K.CONSULTATION_ENDED, D(2024, 10, 15)),
        ev(K.FEE_PAID, D(2024, 10, 18)),
    ]
    still_fee = compute_clock(R24, events[:3], cal, D(2024, 10, 16))
    assert still_fee.pause_reasons == (PauseReason.FEE,)
    c = compute_clock(R24, events, cal, D(2024, 10, 21))
    assert (c.due_date, c.used, c.state) == (D(2024, 11, 7), 7, ClockState.RUNNING)


# --- fees (国办函〔2020〕109号) ------------------------------------------------------------------

R25 = D(2025, 1, 24)  # Friday before 春节 2025; plain due date 2025-02-27 (test_workdays)


def test_fee_wait_is_not_counted(cal: WorkCalendar) -> None:
    # Used before the notice on Wed 2/5: 1/26 1/27 2/5 = 3. Paid Wed 2/12; 17 left from 2/12:
    # 2/13(1) 2/14 2/17 2/18 2/19 2/20 2/21(7) 2/24 2/25 2/26 2/27 2/28(12) 3/3 3/4 3/5 3/6 3/7(17).
    # Check: 2/27 plus the 6 paused working days (2/6 2/7 2/8 Sat 2/10 2/11 2/12) is 3/7.
    c = clock(
        cal,
        R25,
        D(2025, 2, 13),
        ev(K.FEE_NOTICE_SENT, D(2025, 2, 5)),
        ev(K.FEE_PAID, D(2025, 2, 12)),
    )
    assert (c.due_date, c.used, c.state) == (D(2025, 3, 7), 4, ClockState.RUNNING)


def test_unpaid_fee_lapses_after_twenty_working_days(cal: WorkCalendar) -> None:
    # From 2/5: 2/6(1) 2/7 2/8 Sat 2/10 2/11 2/12(6) 2/13 2/14 2/17 … 2/28(18) 3/3(19) 3/4(20).
    notice = ev(K.FEE_NOTICE_SENT, D(2025, 2, 5))
    waiting = clock(cal, R25, D(2025, 3, 4), notice)
    assert waiting.fee_payment_by == D(2025, 3, 4)
    assert waiting.pause_reasons == (PauseReason.FEE,) and waiting.lapsed == ()
    assert clock(cal, R25, D(2025, 3, 5), notice).lapsed == (PauseReason.FEE,)
    with pytest.raises(ClockError, match="缴费期限已于 2025-03-04 届满"):
        clock(cal, R25, D(2025, 3, 5), notice, ev(K.FEE_PAID, D(2025, 3, 5)))
    with pytest.raises(ClockError, match="已发出过收费通知"):
        clock(
            cal,
            R25,
            D(2025, 3, 5),
            notice,
            ev(K.FEE_PAID, D(2025, 2, 12)),
            ev(K.FEE_NOTICE_SENT, D(2025, 2, 13)),
        )


# --- extension (Art. 33) ----------------------------------------------------------------------


def test_extension_adds_working_days(cal: WorkCalendar) -> None:
    # 40 working days from 9/25: after 10/28(20): 10/29 10/30 10/31 11/1 11/4(25) 11/5 11/6 11/7
    # 11/8 11/11(30) 11/12 11/13 11/14 11/15 11/18(35) 11/19 11/20 11/21 11/22 11/25(40).
    c = clock(cal, R24, D(2024, 10, 29), ev(K.EXTENSION_GRANTED, D(2024, 10, 21), days=20))
    assert (c.allowance, c.extension_days, c.due_date) == (40, 20, D(2024, 11, 25))
    assert (c.used, c.remaining, c.overdue) == (21, 19, False)
    short = clock(cal, R24, D(2024, 10, 29), ev(K.EXTENSION_GRANTED, D(2024, 10, 28), days=5))
    assert short.due_date == D(2024, 11, 4)  # 10/29 10/30 10/31 11/1 11/4


def test_extension_after_a_consultation(cal: WorkCalendar) -> None:
    # Due 11/4 after the consultation (above), plus 20: 11/5 … 11/29(19) 12/2(20).
    c = clock(
        cal,
        R24,
        D(2024, 11, 1),
        ev(K.CONSULTATION_STARTED, D(2024, 10, 9)),
        ev(K.CONSULTATION_ENDED, D(2024, 10, 15)),
        ev(K.EXTENSION_GRANTED, D(2024, 10, 31), days=20),
    )
    assert c.due_date == D(2024, 12, 2)


@pytest.mark.parametrize("days", [0, 21, None])
def test_extension_is_at_most_twenty_days(cal: WorkCalendar, days: int | None) -> None:
    with pytest.raises(ClockError, match="1至20个工作日"):
        clock(cal, R24, D(2024, 10, 22), ev(K.EXTENSION_GRANTED, D(2024, 10, 21), days=days))


def test_extension_is_granted_once_and_in_time(cal: WorkCalendar) -> None:
    with pytest.raises(ClockError, match="只能延长一次"):
        clock(
            cal,
            R24,
            D(2024, 10, 22),
            ev(K.EXTENSION_GRANTED, D(2024, 10, 14), days=5),
            ev(K.EXTENSION_GRANTED, D(2024, 10, 21), days=5),
        )
    with pytest.raises(ClockError, match="已于 2024-10-28 届满"):
        clock(cal, R24, D(2024, 10, 29), ev(K.EXTENSION_GRANTED, D(2024, 10, 29), days=20))


# --- bad input --------------------------------------------------------------------------------


def test_events_out_of_bounds_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ClockError, match="早于收到申请之日"):
        clock(cal, R24, D(2024, 10, 1), ev(K.CONSULTATION_STARTED, D(2024, 9, 24)))
    with pytest.raises(ClockError, match="未来"):
        clock(cal, R24, D(2024, 10, 1), ev(K.ANSWERED, D(2024, 10, 8)))
    with pytest.raises(ClockError, match="早于收到申请之日"):
        clock(cal, R24, D(2024, 9, 24))


def test_a_case_is_closed_once(cal: WorkCalendar) -> None:
    with pytest.raises(ClockError, match="已于 2024-10-08 答复办结"):
        clock(
            cal, R24, D(2024, 10, 9), ev(K.ANSWERED, D(2024, 10, 8)), ev(K.ANSWERED, D(2024, 10, 9))
        )


def test_fields_only_where_they_belong(cal: WorkCalendar) -> None:
    with pytest.raises(ClockError, match="只有延期"):
        clock(cal, R24, D(2024, 10, 9), ev(K.ANSWERED, D(2024, 10, 8), days=3))
    with pytest.raises(ClockError, match="只有补正通知"):
        clock(
            cal, R24, D(2024, 10, 9), ev(K.FEE_NOTICE_SENT, D(2024, 10, 8), deadline=D(2024, 11, 1))
        )


def test_clock_errors_are_conflicts() -> None:
    assert issubclass(ClockError, Conflict)  # the API turns Conflict into a 409 with the message


def test_a_year_without_a_schedule_is_provisional_or_refused(cal: WorkCalendar) -> None:
    # Receipt Tue 2026-12-15: only 12 working days left in 2026 and no 2027 schedule loaded.
    c = clock(cal, D(2026, 12, 15), D(2026, 12, 16))
    assert c.due_date == D(2027, 1, 13)
    assert cal.qualify(D(2026, 12, 15), c.due_date).provisional
    with pytest.raises(UnknownYear) as exc:  # a strict calendar never guesses
        clock(WorkCalendar(cal.entries), D(2026, 12, 15), D(2026, 12, 16))
    assert exc.value.year == 2027
