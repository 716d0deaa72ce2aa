"""`gongkai search reindex|check|flush`: the search copy's maintenance commands, by their names.

    gongkai search reindex   rebuild entries and index from all public information (progress bar);
                             an interrupted rebuild continues from its checkpoint when run again
    gongkai search reindex --restart   start over, ignoring an unfinished rebuild
    gongkai search check     report drift between database, entries and index (exit 1 on drift)
    gongkai search flush     apply queued index updates (the outbox) now

What is public is decided by the apps that publish (today `gongkai.documents`), which sit above
this app: the work is done by their `search_reindex` command, reached here by name through
`call_command` so that search never imports them (the layers contract); `search_reindex` keeps
working as before.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

SUBCOMMANDS = {
    "reindex": ("从数据库重建全文检索条目与索引（显示进度）", {}),
    "check": ("检查索引与数据库的差异（有差异时退出码为 1）", {"check": True}),
    "flush": ("立即应用排队的索引更新", {"flush": True}),
}


class Command(BaseCommand):
    help = "全文检索维护：reindex 重建索引，check 检查差异，flush 应用待更新条目"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{reindex,check,flush}")
        for name, (text, _) in SUBCOMMANDS.items():
            action = sub.add_parser(name, help=text)
            if name == "reindex":
                action.add_argument(
                    "--restart", action="store_true", help="放弃未完成的重建，从头开始"
                )

    def handle(self, *args: Any, **options: Any) -> None:
        _, flags = SUBCOMMANDS[options["action"]]
        if options.get("restart"):
            flags = {**flags, "restart": True}
        call_command("search_reindex", stdout=self.stdout, stderr=self.stderr, **flags)
