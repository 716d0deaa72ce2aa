"""The back office: scoped by organisation through the permissions module, same services as the API."""

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.audit.models import AuditEntry
from gongkai.conftest import make_document, staff
from gongkai.documents.models import Document, InfoCategory

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_only_their_organisations_documents(org: Any, other_org: Any) -> None:
    mine = make_document(org, state="draft", title="本机构草稿")
    foreign = make_document(other_org, state="draft", title="外机构草稿")
    client = _login(staff(org, Role.EDITOR))
    listing = client.get("/admin/documents/document/").content.decode()
    assert "本机构草稿" in listing and "外机构草稿" not in listing
    assert client.get(f"/admin/documents/document/{mine.pk}/change/").status_code == 200
    missing = client.get("/admin/documents/document/999999/change/")
    hidden = client.get(f"/admin/documents/document/{foreign.pk}/change/")
    assert (
        hidden.status_code == missing.status_code == 302
    )  # Django's "doesn't exist" redirect, for both
    history = [
        client.get(f"/admin/documents/document/{pk}/history/") for pk in (foreign.pk, 999999)
    ]
    assert history[0].status_code == history[1].status_code and history[0].url == history[1].url


def test_drafting_in_the_admin_goes_through_the_services(org: Any, other_org: Any) -> None:
    client = _login(staff(org, Role.EDITOR))
    notice = InfoCategory.objects.get(code="notice")
    form = {
        "org": org.pk, "title": "后台起草的通知", "category": notice.pk, "body_html": "<p>正文<script>x</script></p>",
        "doc_number": "示发改[2025]1号", "disclosure_attribute": "active", "disclosure_method": "政府网站",
        "disclosure_scope": "public", "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post("/admin/documents/document/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    doc = Document.objects.get(title="后台起草的通知")
    assert (
        doc.doc_number == "示发改〔2025〕1号" and "script" not in doc.body_html and doc.version == 1
    )
    assert AuditEntry.objects.filter(action="document.create", object_id=str(doc.pk)).exists()
    # an organisation outside the editor's scope is not a valid choice
    response = client.post(
        "/admin/documents/document/add/", {**form, "org": other_org.pk, "title": "越权"}
    )
    assert response.status_code == 200 and not Document.objects.filter(title="越权").exists()
    # a field the services refuse shows on the form, not as a server error
    response = client.post(
        "/admin/documents/document/add/",
        {**form, "title": "缺理由", "disclosure_attribute": "withheld"},
    )
    assert response.status_code == 200 and "必须说明理由" in response.content.decode()


def test_lifecycle_actions_use_the_services(org: Any) -> None:
    doc = make_document(org, state="pending")
    editor_client = _login(staff(org, Role.EDITOR))
    editor_client.post(
        "/admin/documents/document/", {"action": "publish_selected", "_selected_action": [doc.pk]}
    )
    doc.refresh_from_db()
    assert doc.status == "pending"  # editors cannot publish
    reviewer_client = _login(staff(org, Role.REVIEWER))
    reviewer_client.post(
        "/admin/documents/document/", {"action": "publish_selected", "_selected_action": [doc.pk]}
    )
    doc.refresh_from_db()
    assert doc.status == "published" and doc.index_no
    reviewer_client.post(
        "/admin/documents/document/", {"action": "withdraw_selected", "_selected_action": [doc.pk]}
    )
    doc.refresh_from_db()
    assert doc.status == "published"  # asks for a reason first
    reviewer_client.post(
        "/admin/documents/document/",
        {"action": "withdraw_selected", "_selected_action": [doc.pk], "reason": "信息已过时"},
    )
    doc.refresh_from_db()
    assert doc.status == "withdrawn"
    assert AuditEntry.objects.get(action="document.withdraw").after["reason"] == "信息已过时"


def test_admin_is_in_chinese(org: Any) -> None:
    client = _login(staff(org, Role.EDITOR))
    page = client.get("/admin/").content.decode()
    assert "政务公开平台" in page and "政府信息" in page


def test_a_category_renamed_in_the_admin_is_audited_and_shows_at_once(org: Any) -> None:
    from gongkai.conftest import UserFactory

    doc = make_document(org, title="关于春季防火的通知")
    public = Client()
    before = public.get(f"/documents/{doc.pk}/")
    assert "<td>通知</td>" in before.content.decode()
    notice = InfoCategory.objects.get(code="notice")
    admin = _login(UserFactory(is_superuser=True))
    form = {"code": "notice", "name": "通知文件", "order": notice.order}
    response = admin.post(f"/admin/documents/infocategory/{notice.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(action="infocategory.save").get()
    assert entry.after == {"name": "通知文件"}
    # the public version moved: the stored page and its fragments are rendered anew
    after = public.get(f"/documents/{doc.pk}/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "<td>通知文件</td>" in after.content.decode()
    # organisation administrators do not change reference data
    _login(staff(org, Role.ADMIN)).post(
        f"/admin/documents/infocategory/{notice.pk}/change/", {**form, "name": "改名"}
    )
    assert InfoCategory.objects.get(pk=notice.pk).name == "通知文件"
