"""新闻发布会 (spec §5: quarterly counts against targets) and 在线访谈 (§6: 3-day notice, moderated
questions without the asker, follow-ups due 5 working days after the end)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document
from gongkai.execution import services

from .conftest import D, at

pytestmark = pytest.mark.django_db


def press(org: Any, held: Any, publish: bool = True, **kw: Any) -> Any:
    docs = kw.pop("documents_", None)
    pc = services.record_press(by=SYSTEM, org=org, documents_=docs, data={
        "title": kw.pop("title", "新闻发布会"), "held_at": held, "speakers": ["张局长", "李处长"],
        "transcript": "实录", "photos": "https://example.cn/1.jpg", **kw})  # fmt: skip
    if publish:
        services.publish_press(pc, by=SYSTEM)
    return pc


def test_press_conferences_and_quarterly_targets(lead: Any, co: Any, settings: Any) -> None:
    settings.GONGKAI_EXECUTION = {"PRESS_QUARTERLY_TARGETS": {lead.code: 1}}
    press(lead, at(2026, 1, 10, 10))
    press(lead, at(2026, 3, 31, 23, 30))  # Beijing time: still Q1
    press(co, at(2026, 4, 1, 0, 30))  # Q2 in Beijing, March 31 in UTC
    press(co, at(2026, 5, 1, 10), publish=False, title="未发布的发布会")
    client = Client()
    body = client.get("/api/v1/press-conferences?year=2026").json()
    assert body["count"] == 3 and "未发布的发布会" not in str(body)
    assert body["items"][0]["speakers"] == ["张局长", "李处长"]
    assert body["items"][0]["held_at"] == "2026-04-01T00:30:00+08:00"
    rows = client.get("/api/v1/press-conferences/quarterly?year=2026").json()["items"]
    got = {(r["org"], r["quarter"]): (r["count"], r["target"]) for r in rows}
    assert got[(lead.name, 1)] == (2, 1) and got[(lead.name, 2)] == (0, 1)
    assert got[(co.name, 2)] == (1, 0)
    assert client.get("/press/").status_code == 200


def test_press_shows_only_public_documents(lead: Any) -> None:
    shown = make_document(lead, title="发布的政策文件")
    hidden = make_document(lead, state="draft", title="草稿政策文件")
    pc = press(lead, at(2026, 6, 1, 10), documents_=[shown, hidden])
    html = Client().get(f"/press/{pc.pk}/").content.decode()
    assert "发布的政策文件" in html and "草稿政策文件" not in html


def _interview(org: Any, announced: Any = None) -> Any:
    return services.schedule_interview(by=SYSTEM, org=org, data={
        "title": "优化营商环境在线访谈", "announced_at": announced or at(2026, 9, 20, 9),
        "starts_at": at(2026, 9, 25, 9), "ends_at": at(2026, 9, 25, 10), "guests": "王局长"})  # fmt: skip


def test_interview_needs_three_days_notice(lead: Any) -> None:
    with pytest.raises(ValidationError) as e:
        _interview(lead, announced=at(2026, 9, 23, 9))
    assert "announced_at" in e.value.message_dict


def test_interview_questions_are_moderated_and_anonymous(lead: Any) -> None:
    iv = _interview(lead)
    live = services.ask(iv, question="企业开办要几天？", asker="赵大海", contact="13700002222")
    later = services.ask(iv, question="窗口能否延时服务？", asker="赵大海")
    services.ask(iv, question="未审核的提问", asker="赵大海")
    hidden = services.ask(iv, question="被屏蔽的提问")
    for q in (live, later):
        services.moderate(q, by=SYSTEM, approve=True)
    services.moderate(hidden, by=SYSTEM, approve=False)
    services.answer(live, by=SYSTEM, text="一个工作日。", on=D(2026, 9, 25), live=True)
    services.answer(later, by=SYSTEM, text="已试行。", on=D(2026, 9, 30))
    services.publish_interview(iv, by=SYSTEM, transcript="主持人：欢迎。")
    client = Client()
    item = client.get("/api/v1/interviews").json()["items"][0]
    assert [q["question"] for q in item["questions"]] == ["企业开办要几天？", "窗口能否延时服务？"]
    # 2026-09-25 is 中秋 (a holiday): 09-28, 29, 30, 10-08, 10-09 → due 10-09 across 国庆
    assert item["questions"][1]["due_on"] == "2026-10-09" and item["questions"][0]["due_on"] is None
    for text in (str(item), client.get(f"/interviews/{iv.pk}/").content.decode(),
                 client.get("/interviews/").content.decode()):  # fmt: skip
        assert "赵大海" not in text and "13700002222" not in text
        assert "未审核的提问" not in text and "被屏蔽的提问" not in text
