"""/interviews/<id>/ask/ (spec §6): a visitor asks while the interview is announced or running;
the question is stored unmoderated and never shown until moderated, the name and contact never;
throttled per address (GONGKAI_INTERVIEW_QUESTIONS_PER_HOUR → 429); CSRF; plain text; bad
input (empty, too long, a closed interview) is refused with a clear message and saves nothing."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.execution import services
from gongkai.execution.models import Interview, Question

from .conftest import at

pytestmark = pytest.mark.django_db


def _interview(
    org: Any, *, start: Any = None, publish: bool = True, title: str = "老旧小区改造在线访谈"
) -> Interview:
    start = start or at(2026, 6, 16, 9)  # today is 2026-06-15 10:00 (conftest)
    iv = services.schedule_interview(by=SYSTEM, org=org, data={
        "title": title, "announced_at": start - dt.timedelta(days=4), "starts_at": start,
        "ends_at": start.replace(hour=start.hour + 1)})  # fmt: skip
    if publish:
        services.publish_interview(iv, by=SYSTEM)
    return iv


def _post(client: Client, iv: Interview, **data: str) -> Any:
    return client.post(
        f"/interviews/{iv.pk}/ask/", {"question": "", "name": "", "contact": "", **data}
    )


def test_a_question_is_stored_unmoderated_and_the_asker_never_shown(lead: Any) -> None:
    iv = _interview(lead)
    client = Client()
    detail = client.get(f"/interviews/{iv.pk}/").content.decode()
    assert f'href="/interviews/{iv.pk}/ask/"' in detail  # open: the page offers the form
    form = client.get(f"/interviews/{iv.pk}/ask/")
    assert form.status_code == 200 and "csrfmiddlewaretoken" in form.content.decode()
    assert "您的问题" in form.content.decode() and "不公开" in form.content.decode()
    r = _post(client, iv, question="<b>改造</b>资金<script>alert(1)</script>怎么申请？",
              name="提问人孙小红", contact="13600003333")  # fmt: skip
    assert r.status_code == 200 and "问题已提交" in r.content.decode()
    q = Question.objects.get(interview=iv)
    assert q.status == Question.Status.PENDING
    assert q.question == "改造资金怎么申请？"  # plain text: the markup is gone
    assert (q.asker, q.asker_contact) == ("提问人孙小红", "13600003333")
    entry = AuditEntry.objects.get(action="execution.question.ask", object_id=str(q.pk))
    assert "13600003333" not in str(entry.after) and "孙小红" not in str(entry.after)
    assert entry.ip == "127.0.0.1"
    for url in (f"/interviews/{iv.pk}/", "/interviews/", "/api/v1/interviews", "/feeds/press/"):
        text = client.get(url).content.decode()
        assert "改造资金怎么申请" not in text and "孙小红" not in text, url
    services.moderate(q, by=SYSTEM, approve=True)
    text = client.get(f"/interviews/{iv.pk}/").content.decode()
    assert "改造资金怎么申请" in text
    assert "孙小红" not in text and "13600003333" not in text
    api = client.get("/api/v1/interviews").content.decode()
    assert "改造资金怎么申请" in api and "孙小红" not in api and "13600003333" not in api


@pytest.mark.parametrize(("data", "field_message"), [
    ({"question": "   "}, "请填写“您的问题”"),
    ({"question": "<p></p>"}, "问题不能为空"),
    ({"question": "问" * 2001}, "问题过长，请控制在 2000 字以内"),
    ({"question": "可以吗？", "name": "名" * 51}, "姓名过长"),
    ({"question": "可以吗？", "contact": "1" * 101}, "联系方式过长"),
])  # fmt: skip
def test_bad_input_is_refused_clearly_and_saves_nothing(
    lead: Any, data: dict[str, str], field_message: str
) -> None:
    iv = _interview(lead)
    r = _post(Client(), iv, **data)
    assert r.status_code == 422
    page = r.content.decode()
    assert field_message in page and "提交未成功" in page
    assert not Question.objects.exists()
    assert not AuditEntry.objects.filter(action="execution.question.ask").exists()


def test_a_closed_or_unpublished_interview_takes_no_question(lead: Any) -> None:
    ended = _interview(lead, start=at(2026, 6, 10, 9), title="已结束的访谈")
    client = Client()
    assert "我要提问" not in client.get(f"/interviews/{ended.pk}/").content.decode()
    page = client.get(f"/interviews/{ended.pk}/ask/").content.decode()
    assert "本次访谈已结束，不再接受提问" in page and "<textarea" not in page
    r = _post(client, ended, question="还能提问吗？")
    assert r.status_code == 422 and "本次访谈已结束，不再接受提问" in r.content.decode()
    draft = _interview(lead, publish=False, title="未发布的访谈")
    assert client.get(f"/interviews/{draft.pk}/ask/").status_code == 404
    assert _post(client, draft, question="还能提问吗？").status_code == 404
    assert not Question.objects.exists()


def test_questions_are_throttled_per_address(lead: Any, settings: Any) -> None:
    settings.GONGKAI_INTERVIEW_QUESTIONS_PER_HOUR = 2
    iv = _interview(lead)
    client = Client()
    assert _post(client, iv, question="第一个问题").status_code == 200
    assert _post(client, iv, question="").status_code == 422  # a refused try counts as well
    r = _post(client, iv, question="第三个问题")
    assert r.status_code == 429
    assert "提问过于频繁，请一小时后再试。" in r.content.decode()
    assert r["Retry-After"] == "3600"
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert _post(other, iv, question="另一地址的问题").status_code == 200
    assert list(Question.objects.order_by("id").values_list("question", flat=True)) == [
        "第一个问题", "另一地址的问题"]  # fmt: skip


def test_the_form_needs_its_csrf_token(lead: Any) -> None:
    iv = _interview(lead)
    client = Client(enforce_csrf_checks=True)
    assert _post(client, iv, question="没有令牌的问题").status_code == 403
    page = client.get(f"/interviews/{iv.pk}/ask/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    r = _post(client, iv, question="带令牌的问题", csrfmiddlewaretoken=token.group(1))
    assert r.status_code == 200
    assert list(Question.objects.values_list("question", flat=True)) == ["带令牌的问题"]
