"""Staff whose password is older than GONGKAI_PASSWORD_MAX_AGE_DAYS must change it first; 429s
get their Retry-After."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .services import password_expired
from .throttle import RETRY_AFTER_ATTR

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


class RetryAfterMiddleware:
    """A 429 from a throttle (pages or API error shape) carries its Retry-After (RFC 9110)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        wait = getattr(request, RETRY_AFTER_ATTR, None)
        if response.status_code == 429 and wait and not response.has_header("Retry-After"):
            response["Retry-After"] = str(int(wait))
        return response
