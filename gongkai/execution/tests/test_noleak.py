"""Nothing non-public leaks (issue 22 "Never public"): proposers' contact data, 不公开 and
unpublished replies, draft plans, unconcluded 督查 and working notes, events without a response
and internal notes. Every public page, API, export, search, feed and sitemap is tried."""

import io
import zipfile
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.execution import services

from .conftest import D, at, event, plan, proposal, replied, task

pytestmark = pytest.mark.django_db

SECRETS = ["13812345678", "13900001111", "测试市和平路8号", "不公开答复内容甲", "待审核答复内容乙",
           "未发布的计划标题", "草稿计划中的任务", "未结论的督查标题", "督查工作底稿丙", "未结论底稿",
           "无回应的舆情事项", "舆情研判内部记录丁", "不公开的理由戊", "未发布的发布会标题",
           "未发布的访谈主题", "提问人赵大海", "13700002222", "未审核的网民提问", "被屏蔽的网民提问"]  # fmt: skip


def _world(lead: Any, co: Any) -> dict[str, Any]:
    people = [{"name": "李建国", "mobile": "13812345678", "address": "测试市和平路8号"},
              {"name": "王秀英", "mobile": "13900001111", "address": "测试市和平路8号"}]  # fmt: skip
    public_plan = plan(lead, title="公开的工作要点")
    t = task(public_plan, 1, lead=lead, co=[co], title="公开的任务")
    services.add_report(t, by=SYSTEM, on=D(2026, 6, 1), text="公开的进展")
    draft_plan = plan(lead, publish=False, title="未发布的计划标题")
    hidden_task = task(draft_plan, 1, lead=lead, title="草稿计划中的任务")
    insp = services.create_inspection(by=SYSTEM, org=lead, title="公开的督查",
                                      working_notes="督查工作底稿丙")  # fmt: skip
    services.add_finding(insp, by=SYSTEM, data={"matter": "公开的问题", "responsible": "某局",
                                                "facts": "事实", "requirement": "要求"})  # fmt: skip
    services.conclude(insp, by=SYSTEM, on=D(2026, 6, 1))
    draft_insp = services.create_inspection(by=SYSTEM, org=lead, title="未结论的督查标题",
                                            working_notes="未结论底稿")  # fmt: skip
    full = replied(proposal(lead, "001", proposers=people), text="公开的答复全文")
    withheld = replied(proposal(lead, "002", proposers=people), disclosure="none",
                       text="不公开答复内容甲", reason="不公开的理由戊")  # fmt: skip
    pending = replied(proposal(lead, "003", kind="proposal", proposers=people),
                      text="待审核答复内容乙", publish=False)  # fmt: skip
    open_item = proposal(lead, "004", proposers=people)
    answered = event(lead, title="公开回应的舆情", notes="舆情研判内部记录丁")
    services.respond(answered, by=SYSTEM, form="release", at=at(2026, 6, 2, 8), text="公开的回应")
    silent = event(lead, title="无回应的舆情事项", notes="舆情研判内部记录丁")
    pc = services.record_press(
        by=SYSTEM, org=lead, data={"title": "公开的发布会", "held_at": at(2026, 6, 3, 10)}
    )
    services.publish_press(pc, by=SYSTEM)
    draft_pc = services.record_press(by=SYSTEM, org=lead, data={"title": "未发布的发布会标题",
                                                                "held_at": at(2026, 6, 4, 10)})  # fmt: skip
    times = {
        "announced_at": at(2026, 6, 1, 9),
        "starts_at": at(2026, 6, 5, 9),
        "ends_at": at(2026, 6, 5, 10),
    }
    iv = services.schedule_interview(by=SYSTEM, org=lead, data={"title": "公开的访谈", **times})
    shown_q = services.ask(
        iv, question="公开的网民提问", asker="提问人赵大海", contact="13700002222"
    )
    services.moderate(shown_q, by=SYSTEM, approve=True)
    services.ask(iv, question="未审核的网民提问", asker="提问人赵大海")
    services.moderate(services.ask(iv, question="被屏蔽的网民提问"), by=SYSTEM, approve=False)
    services.publish_interview(iv, by=SYSTEM)
    draft_iv = services.schedule_interview(
        by=SYSTEM, org=lead, data={"title": "未发布的访谈主题", **times}
    )
    return {"task": t, "pc": pc, "draft_pc": draft_pc, "iv": iv, "draft_iv": draft_iv, "hidden_task": hidden_task, "insp": insp, "draft_insp": draft_insp,
            "proposals": [full, withheld, pending, open_item], "answered": answered,
            "silent": silent}  # fmt: skip


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))


def test_no_public_page_api_export_search_feed_or_sitemap_leaks(lead: Any, co: Any) -> None:
    w = _world(lead, co)
    client = Client()
    paths = ["/execution/", "/execution/tasks/", "/execution/tasks/?year=2026&status=overdue",
             f"/execution/tasks/{w['task'].pk}/", "/execution/inspections/",
             f"/execution/inspections/{w['insp'].pk}/", "/proposals/", "/proposals/?kind=proposal",
             "/proposals/overview/2026/", "/response/", f"/response/{w['answered'].pk}/",
             "/api/v1/tasks", "/api/v1/tasks?overdue=true", "/api/v1/inspections",
             "/api/v1/proposals", "/api/v1/proposals?kind=suggestion", "/api/v1/proposals/overview?year=2026",
             "/api/v1/opinion-responses", "/api/v1/documents", "/press/", f"/press/{w['pc'].pk}/",
             "/interviews/", f"/interviews/{w['iv'].pk}/", "/api/v1/press-conferences",
             "/api/v1/press-conferences/quarterly?year=2026", "/api/v1/interviews", "/api/v1/search?q=答复",
             "/search/?q=答复", "/feeds/latest/", "/feeds/press/", "/feeds/category/proposal_reply/",
             f"/feeds/org/{lead.code}/", "/sitemap.xml", "/sitemap/", "/"]  # fmt: skip
    paths += [f"/proposals/{p.pk}/" for p in w["proposals"]]
    seen = []
    for path in paths:
        r = client.get(path)
        assert r.status_code == 200, path
        text = r.content.decode()
        seen.append(text)
        for secret in SECRETS:
            assert secret not in text, (path, secret)
    xlsx = client.get("/proposals/overview/2026.xlsx")
    assert xlsx.status_code == 200
    for secret in SECRETS:
        assert secret not in _xlsx_text(xlsx.content)
    # what is public does show (the test would pass vacuously otherwise)
    everything = " ".join(seen)
    for shown in ("公开的任务", "公开的进展", "公开的督查", "公开的问题", "公开的答复全文",
                  "李建国", "公开的回应", "公开回应的舆情", "公开的发布会", "公开的访谈",
                  "公开的网民提问"):  # fmt: skip
        assert shown in everything, shown


def test_non_public_items_answer_404(lead: Any, co: Any) -> None:
    w = _world(lead, co)
    client = Client()
    for path in (f"/execution/tasks/{w['hidden_task'].pk}/",
                 f"/execution/inspections/{w['draft_insp'].pk}/",
                 f"/response/{w['silent'].pk}/", f"/press/{w['draft_pc'].pk}/",
                 f"/interviews/{w['draft_iv'].pk}/"):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_the_api_gives_no_reply_for_withheld_or_pending_items(lead: Any, co: Any) -> None:
    w = _world(lead, co)
    items = {i["number"]: i for i in Client().get("/api/v1/proposals").json()["items"]}
    assert items["001"]["reply"]["text"] == "公开的答复全文" and items["001"]["published_on"]
    assert items["002"]["reply"] is None and items["002"]["disclosure_code"] == "none"
    assert items["003"]["reply"] is None and items["003"]["published_on"] is None
    assert items["004"]["replied_on"] is None
    assert items["001"]["proposers"] == ["李建国", "王秀英"]
    assert set(items["001"]) >= {"id", "kind", "kind_code", "meeting", "number", "title",
                                 "lead_unit", "co_units", "assigned_on", "due_on", "extended_to",
                                 "overdue", "grade", "publish_due_on", "published_late",
                                 "satisfaction", "url"}  # fmt: skip
    assert w["proposals"][0].pk == items["001"]["id"]
