"""`gongkai search_reindex`: rebuild the search copy from the database (the truth).

    gongkai search_reindex           rebuild entries and index from all public information
    gongkai search_reindex --check   report drift between database, entries and index (exit 1)
    gongkai search_reindex --flush   apply queued index updates now

Only public information is indexed (已发布 + 主动公开, and 删减后公开 in its public version),
read through `selectors.public_documents` — the same visibility rule as every public page.
"""

import sys
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.documents import selectors, services
from gongkai.search import services as search
from gongkai.search.interface import SearchEntry

BATCH = 1000


def public_batches() -> Iterator[list[SearchEntry]]:
    last = 0
    base = selectors.public_documents().select_related("topic__parent").order_by("id")
    while docs := list(base.filter(id__gt=last)[:BATCH]):
        last = docs[-1].id
        yield [services.search_entry(d) for d in docs]


class Command(BaseCommand):
    help = "从数据库重建全文检索索引（--check 检查差异，--flush 立即应用待更新条目）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只检查索引与数据库的差异")
        parser.add_argument("--flush", action="store_true", help="立即应用排队的索引更新")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["flush"]:
            self.stdout.write(f"已应用 {search.flush()} 条待更新索引")
            return
        if options["check"]:
            self._check()
            return
        total = selectors.public_documents().count()
        shown = {"entries": -1, "index": -1}

        def progress(stage: str, done: int) -> None:
            percent = done * 100 // max(total, 1)
            if percent != shown[stage]:
                shown[stage] = percent
                label = "写入检索条目" if stage == "entries" else "建立索引"
                bar = "#" * (percent // 5)
                self.stdout.write(f"\r{label} [{bar:<20}] {done}/{total}", ending="")
                self.stdout.flush()

        done = search.rebuild(public_batches(), progress)
        self.stdout.write(f"\n已重建全文检索索引：{done} 条公开信息")

    def _check(self) -> None:
        expected = {
            services.search_key(pk)
            for pk in selectors.public_documents().values_list("id", flat=True)
        }
        drift = search.check(expected)
        labels = {
            "missing_entries": "应可检索但缺少检索条目",
            "extra_entries": "已不公开但仍有检索条目",
            "missing_in_index": "有检索条目但不在索引中",
            "extra_in_index": "在索引中但已无检索条目（查询时会被过滤）",
            "pending": "排队待更新",
        }
        found = False
        for name, keys in drift.items():
            self.stdout.write(
                f"{labels[name]}：{len(keys)}" + (f"（{', '.join(keys[:10])}）" if keys else "")
            )
            found = found or (bool(keys) and name != "pending")
        if found:
            self.stdout.write("存在差异，请运行 gongkai search_reindex 重建")
            sys.exit(1)
        self.stdout.write("索引与数据库一致")
