"""The public site: every page renders, nothing non-public leaks, bad parameters give 404,
pages answer conditional GETs, and list/document pages need a fixed number of queries."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document
from gongkai.documents import services
from gongkai.documents.models import DirectoryItem, Document, InfoCategory

pytestmark = pytest.mark.django_db
SECRET = "内部秘密内容"


@pytest.fixture
def site(org: Any, topic: Any) -> dict[str, Any]:
    item = services.save_directory_item(
        DirectoryItem(org=org, name="法规文件", responsible="法规科"), by=SYSTEM
    )
    policy = make_document(
        org, title="示范市数据开放管理办法", category="normative", topic=topic, doc_number="示发改〔2024〕3号",
        written_on=dt.date(2024, 3, 1), published_on=dt.date(2024, 3, 5), directory_item=item, department="法规科",
    )  # fmt: skip
    interpretation = make_document(
        org, title="《示范市数据开放管理办法》政策解读", category="interpretation", interprets=policy,
        written_on=dt.date(2024, 3, 5), published_on=dt.date(2024, 3, 6),
    )  # fmt: skip
    plain = make_document(
        org, title="发展改革委召开推进会", category="news", published_on=dt.date(2024, 3, 7)
    )
    return {"item": item, "policy": policy, "interpretation": interpretation, "plain": plain}


def _every_public_path(org: Any, docs: list[Document]) -> list[str]:
    paths = ["/", "/gk/", f"/gk/{org.code}/", f"/gk/{org.code}/guide/", f"/gk/{org.code}/reports/", "/list/",
             f"/list/?org={org.code}", "/list/?category=notice", "/list/?year=2020", "/sitemap/", "/sitemap.xml",
             "/sitemap-documents.xml", "/sitemap-pages.xml", "/sitemap-organizations.xml", f"/feeds/org/{org.code}/",
             "/feeds/category/notice/", "/feeds/category/normative/", "/feeds/latest/", "/robots.txt",
             "/sitemap-datasets.xml", "/sitemap-consultations.xml", "/sitemap-letters.xml",
             "/sitemap-decisions.xml", "/sitemap-reports.xml"]  # fmt: skip
    return paths + [f"/documents/{d.pk}/" for d in docs]


def test_nothing_non_public_appears_on_any_public_page_feed_or_sitemap(
    org: Any, site: dict[str, Any]
) -> None:
    hidden = []
    for state in ("draft", "pending", "withdrawn"):
        hidden.append(
            make_document(org, state=state, title=f"{state}{SECRET}", body_html=f"<p>{SECRET}</p>")
        )
    for attr in ("on_request", "withheld"):
        hidden.append(make_document(org, title=f"{attr}{SECRET}", disclosure_attribute=attr, disclosure_reason="理由",
                                    body_html=f"<p>{SECRET}</p>"))  # fmt: skip
    redacted = make_document(org, title="删减后公开的通知", disclosure_attribute="redacted", disclosure_reason="含个人信息",
                             body_html=f"<p>{SECRET}</p>", public_body_html="<p>公开版本</p>")  # fmt: skip
    # a private attachment on a published document, and a non-public interpretation of a public policy
    services.withdraw(redacted, by=SYSTEM, reason="补充附件")
    services.add_attachment(
        redacted, by=SYSTEM, upload=SimpleUploadedFile("内部名单.pdf", b"%PDF-1.4"), is_public=False
    )
    services.submit(redacted, by=SYSTEM)
    services.publish(redacted, by=SYSTEM)
    make_document(
        org,
        state="draft",
        title=f"解读草稿{SECRET}",
        category="interpretation",
        interprets=site["policy"],
    )
    client = Client()
    seen = []
    for path in _every_public_path(org, [*site.values(), redacted][1:]):
        response = client.get(path)
        assert response.status_code == 200, path
        seen.append(response.content.decode())
    for doc in hidden:
        assert client.get(f"/documents/{doc.pk}/").status_code == 404
    everything = "\n".join(seen)
    assert SECRET not in everything and "内部名单" not in everything
    for doc in hidden:
        assert f"/documents/{doc.pk}/" not in everything
    assert "公开版本" in client.get(f"/documents/{redacted.pk}/").content.decode()


def test_document_page_shows_metadata_links_and_tools(site: dict[str, Any]) -> None:
    page = Client().get(f"/documents/{site['policy'].pk}/").content.decode()
    for label, value in [("索引号", site["policy"].index_no), ("文号", "示发改〔2024〕3号"), ("成文日期", "2024年3月1日"),
                         ("发布日期", "2024年3月5日"), ("主题分类", "综合政务\\政务公开"), ("效力状态", "有效"), ("责任部门", "法规科")]:  # fmt: skip
        assert re.search(rf"<th scope=\"row\">{label}</th><td>{re.escape(value)}", page), label
    assert "《示范市数据开放管理办法》政策解读" in page  # the linked interpretation
    assert "打印本页" in page and "扫一扫在手机打开当前页" in page and "<svg" in page
    assert 'lang="zh-CN"' in page and 'href="#main"' in page
    back = Client().get(f"/documents/{site['interpretation'].pk}/").content.decode()
    assert "示范市数据开放管理办法" in back and "相关政策文件" in back


def test_missing_fields_are_left_out_not_shown_empty(site: dict[str, Any]) -> None:
    page = Client().get(f"/documents/{site['plain'].pk}/").content.decode()
    for label in ("文号", "效力状态", "责任部门", "主题分类"):
        assert f">{label}</th>" not in page, label


def test_previous_and_next_stay_within_the_list(org: Any, site: dict[str, Any]) -> None:
    older = make_document(
        org, title="较早的动态", category="news", published_on=dt.date(2024, 1, 1)
    )
    newer = make_document(
        org, title="较新的动态", category="news", published_on=dt.date(2024, 5, 1)
    )
    page = Client().get(f"/documents/{site['plain'].pk}/").content.decode()
    assert f'上一篇：<a href="/documents/{newer.pk}/">' in page
    assert f'下一篇：<a href="/documents/{older.pk}/">' in page
    assert (
        "示范市数据开放管理办法" not in page.split("上一篇")[1]
    )  # another category is not a neighbour


def test_list_filters_pagination_and_stable_urls(
    org: Any, other_org: Any, site: dict[str, Any]
) -> None:
    for i in range(25):
        make_document(
            other_org, title=f"教育通知{i}", published_on=dt.date(2023, 1, 1) + dt.timedelta(days=i)
        )
    client = Client()
    page = client.get("/list/?org=jyj").content.decode()
    assert "共 25 条" in page and "第 1/2 页" in page and 'href="?org=jyj&amp;page=2"' in page
    assert "教育通知4" not in page and "教育通知24" in page
    assert "教育通知0" in client.get("/list/?org=jyj&page=2").content.decode()
    assert (
        "共 1 条"
        in client.get(
            "/list/?category=normative&validity=valid&year=2024&topic=01"
        ).content.decode()
    )
    item_page = client.get(f"/list/?org=fgw&item={site['item'].pk}").content.decode()
    assert "示范市数据开放管理办法" in item_page and "推进会" not in item_page


@pytest.mark.parametrize(
    "query",
    [
        "year=20x9",
        "year=99999",
        "page=99999",
        "page=abc",
        "category=nope",
        "topic=99",
        "validity=good",
        "org=nobody",
        "item=x",
    ],
)
def test_malformed_parameters_give_404_not_500(db: Any, query: str) -> None:
    response = Client().get(f"/list/?{query}")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_conditional_get_answers_304(site: dict[str, Any]) -> None:
    client = Client()
    for path in ("/", "/list/", f"/documents/{site['policy'].pk}/"):
        first = client.get(path)
        assert first.has_header("ETag")
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, path
    # 长者版 changes the markup, so it changes the ETag
    elder = Client()
    elder.cookies["mode"] = "elder"
    assert elder.get("/")["ETag"] != client.get("/")["ETag"]
    # a change to public content invalidates the list's ETag
    etag = client.get("/list/")["ETag"]
    make_document(site["policy"].org, title="新发布")
    assert client.get("/list/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_elder_mode_and_font_size_work_without_javascript(site: dict[str, Any]) -> None:
    client = Client()
    response = client.get("/mode/elder/?next=/list/")
    assert response.status_code == 302 and response["Location"] == "/list/"
    assert 'class="fs-m elder"' in client.get("/list/").content.decode()
    client.get("/font/l/?next=/")
    assert 'class="fs-l elder"' in client.get("/").content.decode()
    assert (
        client.get("/mode/standard/?next=https://evil.example/")["Location"] == "/"
    )  # no open redirect
    assert "elder" not in client.get("/").content.decode().split("<body")[1].split(">")[0]


def test_query_counts_do_not_grow_with_content(
    org: Any, site: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.get("/list/")  # warm the site-settings cache
    for i in range(30):
        make_document(org, title=f"批量{i}", published_on=dt.date(2024, 6, 1))
    with django_assert_max_num_queries(8):
        assert client.get("/list/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/documents/{site['policy'].pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/gk/{org.code}/").status_code == 200


def test_feeds_and_sitemap_are_well_formed(org: Any, site: dict[str, Any]) -> None:
    from xml.etree import ElementTree

    client = Client()
    feed = ElementTree.fromstring(client.get(f"/feeds/org/{org.code}/").content)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 3
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    # pages, organisations, documents, datasets, consultations, letters, decisions, reports,
    # lists, gazette, catalog, enforcement, execution
    assert len(index) == 13
    urls = ElementTree.fromstring(client.get("/sitemap-documents.xml").content)
    assert len(urls) == 3


def test_site_chrome_comes_from_settings(db: Any) -> None:
    from gongkai.portal.models import SiteSettings
    from gongkai.portal.selectors import forget_site_settings
    from gongkai.portal.services import save_site_settings

    save_site_settings(SiteSettings(site_name="某市政府网", host="某市政府办公室", site_code="1234567890",
                                    icp="某ICP备1号", police_record="某公网安备1号", correction_url="mailto:a@b.cn"), by=SYSTEM)  # fmt: skip
    forget_site_settings()
    page = Client().get("/").content.decode()
    for text in (
        "某市政府网",
        "主办单位：某市政府办公室",
        "网站标识码：1234567890",
        "某ICP备1号",
        "某公网安备1号",
        "我要纠错",
        "12345",
    ):
        assert text in page, text


def test_categories_exist_for_the_navigation(db: Any) -> None:
    assert {"normative", "interpretation", "notice"} <= set(
        InfoCategory.objects.values_list("code", flat=True)
    )


def test_server_errors_show_a_chinese_page(db: Any, monkeypatch: Any) -> None:
    from gongkai.portal import selectors

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database exploded")

    monkeypatch.setattr(selectors, "organizations_tree", broken)
    response = Client(raise_request_exception=False).get("/gk/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务暂时不可用" in page and "exploded" not in page and 'lang="zh-CN"' in page
