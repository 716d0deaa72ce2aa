"""Back office of 依申请公开: cases scoped by organisation through `permissions`, the statutory due
date with overdue / at-risk flags in the list, and every lifecycle step as a small form that
calls the same service as the API. Cases are never edited in place: the case file is the
append-only event list. Personal data is masked for staff who do not handle the case.
"""

import datetime as dt
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from gongkai.accounts import permissions
from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import Action
from gongkai.lib.errors import Conflict
from gongkai.lib.workdays import default_calendar

from . import clock, letters, selectors, services
from .guard import FIRST_REPORT_YEAR
from .models import (
    DISPOSITION_CHOICES,
    AnnualReportEntry,
    Application,
    ApplicationEvent,
    CaseBoard,
    DueDateChange,
    HolidaySchedule,
    Remedy,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The request being served: list columns mask per user (a ContextVar, safe across threads).
_request: ContextVar[HttpRequest] = ContextVar("applications_admin_request")


class RegisterForm(forms.ModelForm):
    """A case entered by staff (当面, 邮寄, 网络, 传真/电子邮件) with its Art. 31 dates."""

    class Meta:
        model = Application
        fields = ["org", "channel", "submitted_on", "signed_for_on", "confirmed_on",
                  *services.APPLICANT_FIELDS]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:
            services.clean_applicant(
                {k: self.cleaned_data.get(k) for k in services.APPLICANT_FIELDS}
            )
        except ValidationError as e:
            self._update_errors(e)  # type: ignore[attr-defined]


def _date(label: str = "日期") -> forms.DateField:
    return forms.DateField(
        label=label, initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(label: str, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))


# action → (label, form fields, service, service keyword per form field)
ACTIONS: dict[str, tuple[str, dict[str, Any], Any]] = {
    "confirm": ("确认收到申请（第三十一条）", {"on": _date("确认/签收日期"), "notice": _text("告知申请人")}, services.confirm_receipt),
    "correction_request": ("补正告知（第三十条，一次性告知）", {"on": _date(), "deadline": _date("补正期限"), "notice": _text("需要补正的全部事项", True)}, services.request_correction),
    "correction_received": ("收到补正", {"on": _date("收到补正日期"), "notice": _text("说明")}, services.receive_correction),
    "consultation_start": ("征求第三方意见（第三十二条）", {"on": _date(), "third_party": forms.CharField(label="征求意见对象")}, services.start_consultation),
    "consultation_end": ("征求意见结束", {"on": _date(), "note": _text("内部备注")}, services.end_consultation),
    "fee_notice": ("收费通知（国办函〔2020〕109号）", {"on": _date(), "amount": forms.DecimalField(label="金额（元）", min_value=Decimal("0.01"), decimal_places=2), "notice": _text("告知申请人")}, services.send_fee_notice),
    "fee_paid": ("登记缴费", {"on": _date("缴费日期")}, services.record_payment),
    "extension": ("延期答复（第三十三条，最多20个工作日）", {"on": _date(), "days": forms.IntegerField(label="延长工作日数", min_value=1, max_value=20), "approver": forms.CharField(label="批准人（政府信息公开工作机构负责人）"), "notice": _text("告知申请人")}, services.extend),
    "answer": ("答复（第三十六条）", {"on": _date("答复日期"), "disposition": forms.ChoiceField(label="答复类型", choices=DISPOSITION_CHOICES), "reason": _text("理由")}, services.answer),
    "delivery": ("登记送达", {"on": _date("送达日期"), "notice": _text("送达方式与说明")}, services.record_delivery),
    "remedy": ("登记行政复议/行政诉讼（第五十一条）", {"kind": forms.ChoiceField(label="类型", choices=Remedy.Kind.choices), "filed_on": _date("申请复议/起诉日期"), "body": forms.CharField(label="复议机关/人民法院"), "case_no": forms.CharField(label="案号", required=False), "note": _text("备注")}, services.record_remedy),
}  # fmt: skip


class ReadOnlyInline(admin.TabularInline):
    """A case's history: shown, never added to, changed or deleted in the admin."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ("seq", "kind", "on", "days", "deadline", "approver", "amount", "disposition",
              "notice", "internal_note", "created_by")  # fmt: skip
    readonly_fields = fields
    verbose_name_plural = "办理记录（只增不改）"


class DueChangeInline(ReadOnlyInline):
    """期限调整记录: each due date moved by an entered holiday schedule, old → new and why."""

    model = DueDateChange
    fields = ("changed_at", "old_date", "new_date", "reason", "seen_at", "seen_by")
    readonly_fields = fields
    verbose_name_plural = "期限调整记录"


class FlagFilter(admin.SimpleListFilter):
    title = "期限"
    parameter_name = "flag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "已超期"), ("at_risk", "3个工作日内到期"), ("paused", "暂停计时")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        if self.value() == "paused":
            return queryset.filter(status__in=list(clock.STATUS_BY_PAUSE.values()))
        if self.value() in ("overdue", "at_risk"):
            open_cases = queryset.exclude(status=Application.Status.CLOSED).exclude(due_date=None)
            ids = [a.pk for a in open_cases if getattr(clock.flags(a, today), self.value() or "")]
            return queryset.filter(pk__in=ids)
        return queryset


@admin.register(Application)
class ApplicationAdmin(ScopedAdmin):
    form = RegisterForm
    inlines = [EventInline, DueChangeInline]
    list_display = ["tracking_no", "org", "applicant", "applicant_type", "channel", "status",
                    "received_on", "due", "disposition"]  # fmt: skip
    list_filter = [FlagFilter, "status", "applicant_type", "channel", "disposition", "org"]
    search_fields = ["tracking_no"]
    list_select_related = ["org"]
    date_hierarchy = "received_on"

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.inlines

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [
                "org", "channel", "submitted_on", "signed_for_on", "confirmed_on",
                *services.APPLICANT_FIELDS,
            ]  # fmt: skip
        return ["tracking_no", "org", "status", "due", "lifecycle", "letter_links", "applicant_type",
                "personal_data", "description", "purpose", "form", "delivery", "channel",
                "submitted_on", "signed_for_on", "confirmed_on", "received_on", "closed_on",
                "disposition", "handler", "clock_error"]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request, Action.EDIT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- columns -----------------------------------------------------------------------------
    @admin.display(description="申请人")
    def applicant(self, obj: Application) -> str:
        return selectors.personal_view(_request.get().user, obj)["name"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        _request.set(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: Any = None) -> HttpResponse:  # fmt: skip
        _request.set(request)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="法定答复期限", ordering="due_date")
    def due(self, obj: Application) -> str:
        if obj.is_closed:
            return "已办结"
        if obj.clock_error:
            return format_html('<span style="color:#b00020">无法计算：{}</span>', obj.clock_error)
        if obj.due_date is None:
            return "暂停计时" if obj.status != Application.Status.AWAITING_RECEIPT else "待确认收到"
        f = clock.flags(obj, timezone.localdate())
        note = (
            format_html('<br><small title="{}">{}</small>', obj.due_basis, obj.due_basis)
            if obj.due_basis
            else ""
        )
        if f.overdue:
            return format_html(
                '<strong style="color:#b00020">{}{}（已超期）</strong>{}',
                obj.due_date, "（暂定）" if obj.due_basis else "", note,
            )  # fmt: skip
        if f.at_risk:
            return format_html(
                '<strong style="color:#b36b00">{}{}（剩 {} 个工作日）</strong>{}',
                obj.due_date, "（暂定）" if obj.due_basis else "", f.remaining, note,
            )  # fmt: skip
        return format_html(
            "{}{}（剩 {} 个工作日）{}",
            obj.due_date, "（暂定）" if obj.due_basis else "", f.remaining, note,
        )  # fmt: skip

    @admin.display(description="申请人信息")
    def personal_data(self, obj: Application) -> str:
        view = selectors.personal_view(_request.get().user, obj)
        labels = {f: str(getattr(Application._meta.get_field(f), "verbose_name", f)) for f in view}
        return format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>",
                             ((labels[k], v) for k, v in view.items() if v)),
        )  # fmt: skip

    @admin.display(description="办理操作")
    def lifecycle(self, obj: Application) -> str:
        if not permissions.can(_request.get().user, Action.EDIT, obj.org_id):
            return "—"
        names = ["delivery", "remedy"] if obj.is_closed else (
            ["confirm"] if obj.received_on is None else [a for a in ACTIONS if a not in ("confirm", "delivery")]
        )  # fmt: skip
        return format_html_join(
            " · ", '<a href="{}">{}</a>',
            ((reverse("admin:applications_application_act", args=[obj.pk, a]), ACTIONS[a][0].split("（")[0])
             for a in names),
        )  # fmt: skip

    @admin.display(description="告知书")
    def letter_links(self, obj: Application) -> str:
        events = list(obj.events.order_by("seq"))
        found = letters.letters(obj, events, personal=False)
        if not found:
            return "—"
        return format_html_join(
            " · ", '<a href="{}">{}（{}，DOCX）</a>',
            ((reverse("admin:applications_application_letter", args=[obj.pk, lt.seq]), lt.title, lt.on)
             for lt in found),
        )  # fmt: skip

    def letter_view(self, request: HttpRequest, object_id: int, seq: int) -> HttpResponse:
        app = selectors.staff_application(request.user, object_id)
        found = selectors.staff_letter(request.user, app, seq)
        if found is None:
            raise permissions.NotFound("该办理记录没有告知书")
        response = HttpResponse(found.docx(), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
        return response

    # --- writes through services ---------------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Application, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data.get(k) or "" for k in services.APPLICANT_FIELDS}
        app, code = services.register(
            by=request.user, org=form.cleaned_data["org"], data=data,
            channel=form.cleaned_data["channel"], submitted_on=form.cleaned_data["submitted_on"],
            signed_for_on=form.cleaned_data.get("signed_for_on"),
            confirmed_on=form.cleaned_data.get("confirmed_on"), ip=client_ip(request),
        )  # fmt: skip
        obj.pk = app.pk
        self.message_user(
            request, f"已登记申请 {app.tracking_no}，查询码 {code}（只显示这一次，请告知申请人）",
            level=messages.WARNING,
        )  # fmt: skip

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # events are written by the services only

    def get_urls(self) -> list:
        extra = [
            path("<int:object_id>/act/<str:action>/", self.admin_site.admin_view(self.act_view),
                 name="applications_application_act"),
            path("<int:object_id>/letter/<int:seq>/", self.admin_site.admin_view(self.letter_view),
                 name="applications_application_letter"),
            path("<int:object_id>/due-seen/", self.admin_site.admin_view(self.due_seen_view),
                 name="applications_application_due_seen"),
        ]  # fmt: skip
        return extra + super().get_urls()

    def due_seen_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """POST: the handler has seen the case's moved due dates (期限调整)."""
        if request.method != "POST":
            return HttpResponse("请使用 POST", status=405)
        app = selectors.staff_application(request.user, object_id)
        n = services.mark_due_changes_seen(app, by=request.user)
        self.message_user(request, f"{app.tracking_no}：{n} 条期限调整已阅")
        return HttpResponseRedirect(reverse("admin:applications_caseboard_changelist"))

    def act_view(self, request: HttpRequest, object_id: int, action: str) -> HttpResponse:
        app = selectors.staff_application(request.user, object_id)
        if action not in ACTIONS:
            raise permissions.NotFound("没有该办理操作")
        permissions.require(request.user, Action.EDIT, app.org_id)
        label, fields, fn = ACTIONS[action]
        form_class = type("ActForm", (forms.Form,), dict(fields))
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                fn(app, by=request.user, ip=client_ip(request), **form.cleaned_data)
            except ValidationError as e:
                for field, msgs in (
                    e.message_dict if hasattr(e, "error_dict") else {None: e.messages}
                ).items():
                    form.add_error(field if field in form.fields else None, msgs)
            except (Conflict, PermissionDenied) as e:
                form.add_error(None, str(e))
            else:
                self.message_user(request, f"已登记：{label.split('（')[0]}")
                return HttpResponseRedirect(
                    reverse("admin:applications_application_change", args=[app.pk])
                )
        context = {
            **self.admin_site.each_context(request), "title": f"{app.tracking_no}：{label}",
            "form": form, "app": app, "opts": self.model._meta, "today": dt.date.today(),
        }  # fmt: skip
        return TemplateResponse(request, "admin/applications/act.html", context)


@admin.register(CaseBoard)
class CaseBoardAdmin(ScopedAdmin):
    """办理看板: open cases of the user's organisations with due dates, at-risk and overdue flags,
    cases blocked by a missing holiday schedule, and counts by organisation."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list:
        return [
            path("", self.admin_site.admin_view(self.changelist_view),
                 name="applications_caseboard_changelist"),
        ]  # fmt: skip

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            add_url = reverse("admin:applications_holidayschedule_add")
        except NoReverseMatch:
            add_url = ""
        may_edit = permissions.is_platform_admin(request.user)
        context = {
            **self.admin_site.each_context(request), "title": "依申请公开办理看板",
            "opts": self.model._meta, "board": selectors.dashboard(request.user, today),
            "today": today, "at_risk_days": clock.at_risk_days(),
            "calendar_add_url": add_url if may_edit else "",
        }  # fmt: skip
        return TemplateResponse(request, "admin/applications/dashboard.html", context)


class HolidayScheduleForm(forms.ModelForm):
    source_url = forms.URLField(label="通知网址", required=False, assume_scheme="https")

    class Meta:
        model = HolidaySchedule
        fields = ["year", "source", "source_url", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 14, "cols": 90})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            year = self.instance.year if self.instance.pk else data.get("year")
            services.clean_holiday_schedule(
                year=year, source=data.get("source") or "", text=data.get("text") or ""
            )
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                self.add_error(field if field in self.fields else None, msgs)
        return data


WEEKDAYS = "一二三四五六日"


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(ScopedAdmin):
    """节假日安排: the years after the shipped calendar, pasted from the 国务院办公厅 notice by a
    platform administrator. Saving recomputes the due dates of every open case."""

    platform_only = True
    form = HolidayScheduleForm
    list_display = ["year", "source", "holiday_count", "workday_count", "updated_at", "updated_by"]
    change_list_template = "admin/applications/holidayschedule/change_list.html"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        base = ["year", "source", "source_url", "text"]
        return base if obj is None else [*base, "days_table", "updated_by", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else ["year", "days_table", "updated_by", "updated_at"]

    @admin.display(description="放假天数")
    def holiday_count(self, obj: HolidaySchedule) -> int:
        return obj.days.filter(kind="holiday").count()

    @admin.display(description="调休上班天数")
    def workday_count(self, obj: HolidaySchedule) -> int:
        return obj.days.filter(kind="workday").count()

    @admin.display(description="识别出的日期（请与通知核对）")
    def days_table(self, obj: HolidaySchedule) -> str:
        return format_html(
            "<table><tr><th>日期</th><th>星期</th><th>类型</th><th>节日</th></tr>{}</table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
                (d.date, "星期" + WEEKDAYS[d.date.weekday()], d.get_kind_display(), d.name)
                for d in obj.days.all()
            )),
        )  # fmt: skip

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.save_holiday_schedule(
            by=request.user, year=obj.year, source=form.cleaned_data["source"],
            source_url=form.cleaned_data.get("source_url") or "", text=form.cleaned_data["text"],
            ip=client_ip(request),
        )  # fmt: skip
        obj.pk = saved.schedule.pk
        self.message_user(
            request,
            f"已保存 {obj.year} 年节假日安排：放假 {saved.holidays} 天，调休上班 {saved.workdays} 天；"
            f"{saved.recomputed} 件在办申请的答复期限已重新计算。",
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        shipped = sorted(default_calendar().years)
        last, horizon = clock.calendar_horizon()
        open_cases = selectors.staff_applications(request.user).exclude(
            status=Application.Status.CLOSED
        )
        extra = {
            "shipped": (shipped[0], shipped[-1]) if shipped else None,
            "last_year": last, "next_year": (last or timezone.localdate().year) + 1,
            "horizon": horizon, "blocked": open_cases.exclude(clock_error="").count(),
            "provisional": open_cases.exclude(due_basis="").count(),
        }  # fmt: skip
        return super().changelist_view(request, {**(extra_context or {}), **extra})


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label="审结结果", choices=[c for c in Remedy.Outcome.choices if c[0] != "pending"]
    )
    decided_on = _date("审结日期")


@admin.register(Remedy)
class RemedyAdmin(ScopedAdmin):
    """行政复议/行政诉讼 records (section 四 of the annual report). Registered from the case
    (办理操作 → 登记行政复议/行政诉讼), decided here; written by the services only."""

    org_field = "application__org"
    list_display = ["application", "kind", "filed_on", "body", "case_no", "outcome", "decided_on",
                    "decide_link"]  # fmt: skip
    list_filter = ["kind", "outcome"]
    list_select_related = ["application"]
    readonly_fields = ["application", "kind", "filed_on", "body", "case_no", "outcome",
                       "decided_on", "note", "created_by"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="操作")
    def decide_link(self, obj: Remedy) -> str:
        if obj.outcome != Remedy.Outcome.PENDING:
            return "—"
        return format_html(
            '<a href="{}">登记审结结果</a>',
            reverse("admin:applications_remedy_decide", args=[obj.pk]),
        )

    def get_urls(self) -> list:
        extra = [
            path("<int:object_id>/decide/", self.admin_site.admin_view(self.decide_view),
                 name="applications_remedy_decide"),
        ]  # fmt: skip
        return extra + super().get_urls()

    def decide_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        remedy = permissions.get_scoped(
            Remedy.objects.select_related("application"), request.user, Action.VIEW,
            org_field="application__org", pk=object_id,
        )  # fmt: skip
        permissions.require(request.user, Action.EDIT, remedy.application.org_id)
        form = DecideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.decide_remedy(remedy, by=request.user, ip=client_ip(request),
                                       **form.cleaned_data)  # fmt: skip
            except ValidationError as e:
                for field, msgs in e.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            except Conflict as e:
                form.add_error(None, str(e))
            else:
                self.message_user(request, "已登记审结结果")
                return HttpResponseRedirect(reverse("admin:applications_remedy_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{remedy.application.tracking_no}：{remedy.get_kind_display()}审结结果",
            "form": form, "app": remedy.application, "opts": self.model._meta,
        }  # fmt: skip
        return TemplateResponse(request, "admin/applications/act.html", context)


class ReportEntryForm(forms.ModelForm):
    class Meta:
        model = AnnualReportEntry
        fields = ["org", "year", *services.REPORT_FIGURES, "fees_amount", *services.REPORT_TEXTS,
                  "is_published"]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fields = [*services.REPORT_FIGURES, "fees_amount", *services.REPORT_TEXTS, "is_published"]
        try:
            services.clean_report_entry({f: data.get(f) for f in fields if f in data})
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                self.add_error(field if field in self.fields else None, msgs)
        year = data.get("year")
        if (
            year
            and "year" in self.fields
            and not FIRST_REPORT_YEAR <= year <= timezone.localdate().year
        ):
            self.add_error(
                "year", f"年度应在 {FIRST_REPORT_YEAR} 至 {timezone.localdate().year} 之间"
            )
        return data


@admin.register(AnnualReportEntry)
class AnnualReportEntryAdmin(ScopedAdmin):
    """年度报告填报内容: per organisation and year, the section 二 figures the platform cannot count
    and the text of sections 一、五、六, written through `services.save_report_entry` (audited).
    The computed tables are shown beside the form so the text can quote them."""

    form = ReportEntryForm
    list_display = ["org", "year", "is_published", "updated_by", "updated_at", "report_link"]
    list_filter = ["year", "is_published"]
    list_select_related = ["org", "updated_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["figures"] if obj is None else ["org", "year", "figures", "updated_by",
                                                "updated_at"]  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        edit = [*services.REPORT_FIGURES, "fees_amount", *services.REPORT_TEXTS, "is_published"]
        return ["org", "year", *edit] if obj is None else ["org", "year", "figures", *edit,
                                                           "updated_by", "updated_at"]  # fmt: skip

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kw: Any) -> Any:
        if db_field.name == "org":
            kw["queryset"] = self.allowed_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kw)

    @admin.display(description="可引用的统计数字")
    def figures(self, obj: AnnualReportEntry) -> str:
        if obj is None or obj.pk is None:
            return "保存后显示"
        data = selectors.annual_report(obj.org, obj.year, include_draft=True)
        s3 = {r["key"]: r["values"][-1] for r in data["section3"]["rows"]}
        docs = data["section2"]["tables"][0]["rows"]
        s4 = data["section4"]["values"]
        return format_html(
            "本年新收申请 {} 件，上年结转 {} 件，本年办结 {} 件（予以公开 {} 件、部分公开 {} 件），"
            "结转下年度 {} 件；行政复议 {} 件，行政诉讼 {} 件；规章 本年制发 {} / 废止 {} / 现行有效 {}，"
            "行政规范性文件 本年制发 {} / 废止 {} / 现行有效 {}。",
            s3["new"], s3["carried_in"], s3["total"], s3["disclosed"], s3["partial"],
            s3["carried_out"], s4[4], s4[9] + s4[14], *docs[0]["values"], *docs[1]["values"],
        )  # fmt: skip

    @admin.display(description="报告")
    def report_link(self, obj: AnnualReportEntry) -> str:
        return format_html(
            '<a href="{}">查看</a>', reverse("annual-report", args=[obj.org.code, obj.year])
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = [*services.REPORT_FIGURES, "fees_amount", *services.REPORT_TEXTS, "is_published"]
        org = obj.org
        saved = services.save_report_entry(
            by=request.user, org=org, year=obj.year, ip=client_ip(request),
            data={f: form.cleaned_data.get(f) for f in fields},
        )  # fmt: skip
        obj.pk = saved.pk
