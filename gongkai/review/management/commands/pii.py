"""`gongkai pii scan|redact [FILE|-]`: find or mask personal information in a text file.

scan prints the findings (`--format json`: a JSON list of {"type","start","end","text",
"confidence"}, offsets in characters of the decoded text); redact prints the de-identified text
(GB/T 37964-2019 masking, see `gongkai.lib.pii`). With `--jsonl` every input line is a JSON
object with a "text" field and every output line answers that line: scan prints its findings,
redact prints the object with "text" replaced by the masked text. Input may be UTF-8 (with or
without BOM) or GBK/GB18030.

`gongkai pii audit --org CODE [--no-children] [--format json]` scans the already-published
archive of an organisation (and those below it) and reports the public items whose public text
holds personal information no reviewer kept, with a progress bar on stderr; identifiers appear
masked in the report. Exit status 0 whatever it finds: the report is the result.
"""

import json
import sys
from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.lib.pii import (
    DEFAULT_MIN_CONFIDENCE,
    TYPES,
    Finding,
    LacTagger,
    NameTagger,
    UndecodableText,
    decode_text,
    detect,
    redact,
)

TYPE_LABELS = {
    "id_card": "身份证号",
    "mobile": "手机号",
    "landline": "固定电话",
    "bank_card": "银行卡号",
    "email": "电子邮箱",
    "passport": "护照/通行证",
    "license_plate": "车牌号",
    "credit_code": "统一社会信用代码",
    "person_name": "姓名",
    "address": "住址",
}


class Command(BaseCommand):
    help = "个人信息检测：scan 列出发现的个人信息，redact 输出去标识化后的文本"
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["scan", "redact", "audit"],
            help="scan 检测；redact 去标识化；audit 审查已发布的存量信息",
        )
        parser.add_argument("--org", help="audit：机构代码")
        parser.add_argument("--no-children", action="store_true", help="audit：不含下级机构")
        parser.add_argument("file", nargs="?", default="-", help="输入文件，- 表示标准输入（默认）")
        parser.add_argument(
            "--format", choices=["json", "text"], default="text", help="scan 的输出格式"
        )
        parser.add_argument(
            "--jsonl", action="store_true", help="每行一个含 text 字段的 JSON 对象，逐行输出结果"
        )
        parser.add_argument(
            "--types", help=f"只检测这些类型，逗号分隔：{','.join(TYPES)}", default=None
        )
        parser.add_argument(
            "--min-confidence",
            type=float,
            default=DEFAULT_MIN_CONFIDENCE,
            help=f"置信度下限（默认 {DEFAULT_MIN_CONFIDENCE}；0 显示全部疑似项）",
        )
        parser.add_argument(
            "--tagger", action="store_true", help="同时用 LAC 模型识别姓名（较慢，约 1.5 万字/秒）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "audit":
            self._audit(options)
            return
        types = self._types(options["types"])
        tagger: NameTagger | None = LacTagger() if options["tagger"] else None
        min_confidence = options["min_confidence"]

        def find(body: str) -> list[Finding]:
            return detect(body, types=types, min_confidence=min_confidence, tagger=tagger)

        stream = self._open(options["file"], options.get("stdin"))
        try:
            if options["jsonl"]:
                self._jsonl(stream, options["action"], find)
                return
            text = decode_or_fail(stream.read())
        finally:
            if options["file"] != "-":
                stream.close()
        if options["action"] == "redact":
            self.stdout.write(redact(text, find(text)), ending="")
        elif options["format"] == "json":
            payload = [f.as_dict() for f in find(text)]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self._print_table(text, find(text))

    def _audit(self, options: dict[str, Any]) -> None:
        from gongkai.organizations.models import Organization
        from gongkai.review.selectors import archive_audit

        code = options.get("org")
        if not code:
            raise CommandError("audit 须用 --org 指定机构代码")
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"未知的机构代码：{code}")
        err = self.stderr

        def progress(done: int, total: int) -> None:
            width = 30
            step = max(1, total // 100)
            if done % step and done != total:
                return  # about a hundred redraws whatever the archive's size
            filled = width * done // total if total else width
            err.write(
                f"\r审查进度 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=""
            )
            if done == total:
                err.write("")

        report = archive_audit(org, include_children=not options["no_children"], progress=progress)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for item in report:
            self.stdout.write(
                f"{item['id']}\t{item['index_no'] or '—'}\t{item['title']}\t{item['url']}"
            )
            for f in item["findings"]:
                label = TYPE_LABELS.get(f["type"], f["type"])
                self.stdout.write(
                    f"\t{label}\t{f['value']}\t{'、'.join(f['where'])}\t{f['count']} 处"
                )
        self.stdout.write(f"共 {len(report)} 条已公开信息含未处理的个人信息")

    def _types(self, raw: str | None) -> list[str] | None:
        if not raw:
            return None
        chosen = [t.strip() for t in raw.split(",") if t.strip()]
        unknown = [t for t in chosen if t not in TYPES]
        if unknown:
            raise CommandError(f"未知的类型：{'、'.join(unknown)}；可选：{'、'.join(TYPES)}")
        return chosen

    def _open(self, path: str, stdin: BinaryIO | None) -> BinaryIO:
        if path == "-":
            return stdin if stdin is not None else sys.stdin.buffer
        try:
            return Path(path).open("rb")
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except IsADirectoryError:
            raise CommandError(f"{path} 是目录，不是文件") from None
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc.strerror}") from exc

    def _jsonl(self, stream: BinaryIO, action: str, find: Callable[[str], list[Finding]]) -> None:
        # Line by line, so that an archive export of any size goes through in one process.
        for number, raw in enumerate(stream, start=1):
            line = decode_or_fail(raw.rstrip(b"\r\n"), number)
            if not line.strip():
                self.stdout.write("")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"第 {number} 行不是合法的 JSON：{exc.msg}") from exc
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise CommandError(f"第 {number} 行应是含字符串字段 text 的 JSON 对象")
            findings = find(record["text"])
            if action == "scan":
                out: Any = [f.as_dict() for f in findings]
            else:
                out = {**record, "text": redact(record["text"], findings)}
            self.stdout.write(_json_line(out))

    def _print_table(self, text: str, findings: list[Finding]) -> None:
        line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        for f in findings:
            line = _line_of(line_starts, f.start)
            label = TYPE_LABELS.get(f.type, f.type)
            self.stdout.write(
                f"第{line}行\t{label}\t{f.text}\t置信度 {f.confidence:.2f}\t[{f.start}, {f.end})"
            )
        self.stdout.write(f"共发现 {len(findings)} 处个人信息")


def _json_line(value: Any) -> str:
    # U+2028/U+2029 are legal inside JSON strings but split lines for many line readers.
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _line_of(line_starts: list[int], offset: int) -> int:
    return bisect_right(line_starts, offset)


def decode_or_fail(data: bytes, line: int | None = None) -> str:
    """The decoded input, or a CommandError with the Chinese explanation (exit status 1)."""
    try:
        return decode_text(data)
    except UndecodableText as exc:
        where = f"第 {line} 行：" if line else ""
        raise CommandError(f"{where}{exc}") from exc
