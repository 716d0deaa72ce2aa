"""The staff dashboard (办理看板): scoped by permissions, flags counted in working days by hand."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gongkai.accounts.models import Role
from gongkai.applications import clock, selectors, services
from gongkai.conftest import PASSWORD, UserFactory, staff

from .conftest import in_person, person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def cases(org: Any, other_org: Any, handler: Any) -> dict[str, Any]:
    other = staff(other_org, Role.EDITOR)
    c = {
        "soon": in_person(org, handler, D(2026, 9, 18)),  # due Thu 10/22
        "late": in_person(org, handler, D(2026, 9, 14)),  # due Fri 10/16
        "paused": in_person(org, handler, D(2026, 10, 12)),
        "theirs": in_person(other_org, other, D(2026, 9, 14)),  # another organisation, overdue
        "done": in_person(org, handler, D(2026, 9, 21)),
    }
    services.send_fee_notice(c["paused"], by=handler, on=D(2026, 10, 13), amount=100,
                             today=D(2026, 10, 13))  # fmt: skip
    services.answer(c["done"], by=handler, on=D(2026, 9, 22), disposition="disclosed",
                    today=D(2026, 9, 22))  # fmt: skip
    c["online"], _ = services.submit_online(org=org, data=person(), today=D(2026, 10, 16))
    return c


def test_board_flags_and_counts_by_organisation(org: Any, handler: Any, cases: Any) -> None:
    board = selectors.dashboard(handler, D(2026, 10, 19))
    assert [a.pk for a in board.overdue] == [cases["late"].pk]
    assert [a.pk for a in board.due_soon] == [cases["soon"].pk]
    assert [a.pk for a in board.paused] == [cases["paused"].pk]
    assert [a.pk for a in board.awaiting_receipt] == [cases["online"].pk]
    assert [r.app.pk for r in board.rows][:2] == [cases["late"].pk, cases["soon"].pk]
    assert cases["theirs"].pk not in [r.app.pk for r in board.rows]  # out of scope
    [counts] = board.by_org
    assert (counts.name, counts.open, counts.running, counts.paused, counts.awaiting_receipt,
            counts.due_soon, counts.overdue, counts.blocked, counts.closed_this_year) == (
        org.name, 4, 2, 1, 1, 1, 1, 0, 1)  # fmt: skip
    # Thu 12/31/2026 is the last known working day: 12/4–12/31 hold 20 working days, so a case
    # received on Thu 12/3 is the last one whose reply period ends inside 2026.
    assert board.last_year == 2026 and board.horizon == D(2026, 12, 3)
    assert clock.calendar_horizon() == (2026, D(2026, 12, 3))


def test_board_warns_from_the_earliest_date_of_a_provisional_due_date(
    org: Any, handler: Any
) -> None:
    ok = in_person(org, handler, D(2026, 12, 3))
    guess = in_person(org, handler, D(2026, 12, 4))
    assert ok.due_date == D(2026, 12, 31) and ok.due_basis == ""
    # 12/4 + 20 on the model: …12/31 (19), 1/1 元旦, Mon 2027-01-04 (20): 暂定.
    assert guess.due_date == D(2027, 1, 4) and guess.due_basis.startswith("暂定")
    assert guess.due_earliest is not None and guess.due_earliest < guess.due_date
    board = selectors.dashboard(handler, D(2026, 12, 7))
    assert board.calendar_problems == [] and board.provisional == [guess]
    # Counting to the real-looking date, 12/23 would leave 7 working days (not at risk); the
    # warning counts to the earliest plausible date instead, so the case is flagged in time.
    cal = clock.work_calendar()
    assert cal.working_days_between(D(2026, 12, 23), guess.due_date) > clock.at_risk_days()
    day = guess.due_earliest
    while cal.working_days_between(day, guess.due_earliest) < clock.at_risk_days():
        day -= dt.timedelta(days=1)
    flags = clock.flags(guess, day)
    assert flags.at_risk and not flags.overdue
    assert clock.flags(guess, guess.due_earliest + dt.timedelta(days=1)).overdue
    late = selectors.dashboard(handler, guess.due_earliest + dt.timedelta(days=1))
    assert guess in late.overdue


def test_admin_board_is_scoped_and_linked(
    org: Any, other_org: Any, handler: Any, cases: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 10, 19))
    c = Client()
    c.login(username=handler.username, password=PASSWORD)
    assert "/admin/applications/caseboard/" in c.get("/admin/").content.decode()
    assert "办理看板" in c.get("/admin/applications/application/").content.decode()
    page = c.get("/admin/applications/caseboard/").content.decode()
    assert cases["late"].tracking_no in page and cases["soon"].tracking_no in page
    # Mon 9/14: 9/15–18 (4), Sun 9/20 (5), 9/21–24 (9), 9/28–30 (12), 10/8 9 (14), Sat 10/10 (15),
    # 10/12–16 (20) → due Fri 10/16; on Mon 10/19 one working day late.
    assert "剩 3 个工作日" in page and "已超期 1 个工作日" in page and org.name in page
    assert cases["theirs"].tracking_no not in page and other_org.name not in page
    assert "张三丰" not in page and "13800138000" not in page  # no personal data on the board

    outsider = Client()
    outsider.login(username=UserFactory(is_staff=True).username, password=PASSWORD)
    assert outsider.get("/admin/applications/caseboard/").status_code == 403
    r = Client().get("/admin/applications/caseboard/")
    assert r.status_code == 302 and "/login/" in r["Location"]
    boss = Client()
    boss.login(username=staff(other_org, Role.ADMIN).username, password=PASSWORD)
    page = boss.get("/admin/applications/caseboard/").content.decode()
    assert cases["theirs"].tracking_no in page and cases["late"].tracking_no not in page
