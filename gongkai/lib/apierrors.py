"""The API's error shape as a schema, and which error answers an operation can give, so that the
OpenAPI declares them (schemathesis's status_code_conformance; outside-tools report §3 counted
74 undeclared 401/404/422). `gongkai/api.py` applies `error_statuses` to every operation; an app
declares an answer the rule cannot see (403 of 有条件开放 rows, 429 of a throttled lookup) in its
own `response={…: ErrorOut}`. Plain pydantic, so every app may import it."""

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    status: int = Field(description="HTTP 状态码")
    code: str = Field(
        description="bad_request、unauthorized、forbidden、not_found、conflict、invalid …"
    )
    message: str = Field(description="给人看的说明")
    fields: dict[str, str] | None = Field(default=None, description="出错的字段及其说明")


class ErrorOut(BaseModel):
    error: ErrorBody


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def error_statuses(
    *, methods: list[str], has_params: bool, has_path_params: bool, needs_token: bool
) -> list[int]:
    """The error answers that arise from how an operation is declared:
    401/403 from the token and the role check, 404 from a lookup by a path key, 422 from
    validating its parameters, and for a write 400 (body not JSON or multipart without a
    boundary), 409 (the services refuse in this state), 413 (body too large) and 422 (the
    services' ValidationError)."""
    out: set[int] = set()
    if needs_token:
        out |= {401, 403}
    if has_path_params:
        out.add(404)
    if has_params:
        out.add(422)
    if WRITE_METHODS & set(methods):
        out |= {400, 409, 413, 422}
    return sorted(out)


def has_nul(value: Any) -> bool:
    """A NUL character anywhere in a decoded parameter: PostgreSQL text cannot hold one, so both
    APIs refuse it as input (422 / CKAN Validation Error) rather than fail in the database."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False
