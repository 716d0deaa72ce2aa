"""`gongkai import_site URL --org CODE` against a local HTTP server serving fixture pages:
same host only, robots.txt honoured, depth and count bounded, sitemaps, idempotent."""

import functools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.documents.models import Document
from gongkai.imports.crawler import Crawler
from gongkai.imports.models import ImportRecord

from .helpers import FIXTURES, YINCHUAN, counts, gov_page, write_pages


class _Handler(SimpleHTTPRequestHandler):
    requested: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        self.requested.append(self.path)

    def do_GET(self) -> None:
        if self.path.startswith("/go-away"):  # a redirect off the host
            self.send_response(302)
            self.send_header("Location", "http://example.invalid/elsewhere.html")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    root = tmp_path / "site"
    link = lambda href, text: f"<li><a href='{href}'>{text}</a></li>"  # noqa: E731
    index = (
        "<html><head><meta charset='utf-8'><title>测试市发展和改革委员会</title></head><body>"
        "<ul>"
        + link("/xxgk/a1.html", "通知一")
        + link("xxgk/list.html", "更多")
        + link("/private/secret.html", "内部")
        + link("http://example.invalid/outside.html", "外站")
        + link("/files/plan.pdf", "附件")
        + link("/go-away.html", "跳转")
        + link("/deep/1.html", "深层")
        + "</ul></body></html>"
    )
    pages = {
        "index.html": index,
        "robots.txt": "User-agent: *\nDisallow: /private/\n",
        "xxgk/list.html": (
            "<html><body><ul>"
            + link("a2.html", "通知二")
            + link("a3.html", "解读")
            + "</ul><p>2020-05-06 关于开展检查的通知</p></body></html>"
        ),
        "xxgk/a1.html": gov_page("关于开展第一项检查的通知", index_no="640100-141/2020-00001"),
        "xxgk/a2.html": gov_page("关于开展第二项检查的通知", index_no="640100-141/2020-00002"),
        "xxgk/a3.html": gov_page("关于开展第三项检查的通知", index_no="640100-141/2020-00003"),
        "private/secret.html": gov_page("不应抓取的页面", index_no="640100-141/2020-00099"),
        "deep/1.html": "<html><body><a href='2.html'>下一层</a></body></html>",
        "deep/2.html": "<html><body><a href='3.html'>下一层</a></body></html>",
        "deep/3.html": gov_page("太深的页面", index_no="640100-141/2020-00098"),
        "sitemap.xml": (
            "<?xml version='1.0'?><urlset><url><loc>http://HOST/xxgk/a1.html</loc></url>"
            "<url><loc>http://HOST/old/yinchuan.txt</loc></url>"
            "<url><loc>http://example.invalid/x.html</loc></url></urlset>"
        ),
    }
    write_pages(root, pages)
    (root / "files").mkdir()
    (root / "files" / "plan.pdf").write_bytes(b"%PDF-1.4")
    (root / "old").mkdir()
    shutil.copy(FIXTURES / YINCHUAN, root / "old" / "yinchuan.txt")
    requested: list[str] = []
    handler = type("Handler", (_Handler,), {"requested": requested})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    host = f"127.0.0.1:{server.server_address[1]}"
    sitemap = root / "sitemap.xml"
    sitemap.write_text(sitemap.read_text().replace("HOST", host))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}", requested
    finally:
        server.shutdown()
        server.server_close()


def run_site(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("import_site", *args, "--delay", "0", "--format", "json", "--no-progress",
                 stdout=out, stderr=StringIO())  # fmt: skip
    return json.loads(out.getvalue())


def test_crawl_imports_articles_within_bounds(db: Any, org: Any, site: Any) -> None:
    base, requested = site
    report = run_site(base + "/index.html", "--org", org.code, "--max-depth", "2")
    titles = set(Document.objects.values_list("title", flat=True))
    assert titles == {
        "关于开展第一项检查的通知",
        "关于开展第二项检查的通知",
        "关于开展第三项检查的通知",
    }
    assert report["imported"] == 3 and report["failed"] == 0
    assert not any(p.startswith("/private/") for p in requested)  # robots.txt honoured
    assert base + "/private/secret.html" in report["crawl"]["robots_disallowed"]
    assert "/files/plan.pdf" not in requested  # attachments are not fetched
    assert "/deep/3.html" not in requested  # beyond --max-depth 2
    assert any(
        "go-away" in e["url"] for e in report["crawl"]["errors"]
    )  # off-host redirect refused
    assert report["crawl"]["not_articles"] >= 2  # index and list pages are followed, not imported
    rec = ImportRecord.objects.get(title="关于开展第二项检查的通知")
    assert rec.source_url == base + "/xxgk/a2.html" and rec.document is not None

    before = counts()
    again = run_site(base + "/index.html", "--org", org.code, "--max-depth", "2")
    assert again["unchanged"] == 3 and again["imported"] == 0
    assert counts() == before


def test_sitemap_start_and_page_count_bound(db: Any, org: Any, site: Any) -> None:
    base, requested = site
    report = run_site(base + "/sitemap.xml", "--org", org.code, "--max-depth", "1")
    assert report["imported"] == 2
    assert Document.objects.filter(index_no="640100-141/2019-00064").exists()  # the text page
    assert all("example.invalid" not in e["url"] for e in report["crawl"]["errors"])
    assert set(requested) == {"/robots.txt", "/sitemap.xml", "/xxgk/a1.html", "/old/yinchuan.txt"}

    requested.clear()
    crawler = Crawler(base + "/index.html", max_pages=3, delay=0)
    list(crawler.pages())
    assert crawler.log.requested == 3 and len(requested) == 3  # robots.txt counts as one


def test_dry_run_writes_nothing_and_bad_url(db: Any, site: Any) -> None:
    base, _ = site
    out = StringIO()
    call_command("import_site", base + "/index.html", "--dry-run", "--delay", "0",
                 "--format", "json", stdout=out)  # fmt: skip
    items = json.loads(out.getvalue())
    assert {i["index_no"] for i in items} >= {"640100-141/2020-00001", "640100-141/2020-00002"}
    assert counts()["records"] == 0 and counts()["documents"] == 0
    with pytest.raises(CommandError, match="http"):
        call_command("import_site", "ftp://example.invalid/", "--org", "x", stdout=StringIO())


def test_polite_delay_between_requests(site: Any) -> None:
    base, _ = site
    pauses: list[float] = []
    crawler = Crawler(base + "/xxgk/list.html", max_depth=1, delay=0.5, sleep=pauses.append)
    list(crawler.pages())
    assert crawler.log.requested >= 3
    assert len(pauses) == crawler.log.requested - 1 and all(0 < p <= 0.5 for p in pauses)


def test_lines_the_site_repeats_are_left_out_of_every_text(
    db: Any, org: Any, tmp_path: Path
) -> None:
    """A footer and a banner that no chrome rule knows, on every page of the site, stay out of
    the imported text; a salutation and a sentence that many documents share stay in."""
    banner = "<div>示范市数字政府建设 共建共享 服务人民</div>"
    footer = "<div>本网站由示范市大数据中心维护 联系电话 0571-88888888</div>"
    root = tmp_path / "repeating"
    links = "".join(f"<li><a href='/a{i}.html'>第{i}篇</a></li>" for i in range(6))
    pages = {"index.html": f"<html><body>{banner}<ul>{links}</ul>{footer}</body></html>"}
    for i in range(6):
        html_page = gov_page(
            f"关于开展第{i}项检查的通知", index_no=f"640100-141/2020-0001{i}", doc_number=f"银发改发〔2020〕{20 + i}号",
            body=("各县（市）区发展改革局，市直各有关单位：", "请认真贯彻执行。", f"第{i}项检查的安排如下。"),
        )  # fmt: skip
        pages[f"a{i}.html"] = html_page.replace("<body>", f"<body>{banner}").replace(
            "</body>", f"{footer}</body>"
        )
    write_pages(root, pages)
    handler = type("H", (_Handler,), {"requested": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        report = run_site(f"http://127.0.0.1:{server.server_port}/index.html", "--org", org.code)
    finally:
        server.shutdown()
    assert report["imported"] == 6
    late = Document.objects.get(title="关于开展第5项检查的通知")  # after four pages were seen
    assert "大数据中心" not in late.body_html and "共建共享" not in late.body_html
    assert "各县（市）区发展改革局" in late.body_html and "请认真贯彻执行" in late.body_html
