"""Back office of the lists: rows scoped by `gongkai.accounts.permissions` (ScopedAdmin), shown
read-only; every change goes through the services (audited) as list actions: publish drafts,
approve and publish adjustments (dated today). Items are created by `gongkai lists import` or
the services; adjustments by the staff API. 职权类型 are reference data of platform admins.
办事指南 are edited here (`GuideForm`: one line per condition, material, step): the form checks
with `services.clean_guide` and saves through `services.save_guide`, so a saved guide is a draft
until published."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.backends import client_ip
from gongkai.lib.errors import Conflict

from . import services
from .models import Adjustment, Guide, Intermediary, PowerItem, PowerType, PowerVersion, ServiceItem


def _run(
    modeladmin: Any, request: HttpRequest, qs: QuerySet, fn: Callable[..., Any], label: str
) -> None:
    done = 0
    for obj in qs:
        try:
            fn(obj, by=request.user, ip=client_ip(request))
            done += 1
        except ValidationError as e:
            msgs = "；".join(
                m for ms in getattr(e, "message_dict", {"": e.messages}).values() for m in ms
            )
            modeladmin.message_user(request, f"{obj}：{msgs}", messages.ERROR)
        except (Conflict, PermissionDenied) as e:
            modeladmin.message_user(request, f"{obj}：{e}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"已{label} {done} 项")


class ReadOnly(ScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PowerType)
class PowerTypeAdmin(ScopedAdmin):
    platform_only = True
    list_display = ["code", "letters", "name", "order"]


class VersionInline(admin.TabularInline):
    model = PowerVersion
    extra = 0
    can_delete = False
    fields = ("version", "valid_from", "valid_to", "name", "sub_name", "levels")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PowerItem)
class PowerItemAdmin(ReadOnly):
    list_display = ["code", "name", "type", "org", "status", "secret"]
    list_filter = ["status", "secret", "type"]
    search_fields = ["code", "name"]
    inlines = [VersionInline]
    actions = ["publish"]

    @admin.action(description="发布所选草稿（今日起施行）")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _run(self, request, qs, services.publish_power, "发布")


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnly):
    list_display = ["item", "change", "state", "trigger_on", "applied_on", "review_due_on",
                    "approved_on", "publish_due_on", "published_on"]  # fmt: skip
    list_filter = ["state", "change"]
    search_fields = ["item__code", "item__name"]
    actions = ["approve", "publish"]

    @admin.action(description="批准所选调整（批准日期为今天）")
    def approve(self, request: HttpRequest, qs: QuerySet) -> None:
        today = timezone.localdate()
        _run(
            self,
            request,
            qs,
            lambda a, **kw: services.approve_adjustment(a, approved_on=today, **kw),
            "批准",
        )

    @admin.action(description="公布所选调整（公布日期为今天）")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        today = timezone.localdate()
        _run(
            self,
            request,
            qs,
            lambda a, **kw: services.publish_adjustment(a, published_on=today, **kw),
            "公布",
        )


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnly):
    list_display = ["impl_code", "name", "node", "org", "audience", "status"]
    list_filter = ["status", "node", "audience"]
    search_fields = ["impl_code", "base_code", "name"]
    actions = ["publish"]

    @admin.action(description="发布所选事项")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _run(self, request, qs, services.publish_service_item, "发布")


def _cells(line: str, n: int) -> list[str]:
    cells = [c.strip() for c in line.split("|")]
    return (cells + [""] * n)[:n]


YES = ("是", "y", "yes", "1", "true")


class GuideForm(forms.ModelForm):
    """The guide as an official types it: lists one entry per line, table rows split by `|`."""

    basis = forms.CharField(label="设定依据", widget=forms.Textarea, required=False,
                            help_text="每行一条")  # fmt: skip
    conditions = forms.CharField(label="受理条件", widget=forms.Textarea, required=False,
                                 help_text="每行一条，逐项列明，不得使用兜底表述")  # fmt: skip
    materials = forms.CharField(
        label="申请材料", widget=forms.Textarea, required=False,
        help_text="每行一件：名称|形式（原件/复印件/电子）|份数|来源|要求|空白表格网址",
    )  # fmt: skip
    steps = forms.CharField(label="特殊环节", widget=forms.Textarea, required=False,
                            help_text="每行一个：名称|所需工作日|法定依据|是否收费（是/否）|计入法定时限（是/否）")  # fmt: skip
    fee_basis = forms.CharField(label="收费依据", widget=forms.Textarea, required=False)
    fee_standard = forms.CharField(label="收费标准", widget=forms.Textarea, required=False)
    apply_methods = forms.MultipleChoiceField(
        label="申请方式", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(m, m) for m in services.APPLY_METHODS],
    )  # fmt: skip
    faq = forms.CharField(label="常见问题", widget=forms.Textarea, required=False,
                          help_text="每行一问：问题|回答")  # fmt: skip

    # addresses checked by the service (http/https only), not guessed by a form field
    online_url = forms.CharField(label="网上办理地址", required=False)
    query_url = forms.CharField(label="结果查询地址", required=False)
    flowchart_url = forms.CharField(label="流程图地址", required=False)
    result_sample_url = forms.CharField(label="办理结果样本地址", required=False)

    LINES = ("basis", "conditions", "fee_basis", "fee_standard")

    class Meta:
        model = Guide
        fields = ["item", *[f for f in services.GUIDE_FIELDS]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        g = self.instance
        if g.pk:
            for key in self.LINES:
                self.initial[key] = "\n".join(getattr(g, key))
            self.initial["materials"] = "\n".join(
                "|".join([m.get("name", ""), m.get("form", ""), str(m.get("count", "")),
                          m.get("source", ""), m.get("requirements", ""), m.get("template_url", "")])
                for m in g.materials
            )  # fmt: skip
            self.initial["steps"] = "\n".join(
                "|".join([s["name"], "" if s.get("days") is None else str(s["days"]), s.get("basis", ""),
                          "是" if s.get("fee") else "否", "是" if s.get("counted_in_legal_limit") else "否"])
                for s in g.steps
            )  # fmt: skip
            self.initial["faq"] = "\n".join(f"{f['q']}|{f['a']}" for f in g.faq)

    def guide_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {k: d.get(k) for k in services.GUIDE_FIELDS}
        lines = {k: [x.strip() for x in (d.get(k) or "").splitlines() if x.strip()]
                 for k in (*self.LINES, "materials", "steps", "faq")}  # fmt: skip
        data.update({k: lines[k] for k in self.LINES})
        keys = ("name", "form", "count", "source", "requirements", "template_url")
        data["materials"] = [dict(zip(keys, _cells(x, 6), strict=True)) for x in lines["materials"]]
        data["steps"] = []
        for x in lines["steps"]:
            name, days, basis, fee, counted = _cells(x, 5)
            data["steps"].append({"name": name, "days": days, "basis": basis,
                                  "fee": fee.lower() in YES, "counted_in_legal_limit": counted.lower() in YES})  # fmt: skip
        data["faq"] = [dict(zip(("q", "a"), _cells(x, 2), strict=True)) for x in lines["faq"]]
        data["apply_methods"] = list(d.get("apply_methods") or [])
        return {k: v for k, v in data.items() if v is not None}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            try:
                self.checked = services.clean_guide(self.guide_data())
            except ValidationError as e:
                for field, msgs in e.message_dict.items():
                    name = field.split(".")[0]
                    self.add_error(name if name in self.fields else None, msgs[0])
        return cleaned or {}


@admin.register(Guide)
class GuideAdmin(ReadOnly):
    org_field = "item__org"
    form = GuideForm
    list_display = ["item", "status", "updated_on", "instant", "charged"]
    list_filter = ["status", "instant", "charged"]
    search_fields = ["item__impl_code", "item__name"]
    actions = ["publish"]

    @admin.action(description="发布所选办事指南")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _run(self, request, qs, services.publish_guide, "发布")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return ScopedAdmin.has_add_permission(self, request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return ScopedAdmin.has_change_permission(self, request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("item",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "item":  # an item of the editor's organisations without a guide
            kwargs["queryset"] = ServiceItem.objects.filter(
                org__in=self.allowed_orgs(request), guide__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Guide, form: Any, change: bool) -> None:
        item = obj.item if change else form.cleaned_data["item"]
        saved = services.save_guide(item, by=request.user, data=form.guide_data(),
                                    ip=client_ip(request))  # fmt: skip
        obj.pk, obj.status = saved.pk, saved.status
        self.message_user(request, "办事指南已保存为草稿，审核后请用“发布所选办事指南”发布")


@admin.register(Intermediary)
class IntermediaryAdmin(ReadOnly):
    list_display = ["code", "name", "org", "fee_nature", "status"]
    list_filter = ["status", "fee_nature"]
    search_fields = ["code", "name"]
    actions = ["publish"]

    @admin.action(description="发布所选中介服务事项")
    def publish(self, request: HttpRequest, qs: QuerySet) -> None:
        _run(self, request, qs, services.publish_intermediary, "发布")
