"""Login with lock-out: after N failures within the window (default 5 in 15 minutes) the account
is refused from that address, even with the right password, until the window has passed; other
addresses may still sign in (audit F4). Every attempt is audited, except those an over-limit
address makes (accounts.throttle), which never reach the password check."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from . import services, throttle
from .addresses import client_ip

__all__ = ["LockoutModelBackend", "client_ip"]


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("username", "")
        if not username:
            return None
        if request is not None and throttle.retry_after(request, "login"):
            return None  # the login views answer 429 before this; a form that does not, fails
        ip = client_ip(request)
        if services.is_locked_out(username, ip=ip):
            services.login_failed(username, ip=ip, locked=True)
            throttle.note_failure(request, "login")
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            services.login_failed(username, ip=ip)
            throttle.note_failure(request, "login")
            return None
        services.login_succeeded(user, ip=ip)
        return user
