"""`gongkai import_pages PATH... --org CODE [--dry-run] [--format json|text]`: import old pages.

The issue calls the command `import-pages`; a Django command is named after its module and a
module name cannot contain '-', hence `import_pages`.

Reads each PATH — a file, or a folder searched recursively for pages (.html .htm .shtml .txt
…) — in whatever encoding it was saved, extracts it with gongkai.lib.pageimport and prints
the records: with `--format json` a JSON list, one object per file with `path`, `org` and the
record's fields (dates in ISO form, warnings included), or an error for a file that is not a
page. Nothing is written anywhere.

Without --dry-run the pages are written (gongkai.imports.services): each becomes a document
already 已发布 in the organisation `--org CODE` (required; an unknown code is a clear error),
keeping its 索引号 — a clash is reported, not overwritten — with its original URL (`--base-url`:
the old site's address of the folder given, so `a/b.html` under it is `<base-url>a/b.html`) and
the hash of the page in the import ledger. A progress bar goes to stderr; the summary report
(text, or one JSON object with `--format json`) to stdout. Importing the same pages again
changes nothing (pages that clashed or failed are reported again with their earlier outcome;
`--retry` tries them again); an interrupted run (Ctrl-C, a killed process) is continued by running the same
command again. `--user NAME` acts as that staff user, whose rights are checked (default: the
system). Exit status 1 when the run was interrupted.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.imports.management import batchrun
from gongkai.imports.models import ImportBatch
from gongkai.lib.pageimport import PageDecodeError, decode, extract

PAGE_SUFFIXES = frozenset(
    {".html", ".htm", ".shtml", ".xhtml", ".txt", ".jsp", ".asp", ".aspx", ".php"}
)
TEXT_LABELS = (
    ("title", "标题"),
    ("index_no", "索引号"),
    ("org_name", "发布机构"),
    ("department", "责任部门"),
    ("doc_number", "文号"),
    ("written_on", "成文日期"),
    ("published_on", "发布日期"),
    ("validity", "效力状态"),
    ("category", "信息分类"),
)


def collect_files(paths: list[str]) -> list[Path]:
    """Files named on the command line are read as given; folders contribute their pages."""
    return list(dict.fromkeys(path for path, _ in collect_with_roots(paths)))


def collect_with_roots(paths: list[str]) -> list[tuple[Path, Path]]:
    """(file, the folder it was found under — or the file itself when named directly)."""
    files: list[tuple[Path, Path]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            files.append((path, path))
        elif path.is_dir():
            files.extend(
                (p, path)
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in PAGE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            raise CommandError(f"路径不存在：{raw}")
    return list({f: (f, root) for f, root in files}.values())


def original_url(base_url: str, path: Path, root: Path) -> str:
    """The page's address on the old site: `base_url` stands for the folder (or the file) given."""
    if not base_url:
        return ""
    if root == path:
        return base_url
    rel = path.relative_to(root).as_posix()
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", quote(rel))


def read_pages(files: list[tuple[Path, Path]], base_url: str) -> Iterator[batchrun.Page]:
    for path, root in files:
        try:
            raw: bytes | None = path.read_bytes()
            error = ""
        except OSError as e:
            raw, error = None, f"无法读取文件：{e}"
        yield batchrun.Page(
            label=str(path), raw=raw, source_url=original_url(base_url, path, root),
            source_path=str(path.resolve()), error=error,
        )  # fmt: skip


class Command(BaseCommand):
    help = "导入历史网页：提取元数据和正文，作为已发布的政府信息写入（--dry-run 只预览）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="网页或文本文件，或其所在目录")
        parser.add_argument("--org", metavar="CODE", help="导入到的机构代码")
        parser.add_argument(
            "--dry-run", action="store_true", help="只提取并显示结果，不写入任何数据"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
        parser.add_argument(
            "--base-url", default="", help="所给目录在旧网站上的网址，用于记录原网址"
        )
        parser.add_argument("--user", help="以该工作人员身份导入（默认：系统）")
        parser.add_argument(
            "--chunk", type=int, default=25, help="每次提交的页面数（中断时最多重做这么多）"
        )
        parser.add_argument(
            "--retry", action="store_true", help="重试上次冲突或失败的页面（默认只报告上次结果）"
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"]:
            self.write(options)
            return
        files = collect_files(options["paths"])
        if not files:
            raise CommandError("没有找到可导入的网页文件（.html、.htm、.txt 等）")
        items: list[dict[str, Any]] = []
        for path in files:
            item: dict[str, Any] = {"path": str(path), "org": options["org"]}
            try:
                record = extract(decode(path.read_bytes()))
            except (OSError, PageDecodeError) as e:
                item["error"] = f"无法读取：{e}"
                self.stderr.write(f"跳过 {path}：{e}")
            else:
                item.update(record.to_dict())
            items.append(item)
        if options["format"] == "json":
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        for n, item in enumerate(items, 1):
            self.stdout.write(self.describe(n, item))
        failed = sum("error" in item for item in items)
        self.stdout.write(f"共 {len(items)} 个文件，{failed} 个无法读取；预览模式，未写入任何数据")

    def write(self, options: dict[str, Any]) -> None:
        org = batchrun.resolve_org(options["org"])
        by = batchrun.resolve_actor(options["user"], org)
        base_url = options["base_url"].strip()
        if base_url and not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url 应为 http:// 或 https:// 开头的网址：{base_url}")
        files = collect_with_roots(options["paths"])
        if not files:
            raise CommandError("没有找到可导入的网页文件（.html、.htm、.txt 等）")
        sources = [str(Path(p).resolve()) for p in options["paths"]]
        if base_url:
            sources.append(base_url)
        summary = batchrun.run(
            read_pages(files, base_url), org=org, by=by, kind=ImportBatch.Kind.FILES,
            sources=sources, total=len(files), chunk=max(1, options["chunk"]),
            progress=None if options["no_progress"] else self.stderr._out, retry=options["retry"],
        )  # fmt: skip
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False))
        else:
            self.stdout.write(summary.text())
        if summary.interrupted:
            raise CommandError("导入已中断；再次运行同一命令即可继续", returncode=1)

    @staticmethod
    def describe(n: int, item: dict[str, Any]) -> str:
        lines = [f"[{n}] {item['path']}"]
        if "error" in item:
            return "\n".join([*lines, f"  {item['error']}"])
        lines += [f"  {zh}：{item[key] or '—'}" for key, zh in TEXT_LABELS]
        lines.append(f"  正文：{len(item['body_text'])} 字；附件：{len(item['attachments'])} 个")
        lines += [f"  提示：{w}" for w in item["warnings"]]
        return "\n".join(lines)
