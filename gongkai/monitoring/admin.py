"""Back office of the website self-inspection. Columns and corrections are scoped to the
person's organisations (ScopedAdmin); probes, link results, inspections, 年度报表 and security
attestations cover the whole site and are for the platform administrator only. Every save goes
through services.py (audit trail)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Model
from django.http import HttpRequest

from gongkai.accounts import permissions
from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action
from gongkai.lib.errors import Conflict

from . import selectors, services
from .models import (
    Attestation,
    Column,
    Correction,
    Inspection,
    LinkCheck,
    LinkResult,
    Probe,
    SiteReport,
)


def _report(request: HttpRequest, fn: Any) -> None:
    try:
        fn()
    except (ValidationError, Conflict, PermissionDenied) as e:
        messages.error(request, "；".join(getattr(e, "messages", [str(e)])))


@admin.register(Column)
class ColumnAdmin(ScopedAdmin):
    change_action = Action.MANAGE
    list_display = ["name", "org", "kind", "first_level", "on_homepage", "source", "period_days"]
    list_filter = ["kind", "source", "on_homepage"]
    filter_horizontal = ["categories"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6 default

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request, Action.MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is not None and permissions.can(request.user, Action.MANAGE, obj.org_id)  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Column, form: Any, change: bool) -> None:
        pass  # saved in save_related, once the categories are known

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        data = {
            k: form.cleaned_data.get(k) for k in services.COLUMN_FIELDS if k in form.cleaned_data
        }
        data["categories"] = [c.code for c in form.cleaned_data.get("categories", [])]
        if change:
            saved = services.update_column(Column.objects.get(pk=form.instance.pk), by=request.user,
                                           data=data, ip=client_ip(request))  # fmt: skip
        else:
            saved = services.create_column(by=request.user, data=data, ip=client_ip(request))
        form.instance = saved

    def delete_model(self, request: HttpRequest, obj: Column) -> None:
        services.delete_column(obj, by=request.user, ip=client_ip(request))


class CorrectionForm(forms.ModelForm):
    answer = forms.CharField(label="答复", widget=forms.Textarea, required=False)

    class Meta:
        model = Correction
        fields: list[str] = []


@admin.register(Correction)
class CorrectionAdmin(ScopedAdmin):
    form = CorrectionForm
    list_display = ["tracking_no", "org", "kind", "status", "submitted_on", "answer_due_on"]
    list_filter = ["status", "kind"]
    readonly_fields = ["tracking_no", "org", "page_url", "kind", "description", "contact",
                       "status", "submitted_on", "acknowledge_due_on", "answer_due_on",
                       "acknowledged_on", "answered_on", "reply"]  # fmt: skip
    actions = ["acknowledge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # corrections come from visitors

    @admin.action(description="确认所选纠错")
    def acknowledge(self, request: HttpRequest, queryset: Any) -> None:
        for c in queryset.filter(status=Correction.Status.SUBMITTED):
            _report(request, lambda c=c: services.acknowledge_correction(
                c, by=request.user, ip=client_ip(request)))  # fmt: skip

    def save_model(self, request: HttpRequest, obj: Correction, form: Any, change: bool) -> None:
        reply = form.cleaned_data.get("answer", "")
        if reply:
            services.answer_correction(obj, by=request.user, reply=reply, ip=client_ip(request))


class PlatformOnly(admin.ModelAdmin):
    """Site-wide figures: the platform administrator's, read-only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return permissions.is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Probe)
class ProbeAdmin(PlatformOnly):
    list_display = ["at", "url", "ok", "status", "elapsed_ms", "error"]
    list_filter = ["ok"]


class LinkResultInline(admin.TabularInline):
    model = LinkResult
    fields = ["url", "internal", "outcome", "status", "error", "found_on"]
    readonly_fields = ["url", "internal", "outcome", "status", "error", "found_on"]
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).exclude(outcome=LinkResult.Outcome.OK)


@admin.register(LinkCheck)
class LinkCheckAdmin(PlatformOnly):
    list_display = ["started_at", "checked", "broken", "skipped_private", "unverifiable"]
    inlines = [LinkResultInline]


@admin.register(Inspection)
class InspectionAdmin(PlatformOnly):
    list_display = ["as_of", "verdict_code", "score", "created_at"]


class SiteReportForm(forms.ModelForm):
    class Meta:
        model = SiteReport
        fields = ["year", "entered"]
        help_texts = {"entered": "键为“栏目/项目”，如 " + "、".join(selectors.ENTERED_FIELDS[:3])}


@admin.register(SiteReport)
class SiteReportAdmin(PlatformOnly):
    form = SiteReportForm
    list_display = ["year", "published_on"]
    actions = ["publish"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return permissions.is_platform_admin(request.user) and not (
            obj is not None and obj.published_on is not None)  # type: ignore[attr-defined]  # fmt: skip

    def save_model(self, request: HttpRequest, obj: SiteReport, form: Any, change: bool) -> None:
        saved = services.save_site_report(by=request.user, year=form.cleaned_data["year"],
                                          entered=form.cleaned_data["entered"] or {},
                                          ip=client_ip(request))  # fmt: skip
        obj.pk = saved.pk

    @admin.action(description="发布所选年度报表")
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        for r in queryset.filter(published_on__isnull=True):
            _report(request, lambda r=r: services.publish_site_report(
                r, by=request.user, computed=selectors.computed_figures(r.year),
                ip=client_ip(request)))  # fmt: skip


@admin.register(Attestation)
class AttestationAdmin(PlatformOnly):
    list_display = ["item", "period_start", "period_end", "incident", "by"]
    fields = ["item", "period_start", "period_end", "incident", "note"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_platform_admin(request.user)

    def save_model(self, request: HttpRequest, obj: Attestation, form: Any, change: bool) -> None:
        d = form.cleaned_data
        saved = services.attest(by=request.user, item=d["item"], period_start=d["period_start"],
                                period_end=d["period_end"], incident=d["incident"],
                                note=d.get("note", ""), ip=client_ip(request))  # fmt: skip
        obj.pk = saved.pk
