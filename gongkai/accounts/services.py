"""Writes on people: roles, passwords, API tokens, login bookkeeping. Every change is audited."""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from gongkai.audit.services import record

from . import permissions
from .models import ApiToken, LoginFailure, Membership, Role, User

TOKEN_PREFIX = "gk_"  # noqa: S105 — a marker, not a secret


# --- roles -------------------------------------------------------------------------------------
@transaction.atomic
def grant_role(
    *, by: Any, user: User, organization: Any, role: Role | str, ip: str = ""
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    before = None if created else {"role": membership.role}
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    if not created and before == {"role": role}:
        return membership
    if not user.is_staff:
        user.is_staff = True  # role holders use the back office
        user.save(update_fields=["is_staff"])
    permissions.forget(user)
    record(
        "permission.grant", actor=by, obj=membership, org_id=organization.pk, before=before,
        after={"user": user.username, "org": organization.code, "role": str(role)}, ip=ip,
    )  # fmt: skip
    return membership


@transaction.atomic
def revoke_role(*, by: Any, membership: Membership, ip: str = "") -> None:
    snapshot = {
        "user": membership.user.username,
        "org": membership.organization.code,
        "role": membership.role,
    }
    record(
        "permission.revoke", actor=by, obj=membership, org_id=membership.organization_id,
        before=snapshot, after=None, ip=ip,
    )  # fmt: skip
    membership.delete()
    permissions.forget(membership.user)


@transaction.atomic
def save_user(*, by: Any, user: User, fields: list[str] | None = None, ip: str = "") -> User:
    """Save a person; changes to active/staff/superuser status are permission changes."""
    creating = user.pk is None
    watched = ["is_active", "is_staff", "is_superuser"]
    before = {} if creating else dict(User.objects.filter(pk=user.pk).values(*watched).get())
    user.save()
    after = {k: getattr(user, k) for k in watched}
    if creating:
        record("user.create", actor=by, obj=user, after={"username": user.username, **after}, ip=ip)
    elif before != after:
        diff = [k for k in watched if before[k] != after[k]]
        record(
            "permission.user_flags", actor=by, obj=user,
            before={k: before[k] for k in diff}, after={k: after[k] for k in diff}, ip=ip,
        )  # fmt: skip
    return user


@transaction.atomic
def change_password(*, by: Any, user: User, new_password: str, ip: str = "") -> None:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    record("user.password_change", actor=by, obj=user, ip=ip)


def password_expired(user: User) -> bool:
    max_age = settings.GONGKAI_PASSWORD_MAX_AGE_DAYS
    if not max_age or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > dt.timedelta(days=max_age)


# --- login lock-out (等级保护 2.0: 登录失败处理) --------------------------------------------------
def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.GONGKAI_LOCKOUT_WINDOW_MINUTES)


def is_locked_out(username: str, *, ip: str = "") -> bool:
    """Locked for this (username, address) pair, so an outsider cannot lock the owner out."""
    recent = LoginFailure.objects.filter(username=username.lower(), ip=ip, at__gte=_window_start())
    return recent.count() >= settings.GONGKAI_LOCKOUT_FAILURES


@transaction.atomic
def login_failed(username: str, *, ip: str = "", locked: bool = False) -> None:
    LoginFailure.objects.create(username=username.lower(), ip=ip)
    record(
        "login.locked" if locked else "login.failure",
        object_type="accounts.user", object_id=username[:64], ip=ip,
        after={"username": username},
    )  # fmt: skip


@transaction.atomic
def login_succeeded(user: User, *, ip: str = "") -> None:
    # only this address's failures: another address hammering the account stays locked
    LoginFailure.objects.filter(username=user.username.lower(), ip=ip).delete()
    record("login.success", actor=user, obj=user, ip=ip)


def logged_out(user: Any, *, ip: str = "") -> None:
    if user is not None and user.is_authenticated:
        record("logout", actor=user, obj=user, ip=ip)


# --- API tokens ----------------------------------------------------------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(*, by: Any, user: User, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """Create a token; returns (record, the secret token string — shown once, never stored)."""
    if days < 1 or days > 366:
        raise ValueError("令牌有效期应为 1–366 天")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=_digest(raw),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )  # fmt: skip
    record(
        "token.issue",
        actor=by,
        obj=token,
        after={"user": user.username, "prefix": prefix, "days": days},
    )
    return token, raw


@transaction.atomic
def revoke_token(*, by: Any, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record("token.revoke", actor=by, obj=token, after={"prefix": token.prefix})


def authenticate_token(raw: str) -> User | None:
    """The active user behind a usable token, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def record_password_set(*, by: Any, user: User, ip: str = "") -> None:
    """A password set by an administrator (the admin form has already validated and saved it)."""
    record("user.password_set", actor=by, obj=user, ip=ip)
