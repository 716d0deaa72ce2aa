"""Daily work and the calendar: expired decisions leave the public pages (and the run is queued
again), a newly entered holiday schedule moves the due dates of held decisions."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.conftest import staff
from gongkai.enforcement import tasks
from gongkai.enforcement.models import PenaltyDecision, Status

from .conftest import penalty

pytestmark = pytest.mark.django_db


def test_daily_run_expires_and_requeues(org: Any, client: Client) -> None:
    pen = penalty(org, decided_on=dt.date(2025, 5, 6), publicity_months=3)  # until 2025-08-06
    assert PenaltyDecision.objects.get(pk=pen.pk).status == Status.PUBLISHED
    assert client.get(f"/enforcement/penalties/{pen.pk}/").status_code == 404  # by date already
    result = tasks.schedule()
    assert result["expired"] == 1 and result["next_run"] > result["next_run"].replace(
        hour=0, minute=0
    )
    assert PenaltyDecision.objects.get(pk=pen.pk).status == Status.EXPIRED
    assert tasks.schedule()["expired"] == 0  # nothing twice, one run waiting


def test_entered_schedule_moves_held_due_dates(org: Any) -> None:
    import time_machine

    from gongkai.applications import services as applications
    from gongkai.applications.tests.test_calendar import TEST_2027
    from gongkai.conftest import UserFactory
    from gongkai.enforcement import clock

    editor = staff(org, Role.EDITOR)
    with time_machine.travel(
        dt.datetime(2027, 2, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        held = penalty(org, by=editor, decided_on=dt.date(2027, 2, 1), on=dt.date(2027, 2, 2),
                       valid_until=dt.date(2028, 1, 31))  # fmt: skip
        provisional = held.publish_due_on  # counted on the statutory-holiday model (暂定)
        applications.save_holiday_schedule(
            by=UserFactory(is_superuser=True, username="platform"), year=2027,
            source="国务院办公厅关于2027年部分节假日安排的通知（测试）", text=TEST_2027,
            today=dt.date(2027, 2, 2),
        )  # fmt: skip
        held.refresh_from_db()
        assert held.publish_due_on == clock.add(dt.date(2027, 2, 1), 7) != provisional
