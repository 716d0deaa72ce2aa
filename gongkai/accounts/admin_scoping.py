"""The admin's side of `permissions`: a ModelAdmin base whose rows and rights come from it.

Django's per-model permission tables are not used; roles in organisations decide everything.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from . import permissions
from .permissions import Action


class ScopedAdmin(admin.ModelAdmin):
    org_field = "org"  # the lookup from the model to its organisation
    change_action = Action.EDIT
    platform_only = False  # reference data only platform administrators change

    def _org_id(self, obj: Model) -> int | None:
        *path, last = self.org_field.split("__")
        target: Any = obj
        for part in path:
            target = getattr(target, part)
        return getattr(target, last + "_id")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if self.platform_only:
            return qs
        return permissions.scope(qs, request.user, Action.VIEW, self.org_field)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_staff_anywhere(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if self.platform_only or obj is None:
            return permissions.is_staff_anywhere(request.user)
        return permissions.can(request.user, Action.VIEW, self._org_id(obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        if self.platform_only:
            return permissions.is_platform_admin(request.user)
        ids = permissions.org_ids(request.user, self.change_action)
        return ids is None or bool(ids)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if self.platform_only:
            return permissions.is_platform_admin(request.user)
        if obj is None:
            return self.has_add_permission(request)
        return permissions.can(request.user, self.change_action, self._org_id(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def allowed_orgs(self, request: HttpRequest, action: Action | None = None) -> QuerySet:
        from gongkai.organizations.models import Organization

        ids = permissions.org_ids(request.user, action or self.change_action)
        qs = Organization.objects.filter(is_active=True)
        return qs if ids is None else qs.filter(pk__in=ids)
