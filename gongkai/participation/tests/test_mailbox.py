"""The leader mailbox: workflow, time limits across holidays, overdue and 3-month flags,
department scope, rating and one reopening, publication with consent, conversion, statistics."""

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.applications.models import Application
from gongkai.audit.models import AuditEntry
from gongkai.conftest import OrganizationFactory, staff
from gongkai.lib.errors import Conflict
from gongkai.participation import selectors, services
from gongkai.participation.models import Letter, LetterEvent

from .conftest import D, letter, letter_data

pytestmark = pytest.mark.django_db


def _answered(box: Any, on: Any = None, **over: Any) -> Letter:
    on = on or D(2024, 9, 27)
    x, _ = letter(box, on, **over)
    services.accept(x, by=SYSTEM, today=on)
    services.draft_reply(x, by=SYSTEM, text="您好，停车泊位建设已列入今年计划。", today=on)
    services.approve_reply(x, by=SYSTEM, today=on)
    return x


def test_reply_time_limit_counts_working_days_across_a_holiday(mailbox: Any) -> None:
    x, code = letter(mailbox, D(2024, 9, 30))
    assert x.tracking_no.startswith("XJ20240930") and len(code) == 10
    services.accept(x, by=SYSTEM, today=D(2024, 9, 30))
    # 15 working days after 09-30 skip the National Day week (10-01..07); 10-12 is a make-up day
    assert x.due_on == D(2024, 10, 25) and x.status == "accepted"
    flags = selectors.letter_flags(x, D(2024, 10, 25))
    assert not flags.overdue and flags.remaining == 0
    assert selectors.letter_flags(x, D(2024, 10, 28)).overdue


def test_time_limit_is_per_mailbox(org: Any) -> None:
    box = services.save_mailbox(
        by=SYSTEM, org=org, data={"code": "mayor", "name": "市长信箱", "reply_days": 5}
    )
    x, _ = letter(box, D(2024, 9, 30))
    services.accept(x, by=SYSTEM, today=D(2024, 9, 30))
    assert x.due_on == D(2024, 10, 12)  # a make-up Saturday counts


def test_a_due_date_in_a_year_without_a_schedule_is_provisional(mailbox: Any) -> None:
    x, _ = letter(mailbox, D(2026, 12, 20))
    services.accept(x, by=SYSTEM, today=D(2026, 12, 20))
    assert x.due_on is not None and x.due_on.year == 2027 and x.due_error == ""
    f = selectors.letter_flags(x, D(2026, 12, 21))
    assert f.basis.startswith("暂定：2027 年节假日安排尚未录入") and not f.overdue
    assert selectors.letter_flags(x, x.due_on).overdue  # warned from the earliest date


def test_three_month_threshold_warns_long_before(mailbox: Any, settings: Any) -> None:
    x, _ = letter(mailbox, D(2025, 1, 31))
    f = selectors.letter_flags(x, D(2025, 2, 10))
    assert f.threshold_on == D(2025, 4, 30) and f.threshold_level == "ok"
    assert selectors.letter_flags(x, D(2025, 3, 20)).threshold_level == "warn"  # 41 days left
    assert selectors.letter_flags(x, D(2025, 5, 1)).threshold_level == "breached"
    settings.GONGKAI_LETTER_THRESHOLD_WARN_DAYS = 80
    assert selectors.letter_flags(x, D(2025, 2, 10)).threshold_level == "warn"


def test_workflow_with_department_scope(org: Any, mailbox: Any, reviewer: Any, editor: Any) -> None:
    dept: Any = OrganizationFactory(parent=org, name="测试市停车管理中心")
    other = OrganizationFactory(name="测试市某局")
    handler = staff(dept, Role.EDITOR)
    outsider = staff(other, Role.ADMIN)
    x, _ = letter(mailbox, D(2025, 3, 3))
    y, _ = letter(mailbox, D(2025, 3, 3), subject="另一封信", content="别的事情")
    assert not selectors.staff_letters(handler).exists()
    with pytest.raises(PermissionDenied):
        services.accept(x, by=handler, today=D(2025, 3, 3))
    services.accept(x, by=editor, today=D(2025, 3, 3))
    services.assign(x, by=editor, department=dept, today=D(2025, 3, 4))
    assert list(selectors.staff_letters(handler)) == [x]  # the department sees only its letter
    assert set(selectors.staff_letters(editor)) == {x, y}
    assert not selectors.staff_letters(outsider).exists()
    services.start_handling(x, by=handler, today=D(2025, 3, 5))
    services.draft_reply(x, by=handler, text="已安排施划停车位。", today=D(2025, 3, 6))
    with pytest.raises(PermissionDenied):
        services.approve_reply(x, by=handler, today=D(2025, 3, 6))  # 审核 is the mailbox's
    services.return_reply(x, by=reviewer, reason="请写明完成时间", today=D(2025, 3, 7))
    services.draft_reply(x, by=handler, text="已安排施划停车位，4月底前完成。", today=D(2025, 3, 7))
    services.approve_reply(x, by=reviewer, today=D(2025, 3, 10))
    assert x.status == "answered" and x.replied_on == D(2025, 3, 10)
    with pytest.raises(Conflict):
        services.draft_reply(x, by=handler, text="再答复", today=D(2025, 3, 11))
    actions = list(x.events.values_list("action", flat=True))
    assert actions == ["来信", "受理", "转办", "办理", "答复", "审核退回", "答复", "审核通过"]
    audit = AuditEntry.objects.filter(object_type="participation.letter", object_id=str(x.pk))
    assert audit.count() == 8
    assert not any("13912345678" in str(e.after) or "朱小明" in str(e.after) for e in audit)


def test_rating_and_one_reopening(mailbox: Any) -> None:
    x = _answered(mailbox)
    with pytest.raises(Conflict):
        services.reopen(x, reason="不满意", today=D(2024, 9, 30))  # not rated unsatisfied yet
    with pytest.raises(ValidationError, match="说明理由"):
        services.rate(x, rating=2)
    services.rate(x, rating=2, reason="没有说明具体时间")
    with pytest.raises(Conflict, match="已评价"):
        services.rate(x, rating=5)
    services.reopen(x, reason="请给出完成时间", today=D(2024, 9, 30))
    assert x.status == "handling" and x.reopened and x.reply == "" and x.rating is None
    assert x.due_on == D(2024, 10, 25)  # a new time limit from the reopening
    assert (
        "没有说明具体时间" not in x.reply
        and LetterEvent.objects.filter(
            letter=x, action="申请重新办理", note__contains="停车泊位建设"
        ).exists()
    )  # the first reply is kept in the history
    services.draft_reply(x, by=SYSTEM, text="将于10月底前完成。", today=D(2024, 10, 8))
    services.approve_reply(x, by=SYSTEM, today=D(2024, 10, 8))
    services.rate(x, rating=1, reason="仍不满意")
    with pytest.raises(Conflict, match="只能申请重新办理一次"):
        services.reopen(x, reason="再来一次", today=D(2024, 10, 9))


def test_publication_needs_consent_and_removes_personal_data(mailbox: Any, reviewer: Any) -> None:
    no = _answered(mailbox, consent_publish=False)
    with pytest.raises(Conflict, match="未同意公开"):
        services.publish_letter(no, by=reviewer)
    pending, _ = letter(mailbox, D(2025, 3, 3), subject="待办", content="待办内容")
    with pytest.raises(Conflict, match="已答复"):
        services.publish_letter(pending, by=reviewer)
    yes = _answered(
        mailbox, content="我叫朱小明，电话13912345678，身份证11010519491231002X，住幸福小区。"
    )
    services.publish_letter(yes, by=reviewer)
    assert yes.is_published
    text = yes.public_question
    assert "13912345678" not in text and "11010519491231002X" not in text and "朱小明" not in text
    assert "幸福小区" in text
    with pytest.raises(Exception):  # noqa: B017 — the database refuses a published letter without consent
        Letter.objects.filter(pk=yes.pk).update(consent_publish=False)


def test_bulk_reply_with_a_template(org: Any, mailbox: Any) -> None:
    t = services.save_reply_template(
        by=SYSTEM, org=org, title="停车", body="{姓名称呼}：您反映的“{标题}”已收悉。"
    )
    a, _ = letter(mailbox, D(2025, 3, 3), name="朱小明")
    b, _ = letter(mailbox, D(2025, 3, 3), name="李四", content="另一处停车难")
    c, _ = letter(mailbox, D(2025, 3, 3), name="王五", content="第三封")
    for x in (a, b):
        services.accept(x, by=SYSTEM, today=D(2025, 3, 3))
    done = services.bulk_reply([a, b], by=SYSTEM, template=t, today=D(2025, 3, 4))
    assert [x.reply for x in done] == ["朱先生/女士：您反映的“关于小区停车难的问题”已收悉。",
                                       "李先生/女士：您反映的“关于小区停车难的问题”已收悉。"]  # fmt: skip
    d, _ = letter(mailbox, D(2025, 3, 3), name="赵六", content="第四封")
    services.accept(d, by=SYSTEM, today=D(2025, 3, 3))
    with pytest.raises(Conflict):  # all or none: c is not accepted, so d's reply is undone too
        services.bulk_reply([d, c], by=SYSTEM, template=t, today=D(2025, 3, 4))
    c.refresh_from_db()
    d.refresh_from_db()
    assert c.status == "submitted" and d.status == "accepted" and d.reply == ""
    assert not LetterEvent.objects.filter(letter=d, action="答复").exists()


def test_letter_becomes_an_application_keeping_its_history(
    org: Any, mailbox: Any, editor: Any
) -> None:
    x, _ = letter(
        mailbox, D(2025, 3, 3), subject="申请公开停车场规划", content="请公开本区停车场专项规划。"
    )
    services.accept(x, by=editor, today=D(2025, 3, 3))
    with pytest.raises(ValidationError):
        services.convert_to_application(x, by=editor, applicant={}, today=D(2025, 3, 4))
    x.refresh_from_db()
    assert x.status == "accepted" and Application.objects.count() == 0  # nothing half-done
    app, code = services.convert_to_application(
        x, by=editor, today=D(2025, 3, 4),
        applicant={"id_type": "id_card", "id_number": "11010519491231002X", "form": "electronic",
                   "delivery": "email"},
    )  # fmt: skip
    assert app.org == org and app.name == "朱小明" and "停车场专项规划" in app.description
    assert app.submitted_on == D(2025, 3, 3) and app.received_on == D(2025, 3, 4)
    assert x.tracking_no in app.purpose and code
    assert x.status == "converted" and x.application == app
    assert list(x.events.values_list("action", flat=True)) == [
        "来信",
        "受理",
        "转为政府信息公开申请",
    ]
    with pytest.raises(Conflict):
        services.convert_to_application(x, by=editor, applicant={}, today=D(2025, 3, 4))


def test_public_form_query_rate_and_reopen(client: Client, mailbox: Any) -> None:
    page = client.get("/mailbox/director/write/").content.decode()
    assert "<script" not in page and 'name="content"' in page
    bad = client.post(
        "/mailbox/director/write/", {**letter_data(phone="", email=""), "website": ""}
    )
    assert bad.status_code == 422 and "至少填写联系电话或电子邮箱" in bad.content.decode()
    r = client.post("/mailbox/director/write/", {**letter_data(), "website": ""})
    assert r.status_code == 200 and r["Cache-Control"].startswith("private")
    body = r.content.decode()
    x = Letter.objects.get()
    code = re.search(r"查询码：<span class=\"code\">(\w+)</span>", body).group(1)
    wrong = client.post("/mailbox/query/", {"tracking_no": x.tracking_no, "code": "AAAAAAAAAA"})
    assert wrong.status_code == 404
    missing = client.post("/mailbox/query/", {"tracking_no": "XJ0", "code": code})
    assert missing.status_code == 404 and missing.content.decode().count("未找到该信件") == 1
    ok = client.post("/mailbox/query/", {"tracking_no": x.tracking_no, "code": code})
    assert ok.status_code == 200 and "待受理" in ok.content.decode()
    services.accept(x, by=SYSTEM)
    services.draft_reply(x, by=SYSTEM, text="已处理")
    services.approve_reply(x, by=SYSTEM)
    r = client.post(
        "/mailbox/query/",
        {"tracking_no": x.tracking_no, "code": code, "action": "rate", "rating": "1"},
    )
    assert r.status_code == 422 and "说明理由" in r.content.decode()
    r = client.post("/mailbox/query/", {"tracking_no": x.tracking_no, "code": code, "action": "rate",
                                        "rating": "1", "reason": "没解决"})  # fmt: skip
    assert r.status_code == 200 and "感谢您的评价" in r.content.decode()
    r = client.post("/mailbox/query/", {"tracking_no": x.tracking_no, "code": code, "action": "reopen",
                                        "reason": "问题仍在"})  # fmt: skip
    assert r.status_code == 200 and "重新交办理单位办理" in r.content.decode()
    x.refresh_from_db()
    assert x.status == "handling" and x.reopened
    forged = client.post("/mailbox/query/", {"tracking_no": x.tracking_no, "code": "WRONGCODE2",
                                             "action": "reopen", "reason": "x"})  # fmt: skip
    assert forged.status_code == 404


def test_honeypot_and_rate_limit(client: Client, mailbox: Any, settings: Any) -> None:
    assert (
        client.post("/mailbox/director/write/", {**letter_data(), "website": "x"}).status_code
        == 400
    )
    settings.GONGKAI_LETTER_SUBMIT_LIMIT = 2  # the robot's attempt counted too
    assert client.post("/mailbox/director/write/", letter_data()).status_code == 200
    assert client.post("/mailbox/director/write/", letter_data()).status_code == 429
    assert Letter.objects.count() == 1


def test_statistics(client: Client, org: Any, mailbox: Any) -> None:
    dept: Any = OrganizationFactory(parent=org, name="测试市停车管理中心")
    a = _answered(mailbox, on=D(2024, 9, 27))
    services.rate(a, rating=5)
    b, _ = letter(mailbox, D(2024, 9, 30))
    services.accept(b, by=SYSTEM, today=D(2024, 9, 30))
    services.assign(b, by=SYSTEM, department=dept, today=D(2024, 9, 30))
    services.draft_reply(b, by=SYSTEM, text="答复", today=D(2024, 10, 28))
    services.approve_reply(b, by=SYSTEM, today=D(2024, 10, 28))  # after the 10-25 limit
    services.rate(b, rating=2, reason="太慢")
    letter(mailbox, D(2024, 11, 5))
    s = selectors.letter_statistics(2024)
    t = s["total"]
    assert (t.received, t.answered, t.on_time, t.rated, t.satisfied) == (3, 2, 1, 2, 1)
    assert t.average_days == 14.0 and t.satisfaction == 50.0 and t.on_time_rate == 50.0
    assert s["months"][8].received == 2 and s["months"][10].received == 1
    assert {r.key: r.received for r in s["departments"]} == {org.name: 2, dept.name: 1}
    page = client.get("/mailbox/statistics/?year=2024").content.decode()
    assert "满意率 50.0%" in page and dept.name in page and "朱小明" not in page
    assert client.get("/mailbox/statistics/?year=1999").status_code == 404
