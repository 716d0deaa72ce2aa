"""Staff side: the token API and the back office, both scoped and both through the services."""

import datetime as dt
import threading
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.applications import services
from gongkai.applications.models import Application, ApplicationEvent
from gongkai.conftest import PASSWORD, staff, token_client

from .conftest import in_person, person

D = dt.date
J = "application/json"
TODAY = D(2025, 9, 22)  # the clock of the back-office tests below (frozen: any run date works)
frozen = time_machine.travel(
    dt.datetime(2025, 9, 22, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
)


@pytest.mark.django_db
def test_token_api_walks_a_case(org: Any, other_org: Any, handler: Any) -> None:
    client, auth = token_client(handler)
    today = D(2026, 9, 22)
    r = client.post("/api/v1/staff/applications", {
        "org": org.code, "channel": "in_person", "submitted_on": "2026-09-18",
        "applicant": person(),
    }, content_type=J, **auth)  # fmt: skip
    assert r.status_code == 201, r.content
    data = r.json()
    assert len(data["query_code"]) == 10 and data["status"] in ("in_progress",)
    assert data["applicant"]["phone"] == "13800138000"  # the handler sees it
    app_id = data["id"]
    r = client.post(f"/api/v1/staff/applications/{app_id}/answer",
                    {"on": today.isoformat(), "disposition": "withheld_internal"}, content_type=J, **auth)  # fmt: skip
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/staff/applications/{app_id}/extension",
                    {"on": today.isoformat(), "days": 25, "approver": "赵主任"}, content_type=J, **auth)  # fmt: skip
    assert r.status_code == 409 and "20" in r.json()["error"]["message"]
    r = client.post(f"/api/v1/staff/applications/{app_id}/answer",
                    {"on": today.isoformat(), "disposition": "disclosed"}, content_type=J, **auth)  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = client.post(f"/api/v1/staff/applications/{app_id}/answer",
                    {"on": today.isoformat(), "disposition": "disclosed"}, content_type=J, **auth)  # fmt: skip
    assert r.status_code == 409 and "办结" in r.json()["error"]["message"]

    stranger_client, stranger_auth = token_client(staff(other_org, Role.ADMIN))
    assert (
        stranger_client.get(f"/api/v1/staff/applications/{app_id}", **stranger_auth).status_code
        == 404
    )
    assert stranger_client.get("/api/v1/staff/applications", **stranger_auth).json() == []
    assert Client().get("/api/v1/staff/applications").status_code == 401


@frozen
@pytest.mark.django_db
def test_reviewer_sees_personal_data_masked(org: Any, handler: Any, reviewer: Any) -> None:
    in_person(org, handler, TODAY)
    client, auth = token_client(reviewer)
    [item] = client.get("/api/v1/staff/applications", **auth).json()
    assert item["applicant"]["name"] == "张**" and item["applicant"]["phone"] == "138****8000"
    assert "13800138000" not in str(item)


@frozen
@pytest.mark.django_db
def test_admin_list_flags_and_masking(org: Any, handler: Any, reviewer: Any) -> None:
    app = in_person(org, handler, TODAY)
    c = Client()
    c.login(username=handler.username, password=PASSWORD)
    page = c.get("/admin/applications/application/").content.decode()
    assert app.tracking_no in page and "张三丰" in page and "法定答复期限" in page
    c2 = Client()
    c2.login(username=reviewer.username, password=PASSWORD)
    page = c2.get("/admin/applications/application/").content.decode()
    assert app.tracking_no in page and "张三丰" not in page and "张**" in page
    detail = c2.get(f"/admin/applications/application/{app.pk}/change/").content.decode()
    assert "13800138000" not in detail and "138****8000" in detail
    assert c2.get(f"/admin/applications/application/{app.pk}/act/extension/").status_code == 403


@frozen
@pytest.mark.django_db
def test_admin_lifecycle_action_calls_the_service(org: Any, handler: Any) -> None:
    app = in_person(org, handler, TODAY)
    c = Client()
    c.login(username=handler.username, password=PASSWORD)
    url = f"/admin/applications/application/{app.pk}/act/extension/"
    assert "批准人" in c.get(url).content.decode()
    r = c.post(url, {"on": TODAY.isoformat(), "days": "5", "approver": ""})
    assert (
        r.status_code == 200
        and ApplicationEvent.objects.filter(kind="extension_granted").count() == 0
    )
    r = c.post(url, {"on": TODAY.isoformat(), "days": "5", "approver": "赵主任"})
    assert r.status_code == 302
    ev = ApplicationEvent.objects.get(kind="extension_granted")
    assert (ev.days, ev.approver, ev.created_by) == (5, "赵主任", handler)
    r = c.post(url, {"on": TODAY.isoformat(), "days": "5", "approver": "赵主任"})
    assert r.status_code == 200 and "只能延长一次" in r.content.decode()


@pytest.mark.django_db
def test_admin_registers_a_case_and_shows_the_code_once(org: Any, handler: Any) -> None:
    c = Client()
    c.login(username=handler.username, password=PASSWORD)
    form = {"org": org.pk, "channel": "post", "submitted_on": "2026-09-16",
            "signed_for_on": "2026-09-18", **person()}  # fmt: skip
    r = c.post("/admin/applications/application/add/", form, follow=True)
    assert r.status_code == 200, r.content.decode()[:2000]
    app = Application.objects.get()
    assert app.received_on == D(2026, 9, 18) and "查询码" in r.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_never_lose_an_event(org: Any, handler: Any) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(fn: Any, **kw: Any) -> None:
        try:
            barrier.wait()
            fn(Application.objects.get(pk=app.pk), by=handler, today=D(2026, 9, 22), **kw)
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()  # the thread's own connection, so the test database can be dropped

    threads = [
        threading.Thread(target=run, args=(services.extend,),
                         kwargs={"on": D(2026, 9, 21), "days": 5, "approver": "赵主任"}),
        threading.Thread(target=run, args=(services.start_consultation,),
                         kwargs={"on": D(2026, 9, 22), "third_party": "某公司"}),
    ]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    kinds = list(
        ApplicationEvent.objects.filter(application=app).order_by("seq").values_list("seq", "kind")
    )
    assert kinds[0] == (1, "submitted") and {k for _, k in kinds[1:]} == {
        "extension_granted",
        "consultation_started",
    }
    assert [s for s, _ in kinds] == [1, 2, 3]
    assert Application.objects.get(pk=app.pk).status == "consultation"
