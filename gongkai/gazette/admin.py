"""Back office of the 政府公报: rows scoped by `gongkai.accounts.permissions` (ScopedAdmin), every
change through the services (so each is checked and audited). An issue is edited while a draft
(numbers, sections, PDF via `lib/uploads.py`); entries are added one by one, the document picked by
autocomplete on 标题/文号/索引号; publishing is a confirmed list action."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from gongkai.accounts import permissions
from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action
from gongkai.lib.errors import Conflict

from . import services
from .models import Entry, Gazette, Issue, Section


def _msg(e: Exception) -> str:
    return "；".join(e.messages) if isinstance(e, ValidationError) else str(e)


@admin.register(Gazette)
class GazetteAdmin(ScopedAdmin):
    change_action = Action.MANAGE
    list_display = ["name", "org", "normative_standard", "order"]
    fields = ["org", "name", "normative_standard", "order"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request).filter(
                level__in=services.GAZETTE_LEVELS
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Gazette, form: Any, change: bool) -> None:
        saved = services.save_gazette(
            by=request.user, org=obj.org, name=obj.name, normative_standard=obj.normative_standard,
            order=obj.order, ip=client_ip(request),
        )  # fmt: skip
        obj.pk = saved.pk


class IssueForm(forms.ModelForm):
    pdf_upload = forms.FileField(label="上传PDF版", required=False)

    class Meta:
        model = Issue
        fields = ["gazette", "year", "issue_no", "total_no", "published_on", "staff_note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(k) is not None for k in ("gazette", "year", "issue_no", "total_no")):
            probe = Issue(pk=self.instance.pk, gazette=data["gazette"], year=data["year"],
                          issue_no=data["issue_no"], total_no=data["total_no"])  # fmt: skip
            for name, message in services.numbering_errors(probe).items():
                self.add_error(name if name in self.fields else None, message)  # shown on the form
        return data

    def validate_unique(self) -> None:
        return None  # numbering_errors says it in Chinese, naming the conflicting issue


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["issue", "section", "document", "title", "doc_number", "page", "order"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issue, doc = data.get("issue"), data.get("document")
        if (
            issue is not None
            and doc is not None
            and (problem := services.document_error(issue, doc))
        ):
            self.add_error("document", problem)
        if (
            issue is not None
            and data.get("section") is not None
            and data["section"].issue_id != issue.pk
        ):
            self.add_error("section", "栏目不属于本期")
        if not data.get("title") and doc is None:
            self.add_error("title", "请填写标题或选择政府信息")
        return data


class SectionInline(admin.TabularInline):
    model = Section
    extra = 3
    fields = ["name", "order"]

    # rights follow the issue (accounts.permissions); sections are added, never rewritten here
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return permissions.org_ids(request.user, Action.EDIT) != set()
        return obj.status == Issue.Status.DRAFT and permissions.can(
            request.user, Action.EDIT, obj.gazette.org_id
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(Issue)
class IssueAdmin(ScopedAdmin):
    org_field = "gazette__org"
    form = IssueForm
    list_display = ["__str__", "gazette", "status", "published_on"]
    list_filter = ["status", "gazette", "year"]
    readonly_fields = ["status", "pdf"]
    inlines = [SectionInline]
    actions = ["publish_selected"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != Issue.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "gazette":
            kwargs["queryset"] = Gazette.objects.filter(org__in=self.allowed_orgs(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return form.instance

    def save_model(self, request: HttpRequest, obj: Issue, form: Any, change: bool) -> None:
        d = form.cleaned_data
        saved = services.save_issue(
            by=request.user, gazette=d["gazette"], year=d["year"], issue_no=d["issue_no"],
            total_no=d["total_no"], published_on=d.get("published_on"),
            issue=obj if change else None, ip=client_ip(request),
        )  # fmt: skip
        Issue.objects.filter(pk=saved.pk).update(staff_note=d.get("staff_note", ""))
        if d.get("pdf_upload"):
            services.attach_pdf(by=request.user, issue=saved, upload=d["pdf_upload"],
                                ip=client_ip(request))  # fmt: skip
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        issue = form.instance
        for formset in formsets:
            for f in formset.forms:
                data = getattr(f, "cleaned_data", None) or {}
                if not f.instance.pk and data.get("name") and not data.get("DELETE"):
                    services.add_section(by=request.user, issue=issue, name=data["name"],
                                         order=data.get("order"))  # fmt: skip
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.action(description="出版所选期次")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for issue in queryset:
            try:
                services.publish_issue(issue, by=request.user, ip=client_ip(request))
                self.message_user(request, f"已出版：{issue}")
            except (Conflict, PermissionDenied, ValidationError) as e:
                self.message_user(request, f"{issue}：{_msg(e)}", level=messages.ERROR)


@admin.register(Entry)
class EntryAdmin(ScopedAdmin):
    org_field = "issue__gazette__org"
    form = EntryForm
    list_display = ["title", "issue", "section", "doc_number", "page"]
    list_filter = ["issue__gazette", "issue__year"]
    fields = ["issue", "section", "document", "title", "doc_number", "page", "order"]
    autocomplete_fields = ["document"]  # DocumentAdmin searches 标题、文号、索引号

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in ("title", "doc_number", "order"):
            form.base_fields[name].required = False
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return False  # entries are added and removed, never rewritten in place
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "issue":
            kwargs["queryset"] = Issue.objects.filter(
                status=Issue.Status.DRAFT, gazette__org__in=self.allowed_orgs(request)
            )
        if db_field.name == "section":
            kwargs["queryset"] = Section.objects.filter(
                issue__status=Issue.Status.DRAFT, issue__gazette__org__in=self.allowed_orgs(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return form.instance

    def save_model(self, request: HttpRequest, obj: Entry, form: Any, change: bool) -> None:
        d = form.cleaned_data
        saved = services.add_entry(
            by=request.user, issue=d["issue"], section=d["section"], page=d["page"],
            document=d.get("document"), title=d.get("title") or "",
            doc_number=d.get("doc_number") or "", order=d.get("order"), ip=client_ip(request),
        )  # fmt: skip
        obj.pk = saved.pk
