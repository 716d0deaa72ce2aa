"""People and permissions: scoping in one module, tokens, lock-out and password rules (等级保护 2.0)."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from gongkai.accounts import permissions, services
from gongkai.accounts.models import ApiToken, Role
from gongkai.accounts.permissions import SYSTEM, Action
from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD, OrganizationFactory, UserFactory, make_document, staff
from gongkai.documents.models import Document
from gongkai.documents.selectors import staff_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    city = OrganizationFactory(code="city", level="city")
    dept = OrganizationFactory(code="dept", parent=city)
    district = OrganizationFactory(code="district", level="district", parent=city)
    street = OrganizationFactory(code="street", level="township", parent=district)
    other_city = OrganizationFactory(code="other", level="city")
    return {"city": city, "dept": dept, "district": district, "street": street, "other": other_city}


def test_roles_scope_what_staff_see_and_do(tree: dict[str, Any]) -> None:
    drafts = {code: make_document(org, state="draft", title=code) for code, org in tree.items()}
    editor = staff(tree["dept"], Role.EDITOR)
    reviewer = staff(tree["dept"], Role.REVIEWER)
    district_admin = staff(tree["district"], Role.ADMIN)
    platform = UserFactory(is_superuser=True)

    def seen(user: Any) -> set[str]:
        return set(staff_documents(user).values_list("title", flat=True))

    assert seen(editor) == seen(reviewer) == {"dept"}
    assert seen(district_admin) == {"district", "street"}  # an administrator oversees those below
    assert seen(platform) == set(drafts)
    assert permissions.can(editor, Action.EDIT, tree["dept"].pk) and not permissions.can(
        editor, Action.REVIEW, tree["dept"].pk
    )
    assert permissions.can(reviewer, Action.REVIEW, tree["dept"].pk) and not permissions.can(
        reviewer, Action.EDIT, tree["dept"].pk
    )
    assert not permissions.can(district_admin, Action.VIEW, tree["city"].pk)
    anonymous = Client().get("/").wsgi_request.user
    assert seen(anonymous) == set()
    inactive = staff(tree["dept"], Role.EDITOR, is_active=False)
    assert seen(inactive) == set()


def test_foreign_objects_are_not_found(tree: dict[str, Any]) -> None:
    foreign = make_document(tree["other"], state="draft")
    editor = staff(tree["dept"], Role.EDITOR)
    with pytest.raises(permissions.NotFound):
        permissions.get_scoped(Document.objects.all(), editor, Action.VIEW, pk=foreign.pk)


def test_role_changes_are_audited(tree: dict[str, Any]) -> None:
    admin = staff(tree["city"], Role.ADMIN)
    user = UserFactory()
    membership = services.grant_role(
        by=admin, user=user, organization=tree["dept"], role=Role.EDITOR
    )
    services.grant_role(by=admin, user=user, organization=tree["dept"], role=Role.REVIEWER)
    services.revoke_role(by=admin, membership=membership)
    entries = list(
        AuditEntry.objects.filter(action__startswith="permission.", actor=admin.username).order_by(
            "seq"
        )
    )
    assert [(e.action, (e.after or {}).get("role")) for e in entries] == [
        ("permission.grant", "editor"), ("permission.grant", "reviewer"), ("permission.revoke", None),
    ]  # fmt: skip
    assert entries[1].before == {"role": "editor"}
    user.is_superuser = True
    services.save_user(by=admin, user=user)
    flags = AuditEntry.objects.get(action="permission.user_flags")
    assert flags.before == {"is_superuser": False} and flags.after == {"is_superuser": True}


def test_tokens_are_stored_as_digests_shown_once_and_revocable(tree: dict[str, Any]) -> None:
    user = staff(tree["dept"], Role.EDITOR)
    token, raw = services.issue_token(by=user, user=user, name="脚本", days=30)
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix) and raw.startswith(f"gk_{stored.prefix}_")
    assert services.authenticate_token(raw) == user
    assert services.authenticate_token(raw + "x") is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.authenticate_token(raw) is None
    token2, raw2 = services.issue_token(by=user, user=user, name="脚本2")
    services.revoke_token(by=user, token=token2)
    assert services.authenticate_token(raw2) is None
    response = Client().post(
        "/api/v1/documents",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw2}",
    )
    assert response.status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_token_command_creates_and_revokes(tree: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command

    user = staff(tree["dept"], Role.EDITOR, username="zhang")
    out = StringIO()
    call_command("token", "create", "zhang", "--days", "7", "--name", "采集脚本", stdout=out)
    import re

    raw = re.search(r"gk_[0-9a-f]{8}_\S+", out.getvalue()).group(0)
    assert services.authenticate_token(raw) == user
    call_command("token", "revoke", raw.split("_")[1], stdout=StringIO())
    assert services.authenticate_token(raw) is None


def test_lockout_after_repeated_failures(tree: dict[str, Any], settings: Any) -> None:
    settings.GONGKAI_LOCKOUT_FAILURES = 5
    staff(tree["dept"], Role.EDITOR, username="li")
    client = Client()
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "li", "password": "wrong"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/admin/login/", {"username": "li", "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # locked even with the right password
    assert AuditEntry.objects.filter(action="login.failure").count() == 5
    assert AuditEntry.objects.filter(action="login.locked").count() == 1
    from gongkai.accounts.models import LoginFailure

    LoginFailure.objects.update(
        at=timezone.now() - dt.timedelta(minutes=16)
    )  # the window has passed
    response = client.post("/admin/login/", {"username": "li", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert AuditEntry.objects.filter(action="login.success").count() == 1


def test_password_complexity(db: Any) -> None:
    for weak in ("abcdefghijk", "abcdefgh123", "12345678901", "Short1!"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Zhengwu-Gongkai-2026")


def test_expired_passwords_must_be_changed_first(tree: dict[str, Any], settings: Any) -> None:
    settings.GONGKAI_PASSWORD_MAX_AGE_DAYS = 90
    user = staff(tree["dept"], Role.EDITOR, username="wang")
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    type(user).objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/password_change/"
    assert client.get("/admin/password_change/").status_code == 200


def test_idle_sessions_expire(settings: Any) -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60  # idle timeout, renewed by every request


def test_system_actor_is_audited_as_system(tree: dict[str, Any]) -> None:
    services.grant_role(by=SYSTEM, user=UserFactory(), organization=tree["dept"], role=Role.EDITOR)
    assert AuditEntry.objects.filter(action="permission.grant").latest("seq").actor == "系统"


def test_an_administrator_setting_a_password_is_audited(tree: dict[str, Any]) -> None:
    platform = UserFactory(is_superuser=True)
    target = staff(tree["dept"], Role.EDITOR)
    client = Client()
    client.force_login(platform)
    response = client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {
            "password1": "Zhengwu-Gongkai-2026",
            "password2": "Zhengwu-Gongkai-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Zhengwu-Gongkai-2026")
    entry = AuditEntry.objects.get(action="user.password_set")
    assert entry.actor == platform.username and entry.object_id == str(target.pk)
