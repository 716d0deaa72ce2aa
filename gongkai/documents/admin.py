"""Back office for government information: scoped by organisation through `permissions`,
with the lifecycle actions calling the same service functions as the API.

The review page (`<id>/review/`, 先审查、后公开) shows each personal-information finding
highlighted in its context with mask / keep-with-reason actions, the attachments and whether
they could be read, the 公开属性 decision with its legal ground and the 保密审查 confirmation,
and a publish button; a refused publication says why.
"""

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from gongkai.accounts import permissions
from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action
from gongkai.lib.errors import Conflict
from gongkai.lib.uploads import UploadRejected, check_upload
from gongkai.review import selectors as review_selectors
from gongkai.review.models import KeepReason, LegalGround, NegativeListEntry
from gongkai.review.services import TYPE_LABELS

from . import selectors, services
from .models import (
    Attachment,
    CleanupExercise,
    CleanupItem,
    DirectoryItem,
    Document,
    DocumentVersion,
    InfoCategory,
    NormativeReminder,
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


class ExpiringFilter(admin.SimpleListFilter):
    """到期清单: normative documents in force expiring within 6 months, or past a 需修改 deadline
    soon (gazette-catalog spec §2: evaluate within the 6 months before expiry)."""

    title = "规范性文件到期"
    parameter_name = "expiring"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("183", "6个月内到期"), ("31", "1个月内到期"), ("amend", "需修改后重新发布")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        from django.utils import timezone

        if self.value() == "amend":
            return queryset.filter(validity=Document.Validity.VALID, amend_by__isnull=False)
        if self.value() in ("183", "31"):
            ids = selectors.normative_due(timezone.localdate(), int(self.value() or 0)).values("pk")
            return queryset.filter(pk__in=ids)
        return queryset


class RenewForm(forms.Form):
    effective_on = forms.DateField(
        label="新的施行日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label="新的有效期至", widget=forms.DateInput(attrs={"type": "date"})
    )
    is_trial = forms.BooleanField(label="暂行/试行", required=False)


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


class SignForm(forms.Form):
    """The reviewer's decision (一事一审): 公开属性, legal ground, negative-list entry, 保密审查."""

    attribute = forms.ChoiceField(label="公开属性", choices=Document.Attribute.choices)
    ground = forms.ChoiceField(
        label="法律依据（依申请公开、不予公开必填）",
        choices=[("", "——"), *LegalGround.choices],
        required=False,
    )
    entry = forms.ModelChoiceField(
        label="负面清单事项", queryset=NegativeListEntry.objects.none(), required=False
    )
    reason = forms.CharField(
        label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    secrecy_confirmed = forms.BooleanField(
        label="已完成保密审查（一事一审），确认公开内容不涉及国家秘密", required=True
    )

    def __init__(self, *args: Any, doc: Document, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entries = review_selectors.applicable_entries(doc.org)
        self.fields["entry"].queryset = entries  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


def linkable_policies(user: Any) -> Any:
    from . import selectors

    visible = selectors.staff_documents(user).values("pk")
    public = selectors.public_documents().values("pk")
    return Document.objects.filter(category__is_interpretation=False).filter(
        Q(pk__in=visible) | Q(pk__in=public)
    )


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
    list_filter = ["status", "disclosure_attribute", "validity", ExpiringFilter, "category", "org"]
    search_fields = ["title", "doc_number", "index_no", "keywords"]
    date_hierarchy = "published_on"
    list_select_related = ["org", "category"]
    readonly_fields = [
        "status", "index_no", "version", "created_by", "first_published_at", "review_link",
        "reg_no", "amend_by",
    ]  # fmt: skip
    actions = ["submit_selected", "publish_selected", "withdraw_selected", "return_selected",
               "renew_selected"]  # fmt: skip
    raw_id_fields = ["interprets"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "status",
                    "review_link",
                    "index_no",
                    "version",
                    "org",
                    "title",
                    "category",
                    "topic",
                    "directory_item",
                    "interprets",
                    "interpretation_form",
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
                    "disclosure_ground",
                    "negative_list_entry",
                    "disclosure_reason",
                    "disclosure_method",
                    "disclosure_scope",
                ]
            },
        ),
        (
            "效力",
            {
                "fields": [
                    "validity",
                    "effective_on",
                    "expires_on",
                    "is_trial",
                    "reg_no",
                    "amend_by",
                ]
            },
        ),
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request, Action.EDIT)
        if db_field.name == "negative_list_entry":
            kwargs["queryset"] = NegativeListEntry.objects.filter(is_active=True).select_related(
                "org"
            )
        if db_field.name == "directory_item":
            ids = permissions.org_ids(request.user, Action.EDIT)
            qs = DirectoryItem.objects.select_related("org")
            kwargs["queryset"] = qs if ids is None else qs.filter(org_id__in=ids)
        if db_field.name == "interprets":
            # a public policy, or one of the user's own organisations (never another's draft)
            kwargs["queryset"] = linkable_policies(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return _editable(request, obj)
        return super().has_change_permission(request, obj)

    @admin.display(description="审查")
    def review_link(self, obj: Document) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:documents_document_review", args=[obj.pk])
        open_count = review_selectors.blocking_findings(obj).count()
        label = f"审查（{open_count} 处个人信息待处理）" if open_count else "审查与发布"
        return format_html('<a href="{}">{}</a>', url, label)

    # --- the review page ---------------------------------------------------------------------------
    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.review_view)
        return [
            path("<int:doc_id>/review/", view, name="documents_document_review"),
            *super().get_urls(),
        ]

    def review_view(self, request: HttpRequest, doc_id: int) -> HttpResponse:
        doc = selectors.staff_document(request.user, doc_id)  # 404 outside the user's scope
        sign_form = SignForm(doc=doc, initial={
            "attribute": doc.disclosure_attribute, "ground": doc.disclosure_ground,
            "entry": doc.negative_list_entry_id, "reason": doc.disclosure_reason,
        })  # fmt: skip
        if request.method == "POST":
            done = self._review_action(request, doc)
            if isinstance(done, SignForm):
                sign_form = done  # invalid: shown again with its errors
            else:
                return redirect(request.path)
            doc.refresh_from_db()
        findings = list(review_selectors.findings(doc))
        for f in findings:
            f.label = TYPE_LABELS.get(f.kind, f.kind)  # type: ignore[attr-defined]
        scans = review_selectors.scans([a.pk for a in doc.attachments.all()])
        context = {
            **self.admin_site.each_context(request),
            "title": f"审查：{doc.title}", "doc": doc, "opts": self.model._meta,
            "findings": findings, "keep_reasons": KeepReason.choices,
            "attachments": [(a, scans.get(a.pk)) for a in doc.attachments.all()],
            "record": review_selectors.current_record(doc), "sign_form": sign_form,
            "can_review": permissions.can(request.user, Action.REVIEW, doc.org_id),
            "pending": doc.status == Document.Status.PENDING,
            "blocking": sum(1 for f in findings if f.blocks),
        }  # fmt: skip
        return TemplateResponse(request, "admin/documents/review.html", context)

    def _review_action(self, request: HttpRequest, doc: Document) -> Any:
        op, ip, post = request.POST.get("op", ""), client_ip(request), request.POST
        try:
            if op in ("mask", "keep"):
                finding = int(post.get("finding", "0") or 0)
                services.resolve_finding(
                    doc, finding, by=request.user, action=op, reason=post.get("reason", ""),
                    note=post.get("note", ""), ip=ip,
                )  # fmt: skip
                self.message_user(request, "已遮盖" if op == "mask" else "已保留并记录理由")
            elif op == "withhold_attachment":
                att = doc.attachments.get(pk=int(post.get("attachment", "0") or 0))
                services.set_attachment_public(att, by=request.user, is_public=False, ip=ip)
                self.message_user(request, f"附件《{att.name}》已设为不公开")
            elif op == "sign":
                form = SignForm(post, doc=doc)
                if not form.is_valid():
                    return form
                data = form.cleaned_data
                services.sign_review(
                    doc, by=request.user, attribute=data["attribute"], ground=data["ground"],
                    entry=data["entry"], reason=data["reason"], secrecy_confirmed=True, ip=ip,
                )  # fmt: skip
                self.message_user(request, "已签署审查意见")
            elif op == "publish":
                services.publish(doc, by=request.user, ip=ip)
                self.message_user(request, "已发布")
            else:
                self.message_user(request, "未知的操作", level=messages.ERROR)
        except (Conflict, PermissionDenied, ValidationError, ValueError, Attachment.DoesNotExist,
                permissions.NotFound) as e:  # fmt: skip
            msg = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
            self.message_user(request, msg or "操作无效", level=messages.ERROR)
        return None

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

    @admin.action(description="重新登记规范性文件（新登记号、新有效期）")
    def renew_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        """Re-registration after the review before expiry (gazette-catalog spec §2)."""
        form = RenewForm(request.POST if "effective_on" in request.POST else None)
        if form.is_valid():
            d = form.cleaned_data
            self._run(request, queryset, "重新登记", lambda doc: services.renew(
                doc, by=request.user, effective_on=d["effective_on"], expires_on=d["expires_on"],
                is_trial=d["is_trial"], ip=client_ip(request)))  # fmt: skip
            return None
        context = {
            **self.admin_site.each_context(request), "title": "重新登记：请填写新的施行日期和有效期",
            "form": form, "queryset": queryset, "action": "renew_selected", "opts": self.model._meta,
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


class CategoryAdmin(ScopedAdmin):
    """Saved and deleted through the services, audited: public pages name these categories."""

    platform_only = True

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_category(obj, by=request.user, ip=client_ip(request))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_category(obj, by=request.user, ip=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(TopicCategory)
class TopicCategoryAdmin(CategoryAdmin):
    list_display = ["code", "full_name"]
    search_fields = ["code", "name", "full_name"]


@admin.register(InfoCategory)
class InfoCategoryAdmin(CategoryAdmin):
    list_display = ["code", "name", "is_normative", "is_interpretation", "order"]


# --- 规范性文件清理 (gazette-catalog spec §2): items edited as a draft, published in one service call
class CleanupItemInline(admin.TabularInline):
    model = CleanupItem
    extra = 3
    fields = ["document", "result", "lapses_on", "amend_by", "order"]
    raw_id_fields = ["document"]

    # rights follow the cleanup (accounts.permissions), not Django's model permission tables
    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None:
            return permissions.org_ids(request.user, Action.EDIT) != set()
        return obj.status == CleanupExercise.Status.DRAFT and permissions.can(
            request.user, Action.EDIT, obj.org_id
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(CleanupExercise)
class CleanupExerciseAdmin(ScopedAdmin):
    list_display = ["title", "org", "status", "published_on"]
    list_filter = ["status", "org"]
    search_fields = ["title"]
    fields = ["org", "title", "basis", "notice", "staff_note", "status", "published_on"]
    readonly_fields = ["status", "published_on"]
    raw_id_fields = ["notice"]
    inlines = [CleanupItemInline]
    actions = ["publish_selected"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != CleanupExercise.Status.DRAFT:
            return False  # a published result is read-only
        return super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: CleanupExercise, form: Any, change: bool
    ) -> None:
        request._cleanup_form = form  # type: ignore[attr-defined]  # saved with its items below

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        items = []
        for formset in formsets:
            for f in formset.forms:
                data = getattr(f, "cleaned_data", None) or {}
                if data.get("document") and not data.get("DELETE"):
                    items.append(
                        {k: data.get(k) for k in ("document", "result", "lapses_on", "amend_by")}
                    )
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        d = form.cleaned_data
        saved = services.save_cleanup(
            by=request.user, org=d["org"], title=d["title"], basis=d.get("basis", ""),
            notice=d.get("notice"), items=items, exercise=form.instance if change else None,
            ip=client_ip(request),
        )  # fmt: skip
        if saved.staff_note != d.get("staff_note", ""):
            CleanupExercise.objects.filter(pk=saved.pk).update(staff_note=d.get("staff_note", ""))
        form.instance.pk = saved.pk

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return form.instance

    @admin.action(description="公布所选清理结果（一并发布公告、变更文件效力）")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for ex in queryset:
            try:
                services.publish_cleanup(ex, by=request.user, ip=client_ip(request))
                self.message_user(request, f"已公布：{ex.title}")
            except (Conflict, PermissionDenied, ValidationError) as e:
                msg = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
                self.message_user(request, f"{ex.title}：{msg}", level=messages.ERROR)


@admin.register(NormativeReminder)
class NormativeReminderAdmin(ScopedAdmin):
    org_field = "document__org"
    list_display = ["document", "expires_on", "sent_on", "recipients", "emailed"]
    readonly_fields = ["document", "expires_on", "sent_on", "recipients", "emailed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
