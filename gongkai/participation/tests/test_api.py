"""The public API of participation: documented, paged, errors in the one shape."""

from typing import Any

import pytest
from django.test import Client

from .conftest import D, consultation

pytestmark = pytest.mark.django_db


def test_openapi_documents_the_three_lists(client: Client) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert {"/api/v1/consultations", "/api/v1/letters", "/api/v1/interpretations"} <= set(paths)


def test_paging_and_bad_parameters(client: Client, org: Any) -> None:
    for i in range(3):
        consultation(org, title=f"草案{i}", opens=D(2025, 3, 1), closes=D(2025, 3, 31))
    r = client.get("/api/v1/consultations?size=2&page=2").json()
    assert r["count"] == 3 and len(r["items"]) == 1
    r = client.get("/api/v1/consultations?size=100000").json()
    assert len(r["items"]) == 3
    bad = client.get("/api/v1/letters?page=abc")
    assert bad.status_code == 422 and bad.json()["error"]["fields"]["page"] == "应为整数"
    assert client.post("/api/v1/consultations").status_code == 405
