"""Back office for the site settings (platform administrators only)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongkai.accounts import permissions
from gongkai.accounts.backends import client_ip

from .models import SiteSettings
from .selectors import forget_site_settings
from .services import save_site_settings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["site_name", "host", "site_code", "icp"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_platform_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_platform_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_platform_admin(request.user) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SiteSettings, form: Any, change: bool) -> None:
        save_site_settings(obj, by=request.user, ip=client_ip(request))
        forget_site_settings()
