"""The one API: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Every error has one shape, whatever raised it:
    {"error": {"status": 422, "code": "invalid", "message": "…", "fields": {"written_on": "…"}}}
"""

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.renderers import JSONRenderer

from gongkai.applications.api import router as applications_router
from gongkai.catalog.api import router as catalog_router
from gongkai.documents.api import router as documents_router
from gongkai.enforcement.api import router as enforcement_router
from gongkai.execution.api import router as execution_router
from gongkai.gazette.api import router as gazette_router
from gongkai.lib.apierrors import ErrorOut, error_statuses, has_nul
from gongkai.lib.errors import Conflict
from gongkai.lists.api import router as lists_router
from gongkai.monitoring.api import router as monitoring_router
from gongkai.opendata.api import router as opendata_router
from gongkai.organizations.api import router as organizations_router
from gongkai.participation.api import router as participation_router
from gongkai.search.api import router as search_router

log = logging.getLogger(__name__)


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # readable Chinese for people reading raw JSON


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="政务公开平台接口",
    version="1",
    description="已公开政府信息的只读接口（无需认证）与机构工作人员的写接口（个人令牌）。",
    urls_namespace="api-v1",
)
api.add_router("/", organizations_router)
api.add_router("/", documents_router)
api.add_router("/", search_router)
api.add_router("/", applications_router)
api.add_router("/", opendata_router)
api.add_router("/", participation_router)
api.add_router("/", enforcement_router)
api.add_router("/", lists_router)
api.add_router("/", execution_router)
api.add_router("/", gazette_router)
api.add_router("/", catalog_router)
api.add_router("/", monitoring_router)


def declare_errors(routers: list[Router]) -> None:
    """Every operation's OpenAPI lists the error answers it can give (in `ErrorOut`), by the rule
    in lib/apierrors.py; done on the routers before ninja binds them, so no route can miss it."""
    for router in routers:
        for view in router.path_operations.values():
            for op in view.operations:
                for status in error_statuses(
                    methods=op.methods, has_params=bool(op.models),
                    has_path_params=bool(op.signature.path_params_names),
                    needs_token=bool(op.auth_callbacks),
                ):  # fmt: skip
                    if status not in op.response_models:  # an app's own declaration wins
                        op.response_models[status] = op._create_response_model(ErrorOut)


declare_errors(
    [organizations_router, documents_router, search_router, applications_router,
     opendata_router, participation_router, enforcement_router, lists_router, execution_router, gazette_router, catalog_router, monitoring_router]
)  # fmt: skip

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
         429: "rate_limited", 500: "server_error"}  # fmt: skip


def error_response(status: int, message: str, fields: dict[str, str] | None = None) -> JsonResponse:
    body: dict[str, Any] = {
        "status": status,
        "code": CODES.get(status, "error"),
        "message": message,
    }
    if fields:
        body["fields"] = fields
    return JsonResponse({"error": body}, status=status, json_dumps_params={"ensure_ascii": False})


def _schema_error(request: HttpRequest, exc: Any) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [
            str(p)
            for p in err.get("loc", [])
            if p not in ("body", "payload", "query", "path", "form", "file")
        ]
        fields[".".join(loc) or "request"] = _pydantic_message(err)
    return error_response(
        422, "请求参数有误：" + "；".join(f"{k}：{v}" for k, v in fields.items()), fields
    )


def _pydantic_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind.startswith("date"):
        return "日期无效，应为 YYYY-MM-DD"
    if kind in ("int_parsing", "int_type"):
        return "应为整数"
    if kind == "missing":
        return "必填"
    if kind == "greater_than_equal":
        return f"应不小于 {err.get('ctx', {}).get('ge')}"
    if kind == "less_than_equal":
        return f"应不大于 {err.get('ctx', {}).get('le')}"
    if kind == "enum":
        return "取值无效：" + str(err.get("ctx", {}).get("expected", ""))
    return str(err.get("msg", "无效"))


def _validation(request: HttpRequest, exc: Any) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {k: "；".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        return error_response(422, "；".join(fields.values()), fields)
    return error_response(422, "；".join(exc.messages))


def _status(status: int, default: str) -> Any:
    def handler(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(status, str(exc) or default)

    return handler


def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    return error_response(exc.status_code, str(exc))


def _unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
    return error_response(401, "需要有效的接口令牌（Authorization: Bearer …）")


api.add_exception_handler(SchemaError, _schema_error)
api.add_exception_handler(ValidationError, _validation)
api.add_exception_handler(Http404, _status(404, "未找到"))
api.add_exception_handler(PermissionDenied, _status(403, "没有权限"))
api.add_exception_handler(Conflict, _status(409, "与当前状态冲突"))
api.add_exception_handler(AuthenticationError, _unauthenticated)
api.add_exception_handler(HttpError, _http_error)
# a multipart body without a boundary, or one past DATA_UPLOAD_MAX_MEMORY_SIZE (audit F9)
api.add_exception_handler(
    MultiPartParserError, lambda r, e: error_response(400, f"请求体不是有效的 multipart 表单：{e}")
)
api.add_exception_handler(RequestDataTooBig, _status(413, "请求体过大"))


def _server_error(request: HttpRequest, exc: Any) -> HttpResponse:
    log.exception("API error on %s", request.path)
    return error_response(500, "服务器内部错误，请稍后再试")


api.add_exception_handler(Exception, _server_error)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown paths under /api/ answer in the API's error shape, not an HTML page."""
    return error_response(404, "没有这个接口")


def _nul_in(request: HttpRequest) -> str:
    """Where a NUL character is in the path, the query or a JSON body ("" when nowhere); uploads
    are binary and may hold NUL bytes."""
    if "\x00" in request.path:
        return "path"
    for key, values in request.GET.lists():
        if has_nul(key) or has_nul(values):
            return key.replace("\x00", "") or "query"
    if request.content_type != "application/json":
        return ""
    try:
        raw = request.body
    except RequestDataTooBig:
        return ""  # the API's own 413
    if b"\\u0000" in raw:
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            return ""  # not JSON: the API's own 400/422
        if has_nul(body):
            return "body"
    return ""


class ApiErrorShapeMiddleware:
    """Errors under /api/ that Django or ninja answer in HTML (405, CSRF 403, 413 …) get the API's shape."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/v1/") and (where := _nul_in(request)):
            # PostgreSQL refuses NUL in text (DataError, a 500 found by schemathesis): say so first
            return error_response(
                422, f"{where} 含有 NUL 字符（\\0）", {where: "不能包含 NUL 字符"}
            )
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            messages = {405: "该接口不支持此请求方法", 403: "没有权限", 413: "请求内容过大"}
            shaped = error_response(
                response.status_code, messages.get(response.status_code, "请求无法处理")
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
