"""The demo content builds through the services and shows on the public pages."""

from typing import Any

import pytest
from django.test import Client

from gongkai.participation import demo
from gongkai.participation.models import Consultation, Letter, MajorDecision

pytestmark = pytest.mark.django_db


def test_demo_builds_and_renders(client: Client, org: Any, other_org: Any) -> None:
    lines: list[str] = []
    demo.build({"city": org, "fgw": org, "jyj": other_org}, out=lines.append)
    assert lines and Consultation.objects.filter(feedback_published_on__isnull=False).count() == 1
    assert Letter.objects.filter(is_published=True).count() == 2
    assert MajorDecision.objects.filter(status="published").count() == 1
    api = client.get("/api/v1/consultations").json()
    assert {i["status"] for i in api["items"]} == {"open", "feedback"}
    assert client.get("/api/v1/letters").json()["count"] == 2
    for path in (
        "/participation/",
        "/consultations/",
        "/mailbox/",
        "/mailbox/statistics/",
        "/decisions/",
    ):
        assert client.get(path).status_code == 200, path
    assert "13800138000" not in client.get("/api/v1/letters").content.decode()
