"""`/api/v1/search?gazette=1` (gazette-catalog spec §1, §4): only documents printed in a
published issue; a draft issue, no issue or a document no longer public never — on both search
backends (PostgreSQL's only when the suite runs on PostgreSQL), through the selector, the API
and the search page, also after a rebuild of the index."""

import re
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document
from gongkai.documents import services as documents
from gongkai.gazette import services
from gongkai.search import selectors as search
from gongkai.search.interface import GAZETTE_TAG, Filters

from .conftest import issue

pytestmark = pytest.mark.django_db


def printed(q: str, client: Any) -> set[str]:
    """Titles found for `q` with the gazette filter through every public door."""
    titles = {h.title for h in search.search(q, Filters(tag=GAZETTE_TAG)).hits}
    api = client.get("/api/v1/search", {"q": q, "gazette": "1"})
    assert api.status_code == 200
    assert {i["title"] for i in api.json()["items"]} == titles
    assert api.json()["count"] == len(titles)
    page = re.sub(r"<[^>]+>", "", client.get("/search/", {"q": q, "gazette": "1"}).content.decode())
    assert f"共找到 {len(titles)} 条结果" in page
    for title in titles:
        assert title in page
    return titles


def test_gazette_filter_keeps_only_documents_in_published_issues(
    backend: str, gazette: Any, city: Any, dept: Any, client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        in_issue = make_document(city, title="停车管理办法")
        in_draft = make_document(dept, title="停车收费通知")
        loose = make_document(city, title="停车场建设规划")
        gone = make_document(dept, title="停车泊位公告")
        make_document(city, "draft", title="停车草稿文件")
        make_document(city, title="停车涉密文件", disclosure_attribute="withheld",
                      disclosure_reason="国家秘密")  # fmt: skip
        draft_issue = issue(gazette, 2025, 1, 1, [in_draft], publish=False)
        assert printed("停车", client) == set()
        issue(gazette, 2025, 2, 2, [in_issue, gone])
    assert printed("停车", client) == {"停车管理办法", "停车泊位公告"}
    # a document printed and then withdrawn is no longer public: never a hit
    with django_capture_on_commit_callbacks(execute=True):
        documents.withdraw(gone, by=SYSTEM, reason="测试撤回")
    assert printed("停车", client) == {"停车管理办法"}
    assert printed("", client) == {"停车管理办法"}  # the filter alone lists them
    # without the filter every public one is a hit, never the draft or the withheld one
    everything = {h.title for h in search.search("停车").hits}
    assert everything == {"停车管理办法", "停车收费通知", "停车场建设规划"}
    # the tag survives a rebuild of the index from the database
    call_command("search_reindex", "--restart", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert printed("停车", client) == {"停车管理办法"}
    # publishing the draft issue reindexes its documents in the same transaction
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_issue(draft_issue, by=SYSTEM)
    assert printed("停车", client) == {"停车管理办法", "停车收费通知"}
    assert loose.pk and in_issue.pk
