"""The search interface on both backends (tantivy; PostgreSQL when the suite runs on it):
segmentation, 繁简, 文号/索引号, filters, facets, phrases, exclusion, highlighting, hostile
queries, stale-index re-check, the API and the page."""

import datetime as dt
import random
import threading
import time
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import transaction

from gongkai.search import selectors, services
from gongkai.search.interface import Filters, SearchEntry
from gongkai.search.models import Entry, Pending
from gongkai.search.query import MAX_QUERY_CHARS, parse


def entry(n: int, **kw: Any) -> SearchEntry:
    data: dict[str, Any] = {
        "key": f"t:{n}", "title": f"测试信息{n}", "url": f"/documents/{n}/",
        "body": "本文件为测试内容。", "org_code": "fgw", "org_name": "发展和改革委员会",
        "category_code": "notice", "category_name": "通知", "published_on": dt.date(2023, 5, 1),
        "index_no": f"640100-141/2023-{n:05d}",
    }  # fmt: skip
    data.update(kw)
    return SearchEntry(**data)


def put(capture: Any, *entries: SearchEntry) -> None:
    with capture(execute=True), transaction.atomic():
        services.index(list(entries))


def keys(q: str, **filters: Any) -> list[str]:
    return [h.key for h in selectors.search(q, Filters(**filters)).hits]


@pytest.fixture
def corpus(backend: str, django_capture_on_commit_callbacks: Any) -> None:
    put(
        django_capture_on_commit_callbacks,
        entry(1, title="关于印发专项资金管理办法的通知", body="为规范专项资金使用，加强财政监督，制定本办法。",
              doc_number="宁政发〔2023〕12号", topic_codes=("0101", "01"), topic_name="综合政务\\政务公开",
              validity="valid", validity_label="有效"),
        entry(2, title="推进政务公开工作要点", body="深化放管服改革，推进一网通办，做好依申请公开工作。",
              org_code="jyj", org_name="教育局", published_on=dt.date(2021, 3, 2), category_code="plan",
              category_name="计划"),
        entry(3, title="资金拨付情况公告", body="现将资金拨付情况公告如下：教育资金已拨付。",
              published_on=dt.date(2022, 1, 1), validity="expired", validity_label="失效"),
        entry(4, title="政策解读：专项资金管理办法", body="解读宁政发〔2023〕12号文件的主要内容。",
              published_on=dt.date(2023, 6, 1), category_code="interpretation", category_name="政策解读"),
    )  # fmt: skip


def test_words_inside_longer_words_are_found(corpus: None) -> None:
    # 资金 inside 专项资金: found because the index also holds the parts of each word
    assert set(keys("资金")) == {"t:1", "t:3", "t:4"}
    assert set(keys("专项资金")) == {"t:1", "t:4"}


def test_government_terms_and_traditional_characters(corpus: None) -> None:
    assert keys("放管服") == ["t:2"]
    assert keys("一网通办") == ["t:2"]
    assert keys("政務公開") == ["t:2"]  # 繁体 finds 简体
    assert keys("ＰＯＬＩＣＹ") == []  # full-width folded, no crash


def test_title_ranks_above_body(corpus: None) -> None:
    assert keys("专项资金 管理办法")[0] in ("t:1", "t:4")
    assert set(keys("专项资金 管理办法")) == {"t:1", "t:4"}


def test_doc_number_query_puts_that_document_first(corpus: None) -> None:
    r = selectors.search("宁政发[2023]12号")  # other brackets, normalised
    assert r.hits[0].key == "t:1" and r.hits[0].exact
    assert "t:4" in [h.key for h in r.hits]  # the interpretation citing it follows
    assert r.count == 2


def test_index_no_query_is_exact(corpus: None) -> None:
    r = selectors.search("640100-141/2023-00003")
    assert r.hits[0].key == "t:3" and r.hits[0].exact


def test_filters(corpus: None) -> None:
    assert keys("资金", year=2022) == ["t:3"]
    assert keys("工作", org="jyj") == ["t:2"]
    assert set(keys("资金", category="interpretation")) == {"t:4"}
    assert keys("资金", validity="expired") == ["t:3"]
    assert keys("资金", topic="01") == ["t:1"]  # a parent topic includes its sub-topics
    assert keys("资金", org="nobody") == []
    assert len(keys("", org="fgw")) == 3  # filters alone browse, newest first
    assert keys("", org="fgw")[0] == "t:4"


def test_facets_count_the_matches(corpus: None) -> None:
    r = selectors.search("资金")
    years = {f.value: f.count for f in r.facets["year"]}
    assert years == {"2023": 2, "2022": 1}
    cats = {f.value: (f.label, f.count) for f in r.facets["category"]}
    assert cats == {"notice": ("通知", 2), "interpretation": ("政策解读", 1)}
    assert {f.value: f.count for f in r.facets["validity"]} == {"valid": 1, "expired": 1}


def test_phrase_exclusion_and_fallback(corpus: None) -> None:
    assert set(keys('"专项资金管理办法"')) == {"t:1", "t:4"}
    assert keys('"管理办法专项资金"') == []
    assert set(keys("资金 -专项")) == {"t:3"}
    r = selectors.search("资金 不存在的词语组合乙丙丁")
    assert r.count > 0 and "部分词语" in r.message  # AND found nothing: any word


def test_phrases_need_the_words_in_a_row(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    put(
        django_capture_on_commit_callbacks,
        entry(1, body="各地要保障交通运输工作有序开展。"),
        entry(2, body="要保障交通运输，交通运输工作由各区负责。"),  # every pair, not in a row
        entry(3, body="交通运输保障工作。"),  # the words, in another order
        entry(4, body="保障，交通运输工作。"),  # punctuation between is no gap
    )
    assert set(keys('"保障交通运输"')) == {"t:1", "t:2", "t:4"}
    assert set(keys('"保障交通运输工作"')) == {"t:1", "t:4"}
    assert set(keys('"交通运输保障"')) == {"t:3"}
    assert keys('"工作保障"') == []


def test_equal_scores_list_the_newer_first(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    years = [2019, 2023, 2017, 2025, 2021, 2020]
    for n, year in enumerate(years, 1):  # one commit each: ties across index segments too
        put(
            django_capture_on_commit_callbacks,
            entry(n, title="同一标题", body="年度统计公报", published_on=dt.date(year, 1, 1)),
        )
    assert keys("统计公报") == ["t:4", "t:2", "t:5", "t:6", "t:1", "t:3"]
    second = selectors.search("统计公报", page=2, page_size=4)
    assert [h.key for h in second.hits] == ["t:1", "t:3"]


def test_pagination(backend: str, django_capture_on_commit_callbacks: Any) -> None:
    put(django_capture_on_commit_callbacks, *(entry(i, body="统计公报") for i in range(1, 26)))
    first = selectors.search("统计公报", page_size=10)
    second = selectors.search("统计公报", page=3, page_size=10)
    assert first.count == 25 and first.has_next and len(first.hits) == 10
    assert len(second.hits) == 5 and not second.has_next
    with pytest.raises(selectors.SearchError):
        selectors.search("统计", page=0)
    assert "最多显示" in selectors.search("统计", page=101).message


def test_snippets_are_escaped_and_marked(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    put(
        django_capture_on_commit_callbacks,
        entry(
            9,
            title="<script>alert(1)</script>预算公开",
            body='<img src=x onerror=alert(1)>"预算公开"的说明',
        ),
    )
    hit = selectors.search("预算公开").hits[0]
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<img" not in hit.snippet_html
    assert "<mark>预算公开</mark>" in hit.snippet_html and "<mark>预算公开</mark>" in hit.title_html


def test_a_stale_index_never_shows_a_removed_entry(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    put(django_capture_on_commit_callbacks, entry(5, body="独一无二的词甲乙"))
    assert keys("独一无二") == ["t:5"]
    # the row goes (as in a withdrawal) but the index update is left queued
    Entry.objects.filter(key="t:5").delete()
    assert keys("独一无二") == []
    services.flush()
    assert keys("独一无二") == []


def test_remove_and_queue(backend: str, django_capture_on_commit_callbacks: Any) -> None:
    put(django_capture_on_commit_callbacks, entry(6, body="审计整改报告"))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.remove(["t:6"])
    assert keys("审计整改") == []
    assert not Pending.objects.exists()
    assert services.check(set())["extra_in_index"] == []


HOSTILE = [
    "", " ", "\"", '""', "*", "NEAR(", "AND OR", ":", "(", ")", "title:x", "-", "--", "- -",
    "' OR 1=1; DROP TABLE search_entry; --", "%", "_", "\\", "\x00", "“", "「", "”",
    "政务 AND", "a" * 5000, "政" * 5000, "<script>", "～！＠＃￥％……＆＊（）", "🙂🙂",
    "Ｆｕｌｌ width", "政务公开 policy 2023", "-政务", '"-"', "国办发〔", "640100-141/",
]  # fmt: skip


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_answer_normally(corpus: None, q: str) -> None:
    r = selectors.search(q)
    assert r.count >= 0 and isinstance(r.message, str)


def test_random_strings_never_break_the_parser_or_search(corpus: None) -> None:
    rng = random.Random(6)
    alphabet = "政务公开资金\"'*:()-+[]{}<>!^~ \t\\/%_&|;AaNnDdOoRr0123456789〔〕“”「」　－"
    for _ in range(150):
        q = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        parsed = parse(q)
        assert len(parsed.raw) <= MAX_QUERY_CHARS
        selectors.search(q)


def test_long_query_is_cut_and_says_so(corpus: None) -> None:
    r = selectors.search("资金" * 200)
    assert "过长" in r.message


def test_api_shape_and_errors(corpus: None, client: Any) -> None:
    resp = client.get("/api/v1/search", {"q": "资金", "page_size": 2})
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert body["next"].startswith("http://testserver/api/v1/search?") and "page=2" in body["next"]
    item = body["items"][0]
    assert {"index_no", "title", "snippet", "score", "url", "org"} <= set(item)
    assert "<mark>" in item["snippet"]
    assert {"org", "year", "category", "topic", "validity"} == set(body["facets"])
    last = client.get("/api/v1/search", {"q": "资金", "page_size": 2, "page": 2}).json()
    assert last["next"] is None and len(last["items"]) == 1
    bad = client.get("/api/v1/search", {"q": "资金", "page": 0})
    assert bad.status_code == 422 and bad.json()["error"]["fields"]["page"]
    bad = client.get("/api/v1/search", {"q": "资金", "year": "abc"})
    assert bad.status_code == 422
    for q in HOSTILE[:20]:
        # a NUL is refused by the API as input (gongkai/api.py: PostgreSQL text cannot hold it)
        expected = 422 if "\x00" in q else 200
        assert client.get("/api/v1/search", {"q": q}).status_code == expected


def test_search_page_works_without_javascript(corpus: None, client: Any) -> None:
    resp = client.get("/search/", {"q": "资金"})
    html = resp.content.decode()
    assert resp.status_code == 200 and '<form class="search-form" method="get"' in html
    assert "共找到 3 条结果" in html and "<mark>资金</mark>" in html
    assert "?q=%E8%B5%84%E9%87%91&amp;year=2022" in html  # a facet is a plain link
    narrowed = client.get("/search/", {"q": "资金", "year": "2022"}).content.decode()
    assert "共找到 1 条结果" in narrowed
    assert client.get("/search/").status_code == 200
    assert "年份应为四位数字" in client.get("/search/", {"q": "x", "year": "20x"}).content.decode()
    assert client.get("/search/", {"q": '"NEAR(', "page": "-3"}).status_code == 200


def test_search_command_reindex_check_flush(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    # an entry no public document stands behind: drift, which reindex repairs
    put(django_capture_on_commit_callbacks, entry(7, body="漂移检查专用词"))
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("search", "check", stdout=out)
    assert exited.value.code == 1 and "已不公开但仍有检索条目：1" in out.getvalue()
    out = StringIO()
    call_command("search", "reindex", stdout=out)
    assert "已重建全文检索索引：0 条公开信息" in out.getvalue()
    assert keys("漂移检查专用词") == [] and not Entry.objects.exists()
    out = StringIO()
    call_command("search", "check", stdout=out)
    assert "索引与数据库一致" in out.getvalue()
    out = StringIO()
    call_command("search", "flush", stdout=out)
    assert "已应用" in out.getvalue()
    call_command("search_reindex", "--check", stdout=StringIO())  # the old name still works
    out = StringIO()
    call_command("search", "reindex", "--restart", stdout=out)
    assert "已重建全文检索索引：0 条公开信息" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("search", "nonsense")


def test_search_command_help_names_the_subcommands(capsys: Any) -> None:
    from django.core.management import call_command

    with pytest.raises(SystemExit):
        call_command("search", "--help")
    assert "reindex" in capsys.readouterr().out


def test_an_interrupted_rebuild_resumes_from_its_checkpoint_without_duplicates(
    backend: str, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Interrupted once while storing entries and once while indexing, each after one batch:
    each re-run goes on from the checkpoint, and the end result is complete and single."""
    from gongkai.search.backends import tantivy as tantivy_backend
    from gongkai.search.models import Checkpoint

    monkeypatch.setattr(tantivy_backend, "COMMIT_SECONDS", 0.0)  # commit after every batch
    monkeypatch.setattr(tantivy_backend, "WORKERS", 1)
    monkeypatch.setattr(services, "INDEX_BATCH", 2)
    put(django_capture_on_commit_callbacks, entry(99, body="续建测试词 已不公开"))
    docs = [entry(n, body=f"续建测试词 第{n}条") for n in range(1, 11)]
    asked: list[int] = []
    fail = {"entries": True, "index": True}

    def source(after: int) -> Any:
        asked.append(after)
        for start in range(after, len(docs), 2):  # the cursor is the number of docs given
            yield start + 2, docs[start : start + 2]
            if fail["entries"] and start == 0:
                raise RuntimeError("注入的故障：写入第一批后中断")

    def progress(stage: str, done: int) -> None:
        if fail["index"] and stage == "index" and done > 2:
            raise RuntimeError("注入的故障：索引第一批后中断")

    with pytest.raises(RuntimeError, match="写入第一批后"):
        services.rebuild(source, progress)
    assert Checkpoint.objects.get().source_cursor == 2 and "已写入 2 条" in services.checkpoint()
    fail["entries"] = False
    with pytest.raises(RuntimeError, match="索引第一批后"):
        services.rebuild(source, progress)
    assert asked == [0, 2]  # the second run went on after the first batch
    state = Checkpoint.objects.get()
    assert state.stage == "index" and state.index_cursor > 0  # the first index batch is kept
    assert not Entry.objects.filter(key="t:99").exists()
    fail["index"] = False
    assert services.rebuild(source, progress) == 10
    assert asked == [0, 2]  # the entries were not read again
    assert not Checkpoint.objects.exists() and services.checkpoint() == ""
    found = selectors.search("续建测试词")
    assert found.count == 10  # each entry once: nothing doubled, the withdrawn one gone
    assert services.check({e.key for e in docs}) == {
        "missing_entries": [], "extra_entries": [], "missing_in_index": [],
        "extra_in_index": [], "pending": [],
    }  # fmt: skip
    if backend == "tantivy":
        from gongkai.search.backends import index_dir

        assert tantivy_backend.open_index(index_dir()).index.searcher().num_docs == 10


def test_a_batch_committed_before_its_checkpoint_is_not_doubled(tmp_path: Any) -> None:
    """A crash between the index commit and the saved checkpoint: the batch comes again."""
    from gongkai.search.backends.tantivy import TantivyBackend

    index = TantivyBackend(tmp_path / "index")
    docs = [entry(n, body="提交后中断词") for n in range(1, 7)]
    batches = [(n + 2, docs[n : n + 2]) for n in range(0, 6, 2)]
    saved: list[int] = []

    def checkpoint(cursor: int) -> None:
        if len(saved) == 1:  # the second batch is committed, then the process dies
            raise RuntimeError("注入的故障：检查点未保存")
        saved.append(cursor)

    with pytest.raises(RuntimeError, match="检查点未保存"):
        index.rebuild(batches, checkpoint=checkpoint, workers=1, commit_seconds=0)
    assert saved == [2] and index.index.searcher().num_docs == 4  # two batches committed
    rest = [b for b in batches if b[0] > saved[-1]]
    assert index.rebuild(rest, resume=True, workers=1, commit_seconds=0) == 4
    index.index.reload()
    assert index.index.searcher().num_docs == 6 and index.keys() == {e.key for e in docs}


def test_facets_of_a_very_large_result_are_estimated_and_say_so(
    corpus: None, backend: str, monkeypatch: Any, client: Any
) -> None:
    exact = selectors.search("资金")
    assert exact.count == 3 and not exact.facets_estimated
    assert client.get("/api/v1/search", {"q": "资金"}).json()["facets_estimated"] is False
    from gongkai.search.backends import postgres as postgres_backend
    from gongkai.search.backends import tantivy as tantivy_backend

    module: Any = tantivy_backend if backend == "tantivy" else postgres_backend
    monkeypatch.setattr(module, "EXACT_FACETS_UP_TO", 1)
    if backend == "postgres":  # buckets by entry id: the matches' ids are a, a+2, a+3, so with
        monkeypatch.setattr(module, "SAMPLES", 2)  # two buckets one of them is in the sample
    estimated = selectors.search("资金")
    assert estimated.count == 3 and estimated.facets_estimated  # the hit count stays exact
    share = -(-module.SAMPLES // 3)  # the buckets sampled for 3 matches
    scaled = {round(k * module.SAMPLES / share) for k in (1, 2, 3)}
    for values in estimated.facets.values():  # counted in the sample, then scaled up
        assert {v.count for v in values} <= scaled
    assert client.get("/api/v1/search", {"q": "资金"}).json()["facets_estimated"] is True
    assert "约" in client.get("/search/", {"q": "资金"}).content.decode()


@pytest.mark.django_db(transaction=True)
def test_publications_committed_during_a_flush_share_one_index_commit(monkeypatch: Any) -> None:
    from django.db import connection

    from gongkai.search import backends

    backend = backends.current()  # tantivy, the deferred backend: updates wait in Pending
    writes: list[int] = []
    real_write = backend.write

    def counting_write(upserts: Any, deletes: Any) -> None:
        writes.append(len(upserts))
        real_write(upserts, deletes)

    monkeypatch.setattr(backend, "write", counting_write)
    errors: list[BaseException] = []

    def publish(n: int) -> None:
        try:
            with transaction.atomic():
                services.index([entry(n, body="分组提交")])
        except BaseException as e:  # reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(1, 7)]
    with services._flush_lock:  # a flush in progress: the six commit and wait behind it
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while Pending.objects.count() < 6 and time.monotonic() < deadline:
            time.sleep(0.02)
    for t in threads:
        t.join()
    assert errors == []
    assert writes == [6]  # the first applies all six in one commit, the others find none left
    assert Pending.objects.count() == 0
    assert selectors.search("分组提交").count == 6
