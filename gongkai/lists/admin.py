"""Back office of the lists: rows scoped by `gongkai.accounts.permissions` (ScopedAdmin), shown
read-only; every change goes through the services (audited) as list actions: publish drafts,
approve and publish adjustments (dated today). Items are created by `gongkai lists import` or
the services; adjustments by the staff API. 职权类型 are reference data of platform admins."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.lib.errors import Conflict

from . import services
from .models import Adjustment, Guide, Intermediary, PowerItem, PowerType, PowerVersion, ServiceItem


def _run(
    modeladmin: Any, request: HttpRequest, qs: QuerySet, fn: Callable[..., Any], label: str
) -> None:
    done = 0
    for obj in qs:
        try:
            fn(obj, by=request.user, ip=client_ip(request))
            done += 1
        except ValidationError as e:
            msgs = "；".join(
                m for ms in getattr(e, "message_dict", {"": e.messages}).values() for m in ms
            )
            modeladmin.message_user(request, f"{obj}：{msgs}", messages.ERROR)
        except (Conflict, PermissionDenied) as e:
            modeladmin.message_user(request, f"{obj}：{e}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"已{label} {done} 项")


class ReadOnly(ScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PowerType)
class PowerTypeAdmin(ScopedAdmin):
    platform_only = True
    list_display = ["code", "letters", "name", "order"]


class VersionInline(admin.TabularInline):
    model = PowerVersion
    extra = 0
    can_delete = False
    fields = ("version", "valid_from", "valid_to", "name", "sub_name", "levels")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PowerItem)
class PowerItemAdmin(ReadOnly):
    list_display = ["code", "name", "type", "org", "status", "secret"]
    list_filter = ["status", "secret", "type"]
    search_fields = ["code", "name"]
    inlines = [VersionInline]
    actions = ["publish"]

    @admin.action(description="发布所选草稿（今日起施行）")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _run(self, request, qs, services.publish_power, "发布")


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnly):
    list_display = ["item", "change", "state", "trigger_on", "applied_on", "review_due_on",
                    "approved_on", "publish_due_on", "published_on"]  # fmt: skip
    list_filter = ["state", "change"]
    search_fields = ["item__code", "item__name"]
    actions = ["approve", "publish"]

    @admin.action(description="批准所选调整（批准日期为今天）")
    def approve(self, request: HttpRequest, qs: QuerySet) -> None:
        today = timezone.localdate()
        _run(
            self,
            request,
            qs,
            lambda a, **kw: services.approve_adjustment(a, approved_on=today, **kw),
            "批准",
        )

    @admin.action(description="公布所选调整（公布日期为今天）")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        today = timezone.localdate()
        _run(
            self,
            request,
            qs,
            lambda a, **kw: services.publish_adjustment(a, published_on=today, **kw),
            "公布",
        )


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnly):
    list_display = ["impl_code", "name", "node", "org", "audience", "status"]
    list_filter = ["status", "node", "audience"]
    search_fields = ["impl_code", "base_code", "name"]
    actions = ["publish"]

    @admin.action(description="发布所选事项")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _run(self, request, qs, services.publish_service_item, "发布")


@admin.register(Guide)
class GuideAdmin(ReadOnly):
    org_field = "item__org"
    list_display = ["item", "status", "updated_on", "instant", "charged"]
    list_filter = ["status", "instant", "charged"]
    search_fields = ["item__impl_code", "item__name"]
    actions = ["publish"]

    @admin.action(description="发布所选办事指南")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _run(self, request, qs, services.publish_guide, "发布")


@admin.register(Intermediary)
class IntermediaryAdmin(ReadOnly):
    list_display = ["code", "name", "org", "fee_nature", "status"]
    list_filter = ["status", "fee_nature"]
    search_fields = ["code", "name"]
    actions = ["publish"]

    @admin.action(description="发布所选中介服务事项")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _run(self, request, qs, services.publish_intermediary, "发布")
