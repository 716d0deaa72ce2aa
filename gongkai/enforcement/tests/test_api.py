"""The typed API (issue 21): staff writes with a token (422 with field errors and nothing saved,
404 outside the scope, 409 on a second draw), public lists `{count, items}` with page/size."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import staff, token_client
from gongkai.enforcement import services
from gongkai.enforcement.models import LicenceDecision, PenaltyDecision

from .conftest import TODAY, LicenceData, PenaltyData, id_number, licence, penalty, person

pytestmark = pytest.mark.django_db


def payload(factory: Any, org: Any, **over: Any) -> str:
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in factory(**over).items()}
    return json.dumps({"org": org.code, **data}, ensure_ascii=False)


def test_staff_records_a_penalty_and_withdraws_it(org: Any) -> None:
    c, auth = token_client(staff(org, Role.ADMIN))
    r = c.post("/api/v1/staff/enforcement/penalties", payload(PenaltyData, org, **person(id_number=id_number(n=31))),
               content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "published" and body["published_on"] == TODAY.isoformat()
    assert body["publish_due_on"] == "2025-10-13" and body["published_late"] is True
    public = Client().get(f"/api/v1/enforcement/penalties/{body['id']}").json()
    assert public["id_number"] != id_number(n=31) and public["id_number"].endswith(
        id_number(n=31)[-4:]
    )
    r = c.post(f"/api/v1/staff/enforcement/penalties/{body['id']}/withdraw",
               json.dumps({"changed_on": TODAY.isoformat(), "reason": "经复议撤销"}),
               content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 200 and r.json()["due_on"] == "2025-10-23"
    assert Client().get(f"/api/v1/enforcement/penalties/{body['id']}").status_code == 404
    r = c.post(f"/api/v1/staff/enforcement/penalties/{body['id']}/withdraw",
               json.dumps({"changed_on": TODAY.isoformat(), "reason": "再次"}),
               content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    "over",
    [{"category_code": "07"}, {"category_code": "其他"}, {"valid_to": "2020-01-01"},
     {"decided_on": "2025-10-21"}, {"credit_code": "91640100000001000X"},
     {**person(), "id_number": ""}, {"decision_title": ""}],
)  # fmt: skip
def test_bad_licence_is_422_and_nothing_saved(org: Any, over: dict) -> None:
    c, auth = token_client(staff(org, Role.ADMIN))
    r = c.post("/api/v1/staff/enforcement/licences", payload(LicenceData, org, **over),
               content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 422, r.content
    assert r.json()["error"]["fields"] and LicenceDecision.objects.count() == 0


def test_negative_fine_is_422(org: Any) -> None:
    c, auth = token_client(staff(org, Role.ADMIN))
    r = c.post("/api/v1/staff/enforcement/penalties", payload(PenaltyData, org, fine_wan="-2"),
               content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 422 and "fine_wan" in r.json()["error"]["fields"]
    assert PenaltyDecision.objects.count() == 0


def test_scope_and_token(org: Any, other_org: Any) -> None:
    foreign = licence(other_org)
    c, auth = token_client(staff(org, Role.ADMIN))
    r = c.post(f"/api/v1/staff/enforcement/licences/{foreign.pk}/withdraw",
               json.dumps({"changed_on": TODAY.isoformat(), "reason": "撤销"}),
               content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 404
    r = c.post("/api/v1/staff/enforcement/licences", payload(LicenceData, other_org),
               content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 422 and "org" in r.json()["error"]["fields"]
    assert (
        Client()
        .post("/api/v1/staff/enforcement/licences", "{}", content_type="application/json")
        .status_code
        == 401
    )


def test_draw_through_the_api_once(org: Any) -> None:
    from .test_spotchecks import plan, setup_pool

    matter, people = setup_pool(org, 20, 3)
    p = plan(org, matter, people)
    c, auth = token_client(staff(org, Role.REVIEWER))
    assert (
        c.post(f"/api/v1/staff/spot-checks/plans/{p.pk}/draw", **auth).status_code == 409
    )  # unapproved
    services.approve_plan(p, by=SYSTEM)
    r = c.post(f"/api/v1/staff/spot-checks/plans/{p.pk}/draw", **auth)
    assert r.status_code == 200 and r.json()["seed"] and len(r.json()["drawn"]) == 1
    assert c.post(f"/api/v1/staff/spot-checks/plans/{p.pk}/draw", **auth).status_code == 409


def test_public_lists_filter_and_page(org: Any, other_org: Any) -> None:
    for _ in range(3):
        licence(org)
    licence(other_org, decided_on=dt.date(2024, 5, 6), valid_from=dt.date(2024, 5, 6))
    c = Client()
    js = c.get("/api/v1/enforcement/licences?size=2").json()
    assert js["count"] == 4 and len(js["items"]) == 2
    assert c.get(f"/api/v1/enforcement/licences?org={org.code}&year=2025").json()["count"] == 3
    assert c.get("/api/v1/enforcement/licences?year=2024").json()["count"] == 1
    assert c.get("/api/v1/enforcement/licences?org=nosuch").json() == {"count": 0, "items": []}
    assert c.get("/api/v1/enforcement/licences?year=99999").status_code == 422
    item = c.get(f"/api/v1/enforcement/licences?org={org.code}").json()["items"][0]
    assert item["url"].startswith("/enforcement/licences/") and item["long_term"] is False
    pen = penalty(org, type_codes=["01", "08"])
    penalty(org, type_codes=["01"])
    assert c.get("/api/v1/enforcement/penalties?type=08").json()["items"][0]["id"] == pen.pk
    stats = c.get(f"/api/v1/enforcement/statistics?org={org.code}&year=2025").json()
    assert stats["penalty"]["by_heaviest"]["08"] == 1 and stats["penalty"]["by_heaviest"]["01"] == 1
    assert stats["licensing"]["granted"] == 3 and stats["licensing"]["applications"] is None
    assert c.get("/api/v1/enforcement/statistics?org=nosuch&year=2025").status_code == 404


def test_type_filter_matches_one_code_wherever_it_stands(org: Any) -> None:
    """`?type=` matches the code alone, first, in the middle and last, never a neighbour."""
    from gongkai.enforcement import selectors

    found = {penalty(org, type_codes=codes).pk
             for codes in (["08"], ["08", "09"], ["01", "08"], ["01", "08", "09"])}  # fmt: skip
    penalty(org, type_codes=["01", "09"])
    penalty(org, type_codes=["01"])
    assert {p.pk for p in selectors.public_penalties(type="08")} == found
    assert len(selectors.public_penalties(type="09")) == 3
    assert Client().get("/api/v1/enforcement/penalties?type=08").json()["count"] == 4
