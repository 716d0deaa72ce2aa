"""Staff whose password is older than GONGKAI_PASSWORD_MAX_AGE_DAYS must change it first."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .services import password_expired

_ALLOWED = ("/admin/password_change/", "/admin/logout/", "/admin/login/", "/static/")


class PasswordExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith("/admin/")
            and not request.path.startswith(_ALLOWED)
            and password_expired(user)
        ):
            return redirect("/admin/password_change/")
        return self.get_response(request)
