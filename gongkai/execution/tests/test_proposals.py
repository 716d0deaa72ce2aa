"""建议提案 (spec §3): reply through the documents flow, extension limits, bad input through the
staff API (422 with `fields`, nothing saved, nothing published), overview = recomputation."""

import datetime as dt
import json
from typing import Any

import pytest

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.conftest import OrganizationFactory, staff, token_client
from gongkai.documents.models import Document
from gongkai.execution import selectors, services
from gongkai.execution.models import Proposal

from .conftest import proposal, replied

pytestmark = pytest.mark.django_db
D = dt.date


def _post(client: Any, headers: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_full_reply_is_published_as_a_document_with_index_number(lead: Any) -> None:
    p = replied(proposal(lead), on=D(2026, 4, 20), grade="B", today=D(2026, 5, 6))
    doc = Document.objects.get(pk=p.reply_document_id)
    assert doc.status == Document.Status.PUBLISHED and doc.index_no
    assert doc.category.name == "建议提案办理复文"
    assert doc.title == "关于市十五届人大四次会议第001号建议的答复"
    assert doc.published_on == D(2026, 5, 6)
    assert selectors.publish_due_on(p) == D(2026, 5, 20)  # 4-20 + 20 WD across 劳动节 5-1..5-5
    assert "13812345678" not in doc.body_html


def test_reply_waits_for_review_and_is_not_public_until_published(lead: Any) -> None:
    p = replied(proposal(lead), publish=False)
    assert Document.objects.get(pk=p.reply_document_id).status == Document.Status.PENDING
    assert selectors.public_replies([p]) == {}


def test_not_public_reply_needs_a_reason_and_makes_no_document(lead: Any) -> None:
    with pytest.raises(Exception) as e:
        services.reply(proposal(lead), by=SYSTEM, replied_on=D(2026, 4, 1), grade="C",
                       disclosure="none", text="内部答复")  # fmt: skip
    assert "reason" in e.value.message_dict
    p = replied(proposal(lead, "002"), disclosure="none", reason="涉及国家秘密")
    assert p.reply_document_id is None and p.reply_text == "经研究，答复如下：已列入年度改造计划。"


@pytest.fixture
def api(editor: Any) -> tuple[Any, dict[str, str]]:
    return token_client(editor)


@pytest.mark.parametrize(("body", "field"), [
    ({"grade": "E"}, "grade"),
    ({"replied_on": "2026-01-31"}, "replied_on"),
    ({"disclosure": "none", "reason": ""}, "reason"),
    ({"text": "请联系李建国，手机13812345678。"}, "text"),
    ({"text": "身份证号 11010519491231002X 的代表"}, "text"),
])  # fmt: skip
def test_bad_replies_answer_422_and_save_nothing(
    lead: Any, api: Any, body: dict, field: str
) -> None:
    client, headers = api
    p = proposal(lead)
    docs, entries = Document.objects.count(), AuditEntry.objects.count()
    payload = {"replied_on": "2026-04-20", "grade": "A", "disclosure": "full",
               "text": "经研究，答复如下。", **body}  # fmt: skip
    r = _post(client, headers, f"/api/v1/staff/proposals/{p.pk}/reply", payload)
    assert r.status_code == 422, r.content
    err = r.json()["error"]
    assert err["code"] == "invalid" and field in err["fields"]
    if field == "text":
        assert ("手机号" if "138" in body["text"] else "身份证") in err["fields"]["text"]
    p.refresh_from_db()
    assert p.replied_on is None and p.reply_document_id is None
    assert Document.objects.count() == docs and AuditEntry.objects.count() == entries


def test_reply_through_the_api(lead: Any, api: Any) -> None:
    client, headers = api
    p = proposal(lead)
    r = _post(client, headers, f"/api/v1/staff/proposals/{p.pk}/reply", {
        "replied_on": "2026-04-20", "grade": "A", "disclosure": "summary", "text": "答复摘要。"})  # fmt: skip
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["replied_on"] == "2026-04-20" and body["grade"] == "A"
    assert body["reply_document_status"] == "pending" and body["reply"] is None


def test_extension_limits(lead: Any, api: Any) -> None:
    client, headers = api
    p = proposal(lead, assigned=D(2026, 1, 31))
    url = f"/api/v1/staff/proposals/{p.pk}/extension"
    r = _post(client, headers, url, {"to": "2026-08-01", "reason": "涉及多部门"})
    assert r.status_code == 422 and "to" in r.json()["error"]["fields"]  # past 6 months (07-31)
    r = _post(client, headers, url, {"to": "2026-07-31", "reason": ""})
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    r = _post(client, headers, url, {"to": "2026-07-31", "reason": "涉及多部门，经交办机关同意"})
    assert r.status_code == 200 and r.json()["extended_to"] == "2026-07-31"
    p.refresh_from_db()
    assert not selectors.proposal_overdue(p, D(2026, 6, 15))  # past due_on, not past the extension


def test_a_co_unit_equal_to_the_lead_is_refused(lead: Any) -> None:
    with pytest.raises(Exception) as e:
        proposal(lead, co=[lead])
    assert "co_units" in e.value.message_dict
    assert not Proposal.objects.exists()


def test_foreign_units_cannot_reply(lead: Any) -> None:
    other = OrganizationFactory(code="wjw", name="测试市卫生健康委员会", org_code="160")
    client, headers = token_client(staff(other, Role.EDITOR))
    p = proposal(lead)
    r = _post(client, headers, f"/api/v1/staff/proposals/{p.pk}/reply",
              {"replied_on": "2026-04-20", "grade": "A", "disclosure": "full", "text": "x"})  # fmt: skip
    assert r.status_code == 404


def test_overview_is_the_recomputation_of_the_rows(lead: Any, co: Any) -> None:
    items = [proposal(lead if i % 3 else co, f"{i:03}", kind="suggestion" if i % 2 else "proposal")
             for i in range(1, 10)]  # fmt: skip
    for p, grade in zip(items[:6], "AABCDA", strict=True):
        replied(p, grade=grade, disclosure="none", reason="测试", publish=False)
    services.record_satisfaction(items[0], by=SYSTEM, value="satisfied")
    services.record_satisfaction(items[1], by=SYSTEM, value="basic")
    services.record_satisfaction(items[2], by=SYSTEM, value="unsatisfied")
    proposal(lead, "900", assigned=D(2025, 3, 1))  # another year
    o = selectors.overview(2026)
    rows = list(Proposal.objects.filter(assigned_on__year=2026))
    assert o["total"] == len(rows) == 9
    assert o["by_kind"] == {"suggestion": sum(p.kind == "suggestion" for p in rows),
                            "proposal": sum(p.kind == "proposal" for p in rows)}  # fmt: skip
    assert o["answered"] == sum(p.replied_on is not None for p in rows) == 6
    assert o["grades"] == {g: sum(p.grade == g for p in rows) for g in "ABCD"} == {
        "A": 3, "B": 1, "C": 1, "D": 1}  # fmt: skip
    assert o["satisfied"] == 2 and o["lead_units"] == 2


def test_overview_api_and_xlsx(lead: Any, client: Any) -> None:
    replied(proposal(lead), grade="B")
    body = client.get("/api/v1/proposals/overview?year=2026").json()
    assert body["total"] == 1 and body["grades"]["B"] == 1 and body["answered"] == 1
    page = client.get("/proposals/overview/2026/")
    assert page.status_code == 200 and "办复率 100.00%" in page.content.decode()
    xlsx = client.get("/proposals/overview/2026.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
