"""Running an import batch from a command: pages in, progress bar and summary report out.

Shared by `import_pages` (files) and `import_site` (a crawl). Pages are committed in chunks of
`chunk` pages, each page in its own savepoint: an interruption (Ctrl-C, a killed process) loses
at most the chunk in flight, and the next run over the same sources skips what was imported (by
the page's hash, without writing anything) and continues the unfinished batch. A page already
imported costs a hash and one read; a run where every page was imported before writes nothing.
"""

import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction

from gongkai.accounts import permissions
from gongkai.accounts.models import User
from gongkai.accounts.permissions import SYSTEM, Action
from gongkai.imports import selectors, services
from gongkai.imports.models import ImportBatch, ImportRecord
from gongkai.organizations.models import Organization

STATUS_ZH = {
    "imported": "新导入",
    "unchanged": "已导入过",
    "clash": "索引号冲突",
    "changed": "内容已变化",
    "failed": "失败",
}


@dataclass
class Page:
    """One page to import: its bytes (or why they could not be read) and where it came from."""

    label: str  # shown in the report: a path or a URL
    raw: bytes | None
    source_url: str = ""
    source_path: str = ""
    site_lines: frozenset[str] = frozenset()  # what the crawled site repeats (lib/pageimport)
    error: str = ""


@dataclass
class Summary:
    org: str
    batch: int | None = None
    seen: int = 0
    counts: Counter = field(default_factory=Counter)
    flagged: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "batch": self.batch,
            "seen": self.seen,
            **{k: self.counts.get(k, 0) for k in STATUS_ZH},
            "pii_flagged": self.flagged,
            "interrupted": self.interrupted,
            "seconds": round(self.seconds, 2),
            "problems": self.problems,
        }

    def text(self) -> str:
        head = "，".join(f"{zh} {self.counts.get(k, 0)}" for k, zh in STATUS_ZH.items())
        lines = [
            f"导入到“{self.org}”：共处理 {self.seen} 个页面（{head}）；"
            f"疑似含个人信息待复核 {self.flagged} 个；用时 {self.seconds:.1f} 秒"
            + (f"；批次 {self.batch}" if self.batch else "")
        ]
        for p in self.problems:
            lines.append(
                f"  [{STATUS_ZH.get(p['status'], p['status'])}] {p['page']}：{p['message']}"
            )
        if self.interrupted:
            lines.append("已中断：再次运行同一命令即可从中断处继续（已导入的页面不会重复导入）")
        return "\n".join(lines)


class Progress:
    """A progress bar on a terminal; elsewhere (logs, tests) a line every tenth of the way."""

    def __init__(self, stream: Any, total: int | None, enabled: bool = True):
        self.stream, self.total, self.enabled = stream, total, enabled
        self.tty = enabled and hasattr(stream, "isatty") and stream.isatty()
        self.started = time.perf_counter()
        self.last_step = -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        rate = done / max(time.perf_counter() - self.started, 1e-6)
        if self.total:
            share = done / self.total
            bar = "#" * int(share * 30)
            line = f"导入 [{bar:<30}] {done}/{self.total} {share:6.1%} {rate:6.1f} 页/秒"
            step = int(share * 10)
        else:
            line, step = f"导入 {done} 页 {rate:6.1f} 页/秒", done // 100
        if self.tty:
            self.stream.write("\r" + line)
            self.stream.flush()
        elif step != self.last_step:
            self.stream.write(line + "\n")
        self.last_step = step

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def resolve_org(code: str | None) -> Organization:
    if not code:
        raise CommandError("写入导入须用 --org 指定导入到的机构代码（只预览请加 --dry-run）")
    org = Organization.objects.filter(code=code).first()
    if org is None:
        known = "、".join(Organization.objects.order_by("code").values_list("code", flat=True)[:20])
        raise CommandError(f"未找到机构代码“{code}”。现有机构代码：{known or '（无）'}")
    if not org.is_active:
        raise CommandError(f"机构“{org.name}”（{code}）已停用，不能导入")
    return org


def resolve_actor(username: str | None, org: Organization) -> Any:
    """The system, or a staff user who may both draft and publish in `org`."""
    if not username:
        return SYSTEM
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"未找到启用的用户“{username}”")
    if not (
        permissions.can(user, Action.EDIT, org.pk) and permissions.can(user, Action.REVIEW, org.pk)
    ):
        raise CommandError(
            f"用户“{username}”在“{org.name}”没有导入权限（导入已发布信息须同时有编辑和审核权限）"
        )
    return user


def _problem(page: Page, status: str, message: str) -> dict[str, Any]:
    return {"page": page.label, "status": status, "message": message}


def run(
    pages: Iterable[Page], *, org: Organization, by: Any, kind: str, sources: list[str],
    total: int | None, chunk: int = 25, progress: Any = None, retry: bool = False,
) -> Summary:  # fmt: skip
    """Import `pages` into `org`; Ctrl-C closes the batch as interrupted and is reported.

    A page the ledger already holds (same bytes) is not touched: imported ones count as
    unchanged, the others are reported with their earlier outcome — unless `retry`, which tries
    pages that clashed or failed again."""
    summary = Summary(org=org.name)
    bar = Progress(progress or sys.stderr, total, enabled=progress is not None)
    batch: ImportBatch | None = None
    started = time.perf_counter()
    iterator: Iterator[Page] = iter(pages)
    try:
        while group := _take(iterator, chunk):
            todo: list[Page] = []
            for page in group:
                summary.seen += 1
                if page.raw is None:
                    summary.counts["failed"] += 1
                    summary.problems.append(_problem(page, "failed", page.error))
                elif (row := selectors.ledger_row(org.pk, services.source_hash(page.raw))) and (
                    row.status == ImportRecord.Status.IMPORTED or not retry
                ):
                    _earlier(summary, page, row)
                else:
                    todo.append(page)
            if todo:
                if batch is None:  # opened only when there is something to write
                    batch = services.open_batch(by=by, org=org, kind=kind, sources=sources)
                    summary.batch = batch.pk
                with transaction.atomic():
                    results = [_one(batch, page, by) for page in todo]
                # counted once committed: an interrupted chunk is redone by the next run
                for status, pii_count, problem in results:
                    summary.counts[status] += 1
                    summary.flagged += pii_count > 0
                    if problem:
                        summary.problems.append(problem)
            bar.update(summary.seen)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        bar.close()
        summary.seconds = time.perf_counter() - started
        if batch is not None:
            services.close_batch(
                batch, by=by, seen=summary.seen, unchanged=summary.counts["unchanged"],
                interrupted=summary.interrupted,
            )  # fmt: skip
    return summary


def _earlier(summary: Summary, page: Page, row: ImportRecord) -> None:
    if row.status == ImportRecord.Status.IMPORTED:
        summary.counts[services.UNCHANGED] += 1
        return
    summary.counts[row.status] += 1
    summary.problems.append(
        _problem(page, row.status, f"{row.error}（上次导入的结果，未重试；加 --retry 重试）")
    )


def _take(iterator: Iterator[Page], n: int) -> list[Page]:
    group: list[Page] = []
    for page in iterator:
        group.append(page)
        if len(group) >= n:
            break
    return group


def _one(batch: ImportBatch, page: Page, by: Any) -> tuple[str, int, dict[str, Any] | None]:
    """(status, PII count, a line for the report or None) of one page, in a savepoint."""
    assert page.raw is not None
    try:
        with transaction.atomic():
            outcome = services.import_page(
                batch, by=by, raw=page.raw, source_url=page.source_url,
                source_path=page.source_path, site_lines=page.site_lines,
            )  # fmt: skip
    except Exception as e:  # a bug or a database error: reported, retried by the next run
        return "failed", 0, _problem(page, "failed", f"导入出错（未写入，下次运行重试）：{e}")
    if outcome.status in (ImportRecord.Status.IMPORTED, services.UNCHANGED):
        note = f"疑似含个人信息 {outcome.pii_count} 处，请复核" if outcome.pii_count else ""
        return outcome.status, outcome.pii_count, _problem(page, "imported", note) if note else None
    return outcome.status, outcome.pii_count, _problem(page, outcome.status, outcome.message)
