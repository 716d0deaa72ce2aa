"""Back office for people, roles and API tokens. Role changes go through services (audited)."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from gongkai.audit.models import AuditEntry

from . import permissions, services
from .backends import client_ip
from .models import ApiToken, Membership, User
from .permissions import Action


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    verbose_name = "岗位"
    verbose_name_plural = "所在机构与角色"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return permissions.scope(
            super().get_queryset(request), request.user, Action.MANAGE, "organization"
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organization":
            from gongkai.organizations.models import Organization

            ids = permissions.org_ids(request.user, Action.MANAGE)
            qs = Organization.objects.filter(is_active=True)
            kwargs["queryset"] = qs if ids is None else qs.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manages_any(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manages_any(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manages_any(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_staff_anywhere(request.user)


def _manages_any(request: HttpRequest) -> bool:
    ids = permissions.org_ids(request.user, Action.MANAGE)
    return ids is None or bool(ids)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["full_name", "email"]}),
        (
            "状态",
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "password_changed_at",
                    "last_login",
                ]
            },
        ),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]})
    ]
    readonly_fields = ["password_changed_at", "last_login"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        ro = list(super().get_readonly_fields(request, obj))
        if not permissions.is_platform_admin(request.user):
            ro += ["is_superuser", "is_staff"]
        if obj is not None and not permissions.can_manage_person(request.user, obj):
            ro += ["username", "full_name", "email", "is_active"]
        return ro

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        ids = permissions.org_ids(request.user, Action.MANAGE)
        if ids is None:
            return qs
        # one filter then distinct: Django refuses to OR a distinct queryset (audit F8)
        return qs.filter(Q(memberships__organization_id__in=ids) | Q(pk=request.user.pk)).distinct()

    def _why_not(self, request: HttpRequest, person: User) -> str:
        from gongkai.organizations.models import Organization

        foreign = permissions.unmanaged_org_ids(request.user, person)
        names = "、".join(
            Organization.objects.filter(pk__in=foreign).values_list("name", flat=True)
        )
        if person.is_superuser:
            return "平台管理员的密码和状态只能由平台管理员修改。"
        return (
            f"{person} 还在您不管理的机构（{names}）担任角色：其密码、启用状态、姓名和邮箱"
            "只能由同时管理这些机构的管理员或平台管理员修改；您仍可调整其在本机构的角色。"
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        person = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and person is not None
            and not permissions.can_manage_person(request.user, person)
        ):
            messages.warning(request, self._why_not(request, person))
        return super().change_view(request, object_id, form_url, extra_context)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _manages_any(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manages_any(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _manages_any(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not permissions.is_platform_admin(request.user):
            return False
        return _manages_any(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people are deactivated, never deleted: the audit trail names them

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        person = self.get_object(request, id)
        if person is not None and not permissions.can_manage_person(request.user, person):
            messages.error(request, self._why_not(request, person))
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[person.pk]))
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            services.record_password_set(by=request.user, user=user, ip=client_ip(request))
        return response

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.is_staff = True
        services.save_user(by=request.user, user=obj, ip=client_ip(request))
        if "password" in form.changed_data or "password1" in form.changed_data:
            services.record_password_set(by=request.user, user=obj, ip=client_ip(request))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        ip = client_ip(request)
        # the services save, not formset.save(): the admin's change message still reads these
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for f in formset.forms:
            if not hasattr(f, "cleaned_data") or not f.cleaned_data:
                continue
            membership = f.instance
            if f.cleaned_data.get("DELETE"):
                if membership.pk:
                    services.revoke_role(by=request.user, membership=membership, ip=ip)
            elif f.has_changed() and f.cleaned_data.get("organization"):
                org = f.cleaned_data["organization"]
                if membership.pk and membership.organization_id != org.pk:
                    services.revoke_role(
                        by=request.user, membership=Membership.objects.get(pk=membership.pk), ip=ip
                    )
                services.grant_role(
                    by=request.user,
                    user=form.instance,
                    organization=org,
                    role=f.cleaned_data["role"],
                    ip=ip,
                )


class TokenAddForm(forms.ModelForm):
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=366, initial=90)

    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "user",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    actions = ["revoke"]
    readonly_fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = TokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return (
                ["user", "name", "days"]
                if permissions.is_platform_admin(request.user)
                else ["name", "days"]
            )
        return ["user", "name", *self.readonly_fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        return qs if permissions.is_platform_admin(request.user) else qs.filter(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_staff_anywhere(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_staff_anywhere(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_staff_anywhere(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        user = cast(User, form.cleaned_data.get("user") or request.user)
        token, raw = services.issue_token(
            by=request.user,
            user=user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
        )
        obj.pk = token.pk
        messages.warning(request, f"新令牌（只显示这一次，请立即复制保存）：{raw}")

    @admin.action(description="吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        for token in queryset:
            services.revoke_token(by=request.user, token=token)
        self.message_user(request, f"已吊销 {queryset.count()} 个令牌")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor", "action", "object_type", "object_id", "ip"]
    list_filter = ["action"]
    search_fields = ["actor", "object_id", "action"]
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        ids = permissions.org_ids(request.user, Action.MANAGE)
        return qs if ids is None else qs.filter(org_id__in=ids)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _manages_any(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return permissions.can(request.user, Action.MANAGE, obj.org_id)
        return _manages_any(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
