"""The back office of issue 24: the new admin pages open for staff, rows are scoped, and a
cleanup drafted through the admin form is saved by the service with its items."""

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.conftest import OrganizationFactory, staff
from gongkai.documents.models import CleanupExercise

from .conftest import issue

pytestmark = pytest.mark.django_db


def test_admin_pages_open_and_are_scoped(gazette: Any, city: Any) -> None:
    mine = issue(gazette, 2025, 1, 1, publish=False)
    admin = staff(city, Role.ADMIN)
    c = Client()
    c.force_login(admin)
    for path in ("/admin/gazette/gazette/", "/admin/gazette/issue/", "/admin/gazette/issue/add/",
                 f"/admin/gazette/issue/{mine.pk}/change/", "/admin/gazette/entry/",
                 "/admin/gazette/entry/add/", "/admin/documents/cleanupexercise/",
                 "/admin/documents/cleanupexercise/add/", "/admin/documents/normativereminder/",
                 "/admin/catalog/entry/", "/admin/catalog/entry/add/", "/admin/catalog/notapplicable/",
                 "/admin/catalog/domain/"):  # fmt: skip
        assert c.get(path).status_code == 200, path
    outsider = staff(OrganizationFactory(), Role.ADMIN)
    c.force_login(outsider)
    assert c.get(f"/admin/gazette/issue/{mine.pk}/change/").status_code in (302, 404)
    assert "2025年第1期" not in c.get("/admin/gazette/issue/").content.decode()


def test_cleanup_through_the_admin_form(city: Any) -> None:
    from gongkai.conftest import make_document

    doc = make_document(city, category="normative", title="示范市某管理办法")
    c = Client()
    c.force_login(staff(city, Role.ADMIN))
    prefix = "items"
    r = c.post("/admin/documents/cleanupexercise/add/", {
        "org": city.pk, "title": "2026年清理", "basis": "上位法修改", "notice": "", "staff_note": "内部",
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000", f"{prefix}-0-document": doc.pk, f"{prefix}-0-result": "continue",
        f"{prefix}-0-order": "1",
    })  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    ex = CleanupExercise.objects.get()
    assert ex.title == "2026年清理" and ex.items.count() == 1 and ex.staff_note == "内部"


def test_issue_with_sections_through_the_admin_form(gazette: Any, city: Any) -> None:
    from gongkai.gazette.models import Issue

    c = Client()
    c.force_login(staff(city, Role.EDITOR))
    r = c.post("/admin/gazette/issue/add/", {
        "gazette": gazette.pk, "year": 2025, "issue_no": 1, "total_no": 201, "published_on": "",
        "staff_note": "", "sections-TOTAL_FORMS": "2", "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0", "sections-MAX_NUM_FORMS": "1000",
        "sections-0-name": "政府规章", "sections-0-order": "1", "sections-1-name": "政府文件",
        "sections-1-order": "2",
    })  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    i = Issue.objects.get()
    assert i.title == "2025年第1期（总第201期）"
    assert list(i.sections.values_list("name", flat=True)) == ["政府规章", "政府文件"]


def test_renew_from_the_document_list(city: Any) -> None:
    import datetime as dt

    from gongkai.conftest import make_document

    doc = make_document(city, category="normative", effective_on=dt.date(2025, 1, 1),
                        expires_on=dt.date(2026, 12, 31), published_on=dt.date(2024, 12, 20))  # fmt: skip
    old = doc.reg_no
    c = Client()
    c.force_login(staff(city, Role.ADMIN))
    data = {"action": "renew_selected", "_selected_action": [doc.pk]}
    form = c.post("/admin/documents/document/", data)
    assert form.status_code == 200 and "新的施行日期" in form.content.decode()
    bad = c.post("/admin/documents/document/", {**data, "effective_on": "2027-01-01",
                                                "expires_on": "2032-01-01"}, follow=True)  # fmt: skip
    assert "有效期不超过5年" in bad.content.decode()
    c.post("/admin/documents/document/", {**data, "effective_on": "2027-01-01",
                                          "expires_on": "2031-12-31"})  # fmt: skip
    doc.refresh_from_db()
    assert doc.reg_no != old and doc.expires_on == dt.date(2031, 12, 31)


def test_admin_forms_show_the_rules_as_field_errors(gazette: Any, city: Any) -> None:
    from gongkai.conftest import make_document

    first = issue(gazette, 2025, 1, 201, publish=False)
    c = Client()
    c.force_login(staff(city, Role.EDITOR))
    r = c.post("/admin/gazette/issue/add/", {
        "gazette": gazette.pk, "year": 2025, "issue_no": 1, "total_no": 202, "published_on": "",
        "staff_note": "", "sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0", "sections-MAX_NUM_FORMS": "1000",
    })  # fmt: skip
    assert r.status_code == 200 and "2025年第1期已存在" in r.content.decode()
    draft = make_document(city, "draft", title="草稿")
    r = c.post("/admin/gazette/entry/add/", {"issue": first.pk, "section": first.sections.get().pk,
                                             "document": draft.pk, "page": 1})  # fmt: skip
    assert r.status_code == 200 and "只能刊登已公开的政府信息" in r.content.decode()


def test_due_list_in_the_document_admin(city: Any) -> None:
    import datetime as dt

    import time_machine

    from gongkai.conftest import make_document

    soon = make_document(city, category="normative", title="将到期的办法", effective_on=dt.date(2025, 1, 1),
                         expires_on=dt.date(2026, 5, 31), published_on=dt.date(2024, 12, 20))  # fmt: skip
    make_document(city, category="normative", title="远未到期的办法", effective_on=dt.date(2025, 1, 1),
                  expires_on=dt.date(2029, 12, 31), published_on=dt.date(2024, 12, 20))  # fmt: skip
    c = Client()
    c.force_login(staff(city, Role.ADMIN))
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        page = c.get("/admin/documents/document/?expiring=183").content.decode()
    assert soon.title in page and "远未到期的办法" not in page
