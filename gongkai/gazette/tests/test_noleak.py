"""Never public (issue 24): draft issues and their PDFs, draft cleanups, reminders and their
recipients, staff notes, non-public documents (draft, pending, withdrawn, 依申请/不予公开) behind
a gazette entry or in the 现行有效目录 / its XLSX / a cleanup list. Every public page and API this
app adds is fetched and searched for each secret; the draft objects' own addresses are 404."""

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document, staff
from gongkai.documents import services as documents
from gongkai.gazette import services

from .conftest import D, issue, rule

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"
SECRETS = ["草稿公报备注", "草稿期次文件", "依申请公开的办法", "草稿规范性文件", "待审核规范性文件",
           "草稿清理名称", "清理内部备注", "editor-secret@example.org", "reminder-recipient", "已撤回的清理文件",
           "不予公开的办法", "2025年第9期"]  # fmt: skip


def _world(city: Any, gazette: Any) -> dict[str, Any]:
    pub = rule(city, title="公开的规章")
    withdrawn = rule(city, title="撤回的规章", doc_number="示范市人民政府令第20号")
    on_request = make_document(city, category="normative", title="依申请公开的办法",
                               disclosure_attribute="on_request", disclosure_reason="内部")  # fmt: skip
    make_document(city, category="normative", title="不予公开的办法", disclosure_attribute="withheld",
                  disclosure_reason="涉密")  # fmt: skip
    make_document(city, "draft", category="normative", title="草稿规范性文件")
    make_document(city, "pending", category="normative", title="待审核规范性文件")
    current = make_document(city, category="normative", title="现行有效的办法",
                            effective_on=D(2025, 1, 1), expires_on=D(2029, 12, 31))  # fmt: skip
    # a published issue whose second entry's document is withdrawn later: no link, no text
    published = issue(gazette, 2025, 3, 215, [pub, withdrawn])
    documents.withdraw(withdrawn, by=SYSTEM, reason="撤回")
    # a draft issue with its own document and PDF and a staff note
    draft_doc = rule(city, title="草稿期次文件", doc_number="示范市人民政府令第30号")
    draft = issue(gazette, 2025, 9, 221, [draft_doc], publish=False)
    services.attach_pdf(by=SYSTEM, issue=draft, upload=SimpleUploadedFile("d.pdf", PDF))
    type(draft).objects.filter(pk=draft.pk).update(staff_note="草稿公报备注")
    # rule(…) documents are public on their own pages; hide the draft issue's doc to test the 目录
    documents.withdraw(draft_doc, by=SYSTEM, reason="撤回")
    # a published cleanup holding a document withdrawn afterwards, and a draft cleanup
    gone = make_document(city, category="normative", title="已撤回的清理文件")
    notice = make_document(city, "pending", title="关于公布清理结果的通知")
    ex = documents.save_cleanup(by=SYSTEM, org=city, title="公开的清理", notice=notice, items=[
        {"document": current, "result": "continue"}, {"document": gone, "result": "repeal"}])  # fmt: skip
    type(ex).objects.filter(pk=ex.pk).update(staff_note="清理内部备注")
    documents.publish_cleanup(ex, by=SYSTEM, today=D(2026, 3, 1))
    documents.withdraw(gone, by=SYSTEM, reason="撤回")
    draft_ex = documents.save_cleanup(by=SYSTEM, org=city, title="草稿清理名称",
                                      items=[{"document": current, "result": "expire"}])  # fmt: skip
    # a reminder with its recipients
    staff(city, Role.EDITOR, username="reminder-recipient", email="editor-secret@example.org")
    soon = make_document(city, category="normative", title="即将到期的办法",
                         effective_on=D(2024, 1, 1), expires_on=D(2026, 6, 30))  # fmt: skip
    assert documents.send_expiry_reminders(today=D(2026, 3, 2)) >= 1
    return {"published": published, "draft": draft, "ex": ex, "draft_ex": draft_ex,
            "withdrawn": withdrawn, "on_request": on_request, "soon": soon, "current": current}  # fmt: skip


@pytest.fixture
def world(city: Any, gazette: Any) -> dict[str, Any]:
    return _world(city, gazette)


def _public_texts(w: dict[str, Any]) -> dict[str, str]:
    c = Client()
    paths = ["/gazette/", "/gazette/2025/", "/gazette/2025/3/", "/normative/",
             "/normative/?q=办法", f"/normative/cleanups/{w['ex'].pk}/",
             "/api/v1/gazette/issues", "/api/v1/gazette/issues?year=2025",
             f"/api/v1/gazette/issues/{w['published'].pk}", "/api/v1/normative/current",
             "/api/v1/normative/current?q=办法", "/api/v1/normative/cleanups"]  # fmt: skip
    out = {}
    for p in paths:
        r = c.get(p)
        assert r.status_code == 200, p
        out[p] = r.content.decode()
    wb = load_workbook(io.BytesIO(c.get("/normative/current.xlsx").content))
    out["xlsx"] = " ".join(str(v) for row in wb.active.iter_rows(values_only=True) for v in row)
    return out


def test_nothing_non_public_on_any_public_page_or_api(world: dict[str, Any]) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC), tick=False):
        texts = _public_texts(world)
    for where, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, (secret, where)
        # the withdrawn rule keeps its printed 目录 line (title, 令号, page), never a link or its text
        assert f"/documents/{world['withdrawn'].pk}/" not in text, where
        assert f"/documents/{world['on_request'].pk}/" not in text, where
    assert "现行有效的办法" in texts["/api/v1/normative/current"]
    assert "现行有效的办法" in texts["xlsx"] and "即将到期的办法" in texts["xlsx"]
    assert "公开的清理" in texts["/api/v1/normative/cleanups"]
    assert "撤回的规章" in texts["/gazette/2025/3/"]  # as printed
    assert "正文内容" not in texts["/gazette/2025/3/"]


def test_draft_objects_are_404(world: dict[str, Any]) -> None:
    c = Client()
    d = world["draft"]
    for path in (f"/gazette/{d.year}/{d.issue_no}/", f"/gazette/{d.year}/{d.issue_no}.pdf",
                 f"/api/v1/gazette/issues/{d.pk}", f"/normative/cleanups/{world['draft_ex'].pk}/",
                 "/gazette/2025/3.pdf"):  # fmt: skip
        assert c.get(path).status_code == 404, path
    assert c.get("/api/v1/gazette/issues/999999").json()["error"]["code"] == "not_found"


def test_staff_api_needs_a_token_and_scope(world: dict[str, Any], city: Any) -> None:
    from gongkai.conftest import OrganizationFactory, token_client

    c = Client()
    assert c.post(f"/api/v1/staff/cleanups/{world['draft_ex'].pk}/publish").status_code == 401
    outsider = staff(OrganizationFactory(), Role.ADMIN)
    client, headers = token_client(outsider)
    r = client.post(f"/api/v1/staff/cleanups/{world['draft_ex'].pk}/publish", **headers)
    assert r.status_code == 404  # foreign = missing
    r = client.post(f"/api/v1/staff/normative/{world['soon'].pk}/renew",
                    data={"effective_on": "2026-07-01", "expires_on": "2031-06-30"},
                    content_type="application/json", **headers)  # fmt: skip
    assert r.status_code == 404
    reviewer = staff(city, Role.REVIEWER)
    client, headers = token_client(reviewer)
    r = client.post(f"/api/v1/staff/normative/{world['soon'].pk}/renew",
                    data={"effective_on": "2026-07-01", "expires_on": "2031-07-01"},
                    content_type="application/json", **headers)  # fmt: skip
    assert r.status_code == 422 and "expires_on" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/staff/normative/{world['soon'].pk}/renew",
                    data={"effective_on": "2026-07-01", "expires_on": "2031-06-30"},
                    content_type="application/json", **headers)  # fmt: skip
    old = world["soon"].reg_no
    assert r.status_code == 200 and r.json()["reg_no"].startswith("001-2026-")
    assert r.json()["reg_no"] != old and r.json()["expires_on"] == "2031-06-30"


def test_sitemap_lists_the_public_pages_only(world: dict[str, Any]) -> None:
    c = Client()
    body = c.get("/sitemap-gazette.xml").content.decode()
    assert (
        "/gazette/2025/3/?gazette=city" in body and f"/normative/cleanups/{world['ex'].pk}/" in body
    )
    assert (
        "/gazette/2025/9/" not in body
        and f"/normative/cleanups/{world['draft_ex'].pk}/" not in body
    )
    assert "/sitemap-gazette.xml" in c.get("/sitemap.xml").content.decode()
