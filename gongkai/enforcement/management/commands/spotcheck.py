"""`gongkai spotcheck replay DRAW_ID`: recompute a stored 双随机 draw from its published seed,
frozen pool and recusals (`sha256-rank-v1`); exit 1 when it differs from the stored log."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.enforcement import selectors
from gongkai.enforcement.models import Draw


class Command(BaseCommand):
    help = "复核双随机抽取记录：gongkai spotcheck replay 抽取记录编号"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rp = sub.add_parser("replay", help="按公开的种子和算法重新计算一次抽取")
        rp.add_argument("draw_id", type=int)

    def handle(self, *args: Any, **o: Any) -> None:
        draw = Draw.objects.select_related("plan").filter(pk=o["draw_id"]).first()
        if draw is None:
            raise CommandError(f"没有编号为 {o['draw_id']} 的抽取记录")
        ok, again = selectors.replay(draw)
        if ok:
            self.stdout.write(
                f"一致：{draw.plan.name}，抽中 {len(again)} 户，算法 {draw.plan.algorithm}"
            )
            return
        self.stderr.write(f"不一致：{draw.plan.name} 的存储记录与重新计算的结果不同")
        sys.exit(1)
