"""Back office for open data: datasets scoped by organisation through `permissions`; saving
and publishing go through the same services as the API; uploads show their ingestion
progress and bad rows."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.lib.errors import Conflict

from . import services
from .models import Dataset, Resource, ResourceVersion


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
