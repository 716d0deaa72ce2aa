"""The reviewers' archive audit page: their organisations only, identifiers shown masked."""

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.conftest import make_document, staff
from gongkai.documents.models import Document

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"


def test_a_reviewer_finds_legacy_items_with_personal_information(org: Any, other_org: Any) -> None:
    legacy = make_document(org, title="某某事项公示")
    clean = make_document(org, title="干净的通知")
    # an item published before review existed: its body still holds an identity number
    Document.objects.filter(pk=legacy.pk).update(body_html=f"<p>当事人身份证号{ID}</p>")
    foreign = make_document(other_org, title="外机构公示")
    Document.objects.filter(pk=foreign.pk).update(body_html=f"<p>身份证号{ID}</p>")
    client = Client()
    client.force_login(staff(org, Role.REVIEWER))
    page = client.get(f"/staff/review/archive/?org={org.code}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "某某事项公示" in text and "干净的通知" not in text and "共 1 条" in text
    assert ID not in text and ID[-4:] in text  # shown masked
    assert client.get(f"/staff/review/archive/?org={other_org.code}").status_code == 404
    assert "外机构" not in client.get("/staff/review/archive/").content.decode()
    assert Client().get(f"/staff/review/archive/?org={org.code}").status_code == 302  # login first
    assert clean.status == "published"
