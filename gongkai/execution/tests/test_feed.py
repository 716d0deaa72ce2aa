"""/feeds/press/: an Atom feed of the published press conferences and interviews, newest first,
advertised on /press/ — never a draft, an unmoderated question or an asker."""

from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.execution import services

from .conftest import at
from .test_noleak import SECRETS, _world

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_holds_published_press_conferences_and_interviews_newest_first(
    lead: Any, co: Any
) -> None:
    w = _world(lead, co)
    later = services.record_press(
        by=SYSTEM, org=co, data={"title": "后来的发布会", "held_at": at(2026, 6, 10, 15)}
    )
    services.publish_press(later, by=SYSTEM)
    r = Client().get("/feeds/press/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/atom+xml")
    text = r.content.decode()
    for secret in SECRETS:
        assert secret not in text, secret
    feed = ElementTree.fromstring(r.content)
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    links = [e.find(f"{ATOM}link").get("href").removeprefix("http://testserver") for e in entries]
    # held 06-10, interview 06-05, held 06-03; the draft conference and interview are absent
    assert titles == ["后来的发布会", "公开的访谈", "公开的发布会"]
    assert links == [f"/press/{later.pk}/", f"/interviews/{w['iv'].pk}/", f"/press/{w['pc'].pk}/"]
    authors = [e.findtext(f"{ATOM}author/{ATOM}name") for e in entries]
    assert authors == [co.name, lead.name, lead.name]
    assert [e.find(f"{ATOM}category").get("term") for e in entries] == [
        "新闻发布会", "在线访谈", "新闻发布会"]  # fmt: skip


def test_the_press_page_advertises_the_feed(lead: Any, co: Any) -> None:
    _world(lead, co)
    page = Client().get("/press/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    head = page.split("</head>")[0]
    assert 'href="/feeds/press/"' in head
