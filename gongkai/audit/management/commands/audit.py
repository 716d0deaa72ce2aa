"""`gongkai audit verify | export-head`: check the SM3 chain of the audit trail, against checkpoints
noted outside the database too (exit 1 and name the entries if broken); copy the head out."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.audit import conf, tasks
from gongkai.audit.models import AuditEntry, AuditHead
from gongkai.audit.selectors import read_checkpoint_file, verify_chain
from gongkai.lib import hashchain


class Command(BaseCommand):
    help = (
        "审计日志：verify 校验 SM3 哈希链（可对照库外记下的检查点）；"
        "export-head 把链头写入只追加文件和 syslog"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "export-head"])
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="先前记下的第 SEQ 条记录的哈希（可重复）：该条及其之前的记录未被改写",
        )
        parser.add_argument(
            "--checkpoint-file",
            action="append",
            default=[],
            metavar="PATH",
            help="export-head 写出的链头文件（可重复）：逐行核对，配置了密钥时也核对 MAC",
        )
        parser.add_argument(
            "--expect-head", help="先前记下的链头哈希（完整 64 位）：它须仍在链上，用于发现整链重算"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "export-head":
                self._export()
            else:
                self._verify(options)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

    def _export(self) -> None:
        try:
            export, problems = tasks.export_checked()
        except OSError as exc:
            raise CommandError(f"链头导出失败：{exc}") from exc
        if export is None:
            self.stdout.write("尚无审计记录，没有可导出的链头")
        else:
            self.stdout.write(export.line)
        if not conf.exporting():
            self.stderr.write(
                "未配置 GONGKAI_AUDIT_HEAD_FILE 或 GONGKAI_AUDIT_SYSLOG：链头只输出在这里"
            )
        if problems:
            for message in problems:
                self.stderr.write(message)
            raise CommandError("审计链与上次导出的链头不符（本次链头照常导出，并已告警）")

    def _checkpoints(
        self, options: dict[str, Any]
    ) -> tuple[list[hashchain.Checkpoint], list[hashchain.Problem]]:
        checkpoints: list[hashchain.Checkpoint] = []
        problems: list[hashchain.Problem] = []
        for text in options["checkpoint"]:
            try:
                checkpoints.append(hashchain.parse_checkpoint(text, "命令行检查点"))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        for path in options["checkpoint_file"]:
            try:
                found, bad = read_checkpoint_file(path)
            except OSError as exc:
                raise CommandError(f"无法读取检查点文件 {path}：{exc}") from exc
            if not found and not bad:
                self.stderr.write(f"检查点文件 {path} 中没有检查点")
            checkpoints += found
            problems += bad
        if expected := options["expect_head"]:
            digest = expected.strip().lower()
            if not hashchain.is_hash(digest):
                raise CommandError(f"--expect-head “{expected}”应为完整的 64 位十六进制哈希")
            seq = AuditEntry.objects.filter(hash=digest).values_list("seq", flat=True).first()
            if seq is None:
                problems.append(
                    hashchain.Problem(0, "checkpoint", f"记下的链头哈希 {expected} 已不在链上")
                )
            else:
                checkpoints.append(hashchain.Checkpoint(seq, digest, "记下的链头"))
        return checkpoints, problems

    def _verify(self, options: dict[str, Any]) -> None:
        checkpoints, problems = self._checkpoints(options)
        count, chain_problems = verify_chain(checkpoints)
        problems = problems + chain_problems
        head = AuditHead.objects.filter(id=1).first()
        if problems:
            for p in problems:
                where = f"第 {p.seq} 条：" if p.seq else ""
                self.stderr.write(f"[{p.kind}] {where}{p.message}")
            raise CommandError(f"审计日志校验失败：{len(problems)} 处问题（共 {count} 条记录）")
        tail = f"，链头 {head.seq}:{head.hash}" if head else ""
        noted = f"；{len(checkpoints)} 个检查点均仍在链上" if checkpoints else ""
        self.stdout.write(f"审计日志完好：{count} 条记录{tail}{noted}")
