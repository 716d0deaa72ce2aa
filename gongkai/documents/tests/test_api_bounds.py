"""Replays of the API requests in shared/reports/security-audit-2026-12.md F9 and
outside-tools-2026-12.md §2 that answered 500: each now gets a 4xx in the API's error shape, and
the OpenAPI states the integer bounds."""

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.conftest import make_document, staff, token_client
from gongkai.lib.bounds import OFFSET_MAX, PAGE_MAX

pytestmark = pytest.mark.security

HUGE = "9223372036854775807"


def _error(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.content[:300]
    body = r.json()
    assert body["error"]["status"] == status and body["error"]["message"]
    return body


@pytest.mark.parametrize("path", ["/api/v1/documents", "/api/v1/letters", "/api/v1/consultations",
                                  "/api/v1/search", "/api/v1/datasets"])  # fmt: skip
@pytest.mark.parametrize("page", [HUGE, "0", "-1"])
def test_page_numbers_out_of_range_are_422(db: Any, client: Client, path: str, page: str) -> None:
    params = {"page": page, "q": "通知"} if path.endswith("search") else {"page": page}
    fields = _error(client.get(path, params), 422)["error"]["fields"]
    assert fields["page"] == ("应不大于 1000000" if page == HUGE else "应不小于 1")


def test_the_last_page_in_range_still_answers(db: Any, client: Client) -> None:
    r = client.get("/api/v1/documents", {"page": PAGE_MAX})
    assert r.status_code == 200 and r.json()["items"] == []


def test_a_huge_offset_is_422_not_a_database_error(org: Any) -> None:
    client, auth = token_client(staff(org, Role.ADMIN))
    r = client.get(
        "/api/v1/staff/applications", {"offset": "9223372036854775808", "limit": 10}, **auth
    )
    _error(r, 422)
    r = client.get("/api/v1/staff/applications", {"offset": OFFSET_MAX, "limit": 10}, **auth)
    assert r.status_code == 200 and r.json() == []


def test_multipart_without_a_boundary_is_400(org: Any) -> None:
    doc = make_document(org, state="draft")
    client, auth = token_client(staff(org, Role.EDITOR))
    r = client.post(
        f"/api/v1/documents/{doc.pk}/attachments", data=b"--x\r\n\r\n",
        content_type="multipart/form-data", **auth,
    )  # fmt: skip
    assert "multipart" in _error(r, 400)["error"]["message"]


def test_calendar_arithmetic_past_year_9999_is_409(db: Any, client: Client) -> None:
    r = client.get("/api/v1/calendar/add-working-days", {"start": "9999-12-31", "days": 1000})
    _error(r, 409)


def test_openapi_states_the_bounds(db: Any, client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/documents"]["get"]["parameters"]}
    assert params["page"]["schema"]["minimum"] == 1
    assert params["page"]["schema"]["maximum"] == PAGE_MAX
    staff_params = spec["paths"]["/api/v1/staff/applications"]["get"]["parameters"]
    offset = next(p for p in staff_params if p["name"] == "offset")
    assert offset["schema"]["maximum"] == OFFSET_MAX


def test_a_long_attachment_name_is_cut_keeping_its_extension(org: Any) -> None:
    """Audit F7: a 300-character name (cut to 255 by Django's parser) did not fit the 200-character
    column: PostgreSQL refused the insert, SQLite stored it unchecked."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.documents.models import Attachment

    doc = make_document(org, state="draft")
    client, auth = token_client(staff(org, Role.EDITOR))
    r = client.post(
        f"/api/v1/documents/{doc.pk}/attachments",
        {"file": SimpleUploadedFile("附" * 300 + ".pdf", b"%PDF-1.5 x")}, **auth,
    )  # fmt: skip
    assert r.status_code == 201, r.content[:300]
    stored = Attachment.objects.get(document=doc)
    assert len(stored.name) == Attachment.NAME_MAX and stored.name.endswith("附.pdf")


def test_openapi_declares_the_error_answers(db: Any, client: Client) -> None:
    """Outside-tools report §3: 74 undeclared 401/404/422. Every operation now lists them, in
    the one error shape; and a real 401/404/422 carries that shape."""
    spec = client.get("/api/v1/openapi.json").json()
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    assert spec["components"]["schemas"]["ErrorOut"]["required"] == ["error"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            where = f"{method.upper()} {path}"
            if op.get("security"):
                assert {"401", "403"} <= codes, where
            if "{" in path:
                assert "404" in codes, where
            if op.get("parameters") or op.get("requestBody"):
                assert "422" in codes, where
            if method in ("post", "patch"):
                assert {"400", "409", "413"} <= codes, where
            for code in codes - {"200", "201", "202", "204"}:  # a 204 has no body
                assert op["responses"][code]["content"]["application/json"]["schema"] == error_ref
    data = spec["paths"]["/api/v1/data/{resource_id}"]["get"]["responses"]
    assert "403" in data  # 有条件开放 rows without a key: declared by the app itself
    assert "429" in spec["paths"]["/api/v1/applications/progress"]["post"]["responses"]
    _error(client.get("/api/v1/staff/applications"), 401)
    _error(client.get("/api/v1/organizations/no-such-org"), 404)
    _error(client.get("/api/v1/documents", {"page": "x"}), 422)


def test_a_year_past_9999_is_422(db: Any, client: Client) -> None:
    """Found by the schemathesis run (gongkai/tests/test_openapi_fuzz.py): it was a 500."""
    body = _error(client.get("/api/v1/documents", {"year": "8744446927634"}), 422)
    assert "year" in body["error"]["fields"]
    assert client.get("/api/v1/documents", {"year": "2020"}).status_code == 200


def test_a_nul_character_is_422_not_a_database_error(org: Any) -> None:
    """Found by the schemathesis run on PostgreSQL (`/api/v1/negative-list?org=%00`): text
    fields cannot hold NUL there, and the DataError was a 500."""
    doc = make_document(org, state="draft")
    client, auth = token_client(staff(org, Role.ADMIN))
    body = _error(client.get("/api/v1/negative-list", {"org": "a\x00b"}), 422)
    assert body["error"]["fields"] == {"org": "不能包含 NUL 字符"}
    _error(client.get("/api/v1/organizations/a%00b"), 422)
    _error(client.get("/api/v1/search", {"q": "通知\x00"}), 422)
    r = client.patch(f"/api/v1/documents/{doc.pk}", '{"title": "标题\\u0000"}',
                     content_type="application/json", **auth)  # fmt: skip
    assert _error(r, 422)["error"]["fields"] == {"body": "不能包含 NUL 字符"}
    doc.refresh_from_db()
    assert "\x00" not in doc.title
    r = client.patch(f"/api/v1/documents/{doc.pk}", '{"title": "标题\\\\u0000"}',
                     content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 200  # an escaped backslash before "u0000" is no NUL
