"""Audit F5 in a real headless Chromium: public pages, the API docs and admin pages load under
the Content-Security-Policy without one violation, and the print button works without onclick."""

import os
from typing import Any

import pytest

from gongkai.accounts.models import Role
from gongkai.conftest import PASSWORD, OrganizationFactory, make_document, staff

pytestmark = pytest.mark.security

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread

# an init script is the browser's own, not the page's: it reports violations the page causes
LISTEN = """window.__violations = [];
document.addEventListener('securitypolicyviolation', e => {
    window.__violations.push(e.violatedDirective);
    console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
});
window.print = () => { window.__printed = true; };"""


def _page(browser: Any) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    return page, messages


def _csp_messages(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or "CSP violation" in m]


def test_public_pages_and_api_docs_load_without_a_violation(
    browser: Any, live_server: Any, reference_data: None
) -> None:
    doc = make_document(OrganizationFactory(code="fgw"), title="测试市数据开放管理办法")
    page, messages = _page(browser)
    for path in ["/", f"/documents/{doc.pk}/", "/search/?q=数据", "/apply/",
                 "/mailbox/statistics/", "/api/v1/docs"]:  # fmt: skip
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers  # Playwright lower-cases names
        page.wait_for_load_state("networkidle")
        assert _csp_messages(messages) == [], path
    page.goto(f"{live_server.url}/documents/{doc.pk}/")
    page.click("button.print")
    assert page.evaluate("window.__printed") is True  # the static listener, not an onclick
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")  # the docs' scripts ran
    assert _csp_messages(messages) == []
    # the listener does hear a violation: an inline <style> added now is refused and reported
    page.evaluate(
        "document.head.append(Object.assign(document.createElement('style'), {textContent: 'p{}'}))"
    )
    page.wait_for_function("window.__violations.length > 0")
    assert any("style-src" in m for m in _csp_messages(messages))


def test_admin_pages_work_without_a_violation(
    browser: Any, live_server: Any, reference_data: None
) -> None:
    org = OrganizationFactory(code="fgw")
    editor = staff(org, Role.ADMIN)
    doc = make_document(org, state="draft")
    page, messages = _page(browser)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/documents/document/{doc.pk}/change/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**/admin/documents/document/{doc.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#document_form").count() == 1
    for path in ["/admin/", "/admin/documents/document/", "/admin/applications/holidayschedule/"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert _csp_messages(messages) == []
