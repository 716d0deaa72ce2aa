"""The execution section of sitemap.xml: the hub and lists, and the detail page of every public
task, concluded 督查, published press conference and interview and answered opinion event —
never a draft, an unconcluded 督查 or an event without a response."""

from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from .test_noleak import _world

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_the_section_lists_public_detail_pages_only(lead: Any, co: Any) -> None:
    w = _world(lead, co)
    client = Client()
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-execution.xml" in index
    r = client.get("/sitemap-execution.xml")
    assert r.status_code == 200
    locs = {e.text.removeprefix("http://testserver") for e in
            ElementTree.fromstring(r.content).iter(f"{NS}loc")}  # fmt: skip
    assert locs == {
        "/execution/", "/execution/tasks/", "/execution/inspections/", "/proposals/",
        "/response/", "/press/", "/interviews/",
        f"/execution/tasks/{w['task'].pk}/", f"/execution/inspections/{w['insp'].pk}/",
        f"/press/{w['pc'].pk}/", f"/interviews/{w['iv'].pk}/",
        f"/response/{w['answered'].pk}/",
    }  # fmt: skip
    for loc in locs:  # every listed page exists for the public
        assert client.get(loc).status_code == 200, loc
    for hidden in (f"/execution/tasks/{w['hidden_task'].pk}/",
                   f"/execution/inspections/{w['draft_insp'].pk}/", f"/press/{w['draft_pc'].pk}/",
                   f"/interviews/{w['draft_iv'].pk}/", f"/response/{w['silent'].pk}/"):  # fmt: skip
        assert hidden not in locs
        assert client.get(hidden).status_code == 404
