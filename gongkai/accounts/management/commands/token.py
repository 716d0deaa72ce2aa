"""`gongkai token create USER [--days N] [--name …]` (printed once) and `gongkai token revoke PREFIX`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.accounts import services
from gongkai.accounts.models import ApiToken, User
from gongkai.accounts.permissions import SYSTEM


class Command(BaseCommand):
    help = "接口令牌：create 生成（只显示一次），revoke 吊销"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("target", help="create：用户名；revoke：令牌前缀")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--name", default="命令行生成")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = User.objects.filter(username=options["target"], is_active=True).first()
            if user is None:
                raise CommandError(f"没有启用的用户“{options['target']}”")
            try:
                token, raw = services.issue_token(
                    by=SYSTEM, user=user, name=options["name"], days=options["days"]
                )
            except ValueError as e:
                raise CommandError(str(e)) from e
            self.stdout.write(f"令牌（只显示这一次）：{raw}")
            self.stdout.write(
                f"到期：{token.expires_at:%Y-%m-%d}；吊销：gongkai token revoke {token.prefix}"
            )
        else:
            token_obj = ApiToken.objects.filter(prefix=options["target"]).first()
            if token_obj is None:
                raise CommandError(f"没有前缀为“{options['target']}”的令牌")
            services.revoke_token(by=SYSTEM, token=token_obj)
            self.stdout.write(f"已吊销令牌 {token_obj.prefix}")
