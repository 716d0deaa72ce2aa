"""`gongkai import_site URL --org CODE [--dry-run] [--format json|text]`: crawl an old site and
import its pages (the issue's `import-site`; Django names a command after its module).

The crawl (gongkai.imports.crawler) starts at URL — a start page, or a sitemap ending in .xml —
stays on its host, honours robots.txt, waits `--delay` seconds between requests (default 1) and
stops at `--max-pages` requests (default 500) and `--max-depth` links from the start (default
3). Every fetched page that reads as an article (a title, a text, and a 发布日期, 成文日期 or
索引号) is imported exactly as `import_pages` imports a file, with its URL as the original
address; list and navigation pages are only followed. Lines the site repeats on most pages fetched so far
(navigation, footer, banners; lib/pageimport/sitelines.py) are left out of the text. `--dry-run` prints the extracted records
and writes nothing. Running the same crawl again imports only what is new; an interrupted crawl
is continued by running it again. Exit status 1 when interrupted.
"""

import json
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.imports.crawler import Crawler, CrawlError, Fetched
from gongkai.imports.management import batchrun
from gongkai.imports.models import ImportBatch
from gongkai.lib.pageimport import (
    PageDecodeError,
    PageRecord,
    SiteLines,
    decode,
    extract,
    page_lines,
)


def as_article(fetched: Fetched, site: SiteLines) -> PageRecord | None:
    """The extracted record when the page is an article, None for lists and navigation. Every
    page fetched, article or not, first counts toward what the site repeats on most pages."""
    try:
        text = decode(fetched.body)
    except PageDecodeError:
        return None
    site.add(page_lines(text, fetched.url))
    record = extract(text, fetched.url, site.common())
    dated = record.published_on or record.written_on or record.index_no
    return record if record.title and record.body_text and dated else None


class Command(BaseCommand):
    help = "抓取旧网站（同一域名、遵守 robots.txt、限速、限深度和数量）并导入其中的信息页面"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", metavar="URL", help="旧网站的起始页或 sitemap.xml 网址")
        parser.add_argument("--org", metavar="CODE", help="导入到的机构代码")
        parser.add_argument("--dry-run", action="store_true", help="只抓取并显示提取结果，不写入")
        parser.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
        parser.add_argument("--max-pages", type=int, default=500, help="最多请求的页面数")
        parser.add_argument("--max-depth", type=int, default=3, help="从起始页起最多跟随的链接层数")
        parser.add_argument("--delay", type=float, default=1.0, help="两次请求之间的间隔（秒）")
        parser.add_argument("--user", help="以该工作人员身份导入（默认：系统）")
        parser.add_argument("--retry", action="store_true", help="重试上次冲突或失败的页面")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            crawler = Crawler(
                options["url"], max_pages=max(1, options["max_pages"]),
                max_depth=max(0, options["max_depth"]), delay=max(0.0, options["delay"]),
            )  # fmt: skip
        except CrawlError as e:
            raise CommandError(str(e)) from e
        if options["dry_run"]:
            self.preview(crawler, options["format"])
            return
        org = batchrun.resolve_org(options["org"])
        by = batchrun.resolve_actor(options["user"], org)
        not_articles: list[str] = []
        site = SiteLines()

        def pages() -> Iterator[batchrun.Page]:
            for fetched in crawler.pages():
                if as_article(fetched, site) is None:
                    not_articles.append(fetched.url)
                    continue
                yield batchrun.Page(label=fetched.url, raw=fetched.body, source_url=fetched.url,
                                    site_lines=site.common())  # fmt: skip

        summary = batchrun.run(
            pages(), org=org, by=by, kind=ImportBatch.Kind.SITE, sources=[options["url"]],
            total=None, chunk=10, retry=options["retry"],
            progress=None if options["no_progress"] else self.stderr._out,
        )  # fmt: skip
        crawl: dict[str, Any] = {
            "requested": crawler.log.requested,
            "not_articles": len(not_articles),
            "robots_disallowed": crawler.log.skipped_robots,
            "errors": [{"url": u, "reason": r} for u, r in crawler.log.errors],
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps({**summary.to_dict(), "crawl": crawl}, ensure_ascii=False))
        else:
            self.stdout.write(summary.text())
            self.stdout.write(
                f"抓取：请求 {crawl['requested']} 次，非信息页面 {crawl['not_articles']} 个，"
                f"robots.txt 禁止 {len(crawl['robots_disallowed'])} 个，出错 {len(crawl['errors'])} 个"
            )
            for err in crawl["errors"]:
                self.stdout.write(f"  {err['url']}：{err['reason']}")
        if summary.interrupted:
            raise CommandError("抓取导入已中断；再次运行同一命令即可继续", returncode=1)

    def preview(self, crawler: Crawler, fmt: str) -> None:
        items = []
        site = SiteLines()
        for fetched in crawler.pages():
            record = as_article(fetched, site)
            if record is not None:
                items.append({"url": fetched.url, **record.to_dict()})
        if fmt == "json":
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        for item in items:
            self.stdout.write(f"{item['url']}  {item['title']}  {item['published_on'] or '—'}")
        self.stdout.write(
            f"共请求 {crawler.log.requested} 次，找到 {len(items)} 个信息页面；预览模式，未写入任何数据"
        )
