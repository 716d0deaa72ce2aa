"""`gongkai search_reindex`: rebuild the search copy from the database (the truth).

    gongkai search_reindex           rebuild entries and index from all public information
    gongkai search_reindex --restart rebuild from scratch, ignoring an unfinished rebuild
    gongkai search_reindex --check   report drift between database, entries and index (exit 1)
    gongkai search_reindex --flush   apply queued index updates now

Only public information is indexed (已发布 + 主动公开, and 删减后公开 in its public version),
read through `selectors.public_documents` — the same visibility rule as every public page.
Other apps add their public records (权责清单, 执法公示, …) through an AppConfig hook, so that
this command never imports them: `search_sources()` returns (batches, keys) pairs, one per kind
of record, where `batches(after)` yields (last id, entries) in id order after id `after` and
`keys()` returns every key of that kind that should be searchable now.

Resumable: documents are read in id order and the search app keeps a checkpoint (the last
document id stored, then the last entry id the index committed, `search.models.Checkpoint`);
a rebuild that was interrupted (Ctrl-C, a crash, a full disk) continues from there when run
again, without duplicates, unless `--restart` is given.
"""

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser

from gongkai.documents import selectors, services
from gongkai.search import services as search
from gongkai.search.interface import SearchEntry

BATCH = 1000
SPAN = 10**12  # the checkpoint holds one number: source i at its own id c is i * SPAN + c

Batches = Callable[[int], Iterable[tuple[int, list[SearchEntry]]]]


def public_batches(after: int = 0) -> Iterator[tuple[int, list[SearchEntry]]]:
    """(last document id, entries) of the public documents after document id `after`."""
    base = selectors.public_documents().select_related("topic__parent").order_by("id")
    while docs := list(base.filter(id__gt=after)[:BATCH]):
        after = docs[-1].id
        yield after, services.search_entries(docs)


def document_keys() -> list[str]:
    return [
        services.search_key(pk) for pk in selectors.public_documents().values_list("id", flat=True)
    ]


def sources() -> list[tuple[Batches, Callable[[], Iterable[str]]]]:
    """Documents first, then each app's `search_sources()`, in INSTALLED_APPS order."""
    found: list[tuple[Batches, Callable[[], Iterable[str]]]] = [(public_batches, document_keys)]
    for config in apps.get_app_configs():
        if hook := getattr(config, "search_sources", None):
            found.extend(hook())
    return found


def all_batches(after: int = 0) -> Iterator[tuple[int, list[SearchEntry]]]:
    """Every source's batches one after another, the cursor numbered across sources (SPAN)."""
    for i, (batches, _) in enumerate(sources()):
        if after >= (i + 1) * SPAN:
            continue
        local = after - i * SPAN if after >= i * SPAN else 0
        for cursor, entries in batches(local):
            yield i * SPAN + cursor, entries


def expected_keys() -> set[str]:
    return {key for _, keys in sources() for key in keys()}


class Command(BaseCommand):
    help = "从数据库重建全文检索索引（--check 检查差异，--flush 立即应用待更新条目）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只检查索引与数据库的差异")
        parser.add_argument("--flush", action="store_true", help="立即应用排队的索引更新")
        parser.add_argument(
            "--restart", action="store_true", help="放弃未完成的重建，从头开始（默认从检查点继续）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["flush"]:
            self.stdout.write(f"已应用 {search.flush()} 条待更新索引")
            return
        if options["check"]:
            self._check()
            return
        total = len(expected_keys())
        if not options["restart"] and (point := search.checkpoint()):
            self.stdout.write(f"从上次中断处继续重建（{point}）")
        shown = {"entries": -1, "index": -1}

        def progress(stage: str, done: int) -> None:
            percent = done * 100 // max(total, 1)
            if percent != shown[stage]:
                shown[stage] = percent
                label = "写入检索条目" if stage == "entries" else "建立索引"
                bar = "#" * (percent // 5)
                self.stdout.write(f"\r{label} [{bar:<20}] {done}/{total}", ending="")
                self.stdout.flush()

        done = search.rebuild(all_batches, progress, resume=not options["restart"])
        self.stdout.write(f"\n已重建全文检索索引：{done} 条公开信息")

    def _check(self) -> None:
        drift = search.check(expected_keys())
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
