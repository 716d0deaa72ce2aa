"""Audit F5: a restrictive Content-Security-Policy on every page, the admin included, and HSTS,
TLS redirect, proxy header and Secure cookies behind the one GONGKAI_HTTPS switch."""

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import Client, override_settings

from gongkai.conftest import UserFactory, make_document

pytestmark = [pytest.mark.django_db, pytest.mark.security]

SETTINGS = Path(__file__).resolve().parents[2] / "settings.py"
TEMPLATES = Path(__file__).resolve().parents[2]
PAGES = ["/", "/admin/login/", "/api/v1/documents", "/apply/", "/search/?q=x"]


def _directives(header: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_restrictive_policy(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'self'" and csp["form-action"] == "'self'"
    assert csp["style-src"] == "'self'"  # no <style> element, no inline or remote CSS
    assert "unsafe-inline" not in csp["script-src"] + csp["default-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP: HSTS means nothing


def test_the_admin_change_page_renders_under_the_policy(reference_data: None) -> None:
    from gongkai.conftest import OrganizationFactory

    doc = make_document(OrganizationFactory(), state="draft")
    client = Client()
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(f"/admin/documents/document/{doc.pk}/change/")
    assert response.status_code == 200 and "Content-Security-Policy" in response
    html = response.content.decode()
    # the admin's scripts are all files: no inline code the policy would refuse
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", html)
    assert " onclick=" not in html and "<style" not in html


def test_templates_hold_no_inline_script_or_style() -> None:
    offenders = []
    for path in TEMPLATES.glob("*/templates/**/*.html"):
        if path.name == "report_standalone.html":
            continue  # written to a file by `gongkai annual_report`, never served
        text = path.read_text(encoding="utf-8")
        if re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:|<script(?![^>]*\bsrc=)", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def _settings_with(monkeypatch: Any, **env: str) -> ModuleType:
    """settings.py evaluated afresh under `env`, as a deployment would read it."""
    for name in ("GONGKAI_HTTPS", "GONGKAI_SECURE_COOKIES", "GONGKAI_HSTS_SECONDS",
                 "GONGKAI_HSTS_INCLUDE_SUBDOMAINS", "GONGKAI_HSTS_PRELOAD"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gongkai_settings_probe", SETTINGS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HTTPS_NAMES = ["SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
               "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE",
               "CSRF_COOKIE_SECURE"]  # fmt: skip


def test_https_switch_off_by_default(monkeypatch: Any) -> None:
    s = _settings_with(monkeypatch)
    assert not s.SECURE_SSL_REDIRECT and s.SECURE_PROXY_SSL_HEADER is None
    assert s.SECURE_HSTS_SECONDS == 0 and not s.SESSION_COOKIE_SECURE
    legacy = _settings_with(monkeypatch, GONGKAI_SECURE_COOKIES="1")
    assert legacy.SESSION_COOKIE_SECURE and legacy.CSRF_COOKIE_SECURE
    assert not legacy.SECURE_SSL_REDIRECT and legacy.SECURE_HSTS_SECONDS == 0


def test_https_switch_turns_on_redirect_hsts_proxy_header_and_secure_cookies(
    monkeypatch: Any,
) -> None:
    s = _settings_with(monkeypatch, GONGKAI_HTTPS="1")
    assert s.SECURE_SSL_REDIRECT and s.SECURE_PROXY_SSL_HEADER == (
        "HTTP_X_FORWARDED_PROTO",
        "https",
    )
    assert s.SECURE_HSTS_SECONDS == 31536000
    assert not s.SECURE_HSTS_INCLUDE_SUBDOMAINS and not s.SECURE_HSTS_PRELOAD
    assert s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE
    preload = _settings_with(monkeypatch, GONGKAI_HTTPS="1", GONGKAI_HSTS_INCLUDE_SUBDOMAINS="1",
                             GONGKAI_HSTS_PRELOAD="1", GONGKAI_HSTS_SECONDS="63072000")  # fmt: skip
    assert preload.SECURE_HSTS_SECONDS == 63072000
    assert preload.SECURE_HSTS_INCLUDE_SUBDOMAINS and preload.SECURE_HSTS_PRELOAD

    with override_settings(**{n: getattr(preload, n) for n in HTTPS_NAMES}):
        client = Client()
        plain = client.get("/apply/")
        assert plain.status_code == 301 and plain["Location"] == "https://testserver/apply/"
        assert client.get("/healthz").status_code == 200  # health checks stay on plain HTTP
        # through the TLS proxy: secure, HSTS sent, cookies Secure
        proxied = client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")
        assert proxied.status_code == 200
        assert proxied["Strict-Transport-Security"] == (
            "max-age=63072000; includeSubDomains; preload"
        )
        assert proxied.cookies["csrftoken"]["secure"]
        assert "Content-Security-Policy" in proxied
