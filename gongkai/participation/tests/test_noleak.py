"""Nothing non-public leaks: unpublished or withdrawn consultations, unmoderated and hidden
comments, commenters' and writers' personal data, unpublished letters and letters without the
writer's consent never appear on any public page or in the public API."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gongkai.accounts.permissions import SYSTEM
from gongkai.participation import services
from gongkai.participation.models import Letter

from .conftest import consultation, letter

pytestmark = pytest.mark.django_db

SECRETS = ["草稿征求意见标题", "撤回的征求意见", "待审核意见内容甲", "屏蔽意见内容乙", "评论人朱大明",
           "13700001111", "commenter@example.cn", "来信人钱多多", "13911112222", "writer@example.cn",
           "未公开来信标题", "不同意公开的来信", "未答复来信内容", "多多"]  # fmt: skip


def _world(org: Any) -> dict[str, Any]:
    today = timezone.localdate()
    past, future = today - dt.timedelta(days=60), today + dt.timedelta(days=40)
    consultation(org, title="草稿征求意见标题", opens=past, closes=future, publish=False)
    gone = consultation(org, title="撤回的征求意见", opens=past, closes=future)
    services.withdraw_consultation(gone, by=SYSTEM, reason="测试")
    c = consultation(org, title="公开的征求意见", opens=past, closes=today - dt.timedelta(days=1))
    kept = services.submit_comment(
        c, data={"name": "评论人朱大明", "contact": "13700001111 commenter@example.cn",
                 "body": "经审核可以展示的意见"}, today=past,
    )  # fmt: skip
    pending = services.submit_comment(
        c, data={"name": "评论人朱大明", "body": "待审核意见内容甲"}, today=past
    )
    hidden = services.submit_comment(c, data={"body": "屏蔽意见内容乙"}, today=past)
    services.moderate(kept, by=SYSTEM, action="review")
    services.moderate(hidden, by=SYSTEM, action="hide")
    open_c = consultation(org, title="开放中的征求意见", opens=past, closes=future)
    services.submit_comment(
        open_c, data={"name": "评论人朱大明", "body": "待审核意见内容甲"}, today=today
    )

    box = services.save_mailbox(by=SYSTEM, org=org, data={"code": "mayor", "name": "市长信箱"})
    who = {"name": "来信人钱多多", "phone": "13911112222", "email": "writer@example.cn"}

    def answered(**over: Any) -> Letter:
        x, _ = letter(box, past, **{**who, **over})
        services.accept(x, by=SYSTEM, today=past)
        services.draft_reply(x, by=SYSTEM, text="答复：来信人钱多多您好，已办理。", today=past)
        services.approve_reply(x, by=SYSTEM, today=past)
        return x

    published = answered(
        subject="公开的来信", content="来信人钱多多反映，电话13911112222，路灯坏了。"
    )
    services.publish_letter(published, by=SYSTEM)
    unpublished = answered(subject="未公开来信标题")
    refused = answered(subject="不同意公开的来信", consent_publish=False)
    letter(box, past, subject="未答复来信内容", content="未答复来信内容", **who)
    return {"c": c, "open_c": open_c, "published": published, "unpublished": unpublished,
            "refused": refused, "pending": pending}  # fmt: skip


def test_no_public_page_or_api_leaks(client: Client, org: Any) -> None:
    w = _world(org)
    pages = [
        "/participation/", "/consultations/", f"/consultations/{w['c'].pk}/",
        f"/consultations/{w['open_c'].pk}/", "/mailbox/", "/mailbox/?mailbox=mayor",
        f"/mailbox/letters/{w['published'].pk}/", "/mailbox/statistics/", "/decisions/",
        "/api/v1/consultations", "/api/v1/letters", "/api/v1/interpretations",
    ]  # fmt: skip
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        body = r.content.decode()
        leaked = [s for s in SECRETS if s in body]
        assert leaked == [], (path, leaked)
    detail = client.get(f"/consultations/{w['c'].pk}/").content.decode()
    assert "经审核可以展示的意见" in detail  # the moderated comment is shown, without its author
    published = client.get(f"/mailbox/letters/{w['published'].pk}/").content.decode()
    assert "路灯坏了" in published and "已办理" in published
    api = client.get("/api/v1/letters").json()
    assert [i["subject"] for i in api["items"]] == ["公开的来信"]
    assert not {"name", "phone", "email", "contact"} & set(api["items"][0])


def test_non_public_items_answer_404(client: Client, org: Any) -> None:
    w = _world(org)
    for x in (w["unpublished"], w["refused"]):
        assert client.get(f"/mailbox/letters/{x.pk}/").status_code == 404
    for c in (w["open_c"],):
        assert client.get(f"/consultations/{c.pk}/feedback/").status_code == 404
    from gongkai.participation.models import Consultation

    for c in Consultation.objects.exclude(status="published"):
        assert client.get(f"/consultations/{c.pk}/").status_code == 404
    services.unpublish_letter(w["published"], by=SYSTEM, reason="来信人要求撤下")
    assert client.get(f"/mailbox/letters/{w['published'].pk}/").status_code == 404
    assert client.get("/api/v1/letters").json()["count"] == 0


def test_hidden_comments_when_the_consultation_shows_none(client: Client, org: Any) -> None:
    w = _world(org)
    services.update_consultation(w["c"], by=SYSTEM, data={"show_comments": False})
    assert "经审核可以展示的意见" not in client.get(f"/consultations/{w['c'].pk}/").content.decode()
