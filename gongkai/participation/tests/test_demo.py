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
    # issue 19 §1: at least 4 consultations (3 with feedback, one shortened with its reason, one
    # with 未采纳 items) and 8 published letters in two mailboxes
    assert lines and Consultation.objects.filter(status="published").count() >= 4
    assert Consultation.objects.filter(feedback_published_on__isnull=False).count() == 3
    assert Consultation.objects.exclude(shortened_reason="").exists()
    assert Consultation.objects.filter(groups__decision="not_adopted").distinct().count() >= 2
    published = Letter.objects.filter(is_published=True)
    assert published.count() == 8 and published.values("mailbox").distinct().count() == 2
    assert MajorDecision.objects.filter(status="published").count() == 1
    api = client.get("/api/v1/consultations").json()
    assert {i["status"] for i in api["items"]} == {"open", "feedback"}
    assert client.get("/api/v1/letters").json()["count"] == 8
    for path in (
        "/participation/",
        "/consultations/",
        "/mailbox/",
        "/mailbox/statistics/",
        "/decisions/",
    ):
        assert client.get(path).status_code == 200, path
    assert "13800138000" not in client.get("/api/v1/letters").content.decode()
