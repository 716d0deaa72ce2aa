"""政府公报 (gazette-catalog spec §1): who may run one, numbering, only public documents of the
gazette's own government, the 目录 in print order, 标准文本, the pages and the API."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.conftest import OrganizationFactory, make_document, staff
from gongkai.documents import services as documents
from gongkai.gazette import selectors, services
from gongkai.lib.errors import Conflict

from .conftest import D, issue, rule

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_only_province_city_county_governments_run_a_gazette(dept: Any) -> None:
    with pytest.raises(ValidationError) as e:
        services.save_gazette(by=SYSTEM, org=dept, name="司法局公报")
    assert "不办政府公报" in e.value.message_dict["org"][0]
    street = OrganizationFactory(level="township", code="jd", name="某街道办事处")
    with pytest.raises(ValidationError):
        services.save_gazette(by=SYSTEM, org=street, name="街道公报")


def test_numbering_unique_and_in_order(gazette: Any) -> None:
    issue(gazette, 2025, 1, 214, publish=False)
    issue(gazette, 2025, 3, 216, publish=False)
    for year, no, total, field in ((2025, 1, 300, "issue_no"), (2025, 2, 214, "total_no"),
                                   (2025, 2, 217, "total_no"), (2025, 0, 215, "issue_no")):  # fmt: skip
        with pytest.raises(ValidationError) as e:
            services.save_issue(by=SYSTEM, gazette=gazette, year=year, issue_no=no, total_no=total)
        assert field in e.value.message_dict, (year, no, total)
    assert services.save_issue(by=SYSTEM, gazette=gazette, year=2025, issue_no=2, total_no=215)


def test_entries_only_public_documents_of_its_own_government(
    gazette: Any, city: Any, dept: Any
) -> None:
    i = issue(gazette, 2025, 1, 1, publish=False)
    s = i.sections.get()
    draft = make_document(city, "draft", title="草稿文件")
    withheld = make_document(city, disclosure_attribute="withheld", disclosure_reason="涉密")
    province = OrganizationFactory(level="province", code="prov", name="某省人民政府")
    higher = make_document(province, title="省政府文件")
    for d in (draft, withheld):
        with pytest.raises(ValidationError, match="已公开"):
            services.add_entry(by=SYSTEM, issue=i, section=s, page=1, document=d)
    with pytest.raises(ValidationError, match="不转载上级文件"):
        services.add_entry(by=SYSTEM, issue=i, section=s, page=1, document=higher)
    ok = services.add_entry(by=SYSTEM, issue=i, section=s, page=5, document=rule(dept))
    assert ok.title == "示范市停车管理办法" and ok.doc_number == "示范市人民政府令第12号"


def test_publishing_rechecks_links_and_locks_the_issue(gazette: Any, city: Any) -> None:
    d = rule(city)
    i = issue(gazette, 2025, 1, 1, [d], publish=False)
    documents.withdraw(d, by=SYSTEM, reason="撤回")
    with pytest.raises(ValidationError, match="第1条"):
        services.publish_issue(i, by=SYSTEM, today=D(2025, 1, 15))
    empty = services.save_issue(by=SYSTEM, gazette=gazette, year=2025, issue_no=2, total_no=2)
    with pytest.raises(ValidationError, match="目录为空"):
        services.publish_issue(empty, by=SYSTEM)
    ok = issue(gazette, 2025, 3, 3, [rule(city, title="另一办法")])
    with pytest.raises(Conflict):
        services.add_section(by=SYSTEM, issue=ok, name="其他")
    assert AuditEntry.objects.filter(action="gazette.issue_publish").count() == 1


def test_editor_drafts_reviewer_publishes(gazette: Any, city: Any) -> None:
    from django.core.exceptions import PermissionDenied

    editor, reviewer = staff(city, Role.EDITOR), staff(city, Role.REVIEWER)
    i = services.save_issue(by=editor, gazette=gazette, year=2025, issue_no=1, total_no=1)
    s = services.add_section(by=editor, issue=i, name="政府规章")
    services.add_entry(by=editor, issue=i, section=s, page=1, title="人事任免", doc_number="")
    with pytest.raises(PermissionDenied):
        services.publish_issue(i, by=editor)
    services.publish_issue(i, by=reviewer, today=D(2025, 1, 10))
    outsider = staff(OrganizationFactory(), Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.save_issue(by=outsider, gazette=gazette, year=2025, issue_no=2, total_no=2)


def test_pdf_is_checked_by_content(gazette: Any) -> None:
    i = issue(gazette, 2025, 1, 1, publish=False)
    with pytest.raises(ValidationError):
        services.attach_pdf(
            by=SYSTEM, issue=i, upload=SimpleUploadedFile("x.pdf", b"<html>not</html>")
        )
    services.attach_pdf(by=SYSTEM, issue=i, upload=SimpleUploadedFile("x.pdf", PDF))
    i.refresh_from_db()
    assert i.pdf and len(i.pdf_sha256) == 64


def test_pages_year_issue_entry_document(gazette: Any, city: Any, dept: Any) -> None:
    r = rule(city)
    norm = make_document(dept, category="normative", title="示范市行政执法办法",
                         doc_number="示司发〔2025〕1号", published_on=D(2025, 2, 1))  # fmt: skip
    i = issue(gazette, 2025, 3, 215, [r, norm])
    services_pdf = services  # the PDF of a published issue cannot be replaced any more
    assert services_pdf
    c = Client()
    index = c.get("/gazette/").content.decode()
    assert "2025年第3期（总第215期）" in index
    page = c.get("/gazette/2025/3/").content.decode()
    assert "示范市人民政府公报" in page and "政府规章" in page
    assert (
        f'href="/documents/{r.pk}/"' in page
        and "示范市人民政府令第12号" in page
        and "第3页" in page
    )
    assert page.count("标准文本") == 1  # 规章 yes; 规范性文件 only where the tenant says so
    gazette.normative_standard = True
    gazette.save()
    assert c.get("/gazette/2025/3/").content.decode().count("标准文本") == 2
    assert c.get("/gazette/2025/").status_code == 200
    assert c.get("/gazette/2024/").status_code == 404
    assert c.get("/gazette/2025/4/").status_code == 404
    assert c.get("/gazette/99999999999/1/").status_code == 404
    assert c.get("/gazette/2025/3.pdf").status_code == 404  # no PDF attached
    assert i.pk


def test_api_issues_and_detail(gazette: Any, city: Any) -> None:
    r = rule(city)
    gone = rule(city, title="后来撤回的办法", doc_number="示范市人民政府令第13号")
    i = issue(gazette, 2025, 3, 215, [r, gone])
    documents.withdraw(gone, by=SYSTEM, reason="撤回")
    c = Client()
    body = c.get("/api/v1/gazette/issues?year=2025").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == "2025年第3期（总第215期）" and item["entry_count"] == 2
    assert item["pdf_url"] is None
    detail = c.get(f"/api/v1/gazette/issues/{i.pk}").json()
    entries = detail["sections"][0]["entries"]
    assert entries[0] == {"title": "示范市停车管理办法", "doc_number": "示范市人民政府令第12号", "page": 3,
                          "document_id": r.pk, "url": f"/documents/{r.pk}/", "standard_text": True}  # fmt: skip
    assert entries[1]["url"] is None and entries[1]["document_id"] is None
    assert not entries[1]["standard_text"]
    assert c.get("/api/v1/gazette/issues/999999").status_code == 404
    assert c.get("/api/v1/gazette/issues?year=20250").status_code == 422


def test_appearances_for_the_document_page(gazette: Any, city: Any) -> None:
    r = rule(city)
    issue(gazette, 2025, 3, 215, [r])
    issue(gazette, 2025, 4, 216, [r], publish=False)
    got = selectors.appearances(r)
    assert [(a.issue.title, a.page, a.standard_text) for a in got] == [
        ("2025年第3期（总第215期）", 3, True)
    ]
    documents.withdraw(r, by=SYSTEM, reason="撤回")
    assert selectors.appearances(r) == []


def test_pdf_download_of_a_published_issue(gazette: Any, city: Any) -> None:
    i = services.save_issue(by=SYSTEM, gazette=gazette, year=2025, issue_no=1, total_no=1)
    s = services.add_section(by=SYSTEM, issue=i, name="政府规章")
    services.add_entry(by=SYSTEM, issue=i, section=s, page=1, document=rule(city))
    services.attach_pdf(by=SYSTEM, issue=i, upload=SimpleUploadedFile("x.pdf", PDF))
    c = Client()
    assert c.get("/gazette/2025/1.pdf").status_code == 404  # draft
    services.publish_issue(i, by=SYSTEM, today=dt.date(2025, 1, 20))
    r = c.get("/gazette/2025/1.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF")


def test_document_page_names_the_issue_and_standard_text(gazette: Any, city: Any) -> None:
    r = rule(city)
    n = make_document(city, category="normative", title="示范市某办法", published_on=D(2025, 2, 1))
    issue(gazette, 2025, 3, 215, [r, n])
    c = Client()
    page = c.get(f"/documents/{r.pk}/").content.decode()
    assert (
        "刊登于" in page
        and "示范市人民政府公报2025年第3期（总第215期）" in page
        and "标准文本" in page
    )
    other = c.get(f"/documents/{n.pk}/").content.decode()
    assert (
        "刊登于" in other
        and "标准文本" not in other
        and "登记号" in other
        and str(n.reg_no) in other
    )
