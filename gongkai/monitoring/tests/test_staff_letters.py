"""POST /api/v1/staff/letters (issue 23): a letter received off-line, accepted at once, counted
by the inspection; bad input is 422 with fields and nothing saved; scope and token."""

import datetime as dt

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import staff, token_client
from gongkai.monitoring import selectors
from gongkai.participation import services as participation
from gongkai.participation.models import Letter

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/api/v1/staff/letters"
BODY = {"mailbox": "mayor", "kind": "consult", "subject": "电话咨询社保转移", "content": "市民来电咨询。",
        "name": "李女士", "phone": "13700001234", "channel": "12345", "submitted_on": "2026-03-02"}  # fmt: skip


@pytest.fixture
def box(org):
    return participation.save_mailbox(
        by=SYSTEM, org=org, data={"code": "mayor", "name": "市长信箱"}
    )


def test_register_accepts_at_once(org, box):
    client, auth = token_client(staff(org, Role.EDITOR))
    with at(D(2026, 3, 4)):
        r = client.post(URL, BODY, content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    assert set(r.json()) == {"id", "tracking_no"}
    letter = Letter.objects.get()
    assert letter.status == "accepted" and letter.accepted_on == D(2026, 3, 2)
    assert letter.events.first().note.startswith("经12345 热线收到")
    assert selectors.open_letters(D(2026, 5, 3))[0]["over_2_months"] is True


@pytest.mark.parametrize(("change", "field"), [
    ({"submitted_on": "2026-03-05"}, "submitted_on"),
    ({"channel": "fax"}, "channel"),
    ({"kind": "praise"}, "kind"),
    ({"phone": "", "email": ""}, "phone"),
    ({"mailbox": "nope"}, "mailbox"),
])  # fmt: skip
def test_bad_input(org, box, change, field):
    client, auth = token_client(staff(org, Role.EDITOR))
    with at(D(2026, 3, 4)):
        r = client.post(URL, {**BODY, **change}, content_type="application/json", **auth)
    assert r.status_code == 422, r.content
    assert field in r.json()["error"]["fields"]
    assert Letter.objects.count() == 0


def test_scope_and_token(org, other_org, box):
    client, auth = token_client(staff(other_org, Role.ADMIN))
    r = client.post(URL, BODY, content_type="application/json", **auth)
    assert r.status_code == 422 and "mailbox" in r.json()["error"]["fields"]
    client, auth = token_client(staff(org, Role.REVIEWER))
    assert client.post(URL, BODY, content_type="application/json", **auth).status_code == 403
    assert Client().post(URL, BODY, content_type="application/json").status_code == 401
    assert Letter.objects.count() == 0
