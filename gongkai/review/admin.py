"""Back office of the negative list (政务公开负面清单): administrators of an organisation list,
adjust and retire its matters through the services, with every version shown."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action
from gongkai.lib.errors import Conflict

from . import services
from .models import NegativeListChange, NegativeListEntry


class ChangeInline(admin.TabularInline):
    model = NegativeListChange
    extra = 0
    fields = ("number", "action", "note", "changed_by", "changed_at", "data")
    readonly_fields = fields
    verbose_name_plural = "调整记录（每一版都保留）"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(NegativeListEntry)
class NegativeListEntryAdmin(ScopedAdmin):
    change_action = Action.MANAGE
    list_display = ["matter", "org", "ground", "review_on", "is_active", "version"]
    list_filter = ["ground", "is_active", "org"]
    search_fields = ["matter", "scope", "basis"]
    fields = ["org", "matter", "ground", "basis", "scope", "review_on", "is_active", "version"]
    readonly_fields = ["is_active", "version"]
    inlines = [ChangeInline]
    actions = ["retire_selected"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return [*self.readonly_fields, "org"]
        return self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_active:
            return False
        return super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: NegativeListEntry, form: Any, change: bool
    ) -> None:
        try:
            services.save_entry(obj, by=request.user, ip=client_ip(request))
        except (ValidationError, Conflict) as e:
            raise PermissionDenied("；".join(getattr(e, "messages", [str(e)]))) from e

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:  # history is written by the services only
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.action(description="撤销所选事项（保留记录）")
    def retire_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for entry in queryset:
            try:
                services.retire_entry(
                    entry, by=request.user, note="管理员撤销", ip=client_ip(request)
                )
                self.message_user(request, f"已撤销：{entry.matter}")
            except (Conflict, PermissionDenied, ValidationError) as e:
                self.message_user(request, f"未能撤销{entry.matter}：{e}", level=messages.ERROR)
