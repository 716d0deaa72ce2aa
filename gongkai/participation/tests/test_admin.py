"""The back office: scoped lists, actions through services, departments see their letters only."""

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.conftest import OrganizationFactory, staff
from gongkai.participation import services
from gongkai.participation.models import Comment, Consultation, Letter

from .conftest import D, consultation, letter

pytestmark = pytest.mark.django_db


def test_lists_open_for_staff(client: Client, org: Any, mailbox: Any, editor: Any) -> None:
    client.force_login(editor)
    models = ("consultation", "comment", "mailbox", "letter", "replytemplate", "majordecision",
              "importantpolicy")  # fmt: skip
    for model in models:
        assert client.get(f"/admin/participation/{model}/").status_code == 200, model


def test_letter_actions_and_department_scope(
    client: Client, org: Any, mailbox: Any, editor: Any
) -> None:
    dept = OrganizationFactory(parent=org, name="测试市停车管理中心")
    handler = staff(dept, Role.EDITOR)
    x, _ = letter(mailbox, D(2025, 3, 3))
    client.force_login(editor)
    page = client.get(f"/admin/participation/letter/{x.pk}/change/").content.decode()
    assert "13912345678" in page and "受理" in page  # staff of the mailbox see the writer
    r = client.post(f"/admin/participation/letter/{x.pk}/act/accept/", {})
    assert r.status_code == 302
    r = client.post(
        f"/admin/participation/letter/{x.pk}/act/assign/", {"department": dept.pk, "note": ""}
    )
    assert r.status_code == 302
    x.refresh_from_db()
    assert x.status == "assigned" and x.department == dept
    r = client.post(f"/admin/participation/letter/{x.pk}/act/approve/", {})
    assert r.status_code == 200 and "没有审核权限" in r.content.decode()  # refused, explained
    other, _ = letter(mailbox, D(2025, 3, 3), subject="别的信")
    client.force_login(handler)
    listing = client.get("/admin/participation/letter/").content.decode()
    assert x.tracking_no in listing and other.tracking_no not in listing
    assert client.get(f"/admin/participation/letter/{other.pk}/change/").status_code in (302, 404)
    r = client.post(f"/admin/participation/letter/{x.pk}/act/reply/", {"text": "已处理。"})
    assert r.status_code == 302
    assert Letter.objects.get(pk=x.pk).status == "replied"


def test_comment_moderation_action_and_consultation_admin(
    client: Client, org: Any, editor: Any
) -> None:
    c = consultation(org, opens=D(2025, 3, 1), closes=D(2025, 3, 31))
    a = services.submit_comment(c, data={"body": "意见一"}, today=D(2025, 3, 2))
    client.force_login(editor)
    r = client.post(
        "/admin/participation/comment/", {"action": "mark_reviewed", "_selected_action": [a.pk]}
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Comment.Status.REVIEWED and a.moderated_by == editor
    r = client.post("/admin/participation/consultation/add/", {
        "org": org.pk, "title": "新草案", "kind": "major_decision", "draft_html": "<p>正文</p>",
        "opens_on": "2025-05-01", "closes_on": "2025-05-10", "shortened_reason": "",
    })  # fmt: skip
    assert r.status_code == 200 and "不少于30日" in r.content.decode()
    r = client.post("/admin/participation/consultation/add/", {
        "org": org.pk, "title": "新草案", "kind": "major_decision", "draft_html": "<p>正文</p>",
        "opens_on": "2025-05-01", "closes_on": "2025-05-31", "shortened_reason": "",
    })  # fmt: skip
    assert r.status_code == 302 and Consultation.objects.filter(title="新草案").exists()


def test_marking_an_important_policy(client: Client, org: Any, editor: Any) -> None:
    from gongkai.conftest import make_document
    from gongkai.participation.models import ImportantPolicy

    doc = make_document(org, title="关于稳就业的若干措施")
    client.force_login(editor)
    r = client.post("/admin/participation/importantpolicy/add/", {"document": doc.pk})
    assert r.status_code == 302 and ImportantPolicy.objects.get().document == doc
