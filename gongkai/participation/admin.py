"""Back office of participation: rows scoped by `gongkai.accounts.permissions`, every change
through the services (so each is audited), steps as small forms like the applications admin.

- 征求意见: create/edit drafts, publish, withdraw; comments moderated with list actions (the
  moderator is recorded); groups with 采纳情况; the feedback published from the consultation.
- 领导信箱: mailboxes, reply templates; letters are never edited in place: 受理, 转办, 办理,
  答复 (free text or template), 审核, 公开, 转为依申请公开 are actions; time-limit flags in the list.
  A department sees only the letters 转办 to it.
- 重大行政决策: catalogue items; the five steps recorded as actions (the gate lives in services).
"""

from contextvars import ContextVar
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from gongkai.accounts import permissions
from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action
from gongkai.applications.clock import work_calendar
from gongkai.applications.models import Application
from gongkai.lib.errors import Conflict
from gongkai.organizations.models import Organization

from . import selectors, services
from .models import (
    Comment,
    Consultation,
    DecisionStep,
    FeedbackGroup,
    ImportantPolicy,
    Letter,
    Mailbox,
    MajorDecision,
    ReplyTemplate,
)

_request: ContextVar[HttpRequest] = ContextVar("participation_admin_request")


def _date(label: str = "日期") -> forms.DateField:
    return forms.DateField(
        label=label, initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 4}))


class ActMixin:
    """Small forms that call one service each: /<id>/act/<name>/."""

    actions_map: dict[str, tuple[str, Any, Any]] = {}
    admin_site: Any
    model: Any

    def get_object_for_act(self, request: HttpRequest, object_id: int) -> Any:
        raise NotImplementedError

    def act_fields(self, request: HttpRequest, obj: Any, name: str) -> dict[str, Any]:
        return dict(self.actions_map[name][1])

    def get_urls(self) -> list:
        info = self.model._meta.app_label, self.model._meta.model_name
        extra = [
            path("<int:object_id>/act/<str:name>/", self.admin_site.admin_view(self.act_view),
                 name="{}_{}_act".format(*info)),
        ]  # fmt: skip
        return extra + super().get_urls()  # type: ignore[misc]

    def act_links(self, obj: Any, names: list[str]) -> str:
        info = self.model._meta.app_label, self.model._meta.model_name
        return format_html_join(
            " · ", '<a href="{}">{}</a>',
            ((reverse("admin:{}_{}_act".format(*info), args=[obj.pk, n]), self.actions_map[n][0]) for n in names),
        )  # fmt: skip

    def act_view(self, request: HttpRequest, object_id: int, name: str) -> HttpResponse:
        obj = self.get_object_for_act(request, object_id)
        if name not in self.actions_map:
            raise permissions.NotFound("没有该操作")
        label, _, fn = self.actions_map[name]
        form_class = type("ActForm", (forms.Form,), self.act_fields(request, obj, name))
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                fn(obj, by=request.user, ip=client_ip(request), **form.cleaned_data)
            except ValidationError as e:
                for field, msgs in (
                    e.message_dict if hasattr(e, "error_dict") else {None: e.messages}
                ).items():
                    form.add_error(field if field in form.fields else None, msgs)
            except (Conflict, PermissionDenied) as e:
                form.add_error(None, str(e))
            else:
                self.message_user(request, f"已完成：{label}")  # type: ignore[attr-defined]
                info = self.model._meta.app_label, self.model._meta.model_name
                return HttpResponseRedirect(
                    reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
                )
        context = {
            **self.admin_site.each_context(request), "title": f"{obj}：{label}", "form": form,
            "obj": obj, "opts": self.model._meta,
        }  # fmt: skip
        return TemplateResponse(request, "admin/participation/act.html", context)


# --- 征求意见 ------------------------------------------------------------------------------


def _publish_consultation(c: Consultation, *, by: Any, ip: str) -> Any:
    return services.publish_consultation(c, by=by, ip=ip)


def _group(c: Consultation, *, by: Any, ip: str, comments: Any, **kw: Any) -> Any:
    return services.save_group(c, by=by, ip=ip, comment_ids=[x.pk for x in comments], **kw)


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["org", *services.CONSULTATION_FIELDS]

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:
            services.clean_consultation(self.instance)  # the period rule, shown on the form
        except ValidationError as e:
            self._update_errors(e)  # type: ignore[attr-defined]


@admin.register(Consultation)
class ConsultationAdmin(ActMixin, ScopedAdmin):
    form = ConsultationForm
    list_display = [
        "title",
        "org",
        "kind",
        "opens_on",
        "closes_on",
        "status",
        "feedback_published_on",
        "tools",
    ]
    list_filter = ["status", "kind", "org"]
    search_fields = ["title"]
    readonly_fields = ["status", "feedback_published_on", "tools"]
    actions_map = {
        "publish": ("发布", {}, _publish_consultation),
        "withdraw": ("撤回", {"reason": _text("撤回理由")}, services.withdraw_consultation),
        "group": ("归类意见并说明采纳情况", {}, _group),
        "feedback": ("发布意见采纳情况反馈", {"summary": _text("采纳情况总体说明", False)}, services.publish_feedback),
    }  # fmt: skip

    def get_object_for_act(self, request: HttpRequest, object_id: int) -> Consultation:
        return permissions.get_scoped(
            Consultation.objects.all(), request.user, Action.VIEW, pk=object_id
        )

    def act_fields(self, request: HttpRequest, obj: Any, name: str) -> dict[str, Any]:
        if name != "group":
            return super().act_fields(request, obj, name)
        return {
            "summary": _text("意见概要"),
            "decision": forms.ChoiceField(label="采纳情况", choices=FeedbackGroup.Decision.choices),
            "reason": _text("理由（部分采纳、未采纳必填）", False),
            "comments": forms.ModelMultipleChoiceField(
                label="本组意见", queryset=obj.comments.filter(status=Comment.Status.REVIEWED),
                widget=forms.CheckboxSelectMultiple, required=False,
            ),
        }  # fmt: skip

    @admin.display(description="操作")
    def tools(self, obj: Consultation) -> str:
        if obj.pk is None:
            return "—"
        links = self.act_links(obj, list(self.actions_map))
        export = format_html(
            ' · <a href="{}">导出意见 XLSX</a> · <a href="{}">CSV</a>',
            reverse("participation-export", args=[obj.pk, "xlsx"]),
            reverse("participation-export", args=[obj.pk, "csv"]),
        )
        return format_html("{}{}", links, export)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request, Action.EDIT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.status != Consultation.Status.DRAFT:
            # a published draft and its period stay as published; only these may change
            fixed = [
                f
                for f in services.CONSULTATION_FIELDS
                if f not in ("show_comments", "feedback_summary")
            ]
            return [*self.readonly_fields, "org", *fixed]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Consultation, form: Any, change: bool) -> None:
        keys = [k for k in services.CONSULTATION_FIELDS if k in form.cleaned_data]
        if change:
            keys = [k for k in keys if k in form.changed_data]
        data = {k: form.cleaned_data.get(k) for k in keys}
        data = {
            k: ("" if v is None and k not in ("opens_on", "closes_on") else v)
            for k, v in data.items()
        }
        if change:
            saved = services.update_consultation(
                Consultation.objects.get(pk=obj.pk),
                by=request.user,
                data=data,
                ip=client_ip(request),
            )
        else:
            saved = services.create_consultation(
                by=request.user, org=form.cleaned_data["org"], data=data, ip=client_ip(request)
            )
        obj.pk = saved.pk


@admin.register(Comment)
class CommentAdmin(ScopedAdmin):
    org_field = "consultation__org"
    list_display = [
        "id",
        "consultation",
        "article",
        "short",
        "status",
        "group",
        "moderated_by",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["consultation", "group", "moderated_by"]
    readonly_fields = ["consultation", "name", "contact", "article", "body", "status", "group",
                       "moderated_by", "moderated_at", "created_at"]  # fmt: skip
    exclude = ["digest"]
    actions = ["mark_reviewed", "hide"]

    @admin.display(description="意见内容")
    def short(self, obj: Comment) -> str:
        return obj.body[:60]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def _moderate(self, request: HttpRequest, qs: QuerySet, action: str) -> None:
        done = 0
        for c in qs:
            try:
                services.moderate(c, by=request.user, action=action, ip=client_ip(request))
                done += 1
            except PermissionDenied as e:
                self.message_user(request, f"意见 {c.pk}：{e}", level=messages.ERROR)
        self.message_user(request, f"已处理 {done} 条意见")

    @admin.action(description="审核通过（可公开展示）")
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, "review")

    @admin.action(description="屏蔽")
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, "hide")


# --- 领导信箱 ------------------------------------------------------------------------------


class MailboxForm(forms.ModelForm):
    class Meta:
        model = Mailbox
        fields = ["org", *services.MAILBOX_FIELDS]


@admin.register(Mailbox)
class MailboxAdmin(ScopedAdmin):
    form = MailboxForm
    change_action = Action.MANAGE
    list_display = ["name", "code", "org", "reply_days", "is_active"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request, Action.MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Mailbox, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data.get(k) for k in services.MAILBOX_FIELDS}
        saved = services.save_mailbox(
            by=request.user, org=form.cleaned_data["org"], data=data,
            mailbox=Mailbox.objects.get(pk=obj.pk) if change else None, ip=client_ip(request),
        )  # fmt: skip
        obj.pk = saved.pk


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(ScopedAdmin):
    list_display = ["title", "org"]
    fields = ["org", "title", "body"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request, Action.EDIT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ReplyTemplate, form: Any, change: bool) -> None:
        saved = services.save_reply_template(
            by=request.user, org=form.cleaned_data["org"], title=obj.title, body=obj.body,
            template=ReplyTemplate.objects.get(pk=obj.pk) if change else None, ip=client_ip(request),
        )  # fmt: skip
        obj.pk = saved.pk


def _reply(letter: Letter, *, by: Any, ip: str, text: str, template: Any) -> Any:
    body = services.render_template(template, letter) if template and not text else text
    return services.draft_reply(letter, by=by, text=body, ip=ip)


def _convert(letter: Letter, *, by: Any, ip: str, **applicant: Any) -> Any:
    app, code = services.convert_to_application(letter, by=by, ip=ip, applicant=applicant)
    messages.warning(
        _request.get(),
        f"已转为政府信息公开申请 {app.tracking_no}，查询码 {code}（只显示这一次，请告知来信人）",
    )
    return app


def _plain(fn: Any) -> Any:
    def call(letter: Letter, *, by: Any, ip: str, **kw: Any) -> Any:
        return fn(letter, by=by, ip=ip, **kw)

    return call


LETTER_ACTIONS: dict[str, tuple[str, dict[str, Any], Any]] = {
    "accept": ("受理", {}, _plain(services.accept)),
    "reject": ("不予受理", {"reason": _text("理由（告知来信人）")}, _plain(services.reject)),
    "assign": ("转办", {}, _plain(services.assign)),
    "handle": ("开始办理", {}, _plain(services.start_handling)),
    "reply": ("答复", {}, _reply),
    "approve": ("审核通过", {}, _plain(services.approve_reply)),
    "return": ("审核退回", {"reason": _text("退回理由")}, _plain(services.return_reply)),
    "publish": ("公开选登", {"subject": forms.CharField(label="公开标题（留空用原标题）", required=False),
                         "question": _text("公开的来信内容（留空用原文，均自动隐去个人信息）", False),
                         "reply": _text("公开的答复内容（留空用原文）", False)}, _plain(services.publish_letter)),
    "unpublish": ("撤下公开", {"reason": _text("理由")}, _plain(services.unpublish_letter)),
    "convert": ("转为依申请公开", {
        "id_type": forms.ChoiceField(label="证件类型", choices=Application.IdType.choices),
        "id_number": forms.CharField(label="证件号码"),
        "phone": forms.CharField(label="联系电话（留空用来信电话）", required=False),
        "form": forms.ChoiceField(label="信息的指定提供形式", choices=Application.Form.choices),
        "delivery": forms.ChoiceField(label="获取信息的方式", choices=Application.Delivery.choices),
    }, _convert),
}  # fmt: skip

NEXT = {
    "submitted": ["accept", "reject", "convert"], "accepted": ["assign", "handle", "reply", "convert"],
    "assigned": ["assign", "handle", "reply", "convert"], "handling": ["assign", "reply", "convert"],
    "replied": ["approve", "return"], "answered": ["publish", "unpublish"],
}  # fmt: skip


class FlagFilter(admin.SimpleListFilter):
    title = "时限"
    parameter_name = "flag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "已超过答复期限"), ("threshold", "临近或超过3个月红线")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in ("overdue", "threshold"):
            return queryset
        today = timezone.localdate()
        ids = []
        cal = work_calendar()
        for x in queryset.filter(status__in=Letter.OPEN_STATES):
            f = selectors.letter_flags(x, today, cal)
            if (self.value() == "overdue" and f.overdue) or (
                self.value() == "threshold" and f.threshold_level != "ok"
            ):
                ids.append(x.pk)
        return queryset.filter(pk__in=ids)


@admin.register(Letter)
class LetterAdmin(ActMixin, ScopedAdmin):
    actions_map = LETTER_ACTIONS
    list_display = [
        "tracking_no",
        "mailbox",
        "kind",
        "subject",
        "department",
        "status",
        "submitted_on",
        "due",
        "rating",
    ]
    list_filter = [FlagFilter, "status", "kind", "mailbox"]
    search_fields = ["tracking_no", "subject"]
    list_select_related = ["mailbox", "department", "org"]
    fields = ("tracking_no", "mailbox", "kind", "subject", "content", "writer", "consent_publish",
              "status", "department", "submitted_on", "accepted_on", "due", "reply", "replied_on",
              "rating", "rating_reason", "reopened", "is_published", "public_subject",
              "public_question", "public_reply", "application", "history", "tools")  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.staff_letters(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return permissions.is_staff_anywhere(request.user)
        return selectors.staff_letters(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_object_for_act(self, request: HttpRequest, object_id: int) -> Letter:
        _request.set(request)
        return selectors.staff_letter(request.user, object_id)

    def act_fields(self, request: HttpRequest, obj: Any, name: str) -> dict[str, Any]:
        if name == "assign":
            ids = permissions.org_ids(request.user, Action.VIEW)
            orgs = Organization.objects.filter(is_active=True)
            # a department below the mailbox's organisation (or any, for platform admins)
            if ids is not None:
                orgs = orgs.filter(path__startswith=obj.org.path)
            return {"department": forms.ModelChoiceField(label="承办单位", queryset=orgs),
                    "note": _text("转办说明", False)}  # fmt: skip
        if name == "reply":
            return {
                "template": forms.ModelChoiceField(
                    label="答复模板", required=False,
                    queryset=ReplyTemplate.objects.filter(org__in=[obj.org_id, obj.department_id or obj.org_id]),
                ),
                "text": _text("答复内容（选用模板时可留空）", False),
            }  # fmt: skip
        return super().act_fields(request, obj, name)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: Any = None) -> HttpResponse:  # fmt: skip
        _request.set(request)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="来信人")
    def writer(self, obj: Letter) -> str:
        return format_html("{}　电话：{}　邮箱：{}", obj.name, obj.phone or "—", obj.email or "—")

    @admin.display(description="答复期限")
    def due(self, obj: Letter) -> str:
        if not obj.is_open:
            return "—"
        f = selectors.letter_flags(obj, timezone.localdate())
        if f.error:
            return format_html('<span style="color:#b00020">无法计算：{}</span>', f.error)
        text = f"{obj.due_on or '待受理'}"
        if f.overdue:
            text += "（已超期）"
        if f.threshold_level != "ok":
            text += f"；3个月红线 {f.threshold_on}"
        style = "color:#b00020" if f.overdue or f.threshold_level == "breached" else (
            "color:#8a4b00" if f.threshold_level == "warn" else "")  # fmt: skip
        return format_html('<span style="{}">{}</span>', style, text)

    @admin.display(description="办理记录")
    def history(self, obj: Letter) -> str:
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{} {}（{}）{}</li>",
                             ((e.on, e.action, e.by_label, e.note) for e in obj.events.all())),
        )  # fmt: skip

    @admin.display(description="操作")
    def tools(self, obj: Letter) -> str:
        return self.act_links(obj, NEXT.get(obj.status, [])) or "—"


# --- 重大行政决策 ----------------------------------------------------------------------------


def _step(d: MajorDecision, *, by: Any, ip: str, **kw: Any) -> Any:
    return services.record_step(d, by=by, ip=ip, **kw)


def _result(d: MajorDecision, *, by: Any, ip: str, result: str, documents: Any) -> Any:
    return services.publish_result(d, by=by, ip=ip, result=result, documents=list(documents))


class DecisionForm(forms.ModelForm):
    class Meta:
        model = MajorDecision
        fields = ["org", "year", "title", "description", "sponsor", "listed", "consultation"]


class StepInline(admin.TabularInline):
    model = DecisionStep
    extra = 0
    fields = (
        "kind",
        "on",
        "performed_by",
        "document",
        "passed",
        "experts",
        "opinions",
        "publish_opinions",
        "created_by",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MajorDecision)
class MajorDecisionAdmin(ActMixin, ScopedAdmin):
    form = DecisionForm
    inlines = [StepInline]
    list_display = ["title", "org", "year", "status", "steps_done", "tools"]
    list_filter = ["year", "status", "org"]
    readonly_fields = ["status", "decided_on", "result", "tools"]
    actions_map = {
        "step": ("登记决策程序", {
            "kind": forms.ChoiceField(label="程序", choices=DecisionStep.Kind.choices), "on": _date(),
            "performed_by": forms.CharField(label="承办人/机构"),
            "document": forms.CharField(label="相关文书", required=False), "note": _text("说明", False),
            "experts": _text("论证专家（专家论证）", False), "opinions": _text("专家意见", False),
            "publish_opinions": forms.BooleanField(label="公开专家意见", required=False),
            "passed": forms.BooleanField(label="合法性审查通过", required=False),
        }, _step),
        "result": ("公开决策结果", {}, _result),
    }  # fmt: skip

    def get_object_for_act(self, request: HttpRequest, object_id: int) -> MajorDecision:
        return permissions.get_scoped(
            MajorDecision.objects.all(), request.user, Action.VIEW, pk=object_id
        )

    def act_fields(self, request: HttpRequest, obj: Any, name: str) -> dict[str, Any]:
        if name != "result":
            return super().act_fields(request, obj, name)
        return {
            "result": _text("决策结果"),
            "documents": forms.ModelMultipleChoiceField(
                label="决策结果文件（已公开的政府信息）", required=False,
                queryset=selectors.public_documents().filter(org_id=obj.org_id),
            ),
        }  # fmt: skip

    @admin.display(description="法定程序")
    def steps_done(self, obj: MajorDecision) -> str:
        return " ".join(
            ("✓" if done else "○") + label for _, label, done in selectors.step_status(obj)
        )

    @admin.display(description="操作")
    def tools(self, obj: MajorDecision) -> str:
        return self.act_links(obj, list(self.actions_map)) if obj.pk else "—"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request, Action.EDIT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: MajorDecision, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data.get(k) for k in services.DECISION_FIELDS}
        data = {
            k: ("" if v is None and k in ("description", "sponsor") else v) for k, v in data.items()
        }
        saved = services.save_decision(
            by=request.user, org=form.cleaned_data["org"], data=data,
            decision=MajorDecision.objects.get(pk=obj.pk) if change else None, ip=client_ip(request),
        )  # fmt: skip
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # steps are written by the services only


# --- 政策解读: 重要政策 -------------------------------------------------------------------------


@admin.register(ImportantPolicy)
class ImportantPolicyAdmin(ScopedAdmin):
    """Policies marked 重要政策 need an interpretation in time, like 规范性文件."""

    org_field = "document__org"
    list_display = ["document", "marked_by", "created_at"]
    fields = ["document"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "document":
            orgs = self.allowed_orgs(request, Action.EDIT)
            kwargs["queryset"] = selectors.public_documents().filter(
                org__in=orgs, category__is_interpretation=False
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: ImportantPolicy, form: Any, change: bool
    ) -> None:
        services.mark_important(obj.document, by=request.user, ip=client_ip(request))
        obj.pk = ImportantPolicy.objects.get(document=obj.document).pk
