"""API authentication: `Authorization: Bearer gk_…` per-user tokens (see services.issue_token)."""

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from . import throttle
from .services import authenticate_token


class TokenAuth(HttpBearer):
    openapi_description = "个人接口令牌（gongkai token create 生成，仅显示一次）"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # an address that sent too many bad tokens is refused before any lookup (audit F4)
        if throttle.retry_after(request, "token"):
            raise HttpError(429, "无效令牌尝试过于频繁，请稍后再试")
        user = authenticate_token(token)
        if user is None:
            throttle.note_failure(request, "token")
        else:
            request.user = user
        return user


token_auth = TokenAuth()
