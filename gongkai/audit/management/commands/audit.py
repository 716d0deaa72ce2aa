"""`gongkai audit verify`: check the SM3 chain of the audit trail; exit 1 and name the entries if broken."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.audit.models import AuditHead
from gongkai.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "审计日志：verify 校验 SM3 哈希链"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--expect-head", help="先前记下的链头哈希，用于发现整链重算")

    def handle(self, *args: Any, **options: Any) -> None:
        count, problems = verify_chain()
        head = AuditHead.objects.filter(id=1).first()
        if options["expect_head"] and head and not head.hash.startswith(options["expect_head"]):
            problems = [*problems]
            self.stderr.write(f"链头哈希 {head.hash} 与记下的 {options['expect_head']} 不符")
            raise CommandError("审计日志校验失败")
        if problems:
            for p in problems:
                self.stderr.write(f"[{p.kind}] 第 {p.seq} 条：{p.message}")
            raise CommandError(f"审计日志校验失败：{len(problems)} 处问题（共 {count} 条记录）")
        tail = f"，链头 {head.hash}" if head else ""
        self.stdout.write(f"审计日志完好：{count} 条记录{tail}")
