"""Login with lock-out: after N failures within the window (default 5 in 15 minutes) the account
is refused, even with the right password, until the window has passed. Every attempt is audited."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from . import services


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


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
        ip = client_ip(request)
        if services.is_locked_out(username):
            services.login_failed(username, ip=ip, locked=True)
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            services.login_failed(username, ip=ip)
            return None
        services.login_succeeded(user, ip=ip)
        return user
