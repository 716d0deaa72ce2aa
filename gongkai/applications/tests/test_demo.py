"""The demo cases: every state and every reply type, carried-over cases, deterministic."""

import datetime as dt
from typing import Any

import pytest

from gongkai.applications import demo, selectors
from gongkai.applications.dispositions import Disposition
from gongkai.applications.models import Application, Remedy
from gongkai.conftest import OrganizationFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


def _orgs() -> dict[str, Any]:
    return {
        code: OrganizationFactory(code=code, name=f"示范市{code}", level="city" if code == "city" else "department")
        for code in demo.ORGS
    }  # fmt: skip


def _snapshot() -> list[tuple]:
    return sorted(
        Application.objects.values_list(
            "org__code", "applicant_type", "channel", "received_on", "status", "due_date",
            "closed_on", "disposition",
        ),
        key=str,
    )  # fmt: skip


def test_demo_holds_every_state_and_reply_type_and_is_deterministic() -> None:
    orgs = _orgs()
    lines: list[str] = []
    created = demo.build(orgs, out=lines.append, today=TODAY)
    assert created == Application.objects.count() > 100
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(Application.Status.values)
    city = Application.objects.filter(org=orgs["city"])
    for year in (2025, 2026):
        got = set(city.filter(closed_on__year=year).values_list("disposition", flat=True))
        assert got == {d.value for d in Disposition}, year
    board = selectors.dashboard(_platform_admin(), TODAY)
    assert board.overdue and board.due_soon and board.paused and board.awaiting_receipt
    assert any(r.app.status == "in_progress" and r.app.events.filter(kind="extension_granted")
               for r in board.rows)  # fmt: skip
    report = selectors.annual_report(orgs["city"], 2026)
    rows = {r["key"]: r["values"] for r in report["section3"]["rows"]}
    assert rows["carried_in"][6] > 0 and rows["carried_out"][6] > 0 and rows["new"][6] > 30
    assert sum(report["section4"]["values"]) > 0 and Remedy.objects.exists()
    assert "（七）总计" in "\n".join(lines) and "示范市city2026年" in "\n".join(lines)
    assert all(a.due_date is None or a.clock_error == "" for a in Application.objects.all())

    first = _snapshot()
    Remedy.objects.all().delete()
    Application.objects.all().delete()
    demo.build(orgs, out=lambda s: None, today=TODAY)
    assert _snapshot() == first


def _platform_admin() -> Any:
    from gongkai.conftest import UserFactory

    return UserFactory(is_superuser=True)
