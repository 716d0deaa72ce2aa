"""`gongkai import_pages PATH... [--org CODE] --dry-run [--format json|text]`: preview an import.

The issue calls the command `import-pages`; a Django command is named after its module and a
module name cannot contain '-', hence `import_pages`.

Reads each PATH — a file, or a folder searched recursively for pages (.html .htm .shtml .txt
…) — in whatever encoding it was saved, extracts it with gongkai.lib.pageimport and prints
the records: with `--format json` a JSON list, one object per file with `path`, `org` and the
record's fields (dates in ISO form, warnings included), or an error for a file that is not a
page. Nothing is written anywhere.

Without --dry-run the command stops with a non-zero exit: writing imported pages into the
database is a later step and not available yet.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in PAGE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            raise CommandError(f"路径不存在：{raw}")
    return list(dict.fromkeys(files))


class Command(BaseCommand):
    help = "导入历史网页（目前仅支持 --dry-run 预览提取结果，不写入数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="网页或文本文件，或其所在目录")
        parser.add_argument("--org", metavar="CODE", help="导入到的机构代码")
        parser.add_argument(
            "--dry-run", action="store_true", help="只提取并显示结果，不写入任何数据"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"]:
            raise CommandError(
                "写入导入尚未提供：目前只能加 --dry-run 预览提取结果，不会写入任何数据"
            )
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

    @staticmethod
    def describe(n: int, item: dict[str, Any]) -> str:
        lines = [f"[{n}] {item['path']}"]
        if "error" in item:
            return "\n".join([*lines, f"  {item['error']}"])
        lines += [f"  {zh}：{item[key] or '—'}" for key, zh in TEXT_LABELS]
        lines.append(f"  正文：{len(item['body_text'])} 字；附件：{len(item['attachments'])} 个")
        lines += [f"  提示：{w}" for w in item["warnings"]]
        return "\n".join(lines)
