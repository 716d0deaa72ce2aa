"""The one place that decides who may do what where. Admin, views and API all call this.

Rules:
- 编辑 (editor): read the organisation's non-public content, draft, edit, submit.
- 审核 (reviewer): read, publish, withdraw, return to draft.
- 管理员 (admin): all of the above and manage the organisation and its people, in its own
  organisation and every organisation below it (a city's admin oversees its districts).
- A platform administrator (superuser) may do everything everywhere.
- A person's password, active flag and identity change only by someone who manages every
  organisation the person holds a role in (else the admin of one could act as them in another).
- Outside their scope staff see nothing: a foreign object answers exactly like a missing one.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from gongkai.organizations.selectors import descendant_ids

from .models import Membership, Role

M = TypeVar("M", bound=Model)


class Action(StrEnum):
    VIEW = "view"  # see drafts and other non-public content
    EDIT = "edit"  # draft, edit, submit
    REVIEW = "review"  # publish, withdraw, return
    MANAGE = "manage"  # organisation profile, directory, people


ROLE_ACTIONS: dict[str, set[Action]] = {
    Role.EDITOR: {Action.VIEW, Action.EDIT},
    Role.REVIEWER: {Action.VIEW, Action.REVIEW},
    Role.ADMIN: {Action.VIEW, Action.EDIT, Action.REVIEW, Action.MANAGE},
}


class NotFound(Http404):
    """Raised for missing and for out-of-scope objects alike."""


def is_platform_admin(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def org_ids(user: Any, action: Action) -> set[int] | None:
    """Organisation ids where `user` may do `action`; None means everywhere."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    if user.is_superuser:
        return None
    cache: dict[Action, set[int]] = user.__dict__.setdefault("_gongkai_scope", {})
    if action not in cache:
        direct: set[int] = set()
        overseen: set[int] = set()
        for org_id, role in Membership.objects.filter(user=user).values_list(
            "organization_id", "role"
        ):
            if action in ROLE_ACTIONS[role]:
                (overseen if role == Role.ADMIN else direct).add(org_id)
        cache[action] = direct | descendant_ids(overseen)
    return cache[action]


def forget(user: Any) -> None:
    """Drop the per-request cache after roles change."""
    user.__dict__.pop("_gongkai_scope", None)


def can(user: Any, action: Action, org_id: int | None) -> bool:
    ids = org_ids(user, action)
    return ids is None or (org_id is not None and org_id in ids)


def is_staff_anywhere(user: Any) -> bool:
    ids = org_ids(user, Action.VIEW)
    return ids is None or bool(ids)


def unmanaged_org_ids(user: Any, person: Any) -> set[int]:
    """Organisations where `person` holds a role that `user` does not manage."""
    ids = org_ids(user, Action.MANAGE)
    if ids is None:
        return set()
    held = set(Membership.objects.filter(user=person).values_list("organization_id", flat=True))
    return held - ids


def can_manage_person(user: Any, person: Any) -> bool:
    """May `user` set `person`'s password, active flag, name and e-mail? The platform
    administrator, the person themselves, or someone managing every organisation they serve."""
    if is_platform_admin(user):
        return True
    if person.is_superuser:
        return False
    if person.pk == getattr(user, "pk", None):
        return True
    ids = org_ids(user, Action.MANAGE)
    held = set(Membership.objects.filter(user=person).values_list("organization_id", flat=True))
    return bool(ids) and bool(held) and not unmanaged_org_ids(user, person)


def staff_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For staff pages outside the admin: a visitor who is not signed in goes to the login page;
    a signed-in person with no role anywhere gets the 404 of a missing page. What each page shows
    is still scoped by its selectors."""

    @wraps(view)
    def gate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_anywhere(request.user):
            raise NotFound("未找到")
        return view(request, *args, **kwargs)

    return gate


def scope(
    qs: QuerySet[M], user: Any, action: Action = Action.VIEW, org_field: str = "org"
) -> QuerySet[M]:
    """Restrict `qs` to rows of organisations where `user` may do `action`."""
    ids = org_ids(user, action)
    if ids is None:
        return qs
    return qs.filter(Q(**{f"{org_field}__in": ids}))


def get_scoped(
    qs: QuerySet[M], user: Any, action: Action = Action.VIEW, org_field: str = "org", **lookup: Any
) -> M:
    """The object, or NotFound when it is missing or outside the user's scope."""
    obj = scope(qs, user, action, org_field).filter(**lookup).first()
    if obj is None:
        raise NotFound("未找到该对象")
    return obj


def require(user: Any, action: Action, org_id: int | None) -> None:
    """For an object the user can already see: refuse an action their role lacks (403)."""
    from django.core.exceptions import PermissionDenied

    if not can(user, action, org_id):
        labels = {
            Action.EDIT: "编辑",
            Action.REVIEW: "审核",
            Action.MANAGE: "管理",
            Action.VIEW: "查看",
        }
        raise PermissionDenied(f"您在该机构没有{labels[action]}权限")


class _System:
    """The platform itself acting (scheduled tasks, demo loading): allowed everything, audited as 系统."""

    pk = None
    username = "系统"
    is_authenticated = True
    is_active = True
    is_superuser = True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()
