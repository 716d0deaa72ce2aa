"""Documents feed search explicitly, and nothing non-public ever leaks into it — on both
search backends (PostgreSQL's only when the suite runs on PostgreSQL)."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document
from gongkai.documents import services
from gongkai.search import selectors as search
from gongkai.search import services as search_services
from gongkai.search.backends import tantivy as tantivy_backend
from gongkai.search.interface import Filters
from gongkai.search.models import Entry


def found(q: str, client: Any) -> set[str]:
    """Titles found for `q` through every public door: the selector, the API and the page."""
    titles = {h.title for h in search.search(q).hits}
    api = client.get("/api/v1/search", {"q": q}).json()
    assert {i["title"] for i in api["items"]} == titles
    page = re.sub(r"<[^>]+>", "", client.get("/search/", {"q": q}).content.decode())
    assert f"共找到 {len(titles)} 条结果" in page
    for title in titles:
        assert title in page
    return titles


def test_nothing_non_public_leaks(
    backend: str, org: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # every item has its own words, so even the any-word fallback cannot bring another back
    with django_capture_on_commit_callbacks(execute=True):
        make_document(org, title="鸵鸟通知", body_html="<p>鸵鸟正文</p>")
        make_document(org, "draft", title="企鹅通知", body_html="<p>企鹅正文</p>")
        make_document(org, "pending", title="海豚通知", body_html="<p>海豚正文</p>")
        make_document(org, "withdrawn", title="骆驼通知", body_html="<p>骆驼正文</p>")
        make_document(
            org,
            title="松鼠通知",
            body_html="<p>松鼠正文</p>",
            disclosure_attribute="on_request",
            disclosure_reason="涉及第三方",
        )
        make_document(
            org,
            title="熊猫通知",
            body_html="<p>熊猫正文</p>",
            disclosure_attribute="withheld",
            disclosure_reason="国家秘密",
        )
        make_document(org, title="孔雀通知", body_html="<p>猎豹机密 孔雀正文</p>",
                      public_body_html="<p>孔雀正文</p>", disclosure_attribute="redacted",
                      disclosure_reason="含个人信息")  # fmt: skip
    assert found("鸵鸟", client) == {"鸵鸟通知"}
    for secret in ["企鹅", "海豚", "骆驼", "松鼠", "熊猫", "猎豹", "猎豹机密", "企鹅 海豚 骆驼"]:
        assert found(secret, client) == set(), secret
    assert found("通知", client) == {"鸵鸟通知", "孔雀通知"}
    assert found("孔雀", client) == {"孔雀通知"}
    hit = search.search("孔雀").hits[0]
    assert "猎豹" not in hit.snippet_html
    assert Entry.objects.count() == 2


def test_withdrawal_hides_even_when_the_index_update_fails(
    backend: str, org: Any, client: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        doc = make_document(org, title="将被撤回的信息", body_html="<p>独特词语壬癸</p>")
    assert found("独特词语壬癸", client) == {"将被撤回的信息"}

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("磁盘已满")

    monkeypatch.setattr(tantivy_backend.TantivyBackend, "write", broken)
    monkeypatch.setattr(search_services, "RETRY_DELAYS", ())
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(doc, by=SYSTEM, reason="内容有误")
    doc.refresh_from_db()
    assert doc.status == "withdrawn"
    assert found("独特词语壬癸", client) == set()
    assert found("将被撤回的信息", client) == set()
    monkeypatch.undo()
    search_services.flush()
    assert search_services.check(set())["extra_in_index"] == []


def test_a_failed_index_update_keeps_the_publication_and_reindex_repairs_it(
    backend: str, org: Any, client: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("分词失败")

    monkeypatch.setattr(search_services, "_store", broken)
    with django_capture_on_commit_callbacks(execute=True):
        doc = make_document(org, title="索引失败仍然发布", body_html="<p>恢复测试词子丑</p>")
    assert doc.status == "published" and doc.index_no
    assert found("恢复测试词子丑", client) == set()
    monkeypatch.undo()
    with pytest.raises(SystemExit):
        call_command("search_reindex", "--check")
    call_command("search_reindex")
    assert found("恢复测试词子丑", client) == {"索引失败仍然发布"}
    call_command("search_reindex", "--check")  # no drift: no SystemExit


def test_reindex_drops_what_is_no_longer_public(
    backend: str, org: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_document(org, title="保留的信息", body_html="<p>重建测试寅</p>")
        gone = make_document(org, title="已撤回的信息", body_html="<p>重建测试寅</p>")
    # a withdrawal that bypassed the services (e.g. a manual fix in the database)
    type(gone).objects.filter(pk=gone.pk).update(status="withdrawn")
    call_command("search_reindex")
    assert found("重建测试寅", client) == {"保留的信息"}


def test_lapse_updates_validity_in_search(
    backend: str, org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_document(org, title="到期失效的办法", category="normative",
                      body_html="<p>有效期测试卯</p>", validity="valid",
                      effective_on=dt.date(2020, 3, 1), expires_on=dt.date(2021, 3, 1))  # fmt: skip
        services.lapse_validity(today=dt.date(2022, 1, 1))
    assert [h.validity_label for h in search.search("有效期测试卯").hits] == ["失效"]
    assert search.search("有效期测试卯", Filters(validity="expired")).count == 1
    assert search.search("有效期测试卯", Filters(validity="valid")).count == 0


def test_rebuild_sources_number_their_cursor_apart(
    org: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A checkpoint inside a later source resumes there: the documents are not read again."""
    from gongkai.documents.management.commands import search_reindex as cmd

    with django_capture_on_commit_callbacks(execute=True):
        doc = make_document(org, title="游标测试", body_html="<p>游标</p>")
    seen: list[tuple[str, int]] = []

    def other(after: int) -> Any:
        seen.append(("other", after))
        yield 7, []

    monkeypatch.setattr(cmd, "sources", lambda: [(cmd.public_batches, cmd.document_keys),
                                                 (other, list)])  # fmt: skip
    first = list(cmd.all_batches(0))
    assert [c for c, _ in first] == [doc.pk, cmd.SPAN + 7]
    assert [e.key for e in first[0][1]] == [services.search_key(doc.pk)]
    assert [c for c, _ in cmd.all_batches(cmd.SPAN + 3)] == [cmd.SPAN + 7]
    assert seen == [("other", 0), ("other", 3)]
