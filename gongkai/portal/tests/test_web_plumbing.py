"""The web's plumbing on public pages (issue 19 §1): robots.txt, favicon, description and
canonical, feed autodiscovery, caching headers with 304, compression without BREACH exposure,
and a sitemap that lists every public page kind and nothing else."""

import datetime as dt
import gzip
from typing import Any
from xml.etree import ElementTree

import brotli
import pytest
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document
from gongkai.opendata.tests.conftest import make_dataset
from gongkai.participation.tests.conftest import consultation

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SECRET = "不应公开的标题"


@pytest.fixture
def public_site(org: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.GONGKAI_OPENDATA_DIR = tmp_path / "opendata"
    doc = make_document(org, title="关于公开的通知", category="notice", summary="公开通知的概述")
    hidden = make_document(org, state="draft", title=SECRET)
    ds = make_dataset(org, name="bus-lines", title="公交线路")
    draft_ds = make_dataset(org, state="draft", name="secret-set", title=SECRET)
    open_c = consultation(org, opens=dt.date(2024, 3, 1), closes=dt.date(2024, 4, 1))
    draft_c = consultation(org, opens=dt.date(2024, 3, 1), closes=dt.date(2024, 4, 1),
                           publish=False, title=SECRET)  # fmt: skip
    return {"doc": doc, "hidden": hidden, "ds": ds, "draft_ds": draft_ds, "c": open_c,
            "draft_c": draft_c}  # fmt: skip


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_staff_pages(db: Any) -> None:
    r = Client().get("/robots.txt")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    text = r.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text and "Disallow: /api/v1/staff/" in text


def test_favicon_is_served_and_linked(db: Any) -> None:
    r = Client().get("/favicon.ico")
    assert r.status_code == 200 and r["Content-Type"] == "image/x-icon"
    assert r.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert 'rel="icon"' in Client().get("/").content.decode()


def test_every_public_page_type_has_a_description_and_a_canonical_link(
    org: Any, public_site: dict[str, Any]
) -> None:
    doc, ds, c = public_site["doc"], public_site["ds"], public_site["c"]
    paths = ["/", "/gk/", f"/gk/{org.code}/", f"/gk/{org.code}/guide/", "/list/?category=notice",
             f"/documents/{doc.pk}/", "/search/?q=通知", "/data/", f"/data/{ds.name}/",
             "/consultations/", f"/consultations/{c.pk}/", "/mailbox/", "/participation/",
             "/decisions/", "/sitemap/"]  # fmt: skip
    client = Client()
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.content.decode()
        assert html.count('<meta name="description" content="') == 1, path
        assert '<link rel="canonical" href="http://testserver/' in html, path
    detail = client.get(f"/documents/{doc.pk}/").content.decode()
    assert '<meta name="description" content="公开通知的概述（' in detail
    listing = client.get("/list/?category=notice&page=1").content.decode()
    assert '<link rel="canonical" href="http://testserver/list/?category=notice">' in listing


def test_home_and_list_pages_advertise_their_feed(org: Any, public_site: dict[str, Any]) -> None:
    client = Client()
    atom = 'rel="alternate" type="application/atom+xml"'
    assert f'{atom} title="' in client.get("/").content.decode()
    assert 'href="/feeds/latest/"' in client.get("/").content.decode()
    assert 'href="/feeds/category/notice/"' in client.get("/list/?category=notice").content.decode()
    assert f'href="/feeds/org/{org.code}/"' in client.get(f"/list/?org={org.code}").content.decode()
    assert f'href="/feeds/org/{org.code}/"' in client.get(f"/gk/{org.code}/").content.decode()
    feed = client.get("/feeds/latest/")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    text = feed.content.decode()
    assert "关于公开的通知" in text and SECRET not in text


@pytest.mark.parametrize(
    "path", ["/data/", "/search/?q=通知", "/data/catalog.jsonld", "/consultations/", "/robots.txt",
             "/sitemap-datasets.xml", "/api/v1/datasets"],
)  # fmt: skip
def test_public_gets_carry_caching_headers_and_answer_304(
    path: str, public_site: dict[str, Any]
) -> None:
    client = Client()
    first = client.get(path)
    assert first.status_code == 200, path
    assert first.has_header("ETag") and "public" in first["Cache-Control"]
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_page_with_a_form_token_is_neither_shared_nor_compressed(org: Any) -> None:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.participation import services

    services.save_mailbox(by=SYSTEM, org=org, data={"code": "director", "name": "主任信箱"})
    client = Client()
    page = client.get("/mailbox/director/write/", HTTP_ACCEPT_ENCODING="br, gzip")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    assert "public" not in page.get("Cache-Control", "")
    assert not page.has_header("Content-Encoding")  # BREACH: a secret beside what was typed


@pytest.mark.parametrize(
    ("coding", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_public_responses_are_compressed(
    coding: str, decode: Any, public_site: dict[str, Any]
) -> None:
    client = Client()
    for path in ("/", "/sitemap.xml", "/data/catalog.jsonld", "/feeds/latest/"):
        plain = client.get(path).content
        packed = client.get(path, HTTP_ACCEPT_ENCODING=coding)
        assert packed["Content-Encoding"] == coding, path
        assert "accept-encoding" in packed["Vary"].lower()
        assert decode(packed.content) == plain and len(packed.content) < len(plain), path


def test_signed_in_pages_are_not_compressed(org: Any, public_site: dict[str, Any]) -> None:
    from gongkai.accounts.models import Role
    from gongkai.conftest import staff

    client = Client()
    client.force_login(staff(org, Role.EDITOR))
    assert not client.get("/", HTTP_ACCEPT_ENCODING="gzip").has_header("Content-Encoding")


def test_the_sitemap_lists_every_public_page_kind_and_nothing_else(
    org: Any, public_site: dict[str, Any]
) -> None:
    client = Client()
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text or "" for loc in index.iterfind("s:sitemap/s:loc", NS)]
    for kind in ("pages", "organizations", "documents", "datasets", "consultations", "letters",
                 "decisions", "reports"):  # fmt: skip
        assert any(s.endswith(f"/sitemap-{kind}.xml") for s in sections), kind
    urls: list[str] = []
    for section in sections:
        body = client.get(section.replace("http://testserver", ""))
        assert body.status_code == 200, section
        urls += [
            u.text or "" for u in ElementTree.fromstring(body.content).iterfind("s:url/s:loc", NS)
        ]
    assert f"http://testserver/data/{public_site['ds'].name}/" in urls
    assert f"http://testserver/consultations/{public_site['c'].pk}/" in urls
    assert f"http://testserver/gk/{org.code}/guide/" in urls
    assert "http://testserver/list/?category=interpretation" in urls
    assert any("/annual-report/" in u for u in urls)
    assert f"/data/{public_site['draft_ds'].name}/" not in " ".join(urls)
    assert f"/consultations/{public_site['draft_c'].pk}/" not in " ".join(urls)
    assert f"/documents/{public_site['hidden'].pk}/" not in " ".join(urls)
    for url in urls:  # every listed page answers (the annual reports of past years included)
        assert client.get(url.replace("http://testserver", "")).status_code == 200, url


def test_data_api_calls_are_logged_even_when_the_client_has_the_answer(db: Any) -> None:
    """The request log counts every call (接口可用率): the data APIs are never answered from the
    page cache, though a client holding the ETag still gets 304."""
    from gongkai.opendata.models import ApiRequest

    client = Client()
    first = client.get("/api/3/action/package_list")
    assert first.status_code == 200 and first.has_header("ETag")
    client.get("/api/3/action/package_list")
    assert (
        client.get("/api/3/action/package_list", HTTP_IF_NONE_MATCH=first["ETag"]).status_code
        == 304
    )
    assert ApiRequest.objects.filter(endpoint="ckan:package_list").count() == 3


# -- issue 19 §2: the page cache is invalidated by what changed, not by every audited action -----
def test_a_letter_or_a_sign_in_leaves_cached_pages_valid(org: Any, db: Any) -> None:
    from gongkai.audit.services import record
    from gongkai.participation import services as participation
    from gongkai.participation.tests.conftest import letter

    make_document(org, title="已发布的通知")
    box = participation.save_mailbox(by=SYSTEM, org=org, data={"code": "mayor", "name": "市长信箱"})
    client = Client()
    home, listing = client.get("/")["ETag"], client.get("/list/")["ETag"]
    letter(box, dt.date(2024, 3, 4))  # a citizen's letter: private until answered and published
    record("login.success", org_id=org.pk)
    record("application.submit", org_id=org.pk)
    assert client.get("/", HTTP_IF_NONE_MATCH=home).status_code == 304
    assert client.get("/list/")["ETag"] == listing


def test_a_publication_or_withdrawal_invalidates_the_pages_once(org: Any, db: Any) -> None:
    from gongkai.documents import services as documents

    client = Client()
    home, listing = client.get("/")["ETag"], client.get("/list/")["ETag"]
    doc = make_document(org, title="新发布的通知")
    after_home, after_list = client.get("/"), client.get("/list/")
    assert after_home["ETag"] != home and after_list["ETag"] != listing
    assert "新发布的通知" in after_list.content.decode()
    # the next reader gets the stored page again (one miss per change)
    assert client.get("/list/", HTTP_IF_NONE_MATCH=after_list["ETag"]).status_code == 304
    documents.withdraw(doc, by=SYSTEM, reason="测试撤回")
    assert "新发布的通知" not in client.get("/list/").content.decode()  # never stale


def test_an_action_nobody_listed_counts_as_public(org: Any, db: Any) -> None:
    from gongkai.audit.publicity import changes_public_pages
    from gongkai.audit.services import record

    client = Client()
    home = client.get("/")["ETag"]
    record("something.new", org_id=org.pk)
    assert client.get("/")["ETag"] != home
    assert changes_public_pages("letter.publish") and changes_public_pages("comment.submit")
    assert not changes_public_pages("letter.submit")


def test_live_counts_of_quiet_records_are_rendered_every_time(org: Any, db: Any) -> None:
    from gongkai.participation import services as participation
    from gongkai.participation.tests.conftest import letter

    box = participation.save_mailbox(by=SYSTEM, org=org, data={"code": "mayor", "name": "市长信箱"})
    client = Client()
    before = client.get("/mailbox/statistics/?year=2024")
    letter(box, dt.date(2024, 3, 4))
    after = client.get("/mailbox/statistics/?year=2024")
    assert before.status_code == after.status_code == 200
    assert before["ETag"] != after["ETag"]  # the count moved though no public action ran


# Queries per uncached page: a fixed bound that does not grow with the number of documents.
PAGE_QUERY_BOUNDS = {"/": 8, "/list/": 9, "/list/?category=notice": 10, "/gk/": 5,
                     "/feeds/latest/": 5, "/sitemap.xml": 28, "/participation/": 8,
                     "/mailbox/": 6, "/consultations/": 5, "/data/": 8}  # fmt: skip


@pytest.mark.parametrize("count", [3, 30])
def test_uncached_pages_run_a_bounded_number_of_queries(
    org: Any, settings: Any, django_assert_max_num_queries: Any, count: int
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    docs = [make_document(org, title=f"关于第{i}项工作的通知") for i in range(count)]
    client = Client()
    for path, bound in {**PAGE_QUERY_BOUNDS, f"/documents/{docs[0].pk}/": 10}.items():
        with django_assert_max_num_queries(bound):
            assert client.get(path).status_code == 200, path
