"""The uncached render (issue 19 §2): a request the page cache cannot answer (a new query
string, a signed-in visitor) is built from fragments and objects stored under the public version,
so it costs one query; and a publication, withdrawal or edit shows in every fragment at once."""

import datetime as dt
import itertools
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document, staff
from gongkai.documents import services as documents
from gongkai.documents.models import Document

pytestmark = pytest.mark.django_db
_junk = itertools.count()


def miss(client: Client, path: str, status: int = 200) -> str:
    """The page asked with a query string nobody asked before: never a page-cache hit."""
    sep = "&" if "?" in path else "?"
    response = client.get(f"{path}{sep}_miss={next(_junk)}")
    assert response.status_code == status, path
    assert response.get("X-Cache") != "hit"  # rendered now (signed in: no X-Cache at all)
    return response.content.decode()


@pytest.fixture
def city(org: Any) -> dict[str, Document]:
    policy = make_document(org, title="示范市数据开放管理办法", category="normative",
                           published_on=dt.date(2024, 3, 1))  # fmt: skip
    old = make_document(org, title="关于春季防火的通知", published_on=dt.date(2024, 3, 2))
    return {"policy": policy, "old": old}


def pages(city: dict[str, Document]) -> list[str]:
    return ["/", "/list/", "/list/?category=notice", f"/documents/{city['old'].pk}/",
            f"/documents/{city['policy'].pk}/"]  # fmt: skip


def test_a_new_query_string_is_rendered_from_fragments_with_one_query(
    city: dict[str, Document], django_assert_max_num_queries: Any
) -> None:
    client = Client()
    for path in pages(city):
        sep = "&" if "?" in path else "?"
        first = client.get(f"{path}{sep}_miss=a").content.decode()
        with django_assert_max_num_queries(1):  # the public version; everything else is stored
            again = client.get(f"{path}{sep}_miss=b")
        assert again["X-Cache"] == "miss"
        # the same page: only the way back from 长者版/字号 names the address it was asked with
        assert again.content.decode() == first.replace("_miss%3Da", "_miss%3Db"), path


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_publication_shows_at_once_in_every_fragment(
    org: Any, city: dict[str, Document], signed_in: bool
) -> None:
    client = Client()
    if signed_in:  # a session passes the page cache by; the fragments are shared all the same
        client.force_login(staff(org, "editor"))
    for path in pages(city):
        miss(client, path)
    new = make_document(org, title="关于夏季防汛的通知", published_on=dt.date(2024, 3, 3))
    interpretation = make_document(org, title="《示范市数据开放管理办法》解读", category="interpretation",
                                   interprets=city["policy"], published_on=dt.date(2024, 3, 4))  # fmt: skip
    home = miss(client, "/")
    assert home.count("关于夏季防汛的通知") == 2  # 最新信息 and 通知公告
    assert home.count("《示范市数据开放管理办法》解读") == 3  # 最新信息, under its policy, 政策解读
    assert "关于夏季防汛的通知" in miss(client, "/list/")
    notices = miss(client, "/list/?category=notice")
    assert "关于夏季防汛的通知" in notices and "共 2 条" in notices
    # 上一篇 of the older notice, the interpretation under its policy, and its own page
    assert f'href="/documents/{new.pk}/"' in miss(client, f"/documents/{city['old'].pk}/")
    assert interpretation.title in miss(client, f"/documents/{city['policy'].pk}/")
    assert "<h1>关于夏季防汛的通知</h1>" in miss(client, f"/documents/{new.pk}/")
    # and the plain addresses too (the page cache is keyed by the same version)
    assert "关于夏季防汛的通知" in client.get("/").content.decode()


def test_a_withdrawal_disappears_at_once_from_every_fragment(
    org: Any, city: dict[str, Document]
) -> None:
    new = make_document(org, title="关于夏季防汛的通知", published_on=dt.date(2024, 3, 3))
    client = Client()
    for path in [*pages(city), f"/documents/{new.pk}/"]:
        assert "关于夏季防汛的通知" in miss(client, path) or path.endswith(f"{city['policy'].pk}/")
    documents.withdraw(new, by=SYSTEM, reason="内容有误")
    for path in pages(city):
        assert "关于夏季防汛的通知" not in miss(client, path), path
    assert "共 1 条" in miss(client, "/list/?category=notice")
    miss(client, f"/documents/{new.pk}/", status=404)


def test_an_edit_shows_at_once_in_every_fragment(org: Any, city: dict[str, Document]) -> None:
    from gongkai.organizations.services import save_organization

    client = Client()
    old = city["old"]
    for path in pages(city):
        miss(client, path)
    documents.withdraw(old, by=SYSTEM, reason="修改标题")
    documents.update_document(old, by=SYSTEM, data={"title": "关于春季森林防火的通知"})
    documents.submit(old, by=SYSTEM)
    documents.publish(old, by=SYSTEM)
    for path in ("/", "/list/", "/list/?category=notice"):
        page = miss(client, path)
        assert "关于春季森林防火的通知" in page and "关于春季防火的通知" not in page, path
    page = miss(client, f"/documents/{old.pk}/")
    assert "<h1>关于春季森林防火的通知</h1>" in page and "关于春季防火的通知" not in page
    # the organisation renamed: its document's 发布机构 and the home page's organisation tree
    org.name, org.short_name = "测试市发展改革委", "发展改革委"
    save_organization(org, by=SYSTEM)
    assert "<td>测试市发展改革委</td>" in miss(client, f"/documents/{old.pk}/")
    assert ">发展改革委</a>" in miss(client, "/")


def test_a_new_page_of_the_list_exists_as_soon_as_its_document_is_published(org: Any) -> None:
    for i in range(20):
        make_document(
            org, title=f"第{i}号通知", published_on=dt.date(2024, 1, 1) + dt.timedelta(days=i)
        )
    client = Client()
    assert "共 20 条" in miss(client, "/list/?category=notice")
    miss(client, "/list/?category=notice&page=2", status=404)  # the count is stored, the 404 not
    make_document(org, title="第21号通知", published_on=dt.date(2023, 12, 1))
    assert "第21号通知" in miss(client, "/list/?category=notice&page=2")
    assert "共 21 条" in miss(client, "/list/?category=notice")
    miss(client, "/list/?category=nothing", status=404)
    miss(client, "/list/?category=nothing", status=404)


def test_the_footer_follows_a_published_report_and_new_settings(db: Any) -> None:
    from gongkai.monitoring import services as monitoring
    from gongkai.portal.models import SiteSettings
    from gongkai.portal.selectors import forget_site_settings
    from gongkai.portal.services import save_site_settings

    client = Client()
    assert "网站年度报表" not in miss(client, "/")
    report = monitoring.save_site_report(by=SYSTEM, year=2024, entered={})
    monitoring.publish_site_report(report, by=SYSTEM, computed={}, today=dt.date(2025, 1, 20))
    assert 'href="/site-report/2024/"' in miss(client, "/")
    save_site_settings(
        SiteSettings(site_name="某市政府网", host="某市政府办公室", hotline="12345"), by=SYSTEM
    )
    forget_site_settings()  # as the admin does after saving
    page = miss(client, "/list/")
    assert "主办单位：某市政府办公室" in page and "某市政府网" in page
