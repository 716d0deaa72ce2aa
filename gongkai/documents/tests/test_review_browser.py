"""The review end to end in a real headless Chromium (Debian's package, driven by Playwright):
a reviewer opens a submitted item in the back office, sees the identity number highlighted in
its context, is refused publication while it is unresolved, masks it and publishes; the public
page shows the masked version only."""

import os
from typing import Any

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import PASSWORD, OrganizationFactory, staff
from gongkai.documents import services
from gongkai.documents.models import Document, InfoCategory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in this thread

ID = "11010519491231002X"


def test_a_reviewer_masks_a_finding_and_publishes(
    browser: Any, live_server: Any, reference_data: None
) -> None:
    org = OrganizationFactory(code="fgw", name="测试市发展和改革委员会", org_code="141")
    reviewer = staff(org, Role.REVIEWER)
    doc = services.create_document(by=SYSTEM, org=org, data={
        "title": "关于征收补偿情况的公示", "category": InfoCategory.objects.get(code="notice"),
        "body_html": f"<p>被征收人身份证号码{ID}，补偿款已发放。</p>",
    })  # fmt: skip
    services.submit(doc, by=SYSTEM)

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/documents/document/{doc.pk}/review/")
    page.fill("#id_username", reviewer.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**/admin/documents/document/{doc.pk}/review/")
    mark = page.locator(".pii-row.open mark").first
    assert mark.inner_text() == ID  # highlighted in its context
    assert "身份证号码" in page.locator(".pii-row.open .pii-ctx").first.inner_text()
    page.click("#publish")
    page.wait_for_load_state()
    assert "不能发布" in page.locator(".messagelist").inner_text()
    assert Document.objects.get(pk=doc.pk).status == "pending"
    page.locator(".pii-row.open button", has_text="遮盖").first.click()
    page.wait_for_load_state()
    assert page.locator(".pii-row.open").count() == 0
    assert page.locator("#attribute").inner_text() == "删减后公开"
    page.click("#publish")
    page.wait_for_load_state()
    assert "已发布" in page.locator(".messagelist").inner_text()
    doc.refresh_from_db()
    assert doc.status == "published" and doc.disclosure_attribute == "redacted"

    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/documents/{doc.pk}/")
    text = public.locator("main").inner_text()
    assert "1101**********002X" in text and ID not in public.content()
