"""Back office for government information: scoped by organisation through `permissions`,
with the lifecycle actions calling the same service functions as the API."""

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html

from gongkai.accounts import permissions
from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action
from gongkai.lib.errors import Conflict
from gongkai.lib.uploads import UploadRejected, check_upload

from . import services
from .models import (
    Attachment,
    DirectoryItem,
    Document,
    DocumentVersion,
    InfoCategory,
    TopicCategory,
)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["org", *services.EDITABLE_FIELDS]
        widgets = {
            "body_html": forms.Textarea(attrs={"rows": 16}),
            "public_body_html": forms.Textarea(attrs={"rows": 8}),
        }

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors or not self.instance.org_id:
            return
        try:
            services.clean(self.instance)  # the rules the services enforce, shown on the form
        except ValidationError as e:
            self._update_errors(e)  # type: ignore[attr-defined]


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file", "is_public", "order"]

    def clean_file(self) -> Any:
        f = self.cleaned_data.get("file")
        if f is not None and not self.instance.pk:
            from django.conf import settings

            try:
                check_upload(f.name, f.file, f.size, settings.GONGKAI_ATTACHMENT_MAX_BYTES)
            except UploadRejected as e:
                raise ValidationError(str(e)) from e
        return f


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 1
    readonly_fields = ["size", "content_type", "sha256"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or _editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and _editable(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ("number", "status", "note", "created_by", "created_at", "snapshot")
    readonly_fields = fields
    verbose_name_plural = "历史版本（每次修改与状态变化都保留）"

    @admin.display(description="内容")
    def snapshot(self, obj: DocumentVersion) -> str:
        text = json.dumps(obj.data, ensure_ascii=False, indent=1)
        return format_html(
            "<details><summary>查看</summary><pre style='white-space:pre-wrap'>{}</pre></details>",
            text,
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


def _editable(request: HttpRequest, doc: Document) -> bool:
    return doc.status in services.EDITABLE_STATES and permissions.can(
        request.user, Action.EDIT, doc.org_id
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


@admin.register(Document)
class DocumentAdmin(ScopedAdmin):
    form = DocumentForm
    inlines = [AttachmentInline, VersionInline]
    list_display = [
        "title",
        "org",
        "category",
        "status",
        "disclosure_attribute",
        "index_no",
        "published_on",
    ]
    list_filter = ["status", "disclosure_attribute", "validity", "category", "org"]
    search_fields = ["title", "doc_number", "index_no", "keywords"]
    date_hierarchy = "published_on"
    list_select_related = ["org", "category"]
    readonly_fields = ["status", "index_no", "version", "created_by", "first_published_at"]
    actions = ["submit_selected", "publish_selected", "withdraw_selected", "return_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "status",
                    "index_no",
                    "version",
                    "org",
                    "title",
                    "category",
                    "topic",
                    "directory_item",
                ]
            },
        ),
        (
            "公文要素",
            {
                "fields": [
                    "doc_number",
                    "department",
                    "written_on",
                    "published_on",
                    "keywords",
                    "summary",
                ]
            },
        ),
        ("正文", {"fields": ["body_html", "public_body_html"]}),
        (
            "公开属性（先审查、后公开）",
            {
                "fields": [
                    "disclosure_attribute",
                    "disclosure_reason",
                    "disclosure_method",
                    "disclosure_scope",
                ]
            },
        ),
        ("效力", {"fields": ["validity", "effective_on", "expires_on"]}),
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request, Action.EDIT)
        if db_field.name == "directory_item":
            ids = permissions.org_ids(request.user, Action.EDIT)
            qs = DirectoryItem.objects.select_related("org")
            kwargs["queryset"] = qs if ids is None else qs.filter(org_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return _editable(request, obj)
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return [*self.readonly_fields, "org"]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data[k] for k in services.EDITABLE_FIELDS if k in form.cleaned_data}
        if change:
            saved = services.update_document(obj, by=request.user, data=data, ip=client_ip(request))
        else:
            saved = services.create_document(
                by=request.user, org=form.cleaned_data["org"], data=data, ip=client_ip(request)
            )
        obj.pk, obj.version = saved.pk, saved.version

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        doc = form.instance
        for formset in formsets:
            # attachments are written by the services below, never by formset.save()
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is not Attachment:
                continue
            for f in formset.forms:
                data = getattr(f, "cleaned_data", None) or {}
                if data.get("DELETE") and f.instance.pk:
                    services.remove_attachment(f.instance, by=request.user, ip=client_ip(request))
                elif not f.instance.pk and data.get("file"):
                    services.add_attachment(
                        doc, by=request.user, upload=data["file"], is_public=data.get("is_public", True),
                        ip=client_ip(request),
                    )  # fmt: skip

    # --- lifecycle actions: the same service calls as the API -----------------------------------
    def _run(self, request: HttpRequest, queryset: QuerySet, label: str, fn: Any) -> None:
        done, failed = 0, []
        for doc in queryset:
            try:
                fn(doc)
                done += 1
            except (Conflict, PermissionDenied, ValidationError) as e:
                msg = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
                failed.append(f"《{doc.title}》：{msg}")
        if done:
            self.message_user(request, f"已{label} {done} 条信息")
        for f in failed:
            self.message_user(request, f"未能{label}{f}", level=messages.ERROR)

    @admin.action(description="提交审核")
    def submit_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._run(
            request,
            queryset,
            "提交审核",
            lambda d: services.submit(d, by=request.user, ip=client_ip(request)),
        )

    @admin.action(description="审核通过并发布")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._run(
            request,
            queryset,
            "发布",
            lambda d: services.publish(d, by=request.user, ip=client_ip(request)),
        )

    def _with_reason(
        self, request: HttpRequest, queryset: QuerySet, label: str, action: str, fn: Any
    ) -> HttpResponse | None:
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._run(
                request,
                queryset,
                label,
                lambda d: fn(d, by=request.user, reason=reason, ip=client_ip(request)),
            )
            return None
        context = {
            **self.admin_site.each_context(request), "title": f"{label}：请填写理由", "form": form,
            "queryset": queryset, "action": action, "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }  # fmt: skip
        return TemplateResponse(request, "admin/documents/reason.html", context)

    @admin.action(description="撤回已发布的信息")
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._with_reason(request, queryset, "撤回", "withdraw_selected", services.withdraw)

    @admin.action(description="退回修改")
    def return_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._with_reason(
            request, queryset, "退回", "return_selected", services.return_to_draft
        )


@admin.register(DirectoryItem)
class DirectoryItemAdmin(ScopedAdmin):
    change_action = Action.MANAGE
    list_display = ["name", "org", "responsible", "time_limit", "method", "scope"]
    list_filter = ["org", "scope"]
    search_fields = ["name", "basis"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: DirectoryItem, form: Any, change: bool) -> None:
        try:
            services.save_directory_item(obj, by=request.user, ip=client_ip(request))
        except (ValidationError, PermissionDenied) as e:
            raise PermissionDenied(str(e)) from e


@admin.register(TopicCategory)
class TopicCategoryAdmin(ScopedAdmin):
    platform_only = True
    list_display = ["code", "full_name"]
    search_fields = ["code", "name", "full_name"]


@admin.register(InfoCategory)
class InfoCategoryAdmin(ScopedAdmin):
    platform_only = True
    list_display = ["code", "name", "is_normative", "is_interpretation", "order"]
