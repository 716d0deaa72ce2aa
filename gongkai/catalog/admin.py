"""Back office of the 标准目录: rows scoped by `accounts.permissions` (ScopedAdmin; changing a
catalogue needs MANAGE, like the 主动公开基本目录), every change through the services (audited).
Bulk loading is the `gongkai catalog import` command (an admin import form is not built yet)."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action

from . import services
from .models import Domain, Entry, NotApplicable


@admin.register(Domain)
class DomainAdmin(ScopedAdmin):
    platform_only = True
    list_display = ["order", "code", "name"]


@admin.register(Entry)
class EntryAdmin(ScopedAdmin):
    change_action = Action.MANAGE
    list_display = ["org", "domain", "seq", "level1", "level2", "time_limit_rule"]
    list_filter = ["domain", "org", "time_limit_rule"]
    search_fields = ["level1", "level2", "content"]
    fields = ["org", "domain", "seq", "level1", "level2", "content", "basis", "time_limit_rule",
              "time_limit_text", "publisher", "channels", "audience", "mode", "levels",
              "directory_items", "categories"]  # fmt: skip
    filter_horizontal = ["directory_items", "categories"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return form.instance

    def save_model(self, request: HttpRequest, obj: Entry, form: Any, change: bool) -> None:
        d = form.cleaned_data
        try:
            saved = services.save_entry(by=request.user, org=d["org"], domain=d["domain"],
                                        data=d, ip=client_ip(request))  # fmt: skip
        except ValidationError as e:
            raise PermissionDenied("；".join(e.messages)) from e
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        d = form.cleaned_data
        services.link(by=request.user, entry=Entry.objects.get(pk=form.instance.pk),
                      directory_items=list(d.get("directory_items") or []),
                      categories=list(d.get("categories") or []), ip=client_ip(request))  # fmt: skip


@admin.register(NotApplicable)
class NotApplicableAdmin(ScopedAdmin):
    change_action = Action.MANAGE
    list_display = ["org", "domain", "explanation"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: NotApplicable, form: Any, change: bool) -> None:
        try:
            saved = services.declare_not_applicable(
                by=request.user, org=obj.org, domain=obj.domain, explanation=obj.explanation,
                ip=client_ip(request),
            )  # fmt: skip
        except ValidationError as e:
            raise PermissionDenied("；".join(e.messages)) from e
        obj.pk = saved.pk
