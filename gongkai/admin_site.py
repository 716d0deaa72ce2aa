"""The staff back office: Django's admin in Chinese, with password changes and logouts audited.

Every ModelAdmin scopes its rows through `gongkai.accounts.permissions`; see each app's admin.py.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from gongkai.accounts import throttle
from gongkai.accounts.backends import client_ip
from gongkai.accounts.services import logged_out
from gongkai.audit.services import record


class GongkaiAdminSite(admin.AdminSite):
    site_header = "政务公开平台 · 管理后台"
    site_title = "政务公开平台"
    index_title = "工作台"
    index_template = "portal/admin_index.html"  # the admin's app list plus the staff pages below

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def login(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # an address over its failure limit is refused before the password is checked (audit F4)
        if request.method == "POST" and (wait := throttle.retry_after(request, "login")):
            context = {**self.each_context(request), "minutes": -(-wait // 60)}
            response = TemplateResponse(
                request, "accounts/login_throttled.html", context, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        return super().login(request, extra_context)

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            record(
                "user.password_change", actor=request.user, obj=request.user, ip=client_ip(request)
            )
        return response

    def logout(self, request: HttpRequest, extra_context: Any = None) -> Any:
        if request.method == "POST":
            logged_out(request.user, ip=client_ip(request))
        return super().logout(request, extra_context)
