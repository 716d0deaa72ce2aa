"""Consultation on drafts: the period rule, comments and their moderation, the feedback and the
export."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.conftest import staff
from gongkai.lib.errors import Conflict
from gongkai.participation import selectors, services
from gongkai.participation.models import Comment, FeedbackGroup

from .conftest import D, consultation

pytestmark = pytest.mark.django_db


def test_major_decision_drafts_stay_open_thirty_days_unless_a_reason_is_given(org: Any) -> None:
    with pytest.raises(ValidationError) as e:
        consultation(org, kind="major_decision", opens=D(2025, 3, 1), closes=D(2025, 3, 29))
    assert "不少于30日" in str(e.value) and "shortened_reason" in e.value.message_dict
    ok = consultation(org, kind="major_decision", opens=D(2025, 3, 1), closes=D(2025, 3, 30))
    assert ok.pk  # 30 days inclusive
    short = consultation(org, kind="major_decision", opens=D(2025, 3, 1), closes=D(2025, 3, 10),
                         shortened_reason="防汛工作紧迫，须在汛期前出台")  # fmt: skip
    assert short.shortened_reason.startswith("防汛")


def test_minimum_is_configurable(org: Any, settings: Any) -> None:
    settings.GONGKAI_CONSULTATION_MIN_DAYS = 45
    with pytest.raises(ValidationError, match="不少于45日"):
        consultation(org, kind="rule", opens=D(2025, 3, 1), closes=D(2025, 4, 1))


def test_normative_documents_count_working_days_across_a_holiday(org: Any) -> None:
    # 2024-10-01..07 National Day; 7 calendar days from 09-30 hold only 1 working day
    with pytest.raises(ValidationError, match="7个工作日"):
        consultation(org, kind="normative", opens=D(2024, 9, 30), closes=D(2024, 10, 8))
    ok = consultation(org, kind="normative", opens=D(2024, 9, 30), closes=D(2024, 10, 14))
    assert ok.pk


def test_a_period_into_a_year_without_a_schedule_is_checked_provisionally(org: Any) -> None:
    # 12/28–1/15 on the model: 12/28–31 (4), 1/1 元旦, 1/4–8, 1/11–15 → 14 working days: enough.
    c = consultation(org, kind="normative", opens=D(2026, 12, 28), closes=D(2027, 1, 15))
    assert c.pk and services.period_basis(c.kind, c.opens_on, c.closes_on).startswith(
        "暂定：2027 年节假日安排尚未录入"
    )
    # Too short on the model: refused, and the message says the count is provisional.
    with pytest.raises(ValidationError, match="暂定：2027 年") as e:
        consultation(org, kind="normative", opens=D(2026, 12, 30), closes=D(2027, 1, 5))
    assert "shortened_reason" in e.value.message_dict
    assert services.period_basis("normative", D(2026, 3, 2), D(2026, 3, 31)) == ""


def test_comments_only_while_open_and_duplicates_refused(org: Any) -> None:
    c = consultation(org, opens=D(2025, 3, 1), closes=D(2025, 3, 31))
    with pytest.raises(Conflict, match="不在征求意见期内"):
        services.submit_comment(c, data={"body": "早了"}, today=D(2025, 2, 28))
    with pytest.raises(Conflict):
        services.submit_comment(c, data={"body": "晚了"}, today=D(2025, 4, 1))
    services.submit_comment(c, data={"body": "建议 增加 数据目录"}, today=D(2025, 3, 31))
    with pytest.raises(ValidationError, match="已经提交过"):
        services.submit_comment(c, data={"body": "建议增加数据目录 "}, today=D(2025, 3, 5))
    with pytest.raises(ValidationError, match="意见内容过长"):
        services.submit_comment(c, data={"body": "长" * 5001}, today=D(2025, 3, 5))
    assert Comment.objects.count() == 1
    assert AuditEntry.objects.filter(action="comment.submit").count() == 1


def test_unpublished_consultation_takes_no_comments(org: Any) -> None:
    c = consultation(org, opens=D(2025, 3, 1), closes=D(2025, 3, 31), publish=False)
    with pytest.raises(Conflict):
        services.submit_comment(c, data={"body": "意见"}, today=D(2025, 3, 5))


def _closed_with_comments(org: Any) -> Any:
    c = consultation(org, opens=D(2025, 3, 1), closes=D(2025, 3, 31))
    a = services.submit_comment(c, data={"name": "朱小明", "contact": "13912345678",
                                         "article": "第三条", "body": "建议明确开放范围"},
                                today=D(2025, 3, 2))  # fmt: skip
    b = services.submit_comment(
        c, data={"name": "李四", "body": "建议删除收费条款"}, today=D(2025, 3, 3)
    )
    spam = services.submit_comment(c, data={"body": "广告 http://spam"}, today=D(2025, 3, 4))
    return c, a, b, spam


def test_moderation_records_the_moderator_and_feedback_needs_every_comment_handled(
    org: Any, editor: Any, reviewer: Any
) -> None:
    c, a, b, spam = _closed_with_comments(org)
    with pytest.raises(Conflict, match="截止"):
        services.save_group(c, by=editor, summary="开放范围", decision="adopted",
                            comment_ids=[a.pk], today=D(2025, 3, 31))  # fmt: skip
    services.moderate(a, by=editor, action="review")
    assert a.moderated_by == editor and a.moderated_at is not None
    services.moderate(spam, by=editor, action="hide")
    day = D(2025, 4, 2)
    with pytest.raises(Conflict, match="未审核"):
        services.publish_feedback(c, by=reviewer, today=day)
    services.moderate(b, by=editor, action="review")
    with pytest.raises(ValidationError, match="须说明理由"):
        services.save_group(c, by=editor, summary="删除收费条款", decision="not_adopted",
                            comment_ids=[b.pk], today=day)  # fmt: skip
    with pytest.raises(ValidationError, match="已屏蔽"):
        services.save_group(c, by=editor, summary="x", decision="adopted",
                            comment_ids=[spam.pk], today=day)  # fmt: skip
    services.save_group(c, by=editor, summary="明确开放范围", decision="adopted",
                        comment_ids=[a.pk], today=day)  # fmt: skip
    with pytest.raises(Conflict, match="未归类"):
        services.publish_feedback(c, by=reviewer, today=day)
    services.save_group(c, by=editor, summary="删除收费条款", decision="not_adopted",
                        reason="收费依据国家规定，本办法无权调整", comment_ids=[b.pk], today=day)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.publish_feedback(c, by=editor, today=day)  # only a reviewer publishes
    services.publish_feedback(c, by=reviewer, today=day)
    rows = selectors.feedback(c)
    assert [(r.decision_label, r.commenters) for r in rows] == [
        ("采纳", ["朱**"]),
        ("未采纳", ["李*"]),
    ]
    assert rows[1].reason == "收费依据国家规定，本办法无权调整"
    with pytest.raises(Conflict):
        services.save_group(c, by=editor, summary="晚了", decision="adopted", today=day)


def test_feedback_page_and_api(client: Client, org: Any) -> None:
    c, a, b, spam = _closed_with_comments(org)
    for x in (a, b):
        services.moderate(x, by=SYSTEM, action="review")
    services.moderate(spam, by=SYSTEM, action="hide")
    assert client.get(f"/consultations/{c.pk}/feedback/").status_code == 404  # not yet
    services.save_group(
        c,
        by=SYSTEM,
        summary="明确开放范围",
        decision="adopted",
        comment_ids=[a.pk],
        today=D(2025, 4, 1),
    )
    services.save_group(c, by=SYSTEM, summary="删除收费条款", decision="partly", reason="部分条款已修改",
                        comment_ids=[b.pk], today=D(2025, 4, 1))  # fmt: skip
    services.publish_feedback(c, by=SYSTEM, today=D(2025, 4, 1))
    page = client.get(f"/consultations/{c.pk}/feedback/").content.decode()
    assert "朱**" in page and "部分采纳" in page and "部分条款已修改" in page
    assert "朱小明" not in page and "13912345678" not in page
    data = client.get("/api/v1/consultations").json()
    item = data["items"][0]
    assert item["status"] == "feedback" and item["comment_count"] == 2
    assert [g["decision"] for g in item["feedback"]] == ["采纳", "部分采纳"]
    assert item["feedback"][1]["reason"] == "部分条款已修改"
    assert set(item) >= {"title", "opens_on", "closes_on", "shortened_reason", "status"}


def test_public_form_works_without_javascript(client: Client, org: Any) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    c = consultation(org, opens=today - dt.timedelta(days=1), closes=today + dt.timedelta(days=40))
    page = client.get(f"/consultations/{c.pk}/").content.decode()
    assert "<script" not in page and 'name="body"' in page
    r = client.post(f"/consultations/{c.pk}/", {"body": "<b>建议</b>补充第五条", "website": ""})
    assert r.status_code == 200 and "意见已提交" in r.content.decode()
    r = client.post(f"/consultations/{c.pk}/", {"body": "<b>建议</b>补充第五条", "website": ""})
    assert r.status_code == 422 and "已经提交过" in r.content.decode()
    assert "&lt;b&gt;建议&lt;/b&gt;" in r.content.decode()  # kept, escaped
    assert (
        client.post(f"/consultations/{c.pk}/", {"body": "x", "website": "http://a"}).status_code
        == 400
    )
    assert Comment.objects.count() == 1


def test_comment_rate_limit(client: Client, org: Any, settings: Any) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    c = consultation(org, opens=today, closes=today + dt.timedelta(days=40))
    settings.GONGKAI_COMMENT_SUBMIT_LIMIT = 2
    for i in range(2):
        assert client.post(f"/consultations/{c.pk}/", {"body": f"意见{i}"}).status_code == 200
    assert client.post(f"/consultations/{c.pk}/", {"body": "意见3"}).status_code == 429


def test_export_is_for_staff_in_scope_and_defuses_formulas(
    client: Client, org: Any, other_org: Any, editor: Any
) -> None:
    c, _, b, _ = _closed_with_comments(org)
    Comment.objects.filter(pk=b.pk).update(body='=HYPERLINK("http://x")')
    url = f"/participation/staff/consultations/{c.pk}/comments.csv"
    assert client.get(url).status_code == 302  # login first
    outsider = staff(other_org, Role.ADMIN)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    r = client.get(url)
    assert r.status_code == 200 and r["Cache-Control"].startswith("private")
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][3] == "意见内容" and len(rows) == 4
    assert (
        rows[1][4] == "朱小明" and rows[1][5] == "13912345678"
    )  # the drafting department sees all
    assert rows[2][3].startswith("'=")
    r = client.get(f"/participation/staff/consultations/{c.pk}/comments.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(1, 4).value == "意见内容" and ws.max_row == 4


def test_published_consultation_keeps_its_draft(org: Any) -> None:
    c = consultation(org, opens=D(2025, 3, 1), closes=D(2025, 3, 31))
    with pytest.raises(Conflict):
        services.update_consultation(c, by=SYSTEM, data={"closes_on": D(2025, 3, 20)})
    services.update_consultation(c, by=SYSTEM, data={"show_comments": False})
    assert FeedbackGroup.objects.count() == 0


def test_hostile_html_in_the_draft_is_sanitised(client: Client, org: Any) -> None:
    c = consultation(
        org, opens=D(2025, 3, 1), closes=D(2025, 3, 31),
        draft_html='<p onclick="x()">第一条</p><script>alert(1)</script><img src=x onerror=alert(1)>',
        explanation_html="<iframe src='http://evil'></iframe><p>说明</p>",
    )  # fmt: skip
    page = client.get(f"/consultations/{c.pk}/").content.decode()
    assert "第一条" in page and "说明" in page
    assert "<script>alert" not in page and "onerror" not in page and "onclick" not in page
    assert "<iframe" not in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_keep_one_comment(reference_data: None) -> None:
    import threading

    from django.db import connection

    from gongkai.conftest import OrganizationFactory

    org = OrganizationFactory()
    c = consultation(org, opens=D(2025, 3, 1), closes=D(2025, 3, 31))
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            services.submit_comment(c, data={"body": "同一条意见"}, today=D(2025, 3, 5))
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("duplicate")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["duplicate", "duplicate", "duplicate", "ok"]
    assert Comment.objects.filter(consultation=c).count() == 1


def test_list_pages_keep_the_filter(client: Client, org: Any) -> None:
    for i in range(22):
        consultation(org, title=f"已截止草案{i}", opens=D(2025, 3, 1), closes=D(2025, 3, 31))
    page = client.get("/consultations/?status=closed").content.decode()
    assert "status=closed&amp;page=2" in page
    assert "已截止草案" in client.get("/consultations/?status=closed&page=2").content.decode()
    assert "已截止草案" not in client.get("/consultations/?status=open").content.decode()
