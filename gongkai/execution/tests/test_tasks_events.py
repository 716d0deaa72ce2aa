"""Tasks (spec §1: derived 逾期 / 逾期完成, rules, reports), 督查 (§2) and opinion responses (§4):
services, pages and the API shapes."""

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document, staff, token_client
from gongkai.execution import services
from gongkai.execution.models import Task

from .conftest import D, at, event, plan, task

pytestmark = pytest.mark.django_db


def _post(client: Any, headers: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_overdue_and_late_are_derived(lead: Any, co: Any, client: Any) -> None:
    p = plan(lead)
    overdue = task(p, 1, lead=lead, co=[co], due=D(2026, 6, 1))
    late = task(p, 2, lead=lead, due=D(2026, 5, 1), status="done", completed_on=D(2026, 5, 10))
    on_time = task(p, 3, due=D(2026, 6, 1), status="done", completed_on=D(2026, 5, 30))
    future = task(p, 4, lead=lead, due=D(2026, 12, 31))
    items = {i["number"]: i for i in client.get("/api/v1/tasks?year=2026").json()["items"]}
    assert items[1]["overdue"] and not items[1]["late"]
    assert items[2]["late"] and not items[2]["overdue"]
    assert not items[3]["overdue"] and not items[3]["late"] and items[3]["lead_org"] is None
    assert not items[4]["overdue"]
    assert items[1]["co_orgs"] == [co.name] and items[1]["status_code"] == "not_started"
    only = client.get("/api/v1/tasks?overdue=true").json()
    assert only["count"] == 1 and only["items"][0]["id"] == overdue.pk
    page = client.get("/execution/tasks/?status=overdue").content.decode()
    assert "逾期" in page and overdue.title in page and future.title not in page
    assert "未明确牵头部门" in client.get(f"/execution/tasks/{on_time.pk}/").content.decode()
    assert late.pk


@pytest.mark.parametrize(("kw", "field"), [
    ({"co": "lead"}, "co_orgs"),
    ({"status": "done"}, "completed_on"),
    ({"status": "adjusted"}, "adjustment_reason"),
    ({"completed_on": D(2026, 5, 1)}, "status"),
])  # fmt: skip
def test_task_rules(lead: Any, kw: dict[str, Any], field: str) -> None:
    p = plan(lead)
    if kw.get("co") == "lead":
        kw["co"] = [lead]
    with pytest.raises(ValidationError) as e:
        task(p, 1, lead=lead, **kw)
    assert field in e.value.message_dict
    assert not Task.objects.exists()


def test_reports_through_the_api(lead: Any, co: Any) -> None:
    t = task(plan(lead), 1, lead=lead, co=[co])
    client, headers = token_client(staff(lead, Role.EDITOR))
    r = _post(
        client,
        headers,
        f"/api/v1/staff/tasks/{t.pk}/reports",
        {"on": "2026-06-10", "text": "已完成方案制定。"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status_code"] == "in_progress"
    assert body["reports"] == [{"on": "2026-06-10", "org": lead.name, "text": "已完成方案制定。"}]
    r = _post(
        client, headers, f"/api/v1/staff/tasks/{t.pk}/reports", {"on": "2026-06-10", "text": " "}
    )
    assert r.status_code == 422 and "text" in r.json()["error"]["fields"]
    outsider, h2 = token_client(staff(co, Role.EDITOR))  # a co-department: the lead reports
    assert (
        _post(
            outsider, h2, f"/api/v1/staff/tasks/{t.pk}/reports", {"on": "2026-06-10", "text": "x"}
        ).status_code
        == 404
    )
    reviewer, h3 = token_client(staff(lead, Role.REVIEWER))  # sees the task, may not write
    assert (
        _post(
            reviewer, h3, f"/api/v1/staff/tasks/{t.pk}/reports", {"on": "2026-06-10", "text": "x"}
        ).status_code
        == 403
    )


def test_inspection_is_public_once_concluded_with_derived_rectification(
    lead: Any, client: Any
) -> None:
    insp = services.create_inspection(by=SYSTEM, org=lead, title="2026年度重点工作专项督查",
                                      working_notes="底稿：约谈记录")  # fmt: skip
    base = {"responsible": "测试市城市管理局", "facts": "进度滞后", "requirement": "限期整改"}
    done = services.add_finding(
        insp, by=SYSTEM, data={"matter": "已整改事项", "rectify_due_on": D(2026, 5, 1), **base}
    )
    services.rectify(done, by=SYSTEM, text="已完成整改并验收", on=D(2026, 4, 28))
    services.add_finding(
        insp, by=SYSTEM, data={"matter": "逾期事项", "rectify_due_on": D(2026, 6, 1), **base}
    )
    services.add_finding(
        insp, by=SYSTEM, data={"matter": "整改中事项", "rectify_due_on": D(2026, 9, 1), **base}
    )
    services.add_accountability(
        insp, by=SYSTEM, data={"subject": "某局", "basis": "《问责条例》", "action": "通报批评"}
    )
    assert client.get("/api/v1/inspections").json()["count"] == 0
    assert client.get(f"/execution/inspections/{insp.pk}/").status_code == 404
    services.conclude(insp, by=SYSTEM, on=D(2026, 6, 10))
    item = client.get("/api/v1/inspections").json()["items"][0]
    assert [f["overdue"] for f in item["findings"]] == [False, True, False]
    assert item["accountability"] == [
        {"subject": "某局", "basis": "《问责条例》", "action": "通报批评"}
    ]
    html = client.get(f"/execution/inspections/{insp.pk}/").content.decode()
    assert "已整改" in html and "逾期未整改" in html and "整改中" in html and "底稿" not in html


def test_staff_inspections_include_drafts_in_scope_only(lead: Any, co: Any) -> None:
    services.create_inspection(by=SYSTEM, org=lead, title="未结论督查", working_notes="底稿")
    services.create_inspection(by=SYSTEM, org=co, title="他局督查")
    client, headers = token_client(staff(lead, Role.EDITOR))
    body = client.get("/api/v1/staff/inspections", **headers).json()
    assert [i["title"] for i in body["items"]] == ["未结论督查"]
    assert body["items"][0]["working_notes"] == "底稿"
    assert Client().get("/api/v1/staff/inspections").status_code == 401


def test_responses_clocks_and_related_documents(lead: Any, client: Any) -> None:
    e = event(lead, level="major", detected=at(2026, 6, 1, 22, 0), notes="研判：内部")
    policy = make_document(lead, title="关于调整公交线路的通告")
    hidden = make_document(lead, state="draft", title="未发布的草稿文件")
    client_s, headers = token_client(staff(lead, Role.EDITOR))
    url = f"/api/v1/staff/opinion-events/{e.pk}/responses"
    r = _post(
        client_s, headers, url, {"form": "release", "at": "2026-06-01T21:00:00+08:00", "text": "x"}
    )
    assert r.status_code == 422 and "at" in r.json()["error"]["fields"]  # before detection
    r = _post(
        client_s, headers, url, {"form": "tweet", "at": "2026-06-02T01:00:00+08:00", "text": "x"}
    )
    assert r.status_code == 422 and "form" in r.json()["error"]["fields"]
    assert client.get("/api/v1/opinion-responses").json()["count"] == 0
    r = _post(
        client_s,
        headers,
        url,
        {"form": "release", "at": "2026-06-02T01:30:00+08:00", "text": "权威发布：线路调整说明"},
    )
    assert r.status_code == 201, r.content
    services.respond(e, by=SYSTEM, form="press", at=at(2026, 6, 3, 10), text="发布会实录",
                     related=[policy, hidden])  # fmt: skip
    item = client.get("/api/v1/opinion-responses").json()["items"][0]
    assert item["detected_at"] == "2026-06-01T22:00:00+08:00"
    assert item["level_code"] == "major"
    assert [(c["kind"], c["hours"], c["met"]) for c in item["clocks"]] == [
        ("first_release", 5, True),
        ("press", 24, False),
    ]
    assert item["clocks"][1]["due_at"] == "2026-06-02T22:00:00+08:00"
    assert [x["form_code"] for x in item["responses"]] == ["release", "press"]
    assert item["related"] == [
        {"id": policy.pk, "title": policy.title, "index_no": policy.index_no}
    ]
    html = client.get(f"/response/{e.pk}/").content.decode()
    assert (
        "超时" in html and "按时" in html and "未发布的草稿文件" not in html and "研判" not in html
    )
