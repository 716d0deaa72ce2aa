"""The back office: every list scoped to the user's organisations, writes through the services
(an officer added, a plan approved and drawn by list actions), decisions read-only with the
number masked in the list."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.conftest import PASSWORD, staff
from gongkai.enforcement.models import Officer, Plan

from .conftest import id_number, licence, penalty, person
from .test_spotchecks import plan, setup_pool

pytestmark = pytest.mark.django_db

MODELS = ["enforcementbody", "officer", "matter", "licencedecision", "penaltydecision",
          "coerciondecision", "feeitem", "feeamount", "licensingintake", "spotcheckmatter", "target",
          "recusal", "plan", "draw", "result"]  # fmt: skip


def login(client: Client, user: Any) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_lists_are_scoped_and_mask_numbers(client: Client, org: Any, other_org: Any) -> None:
    number = id_number(n=51)
    penalty(org, **person(id_number=number), decision_no="本机构罚1号")
    licence(other_org, decision_no="外机构许1号")
    login(client, staff(org, Role.ADMIN))
    for name in MODELS:
        r = client.get(f"/admin/enforcement/{name}/")
        assert r.status_code == 200, name
    html = client.get("/admin/enforcement/penaltydecision/").content.decode()
    assert "本机构罚1号" in html and number not in html
    assert "外机构许1号" not in client.get("/admin/enforcement/licencedecision/").content.decode()


def test_add_officer_and_draw_by_actions(client: Client, org: Any) -> None:
    admin_user = staff(org, Role.ADMIN)
    login(client, admin_user)
    r = client.post("/admin/enforcement/officer/add/", {
        "org": org.pk, "name": "钱执法", "cert_no": "64018888", "field": "市场监管",
        "valid_until": "2027-01-01", "active": "on",
    })  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    o = Officer.objects.get(cert_no="64018888")
    assert o.published_on is not None and o.publish_due_on is not None
    matter, people = setup_pool(org, 20, 3)
    p = plan(org, matter, people)
    url = "/admin/enforcement/plan/"
    client.post(url, {"action": "approve", "_selected_action": [p.pk]})
    assert Plan.objects.get(pk=p.pk).state == "approved"
    client.post(url, {"action": "draw", "_selected_action": [p.pk]})
    assert Plan.objects.get(pk=p.pk).state == "drawn"
    r = client.post(url, {"action": "draw", "_selected_action": [p.pk]}, follow=True)
    assert "不能重新抽取" in r.content.decode()
    assert client.get("/admin/enforcement/draw/").status_code == 200


def test_editor_cannot_draw(client: Client, org: Any) -> None:
    matter, people = setup_pool(org, 20, 3)
    p = plan(org, matter, people)
    login(client, staff(org, Role.EDITOR))
    client.post("/admin/enforcement/plan/", {"action": "approve", "_selected_action": [p.pk]})
    assert Plan.objects.get(pk=p.pk).state == "draft"
    assert dt.date(2025, 10, 20)  # the frozen day of the suite
