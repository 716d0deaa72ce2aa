"""Back office for organisations: platform administrators manage all, an organisation's
administrator manages it and those below it, other staff see their own read-only."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongkai.accounts import permissions
from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action

from .models import Organization
from .services import save_organization


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    org_field = "pk"
    change_action = Action.MANAGE
    list_display = ["name", "code", "level", "region_code", "index_format", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "short_name", "code", "region_code", "credit_code"]
    fieldsets = [
        ("基本信息", {"fields": ["parent", "level", "name", "short_name", "code", "order", "is_active"]}),
        ("代码与索引号", {"fields": ["region_code", "org_code", "credit_code", "index_format"]}),
        (
            "机构概况（对外公开）",
            {"fields": ["intro", "functions", "leadership", "disclosure_leader", "address",
                        "office_hours", "phone", "complaint_phone", "postcode"]},
        ),
    ]  # fmt: skip

    def _org_id(self, obj: Any) -> int | None:
        return obj.pk

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super(ScopedAdmin, self).get_queryset(request)
        ids = permissions.org_ids(request.user, Action.VIEW)
        return qs if ids is None else qs.filter(pk__in=ids)

    def has_add_permission(self, request: HttpRequest) -> bool:
        ids = permissions.org_ids(request.user, Action.MANAGE)
        return ids is None or bool(ids)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent" and not permissions.is_platform_admin(request.user):
            kwargs["queryset"] = self.allowed_orgs(request, Action.MANAGE)
            kwargs["required"] = (
                True  # only a platform administrator creates a top-level organisation
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        save_organization(obj, by=request.user, ip=client_ip(request))
