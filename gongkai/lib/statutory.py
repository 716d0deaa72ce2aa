"""The statutory clock of an on-request disclosure application (依申请公开, spec §3).

Data in, data out: a receipt date and a list of `ClockEvent`s go in, a `Clock` (due date,
working days used and remaining, pause reasons, deadlines of the other side) comes out. The app
layer stores the events and calls `compute_clock` on every change; an event the law does not
allow raises `ClockError` with a message that says why. All counting is in working days of a
`WorkCalendar` (day 1 = the first working day after the start day); a date in a year without a
confirmed holiday schedule is counted on the calendar's provisional model (see `lib.workdays`), or
raises `UnknownYear` on a strict calendar or outside 2004–2099; the app layer shows which.

Rules of 《政府信息公开条例》 (2019):
- Art. 31 — receipt date (收到申请之日) by channel: in person → the day submitted; by post → the
  day the agency signs for it (ordinary mail: the day it is confirmed with the applicant); online
  or by the agency's fax → the day both sides confirm. No receipt date, no clock.
- Art. 33 — reply within 20 working days of receipt; one extension (延期) of at most 20 working
  days, approved by the head of the disclosure office, with notice to the applicant. Time spent
  consulting third parties or other agencies is not counted.
- Art. 30 — 补正 (correction request): one notice, within 7 working days of receipt, listing
  everything to correct and a reasonable time to do so. The reply period then runs anew from
  receipt of the corrected application; no correction in time without good reason → abandoned.
- Art. 32 — third-party consultation (征求第三方意见) in writing; the third party answers within
  15 working days, otherwise the agency decides alone.
- 国办函〔2020〕109号 — fee notice (收费通知): the applicant pays within 20 working days, not
  counted in the reply period; unpaid → not processed.

Counting across pauses: the day a pause starts counts as used when it is a working day; the day
it ends does not (like the receipt day, it is the start day of the next stretch).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from gongkai.lib.errors import Conflict
from gongkai.lib.workdays import WorkCalendar

REPLY_PERIOD = 20  # Art. 33 ¶1: 20 working days from receipt
MAX_EXTENSION = 20  # Art. 33 ¶1: one extension of at most 20 working days
CORRECTION_NOTICE_WINDOW = 7  # Art. 30: the 补正 notice within 7 working days of receipt
THIRD_PARTY_REPLY = 15  # Art. 32: the third party answers within 15 working days
FEE_PAYMENT_PERIOD = 20  # 国办函〔2020〕109号: the fee is paid within 20 working days


class ClockError(Conflict):
    """An event the law does not allow at this point of the case; the message says why."""


class Channel(StrEnum):
    """How the application reached the agency (Art. 31 decides the receipt date from it)."""

    IN_PERSON = "in_person"  # 当面
    POST = "post"  # 邮寄
    ONLINE = "online"  # 网络 (互联网渠道)
    FAX = "fax"  # 传真/电子邮件 — a data message both sides must confirm


def receipt_date(
    channel: Channel,
    *,
    submitted_on: dt.date | None = None,
    signed_for_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
) -> dt.date | None:
    """The 收到申请之日 of Art. 31, or None while it is not established (then no clock runs)."""
    match channel:
        case Channel.IN_PERSON:
            # Art. 31(一): the day the applicant hands it in.
            if submitted_on is None:
                raise ClockError("当面提交的申请须填写提交日期（第三十一条第一项）")
            return submitted_on
        case Channel.POST:
            # Art. 31(二): the day signed for; ordinary letters: the day confirmed with the sender.
            return signed_for_on if signed_for_on is not None else confirmed_on
        case Channel.ONLINE | Channel.FAX:
            # Art. 31(三): the day both sides confirm; until then there is no receipt date.
            return confirmed_on
    raise ClockError(f"未知的申请渠道：{channel!r}")


class EventKind(StrEnum):
    CORRECTION_REQUESTED = "correction_requested"  # 补正通知 sent (Art. 30)
    CORRECTION_RECEIVED = "correction_received"  # corrected application received (Art. 30)
    CONSULTATION_STARTED = "consultation_started"  # 征求第三方/其他机关意见 (Art. 32, 33 ¶2)
    CONSULTATION_ENDED = "consultation_ended"
    FEE_NOTICE_SENT = "fee_notice_sent"  # 收费通知 (国办函〔2020〕109号)
    FEE_PAID = "fee_paid"
    EXTENSION_GRANTED = "extension_granted"  # 延期 (Art. 33)
    ANSWERED = "answered"  # 答复 — the final written reply of any type; closes the case


EVENT_LABELS = {
    EventKind.CORRECTION_REQUESTED: "补正通知",
    EventKind.CORRECTION_RECEIVED: "收到补正",
    EventKind.CONSULTATION_STARTED: "征求意见",
    EventKind.CONSULTATION_ENDED: "征求意见结束",
    EventKind.FEE_NOTICE_SENT: "收费通知",
    EventKind.FEE_PAID: "缴费",
    EventKind.EXTENSION_GRANTED: "延期",
    EventKind.ANSWERED: "答复",
}


@dataclass(frozen=True)
class ClockEvent:
    kind: EventKind
    on: dt.date
    days: int | None = None  # EXTENSION_GRANTED only: working days added, 1–20
    deadline: dt.date | None = None  # CORRECTION_REQUESTED only: the applicant's 补正期限


class PauseReason(StrEnum):
    CORRECTION = "correction"  # waiting for the 补正 (the period restarts afterwards)
    CONSULTATION = "consultation"  # consulting third parties or other agencies
    FEE = "fee"  # waiting for the fee


class ClockState(StrEnum):
    AWAITING_RECEIPT = "awaiting_receipt"  # online/fax application not yet confirmed (Art. 31)
    RUNNING = "running"
    PAUSED = "paused"
    ANSWERED = "answered"


@dataclass(frozen=True)
class Clock:
    as_of: dt.date
    state: ClockState
    receipt_date: dt.date | None
    period_start: dt.date | None  # receipt, or receipt of the corrected application (Art. 30)
    allowance: int  # working days allowed: 20, plus the extension
    extension_days: int
    used: int  # working days counted so far (up to the answer, or as_of)
    remaining: int  # allowance - used; negative by the working days overdue
    due_date: dt.date | None  # None while paused with time left (it depends on the resumption)
    overdue: bool  # answered after, or still open after, the due date
    pause_reasons: tuple[PauseReason, ...]
    correction_notice_by: dt.date | None  # last day to send the 补正 notice (Art. 30)
    correction_reply_by: dt.date | None  # the applicant's 补正期限 while waiting for it
    third_party_reply_by: dt.date | None  # consultation start + 15 working days (Art. 32)
    fee_payment_by: dt.date | None  # while waiting for the fee: notice + 20 working days
    lapsed: tuple[PauseReason, ...]  # waits whose deadline has passed as of `as_of`
    answered_on: dt.date | None

    @property
    def paused(self) -> bool:
        return self.state is ClockState.PAUSED


# A stretch of running time: working days in (start, stop] count; stop None = still running.
_Stretch = tuple[dt.date, dt.date | None]

# Which event ends which pause, to name the mistake when the end comes first.
_ENDS = {
    EventKind.CORRECTION_RECEIVED: (EventKind.CORRECTION_REQUESTED, PauseReason.CORRECTION),
    EventKind.CONSULTATION_ENDED: (EventKind.CONSULTATION_STARTED, PauseReason.CONSULTATION),
    EventKind.FEE_PAID: (EventKind.FEE_NOTICE_SENT, PauseReason.FEE),
}


def _due(cal: WorkCalendar, stretches: Sequence[_Stretch], allowance: int) -> dt.date | None:
    """The day the allowance runs out along the running stretches, or None if paused before."""
    left = allowance
    for start, stop in stretches:
        if stop is None:
            return cal.add_working_days(start, left)
        n = cal.working_days_between(start, stop)
        if n >= left:
            return cal.add_working_days(start, left)
        left -= n
    return None


def compute_clock(
    receipt: dt.date | None,
    events: Sequence[ClockEvent],
    calendar: WorkCalendar,
    as_of: dt.date,
) -> Clock:
    """The statutory clock as of `as_of`; events are taken in date order (same day: list order)."""
    if receipt is None:
        if events:
            raise ClockError("申请尚未确认收到（第三十一条），不能登记后续办理事项")
        return Clock(
            as_of=as_of,
            state=ClockState.AWAITING_RECEIPT,
            receipt_date=None,
            period_start=None,
            allowance=REPLY_PERIOD,
            extension_days=0,
            used=0,
            remaining=REPLY_PERIOD,
            due_date=None,
            overdue=False,
            pause_reasons=(),
            correction_notice_by=None,
            correction_reply_by=None,
            third_party_reply_by=None,
            fee_payment_by=None,
            lapsed=(),
            answered_on=None,
        )
    if as_of < receipt:
        raise ClockError(f"计算日 {as_of} 早于收到申请之日 {receipt}")

    ordered = sorted(events, key=lambda e: e.on)
    correction_notice_by = calendar.add_working_days(receipt, CORRECTION_NOTICE_WINDOW)
    period_start = receipt
    closed: list[_Stretch] = []  # finished running stretches of the current period
    running_from: dt.date | None = receipt
    active: dict[PauseReason, dt.date] = {}
    seen: set[EventKind] = set()
    allowance, extension_days = REPLY_PERIOD, 0
    correction_reply_by = third_party_reply_by = fee_payment_by = None
    answered_on: dt.date | None = None

    def pause(reason: PauseReason, on: dt.date) -> None:
        nonlocal running_from
        if not active:
            assert running_from is not None
            closed.append((running_from, on))
            running_from = None
        active[reason] = on

    def resume(reason: PauseReason, on: dt.date) -> None:
        nonlocal running_from
        del active[reason]
        if not active:
            running_from = on

    for e in ordered:
        label = f"{EVENT_LABELS[e.kind]}（{e.on}）"
        if e.on < receipt:
            raise ClockError(f"{label}早于收到申请之日 {receipt}")
        if e.on > as_of:
            raise ClockError(f"{label}晚于计算日 {as_of}，不能登记未来的事项")
        if answered_on is not None:
            raise ClockError(f"申请已于 {answered_on} 答复办结，不能再登记{label}")
        if e.days is not None and e.kind is not EventKind.EXTENSION_GRANTED:
            raise ClockError(f"只有延期才有延长天数，{label}不应填写")
        if e.deadline is not None and e.kind is not EventKind.CORRECTION_REQUESTED:
            raise ClockError(f"只有补正通知才有补正期限，{label}不应填写")
        if PauseReason.CORRECTION in active and e.kind not in (
            EventKind.CORRECTION_RECEIVED,
            EventKind.ANSWERED,
        ):
            raise ClockError(f"正在等待申请人补正，答复期限尚未重新起算，不能登记{label}")
        if e.kind in _ENDS:
            start_kind, reason = _ENDS[e.kind]
            if reason not in active:
                later = [s for s in ordered if s.kind is start_kind and s.on > e.on]
                if later:
                    raise ClockError(
                        f"{label}早于{EVENT_LABELS[start_kind]}（{later[0].on}），请核对日期"
                    )
                raise ClockError(f"没有进行中的{EVENT_LABELS[start_kind]}，不能登记{label}")

        match e.kind:
            case EventKind.CORRECTION_REQUESTED:
                # Art. 30: once, within 7 working days of receipt, with a reasonable time to reply.
                if e.kind in seen:
                    raise ClockError("补正通知只能一次性发出（第三十条），本申请已发出过补正通知")
                if e.on > correction_notice_by:
                    raise ClockError(
                        f"补正通知应自收到申请之日起7个工作日内发出（第三十条），"
                        f"期限为 {correction_notice_by}，{label}已逾期"
                    )
                if active:
                    raise ClockError(f"征求意见或收费期间不能发出补正通知（{label}）")
                if e.deadline is not None and e.deadline <= e.on:
                    raise ClockError(f"补正期限 {e.deadline} 应晚于补正通知日期 {e.on}")
                pause(PauseReason.CORRECTION, e.on)
                correction_reply_by = e.deadline
            case EventKind.CORRECTION_RECEIVED:
                # Art. 30: the reply period runs anew from receipt of the corrected application.
                del active[PauseReason.CORRECTION]
                period_start, closed, running_from = e.on, [], e.on
                correction_reply_by = None
            case EventKind.CONSULTATION_STARTED:
                # Art. 32/33 ¶2: consultation time is not counted; several rounds may follow.
                if PauseReason.CONSULTATION in active:
                    raise ClockError(f"上一次征求意见尚未结束，不能登记{label}")
                pause(PauseReason.CONSULTATION, e.on)
                # Counted from the letter's date: its receipt by the third party is not recorded.
                third_party_reply_by = calendar.add_working_days(e.on, THIRD_PARTY_REPLY)
            case EventKind.CONSULTATION_ENDED:
                resume(PauseReason.CONSULTATION, e.on)
                third_party_reply_by = None
            case EventKind.FEE_NOTICE_SENT:
                # 国办函〔2020〕109号: one written fee notice; the wait for payment is not counted.
                if e.kind in seen:
                    raise ClockError("本申请已发出过收费通知，不能再次发出")
                pause(PauseReason.FEE, e.on)
                fee_payment_by = calendar.add_working_days(e.on, FEE_PAYMENT_PERIOD)
            case EventKind.FEE_PAID:
                assert fee_payment_by is not None
                if e.on > fee_payment_by:
                    raise ClockError(
                        f"缴费期限已于 {fee_payment_by} 届满（20个工作日），"
                        f"逾期未缴费的申请不再处理，不能登记{label}"
                    )
                resume(PauseReason.FEE, e.on)
                fee_payment_by = None
            case EventKind.EXTENSION_GRANTED:
                # Art. 33 ¶1: once, at most 20 working days, before the period has run out.
                if e.kind in seen:
                    raise ClockError("答复期限只能延长一次（第三十三条），本申请已延期")
                if e.days is None or not 1 <= e.days <= MAX_EXTENSION:
                    raise ClockError(
                        f"延长的期限应为1至{MAX_EXTENSION}个工作日（第三十三条），"
                        f"不能延长 {e.days} 个工作日"
                    )
                stretches = [*closed, (running_from, None)] if running_from else closed
                due = _due(calendar, stretches, allowance)
                if due is not None and e.on > due:
                    raise ClockError(f"答复期限已于 {due} 届满，不能再延期（第三十三条）")
                allowance += e.days
                extension_days = e.days
            case EventKind.ANSWERED:
                answered_on = e.on
        seen.add(e.kind)

    until = answered_on or as_of
    stretches = [*closed, (running_from, None)] if running_from else list(closed)
    used = sum(
        calendar.working_days_between(start, min(stop or until, until)) for start, stop in stretches
    )
    due_date = _due(calendar, stretches, allowance)
    lapsed: list[PauseReason] = []
    if answered_on is None:
        waits = (
            (PauseReason.CORRECTION, correction_reply_by),
            (PauseReason.CONSULTATION, third_party_reply_by),
            (PauseReason.FEE, fee_payment_by),
        )
        lapsed = [r for r, by in waits if r in active and by is not None and as_of > by]
    if answered_on is not None:
        state = ClockState.ANSWERED
    elif active:
        state = ClockState.PAUSED
    else:
        state = ClockState.RUNNING
    return Clock(
        as_of=as_of,
        state=state,
        receipt_date=receipt,
        period_start=period_start,
        allowance=allowance,
        extension_days=extension_days,
        used=used,
        remaining=allowance - used,
        due_date=due_date,
        overdue=due_date is not None and until > due_date,
        pause_reasons=tuple(r for r in PauseReason if r in active),
        correction_notice_by=correction_notice_by,
        correction_reply_by=correction_reply_by,
        third_party_reply_by=third_party_reply_by,
        fee_payment_by=fee_payment_by,
        lapsed=tuple(lapsed),
        answered_on=answered_on,
    )
