"""The people pages (人员) for organisation administrators (audit F8).

Each organisation's admin lists, creates, deactivates and resets the password of its own people;
a person with roles in two organisations changes only by someone who manages both.
"""

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts import services
from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import OrganizationFactory, UserFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.security]

NEW_PASSWORD = "Zhengwu-Gongkai-2026"


@pytest.fixture
def orgs(db: Any) -> dict[str, Any]:
    city = OrganizationFactory(code="city", level="city", name="示范市人民政府")
    fgw = OrganizationFactory(code="fgw", parent=city, name="示范市发展和改革委员会")
    jyj = OrganizationFactory(code="jyj", parent=city, name="示范市教育局")
    people = {
        "city_admin": staff(city, Role.ADMIN, username="city_admin"),
        "fgw_admin": staff(fgw, Role.ADMIN, username="fgw_admin"),
        "jyj_admin": staff(jyj, Role.ADMIN, username="jyj_admin"),
        "jyj_editor": staff(jyj, Role.EDITOR, username="jyj_editor"),
        "dual": staff(fgw, Role.REVIEWER, username="dual_staff"),
    }
    services.grant_role(by=SYSTEM, user=people["dual"], organization=jyj, role=Role.EDITOR)
    return {"city": city, "fgw": fgw, "jyj": jyj, **people}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _set_password(client: Client, person: User) -> Any:
    return client.post(
        f"/admin/accounts/user/{person.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )


def test_the_list_and_change_pages_answer_for_organisation_admins(orgs: dict[str, Any]) -> None:
    for name in ("city_admin", "fgw_admin", "jyj_admin"):
        client = _client(orgs[name])
        listing = client.get("/admin/accounts/user/")
        assert listing.status_code == 200, name
        page = listing.content.decode()
        assert "dual_staff" in page and name in page
        assert client.get(f"/admin/accounts/user/{orgs['dual'].pk}/change/").status_code == 200
    jyj_list = _client(orgs["jyj_admin"]).get("/admin/accounts/user/").content.decode()
    assert "jyj_editor" in jyj_list and "fgw_admin" not in jyj_list  # only its own people


def test_an_admin_resets_and_deactivates_its_own_people(orgs: dict[str, Any]) -> None:
    client = _client(orgs["jyj_admin"])
    editor = orgs["jyj_editor"]
    assert client.get(f"/admin/accounts/user/{editor.pk}/password/").status_code == 200
    assert _set_password(client, editor).status_code == 302
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)
    change = client.get(f"/admin/accounts/user/{editor.pk}/change/").content.decode()
    assert 'name="is_active"' in change  # editable


def test_an_admin_creates_a_person_with_a_role_in_its_organisation(orgs: dict[str, Any]) -> None:
    client = _client(orgs["jyj_admin"])
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "jyj_new",
            "full_name": "新同事",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-organization": str(orgs["jyj"].pk),
            "memberships-0-role": Role.EDITOR,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(username="jyj_new")
    assert list(person.memberships.values_list("organization__code", "role")) == [
        ("jyj", Role.EDITOR)
    ]
    assert client.get(f"/admin/accounts/user/{person.pk}/change/").status_code == 200


def test_a_person_with_roles_in_two_organisations_needs_an_admin_of_both(
    orgs: dict[str, Any],
) -> None:
    dual = orgs["dual"]
    for name in ("jyj_admin", "fgw_admin"):
        client = _client(orgs[name])
        refused = _set_password(client, dual)
        assert refused.status_code == 302
        assert refused["Location"].endswith(f"/admin/accounts/user/{dual.pk}/change/")
        dual.refresh_from_db()
        assert not dual.check_password(NEW_PASSWORD), name
        page = client.get(f"/admin/accounts/user/{dual.pk}/change/", follow=True)
        text = page.content.decode()
        assert "不管理的机构" in text and 'name="is_active"' not in text, name
        # the active flag cannot be switched off by posting it anyway
        client.post(
            f"/admin/accounts/user/{dual.pk}/change/", {"username": "dual_staff", "is_active": ""}
        )
        dual.refresh_from_db()
        assert dual.is_active
    # the city's admin manages both departments: allowed
    assert _set_password(_client(orgs["city_admin"]), dual).status_code == 302
    dual.refresh_from_db()
    assert dual.check_password(NEW_PASSWORD)


def test_org_admins_cannot_touch_the_platform_administrator(orgs: dict[str, Any]) -> None:
    root = UserFactory(username="root", is_superuser=True)
    services.grant_role(by=SYSTEM, user=root, organization=orgs["jyj"], role=Role.ADMIN)
    client = _client(orgs["jyj_admin"])
    assert client.get(f"/admin/accounts/user/{root.pk}/change/").status_code == 200
    _set_password(client, root)
    root.refresh_from_db()
    assert not root.check_password(NEW_PASSWORD)
