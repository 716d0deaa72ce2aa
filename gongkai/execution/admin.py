"""Back office of execution disclosure: rows scoped by `gongkai.accounts.permissions` (via
ScopedAdmin), every change through `services` (so each is validated and audited).

- 重点工作计划: created here, published with a list action (审核); tasks are edited here, their
  rules (co ≠ lead, 已完成 ⇔ 完成日期, 已调整 needs a reason) checked by the form through services.
- 督查: created here, concluded with a list action; findings and 问责 are shown read-only.
- 新闻发布会, 在线访谈: added here through the services, published with a list action; questions moderated with list actions.
- 建议提案, 政务舆情: registered here (交办 with proposers; 舆情 with its 发现时间), then never edited
  in place: replies, extensions and responses are written through the staff API
  (`/api/v1/staff/…`), which calls the same services.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone

from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.permissions import Action
from gongkai.lib.errors import Conflict

from . import selectors, services
from .models import (
    Accountability,
    Finding,
    Inspection,
    Interview,
    OpinionEvent,
    Plan,
    PressConference,
    Proposal,
    Question,
    Task,
)


def _report(request: HttpRequest, admin_: Any, fn: Any, qs: QuerySet, done: str) -> None:
    n = 0
    for obj in qs:
        try:
            fn(obj)
            n += 1
        except (Conflict, PermissionDenied, ValidationError) as e:
            admin_.message_user(request, f"{obj}：{e}", messages.ERROR)
    if n:
        admin_.message_user(request, f"{done} {n} 项")


@admin.register(Plan)
class PlanAdmin(ScopedAdmin):
    list_display = ["title", "org", "year", "status"]
    list_filter = ["year", "status"]
    fields = ["org", "year", "title", "source_document", "status"]
    readonly_fields = ["status"]
    actions = ["publish"]

    def get_readonly_fields(self, request: HttpRequest, obj: Plan | None = None) -> list[str]:
        # a plan's identity is fixed once created: its tasks hang on it
        return ["org", "year", "title", "source_document", "status"] if obj else ["status"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kw: Any) -> Any:
        if db_field.name == "org":
            kw["queryset"] = self.allowed_orgs(request)
        if db_field.name == "source_document":
            kw["queryset"] = selectors.public_documents()
        return super().formfield_for_foreignkey(db_field, request, **kw)

    def save_model(self, request: HttpRequest, obj: Plan, form: Any, change: bool) -> None:
        if change:
            return
        created = services.create_plan(by=request.user, org=obj.org, year=obj.year,
                                       title=obj.title, source_document=obj.source_document)  # fmt: skip
        obj.pk = created.pk

    @admin.action(description="发布所选计划")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _report(request, self, lambda p: services.publish_plan(p, by=request.user), qs, "已发布")


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["plan", "category", "number", "title", "measures", "lead_org", "co_orgs",
                  "due_on", "completed_on", "status", "adjustment_reason"]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        probe = Task(**{k: data.get(k) for k in ("plan", "category", "lead_org", "completed_on")},
                     status=data.get("status") or "", adjustment_reason=data.get("adjustment_reason") or "")  # fmt: skip
        errors: dict[str, str] = {}
        services.check_task(probe, list(data.get("co_orgs") or []), errors)
        for key, message in errors.items():
            self.add_error(key if key in self.fields else None, message)
        return data


@admin.register(Task)
class TaskAdmin(ScopedAdmin):
    org_field = "plan__org"
    form = TaskForm
    list_display = ["number", "title", "plan", "lead_org", "due_on", "status", "flag"]
    list_filter = ["status", "plan__year"]
    search_fields = ["title"]
    filter_horizontal = ["co_orgs"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kw: Any) -> Any:
        if db_field.name == "plan":
            kw["queryset"] = self.get_plans(request)
        return super().formfield_for_foreignkey(db_field, request, **kw)

    def get_plans(self, request: HttpRequest) -> QuerySet:
        from gongkai.accounts import permissions

        return permissions.scope(Plan.objects.all(), request.user, Action.EDIT)

    @admin.display(description="逾期")
    def flag(self, obj: Task) -> str:
        if selectors.is_overdue(obj, timezone.localdate()):
            return "逾期"
        return "逾期完成" if selectors.is_late(obj) else ""

    def save_model(self, request: HttpRequest, obj: Task, form: Any, change: bool) -> None:
        pass  # written in save_related, with the co-departments, by the service

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        services.save_task(
            form.instance, by=request.user, co_orgs=list(form.cleaned_data["co_orgs"])
        )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FindingInline(ReadOnlyInline):
    model = Finding

    fields = ("matter", "responsible", "rectify_due_on", "rectification", "rectified_on")
    readonly_fields = fields


class AccountabilityInline(ReadOnlyInline):
    model = Accountability

    fields = ("subject", "basis", "action")
    readonly_fields = fields


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    list_display = ["title", "org", "concluded_on"]
    fields = ["org", "title", "working_notes", "concluded_on"]
    readonly_fields = ["concluded_on"]
    inlines = [FindingInline, AccountabilityInline]
    actions = ["conclude"]

    def get_readonly_fields(self, request: HttpRequest, obj: Inspection | None = None) -> list[str]:
        return ["org", "title", "working_notes", "concluded_on"] if obj else ["concluded_on"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kw: Any) -> Any:
        if db_field.name == "org":
            kw["queryset"] = self.allowed_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kw)

    def save_model(self, request: HttpRequest, obj: Inspection, form: Any, change: bool) -> None:
        if change:
            return
        obj.pk = services.create_inspection(by=request.user, org=obj.org, title=obj.title,
                                            working_notes=obj.working_notes).pk  # fmt: skip

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the inlines are read-only

    @admin.action(description="作出督查结论（今日，结论后公开）")
    def conclude(self, request: HttpRequest, qs: QuerySet) -> None:
        today = timezone.localdate()
        _report(
            request, self, lambda i: services.conclude(i, by=request.user, on=today), qs, "已作结论"
        )


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AddThroughService(ScopedAdmin):
    """Rows are added through one service call and never edited in place; a rule the service
    refuses comes back as a message on the add form, nothing saved."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> Any:
        try:
            return super().add_view(request, form_url, extra_context)
        except (ValidationError, Conflict, PermissionDenied) as e:
            text = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
            self.message_user(request, f"未保存：{text}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kw: Any) -> Any:
        if db_field.name in ("org", "lead_unit"):
            kw["queryset"] = self.allowed_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kw)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the service wrote everything


class ProposalForm(forms.ModelForm):
    proposers = forms.CharField(
        label="领衔/联名代表委员", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一位：姓名,手机号码,通信地址（联系方式不公开）",
    )  # fmt: skip

    class Meta:
        model = Proposal
        fields = ["kind", "meeting", "number", "title", "lead_unit", "co_units", "assigned_on"]


@admin.register(Proposal)
class ProposalAdmin(AddThroughService):
    org_field = "lead_unit"
    form = ProposalForm
    list_display = ["__str__", "title", "lead_unit", "assigned_on", "due_on", "extended_to",
                    "replied_on", "grade", "disclosure"]  # fmt: skip
    list_filter = ["kind", "meeting", "grade", "disclosure"]
    search_fields = ["title", "number"]

    def save_model(self, request: HttpRequest, obj: Proposal, form: Any, change: bool) -> None:
        people = []
        for line in form.cleaned_data["proposers"].splitlines():
            parts = [x.strip() for x in line.replace("，", ",").split(",")]
            if parts and parts[0]:
                people.append({"name": parts[0], "mobile": parts[1] if len(parts) > 1 else "",
                               "address": ",".join(parts[2:])})  # fmt: skip
        data = {k: form.cleaned_data[k] for k in ProposalForm.Meta.fields if k != "co_units"}
        created = services.register_proposal(by=request.user, data=data, proposers=people,
                                             co_units=list(form.cleaned_data["co_units"]))  # fmt: skip
        obj.pk = created.pk


@admin.register(OpinionEvent)
class OpinionEventAdmin(AddThroughService):
    list_display = ["title", "org", "level", "detected_at"]
    list_filter = ["level"]
    fields = ["org", "title", "level", "category", "detected_at", "internal_notes"]

    def save_model(self, request: HttpRequest, obj: OpinionEvent, form: Any, change: bool) -> None:
        obj.pk = services.register_event(
            by=request.user, org=obj.org, title=obj.title, level=obj.level,
            detected_at=obj.detected_at, category=obj.category, internal_notes=obj.internal_notes,
        ).pk  # fmt: skip


@admin.register(PressConference)
class PressConferenceAdmin(AddThroughService):
    list_display = ["title", "org", "held_at", "status"]
    list_filter = ["status"]
    actions = ["publish"]
    fields = ["org", "title", "held_at", "announced_at", "speakers", "transcript", "video_url",
              "photos", "documents", "event"]  # fmt: skip

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kw: Any) -> Any:
        if db_field.name == "video_url":
            kw["assume_scheme"] = "https"  # a bare host means the HTTPS site (Django 6 default)
        return super().formfield_for_dbfield(db_field, request, **kw)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kw: Any) -> Any:
        if db_field.name == "documents":
            kw["queryset"] = selectors.public_documents()  # only public documents are presented
        return super().formfield_for_manytomany(db_field, request, **kw)

    def save_model(
        self, request: HttpRequest, obj: PressConference, form: Any, change: bool
    ) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("org", "documents")}
        obj.pk = services.record_press(by=request.user, org=obj.org, data=data,
                                       documents_=list(form.cleaned_data.get("documents") or [])).pk  # fmt: skip

    @admin.action(description="发布所选发布会")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _report(request, self, lambda x: services.publish_press(x, by=request.user), qs, "已发布")


@admin.register(Interview)
class InterviewAdmin(AddThroughService):
    list_display = ["title", "org", "announced_at", "starts_at", "status"]
    list_filter = ["status"]
    actions = ["publish"]
    fields = ["org", "title", "announced_at", "starts_at", "ends_at", "guests", "transcript"]

    def save_model(self, request: HttpRequest, obj: Interview, form: Any, change: bool) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "org"}
        obj.pk = services.schedule_interview(by=request.user, org=obj.org, data=data).pk

    @admin.action(description="发布所选访谈")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _report(
            request, self, lambda x: services.publish_interview(x, by=request.user), qs, "已发布"
        )


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    org_field = "interview__org"
    list_display = ["question", "interview", "status", "answered_on"]
    list_filter = ["status"]
    actions = ["approve", "hide"]

    @admin.action(description="审核通过（公开展示，不显示提问人）")
    def approve(self, request: HttpRequest, qs: QuerySet) -> None:
        _report(
            request,
            self,
            lambda q: services.moderate(q, by=request.user, approve=True),
            qs,
            "已审核",
        )

    @admin.action(description="屏蔽")
    def hide(self, request: HttpRequest, qs: QuerySet) -> None:
        _report(
            request,
            self,
            lambda q: services.moderate(q, by=request.user, approve=False),
            qs,
            "已屏蔽",
        )
