"""我要纠错 (spec monitoring.md §6): working-day timers across 国庆 and make-up days, bad input
(422 with fields, nothing saved), the throttle (429), the lookup by number AND code, and the
staff steps with their scope."""

import datetime as dt

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.audit.models import AuditEntry
from gongkai.conftest import make_document, staff, token_client
from gongkai.monitoring import selectors, services
from gongkai.monitoring.models import Correction

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.date
GOOD = {"page_url": "/list/", "kind": "typo", "description": "第二段“政务公开”写成了“政务公看”",
        "contact": "13812345678"}  # fmt: skip


@pytest.mark.parametrize(("day", "ack", "answer"), [
    (D(2025, 9, 30), D(2025, 10, 9), D(2025, 10, 11)),  # 国庆: Oct 1–8 off, Sat Oct 11 works
    (D(2025, 9, 26), D(2025, 9, 28), D(2025, 9, 30)),  # Sunday Sep 28 is a make-up working day
    (D(2026, 3, 6), D(2026, 3, 9), D(2026, 3, 11)),  # Friday: over the weekend
])  # fmt: skip
def test_due_dates_count_working_days(org, day, ack, answer):
    c, _ = services.submit_correction(GOOD, today=day)
    assert (c.acknowledge_due_on, c.answer_due_on) == (ack, answer)


def test_api_submit_and_progress_never_show_the_contact(org):
    client = Client()
    with at(D(2026, 3, 2)):
        r = client.post("/api/v1/corrections", GOOD, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["acknowledge_due_on"] == "2026-03-03" and body["answer_due_on"] == "2026-03-05"
    assert body["tracking_no"].startswith("JC20260302")
    r = client.post("/api/v1/corrections/progress",
                    {"tracking_no": body["tracking_no"], "code": body["query_code"]},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert "13812345678" not in r.content.decode()
    wrong = client.post("/api/v1/corrections/progress",
                        {"tracking_no": body["tracking_no"], "code": "AAAAAAAA"},
                        content_type="application/json")  # fmt: skip
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "not_found"
    entry = AuditEntry.objects.get(action="correction.submit")
    assert "13812345678" not in str(entry.after)


@pytest.mark.parametrize(("change", "field"), [
    ({"page_url": "https://evil.example.com/page"}, "page_url"),
    ({"page_url": "//evil.example.com/x"}, "page_url"),
    ({"page_url": "javascript:alert(1)"}, "page_url"),
    ({"page_url": ""}, "page_url"),
    ({"description": "  "}, "description"),
    ({"kind": "nonsense"}, "kind"),
])  # fmt: skip
def test_bad_input_is_422_and_nothing_saved(org, change, field):
    r = Client().post("/api/v1/corrections", {**GOOD, **change}, content_type="application/json")
    assert r.status_code == 422
    assert field in r.json()["error"]["fields"]
    assert Correction.objects.count() == 0


def test_absolute_url_of_this_site_is_accepted(org):
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.portal.models import SiteSettings
    from gongkai.portal.services import save_site_settings

    save_site_settings(SiteSettings(site_url="https://www.example.gov.cn/"), by=SYSTEM)
    c, _ = services.submit_correction({**GOOD, "page_url": "https://www.example.gov.cn/list/"})
    assert c.pk


def test_throttle(org, settings):
    settings.GONGKAI_CORRECTION_SUBMIT_LIMIT = 2
    client = Client()
    codes = [client.post("/api/v1/corrections", GOOD, content_type="application/json").status_code
             for _ in range(3)]  # fmt: skip
    assert codes == [201, 201, 429]
    assert Correction.objects.count() == 2


def test_a_document_page_goes_to_the_documents_organisation(org, other_org):
    doc = make_document(other_org)
    c, _ = services.submit_correction({**GOOD, "page_url": f"/documents/{doc.pk}/"})
    assert c.org == other_org


def test_staff_acknowledge_and_answer_in_scope_only(org, other_org):
    mine, _ = services.submit_correction(GOOD, today=D(2026, 3, 2))
    doc = make_document(other_org)
    theirs, _ = services.submit_correction({**GOOD, "page_url": f"/documents/{doc.pk}/"},
                                           today=D(2026, 3, 2))  # fmt: skip
    assert mine.org == org
    editor = staff(org, Role.EDITOR)
    client, auth = token_client(editor)
    listed = client.get("/api/v1/staff/monitoring/corrections", **auth).json()
    assert [x["tracking_no"] for x in listed["items"]] == [mine.tracking_no]
    assert listed["items"][0]["contact"] == "13812345678"  # staff see it
    foreign = client.post(f"/api/v1/staff/monitoring/corrections/{theirs.pk}/acknowledge", **auth)
    assert foreign.status_code == 404
    with at(D(2026, 3, 3)):
        r = client.post(f"/api/v1/staff/monitoring/corrections/{mine.pk}/acknowledge", **auth)
        assert r.status_code == 200 and r.json()["acknowledged_on"] == "2026-03-03"
        again = client.post(f"/api/v1/staff/monitoring/corrections/{mine.pk}/acknowledge", **auth)
        assert again.status_code == 409
        empty = client.post(f"/api/v1/staff/monitoring/corrections/{mine.pk}/answer",
                            {"reply": " "}, content_type="application/json", **auth)  # fmt: skip
        assert empty.status_code == 422
    with at(D(2026, 3, 6)):
        r = client.post(f"/api/v1/staff/monitoring/corrections/{mine.pk}/answer",
                        {"reply": "已更正，谢谢。"}, content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 200 and r.json()["overdue"] is True  # due 03-05, answered 03-06
    anonymous = Client().get("/api/v1/staff/monitoring/corrections")
    assert anonymous.status_code == 401


def test_overdue_counting(org):
    a, _ = services.submit_correction(GOOD, today=D(2026, 3, 2))  # answer due 03-05
    b, _ = services.submit_correction(GOOD, today=D(2026, 3, 2))
    services.answer_correction(b, by=staff(org, Role.EDITOR), reply="已处理", today=D(2026, 3, 4))
    assert selectors.corrections_report(D(2026, 3, 5)) == {"open": 1, "overdue": 0,
                                                           "overdue_items": []}  # fmt: skip
    assert selectors.corrections_report(D(2026, 3, 6))["overdue_items"] == [a.tracking_no]


def test_public_form_and_progress_page(org):
    client = Client()
    assert client.get("/correction/").status_code == 200
    r = client.post("/correction/", {**GOOD, "website": ""})
    assert r.status_code == 200 and "查询码" in r.content.decode()
    c = Correction.objects.get()
    bad = client.post("/correction/", {**GOOD, "page_url": "https://evil.example.com/"})
    assert bad.status_code == 422 and "只能对本站页面纠错" in bad.content.decode()
    spam = client.post("/correction/", {**GOOD, "website": "http://spam"})
    assert spam.status_code == 400 and Correction.objects.count() == 1
    nf = client.post("/correction/progress/", {"tracking_no": c.tracking_no, "code": "WRONG"})
    assert nf.status_code == 404
