"""API authentication: `Authorization: Bearer gk_…` per-user tokens (see services.issue_token)."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from .services import authenticate_token


class TokenAuth(HttpBearer):
    openapi_description = "个人接口令牌（gongkai token create 生成，仅显示一次）"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()
