"""Staff API of columns (issue 23): token, scope (a foreign organisation answers 404), the
validation of kind, categories, external URL and period (422 with fields, nothing saved)."""

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.audit.models import AuditEntry
from gongkai.conftest import staff, token_client
from gongkai.monitoring.models import Column

from .conftest import column

pytestmark = pytest.mark.django_db
URL = "/api/v1/staff/monitoring/columns"


def _post(client, auth, **data):
    return client.post(URL, data, content_type="application/json", **auth)


def test_create_list_delete(org, other_org):
    admin = staff(org, Role.ADMIN)
    client, auth = token_client(admin)
    r = _post(client, auth, name="工作动态", org=org.code, kind="news", categories=["news"],
              on_homepage=True)  # fmt: skip
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["effective_period_days"] == 14 and body["source"] == "documents"
    column(other_org, name="别人的栏目")
    listed = client.get(URL, **auth).json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "工作动态"
    foreign = Column.objects.get(name="别人的栏目")
    assert client.delete(f"{URL}/{foreign.pk}", **auth).status_code == 404
    assert client.delete(f"{URL}/{body['id']}", **auth).status_code == 204
    assert not Column.objects.filter(pk=body["id"]).exists()
    assert AuditEntry.objects.filter(action__in=["column.create", "column.delete"]).count() == 3


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "blog"}, "kind"),
    ({"categories": ["nope"]}, "categories"),
    ({"kind": "external", "categories": [], "url": "ftp://x.example/"}, "url"),
    ({"kind": "external", "categories": [], "url": ""}, "url"),
    ({"period_days": 0}, "period_days"),
    ({"period_days": -3}, "period_days"),
    ({"org": "nowhere"}, "org"),
])  # fmt: skip
def test_bad_input_is_422(org, data, field):
    client, auth = token_client(staff(org, Role.ADMIN))
    base = {"name": "栏目", "org": org.code, "kind": "news", "categories": ["news"]}
    r = _post(client, auth, **{**base, **data})
    assert r.status_code == 422, r.content
    assert field in r.json()["error"]["fields"]
    assert Column.objects.count() == 0


def test_foreign_org_is_unknown_and_editor_cannot_manage(org, other_org):
    client, auth = token_client(staff(org, Role.ADMIN))
    r = _post(client, auth, name="栏目", org=other_org.code, kind="news", categories=["news"])
    assert r.status_code == 422 and "org" in r.json()["error"]["fields"]
    client, auth = token_client(staff(org, Role.EDITOR))
    r = _post(client, auth, name="栏目", org=org.code, kind="news", categories=["news"])
    assert r.status_code == 403
    assert Column.objects.count() == 0


def test_anonymous_is_401():
    assert Client().get(URL).status_code == 401
    assert Client().post(URL, {}, content_type="application/json").status_code == 401
