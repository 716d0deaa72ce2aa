"""Back office for open data: datasets scoped by organisation through `permissions`; saving
and publishing go through the same services as the API; uploads show their ingestion
progress and bad rows."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from gongkai.accounts import permissions
from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action
from gongkai.lib.errors import Conflict

from . import services
from .models import AccessRequest, ApiRequest, Dataset, InventoryItem, Resource, ResourceVersion


class ResourceInline(admin.TabularInline):
    model = Resource
    fields = ["name", "kind", "url", "format", "current", "download_count"]
    readonly_fields = ["current", "download_count", "kind", "url", "format", "name"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(ScopedAdmin):
    list_display = ["title", "org", "open_level", "frequency", "state", "last_updated", "overdue"]
    list_filter = ["state", "open_level", "frequency", "domain"]
    search_fields = ["title", "name"]
    readonly_fields = ["state", "published_at", "last_updated"]
    fields = ["org", *services.DATASET_FIELDS, "state", "published_at", "last_updated"]
    inlines = [ResourceInline]
    actions = ["publish"]

    @admin.display(boolean=True, description="逾期未更新")
    def overdue(self, obj: Dataset) -> bool:
        return obj.is_overdue()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Dataset, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data[k] for k in services.DATASET_FIELDS if k in form.cleaned_data}
        if change:
            services.update_dataset(obj, by=request.user, data=data, ip=client_ip(request))
        else:
            saved = services.create_dataset(
                by=request.user, org=obj.org, data=data, ip=client_ip(request)
            )
            obj.pk = saved.pk

    @admin.action(description="审核发布所选数据集")
    def publish(self, request: HttpRequest, queryset: QuerySet[Dataset]) -> None:
        for ds in queryset:
            try:
                services.publish_dataset(ds, by=request.user, ip=client_ip(request))
            except (Conflict, PermissionDenied, ValidationError) as e:
                messages.error(request, f"{ds}：{e}")


@admin.register(ResourceVersion)
class ResourceVersionAdmin(ScopedAdmin):
    org_field = "resource__dataset__org"
    list_display = [
        "resource",
        "number",
        "status",
        "progress",
        "row_count",
        "bad_row_count",
        "created_at",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ResourceVersion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InventoryItem)
class InventoryItemAdmin(ScopedAdmin):
    """数据资源清单与开放计划: entries of the organisations the user edits."""

    list_display = ["title", "org", "open_level", "planned_open_on", "dataset", "opened"]
    list_filter = ["open_level", "org"]
    search_fields = ["title"]
    fields = ["org", *services.INVENTORY_FIELDS]

    @admin.display(boolean=True, description="已开放")
    def opened(self, obj: InventoryItem) -> bool:
        return obj.is_opened

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request)
        if db_field.name == "dataset":
            kwargs["queryset"] = Dataset.objects.filter(org__in=self.allowed_orgs(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: InventoryItem, form: Any, change: bool) -> None:
        data = {
            k: form.cleaned_data[k] for k in services.INVENTORY_FIELDS if k in form.cleaned_data
        }
        target = InventoryItem.objects.get(pk=obj.pk) if change else InventoryItem(org=obj.org)
        saved = services.save_inventory_item(
            target, by=request.user, data=data, ip=client_ip(request)
        )
        obj.pk = saved.pk


@admin.register(AccessRequest)
class AccessRequestAdmin(ScopedAdmin):
    """有条件开放申请: 审核 of the 提供方 approve (for the requested term) or refuse with the
    reason typed in 审核意见; the decision goes through the services and is audited."""

    org_field = "dataset__org"
    change_action = Action.REVIEW
    list_display = ["tracking_no", "dataset", "applicant_name", "applicant_org", "status",
                    "created_at", "expires_at"]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["tracking_no", "applicant_name", "applicant_org"]
    readonly_fields = ("tracking_no", "dataset", "applicant_name", "applicant_org", "email",
                       "phone", "purpose", "days", "status", "reason", "decided_by",
                       "decided_at", "expires_at", "user", "created_at")  # fmt: skip
    fields = readonly_fields
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[AccessRequest], decision: str
    ) -> TemplateResponse | None:
        """An intermediate page asks for the term (approve) or the reason (reject); its POST
        carries `confirm` and decides each application through the services."""
        error = ""
        if request.POST.get("confirm"):
            reason = request.POST.get("reason", "").strip()
            days_raw = request.POST.get("days", "").strip()
            days = int(days_raw) if days_raw.isdigit() else None
            if decision == "reject" and not reason:
                error = "请填写不予批准的理由"
            elif decision == "approve" and days_raw and days is None:
                error = "授权期限应为天数"
            else:
                for req in queryset:
                    try:
                        if decision == "approve":
                            services.approve_access(
                                req, by=request.user, days=days, reason=reason,
                                ip=client_ip(request),
                            )  # fmt: skip
                            messages.success(request, f"{req.tracking_no}：已批准")
                        else:
                            services.reject_access(
                                req, by=request.user, reason=reason, ip=client_ip(request)
                            )
                            messages.success(request, f"{req.tracking_no}：未予批准")
                    except (Conflict, PermissionDenied, ValidationError) as e:
                        text = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
                        messages.error(request, f"{req.tracking_no}：{text}")
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "批准申请" if decision == "approve" else "不予批准申请",
            "decision": decision,
            "queryset": queryset,
            "error": error,
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "opendata/admin_access_decision.html", context)

    @admin.action(description="批准所选申请（可设定授权期限）")
    def approve(
        self, request: HttpRequest, queryset: QuerySet[AccessRequest]
    ) -> TemplateResponse | None:
        return self._decide(request, queryset, "approve")

    @admin.action(description="不予批准所选申请（须填写理由）")
    def reject(
        self, request: HttpRequest, queryset: QuerySet[AccessRequest]
    ) -> TemplateResponse | None:
        return self._decide(request, queryset, "reject")


@admin.register(ApiRequest)
class ApiRequestAdmin(admin.ModelAdmin):
    """The data API's request log, read-only, for platform administrators."""

    list_display = ["at", "endpoint", "status", "duration_ms", "resource_id", "access"]
    list_filter = ["endpoint", "status"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
