"""The back office's start page lists the staff pages that live outside the admin's app list."""

import re
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.conftest import staff

pytestmark = pytest.mark.django_db


def test_admin_index_links_to_working_staff_pages(org: Any) -> None:
    client = Client()
    client.force_login(staff(org, Role.ADMIN, username="li"))
    page = client.get("/admin/").content.decode()
    assert "常用工作页面" in page
    links = re.findall(r'<a href="(/(?:data|participation|staff)/[^"]*)">', page)
    assert {"/data/staff/", "/participation/staff/", "/staff/review/archive/"} <= set(links)
    for url in links:  # each one opens for this official, none is a dead link
        assert client.get(url).status_code == 200, url


def test_admin_index_still_needs_login() -> None:
    response = Client().get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
