"""Back office of 行政执法公示 and 双随机、一公开: rows scoped by `gongkai.accounts.permissions`
(`ScopedAdmin`), every write through `services` (so each is validated and audited).

- Decisions (许可/处罚) are read-only here: they come from the token API (and later the import
  command); the list actions 审核发布 (`services.release`) and 公示期满下线 (`services.expire`).
  Withdrawal is `POST /api/v1/staff/enforcement/…/{id}/withdraw` (its reason is public).
- Reference data (执法主体、人员、事项、强制、收费、名录库、回避、抽查事项) is added through the
  services; a rule the form cannot see comes back as an error message, nothing saved.
- Plans: added with their inspectors; list actions 批准（承诺种子） and 抽取. Draws are read-only;
  results are added against a draw.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from gongkai.accounts.admin_scoping import ScopedAdmin
from gongkai.accounts.permissions import Action
from gongkai.lib.errors import Conflict

from . import selectors, services
from .models import (
    CoercionDecision,
    Draw,
    EnforcementBody,
    FeeAmount,
    FeeItem,
    LicenceDecision,
    LicensingIntake,
    Matter,
    Officer,
    PenaltyDecision,
    Plan,
    Recusal,
    Result,
    SpotCheckMatter,
    Target,
)


def _errors(e: Exception) -> str:
    if isinstance(e, ValidationError):
        return "；".join(e.messages)
    return str(e)


class ServiceAdmin(ScopedAdmin):
    """Add/change forms whose save is one service call; a refused save shows why (nothing saved)."""

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = self.run(request, obj, dict(form.cleaned_data), change)
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # relations are set by the service

    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: Any = None) -> HttpResponse:  # fmt: skip
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, Conflict) as e:
            self.message_user(request, f"未保存：{_errors(e)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "org":
            kwargs["queryset"] = self.allowed_orgs(request, Action.EDIT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(EnforcementBody)
class EnforcementBodyAdmin(ServiceAdmin):
    list_display = ["org", "kind", "updated_on"]
    fields = ["org", "kind", "basis", "remedies", "procedure"]

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.save_body(by=request.user, org=data.pop("org"), data=data)


@admin.register(Officer)
class OfficerAdmin(ServiceAdmin):
    list_display = ["name", "cert_no", "field", "org", "valid_until", "active", "published_on"]
    list_filter = ["active", "org"]
    search_fields = ["name", "cert_no"]
    fields = ["org", "name", "cert_no", "field", "issued_by", "valid_until", "active"]

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        org = data.pop("org")
        return services.save_officer(
            by=request.user, org=org, data=data, officer=obj if change else None
        )


@admin.register(Matter)
class MatterAdmin(ServiceAdmin):
    list_display = ["name", "kind", "org", "time_limit"]
    list_filter = ["kind", "org"]
    fields = ["org", "name", "kind", "basis", "flowchart", "time_limit"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.save_matter(by=request.user, org=data.pop("org"), data=data)


class ReadOnlyDecisionAdmin(ScopedAdmin):
    """Decisions: read-only, with the number masked in the list (staff open a row for the rest)."""

    list_filter = ["status", "disclosure", "org"]
    search_fields = ["decision_no", "subject_name"]
    date_hierarchy = "decided_on"
    actions = ["release_selected", "expire_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="证件号码（遮蔽）")
    def masked(self, obj: Any) -> str:
        return selectors.masked_id(obj.id_type, obj.id_number) or "—"

    @admin.display(description="逾期公开", boolean=True)
    def late(self, obj: Any) -> bool:
        return obj.published_late

    @admin.action(description="审核发布所选的待处理决定")
    def release_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for obj in queryset:
            try:
                services.release(obj, by=request.user)
                done += 1
            except (Conflict, PermissionDenied, ValidationError) as e:
                self.message_user(request, f"{obj}：{_errors(e)}", messages.WARNING)
        self.message_user(request, f"已发布 {done} 件")

    @admin.action(description="下线公示期满的决定（每日任务亦会执行）")
    def expire_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.message_user(request, f"已下线 {services.expire()} 件")


@admin.register(LicenceDecision)
class LicenceDecisionAdmin(ReadOnlyDecisionAdmin):
    list_display = ["decision_no", "subject_name", "masked", "category_code", "decided_on", "status",
                    "published_on", "late"]  # fmt: skip
    exclude = ["id_number", "legal_rep_id_number"]


@admin.register(PenaltyDecision)
class PenaltyDecisionAdmin(ReadOnlyDecisionAdmin):
    list_display = ["decision_no", "subject_name", "masked", "heaviest_type", "decided_on", "status",
                    "published_on", "late", "publicity_until"]  # fmt: skip
    exclude = ["id_number", "legal_rep_id_number"]


@admin.register(CoercionDecision)
class CoercionDecisionAdmin(ServiceAdmin):
    list_display = ["decision_no", "kind", "measure", "subject_name", "decided_on", "org"]
    list_filter = ["kind", "org"]
    fields = ["org", "kind", "measure", "decision_no", "subject_name", "decided_on", "basis"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.record_coercion(by=request.user, org=data.pop("org"), data=data)


@admin.register(FeeItem)
class FeeItemAdmin(ServiceAdmin):
    list_display = ["name", "org"]
    fields = ["org", "name", "basis", "standard"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.save_fee_item(by=request.user, org=data.pop("org"), data=data)


@admin.register(FeeAmount)
class FeeAmountAdmin(ServiceAdmin):
    org_field = "item__org"
    list_display = ["item", "year", "month", "amount_wan"]
    list_filter = ["year"]
    fields = ["item", "year", "month", "amount_wan"]

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.set_fee_amount(by=request.user, **data)


@admin.register(LicensingIntake)
class LicensingIntakeAdmin(ServiceAdmin):
    list_display = ["org", "year", "applications", "accepted"]
    fields = ["org", "year", "applications", "accepted"]

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.set_licensing_intake(by=request.user, **data)


@admin.register(SpotCheckMatter)
class SpotCheckMatterAdmin(ServiceAdmin):
    list_display = ["name", "category", "importance", "method", "org"]
    fields = ["org", "name", "category", "content", "target_kind", "importance", "method", "basis"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.save_spot_matter(by=request.user, org=data.pop("org"), data=data)


@admin.register(Target)
class TargetAdmin(ServiceAdmin):
    list_display = ["name", "key", "org", "active"]
    search_fields = ["name", "key"]
    list_filter = ["org", "active"]
    fields = ["org", "name", "key", "legal_rep", "address", "contact"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.save_target(by=request.user, org=data.pop("org"), data=data)


@admin.register(Recusal)
class RecusalAdmin(ServiceAdmin):
    org_field = "target__org"
    list_display = ["target", "officer", "reason"]
    fields = ["target", "officer", "reason"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.add_recusal(by=request.user, **data)


@admin.register(Plan)
class PlanAdmin(ServiceAdmin):
    list_display = ["name", "org", "year", "ratio_percent", "inspectors_per_target", "state",
                    "seed_sha256", "committed_at"]  # fmt: skip
    list_filter = ["state", "year", "org"]
    fields = ["org", "matter", "name", "year", "ratio_percent", "ratio_reason",
              "inspectors_per_target", "inspectors", "check_ends_on"]  # fmt: skip
    filter_horizontal = ["inspectors"]
    actions = ["approve", "draw"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        inspectors = list(data.pop("inspectors"))
        return services.create_plan(by=request.user, org=data.pop("org"), matter=data.pop("matter"),
                                    data=data, inspectors=inspectors)  # fmt: skip

    def _each(self, request: HttpRequest, queryset: QuerySet, fn: Any, label: str) -> None:
        for plan in queryset:
            try:
                fn(plan, by=request.user)
                self.message_user(request, f"{plan}：已{label}")
            except (Conflict, PermissionDenied, ValidationError) as e:
                self.message_user(request, f"{plan}：{_errors(e)}", messages.WARNING)

    @admin.action(description="批准所选计划（生成并承诺随机种子）")
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.approve_plan, "批准")

    @admin.action(description="抽取所选计划（只能一次）")
    def draw(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.draw, "抽取")


@admin.register(Draw)
class DrawAdmin(ScopedAdmin):
    org_field = "plan__org"
    list_display = ["plan", "drawn_at", "replay_ok"]
    readonly_fields = ["plan", "drawn_at", "recusals", "drawn"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="复核一致", boolean=True)
    def replay_ok(self, obj: Draw) -> bool:
        return selectors.replay(obj)[0]


@admin.register(Result)
class ResultAdmin(ServiceAdmin):
    org_field = "draw__plan__org"
    list_display = ["target_name", "target_key", "draw", "checked_on", "outcome_code", "due_on",
                    "published_on"]  # fmt: skip
    fields = ["draw", "target_key", "checked_on", "outcome_code", "internal_note"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def run(self, request: HttpRequest, obj: Any, data: dict[str, Any], change: bool) -> Any:
        return services.record_result(
            data.pop("draw"), by=request.user, note=data.pop("internal_note"), **data
        )
